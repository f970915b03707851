/*
 * racf_cmd.h - the embedded ESM's RACF command processor.
 *
 * Runs one RACF command image against an open embedded ESM, the way TSO
 * runs it against RACF, with RACF's abbreviations:
 *
 *	ADDUSER (AU)   ALTUSER (ALU)  LISTUSER (LU)  DELUSER (DU)
 *	ADDGROUP (AG)  CONNECT (CO)   REMOVE (RE)
 *	RDEFINE (RDEF) RDELETE (RDEL) RLIST (RL)     SETROPTS (SETR)
 *
 * Keywords may be abbreviated to any unique prefix, as TSO allows.  A
 * command is all or nothing: it is checked completely before anything is
 * changed, and its changes are one transaction.  Output (messages and
 * listings) follows RACF's wording; a password, phrase or key given in a
 * command is never echoed in any message.
 *
 *	struct strbuf out;
 *	strbuf_init(&out, SSPR_MAX_LISTING);
 *	rc = racf_cmd_run(r, "IBMUSER", "LU JOE CSDATA", 13, &out);
 *	fputs(out.buf, stdout);
 *	strbuf_release(&out);
 */
#ifndef SSPR_RACF_CMD_H
#define SSPR_RACF_CMD_H

#include <stddef.h>

#include "compat/strbuf.h"
#include "esm/racf.h"

/* Command return codes, as TSO/RACF report them. */
enum racf_cmd_rc {
	RACF_CMD_OK = 0,      /* done */
	RACF_CMD_WARNING = 4, /* done, with a message (e.g. RESUME ignored) */
	RACF_CMD_FAILED = 8,  /* refused: bad syntax or operand; no change */
	RACF_CMD_ERROR = 12,  /* the database failed; no change */
};

/*
 * Run the command image text (len bytes; need not be NUL-terminated).
 * issuer is the user ID recorded as OWNER of what the command creates.
 * Messages and listings are appended to out, one '\n'-terminated line
 * each.  Never logs.
 */
enum racf_cmd_rc racf_cmd_run(struct racf *r, const char *issuer,
    const char *text, size_t len, struct strbuf *out);

#endif
