/*
 * esm.c - the backend registry and the only code that calls through a
 * backend's vtable (see esm.h).
 *
 * Every wrapper validates and normalises its inputs first, so a backend
 * never sees a malformed user ID, an over-long secret or a CR/LF that could
 * be smuggled into a line protocol (LDAP filters, helper pipes, logs).
 *
 * The wrappers are also where faults are injected (struct esm_inject,
 * esm_inject_abort_after()): after validation, a write may be failed
 * without reaching the backend; a call that does reach the backend first
 * sleeps the injected latency; a write the backend did may kill the
 * process.
 */
#include "esm/esm.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/owner.h"
#include "compat/banned.h"

struct esm {
	const struct esm_backend *be;
	void *priv;
	esm_clock_fn now;
	void *now_arg;
	unsigned latency_ms; /* injected before every backend call */
	/* Injected write failures still to come.  A handle is used by one
	 * thread at a time (esm.h), so a plain counter is enough. */
	unsigned fail_writes;
	/* The handle and its backend's connection are one thread's at a
	 * time: every wrapper claims it (owner.h), so two threads never
	 * share a connection, whatever a caller does. */
	struct owner owner;
};

/* esm_inject_abort_after(): the limit (0 off) and the successful writes of
 * every handle of the process since it was set. */
static atomic_ulong esm_abort_limit;
static atomic_ulong esm_abort_writes;

static const struct esm_backend *const esm_backends[] = {
    &esm_embedded,
    NULL,
};

int
esm_backend_available(const char *name)
{
	size_t i;

	for (i = 0; esm_backends[i] != NULL; i++)
		if (name != NULL && strcmp(esm_backends[i]->name, name) == 0)
			return 1;
	return 0;
}

