/*
 * form.c - urlencoded form bodies (see form.h).  WHATWG URL standard,
 * application/x-www-form-urlencoded parsing.
 */
#include "web/form.h"

#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/hex.h"
#include "compat/banned.h"

/* Decode [s, e) into out (FORM_MAX_VALUE + 1 bytes); -1 when too long,
 * malformed or NUL. */
static int
form_decode(const char *s, const char *e, char *out)
{
	size_t n = 0;
	int h, l;

	for (; s < e; s++) {
		char c = *s;

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (e - s < 3 || (h = hex_value(s[1])) < 0 ||
			    (l = hex_value(s[2])) < 0)
				return -1;
			c = (char)(h * 16 + l);
			s += 2;
		}
		if (c == '\0' || n == FORM_MAX_VALUE)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (int)n;
}

/* 1 if s is valid UTF-8 (no overlongs, no surrogates). */
static int
form_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		int n;

		if (*s < 0x80)
			n = 0;
		else if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
			n = 1;
		else if ((*s & 0xf0) == 0xe0)
			n = 2;
		else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4)
			n = 3;
		else
			return 0;
		if (n == 2 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
		                  (s[0] == 0xed && s[1] >= 0xa0)))
			return 0;
		if (n == 3 && ((s[0] == 0xf0 && s[1] < 0x90) ||
		                  (s[0] == 0xf4 && s[1] >= 0x90)))
			return 0;
		for (s++; n > 0; n--, s++)
			if ((*s & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

int
form_parse(const char *body, size_t len, struct form *f)
{
	const char *p = body, *end = body + len, *amp, *eq;
	char name[FORM_MAX_VALUE + 1], value[FORM_MAX_VALUE + 1];
	size_t i;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) { /* empty pair */
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || f->n == FORM_MAX_FIELDS ||
		    form_decode(p, eq, name) < 1 ||
		    strlen(name) >= FORM_MAX_NAME ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		        strlen(name) ||
		    form_decode(eq + 1, amp, value) < 0 ||
		    !form_utf8((const unsigned char *)value))
			goto bad;
		for (i = 0; i < f->n; i++)
			if (strcmp(f->name[i], name) == 0)
				goto bad;
		strlcpy_s(f->name[f->n], name, FORM_MAX_NAME);
		f->value[f->n++] = xstrdup(value);
		p = amp + 1;
	}
	secure_zero(value, sizeof(value));
	return 0;
bad:
	secure_zero(value, sizeof(value));
	form_release(f);
	return -1;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

void
form_release(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		strfreezero(f->value[i]);
	memset(f, 0, sizeof(*f));
}
