/*
 * test_keys.c - unit tests for sspr/keys.c.
 *
 * Each case works in a private temporary directory (under $SSPR_TEST_TMP
 * or /tmp): keys_init() creates a mode 0600 file with fresh secrets and
 * refuses to overwrite; a table with one row per load error writes a file
 * (or a symbolic link, a directory, an oversized file) and compares the
 * message, which must never quote a key; a save/load round trip compares
 * every byte; rotation, lookups, fingerprints and the atomic save (no
 * temporary file left behind, even on failure) are checked directly; a
 * second table covers keys_read_hex_file() (--key-file).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "compat/ceilings.h"
#include "compat/compat.h"
#include "esm/passticket.h"
#include "sspr/keys.h"
#include "tests/unit/scratch.h"

#include "compat/banned.h"

/* Secrets used in the files below; no message may contain any of them. */
#define PEPPER_HEX                                                             \
	"5e5e5e5e00112233445566778899aabbccddeeff00112233445566778899aabb"
#define FLOW_HEX                                                               \
	"f10f10f1ffeeddccbbaa99887766554433221100ffeeddccbbaa998877665544"
#define LEGACY_HEX "e001193519561977"
#define ENH_HEX                                                                \
	"c1c5c1c50123456789abcdef0123456789abcdef0123456789abcdef01234567"
/* Broken copies: same prefixes, so a quoted one is caught too. */
#define SHORT_PEPPER_HEX                                                       \
	"5e5e5e5e00112233445566778899aabbccddeeff00112233445566778899aa"
#define BAD_FLOW_HEX                                                           \
	"f10f10f1ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554x"
#define ENH31_HEX                                                              \
	"c1c5c1c50123456789abcdef0123456789abcdef0123456789abcdef012345"

#define PEPPER "\"pepper\":{\"id\":1,\"key\":\"" PEPPER_HEX "\"}"
#define FLOW   "\"flow_key\":\"" FLOW_HEX "\""
/* A whole file with the given passticket members. */
#define WITH(ptkt)                                                             \
	"{\"version\":1," PEPPER "," FLOW ",\"passticket\":{" ptkt "}}"
#define LEGACY(name, extra)                                                    \
	"\"" name "\":{\"kind\":\"legacy\",\"key\":\"" LEGACY_HEX "\"" extra "}"
#define ENHANCED(name, extra)                                                  \
	"\"" name "\":{\"kind\":\"enhanced\",\"key\":\"" ENH_HEX "\"" extra "}"

static char test_dir[PATH_MAX];
static char test_file[PATH_MAX]; /* test_dir/keys.json */

static void
path_in_dir(char *buf, size_t bufsize, const char *name)
{
	int n = snprintf(buf, bufsize, "%s/%s", test_dir, name);

	assert_true(n > 0 && (size_t)n < bufsize);
}

/* Replace path by a file holding len bytes of text, with mode. */
static void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	if (len > 0 && write(fd, text, len) != (ssize_t)len)
		fail_msg("cannot write '%s'", path);
	if (fchmod(fd, mode) == -1)
		fail_msg("cannot chmod '%s': %s", path, strerror(errno));
	(void)close(fd);
}

/* Remove whatever test_file is now. */
static void
remove_test_file(void)
{
	if (unlink(test_file) == -1 && errno == EISDIR)
		(void)rmdir(test_file);
	(void)rmdir(test_file);
}

/* The number of entries of test_dir whose name contains part. */
static int
count_in_dir(const char *part)
{
	DIR *d = opendir(test_dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, part) != NULL)
			n++;
	(void)closedir(d);
	return n;
}

/* Fail if msg quotes any secret of the fixtures (or a prefix of one). */
static void
assert_no_secret(const char *row, const char *msg)
{
	static const char *const secrets[] = {
	    PEPPER_HEX, FLOW_HEX, LEGACY_HEX, ENH_HEX};
	char prefix[13];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(secrets); i++) {
		(void)strlcpy_s(prefix, secrets[i], sizeof(prefix));
		if (strstr(msg, prefix) != NULL)
			fail_msg("%s: message quotes a key: %s", row, msg);
	}
	if (strchr(msg, '\n') != NULL)
		fail_msg("%s: message is not one line: %s", row, msg);
}

