/*
 * cli_keys.c - `sspr keys`: create the key file, install PassTicket keys,
 * list what the file holds.
 *
 * The key file is --file, else the key_file of the configuration named
 * by -c, else "keys.json" in the current directory.  A PassTicket key
 * comes from --key-file (a private file holding the hex), from
 * --generate (new random bytes, printed once on stdout with the RACF
 * command that installs the same key in the ESM) or from --key (accepted
 * with a warning: the command line is visible to other users; the
 * argument is wiped from this process's memory once read).  No other path
 * prints a key: listings show fingerprints only, and errors about a key
 * never quote it.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "compat/ceilings.h"
#include "esm/passticket.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "compat/hex.h"
#include "compat/banned.h"

#define CLI_KEYS_DEFAULT_FILE  "keys.json"
#define CLI_KEYS_GENERATED_ENH 64 /* bytes of a generated enhanced key */

static const char cli_keys_usage[] =
    "usage: sspr keys init [-c CONFIG | --file FILE]\n"
    "       sspr keys passticket [-c CONFIG | --file FILE] --appl APPLID\n"
    "                 (--key-file FILE | --generate | --key HEX)\n"
    "                 [--enhanced [--type upper|mixed]]\n"
    "       sspr keys list [-c CONFIG | --file FILE]\n"
    "\n"
    "Manage sspr's key file: the pepper mixed into every PIN and answer\n"
    "hash, the flow key that seals reset flows, and sspr's copy of each\n"
    "APPLID's PassTicket key.  The file must be a regular file owned by\n"
    "the user running sspr, with mode 0600.\n"
    "\n"
    "  init        create the key file with a new pepper and flow key\n"
    "  passticket  install or replace (rotate) the PassTicket key of an\n"
    "              APPLID\n"
    "  list        list the PassTicket keys by fingerprint (never a key)\n"
    "\n"
    "  --file FILE  the key file (default: the key_file of CONFIG, else\n"
    "               " CLI_KEYS_DEFAULT_FILE " in the current directory)\n"
    "  -c CONFIG    the configuration that names the key file\n"
    "\n"
    "'sspr keys <subcommand> --help' describes a subcommand.\n"
    "exit status: 0 success, 1 refused, 2 usage or configuration error.\n";

static const char cli_keys_init_usage[] =
    "usage: sspr keys init [-c CONFIG | --file FILE]\n"
    "\n"
    "Create the key file (mode 0600) with a new random pepper and flow\n"
    "key and no PassTicket keys.  An existing file is never overwritten.\n"
    "\n"
    "  --file FILE  the key file (default: the key_file of CONFIG, else\n"
    "               " CLI_KEYS_DEFAULT_FILE ")\n"
    "  -c CONFIG    the configuration that names the key file\n"
    "\n"
    "exit status: 0 created, 1 the file exists already, 2 error.\n";

static const char cli_keys_passticket_usage[] =
    "usage: sspr keys passticket [-c CONFIG | --file FILE] --appl APPLID\n"
    "                 (--key-file FILE | --generate | --key HEX)\n"
    "                 [--enhanced [--type upper|mixed]]\n"
    "\n"
    "Install sspr's copy of the PassTicket key of APPLID, or replace it\n"
    "(rotation).  The ESM's PTKTDATA profile for APPLID must hold the same\n"
    "key.  A legacy key is 16 hexadecimal digits, an enhanced key 64 to\n"
    "512.\n"
    "\n"
    "  --appl APPLID    the application (1-8 characters A-Z 0-9 # @ $)\n"
    "  --key-file FILE  read the key, in hexadecimal, from FILE (owned\n"
    "                   by you, mode 0600)\n"
    "  --generate       make a new random key and print it once, with the\n"
    "                   RACF command that installs it in the ESM\n"
    "  --key HEX        the key itself; visible to other users in the\n"
    "                   process list and kept in shell history: prefer\n"
    "                   --key-file\n"
    "  --enhanced       an enhanced (HMAC-SHA-512) key; default legacy\n"
    "  --type T         enhanced tickets of upper (default) or mixed case\n"
    "  --file FILE      the key file (default: the key_file of CONFIG,\n"
    "                   else " CLI_KEYS_DEFAULT_FILE ")\n"
    "  -c CONFIG        the configuration that names the key file\n"
    "\n"
    "exit status: 0 installed, 2 usage, key or key file error.\n";

