/*
 * reset.c - the self-service reset flow (see sspr.h).
 *
 * Each step opens the sealed token of the step before (wrong step, other
 * user, expired or forged: the generic refusal), reads the user's state
 * from the first system (the one whose fields hold the enrollment), does
 * the same work whatever that state is, and anchors its outcome in the
 * ESM's code field by compare-and-set:
 *
 *	PIN ok (email code)	code field := issued(flow, HMAC(code), expiry)
 *	PIN ok (fixed, none)	(none: code field := passed(flow))
 *	code ok			code field := passed(flow)    [exactly one wins]
 *	answers ok		(the field must say passed(flow))
 *	complete		code field: passed(flow) -> empty  [consumed]
 *
 * A refusal never says why.  Failed PINs, codes and answers are counted in
 * the fail field; past reset.max_failures every step is refused until the
 * lock expires.
 */
#include "sspr/sspr_int.h"

#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "esm/passticket.h"
#include "mail/message.h"
#include "compat/banned.h"

#define RESET_FLOW_SECONDS (30 * 60) /* a flow's whole lifetime */

static int reset_deny(struct sspr_flow *out);

/* One audit event per step: outcome from out, reason from the step. */
static void
reset_log(struct sspr *s, const char *step, const char *uid, const char *client,
    const struct sspr_flow *out, const char *why)
{
	struct audit_event ev = {.action = step,
	    .actor = uid,
	    .user = uid,
	    .client = client,
	    .reason = why};

	ev.outcome = out->status == SSPR_OK       ? "ok"
	             : out->status == SSPR_DENIED ? "denied"
	                                          : "unavailable";
	sspr_audit(s, &ev);
}

/* Why a user may not self-serve (for the audit trail only). */
static const char *
reset_why(const struct sspr *s, const struct sspr_user *u)
{
	if (!u->exists)
		return "unknown-user";
	if (!u->enrolled)
		return "not-enrolled";
	if (u->fail.locked_until > (long long)sspr_now(s))
		return "locked";
	if (u->special && !s->cfg->reset.allow_privileged)
		return "privileged";
	if (u->revoked)
		return "revoked";
	return NULL;
}

/* A refusal before the token is opened: counted against the address
 * (a forged or mangled token is a failed step like any other), and
 * audited through the gate that bounds a flood's lines. */
static int
reset_early(struct sspr *s, const char *step, const char *client, int limited,
    struct sspr_flow *out)
{
	struct audit_event ev = {.action = step,
	    .outcome = "denied",
	    .client = client,
	    .reason = limited ? "client-rate-limited" : "bad-token"};

	reset_deny(out);
	if (!limited)
		ratelimit_fail(s->rl, client, sspr_now(s));
	sspr_audit_gated(s, &ev);
	return -1;
}

static int
reset_deny(struct sspr_flow *out)
{
	memset(out, 0, sizeof(*out));
	out->status = SSPR_DENIED;
	return -1;
}

/* The ESM could not answer: "try again later", never a failure. */
static int
reset_unavailable(struct sspr_flow *out)
{
	memset(out, 0, sizeof(*out));
	out->status = SSPR_UNAVAILABLE;
	return -1;
}

/* Issue the token for the next step. */
static int
reset_next(struct sspr *s, struct sspr_token *t, enum sspr_step step,
    struct sspr_flow *out)
{
	memset(out, 0, sizeof(*out));
	t->step = step;
	if (sspr_token_seal(s, t, out->token) == -1)
		return reset_unavailable(out);
	out->status = SSPR_OK;
	out->step = step;
	out->expires_in = (long)(t->expires - (long long)sspr_now(s));
	return 0;
}

int
sspr_reset_start(struct sspr *s, const char *userid, const char *client,
    struct sspr_flow *out)
{
	struct sspr_token t;
	size_t i;

