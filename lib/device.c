// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zram devices: discovery, and the reading of their sysfs attributes that
 * the reader (reader.c) does for every verb.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "internal.h"

unsigned int zs_devname_id(const char *name)
{
	return (unsigned int)strtoul(name + 4, NULL, 10);
}

static int cmp_devname(const void *a, const void *b)
{
	unsigned int ia = zs_devname_id(*(char *const *)a), ib = zs_devname_id(*(char *const *)b);

	return ia < ib ? -1 : ia > ib;
}

static int enumerate_udev(char ***names, size_t *n)
{
	struct udev *udev;
	struct udev_enumerate *e = NULL;
	struct udev_list_entry *entry;
	int r;

	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	e = udev_enumerate_new(udev);
	if (!e) {
		r = -ENOMEM;
		goto out;
	}
	r = udev_enumerate_add_match_subsystem(e, "block");
	if (r >= 0)
		r = udev_enumerate_add_match_sysname(e, "zram*");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0)
		goto out;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e))
	{
		/*
		 * The syspath's last component is the sysname: no udev_device
		 * (each would read the device's uevent file) is needed.
		 */
		const char *syspath = udev_list_entry_get_name(entry);
		const char *sysname = syspath ? strrchr(syspath, '/') : NULL;

		/* zram partitions (zram0p1) are not devices of ours */
		if (sysname && zs_devname_valid(sysname + 1))
			r = zs_strv_push(names, n, sysname + 1);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	udev_enumerate_unref(e);
	udev_unref(udev);
	return r;
}

static int enumerate_dir(struct zs_ctx *ctx, char ***names, size_t *n)
{
	char **all = NULL;
	int r;

	r = zs_ctx_list_dir(ctx, "sys/block", &all, NULL);
	if (r < 0)
		return r;
	for (char **p = all; *p && r >= 0; p++)
		if (zs_devname_valid(*p))
			r = zs_strv_push(names, n, *p);
	zs_strv_free(all);
	return r;
}

int zs_enumerate_devices(struct zs_ctx *ctx, char ***ret, size_t *nret)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	r = ctx->live ? enumerate_udev(&names, &n) : enumerate_dir(ctx, &names, &n);
	if (r < 0) {
		zs_strv_free(names);
		return r;
	}
	if (!names) {
		names = calloc(1, sizeof(char *));
		if (!names)
			return -ENOMEM;
	}
	qsort(names, n, sizeof(char *), cmp_devname);
	*ret = names;
	*nret = n;
	return 0;
}

/* "MAJOR:MINOR\n" exactly, as the kernel prints it: no sign, blank or second line */
static int parse_devno(const char *s, struct zs_device *dev)
{
	const char *colon = strchr(s, ':');
	uint64_t maj, min;
	char buf[16];
	int r;

	/* digits only before the colon: zs_parse_u64() would take a newline there */
	if (!colon || (size_t)(colon - s) >= sizeof(buf) ||
	    strspn(s, "0123456789") != (size_t)(colon - s))
		return -EINVAL;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	r = zs_parse_u64(buf, &maj);
	if (r < 0 || !strchr(colon + 1, '\n'))
		return -EINVAL;
	r = zs_parse_u64(colon + 1, &min);
	/* dev_t: 12 bits of major, 20 of minor; more is no device number */
	if (r < 0 || maj > 0xfff || min > 0xfffff)
		return -EINVAL;
	dev->major = (unsigned int)maj;
	dev->minor = (unsigned int)min;
	return 0;
}

