/*
 * test_flow.c - enrollment and reset end to end through sspr/ calls, on
 * two embedded ESMs (PROD and DR) with real PassTickets, the directory mail
 * transport and a fake clock.
 *
 * Covers: enrollment and its refusals; the reset flow for a password, a
 * phrase and an unlock, applied on both systems through the verify/change
 * path; the access code read from the real e-mail; code expiry (valid at
 * 14:59, refused at 15:01); steps out of order, replayed and across users;
 * a 50-way race on one code; throttling across processes; identical
 * answers with equal Argon2 work for unknown, unenrolled, revoked and
 * locked users; and a canary grep of every file written for the secrets.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat/strbuf.h"
#include "esm/esm.h"
#include "esm/racf.h"
#include "esm/racf_cmd.h"
#include "esm/racf_db.h"
#include "mail/outbox.h"
#include "sspr/config.h"
#include "sspr/journal.h"
#include "sspr/keys.h"
#include "sspr/mailer.h"
#include "sspr/secret.h"
#include "sspr/sspr.h"

#include "tests/sspr/world.h"

#include "compat/banned.h"

static void
enroll_alice(void)
{
	struct sspr_result res;

	if (enroll("ALICE", PASSWORD, NULL, PIN, "alice@example.com", A1, A2,
	        A3, &res) != 0)
		fail_msg("enroll: %d %s", res.status, res.msg);
	assert_int_equal(res.nsystems, 2);
	assert_string_equal(res.sys[0].result, "ok");
	assert_string_equal(res.sys[1].result, "ok");
}

/* ---------------------------------------------------------------- */

static void
test_enroll_refusals(void **state)
{
	static const struct {
		const char *pin, *email, *a1, *a2, *a3, *pw;
		enum sspr_status want;
	} rows[] = {
	    {"111111", "a@example.com", A1, A2, A3, PASSWORD, SSPR_INVALID},
	    {"123456", "a@example.com", A1, A2, A3, PASSWORD, SSPR_INVALID},
	    {"58a920", "a@example.com", A1, A2, A3, PASSWORD, SSPR_INVALID},
	    {PIN, "a@example.com,b@x.com", A1, A2, A3, PASSWORD, SSPR_INVALID},
	    {PIN, "a@example.com", "ab", A2, A3, PASSWORD, SSPR_INVALID},
	    {PIN, "a@example.com", A1, A1, A3, PASSWORD, SSPR_INVALID},
	    {PIN, "a@example.com", A1, A2, A3, "WRONG1", SSPR_DENIED},
	};
	struct sspr_result res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(enroll("ALICE", rows[i].pw, NULL, rows[i].pin,
		                     rows[i].email, rows[i].a1, rows[i].a2,
		                     rows[i].a3, &res),
		    -1);
		if (res.status != rows[i].want)
			fail_msg(
			    "row %zu: status %d (%s)", i, res.status, res.msg);
	}
	/* An expired password is changed through the verify/change path. */
	assert_int_equal(enroll("EVE", "TEMP1", NULL, PIN, "eve@example.com",
	                     A1, A2, A3, &res),
	    -1);
	assert_int_equal(res.status, SSPR_EXPIRED);
	assert_int_equal(enroll("EVE", "TEMP1", "EVEPW123", PIN,
	                     "eve@example.com", A1, A2, A3, &res),
	    0);
	verify_on("prod.db", "EVE", "EVEPW123", ESM_RESP_NORMAL);
}

static void
test_reset_password_both_systems(void **state)
{
	struct sspr_complete_req cr = {
	    .action = SSPR_ACT_PASSWORD, .new_secret = "NEWPW123"};
	char token[SSPR_TOKEN_MAX];
	struct sspr_result res;

	(void)state;
	/* No sender runs here: messages wait in the outbox until the test
	 * delivers them (to read the access code). */
	assert_int_equal(sspr_mail_pending(W.s), 0);
	enroll_alice();
	assert_int_equal(sspr_mail_pending(W.s), 1); /* the notice */
	to_action("ALICE", "alice@example.com", token);
	assert_int_equal(sspr_mail_pending(W.s), 0); /* delivered */
	/* A new password against the rules: refused, the flow stays. */
	cr.token = token;
	cr.new_secret = "ABCDEFG";
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_string_equal(res.sys[0].result, "rules");
	cr.new_secret = "NEWPW123";
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), 0);
	assert_int_equal(res.nsystems, 2);
	assert_string_equal(res.sys[0].result, "ok");
	assert_string_equal(res.sys[1].result, "ok");
	verify_on("prod.db", "ALICE", "NEWPW123", ESM_RESP_NORMAL);
	verify_on("dr.db", "ALICE", "NEWPW123", ESM_RESP_NORMAL);
	assert_int_equal(sspr_mail_pending(W.s), 1); /* reset done */
	/* The flow is consumed: replaying its last step is refused. */
	cr.new_secret = "OTHER123";
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), -1);
	assert_int_equal(res.status, SSPR_DENIED);
}

