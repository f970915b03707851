/*
 * check.c - the readiness check of `sspr check` (see check.h).
 */
#include "sspr/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/filetrust.h"
#include "esm/esm.h"
#include "mail/outbox.h"
#include "sspr/audit.h"
#include "esm/passticket.h"
#include "compat/seal.h"
#include "sspr/journal.h"
#include "sspr/sspr_int.h"
#include "sspr/keys.h"
#include "sspr/mailer.h"
#include "sspr/tlscheck.h"
#include "compat/banned.h"

static void PRINTF_LIKE(6, 0) check_vadd(struct check_report *rep,
    enum check_scope scope, const char *system, const char *what,
    enum check_level level, const char *fmt, va_list ap)
{
	struct check_item *it;

	if (rep->n == rep->alloc) {
		rep->alloc = rep->alloc ? 2 * rep->alloc : 16;
		rep->items = xrealloc(rep->items, rep->alloc * sizeof(*it));
	}
	it = &rep->items[rep->n++];
	memset(it, 0, sizeof(*it));
	strlcpy_s(it->system, system, sizeof(it->system));
	strlcpy_s(it->what, what, sizeof(it->what));
	it->level = level;
	it->scope = scope;
	vsnprintf(it->msg, sizeof(it->msg), fmt, ap);
	if (level == CHECK_FAIL) {
		rep->failed++;
		if (scope == CHECK_START)
			rep->start_failed++;
	}
}

void
check_report_add(struct check_report *rep, enum check_scope scope,
    const char *system, const char *what, enum check_level level,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(rep, scope, system, what, level, fmt, ap);
	va_end(ap);
}

/* A finding about readiness: serve starts all the same. */
static void PRINTF_LIKE(5, 6)
    check_add(struct check_report *rep, const char *system, const char *what,
        enum check_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(rep, CHECK_READY, system, what, level, fmt, ap);
	va_end(ap);
}

/* A finding about start-up: serve refuses to start on its failure. */
static void PRINTF_LIKE(5, 6)
    check_start(struct check_report *rep, const char *system, const char *what,
        enum check_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vadd(rep, CHECK_START, system, what, level, fmt, ap);
	va_end(ap);
}

static const char *
check_kind(int enhanced)
{
	return enhanced ? "enhanced" : "legacy";
}

/* The round trip: sspr's ticket, evaluated by the ESM as a dry run. */
static void
check_passticket(const struct cfg_system *sys, struct esm *esm,
    const struct passticket_key *key, time_t now, struct check_report *rep)
{
	char t[PASSTICKET_LEN + 1], fp[17];
	struct esm_ptkt_probe pr;
	struct esm_err err;
	enum esm_result rv;
	long long skew;

	passticket_fingerprint(key, fp);
	if (passticket_generate(
	        key, CHECK_PROBE_USER, sys->applid, (uint64_t)now, t) == -1) {
		check_add(rep, sys->name, "passticket", CHECK_FAIL,
		    "cannot generate a PassTicket for APPLID %s", sys->applid);
		return;
	}
	rv = esm_passticket_probe(
	    esm, sys->applid, CHECK_PROBE_USER, t, &pr, &err);
	secure_zero(t, sizeof(t));
	if (rv == ESM_TEMPFAIL || err.code == ESM_E_NOPROFILE) {
		check_add(rep, sys->name,
		    err.code == ESM_E_MASTERKEY ? "master-key" : "ptktdata",
		    CHECK_FAIL, "%s", err.msg);
		return;
	}
	if (pr.enhanced != (key->kind == PTKT_ENHANCED) ||
	    (pr.enhanced && pr.mixed != (key->type == PTKT_MIXED))) {
		check_add(rep, sys->name, "passticket", CHECK_FAIL,
		    "the ESM's PTKTDATA profile %s expects %s%s PassTickets "
		    "but sspr's key for it is %s%s; install keys of the same "
		    "kind on both sides",
		    sys->applid, check_kind(pr.enhanced),
		    pr.enhanced ? (pr.mixed ? " MIXED" : " UPPER") : "",
		    check_kind(key->kind == PTKT_ENHANCED),
		    key->kind == PTKT_ENHANCED
		        ? (key->type == PTKT_MIXED ? " MIXED" : " UPPER")
		        : "");
		return;
	}
	if (rv != ESM_OK) {
		check_add(rep, sys->name, "passticket", CHECK_FAIL,
		    "sspr's PassTicket key for APPLID %s (fingerprint %s) does "
		    "not match the ESM's PTKTDATA key (fingerprint %s): the "
		    "ESM refused a ticket of sspr's (%s); install the same key "
		    "on both sides (sspr keys passticket, RALTER PTKTDATA %s "
		    "SSIGNON(...))",
		    sys->applid, fp, pr.fingerprint[0] ? pr.fingerprint : "?",
		    pr.detail, sys->applid);
		return;
	}
	check_add(rep, sys->name, "passticket", CHECK_OK,
	    "PassTickets for APPLID %s round-trip (%s key, fingerprint %s, "
	    "valid for %u seconds%s)",
	    sys->applid, check_kind(pr.enhanced), fp, pr.window,
	    pr.replay_allowed ? ", replay allowed" : "");
	skew = (long long)pr.esm_now - (long long)now;
	if (skew < 0)
		skew = -skew;
	if (skew > (long long)pr.window / 2)
		check_add(rep, sys->name, "clock",
		    skew > (long long)pr.window ? CHECK_FAIL : CHECK_WARN,
		    "the ESM's clock is %lld seconds away from sspr's; "
		    "PassTickets are valid for %u seconds: synchronise both "
		    "with NTP",
		    skew, pr.window);
}

