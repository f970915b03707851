/*
 * fuzz_passticket.c - libFuzzer target for esm/passticket.c.
 *
 * Splits the input into a key (raw bytes or hex text through
 * passticket_key_hex()), user ID, APPLID, ticket, clock and window, then
 * calls passticket_check() and passticket_generate().  Besides "never
 * crash" it checks the module's promises and aborts when one is broken:
 * every generated ticket is accepted at its own time with that exact time
 * decoded, an accepted ticket lies inside the window and regenerates to
 * itself, and *when is written only for OK and OUT_OF_WINDOW.
 *
 * Input layout (missing bytes read as 0):
 *	flags	bit 0 enhanced, bit 1 MIXED, bit 2 key as hex text,
 *		bit 3 take the key length byte raw (may be invalid)
 *	keylen	legacy: ignored; enhanced: 32 + keylen % 225 bytes
 *	key	hex path: one byte n, then 2n characters of text;
 *		raw path: the key bytes
 *	user, appl, ticket: each one length byte then that many bytes
 *		(at most 15 kept; NUL bytes end the string early)
 *	now	8 bytes big-endian; window 4 bytes big-endian
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esm/passticket.h"
#include "compat/compat.h"

#include "compat/banned.h"

#define FUZZ_FIELD 16
#define FUZZ_UNSET UINT64_C(0x5555AAAA5555AAAA)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t
fuzz_byte(struct fuzz_reader *r)
{
	uint8_t b = 0;

	if (r->n > 0) {
		b = r->p[0];
		r->p++;
		r->n--;
	}
	return b;
}

static void
fuzz_bytes(struct fuzz_reader *r, void *out, size_t n)
{
	size_t take = n < r->n ? n : r->n;

	memset(out, 0, n);
	if (take > 0)
		memcpy(out, r->p, take);
	r->p += take;
	r->n -= take;
}

/* A length-prefixed string, NUL-terminated, at most FUZZ_FIELD - 1. */
static void
fuzz_field(struct fuzz_reader *r, char out[FUZZ_FIELD])
{
	size_t len = fuzz_byte(r), keep;
	char tmp[256];

	fuzz_bytes(r, tmp, len);
	keep = len < FUZZ_FIELD - 1 ? len : FUZZ_FIELD - 1;
	memcpy(out, tmp, keep);
	out[keep] = '\0';
}

static uint64_t
fuzz_be(struct fuzz_reader *r, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | fuzz_byte(r);
	return v;
}

/* Upper-case copy of an 8-character ticket (legacy tickets are folded). */
static void
fuzz_fold(const char *in, char out[PASSTICKET_LEN + 1])
{
	size_t i;

	for (i = 0; i < PASSTICKET_LEN; i++)
		out[i] = (in[i] >= 'a' && in[i] <= 'z')
		             ? (char)(in[i] - 'a' + 'A')
		             : in[i];
	out[PASSTICKET_LEN] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_reader r = {data, size};
	struct passticket_key k;
	char user[FUZZ_FIELD], appl[FUZZ_FIELD], ticket[FUZZ_FIELD];
	char out[PASSTICKET_LEN + 1], again[PASSTICKET_LEN + 1];
	char folded[PASSTICKET_LEN + 1], hex[2 * 255 + 1], err[256];
	enum passticket_result res;
	uint64_t now, when;
	unsigned window;
	uint8_t flags, klen;
	size_t n;

	memset(&k, 0, sizeof(k));
	flags = fuzz_byte(&r);
	klen = fuzz_byte(&r);
	k.kind = (flags & 1U) ? PTKT_ENHANCED : PTKT_LEGACY;
	k.type = (flags & 2U) ? PTKT_MIXED : PTKT_UPPER;
	if (flags & 4U) {
		n = 2 * (size_t)fuzz_byte(&r);
		fuzz_bytes(&r, hex, n);
		hex[n] = '\0';
		if (passticket_key_hex(
		        &k, k.kind, k.type, hex, err, sizeof(err)) == -1) {
			if (err[0] == '\0')
				abort();
			k.kind = PTKT_LEGACY;
			k.len = PASSTICKET_LEGACY_KEY;
		}
	} else {
		if (flags & 8U)
			k.len = klen;
		else if (k.kind == PTKT_LEGACY)
			k.len = PASSTICKET_LEGACY_KEY;
		else
			k.len = PASSTICKET_ENHANCED_MIN + klen % 225U;
		fuzz_bytes(
		    &r, k.key, k.len < sizeof(k.key) ? k.len : sizeof(k.key));
	}
	fuzz_field(&r, user);
	fuzz_field(&r, appl);
	fuzz_field(&r, ticket);
	now = fuzz_be(&r, 8);
	window = (unsigned)fuzz_be(&r, 4);

	/* Evaluate the fuzzed ticket. */
	when = FUZZ_UNSET;
	res = passticket_check(&k, user, appl, ticket, now, window, &when);
	if (passticket_result_str(res) == NULL)
		abort();
	if (res == PTKT_OK || res == PTKT_OUT_OF_WINDOW) {
		uint64_t d = when > now ? when - now : now - when;

		if ((res == PTKT_OK) != (d <= window))
			abort();
		/* What was accepted regenerates to itself. */
		if (passticket_generate(&k, user, appl, when, again) != 0)
			abort();
		if (k.kind == PTKT_LEGACY)
			fuzz_fold(ticket, folded);
		else
			memcpy(folded, ticket, sizeof(folded));
		if (memcmp(again, folded, PASSTICKET_LEN) != 0)
			abort();
	} else if (when != FUZZ_UNSET)
		abort();

	/* Generate at now: it must be accepted at now, decoding now. */
	if (passticket_generate(&k, user, appl, now, out) == 0) {
		if (strlen(out) != PASSTICKET_LEN)
			abort();
		when = FUZZ_UNSET;
		if (passticket_check(&k, user, appl, out, now, 0, &when) !=
		        PTKT_OK ||
		    when != now)
			abort();
	} else if (res != PTKT_BAD_INPUT && res != PTKT_MISMATCH)
		abort(); /* generation fails only for bad names or keys */
	secure_zero(&k, sizeof(k));
	return 0;
}
