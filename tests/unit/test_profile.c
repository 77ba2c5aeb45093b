/* SPDX-License-Identifier: ISC */
/* Tests of repository profiles: keys, defaults, problems, the search path. */
#include "config.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "xmalloc.h"

/* A fake environment: name/value pairs. */
struct fakeenv {
	const char	*name[16];
	const char	*value[16];
	int		 n;
};

static const char *
fake_getenv(void *ctx, const char *name)
{
	struct fakeenv *e = ctx;
	int i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->name[i], name) == 0)
			return e->value[i];
	return NULL;
}

static void
fake_set(struct fakeenv *e, const char *name, const char *value)
{
	e->name[e->n] = name;
	e->value[e->n] = value;
	e->n++;
}

static char *
fixture(const char *name)
{
	const char *env = getenv("DYNREPO_FIXTURES");
	const char *slash = strrchr(__FILE__, '/');

	if (env != NULL && *env != '\0')
		return xasprintf("%s/%s", env, name);
	if (slash == NULL)
		return xasprintf("fixtures/%s", name);
	return xasprintf("%.*s/fixtures/%s", (int)(slash - __FILE__),
	    __FILE__, name);
}

static char tmp[64];

/* A fresh temporary directory for one test. */
static void
tmp_setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/profile-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
tmp_teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write contents to tmp/rel (creating directories); returns the path. */
static char *
put(const char *rel, const char *contents)
{
	char *path = xasprintf("%s/%s", tmp, rel), *p;
	FILE *f;

	for (p = path + strlen(tmp) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(contents, f);
	fclose(f);
	return path;
}

/* A directory tmp/rel; returns the path. */
static char *
mkdir_tmp(const char *rel)
{
	char *path = xasprintf("%s/%s", tmp, rel), *p;

	for (p = path + strlen(tmp) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	mkdir(path, 0700);
	return path;
}

/* Every problem, formatted, one per line (caller frees). */
static char *
problems(const struct profile_set *set)
{
	struct { char *s; size_t n; } acc = { xstrdup(""), 0 };
	size_t i;
	char *line, *next;

	for (i = 0; i < profile_set_problem_count(set); i++) {
		const struct profile_problem *pr = profile_set_problem(set, i);

		line = profile_problem_format(pr);
		next = xasprintf("%s%s%s [%s]\n", acc.s,
		    pr->warning ? "W " : "", line,
		    pr->profile ? pr->profile : "-");
		free(line);
		free(acc.s);
		acc.s = next;
	}
	return acc.s;
}

static const char minimal[] =
    "table = app-data\n"
    "partition_prefix = content\n"
    "partition_name = movies\n"
    "content_type = character\n";

Test(profile, every_key_from_fixture)
{
	char *path = fixture("profiles/film-actors.ini");
	char *dir = fixture("profiles"), *want;
	struct profile_set *set = profile_load_path(path);
	const struct profile *p;
	char *s = problems(set);

	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_eq(profile_set_count(set), 1);
	p = profile_set_find(set, "film-actors");
	cr_assert_not_null(p);
	cr_assert_eq(p, profile_set_at(set, 0));
	cr_assert_str_eq(p->file, path);
	cr_assert_eq(p->line, 2);
	cr_assert_str_eq(p->table, "app-data");
	cr_assert_str_eq(p->region, "eu-west-1");
	cr_assert_str_eq(p->endpoint, "http://127.0.0.1:8000");
	cr_assert_str_eq(p->aws_profile, "prod-readonly");
	cr_assert_str_eq(p->partition_prefix, "content");
	cr_assert_str_eq(p->partition_name, "movies");
	cr_assert_str_eq(p->content_type, "character");
	cr_assert_str_eq(p->partition_key, "pk");
	cr_assert_str_eq(p->sort_key, "sk");
	want = xasprintf("%s/film_actor.schema.json", dir);
	cr_assert_str_eq(p->schema, want);
	free(want);
	want = xasprintf("%s/certs/ca.pem", dir);
	cr_assert_str_eq(p->ca_bundle, want);
	free(want);
	cr_assert(p->consistent_reads);
	cr_assert(p->read_only);
	cr_assert_not(p->allow_http);
	cr_assert(p->allow_extra);
	cr_assert_eq(p->max_attempts, 7);
	cr_assert_eq(p->pydantic, 2);
	cr_assert_eq(p->npartitions, 2);
	cr_assert_str_eq(p->partitions[0], "studio-a");
	cr_assert_str_eq(p->partitions[1], "studio-b#east");

	s = profile_partition_prefix(p);
	cr_assert_str_eq(s, "content#movies#");
	free(s);
	s = profile_content_prefix(p);
	cr_assert_str_eq(s, "character#");
	free(s);
	profile_set_free(set);
	free(path);
	free(dir);
}

Test(profile, keys_outside_a_section)
{
	struct profile_set *set = profile_load_buf(minimal, strlen(minimal),
	    "/nowhere/app.ini");
	size_t i;

	cr_assert_eq(profile_set_count(set), 0);
	cr_assert_eq(profile_set_problem_count(set), 4);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(profile_set_problem(set, i)->line, (int)i + 1);
		cr_assert_str_eq(profile_set_problem(set, i)->message,
		    "key outside of any [section]");
	}
	profile_set_free(set);

	/* a section without keys misses the four required ones */
	set = profile_load_buf("[repository]\n", 13, "/nowhere/app.ini");
	cr_assert_eq(profile_set_count(set), 0);
	cr_assert_eq(profile_set_problem_count(set), 4);
	cr_assert_str_eq(profile_set_problem(set, 0)->profile, "app");
	cr_assert_str_eq(profile_set_problem(set, 3)->message,
	    "missing required key 'content_type'");
	profile_set_free(set);
}

Test(profile, defaults_of_a_minimal_profile)
{
	char *in = xasprintf("[repository]\n%s", minimal);
	struct profile_set *set = profile_load_buf(in, strlen(in),
	    "/nowhere/app.v2.ini");
	const struct profile *p = profile_set_find(set, "app.v2");

	cr_assert_not_null(p);
	cr_assert_str_eq(p->partition_key, "_table_item_id");
	cr_assert_str_eq(p->sort_key, "_table_content_id");
	cr_assert_null(p->region);
	cr_assert_null(p->endpoint);
	cr_assert_null(p->aws_profile);
	cr_assert_null(p->schema);
	cr_assert_null(p->ca_bundle);
	cr_assert_eq(p->npartitions, 0);
	cr_assert_eq(p->max_attempts, 0);
	cr_assert_eq(p->pydantic, 0);
	cr_assert_not(p->consistent_reads);
	cr_assert_not(p->read_only);
	cr_assert_not(p->allow_http);
	cr_assert_not(p->allow_extra);
	profile_set_free(set);
	free(in);
}

Test(profile, several_sections_and_a_broken_one)
{
	char *path = fixture("profiles/several.ini"), *s, *want;
	struct profile_set *set = profile_load_path(path);
	const struct profile *p;
	struct err err;

	cr_assert_eq(profile_set_count(set), 2);
	cr_assert_str_eq(profile_set_at(set, 0)->name, "orders");
	cr_assert_str_eq(profile_set_at(set, 1)->name, "customers");
	cr_assert_eq(profile_set_at(set, 1)->line, 8);
	cr_assert_null(profile_set_find(set, "broken"));
	s = problems(set);
	want = xasprintf("%s:19: unknown key 'readonly' [broken]\n", path);
	cr_assert_str_eq(s, want);
	free(s);
	free(want);

	cr_assert_eq(profile_set_lookup(set, "broken", &p, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	want = xasprintf("profile 'broken' is not usable: %s:19: unknown key "
	    "'readonly'", path);
	cr_assert_str_eq(err.msg, want);
	free(want);
	cr_assert_null(p);
	cr_assert_eq(profile_set_lookup(set, NULL, &p, &err), -1);
	cr_assert_eq(err.code, ERR_USAGE);
	cr_assert_str_eq(err.msg,
	    "several profiles to choose from: orders, customers");
	cr_assert_eq(profile_set_lookup(set, "orders", &p, &err), 0);
	cr_assert_str_eq(p->partition_name, "orders");
	profile_set_free(set);
	free(path);
}

Test(profile, problems_with_lines, .init = tmp_setup, .fini = tmp_teardown)
{
	static const char in[] =
	    "[repository a]\n"				/* 1 */
	    "table = t1x\n"
	    "partition_prefix = p\n"
	    "partition_name = n\n"
	    "content_type = c\n"			/* 5 */
	    "read_only = maybe\n"
	    "max_attempts = 0\n"
	    "pydantic = 3\n"
	    "table = again\n"
	    "schema = missing.json\n"			/* 10 */
	    "[repository b]\n"
	    "table = t\n"
	    "content_type =\n"
	    "garbage line\n"
	    "[repository ok]\n"				/* 15 */
	    "table = good-table\n"
	    "partition_prefix = p\n"
	    "partition_name = n\n"
	    "content_type = c\n"
	    "[other]\n"					/* 20 */
	    "x = 1\n"
	    "[repository bad/name]\n"
	    "[repository ok]\n"
	    "table = shadowed\n";
	char *path = put("set.ini", in), *s, *want;
	struct profile_set *set = profile_load_path(path);

	s = problems(set);
	want = xasprintf(
	    "%1$s:6: read_only: 'maybe' is not a boolean (true or false) [a]\n"
	    "%1$s:7: max_attempts: '0' is not an integer from 1 to 100 [a]\n"
	    "%1$s:8: pydantic: '3' is not an integer from 1 to 2 [a]\n"
	    "%1$s:9: duplicate key 'table' (first at line 2) [a]\n"
	    "%1$s:10: schema %2$s/missing.json: No such file or directory [a]\n"
	    "%1$s:13: 'content_type' is empty [b]\n"
	    "%1$s:14: expected 'key = value' or '[section]' [b]\n"
	    "%1$s:11: missing required key 'partition_prefix' [b]\n"
	    "%1$s:11: missing required key 'partition_name' [b]\n"
	    "%1$s:12: table 't' is not a DynamoDB table name (3 to 255 of "
	    "a-z A-Z 0-9 _ . -) [b]\n"
	    "%1$s:20: unknown section [other]; expected [repository] or "
	    "[repository NAME] [-]\n"
	    "%1$s:22: [repository bad/name]: a profile name must not hold "
	    "'/' [-]\n"
	    "W %1$s:23: profile 'ok' is already defined at %1$s:15; this one "
	    "is ignored [ok]\n", path, tmp);
	cr_assert_str_eq(s, want);
	free(s);
	free(want);
	cr_assert_eq(profile_set_count(set), 1);
	cr_assert_str_eq(profile_set_find(set, "ok")->table, "good-table");
	profile_set_free(set);
	free(path);
}

Test(profile, schema_relative_to_file, .init = tmp_setup,
    .fini = tmp_teardown)
{
	char *in = xasprintf("[repository]\n%sschema = m.json\n"
	    "endpoint = local:data/table.db\n", minimal);
	char *path, *schema = put("sub/m.json", "{}"), *want;
	struct profile_set *set;
	const struct profile *p;

	path = put("sub/x.ini", in);
	set = profile_load_path(path);
	p = profile_set_find(set, "x");
	cr_assert_not_null(p, "%zu problems", profile_set_problem_count(set));
	cr_assert_str_eq(p->schema, schema);
	want = xasprintf("local:%s/sub/data/table.db", tmp);
	cr_assert_str_eq(p->endpoint, want);
	free(want);
	profile_set_free(set);
	free(path);
	free(in);
	free(schema);

	/* an absolute schema path stays as written */
	in = xasprintf("[repository abs]\n%sschema = %s/sub/m.json\n", minimal,
	    tmp);
	set = profile_load_buf(in, strlen(in), "rel.ini");
	p = profile_set_find(set, "abs");
	cr_assert_not_null(p);
	want = xasprintf("%s/sub/m.json", tmp);
	cr_assert_str_eq(p->schema, want);
	free(want);
	profile_set_free(set);
	free(in);

	/* a directory is not a schema */
	in = xasprintf("[repository d]\n%sschema = %s\n", minimal, tmp);
	set = profile_load_buf(in, strlen(in), "d.ini");
	cr_assert_null(profile_set_find(set, "d"));
	cr_assert_eq(profile_set_problem_count(set), 1);
	cr_assert(strstr(profile_set_problem(set, 0)->message,
	    "not a regular file") != NULL);
	profile_set_free(set);
	free(in);
}

Test(profile, endpoints)
{
	static const struct {
		const char *endpoint;
		bool ok;
	} cases[] = {
		{ "endpoint = https://dynamodb.eu-west-1.amazonaws.com", true },
		{ "endpoint = http://localhost:8000", true },
		{ "endpoint = http://127.0.0.2:4567/", true },
		{ "endpoint = http://[::1]:8000", true },
		{ "endpoint = http://proxy.internal:8000", false },
		{ "endpoint = http://proxy.internal:8000\nallow_http = true",
		  true },
		{ "endpoint = ftp://x", false },
		{ "endpoint = local:/var/lib/t.db", true },
		{ "endpoint =", true },
	};
	size_t i;
	char *in;
	struct profile_set *set;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		in = xasprintf("[repository e]\n%s%s\n", minimal,
		    cases[i].endpoint);
		set = profile_load_buf(in, strlen(in), "e.ini");
		cr_assert_eq(profile_set_find(set, "e") != NULL, cases[i].ok,
		    "case %zu", i);
		if (!cases[i].ok)
			cr_assert_eq(profile_set_problem(set, 0)->line, 6,
			    "case %zu", i);
		profile_set_free(set);
		free(in);
	}
}

Test(profile, booleans)
{
	static const char *const yes[] = { "true", "TRUE", "yes", "on", "1" };
	static const char *const no[] = { "false", "No", "off", "0" };
	struct profile_set *set;
	size_t i;
	char *in;

	for (i = 0; i < 5; i++) {
		in = xasprintf("[repository b]\n%sread_only = %s\n", minimal,
		    yes[i]);
		set = profile_load_buf(in, strlen(in), "b.ini");
		cr_assert(profile_set_find(set, "b")->read_only, "%s", yes[i]);
		profile_set_free(set);
		free(in);
	}
	for (i = 0; i < 4; i++) {
		in = xasprintf("[repository b]\n%sread_only = %s\n", minimal,
		    no[i]);
		set = profile_load_buf(in, strlen(in), "b.ini");
		cr_assert_not(profile_set_find(set, "b")->read_only, "%s",
		    no[i]);
		profile_set_free(set);
		free(in);
	}
}

Test(profile, same_key_names)
{
	char *in = xasprintf("[repository s]\n%spartition_key = k\n"
	    "sort_key = k\n", minimal);
	struct profile_set *set = profile_load_buf(in, strlen(in), "s.ini");

	cr_assert_null(profile_set_find(set, "s"));
	cr_assert_str_eq(profile_set_problem(set, 0)->message,
	    "partition_key and sort_key are both 'k'");
	cr_assert_eq(profile_set_problem(set, 0)->line, 1);
	profile_set_free(set);
	free(in);
}

Test(profile, missing_file)
{
	struct profile_set *set = profile_load_path("/nonexistent/p.ini");
	const struct profile *p;
	struct err err;

	cr_assert_eq(profile_set_count(set), 0);
	cr_assert_eq(profile_set_lookup(set, NULL, &p, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg,
	    "/nonexistent/p.ini: No such file or directory");
	profile_set_free(set);
}

Test(profile, arg_is_path)
{
	cr_assert(profile_arg_is_path("./film-actors.ini"));
	cr_assert(profile_arg_is_path("film-actors.ini"));
	cr_assert(profile_arg_is_path("dir/x"));
	cr_assert_not(profile_arg_is_path("film-actors"));
	cr_assert_not(profile_arg_is_path("ini"));
}

/* Profile text for name `table` in the given table. */
static char *
named(const char *name, const char *table)
{
	return xasprintf("[repository %s]\ntable = %s\npartition_prefix = p\n"
	    "partition_name = n\ncontent_type = c\n", name, table);
}

/* Write a profile file under tmp. */
static void
put_profile(const char *rel, const char *name, const char *table)
{
	char *s = named(name, table);

	free(put(rel, s));
	free(s);
}

Test(profile, search_path_order, .init = tmp_setup, .fini = tmp_teardown)
{
	struct fakeenv env = { .n = 0 };
	char *cli = mkdir_tmp("cli"), *e1 = mkdir_tmp("env1");
	char *e2 = mkdir_tmp("env2"), *xdg = xasprintf("%s/xdg", tmp);
	char *inst = mkdir_tmp("installed"), *dps, *want;
	struct profile_set *set;
	size_t i;

	put_profile("cli/a.ini", "one", "from-cli");
	put_profile("env1/a.ini", "one", "from-env1");
	put_profile("env1/b.ini", "two", "from-env1");
	put_profile("env2/a.ini", "three", "from-env2");
	put_profile("env2/b.ini", "two", "from-env2");
	put_profile("xdg/dynrepo/profiles/z.ini", "four", "from-xdg");
	put_profile("xdg/dynrepo/profiles/y.ini", "three", "from-xdg");
	put_profile("installed/m.ini", "five", "from-installed");
	put_profile("installed/n.ini", "four", "from-installed");
	/* ignored: not *.ini, hidden, a directory */
	put_profile("installed/notes.txt", "six", "from-txt");
	put_profile("installed/.hidden.ini", "seven", "from-hidden");
	free(mkdir_tmp("installed/dir.ini"));

	dps = xasprintf("%s::%s", e1, e2);
	fake_set(&env, "DYNREPO_PROFILES", dps);
	fake_set(&env, "XDG_CONFIG_HOME", xdg);
	fake_set(&env, "HOME", "/nonexistent-home");
	set = profile_set_load(cli, inst, fake_getenv, &env);

	cr_assert_eq(profile_set_count(set), 5);
	cr_assert_str_eq(profile_set_find(set, "one")->table, "from-cli");
	cr_assert_str_eq(profile_set_find(set, "two")->table, "from-env1");
	cr_assert_str_eq(profile_set_find(set, "three")->table, "from-env2");
	cr_assert_str_eq(profile_set_find(set, "four")->table, "from-xdg");
	cr_assert_str_eq(profile_set_find(set, "five")->table,
	    "from-installed");
	cr_assert_null(profile_set_find(set, "six"));
	cr_assert_null(profile_set_find(set, "seven"));
	/* load order: directories in order, files sorted by name */
	cr_assert_str_eq(profile_set_at(set, 0)->name, "one");
	cr_assert_str_eq(profile_set_at(set, 1)->name, "two");
	cr_assert_str_eq(profile_set_at(set, 2)->name, "three");
	cr_assert_str_eq(profile_set_at(set, 3)->name, "four");
	cr_assert_str_eq(profile_set_at(set, 4)->name, "five");

	cr_assert_eq(profile_set_dir_count(set), 5);
	cr_assert_str_eq(profile_set_dir(set, 0), cli);
	cr_assert_str_eq(profile_set_dir(set, 1), e1);
	cr_assert_str_eq(profile_set_dir(set, 2), e2);
	want = xasprintf("%s/dynrepo/profiles", xdg);
	cr_assert_str_eq(profile_set_dir(set, 3), want);
	free(want);
	cr_assert_str_eq(profile_set_dir(set, 4), inst);

	/* later duplicates are warnings, in search order */
	cr_assert_eq(profile_set_problem_count(set), 4);
	for (i = 0; i < 4; i++)
		cr_assert(profile_set_problem(set, i)->warning);
	cr_assert_str_eq(profile_set_problem(set, 0)->profile, "one");
	cr_assert_str_eq(profile_set_problem(set, 1)->profile, "two");
	cr_assert_str_eq(profile_set_problem(set, 2)->profile, "three");
	cr_assert_str_eq(profile_set_problem(set, 3)->profile, "four");
	profile_set_free(set);
	free(cli);
	free(e1);
	free(e2);
	free(xdg);
	free(inst);
	free(dps);
}

Test(profile, home_fallback_and_missing_dirs, .init = tmp_setup,
    .fini = tmp_teardown)
{
	struct fakeenv env = { .n = 0 };
	char *home = xasprintf("%s/home", tmp), *want, *dps, *got;
	struct profile_set *set;
	const struct profile *p;
	struct err err;

	put_profile("home/.config/dynrepo/profiles/h.ini", "h", "from-home");
	dps = xasprintf("%s/absent", tmp);
	fake_set(&env, "DYNREPO_PROFILES", dps);
	fake_set(&env, "XDG_CONFIG_HOME", "relative/is/ignored");
	fake_set(&env, "HOME", home);
	set = profile_set_load(NULL, "/nonexistent/installed", fake_getenv,
	    &env);
	cr_assert_eq(profile_set_count(set), 1);
	cr_assert_str_eq(profile_set_at(set, 0)->table, "from-home");
	/* only the explicit directory is a problem when missing */
	cr_assert_eq(profile_set_problem_count(set), 1);
	want = xasprintf("%s/absent: profile directory: No such file or "
	    "directory", tmp);
	got = profile_problem_format(profile_set_problem(set, 0));
	cr_assert_str_eq(got, want);
	free(got);
	free(want);

	cr_assert_eq(profile_set_lookup(set, "nope", &p, &err), -1);
	cr_assert_eq(err.code, ERR_NOT_FOUND);
	want = xasprintf("no profile 'nope' in %s/absent, "
	    "%s/.config/dynrepo/profiles, /nonexistent/installed", tmp, home);
	cr_assert_str_eq(err.msg, want);
	free(want);
	cr_assert_eq(profile_set_lookup(set, NULL, &p, &err), 0);
	cr_assert_str_eq(p->name, "h");
	profile_set_free(set);
	free(home);
	free(dps);
}

Test(profile, same_directory_read_once, .init = tmp_setup,
    .fini = tmp_teardown)
{
	struct fakeenv env = { .n = 0 };
	char *dir = mkdir_tmp("p"), *dps;
	struct profile_set *set;

	put_profile("p/a.ini", "a", "table-a");
	dps = xasprintf("%s:%s/", dir, dir);
	fake_set(&env, "DYNREPO_PROFILES", dps);
	set = profile_set_load(dir, dir, fake_getenv, &env);
	cr_assert_eq(profile_set_count(set), 1);
	cr_assert_eq(profile_set_problem_count(set), 0);
	profile_set_free(set);
	free(dir);
	free(dps);
}

Test(profile, broken_override_shadows, .init = tmp_setup,
    .fini = tmp_teardown)
{
	struct fakeenv env = { .n = 0 };
	char *cli = mkdir_tmp("cli"), *inst = mkdir_tmp("inst");
	struct profile_set *set;
	const struct profile *p;
	struct err err;

	free(put("cli/x.ini", "[repository x]\ntable = tbl\n"));
	put_profile("inst/x.ini", "x", "installed");
	set = profile_set_load(cli, inst, fake_getenv, &env);
	cr_assert_null(profile_set_find(set, "x"));
	cr_assert_eq(profile_set_lookup(set, "x", &p, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "missing required key 'partition_prefix'")
	    != NULL, "%s", err.msg);
	cr_assert(strstr(err.msg, "(and more problems)") != NULL);
	profile_set_free(set);
	free(cli);
	free(inst);
}

Test(profile, files_sorted_by_name, .init = tmp_setup, .fini = tmp_teardown)
{
	static const char *const names[] = { "b", "c", "a", "e", "f", "d" };
	struct fakeenv env = { .n = 0 };
	char *dir = mkdir_tmp("d"), rel[16];
	struct profile_set *set;
	size_t i;

	/* neither creation order nor its reverse (nor, on ext4, the hash
	 * order of these names) is sorted */
	for (i = 0; i < 6; i++) {
		snprintf(rel, sizeof rel, "d/%s.ini", names[i]);
		put_profile(rel, names[i], "tbl");
	}
	set = profile_set_load(dir, NULL, fake_getenv, &env);
	cr_assert_eq(profile_set_count(set), 6);
	for (i = 0; i < 6; i++) {
		rel[0] = (char)('a' + i);
		rel[1] = '\0';
		cr_assert_str_eq(profile_set_at(set, i)->name, rel);
	}
	profile_set_free(set);
	free(dir);
}
