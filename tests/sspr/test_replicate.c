/*
 * test_replicate.c - several systems: two-phase replication, the journal,
 * crash recovery, the helpdesk and the drift report, through sspr/ calls
 * on three embedded ESMs (PROD, DR, TEST) with a fake clock.
 *
 * Covers: a phase-1 refusal on one system changes no system (enrollment
 * and password); an outage during phase 2 leaves a durable enrollment
 * "pending" and the journal retry converges, while a password is reported
 * "not-applied" and never stored; kill -9 (SIGKILL from the ESM wrapper
 * after K writes) at every write of an enrollment and of a password reset,
 * then recovery: every system consistent or honestly reported, and the
 * user told by e-mail; the helpdesk's sign-on, session end on group
 * removal and on idling, targets it may not touch, replication, lockout
 * clearing, a helpdesk code used in a reset; the drift report.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esm/esm.h"
#include "sspr/helpdesk.h"
#include "sspr/sspr_int.h"
#include "tests/sspr/world.h"

#include "compat/banned.h"

static const char *const dbs3[] = {"prod.db", "dr.db", "test.db", NULL};
static const char *const sysdb[] = {"prod.db", "dr.db", "test.db"};

#define CONFIG3(DR_INJECT)                                                     \
	"{\"state_dir\": \".\", \"key_file\": \"keys.json\", "                 \
	"\"base_url\": \"https://sspr.example.com\", "                         \
	"\"systems\": ["                                                       \
	"{\"name\": \"PROD\", \"backend\": \"embedded\", \"db\": "             \
	"\"prod.db\", "                                                        \
	"\"applid\": \"SSPRAPPL\"}, "                                          \
	"{\"name\": \"DR\", \"backend\": \"embedded\", \"db\": \"dr.db\", "    \
	"\"applid\": \"SSPRAPPL\"" DR_INJECT "}, "                             \
	"{\"name\": \"TEST\", \"backend\": \"embedded\", \"db\": "             \
	"\"test.db\", "                                                        \
	"\"applid\": \"SSPRAPPL\"}], "                                         \
	"\"mail\": {\"transport\": \"directory\", \"path\": \"mail\", "        \
	"\"from\": \"sspr@example.com\"}, "                                    \
	"\"helpdesk\": {\"group\": \"SSPRHELP\", \"idle_minutes\": 10, "       \
	"\"protected_groups\": [\"SYSADM\"]}, "                                \
	"\"journal\": {\"retry_seconds\": 60, \"give_up_hours\": 1}, "         \
	"\"reset\": {\"questions_asked\": 2, \"max_failures\": 5, "            \
	"\"lock_minutes\": 30}}"

static const char *const helpdesk_setup[] = {
    "ADDGROUP SSPRHELP",
    "ADDGROUP SYSADM",
    "ADDUSER HELP1",
    "ALTUSER HELP1 PASSWORD(HELPA1PW) NOEXPIRED",
    "CONNECT HELP1 GROUP(SSPRHELP)",
    "ADDUSER HELP2",
    "ALTUSER HELP2 PASSWORD(HELPB1PW) NOEXPIRED",
    "CONNECT HELP2 GROUP(SSPRHELP)",
    "ADDUSER SYSPROG",
    "ALTUSER SYSPROG PASSWORD(SYSPR1XY) NOEXPIRED",
    "CONNECT SYSPROG GROUP(SYSADM)",
    NULL,
};

static int
setup3(const char *config)
{
	world_config = config;
	world_dbs = dbs3;
	if (world_setup(NULL) != 0)
		return -1;
	esm_cmds("prod.db", helpdesk_setup);
	esm_cmds("dr.db", helpdesk_setup);
	esm_cmds("test.db", helpdesk_setup);
	return 0;
}

static int
setup_plain(void **state)
{
	(void)state;
	return setup3(CONFIG3(""));
}

/* DR fails its first three writes: one call's quick retries. */
static int
setup_dr_outage(void **state)
{
	(void)state;
	return setup3(CONFIG3(", \"inject\": {\"fail_writes\": 3}"));
}

static int
teardown3(void **state)
{
	int rc = world_teardown(state);

	world_config = NULL;
	world_dbs = world_dbs_2;
	return rc;
}

