/*
 * test_tmpl.c - unit tests for web/tmpl.c, the HTML template renderer.
 *
 * Table-driven: every tag (variables, dotted paths, ".", sections over
 * values, objects and arrays of objects, nested sections with the context
 * stack, inverted sections, comments, partials, catalog texts with the
 * fallback to English), escaping of every special character in data and
 * catalogs, and one row per load error with the file and line it names
 * (unescaped tags, unbalanced sections, unknown tags, missing partials and
 * catalog keys, bad catalogs, the file ceilings).  Rendering errors:
 * unknown template, partial recursion (the depth limit of 8 and its
 * boundary), page too large, the step budget; a failed rendering leaves
 * the output untouched.
 *
 * Fixtures are written into a private temporary directory (under
 * $SSPR_TEST_TMP or /tmp), one subdirectory per set, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/strbuf.h"
#include "web/tmpl.h"
#include "web/tmpl_int.h"
#include "tests/unit/scratch.h"

#include "compat/banned.h"

#define T_ERR       512
#define T_MAX_FILES 8

struct t_file {
	const char *path; /* relative to the set's directory */
	const char *text; /* NULL: make a directory */
};

static char test_dir[1024];
static char **made; /* every file and directory created, in order */
static size_t nmade;
static unsigned nsets;

#define EN_OK                                                                  \
	{                                                                      \
		"i18n/en.json", "{\"hello\": \"Hello\"}"                       \
	}

static void
remember(const char *path)
{
	made = xrealloc(made, (nmade + 1) * sizeof(*made));
	made[nmade++] = xstrdup(path);
}

static void
make_dir(const char *path)
{
	if (mkdir(path, 0700) == -1)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	remember(path);
}

/* Write len bytes of text as dir/rel. */
static void
write_file(const char *dir, const char *rel, const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	remember(path);
	if (len > 0 && fwrite(text, 1, len, f) != len)
		fail_msg("short write to '%s'", path);
	if (fclose(f) != 0)
		fail_msg("cannot close '%s'", path);
}

/* A new directory (in dir, PATH_MAX bytes) holding files and, unless
 * one of them is "i18n" or below it, an empty i18n/. */
static void
make_set(char *dir, const struct t_file *files, size_t n)
{
	char path[PATH_MAX];
	size_t i;
	int i18n = 0;

	(void)snprintf(dir, PATH_MAX, "%s/set%u", test_dir, nsets++);
	make_dir(dir);
	for (i = 0; i < n; i++)
		if (files[i].path != NULL &&
		    strncmp(files[i].path, "i18n", 4) == 0)
			i18n = 1;
	if (i18n) {
		assert_true(snprintf(path, sizeof(path), "%s/i18n", dir) <
		            (int)sizeof(path));
		make_dir(path);
	}
	for (i = 0; i < n; i++) {
		if (files[i].path == NULL || strcmp(files[i].path, "i18n") == 0)
			continue;
		if (files[i].text == NULL) {
			assert_true(snprintf(path, sizeof(path), "%s/%s", dir,
			                files[i].path) < (int)sizeof(path));
			make_dir(path);
		} else
			write_file(dir, files[i].path, files[i].text,
			    strlen(files[i].text));
	}
}

static int
setup(void **state)
{
	(void)state;
	json_wipe_init();
	return scratch_dir(test_dir, sizeof(test_dir), "test_tmpl");
}

static int
teardown(void **state)
{
	struct stat st;
	size_t i;

	(void)state;
	for (i = nmade; i-- > 0;) {
		if (lstat(made[i], &st) == 0 && S_ISDIR(st.st_mode))
			(void)rmdir(made[i]);
		else
			(void)unlink(made[i]);
		free(made[i]);
	}
	free(made);
	return rmdir(test_dir);
}

static json_t *
parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);

	if (v == NULL)
		fail_msg("bad test JSON '%s': %s", text, je.text);
	return v;
}

