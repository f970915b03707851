/*
 * racf_db.c - SQLite storage of the embedded ESM (see racf_db.h).
 *
 * This is the only file of sspr that contains SQL.  Statements are
 * prepared per call (the database is small and the cost is dwarfed by
 * password hashing); every value is bound, never pasted into SQL text.
 */
#include "esm/racf_db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esm/esm.h"
#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/banned.h"

struct racf_db {
	sqlite3 *sql;
	int in_txn;
	char error[SSPR_MAX_ERROR];
};

#define RACF_DB_BUSY_MS 30000

/* ---------------------------------------------------------------- *
 * Schema and migrations
 * ---------------------------------------------------------------- */

/* migrations[i] upgrades user_version i to i + 1.  Never edit a released
 * entry: append a new one. */
static const char *const racf_db_migrations[] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE users ("
    " userid TEXT PRIMARY KEY,"
    " name TEXT NOT NULL DEFAULT '',"
    " owner TEXT NOT NULL,"
    " dfltgrp TEXT NOT NULL,"
    " email TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " last_access INTEGER NOT NULL DEFAULT 0,"
    " special INTEGER NOT NULL DEFAULT 0,"
    " revoked INTEGER NOT NULL DEFAULT 0,"
    " revoke_reason INTEGER NOT NULL DEFAULT 0,"
    " revoke_date INTEGER NOT NULL DEFAULT 0,"
    " invalid_count INTEGER NOT NULL DEFAULT 0,"
    " pw_hash TEXT, pw_changed INTEGER NOT NULL DEFAULT 0,"
    " pw_expired INTEGER NOT NULL DEFAULT 0,"
    " ph_hash TEXT, ph_changed INTEGER NOT NULL DEFAULT 0,"
    " ph_expired INTEGER NOT NULL DEFAULT 0,"
    " version INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE history ("
    " userid TEXT NOT NULL REFERENCES users ON DELETE CASCADE,"
    " kind TEXT NOT NULL CHECK (kind IN ('P', 'H')),"
    " seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL,"
    " PRIMARY KEY (userid, kind, seq));"
    "CREATE TABLE groups ("
    " name TEXT PRIMARY KEY,"
    " superior TEXT,"
    " owner TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE connects ("
    " userid TEXT NOT NULL REFERENCES users ON DELETE CASCADE,"
    " grp TEXT NOT NULL REFERENCES groups,"
    " owner TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " PRIMARY KEY (userid, grp));"
    "CREATE TABLE cfields ("
    " name TEXT PRIMARY KEY,"
    " type INTEGER NOT NULL,"
    " maxlength INTEGER NOT NULL,"
    " mixed INTEGER NOT NULL,"
    " minvalue INTEGER, maxvalue INTEGER);"
    "CREATE TABLE csdata ("
    " userid TEXT NOT NULL REFERENCES users ON DELETE CASCADE,"
    " field TEXT NOT NULL REFERENCES cfields ON DELETE CASCADE,"
    " value TEXT NOT NULL,"
    " PRIMARY KEY (userid, field));"
    "CREATE TABLE setropts ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " history INTEGER NOT NULL, interval INTEGER NOT NULL,"
    " minchange INTEGER NOT NULL, revoke INTEGER NOT NULL,"
    " warning INTEGER NOT NULL, inactive INTEGER NOT NULL,"
    " mixedcase INTEGER NOT NULL, specialchars INTEGER NOT NULL);"
    "CREATE TABLE rules ("
    " n INTEGER PRIMARY KEY CHECK (n BETWEEN 1 AND 8),"
    " min INTEGER NOT NULL, max INTEGER NOT NULL,"
    " content TEXT NOT NULL);"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO setropts VALUES (1, 0, 30, 0, 0, 0, 0, 0, 0);"
    "INSERT INTO groups VALUES ('SYS1', NULL, 'IBMUSER', strftime('%s'));"
    "INSERT INTO meta VALUES ('kdf_memory_kib', '19456'),"
    " ('kdf_iterations', '2'), ('kdf_parallelism', '1');",

    /* 1 -> 2: PTKTDATA profiles, their keys sealed under the master key
     * (racf_mkey.h), and the tickets already used (replay protection) */
    "CREATE TABLE ptktdata ("
    " applid TEXT PRIMARY KEY,"
    " legacy BLOB, enhanced BLOB,"
    " type INTEGER NOT NULL DEFAULT 0,"
    " timeout INTEGER NOT NULL DEFAULT 60,"
    " replay_legacy INTEGER NOT NULL DEFAULT 0,"
    " replay_enhanced INTEGER NOT NULL DEFAULT 0,"
    " appldata TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL);"
    "CREATE TABLE ptkt_used ("
    " applid TEXT NOT NULL, userid TEXT NOT NULL, digest TEXT NOT NULL,"
    " expires INTEGER NOT NULL,"
    " PRIMARY KEY (applid, userid, digest));"
    "CREATE INDEX ptkt_used_expires ON ptkt_used (expires);",
};