/* The value of a custom field on one database ("" when unset). */
static void
field_on(
    const char *db, const char *user, const char *field, char *out, size_t size)
{
	struct esm_config ec = {.backend = "embedded", .now = fake_now};
	struct esm_err e;
	struct esm *esm;
	char p[600], *v = NULL;

	path(p, sizeof(p), db);
	ec.db = p;
	assert_int_equal(esm_open(&ec, &esm, &e), ESM_OK);
	assert_int_equal(esm_get_fields(esm, user, &field, 1, &v, &e), ESM_OK);
	snprintf(out, size, "%s", v ? v : "");
	free(v);
	esm_close(esm);
}

/* 1 when user's enrollment fields are equal (and set) on every system. */
static int
enrolled_everywhere_alike(const char *user)
{
	static const char *const f[] = {
	    "SSPRPIN", "SSPRA1", "SSPRA2", "SSPRA3", "SSPRMAIL", "SSPRSDTE"};
	char a[256], b[256];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		field_on(sysdb[0], user, f[i], a, sizeof(a));
		if (a[0] == '\0')
			return 0;
		for (k = 1; k < 3; k++) {
			field_on(sysdb[k], user, f[i], b, sizeof(b));
			if (strcmp(a, b) != 0)
				return 0;
		}
	}
	return 1;
}

/* 1 when secret signs user on at db (a wrong one counts a failure). */
static int
signs_on(const char *db, const char *user, const char *secret)
{
	struct esm_verify_result vr;

	verify_at(db, user, secret, &vr);
	return vr.resp == ESM_RESP_NORMAL;
}

static void
enroll_alice3(void)
{
	struct sspr_result res;

	if (enroll("ALICE", PASSWORD, NULL, PIN, "alice@example.com", A1, A2,
	        A3, &res) != 0)
		fail_msg("enroll: %d %s", res.status, res.msg);
	assert_int_equal(res.nsystems, 3);
	assert_true(enrolled_everywhere_alike("ALICE"));
}

static const char *
result_of(const struct sspr_result *res, const char *sys)
{
	size_t i;

	for (i = 0; i < res->nsystems; i++)
		if (strcmp(res->sys[i].name, sys) == 0)
			return res->sys[i].result;
	return "(absent)";
}

static int
complete(const char *token, const char *newpw, struct sspr_result *res)
{
	struct sspr_complete_req c = {.token = token,
	    .action = SSPR_ACT_PASSWORD,
	    .new_secret = newpw,
	    .client = "192.0.2.7"};

	return sspr_reset_complete(W.s, &c, res);
}

/* ---------------------------------------------------------------- *
 * Two phases
 * ---------------------------------------------------------------- */

