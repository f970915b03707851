/*
 * policy.c - the enrollment rules for PINs and answers, and the catalogue
 * of security questions (see policy.h for the rules).
 *
 * The checks run in a fixed order and the first failure is reported, with
 * the reason and, for answers, the answer's number; a message never quotes
 * a PIN or an answer (only a question ID the caller sent, quoted and made
 * one line).  Besides the rules of policy.h, a PIN that repeats a short
 * block ("583583", "4747474") is refused as repetitive, a date is also
 * looked for as MMDDYYYY and YYMMDD, the digits of the user ID are looked
 * for in both directions (the PIN contains them, or is part of them), an
 * answer made of one repeated character is refused, and an answer equal to
 * the local part of the e-mail address counts as the address.  An answer
 * is "contained in its question" when it occurs there on word boundaries
 * (so "Mary" may answer a question about a "primary school"), after the
 * question went through the same normalisation as answers
 * (secret_normalize_answer()), in English and in German.
 */
#include "sspr/policy.h"

#include <utf8proc.h>

#include <string.h>
#include <strings.h>

#include "compat/compat.h"
#include "sspr/secret.h"

#include "compat/banned.h"

#define POLICY_PIN_MIN       6
#define POLICY_PIN_MAX       8
#define POLICY_PIN_CEILING   64 /* the largest max a policy may set */
#define POLICY_ANSWER_MIN    3  /* characters */
#define POLICY_USERID_DIGITS 4  /* fewer digits in a user ID: not checked */
#define POLICY_YEAR_MIN      1900
#define POLICY_YEAR_MAX      2099

/*
 * Memorable, stable, and not known to colleagues or public records: no
 * date or place of birth, no mother's maiden name, nothing about work,
 * cars or favourites that come up in office talk.
 */
static const struct policy_question policy_catalogue[] = {
    {"Q01", "What was the name of your first pet?",
        "Wie hieß Ihr erstes Haustier?"},
    {"Q02", "In which town did you go to your first school?",
        "In welchem Ort haben Sie Ihre erste Schule besucht?"},
    {"Q03", "What was the first name of your best friend in primary school?",
        "Wie hieß Ihre beste Freundin oder Ihr bester Freund in der "
        "Grundschule mit Vornamen?"},
    {"Q04", "What was the name of your first cuddly toy?",
        "Wie hieß Ihr erstes Kuscheltier?"},
    {"Q05", "What was the surname of your first class teacher?",
        "Wie hieß Ihre erste Klassenlehrerin oder Ihr erster Klassenlehrer "
        "mit Nachnamen?"},
    {"Q06", "Where did you go on the first holiday you can remember?",
        "Wohin ging die erste Urlaubsreise, an die Sie sich erinnern?"},
    {"Q07", "What was the first concert you went to?",
        "Welches war das erste Konzert, das Sie besucht haben?"},
    {"Q08", "In which street did you live when you were ten years old?",
        "In welcher Straße haben Sie mit zehn Jahren gewohnt?"},
    {"Q09", "What was the title of the first book you remember reading?",
        "Wie hieß das erste Buch, an das Sie sich als Leser erinnern?"},
    {"Q10", "What nickname did your family call you as a child?",
        "Welchen Spitznamen hatten Sie als Kind in Ihrer Familie?"},
    {"Q11", "What was the first film you saw in a cinema?",
        "Welchen Film haben Sie als ersten im Kino gesehen?"},
    {"Q12", "In which street did your best friend live when you were a child?",
        "In welcher Straße wohnte Ihre beste Freundin oder Ihr bester Freund "
        "in Ihrer Kindheit?"},
};

/* Common PINs: the all-digit favourites of leaked PIN and password lists.
 * Some are caught by other rules first; the list is kept whole so that it
 * still holds when a policy allows other lengths. */
static const char *const policy_common_pins[] = {"112233", "11223344", "121212",
    "12121212", "123123", "12341234", "123321", "1234321", "12344321", "123654",
    "147258", "147258369", "159753", "159357", "102030", "10203040", "101010",
    "202020", "131313", "246810", "13579", "135790", "1357911", "246802",
    "258456", "321654", "456123", "654321", "666777", "696969", "777888",
    "789456", "789123", "741852", "741852963", "963852", "963852741", "852456",
    "142536", "159951", "753951", "951753", "1212312", "1314520", "5201314",
    "123456789", "1234567", "12345678", "87654321", "00000000", "000000",
    "11111111", "111111", "1111111", "2580", "258025", "11112222", "20202020",
    "10101010", "19191919", "110110", "520520", "5555555", "99999999", "999999",
    "696969696", "668866", "888888", "88888888"};

