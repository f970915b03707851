/*
 * tmpl.c - the HTML template renderer of the pages (see tmpl.h).
 *
 * At load time every template is compiled into a flat list of operations
 * (text, variable, section, inverted section, partial, translation): a
 * section's body is the run of operations after it up to its end index,
 * dotted names are split once, partials are resolved to the template they
 * name and every catalog key is checked against the English catalog.
 * Rendering then walks the lists without parsing anything.
 *
 * Limits: a template file is at most TMPL_MAX_FILE bytes, a catalog
 * TMPL_MAX_CATALOG bytes, sections nest at most TMPL_MAX_NESTING deep in
 * one template, partials at most TMPL_MAX_DEPTH deep while rendering (a
 * partial may include itself inside a section, so recursion is caught
 * here, not at load time), one rendering executes at most TMPL_MAX_STEPS
 * operations (so a template cannot loop exponentially through partials
 * without writing anything) and a page is at most TMPL_MAX_PAGE bytes.
 *
 * A loaded set is never changed, so any number of threads may render
 * from it at once.
 */
#include "web/tmpl.h"
#include "web/tmpl_int.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/textfile.h"
#include "compat/strbuf.h"

#include "compat/banned.h"

#define TMPL_MAX_FILE      (64 * 1024)   /* one template file */
#define TMPL_MAX_CATALOG   (256 * 1024)  /* one catalog file */
#define TMPL_MAX_TEMPLATES 256           /* templates in a set */
#define TMPL_MAX_NAME      64            /* a template name */
#define TMPL_MAX_TAGNAME   128           /* a variable name or catalog key */
#define TMPL_MAX_NESTING   32            /* sections inside sections */
#define TMPL_MAX_DEPTH     8             /* partials inside partials */
#define TMPL_MAX_STEPS     (1024 * 1024) /* operations per rendering */
#define TMPL_MAX_PATH      4096
#define TMPL_QUOTE         40 /* bytes of a tag quoted in a message */

enum tmpl_kind {
	TK_TEXT,      /* arg: len bytes of text */
	TK_VAR,       /* {{name}} */
	TK_SECTION,   /* {{#name}}, body up to end */
	TK_INVERTED,  /* {{^name}}, body up to end */
	TK_PARTIAL,   /* {{>name}}, resolved to target */
	TK_TRANSLATE, /* {{t:key}} */
};

struct tmpl_op {
	enum tmpl_kind kind;
	size_t line;   /* where the tag (or the text) starts */
	char *arg;     /* text, name, partial or key (NUL-terminated) */
	size_t len;    /* bytes of arg */
	char *path;    /* name split at '.' into NUL-separated segments */
	size_t npath;  /* segments; 0 for "." */
	size_t end;    /* sections: the first operation after the body */
	size_t target; /* partials: the index of the template */
};

struct tmpl_page {
	char *name; /* "login" */
	char *file; /* "login.html", for messages */
	struct tmpl_op *ops;
	size_t nops, aops;
};

struct tmpl_catalog {
	char lang[3];
	json_t *msgs; /* an object of strings */
};

struct tmpl_set {
	struct tmpl_page *pages; /* sorted by name once linked */
	size_t npages;
	struct tmpl_catalog *cats; /* sorted by language once linked */
	size_t ncats;
	const struct tmpl_catalog *en;
	const char **langs; /* ncats + 1, NULL-terminated */
	int linked;
};

/* The context stack of a rendering: innermost first. */
struct tmpl_ctx {
	const json_t *v;
	const struct tmpl_ctx *up;
};

struct tmpl_run {
	const struct tmpl_set *ts;
	const struct tmpl_catalog *cat; /* the language's, or English */
	const char *name;               /* the page rendered, for messages */
	struct strbuf *out;
	size_t steps;
	char *err;
	size_t errsize;
};

