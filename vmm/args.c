// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing: a pure function from argv to options, so that
 * the tests can drive it. Bad input gets one line naming the fix.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "args.h"
#include "core/log.h"
#include "scenario.h"
#include "core/vm.h"

#define SIZE_SHIFT_K	10
#define SIZE_SHIFT_M	20
#define SIZE_SHIFT_G	30

enum {
	OPT_MODE = 0x100,
	OPT_LOAD,
	OPT_ENTRY,
	OPT_REG,
	OPT_DUMP_REGS,
	OPT_TIMEOUT,
	OPT_STATS,
	OPT_SIMVIRTIO,
	OPT_POLL,
	OPT_NO_POLL,
	OPT_PAYLOAD,
	OPT_ELF,
	OPT_ROOT,
	OPT_STRACE,
	OPT_MEM_FILE,
	OPT_DIRTY_LOG,
	OPT_TRACE,
	OPT_GDB,
	OPT_NO_CRASH_REPORT,
};

/* The assignment's macro: "make USE_POOLING=1" builds polling in. */
#ifdef USE_POOLING
#define POLLING_DEFAULT		true
#else
#define POLLING_DEFAULT		false
#endif

static const struct option long_options[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "reg", required_argument, NULL, OPT_REG },
	{ "dump-regs", no_argument, NULL, OPT_DUMP_REGS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "simvirtio", no_argument, NULL, OPT_SIMVIRTIO },
	{ "poll", no_argument, NULL, OPT_POLL },
	{ "no-poll", no_argument, NULL, OPT_NO_POLL },
	{ "payload", required_argument, NULL, OPT_PAYLOAD },
	{ "elf", required_argument, NULL, OPT_ELF },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "strace", no_argument, NULL, OPT_STRACE },
	{ "mem-file", required_argument, NULL, OPT_MEM_FILE },
	{ "dirty-log", no_argument, NULL, OPT_DIRTY_LOG },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "no-crash-report", no_argument, NULL, OPT_NO_CRASH_REPORT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void args_usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [OPTION]... SCENARIO\n"
		"       vmm [OPTION]... --mode MODE --load FILE[@GPA]\n"
		"       vmm [OPTION]... --elf FILE [-- ARGUMENT...]\n"
		"\n"
		"Run a guest on KVM. SCENARIO is a built-in guest:\n"
		"  %s\n"
		"\n"
		"  -m, --mem SIZE         guest RAM, with K, M or G (default 1M; Lab 2: 256M)\n"
		"      --mem-file FILE    back the RAM with FILE, shared: it keeps\n"
		"                         the guest's memory after the run\n"
		"      --dirty-log        log the pages the guest writes; list them\n"
		"      --mode MODE        real, protected, paged or long\n"
		"      --load FILE[@GPA]  load a flat binary (default GPA 0x8000)\n"
		"      --entry GPA        start there (default: the load address)\n"
		"      --reg NAME=VALUE   set a general register before the run\n"
		"      --dump-regs        print the registers after the run (stderr)\n"
		"      --timeout SECONDS  stop the guest after SECONDS\n"
		"      --stats[=json]     print exit statistics at the end (stderr)\n"
		"      --simvirtio        attach the SIMVIRTIO device to a --load run\n"
		"      --poll, --no-poll  SIMVIRTIO transport: polling or exits\n"
		"                         (default: %s)\n"
		"      --payload N        the guest sends N bytes after its message\n"
		"      --elf FILE         run a static x86-64 Linux program in ring 3\n"
		"      --root DIR         its files are those under DIR (default .)\n"
		"      --strace           log its syscalls on stderr\n"
		"      --trace            one line per VM exit on stderr\n"
		"      --gdb PORT         wait for gdb on 127.0.0.1:PORT at the first\n"
		"                         instruction (gdb: target remote :PORT)\n"
		"      --no-crash-report  after a fatal exit, only its one line\n"
		"  -h, --help             this text\n"
		"  -V, --version          the version\n"
		"\n"
		"Numbers are in C notation (42, 0x2a, 052).\n"
		"Exit status: 0 the guest halted (and passed its checks),\n"
		"1 the guest failed, 2 usage or set-up error, 77 this host's\n"
		"KVM cannot run the mode, 124 timeout; a program run with --elf\n"
		"or lab2 exits with its own status.\n"
		"Environment: KVMLAB_KVM_DEVICE, the KVM device (/dev/kvm).\n",
		scenario_names(), POLLING_DEFAULT ? "polling" : "exits");
}

