/*
 * esm.h - the external security manager (ESM) interface.
 *
 * sspr talks to every security manager (the embedded RACF-faithful ESM,
 * LDAP directories, ...) through this interface only.  A backend is one
 * `const struct esm_backend` with a name, a capability mask and function
 * pointers (NULL where unsupported).  Only the wrappers below call through
 * the vtable; they:
 *
 *   - check capabilities (an unsupported operation is ESM_TEMPFAIL with
 *     err->code ESM_E_UNSUPPORTED, never a crash);
 *   - validate and bound every input before a backend sees it: user IDs
 *     (1-8 of A-Z 0-9 # @ $, folded to upper case, first not a digit),
 *     secrets (1-100 bytes, no NUL, CR or LF), APPLIDs, field names and
 *     values (no NUL, CR or LF);
 *   - never log or copy a secret.
 *
 * Results are three-way all the way up (STYLE.md point 5):
 *
 *	ESM_OK		the operation was done / the answer is "yes, found"
 *	ESM_DENY	a definite "no": unknown user, wrong secret, rule
 *			violated, compare-and-set conflict (err says which)
 *	ESM_TEMPFAIL	the ESM could not answer: unreachable, I/O error,
 *			unsupported; never to be read as "deny"
 *
 * Usage:
 *
 *	struct esm *esm;
 *	struct esm_config cfg = { .backend = "embedded", .db = "prod.db" };
 *	struct esm_err err;
 *	struct esm_verify_result vr;
 *
 *	if (esm_open(&cfg, &esm, &err) != ESM_OK)
 *		fatalx("%s", err.msg);
 *	esm_verify(esm, "IBMUSER", secret, NULL, NULL, &vr);
 *	if (vr.resp == ESM_RESP_NORMAL) ...
 *	esm_close(esm);
 */
#ifndef SSPR_ESM_H
#define SSPR_ESM_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "compat/compat.h"

struct esm;

enum esm_result { ESM_TEMPFAIL = -1, ESM_DENY = 0, ESM_OK = 1 };

/* Why an operation did not succeed; err->msg has the human-readable
 * detail (never a secret). */
enum esm_errcode {
	ESM_E_NONE = 0,
	ESM_E_NOUSER,      /* user ID not defined */
	ESM_E_INVALID,     /* an input is malformed or out of bounds */
	ESM_E_CONFLICT,    /* compare-and-set expectation not met */
	ESM_E_NOFIELD,     /* custom field not defined (no CFDEF) */
	ESM_E_RULES,       /* a new secret breaks the ESM's rules */
	ESM_E_UNSUPPORTED, /* backend lacks the capability */
	ESM_E_BACKEND,     /* storage or connection failure */
	ESM_E_NOPROFILE,   /* no PTKTDATA profile for the APPLID */
	ESM_E_MASTERKEY,   /* PassTicket keys cannot be unsealed: the ESM's
	                      master key is missing or not this database's */
	ESM_E_TICKET,      /* a PassTicket is refused (see the probe) */
};

struct esm_err {
	enum esm_errcode code;
	char msg[SSPR_MAX_ERROR]; /* one line, lower case, no secret */
};

/* ---------------------------------------------------------------- *
 * Opening a backend
 * ---------------------------------------------------------------- */

/* Returns the current time; tests inject a fake clock. */
typedef time_t (*esm_clock_fn)(void *arg);

/*
 * Fault injection, for tests and benchmarks only (a configuration that
 * never sets it costs nothing).  The wrappers in esm.c apply it, so every
 * backend gets it the same way:
 *
 *   latency_ms   every wrapper call that reaches the backend first
 *                sleeps this long (a system "50 ms away"), restarted when
 *                a signal interrupts it;
 *   fail_writes  the first N writes through this handle answer
 *                ESM_TEMPFAIL (ESM_E_BACKEND, "injected fault") without
 *                reaching the backend: an outage during the apply phase.
 *                esm_verify() reports it as INVREQ, resp2 29, code
 *                ESM_E_BACKEND.
 *
 * Writes are set_fields, resume, set_secret and verify with a new secret.
 * A call whose input the wrapper refuses reaches no backend: it neither
 * sleeps nor counts as a write.  The fail_writes count is per handle and
 * not locked: a handle is used by one thread at a time.
 */