static void
test_reset_phrase_and_unlock(void **state)
{
	struct sspr_complete_req cr = {
	    .action = SSPR_ACT_PHRASE, .new_secret = "a brand new phrase 42"};
	char token[SSPR_TOKEN_MAX];
	struct sspr_result res;

	(void)state;
	enroll_alice();
	to_action("ALICE", "alice@example.com", token);
	cr.token = token;
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), 0);
	verify_on("prod.db", "ALICE", "a brand new phrase 42", ESM_RESP_NORMAL);
	/* Three wrong passwords revoke ALICE (REVOKE(3)); unlock resumes. */
	verify_on("prod.db", "ALICE", "WRONG1", ESM_RESP_NOTAUTH);
	verify_on("prod.db", "ALICE", "WRONG1", ESM_RESP_NOTAUTH);
	verify_on("prod.db", "ALICE", "WRONG1", ESM_RESP_NOTAUTH);
	verify_on("prod.db", "ALICE", PASSWORD, ESM_RESP_NOTAUTH);
	W.now += 1;
	to_action("ALICE", "alice@example.com", token);
	cr.token = token;
	cr.action = SSPR_ACT_UNLOCK;
	cr.new_secret = NULL;
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), 0);
	verify_on("prod.db", "ALICE", PASSWORD, ESM_RESP_NORMAL);
}

static void
test_code_expiry(void **state)
{
	struct sspr_flow fl, fl2;
	char code[9], tok[SSPR_TOKEN_MAX];

	(void)state;
	enroll_alice();
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	last_code("alice@example.com", code);
	memcpy(tok, fl.token, sizeof(tok));
	W.now += 15 * 60 + 1; /* 15:01 */
	assert_int_equal(sspr_reset_code(W.s, tok, code, NULL, &fl2), -1);
	assert_int_equal(fl2.status, SSPR_DENIED);
	/* A new code for a new flow; valid at 14:59. */
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	if (sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl) != 0)
		fail_msg("PIN: status %d", fl.status);
	last_code("alice@example.com", code);
	W.now += 14 * 60 + 59;
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &fl2), 0);
}

static void
test_steps_in_order_only(void **state)
{
	struct sspr_flow a, b, x;
	char code[9];
	const char *ans[2] = {A1, A2};

	(void)state;
	enroll_alice();
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &a), 0);
	/* Skipping ahead with the PIN-step token: refused everywhere. */
	assert_int_equal(
	    sspr_reset_code(W.s, a.token, "ABCDEFGH", NULL, &x), -1);
	assert_int_equal(
	    sspr_reset_answers(W.s, a.token, ans, 2, NULL, &x), -1);
	assert_int_equal(sspr_reset_pin(W.s, a.token, PIN, NULL, "en", &a), 0);
	last_code("alice@example.com", code);
	/* The code-step token at the answers step: refused. */
	assert_int_equal(
	    sspr_reset_answers(W.s, a.token, ans, 2, NULL, &x), -1);
	/* A forged or altered token: refused. */
	b = a;
	b.token[10] = b.token[10] == 'A' ? 'B' : 'A';
	assert_int_equal(sspr_reset_code(W.s, b.token, code, NULL, &x), -1);
	/* The token with any one character appended: refused, whatever
	 * its length (the base64url decoding is canonical). */
	{
		const char *more = "AQgw_-";
		size_t k, len = strlen(a.token);

		for (k = 0; more[k] != '\0'; k++) {
			b = a;
			b.token[len] = more[k];
			b.token[len + 1] = '\0';
			assert_int_equal(
			    sspr_reset_code(W.s, b.token, code, NULL, &x), -1);
		}
	}
	/* A second flow voids the first flow's code. */
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &b), 0);
	assert_int_equal(sspr_reset_pin(W.s, b.token, PIN, NULL, "en", &b), 0);
	assert_int_equal(sspr_reset_code(W.s, a.token, code, NULL, &x), -1);
	/* Another user's flow with ALICE's code: refused. */
	assert_int_equal(sspr_reset_start(W.s, "BOB", NULL, &x), 0);
	assert_int_equal(sspr_reset_code(W.s, x.token, code, NULL, &x), -1);
}

