/*
 * preflight.h - the start-up verification shared by `sspr serve` and
 * `sspr check`.
 *
 * One function runs everything `sspr serve` needs before it binds its
 * port: the readiness report of sspr/check.h (state directory, journal,
 * outbox, audit log, key file, every system, mail settings, TLS pair and
 * dates) plus what only the front end uses: its templates and the listen
 * address (tried with a bind to port 0 on that address, so an address
 * that is not on this machine is named before anything listens).  `sspr
 * check` prints every finding; `sspr serve` refuses to start with the
 * lines of the start-up failures (CHECK_START), the same words.
 *
 *	struct check_report rep = {0};
 *	web_preflight(cfg, time(NULL), &rep);
 *	if (rep.start_failed > 0)
 *		... refuse, printing the CHECK_START failures ...
 *	check_report_release(&rep);
 */
#ifndef SSPR_WEB_PREFLIGHT_H
#define SSPR_WEB_PREFLIGHT_H

#include <time.h>

#include "sspr/check.h"
#include "sspr/config.h"

/* Run every check into rep (zeroed by the caller; check_report_release()
 * frees it).  Never changes anything.  Returns rep->failed == 0. */
int web_preflight(const struct cfg *cfg, time_t now, struct check_report *rep);

/* The listen address of cfg can be bound on this machine: 0, or -1 with
 * one line naming it in err.  Binds port 0 on that address and closes. */
int web_listen_probe(const struct cfg *cfg, char *err, size_t errsize);

#endif