int args_parse_u64(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;

	/* strtoull would take "-1" as a huge number: refuse signs. */
	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*value = v;
	return 0;
}

int args_parse_size(const char *s, uint64_t *value)
{
	char buf[32];
	size_t len = strlen(s);
	unsigned int shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	switch (toupper((unsigned char)buf[len - 1])) {
	case 'K':
		shift = SIZE_SHIFT_K;
		break;
	case 'M':
		shift = SIZE_SHIFT_M;
		break;
	case 'G':
		shift = SIZE_SHIFT_G;
		break;
	}
	if (shift)
		buf[len - 1] = '\0';
	if (args_parse_u64(buf, &v) < 0 || v > (UINT64_MAX >> shift))
		return -1;
	*value = v << shift;
	return 0;
}

static int parse_mem(struct vmm_options *opts, const char *arg, FILE *err)
{
	uint64_t size;

	if (args_parse_size(arg, &size) < 0) {
		fprintf(err, "vmm: bad size '%s'; use a number with K, M or G, as in --mem 2M\n",
			arg);
		return -1;
	}
	if (size < VM_MEM_MIN || size > VM_MEM_MAX ||
	    !IS_ALIGNED(size, VM_MEM_ALIGN)) {
		fprintf(err, "vmm: --mem %s: RAM must be a multiple of 4K from 64K to 3G\n",
			arg);
		return -1;
	}
	opts->mem_size = size;
	return 0;
}

/*
 * FILE[@GPA]: the last '@' splits only if a number follows it. The
 * '@' is overwritten in place, as argv strings are ours to modify.
 */
static int parse_load(struct vmm_options *opts, char *arg, FILE *err)
{
	char *at = strrchr(arg, '@');

	opts->load_path = arg;
	if (at && args_parse_u64(at + 1, &opts->load_addr) == 0) {
		*at = '\0';
		opts->has_load_addr = true;
	}
	if (!*opts->load_path) {
		fprintf(err, "vmm: --load needs a file name\n");
		return -1;
	}
	return 0;
}

static int parse_reg(struct vmm_options *opts, char *arg, FILE *err)
{
	char *eq = strchr(arg, '=');
	struct reg_assign *assign;

	if (!eq) {
		fprintf(err, "vmm: --reg %s: use NAME=VALUE, as in --reg rax=4\n",
			arg);
		return -1;
	}
	if (opts->nregs == ARGS_MAX_REGS) {
		fprintf(err, "vmm: more than %d --reg options\n",
			ARGS_MAX_REGS);
		return -1;
	}
	*eq = '\0';
	assign = &opts->regs[opts->nregs];
	assign->reg = regs_lookup(arg);
	if (assign->reg < 0) {
		fprintf(err, "vmm: unknown register '%s'; use rax..r15, rip or rflags\n",
			arg);
		return -1;
	}
	if (args_parse_u64(eq + 1, &assign->value) < 0) {
		fprintf(err, "vmm: bad value '%s' for %s; use a number such as 42 or 0x2a\n",
			eq + 1, arg);
		return -1;
	}
	opts->nregs++;
	return 0;
}

static int parse_timeout(struct vmm_options *opts, const char *arg,
			 FILE *err)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(arg, &end);
	if (errno || end == arg || *end || !(t >= ARGS_TIMEOUT_MIN) ||
	    t > ARGS_TIMEOUT_MAX) {
		fprintf(err, "vmm: bad timeout '%s'; use seconds from 0.001 to 86400\n",
			arg);
		return -1;
	}
	opts->timeout = t;
	return 0;
}

