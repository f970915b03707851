/*
 * test_mail_template.c - unit tests for mail/template.c: the shipped
 * templates (templates/mail/en and de) render with their documented
 * variables and nothing else, language fallback, substitution and the
 * "{{{{" escape, and one row per error with its exact message (file, line,
 * reason).
 *
 * Error cases write small templates into a private temporary directory
 * (under $SSPR_TEST_TMP or /tmp).  The shipped templates are found
 * through $SSPR_SRC or, failing that, through this file's path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/compat.h"
#include "mail/message.h"
#include "mail/template.h"

#include "compat/banned.h"

#define T_ERR       512
#define T_MAX_FILES 32

static char test_dir[1024];
static char src_dir[PATH_MAX]; /* .../templates/mail */
static char files[T_MAX_FILES][PATH_MAX];
static size_t nfiles;

/* Write len bytes as test_dir/lang/name (created, remembered for
 * teardown). */
static void
write_tpl(const char *lang, const char *name, const char *text, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t i;

	(void)snprintf(path, sizeof(path), "%s/%s", test_dir, lang);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	(void)snprintf(path, sizeof(path), "%s/%s/%s", test_dir, lang, name);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	if (len > 0 && fwrite(text, 1, len, f) != len)
		fail_msg("short write to '%s'", path);
	if (fclose(f) != 0)
		fail_msg("cannot close '%s'", path);
	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], path) == 0)
			return;
	assert_true(nfiles < T_MAX_FILES);
	(void)strlcpy_s(files[nfiles++], path, PATH_MAX);
}

static int
setup(void **state)
{
	const char *base = getenv("SSPR_TEST_TMP");
	const char *src = getenv("SSPR_SRC");
	const char *self = __FILE__,
	           *suffix = "tests/unit/test_mail_template.c";
	size_t n = strlen(self), k = strlen(suffix);
	int len;

	(void)state;
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (mkdir(base, 0700) == -1 && errno != EEXIST)
		return -1;
	len = snprintf(
	    test_dir, sizeof(test_dir), "%s/test_mail_template.XXXXXX", base);
	if (len < 0 || (size_t)len >= sizeof(test_dir) ||
	    mkdtemp(test_dir) == NULL)
		return -1;
	if (src != NULL && src[0] != '\0')
		len = snprintf(
		    src_dir, sizeof(src_dir), "%s/templates/mail", src);
	else if (n >= k && strcmp(self + n - k, suffix) == 0)
		len = snprintf(src_dir, sizeof(src_dir), "%.*stemplates/mail",
		    (int)(n - k), self);
	else
		return -1;
	return len < 0 || (size_t)len >= sizeof(src_dir) ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const langs[] = {"en", "de", "fr"};
	char path[PATH_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < nfiles; i++)
		(void)unlink(files[i]);
	(void)snprintf(path, sizeof(path), "%s/en/dir.txt", test_dir);
	(void)rmdir(path);
	(void)snprintf(path, sizeof(path), "%s/en/fifo.txt", test_dir);
	(void)unlink(path);
	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", test_dir, langs[i]);
		(void)rmdir(path);
	}
	return rmdir(test_dir);
}

/* Every template with the variables the caller promises (and no more:
 * an unused variable is harmless, a missing one is an error). */
