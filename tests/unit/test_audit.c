/*
 * test_audit.c - unit tests for sspr/audit.c.
 *
 * Events are written into a fresh directory under $SSPR_TEST_TMP, read
 * back raw and parsed with jansson: every field and the key order; NULLs;
 * hostile text (CR/LF, quotes, backslashes, C0/C1 controls, U+2028,
 * invalid UTF-8) made one line; bounds (long fields, more systems than fit,
 * a line that must be cut); the file's mode and what audit_open() refuses.
 * The reader: filters by user (target or actor, any case) and time, the
 * callback stopping, and lines that are not events (garbage, a torn last
 * line, an over-long line, a NUL byte) skipped.  Four threads on two
 * handles write 200 events each: exactly 800 whole lines.  The log is
 * followed by name (moved, deleted, a reopen asked for); a write that
 * fails (RLIMIT_FSIZE: EFBIG) is a health problem that ends with the
 * first append that works, preceded by one "audit.gap" event counting
 * the events lost.  Last, a table of --since values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "sspr/audit.h"
#include "sspr/health.h"
#include "tests/unit/scratch.h"

#include "compat/banned.h"

#define T_2026_11_22_10 1795341600 /* 2026-11-22T10:00:00Z */
#define THREADS         4
#define PER_THREAD      200

struct dir {
	char path[PATH_MAX - 64];
	char log[PATH_MAX];
};

static int
setup(void **state)
{
	struct dir *d = xcalloc(1, sizeof(*d));

	json_wipe_init();
	if (scratch_dir(d->path, sizeof(d->path), "audit") == -1) {
		free(d);
		return -1;
	}
	(void)snprintf(d->log, sizeof(d->log), "%s/%s", d->path, AUDIT_FILE);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;
	char p[PATH_MAX + 16];

	(void)unlink(d->log);
	(void)snprintf(p, sizeof(p), "%s/link", d->path);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/audit.log.1", d->path);
	(void)unlink(p);
	(void)rmdir(d->path);
	free(d);
	return 0;
}

static struct audit *
open_ok(const struct dir *d, const char *node)
{
	struct audit *a = NULL;
	char err[256];

	if (audit_open(d->path, node, &a, err, sizeof(err)) == -1)
		fail_msg("audit_open: %s", err);
	return a;
}

/* The whole log (new, free()). */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	assert_non_null(fp);
	buf = xmalloc(1024 * 1024);
	n = fread(buf, 1, 1024 * 1024 - 1, fp);
	buf[n] = '\0';
	(void)fclose(fp);
	if (lenp != NULL)
		*lenp = n;
	return buf;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* The only line of the log, parsed; the raw line into raw when given. */
static json_t *
only_event(const struct dir *d, char **raw)
{
	size_t len;
	char *text = slurp(d->log, &len);
	json_error_t jerr;
	json_t *o;

	assert_int_equal(count_lines(text), 1);
	assert_true(len <= AUDIT_MAX_LINE);
	assert_int_equal(text[len - 1], '\n');
	o = json_loadb(text, len - 1, 0, &jerr);
	if (o == NULL)
		fail_msg("not JSON (%s): %s", jerr.text, text);
	assert_true(json_is_object(o));
	if (raw != NULL)
		*raw = text;
	else
		free(text);
	return o;
}

