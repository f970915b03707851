/*
 * keys.c - sspr's key file: create, load, check and atomically save it.
 *
 * The file (format in keys.h) is opened without following a symbolic
 * link, checked on the open descriptor (regular file, owned by the
 * effective user, no group or other permission bits), read whole under a
 * 64 KiB ceiling and parsed by jansson with duplicate keys rejected.  Each
 * object is checked against a table of the keys it may hold, so that an
 * unknown key or a wrong type is reported with the file and the key path
 * ("keys.json: passticket.SSPRAPPL: unknown key 'kye'").  No message ever
 * quotes a key: hex values are only said to be malformed, and jansson's
 * syntax errors lose their "near '...'" token, which may be part of one.
 *
 * Saving builds the JSON tree, dumps it into a temporary file next to the
 * target (mode 0600), fsyncs it, renames it over the target and fsyncs the
 * directory.  jansson's allocator wipes every block it frees
 * (compat/jsonx.h); hex copies of keys live in stack buffers that are
 * wiped before return.
 *
 * A --key-file (keys_read_hex_file()) passes the same open-and-check as
 * the key file, under a 4 KiB ceiling.  Fingerprints hash the label
 * "sspr-passticket-key-v1", a kind byte (0 legacy, 1 enhanced), a type
 * byte (0 upper or legacy, 1 mixed) and the key bytes.
 */
#include "sspr/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>

#include "compat/compat.h"
#include "compat/jsonx.h"
#include "compat/secretfile.h"

#include "compat/hex.h"
#include "compat/banned.h"

#define KEYS_VERSION       1
#define KEYS_MAX_FILE      (64 * 1024)
#define KEYS_MAX_HEX_FILE  4096 /* a --key-file: one key in hex */
#define KEYS_PEPPER_ID_MAX 65535
#define KEYS_WHERE_MAX     64 /* "passticket.SSPRAPPL" */
#define KEYS_SECRET_HEX    (2 * KEYS_SECRET_LEN)
#define KEYS_PTKT_HEX      (2 * PASSTICKET_ENHANCED_MAX)
#define KEYS_APPLID_RULE                                                       \
	"1-8 characters A-Z 0-9 # @ $, not starting with a digit"

struct keys_ctx {
	const char *file; /* the path as given, for messages */
	char *err;
	size_t errsize;
};

struct keys_field {
	const char *name;
	enum jsonx_kind kind;
	int required;
};

static const struct keys_field keys_top_fields[] = {
    {"version", JX_INTEGER, 1},
    {"pepper", JX_OBJECT, 1},
    {"flow_key", JX_STRING, 1},
    {"passticket", JX_OBJECT, 0},
};

static const struct keys_field keys_pepper_fields[] = {
    {"id", JX_INTEGER, 1},
    {"key", JX_STRING, 1},
};

static const struct keys_field keys_appl_fields[] = {
    {"kind", JX_STRING, 1},
    {"type", JX_STRING, 0},
    {"key", JX_STRING, 1},
    {"created", JX_INTEGER, 0},
};

static void keys_err(struct keys_ctx *ctx, const char *where, const char *fmt,
    ...) PRINTF_LIKE(3, 4);

/* Write "FILE: WHERE: message" (or "FILE: message" when where is NULL or
 * empty) into the error buffer, truncated to fit. */
static void
keys_err(struct keys_ctx *ctx, const char *where, const char *fmt, ...)
{
	va_list ap;
	size_t off;
	int n;

	if (ctx->err == NULL || ctx->errsize == 0)
		return;
	if (where != NULL && where[0] != '\0')
		n = snprintf(
		    ctx->err, ctx->errsize, "%s: %s: ", ctx->file, where);
	else
		n = snprintf(ctx->err, ctx->errsize, "%s: ", ctx->file);
	if (n < 0 || (size_t)n >= ctx->errsize)
		return;
	off = (size_t)n;
	va_start(ap, fmt);
	(void)vsnprintf(ctx->err + off, ctx->errsize - off, fmt, ap);
	va_end(ap);
}

/*
 * Every key of obj must be in fields[] and of its kind, and every required
 * field must be present.  where is "" at the top level.
 */
