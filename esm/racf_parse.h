/*
 * racf_parse.h - the TSO/E parse of one RACF command image.
 *
 * Turns text such as
 *
 *	ALTUSER (JOE ANN) NAME('O''BRIEN') CSDATA(EMPSER(123) NOPIN) RESUME
 *
 * into a tree of items, without knowing any RACF verb or keyword: meaning
 * is given by the command executor (racf_cmd.c).  The grammar is TSO's:
 *
 *	command  := verb item*
 *	item     := word [ '(' item* ')' ] | '(' item* ')' | quoted
 *	word     := run of characters other than blank, comma, '(' , ')', '\''
 *	quoted   := '\'' { any character except '\'' | "''" } '\''
 *
 * Blanks and commas separate items.  A quoted string is one item whose
 * text has each doubled quote turned into one.  A word immediately
 * followed by '(' takes the parenthesised list as its arguments
 * ("KEYWORD(value ...)"); a '(' after a blank starts an anonymous list
 * (word NULL), as in "LISTUSER (A B)".  Words are kept as typed; callers
 * fold case where RACF does.
 *
 * Bounds (compat/ceilings.h): the command image at most SSPR_MAX_COMMAND
 * bytes, each word or quoted string at most SSPR_MAX_OPERAND bytes,
 * parentheses nested at most SSPR_MAX_NESTING deep, at most
 * SSPR_MAX_OPERANDS items in all.  NUL, CR and LF anywhere are errors.
 * Errors are reported in TSO's wording (IKJ56702I INVALID ..., IKJ56701I
 * MISSING ...) naming the offending text, truncated to a readable length.
 *
 *	struct racf_command *cmd;
 *	char err[SSPR_MAX_ERROR];
 *
 *	if (racf_parse(line, len, &cmd, err, sizeof(err)) == -1) {
 *		puts(err);
 *		return;
 *	}
 *	... cmd->verb, cmd->items[i] ...
 *	racf_command_free(cmd);
 */
#ifndef SSPR_RACF_PARSE_H
#define SSPR_RACF_PARSE_H

#include <stddef.h>

struct racf_item {
	char *word;             /* word or quoted text; NULL for an anonymous
	                           "( ... )" list */
	unsigned quoted : 1;    /* word came from a quoted string */
	unsigned has_args : 1;  /* followed by "( ... )", possibly empty */
	struct racf_item *args; /* the parenthesised items (has_args) */
	size_t nargs;
};

struct racf_command {
	char *verb;              /* first word, as typed (not folded) */
	struct racf_item *items; /* the operands after the verb */
	size_t nitems;
};

/*
 * Parse the len bytes at text (not necessarily NUL-terminated) into a new
 * command.  Returns 0 and sets *out (free with racf_command_free), or -1
 * and writes a one-line message into err (errsize bytes, always
 * NUL-terminated); *out is untouched on error.  An empty or all-blank image
 * is an error ("IKJ56701I MISSING COMMAND NAME").
 *
 * Secrets may be among the operands: racf_command_free() wipes every word.
 * Error messages quote at most 40 bytes of the offending text and never
 * quote the contents of a quoted string (it may be a phrase).
 */
int racf_parse(const char *text, size_t len, struct racf_command **out,
    char *err, size_t errsize);

/* Wipe and free a command; NULL-safe. */
void racf_command_free(struct racf_command *cmd);

/*
 * Join TSO continuation lines: a line whose last non-blank character is
 * '-' or '+' continues on the next one (the '-' or '+' is removed; '-'
 * keeps the next line's leading blanks, '+' drops them).  Returns 1 when
 * `line` (len bytes) ends with a continuation mark, 0 otherwise; *keep is
 * set to the number of bytes of line to keep.
 */
int racf_continued(const char *line, size_t len, size_t *keep, int *plus);

#endif