static void
test_shipped(void **state)
{
	static const struct mail_var code_vars[] = {
	    {"name", "Joe Smith"},
	    {"userid", "JOE"},
	    {"code", "ABCD-EFGH"},
	    {"minutes", "15"},
	    {"system", "PROD"},
	    {"base_url", "https://sspr.example.com"},
	};
	static const struct mail_var done_vars[] = {
	    {"name", "Joe Smith"},
	    {"userid", "JOE"},
	    {"action", "password"},
	    {"systems", "PROD=ok;TEST=ok"},
	    {"time", "2026-11-22 21:30 UTC"},
	    {"base_url", "https://sspr.example.com"},
	};
	static const struct mail_var test_vars[] = {
	    {"time", "2026-11-22 21:30 UTC"},
	    {"relay", "smtp://127.0.0.1:25"},
	};
	static const struct {
		const char *lang, *name;
		const struct mail_var *vars;
		size_t nvars;
		const char *subject;
		const char *body[4]; /* substrings of the body */
	} cases[] = {
	    {"en", "access_code", code_vars, ARRAY_SIZE(code_vars),
	        "Your access code for PROD",
	        {"Hello Joe Smith,", "    ABCD-EFGH\n",
	            "expires in\n15 minutes",
	            "Never share this code with anyone. The helpdesk will "
	            "never ask you\nfor it."}},
	    {"de", "access_code", code_vars, ARRAY_SIZE(code_vars),
	        "Ihr Zugangscode f\xc3\xbcr PROD",
	        {"Guten Tag Joe Smith,", "    ABCD-EFGH\n",
	            "15 Minuten lang g\xc3\xbcltig",
	            "Geben Sie diesen Code niemals weiter. Der Helpdesk wird "
	            "Sie nie danach\nfragen."}},
	    {"en", "reset_done", done_vars, ARRAY_SIZE(done_vars),
	        "Security notice for JOE: password changed",
	        {"Action:  password changed", "Systems: PROD: done; TEST: done",
	            "If this was not you, call your helpdesk at once.",
	            "https://sspr.example.com"}},
	    {"de", "reset_done", done_vars, ARRAY_SIZE(done_vars),
	        "Sicherheitshinweis f\xc3\xbcr JOE: Passwort ge\xc3\xa4ndert",
	        {"Benutzerkennung JOE",
	            "Systeme:   PROD: erledigt; TEST: erledigt",
	            "Wenn Sie das nicht waren, rufen Sie sofort Ihren "
	            "Helpdesk an.",
	            "Zeitpunkt: 2026-11-22 21:30 UTC"}},
	    {"en", "test", test_vars, ARRAY_SIZE(test_vars),
	        "sspr test message",
	        {"Sent:  2026-11-22 21:30 UTC", "Relay: smtp://127.0.0.1:25",
	            NULL, NULL}},
	    {"de", "test", test_vars, ARRAY_SIZE(test_vars),
	        "sspr-Testnachricht",
	        {"Gesendet: 2026-11-22 21:30 UTC",
	            "Relay:    smtp://127.0.0.1:25", NULL, NULL}},
	    /* fallbacks */
	    {"fr", "access_code", code_vars, ARRAY_SIZE(code_vars),
	        "Your access code for PROD", {"Hello", NULL, NULL, NULL}},
	    {"../x", "access_code", code_vars, ARRAY_SIZE(code_vars),
	        "Your access code for PROD", {"Hello", NULL, NULL, NULL}},
	    {"de-CH", "access_code", code_vars, ARRAY_SIZE(code_vars),
	        "Ihr Zugangscode f\xc3\xbcr PROD",
	        {"Guten Tag", NULL, NULL, NULL}},
	    {"DE", "test", test_vars, ARRAY_SIZE(test_vars),
	        "sspr test message", {NULL, NULL, NULL, NULL}},
	    {NULL, "test", test_vars, ARRAY_SIZE(test_vars),
	        "sspr test message", {NULL, NULL, NULL, NULL}},
	    {"", "test", test_vars, ARRAY_SIZE(test_vars), "sspr test message",
	        {NULL, NULL, NULL, NULL}},
	};
	struct mail_rendered r = {NULL, NULL};
	struct mail_msg m = {
	    .from = "sspr@example.com", .to = "joe@example.com"};
	struct strbuf out;
	char err[T_ERR];
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (mail_template_render(src_dir, cases[i].lang, cases[i].name,
		        cases[i].vars, cases[i].nvars, &r, err,
		        sizeof(err)) == -1)
			fail_msg("row %zu (%s/%s): %s", i,
			    cases[i].lang ? cases[i].lang : "(null)",
			    cases[i].name, err);
		if (strcmp(r.subject, cases[i].subject) != 0)
			fail_msg("row %zu: subject '%s'", i, r.subject);
		for (k = 0; k < ARRAY_SIZE(cases[i].body); k++)
			if (cases[i].body[k] != NULL &&
			    strstr(r.body, cases[i].body[k]) == NULL)
				fail_msg("row %zu: body lacks '%s':\n%s", i,
				    cases[i].body[k], r.body);
		if (strstr(r.body, "{{") != NULL ||
		    strstr(r.body, "}}") != NULL)
			fail_msg("row %zu: braces left in the body", i);
		assert_true(r.body[0] != '\0' && r.body[0] != '\n');
		/* and the result is a valid message */
		m.subject = r.subject;
		m.text = r.body;
		strbuf_init(&out, MAIL_MAX_MESSAGE);
		if (mail_build(&m, 0, &out, err, sizeof(err)) == -1)
			fail_msg("row %zu: mail_build: %s", i, err);
		strbuf_release(&out);
		mail_rendered_release(&r);
		assert_null(r.subject);
		assert_null(r.body);
	}
}

