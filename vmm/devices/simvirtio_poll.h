/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The polling transport's VMM thread: it moves the SIMVIRTIO queues
 * in shared guest RAM while the vCPU runs, so data costs no VM exit.
 */
#ifndef VMM_SIMVIRTIO_POLL_H
#define VMM_SIMVIRTIO_POLL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/simvirtio.h"

struct simvirtio_poller {
	struct simvirtio_dev *dev;
	pthread_t thread;
	bool running;
	int stop;			/* smp_store_release() ends the thread */
};

int simvirtio_poll_start(struct simvirtio_poller *p,
			 struct simvirtio_dev *dev);
/* Stop and join the thread, then drain the queues once more. */
void simvirtio_poll_stop(struct simvirtio_poller *p);

#endif /* VMM_SIMVIRTIO_POLL_H */
