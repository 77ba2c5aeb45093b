/* SPDX-License-Identifier: ISC */
/* Repository profiles: INI files naming a table and how its keys are built. */
#include "config.h"

#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsconfig.h"
#include "buf.h"
#include "ini.h"
#include "repo.h"
#include "xmalloc.h"

enum profile_type {
	PROFILE_STRING,		/* kept as written */
	PROFILE_PATH,		/* resolved against the file's directory */
	PROFILE_BOOL,
	PROFILE_INT,
	PROFILE_LIST		/* comma-separated, trimmed */
};

struct profile_key {
	const char	*name;
	enum profile_type type;
	size_t		 offset;
	bool		 required;
	int		 min;		/* PROFILE_INT range */
	int		 max;
};

#define PROFILE_OFF(f)	offsetof(struct profile, f)

static const struct profile_key profile_keys[] = {
	{ "table", PROFILE_STRING, PROFILE_OFF(table), true, 0, 0 },
	{ "region", PROFILE_STRING, PROFILE_OFF(region), false, 0, 0 },
	{ "endpoint", PROFILE_STRING, PROFILE_OFF(endpoint), false, 0, 0 },
	{ "aws_profile", PROFILE_STRING, PROFILE_OFF(aws_profile), false, 0,
	  0 },
	{ "partition_prefix", PROFILE_STRING, PROFILE_OFF(partition_prefix),
	  true, 0, 0 },
	{ "partition_name", PROFILE_STRING, PROFILE_OFF(partition_name), true,
	  0, 0 },
	{ "content_type", PROFILE_STRING, PROFILE_OFF(content_type), true, 0,
	  0 },
	{ "partition_key", PROFILE_STRING, PROFILE_OFF(partition_key), false,
	  0, 0 },
	{ "sort_key", PROFILE_STRING, PROFILE_OFF(sort_key), false, 0, 0 },
	{ "schema", PROFILE_PATH, PROFILE_OFF(schema), false, 0, 0 },
	{ "consistent_reads", PROFILE_BOOL, PROFILE_OFF(consistent_reads),
	  false, 0, 0 },
	{ "read_only", PROFILE_BOOL, PROFILE_OFF(read_only), false, 0, 0 },
	{ "partitions", PROFILE_LIST, PROFILE_OFF(partitions), false, 0, 0 },
	{ "max_attempts", PROFILE_INT, PROFILE_OFF(max_attempts), false, 1,
	  AWSCONFIG_MAX_ATTEMPTS_LIMIT },
	{ "in_flight", PROFILE_INT, PROFILE_OFF(in_flight), false, 1,
	  REPO_IN_FLIGHT_MAX },
	{ "ca_bundle", PROFILE_PATH, PROFILE_OFF(ca_bundle), false, 0, 0 },
	{ "allow_http", PROFILE_BOOL, PROFILE_OFF(allow_http), false, 0, 0 },
	{ "allow_extra", PROFILE_BOOL, PROFILE_OFF(allow_extra), false, 0, 0 },
	{ "pydantic", PROFILE_INT, PROFILE_OFF(pydantic), false, 1, 2 },
};
#define PROFILE_NKEYS	(sizeof profile_keys / sizeof profile_keys[0])

/* A profile name met, loaded or not: later ones of that name lose. */
struct profile_seen {
	char	*name;
	char	*file;
	int	 line;
};

struct profile_set {
	struct profile **v;
	size_t		 n, cap;
	struct profile_problem *pv;
	size_t		 np, pcap;
	struct profile_seen *sv;
	size_t		 ns, scap;
	char		**dirs;
	size_t		 ndirs, dcap;
};

/* The state of reading one file. */
struct profile_parse {
	struct profile_set *set;
	const char	*file;
	char		*dir;		/* NULL: the file name has no '/' */
	char		*stem;		/* file name without extension */
	struct profile	*cur;		/* NULL: skipping a section */
	bool		 cur_bad;
	int		 key_line[PROFILE_NKEYS];
};

/* Free one profile and its strings. */
static void
profile_free(struct profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->file);
	free(p->table);
	free(p->partition_prefix);
	free(p->partition_name);
	free(p->content_type);
	free(p->partition_key);
	free(p->sort_key);
	free(p->region);
	free(p->endpoint);
	free(p->aws_profile);
	free(p->schema);
	free(p->ca_bundle);
	for (i = 0; i < p->npartitions; i++)
		free(p->partitions[i]);
	free(p->partitions);
	free(p);
}

