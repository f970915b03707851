/*
 * test_contract.c - the ESM contract: RACF behaviour every backend of
 * esm.h must show, as one table run against a fixture (fixture.h).
 *
 * Each row is a RACF behaviour (shared/specs/racf.md §3-4): set-up commands
 * in RACF syntax, then steps, each an operation on the ESM through esm.h
 * and what it must answer.  Every row runs on a fresh fixture whose clock
 * starts at FIXTURE_T0 and moves only with ADVANCE steps.  A failure names
 * the row and the step.
 *
 * Covered: verify by length (password 1-8 folded unless MIXEDCASE, phrase
 * 9-100 never folded), the CICS RESP/RESP2/ESMRESP of every outcome,
 * expired administrative resets and when RULEn applies, the verify/change
 * path with each reason a new secret is refused, HISTORY and MINCHANGE,
 * REVOKE(n) and SPECIAL users, ALTUSER REVOKE/RESUME, INTERVAL with
 * DAYSLEFT/CHANGETIME/EXPIRYTIME, INACTIVE, LASTUSETIME, custom fields
 * with CFDEF checks and compare-and-set, esm_set_secret(), CR/LF refusal,
 * and failure counting and compare-and-set under concurrent processes;
 * esm_check_secret() (the same new-secret rules as verify/change, with no
 * side effect) and esm_list_users().
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esm/esm.h"
#include "tests/esm/fixture.h"
#include "compat/compat.h"

#include "compat/banned.h"

/* ---------------------------------------------------------------- *
 * Steps
 * ---------------------------------------------------------------- */

#define DC   (-99) /* "don't care" for any expected number */
#define DAY  86400LL
#define T0   ((long long)FIXTURE_T0)
#define DAY0 (T0 - T0 % DAY) /* midnight of the first day */

enum op {
	OP_END = 0,
	OP_VERIFY,     /* esm_verify(user, arg1, arg2, applid arg3) -> resp,
	                  resp2, esmresp, newsecret, count */
	OP_TIMES,      /* last verify: t = daysleft, changetime, expirytime */
	OP_LASTUSE,    /* last verify: t[0] = lastusetime */
	OP_ADVANCE,    /* move the clock n seconds */
	OP_COMMAND,    /* RACF command arg1 -> want = its return code */
	OP_LOOKUP,     /* esm_lookup(user) -> want, err */
	OP_USER,       /* esm_lookup(user), then field n is t[0] or arg1 */
	OP_RESUME,     /* esm_resume(user) -> want, err */
	OP_SECRET,     /* esm_set_secret(user, arg1, n) -> want, err */
	OP_GET,        /* esm_get_fields(user, arg1) -> want, err, value arg2 */
	OP_SET,        /* esm_set_fields(user, arg1=arg2 [, arg3=arg4]) with
	                  expectation arg1=expect unless NO_EXPECT */
	OP_PAR_VERIFY, /* n processes each verify user/arg1 reps times;
	                  each must answer resp/resp2 */
	OP_PAR_CAS,    /* n processes race to set arg1=arg2 expecting
	                  arg1=expect; exactly one may succeed */
	OP_CHECK,      /* esm_check_secret(user, arg1) -> resp, resp2,
	                  esmresp, newsecret */
	OP_LIST,       /* esm_list_users(arg1) -> want, err; the IDs joined
	                  with commas are arg2 */
};

/* What OP_USER looks at in struct esm_user. */
enum ufield {
	U_REVOKED,
	U_REASON,
	U_COUNT,
	U_SPECIAL,
	U_HASPW,
	U_HASPH,
	U_PWEXP,
	U_PHEXP,
	U_CREATED,
	U_LAST,
	/* strings, compared with arg1 */
	U_ID,
	U_NAME,
	U_DFLTGRP,
	U_EMAIL,
	U_GROUP, /* arg1 is one of the groups */
};

struct step {
	enum op op;
	const char *user;
	const char *arg1, *arg2, *arg3, *arg4;
	const char *expect;
	long n;
	int want; /* enum esm_result, or a command's return code */
	int err;  /* enum esm_errcode */
	int resp, resp2, esmresp, newsecret, count, reps;
	long long t[3];
};

/* Marks an OP_SET without a compare-and-set expectation. */
static const char no_expect[] = "(no expectation)";

#define V(u, s, r, r2, er, cnt)                                                \
	{                                                                      \
		.op = OP_VERIFY, .user = (u), .arg1 = (s), .resp = (r),        \
		.resp2 = (r2), .esmresp = (er), .newsecret = ESM_NEW_OK,       \
		.count = (cnt)                                                 \
	}
#define VA(u, s, appl, r, r2, er)                                              \
	{                                                                      \
		.op = OP_VERIFY, .user = (u), .arg1 = (s), .arg3 = (appl),     \
		.resp = (r), .resp2 = (r2), .esmresp = (er),                   \
		.newsecret = ESM_NEW_OK, .count = DC                           \
	}
#define V_OK(u, s)          V(u, s, ESM_RESP_NORMAL, 0, 0, DC)
#define V_WRONG(u, s, cnt)  V(u, s, ESM_RESP_NOTAUTH, 2, 8, cnt)
#define V_EXPIRED(u, s)     V(u, s, ESM_RESP_NOTAUTH, 3, 12, DC)
#define V_REVOKED(u, s)     V(u, s, ESM_RESP_NOTAUTH, 19, 28, DC)
#define V_NOUSER(u)         V(u, "SECRET1", ESM_RESP_USERIDERR, 8, 4, DC)
#define V_LENGERR(u, s, r2) V(u, s, ESM_RESP_LENGERR, r2, DC, DC)

#define VC(u, s, new, r, r2, er, why, cnt)                                     \
	{                                                                      \
		.op = OP_VERIFY, .user = (u), .arg1 = (s), .arg2 = (new),      \
		.resp = (r), .resp2 = (r2), .esmresp = (er),                   \
		.newsecret = (why), .count = (cnt)                             \
	}
#define VC_OK(u, s, new)       VC(u, s, new, ESM_RESP_NORMAL, 0, 0, ESM_NEW_OK, DC)
#define VC_BAD(u, s, new, why) VC(u, s, new, ESM_RESP_NOTAUTH, 4, 16, why, DC)

#define TIMES(days, change, expiry)                                            \
	{                                                                      \
		.op = OP_TIMES, .t = {(days), (change), (expiry) }             \
	}
#define LASTUSE(t0)                                                            \
	{                                                                      \
		.op = OP_LASTUSE, .t = {(t0), 0, 0 }                           \
	}
#define ADVANCE(secs)                                                          \
	{                                                                      \
		.op = OP_ADVANCE, .n = (long)(secs)                            \
	}
#define CMD(line, rc)                                                          \
	{                                                                      \
		.op = OP_COMMAND, .arg1 = (line), .want = (rc)                 \
	}
#define LOOKUP(u, res, e)                                                      \
	{                                                                      \
		.op = OP_LOOKUP, .user = (u), .want = (res), .err = (e)        \
	}
#define USER(u, what, v)                                                       \
	{                                                                      \
		.op = OP_USER, .user = (u), .n = (what), .t = {(v), 0, 0 }     \
	}
#define USERS(u, what, s)                                                      \
	{                                                                      \
		.op = OP_USER, .user = (u), .n = (what), .arg1 = (s)           \
	}
#define REVOKED(u, why) USER(u, U_REVOKED, 1), USER(u, U_REASON, why)
#define NOT_REVOKED(u)  USER(u, U_REVOKED, 0), USER(u, U_REASON, ESM_REVOKE_NONE)
#define COUNT(u, c)     USER(u, U_COUNT, c)
#define RESUME(u, res, e)                                                      \
	{                                                                      \
		.op = OP_RESUME, .user = (u), .want = (res), .err = (e)        \
	}
