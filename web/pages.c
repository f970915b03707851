/*
 * pages.c - the browser pages: server-rendered HTML that works without
 * JavaScript, for enrollment and the reset flow.
 *
 * Handlers only translate: form fields -> one sspr_*() call -> a template.
 * The reset flow's sealed token travels in a hidden field of each step's
 * page, sealed again under the browser's __Host-fb cookie (pageflow.c
 * says why): two tabs are two flows, and Back or a double click re-posts
 * a step's form with that step's own token, which the core answers as
 * that step again.  No refusal ends a flow on the page side.  Every form
 * carries a CSRF token that must equal the __Host-csrf cookie.  Pages
 * never echo a secret; a refused enrollment keeps the user ID, e-mail
 * address and questions chosen.  RFC 6265 (cookies).
 */
#include "web/web_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat/compat.h"
#include "compat/textfile.h"
#include "compat/jsonx.h"
#include "sspr/policy.h"
#include "web/form.h"
#include "web/tmpl.h"
#include "compat/base32.h"
#include "compat/banned.h"

#define CSRF_LEN 26 /* 128 bits, base32 */

/* A new CSRF token for this browser into out, its cookie set. */
static void
page_csrf_new(struct web_req *rq, char out[CSRF_LEN + 1])
{
	unsigned char r[16];

	if (random_bytes(r, sizeof(r)) == -1)
		fatalx("no randomness for a CSRF token");
	(void)base32_encode(r, sizeof(r), out, CSRF_LEN + 1);
	web_set_cookie(rq, "__Host-csrf=%s" WEB_COOKIE_ATTRS, out);
}

/* The CSRF token of this browser: from its cookie, or a new one (set). */
static void
page_csrf(struct web_req *rq, char out[CSRF_LEN + 1])
{
	const char *c = web_cookie(rq, "__Host-csrf");

	if (c != NULL && strlen(c) == CSRF_LEN &&
	    strspn(c, BASE32_ALPHABET) == CSRF_LEN)
		strlcpy_s(out, c, CSRF_LEN + 1);
	else
		page_csrf_new(rq, out);
}

void
page_csrf_renew(struct web_req *rq)
{
	char tok[CSRF_LEN + 1];

	page_csrf_new(rq, tok);
}

enum web_outcome
web_outcome(const char *code)
{
	if (strcmp(code, "ok") == 0)
		return WO_CHANGED;
	if (strcmp(code, "pending") == 0)
		return WO_PENDING;
	if (strcmp(code, "unknown") == 0)
		return WO_UNKNOWN;
	return WO_UNCHANGED;
}

const char *
page_text(struct web_req *rq, const char *key)
{
	const char *t = tmpl_text(rq->w->tmpl, rq->lang, key);

	return t != NULL ? t : key;
}

const char *
page_code_text(struct web_req *rq, const char *prefix, const char *code)
{
	char key[64];
	const char *t;
	size_t i, n = strlen(prefix);

	if (n + strlen(code) >= sizeof(key))
		return code;
	memcpy(key, prefix, n);
	for (i = 0; code[i] != '\0'; i++) {
		char c = code[i] == '-' ? '_' : code[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		        c == '_'))
			return code;
		key[n + i] = c;
	}
	key[n + i] = '\0';
	t = tmpl_text(rq->w->tmpl, rq->lang, key);
	return t != NULL ? t : code;
}

/* Append name to the comma-separated list at key of d. */
static void
page_list_add(json_t *d, const char *key, const char *name)
{
	const char *cur = json_string_value(json_object_get(d, key));
	char buf[SSPR_MAX_SYSTEMS * (SSPR_MAX_USERID + 2) + 1];

	if (cur == NULL)
		json_object_set_new(d, key, json_string(name));
	else {
		snprintf(buf, sizeof(buf), "%s, %s", cur, name);
		json_object_set_new(d, key, json_string(buf));
	}
}

