/*
 * outbox.c - the durable mail queue on SQLite (see outbox.h).
 *
 * The only file of mail/ with SQL.  One row per message; the body is a
 * sealed BLOB bound (associated data) to its row's recipient and creation
 * time, deleted (secure_delete) when the row is finished.
 */
#include "mail/outbox.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/banned.h"

#define OUTBOX_BUSY_MS 30000

struct mail_outbox {
	sqlite3 *sql;
	unsigned char key[SEAL_KEY_LEN];
};

static const char outbox_schema[] =
    "CREATE TABLE IF NOT EXISTS messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind TEXT NOT NULL,"
    " rcpt TEXT NOT NULL,"
    " body BLOB,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " created INTEGER NOT NULL,"
    " not_after INTEGER NOT NULL,"
    " next_attempt INTEGER NOT NULL,"
    " lease_until INTEGER NOT NULL DEFAULT 0,"
    " finished INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS messages_due ON messages (status, "
    " next_attempt);";

static void
outbox_err(struct mail_outbox *ob, char *err, size_t errsize, const char *what)
{
	if (err != NULL && errsize > 0)
		snprintf(err, errsize, "mail outbox: %s: %s", what,
		    sqlite3_errmsg(ob->sql));
}

static int
outbox_exec(struct mail_outbox *ob, const char *sql)
{
	return sqlite3_exec(ob->sql, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
	                                                                 : -1;
}

int
mail_outbox_open(const char *path, const unsigned char key[SEAL_KEY_LEN],
    struct mail_outbox **out, char *err, size_t errsize)
{
	struct mail_outbox *ob = xcalloc(1, sizeof(*ob));
	mode_t old;
	int rc, fd;

	/* This user's alone, no link (filetrust.h); it holds messages with
	 * access codes, sealed. */
	fd = filetrust_open(path, "mail outbox",
	    FT_WRITE | FT_SECRET | FT_CREATE | FT_SQLITE, err, errsize);
	if (fd < 0) {
		free(ob);
		return -1;
	}
	old = umask(077);
	rc = sqlite3_open_v2(path, &ob->sql,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	        SQLITE_OPEN_NOFOLLOW,
	    NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		snprintf(err, errsize, "cannot open mail outbox '%s': %s", path,
		    ob->sql ? sqlite3_errmsg(ob->sql) : "out of memory");
		(void)close(fd);
		goto fail;
	}
	rc = filetrust_same(fd, path, "mail outbox", err, errsize);
	(void)close(fd);
	if (rc == -1)
		goto fail;
	sqlite3_busy_timeout(ob->sql, OUTBOX_BUSY_MS);
	if (outbox_exec(ob, "PRAGMA journal_mode = WAL") == -1 ||
	    outbox_exec(ob, "PRAGMA secure_delete = ON") == -1 ||
	    outbox_exec(ob, outbox_schema) == -1 ||
	    /* A sender that died mid-delivery: its messages go back. */
	    outbox_exec(ob, "UPDATE messages SET status = 0 WHERE status = 1 "
	                    "AND lease_until < strftime('%s')") == -1) {
		snprintf(err, errsize, "cannot open mail outbox '%s': %s", path,
		    sqlite3_errmsg(ob->sql));
		goto fail;
	}
	memcpy(ob->key, key, SEAL_KEY_LEN);
	*out = ob;
	return 0;
fail:
	sqlite3_close(ob->sql);
	free(ob);
	return -1;
}

void
mail_outbox_close(struct mail_outbox *ob)
{
	if (ob == NULL)
		return;
	sqlite3_close(ob->sql);
	freezero(ob, sizeof(*ob));
}

/* The associated data that binds a sealed body to its message. */
static void
outbox_ad(const char *rcpt, long long created, char *ad, size_t size)
{
	snprintf(ad, size, "sspr-outbox-v1:%lld:%s", created, rcpt);
}

int
mail_outbox_enqueue(struct mail_outbox *ob, const char *kind, const char *rcpt,
    const char *msg, size_t len, time_t now, time_t not_after, long long *id,
    char *err, size_t errsize)
{
	char ad[MAIL_MAX_ADDRESS + 64];
	struct mail_status ms;
	unsigned char *sealed;
	sqlite3_stmt *st = NULL;
	long n;
	int rc = -1;

	if (len > MAIL_MAX_MESSAGE) {
		snprintf(err, errsize, "mail outbox: message too large");
		return -1;
	}
	if (mail_transport_value("recipient", rcpt, &ms) == -1 ||
	    mail_transport_value("kind", kind, &ms) == -1 ||
	    mail_transport_body(msg, len, &ms) == -1) {
		snprintf(err, errsize, "mail outbox: %s", ms.detail);
		return -1;
	}
	sealed = xmalloc(len + SEAL_OVERHEAD);
	outbox_ad(rcpt, (long long)now, ad, sizeof(ad));
	n = seal(ob->key, ad, (const unsigned char *)msg, len, sealed);
	if (n < 0) {
		snprintf(err, errsize, "mail outbox: no randomness");
		goto out;
	}
	if (sqlite3_prepare_v2(ob->sql,
	        "INSERT INTO messages (kind, rcpt, body, created, not_after, "
	        "next_attempt) VALUES (?, ?, ?, ?, ?, ?)",
	        -1, &st, NULL) != SQLITE_OK) {
		outbox_err(ob, err, errsize, "enqueue");
		goto out;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, sealed, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)not_after);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		outbox_err(ob, err, errsize, "enqueue");
		goto out;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(ob->sql);
	rc = 0;
out:
	sqlite3_finalize(st);
	freezero(sealed, len + SEAL_OVERHEAD);
	return rc;
}

