/*
 * racf_cmd.c - the RACF command processor of the embedded ESM (see
 * racf_cmd.h).
 *
 * Each command goes through three steps: racf_parse() builds the item
 * tree; the verb's handler binds items to its keywords (unique prefixes
 * allowed, each keyword at most once) and checks every value; then the
 * handler applies the change inside one write transaction.  Any error in
 * the first two steps changes nothing; an error in the third rolls the
 * transaction back.
 *
 * Messages follow RACF and TSO wording (IKJ567xxI for syntax, ICHxxxxxI for
 * RACF).  Password and phrase values are never quoted in a message.
 */
#include "esm/racf_cmd.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "esm/racf_list.h"
#include "esm/racf_parse.h"
#include "esm/racf_rules.h"
#include "compat/banned.h"

#define CMD_MAX_NAMES 64 /* profiles named in one command */

struct cmd {
	struct racf *r;
	const char *issuer;
	struct strbuf *out;
	enum racf_cmd_rc rc;
};

/* A keyword a verb accepts; flags say what may follow it. */
enum kw_flags {
	KW_VALUE = (1 << 0), /* KEYWORD(value) */
	KW_LIST = (1 << 1),  /* KEYWORD(sub-operands ...) */
	KW_BARE = (1 << 2),  /* KEYWORD alone */
};

struct kw {
	const char *name;
	unsigned flags;
};

/* ---------------------------------------------------------------- *
 * Output
 * ---------------------------------------------------------------- */

static void PRINTF_LIKE(3, 4)
    cmd_msg(struct cmd *c, enum racf_cmd_rc rc, const char *fmt, ...)
{
	va_list ap;
	int ok;

	va_start(ap, fmt);
	ok = strbuf_vaddf(c->out, fmt, ap) == 0 &&
	     strbuf_addch(c->out, '\n') == 0;
	va_end(ap);
	(void)ok; /* a full output buffer loses messages, not changes */
	if (rc > c->rc)
		c->rc = rc;
}

static enum racf_cmd_rc
cmd_dberr(struct cmd *c)
{
	racf_db_rollback(c->r->db);
	cmd_msg(c, RACF_CMD_ERROR, "ICH51011I RACF DATABASE ERROR: %s",
	    racf_db_error(c->r->db));
	return RACF_CMD_ERROR;
}

/* End a command's transaction: commit unless a message refused it. */
static enum racf_cmd_rc
cmd_finish(struct cmd *c)
{
	if (c->rc >= RACF_CMD_FAILED) {
		racf_db_rollback(c->r->db);
		return c->rc;
	}
	if (racf_db_commit(c->r->db) == -1)
		return cmd_dberr(c);
	return c->rc;
}

/* Quote at most 40 printable bytes of untrusted text in a message. */
static void
cmd_safe(const char *in, char *buf, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < size && i < 40; i++)
		buf[i] = isprint((unsigned char)in[i]) ? in[i] : '?';
	buf[i] = '\0';
}

/* ---------------------------------------------------------------- *
 * Keyword binding
 * ---------------------------------------------------------------- */

