// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl compact's state file: what the gate owner did, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) so that a kill
 * at any moment leaves the old or the new state, never half of one.
 *
 * The processes turned away by the gate do not touch it: each appends one
 * byte to "<state>.busy" (O_APPEND, no lock), so they never wait for the
 * owner's fsync and the owner never waits for them; the file's size is the
 * count. A kill can lose no count that was reported: the byte is written
 * before the loser says it stepped aside.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define STATE_MAGIC "# zsctl compact state"
#define STATE_VERSION 1

static bool result_valid(const char *s)
{
	static const char *const results[] = { "compacted", "nothing", "failed", "gated",
					       "skipped" };

	for (size_t i = 0; i < ZS_ARRAY_SIZE(results); i++)
		if (!strcmp(s, results[i]))
			return true;
	return false;
}

static int parse_u64_word(const char *s, uint64_t *ret)
{
	return zs_parse_u64(s, ret);
}

struct zs_state_device *zs_state_device(struct zs_state *st, const char *name, bool create)
{
	for (size_t i = 0; i < st->ndevices; i++)
		if (!strcmp(st->devices[i].name, name))
			return &st->devices[i];
	if (!create || st->ndevices == ZS_STATE_MAX_DEVICES)
		return NULL;
	memset(&st->devices[st->ndevices], 0, sizeof(st->devices[0]));
	snprintf(st->devices[st->ndevices].name, sizeof(st->devices[0].name), "%s", name);
	return &st->devices[st->ndevices++];
}

int zs_state_parse(const char *text, struct zs_state *ret)
{
	struct zs_state *st;
	char *copy, *line, *save = NULL;
	bool magic = false, version = false, end = false;
	int r = 0;

	st = calloc(1, sizeof(*st));
	copy = strdup(text);
	if (!st || !copy) {
		free(st);
		free(copy);
		return -ENOMEM;
	}
	/* the file is written whole or not at all: it must end in a newline */
	if (!*text || text[strlen(text) - 1] != '\n')
		r = -EBADMSG;
	for (line = strtok_r(copy, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save)) {
		char key[32], a[64], b[64], c[64], d[64], extra;
		int n;

		if (!magic) {
			if (strcmp(line, STATE_MAGIC))
				r = -EBADMSG;
			magic = true;
			continue;
		}
		if (end) {
			r = -EBADMSG; /* nothing after the end marker */
			continue;
		}
		if (!strcmp(line, "end")) {
			end = true;
			continue;
		}
		n = sscanf(line, "%31s %63s %63s %63s %63s %c", key, a, b, c, d, &extra);
		if (n == 2 && !strcmp(key, "version")) {
			uint64_t v;

			if (parse_u64_word(a, &v) < 0 || v != STATE_VERSION)
				r = -EBADMSG;
			version = true;
		} else if (n == 2 && !strcmp(key, "runs")) {
			r = parse_u64_word(a, &st->runs);
		} else if (n == 2 && !strcmp(key, "freed_total")) {
			r = parse_u64_word(a, &st->freed_total);
		} else if (n == 2 && !strcmp(key, "last_time")) {
			r = parse_u64_word(a, &st->last_time);
		} else if (n == 2 && !strcmp(key, "last_pid")) {
			r = parse_u64_word(a, &st->last_pid);
		} else if (n == 2 && !strcmp(key, "last_result")) {
			if (!result_valid(a) || strlen(a) >= sizeof(st->last_result))
				r = -EBADMSG;
			else
				strcpy(st->last_result, a);
		} else if (n == 5 && !strcmp(key, "device")) {
			struct zs_state_device *dev;

			if (!zs_devname_valid(a) || zs_state_device(st, a, false) ||
			    !result_valid(c)) {
				r = -EBADMSG;
				continue;
			}
			dev = zs_state_device(st, a, true);
			if (!dev) {
				r = -EBADMSG;
				continue;
			}
			strcpy(dev->last_result, c);
			r = parse_u64_word(b, &dev->last_time);
			if (!r)
				r = parse_u64_word(d, &dev->last_freed);
		} else {
			r = -EBADMSG;
		}
		if (r == -EINVAL || r == -ERANGE)
			r = -EBADMSG;
	}
	free(copy);
	/* the end marker tells a whole file from one cut at a line boundary */
	if (!r && (!magic || !version || !end))
		r = -EBADMSG;
	if (r < 0) {
		free(st);
		return r;
	}
	*ret = *st;
	free(st);
	return 0;
}

