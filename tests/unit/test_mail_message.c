/*
 * test_mail_message.c - unit tests for mail/message.c: which addresses
 * are one acceptable mailbox (with the exact reason for each refusal),
 * the exact message built for a fixed time, RFC 2047 encoded-words
 * (decoded again here and checked for length and whole characters),
 * folding, quoted-printable bodies (exact output, then a decode round trip
 * over generated text), multipart/alternative, locale-free dates, and a
 * refusal for every field that leaves the output unchanged.
 *
 * The Message-ID's random left side and the random boundary are checked
 * for shape, then replaced by fixed text before an exact comparison.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/strbuf.h"
#include "mail/message.h"

#include "compat/banned.h"

#define T_2026  ((time_t)1795383000) /* Sun, 22 Nov 2026 21:30:00 UTC */
#define T_ERR   512
#define A10     "aaaaaaaaaa"
#define A70     A10 A10 A10 A10 A10 A10 A10
#define A74     A70 "aaaa"
#define A75     A70 "aaaaa"
#define A76     A70 "aaaaaa"
#define ID_MARK "XXXXXXXXXXXXXXXXXXXXXXXX"

/* A default message: every refusal row changes one field of it. */
static struct mail_msg
base_msg(void)
{
	struct mail_msg m = {.from = "sspr@example.com",
	    .from_name = "sspr",
	    .to = "joe@example.com",
	    .to_name = "Joe Smith",
	    .subject = "Your access code",
	    .text = "Code: ABCD-EFGH\n"};

	return m;
}

