// SPDX-License-Identifier: GPL-2.0
/*
 * Task 1's exit handler, fed the exits KVM would give it, including the
 * ones this host never produces (string I/O in one exit, count > 1):
 * every byte each device call receives is checked, in order.
 */
#include <errno.h>
#include <stdio.h>

#include <kvmlab/kernel.h>

#include "fake_exit.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define DATA_OFFSET	1024	/* where the fake page keeps its data */

/* One OUT of each width: the port, the width and all the bytes. */
START_TEST(test_exit_io_out)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	static struct fake_exit f;
	const uint8_t size = sizes[_i];
	struct fake_call *c = &f.dev.calls[0];
	uint8_t i;

	fake_io_exit(&f, true, size, 1, DATA_OFFSET);
	for (i = 0; i < size; i++)
		f.page[DATA_OFFSET + i] = 'a' + i;
	require("real.io_out", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.dev.ncalls == 1 && c->is_write &&
		c->offset == 0,
		"expected one OUT of %u bytes to reach the device on port 0x%x as a write; got %u calls, is_write %d, port offset %llu",
		size, FAKE_PORT, f.dev.ncalls, f.dev.ncalls && c->is_write,
		(unsigned long long)c->offset);
	require("real.io_width", c->len == size &&
		!memcmp(c->data, f.page + DATA_OFFSET, size),
		"expected the device to get %u bytes \"%.*s\" in one access; got %u bytes \"%.*s\"",
		size, size, (const char *)f.page + DATA_OFFSET, c->len,
		(int)c->len, (const char *)c->data);
}
END_TEST

/* One IN: the device's bytes land at data_offset, nowhere else. */
START_TEST(test_exit_io_in)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	static struct fake_exit f;
	const uint8_t size = sizes[_i];
	uint8_t i;

	fake_io_exit(&f, false, size, 1, DATA_OFFSET);
	require("real.io_in", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.dev.ncalls == 1 &&
		!f.dev.calls[0].is_write,
		"expected one IN of %u bytes to reach the device as a read; got %u calls",
		size, f.dev.ncalls);
	require("real.io_width", f.dev.calls[0].len == size,
		"expected the device to be asked for %u bytes at once; got %u",
		size, f.dev.calls[0].len);
	for (i = 0; i < size; i++)
		require("real.io_in",
			f.page[DATA_OFFSET + i] == FAKE_READ_BYTE(0, i),
			"expected byte %u of the IN at data_offset to be the device's 0x%02x; got 0x%02x",
			i, FAKE_READ_BYTE(0, i), f.page[DATA_OFFSET + i]);
	require("real.io_in", !f.page[DATA_OFFSET + size] &&
		!f.page[DATA_OFFSET - 1],
		"expected nothing written around the %u bytes at data_offset", size);
}
END_TEST

/*
 * String I/O: rep outs/ins of @count elements in one exit. Each element
 * is its own device call, of io.size bytes from data_offset + i * size.
 */
struct string_io {
	uint8_t size;
	uint32_t count;
};

static const struct string_io strings[] = { { 1, 5 }, { 2, 3 }, { 4, 4 } };

START_TEST(test_exit_string_io)
{
	static struct fake_exit f;
	const struct string_io *s = &strings[_i % ARRAY_SIZE(strings)];
	const bool out = _i < (int)ARRAY_SIZE(strings);
	const uint32_t bytes = s->size * s->count;
	uint32_t i, j;

	fake_io_exit(&f, out, s->size, s->count, DATA_OFFSET);
	for (i = 0; out && i < bytes; i++)
		f.page[DATA_OFFSET + i] = 'A' + i;
	require("real.io_string", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.dev.ncalls == s->count,
		"expected rep %s of %u elements of %u bytes (io.count %u) to make %u device calls; got %u",
		out ? "outs" : "ins", s->count, s->size, s->count, s->count,
		f.dev.ncalls);
	for (i = 0; i < s->count; i++) {
		const struct fake_call *c = &f.dev.calls[i];

		require("real.io_string", c->len == s->size &&
			c->is_write == out && c->offset == 0,
			"expected element %u to be one %s of %u bytes at the port; got %u bytes, is_write %d",
			i, out ? "write" : "read", s->size, c->len,
			c->is_write);
		for (j = 0; j < s->size; j++) {
			const uint8_t at = f.page[DATA_OFFSET + i * s->size + j];

			require("real.io_string", out ?
				c->data[j] == at :
				at == FAKE_READ_BYTE(i, j),
				"element %u, byte %u: expected 0x%02x (from data_offset + %u * io.size); got 0x%02x",
				i, j, out ? at : FAKE_READ_BYTE(i, j), i,
				out ? c->data[j] : at);
		}
	}
}
END_TEST

