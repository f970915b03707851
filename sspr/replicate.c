/*
 * replicate.c - operations on several systems: two phases, in parallel,
 * through the journal (see sspr_int.h, journal.h).
 *
 * Each phase runs one thread per target (at most SSPR_MAX_SYSTEMS; every
 * sspr_sys has its own ESM handle, used by that thread alone while the
 * phase runs), so that N systems cost about the latency of the slowest,
 * not the sum.  The journal row of the operation is committed before the
 * first write; each target's row says "writing" before its write and its
 * outcome after it.
 *
 * A new password or phrase exists only in the caller's memory: a target
 * that cannot be reached after the quick retries is reported
 * "not-applied" (the old secret still works there), and after a crash
 * the recovery reports "not-applied" (never started) or "unknown" (the
 * write was under way).  Enrollment fields, unlocks and lockout clears
 * are idempotent and their payload holds no secret (hashes and an e-mail
 * address, sealed): the retry timer applies them again until they land or
 * journal.give_up_hours pass.
 */
#include "sspr/sspr_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/seal.h"
#include "esm/passticket.h"
#include "compat/banned.h"

#define REPL_TRIES       3   /* quick tries per target in one call */
#define REPL_BACKOFF_MS  150 /* before the second try; doubled after */
#define REPL_LEASE       300 /* seconds an operation is its owner's */
#define REPL_PAYLOAD_MAX 8192

struct repl_job {
	struct sspr *s;
	struct sspr_sys *sys;
	struct repl_req *req;
	struct sspr_sysresult r;
	int rc; /* check: 0 / -1; apply: 0 ok, 1 try again, -1 refused */
};

static void
repl_set(struct sspr_sysresult *r, const struct sspr_sys *sys,
    const char *result, const char *detail)
{
	strlcpy_s(r->name, sys->cfg->name, sizeof(r->name));
	strlcpy_s(r->result, result, sizeof(r->result));
	strlcpy_s(r->detail, detail, sizeof(r->detail));
}

/* Every result code, with words for logs and for the operator's CLI;
 * mails word codes in each language's templates/mail/<lang>/words.txt
 * ("result.<code>"). */
static const struct {
	const char *code, *words;
} repl_results[] = {
    {"ok", "done"},
    {"not-found", "the user ID is not defined there"},
    {"revoked", "the user ID is revoked there by an administrator"},
    {"privileged", "the user ID is privileged there"},
    {"no-fields", "the sspr fields are not defined there (CFDEF)"},
    {"field-length", "a field there is too short for the value"},
    {"no-key", "sspr has no PassTicket key for its application"},
    {"key-unavailable",
        "its PassTicket keys cannot be read (master key missing)"},
    {"passticket-refused", "it does not accept sspr's PassTickets"},
    {"rules", "the new password does not meet its password rules"},
    {"history", "the new password was used before there"},
    {"current", "the new password is the current one there"},
    {"minchange", "the password was changed there too recently (MINCHANGE)"},
    {"userid", "the new password contains the user ID"},
    {"unavailable", "it cannot be reached now"},
    {"busy", "too many changes for this user in a short time"},
    {"pending", "not done yet: it will be retried"},
    {"not-applied", "not changed: the old password still works there"},
    {"unknown", "interrupted: it may or may not have been changed"},
    {"not-attempted", "nothing was changed"},
    {"gave-up", "not done: retries gave up"},
    {"not-configured", "the system is no longer configured"},
    {"refused", "refused"},
};

const char *
sspr_result_words(const char *code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(repl_results); i++)
		if (strcmp(repl_results[i].code, code) == 0)
			return repl_results[i].words;
	return "refused";
}

const char *
sspr_result_code(const char *code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(repl_results); i++)
		if (strcmp(repl_results[i].code, code) == 0)
			return repl_results[i].code;
	return "refused";
}

/* ---------------------------------------------------------------- *
 * Phase 1: checks
 * ---------------------------------------------------------------- */

/* A revoke self-service may not lift: the result "revoked", and why. */
static int
repl_revoked(struct repl_job *jb, enum esm_revoke_reason why)
{
	repl_set(&jb->r, jb->sys, "revoked",
	    why == ESM_REVOKE_COMMAND
	        ? "revoked by an administrator"
	        : "revoked, and reset.allow_resume is off");
	return -1;
}

