/*
 * Price parsing: the amount in a marketplace's price text, as an exact
 * decimal string.  The heuristics are those of Zyte's price-parser (the
 * first number in the text wins; a separator followed by exactly three
 * digits groups thousands; "35€99" uses the euro sign as the decimal
 * point; words meaning "free" are 0), re-implemented over a small
 * alphabet so that no regex engine and no binary floating point is
 * involved.  The currency half lives in currency.c.
 *
 * It must never read past the NUL of its input, never write past the
 * fixed buffers of struct mc_price, and never allocate: spiders call it
 * on any text a site sends.
 */
#include "marketcrawl/price.h"
#include "base/utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Room for an amount text before separators are removed.  A longer one
 * cannot become an amount that fits MC_PRICE_AMOUNT_MAX anyway (except
 * with absurd runs of separators), so it is reported as no amount.
 */
#define TEXT_MAX 128

/* The alphabet the number grammar works on. */
enum {
	K_OTHER = 'x',
	K_SPACE = ' ',
	K_DOT = '.',
	K_COMMA = ',',
	K_EURO = 'E', /* U+20AC, a decimal point in "35€99" */
	K_PERCENT = '%',
	K_APOSTROPHE = '\'', /* Swiss grouping: "1'049.95" */
};

/* Decimal digits of the scripts shops use (ASCII, Arabic-Indic, Persian,
 * Devanagari, Bengali, Thai, full-width) become '0'..'9'. */
static int digit_of(uint32_t c)
{
	static const uint32_t zeros[] = {'0', 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10};
	size_t i;

	for (i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
		if (c >= zeros[i] && c <= zeros[i] + 9)
			return '0' + (int)(c - zeros[i]);
	return -1;
}

/* Python's str.isspace(): NBSP, narrow NBSP and the other Unicode spaces. */
static bool is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The next symbol of `p` in the alphabet above ('0'..'9' for digits), and
 * its length in bytes. */
static int next_kind(const unsigned char *p, size_t *len)
{
	uint32_t c;
	int d;

	*len = mc_utf8_next(p, &c);
	d = digit_of(c);
	if (d >= 0)
		return d;
	if (is_space(c))
		return K_SPACE;
	switch (c) {
	case '.':
	case 0xFF0E: /* full-width full stop */
	case 0x066B: /* Arabic decimal separator */
		return K_DOT;
	case ',':
	case 0xFF0C: /* full-width comma */
	case 0x066C: /* Arabic thousands separator */
		return K_COMMA;
	case '\'':
	case 0x2019: /* right single quotation mark */
		return K_APOSTROPHE;
	case '%':
		return K_PERCENT;
	case 0x20AC:
		return K_EURO;
	default:
		return K_OTHER;
	}
}

static bool is_digit_kind(int k)
{
	return k >= '0' && k <= '9';
}

/* A character of a number: digit, space, '.', ',' or an apostrophe, which
 * only ever groups digits and so is dropped from the amount text. */
static bool is_number_kind(int k)
{
	return is_digit_kind(k) || k == K_SPACE || k == K_DOT || k == K_COMMA ||
	       k == K_APOSTROPHE;
}

/* A bounded builder for the amount text; a run of spaces is kept as one
 * space, as price-parser collapses them before it looks. */
struct text {
	char s[TEXT_MAX];
	size_t len;
	bool overflow;
};

static void text_add(struct text *t, int k)
{
	if (k == K_APOSTROPHE)
		return;
	if (k == K_SPACE && t->len && t->s[t->len - 1] == ' ')
		return;
	if (t->len + 1 >= sizeof t->s) {
		t->overflow = true;
		return;
	}
	t->s[t->len++] = (char)k;
	t->s[t->len] = '\0';
}

/* Append the number characters of [from, to) in the alphabet. */
static void text_add_span(struct text *t, const unsigned char *from, const unsigned char *to)
{
	size_t n;

	while (from < to) {
		int k = next_kind(from, &n);

		text_add(t, k);
		from += n;
	}
}

/*
 * The euro sign as decimal point: "35€99", "35 € 99", "1.235€99".  Only
 * when the text has exactly one "€", preceded by a number and followed by
 * digits: either directly (any count) or after spaces (exactly two).
 */
static bool euro_amount_text(const char *text, struct text *t)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *run = NULL, *euro = NULL, *q, *digits;
	int k, last_solid = K_OTHER, before_euro = K_OTHER;
	size_t n, ndigits = 0;
	bool spaced = false;

	if (!strstr(text, "€") || strstr(strstr(text, "€") + 1, "€"))
		return false;
	while (*p) {
		k = next_kind(p, &n);
		if (k == K_EURO) {
			euro = p;
			before_euro = last_solid;
			break;
		}
		if (is_number_kind(k)) {
			if (!run)
				run = p;
			if (k != K_SPACE)
				last_solid = k;
		} else {
			run = NULL;
			last_solid = K_OTHER;
		}
		p += n;
	}
	if (!euro || !run || !is_digit_kind(before_euro))
		return false;
	q = euro + n;
	for (k = next_kind(q, &n); *q && k == K_SPACE; k = next_kind(q, &n)) {
		spaced = true;
		q += n;
	}
	digits = q;
	for (; *q && is_digit_kind(k); k = next_kind(q, &n)) {
		ndigits++;
		q += n;
	}
	if (ndigits == 0 || (spaced && ndigits != 2))
		return false;
	text_add_span(t, run, euro);
	text_add(t, K_EURO);
	text_add_span(t, digits, q);
	return true;
}

