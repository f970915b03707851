/*
 * racf_cmd_user.c - the RACF commands on users and groups: ADDUSER,
 * ALTUSER, LISTUSER, DELUSER, ADDGROUP, CONNECT and REMOVE (see
 * racf_cmd_int.h).
 */
#include "esm/racf_cmd_int.h"

#include <ctype.h>
#include <string.h>

#include "esm/racf_list.h"

#include "compat/banned.h"

/* ---------------------------------------------------------------- *
 * User profile operands shared by ADDUSER and ALTUSER
 * ---------------------------------------------------------------- */

enum user_kw {
	UK_PASSWORD,
	UK_NOPASSWORD,
	UK_PHRASE,
	UK_NOPHRASE,
	UK_EXPIRED,
	UK_NOEXPIRED,
	UK_RESUME,
	UK_REVOKE,
	UK_NAME,
	UK_DFLTGRP,
	UK_OWNER,
	UK_WORKATTR,
	UK_CSDATA,
	UK_SPECIAL,
	UK_NOSPECIAL,
	UK_COUNT
};

static const struct kw user_kws[] = {
    [UK_PASSWORD] = {"PASSWORD", KW_VALUE},
    [UK_NOPASSWORD] = {"NOPASSWORD", KW_BARE},
    [UK_PHRASE] = {"PHRASE", KW_VALUE},
    [UK_NOPHRASE] = {"NOPHRASE", KW_BARE},
    [UK_EXPIRED] = {"EXPIRED", KW_BARE},
    [UK_NOEXPIRED] = {"NOEXPIRED", KW_BARE},
    [UK_RESUME] = {"RESUME", KW_BARE},
    [UK_REVOKE] = {"REVOKE", KW_BARE},
    [UK_NAME] = {"NAME", KW_VALUE},
    [UK_DFLTGRP] = {"DFLTGRP", KW_VALUE},
    [UK_OWNER] = {"OWNER", KW_VALUE},
    [UK_WORKATTR] = {"WORKATTR", KW_LIST},
    [UK_CSDATA] = {"CSDATA", KW_LIST},
    [UK_SPECIAL] = {"SPECIAL", KW_BARE},
    [UK_NOSPECIAL] = {"NOSPECIAL", KW_BARE},
    [UK_COUNT] = {NULL, 0},
};

/* ADDUSER accepts a subset. */
static const unsigned adduser_allowed =
    (1u << UK_PASSWORD) | (1u << UK_NOPASSWORD) | (1u << UK_PHRASE) |
    (1u << UK_NAME) | (1u << UK_DFLTGRP) | (1u << UK_OWNER) |
    (1u << UK_WORKATTR) | (1u << UK_CSDATA) | (1u << UK_SPECIAL) |
    (1u << UK_NOSPECIAL);

struct csdata_op {
	char field[SSPR_MAX_FIELD_NAME + 1];
	char *value; /* normalised new value; NULL: delete (NOfield) */
};

/* Everything ADDUSER/ALTUSER may change, checked before any change. */
struct user_req {
	const struct racf_item *kw[UK_COUNT];
	const char *password, *phrase; /* borrowed from the parse tree */
	char name[SSPR_MAX_NAME + 1];
	char dfltgrp[SSPR_MAX_GROUP + 1];
	char owner[SSPR_MAX_USERID + 1];
	int email_set; /* WAEMAIL or NOWAEMAIL given */
	char email[SSPR_MAX_EMAIL + 1];
	struct csdata_op cs[32];
	size_t ncs;
};

static void
user_req_release(struct user_req *q)
{
	size_t i;

	for (i = 0; i < q->ncs; i++)
		strfreezero(q->cs[i].value);
	secure_zero(q, sizeof(*q));
}

static int
cmd_pair(struct cmd *c, const struct user_req *q, int a, int b)
{
	if (q->kw[a] != NULL && q->kw[b] != NULL) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID KEYWORD, %s CONFLICTS WITH %s",
		    user_kws[a].name, user_kws[b].name);
		return -1;
	}
	return 0;
}

