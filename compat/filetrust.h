/*
 * filetrust.h - the one rule for every file and directory sspr reads or
 * writes: the configuration, the key file, the journal, the mail outbox,
 * the audit log, the state directory, the mail directory, the ESM
 * databases, the TLS certificate and key, the SMTP password file, the
 * templates directory.
 *
 * The rule (as OpenSSH's StrictModes), checked with fstat() on the
 * descriptor that is then used, never with a stat() before an open():
 *
 *   - no symbolic link: the last component is opened with O_NOFOLLOW (a
 *     link is refused, name the file itself);
 *   - the kind: a regular file, or a directory for FT_DIR;
 *   - the owner: the effective user.  A file sspr only reads (not
 *     FT_WRITE) may also belong to root: a configuration installed by root
 *     and read by the service user is fine; one owned by another ordinary
 *     user is not (that user could change what sspr runs);
 *   - the mode: never writable by group or others; for FT_SECRET not
 *     readable by them either; for FT_WRITE writable (and for a directory
 *     searchable) by its owner, judged by the mode even when sspr runs as
 *     root (an owner without write permission means "read-only"), and
 *     not on a read-only file system.
 *
 * Every refusal is one line naming the file, what is wrong and the command
 * that fixes it ("chmod go-w /etc/sspr/sspr.json").  Nothing here changes
 * a mode or an owner.
 *
 * SQLite opens its databases by path.  For those (FT_SQLITE),
 * filetrust_open() checks the file on an O_PATH descriptor, the caller
 * opens the path with SQLITE_OPEN_NOFOLLOW and then calls filetrust_same()
 * on that descriptor: a file swapped in between is refused.  O_PATH,
 * because closing any ordinary descriptor of a file drops every POSIX lock
 * the process holds on it, the locks of the process's other SQLite
 * connections to that file included; closing an O_PATH descriptor does
 * not.  (Writability is then judged by the mode, not by an open for
 * writing.)  The directory holding them is held to the same rule (not
 * writable by others), so nobody else can swap them at all.
 *
 *	char err[SSPR_MAX_ERROR];
 *	int fd = filetrust_open(path, "journal", FT_WRITE | FT_SECRET |
 *	    FT_CREATE, err, sizeof(err));
 *	if (fd == -1)
 *		return fail(err);
 *	... sqlite3_open_v2(path, ..., SQLITE_OPEN_NOFOLLOW ...) ...
 *	if (filetrust_same(fd, path, "journal", err, sizeof(err)) == -1) ...
 *	close(fd);
 */
#ifndef SSPR_FILETRUST_H
#define SSPR_FILETRUST_H

#include <stddef.h>
#include <sys/stat.h>

enum ft_flags {
	FT_WRITE = (1 << 0),  /* sspr writes it: owned by the effective user */
	FT_SECRET = (1 << 1), /* no group or other permission at all */
	FT_DIR = (1 << 2),    /* a directory, not a regular file */
	FT_CREATE = (1 << 3), /* create a missing file (mode 0600) */
	FT_MISSING_OK = (1 << 4), /* a missing file is not an error */
	FT_SQLITE = (1 << 5), /* a database SQLite opens by path: see below */
};

/*
 * Check the open descriptor fd of path against the rule for flags (st:
 * its fstat(), or NULL to take it here).  what names the file in the
 * message ("configuration", "journal").  0, or -1 with the one-line
 * message in err.
 */
int filetrust_fd(int fd, const struct stat *st, const char *path,
    const char *what, unsigned flags, char *err, size_t errsize);

/*
 * Open path without following a link (read-only; read-write for FT_WRITE;
 * created 0600 for FT_CREATE; a directory for FT_DIR), check it, and
 * return the descriptor (new: the caller closes it).  -1 with err on any
 * refusal; -2 when path does not exist and FT_MISSING_OK (err holds the
 * "does not exist" line all the same).
 */
int filetrust_open(const char *path, const char *what, unsigned flags,
    char *err, size_t errsize);

/* filetrust_open() and close: 0, 1 when missing with FT_MISSING_OK, -1
 * with err. */
int filetrust_check(const char *path, const char *what, unsigned flags,
    char *err, size_t errsize);

/* 0 when path (not following a link) is still the file open as fd; -1
 * with err when it was replaced or cannot be read. */
int filetrust_same(
    int fd, const char *path, const char *what, char *err, size_t errsize);

#endif
