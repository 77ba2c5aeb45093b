/* SPDX-License-Identifier: ISC */
/* A pydantic model as its JSON Schema: loading, lookup, descriptions, dates. */
#include "config.h"

#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "number.h"
#include "xmalloc.h"

#define SCHEMA_MAX_FILE		(16 * 1024 * 1024)
#define SCHEMA_MAX_DEPTH	64

struct schema_ref {
	char			*ref;
	struct schema_node	*node;
};

struct schema {
	char			*name;
	int			 dialect;
	struct value		*doc;		/* the document as parsed */
	struct schema_node	**nodes;	/* every node, owned */
	size_t			 nnodes, capnodes;
	struct schema_ref	*refs;		/* $ref -> placeholder node */
	size_t			 nrefs, caprefs;
	struct schema_slot	 root;
	const char		**fields;	/* borrowed from root's props */
};

/* ---- loading ---------------------------------------------------------- */

/* A new node owned by the schema. */
static struct schema_node *
schema_node_new(struct schema *s, enum schema_kind kind)
{
	struct schema_node *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->min_len = -1;
	n->max_len = -1;
	if (s->nnodes == s->capnodes) {
		s->capnodes = s->capnodes ? s->capnodes * 2 : 32;
		s->nodes = xreallocarray(s->nodes, s->capnodes,
		    sizeof *s->nodes);
	}
	s->nodes[s->nnodes++] = n;
	return n;
}

/* Free one node's own memory (not the nodes it points to). */
static void
schema_node_free(struct schema_node *n)
{
	size_t i;

	free(n->title);
	for (i = 0; i < n->nprops; i++) {
		free(n->props[i].name);
		free(n->props[i].json_name);
		value_free(n->props[i].default_value);
	}
	free(n->props);
	free(n->prefix);
	for (i = 0; i < n->nenum; i++)
		value_free(n->values_enum[i]);
	free(n->values_enum);
	free(n->branches);
	free(n->minimum);
	free(n->maximum);
	free(n);
}

void
schema_free(struct schema *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnodes; i++)
		schema_node_free(s->nodes[i]);
	free(s->nodes);
	for (i = 0; i < s->nrefs; i++)
		free(s->refs[i].ref);
	free(s->refs);
	free(s->fields);
	value_free(s->doc);
	free(s->name);
	free(s);
}

/* A member of a JSON object, or NULL. */
static const struct value *
schema_get(const struct value *obj, const char *name)
{
	if (obj == NULL || obj->type != VT_M)
		return NULL;
	return value_map_get(obj, name);
}

/* A string member's text, or NULL. */
static const char *
schema_get_str(const struct value *obj, const char *name)
{
	const struct value *v = schema_get(obj, name);

	return v != NULL && v->type == VT_S ? v->u.str.ptr : NULL;
}

/* Whether an anyOf / oneOf member is {"type": "null"}. */
static bool
schema_is_null_schema(const struct value *v)
{
	const char *t = schema_get_str(v, "type");

	return t != NULL && strcmp(t, "null") == 0 && v->u.map.len <= 3;
}

/* Signs of pydantic 2 anywhere below v. */
static bool
schema_looks_v2(const struct value *v, int depth)
{
	size_t i;

	if (v == NULL || depth > SCHEMA_MAX_DEPTH)
		return false;
	if (v->type == VT_L) {
		for (i = 0; i < v->u.list.len; i++)
			if (schema_looks_v2(v->u.list.items[i], depth + 1))
				return true;
		return false;
	}
	if (v->type != VT_M)
		return false;
	for (i = 0; i < v->u.map.len; i++) {
		const struct value_member *m = &v->u.map.items[i];

		if (strcmp(m->name, "properties") == 0 ||
		    strcmp(m->name, "definitions") == 0) {
			size_t j;

			/* Member names here are field names, not keywords. */
			if (m->value->type != VT_M)
				continue;
			for (j = 0; j < m->value->u.map.len; j++) {
				const struct value *sub =
				    m->value->u.map.items[j].value;

				if (schema_looks_v2(sub, depth + 1))
					return true;
			}
			continue;
		}
		if (strcmp(m->name, "prefixItems") == 0 ||
		    (strcmp(m->name, "default") == 0 &&
		    m->value->type == VT_NULL))
			return true;
		if (strcmp(m->name, "anyOf") == 0 && m->value->type == VT_L) {
			size_t j;

			for (j = 0; j < m->value->u.list.len; j++)
				if (schema_is_null_schema(
				    m->value->u.list.items[j]))
					return true;
		}
		if (strcmp(m->name, "default") == 0 ||
		    strcmp(m->name, "enum") == 0 ||
		    strcmp(m->name, "examples") == 0)
			continue;
		if (schema_looks_v2(m->value, depth + 1))
			return true;
	}
	return false;
}

/* The dialect of a document. */
static int
schema_detect_dialect(const struct value *doc)
{
	if (schema_get(doc, "$defs") != NULL)
		return 2;
	if (schema_get(doc, "definitions") != NULL)
		return 1;
	return schema_looks_v2(doc, 0) ? 2 : 1;
}

/* Resolve a JSON pointer ("#/definitions/Address") in the document. */
static const struct value *
schema_pointer(const struct value *doc, const char *ref)
{
	const struct value *v = doc;
	const char *p;
	struct buf seg = BUF_INIT;

	if (ref[0] != '#')
		return NULL;
	p = ref + 1;
	while (*p == '/') {
		p++;
		buf_reset(&seg);
		while (*p != '\0' && *p != '/') {
			if (p[0] == '~' && p[1] == '1') {
				buf_addc(&seg, '/');
				p += 2;
			} else if (p[0] == '~' && p[1] == '0') {
				buf_addc(&seg, '~');
				p += 2;
			} else {
				buf_addc(&seg, *p++);
			}
		}
		if (v->type == VT_M) {
			v = value_map_getn(v, buf_cstr(&seg), seg.len);
		} else if (v->type == VT_L) {
			char *end;
			unsigned long i = strtoul(buf_cstr(&seg), &end, 10);

			v = (*end == '\0' && seg.len > 0 && i < v->u.list.len) ?
			    v->u.list.items[i] : NULL;
		} else {
			v = NULL;
		}
		if (v == NULL)
			break;
	}
	buf_cleanup(&seg);
	return *p == '\0' ? v : NULL;
}