#define RACF_DB_SCHEMA ((int)ARRAY_SIZE(racf_db_migrations))

static int PRINTF_LIKE(2, 3)
    racf_db_fail(struct racf_db *db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->error, sizeof(db->error), fmt, ap);
	va_end(ap);
	return -1;
}

static int
racf_db_sqlfail(struct racf_db *db, const char *what)
{
	return racf_db_fail(db, "%s: %s", what, sqlite3_errmsg(db->sql));
}

/* Step st, a query of at most one row: 1 with the row to read, 0 when
 * there is none, -1 (with what in the message) on failure. */
static int
racf_db_step_one(struct racf_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return racf_db_sqlfail(db, what);
}

static int
racf_db_exec(struct racf_db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
		racf_db_fail(db, "%s", msg ? msg : sqlite3_errmsg(db->sql));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Statement helpers
 * ---------------------------------------------------------------- */

static sqlite3_stmt *
racf_db_prepare(struct racf_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
		racf_db_sqlfail(db, "preparing a statement");
		return NULL;
	}
	return st;
}

static void
racf_db_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	strlcpy_s(dst, t ? (const char *)t : "", size);
}

static void
racf_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Step a statement that returns no row; -1 on error. */
static int
racf_db_done(struct racf_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : racf_db_sqlfail(db, what);
}

/* As racf_db_done(), then 1 when the statement changed a row, 0 when it
 * changed none. */
static int
racf_db_changed(struct racf_db *db, sqlite3_stmt *st, const char *what)
{
	if (racf_db_done(db, st, what) == -1)
		return -1;
	return sqlite3_changes(db->sql) == 1;
}

/* Run sql, a statement of one text parameter that returns no row: as
 * racf_db_changed(). */
static int
racf_db_run1(
    struct racf_db *db, const char *sql, const char *arg, const char *what)
{
	sqlite3_stmt *st = racf_db_prepare(db, sql);

	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, arg);
	return racf_db_changed(db, st, what);
}

/* Run sql, a query of one integer (a count, a PRAGMA): 0 and *v, or -1
 * (with what in the message). */
static int
racf_db_int64(
    struct racf_db *db, const char *sql, const char *what, long long *v)
{
	sqlite3_stmt *st = racf_db_prepare(db, sql);
	int rv = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rv = 0;
	} else
		racf_db_sqlfail(db, what);
	sqlite3_finalize(st);
	return rv;
}

static int
racf_db_user_version(struct racf_db *db, int *v)
{
	long long n;

	if (racf_db_int64(db, "PRAGMA user_version",
	        "reading the schema version", &n) == -1)
		return -1;
	*v = (int)n;
	return 0;
}

