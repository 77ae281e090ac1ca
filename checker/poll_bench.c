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
#define STEP_WAIT_MS	2000	/* for each step of the device */
#define BENCH_WAIT_MS	8000	/* for the whole bench */
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

/* Wait for the device status to become @want; false after a while. */
static bool wait_status(struct poll_bench *b, uint64_t want)
{
	unsigned int i;

	for (i = 0; i < STEP_WAIT_MS * 10; i++) {
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
	unsigned int i;

	for (i = 0; i < STEP_WAIT_MS * 10; i++) {
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
	unsigned int n = 0, i;
	q_elem_t c;

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
	for (i = 0; n + 1 < sizeof(answer) && i < STEP_WAIT_MS * 10; i++) {
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
	unsigned int i, code;
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		static struct poll_bench b;
		const char *why;

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
	for (i = 0; i < BENCH_WAIT_MS * 10 &&
	     waitpid(pid, &status, WNOHANG) == 0; i++)
		nap();
	if (i == BENCH_WAIT_MS * 10) {
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
