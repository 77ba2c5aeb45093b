/* SPDX-License-Identifier: ISC */
/* Tests for value.c: constructors, maps, lists, copying and equality. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "xmalloc.h"

/* A set of the given type from C strings (S/N texts, B bytes). */
static struct value *
make_set(enum value_type t, const char *const *elems, size_t n)
{
	struct value *s = value_new_set(t);
	size_t i;

	for (i = 0; i < n; i++) {
		const char *e = elems[i];

		if (t == VT_NS)
			value_list_append(s, value_new_n(e, strlen(e)));
		else if (t == VT_BS)
			value_list_append(s, value_new_b(e, strlen(e)));
		else
			value_list_append(s, value_new_str(e));
	}
	return s;
}

Test(value, scalars)
{
	struct value *v;

	v = value_new_s("a\0b", 3);
	cr_expect_eq(v->type, VT_S);
	cr_expect_eq(v->u.str.len, 3);
	cr_expect_eq(memcmp(v->u.str.ptr, "a\0b", 4), 0);
	value_free(v);

	v = value_new_str("hello");
	cr_expect_eq(v->u.str.len, 5);
	cr_expect_str_eq(v->u.str.ptr, "hello");
	value_free(v);

	v = value_new_n("1.50", 4);
	cr_expect_eq(v->type, VT_N);
	cr_expect_str_eq(v->u.str.ptr, "1.50");
	value_free(v);

	v = value_new_b("\x00\xff", 2);
	cr_expect_eq(v->type, VT_B);
	cr_expect_eq(v->u.str.len, 2);
	cr_expect_eq((unsigned char)v->u.str.ptr[1], 0xff);
	cr_expect_eq(v->u.str.ptr[2], '\0');
	value_free(v);

	v = value_new_bool(true);
	cr_expect_eq(v->type, VT_BOOL);
	cr_expect(v->u.boolean);
	value_free(v);

	v = value_new_null();
	cr_expect_eq(v->type, VT_NULL);
	value_free(v);

	v = value_new_owned(VT_N, xstrdup("42"), 2);
	cr_expect_eq(v->type, VT_N);
	cr_expect_str_eq(v->u.str.ptr, "42");
	value_free(v);

	value_free(NULL);
}

Test(value, type_names)
{
	enum value_type t;

	for (t = 0; t < VT_COUNT; t++) {
		const char *n = value_type_name(t);

		cr_expect_eq(value_type_from_name(n, strlen(n)), t, "%s", n);
	}
	cr_expect_str_eq(value_type_name(VT_BOOL), "BOOL");
	cr_expect_str_eq(value_type_name(VT_NS), "NS");
	cr_expect_eq(value_type_from_name("X", 1), VT_COUNT);
	cr_expect_eq(value_type_from_name("", 0), VT_COUNT);
	cr_expect_eq(value_type_from_name("s", 1), VT_COUNT);
	cr_expect_eq(value_type_from_name("SSS", 3), VT_COUNT);
	cr_expect_eq(value_type_from_name("LS", 2), VT_COUNT);
	cr_expect_eq(value_type_from_name("NULLX", 5), VT_COUNT);
	cr_expect_eq(value_type_from_name("S\0", 2), VT_COUNT);
}

Test(value, predicates)
{
	struct value *s = value_new_str("x"), *l = value_new_l();
	struct value *ss = value_new_set(VT_SS), *m = value_new_m();

	cr_expect(value_is_scalar_string(s));
	cr_expect(!value_is_scalar_string(l));
	cr_expect(!value_is_set(l));
	cr_expect(value_is_set(ss));
	cr_expect(!value_is_set(m));
	value_free(s);
	value_free(l);
	value_free(ss);
	value_free(m);
}

Test(value, map_members)
{
	struct value *m = value_new_m(), *v;

	value_map_set(m, "a", value_new_str("1"));
	value_map_set(m, "b", value_new_str("2"));
	value_map_setn(m, "c\0d", 3, value_new_str("3"));
	cr_assert_eq(m->u.map.len, 3);
	cr_expect_eq(m->u.map.items[2].name_len, 3);

	/* Replacing keeps the position. */
	value_map_set(m, "a", value_new_n("9", 1));
	cr_assert_eq(m->u.map.len, 3);
	cr_expect_str_eq(m->u.map.items[0].name, "a");
	cr_expect_eq(m->u.map.items[0].value->type, VT_N);

	cr_expect_str_eq(value_map_get(m, "b")->u.str.ptr, "2");
	cr_expect_null(value_map_get(m, "c"));
	cr_expect_null(value_map_get(m, "zz"));
	cr_expect_not_null(value_map_getn(m, "c\0d", 3));
	cr_expect_null(value_map_getn(m, "c\0e", 3));

	v = value_map_take(m, "a");
	cr_assert_not_null(v);
	cr_expect_str_eq(v->u.str.ptr, "9");
	value_free(v);
	cr_expect_eq(m->u.map.len, 2);
	cr_expect_str_eq(m->u.map.items[0].name, "b");
	cr_expect_null(value_map_take(m, "a"));
	cr_expect_null(value_map_get(m, "a"));

	value_map_add_owned(m, xstrdup("e"), 1, value_new_null());
	cr_expect_eq(value_map_get(m, "e")->type, VT_NULL);
	value_free(m);
}