static void
cmd_upper(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

/* Index of word in kws (exact match, else unique prefix); -1 unknown,
 * -2 ambiguous. */
static int
cmd_kw_find(const struct kw *kws, const char *word)
{
	char up[64];
	size_t len = strlen(word), i;
	int found = -1;

	if (len == 0 || len >= sizeof(up))
		return -1;
	cmd_upper(word, up, sizeof(up));
	for (i = 0; kws[i].name != NULL; i++)
		if (strcmp(kws[i].name, up) == 0)
			return (int)i;
	for (i = 0; kws[i].name != NULL; i++)
		if (strncmp(kws[i].name, up, len) == 0) {
			if (found != -1)
				return -2;
			found = (int)i;
		}
	return found;
}

/*
 * Bind items[from..n) to kws: bound[k] points at the item for kws[k].
 * Returns 0, or -1 after a message (unknown, ambiguous, twice, wrong
 * form).
 */
static int
cmd_bind(struct cmd *c, const struct racf_item *items, size_t n, size_t from,
    const struct kw *kws, const struct racf_item **bound)
{
	char safe[48];
	size_t i;
	int k;

	for (i = from; i < n; i++) {
		const struct racf_item *it = &items[i];

		if (it->word == NULL || it->quoted) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID OPERAND, %s",
			    it->quoted ? "QUOTED STRING" : "(");
			return -1;
		}
		cmd_safe(it->word, safe, sizeof(safe));
		k = cmd_kw_find(kws, it->word);
		if (k == -1) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56712I INVALID KEYWORD, %s", safe);
			return -1;
		}
		if (k == -2) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID KEYWORD, %s IS AMBIGUOUS", safe);
			return -1;
		}
		if (bound[k] != NULL) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID KEYWORD, %s SPECIFIED TWICE",
			    kws[k].name);
			return -1;
		}
		if (it->has_args && !(kws[k].flags & (KW_VALUE | KW_LIST))) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID KEYWORD, %s TAKES NO VALUE",
			    kws[k].name);
			return -1;
		}
		if (!it->has_args && !(kws[k].flags & KW_BARE)) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56701I MISSING %s VALUE", kws[k].name);
			return -1;
		}
		bound[k] = it;
	}
	return 0;
}

/* The single value of KEYWORD(value); NULL after a message. */
static const char *
cmd_value(struct cmd *c, const struct racf_item *it, const char *kwname)
{
	if (it->nargs != 1 || it->args[0].word == NULL ||
	    it->args[0].has_args) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID %s, ONE VALUE EXPECTED", kwname);
		return NULL;
	}
	return it->args[0].word;
}

/* A number in [lo, hi] from KEYWORD(n); -1 after a message. */
static int
cmd_number(struct cmd *c, const struct racf_item *it, const char *kwname,
    long lo, long hi, long *out)
{
	const char *v = cmd_value(c, it, kwname);
	char *end;
	long n;

	if (v == NULL)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi) {
		char safe[48];

		cmd_safe(v, safe, sizeof(safe));
		cmd_msg(c, RACF_CMD_FAILED,
		    "IKJ56702I INVALID %s, %s (MUST BE %ld TO %ld)", kwname,
		    safe, lo, hi);
		return -1;
	}
	*out = n;
	return 0;
}

/* A user or group name from a word; -1 after a message. */
static int
cmd_name(struct cmd *c, const char *word, const char *what, char *out)
{
	char safe[48];

	if (word == NULL || !esm_valid_name(word)) {
		cmd_safe(word ? word : "", safe, sizeof(safe));
		cmd_msg(
		    c, RACF_CMD_FAILED, "IKJ56702I INVALID %s, %s", what, safe);
		return -1;
	}
	cmd_upper(word, out, SSPR_MAX_USERID + 1);
	return 0;
}

/*
 * The profile names that start a command: one word, or an anonymous list
 * of words.  Returns the count (>= 1), or -1 after a message.
 */
