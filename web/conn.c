/*
 * conn.c - open connections and their request deadlines (see conn.h).
 */
#include "web/conn.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/banned.h"

struct web_conn {
	struct web_conn *prev, *next;
	int fd;
	time_t deadline; /* CLOCK_MONOTONIC seconds; 0: none */
};

struct web_conns {
	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cv;
	struct web_conn *head;
	int stop;
	unsigned request_s, idle_s;
	pthread_t sweeper;
};

static time_t
web_conns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void *
web_conns_sweep(void *arg)
{
	struct web_conns *t = arg;
	struct web_conn *e;
	struct timespec until;
	time_t now;

	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		now = web_conns_now();
		for (e = t->head; e != NULL; e = e->next)
			if (e->deadline != 0 && now >= e->deadline) {
				(void)shutdown(e->fd, SHUT_RDWR);
				e->deadline = 0;
			}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&t->cv, &t->mu, &until);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

struct web_conns *
web_conns_new(unsigned request_seconds, unsigned idle_seconds)
{
	struct web_conns *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	t->request_s = request_seconds;
	t->idle_s = idle_seconds;
	if (pthread_create(&t->sweeper, NULL, web_conns_sweep, t) != 0)
		fatalx("cannot start the connection sweeper");
	return t;
}

void
web_conns_free(struct web_conns *t)
{
	struct web_conn *e;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->sweeper, NULL);
	while ((e = t->head) != NULL) { /* none after MHD_stop_daemon */
		t->head = e->next;
		free(e);
	}
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

void
web_conns_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct web_conns *t = cls;
	struct web_conn *e;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(
		    c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL)
			return; /* no deadline, the idle timeout still holds */
		e = xcalloc(1, sizeof(*e));
		e->fd = ci->connect_fd;
		e->deadline = web_conns_now() + (time_t)t->request_s;
		pthread_mutex_lock(&t->mu);
		e->next = t->head;
		if (t->head != NULL)
			t->head->prev = e;
		t->head = e;
		pthread_mutex_unlock(&t->mu);
		*socket_ctx = e;
		return;
	}
	e = *socket_ctx;
	if (e == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&t->mu);
	free(e);
	*socket_ctx = NULL;
}

static void
web_conns_set(struct web_conns *t, struct MHD_Connection *c, time_t deadline)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct web_conn *e = ci != NULL ? ci->socket_context : NULL;

	if (e == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	e->deadline = deadline;
	pthread_mutex_unlock(&t->mu);
}

void
web_conns_received(struct web_conns *t, struct MHD_Connection *c)
{
	web_conns_set(t, c, 0);
}

void
web_conns_answered(struct web_conns *t, struct MHD_Connection *c)
{
	web_conns_set(
	    t, c, web_conns_now() + (time_t)(t->idle_s + t->request_s));
}
