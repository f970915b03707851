/*
 * test_racf_list.c - unit tests for esm/racf_list.c.
 *
 * Table-driven, against a temporary SQLite ESM (in $SSPR_TEST_TMP or
 * /tmp): the whole LISTUSER text for fixed timestamps (plain user; the
 * RACF sample user with SPECIAL, an expired password and no phrase;
 * revoked users; phrase, e-mail and two connects; CSDATA with and without
 * values), that no password or phrase hash ever appears in it, SETROPTS
 * LIST for the defaults and full option sets with rules, RLIST CFIELD for
 * every type, racf_list_date(), and that every listing fails with -1 and
 * leaves the buffer untouched when the ceiling is one byte too small.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "esm/racf_list.h"
#include "compat/ceilings.h"
#include "compat/compat.h"
#include "compat/strbuf.h"
#include "esm/racf.h"
#include "esm/racf_db.h"

#include "compat/banned.h"

/* Fixed instants (UTC). */
#define T_2023_087       ((time_t)1679961600) /* 2023-03-28 00:00:00 */
#define T_2023_087_1000  ((time_t)1679997600) /* 2023-03-28 10:00:00 */
#define T_2023_087_12371 ((time_t)1680007030) /* 2023-03-28 12:37:10 */
#define T_2024_366       ((time_t)1735603200) /* 2024-12-31 00:00:00 */
#define T_2024_366_0815  ((time_t)1735632900) /* 2024-12-31 08:15:00 */
#define T_2024_366_LAST  ((time_t)1735689599) /* 2024-12-31 23:59:59 */
#define T_2000_060       ((time_t)951782400)  /* 2000-02-29 00:00:00 */
#define T_1999_365_LAST  ((time_t)946684799)  /* 1999-12-31 23:59:59 */

/* Recognisable hashes: neither may ever show in a listing. */
#define PW_MARK "PWHASHMARK"
#define PH_MARK "PHHASHMARK"
#define PWHASH  "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" PW_MARK
#define PHHASH  "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" PH_MARK

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct racf_db *db;
	struct racf r;
};

