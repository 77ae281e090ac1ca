/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An address-range bus. The VMM has two: one for I/O ports and one for
 * MMIO. A device claims a range with a handler; the exit loop hands
 * each access to the bus, which finds the owner. An access that
 * straddles a device's edge is split into bytes. Bytes nobody claims
 * read as all ones and drop writes, as on a real PC bus.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BUS_MAX_DEVICES		16
/* Distinct unclaimed addresses reported on stderr, then silence. */
#define BUS_MAX_REPORTED	32
/* The widest single access: an MMIO exit carries up to 8 bytes. */
#define BUS_MAX_ACCESS		8

/*
 * What a device's handler returns, and bus_access() after it: one of
 * these, or a negative errno when the device failed (it has printed
 * why, and the run ends in error). Both exit paths, port and MMIO, and
 * the split into bytes honour all three.
 */
enum bus_result {
	BUS_OK = 0,	/* the access is done: the guest goes on */
	BUS_STOP = 1,	/* done, and the guest has finished: end the run as
			 * a halt would (Lab 2, when its program exits)
			 */
};

/*
 * A device's handler. @offset is relative to the start of its range;
 * @data holds @len bytes, little-endian: filled by the device on a
 * read, consumed on a write. Returns an enum bus_result or a negative
 * errno.
 */
typedef int (*bus_handler_t)(void *opaque, uint64_t offset, uint8_t *data,
			     uint32_t len, bool is_write);

struct bus_device {
	const char *name;
	uint64_t base;
	uint64_t len;
	bus_handler_t handler;
	void *opaque;
};

struct bus {
	const char *name;	/* "port" or "MMIO", for messages */
	FILE *report;		/* unclaimed accesses, said once; or NULL */
	struct bus_device devices[BUS_MAX_DEVICES];
	unsigned int ndevices;
	uint64_t unclaimed;	/* accesses no device claimed */
	uint64_t reported[BUS_MAX_REPORTED];
	unsigned int nreported;
};

void bus_init(struct bus *bus, const char *name);
int bus_register(struct bus *bus, const char *name, uint64_t base,
		 uint64_t len, bus_handler_t handler, void *opaque);
const struct bus_device *bus_find(const struct bus *bus, uint64_t addr);
int bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
	       bool is_write);

#endif /* VMM_BUS_H */
