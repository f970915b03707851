/*
 * fuzz_config.c - libFuzzer target for sspr/config.c, the configuration
 * loader (cfg_load_buf(): the whole of cfg_load() but the read).
 *
 * The input is the file's text.  The file is named under a directory that
 * does not exist, so relative paths resolve without touching the file
 * system.  Besides "never crash" it checks the loader's promises and
 * aborts when one is broken: a refusal leaves *out untouched and writes
 * one printable line that names the file; an accepted configuration has
 * a listen address that cfg_listen_parse() takes (what web_start() binds),
 * a mail.from that mail_address_check() takes (what every message is
 * checked with), system names and APPLIDs the ESM's name rule takes, at
 * least one system, and a primary among them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compat/ceilings.h"
#include "esm/esm.h"
#include "mail/message.h"
#include "sspr/config.h"

#include "compat/banned.h"

#define FUZZ_FILE "/nonexistent-fuzz/sspr.json"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct cfg *c)
{
	struct sockaddr_storage ss;
	unsigned int sslen;
	char why[SSPR_MAX_ERROR];
	size_t i;

	if (c->listen == NULL ||
	    cfg_listen_parse(c->listen, &ss, &sslen, why, sizeof(why)) == -1)
		abort();
	if (c->mail.configured &&
	    mail_address_check(c->mail.from, why, sizeof(why)) == -1)
		abort();
	if (c->nsystems < 1 || c->primary >= c->nsystems ||
	    c->systems[c->primary].role != CFG_ROLE_PRIMARY)
		abort();
	for (i = 0; i < c->nsystems; i++)
		if (!esm_valid_name(c->systems[i].name) ||
		    !esm_valid_name(c->systems[i].applid))
			abort();
	if (c->state_dir == NULL || c->key_file == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cfg sentinel;
	struct cfg *c = &sentinel;
	char err[SSPR_MAX_ERROR];
	size_t i, len;

	if (size > SSPR_MAX_CONFIG_FILE)
		return 0;
	if (cfg_load_buf(FUZZ_FILE, (const char *)data, size, &c, err,
	        sizeof(err)) == -1) {
		if (c != &sentinel)
			abort();
		len = strnlen(err, sizeof(err));
		if (len == 0 || len == sizeof(err) ||
		    strncmp(err, FUZZ_FILE, strlen(FUZZ_FILE)) != 0)
			abort();
		for (i = 0; i < len; i++)
			if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
				abort();
		return 0;
	}
	fuzz_check(c);
	cfg_free(c);
	return 0;
}
