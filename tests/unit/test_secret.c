/*
 * test_secret.c - unit tests for sspr/secret.c.
 *
 * Tables cover: the base32 codec (RFC 4648 vectors, case folding,
 * non-canonical and malformed input); answer normalisation (the KBA-04
 * rows "  Müller  " = "MÜLLER" = "müller" = "Mu\u0308ller" = fullwidth,
 * Unicode white space, control characters, invalid UTF-8, unassigned code
 * points, over-long input and over-long expansion); PIN normalisation;
 * the parameter floor.  Hash and verify are exercised with cheap Argon2
 * parameters (secret_hash() does not enforce the floor): round trips, the
 * kind bound into the HMAC, peppers (wrong, unknown, retired), and a table
 * of tampered stored values, each with the number of Argon2 computations
 * it may cost (0 for anything refused before Argon2, so a field asking for
 * 4 GiB never allocates).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/strbuf.h"
#include "compat/base32.h"
#include "sspr/secret.h"

#include "compat/banned.h"

#define PEPPER_ID 7
#define FW_M      "\xef\xbc\xad" /* fullwidth letters */
#define FW_U      "\xef\xbc\xb5"
#define FW_L      "\xef\xbc\xac"
#define FW_E      "\xef\xbc\xa5"
#define FW_R      "\xef\xbc\xb2"
#define B32       "[A-Z2-7]"
#define NUM       "[0-9]+"
#define STORED_RE                                                              \
	"^S1[$]" NUM "[$]" NUM "[$]" NUM "[$]" NUM "[$]" B32 "{26}[$]" B32     \
	"{52}$"

static const unsigned char key_a[32] = {0x5e, 0x5e, 0x5e, 0x5e, 0x00, 0x11,
    0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
    0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
    0xaa, 0xbb};
static const unsigned char key_b[32] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5,
    0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1,
    0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd,
    0xce, 0xcf};

/* Cheap parameters: the floor is secret_params_check()'s business. */
static const struct secret_params cheap = {64, 1, 1};

static void
hash_ok(enum secret_kind kind, const struct secret_pepper *pepper,
    const char *norm, char out[SECRET_STORED_MAX])
{
	assert_int_equal(
	    secret_hash(kind, pepper, &cheap, norm, strlen(norm), out), 0);
}

static int
verify(enum secret_kind kind, const struct secret_pepper *peppers,
    size_t npeppers, const char *stored, const char *norm)
{
	return secret_verify(
	    kind, peppers, npeppers, stored, norm, strlen(norm));
}

/*
 * A normalisation of row's in that returned n into out (filled with 'Z'
 * before): want NULL, -1 and out untouched; else want's length, and out
 * holding want.
 */
static void
want_norm(size_t row, const char *in, long n, const char *out, const char *want)
{
	if (want == NULL) {
		if (n != -1 || out[0] != 'Z')
			fail_msg("row %zu '%s': want -1 and out untouched, "
			         "got %ld",
			    row, in, n);
	} else if (n != (long)strlen(want) || strcmp(out, want) != 0) {
		fail_msg("row %zu '%s': got %ld '%s', want '%s'", row, in, n,
		    n >= 0 ? out : "", want);
	}
}