static int
racf_db_migrate(struct racf_db *db)
{
	char pragma[64];
	int v = 0;

	if (racf_db_begin(db) == -1)
		return -1;
	if (racf_db_user_version(db, &v) == -1)
		goto fail;
	if (v > RACF_DB_SCHEMA) {
		racf_db_fail(db,
		    "database schema version %d is newer than this sspr "
		    "supports (%d); upgrade sspr",
		    v, RACF_DB_SCHEMA);
		goto fail;
	}
	for (; v < RACF_DB_SCHEMA; v++) {
		if (racf_db_exec(db, racf_db_migrations[v]) == -1)
			goto fail;
		snprintf(
		    pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (racf_db_exec(db, pragma) == -1)
			goto fail;
	}
	return racf_db_commit(db);
fail:
	racf_db_rollback(db);
	return -1;
}

int
racf_db_open(const char *path, int create, struct racf_db **out, char *err,
    size_t errsize)
{
	struct racf_db *db = xcalloc(1, sizeof(*db));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	mode_t old;
	int rc, fd;

	if (!create && access(path, F_OK) == -1) {
		snprintf(err, errsize,
		    "cannot open ESM database '%s': no such file (create it "
		    "with 'sspr esm --db %s' and an ADDUSER command)",
		    path, path);
		free(db);
		return -1;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	/* Hashes are not for other users to read or write; SQLite must not
	 * follow a link (filetrust.h). */
	fd = filetrust_open(path, "ESM database",
	    FT_WRITE | FT_SECRET | FT_SQLITE | (create ? FT_CREATE : 0), err,
	    errsize);
	if (fd < 0) {
		free(db);
		return -1;
	}
	old = umask(077);
	rc =
	    sqlite3_open_v2(path, &db->sql, flags | SQLITE_OPEN_NOFOLLOW, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		snprintf(err, errsize, "cannot open ESM database '%s': %s",
		    path, db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		(void)close(fd);
		goto fail;
	}
	rc = filetrust_same(fd, path, "ESM database", err, errsize);
	(void)close(fd);
	if (rc == -1)
		goto fail;
	sqlite3_busy_timeout(db->sql, RACF_DB_BUSY_MS);
	sqlite3_extended_result_codes(db->sql, 1);
	if (racf_db_exec(db, "PRAGMA journal_mode = WAL") == -1 ||
	    racf_db_exec(db, "PRAGMA foreign_keys = ON") == -1 ||
	    racf_db_exec(db, "PRAGMA synchronous = NORMAL") == -1 ||
	    racf_db_exec(db, "PRAGMA secure_delete = ON") == -1 ||
	    racf_db_migrate(db) == -1) {
		snprintf(err, errsize, "cannot open ESM database '%s': %s",
		    path, db->error);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	sqlite3_close(db->sql);
	free(db);
	return -1;
}

void
racf_db_close(struct racf_db *db)
{
	if (db == NULL)
		return;
	racf_db_rollback(db);
	sqlite3_close(db->sql);
	free(db);
}

const char *
racf_db_error(const struct racf_db *db)
{
	return db->error;
}

/* ---------------------------------------------------------------- *
 * Transactions
 * ---------------------------------------------------------------- */

int
racf_db_begin(struct racf_db *db)
{
	if (racf_db_exec(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	db->in_txn = 1;
	return 0;
}

int
racf_db_begin_read(struct racf_db *db)
{
	if (racf_db_exec(db, "BEGIN DEFERRED") == -1)
		return -1;
	db->in_txn = 1;
	return 0;
}

int
racf_db_commit(struct racf_db *db)
{
	if (racf_db_exec(db, "COMMIT") == -1) {
		racf_db_rollback(db);
		return -1;
	}
	db->in_txn = 0;
	return 0;
}

void
racf_db_rollback(struct racf_db *db)
{
	if (!db->in_txn)
		return;
	(void)sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_txn = 0;
}

/* ---------------------------------------------------------------- *
 * Users
 * ---------------------------------------------------------------- */

#define RACF_DB_USER_COLS                                                      \
	"userid, name, owner, dfltgrp, email, created, last_access, "          \
	"special, revoked, revoke_reason, revoke_date, invalid_count, "        \
	"pw_hash, pw_changed, pw_expired, ph_hash, ph_changed, "               \
	"ph_expired, version"

static void
racf_db_cred_read(sqlite3_stmt *st, int col, struct racf_cred *c)
{
	c->set = sqlite3_column_type(st, col) != SQLITE_NULL;
	racf_db_text(st, col, c->hash, sizeof(c->hash));
	c->changed = (time_t)sqlite3_column_int64(st, col + 1);
	c->expired = sqlite3_column_int(st, col + 2);
}

int
racf_db_user_get(
    struct racf_db *db, const char *userid, struct racf_user_rec *out)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(
	    db, "SELECT " RACF_DB_USER_COLS " FROM users WHERE userid = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	rc = racf_db_step_one(db, st, "reading a user");
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		racf_db_text(st, 0, out->userid, sizeof(out->userid));
		racf_db_text(st, 1, out->name, sizeof(out->name));
		racf_db_text(st, 2, out->owner, sizeof(out->owner));
		racf_db_text(st, 3, out->dfltgrp, sizeof(out->dfltgrp));
		racf_db_text(st, 4, out->email, sizeof(out->email));
		out->created = (time_t)sqlite3_column_int64(st, 5);
		out->last_access = (time_t)sqlite3_column_int64(st, 6);
		out->special = sqlite3_column_int(st, 7);
		out->revoked = sqlite3_column_int(st, 8);
		out->revoke_reason = sqlite3_column_int(st, 9);
		out->revoke_date = (time_t)sqlite3_column_int64(st, 10);
		out->invalid_count = sqlite3_column_int(st, 11);
		racf_db_cred_read(st, 12, &out->pw);
		racf_db_cred_read(st, 15, &out->ph);
		out->version = sqlite3_column_int64(st, 18);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Bind columns 1..18 of RACF_DB_USER_COLS (all but version). */
static void
racf_db_user_bind(sqlite3_stmt *st, const struct racf_user_rec *u)
{
	racf_db_bind_text(st, 1, u->userid);
	racf_db_bind_text(st, 2, u->name);
	racf_db_bind_text(st, 3, u->owner);
	racf_db_bind_text(st, 4, u->dfltgrp);
	racf_db_bind_text(st, 5, u->email);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)u->created);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)u->last_access);
	sqlite3_bind_int(st, 8, u->special);
	sqlite3_bind_int(st, 9, u->revoked);
	sqlite3_bind_int(st, 10, u->revoke_reason);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)u->revoke_date);
	sqlite3_bind_int(st, 12, u->invalid_count);
	racf_db_bind_text(st, 13, u->pw.set ? u->pw.hash : NULL);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)u->pw.changed);
	sqlite3_bind_int(st, 15, u->pw.expired);
	racf_db_bind_text(st, 16, u->ph.set ? u->ph.hash : NULL);
	sqlite3_bind_int64(st, 17, (sqlite3_int64)u->ph.changed);
	sqlite3_bind_int(st, 18, u->ph.expired);
}