static int parse_bool01(const char *s, bool *ret)
{
	uint64_t v;
	int r = zs_parse_u64(s, &v);

	if (r < 0)
		return r;
	if (v > 1)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_string(const char *s, char *out, size_t size)
{
	size_t len = strcspn(s, "\n");

	if (s[len] && s[len + 1])
		return -EINVAL; /* more than one line */
	if (len >= size)
		return -ERANGE;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int parse_backing_dev(const char *s, char out[256])
{
	return parse_string(s, out, 256);
}

/*
 * mm_stat's tenth column comes from zsctl's kernel series (kernel/), which
 * upstream has not taken. Upstream prints nine columns up to 7.3 (7.3.4's
 * mm_stat_show(); columns are never removed, so no earlier release printed
 * a tenth): on a release at most 7.3 a tenth column can only be the
 * series' compact_gated. A newer release may have appended a column of its
 * own: its tenth stays an unknown column until zsctl learns the release
 * that took the series in. Unknown when the release cannot be read (a dump
 * without proc/sys/kernel/osrelease).
 */
#define ZS_NINE_COLUMNS_MAJOR 7
#define ZS_NINE_COLUMNS_MINOR 3

static bool release_has_series_column(struct zs_ctx *ctx)
{
	unsigned long major, minor;

	return zs_ctx_release(ctx, &major, &minor) == 0 &&
	       (major < ZS_NINE_COLUMNS_MAJOR ||
		(major == ZS_NINE_COLUMNS_MAJOR && minor <= ZS_NINE_COLUMNS_MINOR));
}

void zs_mm_stat_vet_gate_column(struct zs_ctx *ctx, struct zs_stat *mm)
{
	if (!zs_stat_has(mm, ZS_MM_COMPACT_GATED))
		return;
	if (!ctx->gate_column)
		ctx->gate_column = release_has_series_column(ctx) ? 1 : -1;
	if (ctx->gate_column < 0)
		mm->present &= ~(UINT32_C(1) << ZS_MM_COMPACT_GATED);
}

/* ---- reading a device's files ------------------------------------------------ */

/*
 * What each file is for. The set-up files (read_setup(): disksize,
 * comp_algorithm, dev, max_comp_streams, backing_dev, diskseq) are read
 * when the device appears and when its initstate changes (they change only
 * across a reset); the others on every refresh, through a descriptor kept
 * open.
 */
struct dev_file {
	const char *name;
	unsigned int needs; /* 0: always */
};

static const struct dev_file dev_files[ZS_F_LEGACY_MM0] = {
	[ZS_F_INITSTATE] = { "initstate", 0 },
	[ZS_F_DISKSIZE] = { "disksize", ZS_NEED_DISKSIZE },
	[ZS_F_COMP_ALGORITHM] = { "comp_algorithm", ZS_NEED_ALGORITHM },
	[ZS_F_DEV] = { "dev", ZS_NEED_DEVNO | ZS_NEED_MOUNTS },
	[ZS_F_MM_STAT] = { "mm_stat", ZS_NEED_MM },
	[ZS_F_IO_STAT] = { "io_stat", ZS_NEED_IO },
	[ZS_F_BD_STAT] = { "bd_stat", ZS_NEED_BD },
	[ZS_F_DEBUG_STAT] = { "debug_stat", ZS_NEED_DEBUG },
	[ZS_F_MAX_COMP_STREAMS] = { "max_comp_streams", ZS_NEED_STREAMS },
	[ZS_F_BACKING_DEV] = { "backing_dev", ZS_NEED_BACKING },
	[ZS_F_WRITEBACK_LIMIT] = { "writeback_limit", ZS_NEED_BACKING },
	[ZS_F_WRITEBACK_LIMIT_ENABLE] = { "writeback_limit_enable", ZS_NEED_BACKING },
	[ZS_F_DISKSEQ] = { "diskseq", ZS_NEED_DISKSEQ },
};

/* Pre-4.1 kernels: one file per value instead of mm_stat and io_stat. */
static const char *const legacy_mm_files[ZS_MM_KNOWN] = {
	[ZS_MM_ORIG_DATA_SIZE] = "orig_data_size",
	[ZS_MM_COMPR_DATA_SIZE] = "compr_data_size",
	[ZS_MM_MEM_USED_TOTAL] = "mem_used_total",
	[ZS_MM_MEM_LIMIT] = "mem_limit",
	[ZS_MM_MEM_USED_MAX] = "mem_used_max",
	[ZS_MM_SAME_PAGES] = "zero_pages",
	[ZS_MM_PAGES_COMPACTED] = "num_migrated",
};

static const char *const legacy_io_files[ZS_IO_KNOWN] = {
	[ZS_IO_FAILED_READS] = "failed_reads",
	[ZS_IO_FAILED_WRITES] = "failed_writes",
	[ZS_IO_INVALID_IO] = "invalid_io",
	[ZS_IO_NOTIFY_FREE] = "notify_free",
};

static const char *file_name(enum zs_dev_file f)
{
	if (f < ZS_F_LEGACY_MM0)
		return dev_files[f].name;
	if (f < ZS_F_LEGACY_IO0)
		return legacy_mm_files[f - ZS_F_LEGACY_MM0];
	return legacy_io_files[f - ZS_F_LEGACY_IO0];
}

void zs_dev_files_init(struct zs_dev_files *f)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	for (unsigned int i = 0; i < ZS_F_COUNT_; i++)
		f->fd[i] = -1;
}

static void close_one(int *fd, struct zs_read_buf *rb)
{
	if (*fd >= 0) {
		close(*fd);
		rb->files--;
	}
	*fd = -1;
}

void zs_dev_files_close(struct zs_dev_files *f, struct zs_read_buf *rb)
{
	for (unsigned int i = 0; i < ZS_F_COUNT_; i++)
		close_one(&f->fd[i], rb);
	close_one(&f->dirfd, rb);
	zs_dev_files_init(f);
}

int zs_dev_files_open(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		      struct zs_read_buf *rb)
{
	char rel[64];
	int fd;

	snprintf(rel, sizeof(rel), "sys/block/%s", name);
	fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);
	rb->opens++;
	if (fd < 0)
		return fd == -ENOENT ? zs_ctx_fail(ctx, rel, -ENODEV) : fd;
	zs_dev_files_init(f);
	f->dirfd = fd;
	rb->files++;
	return 0;
}

