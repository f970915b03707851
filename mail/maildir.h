/*
 * maildir.h - the directory transport: each message becomes one .eml file
 * (for the demo and development; mail_send() dispatches here).
 *
 * Files are written under a temporary name, fsync'ed and renamed, mode
 * 0600, so a reader never sees half a message; the envelope recipient is
 * recorded in an X-Sspr-Envelope-To header line in front of the message.
 */
#ifndef SSPR_MAIL_MAILDIR_H
#define SSPR_MAIL_MAILDIR_H

#include "mail/transport.h"

enum mail_result mail_dir_send(const struct mail_transport *t, const char *rcpt,
    const char *msg, size_t len, struct mail_status *st);
enum mail_result mail_dir_probe(
    const struct mail_transport *t, struct mail_status *st);

#endif
