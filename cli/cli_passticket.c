/*
 * cli_passticket.c - `sspr passticket generate|check`: RACF PassTickets
 * from the command line, for operators proving a key pair works and for
 * scripts.
 *
 * The key comes from --key-file (a file of hex digits, private to its
 * owner) or --key (visible in the process list: a warning says so).  No
 * output ever contains the key.
 */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esm/passticket.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "compat/banned.h"

static const char cli_ptkt_usage[] =
    "usage: sspr passticket generate (-c CONFIG | --keys F | --key-file F |\n"
    "                                 --key HEX) --user ID\n"
    "                                --appl APPLID [--time UNIXSECONDS]\n"
    "                                [--enhanced [--type upper|mixed]]\n"
    "       sspr passticket check    (-c CONFIG | --keys F | --key-file F |\n"
    "                                 --key HEX) --user ID\n"
    "                                --appl APPLID --ticket T [--time S]\n"
    "                                [--window SECONDS]\n"
    "                                [--enhanced [--type upper|mixed]]\n"
    "\n"
    "generate prints the PassTicket alone on stdout.  check exits 0 when\n"
    "the ticket is valid at the time (default: now) within the window\n"
    "(default: 600 seconds legacy, 60 enhanced), 1 when it is not.\n"
    "\n"
    "  -c CONFIG     use sspr's own key for the APPLID, from the key file\n"
    "                the configuration names (kind and type included)\n"
    "  --keys F      the same, from the key file F\n"
    "  --key-file F  a file holding the key as hex (mode 0600)\n"
    "  --key HEX     the key itself: legacy 16 hex digits, enhanced 64-512\n"
    "                (visible to other users in the process list)\n"
    "  --enhanced    an enhanced (HMAC-SHA-512) PassTicket; default legacy\n"
    "  --type T      enhanced ticket alphabet: upper (default) or mixed\n";

struct cli_ptkt {
	const char *key_hex, *key_file, *keys, *config, *user, *appl, *ticket;
	int enhanced, have_time;
	enum passticket_type type;
	uint64_t time;
	unsigned window;
};

static int
cli_ptkt_uint(const char *s, const char *what, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	*out = 0; /* set on every path: the callers' compilers need not
	             follow cli_error() to see it */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > max)
		return cli_error("passticket: %s must be a number from 0 to "
		                 "%" PRIu64,
		    what, max);
	*out = v;
	return 0;
}

static int
cli_ptkt_args(int argc, char **argv, struct cli_ptkt *a)
{
	uint64_t v;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 2; i < argc; i++) {
		const char *opt = argv[i],
		           *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--enhanced") == 0) {
			a->enhanced = 1;
			continue;
		}
		if (val == NULL)
			return cli_error(
			    "passticket: unknown option or missing "
			    "value: '%s' (see 'sspr passticket "
			    "--help')",
			    opt);
		i++;
		if (strcmp(opt, "--key") == 0)
			a->key_hex = val;
		else if (strcmp(opt, "--key-file") == 0)
			a->key_file = val;
		else if (strcmp(opt, "--keys") == 0)
			a->keys = val;
		else if (strcmp(opt, "-c") == 0)
			a->config = val;
		else if (strcmp(opt, "--user") == 0)
			a->user = val;
		else if (strcmp(opt, "--appl") == 0)
			a->appl = val;
		else if (strcmp(opt, "--ticket") == 0)
			a->ticket = val;
		else if (strcmp(opt, "--time") == 0) {
			if (cli_ptkt_uint(val, "--time",
			        UINT64_C(0xFFFFFFFFFFFF), &a->time) != 0)
				return -1;
			a->have_time = 1;
		} else if (strcmp(opt, "--window") == 0) {
			if (cli_ptkt_uint(val, "--window", 86400, &v) != 0)
				return -1;
			a->window = (unsigned)v;
		} else if (strcmp(opt, "--type") == 0) {
			if (strcmp(val, "upper") == 0)
				a->type = PTKT_UPPER;
			else if (strcmp(val, "mixed") == 0)
				a->type = PTKT_MIXED;
			else
				return cli_error("passticket: --type must be "
				                 "upper or mixed");
		} else
			return cli_error("passticket: unknown option '%s' (see "
			                 "'sspr passticket --help')",
			    opt);
	}
	if ((a->key_hex != NULL) + (a->key_file != NULL) + (a->keys != NULL) +
	        (a->config != NULL) !=
	    1)
		return cli_error("passticket: give the key one way: -c CONFIG, "
		                 "--keys, --key-file or --key");
	if (a->user == NULL || a->appl == NULL)
		return cli_error("passticket: --user and --appl are required");
	if (!a->have_time)
		a->time = (uint64_t)time(NULL);
	if (a->window == 0 && a->keys == NULL && a->config == NULL)
		a->window = a->enhanced ? PASSTICKET_ENHANCED_WINDOW
		                        : PASSTICKET_LEGACY_WINDOW;
	return 0;
}

