/*
 * pages.c - the browser pages: server-rendered HTML that works without
 * JavaScript, for enrollment and the reset flow.
 *
 * Handlers only translate: form fields -> one sspr_*() call -> a template.
 * The reset flow's sealed token travels in the __Host-flow cookie
 * (HttpOnly, Secure, SameSite=Strict), replaced at every step; every form
 * carries a CSRF token that must equal the __Host-csrf cookie.  Pages
 * never echo what was typed.  RFC 6265 (cookies).
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
			    SSPR_TEMPLATES_DIR, page_files[i].name);
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

/* The question catalogue; the one at index sel is preselected, so that
 * the three lists start on three different questions. */
static json_t *
page_catalog(const char *lang, size_t sel)
{
	const struct policy_question *qs;
	json_t *a = json_array();
	size_t n, i;

	qs = policy_questions(&n);
	for (i = 0; i < n; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:b}", "id", qs[i].id, "text",
		           policy_question_text(&qs[i], lang), "selected",
		           i == sel));
	return a;
}

/* The enrollment form, with error and the result per system (res may
 * be NULL) when it was refused. */
static void
page_enroll_render(struct web_req *rq, int status, const char *error,
    const struct sspr_result *res)
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
		               page_catalog(rq->lang, (size_t)i - 1)));
	json_object_set_new(d, "slots", slots);
	if (error != NULL)
		json_object_set_new(d, "error", json_string(error));
	page_render(rq, status, "enroll", d);
}

void
page_enroll_form(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_enroll_render(rq, 200, NULL, NULL);
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
	form_release(&f);
	if (rc == 0 || res.status == SSPR_OK || res.status == SSPR_PARTIAL)
		page_result(rq, 200, "enrolled", NULL, &res);
	else if (res.status == SSPR_INVALID || res.status == SSPR_EXPIRED)
		/* msg names the system that refused, if one did; the table
		 * says what each did */
		page_enroll_render(rq, 422, res.msg, &res);
	else if (res.status == SSPR_UNAVAILABLE)
		page_enroll_render(
		    rq, 503, "The service cannot answer now.", NULL);
	else
		page_enroll_render(rq, 403,
		    "Sign-on failed: check your user ID and password.", NULL);
}

/* ---------------------------------------------------------------- *
 * Reset
 * ---------------------------------------------------------------- */

static void
page_flow_cookie(struct web_req *rq, const char *token)
{
	if (token != NULL && token[0] != '\0')
		web_set_cookie(rq,
		    "__Host-flow=%s" WEB_COOKIE_ATTRS "; Max-Age=1800", token);
	else
		web_set_cookie(
		    rq, "__Host-flow=" WEB_COOKIE_ATTRS "; Max-Age=0");
}

