/* SPDX-License-Identifier: ISC */
/* DynamoDB JSON ({"S": "x"}, {"N": "1"}, ...) <-> typed values. */
#include "config.h"

#include "ddbjson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jsonlex.h"
#include "number.h"
#include "xmalloc.h"

/* Sets up to this size are checked for duplicates pairwise; larger ones
 * are sorted first. */
#define DDBJSON_SET_PAIRWISE_MAX 16
/* Longest name, tag or element quoted in an error message. */
#define DDBJSON_QUOTE_MAX	40
/* As json_parse: deeper documents are refused. */
#define DDBJSON_MAX_DEPTH	1000
#define DDBJSON_STACK_INLINE	32
#define DDBJSON_ITEM_RESERVE	16

const char *const ddbjson_response_items[] = {
	"Item",			/* GetItem, export lines */
	"Attributes",		/* PutItem, UpdateItem, DeleteItem */
	"Items[]",		/* Query, Scan */
	"LastEvaluatedKey",
	"Responses.*[]",	/* BatchGetItem */
	"UnprocessedKeys.*.Keys[]",
	"UnprocessedItems.*[].PutRequest.Item",
	"UnprocessedItems.*[].DeleteRequest.Key",
	NULL
};

/* Messages shared by the tree converter and the streaming parser; each
 * sets err without the attribute path, which the caller puts in front. */

/* Append bytes for a message: control bytes as '?', truncated. */
static void
ddbjson_add_quoted(struct buf *b, const char *s, size_t len)
{
	size_t i, n = len > DDBJSON_QUOTE_MAX ? DDBJSON_QUOTE_MAX : len;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (n < len)
		buf_add(b, "...", 3);
}

/* "expected an attribute value ..., found X". */
static void
ddbjson_err_not_value(struct err *err, const char *found)
{
	err_set(err, ERR_INPUT, "expected an attribute value such as "
	    "{\"S\": \"text\"}, found %s", found);
}

/* An item position holds something other than an object. */
static void
ddbjson_err_not_item(struct err *err, const char *found)
{
	err_set(err, ERR_INPUT, "expected an item (an object of attributes), "
	    "found %s", found);
}

/* {} where an attribute value belongs. */
static void
ddbjson_err_no_tag(struct err *err)
{
	err_set(err, ERR_INPUT, "empty attribute value: expected one type "
	    "tag");
}

/* {"S": ..., "N": ...}. */
static void
ddbjson_err_many_tags(struct err *err)
{
	err_set(err, ERR_INPUT, "attribute value has more than one type tag; "
	    "expected exactly one");
}

/* {"X": ...}. */
static void
ddbjson_err_unknown_tag(struct err *err, const char *tag, size_t len)
{
	struct buf q = BUF_INIT;

	ddbjson_add_quoted(&q, tag, len);
	err_set(err, ERR_INPUT, "unknown type tag \"%s\"", buf_cstr(&q));
	buf_cleanup(&q);
}

/* The payload of a tag is the wrong JSON type. */
static void
ddbjson_err_payload(struct err *err, enum value_type tag, const char *found)
{
	static const char *const want[VT_COUNT] = {
		[VT_S] = "a string", [VT_N] = "a string", [VT_B] = "a string",
		[VT_BOOL] = "true or false", [VT_NULL] = "true",
		[VT_M] = "an object", [VT_L] = "an array",
		[VT_SS] = "an array", [VT_NS] = "an array",
		[VT_BS] = "an array",
	};

	err_set(err, ERR_INPUT, "%s must hold %s, found %s",
	    value_type_name(tag), want[tag], found);
}

/* A set element is not a string. */
static void
ddbjson_err_element(struct err *err, enum value_type set, const char *found)
{
	err_set(err, ERR_INPUT, "%s elements must be strings, found %s",
	    value_type_name(set), found);
}

/* What a plain-JSON node is, for messages. */
static const char *
ddbjson_kind(const struct value *v)
{
	switch (v->type) {
	case VT_S:
		return "a string";
	case VT_N:
		return "a number";
	case VT_BOOL:
		return v->u.boolean ? "true" : "false";
	case VT_NULL:
		return "null";
	case VT_M:
		return "an object";
	default:
		return "an array";
	}
}

/* Decode a base64 string node in place into binary. */
static int
ddbjson_decode_b(struct value *v, struct err *err)
{
	size_t n;

	if (base64_decode_to(v->u.str.ptr, v->u.str.len, v->u.str.ptr, &n,
	    err) != 0)
		return -1;
	v->u.str.ptr[n] = '\0';
	v->u.str.len = n;
	return 0;
}

/* Retype a plain scalar node as the payload of tag (S, N, B, BOOL,
 * NULL) in place; the node is kept, strings are not copied. */
static int
ddbjson_type_scalar(struct value *v, enum value_type tag, struct err *err)
{
	switch (tag) {
	case VT_S:
	case VT_N:
	case VT_B:
		if (v->type != VT_S)
			break;
		if (tag == VT_N && number_check(v->u.str.ptr, v->u.str.len,
		    err) != 0)
			return -1;
		if (tag == VT_B && ddbjson_decode_b(v, err) != 0)
			return -1;
		v->type = tag;
		return 0;
	case VT_BOOL:
		if (v->type != VT_BOOL)
			break;
		return 0;
	case VT_NULL:
		if (v->type != VT_BOOL || !v->u.boolean)
			break;
		v->type = VT_NULL;
		return 0;
	default:
		break;
	}
	ddbjson_err_payload(err, tag, ddbjson_kind(v));
	return -1;
}

