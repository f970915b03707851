/*
 * pages_hd.c - the helpdesk's pages: sign-on, the look-up of one user
 * with the actions on it, the drift report, and the result of an action.
 * Server-rendered HTML without JavaScript, in the request's language.
 *
 * The session token travels in the __Host-hd cookie (HttpOnly, Secure,
 * SameSite=Strict, Path=/, no Max-Age: it ends with the browser and,
 * on the server, after helpdesk.idle_minutes); web_dispatch checks it
 * before any handler here but the sign-on runs.  Every POST carries the
 * CSRF token of the __Host-csrf cookie, which is renewed at sign-on; a
 * form with a field the page does not ask for (a "password" on an action)
 * is refused.  Handlers only translate: form fields -> one sspr_hd_*()
 * call -> a template.  RFC 6265 (cookies).
 */
#include "web/web_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "web/form.h"
#include "web/tmpl.h"
#include "compat/hex.h"
#include "compat/banned.h"

/* A user ID for a URL's query: # @ $ percent-encoded. */
static void
page_hd_query(const char *uid, char out[3 * SSPR_MAX_USERID + 1])
{
	size_t i, k = 0;

	for (i = 0; uid[i] != '\0' && i < SSPR_MAX_USERID; i++) {
		unsigned char c = (unsigned char)uid[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))
			out[k++] = (char)c;
		else {
			out[k++] = '%';
			hex_encode(&c, 1, out + k, 1);
			k += 2;
		}
	}
	out[k] = '\0';
}

/* The data every page of an operator starts with. */
static json_t *
page_hd_data(struct web_req *rq)
{
	return json_pack("{s:s,s:b}", "operator", rq->op.userid, "wide", 1);
}

/* Only the fields of allowed (and those starting with prefix, when not
 * NULL) are in f: 0, or -1 after a 400 (and f released). */
