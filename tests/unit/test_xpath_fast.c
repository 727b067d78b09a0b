/*
 * The XPath fast path (crawler/xpath_rewrite.c, crawler/xpath_index.c):
 * which expressions are rewritten and into what, and that every
 * expression, rewritten or not, selects exactly what plain libxml2
 * selects: the same nodes in the same order, the same string, number or
 * boolean, the same failures.  Checked on every saved HTML page of the
 * spiders' tests (real pages: Steam, GOG, books.toscrape.com, bol.com,
 * Play-Asia, PlayStation, and the benchmark store) and on a page of
 * hostile shapes.
 */
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>

#include "base/alloc.h"
#include "crawler/response_internal.h"
#include "crawler/xpath_cache.h"
#include "crawler/xpath_index.h"
#include "crawler/xpath_rewrite.h"
#include "testlib.h"

static const struct mc_spider test_spider = {.name = "test"};

/* ---- the rewrite ------------------------------------------------------ */

static void rewrites(const char *expr, const char *want)
{
	char *got = mc_xpath_rewrite(expr);

	CHECK_STR(got, want, "rewrite %s", expr);
	free(got);
}

static void test_rewrite(void)
{
	rewrites("//a/@href", "$mc.idx.a/@href");
	/* `@attr = 'value'` first: the test moves into the variable, in hex. */
	rewrites("//div[@class='buy-box']/@data-availability",
		 "$mc.eq.646976.636c617373.6275792d626f78/@data-availability");
	rewrites("//*[@id=\"main\"]", "$mc.eq.2a.6964.6d61696e");
	rewrites("//*[@id]", "$mc.all[@id]");
	rewrites("//p[ @x = '' ][@y]", "$mc.eq.70.78.[@y]");
	rewrites("//p[@y][@x='1']", "$mc.idx.p[@y][@x='1']");
	rewrites("//p['1' = @x]", "$mc.idx.p['1' = @x]");
	rewrites("//p[@x != '1']", "$mc.idx.p[@x != '1']");
	rewrites("//p[@x = '1' or @y]", "$mc.idx.p[@x = '1' or @y]");
	rewrites("//p[@x = 1]", "$mc.idx.p[@x = 1]");
	rewrites("//a[@href]", "$mc.idx.a[@href]");
	rewrites("//a[@*]", "$mc.idx.a[@*]");
	rewrites("//li[contains(@class, 'card')]/a", "$mc.idx.li[contains(@class, 'card')]/a");
	rewrites("//li[not(@class)][starts-with(@id,'x')]", "$mc.idx.li[not(@class)][starts-with(@id,'x')]");
	rewrites("//li[@a = 1 and @b != 2]", "$mc.idx.li[@a = 1 and @b != 2]");
	rewrites("//table[@class='facts']//time/@datetime",
		 "$mc.eq.7461626c65.636c617373.6661637473//time/@datetime");
	rewrites("//a | //link", "$mc.idx.a | $mc.idx.link");
	rewrites("(//li)[1]", "($mc.idx.li)[1]");
	rewrites("count(//p)", "count($mc.idx.p)");
	rewrites("concat(//h1, //h2)", "concat($mc.idx.h1, $mc.idx.h2)");
	rewrites("//div[//title]", "//div[$mc.idx.title]");
	rewrites("//div[.//a = //b]", "$mc.idx.div[.//a = //b]");
	rewrites("// a", "$mc.idx.a");
	rewrites("//og.title-x_1", "$mc.idx.og.title-x_1");
	rewrites("//a[@title='//b']", "$mc.eq.61.7469746c65.2f2f62");
	rewrites("//a[@title=\"it's\"]", "$mc.eq.61.7469746c65.69742773");

	/* Positions, axes, node tests, prefixes, relative paths: as written. */
	rewrites("//li[1]", NULL);
	rewrites("//li[last()]", NULL);
	rewrites("//li[@class='a'][2]", NULL);
	rewrites("//li[position() < 3]", NULL);
	rewrites("//li[@a and position()]", NULL);
	rewrites("//li[count(a)]", NULL);
	rewrites("//li[@a + 1]", NULL);
	rewrites("//li[(@a = 1) + 1]", NULL);
	rewrites("//li[a]", NULL);
	rewrites("//li[contains(@a,'b') or 3]", NULL);
	rewrites("//li[contains(@a,'b')][2]", NULL);
	rewrites("//li[string(@a)]", NULL);
	rewrites("//text()", NULL);
	rewrites("//node()", NULL);
	rewrites("//comment()", NULL);
	rewrites("//child::a", NULL);
	rewrites("//svg:rect", NULL);
	rewrites("//@class", NULL);
	rewrites(".//a", NULL);
	rewrites("/html//a", NULL);
	rewrites("a//b", NULL);
	rewrites("//a[@x = $v]", NULL);
	rewrites("$v//a", NULL);
	rewrites("//a[@title='x", NULL);
	rewrites("//a[@title='x'", NULL);
	rewrites("'//a'", NULL);
	rewrites("1 + //a", NULL);
	rewrites("", NULL);
}

