/* SPDX-License-Identifier: ISC */
/* Judging stored items the way the application will parse them. */
#include "config.h"

#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "output.h"
#include "xmalloc.h"

#define CHECK_VERSION		"_object_version"
#define CHECK_TIMESTAMP		"_timestamp"
#define CHECK_TTL		"_ttl"
#define CHECK_MAX_STR_INT	4300	/* Python's int() digit limit */
#define CHECK_MS_WATERSHED	2e10	/* Unix time above this is in ms */
#define CHECK_FIVE_YEARS	(5LL * 366 * 86400)
#define CHECK_MAX_TIMESTAMP	253402300799LL	/* 9999-12-31T23:59:59Z */

struct checker {
	const struct schema	*schema;
	int			 rules;		/* 1 or 2 */
	int			 dialect;	/* of the schema file */
	bool			 allow_extra;
	char			*partition_key;
	char			*sort_key;
	char			*partition_prefix;
	char			*content_prefix;
	int64_t			 now;
	struct check_counts	 counts;
};

/* The state of judging one item. */
struct check_judge {
	struct checker		*k;
	struct check_report	*r;
	struct buf		 path;
};

struct checker *
check_new(const struct check_options *o)
{
	struct checker *k = xcalloc(1, sizeof *k);

	k->schema = o->schema;
	k->dialect = o->schema != NULL ? schema_dialect(o->schema) : 1;
	k->rules = o->pydantic == 1 || o->pydantic == 2 ? o->pydantic :
	    k->dialect;
	k->allow_extra = o->allow_extra;
	k->partition_key = xstrdup(o->partition_key != NULL ?
	    o->partition_key : "_table_item_id");
	k->sort_key = xstrdup(o->sort_key != NULL ? o->sort_key :
	    "_table_content_id");
	k->partition_prefix = xstrdup(o->partition_prefix != NULL ?
	    o->partition_prefix : "");
	k->content_prefix = xstrdup(o->content_prefix != NULL ?
	    o->content_prefix : "");
	k->now = o->now;
	return k;
}

void
check_free(struct checker *k)
{
	if (k == NULL)
		return;
	free(k->partition_key);
	free(k->sort_key);
	free(k->partition_prefix);
	free(k->content_prefix);
	free(k);
}

int
check_rules(const struct checker *k)
{
	return k->rules;
}

const struct check_counts *
check_counts(const struct checker *k)
{
	return &k->counts;
}

void
check_counts_add(struct check_counts *to, const struct check_counts *from)
{
	to->items += from->items;
	to->ok += from->ok;
	to->warned += from->warned;
	to->violated += from->violated;
	to->notes += from->notes;
	to->warnings += from->warnings;
	to->violations += from->violations;
}

const char *
check_severity_name(enum check_severity s)
{
	switch (s) {
	case CHECK_NOTE:
		return "note";
	case CHECK_WARNING:
		return "warning";
	case CHECK_VIOLATION:
		return "violation";
	default:
		return "ok";
	}
}

void
check_report_init(struct check_report *r)
{
	memset(r, 0, sizeof *r);
	ids_init(&r->partition_ids);
	ids_init(&r->content_ids);
}

/* Drop findings from index `from` on. */
static void
check_report_truncate(struct check_report *r, size_t from)
{
	while (r->n > from) {
		r->n--;
		free(r->findings[r->n].field);
		free(r->findings[r->n].reason);
	}
}

void
check_report_cleanup(struct check_report *r)
{
	check_report_truncate(r, 0);
	free(r->findings);
	free(r->partition_key);
	free(r->sort_key);
	ids_cleanup(&r->partition_ids);
	ids_cleanup(&r->content_ids);
	memset(r, 0, sizeof *r);
}

/* Record a finding at a field. */
static void
check_add(struct check_report *r, enum check_severity sev, const char *field,
    const char *reason)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->findings = xreallocarray(r->findings, r->cap,
		    sizeof *r->findings);
	}
	r->findings[r->n].severity = sev;
	r->findings[r->n].field = xstrdup(field);
	r->findings[r->n].reason = xstrdup(reason);
	r->n++;
}

/* A finding at the judge's current path; returns its severity. */
static enum check_severity
check_judge_add(struct check_judge *j, enum check_severity sev,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum check_severity
check_judge_add(struct check_judge *j, enum check_severity sev,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	check_add(j->r, sev, buf_cstr(&j->path), buf_cstr(&b));
	buf_cleanup(&b);
	return sev;
}

/* ---- Python's and Rust's number texts --------------------------------- */

/* Whether c is whitespace as str.strip() and Rust's trim() see it
 * (ASCII only: other spaces are rare in stored numbers). */
static bool
check_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Digits with single underscores between them (Python) or none (Rust),
 * appended to out without the underscores; the count of digits. */
static size_t
check_scan_digits(const char **p, const char *end, bool underscores,
    struct buf *out)
{
	size_t n = 0;

	while (*p < end) {
		if (**p >= '0' && **p <= '9') {
			buf_addc(out, **p);
			n++;
			(*p)++;
		} else if (underscores && **p == '_' && n > 0 &&
		    *p + 1 < end && (*p)[1] >= '0' && (*p)[1] <= '9') {
			(*p)++;
		} else {
			break;
		}
	}
	return n;
}

/* Trim ASCII whitespace. */
static void
check_trim(const char **s, const char **end)
{
	while (*s < *end && check_space(**s))
		(*s)++;
	while (*end > *s && check_space((*end)[-1]))
		(*end)--;
}

/*
 * An integer as int() reads a string (rules 1: Python, with underscores)
 * or as pydantic 2 does (rules 2: trimmed, optional sign, digits, and a
 * fraction of zeros only). The digits, signed, go to out.
 */
static bool
check_int_text(const char *s, size_t len, int rules, struct buf *out)
{
	const char *end = s + len, *p;
	size_t n;

	if (len > CHECK_MAX_STR_INT)
		return false;
	check_trim(&s, &end);
	p = s;
	if (p < end && (*p == '+' || *p == '-')) {
		if (*p == '-')
			buf_addc(out, '-');
		p++;
	}
	n = check_scan_digits(&p, end, rules == 1, out);
	if (n == 0)
		return false;
	if (rules == 2 && p < end && *p == '.') {
		p++;
		while (p < end && *p == '0')
			p++;
	}
	return p == end;
}

enum check_float {
	CHECK_FLOAT_NO,
	CHECK_FLOAT_FINITE,
	CHECK_FLOAT_INF,
	CHECK_FLOAT_NAN
};

/* Case-insensitive equality of a span with a lowercase word. */
static bool
check_word(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - s) != n)
		return false;
	while (s < end) {
		char c = *s++;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *w++)
			return false;
	}
	return true;
}

