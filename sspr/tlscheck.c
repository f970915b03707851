/*
 * tlscheck.c - checking the service's TLS certificate and key (see
 * tlscheck.h).
 */
#include "sspr/tlscheck.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/secretfile.h"
#include "compat/textfile.h"
#include "compat/banned.h"

#define TLS_FILE_MAX  (256 * 1024)
#define TLS_MAX_CHAIN 16

int
tls_check_pair(const char *cert, const char *key, struct tls_info *info,
    char *err, size_t errsize)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_x509_crt_t crts[TLS_MAX_CHAIN];
	unsigned int ncrts = TLS_MAX_CHAIN, i;
	char *ctext = NULL, *ktext = NULL;
	size_t clen = 0, klen = 0, kcap = 0, sz;
	gnutls_datum_t cd, kd;
	int rc = -1, r;

	memset(info, 0, sizeof(*info));
	if (filetrust_check(cert, "TLS certificate", 0, err, errsize) != 0)
		return -1;
	if (text_file_read(cert, "TLS certificate", TLS_FILE_MAX, &ctext, &clen,
	        err, errsize) != 0)
		return -1;
	if (secret_file_read(key, "TLS key", "", TLS_FILE_MAX, &ktext, &klen,
	        &kcap, err, errsize) == -1)
		goto out;
	cd.data = (unsigned char *)ctext;
	cd.size = (unsigned int)clen;
	kd.data = (unsigned char *)ktext;
	kd.size = (unsigned int)klen;
	r = gnutls_x509_crt_list_import(crts, &ncrts, &cd, GNUTLS_X509_FMT_PEM,
	    GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
	if (r < 0 || ncrts == 0) {
		errf(err, errsize,
		    "TLS certificate '%s' holds no PEM "
		    "certificate chain (in order, at most %d): %s",
		    cert, TLS_MAX_CHAIN, r < 0 ? gnutls_strerror(r) : "empty");
		goto out;
	}
	info->ncerts = (int)ncrts;
	info->not_before = gnutls_x509_crt_get_activation_time(crts[0]);
	info->not_after = gnutls_x509_crt_get_expiration_time(crts[0]);
	sz = sizeof(info->subject);
	if (gnutls_x509_crt_get_dn(crts[0], info->subject, &sz) < 0)
		strlcpy_s(info->subject, "(unreadable subject)",
		    sizeof(info->subject));
	for (i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		errf(err, errsize, "out of memory");
		goto out;
	}
	r = gnutls_certificate_set_x509_key_mem(
	    cred, &cd, &kd, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		errf(err, errsize,
		    "TLS key '%s' does not fit certificate '%s' (the first "
		    "certificate of that file must be the key's): %s",
		    key, cert, gnutls_strerror(r));
		goto out;
	}
	rc = 0;
out:
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	free(ctext);
	if (ktext != NULL)
		freezero(ktext, kcap);
	return rc;
}

int
tls_check_usable(const char *cert, const char *key, time_t now,
    struct tls_info *info, char *err, size_t errsize)
{
	char when[32];
	struct tm tm;
	time_t t;

	if (tls_check_pair(cert, key, info, err, errsize) == -1)
		return -1;
	if (now >= info->not_before && now < info->not_after)
		return 0;
	t = now < info->not_before ? info->not_before : info->not_after;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	errf(err, errsize,
	    "TLS certificate '%s' (%s) %s %s: install a current certificate "
	    "and key",
	    cert, info->subject,
	    now < info->not_before ? "is not valid before" : "expired on",
	    when);
	return -1;
}
