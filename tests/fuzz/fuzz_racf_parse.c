/*
 * fuzz_racf_parse.c - libFuzzer target for the RACF command parser
 * (esm/racf_parse.c), the first code that sees an administrator's or a
 * script's command text.
 *
 * The whole input is one command image.  Besides "never crash, never
 * leak", it checks the parser's promises: on success the command has a
 * verb and no more items than SSPR_MAX_OPERANDS; on failure the message is
 * one NUL-terminated line; continuation marks are reported within bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/ceilings.h"
#include "esm/racf_parse.h"

#include "compat/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
fuzz_count(const struct racf_item *items, size_t n)
{
	size_t i, total = n;

	for (i = 0; i < n; i++)
		total += fuzz_count(items[i].args, items[i].nargs);
	return total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct racf_command *cmd = NULL;
	char err[SSPR_MAX_ERROR];
	size_t keep;
	int plus;

	memset(err, 'x', sizeof(err));
	if (racf_parse((const char *)data, size, &cmd, err, sizeof(err)) == 0) {
		if (cmd == NULL || cmd->verb == NULL || cmd->verb[0] == '\0' ||
		    fuzz_count(cmd->items, cmd->nitems) > SSPR_MAX_OPERANDS)
			abort();
		racf_command_free(cmd);
	} else {
		if (cmd != NULL || memchr(err, '\0', sizeof(err)) == NULL ||
		    strchr(err, '\n') != NULL)
			abort();
	}
	if (racf_continued((const char *)data, size, &keep, &plus) &&
	    keep >= size)
		abort();
	return 0;
}
