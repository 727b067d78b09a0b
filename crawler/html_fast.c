/*
 * The fast tree builder of html_fast.h.  One pass over the page, doing
 * what libxml2 2.9.14's htmlParseDocument and its SAX2 tree builder do for
 * the same bytes, with libxml2's own node constructors, so the tree is the
 * one libxml2 would build.  It declines at the first byte where it would
 * have to reproduce more of libxml2's recovery than this:
 *
 * - the page is not empty (libxml2 returns no document), valid UTF-8 with no byte order mark, no NUL and no control
 *   character other than tab, line feed and carriage return;
 * - comments and a DOCTYPE only where a page has them, written plainly;
 *   no processing instruction, no `<!` other than those two;
 * - tags written plainly: `<name attr=value ...>`, `<name ... />`,
 *   `</name>`, names under 100 characters, no prefix on an element name (a
 *   repeated attribute is dropped, as libxml2 drops it);
 * - character references libxml2 decodes to a character (`&amp;`,
 *   `&#233;`, `&#xE9;`) or leaves as written (`&unknown;`, a bare `&`);
 * - libxml2's recovery only where its rule is short: the html, head and
 *   body it implies, a start tag closing open elements (the HTML 4 rules of
 *   html_rules.h), an end tag closing the elements inside the one it names
 *   or being ignored, void elements, script and style read as raw text;
 *   no text but blanks outside the body, nothing after the root closed,
 *   fewer than 200 open elements.
 */
#include "crawler/html_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/valid.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "crawler/html_rules.h"
#include "crawler/page_arena.h"

enum {
	DEPTH_MAX = 200,    /* libxml2 stops a whole parse past 256 open elements */
	NAME_MAX_LEN = 100, /* libxml2 cuts longer names in two */
	TEXT_CHUNK = 1000,  /* libxml2 hands text over in chunks this long */
	ATTRS_MAX = 64,
};

/* A growable byte buffer (malloc; the builder frees it). */
struct bytes {
	char *s;
	size_t len, cap;
};

struct open_element {
	xmlNodePtr node;
	int id; /* html_rules.h */
};

/* A name interned in the document's dictionary, cached by the builder. */
struct cached_name {
	const xmlChar *name;
	size_t len;
};

struct builder {
	const unsigned char *p, *end;
	xmlDocPtr doc;
	const xmlChar *element_names[MC_HTML_ELEMENTS]; /* by id, once interned */
	struct cached_name attribute_names[64];         /* by a hash of the name */
	struct open_element open[DEPTH_MAX];
	int depth;
	int html_level; /* libxml2's ctxt->html: 3 once a head opened, 10 once a body */
	bool rooted;
	struct bytes text;    /* text for the open element, not yet a node (libxml2 merges it) */
	struct bytes scratch; /* the tag being read: attribute names and values */
};