/* Retype a plain node as an element of a set (SS, NS, BS) in place. */
static int
ddbjson_type_element(struct value *v, enum value_type set, struct err *err)
{
	if (v->type != VT_S) {
		ddbjson_err_element(err, set, ddbjson_kind(v));
		return -1;
	}
	if (set == VT_NS)
		return ddbjson_type_scalar(v, VT_N, err);
	if (set == VT_BS)
		return ddbjson_type_scalar(v, VT_B, err);
	return 0;
}

/* Byte order of two string nodes. */
static int
ddbjson_cmp_bytes(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;

	if (c != 0 || a->u.str.len == b->u.str.len)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : 1;
}

/* Order of two set elements: numerically for NS, else by bytes. */
static int
ddbjson_cmp_elem(const struct value *a, const struct value *b)
{
	if (a->type == VT_N)
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len);
	return ddbjson_cmp_bytes(a, b);
}

/* qsort comparator over set elements. */
static int
ddbjson_qsort_elem(const void *pa, const void *pb)
{
	return ddbjson_cmp_elem(*(struct value *const *)pa,
	    *(struct value *const *)pb);
}

/* Report a duplicated set element (a and b are equal). */
static int
ddbjson_err_duplicate(const struct value *set, const struct value *a,
    const struct value *b, struct err *err)
{
	struct buf q = BUF_INIT;

	if (set->type == VT_BS)
		err_set(err, ERR_INPUT, "BS holds the same binary value twice");
	else if (set->type == VT_NS && ddbjson_cmp_bytes(a, b) != 0) {
		ddbjson_add_quoted(&q, a->u.str.ptr, a->u.str.len);
		buf_add(&q, "\" and \"", 7);
		ddbjson_add_quoted(&q, b->u.str.ptr, b->u.str.len);
		err_set(err, ERR_INPUT, "NS holds the equal numbers \"%s\"",
		    buf_cstr(&q));
	} else {
		ddbjson_add_quoted(&q, a->u.str.ptr, a->u.str.len);
		err_set(err, ERR_INPUT, "%s holds \"%s\" twice",
		    value_type_name(set->type), buf_cstr(&q));
	}
	buf_cleanup(&q);
	return -1;
}

/* Check a typed set: not empty, no element twice (DynamoDB refuses
 * both). */
static int
ddbjson_check_set(const struct value *set, struct err *err)
{
	struct value *const *e = set->u.list.items;
	struct value **sorted;
	size_t n = set->u.list.len, i, j;
	int rc = 0;

	if (n == 0)
		return err_set(err, ERR_INPUT, "%s is empty; DynamoDB sets "
		    "must hold at least one element",
		    value_type_name(set->type));
	if (n <= DDBJSON_SET_PAIRWISE_MAX) {
		for (i = 1; i < n; i++) {
			for (j = 0; j < i; j++) {
				if (ddbjson_cmp_elem(e[j], e[i]) == 0)
					return ddbjson_err_duplicate(set, e[j],
					    e[i], err);
			}
		}
		return 0;
	}
	sorted = xmemdup(e, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, ddbjson_qsort_elem);
	for (i = 1; i < n && rc == 0; i++) {
		if (ddbjson_cmp_elem(sorted[i - 1], sorted[i]) == 0)
			rc = ddbjson_err_duplicate(set, sorted[i - 1],
			    sorted[i], err);
	}
	free(sorted);
	return rc;
}

/*
 * The tree converter: types a tree that json_parse built, in place.
 */

/* Where the converter is: a member name or a list index, and its parent.
 * Frames live on the C stack; the path is only built for an error. */
struct ddbjson_frame {
	const struct ddbjson_frame	*up;
	const char			*name;	/* NULL: an index */
	size_t				 len;
	size_t				 index;
};

static struct value	*ddbjson_convert(struct value *,
			     const struct ddbjson_frame *, struct err *);

/* Append the attribute path of a frame: a.b[2].c */
static void
ddbjson_add_path(struct buf *b, const struct ddbjson_frame *f)
{
	if (f == NULL)
		return;
	ddbjson_add_path(b, f->up);
	if (f->name == NULL) {
		buf_printf(b, "[%zu]", f->index);
		return;
	}
	if (b->len > 0)
		buf_addc(b, '.');
	ddbjson_add_quoted(b, f->name, f->len);
}

/* Put the attribute path in front of the message in err. */
static void
ddbjson_tree_prefix(const struct ddbjson_frame *at, struct err *err)
{
	struct buf b = BUF_INIT;

	if (at == NULL)
		return;
	ddbjson_add_path(&b, at);
	err_prefix(err, "%s: ", buf_cstr(&b));
	buf_cleanup(&b);
}

/* Type every member of a JSON object in place (an M or a whole item). */
static int
ddbjson_convert_members(struct value *m, const struct ddbjson_frame *at,
    struct err *err)
{
	struct ddbjson_frame f = { at, NULL, 0, 0 };
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		struct value_member *mb = &m->u.map.items[i];
		struct value *w = mb->value;

		f.name = mb->name;
		f.len = mb->name_len;
		mb->value = NULL;
		mb->value = ddbjson_convert(w, &f, err);
		if (mb->value == NULL)
			return -1;
	}
	return 0;
}

/* Type the elements of a JSON array in place: an L, or a set. */
static int
ddbjson_convert_elements(struct value *l, enum value_type type,
    const struct ddbjson_frame *at, struct err *err)
{
	struct ddbjson_frame f = { at, NULL, 0, 0 };
	size_t i;

	for (i = 0; i < l->u.list.len; i++) {
		struct value *w = l->u.list.items[i];

		f.index = i;
		if (type != VT_L) {
			if (ddbjson_type_element(w, type, err) != 0) {
				ddbjson_tree_prefix(&f, err);
				return -1;
			}
			continue;
		}
		l->u.list.items[i] = NULL;
		l->u.list.items[i] = ddbjson_convert(w, &f, err);
		if (l->u.list.items[i] == NULL)
			return -1;
	}
	l->type = type;
	if (type != VT_L && ddbjson_check_set(l, err) != 0) {
		ddbjson_tree_prefix(at, err);
		return -1;
	}
	return 0;
}