/* Record a problem; message is printf-style. */
static void __attribute__((format(printf, 6, 7)))
profile_problem_add(struct profile_set *set, const char *file, int line,
    const char *profile, bool warning, const char *fmt, ...)
{
	struct profile_problem *pr;
	struct buf b = BUF_INIT;
	va_list ap;

	if (set->np == set->pcap) {
		set->pcap = set->pcap ? set->pcap * 2 : 8;
		set->pv = xreallocarray(set->pv, set->pcap, sizeof *set->pv);
	}
	pr = &set->pv[set->np++];
	pr->file = file != NULL ? xstrdup(file) : NULL;
	pr->line = line;
	pr->profile = profile != NULL ? xstrdup(profile) : NULL;
	pr->warning = warning;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	pr->message = buf_detach(&b, NULL);
}

/* A problem with the section being read: it will not load. */
static void __attribute__((format(printf, 3, 4)))
profile_bad(struct profile_parse *ps, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	profile_problem_add(ps->set, ps->file, line,
	    ps->cur != NULL ? ps->cur->name : NULL, false, "%s",
	    buf_cstr(&b));
	buf_cleanup(&b);
	ps->cur_bad = true;
}

/* The profile seen first under name, or NULL. */
static const struct profile_seen *
profile_seen_find(const struct profile_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->ns; i++)
		if (strcmp(set->sv[i].name, name) == 0)
			return &set->sv[i];
	return NULL;
}

/* Remember that a profile of this name was met. */
static void
profile_seen_add(struct profile_set *set, const char *name, const char *file,
    int line)
{
	struct profile_seen *s;

	if (set->ns == set->scap) {
		set->scap = set->scap ? set->scap * 2 : 8;
		set->sv = xreallocarray(set->sv, set->scap, sizeof *set->sv);
	}
	s = &set->sv[set->ns++];
	s->name = xstrdup(name);
	s->file = xstrdup(file);
	s->line = line;
}

/* Why a profile name is unusable, or NULL when it is fine. */
static const char *
profile_name_problem(const char *name)
{
	const unsigned char *p;

	if (*name == '\0')
		return "empty profile name";
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p == '/')
			return "a profile name must not hold '/'";
		if (*p <= ' ' || *p == 0x7f)
			return "a profile name must not hold blanks or "
			    "control characters";
	}
	return NULL;
}

/* Whether s is a DynamoDB table name: 3 to 255 of [a-zA-Z0-9_.-]. */
static bool
profile_table_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 255)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") == n;
}

/* The line of key `name` in the section being read; 0 when absent. */
static int
profile_key_line(const struct profile_parse *ps, const char *name)
{
	size_t i;

	for (i = 0; i < PROFILE_NKEYS; i++)
		if (strcmp(profile_keys[i].name, name) == 0)
			return ps->key_line[i];
	return 0;
}

/* Check and keep the section being read; free it when it has problems. */
static void
profile_finish(struct profile_parse *ps)
{
	struct profile *p = ps->cur;
	const struct profile_key *k;
	struct err err;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < PROFILE_NKEYS; i++) {
		k = &profile_keys[i];
		if (k->required && ps->key_line[i] == 0)
			profile_bad(ps, p->line, "missing required key '%s'",
			    k->name);
	}
	if (p->table != NULL && !profile_table_ok(p->table))
		profile_bad(ps, profile_key_line(ps, "table"), "table '%s' is "
		    "not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ . -)",
		    p->table);
	if (p->partition_key == NULL)
		p->partition_key = xstrdup(PROFILE_PARTITION_KEY);
	if (p->sort_key == NULL)
		p->sort_key = xstrdup(PROFILE_SORT_KEY);
	if (strcmp(p->partition_key, p->sort_key) == 0)
		profile_bad(ps, p->line, "partition_key and sort_key are both "
		    "'%s'", p->sort_key);
	if (p->endpoint != NULL &&
	    awsconfig_check_endpoint(p->endpoint, p->allow_http, &err) != 0)
		profile_bad(ps, profile_key_line(ps, "endpoint"), "%s",
		    err.msg);
	if (ps->cur_bad) {
		profile_free(p);
	} else {
		if (ps->set->n == ps->set->cap) {
			ps->set->cap = ps->set->cap ? ps->set->cap * 2 : 8;
			ps->set->v = xreallocarray(ps->set->v, ps->set->cap,
			    sizeof *ps->set->v);
		}
		ps->set->v[ps->set->n++] = p;
	}
	ps->cur = NULL;
	ps->cur_bad = false;
}

