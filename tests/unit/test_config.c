/*
 * test_config.c - unit tests for sspr/config.c.
 *
 * Each case writes a configuration file into a private temporary directory
 * (under $SSPR_TEST_TMP or /tmp) and loads it: a full file whose every
 * field, default and resolved path is checked, a minimal file, boundary
 * values that must load, and a table with one row per error whose exact
 * message (file, key path, reason) is compared.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "compat/ceilings.h"
#include "compat/compat.h"
#include "sspr/config.h"
#include "tests/unit/scratch.h"

#include "compat/banned.h"

static char test_dir[PATH_MAX];
static char test_file[PATH_MAX]; /* test_dir/sspr.json */

/* Write len bytes of text to path, or fail the test. */
static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	if (len > 0 && fwrite(text, 1, len, f) != len)
		fail_msg("cannot write '%s': short write", path);
	if (fclose(f) != 0)
		fail_msg("cannot close '%s': %s", path, strerror(errno));
}

static void
write_config(const char *text)
{
	write_file(test_file, text, strlen(text));
}

/* Load text as test_file; returns cfg_load()'s result. */
static int
load_text(const char *text, struct cfg **out, char *err, size_t errsize)
{
	write_config(text);
	return cfg_load(test_file, out, err, errsize);
}

static int
setup(void **state)
{
	int n;

	(void)state;
	/* expected paths below are absolute: scratch_dir() makes it so */
	if (scratch_dir(test_dir, sizeof(test_dir), "test_config") == -1)
		return -1;
	n = snprintf(test_file, sizeof(test_file), "%s/sspr.json", test_dir);
	if (n < 0 || (size_t)n >= sizeof(test_file))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)unlink(test_file);
	return rmdir(test_dir);
}

/* Expected path: test_dir + "/" + rel. */
static const char *
in_dir(char *buf, size_t bufsize, const char *rel)
{
	int n = snprintf(buf, bufsize, "%s/%s", test_dir, rel);

	assert_true(n > 0 && (size_t)n < bufsize);
	return buf;
}

static void
test_full(void **state)
{
	static const char text[] =
	    "{\n"
	    "  \"listen\": \"[::1]:9443\",\n"
	    "  \"base_url\": \"https://sspr.example.com\",\n"
	    "  \"state_dir\": \"state\",\n"
	    "  \"key_file\": \"/etc/sspr/keys.json\",\n"
	    "  \"systems\": [\n"
	    "    {\"name\": \"prod\", \"backend\": \"embedded\",\n"
	    "     \"db\": \"prod.db\", \"applid\": \"ssprappl\"},\n"
	    "    {\"name\": \"DR\", \"backend\": \"embedded\",\n"
	    "     \"db\": \"/srv/dr.db\", \"applid\": \"SSPR#@$1\"},\n"
	    "    {\"name\": \"TEST\", \"backend\": \"embedded\",\n"
	    "     \"db\": \"t/test.db\", \"applid\": \"TSTAPPL\"},\n"
	    "    {\"name\": \"$X\", \"backend\": \"embedded\",\n"
	    "     \"db\": \"x.db\", \"applid\": \"APPL9\"}\n"
	    "  ],\n"
	    "  \"mail\": {\"transport\": \"smtp\",\n"
	    "            \"url\": \"smtp://127.0.0.1:2525\",\n"
	    "            \"from\": \"sspr@example.com\",\n"
	    "            \"starttls\": \"optional\"},\n"
	    "  \"reset\": {\"access_code\": \"fixed\",\n"
	    "             \"access_code_field\": \"empser\",\n"
	    "             \"access_code_minutes\": 30,\n"
	    "             \"questions_asked\": 3,\n"
	    "             \"allow_resume\": false,\n"
	    "             \"passphrase\": \"only\"},\n"
	    "  \"hash\": {\"memory_kib\": 65536, \"iterations\": 3,\n"
	    "            \"parallelism\": 4}\n"
	    "}\n";
	struct cfg *cfg = NULL;
	char err[SSPR_MAX_ERROR], want[PATH_MAX + 32];

	(void)state;
	if (load_text(text, &cfg, err, sizeof(err)) == -1)
		fail_msg("full config refused: %s", err);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, test_file);
	assert_string_equal(cfg->listen, "[::1]:9443");
	assert_string_equal(cfg->base_url, "https://sspr.example.com");
	assert_string_equal(
	    cfg->state_dir, in_dir(want, sizeof(want), "state"));
	assert_string_equal(cfg->key_file, "/etc/sspr/keys.json");

	assert_int_equal(cfg->nsystems, 4);
	assert_string_equal(cfg->systems[0].name, "PROD");
	assert_int_equal(cfg->systems[0].backend, CFG_BACKEND_EMBEDDED);
	assert_string_equal(
	    cfg->systems[0].db, in_dir(want, sizeof(want), "prod.db"));
	assert_string_equal(cfg->systems[0].applid, "SSPRAPPL");
	assert_null(cfg->systems[0].url);

	assert_string_equal(cfg->systems[1].name, "DR");
	assert_string_equal(cfg->systems[1].db, "/srv/dr.db");
	assert_string_equal(cfg->systems[1].applid, "SSPR#@$1");

	assert_string_equal(cfg->systems[2].name, "TEST");
	assert_int_equal(cfg->systems[2].backend, CFG_BACKEND_EMBEDDED);
	assert_string_equal(
	    cfg->systems[2].db, in_dir(want, sizeof(want), "t/test.db"));
	assert_null(cfg->systems[2].url);
	assert_string_equal(cfg->systems[2].applid, "TSTAPPL");

	assert_string_equal(cfg->systems[3].name, "$X");
	assert_string_equal(cfg->systems[3].applid, "APPL9");

	assert_int_equal(cfg->mail.configured, 1);
	assert_int_equal(cfg->mail.transport, CFG_MAIL_SMTP);
	assert_string_equal(cfg->mail.url, "smtp://127.0.0.1:2525");
	assert_string_equal(cfg->mail.from, "sspr@example.com");
	assert_int_equal(cfg->mail.starttls, CFG_STARTTLS_OPTIONAL);
	assert_null(cfg->mail.path);

	assert_int_equal(cfg->reset.access_code, CFG_CODE_FIXED);
	assert_string_equal(cfg->reset.access_code_field, "EMPSER");
	assert_int_equal(cfg->reset.access_code_minutes, 30);
	assert_int_equal(cfg->reset.questions_asked, 3);
	assert_int_equal(cfg->reset.allow_resume, 0);
	assert_int_equal(cfg->reset.passphrase, CFG_PHRASE_ONLY);

	assert_int_equal(cfg->hash.memory_kib, 65536);
	assert_int_equal(cfg->hash.iterations, 3);
	assert_int_equal(cfg->hash.parallelism, 4);

	assert_ptr_equal(cfg_system(cfg, "prod"), &cfg->systems[0]);
	assert_ptr_equal(cfg_system(cfg, "PROD"), &cfg->systems[0]);
	assert_ptr_equal(cfg_system(cfg, "Test"), &cfg->systems[2]);
	assert_ptr_equal(cfg_system(cfg, "$x"), &cfg->systems[3]);
	assert_null(cfg_system(cfg, "PRO"));
	assert_null(cfg_system(cfg, "PRODX"));
	assert_null(cfg_system(cfg, ""));
	assert_null(cfg_system(cfg, NULL));
	cfg_free(cfg);
}

