/*
 * api.c - the JSON API of INTERFACES.md §3: each handler parses the body
 * strictly into the request of one sspr_*() call and translates its
 * answer.  Unknown members, wrong types and duplicate keys are 400s naming
 * the member; every refusal of a reset step is the same 403.  Secrets in
 * request bodies are wiped with the JSON tree (jsonx hooks) and the body.
 * RFC 8259.
 */
#include "web/web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "sspr/policy.h"
#include "compat/banned.h"

#define API_DENIED_MSG                                                         \
	"The information you entered does not match our records, or "          \
	"self-service is not available for this user ID. Start again or call " \
	"your helpdesk."

void
api_reply(struct web_req *rq, int status, json_t *o)
{
	char *txt = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	rq->status = txt != NULL ? status : 500;
	rq->resp = xstrdup(txt != NULL ? txt : "{}");
	json_wipe_free(txt);
	json_decref(o);
}

json_t *
api_body(
    struct web_req *rq, const char *const *keys, size_t nkeys, int empty_ok)
{
	json_error_t jerr;
	const char *k;
	json_t *o, *v;
	char msg[256];
	size_t i;

	if (empty_ok && rq->len == 0)
		return json_object();
	o = jsonx_loadb(rq->body != NULL ? rq->body : "", rq->len, 0, &jerr);
	if (o == NULL && json_error_code(&jerr) == json_error_duplicate_key) {
		web_error(rq, 400, "bad-request", jerr.text);
		return NULL;
	}
	if (o == NULL || !json_is_object(o)) {
		snprintf(msg, sizeof(msg), "the body must be one JSON object%s",
		    o == NULL ? " (it is not valid JSON)" : "");
		web_error(rq, 400, "bad-request", msg);
		json_decref(o);
		return NULL;
	}
	json_object_foreach(o, k, v)
	{
		for (i = 0; i < nkeys; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (i == nkeys) {
			char q[40];

			snprintf(msg, sizeof(msg), "unknown member '%s'",
			    text_quote(q, sizeof(q), k, TEXT_QUOTE_MAX));
			text_oneline(msg);
			web_error(rq, 400, "bad-request", msg);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

const char *
api_str(struct web_req *rq, json_t *o, const char *key, int required, int *bad)
{
	json_t *v = json_object_get(o, key);
	char msg[128];

	if (v == NULL && !required)
		return NULL;
	if (v == NULL || !json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, sizeof(msg), "'%s' must be a string", key);
		web_error(rq, 400, "bad-request", msg);
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

json_t *
api_strings(
    struct web_req *rq, const char *const *keys, size_t n, const char **val)
{
	json_t *o = api_body(rq, keys, n, 0);
	size_t i;
	int bad = 0;

	for (i = 0; o != NULL && i < n; i++)
		if ((val[i] = api_str(rq, o, keys[i], 1, &bad)) == NULL) {
			json_decref(o);
			return NULL;
		}
	return o;
}

void
api_status(struct web_req *rq, enum sspr_status st, const char *msg)
{
	switch (st) {
	case SSPR_OK:
	case SSPR_PARTIAL: /* answered with the result per system */
		break;
	case SSPR_UNAUTHORIZED:
		web_unauthorized(rq);
		break;
	case SSPR_FORBIDDEN:
		web_error(rq, 403, "forbidden",
		    msg[0] ? msg : "not allowed on this user ID");
		break;
	case SSPR_NOT_FOUND:
		web_error(rq, 404, "not-found",
		    msg[0] ? msg : "no system defines this user ID");
		break;
	case SSPR_DENIED:
		web_error(rq, 403, "denied", API_DENIED_MSG);
		break;
	case SSPR_EXPIRED:
		web_error(rq, 409, "password-expired",
		    msg[0] ? msg : "the password has expired");
		break;
	case SSPR_INVALID:
		web_error(rq, 422, "invalid", msg[0] ? msg : "not accepted");
		break;
	case SSPR_UNAVAILABLE:
		rq->retry_after = "30";
		web_error(rq, 503, "unavailable",
		    "the service cannot answer now; try again later");
		break;
	}
}

static json_t *
api_questions_json(const char *const *ids, size_t n, const char *lang)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct policy_question *q = policy_question(ids[i]);

		if (q != NULL)
			json_array_append_new(
			    a, json_pack("{s:s,s:s}", "id", q->id, "text",
			           policy_question_text(q, lang)));
	}
	return a;
}

void
api_questions(struct web_req *rq, struct sspr *s)
{
	const struct policy_question *qs;
	const char *ids[64];
	size_t n, i;

	(void)s;
	qs = policy_questions(&n);
	for (i = 0; i < n && i < ARRAY_SIZE(ids); i++)
		ids[i] = qs[i].id;
	api_reply(rq, 200,
	    json_pack(
	        "{s:o}", "questions", api_questions_json(ids, i, rq->lang)));
}

/* The answer of a flow step. */
static void
api_flow(struct web_req *rq, const struct sspr_flow *fl)
{
	static const char *const steps[] = {
	    "", "pin", "code", "questions", "action", "done"};
	json_t *o;

	if (fl->status != SSPR_OK) {
		api_status(rq, fl->status, fl->msg);
		return;
	}
	o = json_pack("{s:s,s:s,s:I}", "flow", fl->token, "step",
	    steps[fl->step], "expires_in", (json_int_t)fl->expires_in);
	if (fl->step == SSPR_STEP_CODE)
		json_object_set_new(o, "code",
		    json_string(
		        fl->code_kind == CFG_CODE_FIXED ? "fixed" : "email"));
	if (fl->step == SSPR_STEP_ANSWERS) {
		const char *ids[POLICY_QUESTIONS];
		int i;

		for (i = 0; i < fl->nquestions; i++)
			ids[i] = fl->qid[i];
		json_object_set_new(o, "questions",
		    api_questions_json(ids, (size_t)fl->nquestions, rq->lang));
	}
	if (fl->step == SSPR_STEP_ACTION) {
		static const char *const acts[] = {
		    "password", "phrase", "unlock"};
		json_t *a = json_array(), *sys = json_array();
		size_t i;

		for (i = 0; i < ARRAY_SIZE(acts); i++)
			if (fl->actions & (1u << i))
				json_array_append_new(a, json_string(acts[i]));
		for (i = 0; i < rq->w->cfg->nsystems; i++)
			json_array_append_new(
			    sys, json_string(rq->w->cfg->systems[i].name));
		json_object_set_new(o, "actions", a);
		json_object_set_new(o, "systems", sys);
	}
	api_reply(rq, 200, o);
}

void
api_reset(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"userid"};
	const char *v[ARRAY_SIZE(keys)];
	struct sspr_flow fl;
	json_t *o;

	if ((o = api_strings(rq, keys, ARRAY_SIZE(keys), v)) == NULL)
		return;
	(void)sspr_reset_start(s, v[0], rq->client, &fl);
	api_flow(rq, &fl);
	json_decref(o);
}

void
api_reset_pin(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"flow", "pin"};
	const char *v[ARRAY_SIZE(keys)];
	struct sspr_flow fl;
	json_t *o;

	if ((o = api_strings(rq, keys, ARRAY_SIZE(keys), v)) == NULL)
		return;
	(void)sspr_reset_pin(s, v[0], v[1], rq->client, rq->lang, &fl);
	api_flow(rq, &fl);
	json_decref(o);
}

void
api_reset_code(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"flow", "code"};
	const char *v[ARRAY_SIZE(keys)];
	struct sspr_flow fl;
	json_t *o;