/* Build m at time now into a fresh buffer (caller releases) or fail. */
static void
build_ok(const struct mail_msg *m, time_t now, struct strbuf *out)
{
	char err[T_ERR];

	strbuf_init(out, MAIL_MAX_MESSAGE);
	if (mail_build(m, now, out, err, sizeof(err)) == -1)
		fail_msg("mail_build refused: %s", err);
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Check that p starts with 24 lower-case hex digits (and no more), then
 * overwrite them with ID_MARK. */
static void
normalise_at(char *p)
{
	size_t i;

	for (i = 0; i < 24; i++) {
		if (!is_hex(p[i]))
			fail_msg(
			    "random part is not 24 hex digits: '%.30s'", p);
		p[i] = 'X';
	}
	if (is_hex(p[24]))
		fail_msg("random part is too long: '%.30s'", p);
}

/* normalise_at() the text after the first marker in s. */
static void
normalise_random(char *s, const char *marker)
{
	char *p = strstr(s, marker);

	if (p == NULL)
		fail_msg("'%s' not found in the message", marker);
	normalise_at(p + strlen(marker));
}

/* Length of the header section (up to and including the first CRLF CRLF). */
static size_t
header_len(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");

	if (end == NULL)
		fail_msg("message has no end of header");
	return (size_t)(end - msg) + 4;
}

/* Every line ends in CRLF (no bare CR or LF), header lines are at most
 * hmax characters, body lines at most bmax, and no line is ".". */
static void
check_lines(const char *msg, size_t hmax, size_t bmax)
{
	size_t hlen = header_len(msg), pos = 0, len = strlen(msg), eol;

	while (pos < len) {
		const char *crlf = strstr(msg + pos, "\r\n");

		if (crlf == NULL)
			fail_msg(
			    "last line does not end in CRLF: '%s'", msg + pos);
		eol = (size_t)(crlf - msg);
		if (memchr(msg + pos, '\r', eol - pos) != NULL ||
		    memchr(msg + pos, '\n', eol - pos) != NULL)
			fail_msg("bare CR or LF in line '%.*s'",
			    (int)(eol - pos), msg + pos);
		if (eol - pos > (pos < hlen ? hmax : bmax))
			fail_msg("line of %zu characters: '%.*s'", eol - pos,
			    (int)(eol - pos), msg + pos);
		if (eol - pos == 1 && msg[pos] == '.')
			fail_msg("a line is a lone '.'");
		pos = eol + 2;
	}
}

/* The unfolded value of header name (first occurrence) into buf. */
static void
header_value(const char *msg, const char *name, char *buf, size_t size)
{
	size_t hlen = header_len(msg), nlen = strlen(name), o = 0, pos = 0;
	int found = 0;

	while (pos < hlen - 2) {
		size_t eol = (size_t)(strstr(msg + pos, "\r\n") - msg);

		if (!found && strncmp(msg + pos, name, nlen) == 0 &&
		    msg[pos + nlen] == ':' && msg[pos + nlen + 1] == ' ') {
			found = 1;
			pos += nlen + 2;
		} else if (found && msg[pos] != ' ' && msg[pos] != '\t')
			break;
		if (found) {
			assert_true(o + eol - pos < size);
			memcpy(buf + o, msg + pos, eol - pos);
			o += eol - pos;
		}
		pos = eol + 2;
	}
	if (!found)
		fail_msg("no '%s:' header", name);
	buf[o] = '\0';
}

static int
b64_value(char c)
{
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                  "0123456789+/";
	const char *p = c != '\0' ? strchr(abc, c) : NULL;

	return p == NULL ? -1 : (int)(p - abc);
}

/* Decode n base64 characters (a multiple of 4) at in; returns bytes. */
static size_t
b64_decode(const char *in, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	int k, v[4];

	assert_int_equal(n % 4, 0);
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++)
			v[k] = in[i + (size_t)k] == '='
			           ? 0
			           : b64_value(in[i + (size_t)k]);
		for (k = 0; k < 4; k++)
			assert_true(v[k] >= 0);
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (in[i + 2] != '=')
			out[o++] =
			    (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (in[i + 3] != '=')
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return o;
}

/* Decode an unfolded value made only of encoded-words separated by
 * blanks into out.  Each word must be at most 75 characters and hold
 * whole UTF-8 characters.  Returns the number of words. */
static size_t
ew_decode(const char *value, char *out, size_t size)
{
	const char *p = value;
	size_t o = 0, words = 0, n, wl, k;

	while (*p != '\0') {
		const char *end;

		while (*p == ' ')
			p++;
		if (strncmp(p, "=?UTF-8?B?", 10) != 0)
			fail_msg("not an encoded-word: '%.20s'", p);
		end = strstr(p + 10, "?=");
		assert_non_null(end);
		wl = (size_t)(end + 2 - p);
		if (wl > 75)
			fail_msg("encoded-word of %zu characters", wl);
		assert_true(o + wl < size);
		n = b64_decode(
		    p + 10, (size_t)(end - p - 10), (unsigned char *)out + o);
		/* whole characters: no continuation byte first, and the last
		 * lead byte's sequence is complete */
		assert_true(n > 0);
		assert_true(((unsigned char)out[o] & 0xc0) != 0x80);
		for (k = n;
		     k > 0 && ((unsigned char)out[o + k - 1] & 0xc0) == 0x80;
		     k--)
			;
		assert_true(k > 0);
		{
			unsigned char lead = (unsigned char)out[o + k - 1];
			size_t need = lead < 0x80   ? 1
			              : lead < 0xe0 ? 2
			              : lead < 0xf0 ? 3
			                            : 4;

			if (n - (k - 1) != need)
				fail_msg("encoded-word %zu splits a character",
				    words + 1);
		}
		o += n;
		words++;
		p = end + 2;
	}
	out[o] = '\0';
	return words;
}

/* Decode quoted-printable text (CRLF line ends) into out. */
static size_t
qp_decode(const char *in, char *out)
{
	size_t i = 0, o = 0;

	while (in[i] != '\0') {
		if (in[i] == '=' && in[i + 1] == '\r' && in[i + 2] == '\n') {
			i += 3;
		} else if (in[i] == '=') {
			char hex[3] = {in[i + 1], in[i + 2], '\0'};

			assert_true(strspn(hex, "0123456789ABCDEF") == 2);
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 3;
		} else
			out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}

static void
test_address(void **state)
{
	static const struct {
		const char *in;
		int want;
		const char *err; /* exact message, or NULL */
	} cases[] = {
	    {"joe@example.com", 0, NULL},
	    {"user+tag@example.co.uk", 0, NULL},
	    {"first.last@sub.example.com", 0, NULL},
	    {"o'brien@example.ie", 0, NULL},
	    {"x!#$%&'*+-/?=^_`{|}~@example.com", 0, NULL},
	    {"\"quoted local\"@example.com", 0, NULL},
	    {"\"a\\\"b\"@example.com", 0, NULL},
	    {"\"a.b c\\\\d\"@example.com", 0, NULL},
	    {"\"a@b, c\"@example.com", -1,
	        "e-mail address '\"a@b, c\"@example.com': character '@' is "
	        "not allowed in a quoted local part"},
	    {"\"a@example.com>,<b\"@evil.com", -1,
	        "e-mail address '\"a@example.com>,<b\"@evil.com': character "
	        "'@' is not allowed in a quoted local part"},
	    {"\"a\\xb\"@example.com", -1,
	        "e-mail address '\"a\\xb\"@example.com': a quoted local part "
	        "may escape only '\"' and '\\'"},
	    {"=?utf-8?q?a=40evil.com?=@example.com", -1,
	        "e-mail address '=?utf-8?q?a=40evil.com?=@example.com': '=?' "
	        "is not allowed in an e-mail address (it could be read as an "
	        "encoded-word)"},
	    {"a=b?c@example.com", 0, NULL},
	    {"a@[127.0.0.1]", 0, NULL},
	    {"a@[255.255.255.0]", 0, NULL},
	    {"joe@xn--bcher-kva.de", 0, NULL},
	    {"joe@EXAMPLE.com", 0, NULL},
	    {"joe@a-b.example", 0, NULL},
	    {"joe@host9.example.com", 0, NULL},
	    {"a@b.com\r\nBcc: x@y.com", -1,
	        "e-mail address 'a@b.com??Bcc: x@y.com': contains a line "
	        "break or control character"},
	    {"a@b.com\n", -1,
	        "e-mail address 'a@b.com?': contains a line break or "
	        "control character"},
	    {"a@b.com\tx", -1,
	        "e-mail address 'a@b.com?x': contains a line break or "
	        "control character"},
	    {"a@b.com, c@d.com", -1,
	        "e-mail address 'a@b.com, c@d.com': an address must be one "
	        "mailbox: found ','"},
	    {"a@b.com;c@d.com", -1,
	        "e-mail address 'a@b.com;c@d.com': an address must be one "
	        "mailbox: found ';'"},
	    {"Joe <joe@example.com>", -1,
	        "e-mail address 'Joe <joe@example.com>': an address must be "
	        "one mailbox: found ' '"},
	    {"<joe@example.com>", -1,
	        "e-mail address '<joe@example.com>': an address must be one "
	        "mailbox: found '<'"},
	    {"\"q\r\n\"@x.com", -1,
	        "e-mail address '\"q??\"@x.com': contains a line break or "
	        "control character"},
	    {"\xd0\xb0"
	     "dmin@example.com",
	        -1,
	        "e-mail address '??dmin@example.com': non-ASCII characters "
	        "in an e-mail address are not supported (look-alike "
	        "characters are refused)"},
	    {"joe@b\xc3\xbc"
	     "cher.de",
	        -1,
	        "e-mail address 'joe@b??cher.de': non-ASCII characters in an "
	        "e-mail address are not supported (look-alike characters "
	        "are refused)"},
	    {"a@[300.1.1.1]", -1,
	        "e-mail address 'a@[300.1.1.1]': IPv4 octet 300 is out of "
	        "range 0-255"},
	    {"a@[1.2.3]", -1,
	        "e-mail address 'a@[1.2.3]': an address literal must be an "
	        "IPv4 address like [192.0.2.1]"},
	    {"a@[1.2.3.4.5]", -1,
	        "e-mail address 'a@[1.2.3.4.5]': an address literal must be "
	        "an IPv4 address like [192.0.2.1]"},
	    {"a@[01.2.3.4]", -1,
	        "e-mail address 'a@[01.2.3.4]': an address literal must be "
	        "an IPv4 address like [192.0.2.1]"},
	    {"a@[1.2.3.4", -1,
	        "e-mail address 'a@[1.2.3.4': an address literal must end "
	        "with ']'"},
	    {"a@[IPv6:::1]", -1,
	        "e-mail address 'a@[IPv6:::1]': IPv6 address literals are "
	        "not supported"},
	    {"a@localhost", -1,
	        "e-mail address 'a@localhost': the domain must have at least "
	        "two labels, like 'example.com'"},
	    {"a@1.2.3.4", -1,
	        "e-mail address 'a@1.2.3.4': the top-level domain is all "
	        "digits (write an IPv4 address as [192.0.2.1])"},
	    {".joe@example.com", -1,
	        "e-mail address '.joe@example.com': local part starts with "
	        "'.'"},
	    {"joe.@example.com", -1,
	        "e-mail address 'joe.@example.com': local part ends with "
	        "'.'"},
	    {"jo..e@example.com", -1,
	        "e-mail address 'jo..e@example.com': local part has two dots "
	        "in a row"},
	    {"jo(e)@example.com", -1,
	        "e-mail address 'jo(e)@example.com': character '(' is not "
	        "allowed in an unquoted local part"},
	    {"jo\\e@example.com", -1,
	        "e-mail address 'jo\\e@example.com': character '\\' is not "
	        "allowed in an unquoted local part"},
	    {"\"a\"b@example.com", -1,
	        "e-mail address '\"a\"b@example.com': a quoted local part "
	        "must be the whole local part"},
	    {"\"a\"\"b\"@example.com", -1,
	        "e-mail address '\"a\"\"b\"@example.com': a quoted local "
	        "part must be the whole local part"},
	    {"\"\"@example.com", -1,
	        "e-mail address '\"\"@example.com': empty quoted local part"},
	    {"\"joe@example.com", -1,
	        "e-mail address '\"joe@example.com': unterminated quoted "
	        "string"},
	    {"joe@example..com", -1,
	        "e-mail address 'joe@example..com': the domain has an empty "
	        "label (a leading, trailing or double dot)"},
	    {"joe@.example.com", -1,
	        "e-mail address 'joe@.example.com': the domain has an empty "
	        "label (a leading, trailing or double dot)"},
	    {"joe@example.com.", -1,
	        "e-mail address 'joe@example.com.': the domain has an empty "
	        "label (a leading, trailing or double dot)"},
	    {"joe@-example.com", -1,
	        "e-mail address 'joe@-example.com': a domain label starts or "
	        "ends with '-'"},
	    {"joe@example-.com", -1,
	        "e-mail address 'joe@example-.com': a domain label starts or "
	        "ends with '-'"},
	    {"joe@exa_mple.com", -1,
	        "e-mail address 'joe@exa_mple.com': character '_' is not "
	        "allowed in a domain (letters, digits, '-' and '.' only)"},
	    {"joeexample.com", -1,
	        "e-mail address 'joeexample.com': missing '@'"},
	    {"a@b@example.com", -1,
	        "e-mail address 'a@b@example.com': more than one '@' outside "
	        "quotes"},
	    {"@example.com", -1,
	        "e-mail address '@example.com': empty local part"},
	    {"joe@", -1, "e-mail address 'joe@': the domain is empty"},
	    {"", -1, "e-mail address is empty"},
	    {NULL, -1, "e-mail address is empty"},
	};
	char err[T_ERR];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		(void)strlcpy_s(err, "untouched", sizeof(err));
		rc = mail_address_check(cases[i].in, err, sizeof(err));
		if (rc != cases[i].want)
			fail_msg("row %zu '%s': got %d, want %d (%s)", i,
			    cases[i].in ? cases[i].in : "(null)", rc,
			    cases[i].want, err);
		if (cases[i].err != NULL && strcmp(err, cases[i].err) != 0)
			fail_msg("row %zu: message\n  got  '%s'\n  want '%s'",
			    i, err, cases[i].err);
	}
}

/* Limits: local part 64, label 63, whole address 254; the message quotes
 * 40 bytes. */
static void
test_address_lengths(void **state)
{
	static char buf[400];
	char err[T_ERR], want[T_ERR];
	size_t i, n;
	static const struct {
		size_t local, label,
		    labels; /* labels of `label` chars + "com" */
		int want;
		const char *reason;
	} cases[] = {
	    {64, 10, 1, 0, NULL},
	    {65, 10, 1, -1, "local part longer than 64 characters"},
	    {10, 63, 1, 0, NULL},
	    {10, 64, 1, -1, "a domain label is longer than 63 characters"},
	    /* 64 + 1 + 3 * 62 + 3 * 1 + 3 = 257 > 254 */
	    {64, 61, 3, 0, NULL},
	    {64, 62, 3, -1, "longer than 254 characters"},
	    {64, 63, 4, -1, "longer than 254 characters"},
	};

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t k, l;

		n = 0;
		memset(buf, 'x', cases[i].local);
		n = cases[i].local;
		buf[n++] = '@';
		for (l = 0; l < cases[i].labels; l++) {
			for (k = 0; k < cases[i].label; k++)
				buf[n++] = 'd';
			buf[n++] = '.';
		}
		memcpy(buf + n, "com", 4);
		n += 3;
		if (mail_address_check(buf, err, sizeof(err)) != cases[i].want)
			fail_msg("row %zu (%zu chars): want %d: %s", i, n,
			    cases[i].want, err);
		if (cases[i].reason == NULL)
			continue;
		(void)snprintf(want, sizeof(want),
		    "e-mail address '%.40s...': %s", buf, cases[i].reason);
		if (strcmp(err, want) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, err, want);
	}
	/* 254 exactly passes the length check, 300 does not */
	memset(buf, 'x', 64);
	buf[64] = '@';
	for (n = 65; n < 254; n++)
		buf[n] = (n - 65) % 50 == 49 ? '.' : 'd';
	memcpy(buf + 250, ".com", 5);
	assert_int_equal(strlen(buf), 254);
	if (mail_address_check(buf, err, sizeof(err)) != 0)
		fail_msg("254-character address refused: %s", err);
	memset(buf, 'a', 300);
	memcpy(buf + 290, "@b.example", 11);
	assert_int_equal(mail_address_check(buf, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "e-mail address '" A10 A10 A10 A10 "...': longer than 254 "
	    "characters");
}

static void
test_build_exact(void **state)
{
	static const char want[] =
	    "Date: Sun, 22 Nov 2026 21:30:00 +0000\r\n"
	    "From: sspr <sspr@example.com>\r\n"
	    "To: Joe Smith <joe@example.com>\r\n"
	    "Subject: Your access code\r\n"
	    "Message-ID: <" ID_MARK "@example.com>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "Code: ABCD-EFGH\r\n";
	static const char want_plain[] =
	    "Date: Sun, 22 Nov 2026 21:30:00 +0000\r\n"
	    "From: sspr@example.com\r\n"
	    "To: joe@example.com\r\n"
	    "Subject: Hi\r\n"
	    "Message-ID: <" ID_MARK "@mail.example.net>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "a\r\n"
	    "\r\n"
	    "b\r\n";
	struct mail_msg m = base_msg();
	struct strbuf out;
	char err[T_ERR];

	(void)state;
	m.auto_submitted = 1;
	build_ok(&m, T_2026, &out);
	normalise_random(out.buf, "Message-ID: <");
	assert_string_equal(out.buf, want);
	strbuf_release(&out);

	/* no names, an explicit Message-ID domain, appended to what the
	 * buffer held */
	m = base_msg();
	m.from_name = NULL;
	m.to_name = "";
	m.subject = "Hi";
	m.text = "a\n\nb";
	m.msgid_domain = "mail.example.net";
	strbuf_init(&out, MAIL_MAX_MESSAGE);
	assert_int_equal(strbuf_addstr(&out, "Return-Path: <x@y.z>\r\n"), 0);
	if (mail_build(&m, T_2026, &out, err, sizeof(err)) == -1)
		fail_msg("refused: %s", err);
	assert_true(strncmp(out.buf, "Return-Path: <x@y.z>\r\n", 22) == 0);
	normalise_random(out.buf, "Message-ID: <");
	assert_string_equal(out.buf + 22, want_plain);
	strbuf_release(&out);
}

/* Two messages never share a Message-ID. */
static void
test_message_id_random(void **state)
{
	struct mail_msg m = base_msg();
	struct strbuf a, b;
	char ida[128], idb[128];

	(void)state;
	build_ok(&m, T_2026, &a);
	build_ok(&m, T_2026, &b);
	header_value(a.buf, "Message-ID", ida, sizeof(ida));
	header_value(b.buf, "Message-ID", idb, sizeof(idb));
	assert_int_equal(strlen(ida), 1 + 24 + 1 + 11 + 1);
	assert_string_not_equal(ida, idb);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
test_date(void **state)
{
	static const struct {
		time_t t;
		const char *want; /* NULL: refused */
	} cases[] = {
	    {0, "Thu, 01 Jan 1970 00:00:00 +0000"},
	    {951807909, "Tue, 29 Feb 2000 07:05:09 +0000"},
	    {T_2026, "Sun, 22 Nov 2026 21:30:00 +0000"},
	    {T_2026 + 86400 * 3 + 3599, "Wed, 25 Nov 2026 22:29:59 +0000"},
	    {(time_t)253402300799LL, "Fri, 31 Dec 9999 23:59:59 +0000"},
	    {(time_t)253402300800LL, NULL},
	};
	struct mail_msg m = base_msg();
	struct strbuf out;
	char err[T_ERR], value[128];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_init(&out, MAIL_MAX_MESSAGE);
		rc = mail_build(&m, cases[i].t, &out, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != -1)
				fail_msg("row %zu: date accepted", i);
			assert_string_equal(err,
			    "field 'date': the time cannot be written as an "
			    "RFC 5322 date");
			assert_int_equal(out.len, 0);
		} else {
			if (rc != 0)
				fail_msg("row %zu: %s", i, err);
			header_value(out.buf, "Date", value, sizeof(value));
			if (strcmp(value, cases[i].want) != 0)
				fail_msg("row %zu: got '%s', want '%s'", i,
				    value, cases[i].want);
		}
		strbuf_release(&out);
	}
}

