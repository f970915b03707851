/*
 * pool.c - the bounded worker pool (see pool.h).
 */
#include "web/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define POOL_KEY 64 /* a client address (IPv6 with zone fits) */

/* A client holding places: its address and how many (queued plus
 * running). */
struct pool_holder {
	char key[POOL_KEY];
	int n;
};

struct pool_item {
	struct web_job job;
	struct timespec queued;
	int holder; /* index in holders, -1 none */
};

struct web_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t *threads;
	int nthreads, stop;
	struct pool_item *q; /* ring buffer */
	int cap, head, len;
	unsigned long long wait_us, jobs;
	/* Every place is queued or running, so at most cap + nthreads
	 * clients hold places at once. */
	struct pool_holder *holders;
	int nholders, share;
};

/* Release one place of holder h (under the lock). */
static void
pool_release(struct web_pool *p, int h)
{
	if (h >= 0 && --p->holders[h].n == 0)
		p->holders[h].key[0] = '\0';
}

static unsigned long long
pool_us_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long long)(now.tv_sec - t->tv_sec) * 1000000ULL +
	       (unsigned long long)((now.tv_nsec - t->tv_nsec) / 1000);
}

struct pool_start {
	struct web_pool *p;
	int index;
};

static void *
pool_main(void *arg)
{
	struct pool_start *ps = arg;
	struct web_pool *p = ps->p;
	int self = ps->index;
	struct pool_item it;

	free(ps);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->len == 0 && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->len == 0 && p->stop)
			break;
		it = p->q[p->head];
		p->head = (p->head + 1) % p->cap;
		p->len--;
		p->wait_us += pool_us_since(&it.queued);
		p->jobs++;
		pthread_mutex_unlock(&p->lock);
		it.job.run(it.job.arg, self);
		/* The place is given back before the answer goes out: a
		 * client that sends its next request as soon as it has
		 * the answer must find its share free again. */
		pthread_mutex_lock(&p->lock);
		pool_release(p, it.holder);
		pthread_mutex_unlock(&p->lock);
		it.job.done(it.job.arg);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct web_pool *
web_pool_new(int workers, int queue)
{
	struct web_pool *p = xcalloc(1, sizeof(*p));
	int i;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->cap = queue > 0 ? queue : 1;
	p->q = xcalloc((size_t)p->cap, sizeof(*p->q));
	p->threads = xcalloc((size_t)workers, sizeof(*p->threads));
	for (i = 0; i < workers; i++) {
		struct pool_start *ps = xmalloc(sizeof(*ps));

		ps->p = p;
		ps->index = p->nthreads;
		if (pthread_create(
		        &p->threads[p->nthreads], NULL, pool_main, ps) == 0)
			p->nthreads++;
		else
			free(ps);
	}
	if (p->nthreads == 0)
		fatalx("cannot start worker threads");
	p->nholders = p->cap + p->nthreads;
	p->holders = xcalloc((size_t)p->nholders, sizeof(*p->holders));
	/* A quarter of all places, at least one: four greedy clients are
	 * needed to fill the pool, and each of them waits its turn. */
	p->share = (p->cap + p->nthreads) / 4;
	if (p->share < 1)
		p->share = 1;
	return p;
}

void
web_pool_free(struct web_pool *p)
{
	int i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p->q);
	free(p->holders);
	free(p);
}

/* The holder of key, or a free one taken for it (under the lock); -1
 * when none is free (cannot happen: see nholders). */
static int
pool_holder(struct web_pool *p, const char *key)
{
	int i, free_ = -1;

	for (i = 0; i < p->nholders; i++) {
		if (p->holders[i].n > 0 && strcmp(p->holders[i].key, key) == 0)
			return i;
		if (p->holders[i].n == 0 && free_ == -1)
			free_ = i;
	}
	if (free_ >= 0)
		strlcpy_s(p->holders[free_].key, key, POOL_KEY);
	return free_;
}

int
web_pool_submit(
    struct web_pool *p, const struct web_job *job, const char *client)
{
	struct pool_item *it;
	int h = -1;

	pthread_mutex_lock(&p->lock);
	if (p->len == p->cap || p->stop) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	if (client != NULL) {
		h = pool_holder(p, client);
		if (h >= 0 && p->holders[h].n >= p->share) {
			pthread_mutex_unlock(&p->lock);
			return -2;
		}
		if (h >= 0)
			p->holders[h].n++;
	}
	it = &p->q[(p->head + p->len) % p->cap];
	it->job = *job;
	it->holder = h;
	clock_gettime(CLOCK_MONOTONIC, &it->queued);
	p->len++;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int
web_pool_share(const struct web_pool *p)
{
	return p->share;
}

void
web_pool_stats(struct web_pool *p, int *waiting, unsigned long long *wait_us,
    unsigned long long *jobs)
{
	pthread_mutex_lock(&p->lock);
	*waiting = p->len;
	*wait_us = p->wait_us;
	*jobs = p->jobs;
	pthread_mutex_unlock(&p->lock);
}
