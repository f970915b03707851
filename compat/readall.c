/*
 * readall.c - reading an open file to its end (see readall.h).
 */
#include "compat/readall.h"

#include <errno.h>
#include <unistd.h>

#include "compat/banned.h"

ssize_t
read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
