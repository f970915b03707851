/*
 * maildir.c - the directory transport (see maildir.h).
 */
#include "mail/maildir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compat/compat.h"
#include "compat/banned.h"

static int
maildir_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

enum mail_result
mail_dir_send(const struct mail_transport *t, const char *rcpt, const char *msg,
    size_t len, struct mail_status *st)
{
	char tmp[4096], final[4096], head[SSPR_MAX_ERROR];
	unsigned char rnd[8];
	int fd, n;

	/* The envelope goes into a header line of the file. */
	if (mail_transport_value("recipient", rcpt, st) == -1 ||
	    mail_transport_body(msg, len, st) == -1)
		return st->result;
	if (random_bytes(rnd, sizeof(rnd)) == -1) {
		st->result = MAIL_TEMPFAIL;
		snprintf(st->detail, sizeof(st->detail), "no randomness");
		return st->result;
	}
	n = snprintf(final, sizeof(final),
	    "%s/%lld-%02x%02x%02x%02x%02x%02x%02x%02x.eml", t->dir,
	    (long long)time(NULL), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
	    rnd[5], rnd[6], rnd[7]);
	if (n < 0 || (size_t)n >= sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", final) >= (int)sizeof(tmp)) {
		st->result = MAIL_PERMFAIL;
		snprintf(st->detail, sizeof(st->detail),
		    "mail directory name too long");
		return st->result;
	}
	snprintf(head, sizeof(head), "X-Sspr-Envelope-To: %s\r\n", rcpt);
	fd = open(
	    tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 || maildir_write_all(fd, head, strlen(head)) == -1 ||
	    maildir_write_all(fd, msg, len) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, final) == -1) {
		st->result = MAIL_TEMPFAIL;
		snprintf(st->detail, sizeof(st->detail),
		    "cannot write a message to '%s': %s", t->dir,
		    strerror(errno));
		if (fd != -1) {
			(void)close(fd);
			(void)unlink(tmp);
		}
		return st->result;
	}
	st->result = MAIL_SENT;
	snprintf(st->detail, sizeof(st->detail), "written to %.400s", final);
	return st->result;
}

enum mail_result
mail_dir_probe(const struct mail_transport *t, struct mail_status *st)
{
	struct stat sb;

	if (stat(t->dir, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    access(t->dir, W_OK | X_OK) == -1) {
		st->result = MAIL_PERMFAIL;
		snprintf(st->detail, sizeof(st->detail),
		    "mail directory '%s' is not a writable directory%s%s",
		    t->dir, errno ? ": " : "", errno ? strerror(errno) : "");
		return st->result;
	}
	st->result = MAIL_SENT;
	snprintf(st->detail, sizeof(st->detail),
	    "mail directory '%s' is writable", t->dir);
	return st->result;
}