static int
cmd_names(struct cmd *c, const struct racf_command *rc, const char *what,
    char (*names)[SSPR_MAX_USERID + 1])
{
	const struct racf_item *it;
	size_t i;

	if (rc->nitems == 0 ||
	    (rc->items[0].word != NULL &&
	        (rc->items[0].has_args || rc->items[0].quoted))) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56701I MISSING %s", what);
		return -1;
	}
	it = &rc->items[0];
	if (it->word != NULL)
		return cmd_name(c, it->word, what, names[0]) == -1 ? -1 : 1;
	if (it->nargs == 0 || it->nargs > CMD_MAX_NAMES) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56702I INVALID %s LIST", what);
		return -1;
	}
	for (i = 0; i < it->nargs; i++)
		if (it->args[i].has_args ||
		    cmd_name(c, it->args[i].word, what, names[i]) == -1) {
			if (it->args[i].has_args)
				cmd_msg(c, RACF_CMD_FAILED,
				    "IKJ56702I INVALID %s LIST", what);
			return -1;
		}
	return (int)it->nargs;
}

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
	if (q->kw[UK_PASSWORD] != NULL) {
		q->password = cmd_value(c, q->kw[UK_PASSWORD], "PASSWORD");
		if (q->password == NULL)
			return -1;
		if (strlen(q->password) < 1 ||
		    strlen(q->password) > SSPR_MAX_PASSWORD) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID PASSWORD, MUST BE 1 TO 8 "
			    "CHARACTERS");
			return -1;
		}
	}
	if (q->kw[UK_PHRASE] != NULL) {
		q->phrase = cmd_value(c, q->kw[UK_PHRASE], "PHRASE");
		if (q->phrase == NULL)
			return -1;
		if (strlen(q->phrase) < 9 ||
		    strlen(q->phrase) > SSPR_MAX_PHRASE) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID PHRASE, MUST BE 9 TO 100 "
			    "CHARACTERS");
			return -1;
		}
	}
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

/* Apply the checked request q to the profile u (inside a transaction). */
static int
cmd_user_apply(struct cmd *c, struct racf_user_rec *u, struct user_req *q,
    const struct racf_setropts *opts)
{
	unsigned flags = q->kw[UK_NOEXPIRED] != NULL ? ESM_SET_NOEXPIRED : 0;
	struct esm_err err;

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
	if (q->password != NULL && racf_user_set_secret(c->r, u, opts,
	                               q->password, flags, &err) != ESM_OK) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH21011I PASSWORD NOT CHANGED FOR %s. %s", u->userid,
		    err.msg);
		return -1;
	}
	if (q->phrase != NULL && racf_user_set_secret(c->r, u, opts, q->phrase,
	                             flags, &err) != ESM_OK) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH21011I PASSWORD PHRASE NOT CHANGED FOR %s. %s",
		    u->userid, err.msg);
		return -1;
	}
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

static enum racf_cmd_rc
cmd_adduser(struct cmd *c, const struct racf_command *rc)
{
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	struct racf_setropts opts;
	struct racf_user_rec u;
	struct racf_connect con;
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
		if (racf_db_group_exists(c->r->db, names[i]) == 1) {
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
		memset(&con, 0, sizeof(con));
		strlcpy_s(con.group, u.dfltgrp, sizeof(con.group));
		strlcpy_s(con.owner, u.owner, sizeof(con.owner));
		con.created = now;
		if (racf_db_connect_add(c->r->db, u.userid, &con) == -1)
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

static enum racf_cmd_rc
cmd_altuser(struct cmd *c, const struct racf_command *rc)
{
	char names[CMD_MAX_NAMES][SSPR_MAX_USERID + 1];
	struct racf_setropts opts;
	struct racf_user_rec u;
	struct racf_connect con;
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
		if (q.dfltgrp[0] != '\0') {
			memset(&con, 0, sizeof(con));
			strlcpy_s(con.group, q.dfltgrp, sizeof(con.group));
			strlcpy_s(con.owner, c->issuer, sizeof(con.owner));
			con.created = racf_now(c->r);
			if (racf_db_connect_add(c->r->db, u.userid, &con) == -1)
				goto dberr;
		}
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

static enum racf_cmd_rc
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

static enum racf_cmd_rc
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

static enum racf_cmd_rc
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

static enum racf_cmd_rc
cmd_connect_add(struct cmd *c, const struct racf_command *rc)
{
	return cmd_connect(c, rc, 0);
}

static enum racf_cmd_rc
cmd_remove(struct cmd *c, const struct racf_command *rc)
{
	return cmd_connect(c, rc, 1);
}

/* ---------------------------------------------------------------- *
 * RDEFINE, RDELETE, RLIST (CFIELD)
 * ---------------------------------------------------------------- */

/* The class and profile operands; the field name for CFIELD. */
static int
cmd_profile(struct cmd *c, const struct racf_command *rc, char *field)
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
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH09007I CLASS PTKTDATA IS NOT ACTIVE IN THIS ESM");
		return -1;
	}
	if (strcmp(cls, "CFIELD") != 0) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56702I INVALID CLASS NAME, %s",
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
	strlcpy_s(field, prof + 12, SSPR_MAX_FIELD_NAME + 1);
	return 0;
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
	static const char *const types[] = {"CHAR", "NUM", "HEX", "FLAG"};
	static const int maxlen[] = {1100, 10, 512, 3};
	const struct racf_item *b[CF_COUNT] = {NULL};
	const struct racf_item *len;
	char up[16];
	const char *v;
	long n;
	size_t i;

	if (cmd_bind(c, it->args, it->nargs, 0, kws, b) == -1)
		return -1;
	d->type = RACF_CF_CHAR;
	if (b[CF_TYPE] != NULL) {
		if ((v = cmd_value(c, b[CF_TYPE], "TYPE")) == NULL)
			return -1;
		cmd_upper(v, up, sizeof(up));
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (strcmp(up, types[i]) == 0)
				break;
		if (i == ARRAY_SIZE(types)) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID TYPE, MUST BE CHAR, NUM, HEX "
			    "OR FLAG");
			return -1;
		}
		d->type = (enum racf_cftype)i;
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
		if ((v = cmd_value(c, b[CF_MIXED], "MIXED")) == NULL)
			return -1;
		cmd_upper(v, up, sizeof(up));
		if (strcmp(up, "YES") != 0 && strcmp(up, "NO") != 0) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID MIXED, MUST BE YES OR NO");
			return -1;
		}
		if (up[0] == 'Y' && d->type != RACF_CF_CHAR) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID MIXED, ONLY FOR TYPE(CHAR)");
			return -1;
		}
		d->mixed = up[0] == 'Y';
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

