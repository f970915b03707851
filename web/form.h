/*
 * form.h - application/x-www-form-urlencoded bodies (the pages' forms),
 * parsed into a bounded set of fields.
 *
 * At most FORM_MAX_FIELDS fields of at most FORM_MAX_VALUE bytes each;
 * names are [a-z0-9_] only; a field may appear once (a repeated name is a
 * malformed form, so no parameter pollution).  Values are percent-decoded
 * and must be valid UTF-8 without NUL.  The form may hold secrets:
 * form_release() wipes it.
 */
#ifndef SSPR_WEB_FORM_H
#define SSPR_WEB_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 24
#define FORM_MAX_NAME   32
#define FORM_MAX_VALUE  512

struct form {
	size_t n;
	char name[FORM_MAX_FIELDS][FORM_MAX_NAME];
	char *value[FORM_MAX_FIELDS];
};

/* Parse len bytes of body into f.  0, or -1 when malformed (f is then
 * released). */
int form_parse(const char *body, size_t len, struct form *f);

/* The value of name, or NULL. */
const char *form_get(const struct form *f, const char *name);

void form_release(struct form *f);

#endif
