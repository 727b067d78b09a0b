/*
 * Tests for crawler/charset.c: each detection path (BOM, Content-Type,
 * <meta charset>, <meta http-equiv>, the 1024-byte prescan limit, the
 * UTF-8 / windows-1252 default) and conversions with exact output bytes,
 * then a seeded random-bytes run through every encoding that checks the
 * output is always valid, NUL-terminated UTF-8, and that
 * mc_charset_unchanged says yes exactly when conversion keeps the bytes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/charset.h"
#include "testlib.h"

static const char *detect(const char *body, size_t len, const char *content_type)
{
	static char out[32];

	mc_charset_detect(body, len, content_type, out, sizeof out);
	return out;
}

static const char *detect_str(const char *body, const char *content_type)
{
	return detect(body, strlen(body), content_type);
}

static void print_hex(const char *label, const char *p, size_t n)
{
	printf("# %s (%zu bytes):", label, n);
	for (size_t i = 0; i < n && i < 64; i++)
		printf(" %02X", (unsigned char)p[i]);
	printf("\n");
}

/* Convert and compare the exact output bytes and the replacement count. */
static void check_conv(const char *what, const char *in, size_t inlen, const char *charset,
		       const char *want, size_t want_len, size_t want_invalid)
{
	size_t len = 12345, invalid = 12345;
	char *got = mc_charset_to_utf8(in, inlen, charset, &len, &invalid);
	bool ok = len == want_len && memcmp(got, want, want_len) == 0 && got[len] == '\0' &&
		  invalid == want_invalid;

	if (!ok) {
		print_hex("got", got, len);
		print_hex("want", want, want_len);
		printf("# invalid: got %zu, want %zu\n", invalid, want_invalid);
	}
	CHECK(ok, "%s", what);
	free(got);
}

#define CONV(what, in, charset, want, invalid)                                                 \
	check_conv(what, in, sizeof(in) - 1, charset, want, sizeof(want) - 1, invalid)

static void test_detect_bom(void)
{
	CHECK_STR(detect("\xEF\xBB\xBF<p>x", 7, "text/html; charset=iso-8859-2"), "utf-8",
		  "UTF-8 BOM beats the Content-Type charset");
	CHECK_STR(detect("\xFF\xFE<\0p\0", 6, NULL), "utf-16le", "FF FE is UTF-16LE");
	CHECK_STR(detect("\xFE\xFF\0<\0p", 6, "text/html; charset=utf-8"), "utf-16be",
		  "FE FF is UTF-16BE, over the header");
	CHECK_STR(detect("\xEF\xBBx", 3, NULL), "windows-1252", "half a BOM is not a BOM");
}

static void test_detect_header(void)
{
	CHECK_STR(detect_str("<p>x", "text/html; charset=Shift_JIS"), "shift_jis",
		  "header charset, mixed case");
	CHECK_STR(detect_str("<p>x", "text/html; charset=\"ISO-8859-1\""), "windows-1252",
		  "quoted header charset; iso-8859-1 is windows-1252 (WHATWG)");
	CHECK_STR(detect_str("<p>x", "text/html;charset=latin1"), "windows-1252",
		  "no space after ';'; latin1 label");
	CHECK_STR(detect_str("<p>x", "text/html; Charset = us-ascii ; foo=bar"), "windows-1252",
		  "us-ascii label, spaces around '='");
	CHECK_STR(detect_str("<p>x", "text/html; foo=\"a\"; charset=gb2312"), "gbk",
		  "charset after another parameter; gb2312 is gbk");
	CHECK_STR(detect_str("<p>x", "text/html; charset=utf-16"), "utf-16le", "utf-16 label");
	CHECK_STR(detect_str("<meta charset=koi8-r>", "text/html; charset=x-klingon"), "koi8-r",
		  "an unknown header label is ignored, meta decides");
	CHECK_STR(detect_str("<meta charset=\"windows-1251\">", "text/html; charset=euc-kr"),
		  "euc-kr", "header and meta disagree: header wins");
	CHECK_STR(detect_str("plain", "text/plain"), "utf-8", "no charset parameter");
}

