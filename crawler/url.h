/*
 * URL parsing, joining and normalisation for http and https (RFC 3986 with
 * the WHATWG URL Standard's rules where browsers differ).  The engine keys
 * its duplicate filter, robots cache and per-host limits on the normalised
 * form, so equal pages get equal strings.  Pure functions, thread-safe.
 * docs/urls.md lists the rules and the known differences from the Standard.
 */
#ifndef MC_URL_H
#define MC_URL_H

#include <stdbool.h>
#include <stddef.h>

/* Inputs longer than this (after trimming) are rejected as invalid. */
#define MC_URL_MAX 65536

/*
 * A parsed absolute URL, every component already percent-encoded as the
 * URL Standard serialises it.  Every string is owned by the struct.
 */
struct mc_url {
	char *scheme;   /* "http" | "https", lower case */
	char *userinfo; /* "user" or "user:password" or ":password"; "" when none */
	char *host;     /* lower case, ASCII (IDNA applied); IPv4 dotted decimal;
			   IPv6 compressed, in brackets */
	int port;       /* -1 when absent or the scheme's default */
	char *path;     /* starts with '/', dot segments removed */
	char *query;    /* without '?', NULL when absent ("" for a bare '?') */
	char *fragment; /* without '#', NULL when absent */
};

/*
 * Parse `input` (absolute, or relative to `base`, which may be NULL) into
 * `out`, as the URL Standard's basic URL parser does.  `base` is only used
 * when it is itself a valid http(s) URL; a relative input without one
 * fails.  Returns 0 on success, -1 on failure (invalid URL, or a scheme
 * other than http/https); on failure `out` holds nothing to free.
 * Release with mc_url_release (which leaves `out` empty, safe to release
 * again).
 */
int mc_url_parse(const char *input, const char *base, struct mc_url *out);
/* mc_url_parse with the base already parsed (by mc_url_parse; NULL: no
 * base), to join the many links of one page without parsing its URL for
 * each.  `base` is only read. */
int mc_url_parse_with(const char *input, const struct mc_url *base, struct mc_url *out);
void mc_url_release(struct mc_url *u);

/* Serialise `u` (with its fragment) as a new string, the Standard's href;
 * caller frees. */
char *mc_url_to_string(const struct mc_url *u);

/*
 * Join and normalise in one step: the absolute, normalised URL for `href`
 * relative to `base` (which may be NULL), without fragment; scheme and host
 * lower case, default port dropped, dot segments removed, percent-encoding
 * normalised (bytes the Standard's encode sets name escaped, escaped
 * unreserved characters decoded, hex digits upper case), an empty query
 * ("page?") dropped.  The order of query parameters is kept.  Returns a new
 * string (caller frees) or NULL when not a valid http(s) URL.
 */
char *mc_url_normalize(const char *href, const char *base);
/* mc_url_normalize with the base already parsed (NULL: no base). */
char *mc_url_normalize_with(const char *href, const struct mc_url *base);

/* "scheme://host[:port]" of a normalised URL, the key for robots.txt and
 * per-host limits; a new string the caller frees, or NULL. */
char *mc_url_origin(const char *url);

/* The length of the "scheme://authority" prefix of a normalised URL (its
 * origin, userinfo included, as the normaliser writes it), or 0 when it
 * has no "://".  No copy, no parse: for the engine's per-request paths. */
size_t mc_url_origin_len(const char *url);

/* The host of a normalised URL into `out` (without userinfo or port; an
 * IPv6 host keeps its brackets).  False when there is no "://" or the host
 * does not fit in `outsz` bytes with its NUL. */
bool mc_url_host(const char *url, char *out, size_t outsz);

/* True when `host` equals `domain` or is a subdomain of it (case-insensitive;
 * a leading or trailing dot on either is ignored; an empty domain matches
 * nothing). */
bool mc_host_in_domain(const char *host, const char *domain);

#endif
