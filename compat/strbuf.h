/*
 * strbuf.h - a growable string with a ceiling.
 *
 * Every strbuf is initialised with the largest size it may ever reach
 * (one of the SSPR_MAX_* constants of compat/ceilings.h).  An append that
 * would pass the ceiling fails with -1 and leaves the buffer unchanged, so
 * hostile input can never make a buffer grow without bound.
 *
 * Invariants: buf is always NUL-terminated (an empty strbuf points at a
 * static ""), len < alloc when alloc > 0, len <= max.
 *
 * strbuf_release() wipes the contents before freeing them, so a strbuf may
 * hold a secret.
 *
 *	struct strbuf sb;
 *	strbuf_init(&sb, SSPR_MAX_LINE);
 *	if (strbuf_addf(&sb, "USER=%s", id) == -1)
 *		goto out;
 *	puts(sb.buf);
 *   out:
 *	strbuf_release(&sb);
 */
#ifndef SSPR_STRBUF_H
#define SSPR_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "compat/compat.h"

struct strbuf {
	char *buf;    /* NUL-terminated contents; never NULL */
	size_t len;   /* bytes used, not counting the NUL */
	size_t alloc; /* bytes allocated; 0 while buf is the static "" */
	size_t max;   /* ceiling for len */
};

/* Initialise an empty buffer whose length may never exceed max. */
void strbuf_init(struct strbuf *sb, size_t max);

/* Wipe and free the contents; sb is left initialised and empty.  Safe on a
 * released buffer. */
void strbuf_release(struct strbuf *sb);

/* Empty the buffer (wiping what it held), keeping its memory. */
void strbuf_reset(struct strbuf *sb);

/* Append len bytes / a string / formatted text.  Return 0, or -1 when the
 * result would exceed the ceiling (the buffer is then unchanged). */
int strbuf_add(struct strbuf *sb, const void *data, size_t len) WARN_UNUSED;
int strbuf_addstr(struct strbuf *sb, const char *s) WARN_UNUSED;
int strbuf_addch(struct strbuf *sb, char c) WARN_UNUSED;
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) WARN_UNUSED
    PRINTF_LIKE(2, 3);
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) WARN_UNUSED
    PRINTF_LIKE(2, 0);

/* Hand the contents to the caller (new, free() it, or strfreezero() if it
 * is a secret); sb is left initialised and empty. */
char *strbuf_detach(struct strbuf *sb);

#endif