/* ini callback: a section header (NULL: a bad one). */
static int
profile_on_section(void *ctx, const char *section, const char *file,
    int line, struct err *err)
{
	struct profile_parse *ps = ctx;
	const struct profile_seen *seen;
	const char *name, *why;

	(void)file;
	(void)err;
	profile_finish(ps);
	if (section == NULL)
		return 0;
	if (strcmp(section, "repository") == 0)
		name = ps->stem;
	else if (strncmp(section, "repository", 10) == 0 &&
	    (section[10] == ' ' || section[10] == '\t')) {
		name = section + 11;
		while (*name == ' ' || *name == '\t')
			name++;
	} else {
		profile_problem_add(ps->set, ps->file, line, NULL, false,
		    "unknown section [%s]; expected [repository] or "
		    "[repository NAME]", section);
		return 0;
	}
	if ((why = profile_name_problem(name)) != NULL) {
		profile_problem_add(ps->set, ps->file, line, NULL, false,
		    "[%s]: %s", section, why);
		return 0;
	}
	if ((seen = profile_seen_find(ps->set, name)) != NULL) {
		profile_problem_add(ps->set, ps->file, line, name, true,
		    "profile '%s' is already defined at %s:%d; this one is "
		    "ignored", name, seen->file, seen->line);
		return 0;
	}
	profile_seen_add(ps->set, name, ps->file, line);
	ps->cur = xcalloc(1, sizeof *ps->cur);
	ps->cur->name = xstrdup(name);
	ps->cur->file = xstrdup(ps->file);
	ps->cur->line = line;
	ps->cur_bad = false;
	memset(ps->key_line, 0, sizeof ps->key_line);
	return 0;
}

/* value resolved against the profile file's directory (new). */
static char *
profile_resolve(const struct profile_parse *ps, const char *value)
{
	const char *home = getenv("HOME"), *data = getenv("XDG_DATA_HOME");

	/* "~/x" and "$XDG_DATA_HOME/x" are the person's, not the file's:
	 * the shipped demo profiles point into the user's data directory. */
	if (strncmp(value, "~/", 2) == 0 && home != NULL && *home == '/')
		return xasprintf("%s/%s", home, value + 2);
	if (strncmp(value, "$XDG_DATA_HOME/", 15) == 0) {
		if (data != NULL && *data == '/')
			return xasprintf("%s/%s", data, value + 15);
		if (home != NULL && *home == '/')
			return xasprintf("%s/.local/share/%s", home,
			    value + 15);
	}
	if (value[0] == '/' || ps->dir == NULL)
		return xstrdup(value);
	return xasprintf("%s/%s", ps->dir, value);
}

