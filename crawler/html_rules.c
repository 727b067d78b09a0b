/*
 * The HTML 4 rules of html_rules.h, read once from the installed libxml2
 * (htmlTagLookup for void elements, htmlAutoCloseTag for which start tag
 * closes which element) and from libxml2 2.9.14's own tables for the two
 * things it does not export.
 */
#include "crawler/html_rules.h"

#include <pthread.h>
#include <string.h>

#include <libxml/HTMLparser.h>

/* libxml2's HTML 4 elements: the ones enum mc_html_el names first, in its
 * order, then the others. */
static const char *const names[] = {
	"html", "head", "body", "script", "style", "meta", "link", "title", "base",
	"noframes", "frame", "frameset",
	"a", "abbr", "acronym", "address", "applet", "area", "b", "basefont", "bdo",
	"big", "blockquote", "br", "button", "caption", "center", "cite", "code", "col",
	"colgroup", "dd", "del", "dfn", "dir", "div", "dl", "dt", "em", "embed",
	"fieldset", "font", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
	"iframe", "img", "input", "ins", "isindex", "kbd", "label", "legend", "li",
	"map", "menu", "noscript", "object", "ol", "optgroup", "option", "p", "param",
	"pre", "q", "s", "samp", "select", "small", "span", "strike", "strong", "sub",
	"sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "tt",
	"u", "ul", "var",
};
enum { KNOWN = sizeof names / sizeof names[0], SLOTS = 512 };
_Static_assert(KNOWN == MC_HTML_ELEMENTS, "MC_HTML_ELEMENTS counts the names");

/* Elements pages use that libxml2 does not know (HTML 5, SVG), answered
 * from the table too; each is checked against htmlTagLookup first. */
static const char *const unknown_names[] = {
	"article", "aside", "audio", "canvas", "circle", "data", "defs", "details", "dialog",
	"figcaption", "figure", "footer", "g", "header", "main", "mark", "meter", "nav",
	"output", "path", "picture", "polygon", "progress", "rect", "section", "slot",
	"source", "summary", "svg", "symbol", "template", "time", "track", "use", "video",
	"wbr",
};
enum { UNKNOWN_NAMES = sizeof unknown_names / sizeof unknown_names[0] };

/* Start tags that close an open element of their own name: libxml2
 * 2.9.14's htmlStartClose pairs with equal names, which htmlAutoCloseTag
 * cannot answer (it compares the names first). */
static const char *const self_closing[] = {
	"a", "col", "colgroup", "form", "li", "option", "p", "tbody", "td", "th", "tr",
};

/* libxml2 2.9.14's htmlEndPriority; every other element has 100. */
static const struct {
	const char *name;
	int priority;
} end_priorities[] = {
	{"div", 150},   {"td", 160},    {"th", 160},    {"tr", 170},
	{"thead", 180}, {"tbody", 180}, {"tfoot", 180}, {"table", 190},
	{"head", 200},  {"body", 200},  {"html", 220},
};

/* The references most pages are full of, answered without libxml2's
 * linear search of its 253 entities (their values are still its own). */
static const char *const common_entities[] = {"amp", "lt", "gt", "quot", "nbsp", "apos"};
enum { COMMON = sizeof common_entities / sizeof common_entities[0] };

static struct {
	bool ready;
	unsigned common_value[COMMON];
	short slot[SLOTS]; /* hash of a name -> its index + 1 (ids, then unknown_names), 0 empty */
	bool is_void[KNOWN];
	bool closes[KNOWN][KNOWN]; /* [new][open] */
	int end_priority[KNOWN];
} rules;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static unsigned hash(const char *s, size_t n)
{
	unsigned h = (unsigned)n * 31u;

	for (size_t i = 0; i < n; i++)
		h = h * 33u + (unsigned char)s[i];
	return h % SLOTS;
}

static const char *name_of(int index)
{
	return index < KNOWN ? names[index] : unknown_names[index - KNOWN];
}

/* The index of `name` in the table, or -1. */
static int lookup(const char *name, size_t len)
{
	for (unsigned h = hash(name, len);; h = (h + 1) % SLOTS) {
		int index = rules.slot[h] - 1;

		if (index < 0)
			return -1;
		if (strlen(name_of(index)) == len && memcmp(name_of(index), name, len) == 0)
			return index;
	}
}

static void insert(int index)
{
	unsigned h = hash(name_of(index), strlen(name_of(index)));

	while (rules.slot[h])
		h = (h + 1) % SLOTS;
	rules.slot[h] = (short)(index + 1);
}

static bool read_rules(void)
{
	for (int id = 0; id < KNOWN; id++) {
		const htmlElemDesc *desc = htmlTagLookup((const xmlChar *)names[id]);

		if (!desc)
			return false;
		rules.is_void[id] = desc->empty != 0;
		rules.end_priority[id] = 100;
		insert(id);
	}
	for (int i = 0; i < UNKNOWN_NAMES; i++)
		if (!htmlTagLookup((const xmlChar *)unknown_names[i]))
			insert(KNOWN + i);
	for (int n = 0; n < KNOWN; n++) {
		xmlNode probe = {.type = XML_ELEMENT_NODE, .name = (const xmlChar *)names[n]};

		for (int o = 0; o < KNOWN; o++)
			if (o != n)
				rules.closes[n][o] =
					htmlAutoCloseTag(NULL, (const xmlChar *)names[o], &probe) == 1;
	}
	for (size_t i = 0; i < sizeof self_closing / sizeof self_closing[0]; i++) {
		int id = lookup(self_closing[i], strlen(self_closing[i]));

		rules.closes[id][id] = true;
	}
	for (int i = 0; i < COMMON; i++) {
		const htmlEntityDesc *ent = htmlEntityLookup((const xmlChar *)common_entities[i]);

		if (!ent)
			return false;
		rules.common_value[i] = ent->value;
	}
	for (size_t i = 0; i < sizeof end_priorities / sizeof end_priorities[0]; i++)
		rules.end_priority[lookup(end_priorities[i].name, strlen(end_priorities[i].name))] =
			end_priorities[i].priority;
	return true;
}

static void init(void)
{
	rules.ready = read_rules();
}

bool mc_html_rules_ready(void)
{
	pthread_once(&rules_once, init);
	return rules.ready;
}

int mc_html_element(const char *name, size_t len)
{
	int index = lookup(name, len);

	if (index >= KNOWN)
		return MC_HTML_UNKNOWN;
	if (index >= 0)
		return index;
	if (strcmp(name, "xmp") == 0 || strcmp(name, "listing") == 0 ||
	    htmlTagLookup((const xmlChar *)name))
		return MC_HTML_UNSUPPORTED;
	return MC_HTML_UNKNOWN;
}

bool mc_html_void(int id)
{
	return id >= 0 && rules.is_void[id];
}

bool mc_html_closes(int new_id, int open_id)
{
	return new_id >= 0 && open_id >= 0 && rules.closes[new_id][open_id];
}

int mc_html_end_priority(int id)
{
	return id >= 0 ? rules.end_priority[id] : 100;
}

unsigned mc_html_entity(const char *name, size_t len)
{
	char z[16];
	const htmlEntityDesc *ent;

	for (int i = 0; i < COMMON; i++)
		if (strlen(common_entities[i]) == len && memcmp(common_entities[i], name, len) == 0)
			return rules.common_value[i];
	if (len >= sizeof z)
		return 0;
	memcpy(z, name, len);
	z[len] = '\0';
	ent = htmlEntityLookup((const xmlChar *)z);
	return ent ? ent->value : 0;
}
