/*
 * tlscheck.h - checking the service's TLS certificate and key before the
 * daemon needs them (`sspr check`), with GnuTLS, the library that will
 * serve them (through libmicrohttpd).
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

#endif
