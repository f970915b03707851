/*
 * api_hd.c - the helpdesk's JSON API (INTERFACES.md §3, "Helpdesk"): each
 * handler parses strictly (the members allowed and nothing else, so that
 * a "password" is refused: SECURITY AUTHZ-03), takes the target user ID
 * from the path, calls one sspr_hd_*() function with the operator that
 * web_dispatch found (rq->op) and translates the answer.  No answer
 * carries a secret or a hash: the look-up shows a digest of the
 * enrollment and a masked address only.  RFC 8259, RFC 6750 (Bearer).
 */
#include "web/web_int.h"

#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/banned.h"

/* s, or null for "". */
static json_t *
api_hd_opt(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

/* The target user ID of the path into uid: 0, or -1 after a 400. */
static int
api_hd_target(struct web_req *rq, char uid[SSPR_MAX_USERID + 1])
{
	if (sspr_userid(rq->param, uid) == -1) {
		web_error(rq, 400, "bad-request",
		    "the path does not name a user ID (1-8 characters A-Z "
		    "0-9 # @ $, not starting with a digit)");
		return -1;
	}
	return 0;
}

/* The error answer of a helpdesk call; an unavailable system is named
 * (operators may know which). */
static void
api_hd_status(struct web_req *rq, enum sspr_status st, const char *msg)
{
	if (st == SSPR_UNAVAILABLE && msg[0] != '\0') {
		rq->retry_after = "30";
		web_error(rq, 503, "unavailable", msg);
		return;
	}
	api_status(rq, st, msg);
}

/* The answer of an action on a user: {"systems": {...}} (200, also when
 * partial), 422 with the reason and the systems, or the error. */
static void
api_hd_result(struct web_req *rq, const struct sspr_result *res)
{
	switch (res->status) {
	case SSPR_OK:
	case SSPR_PARTIAL:
		api_done(rq, res);
		return;
	case SSPR_INVALID:
		api_invalid(rq, res->msg[0] ? res->msg : "not accepted", res);
		return;
	default:
		api_hd_status(rq, res->status, res->msg);
	}
}

void
api_hd_login(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"userid", "password"};
	const char *v[ARRAY_SIZE(keys)];
	struct sspr_hd_login lg;
	json_t *o;

	if ((o = api_strings(rq, keys, ARRAY_SIZE(keys), v)) == NULL)
		return;
	memset(&lg, 0, sizeof(lg));
	(void)sspr_hd_login(s, v[0], v[1], rq->client, &lg);
	if (lg.status == SSPR_OK)
		api_reply(rq, 200,
		    json_pack("{s:s,s:I}", "token", lg.token, "expires_in",
		        (json_int_t)lg.expires_in));
	else if (lg.status == SSPR_DENIED)
		/* never says whether the ID, the password or the group was
		 * wrong */
		web_error(rq, 403, "denied",
		    "Sign-on failed: the user ID or password is wrong, or the "
		    "user ID is not a helpdesk operator.");
	else
		api_hd_status(rq, lg.status, "");
	secure_zero(&lg, sizeof(lg));
	json_decref(o);
}

void
api_hd_logout(struct web_req *rq, struct sspr *s)
{
	json_t *o;

	if ((o = api_body(rq, NULL, 0, 1)) == NULL)
		return;
	json_decref(o);
	sspr_hd_logout(s, &rq->op, rq->client);
	rq->clear_site = "\"cache\", \"cookies\", \"storage\"";
	api_reply(rq, 200, json_pack("{s:s}", "status", "signed-off"));
}

/* One system of a look-up. */
static json_t *
api_hd_sys_json(const struct sspr_hd_sys *y)
{
	json_t *o = json_object();

	json_object_set_new(o, "available", json_boolean(y->available));
	json_object_set_new(o, "exists", json_boolean(y->exists));
	json_object_set_new(o, "revoked", json_boolean(y->revoked));
	json_object_set_new(o, "revoke_reason", api_hd_opt(y->revoke_reason));
	json_object_set_new(o, "enrolled", json_boolean(y->enrolled));
	json_object_set_new(o, "enrolled_at", web_time_json(y->enrolled_at));
	json_object_set_new(o, "sspr_locked", json_boolean(y->locked));
	json_object_set_new(o, "locked_until", web_time_json(y->locked_until));
	json_object_set_new(o, "reset_at", web_time_json(y->reset_at));
	json_object_set_new(o, "email", api_hd_opt(y->email));
	json_object_set_new(o, "digest", api_hd_opt(y->digest));
	json_object_set_new(o, "protected", json_boolean(y->protected_id));
	return o;
}

