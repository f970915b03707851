/*
 * test_delay.c - web/delay.c: held items run at their deadlines, in
 * deadline order whatever the order they were added in; a deadline
 * already past runs at once on the caller; freeing the table runs what
 * it still holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <time.h>

#include "web/delay.h"

#include "compat/banned.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int order[8], norder;

static void
record(void *arg)
{
	pthread_mutex_lock(&mu);
	order[norder++] = (int)(intptr_t)arg;
	pthread_mutex_unlock(&mu);
}

static struct timespec
in_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static int
count(void)
{
	int n;

	pthread_mutex_lock(&mu);
	n = norder;
	pthread_mutex_unlock(&mu);
	return n;
}

static void
test_order(void **state)
{
	struct web_delay *d = web_delay_new();
	struct timespec t, past;

	(void)state;
	norder = 0;
	t = in_ms(300);
	web_delay_add(d, &t, record, (void *)(intptr_t)3);
	t = in_ms(100);
	web_delay_add(d, &t, record, (void *)(intptr_t)1);
	t = in_ms(200);
	web_delay_add(d, &t, record, (void *)(intptr_t)2);
	clock_gettime(CLOCK_MONOTONIC, &past);
	past.tv_sec -= 1;
	web_delay_add(d, &past, record, (void *)(intptr_t)0);
	assert_int_equal(count(), 1); /* the past one ran at once, here */
	while (count() < 4) {
		struct timespec ms = {0, 10000000L};

		nanosleep(&ms, NULL);
	}
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 3);
	web_delay_free(d);
}

static void
test_free_runs_the_rest(void **state)
{
	struct web_delay *d = web_delay_new();
	struct timespec t = in_ms(60000);

	(void)state;
	norder = 0;
	web_delay_add(d, &t, record, (void *)(intptr_t)7);
	web_delay_add(d, &t, record, (void *)(intptr_t)7);
	web_delay_free(d); /* does not wait a minute */
	assert_int_equal(count(), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_free_runs_the_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
