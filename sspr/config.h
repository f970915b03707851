/*
 * config.h - sspr's configuration: one JSON file, parsed once, strictly.
 *
 * cfg_load() reads the file of INTERFACES.md §2 with jansson's JSON_STRICT
 * unpacking: an unknown key, a value of the wrong type or out of range is
 * an error whose message names the file and the key path (for example
 * "sspr.json: systems[1].applid: must be 1-8 characters A-Z 0-9 # @ $").
 * Values are copied into a typed struct and the JSON tree is released (its
 * memory wiped: the file may name secrets' locations) before cfg_load()
 * returns.  After startup nobody holds a json_t.
 *
 * Relative paths in the file (state_dir, key_file, systems[].db,
 * mail.path) are resolved against the directory of the configuration file.
 *
 *	struct cfg *cfg;
 *	char err[SSPR_MAX_ERROR];
 *
 *	if (cfg_load("sspr.json", &cfg, err, sizeof(err)) == -1)
 *		die("%s", err);
 *	for (size_t i = 0; i < cfg->nsystems; i++)
 *		open_system(&cfg->systems[i]);
 *	cfg_free(cfg);
 */
#ifndef SSPR_CONFIG_H
#define SSPR_CONFIG_H

#include <stddef.h>

#include "compat/ceilings.h"

enum cfg_backend { CFG_BACKEND_EMBEDDED, CFG_BACKEND_LDAP };
enum cfg_ldap_dialect { CFG_LDAP_OPENLDAP, CFG_LDAP_SDBM };

enum cfg_role { CFG_ROLE_PRIMARY, CFG_ROLE_REPLICA };

/* Fault injection for tests and benchmarks ("inject"; esm.h). */
struct cfg_inject {
	unsigned latency_ms;  /* every ESM call first waits this long */
	unsigned fail_writes; /* the first N writes fail (ESM unavailable) */
};

#define CFG_MAX_SYSTEMS 16

struct cfg_system {
	char name[SSPR_MAX_USERID + 1]; /* 1-8 of A-Z 0-9 # @ $, unique */
	enum cfg_role role; /* one primary: the first unless another says
	                       so; it holds the reset flow's state and signs
	                       operators on */
	struct cfg_inject inject;
	enum cfg_backend backend;
	char *db;                         /* embedded: absolute path */
	char applid[SSPR_MAX_APPLID + 1]; /* PassTicket application */
	char *url;                        /* ldap: ldap:// or ldaps:// URL */
	enum cfg_ldap_dialect dialect;    /* ldap */
};

enum cfg_mail_transport { CFG_MAIL_SMTP, CFG_MAIL_DIRECTORY };
enum cfg_starttls {
	CFG_STARTTLS_REQUIRED,
	CFG_STARTTLS_OPTIONAL,
	CFG_STARTTLS_OFF
};

struct cfg_mail {
	int configured; /* 0 when the file has no "mail" object */
	enum cfg_mail_transport transport;
	char *url;  /* smtp: smtp:// or smtps:// URL */
	char *from; /* envelope and header sender */
	enum cfg_starttls starttls;
	char *path;                /* directory: absolute path */
	char *user;                /* smtp AUTH user; NULL: no AUTH */
	char *password_file;       /* smtp: file holding the password */
	char *password_command;    /* smtp: command printing the password */
	char *ca_file;             /* smtp: CA bundle; NULL: system CAs */
	char *client_cert;         /* smtp: client certificate (PEM) */
	char *client_key;          /* smtp: its key (PEM) */
	int timeout_seconds;       /* smtp: per connection, default 30 */
	int retry_initial_seconds; /* outbox backoff start, default 30 */
	int retry_max_seconds;     /* outbox backoff cap, default 3600 */
};

enum cfg_access_code { CFG_CODE_EMAIL, CFG_CODE_FIXED, CFG_CODE_NONE };
enum cfg_passphrase { CFG_PHRASE_ALLOWED, CFG_PHRASE_ONLY, CFG_PHRASE_OFF };

/* The ESM custom fields sspr uses (RACF CSDATA names), configurable. */
enum cfg_field {
	CFG_F_PIN,  /* hashed PIN */
	CFG_F_MAIL, /* e-mail address for codes and notices */
	CFG_F_Q1,   /* question IDs */
	CFG_F_Q2,
	CFG_F_Q3,
	CFG_F_A1, /* hashed answers */
	CFG_F_A2,
	CFG_F_A3,
	CFG_F_CODE,  /* the state of the current reset flow's access code */
	CFG_F_FAIL,  /* failed self-service attempts, lock */
	CFG_F_SDATE, /* when enrolled */
	CFG_F_RDATE, /* when last reset */
	CFG_FIELD_COUNT
};

