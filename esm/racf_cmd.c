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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esm/racf_cmd_int.h"
#include "compat/banned.h"

/* ---------------------------------------------------------------- *
 * Output
 * ---------------------------------------------------------------- */

void
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

enum racf_cmd_rc
cmd_dberr(struct cmd *c)
{
	racf_db_rollback(c->r->db);
	cmd_msg(c, RACF_CMD_ERROR, "ICH51011I RACF DATABASE ERROR: %s",
	    racf_db_error(c->r->db));
	return RACF_CMD_ERROR;
}

/* End a command's transaction: commit unless a message refused it. */
enum racf_cmd_rc
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
void
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

void
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
int
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
const char *
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
int
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

/* The index of KEYWORD(value) among choices; -1 after a message. */
int
cmd_choice(struct cmd *c, const struct racf_item *it, const char *kwname,
    const char *const *choices)
{
	const char *v = cmd_value(c, it, kwname);
	char up[16], list[64] = "";
	size_t len;
	int i;

	if (v == NULL)
		return -1;
	cmd_upper(v, up, sizeof(up));
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(up, choices[i]) == 0)
			return i;
	for (i = 0; choices[i] != NULL; i++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s",
		    i == 0                   ? ""
		    : choices[i + 1] == NULL ? " OR "
		                             : ", ",
		    choices[i]);
	}
	cmd_msg(c, RACF_CMD_FAILED, "IKJ56702I INVALID %s, MUST BE %s", kwname,
	    list);
	return -1;
}

/* A user or group name from a word; -1 after a message. */
int
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
int
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
    {"RALTER", "RALT", cmd_ralter},
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
