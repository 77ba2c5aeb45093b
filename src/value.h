/* SPDX-License-Identifier: ISC */
/* DynamoDB attribute values of every type, numbers kept as exact text. */
#ifndef DYNREPO_VALUE_H
#define DYNREPO_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum value_type {
	VT_S,		/* string: UTF-8 bytes, may hold NUL */
	VT_N,		/* number: decimal text exactly as given */
	VT_B,		/* binary: raw bytes (base64 only on the wire) */
	VT_BOOL,
	VT_NULL,
	VT_M,		/* map: members in insertion order, names unique */
	VT_L,		/* list */
	VT_SS,		/* string set: elements are VT_S values */
	VT_NS,		/* number set: elements are VT_N values */
	VT_BS,		/* binary set: elements are VT_B values */
	VT_COUNT
};

struct value;
struct value_arena;

struct value_member {
	char		*name;		/* NUL-terminated, owned */
	size_t		 name_len;	/* names may hold NUL: use this */
	struct value	*value;		/* owned */
};

/* value.flags: where a value's memory comes from. */
#define VALUE_F_ARENA	0x01	/* in a value_arena: read-only */
#define VALUE_F_ROOT	0x02	/* an arena's root: value_free drops its
				   reference on the arena */

struct value {
	enum value_type	 type;
	unsigned char	 flags;		/* VALUE_F_*; 0 for heap values */
	union {
		struct {			/* S, N, B */
			char	*ptr;		/* owned; ptr[len] == '\0';
						   see value_take_str */
			size_t	 len;
		} str;
		bool	 boolean;		/* BOOL */
		struct {			/* M */
			struct value_member *items;
			size_t	 len, cap;
		} map;
		struct {			/* L, SS, NS, BS */
			struct value **items;	/* owned */
			size_t	 len, cap;
		} list;
	} u;
};

/* Constructors copy their arguments and cannot fail. No validation:
 * value_new_n takes any text; number_check (number.h) validates. */
struct value	*value_new_s(const char *, size_t);
struct value	*value_new_str(const char *);		/* NUL-terminated */
struct value	*value_new_n(const char *, size_t);
struct value	*value_new_b(const void *, size_t);
struct value	*value_new_bool(bool);
struct value	*value_new_null(void);
struct value	*value_new_m(void);
struct value	*value_new_l(void);
/* An empty SS, NS or BS. */
struct value	*value_new_set(enum value_type);
/* In the arena a (see below), or on the heap when a is NULL: a NULL, a
 * false BOOL, an empty M, L or set of that type; an S, N or B copying
 * p. Cannot fail. */
struct value	*value_new_in(struct value_arena *a, enum value_type);
struct value	*value_new_bytes_in(struct value_arena *a, enum value_type,
		     const void *p, size_t len);
/* Take ownership of a malloc'd string (S/N/B) without copying;
 * p must have a '\0' at p[len]. */
struct value	*value_new_owned(enum value_type, char *p, size_t len);
void		 value_free(struct value *);		/* NULL is a no-op */
/* The bytes of an S, N or B may share the value's own allocation: never
 * free, realloc or keep str.ptr past the value. To keep the bytes, take
 * them: returns a malloc'd copy or the moved buffer (NUL-terminated, *lenp
 * gets the length if not NULL) and frees v. Cannot fail. */
char		*value_take_str(struct value *v, size_t *lenp);
struct value	*value_copy(const struct value *);

/* Deep equality as DynamoDB sees it: numbers by numeric value (1.50 == 1.5),
 * sets regardless of order, maps regardless of member order, lists in order. */
bool		 value_equal(const struct value *, const struct value *);
/* The same value byte for byte, members and elements in the same order
 * (value_equal takes 1.50 for 1.5 and sets in any order); NULLs are the
 * same only as each other. */
bool		 value_same(const struct value *, const struct value *);
/* Replace every N (and NS element) in *slot, at any depth, by its
 * canonical text, as DynamoDB stores numbers ("1.50" reads back as
 * "1.5"). Cannot fail. */
