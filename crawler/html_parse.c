/*
 * The bounded HTML parse (html_parse.h).  The fast tree builder
 * (html_fast.c) goes first and checks the budget itself.  For the pages it
 * declines, libxml2: htmlReadMemory gives no way to stop a parse, so the
 * tree of a 10 MB page of tiny elements could take the page's whole budget
 * and as much again before the engine looked at it.  Here the parse runs
 * through its own parser context whose handlers
 * are libxml2's default HTML SAX2 handlers, each wrapped to stop the
 * parser (xmlStopParser) once the page is over its budget: every node
 * the tree gains comes through one of them, so the tree stops growing
 * within one node of the cap.  Everything else is what htmlReadMemory
 * does (htmlCtxtReadMemory runs the same steps on a context we made), so
 * normal pages give the same tree.
 */
#include <stdint.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "crawler/html_fast.h"
#include "crawler/html_parse.h"
#include "crawler/page_arena.h"

#define HTML_OPTIONS                                                                   \
	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER | \
	 HTML_PARSE_COMPACT)

/* libxml2's own handlers, called by the wrappers (ctxt->_private). */
struct handlers {
	startElementSAXFunc start_element;
	charactersSAXFunc characters;
	cdataBlockSAXFunc cdata_block;
	commentSAXFunc comment;
};

static void stop_if_over(xmlParserCtxtPtr ctxt)
{
	if (mc_page_arena_over())
		xmlStopParser(ctxt);
}

static void start_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr ctxt = ctx;
	const struct handlers *h = ctxt->_private;

	h->start_element(ctx, name, atts);
	stop_if_over(ctxt);
}

static void characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	const struct handlers *h = ctxt->_private;

	h->characters(ctx, ch, len);
	stop_if_over(ctxt);
}

static void cdata_block(void *ctx, const xmlChar *value, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	const struct handlers *h = ctxt->_private;

	h->cdata_block(ctx, value, len);
	stop_if_over(ctxt);
}

static void comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;
	const struct handlers *h = ctxt->_private;

	h->comment(ctx, value);
	stop_if_over(ctxt);
}

xmlDocPtr mc_html_parse(const char *buf, size_t len, const char *url, bool *fast)
{
	htmlParserCtxtPtr ctxt;
	struct handlers h;
	xmlDocPtr doc;

	if (fast)
		*fast = false;
	if (!buf || len == 0 || len > (size_t)INT32_MAX)
		return NULL;
	doc = mc_html_fast_parse(buf, len, url);
	if (doc) {
		if (fast)
			*fast = true;
		return doc;
	}
	if (mc_page_arena_over())
		return NULL; /* the builder stopped at the budget: no second try */
	ctxt = htmlNewParserCtxt();
	if (!ctxt)
		return NULL;
	/* A handler libxml2 leaves NULL stays NULL: the parser then skips
	 * that event, as it would without us. */
	h.start_element = ctxt->sax->startElement;
	h.characters = ctxt->sax->characters;
	h.cdata_block = ctxt->sax->cdataBlock;
	h.comment = ctxt->sax->comment;
	ctxt->_private = &h;
	if (h.start_element)
		ctxt->sax->startElement = start_element;
	if (h.characters)
		ctxt->sax->characters = characters;
	if (h.cdata_block)
		ctxt->sax->cdataBlock = cdata_block;
	if (h.comment)
		ctxt->sax->comment = comment;
	/* The context's reset keeps its handlers; the document is ours. */
	doc = htmlCtxtReadMemory(ctxt, buf, (int)len, url, "UTF-8", HTML_OPTIONS);
	htmlFreeParserCtxt(ctxt);
	if (doc && mc_page_arena_over()) {
		if (!mc_page_arena_owns(doc))
			xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}
