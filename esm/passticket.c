/*
 * passticket.c - RACF PassTickets, legacy (DES) and enhanced
 * (HMAC-SHA-512): generation and evaluation, bit-exact to
 * shared/specs/passticket.md (§2, §3, §4.1, §4.3).
 *
 * Evaluation decodes the ticket instead of trying every second of the
 * window: the legacy translation is reversed (each character gives one or
 * two 6-bit windows, and the windows must agree on their overlapping bits),
 * the time-coder is a Feistel network and runs backwards with forward DES
 * or HMAC only, and the digest of user and APPLID is XORed off to leave the
 * generation time.  The decoded time is then confirmed by generating the
 * ticket again and comparing all 8 characters in constant time, which also
 * rejects encodings the generator never produces (a base-36 value of 2^41
 * or more for an enhanced UPPER ticket, a legacy string whose windows
 * cannot agree).
 *
 * Limitation, by design of the algorithm: any string of the ticket alphabet
 * decodes to SOME time under any key.  A ticket made with another key, user
 * or APPLID therefore decodes to an unrelated time that is almost always
 * far outside the window, and the result is PTKT_OUT_OF_WINDOW, not
 * PTKT_MISMATCH.  RACF cannot tell these cases apart either, and this code
 * does not try to.  PTKT_MISMATCH means only that the ticket cannot come
 * from this key at all (no decoding survives, or the regenerated ticket
 * differs).
 *
 * Times: a legacy ticket carries the low 32 bits of the time, an enhanced
 * MIXED ticket the low 48 and an enhanced UPPER ticket the low 41 (the
 * round-1 mask discards bits 41-47).  The decoded time is the one nearest
 * to the evaluator's clock with those low bits, so evaluation works across
 * the 2106 wrap of legacy tickets.
 *
 * Keys live only in the caller's struct and in the DES key schedule or
 * HMAC context on this file's stack frames; every such copy, and every
 * intermediate digest, is wiped before return.
 */
#include "esm/passticket.h"
#include "esm/passticket_int.h"

#include <stdio.h>
#include <string.h>

#include <nettle/des.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "compat/compat.h"

#include "compat/hex.h"
#include "compat/banned.h"

#define PASSTICKET_NAME_LEN 8
#define PASSTICKET_MASK24   UINT64_C(0xFFFFFF)
#define PASSTICKET_MASK48   UINT64_C(0xFFFFFFFFFFFF)

/* Legacy state shared by generation and evaluation of one ticket. */
struct passticket_legacy {
	struct des_ctx des;    /* key schedule: secret */
	unsigned char pad[12]; /* PAD1 || PAD2 */
	uint32_t r3;           /* Result-3 */
};

/* Enhanced state shared by generation and evaluation of one ticket. */
struct passticket_enhanced {
	struct hmac_sha512_ctx hmac;               /* keyed context: secret */
	unsigned char ua[2 * PASSTICKET_NAME_LEN]; /* U8 || A8 */
	uint64_t m6;                               /* M[0..5] */
	int upper;
};

/* §2.3: entry i is the input bit (1 = leftmost) that becomes output bit i. */
static const unsigned char passticket_perm[6][16] = {
    {10, 2, 12, 4, 14, 6, 16, 8, 9, 1, 11, 3, 13, 5, 15, 7},
    {1, 10, 3, 12, 13, 16, 7, 15, 9, 2, 11, 4, 5, 14, 8, 6},
    {3, 10, 1, 12, 13, 16, 9, 15, 7, 2, 14, 4, 5, 11, 8, 6},
    {10, 4, 12, 2, 14, 8, 16, 6, 9, 1, 13, 3, 11, 5, 15, 7},
    {4, 10, 12, 1, 8, 16, 14, 5, 9, 2, 13, 3, 11, 7, 15, 6},
    {1, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2},
};

