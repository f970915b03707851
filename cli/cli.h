/*
 * cli.h - the `sspr` command line: one function per subcommand.
 *
 * main.c dispatches on argv[1]; each cli_<name>() receives the arguments
 * after the subcommand name (argv[0] is the subcommand) and returns the
 * exit status of INTERFACES.md §1: 0 success, 1 refused, 2 usage or
 * configuration error.  Errors go to stderr as one line "sspr: ...".
 */
#ifndef SSPR_CLI_H
#define SSPR_CLI_H

#include "compat/compat.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/sspr.h"

enum cli_exit { CLI_OK = 0, CLI_REFUSED = 1, CLI_USAGE = 2 };

int cli_audit(int argc, char **argv);
int cli_esm(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_passticket(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_keys(int argc, char **argv);
int cli_mail(int argc, char **argv);
int cli_serve(int argc, char **argv);

int cli_report(int argc, char **argv);
int cli_replicate(int argc, char **argv);

/* The configuration, keys and an sspr handle (cli_sspr.c). */
struct cli_sspr {
	struct cfg *cfg;
	struct keys *keys;
	struct sspr *s;
};

/* Open c from config; 0, or CLI_USAGE after a message naming what. */
int cli_sspr_open(const char *config, const char *what, struct cli_sspr *c);
void cli_sspr_close(struct cli_sspr *c);

/*
 * Run as root, become the owner of dir (see cli_owner.c); nothing when not
 * root or when dir is root's or missing.  0, or -1 with err.
 */
int cli_act_as_owner(const char *dir, char *err, size_t errsize);

/* The same for the directory that holds path (a --db database). */
int cli_act_as_owner_of_file(const char *path, char *err, size_t errsize);

/* cfg_load(), then act as the owner of its state directory.  0, or -1
 * with err (nothing to free). */
int cli_load_config(
    const char *path, struct cfg **cfg, char *err, size_t errsize);

/* Print "sspr: <message>" to stderr; returns CLI_USAGE. */
int cli_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* 1 if arg is -h or --help. */
int cli_is_help(const char *arg);

/* The default embedded ESM database when --db is not given. */
#define CLI_DEFAULT_DB "esm.db"

#endif
