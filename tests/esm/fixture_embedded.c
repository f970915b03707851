/*
 * fixture_embedded.c - the contract suite's fixture for the embedded ESM.
 *
 * Each fixture is a new SQLite database in its own directory made with
 * mkdtemp() under $SSPR_TEST_TMP (else /tmp), opened twice with one fake
 * clock: as an ESM handle (esm_open(), what the suite tests) and as a
 * struct racf for the RACF command processor (set-up).  The database's
 * Argon2 cost is lowered so that the suite runs fast; that setting is for
 * tests only, the product default is unchanged.
 */
#include "tests/esm/fixture.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/strbuf.h"
#include "esm/racf.h"
#include "esm/racf_cmd.h"
#include "esm/racf_db.h"

#include "compat/banned.h"

#define FIXTURE_ISSUER "IBMUSER"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	char mkey[PATH_MAX + 8]; /* the ESM's master key file */
	time_t now;
	struct esm *esm;
	struct racf racf;
};

static time_t
fixture_clock(void *arg)
{
	const struct fixture *f = arg;

	return f->now;
}

/* Open an ESM handle on the fixture's database; inject may be NULL. */
static struct esm *
fixture_open_handle(
    struct fixture *f, int create, const struct esm_inject *inject)
{
	struct esm_config cfg = {
	    .backend = "embedded",
	    .db = f->path,
	    .create = create,
	    .now = fixture_clock,
	    .now_arg = f,
	};
	struct esm_err err;
	struct esm *esm = NULL;

	if (inject != NULL)
		cfg.inject = *inject;

	if (esm_open(&cfg, &esm, &err) != ESM_OK) {
		fprintf(stderr, "fixture: cannot open the ESM on '%s': %s\n",
		    f->path, err.msg);
		return NULL;
	}
	return esm;
}

/* Create dir and its missing parents, like mkdir -p. */
static int
fixture_mkdirs(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	if (strlcpy_s(p, dir, sizeof(p)) >= sizeof(p)) {
		fprintf(stderr, "fixture: directory name too long\n");
		return -1;
	}
	for (i = 1;; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (p[i] == '/' && p[i - 1] == '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			fprintf(stderr, "fixture: cannot create '%s': %s\n", p,
			    strerror(errno));
			return -1;
		}
		if (dir[i] == '\0')
			return 0;
		p[i] = '/';
	}
}

/* Make the fixture's directory under $SSPR_TEST_TMP or /tmp. */
static int
fixture_mkdir(struct fixture *f)
{
	const char *base = getenv("SSPR_TEST_TMP");
	int n;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (fixture_mkdirs(base) == -1)
		return -1;
	n = snprintf(f->dir, sizeof(f->dir), "%s/esm-contract-XXXXXX", base);
	if (n < 0 || (size_t)n >= sizeof(f->dir)) {
		fprintf(stderr, "fixture: temporary directory name too long\n");
		return -1;
	}
	if (mkdtemp(f->dir) == NULL) {
		fprintf(stderr,
		    "fixture: cannot create a directory in '%s': "
		    "%s\n",
		    base, strerror(errno));
		f->dir[0] = '\0';
		return -1;
	}
	n = snprintf(f->path, sizeof(f->path), "%s/racf.db", f->dir);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		fprintf(stderr, "fixture: database path too long\n");
		return -1;
	}
	return 0;
}

struct fixture *
fixture_new(void)
{
	static const struct racf_kdf fast = {
	    .memory_kib = 256,
	    .iterations = 1,
	    .parallelism = 1,
	};
	struct fixture *f = xcalloc(1, sizeof(*f));
	char err[SSPR_MAX_ERROR];

	f->now = FIXTURE_T0;
	f->racf.now = fixture_clock;
	f->racf.now_arg = f;
	if (fixture_mkdir(f) == -1)
		goto fail;
	snprintf(f->mkey, sizeof(f->mkey), "%s.mkey", f->path);
	f->racf.mkey_path = f->mkey;
	if ((f->esm = fixture_open_handle(f, 1, NULL)) == NULL)
		goto fail;
	if (racf_db_open(f->path, 0, &f->racf.db, err, sizeof(err)) == -1) {
		fprintf(stderr, "fixture: %s\n", err);
		goto fail;
	}
	if (racf_db_kdf_put(f->racf.db, &fast) == -1) {
		fprintf(stderr, "fixture: cannot lower the Argon2 cost: %s\n",
		    racf_db_error(f->racf.db));
		goto fail;
	}
	return f;
fail:
	fixture_free(f);
	return NULL;
}

/* Remove the database file with suffix ("-wal", ...) if it exists. */
static void
fixture_unlink(const struct fixture *f, const char *suffix)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s%s", f->path, suffix);

	if (n > 0 && (size_t)n < sizeof(p) && unlink(p) == -1 &&
	    errno != ENOENT)
		fprintf(stderr, "fixture: cannot remove '%s': %s\n", p,
		    strerror(errno));
}

void
fixture_free(struct fixture *f)
{
	if (f == NULL)
		return;
	esm_close(f->esm);
	racf_db_close(f->racf.db);
	if (f->dir[0] != '\0') {
		fixture_unlink(f, "");
		fixture_unlink(f, "-wal");
		fixture_unlink(f, "-shm");
		fixture_unlink(f, "-journal");
		fixture_unlink(f, ".mkey");
		fixture_unlink(f, ".mkey.away");
		if (rmdir(f->dir) == -1)
			fprintf(stderr, "fixture: cannot remove '%s': %s\n",
			    f->dir, strerror(errno));
	}
	free(f);
}

struct esm *
fixture_esm(struct fixture *f)
{
	return f->esm;
}

struct esm *
fixture_esm_open(struct fixture *f)
{
	return fixture_open_handle(f, 0, NULL);
}

struct esm *
fixture_esm_open_inject(struct fixture *f, const struct esm_inject *inject)
{
	return fixture_open_handle(f, 0, inject);
}

/* Run one command; its output goes to out. */
static int
fixture_run(struct fixture *f, const char *line, struct strbuf *out)
{
	return (int)racf_cmd_run(
	    &f->racf, FIXTURE_ISSUER, line, strlen(line), out);
}

int
fixture_command(struct fixture *f, const char *line)
{
	struct strbuf out;
	int rc;

	strbuf_init(&out, SSPR_MAX_LISTING);
	rc = fixture_run(f, line, &out);
	strbuf_release(&out);
	return rc;
}

int
fixture_setup(struct fixture *f, const char *const *lines)
{
	struct strbuf out;
	int rc = 0;
	size_t i;

	strbuf_init(&out, SSPR_MAX_LISTING);
	for (i = 0; lines != NULL && lines[i] != NULL; i++) {
		strbuf_reset(&out);
		rc = fixture_run(f, lines[i], &out);
		if (rc != RACF_CMD_OK && rc != RACF_CMD_WARNING) {
			fprintf(stderr,
			    "fixture: set-up command '%s' ended with return "
			    "code %d:\n%s",
			    lines[i], rc, out.buf);
			rc = -1;
			break;
		}
		rc = 0;
	}
	strbuf_release(&out);
	return rc;
}

void
fixture_advance(struct fixture *f, long seconds)
{
	f->now += (time_t)seconds;
}

time_t
fixture_now(struct fixture *f)
{
	return f->now;
}

int
fixture_lose_key_store(struct fixture *f, int lose)
{
	char away[PATH_MAX + 16];

	snprintf(away, sizeof(away), "%s.away", f->mkey);
	if (lose ? rename(f->mkey, away) : rename(away, f->mkey)) {
		fprintf(stderr, "fixture: cannot move the master key: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}
