/*
 * test_mail_transport.c - every transport refuses, by itself, an envelope
 * value that would break its line protocol (STYLE.md point 8): a CR, LF,
 * NUL or other control character in the recipient or the sender, an
 * over-long address, a message with a NUL byte.  The SMTP transport
 * refuses before it connects (its URL points at a closed port, so a
 * refusal that came from the network would be a temporary failure), the
 * directory transport writes no file, and the outbox queues nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/compat.h"
#include "mail/outbox.h"
#include "mail/transport.h"
#include "tests/unit/scratch.h"
#include "compat/banned.h"

static const char msg[] = "From: <sspr@example.com>\r\n"
                          "To: <alice@example.com>\r\n"
                          "Subject: test\r\n\r\nbody\r\n";

static const char *const bad[] = {
    "alice@example.com\r\nRCPT TO:<mallory@example.com>",
    "alice@example.com\nDATA",
    "alice@example.com\r",
    "alice@exa\tmple.com",
    "alice@example.com\x7f",
    "alice@example.com\x1b[2J",
    "",
};

static char dir[1024];

static int
setup(void **state)
{
	(void)state;
	return scratch_dir(dir, sizeof(dir), "mail_transport");
}

/* The number of files in dir. */
static int
files(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
test_value(void **state)
{
	struct mail_status st;
	char longer[MAIL_TRANSPORT_MAX_VALUE + 2];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&st, 0, sizeof(st));
		assert_int_equal(
		    mail_transport_value("recipient", bad[i], &st), -1);
		assert_int_equal(st.result, MAIL_PERMFAIL);
		/* The detail is one line and never echoes the value. */
		assert_null(strpbrk(st.detail, "\r\n"));
		assert_null(strstr(st.detail, "example.com"));
	}
	assert_int_equal(mail_transport_value("recipient", NULL, &st), -1);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	longer[10] = '@';
	assert_int_equal(mail_transport_value("recipient", longer, &st), -1);
	longer[MAIL_TRANSPORT_MAX_VALUE] = '\0';
	assert_int_equal(mail_transport_value("recipient", longer, &st), 0);
	assert_int_equal(
	    mail_transport_value("recipient", "alice@example.com", &st), 0);
	assert_int_equal(mail_transport_body(msg, sizeof(msg) - 1, &st), 0);
	assert_int_equal(mail_transport_body(msg, sizeof(msg), &st), -1);
}

static void
test_smtp(void **state)
{
	struct mail_transport t = {.kind = MAIL_SMTP,
	    .from = "sspr@example.com",
	    .url = "smtp://127.0.0.1:1",
	    .starttls = MAIL_TLS_OFF,
	    .timeout = 2};
	struct mail_status st;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(
		    mail_send(&t, bad[i], msg, sizeof(msg) - 1, &st),
		    MAIL_PERMFAIL);
		assert_null(strstr(st.detail, "failed"));
	}
	t.from = "sspr@example.com\r\nRSET";
	assert_int_equal(
	    mail_send(&t, "alice@example.com", msg, sizeof(msg) - 1, &st),
	    MAIL_PERMFAIL);
	assert_non_null(strstr(st.detail, "sender"));
	t.from = "sspr@example.com";
	assert_int_equal(
	    mail_send(&t, "alice@example.com", msg, sizeof(msg), &st),
	    MAIL_PERMFAIL);
	/* A good envelope goes on to the network (the port is closed). */
	assert_int_equal(
	    mail_send(&t, "alice@example.com", msg, sizeof(msg) - 1, &st),
	    MAIL_TEMPFAIL);
}

static void
test_directory(void **state)
{
	struct mail_transport t = {
	    .kind = MAIL_DIRECTORY, .from = "sspr@example.com", .dir = dir};
	struct mail_status st;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(
		    mail_send(&t, bad[i], msg, sizeof(msg) - 1, &st),
		    MAIL_PERMFAIL);
	assert_int_equal(
	    mail_send(&t, "alice@example.com", msg, sizeof(msg), &st),
	    MAIL_PERMFAIL);
	assert_int_equal(files(), 0);
	assert_int_equal(
	    mail_send(&t, "alice@example.com", msg, sizeof(msg) - 1, &st),
	    MAIL_SENT);
	assert_int_equal(files(), 1);
}

static void
test_outbox(void **state)
{
	unsigned char key[SEAL_KEY_LEN] = {1};
	struct mail_outbox *ob;
	char path[1100], err[512];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/outbox.db", dir);
	assert_int_equal(mail_outbox_open(path, key, &ob, err, sizeof(err)), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(mail_outbox_enqueue(ob, "test", bad[i], msg,
		                     sizeof(msg) - 1, 1700000000, 1700086400,
		                     NULL, err, sizeof(err)),
		    -1);
	assert_int_equal(mail_outbox_enqueue(ob, "test\nx", "alice@example.com",
	                     msg, sizeof(msg) - 1, 1700000000, 1700086400, NULL,
	                     err, sizeof(err)),
	    -1);
	assert_int_equal(mail_outbox_enqueue(ob, "test", "alice@example.com",
	                     msg, sizeof(msg) - 1, 1700000000, 1700086400, NULL,
	                     err, sizeof(err)),
	    0);
	mail_outbox_close(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value),
	    cmocka_unit_test(test_smtp),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_outbox),
	};

	mail_global_init();
	return cmocka_run_group_tests(tests, setup, NULL);
}