/* WORKATTR(WAEMAIL('addr') | NOWAEMAIL) */
static int
cmd_workattr(struct cmd *c, const struct racf_item *it, struct user_req *q)
{
	static const struct kw kws[] = {
	    {"WAEMAIL", KW_VALUE}, {"NOWAEMAIL", KW_BARE}, {NULL, 0}};
	const struct racf_item *b[2] = {NULL, NULL};
	const char *v;
	size_t i, len;

	if (cmd_bind(c, it->args, it->nargs, 0, kws, b) == -1)
		return -1;
	if (b[0] != NULL && b[1] != NULL) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID KEYWORD, WAEMAIL CONFLICTS WITH "
		    "NOWAEMAIL");
		return -1;
	}
	if (b[0] == NULL && b[1] == NULL)
		return 0;
	q->email_set = 1;
	if (b[1] != NULL)
		return 0;
	if ((v = cmd_value(c, b[0], "WAEMAIL")) == NULL)
		return -1;
	len = strlen(v);
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)v[i]))
			break;
	if (len == 0 || len > SSPR_MAX_EMAIL || i < len ||
	    strchr(v, '@') == NULL || v[0] == '@' || v[len - 1] == '@') {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID WAEMAIL, MUST BE AN E-MAIL ADDRESS OF "
		    "1-246 CHARACTERS");
		return -1;
	}
	strlcpy_s(q->email, v, sizeof(q->email));
	return 0;
}

/* CSDATA(field(value) NOfield ...) checked against each field's CFDEF. */
static int
cmd_csdata(struct cmd *c, const struct racf_item *it, struct user_req *q)
{
	struct racf_cfdef def;
	struct esm_err err;
	char up[SSPR_MAX_FIELD_NAME + 3], safe[48];
	size_t i, j;
	int found, del;

	for (i = 0; i < it->nargs; i++) {
		const struct racf_item *a = &it->args[i];

		if (a->word == NULL || a->quoted ||
		    strlen(a->word) > SSPR_MAX_FIELD_NAME + 2) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID CSDATA OPERAND");
			return -1;
		}
		cmd_upper(a->word, up, sizeof(up));
		del = !a->has_args && strncmp(up, "NO", 2) == 0;
		if (!a->has_args && !del) {
			cmd_safe(up, safe, sizeof(safe));
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56701I MISSING CSDATA %s VALUE", safe);
			return -1;
		}
		found =
		    esm_valid_name(del ? up + 2 : up)
		        ? racf_db_cfdef_get(c->r->db, del ? up + 2 : up, &def)
		        : 0;
		if (found == -1)
			return cmd_dberr(c), -1;
		if (found == 0) {
			cmd_safe(del ? up + 2 : up, safe, sizeof(safe));
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56712I INVALID KEYWORD, CSDATA FIELD %s IS NOT "
			    "DEFINED (RDEFINE CFIELD USER.CSDATA.%s)",
			    safe, safe);
			return -1;
		}
		for (j = 0; j < q->ncs; j++)
			if (strcmp(q->cs[j].field, def.name) == 0) {
				cmd_msg(c, RACF_CMD_FAILED,
				    "IKJ56702I INVALID CSDATA, %s SPECIFIED "
				    "TWICE",
				    def.name);
				return -1;
			}
		if (q->ncs == ARRAY_SIZE(q->cs)) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID CSDATA, TOO MANY FIELDS");
			return -1;
		}
		strlcpy_s(
		    q->cs[q->ncs].field, def.name, sizeof(q->cs[q->ncs].field));
		q->cs[q->ncs].value = NULL;
		if (!del) {
			const char *v = cmd_value(c, a, def.name);

			if (v == NULL)
				return -1;
			q->cs[q->ncs].value =
			    racf_user_field_value(&def, v, &err);
			if (q->cs[q->ncs].value == NULL) {
				cmd_msg(c, RACF_CMD_FAILED,
				    "IKJ56702I INVALID CSDATA %s VALUE: %s",
				    def.name, err.msg);
				return -1;
			}
		}
		q->ncs++;
	}
	return 0;
}

/* The value of PASSWORD(secret) or PHRASE(secret), min to max bytes
 * long; NULL after a message (which never quotes the value). */
static const char *
cmd_secret(struct cmd *c, const struct racf_item *it, const char *kwname,
    size_t min, size_t max)
{
	const char *v = cmd_value(c, it, kwname);
	size_t len;

	if (v == NULL)
		return NULL;
	len = strlen(v);
	if (len < min || len > max) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID %s, MUST BE %zu TO %zu CHARACTERS",
		    kwname, min, max);
		return NULL;
	}
	return v;
}

/* Check every operand of ADDUSER/ALTUSER into q. */
static int
cmd_user_req(struct cmd *c, const struct racf_command *rc, unsigned allowed,
    struct user_req *q)
{
	const char *v;
	size_t k;

