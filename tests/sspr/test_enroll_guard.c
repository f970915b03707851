/*
 * test_enroll_guard.c - enrollment and the helpdesk sign-on as an
 * attacker meets them, through sspr/ calls on two embedded ESMs (PROD and
 * DR, SETROPTS PASSWORD(REVOKE(3))):
 *
 *   - a list of systems is a set: a repeat, in any case, is refused by
 *     name before anything runs;
 *   - a password valid only on DR never replaces PROD's enrollment, and
 *     every address that loses the account is told;
 *   - anonymous wrong passwords never revoke the ESM ID (sspr stops
 *     asking one failure short of REVOKE(n)); a SPECIAL user's right
 *     password is refused exactly like a wrong one;
 *   - a re-enrollment waits ten minutes (each one mails);
 *   - an ESM that cannot be written makes a reset step "try again later",
 *     never a failure counted against the user.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspr/helpdesk.h"
#include "sspr/sspr.h"
#include "tests/sspr/world.h"

#include "compat/banned.h"

static int
enroll_on(const char *user, const char *pw, const char *email,
    const char *const *systems, struct sspr_result *res)
{
	struct sspr_enroll_req r = {.userid = user,
	    .password = pw,
	    .email = email,
	    .pin = PIN,
	    .qid = {"Q01", "Q02", "Q03"},
	    .answer = {A1, A2, A3},
	    .client = "192.0.2.8"};
	size_t i;

	for (i = 0; systems != NULL && systems[i] != NULL; i++)
		r.systems[i] = systems[i];
	return sspr_enroll(W.s, &r, res);
}

static void
pin_field(const char *db, const char *user, char *out, size_t size)
{
	struct esm *esm = world_esm(db);
	const char *name = "SSPRPIN";
	struct esm_err e;
	char *v = NULL;

	assert_int_equal(esm_get_fields(esm, user, &name, 1, &v, &e), ESM_OK);
	snprintf(out, size, "%s", v != NULL ? v : "");
	free(v);
	esm_close(esm);
}

static int
revoked_at(const char *db, const char *user)
{
	struct esm *esm = world_esm(db);
	struct esm_user eu;
	struct esm_err e;

	assert_int_equal(esm_lookup(esm, user, &eu, &e), ESM_OK);
	esm_close(esm);
	return eu.revoked;
}

static void
test_systems_are_a_set(void **state)
{
	static const char *const twice[] = {"PROD", "DR", "PROD", NULL};
	static const char *const cases[] = {"prod", "PROD", NULL};
	static const char *const longer[] = {"PRODUCTION", NULL};
	struct sspr_result res;

	(void)state;
	assert_int_equal(
	    enroll_on("ALICE", PASSWORD, "a@example.com", twice, &res), -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_non_null(strstr(res.msg, "PROD"));
	assert_non_null(strstr(res.msg, "more than once"));
	assert_int_equal(
	    enroll_on("ALICE", PASSWORD, "a@example.com", cases, &res), -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_non_null(strstr(res.msg, "more than once"));
	assert_int_equal(
	    enroll_on("ALICE", PASSWORD, "a@example.com", longer, &res), -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_non_null(strstr(res.msg, "unknown system"));
	/* nothing was written */
	{
		char v[200];

		pin_field("prod.db", "ALICE", v, sizeof(v));
		assert_string_equal(v, "");
	}
}

static void
test_proof_on_every_system(void **state)
{
	static const char *const prod[] = {"PROD", NULL};
	static const char *const dr_prod[] = {"DR", "PROD", NULL};
	static const char *const dr[] = {"DR", NULL};
	static const char *const set_dr[] = {
	    "ALTUSER ALICE PASSWORD(DRONL912) NOEXPIRED", NULL};
	struct sspr_result res;
	char before[200], after[200];

	(void)state;
	assert_int_equal(
	    enroll_on("ALICE", PASSWORD, "alice@example.com", prod, &res), 0);
	pin_field("prod.db", "ALICE", before, sizeof(before));
	assert_string_not_equal(before, "");
	esm_cmds("dr.db", set_dr);
	/* DR's password does not sign on to PROD: nothing is written. */
	W.now += 3600;
	assert_int_equal(
	    enroll_on("ALICE", "DRONL912", "evil@example.net", dr_prod, &res),
	    -1);
	assert_int_equal(res.status, SSPR_DENIED);
	pin_field("prod.db", "ALICE", after, sizeof(after));
	assert_string_equal(before, after);
	/* On DR alone it holds: DR is written, PROD is not. */
	assert_int_equal(
	    enroll_on("ALICE", "DRONL912", "alice2@example.com", dr, &res), 0);
	pin_field("prod.db", "ALICE", after, sizeof(after));
	assert_string_equal(before, after);
	pin_field("dr.db", "ALICE", after, sizeof(after));
	assert_string_not_equal(after, "");
	/* Re-enrolling both with a new address tells each old one. */
	(void)mail_take("alice@example.com", NULL, NULL);
	(void)mail_take("alice2@example.com", NULL, NULL);
	esm_cmds("dr.db",
	    (const char *const[]){
	        "ALTUSER ALICE PASSWORD(" PASSWORD ") NOEXPIRED", NULL});
	W.now += 3600;
	assert_int_equal(
	    enroll_on("ALICE", PASSWORD, "alice3@example.com", NULL, &res), 0);
	assert_true(mail_take("alice@example.com", NULL, NULL) >= 1);
	assert_true(mail_take("alice2@example.com", NULL, NULL) >= 1);
	assert_true(mail_take("alice3@example.com", NULL, NULL) >= 1);
}

