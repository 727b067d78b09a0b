/*
 * The archive step of the loader (etl/load_archive.h): a hard link when
 * the archive is on the same filesystem, else a copy that is fsync'ed
 * before the staging file is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/dirs.h"

#include "etl/load_archive.h"

/* Copy src to dst (a new file) and fsync it: rename's fallback across filesystems. */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	char *buf = NULL;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		goto done;
	buf = mc_malloc(1 << 20);
	for (;;) {
		ssize_t got = read(in, buf, 1 << 20);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto done;
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t w = write(out, buf + off, (size_t)(got - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto done;
			off += w;
		}
	}
	rc = fsync(out);
done:
	free(buf);
	if (out >= 0 && close(out) != 0)
		rc = -1;
	if (rc != 0 && out >= 0)
		unlink(dst);
	close(in);
	return rc;
}

int mc_load_archive(const char *archive_dir, const char *spider, const char *path,
		    long long file_id, char *msg, size_t msg_size)
{
	char dir[PATH_MAX], dst[PATH_MAX], base[PATH_MAX];
	int n;

	n = snprintf(dir, sizeof dir, "%s/%s", archive_dir, spider);
	if (n < 0 || (size_t)n >= sizeof dir || mc_make_dirs(dir) != 0)
		goto fail;
	snprintf(base, sizeof base, "%s", path);
	const char *name = basename(base);
	n = snprintf(dst, sizeof dst, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof dst)
		goto fail;
	if (link(path, dst) != 0 && errno == EEXIST) {
		size_t stem = strlen(name);
		if (stem > 6 && strcmp(name + stem - 6, ".jsonl") == 0)
			stem -= 6;
		n = snprintf(dst, sizeof dst, "%s/%.*s.%lld.jsonl", dir, (int)stem, name, file_id);
		if (n < 0 || (size_t)n >= sizeof dst || (link(path, dst) != 0 && errno == EEXIST))
			goto fail;
	}
	if (access(dst, F_OK) != 0 && copy_file(path, dst) != 0)
		goto fail;
	if (unlink(path) != 0)
		goto fail;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	snprintf(msg, msg_size, "archived to %s", dst);
	return 0;
fail:
	snprintf(msg, msg_size, "loaded, but could not archive it to %s: %s", dir, strerror(errno));
	return -1;
}
