// SPDX-License-Identifier: GPL-2.0
/* Fake exits (fake_exit.h): what KVM would hand the exit handler. */
#include <string.h>

#include "fake_exit.h"

#define FAKE_PORTS	4

static int record(void *opaque, uint64_t offset, uint8_t *data,
		  uint32_t len, bool is_write)
{
	struct fake_dev *d = opaque;
	struct fake_call *c;

	if (d->ncalls == FAKE_MAX_CALLS || len > BUS_MAX_ACCESS)
		return -1;
	c = &d->calls[d->ncalls];
	c->offset = offset;
	c->len = len;
	c->is_write = is_write;
	if (is_write)
		memcpy(c->data, data, len);
	else
		for (uint32_t i = 0; i < len; i++)
			data[i] = c->data[i] = FAKE_READ_BYTE(d->ncalls, i);
	d->ncalls++;
	return d->result;
}

void fake_exit_init(struct fake_exit *f, uint32_t reason)
{
	memset(f, 0, sizeof(*f));
	bus_init(&f->pio, "port");
	bus_init(&f->mmio, "MMIO");
	f->pio.report = NULL;
	f->mmio.report = NULL;
	bus_register(&f->pio, "dev", FAKE_PORT, FAKE_PORTS, record, &f->dev);
	bus_register(&f->mmio, "dev", FAKE_MMIO_BASE, FAKE_MMIO_SIZE, record,
		     &f->dev);
	f->ctx.pio = &f->pio;
	f->ctx.mmio = &f->mmio;
	f->ctx.run_size = FAKE_RUN_SIZE;
	f->run.exit_reason = reason;
}

void fake_io_exit(struct fake_exit *f, bool out, uint8_t size,
		  uint32_t count, uint64_t offset)
{
	fake_exit_init(f, KVM_EXIT_IO);
	f->run.io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	f->run.io.port = FAKE_PORT;
	f->run.io.size = size;
	f->run.io.count = count;
	f->run.io.data_offset = offset;
}

void fake_mmio_exit(struct fake_exit *f, bool write, uint64_t addr,
		    uint32_t len)
{
	fake_exit_init(f, KVM_EXIT_MMIO);
	f->run.mmio.phys_addr = addr;
	f->run.mmio.len = len;
	f->run.mmio.is_write = write;
}
