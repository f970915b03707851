/*
 * sspr.h - the product's logic: enrollment and self-service reset.
 *
 * Everything the web pages and the JSON API call, with no HTTP in it.
 * One struct sspr holds the configured systems (ESM handles), sspr's keys,
 * the mail set-up and a clock.  Every operation answers with a status and,
 * where systems are written, a result per system.
 *
 * Enrollment: the user signs on (ESM verify on the first selected system;
 * an expired password must be changed in the same call), then PIN, three
 * questions with answers and an e-mail address are stored one-way hashed
 * (secret.h) in the ESM's custom fields of every selected system.
 *
 * Reset: a flow with explicit state, carried in a sealed token (AES-GCM
 * under the flow key: it cannot be forged, read or moved to another user)
 * and anchored in the ESM's code field, so that every node agrees and no
 * step can be skipped, reordered or replayed:
 *
 *	start(user ID) -> PIN -> access code -> answers -> complete(action)
 *
 * Start answers identically for every user.  Every later refusal is the
 * same generic SSPR_DENIED for unknown, unenrolled, revoked, privileged and
 * locked users, after the same Argon2 work.  Failures are counted in the
 * ESM (the fail field): after reset.max_failures the self-service path is
 * locked for reset.lock_minutes; the ESM user ID itself is never revoked
 * by sspr.
 *
 *	struct sspr *s;
 *	sspr_open(cfg, keys, NULL, &s, err, sizeof(err));
 *	sspr_reset_start(s, "JOE", "192.0.2.1", &st);
 *	sspr_reset_pin(s, st.token, "583920", &st);  ... st.step ...
 *	sspr_close(s);
 */
#ifndef SSPR_SSPR_H
#define SSPR_SSPR_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "mail/sender.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/policy.h"

#define SSPR_MAX_SYSTEMS 16
#define SSPR_TOKEN_MAX   256 /* a sealed flow token, base64url */

struct sspr;
struct ratelimit;
struct sspr_hd_sessions;

struct sspr_opts {
	time_t (*now)(void *arg); /* NULL: time(NULL) */
	void *now_arg;
	int no_mail_sender; /* do not start the outbox's sender thread */
	struct mail_sender *sender; /* wake this one after an enqueue (another
	                               handle's; not owned) */
	struct ratelimit *limits;   /* count client-address failures in this
	                               table (another handle's, so that all
	                               handles of a process share one budget;
	                               not owned); NULL: a table of its own */
	struct sspr_hd_sessions *hd_sessions; /* helpdesk sessions shared by
	                               the process's handles (not owned);
	                               NULL: a table of its own */
	int no_recovery; /* do not finish the journal's open operations at
	                    open (another handle of the process does) */
};

/*
 * Open every configured system and check the hashing parameters (refusing
 * to start below the floor).  cfg and keys are borrowed and must outlive
 * the handle.  Returns 0 and *out, or -1 with err.
 */
int sspr_open(const struct cfg *cfg, const struct keys *keys,
    const struct sspr_opts *opts, struct sspr **out, char *err, size_t errsize);
void sspr_close(struct sspr *s);

/* A user ID as the ESMs take it: 1-8 of A-Z 0-9 # @ $, not starting
 * with a digit, upper-cased into out.  0, or -1 when not valid. */
int sspr_userid(const char *in, char out[SSPR_MAX_USERID + 1]);

/* The outbox sender this handle wakes (borrowed), or NULL. */
struct mail_sender *sspr_mail_sender(struct sspr *s);

/* The client-address failure table this handle counts in (borrowed). */
struct ratelimit *sspr_client_limits(struct sspr *s);

/* Messages waiting in the outbox (queued or being sent); -1 when mail is
 * not configured or the outbox cannot be read. */
long sspr_mail_pending(struct sspr *s);

/* Operations of the journal not yet done on every system; -1 when the
 * journal cannot be read.  Reads the journal file. */
long sspr_journal_pending(struct sspr *s);

/* The process's gauges for /metrics, as the retry timer of s measured
 * them (every SSPR_GAUGE_SECONDS, 5 s): no file is read here, so this is
 * safe and cheap from any thread.  -1 for a gauge s does not measure (no
 * timer: opened with no_recovery) or could not read. */
struct sspr_gauges {
	long mail_pending;    /* sspr_mail_pending() */
	long journal_pending; /* sspr_journal_pending() */
};
void sspr_gauges(struct sspr *s, struct sspr_gauges *out);