static void
test_code_race(void **state)
{
	struct sspr_flow fl, x;
	char code[9];
	pid_t pids[50];
	int i, status, wins = 0, fails = 0;

	(void)state;
	enroll_alice();
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	last_code("alice@example.com", code);
	for (i = 0; i < 50; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct sspr *s = world_child_handle();
			struct sspr_flow out;

			i = sspr_reset_code(s, fl.token, code, NULL, &out);
			_exit(i != 0 ? 1 : out.replay ? 2 : 0);
		}
	}
	for (i = 0; i < 50; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= 2);
		wins += WEXITSTATUS(status) == 0;
		fails += WEXITSTATUS(status) == 1;
	}
	/* Exactly one request moved the code from issued to passed; the
	 * others are known as replays of the same flow's step: none is
	 * counted as a wrong code. */
	assert_int_equal(wins, 1);
	assert_int_equal(fails, 0);
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &x), 0);
	assert_true(x.replay);
	/* A wrong code on the passed flow is a failure, not a replay. */
	assert_int_equal(
	    sspr_reset_code(W.s, fl.token, "ABCDEFGH", NULL, &x), -1);
}

/* Wrong codes at once from several processes: every try is counted
 * (compare-and-set with retry), so three of them burn the code even when
 * they race, and the right code is refused afterwards. */
static void
test_code_wrong_race(void **state)
{
	struct sspr_flow fl, x;
	char code[9], wrong[9];
	pid_t pids[3];
	int i, status, gate[2];

	(void)state;
	enroll_alice();
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	last_code("alice@example.com", code);
	memcpy(wrong, code, sizeof(wrong));
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_int_equal(pipe(gate), 0);
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct sspr *s = world_child_handle();
			struct sspr_flow out;
			char c;

			close(gate[1]);
			if (read(gate[0], &c, 1) != 0) /* all start at once */
				_exit(3);
			i = sspr_reset_code(s, fl.token, wrong, NULL, &out);
			_exit(i == -1 && out.status == SSPR_DENIED ? 0 : 1);
		}
	}
	close(gate[0]);
	close(gate[1]);
	for (i = 0; i < 3; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &x), -1);
}

static void
test_throttle_across_processes(void **state)
{
	struct sspr_flow fl;
	pid_t pid;
	int i, status;

	(void)state;
	enroll_alice();
	/* Two processes, each with its own handle, fail twice and three
	 * times: five failures lock the self-service path. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sspr_opts o = {.now = fake_now, .no_mail_sender = 1};
		struct sspr *s;
		char err[256];

		if (sspr_open(W.cfg, W.keys, &o, &s, err, sizeof(err)) == -1)
			_exit(3);
		for (i = 0; i < 2; i++) {
			(void)sspr_reset_start(s, "ALICE", NULL, &fl);
			(void)sspr_reset_pin(
			    s, fl.token, "999111", NULL, "en", &fl);
		}
		_exit(0);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
		assert_int_equal(
		    sspr_reset_pin(W.s, fl.token, "999111", NULL, "en", &fl),
		    -1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), -1);
	assert_int_equal(fl.status, SSPR_DENIED);
	/* The ESM user ID itself was never revoked. */
	verify_on("prod.db", "ALICE", PASSWORD, ESM_RESP_NORMAL);
	/* After the lock time, the right PIN works again. */
	W.now += 31 * 60;
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
}

