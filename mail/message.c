/*
 * message.c - building one e-mail message for sspr (see message.h).
 *
 * The builder writes a line protocol, so every value is checked before a
 * byte of it is written: addresses by mail_address_check(), display names
 * and the subject as UTF-8 without control characters, bodies as UTF-8.
 * Values are then written only in forms that cannot carry a line break:
 * RFC 2047 encoded-words (B encoding, UTF-8) for non-ASCII text or text
 * that holds "=?", quoted-strings for ASCII phrases with specials, atoms
 * otherwise; bodies are quoted-printable.  Header lines are folded at
 * whitespace to at most 78 characters where the words allow it.
 *
 * A line end in a body may be LF, CRLF or a lone CR (old Mac files); each
 * becomes CRLF.  The quoted-printable encoder also encodes a '.' that
 * starts a line (=2E): a lone "." line cannot end the SMTP DATA phase even
 * if a transport forgot to dot-stuff, and the cost is two bytes.
 *
 * Multipart boundaries are "=_sspr_" and 24 random hex digits.  The
 * quoted-printable encoder writes '=' only as "=XX" with two hex digits or
 * as a soft line break at the end of a line, so "=_" never occurs in an
 * encoded part and no line of a part can look like a delimiter; the
 * builder checks it anyway.
 */
#include "mail/message.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"

#include "compat/hex.h"
#include "compat/banned.h"

#define MAIL_LINE     78 /* preferred header line length (RFC 5322 2.1.1) */
#define MAIL_QP_LINE  76 /* quoted-printable line limit (RFC 2045 6.7) */
#define MAIL_EW_MAX   75 /* one encoded-word (RFC 2047 2) */
#define MAIL_EW_FIXED 12 /* "=?UTF-8?B?" and "?=" */
#define MAIL_ID_BYTES 12 /* random bytes in a Message-ID or a boundary */
#define MAIL_QUOTE    40 /* bytes of an address quoted in a message */
#define MAIL_REASON   200
#define MAIL_DOMAIN   253 /* longest host name (RFC 1035) */

static const char mail_hex[] = "0123456789ABCDEF";
static const char mail_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A writer: appends to sb, remembers the column for folding and the first
 * failure (ceiling reached), so that callers check once at the end. */
struct mail_w {
	struct strbuf *sb;
	size_t col;   /* characters on the current line */
	int has_word; /* a word follows the header name on this line */
	int fold;     /* fold at MAIL_LINE; 0: never insert a line break */
	int failed;
};

static int mail_addr_fail(char *err, size_t errsize, const char *addr,
    const char *fmt, ...) PRINTF_LIKE(4, 5);

static void
mail_w_init(struct mail_w *w, struct strbuf *sb, int fold)
{
	w->sb = sb;
	w->col = 0;
	w->has_word = 0;
	w->fold = fold;
	w->failed = 0;
}

static void
mail_put(struct mail_w *w, const char *s, size_t n)
{
	if (w->failed || strbuf_add(w->sb, s, n) == -1) {
		w->failed = 1;
		return;
	}
	w->col += n;
}

static void
mail_puts(struct mail_w *w, const char *s)
{
	mail_put(w, s, strlen(s));
}

static void
mail_eol(struct mail_w *w)
{
	mail_put(w, "\r\n", 2);
	w->col = 0;
	w->has_word = 0;
}

/* Start header "name: " (the caller is at the start of a line). */
static void
mail_hdr(struct mail_w *w, const char *name)
{
	mail_puts(w, name);
	mail_put(w, ": ", 2);
	w->has_word = 0;
}

/* Put whitespace sep, then word.  Fold before sep when the line would pass
 * MAIL_LINE, a word is already on the line (folding gains something) and
 * the new line would not be whitespace only. */
