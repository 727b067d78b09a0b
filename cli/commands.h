/*
 * The subcommands of `marketcrawl`.  Each takes the arguments after its
 * name (argv[0] is the subcommand name), prints its own --help, and returns
 * an exit status from exitcode.h.  cli/main.c only dispatches.
 */
#ifndef MC_COMMANDS_H
#define MC_COMMANDS_H

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

/*
 * The data directory: `opt` (from --data-dir) if given, else
 * $MARKETCRAWL_HOME, else "var".  Returns a static-lifetime string.
 */
const char *mc_data_dir(const char *opt);

#endif