static void
test_base32(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {"f", "MY"},
	    {"fo", "MZXQ"},
	    {"foo", "MZXW6"},
	    {"foob", "MZXW6YQ"},
	    {"fooba", "MZXW6YTB"},
	    {"foobar", "MZXW6YTBOI"},
	};
	static const struct {
		const char *in;
		size_t outlen;
		const char *want; /* NULL: refused */
	} dec[] = {
	    {"mzxw6ytboi", 6, "foobar"}, /* lower case folds */
	    {"MzXw6YtBoI", 6, "foobar"},
	    {"MZ", 1, NULL},          /* non-zero bits left over */
	    {"MZXR", 2, NULL},        /* likewise */
	    {"MZXW6YTBO", 6, NULL},   /* too short */
	    {"MZXW6YTBOIA", 6, NULL}, /* too long */
	    {"MZXW6YTBO1", 6, NULL},  /* '1' is not base32 */
	    {"MZXW6YTBO8", 6, NULL},  /* nor '8' */
	    {"MZXW6YTBO=", 6, NULL},  /* no padding */
	    {"MZXW6YTBO ", 6, NULL},
	};
	unsigned char out[32];
	char enc[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = strlen(cases[i].in);

		assert_int_equal(
		    base32_encode((const unsigned char *)cases[i].in, n, enc,
		        sizeof(enc)),
		    strlen(cases[i].want));
		if (strcmp(enc, cases[i].want) != 0)
			fail_msg("encode '%s': got '%s', want '%s'",
			    cases[i].in, enc, cases[i].want);
		memset(out, 0xee, sizeof(out));
		if (base32_decode(
		        cases[i].want, strlen(cases[i].want), out, n) != 0 ||
		    memcmp(out, cases[i].in, n) != 0)
			fail_msg("decode '%s' failed", cases[i].want);
	}
	/* The output buffer must hold the text and its NUL. */
	assert_int_equal(
	    base32_encode((const unsigned char *)"foobar", 6, enc, 10), 0);
	for (i = 0; i < ARRAY_SIZE(dec); i++) {
		int rc;

		memset(out, 0xee, sizeof(out));
		rc = base32_decode(
		    dec[i].in, strlen(dec[i].in), out, dec[i].outlen);
		if (dec[i].want == NULL) {
			if (rc != -1 || out[0] != 0xee)
				fail_msg("decode '%s': want refused, out "
				         "untouched",
				    dec[i].in);
		} else if (rc != 0 ||
		           memcmp(out, dec[i].want, dec[i].outlen) != 0) {
			fail_msg(
			    "decode '%s': want '%s'", dec[i].in, dec[i].want);
		}
	}
}

