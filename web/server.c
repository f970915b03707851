/*
 * server.c - the libmicrohttpd daemon: routing, bounded bodies, the
 * worker pool hand-off with connection suspension, security headers and
 * the request log (see server.h).  RFC 9110.
 */
#include "web/web_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/secretfile.h"
#include "compat/strbuf.h"
#include "compat/textfile.h"
#include "sspr/health.h"
#include "sspr/ratelimit.h"
#include "sspr/tlscheck.h"
#include "web/conn.h"
#include "web/delay.h"
#include "web/framing.h"
#include "web/origin.h"
#include "web/tmpl.h"
#include "compat/banned.h"

static void web_health(struct web_req *rq, struct sspr *s);
static void web_metrics(struct web_req *rq, struct sspr *s);

/*
 * Every route, and who may call it (SECURITY AUTHZ-01): everyone, or, with
 * WR_OPERATOR, only a signed-on helpdesk operator (checked in
 * web_dispatch before the handler runs).  What is not here is 404, another
 * method 405.
 */
static const struct web_route web_routes[] = {
    {"GET", "/", page_home, 0},
    {"GET", "/enroll", page_enroll_form, 0},
    {"POST", "/enroll", page_enroll, WR_POOL | WR_PAGE},
    {"GET", "/reset", page_reset_form, 0},
    {"POST", "/reset", page_reset, WR_POOL | WR_PAGE},
    {"POST", "/reset/pin", page_reset_pin, WR_POOL | WR_PAGE},
    {"POST", "/reset/code", page_reset_code, WR_POOL | WR_PAGE},
    {"POST", "/reset/answers", page_reset_answers, WR_POOL | WR_PAGE},
    {"POST", "/reset/complete", page_reset_complete, WR_POOL | WR_PAGE},
    {"GET", "/lang/", page_lang, WR_PREFIX},
    {"GET", "/static/", page_static, WR_PREFIX},
    {"GET", "/healthz", web_health, 0},
    {"GET", "/metrics", web_metrics, 0},
    {"GET", "/api/v1/questions", api_questions, 0},
    {"POST", "/api/v1/enroll", api_enroll, WR_POOL | WR_POST},
    {"POST", "/api/v1/reset", api_reset, WR_POOL | WR_POST},
    {"POST", "/api/v1/reset/pin", api_reset_pin, WR_POOL | WR_POST},
    {"POST", "/api/v1/reset/code", api_reset_code, WR_POOL | WR_POST},
    {"POST", "/api/v1/reset/answers", api_reset_answers, WR_POOL | WR_POST},
    {"POST", "/api/v1/reset/complete", api_reset_complete, WR_POOL | WR_POST},
    /* the helpdesk's pages */
    {"GET", "/helpdesk", page_hd_login_form, WR_HELPDESK},
    {"POST", "/helpdesk", page_hd_login, WR_POOL | WR_PAGE | WR_HELPDESK},
    {"POST", "/helpdesk/logout", page_hd_logout,
        WR_POOL | WR_PAGE | WR_HELPDESK | WR_OPERATOR},
    {"GET", "/helpdesk/user", page_hd_user,
        WR_POOL | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/helpdesk/replicate", page_hd_replicate,
        WR_POOL | WR_PAGE | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/helpdesk/clear-lockout", page_hd_clear_lockout,
        WR_POOL | WR_PAGE | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/helpdesk/send-code", page_hd_send_code,
        WR_POOL | WR_PAGE | WR_HELPDESK | WR_OPERATOR},
    {"GET", "/helpdesk/drift", page_hd_drift,
        WR_POOL | WR_HELPDESK | WR_OPERATOR},
    /* the helpdesk's API */
    {"POST", "/api/v1/helpdesk/login", api_hd_login,
        WR_POOL | WR_POST | WR_HELPDESK},
    {"POST", "/api/v1/helpdesk/logout", api_hd_logout,
        WR_POOL | WR_POST | WR_HELPDESK | WR_OPERATOR},
    {"GET", "/api/v1/helpdesk/users/" WEB_PARAM, api_hd_user,
        WR_POOL | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/api/v1/helpdesk/users/" WEB_PARAM "/replicate", api_hd_replicate,
        WR_POOL | WR_POST | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/api/v1/helpdesk/users/" WEB_PARAM "/clear-lockout",
        api_hd_clear_lockout, WR_POOL | WR_POST | WR_HELPDESK | WR_OPERATOR},
    {"POST", "/api/v1/helpdesk/users/" WEB_PARAM "/send-code", api_hd_send_code,
        WR_POOL | WR_POST | WR_HELPDESK | WR_OPERATOR},
    {"GET", "/api/v1/helpdesk/drift", api_hd_drift,
        WR_POOL | WR_HELPDESK | WR_OPERATOR},
};
_Static_assert(ARRAY_SIZE(web_routes) <= WEB_MAX_ROUTES,
    "raise WEB_MAX_ROUTES for the route table's counters");

