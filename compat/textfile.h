/*
 * textfile.h - reading a whole, bounded, non-secret file: a template or a
 * message catalog.  (Files that hold secrets go through secretfile.h,
 * which also checks ownership and permissions.)
 */
#ifndef SSPR_TEXTFILE_H
#define SSPR_TEXTFILE_H

#include <stddef.h>

/*
 * Read the regular file at path, at most max bytes, into *textp (new,
 * max + 1 bytes, NUL-terminated; free with free() or freezero(*textp,
 * max + 1)) and its length into *lenp.  what names the kind of file in
 * messages ("template"), or is "" for none.  Returns 0; 1 when path does
 * not exist (ENOENT or ENOTDIR), with a message in err; -1 with a message
 * in err.  On failure *textp is untouched.
 */
int text_file_read(const char *path, const char *what, size_t max, char **textp,
    size_t *lenp, char *err, size_t errsize);

#endif
