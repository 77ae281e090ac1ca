// SPDX-License-Identifier: GPL-2.0
/*
 * The debug console (Bochs and QEMU "debugcon"): the cheapest way for a
 * guest to print. Each OUT to the port is one VM exit.
 */
#include <kvmlab/layout.h>

#include "devices/devices.h"

/* What a read of the port returns: tells a guest the console is here. */
#define DEBUGCON_READBACK	0xe9

static int debugcon_io(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct debugcon *con = opaque;

	/* One port: the bus hands over single bytes at offset 0 only. */
	if (is_write)
		fputc(data[0], con->out);
	else
		data[0] = DEBUGCON_READBACK;
	return 0;
}

int debugcon_register(struct debugcon *con, struct bus *pio, FILE *out)
{
	con->out = out;
	return bus_register(pio, "debugcon", DEBUGCON_PORT, 1, debugcon_io,
			    con);
}
