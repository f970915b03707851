/*
 * keys.h - sspr's key file: the secrets sspr holds itself.
 *
 * One JSON file (default <state_dir>/keys.json, or cfg->key_file) holds:
 *
 *   - the pepper: the server-held HMAC key mixed into every PIN, answer and
 *     fixed-code hash, so that a copy of the ESM alone cannot be attacked
 *     offline; versioned by id so it can be rotated;
 *   - the flow key: seals reset-flow state and cookies;
 *   - sspr's copy of each APPLID's PassTicket key (legacy 8 bytes or
 *     enhanced 32-256 bytes with its type).  The ESM holds the other copy in
 *     its PTKTDATA profile; `sspr check` proves they are equal.
 *
 *	{"version": 1,
 *	 "pepper": {"id": 1, "key": "<64 hex>"},
 *	 "flow_key": "<64 hex>",
 *	 "passticket": {"SSPRAPPL": {"kind": "legacy", "key": "<16 hex>",
 *	                             "created": 1700000000},
 *	                "CICSPROD": {"kind": "enhanced", "type": "upper",
 *	                             "key": "<128 hex>", "created": ...}}}
 *
 * The file must be a regular file owned by the effective user with no
 * group or other permission bits (as OpenSSH's StrictModes); anything else
 * is refused with a message that says how to fix it.  Writes go to a
 * temporary file in the same directory (mode 0600), are fsync'ed and
 * renamed over the old file, so a crash never leaves a half-written key
 * file.  Key bytes live only in struct keys, which keys_free() wipes; no
 * function here prints or logs a key.
 *
 *	struct keys *k;
 *	if (keys_load(path, &k, err, sizeof(err)) == -1) ...
 *	const struct passticket_key *pk = keys_passticket(k, "SSPRAPPL");
 *	keys_free(k);
 */
#ifndef SSPR_KEYS_H
#define SSPR_KEYS_H

#include <stddef.h>
#include <time.h>

#include "compat/ceilings.h"
#include "esm/passticket.h"

#define KEYS_SECRET_LEN 32 /* pepper and flow key: 256 bits */
#define KEYS_MAX_APPLS  64

struct keys_appl {
	char applid[SSPR_MAX_APPLID + 1];
	struct passticket_key key;
	time_t created;
};

struct keys {
	unsigned pepper_id;
	unsigned char pepper[KEYS_SECRET_LEN];
	unsigned char flow_key[KEYS_SECRET_LEN];
	size_t nappl;
	struct keys_appl appl[KEYS_MAX_APPLS];
};

/*
 * Create a new key file at path with a fresh pepper and flow key (from
 * getrandom) and no PassTicket keys.  Refuses to overwrite an existing
 * file.  Returns 0, or -1 with a message in err.
 */
int keys_init(const char *path, char *err, size_t errsize);

/*
 * Load and check the key file.  Returns 0 and *out (new; keys_free it), or
 * -1 with a message naming the file and the problem (missing, unsafe
 * permissions or owner, malformed JSON, bad key length, unknown key, ...);
 * *out untouched on error.
 */
int keys_load(const char *path, struct keys **out, char *err, size_t errsize);

/* Write k to path atomically (temporary file, fsync, rename), mode 0600. */
int keys_save(
    const char *path, const struct keys *k, char *err, size_t errsize);

/* Wipe and free; NULL-safe. */
void keys_free(struct keys *k);

/* sspr's PassTicket key for applid (case-insensitive), or NULL when the
 * file has none; borrowed from k. */
const struct passticket_key *keys_passticket(
    const struct keys *k, const char *applid);

/* Install or replace (rotate) the PassTicket key of applid in k.  Returns 0,
 * or -1 with a message (invalid APPLID, table full). */
int keys_set_passticket(struct keys *k, const char *applid,
    const struct passticket_key *key, time_t now, char *err, size_t errsize);

/*
 * Read a key given as hex in a file of its own (--key-file): the file must
 * be private to its owner like the key file; blanks and line ends around
 * the digits are dropped.  Writes the NUL-terminated digits into hex
 * (size bytes).  Returns 0, or -1 with a message in err that never quotes
 * the file's contents.
 */
int keys_read_hex_file(
    const char *path, char *hex, size_t size, char *err, size_t errsize);

#endif