json_t *
page_results(struct web_req *rq, const struct sspr_result *res, json_t *d)
{
	static const char *const lists[] = {
	    "changed", "pending", "unknown", "unchanged"};
	static const char *const classes[] = {
	    "ok", "pending", "pending", "bad"};
	json_t *rows = json_array();
	enum web_outcome o;
	size_t i;

	for (i = 0; res != NULL && i < res->nsystems; i++) {
		o = web_outcome(res->sys[i].result);
		json_array_append_new(rows,
		    json_pack("{s:s,s:s,s:s,s:b,s:s}", "name", res->sys[i].name,
		        "result", res->sys[i].result, "text",
		        page_code_text(rq, "outcome.", res->sys[i].result),
		        "ok", o == WO_CHANGED, "class", classes[o]));
		page_list_add(d, lists[o], res->sys[i].name);
	}
	return rows;
}

/* The languages of the pages, for the switch and the helpdesk's choice:
 * [{code, name (in itself), selected (the page's)}]. */
static json_t *
page_langs(struct web_req *rq)
{
	const char *const *l;
	json_t *a = json_array();

	for (l = tmpl_languages(rq->w->tmpl); *l != NULL; l++)
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:b}", "code", *l, "name",
		           tmpl_text(rq->w->tmpl, *l, "lang.name"), "selected",
		           strcmp(*l, rq->lang) == 0));
	return a;
}

void
page_render(struct web_req *rq, int status, const char *name, json_t *data)
{
	char csrf[CSRF_LEN + 1], err[256];
	struct strbuf out;

	page_csrf(rq, csrf);
	json_object_set_new(data, "lang", json_string(rq->lang));
	json_object_set_new(data, "langs", page_langs(rq));
	json_object_set_new(data, "csrf", json_string(csrf));
	strbuf_init(&out, TMPL_MAX_PAGE);
	rq->ctype = "text/html; charset=utf-8";
	if (tmpl_render(rq->w->tmpl, name, rq->lang, data, &out, err,
	        sizeof(err)) == -1) {
		if (rq->w->log != NULL)
			fprintf(rq->w->log, "sspr: page %s: %s\n", name, err);
		rq->status = 500;
		rq->resp = xstrdup("internal error");
		rq->ctype = "text/plain; charset=utf-8";
	} else {
		rq->status = status;
		rq->resp = strbuf_detach(&out);
	}
	strbuf_release(&out);
	json_decref(data);
}

void
page_error(struct web_req *rq, int status)
{
	page_render(rq, status, "error", json_object());
}

