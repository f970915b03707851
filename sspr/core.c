/*
 * core.c - the sspr handle: systems, keys, clock, a user's stored state,
 * failure counting and notifications (see sspr.h, sspr_int.h).
 */
#include "sspr/sspr_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "sspr/helpdesk.h"
#include "compat/banned.h"

void
sspr_derive(const struct keys *k, const char *label, unsigned char out[32])
{
	struct hmac_sha256_ctx h;

	hmac_sha256_set_key(&h, sizeof(k->flow_key), k->flow_key);
	hmac_sha256_update(&h, strlen(label), (const uint8_t *)label);
	hmac_sha256_digest(&h, 32, out);
	secure_zero(&h, sizeof(h));
}

/* ---- the retry timer ---- */

/* Measure the gauges with the timer's handle (files are read here, on
 * the timer's thread, never where sspr_gauges() is called). */
static void
sspr_gauges_measure(struct sspr *s)
{
	atomic_store(&s->gauge_mail, sspr_mail_pending(s->maint));
	atomic_store(&s->gauge_journal, sspr_journal_pending(s->maint));
	/* The health of files no request may touch for a while: a journal
	 * or outbox deleted under the process, an audit log that is writable
	 * again (its pending gap event is the probe). */
	(void)journal_check(s->maint->journal);
	if (s->maint->mail_ok)
		(void)sspr_mailer_check(&s->maint->mailer);
	(void)audit_ready(s->maint->audit);
}

static void *
sspr_maint_loop(void *arg)
{
	struct sspr *s = arg;
	int period = s->cfg->journal.retry_seconds < SSPR_GAUGE_SECONDS
	                 ? s->cfg->journal.retry_seconds
	                 : SSPR_GAUGE_SECONDS;
	struct timespec ts;
	time_t next_retry = time(NULL) + s->cfg->journal.retry_seconds;

	pthread_mutex_lock(&s->maint_mu);
	while (!s->maint_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += period;
		while (!s->maint_stop && pthread_cond_timedwait(&s->maint_cv,
		                             &s->maint_mu, &ts) != ETIMEDOUT)
			;
		if (s->maint_stop)
			break;
		pthread_mutex_unlock(&s->maint_mu);
		if (time(NULL) >= next_retry) {
			(void)sspr_recover(s->maint);
			next_retry = time(NULL) + s->cfg->journal.retry_seconds;
		}
		sspr_gauges_measure(s);
		pthread_mutex_lock(&s->maint_mu);
	}
	pthread_mutex_unlock(&s->maint_mu);
	return NULL;
}

/* The retry timer works on a handle of its own (ESM handles are not
 * shared between threads), sharing this one's mail sender and tables. */
static int
sspr_maint_start(
    struct sspr *s, const struct sspr_opts *opts, char *err, size_t errsize)
{
	struct sspr_opts o = {0};

	if (opts != NULL)
		o = *opts;
	o.no_recovery = 1;
	o.no_mail_sender = 1;
	o.sender = s->sender;
	o.limits = s->rl;
	o.hd_sessions = s->hd;
	if (sspr_open(s->cfg, s->keys, &o, &s->maint, err, errsize) == -1)
		return -1;
	pthread_mutex_init(&s->maint_mu, NULL);
	pthread_cond_init(&s->maint_cv, NULL);
	sspr_gauges_measure(s);
	if (pthread_create(&s->maint_thread, NULL, sspr_maint_loop, s) != 0) {
		errf(err, errsize, "cannot start the retry timer");
		sspr_close(s->maint);
		s->maint = NULL;
		return -1;
	}
	s->maint_running = 1;
	return 0;
}

static void
sspr_maint_stop(struct sspr *s)
{
	if (!s->maint_running)
		return;
	pthread_mutex_lock(&s->maint_mu);
	s->maint_stop = 1;
	pthread_cond_signal(&s->maint_cv);
	pthread_mutex_unlock(&s->maint_mu);
	pthread_join(s->maint_thread, NULL);
	pthread_mutex_destroy(&s->maint_mu);
	pthread_cond_destroy(&s->maint_cv);
	sspr_close(s->maint);
	s->maint = NULL;
	s->maint_running = 0;
}

