/*
 * hashtime.c - how long one Argon2id hash takes here, with the embedded
 * ESM's parameters, and how many hashes a second THREADS threads manage.
 *
 * The fastest hash gives the benchmark's "Argon2 limit" (cores / time of
 * one hash): no server that hashes once a request can answer faster.
 * Each hash is argon2id_hash_raw() over a fixed 8-byte password and
 * 16-byte salt with a 32-byte tag, as racf_secret.c stores them; one
 * warm-up hash comes first.  Prints "ms_per_hash X" and "ms_min Y" (the
 * median and the fastest of COUNT hashes in sequence) and, with THREADS
 * > 1, "parallel_hashes_per_s Z" (COUNT hashes on each of THREADS
 * threads at once).  Exit status 0, 1 when a hash fails, 2 on usage
 * errors.
 *
 *   hashtime MEMORY_KIB ITERATIONS PARALLELISM COUNT [THREADS]
 */
#include <argon2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "compat/banned.h"

#define HASHTIME_MAX_THREADS 256

struct hashtime {
	uint32_t m, t, p; /* Argon2 memory (KiB), passes, lanes */
	long count;       /* hashes per thread */
	int failed;       /* set by a thread whose hash failed */
};

static double
hashtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
hashtime_one(const struct hashtime *h)
{
	static const char pw[] = "BENCH1XX";
	static const char salt[] = "0123456789abcdef";
	unsigned char tag[32];

	return argon2id_hash_raw(h->t, h->m, h->p, pw, sizeof(pw) - 1, salt,
	           sizeof(salt) - 1, tag, sizeof(tag)) == ARGON2_OK
	           ? 0
	           : -1;
}

static void *
hashtime_thread(void *arg)
{
	struct hashtime *h = arg;
	long i;

	for (i = 0; i < h->count; i++)
		if (hashtime_one(h) == -1) {
			h->failed = 1;
			break;
		}
	return NULL;
}

static int
hashtime_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
hashtime_arg(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	struct hashtime h[HASHTIME_MAX_THREADS];
	pthread_t th[HASHTIME_MAX_THREADS];
	long m, t, p, count, threads = 1, i;
	double t0, t1, *ms;

	if ((argc != 5 && argc != 6) ||
	    hashtime_arg(argv[1], 8, 4194304, &m) == -1 ||
	    hashtime_arg(argv[2], 1, 100, &t) == -1 ||
	    hashtime_arg(argv[3], 1, 64, &p) == -1 ||
	    hashtime_arg(argv[4], 1, 100000, &count) == -1 ||
	    (argc == 6 && hashtime_arg(argv[5], 1, HASHTIME_MAX_THREADS,
	                      &threads) == -1)) {
		fprintf(stderr, "usage: hashtime MEMORY_KIB ITERATIONS "
		                "PARALLELISM COUNT [THREADS]\n");
		return 2;
	}
	for (i = 0; i < threads; i++) {
		h[i].m = (uint32_t)m;
		h[i].t = (uint32_t)t;
		h[i].p = (uint32_t)p;
		h[i].count = count;
		h[i].failed = 0;
	}
	if (hashtime_one(&h[0]) == -1) {
		fprintf(stderr, "hashtime: argon2id_hash_raw failed\n");
		return 1;
	}
	/* Single timings: a burst of other work on a shared machine moves
	 * the mean, hardly the median and not the minimum. */
	ms = calloc((size_t)count, sizeof(*ms));
	if (ms == NULL)
		return 1;
	for (i = 0; i < count; i++) {
		t0 = hashtime_now();
		if (hashtime_one(&h[0]) == -1) {
			fprintf(stderr, "hashtime: argon2id_hash_raw failed\n");
			free(ms);
			return 1;
		}
		t1 = hashtime_now();
		ms[i] = (t1 - t0) * 1000.0;
	}
	qsort(ms, (size_t)count, sizeof(*ms), hashtime_cmp);
	printf("ms_per_hash %.3f\nms_min %.3f\n",
	    count % 2 ? ms[count / 2] : (ms[count / 2 - 1] + ms[count / 2]) / 2,
	    ms[0]);
	free(ms);
	if (threads < 2)
		return 0;
	t0 = hashtime_now();
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, hashtime_thread, &h[i]) != 0) {
			fprintf(stderr, "hashtime: cannot start a thread\n");
			return 1;
		}
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	t1 = hashtime_now();
	for (i = 0; i < threads; i++)
		if (h[i].failed) {
			fprintf(stderr, "hashtime: argon2id_hash_raw failed\n");
			return 1;
		}
	printf("parallel_hashes_per_s %.2f\n",
	    (double)(threads * count) / (t1 - t0));
	return 0;
}