static int
setup(void **state)
{
	static const struct racf_cfdef defs[] = {
	    {.name = "EMPSER",
	        .type = RACF_CF_NUM,
	        .maxlength = 8,
	        .has_min = 1,
	        .has_max = 1,
	        .minvalue = 100000,
	        .maxvalue = 99999999},
	    {.name = "PINHASH",
	        .type = RACF_CF_CHAR,
	        .maxlength = 128,
	        .mixed = 1},
	};
	struct fixture *f = xcalloc(1, sizeof(*f));
	const char *tmp = getenv("SSPR_TEST_TMP");
	char err[SSPR_MAX_ERROR];
	size_t i;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(f->dir, sizeof(f->dir), "%s/racf_list.XXXXXX",
	        tmp) >= sizeof(f->dir) ||
	    mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	(void)snprintf(f->path, sizeof(f->path), "%s/esm.db", f->dir);
	if (racf_db_open(f->path, 1, &f->db, err, sizeof(err)) == -1) {
		print_error("%s\n", err);
		(void)rmdir(f->dir);
		free(f);
		return -1;
	}
	f->r.db = f->db;
	for (i = 0; i < ARRAY_SIZE(defs); i++)
		if (racf_db_cfdef_put(f->db, &defs[i]) == -1)
			goto fail;
	if (racf_db_group_insert(
	        f->db, "DEPT1", "SYS1", "IBMUSER", T_2023_087) == -1)
		goto fail;
	*state = f;
	return 0;
fail:
	print_error("%s\n", racf_db_error(f->db));
	racf_db_close(f->db);
	free(f);
	return -1;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[PATH_MAX + 32];
	size_t i;

	racf_db_close(f->db);
	for (i = 0; i < ARRAY_SIZE(suffix); i++) {
		(void)snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		(void)unlink(p);
	}
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* Report the first differing line of got and want. */
static void
expect_text(const char *row, const char *got, const char *want)
{
	size_t i = 0, line = 1;

	if (strcmp(got, want) == 0)
		return;
	while (got[i] != '\0' && got[i] == want[i]) {
		if (got[i] == '\n')
			line++;
		i++;
	}
	fail_msg("%s: output differs at line %zu (byte %zu)\n--- got:\n%s"
	         "--- want:\n%s",
	    row, line, i, got, want);
}

/* ---------------------------------------------------------------- *
 * racf_list_date
 * ---------------------------------------------------------------- */

static void
test_date(void **state)
{
	static const struct {
		time_t t;
		const char *want;
	} cases[] = {
	    {0, "00.000"},
	    {1, "70.001"},          /* 1970-01-01 00:00:01 */
	    {86399, "70.001"},      /* 1970-01-01 23:59:59 */
	    {86400, "70.002"},      /* 1970-01-02 */
	    {-1, "69.365"},         /* 1969-12-31 23:59:59 */
	    {T_2023_087, "23.087"}, /* 2023-03-28 */
	    {T_2023_087_12371, "23.087"},
	    {T_2024_366, "24.366"}, /* 2024-12-31, a leap year */
	    {T_2024_366_LAST, "24.366"},
	    {T_2024_366_LAST + 1, "25.001"},
	    {T_2000_060, "00.060"}, /* 2000-02-29 */
	    {T_1999_365_LAST, "99.365"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[7]; /* the documented minimum */

		memset(buf, 'X', sizeof(buf));
		racf_list_date(cases[i].t, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("row %zu (t=%lld): got \"%s\", want \"%s\"", i,
			    (long long)cases[i].t, buf, cases[i].want);
	}
}

/* ---------------------------------------------------------------- *
 * LISTUSER
 * ---------------------------------------------------------------- */

#define LU_LOGON                                                               \
	" CLASS AUTHORIZATIONS=NONE\n"                                         \
	" NO-INSTALLATION-DATA\n"                                              \
	" NO-MODEL-NAME\n"                                                     \
	" LOGON ALLOWED   (DAYS)          (TIME)\n"                            \
	" ---------------------------------------------\n"                     \
	" ANYDAY                          ANYTIME\n"
#define LU_CONNECT_TAIL                                                        \
	"    CONNECTS=    00  UACC=NONE     LAST-CONNECT=UNKNOWN\n"            \
	"    CONNECT ATTRIBUTES=NONE\n"                                        \
	"    REVOKE DATE=NONE   RESUME DATE=NONE\n"
#define LU_SECURITY                                                            \
	"SECURITY-LEVEL=NONE SPECIFIED\n"                                      \
	"CATEGORY-AUTHORIZATION\n"                                             \
	" NONE SPECIFIED\n"                                                    \
	"SECURITY-LABEL=NONE SPECIFIED\n"

struct lu_connect {
	const char *group, *owner;
	time_t created;
};

struct lu_value {
	const char *field, *value;
};

static const struct {
	const char *row;
	struct racf_user_rec u;
	struct lu_connect conn[2];
	struct lu_value cs[2];
	int interval, csdata;
	const char *want;
} lu_cases[] = {
    {
        .row = "plain user",
        .u = {.userid = "ALICE",
            .name = "ALICE SMITH",
            .owner = "IBMUSER",
            .dfltgrp = "SYS1",
            .created = T_2023_087_1000,
            .last_access = T_2024_366_0815,
            .pw = {.set = 1, .hash = PWHASH, .changed = T_2023_087},
            .ph = {.hash = PHHASH}},
        .conn = {{"SYS1", "IBMUSER", T_2023_087_1000}},
        .interval = 30,
        .want = "USER=ALICE  NAME=ALICE SMITH           OWNER=IBMUSER   "
                "CREATED=23.087\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=23.087 PASS-INTERVAL= 30 "
                "PHRASEDATE=N/A\n"
                " ATTRIBUTES=NONE\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=24.366/08:15:00\n" LU_LOGON
                "  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=IBMUSER   "
                "CONNECT-DATE=23.087\n" LU_CONNECT_TAIL LU_SECURITY,
    },
    {
        /* RACF's own sample, byte for byte */
        .row = "special, expired password, no phrase",
        .u = {.userid = "SQUIDWRD",
            .name = "SQUIDWARD",
            .owner = "LEONARD",
            .dfltgrp = "SYS1",
            .created = T_2023_087,
            .last_access = T_2023_087_12371,
            .special = 1,
            .pw =
                {.set = 1, .hash = PWHASH, .changed = T_2023_087, .expired = 1},
            .ph = {.hash = PHHASH}},
        .conn = {{"SYS1", "LEONARD", T_2023_087}},
        .interval = 186,
        .want = "USER=SQUIDWRD  NAME=SQUIDWARD             OWNER=LEONARD   "
                "CREATED=23.087\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=00.000 PASS-INTERVAL=186 "
                "PHRASEDATE=N/A\n"
                " ATTRIBUTES=SPECIAL\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=23.087/12:37:10\n"
                " CLASS AUTHORIZATIONS=NONE\n"
                " NO-INSTALLATION-DATA\n"
                " NO-MODEL-NAME\n"
                " LOGON ALLOWED   (DAYS)          (TIME)\n"
                " ---------------------------------------------\n"
                " ANYDAY                          ANYTIME\n"
                "  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=LEONARD   "
                "CONNECT-DATE=23.087\n"
                "    CONNECTS=    00  UACC=NONE     LAST-CONNECT=UNKNOWN\n"
                "    CONNECT ATTRIBUTES=NONE\n"
                "    REVOKE DATE=NONE   RESUME DATE=NONE\n"
                "SECURITY-LEVEL=NONE SPECIFIED\n"
                "CATEGORY-AUTHORIZATION\n"
                " NONE SPECIFIED\n"
                "SECURITY-LABEL=NONE SPECIFIED\n",
    },
    {
        .row = "revoked, no name, no secrets, NOINTERVAL, no connects",
        .u = {.userid = "BOB#1",
            .owner = "IBMUSER",
            .dfltgrp = "SYS1",
            .created = T_2000_060,
            .last_access = T_1999_365_LAST,
            .revoked = 1,
            .revoke_reason = ESM_REVOKE_ATTEMPTS,
            .revoke_date = T_2024_366_LAST,
            .invalid_count = 3,
            .pw = {.hash = PWHASH},
            .ph = {.hash = PHHASH}},
        .interval = 0,
        .want = "USER=BOB#1  NAME=UNKNOWN  OWNER=IBMUSER   CREATED=00.060\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=N/A    PASS-INTERVAL=N/A "
                "PHRASEDATE=N/A\n"
                " ATTRIBUTES=REVOKED\n"
                " REVOKE DATE=24.366   RESUME DATE=NONE\n"
                " LAST-ACCESS=99.365/23:59:59\n" LU_LOGON LU_SECURITY,
    },
    {
        .row = "special and revoked without a revoke date",
        .u = {.userid = "ADMIN",
            .name = "A",
            .owner = "IBMUSER",
            .dfltgrp = "SYS1",
            .created = 1,
            .special = 1,
            .revoked = 1,
            .revoke_reason = ESM_REVOKE_COMMAND,
            .pw = {.set = 1, .hash = PWHASH, .changed = 1},
            .ph = {.hash = PHHASH}},
        .conn = {{"SYS1", "IBMUSER", 1}},
        .interval = 1,
        .want = "USER=ADMIN  NAME=A                     OWNER=IBMUSER   "
                "CREATED=70.001\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=70.001 PASS-INTERVAL=  1 "
                "PHRASEDATE=N/A\n"
                " ATTRIBUTES=SPECIAL REVOKED\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=UNKNOWN\n" LU_LOGON
                "  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=IBMUSER   "
                "CONNECT-DATE=70.001\n" LU_CONNECT_TAIL LU_SECURITY,
    },
    {
        /* CSDATA values are not listed without the CSDATA operand */
        .row = "phrase, e-mail, two connects",
        .u = {.userid = "CAROL",
            .name = "ABCDEFGHIJKLMNOPQRST",
            .owner = "SECADMIN",
            .dfltgrp = "DEPT1",
            .email = "carol@example.com",
            .created = T_2023_087,
            .last_access = T_2024_366,
            .pw =
                {.set = 1, .hash = PWHASH, .changed = T_2023_087, .expired = 1},
            .ph = {.set = 1, .hash = PHHASH, .changed = T_2024_366}},
        .conn = {{"SYS1", "IBMUSER", T_2023_087},
            {"DEPT1", "SECADMIN", T_2024_366}},
        .cs = {{"EMPSER", "123456"}},
        .interval = 254,
        .want = "USER=CAROL  NAME=ABCDEFGHIJKLMNOPQRST  OWNER=SECADMIN  "
                "CREATED=23.087\n"
                " DEFAULT-GROUP=DEPT1    PASSDATE=00.000 PASS-INTERVAL=254 "
                "PHRASEDATE=24.366\n"
                " ATTRIBUTES=NONE\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=24.366/00:00:00\n" LU_LOGON
                "  GROUP=DEPT1     AUTH=USE      CONNECT-OWNER=SECADMIN  "
                "CONNECT-DATE=24.366\n" LU_CONNECT_TAIL
                "  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=IBMUSER   "
                "CONNECT-DATE=23.087\n" LU_CONNECT_TAIL LU_SECURITY " \n"
                "WORKATTR INFORMATION\n"
                "--------------------\n"
                "WAEMAIL= carol@example.com\n",
    },
    {
        .row = "CSDATA with values, after WORKATTR",
        .u = {.userid = "DAVE",
            .name = "DAVE",
            .owner = "IBMUSER",
            .dfltgrp = "SYS1",
            .email = "DAVE@EXAMPLE.COM",
            .created = T_2024_366,
            .pw = {.set = 1, .hash = PWHASH, .changed = T_2024_366},
            .ph = {.set = 1,
                .hash = PHHASH,
                .changed = T_2024_366,
                .expired = 1}},
        .conn = {{"SYS1", "IBMUSER", T_2024_366}},
        .cs = {{"PINHASH", "$argon2id$v=19$Stored"}, {"EMPSER", "123456"}},
        .interval = 30,
        .csdata = 1,
        .want = "USER=DAVE  NAME=DAVE                  OWNER=IBMUSER   "
                "CREATED=24.366\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=24.366 PASS-INTERVAL= 30 "
                "PHRASEDATE=00.000\n"
                " ATTRIBUTES=NONE\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=UNKNOWN\n" LU_LOGON
                "  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=IBMUSER   "
                "CONNECT-DATE=24.366\n" LU_CONNECT_TAIL LU_SECURITY " \n"
                "WORKATTR INFORMATION\n"
                "--------------------\n"
                "WAEMAIL= DAVE@EXAMPLE.COM\n"
                " \n"
                "CSDATA INFORMATION\n"
                "------------------\n"
                "EMPSER= 123456\n"
                "PINHASH= $argon2id$v=19$Stored\n",
    },
    {
        /* a control character in a stored value cannot forge a line */
        .row = "CSDATA without values, control character in the name",
        .u = {.userid = "ERIN",
            .name = "X\nUSER=ROOT",
            .owner = "IBMUSER",
            .dfltgrp = "SYS1",
            .created = T_2024_366,
            .pw = {.hash = PWHASH},
            .ph = {.set = 1, .hash = PHHASH, .changed = T_2023_087}},
        .interval = 30,
        .csdata = 1,
        .want = "USER=ERIN  NAME=X.USER=ROOT           OWNER=IBMUSER   "
                "CREATED=24.366\n"
                " DEFAULT-GROUP=SYS1     PASSDATE=N/A    PASS-INTERVAL= 30 "
                "PHRASEDATE=23.087\n"
                " ATTRIBUTES=NONE\n"
                " REVOKE DATE=NONE   RESUME DATE=NONE\n"
                " LAST-ACCESS=UNKNOWN\n" LU_LOGON LU_SECURITY " \n"
                "CSDATA INFORMATION\n"
                "------------------\n"
                "NONE\n",
    },
};

/* The row of lu_cases listing userid. */
static size_t
lu_find(const char *userid)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lu_cases); i++)
		if (strcmp(lu_cases[i].u.userid, userid) == 0)
			return i;
	fail_msg("no LISTUSER row for %s", userid);
	return 0;
}

