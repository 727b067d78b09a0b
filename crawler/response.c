/*
 * The spider-facing side of a response: accessors, XPath / regex / JSON
 * selectors, link following (with the request's spec checked and copied
 * here, on the parser thread).  Everything a helper returns is kept in the
 * response's arena and released in one place (mc_response_release) when
 * the callback returns, so spiders never free anything.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xpath.h>

#include "base/alloc.h"
#include "crawler/charset.h"
#include "crawler/engine.h"
#include "crawler/html_parse.h"
#include "base/log.h"
#include "crawler/url.h"
#include "crawler/page_arena.h"
#include "crawler/regex_cache.h"
#include "crawler/request.h"
#include "crawler/response_internal.h"
#include "crawler/xpath_cache.h"
#include "crawler/xpath_index.h"

#define LOG_LINES_PER_RESPONSE 20

void mc_response_init(struct mc_response *res, const struct mc_spider *spider)
{
	memset(res, 0, sizeof *res);
	res->spider = spider;
	res->region = NULL;
	res->follows_tail = &res->follows;
	res->log_budget = LOG_LINES_PER_RESPONSE;
	res->max_follow_depth = -1;
	res->memory_max = MC_PAGE_MEMORY_MAX;
	res->follows_max = MC_FOLLOWS_PER_PAGE_MAX;
	mc_buf_init(&res->items, 0);
}

void mc_response_release_parse(struct mc_response *res)
{
	struct mc_cleanup *c = res->cleanups;

	while (c) {
		struct mc_cleanup *next = c->next;
		c->fn(c->ptr);
		free(c);
		c = next;
	}
	res->cleanups = NULL;
	/* A document parsed in the page arena goes with it: walking the tree
	 * to free it node by node would only make no-op calls. */
	mc_xpath_index_free(res->index);
	res->index = NULL;
	if (res->xpath && !mc_page_arena_owns(res->xpath))
		xmlXPathFreeContext(res->xpath);
	if (res->doc && !mc_page_arena_owns(res->doc))
		xmlFreeDoc(res->doc);
	res->xpath = NULL;
	res->doc = NULL;
	res->json = NULL; /* its reference went with the cleanups */
	mc_url_release(&res->base);
	res->base_tried = false;
	res->base_ok = false;
	free(res->headers);
	free(res->body);
	free(res->raw);
	free(res->content_type);
	res->headers = NULL;
	res->body = NULL;
	res->body_len = 0;
	res->raw = NULL;
	res->content_type = NULL;
	/* libxml2 keeps the last parse error per thread; it was allocated in
	 * this page's arena, so it must go with it. */
	xmlResetLastError();
	mc_page_arena_end();
}

/* A JSON media type (application/json, text/json, application/x-ndjson,
 * anything +json), which is UTF-8 whatever its bytes say (RFC 8259). */
static bool is_json_media(const char *ct)
{
	size_t n;

	if (!ct)
		return false;
	n = strcspn(ct, "; \t");
	return (n == 16 && strncasecmp(ct, "application/json", n) == 0) ||
	       (n == 9 && strncasecmp(ct, "text/json", n) == 0) ||
	       (n == 20 && strncasecmp(ct, "application/x-ndjson", n) == 0) ||
	       (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0);
}

void mc_response_run(struct mc_response *res, mc_parse_fn cb)
{
	char charset[64];
	size_t invalid = 0;

	mc_page_arena_begin(res->memory_max);
	/* A JSON body is never sniffed for <meta charset>: a results_html
	 * string inside it must not decide how the whole body is read. */
	if (is_json_media(res->content_type) && !strcasestr(res->content_type, "charset="))
		snprintf(charset, sizeof charset, "utf-8");
	else
		mc_charset_detect(res->raw, res->raw_len, res->content_type, charset, sizeof charset);
	if (mc_charset_unchanged(res->raw, res->raw_len, charset)) {
		/* Most pages: already what the spider must see, keep the bytes. */
		res->body = res->raw;
		res->body_len = res->raw_len;
	} else {
		res->body = mc_charset_to_utf8(res->raw, res->raw_len, charset, &res->body_len,
					       &invalid);
		free(res->raw);
	}
	res->invalid_utf8 = (long)invalid;
	res->raw = NULL;
	cb(res);
	res->memory_charged = mc_page_arena_charged();
	res->over_memory = mc_page_arena_over();
}

void mc_response_drop_follows(struct mc_response *res)
{
	while (res->follows) {
		struct mc_followed *f = res->follows;
		res->follows = f->next;
		free(f->url);
		free(f->data);
		mc_request_spec_free(f->spec);
		free(f);
	}
	res->follows_tail = &res->follows;
}