static int
page_hd_fields(struct web_req *rq, struct form *f, const char *const *allowed,
    size_t n, const char *prefix)
{
	size_t i, k;

	for (i = 0; i < f->n; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(f->name[i], allowed[k]) == 0)
				break;
		if (k < n || (prefix != NULL && strncmp(f->name[i], prefix,
		                                    strlen(prefix)) == 0))
			continue;
		form_release(f);
		page_error(rq, 400);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Sign-on, sign-off
 * ---------------------------------------------------------------- */

/* The sign-on form; a refused sign-on keeps the user ID typed (uid, NULL:
 * none), never the password. */
static void
page_hd_login_render(
    struct web_req *rq, int status, const char *error, const char *uid)
{
	json_t *d = json_object();

	if (uid != NULL)
		json_object_set_new(d, "userid", json_string(uid));
	if (error != NULL)
		json_object_set_new(d, "error", json_string(error));
	page_render(rq, status, "hd_login", d);
}

void
page_hd_login_form(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_hd_login_render(rq, 200, NULL, NULL);
}

void
page_hd_login(struct web_req *rq, struct sspr *s)
{
	static const char *const fields[] = {"csrf", "userid", "password"};
	struct sspr_hd_actor old;
	struct sspr_hd_login lg;
	const char *uid, *pw, *prev;
	struct form f;

	if (page_form(rq, &f) == -1 ||
	    page_hd_fields(rq, &f, fields, ARRAY_SIZE(fields), NULL) == -1)
		return;
	uid = form_get(&f, "userid");
	pw = form_get(&f, "password");
	memset(&lg, 0, sizeof(lg));
	if (uid == NULL || pw == NULL || uid[0] == '\0' || pw[0] == '\0')
		lg.status = SSPR_DENIED;
	else
		(void)sspr_hd_login(s, uid, pw, rq->client, &lg);
	if (lg.status == SSPR_OK) {
		/* A new session: the browser's earlier one, if any, ends
		 * (SESS-03), and so does its CSRF token. */
		prev = web_hd_token(rq);
		if (prev != NULL &&
		    sspr_hd_session(s, prev, rq->client, &old) == 0)
			sspr_hd_logout(s, &old, rq->client);
		web_set_cookie(rq, "__Host-hd=%s" WEB_COOKIE_ATTRS, lg.token);
		page_csrf_renew(rq);
		web_redirect(rq, "/helpdesk/user");
	} else if (lg.status == SSPR_UNAVAILABLE) {
		rq->retry_after = "30";
		page_hd_login_render(
		    rq, 503, page_text(rq, "msg.unavailable"), uid);
	} else
		page_hd_login_render(
		    rq, 403, page_text(rq, "hd.login_failed"), uid);
	form_release(&f); /* uid is borrowed from it */
	secure_zero(&lg, sizeof(lg));
}

void
page_hd_logout(struct web_req *rq, struct sspr *s)
{
	static const char *const fields[] = {"csrf"};
	struct form f;

	if (page_form(rq, &f) == -1 ||
	    page_hd_fields(rq, &f, fields, ARRAY_SIZE(fields), NULL) == -1)
		return;
	form_release(&f);
	sspr_hd_logout(s, &rq->op, rq->client);
	web_set_cookie(rq, "__Host-hd=" WEB_COOKIE_ATTRS "; Max-Age=0");
	rq->clear_site = "\"cache\", \"cookies\", \"storage\"";
	web_redirect(rq, "/helpdesk");
}

/* ---------------------------------------------------------------- *
 * Look-up
 * ---------------------------------------------------------------- */

/* The per-system rows of a look-up. */
static json_t *
page_hd_systems(struct web_req *rq, const struct sspr_hd_user *u)
{
	json_t *rows = json_array(), *o;
	size_t i;

	for (i = 0; i < u->nsystems && i < SSPR_MAX_SYSTEMS; i++) {
		const struct sspr_hd_sys *y = &u->sys[i];

		o = json_pack("{s:s,s:b,s:b,s:b,s:b,s:b}", "name", y->name,
		    "available", y->available, "exists", y->exists, "revoked",
		    y->revoked, "enrolled", y->enrolled, "locked", y->locked);
		if (y->revoke_reason[0] != '\0')
			json_object_set_new(o, "reason",
			    json_string(page_code_text(
			        rq, "hd.reason.", y->revoke_reason)));
		json_object_set_new(
		    o, "enrolled_at", web_time_json(y->enrolled_at));
		json_object_set_new(
		    o, "locked_until", web_time_json(y->locked_until));
		json_object_set_new(o, "reset_at", web_time_json(y->reset_at));
		json_object_set_new(o, "email", json_string(y->email));
		json_object_set_new(o, "digest", json_string(y->digest));
		json_array_append_new(rows, o);
	}
	return rows;
}

/* The recent operations of a look-up. */
static json_t *
page_hd_ops(struct web_req *rq, const struct sspr_hd_user *u)
{
	json_t *rows = json_array(), *res;
	size_t i, k;

	for (i = 0; i < u->nops && i < SSPR_HD_MAX_OPS; i++) {
		const struct sspr_hd_op *op = &u->ops[i];

		res = json_array();
		for (k = 0; k < op->nsystems && k < SSPR_MAX_SYSTEMS; k++)
			json_array_append_new(res,
			    json_pack("{s:s,s:s,s:s}", "name", op->sys[k].name,
			        "result", op->sys[k].result, "text",
			        page_code_text(
			            rq, "outcome.", op->sys[k].result)));
		json_array_append_new(
		    rows, json_pack("{s:o,s:s,s:s,s:s,s:o}", "created",
		              web_time_json(op->created), "kind",
		              page_code_text(rq, "hd.kind.", op->kind), "actor",
		              op->actor, "state",
		              page_code_text(rq, "hd.state.", op->state),
		              "results", res));
	}
	return rows;
}

/* The replicate form's choices: from (enrolled systems, the newest
 * enrollment selected) and to (every configured system). */
static void
page_hd_choices(struct web_req *rq, const struct sspr_hd_user *u, json_t *user)
{
	const struct cfg *cfg = rq->w->cfg;
	json_t *from = json_array(), *to = json_array();
	size_t i, newest = SIZE_MAX;
	char field[FORM_MAX_NAME];

	for (i = 0; i < u->nsystems && i < SSPR_MAX_SYSTEMS; i++)
		if (u->sys[i].enrolled &&
		    (newest == SIZE_MAX ||
		        u->sys[i].enrolled_at > u->sys[newest].enrolled_at))
			newest = i;
	for (i = 0; i < u->nsystems && i < SSPR_MAX_SYSTEMS; i++)
		if (u->sys[i].enrolled)
			json_array_append_new(
			    from, json_pack("{s:s,s:b}", "name", u->sys[i].name,
			              "selected", i == newest));
	for (i = 0; i < cfg->nsystems; i++) {
		snprintf(field, sizeof(field), "to_%zu", i);
		json_array_append_new(
		    to, json_pack("{s:s,s:s}", "name", cfg->systems[i].name,
		            "field", field));
	}
	json_object_set_new(
	    user, "can_replicate", json_boolean(json_array_size(from) > 0));
	json_object_set_new(user, "from", from);
	json_object_set_new(user, "to", to);
}

/* A helpdesk call refused with st (not OK, PARTIAL or UNAUTHORIZED), msg
 * what the workflow said ("" when nothing): the page's status, and its
 * words into *text (borrowed). */
static int
page_hd_refusal(
    struct web_req *rq, enum sspr_status st, const char *msg, const char **text)
{
	switch (st) {
	case SSPR_INVALID:
		*text = msg[0] != '\0' ? msg : page_text(rq, "msg.error");
		return 422;
	case SSPR_FORBIDDEN:
		*text = page_text(rq, "hd.forbidden");
		return 403;
	case SSPR_NOT_FOUND: /* the workflow's words name the systems */
		*text = msg[0] != '\0' ? msg : page_text(rq, "hd.not_found");
		return 404;
	case SSPR_UNAVAILABLE: /* the system is named to operators */
		*text = msg[0] != '\0' ? msg : page_text(rq, "msg.unavailable");
		rq->retry_after = "30"; /* as the API's 503 */
		return 503;
	default: /* DENIED, EXPIRED: a refusal, as the API's 403 and 409 are,
	            never "try again" */
		*text = msg[0] != '\0' ? msg : page_text(rq, "msg.error");
		return st == SSPR_EXPIRED ? 409 : 403;
	}
}

void
page_hd_user(struct web_req *rq, struct sspr *s)
{
	const char *id = web_query(rq, "id");
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_hd_user *u;
	const char *text;
	json_t *d, *user;
	int status = 200;

	d = page_hd_data(rq);
	if (id == NULL || id[0] == '\0') {
		page_render(rq, 200, "hd_user", d);
		return;
	}
	if (sspr_userid(id, uid) == -1) {
		json_object_set_new(
		    d, "error", json_string(page_text(rq, "hd.bad_userid")));
		page_render(rq, 400, "hd_user", d);
		return;
	}
	json_object_set_new(d, "query", json_string(uid));
	u = xcalloc(1, sizeof(*u));
	(void)sspr_hd_lookup(s, &rq->op, uid, rq->client, u);
	if (u->status == SSPR_UNAUTHORIZED) {
		free(u);
		json_decref(d);
		web_unauthorized(rq);
		return;
	}
	if (u->status == SSPR_OK) {
		user = json_pack("{s:s,s:b,s:o,s:o}", "userid", u->userid,
		    "protected", u->protected_id, "systems",
		    page_hd_systems(rq, u), "ops", page_hd_ops(rq, u));
		json_object_set_new(user, "has_ops", json_boolean(u->nops > 0));
		page_hd_choices(rq, u, user);
		json_object_set_new(d, "user", user);
	} else {
		status = page_hd_refusal(rq, u->status, u->msg, &text);
		json_object_set_new(d, "error", json_string(text));
	}
	free(u);
	page_render(rq, status, "hd_user", d);
}

/* ---------------------------------------------------------------- *
 * Actions
 * ---------------------------------------------------------------- */

/* The result page of action (the catalog key of its name) on uid. */
static void
page_hd_result(struct web_req *rq, const char *action, const char *uid,
    const struct sspr_result *res)
{
	char q[3 * SSPR_MAX_USERID + 1];
	const char *text;
	json_t *d, *rows;
	int status = 200;

	if (res->status == SSPR_UNAUTHORIZED) {
		web_unauthorized(rq);
		return;
	}
	d = page_hd_data(rq);
	page_hd_query(uid, q);
	json_object_set_new(d, "userid", json_string(uid));
	json_object_set_new(d, "userid_q", json_string(q));
	json_object_set_new(d, "action", json_string(page_text(rq, action)));
	rows = page_results(rq, res, d);
	json_object_set_new(
	    d, "has_results", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(d, "results", rows);
	if (res->status == SSPR_OK)
		json_object_set_new(d, "success", json_true());
	else if (res->status == SSPR_PARTIAL)
		json_object_set_new(d, "partial", json_true());
	else {
		status = page_hd_refusal(rq, res->status, res->msg, &text);
		json_object_set_new(d, "message", json_string(text));
		json_object_set_new(d, "failed", json_true());
	}
	page_render(rq, status, "hd_result", d);
}

/* The target of an action form (field id) into uid: 0, or -1 after a
 * 400 (f released). */
static int
page_hd_target(struct web_req *rq, struct form *f, char *uid)
{
	if (sspr_userid(form_get(f, "id"), uid) == 0)
		return 0;
	form_release(f);
	page_error(rq, 400);
	return -1;
}

void
page_hd_replicate(struct web_req *rq, struct sspr *s)
{
	static const char *const fields[] = {"csrf", "id", "from"};
	const struct cfg *cfg = rq->w->cfg;
	const char *to[SSPR_MAX_SYSTEMS], *from;
	char uid[SSPR_MAX_USERID + 1], field[FORM_MAX_NAME];
	struct sspr_result res;
	struct form f;
	size_t i, n = 0;

	if (page_form(rq, &f) == -1 ||
	    page_hd_fields(rq, &f, fields, ARRAY_SIZE(fields), "to_") == -1 ||
	    page_hd_target(rq, &f, uid) == -1)
		return;
	for (i = 0; i < cfg->nsystems && n < SSPR_MAX_SYSTEMS - 1; i++) {
		snprintf(field, sizeof(field), "to_%zu", i);
		if (form_get(&f, field) != NULL)
			to[n++] = cfg->systems[i].name;
	}
	to[n] = NULL; /* none ticked: every other system */
	from = form_get(&f, "from");
	memset(&res, 0, sizeof(res));
	(void)sspr_hd_replicate(
	    s, &rq->op, uid, from != NULL ? from : "", to, rq->client, &res);
	form_release(&f);
	page_hd_result(rq, "hd.replicate", uid, &res);
}

void
page_hd_clear_lockout(struct web_req *rq, struct sspr *s)
{
	static const char *const fields[] = {"csrf", "id"};
	char uid[SSPR_MAX_USERID + 1];
	struct sspr_result res;
	struct form f;

	if (page_form(rq, &f) == -1 ||
	    page_hd_fields(rq, &f, fields, ARRAY_SIZE(fields), NULL) == -1 ||
	    page_hd_target(rq, &f, uid) == -1)
		return;
	form_release(&f);
	memset(&res, 0, sizeof(res));
	(void)sspr_hd_clear_lockout(s, &rq->op, uid, rq->client, &res);
	page_hd_result(rq, "hd.clear_lockout", uid, &res);
}

void
page_hd_send_code(struct web_req *rq, struct sspr *s)
{
	static const char *const fields[] = {"csrf", "id", "lang"};
	char uid[SSPR_MAX_USERID + 1];
	const char *lang;
	struct sspr_result res;
	struct form f;

	if (page_form(rq, &f) == -1 ||
	    page_hd_fields(rq, &f, fields, ARRAY_SIZE(fields), NULL) == -1 ||
	    page_hd_target(rq, &f, uid) == -1)
		return;
	lang = form_get(&f, "lang");
	if (lang == NULL || !web_lang_ok(rq->w, lang))
		lang = rq->lang;
	memset(&res, 0, sizeof(res));
	(void)sspr_hd_send_code(s, &rq->op, uid, rq->client, lang, &res);
	form_release(&f);
	page_hd_result(rq, "hd.send_code", uid, &res);
}

/* ---------------------------------------------------------------- *
 * Drift
 * ---------------------------------------------------------------- */

/* The drift report's row of e: one cell per configured system, in the
 * table's order ({} for a system e does not name). */
static json_t *
page_hd_drift_row(struct web_req *rq, const struct sspr_drift_entry *e)
{
	const struct cfg *cfg = rq->w->cfg;
	char q[3 * SSPR_MAX_USERID + 1];
	json_t *cells = json_array(), *c;
	size_t k, j,
	    n = e->nsystems < SSPR_MAX_SYSTEMS ? e->nsystems : SSPR_MAX_SYSTEMS;

	for (k = 0; k < cfg->nsystems; k++) {
		c = json_object();
		for (j = 0; j < n; j++)
			if (strcmp(e->sys[j].name, cfg->systems[k].name) == 0)
				break;
		if (j < n) {
			json_object_set_new(c, "text",
			    json_string(page_code_text(
			        rq, "hd.dstate.", e->sys[j].state)));
			json_object_set_new(c, "enrolled_at",
			    web_time_json(e->sys[j].enrolled_at));
		}
		json_array_append_new(cells, c);
	}
	page_hd_query(e->userid, q);
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "userid", e->userid,
	    "userid_q", q, "kind",
	    page_code_text(rq, "hd.drift.", sspr_drift_kind_name(e->kind)),
	    "source", e->source, "cells", cells);
}

void
page_hd_drift(struct web_req *rq, struct sspr *s)
{
	const struct cfg *cfg = rq->w->cfg;
	json_t *d, *rows, *names;
	struct sspr_drift dr;
	const char *text;
	size_t i;

	memset(&dr, 0, sizeof(dr));
	(void)sspr_drift_report(s, &rq->op, rq->client, &dr);
	if (dr.status == SSPR_UNAUTHORIZED) {
		sspr_drift_free(&dr);
		web_unauthorized(rq);
		return;
	}
	d = page_hd_data(rq);
	if (dr.status != SSPR_OK) {
		int status = page_hd_refusal(rq, dr.status, dr.msg, &text);

		json_object_set_new(d, "error", json_string(text));
		sspr_drift_free(&dr);
		page_render(rq, status, "hd_drift", d);
		return;
	}
	names = json_array();
	for (i = 0; i < cfg->nsystems; i++)
		json_array_append_new(names, json_string(cfg->systems[i].name));
	rows = json_array();
	for (i = 0; i < dr.n; i++)
		json_array_append_new(rows, page_hd_drift_row(rq, &dr.e[i]));
	json_object_set_new(d, "systems", names);
	json_object_set_new(d, "has_drift", json_boolean(dr.n > 0));
	json_object_set_new(d, "rows", rows);
	json_object_set_new(d, "users", json_integer((json_int_t)dr.users));
	json_object_set_new(d, "drifted", json_integer((json_int_t)dr.n));
	sspr_drift_free(&dr);
	page_render(rq, 200, "hd_drift", d);
}