/* Parse a boolean; -1 when it is not one. */
static int
profile_parse_bool(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Split a comma-separated list into p->partitions, skipping empties. */
static void
profile_parse_list(struct profile *p, const char *v)
{
	const char *s = v, *e;
	size_t n;

	while (*s != '\0') {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		n = (size_t)(e - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0) {
			p->partitions = xreallocarray(p->partitions,
			    p->npartitions + 1, sizeof *p->partitions);
			p->partitions[p->npartitions++] = xstrndup(s, n);
		}
		s = *e == ',' ? e + 1 : e;
	}
}

/* Check that a schema file exists and can be read. */
static void
profile_check_schema(struct profile_parse *ps, int line, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		profile_bad(ps, line, "schema %s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		profile_bad(ps, line, "schema %s: not a regular file", path);
	else if (access(path, R_OK) == -1)
		profile_bad(ps, line, "schema %s: %s", path, strerror(errno));
}

/* Store one value into the profile being read. */
static void
profile_set_value(struct profile_parse *ps, const struct profile_key *k,
    const char *value, int line)
{
	struct profile *p = ps->cur;
	void *field = (char *)p + k->offset;
	char *end, *path;
	long n;
	int b;

	switch (k->type) {
	case PROFILE_STRING:
	case PROFILE_PATH:
		if (*value == '\0') {
			if (k->required)
				profile_bad(ps, line, "'%s' is empty",
				    k->name);
			return;
		}
		if (k->offset == PROFILE_OFF(endpoint) &&
		    strncmp(value, "local:", 6) == 0 && value[6] != '\0') {
			/* the embedded store's file, like the schema */
			path = profile_resolve(ps, value + 6);
			*(char **)field = xasprintf("local:%s", path);
			free(path);
			return;
		}
		if (k->type == PROFILE_STRING) {
			*(char **)field = xstrdup(value);
			return;
		}
		path = profile_resolve(ps, value);
		*(char **)field = path;
		if (k->offset == PROFILE_OFF(schema))
			profile_check_schema(ps, line, path);
		return;
	case PROFILE_BOOL:
		if ((b = profile_parse_bool(value)) < 0) {
			profile_bad(ps, line, "%s: '%s' is not a boolean "
			    "(true or false)", k->name, value);
			return;
		}
		*(bool *)field = b;
		return;
	case PROFILE_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (*value < '0' || *value > '9' || *end != '\0' ||
		    errno != 0 || n < k->min || n > k->max) {
			profile_bad(ps, line, "%s: '%s' is not an integer from "
			    "%d to %d", k->name, value, k->min, k->max);
			return;
		}
		*(int *)field = (int)n;
		return;
	case PROFILE_LIST:
		profile_parse_list(p, value);
		return;
	}
}

/* ini callback: a key. */
static int
profile_on_key(void *ctx, const char *section, const char *key,
    const char *value, const char *file, int line, struct err *err)
{
	struct profile_parse *ps = ctx;
	size_t i;

	(void)section;
	(void)file;
	(void)err;
	if (ps->cur == NULL)
		return 0;
	for (i = 0; i < PROFILE_NKEYS; i++)
		if (strcmp(profile_keys[i].name, key) == 0)
			break;
	if (i == PROFILE_NKEYS) {
		profile_bad(ps, line, "unknown key '%s'", key);
		return 0;
	}
	if (ps->key_line[i] != 0) {
		profile_bad(ps, line, "duplicate key '%s' (first at line %d)",
		    key, ps->key_line[i]);
		return 0;
	}
	ps->key_line[i] = line;
	profile_set_value(ps, &profile_keys[i], value, line);
	return 0;
}

/* ini callback: a syntax error. */
static int
profile_on_error(void *ctx, const char *file, int line, const char *reason,
    struct err *err)
{
	struct profile_parse *ps = ctx;

	(void)file;
	(void)err;
	if (ps->cur != NULL)
		profile_bad(ps, line, "%s", reason);
	else
		profile_problem_add(ps->set, ps->file, line, NULL, false, "%s",
		    reason);
	return 0;
}

/* Read the profiles of one file's contents into set. */
static void
profile_parse_buf(struct profile_set *set, const char *data, size_t len,
    const char *file)
{
	struct profile_parse ps;
	struct ini_handler h = {
		.section = profile_on_section,
		.key = profile_on_key,
		.error = profile_on_error,
		.ctx = &ps,
		.flags = 0,
	};
	const char *base, *slash, *dot;
	struct err err;

	memset(&ps, 0, sizeof ps);
	ps.set = set;
	ps.file = file;
	slash = strrchr(file, '/');
	base = slash != NULL ? slash + 1 : file;
	if (slash != NULL)
		ps.dir = slash == file ? xstrdup("/") :
		    xstrndup(file, (size_t)(slash - file));
	dot = strrchr(base, '.');
	ps.stem = dot != NULL ? xstrndup(base, (size_t)(dot - base)) :
	    xstrdup(base);
	if (ini_parse_buf(data, len, file, &h, &err) != 0)
		profile_problem_add(set, NULL, 0, NULL, false, "%s", err.msg);
	profile_finish(&ps);
	free(ps.dir);
	free(ps.stem);
}

/* Read one file's profiles into set. Read whole with read(2), sized by
 * fstat: no FILE, no stdio buffer and no chunk on the stack, each a page
 * that start-up would otherwise touch (issue 6). */
static void
profile_read_file(struct profile_set *set, const char *path)
{
	struct buf b = BUF_INIT;
	struct stat sb;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		profile_problem_add(set, path, 0, NULL, false, "%s",
		    strerror(errno));
		return;
	}
	/* A byte more than the size: the end shows in the second read. */
	buf_reserve(&b, fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    (size_t)sb.st_size + 1 : 8192);
	b.data[0] = '\0';
	for (;;) {
		if (b.cap - b.len < 2)
			buf_reserve(&b, b.cap);
		got = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		b.len += (size_t)got;
		b.data[b.len] = '\0';
	}
	if (got == -1)
		profile_problem_add(set, path, 0, NULL, false, "%s",
		    strerror(errno));
	else
		profile_parse_buf(set, buf_cstr(&b), b.len, path);
	close(fd);
	buf_cleanup(&b);
}

/* qsort comparison of file names. */
static int
profile_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a directory entry name is a profile file: *.ini, not hidden. */
static bool
profile_is_ini(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".ini") == 0;
}