/* sspr's own key for the APPLID from its key file (--keys, -c). */
static int
cli_ptkt_own_key(struct cli_ptkt *a, struct passticket_key *k)
{
	const struct passticket_key *own;
	char err[SSPR_MAX_ERROR];
	struct keys *keys = NULL;
	struct cfg *cfg = NULL;
	const char *path = a->keys;
	int rv = -1;

	if (a->config != NULL) {
		if (cli_load_config(a->config, &cfg, err, sizeof(err)) == -1) {
			cli_error("%s", err);
			return -1;
		}
		path = cfg->key_file;
	}
	if (keys_load(path, &keys, err, sizeof(err)) == -1) {
		cli_error("passticket: %s", err);
		goto out;
	}
	if ((own = keys_passticket(keys, a->appl)) == NULL) {
		cli_error("passticket: the key file '%s' has no PassTicket key "
		          "for APPLID '%s'",
		    path, a->appl);
		goto out;
	}
	*k = *own;
	a->enhanced = k->kind == PTKT_ENHANCED;
	if (a->window == 0)
		a->window = a->enhanced ? PASSTICKET_ENHANCED_WINDOW
		                        : PASSTICKET_LEGACY_WINDOW;
	rv = 0;
out:
	keys_free(keys);
	cfg_free(cfg);
	return rv;
}

static int
cli_ptkt_key(struct cli_ptkt *a, struct passticket_key *k)
{
	char err[SSPR_MAX_ERROR], hex[2 * PASSTICKET_ENHANCED_MAX + 1];
	enum passticket_kind kind = a->enhanced ? PTKT_ENHANCED : PTKT_LEGACY;
	int rv = -1;

	if (a->keys != NULL || a->config != NULL)
		return cli_ptkt_own_key(a, k);
	if (a->key_file != NULL) {
		if (keys_read_hex_file(a->key_file, hex, sizeof(hex), err,
		        sizeof(err)) == -1) {
			cli_error("passticket: %s", err);
			goto out;
		}
	} else {
		fputs("sspr: warning: a key on the command line is visible to "
		      "other users; prefer --key-file\n",
		    stderr);
		strlcpy_s(hex, a->key_hex, sizeof(hex));
	}
	if (passticket_key_hex(k, kind, a->type, hex, err, sizeof(err)) == -1)
		cli_error("passticket: %s", err);
	else
		rv = 0;
out:
	secure_zero(hex, sizeof(hex));
	return rv;
}

int
cli_passticket(int argc, char **argv)
{
	struct passticket_key k;
	struct cli_ptkt a;
	char t[PASSTICKET_LEN + 1];
	enum passticket_result r;
	uint64_t when = 0;
	int status = CLI_USAGE, generate;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(cli_ptkt_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	generate = strcmp(argv[1], "generate") == 0;
	if (!generate && strcmp(argv[1], "check") != 0)
		return cli_error(
		    "passticket: unknown subcommand '%s' (generate "
		    "or check)",
		    argv[1]);
	if (argc > 2 && cli_is_help(argv[2])) {
		fputs(cli_ptkt_usage, stdout);
		return CLI_OK;
	}
	if (cli_ptkt_args(argc, argv, &a) != 0)
		return CLI_USAGE;
	if (!generate && a.ticket == NULL)
		return cli_error("passticket: check needs --ticket");
	if (cli_ptkt_key(&a, &k) == -1)
		goto out;
	if (generate) {
		if (passticket_generate(&k, a.user, a.appl, a.time, t) == -1) {
			cli_error("passticket: %s",
			    passticket_result_str(PTKT_BAD_INPUT));
			goto out;
		}
		puts(t);
		status = CLI_OK;
		goto out;
	}
	r = passticket_check(
	    &k, a.user, a.appl, a.ticket, a.time, a.window, &when);
	if (r == PTKT_BAD_INPUT || r == PTKT_MALFORMED) {
		cli_error("passticket: %s", passticket_result_str(r));
		status = r == PTKT_MALFORMED ? CLI_REFUSED : CLI_USAGE;
		goto out;
	}
	if (r == PTKT_OK)
		printf("valid: generated at %" PRIu64 " (%+" PRId64
		       " seconds from the check time)\n",
		    when, (int64_t)(when - a.time));
	else
		printf("not valid: %s\n", passticket_result_str(r));
	status = r == PTKT_OK ? CLI_OK : CLI_REFUSED;
out:
	secure_zero(&k, sizeof(k));
	return status;
}