static void test_detect_meta(void)
{
	static char late[1100];

	CHECK_STR(detect_str("<!doctype html><html><head><meta charset=\"EUC-JP\">", NULL), "euc-jp",
		  "<meta charset> quoted, upper case");
	CHECK_STR(detect_str("<META CHARSET=sjis>", NULL), "shift_jis", "<META CHARSET=sjis>");
	CHECK_STR(detect_str("<head><meta http-equiv=\"Content-Type\" "
			     "content=\"text/html; charset=windows-1251\"></head>",
			     NULL),
		  "windows-1251", "http-equiv Content-Type with content charset");
	CHECK_STR(detect_str("<meta content='text/html;charset=\"iso-8859-15\"' "
			     "http-equiv='content-type'>",
			     NULL),
		  "iso-8859-15", "content before http-equiv, quoted label inside content");
	CHECK_STR(detect_str("<meta content=\"text/html; charset=windows-1251\">\xC0", NULL),
		  "windows-1252", "content charset without http-equiv is ignored");
	CHECK_STR(detect_str("<meta charset=utf-16le>", NULL), "utf-8",
		  "a meta saying UTF-16 means UTF-8 (HTML Standard)");
	CHECK_STR(detect_str("<meta charset=x-user-defined>\xE9", NULL), "windows-1252",
		  "x-user-defined in meta means windows-1252");
	CHECK_STR(detect_str("<!-- <meta charset=koi8-r> --><p>\xC3\xA9", NULL), "utf-8",
		  "a meta inside a comment is skipped");
	CHECK_STR(detect_str("<div title=\"<meta charset=koi8-r>\"><meta charset=big5>", NULL), "big5",
		  "a meta inside an attribute value is skipped");
	CHECK_STR(detect_str("<meta name=x><meta charset=bogus><meta charset=gbk>", NULL), "gbk",
		  "metas without a usable charset are passed over");
	CHECK_STR(detect_str("<meta charset=\"koi8-r", NULL), "utf-8",
		  "a meta cut off by the end of input gives no answer");

	memset(late, ' ', sizeof late);
	memcpy(late + 1010, "<meta charset=koi8-r>", 21);
	CHECK_STR(detect(late, 1031, NULL), "utf-8", "a meta cut by byte 1024 is ignored");
	memset(late, ' ', sizeof late);
	memcpy(late + 1030, "<meta charset=koi8-r>", 21);
	CHECK_STR(detect(late, 1051, NULL), "utf-8", "a meta after byte 1024 is ignored");
	memset(late, ' ', sizeof late);
	memcpy(late + 1003, "<meta charset=koi8-r>", 21);
	CHECK_STR(detect(late, 1051, NULL), "koi8-r", "a meta ending at byte 1024 counts");
}

static void test_detect_default(void)
{
	char out[4];

	CHECK_STR(detect_str("<p>caf\xC3\xA9</p>", NULL), "utf-8", "valid UTF-8 → utf-8");
	CHECK_STR(detect_str("<p>caf\xE9</p>", NULL), "windows-1252", "invalid UTF-8 → windows-1252");
	CHECK_STR(detect_str("<p>caf\xC3", NULL), "utf-8",
		  "a sequence cut by the end of the body is still UTF-8");
	CHECK_STR(detect_str("\xED\xA0\x80", NULL), "windows-1252", "UTF-8 surrogates are invalid");
	CHECK_STR(detect("", 0, NULL), "utf-8", "empty body");
	CHECK_STR(detect(NULL, 5, NULL), "utf-8", "NULL body");

	mc_charset_detect("x", 1, "text/html; charset=windows-1252", out, sizeof out);
	CHECK_STR(out, "win", "the label is truncated to the buffer and NUL-terminated");
	out[0] = 'Z';
	mc_charset_detect("x", 1, NULL, out, 0);
	CHECK(out[0] == 'Z', "outsz 0 writes nothing");
}