static enum racf_cmd_rc
cmd_rdefine(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {{"CFDEF", KW_LIST}, {"UACC", KW_VALUE},
	    {"OWNER", KW_VALUE}, {NULL, 0}};
	const struct racf_item *b[3] = {NULL, NULL, NULL};
	struct racf_cfdef d, old;
	int found;

	memset(&d, 0, sizeof(d));
	if (cmd_profile(c, rc, d.name) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
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
	if (found) {
		racf_db_rollback(c->r->db);
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH10102I USER.CSDATA.%s ALREADY DEFINED TO CLASS CFIELD",
		    d.name);
		return c->rc;
	}
	if (racf_db_cfdef_put(c->r->db, &d) == -1 ||
	    racf_db_commit(c->r->db) == -1)
		return cmd_dberr(c);
	return c->rc;
}

static enum racf_cmd_rc
cmd_rdelete(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {{NULL, 0}};
	const struct racf_item *b[1] = {NULL};
	char field[SSPR_MAX_FIELD_NAME + 1];
	int found;

	if (cmd_profile(c, rc, field) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1)
		return cmd_dberr(c);
	if ((found = racf_db_cfdef_delete(c->r->db, field)) == -1)
		return cmd_dberr(c);
	if (!found) {
		racf_db_rollback(c->r->db);
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH12102I USER.CSDATA.%s NOT DEFINED TO CLASS CFIELD",
		    field);
		return c->rc;
	}
	if (racf_db_commit(c->r->db) == -1)
		return cmd_dberr(c);
	return c->rc;
}

static enum racf_cmd_rc
cmd_rlist(struct cmd *c, const struct racf_command *rc)
{
	static const struct kw kws[] = {
	    {"CFDEF", KW_BARE}, {"ALL", KW_BARE}, {NULL, 0}};
	const struct racf_item *b[2] = {NULL, NULL};
	struct racf_cfdef d;
	int found;

	if (cmd_profile(c, rc, d.name) == -1 ||
	    cmd_bind(c, rc->items, rc->nitems, 2, kws, b) == -1)
		return c->rc;
	if ((found = racf_db_cfdef_get(c->r->db, d.name, &d)) == -1)
		return cmd_dberr(c);
	if (!found) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH13003I USER.CSDATA.%s NOT FOUND", d.name);
		return c->rc;
	}
	if (racf_list_cfield(&d, c->out) == -1)
		cmd_msg(c, RACF_CMD_ERROR, "listing too long");
	return c->rc;
}

