/*
 * config.c - load, validate and copy sspr's configuration file.
 *
 * The file (INTERFACES.md section 2) is read whole under the
 * SSPR_MAX_CONFIG_FILE ceiling and parsed by jansson with duplicate keys
 * rejected.  Each object is then checked against a static table of the keys
 * it may hold and their types, so that an unknown key or a value of the
 * wrong type is reported with the file and the key path; values are range
 * checked, copied into struct cfg and the JSON tree is released.
 *
 * jansson's allocator is hooked (compat/jsonx.h) so that every block
 * it frees is wiped first.
 *
 * On "mail" with an smtps:// URL every value of "starttls" is accepted: the
 * connection is TLS from the start and the mail module ignores the setting.
 */
#include "sspr/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/jsonx.h"
#include "compat/readall.h"
#include "compat/strbuf.h"
#include "esm/esm.h"
#include "mail/message.h"
#include "mail/transport.h"

#include "compat/banned.h"

#define CFG_DEFAULT_LISTEN   "127.0.0.1:8080"
#define CFG_KEY_FILE_NAME    "keys.json"
#define CFG_MEMORY_KIB_MIN   19456
#define CFG_MEMORY_KIB_MAX   4194304
#define CFG_ITERATIONS_MIN   2
#define CFG_ITERATIONS_MAX   1000
#define CFG_PARALLELISM_MIN  1
#define CFG_PARALLELISM_MAX  16
#define CFG_CODE_MINUTES_MIN 1
#define CFG_CODE_MINUTES_MAX 1440
#define CFG_QUESTIONS_MIN    1
#define CFG_QUESTIONS_MAX    3
#define CFG_WHERE_MAX        64 /* "systems[N]" */
#define CFG_RACF_NAME_CHARS  "1-8 characters A-Z 0-9 # @ $"

/* The header in front of every block jansson allocates: the block's size,
 * padded so the block itself stays suitably aligned. */

struct cfg_ctx {
	const char *file; /* the path as given, for messages */
	char *dir;        /* absolute directory of the file */
	char *err;
	size_t errsize;
};

struct cfg_key {
	const char *name;
	enum jsonx_kind kind;
};

static const struct cfg_key cfg_top_keys[] = {
    {"listen", JX_STRING},
    {"base_url", JX_STRING},
    {"state_dir", JX_STRING},
    {"key_file", JX_STRING},
    {"data_dir", JX_STRING},
    {"systems", JX_ARRAY},
    {"mail", JX_OBJECT},
    {"reset", JX_OBJECT},
    {"hash", JX_OBJECT},
    {"limits", JX_OBJECT},
    {"tls", JX_OBJECT},
    {"trusted_proxies", JX_ARRAY},
    {"node", JX_STRING},
    {"helpdesk", JX_OBJECT},
    {"journal", JX_OBJECT},
    {"inject", JX_OBJECT},
};

static const struct cfg_key cfg_helpdesk_keys[] = {
    {"group", JX_STRING},
    {"idle_minutes", JX_INTEGER},
    {"max_hours", JX_INTEGER},
    {"protected_groups", JX_ARRAY},
};

static const struct cfg_key cfg_journal_keys[] = {
    {"retry_seconds", JX_INTEGER},
    {"give_up_hours", JX_INTEGER},
    {"keep_days", JX_INTEGER},
};

static const struct cfg_key cfg_inject_keys[] = {
    {"abort_after_writes", JX_INTEGER},
};

static const struct cfg_key cfg_sys_inject_keys[] = {
    {"latency_ms", JX_INTEGER},
    {"fail_writes", JX_INTEGER},
};

static const struct cfg_key cfg_tls_keys[] = {
    {"cert", JX_STRING},
    {"key", JX_STRING},
};

static const struct cfg_key cfg_system_keys[] = {
    {"name", JX_STRING},
    {"backend", JX_STRING},
    {"db", JX_STRING},
    {"applid", JX_STRING},
    {"url", JX_STRING},
    {"dialect", JX_STRING},
    {"role", JX_STRING},
    {"inject", JX_OBJECT},
};

static const struct cfg_key cfg_mail_keys[] = {
    {"transport", JX_STRING},
    {"url", JX_STRING},
    {"from", JX_STRING},
    {"starttls", JX_STRING},
    {"path", JX_STRING},
    {"user", JX_STRING},
    {"password_file", JX_STRING},
    {"password_command", JX_STRING},
    {"ca_file", JX_STRING},
    {"client_cert", JX_STRING},
    {"client_key", JX_STRING},
    {"timeout_seconds", JX_INTEGER},
    {"retry_initial_seconds", JX_INTEGER},
    {"retry_max_seconds", JX_INTEGER},
};

static const struct cfg_key cfg_reset_keys[] = {
    {"max_failures", JX_INTEGER},
    {"lock_minutes", JX_INTEGER},
    {"allow_privileged", JX_BOOLEAN},
    {"pin_min_digits", JX_INTEGER},
    {"pin_max_digits", JX_INTEGER},
    {"fields", JX_OBJECT},
    {"access_code", JX_STRING},
    {"access_code_field", JX_STRING},
    {"access_code_minutes", JX_INTEGER},
    {"questions_asked", JX_INTEGER},
    {"allow_resume", JX_BOOLEAN},
    {"passphrase", JX_STRING},
};

static const struct cfg_key cfg_hash_keys[] = {
    {"memory_kib", JX_INTEGER},
    {"iterations", JX_INTEGER},
    {"parallelism", JX_INTEGER},
};

/* Allowed values of the enumerated keys, in the order of their enums. */
static const char *const cfg_backend_names[] = {"embedded", "ldap"};
static const char *const cfg_role_names[] = {"primary", "replica"};
static const char *const cfg_dialect_names[] = {"openldap", "sdbm"};
static const char *const cfg_transport_names[] = {"smtp", "directory"};
static const char *const cfg_starttls_names[] = {"required", "optional", "off"};
static const char *const cfg_code_names[] = {"email", "fixed", "none"};
static const char *const cfg_phrase_names[] = {"allowed", "only", "off"};

static const char *const cfg_ldap_schemes[] = {"ldap://", "ldaps://"};
static const char *const cfg_smtp_schemes[] = {"smtp://", "smtps://"};
static const char *const cfg_http_schemes[] = {"http://", "https://"};

/*
 * Write "FILE: WHERE.KEY: message" into the error buffer, truncated to
 * fit; where and key may be NULL or empty, and file is left out when
 * with_file is 0.
 */
static void PRINTF_LIKE(5, 0) cfg_verr(struct cfg_ctx *ctx, int with_file,
    const char *where, const char *key, const char *fmt, va_list ap)
{
	int has_where = where != NULL && where[0] != '\0';
	int has_key = key != NULL && key[0] != '\0';
	size_t off;
	int n;

	if (ctx->err == NULL || ctx->errsize == 0)
		return;
	n = snprintf(ctx->err, ctx->errsize, "%s%s%s%s%s%s",
	    with_file ? ctx->file : "", with_file ? ": " : "",
	    has_where ? where : "", has_where && has_key ? "." : "",
	    has_key ? key : "", has_where || has_key ? ": " : "");
	if (n < 0 || (size_t)n >= ctx->errsize)
		return;
	off = (size_t)n;
	(void)vsnprintf(ctx->err + off, ctx->errsize - off, fmt, ap);
}

