/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The judge's side of checker/unit (unit.h): run it as a child (under
 * KVMLAB_SANDBOX, if set), with a deadline, and take its outcomes.
 */
#ifndef CHECKER_UNIT_DRIVER_H
#define CHECKER_UNIT_DRIVER_H

#include <stddef.h>

#include "outcome.h"

/*
 * Run the unit tests of ITEM=@only and add one outcome per test the
 * driver lists: what it reported, or an error saying it reported
 * nothing for that test (it crashed, hung, or was forged short).
 */
void unit_driver_run(const char *only, struct outcomes *list);

enum probe_answer {
	PROBE_OK,	/* the VMM's code did its part */
	PROBE_FAILED,	/* it did not; @why says what */
	PROBE_UNKNOWN,	/* no evidence: the driver did not answer */
};

/*
 * How the unit test @tcase/@test fared in unit_driver_run() (any
 * iteration failing fails it), or PROBE_UNKNOWN if it did not run:
 * a KVM test that needs the answer asks this first, since a second
 * run of the same code may go the other way.
 */
enum probe_answer unit_result(const char *tcase, const char *test);

/* Ask the probe @name of the VMM's code (unit.h lists them). */
enum probe_answer unit_probe(const char *name, char *why, size_t len);

#endif /* CHECKER_UNIT_DRIVER_H */