/* ---------------------------------------------------------------- *
 * Delivery
 * ---------------------------------------------------------------- */

/* One claimed message: its row and unsealed body. */
struct outbox_claim {
	long long id;
	char rcpt[MAIL_MAX_ADDRESS + 1];
	long long created, not_after;
	int attempts;
	unsigned char *body;
	size_t len;
};

/*
 * Claim the oldest due message: 1 claimed (c filled; free c->body), 0 none
 * due, -1 error.  A message whose body cannot be unsealed is given up.
 */
static int
outbox_claim(
    struct mail_outbox *ob, time_t now, long lease, struct outbox_claim *c)
{
	sqlite3_stmt *st = NULL;
	char ad[MAIL_MAX_ADDRESS + 64];
	const void *blob;
	int rc = -1, n;
	long m;

	if (outbox_exec(ob, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (sqlite3_prepare_v2(ob->sql,
	        "SELECT id, rcpt, created, not_after, attempts, body FROM "
	        "messages WHERE status = 0 AND next_attempt <= ? ORDER BY "
	        "next_attempt, id LIMIT 1",
	        -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = -1;
		goto out;
	}
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	strlcpy_s(
	    c->rcpt, (const char *)sqlite3_column_text(st, 1), sizeof(c->rcpt));
	c->created = sqlite3_column_int64(st, 2);
	c->not_after = sqlite3_column_int64(st, 3);
	c->attempts = sqlite3_column_int(st, 4);
	blob = sqlite3_column_blob(st, 5);
	n = sqlite3_column_bytes(st, 5);
	c->body = NULL;
	if (blob != NULL && n >= SEAL_OVERHEAD) {
		c->body = xmalloc((size_t)n);
		outbox_ad(c->rcpt, c->created, ad, sizeof(ad));
		m = unseal(ob->key, ad, blob, (size_t)n, c->body);
		if (m < 0) {
			freezero(c->body, (size_t)n);
			c->body = NULL;
		} else
			c->len = (size_t)m;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(ob->sql,
	        "UPDATE messages SET status = 1, lease_until = ?, attempts = "
	        "attempts + 1 WHERE id = ?",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(now + lease));
	sqlite3_bind_int64(st, 2, c->id);
	if (sqlite3_step(st) != SQLITE_DONE || outbox_exec(ob, "COMMIT") == -1)
		goto fail;
	c->attempts++;
	rc = 1;
	goto out_nocommit;
fail:
	if (c->body != NULL)
		freezero(c->body, c->len + SEAL_OVERHEAD);
	c->body = NULL;
	rc = -1;
out:
	(void)outbox_exec(ob, rc == 0 ? "COMMIT" : "ROLLBACK");
out_nocommit:
	sqlite3_finalize(st);
	return rc;
}

/* Record the outcome of one attempt. */
static int
outbox_finish(struct mail_outbox *ob, long long id,
    enum mail_item_status status, time_t now, time_t next, const char *detail)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->sql,
	        "UPDATE messages SET status = ?1, next_attempt = ?2, "
	        "last_error = ?3, lease_until = 0, finished = "
	        "CASE WHEN ?1 >= 2 THEN ?4 ELSE 0 END, body = CASE WHEN ?1 >= "
	        "2 THEN NULL ELSE body END WHERE id = ?5",
	        -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, (int)status);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)next);
	sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* initial * 2^(attempts-1), capped. */
static time_t
outbox_backoff(const struct mail_retry *r, int attempts)
{
	long long d = r->initial;
	int i;

	for (i = 1; i < attempts && d < r->max; i++)
		d *= 2;
	return (time_t)(d < r->max ? d : r->max);
}

int
mail_outbox_run(struct mail_outbox *ob, const struct mail_transport *t,
    const struct mail_retry *r, time_t now, time_t *next_due, char *err,
    size_t errsize)
{
	struct outbox_claim c;
	struct mail_status ms;
	sqlite3_stmt *st;
	int n = 0, got;

	for (;;) {
		got = outbox_claim(ob, now, 4 * t->timeout + 60, &c);
		if (got == -1) {
			outbox_err(ob, err, errsize, "claiming a message");
			return -1;
		}
		if (got == 0)
			break;
		n++;
		if (c.body == NULL) {
			got = outbox_finish(ob, c.id, MAIL_FAILED, now, 0,
			    "the message body cannot be unsealed (the outbox "
			    "key changed?)");
		} else if ((time_t)c.not_after < now) {
			got = outbox_finish(ob, c.id, MAIL_EXPIRED, now, 0,
			    "its content expired before it could be delivered");
		} else {
			(void)mail_send(
			    t, c.rcpt, (const char *)c.body, c.len, &ms);
			if (ms.result == MAIL_SENT)
				got = outbox_finish(
				    ob, c.id, MAIL_DONE, now, 0, ms.detail);
			else if (ms.result == MAIL_PERMFAIL)
				got = outbox_finish(
				    ob, c.id, MAIL_FAILED, now, 0, ms.detail);
			else
				got = outbox_finish(ob, c.id, MAIL_QUEUED, now,
				    now + outbox_backoff(r, c.attempts),
				    ms.detail);
		}
		if (c.body != NULL)
			freezero(c.body, c.len + SEAL_OVERHEAD);
		if (got == -1) {
			outbox_err(ob, err, errsize, "recording a delivery");
			return -1;
		}
	}
	if (next_due != NULL) {
		*next_due = 0;
		if (sqlite3_prepare_v2(ob->sql,
		        "SELECT min(next_attempt) FROM messages WHERE status = "
		        "0",
		        -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				*next_due = (time_t)sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	return n;
}

/* ---------------------------------------------------------------- *
 * Listing
 * ---------------------------------------------------------------- */

int
mail_outbox_list(struct mail_outbox *ob, size_t limit,
    int (*fn)(const struct mail_item *, void *), void *arg)
{
	struct mail_item it;
	sqlite3_stmt *st;
	int rc, rv = 0;

	if (sqlite3_prepare_v2(ob->sql,
	        "SELECT id, kind, rcpt, status, attempts, created, not_after, "
	        "next_attempt, finished, last_error FROM messages ORDER BY id "
	        "DESC LIMIT ?",
	        -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, limit > 0 ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&it, 0, sizeof(it));
		it.id = sqlite3_column_int64(st, 0);
		strlcpy_s(it.kind, (const char *)sqlite3_column_text(st, 1),
		    sizeof(it.kind));
		strlcpy_s(it.rcpt, (const char *)sqlite3_column_text(st, 2),
		    sizeof(it.rcpt));
		it.status = (enum mail_item_status)sqlite3_column_int(st, 3);
		it.attempts = sqlite3_column_int(st, 4);
		it.created = (time_t)sqlite3_column_int64(st, 5);
		it.not_after = (time_t)sqlite3_column_int64(st, 6);
		it.next_attempt = (time_t)sqlite3_column_int64(st, 7);
		it.finished = (time_t)sqlite3_column_int64(st, 8);
		strlcpy_s(it.last_error,
		    (const char *)sqlite3_column_text(st, 9),
		    sizeof(it.last_error));
		if ((rv = fn(&it, arg)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rv == 0 && rc != SQLITE_DONE)
		return -1;
	return rv;
}

long
mail_outbox_pending(const char *path, char *err, size_t errsize)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_CANTOPEN && access(path, F_OK) == -1 &&
	    errno == ENOENT) {
		sqlite3_close(db);
		return 0;
	}
	if (rc != SQLITE_OK) {
		errf(err, errsize, "cannot open the outbox '%s': %s", path,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_busy_timeout(db, OUTBOX_BUSY_MS);
	if (sqlite3_prepare_v2(db,
	        "SELECT count(*) FROM messages WHERE status < 2", -1, &st,
	        NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		errf(err, errsize, "cannot read the outbox '%s': %s", path,
		    sqlite3_errmsg(db));
		goto out;
	}
	n = (long)sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

int
mail_outbox_purge(struct mail_outbox *ob, time_t before)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ob->sql,
	        "DELETE FROM messages WHERE status >= 2 AND finished < ?", -1,
	        &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)before);
	rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(ob->sql) : -1;
	sqlite3_finalize(st);
	return rc;
}

const char *
mail_item_status_str(enum mail_item_status s)
{
	static const char *const names[] = {
	    "queued", "sending", "sent", "failed", "expired"};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}
