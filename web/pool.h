/*
 * pool.h - the bounded worker pool that runs expensive work (Argon2
 * inside sspr_*() calls) off the connection threads.
 *
 * A connection whose request needs such work is suspended, its job queued;
 * a worker runs the job and calls done(), which resumes the connection.
 * The queue is bounded: when it is full, web_pool_submit() refuses at once
 * and the caller answers 503 with Retry-After.  Memory therefore stays
 * bounded by workers x Argon2 memory, whatever the number of connections.
 *
 * The capacity is shared fairly: each job names its client (the address),
 * and one client holds at most web_pool_share() of the places (queued
 * and running together), so a greedy client is refused while the queue
 * still has room for everyone else.
 */
#ifndef SSPR_WEB_POOL_H
#define SSPR_WEB_POOL_H

#include <stddef.h>

struct web_pool;

struct web_job {
	void (*run)(void *arg, int worker); /* on worker number worker */
	void (*done)(void *arg); /* on the worker, after run: resume */
	void *arg;
};

/* workers threads, at most queue jobs waiting. */
struct web_pool *web_pool_new(int workers, int queue);

/* Stop after the queued jobs are done; NULL-safe. */
void web_pool_free(struct web_pool *p);

/* Queue a job for client (NULL: no share is kept): 0, -1 when the queue
 * is full, -2 when client already holds its share. */
int web_pool_submit(
    struct web_pool *p, const struct web_job *job, const char *client);

/* The places (queued plus running) one client may hold. */
int web_pool_share(const struct web_pool *p);

/* Jobs waiting now, and the total time jobs waited (microseconds) and
 * their number, for /metrics. */
void web_pool_stats(struct web_pool *p, int *waiting,
    unsigned long long *wait_us, unsigned long long *jobs);

#endif
