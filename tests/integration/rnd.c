/* SPDX-License-Identifier: ISC */
/* Random requests for the differential test, the same from the same seed. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "differential.h"
#include "number.h"
#include "xmalloc.h"

/*
 * Operations over a small key space, so that they collide: puts of
 * random items, updates of random clauses, conditional writes, queries,
 * batches. The generator keeps out of the corners where dynalite is
 * known not to be DynamoDB (test_differential.c pins each one): no = or
 * IN on M or L, no ordered comparison of anything but S, N and B, no
 * false or empty value stored, ASCII-only binaries and non-key strings,
 * no key in U+E000..U+FFFF, at most one REMOVE of a list element per
 * update and then no other element named, numbers that stay within 38
 * digits, no path as the second operand of begins_with (two absent
 * operands crash dynalite 4.0.0).
 */
struct rnd {
	uint64_t	 s;
	bool		 index_removed;	/* the update removes l[i] */
	bool		 uses_index;	/* the update names l[i] */
};

/* An element of a static array. */
#define PICK(r, a)	((a)[rnd_below((r), sizeof (a) / sizeof (a)[0])])

struct rnd *
rnd_new(unsigned seed)
{
	struct rnd *r = xcalloc(1, sizeof *r);

	r->s = 0x9e3779b97f4a7c15ULL ^ seed;
	return r;
}

void
rnd_free(struct rnd *r)
{
	free(r);
}

/* ---- expressions ------------------------------------------------------- */

/* A top-level attribute operand. */
static struct expr *
rnd_name(const char *name)
{
	return expr_new_name(name);
}

/* S and N literals. */
static struct expr *
rnd_lit_s(const char *s)
{
	return expr_new_value(value_new_str(s));
}

static struct expr *
rnd_lit_n(const char *n)
{
	return expr_new_value(value_new_n(n, strlen(n)));
}

/* A two-operand node. */
static struct expr *
rnd_x2(enum expr_kind k, struct expr *a, struct expr *b)
{
	return expr_new(k, 2, a, b);
}

/* The key {pk, sk}. */
static struct value *
rnd_keyv(const char *pk, const char *sk)
{
	struct value *k = value_new_m();

	value_map_set(k, "pk", value_new_str(pk));
	value_map_set(k, "sk", value_new_str(sk));
	return k;
}

/* ---- the sequence ------------------------------------------------------ */