	memset(q, 0, sizeof(*q));
	if (cmd_bind(c, rc->items, rc->nitems, 1, user_kws, q->kw) == -1)
		return -1;
	for (k = 0; k < UK_COUNT; k++)
		if (q->kw[k] != NULL && !(allowed & (1u << k))) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56712I INVALID KEYWORD, %s", user_kws[k].name);
			return -1;
		}
	if (cmd_pair(c, q, UK_PASSWORD, UK_NOPASSWORD) == -1 ||
	    cmd_pair(c, q, UK_PHRASE, UK_NOPHRASE) == -1 ||
	    cmd_pair(c, q, UK_EXPIRED, UK_NOEXPIRED) == -1 ||
	    cmd_pair(c, q, UK_RESUME, UK_REVOKE) == -1 ||
	    cmd_pair(c, q, UK_SPECIAL, UK_NOSPECIAL) == -1)
		return -1;
	if (q->kw[UK_PASSWORD] != NULL &&
	    (q->password = cmd_secret(c, q->kw[UK_PASSWORD], "PASSWORD", 1,
	         SSPR_MAX_PASSWORD)) == NULL)
		return -1;
	if (q->kw[UK_PHRASE] != NULL &&
	    (q->phrase = cmd_secret(c, q->kw[UK_PHRASE], "PHRASE",
	         SSPR_MAX_PASSWORD + 1, SSPR_MAX_PHRASE)) == NULL)
		return -1;
	if (q->kw[UK_NAME] != NULL) {
		if ((v = cmd_value(c, q->kw[UK_NAME], "NAME")) == NULL)
			return -1;
		if (strlen(v) > SSPR_MAX_NAME) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID NAME, MORE THAN 20 CHARACTERS");
			return -1;
		}
		cmd_upper(v, q->name, sizeof(q->name));
	}
	if (q->kw[UK_DFLTGRP] != NULL) {
		if ((v = cmd_value(c, q->kw[UK_DFLTGRP], "DFLTGRP")) == NULL ||
		    cmd_name(c, v, "GROUP NAME", q->dfltgrp) == -1)
			return -1;
	}
	if (q->kw[UK_OWNER] != NULL) {
		if ((v = cmd_value(c, q->kw[UK_OWNER], "OWNER")) == NULL ||
		    cmd_name(c, v, "OWNER", q->owner) == -1)
			return -1;
	}
	if (q->kw[UK_WORKATTR] != NULL &&
	    cmd_workattr(c, q->kw[UK_WORKATTR], q) == -1)
		return -1;
	if (q->kw[UK_CSDATA] != NULL &&
	    cmd_csdata(c, q->kw[UK_CSDATA], q) == -1)
		return -1;
	if (q->dfltgrp[0] != '\0') {
		int found = racf_db_group_exists(c->r->db, q->dfltgrp);

		if (found == -1)
			return cmd_dberr(c), -1;
		if (found == 0) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID GROUP, %s", q->dfltgrp);
			return -1;
		}
	}
	return 0;
}

/* Set u's password or phrase (what names it) to secret unless it is
 * NULL; -1 after a message. */
static int
cmd_user_secret(struct cmd *c, struct racf_user_rec *u,
    const struct racf_setropts *opts, const char *secret, unsigned flags,
    const char *what)
{
	struct esm_err err;

	if (secret == NULL ||
	    racf_user_set_secret(c->r, u, opts, secret, flags, &err) == ESM_OK)
		return 0;
	cmd_msg(c, RACF_CMD_FAILED, "ICH21011I %s NOT CHANGED FOR %s. %s", what,
	    u->userid, err.msg);
	return -1;
}

