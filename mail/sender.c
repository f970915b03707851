/*
 * sender.c - the outbox's delivery thread (see sender.h).
 */
#include "mail/sender.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define SENDER_MAX_SLEEP 60 /* re-read the queue at least this often */

struct mail_sender {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, woken;
	struct mail_outbox *ob;
	const struct mail_transport *t;
	const struct mail_retry *r;
};

static void *
sender_main(void *arg)
{
	struct mail_sender *s = arg;
	char err[SSPR_MAX_ERROR];
	struct timespec until;
	time_t now, next;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		s->woken = 0;
		pthread_mutex_unlock(&s->lock);
		now = time(NULL);
		if (mail_outbox_run(
		        s->ob, s->t, s->r, now, &next, err, sizeof(err)) == -1)
			next = now + 1; /* a storage error: try again soon */
		now = time(NULL);
		if (next == 0 || next > now + SENDER_MAX_SLEEP)
			next = now + SENDER_MAX_SLEEP;
		until.tv_sec = next > now ? next : now;
		until.tv_nsec = 0;
		pthread_mutex_lock(&s->lock);
		while (!s->stop && !s->woken &&
		       pthread_cond_timedwait(&s->cond, &s->lock, &until) !=
		           ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int
mail_sender_start(const char *path, const unsigned char key[SEAL_KEY_LEN],
    const struct mail_transport *t, const struct mail_retry *r,
    struct mail_sender **out, char *err, size_t errsize)
{
	struct mail_sender *s = xcalloc(1, sizeof(*s));

	if (mail_outbox_open(path, key, &s->ob, err, errsize) == -1) {
		free(s);
		return -1;
	}
	s->t = t;
	s->r = r;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		snprintf(err, errsize, "cannot start the mail sender thread");
		mail_outbox_close(s->ob);
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
mail_sender_wake(struct mail_sender *s)
{
	pthread_mutex_lock(&s->lock);
	s->woken = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void
mail_sender_stop(struct mail_sender *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	mail_outbox_close(s->ob);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
