/*
 * mailer.c - sspr's mail set-up and templated messages (see mailer.h).
 */
#include "sspr/mailer.h"

#include <errno.h>
#include <nettle/hmac.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/filetrust.h"
#include "compat/secretfile.h"
#include "mail/message.h"
#include "sspr/health.h"
#include "compat/banned.h"

#define MAILER_MAX_PASSWORD 1024

extern char **environ;

/* Strip one trailing line end (and blanks) from a secret read from a file
 * or a command. */
static void
mailer_chomp(char *s, size_t *len)
{
	while (*len > 0 && strchr(" \t\r\n", s[*len - 1]) != NULL)
		s[--*len] = '\0';
}

static int
mailer_password_file(const char *path, char **out, char *err, size_t errsize)
{
	size_t len, cap;
	char *buf;

	if (secret_file_read(path, "mail password file", "",
	        MAILER_MAX_PASSWORD, &buf, &len, &cap, err, errsize) == -1)
		return -1;
	mailer_chomp(buf, &len);
	if (len == 0 || memchr(buf, '\0', len) != NULL ||
	    strpbrk(buf, "\r\n") != NULL) {
		snprintf(err, errsize,
		    "mail password file '%s' must hold one line", path);
		freezero(buf, cap);
		return -1;
	}
	*out = xstrndup(buf, len);
	freezero(buf, cap);
	return 0;
}

/* Run cmd with /bin/sh and take its first line of output (a password
 * manager: "pass show relay", "vault kv get -field=pw ..."). */
