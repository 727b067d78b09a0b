/*
 * Query strings and form bodies from parameter tables (spider.h:
 * mc_url_query, mc_form_body): percent-encoding done once, right, instead
 * of by hand in each spider — a GraphQL GET carries whole JSON documents
 * in its query.  Every byte but the unreserved ones (RFC 3986: A-Z a-z
 * 0-9 - . _ ~) is encoded, so the result survives URL normalisation
 * unchanged.  Results live in the response arena.
 */
#include <string.h>

#include "base/buf.h"
#include "crawler/response_internal.h"

static void encode(struct mc_buf *b, const char *s, bool form)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			mc_buf_addc(b, (char)*p);
		} else if (*p == ' ' && form) {
			mc_buf_addc(b, '+');
		} else {
			mc_buf_addc(b, '%');
			mc_buf_addc(b, hex[*p >> 4]);
			mc_buf_addc(b, hex[*p & 15]);
		}
	}
}

/* "name=value" pairs joined by '&'; `sep` goes before the first one. */
static void add_params(struct mc_buf *b, const struct mc_param *params, const char *sep,
		       bool form)
{
	for (const struct mc_param *p = params; p && p->name; p++) {
		if (!p->value)
			continue;
		mc_buf_adds(b, sep);
		sep = "&";
		encode(b, p->name, form);
		mc_buf_addc(b, '=');
		encode(b, p->value, form);
	}
}

static const char *keep(struct mc_response *res, struct mc_buf *b)
{
	const char *out = mc_response_keep(res, b->data ? b->data : "", b->len);

	mc_buf_release(b);
	return out;
}

const char *mc_url_query(struct mc_response *res, const char *url, const struct mc_param *params)
{
	struct mc_buf b;
	const char *joined, *hash, *query, *sep;
	size_t before;

	if (!url)
		return NULL;
	/* Relative to the page first, so "?page=2" or "/api" work as links do. */
	joined = mc_urljoin(res, url);
	if (joined)
		url = joined;
	hash = strchr(url, '#');
	before = hash ? (size_t)(hash - url) : strlen(url);
	query = memchr(url, '?', before);
	/* After "x?" or "x?a=1&" nothing goes between; after "x?a=1", '&'. */
	if (!query)
		sep = "?";
	else if (url[before - 1] == '?' || url[before - 1] == '&')
		sep = "";
	else
		sep = "&";
	mc_buf_init(&b, 0);
	mc_buf_add(&b, url, before);
	add_params(&b, params, sep, false);
	if (hash)
		mc_buf_adds(&b, hash);
	return keep(res, &b);
}

const char *mc_form_body(struct mc_response *res, const struct mc_param *params)
{
	struct mc_buf b;

	mc_buf_init(&b, 0);
	add_params(&b, params, "", true);
	return keep(res, &b);
}
