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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int zs_parse_vmstat_zswap(const char *s, struct zs_zswap *z)
{
	uint32_t present = 0;
	uint64_t vm[ZS_ZSWAP_V_KNOWN] = { 0 };

	while (s && *s) {
		const char *nl = strchr(s, '\n'), *sp = strchr(s, ' ');
		const char *end = nl ? nl : s + strlen(s);

		for (unsigned int k = 0; sp && sp < end && k < ZS_ZSWAP_V_KNOWN; k++) {
			char num[24];
			size_t len = (size_t)(end - sp - 1);

			if ((size_t)(sp - s) != strlen(vm_names[k]) ||
			    memcmp(s, vm_names[k], (size_t)(sp - s)))
				continue;
			if (len >= sizeof(num))
				return -EINVAL;
			memcpy(num, sp + 1, len);
			num[len] = '\0';
			if (zs_parse_u64(num, &vm[k]) < 0)
				return -EINVAL;
			present |= UINT32_C(1) << k;
		}
		s = nl ? nl + 1 : end;
	}
	memcpy(z->vm, vm, sizeof(vm));
	z->vm_present = present;
	return 0;
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

/* The directories, once: which of them there are does not change while zsctl runs. */
static int files_open(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		      char *err_path, size_t err_size)
{
	char dbg[3800];
	int fd, r;

	f->opened = true;
	fd = open_dir(ctx, PARAMS_DIR, rb);
	if (fd < 0 && fd != -ENOENT) {
		snprintf(err_path, err_size, "%s", PARAMS_DIR);
		return fd;
	}
	f->param_dir = fd < 0 ? -1 : fd; /* -ENOENT: no zswap in this kernel */
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
	int r;

	if (*fd == ZS_FD_ABSENT)
		return -ENOENT;
	if (*fd < 0) {
		char rel[4096];

		snprintf(rel, sizeof(rel), "%s/%s", dir_rel, name);
		*fd = zs_ctx_openat(ctx, dirfd, name, O_RDONLY, rel);
		rb->opens++;
		if (*fd < 0) {
			r = *fd;
			*fd = r == -ENOENT ? ZS_FD_ABSENT : -1;
			if (r != -ENOENT)
				snprintf(err_path, err_size, "%s/%s", dir_rel, name);
			return r;
		}
		rb->files++;
	}
	r = zs_pread_all(*fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, false, NULL);
	rb->reads++;
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

int zs_zswap_read(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		  struct zs_zswap *ret, char *err_path, size_t err_size)
{
	struct zs_zswap z = { 0 };
	char path[4096];
	int r, first = 0;

	err_path[0] = '\0';
	if (!f->opened) {
		r = files_open(ctx, f, rb, err_path, err_size);
		if (r < 0)
			return r;
	}
	z.present = f->param_dir >= 0;
	z.stats_status = f->stats_status;
	for (unsigned int p = 0; z.present && p < ZS_ZSWAP_P_KNOWN; p++) {
		r = read_kept(ctx, f->param_dir, PARAMS_DIR, param_names[p], &f->param[p], rb,
			      path, sizeof(path));
		if (r == -ENOENT)
			continue;
		if (r >= 0) {
			r = zs_parse_zswap_param(p, rb->buf, &z);
			snprintf(path, sizeof(path), "%s/%s", PARAMS_DIR, param_names[p]);
		}
		note(r, path, &first, err_path, err_size);
	}
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
