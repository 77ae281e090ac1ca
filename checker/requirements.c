// SPDX-License-Identifier: GPL-2.0
/*
 * The requirement table (see requirements.h). Each row is one thing the
 * assignment (SO2 Assignment 7), README.md or docs/simvirtio.md asks of
 * the task, stated as behaviour: where the assignment leaves a choice,
 * the row says what every valid choice has in common.
 */
#include <string.h>

#include <kvmlab/kernel.h>

#include "requirements.h"
#include "rubric.h"

static const struct requirement table[] = {
	/* ---- task 1: the VM, the vCPU, real mode, the exit loop ---- */
	{ "real.api_version", "real_mode",
	  "KVM_GET_API_VERSION is asked on the /dev/kvm fd before the VM is created",
	  "test_vm_setup" },
	{ "real.create_vm", "real_mode",
	  "KVM_CREATE_VM is called on the /dev/kvm fd (machine type 0) and its fd is the VM's",
	  "test_vm_setup" },
	{ "real.tss_addr", "real_mode",
	  "KVM_SET_TSS_ADDR is called on the VM fd with a page-aligned address whose 3 pages lie below 4 GiB and outside RAM (the assignment: 0xfffbd000)",
	  "test_vm_setup" },
	{ "real.ram_mmap", "real_mode",
	  "the guest RAM is mmap'ed writable (PROT_WRITE; reading comes with it on x86), MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, of the size asked for (--mem, default 1 MiB)",
	  "test_vm_setup" },
	{ "real.madvise", "real_mode",
	  "the guest RAM is marked MADV_MERGEABLE with madvise, all of it",
	  "test_vm_setup" },
	{ "real.memslot", "real_mode",
	  "KVM_SET_USER_MEMORY_REGION on the VM fd maps all of that RAM at guest address 0 (flags 0, or KVM_MEM_LOG_DIRTY_PAGES with --dirty-log)",
	  "test_vm_setup" },
	{ "real.vcpu_create", "real_mode",
	  "KVM_CREATE_VCPU is called on the VM fd, for vCPU 0",
	  "test_vcpu_setup" },
	{ "real.vcpu_mmap", "real_mode",
	  "kvm_run is mapped from the vCPU fd at offset 0, shared, readable and writable, of the size KVM_GET_VCPU_MMAP_SIZE (on the /dev/kvm fd) returned",
	  "test_vcpu_setup" },
	{ "real.cs_ip", "real_mode",
	  "in real mode CS:IP reaches the entry: cs.base == cs.selector << 4 and cs.base + ip == entry, for any split (entry 0x8000, 0x8010, Lab 1's 0x1000)",
	  "test_real_registers, test_mode_real" },
	{ "real.rflags", "real_mode",
	  "RFLAGS is 0x2 at entry: every flag clear but the reserved bit 1",
	  "test_real_registers, test_mode_real" },
	{ "real.cr0", "real_mode",
	  "the vCPU starts in real mode: CR0.PE (and PG) clear",
	  "test_real_registers, test_mode_real" },
	{ "real.kvm_run", "real_mode",
	  "KVM_RUN runs the vCPU fd again after each exit handled, until the halt: one call per exit of a grader-owned guest",
	  "test_run_loop" },
	{ "real.io_out", "real_mode",
	  "a port write (KVM_EXIT_IO, OUT) hands the port, its width and the bytes at data_offset to the device on that port",
	  "test_exit_io_out, test_greeter" },
	{ "real.io_in", "real_mode",
	  "a port read (KVM_EXIT_IO, IN) puts the device's bytes at data_offset for the guest",
	  "test_exit_io_in, test_string_in" },
	{ "real.io_width", "real_mode",
	  "2- and 4-byte port accesses reach the device as one access of that width, with all their bytes",
	  "test_exit_io_width" },
	{ "real.io_string", "real_mode",
	  "string I/O (io.count > 1): element i of count, of io.size bytes at data_offset + i * size, goes to the device in order, in and out (KVM may deliver rep ins/outs as one exit)",
	  "test_exit_string_io, test_string_io" },
	{ "real.io_malformed", "real_mode",
	  "an I/O exit with a size other than 1, 2, 4, no element, or data outside the kvm_run mapping stops the run without touching a device",
	  "test_exit_io_malformed" },
	{ "real.mmio_write", "real_mode",
	  "an MMIO write (KVM_EXIT_MMIO, is_write) hands its address, length and data to the MMIO device as a write",
	  "test_exit_mmio_write, test_real_mmio" },
	{ "real.mmio_read", "real_mode",
	  "an MMIO read hands its address and length to the device as a read and returns the device's bytes in mmio.data",
	  "test_exit_mmio_read, test_real_mmio" },
	{ "real.mmio_malformed", "real_mode",
	  "an MMIO exit of length 0 or more than 8 stops the run",
	  "test_exit_mmio_read" },
	{ "real.hlt", "real_mode",
	  "KVM_EXIT_HLT ends the exit loop and the run goes on to the result checks",
	  "test_exit_reasons, test_greeter, test_run_loop" },
	{ "real.other_exits", "real_mode",
	  "any other exit (SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR, unknown) stops the run with the exit named",
	  "test_exit_reasons" },
	{ "real.result_rax", "real_mode",
	  "after the halt, RAX other than 42 prints \"Wrong result: {E,R,}AX is N\" and fails the run",
	  "test_check_result" },
	{ "real.result_mem", "real_mode",
	  "after the halt, the mode's word at 0x400 (2 bytes in real mode, 4 protected, 8 long) other than 42 prints \"Wrong result: memory at 0x400 is N\"",
	  "test_check_result" },
	{ "real.finished", "real_mode",
	  "when both hold, \"Finished vmm\" is printed and the VMM exits 0",
	  "test_check_result, test_greeter" },
	{ "real.guest16", "real_mode",
	  "guest_16_bits runs end to end: \"Hello from real mode!\" then \"Finished vmm\", nothing on stderr",
	  "test_greeter" },
	{ "real.load_entry", "real_mode",
	  "a flat binary from --load runs from --entry, anywhere in real mode's first MiB, and an image that fills RAM to its end fits",
	  "test_load_entry, test_load_exact_fit, test_real_registers" },

	/* ---- task 2: long mode ---- */
	{ "long.efer", "long_mode",
	  "EFER.LME and EFER.LMA are set",
	  "test_long_registers, test_mode_long" },
	{ "long.cr0", "long_mode",
	  "CR0.PE and CR0.PG are set (other CR0 bits are free, NW only with CD)",
	  "test_long_registers, test_mode_long" },
	{ "long.cr4", "long_mode",
	  "CR4.PAE is set",
	  "test_long_registers, test_mode_long" },
	{ "long.cs", "long_mode",
	  "CS is a present 64-bit code segment: L = 1, D = 0, execute type, S = 1, DPL 0",
	  "test_long_registers, test_mode_long" },
	{ "long.data_segs", "long_mode",
	  "DS, ES and SS are present, writable data segments",
	  "test_long_registers, test_mode_long" },
	{ "long.cr3", "long_mode",
	  "CR3 holds the page-aligned address of a PML4 inside RAM",
	  "test_paging_walk, test_long_registers" },
	{ "long.identity", "long_mode",
	  "the page tables map every address of RAM and of the device window (the 2 MiB past RAM) to itself, with pages of any size, for 1 MiB and for 3 GiB of RAM",
	  "test_paging_walk" },
	{ "long.rights", "long_mode",
	  "those pages are present, writable and executable from ring 0 (no NX, no reserved bit)",
	  "test_paging_walk" },
	{ "long.tables_placed", "long_mode",
	  "the page tables lie in RAM, clear of the result word at 0x400 and of the guest image at 0x8000",
	  "test_paging_walk" },
	{ "long.entry", "long_mode",
	  "RIP is the entry (0x8000), RFLAGS 0x2, and RSP at the top of RAM (the assignment: 1 << 20)",
	  "test_long_registers, test_mode_long" },
	{ "long.guest64", "long_mode",
	  "guest_64_bits runs end to end in long mode with 1 MiB and with 3 GiB of RAM: \"Hello, world!\" then \"Finished vmm\"",
	  "test_greeter" },
	{ "long.segment_reload", "long_mode",
	  "a guest that reloads its segments from the GDT keeps running in 64-bit mode",
	  "test_segment_reload" },

	/* ---- task 3: SIMVIRTIO ---- */
	{ "svio.ring", "simvirtio",
	  "circ_bbuf_push/circ_bbuf_pop are a FIFO of maxlen - 1 bytes: full when head + 1 == tail, empty when head == tail, with wraparound",
	  "test_queue_capacity, test_queue_wraparound" },
	{ "svio.ring_indices", "simvirtio",
	  "a queue whose head or tail is outside the ring is refused, never indexed",
	  "test_queue_corrupt_index" },
	{ "svio.handshake", "simvirtio",
	  "'R' resets the device (DEVICE_RESET); DRIVER_ACK then 'C' configures it (DEVICE_CONFIG, a device-table entry); DRIVER_OK makes it DEVICE_READY",
	  "test_device_handshake" },
	{ "svio.message", "simvirtio",
	  "after the handshake the device prints the message the driver sends (\"Ana are mere!\") and acknowledges it",
	  "test_device_handshake, test_device_long_message, test_simvirtio_message" },
	{ "svio.payload", "simvirtio",
	  "a payload after the message arrives whole and in order, checked byte by byte",
	  "test_device_payload, test_device_payload_corrupted, test_simvirtio_payload" },
	{ "svio.table", "simvirtio",
	  "the device table at the address the driver gives gets one entry per configured device, and a table outside RAM or full is an error",
	  "test_device_handshake, test_error_table_addr, test_error_table_full" },
	{ "svio.errors", "simvirtio",
	  "each misuse docs/simvirtio.md lists sets its device error: width, offset, read-only register, sequence, command, queue address, index, locked configuration; a reset clears it",
	  "test_error_access_width, test_error_access_outside, test_error_read_only, test_error_sequence, test_error_command, test_error_queue_addr, test_error_wild_index, test_error_config_locked, test_error_then_reset, test_simvirtio_hostile_driver" },
	{ "svio.driver", "simvirtio",
	  "the guest driver completes the handshake and sends its message over VM exits: the run prints the device's lines, then \"Finished vmm\"",
	  "test_simvirtio_message, test_simvirtio_payload" },

	{ "svio.driver_concurrent", "simvirtio",
	  "the guest driver also works against a device that runs concurrently with it (--poll), when that device serves a careful driver: it waits for each status, and publishes an index only after the data",
	  "test_driver_concurrent" },

	/* ---- task 4: polling ---- */
	{ "poll.thread", "polling",
	  "under --poll a VMM thread moves the queues' data: the message and a payload arrive with no exit per byte (100 times fewer exits, counted by strace)",
	  "test_poll_thread, test_simvirtio_message, test_simvirtio_payload, test_polling_saves_exits" },
	{ "poll.control_words", "polling",
	  "under polling the queue control words live in guest RAM, and the exit transport's control registers are refused",
	  "test_polling_no_ctl_registers, test_device_handshake" },
	{ "poll.indices", "polling",
	  "the thread takes only valid indices from guest RAM, read once, and fails cleanly on a wild one",
	  "test_polling_wild_index" },
	{ "poll.stop", "polling",
	  "the thread stops when the guest halts, and the bytes pushed just before the halt are still delivered",
	  "test_simvirtio_message, test_simvirtio_payload" },

	/* ---- task 5: exit profiling ---- */
	{ "prof.runs", "exit_profiling",
	  "kvm_runs counts every KVM_RUN call: as many as strace sees in the same run",
	  "test_profile_exact, test_profile_consistent" },
	{ "prof.exits", "exit_profiling",
	  "exits counts the exits handled, and exits_by_reason each reason's exits, exactly, for a grader-owned guest",
	  "test_profile_exact" },
	{ "prof.io", "exit_profiling",
	  "port I/O exits are counted per port and direction (in/out), first seen first, at most 32 entries, the rest in io_other",
	  "test_profile_exact" },
	{ "prof.mmio", "exit_profiling",
	  "MMIO exits are counted per address and direction (read/write), first seen first",
	  "test_profile_exact" },
	{ "prof.unclaimed", "exit_profiling",
	  "accesses no device claims are counted, port and MMIO apart",
	  "test_profile_exact, test_unclaimed_profile" },
	{ "prof.consistent", "exit_profiling",
	  "for any run, the exits by reason add up to exits, the port and MMIO tables to the IO and MMIO exits, and exits + interrupted to kvm_runs",
	  "test_profile_consistent" },
	{ "prof.times", "exit_profiling",
	  "ns_in_kvm, ns_in_vmm and ns_total are non-zero nanoseconds, ns_total = ns_in_kvm + ns_in_vmm, no more than the run's wall time, and a spinning guest's time is mostly inside KVM_RUN",
	  "test_profile_times" },
	{ "prof.formats", "exit_profiling",
	  "--stats prints the table, --stats=json one JSON object on one line with every documented key",
	  "test_stats_formats" },
	{ "prof.builtin", "exit_profiling",
	  "the given guests' profiles are exact, as strace counts them: real 23 exits, protected 35, lab1 3",
	  "test_exit_profile" },
};

