// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zswap: the other user of zsmalloc. Its figures are in four places: the
 * module's parameters (sys/module/zswap/parameters, world-readable), its
 * debugfs counters (<debugfs>/zswap, root only), proc/vmstat's zswpin,
 * zswpout and zswpwb, and proc/meminfo's Zswap and Zswapped (read by the
 * reader's meminfo need). Each kernel has its own set of files (see
 * zsctl.h): every file is read when present and absent ones are simply
 * not there, so no kernel generation needs a case of its own.
 *
 * The files are opened once and re-read with pread, as the reader does
 * for devices: a watching reader (top) pays one read per file a frame.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmount.h>

#include "internal.h"

#define ZS_ZSWAP_NAME_P(e, name) name,
static const char *const param_names[] = { ZS_ZSWAP_PARAMS(ZS_ZSWAP_NAME_P) };
static const char *const stat_names[] = { ZS_ZSWAP_STATS(ZS_ZSWAP_NAME_P) };
static const char *const vm_names[] = { ZS_ZSWAP_VMSTAT(ZS_ZSWAP_NAME_P) };
#undef ZS_ZSWAP_NAME_P

#define PARAMS_DIR "sys/module/zswap/parameters"

const char *zs_zswap_param_name(enum zs_zswap_param p)
{
	return (unsigned int)p < ZS_ZSWAP_P_KNOWN ? param_names[p] : NULL;
}

const char *zs_zswap_stat_name(enum zs_zswap_stat s)
{
	return (unsigned int)s < ZS_ZSWAP_S_KNOWN ? stat_names[s] : NULL;
}

const char *zs_zswap_vm_name(enum zs_zswap_vm v)
{
	return (unsigned int)v < ZS_ZSWAP_V_KNOWN ? vm_names[v] : NULL;
}

const char *zs_zswap_stats_status_str(enum zs_zswap_stats_status st)
{
	switch (st) {
	case ZS_ZSWAP_STATS_OK:
		return "available";
	case ZS_ZSWAP_STATS_NO_DEBUGFS:
		return "debugfs is not mounted";
	case ZS_ZSWAP_STATS_NO_DIR:
		return "debugfs has no zswap directory (zswap was never set up)";
	case ZS_ZSWAP_STATS_NO_PERMISSION:
		return "reading debugfs needs root";
	}
	return "unknown";
}

/* A module_param bool as the kernel prints it: Y or N (param_get_bool()). */
static int parse_yn(const char *s, bool *ret)
{
	if ((s[0] == 'Y' || s[0] == 'N') && (!s[1] || (s[1] == '\n' && !s[2]))) {
		*ret = s[0] == 'Y';
		return 0;
	}
	return -EINVAL;
}

