/*
 * test_racf_db.c - the embedded ESM's SQLite store: schema creation and
 * versioning, refusal of a newer schema, optimistic versions on user rows,
 * history trimming, custom field storage, listing users and cascading
 * deletes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "esm/racf_db.h"
#include "compat/banned.h"

static char dir[512];
static char path[600];

static int
setup(void **state)
{
	const char *root = getenv("SSPR_TEST_TMP");

	(void)state;
	if (root == NULL)
		root = "/tmp";
	(void)mkdir(root, 0700);
	snprintf(dir, sizeof(dir), "%s/db.XXXXXX", root);
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/esm.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char p[700];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	rmdir(dir);
	return 0;
}

static struct racf_db *
open_db(int create)
{
	struct racf_db *db = NULL;
	char err[SSPR_MAX_ERROR];

	if (racf_db_open(path, create, &db, err, sizeof(err)) == -1)
		fail_msg("racf_db_open: %s", err);
	return db;
}

static int
user_version(void)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(s, "PRAGMA user_version", -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

static void
set_user_version(int v)
{
	char sql[64];
	sqlite3 *s;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
}

static void
test_missing_file_not_created(void **state)
{
	struct racf_db *db = NULL;
	char err[SSPR_MAX_ERROR];

	(void)state;
	assert_int_equal(racf_db_open(path, 0, &db, err, sizeof(err)), -1);
	assert_null(db);
	assert_non_null(strstr(err, "no such file"));
	assert_int_equal(access(path, F_OK), -1);
}

static void
test_schema_created_and_private(void **state)
{
	struct racf_setropts s;
	struct racf_kdf k;
	struct stat st;
	struct racf_db *db = open_db(1);

	(void)state;
	assert_int_equal(racf_db_setropts_get(db, &s), 0);
	assert_int_equal(s.interval, 30); /* RACF's default */
	assert_int_equal(s.history, 0);
	assert_int_equal(s.revoke, 0);
	assert_int_equal(racf_db_group_exists(db, "SYS1"), 1);
	assert_int_equal(racf_db_kdf_get(db, &k), 0);
	assert_true(k.memory_kib >= 19456);
	racf_db_close(db);
	assert_true(user_version() >= 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
}

static void
test_reopen_keeps_version(void **state)
{
	struct racf_db *db = open_db(1);
	int v;

	(void)state;
	racf_db_close(db);
	v = user_version();
	db = open_db(0);
	racf_db_close(db);
	assert_int_equal(user_version(), v);
}

static void
test_newer_schema_refused(void **state)
{
	struct racf_db *db = open_db(1);
	char err[SSPR_MAX_ERROR];
	int v;

	(void)state;
	racf_db_close(db);
	v = user_version();
	set_user_version(v + 1);
	db = NULL;
	assert_int_equal(racf_db_open(path, 0, &db, err, sizeof(err)), -1);
	assert_null(db);
	assert_non_null(strstr(err, "newer than this sspr supports"));
	assert_int_equal(user_version(), v + 1); /* left untouched */
}

static void
make_user(struct racf_db *db, const char *id)
{
	struct racf_user_rec u;

	memset(&u, 0, sizeof(u));
	assert_true(strlen(id) < sizeof(u.userid));
	memcpy(u.userid, id, strlen(id) + 1);
	snprintf(u.owner, sizeof(u.owner), "IBMUSER");
	snprintf(u.dfltgrp, sizeof(u.dfltgrp), "SYS1");
	u.created = 1700000000;
	assert_int_equal(racf_db_user_insert(db, &u), 0);
}

static void
test_user_version_cas(void **state)
{
	struct racf_user_rec a, b;
	struct racf_db *db = open_db(1);

	(void)state;
	make_user(db, "JOE");
	assert_int_equal(racf_db_user_get(db, "JOE", &a), 1);
	assert_int_equal(racf_db_user_get(db, "JOE", &b), 1);
	assert_int_equal(racf_db_user_get(db, "NOBODY", &b), 0);
	a.invalid_count = 3;
	assert_int_equal(racf_db_user_update(db, &a), 1);
	assert_int_equal(a.version, b.version + 1);
	/* b is stale: its write must not land. */
	b.invalid_count = 7;
	assert_int_equal(racf_db_user_update(db, &b), 0);
	assert_int_equal(racf_db_user_get(db, "JOE", &b), 1);
	assert_int_equal(b.invalid_count, 3);
	racf_db_close(db);
}

