/*
 * main.c - the `sspr` program: dispatch to a subcommand.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/banned.h"

static const char cli_usage[] =
    "usage: sspr <command> [options]\n"
    "\n"
    "commands:\n"
    "  audit       print the audit trail: who did what, when\n"
    "  check       is every configured system usable (DR readiness)\n"
    "  esm         administer the embedded ESM with RACF commands\n"
    "  serve       run the web service (JSON API)\n"
    "  verify      run the ESM verify (/change) path for a user\n"
    "  keys        manage sspr's key file (pepper, PassTicket keys)\n"
    "  mail        send a test message, list or deliver the outbox\n"
    "  passticket  generate or check a RACF PassTicket\n"
    "  replicate   copy a user's enrollment from one system to others\n"
    "  report      reports: drift (enrollment differing between systems)\n"
    "  version     print the version\n"
    "\n"
    "'sspr <command> --help' describes a command.\n";

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sspr: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_USAGE;
}

int
cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static int
cli_version(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		puts("usage: sspr version\n\nprint the version of sspr");
		return CLI_OK;
	}
	if (argc > 1)
		return cli_error("version takes no arguments");
	printf("sspr %s\n", SSPR_VERSION);
	return CLI_OK;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {"audit", cli_audit},
	    {"check", cli_check},
	    {"esm", cli_esm},
	    {"keys", cli_keys},
	    {"mail", cli_mail},
	    {"verify", cli_verify},
	    {"passticket", cli_passticket},
	    {"replicate", cli_replicate},
	    {"report", cli_report},
	    {"serve", cli_serve},
	    {"version", cli_version},
	};
	size_t i;

	if (argc < 2) {
		fputs(cli_usage, stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1])) {
		fputs(cli_usage, stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cli_version(1, argv + 1);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	fputs(cli_usage, stderr);
	return CLI_USAGE;
}