void
esm_err_set(struct esm_err *err, enum esm_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static void
esm_err_clear(struct esm_err *err)
{
	if (err != NULL) {
		err->code = ESM_E_NONE;
		err->msg[0] = '\0';
	}
}

/* Claim the handle for the calling thread (owner.h): 0, or -1 with err
 * set when another thread is using it. */
static int
esm_claim(struct esm *esm, struct esm_err *err)
{
	if (owner_enter(&esm->owner) == 0)
		return 0;
	esm_err_set(err, ESM_E_BACKEND,
	    "the connection to the ESM is in use by another thread");
	return -1;
}

static void
esm_release(struct esm *esm)
{
	owner_leave(&esm->owner);
}

/* ---------------------------------------------------------------- *
 * Fault injection (tests and benchmarks)
 * ---------------------------------------------------------------- */

void
esm_inject_abort_after(unsigned long k)
{
	atomic_store(&esm_abort_limit, 0);
	atomic_store(&esm_abort_writes, 0);
	atomic_store(&esm_abort_limit, k);
}

/* Sleep the handle's injected latency, whole even across signals. */
static void
esm_inject_latency(const struct esm *esm)
{
	struct timespec ts;

	if (esm->latency_ms == 0)
		return;
	ts.tv_sec = (time_t)(esm->latency_ms / 1000);
	ts.tv_nsec = (long)(esm->latency_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* 1 when this write is one of the handle's first fail_writes: it fails
 * with ESM_E_BACKEND "injected fault" and never reaches the backend. */
static int
esm_inject_fail(struct esm *esm, struct esm_err *err)
{
	if (esm->fail_writes == 0)
		return 0;
	esm->fail_writes--;
	esm_err_set(err, ESM_E_BACKEND, "injected fault");
	return 1;
}

/* A write returned rv: count a success; the k-th dies as by kill -9,
 * before its caller sees it. */
static enum esm_result
esm_inject_written(enum esm_result rv)
{
	unsigned long k = atomic_load(&esm_abort_limit);

	if (rv == ESM_OK && k != 0 &&
	    atomic_fetch_add(&esm_abort_writes, 1) + 1 >= k)
		raise(SIGKILL);
	return rv;
}

/* ---------------------------------------------------------------- *
 * Input validation
 * ---------------------------------------------------------------- */

static int
esm_name_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#' ||
	       c == '@' || c == '$';
}

int
esm_valid_name(const char *s)
{
	size_t i, len = strlen(s);

	if (len < 1 || len > SSPR_MAX_USERID)
		return 0;
	if (s[0] >= '0' && s[0] <= '9')
		return 0;
	for (i = 0; i < len; i++)
		if (!esm_name_char(toupper((unsigned char)s[i])))
			return 0;
	return 1;
}

int
esm_norm_name(const char *in, char out[SSPR_MAX_USERID + 1])
{
	size_t i;

	if (in == NULL || !esm_valid_name(in))
		return -1;
	for (i = 0; in[i] != '\0'; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
	return 0;
}

/* 1 if s holds a CR or LF (NUL cannot occur in a C string). */
static int
esm_has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

static int
esm_secret_ok(const char *s)
{
	size_t len = strnlen(s, SSPR_MAX_SECRET + 1);

	return len >= 1 && len <= SSPR_MAX_SECRET && !esm_has_crlf(s);
}

/* A field name: 1-8 characters like a user ID. */
static int
esm_field_name_ok(const char *s)
{
	return s != NULL && esm_valid_name(s);
}

static int
esm_field_value_ok(const char *s)
{
	return s == NULL ||
	       (strnlen(s, SSPR_MAX_FIELD_VALUE + 1) <= SSPR_MAX_FIELD_VALUE &&
	           !esm_has_crlf(s));
}

/* ---------------------------------------------------------------- *
 * Lifecycle
 * ---------------------------------------------------------------- */

enum esm_result
esm_open(const struct esm_config *cfg, struct esm **out, struct esm_err *err)
{
	const struct esm_backend *be = NULL;
	struct esm *esm;
	enum esm_result rv;
	size_t i;

	esm_err_clear(err);
	for (i = 0; esm_backends[i] != NULL; i++)
		if (cfg->backend != NULL &&
		    strcmp(esm_backends[i]->name, cfg->backend) == 0)
			be = esm_backends[i];
	if (be == NULL) {
		esm_err_set(err, ESM_E_UNSUPPORTED, "unknown ESM backend '%s'",
		    cfg->backend ? cfg->backend : "(none)");
		return ESM_TEMPFAIL;
	}
	esm = xcalloc(1, sizeof(*esm));
	esm->be = be;
	esm->owner.what = "an ESM connection";
	esm->now = cfg->now;
	esm->now_arg = cfg->now_arg;
	esm->latency_ms = cfg->inject.latency_ms;
	esm->fail_writes = cfg->inject.fail_writes;
	rv = be->open(esm, cfg, err);
	if (rv != ESM_OK) {
		free(esm);
		return rv;
	}
	*out = esm;
	return ESM_OK;
}

void
esm_close(struct esm *esm)
{
	if (esm == NULL)
		return;
	if (esm->be->close != NULL)
		esm->be->close(esm);
	free(esm);
}

const char *
esm_name(const struct esm *esm)
{
	return esm->be->name;
}

void *
esm_priv(const struct esm *esm)
{
	return esm->priv;
}

void
esm_set_priv(struct esm *esm, void *priv)
{
	esm->priv = priv;
}

time_t
esm_now(const struct esm *esm)
{
	return esm->now != NULL ? esm->now(esm->now_arg) : time(NULL);
}

static enum esm_result
esm_unsupported(const struct esm *esm, struct esm_err *err, const char *op)
{
	esm_err_set(err, ESM_E_UNSUPPORTED,
	    "the '%s' ESM backend does not support %s", esm->be->name, op);
	return ESM_TEMPFAIL;
}

/* ---------------------------------------------------------------- *
 * Verify
 * ---------------------------------------------------------------- */

static enum esm_result
esm_verify_refuse(struct esm_verify_result *out, enum esm_resp resp, int resp2,
    int esmresp, const char *msg)
{
	out->resp = resp;
	out->resp2 = resp2;
	out->esmresp = esmresp;
	strlcpy_s(out->msg, msg, sizeof(out->msg));
	return ESM_DENY;
}

/* The answer when the backend cannot verify (or check) at all. */
static enum esm_result
esm_verify_unsupported(struct esm_verify_result *out, const char *what)
{
	out->resp = ESM_RESP_INVREQ;
	out->resp2 = 18;
	out->code = ESM_E_UNSUPPORTED;
	snprintf(out->msg, sizeof(out->msg), "%s is not supported by this ESM",
	    what);
	return ESM_TEMPFAIL;
}

/* Check a new secret's bounds: 0, or -1 with out filled (ESM_DENY). */
static int
esm_verify_newsecret_ok(const char *newsecret, struct esm_verify_result *out)
{
	size_t len = strnlen(newsecret, SSPR_MAX_SECRET + 1);

	if (len < 1 || len > SSPR_MAX_SECRET) {
		esm_verify_refuse(out, ESM_RESP_LENGERR, 2, 0,
		    "new secret length must be 1-100");
		return -1;
	}
	if (esm_has_crlf(newsecret)) {
		out->newsecret = ESM_NEW_SYNTAX;
		esm_verify_refuse(out, ESM_RESP_NOTAUTH, 4, 16,
		    "IRR015I NEW PASSWORD IS NOT VALID");
		return -1;
	}
	return 0;
}

/* Report an injected write failure (esm_inject_fail()) as the
 * verify/change path reports a backend error. */
static enum esm_result
esm_verify_injected(const struct esm_err *err, struct esm_verify_result *out)
{
	out->resp = ESM_RESP_INVREQ;
	out->resp2 = 29;
	out->code = err->code;
	strlcpy_s(out->msg, err->msg, sizeof(out->msg));
	return ESM_TEMPFAIL;
}

enum esm_result
esm_verify(struct esm *esm, const char *user, const char *secret,
    const char *newsecret, const char *applid, struct esm_verify_result *out)
{
	char uid[SSPR_MAX_USERID + 1], appl[SSPR_MAX_APPLID + 1];
	struct esm_err injected;
	enum esm_result rv;
	size_t len;

	memset(out, 0, sizeof(*out));
	out->daysleft = -1;
	if (esm->be->verify == NULL ||
	    (newsecret != NULL && !(esm->be->caps & ESM_CAP_CHANGE)))
		return esm_verify_unsupported(out, "verify");
	if (esm_norm_name(user, uid) == -1)
		return esm_verify_refuse(out, ESM_RESP_USERIDERR, 8, 4,
		    "IRR012I USER PROFILE NOT FOUND");
	len = strnlen(secret, SSPR_MAX_SECRET + 1);
	if (len < 1 || len > SSPR_MAX_SECRET)
		return esm_verify_refuse(
		    out, ESM_RESP_LENGERR, 1, 0, "secret length must be 1-100");
	if (esm_has_crlf(secret))
		return esm_verify_refuse(out, ESM_RESP_NOTAUTH, 2, 8,
		    "IRR013I INVALID PASSWORD GIVEN");
	if (newsecret != NULL && esm_verify_newsecret_ok(newsecret, out) == -1)
		return ESM_DENY;
	if (applid != NULL && esm_norm_name(applid, appl) == -1)
		return esm_verify_refuse(out, ESM_RESP_INVREQ, 13, 0,
		    "APPLID must be 1-8 characters A-Z 0-9 # @ $");
	if (esm_claim(esm, &injected) == -1)
		return esm_verify_injected(&injected, out);
	if (newsecret != NULL && esm_inject_fail(esm, &injected)) {
		esm_release(esm);
		return esm_verify_injected(&injected, out);
	}
	esm_inject_latency(esm);
	rv = esm->be->verify(
	    esm, uid, secret, newsecret, applid != NULL ? appl : NULL, out);
	esm_release(esm);
	return newsecret != NULL ? esm_inject_written(rv) : rv;
}

enum esm_result
esm_check_secret(struct esm *esm, const char *user, const char *newsecret,
    struct esm_verify_result *out)
{
	char uid[SSPR_MAX_USERID + 1];
	struct esm_err busy;
	enum esm_result rv;

	memset(out, 0, sizeof(*out));
	out->daysleft = -1;
	if (esm->be->check_secret == NULL ||
	    !(esm->be->caps & ESM_CAP_CHECKSECRET))
		return esm_verify_unsupported(out, "checking a new secret");
	if (esm_norm_name(user, uid) == -1)
		return esm_verify_refuse(out, ESM_RESP_USERIDERR, 8, 4,
		    "IRR012I USER PROFILE NOT FOUND");
	if (esm_verify_newsecret_ok(newsecret, out) == -1)
		return ESM_DENY;
	if (esm_claim(esm, &busy) == -1)
		return esm_verify_injected(&busy, out);
	esm_inject_latency(esm);
	rv = esm->be->check_secret(esm, uid, newsecret, out);
	esm_release(esm);
	return rv;
}

/* ---------------------------------------------------------------- *
 * Lookup, resume
 * ---------------------------------------------------------------- */

static enum esm_result
esm_bad_user(const char *user, struct esm_err *err)
{
	esm_err_set(err, ESM_E_NOUSER,
	    "user ID must be 1-8 characters A-Z 0-9 # @ $, not starting "
	    "with a digit");
	(void)user; /* never echo untrusted input into messages */
	return ESM_DENY;
}

enum esm_result
esm_lookup(struct esm *esm, const char *user, struct esm_user *out,
    struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1];

	esm_err_clear(err);
	if (esm->be->lookup == NULL)
		return esm_unsupported(esm, err, "lookup");
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	esm_inject_latency(esm);
	rv = esm->be->lookup(esm, uid, out, err);
	esm_release(esm);
	return rv;
}

enum esm_result
esm_resume(struct esm *esm, const char *user, struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1];

	esm_err_clear(err);
	if (esm->be->resume == NULL)
		return esm_unsupported(esm, err, "resume");
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	if (esm_inject_fail(esm, err)) {
		esm_release(esm);
		return ESM_TEMPFAIL;
	}
	esm_inject_latency(esm);
	rv = esm_inject_written(esm->be->resume(esm, uid, err));
	esm_release(esm);
	return rv;
}

/* ---------------------------------------------------------------- *
 * Custom fields
 * ---------------------------------------------------------------- */

static enum esm_result
esm_bad_field(struct esm_err *err)
{
	esm_err_set(err, ESM_E_INVALID,
	    "field name must be 1-8 characters A-Z 0-9 # @ $");
	return ESM_DENY;
}

enum esm_result
esm_get_fields(struct esm *esm, const char *user, const char *const *names,
    size_t n, char **values, struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1];
	size_t i;

	esm_err_clear(err);
	if (esm->be->get_fields == NULL)
		return esm_unsupported(esm, err, "custom fields");
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	for (i = 0; i < n; i++)
		if (!esm_field_name_ok(names[i]))
			return esm_bad_field(err);
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	esm_inject_latency(esm);
	rv = esm->be->get_fields(esm, uid, names, n, values, err);
	esm_release(esm);
	return rv;
}

