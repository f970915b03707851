/*
 * racf_ptkt.h - PTKTDATA profiles of the embedded ESM: defining them, and
 * evaluating a PassTicket the way RACF does at sign-on.
 *
 * A profile holds a legacy key (SSIGNON(KEYMASKED(16 hex))), an enhanced
 * key (SSIGNON(EPTKEYMASKED(64-512 hex)) with PTTYPE, PTTIMEOUT, PTREPLAY),
 * or both; with both, enhanced tickets are expected, as RACF does.  Keys
 * are sealed under the ESM's master key (racf_mkey.h) and unsealed only
 * for the moment of an evaluation.
 *
 * Replay protection: a ticket accepted for a user and APPLID is recorded
 * (as a digest) until its window has passed, and refused if presented
 * again, unless the profile allows replay (legacy:
 * APPLDATA('NO REPLAY PROTECTION'), enhanced: PTREPLAY(YES)).
 */
#ifndef SSPR_RACF_PTKT_H
#define SSPR_RACF_PTKT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "esm/passticket.h"
#include "esm/racf.h"
#include "esm/racf_db.h"

enum racf_ptkt_status {
	RACF_PTKT_VALID = 0, /* a valid ticket (not yet checked for replay) */
	RACF_PTKT_INVALID,   /* not a valid ticket now (ev->result says why) */
	RACF_PTKT_NOPROFILE, /* no PTKTDATA profile for the APPLID */
	RACF_PTKT_MASTERKEY, /* keys cannot be unsealed: err says why */
	RACF_PTKT_ERROR,     /* database error: err says why */
};

struct racf_ptkt_eval {
	enum passticket_kind kind; /* the kind the profile expects */
	enum passticket_type type;
	unsigned window; /* seconds either side */
	int replay_allowed;
	enum passticket_result result;
	uint64_t when;        /* decoded generation time */
	char digest[65];      /* what replay protection records */
	char fingerprint[17]; /* of the key used */
};

/*
 * Evaluate ticket (8 characters, as typed) for user and applid at now,
 * without recording anything.  Reads the profile from r's database (the
 * caller may hold a transaction).  Returns the status; ev is filled for
 * VALID and INVALID; err for MASTERKEY and ERROR.
 */
enum racf_ptkt_status racf_ptkt_evaluate(struct racf *r, const char *applid,
    const char *user, const char *ticket, time_t now, struct racf_ptkt_eval *ev,
    char *err, size_t errsize);

/*
 * Inside the caller's write transaction, record a valid ticket as used.
 * Returns 1 first use (or replay allowed), 0 a replay, -1 error.
 */
int racf_ptkt_consume(struct racf *r, const char *applid, const char *user,
    const struct racf_ptkt_eval *ev, time_t now);

/* What RDEFINE/RALTER PTKTDATA asks for. */
struct racf_ptkt_def {
	int set_legacy; /* a new legacy key is given */
	struct passticket_key legacy;
	int set_enhanced; /* a new enhanced key is given */
	struct passticket_key enhanced;
	int set_type, set_timeout, set_replay, set_appldata;
	enum passticket_type type;
	int timeout;
	int replay;
	char appldata[256];
};

/*
 * Create (or, with alter, change) the profile of applid from def inside
 * the caller's write transaction, sealing keys under the master key
 * (created on first use).  Returns 0, or -1 with a message in err (profile
 * exists / does not exist, master key unavailable or not the database's,
 * storage error).
 */
int racf_ptkt_define(struct racf *r, const char *applid,
    const struct racf_ptkt_def *def, int alter, char *err, size_t errsize);

/* What RLIST PTKTDATA shows: never a key, but each key's fingerprint
 * when the master key can unseal it, or why it cannot. */
struct racf_ptkt_info {
	char applid[SSPR_MAX_APPLID + 1];
	int has_legacy, has_enhanced;
	enum passticket_type type;
	int timeout, replay_legacy, replay_enhanced;
	char appldata[256];
	char legacy_fp[17], enhanced_fp[17]; /* "" when unavailable */
	char problem[SSPR_MAX_ERROR];        /* "" when keys unseal */
};

/* 1 and *info for applid's profile, 0 none, -1 error (err). */
int racf_ptkt_info(struct racf *r, const char *applid,
    struct racf_ptkt_info *info, char *err, size_t errsize);

/* Delete the profile; forget the master key check value when it was the
 * last profile.  1 deleted, 0 none, -1 error (err). */
int racf_ptkt_delete(
    struct racf *r, const char *applid, char *err, size_t errsize);

#endif
