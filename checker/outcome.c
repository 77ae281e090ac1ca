// SPDX-License-Identifier: GPL-2.0
/*
 * Outcomes: gathered from Check's runner, sent between the unit driver
 * and the judge as escaped, tab-separated lines, and looked up by name.
 */
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>

#include "outcome.h"
#include "registry.h"
#include "rubric.h"

#define OUTCOMES_MIN	64

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p)
		abort();	/* the grader cannot go on without memory */
	return p;
}

void outcomes_add(struct outcomes *list, const struct outcome *o)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? 2 * list->cap : OUTCOMES_MIN;
		list->v = xrealloc(list->v, list->cap * sizeof(*list->v));
	}
	list->v[list->n] = *o;
	list->v[list->n].msg = strdup(o->msg ? o->msg : "");
	if (!list->v[list->n].msg)
		abort();
	list->n++;
}

void outcomes_free(struct outcomes *list)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		free(list->v[i].msg);
	free(list->v);
	*list = (struct outcomes){ .n = 0 };
}

struct outcome *outcomes_find(const struct outcomes *list, const char *tcase,
			      const char *test, int iter)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		if (list->v[i].iter == iter && !strcmp(list->v[i].test, test) &&
		    !strcmp(list->v[i].tcase, tcase))
			return &list->v[i];
	return NULL;
}

static enum outcome_kind kind_of(TestResult *tr)
{
	switch (tr_rtype(tr)) {
	case CK_PASS:
		return OUTCOME_PASS;
	case CK_FAILURE:
		return OUTCOME_FAILURE;
	default:
		return OUTCOME_ERROR;
	}
}

/*
 * Check runs a test case's instances in order, so the k-th result of
 * a test case is its k-th registered instance.
 */
void outcomes_from_runner(struct outcomes *list, SRunner *sr)
{
	TestResult **results = srunner_results(sr);
	int n = srunner_ntests_run(sr), i, j;

	for (i = 0; i < n; i++) {
		const char *tcname = tr_tcname(results[i]);
		const TCase *tc = rubric_tcase_find(tcname);
		struct outcome o = { .kind = kind_of(results[i]) };
		struct test_instance t;
		unsigned int k = 0;

		for (j = 0; j < i; j++)
			k += !strcmp(tr_tcname(results[j]), tcname);
		snprintf(o.tcase, sizeof(o.tcase), "%s", tcname);
		if (tc && registry_nth(tc, k, &t)) {
			snprintf(o.test, sizeof(o.test), "%s", t.name);
			o.iter = t.iter;
		} else {
			snprintf(o.test, sizeof(o.test), "test%u", k);
		}
		snprintf(o.where, sizeof(o.where), "%s:%d",
			 tr_lfile(results[i]) ? tr_lfile(results[i]) : "?",
			 tr_lno(results[i]));
		o.msg = (char *)(o.kind == OUTCOME_PASS ? "" :
				 tr_msg(results[i]));
		outcomes_add(list, &o);
	}
	free(results);
}

static void write_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

void outcome_write(FILE *out, const struct outcome *o)
{
	fprintf(out, "%c\t", o->kind);
	write_escaped(out, o->tcase);
	fputc('\t', out);
	write_escaped(out, o->test);
	fprintf(out, "\t%d\t", o->iter);
	write_escaped(out, o->where);
	fputc('\t', out);
	write_escaped(out, o->msg ? o->msg : "");
	fputc('\n', out);
}

/* Unescape the field at @s (up to a tab or the end) into @dst. */
static const char *read_field(const char *s, char *dst, size_t size)
{
	size_t n = 0;

	for (; *s && *s != '\t'; s++) {
		char c = *s;

		if (c == '\\' && s[1]) {
			s++;
			c = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		}
		if (n + 1 < size)
			dst[n++] = c;
	}
	dst[n] = '\0';
	return *s == '\t' ? s + 1 : NULL;
}

int outcome_parse(const char *line, struct outcome *o)
{
	char iter[16], kind[2];
	size_t len = strlen(line) + 1;
	char *msg = malloc(len);
	const char *p = line;
	char *end;

	if (!msg)
		abort();
	*o = (struct outcome){ 0 };
	p = read_field(p, kind, sizeof(kind));
	p = p ? read_field(p, o->tcase, sizeof(o->tcase)) : NULL;
	p = p ? read_field(p, o->test, sizeof(o->test)) : NULL;
	p = p ? read_field(p, iter, sizeof(iter)) : NULL;
	p = p ? read_field(p, o->where, sizeof(o->where)) : NULL;
	if (p)
		read_field(p, msg, len);
	o->kind = (enum outcome_kind)kind[0];
	o->iter = (int)strtol(iter, &end, 10);
	if (!p || *end || !*iter || (o->kind != OUTCOME_PASS &&
	    o->kind != OUTCOME_FAILURE && o->kind != OUTCOME_ERROR &&
	    o->kind != OUTCOME_LISTED)) {
		free(msg);
		return -1;
	}
	o->msg = msg;
	return 0;
}
