/*
 * Tests for crawler/sitemap.c on the real sitemaps in tests/fixtures/
 * sitemaps (exact counts, first and last loc), hand-made index, gzip,
 * multi-member, truncated, hostile-entity and malformed cases, and gzip
 * bombs built here at exactly the 50 MiB limit and one byte past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/alloc.h"
#include "crawler/sitemap.h"
#include "testlib.h"

#define DIR "tests/fixtures/sitemaps/"
#define HEBDEN_FIRST "http://www.hebdenbridgetimes.co.uk/news/local/video-tour-de-yorkshire-in-calderdale-1-7242580"
#define HEBDEN_LAST "http://www.hebdenbridgetimes.co.uk/news/local/now-you-see-it-now-you-don-t-it-s-off-the-wall-1-7229940"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t cap = 4096, n;

	*len = 0;
	if (!f)
		return NULL;
	data = mc_malloc(cap);
	for (;;) {
		n = fread(data + *len, 1, cap - *len, f);
		*len += n;
		if (*len < cap)
			break;
		cap *= 2;
		data = mc_realloc(data, cap);
	}
	fclose(f);
	return data;
}

static enum mc_sitemap_status parse_file(const char *name, struct mc_sitemap *sm)
{
	size_t len;
	char *data = slurp(name, &len);
	enum mc_sitemap_status st;

	CHECK(data != NULL, "read %s", name);
	st = mc_sitemap_parse(data ? data : "", len, sm);
	free(data);
	return st;
}

static const char *loc(const struct mc_sitemap *sm, size_t i)
{
	return i < sm->count ? sm->locs[i] : NULL;
}

static void real_sitemaps(void)
{
	static const char *const hebden[] = {
		DIR "hebdenbridgetimes-articles-sitemap.xml",
		DIR "hebdenbridgetimes-articles-sitemap.xml.gz",
		DIR "multi-member.xml.gz",
	};
	struct mc_sitemap plain, sm;

	CHECK_INT(parse_file(hebden[0], &plain), MC_SITEMAP_OK, "hebdenbridgetimes parses");
	CHECK(!plain.is_index, "hebdenbridgetimes is a urlset");
	CHECK_INT(plain.count, 74, "hebdenbridgetimes: 74 locs (image/video locs ignored)");
	CHECK_STR(loc(&plain, 0), HEBDEN_FIRST, "hebdenbridgetimes: first loc");
	CHECK_STR(loc(&plain, plain.count - 1), HEBDEN_LAST, "hebdenbridgetimes: last loc");
	CHECK_STR(plain.error, "", "no error message on success");
	for (size_t f = 1; f < 3; f++) {
		int same = 1;
		CHECK_INT(parse_file(hebden[f], &sm), MC_SITEMAP_OK, "%s parses", hebden[f]);
		CHECK_INT(sm.count, 74, "%s: 74 locs", hebden[f]);
		for (size_t i = 0; i < sm.count && i < plain.count; i++)
			same &= strcmp(sm.locs[i], plain.locs[i]) == 0;
		CHECK(same, "%s: the same locs as the plain file", hebden[f]);
		mc_sitemap_release(&sm);
	}
	mc_sitemap_release(&plain);

	CHECK_INT(parse_file(DIR "shinpaideshou-news-sitemap.xml", &sm), MC_SITEMAP_OK,
		  "shinpaideshou news sitemap parses");
	CHECK(!sm.is_index, "shinpaideshou is a urlset");
	CHECK_INT(sm.count, 3, "shinpaideshou: 3 locs");
	CHECK_STR(loc(&sm, 0),
		  "https://shinpaideshou.wordpress.com/2017/04/25/job-opening-reischauer-policy-research-fellow/",
		  "shinpaideshou: first loc");
	CHECK_STR(loc(&sm, 2),
		  "https://shinpaideshou.wordpress.com/2017/04/24/job-opening-lecturer-in-japanese-studies-university-of-leeds/",
		  "shinpaideshou: last loc");
	mc_sitemap_release(&sm);
	mc_sitemap_release(&sm);
	CHECK(sm.locs == NULL && sm.count == 0, "release twice is safe");
}

static void index_files(void)
{
	static const char *const files[] = {DIR "index.xml", DIR "index.xml.gz"};
	struct mc_sitemap sm;

	for (size_t f = 0; f < 2; f++) {
		CHECK_INT(parse_file(files[f], &sm), MC_SITEMAP_OK, "%s parses", files[f]);
		CHECK(sm.is_index, "%s is a sitemap index", files[f]);
		CHECK_INT(sm.count, 4, "%s: 4 locs (empty, foreign and stray ones skipped)", files[f]);
		CHECK_STR(loc(&sm, 0), "https://shop.example/sitemaps/products-1.xml.gz", "index loc 1");
		CHECK_STR(loc(&sm, 1), "https://shop.example/sitemaps/products-2.xml.gz",
			  "index loc 2, whitespace trimmed");
		CHECK_STR(loc(&sm, 2), "https://shop.example/sitemaps/deals.xml?page=1&lang=en",
			  "index loc 3 from CDATA");
		CHECK_STR(loc(&sm, 3), "https://shop.example/sitemaps/games.xml?a=1&b=2",
			  "index loc 4, &amp; decoded");
		mc_sitemap_release(&sm);
	}
}

static void odd_documents(void)
{
	struct mc_sitemap sm;
	int leaked = 0;

	CHECK_INT(parse_file(DIR "xxe.xml", &sm), MC_SITEMAP_OK, "xxe.xml parses");
	CHECK_INT(sm.count, 4, "xxe.xml: 4 locs");
	CHECK_STR(loc(&sm, 0), "https://shop.example/before", "xxe.xml: loc before");
	CHECK_STR(loc(&sm, 1), "https://shop.example/x?", "external entity not read, reference dropped");
	CHECK_STR(loc(&sm, 2), "https://shop.example//y", "internal entity not expanded");
	CHECK_STR(loc(&sm, 3), "https://shop.example/after", "xxe.xml: loc after");
	for (size_t i = 0; i < sm.count; i++)
		leaked |= strstr(sm.locs[i], "root:") != NULL || strstr(sm.locs[i], "acme") != NULL;
	CHECK(!leaked, "no entity text in any loc");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "laughs.xml", &sm), MC_SITEMAP_BAD_XML, "billion laughs rejected");
	CHECK(strstr(sm.error, "entity") != NULL, "error names the entity problem: %s", sm.error);
	CHECK(sm.count == 0, "no locs from billion laughs");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "legacy-no-namespace.xml", &sm), MC_SITEMAP_OK,
		  "sitemap without namespace parses");
	CHECK_INT(sm.count, 2, "no-namespace: 2 locs, the url in another namespace skipped");
	CHECK_STR(loc(&sm, 0), "https://shop.example/caf\xc3\xa9", "character reference as UTF-8");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "latin1.xml", &sm), MC_SITEMAP_OK, "ISO-8859-1 sitemap parses");
	CHECK_STR(loc(&sm, 0), "https://shop.example/caf\xc3\xa9-latin1", "Latin-1 loc as UTF-8");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "not-sitemap.xml", &sm), MC_SITEMAP_NOT_SITEMAP, "RSS is not a sitemap");
	CHECK(strstr(sm.error, "<rss>") != NULL, "error names the root: %s", sm.error);
	CHECK(sm.count == 0 && sm.locs == NULL, "no locs from a non-sitemap");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "malformed.xml", &sm), MC_SITEMAP_BAD_XML, "malformed XML rejected");
	CHECK(strstr(sm.error, "XML line 5") != NULL, "error gives the line: %s", sm.error);
	CHECK(sm.count == 0 && sm.locs == NULL, "no partial list from malformed XML");
	mc_sitemap_release(&sm);

	CHECK_INT(parse_file(DIR "truncated.xml.gz", &sm), MC_SITEMAP_BAD_GZIP, "truncated gzip rejected");
	CHECK(strstr(sm.error, "truncated") != NULL, "error says truncated: %s", sm.error);
	CHECK(sm.count == 0, "no locs from a truncated gzip");
	mc_sitemap_release(&sm);

	CHECK_INT(mc_sitemap_parse("\x1f\x8bnot really gzip at all", 24, &sm), MC_SITEMAP_BAD_GZIP,
		  "gzip magic with garbage rejected (%s)", sm.error);
	mc_sitemap_release(&sm);
	CHECK_INT(mc_sitemap_parse("", 0, &sm), MC_SITEMAP_BAD_XML, "empty body rejected (%s)", sm.error);
	mc_sitemap_release(&sm);
}

/* A gzip stream of exactly `total` bytes: a urlset with one loc, padded
 * with spaces broken by an empty <p/> every 4 KiB (libxml2 refuses text
 * nodes over 10 MB).  Deflate shrinks 50 MiB of that to about 50 KiB. */
