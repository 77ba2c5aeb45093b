/* SPDX-License-Identifier: ISC */
/* DynamoDB attribute values: construction, copying, equality, maps, lists. */
#include "config.h"

#include "value.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"
#include "number.h"
#include "xmalloc.h"

/* Sets up to this size are compared pairwise; larger ones are sorted. */
#define VALUE_SET_PAIRWISE_MAX 8
/* Arena blocks: a small first one (a GetItem answer), then larger ones;
 * a request larger than a quarter block gets a block of its own. */
#define VALUE_ARENA_FIRST	4096
#define VALUE_ARENA_BLOCK	65536
#define VALUE_ARENA_ALIGN	8
/* Full-size blocks kept for the next pages (32 MB: a Query page of small
 * items takes ~10 MB, and two pages are alive while the next one is
 * fetched as this one is printed): freeing them would let malloc give
 * the memory back to the system (a brk, a TLB flush), only to fault it
 * in again for the next page. */
#define VALUE_ARENA_POOL_MAX	512
#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer blocks go back to malloc, so that a use after
 * the page was released is caught rather than hidden by the pool. */
#define VALUE_ARENA_POOLED	false
#else
#define VALUE_ARENA_POOLED	true
#endif

/*
 * Full-size blocks are carved from slabs of huge pages where the system
 * has them (Linux's madvise(MADV_HUGEPAGE)): a page of items fills some
 * 4 MB of blocks, and faulting them in 4 kB at a time was a fifth of the
 * CPU of a list. Slab blocks always go back to the pool, never to the
 * system; past VALUE_ARENA_SLABS_MAX slabs, blocks are malloc'd again.
 */
#define VALUE_ARENA_HUGE	(2u << 20)
#define VALUE_ARENA_SLAB	(4u << 20)
#define VALUE_ARENA_SLABS_MAX	8

struct value_arena_block {
	struct value_arena_block *next;
	size_t		 size;
	size_t		 used;
	bool		 slab;		/* carved from a slab: never freed */
	max_align_t	 data[];
};

/* Member names kept once per arena: a page's items share their names. */
#define VALUE_ARENA_NAMES	64	/* slots; interning stops at 3/4 */
#define VALUE_ARENA_ORDER	256	/* names of a document remembered */

struct value_arena {
	struct value_arena_block *blocks;	/* the one in use first */
	size_t		 first;			/* the first block's size */
	size_t		 size;			/* bytes of its blocks */
	bool		 intern;		/* share member names */
	unsigned long	 refs;			/* creator + roots */
	size_t		 nnames;
	struct {
		const char	*p;		/* NULL: a free slot */
		size_t		 len;
	} names[VALUE_ARENA_NAMES];
	struct value_arena_order *order;	/* made when first used */
};

/*
 * The member names of the last document built by value_arena_map_add_next,
 * in the order they came, each with the depth of its map and its place
 * there. Every one was checked to be new in its map, and is the arena's
 * shared copy. A document of the same shape (a stream's lines) takes each
 * name with one compare, and has no need to look for it in its map: while
 * every name so far matched, its map's earlier members are the ones the
 * remembered document had there (no sibling map can open in between).
 * A name that does not match ends what is remembered there.
 */
struct value_arena_order {
	struct {
		const char	*p;
		unsigned short	 len, depth, place;
	} names[VALUE_ARENA_ORDER];
	size_t		 n;		/* remembered */
	size_t		 at;		/* the current document's next */
};

/* A root: the value, behind the arena it references. */
struct value_root {
	struct value_arena	*arena;
	struct value		 v;
};

static unsigned long value_arena_nblocks;
/* The pool of free full-size blocks, shared by every thread. */
static pthread_mutex_t value_arena_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct value_arena_block *value_arena_pool;
static size_t value_arena_npool;
static size_t value_arena_nslabs;

static const char *const value_type_names[VT_COUNT] = {
	[VT_S] = "S",
	[VT_N] = "N",
	[VT_B] = "B",
	[VT_BOOL] = "BOOL",
	[VT_NULL] = "NULL",
	[VT_M] = "M",
	[VT_L] = "L",
	[VT_SS] = "SS",
	[VT_NS] = "NS",
	[VT_BS] = "BS",
};

/* A zeroed value of a type. */
static struct value *
value_alloc(enum value_type type)
{
	struct value *v = xmalloc(sizeof *v);

	memset(v, 0, sizeof *v);
	v->type = type;
	return v;
}

