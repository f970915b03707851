/*
 * enroll.c - enrollment: sign on, check, hash once, write everywhere (see
 * sspr.h).
 *
 * Everything the user typed is checked before the ESM is asked anything,
 * so that a refusal names the problem (enrollment is authenticated: the
 * reason may be told).  The sign-on is the ESM's verify path on the first
 * selected system; an expired password is changed in the same step.  The
 * PIN and answers are hashed once and the same stored values go to every
 * selected system, with the code field cleared (a re-enrollment voids any
 * pending access code) and the enrollment date set.
 */
#include "sspr/sspr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "compat/compat.h"
#include "mail/message.h"
#include "compat/banned.h"

/* Everything computed from the request, wiped at the end. */
struct enroll_work {
	char userid[SSPR_MAX_USERID + 1];
	char pin[SECRET_MAX_NORM];
	char ans[POLICY_QUESTIONS][SECRET_MAX_NORM];
	char pin_hash[SECRET_STORED_MAX];
	char ans_hash[POLICY_QUESTIONS][SECRET_STORED_MAX];
	char qid[POLICY_QUESTIONS][8];
	long anslen[POLICY_QUESTIONS];
	long pinlen;
};

static int
enroll_fail(struct sspr_result *res, enum sspr_status st, const char *msg)
{
	res->status = st;
	strlcpy_s(res->msg, msg, sizeof(res->msg));
	return -1;
}

/* Check and normalise what the user typed. */
static int
enroll_check(struct sspr *s, const struct sspr_enroll_req *r,
    struct enroll_work *w, struct sspr_result *res)
{
	struct policy_pin pp = {s->cfg->reset.pin_min, s->cfg->reset.pin_max};
	const char *answers[POLICY_QUESTIONS], *ids[POLICY_QUESTIONS];
	char err[SSPR_MAX_ERROR];
	size_t i;
	int q;

	if (r->userid == NULL || !esm_valid_name(r->userid))
		return enroll_fail(res, SSPR_DENIED, "");
	for (i = 0; r->userid[i] != '\0'; i++)
		w->userid[i] = (char)(r->userid[i] >= 'a' && r->userid[i] <= 'z'
		                          ? r->userid[i] - 'a' + 'A'
		                          : r->userid[i]);
	if (r->new_password != NULL &&
	    policy_secret_text(r->new_password, err, sizeof(err)) == -1)
		return enroll_fail(res, SSPR_INVALID, err);
	if (r->email == NULL ||
	    mail_address_check(r->email, err, sizeof(err)) == -1)
		return enroll_fail(res, SSPR_INVALID,
		    r->email == NULL ? "an e-mail address is required" : err);
	if (strlen(r->email) > SSPR_MAX_EMAIL)
		return enroll_fail(
		    res, SSPR_INVALID, "the e-mail address is too long");
	w->pinlen = r->pin != NULL
	                ? secret_normalize_pin(r->pin, w->pin, sizeof(w->pin))
	                : -1;
	if (w->pinlen < 0)
		return enroll_fail(
		    res, SSPR_INVALID, "the PIN must consist of digits only");
	if (policy_pin_check(&pp, w->userid, w->pin, err, sizeof(err)) == -1)
		return enroll_fail(res, SSPR_INVALID, err);
	for (q = 0; q < POLICY_QUESTIONS; q++) {
		if (r->qid[q] == NULL || r->answer[q] == NULL ||
		    strlen(r->qid[q]) >= sizeof(w->qid[q]))
			return enroll_fail(res, SSPR_INVALID,
			    "three questions and three answers are required");
		strlcpy_s(w->qid[q], r->qid[q], sizeof(w->qid[q]));
		w->anslen[q] = secret_normalize_answer(r->answer[q], w->ans[q]);
		if (w->anslen[q] < 0) {
			snprintf(err, sizeof(err),
			    "answer %d is not valid text (or is too long)",
			    q + 1);
			return enroll_fail(res, SSPR_INVALID, err);
		}
		answers[q] = w->ans[q];
		ids[q] = w->qid[q];
	}
	if (policy_answers_check(
	        ids, answers, w->userid, r->email, err, sizeof(err)) == -1)
		return enroll_fail(res, SSPR_INVALID, err);
	return 0;
}

/*
 * The sign-on: the user's password must sign on to every system the
 * enrollment writes (DESIGN decision: a password valid on one system
 * never replaces the enrollment of another).  Systems where sspr may not
 * ask (the ID undefined or revoked there, privileged, or one failure away
 * from the ESM's own revoke) are not written and are named in the result
 * once the proof holds elsewhere; a wrong password on any system asked is
 * the generic refusal, counted against the user and the address.
 * written gets the systems proven, skipped those not asked; 0, or -1 with
 * res set.
 */
