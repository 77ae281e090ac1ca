// SPDX-License-Identifier: GPL-2.0
/*
 * The debugging tools without KVM (the "debugging tools" extra): the
 * page walk and the gdb protocol on fake memory, and the --trace line.
 * Unit tests: they run in checker/unit, with the VMM's code.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "debug/gdb_proto.h"
#include "debug/pagewalk.h"
#include "debug/trace.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define FAKE_RAM	0x10000

/* --- without KVM: the page walk ------------------------------------- */

struct fake_ram {
	struct guest_mem mem;
	uint64_t words[FAKE_RAM / sizeof(uint64_t)];
};

static void fake_ram_init(struct fake_ram *f)
{
	memset(f, 0, sizeof(*f));
	f->mem.host = (uint8_t *)f->words;
	f->mem.size = FAKE_RAM;
}

static uint64_t *entry_at(struct fake_ram *f, uint64_t gpa)
{
	return &f->words[gpa / sizeof(uint64_t)];
}

/* Long mode: a PML4 at 0x1000, a PDPT at 0x2000, a PD at 0x3000. */
static void long_mode_tables(struct fake_ram *f, struct kvm_sregs *sregs)
{
	const uint64_t table = X86_PTE_PRESENT | X86_PTE_RW;

	memset(sregs, 0, sizeof(*sregs));
	sregs->cr0 = X86_CR0_PE | X86_CR0_PG;
	sregs->cr4 = X86_CR4_PAE;
	sregs->efer = X86_EFER_LME | X86_EFER_LMA;
	sregs->cr3 = 0x1000;
	*entry_at(f, 0x1000) = 0x2000 | table;
	*entry_at(f, 0x2000) = 0x3000 | table;
	*entry_at(f, 0x3000) = table | X86_PTE_PS;	/* physical 0 */
}

START_TEST(test_walk_long)
{
	struct kvm_sregs sregs;
	struct fake_ram f;
	struct walk w;

	fake_ram_init(&f);
	long_mode_tables(&f, &sregs);
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8003, &w), 0);
	ck_assert(w.ok);
	ck_assert_uint_eq(w.phys, 0x8003);
	ck_assert_uint_eq(w.page_size, X86_PAGE_2M);
	ck_assert_uint_eq(w.nsteps, 3);
	ck_assert_str_eq(w.steps[2].table, "PD");

	/* The second 2 MiB page is not mapped: the PD entry says so. */
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, X86_PAGE_2M, &w), 0);
	ck_assert(!w.ok);
	ck_assert_str_eq(w.steps[w.nsteps - 1].table, "PD");
	ck_assert_ptr_nonnull(strstr(w.error, "not present"));

	/* PS in the PML4 is a reserved bit. */
	*entry_at(&f, 0x1000) |= X86_PTE_PS;
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8003, &w), 0);
	ck_assert(!w.ok);
	ck_assert_str_eq(w.steps[0].table, "PML4");
	ck_assert_ptr_nonnull(strstr(w.error, "reserved"));

	/* A PDPT past the end of RAM. */
	*entry_at(&f, 0x1000) = 0x7ffff000 | X86_PTE_PRESENT;
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8003, &w), 0);
	ck_assert(!w.ok);
	ck_assert_ptr_nonnull(strstr(w.error, "outside RAM"));

	/* Not canonical, and paging off. */
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 1ULL << 48, &w), 0);
	ck_assert_ptr_nonnull(strstr(w.error, "canonical"));
	sregs.cr0 = X86_CR0_PE;
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8003, &w), -1);
}
END_TEST

