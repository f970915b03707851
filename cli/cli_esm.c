/*
 * cli_esm.c - `sspr esm`: administer the embedded ESM with RACF commands.
 *
 * With a command on the command line, runs it; without, reads commands
 * from stdin one per line, like a TSO batch job's SYSTSIN: a line ending in
 * '-' or '+' continues on the next, blank lines are skipped, and comments
 * ("/ *" to "* /", outside a quoted string, possibly over several lines)
 * are blanks.  A comment or a continuation still open at the end of the
 * input is an error (RC 8): the incomplete command is not run.  Output is
 * RACF's; command images are never echoed (they may hold passwords).
 */
#include "cli/cli.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat/ceilings.h"
#include "compat/strbuf.h"
#include "esm/esm.h"
#include "esm/racf.h"
#include "esm/racf_cmd.h"
#include "esm/racf_mkey.h"
#include "esm/racf_parse.h"
#include "compat/banned.h"

static const char cli_esm_usage[] =
    "usage: sspr esm [--db FILE] [--master-key FILE] [COMMAND ...]\n"
    "\n"
    "Run a RACF command against the embedded ESM, or, without COMMAND,\n"
    "read commands from stdin, one per line ('-' or '+' at the end of a\n"
    "line continues it).  The database is created if it does not exist.\n"
    "\n"
    "  --db FILE          the ESM database (default: " CLI_DEFAULT_DB ")\n"
    "  --master-key FILE  the master key that PTKTDATA keys are sealed\n"
    "                     under (default: the database's name + .mkey;\n"
    "                     created by the first RDEFINE PTKTDATA)\n"
    "\n"
    "commands (RACF syntax and abbreviations):\n"
    "  ADDUSER (AU)  ALTUSER (ALU)  LISTUSER (LU)  DELUSER (DU)\n"
    "  ADDGROUP (AG) CONNECT (CO)   REMOVE (RE)\n"
    "  RDEFINE (RDEF) RALTER (RALT) RDELETE (RDEL) RLIST (RL):\n"
    "                 classes CFIELD and PTKTDATA\n"
    "  SETROPTS (SETR) PASSWORD(...) INACTIVE(n) LIST\n"
    "\n"
    "exit status: 0 every command succeeded (RACF RC 0 or 4), 1 a command\n"
    "failed (RC 8), 2 usage or database error.\n";

/* The user ID recorded as OWNER: the login name if it is a valid RACF
 * user ID, else IBMUSER. */
static void
cli_esm_issuer(char *out, size_t size)
{
	struct passwd *pw = getpwuid(getuid());
	size_t i;

	strlcpy_s(out, "IBMUSER", size);
	if (pw == NULL || pw->pw_name == NULL || !esm_valid_name(pw->pw_name))
		return;
	for (i = 0; pw->pw_name[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)pw->pw_name[i]);
	out[i] = '\0';
}

/* Run one command image; returns the worst RACF RC so far. */
static int
cli_esm_run(
    struct racf *r, const char *issuer, const char *text, size_t len, int worst)
{
	struct strbuf out;
	enum racf_cmd_rc rc;

	strbuf_init(&out, SSPR_MAX_LISTING);
	rc = racf_cmd_run(r, issuer, text, len, &out);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return (int)rc > worst ? (int)rc : worst;
}

/*
 * Where a batch stands between lines: inside a comment (since which line),
 * inside a quoted string of the command being continued.  A comment may
 * span lines; "/ *" inside a quoted string is text, not a comment.
 */
struct cli_esm_scan {
	int in_comment;   /* a comment is open */
	int comment_line; /* the line it started on */
	int in_quote;     /* a quoted string of the command is open */
};

/*
 * Replace every comment of line (len bytes) by one blank, in place; the
 * new length is returned.  st carries an open comment or quote from line
 * to line (lineno is this line's number, for the message about a comment
 * that never ends).
 */
static size_t
cli_esm_uncomment(char *line, size_t len, int lineno, struct cli_esm_scan *st)
{
	size_t i = 0, o = 0;

	while (i < len) {
		if (st->in_comment) {
			if (i + 1 < len && line[i] == '*' &&
			    line[i + 1] == '/') {
				st->in_comment = 0;
				line[o++] = ' ';
				i += 2;
			} else
				i++;
			continue;
		}
		if (line[i] == '\'') {
			st->in_quote = !st->in_quote;
		} else if (!st->in_quote && i + 1 < len && line[i] == '/' &&
		           line[i + 1] == '*') {
			st->in_comment = 1;
			st->comment_line = lineno;
			i += 2;
			continue;
		}
		line[o++] = line[i++];
	}
	return o;
}

/* 1 if the line is blank. */
static int
cli_esm_blank(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i == len;
}

