/*
 * sspr_int.h - what sspr/'s enrollment and reset files share; not for use
 * outside sspr/.
 *
 *   core.c    opening the systems, the clock, reading a user's stored
 *             state, counting failures, notifications
 *   flow.c    the sealed reset-flow token
 *   enroll.c  enrollment
 *   reset.c   the reset steps
 */
#ifndef SSPR_SSPR_INT_H
#define SSPR_SSPR_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "esm/esm.h"
#include "sspr/audit.h"
#include "sspr/helpdesk.h"
#include "sspr/journal.h"
#include "mail/sender.h"
#include "sspr/code.h"
#include "sspr/mailer.h"
#include "sspr/ratelimit.h"
#include "sspr/secret.h"
#include "sspr/sspr.h"

struct sspr_sys {
	const struct cfg_system *cfg;
	struct esm *esm;
};

struct sspr {
	const struct cfg *cfg;
	const struct keys *keys;
	size_t nsys;
	struct sspr_sys sys[SSPR_MAX_SYSTEMS];
	struct secret_params params;
	struct secret_pepper pepper;
	struct sspr_mailer mailer;
	struct mail_sender *sender;
	int sender_owned; /* started by this handle */
	int mail_ok;      /* mailer set up */
	time_t (*now)(void *);
	void *now_arg;
	unsigned char flow_key[32];    /* seals flow tokens */
	unsigned char code_key[32];    /* HMACs access codes */
	unsigned char qsel_key[32];    /* picks the questions asked */
	struct ratelimit *rl;          /* per client address */
	int rl_owned;                  /* rl is this handle's to free */
	unsigned char journal_key[32]; /* seals journal payloads */
	struct journal *journal;
	struct audit *audit;
	struct sspr_hd_sessions *hd; /* helpdesk sessions */
	int hd_owned;
	/* The retry timer: a thread with a handle of its own. */
	struct sspr *maint;
	pthread_t maint_thread;
	pthread_mutex_t maint_mu;
	pthread_cond_t maint_cv;
	int maint_running, maint_stop;
	_Atomic long gauge_mail, gauge_journal; /* sspr_gauges() */
};

/* How often the retry timer measures the gauges (seconds). */
#define SSPR_GAUGE_SECONDS 5

/* Compare-and-set: tries before a field that keeps changing under us is
 * reported as unavailable. */
#define SSPR_CAS_TRIES 8

/* An enrollment may be changed again only after this long: each change
 * mails every address concerned, so it must not be a mail cannon. */
#define SSPR_REENROLL_SECONDS (10 * 60)

/* Per client address: at most this many failed steps in this window. */
#define SSPR_CLIENT_FAILS  20
#define SSPR_CLIENT_WINDOW 600

/* What sspr keeps about a user on one system. */
struct sspr_user {
	int exists, enrolled, revoked, special;
	enum esm_revoke_reason revoke_reason;
	char name[SSPR_MAX_NAME + 1];
	char email[SSPR_MAX_EMAIL + 1];
	char pin[SECRET_STORED_MAX];
	char qid[POLICY_QUESTIONS][8];
	char answer[POLICY_QUESTIONS][SECRET_STORED_MAX];
	char sdate[32], rdate[32]; /* enrolled, last reset (Unix time) */
	char code_raw[CODE_FIELD_MAX], fail_raw[CODE_FIELD_MAX];
	int code_set, fail_set; /* the fields hold a value */
	struct code_field code;
	struct fail_field fail;
};

time_t sspr_now(const struct sspr *s);

/* The field name for f (configurable). */
const char *sspr_field(const struct sspr *s, enum cfg_field f);

/* The system called name (NULL: the first), or NULL. */
struct sspr_sys *sspr_sys(struct sspr *s, const char *name);

/* Read userid's state on sys: 1 read (u->exists says whether the user is
 * defined), -1 the ESM could not answer (err set). */
int sspr_user_read(struct sspr *s, struct sspr_sys *sys, const char *userid,
    struct sspr_user *u, char *err, size_t errsize);

/* Wipe a user state (it holds hashes). */
void sspr_user_wipe(struct sspr_user *u);

/* The 32-byte key for label ("sspr-journal-v1", ...) derived from the key
 * file's flow key (core.c). */
void sspr_derive(
    const struct keys *k, const char *label, unsigned char out[32]);

/* The associated data a journal payload of operation op is sealed with
 * (replicate.c). */
