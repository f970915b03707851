/*
 * sdnotify.h - telling systemd how `sspr serve` is doing: readiness,
 * status, stopping, and a watchdog that pings only while the service is
 * alive.
 *
 * With libsystemd (HAVE_LIBSYSTEMD, CMake's SSPR_SYSTEMD) these send
 * sd_notify(3) messages to $NOTIFY_SOCKET; without it, or when the
 * variable is unset (not started by systemd), every call does nothing and
 * succeeds, so the caller never needs an #ifdef.
 *
 * The watchdog is not a blind timer.  When systemd enabled it
 * (WatchdogSec=, seen through sd_watchdog_enabled(3)), a thread wakes at
 * half the interval and asks the caller's alive() probe whether the
 * service still works (for `sspr serve`: a no-op job went through the
 * worker pool and the HTTP daemon answered /healthz, web/alive.h).  Only
 * then does it send WATCHDOG=1; a failed probe is logged on stderr and
 * shown in STATUS=, and systemd restarts the wedged service when the
 * interval passes without a ping.
 *
 *	struct sdnotify_watchdog *wd = NULL;
 *	sdnotify_ready("listening on %s, %zu systems", listen, n);
 *	sdnotify_watchdog_start(web_alive_probe, w, &wd, err, sizeof(err));
 *	... wait for SIGTERM ...
 *	sdnotify_stopping("finishing the requests in flight");
 *	sdnotify_watchdog_stop(wd);
 *
 * Never sends anything but the fixed variables above and a status line
 * the caller formats (no secret ever reaches it).
 */
#ifndef SSPR_SDNOTIFY_H
#define SSPR_SDNOTIFY_H

#include <stddef.h>

#include "compat/compat.h"

/* The longest STATUS= line sent; a longer one is cut. */
#define SDNOTIFY_MAX_STATUS 256

struct sdnotify_watchdog;

/*
 * The liveness probe: 0 when the service answered within timeout_ms, or
 * -1 with a one-line reason in err.  Runs on the watchdog's thread.
 */
typedef int (*sdnotify_alive_fn)(
    void *arg, int timeout_ms, char *err, size_t errsize);

/* READY=1 with STATUS=<the formatted line>.  Call once the service
 * listens and its workers run. */
void sdnotify_ready(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* STATUS=<the formatted line>. */
void sdnotify_status(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* STOPPING=1 with STATUS=<the formatted line>: a graceful stop began. */
void sdnotify_stopping(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * When systemd enabled the watchdog, start the thread that calls
 * alive(arg, ...) every half interval and pings after each success.
 * Returns 0 with *out the new watchdog, or with *out NULL when there is no
 * watchdog to serve (not enabled, or built without libsystemd); -1 with
 * err when the thread cannot start.  arg is borrowed: it must outlive
 * sdnotify_watchdog_stop().
 */
int sdnotify_watchdog_start(sdnotify_alive_fn alive, void *arg,
    struct sdnotify_watchdog **out, char *err, size_t errsize);

/* Stop the thread (waiting for a probe in progress) and free; NULL-safe.
 * No ping is sent after it returns. */
void sdnotify_watchdog_stop(struct sdnotify_watchdog *wd);

#endif
