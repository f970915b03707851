/*
 * owner.c - single-thread ownership, checked by compare-and-set (see
 * owner.h).
 */
#include "compat/owner.h"

#include <stdio.h>

#include "compat/compat.h"
#include "compat/banned.h"

/* A thread's identity: the address of a thread-local object, unique among
 * live threads and never 0. */
static _Thread_local char owner_self_marker;

static uintptr_t
owner_self(void)
{
	return (uintptr_t)&owner_self_marker;
}

int
owner_enter(struct owner *o)
{
	uintptr_t me = owner_self(), free_ = 0;

	if (atomic_load(&o->thread) == me) {
		o->depth++;
		return 0;
	}
	if (atomic_compare_exchange_strong(&o->thread, &free_, me)) {
		o->depth = 1;
		return 0;
	}
	if (atomic_exchange(&o->reported, 1) == 0)
		fprintf(stderr,
		    "sspr: BUG: %s used by two threads at once; the second "
		    "use was refused\n",
		    o->what != NULL ? o->what : "a connection");
	return -1;
}

void
owner_leave(struct owner *o)
{
	if (atomic_load(&o->thread) != owner_self())
		fatalx("BUG: %s released by a thread that does not hold it",
		    o->what != NULL ? o->what : "a connection");
	if (--o->depth == 0)
		atomic_store(&o->thread, 0);
}

int
owner_held(const struct owner *o)
{
	return atomic_load(&o->thread) == owner_self();
}