	memset(&t, 0, sizeof(t));
	/* No ESM is asked anything here: the answer cannot depend on the
	 * user.  An ID that cannot exist still gets a flow that will be
	 * refused, after the same work, at the PIN step. */
	for (i = 0; userid != NULL && userid[i] != '\0' && i < SSPR_MAX_USERID;
	     i++)
		t.userid[i] = (char)(userid[i] >= 'a' && userid[i] <= 'z'
		                         ? userid[i] - 'a' + 'A'
		                         : userid[i]);
	if (!esm_valid_name(t.userid))
		strlcpy_s(t.userid, "#NOUSER", sizeof(t.userid));
	if (code_flow_id(t.flow) == -1)
		return reset_unavailable(out);
	t.expires = (long long)sspr_now(s) + RESET_FLOW_SECONDS;
	if (reset_next(s, &t, SSPR_STEP_PIN, out) == -1)
		return -1;
	reset_log(s, "reset.start", t.userid, client, out, NULL);
	return 0;
}

/* May this user use self-service at all (besides the proofs)? */
static int
reset_eligible(const struct sspr *s, const struct sspr_user *u)
{
	if (!u->exists || !u->enrolled || sspr_locked(s, u))
		return 0;
	if (u->special && !s->cfg->reset.allow_privileged)
		return 0;
	/* An ID an administrator revoked is never self-served; one revoked
	 * by failed attempts or inactivity only when resuming is allowed. */
	if (u->revoked && !sspr_resumable(s, u->revoke_reason))
		return 0;
	return 1;
}

/* The questions asked: the same subset and order for every flow of one
 * enrollment (no cycling to easier questions), chosen by an HMAC of the
 * user ID and the enrollment date. */
static void
reset_pick(const struct sspr *s, const struct sspr_user *u, const char *uid,
    struct sspr_token *t)
{
	struct hmac_sha256_ctx h;
	unsigned char d[SHA256_DIGEST_SIZE];
	int i, j, tmp;

	hmac_sha256_set_key(&h, sizeof(s->qsel_key), s->qsel_key);
	hmac_sha256_update(&h, strlen(uid) + 1, (const uint8_t *)uid);
	hmac_sha256_update(&h, strlen(u->sdate), (const uint8_t *)u->sdate);
	hmac_sha256_digest(&h, sizeof(d), d);
	for (i = 0; i < POLICY_QUESTIONS; i++)
		t->q[i] = i;
	for (i = POLICY_QUESTIONS - 1; i > 0; i--) {
		j = d[i] % (i + 1);
		tmp = t->q[i];
		t->q[i] = t->q[j];
		t->q[j] = tmp;
	}
	t->nq = s->cfg->reset.questions_asked;
	secure_zero(&h, sizeof(h));
}

/* Write the code field from expected old to new (compare-and-set).  1
 * written, 0 someone else changed it first, -1 the ESM failed. */
static int
reset_cas_code(struct sspr *s, struct sspr_sys *sys, const char *uid,
    const struct sspr_user *u, const struct code_field *next)
{
	char val[CODE_FIELD_MAX];
	struct esm_field set, exp;
	struct esm_err e;
	enum esm_result rv;

	code_field_format(next, val, sizeof(val));
	set.name = exp.name = sspr_field(s, CFG_F_CODE);
	set.value = val[0] != '\0' ? val : NULL;
	exp.value = u->code_set ? u->code_raw : NULL;
	rv = esm_set_fields(sys->esm, uid, &set, 1, &exp, 1, &e);
	if (rv == ESM_OK)
		return 1;
	return rv == ESM_DENY && e.code == ESM_E_CONFLICT ? 0 : -1;
}

static void
reset_fill_questions(const struct sspr_user *u, const struct sspr_token *t,
    struct sspr_flow *out)
{
	int i;

	out->nquestions = t->nq;
	for (i = 0; i < t->nq; i++)
		strlcpy_s(out->qid[i], u->qid[t->q[i]], sizeof(out->qid[i]));
}