/* Non-ASCII subjects and names become encoded-words that decode to the
 * input, each at most 75 characters of whole characters, on lines of at
 * most 78. */
static void
test_rfc2047(void **state)
{
	static const struct {
		const char *subject;
		const char *to_name;
		size_t min_words; /* in the subject */
	} cases[] = {
	    {"Gr\xc3\xbc\xc3\x9f"
	     "e",
	        "J\xc3\xb6rg M\xc3\xbcller", 1},
	    {"Ihr Zugangscode f\xc3\xbcr PROD \xf0\x9f\x94\x91 \xe2\x80\x94 "
	     "bitte pr\xc3\xbc"
	     "fen Sie die Angaben sorgf\xc3\xa4ltig, bevor "
	     "Sie fortfahren \xe2\x9c\x85 \xc3\x84\xc3\x96\xc3\x9c\xc3\xa4"
	     "\xc3\xb6\xc3\xbc\xc3\x9f",
	        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 3},
	    /* 100 two-byte characters: a split must never halve one */
	    {"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	     "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4",
	        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
	        4},
	    /* ASCII that looks like an encoded-word is encoded itself */
	    {"=?UTF-8?B?QkNDOiB4QHkuY29t?=", "=?utf-8?q?admin?=", 1},
	};
	struct mail_msg m = base_msg();
	struct strbuf out;
	char value[2048], dec[2048];
	size_t i, words;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m.subject = cases[i].subject;
		m.to_name = cases[i].to_name;
		build_ok(&m, T_2026, &out);
		check_lines(out.buf, 78, 76);

		header_value(out.buf, "Subject", value, sizeof(value));
		words = ew_decode(value, dec, sizeof(dec));
		if (strcmp(dec, cases[i].subject) != 0)
			fail_msg("row %zu: subject decodes to '%s'", i, dec);
		if (words < cases[i].min_words)
			fail_msg("row %zu: %zu words, want >= %zu", i, words,
			    cases[i].min_words);

		header_value(out.buf, "To", value, sizeof(value));
		{
			char *angle = strstr(value, " <joe@example.com>");

			assert_non_null(angle);
			assert_string_equal(angle, " <joe@example.com>");
			*angle = '\0';
		}
		(void)ew_decode(value, dec, sizeof(dec));
		if (strcmp(dec, cases[i].to_name) != 0)
			fail_msg("row %zu: name decodes to '%s'", i, dec);
		strbuf_release(&out);
	}
}