static void
test_normalize_answer(void **state)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: -1 */
	} cases[] = {
	    /* KBA-04: all of these are one answer */
	    {"  M\xc3\xbcller  ", "m\xc3\xbcller"},
	    {"M\xc3\x9cLLER", "m\xc3\xbcller"},
	    {"m\xc3\xbcller", "m\xc3\xbcller"},
	    {"Mu\xcc\x88ller", "m\xc3\xbcller"},    /* combining */
	    {FW_M "\xc3\xbcller", "m\xc3\xbcller"}, /* fullwidth M */
	    /* fullwidth M U U+0308 L L E R */
	    {FW_M FW_U "\xcc\x88" FW_L FW_L FW_E FW_R, "m\xc3\xbcller"},
	    {"Mueller", "mueller"}, /* a different answer */
	    /* white space: trimmed, runs collapsed to one blank */
	    {"a\tb", "a b"},
	    {"a  \t  b", "a b"},
	    {"\t a  b \t", "a b"},
	    {"a\r\nb\n", "a b"},
	    {"a\xc2\xa0x", "a x"},     /* U+00A0 */
	    {"a\xe2\x80\x83x", "a x"}, /* U+2003 */
	    {"a\xe2\x80\x8ax", "a x"}, /* U+200A */
	    {"a\xe3\x80\x80x", "a x"}, /* U+3000 */
	    {"a\xe1\x9a\x80x", "a x"}, /* U+1680, no NFKC mapping */
	    {"a\xe2\x80\xa8x", "a x"}, /* U+2028 */
	    {"\xe3\x80\x80 x \xc2\xa0", "x"},
	    {"", ""},
	    {"  \t ", ""},
	    /* NFKC and case folding */
	    {"Gru\xc3\x9f", "gruss"},
	    {"\xef\xac\x81sh", "fish"},          /* U+FB01 ligature */
	    {"\xe2\x85\xa0\xe2\x85\xa1", "iii"}, /* Roman numerals I, II */
	    {"\xc3\x85ngstr\xc3\xb6m", "\xc3\xa5ngstr\xc3\xb6m"},
	    {"A\xe2\x84\xabngstr\xc3\xb6m", "a\xc3\xa5ngstr\xc3\xb6m"},
	    /* default-ignorable characters are stripped: answers that look
	     * the same are the same */
	    {"Whis\xe2\x80\x8bkers", "whiskers"},             /* U+200B ZWSP */
	    {"Whis\xe2\x80\x8dkers", "whiskers"},             /* U+200D ZWJ */
	    {"\xef\xbb\xbfWhiskers", "whiskers"},             /* U+FEFF BOM */
	    {"Whiskers\xe2\x80\x8f", "whiskers"},             /* U+200F RLM */
	    {"Whis\xc2\xadkers", "whiskers"},                 /* U+00AD SHY */
	    {"\xe2\x81\xa6Whiskers\xe2\x81\xa9", "whiskers"}, /* isolates */
	    /* control characters */
	    {"a\x01x", NULL},
	    {"a\x1b[31m", NULL},
	    {"a\x7f", NULL},
	    {"a\xc2\x80", NULL},  /* C1 */
	    {"a\xc2\x85x", NULL}, /* NEL: C1, not a blank */
	    {"a\xc2\x9f", NULL},
	    /* invalid UTF-8 */
	    {"\xff", NULL},
	    {"M\xc3", NULL},
	    {"\xc3\x28", NULL},
	    {"\xc0\xaf", NULL},         /* overlong '/' */
	    {"\xed\xa0\x80", NULL},     /* surrogate */
	    {"\xf4\x90\x80\x80", NULL}, /* above U+10FFFF */
	    {"\x80", NULL},
	    /* unassigned (U+0378) */
	    {"a\xcd\xb8", NULL},
	};
	char out[SECRET_MAX_NORM];
	char big[SECRET_MAX_INPUT + 2];
	size_t i;
	long n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'Z', sizeof(out));
		n = secret_normalize_answer(cases[i].in, out);
		want_norm(i, cases[i].in, n, out, cases[i].want);
		if (cases[i].want == NULL)
			continue;
		/* Normalised text is a fixed point. */
		memset(out, 'Z', sizeof(out));
		n = secret_normalize_answer(cases[i].want, out);
		want_norm(i, cases[i].want, n, out, cases[i].want);
	}

	/* SECRET_MAX_INPUT bytes are accepted, one more is not. */
	memset(big, 'a', sizeof(big));
	big[SECRET_MAX_INPUT] = '\0';
	assert_int_equal(secret_normalize_answer(big, out), SECRET_MAX_INPUT);
	big[SECRET_MAX_INPUT] = 'a';
	big[SECRET_MAX_INPUT + 1] = '\0';
	assert_int_equal(secret_normalize_answer(big, out), -1);

	/* Short input whose NFKC expansion does not fit: U+FDFA is 3 bytes
	 * and expands to 18 code points. */
	big[0] = '\0';
	for (i = 0; i + 3 < SECRET_MAX_INPUT; i += 3)
		memcpy(big + i, "\xef\xb7\xba", 4);
	assert_int_equal(secret_normalize_answer(big, out), -1);
	/* A few of them fit. */
	assert_true(secret_normalize_answer("\xef\xb7\xba", out) > 18);

	assert_int_equal(secret_normalize_answer(NULL, out), -1);
}

static void
test_normalize_pin(void **state)
{
	static const struct {
		const char *in;
		size_t size;
		const char *want; /* NULL: -1 */
	} cases[] = {
	    {"583920", 16, "583920"},
	    {" 583920 ", 16, "583920"},
	    {"\t0042\t", 16, "0042"},
	    {"583920", 7, "583920"},
	    {"583920", 6, NULL}, /* no room for the NUL */
	    {"58 3920", 16, NULL},
	    {"58392a", 16, NULL},
	    {"-583920", 16, NULL},
	    {"+583920", 16, NULL},
	    {"\xef\xbc\x95\xef\xbc\x98\xef\xbc\x93", 16, NULL}, /* fullwidth */
	    {"\xd9\xa5\xd9\xa8", 16, NULL}, /* Arabic-Indic digits */
	    {"583920\n", 16, NULL},
	    {"", 16, NULL},
	    {"   ", 16, NULL},
	    {"583920", 0, NULL},
	};
	char out[16];
	char big[SECRET_MAX_INPUT + 2];
	size_t i;
	long n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'Z', sizeof(out));
		n = secret_normalize_pin(cases[i].in, out, cases[i].size);
		want_norm(i, cases[i].in, n, out, cases[i].want);
	}
	memset(big, '1', sizeof(big));
	big[SECRET_MAX_INPUT + 1] = '\0';
	assert_int_equal(secret_normalize_pin(big, big, sizeof(big)), -1);
}

