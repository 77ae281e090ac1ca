// SPDX-License-Identifier: GPL-2.0
/*
 * SIMVIRTIO without KVM: the rings, and the device model driven with
 * fake MMIO accesses over a fake guest RAM, as a driver (or a hostile
 * guest) would drive it.
 */
#include <stdlib.h>

#include <kvmlab/kernel.h>

#include "rubric.h"
#include "devices/simvirtio.h"
#include "tests.h"

/* ---- the rings ---- */

struct ring {
	queue_control_t ctl;
	q_elem_t buf[SIMVIRTIO_QUEUE_LEN];
	simqueue_t prod, cons;
};

static void ring_init(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	simqueue_init(&r->prod, &r->ctl, r->buf, SIMVIRTIO_QUEUE_LEN);
	simqueue_init(&r->cons, &r->ctl, r->buf, SIMVIRTIO_QUEUE_LEN);
}

START_TEST(test_queue_capacity)
{
	struct ring r;
	q_elem_t b;
	int i;

	ring_init(&r);
	ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_EMPTY);
	for (i = 0; i < SIMVIRTIO_QUEUE_LEN - 1; i++)
		ck_assert_int_eq(circ_bbuf_push(&r.prod, i), SIMQ_OK);
	ck_assert_int_eq(circ_bbuf_push(&r.prod, 0xaa), SIMQ_FULL);
	for (i = 0; i < SIMVIRTIO_QUEUE_LEN - 1; i++) {
		ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_OK);
		ck_assert_uint_eq(b, i);
	}
	ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_EMPTY);
}
END_TEST

/* Many laps, with the consumer lagging by a varying amount. */
START_TEST(test_queue_wraparound)
{
	uint32_t sent = 0, got = 0;
	struct ring r;
	q_elem_t b;

	ring_init(&r);
	while (got < 10000) {
		while (sent - got < 1 + got % 61 &&
		       circ_bbuf_push(&r.prod, (q_elem_t)sent) == SIMQ_OK)
			sent++;
		ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_OK);
		ck_assert_uint_eq(b, (q_elem_t)got);
		got++;
	}
	ck_assert_uint_lt(r.ctl.head, SIMVIRTIO_QUEUE_LEN);
}
END_TEST

START_TEST(test_queue_corrupt_index)
{
	struct ring r;
	q_elem_t b;
	int i;

	ring_init(&r);
	r.ctl.head = SIMVIRTIO_QUEUE_LEN;
	ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_CORRUPT);
	r.ctl.head = UINT32_MAX;
	ck_assert_int_eq(circ_bbuf_pop(&r.cons, &b), SIMQ_CORRUPT);
	ring_init(&r);
	for (i = 0; i < SIMVIRTIO_QUEUE_LEN - 1; i++)
		ck_assert_int_eq(circ_bbuf_push(&r.prod, i), SIMQ_OK);
	r.ctl.tail = 1000;
	ck_assert_int_eq(circ_bbuf_push(&r.prod, 0), SIMQ_CORRUPT);
}
END_TEST

/* ---- the device ---- */

#define RAM_SIZE	0x10000ULL
#define CFG_BASE	RAM_SIZE
#define TABLE_ADDR	0x7000ULL
#define TXQ_ADDR	0x7100ULL
#define RXQ_ADDR	0x7200ULL

/* A device, its guest RAM, and the driver's view of the queues. */
struct bench {
	struct guest_mem mem;
	struct simvirtio_dev dev;
	char out[4096];
	char err[4096];
	FILE *outf, *errf;
	simqueue_t tx, rx;
};

static void bench_init(struct bench *b, uint8_t transport,
		       uint32_t payload)
{
	memset(b, 0, sizeof(*b));
	b->mem.size = RAM_SIZE;
	b->mem.host = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(b->mem.host);
	b->outf = fmemopen(b->out, sizeof(b->out), "w");
	b->errf = fmemopen(b->err, sizeof(b->err), "w");
	setvbuf(b->outf, NULL, _IONBF, 0);
	setvbuf(b->errf, NULL, _IONBF, 0);
	simvirtio_init(&b->dev, &b->mem, CFG_BASE, transport, payload,
		       b->outf, b->errf);
}

