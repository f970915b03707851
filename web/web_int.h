/*
 * web_int.h - what web/'s files share; not for use outside web/.
 *
 *   server.c    the daemon, routing, suspension, headers, logging, and
 *               the one place where routes are authorized (route flags)
 *   api.c       the JSON API handlers (run on the worker pool)
 *   api_hd.c    the helpdesk's JSON API
 *   pages.c     the browser pages of enrollment and reset
 *   pages_hd.c  the helpdesk's pages
 *
 * Authorization (SECURITY AUTHZ-01): the route table in server.c is the
 * only list of what exists and who may call it.  A route without
 * WR_OPERATOR is open to everyone (what it does then depends on what the
 * request proves: a flow token, a password); a WR_OPERATOR route runs its
 * handler only for a live helpdesk session (rq->op), taken from the
 * Authorization header (API, "Bearer TOKEN") or the __Host-hd cookie
 * (pages), and answers 401 (API) or a redirect to the sign-on page
 * (pages) otherwise.  WR_HELPDESK routes do not exist (404) when the
 * configuration has no "helpdesk".
 */
#ifndef SSPR_WEB_INT_H
#define SSPR_WEB_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <time.h>

#include "compat/compat.h"
#include "sspr/helpdesk.h"
#include "web/pool.h"
#include "web/server.h"

struct web_req;

/* A handler fills rq->status and rq->resp (a new string, JSON).  s is
 * the worker's handle on a WR_POOL route and NULL on any other: a handler
 * that runs on a connection thread never hashes, asks an ESM or reads
 * SQLite (sspr_*), since it would stall every connection of that
 * thread.  The one sspr call it may make is sspr_gauges(), which reads
 * only what the retry timer measured. */
typedef void (*web_handler)(struct web_req *rq, struct sspr *s);

enum web_route_flags {
	WR_POOL = (1 << 0),   /* runs on the worker pool (with an sspr) */
	WR_POST = (1 << 1),   /* a state-changing POST: JSON + same-site only */
	WR_PAGE = (1 << 2),   /* a page: a form POST (CSRF token) or HTML */
	WR_PREFIX = (1 << 3), /* path is a prefix (/static/, /lang/) */
	WR_HELPDESK = (1 << 4), /* exists only when the helpdesk is
	                           configured */
	WR_OPERATOR = (1 << 5), /* only for a signed-on helpdesk operator;
	                           must also be WR_POOL */
};

/* A route's path is matched literally, except that a segment written
 * WEB_PARAM ("{id}") matches any one non-empty segment, which the handler
 * finds in rq->param (a WR_PREFIX path matches one more segment). */
#define WEB_PARAM "{id}"

struct web_route {
	const char *method, *path;
	web_handler fn;
	unsigned flags;
};

struct tmpl_set;

/* The attributes of every cookie the pages set but lang: sent back only
 * over HTTPS (or to localhost), never to scripts, never cross-site. */
#define WEB_COOKIE_ATTRS "; Path=/; Secure; HttpOnly; SameSite=Strict"

#define WEB_STATIC_FILES 3 /* sspr.css, site.css, logo.svg */
#define WEB_STATIC_MAX   (256 * 1024)
#define WEB_MAX_ROUTES   48           /* size of the route table's counters */
#define WEB_TLS_FILE_MAX (256 * 1024) /* a PEM certificate chain or key */
/*
 * TLS 1.3, and TLS 1.2 with forward secrecy and AEAD only (Mozilla's
 * "intermediate" guidance): ECDHE key exchange, AES-GCM or ChaCha20-
 * Poly1305; no RSA or DHE key exchange, no CBC, no SHA-1 MAC.  TLS 1.3
 * keeps its own suites (the same ciphers) and groups.
 */
#define WEB_TLS_PRIORITIES                                                     \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:"     \
	"+ECDHE-RSA:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:" \
	"-MAC-ALL:+AEAD:%SERVER_PRECEDENCE"

struct web {
	struct MHD_Daemon *d;
	struct tmpl_set *tmpl; /* the pages */
	const struct cfg *cfg;
	struct sspr **sspr;          /* one per worker */
	struct sspr_hd_sessions *hd; /* the helpdesk sessions of every
	                                worker's handle, when web_start made
	                                the table (else the caller's) */
	int nworkers;
	struct web_pool *pool;
	struct web_conns *conns; /* open connections, request deadlines */
	struct web_delay *delay; /* answers held for the pace (delay.h) */
	char origin[300];        /* base_url's origin (web/origin.h), or "" */
	unsigned short port;
	FILE *log;
	struct {
		char *text; /* the static files, read once at start-up */
		size_t len;
	} statics[WEB_STATIC_FILES];
	char *tls_cert, *tls_key; /* PEM, while the daemon runs (key wiped) */
	size_t tls_cert_cap, tls_key_cap;
	/* answers by route (the last row: no route) and status class */
	atomic_ulong by_route[WEB_MAX_ROUTES + 1][5];
	atomic_ulong requests, rejected_busy, rejected_limited, resets_ok,
	    resets_denied, enrolls_ok, enrolls_failed;
};

