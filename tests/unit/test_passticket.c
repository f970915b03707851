/*
 * test_passticket.c - unit tests for esm/passticket.c.
 *
 * Table-driven, one row per vector of shared/specs/passticket.md §6: the
 * translation (D1), PAD1/PAD2 (D2), the permutation tables, DES known
 * answers, the intermediate values of the worked examples (§2.5, §3.2),
 * legacy L1-L10 and enhanced E1-E6 (UPPER and MIXED).  Then evaluation:
 * the window edges, one-character changes, wrong user/APPLID/key,
 * malformed tickets, bad names, key hex errors, time wrap-around, and
 * seeded random round trips (generate, then decode the exact time).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <nettle/des.h>

#include "esm/passticket.h"
#include "esm/passticket_int.h"
#include "compat/compat.h"

#include "compat/banned.h"

#define T32 (UINT64_C(1) << 32)
#define T41 (UINT64_C(1) << 41)
#define T48 (UINT64_C(1) << 48)

static const char legacy_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char enhanced_alpha[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/* §6.2 keys. */
enum test_key { K32, K64, K128, K256 };

static const char k128_hex[] =
    "EB908F62B15DF7D0FD8CF021F728DAC9CDF285A2458D258439731EBC4C5F9D05"
    "84D8E46D548E2AE3C03699B863F6551E96AA57F4B54F8AE61953C8516BFA0CDA"
    "BC6DFD4677ADC39DA9D72594F860D5A5A186406B05A41424825190630109046A"
    "16E9D007C4FA2B755B4D7B4D5157FC94FA572C44453B88A7013F284900185DD3";

/* The legacy vectors L1-L10 of §6.1. */
static const struct {
	const char *name, *key, *user, *appl;
	uint64_t t;
	const char *want;
} legacy_vectors[] = {
    {"L1", "E001193519561977", "MIKEM", "TSOSYS1", 1111111, "AEPRRZ3S"},
    {"L2", "0123456789ABCDEF", "IBMUSER", "TSOSYS1", 1704164645, "VWIO7XML"},
    {"L3", "E001193519561977", "MIKEM", "TSOSYS1", 1751327999, "ECKF1MF4"},
    {"L4", "A1B2C3D4E5F6A7B8", "TOM", "CICSPROD", 1700000000, "TOLZZQB3"},
    {"L5", "FEDCBA9876543210", "ZX$@#1", "APPL#1", 1924948800, "MHQIJYGD"},
    {"L6", "1111111111111111", "A", "B", 1614834367, "7V0IFXV0"},
    {"L7", "A1B2C3D4E5F6A7B8", "USERID", "APPNAME", 1000000000, "ZWB0GDYJ"},
    {"L8", "0E329232EA6D0D73", "SYSPROG1", "MVSSYS1", 2147483647, "Z4LNTNT1"},
    {"L9", "0E329232EA6D0D73", "SYSPROG1", "MVSSYS1", 2147483648, "GEH1RS6M"},
    {"L10", "0102030405060708", "tom", "tso123", 768208089, "MMO8HT1Q"},
};

/* The enhanced vectors E1-E6 of §6.2. */
static const struct {
	const char *name;
	enum test_key key;
	const char *user, *appl;
	uint64_t t;
	const char *upper, *mixed;
} enhanced_vectors[] = {
    {"E1", K64, "IBMUSER", "TSOSYS1", 1704164645, "59ZLFIKY", "h2bImFFu"},
    {"E2", K32, "TOM", "CICSPROD", 1700000000, "DJUZ8QTD", "k4Rr-AJm"},
    {"E3", K128, "MIKEM", "TSOSYS1", 1751327999, "BIPNKD7B", "20Nubt_E"},
    {"E4", K256, "ZX$@#1", "APPL#1", 1924948800, "K80M0G5I", "k3Mgse5n"},
    {"E5", K64, "sysprog1", "mvssys1", 2147483648, "IBKTV5H8", "AImcbeWK"},
    {"E6", K32, "A", "B", 1000000000, "7R27DNU5", "P6uEYo18"},
};

/* A deterministic PRNG (xorshift64*), so every run tests the same cases. */
static uint64_t prng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t
prng(void)
{
	prng_state ^= prng_state >> 12;
	prng_state ^= prng_state << 25;
	prng_state ^= prng_state >> 27;
	return prng_state * UINT64_C(0x2545F4914F6CDD1D);
}

static uint64_t
prng_below(uint64_t n)
{
	return prng() % n;
}