static int
enroll_signon(struct sspr *s, const struct sspr_enroll_req *r,
    const char *userid, const size_t *idx, size_t n, size_t *written,
    size_t *nwritten, struct sspr_sysresult *skipped, size_t *nskipped,
    struct sspr_result *res, const char **why)
{
	struct sspr_signon jobs[SSPR_MAX_SYSTEMS], change[SSPR_MAX_SYSTEMS];
	size_t i, k = 0, nskip = 0;
	struct esm_user eu;
	const char *no;
	int expired = 0, wrong = 0, down = 0;

	*nwritten = 0;
	if (r->password == NULL) {
		*why = "signon";
		return enroll_fail(res, SSPR_DENIED, "");
	}
	for (i = 0; i < n; i++) {
		struct sspr_sys *sys = &s->sys[idx[i]];

		switch (sspr_signon_allowed(
		    sys, userid, s->cfg->reset.allow_privileged, &eu, &no)) {
		case -1:
			*why = no;
			return enroll_fail(res, SSPR_UNAVAILABLE,
			    "the security system is not available; try "
			    "again later");
		case 0:
			/* Kept for the result, told only after a proof. */
			memset(&skipped[nskip], 0, sizeof(skipped[nskip]));
			strlcpy_s(skipped[nskip].name, sys->cfg->name,
			    sizeof(skipped[nskip].name));
			strlcpy_s(skipped[nskip].result, "not-attempted",
			    sizeof(skipped[nskip].result));
			strlcpy_s(skipped[nskip].detail, no,
			    sizeof(skipped[nskip].detail));
			nskip++;
			*why = no;
			continue;
		default:
			break;
		}
		memset(&jobs[k], 0, sizeof(jobs[k]));
		jobs[k].sys = sys;
		jobs[k].userid = userid;
		jobs[k].password = r->password;
		k++;
	}
	if (k == 0) {
		/* The work of a verify, as if the ESM had been asked. */
		sspr_signon_dummy(s);
		return enroll_fail(res, SSPR_DENIED, "");
	}
	sspr_signon_verify(s, jobs, k);
	for (i = 0; i < k; i++) {
		if (jobs[i].rv == ESM_OK)
			continue;
		if (jobs[i].rv == ESM_TEMPFAIL)
			down = 1;
		else if (jobs[i].vr.resp == ESM_RESP_NOTAUTH &&
		         jobs[i].vr.resp2 == 3)
			expired = 1;
		else
			wrong = 1;
	}
	if (wrong) {
		*why = "signon";
		return enroll_fail(res, SSPR_DENIED, "");
	}
	if (down) {
		*why = "esm-unavailable";
		return enroll_fail(res, SSPR_UNAVAILABLE,
		    "the security system is not available; try again later");
	}
	if (expired && r->new_password == NULL) {
		*why = "expired";
		return enroll_fail(res, SSPR_EXPIRED,
		    "your password has expired: choose a new one");
	}
	if (expired) {
		/* The verify/change path on each system where it expired:
		 * the system's own rules decide. */
		size_t m = 0;

		for (i = 0; i < k; i++)
			if (jobs[i].rv != ESM_OK) {
				change[m] = jobs[i];
				change[m].new_password = r->new_password;
				m++;
			}
		sspr_signon_verify(s, change, m);
		for (i = 0; i < m; i++) {
			if (change[i].rv == ESM_OK)
				continue;
			*why = "expired";
			if (change[i].rv == ESM_TEMPFAIL)
				return enroll_fail(res, SSPR_UNAVAILABLE,
				    "the security system is not available; "
				    "try again later");
			if (change[i].vr.resp == ESM_RESP_NOTAUTH &&
			    change[i].vr.resp2 == 4) {
				/* cut to fit: the system's own words end
				 * the line */
				errf(res->msg, sizeof(res->msg), "%s: %s",
				    change[i].sys->cfg->name, change[i].vr.msg);
				res->status = SSPR_INVALID;
				return -1;
			}
			return enroll_fail(res, SSPR_DENIED, "");
		}
	}
	for (i = 0; i < k; i++)
		written[(*nwritten)++] = (size_t)(jobs[i].sys - s->sys);
	*nskipped = nskip;
	*why = NULL;
	return 0;
}

/*
 * The fields an enrollment writes: the PIN and answer hashes, the address,
 * the question IDs, the enrollment date, and an empty code field (a
 * re-enrollment voids any pending access code).  The values are borrowed.
 * Enrollment and the helpdesk's replication write exactly these.
 */