/* Each shipped template refuses to render without one of its variables. */
static void
test_shipped_needs_all(void **state)
{
	static const struct mail_var vars[] = {
	    {"name", "n"},
	    {"userid", "u"},
	    {"code", "c"},
	    {"minutes", "m"},
	    {"system", "s"},
	    {"base_url", "b"},
	};
	struct mail_rendered r = {NULL, NULL};
	char err[T_ERR], want[T_ERR];
	size_t drop;
	const char *const langs[] = {"en", "de"};
	size_t l;

	(void)state;
	for (l = 0; l < ARRAY_SIZE(langs); l++) {
		for (drop = 0; drop < ARRAY_SIZE(vars); drop++) {
			struct mail_var some[ARRAY_SIZE(vars)];
			size_t i, n = 0;

			for (i = 0; i < ARRAY_SIZE(vars); i++)
				if (i != drop)
					some[n++] = vars[i];
			if (mail_template_render(src_dir, langs[l],
			        "access_code", some, n, &r, err,
			        sizeof(err)) == 0)
				fail_msg("%s: rendered without '%s'", langs[l],
				    vars[drop].name);
			(void)snprintf(want, sizeof(want),
			    "unknown variable '%s'", vars[drop].name);
			if (strstr(err, want) == NULL)
				fail_msg("%s without '%s': %s", langs[l],
				    vars[drop].name, err);
		}
	}
}

static char big_value[40 * 1024];

static void
test_render(void **state)
{
	static const struct mail_var vars[] = {
	    {"name", "Joe"},
	    {"code", "12\r\nBcc: x@y.com"},
	    {"pin", "1234"},
	    {"nullv", NULL},
	    {"big", big_value},
	    {"Name_2", "second"},
	};
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *name;
		const char *subject, *body; /* want, on success */
		const char *err;            /* want, on failure */
	} cases[] = {
	    {"Subject: Hi {{name}}\n\nCode {{pin}} {{{{literal}}\nend\n", 0,
	        "t", "Hi Joe", "Code 1234 {{literal}}\nend\n", NULL},
	    {"Subject: {{{{x}}\n\n{{{{{{{{ {{Name_2}}{{name}}}}", 0, "t",
	        "{{x}}", "{{{{ secondJoe}}", NULL},
	    {"Subject:   spaced  \t\n\n", 0, "t", "spaced", "", NULL},
	    {"Subject: crlf\r\n\r\nbody {{name}}\r\n", 0, "t", "crlf",
	        "body Joe\r\n", NULL},
	    {"\xef\xbb\xbfSubject: bom\n\nb", 0, "t", "bom", "b", NULL},
	    {"Subject: x\n\n{ {name} }} {{\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: unterminated '{{'"},
	    {"Subject: x\n\nline3\nline4 {{foo}}\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 4: unknown variable 'foo'"},
	    {"Subject: {{foo}}\n\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: unknown variable 'foo'"},
	    {"Subject: x\n\n\n\n\n{{NAME}}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 6: unknown variable 'NAME'"},
	    {"Subject: x\n\nabc {{name\n}}\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: unterminated '{{'"},
	    {"Subject: x\n\nabc\n{{name}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 4: unterminated '{{'"},
	    {"Subject: x\n\nabc {{na me}}\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: '{{na me}}' is not a variable "
	        "name (letters, digits and '_')"},
	    {"Subject: x\n\n{{}}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: '{{}}' is not a variable name "
	        "(letters, digits and '_')"},
	    {"Subject: x\n\n{{{name}}}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: '{{{name}}' is not a variable "
	        "name (letters, digits and '_')"},
	    {"Subject: x\n\n{{nullv}}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: no value for variable 'nullv'"},
	    {"Hello {{name}}\n\nbody\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the first line must be "
	        "'Subject: ...'"},
	    {"subject: x\n\nbody\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the first line must be "
	        "'Subject: ...'"},
	    {"", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the first line must be "
	        "'Subject: ...'"},
	    {"Subject:  \n\nbody\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the subject is empty"},
	    {"Subject: x\nbody\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 2: a blank line must follow the "
	        "subject line"},
	    {"Subject: x\n \nbody\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 2: a blank line must follow the "
	        "subject line"},
	    {"Subject: x\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 2: a blank line must follow the "
	        "subject line"},
	    {"Subject: x", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 2: a blank line must follow the "
	        "subject line"},
	    {"Subject: code {{code}}\n\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: variable 'code' puts a line "
	        "break into the subject"},
	    {"Subject: a\rb\n\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the subject contains a line "
	        "break"},
	    {"Subject: x\n\na\0b", 15, "t", NULL, NULL,
	        "template 'en/t.txt' contains a NUL byte"},
	    {"Subject: x\n\n{{big}}{{big}}", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 3: the body is longer than 65536 "
	        "bytes"},
	    {"Subject: {{big}}\n\n", 0, "t", NULL, NULL,
	        "template 'en/t.txt' line 1: the subject is longer than 400 "
	        "bytes"},
	};
	struct mail_rendered r;
	char sentinel_s[] = "s", sentinel_b[] = "b";
	char err[T_ERR];
	size_t i;
	int rc;

	(void)state;
	memset(big_value, 'v', sizeof(big_value) - 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char file[64];

		(void)snprintf(file, sizeof(file), "%s.txt", cases[i].name);
		write_tpl("en", file, cases[i].text,
		    cases[i].len ? cases[i].len : strlen(cases[i].text));
		r.subject = sentinel_s;
		r.body = sentinel_b;
		(void)strlcpy_s(err, "untouched", sizeof(err));
		rc = mail_template_render(test_dir, "en", cases[i].name, vars,
		    ARRAY_SIZE(vars), &r, err, sizeof(err));
		if (cases[i].err == NULL) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			if (strcmp(r.subject, cases[i].subject) != 0 ||
			    strcmp(r.body, cases[i].body) != 0)
				fail_msg("row %zu: got '%s' / '%s'", i,
				    r.subject, r.body);
			mail_rendered_release(&r);
			mail_rendered_release(&r); /* twice is harmless */
			continue;
		}
		if (rc != -1)
			fail_msg("row %zu: rendered '%s'", i, r.body);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("row %zu:\n  got  '%s'\n  want '%s'", i, err,
			    cases[i].err);
		/* out is written only on success */
		assert_ptr_equal(r.subject, sentinel_s);
		assert_ptr_equal(r.body, sentinel_b);
	}
}