struct collect {
	char lines[32][AUDIT_MAX_LINE];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int
collect(const char *line, void *arg)
{
	struct collect *c = arg;

	assert_true(c->n < ARRAY_SIZE(c->lines));
	assert_null(strchr(line, '\n'));
	(void)strlcpy_s(c->lines[c->n++], line, sizeof(c->lines[0]));
	return c->stop_after != 0 && c->n == c->stop_after;
}

static void
assert_member(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	if (want == NULL) {
		if (!json_is_null(v))
			fail_msg("%s: want null", key);
		return;
	}
	if (!json_is_string(v))
		fail_msg("%s: want \"%s\", not a string", key, want);
	assert_string_equal(json_string_value(v), want);
}

static void
test_fields(void **state)
{
	static const char *const keys[] = {"\"time\":", "\"node\":",
	    "\"client\":", "\"actor\":", "\"user\":", "\"action\":",
	    "\"outcome\":", "\"reason\":", "\"op\":", "\"systems\":"};
	struct dir *d = *state;
	struct audit *a = open_ok(d, "web1");
	struct audit_event ev = {.action = "helpdesk.replicate",
	    .outcome = "partial",
	    .reason = "unavailable",
	    .actor = "HELP01",
	    .user = "JOE",
	    .client = "192.0.2.1",
	    .op = "4F2A9C",
	    .nsystems = 2,
	    .systems = {"PROD", "DR"},
	    .results = {"ok", "unavailable"},
	    .time = T_2026_11_22_10};
	const char *prev;
	char *raw;
	json_t *o, *sys;
	size_t i;

	audit_write(a, &ev);
	audit_close(a);
	o = only_event(d, &raw);
	assert_member(o, "time", "2026-11-22T10:00:00Z");
	assert_member(o, "node", "web1");
	assert_member(o, "client", "192.0.2.1");
	assert_member(o, "actor", "HELP01");
	assert_member(o, "user", "JOE");
	assert_member(o, "action", "helpdesk.replicate");
	assert_member(o, "outcome", "partial");
	assert_member(o, "reason", "unavailable");
	assert_member(o, "op", "4F2A9C");
	sys = json_object_get(o, "systems");
	assert_true(json_is_object(sys));
	assert_int_equal(json_object_size(sys), 2);
	assert_member(sys, "PROD", "ok");
	assert_member(sys, "DR", "unavailable");
	assert_int_equal(json_object_size(o), 10);
	/* the documented key order, and systems in the order given */
	for (prev = raw, i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *at = strstr(raw, keys[i]);

		assert_non_null(at);
		assert_true(at >= prev);
		prev = at;
	}
	assert_non_null(
	    strstr(raw, "{\"PROD\":\"ok\",\"DR\":\"unavailable\"}"));
	assert_int_equal(raw[0], '{');
	json_decref(o);
	free(raw);
}

static void
test_nulls(void **state)
{
	struct dir *d = *state;
	struct audit *a = open_ok(d, NULL);
	struct audit_event ev = {.action = NULL};
	char host[256] = "";
	json_t *o;
	time_t before = time(NULL), after;
	struct tm tm;
	char lo[32], hi[32];
	const char *when;
	struct collect *c = xcalloc(1, sizeof(*c));
	char err[256];

	audit_write(a, &ev);
	after = time(NULL);
	audit_write(NULL, &ev); /* both ignored */
	audit_write(a, NULL);
	audit_close(a);
	audit_close(NULL);
	o = only_event(d, NULL);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_member(o, "node", host);
	assert_member(o, "client", NULL);
	assert_member(o, "actor", NULL);
	assert_member(o, "user", NULL);
	assert_member(o, "action", NULL);
	assert_member(o, "outcome", NULL);
	assert_member(o, "reason", NULL);
	assert_member(o, "op", NULL);
	assert_null(json_object_get(o, "systems"));
	assert_null(json_object_get(o, "truncated"));
	/* time 0: now */
	when = json_string_value(json_object_get(o, "time"));
	assert_non_null(when);
	(void)strftime(
	    lo, sizeof(lo), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&before, &tm));
	(void)strftime(
	    hi, sizeof(hi), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&after, &tm));
	assert_true(strcmp(when, lo) >= 0 && strcmp(when, hi) <= 0);
	json_decref(o);
	/* and it reads back */
	memset(c, 0, sizeof(*c));
	assert_int_equal(
	    audit_read(d->log, NULL, collect, c, err, sizeof(err)), 0);
	assert_int_equal(c->n, 1);
	free(c);
}

