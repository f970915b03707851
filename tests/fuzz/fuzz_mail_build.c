/*
 * fuzz_mail_build.c - libFuzzer target for the e-mail builder
 * (mail/message.c), the writer of a line protocol whose values come from
 * user records (names, addresses) and templates.
 *
 * The input is up to eight fields separated by NUL bytes: to, to_name,
 * subject, text, html, from_name, msgid_domain, from.  A missing field
 * takes a harmless default; a field that is exactly "\x01" is NULL.  The
 * input length's low bit sets auto_submitted.
 *
 * Besides "never crash, never leak", it checks the builder's promises on
 * every message it accepts: only CRLF line ends and 7-bit text; the header
 * section ends at the first blank line and every line in it is a known
 * header or a folded continuation; exactly one To:, whose address is the
 * input address and whose display name holds no second mailbox; the
 * Subject decodes back to the input; encoded-words of at most 75
 * characters; body lines of at most 76 characters, none a lone ".".  A
 * refusal leaves the output unchanged and gives a one-line message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/strbuf.h"
#include "mail/message.h"

#include "compat/banned.h"

#define FUZZ_FIELDS 8
#define FUZZ_ERR    512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_headers[] = {"Date", "From", "To", "Subject",
    "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    "Auto-Submitted"};
#define FUZZ_NHEADERS (sizeof(fuzz_headers) / sizeof(fuzz_headers[0]))

static int
fuzz_b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode a value made of encoded-words separated by blanks into out
 * (at least strlen(v) bytes); abort on anything else.  Returns bytes. */
static size_t
fuzz_ew_decode(const char *v, unsigned char *out)
{
	size_t o = 0, n, i, wl;
	int x[4], k;

	while (*v != '\0') {
		const char *end;

		while (*v == ' ')
			v++;
		if (strncmp(v, "=?UTF-8?B?", 10) != 0)
			abort();
		end = strstr(v + 10, "?=");
		if (end == NULL)
			abort();
		wl = (size_t)(end + 2 - v);
		n = (size_t)(end - v - 10);
		if (wl > 75 || n == 0 || n % 4 != 0)
			abort();
		for (i = 0; i < n; i += 4) {
			for (k = 0; k < 4; k++) {
				char c = v[10 + i + (size_t)k];

				x[k] = c == '=' && k >= 2 ? 0 : fuzz_b64(c);
				if (x[k] < 0)
					abort();
			}
			out[o++] = (unsigned char)(x[0] << 2 | x[1] >> 4);
			if (v[10 + i + 2] != '=')
				out[o++] = (unsigned char)((x[1] & 15) << 4 |
				                           x[2] >> 2);
			if (v[10 + i + 3] != '=')
				out[o++] =
				    (unsigned char)((x[2] & 3) << 6 | x[3]);
		}
		v = end + 2;
	}
	return o;
}

/* The unfolded value of header name in the header section hdr (hlen
 * bytes, ending in CRLF) into buf (at least hlen + 1 bytes). */
static void
fuzz_value(const char *hdr, size_t hlen, const char *name, char *buf)
{
	size_t pos = 0, nlen = strlen(name), o = 0, eol;
	int in = 0;

	while (pos < hlen) {
		eol = pos;
		while (hdr[eol] != '\r')
			eol++;
		if (in && hdr[pos] != ' ' && hdr[pos] != '\t')
			break;
		if (!in && strncmp(hdr + pos, name, nlen) == 0 &&
		    hdr[pos + nlen] == ':') {
			in = 1;
			pos += nlen + 1;
			if (hdr[pos] == ' ')
				pos++;
		}
		if (in) {
			memcpy(buf + o, hdr + pos, eol - pos);
			o += eol - pos;
		}
		pos = eol + 2;
	}
	buf[o] = '\0';
}

/* The display name before " <addr>" is one phrase: quoted-strings,
 * atoms and encoded-words, with no mailbox syntax outside quotes. */
static void
fuzz_phrase(const char *p, size_t n)
{
	size_t i;
	int inq = 0;

	if (n == 0)
		abort();
	for (i = 0; i < n; i++) {
		if (inq) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				inq = 0;
		} else if (p[i] == '"')
			inq = 1;
		else if (strchr("<>@,;:()[]\\", p[i]) != NULL)
			abort();
	}
	if (inq || i != n)
		abort();
}

