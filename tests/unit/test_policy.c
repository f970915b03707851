/*
 * test_policy.c - unit tests for sspr/policy.c.
 *
 * The catalogue is linted (twelve questions Q01..Q12, English and German
 * texts, no public-record or workplace phrases), looked up by ID and by
 * language.  One table tries to get a weak PIN past each rule (format,
 * length, repeated digit, repeated block, runs with and without wrapping,
 * the user ID's digits, the common list, each date layout) next to PINs
 * that must pass; another does the same for the answers and question IDs.
 * Every refusal is compared with its exact message; an acceptance must
 * leave err untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "sspr/policy.h"
#include "sspr/secret.h"

#include "compat/banned.h"

static void
test_catalogue(void **state)
{
	/* Questions the catalogue must not ask (KBA-06 lint), normalised. */
	static const char *const banned[] = {"birth", "born", "maiden",
	    "mother", "geburt", "geboren", "mädchenname", "mutter", "colleague",
	    "kolleg", "work", "arbeit", "job", "employ", "firma", "company",
	    "office", "büro", " car", "auto", "favourite", "favorite",
	    "lieblings", "password", "passwort", "social security",
	    "sozialversicherung", "phone", "telefon"};
	const struct policy_question *q;
	char norm[SECRET_MAX_NORM], want[24];
	size_t n = 0, i, j, k;

	(void)state;
	q = policy_questions(&n);
	assert_non_null(q);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++) {
		(void)snprintf(want, sizeof(want), "Q%02zu", i + 1);
		if (strcmp(q[i].id, want) != 0)
			fail_msg(
			    "entry %zu: id '%s', want '%s'", i, q[i].id, want);
		if (policy_question(q[i].id) != &q[i])
			fail_msg("%s: lookup failed", q[i].id);
		if (strcmp(q[i].en, q[i].de) == 0 || q[i].en[0] == '\0' ||
		    q[i].de[0] == '\0')
			fail_msg(
			    "%s: texts missing or not translated", q[i].id);
		for (j = 0; j < 2; j++) {
			const char *text = j == 0 ? q[i].en : q[i].de;

			if (secret_normalize_answer(text, norm) < 10 ||
			    text[strlen(text) - 1] != '?')
				fail_msg("%s: bad text '%s'", q[i].id, text);
			for (k = 0; k < ARRAY_SIZE(banned); k++)
				if (strstr(norm, banned[k]) != NULL)
					fail_msg("%s: '%s' asks about '%s'",
					    q[i].id, text, banned[k]);
		}
		for (j = 0; j < i; j++)
			if (strcmp(q[i].en, q[j].en) == 0 ||
			    strcmp(q[i].de, q[j].de) == 0)
				fail_msg(
				    "%s and %s: same text", q[j].id, q[i].id);
	}
	assert_non_null(policy_questions(NULL));
}

static void
test_lookup(void **state)
{
	static const char *const unknown[] = {"Q00", "Q13", "q01", "Q1", " Q01",
	    "Q01 ", "Q011", "", "What was the name of your first pet?"};
	static const struct {
		const char *lang;
		int de;
	} langs[] = {
	    {"de", 1},
	    {"DE", 1},
	    {"de-AT", 1},
	    {"de_CH", 1},
	    {"en", 0},
	    {"en-GB", 0},
	    {"fr", 0},
	    {"deu", 0},
	    {"d", 0},
	    {"", 0},
	    {NULL, 0},
	};
	const struct policy_question *q;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		if (policy_question(unknown[i]) != NULL)
			fail_msg("'%s' found", unknown[i]);
	assert_null(policy_question(NULL));

	q = policy_question("Q01");
	assert_non_null(q);
	assert_string_equal(q->en, "What was the name of your first pet?");
	assert_string_equal(q->de, "Wie hieß Ihr erstes Haustier?");
	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		const char *t = policy_question_text(q, langs[i].lang);

		if (t != (langs[i].de ? q->de : q->en))
			fail_msg("lang '%s': wrong text '%s'",
			    langs[i].lang ? langs[i].lang : "(null)", t);
	}
	assert_null(policy_question_text(NULL, "en"));
}

