/*
 * tlscheck.h - checking the service's TLS certificate and key before the
 * daemon needs them (`sspr check`), with GnuTLS, the library that will
 * serve them (through libmicrohttpd).  `sspr serve` runs the same check
 * before it listens, so the two never disagree.  Both files are held to
 * filetrust.h's rule (the key as a secret).
 */
#ifndef SSPR_TLSCHECK_H
#define SSPR_TLSCHECK_H

#include <stddef.h>
#include <time.h>

struct tls_info {
	char subject[256]; /* of the first (leaf) certificate */
	time_t not_before, not_after;
	int ncerts; /* in the chain file */
};

/*
 * Read the PEM certificate chain at cert and the private key at key (a
 * private file), and check that the key belongs to the first certificate.
 * Returns 0 with *info, or -1 with err (unreadable, not PEM, mismatch).
 * Dates are reported, not judged: the caller compares them with its clock.
 */
int tls_check_pair(const char *cert, const char *key, struct tls_info *info,
    char *err, size_t errsize);

/*
 * tls_check_pair() and the dates judged at now: what `sspr serve` refuses
 * to start with and `sspr check` reports (a key that does not fit names
 * both files; a certificate not valid yet or expired names the file and
 * the date).  Returns 0 with *info, or -1 with err.
 */
int tls_check_usable(const char *cert, const char *key, time_t now,
    struct tls_info *info, char *err, size_t errsize);

#endif
