// SPDX-License-Identifier: GPL-2.0
/*
 * Polling apart from the driver. The grader acts as a patient driver
 * (it waits for each step the device must take) against the VMM's own
 * poll thread and device, without KVM: if that works, the thread and
 * the device do their part (task 4). It runs in checker/unit, with the
 * VMM's code: as the unit test "polling/unit", and as the probe
 * "poll-bench" that test_polling.c asks before it blames the driver.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "devices/simvirtio.h"
#include "svio_mmio.h"
#include "devices/simvirtio_poll.h"
#include "rubric.h"
#include "tests.h"
#include "unit.h"

#define RAM_SIZE	0x10000ULL
#define CFG_BASE	RAM_SIZE
#define TABLE_ADDR	0x7000ULL
#define TXQ_ADDR	0x7100ULL
#define RXQ_ADDR	0x7200ULL
/*
 * Deadlines by the clock (a nap costs more than it asks): each step of
 * the device, and the whole bench, which must end within the unit
 * test's own 5 s.
 */
#define STEP_WAIT_MS	1000
#define BENCH_WAIT_MS	4000
#define NAP_NS		100000L
#define ANSWER		"ACK 14\n"
#define MESSAGE		"Ana are mere!\n"
struct poll_bench {
	struct guest_mem mem;
	struct simvirtio_dev dev;
	struct simvirtio_poller poller;
	FILE *out, *err;	/* the device's output and messages */
	simqueue_t tx, rx;
};

static void nap(void)
{
	const struct timespec t = { .tv_nsec = NAP_NS };

	nanosleep(&t, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MSEC_PER_SEC + ts.tv_nsec / NSEC_PER_MSEC;
}

/* Wait for the device status to become @want; false after a while. */
static bool wait_status(struct poll_bench *b, uint64_t want)
{
	long end = now_ms() + STEP_WAIT_MS;

	while (now_ms() < end) {
		if (RD(b, device_status) == want)
			return true;
		nap();
	}
	return false;
}

static void attach(struct poll_bench *b, simqueue_t *q, unsigned int index,
		   uint64_t addr)
{
	struct simvirtio_queue_mem *qm = (void *)(b->mem.host + addr);

	WR(b, queue_sel, index);
	WR(b, queue_addr, addr);
	if (index == SIMVIRTIO_QUEUE_TX)
		WR(b, q0_tx_ctl, QUEUE_CTL_ENABLE);
	else
		WR(b, q1_rx_ctl, QUEUE_CTL_ENABLE);
	simqueue_init(q, &qm->ctl, qm->ring, SIMVIRTIO_QUEUE_LEN);
}

/* Push a byte, waiting while the ring is full. */
static bool send(struct poll_bench *b, q_elem_t byte)
{
	long end = now_ms() + STEP_WAIT_MS;

	while (now_ms() < end) {
		if (circ_bbuf_push(&b->tx, byte) == SIMQ_OK)
			return true;
		nap();
	}
	return false;
}

/*
 * The whole handshake and the message, with the VMM's poll thread as
 * the device's only servant. NULL if it worked, or what did not.
 */
static const char *run_bench(struct poll_bench *b)
{
	const char *msg = MESSAGE;
	char answer[sizeof(ANSWER)] = "";
	unsigned int n = 0;
	q_elem_t c;
	long end;

	WR(b, devtable_addr, TABLE_ADDR);
	attach(b, &b->tx, SIMVIRTIO_QUEUE_TX, TXQ_ADDR);
	attach(b, &b->rx, SIMVIRTIO_QUEUE_RX, RXQ_ADDR);
	if (simvirtio_poll_start(&b->poller, &b->dev))
		return "the poll thread did not start";
	if (!send(b, 'R') || !wait_status(b, DEVICE_RESET))
		return "'R' pushed in the TX ring in RAM: the device did not reset";
	WR(b, driver_status, DRIVER_ACK);
	if (!send(b, 'C') || !wait_status(b, DEVICE_CONFIG))
		return "'C' pushed after DRIVER_ACK: the device was not configured";
	WR(b, driver_status, DRIVER_OK);
	if (!wait_status(b, DEVICE_READY))
		return "DRIVER_OK written: the device did not become ready";
	while (*msg)
		if (!send(b, *msg++))
			return "the TX ring stayed full: the thread does not consume it";
	end = now_ms() + STEP_WAIT_MS;
	while (n + 1 < sizeof(answer) && now_ms() < end) {
		if (circ_bbuf_pop(&b->rx, &c) == SIMQ_OK)
			answer[n++] = c;
		else
			nap();
	}
	simvirtio_poll_stop(&b->poller);
	if (strcmp(answer, ANSWER))
		return "the message was sent: no \"ACK 14\" came back on RX";
	return NULL;
}

/* The bench in a child process: the VMM's code may crash or hang. */
static const char *poll_bench(void)
{
	static const char *const reasons[] = {
		"the poll thread crashed the VMM's process",
		"the poll thread did not start",
		"'R' pushed in the TX ring in RAM: the device did not reset",
		"'C' pushed after DRIVER_ACK: the device was not configured",
		"DRIVER_OK written: the device did not become ready",
		"the TX ring stayed full: the thread does not consume it",
		"the message was sent: no \"ACK 14\" came back on RX",
	};
	unsigned int code;
	int status = 0;
	pid_t done, pid = fork();
	long end;

	if (pid == 0) {
		static struct poll_bench b;
		const char *why;
		unsigned int i;

		b.mem.size = RAM_SIZE;
		b.mem.host = calloc(1, RAM_SIZE);
		b.out = fopen("/dev/null", "w");
		b.err = b.out;
		if (!b.mem.host || !b.out)
			_exit(0);
		simvirtio_init(&b.dev, &b.mem, CFG_BASE,
			       SIMVIRTIO_TRANSPORT_POLLING, 0, b.out, b.err);
		why = run_bench(&b);
		for (i = 1; why && i < ARRAY_SIZE(reasons); i++)
			if (!strcmp(why, reasons[i]))
				_exit(i);
		_exit(0);
	}
	if (pid < 0)
		return NULL;	/* no evidence either way */
	/* A thread that never stops keeps the child: it is killed. */
	end = now_ms() + BENCH_WAIT_MS;
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < end)
		nap();
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return "the poll thread did not stop when told to (the bench was killed)";
	}
	if (!WIFEXITED(status))
		return reasons[0];
	code = WEXITSTATUS(status);
	if (code && code < ARRAY_SIZE(reasons))
		return reasons[code];
	return NULL;
}

START_TEST(test_poll_thread)
{
	const char *why = poll_bench();

	require("poll.thread", !why,
		"expected the VMM's poll thread to serve a patient driver (the grader, without KVM): %s",
		why);
}
END_TEST

int poll_bench_probe(char *why, size_t len)
{
	const char *reason = poll_bench();

	snprintf(why, len, "%s", reason ? reason : "");
	return reason ? 1 : 0;
}

void poll_bench_tests(void)
{
	tcase_add_test(rubric_tcase("polling", UNIT), test_poll_thread);
}
