/*
 * racf_secret.h - how the embedded ESM stores passwords and phrases.
 *
 * A secret at rest is an Argon2id hash with a fresh 16-byte salt, in the
 * PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so the cost
 * parameters travel with every hash and can be raised without a migration.
 * Nothing reversible is ever stored.
 *
 * Neither function keeps, copies or logs the secret.
 */
#ifndef SSPR_RACF_SECRET_H
#define SSPR_RACF_SECRET_H

#include <stddef.h>

#include "esm/racf_db.h"

/* Hash secret (len bytes) into out (RACF_HASH_MAX bytes).  Returns 0, or -1
 * (no randomness, or Argon2 failed: out of memory). */
int racf_secret_hash(const struct racf_kdf *kdf, const char *secret, size_t len,
    char out[RACF_HASH_MAX]);

/* 1 if secret matches the encoded hash, 0 if not, -1 if the hash is
 * malformed or Argon2 could not run. */
int racf_secret_verify(const char *encoded, const char *secret, size_t len);

#endif
