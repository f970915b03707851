/*
 * helpdesk.c - operators' sign-on, look-up and actions (see helpdesk.h).
 *
 * Every function that acts takes the operator from a live session
 * (sspr_hd_session), checks the target (never the operator, never a
 * protected ID on any system: a system that cannot tell refuses), does the
 * work through the same two-phase replication as the users' own
 * operations, audits it and tells the user by e-mail.  Nothing here reads
 * or returns a secret: replication copies stored hashes from ESM to ESM,
 * and the look-up shows a digest of them, never the values.
 */
#include "sspr/sspr_int.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "sspr/hdsession.h"
#include "sspr/helpdesk.h"
#include "compat/hex.h"
#include "compat/banned.h"

static int
hd_in_group(const struct esm_user *eu, const char *group)
{
	size_t i;

	for (i = 0; i < eu->ngroups; i++)
		if (strcmp(eu->groups[i], group) == 0)
			return 1;
	return strcmp(eu->dfltgrp, group) == 0;
}

/* Audit a helpdesk event without a result per system. */
static void
hd_audit(struct sspr *s, const char *action, const char *outcome,
    const char *reason, const char *actor, const char *user, const char *client)
{
	struct audit_event ev = {.action = action,
	    .outcome = outcome,
	    .reason = reason,
	    .actor = actor,
	    .user = user,
	    .client = client};

	sspr_audit(s, &ev);
}

/* ---------------------------------------------------------------- *
 * Sessions
 * ---------------------------------------------------------------- */

/*
 * The sign-on, with the reset flow's discipline (signon.c): the ESM is
 * asked only for a member of the helpdesk group that it could accept, so
 * no stranger adds to anyone's revoke count through this page; every
 * refusal is the same answer after the same time; failures count against
 * the user (the fail field the reset steps use) and the address.
 */
int
sspr_hd_login(struct sspr *s, const char *userid, const char *password,
    const char *client, struct sspr_hd_login *out)
{
	const struct cfg_helpdesk *h = &s->cfg->helpdesk;
	struct sspr_signon job;
	struct sspr_user u;
	struct esm_user eu;
	struct timespec start;
	char uid[SSPR_MAX_USERID + 1] = "", err[SSPR_MAX_ERROR];
	const char *why = NULL;
	int may, counted = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	out->status = SSPR_DENIED;
	if (!h->configured)
		why = "no-helpdesk";
	else if (!ratelimit_allowed(s->rl, client, sspr_now(s)))
		why = "client-rate-limited";
	else if (esm_norm_name(userid, uid) == -1 || password == NULL ||
	         password[0] == '\0')
		why = "signon";
	if (why != NULL)
		goto out;
	if (sspr_user_read(s, sspr_primary(s), uid, &u, err, sizeof(err)) ==
	    -1) {
		out->status = SSPR_UNAVAILABLE;
		why = "esm-unavailable";
		goto out;
	}
	if (sspr_locked(s, &u)) {
		why = "locked";
		sspr_signon_dummy(s);
		goto out;
	}
	may = sspr_signon_allowed(sspr_primary(s), uid, 1, &eu, &why);
	if (may == 1 && !hd_in_group(&eu, h->group)) {
		may = 0;
		why = "not-member";
	}
	if (may == -1)
		out->status = SSPR_UNAVAILABLE;
	if (may == 0) /* the work of a verify, as if the ESM were asked */
		sspr_signon_dummy(s);
	if (may != 1)
		goto out;
	memset(&job, 0, sizeof(job));
	job.sys = sspr_primary(s);
	job.userid = uid;
	job.password = password;
	sspr_signon_verify(s, &job, 1);
	if (job.rv == ESM_TEMPFAIL) {
		out->status = SSPR_UNAVAILABLE;
		why = "esm-unavailable";
		goto out;
	}
	if (job.rv != ESM_OK) {
		why = job.vr.resp == ESM_RESP_NOTAUTH && job.vr.resp2 == 3
		          ? "expired"
		          : "signon";
		goto out;
	}
	if (hd_session_new(s->hd, uid, (long long)sspr_now(s), out->token) ==
	    -1) {
		out->status = SSPR_UNAVAILABLE;
		why = "random";
		goto out;
	}
	out->status = SSPR_OK;
	out->expires_in = (long)h->idle_minutes * 60;
	strlcpy_s(out->actor, uid, sizeof(out->actor));
out:
	if (out->status == SSPR_DENIED && why != NULL &&
	    strcmp(why, "client-rate-limited") != 0 &&
	    strcmp(why, "no-helpdesk") != 0) {
		/* A wrong password counts against the user as in the reset
		 * flow (only then: an ID sspr did not ask about has nothing
		 * to count), and every refusal against the address. */
		if (strcmp(why, "signon") == 0 && u.exists)
			counted =
			    sspr_fail(s, sspr_primary(s), uid) == 0 ? 1 : -1;
		ratelimit_fail(s->rl, client, sspr_now(s));
	}
	if (counted == -1)
		why = "fail-not-counted";
	if (out->status == SSPR_DENIED)
		sspr_signon_pace(s, &start);
	if (why != NULL && strcmp(why, "client-rate-limited") == 0) {
		struct audit_event ev = {.action = "helpdesk.login",
		    .outcome = "denied",
		    .reason = why,
		    .client = client};

		sspr_audit_gated(s, &ev);
	} else
		hd_audit(s, "helpdesk.login", sspr_outcome(out->status), why,
		    uid[0] ? uid : NULL, uid[0] ? uid : NULL, client);
	sspr_user_wipe(&u);
	return out->status == SSPR_OK ? 0 : -1;
}

