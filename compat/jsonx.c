/*
 * jsonx.c - jansson helpers (see jsonx.h).
 */
#include "compat/jsonx.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
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
