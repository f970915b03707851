/*
 * policy.h - what sspr accepts as a PIN and as answers at enrollment, and
 * the catalogue of security questions.
 *
 * Enrollment is authenticated, so a refusal says exactly why (NIST 800-63B
 * "SHALL provide the reason for rejection").  Rules:
 *
 *   PIN: digits only; length within [min, max] (default 6-8); not all the
 *   same digit; not an ascending or descending run (123456, 987654, also
 *   wrapping 890123); not the digits of the user ID; not on the list of
 *   common PINs; not a date-like pattern (DDMMYYYY, YYYYMMDD, DDMMYY,
 *   MMDDYY with a valid day and month).
 *
 *   Answers: at least 3 characters after normalisation; the three answers
 *   distinct from each other after normalisation; an answer not contained
 *   in its question (case-insensitively) and not equal to the user ID or
 *   the e-mail address; not on a short denylist ("password", "123",
 *   "none", "n/a", "test", "secret", "asdf", "qwerty", "abc", "xxx", ...).
 *
 *   Questions: three distinct IDs from the catalogue.  The catalogue has no
 *   public-record questions (date of birth, mother's maiden name).
 */
#ifndef SSPR_POLICY_H
#define SSPR_POLICY_H

#include <stddef.h>

#define POLICY_QUESTIONS 3 /* enrolled per user */

struct policy_pin {
	int min, max; /* digits */
};

/* One catalogue question: a stable ID stored in the ESM, and its text in
 * English and German. */
struct policy_question {
	const char *id; /* "Q01" ... */
	const char *en;
	const char *de;
};

/* The catalogue (borrowed, static) and its size. */
const struct policy_question *policy_questions(size_t *n);

/* The question with this ID, or NULL. */
const struct policy_question *policy_question(const char *id);

/* Its text in lang ("de" or "en"; anything else: English). */
const char *policy_question_text(
    const struct policy_question *q, const char *lang);

/* 0 if the normalised PIN is acceptable for userid, else -1 with the
 * reason in err. */
int policy_pin_check(const struct policy_pin *p, const char *userid,
    const char *pin, char *err, size_t errsize);

/*
 * 0 if the three normalised answers (to the questions with the three
 * IDs) are acceptable for userid and email, else -1 with the reason
 * (naming which answer: "answer 2 ...") in err.  Also checks the three
 * question IDs: known and distinct.
 */
int policy_answers_check(const char *const ids[POLICY_QUESTIONS],
    const char *const answers[POLICY_QUESTIONS], const char *userid,
    const char *email, char *err, size_t errsize);

/*
 * A new password or phrase as typed: valid UTF-8 with no control
 * character (C0, DEL, C1), no invisible format character (bidirectional
 * controls and marks, zero-width spaces and joiners, the byte-order mark,
 * soft hyphens: Unicode category Cf) and no line or paragraph separator.
 * What the ESM then allows is its own rules' business; these are never a
 * secret anyone can read back or type again.  0, or -1 with err.
 */
int policy_secret_text(const char *s, char *err, size_t errsize);

#endif