/*
 * Type one {"TAG": payload} node, consuming it. The payload node is kept
 * and retyped (strings are not copied; B is decoded in place).
 */
static struct value *
ddbjson_convert(struct value *w, const struct ddbjson_frame *at,
    struct err *err)
{
	struct value *v = NULL;
	enum value_type type;
	int rc = -1;

	if (w->type != VT_M)
		ddbjson_err_not_value(err, ddbjson_kind(w));
	else if (w->u.map.len == 0)
		ddbjson_err_no_tag(err);
	else if (w->u.map.len > 1)
		ddbjson_err_many_tags(err);
	else if ((type = value_type_from_name(w->u.map.items[0].name,
	    w->u.map.items[0].name_len)) == VT_COUNT)
		ddbjson_err_unknown_tag(err, w->u.map.items[0].name,
		    w->u.map.items[0].name_len);
	else {
		v = w->u.map.items[0].value;
		w->u.map.items[0].value = NULL;
		switch (type) {
		case VT_M:
			if (v->type != VT_M)
				break;
			rc = ddbjson_convert_members(v, at, err);
			goto done;
		case VT_L:
		case VT_SS:
		case VT_NS:
		case VT_BS:
			if (v->type != VT_L)
				break;
			rc = ddbjson_convert_elements(v, type, at, err);
			goto done;
		default:
			rc = ddbjson_type_scalar(v, type, err);
			if (rc != 0)
				ddbjson_tree_prefix(at, err);
			goto done;
		}
		ddbjson_err_payload(err, type, ddbjson_kind(v));
	}
	ddbjson_tree_prefix(at, err);
done:
	value_free(w);
	if (rc == 0)
		return v;
	value_free(v);
	return NULL;
}

struct value *
ddbjson_value_from_tree(struct value *tree, struct err *err)
{
	return ddbjson_convert(tree, NULL, err);
}

struct value *
ddbjson_item_from_tree(struct value *tree, struct err *err)
{
	if (tree->type != VT_M) {
		ddbjson_err_not_item(err, ddbjson_kind(tree));
		value_free(tree);
		return NULL;
	}
	if (ddbjson_convert_members(tree, NULL, err) != 0) {
		value_free(tree);
		return NULL;
	}
	return tree;
}

/*
 * The streaming parser: JSON events (jsonlex.h) straight into typed
 * values, with no {"TAG": ...} wrapper ever built. Plain JSON around the
 * items (a Query response) is kept as json_parse would build it.
 */

enum ddbjson_kind {
	DK_PLAIN_MAP,	/* plain JSON object */
	DK_PLAIN_LIST,	/* plain JSON array */
	DK_ITEM,	/* an item or an M: members are attribute values */
	DK_LIST,	/* an L: elements are attribute values */
	DK_SET,		/* an SS, NS or BS: elements are strings */
	DK_WRAPPER,	/* {"TAG": payload}; no value of its own */
};

/* One open JSON container. */
struct ddbjson_pframe {
	enum ddbjson_kind	 kind;
	enum value_type		 tag;	/* WRAPPER: VT_COUNT until seen;
					 * SET: the set's type */
	struct value		*v;	/* NULL for WRAPPER */
	size_t			 next;	/* lists, sets: elements begun */
	/* An arena container's members or elements sit on the parser's
	 * stack from byte base until it closes; not in_stack: in v. */
	bool			 in_stack;
	size_t			 base;
	/* Maps: a bit for each member name's ddbjson_name_bit; a new name
	 * is compared with the others only when its bit is already set. */
	uint64_t		 names_seen[2];
};

/* Where the open arena containers keep their members and elements, one
 * after the other, innermost last: each gets the arena's memory once,
 * at its exact size, when it closes. Kept from page to page. */
struct ddbjson_stack {
	char	*data;
	size_t	 len, cap;
};

/* The streaming parser's state, the JSON lexer's context. */
struct ddbjson_parser {
	struct ddbjson_pframe	*frames;
	size_t			 depth;
	size_t			 cap;
	struct value		*root;
	const char *const	*items;	/* item path patterns */
	struct value_arena	*arena;	/* items' values; NULL: the heap */
	struct ddbjson_stack	*stack;	/* with arena */
	struct err		*err;
	bool			 json_error;	/* err: JSON syntax */
	struct ddbjson_pframe	 inline_frames[DDBJSON_STACK_INLINE];
};

/* The innermost frame, or NULL at the top level. */
static struct ddbjson_pframe *
ddbjson_top(struct ddbjson_parser *p)
{
	return p->depth > 0 ? &p->frames[p->depth - 1] : NULL;
}

/* True for frames whose children are plain JSON. */
static bool
ddbjson_is_plain(const struct ddbjson_pframe *f)
{
	return f == NULL || f->kind == DK_PLAIN_MAP ||
	    f->kind == DK_PLAIN_LIST;
}

/* The arena for a value about to begin: the page's, inside an item. */
static struct value_arena *
ddbjson_arena(struct ddbjson_parser *p)
{
	return ddbjson_is_plain(ddbjson_top(p)) ? NULL : p->arena;
}

/* A new S, N or B where the parser is. */
static struct value *
ddbjson_new_bytes(struct ddbjson_parser *p, enum value_type type,
    const char *s, size_t len)
{
	struct value_arena *a = ddbjson_arena(p);

	if (a != NULL)
		return value_arena_new_bytes(a, type, s, len);
	return type == VT_N ? value_new_n(s, len) : value_new_s(s, len);
}