/* Look the user up on the job's system: 0 found (*eu), 1 the ESM could
 * not answer, -1 not defined (the result set either way). */
static int
repl_lookup(struct repl_job *jb, struct esm_user *eu)
{
	struct esm_err e;
	enum esm_result rv;

	rv = esm_lookup(jb->sys->esm, jb->req->userid, eu, &e);
	if (rv == ESM_OK)
		return 0;
	repl_set(&jb->r, jb->sys,
	    rv == ESM_TEMPFAIL ? "unavailable" : "not-found", e.msg);
	return rv == ESM_TEMPFAIL ? 1 : -1;
}

/* The user exists, is not privileged and (wanted) not revoked by an
 * administrator.  0, or -1 with the result set. */
static int
repl_check_user(struct repl_job *jb, int want_resumable)
{
	struct sspr *s = jb->s;
	struct esm_user eu;

	if (repl_lookup(jb, &eu) != 0)
		return -1;
	if (eu.special && !s->cfg->reset.allow_privileged) {
		repl_set(&jb->r, jb->sys, "privileged", "SPECIAL");
		return -1;
	}
	if (want_resumable && eu.revoked &&
	    !sspr_resumable(s, eu.revoke_reason))
		return repl_revoked(jb, eu.revoke_reason);
	return 0;
}

static int
repl_check_fields(struct repl_job *jb)
{
	struct esm_field_def d;
	struct esm_err e;
	enum esm_result rv;
	size_t i;

	for (i = 0; i < jb->req->nfields; i++) {
		const struct esm_field *f = &jb->req->fields[i];

		rv = esm_field_def(jb->sys->esm, f->name, &d, &e);
		if (rv != ESM_OK) {
			repl_set(&jb->r, jb->sys,
			    rv == ESM_TEMPFAIL ? "unavailable" : "no-fields",
			    f->name);
			return -1;
		}
		if (f->value != NULL && d.maxlength > 0 &&
		    strlen(f->value) > (size_t)d.maxlength) {
			char why[SSPR_MAX_ERROR];

			snprintf(why, sizeof(why), "%s: MAXLENGTH(%d)", f->name,
			    d.maxlength);
			repl_set(&jb->r, jb->sys, "field-length", why);
			return -1;
		}
	}
	return 0;
}

static const char *
repl_newsecret_code(enum esm_newsecret why)
{
	switch (why) {
	case ESM_NEW_CURRENT:
		return "current";
	case ESM_NEW_HISTORY:
		return "history";
	case ESM_NEW_MINCHANGE:
		return "minchange";
	case ESM_NEW_USERID:
		return "userid";
	default:
		return "rules";
	}
}

/* How far ahead of now a ticket's time may be taken: half the window
 * the ESM accepts (legacy +-10 min; enhanced +-PTTIMEOUT, assumed to be
 * the default 60 s, as sspr cannot read it), the rest kept for clocks
 * that disagree. */
static long long
repl_ticket_ahead(const struct passticket_key *key)
{
	return (key->kind == PTKT_LEGACY ? PASSTICKET_LEGACY_WINDOW
	                                 : PASSTICKET_ENHANCED_WINDOW) /
	       2;
}

/* A PassTicket for the user and the system's APPLID: 0, or -1 (refused)
 * or 1 (try again later) with the result set.  A ticket to sign on with
 * (consume) takes its time from the journal, so that it is never one made
 * before for the same user and APPLID by any thread, process or node; a
 * probe's is not used up, so it is made for now. */