static int parse_word(const char *s, char *out, size_t size)
{
	size_t len = strcspn(s, "\n");

	if (!len || (s[len] && s[len + 1]) || len >= size || strcspn(s, " \t") < len)
		return -EINVAL;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int zs_parse_zswap_param(enum zs_zswap_param p, const char *s, struct zs_zswap *z)
{
	uint64_t v = 0;
	int r;

	switch (p) {
	case ZS_ZSWAP_P_ENABLED:
		r = parse_yn(s, &z->enabled);
		break;
	case ZS_ZSWAP_P_SHRINKER_ENABLED:
		r = parse_yn(s, &z->shrinker_enabled);
		break;
	case ZS_ZSWAP_P_COMPRESSOR:
		r = parse_word(s, z->compressor, sizeof(z->compressor));
		break;
	case ZS_ZSWAP_P_ZPOOL:
		r = parse_word(s, z->zpool, sizeof(z->zpool));
		break;
	case ZS_ZSWAP_P_MAX_POOL_PERCENT:
	case ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT:
		/* uint parameters; the kernel refuses more than 100 for both */
		r = zs_parse_u64(s, &v);
		if (r >= 0 && v > 100)
			r = -ERANGE;
		if (r >= 0 && p == ZS_ZSWAP_P_MAX_POOL_PERCENT)
			z->max_pool_percent = v;
		else if (r >= 0)
			z->accept_threshold_percent = v;
		break;
	default:
		return -EINVAL;
	}
	if (r < 0)
		return r == -ERANGE ? r : -EINVAL;
	z->params_present |= UINT32_C(1) << p;
	return 0;
}

/*
 * "key value" lines (proc/vmstat, memory.stat): the names' values into vals
 * and present, the other lines skipped. Nothing is written on failure.
 */
static int parse_key_values(const char *s, const char *const *names, unsigned int n,
			    uint64_t *vals, uint32_t *present_ret)
{
	uint64_t v[32] = { 0 };
	uint32_t present = 0;

	while (s && *s) {
		const char *nl = strchr(s, '\n'), *sp = strchr(s, ' ');
		const char *end = nl ? nl : s + strlen(s);

		for (unsigned int k = 0; sp && sp < end && k < n; k++) {
			char num[24];
			size_t len = (size_t)(end - sp - 1);

			if ((size_t)(sp - s) != strlen(names[k]) || memcmp(s, names[k], (size_t)(sp - s)))
				continue;
			if (len >= sizeof(num))
				return -EINVAL;
			memcpy(num, sp + 1, len);
			num[len] = '\0';
			if (zs_parse_u64(num, &v[k]) < 0)
				return -EINVAL;
			present |= UINT32_C(1) << k;
		}
		s = nl ? nl + 1 : end;
	}
	memcpy(vals, v, n * sizeof(*vals));
	*present_ret = present;
	return 0;
}

int zs_parse_vmstat_zswap(const char *s, struct zs_zswap *z)
{
	return parse_key_values(s, vm_names, ZS_ZSWAP_V_KNOWN, z->vm, &z->vm_present);
}

#define ZS_CG_NAME(e, key) key,
static const char *const cgroup_stat_names[] = { ZS_CGROUP_STAT_KEYS(ZS_CG_NAME) };
#undef ZS_CG_NAME

const char *zs_cgroup_stat_name(enum zs_cgroup_stat k)
{
	return (unsigned int)k < ZS_CG_KNOWN ? cgroup_stat_names[k] : NULL;
}

int zs_parse_cgroup_memory_stat(const char *s, struct zs_cgroup_zswap *c)
{
	return parse_key_values(s, cgroup_stat_names, ZS_CG_KNOWN, c->stat, &c->present);
}

const char *zs_cgroups_status_str(enum zs_cgroups_status st)
{
	switch (st) {
	case ZS_CGROUPS_OK:
		return "available";
	case ZS_CGROUPS_NONE:
		return "no cgroup file system is mounted";
	case ZS_CGROUPS_V1:
		return "only cgroup v1 is mounted; per-cgroup zswap figures need cgroup v2";
	case ZS_CGROUPS_NO_MEMCG:
		return "cgroup v2 has no memory controller";
	}
	return "unknown";
}

void zs_zswap_derive(const struct zs_zswap *z, const struct zs_meminfo *m, uint64_t page_size,
		     struct zs_zswap_derived *ret)
{
	struct zs_zswap_derived d = { 0 };

	if (m && zs_meminfo_has(m, ZS_MEMINFO_ZSWAP)) {
		d.pool = m->val[ZS_MEMINFO_ZSWAP];
		d.has_pool = true;
	}
	if (m && zs_meminfo_has(m, ZS_MEMINFO_ZSWAPPED)) {
		d.stored = m->val[ZS_MEMINFO_ZSWAPPED];
		d.has_stored = true;
	}
	if (d.has_pool && d.has_stored) {
		/* meminfo's kB figures stay far below 2^63 */
		d.saving = (int64_t)d.stored - (int64_t)d.pool;
		d.has_saving = true;
		if (d.pool) {
			d.ratio = (double)d.stored / (double)d.pool;
			d.has_ratio = true;
		}
	}
	if (m && zs_meminfo_has(m, ZS_MEMINFO_MEM_TOTAL) && page_size &&
	    zs_zswap_has_param(z, ZS_ZSWAP_P_MAX_POOL_PERCENT)) {
		/*
		 * As zswap_max_pages() and zswap_accept_thr_pages() count, in
		 * whole pages: totalram_pages() * max_pool_percent / 100, and
		 * accept_threshold_percent of that.
		 */
		uint64_t pages = m->val[ZS_MEMINFO_MEM_TOTAL] / page_size;
		uint64_t max = zs_mul_sat(pages, z->max_pool_percent) / 100;

		d.pool_limit = zs_mul_sat(max, page_size);
		d.has_pool_limit = true;
		if (d.has_pool && d.pool_limit) {
			d.pool_fill = (double)d.pool / (double)d.pool_limit;
			d.has_pool_fill = true;
		}
		if (zs_zswap_has_param(z, ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT)) {
			d.accept_at = zs_mul_sat(zs_mul_sat(max, z->accept_threshold_percent) / 100,
						 page_size);
			d.has_accept_at = true;
		}
	}
	*ret = d;
}

/* ---- reading (the reader's ZS_NEED_ZSWAP) ------------------------------------------ */

static void close_one(int *fd, struct zs_read_buf *rb)
{
	if (*fd >= 0) {
		close(*fd);
		rb->files--;
	}
	*fd = -1;
}

void zs_zswap_files_init(struct zs_zswap_files *f)
{
	memset(f, 0, sizeof(*f));
	f->param_dir = f->stat_dir = f->vmstat = -1;
	for (unsigned int i = 0; i < ZS_ZSWAP_P_KNOWN; i++)
		f->param[i] = -1;
	for (unsigned int i = 0; i < ZS_ZSWAP_S_KNOWN; i++)
		f->stat[i] = -1;
}

void zs_zswap_files_close(struct zs_zswap_files *f, struct zs_read_buf *rb)
{
	for (unsigned int i = 0; i < ZS_ZSWAP_P_KNOWN; i++)
		close_one(&f->param[i], rb);
	for (unsigned int i = 0; i < ZS_ZSWAP_S_KNOWN; i++)
		close_one(&f->stat[i], rb);
	close_one(&f->param_dir, rb);
	close_one(&f->stat_dir, rb);
	close_one(&f->vmstat, rb);
	zs_zswap_files_init(f);
}

static int open_dir(struct zs_ctx *ctx, const char *rel, struct zs_read_buf *rb)
{
	int fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);

	rb->opens++;
	if (fd >= 0)
		rb->files++;
	return fd;
}