/* Check an accepted message; see the file comment. */
static void
fuzz_check(const struct mail_msg *m, const char *msg, size_t len)
{
	const char *end;
	size_t hlen, pos, eol, i, count[FUZZ_NHEADERS] = {0};
	char *value;
	unsigned char *dec;
	int known;

	if (strlen(msg) != len)
		abort();
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c >= 0x7f ||
		    (c < 0x20 && c != '\r' && c != '\n' && c != '\t'))
			abort();
		if (c == '\r' && msg[i + 1] != '\n')
			abort();
		if (c == '\n' && (i == 0 || msg[i - 1] != '\r'))
			abort();
	}
	if (len < 2 || msg[len - 2] != '\r' || msg[len - 1] != '\n')
		abort();
	end = strstr(msg, "\r\n\r\n");
	if (end == NULL)
		abort();
	hlen = (size_t)(end - msg) + 2; /* with the last header's CRLF */

	for (pos = 0; pos < hlen; pos = eol + 2) {
		eol = (size_t)(strstr(msg + pos, "\r\n") - msg);
		if (eol - pos > 998)
			abort();
		if (msg[pos] == ' ' || msg[pos] == '\t') {
			if (pos == 0)
				abort();
			continue;
		}
		known = 0;
		for (i = 0; i < FUZZ_NHEADERS; i++) {
			size_t n = strlen(fuzz_headers[i]);

			if (strncmp(msg + pos, fuzz_headers[i], n) == 0 &&
			    msg[pos + n] == ':') {
				count[i]++;
				known = 1;
			}
		}
		if (!known)
			abort();
	}
	for (i = 0; i < FUZZ_NHEADERS; i++) {
		size_t want = 1;

		if (strcmp(fuzz_headers[i], "Auto-Submitted") == 0)
			want = m->auto_submitted ? 1 : 0;
		else if (strcmp(fuzz_headers[i], "Content-Transfer-Encoding") ==
		         0)
			want = m->html == NULL ? 1 : 0;
		if (count[i] != want)
			abort();
	}

	/* body: short lines, no lone "." */
	for (pos = hlen + 2; pos < len; pos = eol + 2) {
		eol = (size_t)(strstr(msg + pos, "\r\n") - msg);
		if (eol - pos > 76 || (eol - pos == 1 && msg[pos] == '.'))
			abort();
	}

	value = malloc(hlen + 1);
	dec = malloc(hlen + 1);
	if (value == NULL || dec == NULL)
		abort();

	/* To: exactly the input address, after one phrase or alone */
	fuzz_value(msg, hlen, "To", value);
	if (m->to_name == NULL || m->to_name[0] == '\0') {
		if (strcmp(value, m->to) != 0)
			abort();
	} else {
		size_t vl = strlen(value), al = strlen(m->to);

		if (vl < al + 4 || value[vl - 1] != '>' ||
		    memcmp(value + vl - 1 - al, m->to, al) != 0 ||
		    value[vl - 2 - al] != '<' || value[vl - 3 - al] != ' ')
			abort();
		fuzz_phrase(value, vl - 3 - al);
	}

	/* Subject: decodes to the input */
	fuzz_value(msg, hlen, "Subject", value);
	if (strncmp(value, "=?UTF-8?B?", 10) == 0) {
		size_t n = fuzz_ew_decode(value, dec);

		if (n != strlen(m->subject) || memcmp(dec, m->subject, n) != 0)
			abort();
	} else if (strcmp(value, m->subject) != 0)
		abort();

	/* Message-ID: 24 hex digits, '@', the domain */
	fuzz_value(msg, hlen, "Message-ID", value);
	if (value[0] != '<' || strspn(value + 1, "0123456789abcdef") != 24 ||
	    value[25] != '@' || value[strlen(value) - 1] != '>')
		abort();

	free(value);
	free(dec);
}

/* The encoders alone: one 7-bit line for header text, short 7-bit lines
 * for quoted-printable. */
static void
fuzz_encoders(const char *text, int is_phrase)
{
	struct strbuf sb;
	size_t i, col = 0;

	strbuf_init(&sb, MAIL_MAX_MESSAGE);
	if (mail_encode_header_text(text, is_phrase, &sb) == 0) {
		for (i = 0; i < sb.len; i++)
			if ((unsigned char)sb.buf[i] < 0x20 ||
			    (unsigned char)sb.buf[i] >= 0x7f)
				abort();
	} else if (sb.len != 0)
		abort();
	strbuf_release(&sb);
	if (mail_encode_qp(text, &sb) == 0) {
		for (i = 0; i < sb.len; i++) {
			unsigned char c = (unsigned char)sb.buf[i];

			if (c >= 0x7f || (c == '.' && col == 0))
				abort();
			if (c == '\r') {
				if (sb.buf[i + 1] != '\n')
					abort();
				col = 0;
				i++;
				continue;
			}
			if (c == '\n' || ++col > 76)
				abort();
		}
	} else if (sb.len != 0)
		abort();
	strbuf_release(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[FUZZ_FIELDS];
	struct mail_msg m;
	struct strbuf out;
	char err[FUZZ_ERR], *copy;
	size_t i, nfields = 0, start = 0;

	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i <= size && nfields < FUZZ_FIELDS; i++) {
		if (i == size || copy[i] == '\0') {
			copy[i] = '\0';
			field[nfields++] = copy + start;
			start = i + 1;
		}
	}
	for (i = 0; i < nfields; i++)
		if (strcmp(field[i], "\x01") == 0)
			field[i] = NULL;

	memset(&m, 0, sizeof(m));
	m.to = field[0];
	m.to_name = nfields > 1 ? field[1] : NULL;
	m.subject = nfields > 2 ? field[2] : "Subject";
	m.text = nfields > 3 ? field[3] : "Body\n";
	m.html = nfields > 4 ? field[4] : NULL;
	m.from_name = nfields > 5 ? field[5] : NULL;
	m.msgid_domain = nfields > 6 ? field[6] : NULL;
	m.from = nfields > 7 ? field[7] : "sspr@example.com";
	m.auto_submitted = (int)(size & 1);

	strbuf_init(&out, MAIL_MAX_MESSAGE);
	memset(err, 'x', sizeof(err));
	if (mail_build(&m, (time_t)1795383000, &out, err, sizeof(err)) == 0) {
		if (mail_address_check(m.to, err, sizeof(err)) != 0 ||
		    mail_address_check(m.from, err, sizeof(err)) != 0)
			abort();
		fuzz_check(&m, out.buf, out.len);
	} else if (out.len != 0 || memchr(err, '\0', sizeof(err)) == NULL ||
	           strpbrk(err, "\r\n") != NULL)
		abort();
	strbuf_release(&out);

	if (m.subject != NULL)
		fuzz_encoders(m.subject, (int)(size >> 1 & 1));
	if (m.to_name != NULL)
		fuzz_encoders(m.to_name, 1);
	free(copy);
	return 0;
}