static int parse_stats(struct vmm_options *opts, const char *arg,
		       FILE *err)
{
	if (!arg || !strcmp(arg, "table")) {
		opts->stats = STATS_TABLE;
	} else if (!strcmp(arg, "json")) {
		opts->stats = STATS_JSON;
	} else {
		fprintf(err, "vmm: unknown --stats format '%s'; use --stats or --stats=json\n",
			arg);
		return -1;
	}
	return 0;
}

static int parse_payload(struct vmm_options *opts, const char *arg,
			 FILE *err)
{
	uint64_t n;

	if (args_parse_u64(arg, &n) < 0 || n > UINT32_MAX) {
		fprintf(err, "vmm: bad payload '%s'; use a byte count below 4G\n",
			arg);
		return -1;
	}
	opts->payload_len = n;
	opts->has_payload = true;
	return 0;
}

/* The options that only make sense with the SIMVIRTIO device. */
static int parse_simvirtio_option(struct vmm_options *opts, int opt,
				  const char *arg, FILE *err)
{
	switch (opt) {
	case OPT_SIMVIRTIO:
		opts->simvirtio = true;
		return 0;
	case OPT_POLL:
	case OPT_NO_POLL:
		opts->polling = opt == OPT_POLL;
		opts->has_transport = true;
		return 0;
	default:
		return parse_payload(opts, arg, err);
	}
}

/* The debugging tools: --trace, --gdb PORT, --no-crash-report. */
static int parse_debug_option(struct vmm_options *opts, int opt,
			      const char *arg, FILE *err)
{
	uint64_t port;

	switch (opt) {
	case OPT_TRACE:
		opts->debug.trace = true;
		return 0;
	case OPT_NO_CRASH_REPORT:
		opts->debug.no_crash_report = true;
		return 0;
	default:
		if (args_parse_u64(arg, &port) < 0 || port == 0 ||
		    port > UINT16_MAX) {
			fprintf(err, "vmm: --gdb: bad port '%s'; use 1 to 65535\n",
				arg);
			return -1;
		}
		opts->debug.gdb_port = port;
		return 0;
	}
}

static int parse_option(struct vmm_options *opts, int opt, char *arg,
			FILE *err)
{
	switch (opt) {
	case 'm':
		opts->has_mem = true;
		return parse_mem(opts, arg, err);
	case OPT_ELF:
		opts->elf_path = arg;
		return 0;
	case OPT_ROOT:
		opts->root = arg;
		return 0;
	case OPT_STRACE:
		opts->strace = true;
		return 0;
	case OPT_MEM_FILE:
		opts->mem_file = arg;
		return 0;
	case OPT_DIRTY_LOG:
		opts->dirty_log = true;
		return 0;
	case OPT_TRACE:
	case OPT_GDB:
	case OPT_NO_CRASH_REPORT:
		return parse_debug_option(opts, opt, arg, err);
	case OPT_MODE:
		if (mode_parse(arg, &opts->mode) < 0) {
			fprintf(err, "vmm: unknown mode '%s'; use real, protected, paged or long\n",
				arg);
			return -1;
		}
		opts->has_mode = true;
		return 0;
	case OPT_LOAD:
		return parse_load(opts, arg, err);
	case OPT_ENTRY:
		if (args_parse_u64(arg, &opts->entry) < 0) {
			fprintf(err, "vmm: bad entry address '%s'\n", arg);
			return -1;
		}
		opts->has_entry = true;
		return 0;
	case OPT_REG:
		return parse_reg(opts, arg, err);
	case OPT_DUMP_REGS:
		opts->dump_regs = true;
		return 0;
	case OPT_TIMEOUT:
		return parse_timeout(opts, arg, err);
	case OPT_STATS:
		return parse_stats(opts, arg, err);
	case OPT_SIMVIRTIO:
	case OPT_POLL:
	case OPT_NO_POLL:
	case OPT_PAYLOAD:
		return parse_simvirtio_option(opts, opt, arg, err);
	case 'h':
		opts->action = ACTION_HELP;
		return 0;
	case 'V':
		opts->action = ACTION_VERSION;
		return 0;
	default:
		return -1;
	}
}