/* A new empty M, L or set, or a NULL or false, where the parser is. */
static struct value *
ddbjson_new_value(struct ddbjson_parser *p, enum value_type type)
{
	struct value_arena *a = ddbjson_arena(p);

	if (a != NULL)
		return value_arena_new_value(a, type);
	switch (type) {
	case VT_M:
		return value_new_m();
	case VT_L:
		return value_new_l();
	case VT_NULL:
		return value_new_null();
	case VT_BOOL:
		return value_new_bool(false);
	default:
		return value_new_set(type);
	}
}

/* Put the path of the value being parsed in front of err's message. */
static void
ddbjson_stream_prefix(struct ddbjson_parser *p)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < p->depth; i++) {
		const struct ddbjson_pframe *f = &p->frames[i];
		const struct value_member *m;

		switch (f->kind) {
		case DK_PLAIN_MAP:
		case DK_ITEM:
			if (f->v->u.map.len == 0)
				break;
			m = &f->v->u.map.items[f->v->u.map.len - 1];
			if (b.len > 0)
				buf_addc(&b, '.');
			ddbjson_add_quoted(&b, m->name, m->name_len);
			break;
		case DK_PLAIN_LIST:
		case DK_LIST:
		case DK_SET:
			if (f->next > 0)
				buf_printf(&b, "[%zu]", f->next - 1);
			break;
		case DK_WRAPPER:
			break;
		}
	}
	if (b.len > 0)
		err_prefix(p->err, "%s: ", buf_cstr(&b));
	buf_cleanup(&b);
}

/* True when the plain value about to begin sits where an item pattern
 * points: "Items[]", "Responses.*[]", "" (the root). */
static bool
ddbjson_at_item(const struct ddbjson_parser *p)
{
	const char *const *pat;
	size_t i, n;

	if (p->items == NULL)
		return false;
	for (pat = p->items; *pat != NULL; pat++) {
		const char *s = *pat;

		for (i = 0; i < p->depth && s != NULL; i++) {
			const struct ddbjson_pframe *f = &p->frames[i];
			const struct value_member *m;

			if (f->kind == DK_PLAIN_LIST) {
				s = s[0] == '[' && s[1] == ']' ? s + 2 : NULL;
				continue;
			}
			m = &f->v->u.map.items[f->v->u.map.len - 1];
			if (*s == '.')
				s++;
			n = strcspn(s, ".[");
			if ((n != 1 || s[0] != '*') && (n != m->name_len ||
			    memcmp(s, m->name, n) != 0))
				s = NULL;
			else
				s += n;
		}
		if (s != NULL && *s == '\0')
			return true;
	}
	return false;
}

/* Count a new child of the innermost list-like frame. */
static void
ddbjson_begin(struct ddbjson_parser *p)
{
	struct ddbjson_pframe *top = ddbjson_top(p);

	if (top != NULL && (top->kind == DK_PLAIN_LIST ||
	    top->kind == DK_LIST || top->kind == DK_SET))
		top->next++;
}

/* Point the open arena containers at their part of the stack (again:
 * it moved). */
static void
ddbjson_stack_point(struct ddbjson_parser *p)
{
	size_t i;

	for (i = 0; i < p->depth; i++) {
		struct ddbjson_pframe *f = &p->frames[i];
		void *items = p->stack->data + f->base;

		if (!f->in_stack)
			continue;
		if (f->v->type == VT_M)
			f->v->u.map.items = items;
		else
			f->v->u.list.items = items;
	}
}

/* Room for one more member or element (size bytes) of f, the innermost
 * arena container, on the stack; f's value counts it. */
static void *
ddbjson_stack_push(struct ddbjson_parser *p, struct ddbjson_pframe *f,
    size_t size)
{
	struct ddbjson_stack *st = p->stack;
	void *slot;

	if (st->cap - st->len < size) {
		st->cap = st->cap != 0 ? st->cap * 2 : 4096;
		st->data = xreallocarray(st->data, st->cap, 1);
		ddbjson_stack_point(p);
	}
	slot = st->data + st->len;
	st->len += size;
	if (f->v->type == VT_M) {
		f->v->u.map.items = (struct value_member *)(st->data +
		    f->base);
		f->v->u.map.cap = ++f->v->u.map.len;
	} else {
		f->v->u.list.items = (struct value **)(st->data + f->base);
		f->v->u.list.cap = ++f->v->u.list.len;
	}
	return slot;
}

/* The innermost frame closes: an arena container takes its members or
 * elements off the stack, into the arena. */
static void
ddbjson_stack_pop(struct ddbjson_parser *p, struct ddbjson_pframe *f)
{
	if (!f->in_stack)
		return;
	if (f->v->type == VT_M)
		value_arena_map_adopt(p->arena, f->v, f->v->u.map.items,
		    f->v->u.map.len);
	else
		value_arena_list_adopt(p->arena, f->v, f->v->u.list.items,
		    f->v->u.list.len);
	p->stack->len = f->base;
	f->in_stack = false;
}

/* Hang a finished value where it belongs: the open member or list, the
 * slot of an attribute value (for a wrapper's payload), or the root. */
static void
ddbjson_attach(struct ddbjson_parser *p, struct value *v)
{
	struct ddbjson_pframe *f = ddbjson_top(p);

	if (f != NULL && f->kind == DK_WRAPPER)
		f = p->depth > 1 ? &p->frames[p->depth - 2] : NULL;
	if (f == NULL) {
		p->root = v;
		return;
	}
	if (f->kind == DK_PLAIN_MAP || f->kind == DK_ITEM)
		f->v->u.map.items[f->v->u.map.len - 1].value = v;
	else if (f->in_stack)
		*(struct value **)ddbjson_stack_push(p, f,
		    sizeof (struct value *)) = v;
	else
		value_list_append(f->v, v);
}

