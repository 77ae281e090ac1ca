/* SPDX-License-Identifier: GPL-2.0 */
/* The guest's SIMVIRTIO driver (docs/simvirtio.md). */
#ifndef GUEST_SIMVIRTIO_DRIVER_H
#define GUEST_SIMVIRTIO_DRIVER_H

#include <stdint.h>

/*
 * Find the device at @window, run the handshake, send the message and
 * the payload, and check each answer. Reports on the debug console;
 * returns 0 if everything was acknowledged.
 */
int simvirtio_run(uint64_t window);

#endif /* GUEST_SIMVIRTIO_DRIVER_H */