int
sspr_hd_session(struct sspr *s, const char *token, const char *client,
    struct sspr_hd_actor *out)
{
	const struct cfg_helpdesk *h = &s->cfg->helpdesk;
	struct esm_user eu;
	struct esm_err e;
	enum esm_result rv;

	memset(out, 0, sizeof(*out));
	if (!h->configured)
		return -1;
	if (hd_session_find(s->hd, token, (long long)sspr_now(s),
	        (long long)h->idle_minutes * 60, (long long)h->max_hours * 3600,
	        out) == -1) {
		/* An authorization failure (LOG-01): unknown, forged or
		 * expired; the token itself is never written. */
		hd_audit(s, "helpdesk.session", "denied", "no-session", NULL,
		    NULL, client);
		return -1;
	}
	/* Rights are checked on every call: an operator removed from the
	 * group or revoked loses every live session at once. */
	rv = esm_lookup(sspr_primary(s)->esm, out->userid, &eu, &e);
	if (rv == ESM_TEMPFAIL)
		return -1;
	if (rv != ESM_OK || eu.revoked || !hd_in_group(&eu, h->group)) {
		hd_session_end_actor(s->hd, out->userid);
		hd_audit(s, "helpdesk.session", "ended", "not-member",
		    out->userid, out->userid, client);
		return -1;
	}
	return 0;
}

void
sspr_hd_logout(
    struct sspr *s, const struct sspr_hd_actor *a, const char *client)
{
	if (a == NULL)
		return;
	hd_session_end(s->hd, a->token_hash);
	hd_audit(
	    s, "helpdesk.logout", "ok", NULL, a->userid, a->userid, client);
}

/* ---------------------------------------------------------------- *
 * Targets
 * ---------------------------------------------------------------- */

/* May operator a act on uid?  0 and *prot (1: protected), or -1 when a
 * system could not tell (then nobody acts). */
static int
hd_protected(
    struct sspr *s, const struct sspr_hd_actor *a, const char *uid, int *prot)
{
	const struct cfg_helpdesk *h = &s->cfg->helpdesk;
	struct esm_user eu;
	struct esm_err e;
	enum esm_result rv;
	size_t i, g;

	*prot = a != NULL && strcmp(a->userid, uid) == 0;
	if (a != NULL && a->admin)
		return 0;
	for (i = 0; i < s->nsys; i++) {
		rv = esm_lookup(s->sys[i].esm, uid, &eu, &e);
		if (rv == ESM_TEMPFAIL)
			return -1;
		if (rv != ESM_OK)
			continue;
		if (eu.special || hd_in_group(&eu, h->group))
			*prot = 1;
		for (g = 0; g < h->nprotected; g++)
			if (hd_in_group(&eu, h->protected_groups[g]))
				*prot = 1;
	}
	return 0;
}

/* The common start of an action: a session, a valid target that the
 * operator may act on.  0, or -1 with res->status set. */
