/*
 * readall.h - reading an open file to its end into a bounded buffer, the
 * loop under every whole-file reader (text files, secret files, the
 * configuration).  Each caller words its own messages.
 */
#ifndef SSPR_READALL_H
#define SSPR_READALL_H

#include <stddef.h>
#include <sys/types.h>

/* Read fd until end of file or until cap bytes are in buf, restarting on
 * EINTR.  Returns the bytes read (cap when the file holds cap or more:
 * the caller asks for one byte more than it accepts to tell), or -1 with
 * errno set. */
ssize_t read_all(int fd, char *buf, size_t cap);

#endif
