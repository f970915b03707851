/*
 * jsonx.h - jansson helpers: allocation hooks that wipe every block
 * jansson frees, and the name of a value's type for error messages.
 *
 * sspr parses JSON that holds secrets (its key file, API requests with
 * passwords and answers).  json_wipe_init() installs allocation hooks, once
 * per process, that keep each block's size in a small header and wipe the
 * whole block before freeing it.
 *
 * Contract: call json_wipe_init() before the first jansson call of the
 * process (main() does; cfg_load() and the key file loader also do, for
 * tests).  Anything jansson hands out for the caller to free (json_dumps())
 * must be freed with json_wipe_free(), never with free().
 */
#ifndef SSPR_JSONX_H
#define SSPR_JSONX_H

#include <stddef.h>

/* Install the hooks; idempotent and thread-safe. */
void json_wipe_init(void);

/* Free (wiping) a block that jansson allocated, e.g. json_dumps() text. */
void json_wipe_free(void *p);

struct json_t;

/* The kinds of value a strict schema expects. */
enum jsonx_kind { JX_STRING, JX_INTEGER, JX_BOOLEAN, JX_OBJECT, JX_ARRAY };

/* "a string", "an integer", ... for messages. */
const char *jsonx_kind_name(enum jsonx_kind kind);

/* 1 if v is of kind. */
int jsonx_kind_matches(enum jsonx_kind kind, const struct json_t *v);

/* "a string", "an integer", "an object", ... for messages; "nothing" for
 * NULL.  Static. */
const char *json_type_name(const struct json_t *v);

struct json_error_t;

/*
 * json_loadb() with duplicate keys always refused, and such a refusal
 * named: jerr->text then reads 'duplicate member "KEY"' (KEY decoded,
 * cut to TEXT_QUOTE_MAX bytes and made printable), where jansson's own
 * text does not say which key.  jerr's line, column and position are
 * jansson's.  Returns a new reference, or NULL with jerr set.
 */
struct json_t *jsonx_loadb(
    const char *buf, size_t len, size_t flags, struct json_error_t *jerr);

#endif