/* xorshift64*: the same sequence on every machine. */
static uint64_t
rnd_next(struct rnd *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* 0 .. n-1. */
static unsigned
rnd_below(struct rnd *r, unsigned n)
{
	return (unsigned)((rnd_next(r) >> 33) % n);
}

/* True with the given percentage. */
static bool
rnd_pct(struct rnd *r, unsigned pct)
{
	return rnd_below(r, 100) < pct;
}

/* No key uses U+E000..U+FFFF: there UTF-16 and UTF-8 orders disagree,
 * and dynalite checks start keys in UTF-16. */
static const char *const rpks[] = { "p0", "p1", "p2" };
static const char *const rsks[] = {
	"a", "a#1", "a#10", "a#2", "ab", "b", "b#x", "B", "z~", "0", "9",
	"a b", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
};
/* Key condition operands: keys, prefixes, bounds between keys. */
static const char *const rkvals[] = {
	"a", "a#", "a#1", "a#2", "a#10", "b", "c", "0", "A", "~", "z",
	"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
};
static const char *const rnames[] = {
	"s", "n", "b", "m", "l", "x", "y", "set",
};
static const char *const rmembers[] = { "a", "b", "c" };
static const char *const rstrs[] = {
	"a", "ab", "abc", "b", "B", "x y", "10", "hello", "a#1", "zz",
};
static const char *const rnums[] = {
	"0", "1", "-1", "2", "10", "1.5", "-2.25", "0.001", "1000", "1e3",
	"12345678901234567890", "-0", "3.14159", "1.50", "100",
};
static const char *const rbins[] = { "a", "ab", "\0\1", "b", "zz", "abc" };
static const char *const rtypes[] = {
	"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS",
};

/* A random S, N or B from the pools. */
static struct value *
rnd_str(struct rnd *r)
{
	return value_new_str(PICK(r, rstrs));
}

static struct value *
rnd_num(struct rnd *r)
{
	const char *n = PICK(r, rnums);

	return value_new_n(n, strlen(n));
}

static struct value *
rnd_bin(struct rnd *r)
{
	unsigned i = rnd_below(r, sizeof rbins / sizeof rbins[0]);

	/* "\0\1" is two bytes; the others are C strings. */
	return value_new_b(rbins[i], i == 2 ? 2 : strlen(rbins[i]));
}

/* Whether a set already holds v (numbers by value). */
static bool
rnd_set_has(const struct value *set, const struct value *v)
{
	size_t i;

	for (i = 0; i < set->u.list.len; i++) {
		const struct value *x = set->u.list.items[i];

		if (set->type == VT_NS ? number_cmp(x->u.str.ptr, x->u.str.len,
		    v->u.str.ptr, v->u.str.len) == 0 : (x->u.str.len ==
		    v->u.str.len && memcmp(x->u.str.ptr, v->u.str.ptr,
		    x->u.str.len) == 0))
			return true;
	}
	return false;
}

/* A set of 1 to 3 elements; now and then (1%) with a duplicate, which
 * both sides must refuse. */
static struct value *
rnd_set(struct rnd *r, enum value_type t)
{
	struct value *set = value_new_set(t);
	unsigned n = 1 + rnd_below(r, 3), i;
	bool dup = rnd_pct(r, 1);

	for (i = 0; i < n; i++) {
		struct value *v = t == VT_SS ? rnd_str(r) : t == VT_NS ?
		    rnd_num(r) : rnd_bin(r);

		if (!dup && rnd_set_has(set, v)) {
			value_free(v);
			continue;
		}
		value_list_append(set, v);
	}
	if (dup)
		value_list_append(set, value_copy(set->u.list.items[0]));
	return set;
}

/* A value of a random type; depth limits nesting. */
static struct value *
rnd_value(struct rnd *r, int depth)
{
	struct value *v;
	unsigned k = rnd_below(r, depth < 2 ? 100 : 82), i, n;

	if (k < 20)
		return rnd_str(r);
	if (k < 40)
		return rnd_num(r);
	if (k < 48)
		return rnd_bin(r);
	if (k < 53)
		return value_new_bool(true);
	if (k < 58)
		return value_new_null();
	if (k < 66)
		return rnd_set(r, VT_SS);
	if (k < 74)
		return rnd_set(r, VT_NS);
	if (k < 82)
		return rnd_set(r, VT_BS);
	if (k < 90) {
		v = value_new_m();
		n = rnd_below(r, 4);
		for (i = 0; i < n; i++) {
			const char *name = PICK(r, rmembers);

			value_map_set(v, name, rnd_value(r, depth + 1));
		}
		return v;
	}
	v = value_new_l();
	n = rnd_below(r, 5);
	for (i = 0; i < n; i++)
		value_list_append(v, rnd_value(r, depth + 1));
	return v;
}

/* A document path: an attribute (want, when given, more often than
 * not), sometimes a member or an element of it; members mostly under
 * m, elements mostly under l, where the items keep maps and lists. */
static struct path
rnd_path_of(struct rnd *r, const char *want)
{
	struct path p;
	const char *name = want != NULL && rnd_pct(r, 65) ? want :
	    PICK(r, rnames);
	int extra = rnd_pct(r, 25) ? (rnd_pct(r, 25) ? 2 : 1) : 0;
	bool member = strcmp(name, "l") != 0;

	path_init(&p);
	path_push_name(&p, name, strlen(name));
	while (extra-- > 0) {
		if (rnd_pct(r, 80) ? member : !member) {
			const char *m = PICK(r, rmembers);

			path_push_name(&p, m, strlen(m));
		} else {
			path_push_index(&p, rnd_below(r, 4));
			r->uses_index = true;
		}
		member = rnd_pct(r, 50);
	}
	return p;
}

/* A path on any attribute. */
static struct path
rnd_path(struct rnd *r)
{
	return rnd_path_of(r, NULL);
}

/* The same, as operands. */
static struct expr *
rnd_path_expr_of(struct rnd *r, const char *want)
{
	struct path p = rnd_path_of(r, want);

	return expr_new_path(&p);
}

static struct expr *
rnd_path_expr(struct rnd *r)
{
	return rnd_path_expr_of(r, NULL);
}

/* Add a random path to the request's projection. */
static void
rnd_project(struct rnd *r, struct request *rq)
{
	rq->projection = xreallocarray(rq->projection, rq->nprojection + 1,
	    sizeof *rq->projection);
	rq->projection[rq->nprojection++] = rnd_path(r);
}

/* A literal for = and <>: scalars of every type, "", sets. */
static struct expr *
rnd_eq_literal(struct rnd *r)
{
	unsigned k = rnd_below(r, 100);

	if (k < 25)
		return expr_new_value(rnd_str(r));
	if (k < 30)
		return rnd_lit_s("");
	if (k < 55)
		return expr_new_value(rnd_num(r));
	if (k < 65)
		return expr_new_value(rnd_bin(r));
	if (k < 72)
		return expr_new_value(value_new_bool(rnd_pct(r, 50)));
	if (k < 77)
		return expr_new_value(value_new_null());
	return expr_new_value(rnd_set(r, k < 85 ? VT_SS : k < 93 ? VT_NS :
	    VT_BS));
}

/* A literal of an ordered type (S, N or B). */
static struct expr *
rnd_ord_literal(struct rnd *r, enum value_type t)
{
	if (t == VT_COUNT)
		t = PICK(r, ((const enum value_type[]){ VT_S, VT_S, VT_N,
		    VT_N, VT_B }));
	return expr_new_value(t == VT_S ? rnd_str(r) : t == VT_N ?
	    rnd_num(r) : rnd_bin(r));
}

/* The order of two S, N or B of one type. */
static int
rnd_order(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c;

	if (a->type == VT_N)
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len);
	c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;
	if (c != 0)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : a->u.str.len >
	    b->u.str.len;
}

