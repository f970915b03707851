/*
 * racf_cmd_res.c - the RACF general-resource commands of the embedded
 * ESM: RDEFINE, RALTER, RDELETE and RLIST for the CFIELD class (custom field
 * definitions) and the PTKTDATA class (PassTicket keys).
 */
#include "esm/racf_cmd_int.h"

#include <string.h>

#include "esm/racf_list.h"
#include "esm/racf_ptkt.h"

#include "compat/banned.h"

/* ---------------------------------------------------------------- *
 * RDEFINE, RDELETE, RLIST (CFIELD)
 * ---------------------------------------------------------------- */

enum res_class { RES_CFIELD, RES_PTKTDATA };

static const char *const yes_no[] = {"YES", "NO", NULL};

/*
 * The class and profile operands: for CFIELD the field name of
 * USER.CSDATA.name, for PTKTDATA the APPLID, into name (9 bytes).
 * Returns the class, or -1 after a message.
 */
static int
cmd_profile(struct cmd *c, const struct racf_command *rc, char *name)
{
	char cls[16], prof[64], safe[48];

	if (rc->nitems < 2 || rc->items[0].word == NULL ||
	    rc->items[0].has_args || rc->items[1].word == NULL ||
	    rc->items[1].has_args || rc->items[1].quoted) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56701I MISSING CLASS NAME OR PROFILE NAME");
		return -1;
	}
	cmd_upper(rc->items[0].word, cls, sizeof(cls));
	cmd_safe(rc->items[0].word, safe, sizeof(safe));
	if (strcmp(cls, "PTKTDATA") == 0) {
		/* Generation and evaluation use the unqualified APPLID
		 * profile; qualified ones (appl.group) are not kept. */
		if (cmd_name(c, rc->items[1].word, "PTKTDATA PROFILE NAME",
		        name) == -1)
			return -1;
		return RES_PTKTDATA;
	}
	if (strcmp(cls, "CFIELD") != 0) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID CLASS NAME, %s (THIS ESM HAS CFIELD AND "
		    "PTKTDATA)",
		    safe);
		return -1;
	}
	cmd_upper(rc->items[1].word, prof, sizeof(prof));
	if (strlen(rc->items[1].word) >= sizeof(prof) ||
	    strncmp(prof, "USER.CSDATA.", 12) != 0 ||
	    !esm_valid_name(prof + 12)) {
		cmd_safe(rc->items[1].word, safe, sizeof(safe));
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID PROFILE NAME, %s (USE "
		    "USER.CSDATA.name, name 1-8 characters)",
		    safe);
		return -1;
	}
	strlcpy_s(name, prof + 12, SSPR_MAX_FIELD_NAME + 1);
	return RES_CFIELD;
}

enum cf_kw {
	CF_TYPE,
	CF_MAXLENGTH,
	CF_MXLENGTH,
	CF_MIXED,
	CF_MINVALUE,
	CF_MAXVALUE,
	CF_FIRST,
	CF_OTHER,
	CF_HELP,
	CF_LISTHEAD,
	CF_COUNT
};