static void
test_phase1_refusal_changes_nothing(void **state)
{
	static const char *const strict[] = {
	    "SETROPTS PASSWORD(RULE1(LENGTH(8) ALPHA(1) NUMERIC(6)))", NULL};
	static const char *const gone[] = {"DELUSER CAROL", NULL};
	char token[SSPR_TOKEN_MAX], v[64];
	struct sspr_result res;

	(void)state;
	enroll_alice3();
	/* DR wants eight characters: a six-character password passes PROD
	 * and TEST but not DR, so it is set nowhere. */
	esm_cmds("dr.db", strict);
	to_action("ALICE", "alice@example.com", token);
	assert_int_equal(complete(token, "NEWPW1", &res), -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_string_equal(result_of(&res, "DR"), "rules");
	assert_string_equal(result_of(&res, "PROD"), "not-attempted");
	assert_string_equal(result_of(&res, "TEST"), "not-attempted");
	assert_non_null(strstr(res.msg, "DR: "));
	assert_non_null(strstr(res.msg, "Nothing was changed"));
	assert_true(signs_on("prod.db", "ALICE", PASSWORD));
	assert_true(signs_on("dr.db", "ALICE", PASSWORD));
	assert_true(signs_on("test.db", "ALICE", PASSWORD));
	/* The proof was given back: a password all three accept works in
	 * the same flow. */
	assert_int_equal(complete(token, "NEWPW1XY", &res), 0);
	assert_true(signs_on("dr.db", "ALICE", "NEWPW1XY"));
	assert_true(signs_on("test.db", "ALICE", "NEWPW1XY"));

	/* Enrollment: CAROL is not defined on TEST: her password cannot be
	 * proven there, so TEST is not written; the systems where it was
	 * proven are, and the result says so. */
	esm_cmds("test.db", gone);
	assert_int_equal(enroll("CAROL", "CAROL123", NULL, PIN,
	                     "carol@example.com", A1, A2, A3, &res),
	    -1);
	assert_int_equal(res.status, SSPR_PARTIAL);
	assert_string_equal(result_of(&res, "TEST"), "not-attempted");
	assert_string_equal(result_of(&res, "PROD"), "ok");
	field_on("prod.db", "CAROL", "SSPRPIN", v, sizeof(v));
	assert_string_not_equal(v, "");
	field_on("dr.db", "CAROL", "SSPRPIN", v, sizeof(v));
	assert_string_not_equal(v, "");
}

static void
test_outage_retry_converges(void **state)
{
	struct sspr_result res;
	char v[64];

	(void)state;
	/* DR fails three writes: the enrollment lands on PROD and TEST,
	 * DR stays pending in the journal. */
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "alice@example.com", A1, A2, A3, &res),
	    -1);
	assert_int_equal(res.status, SSPR_PARTIAL);
	assert_string_equal(result_of(&res, "PROD"), "ok");
	assert_string_equal(result_of(&res, "TEST"), "ok");
	assert_string_equal(result_of(&res, "DR"), "pending");
	field_on("dr.db", "ALICE", "SSPRPIN", v, sizeof(v));
	assert_string_equal(v, "");
	/* Not due yet: nothing happens. */
	assert_int_equal(sspr_recover(W.s), 0);
	/* Due: the retry converges. */
	W.now += 61;
	assert_int_equal(sspr_recover(W.s), 1);
	assert_true(enrolled_everywhere_alike("ALICE"));
	assert_int_equal(sspr_recover(W.s), 0);
	/* Finished operations are kept for the helpdesk page, then
	 * forgotten (journal.keep_days, 90 by default). */
	{
		struct sspr_hd_actor a = {.userid = "HELP1"};
		struct sspr_hd_user hu;

		assert_int_equal(
		    sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
		assert_int_equal(hu.nops, 1);
		W.now += 89 * 86400;
		(void)sspr_recover(W.s);
		assert_int_equal(
		    sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
		assert_int_equal(hu.nops, 1);
		W.now += 2 * 86400;
		(void)sspr_recover(W.s);
		assert_int_equal(
		    sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
		assert_int_equal(hu.nops, 0);
	}
}

static void
test_outage_password_not_applied(void **state)
{
	char token[SSPR_TOKEN_MAX];
	struct sspr_result res;
	struct sspr_hd_actor op = {.userid = "HELP1"};
	struct sspr_hd_user hu;

	(void)state;
	/* The enrollment uses up DR's three failures and retries. */
	assert_int_equal(enroll("ALICE", PASSWORD, NULL, PIN,
	                     "alice@example.com", A1, A2, A3, &res),
	    -1);
	W.now += 61;
	assert_int_equal(sspr_recover(W.s), 1);
	/* Now DR works again; make it fail three more writes by hand: the
	 * handle's injected failures are spent, so use a fresh setting. */
	{
		struct sspr *s2;
		char err[256];
		struct cfg *c = W.cfg;
		struct sspr_opts o = {
		    .now = fake_now, .no_mail_sender = 1, .no_recovery = 1};

		c->systems[1].inject.fail_writes = 3;
		assert_int_equal(
		    sspr_open(c, W.keys, &o, &s2, err, sizeof(err)), 0);
		to_action("ALICE", "alice@example.com", token);
		{
			struct sspr_complete_req cr = {.token = token,
			    .action = SSPR_ACT_PASSWORD,
			    .new_secret = "NEWPW2XY",
			    .client = "192.0.2.7"};

			assert_int_equal(
			    sspr_reset_complete(s2, &cr, &res), -1);
		}
		sspr_close(s2);
	}
	assert_int_equal(res.status, SSPR_PARTIAL);
	assert_string_equal(result_of(&res, "PROD"), "ok");
	assert_string_equal(result_of(&res, "DR"), "not-applied");
	assert_true(signs_on("prod.db", "ALICE", "NEWPW2XY"));
	assert_true(signs_on("dr.db", "ALICE", PASSWORD));
	/* Never pending: nothing to retry, nothing stored. */
	W.now += 61;
	assert_int_equal(sspr_recover(W.s), 0);
	/* The helpdesk sees the operation and its result per system. */
	assert_int_equal(sspr_hd_lookup(W.s, &op, "alice", NULL, &hu), 0);
	assert_true(hu.nops >= 1);
	assert_string_equal(hu.ops[0].kind, "password");
	assert_string_equal(hu.ops[0].state, "done");
	assert_string_equal(hu.ops[0].sys[1].name, "DR");
	assert_string_equal(hu.ops[0].sys[1].result, "not-applied");
	assert_string_equal(hu.ops[0].sys[0].result, "ok");
}

/* ---------------------------------------------------------------- *
 * kill -9 at every write
 * ---------------------------------------------------------------- */

/* Run fn in a child with its own handle that dies after k writes;
 * 1 when it was killed, 0 when it finished. */
static int
crash_after(unsigned long k, void (*fn)(struct sspr *s, void *arg), void *arg)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sspr *s;
		char err[256];
		struct sspr_opts o = {
		    .now = fake_now, .no_mail_sender = 1, .no_recovery = 1};

		if (sspr_open(W.cfg, W.keys, &o, &s, err, sizeof(err)) == -1)
			_exit(3);
		esm_inject_abort_after(k);
		fn(s, arg);
		esm_inject_abort_after(0);
		sspr_close(s);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return 1;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return 0;
}

static void
do_enroll_bob(struct sspr *s, void *arg)
{
	struct sspr_enroll_req r = {.userid = "BOB",
	    .password = "BOBPW123",
	    .email = "bob@example.com",
	    .pin = PIN,
	    .qid = {"Q01", "Q02", "Q03"},
	    .answer = {A1, A2, A3}};
	struct sspr_result res;

	(void)arg;
	(void)sspr_enroll(s, &r, &res);
}

static void
test_crash_sweep_enroll(void **state)
{
	static const char *const wipe[] = {
	    "ALTUSER BOB CSDATA(NOSSPRPIN NOSSPRA1 NOSSPRA2 NOSSPRA3 "
	    "NOSSPRMAIL NOSSPRSDTE NOSSPRQ1 NOSSPRQ2 NOSSPRQ3)",
	    NULL};
	unsigned long k;
	int killed = 0;

	(void)state;
	for (k = 1; k <= 4; k++) {
		int died = crash_after(k, do_enroll_bob, NULL);
		int finished = sspr_recover(W.s);

		killed += died;
		/* Three systems, one write each: K = 1..3 die mid-way. */
		assert_int_equal(died, k <= 3);
		assert_int_equal(finished, died ? 1 : 0);
		if (!enrolled_everywhere_alike("BOB"))
			fail_msg("K=%lu: BOB differs between systems", k);
		esm_cmds("prod.db", wipe);
		esm_cmds("dr.db", wipe);
		esm_cmds("test.db", wipe);
		W.now += 5;
	}
	assert_int_equal(killed, 3);
}

struct pw_arg {
	char token[SSPR_TOKEN_MAX];
	const char *newpw;
};

static void
do_complete(struct sspr *s, void *arg)
{
	struct pw_arg *a = arg;
	struct sspr_complete_req c = {.token = a->token,
	    .action = SSPR_ACT_PASSWORD,
	    .new_secret = a->newpw};
	struct sspr_result res;

	(void)sspr_reset_complete(s, &c, &res);
}

/* The newest operation of ALICE as the helpdesk sees it. */
static void
last_op(struct sspr_hd_op *out)
{
	struct sspr_hd_actor op = {.userid = "HELP1"};
	struct sspr_hd_user hu;

	assert_int_equal(sspr_hd_lookup(W.s, &op, "ALICE", NULL, &hu), 0);
	assert_true(hu.nops >= 1);
	*out = hu.ops[0];
}

/* 1 when a new mail to rcpt mentions text; read mail is removed. */
static int
mail_says(const char *rcpt, const char *text)
{
	return mail_take(rcpt, text, NULL) > 0;
}

static void
test_crash_sweep_password(void **state)
{
	/* What each system's password is, as far as the test knows. */
	char cur[3][16] = {PASSWORD, PASSWORD, PASSWORD};
	struct pw_arg a;
	struct sspr_hd_op op;
	char newpw[16];
	unsigned long k;
	int i, died, seen_unknown = 0, seen_ok = 0;

	(void)state;
	enroll_alice3();
	/* Writes of a completion: the proof consumed (1), the change on
	 * each of three systems (2-4), the reset date (5). */
	for (k = 1; k <= 6; k++) {
		to_action("ALICE", "alice@example.com", a.token);
		snprintf(newpw, sizeof(newpw), "NEWAB%luXY", k);
		a.newpw = newpw;
		died = crash_after(k, do_complete, &a);
		assert_int_equal(died, k <= 5);
		(void)sspr_recover(W.s);
		for (i = 0; i < 3; i++) {
			int now_new = signs_on(sysdb[i], "ALICE", newpw);
			int still_old =
			    !now_new && signs_on(sysdb[i], "ALICE", cur[i]);

			if (!now_new && !still_old)
				fail_msg("K=%lu: %s has neither password", k,
				    sysdb[i]);
			if (k == 1 && now_new)
				fail_msg("K=1 changed %s", sysdb[i]);
			if (k == 1)
				continue;
			last_op(&op);
			assert_string_equal(op.kind, "password");
			assert_string_equal(op.state, "done");
			/* The report never claims what did not happen. */
			if (strcmp(op.sys[i].result, "ok") == 0) {
				assert_true(now_new);
				seen_ok++;
			} else if (strcmp(op.sys[i].result, "not-applied") == 0)
				assert_true(still_old);
			else if (strcmp(op.sys[i].result, "unknown") == 0)
				seen_unknown++;
			else
				fail_msg("K=%lu %s: result %s", k, sysdb[i],
				    op.sys[i].result);
			if (now_new)
				snprintf(cur[i], sizeof(cur[i]), "%s", newpw);
		}
		if (k >= 2 && k <= 5)
			/* The user is told how the interrupted change ended. */
			assert_true(
			    mail_says("alice@example.com", "interrupted"));
		else
			(void)mail_says("alice@example.com", "");
		W.now += 5;
	}
	assert_true(seen_unknown > 0);
	assert_true(seen_ok > 0);
	/* No new password was ever written anywhere but into the ESMs'
	 * one-way hashes: not in the journal, the audit trail or the mail. */
	{
		static const char *const marks[] = {"NEWAB1XY", "NEWAB2XY",
		    "NEWAB3XY", "NEWAB4XY", "NEWAB5XY", "NEWAB6XY", PIN,
		    "Whiskers", "Oldtown", NULL};
		int hits = 0;

		(void)flow_test_deliver();
		grep_tree(W.dir, marks, &hits);
		assert_int_equal(hits, 0);
	}
}

/* ---------------------------------------------------------------- *
 * The helpdesk
 * ---------------------------------------------------------------- */

/* Counts the audit events of refused helpdesk sessions (arg: int). */
static int
count_denied_sessions(const char *line, void *arg)
{
	if (strstr(line, "\"action\":\"helpdesk.session\"") != NULL &&
	    strstr(line, "\"reason\":\"no-session\"") != NULL &&
	    strstr(line, "\"client\":\"192.0.2.5\"") != NULL &&
	    strstr(line, "forged") == NULL)
		(*(int *)arg)++;
	return 0;
}

static void
test_helpdesk_sessions(void **state)
{
	static const char *const remove[] = {
	    "REMOVE HELP2 GROUP(SSPRHELP)", NULL};
	struct sspr_hd_login lg, lg2;
	struct sspr_hd_actor a;

	(void)state;
	/* Wrong password, not a member, member. */
	assert_int_equal(sspr_hd_login(W.s, "HELP1", "WRONG1", NULL, &lg), -1);
	assert_int_equal(lg.status, SSPR_DENIED);
	assert_int_equal(sspr_hd_login(W.s, "ALICE", PASSWORD, NULL, &lg), -1);
	assert_int_equal(lg.status, SSPR_DENIED);
	assert_int_equal(sspr_hd_login(W.s, "help1", "HELPA1PW", NULL, &lg), 0);
	assert_int_equal(lg.expires_in, 600);
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), 0);
	assert_string_equal(a.userid, "HELP1");
	assert_int_equal(sspr_hd_session(W.s, "forged", "192.0.2.5", &a), -1);
	{
		char p[600], err[256];
		struct audit_filter f = {0};
		int n = 0;

		path(p, sizeof(p), "audit.log");
		assert_int_equal(audit_read(p, &f, count_denied_sessions, &n,
		                     err, sizeof(err)),
		    0);
		assert_int_equal(n, 1);
	}
	/* Idle for the limit: ended. */
	W.now += 599;
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), 0);
	W.now += 600;
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), -1);
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), -1);
	/* Removed from the group: the live session ends at once. */
	assert_int_equal(
	    sspr_hd_login(W.s, "HELP2", "HELPB1PW", NULL, &lg2), 0);
	assert_int_equal(sspr_hd_session(W.s, lg2.token, NULL, &a), 0);
	esm_cmds("prod.db", remove);
	assert_int_equal(sspr_hd_session(W.s, lg2.token, NULL, &a), -1);
	/* Failed sign-ons count against the client address: past the
	 * budget even the right password is refused from there. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(
		    sspr_hd_login(W.s, "NOBODY", "WRONG1", "192.0.2.99", &lg),
		    -1);
	assert_int_equal(
	    sspr_hd_login(W.s, "HELP1", "HELPA1PW", "192.0.2.99", &lg), -1);
	assert_int_equal(lg.status, SSPR_DENIED);
	assert_int_equal(
	    sspr_hd_login(W.s, "HELP1", "HELPA1PW", "192.0.2.98", &lg), 0);
	/* Logout. */
	assert_int_equal(sspr_hd_login(W.s, "HELP1", "HELPA1PW", NULL, &lg), 0);
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), 0);
	sspr_hd_logout(W.s, &a, NULL);
	assert_int_equal(sspr_hd_session(W.s, lg.token, NULL, &a), -1);
}

