// SPDX-License-Identifier: GPL-2.0
/* stdio: read stdin line by line, sort it, format numbers. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES	256

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char *lines[MAX_LINES] = { NULL }, *line = NULL;
	size_t cap = 0, n = 0, i, bytes = 0;
	ssize_t len;

	while (n < MAX_LINES && (len = getline(&line, &cap, stdin)) > 0) {
		bytes += len;
		lines[n++] = strdup(line);
	}
	free(line);
	qsort(lines, n, sizeof(lines[0]), cmp);
	for (i = 0; i < n; i++) {
		fputs(lines[i], stdout);
		free(lines[i]);
	}
	printf("%zu lines, %zu bytes, %.3f bytes/line, %e\n", n, bytes,
	       n ? (double)bytes / n : 0.0, 12345.678);
	fprintf(stderr, "to stderr\n");
	return n ? 0 : 1;
}