static int schema_compile(struct schema *, const struct value *,
    const char *, int, struct schema_slot *, struct err *);

/* The placeholder node of a $ref, compiling its target the first time. */
static int
schema_compile_ref(struct schema *s, const char *ref, const char *where,
    int depth, struct schema_slot *out, struct err *e)
{
	const struct value *target;
	struct schema_node *ph;
	struct schema_slot slot;
	size_t i;

	for (i = 0; i < s->nrefs; i++)
		if (strcmp(s->refs[i].ref, ref) == 0) {
			out->node = s->refs[i].node;
			return 0;
		}
	target = schema_pointer(s->doc, ref);
	if (target == NULL)
		return err_set(e, ERR_CONFIG, "%s: $ref \"%s\" leads nowhere",
		    where, ref);
	ph = schema_node_new(s, SCHEMA_REF);
	if (s->nrefs == s->caprefs) {
		s->caprefs = s->caprefs ? s->caprefs * 2 : 16;
		s->refs = xreallocarray(s->refs, s->caprefs, sizeof *s->refs);
	}
	s->refs[s->nrefs].ref = xstrdup(ref);
	s->refs[s->nrefs].node = ph;
	s->nrefs++;
	memset(&slot, 0, sizeof slot);
	if (schema_compile(s, target, ref, depth + 1, &slot, e) == -1)
		return -1;
	ph->target = slot.node;
	out->node = ph;
	if (slot.nullable == SCHEMA_NULL_YES)
		out->nullable = SCHEMA_NULL_YES;
	return 0;
}

/* A number keyword as text (NULL when absent or not a number). */
static char *
schema_bound(const struct value *js, const char *name)
{
	const struct value *v = schema_get(js, name);

	if (v == NULL || v->type != VT_N)
		return NULL;
	return xstrndup(v->u.str.ptr, v->u.str.len);
}

/* A non-negative integer keyword, or -1. */
static long long
schema_length(const struct value *js, const char *name)
{
	const struct value *v = schema_get(js, name);

	if (v == NULL || v->type != VT_N || v->u.str.ptr[0] == '-' ||
	    !number_is_integer(v->u.str.ptr, v->u.str.len))
		return -1;
	return strtoll(v->u.str.ptr, NULL, 10);
}

/* Bounds that both dialects print the same way. */
static void
schema_compile_bounds(struct schema_node *n, const struct value *js)
{
	char *x;

	n->minimum = schema_bound(js, "minimum");
	n->maximum = schema_bound(js, "maximum");
	if ((x = schema_bound(js, "exclusiveMinimum")) != NULL) {
		free(n->minimum);
		n->minimum = x;
		n->exclusive_min = true;
	}
	if ((x = schema_bound(js, "exclusiveMaximum")) != NULL) {
		free(n->maximum);
		n->maximum = x;
		n->exclusive_max = true;
	}
	if (n->kind == SCHEMA_ARRAY) {
		n->min_len = schema_length(js, "minItems");
		n->max_len = schema_length(js, "maxItems");
	} else {
		n->min_len = schema_length(js, "minLength");
		n->max_len = schema_length(js, "maxLength");
	}
}

/* Fill `where/child` into a buffer for messages. */
static char *
schema_where(const char *where, const char *child)
{
	return xasprintf("%s/%s", where, child);
}

/* A list member of the schema (anyOf, prefixItems ...) compiled into an
 * array of slots. */
static int
schema_compile_list(struct schema *s, const struct value *list,
    const char *where, int depth, struct schema_slot **slots, size_t *n,
    struct err *e)
{
	size_t i;

