/*
 * Currencies: which currency a piece of marketplace text names, and what an
 * ISO 4217 code means.  It owns three tables: the ISO 4217 codes with
 * their minor units, the "safe" symbols (so distinctive that finding one
 * anywhere in a text settles the question, tried in a fixed order), and
 * the "other" symbols (abbreviations that are only trusted when no safe
 * symbol is present; the longest one at the leftmost position wins).  The
 * search order follows Zyte's price-parser, so `currency_raw` is what that
 * library would return; the ISO code is ours, and is given only when the
 * symbol names one currency ("€") and never guessed when it names several
 * ("$", "kr", "¥"): then only a hint can pick one of the candidates.
 * Pure functions over static tables; never allocates, never reads past
 * the NUL of its inputs.
 */
#include "marketcrawl/price.h"
#include "base/utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct iso_currency {
	char code[4];
	signed char minor; /* -1: ISO 4217 defines none (gold, test codes) */
	const char *name;  /* the ISO name, e.g. "Pound Sterling" */
};

/* crawler/iso4217_table.h, sorted by code, for the binary search in
 * iso_lookup(). */
static const struct iso_currency iso_table[] = {
#define MC_ISO4217(code, minor, name) {code, minor, name},
#include "crawler/iso4217_table.h"
#undef MC_ISO4217
};

#define N_ISO (sizeof iso_table / sizeof iso_table[0])

/*
 * A symbol as it appears in text.  `iso` is the one currency it names, or
 * NULL; `alts` lists (space-separated) the currencies an ambiguous symbol
 * may name, which a hint can choose from.  Neither: a symbol with no ISO
 * code at all (toman, bitcoin, historic signs).
 */
struct symbol {
	const char *text;
	const char *iso;
	const char *alts;
};

#define DOLLARS "USD CAD AUD NZD SGD HKD TWD MXN ARS CLP COP UYU BSD BBD BMD " \
		"BND BZD FJD GYD JMD KYD LRD NAD SBD SRD TTD XCD ZWL DOP CUP " \
		"CVE MOP SVC"
#define RUPEES "INR PKR LKR NPR MUR SCR"
#define RIALS "IRR SAR OMR QAR YER"

/*
 * Safe symbols, in the order they are tried at each position: the dollar
 * variants come before the bare "$" and "руб." before "руб" so that the
 * more specific one wins.
 */