int
racf_db_user_insert(struct racf_db *db, const struct racf_user_rec *u)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db,
	    "INSERT INTO users (" RACF_DB_USER_COLS ") VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
	if (st == NULL)
		return -1;
	racf_db_user_bind(st, u);
	return racf_db_done(db, st, "adding a user");
}

int
racf_db_user_update(struct racf_db *db, struct racf_user_rec *u)
{
	sqlite3_stmt *st;
	int rv;

	st = racf_db_prepare(db,
	    "UPDATE users SET userid = ?1, name = ?2, owner = ?3, "
	    "dfltgrp = ?4, email = ?5, created = ?6, last_access = ?7, "
	    "special = ?8, revoked = ?9, revoke_reason = ?10, "
	    "revoke_date = ?11, invalid_count = ?12, pw_hash = ?13, "
	    "pw_changed = ?14, pw_expired = ?15, ph_hash = ?16, "
	    "ph_changed = ?17, ph_expired = ?18, version = version + 1 "
	    "WHERE userid = ?1 AND version = ?19");
	if (st == NULL)
		return -1;
	racf_db_user_bind(st, u);
	sqlite3_bind_int64(st, 19, u->version);
	rv = racf_db_changed(db, st, "updating a user");
	if (rv == 1)
		u->version++;
	return rv;
}

int
racf_db_user_delete(struct racf_db *db, const char *userid)
{
	return racf_db_run1(db, "DELETE FROM users WHERE userid = ?", userid,
	    "deleting a user");
}

int
racf_db_user_count(struct racf_db *db, long long *n)
{
	return racf_db_int64(
	    db, "SELECT count(*) FROM users", "counting users", n);
}

int
racf_db_user_list(struct racf_db *db, const char *field, char ***out, size_t *n)
{
	char id[SSPR_MAX_USERID + 1];
	sqlite3_stmt *st;
	char **list = NULL;
	size_t len = 0, cap = 0;
	int rc;

	/* The EXISTS probe uses csdata's primary key (userid, field). */
	st = racf_db_prepare(db,
	    "SELECT u.userid FROM users u WHERE ?1 IS NULL OR EXISTS "
	    "(SELECT 1 FROM csdata c WHERE c.userid = u.userid AND "
	    "c.field = ?1) ORDER BY u.userid");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, field);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = xrealloc(list, cap * sizeof(*list));
		}
		racf_db_text(st, 0, id, sizeof(id));
		list[len++] = xstrdup(id);
	}
	if (rc != SQLITE_DONE) {
		racf_db_sqlfail(db, "listing users");
		sqlite3_finalize(st);
		esm_list_free(list, len);
		return -1;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = len;
	return 0;
}

/* ---------------------------------------------------------------- *
 * Password history
 * ---------------------------------------------------------------- */