void mc_response_release(struct mc_response *res)
{
	mc_response_release_parse(res);
	mc_response_drop_follows(res);
	mc_buf_release(&res->items);
	free(res->url);
	free(res->data);
	mc_response_init(res, res->spider);
}

void mc_response_defer(struct mc_response *res, void (*fn)(void *), void *ptr)
{
	struct mc_cleanup *c = mc_malloc(sizeof *c);

	c->fn = fn;
	c->ptr = ptr;
	c->next = res->cleanups;
	res->cleanups = c;
}

const char *mc_response_keep(struct mc_response *res, const char *s, size_t len)
{
	char *p = mc_strndup(s, len);

	mc_page_arena_charge(len + 1);
	mc_response_defer(res, free, p);
	return p;
}

void mc_response_count_drop(struct mc_response *res, const char *reason)
{
	for (int i = 0; i < res->drop_kinds; i++) {
		if (strcmp(res->drops[i].reason, reason) == 0) {
			res->drops[i].count++;
			return;
		}
	}
	if (res->drop_kinds < MC_DROP_REASONS_MAX) {
		res->drops[res->drop_kinds].reason = reason;
		res->drops[res->drop_kinds].count = 1;
		res->drop_kinds++;
	}
}

const char *mc_response_url(const struct mc_response *res)
{
	return res->url;
}

long mc_response_status(const struct mc_response *res)
{
	return res->status;
}

int mc_response_depth(const struct mc_response *res)
{
	return res->depth;
}

const char *mc_response_data(const struct mc_response *res)
{
	return res->data;
}

const struct mc_region *mc_response_region(const struct mc_response *res)
{
	return res->region;
}

void *mc_response_context(const struct mc_response *res)
{
	return res->context;
}

const char *mc_response_body(const struct mc_response *res, size_t *len)
{
	if (len)
		*len = res->body_len;
	return res->body ? res->body : "";
}

