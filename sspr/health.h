/*
 * health.h - what this process knows is wrong with it, for /healthz,
 * /metrics and the service log.
 *
 * One table per process (the audit trail, the journal file and the
 * signals are the process's, not one handle's): each item is either
 * well or failing with one line of text saying why.  A change of state
 * is logged once on stderr ("sspr: health: audit log: cannot append:
 * No space left on device", later "sspr: health: audit log: recovered"),
 * never once per event; each failure is also counted, for the metrics.
 *
 * Invariants: the text never holds a secret (callers pass paths and
 * errno or SQLite strings only); every function is thread-safe and may
 * be called before anything else (the table is static).
 *
 *	if (write(...) == -1)
 *		health_fail(HEALTH_AUDIT, "audit log: cannot append: %s",
 *		    strerror(errno));
 *	else
 *		health_ok(HEALTH_AUDIT);
 *	...
 *	struct health_report r;
 *	health_report(&r);	// r.nproblems == 0: ready
 */
#ifndef SSPR_HEALTH_H
#define SSPR_HEALTH_H

#include <stddef.h>

#include "compat/compat.h"

enum health_item {
	HEALTH_AUDIT,        /* the audit trail cannot be appended to */
	HEALTH_JOURNAL_FILE, /* journal.db is gone or replaced on disk */
	HEALTH_OUTBOX_FILE,  /* outbox.db is gone or replaced on disk */
	HEALTH_JOURNAL,      /* the last journal write failed (counted and
	                        logged; not a readiness problem: the next
	                        write tells, and each request that needs it
	                        answers 503 by itself) */
	HEALTH_NITEMS
};

#define HEALTH_MAX_TEXT 256

struct health_report {
	size_t nproblems; /* readiness problems, in item order */
	char problems[HEALTH_NITEMS][HEALTH_MAX_TEXT];
	unsigned long failures[HEALTH_NITEMS]; /* health_fail() calls */
	int failing[HEALTH_NITEMS];            /* 1: failing now */
};

/* item is failing, for the reason fmt says (one line; cut at
 * HEALTH_MAX_TEXT).  Counts a failure; logs on stderr when the item was
 * well, or when the reason changed.  Never fails. */
void health_fail(enum health_item item, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* item is well again: logs "recovered" once when it was failing. */
void health_ok(enum health_item item);

/* 1 when item is failing now, else 0. */
int health_failing(enum health_item item);

/* A copy of the table, taken under its lock.  The readiness problems are
 * the failing items other than HEALTH_JOURNAL. */
void health_report(struct health_report *out);

#endif
