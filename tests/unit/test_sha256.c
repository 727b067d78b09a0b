/*
 * SHA-256 against the FIPS 180-4 / NIST example vectors, through both the
 * SHA-extension path (when the CPU has it) and the portable C path (in a
 * child process), fed whole, byte by byte and in odd-sized pieces (every
 * block boundary case).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/sha256.h"
#include "testlib.h"

static void hash_chunks(const char *data, size_t len, size_t chunk, char hex[65])
{
	struct mc_sha256 s;

	mc_sha256_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		mc_sha256_update(&s, data + off, len - off < chunk ? len - off : chunk);
	mc_sha256_final_hex(&s, hex);
}

static void check_vectors(const char *impl)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	};
	char hex[65];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t len = strlen(v[i].msg);
		hash_chunks(v[i].msg, len, len ? len : 1, hex);
		CHECK_STR(hex, v[i].hex, "%s: FIPS vector %zu whole", impl, i);
		hash_chunks(v[i].msg, len, 1, hex);
		CHECK_STR(hex, v[i].hex, "%s: FIPS vector %zu byte by byte", impl, i);
	}

	/* One million 'a' (FIPS 180-2 appendix B.3), in pieces of 1000 and 65537. */
	size_t n = 1000000;
	char *a = malloc(n);
	memset(a, 'a', n);
	hash_chunks(a, n, 1000, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		  "%s: one million 'a' in 1000-byte pieces", impl);
	hash_chunks(a, n, 65537, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		  "%s: one million 'a' in 65537-byte pieces", impl);
	free(a);

	/* Every length 0..200 gives the same digest whole and in 7-byte pieces
	 * (padding at 55/56/63/64 bytes). */
	char msg[200];
	int same = 1;
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (char)('A' + i % 50);
	for (size_t len = 0; len <= sizeof msg; len++) {
		char h1[65], h2[65];
		hash_chunks(msg, len, len ? len : 1, h1);
		hash_chunks(msg, len, 7, h2);
		same &= strcmp(h1, h2) == 0;
	}
	CHECK(same, "%s: lengths 0..200 agree whole and in pieces", impl);
}

/* The plain C path is chosen once per process, so it runs in a child
 * started with MC_SHA256_PORTABLE=1; both paths must give the same values. */
int main(int argc, char **argv)
{
	const char *portable = getenv("MC_SHA256_PORTABLE");
	const char *impl = portable && strcmp(portable, "1") == 0 ? "portable" : "default";
	char hex[65];
	char msg[300];

	(void)argc;
	check_vectors(impl);
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (char)(i * 7 + 3);
	hash_chunks(msg, sizeof msg, 300, hex);
	/* The expected value from an independent implementation (Python hashlib). */
	CHECK_STR(hex, "04773f8726c81cafcfa1a09a82664b98b00d2021031a1715bca1154f2dad3472",
		  "%s: binary input digest", impl);
	if (strcmp(impl, "portable") == 0)
		return tl_exit_status();

	pid_t pid = fork();
	if (pid == 0) {
		setenv("MC_SHA256_PORTABLE", "1", 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int status = 0;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "the portable path passed in a child process");
	return tl_exit_status();
}
