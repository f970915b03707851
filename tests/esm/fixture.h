/*
 * fixture.h - what the ESM contract suite needs from a backend.
 *
 * tests/esm/test_contract.c runs one table of RACF behaviours against every
 * ESM backend.  What differs between backends (how a fresh, empty ESM is
 * made, how it is set up, how its clock is faked) lives behind this
 * interface; each backend provides one fixture_<backend>.c.
 *
 * Set-up is written as RACF commands (ADDUSER, ALTUSER, SETROPTS, RDEFINE
 * CFIELD, ...), the language every RACF-like ESM understands; a fixture for
 * a backend without a command processor translates them.
 *
 * Every fixture's clock starts at FIXTURE_T0 and moves only with
 * fixture_advance(), for both the ESM handles and the set-up commands.
 */
#ifndef SSPR_TESTS_ESM_FIXTURE_H
#define SSPR_TESTS_ESM_FIXTURE_H

#include <time.h>

#include "esm/esm.h"

/* The fake clock's start: 2023-11-14 22:13:20 UTC, late in a day, so that
 * tests see the difference between "a day later" and "the next date". */
#define FIXTURE_T0 ((time_t)1700000000)

struct fixture;

/* A fresh, empty ESM and an open handle on it; NULL (with a message on
 * stderr) when it cannot be made.  Free it with fixture_free(). */
struct fixture *fixture_new(void);

/* Close every handle and remove what fixture_new() created; NULL-safe. */
void fixture_free(struct fixture *f);

/* The fixture's ESM handle (borrowed). */
struct esm *fixture_esm(struct fixture *f);

/* A new, independent handle on the same ESM with the fixture's clock, for
 * concurrency tests (also in a forked child); esm_close() it.  NULL (with a
 * message on stderr) on failure. */
struct esm *fixture_esm_open(struct fixture *f);

/* As fixture_esm_open(), with the faults of inject (esm.h struct
 * esm_inject) injected into every call through the new handle. */
struct esm *fixture_esm_open_inject(
    struct fixture *f, const struct esm_inject *inject);

/* Run one RACF command and return its RACF return code: 0 done, 4 done
 * with a warning, 8 refused (nothing changed), 12 storage error; -1 when
 * the fixture could not run it at all. */
int fixture_command(struct fixture *f, const char *line);

/* Run the NULL-terminated list of commands; 0 when each returned 0 or 4,
 * else -1 after printing the failing command, its code and its output. */
int fixture_setup(struct fixture *f, const char *const *lines);

/* Move the fake clock forward. */
void fixture_advance(struct fixture *f, long seconds);

/* The fake clock's current time. */
time_t fixture_now(struct fixture *f);

/*
 * With lose, make the ESM's PassTicket key store unavailable, as at a
 * disaster-recovery site that lacks the key material (the embedded ESM:
 * its master key file goes away); without, bring it back.  0, or -1 with a
 * message on stderr.
 */
int fixture_lose_key_store(struct fixture *f, int lose);

#endif