/*
 * The directories, each once and only when first needed: which of them
 * there are does not change while zsctl runs.
 */
static int params_open(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		       char *err_path, size_t err_size)
{
	int fd;

	f->params_opened = true;
	fd = open_dir(ctx, PARAMS_DIR, rb);
	if (fd < 0 && fd != -ENOENT) {
		snprintf(err_path, err_size, "%s", PARAMS_DIR);
		return fd;
	}
	f->param_dir = fd < 0 ? -1 : fd; /* -ENOENT: no zswap in this kernel */
	return 0;
}

static int stats_open(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		      char *err_path, size_t err_size)
{
	char dbg[3800];
	int fd, r;

	f->stats_opened = true;
	r = zs_ctx_find_debugfs(ctx, dbg, sizeof(dbg) - 8);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		/* no debugfs, or a mount table that cannot be read: no counters either way */
		f->stats_status = ZS_ZSWAP_STATS_NO_DEBUGFS;
		return 0;
	}
	strcat(dbg, "/zswap");
	snprintf(f->stat_dir_rel, sizeof(f->stat_dir_rel), "%s", dbg);
	fd = open_dir(ctx, dbg, rb);
	if (fd == -EACCES || fd == -EPERM) {
		f->stats_status = ZS_ZSWAP_STATS_NO_PERMISSION;
	} else if (fd == -ENOENT) {
		f->stats_status = ZS_ZSWAP_STATS_NO_DIR;
	} else if (fd < 0) {
		snprintf(err_path, err_size, "%s", dbg);
		return fd;
	} else {
		f->stat_dir = fd;
		f->stats_status = ZS_ZSWAP_STATS_OK;
	}
	return 0;
}

/*
 * One kept file of dir into rb->buf: opened on first use, -ENOENT (kept)
 * when the kernel has no such file.
 */
static int read_kept(struct zs_ctx *ctx, int dirfd, const char *dir_rel, const char *name,
		     int *fd, struct zs_read_buf *rb, char *err_path, size_t err_size)
{
	bool once = *fd == ZS_FD_REOPEN;
	char rel[4096];
	int r;

	if (*fd == ZS_FD_ABSENT)
		return -ENOENT;
	if (*fd < 0) {
		snprintf(rel, sizeof(rel), "%s/%s", dir_rel, name);
		*fd = zs_ctx_openat(ctx, dirfd, name, O_RDONLY, rel);
		rb->opens++;
		if (*fd < 0) {
			r = *fd;
			*fd = r == -ENOENT ? ZS_FD_ABSENT : once ? ZS_FD_REOPEN : -1;
			if (r != -ENOENT)
				snprintf(err_path, err_size, "%s/%s", dir_rel, name);
			return r;
		}
		rb->files++;
	}
	r = once ? zs_read_once(*fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, NULL) :
		   zs_pread_all(*fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, false, NULL);
	rb->reads++;
	if (r == -ESPIPE && !once) {
		/*
		 * zswap's debugfs counters are simple attributes
		 * (DEFINE_DEBUGFS_ATTRIBUTE, debugfs_create_u64/atomic_t):
		 * opened nonseekable, so pread fails with ESPIPE on every
		 * kernel. This fresh fd has not been read yet: read() it, and
		 * open the file again at each refresh from now on.
		 */
		once = true;
		r = zs_read_once(*fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, NULL);
		rb->reads++;
	}
	if (once) {
		close_one(fd, rb);
		*fd = ZS_FD_REOPEN;
	}
	if (r < 0)
		snprintf(err_path, err_size, "%s/%s", dir_rel, name);
	return r;
}

/* Keep the first failure and its file. */
static void note(int r, const char *path, int *first, char *err_path, size_t err_size)
{
	if (r >= 0 || *first)
		return;
	*first = r;
	snprintf(err_path, err_size, "%s", path);
}

