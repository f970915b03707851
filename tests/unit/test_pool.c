/*
 * test_pool.c - web/pool.c: every job runs and is resumed; the queue
 * refuses when full; one client holds at most its share of the places
 * (queued and running), so another client still gets in; a share is
 * given back when its job ends, before its answer goes out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "web/pool.h"

#include "compat/banned.h"

/* Jobs wait at a gate the test opens. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, running;
static atomic_int ran, done;

static void
job_run(void *arg, int worker)
{
	(void)arg;
	(void)worker;
	pthread_mutex_lock(&gate_mu);
	running++;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	running--;
	pthread_mutex_unlock(&gate_mu);
	atomic_fetch_add(&ran, 1);
}

static void
job_done(void *arg)
{
	(void)arg;
	atomic_fetch_add(&done, 1);
}

static void
wait_running(int n)
{
	pthread_mutex_lock(&gate_mu);
	while (running < n)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

static void
set_gate(int open)
{
	pthread_mutex_lock(&gate_mu);
	gate_open = open;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

static void
test_share(void **state)
{
	struct web_job j = {job_run, job_done, NULL};
	struct web_pool *p;
	int i;

	(void)state;
	set_gate(0);
	atomic_store(&ran, 0);
	atomic_store(&done, 0);
	/* 2 workers, 6 queued: 8 places, a share of 2 */
	p = web_pool_new(2, 6);
	assert_int_equal(web_pool_share(p), 2);
	assert_int_equal(web_pool_submit(p, &j, "greedy"), 0);
	assert_int_equal(web_pool_submit(p, &j, "greedy"), 0);
	wait_running(2); /* both workers busy with the greedy client */
	/* its share is taken, running or not */
	assert_int_equal(web_pool_submit(p, &j, "greedy"), -2);
	/* everyone else still gets in, up to the queue's capacity */
	for (i = 0; i < 3; i++) {
		char who[8] = "polite0";

		who[6] = (char)('0' + i);
		assert_int_equal(web_pool_submit(p, &j, who), 0);
		assert_int_equal(web_pool_submit(p, &j, who), 0);
	}
	/* the queue (6) is full now */
	assert_int_equal(web_pool_submit(p, &j, "late"), -1);
	set_gate(1);
	web_pool_free(p); /* runs what was queued */
	assert_int_equal(atomic_load(&ran), 8);
	assert_int_equal(atomic_load(&done), 8);
}

static void
test_share_given_back(void **state)
{
	struct web_job j = {job_run, job_done, NULL};
	struct web_pool *p;
	int i;

	(void)state;
	set_gate(1);
	atomic_store(&ran, 0);
	p = web_pool_new(1, 3); /* share 1 */
	assert_int_equal(web_pool_share(p), 1);
	for (i = 0; i < 50; i++) {
		while (web_pool_submit(p, &j, "one") == -2)
			; /* the last one is still running */
	}
	web_pool_free(p);
	assert_int_equal(atomic_load(&ran), 50);
	/* no client: no share is kept */
	p = web_pool_new(1, 3);
	set_gate(0);
	assert_int_equal(web_pool_submit(p, &j, NULL), 0);
	wait_running(1);
	assert_int_equal(web_pool_submit(p, &j, NULL), 0);
	assert_int_equal(web_pool_submit(p, &j, NULL), 0);
	set_gate(1);
	web_pool_free(p);
}

/* A client that sends its next request the moment it has its answer
 * (done) finds its place free: the share is given back before done. */
static struct web_pool *chain_pool;
static atomic_int chain_left, chain_refused;

static void
job_done_chain(void *arg)
{
	struct web_job j = {job_run, job_done_chain, arg};

	if (atomic_fetch_sub(&chain_left, 1) > 1 &&
	    web_pool_submit(chain_pool, &j, "one") != 0)
		atomic_fetch_add(&chain_refused, 1);
}

static void
test_share_before_answer(void **state)
{
	struct web_job j = {job_run, job_done_chain, NULL};

	(void)state;
	set_gate(1);
	atomic_store(&ran, 0);
	atomic_store(&chain_left, 20);
	atomic_store(&chain_refused, 0);
	chain_pool = web_pool_new(1, 3); /* share 1 */
	assert_int_equal(web_pool_submit(chain_pool, &j, "one"), 0);
	while (atomic_load(&chain_left) > 0 && atomic_load(&chain_refused) == 0)
		sched_yield();
	web_pool_free(chain_pool);
	assert_int_equal(atomic_load(&chain_refused), 0);
	assert_int_equal(atomic_load(&ran), 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_share),
	    cmocka_unit_test(test_share_given_back),
	    cmocka_unit_test(test_share_before_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
