/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_EXIT_FAIL_ENTRY's hardware_entry_failure_reason, decoded for both
 * vendors. The value is the hardware's own: on Intel VMX the exit
 * reason of the failed VM entry (bit 31 set) or a VM-instruction error
 * number; on AMD SVM the VMCB's 64-bit exit code, VMEXIT_INVALID (-1)
 * when the VMCB's guest state is illegal. The two ranges do not
 * overlap (VMX's fit in 32 bits, SVM's failures are negative), so the
 * value alone says which vendor sent it: no CPUID needed, and a test
 * can feed either one on any host.
 */
#ifndef VMM_ENTRY_FAILURE_H
#define VMM_ENTRY_FAILURE_H

#include <stddef.h>
#include <stdint.h>

/* "VMX exit reason 0x80000021: invalid guest state: ..." into @buf. */
void entry_failure_describe(uint64_t reason, char *buf, size_t len);

#endif /* VMM_ENTRY_FAILURE_H */
