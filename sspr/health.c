/*
 * health.c - the process's health table (see health.h): a mutex, one
 * row per item, and a log line on stderr for each change of state.
 */
#include "sspr/health.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

struct health_row {
	int failing;
	unsigned long failures;
	char text[HEALTH_MAX_TEXT];
};

static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;
static struct health_row health_rows[HEALTH_NITEMS];

static const char *const health_names[HEALTH_NITEMS] = {
    [HEALTH_AUDIT] = "audit log",
    [HEALTH_JOURNAL_FILE] = "journal file",
    [HEALTH_OUTBOX_FILE] = "outbox file",
    [HEALTH_JOURNAL] = "journal",
};

/* One line: a control character (from an errno or SQLite string, or a
 * path) would split the log line or the JSON of /healthz. */
static void
health_oneline(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
health_fail(enum health_item item, const char *fmt, ...)
{
	char text[HEALTH_MAX_TEXT];
	struct health_row *r;
	va_list ap;

	if ((unsigned)item >= HEALTH_NITEMS)
		fatalx("BUG: health item %d", (int)item);
	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	health_oneline(text);
	pthread_mutex_lock(&health_mu);
	r = &health_rows[item];
	r->failures++;
	if (!r->failing || strcmp(r->text, text) != 0)
		fprintf(stderr, "sspr: health: %s\n", text);
	r->failing = 1;
	strlcpy_s(r->text, text, sizeof(r->text));
	pthread_mutex_unlock(&health_mu);
}

void
health_ok(enum health_item item)
{
	struct health_row *r;

	if ((unsigned)item >= HEALTH_NITEMS)
		fatalx("BUG: health item %d", (int)item);
	pthread_mutex_lock(&health_mu);
	r = &health_rows[item];
	if (r->failing)
		fprintf(stderr, "sspr: health: %s: recovered\n",
		    health_names[item]);
	r->failing = 0;
	r->text[0] = '\0';
	pthread_mutex_unlock(&health_mu);
}

int
health_failing(enum health_item item)
{
	int f;

	if ((unsigned)item >= HEALTH_NITEMS)
		return 0;
	pthread_mutex_lock(&health_mu);
	f = health_rows[item].failing;
	pthread_mutex_unlock(&health_mu);
	return f;
}

void
health_report(struct health_report *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&health_mu);
	for (i = 0; i < HEALTH_NITEMS; i++) {
		const struct health_row *r = &health_rows[i];

		out->failures[i] = r->failures;
		out->failing[i] = r->failing;
		if (r->failing && i != HEALTH_JOURNAL)
			strlcpy_s(out->problems[out->nproblems++], r->text,
			    HEALTH_MAX_TEXT);
	}
	pthread_mutex_unlock(&health_mu);
}
