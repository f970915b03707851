/*
 * world.c - the test world of tests/sspr: embedded ESMs (PROD and DR, or
 * the databases a test names), a key file with a PassTicket key, the
 * directory mail transport, a fake clock, and helpers to enroll, read the
 * mailed code and run a reset up to its last step (see world.h).
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
#include <unistd.h>

#include "compat/strbuf.h"
#include "esm/racf.h"
#include "esm/racf_cmd.h"
#include "esm/racf_db.h"
#include "mail/outbox.h"
#include "sspr/mailer.h"
#include "tests/sspr/world.h"

#include "compat/banned.h"

const char *world_config;
const char *const world_dbs_2[] = {"prod.db", "dr.db", NULL};
const char *const *world_dbs = world_dbs_2;

struct world W;

time_t
fake_now(void *arg)
{
	(void)arg;
	return W.now;
}

void
path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", W.dir, name);
}

/* Run RACF commands against an ESM database of the world. */
void
esm_cmds(const char *db, const char *const *cmds)
{
	char p[600], mk[640], err[256];
	struct racf r = {0};
	struct strbuf out;
	size_t i;

	path(p, sizeof(p), db);
	snprintf(mk, sizeof(mk), "%s.mkey", p);
	if (racf_db_open(p, 1, &r.db, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	r.mkey_path = mk;
	r.now = fake_now;
	(void)racf_db_kdf_put(r.db, &(struct racf_kdf){256, 1, 1});
	for (i = 0; cmds[i] != NULL; i++) {
		strbuf_init(&out, SSPR_MAX_LISTING);
		if (racf_cmd_run(&r, "IBMUSER", cmds[i], strlen(cmds[i]),
		        &out) > RACF_CMD_WARNING)
			fail_msg("'%s': %s", cmds[i], out.buf);
		strbuf_release(&out);
	}
	racf_db_close(r.db);
}

const char *const esm_setup[] = {
    "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)) REVOKE(3))",
    "RDEFINE CFIELD USER.CSDATA.SSPRPIN CFDEF(TYPE(CHAR) MAXLENGTH(160))",
    "RDEFINE CFIELD USER.CSDATA.SSPRMAIL CFDEF(TYPE(CHAR) MAXLENGTH(246) "
    "MIXED(YES))",
    "RDEFINE CFIELD USER.CSDATA.SSPRQ1 CFDEF(TYPE(CHAR) MAXLENGTH(8))",
    "RDEFINE CFIELD USER.CSDATA.SSPRQ2 CFDEF(TYPE(CHAR) MAXLENGTH(8))",
    "RDEFINE CFIELD USER.CSDATA.SSPRQ3 CFDEF(TYPE(CHAR) MAXLENGTH(8))",
    "RDEFINE CFIELD USER.CSDATA.SSPRA1 CFDEF(TYPE(CHAR) MAXLENGTH(160))",
    "RDEFINE CFIELD USER.CSDATA.SSPRA2 CFDEF(TYPE(CHAR) MAXLENGTH(160))",
    "RDEFINE CFIELD USER.CSDATA.SSPRA3 CFDEF(TYPE(CHAR) MAXLENGTH(160))",
    "RDEFINE CFIELD USER.CSDATA.SSPRCODE CFDEF(TYPE(CHAR) MAXLENGTH(96))",
    "RDEFINE CFIELD USER.CSDATA.SSPRFAIL CFDEF(TYPE(CHAR) MAXLENGTH(64))",
    "RDEFINE CFIELD USER.CSDATA.SSPRSDTE CFDEF(TYPE(CHAR) MAXLENGTH(20))",
    "RDEFINE CFIELD USER.CSDATA.SSPRRDTE CFDEF(TYPE(CHAR) MAXLENGTH(20))",
    "RDEFINE PTKTDATA SSPRAPPL SSIGNON(KEYMASKED(" PTKEY "))",
    "ADDUSER ALICE NAME('ALICE ADAMS')",
    "ALTUSER ALICE PASSWORD(" PASSWORD ") NOEXPIRED",
    "ADDUSER BOB",
    "ALTUSER BOB PASSWORD(BOBPW123) NOEXPIRED",
    "ADDUSER CAROL",
    "ALTUSER CAROL PASSWORD(CAROL123) NOEXPIRED",
    "ADDUSER EVE",
    "ALTUSER EVE PASSWORD(TEMP1)",
    "ADDUSER ROOTY",
    "ALTUSER ROOTY PASSWORD(ROOTY123) NOEXPIRED",
    "ADDUSER NOENROL",
    NULL,
};

int
world_setup(void **state)
{
	const char *root = getenv("SSPR_TEST_TMP");
	char p[600], err[512], hex[17] = PTKEY;
	struct passticket_key pk;
	FILE *f;

	(void)state;
	memset(&W, 0, sizeof(W));
	W.now = T0;
	if (root == NULL)
		root = "/tmp";
	(void)mkdir(root, 0700);
	snprintf(W.dir, sizeof(W.dir), "%s/flow.XXXXXX", root);
	assert_non_null(mkdtemp(W.dir));
	for (size_t i = 0; world_dbs[i] != NULL; i++)
		esm_cmds(world_dbs[i], esm_setup);
	path(p, sizeof(p), "mail");
	assert_int_equal(mkdir(p, 0700), 0);
	path(p, sizeof(p), "keys.json");
	assert_int_equal(keys_init(p, err, sizeof(err)), 0);
	assert_int_equal(keys_load(p, &W.keys, err, sizeof(err)), 0);
	assert_int_equal(passticket_key_hex(&pk, PTKT_LEGACY, PTKT_UPPER, hex,
	                     err, sizeof(err)),
	    0);
	assert_int_equal(
	    keys_set_passticket(W.keys, "SSPRAPPL", &pk, T0, err, sizeof(err)),
	    0);
	path(p, sizeof(p), "sspr.json");
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(world_config != NULL ? world_config : WORLD_CONFIG_2, f);
	fclose(f);
	assert_int_equal(cfg_load(p, &W.cfg, err, sizeof(err)), 0);
	struct sspr_opts o = {
	    .now = fake_now, .no_mail_sender = 1, .no_recovery = 1};
	if (sspr_open(W.cfg, W.keys, &o, &W.s, err, sizeof(err)) == -1)
		fail_msg("sspr_open: %s", err);
	return 0;
}

void
rm_tree(const char *dir)
{
	char p[1024];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) == -1)
			rm_tree(p);
	}
	closedir(d);
	rmdir(dir);
}