static int
mailer_password_command(const char *cmd, char **out, char *err, size_t errsize)
{
	char buf[MAILER_MAX_PASSWORD + 2];
	char sh[] = "/bin/sh", dash_c[] = "-c";
	char *line = xstrdup(cmd);
	char *argv[] = {sh, dash_c, line, NULL};
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	int p[2], status, rc = -1;
	ssize_t n;
	pid_t pid;

	/* A program named by its path is held to the rule of every file
	 * sspr trusts (filetrust.h): one others may change would run as
	 * the service. */
	if (cmd[0] == '/') {
		char prog[PATH_MAX];
		size_t k = strcspn(cmd, " \t");

		if (k < sizeof(prog)) {
			memcpy(prog, cmd, k);
			prog[k] = '\0';
			if (filetrust_check(prog, "mail password command", 0,
			        err, errsize) != 0) {
				free(line);
				return -1;
			}
		}
	}
	if (pipe(p) == -1) {
		snprintf(
		    err, errsize, "mail password command: %s", strerror(errno));
		free(line);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) != 0) {
		snprintf(err, errsize,
		    "mail password command: cannot run "
		    "/bin/sh");
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		free(line);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	free(line);
	close(p[1]);
	while (len < sizeof(buf) - 1 &&
	       (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errsize,
		    "mail password command failed (exit status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	len = strlen(buf);
	if (len == 0 || len > MAILER_MAX_PASSWORD) {
		snprintf(
		    err, errsize, "mail password command printed no password");
		goto out;
	}
	*out = xstrndup(buf, len);
	rc = 0;
out:
	secure_zero(buf, sizeof(buf));
	return rc;
}

int
sspr_mailer_init(const struct cfg *cfg, const struct keys *keys,
    struct sspr_mailer *m, char *err, size_t errsize)
{
	const struct cfg_mail *c = &cfg->mail;
	static const char label[] = "sspr-outbox-v1";
	struct hmac_sha256_ctx h;

	memset(m, 0, sizeof(*m));
	if (!c->configured) {
		snprintf(err, errsize,
		    "'%s' has no \"mail\" section: sspr cannot send mail",
		    cfg->path);
		return -1;
	}
	m->t.kind = c->transport == CFG_MAIL_SMTP ? MAIL_SMTP : MAIL_DIRECTORY;
	m->t.from = c->from;
	m->t.url = c->url;
	m->t.starttls = c->starttls == CFG_STARTTLS_REQUIRED ? MAIL_TLS_REQUIRED
	                : c->starttls == CFG_STARTTLS_OPTIONAL
	                    ? MAIL_TLS_OPTIONAL
	                    : MAIL_TLS_OFF;
	m->t.user = c->user;
	m->t.ca_file = c->ca_file;
	m->t.client_cert = c->client_cert;
	m->t.client_key = c->client_key;
	m->t.timeout = c->timeout_seconds > 0 ? c->timeout_seconds : 30;
	m->t.dir = c->path;
	/* Messages hold access codes: the directory is this user's alone
	 * (filetrust.h). */
	if (c->path != NULL && filetrust_check(c->path, "mail directory",
	                           FT_DIR | FT_WRITE, err, errsize) != 0)
		return -1;
	/* libcurl reads these by path: the same rule first. */
	if ((c->ca_file != NULL && filetrust_check(c->ca_file, "mail CA file",
	                               0, err, errsize) != 0) ||
	    (c->client_cert != NULL &&
	        filetrust_check(c->client_cert, "mail client certificate", 0,
	            err, errsize) != 0) ||
	    (c->client_key != NULL &&
	        filetrust_check(c->client_key, "mail client key", FT_SECRET,
	            err, errsize) != 0))
		return -1;
	m->retry.initial = c->retry_initial_seconds;
	m->retry.max = c->retry_max_seconds;
	if (snprintf(m->templates, sizeof(m->templates), "%s/mail",
	        cfg->data_dir) >= (int)sizeof(m->templates)) {
		snprintf(
		    err, errsize, "data_dir '%s' is too long", cfg->data_dir);
		return -1;
	}
	if (c->password_file != NULL && mailer_password_file(c->password_file,
	                                    &m->password, err, errsize) == -1)
		return -1;
	if (c->password_command != NULL &&
	    mailer_password_command(
	        c->password_command, &m->password, err, errsize) == -1)
		return -1;
	m->t.password = m->password;
	snprintf(m->outbox_path, sizeof(m->outbox_path), "%s/outbox.db",
	    cfg->state_dir);
	if (keys != NULL) {
		hmac_sha256_set_key(&h, sizeof(keys->flow_key), keys->flow_key);
		hmac_sha256_update(
		    &h, sizeof(label) - 1, (const uint8_t *)label);
		hmac_sha256_digest(&h, SEAL_KEY_LEN, m->outbox_key);
		secure_zero(&h, sizeof(h));
		m->have_outbox = 1;
	}
	return 0;
}

void
sspr_mailer_release(struct sspr_mailer *m)
{
	mail_outbox_close(m->ob);
	strfreezero(m->password);
	secure_zero(m, sizeof(*m));
}

int
sspr_mail_compose(const struct sspr_mailer *m, const char *name,
    const char *lang, const char *rcpt, const char *rcpt_name,
    const struct mail_var *vars, size_t nvars, time_t now, struct strbuf *out,
    char *err, size_t errsize)
{
	struct mail_rendered r = {0};
	struct mail_msg msg = {0};
	int rc;

	if (mail_address_check(rcpt, err, errsize) == -1)
		return -1;
	if (mail_template_render(
	        m->templates, lang, name, vars, nvars, &r, err, errsize) == -1)
		return -1;
	msg.from = m->t.from;
	msg.from_name = "Self-Service Password Reset";
	msg.to = rcpt;
	msg.to_name = rcpt_name;
	msg.subject = r.subject;
	msg.text = r.body;
	msg.auto_submitted = 1;
	rc = mail_build(&msg, now, out, err, errsize);
	mail_rendered_release(&r);
	return rc;
}

int
sspr_mailer_check(struct sspr_mailer *m)
{
	struct stat st;

	if (!m->have_outbox)
		return 0;
	if (stat(m->outbox_path, &st) == -1) {
		if (!m->ob_known)
			return 0; /* not made yet: the sender makes it */
		health_fail(HEALTH_OUTBOX_FILE,
		    "outbox file: '%s' is gone (%s) while sspr runs: mail is "
		    "refused; restore it, or restart sspr to begin an empty "
		    "outbox",
		    m->outbox_path, strerror(errno));
		return -1;
	}
	if (!m->ob_known) {
		m->ob_dev = st.st_dev;
		m->ob_ino = st.st_ino;
		m->ob_known = 1;
	} else if (st.st_dev != m->ob_dev || st.st_ino != m->ob_ino) {
		health_fail(HEALTH_OUTBOX_FILE,
		    "outbox file: '%s' is another file than the one sspr "
		    "opened: mail is refused; restart sspr",
		    m->outbox_path);
		return -1;
	}
	if (health_failing(HEALTH_OUTBOX_FILE))
		health_ok(HEALTH_OUTBOX_FILE);
	return 0;
}

int
sspr_mail_enqueue(struct sspr_mailer *m, const char *name, const char *lang,
    const char *rcpt, const char *rcpt_name, const struct mail_var *vars,
    size_t nvars, time_t now, time_t not_after, long long *id, char *err,
    size_t errsize)
{
	struct strbuf out;
	int rc = -1;

	if (!m->have_outbox) {
		snprintf(err, errsize, "the mail outbox needs sspr's key file");
		return -1;
	}
	/* A message put in an outbox that is no longer on disk would be
	 * lost: refused, so that the caller says "not sent". */
	if (sspr_mailer_check(m) == -1) {
		snprintf(err, errsize,
		    "the mail outbox '%s' is missing: nothing was queued",
		    m->outbox_path);
		return -1;
	}
	if (m->ob == NULL && mail_outbox_open(m->outbox_path, m->outbox_key,
	                         &m->ob, err, errsize) == -1)
		return -1;
	if (!m->ob_known)
		(void)sspr_mailer_check(m);
	strbuf_init(&out, MAIL_MAX_MESSAGE);
	if (sspr_mail_compose(m, name, lang, rcpt, rcpt_name, vars, nvars, now,
	        &out, err, errsize) == 0 &&
	    mail_outbox_enqueue(m->ob, name, rcpt, out.buf, out.len, now,
	        not_after, id, err, errsize) == 0)
		rc = 0;
	strbuf_release(&out);
	return rc;
}
