/*
 * code.h - access codes, and the per-user reset state sspr keeps in ESM
 * custom fields (so that every sspr node and every restart agree).
 *
 * An e-mailed access code is 8 characters from a 32-symbol alphabet
 * without look-alikes (no 0/O, 1/I): 40 bits from getrandom(), no modulo
 * bias (32 divides 256).  It is never stored: the code field holds an HMAC
 * of it bound to its flow, with its expiry and the wrong tries so far:
 *
 *	C1$I$<flow>$<expires>$<tries>$<mac>	issued, waiting for the code
 *	C1$P$<flow>$<expires>$0$[<mac>]	proof given: the flow may finish;
 *						the code's HMAC is kept, so that
 *						the same code sent again (a
 *						double click, Back) is known as
 *						a replay, not a wrong try
 *	C1$H$<flow>$<expires>$<tries>$<mac>	sent by the helpdesk: the next
 *						flow whose PIN is right adopts
 *						it (becomes I) instead of
 *						mailing a new code
 *
 * The fail field counts failed self-service attempts and the lock:
 *
 *	F1$<count>$<first failure>$<locked until>
 *
 * Both are written only by compare-and-set on the ESM, so that concurrent
 * requests (on any node) never both succeed or lose a count.
 */
#ifndef SSPR_CODE_H
#define SSPR_CODE_H

#include <stddef.h>

#define CODE_LEN       8
#define CODE_ALPHABET  "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define CODE_FLOW_LEN  16 /* flow ID: 80 bits, base32 */
#define CODE_MAC_LEN   52 /* HMAC-SHA-256, base32 without padding */
#define CODE_MAX_TRIES 3  /* wrong tries that burn a code */
#define CODE_FIELD_MAX 96

enum code_state { CODE_NONE, CODE_ISSUED, CODE_PASSED, CODE_HELPDESK };

struct code_field {
	enum code_state state;
	char flow[CODE_FLOW_LEN + 1];
	long long expires;
	int tries;
	char mac[CODE_MAC_LEN + 1];
};

struct fail_field {
	int count;
	long long first;
	long long locked_until;
};

/* A new random code / flow ID (NUL-terminated).  0, or -1 (no
 * randomness). */
int code_generate(char out[CODE_LEN + 1]);
int code_flow_id(char out[CODE_FLOW_LEN + 1]);

/* A code as typed: case folded, blanks and '-' dropped; -1 when the
 * result is not CODE_LEN characters of the alphabet. */
int code_normalize(const char *in, char out[CODE_LEN + 1]);

/* The HMAC of a code for a flow under key (32 bytes), base32. */
void code_mac(const unsigned char *key, const char *flow, const char *code,
    char out[CODE_MAC_LEN + 1]);

/* Parse a field value (NULL: none); -1 when malformed (treated by callers
 * as "no state"). */
int code_field_parse(const char *s, struct code_field *out);
void code_field_format(const struct code_field *f, char *out, size_t size);
int fail_field_parse(const char *s, struct fail_field *out);
void fail_field_format(const struct fail_field *f, char *out, size_t size);

#endif
