/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit profiling (task 5): every exit counted by reason, by port and
 * direction, by MMIO address and direction; KVM_RUN calls; time spent
 * inside KVM_RUN against time spent in the VMM.
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#define STATS_NR_REASONS	64	/* exit reasons counted one by one */
#define STATS_MAX_ADDRS		32	/* distinct (address, direction) */

struct stats_addr {
	uint64_t addr;
	uint8_t is_write;
	uint64_t count;
};

/* Exits per (address, direction); past STATS_MAX_ADDRS, in "other". */
struct stats_table {
	struct stats_addr entries[STATS_MAX_ADDRS];
	unsigned int n;
	uint64_t other;
};

struct exit_stats {
	uint64_t runs;			/* KVM_RUN calls */
	uint64_t interrupted;		/* of which ended by a signal */
	uint64_t exits;
	uint64_t by_reason[STATS_NR_REASONS];
	uint64_t other_reasons;
	struct stats_table ports;
	struct stats_table mmio;
	uint64_t unclaimed_io;		/* accesses no device claimed */
	uint64_t unclaimed_mmio;
	uint64_t ns_in_kvm;		/* inside KVM_RUN */
	uint64_t ns_total;		/* the whole run */
};

void stats_record_exit(struct exit_stats *st, const struct kvm_run *run);
void stats_print_table(FILE *out, const struct exit_stats *st);
void stats_print_json(FILE *out, const struct exit_stats *st);

#endif /* VMM_STATS_H */