/* Store row i's user, connects and CSDATA values. */
static void
lu_store(struct fixture *f, size_t i)
{
	size_t j;

	if (racf_db_user_insert(f->db, &lu_cases[i].u) == -1)
		fail_msg("row %zu (%s): insert: %s", i, lu_cases[i].row,
		    racf_db_error(f->db));
	for (j = 0; j < ARRAY_SIZE(lu_cases[i].conn); j++) {
		const struct lu_connect *lc = &lu_cases[i].conn[j];
		struct racf_connect c;

		if (lc->group == NULL)
			continue;
		memset(&c, 0, sizeof(c));
		strlcpy_s(c.group, lc->group, sizeof(c.group));
		strlcpy_s(c.owner, lc->owner, sizeof(c.owner));
		c.created = lc->created;
		if (racf_db_connect_add(f->db, lu_cases[i].u.userid, &c) != 1)
			fail_msg("row %zu (%s): connect %s: %s", i,
			    lu_cases[i].row, lc->group, racf_db_error(f->db));
	}
	for (j = 0; j < ARRAY_SIZE(lu_cases[i].cs); j++) {
		const struct lu_value *v = &lu_cases[i].cs[j];

		if (v->field == NULL)
			continue;
		if (racf_db_csdata_put(
		        f->db, lu_cases[i].u.userid, v->field, v->value) == -1)
			fail_msg("row %zu (%s): csdata %s: %s", i,
			    lu_cases[i].row, v->field, racf_db_error(f->db));
	}
}

