/*
 * racf_ptkt.c - PTKTDATA profiles and PassTicket evaluation for the
 * embedded ESM (see racf_ptkt.h).
 *
 * Every unsealed key lives on this file's stack only for the length of
 * one call and is wiped before return.
 */
#include "esm/racf_ptkt.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

#include "esm/racf_mkey.h"
#include "compat/hex.h"
#include "compat/banned.h"

#define RACF_PTKT_KCV "mkey_kcv"

/* The associated data that binds a sealed key to its profile and kind. */
static void
racf_ptkt_ad(const char *applid, int enhanced, char *ad, size_t size)
{
	snprintf(ad, size, "sspr-ptktdata-v1:%s:%s", applid,
	    enhanced ? "enhanced" : "legacy");
}

/*
 * Load the master key and check it is the one the database's keys are
 * sealed under.  create: make one if the database has none yet.  Returns
 * 0, or -1 with err.
 */
static int
racf_ptkt_mkey(struct racf *r, int create, unsigned char key[RACF_MKEY_LEN],
    char *err, size_t errsize)
{
	char have[RACF_MKEY_KCV], want[RACF_MKEY_KCV];
	enum racf_mkey_status st;
	int known;

	if (r->mkey_path == NULL) {
		snprintf(err, errsize,
		    "no ESM master key file is configured for this database");
		return -1;
	}
	known = racf_db_meta_get(r->db, RACF_PTKT_KCV, want, sizeof(want));
	if (known == -1) {
		snprintf(err, errsize, "%s", racf_db_error(r->db));
		return -1;
	}
	st = racf_mkey_load(r->mkey_path, create && !known, key, err, errsize);
	if (st != RACF_MKEY_OK)
		return -1;
	racf_mkey_kcv(key, have);
	if (known && strcmp(have, want) != 0) {
		snprintf(err, errsize,
		    "the ESM master key '%s' is not the one this database's "
		    "PassTicket keys were sealed under; copy the right master "
		    "key file from the primary system, or redefine the "
		    "PTKTDATA profiles here",
		    r->mkey_path);
		secure_zero(key, RACF_MKEY_LEN);
		return -1;
	}
	if (!known && racf_db_meta_put(r->db, RACF_PTKT_KCV, have) == -1) {
		snprintf(err, errsize, "%s", racf_db_error(r->db));
		secure_zero(key, RACF_MKEY_LEN);
		return -1;
	}
	return 0;
}

/* Unseal the key of kind from profile p into k.  0, or -1 with err. */
static int
racf_ptkt_unseal(const struct racf_ptkt_rec *p, int enhanced,
    const unsigned char mkey[RACF_MKEY_LEN], struct passticket_key *k,
    char *err, size_t errsize)
{
	char ad[64];
	int n;

	racf_ptkt_ad(p->applid, enhanced, ad, sizeof(ad));
	memset(k, 0, sizeof(*k));
	n = enhanced
	        ? racf_mkey_unseal(
	              mkey, ad, p->enhanced, p->enhanced_len, k->key)
	        : racf_mkey_unseal(mkey, ad, p->legacy, p->legacy_len, k->key);
	if (n < 0 || (enhanced ? n < PASSTICKET_ENHANCED_MIN
	                       : n != PASSTICKET_LEGACY_KEY)) {
		snprintf(err, errsize,
		    "the %s PassTicket key of PTKTDATA profile %s is damaged "
		    "and cannot be unsealed; redefine it with RALTER PTKTDATA "
		    "%s SSIGNON(...)",
		    enhanced ? "enhanced" : "legacy", p->applid, p->applid);
		secure_zero(k, sizeof(*k));
		return -1;
	}
	k->len = (size_t)n;
	k->kind = enhanced ? PTKT_ENHANCED : PTKT_LEGACY;
	k->type = (enum passticket_type)p->type;
	return 0;
}

static void
racf_ptkt_digest(
    const char *applid, const char *user, const char *ticket, char out[65])
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(applid) + 1, (const uint8_t *)applid);
	sha256_update(&ctx, strlen(user) + 1, (const uint8_t *)user);
	sha256_update(&ctx, PASSTICKET_LEN, (const uint8_t *)ticket);
	sha256_digest(&ctx, sizeof(d), d);
	hex_encode(d, SHA256_DIGEST_SIZE, out, 0);
}

