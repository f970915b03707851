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
#include "sspr/config.h"

enum check_level { CHECK_OK, CHECK_WARN, CHECK_FAIL };

struct check_item {
	char system[SSPR_MAX_USERID + 1]; /* "" for the whole installation */
	char what[24];                    /* "key-file", "esm", "passticket",
	                                     "clock", ... */
	enum check_level level;
	char msg[SSPR_MAX_ERROR];
};

struct check_report {
	struct check_item *items;
	size_t n, alloc;
	int failed; /* number of CHECK_FAIL items */
};

/* The user ID tickets are generated for in the dry run; it need not exist
 * in any ESM. */
#define CHECK_PROBE_USER "SSPRCHK"

/*
 * Run every check for cfg at time now (the local clock) into rep, which
 * the caller initialised with memset 0.  Never fails: what cannot be
 * checked is itself a finding.  Returns rep->failed == 0.
 */
int sspr_check(const struct cfg *cfg, time_t now, struct check_report *rep);

/* Free the items of rep. */
void check_report_release(struct check_report *rep);

#endif
