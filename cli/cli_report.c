/*
 * cli_report.c - `sspr report drift`: the users whose enrollment differs
 * between the configured systems, each with the command that repairs it.
 *
 * Exit status: 0 no drift, 1 drift found, 2 usage, configuration or an
 * unreachable system.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat/jsonx.h"
#include "sspr/helpdesk.h"
#include "compat/banned.h"

static const char cli_report_usage[] =
    "usage: sspr report drift [-c CONFIG] [--json]\n"
    "\n"
    "List the users whose self-service enrollment differs between the\n"
    "configured systems: enrolled on some and not on others (missing),\n"
    "not defined on some (undefined), or enrolled with different values\n"
    "(different).  Each line names the newest enrollment as the source\n"
    "and the 'sspr replicate' command that copies it to the others.\n"
    "\n"
    "  -c CONFIG  the configuration file (default: ./sspr.json)\n"
    "  --json     one JSON object\n"
    "\n"
    "exit status: 0 no drift, 1 drift found, 2 usage or configuration\n"
    "error, or a system that cannot be read.\n";

/* config as one shell word: as it is when plain, else single-quoted. */
static void
cli_report_word(const char *config, char *out, size_t size)
{
	size_t i, o = 0;

	if (strspn(config,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789/._-") == strlen(config)) {
		strlcpy_s(out, config, size);
		return;
	}
	out[o++] = '\'';
	for (i = 0; config[i] != '\0' && o + 6 < size; i++) {
		if (config[i] == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else
			out[o++] = config[i];
	}
	out[o++] = '\'';
	out[o] = '\0';
}

/* The repair command for one entry. */
static void
cli_report_fix(const char *config, const struct sspr_drift_entry *e, char *out,
    size_t size)
{
	char word[160];

	cli_report_word(config, word, sizeof(word));
	snprintf(out, size, "sspr replicate -c %s %s --from %s", word,
	    e->userid, e->source);
}

static void
cli_report_iso(long long t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
cli_report_json(
    const struct cli_sspr *c, const char *config, const struct sspr_drift *d)
{
	json_t *root = json_object(), *arr = json_array(), *sys = json_array();
	char fix[256], when[32];
	size_t i, k;
	char *text;

	for (i = 0; i < c->cfg->nsystems; i++)
		json_array_append_new(
		    sys, json_string(c->cfg->systems[i].name));
	for (i = 0; i < d->n; i++) {
		const struct sspr_drift_entry *e = &d->e[i];
		json_t *o = json_object(), *per = json_object();

		for (k = 0; k < e->nsystems; k++) {
			cli_report_iso(
			    e->sys[k].enrolled_at, when, sizeof(when));
			json_object_set_new(per, e->sys[k].name,
			    json_pack("{s:s, s:o, s:s}", "state",
			        e->sys[k].state, "enrolled_at",
			        e->sys[k].enrolled_at ? json_string(when)
			                              : json_null(),
			        "digest", e->sys[k].digest));
		}
		cli_report_fix(config, e, fix, sizeof(fix));
		json_object_set_new(o, "userid", json_string(e->userid));
		json_object_set_new(
		    o, "kind", json_string(sspr_drift_kind_name(e->kind)));
		json_object_set_new(o, "source", json_string(e->source));
		json_object_set_new(o, "systems", per);
		json_object_set_new(o, "fix", json_string(fix));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "systems", sys);
	json_object_set_new(root, "users", json_integer((json_int_t)d->users));
	json_object_set_new(root, "drift", arr);
	text = json_dumps(root, JSON_INDENT(2));
	if (text != NULL)
		puts(text);
	json_wipe_free(text);
	json_decref(root);
}

static void
cli_report_text(const char *config, const struct sspr_drift *d)
{
	char fix[256];
	size_t i, k;

	printf("drift: %zu user%s differ%s between systems (%zu enrolled "
	       "examined)\n",
	    d->n, d->n == 1 ? "" : "s", d->n == 1 ? "s" : "", d->users);
	for (i = 0; i < d->n; i++) {
		const struct sspr_drift_entry *e = &d->e[i];

		printf("%-8s  %-9s ", e->userid, sspr_drift_kind_name(e->kind));
		for (k = 0; k < e->nsystems; k++)
			printf(" %s:%s", e->sys[k].name, e->sys[k].state);
		cli_report_fix(config, e, fix, sizeof(fix));
		printf("\n          fix: %s\n", fix);
	}
}

int
cli_report(int argc, char **argv)
{
	const char *config = "sspr.json";
	struct sspr_drift d;
	struct cli_sspr c;
	int i, json = 0, rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(cli_report_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "drift") != 0)
		return cli_error("report: unknown report '%.32s' (there is: "
		                 "drift)",
		    argv[1]);
	for (i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cli_report_usage, stdout);
			return CLI_OK;
		} else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			config = argv[++i];
		else
			return cli_error("report: unknown option '%.32s' (see "
			                 "'sspr report --help')",
			    argv[i]);
	}
	if ((rc = cli_sspr_open(config, "report", &c)) != 0)
		return rc;
	if (sspr_drift_report(c.s, NULL, "cli", &d) == -1) {
		cli_sspr_close(&c);
		return cli_error("report: %s", d.msg);
	}
	if (json)
		cli_report_json(&c, config, &d);
	else
		cli_report_text(config, &d);
	rc = d.n > 0 ? CLI_REFUSED : CLI_OK;
	sspr_drift_free(&d);
	cli_sspr_close(&c);
	return rc;
}
