/*
 * Sitemap and sitemap-index parsing (crawler/sitemap.h).  Gzip
 * bodies are inflated with zlib into a buffer capped at 50 MiB; the XML is
 * read with libxml2's streaming reader, so memory stays near the size of
 * the input whatever the number of URLs, and only the `loc` elements the
 * protocol defines are kept.
 *
 * It must never fetch anything, expand an entity or load a DTD: a sitemap is
 * outside input, and XML_PARSE_NOENT / DTD loading would open it to
 * external-entity reads and "billion laughs".  Entity references are
 * therefore dropped from loc text, not resolved.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zlib.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "crawler/sitemap.h"
#include "crawler/url.h"

/* libxml2 2.12 made the error passed to structured handlers const. */
#if LIBXML_VERSION >= 21200
#define XML_ERROR_ARG const xmlError *
#else
#define XML_ERROR_ARG xmlErrorPtr
#endif

#define READ_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_COMPACT)

__attribute__((format(printf, 2, 3)))
static void set_error(struct mc_sitemap *sm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sm->error, sizeof sm->error, fmt, ap);
	va_end(ap);
}

static bool is_gzip(const unsigned char *p, size_t len)
{
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Inflate every gzip member of `in` into `out` (capped at
 * MC_SITEMAP_MAX_BYTES). */
static enum mc_sitemap_status gunzip(const unsigned char *in, size_t len, struct mc_buf *out,
				     struct mc_sitemap *sm)
{
	enum mc_sitemap_status st = MC_SITEMAP_OK;
	unsigned char chunk[64 * 1024];
	z_stream z;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		set_error(sm, "gzip: cannot initialise zlib");
		return MC_SITEMAP_BAD_GZIP;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		int zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			set_error(sm, "gzip: %s after %lu bytes",
				  zr == Z_BUF_ERROR ? "truncated stream" : z.msg ? z.msg : "corrupt data",
				  z.total_out);
			st = MC_SITEMAP_BAD_GZIP;
			goto out;
		}
		if (mc_buf_add(out, chunk, sizeof chunk - z.avail_out) < 0) {
			set_error(sm, "gzip: inflates to more than %zu bytes", MC_SITEMAP_MAX_BYTES);
			st = MC_SITEMAP_TOO_BIG;
			goto out;
		}
		if (zr == Z_STREAM_END) {
			if (!is_gzip(z.next_in, z.avail_in))
				break;
			inflateReset(&z);
		}
	}
out:
	inflateEnd(&z);
	return st;
}

/* The first error libxml2 reports, with its line. */
static void on_xml_error(void *arg, XML_ERROR_ARG err)
{
	struct mc_sitemap *sm = arg;
	size_t n;

	if (sm->error[0] != '\0' || err == NULL)
		return;
	set_error(sm, "XML line %d: %s", err->line, err->message ? err->message : "error");
	n = strlen(sm->error);
	while (n > 0 && (sm->error[n - 1] == '\n' || sm->error[n - 1] == ' '))
		sm->error[--n] = '\0';
}