static int
setup(void **state)
{
	int n;

	(void)state;
	if (scratch_dir(test_dir, sizeof(test_dir), "test_keys") == -1)
		return -1;
	n = snprintf(test_file, sizeof(test_file), "%s/keys.json", test_dir);
	if (n < 0 || (size_t)n >= sizeof(test_file))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	DIR *d;
	struct dirent *e;
	char p[PATH_MAX + 256];

	(void)state;
	if ((d = opendir(test_dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			(void)snprintf(
			    p, sizeof(p), "%s/%s", test_dir, e->d_name);
			if (unlink(p) == -1)
				(void)rmdir(p);
		}
		(void)closedir(d);
	}
	return rmdir(test_dir);
}

static int
all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
test_init(void **state)
{
	char err[SSPR_MAX_ERROR], other[PATH_MAX];
	struct keys *a = NULL, *b = NULL;
	struct stat st;

	(void)state;
	remove_test_file();
	assert_int_equal(keys_init(test_file, err, sizeof(err)), 0);
	assert_int_equal(lstat(test_file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	if (keys_load(test_file, &a, err, sizeof(err)) != 0)
		fail_msg("load after init: %s", err);
	assert_int_equal(a->pepper_id, 1);
	assert_int_equal(a->nappl, 0);
	assert_false(all_zero(a->pepper, KEYS_SECRET_LEN));
	assert_false(all_zero(a->flow_key, KEYS_SECRET_LEN));
	assert_memory_not_equal(a->pepper, a->flow_key, KEYS_SECRET_LEN);

	path_in_dir(other, sizeof(other), "other.json");
	assert_int_equal(keys_init(other, err, sizeof(err)), 0);
	if (keys_load(other, &b, err, sizeof(err)) != 0)
		fail_msg("load second init: %s", err);
	assert_memory_not_equal(a->pepper, b->pepper, KEYS_SECRET_LEN);
	assert_memory_not_equal(a->flow_key, b->flow_key, KEYS_SECRET_LEN);
	assert_int_equal(count_in_dir(".tmp."), 0);
	keys_free(a);
	keys_free(b);
	keys_free(NULL);
	(void)unlink(other);
}

static void
test_init_refuses(void **state)
{
	static const char old[] = "not a key file";
	char err[SSPR_MAX_ERROR], want[2 * PATH_MAX + 64], buf[64];
	char p[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	(void)state;
	/* An existing file is left alone. */
	remove_test_file();
	write_file(test_file, old, sizeof(old) - 1, 0600);
	assert_int_equal(keys_init(test_file, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want),
	    "key file '%s' already exists; not overwritten", test_file);
	assert_string_equal(err, want);
	fd = open(test_file, O_RDONLY | O_CLOEXEC);
	assert_true(fd != -1);
	n = read(fd, buf, sizeof(buf));
	(void)close(fd);
	assert_int_equal(n, sizeof(old) - 1);
	assert_memory_equal(buf, old, sizeof(old) - 1);

	/* A dangling symbolic link is not followed to create its target. */
	remove_test_file();
	path_in_dir(p, sizeof(p), "target.json");
	assert_int_equal(symlink(p, test_file), 0);
	assert_int_equal(keys_init(test_file, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(lstat(p, &st), -1);
	remove_test_file();

	/* A missing parent directory is named. */
	path_in_dir(p, sizeof(p), "nodir/keys.json");
	assert_int_equal(keys_init(p, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want),
	    "cannot create key file '%s': directory '%s/nodir' does not "
	    "exist",
	    p, test_dir);
	assert_string_equal(err, want);
	assert_int_equal(count_in_dir(""), 2); /* "." and ".." */
}

enum setup {
	S_FILE,    /* write text with mode */
	S_MISSING, /* nothing there */
	S_SYMLINK, /* a link to a good file */
	S_DIR,     /* a directory */
	S_BIG,     /* a good file padded past 64 KiB */
	S_MANY,    /* 65 APPLIDs */
	S_OWNER,   /* a good file owned by another user (root only) */
};

static void
make_many(char *buf, size_t bufsize)
{
	size_t off;
	int i, n;

	n = snprintf(buf, bufsize,
	    "{\"version\":1," PEPPER "," FLOW ",\"passticket\":{");
	assert_true(n > 0 && (size_t)n < bufsize);
	off = (size_t)n;
	for (i = 0; i < KEYS_MAX_APPLS + 1; i++) {
		n = snprintf(buf + off, bufsize - off, "%s" LEGACY("A%d", ""),
		    i > 0 ? "," : "", i);
		assert_true(n > 0 && (size_t)n < bufsize - off);
		off += (size_t)n;
	}
	assert_true(off + 3 < bufsize);
	memcpy(buf + off, "}}", 3);
}

/*
 * Make test_file as a row's setup says, from len bytes of text: S_FILE
 * with mode, S_SYMLINK a link to such a file (target.json, mode 0600),
 * S_DIR a directory, S_OWNER a mode 0600 file owned by uid 1, S_MISSING
 * nothing.  S_BIG and S_MANY are the caller's: it builds their text and
 * asks for S_FILE.  Returns 0 when the row cannot run here (S_OWNER needs
 * root), else 1.
 */
static int
place_test_file(const char *row, enum setup setup, const char *text, size_t len,
    mode_t mode)
{
	char other[PATH_MAX];

	remove_test_file();
	path_in_dir(other, sizeof(other), "target.json");
	(void)unlink(other);
	switch (setup) {
	case S_FILE:
		write_file(test_file, text, len, mode);
		break;
	case S_MISSING:
		break;
	case S_SYMLINK:
		write_file(other, text, len, 0600);
		assert_int_equal(symlink(other, test_file), 0);
		break;
	case S_DIR:
		assert_int_equal(mkdir(test_file, 0700), 0);
		break;
	case S_OWNER:
		if (geteuid() != 0) {
			print_message("skipped row %s: needs root\n", row);
			return 0;
		}
		write_file(test_file, text, len, 0600);
		assert_int_equal(chown(test_file, 1, 1), 0);
		break;
	case S_BIG:
	case S_MANY:
		fail_msg("row '%s': the caller builds this file", row);
	}
	return 1;
}

static void
test_load_errors(void **state)
{
	static const struct {
		const char *name;
		enum setup setup;
		const char *text;
		mode_t mode;
		const char *want; /* substring of the message */
	} cases[] = {
	    /* the file itself */
	    {"missing", S_MISSING, NULL, 0,
	        "keys.json' does not exist; create it with: sspr keys init "
	        "--file /"},
	    {"mode 0644", S_FILE, WITH(""), 0644,
	        "keys.json' is readable by group or others (mode 0644); run: "
	        "chmod 600 /"},
	    {"mode 0640", S_FILE, WITH(""), 0640,
	        "keys.json' is readable by group or others (mode 0640); run: "
	        "chmod 600 /"},
	    {"mode 0604", S_FILE, WITH(""), 0604, "(mode 0604)"},
	    {"mode 0620", S_FILE, WITH(""), 0620,
	        "keys.json' is accessible by group or others (mode 0620)"},
	    {"symlink", S_SYMLINK, WITH(""), 0600,
	        "keys.json' is a symbolic link, which sspr does not follow"},
	    {"directory", S_DIR, NULL, 0, "keys.json' is not a regular file"},
	    {"over 64 KiB", S_BIG, WITH(""), 0600,
	        "keys.json' is larger than 65536 bytes"},
	    {"other owner", S_OWNER, WITH(""), 0600,
	        "keys.json' belongs to uid 1, not to the user sspr runs as"},

	    /* JSON syntax: the token near the error may be a key */
	    {"empty", S_FILE, "", 0600, "keys.json:1:0: "},
	    {"truncated key", S_FILE,
	        "{\"version\":1," FLOW ",\"pepper\":{"
	        "\"key\":\"" PEPPER_HEX,
	        0600, "keys.json:1:"},
	    {"line break in key", S_FILE,
	        "{\"version\":1,\"flow_key\":\"f10f10f1ffee\nddcc\"}", 0600,
	        "keys.json:1:"},
	    {"key where a name belongs", S_FILE,
	        "{\"version\":1,\"flow_key\":\"x\" \"" FLOW_HEX "\"}", 0600,
	        "keys.json:1:"},
	    {"duplicate exact", S_FILE,
	        "{\"version\":1,\"version\":1," PEPPER "," FLOW "}", 0600,
	        "duplicate member \"version\""},
	    {"top-level array", S_FILE, "[1]", 0600,
	        "keys.json: expected an object at top level, got an array"},

	    /* unknown keys at each level */
	    {"unknown top", S_FILE,
	        "{\"version\":1," PEPPER "," FLOW ",\"extra\":1}", 0600,
	        "keys.json: unknown key 'extra' at top level"},
	    {"unknown pepper", S_FILE,
	        "{\"version\":1,\"pepper\":{\"id\":1,\"key\":\"" PEPPER_HEX
	        "\",\"kye\":1}," FLOW "}",
	        0600, "keys.json: pepper: unknown key 'kye'"},
	    {"unknown entry", S_FILE, WITH(LEGACY("SSPRAPPL", ",\"kye\":1")),
	        0600, "keys.json: passticket.SSPRAPPL: unknown key 'kye'"},

	    /* top level */
	    {"missing version", S_FILE, "{" PEPPER "," FLOW "}", 0600,
	        "keys.json: missing required key 'version' at top level"},
	    {"missing flow", S_FILE, "{\"version\":1," PEPPER "}", 0600,
	        "keys.json: missing required key 'flow_key' at top level"},
	    {"version 2", S_FILE, "{\"version\":2," PEPPER "," FLOW "}", 0600,
	        "keys.json: version: 2 is not supported (this sspr reads "
	        "version 1)"},
	    {"version string", S_FILE,
	        "{\"version\":\"1\"," PEPPER "," FLOW "}", 0600,
	        "keys.json: version: expected an integer, got a string"},
	    {"passticket array", S_FILE,
	        "{\"version\":1," PEPPER "," FLOW ",\"passticket\":[]}", 0600,
	        "keys.json: passticket: expected an object, got an array"},

	    /* pepper and flow key */
	    {"pepper id 0", S_FILE,
	        "{\"version\":1,\"pepper\":{\"id\":0,\"key\":\"" PEPPER_HEX
	        "\"}," FLOW "}",
	        0600, "keys.json: pepper.id: 0 is out of range 1-65535"},
	    {"pepper id 65536", S_FILE,
	        "{\"version\":1,\"pepper\":{\"id\":65536,\"key\":\"" PEPPER_HEX
	        "\"}," FLOW "}",
	        0600, "keys.json: pepper.id: 65536 is out of range 1-65535"},
	    {"pepper without key", S_FILE,
	        "{\"version\":1,\"pepper\":{\"id\":1}," FLOW "}", 0600,
	        "keys.json: pepper: missing required key 'key'"},
	    {"short pepper", S_FILE,
	        "{\"version\":1,\"pepper\":{\"id\":1,\"key\":"
	        "\"" SHORT_PEPPER_HEX "\"}," FLOW "}",
	        0600,
	        "keys.json: pepper.key: must be 64 hexadecimal digits (a "
	        "256-bit key)"},
	    {"non-hex flow key", S_FILE,
	        "{\"version\":1," PEPPER ",\"flow_key\":\"" BAD_FLOW_HEX "\"}",
	        0600,
	        "keys.json: flow_key: must be 64 hexadecimal digits (a 256-bit "
	        "key)"},
	    {"flow key number", S_FILE,
	        "{\"version\":1," PEPPER ",\"flow_key\":5}", 0600,
	        "keys.json: flow_key: expected a string, got an integer"},

	    /* APPLIDs */
	    {"APPLID starts with digit", S_FILE, WITH(LEGACY("1ABC", "")), 0600,
	        "keys.json: passticket: '1ABC' is not a valid APPLID (1-8 "
	        "characters A-Z 0-9 # @ $, not starting with a digit)"},
	    {"APPLID too long", S_FILE, WITH(LEGACY("TOOLONGAP", "")), 0600,
	        "keys.json: passticket: 'TOOLONGAP' is not a valid APPLID"},
	    {"APPLID empty", S_FILE, WITH(LEGACY("", "")), 0600,
	        "keys.json: passticket: '' is not a valid APPLID"},
	    {"APPLID bad character", S_FILE, WITH(LEGACY("AB-C", "")), 0600,
	        "keys.json: passticket: 'AB-C' is not a valid APPLID"},
	    {"APPLID control character", S_FILE, WITH(LEGACY("A\\nB", "")),
	        0600, "keys.json: passticket: 'A?B' is not a valid APPLID"},
	    {"APPLID duplicate", S_FILE,
	        WITH(LEGACY("SSPRAPPL", "") "," ENHANCED("ssprAppl", "")), 0600,
	        "keys.json: passticket.ssprAppl: duplicate of APPLID "
	        "'SSPRAPPL' (APPLIDs are not case-sensitive)"},
	    {"too many APPLIDs", S_MANY, NULL, 0600,
	        "keys.json: passticket: more than 64 APPLIDs"},
	    {"entry not an object", S_FILE, WITH("\"SSPRAPPL\":\"x\""), 0600,
	        "keys.json: passticket.SSPRAPPL: expected an object, got a "
	        "string"},

	    /* entries */
	    {"missing kind", S_FILE,
	        WITH("\"SSPRAPPL\":{\"key\":\"" LEGACY_HEX "\"}"), 0600,
	        "keys.json: passticket.SSPRAPPL: missing required key 'kind'"},
	    {"missing key", S_FILE, WITH("\"SSPRAPPL\":{\"kind\":\"legacy\"}"),
	        0600,
	        "keys.json: passticket.SSPRAPPL: missing required key 'key'"},
	    {"unknown kind", S_FILE,
	        WITH("\"SSPRAPPL\":{\"kind\":\"des\",\"key\":\"" LEGACY_HEX
	             "\"}"),
	        0600,
	        "keys.json: passticket.SSPRAPPL.kind: 'des' is not one of "
	        "legacy, enhanced"},
	    {"legacy with type", S_FILE,
	        WITH(LEGACY("SSPRAPPL", ",\"type\":\"upper\"")), 0600,
	        "keys.json: passticket.SSPRAPPL.type: not allowed when kind "
	        "is 'legacy'"},
	    {"unknown type", S_FILE,
	        WITH(ENHANCED("CICSPROD", ",\"type\":\"lower\"")), 0600,
	        "keys.json: passticket.CICSPROD.type: 'lower' is not one of "
	        "upper, mixed"},
	    {"type number", S_FILE, WITH(ENHANCED("CICSPROD", ",\"type\":1")),
	        0600,
	        "keys.json: passticket.CICSPROD.type: expected a string, got "
	        "an integer"},
	    {"enhanced 31 bytes", S_FILE,
	        WITH("\"CICSPROD\":{\"kind\":\"enhanced\",\"key\":\"" ENH31_HEX
	             "\"}"),
	        0600,
	        "keys.json: passticket.CICSPROD.key: an enhanced PassTicket "
	        "key "
	        "must be 32 to 256 bytes"},
	    {"legacy 15 digits", S_FILE,
	        WITH("\"SSPRAPPL\":{\"kind\":\"legacy\",\"key\":"
	             "\"e00119351956197\"}"),
	        0600,
	        "keys.json: passticket.SSPRAPPL.key: a legacy PassTicket key "
	        "must be 16 hexadecimal digits"},
	    {"legacy as enhanced", S_FILE,
	        WITH("\"SSPRAPPL\":{\"kind\":\"enhanced\",\"key\":\"" LEGACY_HEX
	             "\"}"),
	        0600,
	        "keys.json: passticket.SSPRAPPL.key: an enhanced PassTicket "
	        "key must be 32 to 256 bytes"},
	    {"legacy not hex", S_FILE,
	        WITH("\"SSPRAPPL\":{\"kind\":\"legacy\",\"key\":"
	             "\"e00119351956197g\"}"),
	        0600,
	        "keys.json: passticket.SSPRAPPL.key: PassTicket key contains "
	        "a character that is not hexadecimal"},
	    {"created negative", S_FILE,
	        WITH(LEGACY("SSPRAPPL", ",\"created\":-1")), 0600,
	        "keys.json: passticket.SSPRAPPL.created: must not be "
	        "negative"},
	    {"created string", S_FILE,
	        WITH(LEGACY("SSPRAPPL", ",\"created\":\"2024\"")), 0600,
	        "keys.json: passticket.SSPRAPPL.created: expected an integer, "
	        "got a string"},
	};
	char text[KEYS_MAX_APPLS * 80 + 1024], err[SSPR_MAX_ERROR];
	struct keys *sentinel = (struct keys *)&text, *out;
	const char *data;
	char *big = NULL;
	enum setup setup;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *want = cases[i].want;

		text[0] = '\0';
		if (cases[i].text != NULL)
			(void)strlcpy_s(text, cases[i].text, sizeof(text));
		data = text;
		len = strlen(text);
		setup = cases[i].setup;
		if (setup == S_BIG) { /* the text padded past 64 KiB */
			big = xmalloc(64 * 1024 + 2);
			memset(big, ' ', 64 * 1024 + 1);
			memcpy(big, text, len);
			data = big;
			len = 64 * 1024 + 1;
			setup = S_FILE;
		} else if (setup == S_MANY) {
			make_many(text, sizeof(text));
			len = strlen(text);
			setup = S_FILE;
		}
		if (!place_test_file(
		        cases[i].name, setup, data, len, cases[i].mode))
			continue;

		out = sentinel;
		memset(err, 'X', sizeof(err));
		if (keys_load(test_file, &out, err, sizeof(err)) != -1)
			fail_msg("row '%s': loaded, want error '%s'",
			    cases[i].name, want);
		if (out != sentinel)
			fail_msg(
			    "row '%s': *out written on error", cases[i].name);
		if (strstr(err, want) == NULL)
			fail_msg("row '%s': message\n  %s\nlacks\n  %s",
			    cases[i].name, err, want);
		assert_no_secret(cases[i].name, err);
		free(big);
		big = NULL;
	}

	/* Exactly at the ceiling still loads. */
	remove_test_file();
	big = xmalloc(64 * 1024);
	memset(big, ' ', 64 * 1024);
	memcpy(big, WITH(""), sizeof(WITH("")) - 1);
	write_file(test_file, big, 64 * 1024, 0600);
	free(big);
	out = NULL;
	if (keys_load(test_file, &out, err, sizeof(err)) != 0)
		fail_msg("64 KiB file: %s", err);
	keys_free(out);

	/* A FIFO is refused without blocking. */
	remove_test_file();
	assert_int_equal(mkfifo(test_file, 0600), 0);
	assert_int_equal(keys_load(test_file, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a regular file"));
	remove_test_file();

	/* A message cut to a small buffer stays terminated. */
	write_file(test_file, WITH(""), sizeof(WITH("")) - 1, 0644);
	assert_int_equal(keys_load(test_file, &out, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	remove_test_file();
}

static void
test_load_defaults(void **state)
{
	static const char text[] = WITH(
	    LEGACY("ssprappl", "") "," ENHANCED("CicsProd", "") "," ENHANCED(
	        "TSO@1", ",\"type\":\"mixed\",\"created\":1700000000"));
	char err[SSPR_MAX_ERROR];
	const struct passticket_key *pk;
	struct passticket_key want;
	struct keys *k = NULL;
	size_t i;

	(void)state;
	remove_test_file();
	write_file(test_file, text, sizeof(text) - 1, 0600);
	if (keys_load(test_file, &k, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(k->nappl, 3);
	assert_int_equal(k->pepper_id, 1);
	/* Names are stored upper-case; created defaults to 0. */
	assert_string_equal(k->appl[0].applid, "SSPRAPPL");
	assert_string_equal(k->appl[1].applid, "CICSPROD");
	assert_string_equal(k->appl[2].applid, "TSO@1");
	assert_int_equal(k->appl[0].created, 0);
	assert_int_equal(k->appl[2].created, 1700000000);

	assert_int_equal(passticket_key_hex(&want, PTKT_LEGACY, PTKT_UPPER,
	                     LEGACY_HEX, err, sizeof(err)),
	    0);
	pk = keys_passticket(k, "SSPRAPPL");
	assert_non_null(pk);
	assert_int_equal(pk->kind, PTKT_LEGACY);
	assert_int_equal(pk->len, 8);
	assert_memory_equal(pk->key, want.key, 8);

	pk = keys_passticket(k, "cicsprod");
	assert_non_null(pk);
	assert_int_equal(pk->kind, PTKT_ENHANCED);
	assert_int_equal(pk->type, PTKT_UPPER); /* the default */
	assert_int_equal(pk->len, 32);
	pk = keys_passticket(k, "tso@1");
	assert_non_null(pk);
	assert_int_equal(pk->type, PTKT_MIXED);

	/* the secrets decode to the bytes of their hex */
	for (i = 0; i < 4; i++)
		assert_int_equal(k->pepper[i], 0x5e);
	assert_int_equal(k->pepper[31], 0xbb);
	assert_int_equal(k->flow_key[0], 0xf1);
	assert_int_equal(k->flow_key[31], 0x44);
	keys_free(k);

	/* No passticket object at all: no APPLIDs. */
	write_file(test_file, "{\"version\":1," PEPPER "," FLOW "}",
	    sizeof("{\"version\":1," PEPPER "," FLOW "}") - 1, 0600);
	k = NULL;
	if (keys_load(test_file, &k, err, sizeof(err)) != 0)
		fail_msg("load without passticket: %s", err);
	assert_int_equal(k->nappl, 0);
	assert_null(keys_passticket(k, "SSPRAPPL"));
	keys_free(k);
	remove_test_file();
}

/* Fill len bytes with a pattern that depends on seed. */
static void
fill(unsigned char *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed * 31u + i * 7u + (i >> 3));
}

static void
make_key(struct passticket_key *key, enum passticket_kind kind,
    enum passticket_type type, size_t len, unsigned seed)
{
	memset(key, 0, sizeof(*key));
	key->kind = kind;
	key->type = type;
	key->len = len;
	fill(key->key, len, seed);
}

static void
test_round_trip(void **state)
{
	static const struct {
		const char *applid;
		enum passticket_kind kind;
		enum passticket_type type;
		size_t len;
		time_t created;
	} appls[] = {
	    {"SSPRAPPL", PTKT_LEGACY, PTKT_UPPER, 8, 1700000000},
	    {"CICSPROD", PTKT_ENHANCED, PTKT_UPPER, 32, 0},
	    {"TSO#SYS1", PTKT_ENHANCED, PTKT_MIXED, 256, 1800000001},
	};
	char err[SSPR_MAX_ERROR];
	struct keys *k, *back = NULL;
	struct passticket_key key;
	const struct passticket_key *pk;
	struct stat st;
	size_t i;

	(void)state;
	remove_test_file();
	k = xcalloc(1, sizeof(*k));
	k->pepper_id = 65535;
	fill(k->pepper, KEYS_SECRET_LEN, 1);
	fill(k->flow_key, KEYS_SECRET_LEN, 2);
	for (i = 0; i < ARRAY_SIZE(appls); i++) {
		make_key(&key, appls[i].kind, appls[i].type, appls[i].len,
		    (unsigned)i + 10);
		assert_int_equal(keys_set_passticket(k, appls[i].applid, &key,
		                     appls[i].created, err, sizeof(err)),
		    0);
	}
	if (keys_save(test_file, k, err, sizeof(err)) != 0)
		fail_msg("save: %s", err);
	assert_int_equal(lstat(test_file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_in_dir(".tmp."), 0);
	if (keys_load(test_file, &back, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(back->pepper_id, 65535);
	assert_memory_equal(back->pepper, k->pepper, KEYS_SECRET_LEN);
	assert_memory_equal(back->flow_key, k->flow_key, KEYS_SECRET_LEN);
	assert_int_equal(back->nappl, ARRAY_SIZE(appls));
	for (i = 0; i < ARRAY_SIZE(appls); i++) {
		make_key(&key, appls[i].kind, appls[i].type, appls[i].len,
		    (unsigned)i + 10);
		pk = keys_passticket(back, appls[i].applid);
		if (pk == NULL)
			fail_msg("%s: not loaded back", appls[i].applid);
		assert_int_equal(pk->kind, key.kind);
		assert_int_equal(pk->type, key.type);
		assert_int_equal(pk->len, key.len);
		assert_memory_equal(pk->key, key.key, key.len);
	}
	for (i = 0; i < back->nappl; i++) {
		size_t j;

		for (j = 0; j < ARRAY_SIZE(appls); j++)
			if (strcmp(back->appl[i].applid, appls[j].applid) == 0)
				assert_int_equal(
				    back->appl[i].created, appls[j].created);
	}

	/* Saving over the file (a rotation) replaces it, atomically. */
	make_key(&key, PTKT_LEGACY, PTKT_UPPER, 8, 99);
	assert_int_equal(
	    keys_set_passticket(back, "sspraPPL", &key, 5, err, sizeof(err)),
	    0);
	assert_int_equal(keys_save(test_file, back, err, sizeof(err)), 0);
	keys_free(back);
	back = NULL;
	assert_int_equal(keys_load(test_file, &back, err, sizeof(err)), 0);
	assert_int_equal(back->nappl, 3);
	assert_memory_equal(keys_passticket(back, "SSPRAPPL")->key, key.key, 8);
	assert_int_equal(count_in_dir(".tmp."), 0);
	keys_free(back);
	keys_free(k);
	remove_test_file();
}

static void
test_save_errors(void **state)
{
	char err[SSPR_MAX_ERROR], p[PATH_MAX], want[PATH_MAX + 128];
	struct keys *k = xcalloc(1, sizeof(*k));
	struct stat st;

	(void)state;
	remove_test_file();
	k->pepper_id = 1;

	/* A directory in the way: the rename fails, no temporary remains. */
	assert_int_equal(mkdir(test_file, 0700), 0);
	assert_int_equal(keys_save(test_file, k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot rename"));
	assert_int_equal(count_in_dir(".tmp."), 0);
	remove_test_file();

	/* A missing directory. */
	path_in_dir(p, sizeof(p), "nodir/keys.json");
	assert_int_equal(keys_save(p, k, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want),
	    "cannot save key file '%s': cannot create a temporary file next "
	    "to it: ",
	    p);
	assert_non_null(strstr(err, want));

	/* A struct that would not load back is not written. */
	k->pepper_id = 0;
	assert_int_equal(keys_save(test_file, k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the pepper id is not 1-65535"));
	assert_int_equal(lstat(test_file, &st), -1);
	k->pepper_id = 1;
	k->nappl = 1;
	(void)strlcpy_s(k->appl[0].applid, "lower", sizeof(k->appl[0].applid));
	make_key(&k->appl[0].key, PTKT_LEGACY, PTKT_UPPER, 8, 1);
	assert_int_equal(keys_save(test_file, k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "an APPLID is not valid"));
	(void)strlcpy_s(k->appl[0].applid, "LOWER", sizeof(k->appl[0].applid));
	k->appl[0].key.len = 9;
	assert_int_equal(keys_save(test_file, k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid kind, type or length"));
	assert_int_equal(lstat(test_file, &st), -1);
	assert_int_equal(count_in_dir(".tmp."), 0);
	keys_free(k);
}

static void
test_set_passticket(void **state)
{
	static const struct {
		const char *applid;
		enum passticket_kind kind;
		enum passticket_type type;
		size_t len;
		const char *want; /* NULL: accepted */
	} cases[] = {
	    {"SSPRAPPL", PTKT_LEGACY, PTKT_UPPER, 8, NULL},
	    {"ssprappl", PTKT_ENHANCED, PTKT_MIXED, 64, NULL}, /* rotation */
	    {"A", PTKT_LEGACY, PTKT_MIXED, 8, NULL},
	    {"1ABC", PTKT_LEGACY, PTKT_UPPER, 8,
	        "'1ABC' is not a valid APPLID (1-8 characters A-Z 0-9 # @ $, "
	        "not starting with a digit)"},
	    {"TOOLONGAP", PTKT_LEGACY, PTKT_UPPER, 8,
	        "'TOOLONGAP' is not a valid APPLID"},
	    {"", PTKT_LEGACY, PTKT_UPPER, 8, "'' is not a valid APPLID"},
	    {"CICSPROD", PTKT_LEGACY, PTKT_UPPER, 7,
	        "the PassTicket key for 'CICSPROD' has an invalid kind, type "
	        "or length"},
	    {"CICSPROD", PTKT_ENHANCED, PTKT_UPPER, 31,
	        "the PassTicket key for 'CICSPROD' has an invalid kind"},
	    {"CICSPROD", PTKT_ENHANCED, PTKT_UPPER, 257,
	        "the PassTicket key for 'CICSPROD' has an invalid kind"},
	    {"CICSPROD", PTKT_ENHANCED, (enum passticket_type)7, 32,
	        "the PassTicket key for 'CICSPROD' has an invalid kind"},
	};
	char err[SSPR_MAX_ERROR], name[16];
	struct keys *k = xcalloc(1, sizeof(*k));
	struct passticket_key key;
	const struct passticket_key *pk;
	size_t i, n;
	int j;

	(void)state;
	k->pepper_id = 1;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = k->nappl;
		make_key(&key, cases[i].kind, cases[i].type,
		    cases[i].len > 256 ? 256 : cases[i].len, (unsigned)i);
		key.len = cases[i].len;
		err[0] = '\0';
		j = keys_set_passticket(k, cases[i].applid, &key,
		    1000 + (time_t)i, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (j != 0)
				fail_msg("row %zu (%s): refused: %s", i,
				    cases[i].applid, err);
			pk = keys_passticket(k, cases[i].applid);
			assert_non_null(pk);
			assert_int_equal(pk->kind, cases[i].kind);
			assert_int_equal(pk->len, cases[i].len);
			assert_memory_equal(pk->key, key.key, key.len);
			/* legacy keys carry no type */
			assert_int_equal(pk->type, cases[i].kind == PTKT_LEGACY
			                               ? PTKT_UPPER
			                               : cases[i].type);
			continue;
		}
		if (j != -1)
			fail_msg("row %zu (%s): accepted", i, cases[i].applid);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("row %zu: message '%s' lacks '%s'", i, err,
			    cases[i].want);
		assert_int_equal(k->nappl, n);
	}
	/* The rotation replaced the entry: two APPLIDs, not three. */
	assert_int_equal(k->nappl, 2);
	assert_string_equal(k->appl[0].applid, "SSPRAPPL");
	assert_int_equal(k->appl[0].created, 1001);
	assert_int_equal(k->appl[0].key.kind, PTKT_ENHANCED);
	assert_int_equal(k->appl[0].key.len, 64);

	/* Lookups: any case, NULL for unknown or invalid names. */
	assert_ptr_equal(keys_passticket(k, "SsprAppl"), &k->appl[0].key);
	assert_ptr_equal(keys_passticket(k, "a"), &k->appl[1].key);
	assert_null(keys_passticket(k, "CICSPROD"));
	assert_null(keys_passticket(k, "SSPRAPP"));
	assert_null(keys_passticket(k, "SSPRAPPLX"));
	assert_null(keys_passticket(k, ""));
	assert_null(keys_passticket(k, NULL));
	assert_null(keys_passticket(NULL, "SSPRAPPL"));

	/* The table fills up at KEYS_MAX_APPLS. */
	make_key(&key, PTKT_LEGACY, PTKT_UPPER, 8, 3);
	for (i = k->nappl; i < KEYS_MAX_APPLS; i++) {
		(void)snprintf(name, sizeof(name), "B%zu", i);
		assert_int_equal(
		    keys_set_passticket(k, name, &key, 0, err, sizeof(err)), 0);
	}
	assert_int_equal(
	    keys_set_passticket(k, "FULL", &key, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot add APPLID 'FULL': the key file "
	                         "already holds the maximum of 64");
	/* replacing still works when full */
	assert_int_equal(
	    keys_set_passticket(k, "b10", &key, 0, err, sizeof(err)), 0);
	assert_int_equal(k->nappl, KEYS_MAX_APPLS);
	keys_free(k);
}

static void
test_fingerprint(void **state)
{
	struct passticket_key a, b;
	char fa[17], fb[17], err[SSPR_MAX_ERROR];
	size_t i;

	(void)state;
	/* Known answers: SHA-256("sspr-passticket-key-v1" || kind || type
	 * || key), first 8 bytes. */
	assert_int_equal(passticket_key_hex(&a, PTKT_LEGACY, PTKT_UPPER,
	                     "0123456789ABCDEF", err, sizeof(err)),
	    0);
	passticket_fingerprint(&a, fa);
	assert_string_equal(fa, "c7553b5f83a309a6");
	a.type = PTKT_MIXED; /* meaningless for legacy: ignored */
	passticket_fingerprint(&a, fb);
	assert_string_equal(fb, fa);

	memset(&b, 0, sizeof(b));
	b.kind = PTKT_ENHANCED;
	b.type = PTKT_MIXED;
	b.len = 32;
	for (i = 0; i < 32; i++)
		b.key[i] = (unsigned char)i;
	passticket_fingerprint(&b, fb);
	assert_string_equal(fb, "e3e7555c2997421b");

	/* Stable, and different for another key, type or kind. */
	passticket_fingerprint(&b, fa);
	assert_string_equal(fa, fb);
	b.type = PTKT_UPPER;
	passticket_fingerprint(&b, fa);
	assert_string_not_equal(fa, fb);
	b.type = PTKT_MIXED;
	b.key[31] ^= 1;
	passticket_fingerprint(&b, fa);
	assert_string_not_equal(fa, fb);
	b.key[31] ^= 1;
	b.key[40] = 0x55; /* beyond len: ignored */
	passticket_fingerprint(&b, fa);
	assert_string_equal(fa, fb);

	/* Same leading bytes, legacy against enhanced. */
	memset(&a, 0, sizeof(a));
	memcpy(&a, &b, sizeof(a));
	a.kind = PTKT_LEGACY;
	a.type = PTKT_UPPER;
	a.len = 8;
	b.type = PTKT_UPPER;
	b.len = 8; /* not a valid enhanced key; only the kind differs */
	passticket_fingerprint(&a, fa);
	passticket_fingerprint(&b, fb);
	assert_string_not_equal(fa, fb);
	assert_int_equal(strlen(fa), 16);
	assert_int_equal(strspn(fa, "0123456789abcdef"), 16);
}

static void
test_read_hex_file(void **state)
{
	static const struct {
		const char *name;
		enum setup setup;
		const char *text;
		size_t len; /* 0: strlen(text) */
		mode_t mode;
		size_t size;      /* of the output buffer */
		const char *want; /* the digits, or a message substring */
		int ok;
	} cases[] = {
	    {"plain", S_FILE, LEGACY_HEX, 0, 0600, 513, LEGACY_HEX, 1},
	    {"blanks and line end", S_FILE, " \t" LEGACY_HEX "\r\n\n", 0, 0600,
	        513, LEGACY_HEX, 1},
	    {"upper case, exact fit", S_FILE, "E001193519561977\n", 0, 0600, 17,
	        "E001193519561977", 1},
	    {"enhanced", S_FILE, ENH_HEX "\n", 0, 0600, 513, ENH_HEX, 1},
	    {"one too many", S_FILE, LEGACY_HEX, 0, 0600, 16,
	        "keys.json' holds more than 15 hexadecimal digits", 0},
	    {"missing", S_MISSING, NULL, 0, 0, 513, "keys.json' does not exist",
	        0},
	    {"mode 0644", S_FILE, LEGACY_HEX, 0, 0644, 513,
	        "keys.json' is readable by group or others (mode 0644); run: "
	        "chmod 600 /",
	        0},
	    {"mode 0660", S_FILE, LEGACY_HEX, 0, 0660, 513, "(mode 0660)", 0},
	    {"symlink", S_SYMLINK, LEGACY_HEX, 0, 0600, 513,
	        "keys.json' is a symbolic link", 0},
	    {"directory", S_DIR, NULL, 0, 0, 513,
	        "keys.json' is not a regular file", 0},
	    {"other owner", S_OWNER, LEGACY_HEX, 0, 0600, 513,
	        "keys.json' belongs to uid 1, not to the user sspr runs as", 0},
	    {"empty", S_FILE, "", 0, 0600, 513, "keys.json' holds no key", 0},
	    {"blanks only", S_FILE, " \n\t\n", 0, 0600, 513,
	        "keys.json' holds no key", 0},
	    {"inner blank", S_FILE, "e0011935 19561977", 0, 0600, 513,
	        "keys.json' holds a character that is not a hexadecimal "
	        "digit (at byte 9)",
	        0},
	    {"not hex", S_FILE, "e00119351956197g", 0, 0600, 513,
	        "not a hexadecimal digit (at byte 16)", 0},
	    {"NUL byte", S_FILE,
	        "e0011935\0"
	        "1956197",
	        16, 0600, 513, "not a hexadecimal digit (at byte 9)", 0},
	    {"over 4096 bytes", S_BIG, NULL, 0, 0600, 513,
	        "keys.json' is larger than 4096 bytes", 0},
	};
	char hex[513], err[SSPR_MAX_ERROR], other[PATH_MAX];
	char big[4097];
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *text = cases[i].text != NULL ? cases[i].text : "";

		len = cases[i].len != 0 ? cases[i].len : strlen(text);
		if (cases[i].setup == S_BIG) { /* 4097 digits */
			memset(big, '0', sizeof(big));
			text = big;
			len = sizeof(big);
		}
		if (!place_test_file(cases[i].name,
		        cases[i].setup == S_BIG ? S_FILE : cases[i].setup, text,
		        len, cases[i].mode))
			continue;
		memset(hex, '#', sizeof(hex));
		hex[sizeof(hex) - 1] = '\0';
		err[0] = '\0';
		if (keys_read_hex_file(test_file, hex, cases[i].size, err,
		        sizeof(err)) != (cases[i].ok ? 0 : -1))
			fail_msg("row '%s': wrong result; message '%s'",
			    cases[i].name, err);
		if (cases[i].ok) {
			if (strcmp(hex, cases[i].want) != 0)
				fail_msg("row '%s': read '%s', want '%s'",
				    cases[i].name, hex, cases[i].want);
			continue;
		}
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("row '%s': message\n  %s\nlacks\n  %s",
			    cases[i].name, err, cases[i].want);
		if (strspn(hex, "#") != sizeof(hex) - 1)
			fail_msg(
			    "row '%s': output written on error", cases[i].name);
		assert_no_secret(cases[i].name, err);
		if (strstr(err, "sspr keys init") != NULL)
			fail_msg("row '%s': not the key file: %s",
			    cases[i].name, err);
		if (strstr(err, "e0011935") != NULL)
			fail_msg("row '%s': message quotes the file: %s",
			    cases[i].name, err);
	}
	remove_test_file();
	path_in_dir(other, sizeof(other), "target.json");
	(void)unlink(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_init_refuses),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_load_defaults),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_save_errors),
	    cmocka_unit_test(test_set_passticket),
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_read_hex_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
