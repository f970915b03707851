/*
 * pageflow.c - the reset flow's token as the pages carry it: in a hidden
 * form field of each step's page, sealed (AES-256-GCM) under a key only
 * this browser holds, its __Host-fb cookie.
 *
 * Why a field and not a cookie: a cookie is one per browser, so a second
 * tab replaced the first tab's flow, and the Back button or a double click
 * re-posted an earlier step's form with a later step's token (a refusal
 * that ended the flow).  A field belongs to its page: each tab, and each
 * step's page, posts the token it was given.  Why sealed under a cookie:
 * what a page holds (a saved or shared page, an extension reading the
 * page) is not enough to continue the flow; the browser's HttpOnly,
 * SameSite=Strict cookie must come with it.  The cookie is random, never
 * written into a page, and the same for every flow of the browser.  The
 * token inside is the core's sealed token (sspr/flow.c): bound to the user
 * and the step, and refused once the flow has moved on.  Nothing of it is
 * ever in a URL (forms are POSTed; pages are no-store, no-referrer).
 * The cookie is not renewed per flow or step (the core's token is, at
 * every step): it authorizes nothing by itself, and a new one would end
 * the flows of the browser's other tabs.  A field that does not open (no
 * cookie, another browser's, altered) is passed on as no token, which the
 * core refuses like any bad token.
 */
#include "web/web_int.h"

#include <nettle/sha2.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/base32.h"
#include "compat/hex.h"
#include "compat/seal.h"
#include "compat/banned.h"

#define PAGEFLOW_AD        "sspr-page-flow-v1"
#define PAGEFLOW_BIND_RAW  32
#define PAGEFLOW_BIND_LEN  BASE32_LEN(PAGEFLOW_BIND_RAW)
#define PAGEFLOW_TOKEN_MAX 200 /* the core's tokens are about 170 */

/* This browser's binding key from its __Host-fb cookie, or, with create,
 * a new cookie (set on rq).  0, or -1 when there is none. */
static int
pageflow_key(struct web_req *rq, int create, unsigned char key[SEAL_KEY_LEN])
{
	const char *c = web_cookie(rq, "__Host-fb");
	char fresh[PAGEFLOW_BIND_LEN + 1];
	unsigned char r[PAGEFLOW_BIND_RAW];
	struct sha256_ctx h;

	if (c == NULL || strlen(c) != PAGEFLOW_BIND_LEN ||
	    strspn(c, BASE32_ALPHABET) != PAGEFLOW_BIND_LEN) {
		if (!create)
			return -1;
		if (random_bytes(r, sizeof(r)) == -1)
			fatalx("no randomness for a flow binding");
		(void)base32_encode(r, sizeof(r), fresh, sizeof(fresh));
		secure_zero(r, sizeof(r));
		web_set_cookie(rq, "__Host-fb=%s" WEB_COOKIE_ATTRS, fresh);
		c = fresh;
	}
	sha256_init(&h);
	sha256_update(&h, sizeof(PAGEFLOW_AD), (const uint8_t *)PAGEFLOW_AD);
	sha256_update(&h, strlen(c), (const uint8_t *)c);
	sha256_digest(&h, SEAL_KEY_LEN, key);
	secure_zero(&h, sizeof(h));
	secure_zero(fresh, sizeof(fresh));
	return 0;
}

void
page_flow_binding(struct web_req *rq)
{
	unsigned char key[SEAL_KEY_LEN];

	(void)pageflow_key(rq, 1, key);
	secure_zero(key, sizeof(key));
}

int
page_flow_wrap(struct web_req *rq, const char *token, char out[PAGE_FLOW_MAX])
{
	unsigned char key[SEAL_KEY_LEN],
	    sealed[PAGEFLOW_TOKEN_MAX + SEAL_OVERHEAD];
	size_t len = token != NULL ? strlen(token) : 0;
	long n;

	if (len == 0 || len > PAGEFLOW_TOKEN_MAX)
		return -1;
	(void)pageflow_key(rq, 1, key);
	n = seal(key, PAGEFLOW_AD, (const unsigned char *)token, len, sealed);
	secure_zero(key, sizeof(key));
	if (n < 0)
		return -1;
	hex_encode(sealed, (size_t)n, out, 0);
	return 0;
}

int
page_flow_unwrap(
    struct web_req *rq, const char *field, char out[SSPR_TOKEN_MAX])
{
	unsigned char key[SEAL_KEY_LEN],
	    sealed[PAGEFLOW_TOKEN_MAX + SEAL_OVERHEAD];
	size_t len = field != NULL ? strlen(field) : 0, i;
	long n;
	int hi, lo;

	if (len % 2 != 0 || len / 2 <= SEAL_OVERHEAD ||
	    len / 2 > sizeof(sealed))
		return -1;
	for (i = 0; i < len / 2; i++) {
		hi = hex_value((unsigned char)field[2 * i]);
		lo = hex_value((unsigned char)field[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		sealed[i] = (unsigned char)(hi << 4 | lo);
	}
	if (pageflow_key(rq, 0, key) == -1)
		return -1;
	n = unseal(key, PAGEFLOW_AD, sealed, len / 2, (unsigned char *)out);
	secure_zero(key, sizeof(key));
	if (n < 0 || (size_t)n >= SSPR_TOKEN_MAX ||
	    memchr(out, '\0', (size_t)n))
		return -1;
	out[n] = '\0';
	return 0;
}
