/*
 * journal.c - the operations journal on SQLite (see journal.h).
 */
#include "sspr/journal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/hex.h"
#include "sspr/health.h"
#include "compat/banned.h"

#define JOURNAL_BUSY_MS 10000

struct journal {
	sqlite3 *sql;
	pthread_mutex_t mu;
	char owner[160]; /* node/pid/nonce of this process */
	char node[64];
	long pid;
	char nonce[17];
	char path[4096];  /* <state_dir>/journal.db */
	dev_t dev;        /* the file opened, to tell it from another */
	ino_t ino;        /* one at path later (journal_check) */
	char lasterr[96]; /* SQLite's words for the last failed step */
};

static const char journal_schema[] =
    "CREATE TABLE IF NOT EXISTS ops ("
    " id TEXT PRIMARY KEY, kind TEXT NOT NULL, userid TEXT NOT NULL,"
    " actor TEXT NOT NULL, client TEXT NOT NULL, lang TEXT NOT NULL,"
    " created INTEGER NOT NULL, owner TEXT NOT NULL,"
    " lease INTEGER NOT NULL, open INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_retry INTEGER NOT NULL DEFAULT 0, payload BLOB);"
    "CREATE TABLE IF NOT EXISTS op_systems ("
    " op TEXT NOT NULL, seq INTEGER NOT NULL, system TEXT NOT NULL,"
    " state TEXT NOT NULL, result TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (op, system));"
    "CREATE INDEX IF NOT EXISTS ops_user ON ops (userid, created);"
    "CREATE INDEX IF NOT EXISTS ops_open ON ops (open, next_retry);"
    "CREATE TABLE IF NOT EXISTS ticket_times ("
    " applid TEXT NOT NULL, userid TEXT NOT NULL, t INTEGER NOT NULL,"
    " PRIMARY KEY (applid, userid));"
    "CREATE INDEX IF NOT EXISTS ticket_times_t ON ticket_times (t);";

/* The process's identity as an owner: a nonce tells a restarted process
 * from the dead one even when the kernel gives it the same pid. */
static void
journal_identity(struct journal *j)
{
	unsigned char r[8];

	if (gethostname(j->node, sizeof(j->node)) == -1)
		strlcpy_s(j->node, "localhost", sizeof(j->node));
	j->node[sizeof(j->node) - 1] = '\0';
	j->pid = (long)getpid();
	if (random_bytes(r, sizeof(r)) == -1)
		memset(r, 0, sizeof(r));
	hex_encode(r, sizeof(r), j->nonce, 0);
	snprintf(
	    j->owner, sizeof(j->owner), "%s/%ld/%s", j->node, j->pid, j->nonce);
}

/* Roll back, keeping the words of the step that failed. */
static int journal_exec(struct journal *j, const char *sql);
static int
journal_rollback(struct journal *j)
{
	char keep[sizeof(j->lasterr)];
	int rc;

	strlcpy_s(keep, j->lasterr, sizeof(keep));
	rc = journal_exec(j, "ROLLBACK");
	strlcpy_s(j->lasterr, keep, sizeof(j->lasterr));
	return rc;
}

/* A failed step's words, kept for the health line (under j->mu). */
static void
journal_err(struct journal *j)
{
	strlcpy_s(j->lasterr, sqlite3_errmsg(j->sql), sizeof(j->lasterr));
}

