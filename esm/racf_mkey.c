/*
 * racf_mkey.c - the embedded ESM's master key file and AES-256-GCM sealing
 * of PTKTDATA keys (see racf_mkey.h).
 */
#include "esm/racf_mkey.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/hmac.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/seal.h"
#include "compat/hex.h"
#include "compat/banned.h"

void
racf_mkey_default_path(const char *db, char *out, size_t size)
{
	snprintf(out, size, "%s.mkey", db);
}

static enum racf_mkey_status
racf_mkey_create(const char *path, unsigned char key[RACF_MKEY_LEN], char *err,
    size_t errsize)
{
	int fd;

	if (random_bytes(key, RACF_MKEY_LEN) == -1) {
		snprintf(err, errsize, "cannot create ESM master key '%s': %s",
		    path, strerror(errno));
		return RACF_MKEY_BROKEN;
	}
	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, key, RACF_MKEY_LEN) != RACF_MKEY_LEN ||
	    fsync(fd) == -1) {
		snprintf(err, errsize, "cannot create ESM master key '%s': %s",
		    path, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		secure_zero(key, RACF_MKEY_LEN);
		return RACF_MKEY_BROKEN;
	}
	close(fd);
	return RACF_MKEY_OK;
}

enum racf_mkey_status
racf_mkey_load(const char *path, int create, unsigned char key[RACF_MKEY_LEN],
    char *err, size_t errsize)
{
	unsigned char buf[RACF_MKEY_LEN + 1];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create)
		return racf_mkey_create(path, key, err, errsize);
	if (fd == -1 && errno == ENOENT) {
		snprintf(err, errsize,
		    "the ESM master key '%s' is unavailable: PassTicket keys "
		    "in this database cannot be decrypted without it; copy "
		    "the master key file from the primary system (it is kept "
		    "out of the database on purpose, like ICSF master keys), "
		    "or redefine the PTKTDATA profiles here",
		    path);
		return RACF_MKEY_MISSING;
	}
	if (fd == -1) {
		snprintf(err, errsize, "cannot read ESM master key '%s': %s",
		    path, strerror(errno));
		return RACF_MKEY_BROKEN;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errsize, "cannot read ESM master key '%s': %s",
		    path, strerror(errno));
		close(fd);
		return RACF_MKEY_BROKEN;
	}
	if (filetrust_fd(fd, &st, path, "ESM master key", FT_SECRET, err,
	        errsize) == -1) {
		close(fd);
		return RACF_MKEY_UNSAFE;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != RACF_MKEY_LEN) {
		snprintf(err, errsize,
		    "ESM master key '%s' is damaged (it must be exactly %d "
		    "bytes)",
		    path, RACF_MKEY_LEN);
		secure_zero(buf, sizeof(buf));
		return RACF_MKEY_BROKEN;
	}
	memcpy(key, buf, RACF_MKEY_LEN);
	secure_zero(buf, sizeof(buf));
	return RACF_MKEY_OK;
}

void
racf_mkey_kcv(const unsigned char key[RACF_MKEY_LEN], char out[RACF_MKEY_KCV])
{
	static const char label[] = "sspr-esm-master-key-check-v1";
	struct hmac_sha256_ctx ctx;
	unsigned char mac[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&ctx, RACF_MKEY_LEN, key);
	hmac_sha256_update(&ctx, sizeof(label) - 1, (const uint8_t *)label);
	hmac_sha256_digest(&ctx, sizeof(mac), mac);
	hex_encode(mac, 8, out, 0);
	secure_zero(&ctx, sizeof(ctx));
	secure_zero(mac, sizeof(mac));
}

int
racf_mkey_seal(const unsigned char key[RACF_MKEY_LEN], const char *ad,
    const unsigned char *plain, size_t len, unsigned char *out)
{
	if (len > 256)
		return -1;
	return (int)seal(key, ad, plain, len, out);
}

int
racf_mkey_unseal(const unsigned char key[RACF_MKEY_LEN], const char *ad,
    const unsigned char *sealed, size_t len, unsigned char *plain)
{
	if (len > 256 + SEAL_OVERHEAD)
		return -1;
	return (int)unseal(key, ad, sealed, len, plain);
}
