/*
 * Leveled logging to stderr ("marketcrawl: LEVEL: message"), one write(2)
 * per line so lines from worker threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "marketcrawl/log.h"

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

void mc_log(enum mc_log_level level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (level > current)
		return;
	n = snprintf(line, sizeof line, "marketcrawl: %s: ", names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(2, line, (size_t)n) < 0)
		return;
}