/* CFDEF(TYPE() MAXLENGTH() MIXED() MINVALUE() MAXVALUE() ...) */
static int
cmd_cfdef(struct cmd *c, const struct racf_item *it, struct racf_cfdef *d)
{
	static const struct kw kws[] = {
	    [CF_TYPE] = {"TYPE", KW_VALUE},
	    [CF_MAXLENGTH] = {"MAXLENGTH", KW_VALUE},
	    [CF_MXLENGTH] = {"MXLENGTH", KW_VALUE},
	    [CF_MIXED] = {"MIXED", KW_VALUE},
	    [CF_MINVALUE] = {"MINVALUE", KW_VALUE},
	    [CF_MAXVALUE] = {"MAXVALUE", KW_VALUE},
	    [CF_FIRST] = {"FIRST", KW_VALUE},
	    [CF_OTHER] = {"OTHER", KW_VALUE},
	    [CF_HELP] = {"HELP", KW_VALUE},
	    [CF_LISTHEAD] = {"LISTHEAD", KW_VALUE},
	    [CF_COUNT] = {NULL, 0},
	};
	static const char *const types[] = {"CHAR", "NUM", "HEX", "FLAG", NULL};
	static const int maxlen[] = {1100, 10, 512, 3};
	const struct racf_item *b[CF_COUNT] = {NULL};
	const struct racf_item *len;
	long n;
	size_t i;
	int k;

	if (cmd_bind(c, it->args, it->nargs, 0, kws, b) == -1)
		return -1;
	d->type = RACF_CF_CHAR;
	if (b[CF_TYPE] != NULL) {
		if ((k = cmd_choice(c, b[CF_TYPE], "TYPE", types)) == -1)
			return -1;
		d->type = (enum racf_cftype)k;
	}
	d->maxlength = maxlen[d->type];
	len = b[CF_MAXLENGTH] != NULL ? b[CF_MAXLENGTH] : b[CF_MXLENGTH];
	if (len != NULL) {
		if (cmd_number(c, len, "MAXLENGTH", 1, maxlen[d->type], &n) ==
		    -1)
			return -1;
		d->maxlength = (int)n;
	}
	d->mixed = 0;
	if (b[CF_MIXED] != NULL) {
		if ((k = cmd_choice(c, b[CF_MIXED], "MIXED", yes_no)) == -1)
			return -1;
		if (k == 0 && d->type != RACF_CF_CHAR) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID MIXED, ONLY FOR TYPE(CHAR)");
			return -1;
		}
		d->mixed = k == 0;
	}
	if ((b[CF_MINVALUE] != NULL || b[CF_MAXVALUE] != NULL) &&
	    d->type != RACF_CF_NUM) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID MINVALUE/MAXVALUE, ONLY FOR TYPE(NUM)");
		return -1;
	}
	if (b[CF_MINVALUE] != NULL) {
		if (cmd_number(c, b[CF_MINVALUE], "MINVALUE", 0, 2147483647L,
		        &n) == -1)
			return -1;
		d->has_min = 1;
		d->minvalue = n;
	}
	if (b[CF_MAXVALUE] != NULL) {
		if (cmd_number(c, b[CF_MAXVALUE], "MAXVALUE", 0, 2147483647L,
		        &n) == -1)
			return -1;
		d->has_max = 1;
		d->maxvalue = n;
	}
	if (d->has_min && d->has_max && d->minvalue > d->maxvalue) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID MINVALUE, GREATER THAN MAXVALUE");
		return -1;
	}
	for (i = CF_FIRST; i <= CF_LISTHEAD; i++)
		if (b[i] != NULL && cmd_value(c, b[i], kws[i].name) == NULL)
			return -1;
	return 0;
}

/* ---------------------------------------------------------------- *
 * CFIELD
 * ---------------------------------------------------------------- */

static enum racf_cmd_rc
cmd_cfield_define(
    struct cmd *c, const struct racf_command *rc, const char *name)
{
	static const struct kw kws[] = {{"CFDEF", KW_LIST}, {"UACC", KW_VALUE},
	    {"OWNER", KW_VALUE}, {NULL, 0}};
	const struct racf_item *b[3] = {NULL, NULL, NULL};
	struct racf_cfdef d, old;
	int found;

	memset(&d, 0, sizeof(d));
	strlcpy_s(d.name, name, sizeof(d.name));
	if (cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		return c->rc;
	if (b[0] == NULL) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56701I MISSING CFDEF");
		return c->rc;
	}
	if (cmd_cfdef(c, b[0], &d) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if ((found = racf_db_cfdef_get(c->r->db, d.name, &old)) == -1)
		return cmd_dberr(c);
	if (found)
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH10102I USER.CSDATA.%s ALREADY DEFINED TO CLASS CFIELD",
		    d.name);
	else if (racf_db_cfdef_put(c->r->db, &d) == -1)
		return cmd_dberr(c);
	return cmd_finish(c);
}

static enum racf_cmd_rc
cmd_cfield_delete(struct cmd *c, const char *field)
{
	int found;

	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if ((found = racf_db_cfdef_delete(c->r->db, field)) == -1)
		return cmd_dberr(c);
	if (!found)
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH12102I USER.CSDATA.%s NOT DEFINED TO CLASS CFIELD",
		    field);
	return cmd_finish(c);
}

static enum racf_cmd_rc
cmd_cfield_list(struct cmd *c, const char *field)
{
	struct racf_cfdef d;
	int found;

	if ((found = racf_db_cfdef_get(c->r->db, field, &d)) == -1)
		return cmd_dberr(c);
	if (!found) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH13003I USER.CSDATA.%s NOT FOUND", field);
		return c->rc;
	}
	if (racf_list_cfield(&d, c->out) == -1)
		cmd_msg(c, RACF_CMD_ERROR, "listing too long");
	return c->rc;
}

/* ---------------------------------------------------------------- *
 * PTKTDATA
 * ---------------------------------------------------------------- */

enum ss_kw {
	SS_KEYMASKED,
	SS_KEYENCRYPTED,
	SS_EPTKEYMASKED,
	SS_KEYLABEL,
	SS_EPTKEYLABEL,
	SS_PTTYPE,
	SS_PTTIMEOUT,
	SS_PTREPLAY,
	SS_COUNT
};

/* A key given as hex in a command: checked, never echoed. */
static int
cmd_ssignon_key(struct cmd *c, const struct racf_item *it, const char *kw,
    enum passticket_kind kind, struct passticket_key *k)
{
	char err[SSPR_MAX_ERROR];
	const char *v = cmd_value(c, it, kw);

