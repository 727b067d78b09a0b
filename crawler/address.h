/*
 * Which IP addresses a crawl must not reach unless allowed explicitly
 * (docs/crawling.md, "Private addresses"): private (RFC 1918, fc00::/7),
 * loopback, link-local (169.254/16, fe80::/10, where cloud metadata
 * services answer), unspecified, shared (100.64/10), benchmarking,
 * documentation, multicast and reserved ranges, and IPv4 inside IPv6
 * (mapped, NAT64) judged by its IPv4 part.  Pure functions.
 */
#ifndef MC_ADDRESS_H
#define MC_ADDRESS_H

#include <stdbool.h>

/* Whether `ip` (text: dotted IPv4 or IPv6, without brackets) is such an
 * address.  A text that is not an address is not. */
bool mc_address_is_private(const char *ip);
/* Whether a URL host (as mc_url_host gives it: an IPv6 literal keeps its
 * brackets) is a literal address of that kind.  Names are judged when
 * they are resolved, not here. */
bool mc_host_is_private_literal(const char *host);

#endif