static const char passticket_legacy_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char passticket_enhanced_alpha[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/* The EBCDIC byte of one name character (lower case folded), or -1. */
static int
passticket_ebcdic(int c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c >= 'A' && c <= 'I')
		return 0xC1 + (c - 'A');
	if (c >= 'J' && c <= 'R')
		return 0xD1 + (c - 'J');
	if (c >= 'S' && c <= 'Z')
		return 0xE2 + (c - 'S');
	if (c >= '0' && c <= '9')
		return 0xF0 + (c - '0');
	switch (c) {
	case '#':
		return 0x7B;
	case '$':
		return 0x5B;
	case '@':
		return 0x7C;
	default:
		return -1;
	}
}

/*
 * Encode a user ID or APPLID: 1-8 characters of A-Z 0-9 # @ $ (lower case
 * folded) as EBCDIC, blank-padded to 8 bytes.  Returns 0 and the length in
 * *lenp (may be NULL), or -1.
 */
static int
passticket_name(
    const char *s, unsigned char e8[PASSTICKET_NAME_LEN], size_t *lenp)
{
	unsigned char tmp[PASSTICKET_NAME_LEN];
	size_t n, i;
	int e;

	if (s == NULL)
		return -1;
	n = strnlen(s, PASSTICKET_NAME_LEN + 1);
	if (n < 1 || n > PASSTICKET_NAME_LEN)
		return -1;
	memset(tmp, 0x40, sizeof(tmp));
	for (i = 0; i < n; i++) {
		e = passticket_ebcdic((unsigned char)s[i]);
		if (e < 0)
			return -1;
		tmp[i] = (unsigned char)e;
	}
	memcpy(e8, tmp, sizeof(tmp));
	if (lenp != NULL)
		*lenp = n;
	return 0;
}

int
passticket_key_valid(const struct passticket_key *k)
{
	if (k == NULL)
		return 0;
	if (k->kind == PTKT_LEGACY)
		return k->len == PASSTICKET_LEGACY_KEY;
	if (k->kind != PTKT_ENHANCED)
		return 0;
	if (k->type != PTKT_UPPER && k->type != PTKT_MIXED)
		return 0;
	return k->len >= PASSTICKET_ENHANCED_MIN &&
	       k->len <= PASSTICKET_ENHANCED_MAX;
}

static uint32_t
passticket_rotl32(uint32_t v, unsigned n)
{
	n &= 31;
	if (n == 0)
		return v;
	return (v << n) | (v >> (32 - n));
}