static const char cli_keys_list_usage[] =
    "usage: sspr keys list [-c CONFIG | --file FILE]\n"
    "\n"
    "Print the pepper id and, for each APPLID, the kind and type of its\n"
    "PassTicket key, when it was installed and its fingerprint (the\n"
    "first 8 bytes of a SHA-256 of the key, in hexadecimal).  Keys are\n"
    "never printed.\n"
    "\n"
    "  --file FILE  the key file (default: the key_file of CONFIG, else\n"
    "               " CLI_KEYS_DEFAULT_FILE ")\n"
    "  -c CONFIG    the configuration that names the key file\n"
    "\n"
    "exit status: 0 listed, 2 the key file is missing, unsafe or "
    "malformed.\n";

struct cli_keys_opts {
	const char *file;     /* --file */
	const char *config;   /* -c */
	const char *appl;     /* --appl */
	char *key;            /* --key: in argv, wiped after use */
	const char *key_file; /* --key-file */
	const char *type;     /* --type */
	int generate;         /* --generate */
	int enhanced;         /* --enhanced */
};

/*
 * Parse the options of subcommand name (argv[0]).  with_key allows the
 * options of `keys passticket`.  Returns 0, 1 when --help was printed, or
 * -1 after a usage message.
 */
static int
cli_keys_parse(int argc, char **argv, int with_key, const char *usage,
    struct cli_keys_opts *o)
{
	const char *name = argv[0];
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];
		int takes_arg =
		    strcmp(opt, "--file") == 0 || strcmp(opt, "-c") == 0 ||
		    (with_key && (strcmp(opt, "--appl") == 0 ||
		                     strcmp(opt, "--key") == 0 ||
		                     strcmp(opt, "--key-file") == 0 ||
		                     strcmp(opt, "--type") == 0));

		if (cli_is_help(opt)) {
			fputs(usage, stdout);
			return 1;
		}
		if (takes_arg && i + 1 >= argc) {
			cli_error(
			    "keys %s: option '%s' needs a value", name, opt);
			return -1;
		}
		if (strcmp(opt, "--file") == 0)
			o->file = argv[++i];
		else if (strcmp(opt, "-c") == 0)
			o->config = argv[++i];
		else if (with_key && strcmp(opt, "--appl") == 0)
			o->appl = argv[++i];
		else if (with_key && strcmp(opt, "--key") == 0)
			o->key = argv[++i];
		else if (with_key && strcmp(opt, "--key-file") == 0)
			o->key_file = argv[++i];
		else if (with_key && strcmp(opt, "--type") == 0)
			o->type = argv[++i];
		else if (with_key && strcmp(opt, "--generate") == 0)
			o->generate = 1;
		else if (with_key && strcmp(opt, "--enhanced") == 0)
			o->enhanced = 1;
		else if (opt[0] == '-') {
			cli_error("keys %s: unknown option '%s' (see 'sspr "
			          "keys %s --help')",
			    name, opt, name);
			return -1;
		} else {
			cli_error("keys %s: unexpected argument '%s' (see "
			          "'sspr keys %s --help')",
			    name, opt, name);
			return -1;
		}
	}
	return 0;
}