/*
 * A check's verdict: want NULL, accepted (rc 0) with err as the caller
 * left it ("untouched"); else refused (rc -1) with err exactly want.
 */
static void
want_verdict(const char *row, int rc, const char *err, const char *want)
{
	if (want == NULL) {
		if (rc != 0 || strcmp(err, "untouched") != 0)
			fail_msg("%s: refused: %s", row, err);
	} else if (rc != -1 || strcmp(err, want) != 0) {
		fail_msg("%s: got %d '%s', want '%s'", row, rc, err, want);
	}
}

#define SHORT6  "the PIN is too short (at least 6 digits)"
#define LONG8   "the PIN is too long (at most 8 digits)"
#define DIGITS  "the PIN may contain only digits"
#define SAME    "the PIN repeats one digit"
#define PATTERN "the PIN repeats a short pattern"
#define RUN     "the PIN is a run of consecutive digits"
#define USERID  "the PIN uses the digits of the user ID"
#define COMMON  "the PIN is on the list of common PINs"
#define DATE    "the PIN looks like a date"

static void
test_pin(void **state)
{
	static const struct {
		int min, max; /* 0, 0: the default policy (NULL) */
		const char *userid;
		const char *pin;
		const char *want; /* NULL: accepted */
	} cases[] = {
	    /* acceptable */
	    {0, 0, "IBMUSER", "583920", NULL},
	    {0, 0, "IBMUSER", "7419352", NULL},
	    {0, 0, "IBMUSER", "30571946", NULL},
	    {0, 0, "IBMUSER", "902714", NULL},
	    {0, 0, NULL, "583920", NULL},
	    {0, 0, "U123", "812309", NULL},      /* 3 digits: not checked */
	    {0, 0, "U1234", "812309", NULL},     /* digits not in the PIN */
	    {0, 0, "IBMUSER", "31041990", NULL}, /* 31 April: no date */
	    {0, 0, "IBMUSER", "25121899", NULL}, /* 1899: out of range */
	    {0, 0, "IBMUSER", "25122100", NULL}, /* 2100: out of range */
	    {0, 0, "IBMUSER", "133790", NULL},   /* month 13 */
	    {0, 0, "IBMUSER", "1234560", NULL},  /* run broken at the end */
	    {0, 0, "IBMUSER", "5835830", NULL},  /* pattern broken */
	    {4, 12, "IBMUSER", "5839", NULL},
	    {4, 12, "IBMUSER", "583920174628", NULL},
	    {0, 0, "IBMUSER", "", "the PIN is missing"},
	    /* format and length */
	    {0, 0, "IBMUSER", "58392a", DIGITS},
	    {0, 0, "IBMUSER", "583 920", DIGITS},
	    {0, 0, "IBMUSER", "-583920", DIGITS},
	    {0, 0, "IBMUSER",
	        "\xef\xbc\x95\xef\xbc\x98\xef\xbc\x93\xef\xbc"
	        "\x99",
	        DIGITS}, /* fullwidth */
	    {0, 0, "IBMUSER", "58392", SHORT6},
	    {0, 0, "IBMUSER", "583920174", LONG8},
	    {8, 8, "IBMUSER", "583920",
	        "the PIN is too short (at least 8 digits)"},
	    {4, 5, "IBMUSER", "583920",
	        "the PIN is too long (at most 5 digits)"},
	    {0, 8, "IBMUSER", "583920",
	        "the PIN policy is invalid (min 0, max 8 digits)"},
	    {9, 8, "IBMUSER", "583920",
	        "the PIN policy is invalid (min 9, max 8 digits)"},
	    {6, 100, "IBMUSER", "583920",
	        "the PIN policy is invalid (min 6, max 100 digits)"},
	    /* one digit */
	    {0, 0, "IBMUSER", "000000", SAME},
	    {0, 0, "IBMUSER", "1111111", SAME},
	    {0, 0, "IBMUSER", "99999999", SAME},
	    /* runs, with and without wrapping */
	    {0, 0, "IBMUSER", "123456", RUN},
	    {0, 0, "IBMUSER", "987654", RUN},
	    {0, 0, "IBMUSER", "3456789", RUN},
	    {0, 0, "IBMUSER", "01234567", RUN},
	    {0, 0, "IBMUSER", "890123", RUN},
	    {0, 0, "IBMUSER", "21098765", RUN},
	    {0, 0, "IBMUSER", "87654321", RUN},
	    {0, 0, "IBMUSER", "901234", RUN},
	    /* repeated blocks */
	    {0, 0, "IBMUSER", "121212", PATTERN},
	    {0, 0, "IBMUSER", "583583", PATTERN},
	    {0, 0, "IBMUSER", "4747474", PATTERN},
	    {0, 0, "IBMUSER", "58395839", PATTERN},
	    {0, 0, "IBMUSER", "696969", PATTERN},
	    /* the user ID's digits, either way round */
	    {0, 0, "U583920", "583920", USERID},
	    {0, 0, "AB1937", "71937405", USERID},
	    {0, 0, "A9583920", "583920", USERID},
	    {0, 0, "X5839", "583920", USERID},
	    {0, 0, "5X8Y3Z9", "583920", USERID}, /* digits in order */
	    /* common */
	    {0, 0, "IBMUSER", "147258", COMMON},
	    {0, 0, "IBMUSER", "159753", COMMON},
	    {0, 0, "IBMUSER", "102030", COMMON},
	    {0, 0, "IBMUSER", "246810", COMMON},
	    {0, 0, "IBMUSER", "789456", COMMON},
	    {0, 0, "IBMUSER", "123321", COMMON},
	    {0, 0, "IBMUSER", "112233", COMMON}, /* also MMDDYY: common first */
	    {0, 0, "IBMUSER", "11223344", COMMON},
	    {4, 9, "IBMUSER", "147258369", COMMON},
	    {4, 8, "IBMUSER", "13579", COMMON},
	    /* dates */
	    {0, 0, "IBMUSER", "25121990", DATE}, /* DDMMYYYY */
	    {0, 0, "IBMUSER", "29022000", DATE},
	    {0, 0, "IBMUSER", "01012099", DATE},
	    {0, 0, "IBMUSER", "12251990", DATE}, /* MMDDYYYY */
	    {0, 0, "IBMUSER", "19901225", DATE}, /* YYYYMMDD */
	    {0, 0, "IBMUSER", "20240131", DATE},
	    {0, 0, "IBMUSER", "251290", DATE}, /* DDMMYY */
	    {0, 0, "IBMUSER", "311299", DATE},
	    {0, 0, "IBMUSER", "122590", DATE}, /* MMDDYY */
	    {0, 0, "IBMUSER", "901225", DATE}, /* YYMMDD */
	    {0, 0, "IBMUSER", "770704", DATE},
	};
	char err[128], row[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct policy_pin p = {cases[i].min, cases[i].max};
		int rc;

		(void)strlcpy_s(err, "untouched", sizeof(err));
		rc = policy_pin_check(
		    cases[i].min == 0 && cases[i].max == 0 ? NULL : &p,
		    cases[i].userid, cases[i].pin, err, sizeof(err));
		(void)snprintf(
		    row, sizeof(row), "row %zu '%s'", i, cases[i].pin);
		want_verdict(row, rc, err, cases[i].want);
	}
	assert_int_equal(
	    policy_pin_check(NULL, "IBMUSER", NULL, err, sizeof(err)), -1);
	/* err may be absent. */
	assert_int_equal(
	    policy_pin_check(NULL, "IBMUSER", "123456", NULL, 0), -1);
}