static void
test_listuser(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lu_cases); i++) {
		struct racf_setropts opts;
		struct strbuf out;
		char row[128];

		lu_store(f, i);
		memset(&opts, 0, sizeof(opts));
		opts.interval = lu_cases[i].interval;
		strbuf_init(&out, SSPR_MAX_LISTING);
		if (racf_list_user(&f->r, &lu_cases[i].u, &opts,
		        lu_cases[i].csdata, &out) != 0)
			fail_msg("row %zu (%s): racf_list_user failed", i,
			    lu_cases[i].row);
		(void)snprintf(
		    row, sizeof(row), "row %zu (%s)", i, lu_cases[i].row);
		expect_text(row, out.buf, lu_cases[i].want);
		if (strstr(out.buf, PW_MARK) != NULL ||
		    strstr(out.buf, PH_MARK) != NULL)
			fail_msg(
			    "%s: a password or phrase hash was listed", row);
		strbuf_release(&out);
	}
}

/* The profile as stored and read back lists the same, and a listing is
 * appended after what out already holds. */
static void
test_listuser_stored(void **state)
{
	struct fixture *f = *state;
	struct racf_user_rec u;
	struct racf_setropts opts;
	struct strbuf out;
	size_t i = lu_find("SQUIDWRD");

	lu_store(f, i);
	assert_int_equal(racf_db_user_get(f->db, "SQUIDWRD", &u), 1);
	memset(&opts, 0, sizeof(opts));
	opts.interval = lu_cases[i].interval;
	strbuf_init(&out, SSPR_MAX_LISTING);
	assert_int_equal(strbuf_addstr(&out, "READY\n"), 0);
	assert_int_equal(racf_list_user(&f->r, &u, &opts, 0, &out), 0);
	assert_int_equal(strncmp(out.buf, "READY\n", 6), 0);
	expect_text("stored SQUIDWRD", out.buf + 6, lu_cases[i].want);
	assert_null(strstr(out.buf, PW_MARK));
	strbuf_release(&out);
}