/* The custom fields sspr keeps its data in: defined, long enough. */
static void
check_fields(const struct cfg *cfg, const struct cfg_system *sys,
    struct esm *esm, struct check_report *rep)
{
	static const int need[CFG_FIELD_COUNT] = {
	    [CFG_F_PIN] = 128,
	    [CFG_F_MAIL] = 100,
	    [CFG_F_Q1] = 3,
	    [CFG_F_Q2] = 3,
	    [CFG_F_Q3] = 3,
	    [CFG_F_A1] = 128,
	    [CFG_F_A2] = 128,
	    [CFG_F_A3] = 128,
	    [CFG_F_CODE] = 96,
	    [CFG_F_FAIL] = 40,
	    [CFG_F_SDATE] = 12,
	    [CFG_F_RDATE] = 12,
	};
	struct esm_field_def d;
	struct esm_err err;
	enum esm_result rv;
	int i, bad = 0;

	for (i = 0; i < CFG_FIELD_COUNT; i++) {
		const char *name = cfg->reset.fields[i];

		rv = esm_field_def(esm, name, &d, &err);
		if (rv == ESM_OK && d.type == 0 && d.maxlength >= need[i] &&
		    (i != CFG_F_MAIL || d.mixed))
			continue;
		bad++;
		if (rv != ESM_OK)
			check_add(rep, sys->name, "fields", CHECK_FAIL,
			    "custom field %s is missing: RDEFINE CFIELD "
			    "USER.CSDATA.%s CFDEF(TYPE(CHAR) MAXLENGTH(%d)%s)",
			    name, name, need[i] < 96 ? 96 : need[i] + 32,
			    i == CFG_F_MAIL ? " MIXED(YES)" : "");
		else
			check_add(rep, sys->name, "fields", CHECK_FAIL,
			    "custom field %s must be TYPE(CHAR) with MAXLENGTH "
			    "of at least %d%s (it has %d)",
			    name, need[i],
			    i == CFG_F_MAIL ? " and MIXED(YES)" : "",
			    d.maxlength);
	}
	if (bad == 0)
		check_add(rep, sys->name, "fields", CHECK_OK,
		    "the %d custom fields sspr uses are defined",
		    CFG_FIELD_COUNT);
}