Test(value, map_access_on_non_maps)
{
	struct value *l = value_new_l();

	cr_expect_null(value_map_get(l, "a"));
	cr_expect_null(value_map_take(l, "a"));
	cr_expect_null(value_map_get(NULL, "a"));
	value_free(l);
}

Test(value, big_map_and_list)
{
	struct value *m = value_new_m(), *l = value_new_l();
	char name[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "k%d", i);
		value_map_set(m, name, value_new_n(name + 1, strlen(name + 1)));
		value_list_append(l, value_new_bool(i % 2));
	}
	cr_assert_eq(m->u.map.len, 1000);
	cr_assert_eq(l->u.list.len, 1000);
	cr_expect_str_eq(value_map_get(m, "k777")->u.str.ptr, "777");
	cr_expect_eq(l->u.list.items[999]->u.boolean, true);
	cr_expect_eq(l->u.list.items[998]->u.boolean, false);
	value_free(m);
	value_free(l);
}

Test(value, equal_scalars)
{
	struct value *a, *b;

	a = value_new_n("1.50", 4);
	b = value_new_n("1.5", 3);
	cr_expect(value_equal(a, b));
	value_free(b);
	b = value_new_n("1.51", 4);
	cr_expect(!value_equal(a, b));
	value_free(b);
	/* Same text, other type. */
	b = value_new_s("1.50", 4);
	cr_expect(!value_equal(a, b));
	value_free(a);
	value_free(b);

	a = value_new_s("a\0b", 3);
	b = value_new_s("a\0c", 3);
	cr_expect(!value_equal(a, b));
	value_free(b);
	b = value_new_s("a", 1);
	cr_expect(!value_equal(a, b));
	value_free(b);
	b = value_new_s("a\0b", 3);
	cr_expect(value_equal(a, b));
	value_free(a);
	value_free(b);

	a = value_new_bool(true);
	b = value_new_bool(false);
	cr_expect(!value_equal(a, b));
	value_free(a);
	value_free(b);

	a = value_new_null();
	b = value_new_null();
	cr_expect(value_equal(a, b));
	value_free(a);
	value_free(b);

	a = value_new_b("\x01\x02", 2);
	b = value_new_b("\x01\x02", 2);
	cr_expect(value_equal(a, b));
	value_free(b);
	b = value_new_s("\x01\x02", 2);
	cr_expect(!value_equal(a, b));
	value_free(a);
	value_free(b);
}

Test(value, equal_sets_ignore_order)
{
	static const char *const ns1[] = { "1", "2.50", "-3" };
	static const char *const ns2[] = { "-3.0", "1e0", "2.5" };
	static const char *const ns3[] = { "-3.0", "1e0", "2.6" };
	static const char *const ss1[] = { "a", "b", "c" };
	static const char *const ss2[] = { "c", "a", "b" };
	static const char *const ss3[] = { "c", "a", "a" };
	static const char *const ss4[] = { "c", "a" };
	struct value *a, *b;

	a = make_set(VT_NS, ns1, 3);
	b = make_set(VT_NS, ns2, 3);
	cr_expect(value_equal(a, b));
	value_free(b);
	b = make_set(VT_NS, ns3, 3);
	cr_expect(!value_equal(a, b));
	value_free(a);
	value_free(b);

	a = make_set(VT_SS, ss1, 3);
	b = make_set(VT_SS, ss2, 3);
	cr_expect(value_equal(a, b));
	value_free(b);
	b = make_set(VT_SS, ss3, 3);
	cr_expect(!value_equal(a, b));
	value_free(b);
	b = make_set(VT_SS, ss4, 2);
	cr_expect(!value_equal(a, b));
	value_free(b);
	b = make_set(VT_BS, ss2, 3);
	cr_expect(!value_equal(a, b));
	value_free(b);
	value_free(a);

	a = make_set(VT_BS, ss1, 3);
	b = make_set(VT_BS, ss2, 3);
	cr_expect(value_equal(a, b));
	value_free(a);
	value_free(b);
}

Test(value, equal_large_sets_ignore_order)
{
	struct value *a = value_new_set(VT_NS), *b = value_new_set(VT_NS);
	struct value *c = value_new_set(VT_SS), *d = value_new_set(VT_SS);
	char t[32];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(t, sizeof t, "%d", i);
		value_list_append(a, value_new_n(t, strlen(t)));
		value_list_append(c, value_new_str(t));
		snprintf(t, sizeof t, "%d.0", 99 - i);
		value_list_append(b, value_new_n(t, strlen(t)));
		snprintf(t, sizeof t, "%d", 99 - i);
		value_list_append(d, value_new_str(t));
	}
	cr_expect(value_equal(a, b));
	cr_expect(value_equal(c, d));
	value_free(d->u.list.items[50]);
	d->u.list.items[50] = value_new_str("x");
	cr_expect(!value_equal(c, d));
	value_free(a);
	value_free(b);
	value_free(c);
	value_free(d);
}

