/*
 * journal.h - the durable record of operations on several systems.
 *
 * <state_dir>/journal.db (SQLite, WAL, synchronous FULL, created 0600).
 * Before anything is written to any system, the operation and one row per
 * target system ("pending") are committed; each system's row then moves
 *
 *	pending -> writing -> ok | failed | pending (retry) | not-applied
 *	writing -> unknown        (the writer died: the outcome is not known)
 *
 * and the operation is "open" until every system has a final state.  An
 * open operation belongs to its owner (node/pid/nonce) while the owner
 * lives; the recovery of sspr/replicate.c takes over operations whose
 * owner died (same node, process gone) or whose lease expired (another
 * node), and operations left for retry (lease 0).
 *
 * The payload is opaque here: the caller seals it (sspr/replicate.c; it
 * holds only hashed enrollment fields, never a password: a pending
 * password change cannot be retried from the journal and is reported as
 * not applied).
 *
 * Every function is safe to call from several threads on one handle (a
 * mutex serialises them); several processes may share the file.  Each
 * write's outcome is told to sspr/health.h (HEALTH_JOURNAL): a failure is
 * counted and logged once when it begins, the next success ends it.
 */
#ifndef SSPR_JOURNAL_H
#define SSPR_JOURNAL_H

#include <stddef.h>

#include "compat/ceilings.h"

#define JOURNAL_FILE    "journal.db"
#define JOURNAL_ID_LEN  32
#define JOURNAL_MAX_SYS 16

struct journal;

struct journal_sys {
	char name[SSPR_MAX_USERID + 1];
	char state[16];  /* pending, writing, ok, failed, not-applied,
	                    unknown */
	char result[32]; /* "ok" or an error code */
	char detail[SSPR_MAX_ERROR];
};

struct journal_op {
	char id[JOURNAL_ID_LEN + 1];
	char kind[24];
	char userid[SSPR_MAX_USERID + 1];
	char actor[SSPR_MAX_USERID + 1];
	char client[64];
	char lang[8];
	long long created;
	long long next_retry;
	int attempts;
	int open;               /* not every system is final */
	unsigned char *payload; /* sealed; NULL when none (journal_op_free) */
	size_t payload_len;
	size_t nsys;
	struct journal_sys sys[JOURNAL_MAX_SYS];
};

/* Open (creating) <state_dir>/journal.db.  0, or -1 with err. */
int journal_open(
    const char *state_dir, struct journal **out, char *err, size_t errsize);
void journal_close(struct journal *j);

/*
 * Is <state_dir>/journal.db still the file this handle opened?  A journal
 * deleted, moved or replaced under a running process would go on being
 * written through the open descriptor and be lost at the next start, with
 * every operation still open in it: so 0 when it is the same file (device
 * and inode at the path), -1 when it is not, which also makes it the
 * health problem "journal file" (sspr/health.h) until it is again.  It is
 * never recreated here: an empty journal would forget pending operations.
 */
int journal_check(struct journal *j);

/* A new random operation ID (hex). */
int journal_new_id(char id[JOURNAL_ID_LEN + 1]);

/* Record a new open operation owned by this process, with every system
 * "pending", in one transaction.  lease: Unix time until which no other
 * node may take it over.  0 or -1. */
int journal_begin(
    struct journal *j, const struct journal_op *op, long long lease);

/* Move one system of an operation to state, with its result. */
int journal_mark(struct journal *j, const char *id, const char *system,
    const char *state, const char *result, const char *detail);

/* Close the operation (done = 1), or leave it open for a retry at
 * next_retry (lease released, attempts counted).  0 or -1. */
int journal_finish(
    struct journal *j, const char *id, int done, long long next_retry);

/*
 * The open operations that this process may take over at now: owner
 * dead or lease expired, and next_retry reached.  Each is claimed (owner
 * := this process, lease := lease) in the same transaction, so two
 * recoveries never work on one operation.  *ops is a new array of *n
 * (journal_ops_free).  0 or -1.
 */
int journal_claim(struct journal *j, long long now, long long lease,
    struct journal_op **ops, size_t *n);

/* The newest operations concerning userid (at most max), newest first. */
int journal_user_ops(struct journal *j, const char *userid,
    struct journal_op **ops, size_t *n, size_t max);

/*
 * The generation time for the next PassTicket that signs user on at
 * applid: *t = max(now, the last one taken + 1), stored in the same
 * transaction, so that no two callers (threads, processes, and the nodes
 * of a shared store) ever get one time for one user and APPLID: equal
 * times make equal tickets, which the ESM's replay protection refuses.
 * Tickets change once a second (both kinds), so one second apart is
 * enough.  When *t would pass max (the ticket would fall outside the
 * ESM's validity window), nothing is stored and 1 is returned.  Rows too
 * old to matter are pruned on the way.  0, 1, or -1 (*t written on 0).
 */
int journal_ticket_time(struct journal *j, const char *applid, const char *user,
    long long now, long long max, long long *t);

/* Forget finished operations created before `before`; the number
 * removed, or -1. */
long journal_prune(struct journal *j, long long before);

/* One operation by ID: 1 found, 0 not, -1 error. */
int journal_get(struct journal *j, const char *id, struct journal_op *op);

/* Read-only, for sspr check: the number of open operations and the
 * creation time of the oldest.  0, 1 when there is no journal yet, -1
 * with err. */
int journal_summary(const char *state_dir, long *open, long long *oldest,
    char *err, size_t errsize);

/* Read-only, for sspr check: call fn(id, payload, len, arg) for every
 * open operation that has a sealed payload (borrowed for the call).
 * 0 (also when there is no journal or it is empty), -1 with err. */
int journal_open_payloads(const char *state_dir,
    void (*fn)(
        const char *id, const unsigned char *payload, size_t len, void *arg),
    void *arg, char *err, size_t errsize);

void journal_op_free(struct journal_op *op);
void journal_ops_free(struct journal_op *ops, size_t n);

#endif
