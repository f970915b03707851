/*
 * racf_rules.h - RACF's password and password-phrase syntax rules.
 *
 * Pure functions, no I/O: what characters a password may hold, how it is
 * folded, the SETROPTS PASSWORD(RULEn(...)) syntax rules, and the basic
 * phrase rules (ICHPWX11-equivalent, 9-100 characters).
 *
 * Facts (shared/specs/racf.md §3.1-3.2):
 *   - a password is 1-8 characters of A-Z 0-9 # @ $; lower case a-z is
 *     allowed only under SETROPTS PASSWORD(MIXEDCASE), otherwise passwords
 *     are folded to upper case before anything else; SPECIALCHARS adds
 *     . < + | & ! * - % _ > ? : =
 *   - a password may not equal the user ID;
 *   - when any RULEn is defined, a new password must satisfy at least one
 *     rule: its length within LENGTH(m:n) and each position's character
 *     within that position's content class;
 *   - a phrase is 9-100 characters, must not contain the user ID (upper or
 *     lower case), needs at least 2 alphabetic (A-Z a-z) and 2
 *     non-alphabetic characters, and no more than 2 identical characters
 *     in a row.
 *
 * Content classes use the SETROPTS LIST legend letters:
 *
 *	'A' ALPHA       A-Z # @ $ (RACF counts the nationals as alphabetic)
 *	'C' CONSONANT   upper-case consonant
 *	'L' ALPHANUM    A-Z 0-9 # @ $
 *	'N' NUMERIC     0-9
 *	'V' VOWEL       A E I O U
 *	'W' NOVOWEL     any valid character that is not a vowel
 *	'*' ANYTHING    any valid character
 *	'c' MIXEDCONSONANT  upper- or lower-case consonant
 *	'm' MIXEDNUM    upper, lower case or digit
 *	'v' MIXEDVOWEL  upper- or lower-case vowel
 *	'$' NATIONAL    # @ $
 *	's' SPECIAL     one of the SPECIALCHARS set
 *	'x' MIXEDALL    upper, lower, digit, national or special
 */
#ifndef SSPR_RACF_RULES_H
#define SSPR_RACF_RULES_H

#include <stddef.h>

#include "compat/ceilings.h"

struct racf_rule {
	int min, max; /* LENGTH(min:max), 1 <= min <= max <= 8 */
	char content[SSPR_MAX_PASSWORD + 1]; /* class letter per position
	                                        1..8; '*' where unspecified;
	                                        NUL-terminated, always 8 */
};

struct racf_pwpolicy {
	int mixedcase;               /* SETROPTS PASSWORD(MIXEDCASE) */
	int specialchars;            /* SETROPTS PASSWORD(SPECIALCHARS) */
	int nrules;                  /* number of defined rules in rules[] */
	int rule_no[SSPR_MAX_RULES]; /* n of RULEn for rules[i] */
	struct racf_rule rules[SSPR_MAX_RULES];
};

enum racf_syntax {
	RACF_SYNTAX_OK = 0,
	RACF_SYNTAX_LENGTH,   /* password not 1-8 / phrase not 9-100 */
	RACF_SYNTAX_CHARS,    /* a character not allowed in passwords */
	RACF_SYNTAX_RULES,    /* no RULEn is satisfied */
	RACF_SYNTAX_USERID,   /* equals (password) / contains (phrase) the
	                         user ID */
	RACF_SYNTAX_ALPHA,    /* phrase: fewer than 2 alphabetic chars */
	RACF_SYNTAX_NONALPHA, /* phrase: fewer than 2 non-alphabetic */
	RACF_SYNTAX_REPEAT,   /* phrase: 3 identical characters in a row */
};

/* Fold a password in place to upper case unless the policy is MIXEDCASE.
 * Phrases are never folded. */
void racf_password_fold(char *pw, const struct racf_pwpolicy *pol);

/* 1 if c may appear in a password under pol, else 0. */
int racf_password_char_ok(int c, const struct racf_pwpolicy *pol);

/*
 * Check a (folded) password for user.  Always checks length and
 * characters; checks "not equal to the user ID" and the RULEn syntax rules
 * only when apply_rules is set (RACF does not apply them to a temporary,
 * expired password set by an administrator).
 */
enum racf_syntax racf_password_check(const char *user, const char *pw,
    const struct racf_pwpolicy *pol, int apply_rules);

/* Check a phrase for user against RACF's phrase rules. */
enum racf_syntax racf_phrase_check(const char *user, const char *phrase);

/* 1 if the characters satisfy one rule (length and every position). */
int racf_rule_match(const struct racf_rule *rule, const char *pw);

/*
 * Map a RULEn content keyword (case-insensitive, full name or RACF's
 * abbreviation: ALPHA, ALPHANUM, CONSONANT, NOVOWEL, NUMERIC, VOWEL,
 * NATIONAL, SPECIAL, MIXEDCONSONANT, MIXEDVOWEL, MIXEDNUM, MIXEDALL,
 * ANYTHING) to its legend letter; 0 if unknown.
 */
int racf_rule_class(const char *keyword);

/*
 * Apply one content keyword's positions to a rule: spec is RACF's position
 * list, e.g. "1", "1,3", "2:4" or "1 3:5" (blanks or commas between
 * entries, m:n ranges).  Positions must be 1-8.  Returns 0, or -1 when spec
 * is malformed.
 */
int racf_rule_set_positions(struct racf_rule *rule, int cls, const char *spec);

/* Initialise a rule to LENGTH(min:max) with every position ANYTHING. */
void racf_rule_init(struct racf_rule *rule, int min, int max);

/* The RACF message for a syntax failure, e.g. "ICH08014I ..." for
 * passwords or "ICH08020I ..." for phrases; a static string. */
const char *racf_syntax_message(enum racf_syntax why, int phrase);

#endif