static void cfg_err(struct cfg_ctx *ctx, const char *where, const char *key,
    const char *fmt, ...) PRINTF_LIKE(4, 5);
static void cfg_err_nofile(struct cfg_ctx *ctx, const char *fmt, ...)
    PRINTF_LIKE(2, 3);

/* Report an error about key (under where) of the configuration file. */
static void
cfg_err(struct cfg_ctx *ctx, const char *where, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(ctx, 1, where, key, fmt, ap);
	va_end(ap);
}

/* Report an error whose text names the file itself. */
static void
cfg_err_nofile(struct cfg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verr(ctx, 0, NULL, NULL, fmt, ap);
	va_end(ap);
}

/* A string value may hold no NUL and no control character. */
static int
cfg_check_string(
    struct cfg_ctx *ctx, const char *where, const char *key, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	size_t i;

	if (strlen(s) != len) {
		cfg_err(ctx, where, key, "contains a NUL character");
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n') {
			cfg_err(ctx, where, key, "contains a line break");
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			cfg_err(
			    ctx, where, key, "contains a control character");
			return -1;
		}
	}
	return 0;
}

/*
 * Every key of obj must be in keys[] and of its kind; every string value
 * must pass cfg_check_string().  where is "" at the top level.
 */
static int
cfg_check_object(struct cfg_ctx *ctx, json_t *obj, const char *where,
    const struct cfg_key *keys, size_t nkeys)
{
	const char *key;
	json_t *v;
	char q[TEXT_QUOTE_MAX + 4];

	json_object_foreach(obj, key, v)
	{
		const struct cfg_key *k = NULL;
		size_t i;

		for (i = 0; i < nkeys; i++) {
			if (strcmp(keys[i].name, key) == 0) {
				k = &keys[i];
				break;
			}
		}
		if (k == NULL) {
			if (where[0] == '\0')
				cfg_err(ctx, NULL, NULL,
				    "unknown key '%s' at top level",
				    text_quote(
				        q, sizeof(q), key, TEXT_QUOTE_MAX));
			else
				cfg_err(ctx, where, NULL, "unknown key '%s'",
				    text_quote(
				        q, sizeof(q), key, TEXT_QUOTE_MAX));
			return -1;
		}
		if (!jsonx_kind_matches(k->kind, v)) {
			cfg_err(ctx, where, key, "expected %s, got %s",
			    jsonx_kind_name(k->kind), json_type_name(v));
			return -1;
		}
		if (k->kind == JX_STRING &&
		    cfg_check_string(ctx, where, key, v) == -1)
			return -1;
	}
	return 0;
}

static void
cfg_err_missing(struct cfg_ctx *ctx, const char *where, const char *key)
{
	if (where[0] == '\0')
		cfg_err(ctx, NULL, NULL,
		    "missing required key '%s' at top level", key);
	else
		cfg_err(ctx, where, NULL, "missing required key '%s'", key);
}

/* The string at key (checked by cfg_check_object()), or NULL if absent. */
static const char *
cfg_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int
cfg_has(const json_t *obj, const char *key)
{
	return json_object_get(obj, key) != NULL;
}

/* Map the string at key onto the index of names[]; def when absent. */
static int
cfg_get_enum(struct cfg_ctx *ctx, const json_t *obj, const char *where,
    const char *key, const char *const *names, size_t nnames, int def, int *out)
{
	const char *s = cfg_str(obj, key);
	char q[TEXT_QUOTE_MAX + 4];
	char list[128];
	size_t i, off = 0;

	if (s == NULL) {
		*out = def;
		return 0;
	}
	for (i = 0; i < nnames; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	list[0] = '\0';
	for (i = 0; i < nnames && off < sizeof(list); i++) {
		int n = snprintf(list + off, sizeof(list) - off, "%s%s",
		    i > 0 ? ", " : "", names[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	cfg_err(ctx, where, key, "'%s' is not one of %s",
	    text_quote(q, sizeof(q), s, TEXT_QUOTE_MAX), list);
	return -1;
}

/* The integer at key, in [min, max]; def when absent.  unit is appended to
 * the bounds in messages (" KiB" or ""). */
static int
cfg_get_int(struct cfg_ctx *ctx, const json_t *obj, const char *where,
    const char *key, long long min, long long max, const char *unit,
    long long def, long long *out)
{
	const json_t *v = json_object_get(obj, key);
	long long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	n = (long long)json_integer_value(v);
	if (n < min) {
		cfg_err(ctx, where, key, "%lld is below the floor of %lld%s", n,
		    min, unit);
		return -1;
	}
	if (n > max) {
		cfg_err(ctx, where, key, "%lld is above the ceiling of %lld%s",
		    n, max, unit);
		return -1;
	}
	*out = n;
	return 0;
}

/*
 * A RACF name (user, group, APPLID, custom field), checked and upper-cased
 * by the ESM's own esm_norm_name(), so a name that loads is one the ESM
 * takes at run time.  Written to out (outsize bytes) only on success.
 */
static int
cfg_racf_name(const char *s, char *out, size_t outsize)
{
	char up[SSPR_MAX_USERID + 1];

	if (esm_norm_name(s, up) == -1 || strlen(up) >= outsize)
		return -1;
	strlcpy_s(out, up, outsize);
	return 0;
}

static int
cfg_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
cfg_ascii_casecmp(const char *a, const char *b)
{
	while (*a != '\0' && cfg_ascii_lower((unsigned char)*a) ==
	                         cfg_ascii_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return cfg_ascii_lower((unsigned char)*a) -
	       cfg_ascii_lower((unsigned char)*b);
}

/* 1 if s starts with prefix, ignoring ASCII case. */
static int
cfg_has_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (cfg_ascii_lower((unsigned char)*s) !=
		    cfg_ascii_lower((unsigned char)*prefix))
			return 0;
	return 1;
}

/* A URL of one of the schemes (case-insensitive), with something after the
 * scheme and no space in it. */
static int
cfg_valid_url(const char *s, const char *const *schemes, size_t nschemes)
{
	size_t i;

	if (strchr(s, ' ') != NULL)
		return -1;
	for (i = 0; i < nschemes; i++)
		if (cfg_has_prefix_nocase(s, schemes[i]) &&
		    s[strlen(schemes[i])] != '\0')
			return 0;
	return -1;
}

int
cfg_listen_parse(const char *s, struct sockaddr_storage *ss,
    unsigned int *sslen, char *why, size_t whysize)
{
	const char *colon = strrchr(s, ':');
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char host[INET6_ADDRSTRLEN + 2], q[TEXT_QUOTE_MAX + 4];
	const char *p;
	size_t hostlen;
	unsigned long port = 0;

	if (colon == NULL || colon == s || colon[1] == '\0') {
		(void)snprintf(why, whysize,
		    "must be address:port, like 127.0.0.1:8080 or [::1]:8080");
		return -1;
	}
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - colon > 5) {
			(void)snprintf(why, whysize, "port must be 1-65535");
			return -1;
		}
		port = port * 10 + (unsigned long)(*p - '0');
	}
	if (port < 1 || port > 65535) {
		(void)snprintf(why, whysize, "port must be 1-65535");
		return -1;
	}
	hostlen = (size_t)(colon - s);
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (s[0] == '[') {
		if (hostlen < 3 || s[hostlen - 1] != ']' ||
		    hostlen - 2 >= sizeof(host))
			goto bad6;
		memcpy(host, s + 1, hostlen - 2);
		host[hostlen - 2] = '\0';
		if (inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1)
			goto bad6;
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)port);
		memset(ss, 0, sizeof(*ss));
		memcpy(ss, &sin6, sizeof(sin6));
		*sslen = (unsigned int)sizeof(sin6);
		return 0;
	}
	if (hostlen == 1 && s[0] == '*')
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
	else {
		if (hostlen >= sizeof(host))
			goto bad4;
		memcpy(host, s, hostlen);
		host[hostlen] = '\0';
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			goto bad4;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin, sizeof(sin));
	*sslen = (unsigned int)sizeof(sin);
	return 0;
bad4:
	if (memchr(s, ':', hostlen) != NULL)
		(void)snprintf(why, whysize,
		    "an IPv6 address must be in brackets, like [::1]:8080");
	else
		(void)snprintf(why, whysize,
		    "'%s' is not an IPv4 address: give an address, not a host "
		    "name (127.0.0.1, [::1], or * for every IPv4 address)",
		    text_quote(q, sizeof(q), hostlen < sizeof(host) ? host : s,
		        TEXT_QUOTE_MAX));
	return -1;
bad6:
	(void)snprintf(why, whysize, "'%s' is not a bracketed IPv6 address",
	    text_quote(q, sizeof(q), s, TEXT_QUOTE_MAX));
	return -1;
}

