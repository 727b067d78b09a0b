/*
 * robots.txt (RFC 9309) for one product token: the parser keeps only the
 * rules of the groups that apply to that token (or to `*` when none
 * names it), in a canonical percent-encoded form, sorted so that the
 * first matching rule is the longest one (allow before disallow on equal
 * length).  Matching a URL is then one canonicalisation plus a scan that
 * stops at the first hit; `*` is matched segment by segment with memmem,
 * never by backtracking, so a hostile pattern costs linear time.
 *
 * This module owns parsing and matching only.  Fetching, the status-code
 * rules (4xx → allow all, 5xx → disallow all) and the per-origin cache
 * belong to the engine; docs/robots.md describes both sides.  It never
 * logs: a robots.txt is outside input and any line may be junk.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "crawler/robots.h"
#include "base/text.h"

/* Google's reference parser keeps at most 2083 * 8 - 1 bytes of a line;
 * we apply the same per-line parsing limit (RFC 9309 section 2.5). */
#define MAX_LINE_BYTES (2083 * 8 - 1)
/* Crawl-delay values above one day are taken as one day. */
#define MAX_DELAY_MS (86400L * 1000)

enum robots_kind { ROBOTS_RULES, ROBOTS_ALLOW_ALL, ROBOTS_DISALLOW_ALL };

struct rule {
	char *pat;     /* canonical pattern without the final '$' */
	size_t len;    /* strlen(pat) */
	size_t prio;   /* octets of the canonical pattern, '$' included */
	bool anchored; /* pattern ended with '$' */
	bool allow;
};

struct rule_list {
	struct rule *v;
	size_t n, cap;
};

struct mc_robots {
	enum robots_kind kind;
	struct rule_list rules; /* sorted: longest first, allow before disallow */
	long delay_ms;
	char **sitemaps;        /* NULL-terminated */
	size_t nsitemaps, sitemap_cap;
	struct mc_robots_stats stats;
};

/* Parsing state: which groups the lines being read belong to. */
struct parser {
	struct mc_robots *r;
	const char *agent;
	size_t agent_len;
	bool any_agent;      /* a user-agent line has been seen */
	bool in_rules;       /* a rule followed the current user-agent lines */
	bool group_specific; /* the current group names our agent */
	bool group_global;   /* the current group names `*` */
	bool seen_specific;  /* some group named our agent */
	struct rule_list specific, global;
	long delay_specific, delay_global;
};

static const char hexdigits[] = "0123456789ABCDEF";

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