/* 1 if name matches [a-z0-9_]+ and is at most TMPL_MAX_NAME bytes. */
static int
tmpl_name_ok(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > TMPL_MAX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		        (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

/* 1 if lang matches [a-z]{2}. */
static int
tmpl_lang_ok(const char *lang, size_t n)
{
	return n == 2 && lang[0] >= 'a' && lang[0] <= 'z' && lang[1] >= 'a' &&
	       lang[1] <= 'z';
}

/* 1 if key matches [a-z0-9_.]+ and is at most TMPL_MAX_TAGNAME bytes. */
static int
tmpl_key_ok(const char *key, size_t n)
{
	size_t i;

	if (n == 0 || n > TMPL_MAX_TAGNAME)
		return 0;
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		        (key[i] >= '0' && key[i] <= '9') || key[i] == '_' ||
		        key[i] == '.'))
			return 0;
	return 1;
}

static int
tmpl_segchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* 1 if name is "." or segments of [A-Za-z0-9_-]+ joined by '.'. */
static int
tmpl_path_ok(const char *name, size_t n)
{
	size_t i, seg = 0;

	if (n == 1 && name[0] == '.')
		return 1;
	if (n == 0 || n > TMPL_MAX_TAGNAME)
		return 0;
	for (i = 0; i < n; i++) {
		if (name[i] == '.') {
			if (seg == 0)
				return 0;
			seg = 0;
		} else if (tmpl_segchar(name[i]))
			seg++;
		else
			return 0;
	}
	return seg > 0;
}

static int
tmpl_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Quote n bytes at s (a tag, a name) in a message: text_quote's cut at
 * TMPL_QUOTE bytes, as one printable line. */
static const char *
tmpl_quote(char *buf, size_t size, const char *s, size_t n)
{
	char span[TMPL_QUOTE + 2]; /* one byte more shows the cut */

	(void)snprintf(span, sizeof(span), "%.*s",
	    (int)(n < sizeof(span) - 1 ? n : sizeof(span) - 1), s);
	text_quote(buf, size, span, TMPL_QUOTE);
	text_oneline(buf);
	return buf;
}

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set *ts = xcalloc(1, sizeof(*ts));

	json_wipe_init();
	return ts;
}

void
tmpl_free(struct tmpl_set *ts)
{
	size_t i, k;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->npages; i++) {
		for (k = 0; k < ts->pages[i].nops; k++) {
			free(ts->pages[i].ops[k].arg);
			free(ts->pages[i].ops[k].path);
		}
		free(ts->pages[i].ops);
		free(ts->pages[i].name);
		free(ts->pages[i].file);
	}
	free(ts->pages);
	for (i = 0; i < ts->ncats; i++)
		json_decref(ts->cats[i].msgs);
	free(ts->cats);
	free(ts->langs);
	free(ts);
}