/* ---- the same results as libxml2 -------------------------------------- */

static const char *const exprs[] = {
	"//a/@href",
	"//a",
	"//*",
	"//*[@id]",
	"//*[@class='product']",
	"//div",
	"//div[@class='buy-box']/@data-availability",
	"//span[@class='price price--final']",
	"//span[@class=\"price price--final\"]/@data-currency",
	"//li[@class='product-card']/a/@href",
	"//a[@rel='next']/@href",
	"//a[@class='related__link']/@href",
	"//meta[@name='store-id']/@content",
	"//meta[@property='og:title']/@content",
	"//script[@type='application/ld+json']",
	"//script[@type='application/ld+json']/text()",
	"//article[@class='product']/@data-sku",
	"//h1",
	"//h1 | //h2 | //h3",
	"//table[@class='facts']//time/@datetime",
	"//div//a",
	"//div[.//a]",
	"//title[//head]",
	"//li[.//a = //title]",
	"//a[@href][@class]",
	"//a[starts-with(@href, 'http')]",
	"//a[contains(@class, 'link')]/text()",
	"//li[not(@class)]",
	"//div[@id='a' or @id='b']",
	"//li[. = 'Windows']",
	"//tr[td]",
	"//tr[count(td) > 1]",
	"//a[lang('en')]",
	"//*[local-name() = 'svg']",
	"//link[@href = //a/@href]",
	"//li[1]",
	"(//li)[1]",
	"(//li)[last()]",
	"//li[last()]",
	"//li[@class='review'][2]",
	"//p[position() < 3]",
	"//ul/li[2]",
	"//table//td[1]",
	"//DIV",
	"//svg",
	"//rect",
	"//o:p",
	"//text()",
	"//comment()",
	"//node()",
	"//@class",
	"count(//p)",
	"count(//*)",
	"boolean(//form)",
	"string(//title)",
	"//title = 'x'",
	"sum(//li/@data-rating)",
	"//a[@title='//b']",
	"//a[@title='']",
	"//a[@title='a&b']",
	"//*[@class='link']",
	"//a[@href='/a']/text()",
	"//li[@class='review'][@data-rating='4']",
	"//li[@class='review'][1]",
	"//*[@xml:lang='en']",
	"//p[@x != '1']",
	"//a[",
	"//a[@title='x",
	"//x:y",
	"//a[@x = $v]",
	"//li[contains(@class,'a')][2]",
};

/* Whether two results are the same: type, nodes in order, value. */
static int same(xmlXPathObjectPtr a, xmlXPathObjectPtr b)
{
	if (!a || !b)
		return !a && !b;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case XPATH_NODESET: {
		int na = a->nodesetval ? a->nodesetval->nodeNr : 0;
		int nb = b->nodesetval ? b->nodesetval->nodeNr : 0;
		if (na != nb)
			return 0;
		for (int i = 0; i < na; i++)
			if (a->nodesetval->nodeTab[i] != b->nodesetval->nodeTab[i])
				return 0;
		return 1;
	}
	case XPATH_STRING:
		return strcmp((const char *)a->stringval, (const char *)b->stringval) == 0;
	case XPATH_NUMBER:
		return a->floatval == b->floatval || (isnan(a->floatval) && isnan(b->floatval));
	case XPATH_BOOLEAN:
		return a->boolval == b->boolval;
	default:
		return 0;
	}
}

