/*
 * scratch.c - a private scratch directory for a unit test (scratch.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/scratch.h"

#include "compat/banned.h"

int
scratch_dir(char *buf, size_t size, const char *prefix)
{
	const char *base = getenv("SSPR_TEST_TMP");
	char cwd[PATH_MAX];
	int n;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (mkdir(base, 0700) == -1 && errno != EEXIST)
		return -1;
	if (base[0] == '/')
		cwd[0] = '\0';
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	n = snprintf(buf, size, "%s%s%s/%s.XXXXXX", cwd, cwd[0] ? "/" : "",
	    base, prefix);
	if (n < 0 || (size_t)n >= size || mkdtemp(buf) == NULL)
		return -1;
	return 0;
}