static void
mail_word(struct mail_w *w, const char *sep, size_t seplen, const char *word,
    size_t len)
{
	if (w->fold && seplen > 0 && len > 0 && w->has_word &&
	    w->col + seplen + len > MAIL_LINE) {
		mail_put(w, "\r\n", 2);
		w->col = 0;
	}
	mail_put(w, sep, seplen);
	mail_put(w, word, len);
	if (len > 0)
		w->has_word = 1;
}

static int
mail_printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Length of the valid UTF-8 character at s (n bytes left), or 0. */
static size_t
mail_utf8_char(const unsigned char *s, size_t n)
{
	unsigned long cp, min;
	size_t need, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		cp = s[0] & 0x1fu;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		cp = s[0] & 0x0fu;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		cp = s[0] & 0x07u;
		min = 0x10000;
	} else
		return 0;
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* 0 if the n bytes at s are valid UTF-8, else -1 and *bad the offset of
 * the first bad byte. */
static int
mail_utf8_check(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = mail_utf8_char(p + i, n - i);
		if (k == 0) {
			*bad = i;
			return -1;
		}
		i += k;
	}
	return 0;
}

/* Check header text (display name, subject): at most max bytes of valid
 * UTF-8 without C0, DEL or C1 control characters.  what names it in why.
 * On success *lenp is its length. */
static int
mail_text_check(const char *s, size_t max, const char *what, size_t *lenp,
    char *why, size_t whysize)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i, bad;

	len = strnlen(s, max + 1);
	if (len > max) {
		(void)snprintf(
		    why, whysize, "%s is longer than %zu bytes", what, max);
		return -1;
	}
	if (mail_utf8_check(s, len, &bad) == -1) {
		(void)snprintf(why, whysize,
		    "%s is not valid UTF-8 at byte %zu", what, bad);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0)) {
			(void)snprintf(why, whysize,
			    "%s contains a line break or control character",
			    what);
			return -1;
		}
	}
	*lenp = len;
	return 0;
}

/* Check a body: at most MAIL_MAX_BODY bytes of valid UTF-8. */
static int
mail_body_check(const char *s, size_t *lenp, char *why, size_t whysize)
{
	size_t len, bad;

	len = strnlen(s, (size_t)MAIL_MAX_BODY + 1);
	if (len > MAIL_MAX_BODY) {
		(void)snprintf(why, whysize, "body is longer than %d bytes",
		    MAIL_MAX_BODY);
		return -1;
	}
	if (mail_utf8_check(s, len, &bad) == -1) {
		(void)snprintf(
		    why, whysize, "body is not valid UTF-8 at byte %zu", bad);
		return -1;
	}
	*lenp = len;
	return 0;
}

/* At most MAIL_QUOTE bytes of s, non-printable bytes as '?', "..." when
 * something was left off. */
static void
mail_quote(char *buf, size_t size, const char *s)
{
	size_t i, o = 0;

	for (i = 0; s[i] != '\0' && i < MAIL_QUOTE && o + 1 < size; i++)
		buf[o++] = mail_printable((unsigned char)s[i]) ? s[i] : '?';
	buf[o] = '\0';
	if (s[i] != '\0' && o + 4 <= size)
		memcpy(buf + o, "...", 4);
}

static int
mail_addr_fail(
    char *err, size_t errsize, const char *addr, const char *fmt, ...)
{
	char q[MAIL_QUOTE + 4], why[MAIL_REASON];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	mail_quote(q, sizeof(q), addr);
	(void)snprintf(err, errsize, "e-mail address '%s': %s", q, why);
	return -1;
}

/* An IPv4 address literal's inside: four decimal octets 0-255, without
 * leading zeros (which some parsers read as octal). */
