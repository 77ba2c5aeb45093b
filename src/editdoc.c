/* SPDX-License-Identifier: ISC */
/* The document of a whole-item edit in $EDITOR. */
#include "config.h"

#include "editdoc.h"

#include <string.h>

#include "json.h"

size_t
editdoc_body(const char *text, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i < len && strchr(" \t\r\n", text[i]) != NULL &&
		    text[i] != '\0')
			i++;
		if (i + 1 >= len || text[i] != '/' || text[i + 1] != '/')
			return i;
		while (i < len && text[i] != '\n')
			i++;
	}
}

struct value *
editdoc_parse(const char *text, size_t len, struct err *e)
{
	size_t start = editdoc_body(text, len);
	struct value *v;

	/* A NUL byte would end the text early for an editor or a C string:
	 * refuse it rather than read half of what was meant. */
	if (memchr(text, '\0', len) != NULL) {
		err_set(e, ERR_INPUT, "the file holds a NUL byte");
		return NULL;
	}
	v = json_parse(text + start, len - start, e);
	if (v == NULL)
		return NULL;
	if (v->type != VT_M) {
		err_set(e, ERR_INPUT, "the item must be a JSON object of its "
		    "fields, not a %s", value_type_name(v->type));
		value_free(v);
		return NULL;
	}
	return v;
}