struct web_req {
	struct web *w;
	struct MHD_Connection *conn;
	const struct web_route *route;
	char method[8];
	char path[128];
	char param[72]; /* the {id} segment of the path, or "" */
	char client[64];
	char lang[8];
	char *body;
	size_t len;
	int too_big;
	int done;   /* the worker finished */
	int close;  /* refused framing: answer, then close the connection */
	int status; /* HTTP status of the answer */
	char *resp; /* its body (JSON), new */
	const char *ctype;
	const char *retry_after;
	char retry_buf[24];         /* retry_after when computed */
	struct timespec not_before; /* the answer is held until then
	                               (CLOCK_MONOTONIC; 0: not held) */
	const char *location;       /* a redirect (static) */
	const char *www_auth;       /* a WWW-Authenticate value (401) */
	const char *clear_site;     /* a Clear-Site-Data value */
	struct sspr_hd_actor op;    /* WR_OPERATOR routes: the operator */
	char *cookies[4];           /* Set-Cookie values, new */
	int ncookies;
	struct timespec start;
};

/* Set rq's answer to a JSON error {"error":{"code","message"}}. */
void web_error(
    struct web_req *rq, int status, const char *code, const char *message);

/* A request header (case-insensitive name) or cookie, borrowed; NULL. */
const char *web_header(struct web_req *rq, const char *name);
const char *web_cookie(struct web_req *rq, const char *name);

