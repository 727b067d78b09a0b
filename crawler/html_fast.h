/*
 * A tree builder for the HTML most stores serve, several times cheaper
 * than libxml2's HTML parser, which was 90% of a page's CPU with any
 * spider (issue 19, bench/results/crawl-plain-xpath.md).  It builds the
 * tree htmlReadMemory builds, node for node, for the pages it can prove it
 * reproduces, and declines every other page, which the caller then parses
 * with libxml2: it may decline, it never differs.
 */
#ifndef MC_HTML_FAST_H
#define MC_HTML_FAST_H

#include <stddef.h>

#include <libxml/tree.h>

/*
 * The document htmlReadMemory(buf, len, url, "UTF-8", HTML_PARSE_NONET |
 * HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
 * HTML_PARSE_COMPACT) returns, with the same nodes, names, text,
 * attributes, IDs and document type; or NULL when `buf` is outside what
 * this builder reproduces exactly (docs/crawling.md says what that is).
 * The caller owns the document (xmlFreeDoc).  It allocates through
 * libxml2's allocator, so the page arena and its budget see it; a page
 * over its budget is declined as soon as the builder sees it.
 */
xmlDocPtr mc_html_fast_parse(const char *buf, size_t len, const char *url);

#endif