static int
keys_check_object(struct keys_ctx *ctx, json_t *obj, const char *where,
    const struct keys_field *fields, size_t nfields)
{
	char q[TEXT_QUOTE_MAX + 4];
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v)
	{
		const struct keys_field *f = NULL;

		for (i = 0; i < nfields; i++) {
			if (strcmp(fields[i].name, key) == 0) {
				f = &fields[i];
				break;
			}
		}
		if (f == NULL) {
			if (where[0] == '\0')
				keys_err(ctx, NULL,
				    "unknown key '%s' at top level",
				    text_quote(
				        q, sizeof(q), key, TEXT_QUOTE_MAX));
			else
				keys_err(ctx, where, "unknown key '%s'",
				    text_quote(
				        q, sizeof(q), key, TEXT_QUOTE_MAX));
			return -1;
		}
		if (!jsonx_kind_matches(f->kind, v)) {
			keys_err(ctx, NULL, "%s%s%s: expected %s, got %s",
			    where, where[0] != '\0' ? "." : "", key,
			    jsonx_kind_name(f->kind), json_type_name(v));
			return -1;
		}
	}
	for (i = 0; i < nfields; i++) {
		if (!fields[i].required ||
		    json_object_get(obj, fields[i].name) != NULL)
			continue;
		if (where[0] == '\0')
			keys_err(ctx, NULL,
			    "missing required key '%s' at top level",
			    fields[i].name);
		else
			keys_err(ctx, where, "missing required key '%s'",
			    fields[i].name);
		return -1;
	}
	return 0;
}