static void
test_helpdesk_targets(void **state)
{
	static const char *const special[] = {"ALTUSER ROOTY SPECIAL", NULL};
	struct sspr_hd_actor a = {.userid = "HELP1"};
	struct sspr_result res;
	struct sspr_hd_user hu;
	static const char *const who[] = {"HELP1", "HELP2", "SYSPROG", "ROOTY"};
	size_t i;

	(void)state;
	esm_cmds("dr.db", special); /* privileged on one system suffices */
	for (i = 0; i < ARRAY_SIZE(who); i++) {
		assert_int_equal(
		    sspr_hd_clear_lockout(W.s, &a, who[i], NULL, &res), -1);
		assert_int_equal(res.status, SSPR_FORBIDDEN);
		assert_int_equal(sspr_hd_replicate(
		                     W.s, &a, who[i], "PROD", NULL, NULL, &res),
		    -1);
		assert_int_equal(res.status, SSPR_FORBIDDEN);
		assert_int_equal(
		    sspr_hd_send_code(W.s, &a, who[i], NULL, "en", &res), -1);
		assert_int_equal(res.status, SSPR_FORBIDDEN);
		/* Looking is allowed; the page shows the ID protected. */
		assert_int_equal(sspr_hd_lookup(W.s, &a, who[i], NULL, &hu), 0);
		assert_true(hu.protected_id);
	}
	assert_int_equal(sspr_hd_lookup(W.s, &a, "NOBODY", NULL, &hu), -1);
	assert_int_equal(hu.status, SSPR_NOT_FOUND);
	assert_int_equal(sspr_hd_lookup(W.s, NULL, "ALICE", NULL, &hu), -1);
	assert_int_equal(hu.status, SSPR_UNAUTHORIZED);
	assert_int_equal(
	    sspr_hd_clear_lockout(W.s, NULL, "ALICE", NULL, &res), -1);
	assert_int_equal(res.status, SSPR_UNAUTHORIZED);
}

