/*
 * racf_parse.c - the TSO/E parse of one RACF command image.
 *
 * A recursive-descent parser over a small cursor: racf_parse() checks the
 * whole image (length, control characters), reads the verb, then
 * racf_parse_list() reads items until the end of the image (depth 0) or the
 * ')' that closes the list it was called for, recursing once per '('.
 * Recursion is bounded by SSPR_MAX_NESTING.  Every word is copied into its
 * own allocation, and every word is wiped before it is freed, because
 * operands may be passwords or phrases.  On error everything built so far is
 * wiped and freed, and the caller's *out is not touched.
 *
 * Decisions beyond the header's grammar:
 *   - the verb must be a bare word not directly followed by '(';
 *   - the verb is not counted among the SSPR_MAX_OPERANDS items; every
 *     other item counts, at any depth, an anonymous list included;
 *   - a quoted string's limit is on its text after "''" became "'";
 *   - an ending quote must be followed by a blank, a comma, ')' or the end
 *     of the image, so that "'AB'C" is not silently two items;
 *   - a word may follow a ')' directly ("A(1)B(2)" is two items);
 *   - bytes 0x80-0xff are accepted (they are shown as '?' in errors);
 *   - a comment ("/ *" to "* /", outside a quoted string) is a blank; one
 *     that does not end refuses the whole image.
 */
#include "esm/racf_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/ceilings.h"
#include "compat/compat.h"
#include "compat/banned.h"

#define RACF_SHOW_MAX 40 /* bytes of user text quoted in an error */

struct racf_cursor {
	const char *text;
	size_t len;
	size_t pos;
	size_t count; /* items read so far, at all depths */
	char *err;
	size_t errsize;
};

static int racf_parse_list(struct racf_cursor *, unsigned, const char *,
    struct racf_item **, size_t *);

