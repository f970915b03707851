/*
 * test_ratelimit.c - sspr/ratelimit.c: the per-address failure window,
 * Retry-After, the audit gate (per address and in all, with the count of
 * events left out), the pace of refusals, and exact counts when many
 * threads fail at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>

#include "sspr/ratelimit.h"

#include "compat/banned.h"

#define T0 1700000000

static void
test_window(void **state)
{
	struct ratelimit *rl = ratelimit_new(3, 60);
	int i;

	(void)state;
	assert_true(ratelimit_allowed(rl, "192.0.2.1", T0));
	for (i = 0; i < 3; i++) {
		assert_true(ratelimit_allowed(rl, "192.0.2.1", T0 + i));
		ratelimit_fail(rl, "192.0.2.1", T0 + i);
	}
	assert_false(ratelimit_allowed(rl, "192.0.2.1", T0 + 3));
	assert_int_equal(ratelimit_retry_after(rl, "192.0.2.1", T0 + 3), 57);
	/* another address has a budget of its own */
	assert_true(ratelimit_allowed(rl, "192.0.2.2", T0 + 3));
	assert_int_equal(ratelimit_retry_after(rl, "192.0.2.2", T0 + 3), 0);
	/* the window ends */
	assert_true(ratelimit_allowed(rl, "192.0.2.1", T0 + 60));
	assert_int_equal(ratelimit_retry_after(rl, "192.0.2.1", T0 + 60), 0);
	/* no address: never limited */
	assert_true(ratelimit_allowed(rl, NULL, T0));
	ratelimit_free(rl);
}

static void
test_audit_gate(void **state)
{
	struct ratelimit *rl = ratelimit_new(3, 60);
	char addr[32];
	long sup;
	int i, written = 0;

	(void)state;
	for (i = 0; i < RATELIMIT_AUDIT_ADDR; i++) {
		assert_true(ratelimit_audit(rl, "192.0.2.1", T0, &sup));
		assert_int_equal(sup, 0);
	}
	/* the address's minute is full: left out, and counted */
	for (i = 0; i < 5; i++)
		assert_false(ratelimit_audit(rl, "192.0.2.1", T0 + 1, &sup));
	/* the next one written carries the count */
	assert_true(ratelimit_audit(rl, "192.0.2.9", T0 + 1, &sup));
	assert_int_equal(sup, 5);
	/* many addresses: at most RATELIMIT_AUDIT_ALL a minute in all */
	for (i = 0; i < 1000; i++) {
		snprintf(addr, sizeof(addr), "2001:db8::%x", i);
		written += ratelimit_audit(rl, addr, T0 + 2, &sup);
	}
	assert_int_equal(
	    written, RATELIMIT_AUDIT_ALL - RATELIMIT_AUDIT_ADDR - 1);
	/* a new minute */
	assert_true(ratelimit_audit(rl, "192.0.2.1", T0 + 61, &sup));
	assert_int_equal(sup, 1000 - written);
	ratelimit_free(rl);
}

static void
test_pace(void **state)
{
	struct ratelimit *rl = ratelimit_new(3, 60);
	long p;
	int i;

	(void)state;
	assert_int_equal(ratelimit_pace_ms(rl), RATELIMIT_PACE_FLOOR_MS);
	ratelimit_pace_note(rl, 800);
	assert_int_equal(ratelimit_pace_ms(rl), 1000); /* with its margin */
	/* faster verifies bring it down slowly, never below the floor */
	ratelimit_pace_note(rl, 10);
	p = ratelimit_pace_ms(rl);
	assert_true(p < 1000 && p > 900);
	for (i = 0; i < 1000; i++)
		ratelimit_pace_note(rl, 10);
	assert_int_equal(ratelimit_pace_ms(rl), RATELIMIT_PACE_FLOOR_MS);
	ratelimit_free(rl);
}

struct racer {
	struct ratelimit *rl;
	int n;
};

static void *
racer_run(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < r->n; i++)
		ratelimit_fail(r->rl, "192.0.2.7", T0);
	return NULL;
}

/* 8 threads x 25 failures with a budget of 200: not one count lost. */
static void
test_concurrent_fails(void **state)
{
	struct ratelimit *rl = ratelimit_new(200, 600);
	struct racer r = {rl, 25};
	pthread_t th[8];
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, racer_run, &r), 0);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_false(ratelimit_allowed(rl, "192.0.2.7", T0));
	ratelimit_free(rl);
	rl = ratelimit_new(201, 600);
	r.rl = rl;
	for (i = 0; i < 8; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, racer_run, &r), 0);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_true(ratelimit_allowed(rl, "192.0.2.7", T0));
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_audit_gate),
	    cmocka_unit_test(test_pace),
	    cmocka_unit_test(test_concurrent_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