#define SECRET(u, s, flags, res, e)                                            \
	{                                                                      \
		.op = OP_SECRET, .user = (u), .arg1 = (s), .n = (flags),       \
		.want = (res), .err = (e)                                      \
	}
#define GET(u, f, v)                                                           \
	{                                                                      \
		.op = OP_GET, .user = (u), .arg1 = (f), .arg2 = (v),           \
		.want = ESM_OK, .err = DC                                      \
	}
#define GET_ERR(u, f, res, e)                                                  \
	{                                                                      \
		.op = OP_GET, .user = (u), .arg1 = (f), .want = (res),         \
		.err = (e)                                                     \
	}
#define CAS(u, f, v, exp, res, e)                                              \
	{                                                                      \
		.op = OP_SET, .user = (u), .arg1 = (f), .arg2 = (v),           \
		.expect = (exp), .want = (res), .err = (e)                     \
	}
#define SET(u, f, v, res, e) CAS(u, f, v, no_expect, res, e)
#define SET2(u, f1, v1, f2, v2, res, e)                                        \
	{                                                                      \
		.op = OP_SET, .user = (u), .arg1 = (f1), .arg2 = (v1),         \
		.arg3 = (f2), .arg4 = (v2), .expect = no_expect,               \
		.want = (res), .err = (e)                                      \
	}
#define PAR_VERIFY(u, s, procs, each)                                          \
	{                                                                      \
		.op = OP_PAR_VERIFY, .user = (u), .arg1 = (s), .n = (procs),   \
		.reps = (each), .resp = ESM_RESP_NOTAUTH, .resp2 = 2           \
	}
#define PAR_CAS(u, f, v, exp, procs)                                           \
	{                                                                      \
		.op = OP_PAR_CAS, .user = (u), .arg1 = (f), .arg2 = (v),       \
		.expect = (exp), .n = (procs)                                  \
	}

#define CHK(u, new, r, r2, er, why)                                            \
	{                                                                      \
		.op = OP_CHECK, .user = (u), .arg1 = (new), .resp = (r),       \
		.resp2 = (r2), .esmresp = (er), .newsecret = (why)             \
	}
#define CHK_OK(u, new)       CHK(u, new, ESM_RESP_NORMAL, 0, 0, ESM_NEW_OK)
#define CHK_BAD(u, new, why) CHK(u, new, ESM_RESP_NOTAUTH, 4, 16, why)
#define LIST(f, ids)                                                           \
	{                                                                      \
		.op = OP_LIST, .arg1 = (f), .arg2 = (ids), .want = ESM_OK,     \
		.err = DC                                                      \
	}
#define LIST_ERR(f, res, e)                                                    \
	{                                                                      \
		.op = OP_LIST, .arg1 = (f), .want = (res), .err = (e)          \
	}

#define SETUP(...) ((const char *const[]){__VA_ARGS__, NULL})
#define STEPS(...) ((const struct step[]){__VA_ARGS__, {.op = OP_END}})

/* Boundary values. */
#define Q4   "Ab1-"
#define Q20  Q4 Q4 Q4 Q4 Q4
#define P100 Q20 Q20 Q20 Q20 Q20 /* a valid 100-character phrase */
#define S101 P100 "x"            /* one too long */
#define D10  "0123456789"
#define X64  D10 D10 D10 D10 D10 D10 "0123"
#define X65  X64 "4"

#define RULE_6_8 "SETROPTS PASSWORD(RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)))"
#define CF_EMPSER                                                              \
	"RDEFINE CFIELD USER.CSDATA.EMPSER CFDEF(TYPE(NUM) MAXLENGTH(8))"
#define CF_PINHASH                                                             \
	"RDEFINE CFIELD USER.CSDATA.PINHASH CFDEF(TYPE(CHAR) MAXLENGTH(64) "   \
	"MIXED(YES))"
#define CF_CODE                                                                \
	"RDEFINE CFIELD USER.CSDATA.CODE CFDEF(TYPE(CHAR) MAXLENGTH(16) "      \
	"MIXED(NO))"

/* ---------------------------------------------------------------- *
 * The table
 * ---------------------------------------------------------------- */

struct row {
	const char *name;
	const char *const *setup;
	const struct step *steps;
};