/* Append part to the path in sb, with one '/' between. */
static int
cfg_path_join(struct strbuf *sb, const char *part, size_t partlen)
{
	if (sb->len > 0 && sb->buf[sb->len - 1] != '/' &&
	    strbuf_addch(sb, '/') == -1)
		return -1;
	return strbuf_add(sb, part, partlen);
}

/* The absolute directory of the configuration file, into ctx->dir. */
static int
cfg_dir(struct cfg_ctx *ctx)
{
	struct strbuf sb;
	const char *slash = strrchr(ctx->file, '/');
	char cwd[PATH_MAX];
	int rc = -1;

	strbuf_init(&sb, PATH_MAX - 1);
	if (ctx->file[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			cfg_err_nofile(ctx,
			    "cannot resolve '%s': cannot get the current "
			    "directory: %s",
			    ctx->file, strerror(errno));
			goto out;
		}
		if (strbuf_addstr(&sb, cwd) == -1)
			goto toolong;
		if (slash != NULL && cfg_path_join(&sb, ctx->file,
		                         (size_t)(slash - ctx->file)) == -1)
			goto toolong;
	} else if (strbuf_add(&sb, ctx->file, (size_t)(slash - ctx->file)) ==
	           -1)
		goto toolong;
	if (sb.len == 0 && strbuf_addch(&sb, '/') == -1)
		goto toolong;
	ctx->dir = strbuf_detach(&sb);
	rc = 0;
	goto out;
toolong:
	cfg_err_nofile(ctx, "cannot resolve '%s': path is too long", ctx->file);
out:
	strbuf_release(&sb);
	return rc;
}

/* The path at key resolved against the file's directory, or NULL (and 0)
 * when absent. */
static int
cfg_get_path(struct cfg_ctx *ctx, const json_t *obj, const char *where,
    const char *key, char **out)
{
	const char *s = cfg_str(obj, key);
	struct strbuf sb;
	int rc = -1;

	strbuf_init(&sb, PATH_MAX - 1);
	if (s == NULL) {
		*out = NULL;
		rc = 0;
		goto out;
	}
	if (s[0] == '\0') {
		cfg_err(ctx, where, key, "must not be empty");
		goto out;
	}
	if (s[0] != '/' && strbuf_addstr(&sb, ctx->dir) == -1)
		goto toolong;
	if (cfg_path_join(&sb, s, strlen(s)) == -1)
		goto toolong;
	*out = strbuf_detach(&sb);
	rc = 0;
	goto out;
toolong:
	cfg_err(ctx, where, key, "resolved path is longer than %d bytes",
	    PATH_MAX - 1);
out:
	strbuf_release(&sb);
	return rc;
}

/* systems[N].inject: latency and failures for tests and benchmarks. */
static int
cfg_parse_sys_inject(
    struct cfg_ctx *ctx, json_t *obj, const char *sysw, struct cfg_inject *in)
{
	char where[CFG_WHERE_MAX + 8];
	long long n;

	if (obj == NULL)
		return 0;
	(void)snprintf(where, sizeof(where), "%s.inject", sysw);
	if (cfg_check_object(ctx, obj, where, cfg_sys_inject_keys,
	        ARRAY_SIZE(cfg_sys_inject_keys)) == -1)
		return -1;
	if (cfg_get_int(ctx, obj, where, "latency_ms", 0, 60000, "", 0, &n) ==
	    -1)
		return -1;
	in->latency_ms = (unsigned)n;
	if (cfg_get_int(
	        ctx, obj, where, "fail_writes", 0, 1000000, "", 0, &n) == -1)
		return -1;
	in->fail_writes = (unsigned)n;
	return 0;
}

static int
cfg_parse_system(struct cfg_ctx *ctx, json_t *obj, const char *where,
    struct cfg_system *sys, const struct cfg_system *prev, size_t nprev)
{
	char q[TEXT_QUOTE_MAX + 4];
	const char *s;
	size_t i;
	int v;

	if (!json_is_object(obj)) {
		cfg_err(ctx, where, NULL, "expected an object, got %s",
		    json_type_name(obj));
		return -1;
	}
	if (cfg_check_object(ctx, obj, where, cfg_system_keys,
	        ARRAY_SIZE(cfg_system_keys)) == -1)
		return -1;

	if ((s = cfg_str(obj, "name")) == NULL) {
		cfg_err_missing(ctx, where, "name");
		return -1;
	}
	if (cfg_racf_name(s, sys->name, sizeof(sys->name)) == -1) {
		cfg_err(ctx, where, "name",
		    "must be " CFG_RACF_NAME_CHARS ", not starting with a "
		    "digit");
		return -1;
	}
	for (i = 0; i < nprev; i++) {
		if (strcmp(prev[i].name, sys->name) == 0) {
			cfg_err(ctx, where, "name",
			    "'%s' is already used by systems[%zu]",
			    text_quote(q, sizeof(q), s, TEXT_QUOTE_MAX), i);
			return -1;
		}
	}

	if (!cfg_has(obj, "backend")) {
		cfg_err_missing(ctx, where, "backend");
		return -1;
	}
	if (cfg_get_enum(ctx, obj, where, "backend", cfg_backend_names,
	        ARRAY_SIZE(cfg_backend_names), 0, &v) == -1)
		return -1;
	sys->backend = (enum cfg_backend)v;