static int
mail_ipv4_check(const char *s, size_t len, char *why, size_t whysize)
{
	size_t i = 0, digits;
	unsigned value;
	int octet, rc = -1;

	if (len >= 5 && strncmp(s, "IPv6:", 5) == 0) {
		(void)snprintf(
		    why, whysize, "IPv6 address literals are not supported");
		return -1;
	}
	for (octet = 0; octet < 4; octet++) {
		if (octet > 0) {
			if (i >= len || s[i] != '.')
				goto out;
			i++;
		}
		value = 0;
		for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9';
		     digits++, i++) {
			if (digits == 3)
				goto out;
			value = value * 10 + (unsigned)(s[i] - '0');
		}
		if (digits == 0 || (digits > 1 && s[i - digits] == '0'))
			goto out;
		if (value > 255) {
			(void)snprintf(why, whysize,
			    "IPv4 octet %u is out of range 0-255", value);
			return -1;
		}
	}
	if (i == len)
		rc = 0;
out:
	if (rc == -1)
		(void)snprintf(why, whysize,
		    "an address literal must be an "
		    "IPv4 address like [192.0.2.1]");
	return rc;
}

/* A domain: a host name of at least two labels of letters, digits and
 * '-', or an IPv4 address literal. */
static int
mail_domain_check(const char *d, size_t len, char *why, size_t whysize)
{
	size_t i, start = 0, nlabels = 0;
	int alldigits = 1;
	unsigned char c;

	if (len == 0) {
		(void)snprintf(why, whysize, "the domain is empty");
		return -1;
	}
	if (len > MAIL_DOMAIN) {
		(void)snprintf(why, whysize,
		    "the domain is longer than %d characters", MAIL_DOMAIN);
		return -1;
	}
	if (d[0] == '[') {
		if (len < 2 || d[len - 1] != ']') {
			(void)snprintf(why, whysize,
			    "an address literal must end with ']'");
			return -1;
		}
		return mail_ipv4_check(d + 1, len - 2, why, whysize);
	}
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (i == start) {
				(void)snprintf(why, whysize,
				    "the domain has an empty label (a "
				    "leading, trailing or double dot)");
				return -1;
			}
			if (i - start > 63) {
				(void)snprintf(why, whysize,
				    "a domain label is longer than 63 "
				    "characters");
				return -1;
			}
			if (d[start] == '-' || d[i - 1] == '-') {
				(void)snprintf(why, whysize,
				    "a domain label starts or ends with '-'");
				return -1;
			}
			nlabels++;
			if (i < len)
				alldigits = 1;
			start = i + 1;
			continue;
		}
		c = (unsigned char)d[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-') {
			alldigits = 0;
			continue;
		}
		if (c >= '0' && c <= '9')
			continue;
		(void)snprintf(why, whysize,
		    "character '%c' is not allowed in a domain (letters, "
		    "digits, '-' and '.' only)",
		    mail_printable(c) ? c : '?');
		return -1;
	}
	if (nlabels < 2) {
		(void)snprintf(why, whysize,
		    "the domain must have at least two labels, like "
		    "'example.com'");
		return -1;
	}
	if (alldigits) {
		(void)snprintf(why, whysize,
		    "the top-level domain is all digits (write an IPv4 "
		    "address as [192.0.2.1])");
		return -1;
	}
	return 0;
}

static int
mail_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

