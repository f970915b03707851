/*
 * filetrust.c - the ownership, mode and no-link rule for every file sspr
 * uses (see filetrust.h).
 */
#define _GNU_SOURCE 1 /* O_PATH */
#include "compat/filetrust.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/banned.h"

/* The effective user's name for a "chown" hint, else its number. */
static void
filetrust_me(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "%lu", (unsigned long)geteuid());
}

int
filetrust_fd(int fd, const struct stat *stp, const char *path, const char *what,
    unsigned flags, char *err, size_t errsize)
{
	struct stat st0;
	const struct stat *st = stp;
	struct statvfs vfs;
	char me[64];
	unsigned mode;
	uid_t euid = geteuid();

	if (st == NULL) {
		if (fstat(fd, &st0) == -1) {
			errf(err, errsize, "cannot read %s '%s': %s", what,
			    path, strerror(errno));
			return -1;
		}
		st = &st0;
	}
	if ((flags & FT_DIR) ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		errf(err, errsize, "%s '%s' is not a %s", what, path,
		    (flags & FT_DIR) ? "directory" : "regular file");
		return -1;
	}
	if (st->st_uid != euid && !(st->st_uid == 0 && !(flags & FT_WRITE))) {
		filetrust_me(me, sizeof(me));
		errf(err, errsize,
		    "%s '%s' belongs to uid %lu, not to the user sspr runs as "
		    "(%s)%s; run: chown %s %s",
		    what, path, (unsigned long)st->st_uid, me,
		    (flags & FT_WRITE) || euid == 0 ? "" : " or root", me,
		    path);
		return -1;
	}
	mode = (unsigned)st->st_mode & 07777;
	if ((flags & FT_SECRET) && (mode & 077) != 0) {
		errf(err, errsize,
		    "%s '%s' is %s by group or others (mode %04o); run: "
		    "chmod 600 %s",
		    what, path, (mode & 044) != 0 ? "readable" : "accessible",
		    mode, path);
		return -1;
	}
	if ((mode & (S_IWGRP | S_IWOTH)) != 0) {
		errf(err, errsize,
		    "%s '%s' is writable by group or others (mode %04o); run: "
		    "chmod go-w %s",
		    what, path, mode, path);
		return -1;
	}
	if (!(flags & FT_WRITE))
		return 0;
	/* Judged by the mode for root too: an owner without write
	 * permission is the operator saying "read-only". */
	if ((mode & ((flags & FT_DIR) ? (S_IWUSR | S_IXUSR) : S_IWUSR)) !=
	    ((flags & FT_DIR) ? (S_IWUSR | S_IXUSR) : S_IWUSR)) {
		errf(err, errsize,
		    "%s '%s' is not writable by its owner (mode %04o); run: "
		    "chmod u+w%s %s",
		    what, path, mode, (flags & FT_DIR) ? "x" : "", path);
		return -1;
	}
	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
		errf(err, errsize,
		    "%s '%s' is on a read-only file system; sspr must write "
		    "it: mount it read-write or configure a writable place",
		    what, path);
		return -1;
	}
	return 0;
}

int
filetrust_open(const char *path, const char *what, unsigned flags, char *err,
    size_t errsize)
{
	int oflags = O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	int fd;

	if (flags & FT_SQLITE) {
		/* Created by an exclusive open (no other connection can hold
		 * a lock on a file that did not exist), then looked at through
		 * O_PATH only (see filetrust.h). */
		if ((flags & FT_CREATE) &&
		    (fd = open(path,
		         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
		             O_NOCTTY,
		         0600)) >= 0)
			(void)close(fd);
		oflags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
	} else if (flags & FT_DIR)
		oflags |= O_RDONLY | O_DIRECTORY;
	else if (flags & FT_WRITE)
		oflags |= O_RDWR | ((flags & FT_CREATE) ? O_CREAT : 0);
	else
		oflags |= O_RDONLY;
	fd = open(path, oflags, 0600);
	if (fd == -1) {
		int e = errno;

		if (e == ENOENT) {
			errf(
			    err, errsize, "%s '%s' does not exist", what, path);
			return (flags & FT_MISSING_OK) ? -2 : -1;
		}
		if (e == ELOOP)
			errf(err, errsize,
			    "%s '%s' is a symbolic link, which sspr does not "
			    "follow; name the file itself",
			    what, path);
		else if (e == ENOTDIR && (flags & FT_DIR))
			errf(err, errsize, "%s '%s' is not a directory", what,
			    path);
		else if (e == EROFS)
			errf(err, errsize,
			    "%s '%s' is on a read-only file system; sspr must "
			    "write it: mount it read-write or configure a "
			    "writable place",
			    what, path);
		else if (e == EACCES && (flags & FT_WRITE))
			errf(err, errsize,
			    "cannot open %s '%s' for writing: %s; sspr must "
			    "write it (run: chmod u+w %s, as its owner)",
			    what, path, strerror(e), path);
		else
			errf(err, errsize, "cannot open %s '%s': %s", what,
			    path, strerror(e));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		errf(err, errsize, "cannot read %s '%s': %s", what, path,
		    strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) { /* O_PATH | O_NOFOLLOW opens the link */
		errf(err, errsize,
		    "%s '%s' is a symbolic link, which sspr does not follow; "
		    "name the file itself",
		    what, path);
		(void)close(fd);
		return -1;
	}
	if (filetrust_fd(fd, &st, path, what, flags, err, errsize) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
filetrust_check(const char *path, const char *what, unsigned flags, char *err,
    size_t errsize)
{
	int fd = filetrust_open(path, what, flags, err, errsize);

	if (fd == -2)
		return 1;
	if (fd < 0)
		return -1;
	(void)close(fd);
	return 0;
}

int
filetrust_same(
    int fd, const char *path, const char *what, char *err, size_t errsize)
{
	struct stat a, b;

	if (fstat(fd, &a) == -1 || lstat(path, &b) == -1) {
		errf(err, errsize, "cannot read %s '%s': %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		errf(err, errsize,
		    "%s '%s' was replaced while sspr opened it; look at who "
		    "else writes its directory",
		    what, path);
		return -1;
	}
	return 0;
}