static int
repl_ticket(struct repl_job *jb, int consume, char t[PASSTICKET_LEN + 1])
{
	const struct passticket_key *key;
	const char *applid = jb->sys->cfg->applid;
	long long now = (long long)sspr_now(jb->s), tt = now;
	int rc;

	key = keys_passticket(jb->s->keys, applid);
	if (key == NULL) {
		repl_set(&jb->r, jb->sys, "no-key",
		    "sspr's key file has no PassTicket key for the APPLID");
		return -1;
	}
	if (consume) {
		rc = journal_ticket_time(jb->s->journal, applid,
		    jb->req->userid, now, now + repl_ticket_ahead(key), &tt);
		if (rc == 1) {
			repl_set(&jb->r, jb->sys, "busy",
			    "too many changes for this user in a short time; "
			    "try again shortly");
			return 1;
		}
		if (rc == -1) {
			repl_set(&jb->r, jb->sys, "unavailable",
			    "cannot record the PassTicket time in the journal");
			return 1;
		}
	}
	if (passticket_generate(
	        key, jb->req->userid, applid, (uint64_t)tt, t) == -1) {
		repl_set(&jb->r, jb->sys, "no-key", "cannot make a PassTicket");
		return -1;
	}
	return 0;
}

/* The system accepts sspr's PassTickets and the new secret. */
static int
repl_check_secret(struct repl_job *jb)
{
	struct esm_ptkt_probe pr;
	struct esm_verify_result vr;
	struct esm_err e;
	char t[PASSTICKET_LEN + 1];
	enum esm_result rv;

	if (repl_ticket(jb, 0, t) == -1)
		return -1;
	rv = esm_passticket_probe(
	    jb->sys->esm, jb->sys->cfg->applid, jb->req->userid, t, &pr, &e);
	secure_zero(t, sizeof(t));
	if (rv != ESM_OK) {
		repl_set(&jb->r, jb->sys,
		    e.code == ESM_E_MASTERKEY ? "key-unavailable"
		    : rv == ESM_TEMPFAIL      ? "unavailable"
		                              : "passticket-refused",
		    e.msg[0] ? e.msg : pr.detail);
		return -1;
	}
	rv = esm_check_secret(
	    jb->sys->esm, jb->req->userid, jb->req->new_secret, &vr);
	if (rv == ESM_OK)
		return 0;
	if (rv == ESM_TEMPFAIL)
		repl_set(&jb->r, jb->sys, "unavailable", vr.msg);
	else if (vr.resp == ESM_RESP_USERIDERR)
		repl_set(&jb->r, jb->sys, "not-found", vr.msg);
	else
		repl_set(
		    &jb->r, jb->sys, repl_newsecret_code(vr.newsecret), vr.msg);
	return -1;
}

static void *
repl_check(void *arg)
{
	struct repl_job *jb = arg;

	jb->rc = -1;
	if (repl_check_user(jb, jb->req->kind != REPL_FIELDS) == -1)
		return NULL;
	if (jb->req->kind == REPL_FIELDS && jb->req->check_fields &&
	    repl_check_fields(jb) == -1)
		return NULL;
	if (jb->req->kind == REPL_SECRET && repl_check_secret(jb) == -1)
		return NULL;
	repl_set(&jb->r, jb->sys, "ok", "");
	jb->rc = 0;
	return NULL;
}

/* ---------------------------------------------------------------- *
 * Phase 2: applying
 * ---------------------------------------------------------------- */

static int
repl_apply_fields(struct repl_job *jb)
{
	struct esm_err e;
	enum esm_result rv;

	rv = esm_set_fields(jb->sys->esm, jb->req->userid, jb->req->fields,
	    jb->req->nfields, NULL, 0, &e);
	if (rv == ESM_OK) {
		repl_set(&jb->r, jb->sys, "ok", "");
		return 0;
	}
	if (rv == ESM_TEMPFAIL) {
		repl_set(&jb->r, jb->sys, "unavailable", e.msg);
		return 1;
	}
	repl_set(&jb->r, jb->sys,
	    e.code == ESM_E_NOUSER    ? "not-found"
	    : e.code == ESM_E_NOFIELD ? "no-fields"
	                              : "refused",
	    e.msg);
	return -1;
}

/* Resume an ID revoked by failed attempts or inactivity; 0 also when it
 * was not revoked.  *resumed says whether it was. */
static int
repl_resume(struct repl_job *jb, int *resumed)
{
	struct esm_user eu;
	struct esm_err e;
	enum esm_result rv;
	int rc;

	*resumed = 0;
	if ((rc = repl_lookup(jb, &eu)) != 0)
		return rc;
	if (!eu.revoked)
		return 0;
	if (!sspr_resumable(jb->s, eu.revoke_reason))
		return repl_revoked(jb, eu.revoke_reason);
	rv = esm_resume(jb->sys->esm, jb->req->userid, &e);
	if (rv != ESM_OK) {
		repl_set(&jb->r, jb->sys, "unavailable", e.msg);
		return rv == ESM_TEMPFAIL ? 1 : -1;
	}
	*resumed = 1;
	return 0;
}