int
racf_db_history_get(struct racf_db *db, const char *userid, char kind,
    char (*hashes)[RACF_HASH_MAX], int max)
{
	char k[2] = {kind, '\0'};
	sqlite3_stmt *st;
	int n = 0, rc;

	st = racf_db_prepare(db,
	    "SELECT hash FROM history WHERE userid = ? AND kind = ? "
	    "ORDER BY seq DESC LIMIT ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, k);
	sqlite3_bind_int(st, 3, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		racf_db_text(st, 0, hashes[n++], RACF_HASH_MAX);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return racf_db_sqlfail(db, "reading password history");
	return n;
}

int
racf_db_history_push(struct racf_db *db, const char *userid, char kind,
    const char *hash, int keep)
{
	char k[2] = {kind, '\0'};
	sqlite3_stmt *st;

	st = racf_db_prepare(db,
	    "INSERT INTO history (userid, kind, seq, hash) VALUES (?1, ?2, "
	    "(SELECT coalesce(max(seq), 0) + 1 FROM history "
	    "WHERE userid = ?1 AND kind = ?2), ?3)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, k);
	racf_db_bind_text(st, 3, hash);
	if (racf_db_done(db, st, "recording password history") == -1)
		return -1;
	st = racf_db_prepare(db,
	    "DELETE FROM history WHERE userid = ?1 AND kind = ?2 AND seq NOT "
	    "IN (SELECT seq FROM history WHERE userid = ?1 AND kind = ?2 "
	    "ORDER BY seq DESC LIMIT ?3)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, k);
	sqlite3_bind_int(st, 3, keep);
	return racf_db_done(db, st, "trimming password history");
}

/* ---------------------------------------------------------------- *
 * Groups and connects
 * ---------------------------------------------------------------- */

int
racf_db_group_exists(struct racf_db *db, const char *group)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(db, "SELECT 1 FROM groups WHERE name = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, group);
	rc = racf_db_step_one(db, st, "reading a group");
	sqlite3_finalize(st);
	return rc;
}

int
racf_db_group_insert(struct racf_db *db, const char *group,
    const char *superior, const char *owner, time_t created)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db, "INSERT INTO groups VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, group);
	racf_db_bind_text(st, 2, superior);
	racf_db_bind_text(st, 3, owner);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)created);
	return racf_db_done(db, st, "adding a group");
}

int
racf_db_connect_add(
    struct racf_db *db, const char *userid, const struct racf_connect *c)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(
	    db, "INSERT OR IGNORE INTO connects VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, c->group);
	racf_db_bind_text(st, 3, c->owner);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)c->created);
	return racf_db_changed(db, st, "connecting a user");
}

int
racf_db_connect_remove(
    struct racf_db *db, const char *userid, const char *group)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(
	    db, "DELETE FROM connects WHERE userid = ? AND grp = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, group);
	return racf_db_changed(db, st, "removing a connect");
}

int
racf_db_connects(
    struct racf_db *db, const char *userid, struct racf_connect *out, int max)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	st = racf_db_prepare(db,
	    "SELECT grp, owner, created FROM connects WHERE userid = ? "
	    "ORDER BY grp");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		racf_db_text(st, 0, out[n].group, sizeof(out[n].group));
		racf_db_text(st, 1, out[n].owner, sizeof(out[n].owner));
		out[n].created = (time_t)sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return racf_db_sqlfail(db, "reading connects");
	return n;
}

/* ---------------------------------------------------------------- *
 * Custom fields
 * ---------------------------------------------------------------- */

static void
racf_db_cfdef_read(sqlite3_stmt *st, struct racf_cfdef *d)
{
	memset(d, 0, sizeof(*d));
	racf_db_text(st, 0, d->name, sizeof(d->name));
	d->type = (enum racf_cftype)sqlite3_column_int(st, 1);
	d->maxlength = sqlite3_column_int(st, 2);
	d->mixed = sqlite3_column_int(st, 3);
	d->has_min = sqlite3_column_type(st, 4) != SQLITE_NULL;
	d->minvalue = sqlite3_column_int64(st, 4);
	d->has_max = sqlite3_column_type(st, 5) != SQLITE_NULL;
	d->maxvalue = sqlite3_column_int64(st, 5);
}

