/* SPDX-License-Identifier: GPL-2.0 */
/* Asking the host's KVM what it can do, with throwaway VMs. */
#ifndef VMM_PROBE_H
#define VMM_PROBE_H

/* 1 if a vCPU runs in 32-bit paged mode here, 0 if not, -1 on error. */
int probe_paged_mode(void);

#endif /* VMM_PROBE_H */
