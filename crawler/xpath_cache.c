/*
 * The per-thread XPath cache (xpath_cache.h): an open-addressing table
 * from expression text to compiled expression, held in a pthread key whose
 * destructor frees it when the thread ends (the parser threads; the main
 * thread's table lives until the process exits).  Expressions that do not
 * compile are kept too, as failures, so they are not compiled again.
 * An expression the fast path serves (xpath_rewrite.h) is kept in its
 * rewritten form, and evaluated with the page's index (xpath_index.h).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "base/alloc.h"
#include "crawler/page_arena.h"
#include "crawler/xpath_cache.h"
#include "crawler/xpath_index.h"
#include "crawler/xpath_rewrite.h"

#define SLOTS (2 * MC_XPATH_CACHE_MAX) /* a power of two: at most half full */

struct entry {
	char *expr;               /* NULL: a free slot */
	uint64_t hash;
	xmlXPathCompExprPtr comp; /* NULL: the expression did not compile */
	bool indexed;             /* comp is the rewritten expression */
};

struct table {
	struct entry slots[SLOTS];
	size_t used;
};

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static bool key_ok;

static void table_free(void *p)
{
	struct table *t = p;

	for (size_t i = 0; i < SLOTS; i++) {
		if (!t->slots[i].expr)
			continue;
		xmlXPathFreeCompExpr(t->slots[i].comp);
		free(t->slots[i].expr);
	}
	free(t);
}

static void make_key(void)
{
	key_ok = pthread_key_create(&key, table_free) == 0;
}

/* This thread's table, created on first use; NULL when the system has no
 * thread-specific slot left (then nothing is cached). */
static struct table *thread_table(void)
{
	struct table *t;

	pthread_once(&key_once, make_key);
	if (!key_ok)
		return NULL;
	t = pthread_getspecific(key);
	if (t)
		return t;
	t = mc_calloc(1, sizeof *t);
	if (pthread_setspecific(key, t) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

/* FNV-1a, 64 bits. */
static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The entry for `expr`, or the free slot where it belongs. */
static struct entry *find(struct table *t, const char *expr, uint64_t h)
{
	size_t i = (size_t)h & (SLOTS - 1);

	while (t->slots[i].expr && (t->slots[i].hash != h || strcmp(t->slots[i].expr, expr) != 0))
		i = (i + 1) & (SLOTS - 1);
	return &t->slots[i];
}

/*
 * Compile outside the page arena, since the result outlives the page, and
 * with the page's context, so that libxml2's nesting limit applies.  The
 * message a failure leaves in the context was allocated outside the arena
 * too: drop it now, the context itself goes with the page.  The original
 * is compiled first, so an invalid expression stays invalid; then its
 * rewritten form, kept instead when there is one.
 */
static xmlXPathCompExprPtr compile(const char *expr, xmlXPathContextPtr ctx, bool *indexed)
{
	bool was_active = mc_page_arena_pause();
	xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(ctx, (const xmlChar *)expr);
	char *fast = comp ? mc_xpath_rewrite(expr) : NULL;
	xmlXPathCompExprPtr fast_comp = fast ? xmlXPathCtxtCompile(ctx, (const xmlChar *)fast) : NULL;

	free(fast);
	*indexed = fast_comp != NULL;
	if (fast_comp) {
		xmlXPathFreeCompExpr(comp);
		comp = fast_comp;
	}
	if (!comp || !fast_comp)
		xmlResetError(&ctx->lastError);
	mc_page_arena_resume(was_active);
	return comp;
}

xmlXPathObjectPtr mc_xpath_cache_eval(const char *expr, xmlXPathContextPtr ctx,
				      struct mc_xpath_index *idx)
{
	struct table *t = thread_table();
	uint64_t h = hash_of(expr);
	struct entry *e;

	if (!t)
		return xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	e = find(t, expr, h);
	if (!e->expr) {
		if (t->used >= MC_XPATH_CACHE_MAX)
			return xmlXPathEvalExpression((const xmlChar *)expr, ctx);
		e->expr = mc_strdup(expr);
		e->hash = h;
		e->comp = compile(expr, ctx, &e->indexed);
		t->used++;
	}
	if (!e->comp)
		return NULL;
	if (e->indexed && !idx)
		return xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	return e->indexed ? mc_xpath_index_eval(idx, e->comp, ctx) : xmlXPathCompiledEval(e->comp, ctx);
}
