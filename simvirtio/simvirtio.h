/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIMVIRTIO: the paravirtual device of SO2 Assignment 7, as specified
 * in docs/simvirtio.md. This header is the protocol, once, for both
 * sides: the 64-bit guest's driver (freestanding) and the VMM's device
 * model (hosted). Every offset and size is checked at compile time.
 */
#ifndef SIMVIRTIO_H
#define SIMVIRTIO_H

#include <stddef.h>
#include <stdint.h>

#define MAGIC_VALUE		0x74726976	/* "virt", little-endian */

/* Device status (read-only to the driver). */
#define DEVICE_RESET		0x0
#define DEVICE_CONFIG		0x2
#define DEVICE_READY		0x4
#define DEVICE_FAILED		0x80		/* kvmlab: a device error */

/* Driver status (written by the driver). */
#define DRIVER_ACK		0x0
#define DRIVER			0x2
#define DRIVER_OK		0x4
/* Upstream's 0x8000 cannot fit the 8-bit register: kvmlab uses 0x80. */
#define DRIVER_RESET		0x80

/* Commands the driver pushes on the TX queue during the handshake. */
#define SIMVIRTIO_CMD_RESET	'R'
#define SIMVIRTIO_CMD_CONFIG	'C'

/* Queues, as the queue selector and the device table number them. */
#define SIMVIRTIO_QUEUE_TX	0
#define SIMVIRTIO_QUEUE_RX	1
#define SIMVIRTIO_NR_QUEUES	2

/* Queue control register bits (Q0 TX CTL, Q1 RX CTL). */
#define QUEUE_CTL_ENABLE	0x1

/* Transports, as the TRANSPORT register reports them. */
#define SIMVIRTIO_TRANSPORT_EXITS	0	/* control words in MMIO */
#define SIMVIRTIO_TRANSPORT_POLLING	1	/* control words in RAM */

/* Slots in each ring; a ring holds one less. */
#define SIMVIRTIO_QUEUE_LEN	64

/* Messages end with a newline; each is acknowledged on RX. */
#define SIMVIRTIO_MSG_END	'\n'
#define SIMVIRTIO_ACK_PREFIX	"ACK "

/*
 * Answers the device has made but not yet put whole on RX. While this
 * many wait, it takes no TX byte (back-pressure, never a drop).
 */
#define SIMVIRTIO_BACKLOG	4

#ifndef __ASSEMBLY__

#include <kvmlab/kernel.h>

/*
 * Device errors: the codes of the ERROR register. Their names and
 * causes are in the device's table (docs/simvirtio.md, section 7).
 */
enum simvirtio_error {
	SIMVIRTIO_ERR_NONE,
	SIMVIRTIO_ERR_ACCESS,		/* 1 */
	SIMVIRTIO_ERR_READ_ONLY,	/* 2 */
	SIMVIRTIO_ERR_SEQUENCE,		/* 3 */
	SIMVIRTIO_ERR_QUEUE_ADDR,	/* 4 */
	SIMVIRTIO_ERR_TABLE_ADDR,	/* 5 */
	SIMVIRTIO_ERR_INDEX,		/* 6 */
	SIMVIRTIO_ERR_CONFIG_LOCKED,	/* 7 */
	SIMVIRTIO_ERR_TABLE_FULL,	/* 8 */
	SIMVIRTIO_ERR_COMMAND,		/* 9 */
	SIMVIRTIO_NR_ERRORS
};

/* The configuration space, at the start of the device's MMIO window. */
struct simvirtio_config {
	uint32_t magic;			/* 0x00 R */
	uint16_t max_queue_len;		/* 0x04 R */
	uint8_t device_status;		/* 0x06 R */
	uint8_t driver_status;		/* 0x07 R/W */
	uint8_t queue_sel;		/* 0x08 R/W */
	uint8_t q0_tx_ctl;		/* 0x09 R/W */
	uint8_t q1_rx_ctl;		/* 0x0a R/W */
	uint8_t transport;		/* 0x0b R */
	uint32_t error;			/* 0x0c R */
	uint64_t queue_addr;		/* 0x10 R/W, of the selected queue */
	uint64_t devtable_addr;		/* 0x18 R/W */
	uint32_t payload_len;		/* 0x20 R */
	uint32_t reserved;		/* 0x24 */
	/* Exit transport only: the queues' control words live here. */
	uint32_t q0_head;		/* 0x28 R/W: the driver produces */
	uint32_t q0_tail;		/* 0x2c R */
	uint32_t q1_head;		/* 0x30 R: the device produces */
	uint32_t q1_tail;		/* 0x34 R/W */
} __packed;

