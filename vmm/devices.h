/* SPDX-License-Identifier: GPL-2.0 */
/* The console devices, each registered on the port bus. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"

/* Port 0xe9: each byte written goes to @out; a read returns 0xe9. */
struct debugcon {
	FILE *out;
};

int debugcon_register(struct debugcon *con, struct bus *pio, FILE *out);

/*
 * COM1, the subset of a 16550 UART that a polling guest uses: THR and
 * RBR at +0, LSR at +5. Input comes from @in_fd one byte at a time and
 * only when the guest asks, so the VMM never blocks on it.
 */
struct serial {
	FILE *out;
	int in_fd;
	bool in_eof;
	bool rx_full;		/* a byte waits in rx */
	uint8_t rx;
	uint8_t regs[8];	/* scratch for registers we do not model */
};

int serial_register(struct serial *uart, struct bus *pio, FILE *out,
		    int in_fd);

#endif /* VMM_DEVICES_H */
