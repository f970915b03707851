/*
 * racf_rules.c - RACF's password and password-phrase syntax rules.
 *
 * Implements esm/racf_rules.h: the character set of a password under
 * MIXEDCASE and SPECIALCHARS, folding, the SETROPTS RULEn content classes
 * and position lists, and the basic phrase rules.  Everything works on
 * plain ASCII, never on the locale.  Secrets are only ever read where they
 * lie (or folded in place); nothing here copies them, allocates or logs.
 *
 * A NULL policy means RACF's defaults: NOMIXEDCASE, NOSPECIALCHARS and no
 * syntax rules.
 */
#include "esm/racf_rules.h"

#include <string.h>

#include "compat/compat.h"

#include "compat/banned.h"

/* The SETROPTS LIST legend letters, in legend order. */
static const char racf_rules_classes[] = "ACLNVW*cmv$sx";

static const struct {
	const char *name;
	int cls;
} racf_rules_keywords[] = {
    {"ALPHA", 'A'},
    {"ALPHANUM", 'L'},
    {"CONSONANT", 'C'},
    {"CONS", 'C'},
    {"NOVOWEL", 'W'},
    {"NUMERIC", 'N'},
    {"NUM", 'N'},
    {"VOWEL", 'V'},
    {"NATIONAL", '$'},
    {"SPECIAL", 's'},
    {"MIXEDCONSONANT", 'c'},
    {"MIXEDCONS", 'c'},
    {"MIXEDVOWEL", 'v'},
    {"MIXEDNUM", 'm'},
    {"MIXEDALL", 'x'},
    {"ANYTHING", '*'},
};

static int
racf_rules_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
racf_rules_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
racf_rules_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
racf_rules_national(int c)
{
	return c == '#' || c == '@' || c == '$';
}

/* One of SPECIALCHARS' . < + | & ! * - % _ > ? : = */
static int
racf_rules_special(int c)
{
	switch (c) {
	case '.':
	case '<':
	case '+':
	case '|':
	case '&':
	case '!':
	case '*':
	case '-':
	case '%':
	case '_':
	case '>':
	case '?':
	case ':':
	case '=':
		return 1;
	default:
		return 0;
	}
}

static int
racf_rules_toupper(int c)
{
	return racf_rules_lower(c) ? c - 'a' + 'A' : c;
}

static int
racf_rules_tolower(int c)
{
	return racf_rules_upper(c) ? c - 'A' + 'a' : c;
}

/* A vowel of either case. */
static int
racf_rules_vowel(int c)
{
	switch (racf_rules_toupper(c)) {
	case 'A':
	case 'E':
	case 'I':
	case 'O':
	case 'U':
		return 1;
	default:
		return 0;
	}
}

/* A character valid under the most permissive policy (MIXEDCASE and
 * SPECIALCHARS): what ANYTHING, NOVOWEL and MIXEDALL may match. */
static int
racf_rules_any(int c)
{
	return racf_rules_upper(c) || racf_rules_lower(c) ||
	       racf_rules_digit(c) || racf_rules_national(c) ||
	       racf_rules_special(c);
}

/* 1 if c belongs to content class cls (a legend letter). */
static int
racf_rules_class_ok(int cls, int c)
{
	switch (cls) {
	case 'A':
		return racf_rules_upper(c) || racf_rules_national(c);
	case 'C':
		return racf_rules_upper(c) && !racf_rules_vowel(c);
	case 'L':
		return racf_rules_upper(c) || racf_rules_digit(c) ||
		       racf_rules_national(c);
	case 'N':
		return racf_rules_digit(c);
	case 'V':
		return racf_rules_upper(c) && racf_rules_vowel(c);
	case 'W':
		return racf_rules_any(c) && !racf_rules_vowel(c);
	case '*':
	case 'x':
		return racf_rules_any(c);
	case 'c':
		return (racf_rules_upper(c) || racf_rules_lower(c)) &&
		       !racf_rules_vowel(c);
	case 'm':
		return racf_rules_upper(c) || racf_rules_lower(c) ||
		       racf_rules_digit(c);
	case 'v':
		return (racf_rules_upper(c) || racf_rules_lower(c)) &&
		       racf_rules_vowel(c);
	case '$':
		return racf_rules_national(c);
	case 's':
		return racf_rules_special(c);
	default:
		return 0;
	}
}

/* 1 if a and b are equal ignoring ASCII case. */
static int
racf_rules_casecmp_eq(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] != '\0' && b[i] != '\0'; i++)
		if (racf_rules_toupper((unsigned char)a[i]) !=
		    racf_rules_toupper((unsigned char)b[i]))
			return 0;
	return a[i] == '\0' && b[i] == '\0';
}

