/*
 * cli_owner.c - run as root, act as the account that owns the service's
 * files.
 *
 * The service runs as its own account (the package's "sspr"), and every
 * file it keeps is that account's (compat/filetrust.h).  An administrator
 * types `sspr check` or `sspr esm` as root: judged as root, the service's
 * own files are "another user's", and a database opened as root leaves
 * root-owned -wal and -shm files that the service can then no longer
 * open.  So, run as root, sspr becomes the owner of the directory it
 * works in (the state directory; for --db, the database's directory)
 * before it opens anything there, and says so on stderr.  When that
 * directory is root's, missing, or not a directory, nothing changes (the
 * checks that follow report a missing or wrong directory).
 *
 * The switch is for good: supplementary groups are replaced by the
 * account's, then the group, then the user; regaining root must fail, or
 * the command stops.
 */
#define _DEFAULT_SOURCE /* initgroups, setgroups */

#include "cli/cli.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/banned.h"

int
cli_act_as_owner(const char *dir, char *err, size_t errsize)
{
	const struct passwd *pw;
	struct stat st;
	gid_t gid;

	if (geteuid() != 0 || lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid == 0)
		return 0;
	pw = getpwuid(st.st_uid);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	if ((pw != NULL ? initgroups(pw->pw_name, gid) : setgroups(1, &gid)) ==
	        -1 ||
	    setgid(gid) == -1 || setuid(st.st_uid) == -1) {
		errf(err, errsize,
		    "cannot act as uid %u, the owner of '%s': %s",
		    (unsigned)st.st_uid, dir, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		errf(err, errsize, "could not give up root to act as uid %u",
		    (unsigned)st.st_uid);
		return -1;
	}
	if (pw != NULL)
		fprintf(stderr, "sspr: acting as %s, the owner of %s\n",
		    pw->pw_name, dir);
	else
		fprintf(stderr, "sspr: acting as uid %u, the owner of %s\n",
		    (unsigned)st.st_uid, dir);
	return 0;
}

int
cli_act_as_owner_of_file(const char *path, char *err, size_t errsize)
{
	char dir[4096];

	if (strlen(path) >= sizeof(dir)) {
		errf(err, errsize, "path too long: '%.64s...'", path);
		return -1;
	}
	memcpy(dir, path, strlen(path) + 1);
	return cli_act_as_owner(dirname(dir), err, errsize);
}

int
cli_load_config(const char *path, struct cfg **cfg, char *err, size_t errsize)
{
	if (cfg_load(path, cfg, err, errsize) == -1)
		return -1;
	if (cli_act_as_owner((*cfg)->state_dir, err, errsize) == -1) {
		cfg_free(*cfg);
		*cfg = NULL;
		return -1;
	}
	return 0;
}