static void bench_free(struct bench *b)
{
	fclose(b->outf);
	fclose(b->errf);
	simvirtio_destroy(&b->dev);
	free(b->mem.host);
}

static uint64_t rd(struct bench *b, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	simvirtio_mmio(&b->dev, off, (uint8_t *)&v, len, false);
	return v;
}

static void wr(struct bench *b, uint64_t off, uint32_t len, uint64_t v)
{
	simvirtio_mmio(&b->dev, off, (uint8_t *)&v, len, true);
}

#define RD(b, f)	rd(b, SIMVIRTIO_OFF(f), \
			   sizeof(((struct simvirtio_config *)0)->f))
#define WR(b, f, v)	wr(b, SIMVIRTIO_OFF(f), \
			   sizeof(((struct simvirtio_config *)0)->f), v)

/*
 * The driver's side of a queue. Under the exit transport, the control
 * words are the device's registers: the test goes through MMIO for
 * them by using the device's own copy, as KVM would hand it over.
 */
static void attach(struct bench *b, simqueue_t *q, unsigned int index,
		   uint64_t addr)
{
	struct simvirtio_queue_mem *qm =
		(void *)(b->mem.host + addr);
	volatile queue_control_t *ctl = &qm->ctl;

	if (b->dev.transport == SIMVIRTIO_TRANSPORT_EXITS)
		ctl = &b->dev.ctl_regs[index];
	WR(b, queue_sel, index);
	WR(b, queue_addr, addr);
	if (index == SIMVIRTIO_QUEUE_TX)
		WR(b, q0_tx_ctl, QUEUE_CTL_ENABLE);
	else
		WR(b, q1_rx_ctl, QUEUE_CTL_ENABLE);
	simqueue_init(q, ctl, qm->ring, SIMVIRTIO_QUEUE_LEN);
}

/* Push one byte and let the device see it (an exit, or a poll). */
static void send(struct bench *b, q_elem_t byte)
{
	ck_assert_int_eq(circ_bbuf_push(&b->tx, byte), SIMQ_OK);
	if (b->dev.transport == SIMVIRTIO_TRANSPORT_EXITS)
		WR(b, q0_head, b->tx.head);
	else
		simvirtio_service(&b->dev);
}

static void setup_queues(struct bench *b)
{
	WR(b, devtable_addr, TABLE_ADDR);
	attach(b, &b->tx, SIMVIRTIO_QUEUE_TX, TXQ_ADDR);
	attach(b, &b->rx, SIMVIRTIO_QUEUE_RX, RXQ_ADDR);
}

static void handshake(struct bench *b)
{
	setup_queues(b);
	send(b, 'R');
	ck_assert_uint_eq(RD(b, device_status), DEVICE_RESET);
	WR(b, driver_status, DRIVER_ACK);
	send(b, 'C');
	ck_assert_uint_eq(RD(b, device_status), DEVICE_CONFIG);
	WR(b, driver_status, DRIVER_OK);
	ck_assert_uint_eq(RD(b, device_status), DEVICE_READY);
}

/* Everything the device has answered on RX so far. */
static void received(struct bench *b, char *buf, size_t len)
{
	size_t n = 0;
	q_elem_t c;

	if (b->dev.transport == SIMVIRTIO_TRANSPORT_POLLING)
		simvirtio_service(&b->dev);
	else
		RD(b, q1_head);		/* any access moves the queues */
	while (n + 1 < len && circ_bbuf_pop(&b->rx, &c) == SIMQ_OK) {
		buf[n++] = c;
		if (b->dev.transport == SIMVIRTIO_TRANSPORT_EXITS)
			WR(b, q1_tail, b->rx.tail);
	}
	buf[n] = '\0';
}