	if ((o = api_strings(rq, keys, ARRAY_SIZE(keys), v)) == NULL)
		return;
	(void)sspr_reset_code(s, v[0], v[1], rq->client, &fl);
	api_flow(rq, &fl);
	json_decref(o);
}

void
api_reset_answers(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"flow", "answers"};
	const char *flow, *ans[POLICY_QUESTIONS];
	struct sspr_flow fl;
	json_t *o, *a;
	size_t i, n;
	int bad = 0;

	if ((o = api_body(rq, keys, ARRAY_SIZE(keys), 0)) == NULL)
		return;
	flow = api_str(rq, o, "flow", 1, &bad);
	a = json_object_get(o, "answers");
	if (!bad && (!json_is_array(a) || json_array_size(a) == 0 ||
	                json_array_size(a) > POLICY_QUESTIONS)) {
		web_error(rq, 400, "bad-request",
		    "'answers' must be an array of 1 to 3 strings");
		bad = 1;
	}
	n = bad ? 0 : json_array_size(a);
	for (i = 0; i < n && !bad; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_string(v)) {
			web_error(rq, 400, "bad-request",
			    "'answers' must be an array of strings");
			bad = 1;
		} else
			ans[i] = json_string_value(v);
	}
	if (!bad) {
		(void)sspr_reset_answers(s, flow, ans, n, rq->client, &fl);
		api_flow(rq, &fl);
	}
	json_decref(o);
}

