/*
 * Packed request queues (queue.h).  A record is a fixed header followed by
 * the URL and the data, NUL-terminated, padded to 8 bytes; records never
 * straddle blocks.  A block is freed as soon as its last record is read.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "crawler/queue.h"

#define BLOCK_BYTES (64 * 1024)

struct record {
	uint64_t seq;
	mc_parse_fn cb;
	struct mc_rcstr *referer; /* the record owns one reference */
	uint32_t url_len;
	uint32_t data_len;        /* UINT32_MAX: no data */
	uint16_t depth;
	uint8_t attempts;
	uint8_t redirects;
	uint8_t flags;
	uint8_t proxy_fails;
};

#define F_DONT_FILTER 1
#define F_SITEMAP 2
#define NO_DATA UINT32_MAX

struct block {
	struct block *next;
	size_t size, used, read;
	_Alignas(8) unsigned char data[];
};

struct mc_fifo {
	int priority;
	struct block *head, *tail;
	size_t count;
};

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static struct mc_fifo *fifo_for(struct mc_queue *q, int priority)
{
	size_t i = 0;

	while (i < q->nfifos && q->fifos[i].priority > priority)
		i++;
	if (i < q->nfifos && q->fifos[i].priority == priority)
		return &q->fifos[i];
	q->fifos = mc_realloc(q->fifos, (q->nfifos + 1) * sizeof *q->fifos);
	memmove(&q->fifos[i + 1], &q->fifos[i], (q->nfifos - i) * sizeof *q->fifos);
	memset(&q->fifos[i], 0, sizeof q->fifos[i]);
	q->fifos[i].priority = priority;
	q->nfifos++;
	return &q->fifos[i];
}

void mc_queue_push(struct mc_queue *q, struct mc_request *r)
{
	struct mc_fifo *f = fifo_for(q, r->priority);
	struct record h = {
		.seq = r->seq,
		.cb = r->cb,
		.referer = r->referer,
		.url_len = (uint32_t)strlen(r->url),
		.data_len = r->data ? (uint32_t)strlen(r->data) : NO_DATA,
		.depth = (uint16_t)(r->depth > UINT16_MAX ? UINT16_MAX : r->depth),
		.attempts = (uint8_t)(r->attempts > 255 ? 255 : r->attempts),
		.redirects = (uint8_t)(r->redirects > 255 ? 255 : r->redirects),
		.proxy_fails = (uint8_t)(r->proxy_fails > 255 ? 255 : r->proxy_fails),
		.flags = (uint8_t)((r->dont_filter ? F_DONT_FILTER : 0) | (r->is_sitemap ? F_SITEMAP : 0)),
	};
	size_t need = round8(sizeof h + h.url_len + 1 + (r->data ? h.data_len + 1 : 0));
	struct block *b = f->tail;

	if (!b || b->size - b->used < need) {
		size_t size = need > BLOCK_BYTES ? need : BLOCK_BYTES;
		b = mc_malloc(sizeof *b + size);
		b->next = NULL;
		b->size = size;
		b->used = b->read = 0;
		if (f->tail)
			f->tail->next = b;
		else
			f->head = b;
		f->tail = b;
	}
	unsigned char *p = b->data + b->used;
	memcpy(p, &h, sizeof h);
	memcpy(p + sizeof h, r->url, h.url_len + 1);
	if (r->data)
		memcpy(p + sizeof h + h.url_len + 1, r->data, h.data_len + 1);
	b->used += need;
	f->count++;
	q->count++;
	r->referer = NULL; /* the record took the reference */
	mc_request_free(r);
}

static struct mc_fifo *first_nonempty(const struct mc_queue *q)
{
	for (size_t i = 0; i < q->nfifos; i++)
		if (q->fifos[i].count)
			return &q->fifos[i];
	return NULL;
}

bool mc_queue_peek(const struct mc_queue *q, int *priority, uint64_t *seq)
{
	struct mc_fifo *f = first_nonempty(q);
	struct record h;

	if (!f)
		return false;
	memcpy(&h, f->head->data + f->head->read, sizeof h);
	*priority = f->priority;
	*seq = h.seq;
	return true;
}

struct mc_request *mc_queue_pop(struct mc_queue *q)
{
	struct mc_fifo *f = first_nonempty(q);
	struct block *b;
	struct record h;
	struct mc_request *r;

	if (!f)
		return NULL;
	b = f->head;
	unsigned char *p = b->data + b->read;
	memcpy(&h, p, sizeof h);
	const char *url = (const char *)p + sizeof h;
	r = mc_request_new(mc_strndup(url, h.url_len), h.cb,
			   h.data_len == NO_DATA ? NULL : url + h.url_len + 1, NULL);
	r->referer = h.referer; /* the record's reference moves to the request */
	r->seq = h.seq;
	r->priority = f->priority;
	r->depth = h.depth;
	r->attempts = h.attempts;
	r->redirects = h.redirects;
	r->proxy_fails = h.proxy_fails;
	r->dont_filter = h.flags & F_DONT_FILTER;
	r->is_sitemap = h.flags & F_SITEMAP;
	b->read += round8(sizeof h + h.url_len + 1 + (h.data_len == NO_DATA ? 0 : h.data_len + 1));
	if (b->read >= b->used) {
		f->head = b->next;
		if (!f->head)
			f->tail = NULL;
		free(b);
	}
	f->count--;
	q->count--;
	return r;
}

size_t mc_queue_memory(const struct mc_queue *q)
{
	size_t bytes = q->nfifos * sizeof *q->fifos;

	for (size_t i = 0; i < q->nfifos; i++)
		for (struct block *b = q->fifos[i].head; b; b = b->next)
			bytes += sizeof *b + b->size;
	return bytes;
}

void mc_queue_release(struct mc_queue *q)
{
	struct mc_request *r;

	for (r = mc_queue_pop(q); r; r = mc_queue_pop(q))
		mc_request_free(r);
	free(q->fifos);
	memset(q, 0, sizeof *q);
}
