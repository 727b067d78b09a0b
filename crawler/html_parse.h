/*
 * The one way a page's HTML becomes a libxml2 tree (the response's
 * document and any HTML fragment a spider parses through the response
 * API).  The fast tree builder (html_fast.h) builds it when it can;
 * otherwise libxml2 parses as htmlReadMemory would, with the options every
 * page is read with, but stops as soon as the page being read on this thread
 * goes over its memory budget (page_arena.h), so the tree of a hostile
 * page never grows past the cap before the engine drops the page
 * (docs/crawling.md, "Caps on what a server sends").
 */
#ifndef MC_HTML_PARSE_H
#define MC_HTML_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/*
 * Parse `len` bytes of UTF-8 HTML at `buf` (any <meta charset> is
 * ignored: the bytes are UTF-8 already), `url` the document's base URL
 * (may be NULL).  Returns a new document the caller owns: freed with
 * xmlFreeDoc, or, when allocated while a page arena was active
 * (mc_page_arena_owns), with that arena at the end of the page.  NULL
 * when `len` is 0 or above INT32_MAX, when libxml2 builds nothing, or
 * when the page went over its memory budget during the parse (the part
 * built is freed; mc_page_arena_over() then says why).  When `fast` is
 * not NULL, *fast says whether the fast builder made the tree.
 */
xmlDocPtr mc_html_parse(const char *buf, size_t len, const char *url, bool *fast);

#endif
