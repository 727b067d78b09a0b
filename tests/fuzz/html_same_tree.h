/*
 * Whether two parsed HTML documents are the same tree: every node's type,
 * name, text, attributes (with their values and ID flags), the document
 * type and the ID table.  Shared by the fast builder's unit test and its
 * fuzz target, which compare crawler/html_fast.c against libxml2.
 */
#ifndef MC_HTML_SAME_TREE_H
#define MC_HTML_SAME_TREE_H

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/valid.h>

static int same_str(const xmlChar *a, const xmlChar *b)
{
	return (!a && !b) || (a && b && strcmp((const char *)a, (const char *)b) == 0);
}

static const char *str_or(const xmlChar *s)
{
	return s ? (const char *)s : "(null)";
}

/* The path of `n` for messages: names from the root down. */
static void node_path(xmlNodePtr n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (; n && n->type != XML_HTML_DOCUMENT_NODE && n->type != XML_DOCUMENT_NODE; n = n->parent) {
		const char *name = n->name ? (const char *)n->name : "#";
		size_t add = strlen(name) + 1;

		if (len + add + 1 > size)
			break;
		memmove(out + add, out, len + 1);
		out[0] = '/';
		memcpy(out + 1, name, add - 1);
		len += add;
	}
}

/* First difference between the node lists `a` and `b` (and below), said
 * into `why`; 1 when they are the same. */
static int same_nodes(xmlNodePtr a, xmlNodePtr b, char *why, size_t size)
{
	char path[400];

	for (; a && b; a = a->next, b = b->next) {
		node_path(a, path, sizeof path);
		if (a->type != b->type || !same_str(a->name, b->name)) {
			snprintf(why, size, "%s: node %d %s, want %d %s", path, a->type, str_or(a->name),
				 b->type, str_or(b->name));
			return 0;
		}
		if (a->type == XML_DTD_NODE) {
			xmlDtdPtr da = (xmlDtdPtr)a, db = (xmlDtdPtr)b;

			if (!same_str(da->ExternalID, db->ExternalID) || !same_str(da->SystemID, db->SystemID)) {
				snprintf(why, size, "doctype %s %s, want %s %s", str_or(da->ExternalID),
					 str_or(da->SystemID), str_or(db->ExternalID), str_or(db->SystemID));
				return 0;
			}
			continue;
		}
		if (a->type != XML_ELEMENT_NODE && !same_str(a->content, b->content)) {
			snprintf(why, size, "%s: text \"%.80s\", want \"%.80s\"", path, str_or(a->content),
				 str_or(b->content));
			return 0;
		}
		if (a->type == XML_ELEMENT_NODE) {
			xmlAttrPtr pa = a->properties, pb = b->properties;

			for (; pa && pb; pa = pa->next, pb = pb->next) {
				if (!same_str(pa->name, pb->name) || pa->atype != pb->atype ||
				    !same_nodes(pa->children, pb->children, why, size)) {
					snprintf(why, size, "%s: attribute %s (%d), want %s (%d)", path,
						 str_or(pa->name), (int)pa->atype, str_or(pb->name),
						 (int)pb->atype);
					return 0;
				}
			}
			if (pa || pb) {
				snprintf(why, size, "%s: attribute %s, want %s", path,
					 pa ? str_or(pa->name) : "none", pb ? str_or(pb->name) : "none");
				return 0;
			}
			if (!same_nodes(a->children, b->children, why, size))
				return 0;
		}
	}
	if (a || b) {
		char other[400];

		node_path(a ? a : b, other, sizeof other);
		snprintf(why, size, "%s %s: one tree has it, the other not (%s)", other,
			 a ? "extra" : "missing", a ? str_or(a->content) : str_or(b->content));
		return 0;
	}
	return 1;
}

/* Whether documents `got` and `want` are the same; if not, why. */
static int same_tree(xmlDocPtr got, xmlDocPtr want, char *why, size_t size)
{
	if (!same_str(got->URL, want->URL) || !same_str(got->encoding, want->encoding) ||
	    got->properties != want->properties) {
		snprintf(why, size, "document URL %s encoding %s, want %s %s", str_or(got->URL),
			 str_or(got->encoding), str_or(want->URL), str_or(want->encoding));
		return 0;
	}
	return same_nodes(got->children, want->children, why, size);
}

#endif
