/*
 * audit.c - the audit trail (see audit.h).
 *
 * The writer builds each event by hand, so that it controls the bound and
 * the key order: every string is cut to AUDIT_FIELD_MAX bytes on a
 * character boundary, its control characters and invalid UTF-8 become
 * '?', and the line stops at the first field that would pass
 * AUDIT_MAX_LINE (the event then ends with "truncated":true).  The line
 * goes out in one write(2) on an O_APPEND descriptor under a mutex, then
 * to syslog.  The reader parses each line with jansson; a line that is
 * too long, holds a NUL byte or is not an event is skipped.
 */
#include "sspr/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <utf8proc.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/jsonx.h"
#include "compat/strbuf.h"
#include "sspr/health.h"
#include "compat/banned.h"

#define AUDIT_FIELD_MAX 256 /* bytes of one string, before escaping */
#define AUDIT_TAIL      ",\"truncated\":true}"
#define AUDIT_TIME_LEN  20 /* "2026-11-22T10:00:00Z" */
#define AUDIT_AGE_MAX   999999999LL
#define AUDIT_UNIX_MAX  253402300799LL /* 9999-12-31T23:59:59Z */

struct audit {
	int fd;               /* O_WRONLY | O_APPEND */
	char *path;           /* opened by this name, again on a reopen */
	char *node;           /* as given, bounded when written */
	pthread_mutex_t lock; /* one write at a time; guards the rest */
	int torn;             /* a write was short: end that line first */
	unsigned gen;         /* audit_generation when fd was opened */
};

static pthread_once_t audit_syslog_once = PTHREAD_ONCE_INIT;

/* Bumped by audit_reopen_all(): every handle whose gen differs reopens
 * its path before its next append.  audit_gen_logged is the generation
 * whose reopen was logged (once per process, not once per handle). */
static _Atomic unsigned audit_generation;
static _Atomic unsigned audit_gen_logged;
/* Events this process could not append since the last that it could:
 * the next append that works is preceded by an "audit.gap" event saying
 * how many. */
static _Atomic long audit_lost;