/* One journal operation of a look-up. */
static json_t *
api_hd_op_json(const struct sspr_hd_op *op)
{
	json_t *sys = json_object();
	size_t i;

	for (i = 0; i < op->nsystems && i < SSPR_MAX_SYSTEMS; i++)
		json_object_set_new(
		    sys, op->sys[i].name, json_string(op->sys[i].result));
	return json_pack("{s:s,s:s,s:o,s:o,s:s,s:o}", "id", op->id, "kind",
	    op->kind, "actor", api_hd_opt(op->actor), "created",
	    web_time_json(op->created), "state", op->state, "systems", sys);
}

void
api_hd_user(struct web_req *rq, struct sspr *s)
{
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_hd_user *u;
	json_t *sys, *ops;
	size_t i;

	if (api_hd_target(rq, uid) == -1)
		return;
	u = xcalloc(1, sizeof(*u));
	(void)sspr_hd_lookup(s, &rq->op, uid, rq->client, u);
	if (u->status != SSPR_OK) {
		api_hd_status(rq, u->status, u->msg);
		free(u);
		return;
	}
	sys = json_object();
	for (i = 0; i < u->nsystems && i < SSPR_MAX_SYSTEMS; i++)
		json_object_set_new(
		    sys, u->sys[i].name, api_hd_sys_json(&u->sys[i]));
	ops = json_array();
	for (i = 0; i < u->nops && i < SSPR_HD_MAX_OPS; i++)
		json_array_append_new(ops, api_hd_op_json(&u->ops[i]));
	api_reply(rq, 200,
	    json_pack("{s:s,s:b,s:o,s:o}", "userid", u->userid, "protected",
	        u->protected_id, "systems", sys, "operations", ops));
	free(u);
}

void
api_hd_replicate(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"from", "to"};
	const char *to[SSPR_MAX_SYSTEMS], *from;
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_result res;
	json_t *o;
	int bad = 0;

	if (api_hd_target(rq, uid) == -1)
		return;
	if ((o = api_body(rq, keys, ARRAY_SIZE(keys), 0)) == NULL)
		return;
	from = api_str(rq, o, "from", 1, &bad);
	if (!bad && api_names(rq, o, "to", to) == 0) {
		memset(&res, 0, sizeof(res));
		(void)sspr_hd_replicate(
		    s, &rq->op, uid, from, to, rq->client, &res);
		api_hd_result(rq, &res);
	}
	json_decref(o);
}

void
api_hd_clear_lockout(struct web_req *rq, struct sspr *s)
{
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_result res;
	json_t *o;

	if (api_hd_target(rq, uid) == -1)
		return;
	if ((o = api_body(rq, NULL, 0, 1)) == NULL)
		return;
	json_decref(o);
	memset(&res, 0, sizeof(res));
	(void)sspr_hd_clear_lockout(s, &rq->op, uid, rq->client, &res);
	api_hd_result(rq, &res);
}

void
api_hd_send_code(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"lang"};
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_result res;
	const char *lang;
	json_t *o;
	int bad = 0;

	if (api_hd_target(rq, uid) == -1)
		return;
	if ((o = api_body(rq, keys, ARRAY_SIZE(keys), 1)) == NULL)
		return;
	lang = api_str(rq, o, "lang", 0, &bad);
	if (!bad && lang != NULL && !web_lang_ok(rq->w, lang)) {
		web_error(rq, 400, "bad-request",
		    "'lang' must be a language of the pages (such as en)");
		bad = 1;
	}
	if (!bad) {
		memset(&res, 0, sizeof(res));
		(void)sspr_hd_send_code(s, &rq->op, uid, rq->client,
		    lang != NULL ? lang : rq->lang, &res);
		api_hd_result(rq, &res);
	}
	json_decref(o);
}

void
api_hd_drift(struct web_req *rq, struct sspr *s)
{
	struct sspr_drift d;
	json_t *list, *sys;
	size_t i, k;

	memset(&d, 0, sizeof(d));
	(void)sspr_drift_report(s, &rq->op, rq->client, &d);
	if (d.status != SSPR_OK) {
		api_hd_status(rq, d.status, d.msg);
		sspr_drift_free(&d);
		return;
	}
	list = json_array();
	for (i = 0; i < d.n; i++) {
		const struct sspr_drift_entry *e = &d.e[i];

		sys = json_object();
		for (k = 0; k < e->nsystems && k < SSPR_MAX_SYSTEMS; k++)
			json_object_set_new(sys, e->sys[k].name,
			    json_pack("{s:s,s:o,s:o}", "state", e->sys[k].state,
			        "enrolled_at",
			        web_time_json(e->sys[k].enrolled_at), "digest",
			        api_hd_opt(e->sys[k].digest)));
		json_array_append_new(
		    list, json_pack("{s:s,s:s,s:o,s:o}", "userid", e->userid,
		              "kind", sspr_drift_kind_name(e->kind), "source",
		              api_hd_opt(e->source), "systems", sys));
	}
	api_reply(rq, 200,
	    json_pack(
	        "{s:I,s:o}", "users", (json_int_t)d.users, "drift", list));
	sspr_drift_free(&d);
}
