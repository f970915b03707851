/*
 * replay.c - run a libFuzzer target over saved inputs without libFuzzer.
 *
 * Linked with one fuzz_*.c file, it calls LLVMFuzzerTestOneInput() once
 * for every regular file named on the command line or found (not
 * recursively, dot files skipped, in name order) in a directory named
 * there, so a corpus replays as an ordinary test, under the sanitizers or
 * not.  Exit status 0 when every input ran, 1 when a file or directory
 * could not be read, 2 on usage errors; a broken target aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat/compat.h"

#include "compat/banned.h"

#define REPLAY_MAX_INPUT (1024 * 1024)
#define REPLAY_MAX_PATH  4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the target.  Returns 0 or -1 (message printed). */
static int
replay_file(const char *path, size_t *count)
{
	unsigned char *buf = NULL;
	FILE *fp = NULL;
	size_t n;
	int rc = -1;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "replay: cannot open \"%s\": %s\n", path,
		    strerror(errno));
		goto out;
	}
	buf = xmalloc(REPLAY_MAX_INPUT + 1);
	n = fread(buf, 1, REPLAY_MAX_INPUT + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "replay: cannot read \"%s\"\n", path);
		goto out;
	}
	if (n > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: \"%s\" is larger than %d bytes\n",
		    path, REPLAY_MAX_INPUT);
		goto out;
	}
	(void)LLVMFuzzerTestOneInput(buf, n);
	(*count)++;
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	return rc;
}

static int
replay_skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Feed every regular file of dir.  Returns 0 or -1. */
static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent **names = NULL;
	struct stat st;
	char path[REPLAY_MAX_PATH];
	int n, i, len, rc = 0;

	n = scandir(dir, &names, replay_skip_dots, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot read directory \"%s\": %s\n",
		    dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(
		    path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			fprintf(stderr, "replay: path in \"%s\" is too long\n",
			    dir);
			rc = -1;
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		           replay_file(path, count) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s dir-or-file ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: cannot find \"%s\": %s\n",
			    argv[i], strerror(errno));
			status = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				status = 1;
		} else if (replay_file(argv[i], &count) == -1)
			status = 1;
	}
	printf("replay: %zu inputs\n", count);
	return status;
}