/* ---------------------------------------------------------------- *
 * SETROPTS
 * ---------------------------------------------------------------- */

/* RULEn(LENGTH(m:n) content(positions) ...) into rule. */
static int
cmd_rule(struct cmd *c, const struct racf_item *it, struct racf_rule *rule)
{
	const char *v;
	char *end;
	long lo, hi;
	size_t i;
	int have_len = 0, cls;
	char up[32], spec[64];

	racf_rule_init(rule, 1, 8);
	for (i = 0; i < it->nargs; i++) {
		const struct racf_item *a = &it->args[i];

		if (a->word == NULL || !a->has_args || a->quoted) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID RULE OPERAND");
			return -1;
		}
		cmd_upper(a->word, up, sizeof(up));
		if (strcmp(up, "LENGTH") == 0) {
			if ((v = cmd_value(c, a, "LENGTH")) == NULL)
				return -1;
			lo = strtol(v, &end, 10);
			hi = lo;
			if (*end == ':')
				hi = strtol(end + 1, &end, 10);
			if (end == v || *end != '\0' || lo < 1 || hi > 8 ||
			    lo > hi) {
				cmd_msg(c, RACF_CMD_FAILED,
				    "IKJ56702I INVALID LENGTH, MUST BE m:n "
				    "WITH 1 <= m <= n <= 8");
				return -1;
			}
			rule->min = (int)lo;
			rule->max = (int)hi;
			have_len = 1;
			continue;
		}
		if ((cls = racf_rule_class(up)) == 0) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56712I INVALID KEYWORD, %s", up);
			return -1;
		}
		/* Positions: 1 3:5 or (1,3:5) come as separate words. */
		spec[0] = '\0';
		for (size_t k = 0; k < a->nargs; k++) {
			if (a->args[k].word == NULL || a->args[k].has_args ||
			    strlen(spec) + strlen(a->args[k].word) + 2 >
			        sizeof(spec))
				break;
			if (k > 0)
				(void)strlcpy_s(spec + strlen(spec), " ",
				    sizeof(spec) - strlen(spec));
			(void)strlcpy_s(spec + strlen(spec), a->args[k].word,
			    sizeof(spec) - strlen(spec));
		}
		if (racf_rule_set_positions(rule, cls, spec) == -1) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID %s POSITIONS, MUST BE 1-8", up);
			return -1;
		}
	}
	if (!have_len) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56701I MISSING RULE LENGTH");
		return -1;
	}
	return 0;
}

/* Insert or replace rule number no in pol. */
static void
cmd_rule_put(struct racf_pwpolicy *pol, int no, const struct racf_rule *r)
{
	int i, j;

	for (i = 0; i < pol->nrules; i++)
		if (pol->rule_no[i] == no) {
			pol->rules[i] = *r;
			return;
		}
	for (i = 0; i < pol->nrules && pol->rule_no[i] < no; i++)
		;
	for (j = pol->nrules; j > i; j--) {
		pol->rule_no[j] = pol->rule_no[j - 1];
		pol->rules[j] = pol->rules[j - 1];
	}
	pol->rule_no[i] = no;
	pol->rules[i] = *r;
	pol->nrules++;
}

static void
cmd_rule_del(struct racf_pwpolicy *pol, int no)
{
	int i, j;

	for (i = 0; i < pol->nrules; i++)
		if (pol->rule_no[i] == no) {
			for (j = i; j + 1 < pol->nrules; j++) {
				pol->rule_no[j] = pol->rule_no[j + 1];
				pol->rules[j] = pol->rules[j + 1];
			}
			pol->nrules--;
			return;
		}
}

