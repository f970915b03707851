/*
 * tmpl.h - the HTML template renderer of the pages (a small subset of
 * Mustache; no C Mustache library is packaged for Debian).
 *
 * Templates live in <dir>/NAME.html, message catalogs in <dir>/i18n/<lang>.json
 * ({"key": "text", ...}); everything is loaded once at start-up and checked
 * (an unknown tag, an unbalanced section, a partial or catalog key that
 * does not exist is an error naming the file and line).  The data is a
 * jansson value (borrowed).  Tags:
 *
 *	{{name}}	the value at name (dotted paths: a.b), HTML-escaped
 *			(& < > " ' and /); numbers and booleans as text;
 *			missing: empty
 *	{{#name}}..{{/name}}	section: repeated for each element of an
 *			array (the element is the context, "." names it),
 *			once for a true value or an object (as context),
 *			skipped for false, null, missing, "" or []
 *	{{^name}}..{{/name}}	inverted section: once when the section
 *			would be skipped
 *	{{>partial}}	another template of the set, same context
 *	{{t:key}}	the message catalog's text for key in the
 *			language, HTML-escaped; English when the
 *			language lacks it
 *	{{! comment }}
 *
 * There is no unescaped output tag: nothing from a request can ever be
 * written into a page without escaping.
 */
#ifndef SSPR_WEB_TMPL_H
#define SSPR_WEB_TMPL_H

#include <stddef.h>

#include "compat/strbuf.h"

struct tmpl_set;
struct json_t;

#define TMPL_MAX_PAGE (256 * 1024) /* a rendered page */

/* Load and check every template and catalog under dir.  Returns 0 and
 * *out, or -1 with err naming the file and line. */
int tmpl_load(
    const char *dir, struct tmpl_set **out, char *err, size_t errsize);
void tmpl_free(struct tmpl_set *ts);

/* Render template name (without .html) for lang with data into out.
 * Returns 0, or -1 with err (unknown template, page too large). */
int tmpl_render(const struct tmpl_set *ts, const char *name, const char *lang,
    const struct json_t *data, struct strbuf *out, char *err, size_t errsize);

/* The catalog's text for key in lang (English when lang lacks it), or
 * NULL when no catalog has key.  Borrowed from ts. */
const char *tmpl_text(
    const struct tmpl_set *ts, const char *lang, const char *key);

/* The languages that have a catalog ("de", "en", "fr"), as a static list
 * terminated by NULL. */
const char *const *tmpl_languages(const struct tmpl_set *ts);

/* Append s HTML-escaped to out: 0 or -1 (ceiling). */
int tmpl_escape(struct strbuf *out, const char *s);

#endif