void repl_ad(const char *op, char *ad, size_t size);

/* 1 when self-service may lift a revoke for this reason: never an
 * administrator's (ALTUSER REVOKE); failed attempts or inactivity only
 * when reset.allow_resume. */
int sspr_resumable(const struct sspr *s, enum esm_revoke_reason why);

/* 1 when self-service is locked for u at now. */
int sspr_locked(const struct sspr *s, const struct sspr_user *u);

/* Count one failed self-service attempt for userid on sys (compare-and-
 * set); locks after reset.max_failures.  -1 when the ESM could not be
 * written. */
int sspr_fail(struct sspr *s, struct sspr_sys *sys, const char *userid);

/* t as the notices write it: "2026-11-22 10:00 UTC". */
void sspr_when(time_t t, char out[32]);

/* Append an item (printf-formatted) to the list in out (size bytes),
 * after sep unless out is empty; an item that does not fit is cut. */
void sspr_list_add(char *out, size_t size, const char *sep, const char *fmt,
    ...) PRINTF_LIKE(4, 5);

/* Enqueue a templated mail; failures are returned, never shown to the
 * user (the caller logs them). */
int sspr_notify(struct sspr *s, const char *tmpl, const char *lang,
    const char *rcpt, const char *name, const struct mail_var *vars, size_t n,
    time_t not_after, char *err, size_t errsize);

/* Select systems by name (NULL-terminated list; empty: all) into idx;
 * the count, or -1 with err naming an unknown system. */
int sspr_select(struct sspr *s, const char *const *names, size_t *idx,
    char *err, size_t errsize);

/* The primary system (holds the reset state, signs operators on). */
struct sspr_sys *sspr_primary(struct sspr *s);

/* Write an audit event with this handle's trail (no-op without one). */
void sspr_audit(struct sspr *s, const struct audit_event *ev);

/* The same for a refusal that costs its sender nothing (a malformed
 * token, an address over its budget): written through the address's
 * audit gate (ratelimit_audit), so a flood's lines are bounded; the next
 * one written says how many were left out. */
void sspr_audit_gated(struct sspr *s, const struct audit_event *ev);

/* "ok", "partial", "denied", "refused", "unavailable" for a status. */
const char *sspr_outcome(enum sspr_status st);

/* Audit an operation with a result per system (outcome from its
 * status). */
void sspr_audit_res(struct sspr *s, const char *action, const char *reason,
    const char *actor, const char *user, const char *client,
    const struct sspr_result *res, const char *op);

/* Fill ev's systems from a result (borrowed pointers into res). */
void sspr_audit_result(struct audit_event *ev, const struct sspr_result *res);

/* ---- replication (replicate.c) ---- */

/*
 * An operation on several systems, in two phases (DESIGN.md §6):
 *
 *   check  every target, in parallel; any refusal and nothing is written
 *          anywhere (res: INVALID, the refusing system named in msg, the
 *          others "not-attempted");
 *   apply  recorded in the journal first, then every target in parallel,
 *          each with a few quick retries; a target still failing stays
 *          "pending" for the retry timer (durable kinds) or is reported
 *          "not-applied" (a new password: it is never stored).
 *
 * Kinds: REPL_FIELDS (enroll, replicate, clear-lockout: set custom
 * fields, idempotent, durable), REPL_UNLOCK (resume, durable),
 * REPL_SECRET (password, phrase: a PassTicket and the verify/change path;
 * not durable).
 */
enum repl_kind { REPL_FIELDS, REPL_UNLOCK, REPL_SECRET };

#define REPL_MAX_FIELDS 16

struct repl_req {
	enum repl_kind kind;
	const char *name; /* journal and audit: "enroll", "replicate",
	                     "clear-lockout", "unlock", "password", "phrase" */
	const char *userid, *actor, *client, *lang;
	const size_t *idx; /* target systems */
	size_t n;
	size_t nfields; /* REPL_FIELDS */
	struct esm_field fields[REPL_MAX_FIELDS];
	const char *new_secret; /* REPL_SECRET */
	int check_fields;       /* REPL_FIELDS: the sspr fields must be
	                           defined (enrollment, replication) */
	int keep_open; /* the caller has more to do (the user's notice):
	                  it calls sspr_replicate_done(); until then a crash
	                  leaves the operation to the recovery, which
	                  reports it */
	char op[JOURNAL_ID_LEN + 1]; /* out: the journal operation */
};

