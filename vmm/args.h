/* SPDX-License-Identifier: GPL-2.0 */
/* The command line of vmm/vmm. */
#ifndef VMM_ARGS_H
#define VMM_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "debug/debug.h"
#include "x86/mode.h"
#include "x86/regs.h"

#define ARGS_MAX_REGS		32
#define ARGS_TIMEOUT_MIN	0.001		/* seconds */
#define ARGS_TIMEOUT_MAX	86400.0		/* a day */

enum stats_mode {
	STATS_OFF,
	STATS_TABLE,		/* --stats */
	STATS_JSON,		/* --stats=json */
};

enum vmm_action {
	ACTION_RUN,
	ACTION_HELP,
	ACTION_VERSION,
};

struct vmm_options {
	enum vmm_action action;
	const char *scenario;		/* a built-in guest, or NULL */
	const char *load_path;		/* --load FILE, or NULL */
	uint64_t load_addr;
	bool has_load_addr;
	enum cpu_mode mode;
	bool has_mode;
	uint64_t entry;
	bool has_entry;
	struct reg_assign regs[ARGS_MAX_REGS];
	unsigned int nregs;
	uint64_t mem_size;
	double timeout;			/* seconds; 0: none */
	bool dump_regs;
	enum stats_mode stats;
	bool simvirtio;			/* --simvirtio: attach the device */
	bool polling;			/* the SIMVIRTIO transport */
	bool has_transport;		/* --poll or --no-poll given */
	uint32_t payload_len;		/* --payload */
	bool has_payload;
	bool has_mem;
	const char *elf_path;		/* --elf FILE */
	const char *root;		/* --root DIR: the sandbox */
	bool strace;			/* --strace */
	const char *mem_file;		/* --mem-file FILE */
	bool dirty_log;			/* --dirty-log */
	struct debug_config debug;	/* --trace, --gdb, --no-crash-report */
	int nargs;			/* the program's arguments, after */
	char **args;			/* the options */
};

/* 0 on success; otherwise one line on @err and VMM_SETUP_ERROR. */
int args_parse(struct vmm_options *opts, int argc, char **argv, FILE *err);
void args_usage(FILE *out);

/* Numbers in C notation (0x1f, 017, 31), and sizes with K, M or G. */
int args_parse_u64(const char *s, uint64_t *value);
int args_parse_size(const char *s, uint64_t *value);

#endif /* VMM_ARGS_H */