static int
esm_fields_ok(const struct esm_field *f, size_t n, struct esm_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!esm_field_name_ok(f[i].name)) {
			(void)esm_bad_field(err);
			return 0;
		}
		if (!esm_field_value_ok(f[i].value)) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' is longer than %d characters "
			    "or holds a line break",
			    f[i].name, SSPR_MAX_FIELD_VALUE);
			return 0;
		}
	}
	return 1;
}

enum esm_result
esm_set_fields(struct esm *esm, const char *user, const struct esm_field *set,
    size_t n, const struct esm_field *expect, size_t nexpect,
    struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1];

	esm_err_clear(err);
	if (esm->be->set_fields == NULL)
		return esm_unsupported(esm, err, "custom fields");
	if (nexpect > 0 && !(esm->be->caps & ESM_CAP_CAS))
		return esm_unsupported(esm, err, "compare-and-set");
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	if (!esm_fields_ok(set, n, err) || !esm_fields_ok(expect, nexpect, err))
		return ESM_DENY;
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	if (esm_inject_fail(esm, err)) {
		esm_release(esm);
		return ESM_TEMPFAIL;
	}
	esm_inject_latency(esm);
	rv = esm_inject_written(
	    esm->be->set_fields(esm, uid, set, n, expect, nexpect, err));
	esm_release(esm);
	return rv;
}

