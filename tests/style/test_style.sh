#!/usr/bin/env bash
# test_style.sh - the machine enforces the house style: every C file is
# formatted by clang-format (.clang-format), and every product .c file
# includes "compat/banned.h" as its last #include.
set -u
cd "${SSPR_SRC:?SSPR_SRC must name the source tree}"
status=0

mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null ||
	find compat esm sspr cli mail web tests -name '*.[ch]')
for f in "${files[@]}"; do
	[[ -f $f ]] || continue
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run clang-format -i $f)"
		status=1
	fi
done

for f in $(ls compat/*.c esm/*.c sspr/*.c cli/*.c mail/*.c web/*.c 2>/dev/null); do
	last=$(grep -E '^#include' "$f" | tail -1)
	if [[ $last != '#include "compat/banned.h"' ]]; then
		echo "$f: the last #include must be \"compat/banned.h\""
		status=1
	fi
done
[[ $status -eq 0 ]] && echo "style: ${#files[@]} files checked"
exit $status