/* Fill rq's fields with an enrollment (enroll.c; values borrowed). */
void sspr_enroll_fields(struct sspr *s, const char *pin, const char *email,
    const char *const *qid, const char *const *answer, const char *date,
    struct repl_req *rq);

/* Run req; res gets a result per target and the overall status (OK,
 * PARTIAL, INVALID, UNAVAILABLE).  0 when every target is "ok". */
int sspr_replicate(
    struct sspr *s, struct repl_req *req, struct sspr_result *res);

/* Close an operation run with keep_open (after its last step). */
void sspr_replicate_done(
    struct sspr *s, const struct repl_req *req, const struct sspr_result *res);

/* Take over the journal's operations whose owner died or whose retry is
 * due: apply durable ones again, report the rest; then forget finished
 * operations older than journal.keep_days.  Returns the number of
 * operations finished, or -1 when the journal could not be read. */
int sspr_recover(struct sspr *s);

/*
 * May a security change (enrollment, reset, unlock, helpdesk action) go
 * ahead?  Not while the journal file is missing (its record would be
 * lost) nor while the audit trail cannot be appended to (it would happen
 * unaudited): then res says SSPR_UNAVAILABLE, "nothing was changed", and
 * -1 is returned; else 0 and res untouched.  Health is told either way
 * (sspr/health.h).  Called before anything is written to any system.
 */
int sspr_can_change(struct sspr *s, struct sspr_result *res);

/* After a reset action on at least one system: clear the failure count
 * and record the reset date on the primary. */
void sspr_reset_recorded(struct sspr *s, const char *userid, time_t when);

/* Plain words for a per-system result code ("not-found": "the user ID is
 * not defined there"). */
const char *sspr_result_words(const char *code);
/* code when it is a result code that mails word (templates/mail/<lang>/
 * words.txt, "result.<code>"), else "refused"; static. */
const char *sspr_result_code(const char *code);

/* uid on one system as the helpdesk sees it (helpdesk.c): 0, or -1 when
 * the system could not answer (o->available 0). */
int sspr_hd_sys_read(struct sspr *s, struct sspr_sys *sys, const char *uid,
    struct sspr_hd_sys *o);

/* ---- signing users on (signon.c) ---- */

/* One verify on one system: set sys, userid (normalised), password and
 * new_password (NULL: no change); rv and vr are the ESM's answer. */
struct sspr_signon {
	struct sspr_sys *sys;
	const char *userid, *password, *new_password;
	enum esm_result rv;
	struct esm_verify_result vr;
};

/* 1 when sspr may ask sys's ESM to verify uid: defined, not revoked,
 * not privileged (unless allow_special), and one more failure cannot
 * reach the ESM's revoke count.  0 (why says which), or -1 when the ESM
 * could not answer.  eu gets the user as the ESM described it. */
int sspr_signon_allowed(struct sspr_sys *sys, const char *uid,
    int allow_special, struct esm_user *eu, const char **why);

/* Run every job's verify, in parallel (one thread per system; the
 * systems must differ), and note how long it took (the pace). */
void sspr_signon_verify(struct sspr *s, struct sspr_signon *jobs, size_t n);

/* The work of a verify when the ESM is not asked (a dummy Argon2),
 * noted in the pace like a verify. */
void sspr_signon_dummy(struct sspr *s);

/* Sleep until a refusal that began at start (CLOCK_MONOTONIC) has taken
 * the pace: every refused sign-on takes as long as one the ESM refused. */
void sspr_signon_pace(struct sspr *s, const struct timespec *start);

/* Run fn(arg[i]) for every i, one thread each (inline when n is 1, or
 * when no thread can be started). */
void sspr_parallel(void **arg, size_t n, void *(*fn)(void *));

/* ---- flow tokens (flow.c) ---- */

struct sspr_token {
	char flow[CODE_FLOW_LEN + 1];
	char userid[SSPR_MAX_USERID + 1];
	enum sspr_step step;
	long long expires;
	int nq;
	int q[POLICY_QUESTIONS]; /* indexes 0-2 of the questions asked */
};

/* Seal t into out (SSPR_TOKEN_MAX).  0 or -1. */
int sspr_token_seal(
    const struct sspr *s, const struct sspr_token *t, char *out);
/* Open a token: 0 and *t when it is sspr's, unexpired at now and at
 * step; else -1. */
int sspr_token_open(const struct sspr *s, const char *token,
    enum sspr_step step, struct sspr_token *t);

#endif
