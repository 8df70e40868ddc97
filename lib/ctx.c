// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rooted context: every sysfs, procfs and debugfs access goes through
 * here, so that a dump of another machine under --sysroot is read exactly
 * like the live system.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmount.h>

#include "internal.h"

int zs_ctx_new(const char *sysroot, struct zs_ctx **ret)
{
	struct zs_ctx *ctx;
	long psz;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->rootfd = -1;
	ctx->live = !sysroot || !strcmp(sysroot, "/");
	if (!ctx->live) {
		struct stat st;

		ctx->rootfd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (ctx->rootfd < 0 || fstat(ctx->rootfd, &st) < 0) {
			int r = -errno;

			zs_ctx_free(ctx);
			return r;
		}
	}
	ctx->root = strdup(ctx->live ? "/" : sysroot);
	if (!ctx->root) {
		zs_ctx_free(ctx);
		return -ENOMEM;
	}
	psz = sysconf(_SC_PAGESIZE);
	ctx->page_size = psz > 0 ? (uint64_t)psz : 4096;
	*ret = ctx;
	return 0;
}

void zs_ctx_free(struct zs_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->rootfd >= 0)
		close(ctx->rootfd);
	mnt_unref_table(ctx->mountinfo);
	zs_strv_free(ctx->recorded);
	free(ctx->root);
	free(ctx);
}

bool zs_ctx_is_live(const struct zs_ctx *ctx)
{
	return ctx->live;
}

const char *zs_ctx_root(const struct zs_ctx *ctx)
{
	return ctx->root;
}

uint64_t zs_ctx_page_size(const struct zs_ctx *ctx)
{
	return ctx->page_size;
}

const char *zs_ctx_error_path(const struct zs_ctx *ctx)
{
	return ctx->error_path;
}

void zs_ctx_note_read(struct zs_ctx *ctx, const char *rel)
{
	int r;

	if (!ctx->recording || ctx->record_err)
		return;
	for (size_t i = 0; i < ctx->nrecorded; i++)
		if (!strcmp(ctx->recorded[i], rel))
			return;
	r = zs_strv_push(&ctx->recorded, &ctx->nrecorded, rel);
	if (r < 0)
		ctx->record_err = r;
}

/* Note a file opened to be read, or a directory (as "DIR/"): not a file to write or to hold. */
static void note_open(struct zs_ctx *ctx, const char *rel, int flags)
{
	char dir[PATH_MAX];

	if (!ctx->recording)
		return;
	if (flags & O_DIRECTORY) {
		if (strcmp(rel, ".") && snprintf(dir, sizeof(dir), "%s/", rel) < (int)sizeof(dir))
			zs_ctx_note_read(ctx, dir);
	} else if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_PATH)) {
		zs_ctx_note_read(ctx, rel);
	}
}

int zs_ctx_fail(struct zs_ctx *ctx, const char *rel, int err)
{
	snprintf(ctx->error_path, sizeof(ctx->error_path), "%s", rel);
	return err;
}

#define IN_ROOT_MAX_LINKS 40	/* the kernel's MAXSYMLINKS */
#define IN_ROOT_MAX_DEPTH 256

