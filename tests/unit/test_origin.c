/*
 * test_origin.c - unit tests for web/origin.c: the spellings of one origin
 * a configuration may use (case, default port, trailing slash, a path)
 * all give what a browser sends in Origin; what differs stays different
 * (scheme, port, host); what is not an origin is refused (user
 * information, a non-ASCII host, a bad port, a path in an Origin header,
 * other schemes), and a result that does not fit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "web/origin.h"

static void
same(const char *url, int with_path, const char *want)
{
	char out[WEB_ORIGIN_MAX];

	if (web_origin_parse(url, with_path, out, sizeof(out)) != 0)
		fail_msg("'%s' refused", url);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' gave '%s', want '%s'", url, out, want);
}

static void
refused(const char *url, int with_path)
{
	char out[WEB_ORIGIN_MAX] = "untouched";

	if (web_origin_parse(url, with_path, out, sizeof(out)) != -1)
		fail_msg("'%s' taken as '%s'", url, out);
	assert_string_equal(out, "untouched");
}

static void
test_spellings(void **state)
{
	(void)state;
	same("https://example.com", 1, "https://example.com");
	same("HTTPS://Example.COM", 1, "https://example.com");
	same("https://example.com:443", 1, "https://example.com");
	same("https://example.com/", 1, "https://example.com");
	same("https://example.com:443/sspr/", 1, "https://example.com");
	same("http://EXAMPLE.com:80/x", 1, "http://example.com");
	same("http://127.0.0.1", 1, "http://127.0.0.1");
	same("http://127.0.0.1:8080", 0, "http://127.0.0.1:8080");
	same("https://[::1]:8443", 0, "https://[::1]:8443");
	same("https://[::1]:443", 0, "https://[::1]");
	same("https://xn--bcher-kva.example", 0,
	    "https://xn--bcher-kva.example");
	/* what differs stays different */
	same("https://example.com:80", 0, "https://example.com:80");
	same("http://example.com:443", 0, "http://example.com:443");
}

static void
test_refused(void **state)
{
	char small[12];

	(void)state;
	refused("https://b\xc3\xbc"
	        "cher.example",
	    1); /* punycode wanted */
	refused("https://user@example.com", 1);
	refused("https://example.com:0", 1);
	refused("https://example.com:65536", 1);
	refused("https://example.com:", 1);
	refused("https://example.com:4a3", 1);
	refused("https://", 1);
	refused("ftp://example.com", 1);
	refused("example.com", 1);
	refused("https://example.com/", 0); /* an Origin has no path */
	refused("https://example.com/x", 0);
	refused("https://example.com/?q", 1);
	refused("https://example.com#f", 1);
	refused("https://[::1", 0);
	refused("https://exa mple.com", 0);
	assert_int_equal(
	    web_origin_parse("https://example.com", 1, small, sizeof(small)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spellings),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