int
mail_address_check(const char *addr, char *err, size_t errsize)
{
	char why[MAIL_REASON];
	size_t len, i, at = 0, nat = 0;
	unsigned char c;
	int inq = 0;

	if (addr == NULL || addr[0] == '\0') {
		(void)snprintf(err, errsize, "e-mail address is empty");
		return -1;
	}
	len = strnlen(addr, MAIL_MAX_ADDRESS + 1);
	if (len > MAIL_MAX_ADDRESS)
		return mail_addr_fail(err, errsize, addr,
		    "longer than %d characters", MAIL_MAX_ADDRESS);
	for (i = 0; i < len; i++)
		if ((unsigned char)addr[i] >= 0x80)
			return mail_addr_fail(err, errsize, addr,
			    "non-ASCII characters in an e-mail address are "
			    "not supported (look-alike characters are "
			    "refused)");
	for (i = 0; i < len; i++)
		if (!mail_printable((unsigned char)addr[i]))
			return mail_addr_fail(err, errsize, addr,
			    "contains a line break or control character");
	for (i = 0; i + 1 < len; i++)
		if (addr[i] == '=' && addr[i + 1] == '?')
			return mail_addr_fail(err, errsize, addr,
			    "'=?' is not allowed in an e-mail address (it "
			    "could "
			    "be read as an encoded-word)");
	for (i = 0; i < len; i++) {
		c = (unsigned char)addr[i];
		if (inq) {
			if (c == '\\')
				i++;
			else if (c == '"')
				inq = 0;
		} else if (c == '"')
			inq = 1;
		else if (strchr(",; <>", c) != NULL)
			return mail_addr_fail(err, errsize, addr,
			    "an address must be one mailbox: found '%c'", c);
		else if (c == '@') {
			nat++;
			at = i;
		}
	}
	if (inq)
		return mail_addr_fail(
		    err, errsize, addr, "unterminated quoted string");
	if (nat == 0)
		return mail_addr_fail(err, errsize, addr, "missing '@'");
	if (nat > 1)
		return mail_addr_fail(
		    err, errsize, addr, "more than one '@' outside quotes");

	/* local part */
	if (at == 0)
		return mail_addr_fail(err, errsize, addr, "empty local part");
	if (at > MAIL_MAX_LOCAL)
		return mail_addr_fail(err, errsize, addr,
		    "local part longer than %d characters", MAIL_MAX_LOCAL);
	if (addr[0] == '"') {
		if (at < 2 || addr[at - 1] != '"')
			return mail_addr_fail(err, errsize, addr,
			    "a quoted local part must be the whole local "
			    "part");
		if (at == 2)
			return mail_addr_fail(
			    err, errsize, addr, "empty quoted local part");
		/* Only what a real quoted local part needs: atext, dots,
		 * blanks and the escapes \" and \\.  Specials inside quotes
		 * ("a@b>,<c"@x) are legal but serve only to make parsers
		 * disagree about the recipient, so they are refused. */
		for (i = 1; i < at - 1; i++) {
			c = (unsigned char)addr[i];
			if (c == '\\') {
				if (addr[i + 1] != '"' && addr[i + 1] != '\\')
					return mail_addr_fail(err, errsize,
					    addr,
					    "a quoted local part may escape "
					    "only '\"' and '\\'");
				i++;
			} else if (c == '"')
				return mail_addr_fail(err, errsize, addr,
				    "a quoted local part must be the whole "
				    "local part");
			else if (c != ' ' && c != '.' && !mail_atext(c))
				return mail_addr_fail(err, errsize, addr,
				    "character '%c' is not allowed in a quoted "
				    "local part",
				    c);
		}
	} else {
		if (addr[0] == '.')
			return mail_addr_fail(
			    err, errsize, addr, "local part starts with '.'");
		if (addr[at - 1] == '.')
			return mail_addr_fail(
			    err, errsize, addr, "local part ends with '.'");
		for (i = 0; i < at; i++) {
			c = (unsigned char)addr[i];
			if (c == '.') {
				if (addr[i + 1] == '.')
					return mail_addr_fail(err, errsize,
					    addr,
					    "local part has two dots in a row");
				continue;
			}
			if (!mail_atext(c))
				return mail_addr_fail(err, errsize, addr,
				    "character '%c' is not allowed in an "
				    "unquoted local part",
				    c);
		}
	}

	if (mail_domain_check(addr + at + 1, len - at - 1, why, sizeof(why)) ==
	    -1)
		return mail_addr_fail(err, errsize, addr, "%s", why);
	return 0;
}

/* 1 if text must be written as encoded-words: non-ASCII, or "=?" that a
 * reader would take for the start of one. */
