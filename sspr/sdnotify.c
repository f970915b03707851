/*
 * sdnotify.c - readiness, status and a probing watchdog for systemd (see
 * sdnotify.h).
 *
 * Protocol: sd_notify(3), sd_watchdog_enabled(3).  Built without
 * libsystemd, the notifications are empty functions and the watchdog
 * never starts.
 */
#include "sspr/sdnotify.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "compat/banned.h"

/* A probe may take at most half of the ping period, so that a slow but
 * working service still pings in time; and never less than this. */
#define SDNOTIFY_MIN_PROBE_MS 100

struct sdnotify_watchdog {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled by sdnotify_watchdog_stop */
	int stop;          /* under mu */
	long period_ms;    /* half of WATCHDOG_USEC */
	sdnotify_alive_fn alive;
	void *arg; /* borrowed */
};

/* ------------------------------------------------------------------ */
/* notifications                                                       */

#ifdef HAVE_LIBSYSTEMD
/* Send head (a fixed "VAR=1\n" or "") followed by STATUS=<fmt...>. */
static void PRINTF_LIKE(2, 0)
    sdnotify_send(const char *head, const char *fmt, va_list ap)
{
	char status[SDNOTIFY_MAX_STATUS], msg[SDNOTIFY_MAX_STATUS + 32];

	(void)vsnprintf(status, sizeof(status), fmt, ap);
	text_oneline(status); /* one line: a newline would start a variable */
	(void)snprintf(msg, sizeof(msg), "%sSTATUS=%s", head, status);
	(void)sd_notify(0, msg);
}
#else
static void PRINTF_LIKE(2, 0)
    sdnotify_send(const char *head, const char *fmt, va_list ap)
{
	(void)head;
	(void)fmt;
	(void)ap;
}
#endif

void
sdnotify_ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sdnotify_send("READY=1\n", fmt, ap);
	va_end(ap);
}

void
sdnotify_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sdnotify_send("", fmt, ap);
	va_end(ap);
}

void
sdnotify_stopping(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sdnotify_send("STOPPING=1\n", fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* the watchdog                                                        */

#ifdef HAVE_LIBSYSTEMD
/* Wait period_ms on wd->cv; 1 when asked to stop. */
static int
sdnotify_watchdog_wait(struct sdnotify_watchdog *wd)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wd->period_ms / 1000;
	until.tv_nsec += (wd->period_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wd->mu);
	while (!wd->stop &&
	       pthread_cond_timedwait(&wd->cv, &wd->mu, &until) != ETIMEDOUT)
		;
	stop = wd->stop;
	pthread_mutex_unlock(&wd->mu);
	return stop;
}

static void *
sdnotify_watchdog_run(void *arg)
{
	struct sdnotify_watchdog *wd = arg;
	char err[SDNOTIFY_MAX_STATUS];
	int timeout_ms, failing = 0;

	timeout_ms = (int)(wd->period_ms / 2);
	if (timeout_ms < SDNOTIFY_MIN_PROBE_MS)
		timeout_ms = SDNOTIFY_MIN_PROBE_MS;
	/* Ping at once: the time from READY=1 to the first period is the
	 * service's, not the probe's. */
	(void)sd_notify(0, "WATCHDOG=1");
	while (!sdnotify_watchdog_wait(wd)) {
		err[0] = '\0';
		if (wd->alive(wd->arg, timeout_ms, err, sizeof(err)) == 0) {
			(void)sd_notify(0, "WATCHDOG=1");
			if (failing)
				sdnotify_status("alive again");
			failing = 0;
			continue;
		}
		/* No ping: systemd restarts the service when the interval
		 * passes.  Said once per failing stretch. */
		if (!failing) {
			fprintf(stderr, "sspr: watchdog: not alive: %s\n", err);
			sdnotify_status("not alive: %s", err);
		}
		failing = 1;
	}
	return NULL;
}
#endif

int
sdnotify_watchdog_start(sdnotify_alive_fn alive, void *arg,
    struct sdnotify_watchdog **out, char *err, size_t errsize)
{
#ifdef HAVE_LIBSYSTEMD
	struct sdnotify_watchdog *wd;
	pthread_condattr_t ca;
	uint64_t usec = 0;
	int rv;

	*out = NULL;
	rv = sd_watchdog_enabled(0, &usec);
	if (rv < 0) {
		errf(err, errsize, "WATCHDOG_USEC: %s", strerror(-rv));
		return -1;
	}
	if (rv == 0 || usec == 0)
		return 0;
	wd = xcalloc(1, sizeof(*wd));
	wd->period_ms = (long)(usec / 2000);
	if (wd->period_ms < 1)
		wd->period_ms = 1;
	wd->alive = alive;
	wd->arg = arg;
	pthread_mutex_init(&wd->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->cv, &ca);
	pthread_condattr_destroy(&ca);
	rv = pthread_create(&wd->thread, NULL, sdnotify_watchdog_run, wd);
	if (rv != 0) {
		errf(err, errsize, "cannot start the watchdog thread: %s",
		    strerror(rv));
		pthread_cond_destroy(&wd->cv);
		pthread_mutex_destroy(&wd->mu);
		free(wd);
		return -1;
	}
	*out = wd;
	return 0;
#else
	(void)alive;
	(void)arg;
	(void)err;
	(void)errsize;
	*out = NULL;
	return 0;
#endif
}

void
sdnotify_watchdog_stop(struct sdnotify_watchdog *wd)
{
	if (wd == NULL)
		return;
	pthread_mutex_lock(&wd->mu);
	wd->stop = 1;
	pthread_cond_signal(&wd->cv);
	pthread_mutex_unlock(&wd->mu);
	pthread_join(wd->thread, NULL);
	pthread_cond_destroy(&wd->cv);
	pthread_mutex_destroy(&wd->mu);
	free(wd);
}
