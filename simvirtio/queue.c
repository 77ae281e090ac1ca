// SPDX-License-Identifier: GPL-2.0
/*
 * Single-producer, single-consumer byte rings. The producer owns head,
 * the consumer owns tail; a ring is full when head + 1 == tail, so it
 * holds maxlen - 1 elements. Each side refreshes its copy of the other
 * side's index only when its view says full (producer) or empty
 * (consumer): under the exit transport that keeps pushes to one VM
 * exit each, the write of head.
 *
 * Acquire and release order the ring data against the index that
 * publishes it, for the polling transport, where the other side runs
 * concurrently on another CPU: the producer's release of head makes
 * the slot visible before the index, the consumer's acquire of head
 * reads the slot only after; tail goes back the same way, so a slot is
 * never overwritten before it was read.
 */
#include "queue.h"

void simqueue_init(simqueue_t *q, queue_control_t *q_ctrl,
		   q_elem_t *buffer, uint32_t maxlen)
{
	q->q_ctrl = q_ctrl;
	q->buffer = buffer;
	q->maxlen = maxlen;
	q->head = 0;
	q->tail = 0;
}

int circ_bbuf_push(simqueue_t *q, q_elem_t data)
{
	/*
	 * BEGIN SOLUTION 3: the slot after head must not be tail (full: ask
	 * the consumer's tail again, once, and check it); then store the
	 * element and publish the new head (a release store).
	 */
	uint32_t next = q->head + 1 == q->maxlen ? 0 : q->head + 1;

	if (next == q->tail) {
		/* Looks full: see how far the consumer has come. */
		uint32_t tail = smp_load_acquire(&q->q_ctrl->tail);

		if (tail >= q->maxlen)
			return SIMQ_CORRUPT;
		q->tail = tail;
		if (next == tail)
			return SIMQ_FULL;
	}
	q->buffer[q->head] = data;
	/* The slot first, then the head that gives it to the consumer. */
	smp_store_release(&q->q_ctrl->head, next);
	q->head = next;
	return SIMQ_OK;
	/* STUB: return SIMQ_FULL; */
	/* END SOLUTION */
}

int circ_bbuf_pop(simqueue_t *q, q_elem_t *data)
{
	/*
	 * BEGIN SOLUTION 3: empty when tail is head (ask the producer's
	 * head again, once, and check it); then take the element and
	 * publish the new tail.
	 */
	if (q->tail == q->head) {
		/* Looks empty: see what the producer has published. */
		uint32_t head = smp_load_acquire(&q->q_ctrl->head);

		if (head >= q->maxlen)
			return SIMQ_CORRUPT;
		q->head = head;
		if (head == q->tail)
			return SIMQ_EMPTY;
	}
	*data = q->buffer[q->tail];
	q->tail = q->tail + 1 == q->maxlen ? 0 : q->tail + 1;
	/* The slot is read: only now may the producer reuse it. */
	smp_store_release(&q->q_ctrl->tail, q->tail);
	return SIMQ_OK;
	/* STUB: return SIMQ_EMPTY; */
	/* END SOLUTION */
}
