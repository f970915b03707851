/*
 * cli_replicate.c - `sspr replicate`: copy a user's enrollment (the
 * stored hashes, the address and the date) from one system to others, as
 * the administrator: the fix the drift report prints.  Two phases through
 * the journal, audited with actor "CLI", the user told by e-mail.
 *
 * Exit status: 0 every target changed, 1 refused or not everywhere, 2
 * usage or configuration error.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspr/helpdesk.h"
#include "compat/banned.h"

static const char cli_replicate_usage[] =
    "usage: sspr replicate [-c CONFIG] USERID --from SYSTEM [--to "
    "SYSTEM[,SYSTEM...]]\n"
    "\n"
    "Copy USERID's self-service enrollment from SYSTEM to the other\n"
    "systems (or those named by --to).  Every target is checked first;\n"
    "if one refuses, none is changed.  Nobody sees a secret: the stored\n"
    "hashes are copied.\n"
    "\n"
    "  -c CONFIG            the configuration file (default: ./sspr.json)\n"
    "  --from SYSTEM        the system whose enrollment is copied\n"
    "  --to SYSTEM[,...]    only these systems (default: every other one)\n"
    "\n"
    "exit status: 0 every target changed, 1 refused or not changed\n"
    "everywhere (see the result per system), 2 usage or configuration\n"
    "error.\n";

int
cli_replicate(int argc, char **argv)
{
	const char *config = "sspr.json", *user = NULL, *from = NULL;
	const char *to[SSPR_MAX_SYSTEMS + 1] = {NULL};
	char tolist[256] = "", *p, *save = NULL;
	struct sspr_hd_actor a = {.userid = "CLI", .admin = 1};
	struct sspr_result res;
	struct cli_sspr c;
	size_t n = 0, i;
	int k, rc;

	for (k = 1; k < argc; k++) {
		const char *o = argv[k];

		if (cli_is_help(o)) {
			fputs(cli_replicate_usage, stdout);
			return CLI_OK;
		}
		if ((strcmp(o, "-c") == 0 || strcmp(o, "--from") == 0 ||
		        strcmp(o, "--to") == 0) &&
		    k + 1 < argc) {
			const char *v = argv[++k];

			if (o[1] == 'c')
				config = v;
			else if (o[2] == 'f')
				from = v;
			else
				strlcpy_s(tolist, v, sizeof(tolist));
		} else if (o[0] != '-' && user == NULL)
			user = o;
		else
			return cli_error("replicate: unexpected '%.32s' (see "
			                 "'sspr replicate --help')",
			    o);
	}
	if (user == NULL || from == NULL)
		return cli_error("replicate: a user ID and --from SYSTEM are "
		                 "required");
	for (p = strtok_r(tolist, ",", &save);
	     p != NULL && n < SSPR_MAX_SYSTEMS; p = strtok_r(NULL, ",", &save))
		to[n++] = p;
	if ((rc = cli_sspr_open(config, "replicate", &c)) != 0)
		return rc;
	(void)sspr_hd_replicate(c.s, &a, user, from, to, "cli", &res);
	for (i = 0; i < res.nsystems; i++)
		printf("%-8s %s%s%s\n", res.sys[i].name, res.sys[i].result,
		    res.sys[i].detail[0] ? ": " : "", res.sys[i].detail);
	if (res.status != SSPR_OK && res.msg[0] != '\0')
		fprintf(stderr, "sspr: replicate: %s\n", res.msg);
	cli_sspr_close(&c);
	return res.status == SSPR_OK ? CLI_OK : CLI_REFUSED;
}