static int
mail_needs_ew(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 1;
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* 1 if an ASCII phrase must be a quoted-string: it holds an RFC 5322
 * special or has no word at all. */
static int
mail_needs_quote(const char *s, size_t len)
{
	size_t i;
	int word = 0;

	for (i = 0; i < len; i++) {
		if (strchr("()<>[]:;@\\,.\"", s[i]) != NULL)
			return 1;
		if (s[i] != ' ')
			word = 1;
	}
	return !word;
}

static size_t
mail_b64_encode(char *dst, const unsigned char *src, size_t n)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)src[i] << 16 |
		    (unsigned long)src[i + 1] << 8 | src[i + 2];
		dst[o++] = mail_b64[v >> 18 & 63];
		dst[o++] = mail_b64[v >> 12 & 63];
		dst[o++] = mail_b64[v >> 6 & 63];
		dst[o++] = mail_b64[v & 63];
	}
	if (i < n) {
		v = (unsigned long)src[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)src[i + 1] << 8;
		dst[o++] = mail_b64[v >> 18 & 63];
		dst[o++] = mail_b64[v >> 12 & 63];
		dst[o++] = i + 1 < n ? mail_b64[v >> 6 & 63] : '=';
		dst[o++] = '=';
	}
	return o;
}

/* Write valid UTF-8 text as encoded-words of at most MAIL_EW_MAX
 * characters, each holding whole characters, separated by a blank (folded
 * when the writer folds), sized to fill the current line. */
static void
mail_ew_put(struct mail_w *w, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	char word[MAIL_EW_MAX + 1];
	size_t i = 0, n, k, room, maxb, seplen = 0, wl;

	while (i < len) {
		room = MAIL_EW_MAX;
		if (w->fold) {
			room = w->col + seplen < MAIL_LINE
			           ? MAIL_LINE - w->col - seplen
			           : 0;
			/* too little room for a 4-byte character: the word
			 * goes on a new line */
			if (room < MAIL_EW_FIXED + 8 && w->has_word &&
			    seplen > 0)
				room = MAIL_LINE - seplen;
			if (room > MAIL_EW_MAX)
				room = MAIL_EW_MAX;
		}
		maxb = room >= MAIL_EW_FIXED + 4
		           ? (room - MAIL_EW_FIXED) / 4 * 3
		           : 0;
		for (n = 0; i + n < len; n += k) {
			k = mail_utf8_char(p + i + n, len - i - n);
			if (k == 0)
				k = 1; /* checked before; never happens */
			if (n + k > maxb) {
				if (n == 0)
					n = k; /* one character, line or not */
				break;
			}
		}
		if (n > len - i)
			n = len - i;
		memcpy(word, "=?UTF-8?B?", 10);
		wl = 10 + mail_b64_encode(word + 10, p + i, n);
		memcpy(word + wl, "?=", 2);
		wl += 2;
		mail_word(w, " ", seplen, word, wl);
		i += n;
		seplen = 1;
	}
}

/* Write an ASCII phrase as one quoted-string. */
static void
mail_quoted_put(struct mail_w *w, const char *s, size_t len)
{
	size_t i;

	mail_put(w, "\"", 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			mail_put(w, "\\", 1);
		mail_put(w, s + i, 1);
	}
	mail_put(w, "\"", 1);
	w->has_word = 1;
}

/* Write ASCII text word by word, keeping its blanks, folding before a
 * blank. */
static void
mail_atoms_put(struct mail_w *w, const char *s, size_t len)
{
	size_t i = 0, ws, wd;

	while (i < len) {
		ws = i;
		while (i < len && s[i] == ' ')
			i++;
		wd = i;
		while (i < len && s[i] != ' ')
			i++;
		mail_word(w, s + ws, wd - ws, s + wd, i - wd);
	}
}

/* Write checked header text (phrase or unstructured). */
static void
mail_text_put(struct mail_w *w, const char *s, size_t len, int is_phrase)
{
	if (mail_needs_ew(s, len))
		mail_ew_put(w, s, len);
	else if (is_phrase && mail_needs_quote(s, len))
		mail_quoted_put(w, s, len);
	else
		mail_atoms_put(w, s, len);
}