	if (sys->backend == CFG_BACKEND_EMBEDDED) {
		static const char *const forbidden[] = {"url", "dialect"};

		for (i = 0; i < ARRAY_SIZE(forbidden); i++) {
			if (cfg_has(obj, forbidden[i])) {
				cfg_err(ctx, where, forbidden[i],
				    "not allowed when backend is 'embedded'");
				return -1;
			}
		}
		if (!cfg_has(obj, "db")) {
			cfg_err(ctx, where, "db",
			    "required when backend is 'embedded'");
			return -1;
		}
		if (cfg_get_path(ctx, obj, where, "db", &sys->db) == -1)
			return -1;
		sys->dialect = CFG_LDAP_OPENLDAP;
	} else {
		if (cfg_has(obj, "db")) {
			cfg_err(ctx, where, "db",
			    "not allowed when backend is 'ldap'");
			return -1;
		}
		if ((s = cfg_str(obj, "url")) == NULL) {
			cfg_err(ctx, where, "url",
			    "required when backend is 'ldap'");
			return -1;
		}
		if (cfg_valid_url(s, cfg_ldap_schemes,
		        ARRAY_SIZE(cfg_ldap_schemes)) == -1) {
			cfg_err(ctx, where, "url",
			    "must be an ldap:// or ldaps:// URL");
			return -1;
		}
		sys->url = xstrdup(s);
		if (cfg_get_enum(ctx, obj, where, "dialect", cfg_dialect_names,
		        ARRAY_SIZE(cfg_dialect_names), CFG_LDAP_OPENLDAP,
		        &v) == -1)
			return -1;
		sys->dialect = (enum cfg_ldap_dialect)v;
	}

	if ((s = cfg_str(obj, "applid")) == NULL) {
		cfg_err_missing(ctx, where, "applid");
		return -1;
	}
	if (cfg_racf_name(s, sys->applid, sizeof(sys->applid)) == -1) {
		cfg_err(ctx, where, "applid",
		    "must be " CFG_RACF_NAME_CHARS
		    ", not starting with a digit");
		return -1;
	}
	if (cfg_get_enum(ctx, obj, where, "role", cfg_role_names,
	        ARRAY_SIZE(cfg_role_names), CFG_ROLE_REPLICA, &v) == -1)
		return -1;
	sys->role = (enum cfg_role)v;
	/* Last, so that the shape of a system is checked first: a backend
	 * the configuration can describe but esm_open() would not find. */
	if (!esm_backend_available(cfg_backend_names[sys->backend])) {
		cfg_err(ctx, where, "backend",
		    "'%s' is not available in this version of sspr (use "
		    "\"embedded\")",
		    cfg_backend_names[sys->backend]);
		return -1;
	}
	return cfg_parse_sys_inject(
	    ctx, json_object_get(obj, "inject"), where, &sys->inject);
}

/* The primary: the one system whose role says so, else the first (whose
 * role may not then say "replica" explicitly). */
static int
cfg_pick_primary(struct cfg_ctx *ctx, json_t *arr, struct cfg *c)
{
	char where[CFG_WHERE_MAX];
	size_t i, n = 0;

	for (i = 0; i < c->nsystems; i++) {
		if (c->systems[i].role != CFG_ROLE_PRIMARY)
			continue;
		if (n++ > 0) {
			(void)snprintf(where, sizeof(where), "systems[%zu]", i);
			cfg_err(ctx, where, "role",
			    "only one system may be the primary (%s is)",
			    c->systems[c->primary].name);
			return -1;
		}
		c->primary = i;
	}
	if (n == 0) {
		if (cfg_has(json_array_get(arr, 0), "role")) {
			cfg_err(ctx, "systems[0]", "role",
			    "no system is the primary: give one \"role\": "
			    "\"primary\"");
			return -1;
		}
		c->primary = 0;
		c->systems[0].role = CFG_ROLE_PRIMARY;
	}
	return 0;
}

static int
cfg_parse_systems(struct cfg_ctx *ctx, json_t *root, struct cfg *c)
{
	json_t *arr = json_object_get(root, "systems");
	char where[CFG_WHERE_MAX];
	size_t i, n;

	if (arr == NULL) {
		cfg_err_missing(ctx, "", "systems");
		return -1;
	}
	n = json_array_size(arr);
	if (n == 0) {
		cfg_err(ctx, NULL, "systems", "must not be empty");
		return -1;
	}
	if (n > CFG_MAX_SYSTEMS) {
		cfg_err(ctx, NULL, "systems", "more than %d systems",
		    CFG_MAX_SYSTEMS);
		return -1;
	}
	c->systems = xcalloc(n, sizeof(*c->systems));
	c->nsystems = n;
	for (i = 0; i < n; i++) {
		(void)snprintf(where, sizeof(where), "systems[%zu]", i);
		if (cfg_parse_system(ctx, json_array_get(arr, i), where,
		        &c->systems[i], c->systems, i) == -1)
			return -1;
	}
	return cfg_pick_primary(ctx, arr, c);
}

/* The SMTP relay's credentials, TLS files and timeouts.  Secrets never
 * sit in this file: a password comes from a file or a command. */
static int
cfg_parse_smtp(struct cfg_ctx *ctx, json_t *obj, struct cfg_mail *m)
{
	static const char *const where = "mail";
	const char *s;
	long long n;

	if ((s = cfg_str(obj, "user")) != NULL) {
		if (*s == '\0' || strlen(s) > 256) {
			cfg_err(ctx, where, "user", "must be 1-256 characters");
			return -1;
		}
		m->user = xstrdup(s);
	}
	if (cfg_has(obj, "password_file") && cfg_has(obj, "password_command")) {
		cfg_err(ctx, where, "password_command",
		    "give either password_file or password_command, not both");
		return -1;
	}
	if ((cfg_has(obj, "password_file") ||
	        cfg_has(obj, "password_command")) &&
	    m->user == NULL) {
		cfg_err(ctx, where, "user",
		    "required when a password is configured");
		return -1;
	}
	if (m->user != NULL && !cfg_has(obj, "password_file") &&
	    !cfg_has(obj, "password_command")) {
		cfg_err(ctx, where, "user",
		    "needs password_file or password_command (a password is "
		    "never written in this file)");
		return -1;
	}
	if (cfg_has(obj, "password_file") &&
	    cfg_get_path(ctx, obj, where, "password_file", &m->password_file) ==
	        -1)
		return -1;
	if ((s = cfg_str(obj, "password_command")) != NULL) {
		if (*s == '\0' || strlen(s) > 1024) {
			cfg_err(ctx, where, "password_command",
			    "must be 1-1024 characters");
			return -1;
		}
		m->password_command = xstrdup(s);
	}
	if (cfg_has(obj, "ca_file") &&
	    cfg_get_path(ctx, obj, where, "ca_file", &m->ca_file) == -1)
		return -1;
	if (cfg_has(obj, "client_cert") != cfg_has(obj, "client_key")) {
		cfg_err(ctx, where,
		    cfg_has(obj, "client_cert") ? "client_key" : "client_cert",
		    "client_cert and client_key go together");
		return -1;
	}
	if (cfg_has(obj, "client_cert") &&
	    (cfg_get_path(ctx, obj, where, "client_cert", &m->client_cert) ==
	            -1 ||
	        cfg_get_path(ctx, obj, where, "client_key", &m->client_key) ==
	            -1))
		return -1;
	if (cfg_get_int(
	        ctx, obj, where, "timeout_seconds", 1, 300, "", 30, &n) == -1)
		return -1;
	m->timeout_seconds = (int)n;
	return 0;
}