/* Read a symlink and put its target before the rest of the path: "target/rest", malloc'd. */
static int follow_link(int dirfd, const char *name, const char *rest, char **ret)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target));

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if (asprintf(ret, "%s%s%s", target, *rest ? "/" : "", rest) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * RESOLVE_IN_ROOT by hand, where openat2 is missing: kernels before 5.6,
 * and valgrind 3.19 (Debian 12), which answers ENOSYS for it. A plain
 * openat() would resolve a dump's absolute symlinks on the host, and the
 * gate's files are written, not only read. So: one component at a time
 * with O_NOFOLLOW; a symlink's target is read and walked below the root
 * ('/' is the root, ".." stops there), at most 40 of them (ELOOP, as the
 * kernel). A component turned into a symlink between the look and the
 * open fails the open (O_NOFOLLOW); it cannot lead out. Returns an fd or
 * -errno.
 */
int zs_open_in_root_by_hand(int rootfd, const char *rel, int flags)
{
	int dirs[IN_ROOT_MAX_DEPTH]; /* the directories walked into; dirs[0] is the root */
	unsigned int depth = 0, links = 0;
	char *todo = strdup(rel), *p = todo;
	int r = 0;

	if (!todo)
		return -ENOMEM;
	dirs[0] = rootfd;
	while (r == 0) {
		struct stat st;
		char *comp, *more;
		bool last, slash;

		while (*p == '/')
			p++;
		if (!*p) {
			/* the path ends in a directory ("", ".", "..", "a/") */
			r = openat(dirs[depth], ".", flags | O_CLOEXEC);
			r = r < 0 ? -errno : r;
			break;
		}
		comp = p;
		p += strcspn(p, "/");
		slash = *p == '/';
		if (slash)
			*p++ = '\0';
		for (more = p; *more == '/'; more++)
			;
		last = !*more;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (depth > 0)
				close(dirs[depth--]);
			continue;
		}
		if (fstatat(dirs[depth], comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT || !last || !(flags & O_CREAT)) {
				r = -errno;
				break;
			}
		} else if (S_ISLNK(st.st_mode) && (!last || slash || !(flags & O_NOFOLLOW))) {
			char *next;

			if (++links > IN_ROOT_MAX_LINKS) {
				r = -ELOOP;
				break;
			}
			/* "link/" must be a directory: "target/." says so */
			r = follow_link(dirs[depth], comp, !slash ? "" : *p ? p : ".", &next);
			if (r < 0)
				break;
			if (next[0] == '/')
				while (depth > 0)
					close(dirs[depth--]);
			free(todo);
			todo = p = next;
			continue;
		}
		if (last) {
			r = openat(dirs[depth], comp, flags | O_NOFOLLOW | O_CLOEXEC, 0);
			r = r < 0 ? -errno : r;
			if (r >= 0 && slash && (fstat(r, &st) < 0 || !S_ISDIR(st.st_mode))) {
				close(r);
				r = -ENOTDIR;
			}
			break;
		}
		if (depth + 1 == IN_ROOT_MAX_DEPTH) {
			r = -ENAMETOOLONG;
			break;
		}
		r = openat(dirs[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (r < 0) {
			r = -errno;
			break;
		}
		dirs[++depth] = r;
		r = 0;
	}
	while (depth > 0)
		close(dirs[depth--]);
	free(todo);
	return r;
}

static int openat2_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		/*
		 * A dump may hold absolute symlinks (sys/block/zram0 ->
		 * ../devices/...; bdi -> ...): resolve them inside the
		 * dump, never on the host.
		 */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		int r = zs_open_in_root_by_hand(rootfd, rel, flags);

		if (r < 0)
			errno = -r;
		fd = r < 0 ? -1 : r;
	}
	return fd;
}

int zs_ctx_open(struct zs_ctx *ctx, const char *rel, int flags)
{
	char abs[PATH_MAX];
	int fd;

	if (!rel || rel[0] == '/' || !rel[0])
		return zs_ctx_fail(ctx, rel ? rel : "", -EINVAL);
	flags |= O_CLOEXEC | O_NOCTTY;
	if (ctx->live) {
		/*
		 * Live: a plain absolute open(), which is what umockdev's
		 * preload library interposes on to fake /sys in the tests.
		 */
		if (snprintf(abs, sizeof(abs), "/%s", rel) >= (int)sizeof(abs))
			return zs_ctx_fail(ctx, rel, -ENAMETOOLONG);
		fd = open(abs, flags);
	} else {
		fd = openat2_in_root(ctx->rootfd, rel, flags);
	}
	if (fd < 0)
		return zs_ctx_fail(ctx, rel, -errno);
	note_open(ctx, rel, flags);
	return fd;
}

int zs_ctx_openat(struct zs_ctx *ctx, int dirfd, const char *name, int flags,
		  const char *rel_for_errors)
{
	int fd;

	flags |= O_CLOEXEC | O_NOCTTY;
	if (ctx->live) {
		/* umockdev's preload library interposes on openat() too */
		fd = openat(dirfd, name, flags);
	} else {
		struct open_how how = {
			.flags = (uint64_t)flags,
			/* a plain name below a directory already confined to the dump */
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS)
			fd = openat(dirfd, name, flags | O_NOFOLLOW);
	}
	if (fd < 0)
		return zs_ctx_fail(ctx, rel_for_errors, -errno);
	note_open(ctx, rel_for_errors, flags);
	return fd;
}

