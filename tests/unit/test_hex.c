/*
 * test_hex.c - compat/hex.c: every digit value both ways, and encoding in
 * both cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "compat/hex.h"

#include "compat/banned.h"

static void
test_value(void **state)
{
	static const char digits[] = "0123456789abcdef";
	int c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++) {
		const char *p =
		    c != 0 ? strchr(digits,
		                 c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c)
		           : NULL;

		if (p != NULL) {
			assert_int_equal(hex_value(c), (int)(p - digits));
			n++;
		} else
			assert_int_equal(hex_value(c), -1);
	}
	assert_int_equal(n, 22); /* 0-9, a-f, A-F */
}

static void
test_encode(void **state)
{
	static const unsigned char in[] = {0x00, 0x0f, 0xa5, 0xff};
	char out[2 * sizeof(in) + 1];

	(void)state;
	memset(out, 'x', sizeof(out));
	hex_encode(in, sizeof(in), out, 0);
	assert_string_equal(out, "000fa5ff");
	hex_encode(in, sizeof(in), out, 1);
	assert_string_equal(out, "000FA5FF");
	hex_encode(in, 0, out, 1);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value),
	    cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
