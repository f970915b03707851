/*
 * esm_embedded.c - the embedded, RACF-faithful ESM as an ESM backend.
 *
 * A thin vtable over racf.h: each operation opens its own transaction on
 * the SQLite database named by the configuration.  Several processes (and
 * several sspr nodes on one file) may use the same database at once.
 */
#include "esm/esm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esm/racf.h"
#include "esm/racf_db.h"
#include "esm/racf_mkey.h"
#include "esm/racf_ptkt.h"
#include "compat/banned.h"

#define EMBEDDED_PATH_MAX 4096

/* The backend's state: the open ESM and the master key path it borrows. */
struct embedded {
	struct racf r;
	char mkey[EMBEDDED_PATH_MAX];
};

static struct racf *
embedded_racf(struct esm *esm)
{
	struct embedded *e = esm_priv(esm);

	return &e->r;
}

static enum esm_result
embedded_open(
    struct esm *esm, const struct esm_config *cfg, struct esm_err *err)
{
	struct embedded *e;
	char msg[SSPR_MAX_ERROR];

	if (cfg->db == NULL) {
		esm_err_set(err, ESM_E_INVALID,
		    "the embedded ESM needs a database file");
		return ESM_TEMPFAIL;
	}
	e = xcalloc(1, sizeof(*e));
	if (cfg->master_key != NULL)
		strlcpy_s(e->mkey, cfg->master_key, sizeof(e->mkey));
	else
		racf_mkey_default_path(cfg->db, e->mkey, sizeof(e->mkey));
	if (racf_db_open(cfg->db, cfg->create, &e->r.db, msg, sizeof(msg)) ==
	    -1) {
		esm_err_set(err, ESM_E_BACKEND, "%s", msg);
		free(e);
		return ESM_TEMPFAIL;
	}
	e->r.mkey_path = e->mkey;
	e->r.now = cfg->now;
	e->r.now_arg = cfg->now_arg;
	esm_set_priv(esm, e);
	return ESM_OK;
}

static void
embedded_close(struct esm *esm)
{
	struct embedded *e = esm_priv(esm);

	if (e == NULL)
		return;
	racf_db_close(e->r.db);
	free(e);
}

static enum esm_result
embedded_verify(struct esm *esm, const char *user, const char *secret,
    const char *newsecret, const char *applid, struct esm_verify_result *out)
{
	return racf_verify(
	    embedded_racf(esm), user, secret, newsecret, applid, out);
}

static enum esm_result
embedded_check_secret(struct esm *esm, const char *user, const char *newsecret,
    struct esm_verify_result *out)
{
	return racf_check_secret(embedded_racf(esm), user, newsecret, out);
}

static enum esm_result
embedded_dberr(struct racf *r, struct esm_err *err)
{
	esm_err_set(
	    err, ESM_E_BACKEND, "ESM database error: %s", racf_db_error(r->db));
	racf_db_rollback(r->db);
	return ESM_TEMPFAIL;
}

static enum esm_result
embedded_nouser(struct racf *r, const char *user, struct esm_err *err)
{
	racf_db_rollback(r->db);
	esm_err_set(err, ESM_E_NOUSER, "user '%s' is not defined", user);
	return ESM_DENY;
}

static enum esm_result
embedded_lookup(struct esm *esm, const char *user, struct esm_user *out,
    struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_setropts opts;
	struct racf_user_rec u;
	int found;

	if (racf_db_begin_read(r->db) == -1 ||
	    racf_db_setropts_get(r->db, &opts) == -1)
		return embedded_dberr(r, err);
	found = racf_db_user_get(r->db, user, &u);
	if (found == -1)
		return embedded_dberr(r, err);
	if (found == 0)
		return embedded_nouser(r, user, err);
	if (racf_user_describe(r, &u, &opts, out) == -1)
		return embedded_dberr(r, err);
	racf_db_rollback(r->db);
	secure_zero(&u, sizeof(u));
	return ESM_OK;
}