/* Names and languages never leave the directory; missing files fall back
 * to en, files that exist but cannot be used are errors. */
static void
test_files(void **state)
{
	static const struct {
		const char *lang, *name;
		const char *subject; /* want, or NULL */
		const char *err;     /* start of the message, or NULL */
	} cases[] = {
	    {"de", "only_en", "en only", NULL},
	    {"de", "both", "de both", NULL},
	    {"de-AT", "both", "de both", NULL},
	    {"fr", "both", "en both", NULL},
	    {"../de", "both", "en both", NULL},
	    {"de/../en", "both", "en both", NULL},
	    {"de/.", "both", "en both", NULL}, /* would be de if used */
	    {"de/", "both", "en both", NULL},
	    {"DE", "both", "en both", NULL},
	    {"en-", "both", "en both", NULL},
	    {"de-x", "both", "en both", NULL},
	    {"de-abcdefghi", "both", "en both", NULL},
	    {"de", "../../etc/passwd", NULL,
	        "template name '../../etc/passwd' is not valid (letters a-z, "
	        "digits and '_' only)"},
	    {"de", "Both", NULL,
	        "template name 'Both' is not valid (letters a-z, digits and "
	        "'_' only)"},
	    {"de", "both.txt", NULL,
	        "template name 'both.txt' is not valid (letters a-z, digits "
	        "and '_' only)"},
	    {"de", "", NULL,
	        "template name '' is not valid (letters a-z, digits and '_' "
	        "only)"},
	    {"de", "a\nb", NULL,
	        "template name 'a?b' is not valid (letters a-z, digits and "
	        "'_' only)"},
	    {"de", "nosuch", NULL,
	        "no template 'nosuch.txt' for language "
	        "'de' or 'en' in '"},
	    {"en", "dir", NULL, "template '"},
	    {"en", "fifo", NULL, "template '"},
	    {"en", "huge", NULL, "template '"},
	};
	static char huge[MAIL_TEMPLATE_MAX + 2];
	struct mail_rendered r = {NULL, NULL};
	char err[T_ERR], path[PATH_MAX];
	size_t i;
	int rc;

	(void)state;
	write_tpl("en", "only_en.txt", "Subject: en only\n\n", 18);
	write_tpl("en", "both.txt", "Subject: en both\n\n", 18);
	write_tpl("de", "both.txt", "Subject: de both\n\n", 18);
	memset(huge, 'x', sizeof(huge) - 1);
	memcpy(huge, "Subject: x\n\n", 12);
	write_tpl("en", "huge.txt", huge, sizeof(huge) - 1);
	(void)snprintf(path, sizeof(path), "%s/en/dir.txt", test_dir);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/en/fifo.txt", test_dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		rc = mail_template_render(test_dir, cases[i].lang,
		    cases[i].name, NULL, 0, &r, err, sizeof(err));
		if (cases[i].err == NULL) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			if (strcmp(r.subject, cases[i].subject) != 0)
				fail_msg("row %zu: subject '%s'", i, r.subject);
			mail_rendered_release(&r);
			continue;
		}
		if (rc != -1)
			fail_msg("row %zu: rendered '%s'", i, r.subject);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("row %zu: got '%s'", i, err);
	}
	rc = mail_template_render(
	    test_dir, "en", "dir", NULL, 0, &r, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "/en/dir.txt' is not a regular file"));
	rc = mail_template_render(
	    test_dir, "en", "huge", NULL, 0, &r, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(
	    strstr(err, "/en/huge.txt' is larger than 32768 bytes"));
	/* exactly MAIL_TEMPLATE_MAX bytes is fine */
	write_tpl("en", "huge.txt", huge, sizeof(huge) - 2);
	rc = mail_template_render(
	    test_dir, "en", "huge", NULL, 0, &r, err, sizeof(err));
	if (rc != 0)
		fail_msg("32768-byte template: %s", err);
	assert_int_equal(strlen(r.body), MAIL_TEMPLATE_MAX - 12);
	mail_rendered_release(&r);

	/* a translation that exists but cannot be read is an error, not a
	 * silent fallback (root reads everything: skip) */
	if (geteuid() != 0) {
		(void)snprintf(path, sizeof(path), "%s/de/both.txt", test_dir);
		assert_int_equal(chmod(path, 0), 0);
		rc = mail_template_render(
		    test_dir, "de", "both", NULL, 0, &r, err, sizeof(err));
		assert_int_equal(chmod(path, 0600), 0);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "cannot open template '"));
	}

	assert_int_equal(mail_template_render(
	                     NULL, "en", "both", NULL, 0, &r, err, sizeof(err)),
	    -1);
	assert_string_equal(
	    err, "no template directory or template name given");
	mail_rendered_release(NULL);
}