static const struct row rows[] = {
    {"password verify: NORMAL, input folded without MIXEDCASE",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(SECRET1) NOEXPIRED"),
        STEPS(V_OK("JOE", "SECRET1"), V_OK("JOE", "secret1"),
            V_OK("joe", "Secret1"), COUNT("JOE", 0), NOT_REVOKED("JOE"))},

    {"MIXEDCASE: passwords keep their case",
        SETUP("SETROPTS PASSWORD(MIXEDCASE)", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(Sec1) NOEXPIRED"),
        STEPS(V_WRONG("JOE", "sec1", 1), V_WRONG("JOE", "SEC1", 2),
            V_OK("JOE", "Sec1"))},

    {"wrong password: NOTAUTH 2/8, failures counted until a success",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(SECRET1) NOEXPIRED"),
        STEPS(V_WRONG("JOE", "WRONG1", 1), V_WRONG("JOE", "WRONG1", 2),
            V_WRONG("JOE", "SECRET2", 3), COUNT("JOE", 3), NOT_REVOKED("JOE"),
            V_OK("JOE", "SECRET1"), COUNT("JOE", 0))},

    {"unknown or malformed user ID: USERIDERR 8/4",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(SECRET1) NOEXPIRED",
            "ADDUSER GONE", "ALTUSER GONE PASSWORD(SECRET1) NOEXPIRED",
            "DELUSER GONE"),
        STEPS(V_NOUSER("NOBODY"), V_NOUSER("GONE"), V_NOUSER(""),
            V_NOUSER("TOOLONGID"), V_NOUSER("1ABC"), V_NOUSER("A B"),
            V_NOUSER("A\nB"), V_NOUSER("JOE\r"), V_NOUSER("JO.E"),
            LOOKUP("NOBODY", ESM_DENY, ESM_E_NOUSER),
            LOOKUP("GONE", ESM_DENY, ESM_E_NOUSER),
            LOOKUP("1ABC", ESM_DENY, DC), LOOKUP("A\nB", ESM_DENY, DC),
            LOOKUP("joe", ESM_OK, DC), RESUME("NOBODY", ESM_DENY, ESM_E_NOUSER),
            V_OK("JOE", "SECRET1"))},

    {"secret length: 1-100, else LENGERR and nothing counted",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(SECRET1) NOEXPIRED",
            "ALTUSER JOE PHRASE('" P100 "') NOEXPIRED"),
        STEPS(V_LENGERR("JOE", "", 1), V_LENGERR("JOE", S101, 1),
            VC("JOE", "SECRET1", S101, ESM_RESP_LENGERR, 2, DC, DC, DC),
            VC("JOE", "SECRET1", "", ESM_RESP_LENGERR, 2, DC, DC, DC),
            COUNT("JOE", 0), V_OK("JOE", P100), V_OK("JOE", "SECRET1"))},

    {"length decides: 1-8 is the password, 9-100 the phrase",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED",
            "ALTUSER JOE PHRASE('pass1 and more') NOEXPIRED", "ADDUSER SAM",
            "ALTUSER SAM PHRASE('only a phrase 1') NOEXPIRED"),
        STEPS(V_OK("JOE", "pass1 and more"), V_OK("JOE", "pass1"),
            V_WRONG("JOE", "PASS1 AND MORE", 1), V_WRONG("JOE", "pass1 an", 2),
            V_WRONG("JOE", "pass1 and", 3), V_OK("JOE", "pass1 and more"),
            USER("SAM", U_HASPW, 0), USER("SAM", U_HASPH, 1),
            V_WRONG("SAM", "ONLY", 1), V_OK("SAM", "only a phrase 1"))},

    {"admin reset is expired: NOTAUTH 3/12 until changed",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(TEMP1)"),
        STEPS(USER("JOE", U_PWEXP, 1), V_WRONG("JOE", "WRONG1", 1),
            V_EXPIRED("JOE", "TEMP1"), TIMES(0, DC, DC),
            VC_BAD("JOE", "TEMP1", "TEMP1", ESM_NEW_CURRENT),
            VC_OK("JOE", "TEMP1", "NEWPW1"), USER("JOE", U_PWEXP, 0),
            V_WRONG("JOE", "TEMP1", DC), V_OK("JOE", "NEWPW1"))},

    {"admin reset of a phrase is expired too",
        SETUP("ADDUSER JOE", "ALTUSER JOE PHRASE('temporary phrase 1')"),
        STEPS(USER("JOE", U_PHEXP, 1), V_EXPIRED("JOE", "temporary phrase 1"),
            VC_OK("JOE", "temporary phrase 1", "my own phrase 22"),
            USER("JOE", U_PHEXP, 0), V_OK("JOE", "my own phrase 22"),
            V_WRONG("JOE", "temporary phrase 1", DC))},

    {"RULEn: not applied to an expired reset, applied with NOEXPIRED",
        SETUP(RULE_6_8, "ADDUSER JOE"),
        STEPS(CMD("ALTUSER JOE PASSWORD(AB)", 0), V_EXPIRED("JOE", "AB"),
            CMD("ALTUSER JOE PASSWORD(AB) NOEXPIRED", 8),
            V_EXPIRED("JOE", "AB"),
            CMD("ALTUSER JOE PASSWORD(ABCDE1) NOEXPIRED", 0),
            V_OK("JOE", "ABCDE1"), CMD("ALTUSER JOE PASSWORD(XY)", 0),
            VC_BAD("JOE", "XY", "XZ", ESM_NEW_SYNTAX),
            VC_OK("JOE", "XY", "XYZAB2"), V_OK("JOE", "XYZAB2"))},

    {"verify/change: each refusal of a new password, distinct from a "
     "wrong current one",
        SETUP(RULE_6_8, "ADDUSER USERA1",
            "ALTUSER USERA1 PASSWORD(ABCDE1) NOEXPIRED"),
        STEPS(VC_BAD("USERA1", "ABCDE1", "AB", ESM_NEW_SYNTAX),
            VC_BAD("USERA1", "ABCDE1", "ABCDEF", ESM_NEW_SYNTAX),
            VC_BAD("USERA1", "ABCDE1", "ABC!E1", ESM_NEW_SYNTAX),
            VC_BAD("USERA1", "ABCDE1", "ABCDE1", ESM_NEW_CURRENT),
            VC_BAD("USERA1", "ABCDE1", "abcde1", ESM_NEW_CURRENT),
            VC_BAD("USERA1", "ABCDE1", "USERA1", ESM_NEW_USERID),
            VC_BAD("USERA1", "ABCDE1", "usera1", ESM_NEW_USERID),
            COUNT("USERA1", 0), V_OK("USERA1", "ABCDE1"),
            VC("USERA1", "WRONG1", "ABCDE2", ESM_RESP_NOTAUTH, 2, 8, ESM_NEW_OK,
                1),
            VC("USERA1", "WRONG1", "AB", ESM_RESP_NOTAUTH, 2, 8, ESM_NEW_OK, 2),
            V_OK("USERA1", "ABCDE1"), VC_OK("USERA1", "ABCDE1", "ABCDE2"),
            V_OK("USERA1", "ABCDE2"), V_WRONG("USERA1", "ABCDE1", 1))},

    {"verify/change: HISTORY(3) refuses the 3 previous passwords",
        SETUP("SETROPTS PASSWORD(HISTORY(3))", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS0) NOEXPIRED"),
        STEPS(VC_OK("JOE", "PASS0", "PASS1"), VC_OK("JOE", "PASS1", "PASS2"),
            VC_OK("JOE", "PASS2", "PASS3"), VC_OK("JOE", "PASS3", "PASS4"),
            VC_BAD("JOE", "PASS4", "PASS3", ESM_NEW_HISTORY),
            VC_BAD("JOE", "PASS4", "PASS1", ESM_NEW_HISTORY),
            VC_BAD("JOE", "PASS4", "PASS4", ESM_NEW_CURRENT), COUNT("JOE", 0),
            VC_OK("JOE", "PASS4", "PASS0"), V_OK("JOE", "PASS0"))},

    {"verify/change: MINCHANGE(1) counts calendar days",
        SETUP("SETROPTS PASSWORD(MINCHANGE(1))", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS0)"),
        STEPS(VC_OK("JOE", "PASS0", "PASS1"),
            VC_BAD("JOE", "PASS1", "PASS2", ESM_NEW_MINCHANGE), ADVANCE(3600),
            VC_BAD("JOE", "PASS1", "PASS2", ESM_NEW_MINCHANGE), ADVANCE(DAY),
            VC_OK("JOE", "PASS1", "PASS2"), V_OK("JOE", "PASS2"),
            COUNT("JOE", 0))},

    {"verify/change: phrase rules and HISTORY(2) for phrases",
        SETUP("SETROPTS PASSWORD(HISTORY(2))", "ADDUSER JOE",
            "ALTUSER JOE PHRASE('first phrase 11') NOEXPIRED"),
        STEPS(
            VC_BAD("JOE", "first phrase 11", "my joe phrase 1", ESM_NEW_USERID),
            VC_BAD("JOE", "first phrase 11", "MY JOE PHRASE 1", ESM_NEW_USERID),
            VC_BAD("JOE", "first phrase 11", "1234567-a9", ESM_NEW_SYNTAX),
            VC_BAD("JOE", "first phrase 11", "abcdefghijk1", ESM_NEW_SYNTAX),
            VC_BAD("JOE", "first phrase 11", "paaass word 12", ESM_NEW_SYNTAX),
            VC_BAD(
                "JOE", "first phrase 11", "first phrase 11", ESM_NEW_CURRENT),
            VC_OK("JOE", "first phrase 11", "second phrase 2"),
            VC_BAD(
                "JOE", "second phrase 2", "first phrase 11", ESM_NEW_HISTORY),
            VC_OK("JOE", "second phrase 2", "paass word 33"),
            VC_BAD("JOE", "paass word 33", "second phrase 2", ESM_NEW_HISTORY),
            VC_OK("JOE", "paass word 33", "first phrase 11"),
            V_OK("JOE", "first phrase 11"), COUNT("JOE", 0))},

    {"REVOKE(3): revoked after 3 consecutive failures, RESUME restores",
        SETUP("SETROPTS PASSWORD(REVOKE(3))", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(RESUME("JOE", ESM_OK, DC), V_WRONG("JOE", "WRONG1", 1),
            V_WRONG("JOE", "WRONG1", 2), V_OK("JOE", "PASS1"), COUNT("JOE", 0),
            V_WRONG("JOE", "WRONG1", 1), V_WRONG("JOE", "WRONG1", 2),
            NOT_REVOKED("JOE"),
            V("JOE", "WRONG1", ESM_RESP_NOTAUTH, DC, DC, DC),
            REVOKED("JOE", ESM_REVOKE_ATTEMPTS), V_REVOKED("JOE", "PASS1"),
            V_REVOKED("JOE", "WRONG1"), RESUME("JOE", ESM_OK, DC),
            NOT_REVOKED("JOE"), COUNT("JOE", 0), V_OK("JOE", "PASS1"))},

    {"REVOKE(3): password and phrase failures share one count",
        SETUP("SETROPTS PASSWORD(REVOKE(3))", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED",
            "ALTUSER JOE PHRASE('pass1 and more') NOEXPIRED"),
        STEPS(V_WRONG("JOE", "WRONG1", 1), V_WRONG("JOE", "wrong phrase 1", 2),
            V("JOE", "WRONG2", ESM_RESP_NOTAUTH, DC, DC, DC),
            REVOKED("JOE", ESM_REVOKE_ATTEMPTS),
            V_REVOKED("JOE", "pass1 and more"))},

    {"REVOKE(3): a SPECIAL user is not revoked",
        SETUP("SETROPTS PASSWORD(REVOKE(3))", "ADDUSER ADM SPECIAL",
            "ALTUSER ADM PASSWORD(PASS1) NOEXPIRED"),
        STEPS(USER("ADM", U_SPECIAL, 1), V_WRONG("ADM", "WRONG1", 1),
            V_WRONG("ADM", "WRONG1", 2), V_WRONG("ADM", "WRONG1", 3),
            V_WRONG("ADM", "WRONG1", 4), NOT_REVOKED("ADM"),
            V_OK("ADM", "PASS1"))},

    {"ALTUSER REVOKE and RESUME",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED",
            "ALTUSER JOE REVOKE"),
        STEPS(REVOKED("JOE", ESM_REVOKE_COMMAND), V_REVOKED("JOE", "PASS1"),
            V_REVOKED("JOE", "WRONG1"),
            VC("JOE", "PASS1", "PASS2", ESM_RESP_NOTAUTH, 19, 28, DC, DC),
            CMD("ALTUSER JOE RESUME", 0), NOT_REVOKED("JOE"),
            V_WRONG("JOE", "PASS2", 1), V_OK("JOE", "PASS1"),
            CMD("ALTUSER JOE RESUME", 4), CMD("ALTUSER JOE REVOKE", 0),
            V_REVOKED("JOE", "PASS1"), RESUME("JOE", ESM_OK, DC),
            V_OK("JOE", "PASS1"))},

    {"INTERVAL(30): DAYSLEFT, CHANGETIME, EXPIRYTIME and expiry",
        SETUP("SETROPTS PASSWORD(INTERVAL(30))", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(V_OK("JOE", "PASS1"), TIMES(30, DAY0, DAY0 + 30 * DAY),
            ADVANCE(10 * DAY), V_OK("JOE", "PASS1"),
            TIMES(20, DAY0, DAY0 + 30 * DAY),
            /* to the last second before the 30th date */
            ADVANCE(DAY0 + 30 * DAY - 1 - (T0 + 10 * DAY)),
            V_OK("JOE", "PASS1"), TIMES(1, DAY0, DAY0 + 30 * DAY),
            USER("JOE", U_PWEXP, 0), ADVANCE(1), USER("JOE", U_PWEXP, 1),
            V_EXPIRED("JOE", "PASS1"), TIMES(0, DAY0, DAY0 + 30 * DAY),
            VC_OK("JOE", "PASS1", "PASS2"),
            TIMES(30, DAY0 + 30 * DAY, DAY0 + 60 * DAY), V_OK("JOE", "PASS2"))},

    {"INACTIVE(10): an unused user ID is revoked at its next attempt",
        SETUP("SETROPTS INACTIVE(10)", "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED", "ADDUSER SAM",
            "ALTUSER SAM PASSWORD(PASS1) NOEXPIRED"),
        STEPS(ADVANCE(5 * DAY), V_OK("JOE", "PASS1"), ADVANCE(6 * DAY),
            NOT_REVOKED("SAM"), V_REVOKED("SAM", "PASS1"),
            REVOKED("SAM", ESM_REVOKE_INACTIVE), V_OK("JOE", "PASS1"),
            ADVANCE(11 * DAY), V_REVOKED("JOE", "PASS1"),
            REVOKED("JOE", ESM_REVOKE_INACTIVE))},

    {"LASTUSETIME is the previous successful use",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(USER("JOE", U_LAST, 0), V_OK("JOE", "PASS1"), LASTUSE(0),
            ADVANCE(3600), V_OK("JOE", "PASS1"), LASTUSE(T0), ADVANCE(60),
            V_WRONG("JOE", "WRONG1", 1), ADVANCE(60), V_OK("JOE", "PASS1"),
            LASTUSE(T0 + 3600), USER("JOE", U_LAST, T0 + 3720))},

    {"custom fields: CFDEF types, case and length",
        SETUP("ADDUSER JOE", CF_EMPSER, CF_PINHASH, CF_CODE,
            "RDEFINE CFIELD USER.CSDATA.AGE CFDEF(TYPE(NUM) MAXLENGTH(3) "
            "MINVALUE(18) MAXVALUE(120))",
            "RDEFINE CFIELD USER.CSDATA.HX CFDEF(TYPE(HEX) MAXLENGTH(4))",
            "RDEFINE CFIELD USER.CSDATA.FL CFDEF(TYPE(FLAG))"),
        STEPS(GET("JOE", "EMPSER", NULL),
            SET("JOE", "EMPSER", "12345678", ESM_OK, DC),
            GET("JOE", "EMPSER", "12345678"), GET("joe", "empser", "12345678"),
            SET("JOE", "EMPSER", "123456789", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "EMPSER", "12a", ESM_DENY, ESM_E_INVALID),
            GET("JOE", "EMPSER", "12345678"),
            SET("JOE", "CODE", "abc", ESM_OK, DC), GET("JOE", "CODE", "ABC"),
            SET("JOE", "CODE", "ABCDEFGHIJKLMNOPQ", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "CODE", "abcdefghijklmnop", ESM_OK, DC),
            GET("JOE", "CODE", "ABCDEFGHIJKLMNOP"),
            SET("JOE", "PINHASH", "AbC$x/+=", ESM_OK, DC),
            GET("JOE", "PINHASH", "AbC$x/+="),
            SET("JOE", "PINHASH", X65, ESM_DENY, ESM_E_INVALID),
            GET("JOE", "PINHASH", "AbC$x/+="),
            SET("JOE", "PINHASH", X64, ESM_OK, DC), GET("JOE", "PINHASH", X64),
            SET("JOE", "AGE", "17", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "AGE", "121", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "AGE", "18", ESM_OK, DC), GET("JOE", "AGE", "18"),
            SET("JOE", "HX", "1a2f", ESM_OK, DC), GET("JOE", "HX", "1A2F"),
            SET("JOE", "HX", "1G", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "FL", "yes", ESM_OK, DC), GET("JOE", "FL", "YES"),
            SET("JOE", "FL", "MAYBE", ESM_DENY, ESM_E_INVALID),
            GET("JOE", "FL", "YES"),
            SET("JOE", "NOSUCH", "X", ESM_DENY, ESM_E_NOFIELD),
            GET_ERR("JOE", "NOSUCH", ESM_DENY, ESM_E_NOFIELD),
            GET_ERR("NOBODY", "CODE", ESM_DENY, ESM_E_NOUSER),
            SET("NOBODY", "CODE", "X", ESM_DENY, ESM_E_NOUSER),
            SET("JOE", "CODE", NULL, ESM_OK, DC), GET("JOE", "CODE", NULL),
            SET2(
                "JOE", "CODE", "NEW", "EMPSER", "BAD", ESM_DENY, ESM_E_INVALID),
            GET("JOE", "CODE", NULL), GET("JOE", "EMPSER", "12345678"),
            SET2("JOE", "CODE", "NEW", "EMPSER", "42", ESM_OK, DC),
            GET("JOE", "CODE", "NEW"), GET("JOE", "EMPSER", "42"))},

    {"custom fields: compare-and-set",
        SETUP("ADDUSER JOE", CF_PINHASH, CF_CODE),
        STEPS(SET("JOE", "PINHASH", "h1", ESM_OK, DC),
            CAS("JOE", "PINHASH", "h2", "h1", ESM_OK, DC),
            GET("JOE", "PINHASH", "h2"),
            CAS("JOE", "PINHASH", "h3", "h1", ESM_DENY, ESM_E_CONFLICT),
            GET("JOE", "PINHASH", "h2"),
            CAS("JOE", "PINHASH", "h3", "H2", ESM_DENY, ESM_E_CONFLICT),
            GET("JOE", "PINHASH", "h2"),
            CAS("JOE", "CODE", "X", NULL, ESM_OK, DC), GET("JOE", "CODE", "X"),
            CAS("JOE", "CODE", "Y", NULL, ESM_DENY, ESM_E_CONFLICT),
            GET("JOE", "CODE", "X"),
            /* two consumers of one value: only the first wins */
            CAS("JOE", "PINHASH", NULL, "h2", ESM_OK, DC),
            CAS("JOE", "PINHASH", NULL, "h2", ESM_DENY, ESM_E_CONFLICT),
            GET("JOE", "PINHASH", NULL),
            /* the same race between processes */
            SET("JOE", "PINHASH", "TOKEN1", ESM_OK, DC),
            PAR_CAS("JOE", "PINHASH", "USED", "TOKEN1", 4),
            GET("JOE", "PINHASH", "USED"))},

    {"esm_set_secret: expired unless NOEXPIRED, rules, RESUME, phrases",
        SETUP(RULE_6_8, "ADDUSER JOE"),
        STEPS(SECRET("JOE", "AB", 0, ESM_OK, DC), USER("JOE", U_PWEXP, 1),
            V_EXPIRED("JOE", "AB"),
            SECRET("JOE", "XY", ESM_SET_NOEXPIRED, ESM_DENY, ESM_E_RULES),
            V_EXPIRED("JOE", "AB"),
            SECRET("JOE", "ABCDE1", ESM_SET_NOEXPIRED, ESM_OK, DC),
            USER("JOE", U_PWEXP, 0), V_OK("JOE", "ABCDE1"),
            SECRET("JOE", "", 0, ESM_DENY, ESM_E_INVALID),
            SECRET("JOE", S101, 0, ESM_DENY, ESM_E_INVALID),
            SECRET("NOBODY", "ABCDE1", 0, ESM_DENY, ESM_E_NOUSER),
            V_WRONG("JOE", "WRONG1", 1), V_WRONG("JOE", "WRONG1", 2),
            CMD("ALTUSER JOE REVOKE", 0),
            SECRET("JOE", "ABCDE2", ESM_SET_NOEXPIRED, ESM_OK, DC),
            USER("JOE", U_REVOKED, 1), V_REVOKED("JOE", "ABCDE2"),
            SECRET("JOE", "ABCDE3", ESM_SET_NOEXPIRED | ESM_SET_RESUME, ESM_OK,
                DC),
            NOT_REVOKED("JOE"), COUNT("JOE", 0), V_OK("JOE", "ABCDE3"),
            SECRET("JOE", "a new phrase 12", ESM_SET_NOEXPIRED, ESM_OK, DC),
            USER("JOE", U_HASPH, 1), USER("JOE", U_PHEXP, 0),
            V_OK("JOE", "a new phrase 12"), V_OK("JOE", "ABCDE3"),
            SECRET("JOE", "aaa phrase 12", ESM_SET_NOEXPIRED, ESM_DENY,
                ESM_E_RULES),
            V_OK("JOE", "a new phrase 12"),
            SECRET("JOE", "another phrase 3", 0, ESM_OK, DC),
            USER("JOE", U_PHEXP, 1), V_EXPIRED("JOE", "another phrase 3"))},

    {"CR and LF are refused by the wrapper and never stored",
        SETUP(
            "ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED", CF_PINHASH),
        STEPS(SET("JOE", "PINHASH", "a\nb", ESM_DENY, ESM_E_INVALID),
            SET("JOE", "PINHASH", "a\rb", ESM_DENY, ESM_E_INVALID),
            GET("JOE", "PINHASH", NULL),
            SET("JOE", "PINHASH", "ok", ESM_OK, DC),
            CAS("JOE", "PINHASH", "new", "ok\n", ESM_DENY, ESM_E_INVALID),
            SET2("JOE", "PINHASH", "new", "PINHASH", "x\r\n", ESM_DENY,
                ESM_E_INVALID),
            GET("JOE", "PINHASH", "ok"),
            V("JOE", "PASS1\n", ESM_RESP_NOTAUTH, DC, DC, DC),
            V("JOE", "PASS1\r", ESM_RESP_NOTAUTH, DC, DC, DC),
            VC("JOE", "PASS1", "PASS2\n", ESM_RESP_NOTAUTH, 4, 16, DC, DC),
            SECRET("JOE", "NEW1\n", ESM_SET_NOEXPIRED, ESM_DENY, ESM_E_INVALID),
            SECRET("JOE", "a phrase\r\nwith a break", ESM_SET_NOEXPIRED,
                ESM_DENY, ESM_E_INVALID),
            V_OK("JOE", "PASS1"), V_WRONG("JOE", "PASS2", DC),
            V_WRONG("JOE", "NEW1", DC))},

    {"concurrent failures from two processes are all counted",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(PAR_VERIFY("JOE", "WRONG1", 2, 10), COUNT("JOE", 20),
            NOT_REVOKED("JOE"), V_OK("JOE", "PASS1"), COUNT("JOE", 0))},

    {"lookup describes the profile",
        SETUP("ADDGROUP DEPT1",
            "ADDUSER JOE NAME('JOE SMITH') DFLTGRP(DEPT1) "
            "WORKATTR(WAEMAIL('joe@example.com'))",
            "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(LOOKUP("joe", ESM_OK, DC), USERS("joe", U_ID, "JOE"),
            USERS("JOE", U_NAME, "JOE SMITH"), USERS("JOE", U_DFLTGRP, "DEPT1"),
            USERS("JOE", U_EMAIL, "joe@example.com"),
            USERS("JOE", U_GROUP, "DEPT1"), USER("JOE", U_HASPW, 1),
            USER("JOE", U_HASPH, 0), USER("JOE", U_PWEXP, 0),
            USER("JOE", U_SPECIAL, 0), USER("JOE", U_CREATED, T0),
            USER("JOE", U_LAST, 0), NOT_REVOKED("JOE"), COUNT("JOE", 0))},

    {"DELUSER removes the profile with its fields and history",
        SETUP("SETROPTS PASSWORD(HISTORY(3))", CF_CODE, "ADDUSER JOE",
            "ALTUSER JOE PASSWORD(PASS0) NOEXPIRED"),
        STEPS(VC_OK("JOE", "PASS0", "PASS1"),
            SET("JOE", "CODE", "X", ESM_OK, DC), V_WRONG("JOE", "BAD1", 1),
            CMD("DELUSER JOE", 0), V_NOUSER("JOE"),
            LOOKUP("JOE", ESM_DENY, ESM_E_NOUSER),
            GET_ERR("JOE", "CODE", ESM_DENY, ESM_E_NOUSER),
            CMD("ADDUSER JOE", 0),
            CMD("ALTUSER JOE PASSWORD(PASS1) NOEXPIRED", 0),
            GET("JOE", "CODE", NULL), COUNT("JOE", 0),
            VC_OK("JOE", "PASS1", "PASS0"), V_OK("JOE", "PASS0"))},

    {"APPLID: without a PassTicket profile the value is a password",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED"),
        STEPS(VA("JOE", "PASS1", "TSOSYS1", ESM_RESP_NORMAL, 0, 0),
            VA("JOE", "PASS1", "tsosys1", ESM_RESP_NORMAL, 0, 0),
            VA("JOE", "PASS1", "BAD APPL", ESM_RESP_INVREQ, DC, DC),
            VA("JOE", "PASS1", "TOOLONGAP", ESM_RESP_INVREQ, DC, DC),
            COUNT("JOE", 0))},

    {"check_secret: the verify/change rules, with no side effect",
        SETUP(RULE_6_8, "SETROPTS PASSWORD(HISTORY(3))", "ADDUSER USERA1",
            "ALTUSER USERA1 PASSWORD(ABCDE0) NOEXPIRED",
            "ALTUSER USERA1 PHRASE('first phrase 11') NOEXPIRED"),
        STEPS(VC_OK("USERA1", "ABCDE0", "ABCDE1"),
            VC_OK("USERA1", "ABCDE1", "ABCDE2"), V_WRONG("USERA1", "BAD1", 1),
            ADVANCE(3600),
            /* acceptable: a password (folded) and a phrase */
            CHK_OK("USERA1", "ABCDE3"), CHK_OK("usera1", "abcde3"),
            CHK_OK("USERA1", "a new phrase 12"),
            /* each rule, as VC_BAD reports it */
            CHK_BAD("USERA1", "AB", ESM_NEW_SYNTAX),
            CHK_BAD("USERA1", "ABCDEF", ESM_NEW_SYNTAX),
            CHK_BAD("USERA1", "ABC!E1", ESM_NEW_SYNTAX),
            CHK_BAD("USERA1", "USERA1", ESM_NEW_USERID),
            CHK_BAD("USERA1", "usera1", ESM_NEW_USERID),
            CHK_BAD("USERA1", "ABCDE2", ESM_NEW_CURRENT),
            CHK_BAD("USERA1", "abcde2", ESM_NEW_CURRENT),
            CHK_BAD("USERA1", "ABCDE1", ESM_NEW_HISTORY),
            CHK_BAD("USERA1", "ABCDE0", ESM_NEW_HISTORY),
            CHK_BAD("USERA1", "first phrase 11", ESM_NEW_CURRENT),
            CHK_BAD("USERA1", "paaass word 12", ESM_NEW_SYNTAX),
            CHK_BAD("USERA1", "my usera1 phrase", ESM_NEW_USERID),
            /* bounds, as the verify/change path checks them */
            CHK("USERA1", "", ESM_RESP_LENGERR, 2, DC, DC),
            CHK("USERA1", S101, ESM_RESP_LENGERR, 2, DC, DC),
            CHK_BAD("USERA1", "ABCDE3\n", ESM_NEW_SYNTAX),
            /* unknown or malformed user ID */
            CHK("NOBODY", "ABCDE3", ESM_RESP_USERIDERR, 8, 4, ESM_NEW_OK),
            CHK("1ABC", "ABCDE3", ESM_RESP_USERIDERR, 8, 4, ESM_NEW_OK),
            /* nothing moved: count, last access, password, history */
            COUNT("USERA1", 1), USER("USERA1", U_LAST, T0),
            USER("USERA1", U_PWEXP, 0), V_OK("USERA1", "ABCDE2"),
            COUNT("USERA1", 0), VC_OK("USERA1", "ABCDE2", "ABCDE3"),
            CHK_BAD("USERA1", "ABCDE2", ESM_NEW_HISTORY),
            CHK_BAD("USERA1", "ABCDE3", ESM_NEW_CURRENT))},

    {"check_secret: MINCHANGE, MIXEDCASE, revoked and inactive users",
        SETUP("SETROPTS PASSWORD(MINCHANGE(1))", "SETROPTS INACTIVE(10)",
            "ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS0)"),
        STEPS(CHK_OK("JOE", "PASS1"), VC_OK("JOE", "PASS0", "PASS1"),
            CHK_BAD("JOE", "PASS2", ESM_NEW_MINCHANGE), ADVANCE(3600),
            CHK_BAD("JOE", "PASS2", ESM_NEW_MINCHANGE),
            VC_BAD("JOE", "PASS1", "PASS2", ESM_NEW_MINCHANGE), ADVANCE(DAY),
            CHK_OK("JOE", "PASS2"), CHK_BAD("JOE", "Pass1", ESM_NEW_CURRENT),
            CMD("SETROPTS PASSWORD(MIXEDCASE)", 0), CHK_OK("JOE", "Pass1"),
            CHK_BAD("JOE", "PASS1", ESM_NEW_CURRENT),
            CMD("SETROPTS PASSWORD(NOMIXEDCASE)", 0),
            /* the rules only: a revoked user may be given a new secret */
            CMD("ALTUSER JOE REVOKE", 0), CHK_OK("JOE", "PASS2"),
            REVOKED("JOE", ESM_REVOKE_COMMAND), RESUME("JOE", ESM_OK, DC),
            /* unused past INACTIVE: checking does not revoke */
            ADVANCE(11 * DAY), CHK_OK("JOE", "PASS2"), NOT_REVOKED("JOE"),
            V_REVOKED("JOE", "PASS1"), REVOKED("JOE", ESM_REVOKE_INACTIVE))},

    {"list_users: every user or those with a field set, in order",
        SETUP(CF_CODE, CF_EMPSER, "ADDUSER ZED", "ADDUSER JOE2", "ADDUSER AMY",
            "ADDUSER JOE", "ADDUSER $SYS"),
        STEPS(LIST(NULL, "$SYS,AMY,JOE,JOE2,ZED"), LIST("CODE", ""),
            SET("ZED", "CODE", "X", ESM_OK, DC),
            SET("JOE", "CODE", "Y", ESM_OK, DC),
            SET("AMY", "CODE", "Z", ESM_OK, DC),
            SET("JOE2", "EMPSER", "1", ESM_OK, DC), LIST("CODE", "AMY,JOE,ZED"),
            LIST("code", "AMY,JOE,ZED"), LIST("EMPSER", "JOE2"),
            SET("AMY", "CODE", NULL, ESM_OK, DC), LIST("CODE", "JOE,ZED"),
            CMD("DELUSER ZED", 0), LIST("CODE", "JOE"),
            LIST(NULL, "$SYS,AMY,JOE,JOE2"),
            LIST_ERR("NOSUCH", ESM_DENY, ESM_E_NOFIELD),
            LIST_ERR("BAD NAME", ESM_DENY, ESM_E_INVALID),
            LIST_ERR("TOOLONGNM", ESM_DENY, ESM_E_INVALID),
            LIST_ERR("CO\nDE", ESM_DENY, ESM_E_INVALID),
            LIST_ERR("", ESM_DENY, ESM_E_INVALID))},

    {"NOPASSWORD: a user without a password cannot verify",
        SETUP("ADDUSER JOE", "ALTUSER JOE PASSWORD(PASS1) NOEXPIRED",
            "ALTUSER JOE NOPASSWORD"),
        STEPS(USER("JOE", U_HASPW, 0), V_WRONG("JOE", "PASS1", 1))},
};

