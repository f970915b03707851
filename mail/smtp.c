/*
 * smtp.c - SMTP submission through libcurl (see transport.h).
 *
 * RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 8314
 * (implicit TLS for smtps://).  libcurl does the protocol, dot-stuffing
 * and TLS (GnuTLS); this file sets it up safely and classifies the
 * outcome: certificate verification always on, only smtp and smtps
 * allowed, exactly one RCPT, and the relay's last reply kept for the
 * operator (never the AUTH exchange, which libcurl sends, not receives).
 */
#include "mail/transport.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "mail/maildir.h"
#include "compat/banned.h"

struct smtp_upload {
	const char *data;
	size_t len, off;
};

struct smtp_trace {
	char last[SSPR_MAX_ERROR];  /* the relay's last reply line */
	char error[SSPR_MAX_ERROR]; /* its last 4xx or 5xx reply line */
};

static pthread_once_t smtp_once = PTHREAD_ONCE_INIT;

static void
smtp_init_once(void)
{
	(void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
mail_global_init(void)
{
	(void)pthread_once(&smtp_once, smtp_init_once);
}

/* ---------------------------------------------------------------- *
 * What every transport refuses to write
 * ---------------------------------------------------------------- */

int
mail_transport_value(const char *what, const char *s, struct mail_status *st)
{
	size_t i, len;

	if (s == NULL || s[0] == '\0') {
		st->result = MAIL_PERMFAIL;
		snprintf(st->detail, sizeof(st->detail), "no %s address", what);
		return -1;
	}
	len = strnlen(s, MAIL_TRANSPORT_MAX_VALUE + 1);
	if (len > MAIL_TRANSPORT_MAX_VALUE) {
		st->result = MAIL_PERMFAIL;
		snprintf(st->detail, sizeof(st->detail),
		    "%s address longer than %d characters", what,
		    MAIL_TRANSPORT_MAX_VALUE);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			st->result = MAIL_PERMFAIL;
			snprintf(st->detail, sizeof(st->detail),
			    "%s address contains a line break or control "
			    "character: not sent",
			    what);
			return -1;
		}
	}
	return 0;
}

int
mail_transport_body(const char *msg, size_t len, struct mail_status *st)
{
	if (msg == NULL || memchr(msg, '\0', len) != NULL) {
		st->result = MAIL_PERMFAIL;
		snprintf(st->detail, sizeof(st->detail),
		    "the message contains a NUL byte: not sent");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * SMTP through libcurl
 * ---------------------------------------------------------------- */

static size_t
smtp_read(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct smtp_upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

/* Keep the relay's last reply line; server-to-client text only. */
static int
smtp_debug(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp_trace *tr = arg;
	size_t n;

	(void)c;
	if (type != CURLINFO_HEADER_IN || size == 0)
		return 0;
	n = size < sizeof(tr->last) - 1 ? size : sizeof(tr->last) - 1;
	memcpy(tr->last, data, n);
	while (n > 0 && (tr->last[n - 1] == '\n' || tr->last[n - 1] == '\r'))
		n--;
	tr->last[n] = '\0';
	text_oneline(tr->last);
	if (tr->last[0] == '4' || tr->last[0] == '5')
		memcpy(tr->error, tr->last, sizeof(tr->error));
	return 0;
}

int
mail_url_check(const char *url, char *why, size_t whysize)
{
	CURLU *u;
	CURLUcode uc;
	char *scheme = NULL, *host = NULL, *pw = NULL;
	int rc = -1;

	mail_global_init();
	if ((u = curl_url()) == NULL) {
		snprintf(why, whysize, "out of memory");
		return -1;
	}
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc != CURLUE_OK) {
		snprintf(why, whysize, "not a URL libcurl accepts: %s",
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
		snprintf(why, whysize, "must be an smtp:// or smtps:// URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host[0] == '\0') {
		snprintf(why, whysize, "the URL names no host");
		goto out;
	}
	/* libcurl would log in with it; a password is never written in the
	 * configuration (password_file, password_command). */
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		snprintf(why, whysize,
		    "the URL holds a password (use user with password_file or "
		    "password_command)");
		goto out;
	}
	rc = 0;
out:
	if (pw != NULL) {
		secure_zero(pw, strlen(pw));
		curl_free(pw);
	}
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* A handle set up for t, with tr cleared for its trace and errbuf
 * (CURL_ERROR_SIZE) for libcurl's message; NULL with st filled when out of
 * memory. */
static CURL *
smtp_handle(const struct mail_transport *t, struct smtp_trace *tr, char *errbuf,
    struct mail_status *st)
{
	CURL *c;
	long tls;

	mail_global_init();
	memset(tr, 0, sizeof(*tr));
	if ((c = curl_easy_init()) == NULL) {
		st->result = MAIL_TEMPFAIL;
		snprintf(st->detail, sizeof(st->detail), "out of memory");
		return NULL;
	}
	tls = t->starttls == MAIL_TLS_REQUIRED   ? (long)CURLUSESSL_ALL
	      : t->starttls == MAIL_TLS_OPTIONAL ? (long)CURLUSESSL_TRY
	                                         : (long)CURLUSESSL_NONE;
	errbuf[0] = '\0';
	(void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	(void)curl_easy_setopt(c, CURLOPT_URL, t->url);
	(void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_USE_SSL, tls);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, t->timeout);
	/* A relay that stalls for a whole timeout is treated as gone. */
	(void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	(void)curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, t->timeout);
	(void)curl_easy_setopt(c, CURLOPT_TIMEOUT, 4 * t->timeout);
	(void)curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, smtp_debug);
	(void)curl_easy_setopt(c, CURLOPT_DEBUGDATA, tr);
	(void)curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	if (t->ca_file != NULL)
		(void)curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
	if (t->client_cert != NULL) {
		(void)curl_easy_setopt(c, CURLOPT_SSLCERT, t->client_cert);
		(void)curl_easy_setopt(c, CURLOPT_SSLKEY, t->client_key);
	}
	if (t->user != NULL) {
		(void)curl_easy_setopt(c, CURLOPT_USERNAME, t->user);
		(void)curl_easy_setopt(c, CURLOPT_PASSWORD,
		    t->password != NULL ? t->password : "");
	}
	return c;
}

/* What a libcurl outcome means for the message. */
static enum mail_result
smtp_classify(CURLcode rc, long code)
{
	if (rc == CURLE_OK)
		return MAIL_SENT;
	if (code >= 500 && code < 600)
		return MAIL_PERMFAIL;
	if (code >= 400 && code < 500)
		return MAIL_TEMPFAIL;
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_LOGIN_DENIED:
	case CURLE_SSL_CERTPROBLEM:
		return MAIL_PERMFAIL;
	default:
		return MAIL_TEMPFAIL;
	}
}

static enum mail_result
smtp_finish(CURL *c, CURLcode rc, const struct smtp_trace *tr,
    const char *errbuf, const char *what, struct mail_status *st)
{
	long code = 0;

	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	st->code = code;
	st->result = smtp_classify(rc, code);
	if (rc == CURLE_OK)
		snprintf(st->detail, sizeof(st->detail),
		    "%s: relay answered %.300s", what,
		    tr->last[0] ? tr->last : "OK");
	else
		snprintf(st->detail, sizeof(st->detail),
		    "%s failed: %.200s%s%.200s", what,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc),
		    tr->error[0] ? "; relay answered " : "", tr->error);
	text_oneline(st->detail);
	return st->result;
}

enum mail_result
mail_send(const struct mail_transport *t, const char *rcpt, const char *msg,
    size_t len, struct mail_status *st)
{
	char errbuf[CURL_ERROR_SIZE], from[SSPR_MAX_ERROR], to[SSPR_MAX_ERROR];
	struct smtp_upload up = {.data = msg, .len = len};
	struct curl_slist *rcpts = NULL;
	struct smtp_trace tr;
	enum mail_result rv;
	CURLcode rc;
	CURL *c;

	memset(st, 0, sizeof(*st));
	if (t->kind == MAIL_DIRECTORY)
		return mail_dir_send(t, rcpt, msg, len, st);
	/* libcurl would put these on the MAIL FROM and RCPT TO lines as
	 * they are: a CR or LF would start a command of the caller's. */
	if (mail_transport_value("sender", t->from, st) == -1 ||
	    mail_transport_value("recipient", rcpt, st) == -1 ||
	    mail_transport_body(msg, len, st) == -1)
		return st->result;
	if ((c = smtp_handle(t, &tr, errbuf, st)) == NULL)
		return st->result;
	snprintf(from, sizeof(from), "<%s>", t->from);
	snprintf(to, sizeof(to), "<%s>", rcpt);
	rcpts = curl_slist_append(NULL, to);
	(void)curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	(void)curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	(void)curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	(void)curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read);
	(void)curl_easy_setopt(c, CURLOPT_READDATA, &up);
	(void)curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = rcpts != NULL ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
	rv = smtp_finish(c, rc, &tr, errbuf, "delivery", st);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	return rv;
}

enum mail_result
mail_probe(const struct mail_transport *t, struct mail_status *st)
{
	char errbuf[CURL_ERROR_SIZE];
	struct smtp_trace tr;
	enum mail_result rv;
	CURLcode rc;
	CURL *c;

	memset(st, 0, sizeof(*st));
	if (t->kind == MAIL_DIRECTORY)
		return mail_dir_probe(t, st);
	if ((c = smtp_handle(t, &tr, errbuf, st)) == NULL)
		return st->result;
	/* Without a recipient libcurl sends the custom command after the
	 * greeting, EHLO, STARTTLS and AUTH: the whole handshake, no mail. */
	(void)curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "NOOP");
	(void)curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	rc = curl_easy_perform(c);
	rv = smtp_finish(c, rc, &tr, errbuf, "relay check", st);
	curl_easy_cleanup(c);
	return rv;
}
