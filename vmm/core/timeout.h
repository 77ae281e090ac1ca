/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stopping a guest that runs too long. A guest that spins never exits,
 * so the timer must interrupt KVM_RUN itself: a signal to the vCPU
 * thread makes KVM_RUN return EINTR.
 */
#ifndef VMM_TIMEOUT_H
#define VMM_TIMEOUT_H

#include <stdbool.h>

#include <linux/kvm.h>

int timeout_arm(struct kvm_run *run, double seconds);
bool timeout_expired(void);
void timeout_disarm(void);

#endif /* VMM_TIMEOUT_H */
