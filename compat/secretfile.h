/*
 * secretfile.h - reading a file that holds a secret (sspr's key file, a
 * --key-file, the SMTP password file).
 *
 * Such a file is held to filetrust.h's rule with FT_SECRET: a regular
 * file of the effective user (or root) with no group or other permission
 * bits (as OpenSSH's StrictModes), opened without following a symbolic
 * link; anything else is refused with a message that says how to fix it.  The
 * contents are never quoted in a message.
 */
#ifndef SSPR_SECRETFILE_H
#define SSPR_SECRETFILE_H

#include <stddef.h>

/*
 * Read the whole file at path (at most max bytes) into a new buffer *buf
 * of *cap bytes, NUL-terminated, *len bytes of contents; free it with
 * freezero(*buf, *cap).  what names the file in messages ("key file");
 * hint is appended to "does not exist" ("" for none).  Returns 0, or -1
 * with a message in err.
 */
int secret_file_read(const char *path, const char *what, const char *hint,
    size_t max, char **buf, size_t *len, size_t *cap, char *err,
    size_t errsize);

#endif
