/*
 * ratelimit.c - per-client-address failure windows (see ratelimit.h).
 */
#include "sspr/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define RL_ADDR 64 /* an IPv6 address with zone fits */

struct rl_slot {
	char addr[RL_ADDR];
	time_t start; /* of the current window */
	time_t used;  /* last touched, for reuse */
	int fails;
};

struct ratelimit {
	pthread_mutex_t lock; /* guards everything below */
	int max, window;
	struct rl_slot slot[RATELIMIT_SLOTS];
	/* the audit gate: per address (fails = events this minute) and in
	 * all */
	struct rl_slot audit[RATELIMIT_SLOTS];
	time_t audit_start;
	int audit_all;
	long suppressed;
	long pace; /* decaying maximum of real verifies, ms */
};

struct ratelimit *
ratelimit_new(int max, int window)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->max = max;
	rl->window = window;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* FNV-1a of the address: where to start looking. */
static size_t
rl_hash(const char *s)
{
	unsigned long h = 2166136261UL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return (size_t)(h % RATELIMIT_SLOTS);
}

/* The slot of addr, or the least recently used of 8 probed to reuse. */
static struct rl_slot *
rl_find_in(struct rl_slot *slots, const char *addr, int create, time_t now)
{
	size_t i, h = rl_hash(addr);
	struct rl_slot *old = NULL, *sl;

	for (i = 0; i < 8; i++) {
		sl = &slots[(h + i) % RATELIMIT_SLOTS];
		if (strcmp(sl->addr, addr) == 0)
			return sl;
		if (old == NULL || sl->used < old->used)
			old = sl;
	}
	if (!create)
		return NULL;
	memset(old, 0, sizeof(*old));
	strlcpy_s(old->addr, addr, sizeof(old->addr));
	old->start = now;
	return old;
}

static struct rl_slot *
rl_find(struct ratelimit *rl, const char *addr, int create, time_t now)
{
	return rl_find_in(rl->slot, addr, create, now);
}

int
ratelimit_allowed(struct ratelimit *rl, const char *addr, time_t now)
{
	return ratelimit_retry_after(rl, addr, now) == 0;
}

void
ratelimit_fail(struct ratelimit *rl, const char *addr, time_t now)
{
	struct rl_slot *sl;

	if (addr == NULL || rl == NULL)
		return;
	pthread_mutex_lock(&rl->lock);
	sl = rl_find(rl, addr, 1, now);
	if (now >= sl->start + rl->window) {
		sl->start = now;
		sl->fails = 0;
	}
	sl->fails++;
	sl->used = now;
	pthread_mutex_unlock(&rl->lock);
}

long
ratelimit_retry_after(struct ratelimit *rl, const char *addr, time_t now)
{
	struct rl_slot *sl;
	long wait = 0;

	if (addr == NULL || rl == NULL)
		return 0;
	pthread_mutex_lock(&rl->lock);
	sl = rl_find(rl, addr, 0, now);
	if (sl != NULL && now < sl->start + rl->window && sl->fails >= rl->max)
		wait = (long)(sl->start + rl->window - now);
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

int
ratelimit_audit(
    struct ratelimit *rl, const char *addr, time_t now, long *suppressed)
{
	struct rl_slot *sl;
	int ok = 1;

	*suppressed = 0;
	if (rl == NULL)
		return 1;
	pthread_mutex_lock(&rl->lock);
	if (now >= rl->audit_start + 60 || now < rl->audit_start) {
		rl->audit_start = now;
		rl->audit_all = 0;
	}
	sl = rl_find_in(rl->audit, addr != NULL ? addr : "", 1, now);
	if (now >= sl->start + 60 || now < sl->start) {
		sl->start = now;
		sl->fails = 0;
	}
	sl->used = now;
	if (sl->fails >= RATELIMIT_AUDIT_ADDR ||
	    rl->audit_all >= RATELIMIT_AUDIT_ALL) {
		rl->suppressed++;
		ok = 0;
	} else {
		sl->fails++;
		rl->audit_all++;
		*suppressed = rl->suppressed;
		rl->suppressed = 0;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

void
ratelimit_pace_note(struct ratelimit *rl, long ms)
{
	if (rl == NULL || ms < 0)
		return;
	pthread_mutex_lock(&rl->lock);
	/* Up at once, down slowly: a slow ESM is followed the moment it is
	 * seen, a faster one only over many sign-ons. */
	if (ms >= rl->pace)
		rl->pace = ms;
	else
		rl->pace -= (rl->pace - ms) / 32;
	pthread_mutex_unlock(&rl->lock);
}

long
ratelimit_pace_ms(struct ratelimit *rl)
{
	long p = 0;

	if (rl != NULL) {
		pthread_mutex_lock(&rl->lock);
		p = rl->pace + rl->pace / 4;
		pthread_mutex_unlock(&rl->lock);
	}
	return p > RATELIMIT_PACE_FLOOR_MS ? p : RATELIMIT_PACE_FLOOR_MS;
}