static void
test_history_trimmed_newest_first(void **state)
{
	char h[SSPR_MAX_HISTORY][RACF_HASH_MAX];
	struct racf_db *db = open_db(1);
	char v[16];
	int i;

	(void)state;
	make_user(db, "JOE");
	for (i = 1; i <= 6; i++) {
		snprintf(v, sizeof(v), "H%d", i);
		assert_int_equal(racf_db_history_push(db, "JOE", 'P', v, 4), 0);
	}
	assert_int_equal(racf_db_history_push(db, "JOE", 'H', "PH1", 4), 0);
	assert_int_equal(racf_db_history_get(db, "JOE", 'P', h, 32), 4);
	assert_string_equal(h[0], "H6");
	assert_string_equal(h[3], "H3");
	assert_int_equal(racf_db_history_get(db, "JOE", 'P', h, 2), 2);
	assert_int_equal(racf_db_history_get(db, "JOE", 'H', h, 32), 1);
	racf_db_close(db);
}

static void
test_delete_cascades(void **state)
{
	struct racf_cfdef d = {
	    .name = "EMPSER", .type = RACF_CF_NUM, .maxlength = 8};
	char h[1][RACF_HASH_MAX];
	struct racf_connect con[2];
	struct racf_db *db = open_db(1);
	char *val = NULL;

	(void)state;
	make_user(db, "JOE");
	assert_int_equal(racf_db_cfdef_put(db, &d), 0);
	assert_int_equal(racf_db_csdata_put(db, "JOE", "EMPSER", "12"), 0);
	assert_int_equal(racf_db_csdata_get(db, "JOE", "EMPSER", &val), 1);
	assert_string_equal(val, "12");
	free(val);
	assert_int_equal(racf_db_history_push(db, "JOE", 'P', "X", 3), 0);
	snprintf(con[0].group, sizeof(con[0].group), "SYS1");
	snprintf(con[0].owner, sizeof(con[0].owner), "IBMUSER");
	con[0].created = 1;
	assert_int_equal(racf_db_connect_add(db, "JOE", &con[0]), 1);
	assert_int_equal(racf_db_connect_add(db, "JOE", &con[0]), 0);
	assert_int_equal(racf_db_user_delete(db, "JOE"), 1);
	assert_int_equal(racf_db_user_delete(db, "JOE"), 0);
	make_user(db, "JOE");
	assert_int_equal(racf_db_csdata_get(db, "JOE", "EMPSER", &val), 0);
	assert_int_equal(racf_db_history_get(db, "JOE", 'P', h, 1), 0);
	assert_int_equal(racf_db_connects(db, "JOE", con, 2), 0);
	/* Deleting a field definition deletes its values. */
	assert_int_equal(racf_db_csdata_put(db, "JOE", "EMPSER", "34"), 0);
	assert_int_equal(racf_db_cfdef_delete(db, "EMPSER"), 1);
	assert_int_equal(racf_db_cfdef_delete(db, "EMPSER"), 0);
	assert_int_equal(racf_db_csdata_get(db, "JOE", "EMPSER", &val), 0);
	racf_db_close(db);
}

/* All users or those with a field, ascending, past the first growth of
 * the array. */
static void
test_user_list(void **state)
{
	struct racf_cfdef d = {
	    .name = "CODE", .type = RACF_CF_CHAR, .maxlength = 8};
	struct racf_db *db = open_db(1);
	char **list = NULL, id[32];
	size_t n = 99, i;
	int k;

	(void)state;
	assert_int_equal(racf_db_user_list(db, NULL, &list, &n), 0);
	assert_int_equal(n, 0);
	assert_null(list);
	assert_int_equal(racf_db_cfdef_put(db, &d), 0);
	for (k = 39; k >= 0; k--) {
		snprintf(id, sizeof(id), "U%02d", k);
		make_user(db, id);
		if (k % 10 == 3)
			assert_int_equal(
			    racf_db_csdata_put(db, id, "CODE", "X"), 0);
	}
	assert_int_equal(racf_db_user_list(db, NULL, &list, &n), 0);
	assert_int_equal(n, 40);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "U%02d", (int)i);
		assert_string_equal(list[i], id);
		free(list[i]);
	}
	free(list);
	assert_int_equal(racf_db_user_list(db, "CODE", &list, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "U03");
	assert_string_equal(list[3], "U33");
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	assert_int_equal(racf_db_user_list(db, "NOSUCH", &list, &n), 0);
	assert_int_equal(n, 0);
	racf_db_close(db);
}

static void
test_rollback_discards(void **state)
{
	struct racf_user_rec u;
	struct racf_db *db = open_db(1);

	(void)state;
	assert_int_equal(racf_db_begin(db), 0);
	make_user(db, "TEMP");
	racf_db_rollback(db);
	assert_int_equal(racf_db_user_get(db, "TEMP", &u), 0);
	racf_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_missing_file_not_created, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_schema_created_and_private, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_reopen_keeps_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_user_version_cas, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_history_trimmed_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_delete_cascades, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_rollback_discards, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
