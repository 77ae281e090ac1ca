/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring operations of the assignment, for both sides. A simqueue is
 * one side's view of a queue: the shared control words (in MMIO or in
 * RAM, depending on the transport), the ring in RAM, and local copies
 * of both indices. A side trusts only its own index; it reads the
 * other side's once, range-checks it, and only then uses it.
 *
 * What is shared, and who publishes it: the producer writes the ring
 * slots and then head (smp_store_release); the consumer reads head
 * (smp_load_acquire), then the slots, and publishes tail the same way
 * for the producer. The other side is the guest's driver or the VMM's
 * poll thread, running at the same time: hence no plain accesses.
 */
#ifndef SIMVIRTIO_QUEUE_H
#define SIMVIRTIO_QUEUE_H

#include "simvirtio.h"

/* What push and pop return. */
#define SIMQ_OK		0
#define SIMQ_FULL	(-1)	/* push: no free slot */
#define SIMQ_EMPTY	(-1)	/* pop: nothing to take */
#define SIMQ_CORRUPT	(-2)	/* the other side's index is out of range */

typedef struct simqueue {
	queue_control_t *q_ctrl;		/* shared control words */
	uint32_t maxlen;			/* slots in the ring */
	q_elem_t *buffer;			/* the ring */
	uint32_t head;				/* local copies */
	uint32_t tail;
} simqueue_t;

/* Attach to a queue whose indices are both at zero. */
void simqueue_init(simqueue_t *q, queue_control_t *q_ctrl,
		   q_elem_t *buffer, uint32_t maxlen);

int circ_bbuf_push(simqueue_t *q, q_elem_t data);
int circ_bbuf_pop(simqueue_t *q, q_elem_t *data);

#endif /* SIMVIRTIO_QUEUE_H */
