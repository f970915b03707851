/*
 * delay.h - answers held until a time, without holding a worker.
 *
 * A refused sign-on must take as long as one the ESM refused (the pace,
 * sspr_int.h).  Sleeping on a hashing worker would let every refusal hold
 * a worker for that time; instead the worker finishes at once and the
 * suspended connection is handed here, to be resumed at its deadline by
 * one timer thread.  The table is the timer thread's and the submitters':
 * every access is under its mutex.
 *
 *	struct web_delay *d = web_delay_new();
 *	web_delay_add(d, &deadline, resume, rq);   (from any thread)
 *	web_delay_free(d);                         (resumes what is left)
 */
#ifndef SSPR_WEB_DELAY_H
#define SSPR_WEB_DELAY_H

#include <time.h>

struct web_delay;

struct web_delay *web_delay_new(void);

/* Resume every held item now, stop the thread; NULL-safe. */
void web_delay_free(struct web_delay *d);

/* Call fn(arg) on the timer thread at until (CLOCK_MONOTONIC), or at
 * once on this thread when until has passed or the table is stopping. */
void web_delay_add(struct web_delay *d, const struct timespec *until,
    void (*fn)(void *), void *arg);

#endif