/* A NUL-terminated copy of len bytes that may themselves hold NUL. */
static char *
value_dup_bytes(const char *p, size_t len)
{
	char *s = xmalloc(len + 1);

	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* True when a string's bytes share the value's allocation. */
static bool
value_str_inline(const struct value *v)
{
	return v->u.str.ptr == (const char *)(v + 1);
}

/* A string-like value (S, N, B) holding a copy of p. The bytes live in
 * the same allocation as the value: half the mallocs for item data. */
/* Fill v, allocated with len + 1 bytes after it, with a copy of p. */
static struct value *
value_fill_bytes(struct value *v, enum value_type type, const void *p,
    size_t len)
{
	memset(v, 0, sizeof *v);
	v->type = type;
	v->u.str.ptr = (char *)(v + 1);
	if (len > 0)
		memcpy(v->u.str.ptr, p, len);
	v->u.str.ptr[len] = '\0';
	v->u.str.len = len;
	return v;
}

static struct value *
value_new_bytes(enum value_type type, const void *p, size_t len)
{
	return value_fill_bytes(xmalloc(sizeof(struct value) + len + 1), type,
	    p, len);
}

struct value *
value_new_s(const char *p, size_t len)
{
	return value_new_bytes(VT_S, p, len);
}

struct value *
value_new_str(const char *s)
{
	return value_new_bytes(VT_S, s, strlen(s));
}

struct value *
value_new_n(const char *p, size_t len)
{
	return value_new_bytes(VT_N, p, len);
}

struct value *
value_new_b(const void *p, size_t len)
{
	return value_new_bytes(VT_B, p, len);
}

struct value *
value_new_bool(bool b)
{
	struct value *v = value_alloc(VT_BOOL);

	v->u.boolean = b;
	return v;
}

struct value *
value_new_null(void)
{
	return value_alloc(VT_NULL);
}

struct value *
value_new_m(void)
{
	return value_alloc(VT_M);
}

struct value *
value_new_l(void)
{
	return value_alloc(VT_L);
}

struct value *
value_new_set(enum value_type type)
{
	assert(type == VT_SS || type == VT_NS || type == VT_BS);
	return value_alloc(type);
}

struct value *
value_new_in(struct value_arena *a, enum value_type type)
{
	return a != NULL ? value_arena_new_value(a, type) : value_alloc(type);
}

struct value *
value_new_bytes_in(struct value_arena *a, enum value_type type,
    const void *p, size_t len)
{
	return a != NULL ? value_arena_new_bytes(a, type, p, len) :
	    value_new_bytes(type, p, len);
}

struct value *
value_new_owned(enum value_type type, char *p, size_t len)
{
	struct value *v;

	assert(type == VT_S || type == VT_N || type == VT_B);
	assert(p[len] == '\0');
	v = value_alloc(type);
	v->u.str.ptr = p;
	v->u.str.len = len;
	return v;
}

/* The arena a root value references. */
static struct value_arena *
value_root_arena(struct value *v)
{
	struct value_root *r = (struct value_root *)(void *)((char *)v -
	    offsetof(struct value_root, v));

	return r->arena;
}

void
value_free(struct value *v)
{
	size_t i;

	if (v == NULL)
		return;
	if (v->flags & VALUE_F_ARENA) {
		/* Only a root owns anything: a reference on its arena. */
		if (v->flags & VALUE_F_ROOT)
			value_arena_unref(value_root_arena(v));
		return;
	}
	switch (v->type) {
	case VT_S:
	case VT_N:
	case VT_B:
		if (!value_str_inline(v))
			free(v->u.str.ptr);
		break;
	case VT_M:
		for (i = 0; i < v->u.map.len; i++) {
			free(v->u.map.items[i].name);
			value_free(v->u.map.items[i].value);
		}
		free(v->u.map.items);
		break;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		for (i = 0; i < v->u.list.len; i++)
			value_free(v->u.list.items[i]);
		free(v->u.list.items);
		break;
	default:
		break;
	}
	free(v);
}

char *
value_take_str(struct value *v, size_t *lenp)
{
	char *p;

	assert(value_is_scalar_string(v));
	if (lenp != NULL)
		*lenp = v->u.str.len;
	if (v->flags & VALUE_F_ARENA)
		return value_dup_bytes(v->u.str.ptr, v->u.str.len);
	if (value_str_inline(v))
		p = value_dup_bytes(v->u.str.ptr, v->u.str.len);
	else
		p = v->u.str.ptr;
	free(v);
	return p;
}

struct value *
value_copy(const struct value *v)
{
	struct value *c;
	size_t i, n;

	switch (v->type) {
	case VT_S:
	case VT_N:
	case VT_B:
		return value_new_bytes(v->type, v->u.str.ptr, v->u.str.len);
	case VT_BOOL:
		return value_new_bool(v->u.boolean);
	case VT_M:
		c = value_alloc(VT_M);
		n = v->u.map.len;
		if (n == 0)
			return c;
		c->u.map.items = xreallocarray(NULL, n, sizeof *c->u.map.items);
		for (i = 0; i < n; i++) {
			const struct value_member *m = &v->u.map.items[i];

			c->u.map.items[i].name = value_dup_bytes(m->name,
			    m->name_len);
			c->u.map.items[i].name_len = m->name_len;
			c->u.map.items[i].value = m->value != NULL ?
			    value_copy(m->value) : NULL;
		}
		c->u.map.len = c->u.map.cap = n;
		return c;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		c = value_alloc(v->type);
		n = v->u.list.len;
		if (n == 0)
			return c;
		c->u.list.items = xreallocarray(NULL, n,
		    sizeof *c->u.list.items);
		for (i = 0; i < n; i++)
			c->u.list.items[i] = value_copy(v->u.list.items[i]);
		c->u.list.len = c->u.list.cap = n;
		return c;
	default:
		return value_alloc(v->type);
	}
}

/* Byte order of two S or B values, shorter first on a common prefix. */
static int
value_cmp_bytes(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;

	if (c != 0)
		return c;
	if (a->u.str.len == b->u.str.len)
		return 0;
	return a->u.str.len < b->u.str.len ? -1 : 1;
}

/* qsort comparator for S and B set elements. */
static int
value_qsort_bytes(const void *pa, const void *pb)
{
	return value_cmp_bytes(*(struct value *const *)pa,
	    *(struct value *const *)pb);
}

/* qsort comparator for N set elements, by numeric value. */
static int
value_qsort_number(const void *pa, const void *pb)
{
	const struct value *a = *(struct value *const *)pa;
	const struct value *b = *(struct value *const *)pb;

	return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
	    b->u.str.len);
}

