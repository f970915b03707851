/*
 * server.h - sspr's HTTP front end (libmicrohttpd): the JSON API of
 * INTERFACES.md §3, /healthz and /metrics.
 *
 * Connections are served by libmicrohttpd's thread pool (epoll); request
 * bodies are bounded (WEB_MAX_BODY); every sspr_*() call, which may hash
 * with Argon2, runs on the bounded worker pool (pool.h) while its
 * connection is suspended, each worker with its own sspr handle.  A full
 * queue answers 503 with Retry-After.  Every response carries the security
 * headers (CSP, nosniff, no-referrer, no-store, frame-ancestors 'none').
 * POSTs must be JSON (which a cross-site form cannot send) and are refused
 * when the browser says they come from another site (Sec-Fetch-Site,
 * Origin).  One log line per request: no secret, no code, no body.
 *
 * Also served: the browser pages (pages.c), and, when the configuration
 * has "helpdesk", the helpdesk's pages under /helpdesk and API under
 * /api/v1/helpdesk (pages_hd.c, api_hd.c) for signed-on operators only;
 * one table of helpdesk sessions serves every worker (web_start makes it
 * unless opts->sspr brings one).
 *
 * RFC 9110 (HTTP semantics), RFC 8259 (JSON).
 */
#ifndef SSPR_WEB_SERVER_H
#define SSPR_WEB_SERVER_H

#include <stdio.h>

#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/sspr.h"

#define WEB_MAX_BODY (16 * 1024)

struct web;

struct web_opts {
	int port;    /* -1: from cfg->listen; 0: any free port */
	int workers; /* Argon2 workers; 0: the number of cores */
	int queue;   /* jobs waiting at most; 0: 4 x workers */
	FILE *log;   /* request log; NULL: none */
	const struct sspr_opts *sspr; /* for tests: clock; may be NULL */
};

/* Start serving.  cfg and keys must outlive the server.  Returns 0 and
 * *out, or -1 with err. */
int web_start(const struct cfg *cfg, const struct keys *keys,
    const struct web_opts *opts, struct web **out, char *err, size_t errsize);

/* The TCP port served (useful with port 0). */
unsigned short web_port(const struct web *w);

/* Stop accepting, finish the requests in flight, free. NULL-safe. */
void web_stop(struct web *w);

#endif