/* RFC 3986 unreserved characters: the only ones whose %XX is decoded. */
static bool is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)(*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static void put_escape(char *out, size_t *o, unsigned char c)
{
	out[(*o)++] = '%';
	out[(*o)++] = hexdigits[c >> 4];
	out[(*o)++] = hexdigits[c & 15];
}

/*
 * The canonical form both sides are compared in (RFC 9309 section 2.2.2
 * and 2.2.3): %XX of an unreserved character is decoded, every other
 * %XX gets upper-case hex, bytes outside printable ASCII are encoded, a
 * stray '%' becomes %25.  In a URL path a literal '*' or '$' becomes
 * %2A / %24, so it matches a rule that spells it that way; in a pattern
 * '*' stays the wildcard and only a final '$' is the end anchor
 * (reported through `anchored`, not copied).  `slash` puts a '/' in
 * front.  Returns a new string.
 */
static char *canonical(const char *s, size_t n, bool pattern, bool slash, size_t *out_len,
		       bool *anchored)
{
	char *out = mc_malloc(3 * n + 2);
	size_t o = 0;

	if (slash)
		out[o++] = '/';
	if (anchored)
		*anchored = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && mc_hexval((unsigned char)s[i + 1]) >= 0 &&
		    mc_hexval((unsigned char)s[i + 2]) >= 0) {
			unsigned char v = (unsigned char)(mc_hexval((unsigned char)s[i + 1]) * 16 +
							  mc_hexval((unsigned char)s[i + 2]));
			if (is_unreserved(v))
				out[o++] = (char)v;
			else
				put_escape(out, &o, v);
			i += 2;
		} else if (c == '*' && !pattern) {
			put_escape(out, &o, c);
		} else if (c == '$' && pattern && i + 1 == n && anchored) {
			*anchored = true;
		} else if (c == '$' || c == '%' || c <= 0x20 || c >= 0x7f) {
			put_escape(out, &o, c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/*
 * Does the canonical pattern `p` (without its '$') match a prefix of the
 * canonical path `s` (all of it when anchored)?  The pattern is split at
 * each '*': the first piece must sit at the start, every further piece
 * is taken at its leftmost occurrence after the previous one (leftmost is
 * always optimal for '*'-only globs), and an anchored last piece must end
 * the path.  Each byte of `s` is examined a bounded number of times.
 */
static bool rule_matches(const struct rule *rl, const char *s, size_t slen)
{
	const char *p = rl->pat;
	size_t plen = rl->len;
	const char *star = memchr(p, '*', plen);
	size_t first = star ? (size_t)(star - p) : plen;
	size_t pos = first;

	if (first > slen || memcmp(s, p, first) != 0)
		return false;
	if (!star)
		return !rl->anchored || pos == slen;
	for (size_t i = first + 1;;) {
		const char *next = memchr(p + i, '*', plen - i);
		size_t end = next ? (size_t)(next - p) : plen;
		size_t piece = end - i;

		if (!next) {
			if (rl->anchored)
				return slen - pos >= piece &&
				       memcmp(s + slen - piece, p + i, piece) == 0;
			return piece == 0 || memmem(s + pos, slen - pos, p + i, piece) != NULL;
		}
		if (piece) {
			const char *hit = memmem(s + pos, slen - pos, p + i, piece);

			if (!hit)
				return false;
			pos = (size_t)(hit - s) + piece;
		}
		i = end + 1;
	}
}

static void rule_list_push(struct rule_list *l, const struct rule *rl)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = mc_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = *rl;
}

static void rule_list_release(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].pat);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int rule_cmp(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->allow != y->allow)
		return x->allow ? -1 : 1;
	return 0;
}

static struct mc_robots *robots_new(enum robots_kind kind)
{
	struct mc_robots *r = mc_calloc(1, sizeof *r);

	r->kind = kind;
	r->delay_ms = -1;
	r->sitemap_cap = 4;
	r->sitemaps = mc_calloc(r->sitemap_cap, sizeof *r->sitemaps);
	return r;
}

static void add_sitemap(struct mc_robots *r, const char *v, size_t n)
{
	if (r->nsitemaps + 1 == r->sitemap_cap) {
		r->sitemap_cap *= 2;
		r->sitemaps = mc_realloc(r->sitemaps, r->sitemap_cap * sizeof *r->sitemaps);
	}
	r->sitemaps[r->nsitemaps++] = mc_strndup(v, n);
	r->sitemaps[r->nsitemaps] = NULL;
}

/* Seconds with optional decimals ("10", "0.5") → ms; -1 when malformed. */
static long parse_delay_ms(const char *v, size_t n)
{
	long secs = 0, ms = 0, scale = 100;
	bool digits = false;
	size_t i = 0;

	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
		if (secs < MAX_DELAY_MS / 1000)
			secs = secs * 10 + (v[i] - '0');
		digits = true;
	}
	if (i < n && v[i] == '.') {
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
			ms += (v[i] - '0') * scale;
			scale /= 10;
			digits = true;
		}
	}
	if (!digits || i != n)
		return -1;
	if (secs >= MAX_DELAY_MS / 1000)
		return MAX_DELAY_MS;
	return secs * 1000 + ms;
}

static bool key_is(const char *k, size_t kn, const char *name)
{
	return kn == strlen(name) && strncasecmp(k, name, kn) == 0;
}

static void on_user_agent(struct parser *p, const char *v, size_t n)
{
	size_t tok = 0;

	if (p->in_rules) {
		p->group_specific = p->group_global = false;
		p->in_rules = false;
	}
	p->any_agent = true;
	/* "*" alone, or followed by a space and junk, is the global group. */
	if (n >= 1 && v[0] == '*' && (n == 1 || is_space((unsigned char)v[1]))) {
		p->group_global = true;
		return;
	}
	/* Only the leading product token counts: "FooBot/2.1 (x)" is FooBot. */
	while (tok < n && is_token_char((unsigned char)v[tok]))
		tok++;
	if (tok && tok == p->agent_len && strncasecmp(v, p->agent, tok) == 0) {
		p->group_specific = true;
		p->seen_specific = true;
	}
}