/* ---------------------------------------------------------------- *
 * The interpreter
 * ---------------------------------------------------------------- */

struct run {
	size_t row;
	struct fixture *f;
	struct esm_verify_result last;
	int have_last;
};

static const char *const op_names[] = {
    [OP_END] = "end",
    [OP_VERIFY] = "verify",
    [OP_TIMES] = "verify times",
    [OP_LASTUSE] = "verify lastusetime",
    [OP_ADVANCE] = "advance",
    [OP_COMMAND] = "command",
    [OP_LOOKUP] = "lookup",
    [OP_USER] = "lookup field",
    [OP_RESUME] = "resume",
    [OP_SECRET] = "set secret",
    [OP_GET] = "get field",
    [OP_SET] = "set field",
    [OP_PAR_VERIFY] = "parallel verify",
    [OP_PAR_CAS] = "parallel compare-and-set",
    [OP_CHECK] = "check secret",
    [OP_LIST] = "list users",
};

/* Fail the row unless got is want (or want is DC). */
static void
check(const struct run *run, size_t k, const char *what, long long got,
    long long want, const char *detail)
{
	const struct step *st = &rows[run->row].steps[k];

	if (want == DC || got == want)
		return;
	fail_msg("row '%s', step %zu (%s%s%s): %s is %lld, want %lld%s%s%s",
	    rows[run->row].name, k + 1, op_names[st->op], st->user ? " " : "",
	    st->user ? st->user : "", what, got, want, detail ? " (" : "",
	    detail ? detail : "", detail ? ")" : "");
}