int
page_form(struct web_req *rq, struct form *f)
{
	const char *ct = web_header(rq, "Content-Type");
	const char *tok, *cookie = web_cookie(rq, "__Host-csrf");

	if (ct == NULL ||
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
	    form_parse(rq->body != NULL ? rq->body : "", rq->len, f) == -1) {
		page_error(rq, 400);
		return -1;
	}
	tok = form_get(f, "csrf");
	if (tok == NULL || cookie == NULL || strlen(tok) != CSRF_LEN ||
	    strlen(cookie) != CSRF_LEN || !ct_equal(tok, cookie, CSRF_LEN)) {
		form_release(f);
		page_error(rq, 403);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Home, language, static files
 * ---------------------------------------------------------------- */

void
page_home(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_render(rq, 200, "home", json_object());
}

void
page_lang(struct web_req *rq, struct sspr *s)
{
	const char *l = rq->path + strlen("/lang/");

	(void)s;
	if (web_lang_ok(rq->w, l))
		web_set_cookie(
		    rq, "lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", l);
	web_redirect(rq, "/");
}

static const struct {
	const char *name, *ctype;
} page_files[WEB_STATIC_FILES] = {{"sspr.css", "text/css"},
    {"site.css", "text/css"}, {"logo.svg", "image/svg+xml"}};

int
page_static_load(struct web *w, char *err, size_t errsize)
{
	char path[4096];
	size_t i;
	int r;

	for (i = 0; i < WEB_STATIC_FILES; i++) {
		/* An operator's own copy in the state directory comes
		 * first. */
		snprintf(path, sizeof(path), "%s/static/%s", w->cfg->state_dir,
		    page_files[i].name);
		r = text_file_read(path, "static file", WEB_STATIC_MAX,
		    &w->statics[i].text, &w->statics[i].len, err, errsize);
		if (r == 1) {
			snprintf(path, sizeof(path), "%s/web/static/%s",
			    w->cfg->data_dir, page_files[i].name);
			r = text_file_read(path, "static file", WEB_STATIC_MAX,
			    &w->statics[i].text, &w->statics[i].len, err,
			    errsize);
		}
		if (r != 0)
			return -1;
	}
	return 0;
}

void
page_static_free(struct web *w)
{
	size_t i;

	for (i = 0; i < WEB_STATIC_FILES; i++) {
		free(w->statics[i].text);
		w->statics[i].text = NULL;
	}
}

void
page_static(struct web_req *rq, struct sspr *s)
{
	const char *name = rq->path + strlen("/static/");
	size_t i;

	(void)s;
	for (i = 0; i < WEB_STATIC_FILES; i++)
		if (strcmp(page_files[i].name, name) == 0)
			break;
	if (i == WEB_STATIC_FILES) {
		web_error(rq, 404, "not-found", "there is no such file");
		return;
	}
	rq->status = 200;
	rq->resp = xstrdup(rq->w->statics[i].text);
	rq->ctype = page_files[i].ctype;
}

/* ---------------------------------------------------------------- *
 * Enrollment
 * ---------------------------------------------------------------- */

/* The question catalogue; the one whose ID is sel is preselected, else
 * the one at index def, so that the three lists start on three different
 * questions. */
static json_t *
page_catalog(const char *lang, const char *sel, size_t def)
{
	const struct policy_question *qs;
	json_t *a = json_array();
	size_t n, i;

	qs = policy_questions(&n);
	if (sel != NULL)
		for (i = 0; i < n; i++)
			if (strcmp(qs[i].id, sel) == 0)
				def = i;
	for (i = 0; i < n; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:b}", "id", qs[i].id, "text",
		           policy_question_text(&qs[i], lang), "selected",
		           i == def));
	return a;
}

/* The enrollment form, with error and the result per system (res may
 * be NULL) when it was refused.  er (NULL: a new form) is what was
 * posted: what is not secret (user ID, e-mail address, the questions
 * chosen) is filled in again; a password, the PIN and the answers never
 * are. */
static void
page_enroll_render(struct web_req *rq, int status, const char *error,
    const struct sspr_result *res, const struct sspr_enroll_req *er)
{
	json_t *d = json_object(), *slots = json_array(), *rows;
	int i;

	if (res != NULL && res->nsystems > 0) {
		rows = page_results(rq, res, d);
		json_object_set_new(d, "has_results", json_true());
		json_object_set_new(d, "results", rows);
	}

	for (i = 1; i <= POLICY_QUESTIONS; i++)
		json_array_append_new(
		    slots, json_pack("{s:i,s:o}", "n", i, "questions",
		               page_catalog(rq->lang,
		                   er != NULL ? er->qid[i - 1] : NULL,
		                   (size_t)i - 1)));
	json_object_set_new(d, "slots", slots);
	if (er != NULL && er->userid != NULL)
		json_object_set_new(d, "userid", json_string(er->userid));
	if (er != NULL && er->email != NULL)
		json_object_set_new(d, "email", json_string(er->email));
	if (error != NULL)
		json_object_set_new(d, "error", json_string(error));
	if (status == 503)
		rq->retry_after = "30";
	page_render(rq, status, "enroll", d);
}

