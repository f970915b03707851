/*
 * fuzz_form.c - libFuzzer target for web/form.c, the urlencoded form
 * parser every page's POST goes through.
 *
 * The input is the body as received.  Besides "never crash" it checks the
 * promises of form.h and aborts when one is broken: a parsed form has at
 * most FORM_MAX_FIELDS fields, each name 1 to FORM_MAX_NAME - 1 bytes of
 * [a-z0-9_] and given once, each value at most FORM_MAX_VALUE bytes,
 * without NUL, found again by form_get(); a refused form is left empty.
 * Every accepted body is parsed a second time to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

#include "compat/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct form *f)
{
	size_t i, j, len;

	if (f->n > FORM_MAX_FIELDS)
		abort();
	for (i = 0; i < f->n; i++) {
		len = strnlen(f->name[i], FORM_MAX_NAME);
		if (len == 0 || len >= FORM_MAX_NAME ||
		    strspn(f->name[i],
		        "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
			abort();
		if (f->value[i] == NULL || strlen(f->value[i]) > FORM_MAX_VALUE)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(f->name[i], f->name[j]) == 0)
				abort();
		if (form_get(f, f->name[i]) != f->value[i])
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f, g;
	size_t i;

	if (form_parse((const char *)data, size, &f) == -1) {
		if (f.n != 0)
			abort();
		return 0;
	}
	fuzz_check(&f);
	if (form_parse((const char *)data, size, &g) == -1 || g.n != f.n)
		abort();
	for (i = 0; i < f.n; i++)
		if (strcmp(f.name[i], g.name[i]) != 0 ||
		    strcmp(f.value[i], g.value[i]) != 0)
			abort();
	form_release(&g);
	form_release(&f);
	if (f.n != 0)
		abort();
	return 0;
}