static void on_rule(struct parser *p, bool allow, const char *v, size_t n)
{
	struct rule rl = { .allow = allow };

	if (!p->any_agent)
		return;
	p->in_rules = true;
	/* An empty value is no rule (RFC 9309: "Disallow:" allows all). */
	if (!n || !(p->group_specific || p->group_global))
		return;
	rl.pat = canonical(v, n, true, false, &rl.len, &rl.anchored);
	rl.prio = rl.len + (rl.anchored ? 1 : 0);
	if (p->group_specific && p->group_global) {
		struct rule copy = rl;

		copy.pat = mc_strdup(rl.pat);
		rule_list_push(&p->global, &copy);
	}
	rule_list_push(p->group_specific ? &p->specific : &p->global, &rl);
}

static void on_crawl_delay(struct parser *p, const char *v, size_t n)
{
	long ms;

	if (!p->any_agent)
		return;
	p->in_rules = true;
	ms = parse_delay_ms(v, n);
	if (ms < 0)
		return;
	if (p->group_specific && ms > p->delay_specific)
		p->delay_specific = ms;
	if (p->group_global && ms > p->delay_global)
		p->delay_global = ms;
}

/*
 * One line, without its terminator.  `key: value`, comments from '#';
 * like Google's parser, a line with no colon but exactly two words
 * ("Disallow /x") is read as key and value.
 */
static void parse_line(struct parser *p, const char *line, size_t n)
{
	const char *hash = memchr(line, '#', n);
	const char *key = line, *val, *sep;
	size_t kn, vn;

	if (hash)
		n = (size_t)(hash - line);
	trim(&line, &n);
	if (!n)
		return;
	key = line;
	sep = memchr(line, ':', n);
	if (sep) {
		kn = (size_t)(sep - line);
		val = sep + 1;
		vn = n - kn - 1;
	} else {
		kn = 0;
		while (kn < n && !is_space((unsigned char)line[kn]))
			kn++;
		if (kn == n)
			return;
		val = line + kn;
		vn = n - kn;
		trim(&val, &vn);
		for (size_t i = 0; i < vn; i++)
			if (is_space((unsigned char)val[i]))
				return;
	}
	trim(&key, &kn);
	trim(&val, &vn);
	if (!kn)
		return;

	if (key_is(key, kn, "user-agent"))
		on_user_agent(p, val, vn);
	else if (key_is(key, kn, "allow"))
		on_rule(p, true, val, vn);
	else if (key_is(key, kn, "disallow"))
		on_rule(p, false, val, vn);
	else if (key_is(key, kn, "crawl-delay"))
		on_crawl_delay(p, val, vn);
	else if (key_is(key, kn, "sitemap")) {
		if (vn)
			add_sitemap(p->r, val, vn);
	} else {
		p->r->stats.unknown++;
		return;
	}
	p->r->stats.directives++;
}

/* Bytes of a UTF-8 BOM at the start, also a partial one (Google does). */
static size_t bom_len(const unsigned char *b, size_t len)
{
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
	size_t i = 0;

	while (i < 3 && i < len && b[i] == bom[i])
		i++;
	return i;
}

struct mc_robots *mc_robots_parse(const char *body, size_t len, const char *agent)
{
	struct mc_robots *r = robots_new(ROBOTS_RULES);
	struct parser p = {
		.r = r,
		.agent = agent ? agent : "",
		.agent_len = agent ? strlen(agent) : 0,
		.delay_specific = -1,
		.delay_global = -1,
	};
	size_t pos;