	*slots = xcalloc(list->u.list.len + 1, sizeof **slots);
	*n = 0;
	for (i = 0; i < list->u.list.len; i++) {
		char idx[24];
		char *w;
		int rc;

		snprintf(idx, sizeof idx, "%zu", i);
		w = schema_where(where, idx);
		rc = schema_compile(s, list->u.list.items[i], w, depth + 1,
		    &(*slots)[*n], e);
		free(w);
		if (rc == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

/* An object schema: a model (properties) or a dict. */
static int
schema_compile_object(struct schema *s, const struct value *js,
    const char *where, int depth, struct schema_node *n, struct err *e)
{
	const struct value *props = schema_get(js, "properties");
	const struct value *req = schema_get(js, "required");
	const struct value *add = schema_get(js, "additionalProperties");
	struct buf jn;
	char *w;
	size_t i, j;
	int rc;

	n->extra = SCHEMA_EXTRA_IGNORE;
	n->values.node = schema_node_new(s, SCHEMA_ANY);
	if (add != NULL && add->type == VT_BOOL) {
		n->extra = add->u.boolean ? SCHEMA_EXTRA_ALLOW :
		    SCHEMA_EXTRA_FORBID;
	} else if (add != NULL && add->type == VT_M) {
		n->extra = SCHEMA_EXTRA_ALLOW;
		w = schema_where(where, "additionalProperties");
		rc = schema_compile(s, add, w, depth + 1, &n->values, e);
		free(w);
		if (rc == -1)
			return -1;
	}
	if (props == NULL) {
		n->kind = SCHEMA_DICT;
		if (n->extra == SCHEMA_EXTRA_IGNORE)
			n->extra = SCHEMA_EXTRA_ALLOW;
		return 0;
	}
	if (props->type != VT_M)
		return err_set(e, ERR_CONFIG, "%s/properties: expected an "
		    "object", where);
	n->kind = SCHEMA_MODEL;
	n->props = xcalloc(props->u.map.len + 1, sizeof *n->props);
	for (i = 0; i < props->u.map.len; i++) {
		const struct value_member *m = &props->u.map.items[i];
		struct schema_prop *p = &n->props[n->nprops++];
		const struct value *def;

		p->name = xstrndup(m->name, m->name_len);
		p->name_len = strlen(p->name);
		buf_init(&jn);
		buf_addc(&jn, ',');
		buf_add_json_string(&jn, p->name, p->name_len);
		buf_addc(&jn, ':');
		p->json_name = buf_detach(&jn, &p->json_name_len);
		w = xasprintf("%s/properties/%s", where, p->name);
		rc = schema_compile(s, m->value, w, depth + 1, &p->slot, e);
		free(w);
		if (rc == -1)
			return -1;
		def = schema_get(m->value, "default");
		if (def != NULL)
			p->default_value = value_copy(def);
		for (j = 0; req != NULL && req->type == VT_L &&
		    j < req->u.list.len; j++) {
			const struct value *r = req->u.list.items[j];

			if (r->type == VT_S &&
			    strcmp(r->u.str.ptr, p->name) == 0)
				p->required = true;
		}
		/* pydantic 1 prints no sign of Optional: a field that is
		 * neither required nor defaulted defaults to None. */
		if (s->dialect == 1 && p->slot.nullable != SCHEMA_NULL_YES) {
			if (p->required)
				p->slot.nullable = SCHEMA_NULL_NO;
			else if (p->default_value == NULL)
				p->slot.nullable = SCHEMA_NULL_YES;
			else
				p->slot.nullable = SCHEMA_NULL_UNKNOWN;
		}
		if (p->default_value != NULL && p->default_value->type ==
		    VT_NULL)
			p->slot.nullable = SCHEMA_NULL_YES;
	}
	return 0;
}

/* An array schema: list, set, tuple. */
static int
schema_compile_array(struct schema *s, const struct value *js,
    const char *where, int depth, struct schema_node *n, struct err *e)
{
	const struct value *items = schema_get(js, "items");
	const struct value *prefix = schema_get(js, "prefixItems");
	const struct value *u = schema_get(js, "uniqueItems");
	char *w;
	int rc = 0;

	n->unique = u != NULL && u->type == VT_BOOL && u->u.boolean;
	if (prefix != NULL && prefix->type == VT_L) {
		w = schema_where(where, "prefixItems");
		rc = schema_compile_list(s, prefix, w, depth, &n->prefix,
		    &n->nprefix, e);
		free(w);
	} else if (items != NULL && items->type == VT_L) {
		/* pydantic 1's Tuple[A, B]: items as a list */
		w = schema_where(where, "items");
		rc = schema_compile_list(s, items, w, depth, &n->prefix,
		    &n->nprefix, e);
		free(w);
		items = NULL;
		if (rc == 0)
			return 0;
	}
	if (rc == -1)
		return -1;
	if (items != NULL && items->type == VT_M) {
		w = schema_where(where, "items");
		rc = schema_compile(s, items, w, depth + 1, &n->items, e);
		free(w);
	} else if (n->nprefix == 0 || (items != NULL && items->type ==
	    VT_BOOL && items->u.boolean)) {
		n->items.node = schema_node_new(s, SCHEMA_ANY);
	}
	return rc;
}

/* A node for one "type" name, using the other keywords of js. */
static int
schema_compile_type(struct schema *s, const struct value *js,
    const char *type, const char *where, int depth, struct schema_node **out,
    struct err *e)
{
	const char *format = schema_get_str(js, "format");
	struct schema_node *n;

	if (strcmp(type, "string") == 0) {
		if (format != NULL && strcmp(format, "date-time") == 0)
			n = schema_node_new(s, SCHEMA_DATETIME);
		else if (format != NULL && strcmp(format, "date") == 0)
			n = schema_node_new(s, SCHEMA_DATE);
		else if (format != NULL && strcmp(format, "time") == 0)
			n = schema_node_new(s, SCHEMA_TIME);
		else
			n = schema_node_new(s, SCHEMA_STRING);
	} else if (strcmp(type, "integer") == 0) {
		n = schema_node_new(s, SCHEMA_INTEGER);
	} else if (strcmp(type, "number") == 0) {
		n = schema_node_new(s, SCHEMA_NUMBER);
	} else if (strcmp(type, "boolean") == 0) {
		n = schema_node_new(s, SCHEMA_BOOLEAN);
	} else if (strcmp(type, "null") == 0) {
		n = schema_node_new(s, SCHEMA_NULL);
	} else if (strcmp(type, "object") == 0) {
		n = schema_node_new(s, SCHEMA_DICT);
		if (schema_compile_object(s, js, where, depth, n, e) == -1)
			return -1;
	} else if (strcmp(type, "array") == 0) {
		n = schema_node_new(s, SCHEMA_ARRAY);
		if (schema_compile_array(s, js, where, depth, n, e) == -1)
			return -1;
	} else {
		return err_set(e, ERR_CONFIG, "%s: unknown type \"%s\"", where,
		    type);
	}
	schema_compile_bounds(n, js);
	*out = n;
	return 0;
}

/* anyOf [number, string] without formats: pydantic 2's Decimal. */
static bool
schema_is_decimal(const struct schema_slot *b, size_t n)
{
	return n == 2 && b[0].node->kind == SCHEMA_NUMBER &&
	    b[1].node->kind == SCHEMA_STRING;
}

/* anyOf / oneOf: Optional when a member is null, else a union. */
static int
schema_compile_union(struct schema *s, const struct value *list,
    const struct value *js, const char *where, int depth,
    struct schema_slot *out, struct err *e)
{
	struct schema_slot *b;
	struct schema_node *n;
	size_t nb, i, k = 0;

	if (list->type != VT_L || list->u.list.len == 0)
		return err_set(e, ERR_CONFIG, "%s: anyOf needs a non-empty "
		    "list", where);
	if (schema_compile_list(s, list, where, depth, &b, &nb, e) == -1) {
		free(b);
		return -1;
	}
	for (i = 0; i < nb; i++) {
		/* A REF is not resolved yet: it cannot be a plain null. */
		if (b[i].node->kind == SCHEMA_NULL) {
			out->nullable = SCHEMA_NULL_YES;
			continue;
		}
		if (b[i].nullable == SCHEMA_NULL_YES)
			out->nullable = SCHEMA_NULL_YES;
		b[k++] = b[i];
	}
	if (k == 0) {
		out->node = schema_node_new(s, SCHEMA_NULL);
		free(b);
		return 0;
	}
	if (k == 1) {
		out->node = b[0].node;
		free(b);
		return 0;
	}
	if (schema_is_decimal(b, k)) {
		n = schema_node_new(s, SCHEMA_DECIMAL);
		schema_compile_bounds(n, js);
		/* pydantic 2 puts a Decimal's bounds on the number member */
		if (n->minimum == NULL && b[0].node->minimum != NULL) {
			n->minimum = xstrdup(b[0].node->minimum);
			n->exclusive_min = b[0].node->exclusive_min;
		}
		if (n->maximum == NULL && b[0].node->maximum != NULL) {
			n->maximum = xstrdup(b[0].node->maximum);
			n->exclusive_max = b[0].node->exclusive_max;
		}
		out->node = n;
		free(b);
		return 0;
	}
	n = schema_node_new(s, SCHEMA_UNION);
	n->branches = b;
	n->nbranches = k;
	for (i = 0; i < k; i++)
		n->branches[i].nullable = SCHEMA_NULL_NO;
	out->node = n;
	return 0;
}

/* Compile one schema object into a slot (node and Optional-ness). */
static int
schema_compile(struct schema *s, const struct value *js, const char *where,
    int depth, struct schema_slot *out, struct err *e)
{
	const struct value *v, *type;
	const char *ref, *title;
	struct schema_node *n = NULL;

	out->node = NULL;
	out->nullable = SCHEMA_NULL_NO;
	if (depth > SCHEMA_MAX_DEPTH)
		return err_set(e, ERR_CONFIG, "%s: nested too deeply", where);
	if (js->type == VT_BOOL) {
		out->node = schema_node_new(s, SCHEMA_ANY);
		return 0;
	}
	if (js->type != VT_M)
		return err_set(e, ERR_CONFIG, "%s: expected a schema object",
		    where);
	title = schema_get_str(js, "title");

	if ((ref = schema_get_str(js, "$ref")) != NULL)
		return schema_compile_ref(s, ref, where, depth, out, e);
	if ((v = schema_get(js, "allOf")) != NULL) {
		/* pydantic 1 wraps a $ref that has a default in allOf. */
		if (v->type != VT_L || v->u.list.len == 0)
			return err_set(e, ERR_CONFIG, "%s/allOf: expected a "
			    "non-empty list", where);
		if (v->u.list.len == 1) {
			char *w = schema_where(where, "allOf/0");
			int rc = schema_compile(s, v->u.list.items[0], w,
			    depth + 1, out, e);

			free(w);
			return rc;
		}
		out->node = schema_node_new(s, SCHEMA_ANY);
		return 0;
	}
	if ((v = schema_get(js, "anyOf")) != NULL ||
	    (v = schema_get(js, "oneOf")) != NULL)
		return schema_compile_union(s, v, js, where, depth, out, e);
	if ((v = schema_get(js, "enum")) != NULL ||
	    (v = schema_get(js, "const")) != NULL) {
		size_t i;

		n = schema_node_new(s, SCHEMA_ENUM);
		if (v->type == VT_L && schema_get(js, "enum") == v) {
			n->values_enum = xcalloc(v->u.list.len + 1,
			    sizeof *n->values_enum);
			for (i = 0; i < v->u.list.len; i++) {
				if (v->u.list.items[i]->type == VT_NULL)
					out->nullable = SCHEMA_NULL_YES;
				n->values_enum[n->nenum++] =
				    value_copy(v->u.list.items[i]);
			}
		} else {
			n->values_enum = xcalloc(1, sizeof *n->values_enum);
			n->values_enum[n->nenum++] = value_copy(v);
		}
	} else if ((type = schema_get(js, "type")) != NULL) {
		if (type->type == VT_S) {
			if (schema_compile_type(s, js, type->u.str.ptr, where,
			    depth, &n, e) == -1)
				return -1;
		} else if (type->type == VT_L) {
			struct schema_node *u = NULL;
			size_t i;

			for (i = 0; i < type->u.list.len; i++) {
				const struct value *t = type->u.list.items[i];
				struct schema_node *one;

				if (t->type != VT_S)
					return err_set(e, ERR_CONFIG,
					    "%s/type: expected strings", where);
				if (strcmp(t->u.str.ptr, "null") == 0) {
					out->nullable = SCHEMA_NULL_YES;
					continue;
				}
				if (schema_compile_type(s, js, t->u.str.ptr,
				    where, depth, &one, e) == -1)
					return -1;
				if (n == NULL) {
					n = one;
					continue;
				}
				if (u == NULL) {
					u = schema_node_new(s, SCHEMA_UNION);
					u->branches = xcalloc(type->u.list.len,
					    sizeof *u->branches);
					u->branches[u->nbranches++].node = n;
					n = u;
				}
				u->branches[u->nbranches++].node = one;
			}
			if (n == NULL)
				n = schema_node_new(s, SCHEMA_NULL);
		} else {
			return err_set(e, ERR_CONFIG, "%s/type: expected a "
			    "string or a list", where);
		}
	} else if (schema_get(js, "properties") != NULL) {
		n = schema_node_new(s, SCHEMA_MODEL);
		if (schema_compile_object(s, js, where, depth, n, e) == -1)
			return -1;
	} else {
		n = schema_node_new(s, SCHEMA_ANY);
	}
	if (title != NULL && n->title == NULL)
		n->title = xstrdup(title);
	out->node = n;
	return 0;
}

/* Follow REF placeholders to the node they stand for. */
static int
schema_resolve_slot(struct schema *s, struct schema_slot *slot, struct err *e)
{
	struct schema_node *n = slot->node;
	size_t steps = 0;

	if (n == NULL)
		return 0;
	while (n != NULL && n->kind == SCHEMA_REF) {
		if (++steps > s->nnodes) {
			n = NULL;
			break;
		}
		n = n->target;
	}
	if (n == NULL) {
		size_t i;

		for (i = 0; i < s->nrefs; i++)
			if (s->refs[i].node == slot->node)
				break;
		return err_set(e, ERR_CONFIG, "$ref \"%s\" loops back to "
		    "itself", i < s->nrefs ? s->refs[i].ref : "?");
	}
	slot->node = n;
	return 0;
}

/* Resolve every slot of every node. */
static int
schema_resolve(struct schema *s, struct err *e)
{
	size_t i, j;

	if (schema_resolve_slot(s, &s->root, e) == -1)
		return -1;
	for (i = 0; i < s->nnodes; i++) {
		struct schema_node *n = s->nodes[i];

		if (n->kind == SCHEMA_REF)
			continue;
		for (j = 0; j < n->nprops; j++)
			if (schema_resolve_slot(s, &n->props[j].slot, e) == -1)
				return -1;
		for (j = 0; j < n->nprefix; j++)
			if (schema_resolve_slot(s, &n->prefix[j], e) == -1)
				return -1;
		for (j = 0; j < n->nbranches; j++)
			if (schema_resolve_slot(s, &n->branches[j], e) == -1)
				return -1;
		if (schema_resolve_slot(s, &n->values, e) == -1 ||
		    schema_resolve_slot(s, &n->items, e) == -1)
			return -1;
	}
	/* Now that unions see their members: Decimal, and null members
	 * that came through a $ref. */
	for (i = 0; i < s->nnodes; i++) {
		struct schema_node *n = s->nodes[i];
		size_t k = 0;

		if (n->kind != SCHEMA_UNION)
			continue;
		for (j = 0; j < n->nbranches; j++)
			if (n->branches[j].node->kind != SCHEMA_NULL)
				n->branches[k++] = n->branches[j];
		n->nbranches = k;
	}
	return 0;
}

/* pydantic 1 leaves the Optional-ness of list items and dict values
 * unsaid. */
static void
schema_mark_unknown(struct schema *s)
{
	size_t i, j;

	if (s->dialect != 1)
		return;
	for (i = 0; i < s->nnodes; i++) {
		struct schema_node *n = s->nodes[i];

		if (n->items.node != NULL &&
		    n->items.nullable == SCHEMA_NULL_NO)
			n->items.nullable = SCHEMA_NULL_UNKNOWN;
		if (n->values.node != NULL &&
		    n->values.nullable == SCHEMA_NULL_NO)
			n->values.nullable = SCHEMA_NULL_UNKNOWN;
		for (j = 0; j < n->nprefix; j++)
			if (n->prefix[j].nullable == SCHEMA_NULL_NO)
				n->prefix[j].nullable = SCHEMA_NULL_UNKNOWN;
	}
}

struct schema *
schema_load_buf(const char *data, size_t len, const char *name,
    struct err *e)
{
	struct schema *s = xcalloc(1, sizeof *s);
	size_t i;

	s->name = xstrdup(name != NULL ? name : "schema");
	s->doc = json_parse(data, len, e);
	if (s->doc == NULL) {
		err_prefix(e, "%s: ", s->name);
		if (e != NULL)
			e->code = ERR_CONFIG;
		goto fail;
	}
	s->dialect = schema_detect_dialect(s->doc);
	if (schema_compile(s, s->doc, "#", 0, &s->root, e) == -1 ||
	    schema_resolve(s, e) == -1) {
		err_prefix(e, "%s: ", s->name);
		goto fail;
	}
	schema_mark_unknown(s);
	if (s->root.node->kind != SCHEMA_MODEL) {
		err_set(e, ERR_CONFIG, "%s: not the schema of a model (no "
		    "\"properties\" at the top)", s->name);
		goto fail;
	}
	s->fields = xcalloc(s->root.node->nprops + 1, sizeof *s->fields);
	for (i = 0; i < s->root.node->nprops; i++)
		s->fields[i] = s->root.node->props[i].name;
	return s;
fail:
	schema_free(s);
	return NULL;
}

struct schema *
schema_load(const char *path, struct err *e)
{
	struct buf b = BUF_INIT;
	struct schema *s = NULL;
	char chunk[65536];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > SCHEMA_MAX_FILE) {
			err_set(e, ERR_CONFIG, "%s: larger than %d bytes: not "
			    "a model's schema", path, SCHEMA_MAX_FILE);
			goto out;
		}
	}
	if (ferror(f)) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	s = schema_load_buf(buf_cstr(&b), b.len, path, e);
out:
	fclose(f);
	buf_cleanup(&b);
	return s;
}

int
schema_dialect(const struct schema *s)
{
	return s->dialect;
}

const char *
schema_title(const struct schema *s)
{
	return s->root.node->title != NULL ? s->root.node->title :
	    "the model";
}

const char *const *
schema_fields(const struct schema *s, size_t *n)
{
	*n = s->root.node->nprops;
	return s->fields;
}

const struct schema_node *
schema_root(const struct schema *s)
{
	return s->root.node;
}

const struct schema_slot *
schema_root_slot(const struct schema *s)
{
	return &s->root;
}

const struct schema_prop *
schema_prop(const struct schema_node *n, const char *name, size_t len)
{
	size_t i;

	if (n == NULL || n->kind != SCHEMA_MODEL)
		return NULL;
	for (i = 0; i < n->nprops; i++)
		if (strlen(n->props[i].name) == len &&
		    memcmp(n->props[i].name, name, len) == 0)
			return &n->props[i];
	return NULL;
}

const struct schema_slot *
schema_member(const struct schema_node *n, const char *name, size_t len)
{
	const struct schema_prop *p;
	size_t i;

	switch (n->kind) {
	case SCHEMA_MODEL:
		if ((p = schema_prop(n, name, len)) != NULL)
			return &p->slot;
		if (n->extra == SCHEMA_EXTRA_ALLOW &&
		    n->values.node->kind != SCHEMA_ANY)
			return &n->values;
		return NULL;
	case SCHEMA_DICT:
		return n->values.node->kind != SCHEMA_ANY ? &n->values : NULL;
	case SCHEMA_UNION:
		for (i = 0; i < n->nbranches; i++) {
			const struct schema_slot *s = schema_member(
			    n->branches[i].node, name, len);

			if (s != NULL)
				return s;
		}
		return NULL;
	default:
		return NULL;
	}
}

const struct schema_slot *
schema_element(const struct schema_node *n, long index)
{
	size_t i;

	if (n->kind == SCHEMA_ARRAY) {
		if (index >= 0 && (size_t)index < n->nprefix)
			return &n->prefix[index];
		if (n->items.node != NULL && n->items.node->kind != SCHEMA_ANY)
			return &n->items;
		return NULL;
	}
	if (n->kind == SCHEMA_UNION)
		for (i = 0; i < n->nbranches; i++) {
			const struct schema_slot *s = schema_element(
			    n->branches[i].node, index);

			if (s != NULL)
				return s;
		}
	return NULL;
}

const struct schema_slot *
schema_find(const struct schema *s, const struct path *p)
{
	const struct schema_slot *slot = &s->root;
	size_t i;

	for (i = 0; i < p->n && slot != NULL; i++) {
		const struct path_seg *seg = &p->segs[i];

		if (seg->name != NULL)
			slot = schema_member(slot->node, seg->name,
			    seg->name_len);
		else
			slot = schema_element(slot->node, seg->index);
	}
	if (slot == NULL || slot->node->kind == SCHEMA_ANY)
		return NULL;
	return slot;
}

/* ---- descriptions ----------------------------------------------------- */

/* Append at most max bytes of s, not cutting a UTF-8 sequence; true when
 * cut. */
static bool
schema_cut(const char *s, size_t len, size_t max, size_t *outlen)
{
	if (len <= max) {
		*outlen = len;
		return false;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	*outlen = max;
	return true;
}

void
schema_value_describe(const struct value *v, struct buf *b)
{
	size_t n;
	bool cut;

	switch (v->type) {
	case VT_S:
		cut = schema_cut(v->u.str.ptr, v->u.str.len, 60, &n);
		buf_adds(b, "string ");
		buf_add_json_string(b, v->u.str.ptr, n);
		if (cut)
			buf_adds(b, "...");
		break;
	case VT_N:
		cut = schema_cut(v->u.str.ptr, v->u.str.len, 45, &n);
		buf_adds(b, "number ");
		buf_add(b, v->u.str.ptr, n);
		if (cut)
			buf_adds(b, "...");
		break;
	case VT_BOOL:
		buf_adds(b, v->u.boolean ? "boolean true" : "boolean false");
		break;
	case VT_NULL:
		buf_adds(b, "null");
		break;
	case VT_M:
		buf_adds(b, "object");
		break;
	case VT_L:
		buf_adds(b, "list");
		break;
	case VT_B:
		buf_adds(b, "binary");
		break;
	case VT_SS:
		buf_adds(b, "string set");
		break;
	case VT_NS:
		buf_adds(b, "number set");
		break;
	case VT_BS:
		buf_adds(b, "binary set");
		break;
	default:
		buf_adds(b, "value");
		break;
	}
}

/* A plain JSON value in a message, cut. */
static void
schema_json_short(const struct value *v, struct buf *b)
{
	struct buf t = BUF_INIT;
	size_t n;

	json_emit(&t, v, 0);
	if (schema_cut(buf_cstr(&t), t.len, 40, &n)) {
		buf_add(b, t.data, n);
		buf_adds(b, "...");
	} else {
		buf_add(b, buf_cstr(&t), t.len);
	}
	buf_cleanup(&t);
}

void
schema_node_describe(const struct schema_node *n, struct buf *b)
{
	size_t i;

	switch (n->kind) {
	case SCHEMA_ANY:
		buf_adds(b, "anything");
		break;
	case SCHEMA_STRING:
		buf_adds(b, "string");
		break;
	case SCHEMA_INTEGER:
		buf_adds(b, "integer");
		break;
	case SCHEMA_NUMBER:
		buf_adds(b, "number");
		break;
	case SCHEMA_DECIMAL:
		buf_adds(b, "decimal number");
		break;
	case SCHEMA_BOOLEAN:
		buf_adds(b, "boolean");
		break;
	case SCHEMA_NULL:
		buf_adds(b, "null");
		break;
	case SCHEMA_DATETIME:
		buf_adds(b, "date-time string");
		break;
	case SCHEMA_DATE:
		buf_adds(b, "date string (YYYY-MM-DD)");
		break;
	case SCHEMA_TIME:
		buf_adds(b, "time string");
		break;
	case SCHEMA_ENUM:
		buf_adds(b, n->nenum == 1 ? "" : "one of ");
		for (i = 0; i < n->nenum && i < 8; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			schema_json_short(n->values_enum[i], b);
		}
		if (n->nenum > 8)
			buf_adds(b, ", ...");
		break;
	case SCHEMA_MODEL:
		if (n->title != NULL)
			buf_printf(b, "object (%s)", n->title);
		else
			buf_adds(b, "object");
		break;
	case SCHEMA_DICT:
		buf_adds(b, "object");
		break;
	case SCHEMA_ARRAY:
		buf_adds(b, n->unique ? "set" : n->nprefix > 0 ? "tuple" :
		    "list");
		break;
	case SCHEMA_UNION:
		for (i = 0; i < n->nbranches; i++) {
			if (i > 0)
				buf_adds(b, " or ");
			schema_node_describe(n->branches[i].node, b);
		}
		break;
	case SCHEMA_REF:
		buf_adds(b, "reference");
		break;
	}
}

/* The type of a node for people: "list of Role", "Genre". */
static void
schema_node_name(const struct schema_node *n, struct buf *b, int depth)
{
	size_t i;

	if (depth > 4) {
		buf_adds(b, "...");
		return;
	}
	switch (n->kind) {
	case SCHEMA_MODEL:
		buf_adds(b, n->title != NULL ? n->title : "object");
		break;
	case SCHEMA_ENUM:
		if (n->title != NULL)
			buf_printf(b, "%s: ", n->title);
		for (i = 0; i < n->nenum && i < 8; i++) {
			if (i > 0)
				buf_adds(b, " | ");
			schema_json_short(n->values_enum[i], b);
		}
		if (n->nenum > 8)
			buf_adds(b, " | ...");
		break;
	case SCHEMA_DICT:
		if (n->values.node->kind == SCHEMA_ANY) {
			buf_adds(b, "object");
		} else {
			buf_adds(b, "dict of ");
			schema_node_name(n->values.node, b, depth + 1);
		}
		break;
	case SCHEMA_ARRAY:
		if (n->nprefix > 0) {
			buf_adds(b, "tuple of ");
			for (i = 0; i < n->nprefix; i++) {
				if (i > 0)
					buf_adds(b, ", ");
				schema_node_name(n->prefix[i].node, b,
				    depth + 1);
			}
			break;
		}
		buf_adds(b, n->unique ? "set of " : "list of ");
		schema_node_name(n->items.node, b, depth + 1);
		break;
	case SCHEMA_UNION:
		for (i = 0; i < n->nbranches; i++) {
			if (i > 0)
				buf_adds(b, " or ");
			schema_node_name(n->branches[i].node, b, depth + 1);
		}
		break;
	case SCHEMA_DATETIME:
		buf_adds(b, "date-time");
		break;
	case SCHEMA_DATE:
		buf_adds(b, "date");
		break;
	case SCHEMA_TIME:
		buf_adds(b, "time");
		break;
	default:
		schema_node_describe(n, b);
		break;
	}
}

void
schema_describe(const struct schema_slot *slot, struct buf *b)
{
	if (slot->nullable == SCHEMA_NULL_YES &&
	    slot->node->kind != SCHEMA_ANY &&
	    slot->node->kind != SCHEMA_NULL) {
		buf_adds(b, "Optional[");
		schema_node_name(slot->node, b, 0);
		buf_addc(b, ']');
		return;
	}
	schema_node_name(slot->node, b, 0);
}

/* ---- dates and times -------------------------------------------------- */

/* Digits at *p (at most max), as a number; their count in *nd. */
static int
schema_digits(const char **p, int max, int *nd)
{
	int v = 0, n = 0;

	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*nd = n;
	return v;
}

/* Days in a month of the proleptic Gregorian calendar. */
static int
schema_mdays(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) ||
	    year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* What the scanners accept: by pydantic 1's regexes and by pydantic 2's
 * (speedate's) stricter forms. */
struct schema_scan {
	bool	 v1, v2;
};

/* The date part "YYYY-M[M]-D[D]". */
static bool
schema_scan_date(const char **p, struct schema_when *w, struct schema_scan *sc)
{
	int nd;

	w->year = schema_digits(p, 4, &nd);
	if (nd != 4 || **p != '-')
		return false;
	(*p)++;
	w->month = schema_digits(p, 2, &nd);
	if (nd == 0 || **p != '-')
		return false;
	if (nd != 2)
		sc->v2 = false;
	(*p)++;
	w->day = schema_digits(p, 2, &nd);
	if (nd == 0)
		return false;
	if (nd != 2)
		sc->v2 = false;
	w->has_date = true;
	return w->year >= 1 && w->month >= 1 && w->month <= 12 &&
	    w->day >= 1 && w->day <= schema_mdays(w->year, w->month);
}

/* The time part "H[H]:M[M][:S[S][.ffffff]][Z|+HH[:MM]]" to the end. */
static bool
schema_scan_time(const char **p, struct schema_when *w, struct schema_scan *sc)
{
	int nd, us, k;

	w->hour = schema_digits(p, 2, &nd);
	if (nd == 0 || **p != ':')
		return false;
	if (nd != 2)
		sc->v2 = false;
	(*p)++;
	w->minute = schema_digits(p, 2, &nd);
	if (nd == 0)
		return false;
	if (nd != 2)
		sc->v2 = false;
	if (**p == ':') {
		(*p)++;
		w->second = schema_digits(p, 2, &nd);
		if (nd == 0)
			return false;
		if (nd != 2)
			sc->v2 = false;
		w->has_seconds = true;
		if (**p == '.') {
			(*p)++;
			us = schema_digits(p, 6, &nd);
			if (nd == 0)
				return false;
			for (k = nd; k < 6; k++)
				us *= 10;
			w->usec = us;
			/* pydantic 1 ignores up to 6 more digits; pydantic 2
			 * truncates any number of them. */
			schema_digits(p, 6, &nd);
			while (**p >= '0' && **p <= '9') {
				sc->v1 = false;
				(*p)++;
			}
		}
	}
	if (**p == 'Z' || **p == 'z') {
		if (**p == 'z')
			sc->v1 = false;
		(*p)++;
		w->has_tz = true;
		w->tz_minutes = 0;
	} else if (**p == '+' || **p == '-') {
		int sign = **p == '-' ? -1 : 1, hh, mm = 0;

		(*p)++;
		hh = schema_digits(p, 2, &nd);
		if (nd != 2)
			return false;
		if (**p == ':') {
			(*p)++;
			mm = schema_digits(p, 2, &nd);
			if (nd != 2)
				return false;
		} else if (**p >= '0' && **p <= '9') {
			mm = schema_digits(p, 2, &nd);
			if (nd != 2)
				return false;
		} else {
			sc->v2 = false;
		}
		if (hh > 23 || mm > 59)
			sc->v2 = false;
		w->has_tz = true;
		w->tz_minutes = sign * (hh * 60 + mm);
		/* Python's timezone() wants strictly less than a day. */
		if (hh * 60 + mm >= 24 * 60)
			return false;
	}
	if (**p == '\n' && (*p)[1] == '\0') {
		/* pydantic 1's "$" matches before a final newline */
		sc->v2 = false;
		(*p)++;
	}
	w->has_time = true;
	return w->hour <= 23 && w->minute <= 59 && w->second <= 59;
}

/* Pick the answer for the rules asked (0: either). */
static bool
schema_scan_pick(bool ok, const struct schema_scan *sc, int rules,
    struct schema_when *w)
{
	if (!ok)
		return false;
	w->loose = !sc->v2;
	if (rules == 1)
		return sc->v1;
	if (rules == 2)
		return sc->v2;
	return sc->v1 || sc->v2;
}

bool
schema_parse_datetime(const char *s, int rules, struct schema_when *w)
{
	struct schema_scan sc = { true, true };
	const char *p = s;
	bool ok;

	memset(w, 0, sizeof *w);
	ok = schema_scan_date(&p, w, &sc);
	if (ok) {
		if (*p == 'T' || *p == ' ')
			p++;
		else if (*p == 't' || *p == '_') {
			sc.v1 = false;
			p++;
		} else
			ok = false;
	}
	ok = ok && schema_scan_time(&p, w, &sc) && *p == '\0';
	return schema_scan_pick(ok, &sc, rules, w);
}

bool
schema_parse_date(const char *s, int rules, struct schema_when *w)
{
	struct schema_scan sc = { true, true };
	const char *p = s;
	bool ok;

	memset(w, 0, sizeof *w);
	ok = schema_scan_date(&p, w, &sc);
	if (ok && *p == '\n' && p[1] == '\0') {
		sc.v2 = false;
		p++;
	}
	ok = ok && *p == '\0';
	return schema_scan_pick(ok, &sc, rules, w);
}

bool
schema_parse_time(const char *s, int rules, struct schema_when *w)
{
	struct schema_scan sc = { true, true };
	const char *p = s;
	bool ok;

	memset(w, 0, sizeof *w);
	ok = schema_scan_time(&p, w, &sc) && *p == '\0';
	return schema_scan_pick(ok, &sc, rules, w);
}

/* schema_format_when as printf's %0*d writes each field: for fields out
 * of range (never, once parsed). */
static void
schema_format_when_printf(const struct schema_when *w, struct buf *b)
{
	int m = w->tz_minutes < 0 ? -w->tz_minutes : w->tz_minutes;

	if (w->has_date)
		buf_printf(b, "%04d-%02d-%02d", w->year, w->month, w->day);
	if (!w->has_time)
		return;
	if (w->has_date)
		buf_addc(b, 'T');
	buf_printf(b, "%02d:%02d:%02d", w->hour, w->minute, w->second);
	if (w->usec != 0)
		buf_printf(b, ".%06d", w->usec);
	if (w->has_tz)
		buf_printf(b, "%c%02d:%02d", w->tz_minutes < 0 ? '-' : '+',
		    m / 60, m % 60);
}

/* n as width digits at p, zero-padded as printf's %0*d: every date-time
 * field of every item typed is formatted, and printf cost a sixth of a
 * put's instructions. Out of range (never, once parsed): false. */
static bool
schema_format_digits(char *p, int n, int width)
{
	int i;

	if (n < 0 || (width == 4 && n > 9999) || (width == 2 && n > 99) ||
	    (width == 6 && n > 999999))
		return false;
	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return true;
}

void
schema_format_when(const struct schema_when *w, struct buf *b)
{
	/* "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM", each piece a fixed width,
	 * written at once. */
	char t[40];
	size_t n = 0;
	int m = w->tz_minutes < 0 ? -w->tz_minutes : w->tz_minutes;
	bool ok = true;

	if (w->has_date) {
		ok = schema_format_digits(t, w->year, 4) &&
		    schema_format_digits(t + 5, w->month, 2) &&
		    schema_format_digits(t + 8, w->day, 2);
		t[4] = t[7] = '-';
		n = 10;
		if (w->has_time)
			t[n++] = 'T';
	}
	if (ok && w->has_time) {
		ok = schema_format_digits(t + n, w->hour, 2) &&
		    schema_format_digits(t + n + 3, w->minute, 2) &&
		    schema_format_digits(t + n + 6, w->second, 2);
		t[n + 2] = t[n + 5] = ':';
		n += 8;
		if (ok && w->usec != 0) {
			t[n] = '.';
			ok = schema_format_digits(t + n + 1, w->usec, 6);
			n += 7;
		}
		if (ok && w->has_tz) {
			t[n] = w->tz_minutes < 0 ? '-' : '+';
			ok = schema_format_digits(t + n + 1, m / 60, 2) &&
			    schema_format_digits(t + n + 4, m % 60, 2);
			t[n + 3] = ':';
			n += 6;
		}
	}
	if (ok) {
		buf_add(b, t, n);
		return;
	}
	schema_format_when_printf(w, b);
}
