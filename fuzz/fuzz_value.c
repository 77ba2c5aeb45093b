/* SPDX-License-Identifier: ISC */
/* Fuzz the --set/--incr/--append value syntax (cmd_parse_value) and
 * PartitionedContent lines (content_from_json). */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "content.h"
#include "err.h"
#include "json.h"
#include "value.h"

/* 1000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch seconds. */
#define FUZZ_VALUE_YEAR_1000	(-30610224000LL)
#define FUZZ_VALUE_YEAR_9999	253402300799LL

/* A value typed on the command line: JSON, or else the words as a
 * string, never silently anything else. */
static void
fuzz_value_cmd(const uint8_t *data, size_t len)
{
	char *text = fuzz_cstr(data, len);
	struct value *v;
	struct err e;

	v = cmd_parse_value(text, &e);
	if (v == NULL) {
		const char *p = text;

		while (*p == ' ' || *p == '\t')
			p++;
		/* Only what looks like JSON may be refused. */
		if (*p != '"' && *p != '{' && *p != '[')
			fuzz_fail("a bare word was refused", e.msg);
		if (e.msg[0] == '\0')
			fuzz_fail("a refusal without a message", NULL);
	} else if (v->type == VT_S && strlen(text) == len) {
		struct value *j = json_parse(text, len, NULL);

		/* A string is the JSON string, or else the text itself. */
		if (j == NULL && (v->u.str.len != len ||
		    memcmp(v->u.str.ptr, text, len) != 0))
			fuzz_fail("a bare word changed on the way", text);
		value_free(j);
	}
	value_free(v);
	free(text);
}

/* A PartitionedContent line: what parses writes back as text that
 * parses to the same content. */
static void
fuzz_value_content(const uint8_t *data, size_t len)
{
	struct content *c, *c2;
	struct buf b = BUF_INIT;
	struct err e;

	c = content_from_json((const char *)data, len, &e);
	if (c == NULL) {
		if (e.code != ERR_INPUT || e.msg[0] == '\0')
			fuzz_fail("a refusal without ERR_INPUT and a message",
			    e.msg);
		return;
	}
	/* Known bug, reported (tests/security/hostile.sh has its TODO
	 * test): an expiry outside the years 1000..9999 is written with a
	 * year of other than four digits, which content_from_json refuses.
	 * Skipped here so the target keeps looking for other bugs. */
	if (c->has_expiry && (c->expiry < FUZZ_VALUE_YEAR_1000 ||
	    c->expiry > FUZZ_VALUE_YEAR_9999)) {
		content_free(c);
		return;
	}
	content_to_json(c, &b, 0);
	c2 = content_from_json(b.data, b.len, &e);
	if (c2 == NULL)
		fuzz_fail("content_to_json output does not parse back", e.msg);
	if (!ids_equal(&c->partition_ids, &c2->partition_ids) ||
	    !ids_equal(&c->content_ids, &c2->content_ids) ||
	    !value_equal(c->item, c2->item) ||
	    c->current_version != c2->current_version ||
	    c->has_expiry != c2->has_expiry ||
	    (c->has_expiry && c->expiry != c2->expiry))
		fuzz_fail("content_to_json output parses to another content",
		    buf_cstr(&b));
	content_free(c);
	content_free(c2);
	buf_cleanup(&b);
}

/* The first byte chooses: even for a command-line value, odd for a
 * content line. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len == 0)
		return 0;
	if ((data[0] & 1) == 0)
		fuzz_value_cmd(data + 1, len - 1);
	else
		fuzz_value_content(data + 1, len - 1);
	return 0;
}
