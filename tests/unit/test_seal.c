/*
 * test_seal.c - unit tests for compat/seal.c.
 *
 * A sealed value must open only under the key and associated data it was
 * sealed with, and only unchanged: every byte flipped (nonce, cipher text,
 * tag), a byte cut off or added, another key or another AD is refused,
 * with the plain-text buffer wiped.  Sealing twice gives different
 * values (a fresh nonce each time).
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "compat/compat.h"
#include "compat/seal.h"

#include "compat/banned.h"

#define T_PLAIN "a PIN hash, a question's answer, an SMTP password"
#define T_AD    "profile:ALICE:SSPRPIN"
#define T_MAX   (sizeof(T_PLAIN) + SEAL_OVERHEAD + 1)

static const unsigned char t_key[SEAL_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
    30, 31, 32};

/* Seal T_PLAIN under t_key and T_AD into out; returns the sealed length. */
static size_t
t_seal(unsigned char *out)
{
	long n = seal(
	    t_key, T_AD, (const unsigned char *)T_PLAIN, strlen(T_PLAIN), out);

	assert_int_equal(n, (long)(strlen(T_PLAIN) + SEAL_OVERHEAD));
	return (size_t)n;
}

/* 1 if n bytes of p are all zero. */
static int
t_wiped(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
test_round_trip(void **state)
{
	unsigned char sealed[T_MAX], plain[T_MAX];
	size_t n;

	(void)state;
	n = t_seal(sealed);
	assert_int_equal(
	    unseal(t_key, T_AD, sealed, n, plain), (long)strlen(T_PLAIN));
	assert_memory_equal(plain, T_PLAIN, strlen(T_PLAIN));
	/* the plain text does not appear in the sealed form */
	assert_null(memmem(sealed, n, "PIN hash", 8));
}

static void
test_empty_plain(void **state)
{
	unsigned char sealed[SEAL_OVERHEAD], plain[1];

	(void)state;
	assert_int_equal(seal(t_key, "", (const unsigned char *)"", 0, sealed),
	    SEAL_OVERHEAD);
	assert_int_equal(unseal(t_key, "", sealed, SEAL_OVERHEAD, plain), 0);
	assert_int_equal(unseal(t_key, "x", sealed, SEAL_OVERHEAD, plain), -1);
}

static void
test_fresh_nonce(void **state)
{
	unsigned char a[T_MAX], b[T_MAX];
	size_t n;

	(void)state;
	n = t_seal(a);
	assert_int_equal(t_seal(b), n);
	assert_memory_not_equal(a, b, SEAL_NONCE);
	assert_memory_not_equal(a + SEAL_NONCE, b + SEAL_NONCE, n - SEAL_NONCE);
}

/* Every bit of every byte: nonce, cipher text and tag are all covered. */
static void
test_tamper_each_byte(void **state)
{
	unsigned char sealed[T_MAX], plain[T_MAX];
	size_t n, i;
	int bit;

	(void)state;
	n = t_seal(sealed);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			sealed[i] ^= (unsigned char)(1u << bit);
			memset(plain, 0xa5, sizeof(plain));
			if (unseal(t_key, T_AD, sealed, n, plain) != -1)
				fail_msg("byte %zu bit %d flipped: accepted", i,
				    bit);
			if (!t_wiped(plain, n - SEAL_OVERHEAD))
				fail_msg(
				    "byte %zu bit %d: plain not wiped", i, bit);
			sealed[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_int_equal(
	    unseal(t_key, T_AD, sealed, n, plain), (long)strlen(T_PLAIN));
}

static void
test_wrong_ad(void **state)
{
	static const char *const ads[] = {"", "profile:ALICE:SSPRPIN ",
	    "profile:BOB:SSPRPIN", "profile:ALICE:SSPRPI",
	    "PROFILE:ALICE:SSPRPIN"};
	unsigned char sealed[T_MAX], plain[T_MAX];
	size_t n, i;

	(void)state;
	n = t_seal(sealed);
	for (i = 0; i < ARRAY_SIZE(ads); i++) {
		memset(plain, 0xa5, sizeof(plain));
		if (unseal(t_key, ads[i], sealed, n, plain) != -1)
			fail_msg("ad '%s': accepted", ads[i]);
		assert_true(t_wiped(plain, n - SEAL_OVERHEAD));
	}
}

static void
test_wrong_key(void **state)
{
	unsigned char sealed[T_MAX], plain[T_MAX], key[SEAL_KEY_LEN];
	size_t n, i;

	(void)state;
	n = t_seal(sealed);
	for (i = 0; i < SEAL_KEY_LEN; i++) {
		memcpy(key, t_key, sizeof(key));
		key[i] ^= 0x80;
		if (unseal(key, T_AD, sealed, n, plain) != -1)
			fail_msg("key byte %zu changed: accepted", i);
	}
	memset(key, 0, sizeof(key));
	assert_int_equal(unseal(key, T_AD, sealed, n, plain), -1);
}

static void
test_length(void **state)
{
	unsigned char sealed[T_MAX], plain[T_MAX];
	size_t n, len;

	(void)state;
	n = t_seal(sealed);
	/* truncated: every shorter length, down to less than the overhead */
	for (len = 0; len < n; len++)
		if (unseal(t_key, T_AD, sealed, len, plain) != -1)
			fail_msg("truncated to %zu bytes: accepted", len);
	/* too long: a byte added after the tag, whatever its value */
	sealed[n] = 0;
	assert_int_equal(unseal(t_key, T_AD, sealed, n + 1, plain), -1);
	sealed[n] = 0xff;
	assert_int_equal(unseal(t_key, T_AD, sealed, n + 1, plain), -1);
	assert_int_equal(
	    unseal(t_key, T_AD, sealed, n, plain), (long)strlen(T_PLAIN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_empty_plain),
	    cmocka_unit_test(test_fresh_nonce),
	    cmocka_unit_test(test_tamper_each_byte),
	    cmocka_unit_test(test_wrong_ad),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