static uint32_t
passticket_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The uint64 distance between two times. */
static uint64_t
passticket_dist(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/*
 * The time nearest to now whose low `bits` bits are low (wrap-around safe;
 * a tie goes forward).
 */
static uint64_t
passticket_nearest(uint64_t now, uint64_t low, unsigned bits)
{
	uint64_t span = UINT64_C(1) << bits, mask = span - 1;
	uint64_t fwd = (low - now) & mask, back = (span - fwd) & mask;

	if (fwd <= back) {
		if (now <= UINT64_MAX - fwd)
			return now + fwd;
		return now - back;
	}
	if (now >= back)
		return now - back;
	return now + fwd;
}

/*
 * PAD1 || PAD2 (§2.2): the EBCDIC user ID without its blanks, filled on the
 * right with X'55' to 12 bytes.  Returns 0, or -1 for a bad user ID.
 */
int
passticket_pads(const char *user, unsigned char pad[12])
{
	unsigned char u8[PASSTICKET_NAME_LEN];
	size_t n;

	if (passticket_name(user, u8, &n) == -1)
		return -1;
	memset(pad, 0x55, 12);
	memcpy(pad, u8, n);
	return 0;
}

/*
 * Schedule a DES key, ignoring its parity bits (spec pitfall 10): parity is
 * fixed on a wiped stack copy, and a weak key is accepted, as RACF does.
 */
void
passticket_des_key(
    struct des_ctx *ctx, const unsigned char key[PASSTICKET_LEGACY_KEY])
{
	unsigned char copy[PASSTICKET_LEGACY_KEY];

	des_fix_parity(sizeof(copy), copy, key);
	(void)des_set_key(ctx, copy); /* 0 only flags a weak key */
	secure_zero(copy, sizeof(copy));
}

/* Step G of round `round` (1-6): gather, output bit i = input bit tab[i]. */
uint16_t
passticket_permute(unsigned round, uint16_t in)
{
	const unsigned char *tab = passticket_perm[(round - 1) % 6];
	unsigned out = 0, i;

	for (i = 0; i < 16; i++)
		if (((unsigned)in >> (16 - tab[i])) & 1U)
			out |= 1U << (15 - i);
	return (uint16_t)out;
}

/* The inverse of passticket_permute(). */
static uint16_t
passticket_unpermute(unsigned round, uint16_t out)
{
	const unsigned char *tab = passticket_perm[(round - 1) % 6];
	unsigned in = 0, i;

	for (i = 0; i < 16; i++)
		if (((unsigned)out >> (15 - i)) & 1U)
			in |= 1U << (16 - tab[i]);
	return (uint16_t)in;
}

/*
 * §2.4: ticket character k (0-7) is the 6-bit window starting at bit
 * 4k - 1 (1 = leftmost, modulo 32), mod 36, over A-Z0-9.  The window is the
 * top 6 bits of Result-5 rotated left by 4k - 2.
 */
void
passticket_translate(uint32_t r5, char out[PASSTICKET_LEN + 1])
{
	unsigned k, w;

	for (k = 0; k < PASSTICKET_LEN; k++) {
		w = (unsigned)(passticket_rotl32(r5, 4 * k + 30) >> 26);
		out[k] = passticket_legacy_alpha[w % 36];
	}
	out[PASSTICKET_LEN] = '\0';
}

/* The legacy alphabet index of an upper-case ticket character, or -1. */
static int
passticket_legacy_index(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '0' && c <= '9')
		return 26 + (c - '0');
	return -1;
}

/*
 * Backtracking step of passticket_untranslate(): choose window k (the
 * index, or the index + 36 when that still fits 6 bits) so that its first 2
 * bits equal the last 2 of window k - 1, and at k = 7 also its last 2 bits
 * equal the first 2 of window 0.  At most 2^8 leaves.
 */
static void
passticket_untranslate_step(const unsigned char idx[PASSTICKET_LEN], unsigned k,
    unsigned char w[PASSTICKET_LEN], uint32_t cand[PASSTICKET_MAX_CAND],
    size_t *n)
{
	unsigned alt, v, j;
	uint32_t r5;

	for (alt = 0; alt < 2; alt++) {
		v = idx[k] + 36 * alt;
		if (v > 63)
			break;
		if (k > 0 && (w[k - 1] & 3U) != (v >> 4))
			continue;
		if (k == PASSTICKET_LEN - 1 && (v & 3U) != (w[0] >> 4U))
			continue;
		w[k] = (unsigned char)v;
		if (k < PASSTICKET_LEN - 1) {
			passticket_untranslate_step(idx, k + 1, w, cand, n);
			continue;
		}
		r5 = 0;
		for (j = 0; j < PASSTICKET_LEN; j++)
			r5 |= passticket_rotl32(
			    (uint32_t)w[j] << 26, 32 - (4 * j + 30) % 32);
		if (*n < PASSTICKET_MAX_CAND)
			cand[(*n)++] = r5;
	}
}

/*
 * Reverse the legacy translation (§4.1 steps 1-2): every Result-5 that
 * translates to ticket (8 upper-case characters of A-Z0-9).  Returns the
 * number of candidates (0 when the windows cannot agree, or when a
 * character is outside the alphabet).  In fact at most one survives: i and
 * i + 36 differ in their first 2 bits and share their last 2, so each
 * window is forced by the one before it; the callers stay general anyway.
 */