/* Read uid's state for a step: 0, or -1 (the ESM could not answer: out
 * says unavailable, why "esm-unavailable"). */
static int
reset_read(struct sspr *s, struct sspr_sys *sys, const char *uid,
    struct sspr_user *u, struct sspr_flow *out, const char **why)
{
	char err[SSPR_MAX_ERROR];

	if (sspr_user_read(s, sys, uid, u, err, sizeof(err)) == 1)
		return 0;
	*why = "esm-unavailable";
	return reset_unavailable(out);
}

/* Count a failed proof for an enrolled user (compare-and-set in the ESM)
 * and for the client's address.  A count the ESM could not take is
 * logged by the reason; the answer stays the generic refusal, the same
 * as for a user the ESM does not know. */
static const char *
reset_count(struct sspr *s, struct sspr_sys *sys, const char *uid,
    const struct sspr_user *u, const char *client, const char *why)
{
	int counted = 0;

	if (u->exists && u->enrolled && !sspr_locked(s, u))
		counted = sspr_fail(s, sys, uid) == 0 ? 1 : -1;
	ratelimit_fail(s->rl, client, sspr_now(s));
	return counted == -1 ? "fail-not-counted" : why;
}

/* The code step a right PIN leads to, decided from the code field as it
 * is now: 1 the field says this flow is already past the PIN (a
 * replay: answer the same step again, send nothing), 0 a new state must
 * be written, and next says which. */
enum pin_next {
	PIN_MAIL,
	PIN_ADOPT,
	PIN_FIXED,
	PIN_NONE,
	PIN_AGAIN_CODE,
	PIN_AGAIN_ANSWERS
};

static enum pin_next
reset_pin_next(const struct sspr *s, const struct sspr_user *u,
    const struct sspr_token *t, long long now)
{
	const struct code_field *c = &u->code;
	int mine = strcmp(c->flow, t->flow) == 0 && c->expires > now;

	if (mine && c->state == CODE_ISSUED && c->tries < CODE_MAX_TRIES)
		return PIN_AGAIN_CODE;
	if (mine && c->state == CODE_PASSED)
		return s->cfg->reset.access_code == CFG_CODE_NONE
		           ? PIN_AGAIN_ANSWERS
		           : PIN_AGAIN_CODE;
	if (c->state == CODE_HELPDESK && c->expires > now &&
	    c->tries < CODE_MAX_TRIES &&
	    s->cfg->reset.access_code != CFG_CODE_NONE)
		return PIN_ADOPT;
	switch (s->cfg->reset.access_code) {
	case CFG_CODE_EMAIL:
		return PIN_MAIL;
	case CFG_CODE_FIXED:
		return PIN_FIXED;
	case CFG_CODE_NONE:
		break;
	}
	return PIN_NONE;
}

/* Mail a new code for t's flow and anchor it: 1 done, 0 the field
 * changed under us (read again), -1 the ESM or the outbox failed. */
static int
reset_mail_code(struct sspr *s, struct sspr_sys *sys, const struct sspr_user *u,
    const struct sspr_token *t, const char *lang, long long now)
{
	char code[CODE_LEN + 1], minutes[16], err[SSPR_MAX_ERROR];
	const struct mail_var vars[] = {{"userid", t->userid},
	    {"name", u->name[0] ? u->name : t->userid}, {"code", code},
	    {"minutes", minutes}, {"system", sys->cfg->name},
	    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};
	struct code_field next;
	int rc;

	memset(&next, 0, sizeof(next));
	strlcpy_s(next.flow, t->flow, sizeof(next.flow));
	if (code_generate(code) == -1)
		return -1;
	snprintf(
	    minutes, sizeof(minutes), "%d", s->cfg->reset.access_code_minutes);
	next.state = CODE_ISSUED;
	next.expires = now + (long long)s->cfg->reset.access_code_minutes * 60;
	code_mac(s->code_key, t->flow, code, next.mac);
	/* A new code voids the old one: whatever the field held. */
	rc = reset_cas_code(s, sys, t->userid, u, &next);
	if (rc == 1 &&
	    sspr_notify(s, "access_code", lang, u->email, u->name, vars,
	        ARRAY_SIZE(vars), (time_t)next.expires, err, sizeof(err)) == -1)
		rc = -1;
	secure_zero(code, sizeof(code));
	return rc;
}