void
web_error(struct web_req *rq, int status, const char *code, const char *message)
{
	json_t *o = json_pack(
	    "{s:{s:s,s:s}}", "error", "code", code, "message", message);
	char *txt = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	rq->status = status;
	strfreezero(rq->resp);
	rq->resp = xstrdup(txt != NULL ? txt : "{}");
	json_wipe_free(txt);
	json_decref(o);
}

/* Ready, or not and why (sspr/health.h: the problems are paths and
 * system error words, never a secret): 200 {"status":"ok"}, or 503
 * {"status":"not-ready","problems":["audit log: ..."]}.  On the
 * connection thread, from the health table only: no file is read. */
static void
web_health(struct web_req *rq, struct sspr *s)
{
	struct health_report hr;
	json_t *o, *a;
	char *txt;
	size_t i;

	(void)s;
	health_report(&hr);
	if (hr.nproblems == 0) {
		rq->status = MHD_HTTP_OK;
		rq->resp = xstrdup("{\"status\":\"ok\"}");
		return;
	}
	a = json_array();
	for (i = 0; i < hr.nproblems; i++)
		json_array_append_new(a, json_string(hr.problems[i]));
	o = json_pack("{s:s,s:o}", "status", "not-ready", "problems", a);
	txt = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	rq->status = MHD_HTTP_SERVICE_UNAVAILABLE;
	rq->resp = xstrdup(txt != NULL ? txt : "{\"status\":\"not-ready\"}");
	json_wipe_free(txt);
	json_decref(o);
}

/* On the connection thread, so that a scrape is answered even while
 * hashing saturates the pool: the gauges come from what the first
 * worker's retry timer measured (sspr_gauges), no file is read here. */
static void
web_metrics(struct web_req *rq, struct sspr *s)
{
	unsigned long long wait_us, jobs;
	struct web *w = rq->w;
	struct health_report hr;
	struct sspr_gauges g;
	struct strbuf sb;
	size_t i, k;
	int waiting, bad;

	(void)s;
	sspr_gauges(w->sspr[0], &g);
	web_pool_stats(w->pool, &waiting, &wait_us, &jobs);
	strbuf_init(&sb, 64 * 1024);
	bad = strbuf_addf(&sb,
	    "# HELP sspr_requests_total HTTP requests served.\n"
	    "# TYPE sspr_requests_total counter\n"
	    "sspr_requests_total %lu\n"
	    "# HELP sspr_busy_total Requests refused with 503 (queue full, "
	    "or the client's share of it taken).\n"
	    "# TYPE sspr_busy_total counter\n"
	    "sspr_busy_total %lu\n"
	    "# HELP sspr_rate_limited_total Requests refused with 429 (the "
	    "address is over its failure budget).\n"
	    "# TYPE sspr_rate_limited_total counter\n"
	    "sspr_rate_limited_total %lu\n"
	    "# HELP sspr_hash_queue_depth Jobs waiting for a hashing worker.\n"
	    "# TYPE sspr_hash_queue_depth gauge\n"
	    "sspr_hash_queue_depth %d\n"
	    "# HELP sspr_hash_wait_seconds_total Time jobs waited.\n"
	    "# TYPE sspr_hash_wait_seconds_total counter\n"
	    "sspr_hash_wait_seconds_total %.6f\n"
	    "# HELP sspr_hash_jobs_total Jobs run by the hashing workers.\n"
	    "# TYPE sspr_hash_jobs_total counter\n"
	    "sspr_hash_jobs_total %llu\n"
	    "# HELP sspr_resets_total Completed resets by outcome.\n"
	    "# TYPE sspr_resets_total counter\n"
	    "sspr_resets_total{outcome=\"ok\"} %lu\n"
	    "sspr_resets_total{outcome=\"refused\"} %lu\n"
	    "# HELP sspr_enrollments_total Enrollments by outcome.\n"
	    "# TYPE sspr_enrollments_total counter\n"
	    "sspr_enrollments_total{outcome=\"ok\"} %lu\n"
	    "sspr_enrollments_total{outcome=\"refused\"} %lu\n",
	    atomic_load(&w->requests), atomic_load(&w->rejected_busy),
	    atomic_load(&w->rejected_limited), waiting, (double)wait_us / 1e6,
	    jobs, atomic_load(&w->resets_ok), atomic_load(&w->resets_denied),
	    atomic_load(&w->enrolls_ok), atomic_load(&w->enrolls_failed));
	health_report(&hr);
	bad |= strbuf_addf(&sb,
	    "# HELP sspr_healthy 1 when /healthz answers ready, else 0.\n"
	    "# TYPE sspr_healthy gauge\n"
	    "sspr_healthy %d\n"
	    "# HELP sspr_audit_write_failures_total Audit events that could "
	    "not be appended.\n"
	    "# TYPE sspr_audit_write_failures_total counter\n"
	    "sspr_audit_write_failures_total %lu\n"
	    "# HELP sspr_audit_writable 1 when the audit log can be appended "
	    "to, else 0.\n"
	    "# TYPE sspr_audit_writable gauge\n"
	    "sspr_audit_writable %d\n"
	    "# HELP sspr_journal_write_failures_total Journal writes that "
	    "failed.\n"
	    "# TYPE sspr_journal_write_failures_total counter\n"
	    "sspr_journal_write_failures_total %lu\n"
	    "# HELP sspr_journal_file_present 1 when journal.db is the file "
	    "sspr opened, else 0.\n"
	    "# TYPE sspr_journal_file_present gauge\n"
	    "sspr_journal_file_present %d\n"
	    "# HELP sspr_outbox_file_present 1 when outbox.db is the file "
	    "sspr opened, else 0.\n"
	    "# TYPE sspr_outbox_file_present gauge\n"
	    "sspr_outbox_file_present %d\n",
	    hr.nproblems == 0, hr.failures[HEALTH_AUDIT],
	    !hr.failing[HEALTH_AUDIT], hr.failures[HEALTH_JOURNAL],
	    !hr.failing[HEALTH_JOURNAL_FILE], !hr.failing[HEALTH_OUTBOX_FILE]);
	if (g.mail_pending >= 0)
		bad |= strbuf_addf(&sb,
		    "# HELP sspr_mail_queue_length Messages waiting to be "
		    "delivered.\n"
		    "# TYPE sspr_mail_queue_length gauge\n"
		    "sspr_mail_queue_length %ld\n",
		    g.mail_pending);
	if (g.journal_pending >= 0)
		bad |= strbuf_addf(&sb,
		    "# HELP sspr_journal_pending Operations not yet done on "
		    "every system (retried).\n"
		    "# TYPE sspr_journal_pending gauge\n"
		    "sspr_journal_pending %ld\n",
		    g.journal_pending);
	bad |= strbuf_addstr(&sb,
	    "# HELP sspr_http_responses_total Answers by route and status "
	    "class.\n"
	    "# TYPE sspr_http_responses_total counter\n");
	for (i = 0; i <= ARRAY_SIZE(web_routes); i++) {
		const struct web_route *r =
		    i < ARRAY_SIZE(web_routes) ? &web_routes[i] : NULL;

		for (k = 0; k < 5; k++) {
			unsigned long n = atomic_load(&w->by_route[i][k]);

			if (n == 0)
				continue;
			bad |= strbuf_addf(&sb,
			    "sspr_http_responses_total{method=\"%s\","
			    "route=\"%s%s\",code=\"%zuxx\"} %lu\n",
			    r != NULL ? r->method : "",
			    r != NULL ? r->path : "other",
			    r != NULL && (r->flags & WR_PREFIX) ? "*" : "",
			    k + 1, n);
		}
	}
	if (bad != 0) { /* cannot happen below the 64 KiB ceiling */
		strbuf_release(&sb);
		web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "the metrics do not fit");
		return;
	}
	rq->status = MHD_HTTP_OK;
	rq->resp = strbuf_detach(&sb);
	rq->ctype = "text/plain; version=0.0.4";
}