static void put(struct bytes *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2 + 256;
		b->s = mc_realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void put_utf8(struct bytes *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(b, u, n);
}

static bool is_blank(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_letter(unsigned c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(unsigned c)
{
	return is_letter(c) || is_digit(c) || c == ':' || c == '-' || c == '_' || c == '.';
}

/* The character at p + i, or 0 past the end (libxml2 reads its NUL). */
static unsigned at(const struct builder *b, size_t i)
{
	return b->p + i < b->end ? b->p[i] : 0;
}

static void skip_blanks(struct builder *b)
{
	while (b->p < b->end && is_blank(*b->p))
		b->p++;
}

/*
 * Whether the page holds only what the builder reads as libxml2 does:
 * valid UTF-8, no NUL or control
 * character but tab, line feed and carriage return, no U+FFFE or U+FFFF
 * (libxml2 drops those from text and keeps them in attributes).  Eight
 * bytes at a time while they are printable ASCII.
 */
static bool plain_input(const unsigned char *s, size_t n)
{
	const uint64_t high = 0x8080808080808080ull, space = 0x2020202020202020ull;
	size_t i = 0;

	if (mc_utf8_valid_prefix((const char *)s, n, NULL) != n)
		return false;
	while (i < n) {
		uint64_t w;

		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if ((((w - space) | w) & high) == 0) {
				i += 8;
				continue;
			}
		}
		for (size_t end = i + 8 < n ? i + 8 : n; i < end; i++) {
			unsigned c = s[i];

			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBF && s[i + 2] >= 0xBE)
				return false;
		}
	}
	return true;
}

/* ---- the tree -------------------------------------------------------- */

/*
 * Nodes are made as libxml2's constructors make them (xmlNewDocNode,
 * xmlNewDocTextLen, xmlNewNsProp: zeroed, then type, name, document and
 * content), through its allocator, without their per-call overhead.  Names
 * are interned in the document's own dictionary, as libxml2's XML parser
 * keeps them (xmlFreeNode knows the form), so a page's thousand `div`s
 * share one string; text shorter than two pointers is stored in the node
 * itself, as libxml2 stores it with HTML_PARSE_COMPACT.
 */
static void *new_node(size_t size)
{
	void *n = xmlMalloc(size);

	memset(n, 0, size);
	return n;
}

static xmlChar *copy(const char *s, size_t n)
{
	xmlChar *c = xmlMalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* Element name `name` (`len` bytes, element `id`) in the dictionary. */
static const xmlChar *element_name(struct builder *b, const char *name, size_t len, int id)
{
	if (id < 0)
		return xmlDictLookup(b->doc->dict, (const xmlChar *)name, (int)len);
	if (!b->element_names[id])
		b->element_names[id] = xmlDictLookup(b->doc->dict, (const xmlChar *)name, (int)len);
	return b->element_names[id];
}

/* Attribute name `name` (`len` bytes) in the dictionary. */
static const xmlChar *attribute_name(struct builder *b, const char *name, size_t len)
{
	size_t n = sizeof b->attribute_names / sizeof b->attribute_names[0];
	struct cached_name *c = &b->attribute_names[(len * 7 + (unsigned char)name[0] * 3 +
						    (unsigned char)name[len - 1]) % n];

	if (c->name && c->len == len && memcmp(c->name, name, len) == 0)
		return c->name;
	c->name = xmlDictLookup(b->doc->dict, (const xmlChar *)name, (int)len);
	c->len = len;
	return c->name;
}

static xmlNodePtr new_element(struct builder *b, const char *name, size_t len, int id)
{
	xmlNodePtr el = new_node(sizeof *el);

	el->type = XML_ELEMENT_NODE;
	el->name = element_name(b, name, len, id);
	el->doc = b->doc;
	return el;
}

static xmlNodePtr new_text(xmlDocPtr doc, const char *s, size_t n)
{
	xmlNodePtr t = new_node(sizeof *t);

	t->type = XML_TEXT_NODE;
	t->name = xmlStringText;
	t->doc = doc;
	if (n < 2 * sizeof(void *)) {
		t->content = (xmlChar *)&t->properties;
		memcpy(t->content, s, n);
		t->content[n] = '\0';
	} else {
		t->content = copy(s, n);
	}
	return t;
}

static int top_id(const struct builder *b)
{
	return b->depth ? b->open[b->depth - 1].id : MC_HTML_UNKNOWN;
}

static void add_child(struct builder *b, xmlNodePtr n)
{
	xmlNodePtr parent;

	if (b->depth == 0) {
		xmlAddChild((xmlNodePtr)b->doc, n);
		return;
	}
	parent = b->open[b->depth - 1].node;
	n->parent = parent;
	if (parent->last) {
		parent->last->next = n;
		n->prev = parent->last;
	} else {
		parent->children = n;
	}
	parent->last = n;
}

/* Give the open element the text read for it (libxml2 drops text with
 * no element open). */
static void flush_text(struct builder *b)
{
	if (b->text.len && b->depth)
		add_child(b, new_text(b->doc, b->text.s, b->text.len));
	b->text.len = 0;
}

/* Open element `name` (`len` bytes) as libxml2's SAX2 start does. */
static bool push(struct builder *b, const char *name, size_t len, int id)
{
	xmlNodePtr el;

	if (b->depth == DEPTH_MAX || (b->depth == 0 && b->rooted))
		return false;
	flush_text(b);
	el = new_element(b, name, len, id);
	add_child(b, el);
	b->open[b->depth++] = (struct open_element){el, id};
	b->rooted = true;
	if (id == MC_EL_HEAD && b->html_level < 3)
		b->html_level = 3;
	if (id == MC_EL_BODY && b->html_level < 10)
		b->html_level = 10;
	return true;
}

static void pop(struct builder *b)
{
	flush_text(b);
	b->depth--;
}

static bool is_open(const struct builder *b, int id)
{
	for (int i = 0; i < b->depth; i++)
		if (b->open[i].id == id)
			return true;
	return false;
}

/* libxml2's htmlCheckImplied: the html, head or body a start tag implies. */
static bool imply(struct builder *b, int id)
{
	bool head_part = id == MC_EL_SCRIPT || id == MC_EL_STYLE || id == MC_EL_META ||
			 id == MC_EL_LINK || id == MC_EL_TITLE || id == MC_EL_BASE;

	if (id == MC_EL_HTML)
		return true;
	if (b->depth == 0 && !push(b, "html", 4, MC_EL_HTML))
		return false;
	if (id == MC_EL_BODY || id == MC_EL_HEAD)
		return true;
	if (b->depth <= 1 && head_part)
		return b->html_level >= 3 || push(b, "head", 4, MC_EL_HEAD);
	if (id == MC_EL_NOFRAMES || id == MC_EL_FRAME || id == MC_EL_FRAMESET)
		return true;
	if (b->html_level >= 10 || is_open(b, MC_EL_BODY) || is_open(b, MC_EL_HEAD))
		return true;
	return push(b, "body", 4, MC_EL_BODY);
}

/* ---- the page -------------------------------------------------------- */

/* The name characters of libxml2's htmlParseHTMLName, lower-cased; 0 for
 * the others. */
static const char name_lower[256] = {
	['-'] = '-', ['.'] = '.', ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9', [':'] = ':', ['_'] = '_',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
	['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
	['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
	['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b',
	['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
	['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p',
	['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w',
	['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* An HTML name at p, lower-cased into `out` (libxml2's htmlParseHTMLName);
 * false when there is none or it is too long. */
static bool name_start(unsigned c)
{
	return is_letter(c) || c == '_' || c == ':' || c == '.';
}

static bool read_name(struct builder *b, char out[NAME_MAX_LEN + 1], size_t *len)
{
	size_t n = 0;

	if (!name_start(at(b, 0)))
		return false;
	while (b->p < b->end && name_lower[*b->p]) {
		if (n == NAME_MAX_LEN)
			return false;
		out[n++] = name_lower[*b->p++];
	}
	out[n] = '\0';
	*len = n;
	return true;
}

static bool xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* `&#...;` at p into `out`: libxml2's htmlParseCharRef, for the ones that
 * are a character and end with `;`. */
static bool char_ref(struct builder *b, struct bytes *out)
{
	const unsigned char *q = b->p + 2;
	bool hex = q < b->end && (*q == 'x' || *q == 'X');
	uint32_t v = 0;
	int digits = 0;

	if (hex)
		q++;
	for (; q < b->end && digits <= 8; q++, digits++) {
		unsigned c = *q, d;

		if (is_digit(c))
			d = c - '0';
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		v = v * (hex ? 16 : 10) + d;
	}
	if (digits == 0 || digits > 8 || q >= b->end || *q != ';' || !xml_char(v))
		return false;
	put_utf8(out, v);
	b->p = q + 1;
	return true;
}

/* A reference at p (`&`) into `out` as libxml2 reads it in text and in
 * attribute values alike: a known entity or a character reference
 * decoded, anything else kept as written.  Names are libxml2's
 * htmlParseName on ASCII; one running into other characters is declined. */
static bool reference(struct builder *b, struct bytes *out)
{
	const unsigned char *name = b->p + 1, *q = name;
	unsigned cp;

	if (at(b, 1) == '#')
		return char_ref(b, out);
	if (q < b->end && (is_letter(*q) || *q == '_' || *q == ':')) {
		while (q < b->end && is_name_char(*q))
			q++;
		if (q < b->end && *q >= 0x80)
			return false;
		cp = q < b->end && *q == ';' ? mc_html_entity((const char *)name, (size_t)(q - name)) : 0;
		if (cp) {
			put_utf8(out, cp);
			b->p = q + 1;
			return true;
		}
		put(out, b->p, (size_t)(q - b->p));
		b->p = q;
		return true;
	}
	if (q < b->end && *q >= 0x80)
		return false;
	put(out, "&", 1);
	b->p = name;
	return true;
}

/* Where the quoted value run at p stops: its quote, a `&` or the end. */
static const unsigned char *value_end(const struct builder *b, unsigned quote)
{
	const unsigned char *q = memchr(b->p, (int)quote, (size_t)(b->end - b->p));
	const unsigned char *amp = memchr(b->p, '&', (size_t)((q ? q : b->end) - b->p));

	return amp ? amp : q ? q : b->end;
}

/* An attribute value at p into the scratch buffer (libxml2's
 * htmlParseAttValue): quoted, or unquoted up to a blank or `>`. */
static bool attribute_value(struct builder *b)
{
	unsigned quote = at(b, 0);

	if (quote == '"' || quote == '\'')
		b->p++;
	else
		quote = 0;
	for (;;) {
		const unsigned char *s = b->p;

		if (quote)
			b->p = value_end(b, quote);
		else
			while (b->p < b->end && *b->p != '&' && !is_blank(*b->p) && *b->p != '>')
				b->p++;
		put(&b->scratch, s, (size_t)(b->p - s));
		if (b->p >= b->end)
			return false;
		if (*b->p != '&')
			break;
		if (!reference(b, &b->scratch))
			return false;
	}
	if (quote)
		b->p++;
	return true;
}

struct attribute {
	size_t name, value, value_len; /* offsets into the scratch buffer */
	bool has_value;
};

/* Whether libxml2's SAX2 registers `attr` as an ID: xml:id, and what
 * xmlIsID says (for HTML, id, and name on an a element). */
static bool names_id(xmlDocPtr doc, xmlNodePtr el, xmlAttrPtr attr)
{
	const char *name = (const char *)attr->name;

	if (strcmp(name, "xml:id") == 0)
		return true;
	return (strcmp(name, "id") == 0 || strcmp(name, "name") == 0) && xmlIsID(doc, el, attr);
}

/* Attribute `name` of `el`, after `last` (NULL for the first), as
 * libxml2's SAX2 builds it, with its ID; returns it. */
static xmlAttrPtr add_attribute(struct builder *b, xmlNodePtr el, xmlAttrPtr last, const char *name,
				const char *value, size_t value_len)
{
	xmlAttrPtr attr = new_node(sizeof *attr);

	attr->type = XML_ATTRIBUTE_NODE;
	attr->name = attribute_name(b, name, strlen(name));
	attr->parent = el;
	attr->doc = b->doc;
	attr->prev = last;
	if (last)
		last->next = attr;
	else
		el->properties = attr;
	if (!value && htmlIsBooleanAttr((const xmlChar *)name)) {
		value = name;
		value_len = strlen(name);
	}
	if (!value)
		return attr;
	attr->children = attr->last = new_text(b->doc, value, value_len);
	attr->children->parent = (xmlNodePtr)attr;
	if (names_id(b->doc, el, attr) && !xmlGetID(b->doc, (const xmlChar *)value))
		xmlAddID(NULL, b->doc, (const xmlChar *)value, attr);
	return attr;
}

/* What cannot start an attribute, up to a blank or the tag's end: libxml2
 * skips it. */
static void skip_bogus(struct builder *b)
{
	while (b->p < b->end && !is_blank(*b->p) && *b->p != '>' && !(*b->p == '/' && at(b, 1) == '>'))
		b->p++;
	skip_blanks(b);
}

/* Whether attribute `n` was already given (libxml2 keeps the first). */
static bool repeated(const struct builder *b, const struct attribute *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(b->scratch.s + attrs[i].name, b->scratch.s + attrs[n].name) == 0)
			return true;
	return false;
}

/* libxml2 first closes open elements for the part of the name before a
 * dot alone (htmlParseHTMLName_nonInvasive): `<p.x>` closes an open p as
 * `<p>` would. */
static bool close_for_prefix(struct builder *b, const char *name)
{
	char prefix[NAME_MAX_LEN + 1];
	size_t n = 0;
	int id;

	while (name[n] && name[n] != '.')
		n++;
	if (name[n] == '\0')
		return true;
	memcpy(prefix, name, n);
	prefix[n] = '\0';
	id = mc_html_element(prefix, n);
	if (id == MC_HTML_UNSUPPORTED)
		return false;
	while (b->depth && mc_html_closes(id, top_id(b)))
		pop(b);
	return true;
}

/* A start tag at p (`<` and a letter): libxml2's htmlParseStartTag and
 * htmlParseElementInternal. */
static bool start_tag(struct builder *b)
{
	char name[NAME_MAX_LEN + 1];
	struct attribute attrs[ATTRS_MAX];
	xmlAttrPtr last = NULL;
	size_t len, n = 0;
	int id;

	b->p++;
	if (!read_name(b, name, &len) || memchr(name, ':', len) ||
	    (id = mc_html_element(name, len)) == MC_HTML_UNSUPPORTED || !close_for_prefix(b, name))
		return false; /* libxml2 splits a prefixed element name (`<o:p>`) */
	while (b->depth && mc_html_closes(id, top_id(b)))
		pop(b);
	if (!imply(b, id) || (id == MC_EL_HTML && b->depth > 0) ||
	    (id == MC_EL_HEAD && b->depth != 1) || (id == MC_EL_BODY && is_open(b, MC_EL_BODY)))
		return false;
	b->scratch.len = 0;
	skip_blanks(b);
	while (b->p < b->end && *b->p != '>' && !(*b->p == '/' && at(b, 1) == '>')) {
		char attr_name[NAME_MAX_LEN + 1];
		size_t attr_len;

		if (!name_start(*b->p)) {
			skip_bogus(b);
			continue;
		}
		if (n == ATTRS_MAX || !read_name(b, attr_name, &attr_len))
			return false;
		attrs[n] = (struct attribute){.name = b->scratch.len};
		put(&b->scratch, attr_name, attr_len + 1);
		skip_blanks(b);
		if (at(b, 0) == '=') {
			b->p++;
			skip_blanks(b);
			attrs[n].value = b->scratch.len;
			if (!attribute_value(b))
				return false;
			attrs[n].value_len = b->scratch.len - attrs[n].value;
			attrs[n].has_value = true;
			put(&b->scratch, "", 1);
		}
		n += !repeated(b, attrs, n);
		skip_blanks(b);
	}
	if (b->p >= b->end || !push(b, name, len, id))
		return false;
	for (size_t i = 0; i < n; i++)
		last = add_attribute(b, b->open[b->depth - 1].node, last, b->scratch.s + attrs[i].name,
				     attrs[i].has_value ? b->scratch.s + attrs[i].value : NULL,
				     attrs[i].value_len);
	if (*b->p == '/') {
		b->p += 2;
		pop(b);
	} else {
		b->p++;
		if (mc_html_void(id))
			pop(b);
	}
	return true;
}

/* An end tag at p (`</`): libxml2's htmlParseEndTag and
 * htmlAutoCloseOnClose.  One naming no open element is ignored; one
 * naming an outer element closes the ones inside it, unless one of them
 * ranks higher (a `</div>` does not close a table cell). */
static bool end_tag(struct builder *b)
{
	char name[NAME_MAX_LEN + 1];
	size_t len;
	int i, priority;

	b->p += 2;
	if (!read_name(b, name, &len))
		return false;
	skip_blanks(b);
	if (at(b, 0) != '>')
		return false;
	b->p++;
	for (i = b->depth - 1; i >= 0; i--)
		if (strcmp((const char *)b->open[i].node->name, name) == 0)
			break;
	if (i < 0)
		return true;
	priority = mc_html_end_priority(b->open[i].id);
	for (int j = b->depth - 1; j > i; j--)
		if (mc_html_end_priority(b->open[j].id) > priority)
			return true;
	while (b->depth > i)
		pop(b);
	return true;
}

/* Script or style content at p, up to `</` and the element's name in any
 * case (libxml2's htmlParseScript in recovery mode), as one CDATA node.
 * Content after an ignored end tag would join the node before it
 * (libxml2's SAX2 merges them): declined, as joining one node at a time
 * could cost the square of the page. */
static bool raw_text(struct builder *b)
{
	const char *name = (const char *)b->open[b->depth - 1].node->name;
	size_t len = strlen(name);
	const unsigned char *s = b->p, *q = s;
	xmlNodePtr last;

	for (q = memchr(q, '<', (size_t)(b->end - q)); q; q = memchr(q + 1, '<', (size_t)(b->end - q - 1))) {
		if ((size_t)(b->end - q) >= len + 2 && q[1] == '/' &&
		    strncasecmp((const char *)q + 2, name, len) == 0)
			break;
	}
	b->p = q ? q : b->end;
	if (b->p == s)
		return true;
	last = b->open[b->depth - 1].node->last;
	if (last && last->type == XML_CDATA_SECTION_NODE)
		return false;
	add_child(b, xmlNewCDataBlock(b->doc, (const xmlChar *)s, (int)(b->p - s)));
	return true;
}

/* A comment at p (`<!--`), ended by the first `-->` (libxml2's
 * htmlParseComment; a `--!>` before it ends it there, which is declined). */
static bool comment(struct builder *b)
{
	const unsigned char *s = b->p + 4;
	const unsigned char *e = memmem(s, (size_t)(b->end - s), "-->", 3), *bang;

	if (!e)
		return false;
	bang = memmem(s, (size_t)(e - s) + 3, "--!>", 4);
	if (bang && bang < e)
		return false;
	flush_text(b);
	b->scratch.len = 0;
	put(&b->scratch, s, (size_t)(e - s));
	b->scratch.s[b->scratch.len] = '\0';
	add_child(b, xmlNewDocComment(b->doc, (const xmlChar *)b->scratch.s));
	b->p = e + 3;
	return true;
}

/* Text at p up to `<` or `&`.  libxml2 drops blanks with no element open
 * and implies a paragraph for other text outside the body: declined. */
static bool text(struct builder *b)
{
	const unsigned char *s = b->p, *lt = memchr(s, '<', (size_t)(b->end - s)), *amp;
	int top = top_id(b);

	b->p = lt ? lt : b->end;
	amp = memchr(s, '&', (size_t)(b->p - s));
	if (amp)
		b->p = amp;
	if (b->depth == 0 || top == MC_EL_HTML || top == MC_EL_HEAD) {
		if (b->p - s >= TEXT_CHUNK || (b->p < b->end && *b->p == '&'))
			return false;
		for (const unsigned char *c = s; c < b->p; c++)
			if (!is_blank(*c))
				return false;
		if (b->depth == 0)
			return true;
	}
	put(&b->text, s, (size_t)(b->p - s));
	return true;
}

static bool outside_body(const struct builder *b)
{
	int top = top_id(b);

	return b->depth == 0 || top == MC_EL_HTML || top == MC_EL_HEAD;
}

/* What follows a `<`: libxml2's htmlParseContentInternal, case by case. */
static bool markup(struct builder *b)
{
	unsigned next = at(b, 1);

	if (next == '/')
		return end_tag(b);
	if (is_letter(next))
		return start_tag(b);
	if (next == '!' && at(b, 2) == '-' && at(b, 3) == '-')
		return comment(b);
	if (next == '!' || next == '?' || next == '_' || next == ':' || next == 0 || outside_body(b))
		return false;
	put(&b->text, "<", 1);
	b->p++;
	return true;
}

static bool content(struct builder *b)
{
	while (b->p < b->end) {
		int top = top_id(b);
		bool ok;

		if (mc_page_arena_over())
			return false;
		if (*b->p == '<' && at(b, 1) == '/') {
			ok = end_tag(b);
		} else if (top == MC_EL_SCRIPT || top == MC_EL_STYLE) {
			ok = raw_text(b);
		} else if (*b->p == '<') {
			ok = markup(b);
		} else if (*b->p == '&') {
			ok = !outside_body(b) && reference(b, &b->text);
		} else {
			ok = text(b);
		}
		if (!ok)
			return false;
	}
	while (b->depth)
		pop(b);
	return true;
}

/* ---- the prolog ------------------------------------------------------ */

static bool keyword(const struct builder *b, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(b->end - b->p) >= n && strncasecmp((const char *)b->p, word, n) == 0;
}

static bool pubid_char(unsigned c)
{
	return is_letter(c) || is_digit(c) || (c && strchr(" \r\n-'()+,./:=?;!*#@$_%", (int)c));
}

/* A quoted literal at p, NUL-terminated into the scratch buffer from
 * `*at`; system literals take printable ASCII, public ones their set. */
static bool literal(struct builder *b, bool public_id, size_t *offset)
{
	unsigned quote = at(b, 0);
	const unsigned char *s;

	if (quote != '"' && quote != '\'')
		return false;
	s = ++b->p;
	while (b->p < b->end && *b->p != quote) {
		unsigned c = *b->p++;

		if (public_id ? !pubid_char(c) : c < 0x20 || c > 0x7E)
			return false;
	}
	if (b->p >= b->end)
		return false;
	*offset = b->scratch.len;
	put(&b->scratch, s, (size_t)(b->p - s));
	put(&b->scratch, "", 1);
	b->p++;
	return true;
}

/* `<!DOCTYPE name [PUBLIC "id" ["uri"] | SYSTEM "uri"]>` at p: libxml2's
 * htmlParseDocTypeDecl and SAX2's internal subset. */
static bool doctype(struct builder *b)
{
	const unsigned char *name;
	size_t name_end, public_id = 0, system_id = 0;
	bool has_public = false, has_system = false;

	b->p += 9;
	skip_blanks(b);
	name = b->p;
	if (!is_letter(at(b, 0)))
		return false;
	while (b->p < b->end && is_name_char(*b->p))
		b->p++;
	if (at(b, 0) >= 0x80)
		return false;
	b->scratch.len = 0;
	put(&b->scratch, name, (size_t)(b->p - name));
	put(&b->scratch, "", 1);
	name_end = b->scratch.len;
	skip_blanks(b);
	if (keyword(b, "SYSTEM")) {
		b->p += 6;
		skip_blanks(b);
		has_system = literal(b, false, &system_id);
		if (!has_system)
			return false;
	} else if (keyword(b, "PUBLIC")) {
		b->p += 6;
		skip_blanks(b);
		has_public = literal(b, true, &public_id);
		if (!has_public)
			return false;
		skip_blanks(b);
		if (at(b, 0) == '"' || at(b, 0) == '\'') {
			has_system = literal(b, false, &system_id);
			if (!has_system)
				return false;
		}
	}
	skip_blanks(b);
	if (at(b, 0) != '>' || name_end == 1)
		return false;
	b->p++;
	b->doc->intSubset = xmlCreateIntSubset(
		b->doc, (const xmlChar *)b->scratch.s,
		has_public ? (const xmlChar *)b->scratch.s + public_id : NULL,
		has_system ? (const xmlChar *)b->scratch.s + system_id : NULL);
	return true;
}

/* Comments before and after the DOCTYPE, which become the document's. */
static bool prolog_comments(struct builder *b)
{
	skip_blanks(b);
	while (keyword(b, "<!--") || keyword(b, "<?")) {
		if (keyword(b, "<?") || !comment(b))
			return false;
		skip_blanks(b);
	}
	return true;
}

static bool prolog(struct builder *b)
{
	if (!prolog_comments(b))
		return false;
	if (keyword(b, "<!DOCTYPE") && !doctype(b))
		return false;
	return prolog_comments(b);
}

xmlDocPtr mc_html_fast_parse(const char *buf, size_t len, const char *url)
{
	struct builder b = {.p = (const unsigned char *)buf, .end = (const unsigned char *)buf + len};
	bool ok;

	if (len == 0 || !mc_html_rules_ready() || !plain_input(b.p, len))
		return NULL;
	b.doc = htmlNewDocNoDtD(NULL, NULL);
	b.doc->dict = xmlDictCreate();
	b.doc->properties = XML_DOC_HTML;
	b.doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	if (url)
		b.doc->URL = xmlPathToURI((const xmlChar *)url);
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		b.p += 3; /* libxml2 drops a UTF-8 byte order mark */
	ok = prolog(&b) && content(&b);
	if (ok && !b.doc->intSubset)
		b.doc->intSubset = xmlCreateIntSubset(b.doc, (const xmlChar *)"html",
						      (const xmlChar *)"-//W3C//DTD HTML 4.0 Transitional//EN",
						      (const xmlChar *)"http://www.w3.org/TR/REC-html40/loose.dtd");
	free(b.text.s);
	free(b.scratch.s);
	if (!ok) {
		xmlFreeDoc(b.doc);
		return NULL;
	}
	return b.doc;
}
