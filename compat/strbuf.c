/*
 * strbuf.c - a growable string with a ceiling (see strbuf.h).
 */
#include "compat/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/banned.h"

static char strbuf_empty[1];

void
strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc > 0)
		freezero(sb->buf, sb->alloc);
	strbuf_init(sb, sb->max);
}

void
strbuf_reset(struct strbuf *sb)
{
	if (sb->alloc > 0) {
		secure_zero(sb->buf, sb->len);
		sb->buf[0] = '\0';
	}
	sb->len = 0;
}

/* Make room for extra more bytes plus the NUL; -1 past the ceiling.  Grows
 * by copying so that the old block can be wiped (realloc could leave a
 * secret behind in freed memory). */
static int
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, n;
	char *p;

	if (extra > sb->max || sb->len > sb->max - extra)
		return -1;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	n = sb->alloc ? sb->alloc : 64;
	while (n < want)
		n *= 2;
	if (n > sb->max + 1)
		n = sb->max + 1;
	p = xmalloc(n);
	memcpy(p, sb->buf, sb->len + 1);
	if (sb->alloc > 0)
		freezero(sb->buf, sb->alloc);
	sb->buf = p;
	sb->alloc = n;
	return 0;
}

int
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len) == -1)
		return -1;
	if (len > 0)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int
strbuf_addch(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || strbuf_grow(sb, (size_t)n) == -1)
		return -1;
	(void)vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, fmt);
	rv = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rv;
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *p = sb->alloc > 0 ? sb->buf : xstrdup("");

	strbuf_init(sb, sb->max);
	return p;
}
