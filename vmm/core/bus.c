// SPDX-License-Identifier: GPL-2.0
/*
 * The address-range bus behind both the port and the MMIO exits. Few
 * devices register, so a linear search is the clearest choice.
 */
#include <errno.h>
#include <string.h>

#include "core/bus.h"

void bus_init(struct bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
	bus->report = stderr;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
			   uint64_t blen)
{
	/* Written with subtractions so that no end address can wrap. */
	return a < b ? b - a < alen : a - b < blen;
}

int bus_register(struct bus *bus, const char *name, uint64_t base,
		 uint64_t len, bus_handler_t handler, void *opaque)
{
	struct bus_device *dev;
	unsigned int i;

	if (len == 0 || base + len - 1 < base || !handler)
		return -1;
	if (bus->ndevices == BUS_MAX_DEVICES)
		return -1;
	for (i = 0; i < bus->ndevices; i++) {
		dev = &bus->devices[i];
		if (ranges_overlap(base, len, dev->base, dev->len))
			return -1;
	}
	dev = &bus->devices[bus->ndevices++];
	dev->name = name;
	dev->base = base;
	dev->len = len;
	dev->handler = handler;
	dev->opaque = opaque;
	return 0;
}

const struct bus_device *bus_find(const struct bus *bus, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < bus->ndevices; i++) {
		const struct bus_device *dev = &bus->devices[i];

		if (addr - dev->base < dev->len)
			return dev;
	}
	return NULL;
}

static bool bus_overlaps(const struct bus *bus, uint64_t addr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < bus->ndevices; i++)
		if (ranges_overlap(addr, len, bus->devices[i].base,
				   bus->devices[i].len))
			return true;
	return false;
}

/* Say once per address that nothing is there; the guest goes on. */
static void bus_report_unclaimed(struct bus *bus, uint64_t addr,
				 uint32_t len, bool is_write)
{
	unsigned int i;

	bus->unclaimed++;
	for (i = 0; i < bus->nreported; i++)
		if (bus->reported[i] == addr)
			return;
	if (bus->nreported == BUS_MAX_REPORTED)
		return;
	bus->reported[bus->nreported++] = addr;
	if (!bus->report)
		return;
	fprintf(bus->report,
		"vmm: warning: unclaimed %s %s at 0x%llx (%u bytes): %s\n",
		bus->name, is_write ? "write" : "read",
		(unsigned long long)addr, len,
		is_write ? "dropped" : "reads as all ones");
	if (bus->nreported == BUS_MAX_REPORTED)
		fprintf(bus->report,
			"vmm: warning: further unclaimed %s addresses are not reported\n",
			bus->name);
}

/* The first byte whose device ends the run, or fails, ends the access. */
static int bus_access_bytes(struct bus *bus, uint64_t addr, uint8_t *data,
			    uint32_t len, bool is_write)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		int ret = bus_access(bus, addr + i, data + i, 1, is_write);

		if (ret != BUS_OK)
			return ret;
	}
	return BUS_OK;
}

int bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
	       bool is_write)
{
	const struct bus_device *dev;

	if (len == 0 || len > BUS_MAX_ACCESS)
		return -EINVAL;
	dev = bus_find(bus, addr);
	if (dev && len <= dev->len - (addr - dev->base))
		return dev->handler(dev->opaque, addr - dev->base, data, len,
				    is_write);
	/*
	 * Across a device's edge: route each byte on its own, as the byte
	 * lanes of a PC bus would. A device never sees an access that
	 * runs past its range.
	 */
	if (len > 1 && bus_overlaps(bus, addr, len))
		return bus_access_bytes(bus, addr, data, len, is_write);
	bus_report_unclaimed(bus, addr, len, is_write);
	if (!is_write)
		memset(data, 0xff, len);
	return BUS_OK;
}