static void fail_path(const char *name, enum zs_dev_file file, char *err_path, size_t size)
{
	snprintf(err_path, size, "sys/block/%s/%s", name, file_name(file));
}

/*
 * Read one file into rb->buf: through a kept descriptor (opened on first
 * use), or opened and closed now. -ENOENT when the kernel has no such file
 * (remembered, so a kept absent file costs nothing later).
 */
static int read_file(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		     enum zs_dev_file file, bool keep, struct zs_read_buf *rb)
{
	char rel[128];
	int fd = f->fd[file], r;

	if (fd == ZS_FD_ABSENT)
		return -ENOENT;
	/* top reads through kept descriptors every frame: name the path only when needed */
	if (fd < 0) {
		snprintf(rel, sizeof(rel), "sys/block/%s/%s", name, file_name(file));
		fd = zs_ctx_openat(ctx, f->dirfd, file_name(file), O_RDONLY, rel);
		rb->opens++;
		if (fd < 0) {
			if (fd == -ENOENT && keep)
				f->fd[file] = ZS_FD_ABSENT;
			return fd;
		}
		rb->files++;
		if (keep)
			f->fd[file] = fd;
	}
	r = zs_pread_all(fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, false, NULL);
	rb->reads++;
	if (!keep)
		close_one(&fd, rb);
	if (r < 0) {
		snprintf(rel, sizeof(rel), "sys/block/%s/%s", name, file_name(file));
		return zs_ctx_fail(ctx, rel, r);
	}
	return 0;
}

/* Read and parse; a parse failure names the file. */
#define READ_PARSED(file, keep, parse, out)                                               \
	({                                                                                \
		int _r = read_file(ctx, f, name, file, keep, rb);                         \
		if (_r >= 0)                                                              \
			_r = parse(rb->buf, out);                                         \
		if (_r < 0)                                                               \
			fail_path(name, file, err_path, err_size);                        \
		_r;                                                                       \
	})

/* An optional file: absent is fine (and clears has), garbled is not. */
static int optional(int r, bool *has, char *err_path)
{
	*has = r >= 0;
	if (r == -ENOENT) {
		err_path[0] = '\0';
		return 0;
	}
	return r;
}

static bool wanted(enum zs_dev_file file, unsigned int needs)
{
	return !dev_files[file].needs || (dev_files[file].needs & needs);
}