size_t
passticket_untranslate(
    const char ticket[PASSTICKET_LEN], uint32_t cand[PASSTICKET_MAX_CAND])
{
	unsigned char idx[PASSTICKET_LEN], w[PASSTICKET_LEN];
	size_t n = 0, k;
	int i;

	for (k = 0; k < PASSTICKET_LEN; k++) {
		i = passticket_legacy_index((unsigned char)ticket[k]);
		if (i < 0)
			return 0;
		idx[k] = (unsigned char)i;
	}
	passticket_untranslate_step(idx, 0, w, cand, &n);
	return n;
}

/* Set up the DES key, PADs and Result-3 (§2.1 steps 1-3). */
static int
passticket_legacy_init(struct passticket_legacy *st,
    const struct passticket_key *k, const char *user, const char *appl)
{
	unsigned char u8[PASSTICKET_NAME_LEN], a8[PASSTICKET_NAME_LEN];
	unsigned char r1[8], r2[8];
	size_t i;
	int rc = -1;

	if (passticket_name(user, u8, NULL) == -1 ||
	    passticket_name(appl, a8, NULL) == -1 ||
	    passticket_pads(user, st->pad) == -1)
		goto out;
	passticket_des_key(&st->des, k->key);
	des_encrypt(&st->des, sizeof(u8), r1, u8); /* Result-1 */
	for (i = 0; i < sizeof(r1); i++)
		r1[i] ^= a8[i];                    /* Result-2A */
	des_encrypt(&st->des, sizeof(r1), r2, r1); /* Result-2 */
	st->r3 = passticket_get32(r2);
	rc = 0;
out:
	secure_zero(r1, sizeof(r1));
	secure_zero(r2, sizeof(r2));
	return rc;
}

/* The round function: the left 2 bytes of DES_K(half || PAD_round). */
static uint16_t
passticket_legacy_f(
    const struct passticket_legacy *st, unsigned round, uint16_t half)
{
	unsigned char b[8], c[8];
	uint16_t d;

	b[0] = (unsigned char)(half >> 8);
	b[1] = (unsigned char)half;
	memcpy(b + 2, st->pad + ((round & 1U) ? 0 : 6), 6);
	des_encrypt(&st->des, sizeof(b), c, b);
	d = (uint16_t)((unsigned)c[0] << 8 | c[1]);
	secure_zero(c, sizeof(c));
	return d;
}

/*
 * The time-coder (§2.2): Result-4 to Result-5.  trace (may be NULL) gets
 * L2B || R2B after each round.
 */
static uint32_t
passticket_timecoder(
    const struct passticket_legacy *st, uint32_t r4, uint32_t trace[6])
{
	uint16_t l = (uint16_t)(r4 >> 16), r = (uint16_t)r4, e;
	unsigned round;

	for (round = 1; round <= 6; round++) {
		e = (uint16_t)(passticket_legacy_f(st, round, r) ^ l);
		l = r;
		r = passticket_permute(round, e);
		if (trace != NULL)
			trace[round - 1] = (uint32_t)l << 16 | r;
	}
	return (uint32_t)l << 16 | r;
}

/* The time-coder backwards (§4.1 step 3): Result-5 to Result-4. */
static uint32_t
passticket_untimecoder(const struct passticket_legacy *st, uint32_t r5)
{
	uint16_t l = (uint16_t)(r5 >> 16), r = (uint16_t)r5, e;
	unsigned round;

	for (round = 6; round >= 1; round--) {
		e = passticket_unpermute(round, r);
		r = l;
		l = (uint16_t)(e ^ passticket_legacy_f(st, round, r));
	}
	return (uint32_t)l << 16 | r;
}

