/*
 * ceilings.h - the largest size of every buffer that input can grow.
 *
 * One place, so a reviewer sees every bound at once.  Values are bytes
 * unless stated.
 */
#ifndef SSPR_CEILINGS_H
#define SSPR_CEILINGS_H

#define SSPR_MAX_CONFIG_FILE (1024 * 1024) /* sspr.json */
#define SSPR_MAX_USERID      8             /* RACF user ID */
#define SSPR_MAX_GROUP       8             /* RACF group name */
#define SSPR_MAX_APPLID      8             /* VTAM APPLID / PTKTDATA name */
#define SSPR_MAX_PASSWORD    8             /* RACF password */
#define SSPR_MAX_PHRASE      100           /* RACF password phrase */
#define SSPR_MAX_SECRET      SSPR_MAX_PHRASE
#define SSPR_MAX_NAME        20            /* RACF NAME('...') */
#define SSPR_MAX_EMAIL       246           /* WORKATTR WAEMAIL */
#define SSPR_MAX_FIELD_NAME  8             /* CFIELD USER.CSDATA.name */
#define SSPR_MAX_FIELD_VALUE 1100          /* CSDATA CHAR maximum */
#define SSPR_MAX_COMMAND     32768         /* one RACF command image */
#define SSPR_MAX_OPERAND     1100          /* one operand value */
#define SSPR_MAX_NESTING     8             /* parenthesis depth */
#define SSPR_MAX_OPERANDS    256           /* operands in one command */
#define SSPR_MAX_LISTING     (1024 * 1024) /* one command's output */
#define SSPR_MAX_ERROR       512           /* one error message */
#define SSPR_MAX_RULES       8             /* SETROPTS RULE1..RULE8 */
#define SSPR_MAX_HISTORY     32            /* SETROPTS HISTORY(n) */

#endif
