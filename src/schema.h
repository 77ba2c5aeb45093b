/* SPDX-License-Identifier: ISC */
/* A pydantic model as its JSON Schema: types, typing and validation. */
#ifndef DYNREPO_SCHEMA_H
#define DYNREPO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "filter.h"
#include "repo.h"
#include "value.h"

/*
 * The schema is what pydantic prints for the model: Model.schema_json() in
 * pydantic 1 ("definitions", Optional as a property that is not required,
 * Decimal as "number") or Model.model_json_schema() in pydantic 2 ("$defs",
 * Optional as anyOf [T, {"type": "null"}], Decimal as anyOf [number,
 * string]). It is compiled into a tree of nodes once; $ref, allOf with one
 * member and the Optional wrappers are resolved on load, so users of the
 * tree never meet them. Recursive models (a Node with children: List[Node])
 * are cycles in the tree; a $ref that only leads back to itself is refused.
 *
 * Understood: type (one or a list), properties, required, items (a schema
 * or, pydantic 1's tuples, a list), prefixItems, uniqueItems, enum, const,
 * format date-time / date / time, anyOf / oneOf / allOf, $ref to any JSON
 * pointer in the document, additionalProperties, default, and the bounds
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers, as both
 * dialects print them), minLength, maxLength, minItems, maxItems. Not
 * checked: pattern, multipleOf, other formats (their values are strings).
 * Anything else is "silent": values there are taken as they are.
 */

enum schema_kind {
	SCHEMA_ANY,		/* {} or not understood: silent */
	SCHEMA_STRING,
	SCHEMA_INTEGER,
	SCHEMA_NUMBER,		/* float; in pydantic 1 also Decimal */
	SCHEMA_DECIMAL,		/* pydantic 2's Decimal: number or string */
	SCHEMA_BOOLEAN,
	SCHEMA_NULL,		/* None as a type of its own */
	SCHEMA_DATETIME,	/* string, format date-time */
	SCHEMA_DATE,		/* string, format date */
	SCHEMA_TIME,		/* string, format time */
	SCHEMA_ENUM,		/* enum, const (Enum, Literal) */
	SCHEMA_MODEL,		/* object with properties: a pydantic model */
	SCHEMA_DICT,		/* object without properties: Dict[str, X] */
	SCHEMA_ARRAY,		/* List, Set (unique), Tuple (prefix) */
	SCHEMA_UNION,		/* anyOf / oneOf other than Optional */
	SCHEMA_REF		/* only while loading */
};

/* Whether None is accepted where a value sits. */
enum schema_null {
	SCHEMA_NULL_NO,
	SCHEMA_NULL_YES,	/* Optional (pydantic 2 anyOf null; pydantic 1
				   a property neither required nor defaulted) */
	SCHEMA_NULL_UNKNOWN	/* pydantic 1 cannot say: a defaulted property,
				   the items of a list, the values of a dict */
};

/* What a model does with attributes it does not declare. */
enum schema_extra {
	SCHEMA_EXTRA_IGNORE,	/* the default: dropped on parse */
	SCHEMA_EXTRA_FORBID,	/* additionalProperties: false */
	SCHEMA_EXTRA_ALLOW	/* additionalProperties: true or a schema */
};

struct schema_node;

/* A place where a value sits: a property, list items, dict values. */
struct schema_slot {
	struct schema_node	*node;		/* never NULL after load */
	enum schema_null	 nullable;
};

struct schema_prop {
	char			*name;
	size_t			 name_len;	/* strlen(name) */
	/* ,"name": (a comma, the name as a JSON string, a colon), for
	 * printing members */
	char			*json_name;
	size_t			 json_name_len;
	struct schema_slot	 slot;
	bool			 required;
	struct value		*default_value;	/* plain JSON, or NULL */
};

/* One compiled schema. Read-only for users; owned by the schema. */
struct schema_node {
	enum schema_kind	 kind;
	char			*title;		/* or NULL */
	/* MODEL */
	struct schema_prop	*props;
	size_t			 nprops;
	/* MODEL, DICT: values is the schema of undeclared members (DICT:
	 * every member; ANY when the dict says nothing) */
	enum schema_extra	 extra;
	struct schema_slot	 values;
	/* ARRAY: items (NULL node for a tuple without a rest), the tuple's
	 * positions, uniqueItems (a Set) */
	struct schema_slot	 items;
	struct schema_slot	*prefix;
	size_t			 nprefix;
	bool			 unique;
	/* ENUM: the allowed plain JSON values */
	struct value		**values_enum;
	size_t			 nenum;
	/* UNION: the members in order (None is not among them) */
	struct schema_slot	*branches;
	size_t			 nbranches;
	/* bounds: number texts or NULL; lengths or -1 */
	char			*minimum, *maximum;
	bool			 exclusive_min, exclusive_max;
	long long		 min_len, max_len;	/* strings, arrays */
	/* SCHEMA_REF while loading */
	struct schema_node	*target;
};