static const struct symbol safe_symbols[] = {
	{"CAN$", "CAD", NULL}, {"CAD$", "CAD", NULL}, {"CDN$", "CAD", NULL}, {"AU $", "AUD", NULL},
	{"US $", "USD", NULL}, {"GY$", "GYD", NULL}, {"G$", "GYD", NULL},
	{"$b", "BOB", NULL}, {"E£", "EGP", NULL}, {"R₣", "RWF", NULL},
	{"Bds$", "BBD", NULL}, {"CUC$", "CUC", NULL}, {"MOP$", "MOP", NULL},
	{"AR$", "ARS", NULL}, {"AU$", "AUD", NULL}, {"BN$", "BND", NULL},
	{"BZ$", "BZD", NULL}, {"CA$", "CAD", NULL}, {"CL$", "CLP", NULL},
	{"CO$", "COP", NULL}, {"CV$", "CVE", NULL}, {"HK$", "HKD", NULL},
	{"MX$", "MXN", NULL}, {"NT$", "TWD", NULL}, {"NZ$", "NZD", NULL},
	{"TT$", "TTD", NULL}, {"RD$", "DOP", NULL}, {"WS$", "WST", NULL},
	{"US$", "USD", NULL}, {"$U", "UYU", NULL}, {"C$", NULL, "CAD NIO"},
	{"J$", "JMD", NULL}, {"N$", "NAD", NULL}, {"R$", "BRL", NULL},
	{"S$", "SGD", NULL}, {"T$", "TOP", NULL}, {"Z$", NULL, "ZWL ZWG ZWD"},
	{"A$", "AUD", NULL}, {"SY£", "SYP", NULL}, {"LB£", "LBP", NULL},
	{"CN¥", "CNY", NULL}, {"GH₵", "GHS", NULL},
	{"$", NULL, DOLLARS}, {"€", "EUR", NULL}, {"£", "GBP", NULL},
	{"zł", "PLN", NULL}, {"Zł", "PLN", NULL}, {"Kč", "CZK", NULL},
	{"₽", "RUB", NULL}, {"¥", NULL, "JPY CNY"}, {"￥", NULL, "JPY CNY"},
	{"฿", "THB", NULL}, {"դր.", "AMD", NULL}, {"դր", "AMD", NULL},
	{"₦", "NGN", NULL}, {"₴", "UAH", NULL}, {"₱", NULL, "PHP CUP"},
	{"৳", "BDT", NULL}, {"₭", "LAK", NULL}, {"₪", "ILS", NULL},
	{"﷼", NULL, RIALS}, {"៛", "KHR", NULL}, {"₩", "KRW", NULL},
	{"₫", "VND", NULL}, {"₡", "CRC", NULL}, {"টকা", "BDT", NULL},
	{"ƒ", NULL, "ANG AWG XCG NLG"}, {"₲", "PYG", NULL}, {"؋", "AFN", NULL},
	{"₮", "MNT", NULL}, {"नेरू", "NPR", NULL}, {"₨", NULL, RUPEES},
	{"₶", NULL, NULL}, {"₾", "GEL", NULL}, {"֏", "AMD", NULL},
	{"ރ", "MVR", NULL}, {"৲", NULL, NULL}, {"૱", "INR", NULL},
	{"௹", "INR", NULL}, {"₠", NULL, NULL}, {"₢", NULL, NULL},
	{"₣", "FRF", NULL}, {"₤", NULL, "ITL MTL"}, {"₧", "ESP", NULL},
	{"₯", "GRD", NULL}, {"₰", NULL, NULL}, {"₳", NULL, NULL},
	{"₷", NULL, NULL}, {"₸", "KZT", NULL}, {"₹", "INR", NULL},
	{"₺", "TRY", NULL}, {"₼", "AZN", NULL}, {"₿", NULL, NULL},
	{"ℳ", NULL, NULL}, {"₵", "GHS", NULL}, {"￡", "GBP", NULL},
	/* Arabic abbreviations as CLDR writes them, ending in U+200F. */
	{"ر.ق.\u200f", "QAR", NULL}, {"د.ك.\u200f", "KWD", NULL},
	{"د.ع.\u200f", "IQD", NULL}, {"ر.ع.\u200f", "OMR", NULL},
	{"ر.ي.\u200f", "YER", NULL}, {"ر.س.\u200f", "SAR", NULL},
	{"د.ج.\u200f", "DZD", NULL}, {"د.م.\u200f", "MAD", NULL},
	{"د.إ.\u200f", "AED", NULL}, {"د.ت.\u200f", "TND", NULL},
	{"د.ل.\u200f", "LYD", NULL}, {"ل.س.\u200f", "SYP", NULL},
	{"د.ب.\u200f", "BHD", NULL}, {"د.أ.\u200f", "JOD", NULL},
	{"ج.م.\u200f", "EGP", NULL}, {"ل.ل.\u200f", "LBP", NULL},
	/* The toman is ten rials: no ISO code says "toman". */
	{" تومان", NULL, NULL}, {"تومان", NULL, NULL},
	{"EUR", "EUR", NULL}, {"euro", "EUR", NULL}, {"eur", "EUR", NULL},
	{"CHF", "CHF", NULL}, {"DKK", "DKK", NULL}, {"Rp", "IDR", NULL},
	{"lei", "RON", NULL}, {"руб.", "RUB", NULL}, {"руб", "RUB", NULL},
	{"грн.", "UAH", NULL}, {"грн", "UAH", NULL}, {"дин.", "RSD", NULL},
	{"Dinara", "RSD", NULL}, {"динар", "RSD", NULL}, {"лв.", "BGN", NULL},
	{"лв", "BGN", NULL}, {"р.", "RUB", NULL}, {"тңг", "KZT", NULL},
	{"тңг.", "KZT", NULL}, {"ман.", "AZN", NULL},
};

/*
 * Other symbols: abbreviations that also occur in ordinary words, tried
 * only when no safe symbol is found.  Every ISO code in iso_table is an
 * "other" symbol too (except XXX).  Longest match at a position wins, so
 * the order here does not matter.
 */