START_TEST(test_device_handshake)
{
	const uint8_t transport = _i;
	device_table_t *table;
	struct bench b;
	char answer[64];
	const char *msg = "Ana are mere!\n";

	bench_init(&b, transport, 0);
	ck_assert_uint_eq(RD(&b, magic), MAGIC_VALUE);
	ck_assert_uint_eq(RD(&b, max_queue_len), SIMVIRTIO_QUEUE_LEN);
	ck_assert_uint_eq(RD(&b, transport), transport);
	handshake(&b);
	table = (void *)(b.mem.host + TABLE_ADDR);
	ck_assert_uint_eq(table->count, 1);
	ck_assert_uint_eq(table->device_addresses[0], CFG_BASE);
	while (*msg)
		send(&b, *msg++);
	received(&b, answer, sizeof(answer));
	ck_assert_str_eq(answer, "ACK 14\n");
	ck_assert_str_eq(b.out, "Ana are mere!\n");
	ck_assert_uint_eq(b.dev.messages, 1);
	ck_assert_uint_eq(RD(&b, error), 0);
	ck_assert_str_eq(b.err, "");
	bench_free(&b);
}
END_TEST

/*
 * A payload many times the ring, sent as fast as the ring takes it:
 * it wraps around, fills up (back-pressure), and arrives intact.
 */
START_TEST(test_device_payload)
{
	const uint32_t n = 5000;
	struct bench b;
	char answer[64];
	uint32_t i;

	bench_init(&b, _i, n);
	handshake(&b);
	for (i = 0; i < 3; i++)
		send(&b, "ok\n"[i]);
	received(&b, answer, sizeof(answer));
	ck_assert_str_eq(answer, "ACK 3\n");
	for (i = 0; i < n; ) {
		int ret = circ_bbuf_push(&b.tx, simvirtio_payload_byte(i));

		if (ret == SIMQ_FULL) {
			/* Only polling can fill it: exits drain each push. */
			ck_assert(simvirtio_service(&b.dev));
			continue;
		}
		if (_i == SIMVIRTIO_TRANSPORT_EXITS)
			WR(&b, q0_head, b.tx.head);
		ck_assert_int_eq(ret, SIMQ_OK);
		i++;
	}
	received(&b, answer, sizeof(answer));
	ck_assert_str_eq(answer, "ACK 5000\n");
	ck_assert_uint_eq(b.dev.payload_seen, n);
	ck_assert_uint_eq(b.dev.payload_bad, 0);
	ck_assert_str_eq(b.out, "ok\n");
	bench_free(&b);
}
END_TEST

/* A message many times the ring: streamed out, then one answer. */
START_TEST(test_device_long_message)
{
	const unsigned int n = 1000;
	struct bench b;
	char answer[64];
	unsigned int i;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	handshake(&b);
	for (i = 0; i < n; i++)
		send(&b, i + 1 == n ? '\n' : 'a' + i % 26);
	received(&b, answer, sizeof(answer));
	ck_assert_str_eq(answer, "ACK 1000\n");
	ck_assert_uint_eq(strlen(b.out), n);
	ck_assert_uint_eq(b.out[26], 'a');
	ck_assert_uint_eq(b.dev.messages, 1);
	bench_free(&b);
}
END_TEST

START_TEST(test_device_payload_corrupted)
{
	struct bench b;
	uint32_t i;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 10);
	handshake(&b);
	send(&b, '\n');
	for (i = 0; i < 10; i++)
		send(&b, simvirtio_payload_byte(i) ^ (i == 7));
	ck_assert_uint_eq(b.dev.payload_seen, 10);
	ck_assert_uint_eq(b.dev.payload_bad, 1);
	bench_free(&b);
}
END_TEST

/* ---- what a hostile or broken driver gets ---- */

static void expect_error(struct bench *b, uint32_t code)
{
	ck_assert_msg(RD(b, device_status) == DEVICE_FAILED,
		      "expected DEVICE_FAILED; got 0x%llx",
		      (unsigned long long)RD(b, device_status));
	ck_assert_msg(RD(b, error) == code, "expected %s; got %s",
		      simvirtio_error_name(code),
		      simvirtio_error_name(RD(b, error)));
	ck_assert_ptr_nonnull(strstr(b->err, simvirtio_error_name(code)));
	ck_assert_uint_eq(count_of(b->err, "\n"), 1);
}