/* Apply the checked request q to the profile u (inside a transaction). */
static int
cmd_user_apply(struct cmd *c, struct racf_user_rec *u, struct user_req *q,
    const struct racf_setropts *opts)
{
	unsigned flags = q->kw[UK_NOEXPIRED] != NULL ? ESM_SET_NOEXPIRED : 0;

	if (q->name[0] != '\0')
		strlcpy_s(u->name, q->name, sizeof(u->name));
	if (q->owner[0] != '\0')
		strlcpy_s(u->owner, q->owner, sizeof(u->owner));
	if (q->dfltgrp[0] != '\0')
		strlcpy_s(u->dfltgrp, q->dfltgrp, sizeof(u->dfltgrp));
	if (q->email_set)
		strlcpy_s(u->email, q->email, sizeof(u->email));
	if (q->kw[UK_SPECIAL] != NULL)
		u->special = 1;
	if (q->kw[UK_NOSPECIAL] != NULL)
		u->special = 0;
	if (q->kw[UK_NOPASSWORD] != NULL)
		racf_user_clear_secret(u, 0);
	if (q->kw[UK_NOPHRASE] != NULL)
		racf_user_clear_secret(u, 1);
	if (cmd_user_secret(c, u, opts, q->password, flags, "PASSWORD") == -1 ||
	    cmd_user_secret(c, u, opts, q->phrase, flags, "PASSWORD PHRASE") ==
	        -1)
		return -1;
	if ((q->kw[UK_EXPIRED] != NULL || q->kw[UK_NOEXPIRED] != NULL) &&
	    q->password == NULL && q->phrase == NULL)
		cmd_msg(c, RACF_CMD_WARNING,
		    "ICH21007I EXPIRED/NOEXPIRED OPERAND IGNORED");
	if (q->kw[UK_REVOKE] != NULL)
		racf_user_revoke(u, ESM_REVOKE_COMMAND, racf_now(c->r));
	if (q->kw[UK_RESUME] != NULL) {
		if (!u->revoked)
			cmd_msg(c, RACF_CMD_WARNING,
			    "ICH21019I 'RESUME' IGNORED. %s NOT CURRENTLY "
			    "REVOKED",
			    u->userid);
		racf_user_resume(u);
	}
	return 0;
}

/* Connect userid to group (its new default group), owned by owner. */
static int
cmd_user_connect(struct cmd *c, const char *userid, const char *group,
    const char *owner, time_t now)
{
	struct racf_connect con;

	memset(&con, 0, sizeof(con));
	strlcpy_s(con.group, group, sizeof(con.group));
	strlcpy_s(con.owner, owner, sizeof(con.owner));
	con.created = now;
	return racf_db_connect_add(c->r->db, userid, &con) == -1 ? -1 : 0;
}

/* Write the CSDATA changes of q for userid (after the profile exists). */
static int
cmd_user_csdata(struct cmd *c, const char *userid, const struct user_req *q)
{
	size_t i;

	for (i = 0; i < q->ncs; i++)
		if (racf_db_csdata_put(
		        c->r->db, userid, q->cs[i].field, q->cs[i].value) == -1)
			return -1;
	return 0;
}

/* ---------------------------------------------------------------- *
 * ADDUSER, ALTUSER, LISTUSER, DELUSER
 * ---------------------------------------------------------------- */

enum racf_cmd_rc
cmd_adduser(struct cmd *c, const struct racf_command *rc)
{
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	struct racf_setropts opts;
	struct racf_user_rec u;
	struct user_req q;
	int n, i, found;
	time_t now = racf_now(c->r);

	if ((n = cmd_names(c, rc, "USERID", names)) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if (racf_db_setropts_get(c->r->db, &opts) == -1)
		return cmd_dberr(c);
	if (cmd_user_req(c, rc, adduser_allowed, &q) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((found = racf_db_user_get(c->r->db, names[i], &u)) == -1)
			goto dberr;
		if (found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID USERID, %s", names[i]);
			continue;
		}
		if ((found = racf_db_group_exists(c->r->db, names[i])) == -1)
			goto dberr;
		if (found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID USERID, %s IS A GROUP",
			    names[i]);
			continue;
		}
		memset(&u, 0, sizeof(u));
		strlcpy_s(u.userid, names[i], sizeof(u.userid));
		strlcpy_s(u.owner, c->issuer, sizeof(u.owner));
		strlcpy_s(u.dfltgrp, "SYS1", sizeof(u.dfltgrp));
		u.created = now;
		if (cmd_user_apply(c, &u, &q, &opts) == -1 ||
		    racf_db_user_insert(c->r->db, &u) == -1)
			goto dberr_or_fail;
		/* CSDATA rows reference the user: write them after it. */
		if (cmd_user_csdata(c, u.userid, &q) == -1)
			goto dberr;
		if (cmd_user_connect(c, u.userid, u.dfltgrp, u.owner, now) ==
		    -1)
			goto dberr;
		secure_zero(&u, sizeof(u));
	}
	if (c->rc >= RACF_CMD_FAILED)
		goto fail;
	if (racf_db_commit(c->r->db) == -1)
		goto dberr;
	user_req_release(&q);
	return c->rc;
dberr_or_fail:
	if (c->rc >= RACF_CMD_FAILED)
		goto fail;
dberr:
	cmd_dberr(c);
fail:
	racf_db_rollback(c->r->db);
	secure_zero(&u, sizeof(u));
	user_req_release(&q);
	return c->rc;
}