int
sspr_reset_pin(struct sspr *s, const char *token, const char *pin,
    const char *client, const char *lang, struct sspr_flow *out)
{
	struct sspr_sys *sys = sspr_sys(s, NULL);
	char norm[SECRET_MAX_NORM];
	struct sspr_token t;
	struct sspr_user u;
	struct code_field next;
	const char *why = NULL;
	long len;
	int ok, eligible, tries, cas = 1, rc = -1;
	long long now = (long long)sspr_now(s);

	memset(&u, 0, sizeof(u));
	if (!ratelimit_allowed(s->rl, client, (time_t)now))
		return reset_early(s, "reset.pin", client, 1, out);
	if (sspr_token_open(s, token, SSPR_STEP_PIN, &t) == -1)
		return reset_early(s, "reset.pin", client, 0, out);
	if (reset_read(s, sys, t.userid, &u, out, &why) == -1)
		goto out;
	eligible = reset_eligible(s, &u);
	len = pin != NULL ? secret_normalize_pin(pin, norm, sizeof(norm)) : -1;
	/* One Argon2 computation whatever the state (REC-02). */
	if (eligible && len >= 0)
		ok = secret_verify(
		    SECRET_PIN, &s->pepper, 1, u.pin, norm, (size_t)len);
	else
		ok = secret_dummy_verify(&s->params);
	secure_zero(norm, sizeof(norm));
	if (!eligible || !ok) {
		why = reset_count(s, sys, t.userid, &u, client,
		    !eligible ? reset_why(s, &u) : "wrong-pin");
		reset_deny(out);
		goto out;
	}
	reset_pick(s, &u, t.userid, &t);
	/* Anchor the next step by compare-and-set; when the field changed
	 * under us (another request of this user), decide again from what
	 * it holds now. */
	for (tries = 0; tries < SSPR_CAS_TRIES; tries++) {
		if (tries > 0 &&
		    reset_read(s, sys, t.userid, &u, out, &why) == -1)
			goto out;
		switch (reset_pin_next(s, &u, &t, now)) {
		case PIN_AGAIN_CODE: /* a replay: the code is on its way */
			why = "replay";
			rc = reset_next(s, &t, SSPR_STEP_CODE, out);
			out->code_kind = (int)s->cfg->reset.access_code;
			out->replay = 1;
			goto out;
		case PIN_AGAIN_ANSWERS:
			why = "replay";
			rc = reset_next(s, &t, SSPR_STEP_ANSWERS, out);
			reset_fill_questions(&u, &t, out);
			out->replay = 1;
			goto out;
		case PIN_ADOPT: /* a code the helpdesk sent */
			next = u.code;
			next.state = CODE_ISSUED;
			strlcpy_s(t.flow, u.code.flow, sizeof(t.flow));
			cas = reset_cas_code(s, sys, t.userid, &u, &next);
			if (cas == 1) {
				why = "helpdesk-code";
				rc = reset_next(s, &t, SSPR_STEP_CODE, out);
				out->code_kind = (int)CFG_CODE_EMAIL;
				goto out;
			}
			break;
		case PIN_MAIL:
			cas = reset_mail_code(s, sys, &u, &t, lang, now);
			if (cas == 1) {
				rc = reset_next(s, &t, SSPR_STEP_CODE, out);
				out->code_kind = (int)CFG_CODE_EMAIL;
				goto out;
			}
			break;
		case PIN_FIXED:
			rc = reset_next(s, &t, SSPR_STEP_CODE, out);
			out->code_kind = (int)CFG_CODE_FIXED;
			goto out;
		case PIN_NONE:
			memset(&next, 0, sizeof(next));
			strlcpy_s(next.flow, t.flow, sizeof(next.flow));
			next.state = CODE_PASSED;
			next.expires = t.expires;
			cas = reset_cas_code(s, sys, t.userid, &u, &next);
			if (cas == 1) {
				rc = reset_next(s, &t, SSPR_STEP_ANSWERS, out);
				reset_fill_questions(&u, &t, out);
				goto out;
			}
			break;
		}
		if (cas == -1)
			break;
	}
	why = cas == -1 ? "esm-unavailable" : "conflict";
	reset_unavailable(out);
out:
	reset_log(s, "reset.pin", t.userid, client, out, why);
	sspr_user_wipe(&u);
	return rc;
}