enum esm_result
esm_list_users(struct esm *esm, const char *field, char ***out, size_t *n,
    struct esm_err *err)
{
	char up[SSPR_MAX_FIELD_NAME + 1];
	char **list = NULL;
	size_t count = 0;
	enum esm_result rv;

	esm_err_clear(err);
	if (esm->be->list_users == NULL || !(esm->be->caps & ESM_CAP_LIST))
		return esm_unsupported(esm, err, "listing users");
	if (field != NULL && esm_norm_name(field, up) == -1)
		return esm_bad_field(err);
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	esm_inject_latency(esm);
	rv = esm->be->list_users(
	    esm, field != NULL ? up : NULL, &list, &count, err);
	esm_release(esm);
	if (rv == ESM_OK) {
		*out = list;
		*n = count;
	}
	return rv;
}

void
esm_list_free(char **list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* ---------------------------------------------------------------- *
 * Administrative reset
 * ---------------------------------------------------------------- */

enum esm_result
esm_set_secret(struct esm *esm, const char *user, const char *secret,
    unsigned flags, struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1];

	esm_err_clear(err);
	if (esm->be->set_secret == NULL)
		return esm_unsupported(esm, err, "setting a password");
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	if (!esm_secret_ok(secret)) {
		esm_err_set(err, ESM_E_INVALID,
		    "a password must be 1-8 and a phrase 9-100 characters, "
		    "without line breaks");
		return ESM_DENY;
	}
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	if (esm_inject_fail(esm, err)) {
		esm_release(esm);
		return ESM_TEMPFAIL;
	}
	esm_inject_latency(esm);
	rv = esm_inject_written(
	    esm->be->set_secret(esm, uid, secret, flags, err));
	esm_release(esm);
	return rv;
}