START_TEST(test_error_access_width)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	/* Half of MAGIC: refused, reads as all ones. */
	ck_assert_uint_eq(rd(&b, SIMVIRTIO_OFF(magic), 2), 0xffff);
	expect_error(&b, SIMVIRTIO_ERR_ACCESS);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_access_outside)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	wr(&b, 0x800, 4, 1);
	expect_error(&b, SIMVIRTIO_ERR_ACCESS);
	bench_free(&b);
}
END_TEST

/* Under polling, the exit transport's control registers are not there. */
START_TEST(test_polling_no_ctl_registers)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_POLLING, 0);
	WR(&b, q0_head, 1);
	expect_error(&b, SIMVIRTIO_ERR_ACCESS);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_read_only)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	WR(&b, magic, 0);
	expect_error(&b, SIMVIRTIO_ERR_READ_ONLY);
	ck_assert_uint_eq(RD(&b, magic), MAGIC_VALUE);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_sequence)
{
	struct bench b;

	/* DRIVER_OK with no configuration. */
	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	WR(&b, driver_status, DRIVER_OK);
	expect_error(&b, SIMVIRTIO_ERR_SEQUENCE);
	bench_free(&b);
	/* 'C' before 'R'. */
	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	send(&b, 'C');
	expect_error(&b, SIMVIRTIO_ERR_SEQUENCE);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_command)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	send(&b, 'X');
	expect_error(&b, SIMVIRTIO_ERR_COMMAND);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_queue_addr)
{
	static const uint64_t bad[] = {
		RAM_SIZE - 8,			/* straddles the end of RAM */
		RAM_SIZE,			/* past it */
		UINT64_MAX - 15,		/* wraps around */
		TXQ_ADDR + 1,			/* misaligned */
	};
	struct bench b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
		WR(&b, queue_sel, SIMVIRTIO_QUEUE_TX);
		WR(&b, queue_addr, bad[i]);
		WR(&b, q0_tx_ctl, QUEUE_CTL_ENABLE);
		expect_error(&b, SIMVIRTIO_ERR_QUEUE_ADDR);
		ck_assert_uint_eq(RD(&b, q0_tx_ctl), 0);
		bench_free(&b);
	}
}
END_TEST

START_TEST(test_error_table_addr)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	b.dev.devtable_addr = RAM_SIZE - 16;	/* as if set earlier */
	send(&b, 'R');
	WR(&b, driver_status, DRIVER_ACK);
	send(&b, 'C');
	expect_error(&b, SIMVIRTIO_ERR_TABLE_ADDR);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_table_full)
{
	device_table_t *table;
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	table = (void *)(b.mem.host + TABLE_ADDR);
	table->count = 0xffff;			/* the guest lies */
	send(&b, 'R');
	WR(&b, driver_status, DRIVER_ACK);
	send(&b, 'C');
	expect_error(&b, SIMVIRTIO_ERR_TABLE_FULL);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_wild_index)
{
	struct bench b;

	/* A head register far outside the ring. */
	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	WR(&b, q0_head, 0xfffffff0);
	expect_error(&b, SIMVIRTIO_ERR_INDEX);
	bench_free(&b);

	/* A driver whose idea of the ring length is larger than ours. */
	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	setup_queues(&b);
	b.tx.maxlen = 2 * SIMVIRTIO_QUEUE_LEN;
	b.tx.head = SIMVIRTIO_QUEUE_LEN - 1;
	send(&b, 'R');
	expect_error(&b, SIMVIRTIO_ERR_INDEX);
	bench_free(&b);
}
END_TEST