enum racf_cmd_rc
cmd_altuser(struct cmd *c, const struct racf_command *rc)
{
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	struct racf_setropts opts;
	struct racf_user_rec u;
	struct user_req q;
	int n, i, found;

	memset(&u, 0, sizeof(u));
	if ((n = cmd_names(c, rc, "USERID", names)) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if (racf_db_setropts_get(c->r->db, &opts) == -1)
		return cmd_dberr(c);
	if (cmd_user_req(c, rc, ~0u, &q) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((found = racf_db_user_get(c->r->db, names[i], &u)) == -1)
			goto dberr;
		if (!found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH21001I UNDEFINED USER ID(S) = %s", names[i]);
			continue;
		}
		if (cmd_user_apply(c, &u, &q, &opts) == -1)
			goto fail;
		if (racf_db_user_update(c->r->db, &u) != 1 ||
		    cmd_user_csdata(c, u.userid, &q) == -1)
			goto dberr;
		if (q.dfltgrp[0] != '\0' &&
		    cmd_user_connect(c, u.userid, q.dfltgrp, c->issuer,
		        racf_now(c->r)) == -1)
			goto dberr;
		secure_zero(&u, sizeof(u));
	}
	if (c->rc >= RACF_CMD_FAILED)
		goto fail;
	if (racf_db_commit(c->r->db) == -1)
		goto dberr;
	user_req_release(&q);
	return c->rc;
dberr:
	cmd_dberr(c);
fail:
	racf_db_rollback(c->r->db);
	secure_zero(&u, sizeof(u));
	user_req_release(&q);
	return c->rc;
}

enum racf_cmd_rc
cmd_listuser(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {
	    {"CSDATA", KW_BARE}, {"NORACF", KW_BARE}, {NULL, 0}};
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	const struct racf_item *b[2] = {NULL, NULL};
	struct racf_setropts opts;
	struct racf_user_rec u;
	int n, i, found;

	if ((n = cmd_names(c, rc, "USERID", names)) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 1, kws, b) == -1)
		return c->rc;
	if (racf_db_begin_read(c->r->db) == -1 ||
	    racf_db_setropts_get(c->r->db, &opts) == -1)
		return cmd_dberr(c);
	for (i = 0; i < n; i++) {
		if ((found = racf_db_user_get(c->r->db, names[i], &u)) == -1)
			return cmd_dberr(c);
		if (!found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH30001I UNABLE TO LOCATE USER ENTRY %s",
			    names[i]);
			continue;
		}
		if (b[1] == NULL &&
		    racf_list_user(c->r, &u, &opts, 0, c->out) == -1)
			return cmd_dberr(c);
		if (b[0] != NULL) {
			if (b[1] != NULL)
				cmd_msg(c, RACF_CMD_OK, "USER=%s", u.userid);
			if (racf_list_user_csdata(c->r, &u, c->out) == -1)
				return cmd_dberr(c);
		}
		secure_zero(&u, sizeof(u));
	}
	racf_db_rollback(c->r->db);
	return c->rc;
}

enum racf_cmd_rc
cmd_deluser(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {{NULL, 0}};
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	const struct racf_item *b[1] = {NULL};
	int n, i, found;

	if ((n = cmd_names(c, rc, "USERID", names)) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 1, kws, b) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	for (i = 0; i < n; i++) {
		if ((found = racf_db_user_delete(c->r->db, names[i])) == -1)
			return cmd_dberr(c);
		if (!found)
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH04001I UNDEFINED USER ID(S) = %s", names[i]);
	}
	return cmd_finish(c);
}

/* ---------------------------------------------------------------- *
 * ADDGROUP, CONNECT, REMOVE
 * ---------------------------------------------------------------- */