/* Weak answers, in normalised form (NFKC, case-folded: "weiss", not
 * "weiß"), as the answers they are compared with. */
static const char *const policy_weak_answers[] = {"password", "passwort",
    "kennwort", "secret", "geheim", "test", "testing", "none", "nothing",
    "nichts", "keine", "kein", "nein", "yes", "ja", "n/a", "n.a.", "na", "no",
    "idk", "dunno", "unknown", "unbekannt", "weiss nicht", "keine ahnung",
    "don't know", "dont know", "i don't know", "123", "1234", "12345", "123456",
    "abc", "abcd", "abcdef", "xxx", "asdf", "asdfgh", "qwerty", "qwertz",
    "yxcv", "aaa", "answer", "antwort", "null", "nil", "---", "...", "???",
    "!!!", "sspr", "racf", "admin", "user", "login", "letmein", "same", "egal",
    "blah", "bla", "foo", "bar"};

static int
policy_digits(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
policy_day_month(int d, int m)
{
	static const int mdays[12] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

static int
policy_year(int y)
{
	return y >= POLICY_YEAR_MIN && y <= POLICY_YEAR_MAX;
}

/* DDMMYYYY, MMDDYYYY, YYYYMMDD; DDMMYY, MMDDYY, YYMMDD. */
static int
policy_pin_date(const char *pin, size_t len)
{
	if (len == 8)
		return (policy_day_month(
		            policy_digits(pin, 2), policy_digits(pin + 2, 2)) &&
		           policy_year(policy_digits(pin + 4, 4))) ||
		       (policy_day_month(
		            policy_digits(pin + 2, 2), policy_digits(pin, 2)) &&
		           policy_year(policy_digits(pin + 4, 4))) ||
		       (policy_year(policy_digits(pin, 4)) &&
		           policy_day_month(policy_digits(pin + 6, 2),
		               policy_digits(pin + 4, 2)));
	if (len == 6)
		return policy_day_month(
		           policy_digits(pin, 2), policy_digits(pin + 2, 2)) ||
		       policy_day_month(
		           policy_digits(pin + 2, 2), policy_digits(pin, 2)) ||
		       policy_day_month(policy_digits(pin + 4, 2),
		           policy_digits(pin + 2, 2));
	return 0;
}

/* Every step +1, or every step -1, modulo 10. */
static int
policy_pin_run(const char *pin, size_t len)
{
	int up = 1, down = 1, a, b;
	size_t i;

	for (i = 1; i < len; i++) {
		a = pin[i - 1] - '0';
		b = pin[i] - '0';
		if ((a + 1) % 10 != b)
			up = 0;
		if ((b + 1) % 10 != a)
			down = 0;
	}
	return up || down;
}

/* The shortest period of the PIN when at least two whole periods fit
 * ("583583": 3, "4747474": 2), or 0. */
static size_t
policy_pin_period(const char *pin, size_t len)
{
	size_t k, i;

	for (k = 1; k <= len / 2; k++) {
		for (i = k; i < len && pin[i] == pin[i - k]; i++)
			;
		if (i == len)
			return k;
	}
	return 0;
}

static int
policy_pin_userid(const char *pin, const char *userid)
{
	char digits[SECRET_MAX_INPUT + 1];
	size_t n = 0;

	if (userid == NULL)
		return 0;
	for (; *userid != '\0' && n < sizeof(digits) - 1; userid++)
		if (*userid >= '0' && *userid <= '9')
			digits[n++] = *userid;
	digits[n] = '\0';
	if (n < POLICY_USERID_DIGITS)
		return 0;
	return strstr(pin, digits) != NULL || strstr(digits, pin) != NULL;
}

static int
policy_pin_common(const char *pin)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(policy_common_pins); i++)
		if (strcmp(pin, policy_common_pins[i]) == 0)
			return 1;
	return 0;
}