/* Decode hex (valid, even length) into out; returns the byte count. */
static size_t
unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] != '\0' && hex[1] != '\0' && n < max) {
		if (sscanf(hex, "%2x", &v) != 1)
			fail_msg("bad test hex \"%s\"", hex);
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

/* Hex text of n bytes into buf (2n + 1 bytes). */
static void
tohex(const unsigned char *in, size_t n, char *buf)
{
	size_t i;

	for (i = 0; i < n; i++)
		(void)snprintf(buf + 2 * i, 3, "%02X", in[i]);
	buf[2 * n] = '\0';
}

/* The hex text of a §6.2 key (buf of at least 513 bytes). */
static void
vector_key_hex(enum test_key id, char *buf)
{
	unsigned char b[PASSTICKET_ENHANCED_MAX];
	size_t n = 0;

	switch (id) {
	case K32:
		for (n = 0; n < 32; n++)
			b[n] = (unsigned char)(0xA0 + n);
		break;
	case K64:
		for (n = 0; n < 64; n++)
			b[n] = (unsigned char)n;
		break;
	case K128:
		n = unhex(k128_hex, b, sizeof(b));
		break;
	case K256:
		for (n = 0; n < 256; n++)
			b[n] = 0x5A;
		break;
	}
	tohex(b, n, buf);
}

static void
make_key(struct passticket_key *k, enum passticket_kind kind,
    enum passticket_type type, const char *hex)
{
	char err[200];

	if (passticket_key_hex(k, kind, type, hex, err, sizeof(err)) != 0)
		fail_msg("key_hex failed: %s", err);
}

static void
make_enhanced(
    struct passticket_key *k, enum test_key id, enum passticket_type type)
{
	char hex[2 * PASSTICKET_ENHANCED_MAX + 1];

	vector_key_hex(id, hex);
	make_key(k, PTKT_ENHANCED, type, hex);
}

static const char *
result_name(enum passticket_result r)
{
	switch (r) {
	case PTKT_OK:
		return "OK";
	case PTKT_MALFORMED:
		return "MALFORMED";
	case PTKT_MISMATCH:
		return "MISMATCH";
	case PTKT_OUT_OF_WINDOW:
		return "OUT_OF_WINDOW";
	case PTKT_BAD_INPUT:
		return "BAD_INPUT";
	}
	return "?";
}

/*
 * Check ticket at now against the expected result and, for OK and
 * OUT_OF_WINDOW, the decoded time.
 */
static void
want_check(const char *row, const struct passticket_key *k, const char *user,
    const char *appl, const char *ticket, uint64_t now, unsigned window,
    enum passticket_result want, uint64_t want_when)
{
	enum passticket_result got;
	uint64_t when = UINT64_C(0xDEADBEEF);

	got = passticket_check(k, user, appl, ticket, now, window, &when);
	if (got != want)
		fail_msg("%s: check(%s, %s, \"%s\", now %llu, window %u) = %s, "
		         "want %s",
		    row, user, appl, ticket, (unsigned long long)now, window,
		    result_name(got), result_name(want));
	if ((want == PTKT_OK || want == PTKT_OUT_OF_WINDOW) &&
	    when != want_when)
		fail_msg("%s: check(\"%s\", now %llu) decoded %llu, want %llu",
		    row, ticket, (unsigned long long)now,
		    (unsigned long long)when, (unsigned long long)want_when);
	if (want != PTKT_OK && want != PTKT_OUT_OF_WINDOW &&
	    when != UINT64_C(0xDEADBEEF))
		fail_msg("%s: check(\"%s\") wrote *when on %s", row, ticket,
		    result_name(got));
}

/* The edges of the window around t, the time ticket was made for. */
static void
want_window(const char *row, const struct passticket_key *k, const char *user,
    const char *appl, const char *ticket, uint64_t t, unsigned window)
{
	want_check(row, k, user, appl, ticket, t, window, PTKT_OK, t);
	want_check(row, k, user, appl, ticket, t + window, window, PTKT_OK, t);
	want_check(row, k, user, appl, ticket, t - window, window, PTKT_OK, t);
	want_check(row, k, user, appl, ticket, t + window + 1, window,
	    PTKT_OUT_OF_WINDOW, t);
	want_check(row, k, user, appl, ticket, t - window - 1, window,
	    PTKT_OUT_OF_WINDOW, t);
}

/* Every one-character change of ticket (to a character of the first
 * nalpha of alpha) is refused: MISMATCH or OUT_OF_WINDOW, never OK. */
static void
want_changes_refused(const char *row, const struct passticket_key *k,
    const char *user, const char *appl, const char *ticket, uint64_t t,
    unsigned window, const char *alpha, size_t nalpha)
{
	char tk[PASSTICKET_LEN + 1];
	enum passticket_result got;
	size_t pos, c;

	for (pos = 0; pos < PASSTICKET_LEN; pos++)
		for (c = 0; c < nalpha; c++) {
			memcpy(tk, ticket, sizeof(tk));
			if (tk[pos] == alpha[c])
				continue;
			tk[pos] = alpha[c];
			got = passticket_check(
			    k, user, appl, tk, t, window, NULL);
			if (got != PTKT_MISMATCH && got != PTKT_OUT_OF_WINDOW)
				fail_msg("%s: \"%s\" gave %s", row, tk,
				    result_name(got));
		}
}

/* Tickets that check to want for IBMUSER/TSOSYS1 at 1704164645 (window
 * 600) under a legacy key (E001193519561977) or the K64 enhanced key of
 * type; *when is never written. */
struct ticket_row {
	int enhanced;
	enum passticket_type type;
	const char *ticket;
};

static void
want_rows(const struct ticket_row *rows, size_t n, enum passticket_result want)
{
	struct passticket_key k;
	enum passticket_result got;
	uint64_t when;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].enhanced)
			make_enhanced(&k, K64, rows[i].type);
		else
			make_key(
			    &k, PTKT_LEGACY, PTKT_UPPER, "E001193519561977");
		when = 7;
		got = passticket_check(&k, "IBMUSER", "TSOSYS1", rows[i].ticket,
		    1704164645, 600, &when);
		if (got != want || when != 7)
			fail_msg("row %zu (\"%s\"): %s, when %llu; want %s", i,
			    rows[i].ticket != NULL ? rows[i].ticket : "NULL",
			    result_name(got), (unsigned long long)when,
			    result_name(want));
	}
}

/* D1, plus the §2.5 Result-5. */
static void
test_translate(void **state)
{
	static const struct {
		uint32_t r5;
		const char *want;
	} cases[] = {
	    {0x07247F79, "QHOAH1TV"}, /* D1 */
	    {0x44F519D2, "AEPRRZ3S"}, /* §2.5 */
	    {0x00000000, "AAAAAAAA"},
	    {0xFFFFFFFF, "11111111"}, /* 63 mod 36 = 27 */
	};
	char out[PASSTICKET_LEN + 1];
	uint32_t cand[256];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'x', sizeof(out));
		passticket_translate(cases[i].r5, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("row %zu (%08X): got \"%s\", want \"%s\"", i,
			    (unsigned)cases[i].r5, out, cases[i].want);
		n = passticket_untranslate(cases[i].want, cand);
		if (n != 1 || cand[0] != cases[i].r5)
			fail_msg("row %zu: untranslate(\"%s\") gave %zu "
			         "candidates, first %08X",
			    i, cases[i].want, n,
			    n > 0 ? (unsigned)cand[0] : 0U);
	}
}

/* Reverse translation: every Result-5 comes back, and only it. */
static void
test_untranslate(void **state)
{
	static const struct {
		const char *ticket;
		size_t want;
	} cases[] = {
	    {"ABAAAAAA", 0}, /* windows 0/36 then 1/37 cannot overlap */
	    {"ADAAAAAA", 0},
	    {"AAAAAAAA", 1},
	    {"QHOAH1TV", 1},
	    {"AAAAAAA!", 0},
	};
	char out[PASSTICKET_LEN + 1];
	uint32_t cand[256], v;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = passticket_untranslate(cases[i].ticket, cand);
		if (n != cases[i].want)
			fail_msg("row %zu (\"%s\"): %zu candidates, want %zu",
			    i, cases[i].ticket, n, cases[i].want);
	}
	for (i = 0; i < 3000; i++) {
		v = (uint32_t)prng();
		passticket_translate(v, out);
		n = passticket_untranslate(out, cand);
		if (n != 1 || cand[0] != v)
			fail_msg("random %zu: %08X -> \"%s\" -> %zu candidates",
			    i, (unsigned)v, out, n);
	}
}

