/* SPDX-License-Identifier: GPL-2.0 */
/* The checks after a built-in guest halts, as the SO2 assignment has. */
#ifndef VMM_RESULT_H
#define VMM_RESULT_H

#include <stdio.h>

#include <linux/kvm.h>

#include "guest_mem.h"
#include "mode.h"

int check_result(FILE *out, const struct guest_mem *mem,
		 const struct kvm_regs *regs, enum cpu_mode mode);

#endif /* VMM_RESULT_H */