static void
test_minimal(void **state)
{
	static const char text[] =
	    "{\"state_dir\": \"/var/lib/sspr/\", \"systems\": [{\"name\": "
	    "\"PROD\", \"backend\": \"embedded\", \"db\": \"db/prod.db\", "
	    "\"applid\": \"APPL\"}]}";
	struct cfg *cfg = NULL;
	char err[SSPR_MAX_ERROR], want[PATH_MAX + 32];

	(void)state;
	if (load_text(text, &cfg, err, sizeof(err)) == -1)
		fail_msg("minimal config refused: %s", err);
	assert_string_equal(cfg->listen, "127.0.0.1:8080");
	assert_null(cfg->base_url);
	assert_string_equal(cfg->state_dir, "/var/lib/sspr/");
	assert_string_equal(cfg->key_file, "/var/lib/sspr/keys.json");
	assert_int_equal(cfg->nsystems, 1);
	assert_string_equal(
	    cfg->systems[0].db, in_dir(want, sizeof(want), "db/prod.db"));
	assert_int_equal(cfg->mail.configured, 0);
	assert_null(cfg->mail.url);
	assert_null(cfg->mail.from);
	assert_null(cfg->mail.path);
	assert_int_equal(cfg->reset.access_code, CFG_CODE_EMAIL);
	assert_string_equal(cfg->reset.access_code_field, "");
	assert_int_equal(cfg->reset.access_code_minutes, 15);
	assert_int_equal(cfg->reset.questions_asked, 2);
	assert_int_equal(cfg->reset.allow_resume, 1);
	assert_int_equal(cfg->reset.passphrase, CFG_PHRASE_ALLOWED);
	assert_int_equal(cfg->hash.memory_kib, 19456);
	assert_int_equal(cfg->hash.iterations, 2);
	assert_int_equal(cfg->hash.parallelism, 1);
	cfg_free(cfg);
}

/* Directory transport, empty reset and hash objects: defaults apply. */
static void
test_mail_directory(void **state)
{
	static const char text[] =
	    "{\"state_dir\": \"s\", \"key_file\": \"k/keys.json\", "
	    "\"systems\": [{\"name\": \"P\", \"backend\": \"embedded\", "
	    "\"db\": \"p.db\", \"applid\": \"A\"}], "
	    "\"mail\": {\"transport\": \"directory\", \"path\": \"outbox\", "
	    "\"from\": \"x@y.example\"}, \"reset\": {}, \"hash\": {}}";
	struct cfg *cfg = NULL;
	char err[SSPR_MAX_ERROR], want[PATH_MAX + 32];

	(void)state;
	if (load_text(text, &cfg, err, sizeof(err)) == -1)
		fail_msg("directory mail config refused: %s", err);
	assert_string_equal(
	    cfg->key_file, in_dir(want, sizeof(want), "k/keys.json"));
	assert_int_equal(cfg->mail.configured, 1);
	assert_int_equal(cfg->mail.transport, CFG_MAIL_DIRECTORY);
	assert_string_equal(
	    cfg->mail.path, in_dir(want, sizeof(want), "outbox"));
	assert_string_equal(cfg->mail.from, "x@y.example");
	assert_null(cfg->mail.url);
	assert_int_equal(cfg->reset.questions_asked, 2);
	assert_int_equal(cfg->hash.memory_kib, 19456);
	cfg_free(cfg);
}

/* A relative configuration path is resolved against the current
 * directory. */
static void
test_relative_config_path(void **state)
{
	static const char text[] =
	    "{\"state_dir\": \"st\", \"systems\": [{\"name\": \"P\", "
	    "\"backend\": \"embedded\", \"db\": \"../p.db\", \"applid\": "
	    "\"A\"}]}";
	char saved[PATH_MAX], cwd[PATH_MAX], want[PATH_MAX + 32];
	char err[SSPR_MAX_ERROR];
	struct cfg *cfg = NULL;
	const char *base;
	int rc;

	(void)state;
	write_config(text);
	assert_non_null(getcwd(saved, sizeof(saved)));
	base = strrchr(test_dir, '/');
	assert_non_null(base);
	{
		char parent[PATH_MAX];
		char rel[PATH_MAX];

		(void)snprintf(parent, sizeof(parent), "%.*s",
		    (int)(base - test_dir), test_dir);
		(void)snprintf(rel, sizeof(rel), "%s/sspr.json", base + 1);
		assert_int_equal(chdir(parent), 0);
		assert_non_null(getcwd(cwd, sizeof(cwd)));
		rc = cfg_load(rel, &cfg, err, sizeof(err));
		assert_int_equal(chdir(saved), 0);
		if (rc == -1)
			fail_msg("relative path refused: %s", err);
		assert_string_equal(cfg->path, rel);
		(void)snprintf(want, sizeof(want), "%s/%s/st", cwd, base + 1);
		assert_string_equal(cfg->state_dir, want);
		(void)snprintf(
		    want, sizeof(want), "%s/%s/../p.db", cwd, base + 1);
		assert_string_equal(cfg->systems[0].db, want);
	}
	cfg_free(cfg);

	/* The file in the current directory: "sspr.json". */
	assert_int_equal(chdir(test_dir), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	rc = cfg_load("sspr.json", &cfg, err, sizeof(err));
	assert_int_equal(chdir(saved), 0);
	if (rc == -1)
		fail_msg("bare file name refused: %s", err);
	(void)snprintf(want, sizeof(want), "%s/st", cwd);
	assert_string_equal(cfg->state_dir, want);
	(void)snprintf(want, sizeof(want), "%s/st/keys.json", cwd);
	assert_string_equal(cfg->key_file, want);
	cfg_free(cfg);
}

#define SYS_PROD                                                               \
	"{\"name\":\"PROD\",\"backend\":\"embedded\",\"db\":\"p.db\","         \
	"\"applid\":\"SSPRAPPL\"}"
#define SYS_LDAP                                                               \
	"{\"name\":\"TEST\",\"backend\":\"ldap\",\"url\":\"ldap://h\","        \
	"\"applid\":\"A\"}"
/* A valid file with extra top-level members appended. */
#define TOP(extra) "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD "]" extra "}"
/* A valid file whose only system is sys. */
#define SYSTEM(sys) "{\"state_dir\":\"st\",\"systems\":[" sys "]}"
/* A valid file with the members of one system appended to PROD's. */
#define SYSX(extra)                                                            \
	SYSTEM("{\"name\":\"PROD\",\"backend\":\"embedded\",\"db\":\"p.db\","  \
	       "\"applid\":\"SSPRAPPL\"" extra "}")
#define LDAPX(extra)                                                           \
	SYSTEM("{\"name\":\"TEST\",\"backend\":\"ldap\",\"url\":\"ldap://h\"," \
	       "\"applid\":\"A\"" extra "}")
#define SMTP(extra)                                                            \
	TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":\"smtp://h\","          \
	    "\"from\":\"a@b.example\"" extra "}")