/* Directories already read, by device and inode. */
struct profile_dirids {
	struct stat	*v;
	size_t		 n;
};

/* Read every *.ini of dir, sorted by name. */
static void
profile_read_dir(struct profile_set *set, const char *dir, bool explicit,
    struct profile_dirids *ids)
{
	struct dirent *de;
	struct stat sb;
	char **names = NULL, *path;
	size_t n = 0, i;
	DIR *d;

	if (set->ndirs == set->dcap) {
		set->dcap = set->dcap ? set->dcap * 2 : 8;
		set->dirs = xreallocarray(set->dirs, set->dcap,
		    sizeof *set->dirs);
	}
	set->dirs[set->ndirs++] = xstrdup(dir);
	if (stat(dir, &sb) == -1) {
		if (explicit || errno != ENOENT)
			profile_problem_add(set, dir, 0, NULL, false,
			    "profile directory: %s", strerror(errno));
		return;
	}
	for (i = 0; i < ids->n; i++)
		if (ids->v[i].st_dev == sb.st_dev &&
		    ids->v[i].st_ino == sb.st_ino)
			return;
	ids->v = xreallocarray(ids->v, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n++] = sb;
	if ((d = opendir(dir)) == NULL) {
		profile_problem_add(set, dir, 0, NULL, false,
		    "profile directory: %s", strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!profile_is_ini(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = path;
		} else
			free(path);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, profile_cmp_names);
	for (i = 0; i < n; i++) {
		profile_read_file(set, names[i]);
		free(names[i]);
	}
	free(names);
}

/* The real environment, for a NULL getenv function. */
static const char *
profile_real_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* An environment variable; NULL when unset or empty. */
static const char *
profile_env(profile_getenv_fn fn, void *ctx, const char *name)
{
	const char *v = fn(ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

struct profile_set *
profile_set_load(const char *cli_dir, const char *installed_dir,
    profile_getenv_fn getenv_fn, void *ctx)
{
	struct profile_set *set = xcalloc(1, sizeof *set);
	const char *v, *s, *e;
	struct profile_dirids ids = { NULL, 0 };
	char *dir;

	if (getenv_fn == NULL)
		getenv_fn = profile_real_getenv;
	if (cli_dir != NULL && *cli_dir != '\0')
		profile_read_dir(set, cli_dir, true, &ids);
	if ((v = profile_env(getenv_fn, ctx, "DYNREPO_PROFILES")) != NULL) {
		for (s = v; *s != '\0'; s = e) {
			e = strchr(s, ':');
			if (e == NULL)
				e = s + strlen(s);
			if (e > s) {
				dir = xstrndup(s, (size_t)(e - s));
				profile_read_dir(set, dir, true, &ids);
				free(dir);
			}
			if (*e == ':')
				e++;
		}
	}
	v = profile_env(getenv_fn, ctx, "XDG_CONFIG_HOME");
	if (v != NULL && v[0] == '/')
		dir = xasprintf("%s/dynrepo/profiles", v);
	else if ((v = profile_env(getenv_fn, ctx, "HOME")) != NULL)
		dir = xasprintf("%s/.config/dynrepo/profiles", v);
	else
		dir = NULL;
	if (dir != NULL) {
		profile_read_dir(set, dir, false, &ids);
		free(dir);
	}
	if (installed_dir != NULL && *installed_dir != '\0')
		profile_read_dir(set, installed_dir, false, &ids);
	free(ids.v);
	return set;
}

struct profile_set *
profile_load_path(const char *file)
{
	struct profile_set *set = xcalloc(1, sizeof *set);

	profile_read_file(set, file);
	return set;
}

struct profile_set *
profile_load_buf(const char *data, size_t len, const char *file)
{
	struct profile_set *set = xcalloc(1, sizeof *set);

	profile_parse_buf(set, data, len, file);
	return set;
}

void
profile_set_free(struct profile_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		profile_free(set->v[i]);
	free(set->v);
	for (i = 0; i < set->np; i++) {
		free(set->pv[i].file);
		free(set->pv[i].profile);
		free(set->pv[i].message);
	}
	free(set->pv);
	for (i = 0; i < set->ns; i++) {
		free(set->sv[i].name);
		free(set->sv[i].file);
	}
	free(set->sv);
	for (i = 0; i < set->ndirs; i++)
		free(set->dirs[i]);
	free(set->dirs);
	free(set);
}

bool
profile_arg_is_path(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') != NULL ||
	    (n >= 4 && strcmp(arg + n - 4, ".ini") == 0);
}

size_t
profile_set_count(const struct profile_set *set)
{
	return set->n;
}

const struct profile *
profile_set_at(const struct profile_set *set, size_t i)
{
	return set->v[i];
}

const struct profile *
profile_set_find(const struct profile_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}

/* The first problem that kept profile `name` (NULL: any) from loading. */
static const struct profile_problem *
profile_first_problem(const struct profile_set *set, const char *name,
    size_t *count)
{
	const struct profile_problem *first = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < set->np; i++) {
		if (set->pv[i].warning)
			continue;
		if (name != NULL && (set->pv[i].profile == NULL ||
		    strcmp(set->pv[i].profile, name) != 0))
			continue;
		if (first == NULL)
			first = &set->pv[i];
		(*count)++;
	}
	return first;
}

/* Fail with a profile's first problem. */
static int
profile_problem_err(const struct profile_problem *pr, size_t count,
    const char *name, struct err *err)
{
	char *s = profile_problem_format(pr);

	if (name != NULL)
		err_set(err, ERR_CONFIG, "profile '%s' is not usable: %s%s",
		    name, s, count > 1 ? " (and more problems)" : "");
	else
		err_set(err, ERR_CONFIG, "%s%s", s,
		    count > 1 ? " (and more problems)" : "");
	free(s);
	return -1;
}

int
profile_set_lookup(const struct profile_set *set, const char *name,
    const struct profile **out, struct err *err)
{
	const struct profile_problem *pr;
	struct buf b = BUF_INIT;
	size_t i, count;

	*out = NULL;
	if (name == NULL) {
		if (set->n == 1) {
			*out = set->v[0];
			return 0;
		}
		if (set->n > 1) {
			for (i = 0; i < set->n; i++)
				buf_printf(&b, "%s%s", i ? ", " : "",
				    set->v[i]->name);
			err_set(err, ERR_USAGE, "several profiles to choose "
			    "from: %s", buf_cstr(&b));
			buf_cleanup(&b);
			return -1;
		}
		if ((pr = profile_first_problem(set, NULL, &count)) != NULL)
			return profile_problem_err(pr, count, NULL, err);
		return err_set(err, ERR_NOT_FOUND, "no profile found");
	}
	if ((*out = profile_set_find(set, name)) != NULL)
		return 0;
	if ((pr = profile_first_problem(set, name, &count)) != NULL)
		return profile_problem_err(pr, count, name, err);
	for (i = 0; i < set->ndirs; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", set->dirs[i]);
	if (set->ndirs == 0)
		err_set(err, ERR_NOT_FOUND, "no profile '%s'", name);
	else
		err_set(err, ERR_NOT_FOUND, "no profile '%s' in %s", name,
		    buf_cstr(&b));
	buf_cleanup(&b);
	return -1;
}

size_t
profile_set_problem_count(const struct profile_set *set)
{
	return set->np;
}

const struct profile_problem *
profile_set_problem(const struct profile_set *set, size_t i)
{
	return &set->pv[i];
}

char *
profile_problem_format(const struct profile_problem *pr)
{
	if (pr->file != NULL && pr->line > 0)
		return xasprintf("%s:%d: %s", pr->file, pr->line, pr->message);
	if (pr->file != NULL)
		return xasprintf("%s: %s", pr->file, pr->message);
	return xstrdup(pr->message);
}

size_t
profile_set_dir_count(const struct profile_set *set)
{
	return set->ndirs;
}

const char *
profile_set_dir(const struct profile_set *set, size_t i)
{
	return set->dirs[i];
}

char *
profile_partition_prefix(const struct profile *p)
{
	return xasprintf("%s#%s#", p->partition_prefix, p->partition_name);
}

char *
profile_content_prefix(const struct profile *p)
{
	return xasprintf("%s#", p->content_type);
}