/* Size, count and offset of bad I/O exits: each refused untouched. */
struct bad_io_exit {
	uint8_t size;
	uint32_t count;
	uint64_t offset;
};

static const struct bad_io_exit bad_io[] = {
	{ 3, 1, DATA_OFFSET },			/* no such width */
	{ 1, 0, DATA_OFFSET },			/* nothing to move */
	{ 4, 2, FAKE_RUN_SIZE - 4 },		/* past the kvm_run page */
	{ 4, UINT32_MAX, DATA_OFFSET },		/* size x count too big */
	{ 1, 1, UINT64_MAX },			/* offset + size wraps */
};

START_TEST(test_exit_io_malformed)
{
	static struct fake_exit f;

	fake_io_exit(&f, true, bad_io[_i].size, bad_io[_i].count,
		     bad_io[_i].offset);
	require("real.io_malformed", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP && f.ctx.error && !f.dev.ncalls,
		"expected an I/O exit of size %u, count %u, data_offset 0x%llx to stop the run, with a reason, before any device call; got %u calls",
		bad_io[_i].size, bad_io[_i].count,
		(unsigned long long)bad_io[_i].offset, f.dev.ncalls);
}
END_TEST

/* An MMIO write: address, length and data, as a write. */
START_TEST(test_exit_mmio_write)
{
	static struct fake_exit f;
	const uint32_t len = 1u << _i;	/* 1, 2, 4, 8 */
	const struct fake_call *c = &f.dev.calls[0];
	uint32_t i;

	fake_mmio_exit(&f, true, FAKE_MMIO_BASE + 0x10, len);
	for (i = 0; i < len; i++)
		f.run.mmio.data[i] = 0x11 * (i + 1);
	require("real.mmio_write", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.dev.ncalls == 1 && c->is_write &&
		c->offset == 0x10 && c->len == len &&
		!memcmp(c->data, f.run.mmio.data, len),
		"expected an MMIO write of %u bytes at 0x%llx to reach the device as a write of those bytes at offset 0x10; got %u calls, is_write %d, offset 0x%llx, %u bytes",
		len, FAKE_MMIO_BASE + 0x10, f.dev.ncalls,
		f.dev.ncalls && c->is_write, (unsigned long long)c->offset,
		c->len);
}
END_TEST

/* An MMIO read: the device's bytes in mmio.data; bad lengths refused. */
START_TEST(test_exit_mmio_read)
{
	static struct fake_exit f;
	const uint32_t len = 1u << _i;
	uint32_t i;

	fake_mmio_exit(&f, false, FAKE_MMIO_BASE + 0x20, len);
	require("real.mmio_read", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.dev.ncalls == 1 &&
		!f.dev.calls[0].is_write && f.dev.calls[0].len == len &&
		f.dev.calls[0].offset == 0x20,
		"expected an MMIO read of %u bytes at 0x%llx to reach the device as a read; got %u calls, is_write %d",
		len, FAKE_MMIO_BASE + 0x20, f.dev.ncalls,
		f.dev.ncalls && f.dev.calls[0].is_write);
	for (i = 0; i < len; i++)
		require("real.mmio_read",
			f.run.mmio.data[i] == FAKE_READ_BYTE(0, i),
			"expected mmio.data[%u] to hold the device's 0x%02x; got 0x%02x",
			i, FAKE_READ_BYTE(0, i), f.run.mmio.data[i]);

	/* Unclaimed: all ones. */
	fake_mmio_exit(&f, false, 2 * FAKE_MMIO_BASE, 4);
	require("real.mmio_read", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_RESUME && f.run.mmio.data[3] == 0xff &&
		f.mmio.unclaimed == 1,
		"expected a read nobody claims to give all ones");
	f.run.mmio.len = 9;
	require("real.mmio_malformed", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP, "expected an MMIO exit of 9 bytes to stop the run");
	f.run.mmio.len = 0;
	require("real.mmio_malformed", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP, "expected an MMIO exit of 0 bytes to stop the run");
}
END_TEST