/* --poll, --no-poll and --payload need the device to talk to. */
static int check_simvirtio_choice(struct vmm_options *opts, FILE *err)
{
	const struct scenario *s = opts->scenario ?
				   scenario_find(opts->scenario) : NULL;

	if (s && s->simvirtio)
		opts->simvirtio = true;
	if ((opts->has_transport || opts->has_payload) && !opts->simvirtio) {
		fprintf(err, "vmm: --poll, --no-poll and --payload need the SIMVIRTIO device: run scenario simvirtio, or add --simvirtio\n");
		return -1;
	}
	if (opts->simvirtio && opts->scenario && !s->simvirtio) {
		fprintf(err, "vmm: --simvirtio goes with --load; scenario '%s' has no driver for it\n",
			opts->scenario);
		return -1;
	}
	return 0;
}

/* --elf: everything after the options is the program's arguments. */
static int check_elf_choice(struct vmm_options *opts, int argc,
			    char **argv, FILE *err)
{
	if (opts->load_path || opts->has_mode) {
		fprintf(err, "vmm: --elf runs the program in long mode itself; drop --load and --mode\n");
		return -1;
	}
	opts->nargs = argc - optind;
	opts->args = argv + optind;
	return 0;
}

/* A scenario or --load with --mode: exactly one way to name a guest. */
static int check_guest_choice(struct vmm_options *opts, int argc,
			      char **argv, FILE *err)
{
	if (opts->elf_path)
		return check_elf_choice(opts, argc, argv, err) ? -1 :
		       check_simvirtio_choice(opts, err);
	if (argc - optind > 1) {
		fprintf(err, "vmm: one scenario at a time, not '%s'\n",
			argv[optind + 1]);
		return -1;
	}
	if (optind < argc)
		opts->scenario = argv[optind];
	if (opts->scenario && opts->load_path) {
		fprintf(err, "vmm: give a scenario or --load, not both\n");
		return -1;
	}
	if (!opts->scenario && !opts->load_path) {
		fprintf(err, "vmm: no guest; name a scenario (%s), or use --load or --elf; see vmm --help\n",
			scenario_names());
		return -1;
	}
	if (opts->scenario && !scenario_find(opts->scenario)) {
		fprintf(err, "vmm: unknown scenario '%s'; use one of: %s\n",
			opts->scenario, scenario_names());
		return -1;
	}
	if (opts->load_path && !opts->has_mode) {
		fprintf(err, "vmm: --load needs --mode real|protected|paged|long\n");
		return -1;
	}
	if (opts->scenario && opts->has_mode) {
		fprintf(err, "vmm: --mode goes with --load; scenario '%s' has its own\n",
			opts->scenario);
		return -1;
	}
	return check_simvirtio_choice(opts, err);
}

/*
 * getopt's '?' (unknown) or ':' (no argument). @arg is the word it was
 * reading: a long option is named by it, a short one by optopt, as
 * "-xV" holds more than one.
 */
static void report_bad_option(int opt, const char *arg, FILE *err)
{
	const char *what = opt == ':' ? "missing argument for" :
					"unknown option";
	size_t len = strcspn(arg, "=");

	if (!strncmp(arg, "--", 2))
		fprintf(err, "vmm: %s '%.*s'; see vmm --help\n", what,
			(int)len, arg);
	else
		fprintf(err, "vmm: %s '-%c'; see vmm --help\n", what, optopt);
}

int args_parse(struct vmm_options *opts, int argc, char **argv, FILE *err)
{
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->mem_size = VM_MEM_DEFAULT;
	opts->polling = POLLING_DEFAULT;
	opterr = 0;
	optind = 0;	/* glibc: start afresh, as the tests parse often */
	while ((opt = getopt_long(argc, argv, ":m:hV", long_options,
				  NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			report_bad_option(opt, argv[optind - 1], err);
			return VMM_SETUP_ERROR;
		}
		if (parse_option(opts, opt, optarg, err) < 0)
			return VMM_SETUP_ERROR;
	}
	if (opts->action != ACTION_RUN)
		return 0;
	if (check_guest_choice(opts, argc, argv, err) < 0)
		return VMM_SETUP_ERROR;
	return 0;
}
