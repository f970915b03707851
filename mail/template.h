/*
 * template.h - e-mail bodies from templates/mail/<lang>/<name>.txt.
 *
 * A mail template is UTF-8 text.  Its first line is "Subject: ..." and
 * the rest, after one blank line, is the body.  "{{name}}" is replaced by
 * the value of variable name (letters, digits, '_'); "{{{{" is a literal
 * "{{".  An unknown variable, an unterminated "{{" or a template without
 * a subject line is an error naming the file and line, never a silently
 * empty field.  Values are inserted as given (plain text mail); a value
 * containing CR, LF or NUL is refused when used in the subject.
 *
 * Results are codes; words live in each language's files, never in C.
 * "{{name:group}}" takes name's value as a list of codes ("code" or
 * "label=code" items separated by ';', a code being [a-z0-9_-]+) and
 * writes each one's words from <lang>/words.txt, where a line
 * "group.code = words" gives them ('#' starts a comment line): "label:
 * words" items joined by "; ".  A code without words in the template's
 * own language is an error naming it, never the code or another
 * language's words.  E.g. "{{systems:result}}" with "PROD=ok;DR=pending"
 * gives "PROD: geändert; DR: ..." from de/words.txt.
 *
 * Languages: the caller asks for a language tag ("de", "en"); a missing
 * language falls back to "en".  Template names are [a-z0-9_]+ only, so no
 * request can make the loader read another file.
 */
#ifndef SSPR_MAIL_TEMPLATE_H
#define SSPR_MAIL_TEMPLATE_H

#include <stddef.h>

#include "compat/strbuf.h"

#define MAIL_TEMPLATE_MAX (32 * 1024)

struct mail_var {
	const char *name;
	const char *value;
};

struct mail_rendered {
	char *subject; /* new */
	char *body;    /* new */
};

/*
 * Render dir/<lang>/<name>.txt (falling back to dir/en/<name>.txt when
 * lang has none) with vars.  Returns 0 and fills out (free with
 * mail_rendered_release), or -1 with a message in err.
 */
int mail_template_render(const char *dir, const char *lang, const char *name,
    const struct mail_var *vars, size_t nvars, struct mail_rendered *out,
    char *err, size_t errsize);

/* Wipe and free; out is left empty. */
void mail_rendered_release(struct mail_rendered *out);

#endif
