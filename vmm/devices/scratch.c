// SPDX-License-Identifier: GPL-2.0
/*
 * A page of MMIO registers that keeps what the guest writes and logs
 * every access (the kvm-ioctls "simple_mm" example): the smallest
 * device that shows what an MMIO exit carries.
 */
#include <string.h>

#include "devices/devices.h"

static int scratch_io(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write)
{
	struct scratch *dev = opaque;
	uint64_t value = 0;

	/* The bus hands over only accesses inside the page. */
	if (is_write)
		memcpy(dev->regs + offset, data, len);
	else
		memcpy(data, dev->regs + offset, len);
	memcpy(&value, data, len);
	fprintf(dev->log, "vmm: MMIO %s at 0x%llx, %u bytes: 0x%llx\n",
		is_write ? "write" : "read",
		(unsigned long long)(dev->base + offset), len,
		(unsigned long long)value);
	return 0;
}

int scratch_register(struct scratch *dev, struct bus *mmio, uint64_t base,
		     FILE *log)
{
	memset(dev, 0, sizeof(*dev));
	dev->base = base;
	dev->log = log;
	return bus_register(mmio, "scratch", base, SCRATCH_SIZE, scratch_io,
			    dev);
}
