/*
 * Sitemaps (sitemaps.org protocol 0.9): turn the bytes of a sitemap
 * (`<urlset>`) or sitemap index (`<sitemapindex>`), plain or gzip-compressed,
 * into the list of its `<loc>` URLs.  Extensions (image:, video:, news:,
 * mobile:, xhtml:) are ignored: only a `loc` in the root's namespace, child
 * of a `url` (or `sitemap`) child of the root, counts.  No network access,
 * no entity expansion, no DTD loading; at most MC_SITEMAP_MAX_BYTES of XML.
 *
 * Fetching, following an index's sitemaps and filtering the URLs (by regex
 * or callback) are the caller's job.  Pure function of its input,
 * thread-safe (libxml2 must have been initialised, as for any parse).
 */
#ifndef MC_SITEMAP_H
#define MC_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>

/* The protocol's limit for one sitemap file, compressed or not: 50 MiB of
 * XML.  A gzip body that inflates past it is rejected (a "zip bomb"). */
#define MC_SITEMAP_MAX_BYTES ((size_t)50 * 1024 * 1024)

enum mc_sitemap_status {
	MC_SITEMAP_OK = 0,
	MC_SITEMAP_TOO_BIG,     /* more than MC_SITEMAP_MAX_BYTES of XML */
	MC_SITEMAP_BAD_GZIP,    /* gzip magic, but corrupt or truncated */
	MC_SITEMAP_BAD_XML,     /* not well-formed XML */
	MC_SITEMAP_NOT_SITEMAP, /* root element neither urlset nor sitemapindex */
};

/* The result of a parse.  Everything is owned by the struct. */
struct mc_sitemap {
	bool is_index;   /* sitemapindex: the locs are sitemaps to fetch */
	size_t count;    /* number of locs */
	char **locs;     /* the `<loc>` texts in document order, whitespace-
			    trimmed, otherwise as written (not validated or
			    normalised: pass them to mc_url_normalize); empty
			    ones and ones over MC_URL_MAX bytes are skipped */
	char error[200]; /* why, when the status is not MC_SITEMAP_OK; "" else */
};

/*
 * Parse `len` bytes at `data` into `out`.  Gzip is detected by its magic
 * bytes (1f 8b), whatever the URL or Content-Type said; several gzip
 * members are concatenated, bytes after the last member are ignored (as
 * gzip(1) does).  Returns MC_SITEMAP_OK, or an error status with the
 * reason in out->error and no locs (a broken sitemap yields nothing, never
 * a silently truncated list).  Always call mc_sitemap_release afterwards.
 */
enum mc_sitemap_status mc_sitemap_parse(const void *data, size_t len,
					struct mc_sitemap *out);
/* Free the locs; `sm` is empty afterwards (safe to release twice). */
void mc_sitemap_release(struct mc_sitemap *sm);

#endif