/* ---------------------------------------------------------------- *
 * PassTicket probe
 * ---------------------------------------------------------------- */

enum esm_result
esm_passticket_probe(struct esm *esm, const char *applid, const char *user,
    const char *ticket, struct esm_ptkt_probe *out, struct esm_err *err)
{
	enum esm_result rv;
	char uid[SSPR_MAX_USERID + 1], appl[SSPR_MAX_APPLID + 1];

	esm_err_clear(err);
	memset(out, 0, sizeof(*out));
	if (esm->be->ptkt_probe == NULL)
		return esm_unsupported(esm, err, "PassTickets");
	if (esm_norm_name(applid, appl) == -1) {
		esm_err_set(err, ESM_E_INVALID,
		    "APPLID must be 1-8 characters A-Z 0-9 # @ $");
		return ESM_DENY;
	}
	if (esm_norm_name(user, uid) == -1)
		return esm_bad_user(user, err);
	if (strlen(ticket) != 8 || esm_has_crlf(ticket)) {
		esm_err_set(err, ESM_E_TICKET, "a PassTicket is 8 characters");
		return ESM_DENY;
	}
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	esm_inject_latency(esm);
	rv = esm->be->ptkt_probe(esm, appl, uid, ticket, out, err);
	esm_release(esm);
	return rv;
}

enum esm_result
esm_field_def(struct esm *esm, const char *name, struct esm_field_def *out,
    struct esm_err *err)
{
	enum esm_result rv;
	char up[SSPR_MAX_FIELD_NAME + 1];

	esm_err_clear(err);
	if (esm->be->field_def == NULL)
		return esm_unsupported(esm, err, "custom field definitions");
	if (esm_norm_name(name, up) == -1)
		return esm_bad_field(err);
	if (esm_claim(esm, err) == -1)
		return ESM_TEMPFAIL;
	esm_inject_latency(esm);
	rv = esm->be->field_def(esm, up, out, err);
	esm_release(esm);
	return rv;
}