START_TEST(test_walk_32bit)
{
	struct kvm_sregs sregs = {};
	struct fake_ram f;
	uint32_t *pd;
	struct walk w;

	fake_ram_init(&f);
	sregs.cr0 = X86_CR0_PE | X86_CR0_PG;
	sregs.cr4 = X86_CR4_PSE;
	sregs.cr3 = 0x1000;
	pd = (uint32_t *)(f.mem.host + 0x1000);
	pd[0] = X86_PTE_PRESENT | X86_PTE_RW | X86_PTE_PS;
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8000, &w), 0);
	ck_assert(w.ok);
	ck_assert_uint_eq(w.phys, 0x8000);
	ck_assert_uint_eq(w.page_size, X86_PAGE_4M);
	/* Without CR4.PSE, PS cannot be used. */
	sregs.cr4 = 0;
	ck_assert_int_eq(walk_linear(&f.mem, &sregs, 0x8000, &w), 0);
	ck_assert(!w.ok);
	ck_assert_ptr_nonnull(strstr(w.error, "CR4.PSE"));
}
END_TEST

/* --- without KVM: the gdb protocol --------------------------------- */

struct fake_target {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct fake_ram ram;
};

static int fake_get(void *t, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	struct fake_target *f = t;

	*regs = f->regs;
	*sregs = f->sregs;
	return 0;
}

static int fake_set(void *t, const struct kvm_regs *regs)
{
	((struct fake_target *)t)->regs = *regs;
	return 0;
}

static int fake_read(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
	struct fake_target *f = t;
	size_t i;

	for (i = 0; i < len; i++) {
		const uint8_t *p = guest_ptr(&f->ram.mem, addr + i, 1);

		if (!p)
			break;
		buf[i] = *p;
	}
	return i;
}

static int fake_write(void *t, uint64_t addr, const uint8_t *buf, size_t len)
{
	struct fake_target *f = t;
	uint8_t *p = guest_ptr(&f->ram.mem, addr, len);

	if (!p)
		return -1;
	memcpy(p, buf, len);
	return len;
}

static const struct gdb_target_ops fake_ops = {
	fake_get, fake_set, fake_read, fake_write,
};

static const char *handle(struct gdb_session *s, const char *pkt,
			  enum gdb_action want)
{
	ck_assert_int_eq(gdb_handle(s, pkt, strlen(pkt)), want);
	return s->reply;
}