/* The parameters first..last into z; the first failure kept in *first. */
static void read_params(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
			unsigned int first_param, unsigned int last_param, struct zs_zswap *z,
			int *first, char *err_path, size_t err_size)
{
	char path[4096];
	int r;

	for (unsigned int p = first_param; z->present && p <= last_param; p++) {
		r = read_kept(ctx, f->param_dir, PARAMS_DIR, param_names[p], &f->param[p], rb, path,
			      sizeof(path));
		if (r == -ENOENT)
			continue;
		if (r >= 0) {
			r = zs_parse_zswap_param(p, rb->buf, z);
			snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR, param_names[p]);
		}
		note(r, path, first, err_path, err_size);
	}
}

int zs_zswap_read_enabled(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
			  struct zs_zswap *ret, char *err_path, size_t err_size)
{
	struct zs_zswap z = { 0 };
	int first = 0;

	err_path[0] = '\0';
	if (!f->params_opened && f->param[ZS_ZSWAP_P_ENABLED] == -1) {
		/* the file alone, not its directory: most tables need no other */
		int fd = zs_ctx_open(ctx, PARAMS_DIR "/enabled", O_RDONLY);

		rb->opens++;
		if (fd == -ENOENT) {
			f->param[ZS_ZSWAP_P_ENABLED] = ZS_FD_ABSENT; /* no zswap in this kernel */
		} else if (fd < 0) {
			snprintf(err_path, err_size, "%s/enabled", PARAMS_DIR);
			return fd;
		} else {
			f->param[ZS_ZSWAP_P_ENABLED] = fd;
			rb->files++;
		}
	}
	z.present = f->params_opened ? f->param_dir >= 0 : f->param[ZS_ZSWAP_P_ENABLED] >= 0;
	read_params(ctx, f, rb, ZS_ZSWAP_P_ENABLED, ZS_ZSWAP_P_ENABLED, &z, &first, err_path,
		    err_size);
	*ret = z;
	return first;
}

int zs_zswap_read(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		  struct zs_zswap *ret, char *err_path, size_t err_size)
{
	struct zs_zswap z = { 0 };
	char path[4096];
	int r, first = 0;

	err_path[0] = '\0';
	if (!f->params_opened) {
		r = params_open(ctx, f, rb, err_path, err_size);
		if (r < 0)
			return r;
	}
	if (!f->stats_opened) {
		r = stats_open(ctx, f, rb, err_path, err_size);
		if (r < 0)
			return r;
	}
	z.present = f->param_dir >= 0;
	z.stats_status = f->stats_status;
	read_params(ctx, f, rb, 0, ZS_ZSWAP_P_KNOWN - 1, &z, &first, err_path, err_size);
	for (unsigned int s = 0; f->stat_dir >= 0 && s < ZS_ZSWAP_S_KNOWN; s++) {
		r = read_kept(ctx, f->stat_dir, f->stat_dir_rel, stat_names[s], &f->stat[s], rb,
			      path, sizeof(path));
		if (r == -ENOENT)
			continue;
		if (r >= 0) {
			r = zs_parse_u64(rb->buf, &z.stat[s]);
			snprintf(path, sizeof(path), "%s/%s", f->stat_dir_rel, stat_names[s]);
		}
		if (r >= 0)
			z.stats_present |= UINT32_C(1) << s;
		note(r, path, &first, err_path, err_size);
	}
	if (f->vmstat == -1) {
		f->vmstat = zs_ctx_open(ctx, "proc/vmstat", O_RDONLY);
		rb->opens++;
		if (f->vmstat >= 0)
			rb->files++;
		else
			f->vmstat = ZS_FD_ABSENT; /* a dump without it */
	}
	if (f->vmstat >= 0) {
		r = zs_pread_all(f->vmstat, &rb->buf, &rb->cap, 1024 * 1024, true, NULL);
		rb->reads++;
		if (r >= 0)
			r = zs_parse_vmstat_zswap(rb->buf, &z);
		note(r, "proc/vmstat", &first, err_path, err_size);
	}
	*ret = z;
	return first;
}

/* ---- per cgroup (the reader's ZS_NEED_CGROUPS) ---------------------------------------- */

/*
 * The walk's files are kept between refreshes (top's zswap panel): each
 * cgroup's memory.stat and, once it holds zswap memory, its memory.zswap.*
 * files stay open and are read again with one pread each (a cgroup file
 * is one seq_file record: a read shorter than the buffer is all of it).
 * The tree is walked again only every ZS_CGROUPS_RESCAN refreshes, when
 * asked (zs_reader_rescan()), or when a kept file says its cgroup is gone
 * (kernfs answers ENODEV for a removed node's open file): a directory's
 * mtime cannot tell, for kernfs updates it on mkdir and rmdir only once
 * something set the directory's attributes (kernfs_add_one(), parent->iattr).
 * A walk closes the files of cgroups that vanished, and of one made again
 * under the same path (another inode). At most half the soft
 * RLIMIT_NOFILE is kept; past it, files are opened, read and closed.
 */