void
sspr_enroll_fields(struct sspr *s, const char *pin, const char *email,
    const char *const *qid, const char *const *answer, const char *date,
    struct repl_req *rq)
{
	size_t n = 0;
	int q;

	rq->fields[n].name = sspr_field(s, CFG_F_PIN);
	rq->fields[n++].value = pin;
	rq->fields[n].name = sspr_field(s, CFG_F_MAIL);
	rq->fields[n++].value = email;
	for (q = 0; q < POLICY_QUESTIONS; q++) {
		rq->fields[n].name =
		    sspr_field(s, (enum cfg_field)(CFG_F_Q1 + q));
		rq->fields[n++].value = qid[q];
		rq->fields[n].name =
		    sspr_field(s, (enum cfg_field)(CFG_F_A1 + q));
		rq->fields[n++].value = answer[q];
	}
	rq->fields[n].name = sspr_field(s, CFG_F_CODE);
	rq->fields[n++].value = NULL;
	rq->fields[n].name = sspr_field(s, CFG_F_SDATE);
	rq->fields[n++].value = date;
	rq->nfields = n;
}

/*
 * What the systems to be written hold now: every address that will lose
 * the account (told of the change), and the newest enrollment date.  0,
 * or -1 when a system could not answer.
 */
static int
enroll_previous(struct sspr *s, const char *uid, const size_t *idx, size_t n,
    const char *email, char old[][SSPR_MAX_EMAIL + 1], size_t *nold,
    long long *newest)
{
	char err[SSPR_MAX_ERROR];
	struct sspr_user u;
	size_t i, k;
	long long d;

	*nold = 0;
	*newest = 0;
	for (i = 0; i < n; i++) {
		if (sspr_user_read(
		        s, &s->sys[idx[i]], uid, &u, err, sizeof(err)) == -1)
			return -1;
		d = u.sdate[0] != '\0' ? strtoll(u.sdate, NULL, 10) : 0;
		if (d > *newest)
			*newest = d;
		for (k = 0; k < *nold; k++)
			if (strcasecmp(old[k], u.email) == 0)
				break;
		if (u.email[0] != '\0' && k == *nold &&
		    strcasecmp(u.email, email) != 0)
			strlcpy_s(old[(*nold)++], u.email, SSPR_MAX_EMAIL + 1);
		sspr_user_wipe(&u);
	}
	return 0;
}

int
sspr_enroll(
    struct sspr *s, const struct sspr_enroll_req *r, struct sspr_result *res)
{
	struct enroll_work *w = xcalloc(1, sizeof(*w));
	size_t idx[SSPR_MAX_SYSTEMS], tgt[SSPR_MAX_SYSTEMS], i, ntgt = 0;
	size_t nskip = 0, nold = 0;
	struct sspr_sysresult skipped[SSPR_MAX_SYSTEMS];
	char err[SSPR_MAX_ERROR], date[32];
	char old[SSPR_MAX_SYSTEMS][SSPR_MAX_EMAIL + 1];
	struct sspr_user u;
	struct repl_req rq;
	struct timespec start;
	const char *why = NULL;
	int n, q, ok = 0, rc = -1;
	time_t now = sspr_now(s);
	long long last;