static void
check_str(const struct run *run, size_t k, const char *what, const char *got,
    const char *want)
{
	const struct step *st = &rows[run->row].steps[k];

	if (got == NULL && want == NULL)
		return;
	if (got != NULL && want != NULL && strcmp(got, want) == 0)
		return;
	fail_msg("row '%s', step %zu (%s%s%s): %s is %s%s%s, want %s%s%s",
	    rows[run->row].name, k + 1, op_names[st->op], st->user ? " " : "",
	    st->user ? st->user : "", what, got ? "'" : "", got ? got : "unset",
	    got ? "'" : "", want ? "'" : "", want ? want : "unset",
	    want ? "'" : "");
}

static void
step_verify(struct run *run, size_t k, const struct step *st)
{
	struct esm_verify_result *vr = &run->last;
	enum esm_result rv, want;

	rv = esm_verify(
	    fixture_esm(run->f), st->user, st->arg1, st->arg2, st->arg3, vr);
	run->have_last = 1;
	/* TEMPFAIL only when the ESM could not decide (INVREQ 29). */
	if (st->resp == ESM_RESP_NORMAL)
		want = ESM_OK;
	else if (st->resp == ESM_RESP_INVREQ && st->resp2 == 29)
		want = ESM_TEMPFAIL;
	else
		want = ESM_DENY;
	check(run, k, "resp", vr->resp, st->resp, vr->msg);
	check(run, k, "resp2", vr->resp2, st->resp2, vr->msg);
	check(run, k, "esmresp", vr->esmresp, st->esmresp, vr->msg);
	check(run, k, "result", rv, want, vr->msg);
	check(
	    run, k, "newsecret reason", vr->newsecret, st->newsecret, vr->msg);
	check(run, k, "invalidcount", vr->invalidcount, st->count, vr->msg);
}

