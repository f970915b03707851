/*
 * check.h - `sspr check`: is every configured system usable?
 *
 * The disaster-recovery readiness check.  For each system of the
 * configuration it opens the ESM, looks up sspr's PassTicket key for the
 * system's APPLID, generates a ticket with it and has the ESM evaluate it
 * as a dry run (nothing is consumed or counted): the round trip that
 * proves the ESM's PTKTDATA key equals sspr's, that the ESM can unseal its
 * keys (its master key is present), and that the two clocks agree.  It
 * also checks the key file itself.  Later modules add their own checks
 * (mail relay, custom fields) to the same report.
 *
 * Every finding is one line that names the system, says what is wrong and
 * what to do.  The check never changes anything.
 */
#ifndef SSPR_CHECK_H
#define SSPR_CHECK_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "compat/compat.h"
#include "sspr/config.h"

enum check_level { CHECK_OK, CHECK_WARN, CHECK_FAIL };

/* Whether `sspr serve` refuses to start on a failure of the item (the
 * state directory, journal, outbox, audit log, key file, every system's
 * ESM, mail settings, TLS pair, templates, listen address), or only the
 * readiness of an action suffers (a PassTicket key that differs, a field
 * missing, a mail relay down: the service starts and says so). */
enum check_scope { CHECK_READY, CHECK_START };

struct check_item {
	char system[SSPR_MAX_USERID + 1]; /* "" for the whole installation */
	char what[24];                    /* "key-file", "esm", "passticket",
	                                     "clock", ... */
	enum check_level level;
	enum check_scope scope;
	char msg[SSPR_MAX_ERROR];
};

struct check_report {
	struct check_item *items;
	size_t n, alloc;
	int failed;       /* number of CHECK_FAIL items */
	int start_failed; /* of which CHECK_START: serve refuses to start */
	int start_only;   /* set by the caller: only the start-up checks
	                     (serve: no mail relay probe, no PassTicket
	                     round trip, which cost time and prove
	                     readiness, not start-up) */
};

/* Add one finding (msg formatted from fmt) to rep; system "" for the
 * whole installation. */
void check_report_add(struct check_report *rep, enum check_scope scope,
    const char *system, const char *what, enum check_level level,
    const char *fmt, ...) PRINTF_LIKE(6, 7);

/* The user ID tickets are generated for in the dry run; it need not exist
 * in any ESM. */
#define CHECK_PROBE_USER "SSPRCHK"

/*
 * Run every check for cfg at time now (the local clock) into rep, which
 * the caller initialised with memset 0.  Never fails: what cannot be
 * checked is itself a finding.  Returns rep->failed == 0.  This is the
 * start-up verification of `sspr serve` too (web/preflight.h adds the
 * templates and the listen address): serve refuses to start with the
 * CHECK_START failures' lines, check prints every finding.  Nothing is
 * created or changed: a missing journal, outbox or audit log is fine (the
 * service creates them), the ESM databases are opened as the service
 * opens them but not written.
 */
int sspr_check(const struct cfg *cfg, time_t now, struct check_report *rep);

/* Free the items of rep. */
void check_report_release(struct check_report *rep);

#endif
