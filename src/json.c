/* SPDX-License-Identifier: ISC */
/* Plain JSON <-> values, parsed by streaming (jsonlex), numbers kept as
 * text. */
#include "config.h"

#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jsonlex.h"
#include "number.h"
#include "xmalloc.h"

/* Deeper documents are refused: everything that walks a value recurses,
 * and DynamoDB itself stops at 32 levels. */
#define JSON_MAX_DEPTH		1000
#define JSON_STACK_INLINE	32
/* The fast path (json_fast_*) gives deeper documents to the streaming
 * parse. */
#define JSON_FAST_DEPTH		32
/* Longest member name quoted in an error message. */
#define JSON_QUOTE_MAX		40

/* The tree being built: the root and the open containers. */
struct json_ctx {
	struct value	 *root;
	struct value	**stack;
	size_t		  depth;
	size_t		  cap;
	struct err	 *err;
	struct value_arena *arena;	/* values built there, or NULL */
	struct value	 *inline_stack[JSON_STACK_INLINE];
};

/* Hang a new value under the open container (or make it the root). */
static void
json_add(struct json_ctx *c, struct value *v)
{
	struct value *top;

	if (c->depth == 0) {
		c->root = v;
		return;
	}
	top = c->stack[c->depth - 1];
	if (top->type == VT_L && c->arena != NULL)
		value_arena_list_append(c->arena, top, v);
	else if (top->type == VT_L)
		value_list_append(top, v);
	else
		top->u.map.items[top->u.map.len - 1].value = v;
}

/* Add a container and open it; refuses documents nested too deep. */
static int
json_open(struct json_ctx *c, struct value *v)
{
	json_add(c, v);
	if (c->depth == JSON_MAX_DEPTH) {
		err_set(c->err, ERR_INPUT, "nested deeper than %d levels",
		    JSON_MAX_DEPTH);
		return 0;
	}
	if (c->depth == c->cap) {
		c->cap *= 2;
		if (c->stack == c->inline_stack) {
			c->stack = xreallocarray(NULL, c->cap,
			    sizeof *c->stack);
			memcpy(c->stack, c->inline_stack,
			    sizeof c->inline_stack);
		} else
			c->stack = xreallocarray(c->stack, c->cap,
			    sizeof *c->stack);
	}
	c->stack[c->depth++] = v;
	return 1;
}

/* Append a name for a message: control bytes as '?', truncated. */
static void
json_quote(struct buf *b, const char *s, size_t len)
{
	size_t i, n = len > JSON_QUOTE_MAX ? JSON_QUOTE_MAX : len;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf_addc(b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
	}
	if (n < len)
		buf_add(b, "...", 3);
}

/* jsonlex callback: null. */
static int
json_cb_null(void *ctx)
{
	struct json_ctx *c = ctx;

	json_add(c, value_new_in(c->arena, VT_NULL));
	return 1;
}

/* jsonlex callback: true or false. */
static int
json_cb_boolean(void *ctx, int b)
{
	struct json_ctx *c = ctx;
	struct value *v;

	v = value_new_in(c->arena, VT_BOOL);
	v->u.boolean = b != 0;
	json_add(c, v);
	return 1;
}

/* jsonlex callback: a number, as its text. */
static int
json_cb_number(void *ctx, const char *s, size_t len)
{
	struct json_ctx *c = ctx;

	json_add(c, value_new_bytes_in(c->arena, VT_N, s, len));
	return 1;
}

/* jsonlex callback: a string (unescaped UTF-8, may hold NUL). */
static int
json_cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct json_ctx *c = ctx;

	json_add(c, value_new_bytes_in(c->arena, VT_S, s, len));
	return 1;
}

/* jsonlex callback: '{'. */
static int
json_cb_start_map(void *ctx)
{
	struct json_ctx *c = ctx;

	return json_open(c, value_new_in(c->arena, VT_M));
}