/* What a device's result makes of the run, on the port and MMIO paths. */
struct device_result {
	int result;			/* the device's */
	enum exit_verdict verdict;	/* the exit handler's */
};

static const struct device_result device_results[] = {
	{ BUS_OK, VERDICT_RESUME },
	{ BUS_STOP, VERDICT_HALT },
	{ -EIO, VERDICT_STOP },
};

/* The verdict on @f's exit, whose device returns result @i. */
static void assert_device_result(struct fake_exit *f, int i)
{
	f->dev.result = device_results[i].result;
	ck_assert_int_eq(exit_dispatch(&f->ctx, &f->run),
			 device_results[i].verdict);
	if (f->dev.result < 0)
		ck_assert_ptr_nonnull(f->ctx.error);
	else
		ck_assert_ptr_null(f->ctx.error);
}

START_TEST(test_exit_device_result_io)
{
	static struct fake_exit f;

	fake_io_exit(&f, true, 1, 3, DATA_OFFSET);	/* rep outsb of 3 */
	assert_device_result(&f, _i);
	/* A run that is over takes no more elements. */
	ck_assert_uint_eq(f.dev.ncalls, f.dev.result == BUS_OK ? 3 : 1);
}
END_TEST

START_TEST(test_exit_device_result_mmio)
{
	static struct fake_exit f;

	fake_mmio_exit(&f, true, FAKE_MMIO_BASE, 4);
	assert_device_result(&f, _i);
	ck_assert_uint_eq(f.dev.ncalls, 1);
}
END_TEST

START_TEST(test_exit_reasons)
{
	static struct fake_exit f;
	char why[256];

	fake_exit_init(&f, KVM_EXIT_HLT);
	require("real.hlt", exit_dispatch(&f.ctx, &f.run) == VERDICT_HALT,
		"expected KVM_EXIT_HLT to end the run as a halt");

	fake_exit_init(&f, KVM_EXIT_SHUTDOWN);
	require("real.other_exits", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP, "expected KVM_EXIT_SHUTDOWN to stop the run");
	exit_describe(&f.ctx, &f.run, why, sizeof(why));
	require("real.other_exits", strstr(why, "KVM_EXIT_SHUTDOWN"),
		"expected the exit named; got \"%s\"", why);

	fake_exit_init(&f, KVM_EXIT_FAIL_ENTRY);
	require("real.other_exits", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP, "expected KVM_EXIT_FAIL_ENTRY to stop the run");

	fake_exit_init(&f, KVM_EXIT_INTERNAL_ERROR);
	f.run.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	require("real.other_exits", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP,
		"expected KVM_EXIT_INTERNAL_ERROR to stop the run");

	fake_exit_init(&f, 4242);
	require("real.other_exits", exit_dispatch(&f.ctx, &f.run) ==
		VERDICT_STOP, "expected an unknown exit to stop the run");
	exit_describe(&f.ctx, &f.run, why, sizeof(why));
	require("real.other_exits", strstr(why, "KVM_EXIT_?"),
		"expected an unknown exit described as KVM_EXIT_?; got \"%s\"",
		why);
}
END_TEST

void exit_tests(void)
{
	TCase *real = rubric_tcase("real_mode", UNIT);

	tcase_add_loop_test(real, test_exit_io_out, 0, 3);
	tcase_add_loop_test(real, test_exit_io_in, 0, 3);
	tcase_add_loop_test(real, test_exit_string_io, 0,
			    2 * ARRAY_SIZE(strings));
	tcase_add_loop_test(real, test_exit_io_malformed, 0,
			    ARRAY_SIZE(bad_io));
	tcase_add_loop_test(real, test_exit_mmio_write, 0, 4);
	tcase_add_loop_test(real, test_exit_mmio_read, 0, 4);
	tcase_add_loop_test(real, test_exit_device_result_io, 0,
			    ARRAY_SIZE(device_results));
	tcase_add_loop_test(real, test_exit_device_result_mmio, 0,
			    ARRAY_SIZE(device_results));
	tcase_add_test(real, test_exit_reasons);
}