static void
test_strangers_never_revoke(void **state)
{
	static const char *const special[] = {"ALTUSER ROOTY SPECIAL", NULL};
	struct sspr_result res, right, wrong;
	int i;

	(void)state;
	/* REVOKE(3): ten anonymous wrong enrollments, from ten addresses. */
	for (i = 0; i < 10; i++) {
		char addr[32];
		struct sspr_enroll_req r = {.userid = "BOB",
		    .password = "WRONG1",
		    .email = "b@example.com",
		    .pin = PIN,
		    .qid = {"Q01", "Q02", "Q03"},
		    .answer = {A1, A2, A3},
		    .client = addr};

		snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
		assert_int_equal(sspr_enroll(W.s, &r, &res), -1);
		assert_int_equal(res.status, SSPR_DENIED);
	}
	assert_false(revoked_at("prod.db", "BOB"));
	assert_false(revoked_at("dr.db", "BOB"));
	verify_on("prod.db", "BOB", "BOBPW123", ESM_RESP_NORMAL);
	/* A SPECIAL user: the right password is refused like a wrong one,
	 * and the ESM is not asked at all. */
	esm_cmds("prod.db", special);
	esm_cmds("dr.db", special);
	assert_int_equal(enroll("ROOTY", "ROOTY123", NULL, PIN, "r@example.com",
	                     A1, A2, A3, &right),
	    -1);
	assert_int_equal(enroll("ROOTY", "WRONG1", NULL, PIN, "r@example.com",
	                     A1, A2, A3, &wrong),
	    -1);
	assert_int_equal(right.status, SSPR_DENIED);
	assert_int_equal(wrong.status, right.status);
	assert_string_equal(wrong.msg, right.msg);
	assert_int_equal(wrong.nsystems, right.nsystems);
	/* Unknown and revoked IDs: the same refusal. */
	assert_int_equal(enroll("NOSUCH", "WRONG1", NULL, PIN, "n@example.com",
	                     A1, A2, A3, &res),
	    -1);
	assert_int_equal(res.status, SSPR_DENIED);
	assert_string_equal(res.msg, right.msg);
}

static void
test_reenroll_waits(void **state)
{
	struct sspr_result res;

	(void)state;
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "alice@example.com", A1, A2, A3, &res),
	    0);
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "other@example.com", A1, A2, A3, &res),
	    -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_non_null(strstr(res.msg, "changed again after"));
	W.now += 10 * 60 + 1;
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "other@example.com", A1, A2, A3, &res),
	    0);
}

/* The code field cannot be written: the step says "try again later",
 * and no failure is counted (a retry works once the ESM is back). */
static void
test_outage_is_not_a_failure(void **state)
{
	struct sspr_opts o = {
	    .now = fake_now, .no_mail_sender = 1, .no_recovery = 1};
	struct sspr_flow fl, x;
	struct sspr_result res;
	struct sspr *down;
	char err[256], code[9];
	int i;

	(void)state;
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "alice@example.com", A1, A2, A3, &res),
	    0);
	W.cfg->systems[0].inject.fail_writes = 1000;
	assert_int_equal(
	    sspr_open(W.cfg, W.keys, &o, &down, err, sizeof(err)), 0);
	W.cfg->systems[0].inject.fail_writes = 0;
	for (i = 0; i < 8; i++) {
		assert_int_equal(sspr_reset_start(down, "ALICE", NULL, &fl), 0);
		assert_int_equal(
		    sspr_reset_pin(down, fl.token, PIN, NULL, "en", &x), -1);
		assert_int_equal(x.status, SSPR_UNAVAILABLE);
	}
	sspr_close(down);
	/* Eight outages later the user is not locked: the flow works. */
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	last_code("alice@example.com", code);
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &x), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_systems_are_a_set, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_proof_on_every_system, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_strangers_never_revoke, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_reenroll_waits, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_outage_is_not_a_failure, world_setup, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
