/*
 * racf_list.c - RACF's listings of the embedded ESM (see racf_list.h):
 * LISTUSER [CSDATA], SETROPTS LIST (password section) and RLIST CFIELD.
 *
 * Column widths follow real RACF output: USER= unpadded, NAME= 20 columns
 * (UNKNOWN unpadded), OWNER= and DEFAULT-GROUP= 8, PASSDATE= 6,
 * PASS-INTERVAL= 3 right-aligned.  Each listing is built in a private
 * buffer and appended to the caller's only when complete, so a failure
 * leaves out unchanged.  Strings read from the profile are printed with
 * control characters replaced, so no stored value can forge a line.  No
 * hash is ever formatted: only CSDATA values, which RACF prints, and
 * profile fields that are not secrets.
 */
#include "esm/racf_list.h"
#include "esm/racf_ptkt.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define RACF_LIST_DATE     16 /* "yy.ddd" (7) with room to spare */
#define RACF_LIST_TIME     32 /* "yy.ddd/hh:mm:ss" (16) with room */
#define RACF_LIST_CONNECTS 16 /* first guess at a user's connects */

/* Append s with C0 controls and DEL shown as '.', then blanks up to
 * width columns. */
static int
racf_list_add(struct strbuf *sb, const char *s, size_t width)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];
		char shown = c < 0x20 || c == 0x7f ? '.' : (char)c;

		if (strbuf_addch(sb, shown) == -1)
			return -1;
	}
	for (; n < width; n++)
		if (strbuf_addch(sb, ' ') == -1)
			return -1;
	return 0;
}

void
racf_list_date(time_t t, char *buf, size_t size)
{
	struct tm tm;
	int yy;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		(void)snprintf(buf, size, "00.000");
		return;
	}
	yy = ((tm.tm_year + 1900) % 100 + 100) % 100;
	(void)snprintf(buf, size, "%02d.%03d", yy, tm.tm_yday + 1);
}