/* D2: PAD1 || PAD2 from the unpadded user ID, filled with X'55'. */
static void
test_pads(void **state)
{
	static const struct {
		const char *user;
		int rc;
		const char *want;
	} cases[] = {
	    {"TOM", 0, "E3D6D4555555555555555555"},
	    {"IBMUSER", 0, "C9C2D4E4E2C5D95555555555"},
	    {"MIKEM", 0, "D4C9D2C5D455555555555555"},
	    {"tom", 0, "E3D6D4555555555555555555"},
	    {"ZX$@#1", 0, "E9E75B7C7BF1555555555555"},
	    {"SYSPROG1", 0, "E2E8E2D7D9D6C7F155555555"},
	    {"A", 0, "C15555555555555555555555"},
	    {"JRS09", 0, "D1D9E2F0F955555555555555"},
	    {"", -1, NULL},
	    {"SYSPROG12", -1, NULL},
	    {"A B", -1, NULL},
	    {"A-B", -1, NULL},
	    {NULL, -1, NULL},
	};
	unsigned char pad[12];
	char hex[25];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(pad, 0xEE, sizeof(pad));
		rc = passticket_pads(cases[i].user, pad);
		if (rc != cases[i].rc)
			fail_msg("row %zu (%s): rc %d, want %d", i,
			    cases[i].user != NULL ? cases[i].user : "NULL", rc,
			    cases[i].rc);
		if (rc != 0)
			continue;
		tohex(pad, sizeof(pad), hex);
		if (strcmp(hex, cases[i].want) != 0)
			fail_msg("row %zu (%s): PAD1||PAD2 %s, want %s", i,
			    cases[i].user, hex, cases[i].want);
	}
}

/* §2.3: the chrrel example and every round of the §2.5 worked example. */
static void
test_permute(void **state)
{
	static const struct {
		unsigned round;
		uint16_t in, want;
	} cases[] = {
	    {1, 0x017B, 0xA32A}, {1, 0x9A14, 0x3845}, {2, 0x19F5, 0x54BE},
	    {3, 0x1744, 0x40B3}, {4, 0x0847, 0x8A06}, {5, 0x66C9, 0x44F5},
	    {6, 0x25CC, 0x19D2}, {1, 0x0000, 0x0000}, {6, 0xFFFF, 0xFFFF},
	    {2, 0x0008, 0x0800}, /* output bit 5 is input bit 13 */
	};
	static unsigned char seen[65536 / 8];
	unsigned round, x;
	uint16_t got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = passticket_permute(cases[i].round, cases[i].in);
		if (got != cases[i].want)
			fail_msg("row %zu: round %u of %04X = %04X, want %04X",
			    i, cases[i].round, (unsigned)cases[i].in,
			    (unsigned)got, (unsigned)cases[i].want);
	}
	/* Every table is a permutation: all 2^16 outputs differ. */
	for (round = 1; round <= 6; round++) {
		memset(seen, 0, sizeof(seen));
		for (x = 0; x < 65536; x++) {
			got = passticket_permute(round, (uint16_t)x);
			if (seen[got / 8] & (1U << (got % 8)))
				fail_msg("round %u: output %04X twice", round,
				    (unsigned)got);
			seen[got / 8] |= (unsigned char)(1U << (got % 8));
		}
	}
}

/* §6.1 DES known answers, through the parity-ignoring key setup. */
static void
test_des(void **state)
{
	static const struct {
		const char *key, *in, *want;
	} cases[] = {
	    {"133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"},
	    {"0123456789ABCDEF", "4E6F772069732074", "3FA40E8A984D4815"},
	    {"098D61A85585D2AB", "5465737442797465", "1EC3753D7A79E3CE"},
	    /* the first key with every parity bit flipped */
	    {"123556789ABDDEF0", "0123456789ABCDEF", "85E813540F0AB405"},
	    /* weak keys are used, not refused; parity bits ignored */
	    {"0101010101010101", "0000000000000000", "8CA64DE9C1B123A7"},
	    {"0000000000000000", "0000000000000000", "8CA64DE9C1B123A7"},
	};
	struct des_ctx ctx;
	unsigned char key[8], in[8], out[8];
	char hex[17];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)unhex(cases[i].key, key, sizeof(key));
		(void)unhex(cases[i].in, in, sizeof(in));
		passticket_des_key(&ctx, key);
		des_encrypt(&ctx, sizeof(in), out, in);
		tohex(out, sizeof(out), hex);
		if (strcmp(hex, cases[i].want) != 0)
			fail_msg("row %zu (key %s): got %s, want %s", i,
			    cases[i].key, hex, cases[i].want);
	}
}

/* §2.5: Result-3, Result-4, every time-coder round and Result-5. */
static void
test_legacy_worked(void **state)
{
	static const uint32_t want_trace[6] = {
	    0x09ED3845,
	    0x384554BE,
	    0x54BE40B3,
	    0x40B38A06,
	    0x8A0644F5,
	    0x44F519D2,
	};
	struct passticket_key k;
	uint32_t res[3], trace[6];
	size_t i;

	(void)state;
	make_key(&k, PTKT_LEGACY, PTKT_UPPER, "E001193519561977");
	assert_int_equal(passticket_legacy_results(
	                     &k, "MIKEM", "TSOSYS1", 1111111, res, trace),
	    0);
	assert_int_equal(res[0], 0x6950FDAA); /* Result-3 */
	assert_int_equal(res[1], 0x694009ED); /* Result-4 */
	assert_int_equal(res[2], 0x44F519D2); /* Result-5 */
	for (i = 0; i < 6; i++)
		if (trace[i] != want_trace[i])
			fail_msg("round %zu: L2B||R2B %08X, want %08X", i + 1,
			    (unsigned)trace[i], (unsigned)want_trace[i]);
	/* A lower-case user gives the same intermediate values. */
	assert_int_equal(passticket_legacy_results(
	                     &k, "mikem", "tsosys1", 1111111, res, NULL),
	    0);
	assert_int_equal(res[2], 0x44F519D2);
	assert_int_equal(passticket_legacy_results(
	                     &k, "MIKE-M", "TSOSYS1", 1111111, res, NULL),
	    -1);
}

/* §3.2: M[0..5], X, every round and P. */
static void
test_enhanced_worked(void **state)
{
	static const uint64_t want_trace[6] = {
	    UINT64_C(0xBD8EB201FAC2),
	    UINT64_C(0x01FAC20A1D0C),
	    UINT64_C(0x0A1D0C0103ED),
	    UINT64_C(0x0103ED87D9E0),
	    UINT64_C(0x87D9E000604A),
	    UINT64_C(0x00604A587CD2),
	};
	struct passticket_key k;
	uint64_t res[3], trace[6];
	size_t i;

	(void)state;
	make_enhanced(&k, K64, PTKT_UPPER);
	assert_int_equal(passticket_enhanced_results(
	                     &k, "IBMUSER", "TSOSYS1", 1704164645, res, trace),
	    0);
	assert_int_equal(res[0], UINT64_C(0x8F068E2EF397)); /* M[0..5] */
	assert_int_equal(res[1], UINT64_C(0x8F06EBBD8EB2)); /* X */
	assert_int_equal(res[2], UINT64_C(0x00604A587CD2)); /* P */
	for (i = 0; i < 6; i++)
		if (trace[i] != want_trace[i])
			fail_msg("round %zu: L3B||R3B %012llX, want %012llX",
			    i + 1, (unsigned long long)trace[i],
			    (unsigned long long)want_trace[i]);
}

