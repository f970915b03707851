/*
 * cli_check.c - `sspr check`: print the readiness report of check.h as
 * text (one line per finding) or as one JSON object.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sspr/check.h"
#include "sspr/config.h"
#include "web/preflight.h"
#include "compat/banned.h"

static const char cli_check_usage[] =
    "usage: sspr check [-c CONFIG] [--json]\n"
    "\n"
    "Run the start-up verification of 'sspr serve' (state directory,\n"
    "journal, outbox, audit log, key file, templates, mail settings, TLS\n"
    "certificate and key, listen address; every file's owner and mode)\n"
    "and check that every configured system is usable: its ESM opens, sspr's\n"
    "PassTicket key for the system's APPLID matches the ESM's PTKTDATA key\n"
    "(a dry-run round trip that consumes nothing), the ESM can unseal its\n"
    "keys, the clocks agree, and the key file is private.  Run it after\n"
    "every change and at the disaster-recovery site before you need it.\n"
    "\n"
    "  -c CONFIG  the configuration file (default: ./sspr.json)\n"
    "  --json     one JSON object instead of text\n"
    "\n"
    "Every problem is one line that says what to do; all are reported.\n"
    "The last line says whether 'sspr serve' would refuse to start.\n"
    "\n"
    "exit status: 0 when everything is usable, 1 when something is not,\n"
    "2 on a usage or configuration error.\n";

static const char *const cli_check_levels[] = {"ok", "warning", "FAILED"};

static void
cli_check_jstr(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
cli_check_json(const struct check_report *rep)
{
	static const char *const names[] = {"ok", "warning", "failed"};
	size_t i;

	printf("{\"ok\":%s,\"serve_starts\":%s,\"checks\":[",
	    rep->failed == 0 ? "true" : "false",
	    rep->start_failed == 0 ? "true" : "false");
	for (i = 0; i < rep->n; i++) {
		const struct check_item *it = &rep->items[i];

		printf("%s{\"system\":", i ? "," : "");
		if (it->system[0] != '\0')
			cli_check_jstr(it->system);
		else
			fputs("null", stdout);
		printf(",\"check\":\"%s\",\"status\":\"%s\",\"message\":",
		    it->what, names[it->level]);
		cli_check_jstr(it->msg);
		putchar('}');
	}
	puts("]}");
}

static void
cli_check_text(const struct check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct check_item *it = &rep->items[i];

		printf("%-8s %-7s %s\n",
		    it->system[0] != '\0' ? it->system : "-",
		    cli_check_levels[it->level], it->msg);
	}
	if (rep->failed == 0)
		puts("all systems are usable");
	else if (rep->start_failed > 0)
		printf("%d problem%s found; sspr serve would refuse to start\n",
		    rep->failed, rep->failed == 1 ? "" : "s");
	else
		printf("%d problem%s found (sspr serve would start)\n",
		    rep->failed, rep->failed == 1 ? "" : "s");
}

int
cli_check(int argc, char **argv)
{
	const char *path = "sspr.json";
	char err[SSPR_MAX_ERROR];
	struct check_report rep;
	struct cfg *cfg;
	int i, json = 0, ok;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cli_check_usage, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_error(
			    "check: unknown option '%s' (see 'sspr "
			    "check --help')",
			    argv[i]);
	}
	if (cli_load_config(path, &cfg, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	memset(&rep, 0, sizeof(rep));
	ok = web_preflight(cfg, time(NULL), &rep);
	if (json)
		cli_check_json(&rep);
	else
		cli_check_text(&rep);
	check_report_release(&rep);
	cfg_free(cfg);
	return ok ? CLI_OK : CLI_REFUSED;
}