/* Compare a fixed code with the configured ESM field, in constant time:
 * 1 right, 0 wrong (or no code held), -1 the ESM could not answer. */
static int
reset_fixed_ok(
    struct sspr *s, struct sspr_sys *sys, const char *uid, const char *code)
{
	const char *name = s->cfg->reset.access_code_field;
	char *val = NULL;
	struct esm_err e;
	enum esm_result rv;
	size_t n;
	int ok = 0;

	rv = esm_get_fields(sys->esm, uid, &name, 1, &val, &e);
	if (rv == ESM_TEMPFAIL)
		return -1;
	if (rv != ESM_OK || val == NULL || code == NULL)
		goto out;
	n = strlen(val);
	ok = n > 0 && strlen(code) == n && ct_equal(val, code, n);
out:
	strfreezero(val);
	return ok;
}

/* The e-mailed code typed matches the HMAC kept in c: 1, else 0. */
static int
reset_code_matches(const struct sspr *s, const struct code_field *c,
    const char *flow, const char *code)
{
	char norm[CODE_LEN + 1], mac[CODE_MAC_LEN + 1];
	int ok = 0;

	if (code != NULL && c->mac[0] != '\0' &&
	    code_normalize(code, norm) == 0) {
		code_mac(s->code_key, flow, norm, mac);
		ok = ct_equal(mac, c->mac, CODE_MAC_LEN);
		secure_zero(mac, sizeof(mac));
	}
	secure_zero(norm, sizeof(norm));
	return ok;
}

/*
 * One try of the code step against the field as read into u: 1 passed
 * (out is the answers step), 0 refused (why set), 2 the field changed
 * under us (read again and retry), -1 the ESM could not answer.
 */
static int
reset_code_try(struct sspr *s, struct sspr_sys *sys, struct sspr_token *t,
    const struct sspr_user *u, const char *code, const char **why)
{
	const struct code_field *c = &u->code;
	long long now = (long long)sspr_now(s);
	int mine = strcmp(c->flow, t->flow) == 0 && c->expires > now;
	struct code_field next;
	int ok, cas;

	/* A replay of the step already passed: the same answer again, and
	 * nothing counted (a double click, the Back button). */
	if (mine && c->state == CODE_PASSED) {
		if (s->cfg->reset.access_code == CFG_CODE_FIXED &&
		    c->mac[0] == '\0')
			ok = reset_fixed_ok(s, sys, t->userid, code);
		else
			ok = reset_code_matches(s, c, t->flow, code);
		if (ok == 1)
			*why = "replay";
		else if (ok == 0)
			*why = "wrong-code";
		return ok;
	}
	memset(&next, 0, sizeof(next));
	if (mine && c->state == CODE_ISSUED && c->tries < CODE_MAX_TRIES) {
		ok = reset_code_matches(s, c, t->flow, code);
		next = *c;
		if (!ok) {
			/* A wrong try counts against this code: three burn
			 * it. */
			next.tries++;
			if (next.tries >= CODE_MAX_TRIES)
				memset(&next, 0, sizeof(next));
		}
	} else if (s->cfg->reset.access_code == CFG_CODE_FIXED) {
		ok = reset_fixed_ok(s, sys, t->userid, code);
		if (ok == -1)
			return -1;
		strlcpy_s(next.flow, t->flow, sizeof(next.flow));
		if (!ok) {
			*why = "wrong-code";
			return 0;
		}
	} else {
		*why = "no-code";
		return 0;
	}
	if (ok) {
		next.state = CODE_PASSED;
		next.tries = 0;
		next.expires = t->expires;
	}
	/* Of any number of requests with the right code, exactly one moves
	 * the field from issued to passed; a wrong try's count is never
	 * lost to a concurrent one. */
	cas = reset_cas_code(s, sys, t->userid, u, &next);
	if (cas != 1)
		return cas == 0 ? 2 : -1;
	if (!ok)
		*why = "wrong-code";
	return ok;
}

