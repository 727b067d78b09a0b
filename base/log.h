/*
 * Logging to stderr with levels, for every stage.  Each line is
 * "marketcrawl: LEVEL: message".  Thread-safe (one write per line).
 */
#ifndef MC_LOG_H
#define MC_LOG_H

enum mc_log_level { MC_LOG_ERROR, MC_LOG_WARN, MC_LOG_INFO, MC_LOG_DEBUG };

void mc_log_set_level(enum mc_log_level level);
/* Parses "error|warn|info|debug"; returns -1 when unknown. */
int mc_log_parse_level(const char *name);
enum mc_log_level mc_log_get_level(void);
void mc_log(enum mc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define mc_error(...) mc_log(MC_LOG_ERROR, __VA_ARGS__)
#define mc_warn(...) mc_log(MC_LOG_WARN, __VA_ARGS__)
#define mc_info(...) mc_log(MC_LOG_INFO, __VA_ARGS__)
#define mc_debug(...) mc_log(MC_LOG_DEBUG, __VA_ARGS__)

#endif
