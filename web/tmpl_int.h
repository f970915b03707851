/*
 * tmpl_int.h - the template renderer's internal entry points: build a set
 * from buffers instead of files.  tmpl_load() is built on them; the unit
 * tests and the template fuzzer call them directly.  Not an interface for
 * the rest of the service: a set built here is checked exactly as a loaded
 * one, but nothing outside web/tmpl.c and the tests may depend on them.
 */
#ifndef SSPR_WEB_TMPL_INT_H
#define SSPR_WEB_TMPL_INT_H

#include <stddef.h>

#include "web/tmpl.h"

/* An empty set; never NULL (allocation failure aborts). */
struct tmpl_set *tmpl_set_new(void);

/* Add the template name (len bytes of text, copied).  0, or -1 with err
 * naming the template and line. */
int tmpl_add_template(struct tmpl_set *ts, const char *name, const char *text,
    size_t len, char *err, size_t errsize);

/* Add the message catalog of lang (len bytes of JSON, copied).  0, or -1
 * with err. */
int tmpl_add_catalog(struct tmpl_set *ts, const char *lang, const char *text,
    size_t len, char *err, size_t errsize);

/* Resolve partials and check every catalog key the templates use.  0, or
 * -1 with err. */
int tmpl_link(struct tmpl_set *ts, char *err, size_t errsize);

#endif