/* Sign on with a PassTicket and set the new secret through the ESM's
 * verify/change path (its rules apply).  On a later try, "the new secret
 * is the current one" means an earlier try landed: done, not refused. */
static int
repl_apply_secret(struct repl_job *jb, int attempt)
{
	struct esm_verify_result vr;
	char t[PASSTICKET_LEN + 1];
	enum esm_result rv;
	int resumed, rc;

	if ((rc = repl_resume(jb, &resumed)) != 0)
		return rc;
	if ((rc = repl_ticket(jb, 1, t)) != 0)
		return rc;
	rv = esm_verify(jb->sys->esm, jb->req->userid, t, jb->req->new_secret,
	    jb->sys->cfg->applid, &vr);
	secure_zero(t, sizeof(t));
	if (rv == ESM_OK ||
	    (attempt > 1 && rv == ESM_DENY && vr.resp == ESM_RESP_NOTAUTH &&
	        vr.resp2 == 4 && vr.newsecret == ESM_NEW_CURRENT)) {
		repl_set(&jb->r, jb->sys, "ok", resumed ? "resumed" : "");
		return 0;
	}
	if (rv == ESM_TEMPFAIL) {
		repl_set(&jb->r, jb->sys,
		    vr.code == ESM_E_MASTERKEY ? "key-unavailable"
		                               : "unavailable",
		    vr.msg);
		return vr.code == ESM_E_MASTERKEY ? -1 : 1;
	}
	if (vr.resp == ESM_RESP_NOTAUTH && vr.resp2 == 4)
		repl_set(
		    &jb->r, jb->sys, repl_newsecret_code(vr.newsecret), vr.msg);
	else
		repl_set(&jb->r, jb->sys, "passticket-refused", vr.msg);
	return -1;
}

static int
repl_apply_once(struct repl_job *jb, int attempt)
{
	int resumed, rc;

	switch (jb->req->kind) {
	case REPL_FIELDS:
		return repl_apply_fields(jb);
	case REPL_UNLOCK:
		rc = repl_resume(jb, &resumed);
		if (rc == 0)
			repl_set(&jb->r, jb->sys, "ok",
			    resumed ? "resumed" : "not revoked");
		return rc;
	case REPL_SECRET:
		return repl_apply_secret(jb, attempt);
	}
	return -1;
}

static void
repl_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The journal state for a target's outcome. */
static const char *
repl_state(const struct repl_req *req, int rc)
{
	if (rc == 0)
		return "ok";
	if (rc == -1)
		return "failed";
	return req->kind == REPL_SECRET ? "not-applied" : "pending";
}

/* Record a target's outcome after its write.  A step that cannot be
 * recorded at once is tried again a few times (a full disk is often
 * freed by a checkpoint or a sibling's rollback); if it still cannot be,
 * the row keeps saying "writing", which recovery reports as "unknown"
 * (may or may not have been changed): never a false "not changed". */
static void
repl_record(struct repl_job *jb, const char *state)
{
	struct journal *j = jb->s->journal;
	long wait = REPL_BACKOFF_MS;
	int i;

	for (i = 0; i < REPL_TRIES; i++) {
		if (journal_mark(j, jb->req->op, jb->sys->cfg->name, state,
		        jb->r.result, jb->r.detail) == 0)
			return;
		repl_sleep_ms(wait);
		wait *= 2;
	}
	fprintf(stderr,
	    "sspr: journal: operation %s: cannot record the outcome on %s "
	    "(%s); recovery will report it as interrupted\n",
	    jb->req->op, jb->sys->cfg->name, jb->r.result);
}

