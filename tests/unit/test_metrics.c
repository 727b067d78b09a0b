/*
 * The Prometheus text format of `marketcrawl metrics` (etl/metrics.c):
 * label values escape backslash, double quote and line feed; HELP text
 * escapes backslash and line feed only; HELP and TYPE come once per
 * metric; absent labels are left out, and a sample without labels has no
 * braces.
 */
#include <stdlib.h>

#include "etl/metrics.h"
#include "testlib.h"

static void check_escape(int (*fn)(struct mc_buf *, const char *), const char *in,
			 const char *want, const char *what)
{
	struct mc_buf b;

	mc_buf_init(&b, 0);
	CHECK_INT(fn(&b, in), 0, "%s: escaped", what);
	CHECK_STR(b.data ? b.data : "", want, "%s", what);
	mc_buf_release(&b);
}

int main(void)
{
	check_escape(mc_metrics_escape_label, "plain-name_1", "plain-name_1", "label: plain text unchanged");
	check_escape(mc_metrics_escape_label, "", "", "label: empty");
	check_escape(mc_metrics_escape_label, "a\\b", "a\\\\b", "label: backslash doubled");
	check_escape(mc_metrics_escape_label, "say \"hi\"", "say \\\"hi\\\"", "label: double quote escaped");
	check_escape(mc_metrics_escape_label, "two\nlines", "two\\nlines", "label: line feed as \\n");
	check_escape(mc_metrics_escape_label, "\\\"\n", "\\\\\\\"\\n", "label: all three together");
	check_escape(mc_metrics_escape_label, "caf\xc3\xa9 'x'", "caf\xc3\xa9 'x'",
		     "label: UTF-8 and single quotes unchanged");
	check_escape(mc_metrics_escape_help, "a \"q\" \\ b\nc", "a \"q\" \\\\ b\\nc",
		     "help: backslash and line feed escaped, quotes kept");

	const struct mc_metric_sample s[] = {
		{"spider_last_run_status", "gauge", "Status.", "sh\"op", "eu", "complete", "1", NULL},
		{"spider_last_run_status", "gauge", "Status.", "sh\"op", "eu", "partial", "0", NULL},
		{"spider_last_run_pages", "gauge", "Pages\nfetched.", "shop", NULL, NULL, "12", NULL},
		{"loader_files_loaded_total", "counter", "Files.", NULL, NULL, NULL, "2", NULL},
		{"alerts_pending", "gauge", "Pending.", NULL, NULL, NULL, "3", "in_stock"},
	};
	struct mc_buf b;

	mc_buf_init(&b, 0);
	CHECK_INT(mc_metrics_format(&b, s, sizeof s / sizeof s[0]), 0, "format: succeeds");
	CHECK_STR(b.data,
		  "# HELP marketcrawl_spider_last_run_status Status.\n"
		  "# TYPE marketcrawl_spider_last_run_status gauge\n"
		  "marketcrawl_spider_last_run_status{spider=\"sh\\\"op\",region=\"eu\",status=\"complete\"} 1\n"
		  "marketcrawl_spider_last_run_status{spider=\"sh\\\"op\",region=\"eu\",status=\"partial\"} 0\n"
		  "# HELP marketcrawl_spider_last_run_pages Pages\\nfetched.\n"
		  "# TYPE marketcrawl_spider_last_run_pages gauge\n"
		  "marketcrawl_spider_last_run_pages{spider=\"shop\"} 12\n"
		  "# HELP marketcrawl_loader_files_loaded_total Files.\n"
		  "# TYPE marketcrawl_loader_files_loaded_total counter\n"
		  "marketcrawl_loader_files_loaded_total 2\n"
		  "# HELP marketcrawl_alerts_pending Pending.\n"
		  "# TYPE marketcrawl_alerts_pending gauge\n"
		  "marketcrawl_alerts_pending{kind=\"in_stock\"} 3\n",
		  "format: HELP/TYPE once per metric, labels escaped, absent labels left out");
	mc_buf_release(&b);

	mc_buf_init(&b, 40);
	CHECK_INT(mc_metrics_format(&b, s, 1), -1, "format: a full buffer fails");
	mc_buf_release(&b);
	return tl_exit_status();
}