/* Read stdin as SYSTSIN. */
static int
cli_esm_batch(struct racf *r, const char *issuer)
{
	char line[SSPR_MAX_COMMAND + 2];
	struct cli_esm_scan st = {0};
	struct strbuf cmd;
	size_t len, keep;
	int worst = 0, plus, cont = 0, lineno = 0, skipping = 0;
	int cmd_line = 0;

	strbuf_init(&cmd, SSPR_MAX_COMMAND);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] != '\n' && !feof(stdin)) {
			/* Over-long line: drain it and refuse the command. */
			int ch;

			while ((ch = getchar()) != EOF && ch != '\n')
				;
			printf("IKJ56702I INVALID COMMAND, LINE %d LONGER "
			       "THAN %d CHARACTERS\n",
			    lineno, SSPR_MAX_COMMAND);
			worst = worst > 8 ? worst : 8;
			strbuf_reset(&cmd);
			skipping = 0;
			cont = 0;
			st.in_quote = 0;
			continue;
		}
		while (
		    len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		len = cli_esm_uncomment(line, len, lineno, &st);
		if (cmd.len == 0 && !cont && cli_esm_blank(line, len))
			continue;
		if (cmd.len == 0 && !cont)
			cmd_line = lineno;
		cont = racf_continued(line, len, &keep, &plus);
		if (!skipping && strbuf_add(&cmd, line, keep) == -1) {
			printf("IKJ56702I INVALID COMMAND, LONGER THAN %d "
			       "CHARACTERS\n",
			    SSPR_MAX_COMMAND);
			worst = worst > 8 ? worst : 8;
			skipping = 1;
		}
		/* A comment still open continues the command too: what
		 * follows it on a later line belongs to the same image. */
		if (cont || st.in_comment) {
			(void)plus;
			if (!skipping && strbuf_addch(&cmd, ' ') == -1)
				skipping = 1;
			continue;
		}
		if (!skipping)
			worst = cli_esm_run(r, issuer, cmd.buf, cmd.len, worst);
		strbuf_reset(&cmd);
		st.in_quote = 0;
		skipping = 0;
	}
	/* The end of the input inside a comment or after a continuation
	 * mark: the last command is incomplete and is not run. */
	if (st.in_comment) {
		printf("IKJ56702I INVALID COMMAND, THE COMMENT STARTED ON LINE "
		       "%d IS NOT ENDED BY */; NOTHING AFTER IT WAS RUN\n",
		    st.comment_line);
		worst = worst > 8 ? worst : 8;
	} else if (cont) {
		printf("IKJ56702I INVALID COMMAND, THE COMMAND STARTED ON LINE "
		       "%d IS CONTINUED PAST THE END OF THE INPUT; IT WAS NOT "
		       "RUN\n",
		    cmd_line);
		worst = worst > 8 ? worst : 8;
	} else if (cmd.len > 0 && !skipping && !cli_esm_blank(cmd.buf, cmd.len))
		worst = cli_esm_run(r, issuer, cmd.buf, cmd.len, worst);
	strbuf_release(&cmd);
	secure_zero(line, sizeof(line));
	return worst;
}

int
cli_esm(int argc, char **argv)
{
	const char *db = CLI_DEFAULT_DB, *mkey = NULL;
	char mkey_default[4096];
	char issuer[SSPR_MAX_USERID + 1], err[SSPR_MAX_ERROR];
	struct racf r = {0};
	struct strbuf cmd;
	int i, worst;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (cli_is_help(argv[i])) {
			fputs(cli_esm_usage, stdout);
			return CLI_OK;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--master-key") == 0 && i + 1 < argc)
			mkey = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			return cli_error("esm: unknown option '%s' (see 'sspr "
			                 "esm --help')",
			    argv[i]);
	}
	if (cli_act_as_owner_of_file(db, err, sizeof(err)) == -1 ||
	    racf_db_open(db, 1, &r.db, err, sizeof(err)) == -1)
		return cli_error("%s", err);
	if (mkey == NULL) {
		racf_mkey_default_path(db, mkey_default, sizeof(mkey_default));
		mkey = mkey_default;
	}
	r.mkey_path = mkey;
	cli_esm_issuer(issuer, sizeof(issuer));
	if (i == argc) {
		worst = cli_esm_batch(&r, issuer);
	} else {
		strbuf_init(&cmd, SSPR_MAX_COMMAND);
		for (; i < argc; i++)
			if ((cmd.len > 0 && strbuf_addch(&cmd, ' ') == -1) ||
			    strbuf_addstr(&cmd, argv[i]) == -1) {
				strbuf_release(&cmd);
				racf_db_close(r.db);
				return cli_error("esm: command longer than %d "
				                 "characters",
				    SSPR_MAX_COMMAND);
			}
		worst = cli_esm_run(&r, issuer, cmd.buf, cmd.len, 0);
		strbuf_release(&cmd);
	}
	racf_db_close(r.db);
	if (worst >= 12)
		return CLI_USAGE;
	return worst >= 8 ? CLI_REFUSED : CLI_OK;
}