static int
hd_target(struct sspr *s, const struct sspr_hd_actor *a, const char *userid,
    char uid[SSPR_MAX_USERID + 1], struct sspr_result *res)
{
	int prot;

	memset(res, 0, sizeof(*res));
	if (a == NULL || a->userid[0] == '\0') {
		res->status = SSPR_UNAUTHORIZED;
		return -1;
	}
	if (esm_norm_name(userid, uid) == -1) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg,
		    "a user ID is 1-8 characters A-Z 0-9 # @ $, not starting "
		    "with a digit",
		    sizeof(res->msg));
		return -1;
	}
	if (hd_protected(s, a, uid, &prot) == -1) {
		res->status = SSPR_UNAVAILABLE;
		strlcpy_s(res->msg, "a system cannot be reached: try again",
		    sizeof(res->msg));
		return -1;
	}
	if (prot) {
		res->status = SSPR_FORBIDDEN;
		strlcpy_s(res->msg,
		    strcmp(a->userid, uid) == 0
		        ? "operators cannot act on their own user ID"
		        : "this user ID is protected (privileged or helpdesk): "
		          "a security administrator must act",
		    sizeof(res->msg));
		return -1;
	}
	return 0;
}

/*
 * The names of the systems that define uid, comma-separated, into buf
 * ("" when none does or none answered): an action that needs the user on
 * one system says where else he is instead of "not defined".
 */
static void
hd_where(struct sspr *s, const char *uid, char *buf, size_t size)
{
	struct esm_user eu;
	struct esm_err e;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < s->nsys; i++)
		if (esm_lookup(s->sys[i].esm, uid, &eu, &e) == ESM_OK)
			sspr_list_add(
			    buf, size, ", ", "%s", s->sys[i].cfg->name);
}

/*
 * uid is not defined on sys: res says so, and where he is defined.  Not
 * defined anywhere is NOT_FOUND; defined elsewhere is INVALID (this
 * action cannot use that system), never "no system defines it".
 */
static void
hd_not_on(struct sspr *s, const char *uid, const struct sspr_sys *sys,
    const char *why, struct sspr_result *res)
{
	char where[SSPR_MAX_SYSTEMS * (SSPR_MAX_USERID + 2) + 1];

	hd_where(s, uid, where, sizeof(where));
	if (where[0] == '\0') {
		res->status = SSPR_NOT_FOUND;
		snprintf(res->msg, sizeof(res->msg),
		    "%s is not defined on any system", uid);
		return;
	}
	res->status = SSPR_INVALID;
	snprintf(res->msg, sizeof(res->msg),
	    "%s is not defined on %s%s; it is defined on %s", uid,
	    sys->cfg->name, why, where);
}

/* Tell the user what the helpdesk did: action is a code ("action.<code>"
 * in templates/mail/<lang>/words.txt); from (may be NULL) the system a
 * copy came from. */
static void
hd_notify(struct sspr *s, const struct sspr_hd_actor *a, const char *uid,
    const char *action, const char *from, const struct sspr_result *res)
{
	struct sspr_user u;
	char err[SSPR_MAX_ERROR], when[64], list[256] = "";
	size_t i;
	time_t now = sspr_now(s);

	/* The registered address: the primary's, else the first system's
	 * that has one (a user defined on DR alone is told too). */
	memset(&u, 0, sizeof(u));
	for (i = 0; i <= s->nsys; i++) {
		struct sspr_sys *sys =
		    i == 0 ? sspr_primary(s) : &s->sys[i - 1];

		sspr_user_wipe(&u);
		if (sspr_user_read(s, sys, uid, &u, err, sizeof(err)) == 1 &&
		    u.email[0] != '\0')
			break;
	}
	if (i > s->nsys) {
		sspr_user_wipe(&u);
		return;
	}
	/* Codes, worded by the mail's language (templates/mail). */
	if (from != NULL)
		sspr_list_add(list, sizeof(list), ";", "%s=source", from);
	for (i = 0; res != NULL && i < res->nsystems; i++)
		sspr_list_add(list, sizeof(list), ";", "%s=%s",
		    res->sys[i].name, sspr_result_code(res->sys[i].result));
	sspr_when(now, when);
	{
		const struct mail_var vars[] = {{"userid", uid},
		    {"name", u.name[0] ? u.name : uid}, {"action", action},
		    {"operator", a->userid}, {"systems", list}, {"time", when},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};

		(void)sspr_notify(s, "helpdesk", NULL, u.email, u.name, vars,
		    ARRAY_SIZE(vars), now + 86400, err, sizeof(err));
	}
	sspr_user_wipe(&u);
}