static void
test_params_check(void **state)
{
	static const struct {
		unsigned m, t, p;
		const char *want; /* NULL: accepted */
	} cases[] = {
	    {19456, 2, 1, NULL},
	    {65536, 3, 4, NULL},
	    {SECRET_MAX_MEMORY, SECRET_MAX_TIME, SECRET_MAX_LANES, NULL},
	    {1024, 2, 1,
	        "hash.memory_kib 1024 is below the floor of 19456 KiB"},
	    {19455, 2, 1,
	        "hash.memory_kib 19455 is below the floor of 19456 KiB"},
	    {64, 1, 1, "hash.memory_kib 64 is below the floor of 19456 KiB"},
	    {1048577, 2, 1,
	        "hash.memory_kib 1048577 is above the maximum of 1048576 KiB"},
	    {4194304, 2, 1,
	        "hash.memory_kib 4194304 is above the maximum of 1048576 KiB"},
	    {19456, 1, 1, "hash.iterations 1 is below the floor of 2"},
	    {19456, 0, 1, "hash.iterations 0 is below the floor of 2"},
	    {19456, 65, 1, "hash.iterations 65 is above the maximum of 64"},
	    {19456, 2, 0, "hash.parallelism 0 is below the floor of 1"},
	    {19456, 2, 17, "hash.parallelism 17 is above the maximum of 16"},
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct secret_params p = {cases[i].m, cases[i].t, cases[i].p};
		int rc;

		err[0] = '\0';
		rc = secret_params_check(&p, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != 0 || err[0] != '\0')
				fail_msg(
				    "row %zu: want accepted, got '%s'", i, err);
		} else if (rc != -1 || strcmp(err, cases[i].want) != 0) {
			fail_msg("row %zu: got %d '%s', want '%s'", i, rc, err,
			    cases[i].want);
		}
	}
	assert_int_equal(secret_params_check(NULL, err, sizeof(err)), -1);
}

static void
test_hash_format(void **state)
{
	struct secret_pepper pep = {PEPPER_ID, key_a};
	char a[SECRET_STORED_MAX], b[SECRET_STORED_MAX];
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re, STORED_RE, REG_EXTENDED | REG_NOSUB), 0);
	hash_ok(SECRET_PIN, &pep, "583920", a);
	hash_ok(SECRET_PIN, &pep, "583920", b);
	if (regexec(&re, a, 0, NULL, 0) != 0)
		fail_msg("stored form '%s' does not match", a);
	assert_true(strlen(a) < SECRET_STORED_MAX);
	assert_true(strncmp(a, "S1$7$64$1$1$", 12) == 0);
	/* A fresh salt every time. */
	assert_string_not_equal(a, b);

	/* The largest pepper id still fits, and verifies. */
	pep.id = 4294967295u;
	hash_ok(SECRET_CODE, &pep, "x", a);
	if (regexec(&re, a, 0, NULL, 0) != 0)
		fail_msg("stored form '%s' does not match", a);
	assert_true(strncmp(a, "S1$4294967295$", 14) == 0);
	assert_int_equal(verify(SECRET_CODE, &pep, 1, a, "x"), 1);
	regfree(&re);
}