static void *
repl_apply(void *arg)
{
	struct repl_job *jb = arg;
	struct journal *j = jb->s->journal;
	const char *state;
	int attempt;
	long wait = REPL_BACKOFF_MS;

	/* No write that the journal does not know is under way: a write
	 * after a failed "writing" would be reported "not changed" by a
	 * recovery while it is in effect. */
	if (journal_mark(
	        j, jb->req->op, jb->sys->cfg->name, "writing", "", "") == -1) {
		repl_set(&jb->r, jb->sys, "unavailable",
		    "the journal cannot be written: nothing was changed there");
		jb->rc = 1;
		state = repl_state(jb->req, jb->rc);
		/* Best effort: the row says "pending" either way, which
		 * recovery reports as not applied (or applies a retryable
		 * operation): both true. */
		(void)journal_mark(j, jb->req->op, jb->sys->cfg->name, state,
		    jb->r.result, jb->r.detail);
		strlcpy_s(jb->r.result, state, sizeof(jb->r.result));
		return NULL;
	}
	for (attempt = 1;; attempt++) {
		jb->rc = repl_apply_once(jb, attempt);
		if (jb->rc != 1 || attempt == REPL_TRIES)
			break;
		repl_sleep_ms(wait);
		wait *= 2;
	}
	state = repl_state(jb->req, jb->rc);
	repl_record(jb, state);
	/* "busy" says when to try again; other temporary failures become
	 * the journal state (pending, or not applied). */
	if (jb->rc == 1 && strcmp(jb->r.result, "busy") != 0)
		strlcpy_s(jb->r.result, state, sizeof(jb->r.result));
	return NULL;
}

/* Run fn on every job, one thread each (inline when there is one). */
static void
repl_parallel(struct repl_job *jobs, size_t n, void *(*fn)(void *))
{
	void *arg[SSPR_MAX_SYSTEMS];
	size_t i;

	for (i = 0; i < n && i < SSPR_MAX_SYSTEMS; i++)
		arg[i] = &jobs[i];
	sspr_parallel(arg, i, fn);
}

/* ---------------------------------------------------------------- *
 * The payload: what a retry needs, sealed
 * ---------------------------------------------------------------- */

void
repl_ad(const char *op, char *ad, size_t size)
{
	snprintf(ad, size, "sspr-journal-v1:%s", op);
}