/* Pre-4.1: mm_stat or io_stat assembled from one-value files. */
static int read_legacy(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		       enum zs_dev_file first, unsigned int n, struct zs_read_buf *rb,
		       struct zs_stat *st, char *err_path, size_t err_size)
{
	struct zs_stat tmp = { .legacy = true };

	for (unsigned int i = 0; i < n; i++) {
		enum zs_dev_file file = (enum zs_dev_file)(first + i);
		int r;

		if (!file_name(file))
			continue;
		r = READ_PARSED(file, true, zs_parse_u64, &tmp.val[i]);
		if (r == -ENOENT) {
			err_path[0] = '\0';
			continue; /* absent stays absent */
		}
		if (r < 0)
			return r;
		tmp.present |= UINT32_C(1) << i;
		tmp.ncols = i + 1;
	}
	if (!tmp.present)
		return -ENOENT;
	*st = tmp;
	return 0;
}

/* mm_stat or io_stat, or their pre-4.1 files when the kernel lacks them. */
static int read_stat(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		     enum zs_dev_file file, bool *legacy, enum zs_dev_file first, unsigned int n,
		     int (*parse)(const char *, struct zs_stat *), struct zs_read_buf *rb,
		     struct zs_stat *st, char *err_path, size_t err_size)
{
	int r;

	if (!*legacy) {
		r = READ_PARSED(file, true, parse, st);
		if (r != -ENOENT)
			return r;
		*legacy = true;
	}
	return read_legacy(ctx, f, name, first, n, rb, st, err_path, err_size);
}

static int read_setup(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		      unsigned int needs, struct zs_read_buf *rb, struct zs_device *d,
		      char *err_path, size_t err_size)
{
	int r = 0;

	if (wanted(ZS_F_DEV, needs))
		r = optional(READ_PARSED(ZS_F_DEV, false, parse_devno, d), &d->has_devno,
			     err_path);
	if (r >= 0 && wanted(ZS_F_DISKSIZE, needs))
		r = READ_PARSED(ZS_F_DISKSIZE, false, zs_parse_u64, &d->disksize);
	if (r >= 0 && wanted(ZS_F_COMP_ALGORITHM, needs))
		r = optional(READ_PARSED(ZS_F_COMP_ALGORITHM, false, zs_parse_comp_algorithm,
					 &d->algorithms),
			     &d->has_algorithms, err_path);
	if (r >= 0 && wanted(ZS_F_MAX_COMP_STREAMS, needs))
		r = optional(READ_PARSED(ZS_F_MAX_COMP_STREAMS, false, zs_parse_u64,
					 &d->max_comp_streams),
			     &d->has_max_comp_streams, err_path);
	if (r >= 0 && wanted(ZS_F_DISKSEQ, needs))
		r = optional(READ_PARSED(ZS_F_DISKSEQ, false, zs_parse_u64, &d->diskseq),
			     &d->has_diskseq, err_path);
	else
		d->has_diskseq = false; /* set up anew: ZS_NEED_LEARNED reads it again */
	if (r >= 0 && wanted(ZS_F_BACKING_DEV, needs))
		r = optional(READ_PARSED(ZS_F_BACKING_DEV, false, parse_backing_dev,
					 d->backing_dev),
			     &d->has_backing_dev, err_path);
	return r;
}

int zs_dev_read_diskseq(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
			struct zs_read_buf *rb, struct zs_device *d, char *err_path,
			size_t err_size)
{
	err_path[0] = '\0';
	return optional(READ_PARSED(ZS_F_DISKSEQ, false, zs_parse_u64, &d->diskseq),
			&d->has_diskseq, err_path);
}

