/* SPDX-License-Identifier: GPL-2.0 */
/* The console devices, each registered on the port bus. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/bus.h"

/* Port 0xe9: each byte written goes to @out; a read returns 0xe9. */
struct debugcon {
	FILE *out;
};

int debugcon_register(struct debugcon *con, struct bus *pio, FILE *out);

/*
 * COM1, the part of a 16550 UART that a polling guest uses: THR, RBR,
 * LSR, the divisor latch, loopback, and the rest as plain registers.
 * Input comes from @in_fd one byte at a time and only when the guest
 * asks, so the VMM never blocks on it. No interrupts, no FIFO.
 */
struct serial {
	FILE *out;
	int in_fd;
	bool in_eof;
	bool rx_full;		/* a byte waits in rx */
	uint8_t rx;
	uint8_t dll, dlm;	/* divisor latch (baud rate): kept, unused */
	uint8_t ier, fcr, lcr, mcr, scr;
};

int serial_register(struct serial *uart, struct bus *pio, FILE *out,
		    int in_fd);

/* A page of MMIO registers that logs each access (scratch.c). */
#define SCRATCH_SIZE	0x1000

struct scratch {
	uint64_t base;
	FILE *log;
	uint8_t regs[SCRATCH_SIZE];
};

int scratch_register(struct scratch *dev, struct bus *mmio, uint64_t base,
		     FILE *log);

#endif /* VMM_DEVICES_H */