int
api_names(struct web_req *rq, json_t *o, const char *key,
    const char *names[SSPR_MAX_SYSTEMS])
{
	json_t *a = json_object_get(o, key);
	char msg[128];
	size_t i;

	names[0] = NULL;
	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) >= SSPR_MAX_SYSTEMS)
		goto bad;
	for (i = 0; i < json_array_size(a); i++) {
		const struct cfg *cfg = rq->w->cfg;
		char q[TEXT_QUOTE_MAX + 8];
		size_t k;

		if (!json_is_string(json_array_get(a, i)))
			goto bad;
		names[i] = json_string_value(json_array_get(a, i));
		/* A set of configured systems: an unknown name, or a name
		 * twice in any case, is refused naming the member. */
		for (k = 0; k < cfg->nsystems; k++)
			if (strcasecmp(cfg->systems[k].name, names[i]) == 0)
				break;
		if (k == cfg->nsystems) {
			snprintf(msg, sizeof(msg),
			    "'%s' names '%s', which is not a configured "
			    "system",
			    key, text_quote(q, sizeof(q), names[i], 8));
			web_error(rq, 400, "bad-request", msg);
			return -1;
		}
		for (k = 0; k < i; k++)
			if (strcasecmp(names[k], names[i]) == 0) {
				snprintf(msg, sizeof(msg),
				    "'%s' names '%s' more than once", key,
				    text_quote(q, sizeof(q), names[i], 8));
				web_error(rq, 400, "bad-request", msg);
				return -1;
			}
	}
	names[i] = NULL;
	return 0;
bad:
	snprintf(
	    msg, sizeof(msg), "'%s' must be an array of system names", key);
	web_error(rq, 400, "bad-request", msg);
	return -1;
}

static json_t *
api_systems_json(const struct sspr_result *res)
{
	json_t *sys = json_object();
	size_t i;

	for (i = 0; i < res->nsystems; i++)
		json_object_set_new(
		    sys, res->sys[i].name, json_string(res->sys[i].result));
	return sys;
}

void
api_done(struct web_req *rq, const struct sspr_result *res)
{
	json_t *o = json_pack("{s:o}", "systems", api_systems_json(res));

	if (res->status == SSPR_PARTIAL)
		json_object_set_new(o, "status", json_string("partial"));
	api_reply(rq, 200, o);
}

void
api_invalid(struct web_req *rq, const char *msg, const struct sspr_result *res)
{
	api_reply(rq, 422,
	    json_pack("{s:{s:s,s:s},s:o}", "error", "code", "invalid",
	        "message", msg, "systems", api_systems_json(res)));
}

/*
 * The answer of an operation on several systems: 200 with the result per
 * system when it was done everywhere, and also when it was done on some
 * (SSPR_PARTIAL: "status": "partial", and each other system says
 * "pending", retried from the journal, or why it was not changed); 422
 * with the reason and the result per system when a system refused it;
 * the error of the status otherwise.
 */
static void
api_result(struct web_req *rq, const struct sspr_result *res, int ok)
{
	if (ok || res->status == SSPR_OK || res->status == SSPR_PARTIAL)
		api_done(rq, res);
	else if (res->status == SSPR_INVALID && res->nsystems > 0)
		api_invalid(rq, res->msg, res);
	else
		api_status(rq, res->status, res->msg);
}