/* ASCII subjects and phrases: folded at blanks, unfolding gives the text
 * back; specials are quoted. */
static void
test_ascii_headers(void **state)
{
	static const struct {
		const char *subject, *to_name;
		const char *want_subject; /* as written, unfolded */
		const char *want_to;
	} cases[] = {
	    {"Hi", "Smith, Joe", "Hi", "\"Smith, Joe\" <joe@example.com>"},
	    {"a  b", "Joe \"JJ\" Smith", "a  b",
	        "\"Joe \\\"JJ\\\" Smith\" <joe@example.com>"},
	    {"x", "back\\slash", "x", "\"back\\\\slash\" <joe@example.com>"},
	    {"x", "J. Smith", "x", "\"J. Smith\" <joe@example.com>"},
	    {"x", "joe@evil.com", "x", "\"joe@evil.com\" <joe@example.com>"},
	    {"x", "a <b@c.com>", "x", "\"a <b@c.com>\" <joe@example.com>"},
	    {"x", "   ", "x", "\"   \" <joe@example.com>"},
	    {"Your password for the system PROD was changed a minute ago by "
	     "the self-service, please check that this was you",
	        "Joe", NULL, "Joe <joe@example.com>"},
	    {"Trailing blanks stay   ", "Joe", NULL, "Joe <joe@example.com>"},
	    {A76 A10 " " A10, "Joe", NULL, "Joe <joe@example.com>"},
	};
	struct mail_msg m = base_msg();
	struct strbuf out;
	char value[2048];
	const char *p, *q;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m.subject = cases[i].subject;
		m.to_name = cases[i].to_name;
		build_ok(&m, T_2026, &out);
		/* one word of 86 characters cannot be folded */
		check_lines(
		    out.buf, strlen(cases[i].subject) > 80 ? 96 : 78, 76);
		header_value(out.buf, "Subject", value, sizeof(value));
		if (strcmp(value, cases[i].want_subject != NULL
		                      ? cases[i].want_subject
		                      : cases[i].subject) != 0)
			fail_msg("row %zu: subject '%s'", i, value);
		header_value(out.buf, "To", value, sizeof(value));
		if (strcmp(value, cases[i].want_to) != 0)
			fail_msg("row %zu: to '%s'", i, value);
		/* long subjects were folded */
		p = strstr(out.buf, "Subject: ");
		q = strstr(p, "\r\n ");
		if (strlen(cases[i].subject) > 100 &&
		    (q == NULL || q > strstr(p, "\r\nMessage-ID")))
			fail_msg("row %zu: long subject not folded", i);
		strbuf_release(&out);
	}
}