static void
test_helpdesk_repair(void **state)
{
	struct sspr_hd_actor a = {.userid = "HELP1"};
	struct sspr_result res;
	struct sspr_hd_user hu;
	struct sspr_drift d;
	struct sspr_flow fl;
	const char *prod_only[] = {"PROD", NULL};
	const char *dr_only[] = {"DR", NULL};
	char code[9];
	int i;

	(void)state;
	/* Enrolled on PROD only: drift "missing", source PROD. */
	{
		struct sspr_enroll_req r = {.userid = "ALICE",
		    .password = PASSWORD,
		    .email = "alice@example.com",
		    .pin = PIN,
		    .qid = {"Q01", "Q02", "Q03"},
		    .answer = {A1, A2, A3},
		    .systems = {"PROD", NULL}};

		assert_int_equal(sspr_enroll(W.s, &r, &res), 0);
	}
	(void)mail_says("alice@example.com", "");
	assert_int_equal(sspr_drift_report(W.s, &a, NULL, &d), 0);
	assert_int_equal(d.users, 1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.e[0].userid, "ALICE");
	assert_int_equal(d.e[0].kind, SSPR_DRIFT_MISSING);
	assert_string_equal(d.e[0].source, "PROD");
	assert_string_equal(d.e[0].sys[1].state, "not-enrolled");
	sspr_drift_free(&d);
	assert_int_equal(sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
	assert_true(hu.sys[0].enrolled && !hu.sys[1].enrolled);
	assert_string_equal(hu.sys[0].email, "a***@example.com");
	assert_true(strlen(hu.sys[0].digest) == 16);

	/* Replicate to DR only, then to the rest: digests agree, no
	 * drift; the user is told. */
	if (sspr_hd_replicate(W.s, &a, "ALICE", "PROD", dr_only, NULL, &res) !=
	    0)
		fail_msg("replicate: %d %s [%s %s]", res.status, res.msg,
		    res.nsystems ? res.sys[0].result : "",
		    res.nsystems ? res.sys[0].detail : "");
	assert_int_equal(res.nsystems, 1);
	assert_true(mail_says("alice@example.com", "HELP1"));
	assert_int_equal(
	    sspr_hd_replicate(W.s, &a, "ALICE", "PROD", prod_only, NULL, &res),
	    -1);
	assert_int_equal(res.status, SSPR_INVALID);
	assert_int_equal(
	    sspr_hd_replicate(W.s, &a, "ALICE", "PROD", NULL, NULL, &res), 0);
	assert_true(enrolled_everywhere_alike("ALICE"));
	assert_int_equal(sspr_drift_report(W.s, &a, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	sspr_drift_free(&d);
	assert_int_equal(sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
	assert_string_equal(hu.sys[0].digest, hu.sys[1].digest);
	assert_string_equal(hu.sys[0].digest, hu.sys[2].digest);

	/* A different enrollment on TEST: drift "different". */
	{
		struct sspr_enroll_req r = {.userid = "ALICE",
		    .password = PASSWORD,
		    .email = "alice@example.com",
		    .pin = "482957",
		    .qid = {"Q01", "Q02", "Q03"},
		    .answer = {A1, A2, A3},
		    .systems = {"TEST", NULL}};

		W.now += 10 * 60 + 1; /* re-enrollment: once in 10 min */
		if (sspr_enroll(W.s, &r, &res) != 0)
			fail_msg("enroll on TEST: %d %s", res.status, res.msg);
	}
	assert_int_equal(sspr_drift_report(W.s, &a, NULL, &d), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].kind, SSPR_DRIFT_DIFFERENT);
	assert_string_equal(d.e[0].source, "TEST"); /* the newest */
	sspr_drift_free(&d);
	assert_int_equal(
	    sspr_hd_replicate(W.s, &a, "ALICE", "PROD", NULL, NULL, &res), 0);

	/* Lock ALICE out of self-service, clear it. */
	for (i = 0; i < 5; i++) {
		assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
		(void)sspr_reset_pin(W.s, fl.token, "999111", NULL, "en", &fl);
	}
	assert_int_equal(sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
	assert_true(hu.sys[0].locked);
	assert_int_equal(
	    sspr_hd_clear_lockout(W.s, &a, "ALICE", NULL, &res), 0);
	assert_int_equal(sspr_hd_lookup(W.s, &a, "ALICE", NULL, &hu), 0);
	assert_false(hu.sys[0].locked);
	(void)mail_says("alice@example.com", "");

	/* A helpdesk code: the next flow with the right PIN uses it (no
	 * new code is mailed), once. */
	assert_int_equal(
	    sspr_hd_send_code(W.s, &a, "ALICE", NULL, "en", &res), 0);
	last_code("alice@example.com", code);
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	assert_int_equal(fl.step, SSPR_STEP_CODE);
	assert_false(mail_says("alice@example.com", "")); /* none new */
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &fl), 0);
	assert_int_equal(fl.step, SSPR_STEP_ANSWERS);
	assert_int_equal(sspr_reset_start(W.s, "ALICE", NULL, &fl), 0);
	assert_int_equal(
	    sspr_reset_pin(W.s, fl.token, PIN, NULL, "en", &fl), 0);
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &fl), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_phase1_refusal_changes_nothing, setup_plain, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_outage_retry_converges, setup_dr_outage, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_outage_password_not_applied, setup_dr_outage, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_crash_sweep_enroll, setup_plain, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_crash_sweep_password, setup_plain, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_helpdesk_sessions, setup_plain, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_helpdesk_targets, setup_plain, teardown3),
	    cmocka_unit_test_setup_teardown(
	        test_helpdesk_repair, setup_plain, teardown3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