START_TEST(test_gdb_packets)
{
	static struct fake_target f;
	static struct gdb_session s;
	static const char pkt[] = "$m400,2#5f";
	struct gdb_rx rx;
	char frame[32];
	size_t i, n;

	memset(&f, 0, sizeof(f));
	fake_ram_init(&f.ram);
	f.regs.rax = 42;
	f.regs.rip = 0x8000;
	f.sregs.efer = X86_EFER_LMA;
	f.sregs.cs.l = 1;
	f.ram.mem.host[0x400] = 42;
	gdb_session_init(&s, &fake_ops, &f);

	/* Framing: a good checksum, a bad one, and our own frames. */
	gdb_rx_init(&rx);
	for (i = 0; i + 1 < sizeof(pkt) - 1; i++)
		ck_assert_int_eq(gdb_rx_feed(&rx, pkt[i]), GDB_RX_NONE);
	ck_assert_int_eq(gdb_rx_feed(&rx, pkt[i]), GDB_RX_PACKET);
	ck_assert_str_eq(rx.buf, "m400,2");
	for (i = 0; i + 1 < sizeof(pkt) - 1; i++)
		gdb_rx_feed(&rx, pkt[i]);
	ck_assert_int_eq(gdb_rx_feed(&rx, '0'), GDB_RX_BAD);
	n = gdb_frame(frame, "OK", 2);
	ck_assert_int_eq(n, 6);
	ck_assert(!memcmp(frame, "$OK#9a", 6));

	/* Registers: amd64's layout in long mode, i386's otherwise. */
	ck_assert(!strncmp(handle(&s, "g", GDB_REPLY), "2a00000000000000",
			   16));
	ck_assert_uint_eq(s.reply_len, 2 * (17 * 8 + 4 + 6 * 4));
	ck_assert_str_eq(handle(&s, "p10", GDB_REPLY), "0080000000000000");
	ck_assert_str_eq(handle(&s, "p18", GDB_REPLY), "xxxxxxxxxxxxxxxxxxxx");
	ck_assert_str_eq(handle(&s, "P0=0700000000000000", GDB_REPLY), "OK");
	ck_assert_uint_eq(f.regs.rax, 7);
	f.sregs.efer = 0;
	f.sregs.cs.l = 0;
	handle(&s, "g", GDB_REPLY);
	ck_assert_uint_eq(s.reply_len, 2 * 16 * 4);
	ck_assert_str_eq(handle(&s, "p8", GDB_REPLY), "00800000");

	/* Memory: inside RAM, across its end, outside it; writes. */
	ck_assert_str_eq(handle(&s, "m400,2", GDB_REPLY), "2a00");
	ck_assert_str_eq(handle(&s, "mfffe,4", GDB_REPLY), "0000");
	ck_assert_str_eq(handle(&s, "m10000,4", GDB_REPLY), "E14");
	ck_assert_str_eq(handle(&s, "mffffffffffffffff,ffffffff", GDB_REPLY),
			 "E14");
	ck_assert_str_eq(handle(&s, "M500,2:beef", GDB_REPLY), "OK");
	ck_assert_uint_eq(f.ram.mem.host[0x501], 0xef);
	ck_assert_str_eq(handle(&s, "M fffff,2:beef", GDB_REPLY), "E01");
	ck_assert_str_eq(handle(&s, "Mffff,2:beef", GDB_REPLY), "E14");
	ck_assert_str_eq(handle(&s, "M500,4:be", GDB_REPLY), "E01");

	/* Breakpoints, resuming, the rest. */
	ck_assert_str_eq(handle(&s, "Z0,8003,1", GDB_REPLY), "OK");
	ck_assert(gdb_breakpoint_at(&s, 0x8003));
	ck_assert_str_eq(handle(&s, "z0,8003,1", GDB_REPLY), "OK");
	ck_assert(!gdb_breakpoint_at(&s, 0x8003));
	ck_assert_str_eq(handle(&s, "Z2,400,4", GDB_REPLY), "");
	ck_assert_str_eq(handle(&s, "Z0,zz", GDB_REPLY), "E01");
	handle(&s, "c", GDB_CONTINUE);
	handle(&s, "s", GDB_STEP);
	handle(&s, "c8010", GDB_CONTINUE);
	ck_assert_uint_eq(f.regs.rip, 0x8010);
	ck_assert_str_eq(handle(&s, "?", GDB_REPLY), "S05");
	handle(&s, "k", GDB_KILL);
	ck_assert_str_eq(handle(&s, "D", GDB_DETACH), "OK");
	ck_assert_str_eq(handle(&s, "vMustReplyEmpty", GDB_REPLY), "");
	ck_assert_str_eq(handle(&s, "p1234567890123456789", GDB_REPLY), "E01");
}
END_TEST

/* An IN's data is what the device answered; the mapping bounds it. */
START_TEST(test_trace_line)
{
	static uint8_t page[4096];
	struct kvm_run *run = (struct kvm_run *)page;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(out);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.size = 1;
	run->io.port = 0xe9;
	run->io.count = 1;
	run->io.data_offset = 1024;
	page[1024] = 'H';
	trace_exit(out, run, sizeof(page), 0x8005);
	run->io.data_offset = sizeof(page);
	trace_exit(out, run, sizeof(page), 0x8005);
	fclose(out);
	ck_assert_str_eq(buf,
			 "vmm: trace: KVM_EXIT_IO out port 0xe9 width 1 count 1 data 48 rip 0x8005\n"
			 "vmm: trace: KVM_EXIT_IO out port 0xe9 width 1 count 1 data outside kvm_run rip 0x8005\n");
	free(buf);
}

void debug_unit_tests(void)
{
	TCase *unit = rubric_tcase("debug", UNIT);

	tcase_add_test(unit, test_walk_long);
	tcase_add_test(unit, test_walk_32bit);
	tcase_add_test(unit, test_gdb_packets);
	tcase_add_test(unit, test_trace_line);
}
