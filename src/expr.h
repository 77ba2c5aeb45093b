/* SPDX-License-Identifier: ISC */
/* Condition, key-condition, filter and update expressions as small ASTs. */
#ifndef DYNREPO_EXPR_H
#define DYNREPO_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* A document path: a.b[2].c. A segment is a member name or a list index. */
struct path_seg {
	char	*name;		/* owned; NULL for an index segment */
	size_t	 name_len;
	long	 index;		/* >= 0 for [index]; -1 for a name */
};

struct path {
	struct path_seg	*segs;
	size_t		 n;
};

/* path_copy, path_set_name and path_parse_dotted fill an uninitialised
 * path: they do not free what it held (path_cleanup it first). */
void	 path_init(struct path *);
void	 path_cleanup(struct path *);
void	 path_copy(struct path *dst, const struct path *src);
void	 path_push_name(struct path *, const char *, size_t);
void	 path_push_index(struct path *, long);	/* index >= 0 */
/* One top-level attribute name, taken literally (dots are not split). */
void	 path_set_name(struct path *, const char *);
/* "a.b.c" split on dots (the filter grammar's dotted paths), with list
 * indexes in brackets ("roles[0].title"); an empty segment or a malformed
 * bracket is ERR_INPUT and leaves the path empty. */
int	 path_parse_dotted(struct path *, const char *, struct err *);
/* "a.b[2]" for messages. */
void	 path_format(const struct path *, struct buf *);
/* Same segments (names compared byte for byte). */
bool	 path_equal(const struct path *, const struct path *);

enum expr_kind {
	/* operands */
	EX_PATH,		/* path */
	EX_VALUE,		/* value */
	EX_IF_NOT_EXISTS,	/* args: path, operand */
	EX_LIST_APPEND,		/* args: operand, operand */
	EX_PLUS,		/* args: operand, operand (SET only) */
	EX_MINUS,
	EX_SIZE,		/* args: path */
	/* conditions */
	EX_EQ, EX_NE, EX_LT, EX_LE, EX_GT, EX_GE,	/* args: a, b */
	EX_BETWEEN,		/* args: a, low, high */
	EX_IN,			/* args: a, candidates... */
	EX_BEGINS_WITH,		/* args: path, operand */
	EX_CONTAINS,		/* args: path, operand */
	EX_EXISTS,		/* attribute_exists(path) */
	EX_NOT_EXISTS,		/* attribute_not_exists(path) */
	EX_ATTR_TYPE,		/* args: path, S value naming the type */
	EX_AND, EX_OR,		/* args: a, b */
	EX_NOT,			/* args: a */
	EX_KIND_COUNT
};

struct expr {
	enum expr_kind	 kind;
	struct path	 path;		/* EX_PATH */
	struct value	*value;		/* EX_VALUE, owned */
	struct expr	**args;		/* owned */
	size_t		 nargs;
};

/* Constructors take ownership of their arguments and cannot fail. */
struct expr	*expr_new_path(struct path *);	/* moves *path, empties it */
struct expr	*expr_new_name(const char *);	/* one top-level attribute */
struct expr	*expr_new_value(struct value *);
/* A node of `kind` with nargs arguments (struct expr *). */
struct expr	*expr_new(enum expr_kind, size_t nargs, ...);
/* a AND b; either may be NULL, which gives the other. */
struct expr	*expr_and(struct expr *a, struct expr *b);
struct expr	*expr_copy(const struct expr *);
void		 expr_free(struct expr *);

enum update_action { UPD_SET, UPD_REMOVE, UPD_ADD, UPD_DELETE };

struct update_clause {
	enum update_action	 action;
	struct path		 path;
	struct expr		*operand;	/* SET: operand; ADD/DELETE:
						   EX_VALUE; REMOVE: NULL */
};

/* An update expression: clauses kept in the order they were added. */
struct update {
	struct update_clause	*clauses;
	size_t			 n, cap;
};

void	 update_init(struct update *);
void	 update_cleanup(struct update *);
/* Takes ownership: moves *path, owns operand. */
void	 update_add(struct update *, enum update_action, struct path *,
	     struct expr *operand);
bool	 update_empty(const struct update *);

/*
 * Rendering for the wire. One render context per request collects the
 * placeholders of every expression of that request: attribute names become
 * #n0, #n1 ... (the same name gets the same placeholder, so reserved words
 * never matter) and values become :v0, :v1 ... in order of appearance.
 */
struct expr_render {
	struct value	*names;		/* M: "#n0" -> S name */
	struct value	*values;	/* M: ":v0" -> value */
	size_t		 nnames, nvalues;
};

void	 expr_render_init(struct expr_render *);
void	 expr_render_cleanup(struct expr_render *);
/* Append the expression text (with placeholders) to out. */
void	 expr_render(struct expr_render *, const struct expr *,
	     struct buf *out);
void	 expr_render_update(struct expr_render *, const struct update *,
	     struct buf *out);
void	 expr_render_path(struct expr_render *, const struct path *,
	     struct buf *out);
/* Append ,"ExpressionAttributeNames":{...} and/or
 * ,"ExpressionAttributeValues":{...} (DynamoDB JSON) when non-empty. */
void	 expr_render_attributes(const struct expr_render *, struct buf *json);

#endif