/* Seal the fields of req into *out (a new buffer of *len). */
static int
repl_payload(const struct sspr *s, const struct repl_req *req,
    unsigned char **out, size_t *len)
{
	json_t *root = json_object(), *a = json_array();
	char *text, ad[64];
	size_t i, n;
	long sl;

	for (i = 0; i < req->nfields; i++)
		json_array_append_new(
		    a, json_pack("[s,s?]", req->fields[i].name,
		           req->fields[i].value));
	json_object_set_new(root, "fields", a);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (text == NULL)
		return -1;
	n = strlen(text);
	if (n > REPL_PAYLOAD_MAX) {
		json_wipe_free(text);
		return -1;
	}
	*out = xmalloc(n + SEAL_OVERHEAD);
	repl_ad(req->op, ad, sizeof(ad));
	sl = seal(s->journal_key, ad, (const unsigned char *)text, n, *out);
	json_wipe_free(text);
	if (sl < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = (size_t)sl;
	return 0;
}

/* Open a payload into req's fields; store holds the strings (free it). */
static int
repl_unpayload(const struct sspr *s, const struct journal_op *op,
    struct repl_req *req, json_t **store)
{
	unsigned char *plain;
	char ad[64];
	json_t *root, *a, *v;
	json_error_t je;
	long n;
	size_t i;

	*store = NULL;
	if (op->payload == NULL || op->payload_len <= SEAL_OVERHEAD ||
	    op->payload_len > REPL_PAYLOAD_MAX + SEAL_OVERHEAD)
		return -1;
	plain = xmalloc(op->payload_len);
	repl_ad(op->id, ad, sizeof(ad));
	n = unseal(s->journal_key, ad, op->payload, op->payload_len, plain);
	if (n < 0) {
		free(plain);
		return -1;
	}
	root = json_loadb((const char *)plain, (size_t)n, 0, &je);
	freezero(plain, op->payload_len);
	a = json_object_get(root, "fields");
	if (root == NULL || !json_is_array(a) ||
	    json_array_size(a) > REPL_MAX_FIELDS) {
		json_decref(root);
		return -1;
	}
	req->nfields = 0;
	json_array_foreach(a, i, v)
	{
		const char *name = json_string_value(json_array_get(v, 0));
		json_t *val = json_array_get(v, 1);

		if (name == NULL ||
		    (!json_is_null(val) && !json_is_string(val))) {
			json_decref(root);
			return -1;
		}
		req->fields[req->nfields].name = name;
		req->fields[req->nfields++].value = json_string_value(val);
	}
	*store = root;
	return 0;
}

/* ---------------------------------------------------------------- *
 * Running an operation
 * ---------------------------------------------------------------- */

static void
repl_summary(struct sspr_result *res)
{
	size_t i, ok = 0, pending = 0, refused = 0;

	for (i = 0; i < res->nsystems; i++) {
		const char *r = res->sys[i].result;

		if (strcmp(r, "ok") == 0)
			ok++;
		else if (strcmp(r, "pending") == 0)
			pending++;
		else if (strcmp(r, "not-applied") != 0 &&
		         strcmp(r, "unavailable") != 0)
			refused++;
	}
	if (ok == res->nsystems)
		res->status = SSPR_OK;
	else if (ok > 0 || pending > 0)
		res->status = SSPR_PARTIAL;
	else if (refused > 0)
		res->status = SSPR_INVALID;
	else
		res->status = SSPR_UNAVAILABLE;
}

/* Phase 1 refused on some target: say which, in plain words. */
static void
repl_refused(struct repl_job *jobs, size_t n, struct sspr_result *res)
{
	size_t i;
	int definite = 0;

	res->msg[0] = '\0';
	for (i = 0; i < n; i++) {
		res->sys[i] = jobs[i].r;
		if (jobs[i].rc == 0) {
			strlcpy_s(res->sys[i].result, "not-attempted",
			    sizeof(res->sys[i].result));
			continue;
		}
		definite |= strcmp(jobs[i].r.result, "unavailable") != 0;
		sspr_list_add(res->msg, sizeof(res->msg), "; ", "%s: %s",
		    jobs[i].r.name, sspr_result_words(jobs[i].r.result));
	}
	sspr_list_add(res->msg, sizeof(res->msg), ". ",
	    "Nothing was changed on any system.");
	/* Only unreachable systems: try again later; else a refusal. */
	res->status = definite ? SSPR_INVALID : SSPR_UNAVAILABLE;
	res->nsystems = n;
}

int
sspr_replicate(struct sspr *s, struct repl_req *req, struct sspr_result *res)
{
	struct repl_job jobs[SSPR_MAX_SYSTEMS];
	struct journal_op op;
	long long now = (long long)sspr_now(s);
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(jobs, 0, sizeof(jobs));
	if (req->n == 0 || req->n > SSPR_MAX_SYSTEMS) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg, "no systems", sizeof(res->msg));
		return -1;
	}
	if (sspr_can_change(s, res) == -1)
		return -1;
	for (i = 0; i < req->n; i++) {
		jobs[i].s = s;
		jobs[i].sys = &s->sys[req->idx[i]];
		jobs[i].req = req;
	}
	repl_parallel(jobs, req->n, repl_check);
	for (i = 0; i < req->n; i++)
		if (jobs[i].rc != 0) {
			repl_refused(jobs, req->n, res);
			return -1;
		}

	memset(&op, 0, sizeof(op));
	if (journal_new_id(req->op) == -1)
		goto unavailable;
	strlcpy_s(op.id, req->op, sizeof(op.id));
	strlcpy_s(op.kind, req->name, sizeof(op.kind));
	strlcpy_s(op.userid, req->userid, sizeof(op.userid));
	strlcpy_s(op.actor, req->actor ? req->actor : "", sizeof(op.actor));
	strlcpy_s(op.client, req->client ? req->client : "", sizeof(op.client));
	strlcpy_s(op.lang, req->lang ? req->lang : "en", sizeof(op.lang));
	op.created = now;
	op.nsys = req->n;
	for (i = 0; i < req->n; i++)
		strlcpy_s(op.sys[i].name, jobs[i].sys->cfg->name,
		    sizeof(op.sys[i].name));
	if (req->kind == REPL_FIELDS &&
	    repl_payload(s, req, &op.payload, &op.payload_len) == -1)
		goto unavailable;
	if (journal_begin(s->journal, &op, now + REPL_LEASE) == -1) {
		journal_op_free(&op);
		goto unavailable;
	}
	journal_op_free(&op);

	repl_parallel(jobs, req->n, repl_apply);
	res->nsystems = req->n;
	for (i = 0; i < req->n; i++)
		res->sys[i] = jobs[i].r;
	if (!req->keep_open)
		sspr_replicate_done(s, req, res);
	repl_summary(res);
	if (res->status != SSPR_OK)
		strlcpy_s(res->msg,
		    res->status == SSPR_PARTIAL
		        ? "not every system was changed: see the result per "
		          "system"
		        : "no system was changed: see the result per system",
		    sizeof(res->msg));
	return res->status == SSPR_OK ? 0 : -1;