static void test_convert(void)
{
	static char big[100000];
	char *want, *got;
	size_t len, invalid;

	CONV("windows-1252 é → C3 A9", "caf\xE9", "windows-1252", "caf\xC3\xA9", 0);
	CONV("windows-1252 0x80 is €, 0x9F is Ÿ", "\x80\x9F", "windows-1252",
	     "\xE2\x82\xAC\xC5\xB8", 0);
	CONV("windows-1252 0x81 and 0x9D are C1 controls, as in WHATWG", "\x81\x9D", "windows-1252",
	     "\xC2\x81\xC2\x9D", 0);
	CONV("latin1 label decodes as windows-1252 (0x80 is €)", "\x80", "latin1", "\xE2\x82\xAC", 0);
	CONV("ISO-8859-2 via its label", "\xB1", " ISO_8859-2 ", "\xC4\x85", 0);
	CONV("koi8-r", "\xC1\xC2", "koi8-r", "\xD0\xB0\xD0\xB1", 0);
	CONV("shift_jis あ日本", "\x82\xA0\x93\xFA\x96\x7B", "shift_jis",
	     "\xE3\x81\x82\xE6\x97\xA5\xE6\x9C\xAC", 0);
	CONV("shift_jis 0x5C is a backslash, as in browsers", "a\\b", "shift_jis", "a\\b", 0);
	CONV("shift_jis NEC row 13 ① (CP932)", "\x87\x40", "sjis", "\xE2\x91\xA0", 0);
	CONV("shift_jis bad trail: one U+FFFD, the ASCII byte survives", "\x82 x", "shift_jis",
	     "\xEF\xBF\xBD x", 1);
	CONV("shift_jis lead byte cut by the end", "ab\x82", "shift_jis", "ab\xEF\xBF\xBD", 1);
	CONV("euc-jp あ", "\xA4\xA2", "euc-jp", "\xE3\x81\x82", 0);
	CONV("iso-2022-jp あ", "\x1B$B$\"\x1B(B!", "iso-2022-jp", "\xE3\x81\x82!", 0);
	CONV("gbk 你好", "\xC4\xE3\xBA\xC3", "gbk", "\xE4\xBD\xA0\xE5\xA5\xBD", 0);
	CONV("big5 中", "\xA4\xA4", "big5", "\xE4\xB8\xAD", 0);
	CONV("euc-kr 한", "\xC7\xD1", "euc-kr", "\xED\x95\x9C", 0);

	CONV("UTF-16LE with BOM: BOM removed", "\xFF\xFEh\0i\0", "utf-16le", "hi", 0);
	CONV("UTF-16BE with BOM, whatever the declared charset", "\xFE\xFF\0h\0i", "windows-1252",
	     "hi", 0);
	CONV("UTF-16LE surrogate pair → 4-byte UTF-8", "\xFF\xFE\x3D\xD8\x00\xDE", NULL,
	     "\xF0\x9F\x98\x80", 0);
	CONV("UTF-16LE lone surrogate → U+FFFD, next unit kept", "\x00\xD8h\0", "utf-16le",
	     "\xEF\xBF\xBDh", 1);
	CONV("UTF-16LE odd final byte → U+FFFD", "h\0i", "utf-16le", "h\xEF\xBF\xBD", 1);

	CONV("UTF-8 BOM removed", "\xEF\xBB\xBF\xC3\xA9", "utf-8", "\xC3\xA9", 0);
	CONV("UTF-8 invalid byte counted", "a\xFF" "b", "utf-8", "a\xEF\xBF\xBD" "b", 1);
	CONV("UTF-8 E0 80: two maximal subparts", "\xE0\x80", "UTF8", "\xEF\xBF\xBD\xEF\xBF\xBD", 2);
	CONV("UTF-8 overlong C0 AF", "\xC0\xAF", "utf-8", "\xEF\xBF\xBD\xEF\xBF\xBD", 2);
	CONV("UTF-8 surrogate ED A0 80: three", "\xED\xA0\x80", "utf-8",
	     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3);
	CONV("UTF-8 truncated 4-byte sequence: one", "x\xF0\x9F\x98", "utf-8", "x\xEF\xBF\xBD", 1);
	CONV("UTF-8 valid 4-byte sequence kept", "\xF0\x9F\x98\x80", "utf-8", "\xF0\x9F\x98\x80", 0);
	CONV("unknown charset → UTF-8 with replacement", "a\xE9", "x-klingon", "a\xEF\xBF\xBD", 1);
	CONV("NULL charset → UTF-8", "ok\xC3\xA9", NULL, "ok\xC3\xA9", 0);
	CONV("replacement encoding: one U+FFFD for the whole body", "abc", "iso-2022-kr",
	     "\xEF\xBF\xBD", 1);
	CONV("x-user-defined 0x80 → U+F780", "a\x80\xFF", "x-user-defined",
	     "a\xEF\x9E\x80\xEF\x9F\xBF", 0);
	CONV("NUL bytes pass through", "a\0b", "utf-8", "a\0b", 0);
	CONV("empty input", "", "shift_jis", "", 0);

	got = mc_charset_to_utf8(NULL, 0, "utf-8", &len, &invalid);
	CHECK(got && got[0] == '\0' && len == 0 && invalid == 0, "NULL body gives an empty string");
	free(got);
	got = mc_charset_to_utf8("x", 1, "utf-8", NULL, NULL);
	CHECK_STR(got, "x", "out_len and invalid may be NULL");
	free(got);

	/* Outputs far larger than iconv's working chunk. */
	memset(big, '\xE9', sizeof big);
	want = malloc(2 * sizeof big);
	for (size_t i = 0; i < sizeof big; i++)
		memcpy(want + 2 * i, "\xC3\xA9", 2);
	check_conv("100000 × é in windows-1252", big, sizeof big, "windows-1252", want,
		   2 * sizeof big, 0);
	for (size_t i = 0; i + 1 < sizeof big; i += 2)
		memcpy(big + i, "\x82\xA0", 2);
	want = realloc(want, 3 * (sizeof big / 2));
	for (size_t i = 0; i < sizeof big / 2; i++)
		memcpy(want + 3 * i, "\xE3\x81\x82", 3);
	check_conv("50000 × あ in shift_jis across chunk boundaries", big, sizeof big, "shift_jis",
		   want, 3 * (sizeof big / 2), 0);
	free(want);
}

