/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the judge prints and saves of every test's outcome, whichever
 * process ran it: Check's own summary and failure lines, TAP, and
 * JUnit XML (what GitLab, Jenkins and CodeGrade read).
 */
#ifndef CHECKER_REPORT_H
#define CHECKER_REPORT_H

#include <stdio.h>

#include "outcome.h"

/* "100%: Checks: N, Failures: F, Errors: E", then each failure. */
void report_print(FILE *out, const struct outcomes *list);

/* How many did not pass. */
unsigned int report_failed(const struct outcomes *list);

int report_write_tap(const char *path, const struct outcomes *list);
int report_write_junit(const char *path, const struct outcomes *list);

#endif /* CHECKER_REPORT_H */
