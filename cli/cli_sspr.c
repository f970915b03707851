/*
 * cli_sspr.c - opening the product for the commands that act as an
 * administrator (report, replicate): the configuration, the key file and
 * an sspr handle that finishes the journal's open operations first.
 */
#include "cli/cli.h"

#include <stdio.h>

#include "compat/banned.h"

int
cli_sspr_open(const char *config, const char *what, struct cli_sspr *c)
{
	char err[SSPR_MAX_ERROR];
	struct sspr_opts o = {.no_recovery = 0};

	c->cfg = NULL;
	c->keys = NULL;
	c->s = NULL;
	if (cli_load_config(config, &c->cfg, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	if (keys_load(c->cfg->key_file, &c->keys, err, sizeof(err)) == -1 ||
	    sspr_open(c->cfg, c->keys, &o, &c->s, err, sizeof(err)) == -1) {
		cli_sspr_close(c);
		return cli_error("%s: %s", what, err);
	}
	return 0;
}

void
cli_sspr_close(struct cli_sspr *c)
{
	sspr_close(c->s);
	keys_free(c->keys);
	cfg_free(c->cfg);
}