/* ---------------------------------------------------------------- *
 * Look-up
 * ---------------------------------------------------------------- */

/* A digest of the enrollment: equal on two systems iff the stored values
 * are equal.  It is a hash of hashes: it says nothing of the secrets. */
static void
hd_digest(const struct sspr_user *u, char out[17])
{
	struct sha256_ctx c;
	unsigned char d[SHA256_DIGEST_SIZE];
	int q;

	out[0] = '\0';
	if (!u->enrolled)
		return;
	sha256_init(&c);
	sha256_update(&c, strlen(u->pin) + 1, (const uint8_t *)u->pin);
	sha256_update(&c, strlen(u->email) + 1, (const uint8_t *)u->email);
	for (q = 0; q < POLICY_QUESTIONS; q++) {
		sha256_update(
		    &c, strlen(u->qid[q]) + 1, (const uint8_t *)u->qid[q]);
		sha256_update(&c, strlen(u->answer[q]) + 1,
		    (const uint8_t *)u->answer[q]);
	}
	sha256_update(&c, strlen(u->sdate) + 1, (const uint8_t *)u->sdate);
	sha256_digest(&c, sizeof(d), d);
	hex_encode(d, 8, out, 0);
}

/* "j***@example.com" */
static void
hd_mask(const char *email, char *out, size_t size)
{
	const char *at = strchr(email, '@');

	if (email[0] == '\0' || at == NULL) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "%c***%s", email[0], at);
}

static const char *
hd_revoke_name(enum esm_revoke_reason r)
{
	switch (r) {
	case ESM_REVOKE_ATTEMPTS:
		return "attempts";
	case ESM_REVOKE_COMMAND:
		return "command";
	case ESM_REVOKE_INACTIVE:
		return "inactive";
	default:
		return "";
	}
}

/* The state of uid on one system, as an operator (or the drift report)
 * sees it.  Also used by drift.c through sspr_hd_sys_read(). */
int
sspr_hd_sys_read(struct sspr *s, struct sspr_sys *sys, const char *uid,
    struct sspr_hd_sys *o)
{
	char err[SSPR_MAX_ERROR];
	struct sspr_user u;

	memset(o, 0, sizeof(*o));
	strlcpy_s(o->name, sys->cfg->name, sizeof(o->name));
	if (sspr_user_read(s, sys, uid, &u, err, sizeof(err)) == -1) {
		sspr_user_wipe(&u);
		return -1;
	}
	o->available = 1;
	o->exists = u.exists;
	o->revoked = u.revoked;
	strlcpy_s(o->revoke_reason,
	    u.revoked ? hd_revoke_name(u.revoke_reason) : "",
	    sizeof(o->revoke_reason));
	o->enrolled = u.enrolled;
	o->enrolled_at = u.enrolled ? strtoll(u.sdate, NULL, 10) : 0;
	o->locked = sspr_locked(s, &u);
	o->locked_until = o->locked ? u.fail.locked_until : 0;
	o->protected_id = u.special;
	hd_mask(u.email, o->email, sizeof(o->email));
	hd_digest(&u, o->digest);
	o->reset_at = strtoll(u.rdate, NULL, 10);
	sspr_user_wipe(&u);
	return 0;
}

static void
hd_ops(struct sspr *s, const char *uid, struct sspr_hd_user *out)
{
	struct journal_op *ops;
	size_t n, i, k;

	if (journal_user_ops(s->journal, uid, &ops, &n, SSPR_HD_MAX_OPS) == -1)
		n = 0;
	for (i = 0; i < n; i++) {
		struct sspr_hd_op *o = &out->ops[out->nops++];

		strlcpy_s(o->id, ops[i].id, sizeof(o->id));
		strlcpy_s(o->kind, ops[i].kind, sizeof(o->kind));
		strlcpy_s(o->actor, ops[i].actor, sizeof(o->actor));
		o->created = ops[i].created;
		strlcpy_s(o->state, ops[i].open ? "pending" : "done",
		    sizeof(o->state));
		for (k = 0; k < ops[i].nsys && k < SSPR_MAX_SYSTEMS; k++) {
			strlcpy_s(o->sys[k].name, ops[i].sys[k].name,
			    sizeof(o->sys[k].name));
			/* A failure says why; every other state says
			 * itself (ok, pending, not-applied, unknown). */
			strlcpy_s(o->sys[k].result,
			    strcmp(ops[i].sys[k].state, "failed") == 0 &&
			            ops[i].sys[k].result[0] != '\0'
			        ? ops[i].sys[k].result
			        : ops[i].sys[k].state,
			    sizeof(o->sys[k].result));
		}
		o->nsystems = k;
	}
	journal_ops_free(ops, n);
}

