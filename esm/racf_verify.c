/*
 * racf_verify.c - RACROUTE REQUEST=VERIFY for the embedded ESM.
 *
 * The verify path decides, like EXEC CICS VERIFY PHRASE, by length whether
 * it was given a password (1-8) or a phrase (9-100), and answers with the
 * CICS outcome fields.  With a new secret it is the verify/change path:
 * the new value must pass the syntax rules, differ from the current value,
 * not be in the history and respect MINCHANGE; the reasons are reported
 * distinctly from a wrong current secret.  racf_check_secret() is the dry
 * run of those rules: the same snapshot, folding and checks
 * (racf_verify_new_rules()), without verifying, counting or writing.
 *
 * Failed attempts are counted with an atomic read-modify-write inside a
 * write transaction, so two processes failing at once both count.  Slow
 * hashing happens outside the lock against a snapshot; a success is then
 * written only if the profile's version has not moved (else the verify
 * starts again), so a password changed meanwhile is never overwritten.
 *
 * Return and reason codes: shared/specs/racf.md §4.
 */
#include "esm/racf.h"

#include <stdio.h>
#include <string.h>

#include "esm/racf_ptkt.h"
#include "esm/racf_rules.h"
#include "esm/racf_secret.h"
#include "compat/banned.h"

#define RACF_VERIFY_RETRIES 8
#define RACF_RETRY          2 /* internal: the profile moved, start again */
#define RACF_REPLAY         3 /* internal: the PassTicket was used before */

/* Everything one attempt needs, wiped at the end. */
struct racf_attempt {
	struct racf_setropts opts;
	struct racf_user_rec u;
	char cur[SSPR_MAX_SECRET + 1]; /* the secret given, folded */
	char neu[SSPR_MAX_SECRET + 1]; /* the new secret, folded */
	size_t curlen, neulen;
	int phrase;    /* the secret given is a phrase */
	int newphrase; /* the new secret is a phrase */
	char newhash[RACF_HASH_MAX];
	char history[SSPR_MAX_HISTORY][RACF_HASH_MAX];
	int nhistory;
	const char *raw;          /* the secret as given (tickets) */
	const char *rawnew;       /* the new secret as given; NULL: none */
	const char *applid;       /* for PassTickets; NULL: none */
	int ticket;               /* the secret is a valid PassTicket */
	struct racf_ptkt_eval ev; /* its evaluation */
};

static int
racf_verify_result(struct esm_verify_result *out, enum esm_resp resp, int resp2,
    int esmresp, const char *msg)
{
	out->resp = resp;
	out->resp2 = resp2;
	out->esmresp = esmresp;
	strlcpy_s(out->msg, msg, sizeof(out->msg));
	return resp == ESM_RESP_NORMAL ? ESM_OK : ESM_DENY;
}

static enum esm_result
racf_verify_tempfail(struct racf *r, struct esm_verify_result *out)
{
	racf_db_rollback(r->db);
	out->resp = ESM_RESP_INVREQ;
	out->resp2 = 29;
	out->code = ESM_E_BACKEND;
	snprintf(out->msg, sizeof(out->msg), "ESM database error: %s",
	    racf_db_error(r->db));
	return ESM_TEMPFAIL;
}

/* CHANGETIME, EXPIRYTIME, DAYSLEFT of a credential. */
static void
racf_verify_times(const struct racf_cred *c, const struct racf_setropts *o,
    time_t now, struct esm_verify_result *out)
{
	time_t expiry;

	out->changetime = c->set && c->changed ? racf_day(c->changed) : 0;
	out->expirytime = 0;
	out->daysleft = -1;
	if (!c->set || o->interval <= 0)
		return;
	expiry = racf_day(c->changed) + (time_t)o->interval * RACF_DAY;
	out->expirytime = expiry;
	if (c->expired || expiry <= now)
		out->daysleft = 0;
	else
		out->daysleft = (int)((expiry - now + RACF_DAY - 1) / RACF_DAY);
}

/* How many previous values of the new secret's kind the history keeps:
 * passwords HISTORY(n), phrases n - 1, the current value being counted
 * among them (racf.md §3.3). */
static int
racf_verify_keep(const struct racf_attempt *a)
{
	return a->newphrase ? a->opts.history - 1 : a->opts.history;
}

/* Read the options and the profile (and the history of the new secret's
 * kind) as one snapshot.  1 found, 0 unknown user, -1 error. */
