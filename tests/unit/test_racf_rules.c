/*
 * test_racf_rules.c - unit tests for esm/racf_rules.c.
 *
 * Table-driven: the password character set under MIXEDCASE/SPECIALCHARS,
 * every content class letter, RULEn keyword names and position lists,
 * racf_rule_match(), racf_password_check() with and without rules,
 * racf_phrase_check() with every failure and its boundaries, folding, and
 * the RACF messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "esm/racf_rules.h"
#include "compat/compat.h"

#include "compat/banned.h"

/* A printable name for a character in failure messages. */
static const char *
show(int c, char *buf, size_t size)
{
	if (c > 32 && c < 127)
		(void)snprintf(buf, size, "'%c'", c);
	else
		(void)snprintf(buf, size, "0x%02X", (unsigned int)c & 0xFFU);
	return buf;
}

static void
test_char_ok(void **state)
{
	static const struct {
		int c, mixed, special, want;
	} cases[] = {
	    {'A', 0, 0, 1},
	    {'Z', 0, 0, 1},
	    {'0', 0, 0, 1},
	    {'9', 0, 0, 1},
	    {'#', 0, 0, 1},
	    {'@', 0, 0, 1},
	    {'$', 0, 0, 1},
	    {'a', 0, 0, 0},
	    {'z', 0, 1, 0},
	    {'a', 1, 0, 1},
	    {'z', 1, 0, 1},
	    {'.', 0, 0, 0},
	    {'.', 1, 0, 0},
	    {'.', 0, 1, 1},
	    {'<', 0, 1, 1},
	    {'+', 0, 1, 1},
	    {'|', 0, 1, 1},
	    {'&', 0, 1, 1},
	    {'!', 0, 1, 1},
	    {'*', 0, 1, 1},
	    {'-', 0, 1, 1},
	    {'%', 0, 1, 1},
	    {'_', 0, 1, 1},
	    {'>', 0, 1, 1},
	    {'?', 0, 1, 1},
	    {':', 0, 1, 1},
	    {'=', 0, 1, 1},
	    {'=', 0, 0, 0},
	    {' ', 1, 1, 0},
	    {'\'', 1, 1, 0},
	    {'"', 1, 1, 0},
	    {'/', 1, 1, 0},
	    {'^', 1, 1, 0},
	    {'(', 1, 1, 0},
	    {',', 1, 1, 0},
	    {0xC1, 1, 1, 0},
	    {0xE9, 1, 1, 0},
	    {'\0', 1, 1, 0},
	    {-1, 1, 1, 0},
	    {'A' + 256, 1, 1, 0},
	};
	size_t i;
	char b[8];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_pwpolicy pol;
		int got;

		memset(&pol, 0, sizeof(pol));
		pol.mixedcase = cases[i].mixed;
		pol.specialchars = cases[i].special;
		got = racf_password_char_ok(cases[i].c, &pol);
		if (got != cases[i].want)
			fail_msg("row %zu (%s mixed=%d special=%d): got %d, "
			         "want %d",
			    i, show(cases[i].c, b, sizeof(b)), cases[i].mixed,
			    cases[i].special, got, cases[i].want);
	}
	/* A NULL policy is RACF's default. */
	assert_int_equal(racf_password_char_ok('A', NULL), 1);
	assert_int_equal(racf_password_char_ok('a', NULL), 0);
	assert_int_equal(racf_password_char_ok('.', NULL), 0);
}

