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

#include "esm/esm.h"
#include "mail/sender.h"
#include "sspr/code.h"
#include "sspr/mailer.h"
#include "sspr/ratelimit.h"
#include "sspr/secret.h"
#include "sspr/sspr.h"

struct sspr_sys {
	const struct cfg_system *cfg;
	struct esm *esm;
	long long last_ticket; /* time of the last PassTicket made here */
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
	unsigned char flow_key[32]; /* seals flow tokens */
	unsigned char code_key[32]; /* HMACs access codes */
	unsigned char qsel_key[32]; /* picks the questions asked */
	struct ratelimit *rl;       /* per client address */
	int rl_owned;               /* rl is this handle's to free */
};

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
	char sdate[32];
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

/* 1 when self-service is locked for u at now. */
int sspr_locked(const struct sspr *s, const struct sspr_user *u);

/* Count one failed self-service attempt for userid on sys (compare-and-
 * set); locks after reset.max_failures.  -1 when the ESM could not be
 * written. */
int sspr_fail(struct sspr *s, struct sspr_sys *sys, const char *userid);

/* Enqueue a templated mail; failures are returned, never shown to the
 * user (the caller logs them). */
int sspr_notify(struct sspr *s, const char *tmpl, const char *lang,
    const char *rcpt, const char *name, const struct mail_var *vars, size_t n,
    time_t not_after, char *err, size_t errsize);

/* Select systems by name (NULL-terminated list; empty: all) into idx;
 * the count, or -1 with err naming an unknown system. */
int sspr_select(struct sspr *s, const char *const *names, size_t *idx,
    char *err, size_t errsize);

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
