/*
 * test_form.c - urlencoded form parsing: decoding, bounds, duplicates,
 * malformed escapes, NUL and invalid UTF-8 refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "web/form.h"

#include "compat/banned.h"

static void
test_rows(void **state)
{
	static const struct {
		const char *body;
		int rc;
		const char *name, *want;
	} rows[] = {
	    {"a=1&b=2", 0, "b", "2"},
	    {"userid=JOE&pin=583920", 0, "pin", "583920"},
	    {"x=a+b%20c", 0, "x", "a b c"},
	    {"x=%C3%BC", 0, "x", "\xc3\xbc"},
	    {"x=", 0, "x", ""},
	    {"&&x=1&", 0, "x", "1"},
	    {"x=%zz", -1, NULL, NULL},
	    {"x=%4", -1, NULL, NULL},
	    {"x=%00", -1, NULL, NULL},
	    {"x=%C3", -1, NULL, NULL},       /* truncated UTF-8 */
	    {"x=%C0%AF", -1, NULL, NULL},    /* overlong */
	    {"x=%ED%A0%80", -1, NULL, NULL}, /* surrogate */
	    {"x=1&x=2", -1, NULL, NULL},     /* parameter pollution */
	    {"X=1", -1, NULL, NULL},         /* names are lower case */
	    {"a-b=1", -1, NULL, NULL},
	    {"novalue", -1, NULL, NULL},
	    {"=1", -1, NULL, NULL},
	};
	struct form f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = form_parse(rows[i].body, strlen(rows[i].body), &f);

		if (rc != rows[i].rc)
			fail_msg("row %zu '%s': rc %d", i, rows[i].body, rc);
		if (rc == 0) {
			const char *v = form_get(&f, rows[i].name);

			if (v == NULL || strcmp(v, rows[i].want) != 0)
				fail_msg("row %zu: got '%s'", i, v ? v : "-");
			form_release(&f);
		} else
			assert_int_equal(f.n, 0);
	}
}

static void
test_bounds(void **state)
{
	char body[4096];
	struct form f;
	int i, n = 0;

	(void)state;
	/* 24 fields fit, 25 do not. */
	for (i = 0; i < 24; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n, "f%d=1&", i);
	assert_int_equal(form_parse(body, (size_t)n, &f), 0);
	form_release(&f);
	n += snprintf(body + n, sizeof(body) - (size_t)n, "g=1");
	assert_int_equal(form_parse(body, (size_t)n, &f), -1);
	/* A value of 512 bytes fits, 513 does not. */
	memset(body, 'v', sizeof(body));
	memcpy(body, "x=", 2);
	assert_int_equal(form_parse(body, 2 + 512, &f), 0);
	assert_int_equal(strlen(form_get(&f, "x")), 512);
	form_release(&f);
	assert_int_equal(form_parse(body, 2 + 513, &f), -1);
	/* A NUL inside the body (not an escape) ends a name badly. */
	assert_int_equal(form_parse("x=1\0y=2", 7, &f), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
