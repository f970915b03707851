/*
 * seal.h - authenticated encryption of small secrets at rest.
 *
 * AES-256-GCM with a fresh random 96-bit nonce per seal; the associated
 * data binds a sealed value to where it belongs (a profile, a queue
 * entry), so it cannot be moved elsewhere undetected.  The sealed form is
 * nonce || ciphertext || tag: SEAL_OVERHEAD bytes longer than the plain
 * text.
 */
#ifndef SSPR_SEAL_H
#define SSPR_SEAL_H

#include <stddef.h>

#define SEAL_KEY_LEN  32
#define SEAL_NONCE    12
#define SEAL_TAG      16
#define SEAL_OVERHEAD (SEAL_NONCE + SEAL_TAG)

/* Seal len bytes of plain into out (len + SEAL_OVERHEAD bytes).  Returns
 * the sealed length, or -1 (no randomness). */
long seal(const unsigned char key[SEAL_KEY_LEN], const char *ad,
    const unsigned char *plain, size_t len, unsigned char *out);

/* Unseal len bytes into plain (len - SEAL_OVERHEAD bytes).  Returns the
 * plain length, or -1 when the value was not sealed under key for ad (or
 * is damaged); plain is then wiped. */
long unseal(const unsigned char key[SEAL_KEY_LEN], const char *ad,
    const unsigned char *sealed, size_t len, unsigned char *plain);

#endif
