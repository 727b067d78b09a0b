/*
 * Requests and the priority heap the frontier is built from, request specs
 * (method, body, headers, cookies) with the checks they pass, and the
 * table that keeps specs while their requests wait packed (request.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "crawler/request.h"

/* ---- specs --------------------------------------------------------------- */

/* RFC 9110 token characters (header and cookie names). */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (is_tchar((unsigned char)s[n]))
		n++;
	return n;
}

/* No control character but tab: nothing that could end a header line. */
static bool clean_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

bool mc_request_header_ok(const char *h, char *why, size_t whysz)
{
	static const char *const refused[] = {"Host", "Content-Length", "Transfer-Encoding", "Cookie"};
	size_t n = token_len(h);

	if (n == 0) {
		snprintf(why, whysz, "a header does not start with a name (\"Name: value\")");
		return false;
	}
	if (h[n] != ':') {
		snprintf(why, whysz, "header \"%.*s\" is not \"Name: value\"", (int)n, h);
		return false;
	}
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		if (strlen(refused[i]) == n && strncasecmp(h, refused[i], n) == 0) {
			snprintf(why, whysz, "header %.*s cannot be set by a spider%s", (int)n, h,
				 i == 3 ? " (use cookies)" : "");
			return false;
		}
	}
	if (!clean_text(h + n + 1)) {
		snprintf(why, whysz, "header %.*s has a control character in its value", (int)n, h);
		return false;
	}
	return true;
}

bool mc_request_cookie_ok(const char *c, char *why, size_t whysz)
{
	size_t n = token_len(c);

	if (n == 0) {
		snprintf(why, whysz, "a cookie does not start with a name (\"name=value\")");
		return false;
	}
	if (c[n] != '=') {
		snprintf(why, whysz, "cookie \"%.*s\" is not \"name=value\"", (int)n, c);
		return false;
	}
	if (!clean_text(c + n + 1) || strchr(c + n + 1, ';')) {
		snprintf(why, whysz, "cookie %.*s has a ';' or a control character in its value",
			 (int)n, c);
		return false;
	}
	return true;
}

bool mc_request_same_name(const char *a, const char *b, char sep, bool ci)
{
	const char *ea = strchr(a, sep), *eb = strchr(b, sep);
	size_t na = ea ? (size_t)(ea - a) : strlen(a), nb = eb ? (size_t)(eb - b) : strlen(b);

	if (na != nb)
		return false;
	return ci ? strncasecmp(a, b, na) == 0 : strncmp(a, b, na) == 0;
}

static bool any(const char *const *list)
{
	return list && *list;
}

static char **copy_list(const char *const *list)
{
	size_t n = 0;
	char **out;

	if (!any(list))
		return NULL;
	while (list[n])
		n++;
	out = mc_calloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = mc_strdup(list[i]);
	return out;
}

static void free_list(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

int mc_request_spec_from(const struct mc_follow_opts *o, struct mc_request_spec **out, char *why,
			 size_t whysz)
{
	struct mc_request_spec *s;

	*out = NULL;
	if (!o)
		return 0;
	if (o->method != MC_GET && o->method != MC_POST && o->method != MC_HEAD) {
		snprintf(why, whysz, "unknown method %d", (int)o->method);
		return -1;
	}
	if ((o->body || o->content_type) && o->method != MC_POST) {
		snprintf(why, whysz, "a body needs the method POST, not %s", mc_method_name(o->method));
		return -1;
	}
	if (o->content_type && !clean_text(o->content_type)) {
		snprintf(why, whysz, "the content type has a control character");
		return -1;
	}
	for (const char *const *h = o->headers; h && *h; h++)
		if (!mc_request_header_ok(*h, why, whysz))
			return -1;
	for (const char *const *c = o->cookies; c && *c; c++)
		if (!mc_request_cookie_ok(*c, why, whysz))
			return -1;
	if (o->method == MC_GET && !any(o->headers) && !any(o->cookies))
		return 0;
	s = mc_calloc(1, sizeof *s);
	s->method = o->method;
	if (o->body) {
		s->body_len = o->body_len ? o->body_len : strlen(o->body);
		s->body = mc_malloc(s->body_len + 1);
		memcpy(s->body, o->body, s->body_len);
		s->body[s->body_len] = '\0';
	}
	s->content_type = o->content_type ? mc_strdup(o->content_type) : NULL;
	s->headers = copy_list(o->headers);
	s->cookies = copy_list(o->cookies);
	*out = s;
	return 0;
}

void mc_request_spec_free(struct mc_request_spec *s)
{
	if (!s)
		return;
	free(s->body);
	free(s->content_type);
	free_list(s->headers);
	free_list(s->cookies);
	free(s);
}

struct mc_request_spec *mc_request_spec_redirect(struct mc_request_spec *s, long status,
						  bool same_origin)
{
	if (!s)
		return NULL;
	if (!same_origin) {
		free_list(s->headers);
		free_list(s->cookies);
		s->headers = s->cookies = NULL;
	}
	if ((status == 303 && s->method != MC_HEAD) ||
	    ((status == 301 || status == 302) && s->method == MC_POST)) {
		s->method = MC_GET;
		free(s->body);
		free(s->content_type);
		s->body = s->content_type = NULL;
		s->body_len = 0;
	}
	if (s->method == MC_GET && !s->headers && !s->cookies) {
		mc_request_spec_free(s);
		return NULL;
	}
	return s;
}

const char *mc_method_name(enum mc_method m)
{
	switch (m) {
	case MC_POST: return "POST";
	case MC_HEAD: return "HEAD";
	case MC_GET: break;
	}
	return "GET";
}

const char *mc_request_label(const char *url, const struct mc_request_spec *spec, char *buf,
			     size_t bufsz)
{
	if (!spec || spec->method == MC_GET)
		return url;
	if (spec->body_len)
		snprintf(buf, bufsz, "%s %s (%zu-byte body)", mc_method_name(spec->method), url,
			 spec->body_len);
	else
		snprintf(buf, bufsz, "%s %s", mc_method_name(spec->method), url);
	return buf;
}

/* ---- requests -------------------------------------------------------------- */

struct mc_rcstr *mc_rcstr_new(const char *s)
{
	size_t len;
	struct mc_rcstr *r;

	if (!s)
		return NULL;
	len = strlen(s);
	r = mc_malloc(sizeof *r + len + 1);
	r->refs = 1;
	memcpy(r->s, s, len + 1);
	return r;
}

struct mc_rcstr *mc_rcstr_ref(struct mc_rcstr *r)
{
	if (r)
		r->refs++;
	return r;
}

void mc_rcstr_unref(struct mc_rcstr *r)
{
	if (r && --r->refs == 0)
		free(r);
}

struct mc_request *mc_request_new(char *url, mc_parse_fn cb, const char *data,
				  struct mc_rcstr *referer)
{
	struct mc_request *r = mc_calloc(1, sizeof *r);

	r->url = url;
	r->cb = cb;
	r->data = data ? mc_strdup(data) : NULL;
	r->referer = mc_rcstr_ref(referer);
	return r;
}

void mc_request_free(struct mc_request *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->data);
	mc_request_spec_free(r->spec);
	mc_rcstr_unref(r->referer);
	free(r);
}