struct esm_inject {
	unsigned latency_ms;
	unsigned fail_writes;
};

struct esm_config {
	const char *backend;    /* registry name: "embedded", ... */
	const char *db;         /* embedded: SQLite database file */
	int create;             /* embedded: create the database if missing */
	const char *master_key; /* embedded: master key file; NULL: <db>.mkey */
	esm_clock_fn now;       /* NULL: time(NULL) */
	void *now_arg;          /* passed to now() */
	struct esm_inject inject; /* tests only; zero: none */
};

/* Open the backend named by cfg->backend.  On ESM_OK *out is a new handle
 * (esm_close() it); otherwise *out is untouched and err says why. */
enum esm_result esm_open(
    const struct esm_config *cfg, struct esm **out, struct esm_err *err);

/* Close a handle; NULL-safe. */
void esm_close(struct esm *esm);

/*
 * Process-wide crash injection (tests only): after the k-th successful
 * write (the backend answered ESM_OK) through any handle of this process,
 * the process kills itself with SIGKILL, as `kill -9` would, before the
 * caller learns the result; the write itself is done.  Refused, denied
 * and injected-failed writes do not count.  0 turns it off.  The count
 * starts at zero at every call.  Thread-safe (atomic).
 */
void esm_inject_abort_after(unsigned long k);

/* The backend's name ("embedded", ...); borrowed. */
const char *esm_name(const struct esm *esm);

/* ---------------------------------------------------------------- *
 * Verify, and verify/change (RACROUTE REQUEST=VERIFY, CICS VERIFY PHRASE)
 * ---------------------------------------------------------------- */

/* CICS condition names (EIBRESP). */
enum esm_resp {
	ESM_RESP_NORMAL = 0,
	ESM_RESP_INVREQ = 16,
	ESM_RESP_LENGERR = 22,
	ESM_RESP_NOTAUTH = 70,
	ESM_RESP_USERIDERR = 69,
};

/* Which rule a rejected new secret broke (verify/change path). */
enum esm_newsecret {
	ESM_NEW_OK = 0,
	ESM_NEW_SYNTAX,    /* characters, length or RULEn (ICH08014I/20I) */
	ESM_NEW_CURRENT,   /* equal to the current value (ICH08002I/21I) */
	ESM_NEW_HISTORY,   /* in the history (ICH08015I/24I) */
	ESM_NEW_MINCHANGE, /* MINCHANGE not yet elapsed (ICH08017I/18I) */
	ESM_NEW_USERID,    /* contains or equals the user ID */
};

/*
 * The outcome of a verify, with the fields EXEC CICS VERIFY PHRASE returns.
 * Times are 0 when not applicable (printed as null); daysleft is -1 when the
 * secret never expires.
 */
struct esm_verify_result {
	enum esm_resp resp;
	int resp2;          /* 2 wrong, 3 expired, 4 new not valid, 19 revoked,
	                       8 unknown user, 1 length */
	int esmresp;        /* RACF return code: 0, 4, 8, 12, 16, 28 */
	int esmreason;      /* RACF reason code */
	int invalidcount;   /* consecutive failures recorded for the user */
	int daysleft;       /* days until expiry, -1 never */
	time_t changetime;  /* last change of the secret used (midnight) */
	time_t expirytime;  /* when it expires (midnight), 0 never */
	time_t lastusetime; /* last successful use before this one */
	enum esm_newsecret newsecret; /* why a new secret was refused */
	enum esm_errcode code;        /* why the ESM could not decide
	                                 (ESM_TEMPFAIL), e.g. ESM_E_MASTERKEY */
	int passticket;               /* 1 if a PassTicket was accepted */
	char msg[SSPR_MAX_ERROR];     /* the ESM's message (ICH.../IRR...) */
};