static int
racf_verify_snapshot(
    struct racf *r, const char *user, struct racf_attempt *a, int want_history)
{
	int found, keep;

	if (racf_db_begin_read(r->db) == -1)
		return -1;
	if (racf_db_setropts_get(r->db, &a->opts) == -1)
		goto fail;
	found = racf_db_user_get(r->db, user, &a->u);
	if (found == -1)
		goto fail;
	a->nhistory = 0;
	keep = racf_verify_keep(a);
	if (found && want_history && keep > 0) {
		a->nhistory = racf_db_history_get(
		    r->db, user, a->newphrase ? 'H' : 'P', a->history, keep);
		if (a->nhistory == -1)
			goto fail;
	}
	racf_db_rollback(r->db); /* end of the read transaction */
	return found;
fail:
	racf_db_rollback(r->db);
	return -1;
}

/* Record a failed attempt; revoke when REVOKE(n) is reached.  why is the
 * message for a plain failure. */
static int
racf_verify_failed(struct racf *r, const char *user, struct racf_attempt *a,
    time_t now, const char *why, struct esm_verify_result *out)
{
	struct racf_user_rec u;
	int found;

	if (racf_db_begin(r->db) == -1)
		return racf_verify_tempfail(r, out);
	found = racf_db_user_get(r->db, user, &u);
	if (found != 1) {
		racf_db_rollback(r->db);
		if (found == 0)
			return racf_verify_result(out, ESM_RESP_USERIDERR, 8, 4,
			    "IRR012I USER PROFILE NOT FOUND");
		return racf_verify_tempfail(r, out);
	}
	if (u.revoked) {
		racf_db_rollback(r->db);
		return racf_verify_result(
		    out, ESM_RESP_NOTAUTH, 19, 28, "ICH70004I USER IS REVOKED");
	}
	u.invalid_count++;
	out->passticket = 0;
	racf_verify_result(out, ESM_RESP_NOTAUTH, 2, 8, why);
	if (a->opts.revoke > 0 && u.invalid_count >= a->opts.revoke) {
		if (u.special) {
			/* RACF asks the operator (ICH302D); unattended, the
			 * operator's answer is taken as Y: not revoked. */
			strlcpy_s(out->msg,
			    "ICH301I MAXIMUM PASSWORD ATTEMPTS BY SPECIAL USER",
			    sizeof(out->msg));
		} else {
			racf_user_revoke(&u, ESM_REVOKE_ATTEMPTS, now);
			strlcpy_s(out->msg,
			    "ICH70003I YOU HAVE EXCEEDED THE MAXIMUM NUMBER OF "
			    "RACF PASSWORD OR PASS PHRASE ATTEMPTS",
			    sizeof(out->msg));
		}
	}
	if (racf_db_user_update(r->db, &u) != 1 || racf_db_commit(r->db) == -1)
		return racf_verify_tempfail(r, out);
	out->invalidcount = u.invalid_count;
	return ESM_DENY;
}

/* Write the profile a->u as changed by a successful verify; RACF_RETRY
 * when it moved since the snapshot. */
static int
racf_verify_store(struct racf *r, struct racf_attempt *a, int push_history,
    const char *old_hash, struct esm_verify_result *out)
{
	int rc, keep;

	if (racf_db_begin(r->db) == -1)
		return racf_verify_tempfail(r, out);
	rc = racf_db_user_update(r->db, &a->u);
	if (rc == 0) {
		racf_db_rollback(r->db);
		return RACF_RETRY;
	}
	if (rc == -1)
		return racf_verify_tempfail(r, out);
	if (a->ticket) {
		/* Consumed in the same transaction as the sign-on it allows:
		 * of two concurrent uses, exactly one commits. */
		rc = racf_ptkt_consume(
		    r, a->applid, a->u.userid, &a->ev, racf_now(r));
		if (rc == -1)
			return racf_verify_tempfail(r, out);
		if (rc == 0) {
			racf_db_rollback(r->db);
			return RACF_REPLAY;
		}
	}
	keep = racf_verify_keep(a);
	if (push_history && keep > 0 &&
	    racf_db_history_push(r->db, a->u.userid, a->newphrase ? 'H' : 'P',
	        old_hash, keep) == -1)
		return racf_verify_tempfail(r, out);
	if (racf_db_commit(r->db) == -1)
		return racf_verify_tempfail(r, out);
	return 0;
}

