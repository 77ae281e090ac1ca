/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SIMVIRTIO device model (docs/simvirtio.md). A state machine over
 * guest memory: it needs no KVM, so the tests drive it with fake MMIO
 * accesses and rings.
 */
#ifndef VMM_SIMVIRTIO_H
#define VMM_SIMVIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <simvirtio/queue.h>

#include "core/bus.h"
#include "core/guest_mem.h"

#define SIMVIRTIO_ACK_MAX	32	/* "ACK " 20 digits "\n" and a NUL */
/* Room for the backlog: SIMVIRTIO_BACKLOG answers of any length. */
#define SIMVIRTIO_PENDING_MAX	(SIMVIRTIO_BACKLOG * SIMVIRTIO_ACK_MAX)
/* Device-error lines per run; then one more that says it stops. */
#define SIMVIRTIO_MAX_REPORTS	8

struct simvirtio_dev {
	pthread_mutex_t lock;		/* vCPU thread vs poll thread */
	struct guest_mem *mem;
	FILE *out;			/* received messages */
	FILE *err;			/* device errors, one line each */
	uint64_t base;			/* GPA of the configuration space */
	uint8_t transport;
	uint32_t payload_len;

	/* Registers. */
	uint8_t device_status;
	uint8_t driver_status;
	uint8_t queue_sel;
	uint8_t ctl[SIMVIRTIO_NR_QUEUES];
	uint32_t error;
	uint64_t queue_addr[SIMVIRTIO_NR_QUEUES];
	uint64_t devtable_addr;
	queue_control_t ctl_regs[SIMVIRTIO_NR_QUEUES];	/* exit transport */

	/* The device's side of each queue: TX consumer, RX producer. */
	simqueue_t queue[SIMVIRTIO_NR_QUEUES];
	bool got_reset;			/* an 'R' since the last reset */
	bool acked;			/* DRIVER_ACK written since the reset */

	/* Answers waiting for room on RX: the backlog. */
	char pending[SIMVIRTIO_PENDING_MAX];
	uint32_t pending_len;		/* bytes */
	uint32_t backlog;		/* answers, whole or in part */

	/* What arrived. */
	uint64_t msg_len;		/* bytes of the message under way */
	uint64_t messages;
	bool in_payload;
	uint64_t payload_seen;
	uint64_t payload_bad;
	uint64_t nr_errors;		/* every refused access, counted */
	unsigned int nr_reports;	/* lines printed on @err */
};

void simvirtio_init(struct simvirtio_dev *dev, struct guest_mem *mem,
		    uint64_t base, uint8_t transport, uint32_t payload_len,
		    FILE *out, FILE *err);
void simvirtio_destroy(struct simvirtio_dev *dev);
int simvirtio_register(struct simvirtio_dev *dev, struct bus *mmio);

/* The bus handler: one access to the configuration space. */
int simvirtio_mmio(void *opaque, uint64_t offset, uint8_t *data,
		   uint32_t len, bool is_write);

/* Move what can move on both queues; true if anything did. Locked. */
bool simvirtio_service(struct simvirtio_dev *dev);

const char *simvirtio_error_name(uint32_t code);
const char *simvirtio_error_cause(uint32_t code);
/* One line on @out: where the protocol stands, for a failed run. */
void simvirtio_report_state(const struct simvirtio_dev *dev, FILE *out);

#endif /* VMM_SIMVIRTIO_H */
