/*
 * Compiled-once XPath expressions for the selector helpers (response.c).
 * A spider asks the same dozen expressions of every page; parsing each one
 * again on every call costs as much as evaluating an anchored path.  An
 * expression is compiled on its first use on a thread and kept, keyed by
 * its text, until that thread ends.  Per thread, not shared: libxml2
 * writes into a compiled expression while it evaluates it (its function
 * lookup cache), so one must not be evaluated on two threads at once.
 */
#ifndef MC_XPATH_CACHE_H
#define MC_XPATH_CACHE_H

#include <libxml/xpath.h>

struct mc_xpath_index;

/*
 * Evaluate `expr` with `ctx` (document and context node set by the
 * caller).  Returns a new object the caller frees with xmlXPathFreeObject,
 * or NULL when the expression is invalid or its evaluation failed.  The
 * compiled form is the thread's (malloc, outside the page arena); at most
 * MC_XPATH_CACHE_MAX expressions are kept per thread, others are compiled
 * for each call.  `idx` is the index of the context's document
 * (xpath_index.h), which answers the expressions the fast path rewrote
 * (NULL: they are evaluated as written).
 */
xmlXPathObjectPtr mc_xpath_cache_eval(const char *expr, xmlXPathContextPtr ctx,
				      struct mc_xpath_index *idx);

#define MC_XPATH_CACHE_MAX 256

#endif