static void
test_hash_refused(void **state)
{
	static const struct {
		int kind;
		unsigned m, t, p;
		int nokey;
	} cases[] = {
	    {0, 64, 1, 1, 0}, {4, 64, 1, 1, 0}, {SECRET_PIN, 64, 1, 1, 1},
	    {SECRET_PIN, 4194304, 1, 1, 0},
	    {SECRET_PIN, SECRET_MAX_MEMORY + 1, 1, 1, 0},
	    {SECRET_PIN, 4, 1, 1, 0}, {SECRET_PIN, 64, 0, 1, 0},
	    {SECRET_PIN, 64, SECRET_MAX_TIME + 1, 1, 0},
	    {SECRET_PIN, 64, 1, 0, 0},
	    {SECRET_PIN, 64, 1, SECRET_MAX_LANES + 1, 0},
	    {SECRET_PIN, 64, 1, 9, 0}, /* under 8 KiB per lane */
	};
	char out[SECRET_STORED_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct secret_pepper pep = {
		    PEPPER_ID, cases[i].nokey ? NULL : key_a};
		struct secret_params p = {cases[i].m, cases[i].t, cases[i].p};
		unsigned long before = secret_argon2_calls();

		memset(out, 'Z', sizeof(out));
		if (secret_hash((enum secret_kind)cases[i].kind, &pep, &p,
		        "583920", 6, out) != -1 ||
		    out[0] != 'Z')
			fail_msg("row %zu: want -1, out untouched", i);
		if (secret_argon2_calls() != before)
			fail_msg("row %zu: Argon2 ran", i);
	}
	assert_int_equal(
	    secret_hash(SECRET_PIN, NULL, &cheap, "1", 1, out), -1);
	{
		struct secret_pepper pep = {PEPPER_ID, key_a};

		assert_int_equal(
		    secret_hash(SECRET_PIN, &pep, NULL, "1", 1, out), -1);
		assert_int_equal(
		    secret_hash(SECRET_PIN, &pep, &cheap, NULL, 0, out), -1);
	}
}

static void
test_round_trip(void **state)
{
	static const struct {
		enum secret_kind kind;
		const char *norm;
	} cases[] = {
	    {SECRET_PIN, "583920"},
	    {SECRET_PIN, "00000000"},
	    {SECRET_ANSWER, "m\xc3\xbcller"},
	    {SECRET_ANSWER, "hinter zarten"},
	    {SECRET_CODE, "K7QX-2M9P"},
	    {SECRET_ANSWER, ""},
	};
	static const enum secret_kind kinds[] = {
	    SECRET_PIN, SECRET_ANSWER, SECRET_CODE};
	struct secret_pepper pep = {PEPPER_ID, key_a};
	char stored[SECRET_STORED_MAX];
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		hash_ok(cases[i].kind, &pep, cases[i].norm, stored);
		if (verify(cases[i].kind, &pep, 1, stored, cases[i].norm) != 1)
			fail_msg("row %zu: does not verify", i);
		/* The kind is bound: a PIN hash is never an answer. */
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			if (kinds[k] != cases[i].kind &&
			    verify(kinds[k], &pep, 1, stored, cases[i].norm) !=
			        0)
				fail_msg("row %zu: verifies as kind %d", i,
				    kinds[k]);
		/* The length counts: a prefix or an extension is wrong. */
		if (strlen(cases[i].norm) > 0 &&
		    secret_verify(cases[i].kind, &pep, 1, stored, cases[i].norm,
		        strlen(cases[i].norm) - 1) != 0)
			fail_msg("row %zu: a prefix verifies", i);
		if (verify(cases[i].kind, &pep, 1, stored, "583921") != 0)
			fail_msg("row %zu: a wrong value verifies", i);
		/* Invalid kinds never verify. */
		if (verify((enum secret_kind)0, &pep, 1, stored,
		        cases[i].norm) != 0)
			fail_msg("row %zu: kind 0 verifies", i);
	}
	/* Two lanes. */
	{
		struct secret_params p2 = {64, 2, 2};

		assert_int_equal(
		    secret_hash(SECRET_PIN, &pep, &p2, "583920", 6, stored), 0);
		assert_true(strncmp(stored, "S1$7$64$2$2$", 12) == 0);
		assert_int_equal(
		    verify(SECRET_PIN, &pep, 1, stored, "583920"), 1);
	}
}