static int size_of(xmlXPathObjectPtr o)
{
	return o && o->type == XPATH_NODESET && o->nodesetval ? o->nodesetval->nodeNr : 0;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Every expression on the page `body` (taken), fast path against libxml2. */
static void compare_page(const char *name, char *body, size_t len, long *found)
{
	struct mc_response res;
	xmlXPathContextPtr plain;
	int differ = 0;

	mc_response_init(&res, &test_spider);
	res.url = mc_strdup("http://example.com/");
	res.body = body;
	res.body_len = len;
	if (!mc_response_doc(&res)) {
		CHECK(0, "%s parses", name);
		mc_response_release(&res);
		return;
	}
	plain = xmlXPathNewContext(res.doc);
	for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		xmlXPathObjectPtr want, got, unindexed;
		plain->node = xmlDocGetRootElement(res.doc);
		res.xpath->node = plain->node;
		want = xmlXPathEvalExpression((const xmlChar *)exprs[i], plain);
		got = mc_xpath_cache_eval(exprs[i], res.xpath, res.index);
		/* Without an index the expression is evaluated as written. */
		unindexed = mc_xpath_cache_eval(exprs[i], res.xpath, NULL);
		if (!same(got, want) || !same(unindexed, want)) {
			differ++;
			NOTE("%s: %s: %d nodes, %d without the index, libxml2 %d", name, exprs[i],
			     size_of(got), size_of(unindexed), size_of(want));
		}
		*found += size_of(want);
		xmlXPathFreeObject(want);
		xmlXPathFreeObject(got);
		xmlXPathFreeObject(unindexed);
	}
	CHECK(differ == 0, "%s: %zu expressions select what libxml2 selects", name,
	      sizeof exprs / sizeof exprs[0]);
	xmlXPathFreeContext(plain);
	mc_response_release(&res);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = mc_malloc((size_t)n + 1);
	*len = fread(data, 1, (size_t)n, f);
	data[*len] = '\0';
	fclose(f);
	return data;
}

/* Shapes a fast path could get wrong: prefixed and upper-case tags,
 * namespace declarations, xml:lang, nested lists (positions per parent),
 * elements after </html>, comments, CDATA, a processing instruction. */
static const char hostile[] =
	"<!DOCTYPE html><!-- before --><html xmlns:o='urn:o' lang='en'><head><title>t</title>"
	"<link href='/a'><meta property='og:title' content='T'></head><body>"
	"<DIV id='a' class='product'><svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>"
	"<o:p>office</o:p><svg:rect xmlns:svg='http://www.w3.org/2000/svg'/>"
	"<ul><li class='review'>1<ul><li>1.1</li><li class='review'>1.2</li></ul></li>"
	"<li class='review' data-rating='4'>2</li><li>Windows</li></ul>"
	"<a href='/a' class='link' xml:lang='en'>x</a><a href='http://b' title='//b'>y</a>"
	"<a title='a&amp;b'>amp</a><a title>empty</a><a title=''>empty</a><a>no href</a><p>1</p><p>2</p><p>3</p><table><tr><td>a</td><td>b</td></tr>"
	"<tr><td>c</td></tr></table><![CDATA[x]]><?pi x?><div id='b'><div><a href='/c'>z</a>"
	"</div></div><form></form></DIV></body></html><p>after</p><!-- after -->";

static void test_equivalence(void)
{
	glob_t g;
	long found = 0;
	size_t len;
	char *body;

	xmlSetGenericErrorFunc(NULL, quiet);
	body = mc_strdup(hostile);
	compare_page("hostile shapes", body, strlen(hostile), &found);
	CHECK(glob("tests/spiders/*/pages/*.html", 0, NULL, &g) == 0 && g.gl_pathc >= 10,
	      "the spiders' saved pages are there (%zu)", g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		body = slurp(g.gl_pathv[i], &len);
		if (body)
			compare_page(g.gl_pathv[i], body, len, &found);
		else
			CHECK(0, "%s can be read", g.gl_pathv[i]);
	}
	globfree(&g);
	/* Equal because both select nothing would prove little. */
	CHECK(found > 100000, "the expressions select something (%ld nodes in all)", found);
}

int main(void)
{
	test_rewrite();
	test_equivalence();
	return tl_exit_status();
}