static void
step_check(struct run *run, size_t k, const struct step *st)
{
	struct esm_verify_result vr;
	enum esm_result rv, want;

	rv = esm_check_secret(fixture_esm(run->f), st->user, st->arg1, &vr);
	if (st->resp == ESM_RESP_NORMAL)
		want = ESM_OK;
	else if (st->resp == ESM_RESP_INVREQ && st->resp2 == 29)
		want = ESM_TEMPFAIL;
	else
		want = ESM_DENY;
	check(run, k, "resp", vr.resp, st->resp, vr.msg);
	check(run, k, "resp2", vr.resp2, st->resp2, vr.msg);
	check(run, k, "esmresp", vr.esmresp, st->esmresp, vr.msg);
	check(run, k, "result", rv, want, vr.msg);
	check(run, k, "newsecret reason", vr.newsecret, st->newsecret, vr.msg);
	/* A refusal names its rule with the ESM's message. */
	if (vr.resp == ESM_RESP_NOTAUTH && vr.msg[0] == '\0')
		fail_msg("row '%s', step %zu: a refusal without a message",
		    rows[run->row].name, k + 1);
}

static void
step_list(struct run *run, size_t k, const struct step *st)
{
	char got[256] = "", **ids = NULL;
	struct esm_err err;
	enum esm_result rv;
	size_t n = 0, i;

	rv = esm_list_users(fixture_esm(run->f), st->arg1, &ids, &n, &err);
	check(run, k, "result", rv, st->want, err.msg);
	if (rv != ESM_OK) {
		check(run, k, "error code", err.code, st->err, err.msg);
		return;
	}
	/* Join and free before a failed check jumps away. */
	for (i = 0; i < n; i++) {
		size_t len = strlen(got);

		snprintf(
		    got + len, sizeof(got) - len, "%s%s", i ? "," : "", ids[i]);
	}
	esm_list_free(ids, n);
	check_str(run, k, "the user IDs", got, st->arg2);
}

