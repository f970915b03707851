/*
 * passticket.h - RACF PassTickets: generation and evaluation, legacy (DES)
 * and enhanced (HMAC-SHA-512), bit-exact to shared/specs/passticket.md.
 *
 * A PassTicket is a one-time password substitute: 8 characters computed
 * from a secret key shared by the generator (sspr) and the evaluator (the
 * ESM's PTKTDATA profile), the user ID, the application name (APPLID) and
 * the time in seconds since 1970-01-01 UTC.  Evaluation decodes the time
 * hidden in the ticket (the time-coder is invertible) and checks it against
 * the evaluator's clock.
 *
 * Inputs: user IDs and APPLIDs are 1-8 characters of A-Z 0-9 # @ $, folded
 * to upper case here (RACF names are upper case; a lower-case name would
 * make a ticket RACF never accepts).  Keys: legacy 8 bytes (parity bits
 * ignored), enhanced 32-256 bytes of raw HMAC key.
 *
 * Pure functions over caller memory: no allocation, no I/O, no globals.
 * Key material passed in is never copied outside the stack frames of these
 * functions, and every stack copy is wiped before return.
 *
 *	struct passticket_key k;
 *	char t[PASSTICKET_LEN + 1];
 *
 *	passticket_key_hex(&k, PTKT_LEGACY, PTKT_UPPER, "E001193519561977",
 *	    err, sizeof(err));
 *	passticket_generate(&k, "MIKEM", "TSOSYS1", 1111111, t);  // AEPRRZ3S
 *	passticket_check(&k, "MIKEM", "TSOSYS1", t, 1111111 + 30, 600, &when);
 */
#ifndef SSPR_PASSTICKET_H
#define SSPR_PASSTICKET_H

#include <stddef.h>
#include <stdint.h>

#define PASSTICKET_LEN             8
#define PASSTICKET_LEGACY_KEY      8
#define PASSTICKET_ENHANCED_MIN    32
#define PASSTICKET_ENHANCED_MAX    256
#define PASSTICKET_LEGACY_WINDOW   600 /* seconds either side */
#define PASSTICKET_ENHANCED_WINDOW 60  /* default timeout */

enum passticket_kind { PTKT_LEGACY, PTKT_ENHANCED };
enum passticket_type { PTKT_UPPER, PTKT_MIXED }; /* enhanced only */

struct passticket_key {
	enum passticket_kind kind;
	enum passticket_type type;
	size_t len;                                 /* bytes of key used */
	unsigned char key[PASSTICKET_ENHANCED_MAX]; /* secret: wipe after use */
};

enum passticket_result {
	PTKT_OK = 0,    /* valid: generated for this key, user, appl, time */
	PTKT_MALFORMED, /* not 8 characters of the ticket alphabet */
	PTKT_MISMATCH,  /* not a ticket of this key/user/appl */
	PTKT_OUT_OF_WINDOW, /* a ticket of this key/user/appl, too old or too
	                       far in the future */
	PTKT_BAD_INPUT,     /* user ID or APPLID not 1-8 valid characters */
};

/*
 * Fill *k from hex text (case-insensitive, no separators): legacy exactly
 * 16 hex digits; enhanced 64-512 hex digits (32-256 bytes).  Returns 0, or
 * -1 with a message in err that never quotes the key.
 */
int passticket_key_hex(struct passticket_key *k, enum passticket_kind kind,
    enum passticket_type type, const char *hex, char *err, size_t errsize);

/* 1 when k's kind, type and length are ones PassTickets can use. */
int passticket_key_valid(const struct passticket_key *k);

/*
 * Generate the ticket for user, appl and t into out (PASSTICKET_LEN
 * characters plus NUL).  Returns 0, or -1 when user or appl is not 1-8
 * valid characters (out untouched).  Legacy tickets use the low 32 bits of
 * t (they wrap in 2106, as RACF's do); enhanced ones the low 48.
 */
int passticket_generate(const struct passticket_key *k, const char *user,
    const char *appl, uint64_t t, char out[PASSTICKET_LEN + 1]);

/*
 * Evaluate ticket for user and appl at time now: decode the generation
 * time and accept it when |time - now| <= window seconds.  *when (may be
 * NULL) gets the decoded generation time when the result is PTKT_OK or
 * PTKT_OUT_OF_WINDOW.  Runs in time independent of where a mismatch is.
 */
enum passticket_result passticket_check(const struct passticket_key *k,
    const char *user, const char *appl, const char *ticket, uint64_t now,
    unsigned window, uint64_t *when);

/*
 * A short, non-secret fingerprint of a key, for listings that let an
 * operator compare sspr's copy with the ESM's (sspr keys list, RLIST
 * PTKTDATA): the first 8 bytes of SHA-256 over a domain label, the kind,
 * the type and the key, as 16 lower-case hex digits into out.
 */
void passticket_fingerprint(const struct passticket_key *k, char out[17]);

/* A short lower-case description of a result ("valid", "not a ticket for
 * this user, application and key", ...); static. */
const char *passticket_result_str(enum passticket_result r);

#endif