const struct policy_question *
policy_questions(size_t *n)
{
	if (n != NULL)
		*n = ARRAY_SIZE(policy_catalogue);
	return policy_catalogue;
}

const struct policy_question *
policy_question(const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(policy_catalogue); i++)
		if (strcmp(id, policy_catalogue[i].id) == 0)
			return &policy_catalogue[i];
	return NULL;
}

const char *
policy_question_text(const struct policy_question *q, const char *lang)
{
	if (q == NULL)
		return NULL;
	/* "de", also with a region: "de-AT", "de_CH". */
	if (lang != NULL && strncasecmp(lang, "de", 2) == 0 &&
	    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
		return q->de;
	return q->en;
}

int
policy_pin_check(const struct policy_pin *p, const char *userid,
    const char *pin, char *err, size_t errsize)
{
	int min = POLICY_PIN_MIN, max = POLICY_PIN_MAX;
	size_t len, i, period;

	if (p != NULL) {
		min = p->min;
		max = p->max;
	}
	if (min < 1 || max < min || max > POLICY_PIN_CEILING) {
		errf(err, errsize,
		    "the PIN policy is invalid (min %d, max %d digits)", min,
		    max);
		return -1;
	}
	if (pin == NULL || *pin == '\0') {
		errf(err, errsize, "the PIN is missing");
		return -1;
	}
	len = strnlen(pin, (size_t)POLICY_PIN_CEILING + 1);
	for (i = 0; i < len; i++) {
		if (pin[i] < '0' || pin[i] > '9') {
			errf(err, errsize, "the PIN may contain only digits");
			return -1;
		}
	}
	if (len < (size_t)min) {
		errf(err, errsize, "the PIN is too short (at least %d digits)",
		    min);
		return -1;
	}
	if (len > (size_t)max) {
		errf(err, errsize, "the PIN is too long (at most %d digits)",
		    max);
		return -1;
	}
	period = policy_pin_period(pin, len);
	if (period == 1) {
		errf(err, errsize, "the PIN repeats one digit");
		return -1;
	}
	if (policy_pin_run(pin, len)) {
		errf(err, errsize, "the PIN is a run of consecutive digits");
		return -1;
	}
	if (period > 1) {
		errf(err, errsize, "the PIN repeats a short pattern");
		return -1;
	}
	if (policy_pin_userid(pin, userid)) {
		errf(err, errsize, "the PIN uses the digits of the user ID");
		return -1;
	}
	if (policy_pin_common(pin)) {
		errf(err, errsize, "the PIN is on the list of common PINs");
		return -1;
	}
	if (policy_pin_date(pin, len)) {
		errf(err, errsize, "the PIN looks like a date");
		return -1;
	}
	return 0;
}

/* Characters (code points) in a UTF-8 string. */
static size_t
policy_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* 1 if the answer is one character repeated ("aaaa", "ääää"). */
static int
policy_one_char(const char *s)
{
	size_t clen = 1, i;

	while (s[clen] != '\0' && ((unsigned char)s[clen] & 0xc0) == 0x80)
		clen++;
	for (i = clen; s[i] != '\0'; i++)
		if (s[i] != s[i % clen])
			return 0;
	return i % clen == 0;
}

static int
policy_weak(const char *answer)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(policy_weak_answers); i++)
		if (strcmp(answer, policy_weak_answers[i]) == 0)
			return 1;
	return 0;
}

/* A byte of a word: ASCII letters and digits, and any non-ASCII byte. */
static int
policy_word_byte(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
	       (u >= 'A' && u <= 'Z');
}

/* 1 if answer (normalised) is part of text after normalisation, on word
 * boundaries: "first pet" and "pet" are in "... your first pet?", "mary"
 * is not in "... primary school?". */
static int
policy_in_text(const char *answer, const char *text)
{
	char norm[SECRET_MAX_NORM];
	size_t n = strlen(answer);
	const char *p;
	int found = 0;

	if (n > 0 && secret_normalize_answer(text, norm) >= 0) {
		for (p = norm; (p = strstr(p, answer)) != NULL; p++) {
			if ((p == norm || !policy_word_byte(p[-1])) &&
			    !policy_word_byte(p[n])) {
				found = 1;
				break;
			}
		}
	}
	secure_zero(norm, sizeof(norm));
	return found;
}