/* ---------------------------------------------------------------- *
 * SETROPTS LIST
 * ---------------------------------------------------------------- */

#define SR_FULL                                                                \
	"PASSWORD PROCESSING OPTIONS:\n"                                       \
	"PASSWORD CHANGE INTERVAL IS 186 DAYS.\n"                              \
	"PASSWORD MINIMUM CHANGE INTERVAL IS 1 DAYS.\n"                        \
	"MIXED CASE PASSWORD SUPPORT IS IN EFFECT.\n"                          \
	"SPECIAL CHARACTERS ARE ALLOWED.\n"                                    \
	"8 GENERATIONS OF PREVIOUS PASSWORDS BEING MAINTAINED.\n"              \
	"AFTER 3 CONSECUTIVE UNSUCCESSFUL PASSWORD ATTEMPTS, A USERID "        \
	"WILL BE REVOKED.\n"                                                   \
	"PASSWORD EXPIRATION WARNING LEVEL IS 10 DAYS.\n"                      \
	"INSTALLATION PASSWORD SYNTAX RULES:\n"                                \
	"    RULE 1  LENGTH(4:8)   ********\n"                                 \
	"    RULE 3  LENGTH(1:5)   ANL$*\n"                                    \
	"LEGEND:\n"                                                            \
	"A-ALPHA C-CONSONANT L-ALPHANUM N-NUMERIC V-VOWEL W-NOVOWEL "          \
	"*-ANYTHING\n"                                                         \
	"c-MIXED CONSONANT m-MIXED NUMERIC v-MIXED VOWEL $-NATIONAL "          \
	"s-SPECIAL\n"                                                          \
	"x-MIXED ALL\n"                                                        \
	"INACTIVE USERIDS ARE BEING AUTOMATICALLY REVOKED AFTER 120 "          \
	"DAYS.\n"                                                              \
	"THE ACTIVE PASSWORD ENCRYPTION ALGORITHM IS ARGON2ID\n"

