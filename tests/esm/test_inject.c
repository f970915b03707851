/*
 * test_inject.c - fault injection in the esm.c wrappers (esm.h struct
 * esm_inject, esm_inject_abort_after()), on the contract suite's fixture.
 *
 * Covered: injected latency is a lower bound on every call that reaches
 * the backend, also while signals interrupt the sleep; fail_writes fails
 * exactly the first N writes of one handle (set_fields, resume,
 * set_secret, verify/change), reads and refused inputs do not count, and
 * a failed write changes nothing; abort_after kills the process with
 * SIGKILL right after the k-th successful write of any handle, before the
 * caller sees it, counts only successes, restarts at every call and is
 * off at 0.
 *
 * Timing is only ever checked as a lower bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "esm/esm.h"
#include "tests/esm/fixture.h"
#include "compat/compat.h"

#include "compat/banned.h"

#define LATENCY_MS 60
#define CF_CODE                                                                \
	"RDEFINE CFIELD USER.CSDATA.CODE CFDEF(TYPE(CHAR) MAXLENGTH(16) "      \
	"MIXED(NO))"

/* ---------------------------------------------------------------- *
 * Helpers
 * ---------------------------------------------------------------- */

static int
inject_setup(void **state)
{
	static const char *const lines[] = {
	    CF_CODE,
	    "ADDUSER JOE",
	    "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED",
	    "ADDUSER USRA",
	    "ADDUSER USRB",
	    "ADDUSER USRC",
	    "ADDUSER USRD",
	    NULL,
	};
	struct fixture *f = fixture_new();

	if (f == NULL)
		return -1;
	if (fixture_setup(f, lines) == -1) {
		fixture_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
inject_teardown(void **state)
{
	fixture_free(*state);
	return 0;
}

static struct esm *
open_inject(struct fixture *f, unsigned latency_ms, unsigned fail_writes)
{
	struct esm_inject inj = {
	    .latency_ms = latency_ms,
	    .fail_writes = fail_writes,
	};
	struct esm *esm = fixture_esm_open_inject(f, &inj);

	assert_non_null(esm);
	return esm;
}

static enum esm_result
set_code(
    struct esm *esm, const char *user, const char *value, struct esm_err *err)
{
	struct esm_field set = {"CODE", value};

	return esm_set_fields(esm, user, &set, 1, NULL, 0, err);
}

/* Assert that user's CODE holds want (NULL: unset), through esm. */
static void
assert_code(struct esm *esm, const char *user, const char *want)
{
	const char *names[1] = {"CODE"};
	char *values[1] = {NULL};
	char got[64] = "(unset)";
	struct esm_err err;

	assert_int_equal(
	    esm_get_fields(esm, user, names, 1, values, &err), ESM_OK);
	if (values[0] != NULL)
		strlcpy_s(got, values[0], sizeof(got));
	free(values[0]);
	assert_string_equal(got, want != NULL ? want : "(unset)");
}

/* The users with CODE set, joined with commas. */
static void
assert_listed(struct esm *esm, const char *want)
{
	char got[128] = "", **ids = NULL;
	struct esm_err err;
	size_t n = 0, i;

	assert_int_equal(esm_list_users(esm, "CODE", &ids, &n, &err), ESM_OK);
	for (i = 0; i < n; i++) {
		size_t len = strlen(got);

		snprintf(
		    got + len, sizeof(got) - len, "%s%s", i ? "," : "", ids[i]);
	}
	esm_list_free(ids, n);
	assert_string_equal(got, want);
}

static void
assert_injected(enum esm_result rv, const struct esm_err *err)
{
	assert_int_equal(rv, ESM_TEMPFAIL);
	assert_int_equal(err->code, ESM_E_BACKEND);
	assert_string_equal(err->msg, "injected fault");
}

static long long
mono_ns(void)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define MS 1000000LL

/* ---------------------------------------------------------------- *
 * Latency
 * ---------------------------------------------------------------- */

static void
test_latency_every_call(void **state)
{
	struct fixture *f = *state;
	struct esm *esm = open_inject(f, LATENCY_MS, 0);
	struct esm_verify_result vr;
	struct esm_user u;
	struct esm_err err;
	char **ids = NULL;
	size_t n = 0;
	long long t;

	t = mono_ns();
	assert_int_equal(esm_lookup(esm, "JOE", &u, &err), ESM_OK);
	assert_true(mono_ns() - t >= LATENCY_MS * MS);

	t = mono_ns();
	assert_int_equal(set_code(esm, "JOE", "A", &err), ESM_OK);
	assert_true(mono_ns() - t >= LATENCY_MS * MS);

	t = mono_ns();
	assert_int_equal(
	    esm_verify(esm, "JOE", "PASS1", NULL, NULL, &vr), ESM_OK);
	assert_true(mono_ns() - t >= LATENCY_MS * MS);

	t = mono_ns();
	assert_int_equal(esm_check_secret(esm, "JOE", "PASS2", &vr), ESM_OK);
	assert_true(mono_ns() - t >= LATENCY_MS * MS);

	t = mono_ns();
	assert_int_equal(esm_list_users(esm, NULL, &ids, &n, &err), ESM_OK);
	assert_true(mono_ns() - t >= LATENCY_MS * MS);
	esm_list_free(ids, n);
	esm_close(esm);
}

static volatile sig_atomic_t ticks;

static void
on_tick(int sig)
{
	(void)sig;
	ticks++;
}

/* Signals every 5 ms during the call: the sleep is restarted, never cut
 * short. */
static void
test_latency_survives_signals(void **state)
{
	struct fixture *f = *state;
	struct esm *esm = open_inject(f, LATENCY_MS, 0);
	struct sigevent sev;
	struct sigaction sa, old;
	struct itimerspec its;
	struct esm_user u;
	struct esm_err err;
	timer_t tid;
	long long t, took;
	int seen;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick; /* no SA_RESTART: nanosleep sees EINTR */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	assert_int_equal(timer_create(CLOCK_MONOTONIC, &sev, &tid), 0);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 5 * MS;
	its.it_interval.tv_nsec = 5 * MS;
	ticks = 0;
	assert_int_equal(timer_settime(tid, 0, &its, NULL), 0);

	t = mono_ns();
	assert_int_equal(esm_lookup(esm, "JOE", &u, &err), ESM_OK);
	took = mono_ns() - t;
	seen = ticks;

	memset(&its, 0, sizeof(its));
	timer_settime(tid, 0, &its, NULL);
	timer_delete(tid);
	sigaction(SIGALRM, &old, NULL);
	esm_close(esm);
	assert_true(seen > 0);
	assert_true(took >= LATENCY_MS * MS);
}

/* ---------------------------------------------------------------- *
 * fail_writes
 * ---------------------------------------------------------------- */

static void
test_fail_writes_two(void **state)
{
	struct fixture *f = *state;
	struct esm *main_esm = fixture_esm(f);
	struct esm *esm = open_inject(f, 0, 2);
	struct esm_verify_result vr;
	struct esm_user u;
	struct esm_err err;
	const char *names[1] = {"CODE"};
	char *values[1] = {NULL};
	char **ids = NULL;
	size_t n = 0;

	/* Reads and inputs refused before the backend are not writes. */
	assert_int_equal(esm_lookup(esm, "JOE", &u, &err), ESM_OK);
	assert_int_equal(
	    esm_get_fields(esm, "JOE", names, 1, values, &err), ESM_OK);
	assert_null(values[0]);
	assert_int_equal(esm_check_secret(esm, "JOE", "PASS2", &vr), ESM_OK);
	assert_int_equal(esm_list_users(esm, NULL, &ids, &n, &err), ESM_OK);
	esm_list_free(ids, n);
	assert_int_equal(
	    esm_verify(esm, "JOE", "PASS1", NULL, NULL, &vr), ESM_OK);
	assert_int_equal(set_code(esm, "1BAD", "X", &err), ESM_DENY);
	assert_int_equal(err.code, ESM_E_NOUSER);

	/* Write 1: a field; nothing stored. */
	assert_injected(set_code(esm, "JOE", "A", &err), &err);
	assert_code(main_esm, "JOE", NULL);

	/* Write 2: verify/change; the password is unchanged and no failure
	 * was counted. */
	assert_int_equal(
	    esm_verify(esm, "JOE", "PASS1", "PASS2", NULL, &vr), ESM_TEMPFAIL);
	assert_int_equal(vr.resp, ESM_RESP_INVREQ);
	assert_int_equal(vr.resp2, 29);
	assert_int_equal(vr.code, ESM_E_BACKEND);
	assert_string_equal(vr.msg, "injected fault");
	assert_int_equal(esm_lookup(main_esm, "JOE", &u, &err), ESM_OK);
	assert_int_equal(u.invalidcount, 0);
	assert_int_equal(
	    esm_verify(main_esm, "JOE", "PASS1", NULL, NULL, &vr), ESM_OK);

	/* Then the handle works again. */
	assert_int_equal(set_code(esm, "JOE", "B", &err), ESM_OK);
	assert_code(main_esm, "JOE", "B");
	assert_int_equal(
	    esm_verify(esm, "JOE", "PASS1", "PASS2", NULL, &vr), ESM_OK);
	assert_int_equal(
	    esm_verify(main_esm, "JOE", "PASS2", NULL, NULL, &vr), ESM_OK);
	esm_close(esm);
}

/* Each kind of write counts, per handle. */
static void
test_fail_writes_each_kind(void **state)
{
	struct fixture *f = *state;
	struct esm *main_esm = fixture_esm(f);
	struct esm *esm = open_inject(f, 0, 4);
	struct esm_verify_result vr;
	struct esm_user u;
	struct esm_err err;

	assert_int_equal(fixture_command(f, "ALTUSER JOE REVOKE"), 0);
	assert_injected(esm_resume(esm, "JOE", &err), &err);
	assert_injected(
	    esm_set_secret(esm, "JOE", "NEWPW1", ESM_SET_NOEXPIRED, &err),
	    &err);
	/* Another handle is not affected. */
	assert_int_equal(set_code(main_esm, "USRA", "M", &err), ESM_OK);
	assert_injected(set_code(esm, "JOE", "A", &err), &err);
	assert_int_equal(
	    esm_verify(esm, "JOE", "PASS1", "PASS2", NULL, &vr), ESM_TEMPFAIL);
	assert_string_equal(vr.msg, "injected fault");

	/* Nothing of the four reached the ESM. */
	assert_int_equal(esm_lookup(main_esm, "JOE", &u, &err), ESM_OK);
	assert_true(u.revoked);
	assert_code(main_esm, "JOE", NULL);

	assert_int_equal(esm_resume(esm, "JOE", &err), ESM_OK);
	assert_int_equal(
	    esm_verify(main_esm, "JOE", "PASS1", NULL, NULL, &vr), ESM_OK);
	assert_int_equal(
	    esm_set_secret(esm, "JOE", "NEWPW1", ESM_SET_NOEXPIRED, &err),
	    ESM_OK);
	assert_int_equal(
	    esm_verify(main_esm, "JOE", "NEWPW1", NULL, NULL, &vr), ESM_OK);
	esm_close(esm);
}

/* ---------------------------------------------------------------- *
 * abort_after
 * ---------------------------------------------------------------- */

/* Child: report each write whose result it saw on fd. */
static void
child_write(struct esm *esm, const char *user, int fd)
{
	struct esm_err err;
	char c = user[3];

	if (set_code(esm, user, "X", &err) != ESM_OK)
		_exit(3);
	if (write(fd, &c, 1) != 1)
		_exit(4);
}

/* Three writes through two handles with abort_after(2). */
static void
child_abort(struct fixture *f, int fd)
{
	struct esm *h1 = fixture_esm_open(f), *h2 = fixture_esm_open(f);

	if (h1 == NULL || h2 == NULL)
		_exit(2);
	esm_inject_abort_after(2);
	child_write(h1, "USRA", fd);
	child_write(h2, "USRB", fd);
	child_write(h1, "USRC", fd);
	_exit(0);
}

/* Failures do not count; every call restarts the count; 0 is off. */
static void
child_reset(struct fixture *f, int fd)
{
	struct esm_inject one = {.fail_writes = 1};
	struct esm *h = fixture_esm_open(f);
	struct esm *hf = fixture_esm_open_inject(f, &one);
	struct esm_err err;

	if (h == NULL || hf == NULL)
		_exit(2);
	esm_inject_abort_after(2);
	if (set_code(h, "NOBODY", "X", &err) != ESM_DENY ||
	    set_code(hf, "USRD", "X", &err) != ESM_TEMPFAIL)
		_exit(3);
	child_write(h, "USRA", fd);
	esm_inject_abort_after(2);
	child_write(h, "USRB", fd);
	esm_inject_abort_after(0);
	child_write(h, "USRC", fd);
	child_write(hf, "USRD", fd);
	_exit(0);
}

/* Run fn in a child; its status, and what it reported into seen. */
static int
run_child(struct fixture *f, void (*fn)(struct fixture *, int), char *seen,
    size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(fds[0]);
		fn(f, fds[1]);
		_exit(5);
	}
	close(fds[1]);
	while (len + 1 < size &&
	       ((got = read(fds[0], seen + len, size - 1 - len)) > 0 ||
	           (got == -1 && errno == EINTR)))
		if (got > 0)
			len += (size_t)got;
	seen[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	return status;
}

static void
test_abort_after(void **state)
{
	struct fixture *f = *state;
	char seen[8];
	int status = run_child(f, child_abort, seen, sizeof(seen));

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* The second write was done but its caller never saw it. */
	assert_string_equal(seen, "A");
	assert_listed(fixture_esm(f), "USRA,USRB");
}

static void
test_abort_after_reset_and_off(void **state)
{
	struct fixture *f = *state;
	char seen[8];
	int status = run_child(f, child_reset, seen, sizeof(seen));

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(seen, "ABCD");
	assert_listed(fixture_esm(f), "USRA,USRB,USRC,USRD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_latency_every_call, inject_setup, inject_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_latency_survives_signals, inject_setup, inject_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_fail_writes_two, inject_setup, inject_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_fail_writes_each_kind, inject_setup, inject_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_abort_after, inject_setup, inject_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_abort_after_reset_and_off, inject_setup, inject_teardown),
	};

	return cmocka_run_group_tests_name(
	    "esm fault injection", tests, NULL, NULL);
}
