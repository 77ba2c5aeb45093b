/* SPDX-License-Identifier: ISC */
/* Document paths, expression trees and update clauses: building and freeing. */
#include "config.h"

#include "expr.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
path_init(struct path *p)
{
	p->segs = NULL;
	p->n = 0;
}

void
path_cleanup(struct path *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->segs[i].name);
	free(p->segs);
	path_init(p);
}

void
path_copy(struct path *dst, const struct path *src)
{
	size_t i;

	path_init(dst);
	if (src->n == 0)
		return;
	dst->segs = xreallocarray(NULL, src->n, sizeof *dst->segs);
	for (i = 0; i < src->n; i++) {
		const struct path_seg *s = &src->segs[i];

		dst->segs[i].name = s->name != NULL ?
		    xmemdup(s->name, s->name_len + 1) : NULL;
		dst->segs[i].name_len = s->name_len;
		dst->segs[i].index = s->index;
	}
	dst->n = src->n;
}

/* Make room for one more segment and return it. */
static struct path_seg *
path_grow(struct path *p)
{
	p->segs = xreallocarray(p->segs, p->n + 1, sizeof *p->segs);
	return &p->segs[p->n++];
}

void
path_push_name(struct path *p, const char *name, size_t len)
{
	struct path_seg *s = path_grow(p);

	/* Not xstrndup: names may hold NUL bytes. */
	s->name = xmalloc(len + 1);
	if (len > 0)
		memcpy(s->name, name, len);
	s->name[len] = '\0';
	s->name_len = len;
	s->index = -1;
}

void
path_push_index(struct path *p, long index)
{
	struct path_seg *s = path_grow(p);

	assert(index >= 0);
	s->name = NULL;
	s->name_len = 0;
	s->index = index;
}

void
path_set_name(struct path *p, const char *name)
{
	path_init(p);
	path_push_name(p, name, strlen(name));
}

/* Parse "[digits]" at *sp into an index; advances *sp past ']'. */
static int
path_parse_index(const char **sp, long *out)
{
	const char *s = *sp + 1;
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		if (v > (LONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (*s != ']')
		return -1;
	*sp = s + 1;
	*out = v;
	return 0;
}

int
path_parse_dotted(struct path *p, const char *text, struct err *err)
{
	const char *s = text;

	path_init(p);
	for (;;) {
		size_t len = strcspn(s, ".[]");
		long index;

		if (len == 0) {
			err_set(err, ERR_INPUT, "bad attribute path "
			    "\"%.200s\": empty name", text);
			goto fail;
		}
		path_push_name(p, s, len);
		s += len;
		while (*s == '[') {
			if (path_parse_index(&s, &index) == -1) {
				err_set(err, ERR_INPUT, "bad attribute path "
				    "\"%.200s\": expected [INDEX] with a "
				    "non-negative integer", text);
				goto fail;
			}
			path_push_index(p, index);
		}
		if (*s == '\0')
			return 0;
		if (*s != '.') {
			err_set(err, ERR_INPUT, "bad attribute path "
			    "\"%.200s\": unexpected '%c'", text, *s);
			goto fail;
		}
		s++;
	}

fail:
	path_cleanup(p);
	return -1;
}

void
path_format(const struct path *p, struct buf *out)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct path_seg *s = &p->segs[i];

		if (s->name == NULL) {
			buf_printf(out, "[%ld]", s->index);
			continue;
		}
		if (i > 0)
			buf_addc(out, '.');
		buf_add(out, s->name, s->name_len);
	}
}

bool
path_equal(const struct path *a, const struct path *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct path_seg *x = &a->segs[i], *y = &b->segs[i];

		if ((x->name == NULL) != (y->name == NULL))
			return false;
		if (x->name == NULL) {
			if (x->index != y->index)
				return false;
		} else if (x->name_len != y->name_len ||
		    memcmp(x->name, y->name, x->name_len) != 0)
			return false;
	}
	return true;
}

/* A zeroed node of the given kind with room for nargs arguments. */
static struct expr *
expr_alloc(enum expr_kind kind, size_t nargs)
{
	struct expr *e = xcalloc(1, sizeof *e);

	e->kind = kind;
	path_init(&e->path);
	e->value = NULL;
	e->args = nargs > 0 ? xcalloc(nargs, sizeof *e->args) : NULL;
	e->nargs = nargs;
	return e;
}

struct expr *
expr_new_path(struct path *p)
{
	struct expr *e = expr_alloc(EX_PATH, 0);

	e->path = *p;
	path_init(p);
	return e;
}

struct expr *
expr_new_name(const char *name)
{
	struct expr *e = expr_alloc(EX_PATH, 0);

	path_set_name(&e->path, name);
	return e;
}

struct expr *
expr_new_value(struct value *v)
{
	struct expr *e = expr_alloc(EX_VALUE, 0);

	assert(v != NULL);
	e->value = v;
	return e;
}

struct expr *
expr_new(enum expr_kind kind, size_t nargs, ...)
{
	struct expr *e;
	va_list ap;
	size_t i;

	assert(kind != EX_PATH && kind != EX_VALUE && kind < EX_KIND_COUNT);
	e = expr_alloc(kind, nargs);
	va_start(ap, nargs);
	for (i = 0; i < nargs; i++) {
		e->args[i] = va_arg(ap, struct expr *);
		assert(e->args[i] != NULL);
	}
	va_end(ap);
	return e;
}

struct expr *
expr_and(struct expr *a, struct expr *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return expr_new(EX_AND, 2, a, b);
}

struct expr *
expr_copy(const struct expr *src)
{
	struct expr *e;
	size_t i;

	if (src == NULL)
		return NULL;
	e = expr_alloc(src->kind, src->nargs);
	path_copy(&e->path, &src->path);
	if (src->value != NULL)
		e->value = value_copy(src->value);
	for (i = 0; i < src->nargs; i++)
		e->args[i] = expr_copy(src->args[i]);
	return e;
}

void
expr_free(struct expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nargs; i++)
		expr_free(e->args[i]);
	free(e->args);
	path_cleanup(&e->path);
	value_free(e->value);
	free(e);
}

void
update_init(struct update *u)
{
	u->clauses = NULL;
	u->n = 0;
	u->cap = 0;
}

void
update_cleanup(struct update *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		path_cleanup(&u->clauses[i].path);
		expr_free(u->clauses[i].operand);
	}
	free(u->clauses);
	update_init(u);
}

void
update_add(struct update *u, enum update_action action, struct path *p,
    struct expr *operand)
{
	struct update_clause *c;

	assert((action == UPD_REMOVE) == (operand == NULL));
	if (u->n == u->cap) {
		u->cap = u->cap == 0 ? 8 : u->cap * 2;
		u->clauses = xreallocarray(u->clauses, u->cap,
		    sizeof *u->clauses);
	}
	c = &u->clauses[u->n++];
	c->action = action;
	c->path = *p;
	path_init(p);
	c->operand = operand;
}

bool
update_empty(const struct update *u)
{
	return u->n == 0;
}