int
sspr_hd_lookup(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, struct sspr_hd_user *out)
{
	size_t i, defined = 0, answered = 0;
	int prot = 0;

	memset(out, 0, sizeof(*out));
	if (a == NULL || a->userid[0] == '\0') {
		out->status = SSPR_UNAUTHORIZED;
		return -1;
	}
	if (esm_norm_name(userid, out->userid) == -1) {
		out->status = SSPR_INVALID;
		strlcpy_s(out->msg,
		    "a user ID is 1-8 characters A-Z 0-9 # @ $, not starting "
		    "with a digit",
		    sizeof(out->msg));
		return -1;
	}
	for (i = 0; i < s->nsys; i++) {
		struct sspr_hd_sys *o = &out->sys[out->nsystems++];

		if (sspr_hd_sys_read(s, &s->sys[i], out->userid, o) == 0)
			answered++;
		else
			strlcpy_s(
			    o->name, s->sys[i].cfg->name, sizeof(o->name));
		defined += o->exists ? 1u : 0u;
	}
	if (hd_protected(s, a, out->userid, &prot) == 0)
		out->protected_id = prot;
	else
		out->protected_id = 1; /* cannot tell: no actions */
	hd_ops(s, out->userid, out);
	out->status = defined > 0           ? SSPR_OK
	              : answered == s->nsys ? SSPR_NOT_FOUND
	                                    : SSPR_UNAVAILABLE;
	hd_audit(s, "helpdesk.lookup",
	    out->status == SSPR_OK ? "ok" : "refused",
	    out->status == SSPR_NOT_FOUND ? "not-found" : NULL, a->userid,
	    out->userid, client);
	return out->status == SSPR_OK ? 0 : -1;
}

/* ---------------------------------------------------------------- *
 * Actions
 * ---------------------------------------------------------------- */

/* Select the target systems of a replication from `from`. */
static int
hd_targets(struct sspr *s, const struct sspr_sys *from, const char *const *to,
    size_t *idx, struct sspr_result *res)
{
	char err[SSPR_MAX_ERROR];
	size_t i, n = 0;
	int k;

	if (to == NULL || to[0] == NULL) {
		for (i = 0; i < s->nsys; i++)
			if (&s->sys[i] != from)
				idx[n++] = i;
		return (int)n;
	}
	if ((k = sspr_select(s, to, idx, err, sizeof(err))) < 0) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg, err, sizeof(res->msg));
		return -1;
	}
	for (i = 0; i < (size_t)k; i++)
		if (&s->sys[idx[i]] == from) {
			res->status = SSPR_INVALID;
			snprintf(res->msg, sizeof(res->msg),
			    "%s is the source: it cannot also be a target",
			    from->cfg->name);
			return -1;
		}
	return k;
}

