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
#include <string.h>

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

/* The sign-on: verify (/change) on the first selected system. */
static int
enroll_signon(struct sspr *s, struct sspr_sys *sys,
    const struct sspr_enroll_req *r, const char *userid,
    struct sspr_result *res)
{
	struct esm_verify_result vr;
	enum esm_result rv;

	if (r->password == NULL)
		return enroll_fail(res, SSPR_DENIED, "");
	rv = esm_verify(
	    sys->esm, userid, r->password, r->new_password, NULL, &vr);
	(void)s;
	if (rv == ESM_OK)
		return 0;
	if (rv == ESM_TEMPFAIL)
		return enroll_fail(res, SSPR_UNAVAILABLE,
		    "the security system is not available; try again later");
	if (vr.resp == ESM_RESP_NOTAUTH && vr.resp2 == 3)
		return enroll_fail(res, SSPR_EXPIRED,
		    "your password has expired: choose a new one");
	if (vr.resp == ESM_RESP_NOTAUTH && vr.resp2 == 4)
		return enroll_fail(res, SSPR_INVALID, vr.msg);
	return enroll_fail(res, SSPR_DENIED, "");
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

int
sspr_enroll(
    struct sspr *s, const struct sspr_enroll_req *r, struct sspr_result *res)
{
	struct enroll_work *w = xcalloc(1, sizeof(*w));
	size_t idx[SSPR_MAX_SYSTEMS], i;
	char err[SSPR_MAX_ERROR], date[32], old[SSPR_MAX_EMAIL + 1] = "";
	struct sspr_user u;
	struct repl_req rq;
	int n, q, ok = 0, rc = -1;
	time_t now = sspr_now(s);

	memset(res, 0, sizeof(*res));
	memset(&rq, 0, sizeof(rq));
	if (enroll_check(s, r, w, res) == -1)
		goto out;
	if ((n = sspr_select(s, r->systems, idx, err, sizeof(err))) <= 0) {
		enroll_fail(res, SSPR_INVALID, n == 0 ? "no systems" : err);
		goto out;
	}
	if (enroll_signon(s, &s->sys[idx[0]], r, w->userid, res) == -1)
		goto out;
	if (sspr_user_read(
	        s, &s->sys[idx[0]], w->userid, &u, err, sizeof(err)) == 1)
		strlcpy_s(old, u.email, sizeof(old));
	sspr_user_wipe(&u);
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
	rq.idx = idx;
	rq.n = (size_t)n;
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
	if (ok > 0) {
		char when[64];
		const struct mail_var vars[] = {{"userid", w->userid},
		    {"name", w->userid}, {"time", when},
		    {"client", r->client ? r->client : "-"},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};

		sspr_when(now, when);
		(void)sspr_notify(s, "enrolled", r->lang, r->email, NULL, vars,
		    ARRAY_SIZE(vars), now + 86400, err, sizeof(err));
		if (old[0] != '\0' && strcmp(old, r->email) != 0)
			(void)sspr_notify(s, "enrolled", r->lang, old, NULL,
			    vars, ARRAY_SIZE(vars), now + 86400, err,
			    sizeof(err));
	}
	rc = res->status == SSPR_OK ? 0 : -1;
	goto out;
hashfail:
	enroll_fail(res, SSPR_UNAVAILABLE, "hashing failed (out of memory)");
out:
	if (w->userid[0] != '\0')
		sspr_audit_res(s, "enroll",
		    res->status == SSPR_DENIED    ? "signon"
		    : res->status == SSPR_EXPIRED ? "expired"
		                                  : NULL,
		    w->userid, w->userid, r->client, res, rq.op);
	secure_zero(&rq, sizeof(rq));
	freezero(w, sizeof(*w));
	return rc;
}
