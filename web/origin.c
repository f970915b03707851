/*
 * origin.c - web origins normalised as browsers send them (see origin.h).
 * RFC 6454 4 and 6.1, RFC 3986 3.2.
 */
#include "web/origin.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "compat/banned.h"

int
web_origin_parse(const char *url, int with_path, char *out, size_t size)
{
	char host[256], buf[WEB_ORIGIN_MAX];
	const char *p, *h, *end, *port = NULL;
	size_t hlen, i;
	unsigned long pn = 0;
	int https, n;

	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		h = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		h = url + 7;
	} else
		return -1;
	end = h + strcspn(h, "/?#");
	if (*end != '\0' && !(with_path && *end == '/'))
		return -1;
	if (with_path && strpbrk(end, "?#") != NULL)
		return -1;
	if (*h == '[') { /* an IPv6 literal */
		p = memchr(h, ']', (size_t)(end - h));
		if (p == NULL)
			return -1;
		p++;
	} else
		for (p = h; p < end && *p != ':'; p++)
			;
	if (p < end) {
		if (*p != ':' || p + 1 == end)
			return -1;
		port = p + 1;
		for (i = 0; port + i < end; i++) {
			if (port[i] < '0' || port[i] > '9' || i > 5)
				return -1;
			pn = pn * 10 + (unsigned long)(port[i] - '0');
		}
		if (pn == 0 || pn > 65535)
			return -1;
	}
	hlen = (size_t)(p - h);
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	for (i = 0; i < hlen; i++) {
		unsigned char ch = (unsigned char)h[i];

		/* ASCII letters, digits, '-', '.', and an IPv6 literal's
		 * brackets, colons and zone; no '@' (user information). */
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		        (ch >= '0' && ch <= '9') ||
		        strchr("-.[]:%_", ch) != NULL))
			return -1;
		host[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	host[hlen] = '\0';
	if (pn == (https ? 443u : 80u))
		port = NULL;
	if (port != NULL)
		n = snprintf(buf, sizeof(buf), "%s://%s:%lu",
		    https ? "https" : "http", host, pn);
	else
		n = snprintf(buf, sizeof(buf), "%s://%s",
		    https ? "https" : "http", host);
	if (n <= 0 || (size_t)n >= sizeof(buf) || (size_t)n >= size)
		return -1;
	memcpy(out, buf, (size_t)n + 1);
	return 0;
}
