/*
 * conn.h - the table of open connections and the deadline by which each
 * request must have arrived completely (SECURITY ROB-01).
 *
 * libmicrohttpd 0.9.75 only has an idle timeout: a client sending one byte
 * every few seconds holds its connection forever.  Here every connection
 * gets a deadline when it opens (request_seconds for the request line,
 * headers and body); the deadline is lifted once the request has arrived,
 * and set again when its answer is done (idle_seconds + request_seconds,
 * so that the idle timeout of a kept-alive connection stays in charge of
 * idle ones).  A sweeper thread shuts late connections down each second;
 * libmicrohttpd then sees the end of the stream and closes them.
 *
 * Ownership: the table (struct web_conns) owns its entries; one entry per
 * connection, made at MHD_CONNECTION_NOTIFY_STARTED and freed at
 * MHD_CONNECTION_NOTIFY_CLOSED, both under the table's mutex, which the
 * sweeper also holds while it calls shutdown().  libmicrohttpd closes the
 * descriptor only after the CLOSED notification, so the sweeper never
 * touches a descriptor that was closed or reused.
 *
 *	struct web_conns *t = web_conns_new(10, 30);
 *	MHD_start_daemon(..., MHD_OPTION_NOTIFY_CONNECTION, web_conns_notify,
 *	    t, ...);
 *	web_conns_received(t, c);	(the request is complete)
 *	web_conns_answered(t, c);	(its answer is done)
 *	MHD_stop_daemon(d); web_conns_free(t);
 */
#ifndef WEB_CONN_H
#define WEB_CONN_H

#include <microhttpd.h>

struct web_conns;

/* A new table and its sweeper thread; fatal when no thread can start. */
struct web_conns *web_conns_new(
    unsigned request_seconds, unsigned idle_seconds);

/* Stops the sweeper and frees the table; after MHD_stop_daemon (no entry
 * is left then).  t may be NULL. */
void web_conns_free(struct web_conns *t);

/* MHD_OPTION_NOTIFY_CONNECTION, with t as its closure. */
void web_conns_notify(void *t, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code);

/* c's request has arrived completely: no deadline while it is served. */
void web_conns_received(struct web_conns *t, struct MHD_Connection *c);

/* c's answer is done: the next request on it gets a deadline. */
void web_conns_answered(struct web_conns *t, struct MHD_Connection *c);

#endif
