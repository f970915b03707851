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
#include "compat/banned.h"

#define AUDIT_FIELD_MAX 256 /* bytes of one string, before escaping */
#define AUDIT_TAIL      ",\"truncated\":true}"
#define AUDIT_TIME_LEN  20 /* "2026-11-22T10:00:00Z" */
#define AUDIT_AGE_MAX   999999999LL
#define AUDIT_UNIX_MAX  253402300799LL /* 9999-12-31T23:59:59Z */

struct audit {
	int fd;               /* O_WRONLY | O_APPEND */
	char *path;           /* for messages */
	char *node;           /* as given, bounded when written */
	pthread_mutex_t lock; /* one write at a time; guards torn */
	int torn;             /* a write was short: end that line first */
};

static pthread_once_t audit_syslog_once = PTHREAD_ONCE_INIT;

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

int
audit_open(const char *state_dir, const char *node, struct audit **out,
    char *err, size_t errsize)
{
	char path[PATH_MAX], host[256];
	struct audit *a;
	int fd;

	if (audit_path(state_dir, path, sizeof(path)) == -1) {
		errf(err, errsize, "state directory '%s' is too long",
		    state_dir);
		return -1;
	}
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
	if (node == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			(void)strlcpy_s(host, "unknown", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		node = host;
	}
	(void)pthread_once(&audit_syslog_once, audit_syslog_open);
	a = xcalloc(1, sizeof(*a));
	a->fd = fd;
	a->path = xstrdup(path);
	a->node = xstrdup(node);
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		fatalx("audit: cannot initialise a mutex");
	*out = a;
	return 0;
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

/* One write(2); a short write leaves a torn line that the next write
 * ends first, so that only the torn event is lost. */
static void
audit_append(struct audit *a, const char *line, size_t len)
{
	ssize_t n;

	(void)pthread_mutex_lock(&a->lock);
	if (a->torn && write(a->fd, "\n", 1) == 1)
		a->torn = 0;
	do
		n = write(a->fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		fprintf(stderr, "sspr: audit: cannot append to '%s': %s\n",
		    a->path, strerror(errno));
	else if ((size_t)n < len) {
		a->torn = 1;
		fprintf(stderr,
		    "sspr: audit: short write to '%s' (%zd of %zu bytes)\n",
		    a->path, n, len);
	}
	(void)pthread_mutex_unlock(&a->lock);
}

void
audit_write(struct audit *a, const struct audit_event *ev)
{
	struct audit_line l;

	if (a == NULL || ev == NULL)
		return;
	audit_format(a, ev, &l);
	audit_append(a, l.sb.buf, l.sb.len);
	syslog(LOG_INFO, "%.*s", (int)(l.sb.len - 1), l.sb.buf);
	strbuf_release(&l.sb);
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
