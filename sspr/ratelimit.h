/*
 * ratelimit.h - per-client-address limits, in memory.
 *
 * The second layer of throttling (the first, per user, lives in the ESM so
 * that every node sees it): a client address that fails too often within
 * a window is refused for the rest of the window, whatever user it tries.
 * A fixed-size table (least recently used entries are reused), so a flood
 * of addresses cannot grow memory.  Thread-safe.
 */
#ifndef SSPR_RATELIMIT_H
#define SSPR_RATELIMIT_H

#include <stddef.h>
#include <time.h>

#define RATELIMIT_SLOTS 4096

struct ratelimit;

/* A table allowing max failures per window seconds per address. */
struct ratelimit *ratelimit_new(int max, int window);
void ratelimit_free(struct ratelimit *rl);

/* 1 when addr (NULL: never limited) may go on at now, else 0. */
int ratelimit_allowed(struct ratelimit *rl, const char *addr, time_t now);

/* Count one failure for addr at now. */
void ratelimit_fail(struct ratelimit *rl, const char *addr, time_t now);

#endif
