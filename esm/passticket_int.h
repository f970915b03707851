/*
 * passticket_int.h - the steps of the PassTicket algorithms, exposed so
 * that the unit tests can check each one against the intermediate values
 * of shared/specs/passticket.md.  Not an interface: callers use
 * passticket.h.
 */
#ifndef SSPR_ESM_PASSTICKET_INT_H
#define SSPR_ESM_PASSTICKET_INT_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/des.h>

#include "esm/passticket.h"

/* How many times one ticket can decode to: 2^8 window choices at most. */
#define PASSTICKET_MAX_CAND 256

int passticket_pads(const char *user, unsigned char pad[12]);
void passticket_des_key(
    struct des_ctx *ctx, const unsigned char key[PASSTICKET_LEGACY_KEY]);
uint16_t passticket_permute(unsigned round, uint16_t in);
void passticket_translate(uint32_t r5, char out[PASSTICKET_LEN + 1]);
size_t passticket_untranslate(
    const char ticket[PASSTICKET_LEN], uint32_t cand[PASSTICKET_MAX_CAND]);
int passticket_legacy_results(const struct passticket_key *k, const char *user,
    const char *appl, uint32_t t32, uint32_t res[3], uint32_t trace[6]);
int passticket_enhanced_results(const struct passticket_key *k,
    const char *user, const char *appl, uint64_t t, uint64_t res[3],
    uint64_t trace[6]);

#endif