/* The codes of group ("action", "result") in the shipped en/words.txt:
 * the codes sspr puts into mails, each worded there. */
static size_t
shipped_codes(const char *group, char codes[][48], size_t max)
{
	char path[PATH_MAX + 32], line[512];
	size_t n = 0, g = strlen(group);
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/en/words.txt", src_dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t k;

		if (strncmp(line, group, g) != 0 || line[g] != '.')
			continue;
		k = strcspn(line + g + 1, " =");
		assert_true(k > 0 && k < 48 && n < max);
		memcpy(codes[n], line + g + 1, k);
		codes[n++][k] = '\0';
	}
	fclose(f);
	return n;
}

/* Every German notice, with every action and every result code sspr
 * puts into mails, holds no English: none of the English words of
 * en/words.txt (what C used to put there) and none of the English words
 * below.  A code without German words fails the render. */
static void
test_german_notices(void **state)
{
	static const char *const kinds[] = {"access_code", "enrolled",
	    "helpdesk", "helpdesk_code", "reset_done", "test"};
	static const char *const english[] = {" the ", "changed", "unlocked",
	    "copied", "cleared", "done", "refused", "interrupted", "password",
	    "Hello", "system", "not ", NULL};
	char actions[16][48], results[40][48], systems[96], err[T_ERR];
	char path[PATH_MAX + 32], line[512];
	size_t na, nr, a, r, k, w;
	struct mail_rendered out = {NULL, NULL};
	FILE *f;

	(void)state;
	na = shipped_codes("action", actions, 16);
	nr = shipped_codes("result", results, 40);
	assert_true(na >= 8 && nr >= 20);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (a = 0; a < na; a++) {
			for (r = 0; r < nr; r++) {
				struct mail_var vars[] = {{"name", "Joe Smith"},
				    {"userid", "JOE"}, {"code", "ABCD-EFGH"},
				    {"minutes", "15"}, {"system", "PROD"},
				    {"operator", "HELP01"},
				    {"action", actions[a]},
				    {"systems", systems},
				    {"time", "2026-11-22 21:30 UTC"},
				    {"client", "192.0.2.7"},
				    {"relay", "smtp://127.0.0.1:25"},
				    {"base_url", "https://sspr.example.com"}};

				(void)snprintf(systems, sizeof(systems),
				    "PROD=%.47s;DR=ok", results[r]);
				if (mail_template_render(src_dir, "de",
				        kinds[k], vars, ARRAY_SIZE(vars), &out,
				        err, sizeof(err)) == -1)
					fail_msg("de/%s: %s", kinds[k], err);
				for (w = 0; english[w] != NULL; w++)
					if (strstr(out.subject, english[w]) ||
					    strstr(out.body, english[w]))
						fail_msg(
						    "de/%s (%s, %s): English "
						    "'%s':\n%s\n\n%s",
						    kinds[k], actions[a],
						    results[r], english[w],
						    out.subject, out.body);
				/* No English words of any code either. */
				(void)snprintf(path, sizeof(path),
				    "%s/en/words.txt", src_dir);
				f = fopen(path, "r");
				assert_non_null(f);
				while (fgets(line, sizeof(line), f) != NULL) {
					char *v = strstr(line, " = ");

					if (line[0] == '#' || v == NULL)
						continue;
					v += 3;
					v[strcspn(v, "\n")] = '\0';
					if (strcmp(v, "erledigt") != 0 &&
					    (strstr(out.subject, v) ||
					        strstr(out.body, v)))
						fail_msg("de/%s: English '%s'",
						    kinds[k], v);
				}
				fclose(f);
				mail_rendered_release(&out);
			}
		}
	}
}

