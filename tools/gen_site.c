/*
 * gen_site: writes deterministic static game-store web sites for the demo,
 * the integration tests and the crawl benchmark.
 *
 *   gen_site demo OUTDIR --version 1|2 [--seed N]
 *   gen_site bench OUTDIR --products N [--seed N]
 *
 * Everything is derived from the seed (no clock, no environment), so the
 * same arguments always give the same bytes, and demo version 2 is version 1
 * with known changes.  Next to the pages it writes the ground truth the tests
 * compare against: expected.tsv (every product of that version) and, for demo
 * version 2, changes.tsv (every price change since version 1).
 *
 * It owns only OUTDIR, which must be absent or empty: a product removed in
 * version 2 must not survive as a stale page from an earlier run.  The
 * program is standalone (libc only); out of memory ends it with a message,
 * the same policy as the main binary.  docs/demo.md describes the sites.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- memory and text buffers --------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("gen_site: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_reserve(struct sbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		sb_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Text for HTML content and attribute values. */
static void sb_html(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		case '\'': sb_puts(b, "&#39;"); break;
		default: sb_add(b, s, 1); break;
		}
	}
}

/* A quoted JSON string, safe inside <script> ("<" is escaped). */
static void sb_json(struct sbuf *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c == '<')
			sb_printf(b, "\\u%04x", c);
		else
			sb_add(b, s, 1);
	}
	sb_puts(b, "\"");
}

/* ---- the seeded random source (splitmix64) ---------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct rng rng_init(uint64_t seed, uint64_t stream)
{
	struct rng r = {mix64(seed * 0x9e3779b97f4a7c15ULL + mix64(stream + 1))};
	return r;
}

static uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

static unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

static void shuffle(struct rng *r, int *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(r, (unsigned)i);
		int t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* ---- output files ------------------------------------------------------------ */

static char outdir[PATH_MAX];