/* "yy.ddd/hh:mm:ss" of t in UTC, or UNKNOWN when t is 0. */
static void
racf_list_stamp(time_t t, char *buf, size_t size)
{
	char date[RACF_LIST_DATE];
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		(void)snprintf(buf, size, "UNKNOWN");
		return;
	}
	racf_list_date(t, date, sizeof(date));
	(void)snprintf(buf, size, "%s/%02d:%02d:%02d", date, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* PASSDATE / PHRASEDATE: N/A when not set, 00.000 when expired. */
static void
racf_list_creddate(const struct racf_cred *c, char *buf, size_t size)
{
	if (!c->set)
		(void)snprintf(buf, size, "N/A");
	else if (c->expired)
		(void)snprintf(buf, size, "00.000");
	else
		racf_list_date(c->changed, buf, size);
}

/* Read every connect of userid: *out (free it) and *n, or -1. */
static int
racf_list_connects(
    struct racf *r, const char *userid, struct racf_connect **out, int *n)
{
	struct racf_connect *c = NULL;
	int cap = RACF_LIST_CONNECTS, got;

	for (;;) {
		c = xcalloc((size_t)cap, sizeof(*c));
		got = racf_db_connects(r->db, userid, c, cap);
		if (got == -1) {
			free(c);
			return -1;
		}
		if (got < cap || cap > INT_MAX / 2)
			break;
		free(c); /* there may be more: read them all again */
		cap *= 2;
	}
	*out = c;
	*n = got;
	return 0;
}

/* The base segment up to and including the LOGON ALLOWED table. */
static int
racf_list_base(const struct racf_user_rec *u, const struct racf_setropts *opts,
    struct strbuf *sb)
{
	char created[RACF_LIST_DATE], pass[RACF_LIST_DATE];
	char phrase[RACF_LIST_DATE], revoke[RACF_LIST_DATE];
	char interval[RACF_LIST_DATE], access[RACF_LIST_TIME];
	const char *attrs;

	racf_list_date(u->created, created, sizeof(created));
	racf_list_creddate(&u->pw, pass, sizeof(pass));
	racf_list_creddate(&u->ph, phrase, sizeof(phrase));
	if (opts->interval > 0)
		(void)snprintf(
		    interval, sizeof(interval), "%3d", opts->interval);
	else
		(void)snprintf(interval, sizeof(interval), "N/A");
	if (u->revoked && u->revoke_date != 0)
		racf_list_date(u->revoke_date, revoke, sizeof(revoke));
	else
		(void)snprintf(revoke, sizeof(revoke), "NONE");
	racf_list_stamp(u->last_access, access, sizeof(access));
	if (u->special && u->revoked)
		attrs = "SPECIAL REVOKED";
	else if (u->special)
		attrs = "SPECIAL";
	else if (u->revoked)
		attrs = "REVOKED";
	else
		attrs = "NONE";

	if (strbuf_addstr(sb, "USER=") == -1 ||
	    racf_list_add(sb, u->userid, 0) == -1 ||
	    strbuf_addstr(sb, "  NAME=") == -1 ||
	    racf_list_add(sb, u->name[0] != '\0' ? u->name : "UNKNOWN",
	        u->name[0] != '\0' ? SSPR_MAX_NAME : 0) == -1 ||
	    strbuf_addstr(sb, "  OWNER=") == -1 ||
	    racf_list_add(sb, u->owner, SSPR_MAX_USERID) == -1 ||
	    strbuf_addf(sb, "  CREATED=%s\n", created) == -1)
		return -1;
	if (strbuf_addstr(sb, " DEFAULT-GROUP=") == -1 ||
	    racf_list_add(sb, u->dfltgrp, SSPR_MAX_GROUP) == -1 ||
	    strbuf_addf(sb, " PASSDATE=%-6s PASS-INTERVAL=%s PHRASEDATE=%s\n",
	        pass, interval, phrase) == -1)
		return -1;
	return strbuf_addf(sb,
	    " ATTRIBUTES=%s\n"
	    " REVOKE DATE=%s   RESUME DATE=NONE\n"
	    " LAST-ACCESS=%s\n"
	    " CLASS AUTHORIZATIONS=NONE\n"
	    " NO-INSTALLATION-DATA\n"
	    " NO-MODEL-NAME\n"
	    " LOGON ALLOWED   (DAYS)          (TIME)\n"
	    " ---------------------------------------------\n"
	    " ANYDAY                          ANYTIME\n",
	    attrs, revoke, access);
}

/* One GROUP= block. */
static int
racf_list_connect(const struct racf_connect *c, struct strbuf *sb)
{
	char date[RACF_LIST_DATE];

	racf_list_date(c->created, date, sizeof(date));
	if (strbuf_addstr(sb, "  GROUP=") == -1 ||
	    racf_list_add(sb, c->group, SSPR_MAX_GROUP) == -1 ||
	    strbuf_addstr(sb, "  AUTH=USE      CONNECT-OWNER=") == -1 ||
	    racf_list_add(sb, c->owner, SSPR_MAX_USERID) == -1)
		return -1;
	return strbuf_addf(sb,
	    "  CONNECT-DATE=%s\n"
	    "    CONNECTS=    00  UACC=NONE     LAST-CONNECT=UNKNOWN\n"
	    "    CONNECT ATTRIBUTES=NONE\n"
	    "    REVOKE DATE=NONE   RESUME DATE=NONE\n",
	    date);
}

struct racf_list_cs {
	struct strbuf *sb;
	int n; /* values listed */
};

static int
racf_list_csvalue(const char *field, const char *value, void *arg)
{
	struct racf_list_cs *cs = arg;

	cs->n++;
	if (racf_list_add(cs->sb, field, 0) == -1 ||
	    strbuf_addstr(cs->sb, "= ") == -1 ||
	    racf_list_add(cs->sb, value, 0) == -1 ||
	    strbuf_addch(cs->sb, '\n') == -1)
		return -1;
	return 0;
}

/* The "CSDATA INFORMATION" section of u into sb. */
static int
racf_list_csdata(
    struct racf *r, const struct racf_user_rec *u, struct strbuf *sb)
{
	struct racf_list_cs cs = {.sb = sb, .n = 0};

	if (strbuf_addstr(sb, " \n"
	                      "CSDATA INFORMATION\n"
	                      "------------------\n") == -1)
		return -1;
	if (racf_db_csdata_each(r->db, u->userid, racf_list_csvalue, &cs) != 0)
		return -1;
	if (cs.n == 0 && strbuf_addstr(sb, "NONE\n") == -1)
		return -1;
	return 0;
}

int
racf_list_user_csdata(
    struct racf *r, const struct racf_user_rec *u, struct strbuf *out)
{
	struct strbuf sb;
	int rv = -1;

	strbuf_init(&sb, out->max);
	if (racf_list_csdata(r, u, &sb) == 0 &&
	    strbuf_add(out, sb.buf, sb.len) == 0)
		rv = 0;
	strbuf_release(&sb);
	return rv;
}

int
racf_list_user(struct racf *r, const struct racf_user_rec *u,
    const struct racf_setropts *opts, int csdata, struct strbuf *out)
{
	struct racf_connect *c = NULL;
	struct strbuf sb;
	int i, n = 0, rv = -1;

	strbuf_init(&sb, out->max);
	if (racf_list_connects(r, u->userid, &c, &n) == -1)
		goto out;
	if (racf_list_base(u, opts, &sb) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (racf_list_connect(&c[i], &sb) == -1)
			goto out;
	if (strbuf_addstr(&sb, "SECURITY-LEVEL=NONE SPECIFIED\n"
	                       "CATEGORY-AUTHORIZATION\n"
	                       " NONE SPECIFIED\n"
	                       "SECURITY-LABEL=NONE SPECIFIED\n") == -1)
		goto out;
	if (u->email[0] != '\0' && (strbuf_addstr(&sb, " \n"
	                                               "WORKATTR INFORMATION\n"
	                                               "--------------------\n"
	                                               "WAEMAIL= ") == -1 ||
	                               racf_list_add(&sb, u->email, 0) == -1 ||
	                               strbuf_addch(&sb, '\n') == -1))
		goto out;
	if (csdata && racf_list_csdata(r, u, &sb) == -1)
		goto out;
	if (strbuf_add(out, sb.buf, sb.len) == -1)
		goto out;
	rv = 0;
out:
	free(c);
	strbuf_release(&sb);
	return rv;
}

int
racf_list_setropts(const struct racf_setropts *opts, struct strbuf *out)
{
	const struct racf_pwpolicy *pol = &opts->pol;
	struct strbuf sb;
	int i, nrules, rv = -1;

	strbuf_init(&sb, out->max);
	if (strbuf_addstr(&sb, "PASSWORD PROCESSING OPTIONS:\n") == -1)
		goto out;
	if ((opts->interval > 0
	            ? strbuf_addf(&sb, "PASSWORD CHANGE INTERVAL IS %d DAYS.\n",
	                  opts->interval)
	            : strbuf_addstr(&sb, "PASSWORDS DO NOT EXPIRE.\n")) == -1)
		goto out;
	if (strbuf_addf(&sb, "PASSWORD MINIMUM CHANGE INTERVAL IS %d DAYS.\n",
	        opts->minchange) == -1)
		goto out;
	if (strbuf_addf(&sb, "MIXED CASE PASSWORD SUPPORT IS %sIN EFFECT.\n",
	        pol->mixedcase ? "" : "NOT ") == -1)
		goto out;
	if (strbuf_addf(&sb, "SPECIAL CHARACTERS ARE %sALLOWED.\n",
	        pol->specialchars ? "" : "NOT ") == -1)
		goto out;
	if ((opts->history > 0
	            ? strbuf_addf(&sb,
	                  "%d GENERATIONS OF PREVIOUS PASSWORDS BEING "
	                  "MAINTAINED.\n",
	                  opts->history)
	            : strbuf_addstr(&sb,
	                  "NO PASSWORD HISTORY BEING MAINTAINED.\n")) == -1)
		goto out;
	if ((opts->revoke > 0
	            ? strbuf_addf(&sb,
	                  "AFTER %d CONSECUTIVE UNSUCCESSFUL PASSWORD "
	                  "ATTEMPTS, "
	                  "A USERID WILL BE REVOKED.\n",
	                  opts->revoke)
	            : strbuf_addstr(&sb,
	                  "USERIDS NOT BEING AUTOMATICALLY REVOKED.\n")) == -1)
		goto out;
	if ((opts->warning > 0
	            ? strbuf_addf(&sb,
	                  "PASSWORD EXPIRATION WARNING LEVEL IS %d DAYS.\n",
	                  opts->warning)
	            : strbuf_addstr(&sb,
	                  "NO PASSWORD EXPIRATION WARNING MESSAGES WILL BE "
	                  "ISSUED.\n")) == -1)
		goto out;

	nrules = pol->nrules;
	if (nrules > SSPR_MAX_RULES)
		nrules = SSPR_MAX_RULES;
	if (nrules <= 0) {
		if (strbuf_addstr(
		        &sb, "NO INSTALLATION PASSWORD SYNTAX RULES.\n") == -1)
			goto out;
	} else {
		if (strbuf_addstr(
		        &sb, "INSTALLATION PASSWORD SYNTAX RULES:\n") == -1)
			goto out;
		for (i = 0; i < nrules; i++) {
			const struct racf_rule *rule = &pol->rules[i];
			int shown = rule->max;

			/* the content string, as long as the longest
			 * password the rule allows */
			if (shown < 0)
				shown = 0;
			if (shown > SSPR_MAX_PASSWORD)
				shown = SSPR_MAX_PASSWORD;
			if (strbuf_addf(&sb,
			        "    RULE %d  LENGTH(%d:%d)   %.*s\n",
			        pol->rule_no[i], rule->min, rule->max, shown,
			        rule->content) == -1)
				goto out;
		}
		if (strbuf_addstr(&sb,
		        "LEGEND:\n"
		        "A-ALPHA C-CONSONANT L-ALPHANUM N-NUMERIC V-VOWEL "
		        "W-NOVOWEL *-ANYTHING\n"
		        "c-MIXED CONSONANT m-MIXED NUMERIC v-MIXED VOWEL "
		        "$-NATIONAL s-SPECIAL\n"
		        "x-MIXED ALL\n") == -1)
			goto out;
	}

	if ((opts->inactive > 0
	            ? strbuf_addf(&sb,
	                  "INACTIVE USERIDS ARE BEING AUTOMATICALLY REVOKED "
	                  "AFTER %d DAYS.\n",
	                  opts->inactive)
	            : strbuf_addstr(&sb,
	                  "INACTIVE USERIDS ARE NOT BEING AUTOMATICALLY "
	                  "REVOKED.\n")) == -1)
		goto out;
	if (strbuf_addstr(&sb,
	        "THE ACTIVE PASSWORD ENCRYPTION ALGORITHM IS ARGON2ID\n") == -1)
		goto out;
	if (strbuf_add(out, sb.buf, sb.len) == -1)
		goto out;
	rv = 0;
out:
	strbuf_release(&sb);
	return rv;
}

/* "NONE" or the number, into buf. */
static const char *
racf_list_opt(int has, long long v, char *buf, size_t size)
{
	if (!has)
		return "NONE";
	(void)snprintf(buf, size, "%lld", v);
	return buf;
}

int
racf_list_cfield(const struct racf_cfdef *def, struct strbuf *out)
{
	char maxlen[32], maxval[32], minval[32];
	const char *type, *chars;
	struct strbuf sb;
	int num = def->type == RACF_CF_NUM, rv = -1;

	switch (def->type) {
	case RACF_CF_CHAR:
		type = "CHAR";
		break;
	case RACF_CF_NUM:
		type = "NUM";
		break;
	case RACF_CF_HEX:
		type = "HEX";
		break;
	case RACF_CF_FLAG:
		type = "FLAG";
		break;
	default:
		type = "UNKNOWN";
		break;
	}
	chars = num ? "NUMERIC" : "ANY";

	strbuf_init(&sb, out->max);
	if (strbuf_addstr(&sb, "CLASS      NAME\n"
	                       "-----      ----\n"
	                       "CFIELD     USER.CSDATA.") == -1 ||
	    racf_list_add(&sb, def->name, 0) == -1)
		goto out;
	if (strbuf_addf(&sb,
	        "\n"
	        " \n"
	        "CFDEF INFORMATION\n"
	        "-----------------\n"
	        "TYPE = %s\n"
	        "MAXLENGTH = %s\n"
	        "MAXVALUE = %s\n"
	        "MINVALUE = %s\n"
	        "FIRST = %s\n"
	        "OTHER = %s\n"
	        "MIXED = %s\n"
	        "HELP = NONE\n",
	        type,
	        racf_list_opt(
	            def->maxlength > 0, def->maxlength, maxlen, sizeof(maxlen)),
	        racf_list_opt(
	            num && def->has_max, def->maxvalue, maxval, sizeof(maxval)),
	        racf_list_opt(
	            num && def->has_min, def->minvalue, minval, sizeof(minval)),
	        chars, chars, def->mixed ? "YES" : "NO") == -1)
		goto out;
	if (strbuf_add(out, sb.buf, sb.len) == -1)
		goto out;
	rv = 0;
out:
	strbuf_release(&sb);
	return rv;
}

int
racf_list_ptktdata(const struct racf_ptkt_info *p, struct strbuf *out)
{
	struct strbuf sb;
	int ok, rv = -1;

	strbuf_init(&sb, out->max);
	ok = strbuf_addf(&sb,
	         "CLASS      NAME\n"
	         "-----      ----\n"
	         "PTKTDATA   %s\n"
	         " \n"
	         "APPLICATION DATA\n"
	         "----------------\n"
	         "%s\n"
	         " \n"
	         "SSIGNON INFORMATION\n"
	         "-------------------\n",
	         p->applid, p->appldata[0] ? p->appldata : "NONE") == 0;
	if (ok && p->has_legacy)
		ok = strbuf_addf(&sb,
		         "KEYMASKED DATA SEALED UNDER THE ESM MASTER KEY\n"
		         "LEGACY KEY FINGERPRINT = %s\n",
		         p->legacy_fp[0] ? p->legacy_fp : "UNAVAILABLE") == 0;
	if (ok && p->has_enhanced)
		ok = strbuf_addf(&sb,
		         "ENHANCED PASSTICKET KEY SEALED UNDER THE ESM MASTER "
		         "KEY\n"
		         "ENHANCED PASSTICKET KEY FINGERPRINT = %s\n"
		         "ENHANCED PASSTICKET: TYPE = %s\n"
		         "ENHANCED PASSTICKET: TIMEOUT = %d\n"
		         "ENHANCED PASSTICKET: REPLAY ALLOWED = %s\n",
		         p->enhanced_fp[0] ? p->enhanced_fp : "UNAVAILABLE",
		         p->type == PTKT_MIXED ? "MIXED" : "UPPER", p->timeout,
		         p->replay_enhanced ? "YES" : "NO") == 0;
	if (ok && p->problem[0] != '\0')
		ok = strbuf_addf(&sb, "WARNING: %s\n", p->problem) == 0;
	if (ok && strbuf_add(out, sb.buf, sb.len) == 0)
		rv = 0;
	strbuf_release(&sb);
	return rv;
}
