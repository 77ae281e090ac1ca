// SPDX-License-Identifier: GPL-2.0
/* The one diagnostic that needs code: the skeletons' stubs. */
#include <stdlib.h>

#include "core/log.h"

int __todo_stub(const char *step, const char *file)
{
	pr_err("not implemented yet: %s (%s)", step, file);
	exit(VMM_SETUP_ERROR);
}