/* Write a mailbox: checked name (may be empty) and checked address. */
static void
mail_mailbox_put(
    struct mail_w *w, const char *name, size_t namelen, const char *addr)
{
	char angle[MAIL_MAX_ADDRESS + 3];
	int n;

	if (namelen == 0) {
		mail_word(w, "", 0, addr, strlen(addr));
		return;
	}
	mail_text_put(w, name, namelen, 1);
	n = snprintf(angle, sizeof(angle), "<%s>", addr);
	if (n < 0 || (size_t)n >= sizeof(angle)) {
		w->failed = 1;
		return;
	}
	mail_word(w, " ", 1, angle, (size_t)n);
}

/* The quoted-printable form of byte c at column col; last: the last byte
 * of its line.  Returns the token's length (1 or 3). */
static size_t
mail_qp_token(unsigned char c, size_t col, int last, char tok[3])
{
	int literal;

	if (c == ' ' || c == '\t')
		literal = !last;
	else if (c == '.')
		literal = col > 0;
	else
		literal = c > 32 && c < 127 && c != '=';
	if (literal) {
		tok[0] = (char)c;
		return 1;
	}
	tok[0] = '=';
	tok[1] = mail_hex[c >> 4];
	tok[2] = mail_hex[c & 15];
	return 3;
}

/* Encode one line (without its line end) and end it with CRLF. */
static void
mail_qp_line(struct mail_w *w, const unsigned char *p, size_t n)
{
	char tok[3];
	size_t i, col = 0, tl;
	int last;

	for (i = 0; i < n; i++) {
		last = i + 1 == n;
		tl = mail_qp_token(p[i], col, last, tok);
		if (col + tl > (last ? MAIL_QP_LINE : MAIL_QP_LINE - 1)) {
			mail_put(w, "=\r\n", 3);
			col = 0;
			tl = mail_qp_token(p[i], col, last, tok);
		}
		mail_put(w, tok, tl);
		col += tl;
	}
	mail_put(w, "\r\n", 2);
}

/* Encode a checked body of len bytes; line ends LF, CRLF or CR. */
static void
mail_qp_put(struct mail_w *w, const char *body, size_t len)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t i = 0, start;

	while (i < len) {
		start = i;
		while (i < len && p[i] != '\n' && p[i] != '\r')
			i++;
		mail_qp_line(w, p + start, i - start);
		if (i + 1 < len && p[i] == '\r' && p[i + 1] == '\n')
			i += 2;
		else if (i < len)
			i++;
	}
}