static void
step_times(struct run *run, size_t k, const struct step *st)
{
	if (!run->have_last)
		fail_msg("row '%s', step %zu: no verify before it",
		    rows[run->row].name, k + 1);
	if (st->op == OP_LASTUSE) {
		check(run, k, "lastusetime", (long long)run->last.lastusetime,
		    st->t[0], NULL);
		return;
	}
	check(run, k, "daysleft", run->last.daysleft, st->t[0], NULL);
	check(run, k, "changetime", (long long)run->last.changetime, st->t[1],
	    NULL);
	check(run, k, "expirytime", (long long)run->last.expirytime, st->t[2],
	    NULL);
}

static void
step_user(struct run *run, size_t k, const struct step *st)
{
	struct esm_user u;
	struct esm_err err;
	enum esm_result rv;
	long long got = 0;
	const char *s = NULL;
	size_t i;

	memset(&u, 0, sizeof(u));
	rv = esm_lookup(fixture_esm(run->f), st->user, &u, &err);
	if (st->op == OP_LOOKUP) {
		check(run, k, "result", rv, st->want, err.msg);
		if (rv != ESM_OK)
			check(run, k, "error code", err.code, st->err, err.msg);
		return;
	}
	check(run, k, "result", rv, ESM_OK, err.msg);
	switch ((enum ufield)st->n) {
	case U_REVOKED:
		got = u.revoked;
		break;
	case U_REASON:
		got = u.revoke_reason;
		break;
	case U_COUNT:
		got = u.invalidcount;
		break;
	case U_SPECIAL:
		got = u.special;
		break;
	case U_HASPW:
		got = u.has_password;
		break;
	case U_HASPH:
		got = u.has_phrase;
		break;
	case U_PWEXP:
		got = u.password_expired;
		break;
	case U_PHEXP:
		got = u.phrase_expired;
		break;
	case U_CREATED:
		got = (long long)u.created;
		break;
	case U_LAST:
		got = (long long)u.last_access;
		break;
	case U_ID:
		s = u.userid;
		break;
	case U_NAME:
		s = u.name;
		break;
	case U_DFLTGRP:
		s = u.dfltgrp;
		break;
	case U_EMAIL:
		s = u.email;
		break;
	case U_GROUP:
		s = NULL;
		for (i = 0; i < u.ngroups && i < ESM_MAX_GROUPS; i++)
			if (strcmp(u.groups[i], st->arg1) == 0)
				s = u.groups[i];
		check_str(run, k, "a connect group", s, st->arg1);
		return;
	}
	if (st->n >= U_ID)
		check_str(run, k, "the field", s, st->arg1);
	else
		check(run, k, "the field", got, st->t[0], NULL);
}

static void
step_resume_secret(struct run *run, size_t k, const struct step *st)
{
	struct esm_err err;
	enum esm_result rv;

	if (st->op == OP_RESUME)
		rv = esm_resume(fixture_esm(run->f), st->user, &err);
	else
		rv = esm_set_secret(fixture_esm(run->f), st->user, st->arg1,
		    (unsigned)st->n, &err);
	check(run, k, "result", rv, st->want, err.msg);
	if (rv != ESM_OK)
		check(run, k, "error code", err.code, st->err, err.msg);
}

static void
step_get(struct run *run, size_t k, const struct step *st)
{
	const char *names[1] = {st->arg1};
	char *values[1] = {NULL};
	char got[SSPR_MAX_FIELD_VALUE + 1];
	struct esm_err err;
	enum esm_result rv;
	int set;

	rv = esm_get_fields(
	    fixture_esm(run->f), st->user, names, 1, values, &err);
	check(run, k, "result", rv, st->want, err.msg);
	if (rv != ESM_OK) {
		check(run, k, "error code", err.code, st->err, err.msg);
		return;
	}
	/* Copy and free before a failed check jumps away. */
	set = values[0] != NULL;
	if (set)
		strlcpy_s(got, values[0], sizeof(got));
	free(values[0]);
	check_str(run, k, st->arg1, set ? got : NULL, st->arg2);
}