/* L1-L10: generation, the ±600 s edges, folding of the ticket. */
static void
test_legacy_vectors(void **state)
{
	struct passticket_key k;
	char out[PASSTICKET_LEN + 1], lower[PASSTICKET_LEN + 1];
	uint64_t t;
	size_t i, j;
	const char *u, *a;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(legacy_vectors); i++) {
		const char *row = legacy_vectors[i].name;

		make_key(&k, PTKT_LEGACY, PTKT_UPPER, legacy_vectors[i].key);
		u = legacy_vectors[i].user;
		a = legacy_vectors[i].appl;
		t = legacy_vectors[i].t;
		memset(out, 0, sizeof(out));
		if (passticket_generate(&k, u, a, t, out) != 0)
			fail_msg("%s: generate failed", row);
		if (strcmp(out, legacy_vectors[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", row, out,
			    legacy_vectors[i].want);
		want_window(row, &k, u, a, out, t, 600);
		want_check(row, &k, u, a, out, t, 0, PTKT_OK, t);
		want_check(row, &k, u, a, out, t + 1, 0, PTKT_OUT_OF_WINDOW, t);
		/* RACF upper-cases passwords: a lower-case ticket is fine. */
		for (j = 0; j < PASSTICKET_LEN; j++)
			lower[j] = (out[j] >= 'A' && out[j] <= 'Z')
			               ? (char)(out[j] - 'A' + 'a')
			               : out[j];
		lower[PASSTICKET_LEN] = '\0';
		want_check(row, &k, u, a, lower, t + 5, 600, PTKT_OK, t);
	}
}

/* E1-E6, both types: generation and the ±60 s edges. */
static void
test_enhanced_vectors(void **state)
{
	struct passticket_key k;
	char out[PASSTICKET_LEN + 1], row[32];
	const char *want, *u, *a;
	uint64_t t;
	size_t i;
	int type;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(enhanced_vectors); i++)
		for (type = PTKT_UPPER; type <= PTKT_MIXED; type++) {
			(void)snprintf(row, sizeof(row), "%s %s",
			    enhanced_vectors[i].name,
			    type == PTKT_UPPER ? "UPPER" : "MIXED");
			make_enhanced(&k, enhanced_vectors[i].key,
			    (enum passticket_type)type);
			u = enhanced_vectors[i].user;
			a = enhanced_vectors[i].appl;
			t = enhanced_vectors[i].t;
			want = type == PTKT_UPPER ? enhanced_vectors[i].upper
			                          : enhanced_vectors[i].mixed;
			memset(out, 0, sizeof(out));
			if (passticket_generate(&k, u, a, t, out) != 0)
				fail_msg("%s: generate failed", row);
			if (strcmp(out, want) != 0)
				fail_msg("%s: got \"%s\", want \"%s\"", row,
				    out, want);
			want_window(row, &k, u, a, out, t, 60);
			want_check(
			    row, &k, u, a, out, t + 600, 600, PTKT_OK, t);
		}
}

/* Any one-character change of a vector is never accepted. */
static void
test_changed_char(void **state)
{
	struct passticket_key k;
	char row[48];
	size_t i;
	int type;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(legacy_vectors); i++) {
		make_key(&k, PTKT_LEGACY, PTKT_UPPER, legacy_vectors[i].key);
		want_changes_refused(legacy_vectors[i].name, &k,
		    legacy_vectors[i].user, legacy_vectors[i].appl,
		    legacy_vectors[i].want, legacy_vectors[i].t, 600,
		    legacy_alpha, strlen(legacy_alpha));
	}
	for (i = 0; i < ARRAY_SIZE(enhanced_vectors); i++)
		for (type = PTKT_UPPER; type <= PTKT_MIXED; type++) {
			(void)snprintf(row, sizeof(row), "%s %s",
			    enhanced_vectors[i].name,
			    type == PTKT_UPPER ? "UPPER" : "MIXED");
			make_enhanced(&k, enhanced_vectors[i].key,
			    (enum passticket_type)type);
			want_changes_refused(row, &k, enhanced_vectors[i].user,
			    enhanced_vectors[i].appl,
			    type == PTKT_UPPER ? enhanced_vectors[i].upper
			                       : enhanced_vectors[i].mixed,
			    enhanced_vectors[i].t, 60, enhanced_alpha,
			    type == PTKT_UPPER ? 36U : 64U);
		}
}

/* Wrong user, APPLID or key: never accepted (§4: decodes elsewhere). */
static void
test_wrong_inputs(void **state)
{
	static const struct {
		const char *user, *appl;
		int flip; /* key byte whose bit 1 flips, or -1 */
	} cases[] = {
	    {"MIKEN", "TSOSYS1", -1},
	    {"MIKEM1", "TSOSYS1", -1},
	    {"MIKE", "TSOSYS1", -1},
	    {"MIKEM", "TSOSYS2", -1},
	    {"MIKEM", "TSOSYS", -1},
	    {"TSOSYS1", "MIKEM", -1},
	    {"MIKEM", "TSOSYS1", 0},
	    {"MIKEM", "TSOSYS1", 7},
	};
	struct passticket_key k, ke;
	char tk[PASSTICKET_LEN + 1], te[PASSTICKET_LEN + 1];
	enum passticket_result got;
	const uint64_t t = 1751327999;
	size_t i;

	(void)state;
	make_key(&k, PTKT_LEGACY, PTKT_UPPER, "E001193519561977");
	make_enhanced(&ke, K128, PTKT_MIXED);
	assert_int_equal(passticket_generate(&k, "MIKEM", "TSOSYS1", t, tk), 0);
	assert_string_equal(tk, "ECKF1MF4"); /* L3 */
	assert_int_equal(
	    passticket_generate(&ke, "MIKEM", "TSOSYS1", t, te), 0);
	assert_string_equal(te, "20Nubt_E"); /* E3 MIXED */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct passticket_key k2 = k, ke2 = ke;

		if (cases[i].flip >= 0) {
			k2.key[cases[i].flip] ^= 0x02;
			ke2.key[cases[i].flip] ^= 0x01;
		}
		got = passticket_check(
		    &k2, cases[i].user, cases[i].appl, tk, t, 600, NULL);
		if (got == PTKT_OK)
			fail_msg("row %zu legacy (%s/%s): accepted", i,
			    cases[i].user, cases[i].appl);
		got = passticket_check(
		    &ke2, cases[i].user, cases[i].appl, te, t, 600, NULL);
		if (got == PTKT_OK)
			fail_msg("row %zu enhanced (%s/%s): accepted", i,
			    cases[i].user, cases[i].appl);
	}
	/* A key differing only in parity bits is the same legacy key. */
	k.key[3] ^= 0x01;
	want_check("parity", &k, "MIKEM", "TSOSYS1", tk, t, 600, PTKT_OK, t);
	/* A ticket of the other kind or type is not accepted. */
	make_enhanced(&ke, K128, PTKT_UPPER);
	got =
	    passticket_check(&ke, "MIKEM", "TSOSYS1", "BIPNKD7C", t, 60, NULL);
	assert_int_not_equal(got, PTKT_OK);
	got =
	    passticket_check(&k, "MIKEM", "TSOSYS1", "BIPNKD7B", t, 600, NULL);
	assert_int_not_equal(got, PTKT_OK);
	/* An UPPER ticket read as MIXED decodes elsewhere. */
	make_enhanced(&ke, K64, PTKT_MIXED);
	got = passticket_check(
	    &ke, "IBMUSER", "TSOSYS1", "59ZLFIKY", 1704164645, 60, NULL);
	assert_int_not_equal(got, PTKT_OK);
}