/* Equality of two set elements (both of the set's element type). */
static bool
value_set_elem_equal(enum value_type set, const struct value *a,
    const struct value *b)
{
	if (set == VT_NS)
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len) == 0;
	return value_cmp_bytes(a, b) == 0;
}

/* Set equality regardless of order (as multisets, to be safe). */
static bool
value_set_equal(const struct value *a, const struct value *b)
{
	size_t n = a->u.list.len, i, j;
	struct value **sa, **sb;
	bool used[VALUE_SET_PAIRWISE_MAX], eq = true;

	if (n <= VALUE_SET_PAIRWISE_MAX) {
		memset(used, 0, sizeof used);
		for (i = 0; i < n; i++) {
			for (j = 0; j < n; j++) {
				if (!used[j] && value_set_elem_equal(a->type,
				    a->u.list.items[i], b->u.list.items[j]))
					break;
			}
			if (j == n)
				return false;
			used[j] = true;
		}
		return true;
	}
	sa = xmemdup(a->u.list.items, n * sizeof *sa);
	sb = xmemdup(b->u.list.items, n * sizeof *sb);
	qsort(sa, n, sizeof *sa, a->type == VT_NS ? value_qsort_number :
	    value_qsort_bytes);
	qsort(sb, n, sizeof *sb, a->type == VT_NS ? value_qsort_number :
	    value_qsort_bytes);
	for (i = 0; i < n && eq; i++)
		eq = value_set_elem_equal(a->type, sa[i], sb[i]);
	free(sa);
	free(sb);
	return eq;
}

/* Index of a member by name in a map, or -1. */
static long
value_map_find(const struct value *m, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *mb = &m->u.map.items[i];

		if (mb->name_len == len && memcmp(mb->name, name, len) == 0)
			return (long)i;
	}
	return -1;
}

/* Map equality regardless of member order. */
static bool
value_map_equal(const struct value *a, const struct value *b)
{
	size_t i, n = a->u.map.len;

	for (i = 0; i < n; i++) {
		const struct value_member *ma = &a->u.map.items[i];
		const struct value_member *mb = &b->u.map.items[i];
		long j;

		/* Maps from one source usually share their order. */
		if (mb->name_len != ma->name_len ||
		    memcmp(mb->name, ma->name, ma->name_len) != 0) {
			j = value_map_find(b, ma->name, ma->name_len);
			if (j < 0)
				return false;
			mb = &b->u.map.items[j];
		}
		if (ma->value == NULL || mb->value == NULL) {
			if (ma->value != mb->value)
				return false;
		} else if (!value_equal(ma->value, mb->value))
			return false;
	}
	return true;
}

bool
value_equal(const struct value *a, const struct value *b)
{
	size_t i;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VT_S:
	case VT_B:
		return a->u.str.len == b->u.str.len &&
		    value_cmp_bytes(a, b) == 0;
	case VT_N:
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len) == 0;
	case VT_BOOL:
		return a->u.boolean == b->u.boolean;
	case VT_M:
		if (a->u.map.len != b->u.map.len)
			return false;
		return value_map_equal(a, b);
	case VT_L:
		if (a->u.list.len != b->u.list.len)
			return false;
		for (i = 0; i < a->u.list.len; i++) {
			if (!value_equal(a->u.list.items[i],
			    b->u.list.items[i]))
				return false;
		}
		return true;
	case VT_SS:
	case VT_NS:
	case VT_BS:
		if (a->u.list.len != b->u.list.len)
			return false;
		return value_set_equal(a, b);
	default:
		return true;
	}
}

/* Make room for one more map member; arrays grow geometrically. */
static void
value_map_grow(struct value *m)
{
	if (m->u.map.len < m->u.map.cap)
		return;
	m->u.map.cap = m->u.map.cap != 0 ? m->u.map.cap * 2 : 2;
	m->u.map.items = xreallocarray(m->u.map.items, m->u.map.cap,
	    sizeof *m->u.map.items);
}

