/*
 * Requests and the priority heap the frontier is built from (request.h).
 */
#include <stdlib.h>
#include <string.h>

#include "marketcrawl/alloc.h"
#include "request.h"

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