/* Append an operation to pg; returns it (zeroed but for kind and line). */
static struct tmpl_op *
tmpl_op_new(struct tmpl_page *pg, enum tmpl_kind kind, size_t line)
{
	struct tmpl_op *op;

	if (pg->nops == pg->aops) {
		pg->aops = pg->aops ? pg->aops * 2 : 16;
		pg->ops = xrealloc(pg->ops, pg->aops * sizeof(*pg->ops));
	}
	op = &pg->ops[pg->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = line;
	return op;
}

/* Append text (n bytes) to pg, joining it to a text operation just
 * before it (a comment may have separated them) unless that operation is
 * before fence (the start or end of a section body). */
static void
tmpl_add_text(
    struct tmpl_page *pg, const char *s, size_t n, size_t line, size_t fence)
{
	struct tmpl_op *op;
	char *p;

	if (n == 0)
		return;
	if (pg->nops > fence && pg->ops[pg->nops - 1].kind == TK_TEXT) {
		op = &pg->ops[pg->nops - 1];
		p = xmalloc(op->len + n + 1);
		memcpy(p, op->arg, op->len);
		memcpy(p + op->len, s, n);
		p[op->len + n] = '\0';
		free(op->arg);
		op->arg = p;
		op->len += n;
		return;
	}
	op = tmpl_op_new(pg, TK_TEXT, line);
	op->arg = xstrndup(s, n);
	op->len = n;
}

/* Append a tag operation whose argument is s (n bytes, already checked);
 * variables and sections also get their split path. */
static struct tmpl_op *
tmpl_add_tag(struct tmpl_page *pg, enum tmpl_kind kind, const char *s, size_t n,
    size_t line)
{
	struct tmpl_op *op = tmpl_op_new(pg, kind, line);
	size_t i;

	op->arg = xstrndup(s, n);
	op->len = n;
	if (kind == TK_VAR || kind == TK_SECTION || kind == TK_INVERTED) {
		op->path = xstrndup(s, n);
		if (n == 1 && s[0] == '.')
			return op;
		op->npath = 1;
		for (i = 0; i < n; i++)
			if (op->path[i] == '.') {
				op->path[i] = '\0';
				op->npath++;
			}
	}
	return op;
}

/* Compile text (len bytes) into pg's operations.  0 or -1 with err. */
static int
tmpl_compile(struct tmpl_page *pg, const char *text, size_t len, char *err,
    size_t errsize)
{
	size_t opened[TMPL_MAX_NESTING];
	size_t depth = 0, i = 0, line = 1, fence = 0, start, j, tagline, n, k;
	size_t bodyn;
	char q[TMPL_QUOTE + 8], q2[TMPL_QUOTE + 8];
	const char *s, *body;
	enum tmpl_kind kind;
	char sigil;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		start = i;
		tagline = line;
		while (i < len &&
		       !(text[i] == '{' && i + 1 < len && text[i + 1] == '{'))
			if (text[i++] == '\n')
				line++;
		tmpl_add_text(pg, text + start, i - start, tagline, fence);
		if (i == len)
			break;

		tagline = line;
		if (i + 2 < len && text[i + 2] == '{') {
			errf(err, errsize,
			    "template '%s' line %zu: '{{{' (unescaped output) "
			    "is not supported",
			    pg->file, line);
			return -1;
		}
		for (j = i + 2; j + 1 < len; j++)
			if (text[j] == '}' && text[j + 1] == '}')
				break;
		if (j + 1 >= len) {
			errf(err, errsize,
			    "template '%s' line %zu: unterminated '{{'",
			    pg->file, line);
			return -1;
		}
		s = body = text + i + 2;
		n = bodyn = j - (i + 2);
		i = j + 2;
		for (k = 0; k < n; k++)
			if (s[k] == '\n')
				line++;
		while (n > 0 && tmpl_blank(*s)) {
			s++;
			n--;
		}
		while (n > 0 && tmpl_blank(s[n - 1]))
			n--;
		if (n > 0 && s[0] == '!')
			continue; /* a comment, may span lines */
		if (line != tagline) {
			errf(err, errsize,
			    "template '%s' line %zu: unterminated '{{' (a tag "
			    "ends on its line)",
			    pg->file, tagline);
			return -1;
		}
		if (n > 0 && s[0] == '&') {
			errf(err, errsize,
			    "template '%s' line %zu: '{{%s}}' (unescaped "
			    "output) is not supported",
			    pg->file, tagline, tmpl_quote(q, sizeof(q), s, n));
			return -1;
		}

		sigil = n > 0 ? s[0] : '\0';
		if (sigil == '#' || sigil == '^' || sigil == '/' ||
		    sigil == '>') {
			s++;
			n--;
			while (n > 0 && tmpl_blank(*s)) {
				s++;
				n--;
			}
		} else if (n >= 2 && s[0] == 't' && s[1] == ':') {
			if (!tmpl_key_ok(s + 2, n - 2))
				goto unknown;
			(void)tmpl_add_tag(
			    pg, TK_TRANSLATE, s + 2, n - 2, tagline);
			continue;
		} else
			sigil = '\0';

		if (sigil == '>') {
			if (!tmpl_name_ok(s, n))
				goto unknown;
			(void)tmpl_add_tag(pg, TK_PARTIAL, s, n, tagline);
			continue;
		}
		if (!tmpl_path_ok(s, n))
			goto unknown;
		if (sigil == '\0') {
			(void)tmpl_add_tag(pg, TK_VAR, s, n, tagline);
			continue;
		}
		if (sigil == '/') {
			if (depth == 0) {
				errf(err, errsize,
				    "template '%s' line %zu: '{{/%s}}' closes "
				    "no section",
				    pg->file, tagline,
				    tmpl_quote(q, sizeof(q), s, n));
				return -1;
			}
			k = opened[depth - 1];
			if (pg->ops[k].len != n ||
			    memcmp(pg->ops[k].arg, s, n) != 0) {
				errf(err, errsize,
				    "template '%s' line %zu: '{{/%s}}' does "
				    "not close '{{%c%s}}' of line %zu",
				    pg->file, tagline,
				    tmpl_quote(q, sizeof(q), s, n),
				    pg->ops[k].kind == TK_SECTION ? '#' : '^',
				    tmpl_quote(q2, sizeof(q2), pg->ops[k].arg,
				        pg->ops[k].len),
				    pg->ops[k].line);
				return -1;
			}
			pg->ops[k].end = fence = pg->nops;
			depth--;
			continue;
		}
		if (depth == TMPL_MAX_NESTING) {
			errf(err, errsize,
			    "template '%s' line %zu: sections nested deeper "
			    "than %d",
			    pg->file, tagline, TMPL_MAX_NESTING);
			return -1;
		}
		kind = sigil == '#' ? TK_SECTION : TK_INVERTED;
		(void)tmpl_add_tag(pg, kind, s, n, tagline);
		opened[depth++] = pg->nops - 1;
		fence = pg->nops;
		continue;
	unknown:
		errf(err, errsize,
		    "template '%s' line %zu: unknown tag '{{%s}}'", pg->file,
		    tagline, tmpl_quote(q, sizeof(q), body, bodyn));
		return -1;
	}
	if (depth > 0) {
		k = opened[depth - 1];
		errf(err, errsize,
		    "template '%s' line %zu: section '{{%c%s}}' is not closed",
		    pg->file, pg->ops[k].line,
		    pg->ops[k].kind == TK_SECTION ? '#' : '^',
		    tmpl_quote(q, sizeof(q), pg->ops[k].arg, pg->ops[k].len));
		return -1;
	}
	return 0;
}

