/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake exits for the exit handler: a kvm_run page filled as KVM would
 * fill it, and buses whose one device records every call it gets, so
 * that a test can check each byte a device received, in order.
 */
#ifndef CHECKER_FAKE_EXIT_H
#define CHECKER_FAKE_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "core/bus.h"
#include "core/exit.h"

#define FAKE_RUN_SIZE		4096
#define FAKE_MAX_CALLS		64
#define FAKE_PORT		0xe9
#define FAKE_MMIO_BASE		0x100000ULL
#define FAKE_MMIO_SIZE		0x1000ULL
/* What the recording device answers to a read: byte i of call c. */
#define FAKE_READ_BYTE(c, i)	((uint8_t)(0xa0 + 0x10 * (c) + (i)))

struct fake_call {
	uint64_t offset;
	uint32_t len;
	bool is_write;
	uint8_t data[BUS_MAX_ACCESS];
};

struct fake_dev {
	struct fake_call calls[FAKE_MAX_CALLS];
	unsigned int ncalls;
	int result;		/* what each call returns: BUS_OK, ... */
};

struct fake_exit {
	union {
		struct kvm_run run;
		/* cppcheck-suppress unusedStructMember ; pads to a page */
		uint8_t page[FAKE_RUN_SIZE];
	};
	struct bus pio, mmio;
	struct fake_dev dev;
	struct exit_ctx ctx;
};

/* A page for an exit of @reason; the device on port 0xe9-0xec and MMIO. */
void fake_exit_init(struct fake_exit *f, uint32_t reason);
/* A port I/O exit: @count elements of @size bytes at @offset. */
void fake_io_exit(struct fake_exit *f, bool out, uint8_t size,
		  uint32_t count, uint64_t offset);
void fake_mmio_exit(struct fake_exit *f, bool write, uint64_t addr,
		    uint32_t len);

#endif /* CHECKER_FAKE_EXIT_H */
