/*
 * owner.h - one thread at a time, checked.
 *
 * A resource that is not thread-safe (an SQLite connection opened
 * NOMUTEX, an ESM handle, a counter without a lock) embeds a struct owner
 * and brackets every use with owner_enter()/owner_leave().  The claim is a
 * compare-and-set of the calling thread's identity: a second thread that
 * reaches the resource while the first holds it is refused, instead of
 * the two corrupting it together.  The same thread may enter again
 * (nested calls).  A refusal is a bug in the caller: it is reported on
 * stderr once per resource and the caller fails the operation cleanly.
 *
 *	struct owner o = OWNER_INIT("ESM PROD");
 *	if (owner_enter(&o) == -1)
 *		return TEMPFAIL;
 *	... use the resource ...
 *	owner_leave(&o);
 */
#ifndef SSPR_COMPAT_OWNER_H
#define SSPR_COMPAT_OWNER_H

#include <stdatomic.h>
#include <stdint.h>

struct owner {
	atomic_uintptr_t thread; /* the holder's identity, 0 when free */
	unsigned depth;          /* nesting; touched by the holder only */
	atomic_int reported;     /* a conflict was reported */
	const char *what;        /* for the report (static text) */
};

#define OWNER_INIT(what)                                                       \
	{                                                                      \
		0, 0, 0, what                                                  \
	}

/* Claim o for the calling thread: 0, or -1 when another thread holds it
 * (reported on stderr, the first time). */
int owner_enter(struct owner *o);

/* Release one claim of the calling thread (which must hold o). */
void owner_leave(struct owner *o);

/* 1 when the calling thread holds o. */
int owner_held(const struct owner *o);

#endif