enum racf_ptkt_status
racf_ptkt_evaluate(struct racf *r, const char *applid, const char *user,
    const char *ticket, time_t now, struct racf_ptkt_eval *ev, char *err,
    size_t errsize)
{
	unsigned char mkey[RACF_MKEY_LEN];
	struct racf_ptkt_rec p;
	struct passticket_key k;
	enum racf_ptkt_status rv = RACF_PTKT_MASTERKEY;
	int found, enhanced;

	found = racf_db_ptkt_get(r->db, applid, &p);
	if (found == -1) {
		snprintf(err, errsize, "%s", racf_db_error(r->db));
		return RACF_PTKT_ERROR;
	}
	if (found == 0 || (!p.has_legacy && !p.has_enhanced))
		return RACF_PTKT_NOPROFILE;
	if (racf_ptkt_mkey(r, 0, mkey, err, errsize) == -1)
		return RACF_PTKT_MASTERKEY;
	enhanced = p.has_enhanced; /* with both keys RACF uses enhanced */
	if (racf_ptkt_unseal(&p, enhanced, mkey, &k, err, errsize) == -1)
		goto out;
	memset(ev, 0, sizeof(*ev));
	ev->kind = k.kind;
	ev->type = k.type;
	ev->window = enhanced ? (unsigned)p.timeout : PASSTICKET_LEGACY_WINDOW;
	ev->replay_allowed = enhanced ? p.replay_enhanced : p.replay_legacy;
	ev->result = passticket_check(
	    &k, user, applid, ticket, (uint64_t)now, ev->window, &ev->when);
	passticket_fingerprint(&k, ev->fingerprint);
	racf_ptkt_digest(applid, user, ticket, ev->digest);
	rv = ev->result == PTKT_OK ? RACF_PTKT_VALID : RACF_PTKT_INVALID;
out:
	secure_zero(mkey, sizeof(mkey));
	secure_zero(&k, sizeof(k));
	secure_zero(&p, sizeof(p));
	return rv;
}

int
racf_ptkt_consume(struct racf *r, const char *applid, const char *user,
    const struct racf_ptkt_eval *ev, time_t now)
{
	if (ev->replay_allowed)
		return 1;
	/* Remember the ticket for as long as it could be accepted again. */
	return racf_db_ptkt_use(r->db, applid, user, ev->digest,
	    (time_t)ev->when + (time_t)ev->window + 1, now);
}