static void
test_answers(void **state)
{
	static const struct {
		const char *ids[POLICY_QUESTIONS];
		const char *answers[POLICY_QUESTIONS];
		const char *userid, *email;
		const char *want; /* NULL: accepted */
	} cases[] = {
	    /* acceptable */
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        "hans.mueller@example.com", NULL},
	    {{"Q12", "Q07", "Q04"},
	        {"\xc3\xa4\xc3\xb6\xc3\xbc", "queen", "teddy b\xc3\xa4r"},
	        "IBMUSER", "h@example.com", NULL},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "anna"}, NULL, NULL,
	        NULL},
	    {{"Q01", "Q02", "Q03"},
	        {"rex the first pet dog", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, NULL}, /* holds the question: ok */
	    /* question IDs */
	    {{"Q01", "Q13", "Q03"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "question 2 'Q13' is not in the catalogue"},
	    {{"What is your favourite colour of all?", "Q02", "Q03"},
	        {"rex", "hinterzarten", "anna"}, "IBMUSER", NULL,
	        "question 1 'What is your favourite colour of...' is not in "
	        "the "
	        "catalogue"},
	    {{"Q01", "Q02", "Q\n1"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "question 3 'Q?1' is not in the catalogue"},
	    {{"Q01", "Q02", "q03"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "question 3 'q03' is not in the catalogue"},
	    {{"Q01", "Q02", "Q01"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "questions 1 and 3 are the same"},
	    {{"Q05", "Q05", "Q01"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "questions 1 and 2 are the same"},
	    {{NULL, "Q02", "Q03"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "question 1 is missing"},
	    {{"Q01", "", "Q03"}, {"rex", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "question 2 is missing"},
	    /* answers: missing, short */
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", NULL}, "IBMUSER",
	        NULL, "answer 3 is missing"},
	    {{"Q01", "Q02", "Q03"}, {"", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is missing"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "ab", "anna"}, "IBMUSER", NULL,
	        "answer 2 is too short (at least 3 characters)"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "\xc3\xa4\xc3\xb6"},
	        "IBMUSER", NULL,
	        "answer 3 is too short (at least 3 characters)"},
	    {{"Q01", "Q02", "Q03"}, {"x", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is too short (at least 3 characters)"},
	    /* denylist */
	    {{"Q01", "Q02", "Q03"}, {"password", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "n/a", "anna"}, "IBMUSER", NULL,
	        "answer 2 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "none"}, "IBMUSER",
	        NULL, "answer 3 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"123", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"qwerty", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"secret", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"asdf", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"abc", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"xxx", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"test", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"weiss nicht", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is on the list of weak answers"},
	    {{"Q01", "Q02", "Q03"}, {"zzzz", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 repeats one character"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "\xc3\xa4\xc3\xa4\xc3\xa4", "anna"},
	        "IBMUSER", NULL, "answer 2 repeats one character"},
	    /* the user ID and the e-mail address */
	    {{"Q01", "Q02", "Q03"}, {"rex", "ibmuser", "anna"}, "IBMUSER", NULL,
	        "answer 2 is the user ID"},
	    {{"Q01", "Q02", "Q03"},
	        {"rex", "hinterzarten", "hans.mueller@example.com"}, "IBMUSER",
	        "Hans.Mueller@Example.COM",
	        "answer 3 is the e-mail address or its local part"},
	    {{"Q01", "Q02", "Q03"}, {"hans.mueller", "hinterzarten", "anna"},
	        "IBMUSER", "hans.mueller@example.com",
	        "answer 1 is the e-mail address or its local part"},
	    /* contained in its question, in English or German */
	    {{"Q01", "Q02", "Q03"}, {"first pet", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is part of its question"},
	    {{"Q01", "Q02", "Q03"}, {"pet", "hinterzarten", "anna"}, "IBMUSER",
	        NULL, "answer 1 is part of its question"},
	    {{"Q01", "Q02", "Q03"}, {"haustier", "hinterzarten", "anna"},
	        "IBMUSER", NULL, "answer 1 is part of its question"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "first school", "anna"}, "IBMUSER",
	        NULL, "answer 2 is part of its question"},
	    {{"Q01", "Q08", "Q03"}, {"rex", "strasse", "anna"}, /* Straße */
	        "IBMUSER", NULL, "answer 2 is part of its question"},
	    /* on word boundaries only: "primary" does not hold "mary" */
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "mary"}, "IBMUSER",
	        NULL, NULL},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "primary school"},
	        "IBMUSER", NULL, "answer 3 is part of its question"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "friend in"},
	        "IBMUSER", NULL, "answer 3 is part of its question"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "best fri"},
	        "IBMUSER", NULL, NULL},
	    /* another question's words are fine */
	    {{"Q01", "Q02", "Q03"}, {"rex", "hinterzarten", "haustier"},
	        "IBMUSER", NULL, NULL},
	    /* duplicates */
	    {{"Q01", "Q02", "Q03"}, {"rex", "anna", "rex"}, "IBMUSER", NULL,
	        "answers 1 and 3 are the same"},
	    {{"Q01", "Q02", "Q03"}, {"rex", "anna", "anna"}, "IBMUSER", NULL,
	        "answers 2 and 3 are the same"},
	};
	char err[128], row[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc;

		(void)strlcpy_s(err, "untouched", sizeof(err));
		rc = policy_answers_check(cases[i].ids, cases[i].answers,
		    cases[i].userid, cases[i].email, err, sizeof(err));
		(void)snprintf(row, sizeof(row), "row %zu", i);
		want_verdict(row, rc, err, cases[i].want);
	}
}

/* Answers as a user types them are refused after normalisation too. */
static void
test_answers_normalised(void **state)
{
	static const char *const ids[POLICY_QUESTIONS] = {"Q01", "Q02", "Q03"};
	static const struct {
		const char *typed;
		const char *want;
	} cases[] = {
	    {"  PASSWORD ", "answer 1 is on the list of weak answers"},
	    {"Wei\xc3\x9f  NICHT", "answer 1 is on the list of weak answers"},
	    {"\xef\xbc\xb0\xef\xbc\xa5\xef\xbc\xb4", /* fullwidth PET */
	        "answer 1 is part of its question"},
	    {"Haus\xc2\xa0Tier", NULL}, /* "haus tier" is not in it */
	    {"HAUSTIER", "answer 1 is part of its question"},
	    {"Erstes  Haustier", "answer 1 is part of its question"},
	    {"IBMUser", "answer 1 is the user ID"},
	    {"Hinter  Zarten", "answers 1 and 2 are the same"},
	};
	char norm[SECRET_MAX_NORM], err[128], row[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *answers[POLICY_QUESTIONS] = {
		    norm, "hinter zarten", "anna"};
		int rc;

		assert_true(secret_normalize_answer(cases[i].typed, norm) >= 0);
		(void)strlcpy_s(err, "untouched", sizeof(err));
		rc = policy_answers_check(
		    ids, answers, "IBMUSER", NULL, err, sizeof(err));
		(void)snprintf(row, sizeof(row), "row %zu", i);
		want_verdict(row, rc, err, cases[i].want);
	}
	assert_int_equal(
	    policy_answers_check(NULL, NULL, NULL, NULL, err, sizeof(err)), -1);
}

/* New passwords and phrases: no control, format or separator character. */
static void
test_secret_text(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
	    {"correct horse 7 battery", 1},
	    {"Gr\xc3\xbc\xc3\x9f Gott 42!", 1},
	    {"two\tparts 42", 0},
	    {"line\nbreak 42", 0},
	    {"del\x7f 4242", 0},
	    {"c1\xc2\x85 4242", 0},           /* NEL */
	    {"rlo \xe2\x80\xae 4242", 0},     /* U+202E */
	    {"isolate \xe2\x81\xa6 4242", 0}, /* U+2066 */
	    {"zw\xe2\x80\x8bsp 4242", 0},     /* U+200B */
	    {"bom\xef\xbb\xbf 4242", 0},      /* U+FEFF */
	    {"ls\xe2\x80\xa8 4242", 0},       /* U+2028 */
	    {"bad \xff utf8 42", 0},
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		if ((policy_secret_text(cases[i].s, err, sizeof(err)) == 0) !=
		    cases[i].ok)
			fail_msg("case %zu: %s", i, err);
		if (!cases[i].ok)
			assert_true(err[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_pin),
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_answers_normalised),
	    cmocka_unit_test(test_secret_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