	if (!body)
		len = 0;
	if (len > MC_ROBOTS_MAX_BYTES) {
		/* Content past the cap is ignored, and so is the line it cuts. */
		r->stats.truncated = true;
		len = MC_ROBOTS_MAX_BYTES;
		while (len && body[len - 1] != '\n' && body[len - 1] != '\r')
			len--;
	}
	pos = bom_len((const unsigned char *)body, len);
	while (pos < len) {
		size_t end = pos;

		while (end < len && body[end] != '\n' && body[end] != '\r')
			end++;
		r->stats.lines++;
		parse_line(&p, body + pos, end - pos > MAX_LINE_BYTES ? MAX_LINE_BYTES : end - pos);
		if (end + 1 < len && body[end] == '\r' && body[end + 1] == '\n')
			pos = end + 2;
		else
			pos = end + 1;
	}

	if (p.seen_specific) {
		r->rules = p.specific;
		r->delay_ms = p.delay_specific;
		rule_list_release(&p.global);
	} else {
		r->rules = p.global;
		r->delay_ms = p.delay_global;
		rule_list_release(&p.specific);
	}
	if (r->rules.n)
		qsort(r->rules.v, r->rules.n, sizeof *r->rules.v, rule_cmp);
	r->stats.rules = r->rules.n;
	return r;
}

struct mc_robots *mc_robots_allow_all(void)
{
	return robots_new(ROBOTS_ALLOW_ALL);
}

struct mc_robots *mc_robots_disallow_all(void)
{
	return robots_new(ROBOTS_DISALLOW_ALL);
}

void mc_robots_free(struct mc_robots *r)
{
	if (!r)
		return;
	rule_list_release(&r->rules);
	for (size_t i = 0; i < r->nsitemaps; i++)
		free(r->sitemaps[i]);
	free(r->sitemaps);
	free(r);
}

/*
 * The path, params and query of a URL, without fragment, the way Google's
 * reference matcher finds them: skip "scheme://" and the authority, keep
 * from the first '/', '?' or ';'.  A string starting with a single '/' is
 * already a path; with no path at all the answer is "/".  `*prefix` is
 * set when a '/' must be put in front (the rest starts with '?' or ';').
 */
static void path_of(const char *u, const char **start, size_t *n, bool *prefix)
{
	size_t len = strlen(u);
	size_t from = (len >= 2 && u[0] == '/' && u[1] == '/') ? 2 : 0;
	size_t early = from + strcspn(u + from, "/?;");
	const char *proto = strstr(u + from, "://");
	size_t after = from, path, hash;

	if (proto && (size_t)(proto - u) < early)
		after = (size_t)(proto - u) + 3;
	path = after + strcspn(u + after, "/?;");
	hash = from + strcspn(u + from, "#");
	*prefix = false;
	if (path >= len || hash < path) {
		*start = "/";
		*n = 1;
		return;
	}
	*start = u + path;
	*n = hash - path;
	*prefix = u[path] != '/';
}

bool mc_robots_allowed(const struct mc_robots *r, const char *url_or_path)
{
	const char *raw;
	size_t rawlen, clen;
	bool prefix, allowed = true;
	char *path;

	path_of(url_or_path ? url_or_path : "", &raw, &rawlen, &prefix);
	if (!prefix && rawlen == strlen("/robots.txt") && memcmp(raw, "/robots.txt", rawlen) == 0)
		return true;
	if (r->kind != ROBOTS_RULES)
		return r->kind == ROBOTS_ALLOW_ALL;

	path = canonical(raw, rawlen, false, prefix, &clen, NULL);
	for (size_t i = 0; i < r->rules.n; i++) {
		if (rule_matches(&r->rules.v[i], path, clen)) {
			allowed = r->rules.v[i].allow;
			break;
		}
	}
	free(path);
	return allowed;
}

long mc_robots_crawl_delay_ms(const struct mc_robots *r)
{
	return r->delay_ms;
}

const char *const *mc_robots_sitemaps(const struct mc_robots *r)
{
	return (const char *const *)r->sitemaps;
}

void mc_robots_stats(const struct mc_robots *r, struct mc_robots_stats *out)
{
	*out = r->stats;
}

bool mc_robots_valid_agent(const char *agent)
{
	if (!agent || !*agent)
		return false;
	for (const char *c = agent; *c; c++)
		if (!is_token_char((unsigned char)*c))
			return false;
	return true;
}