/*
 * Verify `secret` for `user`.  Length decides what it is, as CICS VERIFY
 * PHRASE does: 1-8 a password (or a PassTicket when applid is given),
 * 9-100 a password phrase.  With `newsecret` it is the verify/change path:
 * a correct current secret sets the new one (1-8 password, 9-100 phrase),
 * subject to the ESM's rules.
 *
 * Returns ESM_OK when out->resp is NORMAL, ESM_DENY for any other definite
 * outcome (out says which), ESM_TEMPFAIL when the ESM could not decide
 * (out->resp INVREQ, resp2 29).  `out` is always written.  `applid` may be
 * NULL.  Never logs or keeps `secret` or `newsecret`.
 */
enum esm_result esm_verify(struct esm *esm, const char *user,
    const char *secret, const char *newsecret, const char *applid,
    struct esm_verify_result *out);

/*
 * The dry run of the verify/change path for a new secret: would `user`'s
 * ESM accept `newsecret` as the new password (1-8) or phrase (9-100) right
 * now?  Applies the same rules in the same order as esm_verify() with a
 * new secret (syntax and RULEn, not the user ID, not the current value,
 * not in the history, MINCHANGE), without signing on, counting or
 * changing anything.  ESM_OK acceptable; ESM_DENY with out->resp NOTAUTH,
 * resp2 4 and out->newsecret saying which rule (out->msg the ESM's
 * message), USERIDERR (resp2 8) for an unknown or malformed user ID, or
 * LENGERR (resp2 2) for a new secret not of 1-100 bytes; ESM_TEMPFAIL
 * when the ESM could not tell (INVREQ, resp2 29; resp2 18 with code
 * ESM_E_UNSUPPORTED without ESM_CAP_CHECKSECRET).  Only the rules on the
 * new secret are applied: a revoked, inactive or expired user is answered
 * too (an administrative reset may follow).  `out` is always written.
 * Never logs or keeps `newsecret`.
 */
enum esm_result esm_check_secret(struct esm *esm, const char *user,
    const char *newsecret, struct esm_verify_result *out);

/* ---------------------------------------------------------------- *
 * PassTicket readiness (sspr check)
 * ---------------------------------------------------------------- */

struct esm_ptkt_probe {
	int enhanced;    /* the ESM expects enhanced tickets */
	int mixed;       /* ... of type MIXED */
	unsigned window; /* validity, seconds either side */
	int replay_allowed;
	long long when;       /* the generation time the ESM decoded */
	time_t esm_now;       /* the ESM's clock when it evaluated */
	char fingerprint[17]; /* of the ESM's key (passticket_fingerprint) */
	char detail[SSPR_MAX_ERROR]; /* why a ticket was refused */
};

/*
 * Evaluate ticket for user and applid exactly as a sign-on would, without
 * signing on, counting or consuming anything: the dry run that proves the
 * ESM's PTKTDATA key equals sspr's.  user need not exist.  ESM_OK valid;
 * ESM_DENY with ESM_E_NOPROFILE (no profile for applid) or ESM_E_TICKET
 * (refused: out->detail says why); ESM_TEMPFAIL with ESM_E_MASTERKEY or
 * ESM_E_BACKEND.  out is filled as far as the evaluation got.
 */
enum esm_result esm_passticket_probe(struct esm *esm, const char *applid,
    const char *user, const char *ticket, struct esm_ptkt_probe *out,
    struct esm_err *err);

/* ---------------------------------------------------------------- *
 * Looking a user up
 * ---------------------------------------------------------------- */

enum esm_revoke_reason {
	ESM_REVOKE_NONE = 0,
	ESM_REVOKE_ATTEMPTS, /* failed attempts reached SETROPTS REVOKE(n) */
	ESM_REVOKE_COMMAND,  /* ALTUSER REVOKE by an administrator */
	ESM_REVOKE_INACTIVE, /* unused past SETROPTS INACTIVE(n) */
};

#define ESM_MAX_GROUPS 64