#define SR_FULL_OPTS                                                           \
	{                                                                      \
		.history = 8, .interval = 186, .minchange = 1, .revoke = 3,    \
		.warning = 10, .inactive = 120,                                \
		.pol = {.mixedcase = 1,                                        \
			.specialchars = 1,                                     \
			.nrules = 2,                                           \
			.rule_no = {1, 3},                                     \
			.rules = {{4, 8, "********"}, {1, 5, "ANL$*xxx"}} }    \
	}

static const struct racf_setropts sr_full = SR_FULL_OPTS;

enum sr_source {
	SR_DB_DEFAULT, /* a new database's options */
	SR_TABLE,      /* opts as given */
	SR_DB_STORED,  /* opts stored and read back */
};

static const struct {
	const char *row;
	enum sr_source source;
	struct racf_setropts opts;
	const char *want;
} sr_cases[] = {
    {"defaults of a new database", SR_DB_DEFAULT, {0},
        "PASSWORD PROCESSING OPTIONS:\n"
        "PASSWORD CHANGE INTERVAL IS 30 DAYS.\n"
        "PASSWORD MINIMUM CHANGE INTERVAL IS 0 DAYS.\n"
        "MIXED CASE PASSWORD SUPPORT IS NOT IN EFFECT.\n"
        "SPECIAL CHARACTERS ARE NOT ALLOWED.\n"
        "NO PASSWORD HISTORY BEING MAINTAINED.\n"
        "USERIDS NOT BEING AUTOMATICALLY REVOKED.\n"
        "NO PASSWORD EXPIRATION WARNING MESSAGES WILL BE ISSUED.\n"
        "NO INSTALLATION PASSWORD SYNTAX RULES.\n"
        "INACTIVE USERIDS ARE NOT BEING AUTOMATICALLY REVOKED.\n"
        "THE ACTIVE PASSWORD ENCRYPTION ALGORITHM IS ARGON2ID\n"},
    {"everything off, no interval", SR_TABLE, {0},
        "PASSWORD PROCESSING OPTIONS:\n"
        "PASSWORDS DO NOT EXPIRE.\n"
        "PASSWORD MINIMUM CHANGE INTERVAL IS 0 DAYS.\n"
        "MIXED CASE PASSWORD SUPPORT IS NOT IN EFFECT.\n"
        "SPECIAL CHARACTERS ARE NOT ALLOWED.\n"
        "NO PASSWORD HISTORY BEING MAINTAINED.\n"
        "USERIDS NOT BEING AUTOMATICALLY REVOKED.\n"
        "NO PASSWORD EXPIRATION WARNING MESSAGES WILL BE ISSUED.\n"
        "NO INSTALLATION PASSWORD SYNTAX RULES.\n"
        "INACTIVE USERIDS ARE NOT BEING AUTOMATICALLY REVOKED.\n"
        "THE ACTIVE PASSWORD ENCRYPTION ALGORITHM IS ARGON2ID\n"},
    {"full set with two rules", SR_TABLE, SR_FULL_OPTS, SR_FULL},
    {"full set stored and read back", SR_DB_STORED, SR_FULL_OPTS, SR_FULL},
};