/* ---------------------------------------------------------------- *
 * Answers
 * ---------------------------------------------------------------- */

static enum MHD_Result
web_queue(struct web_req *rq)
{
	const char *body = rq->resp != NULL ? rq->resp : "";
	struct MHD_Response *r;
	enum MHD_Result ret;
	int i;

	r = MHD_create_response_from_buffer(
	    strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
	    rq->ctype != NULL ? rq->ctype : "application/json");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(
	    r, "Cross-Origin-Resource-Policy", "same-origin");
	if (rq->w->tls_cert != NULL)
		MHD_add_response_header(r, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
	if (rq->retry_after != NULL)
		MHD_add_response_header(r, "Retry-After", rq->retry_after);
	if (rq->location != NULL)
		MHD_add_response_header(r, "Location", rq->location);
	if (rq->www_auth != NULL)
		MHD_add_response_header(r, "WWW-Authenticate", rq->www_auth);
	if (rq->clear_site != NULL)
		MHD_add_response_header(r, "Clear-Site-Data", rq->clear_site);
	for (i = 0; i < rq->ncookies; i++)
		MHD_add_response_header(r, "Set-Cookie", rq->cookies[i]);
	if (rq->close)
		MHD_add_response_header(r, "Connection", "close");
	if (rq->status == MHD_HTTP_METHOD_NOT_ALLOWED && rq->route != NULL)
		MHD_add_response_header(r, "Allow", rq->route->method);
	ret = MHD_queue_response(rq->conn, (unsigned)rq->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---------------------------------------------------------------- *
 * Requests
 * ---------------------------------------------------------------- */

/* addr (text) is one of the configured trusted proxies. */
static int
web_trusted(const struct cfg *cfg, const char *addr)
{
	size_t i;

	for (i = 0; i < cfg->nproxies; i++)
		if (strcmp(cfg->proxies[i], addr) == 0)
			return 1;
	return 0;
}

/* A valid IPv4 or IPv6 address of len bytes at s, copied to out. */
static int
web_ip(const char *s, size_t len, char *out, size_t size)
{
	unsigned char a[sizeof(struct in6_addr)];
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf) || len >= size)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a) != 1 && inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	strlcpy_s(out, buf, size);
	return 1;
}