static void
check_system(const struct cfg *cfg, const struct cfg_system *sys,
    const struct keys *keys, time_t now, struct check_report *rep)
{
	struct esm_config ec = {0};
	const struct passticket_key *key;
	struct esm_err err;
	struct esm *esm = NULL;

	if (sys->backend != CFG_BACKEND_EMBEDDED) {
		check_start(rep, sys->name, "esm", CHECK_FAIL,
		    "the ldap backend is not available in this version of "
		    "sspr; use backend \"embedded\"");
		return;
	}
	ec.backend = "embedded";
	ec.db = sys->db;
	if (esm_open(&ec, &esm, &err) != ESM_OK) {
		check_start(rep, sys->name, "esm", CHECK_FAIL, "%s", err.msg);
		return;
	}
	check_start(rep, sys->name, "esm", CHECK_OK, "the %s ESM opens (%s)",
	    esm_name(esm), sys->db);
	if (rep->start_only) {
		esm_close(esm);
		return;
	}
	key = keys != NULL ? keys_passticket(keys, sys->applid) : NULL;
	if (keys != NULL && key == NULL)
		check_add(rep, sys->name, "passticket", CHECK_FAIL,
		    "sspr's key file has no PassTicket key for APPLID %s; "
		    "install one with: sspr keys passticket --appl %s "
		    "--generate (and the same key in the ESM's PTKTDATA "
		    "profile)",
		    sys->applid, sys->applid);
	if (key != NULL)
		check_passticket(sys, esm, key, now, rep);
	check_fields(cfg, sys, esm, rep);
	esm_close(esm);
}

/* The mail relay: reachable, TLS as configured, AUTH accepted; nothing is
 * sent. */
static void
check_mail(const struct cfg *cfg, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR];
	struct sspr_mailer m;
	struct mail_status st;

	if (!cfg->mail.configured) {
		check_add(rep, "", "mail", CHECK_WARN,
		    "no \"mail\" section: access codes and notifications "
		    "cannot be e-mailed");
		return;
	}
	if (sspr_mailer_init(cfg, NULL, &m, err, sizeof(err)) == -1) {
		check_start(rep, "", "mail", CHECK_FAIL, "%s", err);
		return;
	}
	if (rep->start_only)
		check_start(rep, "", "mail", CHECK_OK, "mail settings load");
	else if (mail_probe(&m.t, &st) == MAIL_SENT)
		check_add(rep, "", "mail", CHECK_OK, "mail: %s", st.detail);
	else
		check_add(rep, "", "mail", CHECK_FAIL,
		    "mail relay %s is not usable: %s",
		    m.t.kind == MAIL_SMTP ? m.t.url : m.t.dir, st.detail);
	sspr_mailer_release(&m);
}

/* The certificate and key `sspr serve` will present, and their dates. */
static void
check_tls(const struct cfg *cfg, time_t now, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR];
	struct tls_info ti;
	long days;

	if (cfg->tls.cert == NULL)
		return;
	if (tls_check_usable(cfg->tls.cert, cfg->tls.key, now, &ti, err,
	        sizeof(err)) == -1) {
		check_start(rep, "", "tls", CHECK_FAIL, "%s", err);
		return;
	}
	days = (long)((ti.not_after - now) / 86400);
	if (days < 30)
		check_add(rep, "", "tls", CHECK_WARN,
		    "the TLS certificate for %s expires in %ld day%s",
		    ti.subject, days, days == 1 ? "" : "s");
	else
		check_add(rep, "", "tls", CHECK_OK,
		    "the TLS certificate for %s and its key fit; it expires in "
		    "%ld days",
		    ti.subject, days);
	if (cfg->base_url != NULL && strncmp(cfg->base_url, "https://", 8) != 0)
		check_add(rep, "", "tls", CHECK_WARN,
		    "base_url %s is not https:// although the service speaks "
		    "TLS",
		    cfg->base_url);
}

/* Operations not finished on every system are waiting for a retry: a
 * system has been unreachable, or sspr stopped mid-way. */
