// SPDX-License-Identifier: GPL-2.0
/*
 * Exit profiling. The counts depend only on what the guest does, so
 * for the built-in guests they are exact and the tests assert them;
 * the times are for people to read.
 */
#include <stdbool.h>

#include "core/exit.h"
#include "core/stats.h"

#define NS_PER_MS	1000000.0
#define PERCENT		100.0

/*
 * BEGIN SOLUTION 5: one entry per (address, direction), counted; once
 * all STATS_MAX_ADDRS are taken, a new pair counts in "other", so that
 * the entries and "other" always add up to the exits counted.
 */
static void table_count(struct stats_table *t, uint64_t addr, bool is_write)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (t->entries[i].addr == addr &&
		    t->entries[i].is_write == is_write) {
			t->entries[i].count++;
			return;
		}
	}
	if (t->n == STATS_MAX_ADDRS) {
		t->other++;
		return;
	}
	t->entries[t->n].addr = addr;
	t->entries[t->n].is_write = is_write;
	t->entries[t->n].count = 1;
	t->n++;
}

/* END SOLUTION */
void stats_record_exit(struct exit_stats *st, const struct kvm_run *run)
{
	/*
	 * BEGIN SOLUTION 5: each exit counts once in the total and once by
	 * reason (beyond the table, in other_reasons); port I/O also by
	 * port and direction, MMIO by address and direction. Pitfall: a
	 * rep ins/outs is one exit, whatever its count.
	 */
	const uint32_t reason = run->exit_reason;

	st->exits++;
	if (reason < STATS_NR_REASONS)
		st->by_reason[reason]++;
	else
		st->other_reasons++;
	if (reason == KVM_EXIT_IO)
		table_count(&st->ports, run->io.port,
			    run->io.direction == KVM_EXIT_IO_OUT);
	else if (reason == KVM_EXIT_MMIO)
		table_count(&st->mmio, run->mmio.phys_addr,
			    run->mmio.is_write);
	/* END SOLUTION */
}

/* Ports go in and out; memory is read and written. */
static const char *dir_name(const struct stats_addr *e, bool ports)
{
	if (ports)
		return e->is_write ? "out" : "in";
	return e->is_write ? "write" : "read";
}

static void print_table_rows(FILE *out, const char *title,
			     const struct stats_table *t, bool ports)
{
	unsigned int i;

	if (!t->n)
		return;
	fprintf(out, "  %s\n", title);
	for (i = 0; i < t->n; i++)
		fprintf(out, "    0x%-10llx %-6s %12llu\n",
			(unsigned long long)t->entries[i].addr,
			dir_name(&t->entries[i], ports),
			(unsigned long long)t->entries[i].count);
	if (t->other)
		fprintf(out, "    %-17s %12llu\n", "other",
			(unsigned long long)t->other);
}

void stats_print_table(FILE *out, const struct exit_stats *st)
{
	uint64_t ns_vmm = st->ns_total - st->ns_in_kvm;
	double share = st->ns_total ? PERCENT * st->ns_in_kvm / st->ns_total
				    : 0.0;
	unsigned int r;

	fprintf(out, "vmm: exit statistics\n");
	fprintf(out, "  %-24s %12llu\n", "KVM_RUN calls",
		(unsigned long long)st->runs);
	fprintf(out, "  %-24s %12llu\n", "exits",
		(unsigned long long)st->exits);
	for (r = 0; r < STATS_NR_REASONS; r++)
		if (st->by_reason[r])
			fprintf(out, "    %-22s %12llu\n", exit_reason_name(r),
				(unsigned long long)st->by_reason[r]);
	if (st->other_reasons)
		fprintf(out, "    %-22s %12llu\n", "other",
			(unsigned long long)st->other_reasons);
	print_table_rows(out, "port I/O exits", &st->ports, true);
	print_table_rows(out, "MMIO exits", &st->mmio, false);
	if (st->unclaimed_io || st->unclaimed_mmio)
		fprintf(out, "  %-24s %12llu port, %llu MMIO\n",
			"unclaimed accesses",
			(unsigned long long)st->unclaimed_io,
			(unsigned long long)st->unclaimed_mmio);
	fprintf(out, "  %-24s %12.3f ms (%.1f%%)\n", "time in KVM_RUN",
		st->ns_in_kvm / NS_PER_MS, share);
	fprintf(out, "  %-24s %12.3f ms\n", "time in the VMM",
		ns_vmm / NS_PER_MS);
}

static void print_json_table(FILE *out, const char *key, const char *field,
			     const struct stats_table *t, bool ports)
{
	unsigned int i;

	fprintf(out, "\"%s\":[", key);
	for (i = 0; i < t->n; i++)
		fprintf(out, "%s{\"%s\":%llu,\"dir\":\"%s\",\"count\":%llu}",
			i ? "," : "", field,
			(unsigned long long)t->entries[i].addr,
			dir_name(&t->entries[i], ports),
			(unsigned long long)t->entries[i].count);
	fprintf(out, "],\"%s_other\":%llu", key, (unsigned long long)t->other);
}

/* One object on one line; the keys are documented in the README. */
void stats_print_json(FILE *out, const struct exit_stats *st)
{
	bool first = true;
	unsigned int r;

	fprintf(out, "{\"kvm_runs\":%llu,\"interrupted\":%llu,\"exits\":%llu,",
		(unsigned long long)st->runs,
		(unsigned long long)st->interrupted,
		(unsigned long long)st->exits);
	fprintf(out, "\"exits_by_reason\":{");
	for (r = 0; r < STATS_NR_REASONS; r++) {
		if (!st->by_reason[r])
			continue;
		fprintf(out, "%s\"%s\":%llu", first ? "" : ",",
			exit_reason_name(r),
			(unsigned long long)st->by_reason[r]);
		first = false;
	}
	fprintf(out, "},\"other_reasons\":%llu,",
		(unsigned long long)st->other_reasons);
	print_json_table(out, "io", "port", &st->ports, true);
	fprintf(out, ",");
	print_json_table(out, "mmio", "addr", &st->mmio, false);
	fprintf(out, ",\"unclaimed_io\":%llu,\"unclaimed_mmio\":%llu",
		(unsigned long long)st->unclaimed_io,
		(unsigned long long)st->unclaimed_mmio);
	fprintf(out, ",\"ns_in_kvm\":%llu,\"ns_in_vmm\":%llu,\"ns_total\":%llu}\n",
		(unsigned long long)st->ns_in_kvm,
		(unsigned long long)(st->ns_total - st->ns_in_kvm),
		(unsigned long long)st->ns_total);
}