struct schema;

/* Load and compile the schema file at path (a few MB at most), read with
 * the project's JSON parser so that numbers in defaults and enums keep
 * their digits. NULL with ERR_CONFIG ("FILE: reason": not JSON, not a
 * model, a $ref that cannot be resolved or that loops, a node that is not
 * an object) or ERR_IO. */
struct schema	*schema_load(const char *path, struct err *);
/* The same from a buffer; name is used in messages. */
struct schema	*schema_load_buf(const char *data, size_t len,
		    const char *name, struct err *);
void		 schema_free(struct schema *);	/* NULL is a no-op */

/* 1 for pydantic 1's dialect (definitions, Optional as not required),
 * 2 for pydantic 2's ($defs, anyOf null, Decimal as number or string).
 * Without either sign, 1 (the library's own pydantic). */
int		 schema_dialect(const struct schema *);
/* The model's title ("FilmActor"), or "the model". Borrowed. */
const char	*schema_title(const struct schema *);
/* The model's top-level property names in the schema's order (the
 * model's field order). Borrowed; *n gets the count. */
const char *const *schema_fields(const struct schema *, size_t *n);
/* The root model, and the slot it sits in. Borrowed. */
const struct schema_node *schema_root(const struct schema *);
const struct schema_slot *schema_root_slot(const struct schema *);
/* A model's property by name; NULL when it has none (or n is not a
 * model). Borrowed. */
const struct schema_prop *schema_prop(const struct schema_node *n,
		    const char *name, size_t len);
/* The slot of a member under a model (a property, or the schema of its
 * extras), a dict (its values) or a union (the first member that has
 * it); of an index under a list, set or tuple. NULL when silent (Any).
 * Borrowed. */
const struct schema_slot *schema_member(const struct schema_node *n,
		    const char *name, size_t len);
const struct schema_slot *schema_element(const struct schema_node *n,
		    long index);
/* The slot a path leads to ("address.city", "roles[0].year"), through
 * models, dicts, lists and Optional. NULL when the schema is silent there
 * (no such field, or under an Any). Borrowed. */
const struct schema_slot *schema_find(const struct schema *,
		    const struct path *);
/* "integer", "Optional[string]", "list of Role", ... for column headers
 * and messages. */
void		 schema_describe(const struct schema_slot *, struct buf *);
/* The type a node expects, for messages: "string", "object (Address)",
 * "one of \"a\", \"b\"", "integer or string". */
void		 schema_node_describe(const struct schema_node *, struct buf *);
/* "string \"abc\"", "number 1.5", "boolean true", "null", "object",
 * "list", "string set", ... (long texts cut, escaped for messages). */
void		 schema_value_describe(const struct value *, struct buf *);

/*
 * Typing (schema_edit.c): plain JSON (S, N, BOOL, NULL, M, L as
 * json_parse builds it) to the DynamoDB value the library would store.
 * integer -> N (an integral number; "12.0" becomes "12"), number -> N
 * with its digits, string -> S,
 * date-time / date / time -> S in Python's isoformat() ("Z" becomes
 * "+00:00"), enum -> the value itself, model and dict -> M (members typed),
 * list and set -> L (a set without duplicates), None -> NULL where the
 * place is Optional (or pydantic 1 cannot say). Where the schema is silent
 * (schema NULL, an unknown member, an Any), the value keeps the type of
 * `existing` when given (an SS stays SS when given a list of strings, an
 * NS a list of numbers, a BS or B base64 strings; maps and lists member by
 * member), else its natural type. An unknown member is refused only where
 * the model forbids extras. Numbers are checked against DynamoDB's limits.
 * *out belongs to the caller. ERR_INPUT with the path:
 * "address.city: expected string, got number 12".
 */
int	 schema_type_value(const struct schema *, const struct path *field,
	     const struct value *plain, const struct value *existing,
	     struct value **out, struct err *);
/* A whole item (M of the model's fields) from plain JSON, as the library's
 * put stores item.dict(): every field typed, a missing field with a
 * default gets it, a missing Optional one gets NULL, a missing required
 * one is an error; undeclared fields are refused unless allow_extra (then
 * typed as silent ones, keeping the type of existing's member). */