void
value_map_reserve(struct value *m, size_t n)
{
	assert(m->type == VT_M && !(m->flags & VALUE_F_ARENA));
	if (m->u.map.cap - m->u.map.len >= n)
		return;
	m->u.map.cap = m->u.map.len + n;
	m->u.map.items = xreallocarray(m->u.map.items, m->u.map.cap,
	    sizeof *m->u.map.items);
}

void
value_map_add_owned(struct value *m, char *name, size_t len,
    struct value *v)
{
	struct value_member *mb;

	assert(m->type == VT_M && !(m->flags & VALUE_F_ARENA));
	value_map_grow(m);
	mb = &m->u.map.items[m->u.map.len++];
	mb->name = name;
	mb->name_len = len;
	mb->value = v;
}

void
value_map_setn(struct value *m, const char *name, size_t len,
    struct value *v)
{
	long i;

	assert(m->type == VT_M && !(m->flags & VALUE_F_ARENA));
	i = value_map_find(m, name, len);
	if (i >= 0) {
		value_free(m->u.map.items[i].value);
		m->u.map.items[i].value = v;
		return;
	}
	value_map_add_owned(m, value_dup_bytes(name, len), len, v);
}

void
value_map_set(struct value *m, const char *name, struct value *v)
{
	value_map_setn(m, name, strlen(name), v);
}

struct value *
value_map_getn(const struct value *m, const char *name, size_t len)
{
	long i;

	if (m == NULL || m->type != VT_M)
		return NULL;
	i = value_map_find(m, name, len);
	return i >= 0 ? m->u.map.items[i].value : NULL;
}

struct value *
value_map_get(const struct value *m, const char *name)
{
	return value_map_getn(m, name, strlen(name));
}

struct value *
value_map_take(struct value *m, const char *name)
{
	struct value *v;
	long i;

	if (m == NULL || m->type != VT_M)
		return NULL;
	i = value_map_find(m, name, strlen(name));
	if (i < 0)
		return NULL;
	v = m->u.map.items[i].value;
	if (m->flags & VALUE_F_ARENA)
		/* Arena values go with their arena: hand out a copy. */
		v = v != NULL ? value_copy(v) : NULL;
	else
		free(m->u.map.items[i].name);
	memmove(&m->u.map.items[i], &m->u.map.items[i + 1],
	    (m->u.map.len - (size_t)i - 1) * sizeof *m->u.map.items);
	m->u.map.len--;
	return v;
}

void
value_list_append(struct value *l, struct value *v)
{
	assert((l->type == VT_L || value_is_set(l)) &&
	    !(l->flags & VALUE_F_ARENA));
	if (l->u.list.len == l->u.list.cap) {
		l->u.list.cap = l->u.list.cap != 0 ? l->u.list.cap * 2 : 4;
		l->u.list.items = xreallocarray(l->u.list.items,
		    l->u.list.cap, sizeof *l->u.list.items);
	}
	l->u.list.items[l->u.list.len++] = v;
}

struct value_arena *
value_arena_new(void)
{
	struct value_arena *a = value_arena_new_sized(VALUE_ARENA_FIRST);

	a->intern = true;
	return a;
}

struct value_arena *
value_arena_new_sized(size_t first)
{
	struct value_arena *a = xcalloc(1, sizeof *a);

	a->refs = 1;
	a->first = first < VALUE_ARENA_FIRST ? VALUE_ARENA_FIRST :
	    first > VALUE_ARENA_BLOCK ? VALUE_ARENA_BLOCK : first;
	a->size = sizeof *a;
	return a;
}