/* the text of @buf's @n bytes without its NUL bytes; returns the new length */
static size_t drop_nul(char *buf, size_t n)
{
	size_t from, to = 0;

	for (from = 0; from < n; from++)
		if (buf[from] != '\0')
			buf[to++] = buf[from];
	buf[to] = '\0';
	return to;
}

static int read_all(int fd, bool positional, char **buf, size_t *cap, size_t max, bool until_eof,
		    bool nul_padded, size_t *len)
{
	size_t n = 0;

	if (!*buf) {
		*cap = 4096;
		*buf = malloc(*cap + 1);
		if (!*buf)
			return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == *cap) {
			char *nb;

			if (*cap >= max)
				return -EFBIG;
			nb = realloc(*buf, *cap * 2 + 1);
			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap *= 2;
		}
		r = positional ? pread(fd, *buf + n, *cap - n, (off_t)n) :
				 read(fd, *buf + n, *cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n += (size_t)r;
		/* sysfs hands out an attribute whole: a short read is all of it */
		if (r == 0 || (!until_eof && n < *cap))
			break;
	}
	(*buf)[n] = '\0';
	if (nul_padded)
		n = drop_nul(*buf, n);
	if (memchr(*buf, '\0', n))
		return -EINVAL; /* sysfs, procfs and debugfs text never holds a NUL */
	if (len)
		*len = n;
	return 0;
}

int zs_pread_all(int fd, char **buf, size_t *cap, size_t max, bool until_eof, size_t *len)
{
	return read_all(fd, true, buf, cap, max, until_eof, false, len);
}

int zs_pread_nul_padded(int fd, char **buf, size_t *cap, size_t max, size_t *len)
{
	return read_all(fd, true, buf, cap, max, false, true, len);
}

int zs_read_once(int fd, char **buf, size_t *cap, size_t max, size_t *len)
{
	return read_all(fd, false, buf, cap, max, true, false, len);
}

int zs_read_fd_all(int fd, size_t max, char **ret, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		/* sysfs and debugfs text never holds a NUL */
		free(buf);
		return -EINVAL;
	}
	*ret = buf;
	if (len)
		*len = n;
	return 0;
}

int zs_ctx_read_file(struct zs_ctx *ctx, const char *rel, size_t max, char **ret)
{
	int fd, r;

	fd = zs_ctx_open(ctx, rel, O_RDONLY);
	if (fd < 0)
		return fd;
	r = zs_read_fd_all(fd, max, ret, NULL);
	close(fd);
	if (r < 0)
		return zs_ctx_fail(ctx, rel, r);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void zs_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **p = strv; *p; p++)
		free(*p);
	free(strv);
}

int zs_strv_push(char ***strv, size_t *n, const char *s)
{
	char **nv;
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	nv = realloc(*strv, (*n + 2) * sizeof(char *));
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[*n] = copy;
	nv[*n + 1] = NULL;
	*strv = nv;
	(*n)++;
	return 0;
}

int zs_ctx_list_dir(struct zs_ctx *ctx, const char *rel, char ***ret, size_t *nret)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	DIR *d;
	int fd, r = 0;

	fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return zs_ctx_fail(ctx, rel, r);
	}
	while ((errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		r = zs_strv_push(&names, &n, de->d_name);
		if (r < 0)
			break;
	}
	if (!r && errno)
		r = -errno;
	closedir(d);
	if (r < 0) {
		zs_strv_free(names);
		return zs_ctx_fail(ctx, rel, r);
	}
	if (!names) {
		names = calloc(1, sizeof(char *));
		if (!names)
			return -ENOMEM;
	}
	qsort(names, n, sizeof(char *), cmp_str);
	*ret = names;
	if (nret)
		*nret = n;
	return 0;
}

/*
 * Parse a proc table (mountinfo, swaps) that lives below the root: the fd
 * comes from the rooted context, libmount reads it through /proc/self/fd.
 */
int zs_ctx_parse_table(struct zs_ctx *ctx, const char *rel, bool swaps,
		       struct libmnt_table **ret)
{
	struct libmnt_table *tb;
	char path[PATH_MAX];
	int fd = -1, r;

