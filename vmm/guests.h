/* SPDX-License-Identifier: GPL-2.0 */
/* The guest images embedded in vmm/vmm by guests.S. */
#ifndef VMM_GUESTS_H
#define VMM_GUESTS_H

#include <stdint.h>

extern const uint8_t guest16[], guest16_end[];
extern const uint8_t guest32[], guest32_end[];
extern const uint8_t guest64[], guest64_end[];
extern const uint8_t lab1[], lab1_end[];
extern const uint8_t serial_in[], serial_in_end[];
extern const uint8_t mmio[], mmio_end[];
extern const uint8_t lab2_stub[], lab2_stub_end[];
extern const uint8_t lab2_app[], lab2_app_end[];
extern const uint8_t lab2_vdso[], lab2_vdso_end[];

#endif /* VMM_GUESTS_H */
