/*
 * gen_staging: writes a synthetic but valid staging file (docs/staging-
 * format.md) for the loader's tests and benchmark, with chosen listings,
 * run number, timestamps and change rate, so results are exact and
 * reproducible.  Standalone (libc only): it must not share code with the
 * loader it is used to test.
 *
 *   gen_staging [options] OUT.jsonl
 *     --listings N      listings in the run (default 1000)
 *     --first K         number of the first listing (external_id "p<K>"), default 0
 *     --run R           run number 0.. (default 0); each run is 1 hour after the previous
 *     --changes PCT     percent of listings whose price changes at each run after 0 (default 10)
 *     --at TS           time of run 0, "YYYY-MM-DDTHH:MM:SSZ" (default 2026-01-01T00:00:00Z)
 *     --marketplace M   (default "gen"); --spider S (default "gen")
 *     --status S        run status: complete (default), aborted, suspect
 *     --tsv FILE        also write the same rows in COPY text format (bench baseline)
 *
 * The price of listing i at run r is 10.00 + i % 500 plus 0.25 for every run
 * 1..r at which i changed (a deterministic hash decides), so regenerating
 * a run gives the same file, and run r+1 with --changes 0 is "unchanged".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct opts {
	long listings, first, run, changes;
	const char *at, *marketplace, *spider, *status, *tsv, *out;
};

static uint32_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static int changed_at(long id, long run, long pct)
{
	return run > 0 && (long)(mix((uint64_t)id * 1000003u + (uint64_t)run) % 100) < pct;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen_staging [--listings N] [--first K] [--run R] [--changes PCT]\n"
			"                   [--at TS] [--marketplace M] [--spider S] [--status S]\n"
			"                   [--tsv FILE] OUT.jsonl\n");
	return 2;
}

static void fmt_time(time_t t, long ms, char *out, size_t n, int rfc3339)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (rfc3339)
		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	else
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d.%03ld+00", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int main(int argc, char **argv)
{
	struct opts o = {1000, 0, 0, 10, "2026-01-01T00:00:00Z", "gen", "gen", "complete", NULL, NULL};
	struct tm tm = {0};
	static const char *const avail[] = {"in_stock", "in_stock", "in_stock", "out_of_stock",
					    "preorder", "unknown"};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		if (a[0] != '-') {
			o.out = a;
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (strcmp(a, "--listings") == 0)
			bad = parse_long(v, &o.listings);
		else if (strcmp(a, "--first") == 0)
			bad = parse_long(v, &o.first);
		else if (strcmp(a, "--run") == 0)
			bad = parse_long(v, &o.run);
		else if (strcmp(a, "--changes") == 0)
			bad = parse_long(v, &o.changes);
		else if (strcmp(a, "--at") == 0)
			o.at = v;
		else if (strcmp(a, "--marketplace") == 0)
			o.marketplace = v;
		else if (strcmp(a, "--spider") == 0)
			o.spider = v;
		else if (strcmp(a, "--status") == 0)
			o.status = v;
		else if (strcmp(a, "--tsv") == 0)
			o.tsv = v;
		else
			bad = -1;
		if (bad)
			return usage();
	}
	if (!o.out)
		return usage();
	if (!strptime(o.at, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fprintf(stderr, "gen_staging: --at wants YYYY-MM-DDTHH:MM:SSZ\n");
		return 2;
	}
	time_t t0 = timegm(&tm) + o.run * 3600;

	FILE *f = fopen(o.out, "w");
	FILE *tsv = o.tsv ? fopen(o.tsv, "w") : NULL;
	if (!f || (o.tsv && !tsv)) {
		perror("gen_staging");
		return 1;
	}
	static char fbuf[1 << 20], tbuf[1 << 20];
	setvbuf(f, fbuf, _IOFBF, sizeof fbuf);
	if (tsv)
		setvbuf(tsv, tbuf, _IOFBF, sizeof tbuf);

	char start[96], obs[96], obs_sql[96], finish[96], run_id[96];
	struct tm st;
	gmtime_r(&t0, &st);
	fmt_time(t0, 0, start, sizeof start, 1);
	snprintf(run_id, sizeof run_id, "%04d%02d%02dT%02d%02d%02dZ-%ld", st.tm_year + 1900,
		 st.tm_mon + 1, st.tm_mday, st.tm_hour, st.tm_min, st.tm_sec, 1000 + o.run);
	fprintf(f, "{\"format\":\"marketcrawl-staging\",\"version\":1,\"spider\":\"%s\","
		   "\"run_id\":\"%s\",\"started_at\":\"%s\"}\n", o.spider, run_id, start);

	for (long n = 0; n < o.listings; n++) {
		long id = o.first + n;
		long cents = 1000 + (id % 500) * 100;
		for (long r = 1; r <= o.run; r++)
			cents += changed_at(id, r, o.changes) ? 25 : 0;
		/* One observation per millisecond of the run, wrapping every 30 min. */
		long ms = n % 1800000;
		fmt_time(t0 + ms / 1000, ms % 1000, obs, sizeof obs, 1);
		const char *av = avail[mix((uint64_t)id) % 6];
		int has_list = id % 3 == 0;
		fprintf(f, "{\"marketplace\":\"%s\",\"external_id\":\"p%ld\","
			   "\"url\":\"https://%s.example/product/p%ld?ref=catalog\","
			   "\"title\":\"Generated product %ld \\u2013 Deluxe Edition\",\"price\":\"%ld.%02ld\",",
			o.marketplace, id, o.marketplace, id, id, cents / 100, cents % 100);
		if (has_list)
			fprintf(f, "\"list_price\":\"%ld.99\",", cents / 100 + 10);
		else
			fprintf(f, "\"list_price\":null,");
		fprintf(f, "\"currency\":\"EUR\",\"availability\":\"%s\",\"observed_at\":\"%s\","
			   "\"product_key\":\"gen:%ld\",\"attrs\":{\"platforms\":[\"windows\",\"linux\"],"
			   "\"rating\":%ld.%ld}}\n",
			av, obs, id, 1 + id % 5, id % 10);
		if (tsv) {
			fmt_time(t0 + ms / 1000, ms % 1000, obs_sql, sizeof obs_sql, 0);
			fprintf(tsv, "%ld\t%s\tp%ld\thttps://%s.example/product/p%ld?ref=catalog\t"
				     "Generated product %ld \xe2\x80\x93 Deluxe Edition\t%ld.%02ld\t",
				n + 2, o.marketplace, id, o.marketplace, id, id, cents / 100, cents % 100);
			if (has_list)
				fprintf(tsv, "%ld.99\t", cents / 100 + 10);
			else
				fprintf(tsv, "\\N\t");
			fprintf(tsv, "EUR\t%s\t%s\tgen:%ld\t{\"platforms\":[\"windows\",\"linux\"],\"rating\":%ld.%ld}\n",
				av, obs_sql, id, 1 + id % 5, id % 10);
		}
	}
	fmt_time(t0 + 1800, 0, finish, sizeof finish, 1);
	fprintf(f, "{\"run\":{\"spider\":\"%s\",\"run_id\":\"%s\",\"started_at\":\"%s\","
		   "\"finished_at\":\"%s\",\"status\":\"%s\",\"pages\":%ld,\"items\":%ld,\"errors\":0,"
		   "\"stats\":{\"requests\":%ld}}}\n",
		o.spider, run_id, start, finish, o.status, o.listings, o.listings, o.listings);
	if (fclose(f) != 0 || (tsv && fclose(tsv) != 0)) {
		perror("gen_staging");
		return 1;
	}
	return 0;
}