/* A path to test with a function: now and then a key attribute. */
static struct expr *
rnd_fn_path(struct rnd *r)
{
	if (rnd_pct(r, 20))
		return rnd_name(rnd_pct(r, 50) ? "pk" : "sk");
	return rnd_path_expr(r);
}

/*
 * One simple condition. Every random draw is a statement of its own:
 * the order in which C evaluates arguments is unspecified, and the
 * sequence must be the same whatever the compiler.
 */
static struct expr *
rnd_atom(struct rnd *r)
{
	static const enum expr_kind ord[] = {
		EX_LT, EX_LE, EX_GT, EX_GE
	};
	static const enum expr_kind cmp[] = {
		EX_EQ, EX_NE, EX_LT, EX_LE, EX_GT, EX_GE
	};
	static const enum value_type sbn[] = { VT_S, VT_N, VT_B };
	struct expr *a, *b, *lo, *hi;
	enum expr_kind op;
	enum value_type t;
	unsigned k = rnd_below(r, 100), n, i;
	bool swap;
	char sz[4];

	if (k < 30) {
		a = rnd_path_expr(r);
		if (k < 16) {
			b = rnd_eq_literal(r);
			op = rnd_pct(r, 60) ? EX_EQ : EX_NE;
		} else {
			b = rnd_ord_literal(r, VT_COUNT);
			op = PICK(r, ord);
		}
		swap = rnd_pct(r, 20);
		return swap ? rnd_x2(op, b, a) : rnd_x2(op, a, b);
	}
	if (k < 37) {
		t = PICK(r, sbn);
		lo = rnd_ord_literal(r, t);
		hi = rnd_ord_literal(r, rnd_pct(r, 3) ? VT_COUNT : t);
		/* Mostly in order; the rest must be refused alike. */
		if (lo->value->type == hi->value->type && rnd_pct(r, 90) &&
		    rnd_order(lo->value, hi->value) > 0) {
			a = lo;
			lo = hi;
			hi = a;
		}
		a = rnd_path_expr(r);
		return expr_new(EX_BETWEEN, 3, a, lo, hi);
	}
	if (k < 44) {
		n = 1 + rnd_below(r, 3);
		a = expr_new(EX_IN, 1, rnd_path_expr(r));
		for (i = 0; i < n; i++) {
			a->args = xreallocarray(a->args, a->nargs + 1,
			    sizeof *a->args);
			a->args[a->nargs++] = rnd_eq_literal(r);
		}
		return a;
	}
	if (k < 52) {
		a = rnd_path_expr(r);
		b = rnd_pct(r, 75) ? (rnd_pct(r, 10) ? rnd_lit_s("") :
		    expr_new_value(rnd_str(r))) : expr_new_value(rnd_bin(r));
		return rnd_x2(EX_BEGINS_WITH, a, b);
	}
	if (k < 62) {
		a = rnd_path_expr(r);
		b = rnd_ord_literal(r, VT_COUNT);
		return rnd_x2(EX_CONTAINS, a, b);
	}
	if (k < 82)
		return expr_new(k < 72 ? EX_EXISTS : EX_NOT_EXISTS, 1,
		    rnd_fn_path(r));
	if (k < 90) {
		a = rnd_path_expr(r);
		b = rnd_lit_s(rnd_pct(r, 3) ? "Number" : PICK(r, rtypes));
		return rnd_x2(EX_ATTR_TYPE, a, b);
	}
	snprintf(sz, sizeof sz, "%u", rnd_below(r, 5));
	a = expr_new(EX_SIZE, 1, rnd_path_expr(r));
	op = PICK(r, cmp);
	return rnd_x2(op, a, rnd_lit_n(sz));
}

