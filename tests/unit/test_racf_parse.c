/*
 * test_racf_parse.c - unit tests for the TSO/E parse of RACF command images
 * (esm/racf_parse.c): the item tree built for good input, the exact TSO
 * message for each error, the ceilings on hostile input, and
 * racf_continued().
 *
 * A parsed tree is compared as a canonical string: items separated by one
 * blank, a quoted item as "text", arguments as word(...), an anonymous list
 * as (...).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/ceilings.h"
#include "compat/compat.h"
#include "compat/strbuf.h"
#include "esm/racf_parse.h"
#include "compat/banned.h"

#define LEN_STRLEN ((size_t)-1)

static void
dump_items(struct strbuf *sb, const struct racf_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct racf_item *it = &items[i];

		if (i > 0)
			assert_int_equal(strbuf_addch(sb, ' '), 0);
		if (it->word == NULL) {
			/* only an anonymous list has no word */
			assert_true(it->has_args);
			assert_false(it->quoted);
		} else if (it->quoted) {
			assert_false(it->has_args);
			assert_int_equal(
			    strbuf_addf(sb, "\"%s\"", it->word), 0);
		} else {
			assert_int_equal(strbuf_addstr(sb, it->word), 0);
		}
		if (it->has_args) {
			assert_int_equal(strbuf_addch(sb, '('), 0);
			dump_items(sb, it->args, it->nargs);
			assert_int_equal(strbuf_addch(sb, ')'), 0);
		} else {
			assert_int_equal(it->nargs, 0);
			assert_null(it->args);
		}
	}
}

/* The canonical form of cmd; free() it. */
static char *
dump_command(const struct racf_command *cmd)
{
	struct strbuf sb;

	strbuf_init(&sb, SSPR_MAX_COMMAND * 2);
	assert_non_null(cmd->verb);
	assert_int_equal(strbuf_addstr(&sb, cmd->verb), 0);
	if (cmd->nitems > 0) {
		assert_int_equal(strbuf_addch(&sb, ' '), 0);
		dump_items(&sb, cmd->items, cmd->nitems);
	}
	return strbuf_detach(&sb);
}

/* Parse and expect success with canonical form want. */
static void
check_ok(const char *row, const char *in, size_t len, const char *want)
{
	struct racf_command *cmd = NULL;
	char err[SSPR_MAX_ERROR];
	char *got;

	if (racf_parse(in, len, &cmd, err, sizeof(err)) != 0)
		fail_msg("row %s: unexpected error \"%s\"", row, err);
	assert_non_null(cmd);
	got = dump_command(cmd);
	if (strcmp(got, want) != 0)
		fail_msg("row %s: got [%s], want [%s]", row, got, want);
	free(got);
	racf_command_free(cmd);
}

/* Parse and expect exactly the error want; *out must stay untouched. */
static void
check_err(const char *row, const char *in, size_t len, const char *want)
{
	struct racf_command sentinel;
	struct racf_command *cmd = &sentinel;
	char err[SSPR_MAX_ERROR];

	memset(err, 'x', sizeof(err));
	if (racf_parse(in, len, &cmd, err, sizeof(err)) != -1)
		fail_msg("row %s: parsed, want error \"%s\"", row, want);
	if (cmd != &sentinel)
		fail_msg("row %s: *out written on error", row);
	if (strcmp(err, want) != 0)
		fail_msg("row %s: got \"%s\", want \"%s\"", row, err, want);
}