void
page_enroll_form(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_enroll_render(rq, 200, NULL, NULL, NULL);
}

/*
 * The result page with one row per system; kind "enrolled" or "reset"
 * (the catalog's text for it, on full success), message shown as is.
 * Status 200 with res->status SSPR_PARTIAL is the partial page: it names
 * the systems changed, those that will be changed when they answer
 * ("pending") and those not changed.
 */
static void
page_result(struct web_req *rq, int status, const char *kind,
    const char *message, const struct sspr_result *res)
{
	json_t *d = json_object(), *rows;
	int partial =
	    status == 200 && res != NULL && res->status == SSPR_PARTIAL;

	rows = page_results(rq, res, d);
	json_object_set_new(
	    d, "has_results", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(d, "results", rows);
	json_object_set_new(d, "partial", json_boolean(partial));
	json_object_set_new(d, "success",
	    json_boolean(status == 200 && !partial &&
	                 json_object_get(d, "changed") != NULL));
	if (status == 200 && !partial && kind != NULL)
		json_object_set_new(d, kind, json_true());
	if (message != NULL)
		json_object_set_new(d, "message", json_string(message));
	page_render(rq, status, "result", d);
}

void
page_enroll(struct web_req *rq, struct sspr *s)
{
	struct sspr_enroll_req er;
	struct sspr_result res;
	struct form f;
	char n[4];
	int i, rc;

	if (page_form(rq, &f) == -1)
		return;
	memset(&er, 0, sizeof(er));
	er.userid = form_get(&f, "userid");
	er.password = form_get(&f, "password");
	er.new_password = form_get(&f, "new_password");
	if (er.new_password != NULL && er.new_password[0] == '\0')
		er.new_password = NULL;
	er.email = form_get(&f, "email");
	er.pin = form_get(&f, "pin");
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		snprintf(n, sizeof(n), "q%d", i + 1);
		er.qid[i] = form_get(&f, n);
		snprintf(n, sizeof(n), "a%d", i + 1);
		er.answer[i] = form_get(&f, n);
	}
	er.lang = rq->lang;
	er.client = rq->client;
	rc = sspr_enroll(s, &er, &res);
	atomic_fetch_add(
	    rc == 0 ? &rq->w->enrolls_ok : &rq->w->enrolls_failed, 1);
	/* Each status once, as the API answers it (api_status). */
	if (rc == 0 || res.status == SSPR_OK || res.status == SSPR_PARTIAL)
		page_result(rq, 200, "enrolled", NULL, &res);
	else if (res.status == SSPR_INVALID)
		/* msg names the system that refused, if one did; the table
		 * says what each did */
		page_enroll_render(rq, 422,
		    res.msg[0] != '\0' ? res.msg : page_text(rq, "msg.error"),
		    &res, &er);
	else if (res.status == SSPR_EXPIRED)
		page_enroll_render(
		    rq, 409, page_text(rq, "enroll.expired"), &res, &er);
	else if (res.status == SSPR_UNAVAILABLE)
		page_enroll_render(
		    rq, 503, page_text(rq, "msg.unavailable"), &res, &er);
	else
		page_enroll_render(
		    rq, 403, page_text(rq, "enroll.signon_failed"), NULL, &er);
	form_release(&f);
}

/* ---------------------------------------------------------------- *
 * Reset
 * ---------------------------------------------------------------- */

/* A browser that still holds the cookie the flow once travelled in
 * forgets it: the flow now travels in each page's form (pageflow.c). */
static void
page_flow_legacy(struct web_req *rq)
{
	if (web_cookie(rq, "__Host-flow") != NULL)
		web_set_cookie(
		    rq, "__Host-flow=" WEB_COOKIE_ATTRS "; Max-Age=0");
}

/* The generic refusal.  It ends nothing: another tab's flow, and this
 * page's own form (Back), stay as they were. */
