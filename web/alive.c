/*
 * alive.c - the liveness probe of the running service (see alive.h).
 *
 * The pool half queues a job whose run does nothing and whose done()
 * wakes the probe; the job's state is shared by count, so a probe that
 * gives up first leaves it to the worker to free.  The HTTP half is a
 * plain HTTP/1.0 request over a non-blocking socket, every step bounded
 * by the same deadline.  RFC 9110 (the status line read).
 */
#include "web/alive.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "web/pool.h"
#include "web/web_int.h"
#include "compat/banned.h"

/* A full queue is tried again this often until the deadline. */
#define ALIVE_RETRY_MS 20
/* The answer's head read: the status line is all that is looked at. */
#define ALIVE_MAX_HEAD 128

/* The no-op job's state: the probe and the worker each hold one count. */
struct alive_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done; /* under mu */
	int refs; /* under mu */
};

static long
alive_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
alive_job_unref(struct alive_job *j)
{
	int last;

	pthread_mutex_lock(&j->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

static void
alive_job_run(void *arg, int worker)
{
	(void)arg;
	(void)worker;
}

static void
alive_job_done(void *arg)
{
	struct alive_job *j = arg;

	pthread_mutex_lock(&j->mu);
	j->done = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	alive_job_unref(j);
}

/* A no-op job through the pool before the deadline (monotonic ms). */
static int
alive_pool(struct web *w, long deadline, char *err, size_t errsize)
{
	struct alive_job *j = xcalloc(1, sizeof(*j));
	struct web_job job = {alive_job_run, alive_job_done, j};
	struct timespec until;
	int rv, done;

	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL); /* CLOCK_REALTIME: see below */
	j->refs = 2;
	while ((rv = web_pool_submit(w->pool, &job, NULL)) != 0) {
		if (alive_now_ms() + ALIVE_RETRY_MS >= deadline) {
			j->refs = 1;
			alive_job_unref(j);
			errf(err, errsize,
			    "the worker pool's queue stayed full");
			return -1;
		}
		(void)nanosleep(
		    &(struct timespec){0, ALIVE_RETRY_MS * 1000000L}, NULL);
	}
	/* The wait is bounded on the real-time clock (the condition's
	 * default), converted from what is left of the monotonic deadline. */
	clock_gettime(CLOCK_REALTIME, &until);
	rv = (int)(deadline - alive_now_ms());
	if (rv < 0)
		rv = 0;
	until.tv_sec += rv / 1000;
	until.tv_nsec += (long)(rv % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->mu);
	while (!j->done &&
	       pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT)
		;
	done = j->done;
	pthread_mutex_unlock(&j->mu);
	alive_job_unref(j);
	if (!done) {
		errf(err, errsize,
		    "a no-op job did not pass through the worker pool in time");
		return -1;
	}
	return 0;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -1. */
static int
alive_poll(int fd, short events, long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	long left;
	int rv;

	do {
		left = deadline - alive_now_ms();
		if (left <= 0)
			return 0;
		rv = poll(&p, 1, (int)left);
	} while (rv == -1 && errno == EINTR);
	return rv;
}

/* The address the daemon listens on, as a client reaches it: the
 * wildcard becomes loopback, the port is the one bound. */
static int
alive_addr(struct web *w, struct sockaddr_storage *ss, socklen_t *len,
    char *err, size_t errsize)
{
	unsigned int sslen;
	char why[SSPR_MAX_ERROR];

	if (cfg_listen_parse(w->cfg->listen, ss, &sslen, why, sizeof(why)) ==
	    -1) {
		errf(err, errsize, "listen: %s", why);
		return -1;
	}
	if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(w->port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;

		if (s4->sin_addr.s_addr == htonl(INADDR_ANY))
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(w->port);
	}
	*len = (socklen_t)sslen;
	return 0;
}

/* GET /healthz answered 200 (with TLS: the connection taken and answered
 * or closed) before the deadline. */
static int
alive_http(struct web *w, long deadline, char *err, size_t errsize)
{
	static const char req[] = "GET /healthz HTTP/1.0\r\n\r\n";
	char head[ALIVE_MAX_HEAD + 1];
	struct sockaddr_storage ss;
	socklen_t sslen;
	size_t len = 0;
	int fd, rv = -1, soerr = 0, tls = w->cfg->tls.cert != NULL;
	socklen_t solen = sizeof(soerr);
	ssize_t n;

	if (alive_addr(w, &ss, &sslen, err, errsize) == -1)
		return -1;
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		errf(err, errsize, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sslen) == -1) {
		if (errno != EINPROGRESS) {
			errf(err, errsize, "connect to port %u: %s",
			    (unsigned)w->port, strerror(errno));
			goto out;
		}
		if (alive_poll(fd, POLLOUT, deadline) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &solen) ==
		        -1 ||
		    soerr != 0) {
			errf(err, errsize, "connect to port %u: %s",
			    (unsigned)w->port,
			    soerr != 0 ? strerror(soerr) : "timed out");
			goto out;
		}
	}
	/* A short write of a 25-byte request to a fresh socket does not
	 * happen; one write is all. */
	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(req) - 1)) {
		errf(err, errsize, "send to port %u: %s", (unsigned)w->port,
		    strerror(errno));
		goto out;
	}
	for (;;) {
		if (alive_poll(fd, POLLIN, deadline) != 1) {
			errf(err, errsize,
			    "the HTTP daemon did not answer /healthz in time");
			goto out;
		}
		n = recv(fd, head + len, ALIVE_MAX_HEAD - len, 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (tls) {
			/* Bytes, a close or a reset: the daemon's thread
			 * handled the connection. */
			rv = 0;
			goto out;
		}
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == ALIVE_MAX_HEAD || memchr(head, '\n', len) != NULL)
			break;
	}
	head[len] = '\0';
	/* Alive, not ready: 503 "not-ready" (the audit trail cannot be
	 * written, the journal is gone) is an answer.  Restarting would not
	 * mend a full disk, and a watchdog that killed a not-ready service
	 * would turn one health problem into a restart loop. */
	if (strncmp(head, "HTTP/1.", 7) != 0 || len < 12 ||
	    (strncmp(head + 8, " 200", 4) != 0 &&
	        strncmp(head + 8, " 503", 4) != 0)) {
		head[strcspn(head, "\r\n")] = '\0';
		text_oneline(head);
		errf(err, errsize, "/healthz answered '%.40s'",
		    len > 0 ? head : "nothing");
		goto out;
	}
	rv = 0;
out:
	close(fd);
	return rv;
}

int
web_alive(struct web *w, int timeout_ms, char *err, size_t errsize)
{
	long deadline = alive_now_ms() + timeout_ms;

	if (alive_pool(w, deadline, err, errsize) == -1)
		return -1;
	return alive_http(w, deadline, err, errsize);
}

int
web_alive_probe(void *arg, int timeout_ms, char *err, size_t errsize)
{
	return web_alive(arg, timeout_ms, err, errsize);
}
