/*
 * base32.c - RFC 4648 base32 without padding (see base32.h).
 */
#include "compat/base32.h"

#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

size_t
base32_encode(const void *in, size_t len, char *out, size_t size)
{
	static const char b32[] = BASE32_ALPHABET;
	const unsigned char *p = in;
	size_t i, o = 0;
	unsigned acc = 0, bits = 0;

	if (size <= BASE32_LEN(len))
		return 0;
	for (i = 0; i < len; i++) {
		acc = ((acc << 8) | p[i]) & 0xfffu;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		out[o++] = b32[(acc << (5 - bits)) & 0x1f];
	out[o] = '\0';
	return o;
}

/* The value of a base32 digit (either case), or -1. */
static int
base32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
base32_decode(const char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	unsigned char tmp[BASE32_MAX_DECODE];
	unsigned acc = 0, bits = 0;
	size_t i, o = 0;
	int v, ret = -1;

	if (outlen > sizeof(tmp) || inlen != BASE32_LEN(outlen))
		return -1;
	for (i = 0; i < inlen; i++) {
		v = base32_value(in[i]);
		if (v < 0)
			goto out;
		acc = ((acc << 5) | (unsigned)v) & 0xfffu;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			tmp[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* Canonical only: the bits left over are zero. */
	if ((acc & ((1u << bits) - 1)) != 0)
		goto out;
	memcpy(out, tmp, outlen);
	ret = 0;
out:
	secure_zero(tmp, sizeof(tmp));
	return ret;
}