/* Seal key (of kind enhanced) for applid into dst; -1 on failure. */
static int
racf_ptkt_seal(const unsigned char mkey[RACF_MKEY_LEN], const char *applid,
    int enhanced, const struct passticket_key *key, unsigned char *dst,
    size_t *len)
{
	char ad[64];
	int n;

	racf_ptkt_ad(applid, enhanced, ad, sizeof(ad));
	n = racf_mkey_seal(mkey, ad, key->key, key->len, dst);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

int
racf_ptkt_define(struct racf *r, const char *applid,
    const struct racf_ptkt_def *def, int alter, char *err, size_t errsize)
{
	unsigned char mkey[RACF_MKEY_LEN];
	struct racf_ptkt_rec p;
	int found, rv = -1;

	found = racf_db_ptkt_get(r->db, applid, &p);
	if (found == -1) {
		snprintf(err, errsize, "%s", racf_db_error(r->db));
		return -1;
	}
	if (found && !alter) {
		snprintf(err, errsize,
		    "ICH10102I %s ALREADY DEFINED TO CLASS PTKTDATA", applid);
		return -1;
	}
	if (!found && alter) {
		snprintf(err, errsize,
		    "ICH11009I RACLISTED PROFILE %s NOT FOUND IN CLASS "
		    "PTKTDATA",
		    applid);
		return -1;
	}
	if (!found) {
		memset(&p, 0, sizeof(p));
		strlcpy_s(p.applid, applid, sizeof(p.applid));
		p.timeout = PASSTICKET_ENHANCED_WINDOW;
		p.created = racf_now(r);
	}
	if ((def->set_legacy || def->set_enhanced) &&
	    racf_ptkt_mkey(r, 1, mkey, err, errsize) == -1)
		goto out;
	if (def->set_legacy) {
		if (racf_ptkt_seal(mkey, applid, 0, &def->legacy, p.legacy,
		        &p.legacy_len) == -1)
			goto seal_fail;
		p.has_legacy = 1;
	}
	if (def->set_enhanced) {
		if (racf_ptkt_seal(mkey, applid, 1, &def->enhanced, p.enhanced,
		        &p.enhanced_len) == -1)
			goto seal_fail;
		p.has_enhanced = 1;
	}
	if (def->set_type)
		p.type = (int)def->type;
	if (def->set_timeout)
		p.timeout = def->timeout;
	if (def->set_replay)
		p.replay_enhanced = def->replay;
	if (def->set_appldata) {
		strlcpy_s(p.appldata, def->appldata, sizeof(p.appldata));
		p.replay_legacy =
		    strcmp(def->appldata, "NO REPLAY PROTECTION") == 0;
	}
	if (!p.has_legacy && !p.has_enhanced) {
		snprintf(err, errsize,
		    "IKJ56701I MISSING SSIGNON KEY: KEYMASKED(16 hex digits) "
		    "or EPTKEYMASKED(64-512 hex digits)");
		goto out;
	}
	if (racf_db_ptkt_put(r->db, &p) == -1) {
		snprintf(err, errsize, "%s", racf_db_error(r->db));
		goto out;
	}
	rv = 0;
	goto out;
seal_fail:
	snprintf(err, errsize, "sealing the PassTicket key failed");
out:
	secure_zero(mkey, sizeof(mkey));
	secure_zero(&p, sizeof(p));
	return rv;
}

int
racf_ptkt_delete(struct racf *r, const char *applid, char *err, size_t errsize)
{
	long long left = 0;
	int n = racf_db_ptkt_delete(r->db, applid);

	/* With the last profile gone, a new master key may be made. */
	if (n == 1 &&
	    (racf_db_ptkt_count(r->db, &left) == -1 ||
	        (left == 0 && racf_db_meta_delete(r->db, RACF_PTKT_KCV) == -1)))
		n = -1;
	if (n == -1)
		snprintf(err, errsize, "%s", racf_db_error(r->db));
	return n;
}

int
racf_ptkt_info(struct racf *r, const char *applid, struct racf_ptkt_info *info,
    char *err, size_t errsize)
{
	unsigned char mkey[RACF_MKEY_LEN];
	struct racf_ptkt_rec p;
	struct passticket_key k;
	int found, kind;

	found = racf_db_ptkt_get(r->db, applid, &p);
	if (found != 1) {
		if (found == -1)
			snprintf(err, errsize, "%s", racf_db_error(r->db));
		return found;
	}
	memset(info, 0, sizeof(*info));
	strlcpy_s(info->applid, p.applid, sizeof(info->applid));
	info->has_legacy = p.has_legacy;
	info->has_enhanced = p.has_enhanced;
	info->type = (enum passticket_type)p.type;
	info->timeout = p.timeout;
	info->replay_legacy = p.replay_legacy;
	info->replay_enhanced = p.replay_enhanced;
	strlcpy_s(info->appldata, p.appldata, sizeof(info->appldata));
	if (racf_ptkt_mkey(r, 0, mkey, info->problem, sizeof(info->problem)) ==
	    0) {
		for (kind = 0; kind < 2; kind++) {
			if (!(kind ? p.has_enhanced : p.has_legacy))
				continue;
			if (racf_ptkt_unseal(&p, kind, mkey, &k, info->problem,
			        sizeof(info->problem)) == -1)
				continue;
			passticket_fingerprint(
			    &k, kind ? info->enhanced_fp : info->legacy_fp);
			secure_zero(&k, sizeof(k));
		}
	}
	secure_zero(mkey, sizeof(mkey));
	secure_zero(&p, sizeof(p));
	return 1;
}
