// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: vmm/vmm's command line (args_parse()) and its
 * number parsers (args_parse_u64(), args_parse_size()).
 *
 * Input format: the arguments after "vmm", separated by NUL bytes, at
 * most MAX_ARGS of them; each is a heap copy of its own size, which
 * the parser may modify, as it may argv's strings.
 *
 * Each word also goes through args_parse_u64() and args_parse_size(),
 * which must agree. When args_parse() accepts a command line, the
 * options must be what the rest of the VMM assumes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "args.h"
#include "guests.h"
#include "scenario.h"
#include "core/vm.h"

/* Room for one more --reg=R=V than ARGS_MAX_REGS allows. */
#define MAX_ARGS	40
#define SIZE_SHIFT_K	10
#define SIZE_MAX_LEN	32	/* args_parse_size() takes shorter strings */

/* The embedded guests, which the parser only names (scenario.c). */
const uint8_t guest16[1], guest16_end[1];
const uint8_t guest32[1], guest32_end[1];
const uint8_t guest64[1], guest64_end[1];
const uint8_t lab1[1], lab1_end[1];
const uint8_t serial_in[1], serial_in_end[1];
const uint8_t mmio[1], mmio_end[1];
const uint8_t lab2_stub[1], lab2_stub_end[1];
const uint8_t lab2_app[1], lab2_app_end[1];

static FILE *devnull;

static void __noreturn bad(const char *what, const char *s)
{
	fprintf(stderr, "args: %s: '%s'\n", what, s);
	abort();
}

/* A size without a suffix is a plain number; "NK" is N << 10. */
static void check_numbers(const char *s)
{
	size_t len = strlen(s);
	uint64_t n = 0, size = 0;
	int ret_n = args_parse_u64(s, &n), ret_size = args_parse_size(s, &size);
	char *k;

	if (len && len < SIZE_MAX_LEN && !strchr("kKmMgG", s[len - 1]) &&
	    (ret_n != ret_size || n != size))
		bad("args_parse_u64 and args_parse_size disagree", s);
	if (ret_n || len + 1 >= SIZE_MAX_LEN)
		return;
	k = malloc(len + 2);
	if (!k)
		abort();
	memcpy(k, s, len);
	memcpy(k + len, "k", 2);
	if (args_parse_size(k, &size) ? n <= (UINT64_MAX >> SIZE_SHIFT_K) :
	    size != n << SIZE_SHIFT_K)
		bad("args_parse_size with a K", k);
	free(k);
}

static void check_options(const struct vmm_options *o, const char *line)
{
	if (o->action != ACTION_RUN)
		return;
	if (o->mem_size < VM_MEM_MIN || o->mem_size > VM_MEM_MAX ||
	    !IS_ALIGNED(o->mem_size, VM_MEM_ALIGN))
		bad("RAM size", line);
	if (o->nregs > ARGS_MAX_REGS)
		bad("register count", line);
	if (o->timeout && !(o->timeout >= ARGS_TIMEOUT_MIN &&
			    o->timeout <= ARGS_TIMEOUT_MAX))
		bad("timeout", line);
	if ((o->has_transport || o->has_payload) && !o->simvirtio)
		bad("SIMVIRTIO options without the device", line);
	if (o->elf_path) {
		if (o->load_path || o->has_mode || o->nargs < 0)
			bad("--elf", line);
		return;
	}
	if (!o->scenario == !o->load_path)
		bad("neither or both of a scenario and --load", line);
	if (o->scenario && (!scenario_find(o->scenario) || o->has_mode))
		bad("scenario", line);
	if (o->load_path && (!o->has_mode || !*o->load_path))
		bad("--load", line);
}

/* libFuzzer calls it once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *words[MAX_ARGS + 1];
	struct vmm_options opts;
	char line[64];
	int argc = 1, i;
	size_t pos = 0;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	argv[0] = strdup("vmm");
	if (!argv[0])
		abort();
	while (pos < size && argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + pos, '\0', size - pos);
		size_t len = nul ? (size_t)(nul - data - pos) : size - pos;

		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], data + pos, len);
		argv[argc][len] = '\0';
		check_numbers(argv[argc]);
		argc++;
		pos += len + 1;
	}
	argv[argc] = NULL;
	/* getopt permutes argv: keep the pointers to free them. */
	memcpy(words, argv, argc * sizeof(argv[0]));
	snprintf(line, sizeof(line), "%d words, the first '%s'", argc - 1,
		 argc > 1 ? argv[1] : "");

	if (!args_parse(&opts, argc, argv, devnull)) {
		check_options(&opts, line);
		/* As main() answers --help. */
		if (opts.action == ACTION_HELP)
			args_usage(devnull);
	}

	for (i = 0; i < argc; i++)
		free(words[i]);
	return 0;
}