unavailable:
	res->status = SSPR_UNAVAILABLE;
	strlcpy_s(res->msg,
	    "the journal cannot be written: nothing was changed",
	    sizeof(res->msg));
	return -1;
}

void
sspr_replicate_done(
    struct sspr *s, const struct repl_req *req, const struct sspr_result *res)
{
	size_t i;
	int open = 0;

	if (req->op[0] == '\0')
		return; /* refused before the journal */
	for (i = 0; i < res->nsystems; i++)
		open |= strcmp(res->sys[i].result, "pending") == 0;
	(void)journal_finish(s->journal, req->op, !open,
	    open ? (long long)sspr_now(s) + s->cfg->journal.retry_seconds : 0);
}

/* ---------------------------------------------------------------- *
 * Recovery
 * ---------------------------------------------------------------- */

static enum repl_kind
repl_kind_of(const char *name)
{
	if (strcmp(name, "password") == 0 || strcmp(name, "phrase") == 0)
		return REPL_SECRET;
	if (strcmp(name, "unlock") == 0)
		return REPL_UNLOCK;
	return REPL_FIELDS;
}

static int
repl_reset_kind(const char *name)
{
	return repl_kind_of(name) != REPL_FIELDS;
}

/* Tell the user how an interrupted reset ended, system by system. */
static void
repl_report_mail(struct sspr *s, const struct journal_op *op)
{
	struct sspr_user u;
	char err[SSPR_MAX_ERROR], when[64], list[512] = "";
	size_t i;

	if (sspr_user_read(
	        s, sspr_primary(s), op->userid, &u, err, sizeof(err)) != 1 ||
	    u.email[0] == '\0') {
		sspr_user_wipe(&u);
		return;
	}
	/* Codes, worded by the mail's language (templates/mail). */
	for (i = 0; i < op->nsys; i++)
		sspr_list_add(list, sizeof(list), ";", "%s=%s", op->sys[i].name,
		    sspr_result_code(op->sys[i].state));
	sspr_when((time_t)op->created, when);
	{
		const struct mail_var vars[] = {{"userid", op->userid},
		    {"name", u.name[0] ? u.name : op->userid},
		    {"action", strcmp(op->kind, "unlock") == 0
		                   ? "unlock_interrupted"
		               : strcmp(op->kind, "phrase") == 0
		                   ? "phrase_interrupted"
		                   : "password_interrupted"},
		    {"systems", list}, {"time", when},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};

		(void)sspr_notify(s, "reset_done", op->lang, u.email, u.name,
		    vars, ARRAY_SIZE(vars), sspr_now(s) + 86400, err,
		    sizeof(err));
	}
	sspr_user_wipe(&u);
}

static void
repl_report(struct sspr *s, const struct journal_op *op)
{
	struct audit_event ev = {0};
	char action[48];
	size_t i, ok = 0;

	for (i = 0; i < op->nsys; i++)
		ok += strcmp(op->sys[i].state, "ok") == 0;
	snprintf(action, sizeof(action), "%s.recovered", op->kind);
	ev.action = action;
	ev.outcome = ok == op->nsys ? "ok" : ok > 0 ? "partial" : "failed";
	ev.actor = "recovery";
	ev.user = op->userid;
	ev.client = op->client;
	ev.op = op->id;
	for (i = 0; i < op->nsys && i < AUDIT_MAX_SYSTEMS; i++) {
		ev.systems[i] = op->sys[i].name;
		ev.results[i] =
		    op->sys[i].result[0] ? op->sys[i].result : op->sys[i].state;
	}
	ev.nsystems = i;
	sspr_audit(s, &ev);
	if (repl_reset_kind(op->kind)) {
		if (ok > 0)
			sspr_reset_recorded(s, op->userid, (time_t)op->created);
		repl_report_mail(s, op);
	}
}