/* Exactly KEYS_SECRET_HEX hex digits into out; out untouched on error. */
static int
keys_secret_hex(const char *s, unsigned char out[KEYS_SECRET_LEN])
{
	unsigned char tmp[KEYS_SECRET_LEN];
	size_t i;
	int hi, lo, rc = -1;

	if (strlen(s) != KEYS_SECRET_HEX)
		goto out;
	for (i = 0; i < KEYS_SECRET_LEN; i++) {
		hi = hex_value((unsigned char)s[2 * i]);
		lo = hex_value((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			goto out;
		tmp[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(out, tmp, sizeof(tmp));
	rc = 0;
out:
	secure_zero(tmp, sizeof(tmp));
	return rc;
}

/*
 * An APPLID: 1-8 of A-Z 0-9 # @ $ (lower-case letters are folded), not
 * starting with a digit.  The upper-cased name goes to out.
 */
static int
keys_applid(const char *s, char out[SSPR_MAX_APPLID + 1])
{
	size_t len = strlen(s), i;
	char tmp[SSPR_MAX_APPLID + 1];

	if (len == 0 || len > SSPR_MAX_APPLID)
		return -1;
	if (s[0] >= '0' && s[0] <= '9')
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		        c == '#' || c == '@' || c == '$'))
			return -1;
		tmp[i] = c;
	}
	tmp[len] = '\0';
	memcpy(out, tmp, len + 1);
	return 0;
}

/* The index of applid (any case) in k, or -1. */
static int
keys_index(const struct keys *k, const char *applid)
{
	char upper[SSPR_MAX_APPLID + 1];
	size_t i;

	if (keys_applid(applid, upper) == -1)
		return -1;
	for (i = 0; i < k->nappl && i < KEYS_MAX_APPLS; i++)
		if (strcmp(k->appl[i].applid, upper) == 0)
			return (int)i;
	return -1;
}

static int
keys_parse_secret(struct keys_ctx *ctx, json_t *obj, const char *where,
    const char *key, unsigned char out[KEYS_SECRET_LEN])
{
	if (keys_secret_hex(
	        json_string_value(json_object_get(obj, key)), out) == -1) {
		keys_err(ctx, NULL,
		    "%s%s%s: must be %d hexadecimal digits (a %d-bit key)",
		    where, where[0] != '\0' ? "." : "", key, KEYS_SECRET_HEX,
		    KEYS_SECRET_LEN * 8);
		return -1;
	}
	return 0;
}

static int
keys_parse_pepper(struct keys_ctx *ctx, json_t *obj, struct keys *k)
{
	json_int_t id;

	if (keys_check_object(ctx, obj, "pepper", keys_pepper_fields,
	        ARRAY_SIZE(keys_pepper_fields)) == -1)
		return -1;
	id = json_integer_value(json_object_get(obj, "id"));
	if (id < 1 || id > KEYS_PEPPER_ID_MAX) {
		keys_err(ctx, "pepper.id", "%lld is out of range 1-%d",
		    (long long)id, KEYS_PEPPER_ID_MAX);
		return -1;
	}
	k->pepper_id = (unsigned)id;
	return keys_parse_secret(ctx, obj, "pepper", "key", k->pepper);
}

static int
keys_parse_appl(
    struct keys_ctx *ctx, const char *name, json_t *obj, struct keys *k)
{
	struct keys_appl *a = &k->appl[k->nappl];
	int dup;
	enum passticket_kind kind;
	enum passticket_type type = PTKT_UPPER;
	char where[KEYS_WHERE_MAX], q[TEXT_QUOTE_MAX + 4];
	char msg[SSPR_MAX_ERROR];
	const char *s;
	json_t *v;
	json_int_t created = 0;

	if (keys_applid(name, a->applid) == -1) {
		keys_err(ctx, "passticket",
		    "'%s' is not a valid APPLID (" KEYS_APPLID_RULE ")",
		    text_quote(q, sizeof(q), name, TEXT_QUOTE_MAX));
		return -1;
	}
	(void)snprintf(where, sizeof(where), "passticket.%s", name);
	if ((dup = keys_index(k, a->applid)) != -1) {
		keys_err(ctx, where,
		    "duplicate of APPLID '%s' (APPLIDs are not case-sensitive)",
		    k->appl[dup].applid);
		return -1;
	}
	if (!json_is_object(obj)) {
		keys_err(ctx, where, "expected an object, got %s",
		    json_type_name(obj));
		return -1;
	}
	if (keys_check_object(ctx, obj, where, keys_appl_fields,
	        ARRAY_SIZE(keys_appl_fields)) == -1)
		return -1;

	s = json_string_value(json_object_get(obj, "kind"));
	if (strcmp(s, "legacy") == 0)
		kind = PTKT_LEGACY;
	else if (strcmp(s, "enhanced") == 0)
		kind = PTKT_ENHANCED;
	else {
		keys_err(ctx, NULL,
		    "%s.kind: '%s' is not one of legacy, enhanced", where,
		    text_quote(q, sizeof(q), s, TEXT_QUOTE_MAX));
		return -1;
	}

	s = json_string_value(json_object_get(obj, "type"));
	if (s != NULL && kind == PTKT_LEGACY) {
		keys_err(ctx, NULL,
		    "%s.type: not allowed when kind is 'legacy'", where);
		return -1;
	}
	if (s != NULL && strcmp(s, "mixed") == 0)
		type = PTKT_MIXED;
	else if (s != NULL && strcmp(s, "upper") != 0) {
		keys_err(ctx, NULL, "%s.type: '%s' is not one of upper, mixed",
		    where, text_quote(q, sizeof(q), s, TEXT_QUOTE_MAX));
		return -1;
	}

	s = json_string_value(json_object_get(obj, "key"));
	if (passticket_key_hex(&a->key, kind, type, s, msg, sizeof(msg)) ==
	    -1) {
		keys_err(ctx, NULL, "%s.key: %s", where, msg);
		return -1;
	}

	if ((v = json_object_get(obj, "created")) != NULL)
		created = json_integer_value(v);
	if (created < 0) {
		keys_err(ctx, NULL, "%s.created: must not be negative", where);
		return -1;
	}
	a->created = (time_t)created;
	k->nappl++;
	return 0;
}

static int
keys_parse(struct keys_ctx *ctx, json_t *root, struct keys *k)
{
	json_t *obj, *v;
	json_int_t version;
	const char *name;

	if (keys_check_object(ctx, root, "", keys_top_fields,
	        ARRAY_SIZE(keys_top_fields)) == -1)
		return -1;
	version = json_integer_value(json_object_get(root, "version"));
	if (version != KEYS_VERSION) {
		keys_err(ctx, "version",
		    "%lld is not supported (this sspr reads version %d)",
		    (long long)version, KEYS_VERSION);
		return -1;
	}
	if (keys_parse_pepper(ctx, json_object_get(root, "pepper"), k) == -1)
		return -1;
	if (keys_parse_secret(ctx, root, "", "flow_key", k->flow_key) == -1)
		return -1;
	if ((obj = json_object_get(root, "passticket")) == NULL)
		return 0;
	if (json_object_size(obj) > KEYS_MAX_APPLS) {
		keys_err(
		    ctx, "passticket", "more than %d APPLIDs", KEYS_MAX_APPLS);
		return -1;
	}
	json_object_foreach(obj, name, v)
	{
		if (keys_parse_appl(ctx, name, v, k) == -1)
			return -1;
	}
	return 0;
}

/* Open, check and read the whole key file. */
static int
keys_read(struct keys_ctx *ctx, char **bufp, size_t *lenp, size_t *capp)
{
	char hint[600];

	snprintf(hint, sizeof(hint),
	    "; create it with: sspr keys init --file %.500s", ctx->file);
	return secret_file_read(ctx->file, "key file", hint, KEYS_MAX_FILE,
	    bufp, lenp, capp, ctx->err, ctx->errsize);
}

/* A jansson syntax error without the token it quotes, which may be part of
 * a key; only a duplicate object key (a name, never a value) keeps it. */
static void
keys_err_json(struct keys_ctx *ctx, const json_error_t *jerr)
{
	char text[sizeof(jerr->text)];
	char *near;

	(void)strlcpy_s(text, jerr->text, sizeof(text));
	if (strncmp(text, "duplicate member", 16) != 0 &&
	    (near = strstr(text, " near ")) != NULL)
		*near = '\0';
	if (jerr->line > 0)
		errf(ctx->err, ctx->errsize, "%s:%d:%d: %s", ctx->file,
		    jerr->line, jerr->column, text);
	else
		keys_err(ctx, NULL, "%s", text);
	secure_zero(text, sizeof(text));
}

int
keys_load(const char *path, struct keys **out, char *err, size_t errsize)
{
	struct keys_ctx ctx = {.file = path, .err = err, .errsize = errsize};
	struct keys *k = NULL;
	json_t *root = NULL;
	json_error_t jerr;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	json_wipe_init();
	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (keys_read(&ctx, &buf, &len, &cap) == -1)
		goto out;
	root = jsonx_loadb(buf, len, 0, &jerr);
	if (root == NULL) {
		keys_err_json(&ctx, &jerr);
		goto out;
	}
	if (!json_is_object(root)) {
		keys_err(&ctx, NULL, "expected an object at top level, got %s",
		    json_type_name(root));
		goto out;
	}
	k = xcalloc(1, sizeof(*k));
	if (keys_parse(&ctx, root, k) == -1)
		goto out;
	*out = k;
	k = NULL;
	rc = 0;
out:
	if (rc == -1)
		if (errsize > 0)
			text_oneline(err);
	keys_free(k);
	json_decref(root);
	freezero(buf, cap);
	secure_zero(&jerr, sizeof(jerr));
	return rc;
}

/* Check k before writing it, so that a saved file always loads. */
static int
keys_check_struct(const struct keys *k, const char **why)
{
	size_t i, j;

	if (k->pepper_id < 1 || k->pepper_id > KEYS_PEPPER_ID_MAX) {
		*why = "the pepper id is not 1-65535";
		return -1;
	}
	if (k->nappl > KEYS_MAX_APPLS) {
		*why = "too many APPLIDs";
		return -1;
	}
	for (i = 0; i < k->nappl; i++) {
		char upper[SSPR_MAX_APPLID + 1];

		if (memchr(k->appl[i].applid, '\0',
		        sizeof(k->appl[i].applid)) == NULL ||
		    keys_applid(k->appl[i].applid, upper) == -1 ||
		    strcmp(upper, k->appl[i].applid) != 0) {
			*why = "an APPLID is not valid";
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(k->appl[j].applid, upper) == 0) {
				*why = "an APPLID appears twice";
				return -1;
			}
		}
		if (!passticket_key_valid(&k->appl[i].key)) {
			*why = "a PassTicket key has an invalid kind, type or "
			       "length";
			return -1;
		}
		if (k->appl[i].created < 0) {
			*why = "a creation time is negative";
			return -1;
		}
	}
	return 0;
}