/*
 * The client's address: the peer's, unless the peer is a trusted proxy;
 * then X-Forwarded-For is read from the right (the entries proxies
 * appended), skipping trusted proxies, and the first other address is the
 * client.  A malformed entry stops the walk at the last trusted address
 * (what a client wrote to the left of it is never believed).
 */
static void
web_client(
    struct MHD_Connection *c, const struct cfg *cfg, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	const char *xff, *end, *p, *q;
	char hop[INET6_ADDRSTRLEN + 1];

	strlcpy_s(out, "unknown", size);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    out, (socklen_t)size);
	if (cfg->nproxies == 0 || !web_trusted(cfg, out))
		return;
	xff =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff == NULL)
		return;
	end = xff + strlen(xff);
	while (end > xff) {
		p = end;
		while (p > xff && p[-1] != ',')
			p--;
		q = p;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (!web_ip(q, (size_t)(end - q), hop, sizeof(hop)))
			return;
		strlcpy_s(out, hop, size);
		if (!web_trusted(cfg, hop))
			return;
		end = p > xff ? p - 1 : xff;
	}
}

struct web_cookie_find {
	const char *name;
	const char *value;
	int n;
};

static enum MHD_Result
web_cookie_one(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct web_cookie_find *f = cls;

	(void)kind;
	if (key != NULL && strcmp(key, f->name) == 0) {
		f->value = value;
		f->n++;
	}
	return MHD_YES;
}

/* The cookie named exactly name (MHD's lookup ignores case, which would
 * take __HOST-csrf for __Host-csrf and defeat the prefix); NULL when it
 * is absent or sent more than once (which copy is meant is unknowable:
 * one may have been planted by a sibling domain). */
static const char *
web_cookie_value(struct MHD_Connection *c, const char *name)
{
	struct web_cookie_find f = {name, NULL, 0};

	(void)MHD_get_connection_values(c, MHD_COOKIE_KIND, web_cookie_one, &f);
	return f.n == 1 ? f.value : NULL;
}

int
web_lang_ok(const struct web *w, const char *lang)
{
	const char *const *l;

	for (l = tmpl_languages(w->tmpl); *l != NULL; l++)
		if (strcmp(*l, lang) == 0)
			return 1;
	return 0;
}

/* The language of the lang cookie (set by /lang/), else of the first
 * Accept-Language entry (its primary subtag), when the pages have it; else
 * en. */
static void
web_lang(const struct web *w, struct MHD_Connection *c, char *out, size_t size)
{
	const char *al =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
	const char *cookie = web_cookie_value(c, "lang");
	char tag[3] = "";

	strlcpy_s(out, "en", size);
	if (cookie != NULL && web_lang_ok(w, cookie)) {
		strlcpy_s(out, cookie, size);
		return;
	}
	if (al == NULL)
		return;
	while (*al == ' ')
		al++;
	memcpy(tag, al, strnlen(al, 2));
	if (web_lang_ok(w, tag))
		strlcpy_s(out, tag, size);
}

/* A state-changing request from a browser must come from this site: the
 * browser says the request comes from this site (or says nothing,
 * as scripts and old browsers do). */