int
world_teardown(void **state)
{
	(void)state;
	sspr_close(W.s);
	keys_free(W.keys);
	cfg_free(W.cfg);
	rm_tree(W.dir);
	return 0;
}

int
enroll(const char *user, const char *pw, const char *newpw, const char *pin,
    const char *email, const char *a1, const char *a2, const char *a3,
    struct sspr_result *res)
{
	struct sspr_enroll_req r = {.userid = user,
	    .password = pw,
	    .new_password = newpw,
	    .email = email,
	    .pin = pin,
	    .qid = {"Q01", "Q02", "Q03"},
	    .answer = {a1, a2, a3},
	    .client = "192.0.2.7"};

	return sspr_enroll(W.s, &r, res);
}

/* The outbox of the world, delivered to the mail directory now. */
int
flow_test_deliver(void)
{
	struct sspr_mailer m;
	struct mail_outbox *ob;
	char err[256];
	int n;

	if (sspr_mailer_init(W.cfg, W.keys, &m, err, sizeof(err)) == -1 ||
	    mail_outbox_open(
	        m.outbox_path, m.outbox_key, &ob, err, sizeof(err)) == -1)
		return -1;
	n = mail_outbox_run(
	    ob, &m.t, &m.retry, W.now + 1, NULL, err, sizeof(err));
	mail_outbox_close(ob);
	sspr_mailer_release(&m);
	return n < 0 ? -1 : 0;
}

/* The access code in a mail line ("    ABCD2345"), into c. */
static void
mail_code_line(const char *line, char c[9])
{
	if (strncmp(line, "    ", 4) == 0 &&
	    strspn(line + 4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") == 8 &&
	    (line[12] == '\r' || line[12] == '\n'))
		snprintf(c, 9, "%.8s", line + 4);
}

int
mail_take(const char *rcpt, const char *text, char code[9])
{
	char dir[600], line[512];
	struct dirent *e;
	int n = 0;
	DIR *d;
	FILE *f;

	assert_int_equal(flow_test_deliver(), 0);
	path(dir, sizeof(dir), "mail");
	if (code != NULL)
		code[0] = '\0';
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char q[1200], c[9] = "";
		int mine = 0, hit = text == NULL;

		if (strstr(e->d_name, ".eml") == NULL)
			continue;
		snprintf(q, sizeof(q), "%s/%s", dir, e->d_name);
		f = fopen(q, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			mine |=
			    strncmp(line, "X-Sspr-Envelope-To: ", 20) == 0 &&
			    strncmp(line + 20, rcpt, strlen(rcpt)) == 0;
			hit |= text != NULL && strstr(line, text) != NULL;
			mail_code_line(line, c);
		}
		fclose(f);
		if (!mine)
			continue;
		/* Read mail is removed: only new messages are found next. */
		(void)unlink(q);
		n += hit;
		if (code != NULL && c[0] != '\0') {
			assert_true(code[0] == '\0'); /* one new code mail */
			memcpy(code, c, 9);
		}
	}
	closedir(d);
	return n;
}

