/*
 * outbox.h - the durable mail queue.
 *
 * A message is enqueued in one SQLite transaction (fast: the HTTP request
 * that made it never waits on SMTP) and delivered later by the sender.
 * Restarting sspr loses nothing that was enqueued.  Bodies hold access
 * codes, so they are sealed (AES-256-GCM) under a key the caller gives, and
 * deleted as soon as a message is delivered, given up or expired; the row
 * stays (without body) so the operator can see what happened.
 *
 * Delivery: a message due now is claimed (a lease, so a crash returns it
 * to the queue), sent, and then marked done; on a temporary failure (4xx,
 * relay unreachable, connection dropped) it is retried with exponential
 * backoff; on a permanent one (5xx) it is given up; a message whose
 * content has expired (an access code past its lifetime) is dropped, never
 * delivered late.  A message dropped mid-DATA may be delivered twice if
 * the relay had in fact accepted it (SMTP cannot tell); nothing else is.
 */
#ifndef SSPR_MAIL_OUTBOX_H
#define SSPR_MAIL_OUTBOX_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "compat/seal.h"
#include "mail/message.h"
#include "mail/transport.h"

struct mail_outbox;

enum mail_item_status {
	MAIL_QUEUED = 0, /* waiting for its next attempt */
	MAIL_SENDING,    /* claimed by a sender */
	MAIL_DONE,       /* the relay accepted it */
	MAIL_FAILED,     /* given up: permanent failure */
	MAIL_EXPIRED,    /* its content expired before delivery */
};

struct mail_item {
	long long id;
	char rcpt[MAIL_MAX_ADDRESS + 1];
	char kind[32]; /* what it is: "access_code", "reset_done", "test" */
	enum mail_item_status status;
	int attempts;
	time_t created, not_after, next_attempt, finished;
	char last_error[SSPR_MAX_ERROR];
};

struct mail_retry {
	int initial; /* seconds before the first retry */
	int max;     /* cap of the doubling */
};

/*
 * Open (creating) the outbox database at path; key seals bodies.  Messages
 * left "sending" by a process that died go back to the queue.  Returns 0
 * and *out, or -1 with err.
 */
int mail_outbox_open(const char *path, const unsigned char key[SEAL_KEY_LEN],
    struct mail_outbox **out, char *err, size_t errsize);
void mail_outbox_close(struct mail_outbox *ob);

/*
 * Enqueue msg (len bytes, built by mail_build()) for rcpt, to be delivered
 * no later than not_after.  Returns 0 and *id (may be NULL), or -1 with
 * err.  Refuses, as a transport would, an rcpt or kind that fails
 * mail_transport_value() and a message with a NUL byte: nothing queued
 * can be refused later by the transport for its envelope.  Never blocks
 * on the network.
 */
int mail_outbox_enqueue(struct mail_outbox *ob, const char *kind,
    const char *rcpt, const char *msg, size_t len, time_t now, time_t not_after,
    long long *id, char *err, size_t errsize);

/*
 * Attempt every message due at now through t.  Returns the number of
 * attempts made, or -1 with err on a storage error; *next_due (may be
 * NULL) is set to the earliest next attempt of a queued message, 0 when
 * none.
 */
int mail_outbox_run(struct mail_outbox *ob, const struct mail_transport *t,
    const struct mail_retry *r, time_t now, time_t *next_due, char *err,
    size_t errsize);

/* Call fn for each message, newest first (at most limit; 0: all); stops
 * when fn returns non-zero. */
int mail_outbox_list(struct mail_outbox *ob, size_t limit,
    int (*fn)(const struct mail_item *, void *), void *arg);

/*
 * The number of messages still to deliver (queued or being sent) in the
 * outbox at path, read without its key: 0 when the file does not exist
 * yet, or -1 with err.  For monitoring; safe alongside a sender.
 */
long mail_outbox_pending(const char *path, char *err, size_t errsize);

/* Forget finished messages older than before; the number removed or -1. */
int mail_outbox_purge(struct mail_outbox *ob, time_t before);

/* "queued", "sending", "sent", "failed", "expired". */
const char *mail_item_status_str(enum mail_item_status s);

#endif