static int
web_same_origin(struct web_req *rq)
{
	const char *sfs = MHD_lookup_connection_value(
	    rq->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
	const char *origin =
	    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Origin");
	const char *base = rq->w->cfg->base_url;
	const char *host;
	char want[WEB_ORIGIN_MAX], got[WEB_ORIGIN_MAX], url[WEB_ORIGIN_MAX];

	if (sfs != NULL && strcmp(sfs, "same-origin") != 0 &&
	    strcmp(sfs, "none") != 0)
		return 0;
	if (origin == NULL)
		return 1;
	/* Under Referrer-Policy no-referrer browsers send "Origin: null"
	 * even for a same-origin form post; Sec-Fetch-Site, which no page
	 * can set, then decides. */
	if (strcmp(origin, "null") == 0)
		return sfs != NULL && strcmp(sfs, "same-origin") == 0;
	/* Both sides as browsers serialise an origin: HTTPS://Example.COM:443
	 * is https://example.com (web_origin_parse). */
	if (web_origin_parse(origin, 0, got, sizeof(got)) == -1)
		return 0;
	if (base != NULL)
		return strcmp(rq->w->origin, got) == 0;
	/* Without a base_url the origin must be the host asked for (a
	 * comparison only: Host never builds a URL). */
	host = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Host");
	if (host == NULL)
		return 0;
	snprintf(url, sizeof(url), "http://%s", host);
	if (web_origin_parse(url, 0, want, sizeof(want)) == 0 &&
	    strcmp(got, want) == 0)
		return 1;
	snprintf(url, sizeof(url), "https://%s", host);
	return web_origin_parse(url, 0, want, sizeof(want)) == 0 &&
	       strcmp(got, want) == 0;
}

_Static_assert(sizeof(((struct web *)0)->origin) == WEB_ORIGIN_MAX,
    "struct web's origin holds a web_origin_parse result");

/* An API POST: JSON (which a cross-site form cannot send) from this site. */
static int
web_same_site(struct web_req *rq)
{
	const char *ct = MHD_lookup_connection_value(
	    rq->conn, MHD_HEADER_KIND, "Content-Type");

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return 0;
	return web_same_origin(rq);
}

const char *
web_header(struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
web_cookie(struct web_req *rq, const char *name)
{
	return web_cookie_value(rq->conn, name);
}

void
web_set_cookie(struct web_req *rq, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (rq->ncookies == (int)ARRAY_SIZE(rq->cookies))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rq->cookies[rq->ncookies++] = xstrdup(buf);
}

const char *
web_query(struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(
	    rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *
web_time_json(long long t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[24];

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	(void)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

void
web_redirect(struct web_req *rq, const char *location)
{
	rq->status = MHD_HTTP_SEE_OTHER;
	rq->location = location;
	strfreezero(rq->resp);
	rq->resp = xstrdup("");
	rq->ctype = "text/plain; charset=utf-8";
}

#define WEB_BEARER_REALM "Bearer realm=\"sspr helpdesk\""

void
web_unauthorized(struct web_req *rq)
{
	if (strncmp(rq->path, "/api/", 5) == 0) {
		/* RFC 6750 3: a token was sent but is not (or no longer)
		 * good, or none was sent. */
		rq->www_auth = web_header(rq, "Authorization") != NULL
		                   ? WEB_BEARER_REALM
		                   ", error=\"invalid_token\""
		                   : WEB_BEARER_REALM;
		web_error(rq, MHD_HTTP_UNAUTHORIZED, "unauthorized",
		    "sign on to the helpdesk first (or again)");
		return;
	}
	if (web_cookie(rq, "__Host-hd") != NULL)
		web_set_cookie(rq, "__Host-hd=" WEB_COOKIE_ATTRS "; Max-Age=0");
	web_redirect(rq, "/helpdesk");
}

const char *
web_hd_token(struct web_req *rq)
{
	const char *t;
	size_t n;

	if (strncmp(rq->path, "/api/", 5) == 0) {
		t = web_header(rq, "Authorization");
		if (t == NULL || strncasecmp(t, "Bearer ", 7) != 0)
			return NULL;
		t += 7;
		while (*t == ' ')
			t++;
	} else
		t = web_cookie(rq, "__Host-hd");
	if (t == NULL)
		return NULL;
	n = strnlen(t, SSPR_HD_TOKEN_MAX);
	if (n == 0 || n >= SSPR_HD_TOKEN_MAX ||
	    strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789-_") != n)
		return NULL;
	return t;
}

/* Run rq's handler with s, after the route's authorization: the one place
 * where it is enforced. */
static void
web_dispatch(struct web_req *rq, struct sspr *s)
{
	if (rq->route->flags & WR_OPERATOR) {
		const char *tok = web_hd_token(rq);

		if (tok == NULL ||
		    sspr_hd_session(s, tok, rq->client, &rq->op) == -1) {
			memset(&rq->op, 0, sizeof(rq->op));
			web_unauthorized(rq);
			return;
		}
	}
	rq->route->fn(rq, s);
}

static void
web_job_run(void *arg, int worker)
{
	struct web_req *rq = arg;

	/* A refusal's pace holds the answer, not the worker. */
	memset(&rq->not_before, 0, sizeof(rq->not_before));
	sspr_signon_defer(&rq->not_before);
	web_dispatch(rq, rq->w->sspr[worker]);
	sspr_signon_defer(NULL);
}

static void
web_resume(void *arg)
{
	struct web_req *rq = arg;

	rq->done = 1;
	MHD_resume_connection(rq->conn);
}

static void
web_job_done(void *arg)
{
	struct web_req *rq = arg;

	if (rq->not_before.tv_sec != 0)
		web_delay_add(rq->w->delay, &rq->not_before, web_resume, rq);
	else
		web_resume(rq);
}

/* path matches r's path (see WEB_PARAM); the {id} segment goes to param
 * ("" when it does not fit: the handler then refuses it as no user ID). */
static int
web_path_match(
    const struct web_route *r, const char *path, char *param, size_t psize)
{
	const char *p = r->path, *q = path;
	size_t plen = strlen(WEB_PARAM), n;

	param[0] = '\0';
	while (*p != '\0') {
		if (strncmp(p, WEB_PARAM, plen) == 0) {
			n = strcspn(q, "/");
			if (n == 0)
				return 0;
			if (n < psize) {
				memcpy(param, q, n);
				param[n] = '\0';
			}
			p += plen;
			q += n;
			continue;
		}
		if (*p != *q)
			return 0;
		p++;
		q++;
	}
	if (*q == '\0')
		return 1;
	/* a prefix: one more segment, not empty */
	return (r->flags & WR_PREFIX) && strchr(q, '/') == NULL;
}

static const struct web_route *
web_route(const struct web *w, const char *method, const char *path,
    char *param, size_t psize, int *path_known)
{
	size_t i;

	*path_known = 0;
	for (i = 0; i < ARRAY_SIZE(web_routes); i++) {
		if ((web_routes[i].flags & WR_HELPDESK) &&
		    !w->cfg->helpdesk.configured)
			continue;
		if (web_path_match(&web_routes[i], path, param, psize)) {
			*path_known = 1;
			/* HEAD is GET without the body (RFC 9110 9.3.2);
			 * libmicrohttpd drops the body. */
			if (strcmp(web_routes[i].method, method) == 0 ||
			    (strcmp(method, "HEAD") == 0 &&
			        strcmp(web_routes[i].method, "GET") == 0))
				return &web_routes[i];
		}
	}
	return NULL;
}

/* A refusal: JSON for the API and the operators' routes, the error page
 * for everything a browser asks for. */
static void
web_refuse(struct web_req *rq, int status, const char *code, const char *msg)
{
	if (strncmp(rq->path, "/api/", 5) == 0 ||
	    strcmp(rq->path, "/healthz") == 0 ||
	    strcmp(rq->path, "/metrics") == 0)
		web_error(rq, status, code, msg);
	else
		page_error(rq, status);
}

static enum MHD_Result
web_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct web *w = cls;
	struct web_req *rq = *req_cls;
	struct web_job job;
	int known;

	if (rq == NULL) {
		const char *why;

		rq = xcalloc(1, sizeof(*rq));
		rq->w = w;
		rq->conn = c;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		strlcpy_s(rq->method, method, sizeof(rq->method));
		strlcpy_s(rq->path, url, sizeof(rq->path));
		*req_cls = rq;
		/* Before anything reads a header (SECURITY ROB-09). */
		if (!web_framing_ok(c, url, version, &why)) {
			web_client(c, w->cfg, rq->client, sizeof(rq->client));
			if (w->log != NULL) {
				fprintf(w->log, "%s refused: %s\n", rq->client,
				    why);
				fflush(w->log);
			}
			atomic_fetch_add(&w->requests, 1);
			rq->close = 1;
			rq->done = 1;
			web_error(rq, MHD_HTTP_BAD_REQUEST, "bad-request",
			    "the request is malformed");
			return web_queue(rq);
		}
		web_client(c, w->cfg, rq->client, sizeof(rq->client));
		web_lang(w, c, rq->lang, sizeof(rq->lang));
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (rq->close) { /* refused: the body is not kept */
			*upload_size = 0;
			return MHD_YES;
		}
		if (!rq->too_big && rq->len + *upload_size <= WEB_MAX_BODY) {
			/* One buffer of the ceiling's size: growing it would
			 * leave copies of passwords in freed memory. */
			if (rq->body == NULL)
				rq->body = xmalloc(WEB_MAX_BODY + 1);
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
			rq->body[rq->len] = '\0';
		} else
			rq->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	web_conns_received(w->conns, c); /* the request is complete */
	if (rq->close)                   /* its 400 is queued already */
		return MHD_YES;
	if (rq->done)
		return web_queue(rq);
	atomic_fetch_add(&w->requests, 1);
	rq->route =
	    web_route(w, method, url, rq->param, sizeof(rq->param), &known);
	if (rq->route == NULL) {
		if (known) {
			/* Name the allowed method (Allow header). */
			int k;

			rq->route = web_route(
			    w, "GET", url, rq->param, sizeof(rq->param), &k);
			if (rq->route == NULL)
				rq->route = web_route(w, "POST", url, rq->param,
				    sizeof(rq->param), &k);
			web_refuse(rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "method-not-allowed",
			    "this method is not allowed here");
		} else
			web_refuse(rq, MHD_HTTP_NOT_FOUND, "not-found",
			    "there is no such page");
		return web_queue(rq);
	}
	if (rq->too_big) {
		web_refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "too-large",
		    "the request is too large");
		return web_queue(rq);
	}
	if (((rq->route->flags & WR_POST) && !web_same_site(rq)) ||
	    ((rq->route->flags & WR_PAGE) && !web_same_origin(rq))) {
		web_refuse(rq, MHD_HTTP_FORBIDDEN, "cross-site",
		    "requests must be JSON from this site");
		return web_queue(rq);
	}
	if (!(rq->route->flags & WR_POOL)) {
		web_dispatch(rq, NULL);
		return web_queue(rq);
	}
	/* An address over its failure budget is refused here, before it
	 * can take a place in the hashing queue (an operator's routes are
	 * authenticated by their session instead). */
	if (!(rq->route->flags & WR_OPERATOR)) {
		struct ratelimit *rl = sspr_client_limits(w->sspr[0]);
		long wait = ratelimit_retry_after(rl, rq->client, time(NULL));

		if (wait > 0) {
			atomic_fetch_add(&w->rejected_limited, 1);
			snprintf(
			    rq->retry_buf, sizeof(rq->retry_buf), "%ld", wait);
			rq->retry_after = rq->retry_buf;
			web_refuse(rq, MHD_HTTP_TOO_MANY_REQUESTS,
			    "rate-limited",
			    "too many failed attempts from your address; try "
			    "again later");
			return web_queue(rq);
		}
	}
	job.run = web_job_run;
	job.done = web_job_done;
	job.arg = rq;
	MHD_suspend_connection(c);
	if (web_pool_submit(w->pool, &job, rq->client) != 0) {
		MHD_resume_connection(c);
		atomic_fetch_add(&w->rejected_busy, 1);
		rq->retry_after = "1";
		web_refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
		    "the service is busy; try again in a moment");
		rq->done = 1;
	}
	return MHD_YES;
}

static void
web_completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web *w = cls;
	struct web_req *rq = *req_cls;
	struct timespec now;
	long ms;

	(void)toe;
	web_conns_answered(w->conns, c);
	if (rq == NULL)
		return;
	if (rq->status >= 100 && rq->status < 600)
		atomic_fetch_add(
		    &w->by_route[rq->route != NULL
		                     ? (size_t)(rq->route - web_routes)
		                     : ARRAY_SIZE(web_routes)]
		                [rq->status / 100 - 1],
		    1);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - rq->start.tv_sec) * 1000 +
	     (now.tv_nsec - rq->start.tv_nsec) / 1000000;
	if (w->log != NULL) {
		char path[sizeof(rq->path)];

		strlcpy_s(path, rq->path, sizeof(path));
		text_oneline(path);
		fprintf(w->log, "%s %s %s %d %ldms\n", rq->client, rq->method,
		    path, rq->status, ms);
		fflush(w->log);
	}
	if (rq->body != NULL)
		freezero(rq->body, WEB_MAX_BODY + 1);
	strfreezero(rq->resp);
	while (rq->ncookies > 0)
		strfreezero(rq->cookies[--rq->ncookies]);
	free(rq);
	*req_cls = NULL;
}

/* ---------------------------------------------------------------- *
 * Life cycle
 * ---------------------------------------------------------------- */

/*
 * How many connections one address may hold (SECURITY ROB-01):
 * limits.connections_per_address, default 32 (a browser's six and a few
 * tabs), far below MHD's 4,000.  Behind trusted proxies every client
 * arrives from a proxy's address, and libmicrohttpd cannot exempt single
 * addresses from its limit, so it is off then: the proxy is where clients
 * are told apart.
 */
static unsigned
web_per_address(const struct cfg *cfg)
{
	return cfg->nproxies > 0 ? 0u : cfg->limits.connections_per_address;
}

/* The idle timeout of a kept-alive connection; a request itself must
 * arrive within limits.request_seconds (see conn.h). */
#define WEB_IDLE_SECONDS 30u

/*
 * The address to bind: cfg->listen through the parser cfg_load() checked
 * it with, so what loads is what is bound; port, when not -1, replaces
 * the configured port (0: any free port).
 */
static int
web_listen_addr(const struct cfg *cfg, int port, struct sockaddr_storage *ss,
    unsigned *flags, char *err, size_t errsize)
{
	unsigned int sslen;
	char why[SSPR_MAX_ERROR];

	if (cfg_listen_parse(cfg->listen, ss, &sslen, why, sizeof(why)) == -1) {
		errf(err, errsize, "listen: %s", why);
		return -1;
	}
	if (ss->ss_family == AF_INET6) {
		*flags |= MHD_USE_IPv6;
		if (port >= 0)
			((struct sockaddr_in6 *)(void *)ss)->sin6_port =
			    htons((uint16_t)port);
	} else if (port >= 0)
		((struct sockaddr_in *)(void *)ss)->sin_port =
		    htons((uint16_t)port);
	return 0;
}

/* The port of an address from web_listen_addr(). */
static int
web_listen_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(
		    ((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
}

int
web_start(const struct cfg *cfg, const struct keys *keys,
    const struct web_opts *opts, struct web **out, char *err, size_t errsize)
{
	struct web *w = xcalloc(1, sizeof(*w));
	struct sspr_opts so = {0};
	struct MHD_OptionItem tls[4] = {{MHD_OPTION_END, 0, NULL}};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	                 MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *di;
	struct sockaddr_storage sa;
	char tdir[4096];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i, port;

	json_wipe_init();
	w->cfg = cfg;
	w->log = opts->log;
	w->nworkers = opts->workers > 0 ? opts->workers
	              : cores > 0       ? (int)cores
	                                : 2;
	for (i = 0; i < (int)ARRAY_SIZE(web_routes); i++)
		if ((web_routes[i].flags & WR_OPERATOR) &&
		    !(web_routes[i].flags & WR_POOL))
			fatalx("route %s %s: an operator's route must run on "
			       "the worker pool",
			    web_routes[i].method, web_routes[i].path);
	if (opts->sspr != NULL)
		so = *opts->sspr;
	/* One table of helpdesk sessions for the process: an operator
	 * signed on through one worker is signed on for all. */
	if (so.hd_sessions == NULL)
		so.hd_sessions = w->hd = sspr_hd_sessions_new();
	w->sspr = xcalloc((size_t)w->nworkers, sizeof(*w->sspr));
	for (i = 0; i < w->nworkers; i++) {
		/* The first handle runs the outbox's sender, owns the
		 * client-address table and finishes the journal's open
		 * operations; the others wake the sender after an enqueue
		 * and count failures in that one table, so an address has one
		 * budget however many workers serve it. */
		if (i > 0) {
			so.sender = sspr_mail_sender(w->sspr[0]);
			so.limits = sspr_client_limits(w->sspr[0]);
			so.no_recovery = 1;
		}
		if (sspr_open(cfg, keys, &so, &w->sspr[i], err, errsize) == -1)
			goto fail;
	}
	if (cfg->base_url != NULL && web_origin_parse(cfg->base_url, 1,
	                                 w->origin, sizeof(w->origin)) == -1) {
		errf(err, errsize,
		    "base_url '%s' is not http(s)://host[:port][/path] with "
		    "an ASCII host (write an internationalised name in its "
		    "xn-- form)",
		    cfg->base_url);
		goto fail;
	}
	if (snprintf(tdir, sizeof(tdir), "%s/web", cfg->data_dir) >=
	    (int)sizeof(tdir)) {
		errf(err, errsize, "data_dir '%s' is too long", cfg->data_dir);
		goto fail;
	}
	if (tmpl_load(tdir, &w->tmpl, err, errsize) == -1)
		goto fail;
	if (page_static_load(w, err, errsize) == -1)
		goto fail;
	w->delay = web_delay_new();
	w->pool = web_pool_new(
	    w->nworkers, opts->queue > 0 ? opts->queue : 4 * w->nworkers);
	if (web_listen_addr(cfg, opts->port, &sa, &flags, err, errsize) == -1)
		goto fail;
	port = web_listen_port(&sa);
	if (cfg->tls.cert != NULL) {
		struct tls_info ti;
		size_t len;

		/* The pair and its dates, as `sspr check` judges them: a key
		 * that does not fit names both files, not the port. */
		if (tls_check_usable(cfg->tls.cert, cfg->tls.key, time(NULL),
		        &ti, err, errsize) == -1)
			goto fail;
		if (text_file_read(cfg->tls.cert, "TLS certificate",
		        WEB_TLS_FILE_MAX, &w->tls_cert, &len, err,
		        errsize) != 0 ||
		    secret_file_read(cfg->tls.key, "TLS key", "",
		        WEB_TLS_FILE_MAX, &w->tls_key, &len, &w->tls_key_cap,
		        err, errsize) == -1)
			goto fail;
		w->tls_cert_cap = WEB_TLS_FILE_MAX + 1;
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls_cert};
		tls[1] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_MEM_KEY, 0, w->tls_key};
		tls[2] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
		    (void *)(uintptr_t)WEB_TLS_PRIORITIES};
		tls[3] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	}
	w->conns = web_conns_new(cfg->limits.request_seconds, WEB_IDLE_SECONDS);
	w->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, web_access,
	    w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_NOTIFY_COMPLETED,
	    web_completed, w, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)(64 * 1024), MHD_OPTION_CONNECTION_TIMEOUT,
	    WEB_IDLE_SECONDS, MHD_OPTION_NOTIFY_CONNECTION, web_conns_notify,
	    w->conns, MHD_OPTION_CONNECTION_LIMIT, 4000u,
	    MHD_OPTION_UNESCAPE_CALLBACK, web_framing_unescape, NULL,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, web_per_address(cfg),
	    MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (w->d == NULL) {
		/* The address was tried by web_listen_probe(); what is left
		 * is the port (or GnuTLS refusing the pair it just read). */
		errf(err, errsize,
		    "cannot listen on %s port %d: is another process using "
		    "it?%s",
		    cfg->listen, port,
		    w->tls_cert != NULL ? " (or GnuTLS refused the TLS "
		                          "certificate and key)"
		                        : "");
		goto fail;
	}
	di = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
	w->port = di != NULL ? di->port : (unsigned short)port;
	*out = w;
	return 0;
fail:
	web_stop(w);
	return -1;
}

unsigned short
web_port(const struct web *w)
{
	return w->port;
}

void
web_stop(struct web *w)
{
	int i;

	if (w == NULL)
		return;
	if (w->d != NULL)
		MHD_quiesce_daemon(w->d);
	web_pool_free(w->pool);   /* finishes the queued jobs */
	web_delay_free(w->delay); /* answers what they held */
	if (w->d != NULL)
		MHD_stop_daemon(w->d);
	web_conns_free(w->conns);
	for (i = w->nworkers - 1; i >= 0 && w->sspr != NULL; i--)
		sspr_close(w->sspr[i]);
	free(w->sspr);
	if (w->hd != NULL)
		sspr_hd_sessions_free(w->hd);
	tmpl_free(w->tmpl);
	page_static_free(w);
	if (w->tls_cert != NULL)
		freezero(w->tls_cert, w->tls_cert_cap);
	if (w->tls_key != NULL)
		freezero(w->tls_key, w->tls_key_cap);
	free(w);
}