	if (v == NULL)
		return -1;
	if (passticket_key_hex(k, kind, PTKT_UPPER, v, err, sizeof(err)) ==
	    -1) {
		cmd_msg(
		    c, RACF_CMD_FAILED, "IKJ56702I INVALID %s: %s", kw, err);
		return -1;
	}
	return 0;
}

/* SSIGNON(KEYMASKED(hex) | EPTKEYMASKED(hex) PTTYPE() PTTIMEOUT()
 * PTREPLAY()) into def. */
static int
cmd_ssignon(struct cmd *c, const struct racf_item *it, struct racf_ptkt_def *d)
{
	static const struct kw kws[] = {
	    [SS_KEYMASKED] = {"KEYMASKED", KW_VALUE},
	    [SS_KEYENCRYPTED] = {"KEYENCRYPTED", KW_VALUE},
	    [SS_EPTKEYMASKED] = {"EPTKEYMASKED", KW_VALUE},
	    [SS_KEYLABEL] = {"KEYLABEL", KW_VALUE},
	    [SS_EPTKEYLABEL] = {"EPTKEYLABEL", KW_VALUE},
	    [SS_PTTYPE] = {"PTTYPE", KW_VALUE},
	    [SS_PTTIMEOUT] = {"PTTIMEOUT", KW_VALUE},
	    [SS_PTREPLAY] = {"PTREPLAY", KW_VALUE},
	    [SS_COUNT] = {NULL, 0},
	};
	const struct racf_item *b[SS_COUNT] = {NULL};
	static const char *const pttypes[] = {"UPPER", "MIXED", NULL};
	const struct racf_item *legacy;
	long n;
	int k;

	if (cmd_bind(c, it->args, it->nargs, 0, kws, b) == -1)
		return -1;
	if (b[SS_KEYLABEL] != NULL || b[SS_EPTKEYLABEL] != NULL) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID %s: THE EMBEDDED ESM HAS NO ICSF KEY "
		    "STORE; GIVE THE KEY WITH %s(hex), IT IS SEALED UNDER THE "
		    "ESM MASTER KEY",
		    b[SS_KEYLABEL] ? "KEYLABEL" : "EPTKEYLABEL",
		    b[SS_KEYLABEL] ? "KEYMASKED" : "EPTKEYMASKED");
		return -1;
	}
	if (b[SS_KEYMASKED] != NULL && b[SS_KEYENCRYPTED] != NULL) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID KEYWORD, KEYMASKED CONFLICTS WITH "
		    "KEYENCRYPTED");
		return -1;
	}
	/* Both are sealed under the master key here: KEYENCRYPTED is
	 * accepted as the stronger of RACF's two spellings. */
	legacy = b[SS_KEYMASKED] ? b[SS_KEYMASKED] : b[SS_KEYENCRYPTED];
	if (legacy != NULL) {
		if (cmd_ssignon_key(c, legacy,
		        b[SS_KEYMASKED] ? "KEYMASKED" : "KEYENCRYPTED",
		        PTKT_LEGACY, &d->legacy) == -1)
			return -1;
		d->set_legacy = 1;
	}
	if (b[SS_EPTKEYMASKED] != NULL) {
		if (cmd_ssignon_key(c, b[SS_EPTKEYMASKED], "EPTKEYMASKED",
		        PTKT_ENHANCED, &d->enhanced) == -1)
			return -1;
		d->set_enhanced = 1;
	}
	if (b[SS_PTTYPE] != NULL) {
		/* In the order of enum passticket_type. */
		if ((k = cmd_choice(c, b[SS_PTTYPE], "PTTYPE", pttypes)) == -1)
			return -1;
		d->set_type = 1;
		d->type = (enum passticket_type)k;
	}
	if (b[SS_PTTIMEOUT] != NULL) {
		if (cmd_number(c, b[SS_PTTIMEOUT], "PTTIMEOUT", 1, 600, &n) ==
		    -1)
			return -1;
		d->set_timeout = 1;
		d->timeout = (int)n;
	}
	if (b[SS_PTREPLAY] != NULL) {
		if ((k = cmd_choice(c, b[SS_PTREPLAY], "PTREPLAY", yes_no)) ==
		    -1)
			return -1;
		d->set_replay = 1;
		d->replay = k == 0;
	}
	return 0;
}

static enum racf_cmd_rc
cmd_ptkt_define(
    struct cmd *c, const struct racf_command *rc, const char *applid, int alter)
{
	static const struct kw kws[] = {{"SSIGNON", KW_LIST},
	    {"APPLDATA", KW_VALUE}, {"UACC", KW_VALUE}, {"OWNER", KW_VALUE},
	    {NULL, 0}};
	const struct racf_item *b[4] = {NULL, NULL, NULL, NULL};
	struct racf_ptkt_def d;
	char err[SSPR_MAX_ERROR], up[256];
	const char *v;