/* The key file to use (new; free it), or NULL after a message. */
static char *
cli_keys_path(const struct cli_keys_opts *o)
{
	char err[SSPR_MAX_ERROR];
	struct cfg *cfg = NULL;
	char *path;

	if (o->file != NULL) {
		if (cli_act_as_owner_of_file(o->file, err, sizeof(err)) == -1) {
			cli_error("%s", err);
			return NULL;
		}
		return xstrdup(o->file);
	}
	if (o->config == NULL)
		return xstrdup(CLI_KEYS_DEFAULT_FILE);
	if (cli_load_config(o->config, &cfg, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		return NULL;
	}
	path = xstrdup(cfg->key_file);
	cfg_free(cfg);
	return path;
}

static int
cli_keys_init(int argc, char **argv)
{
	char err[SSPR_MAX_ERROR];
	struct cli_keys_opts o;
	struct stat st;
	char *path;
	int rc;

	if ((rc = cli_keys_parse(argc, argv, 0, cli_keys_init_usage, &o)) != 0)
		return rc == 1 ? CLI_OK : CLI_USAGE;
	if ((path = cli_keys_path(&o)) == NULL)
		return CLI_USAGE;
	if (lstat(path, &st) == 0) {
		cli_error(
		    "key file '%s' already exists; not overwritten", path);
		rc = CLI_REFUSED;
	} else if (keys_init(path, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		rc = CLI_USAGE;
	} else {
		printf("created key file '%s' (mode 0600)\n"
		       "next, install a PassTicket key for each APPLID, e.g.:\n"
		       "  sspr keys passticket --file %s --appl APPLID "
		       "--generate\n",
		    path, path);
		rc = CLI_OK;
	}
	free(path);
	return rc;
}

/* Print a generated key once, with the RACF command for the ESM's copy. */
static void
cli_keys_print_generated(
    const char *applid, const struct passticket_key *key, int replaced)
{
	char hex[2 * PASSTICKET_ENHANCED_MAX + 1];

	hex_encode(key->key, key->len, hex, 1);
	printf("%s %s key: %s\n", applid,
	    key->kind == PTKT_LEGACY ? "legacy" : "enhanced", hex);
	printf("Install the same key in the ESM's PTKTDATA profile, e.g.:\n");
	if (key->kind == PTKT_LEGACY)
		printf("  %s PTKTDATA %s SSIGNON(KEYMASKED(%s))\n",
		    replaced ? "RALTER" : "RDEFINE", applid, hex);
	else
		printf("  %s PTKTDATA %s SSIGNON(EPTKEYMASKED(%s) PTTYPE(%s) "
		       "PTTIMEOUT(%d))\n",
		    replaced ? "RALTER" : "RDEFINE", applid, hex,
		    key->type == PTKT_MIXED ? "MIXED" : "UPPER",
		    PASSTICKET_ENHANCED_WINDOW);
	(void)fflush(stdout);
	secure_zero(hex, sizeof(hex));
}

/* The key of the passticket subcommand from --key, --key-file or
 * --generate into *key.  Returns 0, or -1 after a message. */
static int
cli_keys_get_key(const struct cli_keys_opts *o, enum passticket_type type,
    struct passticket_key *key)
{
	enum passticket_kind kind = o->enhanced ? PTKT_ENHANCED : PTKT_LEGACY;
	char hex[2 * PASSTICKET_ENHANCED_MAX + 1], err[SSPR_MAX_ERROR];
	int rc = -1;

	if (o->generate) {
		memset(key, 0, sizeof(*key));
		key->kind = kind;
		key->type = o->enhanced ? type : PTKT_UPPER;
		key->len = o->enhanced ? CLI_KEYS_GENERATED_ENH
		                       : PASSTICKET_LEGACY_KEY;
		if (random_bytes(key->key, key->len) == -1) {
			cli_error("keys passticket: no random bytes: %s",
			    strerror(errno));
			secure_zero(key, sizeof(*key));
			return -1;
		}
		return 0;
	}
	if (o->key_file != NULL) {
		if (keys_read_hex_file(o->key_file, hex, sizeof(hex), err,
		        sizeof(err)) == -1) {
			cli_error("keys passticket: %s", err);
			goto out;
		}
		if (passticket_key_hex(
		        key, kind, type, hex, err, sizeof(err)) == -1) {
			cli_error("keys passticket: --key-file '%s': %s",
			    o->key_file, err);
			goto out;
		}
	} else if (passticket_key_hex(
	               key, kind, type, o->key, err, sizeof(err)) == -1) {
		cli_error("keys passticket: --key: %s", err);
		goto out;
	}
	rc = 0;
out:
	secure_zero(hex, sizeof(hex));
	return rc;
}

static int
cli_keys_passticket(int argc, char **argv)
{
	char err[SSPR_MAX_ERROR], oldfp[17], newfp[17];
	const struct passticket_key *old, *stored;
	enum passticket_type type = PTKT_UPPER;
	struct passticket_key key;
	struct cli_keys_opts o;
	struct keys *k = NULL;
	const char *applid;
	char *path = NULL;
	size_t i;
	int rc, status = CLI_USAGE;

	memset(&key, 0, sizeof(key));
	if ((rc = cli_keys_parse(
	         argc, argv, 1, cli_keys_passticket_usage, &o)) != 0) {
		status = rc == 1 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	if (o.key != NULL)
		fputs("sspr: warning: a key on the command line is visible in "
		      "the process list and kept in shell history; prefer "
		      "--key-file\n",
		    stderr);
	if (o.appl == NULL) {
		cli_error("keys passticket: --appl APPLID is required (see "
		          "'sspr keys passticket --help')");
		goto out;
	}
	if ((o.key != NULL) + (o.key_file != NULL) + (o.generate != 0) != 1) {
		cli_error("keys passticket: give exactly one of --key-file, "
		          "--generate or --key");
		goto out;
	}
	if (o.type != NULL && !o.enhanced) {
		cli_error("keys passticket: --type needs --enhanced (legacy "
		          "keys have no type)");
		goto out;
	}
	if (o.type != NULL && strcmp(o.type, "mixed") == 0)
		type = PTKT_MIXED;
	else if (o.type != NULL && strcmp(o.type, "upper") != 0) {
		cli_error("keys passticket: --type must be upper or mixed");
		goto out;
	}
	if ((path = cli_keys_path(&o)) == NULL)
		goto out;
	if (keys_load(path, &k, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		goto out;
	}
	if (cli_keys_get_key(&o, type, &key) == -1)
		goto out;
	old = keys_passticket(k, o.appl);
	if (old != NULL)
		passticket_fingerprint(old, oldfp);
	if (keys_set_passticket(
	        k, o.appl, &key, time(NULL), err, sizeof(err)) == -1) {
		cli_error("keys passticket: %s", err);
		goto out;
	}
	if (keys_save(path, k, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		goto out;
	}
	stored = keys_passticket(k, o.appl);
	applid = o.appl;
	for (i = 0; i < k->nappl; i++)
		if (&k->appl[i].key == stored)
			applid = k->appl[i].applid;
	passticket_fingerprint(stored, newfp);
	if (o.generate)
		cli_keys_print_generated(applid, stored, old != NULL);
	if (old != NULL)
		fprintf(stderr,
		    "sspr: replaced the PassTicket key of %s (old fingerprint "
		    "%s, new %s)\n",
		    applid, oldfp, newfp);
	else
		fprintf(stderr,
		    "sspr: installed the %s PassTicket key of %s "
		    "(fingerprint %s)\n",
		    stored->kind == PTKT_LEGACY ? "legacy" : "enhanced", applid,
		    newfp);
	status = CLI_OK;
out:
	if (o.key != NULL)
		secure_zero(o.key, strlen(o.key));
	secure_zero(&key, sizeof(key));
	keys_free(k);
	free(path);
	return status;
}

static int
cli_keys_cmp(const void *a, const void *b)
{
	const struct keys_appl *const *x = a, *const *y = b;

	return strcmp((*x)->applid, (*y)->applid);
}

static int
cli_keys_list(int argc, char **argv)
{
	const struct keys_appl *sorted[KEYS_MAX_APPLS];
	char err[SSPR_MAX_ERROR], fp[17], date[16];
	struct cli_keys_opts o;
	struct keys *k = NULL;
	char *path;
	struct tm tm;
	size_t i;
	int rc;

	if ((rc = cli_keys_parse(argc, argv, 0, cli_keys_list_usage, &o)) != 0)
		return rc == 1 ? CLI_OK : CLI_USAGE;
	if ((path = cli_keys_path(&o)) == NULL)
		return CLI_USAGE;
	if (keys_load(path, &k, err, sizeof(err)) == -1) {
		cli_error("%s", err);
		free(path);
		return CLI_USAGE;
	}
	printf("key file: %s\npepper id: %u\n", path, k->pepper_id);
	if (k->nappl == 0)
		printf("no PassTicket keys (add one with: sspr keys "
		       "passticket)\n");
	else
		printf("%-8s  %-8s  %-5s  %-10s  %s\n", "APPLID", "KIND",
		    "TYPE", "CREATED", "FINGERPRINT");
	for (i = 0; i < k->nappl; i++)
		sorted[i] = &k->appl[i];
	qsort(sorted, k->nappl, sizeof(sorted[0]), cli_keys_cmp);
	for (i = 0; i < k->nappl; i++) {
		const struct keys_appl *a = sorted[i];

		if (a->created == 0 || gmtime_r(&a->created, &tm) == NULL ||
		    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
			(void)strlcpy_s(date, "-", sizeof(date));
		passticket_fingerprint(&a->key, fp);
		printf("%-8s  %-8s  %-5s  %-10s  %s\n", a->applid,
		    a->key.kind == PTKT_LEGACY ? "legacy" : "enhanced",
		    a->key.kind == PTKT_LEGACY  ? "-"
		    : a->key.type == PTKT_MIXED ? "mixed"
		                                : "upper",
		    date, fp);
	}
	keys_free(k);
	free(path);
	return CLI_OK;
}

int
cli_keys(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
	    {"init", cli_keys_init},
	    {"passticket", cli_keys_passticket},
	    {"list", cli_keys_list},
	};
	size_t i;

	if (argc < 2) {
		fputs(cli_keys_usage, stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1])) {
		fputs(cli_keys_usage, stdout);
		return CLI_OK;
	}
	for (i = 0; i < ARRAY_SIZE(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	return cli_error("keys: unknown subcommand '%s' (see 'sspr keys "
	                 "--help')",
	    argv[1]);
}
