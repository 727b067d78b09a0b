/*
 * The subcommands of `marketcrawl`.  Each takes the arguments after its
 * name (argv[0] is the subcommand name), prints its own --help, and returns
 * an exit status from exitcode.h.  cli/main.c only dispatches.
 */
#ifndef MC_COMMANDS_H
#define MC_COMMANDS_H

#include <stdbool.h>

int mc_cmd_spiders(int argc, char **argv);      /* cli/cmd_spiders.c */
int mc_cmd_crawl(int argc, char **argv);        /* cli/cmd_crawl.c */
int mc_cmd_fetch(int argc, char **argv);        /* cli/cmd_fetch.c */
int mc_cmd_parse(int argc, char **argv);        /* cli/cmd_parse.c */
int mc_cmd_check_spider(int argc, char **argv); /* cli/cmd_check_spider.c */
int mc_cmd_new_spider(int argc, char **argv);   /* cli/cmd_new_spider.c */
int mc_cmd_db(int argc, char **argv);           /* cli/cmd_db.c */
int mc_cmd_load(int argc, char **argv);         /* cli/cmd_load.c */
int mc_cmd_etl(int argc, char **argv);          /* cli/cmd_etl.c */
int mc_cmd_report(int argc, char **argv);       /* cli/cmd_report.c */
int mc_cmd_run(int argc, char **argv);          /* cli/cmd_run.c */
int mc_cmd_metrics(int argc, char **argv);      /* cli/cmd_metrics.c */
int mc_cmd_fx(int argc, char **argv);           /* cli/cmd_fx.c */
int mc_cmd_watch(int argc, char **argv);        /* cli/cmd_watch.c */
int mc_cmd_alerts(int argc, char **argv);       /* cli/cmd_alerts.c */

/* The options every command spells the same, for its getopt_long table:
 * --db CONNINFO ('d'), --data-dir DIR ('D'), --help ('h'), the end. */
#define MC_OPT_DB {"db", required_argument, NULL, 'd'}
#define MC_OPT_DATA_DIR {"data-dir", required_argument, NULL, 'D'}
#define MC_OPT_HELP {"help", no_argument, NULL, 'h'}
#define MC_OPT_END {NULL, 0, NULL, 0}

/* After a usage error the command has already printed: one line pointing
 * at `marketcrawl CMD --help`.  Returns MC_EXIT_USAGE. */
int mc_usage_hint(const char *cmd);

/* The commands run calls by value, without building an argv: each is what
 * its mc_cmd_NAME does once the options are parsed. */
struct mc_load_args {
	const char *conninfo;      /* --db; NULL: the PG* environment */
	const char *data_dir;      /* --data-dir; NULL: mc_data_dir's default */
	const char *archive_dir;   /* --archive-dir; NULL: DATA_DIR/archive */
	bool keep;                 /* --keep */
	int threads;               /* --threads; 0: the loader's default */
	const char *const *paths;  /* files and directories; none: DATA_DIR/staging */
	int npaths;
};
int mc_load_command(const struct mc_load_args *a);

struct mc_etl_args {
	const char *conninfo;
	bool wait, check, quiet;
};
int mc_etl_command(const struct mc_etl_args *a);

/*
 * The data directory: `opt` (from --data-dir) if given, else
 * $MARKETCRAWL_HOME, else "var".  Returns a static-lifetime string.
 */
const char *mc_data_dir(const char *opt);

#endif
