/*
 * Private and special IP addresses (address.h), by prefix over the bytes
 * inet_pton gives, one table per family.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "crawler/address.h"

struct prefix {
	uint8_t bytes[16];
	int bits;
};

/* IPv4 ranges a crawl must not reach unless allowed (RFC 6890 and its
 * successors: the special-purpose registry, less the global ones). */
static const struct prefix v4[] = {
	{{0}, 8},                 /* "this network", 0.0.0.0 */
	{{10}, 8},                /* private */
	{{100, 64}, 10},          /* shared address space (carrier NAT) */
	{{127}, 8},               /* loopback */
	{{169, 254}, 16},         /* link-local, cloud metadata */
	{{172, 16}, 12},          /* private */
	{{192, 0, 0}, 24},        /* IETF protocol assignments */
	{{192, 0, 2}, 24},        /* documentation */
	{{192, 88, 99}, 24},      /* 6to4 relay anycast (deprecated) */
	{{192, 168}, 16},         /* private */
	{{198, 18}, 15},          /* benchmarking */
	{{198, 51, 100}, 24},     /* documentation */
	{{203, 0, 113}, 24},      /* documentation */
	{{224}, 4},               /* multicast */
	{{240}, 4},               /* reserved, and the broadcast address */
};

static const struct prefix v6[] = {
	{{0}, 127},                               /* :: and ::1 (the last bit: either) */
	{{0x01, 0x00}, 64},                       /* discard-only */
	{{0x20, 0x01, 0x0d, 0xb8}, 32},           /* documentation */
	{{0xfc}, 7},                              /* unique local (private) */
	{{0xfe, 0x80}, 10},                       /* link-local */
	{{0xfe, 0xc0}, 10},                       /* site-local (deprecated) */
	{{0xff}, 8},                              /* multicast */
};

static bool in_prefix(const uint8_t *a, const struct prefix *p)
{
	int full = p->bits / 8, rest = p->bits % 8;

	if (memcmp(a, p->bytes, (size_t)full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ p->bytes[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool v4_private(const uint8_t *a)
{
	for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++)
		if (in_prefix(a, &v4[i]))
			return true;
	return false;
}

bool mc_address_is_private(const char *ip)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};
	uint8_t a[16];

	if (!ip)
		return false;
	if (inet_pton(AF_INET, ip, a) == 1)
		return v4_private(a);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return false;
	/* IPv4 carried in IPv6 reaches that IPv4 address. */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_private(a + 12);
	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++)
		if (in_prefix(a, &v6[i]))
			return true;
	return false;
}

bool mc_host_is_private_literal(const char *host)
{
	char ip[64];
	size_t n;

	if (!host)
		return false;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof ip)
			return false;
		memcpy(ip, host + 1, n - 2);
		ip[n - 2] = '\0';
		return mc_address_is_private(ip);
	}
	return mc_address_is_private(host);
}