/* Check the new secret; ESM_NEW_OK or the reason, with the message. */
static enum esm_newsecret
racf_verify_check_new(
    struct racf_attempt *a, time_t now, const char **msg, int *err)
{
	const struct racf_cred *c = a->newphrase ? &a->u.ph : &a->u.pw;
	enum racf_syntax why;
	int i, m;

	*err = 0;
	if (a->newphrase)
		why = racf_phrase_check(a->u.userid, a->neu);
	else
		why = racf_password_check(a->u.userid, a->neu, &a->opts.pol, 1);
	if (why != RACF_SYNTAX_OK) {
		*msg = racf_syntax_message(why, a->newphrase);
		return why == RACF_SYNTAX_USERID ? ESM_NEW_USERID
		                                 : ESM_NEW_SYNTAX;
	}
	if (c->set) {
		m = racf_secret_verify(c->hash, a->neu, a->neulen);
		if (m == -1)
			*err = 1;
		if (m == 1) {
			*msg =
			    a->newphrase
			        ? "ICH08021I NEW PASSWORD PHRASE IS THE SAME "
			          "AS "
			          "THE CURRENT PASSWORD PHRASE"
			        : "ICH08002I NEW PASSWORD IS THE SAME AS THE "
			          "CURRENT PASSWORD";
			return ESM_NEW_CURRENT;
		}
	}
	for (i = 0; i < a->nhistory; i++) {
		m = racf_secret_verify(a->history[i], a->neu, a->neulen);
		if (m == 1) {
			*msg =
			    a->newphrase
			        ? "ICH08024I NEW PASSWORD PHRASE HAS BEEN USED "
			          "PREVIOUSLY"
			        : "ICH08015I NEW PASSWORD HAS BEEN USED "
			          "PREVIOUSLY";
			return ESM_NEW_HISTORY;
		}
	}
	if (a->opts.minchange > 0 && c->set &&
	    !racf_cred_expired(c, &a->opts, now) &&
	    now - racf_day(c->changed) < (time_t)a->opts.minchange * RACF_DAY) {
		*msg = a->newphrase ? "ICH08018I PASSWORD PHRASE CHANGE NOT "
		                      "ALLOWED. MINIMUM "
		                      "CHANGE INTERVAL HAS NOT PASSED"
		                    : "ICH08017I PASSWORD CHANGE NOT ALLOWED. "
		                      "MINIMUM CHANGE "
		                      "INTERVAL HAS NOT PASSED";
		return ESM_NEW_MINCHANGE;
	}
	return ESM_NEW_OK;
}

/*
 * Copy the secrets as given into a->cur and a->neu, passwords folded under
 * the options of the snapshot a->opts (MIXEDCASE may have changed since
 * the last attempt).  A phrase is never folded.  a->raw may be NULL (the
 * dry run has no current secret).
 */
static void
racf_verify_fold(struct racf_attempt *a)
{
	if (a->raw != NULL) {
		memcpy(a->cur, a->raw, a->curlen + 1);
		if (!a->phrase)
			racf_password_fold(a->cur, &a->opts.pol);
	}
	if (a->rawnew != NULL) {
		memcpy(a->neu, a->rawnew, a->neulen + 1);
		if (!a->newphrase)
			racf_password_fold(a->neu, &a->opts.pol);
	}
}

/*
 * Start an attempt as the verify path and the dry run both do: the
 * snapshot (with the history when want_history), the folded secrets, and
 * out's LASTUSETIME and INVALIDCOUNT.  ESM_OK, or out filled and ESM_DENY
 * (unknown user) or ESM_TEMPFAIL.
 */
static enum esm_result
racf_verify_load(struct racf *r, const char *user, struct racf_attempt *a,
    int want_history, struct esm_verify_result *out)
{
	int found = racf_verify_snapshot(r, user, a, want_history);

	if (found == -1)
		return racf_verify_tempfail(r, out);
	if (found == 0)
		return (enum esm_result)racf_verify_result(out,
		    ESM_RESP_USERIDERR, 8, 4, "IRR012I USER PROFILE NOT FOUND");
	racf_verify_fold(a);
	out->lastusetime = a->u.last_access;
	out->invalidcount = a->u.invalid_count;
	return ESM_OK;
}

