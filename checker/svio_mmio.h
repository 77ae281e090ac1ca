/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A driver's register accesses to the SIMVIRTIO device model, without
 * KVM: each one as an MMIO exit would hand it to the device. RD() and
 * WR() take a bench with a "dev" member and a field of the config
 * space, so the offset and width come from the layout, not the test.
 */
#ifndef CHECKER_SVIO_MMIO_H
#define CHECKER_SVIO_MMIO_H

#include <stdint.h>

#include "devices/simvirtio.h"

static inline uint64_t svio_rd(struct simvirtio_dev *dev, uint64_t off,
			       uint32_t len)
{
	uint64_t v = 0;

	simvirtio_mmio(dev, off, (uint8_t *)&v, len, false);
	return v;
}

static inline void svio_wr(struct simvirtio_dev *dev, uint64_t off,
			   uint32_t len, uint64_t v)
{
	simvirtio_mmio(dev, off, (uint8_t *)&v, len, true);
}

#define SVIO_WIDTH(f)	sizeof(((struct simvirtio_config *)0)->f)
#define RD(b, f)	svio_rd(&(b)->dev, SIMVIRTIO_OFF(f), SVIO_WIDTH(f))
#define WR(b, f, v)	svio_wr(&(b)->dev, SIMVIRTIO_OFF(f), SVIO_WIDTH(f), v)

#endif /* CHECKER_SVIO_MMIO_H */
