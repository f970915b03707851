/*
 * test_hdsession.c - unit tests for sspr/hdsession.c, the helpdesk's
 * session table.
 *
 * The clock is the now argument every call takes, so expiry is tested at
 * exact seconds: a session lives until idle seconds pass without use or
 * max seconds after it began, whichever comes first, and an expired
 * session is ended (not merely refused).  A full table ends the session
 * idle the longest.  The table keeps the SHA-256 of a token, never the
 * token: its memory is searched for it.  Several threads use one table
 * at once.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "sspr/hdsession.h"

#include "compat/banned.h"

#define T_IDLE 900   /* 15 minutes */
#define T_MAX  28800 /* 8 hours */
#define T0     1000000LL

static void
t_new(struct sspr_hd_sessions *t, const char *actor, long long now,
    char token[SSPR_HD_TOKEN_MAX])
{
	assert_int_equal(hd_session_new(t, actor, now, token), 0);
	assert_true(strlen(token) > 40 && strlen(token) < SSPR_HD_TOKEN_MAX);
}

static int
t_find(struct sspr_hd_sessions *t, const char *token, long long now,
    struct sspr_hd_actor *a)
{
	return hd_session_find(t, token, now, T_IDLE, T_MAX, a);
}

static void
test_new_find_end(void **state)
{
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	char tok[SSPR_HD_TOKEN_MAX], tok2[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a, b;

	(void)state;
	t_new(t, "OPER1", T0, tok);
	t_new(t, "OPER1", T0, tok2);
	assert_string_not_equal(tok, tok2);
	memset(&a, 0, sizeof(a));
	assert_int_equal(t_find(t, tok, T0 + 1, &a), 0);
	assert_string_equal(a.userid, "OPER1");
	assert_int_equal(strlen(a.token_hash), 64);
	assert_int_equal(t_find(t, tok2, T0 + 1, &b), 0);
	assert_string_not_equal(a.token_hash, b.token_hash);

	/* unknown, empty, too long, NULL */
	assert_int_equal(t_find(t, "NOSUCHTOKEN", T0, &b), -1);
	assert_int_equal(t_find(t, "", T0, &b), -1);
	assert_int_equal(t_find(t, NULL, T0, &b), -1);
	{
		char longtok[SSPR_HD_TOKEN_MAX + 8];

		memset(longtok, 'A', sizeof(longtok) - 1);
		longtok[sizeof(longtok) - 1] = '\0';
		assert_int_equal(t_find(t, longtok, T0, &b), -1);
	}
	/* a token differing in its last character */
	{
		char near[SSPR_HD_TOKEN_MAX];
		size_t n = strlen(tok);

		memcpy(near, tok, n + 1);
		near[n - 1] = near[n - 1] == 'A' ? 'B' : 'A';
		assert_int_equal(t_find(t, near, T0, &b), -1);
	}

	/* end by hash: that session only, twice is harmless */
	hd_session_end(t, a.token_hash);
	assert_int_equal(t_find(t, tok, T0 + 2, &b), -1);
	assert_int_equal(t_find(t, tok2, T0 + 2, &b), 0);
	hd_session_end(t, a.token_hash);
	assert_int_equal(t_find(t, tok2, T0 + 2, &b), 0);

	/* end by actor: every session of that actor, no other */
	t_new(t, "OPER1", T0, tok);
	{
		char other[SSPR_HD_TOKEN_MAX];

		t_new(t, "OPER2", T0, other);
		hd_session_end_actor(t, "OPER1");
		assert_int_equal(t_find(t, tok, T0 + 3, &b), -1);
		assert_int_equal(t_find(t, tok2, T0 + 3, &b), -1);
		assert_int_equal(t_find(t, other, T0 + 3, &b), 0);
		assert_string_equal(b.userid, "OPER2");
		hd_session_end_actor(t, "OPER");
		assert_int_equal(t_find(t, other, T0 + 3, &b), 0);
	}
	sspr_hd_sessions_free(t);
	sspr_hd_sessions_free(NULL);
}

static void
test_idle_expiry(void **state)
{
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	char tok[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a;

	(void)state;
	t_new(t, "OPER1", T0, tok);
	/* each use restarts the idle clock */
	assert_int_equal(t_find(t, tok, T0 + T_IDLE - 1, &a), 0);
	assert_int_equal(t_find(t, tok, T0 + 2 * T_IDLE - 2, &a), 0);
	/* idle exactly T_IDLE seconds: gone */
	assert_int_equal(t_find(t, tok, T0 + 3 * T_IDLE - 2, &a), -1);
	/* and ended, not just refused at that time */
	assert_int_equal(t_find(t, tok, T0 + 2 * T_IDLE - 1, &a), -1);
	sspr_hd_sessions_free(t);
}

static void
test_absolute_expiry(void **state)
{
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	char tok[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a;
	long long now;

	(void)state;
	t_new(t, "OPER1", T0, tok);
	/* used every 10 minutes, never idle: still ends at T0 + T_MAX */
	for (now = T0 + 600; now < T0 + T_MAX; now += 600)
		if (t_find(t, tok, now, &a) != 0)
			fail_msg("ended early at +%lld s", now - T0);
	assert_int_equal(t_find(t, tok, T0 + T_MAX - 1, &a), 0);
	assert_int_equal(t_find(t, tok, T0 + T_MAX, &a), -1);
	assert_int_equal(t_find(t, tok, T0 + T_MAX - 1, &a), -1);
	sspr_hd_sessions_free(t);
}

static void
test_table_full(void **state)
{
	static char toks[HD_MAX_SESSIONS][SSPR_HD_TOKEN_MAX];
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	char extra[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a;
	size_t i;

	(void)state;
	for (i = 0; i < HD_MAX_SESSIONS; i++)
		t_new(t, "OPER1", T0 + (long long)i, toks[i]);
	/* session 0 is the oldest but was just used: session 1 is idle the
	 * longest, and the one a new session replaces */
	assert_int_equal(t_find(t, toks[0], T0 + 300, &a), 0);
	t_new(t, "OPER2", T0 + 301, extra);
	assert_int_equal(t_find(t, toks[1], T0 + 302, &a), -1);
	assert_int_equal(t_find(t, extra, T0 + 302, &a), 0);
	assert_string_equal(a.userid, "OPER2");
	for (i = 0; i < HD_MAX_SESSIONS; i++)
		if (i != 1 && t_find(t, toks[i], T0 + 303, &a) != 0)
			fail_msg("session %zu ended by a full table", i);
	sspr_hd_sessions_free(t);
}

/* The table's memory never holds the token, only its hash. */
static void
test_token_not_kept(void **state)
{
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	char tok[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a;
	size_t n;

	(void)state;
	t_new(t, "OPER1", T0, tok);
	n = strlen(tok);
	assert_null(memmem(t, hd_sessions_size(), tok, n));
	/* not even half of it */
	assert_null(memmem(t, hd_sessions_size(), tok, n / 2));
	assert_null(memmem(t, hd_sessions_size(), tok + n / 2, n - n / 2));
	assert_int_equal(t_find(t, tok, T0, &a), 0);
	assert_null(memmem(t, hd_sessions_size(), tok, n / 2));
	/* the hash is not a token, the token is not a hash */
	assert_int_equal(t_find(t, a.token_hash, T0, &a), -1);
	hd_session_end(t, tok);
	assert_int_equal(t_find(t, tok, T0, &a), 0);
	sspr_hd_sessions_free(t);
}

#define T_THREADS 8
#define T_ROUNDS  300

struct t_worker {
	struct sspr_hd_sessions *t;
	char actor[SSPR_MAX_USERID + 1];
	int failures;
};

static void *
t_work(void *arg)
{
	struct t_worker *w = arg;
	char tok[SSPR_HD_TOKEN_MAX];
	struct sspr_hd_actor a;
	int i;

	for (i = 0; i < T_ROUNDS; i++) {
		long long now = T0 + i;

		if (hd_session_new(w->t, w->actor, now, tok) != 0 ||
		    hd_session_find(w->t, tok, now, T_IDLE, T_MAX, &a) != 0 ||
		    strcmp(a.userid, w->actor) != 0) {
			w->failures++;
			continue;
		}
		if (i % 2 == 0)
			hd_session_end(w->t, a.token_hash);
		else
			hd_session_end_actor(w->t, w->actor);
		if (hd_session_find(w->t, tok, now, T_IDLE, T_MAX, &a) != -1)
			w->failures++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct sspr_hd_sessions *t = sspr_hd_sessions_new();
	struct t_worker w[T_THREADS];
	pthread_t th[T_THREADS];
	int i;

	(void)state;
	for (i = 0; i < T_THREADS; i++) {
		w[i].t = t;
		w[i].failures = 0;
		(void)snprintf(w[i].actor, sizeof(w[i].actor), "OPER%d", i);
		assert_int_equal(
		    pthread_create(&th[i], NULL, t_work, &w[i]), 0);
	}
	for (i = 0; i < T_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (w[i].failures != 0)
			fail_msg("thread %d: %d failures", i, w[i].failures);
	}
	sspr_hd_sessions_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_find_end),
	    cmocka_unit_test(test_idle_expiry),
	    cmocka_unit_test(test_absolute_expiry),
	    cmocka_unit_test(test_table_full),
	    cmocka_unit_test(test_token_not_kept),
	    cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
