/*
 * The HTML 4 element rules libxml2's HTML parser recovers with, as the
 * fast tree builder (html_fast.c) needs them: which elements libxml2
 * knows, which are void, which start tag closes which open element, and
 * how far an end tag may reach.  Read from the installed libxml2 where it
 * exports them (htmlTagLookup, htmlAutoCloseTag) and stated here where it
 * does not (libxml2 2.9.14 HTMLparser.c: its self-closing start tags and
 * end-tag priorities), and its named character references, so the builder cannot drift from the library it
 * stands in for; tests/unit/test_html_fast.c compares the two trees.
 */
#ifndef MC_HTML_RULES_H
#define MC_HTML_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* Ids of the elements the builder treats specially. */
enum mc_html_el {
	MC_EL_HTML,
	MC_EL_HEAD,
	MC_EL_BODY,
	MC_EL_SCRIPT,
	MC_EL_STYLE,
	MC_EL_META,
	MC_EL_LINK,
	MC_EL_TITLE,
	MC_EL_BASE,
	MC_EL_NOFRAMES,
	MC_EL_FRAME,
	MC_EL_FRAMESET,
	MC_EL_NAMED /* the first id of the other known elements */
};

/* The number of element ids (0 to MC_HTML_ELEMENTS - 1). */
#define MC_HTML_ELEMENTS 92

/* Whether the rules could be read from the installed libxml2: false
 * when it knows another set of elements than the one stated here, and
 * then the builder declines every page. */
bool mc_html_rules_ready(void);

/* The id of element `name` (lower case, `len` bytes, NUL-terminated)
 * among the ones libxml2 knows; MC_HTML_UNKNOWN for a name it does not
 * know; MC_HTML_UNSUPPORTED for one the rules here do not cover (xmp and
 * listing, which close elements in libxml2 without being elements it
 * knows, or one a later libxml2 added). */
#define MC_HTML_UNKNOWN (-1)
#define MC_HTML_UNSUPPORTED (-2)
int mc_html_element(const char *name, size_t len);

/* Whether libxml2 treats element `id` as void (no content, no end tag). */
bool mc_html_void(int id);
/* Whether a start tag `new_id` closes an open element `open_id` (either
 * may be MC_HTML_UNKNOWN, which closes and is closed by nothing). */
bool mc_html_closes(int new_id, int open_id);
/* How far an end tag reaches: it closes the elements inside the one it
 * names only if none of them has a higher priority than it. */
int mc_html_end_priority(int id);

/* The code point libxml2 decodes `&name;` to (name: `len` ASCII letters
 * and digits), or 0 when it knows no such entity. */
unsigned mc_html_entity(const char *name, size_t len);

#endif
