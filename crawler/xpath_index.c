/*
 * The per-page element index (xpath_index.h): an array of the page's
 * elements in document order, chained by name through a small
 * open-addressing table, and the variable lookup that turns a name into
 * the node set `//NAME` would select.  What XPath's `//NAME` reaches is
 * what this walk visits: the children of the document and of every
 * element, never a DTD; a name test without a prefix matches only
 * elements in no namespace, `*` every element.  Its memory is charged to
 * the page's budget (page_arena.h), as the tree's is.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/alloc.h"
#include "crawler/page_arena.h"
#include "crawler/xpath_index.h"
#include "crawler/xpath_rewrite.h"

#define NONE SIZE_MAX

struct bucket {
	const xmlChar *name; /* NULL: free */
	uint64_t hash;
	size_t head, tail; /* first and last element of the name */
	size_t count;
};

struct mc_xpath_index {
	xmlDocPtr doc;
	bool built;
	size_t n, cap;
	xmlNodePtr *nodes; /* every element, in document order */
	size_t *next;      /* the next element of the same name, or NONE */
	struct bucket *buckets;
	size_t nbuckets, used; /* nbuckets a power of two, at most half used */
};

struct mc_xpath_index *mc_xpath_index_new(xmlDocPtr doc)
{
	struct mc_xpath_index *idx = mc_calloc(1, sizeof *idx);

	idx->doc = doc;
	return idx;
}

void mc_xpath_index_free(struct mc_xpath_index *idx)
{
	if (!idx)
		return;
	free(idx->nodes);
	free(idx->next);
	free(idx->buckets);
	free(idx);
}

/* FNV-1a, 64 bits. */
static uint64_t hash_of(const xmlChar *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	return h;
}

static struct bucket *find(struct mc_xpath_index *idx, const xmlChar *name, uint64_t h)
{
	size_t i = (size_t)h & (idx->nbuckets - 1);

	while (idx->buckets[i].name &&
	       (idx->buckets[i].hash != h || strcmp((const char *)idx->buckets[i].name,
						    (const char *)name) != 0))
		i = (i + 1) & (idx->nbuckets - 1);
	return &idx->buckets[i];
}

static void grow_buckets(struct mc_xpath_index *idx)
{
	struct bucket *old = idx->buckets;
	size_t n = idx->nbuckets;

	idx->nbuckets = n ? 2 * n : 64;
	idx->buckets = mc_calloc(idx->nbuckets, sizeof *idx->buckets);
	mc_page_arena_charge(idx->nbuckets * sizeof *idx->buckets);
	for (size_t i = 0; i < n; i++)
		if (old[i].name)
			*find(idx, old[i].name, old[i].hash) = old[i];
	free(old);
}

static void add(struct mc_xpath_index *idx, xmlNodePtr node)
{
	size_t at = idx->n;

	if (idx->n == idx->cap) {
		idx->cap = idx->cap ? 2 * idx->cap : 256;
		idx->nodes = mc_realloc(idx->nodes, idx->cap * sizeof *idx->nodes);
		idx->next = mc_realloc(idx->next, idx->cap * sizeof *idx->next);
		mc_page_arena_charge(idx->cap * (sizeof *idx->nodes + sizeof *idx->next));
	}
	idx->nodes[at] = node;
	idx->next[at] = NONE;
	idx->n++;
	if (node->ns)
		return; /* only `*` selects it */
	if (2 * (idx->used + 1) > idx->nbuckets)
		grow_buckets(idx);
	uint64_t h = hash_of(node->name);
	struct bucket *b = find(idx, node->name, h);
	if (!b->name) {
		b->name = node->name;
		b->hash = h;
		b->head = at;
		b->count = 0;
		idx->used++;
	} else {
		idx->next[b->tail] = at;
	}
	b->tail = at;
	b->count++;
}

/* Every element in document order: children before the next sibling. */
static void build(struct mc_xpath_index *idx)
{
	xmlNodePtr cur = idx->doc->children;

	idx->built = true;
	if (!idx->nbuckets)
		grow_buckets(idx);
	while (cur) {
		if (cur->type == XML_ELEMENT_NODE) {
			add(idx, cur);
			if (cur->children) {
				cur = cur->children;
				continue;
			}
		}
		while (!cur->next) {
			cur = cur->parent;
			if (!cur || cur == (xmlNodePtr)idx->doc)
				return;
		}
		cur = cur->next;
	}
}

/* A node set of `count` nodes, filled by the caller in document order. */
static xmlNodeSetPtr node_set(size_t count)
{
	xmlNodeSetPtr set;

	if (count > INT32_MAX)
		return NULL; /* libxml2 counts in int: an error, never a cut set */
	set = xmlXPathNodeSetCreate(NULL);
	if (!set || count == 0)
		return set;
	set->nodeTab = xmlMalloc(count * sizeof *set->nodeTab);
	if (!set->nodeTab) {
		xmlXPathFreeNodeSet(set);
		return NULL;
	}
	set->nodeMax = (int)count;
	return set;
}