/*
 * The first number: a digit (or a '.' before a digit) and the digits,
 * spaces, dots and commas after it, unless a '%' follows (then it is cut
 * back to its last separator, or skipped when it has none).  Then trailing
 * separators go, and leading ones unless the text holds exactly one '.'
 * (".75" stays), as price-parser does.
 */
static bool first_number_text(const char *text, struct text *t)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end, *last_sep, *q;
	size_t n, m, i, start, stop, dots = 0;
	int k;

	while (*p) {
		k = next_kind(p, &n);
		if (!(is_digit_kind(k) ||
		      (k == K_DOT && p[n] && is_digit_kind(next_kind(p + n, &m))))) {
			p += n;
			continue;
		}
		last_sep = NULL;
		for (end = p; *end; end += m) {
			k = next_kind(end, &m);
			if (!is_number_kind(k))
				break;
			if (!is_digit_kind(k))
				last_sep = end;
		}
		if (*end && next_kind(end, &m) == K_PERCENT) {
			if (!last_sep || last_sep == p) {
				p = end;
				continue;
			}
			end = last_sep;
		}
		for (q = p; q < end; q += m) {
			k = next_kind(q, &m);
			text_add(t, k);
		}
		break;
	}
	if (!*p)
		return false;
	stop = t->len;
	while (stop && (t->s[stop - 1] == '.' || t->s[stop - 1] == ','))
		stop--;
	for (i = 0; i < stop; i++)
		dots += t->s[i] == '.';
	start = 0;
	if (dots != 1)
		while (start < stop && (t->s[start] == '.' || t->s[start] == ','))
			start++;
	while (start < stop && t->s[start] == ' ')
		start++;
	while (stop > start && t->s[stop - 1] == ' ')
		stop--;
	memmove(t->s, t->s + start, stop - start);
	t->len = stop - start;
	t->s[t->len] = '\0';
	return true;
}

/*
 * The decimal separator of a number without spaces: the last '.' or ','
 * when only digits follow it and they are not exactly three (three digits
 * after a separator group thousands: "1,299", "1.200").
 */
static char guess_separator(const char *s, size_t len)
{
	size_t i = len, digits = 0;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') {
		i--;
		digits++;
	}
	if (i == 0 || digits == 0)
		return 0;
	if ((s[i - 1] == '.' || s[i - 1] == ',') && digits != 3)
		return s[i - 1];
	return 0;
}