const struct requirement *requirements(unsigned int *n)
{
	*n = ARRAY_SIZE(table);
	return table;
}

const struct requirement *requirement_find(const char *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].id, id))
			return &table[i];
	return NULL;
}

const struct requirement *requirement_of_message(const char *msg)
{
	char id[64];
	size_t len;

	if (!msg || msg[0] != '[')
		return NULL;
	len = strcspn(msg + 1, "]");
	if (!len || len >= sizeof(id) || msg[1 + len] != ']')
		return NULL;
	memcpy(id, msg + 1, len);
	id[len] = '\0';
	return requirement_find(id);
}

void requirements_print(FILE *out)
{
	struct rubric_item *items;
	unsigned int i, j, n;

	items = rubric_items(&n);
	for (i = 0; i < n; i++) {
		bool header = false;

		for (j = 0; j < ARRAY_SIZE(table); j++) {
			if (strcmp(table[j].item, items[i].id))
				continue;
			if (!header) {
				fprintf(out, "%s (%d points)%s%s\n",
					items[i].title, items[i].points,
					items[i].depends ? ", needs " : "",
					items[i].depends ? items[i].depends :
							   "");
				header = true;
			}
			fprintf(out, "  %-24s %s\n  %-24s proven by: %s\n",
				table[j].id, table[j].text, "",
				table[j].tests);
		}
	}
	fprintf(out, "%u requirements\n", (unsigned int)ARRAY_SIZE(table));
}