static int
cfg_parse_mail(struct cfg_ctx *ctx, json_t *obj, struct cfg_mail *m)
{
	static const char *const where = "mail";
	char why[SSPR_MAX_ERROR];
	const char *s;
	long long n;
	size_t i;
	int v;

	if (cfg_check_object(ctx, obj, where, cfg_mail_keys,
	        ARRAY_SIZE(cfg_mail_keys)) == -1)
		return -1;
	if (!cfg_has(obj, "transport")) {
		cfg_err_missing(ctx, where, "transport");
		return -1;
	}
	if (cfg_get_enum(ctx, obj, where, "transport", cfg_transport_names,
	        ARRAY_SIZE(cfg_transport_names), 0, &v) == -1)
		return -1;
	m->transport = (enum cfg_mail_transport)v;

	if (m->transport == CFG_MAIL_SMTP) {
		if (cfg_has(obj, "path")) {
			cfg_err(ctx, where, "path",
			    "not allowed when transport is 'smtp'");
			return -1;
		}
		if ((s = cfg_str(obj, "url")) == NULL) {
			cfg_err(ctx, where, "url",
			    "required when transport is 'smtp'");
			return -1;
		}
		if (cfg_valid_url(s, cfg_smtp_schemes,
		        ARRAY_SIZE(cfg_smtp_schemes)) == -1) {
			cfg_err(ctx, where, "url",
			    "must be an smtp:// or smtps:// URL");
			return -1;
		}
		/* What the transport's libcurl will make of it. */
		if (mail_url_check(s, why, sizeof(why)) == -1) {
			cfg_err(ctx, where, "url", "%s", why);
			return -1;
		}
		m->url = xstrdup(s);
		if (cfg_get_enum(ctx, obj, where, "starttls",
		        cfg_starttls_names, ARRAY_SIZE(cfg_starttls_names),
		        CFG_STARTTLS_REQUIRED, &v) == -1)
			return -1;
		m->starttls = (enum cfg_starttls)v;
		if (cfg_parse_smtp(ctx, obj, m) == -1)
			return -1;
	} else {
		static const char *const forbidden[] = {"url", "starttls",
		    "user", "password_file", "password_command", "ca_file",
		    "client_cert", "client_key", "timeout_seconds"};

		for (i = 0; i < ARRAY_SIZE(forbidden); i++) {
			if (cfg_has(obj, forbidden[i])) {
				cfg_err(ctx, where, forbidden[i],
				    "not allowed when transport is "
				    "'directory'");
				return -1;
			}
		}
		if (!cfg_has(obj, "path")) {
			cfg_err(ctx, where, "path",
			    "required when transport is 'directory'");
			return -1;
		}
		if (cfg_get_path(ctx, obj, where, "path", &m->path) == -1)
			return -1;
		m->starttls = CFG_STARTTLS_REQUIRED;
	}

	if ((s = cfg_str(obj, "from")) == NULL) {
		cfg_err_missing(ctx, where, "from");
		return -1;
	}
	/* The check mail_build() applies to every message it writes. */
	if (mail_address_check(s, why, sizeof(why)) == -1) {
		cfg_err(ctx, where, "from", "%s", why);
		return -1;
	}
	m->from = xstrdup(s);
	if (cfg_get_int(ctx, obj, where, "retry_initial_seconds", 1, 3600, "",
	        30, &n) == -1)
		return -1;
	m->retry_initial_seconds = (int)n;
	if (cfg_get_int(ctx, obj, where, "retry_max_seconds",
	        m->retry_initial_seconds, 86400, "", 3600, &n) == -1)
		return -1;
	m->retry_max_seconds = (int)n;
	m->configured = 1;
	return 0;
}

/* obj may be NULL: then every default applies. */
/* The names of the ESM custom fields sspr keeps its data in. */
static const char *const cfg_field_keys[CFG_FIELD_COUNT] = {
    [CFG_F_PIN] = "pin",
    [CFG_F_MAIL] = "mail",
    [CFG_F_Q1] = "q1",
    [CFG_F_Q2] = "q2",
    [CFG_F_Q3] = "q3",
    [CFG_F_A1] = "a1",
    [CFG_F_A2] = "a2",
    [CFG_F_A3] = "a3",
    [CFG_F_CODE] = "code",
    [CFG_F_FAIL] = "fail",
    [CFG_F_SDATE] = "enrolled",
    [CFG_F_RDATE] = "reset",
};
static const char *const cfg_field_defaults[CFG_FIELD_COUNT] = {
    [CFG_F_PIN] = "SSPRPIN",
    [CFG_F_MAIL] = "SSPRMAIL",
    [CFG_F_Q1] = "SSPRQ1",
    [CFG_F_Q2] = "SSPRQ2",
    [CFG_F_Q3] = "SSPRQ3",
    [CFG_F_A1] = "SSPRA1",
    [CFG_F_A2] = "SSPRA2",
    [CFG_F_A3] = "SSPRA3",
    [CFG_F_CODE] = "SSPRCODE",
    [CFG_F_FAIL] = "SSPRFAIL",
    [CFG_F_SDATE] = "SSPRSDTE",
    [CFG_F_RDATE] = "SSPRRDTE",
};

static int
cfg_parse_fields(struct cfg_ctx *ctx, json_t *reset, struct cfg_reset *r)
{
	static const char *const where = "reset.fields";
	json_t *obj = reset != NULL ? json_object_get(reset, "fields") : NULL;
	const char *key, *s;
	json_t *v;
	size_t i, j;

	for (i = 0; i < CFG_FIELD_COUNT; i++)
		strlcpy_s(
		    r->fields[i], cfg_field_defaults[i], sizeof(r->fields[i]));
	if (obj == NULL)
		return 0;
	json_object_foreach(obj, key, v)
	{
		for (i = 0; i < CFG_FIELD_COUNT; i++)
			if (strcmp(key, cfg_field_keys[i]) == 0)
				break;
		if (i == CFG_FIELD_COUNT) {
			cfg_err(ctx, where, NULL, "unknown key '%s'", key);
			return -1;
		}
		if ((s = json_string_value(v)) == NULL ||
		    cfg_racf_name(s, r->fields[i], sizeof(r->fields[i])) ==
		        -1) {
			cfg_err(ctx, where, key,
			    "must be a field name of " CFG_RACF_NAME_CHARS
			    ", not starting with a digit");
			return -1;
		}
	}
	for (i = 0; i < CFG_FIELD_COUNT; i++)
		for (j = i + 1; j < CFG_FIELD_COUNT; j++)
			if (strcmp(r->fields[i], r->fields[j]) == 0) {
				cfg_err(ctx, where, cfg_field_keys[j],
				    "'%s' is already the %s field",
				    r->fields[j], cfg_field_keys[i]);
				return -1;
			}
	return 0;
}

