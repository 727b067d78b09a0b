/*
 * The fast tree builder (crawler/html_fast.c) against libxml2's HTML
 * parser: on every saved page of the spiders' tests and of
 * shared/fixtures/real (when present), and on a table of shapes, the
 * builder either declines or builds the very tree libxml2 builds; and it
 * takes the pages it was made for (the benchmark store and the real
 * stores' pages), so a change that makes it decline them fails here
 * rather than only slowing the crawl.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "crawler/html_fast.h"
#include "../fuzz/html_same_tree.h"
#include "testlib.h"

static xmlDocPtr libxml2_parse(const char *s, size_t n)
{
	return htmlReadMemory(s, (int)n, "https://shop.example/p/1", "UTF-8",
			      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				      HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
}

/* 1 built and the same, 0 declined, -1 built and different. */
static int compare(const char *s, size_t n, char *why, size_t size)
{
	xmlDocPtr fast = mc_html_fast_parse(s, n, "https://shop.example/p/1"), want;
	int same;

	if (!fast)
		return 0;
	want = libxml2_parse(s, n);
	same = want && same_tree(fast, want, why, size);
	if (!want)
		snprintf(why, size, "libxml2 returns no document");
	xmlFreeDoc(fast);
	xmlFreeDoc(want);
	return same ? 1 : -1;
}

/* Shapes the builder takes (1) or declines (0); either way never a
 * different tree. */
static const struct {
	const char *html;
	int taken;
} shapes[] = {
	{"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>T</title>\n"
	 "</head>\n<body>\n<p>x</p>\n</body>\n</html>\n", 1},
	{"<div>no html, head or body</div>", 1},
	{"<title>implied head</title><p>then body", 1},
	{"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">"
	 "<html><body>\n  <p>strict</p>  \n</body></html>", 1},
	{"<!doctype html system 'about:legacy-compat'><p>x", 1},
	{"<!-- before --><!DOCTYPE html><!-- after --><html><body>x</body></html><!-- end -->", 1},
	{"<ul><li>one<li>two<li>three</ul><p>a<p>b<div>c</div>", 1},
	{"<table><tr><td>1<td>2<tr><td>3</table>", 1},
	{"<table><tr><td><div>cell</td></tr></table>", 1},
	{"<div><p>unclosed paragraph</div>after", 1},
	{"<div><table><tr><td>x</div></td></tr></table>", 1},
	{"<p>stray</b> end tags</i> are ignored</p>", 1},
	{"<a href=x>one<a href=y>two</a>", 1},
	{"<br><img src=a.png alt=\"\"><input disabled><hr/><div/>after self-closed div", 1},
	{"<p a=1 B=\"2\" c='3' d e=f/g h = \" spaced \">x</p>", 1},
	{"<input checked selected=selected nowrap>", 1},
	{"<p>&amp; &lt;&gt; &quot; &apos; &nbsp; &eacute; &#233; &#xE9; &#X1F600; &copy</p>", 1},
	{"<p>&unknown; &; & x &1 a&b=c</p>", 1},
	{"<a href=\"?a=1&amp;b=2&c=3&copy=4&#39;\" title='&lt;x&gt;'>q</a>", 1},
	{"<p id=a>1</p><p id=a>dup</p><a name=n>x</a><b name=n>y</b><i xml:id=z>w</i>", 1},
	{"<script>if (a < b && c > d) document.write('</div>'); </scripts></script><p>x", 1},
	{"<script></foo>x</script><style>p{}</STYLE><script src=a.js></script>", 1},
	{"<script></scriptx>b</script><style>d</p>e</style>", 1},
	{"<script>a</scriptx>b</script>", 0},
	{"<p>text<!-- a comment -->more<!---->end<!-- a -- b --></p>", 1},
	{"<p>Caf\xc3\xa9 \xe2\x82\xac 12,99 \xf0\x9f\x8e\xae</p>", 1},
	{"<p>line\r\nbreaks\rkept</p>", 1},
	{"<p>1 < 2</p>", 1},
	{"<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg><my-widget data-x=1>c</my-widget>", 1},
	{"<html><head></head>\n<body>x</body>\n</html>\n\n", 1},
	{"<body><div>after body close</div></body><div>still parsed</div>", 1},
	{"<html><head><title>t</title></head><frameset><frame src=a></frameset></html>", 1},
	{"<select><option>a<option>b<optgroup><option>c</select>", 1},
	{"<dl><dt>a<dd>b<dt>c</dl>", 1},
	{"<form><form>nested</form></form>", 1},
	{"<noscript><p>x</p></noscript><iframe>y</iframe><textarea><b>z</b></textarea>", 1},
	{"", 0},
	{"   \n  ", 1},
	/* declined: libxml2 recovers in ways the builder does not reproduce */
	{"\xef\xbb\xbf<p>byte order mark</p>", 1},
	{"<p a=1 A=2 b=3 a=4>repeated attributes</p>", 1},
	{"<a href=\"?a=1&snr=1_4&x_y=2&a.b&c:d&_e&:f&\">&snr_x &a-b; &c.d</a>&tail", 1},
	{"<p>bad \xff utf-8</p>", 0},
	{"<p>control \x01 char</p>", 0},
	{"text before any element", 0},
	{"<html>text in html</html>", 0},
	{"<head>&amp;</head>", 0},
	{"<?xml version=\"1.0\"?><p>x</p>", 0},
	{"<p><![CDATA[x]]></p>", 0},
	{"<p>a <_x> b</p>", 0},
	{"<p>unterminated <!-- comment</p>", 0},
	{"<p>x<!-- a --!> b --></p>", 0},
	{"<p a=\"1\"\" b\"c d=2 'e' =f/ g>x</p><ul data-x=\"{}\"\"><li>y</ul>", 1},
	{"<p>&#0; &#xD800;</p>", 0},
	{"<p>&#65</p>", 0},
	{"<p>&amp\xc3\xa9;</p>", 0},
	{"<html><body>x</body></html><p>after the root</p>", 0},
	{"<div><body>second body</body></div>", 0},
	{"<div><head>late head</head></div>", 0},
	{"<p>x</ p></p>", 0},
	{"<p>x</p >y</p foo>", 0},
	{"<p>unterminated tag <b", 0},
	{"<xmp><p>x</p></xmp>", 0},
	{"<p>Word <o:p>prefixed</o:p></p>", 0},
	{"<p>a<p-x>b<p.y>c</p><ul><li>d<li_e>f<li.g>h</ul><td-x>i<tr.j>k", 1},
	{"<p>x</p>\n<!DOCTYPE html>", 0},
	{"<!DOCTYPE html [ <!ENTITY x 'y'> ]><p>x", 0},
	{"<p>x\xef\xbf\xbe</p>", 0},
};