/*
 * A float as float() (rules 1; also Decimal(), plus "snan") or Rust's
 * f64 parser (rules 2) reads a string; the number without underscores
 * goes to out.
 */
static enum check_float
check_float_text(const char *s, size_t len, int rules, struct buf *out)
{
	const char *end = s + len, *p;
	size_t n = 0;

	check_trim(&s, &end);
	p = s;
	if (p < end && (*p == '+' || *p == '-')) {
		if (*p == '-')
			buf_addc(out, '-');
		p++;
	}
	if (check_word(p, end, "inf") || check_word(p, end, "infinity"))
		return CHECK_FLOAT_INF;
	if (check_word(p, end, "nan") || (rules == 1 &&
	    check_word(p, end, "snan")))
		return CHECK_FLOAT_NAN;
	n = check_scan_digits(&p, end, rules == 1, out);
	if (p < end && *p == '.') {
		buf_addc(out, '.');
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			n += check_scan_digits(&p, end, rules == 1, out);
	}
	if (n == 0)
		return CHECK_FLOAT_NO;
	if (p < end && (*p == 'e' || *p == 'E')) {
		buf_addc(out, 'e');
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			buf_addc(out, *p++);
		if (check_scan_digits(&p, end, rules == 1, out) == 0)
			return CHECK_FLOAT_NO;
	}
	return p == end ? CHECK_FLOAT_FINITE : CHECK_FLOAT_NO;
}

/* The value of a finite number text (judging only; never stored). */
static double
check_double(const char *text)
{
	return strtod(text, NULL);
}

/* Unix time as pydantic reads numbers: milliseconds above 2e10. */
static double
check_unix_seconds(double x)
{
	while (x > CHECK_MS_WATERSHED || x < -CHECK_MS_WATERSHED)
		x /= 1000;
	return x;
}

/* ---- judging values --------------------------------------------------- */

/* The current rules' name for messages. */
static const char *
check_who(const struct check_judge *j)
{
	return j->k->rules == 1 ? "pydantic 1" : "pydantic 2";
}

/* "expected X, got Y" as a violation, with an optional reason. */
static enum check_severity
check_reject(struct check_judge *j, const struct schema_node *n,
    const struct value *v, const char *why)
{
	struct buf want = BUF_INIT, got = BUF_INIT;

	schema_node_describe(n, &want);
	schema_value_describe(v, &got);
	check_judge_add(j, CHECK_VIOLATION, "expected %s, got %s%s%s%s",
	    buf_cstr(&want), buf_cstr(&got), why != NULL ? " (" : "",
	    why != NULL ? why : "", why != NULL ? ")" : "");
	buf_cleanup(&want);
	buf_cleanup(&got);
	return CHECK_VIOLATION;
}

/* A coercion as a warning: "string \"12\" parses as integer 12 ...". */
static enum check_severity
check_coerced(struct check_judge *j, const struct value *v, const char *as)
{
	struct buf got = BUF_INIT;

	schema_value_describe(v, &got);
	check_judge_add(j, CHECK_WARNING, "%s is stored, %s by %s's coercion",
	    buf_cstr(&got), as, check_who(j));
	buf_cleanup(&got);
	return CHECK_WARNING;
}

/* Bounds of a number text; OK or a violation. */
static enum check_severity
check_bounds(struct check_judge *j, const struct schema_node *n,
    const char *t, size_t len)
{
	int cmp;

	if (number_check(t, len, NULL) == -1)
		return CHECK_OK;
	if (n->minimum != NULL) {
		cmp = number_cmp(t, len, n->minimum, strlen(n->minimum));
		if (cmp < 0 || (cmp == 0 && n->exclusive_min))
			return check_judge_add(j, CHECK_VIOLATION, "%.*s is "
			    "not %s %s", (int)len, t, n->exclusive_min ? ">" :
			    ">=", n->minimum);
	}
	if (n->maximum != NULL) {
		cmp = number_cmp(t, len, n->maximum, strlen(n->maximum));
		if (cmp > 0 || (cmp == 0 && n->exclusive_max))
			return check_judge_add(j, CHECK_VIOLATION, "%.*s is "
			    "not %s %s", (int)len, t, n->exclusive_max ? "<" :
			    "<=", n->maximum);
	}
	return CHECK_OK;
}