#define UNCHANGED(in, charset) mc_charset_unchanged(in, sizeof(in) - 1, charset)

/* When the body can be used as it is (no conversion copy). */
static void test_unchanged(void)
{
	CHECK(UNCHANGED("<p>caf\xC3\xA9 \xF0\x9F\x98\x80</p>", "utf-8"), "unchanged: valid UTF-8");
	CHECK(UNCHANGED("plain", NULL), "unchanged: no charset means UTF-8");
	CHECK(UNCHANGED("plain", "x-klingon"), "unchanged: an unknown label means UTF-8");
	CHECK(UNCHANGED("plain", " UTF8 "), "unchanged: any label of UTF-8");
	CHECK(UNCHANGED("a\0b", "utf-8"), "unchanged: NUL bytes are kept by conversion too");
	CHECK(UNCHANGED("", "utf-8"), "unchanged: empty");
	CHECK(!UNCHANGED("plain", "windows-1252"), "changed: another charset, even for ASCII");
	CHECK(!UNCHANGED("\xEF\xBB\xBFplain", "utf-8"), "changed: a BOM is removed");
	CHECK(!UNCHANGED("\xFF\xFEp\0", NULL), "changed: a UTF-16 BOM decides");
	CHECK(!UNCHANGED("caf\xE9 and more ASCII after it", "utf-8"), "changed: an invalid byte");
	CHECK(!UNCHANGED("\xED\xA0\x80", "utf-8"), "changed: an encoded surrogate");
	CHECK(!UNCHANGED("x\xF0\x9F\x98", "utf-8"), "changed: a sequence cut off at the end");
	CHECK(!mc_charset_unchanged(NULL, 0, "utf-8"), "changed: no body");

	/* Mostly-valid text from pieces: yes exactly when conversion keeps it. */
	static const char *const pieces[] = {
		"<p class='x'>", "text ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\n",
		"\xC3", "\x80", "\xF5", "\xE0\x80\x80", "\xEF\xBB\xBF",
	};
	unsigned long seed = 99;
	int wrong = 0, yes = 0, no = 0;
	for (int round = 0; round < 2000; round++) {
		char buf[256];
		size_t n = 0, len, invalid;
		int count = round % 40;

		for (int i = 0; i < count; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			/* Invalid pieces (index 6 and up) one time in eight. */
			size_t k = (seed >> 33) % 8 ? (seed >> 40) % 6 : 6 + (seed >> 40) % 5;
			size_t plen = strlen(pieces[k]);
			memcpy(buf + n, pieces[k], plen);
			n += plen;
		}
		char *out = mc_charset_to_utf8(buf, n, "utf-8", &len, &invalid);
		bool kept = len == n && memcmp(out, buf, n) == 0;
		bool unchanged = mc_charset_unchanged(buf, n, "utf-8");
		wrong += unchanged != kept;
		yes += unchanged;
		no += !unchanged;
		free(out);
	}
	CHECK(wrong == 0 && yes > 100 && no > 100,
	      "unchanged: %d yes, %d no on generated text, all as conversion (%d wrong)", yes, no,
	      wrong);
}

