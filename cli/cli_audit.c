/*
 * cli_audit.c - `sspr audit`: print the audit trail of the configuration's
 * state directory, one line per event (or the JSON lines as stored),
 * filtered by user ID and time.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sspr/audit.h"
#include "sspr/config.h"
#include "compat/banned.h"

static const char cli_audit_usage[] =
    "usage: sspr audit [-c CONFIG] [--user ID] [--since WHEN] [--json]\n"
    "\n"
    "Print the audit trail, oldest first: every step of every enrolment\n"
    "and reset and every helpdesk action, from <state_dir>/audit.log.\n"
    "\n"
    "  -c CONFIG     the configuration file (default: ./sspr.json)\n"
    "  --user ID     only events about or by this user ID\n"
    "  --since WHEN  only events at or after WHEN: a day (2026-11-22),\n"
    "                a UTC time (2026-11-22T10:00:00Z), a Unix time, or\n"
    "                an age (30m, 12h, 7d)\n"
    "  --json        the events as stored, one JSON object a line\n"
    "\n"
    "exit status: 0 success (also when there is no event), 2 on a usage\n"
    "or configuration error.\n";

struct cli_audit_args {
	const char *config;
	struct audit_filter filter;
	int json;
};

static int
cli_audit_since(const char *v, time_t *since)
{
	char q[TEXT_QUOTE_MAX + 4];

	if (audit_parse_since(v, time(NULL), since) == 0)
		return 0;
	return cli_error("audit: --since '%s' is not a day (2026-11-22), a UTC "
	                 "time (2026-11-22T10:00:00Z), a Unix time or an age "
	                 "(30m, 12h, 7d)",
	    text_quote(q, sizeof(q), v, TEXT_QUOTE_MAX));
}

/* 0, 1 after --help, or CLI_USAGE after a message. */
static int
cli_audit_args(int argc, char **argv, struct cli_audit_args *a)
{
	char q[TEXT_QUOTE_MAX + 4];
	int i;

	memset(a, 0, sizeof(*a));
	a->config = "sspr.json";
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (cli_is_help(o)) {
			fputs(cli_audit_usage, stdout);
			return 1;
		}
		if (strcmp(o, "--json") == 0) {
			a->json = 1;
			continue;
		}
		if (strcmp(o, "-c") != 0 && strcmp(o, "--user") != 0 &&
		    strcmp(o, "--since") != 0)
			return cli_error("audit: unknown option '%s' (see "
			                 "'sspr audit --help')",
			    text_quote(q, sizeof(q), o, TEXT_QUOTE_MAX));
		if (v == NULL || *v == '\0')
			return cli_error("audit: %s needs a value", o);
		i++;
		if (strcmp(o, "-c") == 0)
			a->config = v;
		else if (strcmp(o, "--user") == 0)
			a->filter.user = v;
		else if (cli_audit_since(v, &a->filter.since) != 0)
			return CLI_USAGE;
	}
	return 0;
}

/* Print s with every control character (C0, DEL, C1) as '?': the file
 * may have been edited by hand and must not drive the terminal. */
static void
cli_audit_puts(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar('?');
			p++;
		} else
			putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
	}
}

/* A value as text: its string, "-" for null or absent, "?" otherwise. */
static void
cli_audit_print(json_t *v)
{
	if (json_is_string(v))
		cli_audit_puts(json_string_value(v));
	else
		fputs(v == NULL || json_is_null(v) ? "-" : "?", stdout);
}

static void
cli_audit_value(json_t *o, const char *key)
{
	cli_audit_print(json_object_get(o, key));
}

/* " systems=PROD:ok,DR:ok", or " systems=PROD,DR" for a list. */
static void
cli_audit_systems(json_t *o)
{
	json_t *s = json_object_get(o, "systems"), *v;
	const char *name, *sep = "";
	size_t i;

	if (json_is_object(s)) {
		fputs(" systems=", stdout);
		json_object_foreach(s, name, v)
		{
			fputs(sep, stdout);
			cli_audit_puts(name);
			putchar(':');
			cli_audit_print(v);
			sep = ",";
		}
	} else if (json_is_array(s)) {
		fputs(" systems=", stdout);
		json_array_foreach(s, i, v)
		{
			fputs(sep, stdout);
			cli_audit_print(v);
			sep = ",";
		}
	}
}

/* " key=value" when the member is a string. */
static void
cli_audit_optional(json_t *o, const char *key)
{
	if (json_is_string(json_object_get(o, key))) {
		printf(" %s=", key);
		cli_audit_value(o, key);
	}
}

/*
 * One event as text:
 * TIME  ACTION  OUTCOME  user=U actor=A client=C [systems=..] [reason=R]
 * [op=OP]
 */
static int
cli_audit_text(const char *line, void *arg)
{
	json_t *o;

	(void)arg;
	if ((o = json_loads(line, 0, NULL)) == NULL)
		return 0; /* audit_read() parsed it: cannot happen */
	cli_audit_value(o, "time");
	fputs("  ", stdout);
	cli_audit_value(o, "action");
	fputs("  ", stdout);
	cli_audit_value(o, "outcome");
	fputs("  user=", stdout);
	cli_audit_value(o, "user");
	fputs(" actor=", stdout);
	cli_audit_value(o, "actor");
	fputs(" client=", stdout);
	cli_audit_value(o, "client");
	cli_audit_systems(o);
	cli_audit_optional(o, "reason");
	cli_audit_optional(o, "op");
	putchar('\n');
	json_decref(o);
	return 0;
}

static int
cli_audit_json(const char *line, void *arg)
{
	(void)arg;
	puts(line);
	return 0;
}

int
cli_audit(int argc, char **argv)
{
	struct cli_audit_args a;
	char err[SSPR_MAX_ERROR], path[PATH_MAX];
	struct cfg *cfg;
	size_t len;
	int n, r;

	if ((r = cli_audit_args(argc, argv, &a)) != 0)
		return r == 1 ? CLI_OK : r;
	if (cli_load_config(a.config, &cfg, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	len = strlen(cfg->state_dir);
	n = snprintf(path, sizeof(path), "%s%s%s", cfg->state_dir,
	    len > 0 && cfg->state_dir[len - 1] == '/' ? "" : "/", AUDIT_FILE);
	cfg_free(cfg);
	if (n < 0 || (size_t)n >= sizeof(path))
		return cli_error("audit: the state directory is too long");
	r = audit_read(path, &a.filter,
	    a.json ? cli_audit_json : cli_audit_text, NULL, err, sizeof(err));
	if (r == -1)
		return cli_error("%s", err);
	if (r == 1)
		(void)cli_error("no audit events yet (%s)", path);
	return CLI_OK;
}
