/* SPDX-License-Identifier: ISC */
/* The partitions a person opened before, per profile. */
#include "config.h"

#include "phist.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "statedir.h"
#include "value.h"
#include "xmalloc.h"

/* The file of profile's history; NULL with err when there is no state
 * directory. */
static char *
phist_path(const char *profile, struct err *e)
{
	char *dir = statedir_path("partitions", e), *name, *path;

	if (dir == NULL)
		return NULL;
	name = statedir_escape(profile);
	path = xasprintf("%s/%s", dir, name);
	free(name);
	free(dir);
	return path;
}

void
phist_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
phist_load(const char *profile, char ***ids, size_t *n, struct err *e)
{
	char *path, *data = NULL, *line, *nl;
	size_t len;
	struct value *v;
	struct err pe;

	*ids = NULL;
	*n = 0;
	if ((path = phist_path(profile, e)) == NULL)
		return -1;
	if (statedir_read_file(path, &data, &len, e) == -1) {
		free(path);
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
		return 0;
	}
	free(path);
	/* A line that is not a JSON string (a damaged file) is passed over. */
	for (line = data; *line != '\0' && *n < PHIST_MAX; line = nl) {
		nl = line + strcspn(line, "\n");
		v = json_parse(line, (size_t)(nl - line), &pe);
		if (v != NULL && v->type == VT_S &&
		    strlen(v->u.str.ptr) == v->u.str.len) {
			*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
			(*ids)[(*n)++] = xstrdup(v->u.str.ptr);
		}
		value_free(v);
		if (*nl == '\n')
			nl++;
	}
	free(data);
	return 0;
}

int
phist_add(const char *profile, const char *id, struct err *e)
{
	struct buf b = BUF_INIT;
	char **ids, *path, *dir;
	size_t n, i, kept = 1;
	int rc;

	if (phist_load(profile, &ids, &n, e) == -1)
		return -1;
	buf_add_json_string(&b, id, strlen(id));
	buf_addc(&b, '\n');
	for (i = 0; i < n && kept < PHIST_MAX; i++) {
		if (strcmp(ids[i], id) == 0)
			continue;
		buf_add_json_string(&b, ids[i], strlen(ids[i]));
		buf_addc(&b, '\n');
		kept++;
	}
	phist_free(ids, n);
	rc = -1;
	if ((dir = statedir_path("partitions", e)) != NULL &&
	    statedir_mkdir(dir, e) == 0 &&
	    (path = phist_path(profile, e)) != NULL) {
		rc = statedir_write_atomic(path, b.data, b.len, e);
		free(path);
	}
	free(dir);
	buf_cleanup(&b);
	return rc;
}
