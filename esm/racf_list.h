/*
 * racf_list.h - RACF's listings: LISTUSER, SETROPTS LIST, RLIST CFIELD.
 *
 * Formats profiles in RACF's own layout and wording, so that an
 * administrator who knows RACF reads them without a manual.  Dates are
 * RACF's yy.ddd (Julian), times hh:mm:ss, in UTC.  A password or phrase
 * that is expired shows PASSDATE=00.000 / PHRASEDATE=00.000; one that is
 * not set shows N/A.  Never prints a hash or any secret.
 *
 * Each function appends lines (each ending in '\n') to out and returns 0,
 * or -1 when out's ceiling is reached or the database fails.
 */
#ifndef SSPR_RACF_LIST_H
#define SSPR_RACF_LIST_H

#include "compat/strbuf.h"
#include "esm/racf.h"

/* LISTUSER u [CSDATA]: the base segment, its connects (read from r), and
 * with csdata the "CSDATA INFORMATION" section.  PASS-INTERVAL shows the
 * SETROPTS INTERVAL of opts (N/A when 0). */
int racf_list_user(struct racf *r, const struct racf_user_rec *u,
    const struct racf_setropts *opts, int csdata, struct strbuf *out);

/* LISTUSER u CSDATA NORACF: the "CSDATA INFORMATION" section alone. */
int racf_list_user_csdata(
    struct racf *r, const struct racf_user_rec *u, struct strbuf *out);

/* SETROPTS LIST: the password section and INACTIVE, in RACF's wording. */
int racf_list_setropts(const struct racf_setropts *opts, struct strbuf *out);

/* RLIST CFIELD USER.CSDATA.name CFDEF. */
int racf_list_cfield(const struct racf_cfdef *def, struct strbuf *out);

struct racf_ptkt_info;

/* RLIST PTKTDATA applid SSIGNON: the profile, its keys' fingerprints (never
 * a key) and, when the keys cannot be unsealed, why. */
int racf_list_ptktdata(const struct racf_ptkt_info *p, struct strbuf *out);

/* yy.ddd of t into buf (at least 7 bytes); "00.000" when t is 0. */
void racf_list_date(time_t t, char *buf, size_t size);

#endif