static void
page_denied(struct web_req *rq)
{
	json_t *d = json_object();

	page_flow_legacy(rq);
	json_object_set_new(d, "denied", json_true());
	page_render(rq, 403, "denied", d);
}

/* The form field of system name's checkbox: sys_<name>, lower case (as
 * every form field name is). */
static void
page_sys_field(char out[FORM_MAX_NAME], const char *name)
{
	size_t j;

	snprintf(out, FORM_MAX_NAME, "sys_%s", name);
	for (j = 0; out[j] != '\0'; j++)
		if (out[j] >= 'A' && out[j] <= 'Z')
			out[j] = (char)(out[j] - 'A' + 'a');
}

/*
 * The page of step fl->step with fl->token in its form, status, and error
 * (NULL: none) above the form; res (NULL: none) the result per system of
 * a completion that changed nothing.  Besides the token, a step's page
 * carries what it shows (the code's kind, the question IDs, the actions
 * offered) so that it can be shown again when the step must be retried
 * (page_view); the core never trusts them.
 */
static void
page_step_render(struct web_req *rq, int status, const struct sspr_flow *fl,
    const char *error, const struct sspr_result *res)
{
	char field[PAGE_FLOW_MAX];
	json_t *d;
	int i;

	if (page_flow_wrap(rq, fl->token, field) == -1) {
		page_denied(rq);
		return;
	}
	page_flow_legacy(rq);
	d = json_object();
	json_object_set_new(d, "flow", json_string(field));
	if (error != NULL)
		json_object_set_new(d, "error", json_string(error));
	if (status == 503)
		rq->retry_after = "30";
	switch (fl->step) {
	case SSPR_STEP_PIN:
		page_render(rq, status, "reset_pin", d);
		return;
	case SSPR_STEP_CODE:
		json_object_set_new(
		    d, "email", json_boolean(fl->code_kind == CFG_CODE_EMAIL));
		page_render(rq, status, "reset_code", d);
		return;
	case SSPR_STEP_ANSWERS: {
		json_t *qs = json_array();

		for (i = 0; i < fl->nquestions; i++) {
			const struct policy_question *q =
			    policy_question(fl->qid[i]);

			json_array_append_new(qs,
			    json_pack("{s:i,s:s,s:s}", "n", i + 1, "id",
			        q != NULL ? q->id : "", "text",
			        q != NULL ? policy_question_text(q, rq->lang)
			                  : ""));
		}
		json_object_set_new(d, "questions", qs);
		page_render(rq, status, "reset_answers", d);
		return;
	}
	case SSPR_STEP_ACTION: {
		json_t *sys = json_array();
		size_t k;

		if (res != NULL && res->nsystems > 0) {
			json_object_set_new(
			    d, "results", page_results(rq, res, d));
			json_object_set_new(d, "has_results", json_true());
		}
		json_object_set_new(d, "acts", json_integer(fl->actions));
		json_object_set_new(d, "actions",
		    json_pack("{s:b,s:b,s:b}", "password",
		        (fl->actions & (1u << SSPR_ACT_PASSWORD)) != 0,
		        "phrase", (fl->actions & (1u << SSPR_ACT_PHRASE)) != 0,
		        "unlock",
		        (fl->actions & (1u << SSPR_ACT_UNLOCK)) != 0));
		for (k = 0; k < rq->w->cfg->nsystems; k++) {
			char key[FORM_MAX_NAME];

			page_sys_field(key, rq->w->cfg->systems[k].name);
			json_array_append_new(sys,
			    json_pack("{s:s,s:s}", "name",
			        rq->w->cfg->systems[k].name, "field", key));
		}
		json_object_set_new(d, "systems", sys);
		page_render(rq, status, "reset_action", d);
		return;
	}
	default:
		json_decref(d);
		page_denied(rq);
	}
}

/*
 * The step a form posted, to show again: its token (opened from the
 * "flow" field: 0, or -1 when the field is not this browser's) and what
 * its page showed, from the page's own fields (checked against the
 * catalog, never trusted by the core).
 */