int
sspr_hd_replicate(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *from, const char *const *to,
    const char *client, struct sspr_result *res)
{
	char uid[SSPR_MAX_USERID + 1] = "", err[SSPR_MAX_ERROR], up[9] = "";
	size_t idx[SSPR_MAX_SYSTEMS], i;
	struct sspr_sys *src = NULL;
	const char *qid[POLICY_QUESTIONS], *ans[POLICY_QUESTIONS];
	struct sspr_user u;
	struct repl_req rq;
	int n, q;

	memset(&u, 0, sizeof(u));
	memset(&rq, 0, sizeof(rq));
	if (hd_target(s, a, userid, uid, res) == -1)
		goto out;
	for (i = 0; from != NULL && from[i] != '\0' && i < 8; i++)
		up[i] = (char)(from[i] >= 'a' && from[i] <= 'z'
		                   ? from[i] - 'a' + 'A'
		                   : from[i]);
	if (from == NULL || (src = sspr_sys(s, up)) == NULL) {
		res->status = SSPR_INVALID;
		strlcpy_s(res->msg, "the source system is not configured",
		    sizeof(res->msg));
		goto out;
	}
	if ((n = hd_targets(s, src, to, idx, res)) <= 0) {
		if (n == 0) {
			res->status = SSPR_INVALID;
			strlcpy_s(
			    res->msg, "no target systems", sizeof(res->msg));
		}
		goto out;
	}
	if (sspr_user_read(s, src, uid, &u, err, sizeof(err)) == -1) {
		res->status = SSPR_UNAVAILABLE;
		snprintf(res->msg, sizeof(res->msg), "%s cannot be reached",
		    src->cfg->name);
		goto out;
	}
	if (!u.exists) {
		hd_not_on(s, uid, src, " (the source)", res);
		goto out;
	}
	if (!u.enrolled) {
		res->status = SSPR_INVALID;
		snprintf(res->msg, sizeof(res->msg), "%s is not enrolled on %s",
		    uid, src->cfg->name);
		goto out;
	}
	rq.kind = REPL_FIELDS;
	rq.name = "replicate";
	rq.userid = uid;
	rq.actor = a->userid;
	rq.client = client;
	rq.idx = idx;
	rq.n = (size_t)n;
	rq.check_fields = 1;
	for (q = 0; q < POLICY_QUESTIONS; q++) {
		qid[q] = u.qid[q];
		ans[q] = u.answer[q];
	}
	sspr_enroll_fields(s, u.pin, u.email, qid, ans, u.sdate, &rq);
	(void)sspr_replicate(s, &rq, res);
	if (res->status == SSPR_OK || res->status == SSPR_PARTIAL)
		hd_notify(s, a, uid, "replicate", src->cfg->name, res);
out:
	sspr_audit_res(s, "helpdesk.replicate", NULL, a ? a->userid : NULL,
	    uid[0] ? uid : NULL, client, res, rq.op);
	secure_zero(&rq, sizeof(rq));
	sspr_user_wipe(&u);
	return res->status == SSPR_OK ? 0 : -1;
}

int
sspr_hd_clear_lockout(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, struct sspr_result *res)
{
	char uid[SSPR_MAX_USERID + 1] = "";
	size_t idx[SSPR_MAX_SYSTEMS], i, n = 0;
	struct repl_req rq;

	memset(&rq, 0, sizeof(rq));
	if (hd_target(s, a, userid, uid, res) == -1)
		goto out;
	/* Every system that defines the user. */
	for (i = 0; i < s->nsys; i++) {
		struct esm_user eu;
		struct esm_err e;

		if (esm_lookup(s->sys[i].esm, uid, &eu, &e) != ESM_DENY)
			idx[n++] = i;
	}
	if (n == 0) {
		res->status = SSPR_NOT_FOUND;
		snprintf(res->msg, sizeof(res->msg),
		    "%s is not defined on any system", uid);
		goto out;
	}
	rq.kind = REPL_FIELDS;
	rq.name = "clear-lockout";
	rq.userid = uid;
	rq.actor = a->userid;
	rq.client = client;
	rq.idx = idx;
	rq.n = n;
	rq.check_fields = 1;
	rq.fields[0].name = sspr_field(s, CFG_F_FAIL);
	rq.fields[0].value = NULL;
	rq.nfields = 1;
	(void)sspr_replicate(s, &rq, res);
	if (res->status == SSPR_OK || res->status == SSPR_PARTIAL)
		hd_notify(s, a, uid, "clear_lockout", NULL, res);
out:
	sspr_audit_res(s, "helpdesk.clear-lockout", NULL, a ? a->userid : NULL,
	    uid[0] ? uid : NULL, client, res, rq.op);
	return res->status == SSPR_OK ? 0 : -1;
}

int
sspr_hd_send_code(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, const char *lang,
    struct sspr_result *res)
{
	struct sspr_sys *sys = sspr_primary(s);
	char uid[SSPR_MAX_USERID + 1] = "", err[SSPR_MAX_ERROR];
	char code[CODE_LEN + 1] = "", val[CODE_FIELD_MAX], minutes[16];
	struct code_field next;
	struct esm_field set, exp;
	struct sspr_user u;
	struct esm_err e;
	enum esm_result rv;
	int tries;
	time_t now = sspr_now(s);

