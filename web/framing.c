/*
 * framing.c - refuses requests whose framing is ambiguous (see framing.h).
 * RFC 9110 5.1 and 5.5, RFC 9112 2.2, 5.2, 6.1 and 6.3.
 */
#include "web/framing.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "compat/banned.h"

/* The headers that a request carries at most once: framing, and what the
 * security checks read (a second copy would let two readers disagree). */
static const char *const web_framing_single[] = {"Host", "Content-Length",
    "Transfer-Encoding", "Content-Type", "Origin", "Sec-Fetch-Site",
    "Authorization", "Cookie", "X-Forwarded-For"};

#define WEB_FRAMING_NSINGLE                                                    \
	(sizeof(web_framing_single) / sizeof(web_framing_single[0]))

struct web_framing {
	unsigned seen[WEB_FRAMING_NSINGLE];
	const char *te;
	const char *cl;
	const char *why;
};

/* RFC 9110 5.6.2 tchar. */
static int
web_framing_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') ||
	       (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int
web_framing_ctl(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

/*
 * libmicrohttpd 0.9.75 parses a header line in place: the name, its NUL
 * (where the colon was), optional blanks, the value.  An obs-fold line
 * makes it copy the name elsewhere (appending the continuation to it), so
 * the value no longer follows the name: that is how a fold is seen.
 * Only the bytes between the name's NUL and the value are read, and only
 * when they are few, i.e. inside the same read buffer.
 */
static int
web_framing_in_place(const char *key, const char *value)
{
	size_t klen = strlen(key);
	uintptr_t k = (uintptr_t)key + klen, v = (uintptr_t)value;
	const char *p;

	if (v <= k || v - k > 256)
		return 0;
	for (p = key + klen + 1; p < key + klen + (v - k); p++)
		if (*p != ' ' && *p != '\t')
			return 0;
	return 1;
}

static enum MHD_Result
web_framing_header(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct web_framing *f = cls;
	const unsigned char *p;
	size_t i;

	(void)kind;
	if (key == NULL || *key == '\0') {
		f->why = "empty header name";
		return MHD_NO;
	}
	for (p = (const unsigned char *)key; *p != '\0'; p++)
		if (!web_framing_tchar(*p)) {
			f->why = "header name is not a token";
			return MHD_NO;
		}
	if (value == NULL) {
		f->why = "header without a value";
		return MHD_NO;
	}
	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (web_framing_ctl(*p) && *p != '\t') {
			f->why = "control character in a header value";
			return MHD_NO;
		}
	if (!web_framing_in_place(key, value)) {
		f->why = "folded header line (obs-fold)";
		return MHD_NO;
	}
	for (i = 0; i < WEB_FRAMING_NSINGLE; i++)
		if (strcasecmp(key, web_framing_single[i]) == 0 &&
		    f->seen[i]++ > 0) {
			f->why = "header repeated";
			return MHD_NO;
		}
	if (strcasecmp(key, "Transfer-Encoding") == 0)
		f->te = value;
	else if (strcasecmp(key, "Content-Length") == 0)
		f->cl = value;
	return MHD_YES;
}

static enum MHD_Result
web_framing_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct web_framing *f = cls;
	const unsigned char *p;

	(void)kind;
	for (p = (const unsigned char *)key; p != NULL && *p != '\0'; p++)
		if (web_framing_ctl(*p))
			f->why = "control character in the query";
	for (p = (const unsigned char *)value; p != NULL && *p != '\0'; p++)
		if (web_framing_ctl(*p))
			f->why = "control character in the query";
	return f->why == NULL ? MHD_YES : MHD_NO;
}

int
web_framing_ok(struct MHD_Connection *c, const char *url, const char *version,
    const char **why)
{
	struct web_framing f;
	const unsigned char *p;

	memset(&f, 0, sizeof(f));
	for (p = (const unsigned char *)url; *p != '\0'; p++)
		if (web_framing_ctl(*p)) {
			*why = "control character in the path";
			return 0;
		}
	(void)MHD_get_connection_values(
	    c, MHD_HEADER_KIND, web_framing_header, &f);
	if (f.why == NULL)
		(void)MHD_get_connection_values(
		    c, MHD_GET_ARGUMENT_KIND, web_framing_arg, &f);
	if (f.why == NULL && f.te != NULL && f.cl != NULL)
		f.why = "both Content-Length and Transfer-Encoding";
	if (f.why == NULL && f.te != NULL && strcasecmp(f.te, "chunked") != 0)
		f.why = "Transfer-Encoding other than chunked";
	if (f.why == NULL && f.te != NULL && version != NULL &&
	    strcmp(version, "HTTP/1.1") != 0)
		f.why = "Transfer-Encoding before HTTP/1.1";
	if (f.why == NULL && f.cl != NULL &&
	    (*f.cl == '\0' || strspn(f.cl, "0123456789") != strlen(f.cl)))
		f.why = "Content-Length is not a number";
	if (f.why != NULL) {
		*why = f.why;
		return 0;
	}
	return 1;
}

static int
web_framing_hex(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

size_t
web_framing_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
	int hi, lo;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		unsigned char ch = *r++;

		if (ch == '%' && (hi = web_framing_hex(r[0])) >= 0 &&
		    (lo = web_framing_hex(r[1])) >= 0) {
			ch = (unsigned char)(hi * 16 + lo);
			r += 2;
		}
		*w++ = web_framing_ctl(ch) ? 0x7f : ch;
	}
	*w = '\0';
	return (size_t)(w - (unsigned char *)s);
}
