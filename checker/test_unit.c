// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VMM's pure parts, without /dev/kvm: the command
 * line, the buses, the page tables, the mode set-up and the exit
 * handler fed with fake exits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <kvmlab/layout.h>
#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "args.h"
#include "core/bus.h"
#include "devices/devices.h"
#include "core/exit.h"
#include "result.h"
#include "x86/gdt.h"
#include "x86/mode.h"
#include "x86/paging.h"
#include "core/vm.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define MIB		0x100000ULL
#define GIB		0x40000000ULL

/* ---- command line ---- */

START_TEST(test_parse_u64)
{
	uint64_t v;

	ck_assert_int_eq(args_parse_u64("42", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(args_parse_u64("0x2a", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(args_parse_u64("052", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(args_parse_u64("0xffffffffffffffff", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(args_parse_u64("0x10000000000000000", &v), -1);
	ck_assert_int_eq(args_parse_u64("-1", &v), -1);
	ck_assert_int_eq(args_parse_u64("", &v), -1);
	ck_assert_int_eq(args_parse_u64("4x", &v), -1);
	ck_assert_int_eq(args_parse_u64(" 4", &v), -1);
}
END_TEST

START_TEST(test_parse_size)
{
	uint64_t v;

	ck_assert_int_eq(args_parse_size("1M", &v), 0);
	ck_assert_uint_eq(v, MIB);
	ck_assert_int_eq(args_parse_size("64k", &v), 0);
	ck_assert_uint_eq(v, 0x10000);
	ck_assert_int_eq(args_parse_size("3G", &v), 0);
	ck_assert_uint_eq(v, 3 * GIB);
	ck_assert_int_eq(args_parse_size("0x1000", &v), 0);
	ck_assert_uint_eq(v, 0x1000);
	/* 2^34 G overflows 64 bits. */
	ck_assert_int_eq(args_parse_size("17179869184G", &v), -1);
	ck_assert_int_eq(args_parse_size("M", &v), -1);
	ck_assert_int_eq(args_parse_size("12Q", &v), -1);
	ck_assert_int_eq(args_parse_size("", &v), -1);
}
END_TEST

/* Parse a NULL-ended argv; keep the one error line in @err. */
static int parse(struct vmm_options *o, char *err, size_t errlen,
		 const char *const *args)
{
	/*
	 * args_parse() may write into its strings, as into a real argv, and
	 * the options point into them: copies that outlive the call.
	 */
	static char pool[4096];
	char *argv[32], *next = pool;
	int argc = 0, ret;
	FILE *f = fmemopen(err, errlen, "w");
	const char *arg = "vmm";

	do {
		size_t len = strlen(arg) + 1;

		ck_assert(next + len <= pool + sizeof(pool) && argc < 31);
		argv[argc++] = memcpy(next, arg, len);
		next += len;
	} while ((arg = *args++));
	ret = args_parse(o, argc, argv, f);
	fclose(f);
	return ret;
}

#define PARSE(o, err, ...)						\
	parse(o, err, sizeof(err), (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_args_scenario)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(PARSE(&o, err, "--mem", "2M", "--timeout", "1.5",
			       "--dump-regs", "long"), 0);
	ck_assert_str_eq(o.scenario, "long");
	ck_assert_uint_eq(o.mem_size, 2 * MIB);
	ck_assert(o.timeout > 1.49 && o.timeout < 1.51);
	ck_assert(o.dump_regs);
	ck_assert_ptr_null(o.load_path);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_args_load)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(PARSE(&o, err, "--mode", "long", "--load",
			       "guest@name.bin@0x9000",
			       "--entry", "0x9010", "--reg", "rdi=7",
			       "--reg", "r15=0x10"), 0);
	ck_assert_str_eq(o.load_path, "guest@name.bin");
	ck_assert(o.has_load_addr);
	ck_assert_uint_eq(o.load_addr, 0x9000);
	ck_assert_uint_eq(o.entry, 0x9010);
	ck_assert_int_eq(o.mode, MODE_LONG);
	ck_assert_uint_eq(o.nregs, 2);
	ck_assert_int_eq(o.regs[0].reg, REG_RDI);
	ck_assert_uint_eq(o.regs[0].value, 7);
	ck_assert_int_eq(o.regs[1].reg, REG_R15);
	ck_assert_uint_eq(o.mem_size, VM_MEM_DEFAULT);
}
END_TEST

START_TEST(test_args_errors)
{
	struct vmm_options o;
	char err[256];

	ck_assert_int_eq(PARSE(&o, err, "real", "long"), 2);
	ck_assert_ptr_nonnull(strstr(err, "one scenario at a time"));
	ck_assert_int_eq(PARSE(&o, err, "--mode", "real", "real"), 2);
	ck_assert_ptr_nonnull(strstr(err, "--mode goes with --load"));
	ck_assert_int_eq(PARSE(&o, err, "--mode", "real", "--load", "f",
			       "real"), 2);
	ck_assert_ptr_nonnull(strstr(err, "not both"));
	ck_assert_int_eq(PARSE(&o, err, "--mem", "65535", "real"), 2);
	ck_assert_ptr_nonnull(strstr(err, "multiple of 4K"));
	ck_assert_int_eq(PARSE(&o, err, "--mem", "3G", "real"), 0);
	ck_assert_int_eq(PARSE(&o, err, "--mem", "3145732K", "real"), 2);
	ck_assert_int_eq(PARSE(&o, err, "--help"), 0);
	ck_assert_int_eq(o.action, ACTION_HELP);
}
END_TEST

/* ---- buses ---- */

struct fake_dev {
	uint64_t offset;
	uint8_t data[BUS_MAX_ACCESS];
	uint32_t len;
	bool is_write;
	unsigned int calls;
	int result;		/* what the handler returns: BUS_OK by default */
};

static int fake_io(void *opaque, uint64_t offset, uint8_t *data,
		   uint32_t len, bool is_write)
{
	struct fake_dev *d = opaque;

	d->offset = offset;
	d->len = len;
	d->is_write = is_write;
	d->calls++;
	if (is_write)
		memcpy(d->data + d->calls % 2, data, len > 4 ? 4 : len);
	else
		memset(data, 0x5a, len);
	return d->result;
}

START_TEST(test_bus_register)
{
	struct fake_dev d = {};
	struct bus bus;

	bus_init(&bus, "port");
	ck_assert_int_eq(bus_register(&bus, "a", 0x3f8, 8, fake_io, &d), 0);
	ck_assert_int_eq(bus_register(&bus, "b", 0x3ff, 1, fake_io, &d), -1);
	ck_assert_int_eq(bus_register(&bus, "c", 0x3f0, 9, fake_io, &d), -1);
	ck_assert_int_eq(bus_register(&bus, "d", 0x3f0, 8, fake_io, &d), 0);
	ck_assert_int_eq(bus_register(&bus, "e", 0, 0, fake_io, &d), -1);
	ck_assert_int_eq(bus_register(&bus, "f", UINT64_MAX, 2, fake_io, &d),
			 -1);
	ck_assert_ptr_nonnull(bus_find(&bus, 0x3ff));
	ck_assert_ptr_null(bus_find(&bus, 0x400));
}
END_TEST

START_TEST(test_bus_access)
{
	struct fake_dev d = {};
	uint8_t data[BUS_MAX_ACCESS] = { 1, 2 };
	struct bus bus;

	bus_init(&bus, "MMIO");
	bus.report = NULL;
	ck_assert_int_eq(bus_register(&bus, "dev", 0x100000, 0x100, fake_io,
				      &d), 0);
	ck_assert_int_eq(bus_access(&bus, 0x100010, data, 2, true), 0);
	ck_assert_uint_eq(d.offset, 0x10);
	ck_assert_uint_eq(d.len, 2);
	ck_assert(d.is_write);
	ck_assert_int_eq(bus_access(&bus, 0x1000fc, data, 4, false), 0);
	ck_assert_uint_eq(data[0], 0x5a);
	ck_assert_uint_eq(bus.unclaimed, 0);

	/* Straddles the end of the device: split into bytes. */
	ck_assert_int_eq(bus_access(&bus, 0x1000fe, data, 4, false), 0);
	ck_assert_uint_eq(data[0], 0x5a);
	ck_assert_uint_eq(data[1], 0x5a);
	ck_assert_uint_eq(data[2], 0xff);
	ck_assert_uint_eq(data[3], 0xff);
	ck_assert_uint_eq(bus.unclaimed, 2);
	ck_assert_uint_eq(d.calls, 4);
	ck_assert_uint_eq(d.offset, 0xff);
	ck_assert_uint_eq(d.len, 1);

	/* Unclaimed: all ones, counted each time, reported once. */
	ck_assert_int_eq(bus_access(&bus, 0x200000, data, 8, false), 0);
	ck_assert_uint_eq(data[7], 0xff);
	ck_assert_int_eq(bus_access(&bus, 0x200000, data, 1, true), 0);
	ck_assert_uint_eq(bus.unclaimed, 4);
	ck_assert_uint_eq(bus.nreported, 3);
	ck_assert_int_eq(bus_access(&bus, 0x200000, data, 9, false), -EINVAL);
}
END_TEST

/* A device's result, on an access it owns and on one split into bytes. */
static const int bus_results[] = { BUS_STOP, -EIO };

START_TEST(test_bus_result)
{
	struct fake_dev d = { .result = bus_results[_i] };
	uint8_t data[BUS_MAX_ACCESS] = {};
	struct bus bus;

	bus_init(&bus, "MMIO");
	bus.report = NULL;
	ck_assert_int_eq(bus_register(&bus, "dev", 0x100000, 0x100, fake_io,
				      &d), 0);
	ck_assert_int_eq(bus_access(&bus, 0x100010, data, 4, true),
			 bus_results[_i]);
	ck_assert_uint_eq(d.calls, 1);

	/*
	 * Across the device's start, split into bytes: two unclaimed, then
	 * the device's first, whose result ends the access there.
	 */
	d.calls = 0;
	ck_assert_int_eq(bus_access(&bus, 0xffffe, data, 4, true),
			 bus_results[_i]);
	ck_assert_uint_eq(d.calls, 1);
	ck_assert_uint_eq(d.offset, 0);
	ck_assert_uint_eq(bus.unclaimed, 2);
}
END_TEST

/* ---- page tables and modes ---- */

static struct guest_mem alloc_mem(uint64_t size)
{
	struct guest_mem mem = { .host = calloc(1, size), .size = size };

	ck_assert_ptr_nonnull(mem.host);
	return mem;
}

#define LEAF	(X86_PTE_PRESENT | X86_PTE_RW | X86_PTE_USER | X86_PTE_PS)
#define TABLE	(X86_PTE_PRESENT | X86_PTE_RW | X86_PTE_USER)

START_TEST(test_paging_32)
{
	struct guest_mem mem = alloc_mem(MIB);
	uint32_t *pd = (uint32_t *)(mem.host + GUEST_PT_ADDR);
	uint64_t map = paging_map_size(mem.size, X86_PAGE_4M);

	ck_assert_uint_eq(map, 4 * MIB);
	ck_assert_int_eq(paging_build_32(&mem, GUEST_PT_ADDR, map), 0);
	ck_assert_uint_eq(pd[0], LEAF);
	ck_assert_uint_eq(pd[1], 0);
	ck_assert_int_eq(paging_build_32(&mem, GUEST_PT_ADDR,
					 paging_map_size(3 * GIB,
							 X86_PAGE_4M)), 0);
	ck_assert_uint_eq(pd[768], 3 * GIB | LEAF);
	ck_assert_uint_eq(pd[769], 0);
	/* More than 4 GiB does not fit one 32-bit page directory. */
	ck_assert_int_eq(paging_build_32(&mem, GUEST_PT_ADDR, 8 * GIB), -1);
	free(mem.host);
}
END_TEST

START_TEST(test_x86_bits)
{
	/* The kvm-hello-world header had OSFXSR at bit 8. */
	ck_assert_uint_eq(X86_CR4_OSFXSR, 0x200);
	ck_assert_uint_eq(X86_CR4_PAE, 0x20);
	ck_assert_uint_eq(X86_CR0_PG, 0x80000000);
	ck_assert_uint_eq(X86_EFER_LME, 0x100);
	ck_assert_uint_eq(X86_EFER_LMA, 0x400);
	ck_assert_uint_eq(X86_PTE_PS, 0x80);
}
END_TEST

/* The flat descriptors every OS tutorial spells out. */
START_TEST(test_gdt_entries)
{
	struct guest_mem mem = alloc_mem(MIB);
	uint64_t *gdt = (uint64_t *)(mem.host + GUEST_GDT_ADDR);
	struct kvm_sregs s = {};
	struct kvm_regs r;

	ck_assert_int_eq(mode_setup(MODE_PROTECTED, &mem, 0x8000, &s, &r),
			 0);
	ck_assert_uint_eq(gdt_entry(&s.cs), 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(gdt_entry(&s.ds), 0x00cf93000000ffffULL);
	ck_assert_uint_eq(gdt[0], 0);
	ck_assert_uint_eq(gdt[1], 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(gdt[2], 0x00cf93000000ffffULL);
	ck_assert_uint_eq(s.gdt.base, GUEST_GDT_ADDR);
	ck_assert_uint_eq(s.gdt.limit, 3 * 8 - 1);
	ck_assert_uint_eq(s.idt.limit, 0);

	s.cs.l = 1;
	s.cs.db = 0;
	s.cs.base = 0x12345678;
	s.cs.limit = 0xabcde;
	s.cs.g = 0;
	s.cs.dpl = 3;
	/* Byte 6: limit bits 19:16 (0xa) under the flags (only L). */
	ck_assert_uint_eq(gdt_entry(&s.cs), 0x122afb345678bcdeULL);
	free(mem.host);
}
END_TEST

START_TEST(test_mode_reserved)
{
	uint64_t start, end;

	mode_reserved(MODE_REAL, &start, &end);
	ck_assert_uint_eq(end - start, 0);
	mode_reserved(MODE_PROTECTED, &start, &end);
	ck_assert_uint_eq(start, GUEST_GDT_ADDR);
	ck_assert_uint_eq(end, GUEST_GDT_END);
	mode_reserved(MODE_LONG, &start, &end);
	ck_assert_uint_eq(end, GUEST_PT_END);
}
END_TEST

START_TEST(test_mode_protected)
{
	struct guest_mem mem = alloc_mem(MIB);
	struct kvm_sregs s = {};
	struct kvm_regs r;

	ck_assert_int_eq(mode_setup(MODE_PROTECTED, &mem, 0x8000, &s, &r),
			 0);
	ck_assert_uint_eq(s.cr0, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
	ck_assert_uint_eq(s.cs.selector, 0x8);
	ck_assert_uint_eq(s.cs.type, X86_SEG_TYPE_CODE_XR);
	ck_assert_uint_eq(s.cs.db, 1);
	ck_assert_uint_eq(s.cs.g, 1);
	ck_assert_uint_eq(s.cs.limit, 0xffffffff);
	ck_assert_uint_eq(s.ss.selector, 0x10);
	ck_assert_uint_eq(s.ss.type, X86_SEG_TYPE_DATA_RW);
	ck_assert_uint_eq(r.rsp, MIB);
	ck_assert_str_eq(mode_of_sregs(&s), "protected");
	free(mem.host);
}
END_TEST

START_TEST(test_mode_paged)
{
	struct guest_mem mem = alloc_mem(MIB);
	uint32_t *pd = (uint32_t *)(mem.host + GUEST_PT_ADDR);
	struct kvm_sregs s = {};
	struct kvm_regs r;

	ck_assert_int_eq(mode_setup(MODE_PAGED, &mem, 0x8000, &s, &r), 0);
	ck_assert_uint_eq(s.cr3, GUEST_PT_ADDR);
	ck_assert_uint_eq(s.cr4, X86_CR4_PSE);
	ck_assert_uint_eq(s.cr0, X86_CR0_PE | X86_CR0_MP | X86_CR0_ET |
			  X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_PG);
	ck_assert_uint_eq(s.efer, 0);
	ck_assert_uint_eq(pd[0], LEAF);
	ck_assert_str_eq(mode_of_sregs(&s), "paged");
	free(mem.host);
}
END_TEST

/* ---- after the halt ---- */

/* The word at 0x400 is as wide as the mode's: 2, 4 or 8 bytes. */
START_TEST(test_check_result)
{
	struct guest_mem mem = alloc_mem(MIB);
	struct kvm_regs regs = { .rax = GUEST_RESULT_VALUE };
	char out[256] = "";
	FILE *f = fmemopen(out, sizeof(out), "w");

	mem.host[GUEST_RESULT_ADDR] = GUEST_RESULT_VALUE;
	mem.host[GUEST_RESULT_ADDR + 2] = 1;	/* beyond a 16-bit word */
	ck_assert_int_eq(result_check(f, &mem, &regs, MODE_REAL), 0);
	ck_assert_int_eq(result_check(f, &mem, &regs, MODE_PROTECTED), 1);
	mem.host[GUEST_RESULT_ADDR + 2] = 0;
	mem.host[GUEST_RESULT_ADDR + 4] = 1;	/* beyond a 32-bit word */
	ck_assert_int_eq(result_check(f, &mem, &regs, MODE_PAGED), 0);
	ck_assert_int_eq(result_check(f, &mem, &regs, MODE_LONG), 1);
	regs.rax = 7;
	ck_assert_int_eq(result_check(f, &mem, &regs, MODE_REAL), 1);
	fclose(f);
	ck_assert_str_eq(out, "Finished vmm\n"
			 "Wrong result: memory at 0x400 is 65578\n"
			 "Finished vmm\n"
			 "Wrong result: memory at 0x400 is 4294967338\n"
			 "Wrong result: {E,R,}AX is 7\n");
	free(mem.host);
}
END_TEST

START_TEST(test_guest_range)
{
	struct guest_mem mem = { .host = NULL, .size = 0x1000 };

	ck_assert(guest_range_ok(&mem, 0, 0x1000));
	ck_assert(guest_range_ok(&mem, 0x1000, 0));
	ck_assert(guest_range_ok(&mem, 0xfff, 1));
	ck_assert(!guest_range_ok(&mem, 0xfff, 2));
	ck_assert(!guest_range_ok(&mem, 0x1001, 0));
	ck_assert(!guest_range_ok(&mem, 1, UINT64_MAX));
	ck_assert(!guest_range_ok(&mem, UINT64_MAX, 2));
	ck_assert_ptr_null(guest_ptr(&mem, 0x800, 0x801));
}
END_TEST

/* ---- console devices ---- */

START_TEST(test_serial)
{
	struct serial uart;
	struct bus pio;
	char out[16] = "";
	uint8_t b;
	int fds[2];
	FILE *f = fmemopen(out, sizeof(out), "w");

	ck_assert_int_eq(pipe(fds), 0);
	bus_init(&pio, "port");
	ck_assert_int_eq(serial_register(&uart, &pio, f, fds[0]), 0);
	/* Nothing to read yet: transmitter empty, no data ready. */
	ck_assert_int_eq(bus_access(&pio, COM1_PORT + 5, &b, 1, false), 0);
	ck_assert_uint_eq(b, 0x60);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(bus_access(&pio, COM1_PORT + 5, &b, 1, false), 0);
	ck_assert_uint_eq(b, 0x61);
	ck_assert_int_eq(bus_access(&pio, COM1_PORT, &b, 1, false), 0);
	ck_assert_uint_eq(b, 'x');
	ck_assert_int_eq(bus_access(&pio, COM1_PORT + 5, &b, 1, false), 0);
	ck_assert_uint_eq(b, 0x60);
	b = 'y';
	ck_assert_int_eq(bus_access(&pio, COM1_PORT, &b, 1, true), 0);
	fclose(f);
	ck_assert_str_eq(out, "y");
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_debugcon)
{
	struct debugcon con;
	struct bus pio;
	char out[16] = "";
	uint8_t word[2] = { 'o', 'k' };
	FILE *f = fmemopen(out, sizeof(out), "w");

	bus_init(&pio, "port");
	pio.report = NULL;
	ck_assert_int_eq(debugcon_register(&con, &pio, f), 0);
	/* A 16-bit OUT: the low byte is the console's, the high one 0xea's. */
	ck_assert_int_eq(bus_access(&pio, DEBUGCON_PORT, word, 2, true), 0);
	ck_assert_uint_eq(pio.unclaimed, 1);
	ck_assert_uint_eq(pio.reported[0], DEBUGCON_PORT + 1);
	ck_assert_int_eq(bus_access(&pio, DEBUGCON_PORT, word, 2, false), 0);
	ck_assert_uint_eq(word[0], 0xe9);
	ck_assert_uint_eq(word[1], 0xff);
	fclose(f);
	ck_assert_str_eq(out, "o");
}
END_TEST

void unit_tests(void)
{
	TCase *real = rubric_tcase("real_mode", UNIT);
	TCase *lng = rubric_tcase("long_mode", UNIT);
	TCase *prot = rubric_tcase("protected_mode", UNIT);
	TCase *paged = rubric_tcase("paged_mode", UNIT);
	TCase *com1 = rubric_tcase("com1_input", UNIT);
	TCase *robust = rubric_tcase("robustness", UNIT);

	/* Task 1: real mode, the exit loop, the buses, the checks. */
	tcase_add_test(real, test_bus_register);
	tcase_add_test(real, test_bus_access);
	tcase_add_loop_test(real, test_bus_result, 0, ARRAY_SIZE(bus_results));
	tcase_add_test(real, test_debugcon);
	tcase_add_test(real, test_check_result);
	tcase_add_test(real, test_guest_range);
	/* Task 2: long mode and its page tables. */
	tcase_add_test(lng, test_x86_bits);
	tcase_add_test(prot, test_gdt_entries);
	tcase_add_test(prot, test_mode_protected);
	tcase_add_test(prot, test_mode_reserved);
	tcase_add_test(paged, test_paging_32);
	tcase_add_test(paged, test_mode_paged);
	tcase_add_test(com1, test_serial);
	tcase_add_test(robust, test_parse_u64);
	tcase_add_test(robust, test_parse_size);
	tcase_add_test(robust, test_args_scenario);
	tcase_add_test(robust, test_args_load);
	tcase_add_test(robust, test_args_errors);
}