/* "Sun, 22 Nov 2026 21:30:00 +0000", independent of the locale. */
static int
mail_date(time_t t, char *buf, size_t size)
{
	static const char days[7][4] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	int n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 0 ||
	    tm.tm_year > 9999 - 1900 || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	n = snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* 2 * MAIL_ID_BYTES random lower-case hex digits and a NUL into buf. */
static int
mail_random_hex(char buf[2 * MAIL_ID_BYTES + 1])
{
	unsigned char r[MAIL_ID_BYTES];

	if (random_bytes(r, sizeof(r)) == -1)
		return -1;
	hex_encode(r, sizeof(r), buf, 0);
	return 0;
}

static int
mail_contains(const char *hay, size_t n, const char *needle)
{
	size_t i, k = strlen(needle);

	for (i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Check an optional display name; *lenp is 0 for NULL or "". */
static int
mail_name_check(const char *name, size_t *lenp, char *why, size_t whysize)
{
	if (name == NULL || name[0] == '\0') {
		*lenp = 0;
		return 0;
	}
	return mail_text_check(
	    name, MAIL_MAX_NAME, "display name", lenp, why, whysize);
}

/* The header lines of a quoted-printable UTF-8 text of MIME type type. */
static void
mail_qp_headers(struct mail_w *w, const char *type)
{
	mail_puts(w, "Content-Type: ");
	mail_puts(w, type);
	mail_puts(w, "; charset=UTF-8");
	mail_eol(w);
	mail_puts(w, "Content-Transfer-Encoding: quoted-printable");
	mail_eol(w);
}

static void
mail_part_put(struct mail_w *w, const char *boundary, const char *type,
    const struct strbuf *qp)
{
	mail_puts(w, "--");
	mail_puts(w, boundary);
	mail_eol(w);
	mail_qp_headers(w, type);
	mail_eol(w);
	mail_put(w, qp->buf, qp->len);
}

int
mail_build(const struct mail_msg *m, time_t now, struct strbuf *out, char *err,
    size_t errsize)
{
	struct strbuf msg, tqp, hqp;
	struct mail_w w, q;
	char why[MAIL_REASON], date[64], id[2 * MAIL_ID_BYTES + 1];
	char boundary[8 + 2 * MAIL_ID_BYTES];
	const char *field = NULL, *domain;
	size_t fromlen, tolen, subjlen, textlen, htmllen = 0;
	int rc = -1;

	strbuf_init(&msg, out->len < out->max ? out->max - out->len : 0);
	strbuf_init(&tqp, MAIL_MAX_MESSAGE);
	strbuf_init(&hqp, MAIL_MAX_MESSAGE);
	why[0] = '\0';
	if (m == NULL) {
		(void)snprintf(err, errsize, "no message to build");
		goto out;
	}

	field = "from";
	if (mail_address_check(m->from, why, sizeof(why)) == -1)
		goto out;
	field = "from_name";
	if (mail_name_check(m->from_name, &fromlen, why, sizeof(why)) == -1)
		goto out;
	field = "to";
	if (mail_address_check(m->to, why, sizeof(why)) == -1)
		goto out;
	field = "to_name";
	if (mail_name_check(m->to_name, &tolen, why, sizeof(why)) == -1)
		goto out;
	field = "subject";
	if (m->subject == NULL || m->subject[0] == '\0') {
		(void)snprintf(why, sizeof(why), "the subject is empty");
		goto out;
	}
	if (mail_text_check(m->subject, MAIL_MAX_SUBJECT, "subject", &subjlen,
	        why, sizeof(why)) == -1)
		goto out;
	field = "text";
	if (m->text == NULL) {
		(void)snprintf(why, sizeof(why), "the text body is missing");
		goto out;
	}
	if (mail_body_check(m->text, &textlen, why, sizeof(why)) == -1)
		goto out;
	field = "html";
	if (m->html != NULL &&
	    mail_body_check(m->html, &htmllen, why, sizeof(why)) == -1)
		goto out;
	field = "msgid_domain";
	if (m->msgid_domain != NULL) {
		domain = m->msgid_domain;
		if (mail_domain_check(
		        domain, strlen(domain), why, sizeof(why)) == -1)
			goto out;
	} else
		domain = strrchr(m->from, '@') + 1;
	field = "date";
	if (mail_date(now, date, sizeof(date)) == -1) {
		(void)snprintf(why, sizeof(why),
		    "the time cannot be written as an RFC 5322 date");
		goto out;
	}
	field = NULL;

	if (mail_random_hex(id) == -1 ||
	    (m->html != NULL && mail_random_hex(boundary + 7) == -1)) {
		(void)snprintf(err, errsize,
		    "cannot read random bytes for the message-id or boundary");
		goto out;
	}
	memcpy(boundary, "=_sspr_", 7);

	mail_w_init(&q, &tqp, 0);
	mail_qp_put(&q, m->text, textlen);
	if (m->html != NULL) {
		q.sb = &hqp;
		mail_qp_put(&q, m->html, htmllen);
		if (!q.failed &&
		    (mail_contains(tqp.buf, tqp.len, boundary) ||
		        mail_contains(hqp.buf, hqp.len, boundary))) {
			(void)snprintf(err, errsize,
			    "the multipart boundary occurs in a part");
			goto out;
		}
	}

	mail_w_init(&w, &msg, 1);
	mail_hdr(&w, "Date");
	mail_puts(&w, date);
	mail_eol(&w);
	mail_hdr(&w, "From");
	mail_mailbox_put(&w, m->from_name, fromlen, m->from);
	mail_eol(&w);
	mail_hdr(&w, "To");
	mail_mailbox_put(&w, m->to_name, tolen, m->to);
	mail_eol(&w);
	mail_hdr(&w, "Subject");
	mail_text_put(&w, m->subject, subjlen, 0);
	mail_eol(&w);
	mail_hdr(&w, "Message-ID");
	mail_puts(&w, "<");
	mail_puts(&w, id);
	mail_puts(&w, "@");
	mail_puts(&w, domain);
	mail_puts(&w, ">");
	mail_eol(&w);
	mail_puts(&w, "MIME-Version: 1.0");
	mail_eol(&w);
	if (m->html != NULL) {
		mail_puts(&w, "Content-Type: multipart/alternative;");
		mail_eol(&w);
		mail_puts(&w, " boundary=\"");
		mail_puts(&w, boundary);
		mail_puts(&w, "\"");
		mail_eol(&w);
	} else
		mail_qp_headers(&w, "text/plain");
	if (m->auto_submitted) {
		mail_puts(&w, "Auto-Submitted: auto-generated");
		mail_eol(&w);
	}
	mail_eol(&w);
	if (m->html != NULL) {
		mail_part_put(&w, boundary, "text/plain", &tqp);
		mail_part_put(&w, boundary, "text/html", &hqp);
		mail_puts(&w, "--");
		mail_puts(&w, boundary);
		mail_puts(&w, "--");
		mail_eol(&w);
	} else
		mail_put(&w, tqp.buf, tqp.len);

	if (q.failed || w.failed || strbuf_add(out, msg.buf, msg.len) == -1) {
		(void)snprintf(err, errsize,
		    "the message is longer than the %zu bytes allowed",
		    out->max);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && field != NULL)
		(void)snprintf(err, errsize, "field '%s': %s", field, why);
	strbuf_release(&msg);
	strbuf_release(&tqp);
	strbuf_release(&hqp);
	return rc;
}

int
mail_encode_header_text(const char *utf8, int is_phrase, struct strbuf *out)
{
	struct strbuf tmp;
	struct mail_w w;
	char why[MAIL_REASON];
	size_t len;
	int rc = -1;

	strbuf_init(&tmp, out->len < out->max ? out->max - out->len : 0);
	if (utf8 == NULL || mail_text_check(utf8, MAIL_MAX_SUBJECT, "text",
	                        &len, why, sizeof(why)) == -1)
		goto out;
	mail_w_init(&w, &tmp, 0);
	if (is_phrase && len == 0)
		mail_quoted_put(&w, "", 0);
	else
		mail_text_put(&w, utf8, len, is_phrase);
	if (w.failed || strbuf_add(out, tmp.buf, tmp.len) == -1)
		goto out;
	rc = 0;
out:
	strbuf_release(&tmp);
	return rc;
}

int
mail_encode_qp(const char *body, struct strbuf *out)
{
	struct strbuf tmp;
	struct mail_w w;
	char why[MAIL_REASON];
	size_t len;
	int rc = -1;

	strbuf_init(&tmp, out->len < out->max ? out->max - out->len : 0);
	if (body == NULL || mail_body_check(body, &len, why, sizeof(why)) == -1)
		goto out;
	mail_w_init(&w, &tmp, 0);
	mail_qp_put(&w, body, len);
	if (w.failed || strbuf_add(out, tmp.buf, tmp.len) == -1)
		goto out;
	rc = 0;
out:
	strbuf_release(&tmp);
	return rc;
}
