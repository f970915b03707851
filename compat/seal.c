/*
 * seal.c - AES-256-GCM sealing (see seal.h), on nettle.
 */
#include "compat/seal.h"

#include <nettle/gcm.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

long
seal(const unsigned char key[SEAL_KEY_LEN], const char *ad,
    const unsigned char *plain, size_t len, unsigned char *out)
{
	struct gcm_aes256_ctx ctx;

	if (random_bytes(out, SEAL_NONCE) == -1)
		return -1;
	gcm_aes256_set_key(&ctx, key);
	gcm_aes256_set_iv(&ctx, SEAL_NONCE, out);
	gcm_aes256_update(&ctx, strlen(ad), (const uint8_t *)ad);
	gcm_aes256_encrypt(&ctx, len, out + SEAL_NONCE, plain);
	gcm_aes256_digest(&ctx, SEAL_TAG, out + SEAL_NONCE + len);
	secure_zero(&ctx, sizeof(ctx));
	return (long)(len + SEAL_OVERHEAD);
}

long
unseal(const unsigned char key[SEAL_KEY_LEN], const char *ad,
    const unsigned char *sealed, size_t len, unsigned char *plain)
{
	struct gcm_aes256_ctx ctx;
	unsigned char tag[SEAL_TAG];
	size_t n;
	int ok;

	if (len < SEAL_OVERHEAD)
		return -1;
	n = len - SEAL_OVERHEAD;
	gcm_aes256_set_key(&ctx, key);
	gcm_aes256_set_iv(&ctx, SEAL_NONCE, sealed);
	gcm_aes256_update(&ctx, strlen(ad), (const uint8_t *)ad);
	gcm_aes256_decrypt(&ctx, n, plain, sealed + SEAL_NONCE);
	gcm_aes256_digest(&ctx, sizeof(tag), tag);
	ok = ct_equal(tag, sealed + SEAL_NONCE + n, sizeof(tag));
	secure_zero(&ctx, sizeof(ctx));
	secure_zero(tag, sizeof(tag));
	if (!ok) {
		secure_zero(plain, n);
		return -1;
	}
	return (long)n;
}