#define DIRM(extra)                                                            \
	TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"out\","         \
	    "\"from\":\"a@b.example\"" extra "}")
#define RESET(members) TOP(",\"reset\":{" members "}")
#define HASH(members)  TOP(",\"hash\":{" members "}")

/* Boundary values and spellings that must load. */
static void
test_valid_variants(void **state)
{
	static const struct {
		const char *name;
		const char *in;
	} cases[] = {
	    {"memory floor", HASH("\"memory_kib\":19456")},
	    {"memory ceiling", HASH("\"memory_kib\":4194304")},
	    {"iterations bounds", HASH("\"iterations\":2")},
	    {"iterations ceiling", HASH("\"iterations\":1000")},
	    {"parallelism ceiling", HASH("\"parallelism\":16")},
	    {"minutes bounds", RESET("\"access_code_minutes\":1")},
	    {"minutes ceiling", RESET("\"access_code_minutes\":1440")},
	    {"one question", RESET("\"questions_asked\":1")},
	    {"no access code", RESET("\"access_code\":\"none\"")},
	    {"passphrase off", RESET("\"passphrase\":\"off\"")},
	    {"eight-character name",
	        SYSTEM("{\"name\":\"#@$A1234\",\"backend\":\"embedded\","
	               "\"db\":\"d\",\"applid\":\"A2345678\"}")},
	    {"smtp with auth, CA, client certificate and timeouts",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":\"smtps://h\","
	            "\"from\":\"a@b.example\",\"user\":\"relay\",\"password_"
	            "command\":"
	            "\"pass show "
	            "relay\",\"ca_file\":\"ca.pem\",\"client_cert\":"
	            "\"c.pem\",\"client_key\":\"c.key\",\"timeout_seconds\":5,"
	            "\"retry_initial_seconds\":1,\"retry_max_seconds\":60}")},
	    {"smtps with starttls off", TOP(",\"mail\":{\"transport\":\"smtp\","
	                                    "\"url\":\"smtps://h:465\","
	                                    "\"from\":\"a@b.example\","
	                                    "\"starttls\":\"off\"}")},
	    {"listen other loopback", TOP(",\"listen\":\"127.0.0.2:18443\"")},
	    {"listen every ipv4", TOP(",\"listen\":\"*:8080\"")},
	    {"listen every ipv6", TOP(",\"listen\":\"[::]:8080\"")},
	    {"listen highest port", TOP(",\"listen\":\"0.0.0.0:65535\"")},
	    {"base_url http", TOP(",\"base_url\":\"http://h:8080/sspr/\"")},
	    {"tls and proxies",
	        TOP(",\"tls\":{\"cert\":\"c.pem\",\"key\":\"c.key\"},"
	            "\"trusted_proxies\":[\"10.0.0.1\",\"::1\"]")},
	    {"utf-8 path", TOP(",\"key_file\":\"cl\\u00e9s.json\"")},
	    {"two systems", "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD
	                    ",{\"name\":\"DR\",\"backend\":\"embedded\","
	                    "\"db\":\"d\",\"applid\":\"A\"}]}"},
	    {"second system primary",
	        "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD
	        ",{\"name\":\"DR\",\"backend\":\"embedded\",\"db\":\"d\","
	        "\"applid\":\"A\",\"role\":\"primary\"}]}"},
	    {"inject", SYSX(",\"inject\":{\"latency_ms\":50,"
	                    "\"fail_writes\":3}")},
	    {"helpdesk", TOP(",\"helpdesk\":{\"group\":\"sspRhelp\","
	                     "\"idle_minutes\":480,\"max_hours\":24,"
	                     "\"protected_groups\":[\"SYS1\",\"SYSADM\"]}")},
	    {"journal and node",
	        TOP(",\"journal\":{\"retry_seconds\":1,"
	            "\"give_up_hours\":720,\"keep_days\":3650},\"node\":"
	            "\"web-1.example\",\"inject\":"
	            "{\"abort_after_writes\":3}")},
	};
	char err[SSPR_MAX_ERROR];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cfg *cfg = NULL;

		if (load_text(cases[i].in, &cfg, err, sizeof(err)) != 0)
			fail_msg(
			    "row %zu (%s): refused: %s", i, cases[i].name, err);
		if (cfg == NULL)
			fail_msg("row %zu (%s): no cfg", i, cases[i].name);
		cfg_free(cfg);
	}
}