void		 value_canonical_numbers(struct value **slot);
/* Whether every N (and NS element) in v is already its canonical text,
 * so that value_canonical_numbers would leave v as it is. */
bool		 value_numbers_canonical(const struct value *v);

/* Map members. value_map_set takes ownership of v and replaces (frees) an
 * existing member of that name, keeping its position. */
void		 value_map_set(struct value *m, const char *name,
		     struct value *v);
void		 value_map_setn(struct value *m, const char *name, size_t len,
		     struct value *v);
/* Append a member without looking for one of that name (for parsers that
 * have checked already); takes ownership of the malloc'd name, which must
 * have a '\0' at name[len], and of v. */
void		 value_map_add_owned(struct value *m, char *name, size_t len,
		     struct value *v);
/* Make room for n more members (a hint; maps grow by themselves). */
void		 value_map_reserve(struct value *m, size_t n);
/* Borrowed; NULL when absent or when m is not a map. */
struct value	*value_map_get(const struct value *m, const char *name);
struct value	*value_map_getn(const struct value *m, const char *name,
		     size_t len);
/* A copy of the S member name of m; NULL when absent or not an S. */
char		*value_map_strdup(const struct value *m, const char *name);
/* Remove and return (caller owns); NULL when absent or m is not a map. */
struct value	*value_map_take(struct value *m, const char *name);
/* Append to a list or set; takes ownership of v. Sets do not check
 * duplicates here (the codec and the stores do). */
void		 value_list_append(struct value *l, struct value *v);

/*
 * An arena holds the values of one decoded page in a few large blocks
 * instead of one malloc each, and frees them in one go. Its values are
 * read-only: value_map_set, value_map_setn, value_map_add_owned,
 * value_map_reserve and value_list_append must not be given one (they
 * assert); value_copy makes an ordinary heap value of one; value_map_take
 * from an arena map returns a heap copy; value_take_str copies.
 * Only roots are freed: value_free of a root drops its reference on the
 * arena; value_free of any other arena value does nothing (its memory
 * goes with the arena). The arena is released when its creator has
 * called value_arena_unref and every root has been freed, on any thread.
 * Building is single-threaded: one arena is filled by one thread.
 */
struct value_arena;

/* A new arena, referenced by its creator. Cannot fail. */
struct value_arena *value_arena_new(void);
/* An arena whose first block holds about `first` bytes (within the
 * block sizes' bounds): one block for a value of a known size. Its
 * member names are not shared (they are, in an arena of many items). */
struct value_arena *value_arena_new_sized(size_t first);
/* The bytes an arena holds (its blocks and itself). */
size_t		 value_arena_size(const struct value_arena *);
/* Drop the creator's reference (or one taken with value_arena_ref);
 * NULL is a no-op. */
void		 value_arena_unref(struct value_arena *);
/* Another reference on a, for whoever keeps its values; returns a. */
struct value_arena *value_arena_ref(struct value_arena *a);
/* An empty M that is a root of a (its own reference on a). */
struct value	*value_arena_new_root_m(struct value_arena *a);
/* Arena versions of the constructors: S, N, B copy p; M, L, sets,
 * NULL and BOOL are empty / false. */
struct value	*value_arena_new_bytes(struct value_arena *, enum value_type,
		     const void *p, size_t len);
struct value	*value_arena_new_value(struct value_arena *, enum value_type);
void		 value_arena_map_reserve(struct value_arena *, struct value *m,
		     size_t n);
/* Builders that grow an arena container m / l in place, for one built a
 * member at a time: the name is copied into the arena (shared as
 * value_arena_name does); v must be an arena value of a or NULL. */
void		 value_arena_map_add(struct value_arena *, struct value *m,
		     const char *name, size_t len, struct value *v);
/* value_arena_map_add for a parser, when m has no member of that name
 * yet; false (nothing added) when it has. A name the arena shares is
 * looked for by its address, not its bytes. */
bool		 value_arena_map_add_new(struct value_arena *, struct value *m,
		     const char *name, size_t len, struct value *v);
