/*
 * The fast path for the XPath a spider writes the plain way (`//div[@class='x']/a/@href`):
 * an expression's steps `//NAME[...]` that start an absolute path become
 * references to a variable, `$mc.idx.NAME`, whose value is every element of
 * that name in document order, read from a per-page index
 * (xpath_index.h) instead of libxml2's walk of the whole tree.
 *
 * The rewrite is exact or not done.  `//NAME` selects every element named
 * NAME, so `//NAME[P]` equals `$all-NAME[P]` as long as P does not depend on
 * the position of the node among its siblings: a step is rewritten only
 * when each of its predicates is plainly a test (a comparison, `@attr`, or
 * a call of contains, starts-with, not, boolean, true, false or lang) and
 * names neither position() nor last().  Anything else (a number as a
 * predicate, an axis, a prefix, a node test such as text(), `.//` or
 * `a//b`, an expression that already holds a `$`) is left to libxml2 as
 * written.
 */
#ifndef MC_XPATH_REWRITE_H
#define MC_XPATH_REWRITE_H

/* The variable names the rewrite writes: the prefix then the element
 * name, or MC_XPATH_ALL_VAR for the name test `*` (any element). */
#define MC_XPATH_INDEX_VAR "mc.idx."
#define MC_XPATH_ALL_VAR "mc.all"
/* A step whose first predicate is `@ATTR = 'VALUE'` becomes
 * `$mc.eq.NAME.ATTR.VALUE`, each of the three in hexadecimal, the
 * predicate taken out: the elements NAME (`*`: any) with an attribute
 * ATTR in no namespace whose value is VALUE, in document order. */
#define MC_XPATH_EQ_VAR "mc.eq."

/*
 * `expr` with every step that can be served by the index rewritten, as a
 * new string the caller frees; NULL when no step can be (then `expr` is
 * evaluated as it is).  Invalid expressions are returned unchanged in
 * meaning: libxml2 rejects the rewritten text exactly when it rejects the
 * original.
 */
char *mc_xpath_rewrite(const char *expr);

#endif