/* Strings the decoder cannot place: MISMATCH, whatever the key. */
static void
test_mismatch(void **state)
{
	static const struct ticket_row cases[] = {
	    {0, PTKT_UPPER, "ABAAAAAA"}, /* windows cannot overlap */
	    {0, PTKT_UPPER, "ADAAAAAA"},
	    {0, PTKT_UPPER, "adaaaaaa"},
	    {1, PTKT_UPPER, "ZZZZZZZZ"}, /* base 36 >= 2^41 */
	    {1, PTKT_UPPER, "T0000000"},
	};
	struct passticket_key k;
	enum passticket_result got;

	(void)state;
	want_rows(cases, ARRAY_SIZE(cases), PTKT_MISMATCH);
	/* Just below 2^41 ("S0000000" < 2^41) decodes to some time. */
	make_enhanced(&k, K64, PTKT_UPPER);
	got = passticket_check(
	    &k, "IBMUSER", "TSOSYS1", "S0000000", 1704164645, 600, NULL);
	assert_true(got == PTKT_OUT_OF_WINDOW || got == PTKT_OK);
	/* A structurally invalid key struct matches nothing. */
	make_key(&k, PTKT_LEGACY, PTKT_UPPER, "E001193519561977");
	k.len = 7;
	assert_int_equal(passticket_check(&k, "MIKEM", "TSOSYS1", "AEPRRZ3S",
	                     1111111, 600, NULL),
	    PTKT_MISMATCH);
	assert_int_equal(passticket_check(NULL, "MIKEM", "TSOSYS1", "AEPRRZ3S",
	                     1111111, 600, NULL),
	    PTKT_MISMATCH);
	make_enhanced(&k, K32, PTKT_UPPER);
	k.len = 31;
	assert_int_equal(passticket_check(&k, "TOM", "CICSPROD", "DJUZ8QTD",
	                     1700000000, 60, NULL),
	    PTKT_MISMATCH);
}

static void
test_malformed(void **state)
{
	static const struct ticket_row cases[] = {
	    {0, PTKT_UPPER, "AEPRRZ3"},
	    {0, PTKT_UPPER, "AEPRRZ3SA"},
	    {0, PTKT_UPPER, "AEPRRZ3!"},
	    {0, PTKT_UPPER, "AEPRR-3S"},
	    {0, PTKT_UPPER, "AEPR Z3S"},
	    {0, PTKT_UPPER, ""},
	    {0, PTKT_UPPER, NULL},
	    {0, PTKT_UPPER,
	        "AEPRR\xC1"
	        "3S"},
	    {1, PTKT_UPPER, "59zLFIKY"}, /* lower case in UPPER */
	    {1, PTKT_UPPER, "59zlfiky"},
	    {1, PTKT_UPPER, "59ZLFIK"},
	    {1, PTKT_UPPER, "59ZLFIKY0"},
	    {1, PTKT_UPPER, "59ZLF!KY"},
	    {1, PTKT_UPPER, "59ZLF-KY"},
	    {1, PTKT_UPPER, ""},
	    {1, PTKT_MIXED, "h2bImFF!"},
	    {1, PTKT_MIXED, "h2bImFF"},
	    {1, PTKT_MIXED, "h2bImFFu1"},
	    {1, PTKT_MIXED, "h2b mFFu"},
	    {1, PTKT_MIXED, ""},
	    {1, PTKT_MIXED, NULL},
	};

	(void)state;
	want_rows(cases, ARRAY_SIZE(cases), PTKT_MALFORMED);
}

static void
test_bad_input(void **state)
{
	static const struct {
		const char *user, *appl;
	} cases[] = {
	    {"SYSPROG12", "TSOSYS1"},
	    {"", "TSOSYS1"},
	    {"IBM-USER", "TSOSYS1"},
	    {"IBM USER", "TSOSYS1"},
	    {"IBMUSER ", "TSOSYS1"},
	    {" ", "TSOSYS1"},
	    {NULL, "TSOSYS1"},
	    {"IBMUSER", "TSOSYS123"},
	    {"IBMUSER", ""},
	    {"IBMUSER", "TSO-1"},
	    {"IBMUSER", " "},
	    {"IBMUSER", "TSO.SYS"},
	    {"IBMUSER", NULL},
	    {"IBM\xC9", "TSOSYS1"},
	};
	struct passticket_key kl, ku, km;
	const struct passticket_key *keys[3];
	char out[PASSTICKET_LEN + 1];
	const char *tickets[3] = {"VWIO7XML", "59ZLFIKY", "h2bImFFu"};
	enum passticket_result got;
	size_t i, j;

	(void)state;
	make_key(&kl, PTKT_LEGACY, PTKT_UPPER, "0123456789ABCDEF");
	make_enhanced(&ku, K64, PTKT_UPPER);
	make_enhanced(&km, K64, PTKT_MIXED);
	keys[0] = &kl;
	keys[1] = &ku;
	keys[2] = &km;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		for (j = 0; j < 3; j++) {
			memset(out, 'x', sizeof(out));
			if (passticket_generate(keys[j], cases[i].user,
			        cases[i].appl, 1704164645, out) != -1)
				fail_msg("row %zu key %zu: generate accepted "
				         "%s/%s",
				    i, j,
				    cases[i].user ? cases[i].user : "NULL",
				    cases[i].appl ? cases[i].appl : "NULL");
			if (out[0] != 'x' || out[PASSTICKET_LEN] != 'x')
				fail_msg(
				    "row %zu key %zu: out was written", i, j);
			got = passticket_check(keys[j], cases[i].user,
			    cases[i].appl, tickets[j], 1704164645, 600, NULL);
			if (got != PTKT_BAD_INPUT)
				fail_msg("row %zu key %zu: check %s, want "
				         "BAD_INPUT",
				    i, j, result_name(got));
		}
	/* Bad names win over a malformed ticket. */
	assert_int_equal(
	    passticket_check(&kl, "", "TSOSYS1", "!", 0, 600, NULL),
	    PTKT_BAD_INPUT);
	/* generate refuses an invalid key struct */
	kl.len = 9;
	assert_int_equal(
	    passticket_generate(&kl, "IBMUSER", "TSOSYS1", 1, out), -1);
	assert_int_equal(
	    passticket_generate(NULL, "IBMUSER", "TSOSYS1", 1, out), -1);
	ku.type = (enum passticket_type)7;
	assert_int_equal(
	    passticket_generate(&ku, "IBMUSER", "TSOSYS1", 1, out), -1);
}