/* The node set `//NAME` selects (NAME NULL: the name test `*`, every element). */
static xmlNodeSetPtr select_name(struct mc_xpath_index *idx, const xmlChar *name)
{
	struct bucket *b = name ? find(idx, name, hash_of(name)) : NULL;
	size_t count = name ? (b->name ? b->count : 0) : idx->n;
	xmlNodeSetPtr set = node_set(count);

	if (!set || set->nodeMax == 0)
		return set;
	if (!name) {
		memcpy(set->nodeTab, idx->nodes, count * sizeof *set->nodeTab);
	} else {
		size_t k = 0;
		for (size_t i = b->head; i != NONE; i = idx->next[i])
			set->nodeTab[k++] = idx->nodes[i];
	}
	set->nodeNr = (int)count;
	return set;
}

/* The value of the attribute `attr` as XPath compares it (its text, ""
 * when it has none) equals `value`. */
static bool attr_is(xmlAttrPtr attr, const char *value)
{
	xmlNodePtr c = attr->children;
	xmlChar *text;
	bool eq;

	if (!c)
		return *value == '\0';
	if (!c->next && c->type == XML_TEXT_NODE)
		return strcmp(c->content ? (const char *)c->content : "", value) == 0;
	text = xmlNodeGetContent((xmlNodePtr)attr);
	eq = strcmp(text ? (const char *)text : "", value) == 0;
	xmlFree(text);
	return eq;
}

/* Whether `node` has an attribute `name` (no prefix, as `@name` reads
 * it) whose value is `value`. */
static bool has_attr(xmlNodePtr node, const char *name, const char *value)
{
	for (xmlAttrPtr a = node->properties; a; a = a->next)
		if ((!a->ns || !a->ns->prefix) && strcmp((const char *)a->name, name) == 0 &&
		    attr_is(a, value))
			return true;
	return false;
}

/* `hex` (up to `end` or a '.') decoded into a new string; `*next` after it. */
static char *unhex(const char *hex, const char **next)
{
	size_t n = strcspn(hex, ".");
	char *out;

	if (n % 2)
		return NULL;
	out = mc_malloc(n / 2 + 1);
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex[2 * i], lo = hex[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	*next = hex[n] == '.' ? hex + n + 1 : NULL;
	return out;
}

/* `$mc.eq.NAME.ATTR.VALUE` (xpath_rewrite.h): the elements NAME with the
 * attribute, in document order. */
static xmlNodeSetPtr select_equal(struct mc_xpath_index *idx, const char *hex)
{
	const char *p = hex, *q = NULL, *r = NULL;
	char *name = unhex(p, &q);
	char *attr = name && q ? unhex(q, &r) : NULL;
	char *value = attr && r ? unhex(r, &p) : NULL;
	xmlNodeSetPtr set = NULL;

	if (value) {
		xmlNodeSetPtr all = select_name(idx, strcmp(name, "*") == 0 ? NULL : (const xmlChar *)name);
		set = all;
		if (all) {
			int w = 0;
			for (int i = 0; i < all->nodeNr; i++)
				if (has_attr(all->nodeTab[i], attr, value))
					all->nodeTab[w++] = all->nodeTab[i];
			all->nodeNr = w;
		}
	}
	free(name);
	free(attr);
	free(value);
	return set;
}

static xmlXPathObjectPtr lookup(void *data, const xmlChar *name, const xmlChar *ns_uri)
{
	struct mc_xpath_index *idx = data;
	const char *var = (const char *)name;
	size_t plen = strlen(MC_XPATH_INDEX_VAR), elen = strlen(MC_XPATH_EQ_VAR);
	xmlNodeSetPtr set;

	if (ns_uri || !name)
		return NULL;
	if (!idx->built)
		build(idx);
	if (strcmp(var, MC_XPATH_ALL_VAR) == 0)
		set = select_name(idx, NULL);
	else if (strncmp(var, MC_XPATH_INDEX_VAR, plen) == 0 && var[plen])
		set = select_name(idx, name + plen);
	else if (strncmp(var, MC_XPATH_EQ_VAR, elen) == 0)
		set = select_equal(idx, var + elen);
	else
		return NULL;
	return set ? xmlXPathWrapNodeSet(set) : NULL;
}

xmlXPathObjectPtr mc_xpath_index_eval(struct mc_xpath_index *idx, xmlXPathCompExprPtr comp,
				      xmlXPathContextPtr ctx)
{
	xmlXPathObjectPtr obj;

	xmlXPathRegisterVariableLookup(ctx, lookup, idx);
	obj = xmlXPathCompiledEval(comp, ctx);
	xmlXPathRegisterVariableLookup(ctx, NULL, NULL);
	return obj;
}