static void
step_set(struct run *run, size_t k, const struct step *st)
{
	struct esm_field set[2] = {{st->arg1, st->arg2}, {st->arg3, st->arg4}};
	struct esm_field expect[1] = {{st->arg1, NULL}};
	size_t nexpect = 0;
	struct esm_err err;
	enum esm_result rv;

	if (st->expect != no_expect) {
		expect[0].value = st->expect;
		nexpect = 1;
	}
	rv = esm_set_fields(fixture_esm(run->f), st->user, set,
	    st->arg3 != NULL ? 2 : 1, expect, nexpect, &err);
	check(run, k, "result", rv, st->want, err.msg);
	if (rv != ESM_OK)
		check(run, k, "error code", err.code, st->err, err.msg);
}

/* ---------------------------------------------------------------- *
 * Concurrency: forked children, each with its own ESM handle
 * ---------------------------------------------------------------- */

#define MAX_CHILDREN 8

enum { CHILD_OK = 0, CHILD_CONFLICT = 1, CHILD_WRONG = 2 };

/* Verify st->reps times; CHILD_OK when every answer was resp/resp2. */
static int
child_verify(struct fixture *f, const struct step *st)
{
	struct esm_verify_result vr;
	struct esm *esm = fixture_esm_open(f);
	int i, rc = CHILD_OK;

	if (esm == NULL)
		return CHILD_WRONG;
	for (i = 0; i < st->reps; i++) {
		(void)esm_verify(esm, st->user, st->arg1, NULL, NULL, &vr);
		if ((int)vr.resp != st->resp || vr.resp2 != st->resp2) {
			fprintf(stderr, "child: verify answered %d/%d: %s\n",
			    (int)vr.resp, vr.resp2, vr.msg);
			rc = CHILD_WRONG;
		}
	}
	esm_close(esm);
	return rc;
}

/* One compare-and-set: CHILD_OK won, CHILD_CONFLICT lost. */
static int
child_cas(struct fixture *f, const struct step *st)
{
	struct esm_field set = {st->arg1, st->arg2};
	struct esm_field expect = {st->arg1, st->expect};
	struct esm *esm = fixture_esm_open(f);
	struct esm_err err;
	enum esm_result rv;
	int rc;

	if (esm == NULL)
		return CHILD_WRONG;
	rv = esm_set_fields(esm, st->user, &set, 1, &expect, 1, &err);
	if (rv == ESM_OK)
		rc = CHILD_OK;
	else if (rv == ESM_DENY && err.code == ESM_E_CONFLICT)
		rc = CHILD_CONFLICT;
	else {
		fprintf(stderr, "child: compare-and-set gave %d: %s\n", (int)rv,
		    err.msg);
		rc = CHILD_WRONG;
	}
	esm_close(esm);
	return rc;
}

/*
 * Fork st->n children that start together (they wait for the start pipe
 * to close) and run fn; count their exit codes in counts[].  The parent's
 * own ESM connections are idle across the fork and the children never use
 * them.
 */
static void
run_children(struct run *run, size_t k, const struct step *st,
    int (*fn)(struct fixture *, const struct step *), int counts[3])
{
	pid_t pids[MAX_CHILDREN];
	int start[2], status, forked = 0, bad = 0, i;
	char c;

	counts[0] = counts[1] = counts[2] = 0;
	if (st->n < 1 || st->n > MAX_CHILDREN || pipe(start) == -1)
		fail_msg("row '%s', step %zu: cannot start %ld processes",
		    rows[run->row].name, k + 1, st->n);
	fflush(NULL);
	for (i = 0; i < (int)st->n; i++) {
		pids[i] = fork();
		if (pids[i] == -1)
			break;
		if (pids[i] == 0) {
			close(start[1]);
			while (read(start[0], &c, 1) > 0)
				;
			_exit(fn(run->f, st));
		}
		forked++;
	}
	close(start[1]);
	close(start[0]);
	for (i = 0; i < forked; i++) {
		if (waitpid(pids[i], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > CHILD_WRONG) {
			bad++;
			continue;
		}
		counts[WEXITSTATUS(status)]++;
	}
	if (forked != (int)st->n || bad > 0)
		fail_msg("row '%s', step %zu: %d of %ld processes ran, %d "
		         "crashed",
		    rows[run->row].name, k + 1, forked, st->n, bad);
}

static void
step_parallel(struct run *run, size_t k, const struct step *st)
{
	int counts[3];

	if (st->op == OP_PAR_VERIFY) {
		run_children(run, k, st, child_verify, counts);
		check(run, k, "processes with a wrong answer",
		    counts[CHILD_WRONG], 0, NULL);
		return;
	}
	run_children(run, k, st, child_cas, counts);
	check(run, k, "processes with an error", counts[CHILD_WRONG], 0, NULL);
	check(run, k, "winners", counts[CHILD_OK], 1, NULL);
	check(run, k, "losers with ESM_E_CONFLICT", counts[CHILD_CONFLICT],
	    st->n - 1, NULL);
}

static void
run_step(struct run *run, size_t k, const struct step *st)
{
	switch (st->op) {
	case OP_END:
		break;
	case OP_VERIFY:
		step_verify(run, k, st);
		break;
	case OP_TIMES:
	case OP_LASTUSE:
		step_times(run, k, st);
		break;
	case OP_ADVANCE:
		fixture_advance(run->f, st->n);
		break;
	case OP_COMMAND:
		check(run, k, "return code", fixture_command(run->f, st->arg1),
		    st->want, st->arg1);
		break;
	case OP_LOOKUP:
	case OP_USER:
		step_user(run, k, st);
		break;
	case OP_RESUME:
	case OP_SECRET:
		step_resume_secret(run, k, st);
		break;
	case OP_GET:
		step_get(run, k, st);
		break;
	case OP_SET:
		step_set(run, k, st);
		break;
	case OP_PAR_VERIFY:
	case OP_PAR_CAS:
		step_parallel(run, k, st);
		break;
	case OP_CHECK:
		step_check(run, k, st);
		break;
	case OP_LIST:
		step_list(run, k, st);
		break;
	}
}

/* ---------------------------------------------------------------- *
 * cmocka: one test per row, each on a fresh fixture
 * ---------------------------------------------------------------- */

static int
row_setup(void **state)
{
	struct run *run = xcalloc(1, sizeof(*run));

	run->row = (size_t)(uintptr_t)*state;
	run->f = fixture_new();
	if (run->f == NULL) {
		print_error("row '%s': the fixture could not be made\n",
		    rows[run->row].name);
		free(run);
		return -1;
	}
	*state = run;
	return 0;
}

static int
row_teardown(void **state)
{
	struct run *run = *state;

	fixture_free(run->f);
	free(run);
	return 0;
}

static void
test_row(void **state)
{
	struct run *run = *state;
	const struct row *row = &rows[run->row];
	size_t k;

	if (fixture_setup(run->f, row->setup) == -1)
		fail_msg("row '%s': set-up failed", row->name);
	for (k = 0; row->steps[k].op != OP_END; k++)
		run_step(run, k, &row->steps[k]);
}

int
main(void)
{
	static struct CMUnitTest tests[ARRAY_SIZE(rows)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		tests[i].name = rows[i].name;
		tests[i].test_func = test_row;
		tests[i].setup_func = row_setup;
		tests[i].teardown_func = row_teardown;
		tests[i].initial_state = (void *)(uintptr_t)i;
	}
	return cmocka_run_group_tests_name("esm contract", tests, NULL, NULL);
}
