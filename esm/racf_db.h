/*
 * racf_db.h - the embedded ESM's database: the only module with SQL.
 *
 * One SQLite file holds one RACF-like security database: user profiles
 * (with hashed password and phrase, never anything reversible), password
 * history, groups and connects, custom field definitions (CFDEF) and
 * values (CSDATA), and the SETROPTS password options.
 *
 * Concurrency: several processes may open the same file.  The database is
 * in WAL mode with a busy timeout; every change runs inside
 * racf_db_begin() / racf_db_commit(), which takes the write lock at once
 * (BEGIN IMMEDIATE), so a read-modify-write inside it can never lose a
 * concurrent update.  Each user row carries a version number that every
 * write increments: callers that did slow work (password hashing) outside
 * the lock re-read the row inside the transaction and start again when the
 * version moved.
 *
 * Schema: versioned with PRAGMA user_version and upgraded in order by the
 * migrations of racf_db.c when the database is opened.  A database newer
 * than this program is refused, never modified.
 *
 * All functions return -1 on a storage error (message in db's last error,
 * racf_db_error()), and otherwise 0 or the documented positive value.
 * User and group names passed in are already validated and upper-case.
 */
#ifndef SSPR_RACF_DB_H
#define SSPR_RACF_DB_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "esm/racf_mkey.h"
#include "esm/racf_rules.h"

struct racf_db;

#define RACF_HASH_MAX 160 /* an encoded Argon2id hash */

/* One credential: the password or the phrase. */
struct racf_cred {
	int set;                  /* 0: the user has none */
	char hash[RACF_HASH_MAX]; /* encoded salted hash */
	time_t changed;           /* last change (0 never) */
	int expired;              /* must be changed at next use */
};

struct racf_user_rec {
	char userid[SSPR_MAX_USERID + 1];
	char name[SSPR_MAX_NAME + 1];
	char owner[SSPR_MAX_USERID + 1];
	char dfltgrp[SSPR_MAX_GROUP + 1];
	char email[SSPR_MAX_EMAIL + 1];
	time_t created;
	time_t last_access; /* 0 never */
	int special;
	int revoked;
	int revoke_reason;   /* enum esm_revoke_reason */
	time_t revoke_date;  /* when revoked (0 none) */
	int invalid_count;   /* consecutive failed attempts */
	struct racf_cred pw; /* password */
	struct racf_cred ph; /* password phrase */
	long long version;   /* incremented by every write */
};

/* SETROPTS PASSWORD(...) and INACTIVE options.  0 means "off" for every
 * count; interval 0 means passwords never expire. */
struct racf_setropts {
	int history;              /* HISTORY(n), 1-32 */
	int interval;             /* INTERVAL(n) days, 1-254; default 30 */
	int minchange;            /* MINCHANGE(n) days */
	int revoke;               /* REVOKE(n) consecutive failures */
	int warning;              /* WARNING(n) days */
	int inactive;             /* INACTIVE(n) days */
	struct racf_pwpolicy pol; /* MIXEDCASE, SPECIALCHARS, RULEn */
};

enum racf_cftype { RACF_CF_CHAR, RACF_CF_NUM, RACF_CF_HEX, RACF_CF_FLAG };

struct racf_cfdef {
	char name[SSPR_MAX_FIELD_NAME + 1];
	enum racf_cftype type;
	int maxlength;
	int mixed;
	int has_min, has_max;
	long long minvalue, maxvalue; /* NUM only */
};

struct racf_connect {
	char group[SSPR_MAX_GROUP + 1];
	char owner[SSPR_MAX_USERID + 1];
	time_t created;
};

/* ---- opening ---- */

/* Open (and with create, create) the database at path, upgrading its
 * schema.  Returns 0 and *out, or -1 with a message in err. */
int racf_db_open(const char *path, int create, struct racf_db **out, char *err,
    size_t errsize);
void racf_db_close(struct racf_db *db);

/* The last storage error, borrowed ("" if none). */
const char *racf_db_error(const struct racf_db *db);

/* ---- transactions ---- */

int racf_db_begin(struct racf_db *db);      /* write lock (IMMEDIATE) */
int racf_db_begin_read(struct racf_db *db); /* consistent snapshot */
int racf_db_commit(struct racf_db *db);
void racf_db_rollback(struct racf_db *db); /* no-op outside a txn */

/* ---- users ---- */

/* 1 found (*out filled), 0 not defined, -1 error. */
int racf_db_user_get(
    struct racf_db *db, const char *userid, struct racf_user_rec *out);
int racf_db_user_insert(struct racf_db *db, const struct racf_user_rec *u);
/* Write every column of u and increment the version.  Returns 1 written,
 * 0 when the row's version is no longer u->version (someone else wrote),
 * -1 error.  On 1, u->version is updated. */
int racf_db_user_update(struct racf_db *db, struct racf_user_rec *u);
/* 1 deleted, 0 not defined, -1 error.  Deletes history, connects and
 * CSDATA with it. */
int racf_db_user_delete(struct racf_db *db, const char *userid);
/* Count users: *n.  For listings and tests. */
int racf_db_user_count(struct racf_db *db, long long *n);
/* The user IDs in ascending (byte) order: every user when field is NULL,
 * else those with a value of custom field `field` (upper-case; whether it
 * is defined is not checked here).  On 0, *out is a new array of *n new
 * strings (NULL when *n is 0), each to free() and then the array; on -1
 * *out and *n are untouched. */