/* The backing device's free 4K pages: its size (sectors) less bd_count. */
static uint64_t backing_free(struct zs_ctx *ctx, const struct zs_device *dev)
{
	const char *base = strrchr(dev->backing_dev, '/');
	char rel[320], *text = NULL;
	uint64_t sectors, pages, used;

	if (!base || !base[1] || !zs_stat_has(&dev->bd, ZS_BD_COUNT))
		return UINT64_MAX;
	snprintf(rel, sizeof(rel), "sys/class/block/%s/size", base + 1);
	if (zs_ctx_read_file(ctx, rel, 64, &text) < 0)
		return UINT64_MAX;
	text[strcspn(text, "\n")] = '\0';
	if (zs_parse_u64(text, &sectors) < 0) {
		free(text);
		return UINT64_MAX;
	}
	free(text);
	pages = sectors / (ZS_WB_PAGE / 512);
	used = dev->bd.val[ZS_BD_COUNT];
	return used >= pages ? 0 : pages - used;
}

static bool strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/*
 * What maintain can do on the device: which post-processing attributes
 * the kernel has (one listing of the directory: write-only attributes
 * cannot be opened to look), recomp_algorithm's choice, the backing device
 * and writeback_limit (read before, ZS_NEED_BACKING), and access times.
 * Reads only: never a write to idle to probe it.
 */
static void read_maint_support(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
			       struct zs_read_buf *rb, struct zs_device *d)
{
	struct zs_maint_support *s = &d->maint;
	char rel[320], debugfs[256], **attrs = NULL, *text = NULL;
	int fd;

	memset(s, 0, sizeof(*s));
	s->backing_free = UINT64_MAX;
	snprintf(rel, sizeof(rel), "sys/block/%s", name);
	if (zs_ctx_list_dir(ctx, rel, &attrs, NULL) >= 0) {
		s->has_recompress = strv_has(attrs, "recompress");
		s->has_writeback = strv_has(attrs, "writeback");
		s->has_batch_size = strv_has(attrs, "writeback_batch_size");
		s->has_compressed_writeback = strv_has(attrs, "compressed_writeback") ||
					      strv_has(attrs, "writeback_compressed");
	}
	zs_strv_free(attrs);
	/* a secondary algorithm is set when recomp_algorithm brackets one */
	if (s->has_recompress && zs_dev_read_attr(ctx, f, name, "recomp_algorithm", rb, &text) >= 0)
		s->has_algorithm = text && strchr(text, '[') != NULL;
	free(text);
	s->has_backing = d->has_backing_dev && d->backing_dev[0] && strcmp(d->backing_dev, "none");
	s->has_limit = d->has_writeback_limit && d->has_writeback_limit_enable;
	if (s->has_backing)
		s->backing_free = backing_free(ctx, d);
	/*
	 * block_state is CONFIG_ZRAM_MEMORY_TRACKING's, which selects
	 * TRACK_ENTRY_ACTIME: idle takes an age. Never probed by writing to
	 * idle: on 6.13+ an age clears IDLE on younger pages.
	 */
	if (zs_ctx_find_debugfs(ctx, debugfs, sizeof(debugfs)) >= 0) {
		snprintf(rel, sizeof(rel), "%s%szram/%s/block_state", debugfs,
			 debugfs[0] ? "/" : "", name);
		fd = zs_ctx_open(ctx, rel, O_RDONLY);
		if (fd >= 0) {
			s->has_block_state = true;
			close(fd);
		}
	}
	d->has_maint = true;
}

int zs_dev_read(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name, unsigned int needs,
		struct zs_read_buf *rb, struct zs_device *d, char *err_path, size_t err_size)
{
	bool init, has;
	int r;