static int
journal_exec(struct journal *j, const char *sql)
{
	if (sqlite3_exec(j->sql, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	journal_err(j);
	return -1;
}

/* The outcome of a write (rc 0 or -1) for the process's health: a
 * failure is counted and logged when it begins, a success ends it.
 * Under j->mu. */
static void
journal_wrote(struct journal *j, int rc)
{
	if (rc == -1)
		health_fail(HEALTH_JOURNAL, "journal: cannot write '%s': %s",
		    j->path, j->lasterr[0] ? j->lasterr : "unknown error");
	else if (health_failing(HEALTH_JOURNAL))
		health_ok(HEALTH_JOURNAL);
	j->lasterr[0] = '\0';
}

static int
journal_stat(const char *path, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return -1;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int
journal_check(struct journal *j)
{
	dev_t dev;
	ino_t ino;

	if (journal_stat(j->path, &dev, &ino) == -1) {
		health_fail(HEALTH_JOURNAL_FILE,
		    "journal file: '%s' is gone (%s) while sspr runs: "
		    "operations are refused; restore it, or restart sspr to "
		    "begin an empty journal",
		    j->path, strerror(errno));
		return -1;
	}
	if (dev != j->dev || ino != j->ino) {
		health_fail(HEALTH_JOURNAL_FILE,
		    "journal file: '%s' is another file than the one sspr "
		    "opened: operations are refused; restart sspr",
		    j->path);
		return -1;
	}
	if (health_failing(HEALTH_JOURNAL_FILE))
		health_ok(HEALTH_JOURNAL_FILE);
	return 0;
}

int
journal_open(
    const char *state_dir, struct journal **out, char *err, size_t errsize)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	char path[4096];
	mode_t old;
	int rc, fd = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", state_dir,
	        JOURNAL_FILE) >= sizeof(path)) {
		errf(err, errsize, "journal: state directory path too long");
		free(j);
		return -1;
	}
	/* The directory and the file are this user's alone (filetrust.h):
	 * SQLite would otherwise follow a link or hand its WAL to whoever
	 * owns the file. */
	if (filetrust_check(state_dir, "state directory", FT_DIR | FT_WRITE,
	        err, errsize) != 0 ||
	    (fd = filetrust_open(path, "journal",
	         FT_WRITE | FT_SECRET | FT_CREATE | FT_SQLITE, err, errsize)) <
	        0) {
		free(j);
		return -1;
	}
	old = umask(077);
	rc = sqlite3_open_v2(path, &j->sql,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	        SQLITE_OPEN_NOFOLLOW,
	    NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		errf(err, errsize, "cannot open the journal '%s': %s", path,
		    j->sql ? sqlite3_errmsg(j->sql) : "out of memory");
		goto fail;
	}
	if (filetrust_same(fd, path, "journal", err, errsize) == -1)
		goto fail;
	sqlite3_busy_timeout(j->sql, JOURNAL_BUSY_MS);
	if (journal_exec(j, "PRAGMA journal_mode = WAL") == -1 ||
	    journal_exec(j, "PRAGMA synchronous = FULL") == -1 ||
	    journal_exec(j, journal_schema) == -1) {
		errf(err, errsize, "cannot open the journal '%s': %s", path,
		    sqlite3_errmsg(j->sql));
		goto fail;
	}
	if (journal_stat(path, &j->dev, &j->ino) == -1) {
		errf(err, errsize, "cannot read the journal '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	strlcpy_s(j->path, path, sizeof(j->path));
	(void)close(fd);
	pthread_mutex_init(&j->mu, NULL);
	journal_identity(j);
	*out = j;
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	sqlite3_close(j->sql);
	free(j);
	return -1;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	sqlite3_close(j->sql);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

int
journal_new_id(char id[JOURNAL_ID_LEN + 1])
{
	unsigned char r[JOURNAL_ID_LEN / 2];

	if (random_bytes(r, sizeof(r)) == -1)
		return -1;
	hex_encode(r, sizeof(r), id, 1);
	return 0;
}

/* Prepare, bind text parameters in order (NULL: skip), step once. */
static sqlite3_stmt *
journal_prep(struct journal *j, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(j->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

static void
journal_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s != NULL ? s : "", -1, SQLITE_TRANSIENT);
}

static int
journal_step_done(struct journal *j, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		journal_err(j);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
journal_insert(struct journal *j, const struct journal_op *op, long long lease)
{
	sqlite3_stmt *st;
	size_t i;

	st = journal_prep(j, "INSERT INTO ops (id, kind, userid, actor, "
	                     "client, lang, created, owner, lease, open, "
	                     "payload) VALUES (?,?,?,?,?,?,?,?,?,1,?)");
	if (st == NULL)
		return -1;
	journal_text(st, 1, op->id);
	journal_text(st, 2, op->kind);
	journal_text(st, 3, op->userid);
	journal_text(st, 4, op->actor);
	journal_text(st, 5, op->client);
	journal_text(st, 6, op->lang);
	sqlite3_bind_int64(st, 7, op->created);
	journal_text(st, 8, j->owner);
	sqlite3_bind_int64(st, 9, lease);
	if (op->payload != NULL)
		sqlite3_bind_blob(st, 10, op->payload, (int)op->payload_len,
		    SQLITE_TRANSIENT);
	if (journal_step_done(j, st) == -1)
		return -1;
	for (i = 0; i < op->nsys; i++) {
		st = journal_prep(j, "INSERT INTO op_systems (op, seq, system, "
		                     "state) VALUES (?,?,?,'pending')");
		if (st == NULL)
			return -1;
		journal_text(st, 1, op->id);
		sqlite3_bind_int64(st, 2, (long long)i);
		journal_text(st, 3, op->sys[i].name);
		if (journal_step_done(j, st) == -1)
			return -1;
	}
	return 0;
}

int
journal_begin(struct journal *j, const struct journal_op *op, long long lease)
{
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	if (journal_exec(j, "BEGIN IMMEDIATE") == 0) {
		if (journal_insert(j, op, lease) == 0 &&
		    journal_exec(j, "COMMIT") == 0)
			rc = 0;
		else
			(void)journal_rollback(j);
	}
	journal_wrote(j, rc);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_mark(struct journal *j, const char *id, const char *system,
    const char *state, const char *result, const char *detail)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	st = journal_prep(j, "UPDATE op_systems SET state = ?, result = ?, "
	                     "detail = ? WHERE op = ? AND system = ?");
	if (st != NULL) {
		journal_text(st, 1, state);
		journal_text(st, 2, result);
		journal_text(st, 3, detail);
		journal_text(st, 4, id);
		journal_text(st, 5, system);
		rc = journal_step_done(j, st);
	} else
		journal_err(j);
	journal_wrote(j, rc);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_finish(
    struct journal *j, const char *id, int done, long long next_retry)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	st = journal_prep(j, "UPDATE ops SET open = ?, lease = 0, next_retry = "
	                     "?, attempts = attempts + 1 WHERE id = ?");
	if (st != NULL) {
		sqlite3_bind_int(st, 1, done ? 0 : 1);
		sqlite3_bind_int64(st, 2, next_retry);
		journal_text(st, 3, id);
		rc = journal_step_done(j, st);
	} else
		journal_err(j);
	journal_wrote(j, rc);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

/* Copy a text column into dst. */
static void
journal_col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy_s(dst, t != NULL ? (const char *)t : "", size);
}

static int
journal_load_systems(struct journal *j, struct journal_op *op)
{
	sqlite3_stmt *st;
	int rc;

	st = journal_prep(j, "SELECT system, state, result, detail FROM "
	                     "op_systems WHERE op = ? ORDER BY seq");
	if (st == NULL)
		return -1;
	journal_text(st, 1, op->id);
	op->nsys = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       op->nsys < JOURNAL_MAX_SYS) {
		struct journal_sys *s = &op->sys[op->nsys++];

		journal_col(st, 0, s->name, sizeof(s->name));
		journal_col(st, 1, s->state, sizeof(s->state));
		journal_col(st, 2, s->result, sizeof(s->result));
		journal_col(st, 3, s->detail, sizeof(s->detail));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

#define JOURNAL_OP_COLUMNS                                                     \
	"id, kind, userid, actor, client, lang, created, next_retry, "         \
	"attempts, open, payload, owner, lease"

/* Read the op row at st (JOURNAL_OP_COLUMNS) and its systems. */
static int
journal_row(struct journal *j, sqlite3_stmt *st, struct journal_op *op)
{
	const void *p;
	int len;

	memset(op, 0, sizeof(*op));
	journal_col(st, 0, op->id, sizeof(op->id));
	journal_col(st, 1, op->kind, sizeof(op->kind));
	journal_col(st, 2, op->userid, sizeof(op->userid));
	journal_col(st, 3, op->actor, sizeof(op->actor));
	journal_col(st, 4, op->client, sizeof(op->client));
	journal_col(st, 5, op->lang, sizeof(op->lang));
	op->created = sqlite3_column_int64(st, 6);
	op->next_retry = sqlite3_column_int64(st, 7);
	op->attempts = sqlite3_column_int(st, 8);
	op->open = sqlite3_column_int(st, 9);
	p = sqlite3_column_blob(st, 10);
	len = sqlite3_column_bytes(st, 10);
	if (p != NULL && len > 0) {
		op->payload = xmalloc((size_t)len);
		memcpy(op->payload, p, (size_t)len);
		op->payload_len = (size_t)len;
	}
	return journal_load_systems(j, op);
}

/* May this process take over an operation owned by owner with lease? */
static int
journal_takeover(
    const struct journal *j, const char *owner, long long lease, long long now)
{
	char node[64];
	long pid;
	const char *p = strchr(owner, '/'), *q;

	if (lease <= now)
		return 1; /* released, or its owner's time is up */
	if (p == NULL || (size_t)(p - owner) >= sizeof(node))
		return 0;
	memcpy(node, owner, (size_t)(p - owner));
	node[p - owner] = '\0';
	if (strcmp(node, j->node) != 0)
		return 0; /* another node: wait for the lease */
	pid = strtol(p + 1, NULL, 10);
	q = strchr(p + 1, '/');
	if (q != NULL && strcmp(q + 1, j->nonce) == 0)
		return 0; /* this process: in flight */
	/* A process of this node: dead, or a new one under its pid. */
	return pid == j->pid || (kill((pid_t)pid, 0) == -1 && errno == ESRCH);
}

static int
journal_claim_locked(struct journal *j, long long now, long long lease,
    struct journal_op **ops, size_t *n)
{
	sqlite3_stmt *st, *up;
	size_t cap = 0;
	int rc;

	st = journal_prep(j, "SELECT " JOURNAL_OP_COLUMNS " FROM ops WHERE "
	                     "open = 1 AND next_retry <= ? ORDER BY created");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *owner = sqlite3_column_text(st, 11);

		if (!journal_takeover(j, owner ? (const char *)owner : "",
		        sqlite3_column_int64(st, 12), now))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ops = xrealloc(*ops, cap * sizeof(**ops));
		}
		if (journal_row(j, st, &(*ops)[*n]) == -1) {
			journal_op_free(&(*ops)[*n]);
			rc = SQLITE_ERROR;
			break;
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		up = journal_prep(
		    j, "UPDATE ops SET owner = ?, lease = ? WHERE id = ?");
		if (up == NULL)
			return -1;
		journal_text(up, 1, j->owner);
		sqlite3_bind_int64(up, 2, lease);
		journal_text(up, 3, (*ops)[i].id);
		if (journal_step_done(j, up) == -1)
			return -1;
	}
	return 0;
}

int
journal_claim(struct journal *j, long long now, long long lease,
    struct journal_op **ops, size_t *n)
{
	int rc = -1;

	*ops = NULL;
	*n = 0;
	pthread_mutex_lock(&j->mu);
	if (journal_exec(j, "BEGIN IMMEDIATE") == 0) {
		if (journal_claim_locked(j, now, lease, ops, n) == 0 &&
		    journal_exec(j, "COMMIT") == 0)
			rc = 0;
		else
			(void)journal_exec(j, "ROLLBACK");
	}
	pthread_mutex_unlock(&j->mu);
	if (rc == -1) {
		journal_ops_free(*ops, *n);
		*ops = NULL;
		*n = 0;
	}
	return rc;
}

int
journal_user_ops(struct journal *j, const char *userid, struct journal_op **ops,
    size_t *n, size_t max)
{
	sqlite3_stmt *st;
	int rc = -1;

	*n = 0;
	*ops = xcalloc(max > 0 ? max : 1, sizeof(**ops));
	pthread_mutex_lock(&j->mu);
	st = journal_prep(j, "SELECT " JOURNAL_OP_COLUMNS " FROM ops WHERE "
	                     "userid = ? ORDER BY created DESC, rowid DESC "
	                     "LIMIT ?");
	if (st != NULL) {
		journal_text(st, 1, userid);
		sqlite3_bind_int64(st, 2, (long long)max);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
			if (journal_row(j, st, &(*ops)[*n]) == -1)
				break;
			(*n)++;
		}
		rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

/* ---------------------------------------------------------------- *
 * PassTicket times
 * ---------------------------------------------------------------- */

/* A row older than this is no longer needed: a ticket made now is at
 * least now, and the margin covers clocks of nodes that disagree. */
#define JOURNAL_TICKET_KEEP 3600

int
journal_ticket_time(struct journal *j, const char *applid, const char *user,
    long long now, long long max, long long *t)
{
	sqlite3_stmt *st;
	long long got = 0;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	if (journal_exec(j, "BEGIN IMMEDIATE") == -1)
		goto out;
	st = journal_prep(j, "DELETE FROM ticket_times WHERE t < ?");
	if (st == NULL)
		goto rollback;
	sqlite3_bind_int64(st, 1, now - JOURNAL_TICKET_KEEP);
	if (journal_step_done(j, st) == -1)
		goto rollback;
	st = journal_prep(j,
	    "INSERT INTO ticket_times (applid, userid, t) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (applid, userid) DO UPDATE SET "
	    "t = MAX(excluded.t, ticket_times.t + 1) RETURNING t");
	if (st == NULL)
		goto rollback;
	journal_text(st, 1, applid);
	journal_text(st, 2, user);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		got = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	if (rc == -1)
		goto rollback;
	if (got > max) {
		/* Not stored: the time stays free for when it is in reach. */
		rc = 1;
		goto rollback;
	}
	if (journal_exec(j, "COMMIT") == -1) {
		rc = -1;
		goto rollback;
	}
	*t = got;
	goto out;
rollback:
	(void)journal_rollback(j);
out:
	if (rc != 1)
		journal_wrote(j, rc);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

long
journal_prune(struct journal *j, long long before)
{
	sqlite3_stmt *st;
	long n = -1;

	pthread_mutex_lock(&j->mu);
	if (journal_exec(j, "BEGIN IMMEDIATE") == -1)
		goto out;
	st = journal_prep(j, "DELETE FROM op_systems WHERE op IN (SELECT id "
	                     "FROM ops WHERE open = 0 AND created < ?)");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, before);
		if (journal_step_done(j, st) == 0) {
			st = journal_prep(j,
			    "DELETE FROM ops WHERE open = 0 AND "
			    "created < ?");
			if (st != NULL) {
				sqlite3_bind_int64(st, 1, before);
				if (journal_step_done(j, st) == 0)
					n = (long)sqlite3_changes(j->sql);
			}
		}
	}
	if (n >= 0 && journal_exec(j, "COMMIT") == 0)
		goto out;
	n = -1;
	(void)journal_exec(j, "ROLLBACK");
out:
	pthread_mutex_unlock(&j->mu);
	return n;
}

int
journal_get(struct journal *j, const char *id, struct journal_op *op)
{
	sqlite3_stmt *st;
	int rc = -1;

	pthread_mutex_lock(&j->mu);
	st = journal_prep(
	    j, "SELECT " JOURNAL_OP_COLUMNS " FROM ops WHERE id = ?");
	if (st != NULL) {
		journal_text(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = journal_row(j, st, op) == 0 ? 1 : -1;
		else
			rc = rc == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_summary(const char *state_dir, long *open, long long *oldest, char *err,
    size_t errsize)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char path[4096];
	int rc = -1;

	*open = 0;
	*oldest = 0;
	snprintf(path, sizeof(path), "%s/%s", state_dir, JOURNAL_FILE);
	if (access(path, F_OK) == -1)
		return 1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(db, JOURNAL_BUSY_MS) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "SELECT count(*), coalesce(min(created), 0) FROM ops WHERE "
	        "open = 1",
	        -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		errf(err, errsize, "cannot read the journal '%s': %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	*open = (long)sqlite3_column_int64(st, 0);
	*oldest = sqlite3_column_int64(st, 1);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int
journal_open_payloads(const char *state_dir,
    void (*fn)(const char *, const unsigned char *, size_t, void *), void *arg,
    char *err, size_t errsize)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char path[4096];
	struct stat sb;
	int rc = -1, r;

	snprintf(path, sizeof(path), "%s/%s", state_dir, JOURNAL_FILE);
	if (lstat(path, &sb) == -1 || sb.st_size == 0)
		return 0;
	if (sqlite3_open_v2(path, &db,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
	        NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, JOURNAL_BUSY_MS) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "SELECT id, payload FROM ops WHERE open = 1 AND payload IS "
	        "NOT NULL",
	        -1, &st, NULL) != SQLITE_OK) {
		errf(err, errsize, "cannot read the journal '%s': %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const void *p = sqlite3_column_blob(st, 1);
		int len = sqlite3_column_bytes(st, 1);

		if (id != NULL && p != NULL && len > 0)
			fn(id, p, (size_t)len, arg);
	}
	if (r != SQLITE_DONE) {
		errf(err, errsize, "cannot read the journal '%s': %s", path,
		    sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

void
journal_op_free(struct journal_op *op)
{
	if (op == NULL)
		return;
	freezero(op->payload, op->payload_len);
	op->payload = NULL;
	op->payload_len = 0;
}

void
journal_ops_free(struct journal_op *ops, size_t n)
{
	size_t i;

	if (ops == NULL)
		return;
	for (i = 0; i < n; i++)
		journal_op_free(&ops[i]);
	free(ops);
}
