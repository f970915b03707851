/*
 * hdsession.h - the helpdesk's session table; only sspr/helpdesk.c uses
 * it (the table is created and freed through helpdesk.h).
 *
 * Tokens are 256 random bits in base32; the table keeps their SHA-256.
 */
#ifndef SSPR_HDSESSION_H
#define SSPR_HDSESSION_H

#include <stddef.h>

#include "sspr/helpdesk.h"

/* A new session for actor at now; the token is written to token.  0, or
 * -1 (no randomness). */
int hd_session_new(struct sspr_hd_sessions *t, const char *actor, long long now,
    char token[SSPR_HD_TOKEN_MAX]);

/* The live session of token at now (idle and max in seconds): 0 and *out
 * (its idle clock restarted), or -1 (unknown, or expired: then ended). */
int hd_session_find(struct sspr_hd_sessions *t, const char *token,
    long long now, long long idle, long long max, struct sspr_hd_actor *out);

/* End the session whose token hashes to token_hash (hex). */
void hd_session_end(struct sspr_hd_sessions *t, const char *token_hash);

/* End every session of actor. */
void hd_session_end_actor(struct sspr_hd_sessions *t, const char *actor);

/* The table holds this many sessions; a new one beyond ends the session
 * idle the longest. */
#define HD_MAX_SESSIONS 256

/* The size of the table's memory, so that a test can search all of it
 * (for a token that must not be there). */
size_t hd_sessions_size(void);

#endif
