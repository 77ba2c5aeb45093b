/* SPDX-License-Identifier: ISC */
/* DynamoDB attribute values of every type, numbers kept as exact text. */
#ifndef DYNREPO_VALUE_H
#define DYNREPO_VALUE_H

#include <stdbool.h>
#include <stddef.h>

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

struct value_member {
	char		*name;		/* NUL-terminated, owned */
	size_t		 name_len;	/* names may hold NUL: use this */
	struct value	*value;		/* owned */
};

struct value {
	enum value_type	 type;
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
/* Replace every N (and NS element) in *slot, at any depth, by its
 * canonical text, as DynamoDB stores numbers ("1.50" reads back as
 * "1.5"). Cannot fail. */
void		 value_canonical_numbers(struct value **slot);

/* Map members. value_map_set takes ownership of v and replaces (frees) an
 * existing member of that name, keeping its position. */
void		 value_map_set(struct value *m, const char *name, struct value *v);
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

/* "S", "N", ..., "BS"; cannot fail. */
const char	*value_type_name(enum value_type);
/* VT_COUNT when the name is not a DynamoDB type. */
enum value_type	 value_type_from_name(const char *, size_t);
/* True for S, N, B. */
bool		 value_is_scalar_string(const struct value *);
/* True for SS, NS, BS. */
bool		 value_is_set(const struct value *);

#endif