void
api_reset_complete(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"flow", "action", "new", "systems"};
	struct sspr_complete_req cr;
	struct sspr_result res;
	const char *act;
	json_t *o;
	int bad = 0, rc;

	memset(&cr, 0, sizeof(cr));
	if ((o = api_body(rq, keys, ARRAY_SIZE(keys), 0)) == NULL)
		return;
	cr.token = api_str(rq, o, "flow", 1, &bad);
	act = bad ? NULL : api_str(rq, o, "action", 1, &bad);
	cr.new_secret = bad ? NULL : api_str(rq, o, "new", 0, &bad);
	if (!bad && api_names(rq, o, "systems", cr.systems) == -1)
		bad = 1;
	if (!bad) {
		if (strcmp(act, "password") == 0)
			cr.action = SSPR_ACT_PASSWORD;
		else if (strcmp(act, "phrase") == 0)
			cr.action = SSPR_ACT_PHRASE;
		else if (strcmp(act, "unlock") == 0)
			cr.action = SSPR_ACT_UNLOCK;
		else {
			web_error(rq, 400, "bad-request",
			    "'action' must be password, phrase or unlock");
			bad = 1;
		}
	}
	if (!bad) {
		cr.client = rq->client;
		cr.lang = rq->lang;
		rc = sspr_reset_complete(s, &cr, &res);
		atomic_fetch_add(
		    rc == 0 ? &rq->w->resets_ok : &rq->w->resets_denied, 1);
		api_result(rq, &res, rc == 0);
	}
	json_decref(o);
}

void
api_enroll(struct web_req *rq, struct sspr *s)
{
	static const char *const keys[] = {"userid", "password", "new_password",
	    "email", "pin", "questions", "systems"};
	struct sspr_enroll_req er;
	struct sspr_result res;
	json_t *o, *qs;
	size_t i, k;
	int bad = 0, rc;

	memset(&er, 0, sizeof(er));
	if ((o = api_body(rq, keys, ARRAY_SIZE(keys), 0)) == NULL)
		return;
	er.userid = api_str(rq, o, "userid", 1, &bad);
	er.password = bad ? NULL : api_str(rq, o, "password", 1, &bad);
	er.new_password = bad ? NULL : api_str(rq, o, "new_password", 0, &bad);
	er.email = bad ? NULL : api_str(rq, o, "email", 1, &bad);
	er.pin = bad ? NULL : api_str(rq, o, "pin", 1, &bad);
	qs = json_object_get(o, "questions");
	if (!bad &&
	    (!json_is_array(qs) || json_array_size(qs) != POLICY_QUESTIONS)) {
		web_error(rq, 400, "bad-request",
		    "'questions' must be an array of three "
		    "{\"question\", \"answer\"} objects");
		bad = 1;
	}
	for (i = 0; !bad && i < POLICY_QUESTIONS; i++) {
		json_t *q = json_array_get(qs, i);
		json_t *qq = json_object_get(q, "question");
		json_t *qa = json_object_get(q, "answer");

		if (!json_is_object(q) || json_object_size(q) != 2 ||
		    !json_is_string(qq) || !json_is_string(qa)) {
			web_error(rq, 400, "bad-request",
			    "'questions' must be an array of three "
			    "{\"question\", \"answer\"} objects");
			bad = 1;
			break;
		}
		er.qid[i] = json_string_value(qq);
		er.answer[i] = json_string_value(qa);
		/* The three questions are a set of the catalogue's. */
		if (policy_question(er.qid[i]) == NULL) {
			web_error(rq, 400, "bad-request",
			    "'questions' names a question that is not in the "
			    "catalogue (GET /api/v1/questions)");
			bad = 1;
			break;
		}
		for (k = 0; k < i; k++)
			if (strcasecmp(er.qid[k], er.qid[i]) == 0) {
				web_error(rq, 400, "bad-request",
				    "'questions' names one question more than "
				    "once");
				bad = 1;
				break;
			}
	}
	if (!bad && api_names(rq, o, "systems", er.systems) == -1)
		bad = 1;
	if (!bad) {
		er.lang = rq->lang;
		er.client = rq->client;
		rc = sspr_enroll(s, &er, &res);
		atomic_fetch_add(
		    rc == 0 ? &rq->w->enrolls_ok : &rq->w->enrolls_failed, 1);
		api_result(rq, &res, rc == 0);
	}
	json_decref(o);
}