/* A condition of up to depth levels of AND / OR / NOT. */
static struct expr *
rnd_cond(struct rnd *r, int depth)
{
	unsigned k = rnd_below(r, 100);
	struct expr *a, *b;

	if (depth > 0 && k < 32) {
		a = rnd_cond(r, depth - 1);
		b = rnd_cond(r, depth - 1);
		return expr_new(k < 20 ? EX_AND : EX_OR, 2, a, b);
	}
	if (depth > 0 && k < 38)
		return expr_new(EX_NOT, 1, rnd_cond(r, depth - 1));
	return rnd_atom(r);
}

/* A condition for a write: insert-only, must-exist, or random. */
static struct expr *
rnd_write_cond(struct rnd *r)
{
	unsigned k = rnd_below(r, 100);

	if (k < 30)
		return expr_new(EX_NOT_EXISTS, 1, rnd_name("pk"));
	if (k < 40)
		return expr_new(EX_EXISTS, 1, rnd_name("sk"));
	return rnd_cond(r, 2);
}

/* A key of the small key space. */
static struct value *
rnd_key(struct rnd *r)
{
	const char *pk = PICK(r, rpks);
	const char *sk = PICK(r, rsks);

	return rnd_keyv(pk, sk);
}

/* A value for attribute name: mostly of the type its name suggests
 * (s S, n N, b B, m M, l L, set SS), so that updates find what they
 * work on; sometimes of any type. */
static struct value *
rnd_value_for(struct rnd *r, const char *name)
{
	struct value *v;
	unsigned i;

	if (rnd_pct(r, 25))
		return rnd_value(r, 0);
	switch (strcmp(name, "set") == 0 ? 'S' : name[0]) {
	case 's':
		return rnd_str(r);
	case 'n':
		return rnd_num(r);
	case 'b':
		return rnd_bin(r);
	case 'S':
		return rnd_set(r, VT_SS);
	case 'm':
		v = value_new_m();
		for (i = 0; i < 3; i++)
			if (rnd_pct(r, 70))
				value_map_set(v, rmembers[i], i == 0 ?
				    rnd_num(r) : rnd_value(r, 1));
		return v;
	case 'l':
		v = value_new_l();
		for (i = rnd_below(r, 5); i > 0; i--)
			value_list_append(v, rnd_value(r, 1));
		return v;
	default:
		return rnd_value(r, 0);
	}
}

/* An item of 0 to 6 random attributes at a random key. */
static struct value *
rnd_item(struct rnd *r)
{
	struct value *it = rnd_key(r);
	unsigned n = rnd_below(r, 7), i;

	for (i = 0; i < n; i++) {
		const char *name = PICK(r, rnames);

		value_map_set(it, name, rnd_value_for(r, name));
	}
	return it;
}

