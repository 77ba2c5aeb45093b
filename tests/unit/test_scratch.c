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

/* $TMPDIR for the tests: on /dev/shm where there is one, a file system
 * other than /tmp's, so that where a file went can be told by its
 * device. */
static void
setup(void)
{
	strcpy(dir, access("/dev/shm", W_OK) == 0 ?
	    "/dev/shm/dynrepo-test-scratch-XXXXXX" :
	    "/tmp/dynrepo-test-scratch-XXXXXX");
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

Test(scratch, a_temporary_file_is_private_unlinked_and_in_tmpdir)
{
	struct err e;
	struct stat st, dst;
	char back[6] = "";
	FILE *f;

	err_clear(&e);
	f = scratch_tmpfile(&e);
	cr_assert_not_null(f, "%s", e.msg);
	cr_assert_eq(fstat(fileno(f), &st), 0);
	cr_assert_eq(stat(dir, &dst), 0);
	cr_expect_eq(st.st_dev, dst.st_dev, "not on $TMPDIR's file system");
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_expect_eq(st.st_nlink, 0, "the file has a name");
	cr_expect_eq(entries(), 0, "something was left in $TMPDIR");
	cr_expect(fcntl(fileno(f), F_GETFD) & FD_CLOEXEC);
	cr_assert(fputs("hello", f) >= 0);
	cr_assert_eq(fflush(f), 0);
	rewind(f);
	cr_assert_eq(fread(back, 1, 5, f), 5);
	cr_expect_str_eq(back, "hello");
	fclose(f);
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
	struct stat st, tst;
	FILE *f;

	cr_assert_eq(setenv("TMPDIR", "", 1), 0);
	err_clear(&e);
	f = scratch_tmpfile(&e);
	cr_assert_not_null(f, "%s", e.msg);
	cr_assert_eq(fstat(fileno(f), &st), 0);
	cr_assert_eq(stat("/tmp", &tst), 0);
	cr_expect_eq(st.st_dev, tst.st_dev);
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
