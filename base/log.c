/*
 * Leveled logging to stderr ("marketcrawl: LEVEL: message"), one write(2)
 * per line so lines from worker threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

static enum mc_log_level current = MC_LOG_INFO;
static const char *const names[] = {"error", "warn", "info", "debug"};

void mc_log_set_level(enum mc_log_level level)
{
	current = level;
}

enum mc_log_level mc_log_get_level(void)
{
	return current;
}

int mc_log_parse_level(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* Copy `msg` into `out` with control characters escaped (\n, \r, \t,
 * \xHH), so text scraped from a page can never forge or hide a log line. */
static size_t escape(const char *msg, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)msg; *p && w + 5 < outsz; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			out[w++] = (char)*p;
			continue;
		}
		out[w++] = '\\';
		if (*p == '\n') {
			out[w++] = 'n';
		} else if (*p == '\r') {
			out[w++] = 'r';
		} else if (*p == '\t') {
			out[w++] = 't';
		} else {
			out[w++] = 'x';
			out[w++] = hex[*p >> 4];
			out[w++] = hex[*p & 15];
		}
	}
	out[w] = '\0';
	return w;
}

void mc_log(enum mc_log_level level, const char *fmt, ...)
{
	char msg[2048], line[4096];
	va_list ap;
	int n;

	if (level > current)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof line, "marketcrawl: %s: ", names[level]);
	n += (int)escape(msg, line + n, sizeof line - (size_t)n - 1);
	line[n++] = '\n';
	if (write(2, line, (size_t)n) < 0)
		return;
}