static bool same_ns(const xmlChar *a, const char *b)
{
	return strcmp(a ? (const char *)a : "", b) == 0;
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Keep the trimmed text of one loc, if any is left and it is not absurd. */
static void push_loc(struct mc_sitemap *sm, size_t *cap, const struct mc_buf *text)
{
	const char *s = text->data ? text->data : "";
	size_t b = 0, e = text->len;

	while (b < e && is_xml_space(s[b]))
		b++;
	while (e > b && is_xml_space(s[e - 1]))
		e--;
	if (b == e || e - b > MC_URL_MAX)
		return;
	if (sm->count == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		sm->locs = mc_realloc(sm->locs, *cap * sizeof sm->locs[0]);
	}
	sm->locs[sm->count++] = mc_strndup(s + b, e - b);
}

/* Stream the XML and collect the locs. */
static enum mc_sitemap_status read_xml(const char *xml, size_t len, struct mc_sitemap *sm)
{
	enum mc_sitemap_status st = MC_SITEMAP_OK;
	xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL, READ_OPTIONS);
	struct mc_buf text;
	char *root_ns = NULL;
	const char *item = NULL; /* "url" or "sitemap" */
	bool in_item = false, in_loc = false, loc_too_long = false;
	size_t cap = 0;

	mc_buf_init(&text, MC_URL_MAX + 1024);
	if (len == 0) {
		set_error(sm, "XML: empty document");
		st = MC_SITEMAP_BAD_XML;
		goto out;
	}
	if (!r) {
		set_error(sm, "XML: cannot create reader");
		st = MC_SITEMAP_BAD_XML;
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, sm);
	for (;;) {
		int rc = xmlTextReaderRead(r);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (sm->error[0] == '\0')
				set_error(sm, "XML: not well-formed");
			st = MC_SITEMAP_BAD_XML;
			goto out;
		}
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);

		if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
			if (strcmp(name, "urlset") == 0) {
				item = "url";
			} else if (strcmp(name, "sitemapindex") == 0) {
				item = "sitemap";
				sm->is_index = true;
			} else {
				set_error(sm, "root element <%.60s> is neither urlset nor sitemapindex",
					  name);
				st = MC_SITEMAP_NOT_SITEMAP;
				goto out;
			}
			root_ns = mc_strdup(ns ? (const char *)ns : "");
		} else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
			in_item = same_ns(ns, root_ns) && strcmp(name, item) == 0 &&
				  !xmlTextReaderIsEmptyElement(r);
		} else if (type == XML_READER_TYPE_ELEMENT && depth == 2) {
			in_loc = in_item && same_ns(ns, root_ns) && strcmp(name, "loc") == 0 &&
				 !xmlTextReaderIsEmptyElement(r);
			mc_buf_reset(&text);
			loc_too_long = false;
		} else if (in_loc && depth == 3 &&
			   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			    type == XML_READER_TYPE_WHITESPACE ||
			    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (mc_buf_adds(&text, v ? v : "") < 0)
				loc_too_long = true;
		} else if (type == XML_READER_TYPE_END_ELEMENT && depth == 2 && in_loc) {
			if (!loc_too_long)
				push_loc(sm, &cap, &text);
			in_loc = false;
		} else if (type == XML_READER_TYPE_END_ELEMENT && depth == 1) {
			in_item = false;
		}
	}
out:
	xmlFreeTextReader(r);
	mc_buf_release(&text);
	free(root_ns);
	return st;
}

enum mc_sitemap_status mc_sitemap_parse(const void *data, size_t len, struct mc_sitemap *out)
{
	enum mc_sitemap_status st;
	struct mc_buf xml;

	memset(out, 0, sizeof *out);
	mc_buf_init(&xml, MC_SITEMAP_MAX_BYTES);
	if (len > MC_SITEMAP_MAX_BYTES) {
		set_error(out, "%zu bytes, more than %zu", len, MC_SITEMAP_MAX_BYTES);
		st = MC_SITEMAP_TOO_BIG;
		goto out;
	}
	if (is_gzip(data, len)) {
		st = gunzip(data, len, &xml, out);
		if (st == MC_SITEMAP_OK)
			st = read_xml(xml.data ? xml.data : "", xml.len, out);
	} else {
		st = read_xml(data, len, out);
	}
out:
	mc_buf_release(&xml);
	if (st != MC_SITEMAP_OK) {
		char error[sizeof out->error];
		memcpy(error, out->error, sizeof error);
		mc_sitemap_release(out);
		memcpy(out->error, error, sizeof error);
	} else {
		out->error[0] = '\0'; /* libxml2 may have warned on a usable file */
	}
	return st;
}

void mc_sitemap_release(struct mc_sitemap *sm)
{
	for (size_t i = 0; i < sm->count; i++)
		free(sm->locs[i]);
	free(sm->locs);
	memset(sm, 0, sizeof *sm);
}