/*
 * Legacy generation up to Result-5: res[0] = Result-3, res[1] = Result-4,
 * res[2] = Result-5; trace (may be NULL) as for passticket_timecoder().
 * Returns 0, or -1 for a bad key, user ID or APPLID.
 */
int
passticket_legacy_results(const struct passticket_key *k, const char *user,
    const char *appl, uint32_t t32, uint32_t res[3], uint32_t trace[6])
{
	struct passticket_legacy st;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	if (!passticket_key_valid(k) || k->kind != PTKT_LEGACY ||
	    passticket_legacy_init(&st, k, user, appl) == -1)
		goto out;
	res[0] = st.r3;
	res[1] = st.r3 ^ t32;
	res[2] = passticket_timecoder(&st, res[1], trace);
	rc = 0;
out:
	secure_zero(&st, sizeof(st));
	return rc;
}

/* Set up the HMAC key, UA and M[0..5] (§3.1 steps 1-2). */
static int
passticket_enhanced_init(struct passticket_enhanced *st,
    const struct passticket_key *k, const char *user, const char *appl)
{
	unsigned char m[SHA512_DIGEST_SIZE];
	size_t i;

	if (passticket_name(user, st->ua, NULL) == -1 ||
	    passticket_name(appl, st->ua + PASSTICKET_NAME_LEN, NULL) == -1)
		return -1;
	st->upper = k->type == PTKT_UPPER;
	hmac_sha512_set_key(&st->hmac, k->len, k->key);
	hmac_sha512_update(&st->hmac, sizeof(st->ua), st->ua);
	hmac_sha512_digest(&st->hmac, sizeof(m), m);
	st->m6 = 0;
	for (i = 0; i < 6; i++)
		st->m6 = st->m6 << 8 | m[i];
	secure_zero(m, sizeof(m));
	return 0;
}

/* The round function: H_K(half || round || UA)[0..2]. */
static uint64_t
passticket_enhanced_f(
    struct passticket_enhanced *st, unsigned round, uint64_t half)
{
	unsigned char in[4 + 2 * PASSTICKET_NAME_LEN];
	unsigned char m[SHA512_DIGEST_SIZE];
	uint64_t f;

	in[0] = (unsigned char)(half >> 16);
	in[1] = (unsigned char)(half >> 8);
	in[2] = (unsigned char)half;
	in[3] = (unsigned char)round;
	memcpy(in + 4, st->ua, sizeof(st->ua));
	/* The digest also resets the context to the keyed state. */
	hmac_sha512_update(&st->hmac, sizeof(in), in);
	hmac_sha512_digest(&st->hmac, sizeof(m), m);
	f = (uint64_t)m[0] << 16 | (uint64_t)m[1] << 8 | m[2];
	secure_zero(m, sizeof(m));
	return f;
}

/* The enhanced time-coder (§3.1 step 5): X to P. */
static uint64_t
passticket_enhanced_code(
    struct passticket_enhanced *st, uint64_t x, uint64_t trace[6])
{
	uint64_t l = (x >> 24) & PASSTICKET_MASK24, r = x & PASSTICKET_MASK24;
	uint64_t e;
	unsigned round;

	for (round = 1; round <= 6; round++) {
		e = l ^ passticket_enhanced_f(st, round, r);
		if (st->upper && (round & 1U))
			e &= UINT64_C(0x01FFFF);
		l = r;
		r = e;
		if (trace != NULL)
			trace[round - 1] = l << 24 | r;
	}
	return l << 24 | r;
}

/*
 * The time-coder backwards (§4.3): P to the low 48 (MIXED) or 41 (UPPER)
 * bits of the time.  For UPPER the bits masked off in rounds 3 and 5 were
 * 0, and those of round 1 are M[0]'s (the time's bits 41-47 taken as 0).
 */
