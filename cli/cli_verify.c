/*
 * cli_verify.c - `sspr verify`: run the ESM verify (/change) path.
 *
 * Reads the secret from stdin (line 1) and optionally a new secret (line
 * 2), never from the command line where other users could see it in the
 * process list.  Prints the outcome as one JSON object whose names mirror
 * EXEC CICS VERIFY PHRASE (INTERFACES.md §1).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat/ceilings.h"
#include "esm/esm.h"
#include "compat/banned.h"

static const char cli_verify_usage[] =
    "usage: sspr verify [--db FILE] [--master-key FILE] [--appl APPLID] "
    "USERID\n"
    "\n"
    "Read a password, phrase or PassTicket (line 1 of stdin) and, for the\n"
    "verify/change path, a new password or phrase (line 2); verify them\n"
    "against the embedded ESM and print the outcome as one JSON object:\n"
    "  {\"resp\":\"NORMAL|NOTAUTH|USERIDERR|LENGERR|INVREQ\",\"resp2\":N,\n"
    "   \"esmresp\":N,\"esmreason\":N,\"invalidcount\":N,\"daysleft\":N,\n"
    "   \"changetime\":\"ISO-8601\"|null,\"expirytime\":...,"
    "\"lastusetime\":...,\n"
    "   \"newsecret\":\"ok|syntax|current|history|minchange|userid\","
    "\"message\":\"...\"}\n"
    "\n"
    "  --db FILE      the ESM database (default: " CLI_DEFAULT_DB ")\n"
    "  --appl APPLID  the application a PassTicket was generated for\n"
    "  --master-key FILE  the ESM master key (default: database + .mkey)\n"
    "\n"
    "exit status: 0 NORMAL, 1 any other outcome, 2 usage or ESM error.\n";

/* Read one line of at most SSPR_MAX_SECRET + 1 bytes (longer lines are
 * cut there, which the ESM reports as LENGERR).  Returns 1 read, 0 end of
 * input, -1 a NUL byte in the line. */
static int
cli_verify_line(char *buf, size_t size)
{
	size_t n = 0;
	int ch, nul = 0, any = 0;

	while ((ch = getchar()) != EOF) {
		any = 1;
		if (ch == '\n')
			break;
		if (ch == '\0')
			nul = 1;
		if (n + 1 < size)
			buf[n++] = (char)ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (!any)
		return 0;
	return nul ? -1 : 1;
}

static const char *
cli_verify_resp(enum esm_resp r)
{
	switch (r) {
	case ESM_RESP_NORMAL:
		return "NORMAL";
	case ESM_RESP_NOTAUTH:
		return "NOTAUTH";
	case ESM_RESP_USERIDERR:
		return "USERIDERR";
	case ESM_RESP_LENGERR:
		return "LENGERR";
	case ESM_RESP_INVREQ:
		return "INVREQ";
	}
	return "INVREQ";
}

static const char *
cli_verify_newsecret(enum esm_newsecret n)
{
	static const char *const names[] = {
	    "ok", "syntax", "current", "history", "minchange", "userid"};

	return (size_t)n < ARRAY_SIZE(names) ? names[n] : "syntax";
}

static void
cli_verify_time(const char *name, time_t t)
{
	struct tm tm;
	char buf[32];

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		printf(",\"%s\":null", name);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf(",\"%s\":\"%s\"", name, buf);
}

/* Print s as a JSON string (ESM messages are ASCII). */
static void
cli_verify_jstr(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int
cli_verify(int argc, char **argv)
{
	const char *db = CLI_DEFAULT_DB, *appl = NULL, *user = NULL;
	char secret[SSPR_MAX_SECRET + 2], newsecret[SSPR_MAX_SECRET + 2];
	struct esm_config cfg = {.backend = "embedded"};
	struct esm_verify_result vr;
	struct esm_err err;
	struct esm *esm = NULL;
	enum esm_result rv;
	int i, got, have_new = 0, status = CLI_USAGE;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cli_verify_usage, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--appl") == 0 && i + 1 < argc)
			appl = argv[++i];
		else if (strcmp(argv[i], "--master-key") == 0 && i + 1 < argc)
			cfg.master_key = argv[++i];
		else if (argv[i][0] == '-')
			return cli_error("verify: unknown option '%s' (see "
			                 "'sspr verify --help')",
			    argv[i]);
		else if (user == NULL)
			user = argv[i];
		else
			return cli_error("verify: one USERID only");
	}
	if (user == NULL)
		return cli_error("verify: USERID missing (see 'sspr verify "
		                 "--help')");
	got = cli_verify_line(secret, sizeof(secret));
	if (got != 1) {
		cli_error(got == 0 ? "verify: no secret on stdin"
		                   : "verify: the secret contains a NUL byte");
		goto out;
	}
	got = cli_verify_line(newsecret, sizeof(newsecret));
	if (got == -1) {
		cli_error("verify: the new secret contains a NUL byte");
		goto out;
	}
	have_new = got == 1;
	cfg.db = db;
	if (cli_act_as_owner_of_file(db, err.msg, sizeof(err.msg)) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (esm_open(&cfg, &esm, &err) != ESM_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	rv = esm_verify(
	    esm, user, secret, have_new ? newsecret : NULL, appl, &vr);
	printf("{\"resp\":\"%s\",\"resp2\":%d,\"esmresp\":%d,"
	       "\"esmreason\":%d,\"invalidcount\":%d,\"daysleft\":%d",
	    cli_verify_resp(vr.resp), vr.resp2, vr.esmresp, vr.esmreason,
	    vr.invalidcount, vr.daysleft);
	cli_verify_time("changetime", vr.changetime);
	cli_verify_time("expirytime", vr.expirytime);
	cli_verify_time("lastusetime", vr.lastusetime);
	if (have_new)
		printf(",\"newsecret\":\"%s\"",
		    cli_verify_newsecret(vr.newsecret));
	if (vr.passticket)
		fputs(",\"passticket\":true", stdout);
	fputs(",\"message\":", stdout);
	cli_verify_jstr(vr.msg);
	puts("}");
	status = rv == ESM_OK     ? CLI_OK
	         : rv == ESM_DENY ? CLI_REFUSED
	                          : CLI_USAGE;
out:
	esm_close(esm);
	secure_zero(secret, sizeof(secret));
	secure_zero(newsecret, sizeof(newsecret));
	return status;
}
