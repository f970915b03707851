/*
 * base32.h - RFC 4648 base32 without padding: stored secrets (upper-case
 * safe), flow IDs, session tokens and CSRF tokens.  Every place that
 * writes or reads base32 uses these.
 */
#ifndef SSPR_BASE32_H
#define SSPR_BASE32_H

#include <stddef.h>

#define BASE32_ALPHABET   "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define BASE32_MAX_DECODE 64 /* bytes base32_decode() returns at most */

/* The length of len bytes encoded: ceil(8 * len / 5). */
#define BASE32_LEN(len) (((len)*8 + 4) / 5)

/* Encode len bytes into out (size bytes, room for BASE32_LEN(len) and a
 * NUL).  Returns the length written, or 0 (out untouched) when it does
 * not fit. */
size_t base32_encode(const void *in, size_t len, char *out, size_t size);

/* Decode exactly inlen = BASE32_LEN(outlen) characters (either case) into
 * outlen bytes (at most BASE32_MAX_DECODE); only the canonical form (the
 * bits left over are zero).  0, or -1 with out untouched. */
int base32_decode(
    const char *in, size_t inlen, unsigned char *out, size_t outlen);

#endif