/* Build ndigits of hex text with an optional bad character at badpos. */
static void
build_hex(char *buf, size_t ndigits, size_t badpos, char badc)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	size_t i;

	for (i = 0; i < ndigits; i++)
		buf[i] = digits[(i * 7 + 3) % (sizeof(digits) - 1)];
	buf[ndigits] = '\0';
	if (badc != '\0' && badpos < ndigits)
		buf[badpos] = badc;
}

static void
test_key_hex(void **state)
{
	static const char e_len[] = "an enhanced PassTicket key must be 32 to "
	                            "256 bytes (64 to 512 hexadecimal digits)";
	static const char e_hex[] =
	    "PassTicket key contains a character that is not hexadecimal";
	static const struct {
		enum passticket_kind kind;
		enum passticket_type type;
		size_t ndigits, badpos;
		char badc;
		int rc;
		const char *err;
	} cases[] = {
	    {PTKT_LEGACY, PTKT_UPPER, 16, 0, 0, 0, NULL},
	    {PTKT_LEGACY, PTKT_UPPER, 15, 0, 0, -1,
	        "a legacy PassTicket key must be 16 hexadecimal digits (got "
	        "15 characters)"},
	    {PTKT_LEGACY, PTKT_UPPER, 17, 0, 0, -1,
	        "a legacy PassTicket key must be 16 hexadecimal digits (got "
	        "17 characters)"},
	    {PTKT_LEGACY, PTKT_UPPER, 0, 0, 0, -1,
	        "a legacy PassTicket key must be 16 hexadecimal digits (got "
	        "0 characters)"},
	    {PTKT_LEGACY, PTKT_UPPER, 16, 5, 'G', -1, e_hex},
	    {PTKT_LEGACY, PTKT_UPPER, 16, 15, 'g', -1, e_hex},
	    {PTKT_LEGACY, PTKT_UPPER, 16, 0, ' ', -1, e_hex},
	    {PTKT_LEGACY, PTKT_UPPER, 16, 8, 'x', -1, e_hex},
	    {PTKT_ENHANCED, PTKT_UPPER, 64, 0, 0, 0, NULL},
	    {PTKT_ENHANCED, PTKT_MIXED, 512, 0, 0, 0, NULL},
	    {PTKT_ENHANCED, PTKT_MIXED, 130, 0, 0, 0, NULL},
	    {PTKT_ENHANCED, PTKT_UPPER, 62, 0, 0, -1, e_len},
	    {PTKT_ENHANCED, PTKT_UPPER, 514, 0, 0, -1, e_len},
	    {PTKT_ENHANCED, PTKT_UPPER, 16, 0, 0, -1, e_len},
	    {PTKT_ENHANCED, PTKT_UPPER, 65, 0, 0, -1,
	        "an enhanced PassTicket key must be an even number of "
	        "hexadecimal digits (got 65)"},
	    {PTKT_ENHANCED, PTKT_MIXED, 511, 0, 0, -1,
	        "an enhanced PassTicket key must be an even number of "
	        "hexadecimal digits (got 511)"},
	    {PTKT_ENHANCED, PTKT_MIXED, 64, 63, 'Z', -1, e_hex},
	    {PTKT_ENHANCED, PTKT_MIXED, 300, 200, '-', -1, e_hex},
	    {PTKT_ENHANCED, (enum passticket_type)5, 64, 0, 0, -1,
	        "enhanced PassTicket type 5 is not UPPER or MIXED"},
	    {(enum passticket_kind)9, PTKT_UPPER, 16, 0, 0, -1,
	        "PassTicket key kind 9 is not legacy or enhanced"},
	};
	struct passticket_key k, before;
	unsigned char want[PASSTICKET_ENHANCED_MAX];
	char hex[600], err[256];
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_hex(
		    hex, cases[i].ndigits, cases[i].badpos, cases[i].badc);
		memset(&k, 0xA5, sizeof(k));
		memcpy(&before, &k, sizeof(before));
		memset(err, 0, sizeof(err));
		rc = passticket_key_hex(
		    &k, cases[i].kind, cases[i].type, hex, err, sizeof(err));
		if (rc != cases[i].rc)
			fail_msg("row %zu (%zu digits): rc %d, want %d (%s)", i,
			    cases[i].ndigits, rc, cases[i].rc, err);
		if (rc != 0) {
			if (strcmp(err, cases[i].err) != 0)
				fail_msg("row %zu: error \"%s\", want \"%s\"",
				    i, err, cases[i].err);
			if (memcmp(&k, &before, sizeof(k)) != 0)
				fail_msg("row %zu: key written on error", i);
			/* the message never quotes the key */
			if (strlen(hex) >= 6) {
				char head[7];

				memcpy(head, hex, 6);
				head[6] = '\0';
				if (strstr(err, head) != NULL)
					fail_msg("row %zu: error quotes the "
					         "key: %s",
					    i, err);
			}
			continue;
		}
		n = unhex(hex, want, sizeof(want));
		if (k.kind != cases[i].kind || k.type != cases[i].type ||
		    k.len != n || memcmp(k.key, want, n) != 0)
			fail_msg(
			    "row %zu: key decoded wrong (len %zu)", i, k.len);
	}
	/* NULL text, and a NULL or tiny error buffer. */
	assert_int_equal(passticket_key_hex(&k, PTKT_LEGACY, PTKT_UPPER, NULL,
	                     err, sizeof(err)),
	    -1);
	assert_string_equal(err, "no PassTicket key was given");
	assert_int_equal(
	    passticket_key_hex(&k, PTKT_LEGACY, PTKT_UPPER, "12", NULL, 0), -1);
	err[0] = 'x';
	assert_int_equal(
	    passticket_key_hex(&k, PTKT_LEGACY, PTKT_UPPER, "12", err, 1), -1);
	assert_int_equal(err[0], '\0');
}