/* Every tag and its rendering. */
static void
test_render(void **state)
{
	static const struct t_file files[] = {
	    {"i18n/en.json", "{\"hello\": \"Hello\", \"only_en\": \"English "
	                     "only\", \"amp\": \"A & B <c> \\\"d\\\" 'e' "
	                     "f/g\", \"a.b_c.1\": \"dotted\"}"},
	    {"i18n/de.json", "{\"hello\": \"Hallo\", \"amp\": \"\"}"},
	    {"part.html", "P{{name}}"},
	    {"item.html", "<{{name}}>"},
	    {"tree.html", "{{name}}{{#kids}}({{>tree}}){{/kids}}"},
	    {"README", "not a template"},
	};
	static const struct {
		const char *tpl, *data, *lang, *want;
	} cases[] = {
	    /* variables */
	    {"Hello {{name}}!", "{\"name\": \"Joe\"}", "en", "Hello Joe!"},
	    {"{{ name }}|{{\tname\t}}", "{\"name\": \"Joe\"}", "en", "Joe|Joe"},
	    {"[{{nope}}]", "{}", "en", "[]"},
	    {"{{a-b}}{{A_1}}", "{\"a-b\": \"x\", \"A_1\": \"y\"}", "en", "xy"},
	    {"{{v}}", "{\"v\": \"& < > \\\" ' /\"}", "en",
	        "&amp; &lt; &gt; &quot; &#39; &#47;"},
	    {"{{v}}", "{\"v\": \"<script>alert(1)</script>\"}", "en",
	        "&lt;script&gt;alert(1)&lt;&#47;script&gt;"},
	    {"{{v}}", "{\"v\": \"&amp;\"}", "en", "&amp;amp;"},
	    {"{{v}}", "{\"v\": \"gr\\u00fc\\u00df \\u20ac\"}", "en",
	        "gr\xc3\xbc\xc3\x9f \xe2\x82\xac"},
	    {"{{i}} {{m}} {{r}} {{s}} {{t}} {{f}}",
	        "{\"i\": 42, \"m\": -7, \"r\": 1.5, \"s\": 0.1, \"t\": true, "
	        "\"f\": false}",
	        "en", "42 -7 1.5 0.1 true false"},
	    {"[{{n}}][{{o}}][{{a}}]",
	        "{\"n\": null, \"o\": {\"x\": 1}, "
	        "\"a\": [1]}",
	        "en", "[][][]"},
	    /* dotted paths */
	    {"{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "en", "deep"},
	    {"[{{a.x.c}}][{{a.b.c.d}}][{{a.b}}]",
	        "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "en", "[][][]"},
	    {"{{#o}}{{a.b}}{{/o}}", "{\"o\": {}, \"a\": {\"b\": \"out\"}}",
	        "en", "out"},
	    /* sections over values */
	    {"{{#t}}yes{{/t}}", "{\"t\": true}", "en", "yes"},
	    {"[{{#f}}x{{/f}}]", "{\"f\": false}", "en", "[]"},
	    {"{{#f}}a{{! c }}b{{/f}}c{{^f}}d{{/f}}{{! c }}e", "{\"f\": false}",
	        "en", "cde"},
	    {"[{{#n}}x{{/n}}]", "{\"n\": null}", "en", "[]"},
	    {"[{{#m}}x{{/m}}]", "{}", "en", "[]"},
	    {"[{{#e}}x{{/e}}]", "{\"e\": \"\"}", "en", "[]"},
	    {"[{{#z}}x{{/z}}]", "{\"z\": []}", "en", "[]"},
	    {"[{{#s}}<{{.}}>{{/s}}]", "{\"s\": \"a&b\"}", "en", "[<a&amp;b>]"},
	    {"[{{#i}}{{.}}{{/i}}]", "{\"i\": 0}", "en", "[0]"},
	    {"[{{#o}}x{{/o}}]", "{\"o\": {}}", "en", "[x]"},
	    {"{{#user}}{{name}} {{id}}{{/user}}",
	        "{\"user\": {\"name\": \"A\"}, \"id\": \"outer\"}", "en",
	        "A outer"},
	    /* arrays */
	    {"<ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>",
	        "{\"items\": [{\"name\": \"a\"}, {\"name\": \"<b>\"}]}", "en",
	        "<ul><li>a</li><li>&lt;b&gt;</li></ul>"},
	    {"{{#list}}[{{.}}]{{/list}}", "{\"list\": [\"x\", \"<\", 3, true]}",
	        "en", "[x][&lt;][3][true]"},
	    {"{{#g}}{{name}}:{{#m}}{{id}}@{{name}},{{/m}};{{/g}}",
	        "{\"g\": [{\"name\": \"G1\", \"m\": [{\"id\": 1}, {\"id\": 2, "
	        "\"name\": \"own\"}]}, {\"name\": \"G2\", \"m\": []}]}",
	        "en", "G1:1@G1,2@own,;G2:;"},
	    {"{{#a}}{{#b}}{{x}}{{/b}}{{/a}}",
	        "{\"x\": \"root\", \"a\": [{\"b\": [1, 2]}]}", "en",
	        "rootroot"},
	    {"{{#a}}{{#.}}<{{.}}>{{/.}}{{/a}}", "{\"a\": [[1, 2], [3]]}", "en",
	        "<1><2><3>"},
	    /* inverted sections */
	    {"{{^e}}empty{{/e}}", "{\"e\": []}", "en", "empty"},
	    {"[{{^e}}empty{{/e}}]", "{\"e\": [1]}", "en", "[]"},
	    {"{{^m}}none{{/m}}", "{}", "en", "none"},
	    {"{{^f}}no{{/f}}{{^s}}!{{/s}}", "{\"f\": false, \"s\": \"\"}", "en",
	        "no!"},
	    {"[{{^t}}x{{/t}}][{{^o}}x{{/o}}]", "{\"t\": true, \"o\": {}}", "en",
	        "[][]"},
	    {"{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}}", "{\"ok\": false}", "en",
	        "no"},
	    /* comments, braces in text */
	    {"a{{! note }}b{{!\nmulti\nline}}c", "{}", "en", "abc"},
	    {"a { b } c}} {", "{}", "en", "a { b } c}} {"},
	    {"{{x}}}", "{\"x\": 1}", "en", "1}"},
	    /* partials */
	    {"[{{>part}}]", "{\"name\": \"Joe\"}", "en", "[PJoe]"},
	    {"{{#items}}{{>item}}{{/items}}",
	        "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "en",
	        "<a><b>"},
	    {"{{>tree}}",
	        "{\"name\": \"r\", \"kids\": [{\"name\": \"a\", \"kids\": "
	        "[{\"name\": \"b\", \"kids\": []}]}, {\"name\": \"c\", "
	        "\"kids\": []}]}",
	        "en", "r(a(b))(c)"},
	    /* catalogs */
	    {"{{t:hello}}", "{}", "en", "Hello"},
	    {"{{t:hello}}", "{}", "de", "Hallo"},
	    {"{{ t:hello }}", "{}", "de-CH", "Hallo"},
	    {"{{t:only_en}}", "{}", "de", "English only"},
	    {"{{t:hello}}", "{}", "fr", "Hello"},
	    {"{{t:hello}}", "{}", NULL, "Hello"},
	    {"{{t:hello}}", "{}", "../de", "Hello"},
	    {"{{t:amp}}", "{}", "en",
	        "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39; f&#47;g"},
	    {"[{{t:amp}}]", "{}", "de", "[]"},
	    {"{{t:a.b_c.1}}", "{}", "en", "dotted"},
	    {"\xef\xbb\xbfno BOM", "{}", "en", "no BOM"},
	    {"", "{}", "en", ""},
	};
	char dir[PATH_MAX], name[32], err[T_ERR];
	struct tmpl_set *ts = NULL;
	struct strbuf out;
	json_t *data;
	size_t i;

	(void)state;
	make_set(dir, files, ARRAY_SIZE(files));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)snprintf(name, sizeof(name), "r%zu.html", i);
		write_file(dir, name, cases[i].tpl, strlen(cases[i].tpl));
	}
	if (tmpl_load(dir, &ts, err, sizeof(err)) == -1)
		fail_msg("load: %s", err);
	strbuf_init(&out, TMPL_MAX_PAGE);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)snprintf(name, sizeof(name), "r%zu", i);
		data = parse(cases[i].data);
		strbuf_reset(&out);
		if (tmpl_render(ts, name, cases[i].lang, data, &out, err,
		        sizeof(err)) == -1)
			fail_msg("row %zu ('%s'): %s", i, cases[i].tpl, err);
		if (strcmp(out.buf, cases[i].want) != 0)
			fail_msg("row %zu ('%s'): got '%s', want '%s'", i,
			    cases[i].tpl, out.buf, cases[i].want);
		json_decref(data);
	}
	/* no data at all: everything is missing */
	strbuf_reset(&out);
	assert_int_equal(
	    tmpl_render(ts, "r0", "en", NULL, &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "Hello !");
	/* rendering appends */
	strbuf_reset(&out);
	assert_int_equal(strbuf_addstr(&out, "X:"), 0);
	assert_int_equal(
	    tmpl_render(ts, "part", "en", NULL, &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "X:P");
	strbuf_release(&out);
	tmpl_free(ts);
}

/* One row per load error: the message names the file and line. */
static void
test_load_errors(void **state)
{
	static const struct {
		struct t_file files[T_MAX_FILES];
		const char *want; /* NULL: loads */
	} cases[] = {
	    {{{"a.html", "ok {{x}}"}, EN_OK}, NULL},
	    {{{"a.html", "ok"}, EN_OK, {"notes.txt", "{{{"}}, NULL},
	    /* no unescaped output */
	    {{{"a.html", "x\n{{{x}}}"}, EN_OK},
	        "template 'a.html' line 2: '{{{' (unescaped output) is not "
	        "supported"},
	    {{{"a.html", "{{&x}}"}, EN_OK},
	        "template 'a.html' line 1: '{{&x}}' (unescaped output) is not "
	        "supported"},
	    {{{"a.html", "{{ & x }}"}, EN_OK},
	        "template 'a.html' line 1: '{{& x}}' (unescaped output)"},
	    /* unbalanced sections */
	    {{{"a.html", "\n\n{{#a}}x"}, EN_OK},
	        "template 'a.html' line 3: section '{{#a}}' is not closed"},
	    {{{"a.html", "{{^a}}{{#b}}{{/b}}"}, EN_OK},
	        "template 'a.html' line 1: section '{{^a}}' is not closed"},
	    {{{"a.html", "{{#a}}\n{{/b}}"}, EN_OK},
	        "template 'a.html' line 2: '{{/b}}' does not close '{{#a}}' "
	        "of line 1"},
	    {{{"a.html", "{{#a}}{{#b}}\n{{/a}}{{/b}}"}, EN_OK},
	        "template 'a.html' line 2: '{{/a}}' does not close '{{#b}}' "
	        "of line 1"},
	    {{{"a.html", "x\n{{/a}}"}, EN_OK},
	        "template 'a.html' line 2: '{{/a}}' closes no section"},
	    {{{"a.html", "{{#a}}{{/a}}{{/a}}"}, EN_OK},
	        "template 'a.html' line 1: '{{/a}}' closes no section"},
	    /* unknown tags */
	    {{{"a.html", "\n{{=<% %>=}}"}, EN_OK},
	        "template 'a.html' line 2: unknown tag '{{=<% %>=}}'"},
	    {{{"a.html", "{{%x}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{%x}}'"},
	    {{{"a.html", "{{}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{}}'"},
	    {{{"a.html", "{{  }}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{  }}'"},
	    {{{"a.html", "{{a b}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{a b}}'"},
	    {{{"a.html", "{{a..b}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{a..b}}'"},
	    {{{"a.html", "{{.a}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{.a}}'"},
	    {{{"a.html", "{{a.}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{a.}}'"},
	    {{{"a.html", "{{#}}{{/}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{#}}'"},
	    {{{"a.html", "{{>Bad}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{>Bad}}'"},
	    {{{"a.html", "{{>a.b}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{>a.b}}'"},
	    {{{"a.html", "{{t:Hello}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{t:Hello}}'"},
	    {{{"a.html", "{{t:}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{t:}}'"},
	    {{{"a.html", "{{x-\xc3\xa4}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{x-\xc3\xa4}}'"},
	    {{{"a.html", "{{a\x01}}"}, EN_OK},
	        "template 'a.html' line 1: unknown tag '{{a?}}'"},
	    /* unterminated tags */
	    {{{"a.html", "a\n{{b"}, EN_OK},
	        "template 'a.html' line 2: unterminated '{{'"},
	    {{{"a.html", "{{b}"}, EN_OK},
	        "template 'a.html' line 1: unterminated '{{'"},
	    {{{"a.html", "{{a\n}}"}, EN_OK},
	        "template 'a.html' line 1: unterminated '{{' (a tag ends on "
	        "its line)"},
	    {{{"a.html", "{{! never closed\n"}, EN_OK},
	        "template 'a.html' line 1: unterminated '{{'"},
	    /* partials */
	    {{{"a.html", "\n{{>nope}}"}, EN_OK},
	        "template 'a.html' line 2: partial '{{>nope}}' names no "
	        "template ('nope.html')"},
	    {{{"a.html", "{{>b}}"}, {"b.html", "{{>c}}"}, EN_OK},
	        "template 'b.html' line 1: partial '{{>c}}' names no template"},
	    {{{"a.html", "{{>b}}"}, {"b.html", "{{>a}}"}, EN_OK}, NULL},
	    /* catalog keys */
	    {{{"a.html", "{{t:hello}}\n\n{{t:nokey}}"}, EN_OK},
	        "template 'a.html' line 3: catalog key 'nokey' is not in "
	        "'i18n/en.json'"},
	    {{{"z.html", "{{t:de_only}}"}, EN_OK,
	         {"i18n/de.json", "{\"de_only\": \"x\"}"}},
	        "template 'z.html' line 1: catalog key 'de_only' is not in "
	        "'i18n/en.json'"},
	    {{{"a.html", "{{t:hello}}"}, EN_OK,
	         {"i18n/de.json", "{\"other\": \"x\"}"}},
	        NULL},
	    /* catalogs */
	    {{{"a.html", "x"}, {"i18n/de.json", "{}"}},
	        "no catalog 'i18n/en.json' (English is required)"},
	    {{{"a.html", "x"}}, "cannot read catalog directory"},
	    {{{"a.html", "x"}, EN_OK, {"i18n/de.json", "{\n\"a\": x}"}},
	        "catalog 'i18n/de.json' line 2: not valid JSON"},
	    {{{"a.html", "x"},
	         {"i18n/en.json", "{\"a\": \"1\", \"a\": \"2\"}"}},
	        "catalog 'i18n/en.json' line 1: not valid JSON: duplicate "
	        "member \"a\""},
	    {{{"a.html", "x"}, {"i18n/en.json", "{\"n\": 1}"}},
	        "catalog 'i18n/en.json': the value of 'n' is an integer, not "
	        "a string"},
	    {{{"a.html", "x"}, {"i18n/en.json", "{\"o\": {\"a\": \"b\"}}"}},
	        "catalog 'i18n/en.json': the value of 'o' is an object, not "
	        "a string"},
	    {{{"a.html", "x"}, {"i18n/en.json", "{\"n\": null}"}},
	        "catalog 'i18n/en.json': the value of 'n' is"},
	    {{{"a.html", "x"}, {"i18n/en.json", "[\"a\"]"}},
	        "catalog 'i18n/en.json' is an array, not an object of strings"},
	    {{{"a.html", "x"}, {"i18n/en.json", "{\"Bad\": \"x\"}"}},
	        "catalog 'i18n/en.json': key 'Bad' is not valid"},
	    {{{"a.html", "x"}, {"i18n/en.json", "{\"a b\": \"x\"}"}},
	        "catalog 'i18n/en.json': key 'a b' is not valid"},
	    {{{"a.html", "x"}, EN_OK, {"i18n/eng.json", "{}"}},
	        "catalog file name 'eng.json' in"},
	    {{{"a.html", "x"}, EN_OK, {"i18n/De.json", "{}"}},
	        "catalog file name 'De.json' in"},
	    {{{"a.html", "x"}, EN_OK, {"i18n/notes.txt", "x"}}, NULL},
	    {{{"a.html", "x"}, EN_OK, {"i18n/fr.json", NULL}},
	        "i18n/fr.json' is not a regular file"},
	    /* template files */
	    {{{"Bad.html", "x"}, EN_OK}, "template file name 'Bad.html' in"},
	    {{{"a-b.html", "x"}, EN_OK}, "template file name 'a-b.html' in"},
	    {{{"b.html", NULL}, EN_OK}, "b.html' is not a regular file"},
	    {{{"a.txt", "x"}, EN_OK}, "no templates ('*.html') in"},
	};
	char dir[PATH_MAX], err[T_ERR];
	struct tmpl_set *ts;
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (n = 0; n < T_MAX_FILES && cases[i].files[n].path != NULL;
		     n++)
			;
		make_set(dir, cases[i].files, n);
		ts = NULL;
		err[0] = '\0';
		rc = tmpl_load(dir, &ts, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			assert_non_null(ts);
			tmpl_free(ts);
			continue;
		}
		if (rc != -1)
			fail_msg(
			    "row %zu: loaded, want '%s'", i, cases[i].want);
		if (ts != NULL)
			fail_msg("row %zu: *out written on failure", i);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("row %zu: got '%s', want '%s'", i, err,
			    cases[i].want);
		if (strchr(err, '\n') != NULL)
			fail_msg("row %zu: message of more than one line", i);
	}
	err[0] = '\0';
	assert_int_equal(
	    tmpl_load("/nonexistent/sspr", &ts, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read template directory"));
	assert_int_equal(tmpl_load(NULL, &ts, err, sizeof(err)), -1);
}

/* The ceilings of the loader: file size, section nesting, NUL bytes. */
static void
test_load_limits(void **state)
{
	static const struct {
		size_t size;    /* bytes of the template (but the closing
		                 * tags) */
		size_t nesting; /* sections around it */
		int nul;        /* put a NUL byte in */
		const char *want;
	} cases[] = {
	    {64 * 1024, 0, 0, NULL},
	    {64 * 1024 + 1, 0, 0, "/a.html' is larger than 65536 bytes"},
	    {1024 * 1024, 0, 0, "/a.html' is larger than 65536 bytes"},
	    {100, 32, 0, NULL},
	    {100, 33, 0,
	        "template 'a.html' line 1: sections nested deeper "
	        "than 32"},
	    {100, 0, 1, "template 'a.html' contains a NUL byte"},
	};
	static const struct t_file en[] = {EN_OK};
	char dir[PATH_MAX], err[T_ERR];
	struct strbuf text;
	struct tmpl_set *ts;
	size_t i, k;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_init(&text, 2 * 1024 * 1024);
		for (k = 0; k < cases[i].nesting; k++)
			assert_int_equal(strbuf_addf(&text, "{{#s%zu}}", k), 0);
		while (text.len < cases[i].size)
			assert_int_equal(strbuf_addch(&text, 'x'), 0);
		for (k = cases[i].nesting; k-- > 0;)
			assert_int_equal(strbuf_addf(&text, "{{/s%zu}}", k), 0);
		if (cases[i].nul)
			text.buf[text.len / 2] = '\0';
		make_set(dir, en, ARRAY_SIZE(en));
		write_file(dir, "a.html", text.buf, text.len);
		ts = NULL;
		rc = tmpl_load(dir, &ts, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			tmpl_free(ts);
		} else if (rc != -1 || strstr(err, cases[i].want) == NULL)
			fail_msg("row %zu: rc %d, got '%s', want '%s'", i, rc,
			    rc == -1 ? err : "", cases[i].want);
		strbuf_release(&text);
	}
}

/* Rendering errors, and their boundaries; a failed rendering leaves the
 * output as it was. */
static void
test_render_errors(void **state)
{
	static const struct t_file files[] = {
	    EN_OK,
	    {"self.html", "{{>self}}"},
	    {"ping.html", "a{{>pong}}"},
	    {"pong.html", "b{{>ping}}"},
	    /* c0 includes c1 ... includes c8: 8 partials deep */
	    {"c0.html", "0{{>c1}}"},
	    {"c1.html", "1{{>c2}}"},
	    {"c2.html", "2{{>c3}}"},
	    {"c3.html", "3{{>c4}}"},
	    {"c4.html", "4{{>c5}}"},
	    {"c5.html", "5{{>c6}}"},
	    {"c6.html", "6{{>c7}}"},
	    {"c7.html", "7{{>c8}}"},
	    {"c8.html", "8{{#more}}{{>c9}}{{/more}}"},
	    {"c9.html", "9"},
	    {"tree.html", "{{name}}{{#kids}}({{>tree}}){{/kids}}"},
	    {"big.html", "{{#items}}{{big}}{{/items}}"},
	    {"small.html", "0123456789{{v}}"},
	    {"loop.html", "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{x}}{{/a}}{{/a}}"
	                  "{{/a}}{{/a}}{{/a}}"},
	};
	static const struct {
		const char *name, *data;
		size_t max;       /* the output's ceiling */
		const char *want; /* the page, or the error with want_err */
		int want_err;
	} cases[] = {
	    {"nope", "{}", TMPL_MAX_PAGE, "no template 'nope'", 1},
	    {"../self", "{}", TMPL_MAX_PAGE, "no template '../self'", 1},
	    {"self", "{}", TMPL_MAX_PAGE,
	        "template 'self.html' line 1: partials nested deeper than 8",
	        1},
	    {"ping", "{}", TMPL_MAX_PAGE, "partials nested deeper than 8", 1},
	    {"c0", "{}", TMPL_MAX_PAGE, "012345678", 0},
	    {"c0", "{\"more\": true}", TMPL_MAX_PAGE,
	        "template 'c8.html' line 1: partials nested deeper than 8 "
	        "(does 'c9' include itself?)",
	        1},
	    {"c1", "{\"more\": true}", TMPL_MAX_PAGE, "123456789", 0},
	    {"tree",
	        "{\"name\": 1, \"kids\": [{\"name\": 2, \"kids\": [{\"name\": "
	        "3, \"kids\": [{\"name\": 4, \"kids\": [{\"name\": 5, "
	        "\"kids\": [{\"name\": 6, \"kids\": [{\"name\": 7, \"kids\": "
	        "[{\"name\": 8, \"kids\": [{\"name\": 9, \"kids\": "
	        "false}]}]}]}]}]}]}]}]}",
	        TMPL_MAX_PAGE, "1(2(3(4(5(6(7(8(9))))))))", 0},
	    {"tree",
	        "{\"kids\": [{\"kids\": [{\"kids\": [{\"kids\": [{\"kids\": "
	        "[{\"kids\": [{\"kids\": [{\"kids\": [{\"kids\": "
	        "[{\"kids\": [1]}]}]}]}]}]}]}]}]}]}",
	        TMPL_MAX_PAGE, "template 'tree.html' line 1: partials nested",
	        1},
	    {"small", "{\"v\": \"<\"}", 14, "0123456789&lt;", 0},
	    {"small", "{\"v\": \"<\"}", 13, "template 'small': page too large",
	        1},
	    {"small", "{\"v\": \"x\"}", 10, "template 'small': page too large",
	        1},
	    {"loop", "{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}", TMPL_MAX_PAGE,
	        "", 0},
	    {"loop",
	        "{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, "
	        "16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, "
	        "31, 32]}",
	        TMPL_MAX_PAGE, "template 'loop': rendering takes more than", 1},
	};
	char dir[PATH_MAX], err[T_ERR];
	struct tmpl_set *ts = NULL;
	struct strbuf out;
	json_t *data, *items, *item;
	size_t i;
	int rc;

	(void)state;
	make_set(dir, files, ARRAY_SIZE(files));
	if (tmpl_load(dir, &ts, err, sizeof(err)) == -1)
		fail_msg("load: %s", err);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		data = parse(cases[i].data);
		strbuf_init(&out, cases[i].max);
		err[0] = '\0';
		rc = tmpl_render(
		    ts, cases[i].name, "en", data, &out, err, sizeof(err));
		if (cases[i].want_err) {
			if (rc != -1)
				fail_msg("row %zu: rendered '%s'", i, out.buf);
			if (strstr(err, cases[i].want) == NULL)
				fail_msg("row %zu: got '%s', want '%s'", i, err,
				    cases[i].want);
			if (out.len != 0)
				fail_msg(
				    "row %zu: output written on failure", i);
		} else {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			if (strcmp(out.buf, cases[i].want) != 0)
				fail_msg("row %zu: got '%s', want '%s'", i,
				    out.buf, cases[i].want);
		}
		strbuf_release(&out);
		json_decref(data);
	}

	/* page too large: 300 items of 1 KiB; a page of exactly the
	 * ceiling still renders; what was in out stays */
	items = json_array();
	item = json_object();
	{
		char big[1025];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(
		    json_object_set_new(item, "big", json_string(big)), 0);
	}
	for (i = 0; i < 300; i++)
		assert_int_equal(json_array_append(items, item), 0);
	data = json_object();
	assert_int_equal(json_object_set_new(data, "items", items), 0);
	strbuf_init(&out, 2 * TMPL_MAX_PAGE);
	assert_int_equal(strbuf_addstr(&out, "keep"), 0);
	assert_int_equal(
	    tmpl_render(ts, "big", "en", data, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "page too large (more than 262144 bytes)"));
	assert_string_equal(out.buf, "keep");
	strbuf_reset(&out);
	while (json_array_size(items) > 256)
		assert_int_equal(json_array_remove(items, 0), 0);
	assert_int_equal(
	    tmpl_render(ts, "big", "en", data, &out, err, sizeof(err)), 0);
	assert_int_equal(out.len, TMPL_MAX_PAGE);
	strbuf_release(&out);
	json_decref(item);
	json_decref(data);
	tmpl_free(ts);
}

static void
test_escape(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {"plain text 123", "plain text 123"},
	    {"&", "&amp;"},
	    {"<", "&lt;"},
	    {">", "&gt;"},
	    {"\"", "&quot;"},
	    {"'", "&#39;"},
	    {"/", "&#47;"},
	    {"a&b<c>d\"e'f/g", "a&amp;b&lt;c&gt;d&quot;e&#39;f&#47;g"},
	    {"</script><script>", "&lt;&#47;script&gt;&lt;script&gt;"},
	    {"&lt;", "&amp;lt;"},
	    {"\xc3\xa4\xe2\x82\xac=`{}", "\xc3\xa4\xe2\x82\xac=`{}"},
	};
	struct strbuf out;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_init(&out, 256);
		if (tmpl_escape(&out, cases[i].in) != 0)
			fail_msg("row %zu: failed", i);
		if (strcmp(out.buf, cases[i].want) != 0)
			fail_msg("row %zu: '%s' -> '%s', want '%s'", i,
			    cases[i].in, out.buf, cases[i].want);
		strbuf_release(&out);
	}
	/* the ceiling: all or nothing */
	strbuf_init(&out, 9);
	assert_int_equal(tmpl_escape(&out, "a<"), 0);
	assert_int_equal(tmpl_escape(&out, "bc<"), -1);
	assert_string_equal(out.buf, "a&lt;");
	assert_int_equal(out.len, 5);
	assert_int_equal(tmpl_escape(&out, "<"), 0);
	assert_string_equal(out.buf, "a&lt;&lt;");
	assert_int_equal(tmpl_escape(&out, "x"), -1);
	assert_int_equal(tmpl_escape(&out, NULL), 0);
	strbuf_release(&out);
	strbuf_init(&out, 3);
	assert_int_equal(tmpl_escape(&out, "<"), -1);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

static void
test_languages(void **state)
{
	static const struct {
		struct t_file files[T_MAX_FILES];
		const char *want[4];
	} cases[] = {
	    {{{"a.html", "x"}, {"i18n/fr.json", "{}"}, EN_OK,
	         {"i18n/de.json", "{}"}},
	        {"de", "en", "fr", NULL}},
	    {{{"a.html", "x"}, EN_OK}, {"en", NULL, NULL, NULL}},
	    {{{"a.html", "x"}, {"i18n/zz.json", "{}"}, EN_OK,
	         {"i18n/aa.json", "{}"}},
	        {"aa", "en", "zz", NULL}},
	};
	const char *const *langs;
	char dir[PATH_MAX], err[T_ERR];
	struct tmpl_set *ts;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (n = 0; n < T_MAX_FILES && cases[i].files[n].path != NULL;
		     n++)
			;
		make_set(dir, cases[i].files, n);
		if (tmpl_load(dir, &ts, err, sizeof(err)) == -1)
			fail_msg("row %zu: %s", i, err);
		langs = tmpl_languages(ts);
		for (k = 0; k < ARRAY_SIZE(cases[i].want); k++) {
			if (cases[i].want[k] == NULL) {
				if (langs[k] != NULL)
					fail_msg(
					    "row %zu: extra '%s'", i, langs[k]);
				break;
			}
			if (langs[k] == NULL ||
			    strcmp(langs[k], cases[i].want[k]) != 0)
				fail_msg("row %zu: language %zu is '%s', want "
				         "'%s'",
				    i, k, langs[k] ? langs[k] : "(null)",
				    cases[i].want[k]);
		}
		tmpl_free(ts);
	}
	assert_null(tmpl_languages(NULL)[0]);
}

/* The buffer interface (what the fuzzer uses): names, duplicates, NUL
 * bytes, and a set cannot grow once linked. */
static void
test_buffers(void **state)
{
	static const struct {
		const char *name, *text;
		size_t len;
		const char *want;
	} cases[] = {
	    {"ok", "x", 1, NULL},
	    {"ok", "y", 1, "template 'ok.html' is defined twice"},
	    {"_head", "h", 1, NULL},
	    {"", "x", 1, "template name '' is not valid"},
	    {"a/b", "x", 1, "template name 'a/b' is not valid"},
	    {"nul", "a\0b", 3, "template 'nul.html' contains a NUL byte"},
	};
	struct tmpl_set *ts = tmpl_set_new();
	struct strbuf out;
	char err[T_ERR];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		rc = tmpl_add_template(ts, cases[i].name, cases[i].text,
		    cases[i].len, err, sizeof(err));
		if (cases[i].want == NULL
		        ? rc != 0
		        : rc != -1 || strstr(err, cases[i].want) == NULL)
			fail_msg("row %zu: rc %d, '%s'", i, rc, err);
	}
	assert_int_equal(
	    tmpl_add_catalog(ts, "en", "{\"k\": \"v\"}", 10, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tmpl_add_catalog(ts, "en", "{}", 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "catalog 'i18n/en.json' is defined twice"));
	assert_int_equal(
	    tmpl_add_catalog(ts, "e", "{}", 2, err, sizeof(err)), -1);
	assert_int_equal(tmpl_link(ts, err, sizeof(err)), 0);
	assert_int_equal(
	    tmpl_add_template(ts, "late", "x", 1, err, sizeof(err)), -1);
	assert_int_equal(tmpl_link(ts, err, sizeof(err)), -1);
	strbuf_init(&out, 64);
	assert_int_equal(
	    tmpl_render(ts, "ok", "en", NULL, &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "x");
	strbuf_release(&out);
	tmpl_free(ts);
	tmpl_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_load_limits),
	    cmocka_unit_test(test_render_errors),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_languages),
	    cmocka_unit_test(test_buffers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