/*
 * 1 if the password pw of length len equals user ignoring case.  Every
 * byte of pw is looked at, whatever the outcome.
 */
static int
racf_rules_equals_user(const char *user, const char *pw, size_t len)
{
	size_t ulen, i;
	int diff;

	ulen = strnlen(user, SSPR_MAX_USERID + 1);
	diff = ulen != len;
	for (i = 0; i < len; i++) {
		int u = i < ulen ? (unsigned char)user[i] : 0;

		diff |= racf_rules_toupper((unsigned char)pw[i]) !=
		        racf_rules_toupper(u);
	}
	return !diff;
}

/*
 * 1 if user appears in phrase (of length len) as consecutive upper-case
 * characters or as consecutive lower-case characters.
 */
static int
racf_rules_contains_user(const char *user, const char *phrase, size_t len)
{
	size_t ulen, i, j;

	ulen = strnlen(user, SSPR_MAX_USERID + 1);
	if (ulen == 0 || ulen > len)
		return 0;
	for (i = 0; i + ulen <= len; i++) {
		int up = 1, low = 1;

		for (j = 0; j < ulen; j++) {
			int p = (unsigned char)phrase[i + j];
			int u = (unsigned char)user[j];

			up &= p == racf_rules_toupper(u);
			low &= p == racf_rules_tolower(u);
		}
		if (up || low)
			return 1;
	}
	return 0;
}

void
racf_password_fold(char *pw, const struct racf_pwpolicy *pol)
{
	size_t i;

	if (pw == NULL || (pol != NULL && pol->mixedcase))
		return;
	for (i = 0; pw[i] != '\0'; i++)
		if (racf_rules_lower((unsigned char)pw[i]))
			pw[i] = (char)(pw[i] - 'a' + 'A');
}

int
racf_password_char_ok(int c, const struct racf_pwpolicy *pol)
{
	if (racf_rules_upper(c) || racf_rules_digit(c) ||
	    racf_rules_national(c))
		return 1;
	if (racf_rules_lower(c))
		return pol != NULL && pol->mixedcase;
	if (racf_rules_special(c))
		return pol != NULL && pol->specialchars;
	return 0;
}

enum racf_syntax
racf_password_check(const char *user, const char *pw,
    const struct racf_pwpolicy *pol, int apply_rules)
{
	size_t len, i;
	int n, nrules;

	if (pw == NULL)
		return RACF_SYNTAX_LENGTH;
	len = strnlen(pw, SSPR_MAX_PASSWORD + 1);
	if (len < 1 || len > SSPR_MAX_PASSWORD)
		return RACF_SYNTAX_LENGTH;
	for (i = 0; i < len; i++)
		if (!racf_password_char_ok((unsigned char)pw[i], pol))
			return RACF_SYNTAX_CHARS;
	if (!apply_rules)
		return RACF_SYNTAX_OK;
	if (user != NULL && racf_rules_equals_user(user, pw, len))
		return RACF_SYNTAX_USERID;
	nrules = pol == NULL ? 0 : pol->nrules;
	if (nrules > SSPR_MAX_RULES)
		nrules = SSPR_MAX_RULES;
	if (nrules <= 0)
		return RACF_SYNTAX_OK;
	for (n = 0; n < nrules; n++)
		if (racf_rule_match(&pol->rules[n], pw))
			return RACF_SYNTAX_OK;
	return RACF_SYNTAX_RULES;
}

enum racf_syntax
racf_phrase_check(const char *user, const char *phrase)
{
	size_t len, i, alpha, run;

	if (phrase == NULL)
		return RACF_SYNTAX_LENGTH;
	len = strnlen(phrase, SSPR_MAX_PHRASE + 1);
	if (len < 9 || len > SSPR_MAX_PHRASE)
		return RACF_SYNTAX_LENGTH;
	if (user != NULL && racf_rules_contains_user(user, phrase, len))
		return RACF_SYNTAX_USERID;
	alpha = 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)phrase[i];

		if (racf_rules_upper(c) || racf_rules_lower(c))
			alpha++;
	}
	if (alpha < 2)
		return RACF_SYNTAX_ALPHA;
	if (len - alpha < 2)
		return RACF_SYNTAX_NONALPHA;
	run = 1;
	for (i = 1; i < len; i++) {
		run = phrase[i] == phrase[i - 1] ? run + 1 : 1;
		if (run > 2)
			return RACF_SYNTAX_REPEAT;
	}
	return RACF_SYNTAX_OK;
}