static uint64_t
passticket_enhanced_decode(struct passticket_enhanced *st, uint64_t p)
{
	uint64_t l = (p >> 24) & PASSTICKET_MASK24, r = p & PASSTICKET_MASK24;
	uint64_t e;
	unsigned round;

	for (round = 6; round >= 1; round--) {
		e = r ^ passticket_enhanced_f(st, round, l);
		if (st->upper && (round & 1U)) {
			e &= UINT64_C(0x01FFFF);
			if (round == 1)
				e |= (st->m6 >> 24) & UINT64_C(0xFE0000);
		}
		r = l;
		l = e;
	}
	return ((l << 24 | r) ^ st->m6) & PASSTICKET_MASK48;
}

/*
 * Enhanced generation up to P: res[0] = M[0..5], res[1] = X, res[2] = P;
 * trace (may be NULL) gets L3B || R3B after each round.  Returns 0, or -1
 * for a bad key, user ID or APPLID.
 */
int
passticket_enhanced_results(const struct passticket_key *k, const char *user,
    const char *appl, uint64_t t, uint64_t res[3], uint64_t trace[6])
{
	struct passticket_enhanced st;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	if (!passticket_key_valid(k) || k->kind != PTKT_ENHANCED ||
	    passticket_enhanced_init(&st, k, user, appl) == -1)
		goto out;
	res[0] = st.m6;
	res[1] = (t & PASSTICKET_MASK48) ^ st.m6;
	res[2] = passticket_enhanced_code(&st, res[1], trace);
	rc = 0;
out:
	secure_zero(&st, sizeof(st));
	return rc;
}

/* §3.1 step 6: P in base 36 or 64, 8 digits, most significant first. */
static void
passticket_enhanced_translate(
    uint64_t p, int upper, char out[PASSTICKET_LEN + 1])
{
	unsigned base = upper ? 36 : 64;
	size_t i;

	for (i = PASSTICKET_LEN; i > 0; i--) {
		out[i - 1] = passticket_enhanced_alpha[p % base];
		p /= base;
	}
	out[PASSTICKET_LEN] = '\0';
}

/* The digit value of c in base 36 (0-9A-Z) or 64, or -1. */
static int
passticket_enhanced_digit(int c, int upper)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + (c - 'A');
	if (upper)
		return -1;
	if (c >= 'a' && c <= 'z')
		return 36 + (c - 'a');
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
passticket_key_hex(struct passticket_key *k, enum passticket_kind kind,
    enum passticket_type type, const char *hex, char *err, size_t errsize)
{
	struct passticket_key tmp;
	size_t n, i;
	int hi, lo, rc = -1;