#define ZS_CGROUPS_RESCAN 5

enum { CG_STAT, CG_CURRENT, CG_MAX, CG_WRITEBACK, CG_NFILES };
static const char *const cg_file_names[CG_NFILES] = {
	"memory.stat", "memory.zswap.current", "memory.zswap.max", "memory.zswap.writeback",
};

struct cg_kept {
	char path[sizeof(((struct zs_cgroup_zswap *)0)->path)];
	uint64_t ino;
	int fd[CG_NFILES]; /* -1: not open; ZS_FD_ABSENT: no such file (until the next walk) */
	bool seen;	   /* by this walk */
};

struct zs_cgroup_files {
	bool mount_known;
	enum zs_cgroups_status status;
	char mount[3000]; /* the cgroup2 mount point, without the leading slash */
	int rootfd;
	struct cg_kept *cg;
	size_t n, cap;
	bool truncated;
	unsigned int since_walk; /* refreshes since the last walk */
	bool walked, vanished;
	size_t kept, budget; /* descriptors kept, and the most to keep */
};

struct cg_walk {
	struct zs_ctx *ctx;
	struct zs_read_buf *rb;
	struct zs_cgroup_files *f;
	size_t seen;
	int err;
	char err_path[4096];
};

static void cg_fail(struct cg_walk *w, int err, const char *path, const char *file)
{
	if (w->err)
		return;
	w->err = err;
	snprintf(w->err_path, sizeof(w->err_path), "%s%s/%s", w->f->mount, path, file);
}

static void cg_close_files(struct zs_cgroup_files *f, struct cg_kept *c, struct zs_read_buf *rb)
{
	for (unsigned int k = 0; k < CG_NFILES; k++) {
		if (c->fd[k] >= 0) {
			close(c->fd[k]);
			rb->files--;
			f->kept--;
		}
		c->fd[k] = -1;
	}
}

void zs_cgroup_files_free(struct zs_cgroup_files *f, struct zs_read_buf *rb)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		cg_close_files(f, &f->cg[i], rb);
	if (f->rootfd >= 0) {
		close(f->rootfd);
		rb->files--;
	}
	free(f->cg);
	free(f);
}

/* One small file of a cgroup's directory into rb->buf: opened, read, closed. */
static int cg_read(struct cg_walk *w, int dirfd, const char *path, const char *file)
{
	char rel[4096];
	int fd, r;

	snprintf(rel, sizeof(rel), "%s%s/%s", w->f->mount, path, file);
	fd = zs_ctx_openat(w->ctx, dirfd, file, O_RDONLY, rel);
	w->rb->opens++;
	if (fd < 0)
		return fd;
	r = zs_pread_all(fd, &w->rb->buf, &w->rb->cap, 1024 * 1024, true, NULL);
	w->rb->reads++;
	close(fd);
	return r < 0 ? zs_ctx_fail(w->ctx, rel, r) : 0;
}

/*
 * A kept file of cgroup c into rb->buf, opened (relative to the mount's
 * descriptor) on first use. -ENOENT when there is no such file; -ENODEV
 * (and the walk is due) when the cgroup is gone.
 */
static int cg_read_kept(struct cg_walk *w, struct cg_kept *c, unsigned int k)
{
	struct zs_cgroup_files *f = w->f;
	char name[sizeof(c->path) + 32], rel[4096];
	int fd = c->fd[k], r;

	if (fd == ZS_FD_ABSENT)
		return -ENOENT;
	snprintf(rel, sizeof(rel), "%s%s/%s", f->mount, c->path, cg_file_names[k]);
	if (fd < 0) {
		/* c->path starts with '/': below the mount's descriptor */
		snprintf(name, sizeof(name), "%s/%s", c->path + 1, cg_file_names[k]);
		fd = zs_ctx_openat(w->ctx, f->rootfd, name, O_RDONLY, rel);
		w->rb->opens++;
		if (fd == -ENOENT) {
			c->fd[k] = ZS_FD_ABSENT;
			return fd;
		}
		if (fd < 0)
			return fd;
		if (f->kept < f->budget) {
			c->fd[k] = fd;
			f->kept++;
			w->rb->files++;
		}
	}
	r = zs_pread_all(fd, &w->rb->buf, &w->rb->cap, 1024 * 1024, false, NULL);
	w->rb->reads++;
	if (c->fd[k] != fd)
		close(fd);
	if (r == -ENODEV || r == -ENOENT) {
		f->vanished = true; /* removed since the walk: not an error */
		return -ENODEV;
	}
	return r < 0 ? zs_ctx_fail(w->ctx, rel, r) : 0;
}

