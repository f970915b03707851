/*
 * racf_secret.c - Argon2id hashing of the embedded ESM's secrets.
 */
#include "esm/racf_secret.h"

#include <argon2.h>
#include <errno.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define RACF_SALT_LEN 16
#define RACF_TAG_LEN  32

int
racf_secret_hash(const struct racf_kdf *kdf, const char *secret, size_t len,
    char out[RACF_HASH_MAX])
{
	unsigned char salt[RACF_SALT_LEN];
	int rc;

	if (random_bytes(salt, sizeof(salt)) == -1)
		return -1;
	rc = argon2id_hash_encoded(kdf->iterations, kdf->memory_kib,
	    kdf->parallelism, secret, len, salt, sizeof(salt), RACF_TAG_LEN,
	    out, RACF_HASH_MAX);
	secure_zero(salt, sizeof(salt));
	return rc == ARGON2_OK ? 0 : -1;
}

int
racf_secret_verify(const char *encoded, const char *secret, size_t len)
{
	int rc = argon2id_verify(encoded, secret, len);

	if (rc == ARGON2_OK)
		return 1;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return 0;
	return -1;
}