/* 1 if answer equals s, ignoring ASCII case (answers are case-folded). */
static int
policy_same(const char *answer, const char *s, size_t len)
{
	return strlen(answer) == len && strncasecmp(answer, s, len) == 0;
}

static int
policy_ids_check(
    const char *const ids[POLICY_QUESTIONS], char *err, size_t errsize)
{
	char quoted[TEXT_QUOTE_MAX + 4];
	size_t i, j;

	for (i = 0; i < POLICY_QUESTIONS; i++) {
		if (ids[i] == NULL || ids[i][0] == '\0') {
			errf(err, errsize, "question %zu is missing", i + 1);
			return -1;
		}
		if (policy_question(ids[i]) == NULL) {
			text_quote(
			    quoted, sizeof(quoted), ids[i], TEXT_QUOTE_MAX);
			text_oneline(quoted);
			errf(err, errsize,
			    "question %zu '%s' is not in the catalogue", i + 1,
			    quoted);
			return -1;
		}
	}
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		for (j = i + 1; j < POLICY_QUESTIONS; j++) {
			if (strcmp(ids[i], ids[j]) == 0) {
				errf(err, errsize,
				    "questions %zu and %zu are the same", i + 1,
				    j + 1);
				return -1;
			}
		}
	}
	return 0;
}

int
policy_answers_check(const char *const ids[POLICY_QUESTIONS],
    const char *const answers[POLICY_QUESTIONS], const char *userid,
    const char *email, char *err, size_t errsize)
{
	const struct policy_question *q;
	const char *a, *at;
	size_t i, j;

	if (ids == NULL || answers == NULL) {
		errf(err, errsize, "the questions or the answers are missing");
		return -1;
	}
	if (policy_ids_check(ids, err, errsize) == -1)
		return -1;
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		a = answers[i];
		q = policy_question(ids[i]);
		if (a == NULL || a[0] == '\0') {
			errf(err, errsize, "answer %zu is missing", i + 1);
			return -1;
		}
		if (policy_chars(a) < POLICY_ANSWER_MIN) {
			errf(err, errsize,
			    "answer %zu is too short (at least %d characters)",
			    i + 1, POLICY_ANSWER_MIN);
			return -1;
		}
		if (policy_weak(a)) {
			errf(err, errsize,
			    "answer %zu is on the list of weak answers", i + 1);
			return -1;
		}
		if (policy_one_char(a)) {
			errf(err, errsize, "answer %zu repeats one character",
			    i + 1);
			return -1;
		}
		if (userid != NULL && policy_same(a, userid, strlen(userid))) {
			errf(err, errsize, "answer %zu is the user ID", i + 1);
			return -1;
		}
		if (email != NULL &&
		    (policy_same(a, email, strlen(email)) ||
		        ((at = strchr(email, '@')) != NULL &&
		            policy_same(a, email, (size_t)(at - email))))) {
			errf(err, errsize,
			    "answer %zu is the e-mail address or its local "
			    "part",
			    i + 1);
			return -1;
		}
		if (q != NULL &&
		    (policy_in_text(a, q->en) || policy_in_text(a, q->de))) {
			errf(err, errsize, "answer %zu is part of its question",
			    i + 1);
			return -1;
		}
	}
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		for (j = i + 1; j < POLICY_QUESTIONS; j++) {
			if (strcmp(answers[i], answers[j]) == 0) {
				errf(err, errsize,
				    "answers %zu and %zu are the same", i + 1,
				    j + 1);
				return -1;
			}
		}
	}
	return 0;
}

int
policy_secret_text(const char *s, char *err, size_t errsize)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t c;
	utf8proc_category_t cat;

	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0) {
			errf(err, errsize, "the new secret is not valid text");
			return -1;
		}
		cat = utf8proc_category(c);
		if (cat == UTF8PROC_CATEGORY_CC ||
		    cat == UTF8PROC_CATEGORY_CF ||
		    cat == UTF8PROC_CATEGORY_ZL ||
		    cat == UTF8PROC_CATEGORY_ZP) {
			errf(err, errsize,
			    "the new secret holds an invisible or control "
			    "character (line breaks, tabs, direction marks "
			    "and zero-width characters are not allowed)");
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}
