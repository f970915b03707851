/*
 * jsonx.c - jansson helpers (see jsonx.h).
 */
#include "compat/jsonx.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/banned.h"

#define JSON_WIPE_HDR sizeof(max_align_t)

static pthread_once_t json_wipe_once = PTHREAD_ONCE_INIT;

static void *
json_wipe_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - JSON_WIPE_HDR)
		return NULL;
	p = xmalloc(JSON_WIPE_HDR + n);
	memcpy(p, &n, sizeof(n));
	return p + JSON_WIPE_HDR;
}

void
json_wipe_free(void *ptr)
{
	unsigned char *p;
	size_t n;

	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - JSON_WIPE_HDR;
	memcpy(&n, p, sizeof(n));
	freezero(p, JSON_WIPE_HDR + n);
}

static void
json_wipe_install(void)
{
	json_set_alloc_funcs(json_wipe_malloc, json_wipe_free);
}

void
json_wipe_init(void)
{
	(void)pthread_once(&json_wipe_once, json_wipe_install);
}

const char *
json_type_name(const json_t *v)
{
	if (v == NULL)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown type";
}

const char *
jsonx_kind_name(enum jsonx_kind kind)
{
	switch (kind) {
	case JX_STRING:
		return "a string";
	case JX_INTEGER:
		return "an integer";
	case JX_BOOLEAN:
		return "a boolean";
	case JX_OBJECT:
		return "an object";
	case JX_ARRAY:
		return "an array";
	}
	return "an unknown type";
}

int
jsonx_kind_matches(enum jsonx_kind kind, const json_t *v)
{
	switch (kind) {
	case JX_STRING:
		return json_is_string(v);
	case JX_INTEGER:
		return json_is_integer(v);
	case JX_BOOLEAN:
		return json_is_boolean(v);
	case JX_OBJECT:
		return json_is_object(v);
	case JX_ARRAY:
		return json_is_array(v);
	}
	return 0;
}

/* ---------------------------------------------------------------- *
 * Parsing with duplicate keys named
 * ---------------------------------------------------------------- */

/*
 * The key jansson refused as a duplicate: JSON_REJECT_DUPLICATES stops
 * with the stream just past the key's closing quote, so the string token
 * runs back from there to the first quote not escaped by an odd run of
 * backslashes (an unescaped quote cannot occur inside a JSON string).
 * The token is decoded by jansson itself.  Returns 0 with the quoted name
 * in q, or -1 when the position does not end a string token.
 */
static int
jsonx_dup_key(const char *buf, size_t len, size_t pos, char *q, size_t qsize)
{
	json_error_t e;
	json_t *s;
	size_t j, bs;

	if (pos < 2 || pos > len || buf[pos - 1] != '"')
		return -1;
	for (j = pos - 1; j-- > 0;) {
		if (buf[j] != '"')
			continue;
		for (bs = 0; bs < j && buf[j - 1 - bs] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			break;
	}
	if (j == (size_t)-1 || buf[j] != '"')
		return -1;
	s = json_loadb(buf + j, pos - j, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!json_is_string(s)) {
		json_decref(s);
		return -1;
	}
	(void)text_quote(q, qsize, json_string_value(s), TEXT_QUOTE_MAX);
	json_decref(s);
	return 0;
}

json_t *
jsonx_loadb(const char *buf, size_t len, size_t flags, json_error_t *jerr)
{
	char q[TEXT_QUOTE_MAX + 8];
	json_t *o;

	o = json_loadb(buf, len, flags | JSON_REJECT_DUPLICATES, jerr);
	if (o != NULL || json_error_code(jerr) != json_error_duplicate_key)
		return o;
	if (jsonx_dup_key(buf, len, (size_t)jerr->position, q, sizeof(q)) ==
	    0) {
		(void)snprintf(jerr->text, sizeof(jerr->text),
		    "duplicate member \"%s\"", q);
		text_oneline(jerr->text);
	} else
		(void)snprintf(
		    jerr->text, sizeof(jerr->text), "duplicate member");
	return NULL;
}
