/*
 * secret.h - one-way storage of the user's recovery secrets: the PIN, the
 * answers to security questions, and fixed access codes that sspr sets.
 *
 * A value is normalised (answers: Unicode NFKC with case folding, trimmed,
 * inner white space collapsed to one blank; PINs: ASCII digits only), then
 * HMAC-SHA-256 keyed with the pepper of sspr's key file (so a copy of the
 * ESM alone cannot be attacked offline: PINs are short), then hashed with
 * Argon2id and a fresh 16-byte salt.  The stored form fits an ESM custom
 * field that may be upper-cased (a field without MIXED(YES)): it uses only
 * A-Z, 2-7 (base32) and '$', and carries its version, the pepper's key id
 * and the Argon2 parameters:
 *
 *	S1$<pepper id>$<memory KiB>$<iterations>$<parallelism>$<salt>$<hash>
 *
 * (salt 16 bytes and hash 32 bytes, base32 without padding; about 100
 * characters, SECRET_STORED_MAX at most).
 *
 * Verification parses the stored value strictly and refuses parameters
 * outside sane bounds before allocating anything (a tampered field asking
 * for 4 GiB is "no match", not an allocation), and treats every libargon2
 * error as "no match".  Equal work: secret_dummy_verify() costs what a real
 * verification costs, for users with nothing to check.
 */
#ifndef SSPR_SECRET_H
#define SSPR_SECRET_H

#include <stddef.h>

#define SECRET_STORED_MAX 160 /* bytes of a stored value, with NUL */
#define SECRET_MAX_INPUT  256 /* bytes of a PIN or answer as typed */
#define SECRET_MAX_NORM   512 /* bytes after normalisation */
#define SECRET_MIN_MEMORY 19456
#define SECRET_MIN_TIME   2
#define SECRET_MAX_MEMORY (1024 * 1024) /* 1 GiB: refuse larger */
#define SECRET_MAX_TIME   64
#define SECRET_MAX_LANES  16

/* What a secret is; part of the HMAC input, so a PIN hash never verifies
 * as an answer. */
enum secret_kind { SECRET_PIN = 1, SECRET_ANSWER = 2, SECRET_CODE = 3 };

struct secret_params {
	unsigned memory_kib, iterations, parallelism;
};

struct secret_pepper {
	unsigned id;              /* key id recorded in stored values */
	const unsigned char *key; /* 32 bytes, borrowed */
};

/*
 * 0 if params are at or above the floor (19 MiB, t=2, p=1) and within the
 * bounds above, else -1 with a message (sspr refuses to start).
 */
int secret_params_check(
    const struct secret_params *p, char *err, size_t errsize);

/*
 * Normalise an answer into out (SECRET_MAX_NORM bytes): NFKC + case fold
 * (utf8proc), leading/trailing white space removed, inner runs of white
 * space collapsed to one ' '.  Returns the length, or -1 when in is not
 * valid UTF-8, holds control characters, or is longer than
 * SECRET_MAX_INPUT.  out is wiped by the caller after use.
 */
long secret_normalize_answer(const char *in, char *out);

/* Normalise a PIN: ASCII digits only (blanks around are trimmed).  Returns
 * the length, or -1 when anything else is in it. */
long secret_normalize_pin(const char *in, char *out, size_t size);

/*
 * Hash a normalised value into out (SECRET_STORED_MAX bytes).  Returns 0,
 * or -1 (Argon2 failed: out of memory; no randomness).
 */
int secret_hash(enum secret_kind kind, const struct secret_pepper *pepper,
    const struct secret_params *params, const char *norm, size_t len,
    char out[SECRET_STORED_MAX]);

/*
 * Verify a normalised value against a stored one.  1 match, 0 no match
 * (including a malformed or out-of-bounds stored value, an unknown pepper
 * id, or any Argon2 error).  peppers lists the keys known (current and
 * retired), npeppers of them.  Never allocates for parameters it would
 * refuse.
 */
int secret_verify(enum secret_kind kind, const struct secret_pepper *peppers,
    size_t npeppers, const char *stored, const char *norm, size_t len);

/* Spend the work of one secret_verify() with params, and return 0: for
 * users who have nothing stored, so timing does not tell them apart. */
int secret_dummy_verify(const struct secret_params *params);

/* Number of Argon2 computations since the program started (hash, verify
 * and dummy alike): tests assert equal work with it. */
unsigned long secret_argon2_calls(void);

#endif
