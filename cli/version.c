/*
 * `marketcrawl --version` (version.h).  Every library version is asked of
 * the library itself at run time, not taken from its headers, so the lines
 * say what this process runs with.  Nothing here may fail for want of a
 * database, a network or a data directory.
 */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <libxml/parser.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cli/version.h"

/* Set by the Makefile from `git rev-parse HEAD`. */
#ifndef MC_BUILD_COMMIT
#define MC_BUILD_COMMIT "unknown"
#endif

int mc_version_print(FILE *out)
{
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
	/* The loaded libxml2's LIBXML_VERSION as text: "20914" is 2.9.14. */
	long xml = strtol(xmlParserVersion, NULL, 10);
	/* 150018 is 15.18; before PostgreSQL 10, 90624 was 9.6.24. */
	int pq = PQlibVersion();
	char pcre[64];

	fprintf(out, "marketcrawl %s\n", MC_VERSION);
	fprintf(out, "commit %s\n", MC_BUILD_COMMIT);
	if (curl->ssl_version)
		fprintf(out, "libcurl %s (%s)\n", curl->version, curl->ssl_version);
	else
		fprintf(out, "libcurl %s\n", curl->version);
	fprintf(out, "libxml2 %ld.%ld.%ld\n", xml / 10000, xml / 100 % 100, xml % 100);
	if (pq >= 100000)
		fprintf(out, "libpq %d.%d\n", pq / 10000, pq % 10000);
	else
		fprintf(out, "libpq %d.%d.%d\n", pq / 10000, pq / 100 % 100, pq % 100);
#if JANSSON_VERSION_HEX >= 0x020d00
	fprintf(out, "jansson %s\n", jansson_version_str());
#else
	fprintf(out, "jansson %s\n", JANSSON_VERSION); /* no run-time query before 2.13 */
#endif
	if (pcre2_config(PCRE2_CONFIG_VERSION, NULL) > (int)sizeof pcre ||
	    pcre2_config(PCRE2_CONFIG_VERSION, pcre) < 0)
		fprintf(out, "PCRE2 unknown\n");
	else
		fprintf(out, "PCRE2 %s\n", pcre);
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