/* True when a must come out of the heap before b. */
static bool before(const struct mc_request_heap *h, const struct mc_request *a,
		   const struct mc_request *b)
{
	if (h->by_time && a->not_before != b->not_before)
		return a->not_before < b->not_before;
	if (!h->by_time && a->priority != b->priority)
		return a->priority > b->priority;
	return a->seq < b->seq;
}

void mc_heap_push(struct mc_request_heap *h, struct mc_request *r)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = mc_realloc(h->v, h->cap * sizeof *h->v);
	}
	i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(h, r, h->v[parent]))
			break;
		h->v[i] = h->v[parent];
		i = parent;
	}
	h->v[i] = r;
}

struct mc_request *mc_heap_peek(const struct mc_request_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

struct mc_request *mc_heap_pop(struct mc_request_heap *h)
{
	struct mc_request *top, *last;
	size_t i = 0;

	if (h->n == 0)
		return NULL;
	top = h->v[0];
	last = h->v[--h->n];
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n && before(h, h->v[child + 1], h->v[child]))
			child++;
		if (!before(h, h->v[child], last))
			break;
		h->v[i] = h->v[child];
		i = child;
	}
	if (h->n)
		h->v[i] = last;
	/* Give memory back when a big queue drains. */
	if (h->cap > 1024 && h->n < h->cap / 4) {
		h->cap /= 2;
		h->v = mc_realloc(h->v, h->cap * sizeof *h->v);
	}
	return top;
}

void mc_heap_release(struct mc_request_heap *h)
{
	for (size_t i = 0; i < h->n; i++)
		mc_request_free(h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

/* ---- specs of waiting requests --------------------------------------------- */

static size_t slot_of(const struct mc_spec_table *t, uint64_t key)
{
	/* Sequence numbers are consecutive: multiplying spreads them. */
	size_t mask = t->cap - 1, i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;

	while (t->keys[i] != 0 && t->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

void mc_spec_table_put(struct mc_spec_table *t, uint64_t seq, struct mc_request_spec *spec)
{
	if ((t->count + 1) * 2 > t->cap) {
		struct mc_spec_table bigger = {.cap = t->cap ? t->cap * 2 : 64};
		bigger.keys = mc_calloc(bigger.cap, sizeof *bigger.keys);
		bigger.specs = mc_calloc(bigger.cap, sizeof *bigger.specs);
		for (size_t i = 0; i < t->cap; i++) {
			if (t->keys[i] == 0)
				continue;
			size_t j = slot_of(&bigger, t->keys[i]);
			bigger.keys[j] = t->keys[i];
			bigger.specs[j] = t->specs[i];
		}
		bigger.count = t->count;
		free(t->keys);
		free(t->specs);
		*t = bigger;
	}
	size_t i = slot_of(t, seq + 1);
	if (t->keys[i] == 0)
		t->count++;
	else
		mc_request_spec_free(t->specs[i]);
	t->keys[i] = seq + 1;
	t->specs[i] = spec;
}

struct mc_request_spec *mc_spec_table_take(struct mc_spec_table *t, uint64_t seq)
{
	struct mc_request_spec *spec;
	size_t mask, i, j;

	if (t->count == 0)
		return NULL;
	i = slot_of(t, seq + 1);
	if (t->keys[i] == 0)
		return NULL;
	spec = t->specs[i];
	t->keys[i] = 0;
	t->specs[i] = NULL;
	t->count--;
	/* Backward-shift deletion: move later entries of the probe run into
	 * the hole when their home slot allows it, so lookups never stop at a
	 * hole inside a run. */
	mask = t->cap - 1;
	for (j = (i + 1) & mask; t->keys[j] != 0; j = (j + 1) & mask) {
		size_t home = (size_t)((t->keys[j] * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
		bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
		if (!movable)
			continue;
		t->keys[i] = t->keys[j];
		t->specs[i] = t->specs[j];
		t->keys[j] = 0;
		t->specs[j] = NULL;
		i = j;
	}
	return spec;
}

void mc_spec_table_release(struct mc_spec_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->keys[i] != 0)
			mc_request_spec_free(t->specs[i]);
	free(t->keys);
	free(t->specs);
	memset(t, 0, sizeof *t);
}