/* Open a frame; refuses documents nested too deep. */
static int
ddbjson_push(struct ddbjson_parser *p, enum ddbjson_kind kind,
    enum value_type tag, struct value *v)
{
	struct ddbjson_pframe *f;

	if (p->depth == DDBJSON_MAX_DEPTH) {
		err_set(p->err, ERR_INPUT, "nested deeper than %d levels",
		    DDBJSON_MAX_DEPTH);
		p->json_error = true;
		return 0;
	}
	if (p->depth == p->cap) {
		p->cap *= 2;
		if (p->frames == p->inline_frames) {
			p->frames = xreallocarray(NULL, p->cap,
			    sizeof *p->frames);
			memcpy(p->frames, p->inline_frames,
			    sizeof p->inline_frames);
		} else
			p->frames = xreallocarray(p->frames, p->cap,
			    sizeof *p->frames);
	}
	f = &p->frames[p->depth++];
	f->kind = kind;
	f->tag = tag;
	f->v = v;
	f->next = 0;
	f->in_stack = v != NULL && (v->flags & VALUE_F_ARENA) &&
	    kind != DK_WRAPPER;
	f->base = f->in_stack ? p->stack->len : 0;
	f->names_seen[0] = f->names_seen[1] = 0;
	return 1;
}

/* Fail with err's message prefixed by the path; frees v. */
static int
ddbjson_stream_fail(struct ddbjson_parser *p, struct value *v)
{
	ddbjson_stream_prefix(p);
	value_free(v);
	return 0;
}

/* A scalar (string, number, true, false, null) arrived. */
static int
ddbjson_on_scalar(struct ddbjson_parser *p, struct value *v)
{
	struct ddbjson_pframe *top = ddbjson_top(p);

	ddbjson_begin(p);
	if (ddbjson_is_plain(top)) {
		if (ddbjson_at_item(p)) {
			ddbjson_err_not_item(p->err, ddbjson_kind(v));
			return ddbjson_stream_fail(p, v);
		}
	} else if (top->kind == DK_SET) {
		if (ddbjson_type_element(v, top->tag, p->err) != 0)
			return ddbjson_stream_fail(p, v);
	} else if (top->kind == DK_WRAPPER) {
		if (ddbjson_type_scalar(v, top->tag, p->err) != 0)
			return ddbjson_stream_fail(p, v);
	} else {
		ddbjson_err_not_value(p->err, ddbjson_kind(v));
		return ddbjson_stream_fail(p, v);
	}
	ddbjson_attach(p, v);
	return 1;
}

/* JSON event: null. */
static int
ddbjson_cb_null(void *ctx)
{
	return ddbjson_on_scalar(ctx, ddbjson_new_value(ctx, VT_NULL));
}

/* The arena's NULL, true and false: one of each for every page, as
 * arena values are read-only and never freed one by one. */
static struct value ddbjson_arena_null = {
	.type = VT_NULL, .flags = VALUE_F_ARENA
};
static struct value ddbjson_arena_bool[2] = {
	{ .type = VT_BOOL, .flags = VALUE_F_ARENA, .u.boolean = false },
	{ .type = VT_BOOL, .flags = VALUE_F_ARENA, .u.boolean = true },
};

/* JSON event: true or false. */
static int
ddbjson_cb_boolean(void *ctx, int b)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);
	struct value *v;

	/* {"BOOL": b} and {"NULL": true} in an item: no value of their
	 * own (anything else goes the long way, to its error). */
	if (top != NULL && top->kind == DK_WRAPPER && p->arena != NULL &&
	    (top->tag == VT_BOOL || (top->tag == VT_NULL && b))) {
		ddbjson_attach(p, top->tag == VT_NULL ? &ddbjson_arena_null :
		    &ddbjson_arena_bool[b != 0]);
		return 1;
	}
	v = ddbjson_new_value(ctx, VT_BOOL);

	v->u.boolean = b != 0;
	return ddbjson_on_scalar(ctx, v);
}

/* JSON event: a number, as its text. */
static int
ddbjson_cb_number(void *ctx, const char *s, size_t len)
{
	return ddbjson_on_scalar(ctx, ddbjson_new_bytes(ctx, VT_N, s, len));
}

/* JSON event: a string. */
static int
ddbjson_cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return ddbjson_on_scalar(ctx, ddbjson_new_bytes(ctx, VT_S,
	    (const char *)s, len));
}

/* JSON event: '{'. */
static int
ddbjson_cb_start_map(void *ctx)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);
	struct value *v;

	ddbjson_begin(p);
	if (ddbjson_is_plain(top)) {
		if (!ddbjson_at_item(p)) {
			v = value_new_m();
			ddbjson_attach(p, v);
			return ddbjson_push(p, DK_PLAIN_MAP, VT_COUNT, v);
		}
		/* Items have a dozen attributes or more: grow once. */
		if (p->arena != NULL)
			v = value_arena_new_root_m(p->arena);
		else {
			v = value_new_m();
			value_map_reserve(v, DDBJSON_ITEM_RESERVE);
		}
		ddbjson_attach(p, v);
		return ddbjson_push(p, DK_ITEM, VT_COUNT, v);
	}
	switch (top->kind) {
	case DK_ITEM:
	case DK_LIST:
		return ddbjson_push(p, DK_WRAPPER, VT_COUNT, NULL);
	case DK_SET:
		ddbjson_err_element(p->err, top->tag, "an object");
		return ddbjson_stream_fail(p, NULL);
	default:
		if (top->tag != VT_M) {
			ddbjson_err_payload(p->err, top->tag, "an object");
			return ddbjson_stream_fail(p, NULL);
		}
		v = ddbjson_new_value(p, VT_M);
		ddbjson_attach(p, v);
		return ddbjson_push(p, DK_ITEM, VT_COUNT, v);
	}
}

