/*
 * fuzz_tmpl.c - libFuzzer target for the HTML template compiler and
 * renderer (web/tmpl.c), the code that writes request data into pages.
 *
 * The input is up to three templates separated by NUL bytes: "page",
 * "p1" and "p2" (so partials, including recursive ones, have something to
 * name).  They are compiled with fixed English and German catalogs
 * through tmpl.c's internal entry points (web/tmpl_int.h) and "page" is
 * rendered with a fixed data object whose strings carry "<script>" and every
 * character that must be escaped, in German when the input length is odd.
 *
 * Besides "never crash, never leak", it checks the renderer's promises:
 * a refusal gives a one-line message and leaves the output as it was; on
 * success nothing of the data reaches the page unescaped: none of < > "
 * and ' appears in the page unless the input itself holds it, and
 * "<script>" never appears unless the input holds a '<'; the page fits
 * TMPL_MAX_PAGE; rendering twice gives the same page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compat/jsonx.h"
#include "compat/strbuf.h"
#include "web/tmpl.h"
#include "web/tmpl_int.h"

#include "compat/banned.h"

#define FUZZ_ERR       512
#define FUZZ_TEMPLATES 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_en[] =
    "{\"hello\": \"Hello <script>\", \"amp\": \"a & b \\\" ' /\", "
    "\"a.b\": \"dotted\", \"only_en\": \"<script>x</script>\"}";
static const char fuzz_de[] = "{\"hello\": \"Hallo <script>\", \"a.b\": "
                              "\"<script>'\\\"\"}";
static const char fuzz_data[] =
    "{\"name\": \"<script>alert(1)</script>\", \"t\": true, \"f\": false, "
    "\"n\": null, \"i\": 42, \"r\": 1.5, \"e\": \"\", \"z\": [], "
    "\"q\": \"\\\"'&/<>\", "
    "\"a\": {\"b\": {\"c\": \"<script>\"}, \"name\": \"'><script>\"}, "
    "\"items\": [{\"name\": \"<script>1\", \"v\": \"\\\"\"}, "
    "{\"name\": \"2<script>\", \"items\": []}, {\"v\": \"'\"}], "
    "\"list\": [\"<script>\", 7, true, null, [\"<\", \">\"], "
    "{\"name\": \"<script>\"}]}";

static const char *const fuzz_names[FUZZ_TEMPLATES] = {"page", "p1", "p2"};

/* 1 if the err buffer holds one NUL-terminated line. */
static int
fuzz_one_line(const char *err)
{
	return memchr(err, '\0', FUZZ_ERR) != NULL && strchr(err, '\n') == NULL;
}

static json_t *
fuzz_get_data(void)
{
	static json_t *d;

	if (d == NULL) {
		json_wipe_init();
		d = json_loads(fuzz_data, 0, NULL);
		if (d == NULL)
			abort();
	}
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nul;
	const char *lang = (size & 1) ? "de" : "en";
	struct tmpl_set *ts;
	struct strbuf out, again;
	char err[FUZZ_ERR];
	const char *c;
	size_t k, at, n;
	int ok = 1;

	ts = tmpl_set_new();
	memset(err, 'x', sizeof(err));
	if (tmpl_add_catalog(ts, "en", fuzz_en, sizeof(fuzz_en) - 1, err,
	        sizeof(err)) == -1 ||
	    tmpl_add_catalog(
	        ts, "de", fuzz_de, sizeof(fuzz_de) - 1, err, sizeof(err)) == -1)
		abort();
	for (k = 0, at = 0; k < FUZZ_TEMPLATES && at <= size && ok; k++) {
		nul = memchr(in + at, '\0', size - at);
		n = nul == NULL || k == FUZZ_TEMPLATES - 1
		        ? size - at
		        : (size_t)(nul - (in + at));
		ok = tmpl_add_template(
		         ts, fuzz_names[k], in + at, n, err, sizeof(err)) == 0;
		at += n + 1;
	}
	if (ok)
		ok = tmpl_link(ts, err, sizeof(err)) == 0;
	if (!ok) {
		if (!fuzz_one_line(err))
			abort();
		goto out;
	}

	strbuf_init(&out, TMPL_MAX_PAGE);
	strbuf_init(&again, TMPL_MAX_PAGE);
	if (strbuf_addstr(&out, "before") == -1)
		abort();
	memset(err, 'x', sizeof(err));
	if (tmpl_render(ts, "page", lang, fuzz_get_data(), &out, err,
	        sizeof(err)) == -1) {
		if (!fuzz_one_line(err) || strcmp(out.buf, "before") != 0)
			abort();
	} else {
		if (out.len < 6 || memcmp(out.buf, "before", 6) != 0 ||
		    out.len > TMPL_MAX_PAGE || strlen(out.buf) != out.len)
			abort();
		for (c = "<>\"'"; *c != '\0'; c++)
			if (memchr(in, *c, size) == NULL &&
			    strchr(out.buf + 6, *c) != NULL)
				abort();
		if (memchr(in, '<', size) == NULL &&
		    strstr(out.buf, "<script>") != NULL)
			abort();
		if (tmpl_render(ts, "page", lang, fuzz_get_data(), &again, err,
		        sizeof(err)) == -1 ||
		    strcmp(again.buf, out.buf + 6) != 0)
			abort();
	}
	strbuf_release(&out);
	strbuf_release(&again);
out:
	tmpl_free(ts);
	return 0;
}