static const struct symbol other_symbols[] = {
	{"Af", "AFN", NULL}, {"Lek", "ALL", NULL}, {"Kz", "AOA", NULL},
	{"Afl.", "AWG", NULL}, {"man.", "AZN", NULL}, {"KM", "BAM", NULL},
	{"Tk", "BDT", NULL}, {"BD", "BHD", NULL}, {"FBu", "BIF", NULL},
	{"Bs", NULL, "BOB VES VED"}, {"Nu.", "BTN", NULL}, {"Br", NULL, "BYN ETB"},
	{"FrCD", "CDF", NULL}, {"UF", "CLF", NULL}, {"Fdj", "DJF", NULL},
	{"Dkr", "DKK", NULL}, {"kr", NULL, "SEK NOK DKK ISK EEK"},
	{"DA", "DZD", NULL}, {"Nfk", "ERN", NULL}, {"FG", "GNF", NULL},
	{"kn", "HRK", NULL}, {"Ft", "HUF", NULL}, {"Rs", NULL, RUPEES},
	{"ریال", "IRR", NULL}, {"र", "INR", NULL}, {"Ikr", "ISK", NULL},
	{"JD", "JOD", NULL}, {"Ksh", "KES", NULL}, {"CF", "KMF", NULL},
	{"FC", NULL, "KMF CDF"}, {"KD", "KWD", NULL}, {"SLRs", "LKR", NULL},
	{"SL Re", "LKR", NULL}, {"Lt", "LTL", NULL}, {"litų", "LTL", NULL},
	{"Ls", "LVL", NULL}, {"LD", "LYD", NULL}, {"UM", NULL, "MRU MRO"},
	{"MURs", "MUR", NULL}, {"MRf", "MVR", NULL}, {"Rf", "MVR", NULL},
	{"MK", "MWK", NULL}, {"RM", "MYR", NULL}, {"MTn", "MZN", NULL},
	{"Nkr", "NOK", NULL}, {"NPRs", "NPR", NULL}, {"B/.", "PAB", NULL},
	{"S/.", "PEN", NULL}, {"PKRs", "PKR", NULL}, {"pln", "PLN", NULL},
	{"QR", "QAR", NULL}, {"leu", "RON", NULL}, {"Lei", "RON", NULL},
	{"LEI", "RON", NULL}, {"din.", "RSD", NULL}, {"FR", "RWF", NULL},
	{"SR", "SAR", NULL}, {"Skr", "SEK", NULL}, {"Le", NULL, "SLE SLL"},
	{"Ssh", "SOS", NULL}, {"Db", NULL, "STN STD"}, {"DT", "TND", NULL},
	{"TL", "TRY", NULL}, {"TSh", "TZS", NULL}, {"USh", "UGX", NULL},
	{"Bs.F.", "VEF", NULL}, {"đ", "VND", NULL}, {"VT", "VUV", NULL},
	{"FCFA", "XAF", NULL}, {"CFA", NULL, "XOF XAF"}, {"CFP", "XPF", NULL},
	{"Sucre", "XSU", NULL}, {"YR", "YER", NULL}, {"ZK", "ZMW", NULL},
	{"öS", "ATS", NULL}, {"fr.", NULL, "CHF BEF FRF LUF"},
	{"Fr.", "CHF", NULL}, {"DM", "DEM", NULL}, {"D-Mark", "DEM", NULL},
	{"fl.", "NLG", NULL}, {"kroon", "EEK", NULL}, {"mk.", "FIM", NULL},
	{"Δρχ.", "GRD", NULL}, {"Δρ.", "GRD", NULL}, {"IR£", "IEP", NULL},
	{"Lm", "MTL", NULL}, {"Sk", "SKK", NULL}, {"tolarjev", "SIT", NULL},
	{"Pta", "ESP", NULL}, {"Ptas", "ESP", NULL}, {"Pts", "ESP", NULL},
	{"Pt", "ESP", NULL}, {"р", "RUB", NULL}, {"Р", "RUB", NULL},
	{"د.إ.", "AED", NULL}, {"د.ب.", "BHD", NULL}, {"د.ج.", "DZD", NULL},
	{"ج.م.", "EGP", NULL}, {"د.ع.", "IQD", NULL}, {"د.أ.", "JOD", NULL},
	{"د.ك.", "KWD", NULL}, {"ل.ل.", "LBP", NULL}, {"د.ل.", "LYD", NULL},
	{"د.م.", "MAD", NULL}, {"ر.ع.", "OMR", NULL}, {"ر.ق.", "QAR", NULL},
	{"ر.س.", "SAR", NULL}, {"ل.س.", "SYP", NULL}, {"د.ت.", "TND", NULL},
	{"ر.ي.", "YER", NULL},
	/* Words and signs of East Asian and Arabic-script shops. */
	{"원", "KRW", NULL}, {"円", "JPY", NULL}, {"元", "CNY", NULL},
	{"RMB", "CNY", NULL}, {"جنيه", NULL, "EGP SDG SSP LBP GBP"},
	{"درهم", NULL, "AED MAD"}, {"ريال", NULL, RIALS},
	{"yen", "JPY", NULL}, {"yuan", "CNY", NULL}, {"人民币", "CNY", NULL},
	{"圆", "CNY", NULL}, {"圓", NULL, "TWD HKD MOP"}, {"บาท", "THB", NULL},
	{"Kr", NULL, "SEK NOK DKK ISK EEK"}, {"zl", "PLN", NULL},
	{"KSh", "KES", NULL}, {"KShs", "KES", NULL}, {"Fbu", "BIF", NULL},
	{"GFr", "GNF", NULL}, {"FRw", "RWF", NULL}, {"SFr", "CHF", NULL},
	{"CHf", "CHF", NULL}, {"Rbl", "RUB", NULL}, {"hrn", "UAH", NULL},
	{"VNĐ", "VND", NULL}, {"stg", "GBP", NULL}, {"so'm", "UZS", NULL},
	{"тг", "KZT", NULL}, {"ден", "MKD", NULL}, {"ДЕН", "MKD", NULL},
	{"ლარი", "GEL", NULL}, {"ናቕፋ", "ERN", NULL}, {"نافكا", "ERN", NULL},
	{"ብር", "ETB", NULL}, {"ש״ח", "ILS", NULL}, {"ש\"ח", "ILS", NULL},
	{"ש'ח", "ILS", NULL}, {"ش.ج", "ILS", NULL}, {"රු", "LKR", NULL},
	{"ரூ", NULL, "LKR INR"}, {"Dhs", NULL, "AED MAD"}, {"BTC", NULL, NULL},
	{"Ƀ", NULL, NULL}, {"GBp", NULL, NULL},
	/* Arabic abbreviations without their final dot. */
	{"ر.س", "SAR", NULL}, {"ج.م", "EGP", NULL}, {"دج", "DZD", NULL},
	{".د.ب", "BHD", NULL}, {"ع.د", "IQD", NULL}, {"د.ع", "IQD", NULL},
	{"د.ك", "KWD", NULL}, {"ل.د", "LYD", NULL}, {"د.ل", "LYD", NULL},
	{"د.إ", "AED", NULL}, {"ج.س", "SDG", NULL}, {"ج.س.", "SDG", NULL},
	{"د.ت", "TND", NULL}, {"د.أ", "JOD", NULL}, {"د.ا", "JOD", NULL},
	{"د.ج", "DZD", NULL}, {"د.م", "MAD", NULL}, {"ر.ع", "OMR", NULL},
	{"ر.ق", "QAR", NULL}, {"ر.ي", "YER", NULL}, {"ل.س", "SYP", NULL},
	{"ل.ل", "LBP", NULL},
	{"دينار", NULL, "IQD JOD KWD BHD LYD TND DZD"},
	{"franc", NULL, "CHF XOF XAF XPF KMF GNF RWF BIF DJF CDF"},
	{"francs", NULL, "CHF XOF XAF XPF KMF GNF RWF BIF DJF CDF"},
};

