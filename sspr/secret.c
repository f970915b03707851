/*
 * secret.c - normalise, hash and verify the user's recovery secrets (PIN,
 * answers, fixed access codes); the format and the rules are in secret.h.
 *
 * Answers are normalised with utf8proc into a fixed stack buffer of code
 * points (no allocation by utf8proc, so nothing is left behind in freed
 * heap blocks): NFKC with case folding, unassigned code points refused
 * (UTF8PROC_REJECTNA), default-ignorable characters (zero-width spaces and
 * joiners, bidirectional marks, soft hyphens) stripped (UTF8PROC_IGNORE):
 * two answers that look the same are the same answer.  White space is ASCII HT,
 * LF, VT, FF, CR and the Unicode separators (Zs, Zl, Zp); every other control
 * character (Cc: C0, DEL, C1 including NEL) refuses the answer.
 *
 * A value is hashed as Argon2id(HMAC-SHA-256(pepper, kind || value), salt)
 * with the raw libargon2 API and a 32-byte tag; the tag is compared with
 * ct_equal().  Stored values are parsed strictly and case-insensitively
 * (an ESM may upper- or lower-case a field); parameters outside
 * [8, SECRET_MAX_MEMORY] KiB, [1, SECRET_MAX_TIME], [1, SECRET_MAX_LANES]
 * (and memory below 8 KiB per lane) are "no match" before libargon2 is
 * called.  Every libargon2 call is counted in a process-wide atomic
 * counter, so tests can assert equal work.
 */
#include "sspr/secret.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <utf8proc.h>

#include "compat/compat.h"

#include "compat/base32.h"
#include "compat/banned.h"

#define SECRET_SALT_LEN   16
#define SECRET_HASH_LEN   32
#define SECRET_KEY_LEN    32
#define SECRET_SALT_B32   26 /* ceil(16 * 8 / 5) */
#define SECRET_HASH_B32   52 /* ceil(32 * 8 / 5) */
#define SECRET_FIELDS     7
#define SECRET_MIN_KIB    8 /* libargon2: 8 KiB per lane */
#define SECRET_CODEPOINTS (8 * SECRET_MAX_INPUT)
#define SECRET_UTF8PROC                                                        \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |                \
	    UTF8PROC_CASEFOLD | UTF8PROC_REJECTNA | UTF8PROC_IGNORE)

static atomic_ulong secret_calls;

/* A parsed stored value. */
struct secret_stored {
	unsigned id, memory_kib, iterations, parallelism;
	unsigned char salt[SECRET_SALT_LEN];
	unsigned char hash[SECRET_HASH_LEN];
};