/* A kept cgroup's zswap figures: 1 when it holds zswap memory, 0 when not (or gone). */
static int cg_figures(struct cg_walk *w, struct cg_kept *k, struct zs_cgroup_zswap *c)
{
	int r;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", k->path);
	c->ino = k->ino;
	r = cg_read_kept(w, k, CG_STAT);
	if (r == -ENOENT || r == -ENODEV)
		return 0; /* the memory controller is not enabled for it, or it is gone */
	if (r >= 0)
		r = zs_parse_cgroup_memory_stat(w->rb->buf, c);
	if (r < 0) {
		cg_fail(w, r, k->path, "memory.stat");
		return 0;
	}
	if (!c->stat[ZS_CG_ZSWAP] && !c->stat[ZS_CG_ZSWAPPED])
		return 0;
	if (cg_read_kept(w, k, CG_CURRENT) >= 0 && zs_parse_u64(w->rb->buf, &c->zswap_current) >= 0)
		c->has_zswap_current = true;
	if (cg_read_kept(w, k, CG_MAX) >= 0) {
		if (!strcmp(w->rb->buf, "max\n")) {
			c->zswap_max = UINT64_MAX;
			c->has_zswap_max = true;
		} else if (zs_parse_u64(w->rb->buf, &c->zswap_max) >= 0) {
			c->has_zswap_max = true;
		} else {
			cg_fail(w, -EINVAL, k->path, "memory.zswap.max");
		}
	}
	if (cg_read_kept(w, k, CG_WRITEBACK) >= 0) {
		if (!strcmp(w->rb->buf, "0\n") || !strcmp(w->rb->buf, "1\n")) {
			c->writeback = w->rb->buf[0] == '1';
			c->has_writeback = true;
		} else {
			cg_fail(w, -EINVAL, k->path, "memory.zswap.writeback");
		}
	}
	return 1;
}

/* The walk met the cgroup at path (its directory's inode ino): kept, or kept anew. */
static int cg_meet(struct cg_walk *w, const char *path, uint64_t ino)
{
	struct zs_cgroup_files *f = w->f;
	struct cg_kept *c = NULL;

	for (size_t i = 0; i < f->n && !c; i++)
		if (!strcmp(f->cg[i].path, path))
			c = &f->cg[i];
	if (c && c->ino != ino)
		cg_close_files(f, c, w->rb); /* made again under the same path */
	if (!c) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 16;
			struct cg_kept *nl = realloc(f->cg, cap * sizeof(*nl));

			if (!nl)
				return -ENOMEM;
			f->cg = nl;
			f->cap = cap;
		}
		c = &f->cg[f->n++];
		memset(c, 0, sizeof(*c));
		snprintf(c->path, sizeof(c->path), "%s", path);
		for (unsigned int k = 0; k < CG_NFILES; k++)
			c->fd[k] = -1;
	}
	c->ino = ino;
	c->seen = true;
	/* a file absent at the last walk may be there now (a controller enabled since) */
	for (unsigned int k = 0; k < CG_NFILES; k++)
		if (c->fd[k] == ZS_FD_ABSENT)
			c->fd[k] = -1;
	return 0;
}

static int cg_visit(struct cg_walk *w, int dirfd, const char *path, unsigned int depth)
{
	DIR *d;
	struct dirent *de;
	int fd, r = 0;

	if (depth) {
		struct stat st;

		r = cg_meet(w, path, fstat(dirfd, &st) == 0 ? (uint64_t)st.st_ino : 0);
		if (r < 0)
			return r;
	}
	if (depth >= ZS_CGROUPS_DEPTH) {
		w->f->truncated = true;
		return 0;
	}
	fd = dup(dirfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	/* the kept mount's descriptor shares its offset with the dup: from the start */
	rewinddir(d);
	while (r >= 0 && (de = readdir(d))) {
		char child[sizeof(((struct zs_cgroup_zswap *)0)->path)], rel[4096];
		int cfd;

		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (++w->seen > ZS_CGROUPS_MAX) {
			w->f->truncated = true;
			break;
		}
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= sizeof(child)) {
			w->f->truncated = true; /* a path no cgroup has in practice */
			continue;
		}
		snprintf(rel, sizeof(rel), "%s%s", w->f->mount, child);
		cfd = zs_ctx_openat(w->ctx, dirfd, de->d_name, O_RDONLY | O_DIRECTORY, rel);
		w->rb->opens++;
		if (cfd == -ENOTDIR || cfd == -ENOENT)
			continue; /* a file (DT_UNKNOWN), or a cgroup removed meanwhile */
		if (cfd < 0) {
			cg_fail(w, cfd, child, "");
			continue;
		}
		r = cg_visit(w, cfd, child, depth + 1);
		close(cfd);
	}
	closedir(d);
	return r;
}

