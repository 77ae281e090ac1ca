// SPDX-License-Identifier: GPL-2.0
/*
 * Reports of the outcomes (report.h). The summary and failure lines
 * are Check's (CK_NORMAL), so that tools reading Check's output still
 * read the judge's, which merges two processes' tests.
 */
#include <string.h>

#include "report.h"

#define PERCENT		100

static unsigned int count(const struct outcomes *list, enum outcome_kind k)
{
	unsigned int i, n = 0;

	for (i = 0; i < list->n; i++)
		n += list->v[i].kind == k;
	return n;
}

unsigned int report_failed(const struct outcomes *list)
{
	return list->n - count(list, OUTCOME_PASS);
}

/*
 * A message's later lines indented: no line of what a test quotes (the
 * VMM's output, say) can pass for the score or the summary.
 */
static void print_indented(FILE *out, const char *msg)
{
	char last = '\0';

	for (; *msg; msg++) {
		fputc(*msg, out);
		if (*msg == '\n' && msg[1])
			fputs("    ", out);
		last = *msg;
	}
	if (last != '\n')
		fputc('\n', out);
}

void report_print(FILE *out, const struct outcomes *list)
{
	unsigned int i, passed = count(list, OUTCOME_PASS);

	fprintf(out, "%u%%: Checks: %u, Failures: %u, Errors: %u\n",
		list->n ? passed * PERCENT / list->n : 0, list->n,
		count(list, OUTCOME_FAILURE), count(list, OUTCOME_ERROR));
	for (i = 0; i < list->n; i++) {
		const struct outcome *o = &list->v[i];

		if (o->kind == OUTCOME_PASS)
			continue;
		fprintf(out, "%s:%c:%s:%s:%d: ", o->where, o->kind, o->tcase,
			o->test, o->iter);
		print_indented(out, o->msg);
	}
}

int report_write_tap(const char *path, const struct outcomes *list)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (!f)
		return -1;
	fprintf(f, "1..%u\n", list->n);
	for (i = 0; i < list->n; i++) {
		const struct outcome *o = &list->v[i];

		fprintf(f, "%sok %u - %s:%s:%d", o->kind == OUTCOME_PASS ?
			"" : "not ", i + 1, o->tcase, o->test, o->iter);
		if (o->kind != OUTCOME_PASS)
			fprintf(f, ": %.*s", (int)strcspn(o->msg, "\n"),
				o->msg);
		fprintf(f, "\n");
	}
	return fclose(f);
}

/* @s as XML character data or attribute, control characters dropped. */
static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c >= ' ' || c == '\n' || c == '\t')
			fputc(c, f);
	}
}

/* One <testsuite> per test case ("real_mode/kvm"), in order of first use. */
int report_write_junit(const char *path, const struct outcomes *list)
{
	FILE *f = fopen(path, "w");
	unsigned int i, j;

	if (!f)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites tests=\"%u\" failures=\"%u\" errors=\"%u\">\n",
		list->n, count(list, OUTCOME_FAILURE),
		count(list, OUTCOME_ERROR));
	for (i = 0; i < list->n; i++) {
		const char *tc = list->v[i].tcase;
		unsigned int n = 0, bad = 0;

		for (j = 0; j < i && strcmp(list->v[j].tcase, tc); j++)
			;
		if (j < i)
			continue;	/* written with its first test */
		for (j = i; j < list->n; j++)
			if (!strcmp(list->v[j].tcase, tc)) {
				n++;
				bad += list->v[j].kind != OUTCOME_PASS;
			}
		fprintf(f, "  <testsuite name=\"");
		xml_escaped(f, tc);
		fprintf(f, "\" tests=\"%u\" failures=\"%u\">\n", n, bad);
		for (j = i; j < list->n; j++) {
			const struct outcome *o = &list->v[j];

			if (strcmp(o->tcase, tc))
				continue;
			fprintf(f, "    <testcase classname=\"");
			xml_escaped(f, tc);
			fprintf(f, "\" name=\"");
			xml_escaped(f, o->test);
			if (o->iter)
				fprintf(f, "#%d", o->iter);
			fprintf(f, "\"");
			if (o->kind == OUTCOME_PASS) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n      <%s message=\"",
				o->kind == OUTCOME_ERROR ? "error" : "failure");
			xml_escaped(f, o->where);
			fprintf(f, "\">");
			xml_escaped(f, o->msg);
			fprintf(f, "</%s>\n    </testcase>\n",
				o->kind == OUTCOME_ERROR ? "error" : "failure");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	return fclose(f);
}