/* Length bounds (characters or elements). */
static enum check_severity
check_length(struct check_judge *j, const struct schema_node *n,
    long long have, const char *what)
{
	if (n->min_len >= 0 && have < n->min_len)
		return check_judge_add(j, CHECK_VIOLATION, "%lld %s, at "
		    "least %lld expected", have, what, n->min_len);
	if (n->max_len >= 0 && have > n->max_len)
		return check_judge_add(j, CHECK_VIOLATION, "%lld %s, at most "
		    "%lld allowed", have, what, n->max_len);
	return CHECK_OK;
}

/* The worse of two severities. */
static enum check_severity
check_worse(enum check_severity a, enum check_severity b)
{
	return a > b ? a : b;
}

/* Whether a text holds a NUL (then no parser of ours may see it). */
static bool
check_has_nul(const struct value *v)
{
	return memchr(v->u.str.ptr, '\0', v->u.str.len) != NULL;
}

/* str fields. */
static enum check_severity
check_string(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	long long chars = 0;
	size_t i;

	switch (v->type) {
	case VT_S:
		for (i = 0; i < v->u.str.len; i++)
			if (((unsigned char)v->u.str.ptr[i] & 0xc0) != 0x80)
				chars++;
		return check_length(j, n, chars, "characters");
	case VT_N:
	case VT_BOOL:
		/* pydantic 1's str_validator: str(v) for int, float,
		 * Decimal (and bool, an int) */
		if (j->k->rules == 1)
			return check_coerced(j, v, v->type == VT_N ?
			    "read as the string of its digits" :
			    "read as the string \"True\" or \"False\"");
		return check_reject(j, n, v, "pydantic 2 does not turn "
		    "numbers into strings");
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* int fields. */
static enum check_severity
check_integer(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	struct buf t = BUF_INIT;
	enum check_severity sev;

	switch (v->type) {
	case VT_N:
		if (number_is_integer(v->u.str.ptr, v->u.str.len))
			return check_bounds(j, n, v->u.str.ptr, v->u.str.len);
		if (j->k->rules == 1)
			return check_coerced(j, v, "cut to its integer part "
			    "(the fraction is lost)");
		return check_reject(j, n, v, "pydantic 2 refuses a "
		    "fractional part");
	case VT_S:
		if (check_has_nul(v) || !check_int_text(v->u.str.ptr,
		    v->u.str.len, j->k->rules, &t)) {
			buf_cleanup(&t);
			return check_reject(j, n, v, NULL);
		}
		{
			struct buf as = BUF_INIT;

			buf_printf(&as, "read as integer %s", buf_cstr(&t));
			sev = check_coerced(j, v, buf_cstr(&as));
			buf_cleanup(&as);
		}
		sev = check_worse(sev, check_bounds(j, n, t.data, t.len));
		buf_cleanup(&t);
		return sev;
	case VT_BOOL:
		/* int(True) in pydantic 1; lax bool -> int in pydantic 2 */
		return check_coerced(j, v, v->u.boolean ? "read as 1" :
		    "read as 0");
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* float fields, and pydantic 1's number (float or Decimal). */
static enum check_severity
check_number(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	struct buf t = BUF_INIT;
	enum check_severity sev;
	enum check_float f;
	bool either = j->k->dialect == 1;

	switch (v->type) {
	case VT_N:
		return check_bounds(j, n, v->u.str.ptr, v->u.str.len);
	case VT_S:
		f = check_has_nul(v) ? CHECK_FLOAT_NO : check_float_text(
		    v->u.str.ptr, v->u.str.len, j->k->rules, &t);
		if (f == CHECK_FLOAT_NO) {
			buf_cleanup(&t);
			return check_reject(j, n, v, NULL);
		}
		if (f != CHECK_FLOAT_FINITE) {
			buf_cleanup(&t);
			if (either && j->k->rules == 1)
				return check_coerced(j, v, "read as a float "
				    "that is not finite (a Decimal field "
				    "refuses it; pydantic 1's schema does "
				    "not say which this is)");
			return check_coerced(j, v, "read as a float that is "
			    "not finite");
		}
		sev = check_coerced(j, v, "read as a number");
		sev = check_worse(sev, check_bounds(j, n, t.data, t.len));
		buf_cleanup(&t);
		return sev;
	case VT_BOOL:
		if (either && j->k->rules == 1)
			return check_coerced(j, v, "read as 1.0 or 0.0 by a "
			    "float field, refused by a Decimal one "
			    "(pydantic 1's schema does not say which this "
			    "is)");
		return check_coerced(j, v, "read as 1.0 or 0.0");
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* pydantic 2's Decimal fields. */
static enum check_severity
check_decimal(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	struct buf t = BUF_INIT;
	enum check_severity sev;
	enum check_float f;

	switch (v->type) {
	case VT_N:
		return check_bounds(j, n, v->u.str.ptr, v->u.str.len);
	case VT_S:
		/* Decimal(str) reads Python's syntax under both rules */
		f = check_has_nul(v) ? CHECK_FLOAT_NO : check_float_text(
		    v->u.str.ptr, v->u.str.len, 1, &t);
		if (f != CHECK_FLOAT_FINITE) {
			buf_cleanup(&t);
			return check_reject(j, n, v, f == CHECK_FLOAT_NO ?
			    NULL : "a Decimal must be finite");
		}
		sev = check_coerced(j, v, "read as a Decimal");
		sev = check_worse(sev, check_bounds(j, n, t.data, t.len));
		buf_cleanup(&t);
		return sev;
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* bool fields: the same words under both rules. */
static enum check_severity
check_boolean(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	static const char *const truthy[] = { "1", "on", "t", "true", "y",
	    "yes", NULL };
	static const char *const falsy[] = { "0", "off", "f", "false", "n",
	    "no", NULL };
	const char *end;
	size_t i;

	switch (v->type) {
	case VT_BOOL:
		return CHECK_OK;
	case VT_N:
		if (number_check(v->u.str.ptr, v->u.str.len, NULL) == 0 &&
		    number_cmp(v->u.str.ptr, v->u.str.len, "1", 1) == 0)
			return check_coerced(j, v, "read as true");
		if (number_check(v->u.str.ptr, v->u.str.len, NULL) == 0 &&
		    number_cmp(v->u.str.ptr, v->u.str.len, "0", 1) == 0)
			return check_coerced(j, v, "read as false");
		return check_reject(j, n, v, NULL);
	case VT_S:
		end = v->u.str.ptr + v->u.str.len;
		for (i = 0; truthy[i] != NULL; i++)
			if (check_word(v->u.str.ptr, end, truthy[i]))
				return check_coerced(j, v, "read as true");
		for (i = 0; falsy[i] != NULL; i++)
			if (check_word(v->u.str.ptr, end, falsy[i]))
				return check_coerced(j, v, "read as false");
		return check_reject(j, n, v, NULL);
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* A number read as Unix time by a datetime or date field. */
static enum check_severity
check_unix_number(struct check_judge *j, const struct schema_node *n,
    const struct value *v, double x, bool finite)
{
	double secs;

	if (!finite)
		return check_reject(j, n, v, "not a finite Unix time");
	if (n->kind == SCHEMA_DATE && j->k->rules == 2) {
		/* pydantic 2 takes only exact dates from numbers */
		secs = check_unix_seconds(x);
		if ((double)(long long)secs != secs ||
		    (long long)secs % 86400 != 0)
			return check_reject(j, n, v, "pydantic 2 takes a Unix "
			    "time into a date only at midnight");
	}
	if (n->kind == SCHEMA_TIME) {
		if (x < 0 || x >= 86400)
			return check_reject(j, n, v, "seconds of a day must be "
			    "0 to 86399");
		return check_coerced(j, v, "read as seconds since midnight");
	}
	return check_coerced(j, v, "read as Unix time");
}

/* datetime, date and time fields. */
static enum check_severity
check_when(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	struct schema_when w;
	struct buf t = BUF_INIT;
	enum check_float f;
	int rules = j->k->rules;
	double x = 0;
	bool ok;

	if (v->type == VT_BOOL) {
		/* pydantic 1: a bool is an int, so Unix time 0 or 1 */
		if (rules == 1)
			return check_coerced(j, v, "read as a Unix time");
		return check_reject(j, n, v, NULL);
	}
	if (v->type == VT_N)
		return check_unix_number(j, n, v, check_double(v->u.str.ptr),
		    true);
	if (v->type != VT_S || check_has_nul(v))
		return check_reject(j, n, v, NULL);

	if (n->kind == SCHEMA_DATETIME)
		ok = schema_parse_datetime(v->u.str.ptr, rules, &w);
	else if (n->kind == SCHEMA_DATE)
		ok = schema_parse_date(v->u.str.ptr, rules, &w);
	else
		ok = schema_parse_time(v->u.str.ptr, rules, &w);
	if (ok)
		return CHECK_OK;

	/* pydantic 1 tries float(v) first; pydantic 2 takes number strings
	 * as Unix time for datetimes and dates, not for times */
	if (rules == 1 || n->kind != SCHEMA_TIME) {
		f = check_float_text(v->u.str.ptr, v->u.str.len, rules, &t);
		if (f != CHECK_FLOAT_NO) {
			if (f == CHECK_FLOAT_FINITE)
				x = check_double(buf_cstr(&t));
			buf_cleanup(&t);
			if (f == CHECK_FLOAT_INF && rules == 1 &&
			    n->kind != SCHEMA_TIME)
				return check_coerced(j, v, "read as the "
				    "largest or smallest date");
			return check_unix_number(j, n, v, x,
			    f == CHECK_FLOAT_FINITE);
		}
		buf_cleanup(&t);
	}
	if (rules == 2 && n->kind == SCHEMA_DATETIME &&
	    schema_parse_date(v->u.str.ptr, 2, &w))
		return check_coerced(j, v, "read as midnight of that date");
	if (rules == 2 && n->kind == SCHEMA_DATE &&
	    schema_parse_datetime(v->u.str.ptr, 2, &w)) {
		if (w.hour == 0 && w.minute == 0 && w.second == 0 &&
		    w.usec == 0)
			return check_coerced(j, v, "read as its date (the time "
			    "is midnight)");
		return check_reject(j, n, v, "a date-time with a time of day "
		    "is not a date");
	}
	if (n->kind == SCHEMA_DATE && rules == 1 &&
	    schema_parse_datetime(v->u.str.ptr, 1, &w))
		return check_reject(j, n, v, "pydantic 1 takes no date-time "
		    "into a date");
	if (schema_parse_datetime(v->u.str.ptr, 0, &w) ||
	    schema_parse_date(v->u.str.ptr, 0, &w) ||
	    schema_parse_time(v->u.str.ptr, 0, &w))
		return check_reject(j, n, v, rules == 2 ? "pydantic 2 wants "
		    "two-digit fields and ISO 8601 forms" : "not a form "
		    "pydantic 1 reads");
	return check_reject(j, n, v, NULL);
}

/* Whether an enum lists a value; numbers by value, as Python's
 * Decimal(1) == 1. */
static bool
check_enum_has(const struct schema_node *n, const struct value *v)
{
	size_t i;

	for (i = 0; i < n->nenum; i++) {
		const struct value *x = n->values_enum[i];

		if (x->type != v->type)
			continue;
		if (v->type == VT_N) {
			if (number_check(v->u.str.ptr, v->u.str.len,
			    NULL) == 0 && number_check(x->u.str.ptr,
			    x->u.str.len, NULL) == 0 && number_cmp(v->u.str.ptr,
			    v->u.str.len, x->u.str.ptr, x->u.str.len) == 0)
				return true;
		} else if (value_equal(x, v)) {
			return true;
		}
	}
	return false;
}

/* Enum and Literal fields. */
static enum check_severity
check_enum(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	struct value *num;
	bool hit;

	if (check_enum_has(n, v))
		return CHECK_OK;
	if (v->type == VT_BOOL) {
		/* True == 1 and hashes alike: pydantic 1 finds member 1 */
		num = value_new_n(v->u.boolean ? "1" : "0", 1);
		hit = check_enum_has(n, num);
		value_free(num);
		if (hit && j->k->rules == 1)
			return check_coerced(j, v, "read as the member of "
			    "value 1 or 0");
	}
	return check_reject(j, n, v, NULL);
}

static enum check_severity check_slot(struct check_judge *,
    const struct schema_slot *, const struct value *);

/* Whether a list is one dict() makes a dict of: pairs. */
static bool
check_pairs(const struct value *l)
{
	size_t i;

	for (i = 0; i < l->u.list.len; i++) {
		const struct value *el = l->u.list.items[i];

		if (!((el->type == VT_L && el->u.list.len == 2) ||
		    (el->type == VT_S && el->u.str.len == 2)))
			return false;
	}
	return true;
}

/* The members of a model (the stored item itself at the top, where
 * `skip` names the attributes that are not the model's). */
static enum check_severity
check_model_members(struct check_judge *j, const struct schema_node *n,
    const struct value *m, bool top)
{
	enum check_severity worst = CHECK_OK;
	const char *title = n->title != NULL ? n->title : "the model";
	size_t i, mark;

	for (i = 0; i < n->nprops; i++) {
		const struct schema_prop *p = &n->props[i];
		const struct value *v = value_map_get(m, p->name);

		mark = j->path.len;
		if (j->path.len > 0)
			buf_addc(&j->path, '.');
		buf_adds(&j->path, p->name);
		if (v != NULL)
			worst = check_worse(worst, check_slot(j, &p->slot, v));
		else if (p->required)
			worst = check_worse(worst, check_judge_add(j,
			    CHECK_VIOLATION, "missing, and %s requires it",
			    title));
		j->path.len = mark;
		j->path.data[mark] = '\0';
	}
	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *mm = &m->u.map.items[i];
		size_t k;

		for (k = 0; k < n->nprops; k++)
			if (strlen(n->props[k].name) == mm->name_len &&
			    memcmp(n->props[k].name, mm->name,
			    mm->name_len) == 0)
				break;
		if (k < n->nprops)
			continue;
		if (top && (strcmp(mm->name, j->k->partition_key) == 0 ||
		    strcmp(mm->name, j->k->sort_key) == 0 ||
		    strcmp(mm->name, CHECK_VERSION) == 0 ||
		    strcmp(mm->name, CHECK_TIMESTAMP) == 0 ||
		    strcmp(mm->name, CHECK_TTL) == 0))
			continue;
		mark = j->path.len;
		if (j->path.len > 0)
			buf_addc(&j->path, '.');
		buf_add(&j->path, mm->name, mm->name_len);
		if (n->extra == SCHEMA_EXTRA_ALLOW)
			worst = check_worse(worst, check_slot(j, &n->values,
			    mm->value));
		else if (n->extra == SCHEMA_EXTRA_FORBID)
			worst = check_worse(worst, check_judge_add(j,
			    CHECK_VIOLATION, "not a field of %s, which "
			    "forbids extra fields", title));
		else
			worst = check_worse(worst, check_judge_add(j,
			    j->k->allow_extra ? CHECK_NOTE : CHECK_WARNING,
			    "not a field of %s: the application ignores it",
			    title));
		j->path.len = mark;
		j->path.data[mark] = '\0';
	}
	return worst;
}

/* Models and dicts. */
static enum check_severity
check_object(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	enum check_severity worst = CHECK_OK;
	size_t i, mark;

	if (v->type == VT_L) {
		if (j->k->rules == 1 && check_pairs(v))
			return check_coerced(j, v, "made an object of its "
			    "pairs");
		return check_reject(j, n, v, NULL);
	}
	if (v->type != VT_M)
		return check_reject(j, n, v, NULL);
	if (n->kind == SCHEMA_MODEL)
		return check_model_members(j, n, v, false);
	for (i = 0; i < v->u.map.len; i++) {
		const struct value_member *mm = &v->u.map.items[i];

		mark = j->path.len;
		if (j->path.len > 0)
			buf_addc(&j->path, '.');
		buf_add(&j->path, mm->name, mm->name_len);
		if (n->extra == SCHEMA_EXTRA_FORBID)
			worst = check_worse(worst, check_judge_add(j,
			    CHECK_VIOLATION, "the object allows no members"));
		else
			worst = check_worse(worst, check_slot(j, &n->values,
			    mm->value));
		j->path.len = mark;
		j->path.data[mark] = '\0';
	}
	return worst;
}

/* Lists, sets and tuples. */
static enum check_severity
check_array(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	enum check_severity worst = CHECK_OK;
	size_t i, k, mark, len;
	bool dup = false;

	if (v->type != VT_L && !value_is_set(v))
		return check_reject(j, n, v, NULL);
	len = v->u.list.len;
	if (value_is_set(v) && !n->unique)
		worst = check_coerced(j, v, n->nprefix > 0 ? "read as a tuple "
		    "in no particular order" : "read as a list in no "
		    "particular order");
	if (n->nprefix > 0 && n->items.node == NULL && len != n->nprefix)
		return check_worse(worst, check_judge_add(j, CHECK_VIOLATION,
		    "a tuple of %zu elements, got %zu", n->nprefix, len));
	worst = check_worse(worst, check_length(j, n, (long long)len,
	    "elements"));
	for (i = 0; i < len; i++) {
		const struct schema_slot *slot = i < n->nprefix ?
		    &n->prefix[i] : &n->items;

		mark = j->path.len;
		buf_printf(&j->path, "[%zu]", i);
		worst = check_worse(worst, check_slot(j, slot,
		    v->u.list.items[i]));
		j->path.len = mark;
		j->path.data[mark] = '\0';
		for (k = 0; n->unique && !dup && k < i; k++)
			if (value_equal(v->u.list.items[k],
			    v->u.list.items[i]))
				dup = true;
	}
	if (dup)
		worst = check_worse(worst, check_judge_add(j, CHECK_WARNING,
		    "duplicate elements collapse when read into a set"));
	return worst;
}

/* Unions: pydantic 1 takes the first member that parses (coercions
 * included); pydantic 2's smart mode prefers an exact match, then the
 * first lax one. */
static enum check_severity
check_union(struct check_judge *j, const struct schema_node *n,
    const struct value *v)
{
	size_t i, mark = j->r->n, plen = j->path.len;
	enum check_severity want, sev;

	for (want = CHECK_NOTE; want <= CHECK_WARNING; want++) {
		for (i = 0; i < n->nbranches; i++) {
			sev = check_slot(j, &n->branches[i], v);
			j->path.len = plen;
			if (j->path.data != NULL)
				j->path.data[plen] = '\0';
			if (sev <= want || (j->k->rules == 1 &&
			    sev < CHECK_VIOLATION))
				return sev;
			check_report_truncate(j->r, mark);
		}
	}
	return check_reject(j, n, v, NULL);
}

/* Judge one value for a slot; findings go to the report. */
static enum check_severity
check_slot(struct check_judge *j, const struct schema_slot *slot,
    const struct value *v)
{
	const struct schema_node *n = slot->node;

	if (v->type == VT_NULL) {
		if (n->kind == SCHEMA_ANY || n->kind == SCHEMA_NULL ||
		    slot->nullable == SCHEMA_NULL_YES ||
		    (n->kind == SCHEMA_ENUM && check_enum_has(n, v)))
			return CHECK_OK;
		if (slot->nullable == SCHEMA_NULL_UNKNOWN)
			return check_judge_add(j, CHECK_WARNING, "null is "
			    "read only if this is Optional, which pydantic 1's "
			    "schema does not say");
		return check_reject(j, n, v, "not Optional");
	}
	switch (n->kind) {
	case SCHEMA_ANY:
		return CHECK_OK;
	case SCHEMA_STRING:
		return check_string(j, n, v);
	case SCHEMA_INTEGER:
		return check_integer(j, n, v);
	case SCHEMA_NUMBER:
		return check_number(j, n, v);
	case SCHEMA_DECIMAL:
		return check_decimal(j, n, v);
	case SCHEMA_BOOLEAN:
		return check_boolean(j, n, v);
	case SCHEMA_DATETIME:
	case SCHEMA_DATE:
	case SCHEMA_TIME:
		return check_when(j, n, v);
	case SCHEMA_ENUM:
		return check_enum(j, n, v);
	case SCHEMA_MODEL:
	case SCHEMA_DICT:
		return check_object(j, n, v);
	case SCHEMA_ARRAY:
		return check_array(j, n, v);
	case SCHEMA_UNION:
		return check_union(j, n, v);
	default:
		return check_reject(j, n, v, NULL);
	}
}

/* ---- the item --------------------------------------------------------- */

/* Ids as the library reads a key: .replace(prefix, "", 1).split("#"). */
static void
check_read_ids(const char *stored, const char *prefix, struct ids *out)
{
	const char *at = *prefix != '\0' ? strstr(stored, prefix) : NULL;
	struct buf rest = BUF_INIT;

	if (at != NULL) {
		buf_add(&rest, stored, (size_t)(at - stored));
		buf_adds(&rest, at + strlen(prefix));
	} else {
		buf_adds(&rest, stored);
	}
	ids_cleanup(out);
	ids_init(out);
	ids_parse(out, buf_cstr(&rest));
	/* ids_parse reads "" as no ids; the library reads [""] */
	if (out->n == 0)
		ids_push(out, "", 0);
	buf_cleanup(&rest);
}

/* One key attribute: present, a string, starting with its prefix. */
static void
check_key(struct check_report *r, const struct value *st, const char *name,
    const char *prefix, bool partition)
{
	const struct value *v = value_map_get(st, name);
	struct ids *ids = partition ? &r->partition_ids : &r->content_ids;
	struct buf b = BUF_INIT;
	size_t i;

	if (v == NULL || v->type != VT_S) {
		check_add(r, CHECK_VIOLATION, name, v == NULL ? "the key "
		    "attribute is missing" : "the key attribute is not a "
		    "string");
		return;
	}
	if (partition)
		r->partition_key = xstrndup(v->u.str.ptr, v->u.str.len);
	else
		r->sort_key = xstrndup(v->u.str.ptr, v->u.str.len);
	check_read_ids(v->u.str.ptr, prefix, ids);
	if (strncmp(v->u.str.ptr, prefix, strlen(prefix)) != 0 ||
	    memchr(v->u.str.ptr, '\0', v->u.str.len) != NULL) {
		buf_adds(&b, "the key ");
		buf_add_json_string(&b, v->u.str.ptr, v->u.str.len);
		buf_adds(&b, " does not start with the repository's prefix ");
		buf_add_json_string(&b, prefix, strlen(prefix));
		buf_adds(&b, ": its ids cannot be read back");
		check_add(r, CHECK_VIOLATION, name, buf_cstr(&b));
		buf_cleanup(&b);
		return;
	}
	for (i = 0; ids->n > 1 && i < ids->n; i++)
		if (ids->v[i][0] == '\0')
			break;
	if (ids->n > 1 && i < ids->n) {
		buf_adds(&b, "the key ");
		buf_add_json_string(&b, v->u.str.ptr, v->u.str.len);
		buf_adds(&b, " holds an empty id (a doubled or trailing '#')");
		check_add(r, CHECK_WARNING, name, buf_cstr(&b));
		buf_cleanup(&b);
	}
}

/* _object_version, _timestamp and _ttl. */
static void
check_internal(struct checker *k, struct check_report *r,
    const struct value *st)
{
	const struct value *v;
	struct schema_when w;
	struct buf b = BUF_INIT;

	v = value_map_get(st, CHECK_VERSION);
	if (v == NULL) {
		check_add(r, CHECK_NOTE, CHECK_VERSION, "absent: the library "
		    "reads version 1");
	} else if (v->type != VT_N || !number_is_integer(v->u.str.ptr,
	    v->u.str.len)) {
		schema_value_describe(v, &b);
		buf_adds(&b, " is not an integer: versioned updates and the "
		    "version increment fail");
		check_add(r, CHECK_VIOLATION, CHECK_VERSION, buf_cstr(&b));
	} else if (number_cmp(v->u.str.ptr, v->u.str.len, "0", 1) == 0) {
		check_add(r, CHECK_NOTE, CHECK_VERSION, "0: the library reads "
		    "version 1");
	}
	buf_reset(&b);

	v = value_map_get(st, CHECK_TIMESTAMP);
	if (v == NULL) {
		check_add(r, CHECK_NOTE, CHECK_TIMESTAMP, "absent: not written "
		    "by pydantic-dynamo's put or update");
	} else if (v->type != VT_S || check_has_nul(v) ||
	    !schema_parse_datetime(v->u.str.ptr, 0, &w)) {
		schema_value_describe(v, &b);
		buf_adds(&b, " is not an ISO 8601 date-time");
		check_add(r, CHECK_VIOLATION, CHECK_TIMESTAMP, buf_cstr(&b));
	}
	buf_reset(&b);

	v = value_map_get(st, CHECK_TTL);
	if (v != NULL && v->type == VT_N) {
		double x = check_double(v->u.str.ptr);
		char when[32];

		if (x == 0) {
			/* "if db_expiry := ...": 0 is no expiry */
		} else if (x > (double)CHECK_MAX_TIMESTAMP ||
		    x < -62135596800.0) {
			check_add(r, CHECK_VIOLATION, CHECK_TTL, "beyond the "
			    "years 1 to 9999: the library's "
			    "datetime.fromtimestamp() fails");
		} else if (x < (double)k->now) {
			content_format_time((int64_t)x, when);
			buf_printf(&b, "expired at %s: ", when);
			if (x < (double)(k->now - CHECK_FIVE_YEARS)) {
				buf_adds(&b, "DynamoDB ignores expiry times "
				    "more than five years old, so the item "
				    "stays");
				check_add(r, CHECK_NOTE, CHECK_TTL,
				    buf_cstr(&b));
			} else {
				buf_adds(&b, "DynamoDB deletes expired items, "
				    "usually within days; reads still return "
				    "it until then");
				check_add(r, CHECK_WARNING, CHECK_TTL,
				    buf_cstr(&b));
			}
		}
	} else if (v != NULL) {
		struct buf t = BUF_INIT;

		schema_value_describe(v, &b);
		if (v->type == VT_S && !check_has_nul(v) &&
		    check_int_text(v->u.str.ptr, v->u.str.len, 1, &t)) {
			buf_adds(&b, ": the library reads it, but DynamoDB "
			    "expires only numbers");
			check_add(r, CHECK_WARNING, CHECK_TTL, buf_cstr(&b));
		} else if (v->type == VT_BOOL || v->type == VT_NULL) {
			if (v->type == VT_BOOL && v->u.boolean) {
				buf_adds(&b, ": read as an expiry one second "
				    "after 1970");
				check_add(r, CHECK_WARNING, CHECK_TTL,
				    buf_cstr(&b));
			}
		} else {
			buf_adds(&b, ": the library's int() of it fails");
			check_add(r, CHECK_VIOLATION, CHECK_TTL, buf_cstr(&b));
		}
		buf_cleanup(&t);
	}
	buf_cleanup(&b);
}

/* The model's attributes of a stored item. */
static void
check_model(struct checker *k, struct check_report *r,
    const struct value *st)
{
	const struct schema_node *root = schema_root(k->schema);
	struct check_judge j;

	j.k = k;
	j.r = r;
	buf_init(&j.path);
	buf_adds(&j.path, "");
	if (root->extra == SCHEMA_EXTRA_FORBID &&
	    (value_map_get(st, CHECK_VERSION) != NULL ||
	    value_map_get(st, CHECK_TIMESTAMP) != NULL))
		check_add(r, CHECK_VIOLATION, "", "the model forbids extra "
		    "fields, and pydantic-dynamo hands it _object_version and "
		    "_timestamp too: the application cannot read this item");
	check_model_members(&j, root, st, true);
	buf_cleanup(&j.path);
}

void
check_item(struct checker *k, const struct value *stored,
    struct check_report *r)
{
	size_t i;

	check_report_cleanup(r);
	check_report_init(r);
	if (stored == NULL || stored->type != VT_M) {
		check_add(r, CHECK_VIOLATION, "", "not an item");
	} else {
		check_key(r, stored, k->partition_key, k->partition_prefix,
		    true);
		check_key(r, stored, k->sort_key, k->content_prefix, false);
		check_internal(k, r, stored);
		if (k->schema != NULL)
			check_model(k, r, stored);
	}
	r->worst = CHECK_OK;
	for (i = 0; i < r->n; i++) {
		r->worst = check_worse(r->worst, r->findings[i].severity);
		if (r->findings[i].severity == CHECK_NOTE)
			k->counts.notes++;
		else if (r->findings[i].severity == CHECK_WARNING)
			k->counts.warnings++;
		else if (r->findings[i].severity == CHECK_VIOLATION)
			k->counts.violations++;
	}
	k->counts.items++;
	if (r->worst == CHECK_VIOLATION)
		k->counts.violated++;
	else if (r->worst == CHECK_WARNING)
		k->counts.warned++;
	else
		k->counts.ok++;
}

/* ---- output ----------------------------------------------------------- */

/* A JSON array of ids. */
static void
check_ids_json(const struct ids *ids, struct buf *b)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < ids->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_json_string(b, ids->v[i], strlen(ids->v[i]));
	}
	buf_addc(b, ']');
}

void
check_format_jsonl(const struct check_report *r, size_t i, struct buf *b)
{
	const struct check_finding *f = &r->findings[i];

	buf_adds(b, "{\"partition_ids\":");
	check_ids_json(&r->partition_ids, b);
	buf_adds(b, ",\"content_ids\":");
	check_ids_json(&r->content_ids, b);
	buf_adds(b, ",\"partition_key\":");
	if (r->partition_key != NULL)
		buf_add_json_string(b, r->partition_key,
		    strlen(r->partition_key));
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"sort_key\":");
	if (r->sort_key != NULL)
		buf_add_json_string(b, r->sort_key, strlen(r->sort_key));
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"field\":");
	buf_add_json_string(b, f->field, strlen(f->field));
	buf_printf(b, ",\"severity\":\"%s\",\"reason\":",
	    check_severity_name(f->severity));
	buf_add_json_string(b, f->reason, strlen(f->reason));
	buf_adds(b, "}\n");
}

/* Ids for people: joined by '#', "" shown as "". */
static void
check_ids_text(const struct ids *ids, struct buf *b)
{
	struct buf j = BUF_INIT;

	ids_join(ids, &j);
	if (j.len == 0)
		buf_adds(b, "\"\"");
	else
		output_escape(b, j.data, j.len);
	buf_cleanup(&j);
}

void
check_format_text(const struct check_report *r, size_t i, struct buf *b)
{
	const struct check_finding *f = &r->findings[i];

	buf_printf(b, "%-9s  ", check_severity_name(f->severity));
	check_ids_text(&r->partition_ids, b);
	buf_adds(b, " | ");
	check_ids_text(&r->content_ids, b);
	buf_adds(b, " | ");
	if (*f->field != '\0') {
		output_escape(b, f->field, strlen(f->field));
		buf_adds(b, ": ");
	}
	output_escape(b, f->reason, strlen(f->reason));
	buf_addc(b, '\n');
}

/* "1 note" / "2 notes". */
static void
check_plural(struct buf *b, unsigned long long n, const char *one)
{
	buf_printf(b, "%llu %s%s", n, one, n == 1 ? "" : "s");
}

void
check_format_summary(const struct check_counts *c, int rules, bool json,
    struct buf *b)
{
	if (json) {
		buf_printf(b, "{\"summary\":{\"items\":%llu,\"ok\":%llu,"
		    "\"with_warnings\":%llu,\"with_violations\":%llu,"
		    "\"notes\":%llu,\"warnings\":%llu,\"violations\":%llu,"
		    "\"pydantic\":%d}}\n", c->items, c->ok, c->warned,
		    c->violated, c->notes, c->warnings, c->violations, rules);
		return;
	}
	buf_adds(b, "checked ");
	check_plural(b, c->items, "item");
	buf_printf(b, ": %llu ok, %llu with warnings, %llu with violations (",
	    c->ok, c->warned, c->violated);
	check_plural(b, c->notes, "note");
	buf_adds(b, ", ");
	check_plural(b, c->warnings, "warning");
	buf_adds(b, ", ");
	check_plural(b, c->violations, "violation");
	buf_printf(b, ") by pydantic %d's rules\n", rules);
}