/* PASSWORD(...) sub-operands applied to s. */
static int
cmd_setr_password(
    struct cmd *c, const struct racf_item *it, struct racf_setropts *s)
{
	char up[32];
	long n;
	size_t i;

	for (i = 0; i < it->nargs; i++) {
		const struct racf_item *a = &it->args[i];

		if (a->word == NULL || a->quoted) {
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56702I INVALID PASSWORD OPERAND");
			return -1;
		}
		cmd_upper(a->word, up, sizeof(up));
		if (a->has_args && strcmp(up, "HISTORY") == 0) {
			if (cmd_number(c, a, "HISTORY", 1, 32, &n) == -1)
				return -1;
			s->history = (int)n;
		} else if (a->has_args && strcmp(up, "INTERVAL") == 0) {
			if (cmd_number(c, a, "INTERVAL", 1, 254, &n) == -1)
				return -1;
			s->interval = (int)n;
		} else if (a->has_args && strcmp(up, "MINCHANGE") == 0) {
			if (cmd_number(c, a, "MINCHANGE", 0, 254, &n) == -1)
				return -1;
			s->minchange = (int)n;
		} else if (a->has_args && strcmp(up, "REVOKE") == 0) {
			if (cmd_number(c, a, "REVOKE", 1, 255, &n) == -1)
				return -1;
			s->revoke = (int)n;
		} else if (a->has_args && strcmp(up, "WARNING") == 0) {
			if (cmd_number(c, a, "WARNING", 1, 255, &n) == -1)
				return -1;
			s->warning = (int)n;
		} else if (!a->has_args && strcmp(up, "NOHISTORY") == 0) {
			s->history = 0;
		} else if (!a->has_args && strcmp(up, "NOREVOKE") == 0) {
			s->revoke = 0;
		} else if (!a->has_args && strcmp(up, "NOWARNING") == 0) {
			s->warning = 0;
		} else if (!a->has_args && strcmp(up, "MIXEDCASE") == 0) {
			s->pol.mixedcase = 1;
		} else if (!a->has_args && strcmp(up, "NOMIXEDCASE") == 0) {
			s->pol.mixedcase = 0;
		} else if (!a->has_args && strcmp(up, "SPECIALCHARS") == 0) {
			s->pol.specialchars = 1;
		} else if (!a->has_args && strcmp(up, "NOSPECIALCHARS") == 0) {
			s->pol.specialchars = 0;
		} else if (!a->has_args && strcmp(up, "NORULES") == 0) {
			s->pol.nrules = 0;
		} else if (strncmp(up, "RULE", 4) == 0 && up[4] >= '1' &&
		           up[4] <= '8' && up[5] == '\0' && a->has_args) {
			struct racf_rule rule;

			if (cmd_rule(c, a, &rule) == -1)
				return -1;
			cmd_rule_put(&s->pol, up[4] - '0', &rule);
		} else if (strncmp(up, "NORULE", 6) == 0 && up[6] >= '1' &&
		           up[6] <= '8' && up[7] == '\0' && !a->has_args) {
			cmd_rule_del(&s->pol, up[6] - '0');
		} else {
			char safe[48];

			cmd_safe(a->word, safe, sizeof(safe));
			cmd_msg(c, RACF_CMD_FAILED,
			    "IKJ56712I INVALID KEYWORD, %s", safe);
			return -1;
		}
	}
	return 0;
}