static void
test_encode_header_text(void **state)
{
	static const struct {
		const char *in;
		int is_phrase;
		int want;
		const char *out;
	} cases[] = {
	    {"Joe Smith", 1, 0, "Joe Smith"},
	    {"Smith, Joe", 1, 0, "\"Smith, Joe\""},
	    {"Smith, Joe", 0, 0, "Smith, Joe"},
	    {"a\"b\\c", 1, 0, "\"a\\\"b\\\\c\""},
	    {"J\xc3\xb6"
	     "e",
	        1, 0, "=?UTF-8?B?SsO2ZQ==?="},
	    {"J\xc3\xb6"
	     "e",
	        0, 0, "=?UTF-8?B?SsO2ZQ==?="},
	    {"=?x?=", 0, 0, "=?UTF-8?B?PT94Pz0=?="},
	    {"", 1, 0, "\"\""},
	    {"", 0, 0, ""},
	    {"a\r\nb", 0, -1, NULL},
	    {"a\x7f", 1, -1, NULL},
	    {"\xc2\x9b", 1, -1, NULL}, /* C1 CSI */
	    {"\xe2\x82", 0, -1, NULL},
	    {NULL, 0, -1, NULL},
	};
	struct strbuf out;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_init(&out, 1024);
		assert_int_equal(strbuf_addstr(&out, ">"), 0);
		rc = mail_encode_header_text(
		    cases[i].in, cases[i].is_phrase, &out);
		if (rc != cases[i].want)
			fail_msg("row %zu: got %d", i, rc);
		if (rc == 0 && strcmp(out.buf + 1, cases[i].out) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, out.buf + 1,
			    cases[i].out);
		if (rc == -1)
			assert_string_equal(out.buf, ">");
		strbuf_release(&out);
	}
	/* the ceiling leaves the buffer unchanged */
	strbuf_init(&out, 10);
	assert_int_equal(mail_encode_header_text("J\xc3\xb6"
	                                         "e",
	                     1, &out),
	    -1);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

