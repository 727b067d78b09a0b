/*
 * The loader's line reader (etl/line_reader.c) and its hashing thread
 * (etl/step_hasher.c): every line comes back as written, and the content
 * hash equals SHA-256 of the file however the file was passed (read line
 * by line, partly read and skipped, read twice after a rewind), over a file
 * larger than the hashing and page-release steps, with a too-long line and
 * an unterminated last line.  Also an empty file, and the step hasher on
 * its own with marks moved in odd steps.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/line_reader.h"
#include "etl/step_hasher.h"
#include "base/sha256.h"
#include "testlib.h"

#define LINES 120000

/* Line i of the test file: lengths vary from 1 to a few hundred bytes;
 * line 70000 is longer than MC_STAGING_MAX_LINE. */
static size_t line_len(long i)
{
	return i == 70000 ? MC_STAGING_MAX_LINE + 100 : 1 + (size_t)(i * 7919 % 311);
}

static char line_byte(long i, size_t k)
{
	return (char)('a' + (i + (long)k) % 26);
}

/* Write the file; returns its content in *content (caller frees). */
static size_t write_file(int fd, char **content)
{
	size_t total = 0;

	for (long i = 0; i < LINES; i++)
		total += line_len(i) + (i < LINES - 1);
	char *c = malloc(total), *p = c;
	for (long i = 0; i < LINES; i++) {
		for (size_t k = 0; k < line_len(i); k++)
			*p++ = line_byte(i, k);
		if (i < LINES - 1)
			*p++ = '\n';
	}
	CHECK_INT(write(fd, c, total), (long long)total, "test file written (%zu bytes)", total);
	*content = c;
	return total;
}

static void sha_hex(const char *data, size_t len, char hex[65])
{
	struct mc_sha256 s;

	mc_sha256_init(&s);
	mc_sha256_update(&s, data, len);
	mc_sha256_final_hex(&s, hex);
}

/* Read every line; returns how many came back exactly as written. */
static long read_all(struct mc_line_reader *r)
{
	const char *line;
	size_t n;
	bool too_long;
	long i = 0, good = 0;

	while (mc_line_reader_next(r, &line, &n, &too_long) == 1) {
		bool ok = too_long == (i == 70000);
		size_t want = too_long ? 2 * MC_STAGING_RAW_KEEP : line_len(i);
		ok = ok && n == want;
		for (size_t k = 0; ok && k < n; k++)
			ok = line[k] == line_byte(i, k);
		good += ok;
		i++;
	}
	CHECK_INT(i, LINES, "every line handed out");
	return good;
}

static void test_reader(void)
{
	char path[] = "/tmp/mc-line-reader-XXXXXX";
	int fd = mkstemp(path);
	char *content, want[65], got[65];
	size_t size = write_file(fd, &content);
	struct mc_line_reader r;
	const char *line;
	size_t n;
	bool too_long;

	sha_hex(content, size, want);
	CHECK_INT(mc_line_reader_open(&r, fd, size), 0, "file mapped");
	CHECK_INT(read_all(&r), LINES, "every line as written, the long one cut to its start");
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, want, "hash of a file read line by line");

	mc_line_reader_rewind(&r);
	CHECK_INT(read_all(&r), LINES, "the same lines after a rewind");
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, want, "the same hash after a rewind");

	mc_line_reader_rewind(&r);
	for (int i = 0; i < 5000; i++)
		mc_line_reader_next(&r, &line, &n, &too_long);
	mc_line_reader_skip_rest(&r);
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, want, "hash of a file partly read, the rest skipped");

	mc_line_reader_rewind(&r);
	mc_line_reader_skip_rest(&r);
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, want, "hash of a file skipped whole");

	/* Held: nothing from the hold on is given back, the rest still is. */
	mc_line_reader_rewind(&r);
	mc_line_reader_hold(&r, 0);
	CHECK_INT(read_all(&r), LINES, "every line read under a hold");
	CHECK_INT(r.released, 0, "no page given back under a hold at 0");
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, want, "the same hash under a hold");
	mc_line_reader_rewind(&r);
	mc_line_reader_hold(&r, size / 2);
	read_all(&r);
	CHECK(r.released > 0 && r.released <= size / 2,
	      "pages before the hold given back, none after it (%zu of %zu)", r.released, size);
	mc_line_reader_hold(&r, SIZE_MAX);
	mc_line_reader_sha256(&r, got);
	CHECK_INT(mc_line_reader_next(&r, &line, &n, &too_long), 0, "nothing left after skipping");
	mc_line_reader_close(&r);

	close(fd);
	unlink(path);
	free(content);
}

static void test_empty(void)
{
	char path[] = "/tmp/mc-line-reader-XXXXXX";
	int fd = mkstemp(path);
	struct mc_line_reader r;
	const char *line;
	size_t n;
	bool too_long;
	char got[65];

	CHECK_INT(mc_line_reader_open(&r, fd, 0), 0, "empty file opened");
	CHECK_INT(mc_line_reader_next(&r, &line, &n, &too_long), 0, "empty file: no line");
	mc_line_reader_sha256(&r, got);
	CHECK_STR(got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		  "empty file: the hash of nothing");
	mc_line_reader_close(&r);
	close(fd);
	unlink(path);
}

static void test_step_hasher(void)
{
	size_t size = 3 * 1000 * 1000 + 17;
	char *data = malloc(size), want[65], got[65];

	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 131 % 251);
	sha_hex(data, size, want);

	struct mc_step_hasher *h = mc_step_hasher_start(data);
	for (size_t mark = 0; mark < size; mark += 4099)
		mc_step_hasher_advance(h, mark);
	mc_step_hasher_advance(h, size);
	mc_step_hasher_final_hex(h, got);
	CHECK_STR(got, want, "step hasher: marks in odd steps");

	mc_step_hasher_advance_wait(h, size / 2);
	CHECK_INT(mc_step_hasher_hashed(h), size / 2, "step hasher: waited up to the mark");
	mc_step_hasher_restart(h);
	CHECK_INT(mc_step_hasher_hashed(h), 0, "step hasher: a restart starts at 0");
	mc_step_hasher_advance(h, size);
	mc_step_hasher_final_hex(h, got);
	CHECK_STR(got, want, "step hasher: the same hash after a restart");
	mc_step_hasher_stop(h);
	free(data);
}

int main(void)
{
	test_reader();
	test_empty();
	test_step_hasher();
	return tl_exit_status();
}