struct esm_user {
	char userid[SSPR_MAX_USERID + 1];
	char name[SSPR_MAX_NAME + 1];
	char dfltgrp[SSPR_MAX_GROUP + 1];
	char email[SSPR_MAX_EMAIL + 1]; /* WAEMAIL; "" when none */
	unsigned revoked : 1;
	unsigned special : 1;
	unsigned has_password : 1;
	unsigned has_phrase : 1;
	unsigned password_expired : 1;
	unsigned phrase_expired : 1;
	enum esm_revoke_reason revoke_reason;
	int invalidcount; /* consecutive failed verifies now */
	int revoke_after; /* failures that revoke the ID (SETROPTS
	                     PASSWORD(REVOKE(n))): 0 never, -1 the backend
	                     cannot tell */
	time_t created;
	time_t last_access; /* 0 never */
	size_t ngroups;
	char groups[ESM_MAX_GROUPS][SSPR_MAX_GROUP + 1]; /* connects */
};

/* Fill *out for `user`.  ESM_OK found, ESM_DENY not defined (err->code
 * ESM_E_NOUSER), ESM_TEMPFAIL could not tell. */
enum esm_result esm_lookup(struct esm *esm, const char *user,
    struct esm_user *out, struct esm_err *err);

/* Clear the revoked state and the failure count (ALTUSER RESUME).  ESM_OK
 * also when the user was not revoked. */
enum esm_result esm_resume(
    struct esm *esm, const char *user, struct esm_err *err);

/* ---------------------------------------------------------------- *
 * Custom fields (RACF CSDATA)
 * ---------------------------------------------------------------- */

/* name: custom field name; value: NULL means "not set" (on write: delete;
 * in an expectation: must be unset). */
struct esm_field {
	const char *name;
	const char *value;
};

/*
 * Read n fields of `user`.  On ESM_OK values[i] is a new string (free it)
 * or NULL when the field is unset.  ESM_DENY: unknown user or undefined
 * field (err says which); values untouched.
 */
enum esm_result esm_get_fields(struct esm *esm, const char *user,
    const char *const *names, size_t n, char **values, struct esm_err *err);

/*
 * Set (or delete, value NULL) n fields of `user` atomically.  When
 * `expect` is given (nexpect > 0), the write happens only if every expected
 * field currently holds exactly the expected value (NULL: unset); else
 * ESM_DENY with ESM_E_CONFLICT and nothing changes.  Values are checked
 * against the field's CFDEF (type, MAXLENGTH) and upper-cased unless the
 * field is MIXED(YES), as RACF does.
 */
enum esm_result esm_set_fields(struct esm *esm, const char *user,
    const struct esm_field *set, size_t n, const struct esm_field *expect,
    size_t nexpect, struct esm_err *err);

/*
 * The user IDs that have custom field `field` set (NULL: every user), in
 * ascending (byte) order.  On ESM_OK *out is a new array of *n new strings
 * (esm_list_free() it; NULL when *n is 0); otherwise *out and *n are
 * untouched.  ESM_DENY with ESM_E_INVALID for a malformed field name,
 * ESM_E_NOFIELD for an undefined one (never an empty list); ESM_TEMPFAIL
 * when the ESM could not answer or lacks ESM_CAP_LIST.  For the drift
 * report: one call per system.
 */
enum esm_result esm_list_users(struct esm *esm, const char *field, char ***out,
    size_t *n, struct esm_err *err);
/* Free a list from esm_list_users(); NULL-safe. */
void esm_list_free(char **list, size_t n);

/* A custom field's definition (RACF CFDEF). */
struct esm_field_def {
	int maxlength;
	int mixed; /* values keep their case */
	int type;  /* 0 CHAR, 1 NUM, 2 HEX, 3 FLAG */
};

/* The definition of field name: ESM_OK, ESM_DENY (ESM_E_NOFIELD: not
 * defined), ESM_TEMPFAIL. */
enum esm_result esm_field_def(struct esm *esm, const char *name,
    struct esm_field_def *out, struct esm_err *err);

/* ---------------------------------------------------------------- *
 * Administrative reset (ALTUSER PASSWORD/PHRASE)
 * ---------------------------------------------------------------- */

enum esm_set_flags {
	ESM_SET_NOEXPIRED = (1 << 0), /* not expired; rules then apply */
	ESM_SET_RESUME = (1 << 1),    /* also resume the user */
};