static void
test_qp(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Code: ABCD-EFGH\n", "Code: ABCD-EFGH\r\n"},
	    {"", ""},
	    {"no line end", "no line end\r\n"},
	    {"\n\n", "\r\n\r\n"},
	    {"x\r\ny\rz\n", "x\r\ny\r\nz\r\n"},
	    {"a=b\n", "a=3Db\r\n"},
	    {"trailing  \n", "trailing =20\r\n"},
	    {"tab\t\nx \ty", "tab=09\r\nx \ty\r\n"},
	    {"end ", "end=20\r\n"},
	    {".\n", "=2E\r\n"},
	    {"a\n.\nb", "a\r\n=2E\r\nb\r\n"},
	    {"..x.\n", "=2E.x.\r\n"},
	    {"Gr\xc3\xbc\xc3\x9f"
	     "e\n",
	        "Gr=C3=BC=C3=9Fe\r\n"},
	    {"\x1b[1m\x7f", "=1B[1m=7F\r\n"},
	    {"From here", "From here\r\n"},
	    {A76 "\n", A76 "\r\n"},
	    {A76 "a\n", A75 "=\r\naa\r\n"},
	    {A75 A75 "a", A75 "=\r\n" A76 "\r\n"},
	    {A75 A76 "a", A75 "=\r\n" A75 "=\r\naa\r\n"},
	    {A74 "=", A74 "=\r\n=3D\r\n"},
	    {A74 "=b", A74 "=\r\n=3Db\r\n"},
	    {A75 " ", A75 "=\r\n=20\r\n"},
	    {A74 " bc", A74 " =\r\nbc\r\n"},
	    {A74 " b", A74 " b\r\n"},
	    {A75 " b", A75 "=\r\n b\r\n"},
	    {A75 ".b", A75 "=\r\n=2Eb\r\n"},
	    {A74 "\xc3\xbc", A74 "=\r\n=C3=BC\r\n"},
	};
	struct strbuf out;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_init(&out, 4096);
		if (mail_encode_qp(cases[i].in, &out) == -1)
			fail_msg("row %zu refused", i);
		if (strcmp(out.buf, cases[i].want) != 0)
			fail_msg("row %zu:\n  got  '%s'\n  want '%s'", i,
			    out.buf, cases[i].want);
		strbuf_release(&out);
	}
	strbuf_init(&out, 4096);
	assert_int_equal(mail_encode_qp("ok\xff", &out), -1);
	assert_int_equal(mail_encode_qp(NULL, &out), -1);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
	strbuf_init(&out, 10);
	assert_int_equal(mail_encode_qp(A10 "\n", &out), -1);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

/* Generated text: every line at most 76 characters, no lone ".", and
 * decoding gives the input with CRLF line ends. */
static void
test_qp_round_trip(void **state)
{
	static const char *const pieces[] = {"a", " ", "\t", "=", ".",
	    "\xc3\xbc", "\xf0\x9f\x94\x91", "\n", "\r\n", "  \n", ".\n", "x"};
	struct strbuf in, want, out;
	char *dec;
	size_t round, i, k, pos, eol;
	unsigned seed = 12345;

	(void)state;
	for (round = 0; round < 50; round++) {
		strbuf_init(&in, 8192);
		strbuf_init(&want, 8192);
		strbuf_init(&out, 32768);
		for (i = 0; i < 40 + round * 40; i++) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % ARRAY_SIZE(pieces);
			/* long runs without line ends, too */
			if (round % 5 == 0 && (k == 7 || k == 8 || k == 10))
				k = 0;
			assert_int_equal(strbuf_addstr(&in, pieces[k]), 0);
			assert_int_equal(
			    strbuf_addstr(&want, k == 7    ? "\r\n"
			                         : k == 9  ? "  \r\n"
			                         : k == 10 ? ".\r\n"
			                                   : pieces[k]),
			    0);
		}
		if (want.len > 0 &&
		    (want.len < 2 || strcmp(want.buf + want.len - 2, "\r\n")))
			assert_int_equal(strbuf_addstr(&want, "\r\n"), 0);
		assert_int_equal(mail_encode_qp(in.buf, &out), 0);
		for (pos = 0; pos < out.len; pos = eol + 2) {
			eol = (size_t)(strstr(out.buf + pos, "\r\n") - out.buf);
			if (eol - pos > 76)
				fail_msg(
				    "round %zu: line of %zu", round, eol - pos);
			assert_false(out.buf[pos] == '.');
			assert_null(memchr(out.buf + pos, '\n', eol - pos));
			assert_null(memchr(out.buf + pos, '\r', eol - pos));
			/* no blank at the end of a line */
			if (eol > pos)
				assert_false(out.buf[eol - 1] == ' ' ||
				             out.buf[eol - 1] == '\t');
		}
		for (i = 0; i < out.len; i++)
			assert_true((unsigned char)out.buf[i] < 0x80);
		dec = xmalloc(out.len + 1);
		assert_int_equal(qp_decode(out.buf, dec), want.len);
		if (memcmp(dec, want.buf, want.len) != 0)
			fail_msg("round %zu: round trip differs", round);
		free(dec);
		strbuf_release(&in);
		strbuf_release(&want);
		strbuf_release(&out);
	}
}