int
sspr_open(const struct cfg *cfg, const struct keys *keys,
    const struct sspr_opts *opts, struct sspr **out, char *err, size_t errsize)
{
	struct sspr *s = xcalloc(1, sizeof(*s));
	struct esm_err e;
	size_t i;

	s->cfg = cfg;
	s->keys = keys;
	if (opts != NULL) {
		s->now = opts->now;
		s->now_arg = opts->now_arg;
		s->rl = opts->limits;
	}
	if (s->rl == NULL) {
		s->rl = ratelimit_new(SSPR_CLIENT_FAILS, SSPR_CLIENT_WINDOW);
		s->rl_owned = 1;
	}
	s->params.memory_kib = cfg->hash.memory_kib;
	s->params.iterations = cfg->hash.iterations;
	s->params.parallelism = cfg->hash.parallelism;
	if (secret_params_check(&s->params, err, errsize) == -1)
		goto fail;
	s->pepper.id = keys->pepper_id;
	s->pepper.key = keys->pepper;
	sspr_derive(keys, "sspr-flow-token-v1", s->flow_key);
	sspr_derive(keys, "sspr-access-code-v1", s->code_key);
	sspr_derive(keys, "sspr-question-pick-v1", s->qsel_key);
	sspr_derive(keys, "sspr-journal-v1", s->journal_key);
	if (cfg->nsystems > SSPR_MAX_SYSTEMS) {
		errf(err, errsize, "at most %d systems are supported",
		    SSPR_MAX_SYSTEMS);
		goto fail;
	}
	for (i = 0; i < cfg->nsystems; i++) {
		struct esm_config ec = {.backend = "embedded",
		    .db = cfg->systems[i].db,
		    .now = s->now,
		    .now_arg = s->now_arg,
		    .inject = {cfg->systems[i].inject.latency_ms,
		        cfg->systems[i].inject.fail_writes}};

		if (cfg->systems[i].backend != CFG_BACKEND_EMBEDDED) {
			errf(err, errsize,
			    "system %s: the ldap backend is not available in "
			    "this version",
			    cfg->systems[i].name);
			goto fail;
		}
		if (esm_open(&ec, &s->sys[i].esm, &e) != ESM_OK) {
			errf(err, errsize, "system %s: %s",
			    cfg->systems[i].name, e.msg);
			goto fail;
		}
		s->sys[i].cfg = &cfg->systems[i];
		s->nsys++;
	}
	if (cfg->mail.configured) {
		if (sspr_mailer_init(cfg, keys, &s->mailer, err, errsize) == -1)
			goto fail;
		s->mail_ok = 1;
		if (opts != NULL && opts->sender != NULL)
			s->sender = opts->sender;
		else if (opts == NULL || !opts->no_mail_sender) {
			if (mail_sender_start(s->mailer.outbox_path,
			        s->mailer.outbox_key, &s->mailer.t,
			        &s->mailer.retry, &s->sender, err,
			        errsize) == -1)
				goto fail;
			s->sender_owned = 1;
		}
	}
	if (journal_open(cfg->state_dir, &s->journal, err, errsize) == -1)
		goto fail;
	if (audit_open(cfg->state_dir, cfg->node, &s->audit, err, errsize) ==
	    -1)
		goto fail;
	s->hd = opts != NULL ? opts->hd_sessions : NULL;
	if (s->hd == NULL) {
		s->hd = sspr_hd_sessions_new();
		s->hd_owned = 1;
	}
	if (opts == NULL || !opts->no_recovery) {
		if (cfg->inject_abort_after > 0)
			esm_inject_abort_after(cfg->inject_abort_after);
		(void)sspr_recover(s);
		if (sspr_maint_start(s, opts, err, errsize) == -1)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	sspr_close(s);
	return -1;
}

void
sspr_close(struct sspr *s)
{
	size_t i;

	if (s == NULL)
		return;
	sspr_maint_stop(s);
	journal_close(s->journal);
	audit_close(s->audit);
	if (s->hd_owned)
		sspr_hd_sessions_free(s->hd);
	if (s->sender_owned)
		mail_sender_stop(s->sender);
	if (s->rl_owned)
		ratelimit_free(s->rl);
	if (s->mail_ok)
		sspr_mailer_release(&s->mailer);
	for (i = 0; i < s->nsys; i++)
		esm_close(s->sys[i].esm);
	freezero(s, sizeof(*s));
}

time_t
sspr_now(const struct sspr *s)
{
	return s->now != NULL ? s->now(s->now_arg) : time(NULL);
}

const char *
sspr_field(const struct sspr *s, enum cfg_field f)
{
	return s->cfg->reset.fields[f];
}

struct sspr_sys *
sspr_primary(struct sspr *s)
{
	return &s->sys[s->cfg->primary];
}

void
sspr_audit(struct sspr *s, const struct audit_event *ev)
{
	struct audit_event e = *ev;

	if (s->audit == NULL)
		return;
	if (e.time == 0)
		e.time = sspr_now(s);
	audit_write(s->audit, &e);
}

int
sspr_can_change(struct sspr *s, struct sspr_result *res)
{
	const char *msg = NULL;

	if (journal_check(s->journal) == -1)
		msg = "the journal file is missing: nothing was changed";
	else if (audit_ready(s->audit) == -1)
		msg = "the audit trail cannot be written: nothing was changed";
	if (msg == NULL)
		return 0;
	res->status = SSPR_UNAVAILABLE;
	res->nsystems = 0;
	strlcpy_s(res->msg, msg, sizeof(res->msg));
	return -1;
}

void
sspr_audit_gated(struct sspr *s, const struct audit_event *ev)
{
	struct audit_event e = *ev;

	if (ratelimit_audit(s->rl, e.client, sspr_now(s), &e.suppressed))
		sspr_audit(s, &e);
}

const char *
sspr_outcome(enum sspr_status st)
{
	switch (st) {
	case SSPR_OK:
		return "ok";
	case SSPR_PARTIAL:
		return "partial";
	case SSPR_UNAVAILABLE:
		return "unavailable";
	case SSPR_DENIED:
	case SSPR_FORBIDDEN:
	case SSPR_UNAUTHORIZED:
		return "denied";
	default:
		return "refused";
	}
}

void
sspr_audit_res(struct sspr *s, const char *action, const char *reason,
    const char *actor, const char *user, const char *client,
    const struct sspr_result *res, const char *op)
{
	struct audit_event ev = {.action = action,
	    .outcome = sspr_outcome(res->status),
	    .reason = reason,
	    .actor = actor,
	    .user = user,
	    .client = client,
	    .op = op != NULL && op[0] != '\0' ? op : NULL};

	sspr_audit_result(&ev, res);
	sspr_audit(s, &ev);
}

void
sspr_audit_result(struct audit_event *ev, const struct sspr_result *res)
{
	size_t i;

	for (i = 0; i < res->nsystems && i < AUDIT_MAX_SYSTEMS; i++) {
		ev->systems[i] = res->sys[i].name;
		ev->results[i] = res->sys[i].result;
	}
	ev->nsystems = i;
}

void
sspr_reset_recorded(struct sspr *s, const char *userid, time_t when)
{
	char date[32];
	struct esm_field f[2];
	struct esm_err e;

	snprintf(date, sizeof(date), "%lld", (long long)when);
	f[0].name = sspr_field(s, CFG_F_FAIL);
	f[0].value = NULL;
	f[1].name = sspr_field(s, CFG_F_RDATE);
	f[1].value = date;
	(void)esm_set_fields(sspr_primary(s)->esm, userid, f, 2, NULL, 0, &e);
}

struct sspr_sys *
sspr_sys(struct sspr *s, const char *name)
{
	size_t i;

	if (name == NULL)
		return s->nsys > 0 ? sspr_primary(s) : NULL;
	for (i = 0; i < s->nsys; i++)
		if (strcmp(s->sys[i].cfg->name, name) == 0)
			return &s->sys[i];
	return NULL;
}

int
sspr_select(struct sspr *s, const char *const *names, size_t *idx, char *err,
    size_t errsize)
{
	size_t i, j, k, len, n = 0;
	char up[SSPR_MAX_USERID + 1];

	if (names == NULL || names[0] == NULL) {
		for (i = 0; i < s->nsys; i++)
			idx[i] = i;
		return (int)s->nsys;
	}
	/* A set: every name known, none twice (in any case), so that no two
	 * targets ever share one system's connection. */
	for (j = 0; names[j] != NULL; j++) {
		len = strlen(names[j]);
		if (j == SSPR_MAX_SYSTEMS) {
			errf(err, errsize, "at most %d systems may be named",
			    SSPR_MAX_SYSTEMS);
			return -1;
		}
		for (i = 0; i < len && i < SSPR_MAX_USERID; i++)
			up[i] = (char)(names[j][i] >= 'a' && names[j][i] <= 'z'
			                   ? names[j][i] - 'a' + 'A'
			                   : names[j][i]);
		up[i] = '\0';
		for (i = 0; len <= SSPR_MAX_USERID && i < s->nsys; i++)
			if (strcmp(s->sys[i].cfg->name, up) == 0)
				break;
		if (len > SSPR_MAX_USERID || i == s->nsys) {
			errf(err, errsize, "unknown system '%.8s%s'", up,
			    len > SSPR_MAX_USERID ? "..." : "");
			return -1;
		}
		for (k = 0; k < n; k++)
			if (idx[k] == i) {
				errf(err, errsize,
				    "system '%s' is named more than once",
				    s->sys[i].cfg->name);
				return -1;
			}
		idx[n++] = i;
	}
	return (int)n;
}

void
sspr_user_wipe(struct sspr_user *u)
{
	secure_zero(u, sizeof(*u));
}

int
sspr_user_read(struct sspr *s, struct sspr_sys *sys, const char *userid,
    struct sspr_user *u, char *err, size_t errsize)
{
	static const enum cfg_field want[] = {CFG_F_PIN, CFG_F_MAIL, CFG_F_Q1,
	    CFG_F_Q2, CFG_F_Q3, CFG_F_A1, CFG_F_A2, CFG_F_A3, CFG_F_CODE,
	    CFG_F_FAIL, CFG_F_SDATE, CFG_F_RDATE};
	const char *names[ARRAY_SIZE(want)];
	char *vals[ARRAY_SIZE(want)] = {NULL};
	struct esm_user eu;
	struct esm_err e;
	enum esm_result rv;
	size_t i;
	int q;

	memset(u, 0, sizeof(*u));
	rv = esm_lookup(sys->esm, userid, &eu, &e);
	if (rv == ESM_TEMPFAIL) {
		errf(err, errsize, "%s: %s", sys->cfg->name, e.msg);
		return -1;
	}
	if (rv == ESM_DENY)
		return 1; /* not defined (or not a valid user ID) */
	u->exists = 1;
	u->revoked = eu.revoked;
	u->revoke_reason = eu.revoke_reason;
	u->special = eu.special;
	strlcpy_s(u->name, eu.name, sizeof(u->name));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		names[i] = sspr_field(s, want[i]);
	rv =
	    esm_get_fields(sys->esm, userid, names, ARRAY_SIZE(want), vals, &e);
	if (rv != ESM_OK) {
		errf(err, errsize, "%s: %s", sys->cfg->name, e.msg);
		return -1;
	}
	strlcpy_s(u->pin, vals[0] ? vals[0] : "", sizeof(u->pin));
	strlcpy_s(u->email, vals[1] ? vals[1] : "", sizeof(u->email));
	for (q = 0; q < POLICY_QUESTIONS; q++) {
		strlcpy_s(u->qid[q], vals[2 + q] ? vals[2 + q] : "",
		    sizeof(u->qid[q]));
		strlcpy_s(u->answer[q], vals[5 + q] ? vals[5 + q] : "",
		    sizeof(u->answer[q]));
	}
	u->code_set = vals[8] != NULL;
	strlcpy_s(u->code_raw, vals[8] ? vals[8] : "", sizeof(u->code_raw));
	u->fail_set = vals[9] != NULL;
	strlcpy_s(u->fail_raw, vals[9] ? vals[9] : "", sizeof(u->fail_raw));
	strlcpy_s(u->sdate, vals[10] ? vals[10] : "", sizeof(u->sdate));
	strlcpy_s(u->rdate, vals[11] ? vals[11] : "", sizeof(u->rdate));
	(void)code_field_parse(u->code_raw, &u->code);
	(void)fail_field_parse(u->fail_raw, &u->fail);
	u->enrolled = u->pin[0] != '\0' && u->email[0] != '\0' &&
	              u->answer[0][0] != '\0' && u->answer[1][0] != '\0' &&
	              u->answer[2][0] != '\0' &&
	              policy_question(u->qid[0]) != NULL &&
	              policy_question(u->qid[1]) != NULL &&
	              policy_question(u->qid[2]) != NULL;
	for (i = 0; i < ARRAY_SIZE(want); i++)
		strfreezero(vals[i]);
	return 1;
}

int
sspr_resumable(const struct sspr *s, enum esm_revoke_reason why)
{
	return why != ESM_REVOKE_COMMAND && s->cfg->reset.allow_resume;
}

int
sspr_locked(const struct sspr *s, const struct sspr_user *u)
{
	return u->fail.locked_until > (long long)sspr_now(s);
}

int
sspr_userid(const char *in, char out[SSPR_MAX_USERID + 1])
{
	return esm_norm_name(in, out);
}

struct mail_sender *
sspr_mail_sender(struct sspr *s)
{
	return s->sender;
}

struct ratelimit *
sspr_client_limits(struct sspr *s)
{
	return s->rl;
}

long
sspr_mail_pending(struct sspr *s)
{
	char err[256];

	if (!s->mail_ok || !s->mailer.have_outbox)
		return -1;
	return mail_outbox_pending(s->mailer.outbox_path, err, sizeof(err));
}

void
sspr_gauges(struct sspr *s, struct sspr_gauges *out)
{
	out->mail_pending = s->maint_running ? atomic_load(&s->gauge_mail) : -1;
	out->journal_pending =
	    s->maint_running ? atomic_load(&s->gauge_journal) : -1;
}

long
sspr_journal_pending(struct sspr *s)
{
	char err[SSPR_MAX_ERROR];
	long long oldest;
	long open;

	return journal_summary(
	           s->cfg->state_dir, &open, &oldest, err, sizeof(err)) == -1
	           ? -1
	           : open;
}

int
sspr_fail(struct sspr *s, struct sspr_sys *sys, const char *userid)
{
	const char *name = sspr_field(s, CFG_F_FAIL);
	long long now = (long long)sspr_now(s);
	long long window = (long long)s->cfg->reset.lock_minutes * 60;
	char *cur = NULL, next[CODE_FIELD_MAX];
	struct fail_field f;
	struct esm_field set, exp;
	struct esm_err e;
	enum esm_result rv;
	int i;

	for (i = 0; i < SSPR_CAS_TRIES; i++) {
		if (esm_get_fields(sys->esm, userid, &name, 1, &cur, &e) !=
		    ESM_OK)
			return -1;
		(void)fail_field_parse(cur, &f);
		/* Failures older than the lock window are forgotten. */
		if (f.count > 0 && f.first + window < now &&
		    f.locked_until <= now)
			memset(&f, 0, sizeof(f));
		if (f.count == 0)
			f.first = now;
		f.count++;
		if (f.count >= s->cfg->reset.max_failures)
			f.locked_until = now + window;
		fail_field_format(&f, next, sizeof(next));
		set.name = exp.name = name;
		set.value = next;
		exp.value = cur;
		rv = esm_set_fields(sys->esm, userid, &set, 1, &exp, 1, &e);
		free(cur);
		cur = NULL;
		if (rv == ESM_OK)
			return 0;
		if (rv == ESM_TEMPFAIL || e.code != ESM_E_CONFLICT)
			return -1;
	}
	return -1;
}

void
sspr_when(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

void
sspr_list_add(char *out, size_t size, const char *sep, const char *fmt, ...)
{
	size_t off = strlen(out);
	va_list ap;

	if (off + 1 >= size)
		return;
	if (off > 0) {
		(void)strlcpy_s(out + off, sep, size - off);
		off = strlen(out);
		if (off + 1 >= size)
			return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(out + off, size - off, fmt, ap);
	va_end(ap);
}

int
sspr_notify(struct sspr *s, const char *tmpl, const char *lang,
    const char *rcpt, const char *name, const struct mail_var *vars, size_t n,
    time_t not_after, char *err, size_t errsize)
{
	int rc;

	if (!s->mail_ok) {
		errf(err, errsize, "mail is not configured");
		return -1;
	}
	rc = sspr_mail_enqueue(&s->mailer, tmpl, lang ? lang : "en", rcpt, name,
	    vars, n, sspr_now(s), not_after, NULL, err, errsize);
	if (rc == 0 && s->sender != NULL)
		mail_sender_wake(s->sender);
	return rc;
}

void
sspr_parallel(void **arg, size_t n, void *(*fn)(void *))
{
	pthread_t th[SSPR_MAX_SYSTEMS];
	int started[SSPR_MAX_SYSTEMS] = {0};
	size_t i;

	if (n > SSPR_MAX_SYSTEMS)
		fatalx(
		    "BUG: %zu parallel jobs, at most %d", n, SSPR_MAX_SYSTEMS);
	if (n == 1) {
		fn(arg[0]);
		return;
	}
	for (i = 0; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, fn, arg[i]) == 0;
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(arg[i]); /* no thread to spare: do it here */
	}
}
