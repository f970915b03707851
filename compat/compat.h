/*
 * compat.h - portability shims and secure-memory helpers.
 *
 * Every .c file of sspr includes this header (directly or through its own
 * header) and includes "compat/banned.h" last.  It provides:
 *
 *   - secure_zero(): a memset that the compiler may not remove, for wiping
 *     secrets (passwords, phrases, PassTicket keys, codes) at end of life;
 *   - freezero(): wipe then free, NULL-safe;
 *   - ct_equal(): constant-time comparison of two byte strings;
 *   - attribute macros (PRINTF_LIKE, WARN_UNUSED, NORETURN).
 *
 * The product, the tests and the fuzzers link one build of the core: a
 * step that a test checks directly is declared in the file's internal
 * header (for example web/tmpl_int.h), never compiled differently.
 *
 * Invariant: nothing here allocates except where documented, and nothing
 * here ever logs.
 */
#ifndef SSPR_COMPAT_H
#define SSPR_COMPAT_H

#include <stddef.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define WARN_UNUSED       __attribute__((warn_unused_result))
#define NORETURN          __attribute__((noreturn))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Overwrite len bytes at p with zeros; never optimised away.  p may be NULL
 * when len is 0. */
void secure_zero(void *p, size_t len);

/* Wipe len bytes at p, then free p.  NULL-safe. */
void freezero(void *p, size_t len);

/* Wipe a NUL-terminated string (its whole length) and free it.  NULL-safe. */
void strfreezero(char *s);

/* 1 if the len bytes at a and b are equal, else 0, in time that depends only
 * on len. */
int ct_equal(const void *a, const void *b, size_t len);

/* Format a message into err (errsize bytes, always NUL-terminated,
 * truncated to fit); does nothing when err is NULL or errsize 0. */
void errf(char *err, size_t errsize, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Quote untrusted text in a message: at most max bytes of s into buf (size
 * bytes), cut on a UTF-8 character boundary, with "..." when something was
 * left off.  Returns buf. */
#define TEXT_QUOTE_MAX 32
const char *text_quote(char *buf, size_t size, const char *s, size_t max);

/* Make s one printable line: every control character becomes '?'. */
void text_oneline(char *s);

/* Fill buf with len bytes from the kernel's CSPRNG (getrandom).  Returns
 * 0, or -1 with errno set; never returns fewer bytes. */
int random_bytes(void *buf, size_t len) WARN_UNUSED;

/* Allocation wrappers that abort with a message on exhaustion: callers never
 * see NULL.  The returned memory is owned by the caller (free()). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "sspr: <message>" to stderr and exit(2).  For broken invariants and
 * exhaustion, never for bad input. */
NORETURN void fatalx(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Copy src into dst of size dstsize, always NUL-terminating when dstsize > 0.
 * Returns strlen(src); truncation happened when the result >= dstsize. */
size_t strlcpy_s(char *dst, const char *src, size_t dstsize);

#endif