/* Every class letter, through a one-position rule LENGTH(1:1). */
static void
test_class_letters(void **state)
{
	static const struct {
		int cls, c, want;
	} cases[] = {
	    /* ALPHA: A-Z and the nationals */
	    {'A', 'A', 1},
	    {'A', 'Z', 1},
	    {'A', '#', 1},
	    {'A', '@', 1},
	    {'A', '$', 1},
	    {'A', 'a', 0},
	    {'A', '1', 0},
	    {'A', '.', 0},
	    /* CONSONANT: upper-case, Y counts */
	    {'C', 'B', 1},
	    {'C', 'Y', 1},
	    {'C', 'Z', 1},
	    {'C', 'A', 0},
	    {'C', 'E', 0},
	    {'C', 'I', 0},
	    {'C', 'O', 0},
	    {'C', 'U', 0},
	    {'C', 'b', 0},
	    {'C', '#', 0},
	    {'C', '1', 0},
	    /* ALPHANUM */
	    {'L', 'Q', 1},
	    {'L', '5', 1},
	    {'L', '$', 1},
	    {'L', 'q', 0},
	    {'L', '*', 0},
	    /* NUMERIC */
	    {'N', '0', 1},
	    {'N', '9', 1},
	    {'N', 'A', 0},
	    {'N', '#', 0},
	    /* VOWEL: upper-case only */
	    {'V', 'A', 1},
	    {'V', 'E', 1},
	    {'V', 'I', 1},
	    {'V', 'O', 1},
	    {'V', 'U', 1},
	    {'V', 'Y', 0},
	    {'V', 'a', 0},
	    {'V', 'B', 0},
	    /* NOVOWEL: any valid character but a vowel of either case */
	    {'W', 'B', 1},
	    {'W', 'b', 1},
	    {'W', '7', 1},
	    {'W', '#', 1},
	    {'W', '.', 1},
	    {'W', 'A', 0},
	    {'W', 'e', 0},
	    {'W', ' ', 0},
	    {'W', '/', 0},
	    /* ANYTHING */
	    {'*', 'A', 1},
	    {'*', 'z', 1},
	    {'*', '0', 1},
	    {'*', '@', 1},
	    {'*', '=', 1},
	    {'*', ' ', 0},
	    {'*', '/', 0},
	    {'*', 0xC1, 0},
	    /* MIXEDCONSONANT */
	    {'c', 'B', 1},
	    {'c', 'b', 1},
	    {'c', 'y', 1},
	    {'c', 'a', 0},
	    {'c', 'U', 0},
	    {'c', '1', 0},
	    {'c', '#', 0},
	    /* MIXEDNUM: letters and digits, no nationals */
	    {'m', 'A', 1},
	    {'m', 'a', 1},
	    {'m', '5', 1},
	    {'m', '#', 0},
	    {'m', '.', 0},
	    /* MIXEDVOWEL */
	    {'v', 'a', 1},
	    {'v', 'U', 1},
	    {'v', 'b', 0},
	    {'v', '1', 0},
	    /* NATIONAL */
	    {'$', '#', 1},
	    {'$', '@', 1},
	    {'$', '$', 1},
	    {'$', 'A', 0},
	    {'$', '.', 0},
	    /* SPECIAL */
	    {'s', '.', 1},
	    {'s', '=', 1},
	    {'s', '_', 1},
	    {'s', '|', 1},
	    {'s', '*', 1},
	    {'s', '#', 0},
	    {'s', 'A', 0},
	    {'s', '/', 0},
	    /* MIXEDALL */
	    {'x', 'A', 1},
	    {'x', 'a', 1},
	    {'x', '1', 1},
	    {'x', '#', 1},
	    {'x', '?', 1},
	    {'x', ' ', 0},
	    {'x', '/', 0},
	};
	size_t i;
	char b[8];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_rule r;
		char pw[2];
		int got;

		racf_rule_init(&r, 1, 1);
		if (racf_rule_set_positions(&r, cases[i].cls, "1") != 0)
			fail_msg(
			    "row %zu: class '%c' rejected", i, cases[i].cls);
		pw[0] = (char)cases[i].c;
		pw[1] = '\0';
		got = racf_rule_match(&r, pw);
		if (got != cases[i].want)
			fail_msg("row %zu (class '%c', %s): got %d, want %d", i,
			    cases[i].cls, show(cases[i].c, b, sizeof(b)), got,
			    cases[i].want);
	}
}

