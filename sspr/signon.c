/*
 * signon.c - how sspr signs a user on to an ESM (enrollment, the
 * helpdesk's sign-on), with the reset flow's discipline (see sspr_int.h):
 *
 *   - the ESM is asked only for an ID it could accept: defined, not
 *     revoked, not privileged (unless allowed), and never when one more
 *     failure could reach the ESM's own revoke count, so that strangers
 *     can never revoke a mainframe ID through sspr;
 *   - every refusal takes the same time, whether the ESM decided it or
 *     sspr did without asking (the pace, ratelimit.h), and is the same
 *     generic answer;
 *   - verifies on several systems run in parallel, one thread each (a
 *     system appears once in a selection: sspr_select).
 */
#include "sspr/sspr_int.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/banned.h"

/* When a backend cannot tell its revoke count, sspr assumes this one (the
 * smallest REVOKE(n) shops use). */
#define SIGNON_ASSUMED_REVOKE 3

int
sspr_signon_allowed(struct sspr_sys *sys, const char *uid, int allow_special,
    struct esm_user *eu, const char **why)
{
	struct esm_err e;
	enum esm_result rv;
	int limit;

	memset(eu, 0, sizeof(*eu));
	rv = esm_lookup(sys->esm, uid, eu, &e);
	if (rv == ESM_TEMPFAIL) {
		*why = "esm-unavailable";
		return -1;
	}
	if (rv != ESM_OK) {
		*why = "unknown-user";
		return 0;
	}
	if (eu->revoked) {
		*why = "revoked";
		return 0;
	}
	if (eu->special && !allow_special) {
		*why = "privileged";
		return 0;
	}
	limit =
	    eu->revoke_after >= 0 ? eu->revoke_after : SIGNON_ASSUMED_REVOKE;
	if (limit > 0 && eu->invalidcount + 1 >= limit) {
		*why = "near-esm-revoke";
		return 0;
	}
	return 1;
}

static long
signon_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000L +
	       (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static void *
signon_one(void *arg)
{
	struct sspr_signon *j = arg;

	j->rv = esm_verify(
	    j->sys->esm, j->userid, j->password, j->new_password, NULL, &j->vr);
	return NULL;
}

void
sspr_signon_verify(struct sspr *s, struct sspr_signon *jobs, size_t n)
{
	struct timespec t0;
	void *arg[SSPR_MAX_SYSTEMS];
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n && i < SSPR_MAX_SYSTEMS; i++)
		arg[i] = &jobs[i];
	sspr_parallel(arg, i, signon_one);
	ratelimit_pace_note(s->rl, signon_ms_since(&t0));
}

void
sspr_signon_dummy(struct sspr *s)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)secret_dummy_verify(&s->params);
	/* The pace follows whichever is slower, this or the ESM's verify:
	 * neither path may be told from the other by its time. */
	ratelimit_pace_note(s->rl, signon_ms_since(&t0));
}

/* Where this thread's caller wants the pace's deadline instead of a
 * sleep (sspr_signon_defer), or NULL. */
static _Thread_local struct timespec *signon_deferred;

void
sspr_signon_defer(struct timespec *until)
{
	signon_deferred = until;
}

void
sspr_signon_pace(struct sspr *s, const struct timespec *start)
{
	long pace = ratelimit_pace_ms(s->rl);
	long left = pace - signon_ms_since(start);
	struct timespec ts;

	if (left <= 0)
		return;
	if (signon_deferred != NULL) {
		ts = *start;
		ts.tv_sec += (time_t)(pace / 1000);
		ts.tv_nsec += (pace % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		*signon_deferred = ts;
		return;
	}
	ts.tv_sec = (time_t)(left / 1000);
	ts.tv_nsec = (left % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}
