/*
 * message.h - building one e-mail message (RFC 5322, RFC 2045-2047).
 *
 * sspr sends short, transactional mail: an access code, a notification
 * that a password was reset.  A message here has exactly one recipient,
 * taken by the caller from the user's stored address, never from a
 * request.  The builder is the writer of a line protocol, so it refuses,
 * itself, every header value that could inject a header or a recipient:
 *
 *   - addresses: one mailbox, ASCII only (no SMTPUTF8), local part a
 *     dot-atom or a quoted string without CR, LF, NUL or backslash-escaped
 *     line breaks, domain a host name of letters, digits, '-' and '.' (or
 *     an address literal [IPv4]); at most 254 characters in all, 64 in the
 *     local part; no commas, angle brackets, blanks or comments outside a
 *     quoted local part;
 *   - display names and subjects: any UTF-8 text without CR, LF or NUL
 *     (nor other control characters); non-ASCII text is written as RFC
 *     2047 encoded-words (B encoding, UTF-8), ASCII specials are quoted;
 *   - bodies: UTF-8 text, line ends normalised to CRLF, encoded
 *     quoted-printable (RFC 2045) so that no line exceeds 76 characters
 *     and a lone "." line cannot end the DATA phase (dot-stuffing is still
 *     libcurl's job on the wire).
 *
 * Output is the complete message with CRLF line ends: Date, From, To,
 * Subject, Message-ID, MIME-Version, Content-Type (text/plain; or
 * multipart/alternative with a text/html part), Content-Transfer-Encoding,
 * and any Auto-Submitted header.
 *
 *	struct mail_msg m = { .from = "sspr@example.com",
 *	    .to = "joe@example.com", .to_name = "Jöe Smith",
 *	    .subject = "Your access code", .text = "Code: ABCD-EFGH\n" };
 *	struct strbuf out;
 *	strbuf_init(&out, MAIL_MAX_MESSAGE);
 *	if (mail_build(&m, time(NULL), &out, err, sizeof(err)) == -1) ...
 */
#ifndef SSPR_MAIL_MESSAGE_H
#define SSPR_MAIL_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "compat/strbuf.h"

#define MAIL_MAX_ADDRESS 254          /* RFC 5321 path limit */
#define MAIL_MAX_LOCAL   64           /* local part */
#define MAIL_MAX_NAME    200          /* display name, bytes of UTF-8 */
#define MAIL_MAX_SUBJECT 400          /* bytes of UTF-8 */
#define MAIL_MAX_BODY    (64 * 1024)  /* text or html, bytes */
#define MAIL_MAX_MESSAGE (256 * 1024) /* the built message */

struct mail_msg {
	const char *from;      /* envelope and header sender address */
	const char *from_name; /* may be NULL */
	const char *to;        /* the one recipient */
	const char *to_name;   /* may be NULL */
	const char *subject;
	const char *text; /* text/plain body, UTF-8 */
	const char *html; /* optional text/html alternative; NULL: none */
	const char *msgid_domain; /* right side of Message-ID; NULL: from's */
	int auto_submitted;       /* add "Auto-Submitted: auto-generated" */
};

/*
 * 0 if addr is one acceptable mailbox (rules above), else -1 with a
 * lower-case reason in err that quotes at most 40 bytes of addr, made
 * printable.
 */
int mail_address_check(const char *addr, char *err, size_t errsize);

/*
 * Build m into out (appending).  Returns 0, or -1 with err set when any
 * field is refused (naming the field) or out's ceiling is reached; out is
 * then unchanged.  now is the Date; the Message-ID's left side is random.
 */
int mail_build(const struct mail_msg *m, time_t now, struct strbuf *out,
    char *err, size_t errsize);

/* RFC 2047 encoding of a header phrase (display name or subject text):
 * appended to out; ASCII without specials is copied as is.  0 or -1. */
int mail_encode_header_text(
    const char *utf8, int is_phrase, struct strbuf *out);

/* Quoted-printable encoding (RFC 2045 6.7) of a UTF-8 body whose line ends
 * may be LF or CRLF, appended to out with CRLF line ends.  0 or -1. */
int mail_encode_qp(const char *body, struct strbuf *out);

#endif
