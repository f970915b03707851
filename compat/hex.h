/*
 * hex.h - hexadecimal digits, for keys, fingerprints, identifiers and
 * percent-encoding.  Every place that writes or reads hex uses these.
 */
#ifndef SSPR_HEX_H
#define SSPR_HEX_H

#include <stddef.h>

/* The value of hex digit c (either case), or -1. */
int hex_value(int c);

/* 2 * len hex digits of in into out, NUL-terminated (2 * len + 1 bytes);
 * upper-case when upper. */
void hex_encode(const void *in, size_t len, char *out, int upper);

#endif