/* Walk the tree: every cgroup met is kept, the files of those not met are closed. */
static int cg_walk_tree(struct cg_walk *w)
{
	struct zs_cgroup_files *f = w->f;
	size_t n = 0;
	int r;

	f->truncated = false;
	for (size_t i = 0; i < f->n; i++)
		f->cg[i].seen = false;
	r = cg_visit(w, f->rootfd, "", 0);
	if (r < 0)
		return r;
	for (size_t i = 0; i < f->n; i++) {
		if (!f->cg[i].seen) {
			cg_close_files(f, &f->cg[i], w->rb); /* vanished: no error */
			continue;
		}
		if (n != i)
			f->cg[n] = f->cg[i];
		n++;
	}
	f->n = n;
	f->walked = true;
	f->vanished = false;
	f->since_walk = 0;
	return 0;
}

static int cmp_cgroup(const void *a, const void *b)
{
	const struct zs_cgroup_zswap *x = a, *y = b;

	if (x->stat[ZS_CG_ZSWAP] != y->stat[ZS_CG_ZSWAP])
		return x->stat[ZS_CG_ZSWAP] > y->stat[ZS_CG_ZSWAP] ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Where cgroup v2 is mounted, or why there is none. */
static int find_cgroup2(struct zs_ctx *ctx, char *out, size_t size, enum zs_cgroups_status *st)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *f;
	bool v1 = false;
	int r;

	*st = ZS_CGROUPS_NONE;
	r = zs_ctx_mountinfo(ctx, &tb);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(tb, it, &f) == 0) {
		const char *type = mnt_fs_get_fstype(f), *target = mnt_fs_get_target(f);

		if (type && !strcmp(type, "cgroup"))
			v1 = true;
		if (!type || strcmp(type, "cgroup2") || !target)
			continue;
		while (*target == '/')
			target++;
		if (strlen(target) >= size)
			continue;
		strcpy(out, target);
		*st = ZS_CGROUPS_OK;
		break;
	}
	mnt_free_iter(it);
	if (*st != ZS_CGROUPS_OK && v1)
		*st = ZS_CGROUPS_V1;
	return 0;
}

static void cg_forget(struct zs_cgroup_files *f, struct zs_read_buf *rb)
{
	for (size_t i = 0; i < f->n; i++)
		cg_close_files(f, &f->cg[i], rb);
	f->n = 0;
	if (f->rootfd >= 0) {
		close(f->rootfd);
		rb->files--;
	}
	f->rootfd = -1;
	f->walked = false;
}

static size_t fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 512;
	return rl.rlim_cur > 128 ? (size_t)(rl.rlim_cur - 128) / 2 : 0;
}

int zs_cgroups_read(struct zs_ctx *ctx, struct zs_cgroup_files **files, bool rescan,
		    struct zs_read_buf *rb, struct zs_cgroup_zswap **list, size_t *n, bool *truncated,
		    enum zs_cgroups_status *status, char *err_path, size_t err_size)
{
	struct cg_walk w = { .ctx = ctx, .rb = rb };
	struct zs_cgroup_files *f = *files;
	struct zs_cgroup_zswap *out = NULL;
	size_t nout = 0;
	int r;