static void
test_rule_class(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
	    {"ALPHA", 'A'},
	    {"alpha", 'A'},
	    {"ALPHANUM", 'L'},
	    {"Alphanum", 'L'},
	    {"CONSONANT", 'C'},
	    {"CONS", 'C'},
	    {"cons", 'C'},
	    {"NOVOWEL", 'W'},
	    {"NUMERIC", 'N'},
	    {"NUM", 'N'},
	    {"num", 'N'},
	    {"VOWEL", 'V'},
	    {"NATIONAL", '$'},
	    {"SPECIAL", 's'},
	    {"MIXEDCONSONANT", 'c'},
	    {"MIXEDCONS", 'c'},
	    {"mixedcons", 'c'},
	    {"MIXEDVOWEL", 'v'},
	    {"MIXEDNUM", 'm'},
	    {"MixedNum", 'm'},
	    {"MIXEDALL", 'x'},
	    {"ANYTHING", '*'},
	    {"anything", '*'},
	    {"", 0},
	    {"ALPH", 0},
	    {"ALPHAX", 0},
	    {"ALPHA ", 0},
	    {" ALPHA", 0},
	    {"CON", 0},
	    {"NUMERICS", 0},
	    {"MIXED", 0},
	    {"MIXEDCON", 0},
	    {"A", 0},
	    {"*", 0},
	    {"LENGTH", 0},
	    {NULL, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = racf_rule_class(cases[i].in);

		if (got != cases[i].want)
			fail_msg("row %zu (\"%s\"): got %d, want %d", i,
			    cases[i].in != NULL ? cases[i].in : "(null)", got,
			    cases[i].want);
	}
}

static void
test_rule_init(void **state)
{
	struct racf_rule r;

	(void)state;
	memset(&r, 'Z', sizeof(r));
	racf_rule_init(&r, 3, 6);
	assert_int_equal(r.min, 3);
	assert_int_equal(r.max, 6);
	assert_string_equal(r.content, "********");
	assert_int_equal(r.content[SSPR_MAX_PASSWORD], '\0');
}