static void
test_no_enumeration(void **state)
{
	static const char *const users[] = {
	    "NOBODY", "NOENROL", "CAROL", "ROOTY", "ALICE", "1BADID"};
	struct sspr_flow fl[6], st;
	struct sspr_result res;
	unsigned long before, calls[6];
	size_t i;

	(void)state;
	enroll_alice();
	/* CAROL enrolled, then revoked by an administrator; ROOTY made
	 * SPECIAL after enrolling (enrolling a privileged ID is refused);
	 * ALICE is locked by failures. */
	assert_int_equal(enroll("CAROL", "CAROL123", NULL, PIN,
	                     "carol@example.com", A1, A2, A3, &res),
	    0);
	assert_int_equal(enroll("ROOTY", "ROOTY123", NULL, PIN,
	                     "root@example.com", A1, A2, A3, &res),
	    0);
	{
		static const char *const rev[] = {
		    "ALTUSER CAROL REVOKE", "ALTUSER ROOTY SPECIAL", NULL};

		esm_cmds("prod.db", rev);
	}
	for (i = 0; i < 5; i++) {
		(void)sspr_reset_start(W.s, "ALICE", NULL, &st);
		(void)sspr_reset_pin(W.s, st.token, "999111", NULL, "en", &st);
	}
	for (i = 0; i < 6; i++) {
		struct sspr_flow s0;

		assert_int_equal(sspr_reset_start(W.s, users[i], NULL, &s0), 0);
		assert_int_equal(s0.status, SSPR_OK);
		assert_int_equal(s0.step, SSPR_STEP_PIN);
		before = secret_argon2_calls();
		(void)sspr_reset_pin(W.s, s0.token, PIN, NULL, "en", &fl[i]);
		calls[i] = secret_argon2_calls() - before;
	}
	for (i = 0; i < 6; i++) {
		if (memcmp(&fl[i], &fl[0], sizeof(fl[0])) != 0)
			fail_msg("%s answers differently", users[i]);
		assert_int_equal(fl[i].status, SSPR_DENIED);
		if (calls[i] != 1)
			fail_msg("%s: %lu Argon2 calls", users[i], calls[i]);
	}
}

static void
test_client_address_limit(void **state)
{
	struct sspr_opts o = {.now = fake_now, .no_mail_sender = 1};
	struct sspr_flow fl;
	struct sspr *two;
	char err[256];
	int i;

	(void)state;
	enroll_alice();
	/* A second handle of the same process (as a second worker of the
	 * service) shares the first one's table. */
	o.limits = sspr_client_limits(W.s);
	if (sspr_open(W.cfg, W.keys, &o, &two, err, sizeof(err)) == -1)
		fail_msg("sspr_open: %s", err);
	/* Guessing against many users from one address, through both
	 * handles: after 20 failures in all that address is refused for any
	 * user, on either handle; others are not. */
	for (i = 0; i < 20; i++) {
		struct sspr *h = i % 2 ? two : W.s;

		assert_int_equal(sspr_reset_start(h, "NOBODY", NULL, &fl), 0);
		assert_int_equal(sspr_reset_pin(h, fl.token, "999111",
		                     "198.51.100.9", "en", &fl),
		    -1);
	}
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, "198.51.100.9", "en", &fl), -1);
	assert_int_equal(sspr_reset_start(two, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(two, fl.token, PIN, "198.51.100.9", "en", &fl), -1);
	sspr_close(two);
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, "198.51.100.10", "en", &fl), 0);
	/* The window passes. */
	W.now += 601;
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, "198.51.100.9", "en", &fl), 0);
}

static void
test_canary(void **state)
{
	static const char *const marks[] = {PIN, PASSWORD, "NEWPW123",
	    "Whiskers", "whiskers the cat", "Oldtown", "oldtown", "Jonathan",
	    NULL};
	struct sspr_complete_req cr = {
	    .action = SSPR_ACT_PASSWORD, .new_secret = "NEWPW123"};
	char token[SSPR_TOKEN_MAX];
	struct sspr_result res;
	int hits = 0;

	(void)state;
	enroll_alice();
	to_action("ALICE", "alice@example.com", token);
	cr.token = token;
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), 0);
	assert_int_equal(flow_test_deliver(), 0);
	grep_tree(W.dir, marks, &hits);
	assert_int_equal(hits, 0);
}

/* Two completed resets of one user in one second, through two handles
 * (two workers of the service): the second PassTicket is not the first
 * one again, which the ESM's replay protection would refuse. */
static void
test_back_to_back_resets(void **state)
{
	struct sspr_opts o = {.now = fake_now, .no_mail_sender = 1};
	static const char *const pw[] = {"NEWPW123", "NEWPW456", "NEWPW789"};
	struct sspr_complete_req cr = {.action = SSPR_ACT_PASSWORD};
	char token[SSPR_TOKEN_MAX], err[256];
	struct sspr_result res;
	struct sspr *two;
	size_t i, k;

	(void)state;
	enroll_alice();
	if (sspr_open(W.cfg, W.keys, &o, &two, err, sizeof(err)) == -1)
		fail_msg("sspr_open: %s", err);
	for (i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		to_action("ALICE", "alice@example.com", token);
		cr.token = token;
		cr.new_secret = pw[i];
		cr.lang = i == 2 ? "de" : "en";
		assert_int_equal(
		    sspr_reset_complete(i % 2 ? two : W.s, &cr, &res), 0);
		for (k = 0; k < res.nsystems; k++)
			if (strcmp(res.sys[k].result, "ok") != 0)
				fail_msg("reset %zu on %s: %s (%s)", i,
				    res.sys[k].name, res.sys[k].result,
				    res.sys[k].detail);
	}
	sspr_close(two);
	/* The last notice is German, worded from codes: no English. */
	assert_int_equal(mail_take("alice@example.com",
	                     "PROD: erledigt; DR: erledigt", NULL),
	    1);
	verify_on("prod.db", "ALICE", "NEWPW789", ESM_RESP_NORMAL);
	verify_on("dr.db", "ALICE", "NEWPW789", ESM_RESP_NORMAL);
}