/* {{name:group}}: codes worded from the language's words.txt; a missing
 * word or a value that is not codes is an error, never the code. */
static void
test_words(void **state)
{
	static const char words_de[] =
	    "# Kommentar\n"
	    "result.ok = erledigt\n"
	    "result.no-key  =  kein Schl\xc3\xbcssel \n";
	static const char words_en[] = "result.ok = done\nresult.gone = gone\n";
	static const char tpl[] = "Subject: {{s:result}}\n\n[{{s:result}}]\n";
	static const struct {
		const char *lang, *value, *want; /* NULL: an error */
	} cases[] = {
	    {"de", "ok", "[erledigt]"},
	    {"de", "PROD=ok;DR=no-key",
	        "[PROD: erledigt; DR: kein Schl\xc3\xbcssel]"},
	    {"de", "PROD=ok; DR=ok", "[PROD: erledigt; DR: erledigt]"},
	    {"en", "ok", "[done]"},
	    {"de", "gone", NULL}, /* only English has it */
	    {"de", "Ok", NULL},   /* not a code */
	    {"de", "ok;", NULL},  /* an empty item */
	    {"de", "PROD=", NULL},
	    {"de", "ok\nBcc: x", NULL},
	    {"de", "", NULL},
	};
	struct mail_var v = {"s", NULL};
	struct mail_rendered out = {NULL, NULL};
	char err[T_ERR];
	size_t i;
	int rc;

	(void)state;
	write_tpl("de", "words.txt", words_de, sizeof(words_de) - 1);
	write_tpl("en", "words.txt", words_en, sizeof(words_en) - 1);
	write_tpl("de", "w.txt", tpl, sizeof(tpl) - 1);
	write_tpl("en", "w.txt", tpl, sizeof(tpl) - 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v.value = cases[i].value;
		rc = mail_template_render(test_dir, cases[i].lang, "w", &v, 1,
		    &out, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != -1)
				fail_msg("row %zu: rendered '%s'", i, out.body);
			continue;
		}
		if (rc == -1)
			fail_msg("row %zu: %s", i, err);
		if (strstr(out.body, cases[i].want) == NULL)
			fail_msg("row %zu: body '%s'", i, out.body);
		mail_rendered_release(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped),
	    cmocka_unit_test(test_shipped_needs_all),
	    cmocka_unit_test(test_german_notices),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