int
sspr_reset_code(struct sspr *s, const char *token, const char *code,
    const char *client, struct sspr_flow *out)
{
	struct sspr_sys *sys = sspr_sys(s, NULL);
	struct sspr_token t;
	struct sspr_user u;
	const char *why = NULL;
	int r = 2, tries, rc = -1;

	memset(&u, 0, sizeof(u));
	if (!ratelimit_allowed(s->rl, client, sspr_now(s)))
		return reset_early(s, "reset.code", client, 1, out);
	if (sspr_token_open(s, token, SSPR_STEP_CODE, &t) == -1)
		return reset_early(s, "reset.code", client, 0, out);
	for (tries = 0; r == 2 && tries < SSPR_CAS_TRIES; tries++) {
		sspr_user_wipe(&u);
		if (reset_read(s, sys, t.userid, &u, out, &why) == -1)
			goto out;
		if (!reset_eligible(s, &u)) {
			why = reset_why(s, &u);
			reset_deny(out);
			goto out;
		}
		r = reset_code_try(s, sys, &t, &u, code, &why);
	}
	switch (r) {
	case 1:
		rc = reset_next(s, &t, SSPR_STEP_ANSWERS, out);
		reset_fill_questions(&u, &t, out);
		out->replay = why != NULL && strcmp(why, "replay") == 0;
		break;
	case 0:
		why = reset_count(s, sys, t.userid, &u, client, why);
		reset_deny(out);
		break;
	default: /* the ESM failed, or the field would not settle */
		why = r == 2 ? "conflict" : "esm-unavailable";
		reset_unavailable(out);
		break;
	}
out:
	reset_log(s, "reset.code", t.userid, client, out, why);
	sspr_user_wipe(&u);
	return rc;
}

/* The code field says this flow has given its proof. */
static int
reset_passed(
    const struct sspr *s, const struct sspr_user *u, const struct sspr_token *t)
{
	return u->code.state == CODE_PASSED &&
	       strcmp(u->code.flow, t->flow) == 0 &&
	       u->code.expires > (long long)sspr_now(s);
}

static unsigned
reset_actions(const struct sspr *s, const struct sspr_user *u)
{
	unsigned a = 0;

	if (s->cfg->reset.passphrase != CFG_PHRASE_ONLY)
		a |= 1u << SSPR_ACT_PASSWORD;
	if (s->cfg->reset.passphrase != CFG_PHRASE_OFF)
		a |= 1u << SSPR_ACT_PHRASE;
	if (s->cfg->reset.allow_resume && u->revoked)
		a |= 1u << SSPR_ACT_UNLOCK;
	return a;
}

int
sspr_reset_answers(struct sspr *s, const char *token,
    const char *const *answers, size_t n, const char *client,
    struct sspr_flow *out)
{
	struct sspr_sys *sys = sspr_sys(s, NULL);
	char norm[SECRET_MAX_NORM];
	struct sspr_token t;
	struct sspr_user u;
	const char *why = NULL;
	int i, good = 1, rc = -1, eligible;
	long len;

	memset(&u, 0, sizeof(u));