static int
cfg_parse_reset(struct cfg_ctx *ctx, json_t *obj, struct cfg_reset *r)
{
	static const char *const where = "reset";
	size_t i;
	long long n;
	const char *s;
	int v;

	if (obj != NULL && cfg_check_object(ctx, obj, where, cfg_reset_keys,
	                       ARRAY_SIZE(cfg_reset_keys)) == -1)
		return -1;
	if (cfg_get_enum(ctx, obj, where, "access_code", cfg_code_names,
	        ARRAY_SIZE(cfg_code_names), CFG_CODE_EMAIL, &v) == -1)
		return -1;
	r->access_code = (enum cfg_access_code)v;

	s = cfg_str(obj, "access_code_field");
	if (r->access_code == CFG_CODE_FIXED && s == NULL) {
		cfg_err(ctx, where, "access_code_field",
		    "required when access_code is 'fixed'");
		return -1;
	}
	if (r->access_code != CFG_CODE_FIXED && s != NULL) {
		cfg_err(ctx, where, "access_code_field",
		    "not allowed when access_code is '%s'",
		    cfg_code_names[r->access_code]);
		return -1;
	}
	r->access_code_field[0] = '\0';
	if (s != NULL && cfg_racf_name(s, r->access_code_field,
	                     sizeof(r->access_code_field)) == -1) {
		cfg_err(ctx, where, "access_code_field",
		    "must be a field name of " CFG_RACF_NAME_CHARS
		    ", not starting with a digit");
		return -1;
	}

	if (cfg_get_int(ctx, obj, where, "access_code_minutes",
	        CFG_CODE_MINUTES_MIN, CFG_CODE_MINUTES_MAX, "", 15, &n) == -1)
		return -1;
	r->access_code_minutes = (int)n;
	if (cfg_get_int(ctx, obj, where, "questions_asked", CFG_QUESTIONS_MIN,
	        CFG_QUESTIONS_MAX, "", 2, &n) == -1)
		return -1;
	r->questions_asked = (int)n;
	r->allow_resume =
	    cfg_has(obj, "allow_resume")
	        ? json_is_true(json_object_get(obj, "allow_resume"))
	        : 1;
	if (cfg_get_enum(ctx, obj, where, "passphrase", cfg_phrase_names,
	        ARRAY_SIZE(cfg_phrase_names), CFG_PHRASE_ALLOWED, &v) == -1)
		return -1;
	r->passphrase = (enum cfg_passphrase)v;
	if (cfg_get_int(ctx, obj, where, "max_failures", 1, 100, "", 5, &n) ==
	    -1)
		return -1;
	r->max_failures = (int)n;
	if (cfg_get_int(
	        ctx, obj, where, "lock_minutes", 1, 10080, "", 30, &n) == -1)
		return -1;
	r->lock_minutes = (int)n;
	r->allow_privileged =
	    cfg_has(obj, "allow_privileged")
	        ? json_is_true(json_object_get(obj, "allow_privileged"))
	        : 0;
	if (cfg_get_int(ctx, obj, where, "pin_min_digits", 4, 16, "", 6, &n) ==
	    -1)
		return -1;
	r->pin_min = (int)n;
	if (cfg_get_int(ctx, obj, where, "pin_max_digits", r->pin_min, 16, "",
	        r->pin_min > 8 ? r->pin_min : 8, &n) == -1)
		return -1;
	r->pin_max = (int)n;
	if (r->access_code == CFG_CODE_NONE && r->questions_asked < 1) {
		cfg_err(ctx, where, "access_code",
		    "'none' needs both the PIN and security questions");
		return -1;
	}
	if (cfg_parse_fields(ctx, obj, r) == -1)
		return -1;
	/* The fixed code is compared with this field's value: one of sspr's
	 * own fields (a hash, the mailed code) would never be the code. */
	for (i = 0; r->access_code_field[0] != '\0' && i < CFG_FIELD_COUNT; i++)
		if (strcmp(r->access_code_field, r->fields[i]) == 0) {
			cfg_err(ctx, where, "access_code_field",
			    "'%s' is sspr's own %s field", r->fields[i],
			    cfg_field_keys[i]);
			return -1;
		}
	return 0;
}

/* obj may be NULL: then every default applies. */
static int
cfg_parse_hash(struct cfg_ctx *ctx, json_t *obj, struct cfg_hash *h)
{
	static const char *const where = "hash";
	long long n;

	if (obj != NULL && cfg_check_object(ctx, obj, where, cfg_hash_keys,
	                       ARRAY_SIZE(cfg_hash_keys)) == -1)
		return -1;
	if (cfg_get_int(ctx, obj, where, "memory_kib", CFG_MEMORY_KIB_MIN,
	        CFG_MEMORY_KIB_MAX, " KiB", CFG_MEMORY_KIB_MIN, &n) == -1)
		return -1;
	h->memory_kib = (unsigned)n;
	if (cfg_get_int(ctx, obj, where, "iterations", CFG_ITERATIONS_MIN,
	        CFG_ITERATIONS_MAX, "", CFG_ITERATIONS_MIN, &n) == -1)
		return -1;
	h->iterations = (unsigned)n;
	if (cfg_get_int(ctx, obj, where, "parallelism", CFG_PARALLELISM_MIN,
	        CFG_PARALLELISM_MAX, "", CFG_PARALLELISM_MIN, &n) == -1)
		return -1;
	h->parallelism = (unsigned)n;
	return 0;
}

/* limits: connections per client address and the request deadline of
 * the HTTP front end (web/conn.h); both have defaults. */
static const struct cfg_key cfg_limits_keys[] = {
    {"connections_per_address", JX_INTEGER},
    {"request_seconds", JX_INTEGER},
};

static int
cfg_parse_limits(struct cfg_ctx *ctx, json_t *obj, struct cfg_limits *l)
{
	static const char *const where = "limits";
	long long n;

	if (obj != NULL && cfg_check_object(ctx, obj, where, cfg_limits_keys,
	                       ARRAY_SIZE(cfg_limits_keys)) == -1)
		return -1;
	if (cfg_get_int(ctx, obj, where, "connections_per_address", 1, 1000, "",
	        32, &n) == -1)
		return -1;
	l->connections_per_address = (unsigned)n;
	if (cfg_get_int(
	        ctx, obj, where, "request_seconds", 2, 300, " s", 10, &n) == -1)
		return -1;
	l->request_seconds = (unsigned)n;
	return 0;
}

/* tls: the server's certificate chain and private key (PEM), both. */
static int
cfg_parse_tls(struct cfg_ctx *ctx, json_t *obj, struct cfg_tls *t)
{
	static const char *const where = "tls";

	if (cfg_check_object(
	        ctx, obj, where, cfg_tls_keys, ARRAY_SIZE(cfg_tls_keys)) == -1)
		return -1;
	if (!cfg_has(obj, "cert")) {
		cfg_err_missing(ctx, where, "cert");
		return -1;
	}
	if (!cfg_has(obj, "key")) {
		cfg_err_missing(ctx, where, "key");
		return -1;
	}
	if (cfg_get_path(ctx, obj, where, "cert", &t->cert) == -1 ||
	    cfg_get_path(ctx, obj, where, "key", &t->key) == -1)
		return -1;
	return 0;
}

