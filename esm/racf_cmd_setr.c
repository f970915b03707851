/*
 * racf_cmd_setr.c - SETROPTS: the password options, syntax rules and
 * INACTIVE of the embedded ESM, and SETROPTS LIST.
 */
#include "esm/racf_cmd_int.h"

#include <stdlib.h>
#include <string.h>

#include "esm/racf_list.h"
#include "esm/racf_rules.h"

#include "compat/banned.h"

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

enum racf_cmd_rc
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