	clock_gettime(CLOCK_MONOTONIC, &start);
	memset(res, 0, sizeof(*res));
	memset(&rq, 0, sizeof(rq));
	memset(&u, 0, sizeof(u));
	if (enroll_check(s, r, w, res) == -1) {
		why = res->status == SSPR_DENIED ? "signon" : "input";
		goto out;
	}
	if (!ratelimit_allowed(s->rl, r->client, now)) {
		why = "client-rate-limited";
		enroll_fail(res, SSPR_DENIED, "");
		goto out;
	}
	if ((n = sspr_select(s, r->systems, idx, err, sizeof(err))) <= 0) {
		why = "input";
		enroll_fail(res, SSPR_INVALID, n == 0 ? "no systems" : err);
		goto out;
	}
	/* The user's budget is the reset flow's: kept on the primary. */
	if (sspr_user_read(
	        s, sspr_primary(s), w->userid, &u, err, sizeof(err)) == -1) {
		why = "esm-unavailable";
		enroll_fail(res, SSPR_UNAVAILABLE,
		    "the security system is not available; try again later");
		goto out;
	}
	if (sspr_locked(s, &u)) {
		why = "locked";
		sspr_signon_dummy(s);
		enroll_fail(res, SSPR_DENIED, "");
		goto out;
	}
	if (enroll_signon(s, r, w->userid, idx, (size_t)n, tgt, &ntgt, skipped,
	        &nskip, res, &why) == -1) {
		if (res->status == SSPR_DENIED && strcmp(why, "signon") == 0 &&
		    sspr_fail(s, sspr_primary(s), w->userid) == -1 && u.exists)
			why = "fail-not-counted";
		goto out;
	}
	if (enroll_previous(
	        s, w->userid, tgt, ntgt, r->email, old, &nold, &last) == -1) {
		why = "esm-unavailable";
		enroll_fail(res, SSPR_UNAVAILABLE,
		    "the security system is not available; try again later");
		goto out;
	}
	/* A re-enrollment at most every few minutes: each one mails every
	 * address concerned. */
	if (last > 0 && (long long)now < last + SSPR_REENROLL_SECONDS) {
		char when[32];

		sspr_when((time_t)(last + SSPR_REENROLL_SECONDS), when);
		why = "too-soon";
		snprintf(res->msg, sizeof(res->msg),
		    "the enrollment was changed a moment ago; it can be "
		    "changed again after %s",
		    when);
		res->status = SSPR_INVALID;
		goto out;
	}
	if (secret_hash(SECRET_PIN, &s->pepper, &s->params, w->pin,
	        (size_t)w->pinlen, w->pin_hash) == -1)
		goto hashfail;
	for (q = 0; q < POLICY_QUESTIONS; q++)
		if (secret_hash(SECRET_ANSWER, &s->pepper, &s->params,
		        w->ans[q], (size_t)w->anslen[q], w->ans_hash[q]) == -1)
			goto hashfail;
	snprintf(date, sizeof(date), "%lld", (long long)now);
	rq.kind = REPL_FIELDS;
	rq.name = "enroll";
	rq.userid = rq.actor = w->userid;
	rq.client = r->client;
	rq.lang = r->lang;
	rq.idx = tgt;
	rq.n = ntgt;
	rq.check_fields = 1;
	{
		const char *qid[POLICY_QUESTIONS], *ans[POLICY_QUESTIONS];

		for (q = 0; q < POLICY_QUESTIONS; q++) {
			qid[q] = w->qid[q];
			ans[q] = w->ans_hash[q];
		}
		sspr_enroll_fields(
		    s, w->pin_hash, r->email, qid, ans, date, &rq);
	}
	(void)sspr_replicate(s, &rq, res);
	for (i = 0; i < res->nsystems; i++)
		ok += strcmp(res->sys[i].result, "ok") == 0;
	for (i = 0; i < nskip && res->nsystems < SSPR_MAX_SYSTEMS; i++)
		res->sys[res->nsystems++] = skipped[i];
	if (ok > 0) {
		char when[64];
		const struct mail_var vars[] = {{"userid", w->userid},
		    {"name", w->userid}, {"time", when},
		    {"client", r->client ? r->client : "-"},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};

		sspr_when(now, when);
		(void)sspr_notify(s, "enrolled", r->lang, r->email, NULL, vars,
		    ARRAY_SIZE(vars), now + 86400, err, sizeof(err));
		/* Every address that loses the account is told. */
		for (i = 0; i < nold; i++)
			(void)sspr_notify(s, "enrolled", r->lang, old[i], NULL,
			    vars, ARRAY_SIZE(vars), now + 86400, err,
			    sizeof(err));
	}
	if (res->status == SSPR_OK && nskip > 0)
		res->status = SSPR_PARTIAL;
	rc = res->status == SSPR_OK ? 0 : -1;
	goto out;
hashfail:
	why = "hash";
	enroll_fail(res, SSPR_UNAVAILABLE, "hashing failed (out of memory)");
out:
	/* Every refusal counts against the address, whatever the ID's
	 * state (a flood at a locked or unknown ID is a flood too), and
	 * takes as long as one the ESM decided (REC-02). */
	if (res->status == SSPR_DENIED) {
		if (why == NULL || strcmp(why, "client-rate-limited") != 0)
			ratelimit_fail(s->rl, r->client, now);
		sspr_signon_pace(s, &start);
	}
	if (w->userid[0] != '\0') {
		if (why != NULL && strcmp(why, "client-rate-limited") == 0) {
			struct audit_event ev = {.action = "enroll",
			    .outcome = "denied",
			    .reason = why,
			    .client = r->client};

			sspr_audit_gated(s, &ev);
		} else
			sspr_audit_res(s, "enroll", why, w->userid, w->userid,
			    r->client, res, rq.op);
	}
	sspr_user_wipe(&u);
	secure_zero(&rq, sizeof(rq));
	secure_zero(old, sizeof(old));
	freezero(w, sizeof(*w));
	return rc;
}
