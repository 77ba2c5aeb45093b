/* SPDX-License-Identifier: ISC */
/* Typing plain values as the library stores them; checking edits, filters. */
#include "config.h"

#include "schema.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "ddbjson.h"
#include "json.h"
#include "number.h"
#include "schema_private.h"
#include "xmalloc.h"

#define SCHEMA_VERSION		"_object_version"
#define SCHEMA_TIMESTAMP	"_timestamp"
#define SCHEMA_TTL		"_ttl"

struct schema_conform {
	bool		 typing;	/* build values from plain JSON */
	bool		 whole;		/* models must be complete */
	bool		 fill;		/* typing fills in defaults */
	bool		 partial;	/* the next model is set member by
					   member: it need not be complete */
	bool		 allow_extra;
	/* Typing into an arena: values left as they are shared with the
	 * input (of this arena), not copied. NULL: on the heap. */
	struct value_arena *arena;
	struct buf	 path;
	struct buf	 scratch;	/* a typed value's text */
	struct err	*e;
};

/* "path: " in front of a message (nothing at the top). */
static int
schema_fail(struct schema_conform *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
schema_fail(struct schema_conform *c, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (c->path.len > 0)
		buf_printf(&b, "%s: ", buf_cstr(&c->path));
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	err_set(c->e, ERR_INPUT, "%s", buf_cstr(&b));
	buf_cleanup(&b);
	return -1;
}

/* "expected X, got Y". */
static int
schema_mismatch(struct schema_conform *c, const struct schema_node *n,
    const struct value *v)
{
	struct buf want = BUF_INIT, got = BUF_INIT;

	schema_node_describe(n, &want);
	schema_value_describe(v, &got);
	schema_fail(c, "expected %s, got %s", buf_cstr(&want), buf_cstr(&got));
	buf_cleanup(&want);
	buf_cleanup(&got);
	return -1;
}

/* Step into a member name; returns the mark to pop to. */
static size_t
schema_push_name(struct buf *path, const char *name, size_t len)
{
	size_t mark = path->len;

	if (path->len > 0)
		buf_addc(path, '.');
	buf_add(path, name, len);
	return mark;
}

/* Step into a list index. */
static size_t
schema_push_index(struct buf *path, size_t i)
{
	char text[32], *p = text + sizeof text;
	size_t mark = path->len;

	/* Every element of every list is stepped into: no printf. */
	*--p = ']';
	do {
		*--p = (char)('0' + i % 10);
		i /= 10;
	} while (i > 0);
	*--p = '[';
	buf_add(path, p, (size_t)(text + sizeof text - p));
	return mark;
}

/* Back to a mark. */
static void
schema_pop(struct buf *path, size_t mark)
{
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
}

/* Whether a list's elements are all of one type. */
static bool
schema_all_of_type(const struct value *l, enum value_type t)
{
	size_t i;

	for (i = 0; i < l->u.list.len; i++)
		if (l->u.list.items[i]->type != t)
			return false;
	return true;
}

/* Whether v equals one already in the list. */
static bool
schema_list_has(const struct value *l, const struct value *v)
{
	size_t i;

	for (i = 0; i < l->u.list.len; i++)
		if (value_equal(l->u.list.items[i], v))
			return true;
	return false;
}

/* A set of type t from a typed list (duplicates dropped); NULL when an
 * element does not fit (B from base64 for BS). */
static struct value *
schema_to_set(const struct value *l, enum value_type t)
{
	struct value *set = value_new_set(t);
	size_t i;

	for (i = 0; i < l->u.list.len; i++) {
		const struct value *el = l->u.list.items[i];
		struct value *x;

		if (t == VT_BS) {
			struct buf raw = BUF_INIT;
			size_t len;
			char *p;

			if (base64_decode(el->u.str.ptr, el->u.str.len, &raw,
			    NULL) == -1) {
				buf_cleanup(&raw);
				value_free(set);
				return NULL;
			}
			p = buf_detach(&raw, &len);
			x = value_new_owned(VT_B, p, len);
		} else {
			x = value_copy(el);
		}
		if (schema_list_has(set, x))
			value_free(x);
		else
			value_list_append(set, x);
	}
	return set;
}

/* in as the typed value: shared when typing into the arena it is in,
 * else copied. */
static struct value *
schema_keep(struct schema_conform *c, const struct value *in)
{
	if (c->arena == NULL)
		return value_copy(in);
	if (in->flags & VALUE_F_ARENA)
		return (struct value *)(uintptr_t)in;
	return value_arena_copy(c->arena, in);
}

/* A typed value built on the heap, moved into the arena when typing into
 * one. */
static struct value *
schema_adopt(struct schema_conform *c, struct value *v)
{
	struct value *x;

	if (c->arena == NULL || v == NULL)
		return v;
	x = value_arena_copy(c->arena, v);
	value_free(v);
	return x;
}

/* Add a typed member to m (replacing one of that name). */
static void
schema_add(struct schema_conform *c, struct value *m, const char *name,
    size_t len, struct value *x)
{
	if (c->arena != NULL)
		value_arena_map_set(c->arena, m, name, len, x);
	else
		value_map_setn(m, name, len, x);
}

/* Append a typed element to l. */
static void
schema_append(struct schema_conform *c, struct value *l, struct value *x)
{
	if (c->arena != NULL)
		value_arena_list_append(c->arena, l, x);
	else
		value_list_append(l, x);
}

/* The text in b as the typed value of in: in itself when the same. */
static struct value *
schema_text(struct schema_conform *c, const struct value *in,
    enum value_type t, const struct buf *b)
{
	if (in->type == t && in->u.str.len == b->len &&
	    memcmp(in->u.str.ptr, b->data, b->len) == 0)
		return schema_keep(c, in);
	return value_new_bytes_in(c->arena, t, b->data, b->len);
}

/* The natural DynamoDB type of a plain value, keeping existing's type
 * where it can (SS, NS, BS, B; maps and lists member by member). */
static int
schema_natural(struct schema_conform *c, const struct value *in,
    const struct value *existing, struct value **out)
{
	size_t i, mark;

	*out = NULL;
	if (in->type == VT_N) {
		struct err ne;

		if (number_check(in->u.str.ptr, in->u.str.len, &ne) == -1)
			return schema_fail(c, "%s", ne.msg);
	}
	if (existing != NULL && in->type == VT_L && in->u.list.len > 0 &&
	    ((existing->type == VT_SS && schema_all_of_type(in, VT_S)) ||
	    (existing->type == VT_NS && schema_all_of_type(in, VT_N)) ||
	    (existing->type == VT_BS && schema_all_of_type(in, VT_S)))) {
		for (i = 0; i < in->u.list.len; i++)
			if (in->u.list.items[i]->type == VT_N &&
			    number_check(in->u.list.items[i]->u.str.ptr,
			    in->u.list.items[i]->u.str.len, NULL) == -1) {
				mark = schema_push_index(&c->path, i);
				schema_fail(c, "not a number DynamoDB accepts");
				schema_pop(&c->path, mark);
				return -1;
			}
		*out = schema_to_set(in, existing->type);
		if (*out == NULL)
			return schema_fail(c, "expected base64 strings for a "
			    "binary set");
		return 0;
	}
	if (existing != NULL && existing->type == VT_B && in->type == VT_S) {
		struct buf raw = BUF_INIT;
		size_t len;
		char *p;

		if (base64_decode(in->u.str.ptr, in->u.str.len, &raw,
		    NULL) == 0) {
			p = buf_detach(&raw, &len);
			*out = value_new_owned(VT_B, p, len);
			return 0;
		}
		buf_cleanup(&raw);
	}
	if (in->type == VT_M) {
		*out = value_new_m();
		for (i = 0; i < in->u.map.len; i++) {
			const struct value_member *m = &in->u.map.items[i];
			struct value *x;
			int rc;

			mark = schema_push_name(&c->path, m->name, m->name_len);
			rc = schema_natural(c, m->value, existing != NULL &&
			    existing->type == VT_M ? value_map_getn(existing,
			    m->name, m->name_len) : NULL, &x);
			schema_pop(&c->path, mark);
			if (rc == -1) {
				value_free(*out);
				*out = NULL;
				return -1;
			}
			value_map_setn(*out, m->name, m->name_len, x);
		}
		return 0;
	}
	if (in->type == VT_L) {
		*out = value_new_l();
		for (i = 0; i < in->u.list.len; i++) {
			struct value *x;
			int rc;

			mark = schema_push_index(&c->path, i);
			rc = schema_natural(c, in->u.list.items[i],
			    existing != NULL && existing->type == VT_L &&
			    i < existing->u.list.len ?
			    existing->u.list.items[i] : NULL, &x);
			schema_pop(&c->path, mark);
			if (rc == -1) {
				value_free(*out);
				*out = NULL;
				return -1;
			}
			value_list_append(*out, x);
		}
		return 0;
	}
	*out = value_copy(in);
	return 0;
}

/* schema_natural, its result in the arena when typing into one. */
static int
schema_natural_to(struct schema_conform *c, const struct value *in,
    const struct value *existing, struct value **out)
{
	struct value_arena *a = c->arena;
	int rc;

	/* schema_natural builds on the heap. */
	c->arena = NULL;
	rc = schema_natural(c, in, existing, out);
	c->arena = a;
	if (rc == 0)
		*out = schema_adopt(c, *out);
	return rc;
}

/* Characters (code points) of UTF-8 text, as Python's len() counts. */
long long
schema_strlen(const char *s, size_t len)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Bounds of a number (text valid). */
static int
schema_check_bounds(struct schema_conform *c, const struct schema_node *n,
    const char *t, size_t len)
{
	int cmp;

	if (n->minimum != NULL) {
		cmp = number_cmp(t, len, n->minimum, strlen(n->minimum));
		if (cmp < 0 || (cmp == 0 && n->exclusive_min))
			return schema_fail(c, "%.*s is not %s %s", (int)len, t,
			    n->exclusive_min ? ">" : ">=", n->minimum);
	}
	if (n->maximum != NULL) {
		cmp = number_cmp(t, len, n->maximum, strlen(n->maximum));
		if (cmp > 0 || (cmp == 0 && n->exclusive_max))
			return schema_fail(c, "%.*s is not %s %s", (int)len, t,
			    n->exclusive_max ? "<" : "<=", n->maximum);
	}
	return 0;
}

/* Length bounds of a string or list. */
static int
schema_check_length(struct schema_conform *c, const struct schema_node *n,
    long long have, const char *what)
{
	if (n->min_len >= 0 && have < n->min_len)
		return schema_fail(c, "%lld %s, at least %lld expected", have,
		    what, n->min_len);
	if (n->max_len >= 0 && have > n->max_len)
		return schema_fail(c, "%lld %s, at most %lld allowed", have,
		    what, n->max_len);
	return 0;
}

/* Whether an enum lists a value (numbers compared by value). */
bool
schema_enum_has(const struct schema_node *n, const struct value *v)
{
	size_t i;

	for (i = 0; i < n->nenum; i++) {
		const struct value *x = n->values_enum[i];

		if (x->type != v->type)
			continue;
		if (v->type == VT_N) {
			if (number_check(v->u.str.ptr, v->u.str.len,
			    NULL) == 0 && number_check(x->u.str.ptr,
			    x->u.str.len, NULL) == 0 && number_cmp(v->u.str.ptr,
			    v->u.str.len, x->u.str.ptr, x->u.str.len) == 0)
				return true;
		} else if (value_equal(x, v)) {
			return true;
		}
	}
	return false;
}

/* Whether None is acceptable in a slot. */
bool
schema_null_ok(const struct schema_slot *slot)
{
	const struct schema_node *n = slot->node;

	return slot->nullable != SCHEMA_NULL_NO || n->kind == SCHEMA_ANY ||
	    n->kind == SCHEMA_NULL;
}

static int schema_conform(struct schema_conform *, const struct schema_slot *,
    const struct value *, const struct value *, struct value **);

/* The member of the map in named name, or NULL. Items mostly list their
 * fields in the model's order: the member after the one found last (at
 * *next) is tried first, then the others. A map's names are unique. */
static const struct value *
schema_field(const struct value *in, const char *name, size_t len,
    size_t *next)
{
	const struct value_member *mm;
	size_t i, k;

	for (k = 0; k < in->u.map.len; k++) {
		i = *next + k < in->u.map.len ? *next + k :
		    *next + k - in->u.map.len;
		mm = &in->u.map.items[i];
		/* The first bytes compared before memcmp is called. */
		if (mm->name_len == len && (len == 0 ||
		    mm->name[0] == name[0]) &&
		    memcmp(mm->name, name, len) == 0) {
			*next = i + 1;
			return mm->value;
		}
	}
	return NULL;
}

/* A model: declared members typed, extras per the rules, required ones
 * present (and defaults filled when typing a whole item). */
static int
schema_conform_model(struct schema_conform *c, const struct schema_node *n,
    const struct value *in, const struct value *existing, struct value **out)
{
	struct value *m;
	bool whole = c->whole && !c->partial;
	size_t i, mark, declared = 0, next = 0;

	c->partial = false;
	if (in->type != VT_M)
		return schema_mismatch(c, n, in);
	m = c->typing ? value_new_in(c->arena, VT_M) : NULL;
	/* Room for the fields at once, not grown (and copied) by twos. */
	if (m != NULL && c->arena != NULL)
		value_arena_map_reserve(c->arena, m, n->nprops);
	if (existing != NULL && existing->type != VT_M)
		existing = NULL;
	for (i = 0; i < n->nprops; i++) {
		const struct schema_prop *p = &n->props[i];
		size_t len = strlen(p->name);
		const struct value *v = schema_field(in, p->name, len, &next);
		struct value *x = NULL;
		int rc = 0;

		mark = schema_push_name(&c->path, p->name, len);
		if (v != NULL) {
			declared++;
			rc = schema_conform(c, &p->slot, v, existing != NULL ?
			    value_map_get(existing, p->name) : NULL,
			    c->typing ? &x : NULL);
		} else if (whole && p->required) {
			rc = schema_fail(c, "missing, and %s requires it",
			    n->title != NULL ? n->title : "the model");
		} else if (whole && c->typing && c->fill) {
			/* the library stores item.dict(): every field. A
			 * default the model refuses is stored as it is
			 * (pydantic does not check defaults): its refusal is
			 * no error of the item's. */
			struct err *saved = c->e, scratch;

			c->e = &scratch;
			if (p->default_value == NULL ||
			    schema_conform(c, &p->slot, p->default_value, NULL,
			    &x) == -1)
				x = p->default_value != NULL ?
				    schema_keep(c, p->default_value) :
				    value_new_in(c->arena, VT_NULL);
			c->e = saved;
		}
		schema_pop(&c->path, mark);
		if (rc == -1)
			goto fail;
		/* The model's fields are unique: no lookup. */
		if (x != NULL && c->arena != NULL)
			value_arena_map_add(c->arena, m, p->name, len, x);
		else if (x != NULL)
			schema_add(c, m, p->name, len, x);
	}
	/* A map's names are unique: when every member was a declared
	 * field, there is no extra one to look for. */
	for (i = 0; declared < in->u.map.len && i < in->u.map.len; i++) {
		const struct value_member *mm = &in->u.map.items[i];
		const struct value *ex;
		struct value *x = NULL;
		int rc = 0;

		if (schema_prop(n, mm->name, mm->name_len) != NULL)
			continue;
		ex = existing != NULL ? value_map_getn(existing, mm->name,
		    mm->name_len) : NULL;
		mark = schema_push_name(&c->path, mm->name, mm->name_len);
		if (n->extra == SCHEMA_EXTRA_ALLOW)
			rc = schema_conform(c, &n->values, mm->value, ex,
			    c->typing ? &x : NULL);
		else if (n->extra == SCHEMA_EXTRA_FORBID)
			rc = schema_fail(c, "not a field of %s, which forbids "
			    "extra fields", n->title != NULL ? n->title :
			    "the model");
		else if (!c->allow_extra)
			rc = schema_fail(c, "not a field of %s", n->title !=
			    NULL ? n->title : "the model");
		else if (c->typing)
			rc = schema_natural_to(c, mm->value, ex, &x);
		schema_pop(&c->path, mark);
		if (rc == -1)
			goto fail;
		if (x != NULL)
			schema_add(c, m, mm->name, mm->name_len, x);
	}
	if (out != NULL)
		*out = m;
	return 0;
fail:
	value_free(m);
	return -1;
}

/* A dict: every member by the values' schema. */
static int
schema_conform_dict(struct schema_conform *c, const struct schema_node *n,
    const struct value *in, const struct value *existing, struct value **out)
{
	struct value *m;
	size_t i, mark;

	c->partial = false;
	if (in->type != VT_M)
		return schema_mismatch(c, n, in);
	m = c->typing ? value_new_in(c->arena, VT_M) : NULL;
	for (i = 0; i < in->u.map.len; i++) {
		const struct value_member *mm = &in->u.map.items[i];
		struct value *x = NULL;
		int rc;

		mark = schema_push_name(&c->path, mm->name, mm->name_len);
		if (n->extra == SCHEMA_EXTRA_FORBID)
			rc = schema_fail(c, "the object allows no members");
		else
			rc = schema_conform(c, &n->values, mm->value,
			    existing != NULL && existing->type == VT_M ?
			    value_map_getn(existing, mm->name, mm->name_len) :
			    NULL, c->typing ? &x : NULL);
		schema_pop(&c->path, mark);
		if (rc == -1) {
			value_free(m);
			return -1;
		}
		if (x != NULL)
			schema_add(c, m, mm->name, mm->name_len, x);
	}
	if (out != NULL)
		*out = m;
	return 0;
}

/* A list, set or tuple. */
static int
schema_conform_array(struct schema_conform *c, const struct schema_node *n,
    const struct value *in, const struct value *existing, struct value **out)
{
	struct value *l;
	size_t i, mark, len;

	if (in->type != VT_L && (c->typing || !value_is_set(in)))
		return schema_mismatch(c, n, in);
	len = in->u.list.len;
	l = c->typing ? value_new_in(c->arena, VT_L) : NULL;
	if (n->nprefix > 0 && n->items.node == NULL && len != n->nprefix) {
		value_free(l);
		return schema_fail(c, "a tuple of %zu elements, got %zu",
		    n->nprefix, len);
	}
	if (schema_check_length(c, n, (long long)len, "elements") == -1) {
		value_free(l);
		return -1;
	}
	for (i = 0; i < len; i++) {
		const struct schema_slot *slot = i < n->nprefix ?
		    &n->prefix[i] : &n->items;
		const struct value *el = in->u.list.items[i];
		struct value *x = NULL;
		int rc;

		mark = schema_push_index(&c->path, i);
		rc = schema_conform(c, slot, el, existing != NULL &&
		    existing->type == VT_L && i < existing->u.list.len ?
		    existing->u.list.items[i] : NULL, c->typing ? &x : NULL);
		if (rc == 0 && n->unique && !c->typing && i > 0) {
			size_t j;

			for (j = 0; j < i; j++)
				if (value_equal(in->u.list.items[j], el))
					break;
			if (j < i)
				rc = schema_fail(c, "a duplicate in a set");
		}
		schema_pop(&c->path, mark);
		if (rc == -1) {
			value_free(l);
			return -1;
		}
		if (x == NULL)
			continue;
		/* pydantic's set drops duplicates before the library
		 * stores list(the set) */
		if (n->unique && schema_list_has(l, x))
			value_free(x);
		else
			schema_append(c, l, x);
	}
	if (c->typing && existing != NULL && value_is_set(existing) &&
	    l->u.list.len > 0 &&
	    schema_all_of_type(l, existing->type == VT_NS ? VT_N : VT_S)) {
		struct value *set = schema_to_set(l, existing->type);

		if (set != NULL) {
			value_free(l);
			l = schema_adopt(c, set);
		}
	}
	if (out != NULL)
		*out = l;
	return 0;
}

/* Whether a date-time, date or time field takes in; its typed text (what
 * Python's isoformat() writes) to iso when given. */
bool
schema_when_text(const struct schema_node *n, const struct value *in,
    struct buf *iso)
{
	struct schema_when w;
	bool ok;

	if (in->type != VT_S || memchr(in->u.str.ptr, '\0',
	    in->u.str.len) != NULL)
		return false;
	ok = n->kind == SCHEMA_DATETIME ?
	    schema_parse_datetime(in->u.str.ptr, 0, &w) :
	    n->kind == SCHEMA_DATE ? schema_parse_date(in->u.str.ptr, 0, &w) :
	    schema_parse_time(in->u.str.ptr, 0, &w);
	if (ok && iso != NULL) {
		buf_reset(iso);
		schema_format_when(&w, iso);
	}
	return ok;
}

/* A scalar kind; in is valid, out when typing. */
static int
schema_conform_scalar(struct schema_conform *c, const struct schema_node *n,
    const struct value *in, struct value **out)
{
	struct buf *b = &c->scratch;
	struct err ne;

	switch (n->kind) {
	case SCHEMA_STRING:
		if (in->type != VT_S)
			return schema_mismatch(c, n, in);
		if (schema_check_length(c, n, schema_strlen(in->u.str.ptr,
		    in->u.str.len), "characters") == -1)
			return -1;
		break;
	case SCHEMA_INTEGER:
	case SCHEMA_NUMBER:
	case SCHEMA_DECIMAL:
		if (in->type != VT_N || (n->kind == SCHEMA_INTEGER &&
		    !number_is_integer(in->u.str.ptr, in->u.str.len)))
			return schema_mismatch(c, n, in);
		if (number_check(in->u.str.ptr, in->u.str.len, &ne) == -1)
			return schema_fail(c, "%s", ne.msg);
		if (schema_check_bounds(c, n, in->u.str.ptr,
		    in->u.str.len) == -1)
			return -1;
		if (out != NULL && n->kind == SCHEMA_INTEGER) {
			/* the library stores Python's int: "12.0" -> 12 */
			buf_reset(b);
			number_canonical(in->u.str.ptr, in->u.str.len, b);
			*out = schema_text(c, in, VT_N, b);
			return 0;
		}
		break;
	case SCHEMA_BOOLEAN:
		if (in->type != VT_BOOL)
			return schema_mismatch(c, n, in);
		break;
	case SCHEMA_NULL:
		return schema_mismatch(c, n, in);
	case SCHEMA_DATETIME:
	case SCHEMA_DATE:
	case SCHEMA_TIME:
		if (!schema_when_text(n, in, out != NULL ? b : NULL))
			return schema_mismatch(c, n, in);
		if (out != NULL) {
			*out = schema_text(c, in, VT_S, b);
			return 0;
		}
		break;
	case SCHEMA_ENUM:
		if (!schema_enum_has(n, in))
			return schema_mismatch(c, n, in);
		break;
	default:
		return schema_mismatch(c, n, in);
	}
	if (out != NULL)
		*out = schema_keep(c, in);
	return 0;
}

/* Type (or check) one value for a slot. */
static int
schema_conform(struct schema_conform *c, const struct schema_slot *slot,
    const struct value *in, const struct value *existing, struct value **out)
{
	const struct schema_node *n = slot->node;

	if (out != NULL)
		*out = NULL;
	if (in->type == VT_NULL) {
		if (!schema_null_ok(slot) && !(n->kind == SCHEMA_ENUM &&
		    schema_enum_has(n, in)))
			return schema_mismatch(c, n, in);
		if (out != NULL)
			*out = schema_keep(c, in);
		return 0;
	}
	switch (n->kind) {
	case SCHEMA_ANY:
		if (!c->typing)
			return 0;
		return schema_natural_to(c, in, existing, out);
	case SCHEMA_MODEL:
		return schema_conform_model(c, n, in, existing, out);
	case SCHEMA_DICT:
		return schema_conform_dict(c, n, in, existing, out);
	case SCHEMA_ARRAY:
		return schema_conform_array(c, n, in, existing, out);
	case SCHEMA_UNION: {
		struct err *saved = c->e, scratch;
		size_t i;

		/* the first member that takes the value as it is */
		c->e = &scratch;
		for (i = 0; i < n->nbranches; i++)
			if (schema_conform(c, &n->branches[i], in, existing,
			    out) == 0) {
				c->e = saved;
				return 0;
			}
		c->e = saved;
		return schema_mismatch(c, n, in);
	}
	default:
		return schema_conform_scalar(c, n, in, out);
	}
}

/* Set up a conform context. */
static void
schema_conform_init(struct schema_conform *c, bool typing, bool whole,
    bool allow_extra, struct err *e)
{
	c->typing = typing;
	c->whole = whole;
	c->fill = false;
	c->partial = false;
	c->allow_extra = allow_extra;
	c->arena = NULL;
	buf_init(&c->scratch);
	buf_init(&c->path);
	buf_adds(&c->path, "");
	c->e = e;
}

/* Free what a conform context holds. */
static void
schema_conform_cleanup(struct schema_conform *c)
{
	buf_cleanup(&c->path);
	buf_cleanup(&c->scratch);
}

/* Whether a top-level name is one the library maintains. */
static bool
schema_is_internal(const char *name)
{
	return strcmp(name, SCHEMA_VERSION) == 0 ||
	    strcmp(name, SCHEMA_TIMESTAMP) == 0 ||
	    strcmp(name, SCHEMA_TTL) == 0;
}

/* The slot a path leads to, refusing names a model does not declare
 * (unless allow_extra; never where it forbids extras). *slot NULL: the
 * schema is silent there. */
static int
schema_locate(const struct schema *s, const struct path *p, bool allow_extra,
    const struct schema_slot **slot, struct err *e)
{
	const struct schema_slot *cur = schema_root_slot(s);
	struct buf where = BUF_INIT;
	size_t i;
	int rc = 0;

	*slot = NULL;
	for (i = 0; i < p->n; i++) {
		const struct path_seg *seg = &p->segs[i];
		const struct schema_node *n = cur->node;
		const struct schema_slot *next;
		struct buf t = BUF_INIT;

		if (seg->name != NULL)
			schema_push_name(&where, seg->name, seg->name_len);
		else
			schema_push_index(&where, (size_t)seg->index);
		if (n->kind == SCHEMA_ANY)
			goto out;
		/* the library's own attributes may be filtered on */
		if (i == 0 && seg->name != NULL &&
		    schema_is_internal(seg->name) &&
		    schema_prop(n, seg->name, seg->name_len) == NULL)
			goto out;
		next = seg->name != NULL ? schema_member(n, seg->name,
		    seg->name_len) : schema_element(n, seg->index);
		if (next != NULL) {
			cur = next;
			continue;
		}
		if (seg->name != NULL && n->kind == SCHEMA_MODEL) {
			if (n->extra == SCHEMA_EXTRA_FORBID)
				rc = err_set(e, ERR_INPUT, "%s: not a field of "
				    "%s, which forbids extra fields",
				    buf_cstr(&where), n->title != NULL ?
				    n->title : "the model");
			else if (!allow_extra)
				rc = err_set(e, ERR_INPUT, "%s: not a field of "
				    "%s", buf_cstr(&where), n->title != NULL ?
				    n->title : "the model");
			goto out;
		}
		if (n->kind == SCHEMA_DICT || n->kind == SCHEMA_UNION ||
		    (n->kind == SCHEMA_ARRAY && seg->name == NULL))
			goto out;
		schema_node_describe(n, &t);
		rc = err_set(e, ERR_INPUT, "%s: cannot look into a %s",
		    buf_cstr(&where), buf_cstr(&t));
		buf_cleanup(&t);
		goto out;
	}
	*slot = cur;
out:
	buf_cleanup(&where);
	return rc;
}

int
schema_type_value(const struct schema *s, const struct path *field,
    const struct value *plain, const struct value *existing,
    struct value **out, struct err *e)
{
	const struct schema_slot *slot = NULL;
	struct schema_conform c;
	int rc;

	*out = NULL;
	if (s != NULL && schema_locate(s, field, true, &slot, e) == -1)
		return -1;
	schema_conform_init(&c, true, false, true, e);
	path_format(field, &c.path);
	if (slot == NULL)
		rc = schema_natural(&c, plain, existing, out);
	else
		rc = schema_conform(&c, slot, plain, existing, out);
	schema_conform_cleanup(&c);
	return rc;
}

/* schema_type_item, typing into a (on the heap when NULL). */
static int
schema_type_item_to(struct value_arena *a, const struct schema *s,
    const struct value *plain, const struct value *existing,
    bool allow_extra, struct value **out, struct err *e)
{
	struct schema_conform c;
	struct value *typed = NULL;
	int rc;

	*out = NULL;
	if (plain->type != VT_M)
		return err_set(e, ERR_INPUT, "item: expected an object, got "
		    "%s", value_type_name(plain->type));
	schema_conform_init(&c, true, true, allow_extra, e);
	c.fill = true;
	c.arena = a;
	if (s == NULL)
		rc = schema_natural_to(&c, plain, existing, &typed);
	else
		rc = schema_conform(&c, schema_root_slot(s), plain, existing,
		    &typed);
	schema_conform_cleanup(&c);
	if (rc == 0 && a != NULL)
		/* The caller frees what it is given: a root. */
		typed = typed->type == VT_M ? value_arena_root_of(a, typed) :
		    value_copy(typed);
	*out = typed;
	return rc;
}

int
schema_type_item(const struct schema *s, const struct value *plain,
    const struct value *existing, bool allow_extra, struct value **out,
    struct err *e)
{
	return schema_type_item_to(NULL, s, plain, existing, allow_extra, out,
	    e);
}

int
schema_type_item_in(struct value_arena *a, const struct schema *s,
    const struct value *plain, const struct value *existing,
    bool allow_extra, struct value **out, struct err *e)
{
	return schema_type_item_to(a, s, plain, existing, allow_extra, out, e);
}

int
schema_validate_item(const struct schema *s, const struct value *item,
    bool allow_extra, struct err *e)
{
	struct schema_conform c;
	int rc;

	if (item->type != VT_M)
		return err_set(e, ERR_INPUT, "item: expected a map, got %s",
		    value_type_name(item->type));
	if (s == NULL)
		return 0;
	schema_conform_init(&c, false, true, allow_extra, e);
	rc = schema_conform(&c, schema_root_slot(s), item, NULL, NULL);
	schema_conform_cleanup(&c);
	return rc;
}

int
schema_validate_value(const struct schema *s, const struct path *field,
    const struct value *v, bool allow_extra, struct err *e)
{
	const struct schema_slot *slot;
	struct schema_conform c;
	int rc;

	if (s == NULL)
		return 0;
	if (schema_locate(s, field, allow_extra, &slot, e) == -1)
		return -1;
	if (slot == NULL)
		return 0;
	schema_conform_init(&c, false, false, allow_extra, e);
	path_format(field, &c.path);
	rc = schema_conform(&c, slot, v, NULL, NULL);
	schema_conform_cleanup(&c);
	return rc;
}

/* One member of set_commands, typed (out) or checked (out NULL). A map
 * value sets the members of the field, as the library's update does. */
static int
schema_set_member(const struct schema *s, const struct value_member *m,
    const struct value *existing, bool allow_extra, struct value **out,
    struct err *e)
{
	const struct schema_slot *slot;
	const struct value *ex;
	struct schema_conform c;
	struct path p;
	int rc;

	if (schema_is_internal(m->name))
		return err_set(e, ERR_INPUT, "%s: maintained by the library "
		    "(an update drops or overwrites it)", m->name);
	path_init(&p);
	path_push_name(&p, m->name, m->name_len);
	rc = schema_locate(s, &p, allow_extra, &slot, e);
	path_cleanup(&p);
	if (rc == -1)
		return -1;
	ex = existing != NULL && existing->type == VT_M ?
	    value_map_getn(existing, m->name, m->name_len) : NULL;
	/* The library stores set values as they are: models inside them
	 * must be complete, except the one whose members a map sets. */
	schema_conform_init(&c, out != NULL, true, allow_extra, e);
	schema_push_name(&c.path, m->name, m->name_len);
	if (slot == NULL) {
		rc = out != NULL ? schema_natural(&c, m->value, ex, out) : 0;
	} else if (m->value->type == VT_M) {
		const struct schema_node *n = slot->node;
		struct buf t = BUF_INIT;

		if (n->kind == SCHEMA_MODEL || n->kind == SCHEMA_DICT ||
		    n->kind == SCHEMA_ANY) {
			/* members, not the whole model: no completeness */
			c.partial = true;
			rc = schema_conform(&c, slot, m->value, ex, out);
		} else {
			schema_node_describe(n, &t);
			rc = schema_fail(&c, "an object value sets members, "
			    "but %.*s is %s", (int)m->name_len, m->name,
			    buf_cstr(&t));
			buf_cleanup(&t);
		}
	} else {
		rc = schema_conform(&c, slot, m->value, ex, out);
	}
	schema_conform_cleanup(&c);
	return rc;
}

int
schema_type_set_commands(const struct schema *s, const struct value *plain,
    const struct value *existing, bool allow_extra, struct value **out,
    struct err *e)
{
	struct schema_conform c;
	size_t i;

	*out = NULL;
	if (plain->type != VT_M)
		return err_set(e, ERR_INPUT, "set_commands: expected an "
		    "object, got %s", value_type_name(plain->type));
	if (s == NULL) {
		int rc;

		schema_conform_init(&c, true, false, true, e);
		rc = schema_natural(&c, plain, existing, out);
		schema_conform_cleanup(&c);
		return rc;
	}
	*out = value_new_m();
	for (i = 0; i < plain->u.map.len; i++) {
		const struct value_member *m = &plain->u.map.items[i];
		struct value *x;

		if (schema_set_member(s, m, existing, allow_extra, &x,
		    e) == -1) {
			value_free(*out);
			*out = NULL;
			return -1;
		}
		value_map_setn(*out, m->name, m->name_len, x);
	}
	return 0;
}

/* An appended element as the library types it (str | dict). */
static struct value *
schema_append_typed(const struct value *v)
{
	switch (v->type) {
	case VT_S:
	case VT_M:
		return value_copy(v);
	case VT_N:
		return value_new_s(v->u.str.ptr, v->u.str.len);
	case VT_BOOL:
		return value_new_str(v->u.boolean ? "True" : "False");
	default:
		return NULL;
	}
}

/* One member of append_attrs. */
static int
schema_check_append(const struct schema *s, const struct value_member *m,
    bool allow_extra, struct err *e)
{
	const struct schema_slot *slot;
	struct schema_conform c;
	struct buf t = BUF_INIT;
	struct path p;
	size_t i;
	int rc;

	if (schema_is_internal(m->name))
		return err_set(e, ERR_INPUT, "%s: maintained by the library "
		    "(an update drops or overwrites it)", m->name);
	if (m->value->type != VT_L)
		return err_set(e, ERR_INPUT, "%s: appends take a list, got %s",
		    m->name, value_type_name(m->value->type));
	path_init(&p);
	path_push_name(&p, m->name, m->name_len);
	rc = schema_locate(s, &p, allow_extra, &slot, e);
	path_cleanup(&p);
	if (rc == -1)
		return -1;
	if (slot != NULL && (slot->node->kind != SCHEMA_ARRAY ||
	    slot->node->nprefix > 0)) {
		schema_node_describe(slot->node, &t);
		rc = err_set(e, ERR_INPUT, "%s: appends only on list fields, "
		    "and %s is %s", m->name, m->name, buf_cstr(&t));
		buf_cleanup(&t);
		return rc;
	}
	schema_conform_init(&c, false, false, allow_extra, e);
	for (i = 0; i < m->value->u.list.len && rc == 0; i++) {
		const struct value *el = m->value->u.list.items[i];
		struct value *typed = schema_append_typed(el);

		buf_reset(&c.path);
		buf_printf(&c.path, "%s[%zu]", m->name, i);
		if (typed == NULL) {
			schema_value_describe(el, &t);
			rc = schema_fail(&c, "the library appends strings or "
			    "objects (str | dict), got %s", buf_cstr(&t));
		} else if (slot != NULL && schema_conform(&c,
		    &slot->node->items, typed, NULL, NULL) == -1) {
			if (el->type == VT_N || el->type == VT_BOOL) {
				struct buf was = BUF_INIT, want = BUF_INIT;

				schema_value_describe(el, &was);
				schema_node_describe(slot->node->items.node,
				    &want);
				err_set(e, ERR_INPUT, "%s: the library appends "
				    "str | dict, so %s would be stored as a "
				    "string, and %s holds %s",
				    buf_cstr(&c.path), buf_cstr(&was), m->name,
				    buf_cstr(&want));
				buf_cleanup(&was);
				buf_cleanup(&want);
			}
			rc = -1;
		}
		value_free(typed);
	}
	buf_cleanup(&t);
	schema_conform_cleanup(&c);
	return rc;
}

int
schema_validate_update(const struct schema *s,
    const struct update_command *cmd, bool allow_extra, struct err *e)
{
	const struct value *v;
	size_t i;

	if (s == NULL)
		return 0;
	v = cmd->set_commands;
	for (i = 0; v != NULL && v->type == VT_M && i < v->u.map.len; i++)
		if (schema_set_member(s, &v->u.map.items[i], NULL, allow_extra,
		    NULL, e) == -1)
			return -1;
	v = cmd->increment_attrs;
	for (i = 0; v != NULL && v->type == VT_M && i < v->u.map.len; i++) {
		const struct value_member *m = &v->u.map.items[i];
		const struct schema_slot *slot;
		struct buf t = BUF_INIT;
		struct path p;
		int rc;

		if (schema_is_internal(m->name))
			return err_set(e, ERR_INPUT, "%s: maintained by the "
			    "library (an update drops or overwrites it)",
			    m->name);
		path_init(&p);
		path_push_name(&p, m->name, m->name_len);
		rc = schema_locate(s, &p, allow_extra, &slot, e);
		path_cleanup(&p);
		if (rc == -1)
			return -1;
		if (slot != NULL && slot->node->kind != SCHEMA_INTEGER) {
			schema_node_describe(slot->node, &t);
			err_set(e, ERR_INPUT, "%s: increments only on integer "
			    "fields, and %s is %s", m->name, m->name,
			    buf_cstr(&t));
			buf_cleanup(&t);
			return -1;
		}
		if (m->value->type != VT_N || !number_is_integer(
		    m->value->u.str.ptr, m->value->u.str.len)) {
			schema_value_describe(m->value, &t);
			err_set(e, ERR_INPUT, "%s: an increment must be an "
			    "integer, got %s", m->name, buf_cstr(&t));
			buf_cleanup(&t);
			return -1;
		}
	}
	v = cmd->append_attrs;
	for (i = 0; v != NULL && v->type == VT_M && i < v->u.map.len; i++)
		if (schema_check_append(s, &v->u.map.items[i], allow_extra,
		    e) == -1)
			return -1;
	return 0;
}

int
schema_validate_filter(const struct schema *s, struct filter *f,
    bool allow_extra, struct err *e)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		struct filter_cond *fc = &f->conds[i];
		const struct schema_slot *slot;
		struct value *typed;

		if (!fc->enabled)
			continue;
		if (s != NULL && schema_locate(s, &fc->path, allow_extra,
		    &slot, e) == -1)
			return -1;
		if (fc->value == NULL)
			continue;
		if (schema_type_value(s, &fc->path, fc->value, NULL, &typed,
		    e) == -1)
			return -1;
		value_free(fc->value);
		fc->value = typed;
	}
	return 0;
}