/* The values of the several-systems keys, and their defaults. */
static void
test_systems_helpdesk(void **state)
{
	char err[SSPR_MAX_ERROR];
	struct cfg *cfg = NULL;

	(void)state;
	assert_int_equal(
	    load_text(
	        "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD
	        ",{\"name\":\"DR\",\"backend\":\"embedded\",\"db\":"
	        "\"d\",\"applid\":\"A\",\"role\":\"primary\","
	        "\"inject\":{\"latency_ms\":50}}],\"helpdesk\":{\"group\":"
	        "\"help\",\"protected_groups\":[\"sysadm\"]}}",
	        &cfg, err, sizeof(err)),
	    0);
	assert_int_equal(cfg->primary, 1);
	assert_int_equal(cfg->systems[0].role, CFG_ROLE_REPLICA);
	assert_int_equal(cfg->systems[1].role, CFG_ROLE_PRIMARY);
	assert_int_equal(cfg->systems[1].inject.latency_ms, 50);
	assert_int_equal(cfg->systems[0].inject.latency_ms, 0);
	assert_true(cfg->helpdesk.configured);
	assert_string_equal(cfg->helpdesk.group, "HELP");
	assert_int_equal(cfg->helpdesk.idle_minutes, 15);
	assert_int_equal(cfg->helpdesk.max_hours, 8);
	assert_int_equal(cfg->helpdesk.nprotected, 1);
	assert_string_equal(cfg->helpdesk.protected_groups[0], "SYSADM");
	assert_int_equal(cfg->journal.retry_seconds, 60);
	assert_int_equal(cfg->journal.give_up_hours, 72);
	assert_int_equal(cfg->journal.keep_days, 90);
	assert_null(cfg->node);
	cfg_free(cfg);
	assert_int_equal(load_text(TOP(""), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->primary, 0);
	assert_int_equal(cfg->systems[0].role, CFG_ROLE_PRIMARY);
	assert_false(cfg->helpdesk.configured);
	cfg_free(cfg);
}

enum row_match { EXACT, PREFIX };

static void
test_errors(void **state)
{
	/* want is the message after the file name ("<path>"): */
	static const struct {
		const char *name;
		const char *in;
		enum row_match match;
		const char *want;
	} cases[] = {
	    /* JSON syntax */
	    {"invalid json",
	        "{\n  \"state_dir\": \"x\",\n  \"systems\": [,]\n}", EXACT,
	        ":3:15: unexpected token near ','"},
	    {"empty file", "", EXACT,
	        ":1:0: '[' or '{' expected near end of file"},
	    {"duplicate key", "{\"state_dir\":\"a\",\n\"state_dir\":\"b\"}",
	        EXACT, ":2:11: duplicate member \"state_dir\""},
	    {"duplicate key nested", SYSX(",\"db\":\"q.db\""), EXACT,
	        ":1:101: duplicate member \"db\""},
	    {"duplicate key escaped",
	        "{\"state_dir\":\"a\",\n \"st\\u0061te_\\\"dir\\\\\":1,"
	        "\"state_\\\"dir\\\\\":2}",
	        EXACT, ":2:39: duplicate member \"state_\"dir\\\""},
	    {"duplicate key long",
	        "{\"a_rather_long_key_name_of_forty_bytes_xx\":1,"
	        "\"a_rather_long_key_name_of_forty_bytes_xx\":2}",
	        EXACT,
	        ":1:88: duplicate member "
	        "\"a_rather_long_key_name_of_forty_...\""},
	    {"NUL in key", "{\"sta\\u0000te\":1}", PREFIX,
	        ":1:14: NUL byte in object key not supported"},
	    {"top level array", "[]", EXACT,
	        ": expected an object at top level, got an array"},

	    /* several systems, the helpdesk, the journal */
	    {"two primaries",
	        "{\"state_dir\":\"st\",\"systems\":["
	        "{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"p\","
	        "\"applid\":\"A\",\"role\":\"primary\"},"
	        "{\"name\":\"D\",\"backend\":\"embedded\",\"db\":\"d\","
	        "\"applid\":\"A\",\"role\":\"primary\"}]}",
	        EXACT,
	        ": systems[1].role: only one system may be the primary (P is)"},
	    {"no primary", SYSX(",\"role\":\"replica\""), EXACT,
	        ": systems[0].role: no system is the primary: give one "
	        "\"role\": \"primary\""},
	    {"bad role", SYSX(",\"role\":\"backup\""), EXACT,
	        ": systems[0].role: 'backup' is not one of primary, replica"},
	    {"inject latency", SYSX(",\"inject\":{\"latency_ms\":60001}"),
	        EXACT,
	        ": systems[0].inject.latency_ms: 60001 is above the ceiling of "
	        "60000"},
	    {"inject unknown", SYSX(",\"inject\":{\"crash\":1}"), PREFIX,
	        ": systems[0].inject: unknown key 'crash'"},
	    {"helpdesk group", TOP(",\"helpdesk\":{\"idle_minutes\":5}"), EXACT,
	        ": helpdesk: missing required key 'group'"},
	    {"helpdesk bad group", TOP(",\"helpdesk\":{\"group\":\"1HELP\"}"),
	        EXACT,
	        ": helpdesk.group: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"helpdesk idle",
	        TOP(",\"helpdesk\":{\"group\":\"H\","
	            "\"idle_minutes\":0}"),
	        EXACT, ": helpdesk.idle_minutes: 0 is below the floor of 1"},
	    {"protected group",
	        TOP(",\"helpdesk\":{\"group\":\"H\","
	            "\"protected_groups\":[\"OK\",7]}"),
	        EXACT,
	        ": helpdesk.protected_groups[1]: must be a group name, 1-8 "
	        "characters A-Z 0-9 # @ $"},
	    {"journal retry", TOP(",\"journal\":{\"retry_seconds\":0}"), EXACT,
	        ": journal.retry_seconds: 0 is below the floor of 1"},
	    {"journal keep", TOP(",\"journal\":{\"keep_days\":3651}"), EXACT,
	        ": journal.keep_days: 3651 is above the ceiling of 3650"},
	    {"node", TOP(",\"node\":\"a b\""), EXACT,
	        ": node: may hold only letters, digits, '.', '-' and '_'"},

	    /* tls and trusted_proxies */
	    {"tls without key", TOP(",\"tls\":{\"cert\":\"c.pem\"}"), EXACT,
	        ": tls: missing required key 'key'"},
	    {"tls unknown key",
	        TOP(",\"tls\":{\"cert\":\"c\",\"key\":\"k\",\"ca\":\"x\"}"),
	        PREFIX, ": tls: unknown key 'ca'"},
	    {"proxy name", TOP(",\"trusted_proxies\":[\"10.0.0.1\",\"px\"]"),
	        EXACT,
	        ": trusted_proxies[1]: must be an IPv4 or IPv6 address (no "
	        "names, no prefixes)"},
	    {"proxy prefix", TOP(",\"trusted_proxies\":[\"10.0.0.0/8\"]"),
	        PREFIX, ": trusted_proxies[0]: must be an IPv4"},
	    {"proxy number", TOP(",\"trusted_proxies\":[1]"), EXACT,
	        ": trusted_proxies[0]: must be a string, not an integer"},

	    /* string contents */
	    {"NUL in string", TOP(",\"base_url\":\"http://a\\u0000b\""), EXACT,
	        ": base_url: contains a NUL character"},
	    {"NUL in system", SYSTEM("{\"name\":\"P\\u0000\"}"), EXACT,
	        ": systems[0].name: contains a NUL character"},
	    {"LF in string", "{\"state_dir\":\"a\\nb\"}", EXACT,
	        ": state_dir: contains a line break"},
	    {"CR in db", SYSTEM("{\"db\":\"a\\rb\"}"), EXACT,
	        ": systems[0].db: contains a line break"},
	    {"tab in starttls", SMTP(",\"starttls\":\"off\\t\""), EXACT,
	        ": mail.starttls: contains a control character"},

	    /* unknown keys, at each level */
	    {"unknown top", TOP(",\"lisen\":\"x\""), EXACT,
	        ": unknown key 'lisen' at top level"},
	    {"unknown system",
	        "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD
	        ",{\"name\":\"DR\",\"dbb\":\"x\"}]}",
	        EXACT, ": systems[1]: unknown key 'dbb'"},
	    {"unknown mail", SMTP(",\"port\":25"), EXACT,
	        ": mail: unknown key 'port'"},
	    {"unknown reset", RESET("\"questions\":2"), EXACT,
	        ": reset: unknown key 'questions'"},
	    {"unknown hash", HASH("\"memory\":2"), EXACT,
	        ": hash: unknown key 'memory'"},
	    {"unknown key quoted", TOP(",\"a\\u0001b\":1"), EXACT,
	        ": unknown key 'a?b' at top level"},
	    {"unknown key long",
	        TOP(",\"0123456789012345678901234567890123456789\":1"), EXACT,
	        ": unknown key '01234567890123456789012345678901...' at top "
	        "level"},

	    /* wrong types */
	    {"state_dir integer", "{\"state_dir\":1}", EXACT,
	        ": state_dir: expected a string, got an integer"},
	    {"listen null", TOP(",\"listen\":null"), EXACT,
	        ": listen: expected a string, got null"},
	    {"systems object", "{\"state_dir\":\"s\",\"systems\":{}}", EXACT,
	        ": systems: expected an array, got an object"},
	    {"system string", SYSTEM("\"PROD\""), EXACT,
	        ": systems[0]: expected an object, got a string"},
	    {"mail array", TOP(",\"mail\":[]"), EXACT,
	        ": mail: expected an object, got an array"},
	    {"reset true", TOP(",\"reset\":true"), EXACT,
	        ": reset: expected an object, got a boolean"},
	    {"memory real", HASH("\"memory_kib\":19456.0"), EXACT,
	        ": hash.memory_kib: expected an integer, got a real number"},
	    {"questions string", RESET("\"questions_asked\":\"2\""), EXACT,
	        ": reset.questions_asked: expected an integer, got a string"},
	    {"allow_resume string", RESET("\"allow_resume\":\"yes\""), EXACT,
	        ": reset.allow_resume: expected a boolean, got a string"},
	    {"allow_resume integer", RESET("\"allow_resume\":1"), EXACT,
	        ": reset.allow_resume: expected a boolean, got an integer"},
	    {"applid integer", SYSX(",\"dialect\":1"), EXACT,
	        ": systems[0].dialect: expected a string, got an integer"},

	    /* numbers out of range */
	    {"memory below floor", HASH("\"memory_kib\":1024"), EXACT,
	        ": hash.memory_kib: 1024 is below the floor of 19456 KiB"},
	    {"memory above ceiling", HASH("\"memory_kib\":4194305"), EXACT,
	        ": hash.memory_kib: 4194305 is above the ceiling of 4194304 "
	        "KiB"},
	    {"memory negative", HASH("\"memory_kib\":-1"), EXACT,
	        ": hash.memory_kib: -1 is below the floor of 19456 KiB"},
	    {"iterations 1", HASH("\"iterations\":1"), EXACT,
	        ": hash.iterations: 1 is below the floor of 2"},
	    {"iterations 1001", HASH("\"iterations\":1001"), EXACT,
	        ": hash.iterations: 1001 is above the ceiling of 1000"},
	    {"parallelism 0", HASH("\"parallelism\":0"), EXACT,
	        ": hash.parallelism: 0 is below the floor of 1"},
	    {"parallelism 17", HASH("\"parallelism\":17"), EXACT,
	        ": hash.parallelism: 17 is above the ceiling of 16"},
	    {"minutes 0", RESET("\"access_code_minutes\":0"), EXACT,
	        ": reset.access_code_minutes: 0 is below the floor of 1"},
	    {"minutes 1441", RESET("\"access_code_minutes\":1441"), EXACT,
	        ": reset.access_code_minutes: 1441 is above the ceiling of "
	        "1440"},
	    {"questions 0", RESET("\"questions_asked\":0"), EXACT,
	        ": reset.questions_asked: 0 is below the floor of 1"},
	    {"questions 4", RESET("\"questions_asked\":4"), EXACT,
	        ": reset.questions_asked: 4 is above the ceiling of 3"},
	    {"integer too big", HASH("\"memory_kib\":99999999999999999999"),
	        EXACT, ":1:140: too big integer near '99999999999999999999'"},

	    /* names */
	    {"name empty", SYSTEM("{\"name\":\"\"}"), EXACT,
	        ": systems[0].name: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"name too long", SYSTEM("{\"name\":\"ABCDEFGHI\"}"), EXACT,
	        ": systems[0].name: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"name digit first", SYSTEM("{\"name\":\"1ABC\"}"), EXACT,
	        ": systems[0].name: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"name bad char", SYSTEM("{\"name\":\"AB-C\"}"), EXACT,
	        ": systems[0].name: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"name non-ascii", SYSTEM("{\"name\":\"\\u00c9T\"}"), EXACT,
	        ": systems[0].name: must be 1-8 characters A-Z 0-9 # @ $, not "
	        "starting with a digit"},
	    {"duplicate name",
	        "{\"state_dir\":\"st\",\"systems\":[" SYS_PROD
	        ",{\"name\":\"DR\",\"backend\":\"embedded\",\"db\":\"d\","
	        "\"applid\":\"A\"},{\"name\":\"prod\"}]}",
	        EXACT,
	        ": systems[2].name: 'prod' is already used by "
	        "systems[0]"},
	    {"applid bad char",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"d\","
	               "\"applid\":\"APP%\"}"),
	        EXACT,
	        ": systems[0].applid: must be 1-8 characters A-Z 0-9 # @ $, "
	        "not "
	        "starting with a digit"},
	    {"applid nine",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"d\","
	               "\"applid\":\"SSPRAPPL1\"}"),
	        EXACT,
	        ": systems[0].applid: must be 1-8 characters A-Z 0-9 # @ $, "
	        "not "
	        "starting with a digit"},
	    {"applid starting with a digit",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"d\","
	               "\"applid\":\"1APPL\"}"),
	        EXACT,
	        ": systems[0].applid: must be 1-8 characters A-Z 0-9 # @ $, "
	        "not "
	        "starting with a digit"},
	    {"applid empty",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"d\","
	               "\"applid\":\"\"}"),
	        EXACT,
	        ": systems[0].applid: must be 1-8 characters A-Z 0-9 # @ $, "
	        "not "
	        "starting with a digit"},

	    /* missing required keys */
	    {"missing state_dir", "{\"systems\":[" SYS_PROD "]}", EXACT,
	        ": missing required key 'state_dir' at top level"},
	    {"missing systems", "{\"state_dir\":\"s\"}", EXACT,
	        ": missing required key 'systems' at top level"},
	    {"empty systems", "{\"state_dir\":\"s\",\"systems\":[]}", EXACT,
	        ": systems: must not be empty"},
	    {"missing name", SYSTEM("{\"backend\":\"ldap\"}"), EXACT,
	        ": systems[0]: missing required key 'name'"},
	    {"missing backend", SYSTEM("{\"name\":\"P\"}"), EXACT,
	        ": systems[0]: missing required key 'backend'"},
	    {"missing applid",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":"
	               "\"d\"}"),
	        EXACT, ": systems[0]: missing required key 'applid'"},
	    {"embedded without db",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"applid\":"
	               "\"A\"}"),
	        EXACT, ": systems[0].db: required when backend is 'embedded'"},
	    {"bad backend",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"db2\",\"applid\":\"A\"}"),
	        EXACT,
	        ": systems[0].backend: 'db2' is not one of embedded, ldap"},
	    {"empty state_dir", "{\"state_dir\":\"\"}", EXACT,
	        ": state_dir: must not be empty"},
	    {"empty db",
	        SYSTEM("{\"name\":\"P\",\"backend\":\"embedded\",\"db\":\"\","
	               "\"applid\":\"A\"}"),
	        EXACT, ": systems[0].db: must not be empty"},

	    /* backend-specific keys */
	    {"ldap without url",
	        SYSTEM("{\"name\":\"T\",\"backend\":\"ldap\",\"applid\":"
	               "\"A\"}"),
	        EXACT, ": systems[0].url: required when backend is 'ldap'"},
	    {"embedded with url", SYSX(",\"url\":\"ldap://h\""), EXACT,
	        ": systems[0].url: not allowed when backend is 'embedded'"},
	    {"embedded with dialect", SYSX(",\"dialect\":\"sdbm\""), EXACT,
	        ": systems[0].dialect: not allowed when backend is "
	        "'embedded'"},
	    {"ldap with db", LDAPX(",\"db\":\"x.db\""), EXACT,
	        ": systems[0].db: not allowed when backend is 'ldap'"},
	    {"ldap http url",
	        SYSTEM("{\"name\":\"T\",\"backend\":\"ldap\",\"url\":"
	               "\"http://h\",\"applid\":\"A\"}"),
	        EXACT, ": systems[0].url: must be an ldap:// or ldaps:// URL"},
	    {"ldap bare scheme",
	        SYSTEM("{\"name\":\"T\",\"backend\":\"ldap\",\"url\":"
	               "\"ldaps://\",\"applid\":\"A\"}"),
	        EXACT, ": systems[0].url: must be an ldap:// or ldaps:// URL"},
	    {"bad dialect", LDAPX(",\"dialect\":\"ad\""), EXACT,
	        ": systems[0].dialect: 'ad' is not one of openldap, sdbm"},
	    /* well-formed, but esm_open() has no such backend */
	    {"ldap not available", LDAPX(",\"dialect\":\"openldap\""), EXACT,
	        ": systems[0].backend: 'ldap' is not available in this "
	        "version of sspr (use \"embedded\")"},
	    {"ldap upper-case scheme not available",
	        SYSTEM("{\"name\":\"T\",\"backend\":\"ldap\",\"url\":"
	               "\"LDAPS://h\",\"applid\":\"A\"}"),
	        PREFIX, ": systems[0].backend: 'ldap' is not available"},

	    /* reset */
	    {"fixed without field", RESET("\"access_code\":\"fixed\""), EXACT,
	        ": reset.access_code_field: required when access_code is "
	        "'fixed'"},
	    {"field without fixed", RESET("\"access_code_field\":\"EMPSER\""),
	        EXACT,
	        ": reset.access_code_field: not allowed when access_code is "
	        "'email'"},
	    {"bad field name",
	        RESET("\"access_code\":\"fixed\",\"access_code_field\":"
	              "\"EMP.SER\""),
	        EXACT,
	        ": reset.access_code_field: must be a field name of 1-8 "
	        "characters A-Z 0-9 # @ $, not starting with a digit"},
	    {"access code field digit first",
	        RESET("\"access_code\":\"fixed\",\"access_code_field\":"
	              "\"1EMPSER\""),
	        EXACT,
	        ": reset.access_code_field: must be a field name of 1-8 "
	        "characters A-Z 0-9 # @ $, not starting with a digit"},
	    {"access code field is sspr's",
	        RESET("\"access_code\":\"fixed\",\"access_code_field\":"
	              "\"ssprpin\""),
	        EXACT,
	        ": reset.access_code_field: 'SSPRPIN' is sspr's own pin "
	        "field"},
	    {"access code field renamed sspr's",
	        RESET("\"access_code\":\"fixed\",\"access_code_field\":"
	              "\"EMPSER\",\"fields\":{\"code\":\"EMPSER\"}"),
	        EXACT,
	        ": reset.access_code_field: 'EMPSER' is sspr's own code "
	        "field"},
	    {"custom field digit first", RESET("\"fields\":{\"pin\":\"9PIN\"}"),
	        EXACT,
	        ": reset.fields.pin: must be a field name of 1-8 characters "
	        "A-Z 0-9 # @ $, not starting with a digit"},
	    {"bad access_code", RESET("\"access_code\":\"sms\""), EXACT,
	        ": reset.access_code: 'sms' is not one of email, fixed, none"},
	    {"bad passphrase", RESET("\"passphrase\":\"yes\""), EXACT,
	        ": reset.passphrase: 'yes' is not one of allowed, only, off"},

	    /* mail */
	    {"mail without transport",
	        TOP(",\"mail\":{\"from\":\"a@b.example\"}"), EXACT,
	        ": mail: missing required key 'transport'"},
	    {"bad transport", TOP(",\"mail\":{\"transport\":\"sendmail\"}"),
	        EXACT,
	        ": mail.transport: 'sendmail' is not one of smtp, directory"},
	    {"smtp without url",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"from\":\"a@b."
	            "example\"}"),
	        EXACT, ": mail.url: required when transport is 'smtp'"},
	    {"smtp without from",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":\"smtp://h\"}"),
	        EXACT, ": mail: missing required key 'from'"},
	    {"smtp with path", SMTP(",\"path\":\"out\""), EXACT,
	        ": mail.path: not allowed when transport is 'smtp'"},
	    {"smtp bad url",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":\"http://h\","
	            "\"from\":\"a@b.example\"}"),
	        EXACT, ": mail.url: must be an smtp:// or smtps:// URL"},
	    {"smtp url with space",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":\"smtp://h "
	            "x\",\"from\":\"a@b.example\"}"),
	        EXACT, ": mail.url: must be an smtp:// or smtps:// URL"},
	    {"bad starttls", SMTP(",\"starttls\":\"maybe\""), EXACT,
	        ": mail.starttls: 'maybe' is not one of required, optional, "
	        "off"},
	    {"directory with url", DIRM(",\"url\":\"smtp://h\""), EXACT,
	        ": mail.url: not allowed when transport is 'directory'"},
	    {"directory with starttls", DIRM(",\"starttls\":\"off\""), EXACT,
	        ": mail.starttls: not allowed when transport is 'directory'"},
	    {"directory with user", DIRM(",\"user\":\"u\""), EXACT,
	        ": mail.user: not allowed when transport is 'directory'"},
	    {"password file without user", SMTP(",\"password_file\":\"pw\""),
	        EXACT, ": mail.user: required when a password is configured"},
	    {"user without password", SMTP(",\"user\":\"u\""), EXACT,
	        ": mail.user: needs password_file or password_command (a "
	        "password is never written in this file)"},
	    {"two password sources",
	        SMTP(",\"user\":\"u\",\"password_file\":\"pw\","
	             "\"password_command\":\"pass show relay\""),
	        EXACT,
	        ": mail.password_command: give either password_file or "
	        "password_command, not both"},
	    {"cert without key", SMTP(",\"client_cert\":\"c.pem\""), EXACT,
	        ": mail.client_key: client_cert and client_key go together"},
	    {"timeout zero", SMTP(",\"timeout_seconds\":0"), PREFIX,
	        ": mail.timeout_seconds: "},
	    {"retry max below initial",
	        SMTP(",\"retry_initial_seconds\":60,\"retry_max_seconds\":30"),
	        PREFIX, ": mail.retry_max_seconds: "},
	    {"directory without path",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"from\":"
	            "\"a@b.example\"}"),
	        EXACT, ": mail.path: required when transport is 'directory'"},
	    {"from without at",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"sspr\"}"),
	        PREFIX, ": mail.from: e-mail address '"},
	    {"from two ats",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"a@b@c\"}"),
	        PREFIX, ": mail.from: e-mail address '"},
	    {"from with brackets",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"SSPR <a@b>\"}"),
	        PREFIX, ": mail.from: e-mail address '"},
	    {"from empty local part",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"@b\"}"),
	        PREFIX, ": mail.from: e-mail address '"},

	    {"from with comma",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"a,b@example.com\"}"),
	        EXACT,
	        ": mail.from: e-mail address 'a,b@example.com': an address "
	        "must be one mailbox: found ','"},
	    {"from one-label domain",
	        TOP(",\"mail\":{\"transport\":\"directory\",\"path\":\"o\","
	            "\"from\":\"sspr@localhost\"}"),
	        PREFIX, ": mail.from: e-mail address 'sspr@localhost': "},
	    {"smtp url port out of range",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":"
	            "\"smtp://h:99999\",\"from\":\"a@b.example\"}"),
	        PREFIX, ": mail.url: not a URL libcurl accepts: "},
	    {"smtp url with password",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":"
	            "\"smtp://relay:s3cret@h\",\"from\":\"a@b.example\"}"),
	        EXACT,
	        ": mail.url: the URL holds a password (use user with "
	        "password_file or password_command)"},
	    {"smtp url without host",
	        TOP(",\"mail\":{\"transport\":\"smtp\",\"url\":"
	            "\"smtp://:25\",\"from\":\"a@b.example\"}"),
	        PREFIX, ": mail.url: "},

	    /* listen, base_url */
	    {"listen host name", TOP(",\"listen\":\"localhost:1\""), EXACT,
	        ": listen: 'localhost' is not an IPv4 address: give an "
	        "address, not a host name (127.0.0.1, [::1], or * for every "
	        "IPv4 address)"},
	    {"listen short ipv4", TOP(",\"listen\":\"127.1:80\""), PREFIX,
	        ": listen: '127.1' is not an IPv4 address"},
	    {"listen bad ipv6", TOP(",\"listen\":\"[::g]:80\""), EXACT,
	        ": listen: '[::g]:80' is not a bracketed IPv6 address"},
	    {"listen without port", TOP(",\"listen\":\"8080\""), EXACT,
	        ": listen: must be address:port, like 127.0.0.1:8080 or "
	        "[::1]:8080"},
	    {"listen empty host", TOP(",\"listen\":\":8080\""), EXACT,
	        ": listen: must be address:port, like 127.0.0.1:8080 or "
	        "[::1]:8080"},
	    {"listen bare ipv6", TOP(",\"listen\":\"::1:8080\""), EXACT,
	        ": listen: an IPv6 address must be in brackets, like "
	        "[::1]:8080"},
	    {"listen port letters", TOP(",\"listen\":\"1.2.3.4:80a\""), EXACT,
	        ": listen: port must be 1-65535"},
	    {"listen port 0", TOP(",\"listen\":\"1.2.3.4:0\""), EXACT,
	        ": listen: port must be 1-65535"},
	    {"listen port 65536", TOP(",\"listen\":\"1.2.3.4:65536\""), EXACT,
	        ": listen: port must be 1-65535"},
	    {"base_url ftp", TOP(",\"base_url\":\"ftp://h\""), EXACT,
	        ": base_url: must be an http:// or https:// URL"},
	    {"base_url bare scheme", TOP(",\"base_url\":\"https://\""), EXACT,
	        ": base_url: must be an http:// or https:// URL"},
	};
	char err[SSPR_MAX_ERROR], want[PATH_MAX + SSPR_MAX_ERROR];
	struct cfg sentinel;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cfg *cfg = &sentinel;
		int rc;

		(void)snprintf(
		    want, sizeof(want), "%s%s", test_file, cases[i].want);
		memset(err, 'x', sizeof(err));
		err[sizeof(err) - 1] = '\0';
		rc = load_text(cases[i].in, &cfg, err, sizeof(err));
		if (rc != -1)
			fail_msg("row %zu (%s): accepted", i, cases[i].name);
		if (cfg != &sentinel)
			fail_msg("row %zu (%s): *out written on failure", i,
			    cases[i].name);
		if (cases[i].match == EXACT
		        ? strcmp(err, want) != 0
		        : strncmp(err, want, strlen(want)) != 0)
			fail_msg("row %zu (%s): got \"%s\", want %s\"%s\"", i,
			    cases[i].name, err,
			    cases[i].match == EXACT ? "" : "prefix ", want);
	}
}

