/*
 * mailer.h - sspr's mail: the configured transport, the outbox, and
 * messages from templates.
 *
 * Turns the "mail" section of the configuration into a transport (reading
 * the relay password from its file or command: it is never in the JSON),
 * opens the outbox in the state directory with a key derived from sspr's
 * flow key, and builds messages from templates/mail.  The recipient of
 * every message is an argument the caller took from the user's stored
 * address, never from a request.
 *
 *	struct sspr_mailer m;
 *	if (sspr_mailer_init(cfg, keys, &m, err, sizeof(err)) == -1) ...
 *	sspr_mail_enqueue(&m, "access_code", "de", addr, name, vars, n,
 *	    now + 15 * 60, err, sizeof(err));
 *	sspr_mailer_release(&m);
 */
#ifndef SSPR_MAILER_H
#define SSPR_MAILER_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "compat/seal.h"
#include "mail/outbox.h"
#include "mail/template.h"
#include "mail/transport.h"
#include "sspr/config.h"
#include "sspr/keys.h"

struct sspr_mailer {
	struct mail_transport t;
	struct mail_retry retry;
	char *password;         /* the relay's, wiped on release */
	char outbox_path[4096]; /* <state_dir>/outbox.db */
	unsigned char outbox_key[SEAL_KEY_LEN];
	int have_outbox;        /* keys were given */
	char templates[4096];   /* <data_dir>/mail */
	struct mail_outbox *ob; /* opened on first enqueue */
	int ob_known;           /* ob_dev/ob_ino say which file is the */
	dev_t ob_dev;           /* outbox (first seen at its path) */
	ino_t ob_ino;
};

/*
 * Is the outbox at m->outbox_path still the file first seen there?  The
 * outbox is SQLite: deleted or moved under a running process it would be
 * written on through the open descriptor and lost at the next start,
 * with every message not yet delivered.  0 when it is (or has not been
 * seen yet), -1 when it is gone or another file, which is also the health
 * problem "outbox file" (sspr/health.h) until it is back; never recreated
 * here.
 */
int sspr_mailer_check(struct sspr_mailer *m);

/*
 * Set m up from cfg (which must outlive m).  keys may be NULL when no
 * outbox is needed (a direct test send, the readiness check).  Returns 0,
 * or -1 with err (no "mail" section, password unreadable, ...).
 */
int sspr_mailer_init(const struct cfg *cfg, const struct keys *keys,
    struct sspr_mailer *m, char *err, size_t errsize);

/* Close the outbox, wipe the password and keys. */
void sspr_mailer_release(struct sspr_mailer *m);

/*
 * Render template name in lang with vars, build the message for rcpt and
 * enqueue it to be delivered before not_after.  Returns 0 and *id (may be
 * NULL), or -1 with err (refused address, template error, storage).
 */
int sspr_mail_enqueue(struct sspr_mailer *m, const char *name, const char *lang,
    const char *rcpt, const char *rcpt_name, const struct mail_var *vars,
    size_t nvars, time_t now, time_t not_after, long long *id, char *err,
    size_t errsize);

/* Render and build a message without enqueueing it (for a direct send):
 * appended to out.  0 or -1 with err. */
int sspr_mail_compose(const struct sspr_mailer *m, const char *name,
    const char *lang, const char *rcpt, const char *rcpt_name,
    const struct mail_var *vars, size_t nvars, time_t now, struct strbuf *out,
    char *err, size_t errsize);

#endif