int
tmpl_add_template(struct tmpl_set *ts, const char *name, const char *text,
    size_t len, char *err, size_t errsize)
{
	struct tmpl_page *pg;
	char q[TMPL_QUOTE + 8], file[TMPL_MAX_NAME + 8];
	size_t i;

	if (name == NULL || !tmpl_name_ok(name, strlen(name))) {
		errf(err, errsize,
		    "template name '%s' is not valid (a-z, 0-9 and '_', at "
		    "most %d)",
		    name != NULL ? tmpl_quote(q, sizeof(q), name, strlen(name))
		                 : "",
		    TMPL_MAX_NAME);
		return -1;
	}
	(void)snprintf(file, sizeof(file), "%s.html", name);
	if (ts->linked) {
		errf(err, errsize, "template '%s' added to a loaded set", file);
		return -1;
	}
	for (i = 0; i < ts->npages; i++)
		if (strcmp(ts->pages[i].name, name) == 0) {
			errf(err, errsize, "template '%s' is defined twice",
			    file);
			return -1;
		}
	if (ts->npages == TMPL_MAX_TEMPLATES) {
		errf(err, errsize,
		    "template '%s': more than %d templates in the set", file,
		    TMPL_MAX_TEMPLATES);
		return -1;
	}
	if (len > TMPL_MAX_FILE) {
		errf(err, errsize, "template '%s' is larger than %d bytes",
		    file, TMPL_MAX_FILE);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		errf(err, errsize, "template '%s' contains a NUL byte", file);
		return -1;
	}
	ts->pages = xrealloc(ts->pages, (ts->npages + 1) * sizeof(*ts->pages));
	pg = &ts->pages[ts->npages++];
	memset(pg, 0, sizeof(*pg));
	pg->name = xstrdup(name);
	pg->file = xstrdup(file);
	return tmpl_compile(pg, text, len, err, errsize);
}