static unsigned char *gzip_padded(size_t total, size_t *out_len)
{
	static const char head[] = "<urlset><url><loc>https://shop.example/x</loc></url>";
	static const char tail[] = "</urlset>";
	static char pattern[65536], blank[65536];
	size_t cap = 1024 * 1024, pad = total - (sizeof head - 1) - (sizeof tail - 1);
	unsigned char *out = mc_malloc(cap);
	z_stream z;

	memset(pattern, ' ', sizeof pattern);
	memset(blank, ' ', sizeof blank);
	for (size_t i = 4096; i <= sizeof pattern; i += 4096)
		memcpy(pattern + i - 4, "<p/>", 4);
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	z.next_in = (Bytef *)head;
	z.avail_in = sizeof head - 1;
	deflate(&z, Z_NO_FLUSH);
	while (pad > 0) {
		/* The last piece is all spaces, so no "<p/>" is cut in two. */
		size_t n = pad < sizeof pattern ? pad : sizeof pattern;
		z.next_in = (Bytef *)(n == sizeof pattern ? pattern : blank);
		z.avail_in = (uInt)n;
		deflate(&z, Z_NO_FLUSH);
		pad -= n;
	}
	z.next_in = (Bytef *)tail;
	z.avail_in = sizeof tail - 1;
	deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void bombs(void)
{
	struct mc_sitemap sm;
	size_t len;
	unsigned char *gz;
	char *big;

	gz = gzip_padded(MC_SITEMAP_MAX_BYTES, &len);
	NOTE("sitemap: %zu-byte gzip inflating to %zu bytes", len, MC_SITEMAP_MAX_BYTES);
	CHECK_INT(mc_sitemap_parse(gz, len, &sm), MC_SITEMAP_OK,
		  "gzip inflating to exactly 50 MiB accepted (%s)", sm.error);
	CHECK_INT(sm.count, 1, "and its loc is read");
	mc_sitemap_release(&sm);
	free(gz);

	gz = gzip_padded(MC_SITEMAP_MAX_BYTES + 1, &len);
	CHECK_INT(mc_sitemap_parse(gz, len, &sm), MC_SITEMAP_TOO_BIG,
		  "gzip inflating to 50 MiB + 1 byte rejected (%s)", sm.error);
	CHECK(sm.count == 0 && sm.locs == NULL, "no locs from a bomb");
	mc_sitemap_release(&sm);
	free(gz);

	big = mc_malloc(MC_SITEMAP_MAX_BYTES + 1);
	memset(big, ' ', MC_SITEMAP_MAX_BYTES + 1);
	CHECK_INT(mc_sitemap_parse(big, MC_SITEMAP_MAX_BYTES + 1, &sm), MC_SITEMAP_TOO_BIG,
		  "plain body over 50 MiB rejected (%s)", sm.error);
	mc_sitemap_release(&sm);
	free(big);
}

int main(void)
{
	real_sitemaps();
	index_files();
	odd_documents();
	bombs();
	return tl_exit_status();
}
