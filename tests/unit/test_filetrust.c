/*
 * test_filetrust.c - compat/filetrust.c, table-driven: for each kind of
 * file (plain, secret, written, directory, SQLite database) and each way
 * it can be wrong (a link, another owner, group or other write, group or
 * other read for secrets, no owner write for what sspr writes), the
 * verdict and the one-line message with its fix.  Ownership rows need
 * root (chown) and are skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/ceilings.h"
#include "compat/filetrust.h"
#include "scratch.h"

#include "compat/banned.h"

static char dir[PATH_MAX - 64]; /* room for a file name after it */

enum kind { K_FILE, K_DIR, K_LINK, K_NONE };

static const struct row {
	const char *name;
	enum kind kind;
	unsigned mode;
	int owner; /* -1: ours; else this uid (root only) */
	unsigned flags;
	int want;        /* filetrust_check()'s return */
	const char *msg; /* a part of the message ("" for none) */
} rows[] = {
    {"plain ok", K_FILE, 0644, -1, 0, 0, ""},
    {"plain group write", K_FILE, 0664, -1, 0, -1,
        "is writable by group or others (mode 0664); run: chmod go-w "},
    {"plain other write", K_FILE, 0646, -1, 0, -1, "run: chmod go-w "},
    {"plain root owned", K_FILE, 0644, 0, 0, 0, ""},
    {"plain other owner", K_FILE, 0644, 1, 0, -1,
        "belongs to uid 1, not to the user sspr runs as"},
    {"plain link", K_LINK, 0644, -1, 0, -1,
        "is a symbolic link, which sspr does not follow"},
    {"plain missing", K_NONE, 0, -1, 0, -1, "does not exist"},
    {"missing ok", K_NONE, 0, -1, FT_MISSING_OK, 1, "does not exist"},
    {"secret ok", K_FILE, 0600, -1, FT_SECRET, 0, ""},
    {"secret group read", K_FILE, 0640, -1, FT_SECRET, -1,
        "is readable by group or others (mode 0640); run: chmod 600 "},
    {"secret other exec", K_FILE, 0601, -1, FT_SECRET, -1,
        "is accessible by group or others"},
    {"written ok", K_FILE, 0600, -1, FT_WRITE, 0, ""},
    {"written read-only", K_FILE, 0400, -1, FT_WRITE, -1,
        "is not writable by its owner (mode 0400); run: chmod u+w "},
    {"written of root", K_FILE, 0600, 0, FT_WRITE, 0, ""}, /* we are root */
    {"written of other", K_FILE, 0600, 1, FT_WRITE, -1, "belongs to uid 1"},
    {"dir ok", K_DIR, 0700, -1, FT_DIR | FT_WRITE, 0, ""},
    {"dir for all", K_DIR, 0777, -1, FT_DIR | FT_WRITE, -1,
        "(mode 0777); run: chmod go-w "},
    {"dir read-only", K_DIR, 0500, -1, FT_DIR | FT_WRITE, -1,
        "run: chmod u+wx "},
    {"dir is a file", K_FILE, 0600, -1, FT_DIR, -1, "is not a directory"},
    {"file is a dir", K_DIR, 0700, -1, 0, -1, "is not a regular file"},
    {"sqlite ok", K_FILE, 0600, -1, FT_SQLITE | FT_WRITE | FT_SECRET, 0, ""},
    {"sqlite link", K_LINK, 0600, -1, FT_SQLITE | FT_WRITE, -1,
        "is a symbolic link"},
    {"sqlite readable", K_FILE, 0644, -1, FT_SQLITE | FT_WRITE | FT_SECRET, -1,
        "run: chmod 600 "},
    {"sqlite read-only", K_FILE, 0400, -1, FT_SQLITE | FT_WRITE, -1,
        "run: chmod u+w "},
};

static int
setup(void **state)
{
	(void)state;
	return scratch_dir(dir, sizeof(dir), "test_filetrust");
}

/* Make the row's file (named after its index) and return its path. */
static void
make(const struct row *r, size_t i, char *path, size_t size)
{
	char target[PATH_MAX];
	int fd;

	snprintf(path, size, "%s/f%zu", dir, i);
	switch (r->kind) {
	case K_FILE:
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
		break;
	case K_DIR:
		assert_int_equal(mkdir(path, 0700), 0);
		break;
	case K_LINK:
		snprintf(target, sizeof(target), "%s/t%zu", dir, i);
		fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(chmod(target, r->mode), 0);
		assert_int_equal(symlink(target, path), 0);
		return;
	case K_NONE:
		return;
	}
	if (r->owner >= 0)
		assert_int_equal(chown(path, (uid_t)r->owner, (gid_t)-1), 0);
	assert_int_equal(chmod(path, r->mode), 0);
}

static void
test_rows(void **state)
{
	char path[PATH_MAX], err[SSPR_MAX_ERROR];
	size_t i;
	int rc, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		if (r->owner >= 0 && geteuid() != 0)
			continue;
		make(r, i, path, sizeof(path));
		err[0] = '\0';
		rc = filetrust_check(path, "thing", r->flags, err, sizeof(err));
		if (rc != r->want || strstr(err, r->msg) == NULL ||
		    (rc == -1 && strstr(err, path) == NULL)) {
			printf("row '%s': rc %d (want %d), message '%s' "
			       "(want '%s' and the path)\n",
			    r->name, rc, r->want, err, r->msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* FT_CREATE makes a missing file 0600; FT_SQLITE with FT_CREATE too, and
 * an O_PATH descriptor of a replaced file is told apart. */
static void
test_create_and_same(void **state)
{
	char path[PATH_MAX], other[PATH_MAX], err[SSPR_MAX_ERROR];
	struct stat st;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/created.db", dir);
	fd = filetrust_open(path, "database",
	    FT_SQLITE | FT_WRITE | FT_SECRET | FT_CREATE, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(
	    filetrust_same(fd, path, "database", err, sizeof(err)), 0);
	snprintf(other, sizeof(other), "%s/other.db", dir);
	close(open(other, O_WRONLY | O_CREAT | O_EXCL, 0600));
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(
	    filetrust_same(fd, path, "database", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "was replaced"));
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_create_and_same),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