enum racf_cmd_rc
cmd_addgroup(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {
	    {"SUPGROUP", KW_VALUE}, {"OWNER", KW_VALUE}, {NULL, 0}};
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	char sup[SSPR_MAX_GROUP + 1] = "SYS1", owner[SSPR_MAX_USERID + 1];
	const struct racf_item *b[2] = {NULL, NULL};
	struct racf_user_rec u;
	const char *v;
	int n, i, found;

	if ((n = cmd_names(c, rc, "GROUP NAME", names)) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 1, kws, b) == -1)
		return c->rc;
	strlcpy_s(owner, c->issuer, sizeof(owner));
	if (b[0] != NULL && ((v = cmd_value(c, b[0], "SUPGROUP")) == NULL ||
	                        cmd_name(c, v, "SUPGROUP", sup) == -1))
		return c->rc;
	if (b[1] != NULL && ((v = cmd_value(c, b[1], "OWNER")) == NULL ||
	                        cmd_name(c, v, "OWNER", owner) == -1))
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if ((found = racf_db_group_exists(c->r->db, sup)) != 1) {
		if (found == -1)
			return cmd_dberr(c);
		cmd_msg(
		    c, RACF_CMD_FAILED, "IKJ56702I INVALID SUPGROUP, %s", sup);
		racf_db_rollback(c->r->db);
		return c->rc;
	}
	for (i = 0; i < n; i++) {
		found = racf_db_group_exists(c->r->db, names[i]);
		if (found == 0)
			found = racf_db_user_get(c->r->db, names[i], &u);
		if (found == -1)
			return cmd_dberr(c);
		if (found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID GROUP, %s", names[i]);
			continue;
		}
		if (racf_db_group_insert(
		        c->r->db, names[i], sup, owner, racf_now(c->r)) == -1)
			return cmd_dberr(c);
	}
	return cmd_finish(c);
}

/* CONNECT and REMOVE: users GROUP(group). */
static enum racf_cmd_rc
cmd_connect(struct cmd *c, const struct racf_command *rc, int remove)
{
	static const struct kw kws[] = {
	    {"GROUP", KW_VALUE}, {"OWNER", KW_VALUE}, {NULL, 0}};
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	const struct racf_item *b[2] = {NULL, NULL};
	struct racf_connect con;
	struct racf_user_rec u;
	const char *v;
	int n, i, found;

	memset(&con, 0, sizeof(con));
	if ((n = cmd_names(c, rc, "USERID", names)) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 1, kws, b) == -1)
		return c->rc;
	if (b[0] == NULL) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56701I MISSING GROUP NAME");
		return c->rc;
	}
	if ((v = cmd_value(c, b[0], "GROUP")) == NULL ||
	    cmd_name(c, v, "GROUP NAME", con.group) == -1)
		return c->rc;
	strlcpy_s(con.owner, c->issuer, sizeof(con.owner));
	if (b[1] != NULL && ((v = cmd_value(c, b[1], "OWNER")) == NULL ||
	                        cmd_name(c, v, "OWNER", con.owner) == -1))
		return c->rc;
	con.created = racf_now(c->r);
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if ((found = racf_db_group_exists(c->r->db, con.group)) != 1) {
		if (found == -1)
			return cmd_dberr(c);
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH02005I GROUP %s NOT DEFINED TO RACF", con.group);
		racf_db_rollback(c->r->db);
		return c->rc;
	}
	for (i = 0; i < n; i++) {
		if ((found = racf_db_user_get(c->r->db, names[i], &u)) == -1)
			return cmd_dberr(c);
		if (!found) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH02004I USER %s NOT DEFINED TO RACF", names[i]);
			continue;
		}
		if (remove && strcmp(u.dfltgrp, con.group) == 0) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH03009I GROUP %s IS THE DEFAULT GROUP OF %s; "
			    "NOT REMOVED",
			    con.group, names[i]);
			continue;
		}
		found = remove ? racf_db_connect_remove(
		                     c->r->db, names[i], con.group)
		               : racf_db_connect_add(c->r->db, names[i], &con);
		if (found == -1)
			return cmd_dberr(c);
		if (remove && found == 0)
			cmd_msg(c, RACF_CMD_FAILED,
			    "ICH03008I USER %s NOT CONNECTED TO GROUP %s",
			    names[i], con.group);
		secure_zero(&u, sizeof(u));
	}
	return cmd_finish(c);
}

enum racf_cmd_rc
cmd_connect_add(struct cmd *c, const struct racf_command *rc)
{
	return cmd_connect(c, rc, 0);
}

enum racf_cmd_rc
cmd_remove(struct cmd *c, const struct racf_command *rc)
{
	return cmd_connect(c, rc, 1);
}