static void
test_hostile_text(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"JOE\r\n{\"time\":\"x\"}", "JOE??{\"time\":\"x\"}"},
	    {"a\"b\\c", "a\"b\\c"},
	    {"tab\there", "tab?here"},
	    {"\x1b[31mred", "?[31mred"},
	    {"del\x7f", "del?"},
	    {"c1\xc2\x9b"
	     "2J",
	        "c1?2J"},
	    {"ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls?ps?"},
	    {"bad\xff\xfeutf8\xc3", "bad??utf8?"},
	    {"M\xc3\xbcller \xe2\x82\xac", "M\xc3\xbcller \xe2\x82\xac"},
	    {"", ""},
	};
	struct dir *d = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct audit *a = open_ok(d, cases[i].in);
		struct audit_event ev = {.action = cases[i].in,
		    .outcome = cases[i].in,
		    .reason = cases[i].in,
		    .actor = cases[i].in,
		    .user = cases[i].in,
		    .client = cases[i].in,
		    .op = cases[i].in,
		    .nsystems = 1,
		    .systems = {cases[i].in},
		    .results = {cases[i].in}};
		json_t *o;

		audit_write(a, &ev);
		audit_close(a);
		o = only_event(d, NULL);
		assert_member(o, "node", cases[i].want);
		assert_member(o, "client", cases[i].want);
		assert_member(o, "actor", cases[i].want);
		assert_member(o, "user", cases[i].want);
		assert_member(o, "action", cases[i].want);
		assert_member(o, "outcome", cases[i].want);
		assert_member(o, "reason", cases[i].want);
		assert_member(o, "op", cases[i].want);
		assert_member(json_object_get(o, "systems"), cases[i].want,
		    cases[i].want);
		json_decref(o);
		assert_int_equal(unlink(d->log), 0);
	}
}