static void
test_setropts(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sr_cases); i++) {
		struct racf_setropts opts = sr_cases[i].opts;
		struct strbuf out;
		char row[128];

		(void)snprintf(
		    row, sizeof(row), "row %zu (%s)", i, sr_cases[i].row);
		if (sr_cases[i].source == SR_DB_STORED &&
		    racf_db_setropts_put(f->db, &opts) == -1)
			fail_msg("%s: %s", row, racf_db_error(f->db));
		if (sr_cases[i].source != SR_TABLE &&
		    racf_db_setropts_get(f->db, &opts) == -1)
			fail_msg("%s: %s", row, racf_db_error(f->db));
		strbuf_init(&out, SSPR_MAX_LISTING);
		if (racf_list_setropts(&opts, &out) != 0)
			fail_msg("%s: racf_list_setropts failed", row);
		expect_text(row, out.buf, sr_cases[i].want);
		strbuf_release(&out);
	}
}

/* ---------------------------------------------------------------- *
 * RLIST CFIELD
 * ---------------------------------------------------------------- */

#define CF_HEAD(name)                                                          \
	"CLASS      NAME\n"                                                    \
	"-----      ----\n"                                                    \
	"CFIELD     USER.CSDATA." name "\n"                                    \
	" \n"                                                                  \
	"CFDEF INFORMATION\n"                                                  \
	"-----------------\n"

