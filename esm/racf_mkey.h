/*
 * racf_mkey.h - the embedded ESM's master key: what PTKTDATA keys are
 * encrypted under.
 *
 * RACF keeps PassTicket keys KEYENCRYPTED under ICSF master keys that live
 * in crypto hardware, not in the RACF database.  The embedded ESM does the
 * same with a 256-bit master key in a file beside its database (default
 * "<db>.mkey", mode 0600): a database copied to a disaster-recovery site
 * without that file holds PassTicket keys nobody can use, and says so.
 *
 * Keys are sealed with AES-256-GCM; the associated data binds each sealed
 * key to its profile (APPLID and kind), so a sealed key cannot be moved to
 * another profile.  The database records a check value of the master key,
 * so "the wrong master key" is told apart from "a damaged key".
 */
#ifndef SSPR_RACF_MKEY_H
#define SSPR_RACF_MKEY_H

#include <stddef.h>

#define RACF_MKEY_LEN    32
#define RACF_MKEY_SEALED (12 + 256 + 16) /* nonce, at most 256 bytes, tag */
#define RACF_MKEY_KCV    17              /* check value: 16 hex + NUL */

enum racf_mkey_status {
	RACF_MKEY_OK = 0,
	RACF_MKEY_MISSING, /* no master key file */
	RACF_MKEY_UNSAFE,  /* readable by others, not a regular file, ... */
	RACF_MKEY_BROKEN,  /* unreadable or wrong size */
};

/* The default master key path for a database: "<db>.mkey", into out. */
void racf_mkey_default_path(const char *db, char *out, size_t size);

/*
 * Load the master key at path into key.  With create, a missing file is
 * created with a fresh random key (O_EXCL, mode 0600).  Returns the
 * status; on anything but OK, err says what is wrong and what to do.
 */
enum racf_mkey_status racf_mkey_load(const char *path, int create,
    unsigned char key[RACF_MKEY_LEN], char *err, size_t errsize);

/* The check value of a master key (hex of a truncated HMAC). */
void racf_mkey_kcv(
    const unsigned char key[RACF_MKEY_LEN], char out[RACF_MKEY_KCV]);

/*
 * Seal len bytes (at most 256) of plain for the profile named by ad into
 * out; returns the sealed length, or -1.  Unseal: returns the plain length
 * (into plain, 256 bytes), or -1 when the tag does not verify.
 */
int racf_mkey_seal(const unsigned char key[RACF_MKEY_LEN], const char *ad,
    const unsigned char *plain, size_t len, unsigned char *out);
int racf_mkey_unseal(const unsigned char key[RACF_MKEY_LEN], const char *ad,
    const unsigned char *sealed, size_t len, unsigned char *plain);

#endif