const char *mc_response_header(const struct mc_response *res, const char *name)
{
	size_t nlen = strlen(name);
	const char *line = res->headers;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t llen = eol ? (size_t)(eol - line) : strlen(line);
		if (llen > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
			const char *v = line + nlen + 1;
			while (v < line + llen && (*v == ' ' || *v == '\t'))
				v++;
			size_t vlen = (size_t)(line + llen - v);
			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			/* The response is const for the caller, but its arena is not
			 * part of what the spider sees; keep the copy there. */
			return mc_response_keep((struct mc_response *)res, v, vlen);
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

void mc_response_log(const struct mc_response *res, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mc_info("%s: %s (%s)", res->spider ? res->spider->name : "spider", msg, res->url);
}

xmlDocPtr mc_response_doc(struct mc_response *res)
{
	if (res->doc_tried)
		return res->doc;
	res->doc_tried = true;
	if (!res->body || mc_page_arena_over())
		return NULL;
	res->doc = mc_html_parse(res->body, res->body_len, res->url, &res->html_fast);
	res->html_libxml2 = res->doc && !res->html_fast;
	if (res->doc) {
		res->xpath = xmlXPathNewContext(res->doc);
		res->index = mc_xpath_index_new(res->doc);
	}
	return res->doc;
}

static void free_doc(void *doc)
{
	xmlFreeDoc(doc);
}

xmlDocPtr mc_response_html(struct mc_response *res, const char *html, size_t len)
{
	xmlDocPtr doc;

	if (!html || mc_page_arena_over())
		return NULL;
	doc = mc_html_parse(html, len, res->url, NULL);
	/* A document in the page arena goes with it (mc_response_release_parse). */
	if (doc && !mc_page_arena_owns(doc))
		mc_response_defer(res, free_doc, doc);
	return doc;
}

static void decref(void *p)
{
	json_decref(p);
}

json_t *mc_response_json(struct mc_response *res)
{
	json_error_t err;

	if (res->json_tried)
		return res->json;
	res->json_tried = true;
	if (!res->body || res->body_len == 0 || mc_page_arena_over())
		return NULL;
	res->json = json_loadb(res->body, res->body_len, JSON_DECODE_ANY, &err);
	if (!res->json) {
		if (res->log_budget-- > 0)
			mc_warn("%s: the body is not JSON (line %d: %s) (%s)",
				res->spider ? res->spider->name : "spider", err.line, err.text, res->url);
		return NULL;
	}
	mc_response_defer(res, decref, res->json);
	return res->json;
}

/* Evaluate `expr` against `ctx` (or the root); NULL when invalid. */
static xmlXPathObjectPtr xpath_eval(struct mc_response *res, xmlNodePtr ctx, const char *expr)
{
	xmlXPathObjectPtr obj;

	if (!expr || mc_page_arena_over() || !mc_response_doc(res) || !res->xpath)
		return NULL;
	res->xpath->node = ctx ? ctx : xmlDocGetRootElement(res->doc);
	obj = mc_xpath_cache_eval(expr, res->xpath, res->index);
	if (!obj && res->log_budget-- > 0)
		mc_warn("%s: invalid XPath expression: %s", res->spider ? res->spider->name : "spider",
			expr);
	return obj;
}

const char *mc_xpath_str(struct mc_response *res, xmlNodePtr ctx, const char *expr)
{
	xmlXPathObjectPtr obj = xpath_eval(res, ctx, expr);
	xmlChar *s = NULL;
	const char *out = NULL;

	if (!obj)
		return NULL;
	if (obj->type == XPATH_NODESET) {
		if (obj->nodesetval && obj->nodesetval->nodeNr > 0)
			s = xmlXPathCastNodeToString(obj->nodesetval->nodeTab[0]);
	} else {
		s = xmlXPathCastToString(obj);
	}
	if (s) {
		out = mc_response_keep(res, (const char *)s, strlen((const char *)s));
		xmlFree(s);
	}
	xmlXPathFreeObject(obj);
	return out;
}

/* Trim and collapse whitespace (incl. U+00A0) in place; returns length. */
static size_t squeeze_space(char *s)
{
	size_t w = 0;
	bool pending = false;

	for (size_t r = 0; s[r]; r++) {
		unsigned char c = (unsigned char)s[r];
		bool space = isspace(c);
		if (c == 0xC2 && (unsigned char)s[r + 1] == 0xA0) {
			space = true;
			r++;
		}
		if (space) {
			pending = w > 0;
			continue;
		}
		if (pending)
			s[w++] = ' ';
		pending = false;
		s[w++] = (char)c;
	}
	s[w] = '\0';
	return w;
}

const char *mc_xpath_text(struct mc_response *res, xmlNodePtr ctx, const char *expr)
{
	const char *s = mc_xpath_str(res, ctx, expr);

	if (!s)
		return NULL;
	/* The arena copy is ours to edit. */
	return squeeze_space((char *)s) ? s : NULL;
}

bool mc_xpath_number(struct mc_response *res, xmlNodePtr ctx, const char *expr, double *out)
{
	const char *s = mc_xpath_text(res, ctx, expr);
	char *end;

	if (!s)
		return false;
	*out = strtod(s, &end);
	return end != s;
}

struct mc_nodes mc_xpath_nodes(struct mc_response *res, xmlNodePtr ctx, const char *expr)
{
	struct mc_nodes nodes = {0, NULL};
	xmlXPathObjectPtr obj = xpath_eval(res, ctx, expr);

	if (!obj)
		return nodes;
	if (obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
		nodes.count = (size_t)obj->nodesetval->nodeNr;
		nodes.nodes = mc_malloc(nodes.count * sizeof *nodes.nodes);
		mc_page_arena_charge(nodes.count * sizeof *nodes.nodes);
		memcpy(nodes.nodes, obj->nodesetval->nodeTab, nodes.count * sizeof *nodes.nodes);
		mc_response_defer(res, free, nodes.nodes);
	}
	xmlXPathFreeObject(obj);
	return nodes;
}

json_t *mc_xpath_strings(struct mc_response *res, xmlNodePtr ctx, const char *expr)
{
	xmlXPathObjectPtr obj = xpath_eval(res, ctx, expr);
	json_t *list;
	int n;

	if (!obj)
		return NULL;
	list = json_array();
	n = obj->type == XPATH_NODESET ? (obj->nodesetval ? obj->nodesetval->nodeNr : 0) : 1;
	for (int i = 0; i < n; i++) {
		xmlChar *s = obj->type == XPATH_NODESET ?
				     xmlXPathCastNodeToString(obj->nodesetval->nodeTab[i]) :
				     xmlXPathCastToString(obj);
		json_t *v = s && squeeze_space((char *)s) ? json_string((const char *)s) : NULL;
		if (v)
			json_array_append_new(list, v);
		xmlFree(s);
	}
	xmlXPathFreeObject(obj);
	if (json_array_size(list) == 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

const char *mc_attr(struct mc_response *res, xmlNodePtr node, const char *name)
{
	xmlChar *v;
	const char *out;

	if (!node)
		return NULL;
	v = xmlGetProp(node, (const xmlChar *)name);
	if (!v)
		return NULL;
	out = mc_response_keep(res, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return out;
}

/* The response URL, parsed once for all the links of the page; NULL when
 * it is not a valid http(s) URL (then only absolute links join). */
static const struct mc_url *base_url(struct mc_response *res)
{
	if (!res->base_tried) {
		res->base_tried = true;
		res->base_ok = res->url && mc_url_parse(res->url, NULL, &res->base) == 0;
	}
	return res->base_ok ? &res->base : NULL;
}

const char *mc_urljoin(struct mc_response *res, const char *href)
{
	char *u;

	if (!href)
		return NULL;
	u = mc_url_normalize_with(href, base_url(res));
	if (!u)
		return NULL;
	mc_page_arena_charge(strlen(u) + 1);
	mc_response_defer(res, free, u);
	return u;
}

const char *mc_regex(struct mc_response *res, const char *pattern, const char *subject, int group)
{
	char *m;

	if (!subject)
		return NULL;
	m = mc_regex_capture(pattern, subject, group);
	if (!m)
		return NULL;
	mc_page_arena_charge(strlen(m) + 1);
	mc_response_defer(res, free, m);
	return m;
}

json_t *mc_script_json(struct mc_response *res, const char *xpath)
{
	const char *text = mc_xpath_str(res, NULL, xpath);
	json_error_t err;
	json_t *root;

	if (!text)
		return NULL;
	root = json_loads(text, JSON_DECODE_ANY, &err);
	if (!root) {
		if (res->log_budget-- > 0)
			mc_warn("%s: embedded JSON at %s is invalid (line %d: %s) (%s)",
				res->spider ? res->spider->name : "spider", xpath, err.line, err.text,
				res->url);
		return NULL;
	}
	mc_response_defer(res, decref, root);
	return root;
}

json_t *mc_json_get(json_t *root, const char *path)
{
	json_t *cur = root;
	const char *p = path;

	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char key[256];
		if (len == 0 || len >= sizeof key)
			return NULL;
		memcpy(key, p, len);
		key[len] = '\0';
		if (json_is_array(cur)) {
			char *end;
			unsigned long idx = strtoul(key, &end, 10);
			cur = *end ? NULL : json_array_get(cur, idx);
		} else {
			cur = json_object_get(cur, key);
		}
		p = dot ? dot + 1 : p + len;
	}
	return cur;
}

const char *mc_json_str(struct mc_response *res, json_t *root, const char *path)
{
	json_t *v = mc_json_get(root, path);
	char num[64];

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return mc_response_keep(res, num, strlen(num));
	}
	if (json_is_real(v)) {
		/* 15 significant digits round-trip any decimal a JSON text can
		 * mean for a price ("19.99" stays "19.99"). */
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
		return mc_response_keep(res, num, strlen(num));
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

void mc_follow(struct mc_response *res, const char *href, mc_parse_fn cb,
	       const struct mc_follow_opts *opts)
{
	struct mc_followed *f;
	struct mc_request_spec *spec;
	char why[256];
	char *url;

	if (!href || !cb || mc_page_arena_over())
		return;
	/* What the engine would drop anyway is not built: a page of 400,000
	 * links costs its parse, not 400,000 requests. */
	if (res->max_follow_depth >= 0 && res->depth + 1 > res->max_follow_depth) {
		res->depth_cut++;
		return;
	}
	if (res->follow_count >= res->follows_max) {
		res->links_capped++;
		return;
	}
	url = mc_url_normalize_with(href, base_url(res));
	if (!url) {
		res->bad_links++;
		return;
	}
	if (mc_request_spec_from(opts, &spec, why, sizeof why) != 0) {
		res->bad_links++;
		if (res->log_budget-- > 0)
			mc_warn("%s: request not made: %s (%s)",
				res->spider ? res->spider->name : "spider", why, url);
		free(url);
		return;
	}
	f = mc_calloc(1, sizeof *f);
	mc_page_arena_charge(sizeof *f + strlen(url) + 1);
	f->url = url;
	f->cb = cb;
	f->spec = spec;
	if (opts) {
		f->data = opts->data ? mc_strdup(opts->data) : NULL;
		f->priority = opts->priority;
		f->dont_filter = opts->dont_filter;
	}
	*res->follows_tail = f;
	res->follows_tail = &f->next;
	res->follow_count++;
}

int mc_follow_all(struct mc_response *res, const char *xpath, mc_parse_fn cb)
{
	struct mc_nodes n = mc_xpath_nodes(res, NULL, xpath);
	int count = 0;

	/* Each link's text is freed at once rather than kept in the page
	 * arena until the callback returns: a page of many links holds one. */
	for (size_t i = 0; i < n.count && !mc_page_arena_over(); i++) {
		bool was_active = mc_page_arena_pause();
		xmlChar *s = xmlXPathCastNodeToString(n.nodes[i]);
		mc_page_arena_resume(was_active);
		if (s && *s) {
			mc_follow(res, (const char *)s, cb, NULL);
			count++;
		}
		xmlFree(s);
	}
	return count;
}
