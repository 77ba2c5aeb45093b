/* SPDX-License-Identifier: ISC */
/* Repository profiles: INI files naming a table and how its keys are built. */
#ifndef DYNREPO_PROFILE_H
#define DYNREPO_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Lookup of environment variables; NULL = getenv. Injected for tests.
 * The same type as creds_getenv_fn and awsconfig_getenv_fn. */
typedef const char *(*profile_getenv_fn)(void *ctx, const char *name);

#define PROFILE_PARTITION_KEY	"_table_item_id"
#define PROFILE_SORT_KEY	"_table_content_id"

/* One repository. Strings are owned by the set; optional ones are NULL
 * when unset (an empty value counts as unset). */
struct profile {
	char	*name;
	char	*file;			/* the file it was read from */
	int	 line;			/* line of its [repository] header */

	char	*table;			/* required */
	char	*partition_prefix;	/* required */
	char	*partition_name;	/* required */
	char	*content_type;		/* required */
	char	*partition_key;		/* default PROFILE_PARTITION_KEY */
	char	*sort_key;		/* default PROFILE_SORT_KEY */
	char	*region;
	char	*endpoint;		/* http(s)://... or local:PATH */
	char	*aws_profile;
	char	*schema;		/* relative to the file's directory */
	char	*ca_bundle;
	char   **partitions;		/* npartitions ids ("studio-b#east") */
	size_t	 npartitions;
	int	 max_attempts;		/* 0: unset */
	int	 in_flight;		/* BatchWriteItems at once; 0: unset */
	int	 pydantic;		/* 1, 2; 0: the schema's dialect */
	bool	 consistent_reads;	/* default false */
	bool	 read_only;		/* default false */
	bool	 allow_http;		/* default false */
	bool	 allow_extra;		/* default false */
};

/* Something wrong in a profile file. */
struct profile_problem {
	char	*file;		/* NULL when not about a file */
	int	 line;		/* 0 when not about one line */
	char	*profile;	/* the profile it concerns, or NULL */
	bool	 warning;	/* a note only: the profile still loaded */
	char	*message;	/* the reason, without file:line */
};

/*
 * A set of profiles and the problems met reading them.
 *
 * A file holds one or more [repository NAME] sections; a bare
 * [repository] takes its name from the file name without its extension
 * (film-actors.ini -> film-actors). A name is non-empty and holds no
 * blanks, control characters or '/'. Any other section is a problem.
 *
 * A profile with any problem (unknown or duplicate key, missing required
 * key, bad boolean or integer, bad endpoint scheme, a schema file that
 * does not exist, a syntax error inside its section) is not loaded: it
 * could be a typo of read_only. Its problems name it, and its name still
 * shadows profiles of the same name later in the search path, so a broken
 * override is reported instead of silently replaced. A second profile of
 * a name already seen is skipped with a warning; the first one wins.
 */
struct profile_set;

/* Profiles from the search path, first found wins: cli_dir (--profiles;
 * may be NULL), each directory of $DYNREPO_PROFILES (colon-separated),
 * $XDG_CONFIG_HOME/dynrepo/profiles (when XDG_CONFIG_HOME is absolute;
 * else $HOME/.config/dynrepo/profiles), installed_dir (may be NULL). In
 * each directory the files *.ini (not hidden), sorted by name. A
 * directory listed twice is read once. A missing directory is a problem
 * only when named by cli_dir or $DYNREPO_PROFILES. Cannot fail: problems
 * are recorded in the set. */
struct profile_set *profile_set_load(const char *cli_dir,
	    const char *installed_dir, profile_getenv_fn getenv_fn,
	    void *ctx);
/* The profiles of one file (-p ./path/to/file.ini). Cannot fail. */
struct profile_set *profile_load_path(const char *file);
/* From a buffer, as if read from file `file` (its name and directory
 * are used as for a file). For tests and fuzzing. Cannot fail. */
struct profile_set *profile_load_buf(const char *data, size_t len,
	    const char *file);
void	 profile_set_free(struct profile_set *);

/* Whether a -p argument is a path (holds '/' or ends in ".ini") rather
 * than a name. */
bool	 profile_arg_is_path(const char *arg);

/* Loaded profiles in load order (search path, file name, file order). */
size_t	 profile_set_count(const struct profile_set *);
/* Borrowed; i < count. */
const struct profile *profile_set_at(const struct profile_set *, size_t i);
/* A loaded profile by name; NULL when none. Borrowed. */
const struct profile *profile_set_find(const struct profile_set *,
	    const char *name);
/* A profile by name for the person who asked for it; name NULL means "the
 * only one" (for -p FILE). ERR_CONFIG with the first problem
 * ("FILE:LINE: reason") when the profile has problems, ERR_NOT_FOUND with
 * the directories searched when there is none, ERR_USAGE when name is NULL
 * and there is not exactly one. *out is borrowed. */
int	 profile_set_lookup(const struct profile_set *, const char *name,
	     const struct profile **out, struct err *);

size_t	 profile_set_problem_count(const struct profile_set *);
/* Borrowed; i < count. In the order met. */
const struct profile_problem *profile_set_problem(const struct profile_set *,
	    size_t i);
/* "FILE:LINE: message" (or less when file or line is unknown); caller
 * frees. */
char	*profile_problem_format(const struct profile_problem *);

/* The directories searched, in order (existing or not). Borrowed. */
size_t	 profile_set_dir_count(const struct profile_set *);
const char *profile_set_dir(const struct profile_set *, size_t i);

/* "{partition_prefix}#{partition_name}#", the partition key's prefix;
 * caller frees. */
char	*profile_partition_prefix(const struct profile *);
/* "{content_type}#", the sort key's prefix; caller frees. */
char	*profile_content_prefix(const struct profile *);

#endif
