/*
 * test_ptkt_contract.c - PassTickets in the ESM contract: what every ESM
 * backend must do with a PTKTDATA profile (shared/specs/passticket.md §4,
 * racf.md §3.9).
 *
 * A PassTicket for the APPLID is accepted in place of the password, within
 * the window (±10 minutes legacy, the profile's timeout enhanced), once
 * unless the profile allows replay; it works in the verify/change path and
 * sets a new password that is not expired; a revoked user cannot use one;
 * an unavailable key store is a named error, never "wrong password"; and
 * the dry-run probe of `sspr check` evaluates a ticket without consuming
 * it.  Set-up is RACF commands; tickets are generated with esm/passticket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esm/esm.h"
#include "esm/passticket.h"
#include "tests/esm/fixture.h"

#include "compat/banned.h"

#define KEY_L  "E001193519561977"
#define KEY_L2 "0123456789ABCDEF"
#define KEY_E                                                                  \
	"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"     \
	"202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"

static struct fixture *
fx(void **state)
{
	return *state;
}

static int
setup(void **state)
{
	static const char *const lines[] = {
	    "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))",
	    "ADDUSER JOE", "ALTUSER JOE PASSWORD(TEMP1)", "ADDUSER ANN",
	    "ALTUSER ANN PASSWORD(ANNPW1) NOEXPIRED",
	    "RDEFINE PTKTDATA APPL1 SSIGNON(KEYMASKED(" KEY_L "))", NULL};
	struct fixture *f = fixture_new();

	if (f == NULL || fixture_setup(f, lines) == -1) {
		fixture_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture_free(*state);
	return 0;
}

/* A ticket for user and appl at the fixture's time + offset. */
static void
ticket(struct fixture *f, const char *hex, enum passticket_kind kind,
    enum passticket_type type, const char *user, const char *appl, long offset,
    char out[PASSTICKET_LEN + 1])
{
	struct passticket_key k;
	char err[128];

	assert_int_equal(
	    passticket_key_hex(&k, kind, type, hex, err, sizeof(err)), 0);
	assert_int_equal(passticket_generate(&k, user, appl,
	                     (uint64_t)(fixture_now(f) + offset), out),
	    0);
}

static void
legacy(struct fixture *f, const char *user, long offset,
    char out[PASSTICKET_LEN + 1])
{
	ticket(f, KEY_L, PTKT_LEGACY, PTKT_UPPER, user, "APPL1", offset, out);
}

/* Verify and compare resp/resp2/esmresp; returns the result struct. */
static struct esm_verify_result
verify(struct fixture *f, const char *user, const char *secret,
    const char *newsecret, const char *appl, enum esm_resp resp, int resp2,
    int esmresp)
{
	struct esm_verify_result vr;

	(void)esm_verify(fixture_esm(f), user, secret, newsecret, appl, &vr);
	if ((int)vr.resp != (int)resp || vr.resp2 != resp2 ||
	    vr.esmresp != esmresp)
		fail_msg("verify %s: got resp %d/%d/%d, want %d/%d/%d (%s)",
		    user, vr.resp, vr.resp2, vr.esmresp, resp, resp2, esmresp,
		    vr.msg);
	return vr;
}

static void
test_ticket_signs_on_once(void **state)
{
	struct fixture *f = fx(state);
	struct esm_verify_result vr;
	char t[9];

	legacy(f, "ANN", 0, t);
	vr = verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	assert_int_equal(vr.passticket, 1);
	/* Replay protection: the same ticket is refused and counted. */
	vr = verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	assert_int_equal(vr.invalidcount, 1);
	assert_int_equal(vr.passticket, 0);
	assert_non_null(strstr(vr.msg, "ALREADY USED"));
	/* A ticket of the next second is a new ticket. */
	fixture_advance(f, 1);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	/* The password still works, and a ticket is not a password. */
	verify(f, "ANN", "ANNPW1", NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	fixture_advance(f, 1);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, NULL, ESM_RESP_NOTAUTH, 2, 8);
}