static void
page_denied(struct web_req *rq)
{
	json_t *d = json_object();

	page_flow_cookie(rq, NULL);
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

/* The page of the step fl asks for next. */
static void
page_step(struct web_req *rq, const struct sspr_flow *fl)
{
	json_t *d;
	int i;

	if (fl->status != SSPR_OK) {
		page_denied(rq);
		return;
	}
	page_flow_cookie(rq, fl->token);
	d = json_object();
	switch (fl->step) {
	case SSPR_STEP_PIN:
		page_render(rq, 200, "reset_pin", d);
		return;
	case SSPR_STEP_CODE:
		json_object_set_new(
		    d, "email", json_boolean(fl->code_kind == CFG_CODE_EMAIL));
		page_render(rq, 200, "reset_code", d);
		return;
	case SSPR_STEP_ANSWERS: {
		json_t *qs = json_array();

		for (i = 0; i < fl->nquestions; i++) {
			const struct policy_question *q =
			    policy_question(fl->qid[i]);

			json_array_append_new(qs,
			    json_pack("{s:i,s:s}", "n", i + 1, "text",
			        q != NULL ? policy_question_text(q, rq->lang)
			                  : ""));
		}
		json_object_set_new(d, "questions", qs);
		page_render(rq, 200, "reset_answers", d);
		return;
	}
	case SSPR_STEP_ACTION: {
		json_t *sys = json_array();
		size_t k;

		json_object_set_new(d, "actions",
		    json_pack("{s:b,s:b,s:b}", "password",
		        (fl->actions & (1u << SSPR_ACT_PASSWORD)) != 0,
		        "phrase", (fl->actions & (1u << SSPR_ACT_PHRASE)) != 0,
		        "unlock",
		        (fl->actions & (1u << SSPR_ACT_UNLOCK)) != 0));
		for (k = 0; k < rq->w->cfg->nsystems; k++) {
			char field[FORM_MAX_NAME];

			page_sys_field(field, rq->w->cfg->systems[k].name);
			json_array_append_new(sys,
			    json_pack("{s:s,s:s}", "name",
			        rq->w->cfg->systems[k].name, "field", field));
		}
		json_object_set_new(d, "systems", sys);
		page_render(rq, 200, "reset_action", d);
		return;
	}
	default:
		json_decref(d);
		page_denied(rq);
	}
}

void
page_reset_form(struct web_req *rq, struct sspr *s)
{
	(void)s;
	page_render(rq, 200, "reset", json_object());
}

void
page_reset(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl;
	struct form f;

	if (page_form(rq, &f) == -1)
		return;
	(void)sspr_reset_start(s, form_get(&f, "userid"), rq->client, &fl);
	form_release(&f);
	page_step(rq, &fl);
}

void
page_reset_pin(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl;
	struct form f;

	if (page_form(rq, &f) == -1)
		return;
	(void)sspr_reset_pin(s, web_cookie(rq, "__Host-flow"),
	    form_get(&f, "pin"), rq->client, rq->lang, &fl);
	form_release(&f);
	page_step(rq, &fl);
}

void
page_reset_code(struct web_req *rq, struct sspr *s)
{
	struct sspr_flow fl;
	struct form f;

	if (page_form(rq, &f) == -1)
		return;
	(void)sspr_reset_code(s, web_cookie(rq, "__Host-flow"),
	    form_get(&f, "code"), rq->client, &fl);
	form_release(&f);
	page_step(rq, &fl);
}

void
page_reset_answers(struct web_req *rq, struct sspr *s)
{
	const char *ans[POLICY_QUESTIONS];
	struct sspr_flow fl;
	struct form f;
	char n[4];
	size_t i, k = 0;

	if (page_form(rq, &f) == -1)
		return;
	for (i = 0; i < POLICY_QUESTIONS; i++) {
		snprintf(n, sizeof(n), "a%zu", i + 1);
		if ((ans[k] = form_get(&f, n)) != NULL)
			k++;
	}
	(void)sspr_reset_answers(
	    s, web_cookie(rq, "__Host-flow"), ans, k, rq->client, &fl);
	form_release(&f);
	page_step(rq, &fl);
}

void
page_reset_complete(struct web_req *rq, struct sspr *s)
{
	struct sspr_complete_req cr;
	struct sspr_result res;
	const char *act, *nw, *cf;
	char key[FORM_MAX_NAME];
	struct form f;
	size_t k, n = 0;
	int rc;

	if (page_form(rq, &f) == -1)
		return;
	memset(&cr, 0, sizeof(cr));
	cr.token = web_cookie(rq, "__Host-flow");
	act = form_get(&f, "action");
	nw = form_get(&f, "new");
	cf = form_get(&f, "confirm");
	cr.action = act != NULL && strcmp(act, "phrase") == 0 ? SSPR_ACT_PHRASE
	            : act != NULL && strcmp(act, "unlock") == 0
	                ? SSPR_ACT_UNLOCK
	                : SSPR_ACT_PASSWORD;
	if (cr.action != SSPR_ACT_UNLOCK &&
	    (nw == NULL || cf == NULL || strcmp(nw, cf) != 0)) {
		/* Nothing was used up: the flow cookie still holds the
		 * action step, so the browser's Back button retries. */
		form_release(&f);
		page_result(rq, 422, NULL,
		    "The two new passwords are not the same.", NULL);
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
		page_flow_cookie(rq, NULL);
		page_result(rq, 200, "reset", NULL, &res);
	} else if (res.status == SSPR_INVALID)
		page_result(rq, 422, NULL, res.msg, &res);
	else if (res.status == SSPR_UNAVAILABLE && res.nsystems > 0)
		/* every system was asked and none could be changed now: say
		 * so, system by system (nothing was changed) */
		page_result(
		    rq, 503, NULL, page_text(rq, "msg.unavailable"), &res);
	else
		page_denied(rq);
}