void
last_code(const char *rcpt, char code[9])
{
	(void)mail_take(rcpt, NULL, code);
	assert_true(code[0] != '\0');
}

struct esm *
world_esm(const char *db)
{
	struct esm_config ec = {.backend = "embedded", .now = fake_now};
	struct esm_err e;
	struct esm *esm;
	char p[600];

	path(p, sizeof(p), db);
	ec.db = p;
	assert_int_equal(esm_open(&ec, &esm, &e), ESM_OK);
	return esm;
}

void
verify_at(const char *db, const char *user, const char *secret,
    struct esm_verify_result *vr)
{
	struct esm *esm = world_esm(db);

	(void)esm_verify(esm, user, secret, NULL, NULL, vr);
	esm_close(esm);
}

struct sspr *
world_child_handle(void)
{
	struct sspr_opts o = {.now = fake_now, .no_mail_sender = 1};
	struct sspr *s;
	char err[256];

	if (sspr_open(W.cfg, W.keys, &o, &s, err, sizeof(err)) == -1)
		_exit(3);
	return s;
}

void
verify_on(
    const char *db, const char *user, const char *secret, enum esm_resp want)
{
	struct esm_verify_result vr;

	verify_at(db, user, secret, &vr);
	if ((int)vr.resp != (int)want)
		fail_msg("%s on %s: resp %d (%s), want %d", user, db, vr.resp,
		    vr.msg, want);
}

/* Run the reset for user up to the action step; returns the token. */
void
to_action(const char *user, const char *rcpt, char token[SSPR_TOKEN_MAX])
{
	struct sspr_flow fl;
	char code[9];
	const char *ans[2];
	int i;

	assert_int_equal(sspr_reset_start(W.s, user, "192.0.2.7", &fl), 0);
	if (sspr_reset_pin(W.s, fl.token, PIN, "192.0.2.7", "en", &fl) != 0)
		fail_msg("PIN step: status %d", fl.status);
	assert_int_equal(fl.step, SSPR_STEP_CODE);
	last_code(rcpt, code);
	assert_int_equal(sspr_reset_code(W.s, fl.token, code, NULL, &fl), 0);
	assert_int_equal(fl.step, SSPR_STEP_ANSWERS);
	assert_int_equal(fl.nquestions, 2);
	for (i = 0; i < 2; i++)
		ans[i] = strcmp(fl.qid[i], "Q01") == 0   ? A1
		         : strcmp(fl.qid[i], "Q02") == 0 ? A2
		                                         : A3;
	assert_int_equal(
	    sspr_reset_answers(W.s, fl.token, ans, 2, NULL, &fl), 0);
	assert_int_equal(fl.step, SSPR_STEP_ACTION);
	memcpy(token, fl.token, SSPR_TOKEN_MAX);
}

void
grep_tree(const char *dir, const char *const *marks, int *hits)
{
	char p[1024], buf[65536];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	size_t i, n;
	FILE *f;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		assert_int_equal(lstat(p, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			grep_tree(p, marks, hits);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		/* A file that cannot be read cannot be vouched for. */
		f = fopen(p, "rb");
		if (f == NULL)
			fail_msg("cannot read %s", p);
		/* Overlapping reads: a mark cut by a read boundary is found
		 * in the next one. */
		while ((n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
			buf[n] = '\0';
			for (i = 0; marks[i] != NULL; i++)
				if (memmem(buf, n, marks[i],
				        strlen(marks[i])) != NULL) {
					print_message(
					    "'%s' found in %s\n", marks[i], p);
					(*hits)++;
				}
			if (n == sizeof(buf) - 1 &&
			    fseek(f, -256, SEEK_CUR) != 0)
				fail_msg("cannot seek in %s", p);
			if (n < sizeof(buf) - 1)
				break;
		}
		fclose(f);
	}
	closedir(d);
}