enum sspr_status {
	SSPR_OK = 0,
	SSPR_DENIED,       /* generic refusal: never says why */
	SSPR_EXPIRED,      /* enrollment: the password is expired; give a new
	                      one */
	SSPR_INVALID,      /* input refused; msg says why (enrollment, and
	                      a new password that breaks the rules) */
	SSPR_UNAVAILABLE,  /* an ESM or the outbox could not answer */
	SSPR_PARTIAL,      /* applied on some systems; the others are
	                      retried from the journal ("pending") or were
	                      not changed ("not-applied"): see sys[] */
	SSPR_UNAUTHORIZED, /* helpdesk: no live session */
	SSPR_FORBIDDEN,    /* helpdesk: not on this ID (protected, self) */
	SSPR_NOT_FOUND,    /* helpdesk: no system defines the user */
};

/* What happened on each system written. */
struct sspr_sysresult {
	char name[SSPR_MAX_USERID + 1];
	char result[64];             /* "ok", or an error code: "unavailable",
	                                "rules", "history", "minchange", "revoked",
	                                "not-found", "no-fields", "privileged",
	                                ...; after a refusal elsewhere
	                                "not-attempted"; in the apply phase
	                                "pending" (retried from the journal),
	                                "not-applied", "unknown" */
	char detail[SSPR_MAX_ERROR]; /* for the operator's log */
};

struct sspr_result {
	enum sspr_status status;
	char msg[SSPR_MAX_ERROR]; /* for SSPR_INVALID: the reason */
	size_t nsystems;
	struct sspr_sysresult sys[SSPR_MAX_SYSTEMS];
};

/* ---- enrollment ---- */

struct sspr_enroll_req {
	const char *userid;
	const char *password;     /* current password or phrase */
	const char *new_password; /* when the current one is expired */
	const char *email;
	const char *pin;
	const char *qid[POLICY_QUESTIONS];
	const char *answer[POLICY_QUESTIONS];
	const char *lang; /* for the notification; NULL: "en" */
	const char *systems[SSPR_MAX_SYSTEMS]; /* NULL-terminated; none: all */
	const char *client; /* the client's address, for the notice */
};

/* Enroll (or re-enroll: everything is replaced and pending codes are
 * voided).  Never logs or keeps a secret. */
int sspr_enroll(
    struct sspr *s, const struct sspr_enroll_req *req, struct sspr_result *res);

/* ---- reset ---- */

enum sspr_step {
	SSPR_STEP_PIN = 1,
	SSPR_STEP_CODE,
	SSPR_STEP_ANSWERS,
	SSPR_STEP_ACTION,
	SSPR_STEP_DONE,
};

enum sspr_action { SSPR_ACT_PASSWORD, SSPR_ACT_PHRASE, SSPR_ACT_UNLOCK };

struct sspr_flow {
	enum sspr_status status;
	enum sspr_step step;           /* what the next call must be */
	char token[SSPR_TOKEN_MAX];    /* for the next call */
	long expires_in;               /* seconds the token stays valid */
	int code_kind;                 /* enum cfg_access_code, at CODE */
	int nquestions;                /* at ANSWERS */
	char qid[POLICY_QUESTIONS][8]; /* question IDs, in the order asked */
	unsigned actions;              /* at ACTION: 1 << enum sspr_action */
	int replay; /* the step had already been passed by this flow (a
	               double click, the Back button): the same answer
	               again, nothing changed and nothing counted */
	char msg[SSPR_MAX_ERROR];
};

/* Start a reset for userid: always SSPR_OK with a token for the PIN step,
 * whatever the user's state (REC-01). */
int sspr_reset_start(struct sspr *s, const char *userid, const char *client,
    struct sspr_flow *out);

int sspr_reset_pin(struct sspr *s, const char *token, const char *pin,
    const char *client, const char *lang, struct sspr_flow *out);
int sspr_reset_code(struct sspr *s, const char *token, const char *code,
    const char *client, struct sspr_flow *out);
int sspr_reset_answers(struct sspr *s, const char *token,
    const char *const *answers, size_t n, const char *client,
    struct sspr_flow *out);

struct sspr_complete_req {
	const char *token;
	enum sspr_action action;
	const char *new_secret; /* password or phrase; NULL for unlock */
	const char *systems[SSPR_MAX_SYSTEMS]; /* NULL-terminated; none: all */
	const char *client;
	const char *lang;
};

/* Apply the action on every selected system; a result per system. */
int sspr_reset_complete(struct sspr *s, const struct sspr_complete_req *req,
    struct sspr_result *res);

/* ---- pacing ---- */

/*
 * A refused sign-on is held until it has taken as long as one the ESM
 * refused.  By default the calling thread sleeps; a server that can hold
 * the answer without holding the thread (web/delay.h) passes a slot here
 * before the call (NULL after it): the deadline (CLOCK_MONOTONIC) is
 * written there instead, or the slot is left as it was when there is
 * nothing to wait for.  Per thread.
 */
void sspr_signon_defer(struct timespec *until);

#endif
