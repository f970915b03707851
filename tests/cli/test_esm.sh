#!/usr/bin/env bash
# test_esm.sh - `sspr esm` and `sspr verify` through the real binary:
# RACF commands, all-or-nothing changes, no secret echoed, exit statuses.
set -e
source "$(dirname "$0")/lib.sh"
db=$work/esm.db
esm() { "$SSPR" esm --db "$db" "$@"; }
verify() { printf "$1" | "$SSPR" verify --db "$db" "${@:2}"; }

run "help" 0 "$SSPR" esm --help && has "help" "ADDUSER (AU)"
run "top help" 0 "$SSPR" --help && has "top help" "verify"
run "version" 0 "$SSPR" version && has "version" "sspr "
run "unknown command" 2 "$SSPR" frobnicate && has "unknown command" "unknown command 'frobnicate'"
run "unknown option" 2 "$SSPR" esm --dbx x && has "unknown option" "unknown option '--dbx'"

# Define a user the RACF way.
run "adduser" 0 esm ADDUSER JOE "NAME('JOE SMITH')" "WORKATTR(WAEMAIL('joe@example.com'))"
run "altuser pw" 0 esm ALU JOE "PASSWORD(abc123)" NOEXPIRED
run "listuser" 0 esm LU JOE
has "listuser" "USER=JOE"
has "listuser" "NAME=JOE SMITH"
has "listuser" "DEFAULT-GROUP=SYS1"
lacks "listuser no hash" "argon2"
lacks "listuser no pw" "ABC123"

# Duplicate: RACF's own message, exit 1.
run "adduser twice" 1 esm AU JOE
has "adduser twice" "IKJ56702I INVALID USERID, JOE"

# A malformed command changes nothing.
run "bad keyword" 1 esm ALU JOE "NAME('NEW NAME')" BOGUS
has "bad keyword" "IKJ56712I INVALID KEYWORD, BOGUS"
run "unbalanced" 1 esm ALU JOE "NAME('NEW NAME'"
has "unbalanced" "MISSING"
run "unchanged" 0 esm LU JOE
has "unchanged" "NAME=JOE SMITH"

# Secrets are never echoed, even when refused.
run "long pw" 1 esm ALU JOE "PASSWORD(TOOLONGPW9)"
lacks "long pw" "TOOLONGPW9"
run "short phrase" 1 esm ALU JOE "PHRASE('tiny')"
lacks "short phrase" "tiny"
run "rule fails" 1 esm ALU JOE "PHRASE('joe is my name 123')" NOEXPIRED
has "rule fails" "ICH08020I"
lacks "rule fails" "joe is my name"

# A 10 000-character operand is refused cleanly.
long=$(printf 'A%.0s' $(seq 1 10000))
run "huge operand" 1 esm ALU JOE "NAME($long)"
has "huge operand" "LONGER THAN 1100"

# verify: the CICS VERIFY PHRASE outcome as JSON.
run "verify ok" 0 verify 'abc123\n' JOE
has "verify ok" '"resp":"NORMAL"'
has "verify ok" '"lastusetime":null'
run "verify wrong" 1 verify 'nope12\n' JOE
has "verify wrong" '"resp":"NOTAUTH","resp2":2,"esmresp":8'
has "verify wrong" '"invalidcount":1'
run "verify unknown" 1 verify 'x\n' NOBODY
has "verify unknown" '"resp":"USERIDERR","resp2":8,"esmresp":4'
run "verify length" 1 verify "$(printf 'x%.0s' $(seq 1 101))\n" JOE
has "verify length" '"resp":"LENGERR","resp2":1'
run "verify nul" 2 verify 'ab\0c\n' JOE
has "verify nul" "NUL byte"
run "verify no db" 2 "$SSPR" verify --db "$work/none.db" JOE </dev/null
run "verify no db2" 2 sh -c "printf 'x\n' | '$SSPR' verify --db '$work/none.db' JOE"
has "verify no db2" "no such file"

# Admin reset: expired, then the verify/change path.
run "reset" 0 esm ALU JOE "PASSWORD(TEMP1)"
run "expired" 1 verify 'TEMP1\n' JOE
has "expired" '"resp":"NOTAUTH","resp2":3,"esmresp":12'
run "change" 0 verify 'TEMP1\nNEWPW9\n' JOE
has "change" '"newsecret":"ok"'
run "change same" 1 verify 'NEWPW9\nNEWPW9\n' JOE
has "change same" '"resp2":4,"esmresp":16'
has "change same" '"newsecret":"current"'

# Revoke and resume.
run "revoke" 0 esm ALU JOE REVOKE
run "revoked" 1 verify 'NEWPW9\n' JOE
has "revoked" '"resp2":19,"esmresp":28'
run "resume" 0 esm ALU JOE RESUME
run "resume again" 0 esm ALU JOE RESUME
has "resume again" "ICH21019I 'RESUME' IGNORED. JOE NOT CURRENTLY REVOKED"
run "resumed" 0 verify 'NEWPW9\n' JOE

# Batch from stdin, with continuation lines and comments.
run "batch" 0 sh -c "'$SSPR' esm --db '$db' <<'CMDS'
/* a comment */
RDEFINE CFIELD USER.CSDATA.EMPSER CFDEF(TYPE(NUM) -
   MAXLENGTH(8))

ALTUSER JOE CSDATA(EMPSER(12345))
LU JOE CSDATA NORACF
CMDS"
has "batch" "EMPSER= 12345"
run "batch failure" 1 sh -c "printf 'LU JOE\nALU JOE CSDATA(EMPSER(12X))\n' | '$SSPR' esm --db '$db'"
has "batch failure" "USER=JOE"
has "batch failure" "EMPSER"

# A comment that does not end: an error naming its line; nothing inside it
# (or after it) runs.  The same for a continuation past the end.
run "open comment" 1 sh -c "printf 'LU JOE\n/* start of a note\nDELUSER JOE\n' | '$SSPR' esm --db '$db'"
has "open comment" "COMMENT STARTED ON LINE 2 IS NOT ENDED"
run "open comment kept user" 0 esm LU JOE
run "comment over lines" 0 sh -c "printf '/* one\nDELUSER JOE\n*/ LU JOE\nLU JOE /* a\n note */ CSDATA\n' | '$SSPR' esm --db '$db'"
has "comment over lines" "USER=JOE"
run "comment over lines kept user" 0 esm LU JOE
run "open continuation" 1 sh -c "printf 'LU JOE\nDELUSER -\n' | '$SSPR' esm --db '$db'"
has "open continuation" "STARTED ON LINE 2 IS CONTINUED PAST THE END"
run "open continuation kept user" 0 esm LU JOE
run "open quote" 1 sh -c "printf \"ALU JOE NAME('OPEN\n\" | '$SSPR' esm --db '$db'"
has "open quote" "MISSING ENDING QUOTE"
run "argv open comment" 1 esm DELUSER JOE "/*" gone
has "argv open comment" "COMMENT NOT ENDED"
run "argv open comment kept user" 0 esm LU JOE
run "quoted comment is text" 0 esm ALU JOE "NAME('A /* B')"
run "argv closed comment" 0 esm LU JOE "/* note */" CSDATA

finish