static void
test_rule_positions(void **state)
{
	static const struct {
		const char *start;
		int cls;
		const char *spec;
		int want_rc;
		const char *want;
	} cases[] = {
	    {"********", 'N', "1", 0, "N*******"},
	    {"********", 'N', "8", 0, "*******N"},
	    {"********", 'N', "1,3", 0, "N*N*****"},
	    {"********", 'N', "2:4", 0, "*NNN****"},
	    {"********", 'N', "1 3:5", 0, "N*NNN***"},
	    {"********", 'N', "1,3:5,8", 0, "N*NNN**N"},
	    {"********", 'N', "1:8", 0, "NNNNNNNN"},
	    {"********", 'N', "4:4", 0, "***N****"},
	    {"********", 'N', " 1 , 2 ", 0, "NN******"},
	    {"********", 'N', "1   2", 0, "NN******"},
	    {"********", 'N', "3,1", 0, "N*N*****"},
	    {"AAAAAAAA", 'v', "2 7", 0, "AvAAAAvA"},
	    {"AAAAAAAA", '*', "1:8", 0, "********"},
	    {"********", 'N', "0", -1, "********"},
	    {"********", 'N', "9", -1, "********"},
	    {"********", 'N', "3:2", -1, "********"},
	    {"********", 'N', "a", -1, "********"},
	    {"********", 'N', "", -1, "********"},
	    {"********", 'N', "1::2", -1, "********"},
	    {"********", 'N', " ", -1, "********"},
	    {"********", 'N', "1,", -1, "********"},
	    {"********", 'N', ",1", -1, "********"},
	    {"********", 'N', "1,,2", -1, "********"},
	    {"********", 'N', "12", -1, "********"},
	    {"********", 'N', "10", -1, "********"},
	    {"********", 'N', "1:", -1, "********"},
	    {"********", 'N', ":2", -1, "********"},
	    {"********", 'N', "1:9", -1, "********"},
	    {"********", 'N', "1:2:3", -1, "********"},
	    {"********", 'N', "1-3", -1, "********"},
	    {"********", 'N', "1;2", -1, "********"},
	    {"********", 'N', "-1", -1, "********"},
	    /* a valid entry before the bad one changes nothing either */
	    {"AAAAAAAA", 'N', "1,2,0", -1, "AAAAAAAA"},
	    {"AAAAAAAA", 'N', "1 x", -1, "AAAAAAAA"},
	    /* bad class letters */
	    {"AAAAAAAA", 'Q', "1", -1, "AAAAAAAA"},
	    {"AAAAAAAA", '\0', "1", -1, "AAAAAAAA"},
	    {"AAAAAAAA", 'A' + 256, "1", -1, "AAAAAAAA"},
	    {"AAAAAAAA", -1, "1", -1, "AAAAAAAA"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_rule r;
		int rc;

		racf_rule_init(&r, 2, 7);
		(void)strlcpy_s(r.content, cases[i].start, sizeof(r.content));
		rc = racf_rule_set_positions(&r, cases[i].cls, cases[i].spec);
		if (rc != cases[i].want_rc)
			fail_msg("row %zu (\"%s\"): rc %d, want %d", i,
			    cases[i].spec, rc, cases[i].want_rc);
		if (strcmp(r.content, cases[i].want) != 0)
			fail_msg("row %zu (\"%s\"): content \"%s\", want "
			         "\"%s\"",
			    i, cases[i].spec, r.content, cases[i].want);
		if (r.min != 2 || r.max != 7)
			fail_msg("row %zu (\"%s\"): length changed to %d:%d", i,
			    cases[i].spec, r.min, r.max);
	}
}

static void
test_rule_match(void **state)
{
	static const struct {
		int min, max;
		const char *content, *pw;
		int want;
	} cases[] = {
	    {1, 8, "********", "A", 1},
	    {1, 8, "********", "", 0},
	    {4, 8, "********", "ABC", 0},
	    {4, 8, "********", "ABCD", 1},
	    {4, 8, "********", "ABCDEFGH", 1},
	    {4, 8, "********", "ABCDEFGHI", 0},
	    {4, 6, "********", "ABCDEFG", 0},
	    /* positions past the password's length do not matter */
	    {6, 8, "ANNNNNNA", "A12345", 1},
	    {6, 8, "ANNNNNNA", "A1234567", 0},
	    {6, 8, "ANNNNNNA", "A123456B", 1},
	    {6, 8, "ANNNNNNA", "1123456B", 0},
	    {6, 8, "ANNNNNNA", "A12X456B", 0},
	    {3, 3, "CVC*****", "BAD", 1},
	    {3, 3, "CVC*****", "BED", 1},
	    {3, 3, "CVC*****", "BBD", 0},
	    {3, 3, "CVC*****", "bad", 0},
	    {3, 3, "cvc*****", "bAd", 1},
	    /* an unknown class letter matches nothing */
	    {1, 1, "Q*******", "A", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_rule r;
		int got;

		racf_rule_init(&r, cases[i].min, cases[i].max);
		(void)strlcpy_s(r.content, cases[i].content, sizeof(r.content));
		got = racf_rule_match(&r, cases[i].pw);
		if (got != cases[i].want)
			fail_msg("row %zu (%d:%d %s \"%s\"): got %d, want %d",
			    i, cases[i].min, cases[i].max, cases[i].content,
			    cases[i].pw, got, cases[i].want);
	}
	{
		struct racf_rule r;

		racf_rule_init(&r, 1, 8);
		assert_int_equal(racf_rule_match(&r, NULL), 0);
		assert_int_equal(racf_rule_match(NULL, "A"), 0);
	}
}

enum test_ruleset {
	RS_NONE,
	RS_ONE,  /* RULE1(LENGTH(6:8) ALPHA(1) NUMERIC(6)) */
	RS_TWO,  /* RULE1(LENGTH(5) NUMERIC(1:5))
	            RULE2(LENGTH(7:8) CONSONANT(1)) */
	RS_MANY, /* nrules too large: all 8 slots, the last one matching */
};

static void
build_policy(
    struct racf_pwpolicy *pol, int mixed, int special, enum test_ruleset rs)
{
	int n;

	memset(pol, 0, sizeof(*pol));
	pol->mixedcase = mixed;
	pol->specialchars = special;
	switch (rs) {
	case RS_NONE:
		break;
	case RS_ONE:
		pol->nrules = 1;
		pol->rule_no[0] = 1;
		racf_rule_init(&pol->rules[0], 6, 8);
		assert_int_equal(racf_rule_set_positions(&pol->rules[0],
		                     racf_rule_class("ALPHA"), "1"),
		    0);
		assert_int_equal(racf_rule_set_positions(&pol->rules[0],
		                     racf_rule_class("NUMERIC"), "6"),
		    0);
		assert_string_equal(pol->rules[0].content, "A****N**");
		break;
	case RS_TWO:
		pol->nrules = 2;
		pol->rule_no[0] = 1;
		pol->rule_no[1] = 2;
		racf_rule_init(&pol->rules[0], 5, 5);
		assert_int_equal(
		    racf_rule_set_positions(&pol->rules[0], 'N', "1:5"), 0);
		racf_rule_init(&pol->rules[1], 7, 8);
		assert_int_equal(
		    racf_rule_set_positions(&pol->rules[1], 'C', "1"), 0);
		break;
	case RS_MANY:
		pol->nrules = SSPR_MAX_RULES + 100;
		for (n = 0; n < SSPR_MAX_RULES; n++) {
			pol->rule_no[n] = n + 1;
			racf_rule_init(&pol->rules[n], 2, 2);
			assert_int_equal(
			    racf_rule_set_positions(&pol->rules[n], 'N', "1:2"),
			    0);
		}
		racf_rule_init(&pol->rules[SSPR_MAX_RULES - 1], 3, 3);
		break;
	}
}

static void
test_password_check(void **state)
{
	static const struct {
		const char *user, *pw;
		int mixed, special;
		enum test_ruleset rs;
		int apply;
		enum racf_syntax want;
	} cases[] = {
	    /* lengths */
	    {"JOE", "", 0, 0, RS_NONE, 1, RACF_SYNTAX_LENGTH},
	    {"JOE", "", 0, 0, RS_NONE, 0, RACF_SYNTAX_LENGTH},
	    {"JOE", "A", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABCDEFGH", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABCDEFGHI", 0, 0, RS_NONE, 1, RACF_SYNTAX_LENGTH},
	    {"JOE", "ABCDEFGHI", 0, 0, RS_NONE, 0, RACF_SYNTAX_LENGTH},
	    {"JOE", "ABCDEFGH.", 0, 0, RS_NONE, 1, RACF_SYNTAX_LENGTH},
	    /* characters */
	    {"JOE", "#@$09AZ", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABc", 0, 0, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "ABc", 0, 0, RS_NONE, 0, RACF_SYNTAX_CHARS},
	    {"JOE", "ABc", 1, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "AB.C", 0, 0, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB.C", 1, 0, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB.C", 0, 1, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "a.B=", 1, 1, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "a.B=", 0, 1, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB C", 1, 1, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB'C", 1, 1, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB/C", 1, 1, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "AB\xC1", 1, 1, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    /* user ID, case-insensitive, only with apply_rules */
	    {"JOE", "JOE", 0, 0, RS_NONE, 1, RACF_SYNTAX_USERID},
	    {"JOE", "JOE", 0, 0, RS_NONE, 0, RACF_SYNTAX_OK},
	    {"JOE", "joe", 1, 0, RS_NONE, 1, RACF_SYNTAX_USERID},
	    {"JOE", "JoE", 1, 0, RS_NONE, 1, RACF_SYNTAX_USERID},
	    {"joe", "JOE", 0, 0, RS_NONE, 1, RACF_SYNTAX_USERID},
	    {"JOE", "joe", 0, 0, RS_NONE, 1, RACF_SYNTAX_CHARS},
	    {"JOE", "JOE1", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "JO", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOESMITH", "JOESMIT", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    {"JOESMITH", "JOESMITH", 0, 0, RS_NONE, 1, RACF_SYNTAX_USERID},
	    {NULL, "JOE", 0, 0, RS_NONE, 1, RACF_SYNTAX_OK},
	    /* the user ID check comes before the rules */
	    {"A1234B", "A1234B", 0, 0, RS_ONE, 1, RACF_SYNTAX_USERID},
	    /* one rule: LENGTH(6:8) ALPHA(1) NUMERIC(6) */
	    {"JOE", "ABCDE1", 0, 0, RS_ONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "#BCDE1", 0, 0, RS_ONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABCDE1XY", 0, 0, RS_ONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "1BCDE1", 0, 0, RS_ONE, 1, RACF_SYNTAX_RULES},
	    {"JOE", "ABCDEF", 0, 0, RS_ONE, 1, RACF_SYNTAX_RULES},
	    {"JOE", "ABCD1", 0, 0, RS_ONE, 1, RACF_SYNTAX_RULES},
	    {"JOE", "A", 0, 0, RS_ONE, 1, RACF_SYNTAX_RULES},
	    {"JOE", "1BCDE1", 0, 0, RS_ONE, 0, RACF_SYNTAX_OK},
	    {"JOE", "A", 0, 0, RS_ONE, 0, RACF_SYNTAX_OK},
	    {"JOE", "aBCDE1", 1, 0, RS_ONE, 1, RACF_SYNTAX_RULES},
	    {"JOE", "AbCdE1", 1, 0, RS_ONE, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABCDE1x", 0, 0, RS_ONE, 1, RACF_SYNTAX_CHARS},
	    /* two rules: five digits, or 7-8 starting with a consonant */
	    {"JOE", "12345", 0, 0, RS_TWO, 1, RACF_SYNTAX_OK},
	    {"JOE", "B234567", 0, 0, RS_TWO, 1, RACF_SYNTAX_OK},
	    {"JOE", "BCDEFGH#", 0, 0, RS_TWO, 1, RACF_SYNTAX_OK},
	    {"JOE", "1234567", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    {"JOE", "A234567", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    {"JOE", "B2345", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    {"JOE", "123456", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    {"JOE", "1234", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    {"JOE", "BCDEFG", 0, 0, RS_TWO, 1, RACF_SYNTAX_RULES},
	    /* nrules past SSPR_MAX_RULES is clamped, not overrun */
	    {"JOE", "12", 0, 0, RS_MANY, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABC", 0, 0, RS_MANY, 1, RACF_SYNTAX_OK},
	    {"JOE", "ABCD", 0, 0, RS_MANY, 1, RACF_SYNTAX_RULES},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_pwpolicy pol;
		enum racf_syntax got;

		build_policy(
		    &pol, cases[i].mixed, cases[i].special, cases[i].rs);
		got = racf_password_check(
		    cases[i].user, cases[i].pw, &pol, cases[i].apply);
		if (got != cases[i].want)
			fail_msg("row %zu (user %s pw \"%s\" mixed=%d "
			         "special=%d rules=%d apply=%d): got %d, "
			         "want %d",
			    i, cases[i].user != NULL ? cases[i].user : "(null)",
			    cases[i].pw, cases[i].mixed, cases[i].special,
			    (int)cases[i].rs, cases[i].apply, (int)got,
			    (int)cases[i].want);
	}
	/* NULL policy: defaults; NULL password: a length failure */
	assert_int_equal(
	    racf_password_check("JOE", "ABC", NULL, 1), RACF_SYNTAX_OK);
	assert_int_equal(
	    racf_password_check("JOE", "abc", NULL, 1), RACF_SYNTAX_CHARS);
	assert_int_equal(
	    racf_password_check("JOE", NULL, NULL, 1), RACF_SYNTAX_LENGTH);
}

static void
test_phrase_check(void **state)
{
	static const struct {
		const char *user, *phrase;
		enum racf_syntax want;
	} cases[] = {
	    {"JOE", "my dog has 2 fleas", RACF_SYNTAX_OK},
	    /* user ID in upper or lower case, not mixed */
	    {"JOE", "my JOE dog 12", RACF_SYNTAX_USERID},
	    {"JOE", "xxJOExx12", RACF_SYNTAX_USERID},
	    {"JOE", "xxjoexx12", RACF_SYNTAX_USERID},
	    {"JOE", "xxJoexx12", RACF_SYNTAX_OK},
	    {"JOE", "xxjOExx12", RACF_SYNTAX_OK},
	    {"JOE", "JOEabc 12", RACF_SYNTAX_USERID},
	    {"JOE", "abc 12JOE", RACF_SYNTAX_USERID},
	    {"JOE", "abc 12JO", RACF_SYNTAX_LENGTH},
	    {"JOE", "abc 12 JO", RACF_SYNTAX_OK},
	    {"joe", "xxJOExx12", RACF_SYNTAX_USERID},
	    {"JOE1", "abc joe1 xy", RACF_SYNTAX_USERID},
	    {"JOE1", "abc joe2 xy", RACF_SYNTAX_OK},
	    {NULL, "xxJOExx12", RACF_SYNTAX_OK},
	    {"", "xxJOExx12", RACF_SYNTAX_OK},
	    /* the user ID check comes before the alphabetic count */
	    {"X1", "X12345678", RACF_SYNTAX_USERID},
	    /* alphabetic */
	    {"JOE", "12345678a", RACF_SYNTAX_ALPHA},
	    {"JOE", "123456789", RACF_SYNTAX_ALPHA},
	    {"JOE", "#@$12345a", RACF_SYNTAX_ALPHA},
	    {"JOE", "1234567ab", RACF_SYNTAX_OK},
	    {"JOE", "1234567aB", RACF_SYNTAX_OK},
	    {"JOE", "111111111", RACF_SYNTAX_ALPHA},
	    /* non-alphabetic */
	    {"JOE", "abcdefgh1", RACF_SYNTAX_NONALPHA},
	    {"JOE", "abcdefghi", RACF_SYNTAX_NONALPHA},
	    {"JOE", "aaaaaaaaa", RACF_SYNTAX_NONALPHA},
	    {"JOE", "abcdefg12", RACF_SYNTAX_OK},
	    {"JOE", "abc defg1", RACF_SYNTAX_OK},
	    {"JOE", "#@abcdefg", RACF_SYNTAX_OK},
	    {"JOE", "abcdefg\xC1\xC2", RACF_SYNTAX_OK},
	    /* repeats */
	    {"JOE", "aab12cdef", RACF_SYNTAX_OK},
	    {"JOE", "aaab12cde", RACF_SYNTAX_REPEAT},
	    {"JOE", "ab 111 cd", RACF_SYNTAX_REPEAT},
	    {"JOE", "ab  12 cd", RACF_SYNTAX_OK},
	    {"JOE", "ab   12cd", RACF_SYNTAX_REPEAT},
	    {"JOE", "aAa12bcde", RACF_SYNTAX_OK},
	    {"JOE", "abc12deff", RACF_SYNTAX_OK},
	    {"JOE", "abc12dfff", RACF_SYNTAX_REPEAT},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum racf_syntax got;

		got = racf_phrase_check(cases[i].user, cases[i].phrase);
		if (got != cases[i].want)
			fail_msg("row %zu (user %s phrase \"%s\"): got %d, "
			         "want %d",
			    i, cases[i].user != NULL ? cases[i].user : "(null)",
			    cases[i].phrase, (int)got, (int)cases[i].want);
	}
	assert_int_equal(racf_phrase_check("JOE", NULL), RACF_SYNTAX_LENGTH);
}

/* Phrase lengths, built from "ab1 " repeated (valid at every length). */
static void
test_phrase_length(void **state)
{
	static const struct {
		size_t len;
		enum racf_syntax want;
	} cases[] = {
	    {0, RACF_SYNTAX_LENGTH},
	    {8, RACF_SYNTAX_LENGTH},
	    {9, RACF_SYNTAX_OK},
	    {14, RACF_SYNTAX_OK},
	    {100, RACF_SYNTAX_OK},
	    {101, RACF_SYNTAX_LENGTH},
	    {250, RACF_SYNTAX_LENGTH},
	};
	static const char pattern[] = "ab1 ";
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char phrase[256];
		enum racf_syntax got;

		assert_true(cases[i].len < sizeof(phrase));
		for (j = 0; j < cases[i].len; j++)
			phrase[j] = pattern[j % (sizeof(pattern) - 1)];
		phrase[cases[i].len] = '\0';
		got = racf_phrase_check("JOE", phrase);
		if (got != cases[i].want)
			fail_msg("row %zu (length %zu): got %d, want %d", i,
			    cases[i].len, (int)got, (int)cases[i].want);
	}
}

static void
test_fold(void **state)
{
	static const struct {
		const char *in;
		int mixed;
		const char *want;
	} cases[] = {
	    {"abc", 0, "ABC"},
	    {"abc", 1, "abc"},
	    {"aB1#.z", 0, "AB1#.Z"},
	    {"aB1#.z", 1, "aB1#.z"},
	    {"ABC", 0, "ABC"},
	    {"", 0, ""},
	    {"\xE1"
	     "bc",
	        0,
	        "\xE1"
	        "BC"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct racf_pwpolicy pol;
		char buf[16];

		memset(&pol, 0, sizeof(pol));
		pol.mixedcase = cases[i].mixed;
		(void)strlcpy_s(buf, cases[i].in, sizeof(buf));
		racf_password_fold(buf, &pol);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("row %zu (\"%s\" mixed=%d): got \"%s\", want "
			         "\"%s\"",
			    i, cases[i].in, cases[i].mixed, buf, cases[i].want);
	}
	{
		char buf[] = "xyz";

		racf_password_fold(buf, NULL);
		assert_string_equal(buf, "XYZ");
		racf_password_fold(NULL, NULL);
	}
}

static void
test_syntax_message(void **state)
{
	static const struct {
		enum racf_syntax why;
		int phrase;
		const char *want;
	} cases[] = {
	    {RACF_SYNTAX_OK, 0, ""},
	    {RACF_SYNTAX_OK, 1, ""},
	    {RACF_SYNTAX_LENGTH, 0,
	        "ICH08014I NEW PASSWORD NOT VALID. IT DOES NOT MEET THE "
	        "INSTALLATION PASSWORD SYNTAX RULES"},
	    {RACF_SYNTAX_CHARS, 0,
	        "ICH08014I NEW PASSWORD NOT VALID. IT DOES NOT MEET THE "
	        "INSTALLATION PASSWORD SYNTAX RULES"},
	    {RACF_SYNTAX_RULES, 0,
	        "ICH08014I NEW PASSWORD NOT VALID. IT DOES NOT MEET THE "
	        "INSTALLATION PASSWORD SYNTAX RULES"},
	    {RACF_SYNTAX_USERID, 0,
	        "ICH08014I NEW PASSWORD NOT VALID. PASSWORD CANNOT BE THE "
	        "SAME AS THE USER ID"},
	    {RACF_SYNTAX_LENGTH, 1,
	        "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST BE 9 TO "
	        "100 CHARACTERS"},
	    {RACF_SYNTAX_USERID, 1,
	        "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT CONTAINS THE "
	        "USER ID"},
	    {RACF_SYNTAX_ALPHA, 1,
	        "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST CONTAIN "
	        "AT LEAST 2 ALPHABETIC CHARACTERS"},
	    {RACF_SYNTAX_NONALPHA, 1,
	        "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST CONTAIN "
	        "AT LEAST 2 NON-ALPHABETIC CHARACTERS"},
	    {RACF_SYNTAX_REPEAT, 1,
	        "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT CONTAINS MORE "
	        "THAN 2 CONSECUTIVE IDENTICAL CHARACTERS"},
	};
	size_t i;
	int why, phrase;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got;

		got = racf_syntax_message(cases[i].why, cases[i].phrase);
		if (got == NULL || strcmp(got, cases[i].want) != 0)
			fail_msg("row %zu (why %d phrase %d): got \"%s\"", i,
			    (int)cases[i].why, cases[i].phrase,
			    got != NULL ? got : "(null)");
	}
	/* Every failure, for both kinds, has a message with the right id. */
	for (why = RACF_SYNTAX_LENGTH; why <= RACF_SYNTAX_REPEAT; why++)
		for (phrase = 0; phrase <= 1; phrase++) {
			const char *got, *id;

			got =
			    racf_syntax_message((enum racf_syntax)why, phrase);
			id = phrase ? "ICH08020I " : "ICH08014I ";
			if (got == NULL || strncmp(got, id, strlen(id)) != 0 ||
			    strlen(got) <= strlen(id))
				fail_msg("why %d phrase %d: got \"%s\"", why,
				    phrase, got != NULL ? got : "(null)");
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_char_ok),
	    cmocka_unit_test(test_class_letters),
	    cmocka_unit_test(test_rule_class),
	    cmocka_unit_test(test_rule_init),
	    cmocka_unit_test(test_rule_positions),
	    cmocka_unit_test(test_rule_match),
	    cmocka_unit_test(test_password_check),
	    cmocka_unit_test(test_phrase_check),
	    cmocka_unit_test(test_phrase_length),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_syntax_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