	if (!ratelimit_allowed(s->rl, client, sspr_now(s)))
		return reset_early(s, "reset.answers", client, 1, out);
	if (sspr_token_open(s, token, SSPR_STEP_ANSWERS, &t) == -1)
		return reset_early(s, "reset.answers", client, 0, out);
	if (reset_read(s, sys, t.userid, &u, out, &why) == -1)
		goto out;
	eligible = reset_eligible(s, &u) && reset_passed(s, &u, &t) &&
	           n == (size_t)t.nq;
	/* Every answer asked is verified, never stopping at a wrong one. */
	for (i = 0; i < t.nq; i++) {
		len = eligible && answers[i] != NULL
		          ? secret_normalize_answer(answers[i], norm)
		          : -1;
		if (eligible && len >= 0)
			good &= secret_verify(SECRET_ANSWER, &s->pepper, 1,
			    u.answer[t.q[i]], norm, (size_t)len);
		else {
			(void)secret_dummy_verify(&s->params);
			good = 0;
		}
		secure_zero(norm, sizeof(norm));
	}
	if (!eligible || !good) {
		why = reset_count(s, sys, t.userid, &u, client,
		    !eligible
		        ? (reset_why(s, &u) ? reset_why(s, &u) : "no-proof")
		        : "wrong-answers");
		reset_deny(out);
		goto out;
	}
	rc = reset_next(s, &t, SSPR_STEP_ACTION, out);
	out->actions = reset_actions(s, &u);
out:
	reset_log(s, "reset.answers", t.userid, client, out, why);
	sspr_user_wipe(&u);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Completing: the action on every selected system
 * ---------------------------------------------------------------- */

static int
reset_action_ok(
    const struct sspr *s, const struct sspr_complete_req *req, unsigned allowed)
{
	size_t len = req->new_secret != NULL ? strlen(req->new_secret) : 0;

	if (!(allowed & (1u << req->action)))
		return 0;
	if (req->action == SSPR_ACT_UNLOCK)
		return 1;
	(void)s;
	if (req->action == SSPR_ACT_PASSWORD)
		return len >= 1 && len <= SSPR_MAX_PASSWORD;
	return len > SSPR_MAX_PASSWORD && len <= SSPR_MAX_PHRASE;
}

/* "PROD, DR" of the systems where the action landed. */
static void
reset_names(const struct sspr_result *res, char *out, size_t size)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < res->nsystems; i++)
		if (strcmp(res->sys[i].result, "ok") == 0)
			sspr_list_add(out, size, ", ", "%s", res->sys[i].name);
}

int
sspr_reset_complete(struct sspr *s, const struct sspr_complete_req *req,
    struct sspr_result *res)
{
	struct sspr_sys *sys = sspr_sys(s, NULL);
	size_t idx[SSPR_MAX_SYSTEMS];
	char err[SSPR_MAX_ERROR], when[64], names[160];
	struct code_field none;
	struct sspr_token t;
	struct sspr_user u;
	struct repl_req rq;
	const char *why = NULL;
	int n, limited, rc = -1;
	time_t now = sspr_now(s);