/* Bring one system of an operation to a final state if possible: 0, or
 * -1 when its new state could not be recorded. */
static int
repl_recover_sys(struct sspr *s, struct journal_op *op, struct journal_sys *js,
    struct repl_req *req, int payload_ok)
{
	struct repl_job jb;
	struct sspr_sys *sys = sspr_sys(s, js->name);
	long long now = (long long)sspr_now(s);

	if (strcmp(js->state, "pending") != 0 &&
	    strcmp(js->state, "writing") != 0)
		return 0;
	if (sys == NULL || !payload_ok || req->kind == REPL_SECRET) {
		const char *st = sys == NULL   ? "failed"
		                 : !payload_ok ? "failed"
		                 : strcmp(js->state, "writing") == 0
		                     ? "unknown"
		                     : "not-applied";
		const char *why = sys == NULL   ? "not-configured"
		                  : !payload_ok ? "journal-damaged"
		                                : st;

		strlcpy_s(js->state, st, sizeof(js->state));
		strlcpy_s(js->result, why, sizeof(js->result));
		return journal_mark(s->journal, op->id, js->name, st, why,
		    "sspr stopped before the change was confirmed");
	}
	memset(&jb, 0, sizeof(jb));
	jb.s = s;
	jb.sys = sys;
	jb.req = req;
	jb.rc = repl_apply_once(&jb, 2);
	if (jb.rc == 1 &&
	    op->created + (long long)s->cfg->journal.give_up_hours * 3600 <=
	        now) {
		jb.rc = -1;
		strlcpy_s(jb.r.result, "gave-up", sizeof(jb.r.result));
	}
	strlcpy_s(js->state, repl_state(req, jb.rc), sizeof(js->state));
	strlcpy_s(js->result, jb.r.result, sizeof(js->result));
	return journal_mark(
	    s->journal, op->id, js->name, js->state, jb.r.result, jb.r.detail);
}

static int
repl_recover_op(struct sspr *s, struct journal_op *op)
{
	struct repl_req req;
	json_t *store = NULL;
	int payload_ok = 1, open = 0, unrecorded = 0;
	size_t i;

	memset(&req, 0, sizeof(req));
	req.kind = repl_kind_of(op->kind);
	req.name = op->kind;
	req.userid = op->userid;
	strlcpy_s(req.op, op->id, sizeof(req.op));
	if (req.kind == REPL_FIELDS &&
	    repl_unpayload(s, op, &req, &store) == -1)
		payload_ok = 0;
	for (i = 0; i < op->nsys; i++) {
		if (repl_recover_sys(s, op, &op->sys[i], &req, payload_ok) ==
		    -1)
			unrecorded = 1;
		open |= strcmp(op->sys[i].state, "pending") == 0;
	}
	json_decref(store);
	if (unrecorded)
		return 0; /* left as it was: claimed again after the lease */
	/* Reported (audit, mail) only once the journal says it is done: an
	 * operation whose end cannot be recorded stays open, is claimed again
	 * and reported then, once, from what the journal holds. */
	if (journal_finish(s->journal, op->id, !open,
	        open ? (long long)sspr_now(s) + s->cfg->journal.retry_seconds
	             : 0) == -1 ||
	    open)
		return 0;
	repl_report(s, op);
	return 1;
}

int
sspr_recover(struct sspr *s)
{
	struct journal_op *ops;
	size_t n, i;
	long long now = (long long)sspr_now(s);
	int done = 0;

	if (journal_claim(s->journal, now, now + REPL_LEASE, &ops, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		done += repl_recover_op(s, &ops[i]);
	journal_ops_free(ops, n);
	(void)journal_prune(
	    s->journal, now - (long long)s->cfg->journal.keep_days * 86400);
	return done;
}
