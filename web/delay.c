/*
 * delay.c - answers held until a time (see delay.h).
 */
#include "web/delay.h"

#include <pthread.h>
#include <stdlib.h>

#include "compat/compat.h"
#include "compat/banned.h"

struct delay_item {
	struct timespec until;
	void (*fn)(void *);
	void *arg;
};

struct web_delay {
	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cv;  /* on CLOCK_MONOTONIC */
	pthread_t thread;
	int stop;
	struct delay_item *items; /* unordered; few at a time */
	size_t n, cap;
};

static int
delay_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void *
delay_main(void *arg)
{
	struct web_delay *d = arg;
	struct timespec now;
	struct delay_item it;
	size_t i, first;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		if (d->n == 0) {
			if (d->stop)
				break;
			pthread_cond_wait(&d->cv, &d->mu);
			continue;
		}
		for (first = 0, i = 1; i < d->n; i++)
			if (delay_before(
			        &d->items[i].until, &d->items[first].until))
				first = i;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!d->stop && delay_before(&now, &d->items[first].until)) {
			(void)pthread_cond_timedwait(
			    &d->cv, &d->mu, &d->items[first].until);
			continue;
		}
		it = d->items[first];
		d->items[first] = d->items[--d->n];
		pthread_mutex_unlock(&d->mu);
		it.fn(it.arg);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

struct web_delay *
web_delay_new(void)
{
	struct web_delay *d = xcalloc(1, sizeof(*d));
	pthread_condattr_t ca;

	pthread_mutex_init(&d->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&d->thread, NULL, delay_main, d) != 0)
		fatalx("cannot start the delay thread");
	return d;
}

void
web_delay_free(struct web_delay *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL); /* it resumes what is left first */
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d->items);
	free(d);
}

void
web_delay_add(struct web_delay *d, const struct timespec *until,
    void (*fn)(void *), void *arg)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&d->mu);
	if (d->stop || !delay_before(&now, until)) {
		pthread_mutex_unlock(&d->mu);
		fn(arg);
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap != 0 ? 2 * d->cap : 64;
		d->items = xrealloc(d->items, d->cap * sizeof(*d->items));
	}
	d->items[d->n].until = *until;
	d->items[d->n].fn = fn;
	d->items[d->n].arg = arg;
	d->n++;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}
