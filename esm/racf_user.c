/*
 * racf_user.c - changes to a user profile made by an administrator (see
 * racf.h): ALTUSER PASSWORD/PHRASE with RACF's EXPIRED/NOEXPIRED rules,
 * RESUME and REVOKE, and custom field values checked against CFDEF.
 */
#include "esm/racf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "esm/racf_rules.h"
#include "esm/racf_secret.h"
#include "compat/banned.h"

time_t
racf_now(const struct racf *r)
{
	return r->now != NULL ? r->now(r->now_arg) : time(NULL);
}

time_t
racf_day(time_t t)
{
	return t - t % RACF_DAY;
}

int
racf_cred_expired(
    const struct racf_cred *c, const struct racf_setropts *o, time_t now)
{
	if (c->expired)
		return 1;
	return o->interval > 0 &&
	       racf_day(c->changed) + (time_t)o->interval * RACF_DAY <= now;
}

enum esm_result
racf_user_set_secret(struct racf *r, struct racf_user_rec *u,
    const struct racf_setropts *opts, const char *secret, unsigned flags,
    struct esm_err *err)
{
	char buf[SSPR_MAX_SECRET + 1];
	size_t len = strlen(secret);
	int phrase = len > SSPR_MAX_PASSWORD;
	struct racf_cred *cred = phrase ? &u->ph : &u->pw;
	enum racf_syntax why;
	struct racf_kdf kdf;
	enum esm_result rv = ESM_TEMPFAIL;

	if (len < 1 || len > SSPR_MAX_SECRET) {
		esm_err_set(err, ESM_E_INVALID,
		    "a password must be 1-8 and a phrase 9-100 characters");
		return ESM_DENY;
	}
	memcpy(buf, secret, len + 1);
	if (phrase) {
		why = racf_phrase_check(u->userid, buf);
	} else {
		racf_password_fold(buf, &opts->pol);
		why = racf_password_check(u->userid, buf, &opts->pol,
		    (flags & ESM_SET_NOEXPIRED) != 0);
	}
	if (why != RACF_SYNTAX_OK) {
		esm_err_set(
		    err, ESM_E_RULES, "%s", racf_syntax_message(why, phrase));
		rv = ESM_DENY;
		goto out;
	}
	if (racf_db_kdf_get(r->db, &kdf) == -1) {
		esm_err_set(err, ESM_E_BACKEND, "%s", racf_db_error(r->db));
		goto out;
	}
	if (racf_secret_hash(&kdf, buf, len, cred->hash) == -1) {
		esm_err_set(err, ESM_E_BACKEND,
		    "hashing the new secret failed (out of memory or no "
		    "randomness)");
		goto out;
	}
	cred->set = 1;
	cred->expired = (flags & ESM_SET_NOEXPIRED) == 0;
	cred->changed = racf_now(r);
	if (flags & ESM_SET_RESUME)
		racf_user_resume(u);
	rv = ESM_OK;
out:
	secure_zero(buf, sizeof(buf));
	return rv;
}

void
racf_user_clear_secret(struct racf_user_rec *u, int phrase)
{
	struct racf_cred *c = phrase ? &u->ph : &u->pw;

	secure_zero(c, sizeof(*c));
}

void
racf_user_resume(struct racf_user_rec *u)
{
	u->revoked = 0;
	u->revoke_reason = ESM_REVOKE_NONE;
	u->revoke_date = 0;
	u->invalid_count = 0;
}

void
racf_user_revoke(struct racf_user_rec *u, int reason, time_t now)
{
	u->revoked = 1;
	u->revoke_reason = reason;
	u->revoke_date = now;
}

/* ---------------------------------------------------------------- *
 * Custom field values
 * ---------------------------------------------------------------- */

static int
racf_user_all(const char *s, int (*pred)(int))
{
	for (; *s != '\0'; s++)
		if (!pred((unsigned char)*s))
			return 0;
	return 1;
}

static int
racf_user_printable(int c)
{
	return c >= 0x20 && c < 0x7f;
}

char *
racf_user_field_value(
    const struct racf_cfdef *def, const char *value, struct esm_err *err)
{
	size_t i, len = strlen(value);
	char *v;

	if (len == 0 || len > (size_t)def->maxlength) {
		esm_err_set(err, ESM_E_INVALID,
		    "value of field '%s' must be 1-%d characters", def->name,
		    def->maxlength);
		return NULL;
	}
	v = xstrdup(value);
	switch (def->type) {
	case RACF_CF_CHAR:
		if (!racf_user_all(v, racf_user_printable)) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' must be printable characters",
			    def->name);
			goto bad;
		}
		if (!def->mixed)
			for (i = 0; i < len; i++)
				v[i] = (char)toupper((unsigned char)v[i]);
		break;
	case RACF_CF_NUM: {
		long long n;
		char *end;

		if (!racf_user_all(v, isdigit)) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' must be numeric", def->name);
			goto bad;
		}
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || (def->has_min && n < def->minvalue) ||
		    (def->has_max && n > def->maxvalue)) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' is outside its MINVALUE and "
			    "MAXVALUE",
			    def->name);
			goto bad;
		}
		break;
	}
	case RACF_CF_HEX:
		for (i = 0; i < len; i++)
			v[i] = (char)toupper((unsigned char)v[i]);
		if (!racf_user_all(v, isxdigit)) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' must be hexadecimal",
			    def->name);
			goto bad;
		}
		break;
	case RACF_CF_FLAG:
		for (i = 0; i < len; i++)
			v[i] = (char)toupper((unsigned char)v[i]);
		if (strcmp(v, "YES") != 0 && strcmp(v, "NO") != 0) {
			esm_err_set(err, ESM_E_INVALID,
			    "value of field '%s' must be YES or NO", def->name);
			goto bad;
		}
		break;
	}
	return v;
bad:
	strfreezero(v);
	return NULL;
}

/* ---------------------------------------------------------------- *
 * Describing a user
 * ---------------------------------------------------------------- */

int
racf_user_describe(struct racf *r, const struct racf_user_rec *u,
    const struct racf_setropts *opts, struct esm_user *out)
{
	struct racf_connect c[ESM_MAX_GROUPS];
	int i, n;

	n = racf_db_connects(r->db, u->userid, c, ESM_MAX_GROUPS);
	if (n == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	strlcpy_s(out->userid, u->userid, sizeof(out->userid));
	strlcpy_s(out->name, u->name, sizeof(out->name));
	strlcpy_s(out->dfltgrp, u->dfltgrp, sizeof(out->dfltgrp));
	strlcpy_s(out->email, u->email, sizeof(out->email));
	out->revoked = u->revoked != 0;
	out->special = u->special != 0;
	out->has_password = u->pw.set != 0;
	out->has_phrase = u->ph.set != 0;
	out->password_expired =
	    u->pw.set && racf_cred_expired(&u->pw, opts, racf_now(r));
	out->phrase_expired =
	    u->ph.set && racf_cred_expired(&u->ph, opts, racf_now(r));
	out->revoke_reason = (enum esm_revoke_reason)u->revoke_reason;
	out->invalidcount = u->invalid_count;
	/* RACF asks the operator rather than revoke a SPECIAL user. */
	out->revoke_after = u->special ? 0 : opts->revoke;
	out->created = u->created;
	out->last_access = u->last_access;
	for (i = 0; i < n; i++)
		strlcpy_s(out->groups[i], c[i].group, sizeof(out->groups[i]));
	out->ngroups = (size_t)n;
	return 0;
}
