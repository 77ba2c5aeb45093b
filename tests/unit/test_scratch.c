/* SPDX-License-Identifier: ISC */
/* Temporary files: in $TMPDIR, mode 0600, unlinked, closed on exec. */
#include "config.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"

static char dir[64];

/* $TMPDIR for the tests: a directory of their own, where a file went
 * told by its /proc link. */
static void
setup(void)
{
	strcpy(dir, "/tmp/dynrepo-test-scratch-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(setenv("TMPDIR", dir, 1), 0);
}

static void
teardown(void)
{
	char *p;

	/* scratch_new's files, if a test left one. */
	if (asprintf(&p, "rm -rf '%s'", dir) != -1) {
		(void)system(p);
		free(p);
	}
}

/* The names in dir, . and .. left out. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

TestSuite(scratch, .init = setup, .fini = teardown);

/* Where f's file was made, by its /proc link ("DIR/NAME (deleted)"). */
static void
expect_made_in(FILE *f, const char *where)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fileno(f));
	n = readlink(link, target, sizeof target - 1);
	cr_assert(n > 0, "readlink %s", link);
	target[n] = '\0';
	cr_expect(strncmp(target, where, strlen(where)) == 0 &&
	    target[strlen(where)] == '/', "%s is not in %s", target, where);
	cr_expect(strstr(target, "(deleted)") != NULL, "%s has a name",
	    target);
}

/* The file make makes is private, nameless, closed on exec, in $TMPDIR,
 * and holds what is written to it. */
static void
expect_private_tmpfile(FILE *(*make)(struct err *))
{
	struct err e;
	struct stat st;
	char back[6] = "";
	FILE *f;

	err_clear(&e);
	f = make(&e);
	cr_assert_not_null(f, "%s", e.msg);
	cr_assert_eq(fstat(fileno(f), &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_expect_eq(st.st_nlink, 0, "the file has a name");
	cr_expect_eq(entries(), 0, "something was left in $TMPDIR");
	cr_expect(fcntl(fileno(f), F_GETFD) & FD_CLOEXEC);
	expect_made_in(f, dir);
	cr_assert(fputs("hello", f) >= 0);
	cr_assert_eq(fflush(f), 0);
	rewind(f);
	cr_assert_eq(fread(back, 1, 5, f), 5);
	cr_expect_str_eq(back, "hello");
	fclose(f);
}

Test(scratch, a_temporary_file_is_private_unlinked_and_in_tmpdir)
{
	expect_private_tmpfile(scratch_tmpfile);
}

Test(scratch, without_o_tmpfile_the_file_is_named_then_unlinked)
{
	/* A umask that would leave it readable by all, were it used. */
	umask(0);
	expect_private_tmpfile(scratch_tmpfile_named);
}

Test(scratch, a_tmpdir_that_is_not_there_is_an_error_naming_it)
{
	struct err e;
	char *missing;

	cr_assert(asprintf(&missing, "%s/no-such-dir", dir) != -1);
	cr_assert_eq(setenv("TMPDIR", missing, 1), 0);
	err_clear(&e);
	cr_assert_null(scratch_tmpfile(&e));
	cr_expect_eq(e.code, ERR_IO);
	cr_expect(strstr(e.msg, missing) != NULL, "%s", e.msg);
	cr_expect(strstr(e.msg, "No such file or directory") != NULL, "%s",
	    e.msg);
	free(missing);
}

Test(scratch, an_empty_tmpdir_means_tmp)
{
	struct err e;
	FILE *f;

	cr_assert_eq(setenv("TMPDIR", "", 1), 0);
	err_clear(&e);
	f = scratch_tmpfile(&e);
	cr_assert_not_null(f, "%s", e.msg);
	expect_made_in(f, "/tmp");
	fclose(f);
}

Test(scratch, the_editors_file_is_made_in_tmpdir)
{
	struct err e;
	struct stat st;
	char *path = NULL;

	err_clear(&e);
	cr_assert_eq(scratch_new("item", "{}", 2, &path, &e), 0, "%s", e.msg);
	cr_expect_eq(strncmp(path, dir, strlen(dir)), 0, "%s", path);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600);
	scratch_remove(path);
	free(path);
	cr_expect_eq(entries(), 0);
}

/* The editor's file is replaced whole: a new file renamed over the old
 * (a write cut short would leave the old text), 0600, nothing left
 * beside it. */
Test(scratch, the_editors_file_is_replaced_whole)
{
	struct buf b = BUF_INIT;
	struct stat before, after;
	struct err e;
	char *path = NULL;

	err_clear(&e);
	cr_assert_eq(scratch_new("item", "{}", 2, &path, &e), 0, "%s", e.msg);
	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_eq(stat(path, &before), 0);
	cr_assert_eq(scratch_write(path, "{\"a\":1}", 7, &e), 0, "%s", e.msg);
	cr_assert_eq(stat(path, &after), 0);
	cr_expect_neq(before.st_ino, after.st_ino, "written in place");
	cr_expect_eq(after.st_mode & 07777, 0600);
	cr_assert_eq(scratch_read(path, &b, &e), 0, "%s", e.msg);
	cr_expect_str_eq(buf_cstr(&b), "{\"a\":1}");
	cr_expect_eq(entries(), 1, "a file left beside it");
	buf_cleanup(&b);
	scratch_remove(path);
	free(path);
	cr_expect_eq(entries(), 0);
}