#define N_SAFE (sizeof safe_symbols / sizeof safe_symbols[0])
#define N_OTHER (sizeof other_symbols / sizeof other_symbols[0])

/* Python's str.isspace(), which decides what price-parser strips. */
static bool is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool is_ascii_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * An approximation of a regex word character (letters, digits, '_'):
 * exact for ASCII; other code points count as letters unless they are
 * spaces, punctuation or symbols from the common blocks.  It only decides
 * whether a currency code such as "NZD" stands alone.
 */
static bool is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		       (c >= 'a' && c <= 'z') || c == '_';
	if (is_space(c))
		return false;
	if (c <= 0xBF)
		return c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 ||
		       c == 0xBA || (c >= 0xBC && c <= 0xBE);
	if (c == 0xD7 || c == 0xF7 || c == 0x058F || c == 0x060C || c == 0x061B ||
	    c == 0x061F || (c >= 0x066A && c <= 0x066D) || c == 0x06D4 ||
	    c == 0x09F2 || c == 0x09F3 || c == 0x0AF1 || c == 0x0BF9 || c == 0x0E3F ||
	    c == 0x17DB || c == 0xFDFC || c == 0xFFFD)
		return false;
	if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) ||
	    (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
	    (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
	    (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
	    (c >= 0xFFE0 && c <= 0xFFEF))
		return false;
	return true;
}

/* Does `s` start with `prefix`?  Stops at the first difference, so it
 * never reads past the NUL of `s`. */
static size_t starts_with(const char *s, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (s[i] != prefix[i])
			return 0;
	return i;
}

static const struct iso_currency *iso_lookup(const char *code, size_t len)
{
	size_t lo = 0, hi = N_ISO;

	if (len != 3)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = memcmp(code, iso_table[mid].code, 3);

		if (cmp == 0)
			return &iso_table[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* An ISO code at `s` that the "other" search may match (XXX means "no
 * currency", so it is never a finding). */
static size_t code_at(const char *s)
{
	if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	      s[2] >= 'A' && s[2] <= 'Z'))
		return 0;
	if (memcmp(s, "XXX", 3) == 0 || !iso_lookup(s, 3))
		return 0;
	return 3;
}

/* A match: where and how long, in `text`. */
struct found {
	const char *at;
	size_t len;
};

/*
 * A code ending in D ("NZD", "SGD") standing alone, and followed by "$",
 * a non-letter or the end: "SGD$12" and "NZD 12" name that dollar, not
 * just any dollar.
 */
static bool find_dollar_code(const char *text, struct found *f)
{
	const unsigned char *p = (const unsigned char *)text;
	bool prev_word = false;

	while (*p) {
		uint32_t c, next;
		size_t n = mc_utf8_next(p, &c);

		if (!prev_word && code_at((const char *)p) && p[2] == 'D') {
			if (!p[3]) {
				f->at = (const char *)p;
				f->len = 3;
				return true;
			}
			mc_utf8_next(p + 3, &next);
			if (!is_word(next) || is_ascii_digit(next)) {
				f->at = (const char *)p;
				f->len = 3;
				return true;
			}
		}
		prev_word = is_word(c);
		p += n;
	}
	return false;
}

/* The leftmost safe symbol; at one position the first in table order. */
static bool find_safe(const char *text, struct found *f)
{
	const char *p;
	size_t i, n;

	for (p = text; *p; p++)
		for (i = 0; i < N_SAFE; i++) {
			if (*p != safe_symbols[i].text[0])
				continue;
			n = starts_with(p, safe_symbols[i].text);
			if (n) {
				f->at = p;
				f->len = n;
				return true;
			}
		}
	return false;
}

/* The leftmost other symbol or ISO code; at one position the longest. */
static bool find_other(const char *text, struct found *f)
{
	const char *p;
	size_t i, n, best;

	for (p = text; *p; p++) {
		best = code_at(p);
		for (i = 0; i < N_OTHER; i++) {
			if (*p != other_symbols[i].text[0])
				continue;
			n = starts_with(p, other_symbols[i].text);
			if (n > best)
				best = n;
		}
		if (best) {
			f->at = p;
			f->len = best;
			return true;
		}
	}
	return false;
}

/* Trim Unicode spaces from both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)*s;
	const unsigned char *end = p + *len;
	const unsigned char *last_end = p;
	bool started = false;
	uint32_t c;

	while (p < end) {
		size_t n = mc_utf8_next(p, &c);

		if (p + n > end)
			break;
		if (!is_space(c)) {
			if (!started) {
				*s = (const char *)p;
				started = true;
			}
			last_end = p + n;
		}
		p += n;
	}
	*len = started ? (size_t)((const char *)last_end - *s) : 0;
}

static const struct symbol *symbol_lookup(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < N_SAFE; i++)
		if (strlen(safe_symbols[i].text) == len &&
		    memcmp(safe_symbols[i].text, s, len) == 0)
			return &safe_symbols[i];
	for (i = 0; i < N_OTHER; i++)
		if (strlen(other_symbols[i].text) == len &&
		    memcmp(other_symbols[i].text, s, len) == 0)
			return &other_symbols[i];
	return NULL;
}

/* The ISO code named by exactly [s, s + len) after trimming, or NULL. */
static const char *iso_of(const char *s, size_t len)
{
	const struct symbol *sym;
	const struct iso_currency *cur;

	trim(&s, &len);
	sym = symbol_lookup(s, len);
	if (sym)
		return sym->iso;
	cur = iso_lookup(s, len);
	if (cur && memcmp(cur->code, "XXX", 3) != 0)
		return cur->code;
	return NULL;
}

const char *mc_currency_iso(const char *symbol)
{
	if (!symbol)
		return NULL;
	return iso_of(symbol, strnlen(symbol, 64));
}

int mc_currency_minor_units(const char *iso)
{
	const struct iso_currency *cur;

	if (!iso || strnlen(iso, 4) != 3)
		return -1;
	cur = iso_lookup(iso, 3);
	return cur ? cur->minor : -1;
}

/* The price-parser search order over the text and the hint. */
static bool search(const char *text, const char *hint, struct found *f)
{
	if (text && strchr(text, '$') && find_dollar_code(text, f))
		return true;
	if (hint && strchr(hint, '$') && find_dollar_code(hint, f))
		return true;
	if (text && find_safe(text, f))
		return true;
	if (hint && find_safe(hint, f))
		return true;
	if (text && find_other(text, f))
		return true;
	return hint && find_other(hint, f);
}

/* A hint that is an ISO code in any case ("usd", " EUR "), else the code
 * of the currency symbol the hint contains, else NULL. */
static const char *hint_iso(const char *hint)
{
	const char *s = hint;
	size_t len = strnlen(hint, 64);
	char up[3];
	const struct iso_currency *cur;
	struct found f;
	size_t i;

	trim(&s, &len);
	if (len == 3) {
		for (i = 0; i < 3; i++)
			up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
		cur = iso_lookup(up, 3);
		if (cur && memcmp(cur->code, "XXX", 3) != 0)
			return cur->code;
	}
	if (search(NULL, hint, &f))
		return iso_of(f.at, f.len);
	return NULL;
}

/* Is the 3-letter `iso` one of the space-separated `alts`? */
static bool among(const char *alts, const char *iso)
{
	const char *p;

	for (p = alts; *p; p += (p[3] == ' ') ? 4 : 3)
		if (memcmp(p, iso, 3) == 0)
			return true;
	return false;
}

/* Copy at most dstsz - 1 bytes, never cutting a UTF-8 sequence in two. */
static void copy_bounded(char *dst, size_t dstsz, const char *src, size_t len)
{
	if (len >= dstsz) {
		len = dstsz - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

bool mc_currency_find(const char *text, const char *hint,
		      char raw[MC_PRICE_CURRENCY_MAX], char iso[4])
{
	struct found f;
	const struct symbol *sym;
	const char *code, *s;
	size_t len;

	raw[0] = '\0';
	iso[0] = '\0';
	if (search(text, hint, &f)) {
		s = f.at;
		len = f.len;
		trim(&s, &len);
		copy_bounded(raw, MC_PRICE_CURRENCY_MAX, s, len);
		code = iso_of(s, len);
		if (!code && hint) {
			sym = symbol_lookup(s, len);
			code = hint_iso(hint);
			if (!sym || !sym->alts || !code || !among(sym->alts, code))
				code = NULL;
		}
		if (code)
			copy_bounded(iso, 4, code, 3);
		return true;
	}
	if (hint) {
		code = hint_iso(hint);
		if (code) {
			copy_bounded(raw, MC_PRICE_CURRENCY_MAX, code, 3);
			copy_bounded(iso, 4, code, 3);
			return true;
		}
	}
	return false;
}
