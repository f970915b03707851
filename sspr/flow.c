/*
 * flow.c - the reset flow's token: its state sealed (AES-256-GCM) under a
 * key derived from the flow key, then base64url-encoded.  A token cannot
 * be forged, read, or altered (to another user, step or expiry); what it
 * proves is anchored again in the ESM's code field at every step.
 */
#include "sspr/sspr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/seal.h"
#include "compat/banned.h"

#define FLOW_AD        "sspr-flow-v1"
#define FLOW_PLAIN_MAX 96

static const char flow_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
flow_b64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;
	unsigned v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = flow_b64[v >> 18 & 63];
		out[o++] = flow_b64[v >> 12 & 63];
		out[o++] = flow_b64[v >> 6 & 63];
		out[o++] = flow_b64[v & 63];
	}
	if (len - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = flow_b64[v >> 18 & 63];
		out[o++] = flow_b64[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = flow_b64[v >> 18 & 63];
		out[o++] = flow_b64[v >> 12 & 63];
		out[o++] = flow_b64[v >> 6 & 63];
	}
	out[o] = '\0';
}

static long
flow_b64_decode(const char *in, unsigned char *out, size_t max)
{
	unsigned v = 0;
	size_t o = 0;
	int bits = 0;
	const char *p;

	for (; *in != '\0'; in++) {
		if ((p = strchr(flow_b64, *in)) == NULL || *in == '\0')
			return -1;
		v = (v << 6) | (unsigned)(p - flow_b64);
		bits += 6;
		if (bits >= 8) {
			if (o == max)
				return -1;
			out[o++] = (unsigned char)(v >> (bits - 8));
			bits -= 8;
		}
	}
	/* Canonical only: what is left over is fewer than one character's
	 * bits, all zero; a character appended or changed in the padding
	 * bits is another token, refused. */
	if (bits >= 6 || (v & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

int
sspr_token_seal(const struct sspr *s, const struct sspr_token *t, char *out)
{
	unsigned char sealed[FLOW_PLAIN_MAX + SEAL_OVERHEAD];
	char plain[FLOW_PLAIN_MAX];
	long n;
	int len;

	len = snprintf(plain, sizeof(plain), "1|%s|%s|%d|%lld|%d|%d%d%d",
	    t->flow, t->userid, (int)t->step, t->expires, t->nq, t->q[0],
	    t->q[1], t->q[2]);
	if (len < 0 || (size_t)len >= sizeof(plain))
		return -1;
	n = seal(s->flow_key, FLOW_AD, (const unsigned char *)plain,
	    (size_t)len, sealed);
	secure_zero(plain, sizeof(plain));
	if (n < 0 || (size_t)(n * 4 / 3 + 4) > SSPR_TOKEN_MAX)
		return -1;
	flow_b64_encode(sealed, (size_t)n, out);
	return 0;
}

int
sspr_token_open(const struct sspr *s, const char *token, enum sspr_step step,
    struct sspr_token *t)
{
	unsigned char sealed[FLOW_PLAIN_MAX + SEAL_OVERHEAD];
	char plain[FLOW_PLAIN_MAX + 1], q[8];
	long n, m;
	int stp, fields;

	if (token == NULL || strlen(token) >= SSPR_TOKEN_MAX)
		return -1;
	n = flow_b64_decode(token, sealed, sizeof(sealed));
	if (n < SEAL_OVERHEAD)
		return -1;
	m = unseal(
	    s->flow_key, FLOW_AD, sealed, (size_t)n, (unsigned char *)plain);
	if (m < 0)
		return -1;
	plain[m] = '\0';
	memset(t, 0, sizeof(*t));
	/* The format is ours and authenticated; parse it strictly anyway. */
	fields = sscanf(plain, "1|%16[A-Z2-7]|%8[A-Z0-9#@$]|%d|%lld|%d|%3[0-2]",
	    t->flow, t->userid, &stp, &t->expires, &t->nq, q);
	if (fields != 6 || strlen(t->flow) != CODE_FLOW_LEN || t->nq < 0 ||
	    t->nq > POLICY_QUESTIONS || strlen(q) != 3 || stp != (int)step ||
	    t->expires <= (long long)sspr_now(s))
		return -1;
	t->step = (enum sspr_step)stp;
	t->q[0] = q[0] - '0';
	t->q[1] = q[1] - '0';
	t->q[2] = q[2] - '0';
	return 0;
}