	memset(&d, 0, sizeof(d));
	if (cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		goto out;
	if (b[0] != NULL && cmd_ssignon(c, b[0], &d) == -1)
		goto out;
	if (b[1] != NULL) {
		if ((v = cmd_value(c, b[1], "APPLDATA")) == NULL)
			goto out;
		if (strlen(v) >= sizeof(d.appldata)) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID APPLDATA, MORE THAN 255 "
			    "CHARACTERS");
			goto out;
		}
		cmd_upper(v, up, sizeof(up));
		strlcpy_s(d.appldata, up, sizeof(d.appldata));
		d.set_appldata = 1;
	}
	if (racf_db_begin(c->r->db) == -1) {
		cmd_dberr(c);
		goto out;
	}
	if (racf_ptkt_define(c->r, applid, &d, alter, err, sizeof(err)) == -1) {
		racf_db_rollback(c->r->db);
		cmd_msg(c, RACF_CMD_FAILED, "%s", err);
		goto out;
	}
	cmd_finish(c);
out:
	secure_zero(&d, sizeof(d));
	return c->rc;
}

static enum racf_cmd_rc
cmd_ptkt_delete(struct cmd *c, const char *applid)
{
	char err[SSPR_MAX_ERROR];
	int found;

	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	found = racf_ptkt_delete(c->r, applid, err, sizeof(err));
	if (found == -1) {
		racf_db_rollback(c->r->db);
		cmd_msg(c, RACF_CMD_ERROR, "ICH51011I RACF DATABASE ERROR: %s",
		    err);
		return c->rc;
	}
	if (!found)
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH12102I %s NOT DEFINED TO CLASS PTKTDATA", applid);
	return cmd_finish(c);
}

static enum racf_cmd_rc
cmd_ptkt_list(struct cmd *c, const char *applid)
{
	struct racf_ptkt_info info;
	char err[SSPR_MAX_ERROR];
	int found;

	found = racf_ptkt_info(c->r, applid, &info, err, sizeof(err));
	if (found == -1) {
		cmd_msg(c, RACF_CMD_ERROR, "ICH51011I RACF DATABASE ERROR: %s",
		    err);
		return c->rc;
	}
	if (!found) {
		cmd_msg(c, RACF_CMD_FAILED, "ICH13003I %s NOT FOUND", applid);
		return c->rc;
	}
	if (racf_list_ptktdata(&info, c->out) == -1)
		cmd_msg(c, RACF_CMD_ERROR, "listing too long");
	return c->rc;
}

/* ---------------------------------------------------------------- *
 * The verbs
 * ---------------------------------------------------------------- */

enum racf_cmd_rc
cmd_rdefine(struct cmd *c, const struct racf_command *rc)
{
	char name[SSPR_MAX_USERID + 1];

	switch (cmd_profile(c, rc, name)) {
	case RES_CFIELD:
		return cmd_cfield_define(c, rc, name);
	case RES_PTKTDATA:
		return cmd_ptkt_define(c, rc, name, 0);
	}
	return c->rc;
}

enum racf_cmd_rc
cmd_ralter(struct cmd *c, const struct racf_command *rc)
{
	char name[SSPR_MAX_USERID + 1];

	switch (cmd_profile(c, rc, name)) {
	case RES_CFIELD:
		/* RACF: TYPE cannot change; this ESM keeps CFDEFs fixed. */
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID CLASS, RALTER CFIELD IS NOT SUPPORTED; "
		    "RDELETE AND RDEFINE THE FIELD");
		break;
	case RES_PTKTDATA:
		return cmd_ptkt_define(c, rc, name, 1);
	}
	return c->rc;
}

enum racf_cmd_rc
cmd_rdelete(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {{NULL, 0}};
	const struct racf_item *b[1] = {NULL};
	char name[SSPR_MAX_USERID + 1];
	int cls = cmd_profile(c, rc, name);

	if (cls == -1 || cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		return c->rc;
	return cls == RES_CFIELD ? cmd_cfield_delete(c, name)
	                         : cmd_ptkt_delete(c, name);
}

enum racf_cmd_rc
cmd_rlist(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {{"CFDEF", KW_BARE},
	    {"SSIGNON", KW_BARE}, {"ALL", KW_BARE}, {NULL, 0}};
	const struct racf_item *b[3] = {NULL, NULL, NULL};
	char name[SSPR_MAX_USERID + 1];
	int cls = cmd_profile(c, rc, name);

	if (cls == -1 || cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		return c->rc;
	return cls == RES_CFIELD ? cmd_cfield_list(c, name)
	                         : cmd_ptkt_list(c, name);
}