/* The journal hands out one time per user and APPLID once, to every
 * handle on the file, and refuses (storing nothing) past max. */
static void
test_ticket_times(void **state)
{
	struct journal *a, *b;
	long long t;
	char err[256];

	(void)state;
	assert_int_equal(journal_open(W.dir, &a, err, sizeof(err)), 0);
	assert_int_equal(journal_open(W.dir, &b, err, sizeof(err)), 0);
	assert_int_equal(
	    journal_ticket_time(a, "SSPRAPPL", "BOB", T0, T0 + 2, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(
	    journal_ticket_time(b, "SSPRAPPL", "BOB", T0, T0 + 2, &t), 0);
	assert_int_equal(t, T0 + 1);
	/* Another APPLID or user is another sequence. */
	assert_int_equal(
	    journal_ticket_time(b, "OTHERAPL", "BOB", T0, T0 + 2, &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(
	    journal_ticket_time(a, "SSPRAPPL", "BOB", T0, T0 + 2, &t), 0);
	assert_int_equal(t, T0 + 2);
	t = 0;
	assert_int_equal(
	    journal_ticket_time(a, "SSPRAPPL", "BOB", T0, T0 + 2, &t), 1);
	assert_int_equal(t, 0);
	assert_int_equal(
	    journal_ticket_time(b, "SSPRAPPL", "BOB", T0 + 1, T0 + 3, &t), 0);
	assert_int_equal(t, T0 + 3);
	/* Time moved on: now again. */
	assert_int_equal(
	    journal_ticket_time(b, "SSPRAPPL", "BOB", T0 + 60, T0 + 62, &t), 0);
	assert_int_equal(t, T0 + 60);
	journal_close(a);
	journal_close(b);
}

/* Tickets taken so fast that the next one would be out of the ESM's
 * window: the change is refused as "busy" (try again shortly), nothing
 * changes, and once the clock catches up the same flow completes. */
static void
test_ticket_times_exhausted(void **state)
{
	struct sspr_complete_req cr = {
	    .action = SSPR_ACT_PASSWORD, .new_secret = "NEWPW123"};
	char token[SSPR_TOKEN_MAX], err[256];
	struct sspr_result res;
	struct journal *j;
	long long t;
	size_t k;

	(void)state;
	enroll_alice();
	to_action("ALICE", "alice@example.com", token);
	/* Another process took every time up to the window's edge. */
	assert_int_equal(journal_open(W.dir, &j, err, sizeof(err)), 0);
	while (journal_ticket_time(j, "SSPRAPPL", "ALICE", (long long)W.now,
	           (long long)W.now + 300, &t) == 0)
		;
	journal_close(j);
	cr.token = token;
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), -1);
	for (k = 0; k < res.nsystems; k++)
		assert_string_equal(res.sys[k].result, "busy");
	verify_on("prod.db", "ALICE", PASSWORD, ESM_RESP_NORMAL);
	W.now += 60;
	assert_int_equal(sspr_reset_complete(W.s, &cr, &res), 0);
	for (k = 0; k < res.nsystems; k++)
		assert_string_equal(res.sys[k].result, "ok");
	verify_on("prod.db", "ALICE", "NEWPW123", ESM_RESP_NORMAL);
	verify_on("dr.db", "ALICE", "NEWPW123", ESM_RESP_NORMAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_enroll_refusals, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_reset_password_both_systems, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_reset_phrase_and_unlock, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_code_expiry, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_steps_in_order_only, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_code_race, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_code_wrong_race, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_throttle_across_processes, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_no_enumeration, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_client_address_limit, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_canary, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_back_to_back_resets, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_ticket_times, world_setup, world_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_ticket_times_exhausted, world_setup, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