	err_path[0] = '\0';
	r = READ_PARSED(ZS_F_INITSTATE, true, parse_bool01, &init);
	if (r < 0)
		return r;
	if (!f->setup_known || init != d->initialised) {
		d->initialised = init;
		r = read_setup(ctx, f, name, needs, rb, d, err_path, err_size);
		if (r < 0)
			return r;
		f->setup_known = true;
	}
	if (needs & ZS_NEED_MM) {
		r = read_stat(ctx, f, name, ZS_F_MM_STAT, &f->legacy_mm, ZS_F_LEGACY_MM0,
			      ZS_MM_KNOWN, zs_parse_mm_stat, rb, &d->mm, err_path, err_size);
		if (r == -ENOENT)
			fail_path(name, ZS_F_MM_STAT, err_path, err_size);
		if (r < 0)
			return r;
		zs_mm_stat_vet_gate_column(ctx, &d->mm);
	}
	if (needs & ZS_NEED_IO) {
		r = read_stat(ctx, f, name, ZS_F_IO_STAT, &f->legacy_io, ZS_F_LEGACY_IO0,
			      ZS_IO_KNOWN, zs_parse_io_stat, rb, &d->io, err_path, err_size);
		if (r == -ENOENT) {
			err_path[0] = '\0';
			r = 0;
		}
		if (r < 0)
			return r;
	}
	if (needs & ZS_NEED_BD) {
		r = optional(READ_PARSED(ZS_F_BD_STAT, true, zs_parse_bd_stat, &d->bd), &has,
			     err_path);
		if (r < 0)
			return r;
	}
	if (needs & ZS_NEED_DEBUG) {
		r = optional(READ_PARSED(ZS_F_DEBUG_STAT, true, zs_parse_debug_stat, &d->debug),
			     &d->has_debug, err_path);
		if (r < 0)
			return r;
	}
	if (needs & ZS_NEED_BACKING) {
		r = optional(READ_PARSED(ZS_F_WRITEBACK_LIMIT, true, zs_parse_u64,
					 &d->writeback_limit),
			     &d->has_writeback_limit, err_path);
		if (r >= 0)
			r = optional(READ_PARSED(ZS_F_WRITEBACK_LIMIT_ENABLE, true, parse_bool01,
						 &d->writeback_limit_enable),
				     &d->has_writeback_limit_enable, err_path);
		if (r < 0)
			return r;
	}
	if (needs & ZS_NEED_MAINT)
		read_maint_support(ctx, f, name, rb, d);
	return 0;
}

int zs_dev_read_attr(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		     const char *attr, struct zs_read_buf *rb, char **ret)
{
	char rel[128], *copy;
	int fd, r;

	snprintf(rel, sizeof(rel), "sys/block/%s/%s", name, attr);
	fd = zs_ctx_openat(ctx, f->dirfd, attr, O_RDONLY, rel);
	rb->opens++;
	if (fd < 0)
		return fd;
	/*
	 * Linux 7.x's recomp_algorithm_show() adds zcomp_available_show()'s
	 * return, the buffer's new end rather than the length it wrote, to its
	 * own count: each "#N: " line comes followed by NUL bytes of sysfs's
	 * zeroed page (7.3.4 still does; 6.12's returns the length). Refused
	 * as garbled, they would hide the second algorithm from maintain.
	 */
	if (!strcmp(attr, "recomp_algorithm"))
		r = zs_pread_nul_padded(fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, NULL);
	else
		r = zs_pread_all(fd, &rb->buf, &rb->cap, ZS_ATTR_MAX, false, NULL);
	rb->reads++;
	close(fd);
	if (r < 0)
		return zs_ctx_fail(ctx, rel, r);
	copy = strdup(rb->buf);
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

void zs_device_identity(const struct zs_device *dev, struct zs_identity *ret)
{
	struct zs_identity id = { 0 };

	id.has_diskseq = dev->has_diskseq;
	id.diskseq = dev->diskseq;
	if (dev->initialised && zs_stat_has(&dev->mm, ZS_MM_PAGES_COMPACTED)) {
		id.has_pages_compacted = true;
		id.pages_compacted = dev->mm.val[ZS_MM_PAGES_COMPACTED];
	}
	*ret = id;
}

bool zs_identity_same(const struct zs_identity *of, const struct zs_identity *now)
{
	if (of->has_diskseq && now->has_diskseq && of->diskseq != now->diskseq)
		return false; /* another device under the same name */
	/* pages_compacted only grows from the device's set-up: below the record, a reset */
	return !(of->has_pages_compacted && now->has_pages_compacted &&
		 now->pages_compacted < of->pages_compacted);
}

void zs_device_clear(struct zs_device *dev)
{
	zs_strv_free(dev->mountpoints);
	dev->mountpoints = NULL;
}
