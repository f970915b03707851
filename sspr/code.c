/*
 * code.c - access codes and the reset-state field formats (see code.h).
 */
#include "sspr/code.h"

#include <errno.h>
#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/base32.h"
#include "compat/banned.h"

/* n symbols of alphabet (32 symbols) from the CSPRNG: 5 bits each, no
 * bias. */
static int
code_random(char *out, size_t n, const char *alphabet)
{
	unsigned char r[32];
	size_t i;

	if (n > sizeof(r) || random_bytes(r, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = alphabet[r[i] & 31];
	out[n] = '\0';
	secure_zero(r, sizeof(r));
	return 0;
}

int
code_generate(char out[CODE_LEN + 1])
{
	return code_random(out, CODE_LEN, CODE_ALPHABET);
}

int
code_flow_id(char out[CODE_FLOW_LEN + 1])
{
	return code_random(out, CODE_FLOW_LEN, BASE32_ALPHABET);
}

int
code_normalize(const char *in, char out[CODE_LEN + 1])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		char c = *in;

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == CODE_LEN || strchr(CODE_ALPHABET, c) == NULL || c == 0)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == CODE_LEN ? 0 : -1;
}

void
code_mac(const unsigned char *key, const char *flow, const char *code,
    char out[CODE_MAC_LEN + 1])
{
	struct hmac_sha256_ctx h;
	unsigned char d[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&h, 32, key);
	hmac_sha256_update(&h, strlen(flow) + 1, (const uint8_t *)flow);
	hmac_sha256_update(&h, strlen(code), (const uint8_t *)code);
	hmac_sha256_digest(&h, sizeof(d), d);
	(void)base32_encode(d, sizeof(d), out, CODE_MAC_LEN + 1);
	secure_zero(&h, sizeof(h));
	secure_zero(d, sizeof(d));
}

/* Split s at '$' into at most max fields (in buf); the count or -1. */
static int
code_split(const char *s, char *buf, size_t size, char **f, int max)
{
	int n = 0;
	char *p;

	if (strlcpy_s(buf, s, size) >= size)
		return -1;
	for (p = buf; n < max; n++) {
		f[n] = p;
		if ((p = strchr(p, '$')) == NULL)
			return n + 1;
		*p++ = '\0';
	}
	return -1;
}

static int
code_num(const char *s, long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0 ? 0 : -1;
}

int
code_field_parse(const char *s, struct code_field *out)
{
	char buf[CODE_FIELD_MAX], *f[6];
	long long tries;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return 0;
	if (code_split(s, buf, sizeof(buf), f, 6) != 6 ||
	    strcmp(f[0], "C1") != 0 || strlen(f[2]) != CODE_FLOW_LEN ||
	    code_num(f[3], &out->expires) == -1 ||
	    code_num(f[4], &tries) == -1 || tries > 100 ||
	    strlen(f[5]) > CODE_MAC_LEN)
		goto bad;
	if (strcmp(f[1], "I") == 0 && strlen(f[5]) == CODE_MAC_LEN)
		out->state = CODE_ISSUED;
	else if (strcmp(f[1], "H") == 0 && strlen(f[5]) == CODE_MAC_LEN)
		out->state = CODE_HELPDESK;
	else if (strcmp(f[1], "P") == 0 &&
	         (f[5][0] == '\0' || strlen(f[5]) == CODE_MAC_LEN))
		out->state = CODE_PASSED;
	else
		goto bad;
	strlcpy_s(out->flow, f[2], sizeof(out->flow));
	strlcpy_s(out->mac, f[5], sizeof(out->mac));
	out->tries = (int)tries;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

void
code_field_format(const struct code_field *f, char *out, size_t size)
{
	if (f->state == CODE_NONE) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "C1$%s$%s$%lld$%d$%s",
	    f->state == CODE_ISSUED     ? "I"
	    : f->state == CODE_HELPDESK ? "H"
	                                : "P",
	    f->flow, f->expires, f->tries, f->mac);
}

int
fail_field_parse(const char *s, struct fail_field *out)
{
	char buf[CODE_FIELD_MAX], *f[4];
	long long count;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return 0;
	if (code_split(s, buf, sizeof(buf), f, 4) != 4 ||
	    strcmp(f[0], "F1") != 0 || code_num(f[1], &count) == -1 ||
	    count > 1000000 || code_num(f[2], &out->first) == -1 ||
	    code_num(f[3], &out->locked_until) == -1) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->count = (int)count;
	return 0;
}

void
fail_field_format(const struct fail_field *f, char *out, size_t size)
{
	if (f->count == 0 && f->locked_until == 0) {
		out[0] = '\0';
		return;
	}
	snprintf(
	    out, size, "F1$%d$%lld$%lld", f->count, f->first, f->locked_until);
}