int	 schema_type_item(const struct schema *, const struct value *plain,
	     const struct value *existing, bool allow_extra,
	     struct value **out, struct err *);
/* schema_type_item into the arena a, plain being values of a: *out is a
 * root of a (value_free drops its reference), read-only, and shares with
 * plain what typing leaves as it is (strings, booleans, numbers already
 * canonical) instead of copying it. */
int	 schema_type_item_in(struct value_arena *a, const struct schema *,
	     const struct value *plain, const struct value *existing,
	     bool allow_extra, struct value **out, struct err *);

/* The members of schema_type_item's typed item for a plain item (no
 * existing, allow_extra irrelevant), appended to b as
 * ddbjson_emit_members prints them, without building it, when typing it
 * is simple: every member declared; strings, numbers, booleans, nulls,
 * date-times, enums, lists and models (defaults filled). The item's
 * numbers are taken as checked (content_from_json does). -1, b
 * unchanged, when typing needs more (a union, a set, a dict, Any, an
 * extra member, bounds) or refuses the item: schema_type_item then says
 * what and why. *canonical, when not NULL, is whether the typed item's
 * numbers are in number_canonical's form (value_numbers_canonical). */
int	 schema_emit_item(const struct schema *, const struct value *plain,
	     struct buf *, bool *canonical);

/*
 * Validation of DynamoDB-typed values, by the types the library itself
 * stores (not by pydantic's coercions): S for strings, N (integral for
 * integer fields) for numbers, BOOL, NULL only where Optional, M for
 * models and dicts, L (or an SS/NS/BS another tool wrote) for lists and
 * sets, ISO strings for date-times, enum values. Errors are ERR_INPUT
 * with the path, the expected type and the value found.
 */
/* An item (M of the model's fields): required fields present, no
 * undeclared field unless allow_extra (never where the model forbids). */
int	 schema_validate_item(const struct schema *, const struct value *item,
	     bool allow_extra, struct err *);
/* One value at a path (a member of set_commands, say). */
int	 schema_validate_value(const struct schema *, const struct path *field,
	     const struct value *v, bool allow_extra, struct err *);
/* An UpdateCommand, as pydantic_dynamo.utils.validate_command_for_schema
 * and more: set_commands names are fields (a map value sets members, so
 * it needs a model or dict field, and its members must be the nested
 * model's fields), values typed as stored; increment_attrs only on
 * integer fields, by integers; append_attrs only on list or set fields,
 * with elements that, typed as the library's str | dict, fit the items;
 * unknown attributes refused unless allow_extra; the library's own
 * attributes (_object_version, _timestamp, _ttl) refused. */
int	 schema_validate_update(const struct schema *,
	     const struct update_command *, bool allow_extra, struct err *);
/* Type set_commands (plain JSON M) as the library would store them and
 * validate them as above; existing is the stored item (M) or NULL.
 * *out is a new M. */
int	 schema_type_set_commands(const struct schema *,
	     const struct value *plain, const struct value *existing,
	     bool allow_extra, struct value **out, struct err *);
/* A FilterCommand: every enabled condition's field must be a field of the
 * model (a path through nested models and dicts; the library's own
 * attributes are allowed; others only with allow_extra), and each value is
 * retyped in place as the field stores it (errors as schema_type_value).
 * schema NULL: values keep their natural types, every name is allowed. */
int	 schema_validate_filter(const struct schema *, struct filter *,
	     bool allow_extra, struct err *);

/*
 * Text rules shared with check.c. Each parses a NUL-terminated text and
 * returns true when the rule accepts it.
 */
/* A date-time, date or time split into fields. */
struct schema_when {
	int	 year, month, day;
	int	 hour, minute, second, usec;
	bool	 has_date, has_time, has_seconds, has_tz;
	int	 tz_minutes;		/* offset east of UTC */
	bool	 loose;			/* a form pydantic 2 refuses
					   (one-digit fields, ...) */
};
/* Parse by pydantic 1's regular expressions and Python's range checks
 * (rules 1), by pydantic 2's speedate forms (rules 2: two-digit fields,
 * also 't', '_', 'z'), or by either (rules 0). A date-time needs a time,
 * with 'T' or ' ' between. `loose` tells that pydantic 2 would refuse
 * the form. */
bool	 schema_parse_datetime(const char *, int rules, struct schema_when *);
bool	 schema_parse_date(const char *, int rules, struct schema_when *);
bool	 schema_parse_time(const char *, int rules, struct schema_when *);
/* Python's isoformat() of parsed fields. */
void	 schema_format_when(const struct schema_when *, struct buf *);

#endif
