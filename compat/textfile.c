/*
 * textfile.c - reading a whole, bounded, non-secret file (see textfile.h).
 */
#include "compat/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/readall.h"
#include "compat/banned.h"

int
text_file_read(const char *path, const char *what, size_t max, char **textp,
    size_t *lenp, char *err, size_t errsize)
{
	const char *sp = *what != '\0' ? " " : "";
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		rc = errno == ENOENT || errno == ENOTDIR ? 1 : -1;
		errf(err, errsize, "cannot open %s%s'%s': %s", what, sp, path,
		    strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) == -1) {
		errf(err, errsize, "cannot stat %s%s'%s': %s", what, sp, path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, errsize, "%s%s'%s' is not a regular file", what, sp,
		    path);
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max)
		goto toolarge;
	buf = xmalloc(max + 1);
	if ((n = read_all(fd, buf, max + 1)) == -1) {
		errf(err, errsize, "cannot read %s%s'%s': %s", what, sp, path,
		    strerror(errno));
		goto out;
	}
	got = (size_t)n;
	if (got > max)
		goto toolarge;
	buf[got] = '\0';
	*textp = buf;
	*lenp = got;
	buf = NULL;
	rc = 0;
	goto out;
toolarge:
	errf(err, errsize, "%s%s'%s' is larger than %zu bytes", what, sp, path,
	    max);
out:
	if (buf != NULL)
		freezero(buf, max + 1);
	(void)close(fd);
	return rc;
}
