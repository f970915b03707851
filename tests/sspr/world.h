/*
 * world.h - the shared test world of tests/sspr (world.c).
 *
 * world_setup() builds a fresh directory under $SSPR_TEST_TMP with the
 * ESM databases named by world_dbs (each with the sspr fields, a
 * PTKTDATA profile for SSPRAPPL and the users of esm_setup), a key file,
 * a mail directory and sspr.json (world_config, or two systems PROD and
 * DR), and opens W.s with a fake clock (W.now), no mail sender and no
 * recovery at open.  world_teardown() removes it all.
 */
#ifndef TESTS_SSPR_WORLD_H
#define TESTS_SSPR_WORLD_H

#include <time.h>

#include "esm/esm.h"
#include "sspr/config.h"
#include "sspr/keys.h"
#include "sspr/sspr.h"

#define T0       1700000000 /* 22:13:20 UTC */
#define PIN      "583920"
#define PASSWORD "ALICE7PW"
#define A1       "Whiskers the Cat"
#define A2       "Oldtown"
#define A3       "Jonathan Q"
#define PTKEY    "0123456789ABCDEF"

#define WORLD_CONFIG_2                                                         \
	"{\"state_dir\": \".\", \"key_file\": \"keys.json\", "                 \
	"\"base_url\": \"https://sspr.example.com\", "                         \
	"\"systems\": [{\"name\": \"PROD\", \"backend\": \"embedded\", "       \
	"\"db\": \"prod.db\", \"applid\": \"SSPRAPPL\"}, "                     \
	"{\"name\": \"DR\", \"backend\": \"embedded\", \"db\": \"dr.db\", "    \
	"\"applid\": \"SSPRAPPL\"}], "                                         \
	"\"mail\": {\"transport\": \"directory\", \"path\": \"mail\", "        \
	"\"from\": \"sspr@example.com\"}, "                                    \
	"\"reset\": {\"questions_asked\": 2, \"max_failures\": 5, "            \
	"\"lock_minutes\": 30}}"

struct world {
	char dir[512];
	struct cfg *cfg;
	struct keys *keys;
	struct sspr *s;
	time_t now;
};

extern struct world W;
extern const char *world_config;        /* NULL: WORLD_CONFIG_2 */
extern const char *const *world_dbs;    /* NULL-terminated */
extern const char *const world_dbs_2[]; /* prod.db, dr.db */
extern const char *const esm_setup[];

time_t fake_now(void *arg);
void path(char *out, size_t size, const char *name);
void esm_cmds(const char *db, const char *const *cmds);
int world_setup(void **state);
int world_teardown(void **state);
void rm_tree(const char *dir);
int enroll(const char *user, const char *pw, const char *newpw, const char *pin,
    const char *email, const char *a1, const char *a2, const char *a3,
    struct sspr_result *res);
int flow_test_deliver(void);
/* Deliver the outbox, then read and remove every new message to rcpt:
 * the number of them that mention text (NULL: all of them); the access
 * code of the one that carries one goes to code (when not NULL; "" when
 * none). */
int mail_take(const char *rcpt, const char *text, char code[9]);
/* The code of the one new access-code mail for rcpt (mail_take). */
void last_code(const char *rcpt, char code[9]);
/* A handle on the embedded ESM db of the world (esm_close() it). */
struct esm *world_esm(const char *db);
/* In a forked child: a handle of its own on the world (exits 3 when it
 * cannot be opened). */
struct sspr *world_child_handle(void);
/* Verify secret for user at db (a wrong one counts a failure there). */
void verify_at(const char *db, const char *user, const char *secret,
    struct esm_verify_result *vr);
void verify_on(
    const char *db, const char *user, const char *secret, enum esm_resp want);
/* Count in *hits the files under dir (recursively) holding any of
 * marks; each is named in the test output.  Fails on a file it cannot
 * read. */
void grep_tree(const char *dir, const char *const *marks, int *hits);
void to_action(const char *user, const char *rcpt, char token[SSPR_TOKEN_MAX]);

#endif