Test(value, equal_maps_ignore_member_order_lists_do_not)
{
	struct value *a = value_new_m(), *b = value_new_m(), *l1, *l2;

	value_map_set(a, "x", value_new_n("1", 1));
	value_map_set(a, "y", value_new_str("s"));
	value_map_set(b, "y", value_new_str("s"));
	value_map_set(b, "x", value_new_n("1.0", 3));
	cr_expect(value_equal(a, b));
	value_map_set(b, "z", value_new_null());
	cr_expect(!value_equal(a, b));
	cr_expect(!value_equal(b, a));
	value_map_set(a, "w", value_new_null());
	cr_expect(!value_equal(a, b));

	l1 = value_new_l();
	l2 = value_new_l();
	value_list_append(l1, value_new_n("1", 1));
	value_list_append(l1, value_new_n("2", 1));
	value_list_append(l2, value_new_n("2", 1));
	value_list_append(l2, value_new_n("1", 1));
	cr_expect(!value_equal(l1, l2));
	value_list_append(l1, value_new_null());
	cr_expect(!value_equal(l1, l2));
	value_free(l1);
	value_free(l2);
	value_free(a);
	value_free(b);
}

Test(value, copy_is_deep)
{
	struct value *m = value_new_m(), *inner = value_new_m(), *c;
	struct value *l = value_new_l(), *ss = value_new_set(VT_SS);

	value_list_append(ss, value_new_str("q"));
	value_list_append(l, value_new_b("\0\1", 2));
	value_list_append(l, ss);
	value_map_set(inner, "deep", value_new_n("3.5", 3));
	value_map_set(m, "inner", inner);
	value_map_set(m, "list", l);
	value_map_setn(m, "n\0ul", 4, value_new_bool(false));
	value_map_set(m, "empty", value_new_m());

	c = value_copy(m);
	cr_assert(value_equal(m, c));
	cr_expect_neq(value_map_get(c, "inner"), inner);
	cr_expect_eq(c->u.map.items[2].name_len, 4);
	value_map_set(value_map_get(c, "inner"), "deep",
	    value_new_n("4", 1));
	cr_expect(!value_equal(m, c));
	cr_expect_str_eq(value_map_get(inner, "deep")->u.str.ptr, "3.5");
	value_free(m);
	value_free(c);
}

Test(value, take_str_keeps_the_bytes)
{
	struct value *v;
	size_t len;
	char *p;

	v = value_new_s("a\0b", 3);
	p = value_take_str(v, &len);
	cr_expect_eq(len, 3);
	cr_expect_eq(memcmp(p, "a\0b", 4), 0);
	free(p);

	v = value_new_owned(VT_B, xstrdup("xyz"), 3);
	p = value_take_str(v, NULL);
	cr_expect_str_eq(p, "xyz");
	free(p);

	/* A copy's bytes are its own. */
	v = value_new_owned(VT_N, xstrdup("7"), 1);
	p = value_take_str(value_copy(v), &len);
	value_free(v);
	cr_expect_str_eq(p, "7");
	cr_expect_eq(len, 1);
	free(p);
}

Test(value, map_reserve)
{
	struct value *m = value_new_m();
	struct value_member *items;
	char name[16];
	int i;

	value_map_set(m, "a", value_new_null());
	value_map_reserve(m, 20);
	cr_expect_geq(m->u.map.cap, 21);
	items = m->u.map.items;
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "m%d", i);
		value_map_set(m, name, value_new_bool(true));
	}
	/* No growth was needed. */
	cr_expect_eq(m->u.map.items, items);
	cr_expect_eq(m->u.map.len, 21);
	cr_expect_eq(value_map_get(m, "a")->type, VT_NULL);
	value_free(m);
}

/* value_same: byte for byte and in order, where value_equal is not. */
Test(value, same_is_stricter_than_equal)
{
	struct value *a = value_new_m(), *b = value_new_m();

	value_map_set(a, "n", value_new_n("1.5", 3));
	value_map_set(a, "s", value_new_str("x"));
	value_map_set(b, "n", value_new_n("1.5", 3));
	value_map_set(b, "s", value_new_str("x"));
	cr_expect(value_same(a, b));
	value_map_set(b, "n", value_new_n("1.50", 4));
	cr_expect(value_equal(a, b));
	cr_expect_not(value_same(a, b));
	value_free(b);
	/* The same members in another order. */
	b = value_new_m();
	value_map_set(b, "s", value_new_str("x"));
	value_map_set(b, "n", value_new_n("1.5", 3));
	cr_expect(value_equal(a, b));
	cr_expect_not(value_same(a, b));
	cr_expect(value_same(NULL, NULL));
	cr_expect_not(value_same(a, NULL));
	value_free(a);
	value_free(b);
}
