/*
 * hdsession.c - the helpdesk's session table (see helpdesk.h).
 *
 * One table per process, shared by every sspr handle; a mutex guards it.
 * A session is found by the SHA-256 of its token (the token itself is
 * never kept), compared in constant time.  The table is bounded: when it
 * is full the oldest idle session is ended.
 */
#include "sspr/hdsession.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/base32.h"
#include "compat/hex.h"
#include "compat/banned.h"

struct hd_session {
	int used;
	unsigned char hash[SHA256_DIGEST_SIZE];
	char actor[SSPR_MAX_USERID + 1];
	long long created, last;
};

struct sspr_hd_sessions {
	pthread_mutex_t mu;
	struct hd_session s[HD_MAX_SESSIONS];
};

struct sspr_hd_sessions *
sspr_hd_sessions_new(void)
{
	struct sspr_hd_sessions *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->mu, NULL);
	return t;
}

size_t
hd_sessions_size(void)
{
	return sizeof(struct sspr_hd_sessions);
}

void
sspr_hd_sessions_free(struct sspr_hd_sessions *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	freezero(t, sizeof(*t));
}

static void
hd_hash(const char *token, unsigned char out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, strlen(token), (const uint8_t *)token);
	sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

static void
hd_hex(const unsigned char *h, char out[65])
{
	hex_encode(h, SHA256_DIGEST_SIZE, out, 0);
}

int
hd_session_new(struct sspr_hd_sessions *t, const char *actor, long long now,
    char token[SSPR_HD_TOKEN_MAX])
{
	unsigned char r[32];
	size_t i, victim = 0;
	long long oldest = -1;

	if (random_bytes(r, sizeof(r)) == -1)
		return -1;
	(void)base32_encode(r, sizeof(r), token, SSPR_HD_TOKEN_MAX);
	secure_zero(r, sizeof(r));
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < HD_MAX_SESSIONS; i++) {
		if (!t->s[i].used) {
			victim = i;
			break;
		}
		if (oldest == -1 || t->s[i].last < oldest) {
			oldest = t->s[i].last;
			victim = i;
		}
	}
	memset(&t->s[victim], 0, sizeof(t->s[victim]));
	t->s[victim].used = 1;
	hd_hash(token, t->s[victim].hash);
	strlcpy_s(t->s[victim].actor, actor, sizeof(t->s[victim].actor));
	t->s[victim].created = t->s[victim].last = now;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

int
hd_session_find(struct sspr_hd_sessions *t, const char *token, long long now,
    long long idle, long long max, struct sspr_hd_actor *out)
{
	unsigned char h[SHA256_DIGEST_SIZE];
	size_t i;
	int rc = -1;

	if (token == NULL || strlen(token) >= SSPR_HD_TOKEN_MAX)
		return -1;
	hd_hash(token, h);
	pthread_mutex_lock(&t->mu);
	for (i = 0; i < HD_MAX_SESSIONS; i++) {
		struct hd_session *s = &t->s[i];

		if (!s->used || !ct_equal(s->hash, h, sizeof(h)))
			continue;
		if (s->last + idle <= now || s->created + max <= now) {
			memset(s, 0, sizeof(*s)); /* expired: ended */
			break;
		}
		s->last = now;
		strlcpy_s(out->userid, s->actor, sizeof(out->userid));
		hd_hex(h, out->token_hash);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

void
hd_session_end(struct sspr_hd_sessions *t, const char *token_hash)
{
	char hex[65];
	size_t i;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < HD_MAX_SESSIONS; i++) {
		if (!t->s[i].used)
			continue;
		hd_hex(t->s[i].hash, hex);
		if (strcmp(hex, token_hash) == 0)
			memset(&t->s[i], 0, sizeof(t->s[i]));
	}
	pthread_mutex_unlock(&t->mu);
}

void
hd_session_end_actor(struct sspr_hd_sessions *t, const char *actor)
{
	size_t i;

	pthread_mutex_lock(&t->mu);
	for (i = 0; i < HD_MAX_SESSIONS; i++)
		if (t->s[i].used && strcmp(t->s[i].actor, actor) == 0)
			memset(&t->s[i], 0, sizeof(t->s[i]));
	pthread_mutex_unlock(&t->mu);
}