static int
page_view(struct web_req *rq, const struct form *f, enum sspr_step step,
    struct sspr_flow *v)
{
	const char *x;
	char n[4];
	long acts;
	int i;

	memset(v, 0, sizeof(*v));
	v->status = SSPR_OK;
	v->step = step;
	if (page_flow_unwrap(rq, form_get(f, "flow"), v->token) == -1)
		return -1;
	x = form_get(f, "kind");
	v->code_kind =
	    (int)(x != NULL && strcmp(x, "fixed") == 0 ? CFG_CODE_FIXED
	                                               : CFG_CODE_EMAIL);
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		snprintf(n, sizeof(n), "q%d", i + 1);
		x = form_get(f, n);
		if (x == NULL || policy_question(x) == NULL)
			break;
		strlcpy_s(v->qid[i], x, sizeof(v->qid[i]));
	}
	v->nquestions = i;
	x = form_get(f, "acts");
	acts = x != NULL ? strtol(x, NULL, 10) : 0;
	v->actions = acts > 0 && acts < (1L << (SSPR_ACT_UNLOCK + 1))
	                 ? (unsigned)acts
	                 : 1u << SSPR_ACT_PASSWORD;
	return 0;
}

/*
 * The answer to a step: the next step's page (OK); the same step's page
 * again, with the same token, when the service could not answer
 * (UNAVAILABLE: 503, as the API), so that Continue retries; the generic
 * refusal otherwise (DENIED: 403, as the API).  The steps answer no other
 * status.  view is the step as posted (NULL: its token was not this
 * browser's, which the core refused).
 */
static void
page_step(struct web_req *rq, const struct sspr_flow *fl,
    const struct sspr_flow *view)
{
	switch (fl->status) {
	case SSPR_OK:
		page_step_render(rq, 200, fl, NULL, NULL);
		return;
	case SSPR_UNAVAILABLE:
		if (view != NULL) {
			page_step_render(rq, 503, view,
			    page_text(rq, "msg.unavailable"), NULL);
			return;
		}
		break;
	default:
		break;
	}
	page_denied(rq);
}

void
page_reset_form(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_flow_binding(rq);
	page_render(rq, 200, "reset", json_object());
}

void
page_reset(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl;
	struct form f;
	json_t *d;

	if (page_form(rq, &f) == -1)
		return;
	(void)sspr_reset_start(s, form_get(&f, "userid"), rq->client, &fl);
	form_release(&f);
	if (fl.status != SSPR_UNAVAILABLE) {
		page_step(rq, &fl, NULL);
		return;
	}
	d = json_object();
	json_object_set_new(
	    d, "error", json_string(page_text(rq, "msg.unavailable")));
	rq->retry_after = "30";
	page_render(rq, 503, "reset", d);
}

void
page_reset_pin(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl, v;
	struct form f;
	int have;

	if (page_form(rq, &f) == -1)
		return;
	have = page_view(rq, &f, SSPR_STEP_PIN, &v) == 0;
	(void)sspr_reset_pin(s, have ? v.token : NULL, form_get(&f, "pin"),
	    rq->client, rq->lang, &fl);
	form_release(&f);
	page_step(rq, &fl, have ? &v : NULL);
	secure_zero(&v, sizeof(v));
}

void
page_reset_code(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl, v;
	struct form f;
	int have;

	if (page_form(rq, &f) == -1)
		return;
	have = page_view(rq, &f, SSPR_STEP_CODE, &v) == 0;
	(void)sspr_reset_code(
	    s, have ? v.token : NULL, form_get(&f, "code"), rq->client, &fl);
	form_release(&f);
	page_step(rq, &fl, have ? &v : NULL);
	secure_zero(&v, sizeof(v));
}