struct value_arena *
value_arena_ref(struct value_arena *a)
{
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

size_t
value_arena_size(const struct value_arena *a)
{
	return a->size;
}

void
value_arena_unref(struct value_arena *a)
{
	struct value_arena_block *b, *next;

	if (a == NULL || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	pthread_mutex_lock(&value_arena_pool_lock);
	for (b = a->blocks; b != NULL; b = next) {
		next = b->next;
		if (b->slab || (VALUE_ARENA_POOLED &&
		    b->size == VALUE_ARENA_BLOCK &&
		    value_arena_npool < VALUE_ARENA_POOL_MAX)) {
			b->next = value_arena_pool;
			value_arena_pool = b;
			value_arena_npool++;
		} else
			free(b);
	}
	pthread_mutex_unlock(&value_arena_pool_lock);
	free(a->order);
	free(a);
}

size_t
value_arena_used(const struct value *root)
{
	const struct value_arena_block *b;
	size_t used = 0;

	assert(value_is_arena_root(root));
	for (b = value_root_arena((struct value *)root)->blocks; b != NULL;
	    b = b->next)
		used += b->used;
	return used;
}

unsigned long
value_arena_blocks(void)
{
	return __atomic_load_n(&value_arena_nblocks, __ATOMIC_RELAXED);
}

/* A new slab of huge pages cut into full-size blocks, all but the one
 * returned put in the pool; NULL when there is none to be had. Called
 * with the pool locked. */
static struct value_arena_block *
value_arena_slab_new(void)
{
#ifdef MADV_HUGEPAGE
	const size_t step = (sizeof (struct value_arena_block) +
	    VALUE_ARENA_BLOCK + VALUE_ARENA_ALIGN - 1) &
	    ~(size_t)(VALUE_ARENA_ALIGN - 1);
	struct value_arena_block *b, *first = NULL;
	uintptr_t start, aligned;
	char *p;
	size_t off;

	if (!VALUE_ARENA_POOLED || value_arena_nslabs == VALUE_ARENA_SLABS_MAX)
		return NULL;
	/* Room to align the slab on a huge page; the rest is given back. */
	p = mmap(NULL, VALUE_ARENA_SLAB + VALUE_ARENA_HUGE, PROT_READ |
	    PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + VALUE_ARENA_HUGE - 1) &
	    ~(uintptr_t)(VALUE_ARENA_HUGE - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	munmap((char *)aligned + VALUE_ARENA_SLAB, VALUE_ARENA_HUGE -
	    (aligned - start));
	p = (char *)aligned;
	/* A hint: without huge pages the slab is ordinary memory. */
	(void)madvise(p, VALUE_ARENA_SLAB, MADV_HUGEPAGE);
	value_arena_nslabs++;
	for (off = 0; off + step <= VALUE_ARENA_SLAB; off += step) {
		b = (struct value_arena_block *)(void *)(p + off);
		b->slab = true;
		b->size = VALUE_ARENA_BLOCK;
		__atomic_add_fetch(&value_arena_nblocks, 1, __ATOMIC_RELAXED);
		if (first == NULL) {
			first = b;
			continue;
		}
		b->next = value_arena_pool;
		value_arena_pool = b;
		value_arena_npool++;
	}
	return first;
#else
	return NULL;
#endif
}

/* A block of size bytes: from the pool when it has one that size. */
static struct value_arena_block *
value_arena_block_new(size_t size)
{
	struct value_arena_block *b = NULL;

	if (size == VALUE_ARENA_BLOCK) {
		pthread_mutex_lock(&value_arena_pool_lock);
		if ((b = value_arena_pool) != NULL) {
			value_arena_pool = b->next;
			value_arena_npool--;
		} else
			b = value_arena_slab_new();
		pthread_mutex_unlock(&value_arena_pool_lock);
	}
	if (b == NULL) {
		b = xmalloc(sizeof *b + size);
		b->slab = false;
		__atomic_add_fetch(&value_arena_nblocks, 1, __ATOMIC_RELAXED);
	}
	b->size = size;
	return b;
}

/* n bytes from the arena, aligned for any value. */
static void *
value_arena_alloc(struct value_arena *a, size_t n)
{
	struct value_arena_block *b = a->blocks;
	size_t size;
	void *p;

	n = (n + VALUE_ARENA_ALIGN - 1) & ~(size_t)(VALUE_ARENA_ALIGN - 1);
	if (b == NULL || b->size - b->used < n) {
		size = b == NULL ? a->first : VALUE_ARENA_BLOCK;
		if (n > size / 4)
			size = n;
		b = value_arena_block_new(size);
		b->used = 0;
		a->size += sizeof *b + size;
		if (size == n && a->blocks != NULL) {
			/* A block of its own: keep filling the current one. */
			b->next = a->blocks->next;
			a->blocks->next = b;
		} else {
			b->next = a->blocks;
			a->blocks = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

struct value *
value_arena_new_value(struct value_arena *a, enum value_type type)
{
	struct value *v = value_arena_alloc(a, sizeof *v);

	memset(v, 0, sizeof *v);
	v->type = type;
	v->flags = VALUE_F_ARENA;
	return v;
}

struct value *
value_arena_new_root_m(struct value_arena *a)
{
	struct value_root *r = value_arena_alloc(a, sizeof *r);

	memset(r, 0, sizeof *r);
	r->arena = a;
	r->v.type = VT_M;
	r->v.flags = VALUE_F_ARENA | VALUE_F_ROOT;
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
	return &r->v;
}

struct value *
value_arena_new_bytes(struct value_arena *a, enum value_type type,
    const void *p, size_t len)
{
	struct value *v;

	assert(type == VT_S || type == VT_N || type == VT_B);
	v = value_fill_bytes(value_arena_alloc(a, sizeof *v + len + 1), type,
	    p, len);
	v->flags = VALUE_F_ARENA;
	return v;
}

/* Move an arena array of n elements of size sz into a larger one. */
static void *
value_arena_grow(struct value_arena *a, void *old, size_t n, size_t cap,
    size_t sz)
{
	void *p = value_arena_alloc(a, cap * sz);

	if (n > 0)
		memcpy(p, old, n * sz);
	return p;
}

void
value_arena_map_reserve(struct value_arena *a, struct value *m, size_t n)
{
	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	if (m->u.map.cap - m->u.map.len >= n)
		return;
	m->u.map.cap = m->u.map.len + n;
	m->u.map.items = value_arena_grow(a, m->u.map.items, m->u.map.len,
	    m->u.map.cap, sizeof *m->u.map.items);
}

/* A name's slot in an arena's table: its length and its first and last
 * (up to) 8 bytes, mixed. Names that collide are told apart by memcmp;
 * this only has to spread a page's few dozen names, and costs the same
 * for every length (a byte-at-a-time hash was 5% of a list's CPU). */
static uint32_t
value_name_hash(const char *name, size_t len)
{
	uint64_t head, tail = 0, x;
	uint32_t a, b;

	/* Fixed-size loads only: a memcpy of a variable length is a call. */
	if (len >= 8) {
		memcpy(&head, name, 8);
		memcpy(&tail, name + len - 8, 8);
	} else if (len >= 4) {
		memcpy(&a, name, 4);
		memcpy(&b, name + len - 4, 4);
		head = (uint64_t)a << 32 | b;
	} else if (len > 0) {
		head = (uint64_t)(unsigned char)name[0] << 16 |
		    (uint64_t)(unsigned char)name[len / 2] << 8 |
		    (unsigned char)name[len - 1];
	} else
		head = 0;
	x = (head ^ (tail * 0x9e3779b97f4a7c15u) ^ len) * 0xff51afd7ed558ccdu;
	return (uint32_t)(x >> 32);
}

char *
value_arena_name(struct value_arena *a, const char *name, size_t len,
    bool *shared)
{
	uint32_t h;
	size_t slot = 0;
	char *copy;

	if (a->intern) {
		h = value_name_hash(name, len);
		for (slot = h % VALUE_ARENA_NAMES; a->names[slot].p != NULL;
		    slot = (slot + 1) % VALUE_ARENA_NAMES) {
			if (a->names[slot].len == len &&
			    memcmp(a->names[slot].p, name, len) == 0) {
				*shared = true;
				return (char *)a->names[slot].p;
			}
		}
	}
	copy = value_arena_alloc(a, len + 1);
	memcpy(copy, name, len);
	copy[len] = '\0';
	/* Once the table is full, it never takes a name again. */
	*shared = a->intern && a->nnames < VALUE_ARENA_NAMES * 3 / 4;
	if (*shared) {
		a->names[slot].p = copy;
		a->names[slot].len = len;
		a->nnames++;
	}
	return copy;
}

void
value_arena_map_add(struct value_arena *a, struct value *m, const char *name,
    size_t len, struct value *v)
{
	struct value_member *mb;
	bool shared;

	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	if (m->u.map.len == m->u.map.cap)
		value_arena_map_reserve(a, m, m->u.map.cap != 0 ?
		    m->u.map.cap : 2);
	mb = &m->u.map.items[m->u.map.len++];
	mb->name = value_arena_name(a, name, len, &shared);
	mb->name_len = len;
	mb->value = v;
}

/* value_arena_map_add_new, *shared set when the name is the arena's
 * shared copy. */
static bool
value_arena_map_add_name(struct value_arena *a, struct value *m,
    const char *name, size_t len, struct value *v, bool *sharedp)
{
	struct value_member *mb;
	const char *p;
	bool shared;
	size_t i;

	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	p = value_arena_name(a, name, len, &shared);
	/* A shared name is in the table for good, and was when an earlier
	 * member took it (the table only ever grows, and takes no name once
	 * full): that member has its address. */
	for (i = 0; shared && i < m->u.map.len; i++)
		if (m->u.map.items[i].name == p)
			return false;
	for (i = 0; !shared && i < m->u.map.len; i++) {
		mb = &m->u.map.items[i];
		if (mb->name_len == len && memcmp(mb->name, name, len) == 0)
			return false;
	}
	/* Room for four at first: most objects have three members or
	 * more, and each growth is a new array, the old one left in the
	 * arena. */
	if (m->u.map.len == m->u.map.cap)
		value_arena_map_reserve(a, m, m->u.map.cap != 0 ?
		    m->u.map.cap : 4);
	mb = &m->u.map.items[m->u.map.len++];
	mb->name = (char *)(uintptr_t)p;
	mb->name_len = len;
	mb->value = v;
	*sharedp = shared;
	return true;
}

bool
value_arena_map_add_new(struct value_arena *a, struct value *m,
    const char *name, size_t len, struct value *v)
{
	bool shared;

	return value_arena_map_add_name(a, m, name, len, v, &shared);
}

void
value_arena_doc_begin(struct value_arena *a)
{
	if (a->order == NULL)
		a->order = xcalloc(1, sizeof *a->order);
	a->order->at = 0;
}

bool
value_arena_map_add_next(struct value_arena *a, struct value *m,
    const char *name, size_t len, size_t depth)
{
	struct value_arena_order *o = a->order;
	size_t k = o->at++, place = m->u.map.len;
	struct value_member *mb;
	bool shared;

	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	/* Below n, every name of this document so far matched: at the
	 * first that did not, n went down to it. */
	if (k < o->n && o->names[k].len == len &&
	    o->names[k].depth == depth && o->names[k].place == place &&
	    value_same_name(o->names[k].p, name, len)) {
		if (m->u.map.len == m->u.map.cap)
			value_arena_map_reserve(a, m, m->u.map.cap != 0 ?
			    m->u.map.cap : 4);
		mb = &m->u.map.items[m->u.map.len++];
		mb->name = (char *)(uintptr_t)o->names[k].p;
		mb->name_len = len;
		mb->value = NULL;
		return true;
	}
	/* From here on the document is remembered instead, in one run
	 * from its start: what came after k was another document's. */
	if (!value_arena_map_add_name(a, m, name, len, NULL, &shared))
		return false;
	if (k < o->n)
		o->n = k;
	if (k == o->n && k < VALUE_ARENA_ORDER && shared &&
	    len <= USHRT_MAX && depth <= USHRT_MAX && place <= USHRT_MAX) {
		o->names[k].p = m->u.map.items[place].name;
		o->names[k].len = (unsigned short)len;
		o->names[k].depth = (unsigned short)depth;
		o->names[k].place = (unsigned short)place;
		o->n = k + 1;
	}
	return true;
}

void
value_arena_list_append(struct value_arena *a, struct value *l,
    struct value *v)
{
	assert((l->type == VT_L || value_is_set(l)) &&
	    (l->flags & VALUE_F_ARENA));
	if (l->u.list.len == l->u.list.cap) {
		l->u.list.cap = l->u.list.cap != 0 ? l->u.list.cap * 2 : 4;
		l->u.list.items = value_arena_grow(a, l->u.list.items,
		    l->u.list.len, l->u.list.cap, sizeof *l->u.list.items);
	}
	l->u.list.items[l->u.list.len++] = v;
}

void
value_arena_map_adopt(struct value_arena *a, struct value *m,
    const struct value_member *items, size_t n)
{
	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	m->u.map.items = NULL;
	if (n > 0) {
		m->u.map.items = value_arena_alloc(a, n * sizeof *items);
		memcpy(m->u.map.items, items, n * sizeof *items);
	}
	m->u.map.len = m->u.map.cap = n;
}

void
value_arena_list_adopt(struct value_arena *a, struct value *l,
    struct value *const *items, size_t n)
{
	assert((l->type == VT_L || value_is_set(l)) &&
	    (l->flags & VALUE_F_ARENA));
	l->u.list.items = NULL;
	if (n > 0) {
		l->u.list.items = value_arena_alloc(a, n * sizeof *items);
		memcpy(l->u.list.items, items, n * sizeof *items);
	}
	l->u.list.len = l->u.list.cap = n;
}

struct value *
value_arena_view_m(struct value *root,
    bool (*keep)(const struct value_member *, const void *),
    const void *ctx)
{
	struct value_arena *a = value_root_arena(root);
	struct value *m = value_arena_new_root_m(a);
	struct value_member *items = root->u.map.items;
	size_t i, n = root->u.map.len, first, end;

	assert(root->type == VT_M && value_is_arena_root(root));
	/* The kept members are most often one run (the library writes its
	 * own attributes and the keys first): the view shares the root's
	 * array, read-only as both are, instead of copying it. */
	for (first = 0; first < n && !keep(&items[first], ctx); first++)
		;
	for (end = first; end < n && keep(&items[end], ctx); end++)
		;
	for (i = end; i < n && !keep(&items[i], ctx); i++)
		;
	if (i == n) {
		if (first == end)
			return m;
		m->u.map.items = items + first;
		m->u.map.len = m->u.map.cap = end - first;
		return m;
	}
	value_arena_map_reserve(a, m, n - first);
	for (i = first; i < n; i++)
		if (i < end || keep(&items[i], ctx))
			m->u.map.items[m->u.map.len++] = items[i];
	return m;
}

struct value *
value_arena_root_of(struct value_arena *a, const struct value *m)
{
	struct value *root = value_arena_new_root_m(a);

	assert(m->type == VT_M && (m->flags & VALUE_F_ARENA));
	value_arena_map_reserve(a, root, m->u.map.len);
	if (m->u.map.len > 0)
		memcpy(root->u.map.items, m->u.map.items,
		    m->u.map.len * sizeof *m->u.map.items);
	root->u.map.len = m->u.map.len;
	return root;
}

void
value_arena_map_set(struct value_arena *a, struct value *m, const char *name,
    size_t len, struct value *v)
{
	long i = value_map_find(m, name, len);

	if (i >= 0)
		m->u.map.items[i].value = v;
	else
		value_arena_map_add(a, m, name, len, v);
}

struct value *
value_arena_copy(struct value_arena *a, const struct value *v)
{
	struct value *c;
	size_t i;

	switch (v->type) {
	case VT_S:
	case VT_N:
	case VT_B:
		return value_arena_new_bytes(a, v->type, v->u.str.ptr,
		    v->u.str.len);
	case VT_M:
		c = value_arena_new_value(a, VT_M);
		value_arena_map_reserve(a, c, v->u.map.len);
		for (i = 0; i < v->u.map.len; i++)
			value_arena_map_add(a, c, v->u.map.items[i].name,
			    v->u.map.items[i].name_len,
			    value_arena_copy(a, v->u.map.items[i].value));
		return c;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		c = value_arena_new_value(a, v->type);
		for (i = 0; i < v->u.list.len; i++)
			value_arena_list_append(a, c,
			    value_arena_copy(a, v->u.list.items[i]));
		return c;
	default:
		c = value_arena_new_value(a, v->type);
		c->u.boolean = v->u.boolean;
		return c;
	}
}

bool
value_is_arena_root(const struct value *v)
{
	return (v->flags & (VALUE_F_ARENA | VALUE_F_ROOT)) ==
	    (VALUE_F_ARENA | VALUE_F_ROOT);
}

const char *
value_type_name(enum value_type t)
{
	if ((unsigned)t >= VT_COUNT)
		return "?";
	return value_type_names[t];
}

enum value_type
value_type_from_name(const char *s, size_t len)
{
	switch (len) {
	case 1:
		switch (s[0]) {
		case 'S':
			return VT_S;
		case 'N':
			return VT_N;
		case 'B':
			return VT_B;
		case 'M':
			return VT_M;
		case 'L':
			return VT_L;
		}
		break;
	case 2:
		if (s[1] != 'S')
			break;
		switch (s[0]) {
		case 'S':
			return VT_SS;
		case 'N':
			return VT_NS;
		case 'B':
			return VT_BS;
		}
		break;
	case 4:
		if (memcmp(s, "BOOL", 4) == 0)
			return VT_BOOL;
		if (memcmp(s, "NULL", 4) == 0)
			return VT_NULL;
		break;
	}
	return VT_COUNT;
}

bool
value_is_scalar_string(const struct value *v)
{
	return v->type == VT_S || v->type == VT_N || v->type == VT_B;
}

bool
value_is_set(const struct value *v)
{
	return v->type == VT_SS || v->type == VT_NS || v->type == VT_BS;
}

/* Replace every N (and NS element) in *slot by its canonical text, as
 * DynamoDB stores numbers ("1.50" reads back as "1.5"). */
void
value_canonical_numbers(struct value **slot)
{
	struct value *v = *slot;
	struct buf b = BUF_INIT;
	size_t i;

	switch (v->type) {
	case VT_N:
		number_canonical(v->u.str.ptr, v->u.str.len, &b);
		if (b.len != v->u.str.len ||
		    memcmp(b.data, v->u.str.ptr, b.len) != 0) {
			*slot = value_new_n(b.data, b.len);
			value_free(v);
		}
		buf_cleanup(&b);
		break;
	case VT_M:
		for (i = 0; i < v->u.map.len; i++)
			value_canonical_numbers(&v->u.map.items[i].value);
		break;
	case VT_L:
	case VT_NS:
		for (i = 0; i < v->u.list.len; i++)
			value_canonical_numbers(&v->u.list.items[i]);
		break;
	default:
		break;
	}
}

/* value_numbers_canonical with the caller's scratch buffer. */
static bool
value_numbers_canonical_in(const struct value *v, struct buf *b)
{
	size_t i;

	switch (v->type) {
	case VT_N:
		buf_reset(b);
		number_canonical(v->u.str.ptr, v->u.str.len, b);
		return b->len == v->u.str.len &&
		    memcmp(b->data, v->u.str.ptr, b->len) == 0;
	case VT_M:
		for (i = 0; i < v->u.map.len; i++)
			if (!value_numbers_canonical_in(v->u.map.items[i].value,
			    b))
				return false;
		return true;
	case VT_L:
	case VT_NS:
		for (i = 0; i < v->u.list.len; i++)
			if (!value_numbers_canonical_in(v->u.list.items[i], b))
				return false;
		return true;
	default:
		return true;
	}
}

bool
value_numbers_canonical(const struct value *v)
{
	struct buf b = BUF_INIT;
	bool yes = value_numbers_canonical_in(v, &b);

	buf_cleanup(&b);
	return yes;
}

char *
value_map_strdup(const struct value *m, const char *name)
{
	const struct value *v = value_map_get(m, name);

	return v != NULL && v->type == VT_S ? xstrndup(v->u.str.ptr,
	    v->u.str.len) : NULL;
}

/* value_same for the members of two maps, in order. */
static bool
value_same_members(const struct value *a, const struct value *b)
{
	size_t i;

	if (a->u.map.len != b->u.map.len)
		return false;
	for (i = 0; i < a->u.map.len; i++) {
		const struct value_member *x = &a->u.map.items[i];
		const struct value_member *y = &b->u.map.items[i];

		if (x->name_len != y->name_len ||
		    memcmp(x->name, y->name, x->name_len) != 0 ||
		    !value_same(x->value, y->value))
			return false;
	}
	return true;
}

/* value_same for the elements of two lists or sets, in order. */
static bool
value_same_elements(const struct value *a, const struct value *b)
{
	size_t i;

	if (a->u.list.len != b->u.list.len)
		return false;
	for (i = 0; i < a->u.list.len; i++)
		if (!value_same(a->u.list.items[i], b->u.list.items[i]))
			return false;
	return true;
}

bool
value_same(const struct value *a, const struct value *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	if (value_is_scalar_string(a))
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
	if (a->type == VT_BOOL)
		return a->u.boolean == b->u.boolean;
	if (a->type == VT_M)
		return value_same_members(a, b);
	if (a->type == VT_NULL)
		return true;
	return value_same_elements(a, b);
}
