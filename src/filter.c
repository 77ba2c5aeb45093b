/* SPDX-License-Identifier: ISC */
/* FilterCommand conditions: the grammar people type and the expression sent. */
#include "config.h"

#include "filter.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "xmalloc.h"

#define FILTER_GRAMMAR \
	"expected FIELD missing | FIELD = VALUE | FIELD != VALUE"

void
filter_init(struct filter *f)
{
	f->conds = NULL;
	f->n = 0;
	f->cap = 0;
}

/* Free what one condition owns. */
static void
filter_cond_cleanup(struct filter_cond *c)
{
	free(c->field);
	path_cleanup(&c->path);
	value_free(c->value);
}

void
filter_cleanup(struct filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		filter_cond_cleanup(&f->conds[i]);
	free(f->conds);
	filter_init(f);
}

void
filter_copy(struct filter *dst, const struct filter *src)
{
	size_t i;

	filter_init(dst);
	if (src->n == 0)
		return;
	dst->conds = xreallocarray(NULL, src->n, sizeof *dst->conds);
	dst->cap = src->n;
	for (i = 0; i < src->n; i++) {
		const struct filter_cond *s = &src->conds[i];
		struct filter_cond *d = &dst->conds[i];

		d->op = s->op;
		d->field = xstrdup(s->field);
		path_copy(&d->path, &s->path);
		d->value = s->value != NULL ? value_copy(s->value) : NULL;
		d->enabled = s->enabled;
	}
	dst->n = src->n;
}

long
filter_find(const struct filter *f, enum filter_op op, const struct path *p)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->conds[i].op == op && path_equal(&f->conds[i].path, p))
			return (long)i;
	}
	return -1;
}

void
filter_add(struct filter *f, enum filter_op op, struct path *p,
    struct value *v)
{
	struct filter_cond *c;
	struct buf field = BUF_INIT;
	long at;

	assert((op == FILTER_MISSING) == (v == NULL));
	/* FilterCommand holds a set and two dicts: same key, one entry. */
	at = filter_find(f, op, p);
	if (at >= 0) {
		c = &f->conds[at];
		value_free(c->value);
		c->value = v;
		c->enabled = true;
		path_cleanup(p);
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 4 : f->cap * 2;
		f->conds = xreallocarray(f->conds, f->cap, sizeof *f->conds);
	}
	c = &f->conds[f->n++];
	path_format(p, &field);
	c->op = op;
	c->field = buf_detach(&field, NULL);
	c->path = *p;
	path_init(p);
	c->value = v;
	c->enabled = true;
}

void
filter_remove(struct filter *f, size_t i)
{
	assert(i < f->n);
	filter_cond_cleanup(&f->conds[i]);
	memmove(&f->conds[i], &f->conds[i + 1],
	    (f->n - i - 1) * sizeof *f->conds);
	f->n--;
}

