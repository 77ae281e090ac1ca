/* SPDX-License-Identifier: GPL-2.0 */
/*
 * checker/unit, the unit driver: the tests that call the VMM's own
 * code, linked with vmm/libvmm.a. The judge (checker/checker) links no
 * code of the VMM's: it runs this program as a child, in the sandbox
 * when grading a class, and scores the outcomes it reports.
 *
 *   unit --results-fd N           run the unit tests of ITEM=
 *   unit --results-fd N --list    list them, without running any
 *   unit --results-fd N --probe P answer the probe P (below)
 *
 * It writes only to fd N (outcome lines, outcome.h), so that what the
 * VMM's code prints cannot garble them.
 */
#ifndef CHECKER_UNIT_H
#define CHECKER_UNIT_H

#include <stddef.h>

/* The reply that ends a run: "end <number of outcomes>". */
#define UNIT_END	"end"
/* A probe's reply: "probe ok", or "probe failed <why>". */
#define UNIT_PROBE	"probe"

/*
 * Probes: questions the judge's hints and attributions ask of the
 * VMM's code. Each returns 0 if the code does its part, or 1 with what
 * it did not do in @why.
 */
int poll_bench_probe(char *why, size_t len);	/* "poll-bench" */
int port_write_probe(char *why, size_t len);	/* "port-write" */

/* The unit test files, each adding its tests to the rubric's cases. */
void unit_tests(void);
void simvirtio_unit_tests(void);
void host_tests(void);
void exit_tests(void);
void mode_tests(void);
void debug_unit_tests(void);
void elf_tests(void);
void poll_bench_tests(void);

#endif /* CHECKER_UNIT_H */
