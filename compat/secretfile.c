/*
 * secretfile.c - reading a private file that holds a secret (see
 * secretfile.h).
 */
#include "compat/secretfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/readall.h"
#include "compat/banned.h"

/* Open without following a link and check on the descriptor. */
static int
secret_file_open(const char *file, const char *what, const char *hint,
    size_t max, struct stat *st, char *err, size_t errsize)
{
	int fd;

	fd = open(
	    file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT)
			errf(err, errsize, "%s '%s' does not exist%s", what,
			    file, hint);
		else if (errno == ELOOP)
			errf(err, errsize,
			    "%s '%s' is a symbolic link, which sspr does not "
			    "follow; name the file itself",
			    what, file);
		else
			errf(err, errsize, "cannot open %s '%s': %s", what,
			    file, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1) {
		errf(err, errsize, "cannot read %s '%s': %s", what, file,
		    strerror(errno));
		goto fail;
	}
	if (filetrust_fd(fd, st, file, what, FT_SECRET, err, errsize) == -1)
		goto fail;
	if ((size_t)st->st_size > max) {
		errf(err, errsize, "%s '%s' is larger than %zu bytes", what,
		    file, max);
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	return -1;
}

int
secret_file_read(const char *path, const char *what, const char *hint,
    size_t max, char **bufp, size_t *lenp, size_t *capp, char *err,
    size_t errsize)
{
	struct stat st;
	size_t cap, len = 0;
	char *buf;
	ssize_t n;
	int fd;

	fd = secret_file_open(path, what, hint, max, &st, err, errsize);
	if (fd == -1)
		return -1;
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	if ((n = read_all(fd, buf, cap)) == -1) {
		errf(err, errsize, "cannot read %s '%s': %s", what, path,
		    strerror(errno));
		goto fail;
	}
	len = (size_t)n;
	if (len == cap) {
		errf(err, errsize,
		    "cannot read %s '%s': file grew while being read", what,
		    path);
		goto fail;
	}
	(void)close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	*capp = cap;
	return 0;
fail:
	(void)close(fd);
	freezero(buf, cap);
	return -1;
}
