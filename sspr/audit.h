/*
 * audit.h - the audit trail: one event for every step of every flow and
 * every helpdesk action.
 *
 * An event is one JSON object on one line, appended to
 * <state_dir>/audit.log (created 0600; opened O_APPEND, so that the
 * processes and threads of every node sharing the directory never
 * interleave a line) and sent to syslog (LOG_AUTHPRIV, tag "sspr"):
 *
 *	{"time":"2026-11-22T10:00:00Z","node":"web1","client":"192.0.2.1",
 *	 "actor":"HELP01","user":"JOE","action":"helpdesk.replicate",
 *	 "outcome":"ok","reason":null,"op":"4F2A...",
 *	 "systems":{"PROD":"ok","DR":"unavailable"}}
 *
 * Never a secret, code, answer, PIN or hash: the event struct has no place
 * for one, and every string is bounded (256 bytes, cut on a character
 * boundary), made one line (each control character, U+2028/U+2029 and
 * each byte of invalid UTF-8 becomes '?') and JSON-escaped.  A NULL
 * string is null.  "systems" is absent when nsystems is 0.
 * A failed write is the health problem "audit log" (sspr/health.h: one
 * line on stderr when it begins and one when it ends, /healthz not
 * ready); the events lost meanwhile are counted and, at the first append
 * that works again, recorded as one event {"action":"audit.gap",
 * "outcome":"failed","reason":"write-failed","suppressed":N} ahead of
 * it.  Whether an operation may go on unaudited is the caller's choice
 * (audit_ready()).
 *
 * The log is followed by name: before each append the open file is
 * compared with the path (device, inode, link count), and a log that was
 * moved or deleted is begun anew under the same rules (0600, no symbolic
 * link); audit_reopen_all() (SIGHUP, for logrotate) makes every handle
 * open the path again before its next append.
 *
 *	struct audit *a;
 *	audit_open(cfg->state_dir, "web1", &a, err, sizeof(err));
 *	struct audit_event ev = {.action = "reset.pin", .outcome = "denied",
 *	    .user = "JOE", .actor = "JOE", .client = addr};
 *	audit_write(a, &ev);
 *	audit_close(a);
 *
 * Reading (sspr audit): audit_read() streams the file's events that match
 * a filter to a callback, as the JSON lines written.
 */
#ifndef SSPR_AUDIT_H
#define SSPR_AUDIT_H

#include <stddef.h>
#include <time.h>

#define AUDIT_FILE "audit.log"
/* A line's ceiling, newline included.  A longer event stops before the
 * first field (or system) that does not fit and ends "truncated":true. */
#define AUDIT_MAX_LINE    4096
#define AUDIT_MAX_SYSTEMS 16

struct audit;

struct audit_event {
	const char *action;  /* "enroll", "reset.start", "reset.pin",
	                        "reset.code", "reset.answers",
	                        "reset.complete", "reset.recovered",
	                        "helpdesk.login", "helpdesk.lookup", ... */
	const char *outcome; /* "ok", "denied", "refused", "failed",
	                        "partial", "pending", "unavailable" */
	const char *reason;  /* a reason code ("wrong-pin", "locked",
	                        "rules", ...), or NULL */
	const char *actor;   /* who acted: the user, an operator's ID,
	                        "cli", "recovery"; NULL: null */
	const char *user;    /* the target user ID; NULL: null */
	const char *client;  /* the client's address; NULL: null */
	const char *op;      /* the journal operation, or NULL */
	size_t nsystems;     /* systems[] and results[] used (at most
	                        AUDIT_MAX_SYSTEMS); all results NULL:
	                        "systems" is the list of names, else an
	                        object name -> result (NULL: null) */
	const char *systems[AUDIT_MAX_SYSTEMS];
	const char *results[AUDIT_MAX_SYSTEMS];
	time_t time;     /* 0: now */
	long suppressed; /* > 0: "suppressed":n, similar events left out
	                    before this one (a flood's bound) */
};

/* Open (creating, mode 0600) <state_dir>/audit.log for appending; node
 * names this host in every event (NULL: the host name).  Refuses a
 * symbolic link, and an existing log that group or others may write;
 * never changes a log's mode.  Opens syslog once per process.  0 and *out
 * (new, audit_close() it), or -1 with err. */
int audit_open(const char *state_dir, const char *node, struct audit **out,
    char *err, size_t errsize);
/* NULL-safe. */
void audit_close(struct audit *a);

/* Append one event with one write(2) (thread-safe: a handle may be shared)
 * and send it to syslog.  0 when it is in the file, -1 when not (the
 * health problem is set; callers that may go on unaudited ignore it).
 * a or ev NULL: 0, nothing. */
int audit_write(struct audit *a, const struct audit_event *ev);

/* May an event be appended now?  0 when the log is healthy; when it is
 * not (any handle of this process failed since its last success), try
 * once: follow the path and append the pending "audit.gap" event; 0 when
 * that worked (health restored), -1 when it did not.  For a security
 * change to call before it acts, and for the timer to heal the health
 * of a service that no one uses.  a NULL: 0. */
int audit_ready(struct audit *a);

/* Make every handle of this process open its path again before its next
 * append (logrotate's postrotate SIGHUP).  Only an atomic increment:
 * safe anywhere, though sspr calls it from its signal-waiting thread. */
void audit_reopen_all(void);

struct audit_filter {
	const char *user; /* only this user ID, as "user" or "actor",
	                     ignoring ASCII case; NULL: all */
	time_t since;     /* only events at or after; 0: all */
};

/*
 * Call cb(line, arg) for each event of the file at path matching f, in
 * file order; line is the JSON object without the newline (borrowed, for
 * the call).  f may be NULL (all).  Lines that are not events are skipped:
 * not a JSON object with a "time" like 2026-11-22T10:00:00Z (a torn last
 * line), longer than AUDIT_MAX_LINE, or holding a NUL byte.  cb returns
 * non-zero to stop. 0 when read to the end (or stopped), 1 when the file does
 * not exist, -1 with err.
 */
int audit_read(const char *path, const struct audit_filter *f,
    int (*cb)(const char *line, void *arg), void *arg, char *err,
    size_t errsize);

/* Parse a --since value: "2026-11-22" (midnight UTC),
 * "2026-11-22T10:00:00Z", a Unix time (digits only), or an age like "30m",
 * "12h", "7d" (before now; 0 when older than the epoch).  Signs, spaces,
 * other units and impossible dates are refused.  0 and *out, or -1
 * (*out untouched). */
int audit_parse_since(const char *s, time_t now, time_t *out);

#endif