static void
test_multipart(void **state)
{
	static const char want_head[] =
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"=_sspr_" ID_MARK "\"\r\n"
	    "\r\n";
	static const char want_body[] =
	    "--=_sspr_" ID_MARK "\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Code: X=3DY\r\n"
	    "--=_sspr_" ID_MARK "\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "<p class=3D\"c\">Code: <b>X=3DY</b></p>\r\n"
	    "--=_sspr_" ID_MARK "--\r\n";
	struct mail_msg m = base_msg();
	struct strbuf out;
	char boundary[64], *q;
	const char *p;

	(void)state;
	m.text = "Code: X=Y\n";
	m.html = "<p class=\"c\">Code: <b>X=Y</b></p>\n";
	build_ok(&m, T_2026, &out);
	check_lines(out.buf, 78, 76);
	p = strstr(out.buf, "boundary=\"=_sspr_");
	assert_non_null(p);
	(void)snprintf(boundary, sizeof(boundary), "--%.31s", p + 10);
	/* the delimiter line occurs exactly three times (two parts and the
	 * close) */
	p = strstr(out.buf, boundary);
	assert_non_null(p);
	p = strstr(p + 1, boundary);
	assert_non_null(p);
	p = strstr(p + 1, boundary);
	assert_non_null(p);
	assert_null(strstr(p + 1, boundary));

	normalise_random(out.buf, "boundary=\"=_sspr_");
	for (q = strstr(out.buf, "--=_sspr_"); q != NULL;
	     q = strstr(q + 1, "--=_sspr_"))
		normalise_at(q + 9);
	assert_non_null(strstr(out.buf, want_head));
	/* no top-level Content-Transfer-Encoding */
	assert_true(strstr(out.buf, "Content-Transfer-Encoding") >
	            strstr(out.buf, "\r\n\r\n"));
	assert_string_equal(strstr(out.buf, "\r\n\r\n") + 4, want_body);
	strbuf_release(&out);
}

static char long_name[MAIL_MAX_NAME + 2];
static char long_subject[MAIL_MAX_SUBJECT + 2];
static char long_body[MAIL_MAX_BODY + 2];
static const char DEF[] = "(default)"; /* keep base_msg()'s value */

