/*
 * helpdesk.h - what helpdesk operators may do, with no HTTP in it.
 *
 * An operator signs on with an ESM user ID and password (or phrase) on the
 * primary system; the ID must be connected to the configured helpdesk
 * group (helpdesk.group).  The session is a random 256-bit token (only its
 * SHA-256 is kept) in a process-wide table shared by every sspr handle of
 * the process; it ends after helpdesk.idle_minutes without use, after
 * helpdesk.max_hours in all, at logout, and at once when the operator is no
 * longer connected to the group or is revoked (checked on every call).
 *
 * Operators see, per system, whether a user is defined, revoked and why,
 * enrolled and when, and locked out of self-service; they may replicate a
 * user's enrollment from one system to others (the hashed fields are
 * copied: nobody sees or chooses a secret), clear the self-service lockout
 * and send an access code to the user's registered address.  They may not
 * act on themselves nor on protected IDs (SPECIAL, or connected to the
 * helpdesk group or to one of helpdesk.protected_groups): those answer
 * SSPR_FORBIDDEN.  Every call is audited and every action on an account is
 * notified to the user by e-mail.
 *
 *	struct sspr_hd_login lg;
 *	sspr_hd_login(s, "HELP01", password, client, &lg);   lg.token
 *	struct sspr_hd_actor op;
 *	if (sspr_hd_session(s, lg.token, client, &op) == 0)
 *		sspr_hd_lookup(s, &op, "JOE", client, &user);
 */
#ifndef SSPR_HELPDESK_H
#define SSPR_HELPDESK_H

#include "sspr/sspr.h"

#define SSPR_HD_TOKEN_MAX 64 /* base64url of 32 bytes, NUL */

struct sspr_hd_sessions;

/* A process-wide session table, for sspr_opts.hd_sessions. */
struct sspr_hd_sessions *sspr_hd_sessions_new(void);
void sspr_hd_sessions_free(struct sspr_hd_sessions *t);

struct sspr_hd_login {
	enum sspr_status status; /* OK, DENIED (wrong ID, password or not a
	                            helpdesk member: never says which),
	                            UNAVAILABLE */
	char token[SSPR_HD_TOKEN_MAX];
	long expires_in; /* idle seconds */
	char actor[SSPR_MAX_USERID + 1];
};

/* The signed-on operator, from a live session.  The command line acts
 * as an administrator (admin = 1, userid "CLI"): it runs with the ESM's
 * and the key file's own permissions, and may act on protected IDs
 * (the check phase still refuses SPECIAL users unless
 * reset.allow_privileged). */
struct sspr_hd_actor {
	char userid[SSPR_MAX_USERID + 1];
	char token_hash[65]; /* hex; for logout */
	int admin;
};

int sspr_hd_login(struct sspr *s, const char *userid, const char *password,
    const char *client, struct sspr_hd_login *out);

/* 0 and *out for a live session (its idle clock restarts); -1 when the
 * token is unknown, expired, or its operator lost the helpdesk group
 * (the session is then ended). */
int sspr_hd_session(struct sspr *s, const char *token, const char *client,
    struct sspr_hd_actor *out);

/* End the session; harmless when already ended. */
void sspr_hd_logout(
    struct sspr *s, const struct sspr_hd_actor *a, const char *client);

/* One user on one system, as the operator sees it (never a hash). */
struct sspr_hd_sys {
	char name[SSPR_MAX_USERID + 1];
	int available; /* the ESM answered */
	int exists, revoked, enrolled, locked, protected_id;
	char revoke_reason[16]; /* "", "attempts", "command", "inactive" */
	long long enrolled_at;  /* Unix time, 0 when not enrolled */
	long long locked_until; /* Unix time, 0 when not locked */
	long long reset_at;     /* last self-service reset, 0 never */
	char email[SSPR_MAX_EMAIL + 1]; /* masked: "j***@example.com" */
	char digest[17]; /* of the enrollment fields: equal digests, equal
	                    enrollment (never the fields themselves) */
};

/* The last operations of the journal for a user, newest first. */
#define SSPR_HD_MAX_OPS 8
struct sspr_hd_op {
	char id[33];
	char kind[24]; /* "enroll", "password", "phrase", "unlock",
	                  "replicate", "clear-lockout" */
	char actor[SSPR_MAX_USERID + 1];
	long long created;
	char state[16]; /* "done", "pending" */
	size_t nsystems;
	struct {
		char name[SSPR_MAX_USERID + 1];
		char result[32];
	} sys[SSPR_MAX_SYSTEMS];
};

struct sspr_hd_user {
	enum sspr_status status; /* OK, NOT_FOUND (no system defines it),
	                            UNAUTHORIZED, UNAVAILABLE */
	char userid[SSPR_MAX_USERID + 1];
	int protected_id; /* the operator may look but not act */
	size_t nsystems;
	struct sspr_hd_sys sys[SSPR_MAX_SYSTEMS];
	size_t nops;
	struct sspr_hd_op ops[SSPR_HD_MAX_OPS];
	char msg[SSPR_MAX_ERROR];
};

int sspr_hd_lookup(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, struct sspr_hd_user *out);

/* Copy userid's enrollment (the hashed fields, the e-mail address and the
 * enrollment date) from system `from` to the systems `to` (NULL-terminated;
 * empty: every other system), in two phases through the journal.
 * res->status: OK, INVALID (msg: unknown system, from not enrolled, ...),
 * FORBIDDEN, NOT_FOUND, UNAVAILABLE; res->sys per target. */
int sspr_hd_replicate(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *from, const char *const *to,
    const char *client, struct sspr_result *res);

/* Clear the self-service lockout (the fail field) on every system. */
int sspr_hd_clear_lockout(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, struct sspr_result *res);

/* E-mail a new access code to the user's registered address; the user
 * uses it in a reset flow (after the PIN, in place of a newly mailed
 * code) within reset.access_code_minutes.  Voids any earlier code. */
int sspr_hd_send_code(struct sspr *s, const struct sspr_hd_actor *a,
    const char *userid, const char *client, const char *lang,
    struct sspr_result *res);

/* ---- drift ---- */

enum sspr_drift_kind {
	SSPR_DRIFT_MISSING,   /* enrolled on some systems, not on others */
	SSPR_DRIFT_DIFFERENT, /* enrolled with different values */
	SSPR_DRIFT_UNDEFINED, /* enrolled somewhere, not defined elsewhere */
};

struct sspr_drift_entry {
	char userid[SSPR_MAX_USERID + 1];
	enum sspr_drift_kind kind;
	char source[SSPR_MAX_USERID + 1]; /* the newest enrollment: the
	                                     system to replicate from */
	size_t nsystems;
	struct {
		char name[SSPR_MAX_USERID + 1];
		char state[16]; /* "enrolled", "not-enrolled", "undefined",
		                   "unavailable" */
		long long enrolled_at;
		char digest[17];
	} sys[SSPR_MAX_SYSTEMS];
};

struct sspr_drift {
	enum sspr_status status; /* OK or UNAVAILABLE (msg: which system) */
	size_t n;
	struct sspr_drift_entry *e; /* n entries, user ID order */
	size_t users;               /* enrolled users examined */
	char msg[SSPR_MAX_ERROR];
};

/* The drift report over every system; a = NULL for the command line
 * (actor "cli").  sspr_drift_free() the result. */
int sspr_drift_report(struct sspr *s, const struct sspr_hd_actor *a,
    const char *client, struct sspr_drift *out);
void sspr_drift_free(struct sspr_drift *d);

const char *sspr_drift_kind_name(enum sspr_drift_kind k);

#endif
