/*
 * baseline.c - the benchmark's yardstick: the cheapest libmicrohttpd
 * server there is, answering every request with the same 2-byte page.
 *
 * It runs with the daemon settings of web/server.c (internal polling
 * thread, epoll, a pool of 2 threads, the same per-connection memory
 * limit, timeout and connection limit), so that what sspr's /healthz
 * costs on top of it is sspr's own routing, headers and request log.
 * Listens on 127.0.0.1, port 0 by default; prints "port N" on stdout
 * once it listens, then serves until SIGTERM or SIGINT.  Exit status 0
 * after a signal, 1 when it cannot listen, 2 on usage errors.
 *
 *   baseline [PORT]
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/banned.h"

static const char baseline_page[] = "ok";

static enum MHD_Result
baseline_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct MHD_Response *r = cls;

	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (*req_cls == NULL) {
		/* The first call only sees the headers (as in sspr). */
		*req_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0; /* a body is read and dropped */
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, r);
}

int
main(int argc, char **argv)
{
	const union MHD_DaemonInfo *di;
	struct MHD_Response *r;
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	sigset_t set;
	long port = 0;
	char *end;
	int sig;

	if (argc > 2) {
		fprintf(stderr, "usage: baseline [PORT]\n");
		return 2;
	}
	if (argc == 2) {
		port = strtol(argv[1], &end, 10);
		if (*end != '\0' || port < 0 || port > 65535) {
			fprintf(stderr, "baseline: bad port '%s'\n", argv[1]);
			return 2;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = MHD_create_response_from_buffer(strlen(baseline_page),
	    (void *)(uintptr_t)baseline_page, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    (uint16_t)port, NULL, NULL, baseline_access, r,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)(64 * 1024), MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_CONNECTION_LIMIT, 4000u, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "baseline: cannot listen on port %ld\n", port);
		MHD_destroy_response(r);
		return 1;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("port %u\n", di != NULL ? di->port : (unsigned)port);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	MHD_destroy_response(r);
	return 0;
}