/*
 * Remove grouping, make the decimal point a '.', check the result is
 * digits with at most one '.', and write it without leading zeros or
 * trailing fractional zeros ("0012.50" -> "12.5", ".75" -> "0.75",
 * "0.00" -> "0").
 */
static bool parse_number(const struct text *t, char hint, char *out, size_t outsz)
{
	char num[TEXT_MAX];
	size_t i, len = 0, dot = SIZE_MAX, int_start = 0, int_end, frac_end, o;
	char sep;

	if (t->overflow)
		return false;
	for (i = 0; i < t->len; i++)
		if (t->s[i] != ' ')
			num[len++] = t->s[i];
	/* A euro sign between digits is never a thousands separator, so it
	 * is the decimal point whatever the hint says or how many digits
	 * follow ("1250€600" is 1250.6, where price-parser gives nothing). */
	sep = memchr(num, K_EURO, len) ? K_EURO : hint;
	if (!sep)
		sep = guess_separator(num, len);
	for (i = 0, o = 0; i < len; i++) {
		char c = num[i];

		if (c >= '0' && c <= '9') {
			num[o++] = c;
		} else if (c == sep) {
			if (dot != SIZE_MAX)
				return false;
			dot = o;
		}
		/* Any other '.' or ',' groups digits and is dropped. */
	}
	len = o;
	if (len == 0)
		return false;
	int_end = dot == SIZE_MAX ? len : dot;
	frac_end = len;
	while (frac_end > int_end && num[frac_end - 1] == '0')
		frac_end--;
	while (int_start < int_end && num[int_start] == '0')
		int_start++;
	o = 0;
	if (int_start == int_end)
		out[o++] = '0';
	if (o + (int_end - int_start) + 1 + (frac_end - int_end) + 1 > outsz)
		return false;
	memcpy(out + o, num + int_start, int_end - int_start);
	o += int_end - int_start;
	if (frac_end > int_end) {
		out[o++] = '.';
		memcpy(out + o, num + int_end, frac_end - int_end);
		o += frac_end - int_end;
	}
	out[o] = '\0';
	return true;
}

/* Words shops write instead of a zero price.  ASCII letters match in any
 * case; other scripts as written (both cases listed where it matters). */
static const char *const free_words[] = {
	"free", "gratis", "grátis", "gratuit", "kostenlos", "zdarma", "ilmainen",
	"darmow", "ücretsiz", "Ücretsiz", "бесплатно", "Бесплатно", "безкоштовно",
	"Безкоштовно", "무료", "無料", "免费", "免費", "مجاني", "مجانا", "miễn phí",
	"Miễn phí", "ฟรี",
};

static bool ascii_ci_prefix(const char *s, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++) {
		char a = s[i], b = word[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static bool says_free(const char *text)
{
	const char *p;
	size_t i;

	for (p = text; *p; p++)
		for (i = 0; i < sizeof free_words / sizeof free_words[0]; i++)
			if (ascii_ci_prefix(p, free_words[i]))
				return true;
	return false;
}

bool mc_price_parse(const char *text, const char *currency_hint, char decimal_hint,
		    struct mc_price *out)
{
	struct text t = {.len = 0};

	memset(out, 0, sizeof *out);
	mc_currency_find(text, currency_hint, out->currency_raw, out->currency);
	if (!text)
		return false;
	if (decimal_hint != '.' && decimal_hint != ',')
		decimal_hint = 0;
	if (euro_amount_text(text, &t) || first_number_text(text, &t)) {
		out->has_amount = parse_number(&t, decimal_hint, out->amount, sizeof out->amount);
	} else if (says_free(text)) {
		out->amount[0] = '0';
		out->has_amount = true;
	}
	if (!out->has_amount)
		out->amount[0] = '\0'; /* no half-parsed number on failure */
	return out->has_amount;
}