static enum esm_result
embedded_resume(struct esm *esm, const char *user, struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_user_rec u;
	int found;

	if (racf_db_begin(r->db) == -1)
		return embedded_dberr(r, err);
	found = racf_db_user_get(r->db, user, &u);
	if (found == -1)
		return embedded_dberr(r, err);
	if (found == 0)
		return embedded_nouser(r, user, err);
	racf_user_resume(&u);
	if (racf_db_user_update(r->db, &u) != 1 || racf_db_commit(r->db) == -1)
		return embedded_dberr(r, err);
	return ESM_OK;
}

/* The definition of a field, or ESM_DENY/TEMPFAIL. */
static enum esm_result
embedded_cfdef(struct racf *r, const char *name, struct racf_cfdef *def,
    struct esm_err *err)
{
	int found = racf_db_cfdef_get(r->db, name, def);

	if (found == -1)
		return embedded_dberr(r, err);
	if (found == 0) {
		racf_db_rollback(r->db);
		esm_err_set(err, ESM_E_NOFIELD,
		    "custom field '%s' is not defined (RDEFINE CFIELD "
		    "USER.CSDATA.%s)",
		    name, name);
		return ESM_DENY;
	}
	return ESM_OK;
}

static enum esm_result
embedded_get_fields(struct esm *esm, const char *user, const char *const *names,
    size_t n, char **values, struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_user_rec u;
	struct racf_cfdef def;
	enum esm_result rv;
	char **got = xcalloc(n, sizeof(*got));
	size_t i;
	int found;

	if (racf_db_begin_read(r->db) == -1) {
		rv = embedded_dberr(r, err);
		goto out;
	}
	found = racf_db_user_get(r->db, user, &u);
	if (found != 1) {
		rv = found == 0 ? embedded_nouser(r, user, err)
		                : embedded_dberr(r, err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char upper[SSPR_MAX_FIELD_NAME + 1];
		size_t k;

		for (k = 0; names[i][k] != '\0'; k++)
			upper[k] =
			    (char)(names[i][k] >= 'a' && names[i][k] <= 'z'
			               ? names[i][k] - 'a' + 'A'
			               : names[i][k]);
		upper[k] = '\0';
		if ((rv = embedded_cfdef(r, upper, &def, err)) != ESM_OK)
			goto out;
		if (racf_db_csdata_get(r->db, user, upper, &got[i]) == -1) {
			rv = embedded_dberr(r, err);
			goto out;
		}
	}
	racf_db_rollback(r->db);
	memcpy(values, got, n * sizeof(*got));
	memset(got, 0, n * sizeof(*got));
	rv = ESM_OK;
out:
	for (i = 0; i < n; i++)
		strfreezero(got[i]);
	free(got);
	return rv;
}

/* Normalise one field name in place to upper case. */
static void
embedded_upper(char *dst, const char *src)
{
	size_t k;

	for (k = 0; src[k] != '\0' && k < SSPR_MAX_FIELD_NAME; k++)
		dst[k] =
		    (char)(src[k] >= 'a' && src[k] <= 'z' ? src[k] - 'a' + 'A'
		                                          : src[k]);
	dst[k] = '\0';
}

static enum esm_result
embedded_set_fields(struct esm *esm, const char *user,
    const struct esm_field *set, size_t n, const struct esm_field *expect,
    size_t nexpect, struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	char name[SSPR_MAX_FIELD_NAME + 1];
	struct racf_user_rec u;
	struct racf_cfdef def;
	enum esm_result rv;
	char *cur, *want;
	size_t i;
	int found, same;

	if (racf_db_begin(r->db) == -1)
		return embedded_dberr(r, err);
	found = racf_db_user_get(r->db, user, &u);
	if (found != 1)
		return found == 0 ? embedded_nouser(r, user, err)
		                  : embedded_dberr(r, err);
	for (i = 0; i < nexpect; i++) {
		embedded_upper(name, expect[i].name);
		if ((rv = embedded_cfdef(r, name, &def, err)) != ESM_OK)
			return rv;
		cur = NULL;
		if (racf_db_csdata_get(r->db, user, name, &cur) == -1)
			return embedded_dberr(r, err);
		want = expect[i].value
		           ? racf_user_field_value(&def, expect[i].value, NULL)
		           : NULL;
		same = (cur == NULL && expect[i].value == NULL) ||
		       (cur != NULL && want != NULL &&
		           strlen(cur) == strlen(want) &&
		           ct_equal(cur, want, strlen(cur)));
		strfreezero(cur);
		strfreezero(want);
		if (!same) {
			racf_db_rollback(r->db);
			esm_err_set(err, ESM_E_CONFLICT,
			    "field '%s' no longer holds the expected value",
			    name);
			return ESM_DENY;
		}
	}
	for (i = 0; i < n; i++) {
		embedded_upper(name, set[i].name);
		if ((rv = embedded_cfdef(r, name, &def, err)) != ESM_OK)
			return rv;
		want = NULL;
		if (set[i].value != NULL) {
			want = racf_user_field_value(&def, set[i].value, err);
			if (want == NULL) {
				racf_db_rollback(r->db);
				return ESM_DENY;
			}
		}
		found = racf_db_csdata_put(r->db, user, name, want);
		strfreezero(want);
		if (found == -1)
			return embedded_dberr(r, err);
	}
	/* Bump the profile's version: a field change is a profile change. */
	if (racf_db_user_update(r->db, &u) != 1 || racf_db_commit(r->db) == -1)
		return embedded_dberr(r, err);
	return ESM_OK;
}

static enum esm_result
embedded_set_secret(struct esm *esm, const char *user, const char *secret,
    unsigned flags, struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_setropts opts;
	struct racf_user_rec u;
	enum esm_result rv;
	int found;

	if (racf_db_begin(r->db) == -1)
		return embedded_dberr(r, err);
	if (racf_db_setropts_get(r->db, &opts) == -1)
		return embedded_dberr(r, err);
	found = racf_db_user_get(r->db, user, &u);
	if (found != 1)
		return found == 0 ? embedded_nouser(r, user, err)
		                  : embedded_dberr(r, err);
	rv = racf_user_set_secret(r, &u, &opts, secret, flags, err);
	if (rv != ESM_OK) {
		racf_db_rollback(r->db);
		secure_zero(&u, sizeof(u));
		return rv;
	}
	if (racf_db_user_update(r->db, &u) != 1 || racf_db_commit(r->db) == -1)
		rv = embedded_dberr(r, err);
	secure_zero(&u, sizeof(u));
	return rv;
}

static enum esm_result
embedded_field_def(struct esm *esm, const char *name, struct esm_field_def *out,
    struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_cfdef d;
	enum esm_result rv;

	if (racf_db_begin_read(r->db) == -1)
		return embedded_dberr(r, err);
	if ((rv = embedded_cfdef(r, name, &d, err)) != ESM_OK)
		return rv;
	racf_db_rollback(r->db);
	out->maxlength = d.maxlength;
	out->mixed = d.mixed;
	out->type = (int)d.type;
	return ESM_OK;
}

/* Users with field set (NULL: all), in one read transaction that also
 * checks that the field is defined: a misspelt field is ESM_E_NOFIELD,
 * never an empty list. */
static enum esm_result
embedded_list_users(struct esm *esm, const char *field, char ***out, size_t *n,
    struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_cfdef def;
	enum esm_result rv;

	if (racf_db_begin_read(r->db) == -1)
		return embedded_dberr(r, err);
	if (field != NULL &&
	    (rv = embedded_cfdef(r, field, &def, err)) != ESM_OK)
		return rv;
	if (racf_db_user_list(r->db, field, out, n) == -1)
		return embedded_dberr(r, err);
	racf_db_rollback(r->db);
	return ESM_OK;
}

/* "No profile" naming the profiles there are: an APPLID mismatch between
 * sspr's configuration and the ESM shows at once. */
static void
embedded_noprofile(struct racf *r, const char *applid, struct esm_err *err)
{
	char names[8][SSPR_MAX_APPLID + 1], have[8 * 10 + 8] = "";
	int i, n;

	n = racf_db_ptkt_names(r->db, names, 8);
	for (i = 0; i < n; i++) {
		size_t len = strlen(have);

		snprintf(have + len, sizeof(have) - len, "%s%s", i ? " " : "",
		    names[i]);
	}
	esm_err_set(err, ESM_E_NOPROFILE,
	    "the ESM has no PTKTDATA profile for APPLID %s (%s%s); check the "
	    "system's applid in the configuration, or define the profile with "
	    "RDEFINE PTKTDATA %s SSIGNON(KEYMASKED(...))",
	    applid, n > 0 ? "it has: " : "it has none", n > 0 ? have : "",
	    applid);
}

static enum esm_result
embedded_ptkt_probe(struct esm *esm, const char *applid, const char *user,
    const char *ticket, struct esm_ptkt_probe *out, struct esm_err *err)
{
	struct racf *r = embedded_racf(esm);
	struct racf_ptkt_eval ev;
	enum racf_ptkt_status st;
	char msg[SSPR_MAX_ERROR];
	time_t now = racf_now(r);

	if (racf_db_begin_read(r->db) == -1)
		return embedded_dberr(r, err);
	st = racf_ptkt_evaluate(
	    r, applid, user, ticket, now, &ev, msg, sizeof(msg));
	racf_db_rollback(r->db);
	out->esm_now = now;
	switch (st) {
	case RACF_PTKT_NOPROFILE:
		embedded_noprofile(r, applid, err);
		return ESM_DENY;
	case RACF_PTKT_MASTERKEY:
		esm_err_set(err, ESM_E_MASTERKEY, "%s", msg);
		return ESM_TEMPFAIL;
	case RACF_PTKT_ERROR:
		esm_err_set(err, ESM_E_BACKEND, "%s", msg);
		return ESM_TEMPFAIL;
	case RACF_PTKT_VALID:
	case RACF_PTKT_INVALID:
		break;
	}
	out->enhanced = ev.kind == PTKT_ENHANCED;
	out->mixed = ev.type == PTKT_MIXED;
	out->window = ev.window;
	out->replay_allowed = ev.replay_allowed;
	out->when = (long long)ev.when;
	strlcpy_s(out->fingerprint, ev.fingerprint, sizeof(out->fingerprint));
	if (st == RACF_PTKT_VALID)
		return ESM_OK;
	strlcpy_s(
	    out->detail, passticket_result_str(ev.result), sizeof(out->detail));
	esm_err_set(err, ESM_E_TICKET, "PassTicket refused: %s", out->detail);
	return ESM_DENY;
}

const struct esm_backend esm_embedded = {
    .name = "embedded",
    .caps = ESM_CAP_VERIFY | ESM_CAP_CHANGE | ESM_CAP_LOOKUP | ESM_CAP_RESUME |
            ESM_CAP_FIELDS | ESM_CAP_CAS | ESM_CAP_SETSECRET |
            ESM_CAP_PASSTICKET | ESM_CAP_CHECKSECRET | ESM_CAP_LIST,
    .open = embedded_open,
    .close = embedded_close,
    .verify = embedded_verify,
    .lookup = embedded_lookup,
    .resume = embedded_resume,
    .get_fields = embedded_get_fields,
    .set_fields = embedded_set_fields,
    .set_secret = embedded_set_secret,
    .ptkt_probe = embedded_ptkt_probe,
    .field_def = embedded_field_def,
    .check_secret = embedded_check_secret,
    .list_users = embedded_list_users,
};
