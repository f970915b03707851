/*
 * preflight.c - the start-up verification of `sspr serve`, which `sspr
 * check` runs too (see preflight.h).
 */
#include "web/preflight.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "web/tmpl.h"
#include "compat/banned.h"

int
web_listen_probe(const struct cfg *cfg, char *err, size_t errsize)
{
	struct sockaddr_storage ss;
	unsigned int sslen;
	char why[SSPR_MAX_ERROR];
	int fd, one = 1, e;

	if (cfg_listen_parse(cfg->listen, &ss, &sslen, why, sizeof(why)) ==
	    -1) {
		errf(err, errsize, "listen: %s", why);
		return -1;
	}
	/* Port 0: the address is what is tried, not whether the configured
	 * port is free (a running service holds it while check runs). */
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)&ss)->sin6_port = 0;
	else
		((struct sockaddr_in *)(void *)&ss)->sin_port = 0;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		errf(err, errsize, "listen %s: cannot open a socket: %s",
		    cfg->listen, strerror(errno));
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(
		    fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		e = errno;
		(void)close(fd);
		if (e == EADDRNOTAVAIL)
			errf(err, errsize,
			    "listen %s: that address is not an address of "
			    "this machine; give one of its addresses, "
			    "127.0.0.1, or * for every IPv4 address",
			    cfg->listen);
		else
			errf(err, errsize, "listen %s: cannot bind: %s",
			    cfg->listen, strerror(e));
		return -1;
	}
	(void)close(fd);
	return 0;
}

int
web_preflight(const struct cfg *cfg, time_t now, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR], web[4096];
	struct tmpl_set *ts = NULL;
	int n = snprintf(web, sizeof(web), "%s/web", cfg->data_dir);

	(void)sspr_check(cfg, now, rep);
	if (n < 0 || n >= (int)sizeof(web))
		errf(err, sizeof(err), "data_dir '%s' is too long",
		    cfg->data_dir);
	if (n < 0 || n >= (int)sizeof(web) ||
	    filetrust_check(cfg->data_dir, "data directory", FT_DIR, err,
	        sizeof(err)) != 0 ||
	    tmpl_load(web, &ts, err, sizeof(err)) == -1)
		check_report_add(
		    rep, CHECK_START, "", "templates", CHECK_FAIL, "%s", err);
	tmpl_free(ts);
	if (web_listen_probe(cfg, err, sizeof(err)) == -1)
		check_report_add(
		    rep, CHECK_START, "", "listen", CHECK_FAIL, "%s", err);
	else
		check_report_add(rep, CHECK_START, "", "listen", CHECK_OK,
		    "the listen address %s is an address of this machine",
		    cfg->listen);
	return rep->failed == 0;
}