/* value_arena_map_add_new(v NULL) for a parser that says where a
 * document begins (value_arena_doc_begin) and the depth of m: a
 * document whose names come in the order of the last one added this way
 * finds each by one compare (a stream of lines of one shape). */
void		 value_arena_doc_begin(struct value_arena *);
bool		 value_arena_map_add_next(struct value_arena *, struct value *m,
		     const char *name, size_t len, size_t depth);
void		 value_arena_list_append(struct value_arena *, struct value *l,
		     struct value *v);
/* The builders of arena containers, for one that collects a container's
 * members or elements elsewhere (a parser's stack) while it is open:
 * a NUL-terminated copy of a member name in the arena (*shared set when
 * it is the arena's one copy of that name, given to every member of that
 * name: then equal names are equal pointers; there is one while the
 * arena's table has room), and
 * the container's members / elements, copied into the arena at their
 * exact size (values: arena values of a or NULL). Cannot fail. */
char		*value_arena_name(struct value_arena *, const char *name,
		     size_t len, bool *shared);
void		 value_arena_map_adopt(struct value_arena *, struct value *m,
		     const struct value_member *, size_t n);
void		 value_arena_list_adopt(struct value_arena *, struct value *l,
		     struct value *const *, size_t n);
/* A new root M in the arena of root (an arena root M) holding the members
 * of root that keep() accepts: names and values are shared with root, not
 * copied, so the view costs one array per item however deep it is, and
 * none when the members kept are one run of root's (then the view's
 * array is a part of root's). Like
 * every arena value it is read-only; value_free of it drops its own
 * reference, so root may be freed first. Built by the thread that owns
 * the arena, as any arena value. Cannot fail. */
struct value	*value_arena_view_m(struct value *root,
		     bool (*keep)(const struct value_member *,
		     const void *), const void *ctx);
/* A new root M in a holding the members of m, an M of a (not copied:
 * names and values are shared with m). Cannot fail. */
struct value	*value_arena_root_of(struct value_arena *a,
		     const struct value *m);
/* value_arena_map_add, or when m has a member of that name, its value
 * replaced by v (keeping its position), as value_map_setn does; for the
 * builder of m. */
void		 value_arena_map_set(struct value_arena *, struct value *m,
		     const char *name, size_t len, struct value *v);
/* A deep copy of v (any value) in a. Cannot fail. */
struct value	*value_arena_copy(struct value_arena *a,
		     const struct value *v);
/* True when v is an arena root (value_arena_view_m can view it). */
bool		 value_is_arena_root(const struct value *v);
/* The bytes the arena of root (an arena root) has handed out so far,
 * alignment included (the regression guard's measure). */
size_t		 value_arena_used(const struct value *root);
/* Blocks made (malloc'd, or carved from a slab of huge pages) by all
 * arenas so far, reused ones not counted. */
unsigned long	 value_arena_blocks(void);

/* "S", "N", ..., "BS"; cannot fail. */
const char	*value_type_name(enum value_type);
/* VT_COUNT when the name is not a DynamoDB type. */
enum value_type	 value_type_from_name(const char *, size_t);
/* True for S, N, B. */
bool		 value_is_scalar_string(const struct value *);
/* True for SS, NS, BS. */
bool		 value_is_set(const struct value *);

/* Whether two member names of len bytes are the same: most are short,
 * compared in two loads each rather than by a call. */
static inline bool
value_same_name(const char *a, const char *b, size_t len)
{
	uint64_t x[4];
	uint32_t y[4];

	if (len >= 8 && len <= 16) {
		memcpy(&x[0], a, 8);
		memcpy(&x[1], b, 8);
		memcpy(&x[2], a + len - 8, 8);
		memcpy(&x[3], b + len - 8, 8);
		return x[0] == x[1] && x[2] == x[3];
	}
	if (len >= 4 && len < 8) {
		memcpy(&y[0], a, 4);
		memcpy(&y[1], b, 4);
		memcpy(&y[2], a + len - 4, 4);
		memcpy(&y[3], b + len - 4, 4);
		return y[0] == y[1] && y[2] == y[3];
	}
	return memcmp(a, b, len) == 0;
}

#endif
