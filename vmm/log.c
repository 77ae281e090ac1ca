// SPDX-License-Identifier: GPL-2.0
/* The one diagnostic that needs code: the skeletons' stubs. */
#include <errno.h>

#include "log.h"

int todo_stub(const char *step)
{
	pr_err("not implemented yet: %s", step);
	errno = EOPNOTSUPP;
	return -1;
}