static void
audit_syslog_open(void)
{
	openlog("sspr", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

/* <dir>/audit.log into path (size bytes); 0, or -1 when too long. */
static int
audit_path(const char *dir, char *path, size_t size)
{
	size_t len = strlen(dir);
	const char *sep = len > 0 && dir[len - 1] == '/' ? "" : "/";
	int n;

	n = snprintf(path, size, "%s%s%s", dir, sep, AUDIT_FILE);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The log must be a regular file of this user that only its owner may
 * write (filetrust.h): a file others can write is a trail anyone could
 * rewrite.  The mode is never changed here. */
static int
audit_check(int fd, const char *path, char *err, size_t errsize)
{
	return filetrust_fd(
	    fd, NULL, path, "audit log", FT_WRITE, err, errsize);
}

/* Open (creating, 0600) the log at path for appending, as audit_open()
 * says: no symbolic link, no log that group or others may write.  The
 * descriptor, or -1 with err. */
static int
audit_open_fd(const char *path, char *err, size_t errsize)
{
	int fd;

	fd = open(path,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
	    0600);
	if (fd == -1 && errno == ELOOP) {
		errf(err, errsize,
		    "audit log '%s' is a symbolic link, which sspr does not "
		    "follow",
		    path);
		return -1;
	}
	if (fd == -1) {
		errf(err, errsize, "cannot open audit log '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (audit_check(fd, path, err, errsize) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
audit_open(const char *state_dir, const char *node, struct audit **out,
    char *err, size_t errsize)
{
	char path[PATH_MAX], host[256];
	struct audit *a;
	unsigned gen = atomic_load(&audit_generation);
	int fd;

	if (audit_path(state_dir, path, sizeof(path)) == -1) {
		errf(err, errsize, "state directory '%s' is too long",
		    state_dir);
		return -1;
	}
	if ((fd = audit_open_fd(path, err, errsize)) == -1)
		return -1;
	if (node == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			(void)strlcpy_s(host, "unknown", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		node = host;
	}
	(void)pthread_once(&audit_syslog_once, audit_syslog_open);
	a = xcalloc(1, sizeof(*a));
	a->fd = fd;
	a->gen = gen;
	a->path = xstrdup(path);
	a->node = xstrdup(node);
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		fatalx("audit: cannot initialise a mutex");
	*out = a;
	return 0;
}

void
audit_reopen_all(void)
{
	atomic_fetch_add(&audit_generation, 1);
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	(void)close(a->fd);
	(void)pthread_mutex_destroy(&a->lock);
	free(a->path);
	free(a->node);
	free(a);
}

/* ---- writing ---------------------------------------------------------- */

/* One event being built: fields stop at limit, which leaves room for the
 * longest ending (AUDIT_TAIL) and the newline. */
struct audit_line {
	struct strbuf sb;
	size_t limit;
	int cut; /* a field did not fit: nothing more goes in */
};

static void
audit_line_truncate(struct audit_line *l, size_t len)
{
	if (l->sb.alloc > 0) {
		l->sb.len = len;
		l->sb.buf[len] = '\0';
	}
}

/* A code point that must not reach the log as it is: C0, DEL, C1 and the
 * Unicode line and paragraph separators. */
static int
audit_is_control(utf8proc_int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029;
}

/* Append s as a JSON string (NULL: null) of at most AUDIT_FIELD_MAX bytes
 * before escaping, cut on a character boundary; each control character
 * and each byte of invalid UTF-8 becomes one '?'. */
static int
audit_put_str(struct strbuf *sb, const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t len, i = 0, used = 0, out;

	if (s == NULL)
		return strbuf_addstr(sb, "null");
	len = strlen(s);
	if (strbuf_addch(sb, '"') == -1)
		return -1;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		int rv;

		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			n = 1; /* invalid UTF-8: one '?' a byte */
			cp = '?';
		} else if (audit_is_control(cp))
			cp = '?'; /* one '?' for the character */
		out = cp == '?' ? 1 : (size_t)n;
		if (used + out > AUDIT_FIELD_MAX)
			break;
		if (cp == '"' || cp == '\\')
			rv = strbuf_addf(sb, "\\%c", (char)cp);
		else if (cp == '?')
			rv = strbuf_addch(sb, '?');
		else
			rv = strbuf_add(sb, p + i, (size_t)n);
		if (rv == -1)
			return -1;
		i += (size_t)n;
		used += out;
	}
	return strbuf_addch(sb, '"');
}

/* Append ,"key":value (or "{" instead of "," for the first). */
static void
audit_add(struct audit_line *l, const char *key, const char *value)
{
	size_t len0 = l->sb.len;

	if (l->cut)
		return;
	if (strbuf_addf(&l->sb, "%s\"%s\":", len0 == 0 ? "{" : ",", key) ==
	        -1 ||
	    audit_put_str(&l->sb, value) == -1 || l->sb.len > l->limit) {
		audit_line_truncate(l, len0);
		l->cut = 1;
	}
}

/* The object form is used when any result is given. */
static int
audit_has_results(const struct audit_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev->results[i] != NULL)
			return 1;
	return 0;
}

/* Append one system: "NAME" or "NAME":"result". */
static int
audit_add_system(
    struct strbuf *sb, const struct audit_event *ev, size_t i, int obj)
{
	const char *name = ev->systems[i];

	if (i > 0 && strbuf_addch(sb, ',') == -1)
		return -1;
	if (obj)
		return audit_put_str(sb, name != NULL ? name : "?") == -1 ||
		               strbuf_addch(sb, ':') == -1 ||
		               audit_put_str(sb, ev->results[i]) == -1
		           ? -1
		           : 0;
	return audit_put_str(sb, name);
}

/* Append ,"systems":{...} or [...]; systems are cut one by one. */
static void
audit_add_systems(struct audit_line *l, const struct audit_event *ev)
{
	size_t i, len0 = l->sb.len, n = ev->nsystems;
	int obj;

	if (n > AUDIT_MAX_SYSTEMS)
		n = AUDIT_MAX_SYSTEMS;
	if (l->cut || n == 0)
		return;
	obj = audit_has_results(ev, n);
	if (strbuf_addstr(&l->sb, obj ? ",\"systems\":{" : ",\"systems\":[") ==
	        -1 ||
	    l->sb.len + 1 > l->limit) {
		audit_line_truncate(l, len0);
		l->cut = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		size_t at = l->sb.len;

		if (audit_add_system(&l->sb, ev, i, obj) == -1 ||
		    l->sb.len + 1 > l->limit) {
			audit_line_truncate(l, at);
			l->cut = 1;
			break;
		}
	}
	/* limit keeps room for the bracket and the tail */
	if (strbuf_addch(&l->sb, obj ? '}' : ']') == -1)
		fatalx("audit: no room to close a line");
}

static void
audit_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)strlcpy_s(buf, "1970-01-01T00:00:00Z", size);
}

/* Build the event's line, ending in '\n', into l->sb (initialised here). */
static void
audit_format(
    const struct audit *a, const struct audit_event *ev, struct audit_line *l)
{
	char when[32];

	strbuf_init(&l->sb, AUDIT_MAX_LINE);
	l->limit = AUDIT_MAX_LINE - 1 - (sizeof(AUDIT_TAIL) - 1);
	l->cut = 0;
	audit_time(ev->time != 0 ? ev->time : time(NULL), when, sizeof(when));
	audit_add(l, "time", when);
	audit_add(l, "node", a->node);
	audit_add(l, "client", ev->client);
	audit_add(l, "actor", ev->actor);
	audit_add(l, "user", ev->user);
	audit_add(l, "action", ev->action);
	audit_add(l, "outcome", ev->outcome);
	audit_add(l, "reason", ev->reason);
	audit_add(l, "op", ev->op);
	if (ev->suppressed > 0 && !l->cut) {
		size_t len0 = l->sb.len;

		if (strbuf_addf(
		        &l->sb, ",\"suppressed\":%ld", ev->suppressed) == -1 ||
		    l->sb.len > l->limit) {
			audit_line_truncate(l, len0);
			l->cut = 1;
		}
	}
	audit_add_systems(l, ev);
	if (strbuf_addstr(&l->sb, l->cut ? AUDIT_TAIL : "}") == -1 ||
	    strbuf_addch(&l->sb, '\n') == -1)
		fatalx("audit: no room to close a line");
}

/* Has the log at a->path stopped being the file a->fd writes to (moved,
 * deleted, replaced), or was a reopen asked for?  Then open the path
 * anew (under a->lock).  0 when a->fd is the log at the path now, -1
 * (health told) when it could not be reopened: the caller still writes
 * to the old descriptor, which is the best place left. */
static int
audit_follow(struct audit *a)
{
	unsigned gen = atomic_load(&audit_generation), logged;
	struct stat ps, fs;
	char err[512];
	const char *why = NULL;
	int fd;

	if (gen != a->gen)
		why = "reopened on request";
	else if (lstat(a->path, &ps) == -1 || fstat(a->fd, &fs) == -1 ||
	         ps.st_dev != fs.st_dev || ps.st_ino != fs.st_ino ||
	         fs.st_nlink == 0)
		why = "it was moved or deleted: a new one is begun";
	if (why == NULL)
		return 0;
	if ((fd = audit_open_fd(a->path, err, sizeof(err))) == -1) {
		health_fail(HEALTH_AUDIT, "audit log: cannot reopen: %s", err);
		return -1;
	}
	(void)close(a->fd);
	a->fd = fd;
	a->torn = 0;
	/* One line per process and reason, not one per handle. */
	logged = atomic_load(&audit_gen_logged);
	if (gen != a->gen) {
		if (logged != gen && atomic_compare_exchange_strong(
		                         &audit_gen_logged, &logged, gen))
			fprintf(stderr, "sspr: audit: '%s' %s\n", a->path, why);
	} else
		fprintf(stderr, "sspr: audit: '%s': %s\n", a->path, why);
	a->gen = gen;
	return 0;
}

/* One write(2); a short write leaves a torn line that the next write
 * ends first, so that only the torn event is lost.  0 when the line is
 * in the log, -1 (health told, the event counted as lost) when not. */
static int
audit_append_locked(struct audit *a, const char *line, size_t len)
{
	size_t off = 0;
	ssize_t n = 0;
	int followed;

	followed = audit_follow(a);
	if (a->torn && write(a->fd, "\n", 1) == 1)
		a->torn = 0;
	/* The rest of a short write is written at once: its error (a full
	 * disk) is the reason the operator is told. */
	while (off < len) {
		n = write(a->fd, line + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len) {
		if (off > 0)
			a->torn = 1;
		health_fail(HEALTH_AUDIT,
		    "audit log: cannot append to '%s': %s", a->path,
		    n == 0 ? "nothing written" : strerror(errno));
		atomic_fetch_add(&audit_lost, 1);
		return -1;
	}
	if (followed == -1) {
		atomic_fetch_add(&audit_lost, 1);
		return -1;
	}
	return 0;
}

/* The events lost since the last append that worked, as one event of
 * their own, before anything else goes in: a reader of the trail sees
 * where it has a hole and how large.  Under a->lock. */
static int
audit_gap_locked(struct audit *a)
{
	struct audit_event ev = {.action = "audit.gap",
	    .outcome = "failed",
	    .reason = "write-failed",
	    .actor = "sspr"};
	struct audit_line l;
	long lost = atomic_exchange(&audit_lost, 0);
	int rc;

	if (lost <= 0)
		return 0;
	ev.suppressed = lost;
	audit_format(a, &ev, &l);
	rc = audit_append_locked(a, l.sb.buf, l.sb.len);
	if (rc == -1) /* not this one: it is the gap's own line */
		atomic_fetch_add(&audit_lost, lost - 1);
	else
		syslog(LOG_WARNING, "%.*s", (int)(l.sb.len - 1), l.sb.buf);
	strbuf_release(&l.sb);
	return rc;
}

static int
audit_append(struct audit *a, const char *line, size_t len)
{
	int rc;

	(void)pthread_mutex_lock(&a->lock);
	rc = audit_gap_locked(a);
	if (rc == 0)
		rc = audit_append_locked(a, line, len);
	else
		atomic_fetch_add(&audit_lost, 1);
	if (rc == 0)
		health_ok(HEALTH_AUDIT);
	(void)pthread_mutex_unlock(&a->lock);
	return rc;
}

int
audit_write(struct audit *a, const struct audit_event *ev)
{
	struct audit_line l;
	int rc;

	if (a == NULL || ev == NULL)
		return 0;
	audit_format(a, ev, &l);
	rc = audit_append(a, l.sb.buf, l.sb.len);
	syslog(LOG_INFO, "%.*s", (int)(l.sb.len - 1), l.sb.buf);
	strbuf_release(&l.sb);
	return rc;
}

int
audit_ready(struct audit *a)
{
	int rc = 0;

	if (a == NULL)
		return 0;
	(void)pthread_mutex_lock(&a->lock);
	if (health_failing(HEALTH_AUDIT) || atomic_load(&audit_lost) > 0 ||
	    atomic_load(&audit_generation) != a->gen) {
		rc = audit_gap_locked(a);
		/* Nothing was lost here (another handle's failure, or a
		 * reopen): follow the path, and try it with nothing. */
		if (rc == 0 && audit_follow(a) == -1)
			rc = -1;
		if (rc == 0 && atomic_load(&audit_lost) == 0)
			health_ok(HEALTH_AUDIT);
	}
	(void)pthread_mutex_unlock(&a->lock);
	return rc;
}

/* ---- times ------------------------------------------------------------ */

/* Exactly n decimal digits at s into *out; 0, or -1. */
static int
audit_digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1970). */
static long long
audit_days(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD" at s (more may follow) as midnight UTC; 0, or -1. */
static int
audit_parse_date(const char *s, long long *t)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, leap;

	if (audit_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    audit_digits(s + 5, 2, &m) == -1 || s[7] != '-' ||
	    audit_digits(s + 8, 2, &d) == -1)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*t = audit_days(y, m, d) * 86400;
	return 0;
}

/* Exactly "YYYY-MM-DDTHH:MM:SSZ"; 0, or -1. */
static int
audit_parse_time(const char *s, long long *t)
{
	int h, m, sec;

	if (strlen(s) != AUDIT_TIME_LEN || audit_parse_date(s, t) == -1 ||
	    s[10] != 'T' || audit_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    audit_digits(s + 14, 2, &m) == -1 || s[16] != ':' ||
	    audit_digits(s + 17, 2, &sec) == -1 || s[19] != 'Z' || h > 23 ||
	    m > 59 || sec > 59)
		return -1;
	*t += h * 3600 + m * 60 + sec;
	return 0;
}

/* A decimal number of 1 to max_digits digits, the whole of s[0..len). */
static int
audit_parse_number(const char *s, size_t len, size_t max_digits, long long *out)
{
	long long v = 0;
	size_t i;

	if (len == 0 || len > max_digits)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* An age "<n>m", "<n>h" or "<n>d" before now (the epoch when older). */
static int
audit_parse_age(const char *s, size_t len, time_t now, long long *t)
{
	long long n, unit;

	if (len < 2)
		return -1;
	switch (s[len - 1]) {
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	if (audit_parse_number(s, len - 1, 9, &n) == -1 || n > AUDIT_AGE_MAX)
		return -1;
	*t = (long long)now - n * unit;
	if (*t < 0)
		*t = 0;
	return 0;
}

int
audit_parse_since(const char *s, time_t now, time_t *out)
{
	long long t;
	size_t len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (audit_parse_number(s, len, 12, &t) == 0) {
		if (t > AUDIT_UNIX_MAX)
			return -1;
	} else if (audit_parse_age(s, len, now, &t) == 0)
		;
	else if (len == 10 && audit_parse_date(s, &t) == 0)
		;
	else if (audit_parse_time(s, &t) == -1)
		return -1;
	*out = (time_t)t;
	return 0;
}

/* ---- reading ---------------------------------------------------------- */

/*
 * Read one line (without its '\n') into buf.  Returns 1 for a line, 2 for
 * a line that is too long for buf or holds a NUL byte (consumed, not
 * returned), 0 at the end of the file, -1 on a read error (errno).
 */
static int
audit_getline(FILE *fp, char *buf, size_t size, size_t *lenp)
{
	size_t len = 0;
	int c, bad = 0;

	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (c == '\0' || len + 1 >= size)
			bad = 1;
		else
			buf[len++] = (char)c;
	}
	if (c == EOF) {
		if (ferror(fp))
			return -1;
		if (len == 0 && !bad)
			return 0;
	}
	buf[len] = '\0';
	*lenp = len;
	return bad ? 2 : 1;
}

/* 1 if s equals the string member key of o, ignoring ASCII case. */
static int
audit_member_is(json_t *o, const char *key, const char *s)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL && strcasecmp(v, s) == 0;
}

/* 1 if line is an event (an object with a valid "time") that f lets
 * through, else 0. */
static int
audit_match(const char *line, size_t len, const struct audit_filter *f)
{
	json_error_t jerr;
	json_t *o;
	const char *when;
	long long t;
	int ok = 0;

	o = json_loadb(line, len, 0, &jerr);
	if (!json_is_object(o))
		goto out;
	when = json_string_value(json_object_get(o, "time"));
	if (when == NULL || audit_parse_time(when, &t) == -1)
		goto out;
	if (f != NULL && f->since > 0 && t < (long long)f->since)
		goto out;
	if (f != NULL && f->user != NULL &&
	    !audit_member_is(o, "user", f->user) &&
	    !audit_member_is(o, "actor", f->user))
		goto out;
	ok = 1;
out:
	json_decref(o);
	return ok;
}

/* Open path for reading: a FILE, NULL with *missing set, or NULL with
 * err. */
static FILE *
audit_fopen(const char *path, int *missing, char *err, size_t errsize)
{
	struct stat st;
	FILE *fp;
	int fd;

	*missing = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			*missing = 1;
		else
			errf(err, errsize, "cannot open audit log '%s': %s",
			    path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errf(
		    err, errsize, "audit log '%s' is not a regular file", path);
		(void)close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		errf(err, errsize, "cannot read audit log '%s': %s", path,
		    strerror(errno));
		(void)close(fd);
	}
	return fp;
}

int
audit_read(const char *path, const struct audit_filter *f,
    int (*cb)(const char *line, void *arg), void *arg, char *err,
    size_t errsize)
{
	char *buf;
	size_t len;
	FILE *fp;
	int missing, r, rv = -1;

	if ((fp = audit_fopen(path, &missing, err, errsize)) == NULL)
		return missing ? 1 : -1;
	json_wipe_init();
	buf = xmalloc(AUDIT_MAX_LINE + 1);
	for (;;) {
		r = audit_getline(fp, buf, AUDIT_MAX_LINE + 1, &len);
		if (r == 0)
			break;
		if (r == -1) {
			errf(err, errsize, "cannot read audit log '%s': %s",
			    path, strerror(errno));
			goto out;
		}
		if (r == 1 && audit_match(buf, len, f) && cb(buf, arg) != 0)
			break;
	}
	rv = 0;
out:
	free(buf);
	(void)fclose(fp);
	return rv;
}