/* Legacy tickets wrap every 2^32 s; evaluation finds the nearest. */
static void
test_time_edges(void **state)
{
	static const struct {
		uint64_t gen, now;
		unsigned window;
		enum passticket_result want;
		uint64_t when;
	} cases[] = {
	    {0, 0, 600, PTKT_OK, 0},
	    {5, 0, 600, PTKT_OK, 5},
	    {0, 600, 600, PTKT_OK, 0},
	    {0, 601, 600, PTKT_OUT_OF_WINDOW, 0},
	    {2147483647, 2147483647, 600, PTKT_OK, 2147483647},
	    {2147483648, 2147483048, 600, PTKT_OK, 2147483648},
	    {2147483648, 2147483046, 600, PTKT_OUT_OF_WINDOW, 2147483648},
	    {T32 - 1, T32 - 1, 600, PTKT_OK, T32 - 1},
	    {T32 - 1, T32 + 5, 600, PTKT_OK, T32 - 1},
	    {T32 + 3, T32 - 2, 600, PTKT_OK, T32 + 3},
	    {T32 + 100, T32 + 100, 600, PTKT_OK, T32 + 100},
	    {5 * T32 + 17, 5 * T32 - 100, 600, PTKT_OK, 5 * T32 + 17},
	    {UINT64_MAX - 10, UINT64_MAX, 600, PTKT_OK, UINT64_MAX - 10},
	    {UINT64_MAX, UINT64_MAX - 10, 600, PTKT_OK, UINT64_MAX},
	    /* the 2^64 wrap is not followed: the nearest is far back */
	    {9, UINT64_MAX, 600, PTKT_OUT_OF_WINDOW, UINT64_MAX - T32 + 10},
	    {T32 - 5, 0, 600, PTKT_OUT_OF_WINDOW, T32 - 5},
	    {1000, 1000 + (T32 >> 1) - 1, UINT32_MAX, PTKT_OK, 1000},
	    {1000, 1000 + (T32 >> 1), UINT32_MAX, PTKT_OK, 1000 + T32},
	};
	struct passticket_key k;
	char tk[PASSTICKET_LEN + 1], t2[PASSTICKET_LEN + 1], row[16];
	size_t i;

	(void)state;
	make_key(&k, PTKT_LEGACY, PTKT_UPPER, "0E329232EA6D0D73");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)snprintf(row, sizeof(row), "row %zu", i);
		assert_int_equal(passticket_generate(&k, "SYSPROG1", "MVSSYS1",
		                     cases[i].gen, tk),
		    0);
		/* only the low 32 bits count */
		assert_int_equal(passticket_generate(&k, "SYSPROG1", "MVSSYS1",
		                     cases[i].gen & (T32 - 1), t2),
		    0);
		if (strcmp(tk, t2) != 0)
			fail_msg("%s: %s != %s", row, tk, t2);
		want_check(row, &k, "SYSPROG1", "MVSSYS1", tk, cases[i].now,
		    cases[i].window, cases[i].want, cases[i].when);
	}
	assert_int_equal(passticket_generate(&k, "A", "B", T32 + 100, tk), 0);
	assert_int_equal(passticket_generate(&k, "A", "B", 100, t2), 0);
	assert_string_equal(tk, t2);
	want_check(
	    "wrap", &k, "A", "B", tk, T32 + 100, 600, PTKT_OK, T32 + 100);
}

/* Enhanced: MIXED carries 48 bits of time, UPPER 41 (the round-1 mask). */
static void
test_enhanced_time_edges(void **state)
{
	static const struct {
		enum passticket_type type;
		uint64_t gen, now;
		enum passticket_result want;
		uint64_t when;
	} cases[] = {
	    {PTKT_UPPER, 0, 0, PTKT_OK, 0},
	    {PTKT_MIXED, 0, 0, PTKT_OK, 0},
	    {PTKT_UPPER, T41 - 1, T41 - 1, PTKT_OK, T41 - 1},
	    {PTKT_UPPER, T41 + 7, T41, PTKT_OK, T41 + 7},
	    {PTKT_UPPER, T41 - 7, T41 + 7, PTKT_OK, T41 - 7},
	    {PTKT_MIXED, T48 - 1, T48 - 1, PTKT_OK, T48 - 1},
	    {PTKT_MIXED, T48 + 30, T48 - 30, PTKT_OK, T48 + 30},
	    {PTKT_MIXED, T48 + 30, T48 - 31, PTKT_OUT_OF_WINDOW, T48 + 30},
	    {PTKT_UPPER, UINT64_MAX, UINT64_MAX - 60, PTKT_OK, UINT64_MAX},
	    {PTKT_MIXED, UINT64_MAX - 60, UINT64_MAX, PTKT_OK, UINT64_MAX - 60},
	    {PTKT_MIXED, 3, UINT64_MAX, PTKT_OUT_OF_WINDOW,
	        UINT64_MAX - T48 + 4},
	};
	struct passticket_key k;
	char tk[PASSTICKET_LEN + 1], t2[PASSTICKET_LEN + 1], row[16];
	uint64_t bits;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)snprintf(row, sizeof(row), "row %zu", i);
		make_enhanced(&k, K32, cases[i].type);
		bits = cases[i].type == PTKT_UPPER ? T41 - 1 : T48 - 1;
		assert_int_equal(passticket_generate(
		                     &k, "TOM", "CICSPROD", cases[i].gen, tk),
		    0);
		assert_int_equal(passticket_generate(&k, "TOM", "CICSPROD",
		                     cases[i].gen & bits, t2),
		    0);
		if (strcmp(tk, t2) != 0)
			fail_msg("%s: %s != %s", row, tk, t2);
		want_check(row, &k, "TOM", "CICSPROD", tk, cases[i].now, 60,
		    cases[i].want, cases[i].when);
	}
}

/* A random valid name of 1-8 characters, lower case included. */
static void
random_name(char *buf, size_t minlen)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#$@"
	                          "abcdefghijklmnopqrstuvwxyz";
	size_t n, i;

	n = minlen + (size_t)prng_below(9 - minlen);
	for (i = 0; i < n; i++)
		buf[i] = set[prng_below(sizeof(set) - 1)];
	buf[n] = '\0';
}