int racf_db_user_list(
    struct racf_db *db, const char *field, char ***out, size_t *n);

/* ---- password history ---- */

/* Up to max most recent history hashes of kind 'P' (password) or 'H'
 * (phrase), newest first, into hashes[] (each RACF_HASH_MAX).  Returns the
 * number found or -1. */
int racf_db_history_get(struct racf_db *db, const char *userid, char kind,
    char (*hashes)[RACF_HASH_MAX], int max);
/* Add hash as the newest entry and keep only the keep newest. */
int racf_db_history_push(struct racf_db *db, const char *userid, char kind,
    const char *hash, int keep);

/* ---- groups and connects ---- */

int racf_db_group_exists(struct racf_db *db, const char *group);
int racf_db_group_insert(struct racf_db *db, const char *group,
    const char *superior, const char *owner, time_t created);
/* 1 added, 0 already connected, -1 error. */
int racf_db_connect_add(
    struct racf_db *db, const char *userid, const struct racf_connect *c);
/* 1 removed, 0 was not connected, -1 error. */
int racf_db_connect_remove(
    struct racf_db *db, const char *userid, const char *group);
/* Up to max connects of userid into out, ordered by group; count or -1. */
int racf_db_connects(
    struct racf_db *db, const char *userid, struct racf_connect *out, int max);

/* ---- custom fields ---- */

/* 1 found, 0 not defined, -1 error. */
int racf_db_cfdef_get(
    struct racf_db *db, const char *name, struct racf_cfdef *out);
/* Insert or replace a definition. */
int racf_db_cfdef_put(struct racf_db *db, const struct racf_cfdef *def);
/* 1 deleted (with every value of the field), 0 not defined, -1 error. */
int racf_db_cfdef_delete(struct racf_db *db, const char *name);
/* Call fn for each definition in name order; stops and returns fn's value
 * when it is non-zero. */
int racf_db_cfdef_each(struct racf_db *db,
    int (*fn)(const struct racf_cfdef *, void *), void *arg);

/* 1 and *value (new string) when set, 0 unset, -1 error. */
int racf_db_csdata_get(
    struct racf_db *db, const char *userid, const char *field, char **value);
/* Set (value non-NULL) or delete (value NULL) one value. */
int racf_db_csdata_put(struct racf_db *db, const char *userid,
    const char *field, const char *value);
/* Call fn(field, value, arg) for each value of userid in field order. */
int racf_db_csdata_each(struct racf_db *db, const char *userid,
    int (*fn)(const char *, const char *, void *), void *arg);

/* ---- SETROPTS ---- */

int racf_db_setropts_get(struct racf_db *db, struct racf_setropts *out);
int racf_db_setropts_put(struct racf_db *db, const struct racf_setropts *s);

/* ---- settings of the database itself ---- */

/* The Argon2id cost used for secrets in this database. */
struct racf_kdf {
	unsigned memory_kib, iterations, parallelism;
};
int racf_db_kdf_get(struct racf_db *db, struct racf_kdf *out);
int racf_db_kdf_put(struct racf_db *db, const struct racf_kdf *kdf);

/* ---- PTKTDATA profiles ---- */

/* A PTKTDATA profile; keys are sealed under the master key (racf_mkey.h). */
struct racf_ptkt_rec {
	char applid[SSPR_MAX_APPLID + 1];
	int has_legacy; /* SSIGNON(KEYMASKED(...)) */
	unsigned char legacy[RACF_MKEY_SEALED];
	size_t legacy_len;
	int has_enhanced; /* SSIGNON(EPTKEYMASKED(...)) */
	unsigned char enhanced[RACF_MKEY_SEALED];
	size_t enhanced_len;
	int type;            /* enum passticket_type, enhanced */
	int timeout;         /* enhanced validity, seconds (1-600) */
	int replay_legacy;   /* APPLDATA('NO REPLAY PROTECTION') */
	int replay_enhanced; /* PTREPLAY(YES) */
	char appldata[256];  /* APPLDATA as given */
	time_t created;
};

/* 1 found, 0 none, -1 error. */
int racf_db_ptkt_get(
    struct racf_db *db, const char *applid, struct racf_ptkt_rec *out);
/* Insert or replace. */
int racf_db_ptkt_put(struct racf_db *db, const struct racf_ptkt_rec *p);
/* 1 deleted (with its used tickets), 0 none, -1 error. */
int racf_db_ptkt_delete(struct racf_db *db, const char *applid);
/* Record that a ticket (by digest) was used for applid and userid until
 * expires, forgetting records expired by now.  1 first use, 0 a replay,
 * -1 error.  Call inside a write transaction. */
int racf_db_ptkt_use(struct racf_db *db, const char *applid, const char *userid,
    const char *digest, time_t expires, time_t now);

/* Up to max PTKTDATA profile names in order; the count or -1. */
int racf_db_ptkt_names(
    struct racf_db *db, char (*names)[SSPR_MAX_APPLID + 1], int max);

/* Number of PTKTDATA profiles. */
int racf_db_ptkt_count(struct racf_db *db, long long *n);

/* Settings of the database: 1 found (out filled), 0 none, -1 error. */
int racf_db_meta_get(
    struct racf_db *db, const char *key, char *out, size_t size);
int racf_db_meta_put(struct racf_db *db, const char *key, const char *value);
int racf_db_meta_delete(struct racf_db *db, const char *key);

#endif