/* The JSON object of one APPLID, or NULL. */
static json_t *
keys_appl_json(const struct keys_appl *a)
{
	char hex[KEYS_PTKT_HEX + 1];
	json_t *e = NULL;

	hex_encode(a->key.key, a->key.len, hex, 0);
	e = json_pack("{s:s, s:s, s:I}", "kind",
	    a->key.kind == PTKT_LEGACY ? "legacy" : "enhanced", "key", hex,
	    "created", (json_int_t)a->created);
	if (e != NULL && a->key.kind == PTKT_ENHANCED &&
	    json_object_set_new(e, "type",
	        json_string(a->key.type == PTKT_MIXED ? "mixed" : "upper")) ==
	        -1) {
		json_decref(e);
		e = NULL;
	}
	secure_zero(hex, sizeof(hex));
	return e;
}

/* The JSON tree of k, or NULL. */
static json_t *
keys_to_json(const struct keys *k)
{
	char pepper[KEYS_SECRET_HEX + 1], flow[KEYS_SECRET_HEX + 1];
	json_t *root = NULL, *ptkt = NULL;
	size_t i;
	int ok = 0;

	hex_encode(k->pepper, KEYS_SECRET_LEN, pepper, 0);
	hex_encode(k->flow_key, KEYS_SECRET_LEN, flow, 0);
	root = json_pack("{s:i, s:{s:i, s:s}, s:s}", "version", KEYS_VERSION,
	    "pepper", "id", (int)k->pepper_id, "key", pepper, "flow_key", flow);
	if (root == NULL || (ptkt = json_object()) == NULL)
		goto out;
	for (i = 0; i < k->nappl; i++)
		if (json_object_set_new(ptkt, k->appl[i].applid,
		        keys_appl_json(&k->appl[i])) == -1)
			goto out;
	ok = json_object_set_new(root, "passticket", ptkt) == 0;
	ptkt = NULL;
out:
	json_decref(ptkt);
	if (!ok) {
		json_decref(root);
		root = NULL;
	}
	secure_zero(pepper, sizeof(pepper));
	secure_zero(flow, sizeof(flow));
	return root;
}