void
page_reset_answers(struct web_req *rq, struct sspr *s)
{
	const char *ans[POLICY_QUESTIONS];
	struct sspr_flow fl, v;
	struct form f;
	char n[4];
	size_t i, k = 0;
	int have;

	if (page_form(rq, &f) == -1)
		return;
	have = page_view(rq, &f, SSPR_STEP_ANSWERS, &v) == 0;
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		snprintf(n, sizeof(n), "a%zu", i + 1);
		if ((ans[k] = form_get(&f, n)) != NULL)
			k++;
	}
	(void)sspr_reset_answers(
	    s, have ? v.token : NULL, ans, k, rq->client, &fl);
	form_release(&f);
	page_step(rq, &fl, have ? &v : NULL);
	secure_zero(&v, sizeof(v));
}

/*
 * Completing.  Done (OK, PARTIAL): the result page, 200.  Refused by a
 * system's rules (INVALID: 422, as the API), the two new passwords not
 * the same (422), or the service unable to answer (UNAVAILABLE: 503, as
 * the API): nothing was changed and the proof is still this flow's, so
 * the action page comes again with the same token and the reason (and the
 * result per system).  Anything else: the generic refusal (403).
 */
void
page_reset_complete(struct web_req *rq, struct sspr *s)
{
	struct sspr_complete_req cr;
	struct sspr_result res;
	struct sspr_flow v;
	const char *act, *nw, *cf;
	char key[FORM_MAX_NAME];
	struct form f;
	size_t k, n = 0;
	int rc, have;

	if (page_form(rq, &f) == -1)
		return;
	memset(&cr, 0, sizeof(cr));
	have = page_view(rq, &f, SSPR_STEP_ACTION, &v) == 0;
	cr.token = have ? v.token : NULL;
	act = form_get(&f, "action");
	nw = form_get(&f, "new");
	cf = form_get(&f, "confirm");
	cr.action = act != NULL && strcmp(act, "phrase") == 0 ? SSPR_ACT_PHRASE
	            : act != NULL && strcmp(act, "unlock") == 0
	                ? SSPR_ACT_UNLOCK
	                : SSPR_ACT_PASSWORD;
	if (have && cr.action != SSPR_ACT_UNLOCK &&
	    (nw == NULL || cf == NULL || strcmp(nw, cf) != 0)) {
		/* Nothing was used up: the same step again. */
		form_release(&f);
		page_step_render(
		    rq, 422, &v, page_text(rq, "msg.mismatch"), NULL);
		secure_zero(&v, sizeof(v));
		return;
	}
	cr.new_secret = cr.action == SSPR_ACT_UNLOCK ? NULL : nw;
	for (k = 0; k < rq->w->cfg->nsystems && n < SSPR_MAX_SYSTEMS - 1; k++) {
		page_sys_field(key, rq->w->cfg->systems[k].name);
		if (form_get(&f, key) != NULL)
			cr.systems[n++] = rq->w->cfg->systems[k].name;
	}
	cr.systems[n] = NULL; /* none ticked: all */
	cr.client = rq->client;
	cr.lang = rq->lang;
	rc = sspr_reset_complete(s, &cr, &res);
	form_release(&f);
	atomic_fetch_add(
	    rc == 0 ? &rq->w->resets_ok : &rq->w->resets_denied, 1);
	if (rc == 0 || res.status == SSPR_OK || res.status == SSPR_PARTIAL) {
		page_flow_legacy(rq);
		page_result(rq, 200, "reset", NULL, &res);
	} else if (have && res.status == SSPR_INVALID)
		page_step_render(rq, 422, &v,
		    res.msg[0] != '\0' ? res.msg : page_text(rq, "msg.error"),
		    &res);
	else if (have && res.status == SSPR_UNAVAILABLE)
		page_step_render(
		    rq, 503, &v, page_text(rq, "msg.unavailable"), &res);
	else
		page_denied(rq);
	secure_zero(&v, sizeof(v));
}