/* jsonlex callback: a member name; the member's value comes next. */
static int
json_cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct json_ctx *c = ctx;
	struct value *m = c->stack[c->depth - 1];
	struct buf q = BUF_INIT;
	size_t i;
	char *name;

	if (c->arena != NULL) {
		if (value_arena_map_add_next(c->arena, m, (const char *)key,
		    len, c->depth))
			return 1;
		goto duplicate;
	}
	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *mb = &m->u.map.items[i];

		if (mb->name_len == len && memcmp(mb->name, key, len) == 0)
			goto duplicate;
	}
	name = xmalloc(len + 1);
	memcpy(name, key, len);
	name[len] = '\0';
	value_map_add_owned(m, name, len, NULL);
	return 1;
duplicate:
	json_quote(&q, (const char *)key, len);
	err_set(c->err, ERR_INPUT, "duplicate member name \"%s\"",
	    buf_cstr(&q));
	buf_cleanup(&q);
	return 0;
}

/* jsonlex callback: '}' or ']'. */
static int
json_cb_end(void *ctx)
{
	struct json_ctx *c = ctx;

	c->depth--;
	return 1;
}

/* jsonlex callback: '['. */
static int
json_cb_start_array(void *ctx)
{
	struct json_ctx *c = ctx;

	return json_open(c, value_new_in(c->arena, VT_L));
}

static const struct jsonlex_callbacks json_callbacks = {
	.null = json_cb_null,
	.boolean = json_cb_boolean,
	.number = json_cb_number,
	.string = json_cb_string,
	.start_map = json_cb_start_map,
	.map_key = json_cb_map_key,
	.end_map = json_cb_end,
	.start_array = json_cb_start_array,
	.end_array = json_cb_end,
};

/*
 * The fast path of json_parse_in: a whole document in memory, parsed by
 * recursive descent straight into the arena, without a lexer's events.
 * It takes only what it is sure of. At anything else (a syntax error, a
 * byte that is not UTF-8, an escaped surrogate not in a high-low pair, a
 * duplicate name, nesting deeper than JSON_FAST_DEPTH) it gives up, and
 * the streaming parse does the document again: that one accepts or
 * refuses it, with its message and offset. What it builds is what the
 * streaming parse builds, down to the depth each member name is
 * remembered at.
 */
struct json_fast {
	struct value_arena	*a;
	const unsigned char	*p, *end;
	struct buf		 dec;	/* the last string with escapes */
};

/* Skip whitespace, as jsonlex has it (\v and \f included): most often
 * none, told by one compare (every other byte a token may start with is
 * above ' '). */
static inline void
json_fast_ws(struct json_fast *f)
{
	const unsigned char *p = f->p, *end = f->end;

	while (p < end && *p <= ' ' && (*p == ' ' ||
	    (*p >= '\t' && *p <= '\r')))
		p++;
	f->p = p;
}