/* KBA-04 end to end: enrol "  Müller  ", verify the variants. */
static void
test_kba04(void **state)
{
	static const struct {
		const char *typed;
		int want;
	} cases[] = {
	    {"M\xc3\x9cLLER", 1},
	    {"m\xc3\xbcller", 1},
	    {"Mu\xcc\x88ller", 1},
	    {FW_M "\xc3\xbcller", 1},
	    {"\t M\xc3\xbcller\xc2\xa0", 1},
	    {"Mueller", 0},
	    {"Muller", 0},
	    {"M\xc3\xbcller s", 0},
	};
	struct secret_pepper pep = {PEPPER_ID, key_a};
	char stored[SECRET_STORED_MAX], norm[SECRET_MAX_NORM];
	size_t i;
	long n;

	(void)state;
	n = secret_normalize_answer("  M\xc3\xbcller  ", norm);
	assert_true(n > 0);
	assert_int_equal(
	    secret_hash(SECRET_ANSWER, &pep, &cheap, norm, (size_t)n, stored),
	    0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = secret_normalize_answer(cases[i].typed, norm);
		assert_true(n >= 0);
		if (secret_verify(SECRET_ANSWER, &pep, 1, stored, norm,
		        (size_t)n) != cases[i].want)
			fail_msg("row %zu: want %d", i, cases[i].want);
	}
}

static void
test_peppers(void **state)
{
	struct secret_pepper old = {PEPPER_ID, key_a};
	struct secret_pepper list[3] = {
	    {PEPPER_ID + 1, key_b}, {PEPPER_ID, key_a}, {PEPPER_ID + 2, key_b}};
	struct secret_pepper wrongkey = {PEPPER_ID, key_b};
	struct secret_pepper other = {PEPPER_ID + 1, key_a};
	struct secret_pepper nokey = {PEPPER_ID, NULL};
	char stored[SECRET_STORED_MAX];
	unsigned long before;

	(void)state;
	hash_ok(SECRET_PIN, &old, "583920", stored);
	/* A retired pepper in the list still verifies. */
	assert_int_equal(verify(SECRET_PIN, list, 3, stored, "583920"), 1);
	assert_int_equal(verify(SECRET_PIN, list, 1, stored, "583920"), 0);
	/* Same id, different key (a copy of the ESM with another pepper). */
	assert_int_equal(verify(SECRET_PIN, &wrongkey, 1, stored, "583920"), 0);
	/* Unknown id: no match, and no Argon2. */
	before = secret_argon2_calls();
	assert_int_equal(verify(SECRET_PIN, &other, 1, stored, "583920"), 0);
	assert_int_equal(verify(SECRET_PIN, &nokey, 1, stored, "583920"), 0);
	assert_int_equal(verify(SECRET_PIN, list, 0, stored, "583920"), 0);
	assert_int_equal(verify(SECRET_PIN, NULL, 0, stored, "583920"), 0);
	assert_int_equal(secret_argon2_calls(), before);
}

