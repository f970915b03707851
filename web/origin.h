/*
 * origin.h - a web origin as browsers serialise it (RFC 6454 6.1): the
 * scheme and host in lower case, the host in ASCII (an internationalised
 * name in its punycode form), the port only when it is not the scheme's
 * default.  Both sides of the CSRF origin check (SECURITY CSRF-02) go
 * through web_origin_parse(), so that `HTTPS://Example.COM:443/sspr` in
 * the configuration equals the `Origin: https://example.com` a browser
 * sends.
 *
 *	char o[WEB_ORIGIN_MAX];
 *	if (web_origin_parse(cfg->base_url, 1, o, sizeof(o)) == -1)
 *		refuse the configuration
 */
#ifndef WEB_ORIGIN_H
#define WEB_ORIGIN_H

#include <stddef.h>

#define WEB_ORIGIN_MAX 300

/*
 * The origin of url, "scheme://host[:port]", written to out (size bytes)
 * on success (0).  -1, out untouched, when url is not http or https, has
 * user information, an empty or non-ASCII host (punycode is expected, as
 * browsers send it), a port that is not 1-65535, anything but a path
 * after the authority (with_path: "/..." allowed and ignored; else
 * nothing may follow, as in an Origin header), or does not fit.
 */
int web_origin_parse(const char *url, int with_path, char *out, size_t size);

#endif
