/*
 * `mkdir -p` (base/dirs.h).
 */
#include "base/dirs.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

static int make_one(const char *dir)
{
	return mkdir(dir, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int mc_make_dirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (make_one(tmp) != 0)
			return -1;
		*p = '/';
	}
	return make_one(tmp);
}