int
tmpl_add_catalog(struct tmpl_set *ts, const char *lang, const char *text,
    size_t len, char *err, size_t errsize)
{
	char file[32], q[TMPL_QUOTE + 8],
	    msg[sizeof(((json_error_t *)0)->text)];
	json_error_t je;
	json_t *msgs = NULL, *v;
	const char *key;
	size_t i;
	int rc = -1;

	json_wipe_init();
	if (lang == NULL || !tmpl_lang_ok(lang, strlen(lang))) {
		errf(err, errsize,
		    "catalog language '%s' is not valid (two letters a-z)",
		    lang != NULL ? tmpl_quote(q, sizeof(q), lang, strlen(lang))
		                 : "");
		goto out;
	}
	(void)snprintf(file, sizeof(file), "i18n/%s.json", lang);
	if (ts->linked) {
		errf(err, errsize, "catalog '%s' added to a loaded set", file);
		goto out;
	}
	for (i = 0; i < ts->ncats; i++)
		if (strcmp(ts->cats[i].lang, lang) == 0) {
			errf(err, errsize, "catalog '%s' is defined twice",
			    file);
			goto out;
		}
	if (len > TMPL_MAX_CATALOG) {
		errf(err, errsize, "catalog '%s' is larger than %d bytes", file,
		    TMPL_MAX_CATALOG);
		goto out;
	}
	msgs = jsonx_loadb(text, len, 0, &je);
	if (msgs == NULL) {
		(void)strlcpy_s(msg, je.text, sizeof(msg));
		text_oneline(msg);
		errf(err, errsize, "catalog '%s' line %d: not valid JSON: %s",
		    file, je.line, msg);
		goto out;
	}
	if (!json_is_object(msgs)) {
		errf(err, errsize,
		    "catalog '%s' is %s, not an object of strings", file,
		    json_type_name(msgs));
		goto out;
	}
	json_object_foreach(msgs, key, v)
	{
		if (!tmpl_key_ok(key, strlen(key))) {
			errf(err, errsize,
			    "catalog '%s': key '%s' is not valid (a-z, 0-9, "
			    "'_' and '.')",
			    file, tmpl_quote(q, sizeof(q), key, strlen(key)));
			goto out;
		}
		if (!json_is_string(v)) {
			errf(err, errsize,
			    "catalog '%s': the value of '%s' is %s, not a "
			    "string",
			    file, key, json_type_name(v));
			goto out;
		}
	}
	ts->cats = xrealloc(ts->cats, (ts->ncats + 1) * sizeof(*ts->cats));
	(void)strlcpy_s(
	    ts->cats[ts->ncats].lang, lang, sizeof(ts->cats[0].lang));
	ts->cats[ts->ncats++].msgs = msgs;
	msgs = NULL;
	rc = 0;
out:
	json_decref(msgs);
	return rc;
}

static int
tmpl_page_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tmpl_page *)a)->name,
	    ((const struct tmpl_page *)b)->name);
}

static int
tmpl_cat_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tmpl_catalog *)a)->lang,
	    ((const struct tmpl_catalog *)b)->lang);
}