int zs_state_load(const char *path, struct zs_state *ret)
{
	char *text = NULL;
	int fd, r;

	fd = zs_open_private(path, O_RDONLY, 0);
	if (fd == -ENOENT) {
		memset(ret, 0, sizeof(*ret));
		return 0; /* the first run */
	}
	if (fd < 0)
		return fd;
	r = zs_read_fd_all(fd, 1024 * 1024, &text, NULL);
	close(fd);
	if (r == -EINVAL || r == -EFBIG)
		r = -EBADMSG; /* a NUL in it, or far larger than zsctl writes */
	if (r < 0)
		return r;
	r = zs_state_parse(text, ret);
	free(text);
	return r;
}

int zs_state_format(const struct zs_state *st, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\nversion %d\n", STATE_MAGIC, STATE_VERSION);
	fprintf(f, "runs %" PRIu64 "\nfreed_total %" PRIu64 "\n", st->runs, st->freed_total);
	if (st->last_result[0])
		fprintf(f, "last_time %" PRIu64 "\nlast_pid %" PRIu64 "\nlast_result %s\n",
			st->last_time, st->last_pid, st->last_result);
	for (size_t i = 0; i < st->ndevices; i++) {
		const struct zs_state_device *d = &st->devices[i];

		fprintf(f, "device %s %" PRIu64 " %s %" PRIu64 "\n", d->name, d->last_time,
			d->last_result, d->last_freed);
	}
	fputs("end\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

/* The state directory (/var/lib/zsctl) is ours to create, its parent is not. */
static int ensure_dir_of(const char *path)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	if (mkdir(dirname(copy), 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	int fd, r = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int zs_state_save(const char *path, const struct zs_state *st)
{
	char tmp[PATH_MAX], *text = NULL;
	size_t len;
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	r = zs_state_format(st, &text);
	if (r < 0)
		return r;
	len = strlen(text);
	r = ensure_dir_of(path);
	if (r < 0) {
		free(text);
		return r;
	}
	/*
	 * Only the gate's owner saves, so a file of this name is a killed
	 * owner's leftover (pids come back): remove it, then create anew.
	 */
	if (unlink(tmp) < 0 && errno != ENOENT) {
		free(text);
		return -errno;
	}
	fd = zs_open_private(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0644);
	if (fd < 0) {
		free(text);
		return fd;
	}
	r = 0;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	free(text);
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return fsync_dir_of(path);
}

static void busy_path(const char *state_path, char *out, size_t size)
{
	snprintf(out, size, "%s.busy", state_path);
}

int zs_state_count_busy(const char *state_path)
{
	char path[PATH_MAX];
	int fd, r = 0;

	busy_path(state_path, path, sizeof(path));
	fd = zs_open_private(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd == -ENOENT) {
		r = ensure_dir_of(path);
		if (r < 0)
			return r;
		fd = zs_open_private(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	}
	if (fd < 0)
		return fd;
	if (write(fd, "x", 1) != 1)
		r = -errno;
	close(fd);
	return r;
}

int zs_state_busy_count(const char *state_path, uint64_t *ret)
{
	char path[PATH_MAX];
	struct stat st;

	busy_path(state_path, path, sizeof(path));
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret = 0;
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return -EBADMSG;
	*ret = (uint64_t)st.st_size;
	return 0;
}

int zs_state_set_aside(const char *path, char *aside, size_t size)
{
	if (snprintf(aside, size, "%s.corrupt.%lld.%ld", path, (long long)time(NULL),
		     (long)getpid()) >= (int)size)
		return -ENAMETOOLONG;
	if (rename(path, aside) < 0)
		return -errno;
	return 0;
}