struct cfg_reset {
	char fields[CFG_FIELD_COUNT][SSPR_MAX_FIELD_NAME + 1];
	int max_failures;     /* self-service lock after this many, default 5 */
	int lock_minutes;     /* how long, default 30 */
	int allow_privileged; /* SPECIAL etc. may self-serve; default no */
	int pin_min, pin_max; /* PIN digits, default 6-8 */
	enum cfg_access_code access_code;                /* default email */
	char access_code_field[SSPR_MAX_FIELD_NAME + 1]; /* for fixed */
	int access_code_minutes;        /* 1-1440, default 15 */
	int questions_asked;            /* 1-3, default 2 */
	int allow_resume;               /* default 1 */
	enum cfg_passphrase passphrase; /* default allowed */
};

struct cfg_hash {
	unsigned memory_kib;  /* >= 19456 (refuse below), default 19456 */
	unsigned iterations;  /* >= 2, default 2 */
	unsigned parallelism; /* 1-16, default 1 */
};

/* limits: the HTTP front end's connection fairness (SECURITY ROB-01). */
struct cfg_limits {
	unsigned connections_per_address; /* 1-1000, default 32; not applied
	                                     with trusted_proxies */
	unsigned request_seconds;         /* 2-300, default 10: a request (line,
	                                     headers, body) arrives within it */
};

#define CFG_MAX_PROXIES 16

struct cfg_tls {
	char *cert; /* PEM certificate chain, absolute path; NULL: no TLS */
	char *key;  /* PEM private key (a private file), absolute path */
};

#define CFG_MAX_PROTECTED 16

/* The helpdesk (absent: no helpdesk). */
struct cfg_helpdesk {
	int configured;
	char group[SSPR_MAX_GROUP + 1]; /* operators are connected to it */
	int idle_minutes;               /* session idle limit, default 15 */
	int max_hours;                  /* session lifetime, default 8 */
	char protected_groups[CFG_MAX_PROTECTED][SSPR_MAX_GROUP + 1];
	size_t nprotected; /* members are not helpdesk targets */
};

/* The journal of operations on several systems. */
struct cfg_journal {
	int retry_seconds; /* retry pending applies this often, default 60 */
	int give_up_hours; /* then report them failed, default 72 */
	int keep_days;     /* finished operations kept (helpdesk page),
	                      default 90; the audit trail keeps them all */
};

struct cfg {
	char *path;      /* the configuration file as given */
	char *node;      /* this node's name in the audit trail; NULL: the
	                    host name */
	char *listen;    /* host:port, default "127.0.0.1:8080" */
	char *base_url;  /* default NULL (derived from listen) */
	char *state_dir; /* absolute path; required */
	char *key_file;  /* absolute path; default state_dir/keys.json */
	char *data_dir;  /* templates and static files: absolute path;
	                    default $SSPR_DATA_DIR when absolute, else the
	                    directory chosen at build time (SSPR_DATADIR) */
	struct cfg_system *systems; /* 1 to CFG_MAX_SYSTEMS */
	size_t nsystems;
	size_t primary; /* index of the primary system */
	struct cfg_helpdesk helpdesk;
	struct cfg_journal journal;
	unsigned long inject_abort_after; /* tests: "inject":
	                                     {"abort_after_writes": K} */
	struct cfg_mail mail;
	struct cfg_reset reset;
	struct cfg_hash hash;
	struct cfg_limits limits;
	struct cfg_tls tls;
	char *proxies[CFG_MAX_PROXIES]; /* trusted_proxies, as written */
	size_t nproxies;
};

/*
 * Load and validate the configuration file at path.  On success returns 0
 * and *out is a new struct cfg (cfg_free it).  On failure returns -1,
 * writes one line naming the file and the key into err, and leaves *out
 * untouched.  Never prints.
 */
int cfg_load(const char *path, struct cfg **out, char *err, size_t errsize);

/*
 * cfg_load() of text already in memory: len bytes of buf (borrowed; need
 * not be NUL-terminated) stand for the file at path, which names the file
 * in messages and anchors relative paths; the file itself is not read.
 * For callers that hold the text (and for the fuzzer).
 */
int cfg_load_buf(const char *path, const char *buf, size_t len,
    struct cfg **out, char *err, size_t errsize);

struct sockaddr_storage;

/*
 * Parse a "listen" value into the socket address the service binds: an
 * IPv4 address "a.b.c.d:port", an IPv6 address "[addr]:port", or
 * "*:port" for every IPv4 address (0.0.0.0).  Host names are refused
 * (a name may resolve to another address than the one meant, or to
 * several).  port is 1-65535.  Returns 0 with *ss and *sslen written
 * (sin_port or sin6_port set), or -1 with a lower-case reason in why;
 * never prints.  cfg_load() and web_start() both use it, so a value that
 * loads is the address that is bound.
 */
int cfg_listen_parse(const char *s, struct sockaddr_storage *ss,
    unsigned int *sslen, char *why, size_t whysize);

/* Free a configuration; NULL-safe. */
void cfg_free(struct cfg *cfg);

/* The system called name (case-insensitive), or NULL; borrowed. */
const struct cfg_system *cfg_system(const struct cfg *cfg, const char *name);

#endif