/* The name with case swapped (the same RACF name). */
static void
swap_case(const char *in, char *out)
{
	size_t i;

	for (i = 0; in[i] != '\0'; i++) {
		char c = in[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[i] = '\0';
}

/* A different RACF name: the first character replaced. */
static void
other_name(const char *in, char *out)
{
	size_t n = strlen(in);

	memcpy(out, in, n + 1);
	out[0] = (in[0] == 'Q' || in[0] == 'q') ? '#' : 'Q';
}

/* One random round trip; returns nothing, fails on a wrong result. */
static void
round_trip(const struct passticket_key *k, const char *user, const char *appl,
    uint64_t t, unsigned window, size_t iter)
{
	char tk[PASSTICKET_LEN + 1], u2[16], a2[16], row[64];
	uint64_t off, now;

	(void)snprintf(row, sizeof(row), "iteration %zu (%s/%s t=%llu)", iter,
	    user, appl, (unsigned long long)t);
	if (passticket_generate(k, user, appl, t, tk) != 0)
		fail_msg("%s: generate failed", row);
	off = prng_below(2 * (uint64_t)window + 1);
	now = t + off >= window ? t + off - window : t + off;
	want_check(row, k, user, appl, tk, now, window, PTKT_OK, t);
	swap_case(user, u2);
	swap_case(appl, a2);
	want_check(row, k, u2, a2, tk, t, window, PTKT_OK, t);
	if (iter % 8 == 0) {
		other_name(user, u2);
		if (passticket_check(k, u2, appl, tk, now, window, NULL) ==
		    PTKT_OK)
			fail_msg("%s: accepted for user %s", row, u2);
		other_name(appl, a2);
		if (passticket_check(k, user, a2, tk, now, window, NULL) ==
		    PTKT_OK)
			fail_msg("%s: accepted for appl %s", row, a2);
	}
}

/* A ticket made under k is refused under k with key[byte] ^ mask. */
static void
want_other_key_refused(const struct passticket_key *k, size_t byte,
    unsigned char mask, const char *user, const char *appl, uint64_t t,
    unsigned window, size_t iter)
{
	struct passticket_key k2 = *k;
	char tk[PASSTICKET_LEN + 1];

	k2.key[byte] ^= mask;
	assert_int_equal(passticket_generate(k, user, appl, t, tk), 0);
	if (passticket_check(&k2, user, appl, tk, t, window, NULL) == PTKT_OK)
		fail_msg("iteration %zu: wrong key accepted", iter);
}

static void
test_legacy_round_trips(void **state)
{
	static const uint64_t special[] = {
	    0,
	    1,
	    600,
	    2147483647,
	    2147483648,
	    T32 - 1,
	    T32 - 600,
	};
	struct passticket_key k;
	unsigned char key[8];
	char hex[17], user[9], appl[9];
	uint64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		uint64_t r = prng();

		memcpy(key, &r, sizeof(key));
		tohex(key, sizeof(key), hex);
		make_key(&k, PTKT_LEGACY, PTKT_UPPER, hex);
		random_name(user, i % 5 == 0 ? 8 : 1);
		random_name(appl, i % 3 == 0 ? 8 : 1);
		if (i % 7 == 0)
			user[1] = '\0'; /* 1-character user IDs */
		t = i < ARRAY_SIZE(special) ? special[i] : prng_below(T32);
		round_trip(&k, user, appl, t, PASSTICKET_LEGACY_WINDOW, i);
		if (i % 16 == 0)
			want_other_key_refused(&k, i % 8,
			    (unsigned char)(2U << (i % 7)), user, appl, t, 600,
			    i);
	}
}

static void
test_enhanced_round_trips(void **state)
{
	static const uint64_t special[] = {
	    0,
	    1,
	    2147483647,
	    2147483648,
	    T32 - 1,
	    T32,
	    T41 - 1,
	    T41 / 2,
	};
	struct passticket_key k;
	unsigned char key[PASSTICKET_ENHANCED_MAX];
	char hex[2 * PASSTICKET_ENHANCED_MAX + 1], user[9], appl[9];
	enum passticket_type type;
	uint64_t t;
	size_t i, j, len;

	(void)state;
	for (i = 0; i < 500; i++) {
		len = PASSTICKET_ENHANCED_MIN +
		      (size_t)prng_below(PASSTICKET_ENHANCED_MAX -
		                         PASSTICKET_ENHANCED_MIN + 1);
		for (j = 0; j < len; j++)
			key[j] = (unsigned char)prng();
		tohex(key, len, hex);
		type = i % 2 ? PTKT_MIXED : PTKT_UPPER;
		make_key(&k, PTKT_ENHANCED, type, hex);
		random_name(user, i % 5 == 0 ? 8 : 1);
		random_name(appl, i % 3 == 0 ? 8 : 1);
		if (i % 7 == 0)
			user[1] = '\0';
		t = i < 2 * ARRAY_SIZE(special) ? special[i / 2]
		                                : prng_below(UINT64_C(1) << 40);
		round_trip(&k, user, appl, t, PASSTICKET_ENHANCED_WINDOW, i);
		if (i % 16 == 0)
			want_other_key_refused(
			    &k, i % len, 0x01, user, appl, t, 60, i);
	}
	/* The largest times each type can carry. */
	make_enhanced(&k, K64, PTKT_MIXED);
	round_trip(&k, "IBMUSER", "TSOSYS1", T48 - 1, 60, 1);
	make_enhanced(&k, K64, PTKT_UPPER);
	round_trip(&k, "IBMUSER", "TSOSYS1", T41 - 1, 60, 1);
}

static void
test_result_str(void **state)
{
	static const struct {
		enum passticket_result r;
		const char *want;
	} cases[] = {
	    {PTKT_OK, "valid"},
	    {PTKT_MALFORMED,
	        "malformed ticket (not 8 characters of the ticket alphabet)"},
	    {PTKT_MISMATCH, "not a ticket for this user, application and key"},
	    {PTKT_OUT_OF_WINDOW, "outside the validity window"},
	    {PTKT_BAD_INPUT,
	        "user ID or APPLID is not 1-8 characters A-Z 0-9 # @ $"},
	    {(enum passticket_result)99, "unknown PassTicket result"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (strcmp(passticket_result_str(cases[i].r), cases[i].want) !=
		    0)
			fail_msg("row %zu: \"%s\"", i,
			    passticket_result_str(cases[i].r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_translate),
	    cmocka_unit_test(test_untranslate),
	    cmocka_unit_test(test_pads),
	    cmocka_unit_test(test_permute),
	    cmocka_unit_test(test_des),
	    cmocka_unit_test(test_legacy_worked),
	    cmocka_unit_test(test_enhanced_worked),
	    cmocka_unit_test(test_legacy_vectors),
	    cmocka_unit_test(test_enhanced_vectors),
	    cmocka_unit_test(test_changed_char),
	    cmocka_unit_test(test_wrong_inputs),
	    cmocka_unit_test(test_mismatch),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_key_hex),
	    cmocka_unit_test(test_time_edges),
	    cmocka_unit_test(test_enhanced_time_edges),
	    cmocka_unit_test(test_legacy_round_trips),
	    cmocka_unit_test(test_enhanced_round_trips),
	    cmocka_unit_test(test_result_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
