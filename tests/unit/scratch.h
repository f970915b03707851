/*
 * scratch.h - a private scratch directory for a unit test.
 *
 * tests/unit/scratch.c is linked into every unit test program (see
 * CMakeLists.txt: files in tests/unit/ not starting with "t").
 */
#ifndef SSPR_TESTS_UNIT_SCRATCH_H
#define SSPR_TESTS_UNIT_SCRATCH_H

#include <stddef.h>

/*
 * Make a fresh directory "<base>/<prefix>.XXXXXX", where base is
 * $SSPR_TEST_TMP (created if missing) or, when that is unset or empty,
 * /tmp, and put its absolute path in buf (size bytes).  Returns 0, or -1
 * (nothing made).  For a cmocka setup function.
 */
int scratch_dir(char *buf, size_t size, const char *prefix);

#endif
