/*
 * racf.h - the embedded ESM's operations on its database.
 *
 * The embedded ESM behaves like RACF (shared/specs/racf.md §3-4).  Its
 * operations live here, shared by the ESM backend vtable (esm_embedded.c)
 * and the RACF command processor (racf_cmd.c), so that ALTUSER PASSWORD and
 * an administrative reset through esm_set_secret() are one code path.
 *
 *   racf_verify.c   RACROUTE REQUEST=VERIFY: verify, verify/change,
 *                   failure counting and revocation; the dry run of the
 *                   new-secret rules
 *   racf_user.c     profile changes: set a password or phrase (expired
 *                   unless NOEXPIRED), resume, revoke, custom field values
 *
 * Secrets passed in are never copied into long-lived memory and never
 * logged; local copies are wiped.
 */
#ifndef SSPR_RACF_H
#define SSPR_RACF_H

#include <stddef.h>
#include <time.h>

#include "esm/esm.h"
#include "esm/racf_db.h"

/* An open embedded ESM: its database and clock. */
struct racf {
	struct racf_db *db;
	const char *mkey_path; /* master key file (borrowed); NULL: none */
	esm_clock_fn now;      /* NULL: time(NULL) */
	void *now_arg;
};

time_t racf_now(const struct racf *r);

/* Seconds in a day; RACF counts INTERVAL, MINCHANGE and INACTIVE in days. */
#define RACF_DAY 86400

/*
 * Run the verify (/change) path.  user is upper-case and valid; secret and
 * newsecret are 1-100 bytes without CR/LF (esm.c checked).  Fills *out and
 * returns as esm_verify() does.
 */
enum esm_result racf_verify(struct racf *r, const char *user,
    const char *secret, const char *newsecret, const char *applid,
    struct esm_verify_result *out);

/*
 * The dry run of the verify/change path's rules for newsecret (1-8 a
 * password, 9-100 a phrase; esm.c checked): the same snapshot, folding and
 * checks as racf_verify() with a new secret, in the same order, without
 * verifying a current secret, counting, revoking or writing anything.
 * Fills *out and returns as esm_check_secret() does.
 */
enum esm_result racf_check_secret(struct racf *r, const char *user,
    const char *newsecret, struct esm_verify_result *out);

/*
 * Set u's password (secret of 1-8) or phrase (9-100) as an administrator,
 * inside the caller's write transaction, without writing u (the caller
 * calls racf_db_user_update()).  The new value is expired unless
 * ESM_SET_NOEXPIRED; with NOEXPIRED the syntax rules apply and a failure
 * is ESM_DENY with ESM_E_RULES and the RACF message.  ESM_SET_RESUME also
 * resumes.  Returns ESM_OK, ESM_DENY or ESM_TEMPFAIL (hashing or storage
 * failed).
 */
enum esm_result racf_user_set_secret(struct racf *r, struct racf_user_rec *u,
    const struct racf_setropts *opts, const char *secret, unsigned flags,
    struct esm_err *err);

/* Remove u's password (NOPASSWORD) or phrase (NOPHRASE) in memory. */
void racf_user_clear_secret(struct racf_user_rec *u, int phrase);

/* Resume u in memory: not revoked, failure count 0. */
void racf_user_resume(struct racf_user_rec *u);

/* Revoke u in memory for reason (enum esm_revoke_reason) at now. */
void racf_user_revoke(struct racf_user_rec *u, int reason, time_t now);

/*
 * Check and normalise a custom field value against its definition, as
 * RACF does: CHAR printable and upper-cased unless MIXED(YES); NUM digits
 * within MINVALUE/MAXVALUE; HEX 0-9 A-F (upper-cased); FLAG YES or NO; all
 * within MAXLENGTH.  Returns a new normalised string, or NULL with the
 * reason in err (ESM_E_INVALID).
 */
char *racf_user_field_value(
    const struct racf_cfdef *def, const char *value, struct esm_err *err);

/* Fill an esm_user from a profile and its connects; a secret counts as
 * expired when flagged so or when SETROPTS INTERVAL has passed. */
int racf_user_describe(struct racf *r, const struct racf_user_rec *u,
    const struct racf_setropts *opts, struct esm_user *out);

/* Midnight (UTC) of the day of t: RACF keeps dates, not times. */
time_t racf_day(time_t t);

/* 1 if the credential must be changed at its next use at time now. */
int racf_cred_expired(
    const struct racf_cred *c, const struct racf_setropts *o, time_t now);

#endif