static void
check_journal(const struct cfg *cfg, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR], when[32];
	long long oldest;
	long open;
	time_t t;
	struct tm tm;
	char path[PATH_MAX];
	struct stat st;
	int rc;

	/* An empty file is a journal SQLite has not written yet: the
	 * service starts with it, so it is fine. */
	snprintf(path, sizeof(path), "%s/%s", cfg->state_dir, JOURNAL_FILE);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
		rc = 1;
	else
		rc = journal_summary(
		    cfg->state_dir, &open, &oldest, err, sizeof(err));
	if (rc == -1) {
		check_start(rep, "", "journal", CHECK_FAIL, "%s", err);
		return;
	}
	if (rc == 1 || open == 0 || rep->start_only) {
		check_add(rep, "", "journal", CHECK_OK,
		    "no operation is waiting for a system");
		return;
	}
	t = (time_t)oldest;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	check_add(rep, "", "journal", CHECK_WARN,
	    "%ld operation%s not yet done on every system (the oldest from "
	    "%s): retried every %d s; 'sspr audit' and the helpdesk page show "
	    "which",
	    open, open == 1 ? " is" : "s are", when,
	    cfg->journal.retry_seconds);
}

struct check_sealed {
	unsigned char key[32];
	long total, unreadable;
	char first[JOURNAL_ID_LEN + 1];
};

static void
check_sealed_one(
    const char *id, const unsigned char *payload, size_t len, void *arg)
{
	struct check_sealed *cs = arg;
	unsigned char *plain;
	char ad[64];
	long n = -1;

	cs->total++;
	if (len > SEAL_OVERHEAD) {
		plain = xmalloc(len);
		repl_ad(id, ad, sizeof(ad));
		n = unseal(cs->key, ad, payload, len, plain);
		freezero(plain, len);
	}
	if (n < 0 && cs->unreadable++ == 0)
		strlcpy_s(cs->first, id, sizeof(cs->first));
}

/*
 * The journal's open operations must open with the key file's key: after
 * a new key file (a changed flow key) they can never be retried, and the
 * service would only find that when it tries.  Said by check (a failure:
 * something must be done) and by serve at start (it starts: the other
 * operations are fine).
 */
static void
check_journal_key(
    const struct cfg *cfg, const struct keys *keys, struct check_report *rep)
{
	struct check_sealed cs;
	char err[SSPR_MAX_ERROR];

	if (keys == NULL)
		return;
	memset(&cs, 0, sizeof(cs));
	sspr_derive(keys, "sspr-journal-v1", cs.key);
	if (journal_open_payloads(
	        cfg->state_dir, check_sealed_one, &cs, err, sizeof(err)) == -1)
		check_add(rep, "", "journal-key", CHECK_FAIL, "%s", err);
	else if (cs.unreadable > 0)
		check_add(rep, "", "journal-key", CHECK_FAIL,
		    "%ld of the %ld operations waiting in the journal (the "
		    "first %s) were sealed with another key file's flow key "
		    "and cannot be retried: put the previous key file back "
		    "until they are done, or finish them by hand ('sspr "
		    "audit' and the helpdesk page show which)",
		    cs.unreadable, cs.total, cs.first);
	secure_zero(&cs, sizeof(cs));
}

/* One file of the state directory the service opens at start: held to
 * filetrust.h's rule; a missing one is created then, so it is fine. */
static int
check_state_file(struct check_report *rep, const char *dir, const char *name,
    const char *what, unsigned flags)
{
	char path[PATH_MAX], err[SSPR_MAX_ERROR];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (filetrust_check(path, what, flags | FT_WRITE | FT_MISSING_OK, err,
	        sizeof(err)) == -1) {
		check_start(rep, "", "state", CHECK_FAIL, "%s", err);
		return -1;
	}
	return 0;
}

/* The state directory and what `sspr serve` opens in it (journal.c,
 * audit.c, mail/outbox.c apply the same rule when they open them). */