	memset(res, 0, sizeof(*res));
	memset(&rq, 0, sizeof(rq));
	memset(&u, 0, sizeof(u));
	res->status = SSPR_DENIED;
	limited = !ratelimit_allowed(s->rl, req->client, now);
	if (limited ||
	    sspr_token_open(s, req->token, SSPR_STEP_ACTION, &t) == -1) {
		struct sspr_flow fl;

		return reset_early(
		    s, "reset.complete", req->client, limited, &fl);
	}
	if (sspr_user_read(s, sys, t.userid, &u, err, sizeof(err)) == -1) {
		res->status = SSPR_UNAVAILABLE;
		why = "esm-unavailable";
		goto out;
	}
	if (!reset_eligible(s, &u) || !reset_passed(s, &u, &t)) {
		why = reset_why(s, &u) ? reset_why(s, &u) : "no-proof";
		goto out;
	}
	if (req->action != SSPR_ACT_UNLOCK && req->new_secret != NULL &&
	    policy_secret_text(req->new_secret, res->msg, sizeof(res->msg)) ==
	        -1) {
		res->status = SSPR_INVALID;
		why = "input";
		goto out;
	}
	if (!reset_action_ok(s, req, reset_actions(s, &u))) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg,
		    req->action == SSPR_ACT_PHRASE
		        ? "a password phrase must be 9 to 100 characters"
		    : req->action == SSPR_ACT_PASSWORD
		        ? "a password must be 1 to 8 characters"
		        : "this action is not available",
		    sizeof(res->msg));
		goto out;
	}
	if ((n = sspr_select(s, req->systems, idx, err, sizeof(err))) <= 0) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg, err, sizeof(res->msg));
		goto out;
	}
	/* Consume the proof: of two completions of one flow, one wins. */
	memset(&none, 0, sizeof(none));
	switch (reset_cas_code(s, sys, t.userid, &u, &none)) {
	case 1:
		break;
	case 0: /* another completion of this flow won */
		why = "used";
		goto out;
	default:
		res->status = SSPR_UNAVAILABLE;
		why = "esm-unavailable";
		goto out;
	}
	rq.kind = req->action == SSPR_ACT_UNLOCK ? REPL_UNLOCK : REPL_SECRET;
	rq.name = req->action == SSPR_ACT_UNLOCK   ? "unlock"
	          : req->action == SSPR_ACT_PHRASE ? "phrase"
	                                           : "password";
	rq.userid = rq.actor = t.userid;
	rq.client = req->client;
	rq.lang = req->lang;
	rq.idx = idx;
	rq.n = (size_t)n;
	rq.new_secret = req->new_secret;
	rq.keep_open = 1; /* closed after the notice below */
	(void)sspr_replicate(s, &rq, res);
	reset_names(res, names, sizeof(names));
	if (names[0] == '\0') {
		/* Nothing was changed anywhere: give the proof back, so the
		 * user may choose another password in the same flow. */
		struct sspr_user consumed;

		memset(&consumed, 0, sizeof(consumed));
		(void)reset_cas_code(s, sys, t.userid, &consumed, &u.code);
		if (res->msg[0] == '\0')
			strlcpy_s(res->msg,
			    "the new password was refused: see the result per "
			    "system",
			    sizeof(res->msg));
		goto out;
	}
	/* The failure count is cleared and the reset recorded. */
	sspr_reset_recorded(s, t.userid, now);
	sspr_when(now, when);
	{
		/* Codes, worded by the mail's language (templates/mail). */
		char codes[SSPR_MAX_SYSTEMS * (SSPR_MAX_USERID + 24)] = "";
		const struct mail_var vars[] = {{"userid", t.userid},
		    {"name", u.name[0] ? u.name : t.userid},
		    {"action", req->action == SSPR_ACT_UNLOCK   ? "unlock"
		               : req->action == SSPR_ACT_PHRASE ? "phrase"
		                                                : "password"},
		    {"systems", codes}, {"time", when},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};
		size_t k;

		for (k = 0; k < res->nsystems; k++)
			sspr_list_add(codes, sizeof(codes), ";", "%s=%s",
			    res->sys[k].name,
			    sspr_result_code(res->sys[k].result));
		(void)sspr_notify(s, "reset_done", req->lang, u.email, u.name,
		    vars, ARRAY_SIZE(vars), now + 86400, err, sizeof(err));
	}
	rc = res->status == SSPR_OK ? 0 : -1;
out:
	sspr_replicate_done(s, &rq, res);
	sspr_audit_res(s, "reset.complete",
	    why != NULL                      ? why
	    : req->action == SSPR_ACT_UNLOCK ? "unlock"
	    : req->action == SSPR_ACT_PHRASE ? "phrase"
	                                     : "password",
	    t.userid, t.userid, req->client, res, rq.op);
	sspr_user_wipe(&u);
	return rc;
}