	memset(&tmp, 0, sizeof(tmp));
	if (hex == NULL) {
		errf(err, errsize, "no PassTicket key was given");
		goto out;
	}
	n = strlen(hex);
	if (kind == PTKT_LEGACY) {
		if (n != 2 * PASSTICKET_LEGACY_KEY) {
			errf(err, errsize,
			    "a legacy PassTicket key must be 16 hexadecimal "
			    "digits (got %zu characters)",
			    n);
			goto out;
		}
	} else if (kind == PTKT_ENHANCED) {
		if (n < 2 * PASSTICKET_ENHANCED_MIN ||
		    n > 2 * PASSTICKET_ENHANCED_MAX) {
			errf(err, errsize,
			    "an enhanced PassTicket key must be 32 to 256 "
			    "bytes (64 to 512 hexadecimal digits)");
			goto out;
		}
		if (n % 2 != 0) {
			errf(err, errsize,
			    "an enhanced PassTicket key must be an even "
			    "number of hexadecimal digits (got %zu)",
			    n);
			goto out;
		}
		if (type != PTKT_UPPER && type != PTKT_MIXED) {
			errf(err, errsize,
			    "enhanced PassTicket type %d is not UPPER or "
			    "MIXED",
			    (int)type);
			goto out;
		}
	} else {
		errf(err, errsize,
		    "PassTicket key kind %d is not legacy or enhanced",
		    (int)kind);
		goto out;
	}
	for (i = 0; i < n / 2; i++) {
		hi = hex_value((unsigned char)hex[2 * i]);
		lo = hex_value((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			errf(err, errsize,
			    "PassTicket key contains a character that is not "
			    "hexadecimal");
			goto out;
		}
		tmp.key[i] = (unsigned char)(hi << 4 | lo);
	}
	tmp.kind = kind;
	tmp.type = type;
	tmp.len = n / 2;
	memcpy(k, &tmp, sizeof(tmp));
	rc = 0;
out:
	secure_zero(&tmp, sizeof(tmp));
	return rc;
}

int
passticket_generate(const struct passticket_key *k, const char *user,
    const char *appl, uint64_t t, char out[PASSTICKET_LEN + 1])
{
	uint32_t res[3];
	uint64_t eres[3];
	char tmp[PASSTICKET_LEN + 1];
	int rc = -1;

	if (!passticket_key_valid(k))
		goto out;
	if (k->kind == PTKT_LEGACY) {
		if (passticket_legacy_results(
		        k, user, appl, (uint32_t)t, res, NULL) == -1)
			goto out;
		passticket_translate(res[2], tmp);
	} else {
		if (passticket_enhanced_results(k, user, appl, t, eres, NULL) ==
		    -1)
			goto out;
		passticket_enhanced_translate(
		    eres[2], k->type == PTKT_UPPER, tmp);
	}
	memcpy(out, tmp, sizeof(tmp));
	rc = 0;
out:
	secure_zero(res, sizeof(res));
	secure_zero(eres, sizeof(eres));
	secure_zero(tmp, sizeof(tmp));
	return rc;
}

/* §4.1: decode a legacy ticket (lower case folded) and confirm it. */
static enum passticket_result
passticket_check_legacy(const struct passticket_key *k, const char *user,
    const char *appl, const char *ticket, uint64_t now, unsigned window,
    uint64_t *when)
{
	struct passticket_legacy st;
	uint32_t cand[PASSTICKET_MAX_CAND], r4;
	char folded[PASSTICKET_LEN + 1], regen[PASSTICKET_LEN + 1];
	uint64_t t, best = 0;
	size_t n, i;
	int found = 0, c;
	enum passticket_result res = PTKT_MALFORMED;

	memset(&st, 0, sizeof(st));
	if (strnlen(ticket, PASSTICKET_LEN + 1) != PASSTICKET_LEN)
		goto out;
	for (i = 0; i < PASSTICKET_LEN; i++) {
		c = (unsigned char)ticket[i];
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (passticket_legacy_index(c) < 0)
			goto out;
		folded[i] = (char)c;
	}
	folded[PASSTICKET_LEN] = '\0';
	res = PTKT_BAD_INPUT;
	if (passticket_legacy_init(&st, k, user, appl) == -1)
		goto out;
	res = PTKT_MISMATCH;
	n = passticket_untranslate(folded, cand);
	for (i = 0; i < n; i++) {
		r4 = passticket_untimecoder(&st, cand[i]);
		t = passticket_nearest(now, r4 ^ st.r3, 32);
		passticket_translate(
		    passticket_timecoder(&st, (uint32_t)t ^ st.r3, NULL),
		    regen);
		if (!ct_equal(regen, folded, PASSTICKET_LEN))
			continue;
		if (!found ||
		    passticket_dist(t, now) < passticket_dist(best, now))
			best = t;
		found = 1;
	}
	if (!found)
		goto out;
	res =
	    passticket_dist(best, now) <= window ? PTKT_OK : PTKT_OUT_OF_WINDOW;
	if (when != NULL)
		*when = best;
out:
	secure_zero(&st, sizeof(st));
	secure_zero(cand, sizeof(cand));
	secure_zero(folded, sizeof(folded));
	secure_zero(regen, sizeof(regen));
	return res;
}

/* §4.3: decode an enhanced ticket and confirm it. */
static enum passticket_result
passticket_check_enhanced(const struct passticket_key *k, const char *user,
    const char *appl, const char *ticket, uint64_t now, unsigned window,
    uint64_t *when)
{
	struct passticket_enhanced st;
	char regen[PASSTICKET_LEN + 1];
	uint64_t p = 0, t;
	int upper = k->type == PTKT_UPPER, d;
	size_t i;
	enum passticket_result res = PTKT_MALFORMED;

	memset(&st, 0, sizeof(st));
	if (strnlen(ticket, PASSTICKET_LEN + 1) != PASSTICKET_LEN)
		goto out;
	for (i = 0; i < PASSTICKET_LEN; i++) {
		d = passticket_enhanced_digit((unsigned char)ticket[i], upper);
		if (d < 0)
			goto out;
		p = p * (upper ? 36 : 64) + (unsigned)d;
	}
	res = PTKT_BAD_INPUT;
	if (passticket_enhanced_init(&st, k, user, appl) == -1)
		goto out;
	t = passticket_nearest(
	    now, passticket_enhanced_decode(&st, p), upper ? 41 : 48);
	passticket_enhanced_translate(
	    passticket_enhanced_code(
	        &st, (t & PASSTICKET_MASK48) ^ st.m6, NULL),
	    upper, regen);
	res = PTKT_MISMATCH;
	if (!ct_equal(regen, ticket, PASSTICKET_LEN))
		goto out;
	res = passticket_dist(t, now) <= window ? PTKT_OK : PTKT_OUT_OF_WINDOW;
	if (when != NULL)
		*when = t;
out:
	secure_zero(&st, sizeof(st));
	secure_zero(regen, sizeof(regen));
	return res;
}

enum passticket_result
passticket_check(const struct passticket_key *k, const char *user,
    const char *appl, const char *ticket, uint64_t now, unsigned window,
    uint64_t *when)
{
	unsigned char e8[PASSTICKET_NAME_LEN];

	if (passticket_name(user, e8, NULL) == -1 ||
	    passticket_name(appl, e8, NULL) == -1)
		return PTKT_BAD_INPUT;
	if (!passticket_key_valid(k))
		return PTKT_MISMATCH;
	if (ticket == NULL)
		return PTKT_MALFORMED;
	if (k->kind == PTKT_LEGACY)
		return passticket_check_legacy(
		    k, user, appl, ticket, now, window, when);
	return passticket_check_enhanced(
	    k, user, appl, ticket, now, window, when);
}

const char *
passticket_result_str(enum passticket_result r)
{
	switch (r) {
	case PTKT_OK:
		return "valid";
	case PTKT_MALFORMED:
		return "malformed ticket (not 8 characters of the ticket "
		       "alphabet)";
	case PTKT_MISMATCH:
		return "not a ticket for this user, application and key";
	case PTKT_OUT_OF_WINDOW:
		return "outside the validity window";
	case PTKT_BAD_INPUT:
		return "user ID or APPLID is not 1-8 characters A-Z 0-9 # @ $";
	}
	return "unknown PassTicket result";
}

void
passticket_fingerprint(const struct passticket_key *k, char out[17])
{
	static const char label[] = "sspr-passticket-key-v1";
	unsigned char meta[2], d[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t len = k->len <= sizeof(k->key) ? k->len : sizeof(k->key);

	meta[0] = (unsigned char)k->kind;
	meta[1] = (unsigned char)(k->kind == PTKT_ENHANCED ? k->type : 0);
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(label) - 1, (const uint8_t *)label);
	sha256_update(&ctx, sizeof(meta), meta);
	sha256_update(&ctx, len, k->key);
	sha256_digest(&ctx, sizeof(d), d);
	hex_encode(d, 8, out, 0);
	secure_zero(&ctx, sizeof(ctx));
	secure_zero(d, sizeof(d));
}