static void
test_missing_file(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 64], err[SSPR_MAX_ERROR];
	struct cfg sentinel, *cfg = &sentinel;

	(void)state;
	(void)in_dir(path, sizeof(path), "nope.json");
	(void)snprintf(
	    want, sizeof(want), "configuration '%s' does not exist", path);
	assert_int_equal(cfg_load(path, &cfg, err, sizeof(err)), -1);
	assert_ptr_equal(cfg, &sentinel);
	assert_string_equal(err, want);

	/* A directory is not a configuration file. */
	(void)snprintf(want, sizeof(want),
	    "configuration '%s' is not a regular file", test_dir);
	assert_int_equal(cfg_load(test_dir, &cfg, err, sizeof(err)), -1);
	assert_ptr_equal(cfg, &sentinel);
	assert_string_equal(err, want);
}

/* Exactly SSPR_MAX_CONFIG_FILE bytes load; one more byte is refused. */
static void
test_file_size(void **state)
{
	static const char text[] = TOP("");
	size_t size = SSPR_MAX_CONFIG_FILE;
	char *big = malloc(size + 1);
	char want[PATH_MAX + 64], err[SSPR_MAX_ERROR];
	struct cfg sentinel, *cfg = &sentinel;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', size + 1);
	memcpy(big, text, strlen(text));

	write_file(test_file, big, size);
	if (cfg_load(test_file, &cfg, err, sizeof(err)) == -1)
		fail_msg("file of exactly the ceiling refused: %s", err);
	assert_ptr_not_equal(cfg, &sentinel);
	cfg_free(cfg);

	cfg = &sentinel;
	write_file(test_file, big, size + 1);
	(void)snprintf(want, sizeof(want),
	    "cannot read '%s': file is larger than 1048576 bytes", test_file);
	assert_int_equal(cfg_load(test_file, &cfg, err, sizeof(err)), -1);
	assert_ptr_equal(cfg, &sentinel);
	assert_string_equal(err, want);
	free(big);
}

