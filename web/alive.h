/*
 * alive.h - is the running service still serving?  The probe behind the
 * systemd watchdog (sspr/sdnotify.h).
 *
 * A service can be up yet wedged: a worker stuck in an ESM call, every
 * pool thread dead, the HTTP daemon's threads blocked.  The probe proves
 * the two paths a user's request takes:
 *
 *   1. a no-op job passes through the worker pool (queued behind the real
 *      jobs, as a user's enrollment would be), and
 *   2. the HTTP daemon accepts a connection on the address it listens on
 *      and answers GET /healthz, ready (200) or not ready (503: a health
 *      problem such as a full disk, which a restart would not mend); with
 *      TLS, where a plain request cannot be answered, it must at least
 *      take the connection and close it or reply.
 *
 * Both within the caller's time limit.  The probe request shows in the
 * request log like any other /healthz request.
 *
 *	char err[256];
 *	if (web_alive(w, 5000, err, sizeof(err)) == -1)
 *		log("not alive: %s", err);
 */
#ifndef SSPR_WEB_ALIVE_H
#define SSPR_WEB_ALIVE_H

#include <stddef.h>

struct web;

/* 0 when both paths answered within timeout_ms, or -1 with a one-line
 * reason in err.  Thread-safe; w is borrowed.  Never changes any state of
 * the service but its counters. */
int web_alive(struct web *w, int timeout_ms, char *err, size_t errsize);

/* web_alive() in the shape of sdnotify_alive_fn (arg: the struct web). */
int web_alive_probe(void *arg, int timeout_ms, char *err, size_t errsize);

#endif