static int
check_state(const struct cfg *cfg, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR], path[PATH_MAX];
	struct stat st;
	int bad = 0;

	if (filetrust_check(cfg->state_dir, "state directory",
	        FT_DIR | FT_WRITE, err, sizeof(err)) != 0) {
		check_start(rep, "", "state", CHECK_FAIL, "%s%s", err,
		    access(cfg->state_dir, F_OK) == -1
		        ? "; create it for the user sspr runs as (mkdir -m 700)"
		        : "");
		return -1;
	}
	bad |= check_state_file(rep, cfg->state_dir, JOURNAL_FILE, "journal",
	    FT_SECRET | FT_SQLITE);
	bad |=
	    check_state_file(rep, cfg->state_dir, AUDIT_FILE, "audit log", 0);
	if (cfg->mail.configured) {
		bad |= check_state_file(rep, cfg->state_dir, "outbox.db",
		    "mail outbox", FT_SECRET | FT_SQLITE);
		snprintf(path, sizeof(path), "%s/outbox.db", cfg->state_dir);
		if (bad == 0 && lstat(path, &st) == 0 && st.st_size > 0 &&
		    mail_outbox_pending(path, err, sizeof(err)) < 0) {
			check_start(rep, "", "state", CHECK_FAIL,
			    "%s: move it away (sspr creates a new one; "
			    "messages in it are lost)",
			    err);
			bad = -1;
		}
	}
	if (bad == 0)
		check_start(rep, "", "state", CHECK_OK,
		    "the state directory %s and its files are usable",
		    cfg->state_dir);
	return bad;
}

/* What the configuration says beyond its syntax (cfg_load() checked
 * that): each system its own database; no test setting left in. */
static void
check_config(const struct cfg *cfg, struct check_report *rep)
{
	struct stat a, b;
	size_t i, k;
	int inject = cfg->inject_abort_after > 0;

	for (i = 0; i < cfg->nsystems; i++) {
		const struct cfg_system *x = &cfg->systems[i];

		inject |= x->inject.latency_ms > 0 || x->inject.fail_writes > 0;
		for (k = 0; k < i; k++) {
			const struct cfg_system *y = &cfg->systems[k];

			if (x->db == NULL || y->db == NULL)
				continue;
			if (strcmp(x->db, y->db) != 0 &&
			    !(stat(x->db, &a) == 0 && stat(y->db, &b) == 0 &&
			        a.st_dev == b.st_dev && a.st_ino == b.st_ino))
				continue;
			check_start(rep, x->name, "config", CHECK_FAIL,
			    "systems %s and %s name the same database '%s': "
			    "each system needs its own (replicating to one "
			    "database twice is not a second copy)",
			    y->name, x->name, x->db);
		}
	}
	if (inject)
		check_start(rep, "", "config", CHECK_WARN,
		    "fault injection (\"inject\") is configured: ESM calls "
		    "are delayed, failed or the process is killed on purpose; "
		    "it is for tests only: remove \"inject\" from the "
		    "configuration");
}

int
sspr_check(const struct cfg *cfg, time_t now, struct check_report *rep)
{
	char err[SSPR_MAX_ERROR];
	struct keys *keys = NULL;
	size_t i;

	if (keys_load(cfg->key_file, &keys, err, sizeof(err)) == -1)
		check_start(rep, "", "key-file", CHECK_FAIL, "%s", err);
	else
		check_start(rep, "", "key-file", CHECK_OK,
		    "the key file %s is private and well formed",
		    cfg->key_file);
	if (check_state(cfg, rep) == 0) {
		check_journal(cfg, rep);
		check_journal_key(cfg, keys, rep);
	}
	check_config(cfg, rep);
	for (i = 0; i < cfg->nsystems; i++)
		check_system(cfg, &cfg->systems[i], keys, now, rep);
	check_mail(cfg, rep);
	check_tls(cfg, now, rep);
	keys_free(keys);
	return rep->failed == 0;
}

void
check_report_release(struct check_report *rep)
{
	free(rep->items);
	memset(rep, 0, sizeof(*rep));
}
