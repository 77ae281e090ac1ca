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
 * concurrently on another CPU.
 */
#include "queue.h"

void simqueue_init(simqueue_t *q, volatile queue_control_t *q_ctrl,
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
		uint32_t tail = __atomic_load_n(&q->q_ctrl->tail,
						__ATOMIC_ACQUIRE);

		if (tail >= q->maxlen)
			return SIMQ_CORRUPT;
		q->tail = tail;
		if (next == tail)
			return SIMQ_FULL;
	}
	q->buffer[q->head] = data;
	__atomic_store_n(&q->q_ctrl->head, next, __ATOMIC_RELEASE);
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
		uint32_t head = __atomic_load_n(&q->q_ctrl->head,
						__ATOMIC_ACQUIRE);

		if (head >= q->maxlen)
			return SIMQ_CORRUPT;
		q->head = head;
		if (head == q->tail)
			return SIMQ_EMPTY;
	}
	*data = q->buffer[q->tail];
	q->tail = q->tail + 1 == q->maxlen ? 0 : q->tail + 1;
	__atomic_store_n(&q->q_ctrl->tail, q->tail, __ATOMIC_RELEASE);
	return SIMQ_OK;
	/* STUB: return SIMQ_EMPTY; */
	/* END SOLUTION */
}