/* The value of the 4 hex digits at p, or -1. */
static long
json_fast_hex4(const unsigned char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* Append the escape at q (at its '\') to f->dec; the bytes it took, 0 to
 * give up. */
static size_t
json_fast_escape(struct json_fast *f, const unsigned char *q)
{
	static const char plain[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	const char *e;
	long cp, lo;

	if (f->end - q < 2)
		return 0;
	if (q[1] != 'u') {
		for (e = plain; *e != '\0'; e += 2)
			if (*e == (char)q[1]) {
				buf_addc(&f->dec, e[1]);
				return 2;
			}
		return 0;
	}
	if (f->end - q < 6 || (cp = json_fast_hex4(q + 2)) < 0 ||
	    (cp >= 0xDC00 && cp <= 0xDFFF))
		return 0;
	/* A high surrogate and the low one after it (Python's json.dumps
	 * writes every character past U+FFFF so): one code point, in four
	 * bytes. Anything else is left to the streaming parse. */
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (f->end - q < 12 || q[6] != '\\' || q[7] != 'u' ||
		    (lo = json_fast_hex4(q + 8)) < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		buf_addc(&f->dec, (char)(0xF0 | cp >> 18));
		buf_addc(&f->dec, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_addc(&f->dec, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(&f->dec, (char)(0x80 | (cp & 0x3F)));
		return 12;
	}
	if (cp < 0x80)
		buf_addc(&f->dec, (char)cp);
	else if (cp < 0x800) {
		buf_addc(&f->dec, (char)(0xC0 | cp >> 6));
		buf_addc(&f->dec, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(&f->dec, (char)(0xE0 | cp >> 12));
		buf_addc(&f->dec, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(&f->dec, (char)(0x80 | (cp & 0x3F)));
	}
	return 6;
}

/* The string at f->p (its '"'): its bytes, in the text or (unescaped) in
 * f->dec until the next string; false to give up. */
static bool
json_fast_string(struct json_fast *f, const unsigned char **s, size_t *len)
{
	const unsigned char *q = f->p + 1, *run = q;
	bool esc = false;
	size_t n;
	int u;

	for (;;) {
		q = jsonlex_scan(q, f->end);
		if (q == f->end)
			return false;
		if (*q == '"')
			break;
		if (*q >= 0x80) {
			if ((u = jsonlex_utf8(q, f->end)) <= 0)
				return false;
			q += u;
			continue;
		}
		if (*q != '\\')
			return false;
		if (!esc)
			buf_reset(&f->dec);
		esc = true;
		buf_add(&f->dec, run, (size_t)(q - run));
		if ((n = json_fast_escape(f, q)) == 0)
			return false;
		run = q += n;
	}
	if (esc) {
		buf_add(&f->dec, run, (size_t)(q - run));
		*s = (const unsigned char *)f->dec.data;
		*len = f->dec.len;
	} else {
		*s = f->p + 1;
		*len = (size_t)(q - *s);
	}
	f->p = q + 1;
	return true;
}

/* Whether the literal word (len bytes) is at f->p; taken when it is. A
 * word run on ("truex") gives up at what follows it. */
static bool
json_fast_word(struct json_fast *f, const char *word, size_t len)
{
	if ((size_t)(f->end - f->p) < len || memcmp(f->p, word, len) != 0)
		return false;
	f->p += len;
	return true;
}

static struct value *json_fast_value(struct json_fast *, size_t depth);

/* The map at f->p, the depth-th container open; NULL to give up. */
static struct value *
json_fast_map(struct json_fast *f, size_t depth)
{
	struct value *m = value_new_in(f->a, VT_M), *v;
	const unsigned char *s;
	size_t len;

	f->p++;
	json_fast_ws(f);
	if (f->p < f->end && *f->p == '}') {
		f->p++;
		return m;
	}
	for (;;) {
		if (f->p == f->end || *f->p != '"' ||
		    !json_fast_string(f, &s, &len) ||
		    !value_arena_map_add_next(f->a, m, (const char *)s, len,
		    depth))
			return NULL;
		json_fast_ws(f);
		if (f->p == f->end || *f->p != ':')
			return NULL;
		f->p++;
		if ((v = json_fast_value(f, depth)) == NULL)
			return NULL;
		m->u.map.items[m->u.map.len - 1].value = v;
		json_fast_ws(f);
		if (f->p == f->end)
			return NULL;
		if (*f->p == '}') {
			f->p++;
			return m;
		}
		if (*f->p != ',')
			return NULL;
		f->p++;
		json_fast_ws(f);
	}
}

/* The list at f->p, the depth-th container open; NULL to give up. */
static struct value *
json_fast_list(struct json_fast *f, size_t depth)
{
	struct value *l = value_new_in(f->a, VT_L), *v;

	f->p++;
	json_fast_ws(f);
	if (f->p < f->end && *f->p == ']') {
		f->p++;
		return l;
	}
	for (;;) {
		if ((v = json_fast_value(f, depth)) == NULL)
			return NULL;
		value_arena_list_append(f->a, l, v);
		json_fast_ws(f);
		if (f->p == f->end)
			return NULL;
		if (*f->p == ']') {
			f->p++;
			return l;
		}
		if (*f->p != ',')
			return NULL;
		f->p++;
	}
}

/* The value at f->p (after whitespace), depth containers open around
 * it; NULL to give up. */
static struct value *
json_fast_value(struct json_fast *f, size_t depth)
{
	const unsigned char *s, *q;
	struct value *v;
	size_t len;
	bool b;

	json_fast_ws(f);
	if (f->p == f->end)
		return NULL;
	switch (*f->p) {
	case '"':
		if (!json_fast_string(f, &s, &len))
			return NULL;
		return value_new_bytes_in(f->a, VT_S, s, len);
	case '{':
		return depth < JSON_FAST_DEPTH ?
		    json_fast_map(f, depth + 1) : NULL;
	case '[':
		return depth < JSON_FAST_DEPTH ?
		    json_fast_list(f, depth + 1) : NULL;
	case 'n':
		return json_fast_word(f, "null", 4) ?
		    value_new_in(f->a, VT_NULL) : NULL;
	case 't':
	case 'f':
		if (json_fast_word(f, "true", 4))
			b = true;
		else if (json_fast_word(f, "false", 5))
			b = false;
		else
			return NULL;
		v = value_new_in(f->a, VT_BOOL);
		v->u.boolean = b;
		return v;
	default:
		/* As jsonlex: every byte a number may hold, then the check. */
		for (q = f->p; q < f->end && ((*q >= '0' && *q <= '9') ||
		    *q == '-' || *q == '+' || *q == '.' || *q == 'e' ||
		    *q == 'E'); q++)
			;
		len = (size_t)(q - f->p);
		if (len == 0 || !json_number_ok((const char *)f->p, len))
			return NULL;
		v = value_new_bytes_in(f->a, VT_N, f->p, len);
		f->p = q;
		return v;
	}
}

/* Documents the fast path gave to the streaming parse, by all threads. */
static unsigned long json_fast_misses;

unsigned long
json_parse_fast_misses(void)
{
	return __atomic_load_n(&json_fast_misses, __ATOMIC_RELAXED);
}

/* The document text in a, by the fast path; NULL when it gave up. */
static struct value *
json_fast_parse(struct value_arena *a, const char *text, size_t len)
{
	struct json_fast f = {
		.a = a,
		.p = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
		.dec = BUF_INIT,
	};
	struct value *v;

	value_arena_doc_begin(a);
	v = json_fast_value(&f, 0);
	json_fast_ws(&f);
	if (f.p != f.end)
		v = NULL;
	buf_cleanup(&f.dec);
	return v;
}

/* Parse text into values built in a (on the heap when NULL). */
static struct value *
json_parse_to(struct value_arena *a, const char *text, size_t len,
    struct err *err)
{
	struct json_ctx c;
	struct jsonlex lx;
	enum jsonlex_status st;

	if (a != NULL) {
		if ((c.root = json_fast_parse(a, text, len)) != NULL)
			return c.root;
		__atomic_add_fetch(&json_fast_misses, 1, __ATOMIC_RELAXED);
	}

	memset(&c, 0, sizeof c);
	c.stack = c.inline_stack;
	c.cap = JSON_STACK_INLINE;
	c.err = err;
	c.arena = a;
	if (a != NULL)
		value_arena_doc_begin(a);
	jsonlex_init(&lx, &json_callbacks, &c);
	if ((st = jsonlex_feed(&lx, text, len)) == JSONLEX_OK)
		st = jsonlex_finish(&lx);
	if (st == JSONLEX_CANCELED)
		/* A callback said what is wrong. */
		err_prefix(err, "invalid JSON at byte %zu: ",
		    jsonlex_offset(&lx));
	else if (st == JSONLEX_ERROR)
		err_set(err, ERR_INPUT, "invalid JSON at byte %zu: %s",
		    jsonlex_offset(&lx), jsonlex_error(&lx));
	if (st != JSONLEX_OK) {
		/* In an arena, a partial tree goes with the arena. */
		value_free(c.root);
		c.root = NULL;
	}
	jsonlex_cleanup(&lx);
	if (c.stack != c.inline_stack)
		free(c.stack);
	return c.root;
}

struct value *
json_parse(const char *text, size_t len, struct err *err)
{
	return json_parse_to(NULL, text, len, err);
}

struct value *
json_parse_in(struct value_arena *a, const char *text, size_t len,
    struct err *err)
{
	return json_parse_to(a, text, len, err);
}

bool
json_number_ok(const char *s, size_t len)
{
	size_t i = 0, start;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9') {
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else
		return false;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	return i == len;
}

/* A number: its text when JSON can carry it as it is (DynamoDB also takes
 * "+1", ".5", "007"), else its canonical text, else (not a number at all)
 * a string. */
static void
json_emit_number(struct buf *b, const char *s, size_t len)
{
	size_t start = b->len;

	if (json_number_ok(s, len)) {
		buf_add(b, s, len);
		return;
	}
	number_canonical(s, len, b);
	if (json_number_ok(b->data + start, b->len - start))
		return;
	b->len = start;
	b->data[start] = '\0';
	buf_add_json_string(b, s, len);
}

/* A newline and two spaces a level, when pretty. */
static void
json_emit_newline(struct buf *b, int flags, int depth)
{
	if ((flags & JSON_PRETTY) == 0)
		return;
	buf_addc(b, '\n');
	while (depth-- > 0)
		buf_add(b, "  ", 2);
}

/* Emit one value at a nesting depth. */
static void
json_emit_value(struct buf *b, const struct value *v, int flags, int depth)
{
	size_t i;

	switch (v->type) {
	case VT_S:
		buf_add_json_string(b, v->u.str.ptr, v->u.str.len);
		break;
	case VT_N:
		json_emit_number(b, v->u.str.ptr, v->u.str.len);
		break;
	case VT_B:
		buf_addc(b, '"');
		base64_encode(b, v->u.str.ptr, v->u.str.len);
		buf_addc(b, '"');
		break;
	case VT_BOOL:
		if (v->u.boolean)
			buf_add(b, "true", 4);
		else
			buf_add(b, "false", 5);
		break;
	case VT_NULL:
		buf_add(b, "null", 4);
		break;
	case VT_M:
		buf_addc(b, '{');
		for (i = 0; i < v->u.map.len; i++) {
			const struct value_member *m = &v->u.map.items[i];

			if (i > 0)
				buf_addc(b, ',');
			json_emit_newline(b, flags, depth + 1);
			buf_add_json_string(b, m->name, m->name_len);
			if (flags & JSON_PRETTY)
				buf_add(b, ": ", 2);
			else
				buf_addc(b, ':');
			if (m->value != NULL)
				json_emit_value(b, m->value, flags, depth + 1);
			else
				buf_add(b, "null", 4);
		}
		if (v->u.map.len > 0)
			json_emit_newline(b, flags, depth);
		buf_addc(b, '}');
		break;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		buf_addc(b, '[');
		for (i = 0; i < v->u.list.len; i++) {
			if (i > 0)
				buf_addc(b, ',');
			json_emit_newline(b, flags, depth + 1);
			json_emit_value(b, v->u.list.items[i], flags,
			    depth + 1);
		}
		if (v->u.list.len > 0)
			json_emit_newline(b, flags, depth);
		buf_addc(b, ']');
		break;
	default:
		buf_add(b, "null", 4);
		break;
	}
}

void
json_emit(struct buf *b, const struct value *v, int flags)
{
	json_emit_value(b, v, flags, 0);
}