/* Set a user's password (1-8) or phrase (9-100) as an administrator.
 * Without ESM_SET_NOEXPIRED the new secret is expired and syntax rules are
 * not applied (RACF).  ESM_DENY with ESM_E_RULES when NOEXPIRED and the
 * rules refuse it.  Never logs `secret`. */
enum esm_result esm_set_secret(struct esm *esm, const char *user,
    const char *secret, unsigned flags, struct esm_err *err);

/* ---------------------------------------------------------------- *
 * Backends
 * ---------------------------------------------------------------- */

enum esm_caps {
	ESM_CAP_VERIFY = (1 << 0),
	ESM_CAP_CHANGE = (1 << 1), /* verify/change path */
	ESM_CAP_LOOKUP = (1 << 2),
	ESM_CAP_RESUME = (1 << 3),
	ESM_CAP_FIELDS = (1 << 4),
	ESM_CAP_CAS = (1 << 5), /* compare-and-set on fields */
	ESM_CAP_SETSECRET = (1 << 6),
	ESM_CAP_PASSTICKET = (1 << 7),
	ESM_CAP_CHECKSECRET = (1 << 8), /* dry run of the new-secret rules */
	ESM_CAP_LIST = (1 << 9),        /* enumerate users */
};

/*
 * A backend.  Inputs reaching these functions are already validated and
 * normalised by esm.c (user IDs upper-case, bounds checked).  Backends
 * keep their state in esm->priv through esm_priv().
 */
struct esm_backend {
	const char *name;
	unsigned int caps;
	enum esm_result (*open)(
	    struct esm *, const struct esm_config *, struct esm_err *);
	void (*close)(struct esm *);
	enum esm_result (*verify)(struct esm *, const char *user,
	    const char *secret, const char *newsecret, const char *applid,
	    struct esm_verify_result *);
	enum esm_result (*lookup)(struct esm *, const char *user,
	    struct esm_user *, struct esm_err *);
	enum esm_result (*resume)(
	    struct esm *, const char *user, struct esm_err *);
	enum esm_result (*get_fields)(struct esm *, const char *user,
	    const char *const *names, size_t n, char **values,
	    struct esm_err *);
	enum esm_result (*set_fields)(struct esm *, const char *user,
	    const struct esm_field *set, size_t n,
	    const struct esm_field *expect, size_t nexpect, struct esm_err *);
	enum esm_result (*set_secret)(struct esm *, const char *user,
	    const char *secret, unsigned flags, struct esm_err *);
	enum esm_result (*field_def)(struct esm *, const char *name,
	    struct esm_field_def *, struct esm_err *);
	enum esm_result (*ptkt_probe)(struct esm *, const char *applid,
	    const char *user, const char *ticket, struct esm_ptkt_probe *,
	    struct esm_err *);
	enum esm_result (*check_secret)(struct esm *, const char *user,
	    const char *newsecret, struct esm_verify_result *);
	enum esm_result (*list_users)(struct esm *, const char *field,
	    char ***out, size_t *n, struct esm_err *);
};

/* The backend's private state (borrowed), set with esm_set_priv(). */
void *esm_priv(const struct esm *esm);
void esm_set_priv(struct esm *esm, void *priv);

/* The current time by the handle's clock. */
time_t esm_now(const struct esm *esm);

/* Format into err (code and message); err may be NULL. */
void esm_err_set(struct esm_err *err, enum esm_errcode code, const char *fmt,
    ...) PRINTF_LIKE(3, 4);

/* 1 if s is a valid RACF user or group name (1-8 of A-Z 0-9 # @ $, first
 * not a digit), case-insensitively; else 0. */
int esm_valid_name(const char *s);

/* Copy a valid name (esm_valid_name) into out, upper-cased: 0, or -1
 * (out untouched) when in is NULL or not valid. */
int esm_norm_name(const char *in, char out[SSPR_MAX_USERID + 1]);

/* 1 if name is a backend of this build's registry (the one esm_open()
 * searches), else 0. */
int esm_backend_available(const char *name);

extern const struct esm_backend esm_embedded;

#endif
