/*
 * cli_mail.c - `sspr mail test|queue|deliver`: send a test message, list
 * the outbox, and run the outbox's sender in the foreground.
 */
#include "cli/cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/outbox.h"
#include "mail/sender.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/mailer.h"
#include "compat/banned.h"

static const char cli_mail_usage[] =
    "usage: sspr mail test [-c CONFIG] --to ADDR [--lang L]\n"
    "                      [--queue [--expires SECONDS]]\n"
    "       sspr mail queue [-c CONFIG] [--limit N]\n"
    "       sspr mail deliver [-c CONFIG] [--once]\n"
    "\n"
    "  test     send one test message through the configured transport\n"
    "           and print the relay's answer; with --queue put it in the\n"
    "           outbox instead (delivered by 'sspr mail deliver' or the\n"
    "           service); it is dropped if not delivered within\n"
    "           --expires seconds (default one day)\n"
    "  queue    list the outbox: id, state, attempts, recipient, last\n"
    "           answer (never a message body)\n"
    "  deliver  deliver what is due in the outbox, retrying with backoff,\n"
    "           until stopped (SIGINT/SIGTERM); --once: one pass\n"
    "\n"
    "  -c CONFIG      the configuration file (default: ./sspr.json)\n"
    "  --to ADDR      test: the recipient\n"
    "  --lang L       test: the message's language (default: en)\n"
    "  --queue        test: put the message in the outbox\n"
    "  --expires S    test: drop it when not delivered within S seconds\n"
    "                 (1 to 2592000, default 86400)\n"
    "  --limit N      queue: list at most N messages (1 to 100000,\n"
    "                 default 50)\n"
    "  --once         deliver: one pass, then exit\n"
    "\n"
    "exit status: 0 success, 1 the relay refused or the message could not\n"
    "be delivered, 2 usage or configuration error.\n";

struct cli_mail_args {
	const char *config, *to, *lang;
	int queue, once;
	long limit, expires;
};

static int
cli_mail_args(int argc, char **argv, struct cli_mail_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->config = "sspr.json";
	a->lang = "en";
	a->limit = 50;
	a->expires = 86400;
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (cli_is_help(o)) {
			fputs(cli_mail_usage, stdout);
			return 1;
		}
		if (strcmp(o, "--queue") == 0)
			a->queue = 1;
		else if (strcmp(o, "--once") == 0)
			a->once = 1;
		else if (v != NULL && strcmp(o, "-c") == 0)
			a->config = argv[++i];
		else if (v != NULL && strcmp(o, "--to") == 0)
			a->to = argv[++i];
		else if (v != NULL && strcmp(o, "--lang") == 0)
			a->lang = argv[++i];
		else if (v != NULL && strcmp(o, "--expires") == 0) {
			char *end;

			a->expires = strtol(argv[++i], &end, 10);
			if (*end != '\0' || a->expires < 1 ||
			    a->expires > 30 * 86400)
				return cli_error("mail: --expires must be 1 to "
				                 "2592000 seconds");
		} else if (v != NULL && strcmp(o, "--limit") == 0) {
			char *end;

			a->limit = strtol(argv[++i], &end, 10);
			if (*end != '\0' || a->limit < 1 || a->limit > 100000)
				return cli_error("mail: --limit must be 1 to "
				                 "100000");
		} else
			return cli_error("mail: unknown option '%s' (see 'sspr "
			                 "mail --help')",
			    o);
	}
	return 0;
}

/* Load the configuration and, when want_keys, the key file; set up m. */
static int
cli_mail_setup(const struct cli_mail_args *a, int want_keys, struct cfg **cfg,
    struct keys **keys, struct sspr_mailer *m)
{
	char err[SSPR_MAX_ERROR];