static void
test_window_edges(void **state)
{
	struct fixture *f = fx(state);
	char t[9];

	legacy(f, "ANN", -600, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	legacy(f, "ANN", 600, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	legacy(f, "ANN", -601, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	legacy(f, "ANN", 601, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	/* Another user's ticket, another APPLID's, another key's. */
	legacy(f, "JOE", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	ticket(f, KEY_L2, PTKT_LEGACY, PTKT_UPPER, "ANN", "APPL1", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	ticket(f, KEY_L, PTKT_LEGACY, PTKT_UPPER, "ANN", "APPL2", 0, t);
	verify(f, "ANN", t, NULL, "APPL2", ESM_RESP_NOTAUTH, 2, 8);
}

static void
test_no_replay_protection(void **state)
{
	struct fixture *f = fx(state);
	char t[9];

	assert_int_equal(fixture_command(f, "RALTER PTKTDATA APPL1 "
	                                    "APPLDATA('NO REPLAY PROTECTION')"),
	    0);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
}

static void
test_revoked_user_refused(void **state)
{
	struct fixture *f = fx(state);
	char t[9];

	assert_int_equal(fixture_command(f, "ALTUSER ANN REVOKE"), 0);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 19, 28);
	verify(f, "ANN", t, "NEWPW7", "APPL1", ESM_RESP_NOTAUTH, 19, 28);
}

static void
test_change_path_with_ticket(void **state)
{
	struct fixture *f = fx(state);
	struct esm_verify_result vr;
	struct esm_user u;
	struct esm_err err;
	char t[9];

	/* JOE's password is an expired administrator's reset: a ticket
	 * signs on all the same, and sets a new password that is not
	 * expired, subject to the rules. */
	legacy(f, "JOE", 0, t);
	verify(f, "JOE", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	fixture_advance(f, 1);
	legacy(f, "JOE", 0, t);
	vr = verify(f, "JOE", t, "BAD", "APPL1", ESM_RESP_NOTAUTH, 4, 16);
	assert_int_equal(vr.newsecret, ESM_NEW_SYNTAX);
	fixture_advance(f, 1);
	legacy(f, "JOE", 0, t);
	vr = verify(f, "JOE", t, "GOODP7W", "APPL1", ESM_RESP_NORMAL, 0, 0);
	assert_int_equal(vr.passticket, 1);
	assert_int_equal(esm_lookup(fixture_esm(f), "JOE", &u, &err), ESM_OK);
	assert_int_equal(u.password_expired, 0);
	verify(f, "JOE", "GOODP7W", NULL, NULL, ESM_RESP_NORMAL, 0, 0);
	verify(f, "JOE", "TEMP1", NULL, NULL, ESM_RESP_NOTAUTH, 2, 8);
	/* The new password may also be a phrase. */
	fixture_advance(f, 86400);
	legacy(f, "JOE", 0, t);
	verify(f, "JOE", t, "a brand new phrase 4", "APPL1", ESM_RESP_NORMAL, 0,
	    0);
	verify(f, "JOE", "a brand new phrase 4", NULL, NULL, ESM_RESP_NORMAL, 0,
	    0);
}

static void
test_enhanced(void **state)
{
	struct fixture *f = fx(state);
	char t[9];

	assert_int_equal(fixture_command(f, "RDEFINE PTKTDATA APPL2 SSIGNON("
	                                    "EPTKEYMASKED(" KEY_E ") "
	                                    "PTTYPE(MIXED) PTTIMEOUT(30))"),
	    0);
	ticket(f, KEY_E, PTKT_ENHANCED, PTKT_MIXED, "ANN", "APPL2", 30, t);
	verify(f, "ANN", t, NULL, "APPL2", ESM_RESP_NORMAL, 0, 0);
	ticket(f, KEY_E, PTKT_ENHANCED, PTKT_MIXED, "ANN", "APPL2", -31, t);
	verify(f, "ANN", t, NULL, "APPL2", ESM_RESP_NOTAUTH, 2, 8);
	/* An UPPER ticket of the same key is not what the profile takes. */
	ticket(f, KEY_E, PTKT_ENHANCED, PTKT_UPPER, "ANN", "APPL2", 0, t);
	verify(f, "ANN", t, NULL, "APPL2", ESM_RESP_NOTAUTH, 2, 8);
	/* With both kinds of key, RACF takes enhanced tickets only. */
	assert_int_equal(fixture_command(f, "RALTER PTKTDATA APPL1 SSIGNON("
	                                    "EPTKEYMASKED(" KEY_E "))"),
	    0);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	ticket(f, KEY_E, PTKT_ENHANCED, PTKT_UPPER, "ANN", "APPL1", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
}

static void
test_rotation_and_delete(void **state)
{
	struct fixture *f = fx(state);
	char t[9];

	assert_int_equal(fixture_command(f, "RALTER PTKTDATA APPL1 "
	                                    "SSIGNON(KEYMASKED(" KEY_L2 "))"),
	    0);
	legacy(f, "ANN", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
	ticket(f, KEY_L2, PTKT_LEGACY, PTKT_UPPER, "ANN", "APPL1", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	assert_int_equal(fixture_command(f, "RDELETE PTKTDATA APPL1"), 0);
	assert_int_equal(fixture_command(f, "RDELETE PTKTDATA APPL1"), 8);
	fixture_advance(f, 1);
	ticket(f, KEY_L2, PTKT_LEGACY, PTKT_UPPER, "ANN", "APPL1", 0, t);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NOTAUTH, 2, 8);
}

static void
test_key_store_lost(void **state)
{
	struct fixture *f = fx(state);
	struct esm_verify_result vr;
	struct esm_ptkt_probe pr;
	struct esm_err err;
	char t[9];

	legacy(f, "ANN", 0, t);
	assert_int_equal(fixture_lose_key_store(f, 1), 0);
	assert_int_equal(
	    esm_verify(fixture_esm(f), "ANN", t, NULL, "APPL1", &vr),
	    ESM_TEMPFAIL);
	assert_int_equal(vr.code, ESM_E_MASTERKEY);
	assert_non_null(strstr(vr.msg, "master key"));
	assert_non_null(strstr(vr.msg, "unavailable"));
	assert_int_equal(
	    esm_passticket_probe(fixture_esm(f), "APPL1", "ANN", t, &pr, &err),
	    ESM_TEMPFAIL);
	assert_int_equal(err.code, ESM_E_MASTERKEY);
	/* Nothing was counted against the user. */
	assert_int_equal(fixture_lose_key_store(f, 0), 0);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
}

static void
test_probe_consumes_nothing(void **state)
{
	struct fixture *f = fx(state);
	struct passticket_key k;
	struct esm_ptkt_probe pr;
	struct esm_err err;
	char t[9], fp[17], e[128];

	legacy(f, "NOSUCHU", 0, t);
	assert_int_equal(esm_passticket_probe(
	                     fixture_esm(f), "APPL1", "NOSUCHU", t, &pr, &err),
	    ESM_OK);
	assert_int_equal(esm_passticket_probe(
	                     fixture_esm(f), "APPL1", "NOSUCHU", t, &pr, &err),
	    ESM_OK);
	assert_int_equal(pr.enhanced, 0);
	assert_int_equal(pr.window, 600);
	assert_int_equal(pr.esm_now, fixture_now(f));
	assert_int_equal(passticket_key_hex(
	                     &k, PTKT_LEGACY, PTKT_UPPER, KEY_L, e, sizeof(e)),
	    0);
	passticket_fingerprint(&k, fp);
	assert_string_equal(pr.fingerprint, fp);
	/* A probed ticket is still good for a sign-on. */
	legacy(f, "ANN", 0, t);
	assert_int_equal(
	    esm_passticket_probe(fixture_esm(f), "APPL1", "ANN", t, &pr, &err),
	    ESM_OK);
	verify(f, "ANN", t, NULL, "APPL1", ESM_RESP_NORMAL, 0, 0);
	/* A wrong key, and a profile that does not exist. */
	ticket(f, KEY_L2, PTKT_LEGACY, PTKT_UPPER, "ANN", "APPL1", 0, t);
	assert_int_equal(
	    esm_passticket_probe(fixture_esm(f), "APPL1", "ANN", t, &pr, &err),
	    ESM_DENY);
	assert_int_equal(err.code, ESM_E_TICKET);
	assert_int_equal(
	    esm_passticket_probe(fixture_esm(f), "APPLX", "ANN", t, &pr, &err),
	    ESM_DENY);
	assert_int_equal(err.code, ESM_E_NOPROFILE);
	assert_non_null(strstr(err.msg, "APPL1"));
}

static void
test_concurrent_replay(void **state)
{
	struct fixture *f = fx(state);
	int i, status, ok = 0;
	pid_t pids[4];
	char t[9];

	legacy(f, "ANN", 0, t);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct esm_verify_result vr;
			struct esm *e = fixture_esm_open(f);

			if (e == NULL)
				_exit(3);
			(void)esm_verify(e, "ANN", t, NULL, "APPL1", &vr);
			esm_close(e);
			_exit(vr.resp == ESM_RESP_NORMAL ? 0 : 1);
		}
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= 1);
		ok += WEXITSTATUS(status) == 0;
	}
	assert_int_equal(ok, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_ticket_signs_on_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_window_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_no_replay_protection, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_revoked_user_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_change_path_with_ticket, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enhanced, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_rotation_and_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_key_store_lost, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_probe_consumes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_concurrent_replay, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
