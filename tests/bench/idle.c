/*
 * idle.c - hold COUNT idle TCP connections open to 127.0.0.1:PORT.
 *
 * Connects COUNT times without sending a byte, prints "open N" on stdout
 * once all are connected, then waits for SIGTERM or SIGINT and closes
 * them.  The benchmark reads the server's memory meanwhile.  Exit status
 * 0 after the signal, 1 when a connection fails (after saying how many
 * were open), 2 on usage errors.
 *
 *   idle PORT COUNT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/banned.h"

#define IDLE_MAX 60000

int
main(int argc, char **argv)
{
	static int fds[IDLE_MAX];
	struct sockaddr_in sa;
	long port, count, i;
	sigset_t set;
	char *end;
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: idle PORT COUNT\n");
		return 2;
	}
	port = strtol(argv[1], &end, 10);
	if (*end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "idle: bad port '%s'\n", argv[1]);
		return 2;
	}
	count = strtol(argv[2], &end, 10);
	if (*end != '\0' || count < 1 || count > IDLE_MAX) {
		fprintf(stderr, "idle: bad count '%s'\n", argv[2]);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < count; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] == -1 ||
		    connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) == -1) {
			fprintf(stderr, "idle: connection %ld: %s\n", i + 1,
			    strerror(errno));
			printf("open %ld\n", i);
			return 1;
		}
	}
	printf("open %ld\n", count);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	for (i = 0; i < count; i++)
		close(fds[i]);
	return 0;
}
