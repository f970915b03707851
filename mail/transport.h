/*
 * transport.h - handing a built message to the world: SMTP submission
 * through libcurl, or a directory of .eml files (demo and development).
 *
 * A send is three-way (STYLE.md point 5): MAIL_SENT, MAIL_TEMPFAIL (retry
 * later: a 4xx reply, the relay unreachable, the connection dropped) or
 * MAIL_PERMFAIL (a 5xx reply, or a configuration the relay refuses: do not
 * retry).  The status carries the relay's reply code and text for the log
 * and for `sspr mail test`.
 *
 * The transport never logs, never prints the password and never sees more
 * than one recipient: the envelope's single RCPT is the rcpt argument.
 *
 * RFCs: 5321 (SMTP), 3207 (STARTTLS), 4954 (AUTH), 8314 (implicit TLS).
 */
#ifndef SSPR_MAIL_TRANSPORT_H
#define SSPR_MAIL_TRANSPORT_H

#include <stddef.h>

#include "compat/ceilings.h"

enum mail_kind { MAIL_SMTP, MAIL_DIRECTORY };
enum mail_tls { MAIL_TLS_REQUIRED, MAIL_TLS_OPTIONAL, MAIL_TLS_OFF };

struct mail_transport {
	enum mail_kind kind;
	const char *from; /* envelope sender (MAIL FROM) */
	/* smtp */
	const char *url;        /* smtp://host:port or smtps://host:port */
	enum mail_tls starttls; /* for smtp:// URLs */
	const char *user;       /* AUTH user; NULL: no AUTH */
	const char *password;   /* secret, borrowed; the owner wipes it */
	const char *ca_file;    /* NULL: the system's CAs */
	const char *client_cert, *client_key; /* NULL: none */
	long timeout; /* seconds, for connect and each reply */
	/* directory */
	const char *dir; /* where .eml files go */
};

enum mail_result { MAIL_SENT, MAIL_TEMPFAIL, MAIL_PERMFAIL };

/*
 * 0 if url is an smtp:// or smtps:// URL with a host that libcurl's own
 * URL parser (the one a send uses) accepts, else -1 with a lower-case
 * reason in why.  Never connects, never logs.
 */
int mail_url_check(const char *url, char *why, size_t whysize);

struct mail_status {
	enum mail_result result;
	long code;                   /* last SMTP reply code, 0 when none */
	char detail[SSPR_MAX_ERROR]; /* one line: what happened */
};

/*
 * Send msg (len bytes, CRLF lines, as mail_build() makes it) to the one
 * recipient rcpt.  Fills st and returns st->result.  Callers check rcpt
 * with mail_address_check(); the transport refuses (MAIL_PERMFAIL, nothing
 * sent or written) a sender or recipient that fails
 * mail_transport_value() and a message holding a NUL byte, whatever its
 * callers checked.
 */
enum mail_result mail_send(const struct mail_transport *t, const char *rcpt,
    const char *msg, size_t len, struct mail_status *st);

/*
 * A value a transport writes into a line protocol (an SMTP envelope
 * address, a header of the directory transport): 0 when s is not NULL,
 * 1 to MAIL_TRANSPORT_MAX_VALUE bytes and holds no CR, LF, NUL or other
 * control character; otherwise -1 with st set to MAIL_PERMFAIL, naming
 * what ("recipient", "sender"), never echoing s.  Every transport calls it
 * on every such value, so that no caller can forget.
 */
#define MAIL_TRANSPORT_MAX_VALUE 254 /* RFC 5321 path limit */
int mail_transport_value(
    const char *what, const char *s, struct mail_status *st);

/* 0 when msg (len bytes) holds no NUL byte (which would end or corrupt
 * the message on the wire); otherwise -1 with st set to MAIL_PERMFAIL. */
int mail_transport_body(const char *msg, size_t len, struct mail_status *st);

/*
 * Check the relay without sending a message: connect, TLS (STARTTLS when
 * required or offered), AUTH when configured, NOOP, QUIT.  MAIL_SENT means
 * "usable".  For the directory transport: the directory is writable.
 */
enum mail_result mail_probe(
    const struct mail_transport *t, struct mail_status *st);

/* Call once at program start (libcurl's global initialisation); safe to
 * call more than once. */
void mail_global_init(void);

#endif