/* Whitespace between tokens: ASCII blanks only. */
static bool
filter_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* True when s[0..len) is a JSON number (RFC 8259 syntax). */
static bool
filter_is_json_number(const char *s, size_t len)
{
	const char *e = s + len;

	if (s < e && *s == '-')
		s++;
	if (s == e || *s < '0' || *s > '9')
		return false;
	if (*s == '0')
		s++;
	else {
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < e && *s == '.') {
		s++;
		if (s == e || *s < '0' || *s > '9')
			return false;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < e && (*s == '+' || *s == '-'))
			s++;
		if (s == e || *s < '0' || *s > '9')
			return false;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	}
	return s == e;
}

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
static bool
filter_is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		unsigned char c = *p++;
		unsigned int cp, min;
		int more;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return false;
		if (e - p < more)
			return false;
		while (more-- > 0) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (*p++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* The value of a bare word: a JSON number, true, false, null or a string. */
static struct value *
filter_bare_value(const char *s, size_t len)
{
	if (len == 4 && memcmp(s, "true", 4) == 0)
		return value_new_bool(true);
	if (len == 5 && memcmp(s, "false", 5) == 0)
		return value_new_bool(false);
	if (len == 4 && memcmp(s, "null", 4) == 0)
		return value_new_null();
	if (filter_is_json_number(s, len))
		return value_new_n(s, len);
	return value_new_s(s, len);
}

/* ERR_INPUT quoting the text, saying what went wrong and the grammar. */
static int
filter_syntax(struct err *err, const char *text, const char *why)
{
	return err_set(err, ERR_INPUT, "bad filter \"%.200s\": %s; "
	    FILTER_GRAMMAR, text, why);
}

/* Parse VALUE in s[0..len), already trimmed and non-empty. */
static struct value *
filter_parse_value(const char *text, const char *s, size_t len,
    struct err *err)
{
	struct err jerr;
	struct value *v;
	size_t i;

	if (*s == '"' || *s == '[' || *s == '{') {
		err_clear(&jerr);
		v = json_parse(s, len, &jerr);
		if (v == NULL) {
			err_set(err, ERR_INPUT, "bad filter \"%.200s\": VALUE "
			    "is not valid JSON (%.300s); " FILTER_GRAMMAR,
			    text, jerr.msg);
		}
		return v;
	}
	if (*s == '=') {
		filter_syntax(err, text, "'==' is not an operator, use '='");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (filter_is_space(s[i])) {
			filter_syntax(err, text, "a VALUE with spaces needs "
			    "JSON quotes (\"two words\")");
			return NULL;
		}
		if (c < 0x20 || c == 0x7f) {
			filter_syntax(err, text, "control character in VALUE");
			return NULL;
		}
	}
	if (!filter_is_utf8(s, len)) {
		filter_syntax(err, text, "VALUE is not valid UTF-8");
		return NULL;
	}
	return filter_bare_value(s, len);
}

int
filter_add_parse(struct filter *f, const char *text, struct err *err)
{
	const char *s = text, *start, *end;
	struct value *v = NULL;
	struct path p;
	enum filter_op op;
	struct err perr;
	char *field;

	while (filter_is_space(*s))
		s++;
	start = s;
	while (*s != '\0' && !filter_is_space(*s) && *s != '=' && *s != '!')
		s++;
	if (s == start)
		return filter_syntax(err, text, "no FIELD");
	field = xstrndup(start, (size_t)(s - start));
	err_clear(&perr);
	if (path_parse_dotted(&p, field, &perr) == -1) {
		free(field);
		return filter_syntax(err, text, perr.msg);
	}
	free(field);

	while (filter_is_space(*s))
		s++;
	if (s[0] == '!' && s[1] == '=') {
		op = FILTER_NE;
		s += 2;
	} else if (s[0] == '=') {
		op = FILTER_EQ;
		s++;
	} else if (strncasecmp(s, "missing", 7) == 0 &&
	    (s[7] == '\0' || filter_is_space(s[7]))) {
		op = FILTER_MISSING;
		s += 7;
	} else {
		filter_syntax(err, text, *s == '\0' ? "no operator" :
		    "unknown operator");
		goto fail;
	}

	while (filter_is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && filter_is_space(end[-1]))
		end--;
	if (op == FILTER_MISSING) {
		if (end != s) {
			filter_syntax(err, text, "text after 'missing'");
			goto fail;
		}
	} else {
		if (end == s) {
			filter_syntax(err, text, "no VALUE");
			goto fail;
		}
		v = filter_parse_value(text, s, (size_t)(end - s), err);
		if (v == NULL)
			goto fail;
	}
	filter_add(f, op, &p, v);
	return 0;

fail:
	path_cleanup(&p);
	return -1;
}

/* Build one condition's expression node. */
static struct expr *
filter_cond_expr(const struct filter_cond *c)
{
	struct path p;
	struct expr *lhs;

	path_copy(&p, &c->path);
	lhs = expr_new_path(&p);
	switch (c->op) {
	case FILTER_MISSING:
		return expr_new(EX_NOT_EXISTS, 1, lhs);
	case FILTER_EQ:
		return expr_new(EX_EQ, 2, lhs,
		    expr_new_value(value_copy(c->value)));
	case FILTER_NE:
		return expr_new(EX_NE, 2, lhs,
		    expr_new_value(value_copy(c->value)));
	}
	assert(!"bad filter operator");
	expr_free(lhs);
	return NULL;
}

struct expr *
filter_to_expr(const struct filter *f)
{
	static const enum filter_op order[] = {
		FILTER_MISSING, FILTER_EQ, FILTER_NE
	};
	struct expr *e = NULL;
	size_t k, i;

	/* pydantic-dynamo's build_filter_expression: not_exists, then
	 * equals, then not_equals, folded left with AND. */
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (i = 0; i < f->n; i++) {
			const struct filter_cond *c = &f->conds[i];

			if (c->enabled && c->op == order[k])
				e = expr_and(e, filter_cond_expr(c));
		}
	}
	return e;
}

/* True when a string value can be written as a bare word and read back. */
static bool
filter_bare_ok(const struct value *v)
{
	const char *s = v->u.str.ptr;
	size_t len = v->u.str.len, i;
	struct value *back;
	bool same;

	if (len == 0 || *s == '"' || *s == '[' || *s == '{' || *s == '=')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	if (!filter_is_utf8(s, len))
		return false;
	back = filter_bare_value(s, len);
	same = back->type == VT_S;
	value_free(back);
	return same;
}

void
filter_format_cond(const struct filter_cond *c, struct buf *out)
{
	buf_adds(out, c->field);
	switch (c->op) {
	case FILTER_MISSING:
		buf_adds(out, " missing");
		return;
	case FILTER_EQ:
		buf_adds(out, " = ");
		break;
	case FILTER_NE:
		buf_adds(out, " != ");
		break;
	}
	if (c->value->type == VT_S && filter_bare_ok(c->value))
		buf_add(out, c->value->u.str.ptr, c->value->u.str.len);
	else
		json_emit(out, c->value, 0);
}