static int
secret_is_space(utf8proc_int32_t c)
{
	utf8proc_category_t cat;

	if (c == ' ' || (c >= 0x09 && c <= 0x0d))
		return 1;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

long
secret_normalize_answer(const char *in, char *out)
{
	utf8proc_int32_t cps[SECRET_CODEPOINTS];
	char buf[SECRET_MAX_NORM];
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n, i, k;
	size_t inlen, len = 0;
	int blank = 0;
	long ret = -1;

	if (in == NULL || out == NULL)
		return -1;
	inlen = strnlen(in, SECRET_MAX_INPUT + 1);
	if (inlen > SECRET_MAX_INPUT)
		return -1;

	n = utf8proc_decompose((const utf8proc_uint8_t *)in,
	    (utf8proc_ssize_t)inlen, cps, (utf8proc_ssize_t)ARRAY_SIZE(cps),
	    SECRET_UTF8PROC);
	/* Negative: invalid UTF-8 or unassigned; larger: does not fit. */
	if (n < 0 || n > (utf8proc_ssize_t)ARRAY_SIZE(cps))
		goto out;
	n = utf8proc_normalize_utf32(cps, n, SECRET_UTF8PROC);
	if (n < 0)
		goto out;

	for (i = 0; i < n; i++) {
		if (secret_is_space(cps[i])) {
			blank = len > 0;
			continue;
		}
		if (utf8proc_category(cps[i]) == UTF8PROC_CATEGORY_CC)
			goto out;
		if (blank) {
			if (len + 1 >= sizeof(buf))
				goto out;
			buf[len++] = ' ';
			blank = 0;
		}
		k = utf8proc_encode_char(cps[i], enc);
		if (k <= 0 || len + (size_t)k >= sizeof(buf))
			goto out;
		memcpy(buf + len, enc, (size_t)k);
		len += (size_t)k;
	}
	buf[len] = '\0';
	memcpy(out, buf, len + 1);
	ret = (long)len;
out:
	secure_zero(cps, sizeof(cps));
	secure_zero(buf, sizeof(buf));
	secure_zero(enc, sizeof(enc));
	return ret;
}

long
secret_normalize_pin(const char *in, char *out, size_t size)
{
	size_t inlen, start, end, i;

	if (in == NULL || out == NULL || size == 0)
		return -1;
	inlen = strnlen(in, SECRET_MAX_INPUT + 1);
	if (inlen > SECRET_MAX_INPUT)
		return -1;
	for (start = 0;
	     start < inlen && (in[start] == ' ' || in[start] == '\t'); start++)
		;
	for (end = inlen;
	     end > start && (in[end - 1] == ' ' || in[end - 1] == '\t'); end--)
		;
	if (end == start || end - start >= size)
		return -1;
	for (i = start; i < end; i++)
		if (in[i] < '0' || in[i] > '9')
			return -1;
	memcpy(out, in + start, end - start);
	out[end - start] = '\0';
	return (long)(end - start);
}

/* The bounds verification accepts (and secret_hash() uses). */
static int
secret_params_sane(unsigned m, unsigned t, unsigned p)
{
	return m >= SECRET_MIN_KIB && m <= SECRET_MAX_MEMORY && t >= 1 &&
	       t <= SECRET_MAX_TIME && p >= 1 && p <= SECRET_MAX_LANES &&
	       m >= SECRET_MIN_KIB * p;
}

static int
secret_kind_ok(enum secret_kind kind)
{
	return kind == SECRET_PIN || kind == SECRET_ANSWER ||
	       kind == SECRET_CODE;
}

/* Argon2id(HMAC-SHA-256(key, kind || norm), salt) into hash; 0 or -1. */
static int
secret_compute(enum secret_kind kind, const unsigned char *key, unsigned m,
    unsigned t, unsigned p, const unsigned char *salt, const char *norm,
    size_t len, unsigned char hash[SECRET_HASH_LEN])
{
	struct hmac_sha256_ctx ctx;
	unsigned char mac[SHA256_DIGEST_SIZE];
	unsigned char k = (unsigned char)kind;
	int rc;

	hmac_sha256_set_key(&ctx, SECRET_KEY_LEN, key);
	hmac_sha256_update(&ctx, 1, &k);
	hmac_sha256_update(&ctx, len, (const uint8_t *)norm);
	hmac_sha256_digest(&ctx, sizeof(mac), mac);
	secure_zero(&ctx, sizeof(ctx));

	atomic_fetch_add_explicit(&secret_calls, 1, memory_order_relaxed);
	rc = argon2id_hash_raw(t, m, p, mac, sizeof(mac), salt, SECRET_SALT_LEN,
	    hash, SECRET_HASH_LEN);
	secure_zero(mac, sizeof(mac));
	return rc == ARGON2_OK ? 0 : -1;
}

int
secret_params_check(const struct secret_params *p, char *err, size_t errsize)
{
	if (p == NULL) {
		errf(err, errsize, "no hash parameters");
		return -1;
	}
	if (p->memory_kib < SECRET_MIN_MEMORY) {
		errf(err, errsize,
		    "hash.memory_kib %u is below the floor of %u KiB",
		    p->memory_kib, (unsigned)SECRET_MIN_MEMORY);
		return -1;
	}
	if (p->memory_kib > SECRET_MAX_MEMORY) {
		errf(err, errsize,
		    "hash.memory_kib %u is above the maximum of %u KiB",
		    p->memory_kib, (unsigned)SECRET_MAX_MEMORY);
		return -1;
	}
	if (p->iterations < SECRET_MIN_TIME) {
		errf(err, errsize,
		    "hash.iterations %u is below the floor of %u",
		    p->iterations, (unsigned)SECRET_MIN_TIME);
		return -1;
	}
	if (p->iterations > SECRET_MAX_TIME) {
		errf(err, errsize,
		    "hash.iterations %u is above the maximum of %u",
		    p->iterations, (unsigned)SECRET_MAX_TIME);
		return -1;
	}
	if (p->parallelism < 1) {
		errf(err, errsize,
		    "hash.parallelism %u is below the floor of 1",
		    p->parallelism);
		return -1;
	}
	if (p->parallelism > SECRET_MAX_LANES) {
		errf(err, errsize,
		    "hash.parallelism %u is above the maximum of %u",
		    p->parallelism, (unsigned)SECRET_MAX_LANES);
		return -1;
	}
	return 0;
}

int
secret_hash(enum secret_kind kind, const struct secret_pepper *pepper,
    const struct secret_params *params, const char *norm, size_t len,
    char out[SECRET_STORED_MAX])
{
	unsigned char salt[SECRET_SALT_LEN], hash[SECRET_HASH_LEN];
	char buf[SECRET_STORED_MAX];
	char salt32[SECRET_SALT_B32 + 1], hash32[SECRET_HASH_B32 + 1];
	int n, ret = -1;

	if (!secret_kind_ok(kind) || pepper == NULL || pepper->key == NULL ||
	    params == NULL || norm == NULL || len > SECRET_MAX_NORM ||
	    out == NULL)
		return -1;
	if (!secret_params_sane(
	        params->memory_kib, params->iterations, params->parallelism))
		return -1;
	if (random_bytes(salt, sizeof(salt)) == -1)
		goto out;
	if (secret_compute(kind, pepper->key, params->memory_kib,
	        params->iterations, params->parallelism, salt, norm, len,
	        hash) == -1)
		goto out;
	if (base32_encode(salt, sizeof(salt), salt32, sizeof(salt32)) !=
	        SECRET_SALT_B32 ||
	    base32_encode(hash, sizeof(hash), hash32, sizeof(hash32)) !=
	        SECRET_HASH_B32)
		goto out;
	n = snprintf(buf, sizeof(buf), "S1$%u$%u$%u$%u$%s$%s", pepper->id,
	    params->memory_kib, params->iterations, params->parallelism, salt32,
	    hash32);
	if (n < 0 || (size_t)n >= sizeof(buf))
		goto out;
	memcpy(out, buf, (size_t)n + 1);
	ret = 0;
out:
	secure_zero(salt, sizeof(salt));
	secure_zero(hash, sizeof(hash));
	secure_zero(salt32, sizeof(salt32));
	secure_zero(hash32, sizeof(hash32));
	secure_zero(buf, sizeof(buf));
	return ret;
}

/* A decimal number: digits only, no sign, no leading zero, <= UINT_MAX. */
static int
secret_parse_uint(const char *s, size_t len, unsigned *out)
{
	unsigned long long v =
	    0; /* 10 digits fit, even where long is 32 bits */
	size_t i;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (v > UINT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Parse a stored value strictly; 0, or -1 when malformed or out of
 * bounds. */
static int
secret_parse(const char *stored, struct secret_stored *out)
{
	struct secret_stored st;
	const char *field[SECRET_FIELDS];
	size_t flen[SECRET_FIELDS];
	size_t len, i, nf = 0, start = 0;
	int ret = -1;

	len = strnlen(stored, SECRET_STORED_MAX);
	if (len >= SECRET_STORED_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		if (i < len && stored[i] != '$')
			continue;
		if (nf == SECRET_FIELDS)
			return -1;
		field[nf] = stored + start;
		flen[nf] = i - start;
		nf++;
		start = i + 1;
	}
	if (nf != SECRET_FIELDS)
		return -1;
	if (flen[0] != 2 || (field[0][0] != 'S' && field[0][0] != 's') ||
	    field[0][1] != '1')
		return -1;
	if (secret_parse_uint(field[1], flen[1], &st.id) == -1 ||
	    secret_parse_uint(field[2], flen[2], &st.memory_kib) == -1 ||
	    secret_parse_uint(field[3], flen[3], &st.iterations) == -1 ||
	    secret_parse_uint(field[4], flen[4], &st.parallelism) == -1)
		return -1;
	if (!secret_params_sane(st.memory_kib, st.iterations, st.parallelism))
		return -1;
	if (base32_decode(field[5], flen[5], st.salt, sizeof(st.salt)) == -1 ||
	    base32_decode(field[6], flen[6], st.hash, sizeof(st.hash)) == -1)
		goto out;
	*out = st;
	ret = 0;
out:
	secure_zero(&st, sizeof(st));
	return ret;
}

int
secret_verify(enum secret_kind kind, const struct secret_pepper *peppers,
    size_t npeppers, const char *stored, const char *norm, size_t len)
{
	struct secret_stored st;
	unsigned char hash[SECRET_HASH_LEN];
	const unsigned char *key = NULL;
	size_t i;
	int ret = 0;

	if (!secret_kind_ok(kind) || peppers == NULL || stored == NULL ||
	    norm == NULL || len > SECRET_MAX_NORM)
		return 0;
	if (secret_parse(stored, &st) == -1)
		return 0;
	for (i = 0; i < npeppers; i++) {
		if (peppers[i].id == st.id && peppers[i].key != NULL) {
			key = peppers[i].key;
			break;
		}
	}
	if (key == NULL)
		goto out;
	if (secret_compute(kind, key, st.memory_kib, st.iterations,
	        st.parallelism, st.salt, norm, len, hash) == -1)
		goto out;
	ret = ct_equal(hash, st.hash, sizeof(hash));
out:
	secure_zero(hash, sizeof(hash));
	secure_zero(&st, sizeof(st));
	return ret;
}

int
secret_dummy_verify(const struct secret_params *params)
{
	static const unsigned char key[SECRET_KEY_LEN];
	static const unsigned char salt[SECRET_SALT_LEN];
	static const char input[] = "sspr-dummy-verify";
	unsigned char hash[SECRET_HASH_LEN];

	if (params == NULL || !secret_params_sane(params->memory_kib,
	                          params->iterations, params->parallelism))
		return 0;
	(void)secret_compute(SECRET_ANSWER, key, params->memory_kib,
	    params->iterations, params->parallelism, salt, input,
	    sizeof(input) - 1, hash);
	secure_zero(hash, sizeof(hash));
	return 0;
}

unsigned long
secret_argon2_calls(void)
{
	return atomic_load_explicit(&secret_calls, memory_order_relaxed);
}