static void
test_refusals(void **state)
{
	static const struct {
		const char *from, *from_name, *to, *to_name, *subject, *text,
		    *html, *msgid_domain;
		const char *err;
	} cases[] = {
	    {DEF, DEF, "a@b.com\r\nBcc: x@y.com", DEF, DEF, DEF, NULL, NULL,
	        "field 'to': e-mail address 'a@b.com??Bcc: x@y.com': contains "
	        "a line break or control character"},
	    {DEF, DEF, "a@b.com, c@d.com", DEF, DEF, DEF, NULL, NULL,
	        "field 'to': e-mail address 'a@b.com, c@d.com': an address "
	        "must be one mailbox: found ','"},
	    {DEF, DEF, NULL, DEF, DEF, DEF, NULL, NULL,
	        "field 'to': e-mail address is empty"},
	    {"bad", DEF, DEF, DEF, DEF, DEF, NULL, NULL,
	        "field 'from': e-mail address 'bad': missing '@'"},
	    {NULL, DEF, DEF, DEF, DEF, DEF, NULL, NULL,
	        "field 'from': e-mail address is empty"},
	    {DEF, DEF, DEF, "Joe\r\nBcc: x@y.com", DEF, DEF, NULL, NULL,
	        "field 'to_name': display name contains a line break or "
	        "control character"},
	    {DEF, DEF, DEF, "Joe\n", DEF, DEF, NULL, NULL,
	        "field 'to_name': display name contains a line break or "
	        "control character"},
	    {DEF, DEF, DEF,
	        "Jo\xc2\x85"
	        "e",
	        DEF, DEF, NULL, NULL,
	        "field 'to_name': display name contains a line break or "
	        "control character"},
	    {DEF, "a\tb", DEF, DEF, DEF, DEF, NULL, NULL,
	        "field 'from_name': display name contains a line break or "
	        "control character"},
	    {DEF, DEF, DEF, "\xff", DEF, DEF, NULL, NULL,
	        "field 'to_name': display name is not valid UTF-8 at byte "
	        "0"},
	    {DEF, DEF, DEF, long_name, DEF, DEF, NULL, NULL,
	        "field 'to_name': display name is longer than 200 bytes"},
	    {DEF, DEF, DEF, DEF, "Hi\r\nBcc: x@y.com", DEF, NULL, NULL,
	        "field 'subject': subject contains a line break or control "
	        "character"},
	    {DEF, DEF, DEF, DEF, "Hi\rthere", DEF, NULL, NULL,
	        "field 'subject': subject contains a line break or control "
	        "character"},
	    {DEF, DEF, DEF, DEF, "", DEF, NULL, NULL,
	        "field 'subject': the subject is empty"},
	    {DEF, DEF, DEF, DEF, NULL, DEF, NULL, NULL,
	        "field 'subject': the subject is empty"},
	    {DEF, DEF, DEF, DEF, "ok \xc3\x28", DEF, NULL, NULL,
	        "field 'subject': subject is not valid UTF-8 at byte 3"},
	    {DEF, DEF, DEF, DEF, long_subject, DEF, NULL, NULL,
	        "field 'subject': subject is longer than 400 bytes"},
	    {DEF, DEF, DEF, DEF, DEF, NULL, NULL, NULL,
	        "field 'text': the text body is missing"},
	    {DEF, DEF, DEF, DEF, DEF, "ok\n\xed\xa0\x80", NULL, NULL,
	        "field 'text': body is not valid UTF-8 at byte 3"},
	    {DEF, DEF, DEF, DEF, DEF, "\xc0\xaf", NULL, NULL,
	        "field 'text': body is not valid UTF-8 at byte 0"},
	    {DEF, DEF, DEF, DEF, DEF, "\xf4\x90\x80\x80", NULL, NULL,
	        "field 'text': body is not valid UTF-8 at byte 0"},
	    {DEF, DEF, DEF, DEF, DEF, long_body, NULL, NULL,
	        "field 'text': body is longer than 65536 bytes"},
	    {DEF, DEF, DEF, DEF, DEF, DEF, "<p>\xe2\x82</p>", NULL,
	        "field 'html': body is not valid UTF-8 at byte 3"},
	    {DEF, DEF, DEF, DEF, DEF, DEF, NULL, "evil.com>\r\nBcc: x@y.com",
	        "field 'msgid_domain': character '>' is not allowed in a "
	        "domain (letters, digits, '-' and '.' only)"},
	    {DEF, DEF, DEF, DEF, DEF, DEF, NULL, "localhost",
	        "field 'msgid_domain': the domain must have at least two "
	        "labels, like 'example.com'"},
	};
	struct mail_msg m;
	struct strbuf out;
	char err[T_ERR];
	size_t i;

	(void)state;
	memset(long_name, 'n', sizeof(long_name) - 1);
	memset(long_subject, 's', sizeof(long_subject) - 1);
	memset(long_body, 'b', sizeof(long_body) - 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m = base_msg();
#define PICK(f)                                                                \
	if (cases[i].f != DEF)                                                 \
		m.f = cases[i].f;
		PICK(from)
		PICK(from_name)
		PICK(to)
		PICK(to_name)
		PICK(subject)
		PICK(text)
		PICK(html)
		PICK(msgid_domain)
#undef PICK
		strbuf_init(&out, MAIL_MAX_MESSAGE);
		assert_int_equal(strbuf_addstr(&out, "KEEP"), 0);
		(void)strlcpy_s(err, "untouched", sizeof(err));
		if (mail_build(&m, T_2026, &out, err, sizeof(err)) != -1)
			fail_msg("row %zu: accepted", i);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("row %zu:\n  got  '%s'\n  want '%s'", i, err,
			    cases[i].err);
		if (strcmp(out.buf, "KEEP") != 0)
			fail_msg("row %zu: output changed", i);
		strbuf_release(&out);
	}
	assert_int_equal(mail_build(NULL, T_2026, &out, err, sizeof(err)), -1);
	assert_string_equal(err, "no message to build");
}

/* The output buffer's ceiling: exactly enough works, one byte less fails
 * and leaves the buffer as it was. */
static void
test_ceiling(void **state)
{
	struct mail_msg m = base_msg();
	struct strbuf out;
	char err[T_ERR], want[T_ERR];
	size_t need, i;

	(void)state;
	m.html = "<p>x</p>";
	build_ok(&m, T_2026, &out);
	need = out.len;
	strbuf_release(&out);

	strbuf_init(&out, need + 3);
	assert_int_equal(strbuf_addstr(&out, "abc"), 0);
	if (mail_build(&m, T_2026, &out, err, sizeof(err)) != 0)
		fail_msg("exact size refused: %s", err);
	assert_int_equal(out.len, need + 3);
	strbuf_release(&out);

	strbuf_init(&out, need + 2);
	assert_int_equal(strbuf_addstr(&out, "abc"), 0);
	assert_int_equal(mail_build(&m, T_2026, &out, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want),
	    "the message is longer than the %zu bytes allowed", need + 2);
	assert_string_equal(err, want);
	assert_string_equal(out.buf, "abc");
	strbuf_release(&out);

	/* a full-size non-ASCII body pair passes the ceiling (each byte is
	 * three in quoted-printable) */
	m.text = long_body;
	for (i = 0; i < MAIL_MAX_BODY; i += 2)
		memcpy(long_body + i, "\xc3\xbc", 2);
	long_body[MAIL_MAX_BODY] = '\0';
	m.html = long_body;
	strbuf_init(&out, MAIL_MAX_MESSAGE);
	assert_int_equal(mail_build(&m, T_2026, &out, err, sizeof(err)), -1);
	assert_string_equal(
	    err, "the message is longer than the 262144 bytes allowed");
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address),
	    cmocka_unit_test(test_address_lengths),
	    cmocka_unit_test(test_build_exact),
	    cmocka_unit_test(test_message_id_random),
	    cmocka_unit_test(test_date),
	    cmocka_unit_test(test_rfc2047),
	    cmocka_unit_test(test_ascii_headers),
	    cmocka_unit_test(test_encode_header_text),
	    cmocka_unit_test(test_qp),
	    cmocka_unit_test(test_qp_round_trip),
	    cmocka_unit_test(test_multipart),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_ceiling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
