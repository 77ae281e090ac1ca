/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The matrix's C programs stop at the first check that fails, saying
 * which on stdout: a mismatch then names the line.
 */
#ifndef LAB2_MATRIX_CHECK_H
#define LAB2_MATRIX_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("FAIL line %d: %s (errno %d)\n",		\
			       __LINE__, #cond, errno);			\
			exit(1);					\
		}							\
	} while (0)

#endif /* LAB2_MATRIX_CHECK_H */