/*
 * The new-secret rules of the verify/change path, shared with the dry run:
 * a holds a snapshot with the history of the new secret's kind and the
 * folded new secret.  ESM_OK acceptable; ESM_DENY with out->resp NOTAUTH
 * 4/16, out->newsecret the rule and out->msg the RACF message;
 * ESM_TEMPFAIL (out->resp2 29) when a stored hash could not be checked.
 * Changes nothing in the database.
 */
static enum esm_result
racf_verify_new_rules(struct racf *r, struct racf_attempt *a, time_t now,
    struct esm_verify_result *out)
{
	const char *msg = "";
	int err;

	out->newsecret = racf_verify_check_new(a, now, &msg, &err);
	if (err)
		return racf_verify_tempfail(r, out);
	if (out->newsecret == ESM_NEW_OK)
		return ESM_OK;
	return racf_verify_result(out, ESM_RESP_NOTAUTH, 4, 16, msg);
}

/*
 * Evaluate the secret as a PassTicket for a->applid.  Returns 1 valid
 * (a->ticket set), 0 not a ticket here (no profile, or not valid: the
 * caller tries the password), or ESM_TEMPFAIL after filling out (the
 * master key is unavailable: a named error, never a plain "wrong").
 */
static int
racf_verify_ticket(struct racf *r, const char *user, struct racf_attempt *a,
    time_t now, struct esm_verify_result *out)
{
	enum racf_ptkt_status st;
	char err[SSPR_MAX_ERROR];

	a->ticket = 0;
	if (a->applid == NULL || a->curlen != PASSTICKET_LEN)
		return 0;
	st = racf_ptkt_evaluate(
	    r, a->applid, user, a->raw, now, &a->ev, err, sizeof(err));
	switch (st) {
	case RACF_PTKT_VALID:
		a->ticket = 1;
		return 1;
	case RACF_PTKT_INVALID:
	case RACF_PTKT_NOPROFILE:
		return 0;
	case RACF_PTKT_MASTERKEY:
	case RACF_PTKT_ERROR:
		break;
	}
	out->resp = ESM_RESP_INVREQ;
	out->resp2 = 29;
	out->code = st == RACF_PTKT_MASTERKEY ? ESM_E_MASTERKEY : ESM_E_BACKEND;
	strlcpy_s(out->msg, err, sizeof(out->msg));
	return ESM_TEMPFAIL;
}

/* Take the new secret (NULL: none) into a: a password (1-8) or a
 * phrase. */
static void
racf_verify_newsecret(struct racf_attempt *a, const char *newsecret)
{
	a->rawnew = newsecret;
	if (newsecret != NULL) {
		a->neulen = strlen(newsecret);
		a->newphrase = a->neulen > SSPR_MAX_PASSWORD;
	}
}