/* An operand of SET that is a list. */
static struct expr *
rnd_list_operand(struct rnd *r)
{
	unsigned k = rnd_below(r, 3);
	struct value *l;

	if (k == 0)
		return rnd_path_expr_of(r, "l");
	l = value_new_l();
	while (rnd_pct(r, 50))
		value_list_append(l, rnd_value(r, 1));
	if (k == 1)
		return expr_new_value(l);
	return rnd_x2(EX_IF_NOT_EXISTS, rnd_path_expr_of(r, "l"),
	    expr_new_value(l));
}

/* The right side of a SET. */
static struct expr *
rnd_set_operand(struct rnd *r)
{
	unsigned k = rnd_below(r, 100);
	struct expr *a, *b;

	if (k < 45)
		return expr_new_value(rnd_value(r, 0));
	if (k < 52)
		return rnd_path_expr(r);
	if (k < 64) {
		a = rnd_path_expr(r);
		b = expr_new_value(rnd_value(r, 0));
		return rnd_x2(EX_IF_NOT_EXISTS, a, b);
	}
	if (k < 76) {
		a = rnd_list_operand(r);
		b = rnd_list_operand(r);
		return rnd_x2(EX_LIST_APPEND, a, b);
	}
	if (k < 84) {
		a = rnd_path_expr_of(r, "n");
		b = expr_new_value(rnd_num(r));
		return rnd_x2(rnd_pct(r, 60) ? EX_PLUS : EX_MINUS, a, b);
	}
	if (k < 88) {
		a = expr_new_value(rnd_num(r));
		b = rnd_path_expr_of(r, "n");
		return rnd_x2(EX_PLUS, a, b);
	}
	if (k < 97) {
		a = rnd_path_expr_of(r, "n");
		return rnd_x2(EX_PLUS, rnd_x2(EX_IF_NOT_EXISTS, a,
		    rnd_lit_n("0")), rnd_lit_n("1"));
	}
	a = rnd_path_expr_of(r, "n");
	b = rnd_path_expr_of(r, "n");
	return rnd_x2(EX_MINUS, a, b);
}

/* Whether an update already has a clause on the attribute p names. */
static bool
rnd_head_used(const struct update *u, const struct path *p)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->clauses[i].path.segs[0].name_len ==
		    p->segs[0].name_len && memcmp(u->clauses[i].path.segs[0].
		    name, p->segs[0].name, p->segs[0].name_len) == 0)
			return true;
	return false;
}

/* The bit of an attribute of rnames (0 for another name). */
static unsigned
rnd_name_bit(const struct path *p)
{
	size_t i;

	for (i = 0; i < sizeof rnames / sizeof rnames[0]; i++)
		if (p->n > 0 && p->segs[0].name != NULL &&
		    strlen(rnames[i]) == p->segs[0].name_len &&
		    memcmp(rnames[i], p->segs[0].name, p->segs[0].name_len) ==
		    0)
			return 1u << i;
	return 0;
}

/* The attributes whose values a SET operand hands on as they are (a
 * path, if_not_exists, list_append; not arithmetic, which makes a new
 * number). */
static unsigned
rnd_sources(const struct expr *x)
{
	unsigned bits = 0;
	size_t i;

	if (x == NULL || x->kind == EX_PLUS || x->kind == EX_MINUS)
		return 0;
	if (x->kind == EX_PATH)
		return rnd_name_bit(&x->path);
	for (i = 0; i < x->nargs; i++)
		bits |= rnd_sources(x->args[i]);
	return bits;
}

/*
 * 1 to 3 clauses, mostly on distinct attributes (overlapping paths are
 * refused, which a few still exercise). Two corners of dynalite stay
 * out: it removes list elements one after the other, so an update that
 * removes one names no other element; and SET a = b shares b's value,
 * so what another clause then does to b shows in a: an attribute that
 * a SET hands on is not the target of any clause.
 */
