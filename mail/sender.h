/*
 * sender.h - the thread that empties the outbox.
 *
 * One sender per process: it opens its own connection to the outbox,
 * delivers what is due, then sleeps until the next message is due, it is
 * woken (mail_sender_wake() after an enqueue) or it is stopped.  Delivery
 * never runs on a caller's thread, so nothing that enqueues waits on SMTP.
 *
 *	struct mail_sender *s;
 *	mail_sender_start(path, key, &transport, &retry, &s, err, sizeof(err));
 *	... mail_outbox_enqueue(...); mail_sender_wake(s); ...
 *	mail_sender_stop(s);
 */
#ifndef SSPR_MAIL_SENDER_H
#define SSPR_MAIL_SENDER_H

#include <stddef.h>

#include "compat/seal.h"
#include "mail/outbox.h"
#include "mail/transport.h"

struct mail_sender;

/*
 * Start a sender on the outbox at path.  t and r are borrowed and must
 * outlive the sender (t->password included).  Returns 0 and *out, or -1
 * with err.
 */
int mail_sender_start(const char *path, const unsigned char key[SEAL_KEY_LEN],
    const struct mail_transport *t, const struct mail_retry *r,
    struct mail_sender **out, char *err, size_t errsize);

/* Deliver now what is due (after an enqueue). */
void mail_sender_wake(struct mail_sender *s);

/* Stop after the current delivery and free; NULL-safe. */
void mail_sender_stop(struct mail_sender *s);

#endif
