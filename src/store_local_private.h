/* SPDX-License-Identifier: ISC */
/* Inside the embedded store: its checks of a request (store_local_check.c), shared with store_local.c. */
#ifndef DYNREPO_STORE_LOCAL_PRIVATE_H
#define DYNREPO_STORE_LOCAL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "request.h"
#include "value.h"

/* Longest user text quoted in a message. */
#define STORE_LOCAL_QUOTE_MAX	400

/* A number's shape, as DynamoDB measures and limits it. */
struct store_local_num {
	bool		 neg;
	size_t		 digits;	/* significant; 0 for zero */
	long long	 e;		/* power of ten of the first */
};

/* ---- errors, in DynamoDB's words --------------------------------------- */

/* A DynamoDB error of the given type (its name, as the service sends
 * it); -1. */
int	 store_local_fail(struct err *, const char *type, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/* A ValidationException; -1. */
int	 store_local_invalid(struct err *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
/* Turn an expr_eval error (ERR_INPUT, DynamoDB's words) into the error
 * DynamoDB would send, with prefix in front of its message; -1. */
int	 store_local_adopt(struct err *, const char *prefix);
/* Append user text for a message, cut at STORE_LOCAL_QUOTE_MAX bytes. */
void	 store_local_quote(struct buf *, const char *s, size_t len);

/* ---- numbers, values, expressions -------------------------------------- */

/* Parse a number's sign, significant digits and exponent; -1 when the
 * text is not a number. */
int	 store_local_num_parse(const char *t, size_t len,
	     struct store_local_num *);
/* Check every attribute of an item or key; ValidationException with
 * prefix in front of DynamoDB's message. */
int	 store_local_check_values(const struct value *m, const char *prefix,
	     struct err *);
/* The expression attribute values of a request. */
int	 store_local_check_expr_values(const struct request *, struct err *);
/* What DynamoDB refuses in a condition, filter or key condition before
 * reading any item (param: "ConditionExpression", ...). */
int	 store_local_check_cond(const struct expr *, const char *param,
	     struct err *);
int	 store_local_check_update(const struct update *, struct err *);
int	 store_local_check_projection(const struct request *, struct err *);
/* The name DynamoDB's messages give a function or a comparison node;
 * NULL for others. */
const char *store_local_function_name(enum expr_kind);
const char *store_local_cmp_name(enum expr_kind);
/* Order two scalars of one type as DynamoDB does; 0 for other types. */
int	 store_local_scalar_cmp(const struct value *, const struct value *);

#endif
