/*
 * The per-page element index behind the XPath fast path (xpath_rewrite.h):
 * every element of a parsed page in document order, and for each element
 * name the ones that bear it.  Built by one walk of the tree the first
 * time a rewritten expression asks for it, then each `$mc.idx.NAME` costs
 * the number of NAME elements, not the size of the page.
 */
#ifndef MC_XPATH_INDEX_H
#define MC_XPATH_INDEX_H

#include <libxml/xpath.h>

struct mc_xpath_index;

/* An empty index over `doc`, built on first use (malloc, not the page
 * arena; the caller frees it with mc_xpath_index_free before the
 * document goes). */
struct mc_xpath_index *mc_xpath_index_new(xmlDocPtr doc);
/* NULL is allowed. */
void mc_xpath_index_free(struct mc_xpath_index *idx);

/*
 * Evaluate the compiled `comp`, a rewritten expression, with `ctx` (its
 * document and node set by the caller), its `$mc.idx.NAME` and `$mc.all`
 * answered from `idx`.  Returns what xmlXPathCompiledEval returns (the
 * caller frees it).  The context answers no variable once it returns.
 */
xmlXPathObjectPtr mc_xpath_index_eval(struct mc_xpath_index *idx, xmlXPathCompExprPtr comp,
				      xmlXPathContextPtr ctx);

#endif