static int
cfg_parse_helpdesk(struct cfg_ctx *ctx, json_t *obj, struct cfg_helpdesk *h)
{
	static const char *const where = "helpdesk";
	char key[48];
	const char *s;
	long long n;
	json_t *v;
	size_t i;

	if (cfg_check_object(ctx, obj, where, cfg_helpdesk_keys,
	        ARRAY_SIZE(cfg_helpdesk_keys)) == -1)
		return -1;
	if ((s = cfg_str(obj, "group")) == NULL) {
		cfg_err_missing(ctx, where, "group");
		return -1;
	}
	if (cfg_racf_name(s, h->group, sizeof(h->group)) == -1) {
		cfg_err(ctx, where, "group",
		    "must be " CFG_RACF_NAME_CHARS ", not starting with a "
		    "digit");
		return -1;
	}
	if (cfg_get_int(ctx, obj, where, "idle_minutes", 1, 480, "", 15, &n) ==
	    -1)
		return -1;
	h->idle_minutes = (int)n;
	if (cfg_get_int(ctx, obj, where, "max_hours", 1, 24, "", 8, &n) == -1)
		return -1;
	h->max_hours = (int)n;
	v = json_object_get(obj, "protected_groups");
	if (json_array_size(v) > CFG_MAX_PROTECTED) {
		cfg_err(ctx, where, "protected_groups", "more than %d groups",
		    CFG_MAX_PROTECTED);
		return -1;
	}
	for (i = 0; i < json_array_size(v); i++) {
		(void)snprintf(key, sizeof(key), "protected_groups[%zu]", i);
		s = json_string_value(json_array_get(v, i));
		if (s == NULL || cfg_racf_name(s, h->protected_groups[i],
		                     sizeof(h->protected_groups[i])) == -1) {
			cfg_err(ctx, where, key,
			    "must be a group name, " CFG_RACF_NAME_CHARS);
			return -1;
		}
		h->nprotected++;
	}
	h->configured = 1;
	return 0;
}

static int
cfg_parse_journal(struct cfg_ctx *ctx, json_t *obj, struct cfg_journal *j)
{
	static const char *const where = "journal";
	long long n;

	if (obj != NULL && cfg_check_object(ctx, obj, where, cfg_journal_keys,
	                       ARRAY_SIZE(cfg_journal_keys)) == -1)
		return -1;
	if (cfg_get_int(
	        ctx, obj, where, "retry_seconds", 1, 86400, "", 60, &n) == -1)
		return -1;
	j->retry_seconds = (int)n;
	if (cfg_get_int(ctx, obj, where, "give_up_hours", 1, 720, "", 72, &n) ==
	    -1)
		return -1;
	j->give_up_hours = (int)n;
	if (cfg_get_int(ctx, obj, where, "keep_days", 1, 3650, "", 90, &n) ==
	    -1)
		return -1;
	j->keep_days = (int)n;
	return 0;
}

static int
cfg_parse_inject(struct cfg_ctx *ctx, json_t *obj, struct cfg *c)
{
	long long n;

	if (cfg_check_object(ctx, obj, "inject", cfg_inject_keys,
	        ARRAY_SIZE(cfg_inject_keys)) == -1)
		return -1;
	if (cfg_get_int(ctx, obj, "inject", "abort_after_writes", 0, 1000000,
	        "", 0, &n) == -1)
		return -1;
	c->inject_abort_after = (unsigned long)n;
	return 0;
}

/* node: a name for this host in the audit trail. */
static int
cfg_parse_node(struct cfg_ctx *ctx, const char *s, struct cfg *c)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 64) {
		cfg_err(ctx, NULL, "node", "must be 1-64 characters");
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr(".-_", s[i]) == NULL) {
			cfg_err(ctx, NULL, "node",
			    "may hold only letters, digits, '.', '-' and '_'");
			return -1;
		}
	c->node = xstrdup(s);
	return 0;
}

/* trusted_proxies: the addresses of reverse proxies whose
 * X-Forwarded-For is believed, each an IPv4 or IPv6 address. */
static int
cfg_parse_proxies(struct cfg_ctx *ctx, json_t *arr, struct cfg *c)
{
	unsigned char a[sizeof(struct in6_addr)];
	char key[48];
	json_t *v;
	size_t i;

	if (json_array_size(arr) > CFG_MAX_PROXIES) {
		cfg_err(ctx, NULL, "trusted_proxies", "more than %d addresses",
		    CFG_MAX_PROXIES);
		return -1;
	}
	json_array_foreach(arr, i, v)
	{
		const char *ip = json_string_value(v);

		(void)snprintf(key, sizeof(key), "trusted_proxies[%zu]", i);
		if (ip == NULL) {
			cfg_err(ctx, NULL, key, "must be a string, not %s",
			    json_type_name(v));
			return -1;
		}
		if (inet_pton(AF_INET, ip, a) != 1 &&
		    inet_pton(AF_INET6, ip, a) != 1) {
			cfg_err(ctx, NULL, key,
			    "must be an IPv4 or IPv6 address (no names, no "
			    "prefixes)");
			return -1;
		}
		c->proxies[c->nproxies++] = xstrdup(ip);
	}
	return 0;
}

static int
cfg_parse(struct cfg_ctx *ctx, json_t *root, struct cfg *c)
{
	struct sockaddr_storage ss;
	unsigned int sslen;
	char why[SSPR_MAX_ERROR];
	const char *s;
	json_t *obj;

	if (cfg_check_object(
	        ctx, root, "", cfg_top_keys, ARRAY_SIZE(cfg_top_keys)) == -1)
		return -1;

	s = cfg_str(root, "listen");
	if (s != NULL &&
	    cfg_listen_parse(s, &ss, &sslen, why, sizeof(why)) == -1) {
		cfg_err(ctx, NULL, "listen", "%s", why);
		return -1;
	}
	c->listen = xstrdup(s != NULL ? s : CFG_DEFAULT_LISTEN);

	s = cfg_str(root, "base_url");
	if (s != NULL && cfg_valid_url(s, cfg_http_schemes,
	                     ARRAY_SIZE(cfg_http_schemes)) == -1) {
		cfg_err(ctx, NULL, "base_url",
		    "must be an http:// or https:// URL");
		return -1;
	}
	if (s != NULL)
		c->base_url = xstrdup(s);

	if (!cfg_has(root, "state_dir")) {
		cfg_err_missing(ctx, "", "state_dir");
		return -1;
	}
	if (cfg_get_path(ctx, root, "", "state_dir", &c->state_dir) == -1)
		return -1;
	if (cfg_get_path(ctx, root, "", "key_file", &c->key_file) == -1)
		return -1;
	if (c->key_file == NULL) {
		struct strbuf sb;

		strbuf_init(&sb, PATH_MAX - 1);
		if (strbuf_addstr(&sb, c->state_dir) == -1 ||
		    cfg_path_join(&sb, CFG_KEY_FILE_NAME,
		        strlen(CFG_KEY_FILE_NAME)) == -1) {
			strbuf_release(&sb);
			cfg_err(ctx, NULL, "state_dir",
			    "too long to hold '" CFG_KEY_FILE_NAME "'");
			return -1;
		}
		c->key_file = strbuf_detach(&sb);
	}

	if (cfg_get_path(ctx, root, "", "data_dir", &c->data_dir) == -1)
		return -1;
	if (c->data_dir == NULL) {
		const char *env = getenv("SSPR_DATA_DIR");

		c->data_dir =
		    xstrdup(env != NULL && env[0] == '/' ? env : SSPR_DATADIR);
	}

	if (cfg_parse_systems(ctx, root, c) == -1)
		return -1;
	if ((obj = json_object_get(root, "mail")) != NULL &&
	    cfg_parse_mail(ctx, obj, &c->mail) == -1)
		return -1;
	if (cfg_parse_reset(ctx, json_object_get(root, "reset"), &c->reset) ==
	    -1)
		return -1;
	if (cfg_parse_hash(ctx, json_object_get(root, "hash"), &c->hash) == -1)
		return -1;
	if (cfg_parse_limits(
	        ctx, json_object_get(root, "limits"), &c->limits) == -1)
		return -1;
	if ((obj = json_object_get(root, "tls")) != NULL &&
	    cfg_parse_tls(ctx, obj, &c->tls) == -1)
		return -1;
	if ((obj = json_object_get(root, "trusted_proxies")) != NULL &&
	    cfg_parse_proxies(ctx, obj, c) == -1)
		return -1;
	if ((obj = json_object_get(root, "helpdesk")) != NULL &&
	    cfg_parse_helpdesk(ctx, obj, &c->helpdesk) == -1)
		return -1;
	if (cfg_parse_journal(
	        ctx, json_object_get(root, "journal"), &c->journal) == -1)
		return -1;
	if ((obj = json_object_get(root, "inject")) != NULL &&
	    cfg_parse_inject(ctx, obj, c) == -1)
		return -1;
	if (cfg_str(root, "node") != NULL &&
	    cfg_parse_node(ctx, cfg_str(root, "node"), c) == -1)
		return -1;
	return 0;
}