/* One of 128 bits for a member name, from its length and its ends. */
static unsigned
ddbjson_name_bit(const char *k, size_t len)
{
	if (len == 0)
		return 0;
	return ((unsigned)len * 0x9e37u ^ (unsigned char)k[0] * 0x85ebu ^
	    (unsigned char)k[len - 1] * 0xc2b3u) >> 3 & 127;
}

/* Whether map m has a member named name (the arena's one copy when
 * shared) or k. */
static bool
ddbjson_has_member(const struct value *m, const char *name, bool shared,
    const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *mb = &m->u.map.items[i];

		if (mb->name == name || (!shared && mb->name_len == len &&
		    memcmp(mb->name, k, len) == 0))
			return true;
	}
	return false;
}

/* JSON event: a member name, or a wrapper's type tag. */
static int
ddbjson_cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);
	const char *k = (const char *)key;
	struct value *m = top->v;
	struct buf q = BUF_INIT;
	bool shared = false;
	char *name;
	uint64_t *seen;
	unsigned bit;

	if (top->kind == DK_WRAPPER) {
		if (top->tag != VT_COUNT) {
			ddbjson_err_many_tags(p->err);
			return ddbjson_stream_fail(p, NULL);
		}
		top->tag = value_type_from_name(k, len);
		if (top->tag == VT_COUNT) {
			ddbjson_err_unknown_tag(p->err, k, len);
			return ddbjson_stream_fail(p, NULL);
		}
		return 1;
	}
	/* In an arena the name is looked up first: when it is the arena's
	 * one copy of that name, a duplicate is the same pointer. */
	name = NULL;
	if (top->in_stack)
		name = value_arena_name(p->arena, k, len, &shared);
	bit = ddbjson_name_bit(k, len);
	seen = &top->names_seen[bit >> 6];
	if ((*seen & (UINT64_C(1) << (bit & 63))) != 0 &&
	    ddbjson_has_member(m, name, shared, k, len)) {
		ddbjson_add_quoted(&q, k, len);
		err_set(p->err, ERR_INPUT, "duplicate member name \"%s\"",
		    buf_cstr(&q));
		buf_cleanup(&q);
		p->json_error = true;
		return 0;
	}
	*seen |= UINT64_C(1) << (bit & 63);
	if (top->in_stack) {
		struct value_member *mb = ddbjson_stack_push(p, top,
		    sizeof *mb);

		mb->name = name;
		mb->name_len = len;
		mb->value = NULL;
		return 1;
	}
	name = xmalloc(len + 1);
	memcpy(name, k, len);
	name[len] = '\0';
	value_map_add_owned(m, name, len, NULL);
	return 1;
}

/* JSON event: '}'. */
static int
ddbjson_cb_end_map(void *ctx)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);

	if (top->kind == DK_WRAPPER && top->tag == VT_COUNT) {
		ddbjson_err_no_tag(p->err);
		return ddbjson_stream_fail(p, NULL);
	}
	ddbjson_stack_pop(p, top);
	p->depth--;
	return 1;
}

/* JSON event: '['. */
static int
ddbjson_cb_start_array(void *ctx)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);
	struct value *v;

	ddbjson_begin(p);
	if (ddbjson_is_plain(top)) {
		if (ddbjson_at_item(p)) {
			ddbjson_err_not_item(p->err, "an array");
			return ddbjson_stream_fail(p, NULL);
		}
		v = value_new_l();
		ddbjson_attach(p, v);
		return ddbjson_push(p, DK_PLAIN_LIST, VT_COUNT, v);
	}
	switch (top->kind) {
	case DK_ITEM:
	case DK_LIST:
		ddbjson_err_not_value(p->err, "an array");
		return ddbjson_stream_fail(p, NULL);
	case DK_SET:
		ddbjson_err_element(p->err, top->tag, "an array");
		return ddbjson_stream_fail(p, NULL);
	default:
		if (top->tag == VT_L) {
			v = ddbjson_new_value(p, VT_L);
			ddbjson_attach(p, v);
			return ddbjson_push(p, DK_LIST, VT_COUNT, v);
		}
		if (top->tag == VT_SS || top->tag == VT_NS ||
		    top->tag == VT_BS) {
			v = ddbjson_new_value(p, top->tag);
			ddbjson_attach(p, v);
			return ddbjson_push(p, DK_SET, top->tag, v);
		}
		ddbjson_err_payload(p->err, top->tag, "an array");
		return ddbjson_stream_fail(p, NULL);
	}
}

/* JSON event: ']'; a finished set is checked here. */
static int
ddbjson_cb_end_array(void *ctx)
{
	struct ddbjson_parser *p = ctx;
	struct ddbjson_pframe *top = ddbjson_top(p);

	if (top->kind == DK_SET && ddbjson_check_set(top->v, p->err) != 0) {
		/* The path names the set's last element. */
		p->depth--;
		return ddbjson_stream_fail(p, NULL);
	}
	ddbjson_stack_pop(p, top);
	p->depth--;
	return 1;
}

static const struct jsonlex_callbacks ddbjson_callbacks = {
	.null = ddbjson_cb_null,
	.boolean = ddbjson_cb_boolean,
	.number = ddbjson_cb_number,
	.string = ddbjson_cb_string,
	.start_map = ddbjson_cb_start_map,
	.map_key = ddbjson_cb_map_key,
	.end_map = ddbjson_cb_end_map,
	.start_array = ddbjson_cb_start_array,
	.end_array = ddbjson_cb_end_array,
};