/* The index of template name in the (sorted) set, or -1. */
static long
tmpl_find(const struct tmpl_set *ts, const char *name)
{
	size_t lo = 0, hi = ts->npages, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, ts->pages[mid].name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int
tmpl_link(struct tmpl_set *ts, char *err, size_t errsize)
{
	const struct tmpl_page *pg;
	struct tmpl_op *op;
	size_t i, k;
	long t;

	if (ts->linked) {
		errf(err, errsize, "template set is already loaded");
		return -1;
	}
	qsort(ts->pages, ts->npages, sizeof(*ts->pages), tmpl_page_cmp);
	qsort(ts->cats, ts->ncats, sizeof(*ts->cats), tmpl_cat_cmp);
	ts->en = NULL;
	for (i = 0; i < ts->ncats; i++)
		if (strcmp(ts->cats[i].lang, "en") == 0)
			ts->en = &ts->cats[i];
	if (ts->en == NULL) {
		errf(err, errsize,
		    "no catalog 'i18n/en.json' (English is required)");
		return -1;
	}
	for (i = 0; i < ts->npages; i++) {
		pg = &ts->pages[i];
		for (k = 0; k < pg->nops; k++) {
			op = &pg->ops[k];
			if (op->kind == TK_PARTIAL) {
				t = tmpl_find(ts, op->arg);
				if (t < 0) {
					errf(err, errsize,
					    "template '%s' line %zu: partial "
					    "'{{>%s}}' names no template "
					    "('%s.html')",
					    pg->file, op->line, op->arg,
					    op->arg);
					return -1;
				}
				op->target = (size_t)t;
			} else if (op->kind == TK_TRANSLATE &&
			           !json_is_string(json_object_get(
			               ts->en->msgs, op->arg))) {
				errf(err, errsize,
				    "template '%s' line %zu: catalog key '%s' "
				    "is not in 'i18n/en.json'",
				    pg->file, op->line, op->arg);
				return -1;
			}
		}
	}
	ts->langs = xcalloc(ts->ncats + 1, sizeof(*ts->langs));
	for (i = 0; i < ts->ncats; i++)
		ts->langs[i] = ts->cats[i].lang;
	ts->linked = 1;
	return 0;
}

static int
tmpl_skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* 1 if name ends in suffix after at least one byte. */
static int
tmpl_has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

/* Add every <dir>/NAME.html (catalogs 0) or <dir>/i18n/LANG.json
 * (catalogs 1) to ts.  Returns the number of files added, or -1 with err. */
static long
tmpl_load_dir(struct tmpl_set *ts, const char *dir, int catalogs, char *err,
    size_t errsize)
{
	struct dirent **names = NULL;
	const char *suffix = catalogs ? ".json" : ".html";
	char sub[TMPL_MAX_PATH], path[TMPL_MAX_PATH], base[TMPL_MAX_NAME + 1];
	char q[TMPL_QUOTE + 8];
	char *text = NULL;
	size_t len, blen;
	long added = 0, rc = -1;
	int n, i, m;

	m = catalogs ? snprintf(sub, sizeof(sub), "%s/i18n", dir)
	             : snprintf(sub, sizeof(sub), "%s", dir);
	if (m < 0 || (size_t)m >= sizeof(sub)) {
		errf(err, errsize, "template directory '%.64s...' is too long",
		    dir);
		return -1;
	}
	n = scandir(sub, &names, tmpl_skip_dots, alphasort);
	if (n < 0) {
		errf(err, errsize, "cannot read %s directory '%s': %s",
		    catalogs ? "catalog" : "template", sub, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!tmpl_has_suffix(names[i]->d_name, suffix))
			continue;
		blen = strlen(names[i]->d_name) - strlen(suffix);
		if (catalogs ? !tmpl_lang_ok(names[i]->d_name, blen)
		             : !tmpl_name_ok(names[i]->d_name, blen)) {
			errf(err, errsize,
			    catalogs ? "catalog file name '%s' in '%s' is not "
			               "valid (two letters a-z, e.g. 'en.json')"
			             : "template file name '%s' in '%s' is not "
			               "valid (a-z, 0-9 and '_', then '.html')",
			    tmpl_quote(q, sizeof(q), names[i]->d_name,
			        strlen(names[i]->d_name)),
			    sub);
			goto out;
		}
		memcpy(base, names[i]->d_name, blen);
		base[blen] = '\0';
		m = snprintf(
		    path, sizeof(path), "%s/%s", sub, names[i]->d_name);
		if (m < 0 || (size_t)m >= sizeof(path)) {
			errf(err, errsize,
			    "template directory '%.64s...' is too long", dir);
			goto out;
		}
		if (text_file_read(path, "",
		        catalogs ? TMPL_MAX_CATALOG : TMPL_MAX_FILE, &text,
		        &len, err, errsize) != 0)
			goto out;
		if ((catalogs ? tmpl_add_catalog(
		                    ts, base, text, len, err, errsize)
		              : tmpl_add_template(
		                    ts, base, text, len, err, errsize)) == -1)
			goto out;
		free(text);
		text = NULL;
		added++;
	}
	rc = added;
out:
	free(text);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
tmpl_load(const char *dir, struct tmpl_set **out, char *err, size_t errsize)
{
	struct tmpl_set *ts = NULL;
	long n;
	int rc = -1;

	json_wipe_init();
	if (dir == NULL || dir[0] == '\0') {
		errf(err, errsize, "no template directory given");
		goto out;
	}
	ts = tmpl_set_new();
	n = tmpl_load_dir(ts, dir, 0, err, errsize);
	if (n == -1)
		goto out;
	if (n == 0) {
		errf(err, errsize, "no templates ('*.html') in '%s'", dir);
		goto out;
	}
	if (tmpl_load_dir(ts, dir, 1, err, errsize) == -1 ||
	    tmpl_link(ts, err, errsize) == -1)
		goto out;
	*out = ts;
	ts = NULL;
	rc = 0;
out:
	tmpl_free(ts);
	return rc;
}

int
tmpl_escape(struct strbuf *out, const char *s)
{
	size_t start = out->len, n;
	const char *rep;

	if (s == NULL)
		return 0;
	for (;;) {
		n = strcspn(s, "&<>\"'/");
		if (strbuf_add(out, s, n) == -1)
			goto fail;
		s += n;
		switch (*s) {
		case '\0':
			return 0;
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			rep = "&#47;";
			break;
		}
		if (strbuf_addstr(out, rep) == -1)
			goto fail;
		s++;
	}
fail:
	if (out->len > start) {
		secure_zero(out->buf + start, out->len - start);
		out->len = start;
	}
	return -1;
}

/* The value at op's path in the context stack ctx, or NULL: the first
 * segment is looked up from the innermost context outwards, the others
 * inside it. */
static const json_t *
tmpl_lookup(const struct tmpl_op *op, const struct tmpl_ctx *ctx)
{
	const json_t *v = NULL;
	const char *seg = op->path;
	size_t k;

	if (op->npath == 0)
		return ctx->v;
	for (; ctx != NULL; ctx = ctx->up)
		if (json_is_object(ctx->v) &&
		    (v = json_object_get(ctx->v, seg)) != NULL)
			break;
	for (k = 1; v != NULL && k < op->npath; k++) {
		seg += strlen(seg) + 1;
		v = json_is_object(v) ? json_object_get(v, seg) : NULL;
	}
	return v;
}

/* 0 for what a section skips: missing, null, false, "" and []. */
static int
tmpl_truthy(const json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

/* Write v as text: strings escaped, numbers and booleans as text,
 * anything else nothing.  0 or -1 (ceiling). */
static int
tmpl_put_value(struct strbuf *out, const json_t *v)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return tmpl_escape(out, json_string_value(v));
	case JSON_INTEGER:
		(void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return tmpl_escape(out, num);
	case JSON_REAL:
		(void)snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		return tmpl_escape(out, num);
	case JSON_TRUE:
		return tmpl_escape(out, "true");
	case JSON_FALSE:
		return tmpl_escape(out, "false");
	default:
		return 0;
	}
}

static int
tmpl_too_large(struct tmpl_run *r)
{
	char q[TMPL_QUOTE + 8];

	errf(r->err, r->errsize,
	    "template '%s': page too large (more than %zu bytes)",
	    tmpl_quote(q, sizeof(q), r->name, strlen(r->name)), r->out->max);
	return -1;
}

/* Render operations [from, to) of pg with context ctx at partial depth
 * depth.  0 or -1 with r->err. */
static int
tmpl_run_ops(struct tmpl_run *r, const struct tmpl_page *pg, size_t from,
    size_t to, const struct tmpl_ctx *ctx, int depth)
{
	const struct tmpl_op *op;
	const json_t *v, *s;
	struct tmpl_ctx inner;
	char q[TMPL_QUOTE + 8];
	size_t i = from, k;

	while (i < to) {
		op = &pg->ops[i];
		if (++r->steps > TMPL_MAX_STEPS) {
			errf(r->err, r->errsize,
			    "template '%s': rendering takes more than %d "
			    "steps (line %zu of '%s')",
			    tmpl_quote(q, sizeof(q), r->name, strlen(r->name)),
			    TMPL_MAX_STEPS, op->line, pg->file);
			return -1;
		}
		switch (op->kind) {
		case TK_TEXT:
			if (strbuf_add(r->out, op->arg, op->len) == -1)
				return tmpl_too_large(r);
			break;
		case TK_VAR:
			v = tmpl_lookup(op, ctx);
			if (v != NULL && tmpl_put_value(r->out, v) == -1)
				return tmpl_too_large(r);
			break;
		case TK_TRANSLATE:
			s = json_object_get(r->cat->msgs, op->arg);
			if (!json_is_string(s))
				s = json_object_get(r->ts->en->msgs, op->arg);
			if (tmpl_escape(r->out, json_string_value(s)) == -1)
				return tmpl_too_large(r);
			break;
		case TK_PARTIAL:
			if (depth >= TMPL_MAX_DEPTH) {
				errf(r->err, r->errsize,
				    "template '%s' line %zu: partials nested "
				    "deeper than %d (does '%s' include "
				    "itself?)",
				    pg->file, op->line, TMPL_MAX_DEPTH,
				    op->arg);
				return -1;
			}
			if (tmpl_run_ops(r, &r->ts->pages[op->target], 0,
			        r->ts->pages[op->target].nops, ctx,
			        depth + 1) == -1)
				return -1;
			break;
		case TK_SECTION:
		case TK_INVERTED:
			v = tmpl_lookup(op, ctx);
			if (op->kind == TK_INVERTED) {
				if (!tmpl_truthy(v) &&
				    tmpl_run_ops(r, pg, i + 1, op->end, ctx,
				        depth) == -1)
					return -1;
			} else if (json_is_array(v)) {
				for (k = 0; k < json_array_size(v); k++) {
					inner.v = json_array_get(v, k);
					inner.up = ctx;
					if (tmpl_run_ops(r, pg, i + 1, op->end,
					        &inner, depth) == -1)
						return -1;
				}
			} else if (tmpl_truthy(v)) {
				inner.v = v;
				inner.up = ctx;
				if (tmpl_run_ops(r, pg, i + 1, op->end, &inner,
				        depth) == -1)
					return -1;
			}
			i = op->end;
			continue;
		}
		i++;
	}
	return 0;
}

/* The catalog for lang: its own, that of its primary subtag ("de" for
 * "de-CH"), or English. */
static const struct tmpl_catalog *
tmpl_catalog_for(const struct tmpl_set *ts, const char *lang)
{
	size_t i, n = lang != NULL ? strnlen(lang, 4) : 0;

	if (n > 2 && (lang[2] == '-' || lang[2] == '_'))
		n = 2;
	if (lang == NULL || !tmpl_lang_ok(lang, n))
		return ts->en;
	for (i = 0; i < ts->ncats; i++)
		if (memcmp(ts->cats[i].lang, lang, 2) == 0)
			return &ts->cats[i];
	return ts->en;
}

int
tmpl_render(const struct tmpl_set *ts, const char *name, const char *lang,
    const struct json_t *data, struct strbuf *out, char *err, size_t errsize)
{
	struct tmpl_run r;
	struct tmpl_ctx root;
	struct strbuf page;
	char q[TMPL_QUOTE + 8];
	size_t max;
	long t;
	int rc = -1;

	strbuf_init(&page, 0);
	if (ts == NULL || !ts->linked || name == NULL || out == NULL) {
		errf(err, errsize, "no template set, template name or output");
		goto out;
	}
	t = tmpl_find(ts, name);
	if (t < 0) {
		errf(err, errsize, "no template '%s'",
		    tmpl_quote(q, sizeof(q), name, strlen(name)));
		goto out;
	}
	max = out->max - out->len;
	strbuf_init(&page, max < TMPL_MAX_PAGE ? max : TMPL_MAX_PAGE);
	root.v = data;
	root.up = NULL;
	r.ts = ts;
	r.cat = tmpl_catalog_for(ts, lang);
	r.name = name;
	r.out = &page;
	r.steps = 0;
	r.err = err;
	r.errsize = errsize;
	if (tmpl_run_ops(&r, &ts->pages[t], 0, ts->pages[t].nops, &root, 0) ==
	    -1)
		goto out;
	if (strbuf_add(out, page.buf, page.len) == -1) {
		(void)tmpl_too_large(&r);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&page);
	return rc;
}

const char *
tmpl_text(const struct tmpl_set *ts, const char *lang, const char *key)
{
	const json_t *s;

	if (ts == NULL || !ts->linked || key == NULL)
		return NULL;
	s = json_object_get(tmpl_catalog_for(ts, lang)->msgs, key);
	if (!json_is_string(s))
		s = json_object_get(ts->en->msgs, key);
	return json_is_string(s) ? json_string_value(s) : NULL;
}

const char *const *
tmpl_languages(const struct tmpl_set *ts)
{
	static const char *const none[] = {NULL};

	if (ts == NULL || ts->langs == NULL)
		return none;
	return ts->langs;
}