int
racf_db_cfdef_get(struct racf_db *db, const char *name, struct racf_cfdef *out)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(db,
	    "SELECT name, type, maxlength, mixed, minvalue, maxvalue "
	    "FROM cfields WHERE name = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, name);
	rc = racf_db_step_one(db, st, "reading a field definition");
	if (rc == 1) {
		racf_db_cfdef_read(st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

int
racf_db_cfdef_put(struct racf_db *db, const struct racf_cfdef *def)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db,
	    "INSERT INTO cfields VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT (name) DO UPDATE SET type = ?2, maxlength = ?3, "
	    "mixed = ?4, minvalue = ?5, maxvalue = ?6");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, def->name);
	sqlite3_bind_int(st, 2, (int)def->type);
	sqlite3_bind_int(st, 3, def->maxlength);
	sqlite3_bind_int(st, 4, def->mixed);
	if (def->has_min)
		sqlite3_bind_int64(st, 5, def->minvalue);
	if (def->has_max)
		sqlite3_bind_int64(st, 6, def->maxvalue);
	return racf_db_done(db, st, "defining a custom field");
}

int
racf_db_cfdef_delete(struct racf_db *db, const char *name)
{
	return racf_db_run1(db, "DELETE FROM cfields WHERE name = ?", name,
	    "deleting a custom field");
}

int
racf_db_cfdef_each(
    struct racf_db *db, int (*fn)(const struct racf_cfdef *, void *), void *arg)
{
	struct racf_cfdef d;
	sqlite3_stmt *st;
	int rc, rv = 0;