/* Random bytes through every path: output must re-read as UTF-8 with no
 * replacement and be NUL-terminated; mc_charset_unchanged must be true
 * exactly when the output is the input. */
static void test_random_bytes(void)
{
	static const char *const charsets[] = {
		"utf-8", "windows-1252", "shift_jis", "euc-jp", "iso-2022-jp", "gbk", "gb18030",
		"big5", "euc-kr", "utf-16le", "utf-16be", "koi8-u", "windows-874", "x-mac-cyrillic",
		"iso-8859-8-i", "replacement", "x-user-defined", "ibm866", "no-such-thing",
	};
	unsigned long seed = 12345;
	char buf[512];
	int bad = 0, runs = 0, wrong = 0, same = 0;

	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(round * 7) % sizeof buf;
		char label[32];

		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			buf[i] = (char)(seed >> 56);
			if (round % 3 == 0 && (seed >> 40) % 5 == 0)
				buf[i] = "<meta charset=sjis>"[i % 19];
		}
		mc_charset_detect(buf, n, round % 2 ? "text/html; charset=\"" : NULL, label,
				  sizeof label);
		for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++) {
			size_t len, invalid, len2, invalid2;
			char *out = mc_charset_to_utf8(buf, n, charsets[c], &len, &invalid);
			char *again = mc_charset_to_utf8(out, len, "utf-8", &len2, &invalid2);

			/* A U+FEFF at the start would be read again as a BOM. */
			bool bom = len >= 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0;

			if (out[len] != '\0' || invalid2 != 0 ||
			    len2 != len - (bom ? 3 : 0) || memcmp(again, out + (bom ? 3 : 0), len2) != 0)
				bad++;
			/* Yes must mean the same bytes; for UTF-8 (and unknown
			 * labels, read as UTF-8), the same bytes must mean yes.
			 * Other charsets may keep ASCII by chance: no promise. */
			bool kept = len == n && memcmp(out, buf, n) == 0;
			bool utf8 = strcmp(charsets[c], "utf-8") == 0 ||
				    strcmp(charsets[c], "no-such-thing") == 0;
			bool unchanged = mc_charset_unchanged(buf, n, charsets[c]);
			if ((unchanged && !kept) || (!unchanged && kept && utf8))
				wrong++;
			same += kept && utf8;
			runs++;
			free(out);
			free(again);
		}
	}
	CHECK(bad == 0, "%d random conversions give valid UTF-8 (%d bad)", runs, bad);
	CHECK(wrong == 0 && same > 0,
	      "mc_charset_unchanged agrees with conversion (%d kept the bytes, %d wrong)", same, wrong);
}

int main(void)
{
	test_detect_bom();
	test_detect_header();
	test_detect_meta();
	test_detect_default();
	test_convert();
	test_unchanged();
	test_random_bytes();
	return tl_exit_status();
}