static int
racf_verify_once(struct racf *r, const char *user, struct racf_attempt *a,
    int change, struct esm_verify_result *out)
{
	time_t now = racf_now(r);
	struct racf_cred *cred, *ncred;
	char old_hash[RACF_HASH_MAX];
	struct racf_kdf kdf;
	int match, rc;

	a->ticket = 0;
	rc = racf_verify_load(r, user, a, change, out);
	if (rc != ESM_OK)
		return rc;
	if (a->u.revoked)
		return racf_verify_result(
		    out, ESM_RESP_NOTAUTH, 19, 28, "ICH70004I USER IS REVOKED");
	if (a->opts.inactive > 0 &&
	    now - (a->u.last_access ? a->u.last_access : a->u.created) >=
	        (time_t)a->opts.inactive * RACF_DAY) {
		racf_user_revoke(&a->u, ESM_REVOKE_INACTIVE, now);
		rc = racf_verify_store(r, a, 0, NULL, out);
		if (rc != 0)
			return rc;
		return racf_verify_result(out, ESM_RESP_NOTAUTH, 19, 28,
		    "ICH70004I USER IS REVOKED (INACTIVE)");
	}

	cred = a->phrase ? &a->u.ph : &a->u.pw;
	racf_verify_times(cred, &a->opts, now, out);
	/* RACF accepts a PassTicket for the application in place of the
	 * password; a value that is not a valid ticket is tried as one. */
	match = racf_verify_ticket(r, user, a, now, out);
	if (match == ESM_TEMPFAIL)
		return ESM_TEMPFAIL;
	if (match == 0 && cred->set)
		match = racf_secret_verify(cred->hash, a->cur, a->curlen);
	if (match == -1)
		return racf_verify_tempfail(r, out);
	if (match == 0)
		return racf_verify_failed(
		    r, user, a, now, "IRR013I INVALID PASSWORD GIVEN", out);

	/* The secret is right. */
	out->passticket = a->ticket;
	out->invalidcount = a->u.invalid_count;
	a->u.invalid_count = 0;
	if (!change) {
		/* A PassTicket signs on without the password, expired or
		 * not. */
		if (!a->ticket && racf_cred_expired(cred, &a->opts, now)) {
			rc = racf_verify_store(r, a, 0, NULL, out);
			if (rc != 0)
				return rc;
			return racf_verify_result(out, ESM_RESP_NOTAUTH, 3, 12,
			    "IRR014I EXPIRED PASSWORD GIVEN");
		}
		a->u.last_access = now;
		rc = racf_verify_store(r, a, 0, NULL, out);
		if (rc != 0)
			return rc;
		return racf_verify_result(out, ESM_RESP_NORMAL, 0, 0, "");
	}

	rc = racf_verify_new_rules(r, a, now, out);
	if (rc == ESM_TEMPFAIL)
		return rc;
	if (rc == ESM_DENY) {
		/* The current secret was right: the count is reset. */
		rc = racf_verify_store(r, a, 0, NULL, out);
		return rc != 0 ? rc : ESM_DENY;
	}
	if (racf_db_kdf_get(r->db, &kdf) == -1 ||
	    racf_secret_hash(&kdf, a->neu, a->neulen, a->newhash) == -1)
		return racf_verify_tempfail(r, out);
	ncred = a->newphrase ? &a->u.ph : &a->u.pw;
	strlcpy_s(old_hash, ncred->set ? ncred->hash : "", sizeof(old_hash));
	memcpy(ncred->hash, a->newhash, sizeof(ncred->hash));
	ncred->set = 1;
	ncred->changed = now;
	ncred->expired = 0;
	a->u.last_access = now;
	rc = racf_verify_store(r, a, old_hash[0] != '\0', old_hash, out);
	secure_zero(old_hash, sizeof(old_hash));
	if (rc != 0)
		return rc;
	racf_verify_times(ncred, &a->opts, now, out);
	return racf_verify_result(out, ESM_RESP_NORMAL, 0, 0, "");
}

enum esm_result
racf_verify(struct racf *r, const char *user, const char *secret,
    const char *newsecret, const char *applid, struct esm_verify_result *out)
{
	struct racf_attempt *a = xcalloc(1, sizeof(*a));
	int i, rv = RACF_RETRY;

	a->raw = secret;
	a->applid = applid;
	a->curlen = strlen(secret);
	a->phrase = a->curlen > SSPR_MAX_PASSWORD;
	racf_verify_newsecret(a, newsecret);
	for (i = 0; i < RACF_VERIFY_RETRIES && rv == RACF_RETRY; i++) {
		memset(out, 0, sizeof(*out));
		out->daysleft = -1;
		rv = racf_verify_once(r, user, a, newsecret != NULL, out);
		if (rv == RACF_REPLAY)
			rv = racf_verify_failed(r, user, a, racf_now(r),
			    "IRR013I INVALID PASSWORD GIVEN: PASSTICKET "
			    "ALREADY "
			    "USED",
			    out);
	}
	if (rv == RACF_RETRY) {
		out->resp = ESM_RESP_INVREQ;
		out->resp2 = 29;
		strlcpy_s(out->msg, "ESM profile kept changing; try again",
		    sizeof(out->msg));
		rv = ESM_TEMPFAIL;
	}
	freezero(a, sizeof(*a));
	return (enum esm_result)rv;
}

enum esm_result
racf_check_secret(struct racf *r, const char *user, const char *newsecret,
    struct esm_verify_result *out)
{
	struct racf_attempt *a = xcalloc(1, sizeof(*a));
	enum esm_result rv;

	memset(out, 0, sizeof(*out));
	out->daysleft = -1;
	racf_verify_newsecret(a, newsecret);
	/* The snapshot and the rules of the verify/change path; its read
	 * transaction is the only database access. */
	rv = racf_verify_load(r, user, a, 1, out);
	if (rv == ESM_OK)
		rv = racf_verify_new_rules(r, a, racf_now(r), out);
	if (rv == ESM_OK)
		racf_verify_result(out, ESM_RESP_NORMAL, 0, 0, "");
	freezero(a, sizeof(*a));
	return rv;
}
