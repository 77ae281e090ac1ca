/* SPDX-License-Identifier: GPL-2.0 */
/* The built-in scenarios: which embedded guest, in which mode. */
#ifndef VMM_SCENARIO_H
#define VMM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "x86/mode.h"
#include "x86/regs.h"

struct scenario {
	const char *name;
	enum cpu_mode mode;
	const uint8_t *image;
	const uint8_t *image_end;
	uint64_t load_addr;		/* also the entry point */
	const struct reg_assign *regs;	/* set before the run */
	unsigned int nregs;
	bool check_result;		/* 42 in RAX and at 0x400 */
	bool report_hlt;		/* print the exit, as Lab 1 does */
	bool simvirtio;			/* attach the SIMVIRTIO device */
	bool lab2;			/* the stub and the embedded program */
	bool scratch;			/* attach the logging MMIO page */
	const uint8_t *program;		/* lab2: its ELF */
	const uint8_t *program_end;
};

const struct scenario *scenario_find(const char *name);
/* "real, protected, ...": the names, for messages. */
const char *scenario_names(void);

#endif /* VMM_SCENARIO_H */