/* A register's offset in the configuration space. */
#define SIMVIRTIO_OFF(field)	offsetof(struct simvirtio_config, field)

/*
 * The device's MMIO window, at GPA = RAM size: the configuration space
 * (0x38 bytes), then no register up to the window's end.
 */
#define SIMVIRTIO_MMIO_SIZE	0x1000

/* The assignment's queue structures, shared by both sides. */
typedef uint8_t q_elem_t;

typedef struct queue_control {
	uint32_t head;			/* next slot the producer fills */
	uint32_t tail;			/* next slot the consumer takes */
} queue_control_t;

/* A queue in guest RAM: control words (polling) and the ring. */
struct simvirtio_queue_mem {
	queue_control_t ctl;		/* used by the polling transport */
	q_elem_t ring[SIMVIRTIO_QUEUE_LEN];
};

#define SIMVIRTIO_MAX_DEVICES	10

typedef struct device_table {
	uint16_t count;
	uint64_t device_addresses[SIMVIRTIO_MAX_DEVICES];
} device_table_t;

_Static_assert(offsetof(struct simvirtio_config, magic) == 0x00, "magic");
_Static_assert(offsetof(struct simvirtio_config, max_queue_len) == 0x04,
	       "max queue len");
_Static_assert(offsetof(struct simvirtio_config, device_status) == 0x06,
	       "device status");
_Static_assert(offsetof(struct simvirtio_config, driver_status) == 0x07,
	       "driver status");
_Static_assert(offsetof(struct simvirtio_config, queue_sel) == 0x08,
	       "queue selector");
_Static_assert(offsetof(struct simvirtio_config, q0_tx_ctl) == 0x09,
	       "Q0 TX CTL");
_Static_assert(offsetof(struct simvirtio_config, q1_rx_ctl) == 0x0a,
	       "Q1 RX CTL");
_Static_assert(offsetof(struct simvirtio_config, transport) == 0x0b,
	       "transport");
_Static_assert(offsetof(struct simvirtio_config, error) == 0x0c, "error");
_Static_assert(offsetof(struct simvirtio_config, queue_addr) == 0x10,
	       "queue address");
_Static_assert(offsetof(struct simvirtio_config, devtable_addr) == 0x18,
	       "device table address");
_Static_assert(offsetof(struct simvirtio_config, payload_len) == 0x20,
	       "payload length");
_Static_assert(offsetof(struct simvirtio_config, q0_head) == 0x28,
	       "Q0 head");
_Static_assert(offsetof(struct simvirtio_config, q1_tail) == 0x34,
	       "Q1 tail");
_Static_assert(sizeof(struct simvirtio_config) == 0x38, "config size");
_Static_assert(sizeof(queue_control_t) == 8, "queue control");
_Static_assert(offsetof(struct simvirtio_queue_mem, ring) == 8, "ring");
_Static_assert(sizeof(struct simvirtio_queue_mem) ==
	       8 + SIMVIRTIO_QUEUE_LEN, "queue memory");
_Static_assert(offsetof(device_table_t, device_addresses) == 8,
	       "device table entries");
_Static_assert(sizeof(device_table_t) == 88, "device table");
_Static_assert(SIMVIRTIO_QUEUE_LEN <= UINT16_MAX, "max queue len width");

/* Byte @i of the payload that follows the first message. */
static inline q_elem_t simvirtio_payload_byte(uint32_t i)
{
	/* An affine sequence of period 256 that covers every byte value. */
	return (q_elem_t)(i * 167 + 13);
}

#endif /* __ASSEMBLY__ */
#endif /* SIMVIRTIO_H */
