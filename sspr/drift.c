/*
 * drift.c - the drift report: users whose enrollment differs between
 * systems (see helpdesk.h).
 *
 * Every system lists the users whose PIN field is set; for each user of
 * the union every system is read and compared by the enrollment digest.
 * A user is reported when a system lacks the enrollment (or the user), or
 * holds different values; the source to replicate from is the newest
 * enrollment (the primary on a tie).
 */
#include "sspr/sspr_int.h"

#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

const char *
sspr_drift_kind_name(enum sspr_drift_kind k)
{
	switch (k) {
	case SSPR_DRIFT_MISSING:
		return "missing";
	case SSPR_DRIFT_DIFFERENT:
		return "different";
	case SSPR_DRIFT_UNDEFINED:
		return "undefined";
	}
	return "?";
}

static int
drift_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The union of every system's enrolled users, sorted, unique. */
static int
drift_users(struct sspr *s, char ***out, size_t *n, char *err, size_t size)
{
	const char *pin = sspr_field(s, CFG_F_PIN);
	char **all = NULL, **l;
	size_t i, k, m, cnt = 0;
	struct esm_err e;

	for (i = 0; i < s->nsys; i++) {
		if (esm_list_users(s->sys[i].esm, pin, &l, &m, &e) != ESM_OK) {
			errf(err, size, "%s: %s", s->sys[i].cfg->name, e.msg);
			esm_list_free(all, cnt);
			return -1;
		}
		all = xrealloc(all, (cnt + m + 1) * sizeof(*all));
		for (k = 0; k < m; k++)
			all[cnt++] = l[k];
		free(l); /* the strings moved to all */
	}
	if (cnt > 1)
		qsort(all, cnt, sizeof(*all), drift_cmp);
	for (i = 0, k = 0; i < cnt; i++) {
		if (k > 0 && strcmp(all[k - 1], all[i]) == 0) {
			free(all[i]);
			continue;
		}
		all[k++] = all[i];
	}
	*out = all;
	*n = k;
	return 0;
}

/* Compare one user across systems; 1 when it drifts (e filled). */
static int
drift_user(struct sspr *s, const char *uid, struct sspr_drift_entry *e)
{
	struct sspr_hd_sys hs;
	const char *digest = NULL;
	long long newest = -1;
	int missing = 0, undefined = 0, different = 0;
	size_t i;

	memset(e, 0, sizeof(*e));
	strlcpy_s(e->userid, uid, sizeof(e->userid));
	for (i = 0; i < s->nsys; i++) {
		size_t k = (s->cfg->primary + i) % s->nsys; /* primary first */

		(void)sspr_hd_sys_read(s, &s->sys[k], uid, &hs);
		strlcpy_s(e->sys[k].name, s->sys[k].cfg->name,
		    sizeof(e->sys[k].name));
		e->sys[k].enrolled_at = hs.enrolled_at;
		strlcpy_s(
		    e->sys[k].digest, hs.digest, sizeof(e->sys[k].digest));
		if (!hs.available) {
			strlcpy_s(e->sys[k].state, "unavailable",
			    sizeof(e->sys[k].state));
			continue;
		}
		strlcpy_s(e->sys[k].state,
		    !hs.exists    ? "undefined"
		    : hs.enrolled ? "enrolled"
		                  : "not-enrolled",
		    sizeof(e->sys[k].state));
		undefined += !hs.exists;
		missing += hs.exists && !hs.enrolled;
		if (!hs.enrolled)
			continue;
		if (digest != NULL && strcmp(digest, e->sys[k].digest) != 0)
			different = 1;
		if (digest == NULL)
			digest = e->sys[k].digest;
		if (hs.enrolled_at > newest) {
			newest = hs.enrolled_at;
			strlcpy_s(e->source, hs.name, sizeof(e->source));
		}
	}
	e->nsystems = s->nsys;
	if (newest < 0 || (!missing && !undefined && !different))
		return 0;
	/* The worst first: a user not defined somewhere needs an
	 * administrator before a replication can help. */
	e->kind = different   ? SSPR_DRIFT_DIFFERENT
	          : undefined ? SSPR_DRIFT_UNDEFINED
	                      : SSPR_DRIFT_MISSING;
	return 1;
}

int
sspr_drift_report(struct sspr *s, const struct sspr_hd_actor *a,
    const char *client, struct sspr_drift *out)
{
	struct audit_event ev = {.action = "helpdesk.drift"};
	char **users = NULL;
	size_t n = 0, i;

	memset(out, 0, sizeof(*out));
	if (drift_users(s, &users, &n, out->msg, sizeof(out->msg)) == -1) {
		out->status = SSPR_UNAVAILABLE;
		goto out;
	}
	out->users = n;
	out->e = xcalloc(n > 0 ? n : 1, sizeof(*out->e));
	for (i = 0; i < n; i++)
		out->n += (size_t)drift_user(s, users[i], &out->e[out->n]);
	out->status = SSPR_OK;
out:
	esm_list_free(users, n);
	ev.outcome = out->status == SSPR_OK ? "ok" : "unavailable";
	ev.actor = a != NULL ? a->userid : "cli";
	ev.client = client;
	sspr_audit(s, &ev);
	return out->status == SSPR_OK ? 0 : -1;
}

void
sspr_drift_free(struct sspr_drift *d)
{
	if (d == NULL)
		return;
	free(d->e);
	d->e = NULL;
	d->n = 0;
}