/* Read the whole file into a new buffer of *allocp bytes. */
static int
cfg_read_file(struct cfg_ctx *ctx, char **bufp, size_t *lenp, size_t *allocp)
{
	char why[SSPR_MAX_ERROR];
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	ssize_t n;
	int fd, rc = -1;

	/* The configuration names commands sspr runs and files it trusts:
	 * a file someone else could change is refused (filetrust.h). */
	fd = filetrust_open(ctx->file, "configuration", 0, why, sizeof(why));
	if (fd < 0) {
		cfg_err_nofile(ctx, "%s", why);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		cfg_err_nofile(
		    ctx, "cannot read '%s': %s", ctx->file, strerror(errno));
		goto out;
	}
	if (st.st_size > SSPR_MAX_CONFIG_FILE) {
		cfg_err_nofile(ctx,
		    "cannot read '%s': file is larger than %d bytes", ctx->file,
		    SSPR_MAX_CONFIG_FILE);
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	if ((n = read_all(fd, buf, cap)) == -1) {
		cfg_err_nofile(
		    ctx, "cannot read '%s': %s", ctx->file, strerror(errno));
		goto out;
	}
	len = (size_t)n;
	if (len == cap) {
		cfg_err_nofile(ctx,
		    "cannot read '%s': file grew while being "
		    "read",
		    ctx->file);
		goto out;
	}
	*bufp = buf;
	*lenp = len;
	*allocp = cap;
	buf = NULL;
	rc = 0;
out:
	freezero(buf, cap);
	if (fd != -1)
		(void)close(fd);
	return rc;
}

/* Parse and check len bytes of buf as the file ctx->file. */
static int
cfg_load_ctx(struct cfg_ctx *ctx, const char *buf, size_t len, struct cfg **out)
{
	struct cfg *c = NULL;
	json_t *root = NULL;
	json_error_t jerr;
	int rc = -1;

	root = jsonx_loadb(buf, len, JSON_ALLOW_NUL, &jerr);
	if (root == NULL) {
		if (jerr.line > 0)
			cfg_err_nofile(ctx, "%s:%d:%d: %s", ctx->file,
			    jerr.line, jerr.column, jerr.text);
		else
			cfg_err(ctx, NULL, NULL, "%s", jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		cfg_err(ctx, NULL, NULL,
		    "expected an object at top level, got %s",
		    json_type_name(root));
		goto out;
	}
	if (cfg_dir(ctx) == -1)
		goto out;

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(ctx->file);
	if (cfg_parse(ctx, root, c) == -1)
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	cfg_free(c);
	json_decref(root);
	return rc;
}

int
cfg_load(const char *path, struct cfg **out, char *err, size_t errsize)
{
	struct cfg_ctx ctx = {.file = path, .err = err, .errsize = errsize};
	char *buf = NULL;
	size_t len = 0, alloc = 0;
	int rc = -1;

	json_wipe_init();
	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (cfg_read_file(&ctx, &buf, &len, &alloc) == -1)
		goto out;
	rc = cfg_load_ctx(&ctx, buf, len, out);
out:
	if (rc == -1 && ctx.errsize > 0)
		text_oneline(ctx.err);
	freezero(buf, alloc);
	free(ctx.dir);
	return rc;
}

int
cfg_load_buf(const char *path, const char *buf, size_t len, struct cfg **out,
    char *err, size_t errsize)
{
	struct cfg_ctx ctx = {.file = path, .err = err, .errsize = errsize};
	int rc = -1;

	json_wipe_init();
	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (len > SSPR_MAX_CONFIG_FILE) {
		cfg_err_nofile(&ctx,
		    "cannot read '%s': file is larger than %d "
		    "bytes",
		    path, SSPR_MAX_CONFIG_FILE);
		goto out;
	}
	rc = cfg_load_ctx(&ctx, buf, len, out);
out:
	if (rc == -1 && ctx.errsize > 0)
		text_oneline(ctx.err);
	free(ctx.dir);
	return rc;
}

void
cfg_free(struct cfg *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	strfreezero(cfg->path);
	strfreezero(cfg->listen);
	strfreezero(cfg->base_url);
	strfreezero(cfg->tls.cert);
	strfreezero(cfg->tls.key);
	for (i = 0; i < cfg->nproxies; i++)
		strfreezero(cfg->proxies[i]);
	strfreezero(cfg->state_dir);
	free(cfg->data_dir);
	strfreezero(cfg->key_file);
	for (i = 0; i < cfg->nsystems; i++) {
		strfreezero(cfg->systems[i].db);
		strfreezero(cfg->systems[i].url);
	}
	freezero(cfg->systems, cfg->nsystems * sizeof(*cfg->systems));
	free(cfg->node);
	strfreezero(cfg->mail.url);
	strfreezero(cfg->mail.from);
	strfreezero(cfg->mail.path);
	strfreezero(cfg->mail.user);
	strfreezero(cfg->mail.password_file);
	strfreezero(cfg->mail.password_command);
	strfreezero(cfg->mail.ca_file);
	strfreezero(cfg->mail.client_cert);
	strfreezero(cfg->mail.client_key);
	freezero(cfg, sizeof(*cfg));
}

const struct cfg_system *
cfg_system(const struct cfg *cfg, const char *name)
{
	size_t i;

	if (cfg == NULL || name == NULL)
		return NULL;
	for (i = 0; i < cfg->nsystems; i++)
		if (cfg_ascii_casecmp(cfg->systems[i].name, name) == 0)
			return &cfg->systems[i];
	return NULL;
}