/* Add a Set-Cookie value (copied). */
void web_set_cookie(struct web_req *rq, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A query-string argument (decoded), borrowed; NULL. */
const char *web_query(struct web_req *rq, const char *name);

/* Answer "no live helpdesk session": 401 with WWW-Authenticate (API), or
 * a redirect to the helpdesk's sign-on page that drops the cookie. */
void web_unauthorized(struct web_req *rq);

/* Answer 303 See Other to location (a static string), no body. */
void web_redirect(struct web_req *rq, const char *location);

/* The helpdesk token a request carries: "Authorization: Bearer T" for the
 * API, the __Host-hd cookie for the pages (never the other way round, so
 * that no cookie authorizes an API call); borrowed, or NULL when none or
 * malformed. */
const char *web_hd_token(struct web_req *rq);

/* 1 if the pages have a catalog for lang ("de"), else 0. */
int web_lang_ok(const struct web *w, const char *lang);

/* t (Unix time) as an ISO-8601 UTC string, "2026-11-22T10:00:00Z", or
 * null for 0 (never set).  New. */
json_t *web_time_json(long long t);

/* What an outcome code means for the user: changed (ok), pending
 * (retried from the journal), unknown, or not changed (anything else). */
enum web_outcome { WO_CHANGED, WO_PENDING, WO_UNKNOWN, WO_UNCHANGED };
enum web_outcome web_outcome(const char *code);

/* The page handlers (pages.c). */
/* The catalog's text for key in the request's language; key itself when
 * no catalog has it.  Borrowed. */
const char *page_text(struct web_req *rq, const char *key);
/* The catalog's text for prefix + code ("outcome." + "not-applied" is
 * the key "outcome.not_applied"): the words for a code of the workflow
 * (an outcome, a reason, a kind, a state); code itself when the catalog
 * has none.  Borrowed. */
const char *page_code_text(
    struct web_req *rq, const char *prefix, const char *code);
/* Render template name with data (stolen) and status; errors become a
 * plain 500.  Adds lang and csrf to data. */
void page_render(
    struct web_req *rq, int status, const char *name, json_t *data);
/* A form POST: urlencoded, the right CSRF token.  0 with f parsed, or -1
 * after answering (400, 403). */
struct form;
int page_form(struct web_req *rq, struct form *f);
/* A new CSRF token for this browser (at a privilege change). */
void page_csrf_renew(struct web_req *rq);
/* The reset flow's token in a page's hidden "flow" field (pageflow.c):
 * sealed under the browser's __Host-fb cookie, so that each page (each
 * tab, each step) carries its own flow and the page alone cannot
 * continue it.  page_flow_wrap writes the field's value (hex) into out,
 * setting the cookie when the browser has none: 0, or -1 (token NULL,
 * empty or too long).  page_flow_unwrap opens a field into the core's
 * token: 0, or -1 when it is not one this browser's cookie sealed.
 * page_flow_binding sets the cookie when the browser has none (on a page
 * that starts a flow, so that two tabs opened together share it). */
#define PAGE_FLOW_MAX (2 * (200 + 28) + 1)
void page_flow_binding(struct web_req *rq);
int page_flow_wrap(
    struct web_req *rq, const char *token, char out[PAGE_FLOW_MAX]);
int page_flow_unwrap(
    struct web_req *rq, const char *field, char out[SSPR_TOKEN_MAX]);
/* Rows of per-system results for a page: [{name, result, text, ok,
 * class}], and the systems by outcome into d: changed, pending, unknown,
 * unchanged (comma-separated names, absent when none). */
json_t *page_results(
    struct web_req *rq, const struct sspr_result *res, json_t *d);
/* The error page (in the request's language) with status: what a browser
 * gets for a refusal where the API would answer JSON. */
void page_error(struct web_req *rq, int status);
void page_home(struct web_req *rq, struct sspr *s);
void page_enroll_form(struct web_req *rq, struct sspr *s);
void page_enroll(struct web_req *rq, struct sspr *s);
void page_reset_form(struct web_req *rq, struct sspr *s);
void page_reset(struct web_req *rq, struct sspr *s);
void page_reset_pin(struct web_req *rq, struct sspr *s);
void page_reset_code(struct web_req *rq, struct sspr *s);
void page_reset_answers(struct web_req *rq, struct sspr *s);
void page_reset_complete(struct web_req *rq, struct sspr *s);
void page_lang(struct web_req *rq, struct sspr *s);
void page_static(struct web_req *rq, struct sspr *s);
/* Read the static files (an operator's copy in <state_dir>/static/ before
 * the shipped one) into w; 0, or -1 with err.  page_static_free frees
 * them. */
int page_static_load(struct web *w, char *err, size_t errsize);
void page_static_free(struct web *w);

/* The helpdesk's pages (pages_hd.c). */
void page_hd_login_form(struct web_req *rq, struct sspr *s);
void page_hd_login(struct web_req *rq, struct sspr *s);
void page_hd_logout(struct web_req *rq, struct sspr *s);
void page_hd_user(struct web_req *rq, struct sspr *s);
void page_hd_replicate(struct web_req *rq, struct sspr *s);
void page_hd_clear_lockout(struct web_req *rq, struct sspr *s);
void page_hd_send_code(struct web_req *rq, struct sspr *s);
void page_hd_drift(struct web_req *rq, struct sspr *s);

/* Shared by the API's files (api.c). */
/* Answer with a JSON value (stolen). */
void api_reply(struct web_req *rq, int status, json_t *o);
/* Parse the body as one object whose members are all in keys; NULL after
 * a 400.  With empty_ok an empty body is an empty object. */
json_t *api_body(
    struct web_req *rq, const char *const *keys, size_t nkeys, int empty_ok);
/* A string member's value, or NULL (after a 400 when required, or
 * present with another type: *bad is then set). */
const char *api_str(
    struct web_req *rq, json_t *o, const char *key, int required, int *bad);
/* Parse the body as one object of exactly the string members keys, all
 * required, into val[] (borrowed from the object).  The object, to
 * json_decref after use, or NULL after a 400. */
json_t *api_strings(
    struct web_req *rq, const char *const *keys, size_t n, const char **val);
/* The optional member key of o, an array of system names, into names[]
 * (borrowed, NULL-terminated; just NULL when absent): 0, or -1 after a
 * 400. */
int api_names(struct web_req *rq, json_t *o, const char *key,
    const char *names[SSPR_MAX_SYSTEMS]);
/* The error answer of a status other than OK and PARTIAL. */
void api_status(struct web_req *rq, enum sspr_status st, const char *msg);
/* Answer an operation on several systems that was done (res->status
 * SSPR_OK or SSPR_PARTIAL): 200 {"systems": {"PROD": "ok", ...}}, with
 * "status": "partial" when partial. */
void api_done(struct web_req *rq, const struct sspr_result *res);
/* Answer 422 {"error": {"code": "invalid", "message": msg}, "systems":
 * {...}}: refused by a system, with the result per system. */
void api_invalid(
    struct web_req *rq, const char *msg, const struct sspr_result *res);

/* The helpdesk's API (api_hd.c). */
void api_hd_login(struct web_req *rq, struct sspr *s);
void api_hd_logout(struct web_req *rq, struct sspr *s);
void api_hd_user(struct web_req *rq, struct sspr *s);
void api_hd_replicate(struct web_req *rq, struct sspr *s);
void api_hd_clear_lockout(struct web_req *rq, struct sspr *s);
void api_hd_send_code(struct web_req *rq, struct sspr *s);
void api_hd_drift(struct web_req *rq, struct sspr *s);

/* The API handlers (api.c). */
void api_questions(struct web_req *rq, struct sspr *s);
void api_enroll(struct web_req *rq, struct sspr *s);
void api_reset(struct web_req *rq, struct sspr *s);
void api_reset_pin(struct web_req *rq, struct sspr *s);
void api_reset_code(struct web_req *rq, struct sspr *s);
void api_reset_answers(struct web_req *rq, struct sspr *s);
void api_reset_complete(struct web_req *rq, struct sspr *s);

#endif
