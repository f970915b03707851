/*
 * web_int.h - what web/'s files share; not for use outside web/.
 *
 *   server.c  the daemon, routing, suspension, headers, logging
 *   api.c     the JSON API handlers (run on the worker pool)
 */
#ifndef SSPR_WEB_INT_H
#define SSPR_WEB_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <time.h>

#include "compat/compat.h"
#include "web/pool.h"
#include "web/server.h"

struct web_req;

/* A handler fills rq->status and rq->resp (a new string, JSON). */
typedef void (*web_handler)(struct web_req *rq, struct sspr *s);

enum web_route_flags {
	WR_POOL = (1 << 0),   /* runs on the worker pool */
	WR_POST = (1 << 1),   /* a state-changing POST: JSON + same-site only */
	WR_PAGE = (1 << 2),   /* a page: a form POST (CSRF token) or HTML */
	WR_PREFIX = (1 << 3), /* path is a prefix (/static/, /lang/) */
};

struct web_route {
	const char *method, *path;
	web_handler fn;
	unsigned flags;
};

struct tmpl_set;

#define WEB_STATIC_FILES 3 /* sspr.css, site.css, logo.svg */
#define WEB_STATIC_MAX   (256 * 1024)
#define WEB_MAX_ROUTES   32           /* size of the route table's counters */
#define WEB_TLS_FILE_MAX (256 * 1024) /* a PEM certificate chain or key */
/* TLS 1.2 and 1.3 only, GnuTLS's NORMAL ciphers otherwise. */
#define WEB_TLS_PRIORITIES                                                     \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"

struct web {
	struct MHD_Daemon *d;
	struct tmpl_set *tmpl; /* the pages */
	const struct cfg *cfg;
	struct sspr **sspr; /* one per worker */
	int nworkers;
	struct web_pool *pool;
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
	atomic_ulong requests, rejected_busy, resets_ok, resets_denied,
	    enrolls_ok, enrolls_failed;
};

struct web_req {
	struct web *w;
	struct MHD_Connection *conn;
	const struct web_route *route;
	char method[8];
	char path[128];
	char client[64];
	char lang[8];
	char *body;
	size_t len;
	int too_big;
	int done;   /* the worker finished */
	int status; /* HTTP status of the answer */
	char *resp; /* its body (JSON), new */
	const char *ctype;
	const char *retry_after;
	const char *location; /* a redirect */
	char *cookies[4];     /* Set-Cookie values, new */
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

/* The page handlers (pages.c). */
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

/* The API handlers (api.c). */
void api_questions(struct web_req *rq, struct sspr *s);
void api_enroll(struct web_req *rq, struct sspr *s);
void api_reset(struct web_req *rq, struct sspr *s);
void api_reset_pin(struct web_req *rq, struct sspr *s);
void api_reset_code(struct web_req *rq, struct sspr *s);
void api_reset_answers(struct web_req *rq, struct sspr *s);
void api_reset_complete(struct web_req *rq, struct sspr *s);

#endif