static int make_dir(const char *rel)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof path, "%s/%s", outdir, rel) >= (int)sizeof path) {
		fprintf(stderr, "gen_site: path too long: %s/%s\n", outdir, rel);
		return -1;
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen_site: mkdir %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* OUTDIR is created when absent and refused when it holds anything. */
static int prepare_outdir(const char *dir)
{
	if (snprintf(outdir, sizeof outdir, "%s", dir) >= (int)sizeof outdir) {
		fprintf(stderr, "gen_site: path too long: %s\n", dir);
		return -1;
	}
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen_site: mkdir %s: %s\n", outdir, strerror(errno));
		return -1;
	}
	DIR *d = opendir(outdir);
	if (!d) {
		fprintf(stderr, "gen_site: %s: %s\n", outdir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (struct dirent *e = readdir(d); e && rc == 0; e = readdir(d)) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			fprintf(stderr, "gen_site: %s is not empty (remove it first)\n", outdir);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static int write_file(const char *rel, const struct sbuf *b)
{
	char path[PATH_MAX];
	int rc = -1;

	if (snprintf(path, sizeof path, "%s/%s", outdir, rel) >= (int)sizeof path) {
		fprintf(stderr, "gen_site: path too long: %s/%s\n", outdir, rel);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "gen_site: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "gen_site: write %s: %s\n", path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	rc = 0;
out:
	if (close(fd) != 0 && rc == 0) {
		fprintf(stderr, "gen_site: close %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- money ----------------------------------------------------------------- */

enum money_style { MONEY_EUR, MONEY_USD, MONEY_GBP, MONEY_CHF };

struct currency {
	const char *iso;
	enum money_style style;
	const long *points; /* usual shelf prices in minor units, ascending */
	size_t npoints;
};

static const long points_eur[] = {499, 999, 1499, 1999, 2499, 2999, 3999, 4999, 5999, 6999};
static const long points_gbp[] = {449, 799, 1199, 1699, 1999, 2499, 3499, 4499, 5499};
static const long points_chf[] = {990, 1490, 1990, 2990, 3990, 4990, 6990};

static const struct currency cur_eur = {"EUR", MONEY_EUR, points_eur, ARRAY_LEN(points_eur)};
static const struct currency cur_usd = {"USD", MONEY_USD, points_eur, ARRAY_LEN(points_eur)};
static const struct currency cur_gbp = {"GBP", MONEY_GBP, points_gbp, ARRAY_LEN(points_gbp)};
static const struct currency cur_chf = {"CHF", MONEY_CHF, points_chf, ARRAY_LEN(points_chf)};

/* Money as a shop shows it: "14,99 €" (with a no-break space), "US$ 14.99",
 * "£14.99", "CHF 19.90"; zero is "Free". */
static void sb_money(struct sbuf *b, const struct currency *c, long cents)
{
	long u = cents / 100, m = cents % 100;

	if (cents == 0) {
		sb_puts(b, "Free");
		return;
	}
	switch (c->style) {
	case MONEY_EUR: sb_printf(b, "%ld,%02ld\xc2\xa0\xe2\x82\xac", u, m); break;
	case MONEY_USD: sb_printf(b, "US$ %ld.%02ld", u, m); break;
	case MONEY_GBP: sb_printf(b, "\xc2\xa3%ld.%02ld", u, m); break;
	case MONEY_CHF: sb_printf(b, "CHF %ld.%02ld", u, m); break;
	}
}

/* The exact decimal of an amount in minor units: "14.99", "0". */
static const char *decimal(char out[32], long cents)
{
	if (cents == 0)
		snprintf(out, 32, "0");
	else
		snprintf(out, 32, "%ld.%02ld", cents / 100, cents % 100);
	return out;
}

enum avail { AV_IN_STOCK, AV_OUT_OF_STOCK, AV_PREORDER };
static const char *const avail_name[] = {"in_stock", "out_of_stock", "preorder"};

/* What a listing shows at one moment.  list == 0: no separate list price. */
struct state {
	long price, list;
	enum avail avail;
};

static long apply_discount(long base, int pct)
{
	return (base * (100 - pct) + 50) / 100;
}

/* The discount a shop prints, rounded to whole percent; 0 when none. */
static int discount_pct(const struct state *s)
{
	if (s->list <= s->price)
		return 0;
	return (int)((200 * (s->list - s->price) + s->list) / (2 * s->list));
}

/* ---- words, titles and filler text ---------------------------------------------- */

static const char *const adjectives[] = {
	"Crimson", "Silent", "Iron", "Hollow", "Neon", "Frozen", "Shattered", "Emerald",
	"Forgotten", "Electric", "Savage", "Lunar", "Solar", "Golden", "Obsidian", "Radiant",
	"Wicked", "Ancient", "Endless", "Broken", "Phantom", "Scarlet", "Velvet", "Rogue",
	"Mystic", "Galactic", "Primal", "Cursed", "Quantum", "Midnight", "Burning", "Hidden",
	"Stellar", "Arcane", "Feral", "Sunken", "Atomic", "Verdant", "Twilight", "Rusty",
};
static const char *const nouns[] = {
	"Kingdom", "Frontier", "Odyssey", "Legion", "Harbor", "Citadel", "Rampage", "Orchard",
	"Dynasty", "Circuit", "Outpost", "Labyrinth", "Voyage", "Covenant", "Tempest", "Bastion",
	"Mirage", "Reckoning", "Expanse", "Caverns", "Skies", "Rebellion", "Garden", "Protocol",
	"Descent", "Horizon", "Carnival", "Armada", "Sanctum", "Wasteland", "Express", "Paradox",
	"Chronicle", "Uprising", "Drift", "Gambit", "Foundry", "Requiem", "Nomads", "Meridian",
};
/* Hand-written titles first: markup escaping, UTF-8 and quotes get exercised. */
static const struct {
	const char *title, *slug;
} special_titles[] = {
	{"Star Forge", "star-forge"},
	{"Knights & Knaves", "knights-and-knaves"},
	{"Caf\xc3\xa9 \xc3\x9c" "berdrive", "cafe-uberdrive"},
	{"Dragon's Hoard", "dragons-hoard"},
	{"The \"Quiet\" Heist", "the-quiet-heist"},
	{"Nordlys: \xc3\x86ther Saga", "nordlys-aether-saga"},
};
static const char *const publishers[] = {
	"Northwind Games", "Blue Fjord Interactive", "Pixel Orchard", "Tin Whale Studios",
	"Copperline", "Moth & Lantern", "Studio Kestrel", "Ninefold",
};
static const char *const genres[] = {
	"Strategy", "Action", "Adventure", "Puzzle", "RPG", "Racing", "Simulation", "Platformer",
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const words[] = {
	"the", "a", "of", "and", "to", "in", "with", "your", "every", "new", "world", "city",
	"hero", "crew", "ship", "story", "battle", "puzzle", "secret", "island", "map", "level",
	"boss", "quest", "friend", "enemy", "tower", "engine", "machine", "forest", "river",
	"storm", "night", "light", "shadow", "song", "dream", "planet", "station", "signal",
	"build", "explore", "defend", "craft", "trade", "discover", "survive", "race", "fight",
	"solve", "unlock", "upgrade", "command", "gather", "escape", "restore", "chart", "guide",
	"hand-drawn", "procedural", "cooperative", "relentless", "cozy", "brutal", "clever",
	"sprawling", "tiny", "vast", "quiet", "loud", "strange", "familiar", "forgotten", "bright",
	"combat", "music", "controls", "campaign", "multiplayer", "soundtrack", "art", "writing",
	"hours", "minutes", "runs", "choices", "endings", "characters", "weapons", "cards",
	"really", "truly", "almost", "never", "always", "sometimes", "finally", "quickly",
	"is", "feels", "looks", "plays", "sounds", "keeps", "makes", "turns", "brings", "lets",
};

struct platform {
	const char *id, *name_a, *name_b;
};
static const struct platform platforms[] = {
	{"windows", "Windows", "PC"},
	{"mac", "macOS", "Mac"},
	{"linux", "Linux", "Linux"},
	{"switch", "Nintendo Switch", "Switch"},
	{"ps5", "PlayStation 5", "PS5"},
	{"xbox", "Xbox Series X|S", "Xbox"},
};

static void sb_sentence(struct sbuf *b, struct rng *r, unsigned min, unsigned max)
{
	unsigned n = min + rng_below(r, max - min + 1);
	for (unsigned i = 0; i < n; i++) {
		const char *w = words[rng_below(r, ARRAY_LEN(words))];
		if (i == 0) {
			char c = w[0] >= 'a' && w[0] <= 'z' ? (char)(w[0] - 'a' + 'A') : w[0];
			sb_add(b, &c, 1);
			sb_puts(b, w + 1);
		} else {
			sb_puts(b, " ");
			sb_puts(b, w);
		}
	}
	sb_puts(b, ". ");
}

static void sb_date_text(struct sbuf *b, const char *iso)
{
	int y = 0, m = 1, d = 1;

	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return;
	sb_printf(b, "%d %s %d", d, months[m - 1], y);
}

/* One draw per statement: the order of evaluation of function arguments
 * and initialisers is unspecified, and compilers differ (same seed, other
 * bytes). */
static void random_date(struct rng *r, int from_year, int years, char out[11])
{
	int y = from_year + (int)rng_below(r, (unsigned)years);
	unsigned m = 1 + rng_below(r, 12);
	unsigned d = 1 + rng_below(r, 28);

	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

/*
 * Blocks of filler composed into pages: description paragraphs and reviews.
 * Made once from the seed, so a 60 KB page costs a few memcpy calls and the
 * benchmark generator is bound by the disk, not by text generation.
 */
#define POOL_SIZE 512
struct pools {
	struct sbuf para[POOL_SIZE];
	struct sbuf review[POOL_SIZE];
};

static void pools_init(struct pools *p, uint64_t seed)
{
	struct rng r = rng_init(seed, 7);

	memset(p, 0, sizeof *p);
	for (int i = 0; i < POOL_SIZE; i++) {
		struct sbuf *b = &p->para[i];
		sb_puts(b, "<p>");
		unsigned n = 3 + rng_below(&r, 5);
		for (unsigned k = 0; k < n; k++)
			sb_sentence(b, &r, 8, 20);
		sb_puts(b, "</p>\n");
	}
	for (int i = 0; i < POOL_SIZE; i++) {
		struct sbuf *b = &p->review[i];
		char date[11];
		random_date(&r, 2019, 7, date);
		sb_printf(b, "<li class=\"review\" data-rating=\"%u\">\n<h3 class=\"review__title\">",
			  1 + rng_below(&r, 5));
		sb_sentence(b, &r, 2, 6);
		sb_printf(b, "</h3>\n<p class=\"review__meta\">by <span class=\"review__author\">"
			  "player%04u</span> on <time datetime=\"%s\">", rng_below(&r, 10000), date);
		sb_date_text(b, date);
		sb_puts(b, "</time></p>\n<p class=\"review__body\">");
		unsigned n = 2 + rng_below(&r, 6);
		for (unsigned k = 0; k < n; k++)
			sb_sentence(b, &r, 6, 18);
		/* Prices inside free text: a careless selector picks these up. */
		if (rng_chance(&r, 12))
			sb_printf(b, "Got it in the sale for %u,99\xc2\xa0\xe2\x82\xac. ", 2 + rng_below(&r, 20));
		sb_printf(b, "</p>\n<p class=\"review__helpful\">%u people found this helpful</p>\n</li>\n",
			  rng_below(&r, 300));
	}
}

static void pools_release(struct pools *p)
{
	for (int i = 0; i < POOL_SIZE; i++) {
		free(p->para[i].p);
		free(p->review[i].p);
	}
}

/* ---- products and stores ---------------------------------------------------------- */

struct product {
	char id[16];    /* external id: g0042, DB-10042, p000042 */
	char path[48];  /* page path relative to OUTDIR */
	char key[80];   /* product key, "" when the store shows none */
	char title[64];
	const struct currency *cur;
	struct state st;
	unsigned platforms; /* bit i = platforms[i] */
	char release[11];
	int publisher, genre;
};

struct related {
	const char *href; /* as written in the page: relative to the product page */
	const char *title;
};

struct store {
	const char *dir;  /* "a", "b" */
	const char *id;   /* marketplace: "demo-a" */
	const char *name; /* "Demo Store A" */
	int per_page;
};

static const struct store store_a = {"a", "demo-a", "Demo Store A", 20};
static const struct store store_b = {"b", "demo-b", "Demo Store B", 20};
static const struct store store_bench = {"a", "demo-bench", "Bench Store", 50};

/* Page weight: the demo keeps pages small, the benchmark pads to a target. */
struct weight {
	unsigned paragraphs;
	unsigned reviews;
	size_t target; /* add reviews until the page reaches this size; 0 = none */
};

static void sb_platform_list_a(struct sbuf *b, unsigned mask)
{
	sb_puts(b, "  <ul class=\"platforms\">\n");
	for (size_t i = 0; i < ARRAY_LEN(platforms); i++)
		if (mask & (1u << i))
			sb_printf(b, "    <li class=\"platform\" data-platform=\"%s\">%s</li>\n",
				  platforms[i].id, platforms[i].name_a);
	sb_puts(b, "  </ul>\n");
}

static void sb_page_head(struct sbuf *b, const char *lang, const struct store *s,
			 const char *title, const char *canonical)
{
	sb_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
		  lang);
	sb_html(b, title);
	sb_printf(b, " | %s</title>\n<meta name=\"store-id\" content=\"%s\">\n", s->name, s->id);
	if (canonical)
		sb_printf(b, "<link rel=\"canonical\" href=\"/%s\">\n", canonical);
	sb_puts(b, "<link rel=\"stylesheet\" href=\"/static/store.css\">\n");
}

static void sb_reviews(struct sbuf *b, const struct pools *pools, struct rng *r,
		       const struct weight *w)
{
	sb_puts(b, "<section class=\"reviews\">\n<h2>Player reviews</h2>\n<ol class=\"reviews__list\">\n");
	for (unsigned i = 0; i < w->reviews; i++) {
		const struct sbuf *rv = &pools->review[rng_below(r, POOL_SIZE)];
		sb_add(b, rv->p, rv->len);
	}
	while (b->len < w->target) {
		const struct sbuf *rv = &pools->review[rng_below(r, POOL_SIZE)];
		sb_add(b, rv->p, rv->len);
	}
	sb_puts(b, "</ol>\n</section>\n");
}

static void sb_description(struct sbuf *b, const struct pools *pools, struct rng *r,
			   const struct weight *w)
{
	for (unsigned i = 0; i < w->paragraphs; i++) {
		const struct sbuf *pa = &pools->para[rng_below(r, POOL_SIZE)];
		sb_add(b, pa->p, pa->len);
	}
}

/*
 * Store A markup (also the benchmark store): classes and data- attributes,
 * relative links, prices as "14,99 €" with the ISO code in data-currency.
 */
static void a_product_page(struct sbuf *b, const struct store *s, const struct product *p,
			   const struct related *rel, size_t nrel, const struct pools *pools,
			   const struct weight *w, uint64_t text_seed)
{
	struct rng r = rng_init(text_seed, 11);
	const struct state *st = &p->st;

	sb_page_head(b, "en", s, p->title, p->path);
	sb_puts(b, "<script>window.dataLayer = window.dataLayer || [];</script>\n</head>\n"
		   "<body class=\"page page--product\">\n<header class=\"site-header\">\n");
	sb_printf(b, "  <a class=\"site-header__logo\" href=\"../../index.html\">%s</a>\n", s->name);
	sb_puts(b, "  <nav class=\"breadcrumbs\"><a href=\"../games/page-1.html\">All games</a> &rsaquo; <span>");
	sb_html(b, p->title);
	sb_printf(b, "</span></nav>\n</header>\n<main id=\"content\">\n<article class=\"product\" data-sku=\"%s\"",
		  p->id);
	if (p->key[0])
		sb_printf(b, " data-product-key=\"%s\"", p->key);
	sb_puts(b, ">\n  <h1 class=\"product__title\">\n    ");
	sb_html(b, p->title);
	sb_printf(b, "\n  </h1>\n  <div class=\"buy-box\" data-availability=\"%s\">\n"
		  "    <div class=\"buy-box__prices\">\n", avail_name[st->avail]);
	if (st->list > st->price) {
		sb_printf(b, "      <s class=\"price price--list\" data-currency=\"%s\">", p->cur->iso);
		sb_money(b, p->cur, st->list);
		sb_puts(b, "</s>\n");
	}
	sb_printf(b, "      <span class=\"price price--final\" data-currency=\"%s\">", p->cur->iso);
	sb_money(b, p->cur, st->price);
	sb_puts(b, "</span>\n");
	if (discount_pct(st) > 0)
		sb_printf(b, "      <span class=\"badge badge--discount\">-%d%%</span>\n", discount_pct(st));
	static const char *const stock_text[] = {"In stock", "Out of stock", "Pre-order"};
	static const char *const button[] = {"Add to cart", "Notify me", "Pre-order now"};
	sb_printf(b, "    </div>\n    <p class=\"stock stock--%s\">%s</p>\n"
		  "    <form class=\"add-to-cart\" method=\"post\" action=\"/%s/cart\">"
		  "<input type=\"hidden\" name=\"sku\" value=\"%s\"><button type=\"submit\">%s</button></form>\n"
		  "  </div>\n", avail_name[st->avail], stock_text[st->avail], s->dir, p->id,
		  button[st->avail]);
	sb_platform_list_a(b, p->platforms);
	sb_printf(b, "  <table class=\"facts\">\n    <tr><th>Release date</th><td><time datetime=\"%s\">",
		  p->release);
	sb_date_text(b, p->release);
	sb_puts(b, "</time></td></tr>\n    <tr><th>Publisher</th><td>");
	sb_html(b, publishers[p->publisher]);
	sb_printf(b, "</td></tr>\n    <tr><th>Genre</th><td>%s</td></tr>\n  </table>\n"
		  "  <section class=\"description\">\n  <h2>About this game</h2>\n", genres[p->genre]);
	sb_description(b, pools, &r, w);
	sb_puts(b, "  </section>\n  <aside class=\"related\">\n  <h2>You may also like</h2>\n  <ul>\n");
	for (size_t i = 0; i < nrel; i++) {
		sb_printf(b, "    <li><a class=\"related__link\" href=\"%s\">", rel[i].href);
		sb_html(b, rel[i].title);
		sb_puts(b, "</a></li>\n");
	}
	sb_puts(b, "  </ul>\n  </aside>\n");
	sb_reviews(b, pools, &r, w);
	sb_printf(b, "</article>\n</main>\n<footer class=\"site-footer\">&copy; %s &middot; "
		  "prices include VAT &middot; <a href=\"../games/page-1.html\">All games</a></footer>\n"
		  "</body>\n</html>\n", s->name);
}

static void a_listing_page(struct sbuf *b, const struct store *s, const struct product *items,
			   size_t n, int page, int pages, long first, long total)
{
	char title[64];

	snprintf(title, sizeof title, "All games, page %d", page);
	sb_page_head(b, "en", s, title, NULL);
	sb_printf(b, "</head>\n<body class=\"page page--listing\">\n<header class=\"site-header\">\n"
		  "  <a class=\"site-header__logo\" href=\"../../index.html\">%s</a>\n</header>\n"
		  "<main id=\"content\">\n<h1>All games</h1>\n"
		  "<p class=\"results\">Showing %ld\xe2\x80\x93%ld of %ld games</p>\n"
		  "<ol class=\"product-grid\">\n", s->name, first + 1, first + (long)n, total);
	for (size_t i = 0; i < n; i++) {
		const struct product *p = &items[i];
		sb_printf(b, "  <li class=\"product-card\" data-sku=\"%s\">\n"
			  "    <a class=\"product-card__link\" href=\"../game/%s.html\">\n"
			  "      <img src=\"../img/%s.jpg\" alt=\"", p->id, p->id, p->id);
		sb_html(b, p->title);
		sb_puts(b, "\" loading=\"lazy\" width=\"184\" height=\"69\">\n"
			   "      <h2 class=\"product-card__title\">");
		sb_html(b, p->title);
		sb_puts(b, "</h2>\n    </a>\n    <div class=\"product-card__price\">");
		if (p->st.list > p->st.price) {
			sb_puts(b, "<s>");
			sb_money(b, p->cur, p->st.list);
			sb_puts(b, "</s> ");
		}
		sb_puts(b, "<b>");
		sb_money(b, p->cur, p->st.price);
		sb_puts(b, "</b></div>\n  </li>\n");
	}
	sb_puts(b, "</ol>\n<nav class=\"pager\" aria-label=\"Pages\">\n");
	if (page > 1)
		sb_printf(b, "  <a rel=\"prev\" href=\"page-%d.html\">&lsaquo; Previous</a>\n", page - 1);
	sb_printf(b, "  <span class=\"pager__current\">Page %d of %d</span>\n", page, pages);
	if (page < pages)
		sb_printf(b, "  <a rel=\"next\" href=\"page-%d.html\">Next &rsaquo;</a>\n", page + 1);
	sb_puts(b, "</nav>\n</main>\n</body>\n</html>\n");
}

static const char *const schema_avail[] = {
	"https://schema.org/InStock", "https://schema.org/OutOfStock", "https://schema.org/PreOrder",
};

/*
 * Store B markup: the offer lives in JSON-LD (schema.org Product), the rest
 * in the HTML (list price, platforms and dates in a <dl>), absolute links.
 */
static void b_product_page(struct sbuf *b, const struct store *s, const struct product *p,
			   const struct related *rel, size_t nrel, const struct pools *pools,
			   const struct weight *w, uint64_t text_seed)
{
	struct rng r = rng_init(text_seed, 13);
	const struct state *st = &p->st;
	char amount[32];

	sb_page_head(b, "en-GB", s, p->title, p->path);
	sb_puts(b, "<script type=\"application/ld+json\">\n{\"@context\":\"https://schema.org\","
		   "\"@type\":\"Product\",\"sku\":");
	sb_json(b, p->id);
	if (p->key[0]) {
		sb_puts(b, ",\"productID\":");
		sb_json(b, p->key);
	}
	sb_puts(b, ",\"name\":");
	sb_json(b, p->title);
	sb_printf(b, ",\"url\":\"/%s\",\"brand\":{\"@type\":\"Brand\",\"name\":", p->path);
	sb_json(b, publishers[p->publisher]);
	sb_printf(b, "},\"offers\":{\"@type\":\"Offer\",\"price\":\"%s\",\"priceCurrency\":\"%s\","
		  "\"availability\":\"%s\"}}\n</script>\n</head>\n<body>\n"
		  "<div class=\"topbar\"><a href=\"/\">%s</a> <a href=\"/b/catalog/1.html\">Catalogue</a></div>\n"
		  "<div id=\"product\" class=\"pdp\">\n  <h1 class=\"pdp-title\">",
		  decimal(amount, st->price), p->cur->iso, schema_avail[st->avail], s->name);
	sb_html(b, p->title);
	sb_puts(b, "</h1>\n  <div class=\"pdp-price\">\n    <span class=\"now\">");
	sb_money(b, p->cur, st->price);
	sb_puts(b, "</span>\n");
	if (st->list > st->price) {
		sb_puts(b, "    <span class=\"was\">Was <del>");
		sb_money(b, p->cur, st->list);
		sb_printf(b, "</del></span>\n    <span class=\"save\">Save %d%%</span>\n", discount_pct(st));
	}
	static const char *const stock_attr[] = {"in", "out", "soon"};
	static const char *const stock_text[] = {"In stock", "Sold out", "Coming soon &ndash; pre-order"};
	sb_printf(b, "  </div>\n  <div class=\"pdp-stock\" data-stock=\"%s\">%s</div>\n"
		  "  <dl class=\"specs\">\n    <dt>Platforms</dt>\n    <dd>",
		  stock_attr[st->avail], stock_text[st->avail]);
	for (size_t i = 0; i < ARRAY_LEN(platforms); i++)
		if (p->platforms & (1u << i))
			sb_printf(b, "<span class=\"platform\" data-id=\"%s\">%s</span> ",
				  platforms[i].id, platforms[i].name_b);
	int y = 0, m = 0, d = 0;
	if (sscanf(p->release, "%d-%d-%d", &y, &m, &d) != 3)
		y = m = d = 0;
	sb_printf(b, "</dd>\n    <dt>Release date</dt>\n    <dd><time datetime=\"%s\">%02d/%02d/%04d</time></dd>\n"
		  "    <dt>Publisher</dt>\n    <dd>", p->release, d, m, y);
	sb_html(b, publishers[p->publisher]);
	sb_printf(b, "</dd>\n    <dt>Genre</dt>\n    <dd>%s</dd>\n  </dl>\n"
		  "  <div class=\"pdp-description\">\n", genres[p->genre]);
	sb_description(b, pools, &r, w);
	sb_puts(b, "  </div>\n  <section class=\"recs\">\n  <h2>Customers also bought</h2>\n");
	for (size_t i = 0; i < nrel; i++) {
		sb_printf(b, "    <a class=\"rec\" href=\"%s\">", rel[i].href);
		sb_html(b, rel[i].title);
		sb_puts(b, "</a>\n");
	}
	sb_puts(b, "  </section>\n");
	sb_reviews(b, pools, &r, w);
	sb_printf(b, "</div>\n<footer>%s &middot; All prices include VAT</footer>\n</body>\n</html>\n",
		  s->name);
}

static void b_listing_page(struct sbuf *b, const struct store *s, const struct product *items,
			   size_t n, int page, int pages, const struct product *staff)
{
	char title[64];

	snprintf(title, sizeof title, "Catalogue page %d", page);
	sb_page_head(b, "en-GB", s, title, NULL);
	sb_printf(b, "</head>\n<body>\n<div class=\"topbar\"><a href=\"/\">%s</a></div>\n"
		  "<section class=\"catalog\">\n<h1>Catalogue</h1>\n", s->name);
	for (size_t i = 0; i <= n; i++) {
		const struct product *p = i < n ? &items[i] : staff;
		if (!p)
			break;
		sb_printf(b, "  <article class=\"tile%s\" data-sku=\"%s\">\n"
			  "    <a class=\"tile-link\" href=\"/%s\"><span class=\"tile-name\">",
			  p == staff ? " tile--staff" : "", p->id, p->path);
		sb_html(b, p->title);
		sb_puts(b, "</span></a>\n    <span class=\"tile-price\">");
		sb_money(b, p->cur, p->st.price);
		sb_puts(b, "</span>\n  </article>\n");
	}
	sb_puts(b, "</section>\n<div class=\"pagination\">\n");
	for (int i = 1; i <= pages; i++) {
		if (i == page)
			sb_printf(b, "  <span class=\"pagination__page is-current\">%d</span>\n", i);
		else
			sb_printf(b, "  <a class=\"pagination__page\" href=\"/b/catalog/%d.html\">%d</a>\n", i, i);
	}
	if (page < pages)
		sb_printf(b, "  <a class=\"pagination__next\" rel=\"next\" href=\"/b/catalog/%d.html\">Next page</a>\n",
			  page + 1);
	sb_puts(b, "</div>\n</body>\n</html>\n");
}

static int write_common(const struct store *const *stores, size_t nstores, const char *disallow)
{
	struct sbuf b = {0};
	int rc = -1;

	sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<title>marketcrawl demo marketplace</title>\n"
		    "<link rel=\"stylesheet\" href=\"/static/store.css\">\n</head>\n<body>\n"
		    "<h1>Game stores</h1>\n<ul class=\"stores\">\n");
	for (size_t i = 0; i < nstores; i++) {
		const struct store *s = stores[i];
		sb_printf(&b, "  <li><a class=\"store-link\" data-store=\"%s\" href=\"%s\">%s</a></li>\n",
			  s->id, s->dir[0] == 'a' ? "a/games/page-1.html" : "b/catalog/1.html", s->name);
	}
	sb_puts(&b, "</ul>\n</body>\n</html>\n");
	if (write_file("index.html", &b) != 0)
		goto out;
	b.len = 0;
	sb_printf(&b, "# robots.txt of the marketcrawl demo marketplace\nUser-agent: *\nDisallow: %s\n",
		  disallow);
	if (write_file("robots.txt", &b) != 0)
		goto out;
	b.len = 0;
	sb_puts(&b, "body{font-family:sans-serif;margin:0 auto;max-width:60em}"
		    ".price--list,.was del{color:#888}.badge--discount,.save{background:#4c6b22;color:#fff}"
		    ".product-grid{display:grid;grid-template-columns:repeat(4,1fr);list-style:none}\n");
	if (make_dir("static") != 0 || write_file("static/store.css", &b) != 0)
		goto out;
	rc = 0;
out:
	free(b.p);
	return rc;
}

static void sb_tsv_header(struct sbuf *b)
{
	sb_puts(b, "marketplace\texternal_id\tproduct_key\ttitle\tprice\tlist_price\tcurrency\t"
		   "availability\turl_path\tplatforms\tdiscount_pct\trelease_date\n");
}

static void sb_tsv_row(struct sbuf *b, const struct store *s, const struct product *p)
{
	char price[32], list[32];
	const struct state *st = &p->st;

	sb_printf(b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t/%s\t", s->id, p->id, p->key, p->title,
		  decimal(price, st->price), st->list > st->price ? decimal(list, st->list) : "",
		  p->cur->iso, avail_name[st->avail], p->path);
	const char *sep = "";
	for (size_t i = 0; i < ARRAY_LEN(platforms); i++) {
		if (p->platforms & (1u << i)) {
			sb_printf(b, "%s%s", sep, platforms[i].id);
			sep = ",";
		}
	}
	if (discount_pct(st) > 0)
		sb_printf(b, "\t%d\t%s\n", discount_pct(st), p->release);
	else
		sb_printf(b, "\t\t%s\n", p->release);
}

/* ---- the demo marketplace ------------------------------------------------------- */

enum { STORE_A, STORE_B };

#define DEMO_GAMES 160     /* games of version 1 */
#define DEMO_NEW_GAMES 6   /* games that appear in version 2 */
#define DEMO_SHARED 40     /* games in both stores */
#define DEMO_A_ONLY 64
#define DEMO_REMOVED_A 4
#define DEMO_REMOVED_B 2
#define DEMO_DROPS 12
#define DEMO_INCREASES 8
#define DEMO_AVAIL_CHANGES 5
#define DEMO_RELATED 4

struct game {
	char title[64];
	char slug[64];
	unsigned platforms;
	char release[11];
	bool preorder;
	int publisher, genre;
};

struct listing {
	int store;
	int game;
	int number;          /* the numeric part of the external id */
	const struct currency *cur;
	bool keyed;          /* the store shows a product key */
	bool present[2];     /* in version 1, in version 2 */
	struct state st[2];  /* what it shows in version 1 and 2 */
};

struct demo {
	struct game games[DEMO_GAMES + DEMO_NEW_GAMES];
	struct listing l[2 * (DEMO_GAMES + DEMO_NEW_GAMES)];
	int n;
};

static bool title_clashes(const struct demo *d, int n, const char *t)
{
	/* No title may contain another, so a report row is found by its title. */
	for (int i = 0; i < n; i++)
		if (strstr(d->games[i].title, t) || strstr(t, d->games[i].title))
			return true;
	return false;
}

static void make_game(struct demo *d, int i, struct rng *r)
{
	struct game *g = &d->games[i];

	if ((size_t)i < ARRAY_LEN(special_titles)) {
		snprintf(g->title, sizeof g->title, "%s", special_titles[i].title);
		snprintf(g->slug, sizeof g->slug, "%s", special_titles[i].slug);
	} else {
		const char *a, *n;
		do {
			a = adjectives[rng_below(r, ARRAY_LEN(adjectives))];
			n = nouns[rng_below(r, ARRAY_LEN(nouns))];
			snprintf(g->title, sizeof g->title, "%s %s", a, n);
		} while (title_clashes(d, i, g->title));
		size_t k = 0;
		for (const char *c = g->title; *c && k + 1 < sizeof g->slug; c++)
			g->slug[k++] = *c == ' ' ? '-' : (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		g->slug[k] = '\0';
	}
	static const unsigned odds[] = {75, 30, 25, 25, 30, 25};
	do {
		g->platforms = 0;
		for (size_t k = 0; k < ARRAY_LEN(odds); k++)
			if (rng_chance(r, odds[k]))
				g->platforms |= 1u << k;
	} while (g->platforms == 0);
	g->preorder = rng_chance(r, 8);
	random_date(r, g->preorder ? 2027 : 2012, g->preorder ? 1 : 14, g->release);
	g->publisher = (int)rng_below(r, ARRAY_LEN(publishers));
	g->genre = (int)rng_below(r, ARRAY_LEN(genres));
}

static struct state initial_state(struct rng *r, const struct game *g, const struct currency *c)
{
	static const int pcts[] = {10, 15, 20, 25, 33, 40, 50, 60, 75, 80};
	struct state s = {0, 0, AV_IN_STOCK};

	if (g->preorder)
		s.avail = AV_PREORDER;
	else if (rng_chance(r, 10))
		s.avail = AV_OUT_OF_STOCK;
	if (!g->preorder && rng_chance(r, 6)) {
		s.avail = AV_IN_STOCK; /* free to play */
		return s;
	}
	long base = c->points[rng_below(r, (unsigned)c->npoints)];
	if (rng_chance(r, 30)) {
		s.list = base;
		s.price = apply_discount(base, pcts[rng_below(r, ARRAY_LEN(pcts))]);
	} else {
		s.price = base;
	}
	return s;
}

static void add_listing(struct demo *d, struct rng *r, int store, int game, bool v1, bool v2,
			bool may_lack_key)
{
	struct listing *l = &d->l[d->n++];

	l->store = store;
	l->game = game;
	if (store == STORE_A)
		l->cur = rng_chance(r, 15) ? &cur_usd : &cur_eur;
	else
		l->cur = rng_chance(r, 15) ? &cur_chf : &cur_gbp;
	/* DLC-like extras of store A show no product key: NULL keys must work. */
	l->keyed = !(may_lack_key && rng_chance(r, 8));
	l->present[0] = v1;
	l->present[1] = v2;
	l->st[0] = l->st[1] = initial_state(r, &d->games[game], l->cur);
}

/* A price drop: a discount starts or deepens, or (once) the game goes free. */
static void make_drop(struct state *s, struct rng *r, bool to_free)
{
	static const int pcts[] = {20, 25, 40, 50};

	if (to_free) {
		if (s->list == 0)
			s->list = s->price;
		s->price = 0;
	} else if (s->list > 0) {
		int pct = discount_pct(s) + 10 + 5 * (int)rng_below(r, 3);
		long p = apply_discount(s->list, pct > 90 ? 90 : pct);
		s->price = p < s->price ? p : s->price / 2;
	} else {
		s->list = s->price;
		s->price = apply_discount(s->price, pcts[rng_below(r, ARRAY_LEN(pcts))]);
	}
}

/* A price increase: a discount ends, or the shelf price goes up a step. */
static void make_increase(struct state *s, const struct currency *c)
{
	if (s->list > 0) {
		s->price = s->list;
		s->list = 0;
		return;
	}
	for (size_t i = 0; i < c->npoints; i++) {
		if (c->points[i] > s->price) {
			s->price = c->points[i];
			return;
		}
	}
	s->price += 1000;
}

static void demo_build(struct demo *d, uint64_t seed)
{
	struct rng r = rng_init(seed, 1);
	int perm[DEMO_GAMES];
	enum { ROLE_BOTH, ROLE_A, ROLE_B } role[DEMO_GAMES];

	memset(d, 0, sizeof *d);
	for (int i = 0; i < DEMO_GAMES + DEMO_NEW_GAMES; i++)
		make_game(d, i, &r);
	for (int i = 0; i < DEMO_GAMES; i++)
		perm[i] = i;
	shuffle(&r, perm, DEMO_GAMES);
	for (int i = 0; i < DEMO_GAMES; i++)
		role[perm[i]] = i < DEMO_SHARED ? ROLE_BOTH : i < DEMO_SHARED + DEMO_A_ONLY ? ROLE_A : ROLE_B;
	for (int g = 0; g < DEMO_GAMES; g++) {
		if (role[g] != ROLE_B)
			add_listing(d, &r, STORE_A, g, true, true, role[g] == ROLE_A);
		if (role[g] != ROLE_A)
			add_listing(d, &r, STORE_B, g, true, true, false);
	}
	/* Version 2 additions: new games in one or both stores, and two games of
	 * store B that store A starts selling. */
	for (int k = 0; k < DEMO_NEW_GAMES; k++) {
		int g = DEMO_GAMES + k;
		if (k < 4)
			add_listing(d, &r, STORE_A, g, false, true, k >= 2);
		if (k < 2 || k >= 4)
			add_listing(d, &r, STORE_B, g, false, true, false);
	}
	for (int i = DEMO_SHARED + DEMO_A_ONLY; i < DEMO_SHARED + DEMO_A_ONLY + 2; i++)
		add_listing(d, &r, STORE_A, perm[i], false, true, false);

	int next[2] = {1, 10001};
	for (int i = 0; i < d->n; i++)
		d->l[i].number = next[d->l[i].store]++;

	/* Version 2 changes, on distinct listings of version 1. */
	int cand[ARRAY_LEN(d->l)];
	int nc = 0;
	for (int i = 0; i < d->n; i++)
		if (d->l[i].present[0])
			cand[nc++] = i;
	shuffle(&r, cand, (size_t)nc);
	int removed[2] = {0, 0}, drops = 0, incs = 0, avails = 0;
	bool free_done = false;
	for (int k = 0; k < nc; k++) {
		struct listing *l = &d->l[cand[k]];
		struct state *s = &l->st[1];
		int want_removed = l->store == STORE_A ? DEMO_REMOVED_A : DEMO_REMOVED_B;
		if (removed[l->store] < want_removed) {
			l->present[1] = false;
			removed[l->store]++;
		} else if (s->price > 0 && drops < DEMO_DROPS) {
			bool to_free = !free_done && s->avail == AV_IN_STOCK;
			make_drop(s, &r, to_free);
			free_done = free_done || to_free;
			drops++;
		} else if (s->price > 0 && incs < DEMO_INCREASES) {
			make_increase(s, l->cur);
			incs++;
		} else if (s->avail != AV_PREORDER && avails < DEMO_AVAIL_CHANGES) {
			s->avail = s->avail == AV_IN_STOCK ? AV_OUT_OF_STOCK : AV_IN_STOCK;
			avails++;
		}
	}
}

static void demo_product(const struct demo *d, const struct listing *l, int version,
			 struct product *p)
{
	const struct game *g = &d->games[l->game];

	memset(p, 0, sizeof *p);
	if (l->store == STORE_A) {
		snprintf(p->id, sizeof p->id, "g%04d", l->number);
		snprintf(p->path, sizeof p->path, "a/game/%s.html", p->id);
	} else {
		snprintf(p->id, sizeof p->id, "DB-%05d", l->number);
		snprintf(p->path, sizeof p->path, "b/products/sku-%05d.html", l->number);
	}
	if (l->keyed)
		snprintf(p->key, sizeof p->key, "demo:%s", g->slug);
	snprintf(p->title, sizeof p->title, "%s", g->title);
	p->cur = l->cur;
	p->st = l->st[version - 1];
	p->platforms = g->platforms;
	snprintf(p->release, sizeof p->release, "%s", g->release);
	p->publisher = g->publisher;
	p->genre = g->genre;
}

/* The listings of one store in one version, in the order its catalogue
 * shows them: store A by title, store B by SKU. */
struct catalogue {
	struct product *items;
	size_t n;
};

static int by_title(const void *a, const void *b)
{
	const struct product *x = a, *y = b;
	int c = strcmp(x->title, y->title);
	return c ? c : strcmp(x->id, y->id);
}

static int by_id(const void *a, const void *b)
{
	const struct product *x = a, *y = b;
	return strcmp(x->id, y->id);
}

static void demo_catalogue(const struct demo *d, int store, int version, struct catalogue *c)
{
	c->items = xrealloc(NULL, sizeof *c->items * (size_t)d->n);
	c->n = 0;
	for (int i = 0; i < d->n; i++)
		if (d->l[i].store == store && d->l[i].present[version - 1])
			demo_product(d, &d->l[i], version, &c->items[c->n++]);
	qsort(c->items, c->n, sizeof *c->items, store == STORE_A ? by_title : by_id);
}

static int demo_store_pages(const struct store *s, const struct catalogue *c,
			    const struct product *staff, const struct pools *pools, uint64_t seed,
			    struct sbuf *b)
{
	static const struct weight light = {2, 2, 0};
	char rel_href[DEMO_RELATED][64], rel_path[PATH_MAX];
	struct related rel[DEMO_RELATED];
	bool is_a = s->dir[0] == 'a';
	int pages = (int)((c->n + (size_t)s->per_page - 1) / (size_t)s->per_page);

	for (size_t i = 0; i < c->n; i++) {
		const struct product *p = &c->items[i];
		struct rng r = rng_init(seed, 1000 + i);
		int nrel = c->n > 1 ? DEMO_RELATED : 0;
		for (int k = 0; k < nrel; k++) {
			size_t j = (i + 1 + rng_below(&r, (unsigned)c->n - 1)) % c->n;
			const struct product *q = &c->items[j];
			if (is_a)
				snprintf(rel_href[k], sizeof rel_href[k], "%s.html", q->id);
			else
				snprintf(rel_href[k], sizeof rel_href[k], "/%s", q->path);
			rel[k].href = rel_href[k];
			rel[k].title = q->title;
		}
		b->len = 0;
		if (is_a)
			a_product_page(b, s, p, rel, (size_t)nrel, pools, &light, seed ^ mix64(i + 1));
		else
			b_product_page(b, s, p, rel, (size_t)nrel, pools, &light, seed ^ mix64(i + 1));
		if (write_file(p->path, b) != 0)
			return -1;
	}
	if (staff) {
		b->len = 0;
		b_product_page(b, s, staff, NULL, 0, pools, &light, seed);
		if (write_file(staff->path, b) != 0)
			return -1;
	}
	for (int page = 1; page <= pages; page++) {
		size_t first = (size_t)(page - 1) * (size_t)s->per_page;
		size_t n = c->n - first < (size_t)s->per_page ? c->n - first : (size_t)s->per_page;
		b->len = 0;
		if (is_a) {
			a_listing_page(b, s, c->items + first, n, page, pages, (long)first, (long)c->n);
			snprintf(rel_path, sizeof rel_path, "a/games/page-%d.html", page);
		} else {
			b_listing_page(b, s, c->items + first, n, page, pages, page == 1 ? staff : NULL);
			snprintf(rel_path, sizeof rel_path, "b/catalog/%d.html", page);
		}
		if (write_file(rel_path, b) != 0)
			return -1;
	}
	return 0;
}

/* A product page linked from store B's first catalogue page but under the
 * path robots.txt disallows: a spider that obeys robots.txt never emits it. */
static void demo_staff_product(struct product *p)
{
	memset(p, 0, sizeof *p);
	snprintf(p->id, sizeof p->id, "DB-99001");
	snprintf(p->path, sizeof p->path, "b/staff/sku-99001.html");
	snprintf(p->key, sizeof p->key, "demo:staff-preview-build");
	snprintf(p->title, sizeof p->title, "Staff Preview Build");
	p->cur = &cur_gbp;
	p->st.price = 100;
	p->st.avail = AV_IN_STOCK;
	p->platforms = 1;
	snprintf(p->release, sizeof p->release, "2027-01-01");
}

static void demo_changes(const struct demo *d, struct sbuf *b)
{
	sb_puts(b, "marketplace\texternal_id\tproduct_key\ttitle\tcurrency\told_price\tnew_price\t"
		   "old_list_price\tnew_list_price\tdirection\n");
	for (int store = STORE_A; store <= STORE_B; store++) {
		for (int i = 0; i < d->n; i++) {
			const struct listing *l = &d->l[i];
			if (l->store != store || !l->present[0] || !l->present[1] ||
			    l->st[0].price == l->st[1].price)
				continue;
			struct product p1, p2;
			char a[32], bb[32], c[32], e[32];
			demo_product(d, l, 1, &p1);
			demo_product(d, l, 2, &p2);
			sb_printf(b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				  store == STORE_A ? store_a.id : store_b.id, p1.id, p1.key, p1.title,
				  p1.cur->iso, decimal(a, p1.st.price), decimal(bb, p2.st.price),
				  p1.st.list > p1.st.price ? decimal(c, p1.st.list) : "",
				  p2.st.list > p2.st.price ? decimal(e, p2.st.list) : "",
				  p2.st.price < p1.st.price ? "drop" : "increase");
		}
	}
}

static int gen_demo(const char *dir, int version, uint64_t seed)
{
	static const char *const dirs[] = {"a", "a/games", "a/game", "b", "b/catalog",
					   "b/products", "b/staff"};
	static const struct store *const stores[] = {&store_a, &store_b};
	struct demo *d = xrealloc(NULL, sizeof *d);
	struct pools *pools = xrealloc(NULL, sizeof *pools);
	struct catalogue cat[2] = {{NULL, 0}, {NULL, 0}};
	struct product staff;
	struct sbuf b = {0}, tsv = {0};
	int rc = -1;

	demo_build(d, seed);
	pools_init(pools, seed);
	if (prepare_outdir(dir) != 0)
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		if (make_dir(dirs[i]) != 0)
			goto out;
	if (write_common(stores, 2, "/b/staff/") != 0)
		goto out;
	demo_staff_product(&staff);
	sb_tsv_header(&tsv);
	for (int s = STORE_A; s <= STORE_B; s++) {
		demo_catalogue(d, s, version, &cat[s]);
		if (demo_store_pages(stores[s], &cat[s], s == STORE_B ? &staff : NULL, pools, seed, &b) != 0)
			goto out;
		struct catalogue sorted = cat[s];
		qsort(sorted.items, sorted.n, sizeof *sorted.items, by_id);
		for (size_t i = 0; i < sorted.n; i++)
			sb_tsv_row(&tsv, stores[s], &sorted.items[i]);
	}
	if (write_file("expected.tsv", &tsv) != 0)
		goto out;
	if (version == 2) {
		b.len = 0;
		demo_changes(d, &b);
		if (write_file("changes.tsv", &b) != 0)
			goto out;
	}
	rc = 0;
out:
	free(cat[0].items);
	free(cat[1].items);
	free(b.p);
	free(tsv.p);
	pools_release(pools);
	free(pools);
	free(d);
	return rc;
}

/* ---- the benchmark store -------------------------------------------------------- */

#define BENCH_RELATED_BACK 8
#define BENCH_RELATED_ANY 16

/* Product i of the benchmark store, from the seed alone (any order, any
 * subset can be computed). */
static void bench_product(uint64_t seed, long i, struct product *p)
{
	struct rng r = rng_init(seed, 0x100000000ULL + (uint64_t)i);
	struct game g;

	memset(p, 0, sizeof *p);
	memset(&g, 0, sizeof g);
	snprintf(p->id, sizeof p->id, "p%06u", (unsigned)(i + 1) % 10000000u);
	snprintf(p->path, sizeof p->path, "a/game/%s.html", p->id);
	snprintf(p->key, sizeof p->key, "bench:%s", p->id);
	const char *adj = adjectives[rng_below(&r, ARRAY_LEN(adjectives))];
	const char *noun = nouns[rng_below(&r, ARRAY_LEN(nouns))];
	snprintf(p->title, sizeof p->title, "%s %s %ld", adj, noun, i + 1);
	do {
		p->platforms = rng_below(&r, 64);
	} while (p->platforms == 0);
	g.preorder = rng_chance(&r, 8);
	random_date(&r, g.preorder ? 2027 : 2012, g.preorder ? 1 : 14, p->release);
	p->publisher = (int)rng_below(&r, ARRAY_LEN(publishers));
	p->genre = (int)rng_below(&r, ARRAY_LEN(genres));
	p->cur = rng_chance(&r, 15) ? &cur_usd : &cur_eur;
	p->st = initial_state(&r, &g, p->cur);
}

static int gen_bench(const char *dir, long n, uint64_t seed)
{
	static const char *const dirs[] = {"a", "a/games", "a/game"};
	static const struct store *const stores[] = {&store_bench};
	const struct store *s = &store_bench;
	struct pools *pools = xrealloc(NULL, sizeof *pools);
	struct product *page_items = xrealloc(NULL, sizeof *page_items * (size_t)s->per_page);
	struct product q[BENCH_RELATED_BACK + BENCH_RELATED_ANY];
	char rel_href[ARRAY_LEN(q)][32], path[64];
	struct related rel[ARRAY_LEN(q)];
	struct sbuf b = {0}, tsv = {0};
	long pages = (n + s->per_page - 1) / s->per_page;
	int rc = -1;

	pools_init(pools, seed);
	if (prepare_outdir(dir) != 0)
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		if (make_dir(dirs[i]) != 0)
			goto out;
	if (write_common(stores, 1, "/a/cart/") != 0)
		goto out;
	sb_tsv_header(&tsv);
	for (long page = 1; page <= pages; page++) {
		long first = (page - 1) * s->per_page;
		long count = n - first < s->per_page ? n - first : s->per_page;
		for (long k = 0; k < count; k++) {
			long i = first + k;
			struct product *p = &page_items[k];
			struct rng r = rng_init(seed, 0x200000000ULL + (uint64_t)i);
			size_t nrel = 0;
			bench_product(seed, i, p);
			/* Links back to pages already seen, then anywhere. */
			for (long j = i - 1; j >= 0 && j >= i - BENCH_RELATED_BACK; j--)
				bench_product(seed, j, &q[nrel++]);
			for (int k2 = 0; k2 < BENCH_RELATED_ANY; k2++)
				bench_product(seed, (long)(rng_next(&r) % (uint64_t)n), &q[nrel++]);
			for (size_t j = 0; j < nrel; j++) {
				snprintf(rel_href[j], sizeof rel_href[j], "%.15s.html", q[j].id);
				rel[j].href = rel_href[j];
				rel[j].title = q[j].title;
			}
			struct weight w = {0, 0, 0};
			w.paragraphs = 3 + rng_below(&r, 4);
			w.target = 30000 + rng_below(&r, 28000);
			b.len = 0;
			a_product_page(&b, s, p, rel, nrel, pools, &w, seed ^ mix64((uint64_t)i + 1));
			if (write_file(p->path, &b) != 0)
				goto out;
			sb_tsv_row(&tsv, s, p);
		}
		b.len = 0;
		a_listing_page(&b, s, page_items, (size_t)count, (int)page, (int)pages, first, n);
		snprintf(path, sizeof path, "a/games/page-%ld.html", page);
		if (write_file(path, &b) != 0)
			goto out;
	}
	if (write_file("expected.tsv", &tsv) != 0)
		goto out;
	rc = 0;
out:
	free(b.p);
	free(tsv.p);
	free(page_items);
	pools_release(pools);
	free(pools);
	return rc;
}

/* ---- command line ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: gen_site demo OUTDIR --version 1|2 [--seed N]\n"
	      "       gen_site bench OUTDIR --products N [--seed N]\n"
	      "OUTDIR must be absent or empty.  Same arguments, same bytes.\n", f);
}

static bool parse_num(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1, version = 0, products = 0;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "demo") != 0 && strcmp(argv[1], "bench") != 0)) {
		usage(stderr);
		return 2;
	}
	bool demo = strcmp(argv[1], "demo") == 0;
	for (int i = 3; i < argc; i += 2) { /* OPTION VALUE pairs */
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok;
		if (strcmp(opt, "--seed") == 0)
			ok = parse_num(val, UINT64_MAX, &seed);
		else if (demo && strcmp(opt, "--version") == 0)
			ok = parse_num(val, 2, &version) && version >= 1;
		else if (!demo && strcmp(opt, "--products") == 0)
			ok = parse_num(val, 9999999, &products) && products >= 1;
		else
			ok = false;
		if (!ok) {
			fprintf(stderr, "gen_site: bad option or value: %s %s\n", opt, val ? val : "");
			usage(stderr);
			return 2;
		}
	}
	if (demo ? version == 0 : products == 0) {
		usage(stderr);
		return 2;
	}
	int rc = demo ? gen_demo(argv[2], (int)version, seed)
		      : gen_bench(argv[2], (long)products, seed);
	return rc == 0 ? 0 : 1;
}