/* A parse fed in pieces: the parser, the JSON lexer and where it is. */
struct ddbjson_stream {
	struct ddbjson_parser	 p;
	struct jsonlex		 lx;
	enum jsonlex_status	 st;
	size_t			 fed;	/* bytes before the current piece */
	size_t			 offset; /* where the parse stopped */
	bool			 page;	/* items in an arena */
	struct err		 err;	/* the parser's error until finish */
	struct ddbjson_stack	 stack;
};

/* Start the parse of a new document (the parser state must be empty). */
static void
ddbjson_stream_start(struct ddbjson_stream *s, const char *const *items)
{
	struct ddbjson_parser *p = &s->p;

	memset(p, 0, sizeof *p);
	p->frames = p->inline_frames;
	p->cap = DDBJSON_STACK_INLINE;
	p->items = items;
	p->err = &s->err;
	p->stack = &s->stack;
	s->stack.len = 0;
	err_clear(&s->err);
	s->st = JSONLEX_OK;
	s->fed = s->offset = 0;
}

/* Free what the parse holds: the frames, a partial root. */
static void
ddbjson_stream_stop(struct ddbjson_stream *s)
{
	value_free(s->p.root);
	s->p.root = NULL;
	if (s->p.frames != s->p.inline_frames)
		free(s->p.frames);
	s->p.frames = s->p.inline_frames;
	value_arena_unref(s->p.arena);
	s->p.arena = NULL;
}

/* After a syntax error: its message, at the offset, into the stream's
 * error. */
static void
ddbjson_stream_syntax(struct ddbjson_stream *s)
{
	if (s->st != JSONLEX_ERROR)
		return;
	err_set(&s->err, ERR_INPUT, "invalid JSON at byte %zu: %s",
	    s->offset, jsonlex_error(&s->lx));
}

struct ddbjson_stream *
ddbjson_stream_new(const char *const *items, bool page)
{
	struct ddbjson_stream *s = xcalloc(1, sizeof *s);

	jsonlex_init(&s->lx, &ddbjson_callbacks, &s->p);
	s->p.items = items;
	s->page = page;
	ddbjson_stream_begin(s);
	return s;
}

void
ddbjson_stream_begin(struct ddbjson_stream *s)
{
	const char *const *items = s->p.items;

	ddbjson_stream_stop(s);
	ddbjson_stream_start(s, items);
	if (s->page)
		s->p.arena = value_arena_new();
	jsonlex_reset(&s->lx);
}

void
ddbjson_stream_feed(struct ddbjson_stream *s, const char *text, size_t len)
{
	/* After an error the rest is not looked at. */
	if (s->st != JSONLEX_OK || len == 0)
		return;
	s->st = jsonlex_feed(&s->lx, text, len);
	if (s->st != JSONLEX_OK) {
		s->offset = jsonlex_offset(&s->lx);
		ddbjson_stream_syntax(s);
	}
	s->fed += len;
}

struct value *
ddbjson_stream_finish(struct ddbjson_stream *s, struct err *err)
{
	struct value *root = NULL;

	if (s->st == JSONLEX_OK) {
		s->st = jsonlex_finish(&s->lx);
		s->offset = jsonlex_offset(&s->lx);
		ddbjson_stream_syntax(s);
	}
	/* Typed errors carry their path; JSON ones the offset. */
	if (s->st == JSONLEX_CANCELED && s->p.json_error)
		err_prefix(&s->err, "invalid JSON at byte %zu: ", s->offset);
	if (s->st == JSONLEX_OK) {
		root = s->p.root;
		s->p.root = NULL;
	} else if (err != NULL)
		*err = s->err;
	/* From here on the items' roots keep the arena. */
	ddbjson_stream_stop(s);
	s->st = JSONLEX_ERROR;
	return root;
}

void
ddbjson_stream_free(struct ddbjson_stream *s)
{
	if (s == NULL)
		return;
	ddbjson_stream_stop(s);
	jsonlex_cleanup(&s->lx);
	free(s->stack.data);
	free(s);
}

/* Parse a whole document in one piece. */
static struct value *
ddbjson_parse(const char *text, size_t len, const char *const *items,
    bool page, struct err *err)
{
	struct ddbjson_stream *s = ddbjson_stream_new(items, page);
	struct value *root;

	ddbjson_stream_feed(s, text, len);
	root = ddbjson_stream_finish(s, err);
	ddbjson_stream_free(s);
	return root;
}

struct value *
ddbjson_parse_doc(const char *text, size_t len, const char *const *items,
    struct err *err)
{
	return ddbjson_parse(text, len, items, false, err);
}

struct value *
ddbjson_parse_page(const char *text, size_t len, const char *const *items,
    struct err *err)
{
	return ddbjson_parse(text, len, items, true, err);
}

struct value *
ddbjson_parse_item(const char *text, size_t len, struct err *err)
{
	static const char *const root[] = { "", NULL };

	return ddbjson_parse_doc(text, len, root, err);
}

/*
 * Output.
 */

/* Whether any byte of the word x is '"', '\\' or below 0x20: the bytes
 * a JSON string escapes (bit tricks, exact for the word as a whole). */
static bool
ddbjson_word_escapes(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t highs = 0x8080808080808080u;
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');

	return (((q - ones) & ~q) | ((bs - ones) & ~bs) |
	    ((x - ones * 0x20) & ~x)) & highs;
}

