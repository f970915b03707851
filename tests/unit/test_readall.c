/*
 * test_readall.c - compat/readall.c: a file shorter than the buffer, one
 * exactly as long, one longer (cut at cap: the caller's "too large"), an
 * empty one, and a read error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "compat/readall.h"

#include "compat/banned.h"

/* A pipe holding text, its write end closed; the read end. */
static int
pipe_with(const char *text)
{
	int fd[2];

	assert_int_equal(pipe(fd), 0);
	assert_int_equal(
	    write(fd[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fd[1]);
	return fd[0];
}

static void
test_lengths(void **state)
{
	static const struct {
		const char *text;
		size_t cap;
		ssize_t want;
	} rows[] = {
	    {"hello", 16, 5},
	    {"hello", 5, 5},
	    {"hello world", 6, 6},
	    {"", 4, 0},
	};
	char buf[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int fd = pipe_with(rows[i].text);

		memset(buf, 0, sizeof(buf));
		assert_int_equal(read_all(fd, buf, rows[i].cap), rows[i].want);
		assert_memory_equal(buf, rows[i].text, (size_t)rows[i].want);
		close(fd);
	}
}

static void
test_error(void **state)
{
	char buf[4];
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(read_all(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EISDIR);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