	st = racf_db_prepare(db,
	    "SELECT name, type, maxlength, mixed, minvalue, maxvalue "
	    "FROM cfields ORDER BY name");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		racf_db_cfdef_read(st, &d);
		if ((rv = fn(&d, arg)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rv == 0 && rc != SQLITE_DONE)
		return racf_db_sqlfail(db, "listing field definitions");
	return rv;
}

int
racf_db_csdata_get(
    struct racf_db *db, const char *userid, const char *field, char **value)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(
	    db, "SELECT value FROM csdata WHERE userid = ? AND field = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, field);
	rc = racf_db_step_one(db, st, "reading a custom field");
	if (rc == 1) {
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc;
}

int
racf_db_csdata_put(struct racf_db *db, const char *userid, const char *field,
    const char *value)
{
	sqlite3_stmt *st;

	if (value == NULL)
		st = racf_db_prepare(
		    db, "DELETE FROM csdata WHERE userid = ? AND field = ?");
	else
		st = racf_db_prepare(db,
		    "INSERT INTO csdata VALUES (?1, ?2, ?3) ON CONFLICT "
		    "(userid, field) DO UPDATE SET value = ?3");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	racf_db_bind_text(st, 2, field);
	if (value != NULL)
		racf_db_bind_text(st, 3, value);
	return racf_db_done(db, st, "writing a custom field");
}

int
racf_db_csdata_each(struct racf_db *db, const char *userid,
    int (*fn)(const char *, const char *, void *), void *arg)
{
	sqlite3_stmt *st;
	int rc, rv = 0;

	st = racf_db_prepare(db,
	    "SELECT field, value FROM csdata WHERE userid = ? ORDER BY field");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, userid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rv = fn((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), arg);
		if (rv != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rv == 0 && rc != SQLITE_DONE)
		return racf_db_sqlfail(db, "listing custom fields");
	return rv;
}

/* ---------------------------------------------------------------- *
 * SETROPTS
 * ---------------------------------------------------------------- */

int
racf_db_setropts_get(struct racf_db *db, struct racf_setropts *out)
{
	struct racf_setropts s;
	sqlite3_stmt *st;
	int rc;

	memset(&s, 0, sizeof(s));
	st = racf_db_prepare(db,
	    "SELECT history, interval, minchange, revoke, warning, inactive, "
	    "mixedcase, specialchars FROM setropts WHERE id = 1");
	if (st == NULL)
		return -1;
	rc = racf_db_step_one(db, st, "reading SETROPTS");
	if (rc == 1) {
		s.history = sqlite3_column_int(st, 0);
		s.interval = sqlite3_column_int(st, 1);
		s.minchange = sqlite3_column_int(st, 2);
		s.revoke = sqlite3_column_int(st, 3);
		s.warning = sqlite3_column_int(st, 4);
		s.inactive = sqlite3_column_int(st, 5);
		s.pol.mixedcase = sqlite3_column_int(st, 6);
		s.pol.specialchars = sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		return racf_db_fail(db, "reading SETROPTS: the row is missing");
	if (rc == -1)
		return -1;

	st = racf_db_prepare(
	    db, "SELECT n, min, max, content FROM rules ORDER BY n");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       s.pol.nrules < SSPR_MAX_RULES) {
		int i = s.pol.nrules++;

		s.pol.rule_no[i] = sqlite3_column_int(st, 0);
		s.pol.rules[i].min = sqlite3_column_int(st, 1);
		s.pol.rules[i].max = sqlite3_column_int(st, 2);
		racf_db_text(st, 3, s.pol.rules[i].content,
		    sizeof(s.pol.rules[i].content));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return racf_db_sqlfail(db, "reading password rules");
	*out = s;
	return 0;
}

int
racf_db_setropts_put(struct racf_db *db, const struct racf_setropts *s)
{
	sqlite3_stmt *st;
	int i;

	st = racf_db_prepare(db,
	    "UPDATE setropts SET history = ?, interval = ?, minchange = ?, "
	    "revoke = ?, warning = ?, inactive = ?, mixedcase = ?, "
	    "specialchars = ? WHERE id = 1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, s->history);
	sqlite3_bind_int(st, 2, s->interval);
	sqlite3_bind_int(st, 3, s->minchange);
	sqlite3_bind_int(st, 4, s->revoke);
	sqlite3_bind_int(st, 5, s->warning);
	sqlite3_bind_int(st, 6, s->inactive);
	sqlite3_bind_int(st, 7, s->pol.mixedcase);
	sqlite3_bind_int(st, 8, s->pol.specialchars);
	if (racf_db_done(db, st, "writing SETROPTS") == -1)
		return -1;
	if (racf_db_exec(db, "DELETE FROM rules") == -1)
		return -1;
	for (i = 0; i < s->pol.nrules; i++) {
		st = racf_db_prepare(
		    db, "INSERT INTO rules VALUES (?, ?, ?, ?)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int(st, 1, s->pol.rule_no[i]);
		sqlite3_bind_int(st, 2, s->pol.rules[i].min);
		sqlite3_bind_int(st, 3, s->pol.rules[i].max);
		racf_db_bind_text(st, 4, s->pol.rules[i].content);
		if (racf_db_done(db, st, "writing password rules") == -1)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Settings of the database
 * ---------------------------------------------------------------- */

static int
racf_db_meta_uint(struct racf_db *db, const char *key, unsigned *out)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(db, "SELECT value FROM meta WHERE key = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, key);
	rc = racf_db_step_one(db, st, "reading a database setting");
	if (rc == 1) {
		sqlite3_int64 v = sqlite3_column_int64(st, 0);

		*out = v > 0 && v < (1LL << 31) ? (unsigned)v : 0;
	}
	sqlite3_finalize(st);
	if (rc == 0)
		return racf_db_fail(
		    db, "database setting '%s' is missing", key);
	return rc == 1 ? 0 : -1;
}

int
racf_db_kdf_get(struct racf_db *db, struct racf_kdf *out)
{
	struct racf_kdf k;

	if (racf_db_meta_uint(db, "kdf_memory_kib", &k.memory_kib) == -1 ||
	    racf_db_meta_uint(db, "kdf_iterations", &k.iterations) == -1 ||
	    racf_db_meta_uint(db, "kdf_parallelism", &k.parallelism) == -1)
		return -1;
	*out = k;
	return 0;
}

int
racf_db_kdf_put(struct racf_db *db, const struct racf_kdf *kdf)
{
	static const char *const keys[] = {
	    "kdf_memory_kib", "kdf_iterations", "kdf_parallelism"};
	unsigned vals[3] = {kdf->memory_kib, kdf->iterations, kdf->parallelism};
	char v[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(v, sizeof(v), "%u", vals[i]);
		if (racf_db_meta_put(db, keys[i], v) == -1)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * PTKTDATA profiles and used tickets
 * ---------------------------------------------------------------- */

static void
racf_db_blob(sqlite3_stmt *st, int col, unsigned char *dst, size_t size,
    int *has, size_t *len)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);

	*has = b != NULL && n > 0 && (size_t)n <= size;
	*len = *has ? (size_t)n : 0;
	if (*has)
		memcpy(dst, b, (size_t)n);
}

int
racf_db_ptkt_get(
    struct racf_db *db, const char *applid, struct racf_ptkt_rec *out)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(db,
	    "SELECT applid, legacy, enhanced, type, timeout, replay_legacy, "
	    "replay_enhanced, appldata, created FROM ptktdata "
	    "WHERE applid = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, applid);
	rc = racf_db_step_one(db, st, "reading a PTKTDATA profile");
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		racf_db_text(st, 0, out->applid, sizeof(out->applid));
		racf_db_blob(st, 1, out->legacy, sizeof(out->legacy),
		    &out->has_legacy, &out->legacy_len);
		racf_db_blob(st, 2, out->enhanced, sizeof(out->enhanced),
		    &out->has_enhanced, &out->enhanced_len);
		out->type = sqlite3_column_int(st, 3);
		out->timeout = sqlite3_column_int(st, 4);
		out->replay_legacy = sqlite3_column_int(st, 5);
		out->replay_enhanced = sqlite3_column_int(st, 6);
		racf_db_text(st, 7, out->appldata, sizeof(out->appldata));
		out->created = (time_t)sqlite3_column_int64(st, 8);
	}
	sqlite3_finalize(st);
	return rc;
}

int
racf_db_ptkt_put(struct racf_db *db, const struct racf_ptkt_rec *p)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db,
	    "INSERT OR REPLACE INTO ptktdata VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, p->applid);
	if (p->has_legacy)
		sqlite3_bind_blob(
		    st, 2, p->legacy, (int)p->legacy_len, SQLITE_STATIC);
	if (p->has_enhanced)
		sqlite3_bind_blob(
		    st, 3, p->enhanced, (int)p->enhanced_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, p->type);
	sqlite3_bind_int(st, 5, p->timeout);
	sqlite3_bind_int(st, 6, p->replay_legacy);
	sqlite3_bind_int(st, 7, p->replay_enhanced);
	racf_db_bind_text(st, 8, p->appldata);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)p->created);
	return racf_db_done(db, st, "writing a PTKTDATA profile");
}

int
racf_db_ptkt_delete(struct racf_db *db, const char *applid)
{
	int n;

	n = racf_db_run1(db, "DELETE FROM ptktdata WHERE applid = ?", applid,
	    "deleting a PTKTDATA profile");
	if (n == -1 ||
	    racf_db_run1(db, "DELETE FROM ptkt_used WHERE applid = ?", applid,
	        "deleting used PassTickets") == -1)
		return -1;
	return n;
}

int
racf_db_ptkt_use(struct racf_db *db, const char *applid, const char *userid,
    const char *digest, time_t expires, time_t now)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db, "DELETE FROM ptkt_used WHERE expires < ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if (racf_db_done(db, st, "forgetting expired PassTickets") == -1)
		return -1;
	st = racf_db_prepare(
	    db, "INSERT OR IGNORE INTO ptkt_used VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, applid);
	racf_db_bind_text(st, 2, userid);
	racf_db_bind_text(st, 3, digest);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)expires);
	return racf_db_changed(db, st, "recording a used PassTicket");
}

int
racf_db_meta_get(struct racf_db *db, const char *key, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	st = racf_db_prepare(db, "SELECT value FROM meta WHERE key = ?");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, key);
	rc = racf_db_step_one(db, st, "reading a database setting");
	if (rc == 1) {
		racf_db_text(st, 0, out, size);
	}
	sqlite3_finalize(st);
	return rc;
}

int
racf_db_meta_put(struct racf_db *db, const char *key, const char *value)
{
	sqlite3_stmt *st;

	st = racf_db_prepare(db, "INSERT OR REPLACE INTO meta VALUES (?, ?)");
	if (st == NULL)
		return -1;
	racf_db_bind_text(st, 1, key);
	racf_db_bind_text(st, 2, value);
	return racf_db_done(db, st, "writing a database setting");
}

int
racf_db_ptkt_count(struct racf_db *db, long long *n)
{
	return racf_db_int64(db, "SELECT count(*) FROM ptktdata",
	    "counting PTKTDATA profiles", n);
}

int
racf_db_meta_delete(struct racf_db *db, const char *key)
{
	return racf_db_run1(db, "DELETE FROM meta WHERE key = ?", key,
	           "deleting a database setting") == -1
	           ? -1
	           : 0;
}

int
racf_db_ptkt_names(
    struct racf_db *db, char (*names)[SSPR_MAX_APPLID + 1], int max)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	st = racf_db_prepare(db, "SELECT applid FROM ptktdata ORDER BY applid");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		racf_db_text(st, 0, names[n++], SSPR_MAX_APPLID + 1);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return racf_db_sqlfail(db, "listing PTKTDATA profiles");
	return n;
}