static void
test_parse_ok(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
	    {"LISTUSER JOE", "LISTUSER JOE"},
	    {"LISTUSER", "LISTUSER"},
	    {"  LISTUSER  ", "LISTUSER"},
	    {"ALTUSER (JOE ANN) NAME('O''BRIEN') CSDATA(EMPSER(123) NOPIN) "
	     "RESUME",
	        "ALTUSER (JOE ANN) NAME(\"O'BRIEN\") CSDATA(EMPSER(123) NOPIN) "
	        "RESUME"},
	    {"SETROPTS PASSWORD(HISTORY(5) RULE1(LENGTH(4:8) ALPHA(1) "
	     "NUMERIC(2:3)))",
	        "SETROPTS PASSWORD(HISTORY(5) RULE1(LENGTH(4:8) ALPHA(1) "
	        "NUMERIC(2:3)))"},
	    {"RDEFINE CFIELD USER.CSDATA.PIN CFDEF(TYPE(CHAR) MAXLENGTH(64) "
	     "MIXED(YES))",
	        "RDEFINE CFIELD USER.CSDATA.PIN CFDEF(TYPE(CHAR) MAXLENGTH(64) "
	        "MIXED(YES))"},
	    {"AU JOE OWNER(SYS1)", "AU JOE OWNER(SYS1)"},
	    {"LU (A B C)", "LU (A B C)"},
	    {"LU ()", "LU ()"},
	    {"LU ( (A) B )", "LU ((A) B)"},
	    {"LU (A,B,,C)", "LU (A B C)"},
	    {"AU,JOE,,NAME(X),RESUME,", "AU JOE NAME(X) RESUME"},
	    {"AU JOE NAME(A,B)", "AU JOE NAME(A B)"},
	    {"PW PHRASE('It''s here')", "PW PHRASE(\"It's here\")"},
	    {"PW 'It''s here'", "PW \"It's here\""},
	    {"X ''", "X \"\""},
	    {"X ''''", "X \"'\""},
	    {"X 'a''''b'", "X \"a''b\""},
	    {"X 'a' 'b'", "X \"a\" \"b\""},
	    {"X 'a','b'", "X \"a\" \"b\""},
	    {"X NAME('A B')", "X NAME(\"A B\")"},
	    {"X NAME('(not) a, list')", "X NAME(\"(not) a, list\")"},
	    {"X NAME('x')Y", "X NAME(\"x\") Y"},
	    {"AU JOE NAME()", "AU JOE NAME()"},
	    {"AU JOE NAME( )", "AU JOE NAME()"},
	    {"AU\tJOE\t NAME(\tX\t)\t", "AU JOE NAME(X)"},
	    {"altUser Joe Name('Mixed Case')",
	        "altUser Joe Name(\"Mixed Case\")"},
	    {"A B(C)D(E)", "A B(C) D(E)"},
	    {"A B(C)(D)", "A B(C) (D)"},
	    {"A B(C)'q'", "A B(C) \"q\""},
	    {"A (('x'))", "A ((\"x\"))"},
	    {"A \xc3\xa9t\xc3\xa9", "A \xc3\xa9t\xc3\xa9"},
	    {"A B:C.D-E=F", "A B:C.D-E=F"},
	};
	size_t i;
	char row[16];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		check_ok(row, cases[i].in, strlen(cases[i].in), cases[i].want);
	}
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* LEN_STRLEN: strlen(in) */
		const char *want;
	} cases[] = {
	    {"", LEN_STRLEN, "IKJ56701I MISSING COMMAND NAME"},
	    {"   \t ", LEN_STRLEN, "IKJ56701I MISSING COMMAND NAME"},
	    {" , ,", LEN_STRLEN, "IKJ56701I MISSING COMMAND NAME"},
	    {"'AU' JOE", LEN_STRLEN, "IKJ56702I INVALID COMMAND NAME"},
	    {"(AU) JOE", LEN_STRLEN, "IKJ56702I INVALID COMMAND NAME"},
	    {"AU(JOE)", LEN_STRLEN, "IKJ56702I INVALID COMMAND NAME"},
	    {") AU", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU )", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU JOE)", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU (JOE))", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU NAME(X)) Y", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU )(", LEN_STRLEN, "IKJ56702I INVALID OPERAND, )"},
	    {"AU NAME(X", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER NAME"},
	    {"AU NAME(", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER NAME"},
	    {"AU (JOE", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER ("},
	    {"AU A(B(C)", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER A"},
	    {"AU A(B(C D 'x' E(F", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER E"},
	    {"AU A(B ((C)", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER ("},
	    {"AU \xff\xfeX(Y", LEN_STRLEN,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER ??X"},
	    {"AU 'abc", LEN_STRLEN, "IKJ56701I MISSING ENDING QUOTE"},
	    {"AU '", LEN_STRLEN, "IKJ56701I MISSING ENDING QUOTE"},
	    {"AU NAME('abc)", LEN_STRLEN, "IKJ56701I MISSING ENDING QUOTE"},
	    {"AU 'It''", LEN_STRLEN, "IKJ56701I MISSING ENDING QUOTE"},
	    {"AU '''", LEN_STRLEN, "IKJ56701I MISSING ENDING QUOTE"},
	    {"AU AB'C", LEN_STRLEN, "IKJ56702I INVALID OPERAND, AB'"},
	    {"AB'C'", LEN_STRLEN, "IKJ56702I INVALID OPERAND, AB'"},
	    {"AU NAME(X'secret')", LEN_STRLEN, "IKJ56702I INVALID OPERAND, X'"},
	    /* quotes inside quotes: the first quote ends the string */
	    {"AU 'a'b'", LEN_STRLEN,
	        "IKJ56702I INVALID OPERAND AFTER QUOTED STRING"},
	    {"AU 'pass'(X)", LEN_STRLEN,
	        "IKJ56702I INVALID OPERAND AFTER QUOTED STRING"},
	    {"AU 'it's'", LEN_STRLEN,
	        "IKJ56702I INVALID OPERAND AFTER QUOTED STRING"},
	    {"AU\0JOE", 6, "IKJ56702I INVALID CHARACTER X'00' IN COMMAND"},
	    {"AU JOE\0", 7, "IKJ56702I INVALID CHARACTER X'00' IN COMMAND"},
	    {"AU 'se\0cret'", 12,
	        "IKJ56702I INVALID CHARACTER X'00' IN COMMAND"},
	    {"AU JOE\r", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'0D' IN COMMAND"},
	    {"AU JOE\n", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'0A' IN COMMAND"},
	    {"AU\nJOE", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'0A' IN COMMAND"},
	    {"AU \x01JOE", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'01' IN COMMAND"},
	    {"AU \x1b[2J", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'1B' IN COMMAND"},
	    {"AU \x1f", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'1F' IN COMMAND"},
	    {"AU JOE\x7f", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'7F' IN COMMAND"},
	    /* the character check comes before the parse */
	    {"AU (\r", LEN_STRLEN,
	        "IKJ56702I INVALID CHARACTER X'0D' IN COMMAND"},
	};
	size_t i, len;
	char row[16];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		len = cases[i].len == LEN_STRLEN ? strlen(cases[i].in)
		                                 : cases[i].len;
		check_err(row, cases[i].in, len, cases[i].want);
	}
}

/* A buffer of prefix, n copies of c, then suffix; free() it. */
static char *
make_repeat(const char *prefix, const char *c, size_t n, const char *suffix)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb, SSPR_MAX_COMMAND * 4);
	assert_int_equal(strbuf_addstr(&sb, prefix), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(strbuf_addstr(&sb, c), 0);
	assert_int_equal(strbuf_addstr(&sb, suffix), 0);
	return strbuf_detach(&sb);
}

static void
test_operand_length(void **state)
{
	static const struct {
		const char *prefix;
		const char *c;
		size_t n;
		const char *suffix;
		int ok;
		const char *want; /* error, or NULL */
	} cases[] = {
	    {"AU ", "A", SSPR_MAX_OPERAND, "", 1, NULL},
	    {"AU ", "A", SSPR_MAX_OPERAND + 1, "", 0,
	        "IKJ56702I INVALID OPERAND, AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	        "AAAAA... (LONGER THAN 1100 CHARACTERS)"},
	    {"AU ", "A", 10000, "", 0,
	        "IKJ56702I INVALID OPERAND, AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	        "AAAAA... (LONGER THAN 1100 CHARACTERS)"},
	    {"AU PASSWORD(", "B", 10000, ")", 0,
	        "IKJ56702I INVALID OPERAND, BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	        "BBBBB... (LONGER THAN 1100 CHARACTERS)"},
	    {"", "V", 10000, " X", 0,
	        "IKJ56702I INVALID OPERAND, VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV"
	        "VVVVV... (LONGER THAN 1100 CHARACTERS)"},
	    /* a long word in a missing-parenthesis message is cut at 40 */
	    {"AU ", "K", 50, "(X", 0,
	        "IKJ56701I MISSING RIGHT PARENTHESIS AFTER KKKKKKKKKKKKKKKKKKKK"
	        "KKKKKKKKKKKKKKKKKKKK..."},
	    {"AU ", "K", 40, "'X'", 0,
	        "IKJ56702I INVALID OPERAND, "
	        "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK"
	        "KKKK..."},
	    {"AU PHRASE('", "q", SSPR_MAX_OPERAND, "')", 1, NULL},
	    {"AU PHRASE('", "''", SSPR_MAX_OPERAND, "')", 1, NULL},
	    {"AU PHRASE('", "q", SSPR_MAX_OPERAND + 1, "')", 0,
	        "IKJ56702I INVALID QUOTED STRING (LONGER THAN 1100 "
	        "CHARACTERS)"},
	    {"AU PHRASE('", "''", SSPR_MAX_OPERAND + 1, "')", 0,
	        "IKJ56702I INVALID QUOTED STRING (LONGER THAN 1100 "
	        "CHARACTERS)"},
	    {"AU PHRASE('", "q", 10000, "')", 0,
	        "IKJ56702I INVALID QUOTED STRING (LONGER THAN 1100 "
	        "CHARACTERS)"},
	    {"AU '", "q", 10000, "", 0, "IKJ56701I MISSING ENDING QUOTE"},
	};
	struct racf_command *cmd;
	char err[SSPR_MAX_ERROR], row[16];
	char *in;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		in = make_repeat(
		    cases[i].prefix, cases[i].c, cases[i].n, cases[i].suffix);
		cmd = NULL;
		if (cases[i].ok) {
			if (racf_parse(
			        in, strlen(in), &cmd, err, sizeof(err)) != 0)
				fail_msg("row %s: unexpected error \"%s\"", row,
				    err);
			assert_int_equal(cmd->nitems, 1);
			if (cmd->items[0].has_args) {
				assert_int_equal(cmd->items[0].nargs, 1);
				assert_int_equal(
				    strlen(cmd->items[0].args[0].word),
				    cases[i].n);
			} else {
				assert_int_equal(
				    strlen(cmd->items[0].word), cases[i].n);
			}
			racf_command_free(cmd);
		} else {
			check_err(row, in, strlen(in), cases[i].want);
			/* never any of a quoted string's contents */
			if (racf_parse(
			        in, strlen(in), &cmd, err, sizeof(err)) != -1)
				fail_msg("row %s: parsed", row);
			if (strchr(err, 'q') != NULL)
				fail_msg(
				    "row %s: quoted text in \"%s\"", row, err);
		}
		free(in);
	}
}

/* "A " then depth keywords K( ... V ... ) or anonymous lists. */
static char *
make_nested(size_t depth, int anonymous)
{
	char *open = make_repeat("A ", anonymous ? "(" : "K(", depth, "V");
	char *all = make_repeat(open, ")", depth, "");

	free(open);
	return all;
}

static void
test_nesting(void **state)
{
	static const struct {
		size_t depth;
		int anonymous;
		int ok;
	} cases[] = {
	    {1, 0, 1},
	    {SSPR_MAX_NESTING, 0, 1},
	    {SSPR_MAX_NESTING, 1, 1},
	    {SSPR_MAX_NESTING + 1, 0, 0},
	    {SSPR_MAX_NESTING + 1, 1, 0},
	    {1000, 1, 0},
	};
	struct racf_command *cmd;
	const struct racf_item *it;
	char err[SSPR_MAX_ERROR], row[16];
	char *in;
	size_t i, d;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		in = make_nested(cases[i].depth, cases[i].anonymous);
		if (!cases[i].ok) {
			check_err(row, in, strlen(in),
			    "IKJ56702I INVALID OPERAND, TOO MANY NESTED "
			    "PARENTHESES");
			free(in);
			continue;
		}
		cmd = NULL;
		if (racf_parse(in, strlen(in), &cmd, err, sizeof(err)) != 0)
			fail_msg("row %s: unexpected error \"%s\"", row, err);
		assert_int_equal(cmd->nitems, 1);
		it = &cmd->items[0];
		for (d = 0; d < cases[i].depth; d++) {
			assert_true(it->has_args);
			assert_int_equal(it->nargs, 1);
			if (cases[i].anonymous)
				assert_null(it->word);
			else
				assert_string_equal(it->word, "K");
			it = &it->args[0];
		}
		assert_string_equal(it->word, "V");
		assert_false(it->has_args);
		racf_command_free(cmd);
		free(in);
	}
}

static void
test_operand_count(void **state)
{
	static const struct {
		const char *prefix;
		const char *item;
		size_t n;
		const char *suffix;
		int ok;
	} cases[] = {
	    {"LU", " A", SSPR_MAX_OPERANDS, "", 1},
	    {"LU", " A", SSPR_MAX_OPERANDS + 1, "", 0},
	    {"LU", ",'p'", SSPR_MAX_OPERANDS, "", 1},
	    {"LU", ",'p'", SSPR_MAX_OPERANDS + 1, "", 0},
	    /* the keyword counts, and so do its arguments */
	    {"LU K(", " A", SSPR_MAX_OPERANDS - 1, ")", 1},
	    {"LU K(", " A", SSPR_MAX_OPERANDS, ")", 0},
	    {"LU (", " A", SSPR_MAX_OPERANDS, ")", 0},
	    {"LU", " ()", SSPR_MAX_OPERANDS, "", 1},
	    {"LU", " ()", SSPR_MAX_OPERANDS + 1, "", 0},
	    {"LU", " X(A)", SSPR_MAX_OPERANDS / 2, "", 1},
	    {"LU", " X(A)", SSPR_MAX_OPERANDS / 2, " B", 0},
	    {"LU", " A", 10000, "", 0},
	};
	struct racf_command *cmd;
	char err[SSPR_MAX_ERROR], row[16];
	char *in;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		in = make_repeat(cases[i].prefix, cases[i].item, cases[i].n,
		    cases[i].suffix);
		if (cases[i].ok) {
			cmd = NULL;
			if (racf_parse(
			        in, strlen(in), &cmd, err, sizeof(err)) != 0)
				fail_msg("row %s: unexpected error \"%s\"", row,
				    err);
			racf_command_free(cmd);
		} else {
			check_err(row, in, strlen(in),
			    "IKJ56702I INVALID COMMAND, TOO MANY OPERANDS");
		}
		free(in);
	}
}

static void
test_command_length(void **state)
{
	static const struct {
		size_t len;
		int ok;
	} cases[] = {
	    {SSPR_MAX_COMMAND - 1, 1},
	    {SSPR_MAX_COMMAND, 1},
	    {SSPR_MAX_COMMAND + 1, 0},
	    {SSPR_MAX_COMMAND * 2, 0},
	};
	struct racf_command *cmd;
	char err[SSPR_MAX_ERROR], row[16];
	char *in;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		/* "LU" then blanks, ending in one operand */
		in = make_repeat("LU", " ", cases[i].len - 3, "X");
		assert_int_equal(strlen(in), cases[i].len);
		if (cases[i].ok) {
			cmd = NULL;
			if (racf_parse(
			        in, cases[i].len, &cmd, err, sizeof(err)) != 0)
				fail_msg("row %s: unexpected error \"%s\"", row,
				    err);
			assert_string_equal(cmd->verb, "LU");
			assert_int_equal(cmd->nitems, 1);
			assert_string_equal(cmd->items[0].word, "X");
			racf_command_free(cmd);
		} else {
			check_err(row, in, cases[i].len,
			    "IKJ56702I INVALID COMMAND, LONGER THAN 32768 "
			    "CHARACTERS");
		}
		free(in);
	}
}

/* len is honoured: nothing past it is read, and no NUL is needed. */
static void
test_explicit_length(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
	    {"LU JOE)))", 6, "LU JOE"},
	    {"LU NAME('x')'", 12, "LU NAME(\"x\")"},
	    {"LU A\0B", 4, "LU A"},
	};
	char row[16];
	char *copy;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(row, sizeof(row), "%zu", i);
		/* an exact-size copy, so ASan sees any read past len */
		copy = malloc(cases[i].len);
		assert_non_null(copy);
		memcpy(copy, cases[i].in, cases[i].len);
		check_ok(row, copy, cases[i].len, cases[i].want);
		free(copy);
	}
}

static void
test_error_buffer(void **state)
{
	struct racf_command *cmd = NULL;
	char small[12];

	(void)state;
	/* truncated but terminated */
	memset(small, 'x', sizeof(small));
	assert_int_equal(racf_parse("AU )", 4, &cmd, small, sizeof(small)), -1);
	assert_string_equal(small, "IKJ56702I I");
	assert_null(cmd);
	/* no buffer at all */
	assert_int_equal(racf_parse("AU )", 4, &cmd, NULL, 0), -1);
	assert_null(cmd);
	/* NULL text is an empty image */
	assert_int_equal(racf_parse(NULL, 0, &cmd, small, sizeof(small)), -1);
	assert_string_equal(small, "IKJ56701I M");
	/* NULL-safe free */
	racf_command_free(NULL);
}

static void
test_continued(void **state)
{
	static const struct {
		const char *in;
		int want;
		size_t keep;
		int plus;
	} cases[] = {
	    {"AU JOE -", 1, 7, 0},
	    {"AU JOE +", 1, 7, 1},
	    {"AU JOE-", 1, 6, 0},
	    {"AU JOE+", 1, 6, 1},
	    {"AU JOE -   ", 1, 7, 0},
	    {"AU JOE +\t \t", 1, 7, 1},
	    {"NAME('A -", 1, 8, 0},
	    {"-", 1, 0, 0},
	    {"+ ", 1, 0, 1},
	    {"AU JOE", 0, 6, 0},
	    {"AU JOE   ", 0, 9, 0},
	    {"A-B", 0, 3, 0},
	    {"A - B", 0, 5, 0},
	    {"AU JOE --", 1, 8, 0},
	    {"AU -+", 1, 4, 1},
	    {"", 0, 0, 0},
	    {"   ", 0, 3, 0},
	};
	size_t i, keep;
	int plus, rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		keep = 12345;
		plus = 7;
		rc = racf_continued(
		    cases[i].in, strlen(cases[i].in), &keep, &plus);
		if (rc != cases[i].want || keep != cases[i].keep ||
		    plus != cases[i].plus)
			fail_msg("row %zu [%s]: got %d keep %zu plus %d, want "
			         "%d keep %zu plus %d",
			    i, cases[i].in, rc, keep, plus, cases[i].want,
			    cases[i].keep, cases[i].plus);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_operand_length),
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_operand_count),
	    cmocka_unit_test(test_command_length),
	    cmocka_unit_test(test_explicit_length),
	    cmocka_unit_test(test_error_buffer),
	    cmocka_unit_test(test_continued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