static void
rnd_update(struct rnd *r, struct request *rq)
{
	unsigned n = 1 + rnd_below(r, 3), i, targets = 0, sources = 0;

	r->index_removed = false;
	for (i = 0; i < n; i++) {
		unsigned k = rnd_below(r, 100), t, tbit, sbits;
		bool before = r->uses_index;
		struct path p;
		struct expr *operand = NULL;
		enum update_action a;
		const char *want;

		r->uses_index = false;
		if (k < 50) {
			a = UPD_SET;
			want = NULL;
		} else if (k < 65) {
			a = UPD_REMOVE;
			want = NULL;
		} else if (k < 85) {
			a = UPD_ADD;
			t = rnd_below(r, 100);
			want = t < 60 ? "n" : "set";
			operand = expr_new_value(t < 60 ? rnd_num(r) : t < 95 ?
			    rnd_set(r, t < 85 ? VT_SS : PICK(r,
			    ((const enum value_type[]){ VT_NS, VT_BS }))) :
			    rnd_str(r));
		} else {
			a = UPD_DELETE;
			want = "set";
			operand = expr_new_value(rnd_pct(r, 92) ? rnd_set(r,
			    rnd_pct(r, 70) ? VT_SS : PICK(r,
			    ((const enum value_type[]){ VT_NS, VT_BS }))) :
			    rnd_num(r));
		}
		p = rnd_path_of(r, want);
		if (rnd_head_used(&rq->update, &p) && rnd_pct(r, 85)) {
			path_cleanup(&p);
			p = rnd_path(r);
		}
		if (a == UPD_SET)
			operand = rnd_set_operand(r);
		tbit = rnd_name_bit(&p);
		sbits = a == UPD_SET ? rnd_sources(operand) : 0;
		if ((a == UPD_REMOVE && p.segs[p.n - 1].name == NULL &&
		    (before || r->index_removed)) ||
		    (r->index_removed && r->uses_index) ||
		    (tbit & (sources | sbits)) != 0 ||
		    (sbits & targets) != 0) {
			path_cleanup(&p);
			expr_free(operand);
			r->uses_index = before;
			continue;
		}
		if (a == UPD_REMOVE && p.segs[p.n - 1].name == NULL)
			r->index_removed = true;
		r->uses_index = before || r->uses_index;
		targets |= tbit;
		sources |= sbits;
		update_add(&rq->update, a, &p, operand);
	}
	r->uses_index = false;
}

/* A random sort key condition, or NULL. */
static struct expr *
rnd_key_cond(struct rnd *r)
{
	static const enum expr_kind ops[] = {
		EX_EQ, EX_LT, EX_LE, EX_GT, EX_GE, EX_BETWEEN, EX_BETWEEN,
		EX_BEGINS_WITH, EX_BEGINS_WITH,
	};
	enum expr_kind op = PICK(r, ops);
	struct expr *lo, *hi;

	if (rnd_pct(r, 25))
		return NULL;
	lo = rnd_lit_s(PICK(r, rkvals));
	if (op == EX_BETWEEN) {
		hi = rnd_lit_s(PICK(r, rkvals));
		if (rnd_pct(r, 90) && rnd_order(lo->value, hi->value) > 0)
			return expr_new(EX_BETWEEN, 3, rnd_name("sk"), hi, lo);
		return expr_new(EX_BETWEEN, 3, rnd_name("sk"), lo, hi);
	}
	if (op == EX_BEGINS_WITH || rnd_pct(r, 80))
		return rnd_x2(op, rnd_name("sk"), lo);
	return rnd_x2(op, lo, rnd_name("sk"));
}

/* A Query of one partition: key condition, filter, limit, order. */
static void
rnd_query(struct rnd *r, const char *table, struct request *rq)
{
	struct expr *pk;

	request_init(rq, OP_QUERY, table);
	pk = rnd_x2(EX_EQ, rnd_name("pk"), rnd_lit_s(rnd_pct(r, 3) ? "p9" :
	    PICK(r, rpks)));
	rq->key_condition = expr_and(pk, rnd_key_cond(r));
	if (rnd_pct(r, 50))
		rq->filter = rnd_cond(r, 2);
	if (rnd_pct(r, 40))
		rq->limit = 1 + rnd_below(r, 5);
	rq->scan_forward = rnd_pct(r, 65);
	rq->consistent_read = rnd_pct(r, 50);
	if (rnd_pct(r, 10))
		rq->select_count = true;
	else if (rnd_pct(r, 10))
		rnd_project(r, rq);
}