static int PRINTF_LIKE(2, 3)
    racf_error(struct racf_cursor *cur, const char *fmt, ...)
{
	va_list ap;

	if (cur->err != NULL && cur->errsize > 0) {
		va_start(ap, fmt);
		vsnprintf(cur->err, cur->errsize, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Copy at most RACF_SHOW_MAX bytes of s (n bytes) into buf for an error,
 * non-printable bytes as '?', with "..." when s was longer. */
static void
racf_show(char buf[RACF_SHOW_MAX + 4], const char *s, size_t n)
{
	size_t i, m = n < RACF_SHOW_MAX ? n : RACF_SHOW_MAX;
	unsigned char c;

	for (i = 0; i < m; i++) {
		c = (unsigned char)s[i];
		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (n > RACF_SHOW_MAX) {
		memcpy(buf + m, "...", 3);
		m += 3;
	}
	buf[m] = '\0';
}

static int
racf_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

static int
racf_is_word(char c)
{
	return !racf_is_blank(c) && c != '(' && c != ')' && c != '\'';
}

static void
racf_items_free(struct racf_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		strfreezero(items[i].word);
		racf_items_free(items[i].args, items[i].nargs);
	}
	free(items);
}

/* Skip blanks and comments ("/ *" to "* /"; racf_parse() refused an
 * image with a comment that does not end). */
static void
racf_skip_blanks(struct racf_cursor *cur)
{
	for (;;) {
		while (
		    cur->pos < cur->len && racf_is_blank(cur->text[cur->pos]))
			cur->pos++;
		if (cur->pos + 1 >= cur->len || cur->text[cur->pos] != '/' ||
		    cur->text[cur->pos + 1] != '*')
			return;
		cur->pos += 2;
		while (
		    cur->pos < cur->len &&
		    !(cur->text[cur->pos] == '*' && cur->pos + 1 < cur->len &&
		        cur->text[cur->pos + 1] == '/'))
			cur->pos++;
		cur->pos = cur->pos < cur->len ? cur->pos + 2 : cur->len;
	}
}

/* 0 when every comment outside a quoted string ends; else -1 with the
 * error.  Nothing of an image with an open comment may run: the
 * command's end is not where its author meant it to be. */
static int
racf_comments_closed(struct racf_cursor *cur)
{
	int quote = 0;
	size_t i;

	for (i = 0; i < cur->len; i++) {
		if (cur->text[i] == '\'') {
			quote = !quote;
			continue;
		}
		if (quote || cur->text[i] != '/' || i + 1 >= cur->len ||
		    cur->text[i + 1] != '*')
			continue;
		for (i += 2; i + 1 < cur->len; i++)
			if (cur->text[i] == '*' && cur->text[i + 1] == '/')
				break;
		if (i + 1 >= cur->len)
			return racf_error(cur, "IKJ56702I INVALID COMMAND, "
			                       "COMMENT NOT ENDED BY */");
		i++;
	}
	return 0;
}

/* Read the word at the cursor into *word. */
static int
racf_scan_word(struct racf_cursor *cur, char **word)
{
	const char *s = cur->text + cur->pos;
	size_t n = 0;
	char show[RACF_SHOW_MAX + 4];

	while (cur->pos + n < cur->len && racf_is_word(s[n]))
		n++;
	if (n > SSPR_MAX_OPERAND) {
		racf_show(show, s, n);
		return racf_error(cur,
		    "IKJ56702I INVALID OPERAND, %s (LONGER THAN %d CHARACTERS)",
		    show, SSPR_MAX_OPERAND);
	}
	if (cur->pos + n < cur->len && s[n] == '\'') {
		/* the word and its quote, never what follows the quote */
		racf_show(show, s, n + 1);
		return racf_error(cur, "IKJ56702I INVALID OPERAND, %s", show);
	}
	*word = xstrndup(s, n);
	cur->pos += n;
	return 0;
}

/* Read the quoted string at the cursor (on its opening quote) into *word,
 * each "''" becoming "'".  No error quotes any of its contents. */
static int
racf_scan_quoted(struct racf_cursor *cur, char **word)
{
	const char *s = cur->text;
	size_t i, end, n = 0;
	char *w;

	for (i = cur->pos + 1;; i++) {
		if (i == cur->len)
			return racf_error(
			    cur, "IKJ56701I MISSING ENDING QUOTE");
		if (s[i] == '\'') {
			if (i + 1 < cur->len && s[i + 1] == '\'')
				i++;
			else
				break;
		}
		n++;
	}
	end = i;
	if (n > SSPR_MAX_OPERAND)
		return racf_error(cur,
		    "IKJ56702I INVALID QUOTED STRING (LONGER THAN %d "
		    "CHARACTERS)",
		    SSPR_MAX_OPERAND);
	if (end + 1 < cur->len && !racf_is_blank(s[end + 1]) &&
	    s[end + 1] != ')')
		return racf_error(
		    cur, "IKJ56702I INVALID OPERAND AFTER QUOTED STRING");
	w = xmalloc(n + 1);
	n = 0;
	for (i = cur->pos + 1; i < end; i++) {
		w[n++] = s[i];
		if (s[i] == '\'')
			i++; /* the second of a doubled quote */
	}
	w[n] = '\0';
	*word = w;
	cur->pos = end + 1;
	return 0;
}

/* Read one item into *it (zeroed, already in its parent's array). */
static int
racf_parse_item(struct racf_cursor *cur, unsigned depth, struct racf_item *it)
{
	char c = cur->text[cur->pos];

	if (c == '\'') {
		if (racf_scan_quoted(cur, &it->word) == -1)
			return -1;
		it->quoted = 1;
		return 0;
	}
	if (c != '(' && racf_scan_word(cur, &it->word) == -1)
		return -1;
	if (cur->pos == cur->len || cur->text[cur->pos] != '(')
		return 0;
	if (depth + 1 > SSPR_MAX_NESTING)
		return racf_error(cur,
		    "IKJ56702I INVALID OPERAND, TOO MANY NESTED PARENTHESES");
	cur->pos++;
	it->has_args = 1;
	return racf_parse_list(
	    cur, depth + 1, it->word ? it->word : "(", &it->args, &it->nargs);
}

/*
 * Read items into *items / *nitems until the end of the image (depth 0) or
 * the ')' closing a list opened after `opener` (depth > 0).  The array is
 * always consistent, so the caller frees it whatever the outcome.
 */
static int
racf_parse_list(struct racf_cursor *cur, unsigned depth, const char *opener,
    struct racf_item **items, size_t *nitems)
{
	size_t cap = 0;
	char show[RACF_SHOW_MAX + 4];

	for (;;) {
		racf_skip_blanks(cur);
		if (cur->pos == cur->len) {
			if (depth == 0)
				return 0;
			racf_show(show, opener, strlen(opener));
			return racf_error(cur,
			    "IKJ56701I MISSING RIGHT PARENTHESIS AFTER %s",
			    show);
		}
		if (cur->text[cur->pos] == ')') {
			if (depth == 0)
				return racf_error(
				    cur, "IKJ56702I INVALID OPERAND, )");
			cur->pos++;
			return 0;
		}
		if (++cur->count > SSPR_MAX_OPERANDS)
			return racf_error(cur,
			    "IKJ56702I INVALID COMMAND, TOO MANY OPERANDS");
		if (*nitems == cap) {
			cap = cap ? cap * 2 : 4;
			*items = xrealloc(*items, cap * sizeof(**items));
		}
		memset(&(*items)[*nitems], 0, sizeof(**items));
		(*nitems)++;
		if (racf_parse_item(cur, depth, &(*items)[*nitems - 1]) == -1)
			return -1;
	}
}

int
racf_parse(const char *text, size_t len, struct racf_command **out, char *err,
    size_t errsize)
{
	struct racf_cursor cur = {text, text ? len : 0, 0, 0, err, errsize};
	struct racf_command *cmd = NULL;
	char *verb = NULL;
	struct racf_item *items = NULL;
	size_t i, nitems = 0;
	unsigned char c;
	int rc = -1;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (cur.len > SSPR_MAX_COMMAND) {
		racf_error(&cur,
		    "IKJ56702I INVALID COMMAND, LONGER THAN %d CHARACTERS",
		    SSPR_MAX_COMMAND);
		goto out;
	}
	for (i = 0; i < cur.len; i++) {
		c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			racf_error(&cur,
			    "IKJ56702I INVALID CHARACTER X'%02X' IN COMMAND",
			    (unsigned)c);
			goto out;
		}
	}
	if (racf_comments_closed(&cur) == -1)
		goto out;
	racf_skip_blanks(&cur);
	if (cur.pos == cur.len) {
		racf_error(&cur, "IKJ56701I MISSING COMMAND NAME");
		goto out;
	}
	if (text[cur.pos] == ')') {
		racf_error(&cur, "IKJ56702I INVALID OPERAND, )");
		goto out;
	}
	if (text[cur.pos] == '(' || text[cur.pos] == '\'') {
		racf_error(&cur, "IKJ56702I INVALID COMMAND NAME");
		goto out;
	}
	if (racf_scan_word(&cur, &verb) == -1)
		goto out;
	if (cur.pos < cur.len && text[cur.pos] == '(') {
		racf_error(&cur, "IKJ56702I INVALID COMMAND NAME");
		goto out;
	}
	if (racf_parse_list(&cur, 0, "", &items, &nitems) == -1)
		goto out;

	cmd = xcalloc(1, sizeof(*cmd));
	cmd->verb = verb;
	cmd->items = items;
	cmd->nitems = nitems;
	verb = NULL;
	items = NULL;
	nitems = 0;
	*out = cmd;
	rc = 0;
out:
	strfreezero(verb);
	racf_items_free(items, nitems);
	return rc;
}

void
racf_command_free(struct racf_command *cmd)
{
	if (cmd == NULL)
		return;
	strfreezero(cmd->verb);
	racf_items_free(cmd->items, cmd->nitems);
	free(cmd);
}

/*
 * TSO continuation: blanks here are space and tab only; the caller strips
 * the line terminator first.  When the last non-blank byte is '-' or '+',
 * *keep is the number of bytes before that mark (blanks before the mark are
 * kept, blanks after it dropped) and *plus says which mark it was; the
 * caller then drops the next line's leading blanks for '+'.  Otherwise
 * *keep is len and *plus 0.  Both are always written.
 */
int
racf_continued(const char *line, size_t len, size_t *keep, int *plus)
{
	size_t n = line != NULL ? len : 0;

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n > 0 && (line[n - 1] == '-' || line[n - 1] == '+')) {
		*keep = n - 1;
		*plus = line[n - 1] == '+';
		return 1;
	}
	*keep = line != NULL ? len : 0;
	*plus = 0;
	return 0;
}