	*keys = NULL;
	if (cli_load_config(a->config, cfg, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	if (want_keys &&
	    keys_load((*cfg)->key_file, keys, err, sizeof(err)) == -1) {
		cfg_free(*cfg);
		return cli_error("mail: %s", err);
	}
	if (sspr_mailer_init(*cfg, *keys, m, err, sizeof(err)) == -1) {
		keys_free(*keys);
		cfg_free(*cfg);
		return cli_error("mail: %s", err);
	}
	return 0;
}

static void
cli_mail_teardown(struct cfg *cfg, struct keys *keys, struct sspr_mailer *m)
{
	sspr_mailer_release(m);
	keys_free(keys);
	cfg_free(cfg);
}

static int
cli_mail_test(const struct cli_mail_args *a)
{
	char err[SSPR_MAX_ERROR], when[64];
	struct sspr_mailer m;
	struct mail_status st;
	struct keys *keys;
	struct cfg *cfg;
	struct strbuf out;
	long long id;
	time_t now = time(NULL);
	struct tm tm;
	int rc = CLI_USAGE;

	if (a->to == NULL)
		return cli_error("mail test: --to ADDR is required");
	if (cli_mail_setup(a, a->queue, &cfg, &keys, &m) != 0)
		return CLI_USAGE;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	{
		const struct mail_var vars[] = {
		    {"time", when},
		    {"relay", m.t.kind == MAIL_SMTP ? m.t.url : m.t.dir},
		};

		if (a->queue) {
			if (sspr_mail_enqueue(&m, "test", a->lang, a->to, NULL,
			        vars, ARRAY_SIZE(vars), now, now + a->expires,
			        &id, err, sizeof(err)) == -1) {
				cli_error("mail test: %s", err);
				goto out;
			}
			printf("queued as message %lld\n", id);
			rc = CLI_OK;
			goto out;
		}
		strbuf_init(&out, MAIL_MAX_MESSAGE);
		if (sspr_mail_compose(&m, "test", a->lang, a->to, NULL, vars,
		        ARRAY_SIZE(vars), now, &out, err, sizeof(err)) == -1) {
			strbuf_release(&out);
			cli_error("mail test: %s", err);
			goto out;
		}
	}
	(void)mail_send(&m.t, a->to, out.buf, out.len, &st);
	strbuf_release(&out);
	printf("%s\n", st.detail);
	rc = st.result == MAIL_SENT ? CLI_OK : CLI_REFUSED;
out:
	cli_mail_teardown(cfg, keys, &m);
	return rc;
}

static int
cli_mail_print(const struct mail_item *it, void *arg)
{
	char created[32];
	struct tm tm;

	(void)arg;
	gmtime_r(&it->created, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-6lld %-8s %-3d %-20s %-12s %s%s%s\n", it->id,
	    mail_item_status_str(it->status), it->attempts, created, it->kind,
	    it->rcpt, it->last_error[0] ? "  " : "", it->last_error);
	return 0;
}

static int
cli_mail_queue(const struct cli_mail_args *a)
{
	unsigned char nokey[SEAL_KEY_LEN] = {0};
	char err[SSPR_MAX_ERROR];
	struct mail_outbox *ob;
	struct sspr_mailer m;
	struct keys *keys;
	struct cfg *cfg;
	int rc;

	if (cli_mail_setup(a, 0, &cfg, &keys, &m) != 0)
		return CLI_USAGE;
	/* Listing never unseals a body: no key is needed. */
	if (mail_outbox_open(m.outbox_path, nokey, &ob, err, sizeof(err)) ==
	    -1) {
		cli_mail_teardown(cfg, keys, &m);
		return cli_error("mail queue: %s", err);
	}
	printf("%-6s %-8s %-3s %-20s %-12s %s\n", "ID", "STATE", "TRY",
	    "CREATED", "KIND", "RECIPIENT  LAST ANSWER");
	rc = mail_outbox_list(ob, (size_t)a->limit, cli_mail_print, NULL);
	mail_outbox_close(ob);
	cli_mail_teardown(cfg, keys, &m);
	return rc == -1 ? cli_error("mail queue: cannot read the outbox")
	                : CLI_OK;
}

static int
cli_mail_deliver(const struct cli_mail_args *a)
{
	char err[SSPR_MAX_ERROR];
	struct mail_sender *s;
	struct mail_outbox *ob;
	struct sspr_mailer m;
	struct keys *keys;
	struct cfg *cfg;
	sigset_t set;
	time_t next;
	int n, sig;

	if (cli_mail_setup(a, 1, &cfg, &keys, &m) != 0)
		return CLI_USAGE;
	if (a->once) {
		if (mail_outbox_open(m.outbox_path, m.outbox_key, &ob, err,
		        sizeof(err)) == -1 ||
		    (n = mail_outbox_run(ob, &m.t, &m.retry, time(NULL), &next,
		         err, sizeof(err))) == -1) {
			cli_mail_teardown(cfg, keys, &m);
			return cli_error("mail deliver: %s", err);
		}
		mail_outbox_close(ob);
		printf("%d message%s attempted\n", n, n == 1 ? "" : "s");
		cli_mail_teardown(cfg, keys, &m);
		return CLI_OK;
	}
	/* Block the stop signals in every thread; wait for one here. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (mail_sender_start(m.outbox_path, m.outbox_key, &m.t, &m.retry, &s,
	        err, sizeof(err)) == -1) {
		cli_mail_teardown(cfg, keys, &m);
		return cli_error("mail deliver: %s", err);
	}
	while (sigwait(&set, &sig) != 0)
		;
	mail_sender_stop(s);
	cli_mail_teardown(cfg, keys, &m);
	return CLI_OK;
}

int
cli_mail(int argc, char **argv)
{
	struct cli_mail_args a;
	int rc;

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(cli_mail_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if ((rc = cli_mail_args(argc, argv, &a)) != 0)
		return rc == 1 ? CLI_OK : CLI_USAGE;
	if (strcmp(argv[1], "test") == 0)
		return cli_mail_test(&a);
	if (strcmp(argv[1], "queue") == 0)
		return cli_mail_queue(&a);
	if (strcmp(argv[1], "deliver") == 0)
		return cli_mail_deliver(&a);
	return cli_error("mail: unknown subcommand '%s' (test, queue or "
	                 "deliver)",
	    argv[1]);
}
