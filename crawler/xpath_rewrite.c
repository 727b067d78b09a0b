/*
 * The text rewrite of xpath_rewrite.h: one pass over the expression that
 * skips string literals, finds each `//` that starts an absolute path,
 * and replaces `//NAME` by `$mc.idx.NAME` when the predicates after it
 * cannot depend on a position.  Conservative by construction: whatever the
 * scanner does not recognise keeps its `//`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "crawler/xpath_rewrite.h"

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The end of the literal opening at `s[i]` (its closing quote), or 0 when
 * it is not closed. */
static size_t literal_end(const char *s, size_t i)
{
	const char *close = strchr(s + i + 1, s[i]);

	return close ? (size_t)(close - s) : 0;
}

/* The `]` closing the predicate that opens at `s[i]`, or 0 when none does
 * (brackets and parentheses nest; literals are skipped). */
static size_t predicate_end(const char *s, size_t i)
{
	int depth = 0;

	for (size_t j = i; s[j]; j++) {
		if (s[j] == '\'' || s[j] == '"') {
			j = literal_end(s, j);
			if (!j)
				return 0;
		} else if (s[j] == '[' || s[j] == '(') {
			depth++;
		} else if (s[j] == ']' || s[j] == ')') {
			if (--depth == 0)
				return s[j] == ']' ? j : 0;
			if (depth < 0)
				return 0;
		}
	}
	return 0;
}

/* Whether the name `s[0..n)` is one of the NULL-ended `names`. */
static bool one_of(const char *s, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncmp(s, *names, n) == 0)
			return true;
	return false;
}

static const char *const positional[] = {"position", "last", NULL};
static const char *const tests[] = {"contains", "starts-with", "not", "boolean",
				    "true", "false", "lang", NULL};

/*
 * Whether the predicate `s[b..e)` is plainly a test, never a number: a
 * comparison at its top level (`=`, `!=`, `<`, `>`, which bind looser than
 * anything but `and` and `or`, whose values are booleans too), `@NAME` or
 * `@*` alone, or one call of a boolean function spanning all of it.  A name
 * position or last anywhere in it refuses it.
 */
static bool plain_test(const char *s, size_t b, size_t e)
{
	int depth = 0;
	bool compares = false;

	for (size_t j = b; j < e; j++) {
		char c = s[j];
		if (c == '\'' || c == '"') {
			j = literal_end(s, j);
		} else if (c == '(' || c == '[') {
			depth++;
		} else if (c == ')' || c == ']') {
			depth--;
		} else if (c == '=' || c == '<' || c == '>') {
			compares = compares || depth == 0;
		} else if (name_start(c)) {
			size_t k = j;
			while (k < e && name_char(s[k]))
				k++;
			if (one_of(s + j, k - j, positional))
				return false;
			j = k - 1;
		} else if (c >= '0' && c <= '9') {
			while (j + 1 < e && (name_char(s[j + 1])))
				j++;
		}
	}
	if (compares)
		return true;
	while (b < e && space(s[b]))
		b++;
	while (e > b && space(s[e - 1]))
		e--;
	if (b < e && s[b] == '@') {
		size_t k = b + 1;
		if (k < e && s[k] == '*')
			return k + 1 == e;
		if (k >= e || !name_start(s[k]))
			return false;
		while (k < e && name_char(s[k]))
			k++;
		return k == e;
	}
	if (b < e && name_start(s[b])) {
		size_t k = b, open;
		while (k < e && name_char(s[k]))
			k++;
		if (!one_of(s + b, k - b, tests))
			return false;
		while (k < e && space(s[k]))
			k++;
		if (k >= e || s[k] != '(')
			return false;
		open = k;
		depth = 0;
		for (k = open; k < e; k++) {
			if (s[k] == '\'' || s[k] == '"')
				k = literal_end(s, k);
			else if (s[k] == '(' || s[k] == '[')
				depth++;
			else if ((s[k] == ')' || s[k] == ']') && --depth == 0)
				break;
		}
		return k == e - 1;
	}
	return false;
}

/* Where a step's parts are: its name, and when its first predicate is
 * `@ATTR = 'VALUE'`, the attribute's name, the literal's content and the
 * end of that predicate. */
struct step {
	size_t nb, ne;     /* the name (`*` for any element) */
	bool eq;           /* the first predicate is an attribute equality */
	size_t ab, ae;     /* its attribute's name */
	size_t vb, ve;     /* its literal's content */
	size_t pe;         /* the index after its `]` */
};

static size_t skip_space(const char *s, size_t k)
{
	while (space(s[k]))
		k++;
	return k;
}

