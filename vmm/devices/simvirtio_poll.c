// SPDX-License-Identifier: GPL-2.0
/*
 * Polling instead of exits (task 4). The thread spins on the queues
 * while there is traffic; after a while without any it naps briefly,
 * so that an idle guest does not cost a whole host CPU.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <kvmlab/kernel.h>

#include "core/log.h"
#include "devices/simvirtio_poll.h"

/* Idle rounds before the thread starts to nap, and the nap. */
#define POLL_SPIN_ROUNDS	1024
#define POLL_NAP_NS		20000L

/*
 * BEGIN SOLUTION 4: the thread: service the device's queues until told
 * to stop; spin while there is traffic, nap when there is none.
 */
static void *poll_thread(void *arg)
{
	struct simvirtio_poller *p = arg;
	const struct timespec nap = { .tv_nsec = POLL_NAP_NS };
	unsigned int idle = 0;

	/* simvirtio_poll_stop() publishes stop. */
	while (!smp_load_acquire(&p->stop)) {
		if (simvirtio_service(p->dev))
			idle = 0;
		else if (++idle < POLL_SPIN_ROUNDS)
			cpu_relax();
		else
			nanosleep(&nap, NULL);
	}
	return NULL;
}

/* END SOLUTION */
int simvirtio_poll_start(struct simvirtio_poller *p,
			 struct simvirtio_dev *dev)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->dev = dev;
	/* BEGIN SOLUTION 4: start the thread */
	err = pthread_create(&p->thread, NULL, poll_thread, p);
	/* STUB: err = todo_stub("the poll thread") ? EOPNOTSUPP : 0; */
	/* END SOLUTION */
	if (err) {
		pr_err("cannot start the SIMVIRTIO poll thread: %s",
		       strerror(err));
		return -1;
	}
	p->running = true;
	return 0;
}

void simvirtio_poll_stop(struct simvirtio_poller *p)
{
	if (!p->running)
		return;
	/* The vCPU thread publishes stop; the poll thread acquires it. */
	smp_store_release(&p->stop, 1);
	pthread_join(p->thread, NULL);
	p->running = false;
	/*
	 * Bytes pushed just before the halt: the thread may have missed
	 * them, and nobody else takes them now.
	 */
	while (simvirtio_service(p->dev))
		;
}