static enum racf_cmd_rc
cmd_setropts(struct cmd *c, const struct racf_command *rc)
{
	enum { S_PASSWORD, S_INACTIVE, S_NOINACTIVE, S_LIST, S_COUNT };
	static const struct kw kws[] = {
	    [S_PASSWORD] = {"PASSWORD", KW_LIST},
	    [S_INACTIVE] = {"INACTIVE", KW_VALUE},
	    [S_NOINACTIVE] = {"NOINACTIVE", KW_BARE},
	    [S_LIST] = {"LIST", KW_BARE},
	    [S_COUNT] = {NULL, 0},
	};
	const struct racf_item *b[S_COUNT] = {NULL};
	struct racf_setropts s;
	long n;

	if (rc->nitems == 0) {
		cmd_msg(c, RACF_CMD_FAILED, "IKJ56701I MISSING OPERAND");
		return c->rc;
	}
	if (cmd_bind(c, rc->items, rc->nitems, 0, kws, b) == -1)
		return c->rc;
	if (racf_db_begin(c->r->db) == -1 ||
	    racf_db_setropts_get(c->r->db, &s) == -1)
		return cmd_dberr(c);
	if (b[S_PASSWORD] != NULL &&
	    cmd_setr_password(c, b[S_PASSWORD], &s) == -1)
		goto fail;
	if (b[S_INACTIVE] != NULL) {
		if (cmd_number(c, b[S_INACTIVE], "INACTIVE", 1, 255, &n) == -1)
			goto fail;
		s.inactive = (int)n;
	}
	if (b[S_NOINACTIVE] != NULL)
		s.inactive = 0;
	if (s.minchange > s.interval) {
		cmd_msg(c, RACF_CMD_FAILED,
		    "ICH14083I MINCHANGE VALUE %d IS GREATER THAN THE "
		    "INTERVAL VALUE %d. SETROPTS COMMAND PROCESSING ENDED.",
		    s.minchange, s.interval);
		goto fail;
	}
	if (racf_db_setropts_put(c->r->db, &s) == -1 ||
	    racf_db_commit(c->r->db) == -1)
		return cmd_dberr(c);
	if (b[S_LIST] != NULL && racf_list_setropts(&s, c->out) == -1)
		cmd_msg(c, RACF_CMD_ERROR, "listing too long");
	return c->rc;
fail:
	racf_db_rollback(c->r->db);
	return c->rc;
}

/* ---------------------------------------------------------------- *
 * Dispatch
 * ---------------------------------------------------------------- */

static const struct {
	const char *name, *abbrev;
	enum racf_cmd_rc (*fn)(struct cmd *, const struct racf_command *);
} cmd_verbs[] = {
    {"ADDUSER", "AU", cmd_adduser},
    {"ALTUSER", "ALU", cmd_altuser},
    {"LISTUSER", "LU", cmd_listuser},
    {"DELUSER", "DU", cmd_deluser},
    {"ADDGROUP", "AG", cmd_addgroup},
    {"CONNECT", "CO", cmd_connect_add},
    {"REMOVE", "RE", cmd_remove},
    {"RDEFINE", "RDEF", cmd_rdefine},
    {"RDELETE", "RDEL", cmd_rdelete},
    {"RLIST", "RL", cmd_rlist},
    {"SETROPTS", "SETR", cmd_setropts},
};

enum racf_cmd_rc
racf_cmd_run(struct racf *r, const char *issuer, const char *text, size_t len,
    struct strbuf *out)
{
	struct cmd c = {.r = r, .issuer = issuer, .out = out};
	struct racf_command *rc;
	char err[SSPR_MAX_ERROR], verb[16], safe[48];
	size_t i;

	if (racf_parse(text, len, &rc, err, sizeof(err)) == -1) {
		cmd_msg(&c, RACF_CMD_FAILED, "%s", err);
		return c.rc;
	}
	cmd_upper(rc->verb, verb, sizeof(verb));
	for (i = 0; i < ARRAY_SIZE(cmd_verbs); i++)
		if (strcmp(verb, cmd_verbs[i].name) == 0 ||
		    strcmp(verb, cmd_verbs[i].abbrev) == 0)
			break;
	if (i == ARRAY_SIZE(cmd_verbs) || strlen(rc->verb) >= sizeof(verb)) {
		cmd_safe(rc->verb, safe, sizeof(safe));
		cmd_msg(&c, RACF_CMD_FAILED, "IKJ56500I COMMAND %s NOT FOUND",
		    safe);
	} else
		(void)cmd_verbs[i].fn(&c, rc);
	racf_command_free(rc);
	return c.rc;
}
