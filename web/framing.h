/*
 * framing.h - the request's framing, judged before anything else reads it
 * (SECURITY ROB-09; RFC 9112 2.2, 5, 6).
 *
 * libmicrohttpd 0.9.75 parses leniently and cannot be told not to: it takes
 * Content-Length together with Transfer-Encoding, two Content-Length
 * values, header names with white space or other non-token characters,
 * obs-fold continuation lines, any Transfer-Encoding, and it decodes %00 in
 * the path (cutting it at the NUL).  A front proxy may read such a request
 * differently, and the difference is a smuggled request.  sspr therefore
 * refuses every such request with 400 and closes the connection, so that
 * nothing pipelined after it is answered.
 *
 * Invariant: web_framing_ok() runs on the access handler's first call, on
 * the connection thread, before any header is used; it only reads.
 *
 *	if (!web_framing_ok(c, url, &why))
 *		refuse 400, "Connection: close"
 */
#ifndef WEB_FRAMING_H
#define WEB_FRAMING_H

#include <stddef.h>

#include <microhttpd.h>

/*
 * 1 when the request on c (whose decoded path is url) is framed so that
 * every reader agrees on where it ends; else 0, with *why set to a static
 * reason for the log (never to the client).  Refused: a header name that
 * is not a token (RFC 9110 5.1), a value with control characters, obs-fold
 * (seen because libmicrohttpd then moves the name away from its value),
 * Transfer-Encoding other than one "chunked" or on HTTP/1.0, Content-Length
 * that is not one run of digits, both framing headers, and a second
 * occurrence of a header that must be single (Host, Content-Length,
 * Transfer-Encoding, Content-Type, Origin, Sec-Fetch-Site, Authorization,
 * Cookie, X-Forwarded-For), even with the same value; a path or query
 * argument with a control character (see web_framing_unescape).
 */
int web_framing_ok(struct MHD_Connection *c, const char *url,
    const char *version, const char **why);

/*
 * MHD_OPTION_UNESCAPE_CALLBACK: decodes %XX in s in place and returns the
 * new length.  A control character (decoded or raw) becomes DEL (0x7f),
 * never NUL, so that nothing is cut off and web_framing_ok() sees it.
 */
size_t web_framing_unescape(void *cls, struct MHD_Connection *c, char *s);

#endif
