/* SPDX-License-Identifier: ISC */
/* Evaluating expression ASTs against items, with DynamoDB's rules and words. */
#ifndef DYNREPO_EXPR_EVAL_H
#define DYNREPO_EXPR_EVAL_H

#include <stdbool.h>

#include "err.h"
#include "expr.h"
#include "value.h"

/*
 * Condition, filter and key-condition expressions: *result is whether the
 * item (an M; NULL means "no item", as for a PutItem condition on a new
 * key) satisfies e. DynamoDB's rules: a missing attribute makes a
 * comparison false (<> is NOT =, so it is true there; two missing operands
 * are equal, as in dynalite); comparing different types is false, not an
 * error; < <= > >= BETWEEN apply to S (byte-wise), N (numeric) and B;
 * begins_with to S and B; contains to S (substring), sets (member) and L
 * (element, by deep equality);
 * size() to S (bytes), B, sets, L, M. -1 with ERR_INPUT and aws_type
 * "ValidationException" for what DynamoDB refuses before evaluating
 * (for example attribute_type with an unknown type name, or a BETWEEN
 * whose low bound is above its high bound), with DynamoDB's wording
 * but without the "Invalid ConditionExpression: " in front (see
 * expr_eval_check). Cannot fail once the expression has passed the checks.
 */
int	 expr_eval_condition(const struct expr *, const struct value *item,
	     bool *result, struct err *);

/*
 * What DynamoDB refuses in a condition before looking at any item, with
 * its words behind "Invalid <param>: " (param is "ConditionExpression",
 * "FilterExpression" or "KeyConditionExpression"; NULL is
 * "ConditionExpression"): a function used as an
 * operand, a wrong number of operands, two identical paths compared, a
 * literal operand of the wrong type, an unknown attribute_type name, BETWEEN
 * bounds of different types or in the wrong order. A store calls it once
 * per request, before reading anything, so the error wins over
 * ConditionalCheckFailed as it does in DynamoDB. expr_eval_condition makes
 * the same checks and reports the reason without the prefix. -1 with
 * ERR_INPUT / "ValidationException".
 */
int	 expr_eval_check(const struct expr *, const char *param, struct err *);

/*
 * The same for an update expression, prefixed "Invalid UpdateExpression: ":
 * overlapping or conflicting paths ("Two document paths overlap with each
 * other; ..."), ADD / DELETE operands of a type they do not take,
 * list_append / + / - on a literal of the wrong type. expr_eval_update
 * calls it first; a store calls it before the condition as well.
 */
int	 expr_eval_update_check(const struct update *, struct err *);

/*
 * Apply an update expression to *item (an M, created when *item is NULL),
 * as UpdateItem does: SET (nested paths, list indexes, if_not_exists,
 * list_append, + and - on numbers), REMOVE, ADD (numbers; sets by union;
 * a missing attribute starts from 0 or the empty set), DELETE (set
 * difference; an emptied set is removed). All or nothing: on error *item
 * is unchanged, with ERR_INPUT / "ValidationException" and DynamoDB's
 * message (for example "An operand in the update expression has an
 * incorrect data type", "The document path provided in the update
 * expression is invalid for update"). Number results are checked with
 * number_add (38 digits, range).
 *
 * The order is the wire's (expr_render_update): every SET operand is
 * evaluated against the item as it was (SET a = b, b = a swaps), then the
 * SET, REMOVE, ADD and DELETE clauses apply in that order. List indexes
 * name elements of the list as it was: REMOVE l[0], l[1] removes the first
 * two, and elements SET past the end are appended in index order. Paths
 * refer to *item as given: for a new item, pass its key attributes.
 */
int	 expr_eval_update(const struct update *, struct value **item,
	     struct err *);

/* The value a path names inside item (borrowed); NULL when absent. */
const struct value *expr_eval_path(const struct path *,
	    const struct value *item);

/* Keep only the attributes named by paths (a ProjectionExpression);
 * returns a new M. */
struct value *expr_eval_project(const struct path *, size_t n,
	    const struct value *item);

/* DynamoDB's item size in bytes: attribute names plus values (S/B by
 * length, N by its digits ~ (digits+1)/2+1, BOOL/NULL 1, M/L 3 + members
 * + 1 per member, sets by elements), as the 400 KB limit counts it. */
size_t	 expr_eval_item_size(const struct value *item);
/* At least expr_eval_item_size(item), cheaper: numbers are not parsed. */
size_t	 expr_eval_item_size_bound(const struct value *item);

#endif
