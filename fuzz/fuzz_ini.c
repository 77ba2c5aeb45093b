/* SPDX-License-Identifier: ISC */
/* Fuzz the INI parser (plain and nested, stopping and going on at errors)
 * and profile loading. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "err.h"
#include "ini.h"
#include "profile.h"

struct fuzz_ini {
	int	 lines;		/* lines in the input, at most */
	int	 last_line;
	size_t	 calls;
};

/* Check a location the parser reports. */
static void
fuzz_ini_where(struct fuzz_ini *fi, const char *file, int line)
{
	if (file == NULL || strcmp(file, "fuzz.ini") != 0)
		fuzz_fail("a callback without the file name", file);
	if (line < 1 || line > fi->lines)
		fuzz_fail("a line number outside the input", NULL);
	if (line < fi->last_line)
		fuzz_fail("line numbers going backwards", NULL);
	fi->last_line = line;
	fi->calls++;
}

static int
fuzz_ini_section(void *ctx, const char *name, const char *file, int line,
    struct err *e)
{
	(void)e;
	if (name != NULL)
		(void)strlen(name);
	fuzz_ini_where(ctx, file, line);
	return 0;
}

static int
fuzz_ini_key(void *ctx, const char *section, const char *key,
    const char *value, const char *file, int line, struct err *e)
{
	(void)e;
	if (section == NULL || key == NULL || value == NULL)
		fuzz_fail("a key callback with a NULL string", NULL);
	fuzz_ini_where(ctx, file, line);
	return 0;
}

static int
fuzz_ini_error(void *ctx, const char *file, int line, const char *reason,
    struct err *e)
{
	(void)e;
	if (reason == NULL || reason[0] == '\0')
		fuzz_fail("an error without a reason", NULL);
	fuzz_ini_where(ctx, file, line);
	return 0;
}

/* One parse with the given flags; errors stop it or not. */
static void
fuzz_ini_parse(const char *data, size_t len, int flags, bool go_on)
{
	struct fuzz_ini fi = { 1, 0, 0 };
	struct ini_handler h = {
		.section = fuzz_ini_section,
		.key = fuzz_ini_key,
		.error = go_on ? fuzz_ini_error : NULL,
		.ctx = &fi,
		.flags = flags,
	};
	struct err e;
	size_t i;
	int rc;

	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			fi.lines++;
	rc = ini_parse_buf(data, len, "fuzz.ini", &h, &e);
	if (rc == -1 && (e.msg[0] == '\0' || strncmp(e.msg, "fuzz.ini",
	    8) != 0))
		fuzz_fail("a failed parse without \"FILE:LINE: reason\"",
		    e.msg);
	if (rc == -1 && go_on && memchr(data, '\0', len) == NULL)
		fuzz_fail("a parse that goes on at errors failed", e.msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;
	struct profile_set *ps;
	size_t i, n;

	fuzz_ini_parse(text, len, 0, false);
	fuzz_ini_parse(text, len, 0, true);
	fuzz_ini_parse(text, len, INI_NESTED, false);
	fuzz_ini_parse(text, len, INI_NESTED, true);

	/* The same bytes as a profile file in a directory that does not
	 * exist, so schema paths lead nowhere. */
	ps = profile_load_buf(text, len, "/nonexistent-fuzz-dir/fuzz.ini");
	n = profile_set_count(ps);
	for (i = 0; i < n; i++) {
		const struct profile *p = profile_set_at(ps, i);
		char *s;

		if (p->name == NULL || p->table == NULL ||
		    p->partition_prefix == NULL || p->partition_name == NULL ||
		    p->content_type == NULL)
			fuzz_fail("a loaded profile lacks a required value",
			    p->name);
		if (profile_set_find(ps, p->name) == NULL)
			fuzz_fail("a loaded profile cannot be found by name",
			    p->name);
		s = profile_partition_prefix(p);
		free(s);
		s = profile_content_prefix(p);
		free(s);
	}
	n = profile_set_problem_count(ps);
	for (i = 0; i < n; i++) {
		char *s = profile_problem_format(profile_set_problem(ps, i));

		if (s == NULL || s[0] == '\0')
			fuzz_fail("an empty problem", NULL);
		free(s);
	}
	profile_set_free(ps);
	return 0;
}