enum op {
	SET,       /* field := arg */
	LOWER,     /* field lower-cased */
	APPEND,    /* field := field arg */
	CHOP,      /* last character of field removed */
	FIRST,     /* first character := arg */
	LAST,      /* last character := arg */
	WHOLE_PRE, /* arg before the whole value */
	WHOLE_APP, /* arg after the whole value */
	WHOLE_LOW, /* the whole value lower-cased */
};

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Build a tampered copy of stored into out (size bytes). */
static void
tamper(const char *stored, int field, enum op op, const char *arg, char *out,
    size_t size)
{
	char f[7][SECRET_STORED_MAX];
	char copy[SECRET_STORED_MAX];
	struct strbuf sb;
	size_t i = 0, len;
	char *p, *dollar;

	assert_true(strlen(stored) < sizeof(copy));
	(void)strlcpy_s(copy, stored, sizeof(copy));
	for (p = copy; i < 7; i++) {
		dollar = strchr(p, '$');
		if (dollar != NULL)
			*dollar = '\0';
		(void)strlcpy_s(f[i], p, sizeof(f[i]));
		p = dollar != NULL ? dollar + 1 : p + strlen(p);
	}
	if (field >= 0) {
		char *v = f[field];

		len = strlen(v);
		switch (op) {
		case SET:
			(void)strlcpy_s(v, arg, sizeof(f[0]));
			break;
		case LOWER:
			lower(v);
			break;
		case APPEND:
			assert_true(len + strlen(arg) < sizeof(f[0]));
			memcpy(v + len, arg, strlen(arg) + 1);
			break;
		case CHOP:
			v[len - 1] = '\0';
			break;
		case FIRST:
			v[0] = arg[0];
			break;
		case LAST:
			v[len - 1] = arg[0];
			break;
		default:
			fail();
		}
	}
	strbuf_init(&sb, size - 1);
	if (op == WHOLE_PRE)
		assert_int_equal(strbuf_addstr(&sb, arg), 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(
		    strbuf_addf(&sb, "%s%s", i ? "$" : "", f[i]), 0);
	if (op == WHOLE_APP)
		assert_int_equal(strbuf_addstr(&sb, arg), 0);
	if (op == WHOLE_LOW)
		lower(sb.buf);
	(void)strlcpy_s(out, sb.buf, size);
	strbuf_release(&sb);
}

static void
test_tampered(void **state)
{
	/* Fields: 0 "S1", 1 id, 2 memory, 3 iterations, 4 lanes, 5 salt,
	 * 6 hash.  calls: Argon2 computations the verification may cost. */
	static const struct {
		int field;
		enum op op;
		const char *arg;
		int want;
		unsigned long calls;
	} cases[] = {
	    {-1, SET, "", 1, 1}, /* untouched */
	    {-1, WHOLE_LOW, "", 1, 1},
	    {0, SET, "s1", 1, 1},
	    {5, LOWER, "", 1, 1},
	    {6, LOWER, "", 1, 1},
	    {0, SET, "S2", 0, 0},
	    {0, SET, "S", 0, 0},
	    {0, SET, "S11", 0, 0},
	    {0, SET, "", 0, 0},
	    {0, SET, "argon2id", 0, 0},
	    {1, SET, "8", 0, 0},  /* unknown pepper id */
	    {1, SET, "07", 0, 0}, /* leading zero */
	    {1, SET, "+7", 0, 0},
	    {1, SET, "-7", 0, 0},
	    {1, SET, " 7", 0, 0},
	    {1, SET, "7 ", 0, 0},
	    {1, SET, "0x7", 0, 0},
	    {1, SET, "", 0, 0},
	    {1, SET, "4294967303", 0, 0}, /* 2^32 + 7 must not wrap to 7 */
	    {1, SET, "18446744073709551623", 0, 0}, /* 2^64 + 7 */
	    {2, SET, "4194304", 0, 0}, /* 4 GiB: refused, not allocated */
	    {2, SET, "1048577", 0, 0},
	    {2, SET, "4294967295", 0, 0},
	    {2, SET, "4294967360", 0, 0}, /* 2^32 + 64 */
	    {2, SET, "0", 0, 0},
	    {2, SET, "7", 0, 0},
	    {2, SET, "064", 0, 0},
	    {2, SET, "65", 0, 1}, /* in bounds: computed, no match */
	    {3, SET, "0", 0, 0},
	    {3, SET, "65", 0, 0},
	    {3, SET, "2", 0, 1},
	    {4, SET, "0", 0, 0},
	    {4, SET, "17", 0, 0},
	    {4, SET, "9", 0, 0}, /* 64 KiB < 8 KiB x 9 lanes */
	    {4, SET, "2", 0, 1},
	    {5, CHOP, "", 0, 0},
	    {5, APPEND, "A", 0, 0},
	    {5, APPEND, "=", 0, 0},
	    {5, FIRST, "1", 0, 0},
	    {5, FIRST, "8", 0, 0},
	    {5, FIRST, "=", 0, 0},
	    {5, SET, "", 0, 0},
	    {5, LAST, "B", 0, 0}, /* non-zero trailing bits */
	    {6, CHOP, "", 0, 0},
	    {6, APPEND, "A", 0, 0},
	    {6, LAST, "B", 0, 0},
	    {6, SET, "", 0, 0},
	    {6, FIRST, "?", 0, 0},
	    {-1, WHOLE_APP, "$", 0, 0},
	    {-1, WHOLE_APP, "$AAAA", 0, 0},
	    {-1, WHOLE_APP, "\n", 0, 0},
	    {-1, WHOLE_APP, " ", 0, 0},
	    {-1, WHOLE_PRE, "$", 0, 0},
	    {-1, WHOLE_PRE, " ", 0, 0},
	};
	struct secret_pepper pep = {PEPPER_ID, key_a};
	char stored[SECRET_STORED_MAX], bad[2 * SECRET_STORED_MAX];
	unsigned long before;
	size_t i;
	int rc;

	(void)state;
	hash_ok(SECRET_PIN, &pep, "583920", stored);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		tamper(stored, cases[i].field, cases[i].op, cases[i].arg, bad,
		    sizeof(bad));
		before = secret_argon2_calls();
		rc = verify(SECRET_PIN, &pep, 1, bad, "583920");
		if (rc != cases[i].want)
			fail_msg("row %zu '%s': got %d, want %d", i, bad, rc,
			    cases[i].want);
		if (secret_argon2_calls() - before != cases[i].calls)
			fail_msg("row %zu '%s': %lu Argon2 calls, want %lu", i,
			    bad, secret_argon2_calls() - before,
			    cases[i].calls);
	}

	/* A hash changed in its first character is computed, and wrong. */
	tamper(stored, 6, FIRST, stored[strlen(stored) - 52] == 'A' ? "B" : "A",
	    bad, sizeof(bad));
	before = secret_argon2_calls();
	assert_int_equal(verify(SECRET_PIN, &pep, 1, bad, "583920"), 0);
	assert_int_equal(secret_argon2_calls() - before, 1);

	/* Missing fields, empty, over-long, NULL. */
	{
		char *last = strrchr(stored, '$');
		char cut[SECRET_STORED_MAX], longv[400];

		(void)snprintf(
		    cut, sizeof(cut), "%.*s", (int)(last - stored), stored);
		before = secret_argon2_calls();
		assert_int_equal(verify(SECRET_PIN, &pep, 1, cut, "583920"), 0);
		assert_int_equal(verify(SECRET_PIN, &pep, 1, "", "583920"), 0);
		assert_int_equal(
		    verify(SECRET_PIN, &pep, 1, "$$$$$$", "583920"), 0);
		memset(longv, 'A', sizeof(longv) - 1);
		longv[sizeof(longv) - 1] = '\0';
		assert_int_equal(
		    verify(SECRET_PIN, &pep, 1, longv, "583920"), 0);
		assert_int_equal(
		    secret_verify(SECRET_PIN, &pep, 1, NULL, "583920", 6), 0);
		assert_int_equal(
		    secret_verify(SECRET_PIN, &pep, 1, stored, NULL, 0), 0);
		assert_int_equal(secret_argon2_calls(), before);
	}
}

