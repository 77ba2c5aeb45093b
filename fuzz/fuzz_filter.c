/* SPDX-License-Identifier: ISC */
/* Fuzz the filter grammar: what parses formats back to text that parses to
 * the same condition. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "filter.h"
#include "value.h"

#define FUZZ_FILTER_MAX	8

/* Format condition i and parse the text into a fresh filter: the same
 * operator, field and value. */
static void
fuzz_filter_again(const struct filter_cond *c)
{
	struct filter f2;
	struct buf b = BUF_INIT;
	struct err e;
	const struct filter_cond *d;

	filter_format_cond(c, &b);
	filter_init(&f2);
	if (filter_add_parse(&f2, buf_cstr(&b), &e) == -1)
		fuzz_fail("a formatted condition does not parse", e.msg);
	if (f2.n != 1)
		fuzz_fail("a formatted condition parses to several", NULL);
	d = &f2.conds[0];
	if (d->op != c->op || strcmp(d->field, c->field) != 0)
		fuzz_fail("a formatted condition parses to another operator "
		    "or field", buf_cstr(&b));
	if ((c->value == NULL) != (d->value == NULL) ||
	    (c->value != NULL && !value_equal(c->value, d->value)))
		fuzz_fail("a formatted condition parses to another value",
		    buf_cstr(&b));
	filter_cleanup(&f2);
	buf_cleanup(&b);
}

/* Input: up to FUZZ_FILTER_MAX conditions, one a line. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *text = fuzz_cstr(data, len), *line, *next;
	struct filter f, copy;
	struct expr *x;
	struct err e;
	size_t i, n = 0;

	filter_init(&f);
	for (line = text; line != NULL && n < FUZZ_FILTER_MAX; line = next,
	    n++) {
		size_t before = f.n;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (filter_add_parse(&f, line, &e) == -1) {
			if (f.n != before)
				fuzz_fail("a refused condition changed the "
				    "filter", NULL);
			if (e.code != ERR_INPUT || e.msg[0] == '\0')
				fuzz_fail("a refusal without ERR_INPUT and a "
				    "message", NULL);
		}
	}
	for (i = 0; i < f.n; i++)
		fuzz_filter_again(&f.conds[i]);
	filter_copy(&copy, &f);
	if (copy.n != f.n)
		fuzz_fail("filter_copy lost conditions", NULL);
	x = filter_to_expr(&copy);
	if ((x == NULL) != (f.n == 0))
		fuzz_fail("filter_to_expr and the conditions disagree", NULL);
	expr_free(x);
	if (f.n > 0)
		filter_remove(&copy, 0);
	filter_cleanup(&copy);
	filter_cleanup(&f);
	free(text);
	return 0;
}
