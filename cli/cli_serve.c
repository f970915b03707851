/*
 * cli_serve.c - `sspr serve`: run the web service until SIGTERM or
 * SIGINT, then finish the requests in flight and stop.  SIGHUP and
 * SIGUSR1 reopen the files appended to by name (the audit log), for
 * logrotate; SIGUSR2 and SIGPIPE are ignored.  The signals are blocked
 * in every thread and taken by sigwait() on the main one: no handler
 * runs, the reopen happens on an ordinary thread.
 */
#include "cli/cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/jsonx.h"
#include "sspr/audit.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/sdnotify.h"
#include "web/alive.h"
#include "web/preflight.h"
#include "web/server.h"
#include "compat/banned.h"

static const char cli_serve_usage[] =
    "usage: sspr serve [-c CONFIG] [--port N] [--workers N]\n"
    "\n"
    "Serve the pages, the JSON API (and /healthz, /metrics) on the\n"
    "address of \"listen\" in the configuration (default\n"
    "127.0.0.1:8080); with \"helpdesk\" configured, also the helpdesk's\n"
    "pages (/helpdesk) and API (/api/v1/helpdesk).  One line per request\n"
    "goes to stderr (never a secret).  SIGTERM or SIGINT stops it after\n"
    "the requests in flight; SIGHUP or SIGUSR1 reopens the audit log\n"
    "(for logrotate); SIGUSR2 and SIGPIPE are ignored.\n"
    "\n"
    "  -c CONFIG    the configuration file (default: ./sspr.json)\n"
    "  --port N     listen on port N instead (0: any free port)\n"
    "  --workers N  hashing workers (default: the number of cores)\n";

/*
 * Print the findings of rep at level (CHECK_FAIL: the start-up failures,
 * which stop the service; CHECK_WARN: everything else it found, said once
 * the service serves, after its "serving on" line).
 */
static void
cli_serve_findings(const struct check_report *rep, enum check_level level)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct check_item *it = &rep->items[i];
		int stop = it->level == CHECK_FAIL && it->scope == CHECK_START;

		if (it->level == CHECK_OK ||
		    (level == CHECK_FAIL) != (stop != 0))
			continue;
		fprintf(stderr, "sspr: %s%s%s%s\n",
		    stop ? "serve: " : "warning: ",
		    it->system[0] != '\0' ? it->system : "",
		    it->system[0] != '\0' ? ": " : "", it->msg);
	}
}

/*
 * The start-up verification `sspr check` runs too (web/preflight.h) into
 * rep: every problem that stops the service is one line on stderr, all of
 * them.  0, or -1 when serve must not start.
 */
static int
cli_serve_preflight(const struct cfg *cfg, struct check_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->start_only = 1;
	(void)web_preflight(cfg, time(NULL), rep);
	if (rep->start_failed == 0)
		return 0;
	cli_serve_findings(rep, CHECK_FAIL);
	fprintf(stderr,
	    "sspr: serve: not started (%d problem%s; 'sspr check' shows the "
	    "same)\n",
	    rep->start_failed, rep->start_failed == 1 ? "" : "s");
	return -1;
}

int
cli_serve(int argc, char **argv)
{
	struct web_opts wo = {.port = -1, .log = stderr};
	struct check_report rep;
	const char *path = "sspr.json";
	char err[SSPR_MAX_ERROR];
	struct keys *keys = NULL;
	struct cfg *cfg = NULL;
	struct web *w = NULL;
	struct sdnotify_watchdog *wd = NULL;
	sigset_t set;
	int i, sig;

	for (i = 1; i < argc; i++) {
		char *end;

		if (cli_is_help(argv[i])) {
			fputs(cli_serve_usage, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			wo.port = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || wo.port < 0 || wo.port > 65535)
				return cli_error("serve: --port must be 0 to "
				                 "65535");
		} else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			wo.workers = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || wo.workers < 1 || wo.workers > 256)
				return cli_error(
				    "serve: --workers must be 1 to "
				    "256");
		} else
			return cli_error("serve: unknown option '%s' (see "
			                 "'sspr serve --help')",
			    argv[i]);
	}
	json_wipe_init();
	if (cli_load_config(path, &cfg, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	if (cli_serve_preflight(cfg, &rep) == -1) {
		check_report_release(&rep);
		cfg_free(cfg);
		return CLI_USAGE;
	}
	if (keys_load(cfg->key_file, &keys, err, sizeof(err)) == -1) {
		check_report_release(&rep);
		cfg_free(cfg);
		return cli_error("serve: %s", err);
	}
	/* Every thread inherits the blocked signals; this one waits.  An
	 * operator's usual signals never kill the service: only the stop
	 * signals stop it. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	if (web_start(cfg, keys, &wo, &w, err, sizeof(err)) == -1) {
		check_report_release(&rep);
		keys_free(keys);
		cfg_free(cfg);
		return cli_error("serve: %s", err);
	}
	/* The host as configured ("*", an IPv4 or a bracketed IPv6 address:
	 * cfg_load() refused anything else), the port as bound. */
	fprintf(stderr, "sspr: serving on %s://%.*s:%u (%s)\n",
	    cfg->tls.cert != NULL ? "https" : "http",
	    (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen,
	    web_port(w), cfg->base_url ? cfg->base_url : "no base_url");
	sdnotify_ready("listening on %.*s:%u, %zu systems",
	    (int)(strrchr(cfg->listen, ':') - cfg->listen), cfg->listen,
	    web_port(w), cfg->nsystems);
	if (sdnotify_watchdog_start(
	        web_alive_probe, w, &wd, err, sizeof(err)) == -1)
		fprintf(stderr, "sspr: no watchdog: %s\n", err);
	cli_serve_findings(&rep, CHECK_WARN);
	check_report_release(&rep);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGINT || sig == SIGTERM)
			break;
		fprintf(stderr, "sspr: %s: reopening the audit log\n",
		    sig == SIGHUP ? "SIGHUP" : "SIGUSR1");
		audit_reopen_all();
	}
	fprintf(stderr, "sspr: stopping\n");
	sdnotify_stopping("stopping: finishing the requests in flight");
	sdnotify_watchdog_stop(wd);
	web_stop(w);
	keys_free(keys);
	cfg_free(cfg);
	return CLI_OK;
}
