/* SPDX-License-Identifier: GPL-2.0 */
/* The checks after a built-in guest halts, as the SO2 assignment has. */
#ifndef VMM_RESULT_H
#define VMM_RESULT_H

#include <stdio.h>

#include <linux/kvm.h>

#include "core/guest_mem.h"
#include "x86/mode.h"
#include "devices/simvirtio.h"

int result_check(FILE *out, const struct guest_mem *mem,
		 const struct kvm_regs *regs, enum cpu_mode mode);
/* What the SIMVIRTIO device received, against docs/simvirtio.md 8. */
int result_check_simvirtio(FILE *out, const struct simvirtio_dev *dev);

#endif /* VMM_RESULT_H */