	memset(&u, 0, sizeof(u));
	if (hd_target(s, a, userid, uid, res) == -1)
		goto out;
	if (sspr_can_change(s, res) == -1)
		goto out;
	if (sspr_user_read(s, sys, uid, &u, err, sizeof(err)) == -1) {
		res->status = SSPR_UNAVAILABLE;
		goto out;
	}
	if (!u.exists) {
		/* The reset flow runs on the primary: a code elsewhere could
		 * not be used. */
		hd_not_on(s, uid, sys,
		    ", the primary system that resets run on", res);
		goto out;
	}
	if (!u.enrolled) {
		res->status = SSPR_INVALID;
		snprintf(res->msg, sizeof(res->msg),
		    "%s is not enrolled on %s: there is no registered address",
		    uid, sys->cfg->name);
		goto out;
	}
	memset(&next, 0, sizeof(next));
	if (code_generate(code) == -1 || code_flow_id(next.flow) == -1) {
		res->status = SSPR_UNAVAILABLE;
		goto out;
	}
	next.state = CODE_HELPDESK;
	next.expires =
	    (long long)now + (long long)s->cfg->reset.access_code_minutes * 60;
	code_mac(s->code_key, next.flow, code, next.mac);
	code_field_format(&next, val, sizeof(val));
	/* Whatever code the user had is void now. */
	set.name = exp.name = sspr_field(s, CFG_F_CODE);
	set.value = val;
	exp.value = u.code_set ? u.code_raw : NULL;
	rv = esm_set_fields(sys->esm, uid, &set, 1, &exp, 1, &e);
	/* The field changed under us (the user's own flow): whatever it
	 * holds now is voided the same way. */
	for (tries = 1; rv == ESM_DENY && e.code == ESM_E_CONFLICT &&
	                tries < SSPR_CAS_TRIES;
	     tries++) {
		sspr_user_wipe(&u);
		if (sspr_user_read(s, sys, uid, &u, err, sizeof(err)) == -1) {
			rv = ESM_TEMPFAIL;
			break;
		}
		exp.value = u.code_set ? u.code_raw : NULL;
		rv = esm_set_fields(sys->esm, uid, &set, 1, &exp, 1, &e);
	}
	res->nsystems = 1;
	strlcpy_s(res->sys[0].name, sys->cfg->name, sizeof(res->sys[0].name));
	if (rv != ESM_OK) {
		res->status = SSPR_UNAVAILABLE;
		strlcpy_s(res->sys[0].result,
		    rv == ESM_TEMPFAIL ? "unavailable" : "conflict",
		    sizeof(res->sys[0].result));
		strlcpy_s(res->msg, "the code could not be stored: try again",
		    sizeof(res->msg));
		goto out;
	}
	snprintf(
	    minutes, sizeof(minutes), "%d", s->cfg->reset.access_code_minutes);
	{
		const struct mail_var vars[] = {{"userid", uid},
		    {"name", u.name[0] ? u.name : uid}, {"code", code},
		    {"minutes", minutes}, {"operator", a->userid},
		    {"base_url", s->cfg->base_url ? s->cfg->base_url : ""}};

		if (sspr_notify(s, "helpdesk_code", lang, u.email, u.name, vars,
		        ARRAY_SIZE(vars), (time_t)next.expires, err,
		        sizeof(err)) == -1) {
			res->status = SSPR_UNAVAILABLE;
			strlcpy_s(res->sys[0].result, "mail-failed",
			    sizeof(res->sys[0].result));
			strlcpy_s(res->msg, "the mail could not be queued",
			    sizeof(res->msg));
			goto out;
		}
	}
	strlcpy_s(res->sys[0].result, "ok", sizeof(res->sys[0].result));
	res->status = SSPR_OK;
out:
	secure_zero(code, sizeof(code));
	sspr_audit_res(s, "helpdesk.send-code", NULL, a ? a->userid : NULL,
	    uid[0] ? uid : NULL, client, res, NULL);
	sspr_user_wipe(&u);
	return res->status == SSPR_OK ? 0 : -1;
}