	err_path[0] = '\0';
	*list = NULL;
	*n = 0;
	*truncated = false;
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		f->rootfd = -1;
		f->budget = fd_budget();
		*files = f;
	}
	w.f = f;
	rescan |= !f->walked || f->vanished || ++f->since_walk >= ZS_CGROUPS_RESCAN;
	if (rescan || !f->mount_known) {
		char mount[sizeof(f->mount)];

		r = find_cgroup2(ctx, mount, sizeof(mount), &f->status);
		if (r < 0) {
			snprintf(err_path, err_size, "%s", zs_ctx_error_path(ctx));
			return r;
		}
		if (f->mount_known && strcmp(mount, f->mount))
			cg_forget(f, rb); /* mounted elsewhere now */
		memcpy(f->mount, mount, sizeof(mount));
		f->mount_known = true;
	}
	*status = f->status;
	if (f->status != ZS_CGROUPS_OK) {
		cg_forget(f, rb);
		return 0;
	}
	if (rescan) {
		int fd = f->rootfd;

		if (fd < 0) {
			fd = zs_ctx_open(ctx, f->mount[0] ? f->mount : ".", O_RDONLY | O_DIRECTORY);
			rb->opens++;
		}
		if (fd == -ENOENT) {
			*status = ZS_CGROUPS_NONE; /* a dump without the cgroup tree */
			return 0;
		}
		if (fd < 0) {
			snprintf(err_path, err_size, "%s", f->mount);
			return fd;
		}
		if (f->rootfd < 0) {
			f->rootfd = fd;
			rb->files++;
		}
		/* the controllers the root offers its children */
		r = cg_read(&w, f->rootfd, "", "cgroup.controllers");
		if (r >= 0 && !strstr(w.rb->buf, "memory")) {
			*status = ZS_CGROUPS_NO_MEMCG;
			cg_forget(f, rb);
			return 0;
		}
		r = cg_walk_tree(&w);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < f->n; i++) {
		struct zs_cgroup_zswap c;

		if (cg_figures(&w, &f->cg[i], &c) <= 0)
			continue;
		if (!out || nout % 16 == 0) {
			struct zs_cgroup_zswap *nl = realloc(out, (nout + 16) * sizeof(*nl));

			if (!nl) {
				free(out);
				return -ENOMEM;
			}
			out = nl;
		}
		out[nout++] = c;
	}
	if (nout)
		qsort(out, nout, sizeof(*out), cmp_cgroup);
	*list = out;
	*n = nout;
	*truncated = f->truncated;
	snprintf(err_path, err_size, "%s", w.err_path);
	return w.err;
}

/* ---- a cgroup's zswap limits (zsctl set --cgroup) --------------------------------------- */

int zs_cgroup_path_parse(const char *arg, char *out, size_t size)
{
	size_t used = 0;

	if (!arg[0] || size < 1)
		return -EINVAL;
	out[0] = '\0';
	for (const char *p = arg; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL; /* below the mount, as status --cgroups names them */
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return -EINVAL;
		if (used + 1 + len >= size)
			return -ENAMETOOLONG;
		out[used++] = '/';
		memcpy(out + used, p, len);
		used += len;
		out[used] = '\0';
		p += len;
	}
	return 0;
}

int zs_cgroup_set_check(struct zs_ctx *ctx, struct zs_set_plan *plan)
{
	char mount[3000], **names = NULL, *path;
	size_t mlen;
	bool memcg = false, bad = false;
	int fd, r;

	r = find_cgroup2(ctx, mount, sizeof(mount), &plan->cgroups_status);
	if (r < 0)
		return r;
	if (plan->cgroups_status != ZS_CGROUPS_OK)
		return -ENODEV;
	/* given with the mount point (/sys/fs/cgroup/a/b): what is below it */
	path = plan->cgroup_path;
	mlen = strlen(mount);
	if (mlen && path[0] && !strncmp(path + 1, mount, mlen) &&
	    (path[1 + mlen] == '/' || !path[1 + mlen]))
		memmove(path, path + 1 + mlen, strlen(path + 1 + mlen) + 1);
	if (!mlen) /* cgroup2 mounted on the root itself: a dump of the hierarchy */
		r = snprintf(plan->cgroup_dir, sizeof(plan->cgroup_dir), "%s",
			     path[0] ? path + 1 : ".");
	else
		r = snprintf(plan->cgroup_dir, sizeof(plan->cgroup_dir), "%s%s", mount, path);
	if ((size_t)r >= sizeof(plan->cgroup_dir))
		return -ENAMETOOLONG;
	fd = zs_ctx_open(ctx, plan->cgroup_dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd; /* -ENOENT, -ENOTDIR: no such cgroup (the context has the path) */
	close(fd);
	r = zs_ctx_list_dir(ctx, plan->cgroup_dir, &names, NULL);
	if (r < 0)
		return r;
	/*
	 * memory.* files are in every cgroup but the root whose parent gave it
	 * the memory controller (cgroup.subtree_control): without them no
	 * memory.zswap.* either, whatever the kernel. The root has no limits.
	 */
	for (char **p = names; *p && !memcg && plan->cgroup_path[0]; p++)
		memcg = !strcmp(*p, "memory.stat");
	for (size_t i = 0; i < plan->n; i++) {
		struct zs_set_item *it = &plan->items[i];
		bool here = false;

		for (size_t j = 0; j < i && it->problem == ZS_SET_OK; j++)
			if (plan->items[j].attr == it->attr)
				it->problem = ZS_SET_DUPLICATE;
		for (char **p = names; it->problem == ZS_SET_OK && *p && !here; p++)
			here = !strcmp(*p, it->attr->name);
		if (it->problem == ZS_SET_OK && !memcg)
			it->problem = ZS_SET_NO_MEMCG;
		else if (it->problem == ZS_SET_OK && !here)
			it->problem = ZS_SET_ABSENT;
		bad |= it->problem != ZS_SET_OK;
	}
	zs_strv_free(names);
	return bad ? -EINVAL : 0;
}
