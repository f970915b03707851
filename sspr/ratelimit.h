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

/* Seconds until addr may go on (0: it may now), for Retry-After. */
long ratelimit_retry_after(struct ratelimit *rl, const char *addr, time_t now);

/*
 * The audit gate for refusals that cost an attacker nothing (a malformed
 * flow token, an address over its budget): 1 when such an event from
 * addr may be written at now, else 0 (and it is counted as suppressed).
 * At most RATELIMIT_AUDIT_ADDR events a minute per address and
 * RATELIMIT_AUDIT_ALL a minute in all are written, so a flood costs a
 * bounded number of lines however many addresses it comes from.  When 1,
 * *suppressed gets the number of events left out since the last one
 * written (process-wide), for this one to carry.
 */
/*
 * The pace of sign-on refusals (enrollment, helpdesk sign-on): a refusal
 * decided without asking the ESM (unknown, revoked, privileged, over a
 * budget) must take as long as one the ESM decided, or the time tells
 * the ID's state.  ratelimit_pace_note() records how long a real verify
 * took (ms); ratelimit_pace_ms() is how long every refusal is made to
 * take: the slowest recent verifies (a decaying maximum, over every
 * thread of the process) with a margin, and never less than
 * RATELIMIT_PACE_FLOOR_MS.
 */
#define RATELIMIT_PACE_FLOOR_MS 250
void ratelimit_pace_note(struct ratelimit *rl, long ms);
long ratelimit_pace_ms(struct ratelimit *rl);

#define RATELIMIT_AUDIT_ADDR 10
#define RATELIMIT_AUDIT_ALL  120
int ratelimit_audit(
    struct ratelimit *rl, const char *addr, time_t now, long *suppressed);

#endif
