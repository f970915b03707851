/*
 * banned.h - functions that must not be used in sspr.
 *
 * Included last in every .c file.  Each banned function becomes a compile
 * error that names it.  Use snprintf(), strlcpy_s(), strtol() with range
 * checks, and getrandom() instead.
 */
#ifndef SSPR_BANNED_H
#define SSPR_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_sspr

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gets
#define gets(x) BANNED(gets)
#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef rand
#define rand() BANNED(rand)

#endif