/* A short error buffer gets a truncated, terminated message; a zero-sized
 * one is left alone. */
static void
test_small_err(void **state)
{
	char err[8];
	struct cfg sentinel, *cfg = &sentinel;

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(
	    load_text("{\"state_dir\":1}", &cfg, err, sizeof(err)), -1);
	assert_int_equal(strnlen(err, sizeof(err)), sizeof(err) - 1);
	assert_memory_equal(err, test_file, sizeof(err) - 1);
	memset(err, 'x', sizeof(err));
	assert_int_equal(load_text("{\"state_dir\":1}", &cfg, err, 0), -1);
	assert_int_equal(err[0], 'x');
	assert_ptr_equal(cfg, &sentinel);
}

/* cfg_load() installed jansson hooks that keep a size header: a block
 * round-trips, and jansson's own objects use them. */
static void
test_json_hooks(void **state)
{
	json_malloc_t m = NULL;
	json_free_t f = NULL;
	struct cfg *cfg = NULL;
	char err[SSPR_MAX_ERROR];
	json_t *o;
	char *s;

	(void)state;
	cfg_free(NULL);
	if (load_text(TOP(""), &cfg, err, sizeof(err)) == -1)
		fail_msg("config refused: %s", err);
	cfg_free(cfg);
	json_get_alloc_funcs(&m, &f);
	assert_non_null(m);
	assert_non_null(f);
	assert_true(m != malloc);
	assert_true(f != free);
	s = m(100);
	assert_non_null(s);
	memset(s, 'a', 100);
	f(s);
	f(NULL);
	o = json_pack("{s:s, s:i}", "secret", "hunter2", "n", 1);
	assert_non_null(o);
	s = json_dumps(o, JSON_COMPACT);
	assert_non_null(s);
	assert_string_equal(s, "{\"secret\":\"hunter2\",\"n\":1}");
	f(s);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_mail_directory),
	    cmocka_unit_test(test_relative_config_path),
	    cmocka_unit_test(test_valid_variants),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_systems_helpdesk),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_file_size),
	    cmocka_unit_test(test_small_err),
	    cmocka_unit_test(test_json_hooks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