static void
test_equal_work(void **state)
{
	struct secret_pepper pep = {PEPPER_ID, key_a};
	struct secret_params huge = {4194304, 1, 1};
	char stored[SECRET_STORED_MAX];
	unsigned long before;

	(void)state;
	before = secret_argon2_calls();
	hash_ok(SECRET_PIN, &pep, "583920", stored);
	assert_int_equal(secret_argon2_calls() - before, 1);

	before = secret_argon2_calls();
	assert_int_equal(verify(SECRET_PIN, &pep, 1, stored, "583920"), 1);
	assert_int_equal(secret_argon2_calls() - before, 1);

	before = secret_argon2_calls();
	assert_int_equal(verify(SECRET_PIN, &pep, 1, stored, "111111"), 0);
	assert_int_equal(secret_argon2_calls() - before, 1);

	before = secret_argon2_calls();
	assert_int_equal(secret_dummy_verify(&cheap), 0);
	assert_int_equal(secret_argon2_calls() - before, 1);

	/* Parameters that verification would refuse are not spent. */
	before = secret_argon2_calls();
	assert_int_equal(secret_dummy_verify(&huge), 0);
	assert_int_equal(secret_dummy_verify(NULL), 0);
	assert_int_equal(secret_argon2_calls(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base32),
	    cmocka_unit_test(test_normalize_answer),
	    cmocka_unit_test(test_normalize_pin),
	    cmocka_unit_test(test_params_check),
	    cmocka_unit_test(test_hash_format),
	    cmocka_unit_test(test_hash_refused),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_kba04),
	    cmocka_unit_test(test_peppers),
	    cmocka_unit_test(test_tampered),
	    cmocka_unit_test(test_equal_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