/* A BatchWriteItem of 1 to 6 puts and deletes. */
static void
rnd_batch_write(struct rnd *r, const char *table, struct request *rq)
{
	unsigned n = 1 + rnd_below(r, 6), i, j;
	bool dup = rnd_pct(r, 8);

	request_init(rq, OP_BATCH_WRITE_ITEM, table);
	rq->writes = xcalloc(n, sizeof *rq->writes);
	for (i = 0; i < n; i++) {
		struct write_request *w = &rq->writes[rq->nwrites];

		w->is_delete = rnd_pct(r, 30);
		w->value = w->is_delete ? rnd_key(r) : rnd_item(r);
		for (j = 0; j < rq->nwrites && !dup; j++)
			if (value_equal(value_map_get(w->value, "pk"),
			    value_map_get(rq->writes[j].value, "pk")) &&
			    value_equal(value_map_get(w->value, "sk"),
			    value_map_get(rq->writes[j].value, "sk")))
				break;
		if (j < rq->nwrites) {
			value_free(w->value);
			continue;
		}
		rq->nwrites++;
	}
}

/* A BatchGetItem of 1 to 6 keys. */
static void
rnd_batch_get(struct rnd *r, const char *table, struct request *rq)
{
	unsigned n = 1 + rnd_below(r, 6), i, j;
	bool dup = rnd_pct(r, 8);

	request_init(rq, OP_BATCH_GET_ITEM, table);
	rq->keys = xcalloc(n, sizeof *rq->keys);
	for (i = 0; i < n; i++) {
		struct value *k = rnd_key(r);

		for (j = 0; j < rq->nkeys && !dup; j++)
			if (value_equal(k, rq->keys[j]))
				break;
		if (j < rq->nkeys) {
			value_free(k);
			continue;
		}
		rq->keys[rq->nkeys++] = k;
	}
	rq->consistent_read = rnd_pct(r, 50);
	if (rnd_pct(r, 15))
		rnd_project(r, rq);
}

void
rnd_request(struct rnd *r, const char *table, struct request *rq)
{
	unsigned k = rnd_below(r, 100);

	if (k < 22) {
		request_init(rq, OP_PUT_ITEM, table);
		rq->item = rnd_item(r);
		if (rnd_pct(r, 35))
			rq->condition = rnd_write_cond(r);
		if (rnd_pct(r, 30))
			rq->return_values = RV_ALL_OLD;
	} else if (k < 50) {
		request_init(rq, OP_UPDATE_ITEM, table);
		rq->key = rnd_key(r);
		rnd_update(r, rq);
		if (rnd_pct(r, 35))
			rq->condition = rnd_write_cond(r);
		rq->return_values = PICK(r, ((const enum return_values[]){
		    RV_NONE, RV_ALL_OLD, RV_ALL_NEW, RV_UPDATED_OLD,
		    RV_UPDATED_NEW }));
	} else if (k < 57) {
		request_init(rq, OP_DELETE_ITEM, table);
		rq->key = rnd_key(r);
		if (rnd_pct(r, 40))
			rq->condition = rnd_write_cond(r);
		if (rnd_pct(r, 40))
			rq->return_values = RV_ALL_OLD;
	} else if (k < 65) {
		request_init(rq, OP_GET_ITEM, table);
		rq->key = rnd_key(r);
		rq->consistent_read = rnd_pct(r, 50);
		while (rnd_pct(r, 25 + 10 * (rq->nprojection > 0)))
			rnd_project(r, rq);
	} else if (k < 85)
		rnd_query(r, table, rq);
	else if (k < 92)
		rnd_batch_write(r, table, rq);
	else if (k < 97)
		rnd_batch_get(r, table, rq);
	else {
		/* dynalite drops ConsistentRead from a Scan (and charges
		 * eventually consistent reads), so no Scan here asks. */
		request_init(rq, OP_SCAN, table);
		if (rnd_pct(r, 50))
			rq->filter = rnd_cond(r, 2);
	}
}
