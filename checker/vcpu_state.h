/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vCPU state a VMM really set, read back from strace's decoding of
 * its KVM_SET_SREGS and KVM_SET_REGS calls, and what a mode requires of
 * it: checked for behaviour (CS:IP reaches the entry, the bits a mode
 * needs are set), never compared with one reference's values.
 */
#ifndef CHECKER_VCPU_STATE_H
#define CHECKER_VCPU_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/* The @nth (from 0) line of @trace that calls @name, or NULL. */
const char *trace_call(const char *trace, const char *name, unsigned int nth);
/* That line's "name=VALUE" as a number; false if it has none. */
bool trace_field(const char *line, const char *name, uint64_t *value);
/* The call's return value (after " = "); false if it has none. */
bool trace_result(const char *line, long long *value);

/* The first KVM_SET_SREGS / KVM_SET_REGS of @trace; false if none. */
bool trace_sregs(const char *trace, struct kvm_sregs *s);
bool trace_regs(const char *trace, struct kvm_regs *r);

/*
 * Why KVM would refuse @s (KVM_SET_SREGS: EINVAL) or could not enter
 * with it, naming the register or segment at fault; NULL if nothing is
 * found.
 */
const char *sregs_refused(const struct kvm_sregs *s, char *buf, size_t len);

/*
 * What the mode requires of the state, each problem as the id of the
 * requirement it breaks (requirements.c), with the detail in @buf;
 * NULL if the state meets them all.
 */
const char *real_mode_problem(const struct kvm_sregs *s,
			      const struct kvm_regs *r, uint64_t entry,
			      char *buf, size_t len);
const char *long_mode_problem(const struct kvm_sregs *s,
			      const struct kvm_regs *r, uint64_t entry,
			      uint64_t mem_size, char *buf, size_t len);

#endif /* CHECKER_VCPU_STATE_H */