static void test_shapes(void)
{
	char why[1024];

	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		const char *s = shapes[i].html;
		int r = compare(s, strlen(s), why, sizeof why);

		if (r < 0)
			NOTE("%s", why);
		CHECK(r >= 0, "shape %zu: the same tree as libxml2 or declined", i);
		CHECK_INT(r, shapes[i].taken, "shape %zu: %s", i, shapes[i].taken ? "taken" : "declined");
	}
	CHECK_INT(compare("<p>nul\0byte</p>", sizeof "<p>nul\0byte</p>" - 1, why, sizeof why), 0,
		  "a NUL byte: declined");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n = -1;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		s = malloc((size_t)n + 1);
		if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
			free(s);
			s = NULL;
		} else if (s) {
			*len = (size_t)n;
		}
	}
	fclose(f);
	return s;
}

/* Every page matching `pattern`: never a different tree; returns how many
 * the builder took, out of *total. */
static size_t check_pages(const char *pattern, size_t *total)
{
	glob_t g;
	size_t taken = 0;
	char why[1024];

	*total = 0;
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t n;
		char *s = slurp(g.gl_pathv[i], &n);
		int r;

		if (!s)
			continue;
		r = compare(s, n, why, sizeof why);
		if (r < 0)
			NOTE("%s: %s", g.gl_pathv[i], why);
		CHECK(r >= 0, "%s: the same tree as libxml2 or declined (%s)", g.gl_pathv[i],
		      r > 0 ? "taken" : "declined");
		taken += r > 0;
		(*total)++;
		free(s);
	}
	globfree(&g);
	return taken;
}

static void test_pages(void)
{
	size_t total, taken;

	taken = check_pages("tests/spiders/demo_plain/pages/*.html", &total);
	CHECK(total > 0 && taken == total, "the benchmark store's pages are all taken (%zu of %zu)",
	      taken, total);
	taken = check_pages("tests/spiders/*/pages/*.html", &total);
	NOTE("saved pages of the spiders' tests: %zu of %zu taken", taken, total);
	CHECK(total > 0, "the spiders' saved pages are there");
	taken = check_pages("../shared/fixtures/real/*/*.html", &total);
	NOTE("shared/fixtures/real: %zu of %zu taken", taken, total);
}

int main(void)
{
	test_shapes();
	test_pages();
	return tl_exit_status();
}