static void
test_bounds(void **state)
{
	struct dir *d = *state;
	struct audit *a;
	struct audit_event ev = {.action = "reset.complete", .outcome = "ok"};
	char big[2000], name[AUDIT_MAX_SYSTEMS + 4][8];
	json_t *o, *sys;
	char *raw;
	size_t i;

	/* a long field is cut at 256 bytes, on a character boundary */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	big[255] = '\xc3'; /* "ü" straddles the bound */
	big[256] = '\xbc';
	ev.user = big;
	a = open_ok(d, "n");
	audit_write(a, &ev);
	o = only_event(d, NULL);
	assert_int_equal(
	    strlen(json_string_value(json_object_get(o, "user"))), 255);
	json_decref(o);
	assert_int_equal(unlink(d->log), 0);
	audit_close(a);

	/* more systems than the struct holds; no results: a list */
	ev.user = "JOE";
	ev.nsystems = AUDIT_MAX_SYSTEMS + 4;
	for (i = 0; i < AUDIT_MAX_SYSTEMS; i++) {
		(void)snprintf(name[i], sizeof(name[i]), "SYS%zu", i);
		ev.systems[i] = name[i];
	}
	a = open_ok(d, "n");
	audit_write(a, &ev);
	o = only_event(d, NULL);
	sys = json_object_get(o, "systems");
	assert_true(json_is_array(sys));
	assert_int_equal(json_array_size(sys), AUDIT_MAX_SYSTEMS);
	for (i = 0; i < AUDIT_MAX_SYSTEMS; i++)
		assert_string_equal(
		    json_string_value(json_array_get(sys, i)), name[i]);
	json_decref(o);
	assert_int_equal(unlink(d->log), 0);
	audit_close(a);

	/* every field at its bound, all quotes: the line is cut at a field,
	 * stays whole JSON and says so */
	memset(big, '"', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	ev.client = ev.actor = ev.user = ev.reason = ev.op = big;
	ev.action = ev.outcome = big;
	for (i = 0; i < AUDIT_MAX_SYSTEMS; i++)
		ev.systems[i] = ev.results[i] = big;
	a = open_ok(d, "n");
	audit_write(a, &ev);
	audit_close(a);
	o = only_event(d, &raw);
	assert_true(strlen(raw) <= AUDIT_MAX_LINE);
	assert_true(json_is_true(json_object_get(o, "truncated")));
	assert_non_null(json_string_value(json_object_get(o, "time")));
	assert_member(o, "node", "n");
	assert_int_equal(
	    strlen(json_string_value(json_object_get(o, "client"))), 256);
	json_decref(o);
	free(raw);
}

static void
test_mode(void **state)
{
	struct dir *d = *state;
	struct audit *a = NULL;
	char err[512], link[PATH_MAX + 16];
	struct stat st;
	mode_t old = umask(0);
	int fd;

	a = open_ok(d, "n");
	(void)umask(old);
	audit_close(a);
	assert_int_equal(stat(d->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* an existing, more open but not writable file is kept as it is */
	assert_int_equal(chmod(d->log, 0640), 0);
	a = open_ok(d, "n");
	audit_close(a);
	assert_int_equal(stat(d->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);

	/* group- or world-writable: refused, with the fix */
	assert_int_equal(chmod(d->log, 0620), 0);
	assert_int_equal(audit_open(d->path, "n", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_int_equal(chmod(d->log, 0602), 0);
	assert_int_equal(audit_open(d->path, "n", &a, err, sizeof(err)), -1);
	assert_int_equal(unlink(d->log), 0);

	/* a symbolic link is not followed */
	(void)snprintf(link, sizeof(link), "%s/link", d->path);
	fd = open(link, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	(void)close(fd);
	assert_int_equal(symlink(link, d->log), 0);
	assert_int_equal(audit_open(d->path, "n", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a symbolic link"));
	assert_int_equal(unlink(d->log), 0);

	/* a missing directory */
	assert_int_equal(
	    audit_open("/nonexistent/dir", "n", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/dir/audit.log"));
}

/* ---- reading ---------------------------------------------------------- */

static void
read_ok(const struct dir *d, const char *user, time_t since, struct collect *c)
{
	struct audit_filter f = {.user = user, .since = since};
	char err[256];

	memset(c, 0, sizeof(*c));
	if (audit_read(d->log, &f, collect, c, err, sizeof(err)) != 0)
		fail_msg("audit_read: %s", err);
}

/* The op of the i-th collected event. */
static const char *
op_of(const struct collect *c, size_t i, char *buf, size_t size)
{
	json_t *o = json_loads(c->lines[i], 0, NULL);

	assert_non_null(o);
	(void)strlcpy_s(buf, json_string_value(json_object_get(o, "op")), size);
	json_decref(o);
	return buf;
}

static void
write_events(const struct dir *d)
{
	static const struct {
		const char *actor, *user, *op;
		time_t t;
	} evs[] = {
	    {"JOE", "JOE", "1", T_2026_11_22_10 - 86400},
	    {"HELP01", "JOE", "2", T_2026_11_22_10},
	    {"HELP01", "ANN", "3", T_2026_11_22_10 + 1},
	    {"cli", NULL, "4", T_2026_11_22_10 + 3600},
	    {NULL, "joe", "5", T_2026_11_22_10 + 7200},
	};
	struct audit *a = open_ok(d, "web1");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(evs); i++) {
		struct audit_event ev = {.action = "reset.start",
		    .outcome = "ok",
		    .actor = evs[i].actor,
		    .user = evs[i].user,
		    .op = evs[i].op,
		    .time = evs[i].t};

		audit_write(a, &ev);
	}
	audit_close(a);
}

static void
assert_ops(const struct collect *c, const char *want)
{
	char got[64] = "", op[16];
	size_t i;

	for (i = 0; i < c->n; i++) {
		size_t len = strlen(got);

		(void)snprintf(got + len, sizeof(got) - len, "%s",
		    op_of(c, i, op, sizeof(op)));
	}
	assert_string_equal(got, want);
}

static void
test_read_filters(void **state)
{
	struct dir *d = *state;
	struct collect *c = xcalloc(1, sizeof(*c));
	char err[256];

	write_events(d);
	read_ok(d, NULL, 0, c);
	assert_ops(c, "12345");
	read_ok(d, "JOE", 0, c);
	assert_ops(c, "125");
	read_ok(d, "joe", 0, c);
	assert_ops(c, "125");
	read_ok(d, "help01", 0, c);
	assert_ops(c, "23");
	read_ok(d, "CLI", 0, c);
	assert_ops(c, "4");
	read_ok(d, "JO", 0, c); /* exact, not a prefix */
	assert_ops(c, "");
	read_ok(d, NULL, T_2026_11_22_10, c);
	assert_ops(c, "2345");
	read_ok(d, NULL, T_2026_11_22_10 + 1, c);
	assert_ops(c, "345");
	read_ok(d, "JOE", T_2026_11_22_10 + 1, c);
	assert_ops(c, "5");
	read_ok(d, NULL, T_2026_11_22_10 + 86400, c);
	assert_ops(c, "");

	/* NULL filter: all; the callback stops the read */
	memset(c, 0, sizeof(*c));
	c->stop_after = 2;
	assert_int_equal(
	    audit_read(d->log, NULL, collect, c, err, sizeof(err)), 0);
	assert_ops(c, "12");
	free(c);
}

static void
append_raw(const struct dir *d, const char *text, size_t len)
{
	FILE *fp = fopen(d->log, "a");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

#define EV(op)                                                                 \
	"{\"time\":\"2026-11-22T10:00:00Z\",\"node\":\"n\",\"client\":null,"   \
	"\"actor\":\"JOE\",\"user\":\"JOE\",\"action\":\"reset.pin\","         \
	"\"outcome\":\"ok\",\"reason\":null,\"op\":\"" op "\"}"

#define LONG_HEAD                                                              \
	"{\"time\":\"2026-11-22T10:00:00Z\",\"action\":\"x\",\"op\":\""

static void
test_read_skips(void **state)
{
	static const char junk[] =
	    EV("1") "\n"
	            "\n"
	            "not json\n"
	            "[1,2]\n"
	            "{\"time\":\"2026-11-22\",\"action\":\"x\",\"op\":\"bad "
	            "time\"}\n"
	            "{\"time\":\"2026-02-30T10:00:00Z\",\"action\":\"x\"}\n"
	            "{\"time\":null,\"action\":\"x\",\"op\":\"no time\"}\n"
	            "{\"time\":1795341600,\"action\":\"x\"}\n" EV("2") "\n";
	static const char nul[] = EV("nul") "\0\n";
	struct dir *d = *state;
	struct collect *c = xcalloc(1, sizeof(*c));
	char *longline;
	size_t n = AUDIT_MAX_LINE + 100;

	append_raw(d, junk, sizeof(junk) - 1);
	/* a line holding a NUL byte */
	append_raw(d, nul, sizeof(nul) - 1);
	/* an over-long line that is otherwise an event */
	longline = xmalloc(n + 64);
	memset(longline, 'a', n + 64);
	memcpy(longline, LONG_HEAD, strlen(LONG_HEAD));
	memcpy(longline + n, "\"}\n", 4);
	append_raw(d, longline, strlen(longline));
	free(longline);
	append_raw(d, EV("3") "\n", strlen(EV("3")) + 1);
	/* a torn last line */
	append_raw(d, EV("torn"), strlen(EV("torn")) - 10);
	read_ok(d, NULL, 0, c);
	assert_ops(c, "123");

	/* a writer after a torn line: only the torn event is lost */
	write_events(d);
	read_ok(d, NULL, 0, c);
	assert_int_equal(c->n, 3 + 5 - 1);
	free(c);
}

static void
test_read_missing(void **state)
{
	struct dir *d = *state;
	struct collect c;
	char err[256] = "";

	assert_int_equal(
	    audit_read(d->log, NULL, collect, &c, err, sizeof(err)), 1);
	assert_int_equal(
	    audit_read(d->path, NULL, collect, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a regular file"));
}

/* ---- threads ---------------------------------------------------------- */

struct worker {
	struct audit *a;
	int id;
};

static void *
worker(void *arg)
{
	struct worker *w = arg;
	char op[32], user[16];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		struct audit_event ev = {.action = "reset.code",
		    .outcome = "ok",
		    .actor = "JOE",
		    .user = user,
		    .op = op,
		    .nsystems = 2,
		    .systems = {"PROD", "DR"},
		    .results = {"ok", "ok"}};

		(void)snprintf(op, sizeof(op), "%d-%d", w->id, i);
		(void)snprintf(user, sizeof(user), "U%d", w->id);
		audit_write(w->a, &ev);
	}
	return NULL;
}

struct tally {
	int next[THREADS]; /* the next sequence number expected */
	size_t n;
};

static int
tally(const char *line, void *arg)
{
	struct tally *t = arg;
	json_t *o = json_loads(line, 0, NULL);
	const char *op;
	int id, seq;

	assert_non_null(o);
	op = json_string_value(json_object_get(o, "op"));
	assert_non_null(op);
	assert_int_equal(sscanf(op, "%d-%d", &id, &seq), 2);
	assert_true(id >= 0 && id < THREADS);
	assert_int_equal(seq, t->next[id]); /* in order, once each */
	t->next[id]++;
	t->n++;
	json_decref(o);
	return 0;
}

static void
test_threads(void **state)
{
	struct dir *d = *state;
	struct audit *a[2] = {open_ok(d, "n1"), open_ok(d, "n2")};
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct tally t;
	char err[256], *text;
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i].a = a[i % 2]; /* two threads per handle, two handles */
		w[i].id = i;
		assert_int_equal(
		    pthread_create(&th[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	audit_close(a[0]);
	audit_close(a[1]);
	text = slurp(d->log, NULL);
	assert_int_equal(count_lines(text), THREADS * PER_THREAD);
	free(text);
	memset(&t, 0, sizeof(t));
	assert_int_equal(
	    audit_read(d->log, NULL, tally, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, THREADS * PER_THREAD);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(t.next[i], PER_THREAD);
}

/* ---- --since ---------------------------------------------------------- */

static void
test_parse_since(void **state)
{
	static const time_t now = T_2026_11_22_10;
	static const struct {
		const char *in;
		int rv;
		time_t want;
	} cases[] = {
	    {"2026-11-22", 0, T_2026_11_22_10 - 36000},
	    {"2026-11-22T10:00:00Z", 0, T_2026_11_22_10},
	    {"2024-02-29T23:59:59Z", 0, 1709251199},
	    {"1970-01-01", 0, 0},
	    {"2000-03-01", 0, 951868800},
	    {"1795341600", 0, T_2026_11_22_10},
	    {"0", 0, 0},
	    {"30m", 0, T_2026_11_22_10 - 1800},
	    {"12h", 0, T_2026_11_22_10 - 43200},
	    {"7d", 0, T_2026_11_22_10 - 604800},
	    {"0d", 0, T_2026_11_22_10},
	    {"999999999d", 0, 0}, /* before the epoch: everything */
	    {"", -1, 0},
	    {"-1", -1, 0},
	    {"-7d", -1, 0},
	    {"+5", -1, 0},
	    {" 5", -1, 0},
	    {"5 ", -1, 0},
	    {"7", 0, 7},
	    {"7w", -1, 0},
	    {"d", -1, 0},
	    {"1.5h", -1, 0},
	    {"1000000000d", -1, 0},
	    {"9999999999999", -1, 0},
	    {"yesterday", -1, 0},
	    {"2026-13-01", -1, 0},
	    {"2026-02-29", -1, 0},
	    {"2026-04-31", -1, 0},
	    {"2026-00-10", -1, 0},
	    {"2026-11-00", -1, 0},
	    {"1969-12-31", -1, 0},
	    {"2026-11-22T24:00:00Z", -1, 0},
	    {"2026-11-22T10:60:00Z", -1, 0},
	    {"2026-11-22T10:00:00", -1, 0},
	    {"2026-11-22T10:00:00+01:00", -1, 0},
	    {"2026-11-22 10:00:00Z", -1, 0},
	    {"2026-11-22T10:00:00Zjunk", -1, 0},
	    {"2026-11-2", -1, 0},
	    {"2026-1-22", -1, 0},
	    {"2026-11-22x", -1, 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		time_t got = 12345;
		int rv = audit_parse_since(cases[i].in, now, &got);

		if (rv != cases[i].rv)
			fail_msg("'%s': rv %d, want %d", cases[i].in, rv,
			    cases[i].rv);
		if (rv == 0 && got != cases[i].want)
			fail_msg("'%s': %lld, want %lld", cases[i].in,
			    (long long)got, (long long)cases[i].want);
		if (rv == -1 && got != 12345)
			fail_msg("'%s': *out written on failure", cases[i].in);
	}
	assert_int_equal(audit_parse_since(NULL, now, &(time_t){0}), -1);
}

/* An event for the following tests, by user. */
static void
write_user(struct audit *a, const char *user)
{
	struct audit_event ev = {
	    .action = "reset.start", .outcome = "ok", .user = user};

	(void)audit_write(a, &ev);
}

static int
file_has(const char *path, const char *text)
{
	char *buf = slurp(path, NULL);
	int has = strstr(buf, text) != NULL;

	free(buf);
	return has;
}

/* logrotate's rename, with and without SIGHUP's audit_reopen_all(), and
 * a deleted log: each next event is in a new file at the path, 0600. */
static void
test_follow(void **state)
{
	struct dir *d = *state;
	struct audit *a = open_ok(d, "web1");
	char old[PATH_MAX + 16];
	struct stat st;

	(void)snprintf(old, sizeof(old), "%s/audit.log.1", d->path);
	write_user(a, "ONE");
	assert_int_equal(rename(d->log, old), 0);
	write_user(a, "TWO");
	assert_true(file_has(old, "\"ONE\""));
	assert_false(file_has(old, "\"TWO\""));
	assert_true(file_has(d->log, "\"TWO\""));
	assert_int_equal(stat(d->log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	assert_int_equal(unlink(old), 0);
	assert_int_equal(rename(d->log, old), 0);
	audit_reopen_all();
	write_user(a, "THREE");
	assert_true(file_has(d->log, "\"THREE\""));
	assert_false(file_has(old, "\"THREE\""));

	assert_int_equal(unlink(d->log), 0);
	write_user(a, "FOUR");
	assert_true(file_has(d->log, "\"FOUR\""));
	assert_false(health_failing(HEALTH_AUDIT));
	audit_close(a);
}

/* A write that fails is the health problem until one works again; the
 * events lost are then one audit.gap event, ahead of the next. */
static void
test_write_fails(void **state)
{
	struct dir *d = *state;
	struct audit *a = open_ok(d, "web1");
	struct rlimit old, lim;
	struct stat st;
	char *text;
	void (*oldsig)(int);

	write_user(a, "BEFORE");
	assert_int_equal(stat(d->log, &st), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	write_user(a, "LOST1");
	assert_true(health_failing(HEALTH_AUDIT));
	write_user(a, "LOST2");
	assert_int_equal(audit_ready(a), -1);
	assert_true(health_failing(HEALTH_AUDIT));

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	(void)signal(SIGXFSZ, oldsig);
	assert_int_equal(audit_ready(a), 0);
	assert_false(health_failing(HEALTH_AUDIT));
	write_user(a, "AFTER");
	text = slurp(d->log, NULL);
	assert_null(strstr(text, "LOST"));
	assert_non_null(strstr(text,
	    "\"action\":\"audit.gap\",\"outcome\":\"failed\","
	    "\"reason\":\"write-failed\",\"op\":null,\"suppressed\":2}"));
	assert_true(strstr(text, "audit.gap") < strstr(text, "AFTER"));
	assert_int_equal(count_lines(text), 3);
	free(text);
	audit_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nulls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_skips, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_fails, setup, teardown),
	    cmocka_unit_test(test_parse_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