static void
test_cfield(void **state)
{
	static const struct {
		struct racf_cfdef def;
		const char *want;
	} cases[] = {
	    {{.name = "PINHASH",
	         .type = RACF_CF_CHAR,
	         .maxlength = 128,
	         .mixed = 1},
	        CF_HEAD("PINHASH") "TYPE = CHAR\n"
	                           "MAXLENGTH = 128\n"
	                           "MAXVALUE = NONE\n"
	                           "MINVALUE = NONE\n"
	                           "FIRST = ANY\n"
	                           "OTHER = ANY\n"
	                           "MIXED = YES\n"
	                           "HELP = NONE\n"},
	    {{.name = "EMPSER",
	         .type = RACF_CF_NUM,
	         .maxlength = 8,
	         .has_min = 1,
	         .has_max = 1,
	         .minvalue = 100000,
	         .maxvalue = 99999999},
	        CF_HEAD("EMPSER") "TYPE = NUM\n"
	                          "MAXLENGTH = 8\n"
	                          "MAXVALUE = 99999999\n"
	                          "MINVALUE = 100000\n"
	                          "FIRST = NUMERIC\n"
	                          "OTHER = NUMERIC\n"
	                          "MIXED = NO\n"
	                          "HELP = NONE\n"},
	    {{.name = "COUNT", .type = RACF_CF_NUM, .maxlength = 10},
	        CF_HEAD("COUNT") "TYPE = NUM\n"
	                         "MAXLENGTH = 10\n"
	                         "MAXVALUE = NONE\n"
	                         "MINVALUE = NONE\n"
	                         "FIRST = NUMERIC\n"
	                         "OTHER = NUMERIC\n"
	                         "MIXED = NO\n"
	                         "HELP = NONE\n"},
	    {{.name = "KEYID", .type = RACF_CF_HEX},
	        CF_HEAD("KEYID") "TYPE = HEX\n"
	                         "MAXLENGTH = NONE\n"
	                         "MAXVALUE = NONE\n"
	                         "MINVALUE = NONE\n"
	                         "FIRST = ANY\n"
	                         "OTHER = ANY\n"
	                         "MIXED = NO\n"
	                         "HELP = NONE\n"},
	    /* MINVALUE and MAXVALUE belong to NUM only */
	    {{.name = "ACTIVE",
	         .type = RACF_CF_FLAG,
	         .maxlength = 3,
	         .has_min = 1,
	         .has_max = 1,
	         .minvalue = 1,
	         .maxvalue = 2},
	        CF_HEAD("ACTIVE") "TYPE = FLAG\n"
	                          "MAXLENGTH = 3\n"
	                          "MAXVALUE = NONE\n"
	                          "MINVALUE = NONE\n"
	                          "FIRST = ANY\n"
	                          "OTHER = ANY\n"
	                          "MIXED = NO\n"
	                          "HELP = NONE\n"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out;
		char row[320];

		(void)snprintf(
		    row, sizeof(row), "row %zu (%s)", i, cases[i].def.name);
		strbuf_init(&out, SSPR_MAX_LISTING);
		if (racf_list_cfield(&cases[i].def, &out) != 0)
			fail_msg("%s: racf_list_cfield failed", row);
		expect_text(row, out.buf, cases[i].want);
		strbuf_release(&out);
	}
}

/* ---------------------------------------------------------------- *
 * Ceilings
 * ---------------------------------------------------------------- */

enum ceil_kind { CEIL_USER, CEIL_USER_CSDATA, CEIL_SETROPTS, CEIL_CFIELD };

static int
ceil_run(struct fixture *f, enum ceil_kind kind, struct strbuf *out)
{
	static const struct racf_cfdef def = {
	    .name = "EMPSER", .type = RACF_CF_NUM, .maxlength = 8};
	const struct racf_user_rec *u = &lu_cases[lu_find("DAVE")].u;
	struct racf_setropts opts;

	memset(&opts, 0, sizeof(opts));
	opts.interval = 30;
	switch (kind) {
	case CEIL_USER:
		return racf_list_user(&f->r, u, &opts, 0, out);
	case CEIL_USER_CSDATA:
		return racf_list_user(&f->r, u, &opts, 1, out);
	case CEIL_SETROPTS:
		return racf_list_setropts(&sr_full, out);
	case CEIL_CFIELD:
		return racf_list_cfield(&def, out);
	}
	return -2;
}

static void
test_ceiling(void **state)
{
	static const struct {
		enum ceil_kind kind;
		const char *name;
	} kinds[] = {
	    {CEIL_USER, "LISTUSER"},
	    {CEIL_USER_CSDATA, "LISTUSER CSDATA"},
	    {CEIL_SETROPTS, "SETROPTS LIST"},
	    {CEIL_CFIELD, "RLIST CFIELD"},
	};
	/* ceilings relative to prefix + full listing length: want 0 or -1 */
	static const struct {
		long delta;
		int want;
	} cases[] = {
	    {0, 0},
	    {1, 0},
	    {-1, -1},
	    {-2, -1},
	    {-100, -1},
	};
	static const char prefix[] = "READY\n";
	struct fixture *f = *state;
	size_t k, i;

	lu_store(f, lu_find("DAVE")); /* connects, e-mail, CSDATA */
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct strbuf full;
		size_t len;

		strbuf_init(&full, SSPR_MAX_LISTING);
		assert_int_equal(ceil_run(f, kinds[k].kind, &full), 0);
		len = full.len + sizeof(prefix) - 1;
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			struct strbuf out;
			long max = (long)len + cases[i].delta;
			int got;

			strbuf_init(&out, (size_t)max);
			assert_int_equal(strbuf_addstr(&out, prefix), 0);
			got = ceil_run(f, kinds[k].kind, &out);
			if (got != cases[i].want)
				fail_msg("%s, ceiling %ld (needs %zu): got %d, "
				         "want %d",
				    kinds[k].name, max, len, got,
				    cases[i].want);
			if (got == 0 && (strncmp(out.buf, prefix,
			                     sizeof(prefix) - 1) != 0 ||
			                    strcmp(out.buf + sizeof(prefix) - 1,
			                        full.buf) != 0))
				fail_msg("%s, ceiling %ld: listing differs",
				    kinds[k].name, max);
			if (got == -1 && strcmp(out.buf, prefix) != 0)
				fail_msg("%s, ceiling %ld: failed listing "
				         "changed the buffer",
				    kinds[k].name, max);
			strbuf_release(&out);
		}
		/* an empty buffer with a tiny ceiling */
		{
			struct strbuf out;

			strbuf_init(&out, 8);
			if (ceil_run(f, kinds[k].kind, &out) != -1 ||
			    out.len != 0)
				fail_msg("%s: ceiling 8 did not fail cleanly",
				    kinds[k].name);
			strbuf_release(&out);
		}
		strbuf_release(&full);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date),
	    cmocka_unit_test_setup_teardown(test_listuser, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_listuser_stored, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setropts, setup, teardown),
	    cmocka_unit_test(test_cfield),
	    cmocka_unit_test_setup_teardown(test_ceiling, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
