/*
 * template.c - e-mail subjects and bodies from templates/mail/<lang>/
 * <name>.txt (see template.h).
 *
 * The loader never builds a path from unchecked text: a name is
 * [a-z0-9_]+, a language tag [a-z]{2,3}(-[A-Za-z0-9]{2,8})? (anything else
 * is read as "en").  For a tag with a region ("de-CH") the file of its
 * primary language ("de") is tried before "en".  A template is read with
 * open() and fstat() (a regular file of at most MAIL_TEMPLATE_MAX bytes,
 * opened non-blocking so that a FIFO cannot hang the caller); a UTF-8 BOM
 * and CRLF line ends (from Windows editors) are accepted.
 *
 * Variable values may be access codes, so every buffer that held one is
 * wiped: the results are strbufs (wiped when they grow or are released)
 * and mail_rendered_release() wipes before freeing.
 */
#include "mail/template.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/textfile.h"
#include "mail/message.h"

#include "compat/banned.h"

#define TPL_NAME_MAX 64                  /* longest template name */
#define TPL_PATH_MAX 4096                /* longest template path */
#define TPL_FILE_MAX (16 + TPL_NAME_MAX) /* "lang/name.txt" */
#define TPL_WORDS    "words.txt"         /* a language's words for codes */

/* 1 if lang matches [a-z]{2,3}(-[A-Za-z0-9]{2,8})? */
static int
tpl_lang_ok(const char *lang)
{
	size_t i = 0, n;

	while (lang[i] >= 'a' && lang[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (lang[i] == '\0')
		return 1;
	if (lang[i] != '-')
		return 0;
	for (n = 0, i++; lang[i] != '\0'; n++, i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') ||
		        (lang[i] >= 'A' && lang[i] <= 'Z') ||
		        (lang[i] >= '0' && lang[i] <= '9')))
			return 0;
	return n >= 2 && n <= 8;
}

/* 1 if name matches [a-z0-9_]+ and is at most TPL_NAME_MAX bytes. */
static int
tpl_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (i >= TPL_NAME_MAX ||
		    !((name[i] >= 'a' && name[i] <= 'z') ||
		        (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return i > 0;
}

static int
tpl_var_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The value of variable name (len bytes) in vars, or NULL with *found
 * telling an unknown name from a NULL value. */
static const char *
tpl_lookup(const struct mail_var *vars, size_t nvars, const char *name,
    size_t len, int *found)
{
	size_t i;

	*found = 0;
	for (i = 0; i < nvars; i++) {
		if (vars[i].name != NULL && strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0) {
			*found = 1;
			return vars[i].value;
		}
	}
	return NULL;
}

/* The value of the variable {{name}} (len bytes) on line of file; NULL
 * after a message in err (unknown, no value, or for the subject a value
 * with a line break).  The name is quoted to at most 32 bytes. */
static const char *
tpl_var_value(const char *file, size_t line, const char *name, size_t len,
    const struct mail_var *vars, size_t nvars, int subject, char *err,
    size_t errsize)
{
	int shown = (int)(len > 32 ? 32 : len), found;
	const char *value;
	size_t k;

	for (k = 0; k < len && tpl_var_char(name[k]); k++)
		;
	if (k < len || len == 0) {
		(void)snprintf(err, errsize,
		    "template '%s' line %zu: '{{%.*s}}' is not a variable name "
		    "(letters, digits and '_')",
		    file, line, shown, name);
		return NULL;
	}
	value = tpl_lookup(vars, nvars, name, len, &found);
	if (value == NULL) {
		(void)snprintf(err, errsize,
		    "template '%s' line %zu: %s variable '%.*s'", file, line,
		    found ? "no value for" : "unknown", shown, name);
		return NULL;
	}
	if (subject && strpbrk(value, "\r\n") != NULL) {
		(void)snprintf(err, errsize,
		    "template '%s' line %zu: variable '%.*s' puts a line break "
		    "into the subject",
		    file, line, shown, name);
		return NULL;
	}
	return value;
}

/* The words file of a language, for "{{name:group}}". */
struct tpl_words {
	const char *file; /* "de/words.txt", for messages */
	const char *text; /* NULL: the language has none */
	size_t len;
};

static int
tpl_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* The words for group.code (glen and clen bytes) in w: a pointer into
 * w->text and its length in *n, or NULL. */
static const char *
tpl_words_find(const struct tpl_words *w, const char *group, size_t glen,
    const char *code, size_t clen, size_t *n)
{
	const char *p = w->text, *end, *eol, *k, *v;

	if (p == NULL)
		return NULL;
	end = w->text + w->len;
	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		for (k = p; k < eol && (*k == ' ' || *k == '\t'); k++)
			;
		if (k == eol || *k == '#')
			continue;
		if ((size_t)(eol - k) <= glen + 1 + clen ||
		    memcmp(k, group, glen) != 0 || k[glen] != '.' ||
		    memcmp(k + glen + 1, code, clen) != 0)
			continue;
		for (v = k + glen + 1 + clen;
		     v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == eol || *v != '=')
			continue;
		for (v++; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		*n = (size_t)(eol - v);
		while (*n > 0 && (v[*n - 1] == '\r' || v[*n - 1] == ' ' ||
		                     v[*n - 1] == '\t'))
			(*n)--;
		return *n > 0 ? v : NULL;
	}
	return NULL;
}

/*
 * Append the words for value, a list of codes of group: items separated
 * by ';', each "code" or "label=code", become "words" or "label: words",
 * joined by "; ".  A code is [a-z0-9_-]+; one without words in the
 * language's words file is an error (never the code itself, which would
 * put a word of C into another language's mail).  0 or -1.
 */
static int
tpl_words_append(const char *file, size_t line, const struct tpl_words *w,
    const char *group, size_t glen, const char *value, struct strbuf *out,
    char *err, size_t errsize)
{
	const char *item = value, *semi, *eq, *code, *words;
	size_t clen, n, k;
	int first = 1;

	for (;;) {
		semi = strchr(item, ';');
		if (semi == NULL)
			semi = item + strlen(item);
		while (item < semi && *item == ' ')
			item++;
		eq = memchr(item, '=', (size_t)(semi - item));
		code = eq != NULL ? eq + 1 : item;
		clen = (size_t)(semi - code);
		for (k = 0; k < clen && tpl_code_char(code[k]); k++)
			;
		if (clen == 0 || k < clen) {
			(void)snprintf(err, errsize,
			    "template '%s' line %zu: a value for '%.*s' is "
			    "not a list of codes",
			    file, line, (int)glen, group);
			return -1;
		}
		words = tpl_words_find(w, group, glen, code, clen, &n);
		if (words == NULL) {
			(void)snprintf(err, errsize,
			    "template '%s' line %zu: no words for '%.*s.%.*s' "
			    "in '%s'",
			    file, line, (int)glen, group,
			    (int)(clen > 32 ? 32 : clen), code, w->file);
			return -1;
		}
		if ((!first && strbuf_add(out, "; ", 2) == -1) ||
		    (eq != NULL &&
		        (strbuf_add(out, item, (size_t)(eq - item)) == -1 ||
		            strbuf_add(out, ": ", 2) == -1)) ||
		    strbuf_add(out, words, n) == -1)
			return -2;
		first = 0;
		if (*semi == '\0')
			return 0;
		item = semi + 1;
	}
}

/* Append s (len bytes, first line numbered line0) to out with variables
 * substituted.  subject: refuse values with a line break.  file names the
 * template in messages.  0 or -1. */
static int
tpl_expand(const char *file, const char *s, size_t len, size_t line0,
    const struct mail_var *vars, size_t nvars, const struct tpl_words *w,
    int subject, struct strbuf *out, char *err, size_t errsize)
{
	const char *what = subject ? "subject" : "body";
	const char *value, *colon;
	size_t i = 0, start, j, line = line0;
	int rc;

	while (i < len) {
		start = i;
		while (
		    i < len && !(s[i] == '{' && i + 1 < len && s[i + 1] == '{'))
			if (s[i++] == '\n')
				line++;
		if (strbuf_add(out, s + start, i - start) == -1)
			goto toolong;
		if (i == len)
			break;
		if (i + 3 < len && s[i + 2] == '{' && s[i + 3] == '{') {
			if (strbuf_add(out, "{{", 2) == -1)
				goto toolong;
			i += 4;
			continue;
		}
		for (j = i + 2; j < len && s[j] != '\n'; j++)
			if (s[j] == '}' && j + 1 < len && s[j + 1] == '}')
				break;
		if (j >= len || s[j] != '}') {
			(void)snprintf(err, errsize,
			    "template '%s' line %zu: unterminated '{{'", file,
			    line);
			return -1;
		}
		/* {{name:group}}: name's value is codes, worded here. */
		colon = memchr(s + i + 2, ':', j - i - 2);
		value = tpl_var_value(file, line, s + i + 2,
		    colon != NULL ? (size_t)(colon - (s + i + 2)) : j - i - 2,
		    vars, nvars, subject, err, errsize);
		if (value == NULL)
			return -1;
		if (colon != NULL) {
			rc = tpl_words_append(file, line, w, colon + 1,
			    (size_t)(s + j - colon - 1), value, out, err,
			    errsize);
			if (rc == -2)
				goto toolong;
			if (rc == -1)
				return -1;
		} else if (strbuf_addstr(out, value) == -1)
			goto toolong;
		i = j + 2;
	}
	return 0;
toolong:
	(void)snprintf(err, errsize,
	    "template '%s' line %zu: the %s is longer than %zu bytes", file,
	    line, what, out->max);
	return -1;
}

int
mail_template_render(const char *dir, const char *lang, const char *name,
    const struct mail_var *vars, size_t nvars, struct mail_rendered *out,
    char *err, size_t errsize)
{
	char path[TPL_PATH_MAX], file[TPL_FILE_MAX], q[TEXT_QUOTE_MAX + 4];
	char primary[4], wfile[TPL_FILE_MAX];
	const char *tries[3];
	struct tpl_words words = {wfile, NULL, 0};
	char *wtext = NULL;
	struct strbuf subj, body;
	const char *p, *end, *nl, *sv, *sve, *body_start;
	char *text = NULL;
	size_t len = 0, ntries = 0, k, n;
	int r = 1, rc = -1;

	strbuf_init(&subj, MAIL_MAX_SUBJECT);
	strbuf_init(&body, MAIL_MAX_BODY);
	if (dir == NULL || name == NULL) {
		(void)snprintf(err, errsize,
		    "no template directory or template name given");
		goto out;
	}
	if (!tpl_name_ok(name)) {
		(void)text_quote(q, sizeof(q), name, TEXT_QUOTE_MAX);
		text_oneline(q);
		(void)snprintf(err, errsize,
		    "template name '%s' is not valid (letters a-z, digits "
		    "and '_' only)",
		    q);
		goto out;
	}
	if (lang == NULL || !tpl_lang_ok(lang))
		lang = "en";
	tries[ntries++] = lang;
	n = strcspn(lang, "-");
	if (lang[n] == '-') {
		memcpy(primary, lang, n);
		primary[n] = '\0';
		tries[ntries++] = primary;
	}
	if (strcmp(tries[ntries - 1], "en") != 0)
		tries[ntries++] = "en";

	for (k = 0; k < ntries && r == 1; k++) {
		int m = snprintf(
		    path, sizeof(path), "%s/%s/%s.txt", dir, tries[k], name);

		if (m < 0 || (size_t)m >= sizeof(path)) {
			(void)snprintf(err, errsize,
			    "template directory '%.64s...' is too long", dir);
			goto out;
		}
		(void)snprintf(file, sizeof(file), "%s/%s.txt", tries[k], name);
		r = text_file_read(path, "template", MAIL_TEMPLATE_MAX, &text,
		    &len, err, errsize);
		if (r == -1)
			goto out;
	}
	if (r == 1) {
		(void)snprintf(err, errsize,
		    "no template '%s.txt' for language '%s' or 'en' in '%s'",
		    name, lang, dir);
		goto out;
	}
	/* The words of the language whose template this is. */
	(void)snprintf(
	    path, sizeof(path), "%s/%s/%s", dir, tries[k - 1], TPL_WORDS);
	(void)snprintf(wfile, sizeof(wfile), "%s/%s", tries[k - 1], TPL_WORDS);
	r = text_file_read(path, "words file", MAIL_TEMPLATE_MAX, &wtext,
	    &words.len, err, errsize);
	if (r == -1)
		goto out;
	if (r == 0 && memchr(wtext, '\0', words.len) != NULL) {
		(void)snprintf(
		    err, errsize, "words file '%s' contains a NUL byte", wfile);
		goto out;
	}
	words.text = r == 0 ? wtext : NULL;
	if (memchr(text, '\0', len) != NULL) {
		(void)snprintf(
		    err, errsize, "template '%s' contains a NUL byte", file);
		goto out;
	}

	p = text;
	end = text + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	nl = memchr(p, '\n', (size_t)(end - p));
	sve = nl != NULL ? nl : end;
	if (sve > p && sve[-1] == '\r')
		sve--;
	if (sve - p < 8 || memcmp(p, "Subject:", 8) != 0) {
		(void)snprintf(err, errsize,
		    "template '%s' line 1: the first line must be "
		    "'Subject: ...'",
		    file);
		goto out;
	}
	for (sv = p + 8; sv < sve && (*sv == ' ' || *sv == '\t'); sv++)
		;
	while (sve > sv && (sve[-1] == ' ' || sve[-1] == '\t'))
		sve--;
	if (sv == sve) {
		(void)snprintf(err, errsize,
		    "template '%s' line 1: the subject is empty", file);
		goto out;
	}
	/* line 2 must be blank ("\n" or "\r\n"); the body follows it */
	if (nl != NULL && nl + 1 < end && nl[1] == '\n')
		body_start = nl + 2;
	else if (nl != NULL && nl + 2 < end && nl[1] == '\r' && nl[2] == '\n')
		body_start = nl + 3;
	else {
		(void)snprintf(err, errsize,
		    "template '%s' line 2: a blank line must follow the "
		    "subject line",
		    file);
		goto out;
	}
	if (tpl_expand(file, sv, (size_t)(sve - sv), 1, vars, nvars, &words, 1,
	        &subj, err, errsize) == -1)
		goto out;
	if (strpbrk(subj.buf, "\r\n") != NULL) {
		(void)snprintf(err, errsize,
		    "template '%s' line 1: the subject contains a line break",
		    file);
		goto out;
	}
	if (tpl_expand(file, body_start, (size_t)(end - body_start), 3, vars,
	        nvars, &words, 0, &body, err, errsize) == -1)
		goto out;

	out->subject = strbuf_detach(&subj);
	out->body = strbuf_detach(&body);
	rc = 0;
out:
	freezero(text, MAIL_TEMPLATE_MAX + 1);
	freezero(wtext, MAIL_TEMPLATE_MAX + 1);
	strbuf_release(&subj);
	strbuf_release(&body);
	return rc;
}

void
mail_rendered_release(struct mail_rendered *out)
{
	if (out == NULL)
		return;
	strfreezero(out->subject);
	strfreezero(out->body);
	out->subject = NULL;
	out->body = NULL;
}