	if (ctx->live) {
		/* libmount opens and reads it itself: no second open */
		snprintf(path, sizeof(path), "/%s", rel);
	} else {
		/* the file comes from the rooted context, libmount reads it through the fd */
		fd = zs_ctx_open(ctx, rel, O_RDONLY);
		if (fd < 0)
			return fd;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	tb = mnt_new_table();
	if (!tb) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	r = swaps ? mnt_table_parse_swaps(tb, path) : mnt_table_parse_file(tb, path);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		mnt_unref_table(tb);
		return zs_ctx_fail(ctx, rel, r);
	}
	if (ctx->live)
		zs_ctx_note_read(ctx, rel);
	*ret = tb;
	return 0;
}

int zs_ctx_mountinfo(struct zs_ctx *ctx, struct libmnt_table **ret)
{
	int r;

	if (!ctx->mountinfo) {
		r = zs_ctx_parse_table(ctx, "proc/self/mountinfo", false, &ctx->mountinfo);
		if (r < 0)
			return r;
	}
	*ret = ctx->mountinfo;
	return 0;
}

void zs_ctx_forget_mountinfo(struct zs_ctx *ctx)
{
	mnt_unref_table(ctx->mountinfo);
	ctx->mountinfo = NULL;
}

int zs_ctx_find_debugfs(struct zs_ctx *ctx, char *out, size_t size)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs = NULL, *f;
	int r;

	r = zs_ctx_mountinfo(ctx, &tb);
	if (r < 0)
		return r;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (!fs && mnt_table_next_fs(tb, it, &f) == 0) {
		const char *type = mnt_fs_get_fstype(f);

		if (type && !strcmp(type, "debugfs"))
			fs = f;
	}
	mnt_free_iter(it);
	r = -ENOENT;
	if (fs) {
		const char *target = mnt_fs_get_target(fs);

		while (target && *target == '/')
			target++;
		if (target && *target && strlen(target) < size) {
			strcpy(out, target);
			r = 0;
		} else if (target && !*target) {
			/* debugfs on / is nonsense: the mount table is what is wrong */
			r = zs_ctx_fail(ctx, "proc/self/mountinfo", -EINVAL);
		}
	}
	return r;
}

int zs_ctx_release(struct zs_ctx *ctx, unsigned long *major, unsigned long *minor)
{
	char saved[sizeof(ctx->error_path)], *text = NULL, *end;
	int r = -ENOENT;

	/* a missing osrelease is an answer here, not the error of the caller */
	memcpy(saved, ctx->error_path, sizeof(saved));
	if (zs_ctx_read_file(ctx, "proc/sys/kernel/osrelease", 256, &text) >= 0 && text &&
	    text[0] >= '0' && text[0] <= '9') {
		*major = strtoul(text, &end, 10);
		if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
			*minor = strtoul(end + 1, &end, 10);
			r = 0;
		}
	}
	free(text);
	memcpy(ctx->error_path, saved, sizeof(saved));
	return r;
}

void zs_ctx_learn_page_size(struct zs_ctx *ctx, const struct zs_pool *pool)
{
	uint64_t max = 0;

	/*
	 * zsmalloc's largest class is PAGE_SIZE (ZS_MAX_ALLOC_SIZE): in a dump
	 * that is the page size of the machine it came from, not ours.
	 */
	if (ctx->live)
		return;
	for (size_t i = 0; i < pool->nclasses; i++)
		if (pool->classes[i].size > max)
			max = pool->classes[i].size;
	if (max >= 4096 && !(max & (max - 1)))
		ctx->page_size = max;
}

/*
 * Linux 7.0 made writeback_store() and recompress_store() hold dev_lock
 * for writing for their whole run (guard(rwsem_write)), and every
 * attribute's show and store takes it too, initstate's and mm_stat's
 * reads as mem_limit's writes: a read waits for the whole writeback (2.1 s
 * measured on 7.3.4; minutes for a big one). Up to 6.x both took
 * init_lock for reading (6.12's writeback_store() and recompress_store():
 * down_read; 6.12-6.19 keep a second one out with pp_in_progress, not the
 * lock), so a read goes through at once; but the stores that take init_lock
 * for writing (6.12: disksize, comp_algorithm and recomp_algorithm,
 * backing_dev, mem_limit, reset; ZS_ATTR_LOCKS_DEVICE) wait there too, and
 * every access queues behind such a waiting writer. A release that cannot
 * be read counts as 7.x: last values, or a refusal, are better than a hang.
 */
bool zs_ctx_pp_blocks_access(struct zs_ctx *ctx)
{
	unsigned long major, minor;

	return zs_ctx_release(ctx, &major, &minor) < 0 || major >= 7;
}