int
racf_rule_match(const struct racf_rule *rule, const char *pw)
{
	size_t len, i;

	if (rule == NULL || pw == NULL)
		return 0;
	len = strnlen(pw, SSPR_MAX_PASSWORD + 1);
	if (len < 1 || len > SSPR_MAX_PASSWORD || (int)len < rule->min ||
	    (int)len > rule->max)
		return 0;
	for (i = 0; i < len; i++)
		if (!racf_rules_class_ok(
		        (unsigned char)rule->content[i], (unsigned char)pw[i]))
			return 0;
	return 1;
}

int
racf_rule_class(const char *keyword)
{
	size_t i;

	if (keyword == NULL)
		return 0;
	for (i = 0; i < ARRAY_SIZE(racf_rules_keywords); i++)
		if (racf_rules_casecmp_eq(keyword, racf_rules_keywords[i].name))
			return racf_rules_keywords[i].cls;
	return 0;
}

/*
 * Grammar of spec: blanks* entry (sep entry)* blanks*, where sep is blanks
 * with at most one comma among them, entry is d or d:d, and d is one digit
 * 1-8.  The positions are gathered in a mask first, so a malformed spec
 * leaves the rule as it was.
 */
int
racf_rule_set_positions(struct racf_rule *rule, int cls, const char *spec)
{
	unsigned int mask = 0;
	const char *p;
	int rc = -1, pos, lo, hi;

	if (rule == NULL || spec == NULL || cls <= 0 || cls > 127 ||
	    strchr(racf_rules_classes, cls) == NULL)
		goto out;
	p = spec;
	while (*p == ' ')
		p++;
	for (;;) {
		int nsep = 0, commas = 0;

		if (*p < '1' || *p > '8')
			goto out;
		lo = hi = *p++ - '0';
		if (*p == ':') {
			p++;
			if (*p < '1' || *p > '8')
				goto out;
			hi = *p++ - '0';
			if (hi < lo)
				goto out;
		}
		for (pos = lo; pos <= hi; pos++)
			mask |= 1U << (pos - 1);
		for (; *p == ' ' || *p == ','; p++, nsep++)
			if (*p == ',')
				commas++;
		if (commas > 1)
			goto out;
		if (*p == '\0') {
			if (commas > 0)
				goto out; /* a trailing comma */
			break;
		}
		if (nsep == 0)
			goto out; /* "12", "1:2:3", "1x" */
	}
	for (pos = 0; pos < SSPR_MAX_PASSWORD; pos++)
		if (mask & (1U << pos))
			rule->content[pos] = (char)cls;
	rc = 0;
out:
	return rc;
}

void
racf_rule_init(struct racf_rule *rule, int min, int max)
{
	if (rule == NULL)
		return;
	rule->min = min;
	rule->max = max;
	memset(rule->content, '*', SSPR_MAX_PASSWORD);
	rule->content[SSPR_MAX_PASSWORD] = '\0';
}

const char *
racf_syntax_message(enum racf_syntax why, int phrase)
{
	if (why == RACF_SYNTAX_OK)
		return "";
	if (!phrase) {
		if (why == RACF_SYNTAX_USERID)
			return "ICH08014I NEW PASSWORD NOT VALID. PASSWORD "
			       "CANNOT BE THE SAME AS THE USER ID";
		return "ICH08014I NEW PASSWORD NOT VALID. IT DOES NOT MEET "
		       "THE INSTALLATION PASSWORD SYNTAX RULES";
	}
	switch (why) {
	case RACF_SYNTAX_LENGTH:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST BE 9 "
		       "TO 100 CHARACTERS";
	case RACF_SYNTAX_USERID:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT CONTAINS "
		       "THE USER ID";
	case RACF_SYNTAX_ALPHA:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST "
		       "CONTAIN AT LEAST 2 ALPHABETIC CHARACTERS";
	case RACF_SYNTAX_NONALPHA:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT MUST "
		       "CONTAIN AT LEAST 2 NON-ALPHABETIC CHARACTERS";
	case RACF_SYNTAX_REPEAT:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT CONTAINS "
		       "MORE THAN 2 CONSECUTIVE IDENTICAL CHARACTERS";
	default:
		return "ICH08020I NEW PASSWORD PHRASE NOT VALID. IT DOES NOT "
		       "MEET THE INSTALLATION PASSWORD PHRASE RULES";
	}
}