static int
keys_write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory part of path into dir ("." when there is none). */
static int
keys_dirname(const char *path, char *dir, size_t dirsize)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL)
		return strlcpy_s(dir, ".", dirsize) < dirsize ? 0 : -1;
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= dirsize)
		return -1;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return 0;
}

/* fsync the directory that holds path, so that a rename in it lasts. */
static int
keys_sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc = -1, saved;

	if (keys_dirname(path, dir, sizeof(dir)) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fsync(fd) == 0 || errno == EINVAL)
		rc = 0;
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rc;
}

int
keys_save(const char *path, const struct keys *k, char *err, size_t errsize)
{
	char tmp[PATH_MAX];
	const char *why = NULL;
	json_t *root = NULL;
	char *text = NULL;
	int fd = -1, n, rc = -1, have_tmp = 0;

	json_wipe_init();
	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (keys_check_struct(k, &why) == -1) {
		errf(err, errsize, "cannot save key file '%s': %s", path, why);
		goto out;
	}
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errf(err, errsize,
		    "cannot save key file '%s': path is too long", path);
		goto out;
	}
	if ((root = keys_to_json(k)) == NULL ||
	    (text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS)) ==
	        NULL) {
		errf(err, errsize,
		    "cannot save key file '%s': cannot encode JSON", path);
		goto out;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		errf(err, errsize,
		    "cannot save key file '%s': cannot create a temporary "
		    "file next to it: %s",
		    path, strerror(errno));
		goto out;
	}
	have_tmp = 1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fchmod(fd, 0600) == -1 ||
	    keys_write_all(fd, text, strlen(text)) == -1 ||
	    keys_write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
		errf(err, errsize, "cannot write key file '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	n = close(fd);
	fd = -1;
	if (n == -1) {
		errf(err, errsize, "cannot write key file '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (rename(tmp, path) == -1) {
		errf(err, errsize,
		    "cannot save key file '%s': cannot rename '%s' to it: %s",
		    path, tmp, strerror(errno));
		goto out;
	}
	have_tmp = 0;
	if (keys_sync_dir(path) == -1) {
		errf(err, errsize,
		    "key file '%s' was written, but its directory could not "
		    "be synced: %s",
		    path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		(void)close(fd);
	if (have_tmp)
		(void)unlink(tmp);
	json_wipe_free(text); /* wipes the whole block */
	json_decref(root);
	if (rc == -1)
		if (errsize > 0)
			text_oneline(err);
	return rc;
}

int
keys_init(const char *path, char *err, size_t errsize)
{
	struct keys *k = NULL;
	struct stat st;
	char dir[PATH_MAX];
	int fd, rc = -1, created = 0;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (lstat(path, &st) == 0) {
		errf(err, errsize,
		    "key file '%s' already exists; not overwritten", path);
		goto out;
	}
	k = xcalloc(1, sizeof(*k));
	k->pepper_id = 1;
	if (random_bytes(k->pepper, sizeof(k->pepper)) == -1 ||
	    random_bytes(k->flow_key, sizeof(k->flow_key)) == -1) {
		errf(err, errsize,
		    "cannot create key file '%s': no random bytes: %s", path,
		    strerror(errno));
		goto out;
	}
	/* Claim the name: refuses, without a race, a file that appeared. */
	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			errf(err, errsize,
			    "key file '%s' already exists; not overwritten",
			    path);
		else if (errno == ENOENT &&
		         keys_dirname(path, dir, sizeof(dir)) == 0)
			errf(err, errsize,
			    "cannot create key file '%s': directory '%s' does "
			    "not exist",
			    path, dir);
		else
			errf(err, errsize, "cannot create key file '%s': %s",
			    path, strerror(errno));
		goto out;
	}
	(void)close(fd);
	created = 1;
	if (keys_save(path, k, err, errsize) == -1)
		goto out;
	rc = 0;
out:
	/* Remove our placeholder if the save did not replace it. */
	if (rc == -1 && created && lstat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size == 0)
		(void)unlink(path);
	keys_free(k);
	if (rc == -1)
		if (errsize > 0)
			text_oneline(err);
	return rc;
}

void
keys_free(struct keys *k)
{
	freezero(k, sizeof(*k));
}

const struct passticket_key *
keys_passticket(const struct keys *k, const char *applid)
{
	int i;

	if (k == NULL || applid == NULL)
		return NULL;
	i = keys_index(k, applid);
	return i != -1 ? &k->appl[i].key : NULL;
}

int
keys_set_passticket(struct keys *k, const char *applid,
    const struct passticket_key *key, time_t now, char *err, size_t errsize)
{
	char upper[SSPR_MAX_APPLID + 1], q[TEXT_QUOTE_MAX + 4];
	struct keys_appl *a;
	int i;

	if (applid == NULL || keys_applid(applid, upper) == -1) {
		errf(err, errsize,
		    "'%s' is not a valid APPLID (" KEYS_APPLID_RULE ")",
		    applid != NULL
		        ? text_quote(q, sizeof(q), applid, TEXT_QUOTE_MAX)
		        : "");
		if (errsize > 0)
			text_oneline(err);
		return -1;
	}
	if (!passticket_key_valid(key)) {
		errf(err, errsize,
		    "the PassTicket key for '%s' has an invalid kind, type or "
		    "length",
		    upper);
		return -1;
	}
	if ((i = keys_index(k, upper)) == -1) {
		if (k->nappl >= KEYS_MAX_APPLS) {
			errf(err, errsize,
			    "cannot add APPLID '%s': the key file already "
			    "holds the maximum of %d",
			    upper, KEYS_MAX_APPLS);
			return -1;
		}
		i = (int)k->nappl++;
		memcpy(k->appl[i].applid, upper, sizeof(upper));
	}
	a = &k->appl[i];
	secure_zero(&a->key, sizeof(a->key));
	a->key.kind = key->kind;
	a->key.type = key->kind == PTKT_ENHANCED ? key->type : PTKT_UPPER;
	a->key.len = key->len;
	memcpy(a->key.key, key->key, key->len);
	a->created = now;
	return 0;
}

int
keys_read_hex_file(
    const char *path, char *hex, size_t size, char *err, size_t errsize)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, start = 0, i;
	int rc = -1;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (secret_file_read(path, "key file", "", KEYS_MAX_HEX_FILE, &buf,
	        &len, &cap, err, errsize) == -1)
		goto out;
	while (len > 0 && strchr(" \t\r\n", buf[len - 1]) != NULL &&
	       buf[len - 1] != '\0')
		len--;
	while (start < len && strchr(" \t\r\n", buf[start]) != NULL &&
	       buf[start] != '\0')
		start++;
	if (start == len) {
		errf(err, errsize, "key file '%s' holds no key", path);
		goto out;
	}
	for (i = start; i < len; i++) {
		if (hex_value((unsigned char)buf[i]) < 0) {
			errf(err, errsize,
			    "key file '%s' holds a character that is not a "
			    "hexadecimal digit (at byte %zu)",
			    path, i + 1);
			goto out;
		}
	}
	if (len - start >= size) {
		errf(err, errsize,
		    "key file '%s' holds more than %zu hexadecimal digits",
		    path, size > 0 ? size - 1 : 0);
		goto out;
	}
	memcpy(hex, buf + start, len - start);
	hex[len - start] = '\0';
	rc = 0;
out:
	freezero(buf, cap);
	if (rc == -1)
		if (errsize > 0)
			text_oneline(err);
	return rc;
}