/* Whether s needs no escaping as a JSON string. Names and values rarely
 * do: they are checked eight bytes at a time and copied whole; the
 * others go through buf_add_json_string. Requests and journal lines are
 * mostly strings, and byte-at-a-time escaping was a sixth of emitting
 * them. */
static bool
ddbjson_text_plain(const char *s, size_t len)
{
	size_t i = 0;
	uint64_t x;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, s + i, 8);
		if (ddbjson_word_escapes(x))
			return false;
	}
	/* The last bytes of a text of eight or more in one word, read
	 * again from its end. */
	if (i < len && len >= 8) {
		memcpy(&x, s + len - 8, 8);
		return !ddbjson_word_escapes(x);
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/* Append s as a JSON string, through buf_add_json_string when it needs
 * escaping. */
static void
ddbjson_emit_text(struct buf *b, const char *s, size_t len)
{
	if (!ddbjson_text_plain(s, len)) {
		buf_add_json_string(b, s, len);
		return;
	}
	buf_reserve(b, len + 2);
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
}

/* Append a string-like value's text as a JSON string. */
static void
ddbjson_emit_string(struct buf *b, const struct value *v)
{
	ddbjson_emit_text(b, v->u.str.ptr, v->u.str.len);
}

/* Append a binary value as a base64 JSON string. */
static void
ddbjson_emit_binary(struct buf *b, const struct value *v)
{
	buf_addc(b, '"');
	base64_encode(b, v->u.str.ptr, v->u.str.len);
	buf_addc(b, '"');
}

/* {"S":"text"} or {"N":"text"} (type t) of a text that needs no
 * escaping: room made once. */
static void
ddbjson_emit_scalar_plain(struct buf *b, char t, const char *s, size_t len)
{
	char *p;

	buf_reserve(b, len + 9);
	p = b->data + b->len;
	memcpy(p, "{\"S\":\"", 6);
	p[2] = t;
	memcpy(p + 6, s, len);
	memcpy(p + 6 + len, "\"}", 3);
	b->len += len + 8;
}

/* {"S":"text"} or {"N":"text"} (type t). */
static void
ddbjson_emit_scalar(struct buf *b, char t, const char *s, size_t len)
{
	if (ddbjson_text_plain(s, len)) {
		ddbjson_emit_scalar_plain(b, t, s, len);
		return;
	}
	buf_add(b, t == 'S' ? "{\"S\":" : "{\"N\":", 5);
	buf_add_json_string(b, s, len);
	buf_addc(b, '}');
}

void
ddbjson_emit_number(struct buf *b, const char *text, size_t len)
{
	ddbjson_emit_scalar_plain(b, 'N', text, len);
}

void
ddbjson_emit_value(struct buf *b, const struct value *v)
{
	size_t i;

	switch (v->type) {
	case VT_S:
		ddbjson_emit_scalar(b, 'S', v->u.str.ptr, v->u.str.len);
		return;
	case VT_N:
		ddbjson_emit_scalar(b, 'N', v->u.str.ptr, v->u.str.len);
		return;
	case VT_B:
		buf_add(b, "{\"B\":", 5);
		ddbjson_emit_binary(b, v);
		break;
	case VT_BOOL:
		if (v->u.boolean)
			buf_add(b, "{\"BOOL\":true", 12);
		else
			buf_add(b, "{\"BOOL\":false", 13);
		break;
	case VT_NULL:
		buf_add(b, "{\"NULL\":true", 12);
		break;
	case VT_M:
		buf_add(b, "{\"M\":", 5);
		ddbjson_emit_item(b, v);
		break;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		buf_add(b, "{\"", 2);
		buf_adds(b, value_type_name(v->type));
		buf_add(b, "\":[", 3);
		for (i = 0; i < v->u.list.len; i++) {
			const struct value *e = v->u.list.items[i];

			if (i > 0)
				buf_addc(b, ',');
			if (v->type == VT_L)
				ddbjson_emit_value(b, e);
			else if (v->type == VT_BS)
				ddbjson_emit_binary(b, e);
			else
				ddbjson_emit_string(b, e);
		}
		buf_addc(b, ']');
		break;
	default:
		buf_add(b, "{\"NULL\":true", 12);
		break;
	}
	buf_addc(b, '}');
}

/* An S or N with its text left out: *at is where it goes. */
static void
ddbjson_emit_hole(struct buf *b, const struct value *hole, size_t *at)
{
	buf_add(b, hole->type == VT_N ? "{\"N\":\"" : "{\"S\":\"", 6);
	*at = b->len;
	buf_add(b, "\"}", 2);
}

void
ddbjson_emit_item(struct buf *b, const struct value *m)
{
	ddbjson_emit_item_hole(b, m, NULL, NULL);
}

/* "name":value, the value's text left out when it is hole. */
static void
ddbjson_emit_member(struct buf *b, const struct value_member *mb,
    const struct value *hole, size_t *at)
{
	ddbjson_emit_text(b, mb->name, mb->name_len);
	buf_addc(b, ':');
	if (mb->value == NULL)
		buf_add(b, "{\"NULL\":true}", 13);
	else if (mb->value == hole)
		ddbjson_emit_hole(b, hole, at);
	else
		ddbjson_emit_value(b, mb->value);
}

void
ddbjson_emit_item_hole(struct buf *b, const struct value *m,
    const struct value *hole, size_t *at)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < m->u.map.len; i++) {
		if (i > 0)
			buf_addc(b, ',');
		ddbjson_emit_member(b, &m->u.map.items[i], hole, at);
	}
	buf_addc(b, '}');
}

void
ddbjson_emit_members(struct buf *b, const struct value *m)
{
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		buf_addc(b, ',');
		ddbjson_emit_member(b, &m->u.map.items[i], NULL, NULL);
	}
}
