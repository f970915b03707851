/*
 * racf_cmd_int.h - what the RACF command processor's files share; not for
 * use outside esm/racf_cmd*.c.
 *
 *   racf_cmd.c       keyword binding, values, messages, and the dispatch
 *   racf_cmd_user.c  ADDUSER ALTUSER LISTUSER DELUSER ADDGROUP CONNECT
 *                    REMOVE
 *   racf_cmd_res.c   RDEFINE RALTER RDELETE RLIST: CFIELD and PTKTDATA
 *   racf_cmd_setr.c  SETROPTS
 */
#ifndef SSPR_RACF_CMD_INT_H
#define SSPR_RACF_CMD_INT_H

#include <stddef.h>

#include "esm/racf_cmd.h"
#include "esm/racf_parse.h"

#define CMD_MAX_NAMES 64 /* profiles named in one command */

/* One command being run. */
struct cmd {
	struct racf *r;
	const char *issuer;  /* OWNER of what the command creates */
	struct strbuf *out;  /* messages and listings */
	enum racf_cmd_rc rc; /* the worst so far */
};

/* A keyword a verb accepts; flags say what may follow it. */
enum kw_flags {
	KW_VALUE = (1 << 0), /* KEYWORD(value) */
	KW_LIST = (1 << 1),  /* KEYWORD(sub-operands ...) */
	KW_BARE = (1 << 2),  /* KEYWORD alone */
};

struct kw {
	const char *name;
	unsigned flags;
};

/* Append one message line and raise c->rc to rc. */
void cmd_msg(struct cmd *c, enum racf_cmd_rc rc, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

/* Roll back and report a database error; returns RACF_CMD_ERROR. */
enum racf_cmd_rc cmd_dberr(struct cmd *c);

/* Commit the command's transaction unless a message refused it. */
enum racf_cmd_rc cmd_finish(struct cmd *c);

/* At most 40 printable bytes of untrusted text, for messages. */
void cmd_safe(const char *in, char *buf, size_t size);

/* ASCII upper-case copy, truncated to size. */
void cmd_upper(const char *in, char *out, size_t size);

/* Bind items[from..n) to kws (bound[k] for kws[k]): unique prefixes, each
 * at most once, in the form the flags allow.  0, or -1 after a message. */
int cmd_bind(struct cmd *c, const struct racf_item *items, size_t n,
    size_t from, const struct kw *kws, const struct racf_item **bound);

/* The one value of KEYWORD(value); NULL after a message. */
const char *cmd_value(
    struct cmd *c, const struct racf_item *it, const char *kwname);

/* A number in [lo, hi] from KEYWORD(n); -1 after a message. */
int cmd_number(struct cmd *c, const struct racf_item *it, const char *kwname,
    long lo, long hi, long *out);

/* The index of KEYWORD(value) in choices (upper-case, NULL-terminated),
 * the value compared without case; -1 after a message naming every
 * choice ("MUST BE A, B OR C"). */
int cmd_choice(struct cmd *c, const struct racf_item *it, const char *kwname,
    const char *const *choices);

/* A user, group or APPLID name, upper-cased into out (9 bytes); -1 after a
 * message naming what. */
int cmd_name(struct cmd *c, const char *word, const char *what, char *out);

/* The profile names that start a command (one word or a list); the count,
 * or -1 after a message. */
int cmd_names(struct cmd *c, const struct racf_command *rc, const char *what,
    char (*names)[SSPR_MAX_USERID + 1]);

/* The verbs. */
enum racf_cmd_rc cmd_adduser(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_altuser(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_listuser(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_deluser(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_addgroup(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_connect_add(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_remove(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_rdefine(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_ralter(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_rdelete(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_rlist(struct cmd *c, const struct racf_command *rc);
enum racf_cmd_rc cmd_setropts(struct cmd *c, const struct racf_command *rc);

#endif