/* Under polling, a head in RAM changed behind the device's back. */
START_TEST(test_polling_wild_index)
{
	struct simvirtio_queue_mem *qm;
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_POLLING, 0);
	setup_queues(&b);
	qm = (void *)(b.mem.host + TXQ_ADDR);
	qm->ctl.head = SIMVIRTIO_QUEUE_LEN;
	simvirtio_service(&b.dev);
	expect_error(&b, SIMVIRTIO_ERR_INDEX);
	bench_free(&b);
}
END_TEST

START_TEST(test_error_config_locked)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	handshake(&b);
	WR(&b, queue_sel, SIMVIRTIO_QUEUE_RX);
	WR(&b, queue_addr, 0x100);
	expect_error(&b, SIMVIRTIO_ERR_CONFIG_LOCKED);
	ck_assert_uint_eq(b.dev.queue_addr[SIMVIRTIO_QUEUE_RX], RXQ_ADDR);
	bench_free(&b);
}
END_TEST

/* A failed device takes no traffic, says nothing more, and resets. */
START_TEST(test_error_then_reset)
{
	struct bench b;

	bench_init(&b, SIMVIRTIO_TRANSPORT_EXITS, 0);
	handshake(&b);
	WR(&b, magic, 1);
	expect_error(&b, SIMVIRTIO_ERR_READ_ONLY);
	WR(&b, magic, 1);
	WR(&b, driver_status, DRIVER_OK);
	send(&b, 'x');
	ck_assert_str_eq(b.out, "");
	ck_assert_uint_eq(count_of(b.err, "\n"), 1);
	ck_assert_uint_eq(RD(&b, error), SIMVIRTIO_ERR_READ_ONLY);
	ck_assert_uint_ge(b.dev.nr_errors, 3);

	WR(&b, driver_status, DRIVER_RESET);
	ck_assert_uint_eq(RD(&b, device_status), DEVICE_RESET);
	ck_assert_uint_eq(RD(&b, error), 0);
	ck_assert_uint_eq(RD(&b, q0_tx_ctl), 0);
	handshake(&b);
	bench_free(&b);
}
END_TEST

void simvirtio_unit_tests(void)
{
	TCase *svio = rubric_tcase("simvirtio", UNIT);
	TCase *poll = rubric_tcase("polling", UNIT);

	tcase_add_test(svio, test_queue_capacity);
	tcase_add_test(svio, test_queue_wraparound);
	tcase_add_test(svio, test_queue_corrupt_index);
	tcase_add_loop_test(svio, test_device_handshake,
			    SIMVIRTIO_TRANSPORT_EXITS,
			    SIMVIRTIO_TRANSPORT_EXITS + 1);
	tcase_add_loop_test(svio, test_device_payload,
			    SIMVIRTIO_TRANSPORT_EXITS,
			    SIMVIRTIO_TRANSPORT_EXITS + 1);
	tcase_add_test(svio, test_device_long_message);
	tcase_add_test(svio, test_device_payload_corrupted);
	tcase_add_test(svio, test_error_access_width);
	tcase_add_test(svio, test_error_access_outside);
	tcase_add_test(svio, test_error_read_only);
	tcase_add_test(svio, test_error_sequence);
	tcase_add_test(svio, test_error_command);
	tcase_add_test(svio, test_error_queue_addr);
	tcase_add_test(svio, test_error_table_addr);
	tcase_add_test(svio, test_error_table_full);
	tcase_add_test(svio, test_error_wild_index);
	tcase_add_test(svio, test_error_config_locked);
	tcase_add_test(svio, test_error_then_reset);

	tcase_add_loop_test(poll, test_device_handshake,
			    SIMVIRTIO_TRANSPORT_POLLING,
			    SIMVIRTIO_TRANSPORT_POLLING + 1);
	tcase_add_loop_test(poll, test_device_payload,
			    SIMVIRTIO_TRANSPORT_POLLING,
			    SIMVIRTIO_TRANSPORT_POLLING + 1);
	tcase_add_test(poll, test_polling_no_ctl_registers);
	tcase_add_test(poll, test_polling_wild_index);
}