/* Whether the predicate opening at `s[k]` (closing at `end`) is exactly
 * `@NAME = 'literal'`; fills the bounds in `st`. */
static bool attr_equality(const char *s, size_t k, size_t end, struct step *st)
{
	size_t j = skip_space(s, k + 1);

	if (s[j] != '@' || !name_start(s[j + 1]))
		return false;
	st->ab = ++j;
	while (name_char(s[j]))
		j++;
	st->ae = j;
	j = skip_space(s, j);
	if (s[j] != '=')
		return false;
	j = skip_space(s, j + 1);
	if (s[j] != '\'' && s[j] != '"')
		return false;
	st->vb = j + 1;
	st->ve = literal_end(s, j);
	if (!st->ve || skip_space(s, st->ve + 1) != end)
		return false;
	st->pe = end + 1;
	return true;
}

/* The step after the `//` at `s[i]`: whether it can be rewritten, and its
 * parts in `st`. */
static bool indexable_step(const char *s, size_t i, struct step *st)
{
	size_t j = skip_space(s, i + 2), k;

	if (s[j] == '*') {
		k = j + 1;
	} else if (name_start(s[j])) {
		k = j;
		while (name_char(s[k]))
			k++;
	} else {
		return false;
	}
	st->nb = j;
	st->ne = k;
	st->eq = false;
	k = skip_space(s, k);
	/* NAME( is a node test or a function, NAME: a prefix or an axis. */
	if (s[k] == '(' || s[k] == ':')
		return false;
	for (bool first = true; s[k] == '['; first = false) {
		size_t end = predicate_end(s, k);
		if (!end || !plain_test(s, k + 1, end))
			return false;
		if (first)
			st->eq = attr_equality(s, k, end, st);
		k = skip_space(s, end + 1);
	}
	return true;
}

static void add_hex(struct mc_buf *out, const char *s, size_t b, size_t e)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = b; i < e; i++) {
		mc_buf_addc(out, digits[(unsigned char)s[i] >> 4]);
		mc_buf_addc(out, digits[(unsigned char)s[i] & 15]);
	}
}

/* The variable standing for the step: the elements of its name, or those
 * of them its first predicate keeps; `*resume` is where the copy of the
 * expression resumes. */
static void add_variable(struct mc_buf *out, const char *s, const struct step *st, size_t *resume)
{
	mc_buf_addc(out, '$');
	if (st->eq) {
		mc_buf_adds(out, MC_XPATH_EQ_VAR);
		add_hex(out, s, st->nb, st->ne);
		mc_buf_addc(out, '.');
		add_hex(out, s, st->ab, st->ae);
		mc_buf_addc(out, '.');
		add_hex(out, s, st->vb, st->ve);
		*resume = st->pe;
	} else if (s[st->nb] == '*') {
		mc_buf_adds(out, MC_XPATH_ALL_VAR);
		*resume = st->ne;
	} else {
		mc_buf_adds(out, MC_XPATH_INDEX_VAR);
		mc_buf_add(out, s + st->nb, st->ne - st->nb);
		*resume = st->ne;
	}
}

/* Whether an expression holds a `$` outside its literals. */
static bool has_variable(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\'' || s[i] == '"') {
			i = literal_end(s, i);
			if (!i)
				return false;
		} else if (s[i] == '$') {
			return true;
		}
	}
	return false;
}

char *mc_xpath_rewrite(const char *expr)
{
	struct mc_buf out;
	bool changed = false;
	/* The last character outside spaces: a `//` after nothing, `(`, `[`,
	 * `,` or `|` starts an absolute path. */
	char prev = '(';

	if (has_variable(expr))
		return NULL;
	mc_buf_init(&out, 0);
	for (size_t i = 0; expr[i];) {
		struct step st = {0};
		if (expr[i] == '\'' || expr[i] == '"') {
			size_t end = literal_end(expr, i);
			if (!end) {
				/* Not closed: libxml2 rejects it as written. */
				changed = false;
				break;
			}
			mc_buf_add(&out, expr + i, end + 1 - i);
			prev = expr[i];
			i = end + 1;
		} else if (expr[i] == '/' && expr[i + 1] == '/' && strchr("([,|", prev) &&
			   indexable_step(expr, i, &st)) {
			add_variable(&out, expr, &st, &i);
			changed = true;
			prev = 'x';
		} else {
			mc_buf_addc(&out, expr[i]);
			if (!space(expr[i]))
				prev = expr[i];
			i++;
		}
	}
	if (!changed) {
		mc_buf_release(&out);
		return NULL;
	}
	return mc_buf_detach(&out, NULL);
}
