// SPDX-License-Identifier: GPL-2.0-or-later
/* zram devices: discovery and their sysfs attributes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "internal.h"

static unsigned int devname_id(const char *name)
{
	return (unsigned int)strtoul(name + 4, NULL, 10);
}

static int cmp_devname(const void *a, const void *b)
{
	unsigned int ia = devname_id(*(char *const *)a), ib = devname_id(*(char *const *)b);

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

/* Read sys/block/<dev>/<attr>. Returns -ENOENT when the attribute is absent. */
static int read_attr(struct zs_ctx *ctx, const char *dev, const char *attr, char **ret)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/block/%s/%s", dev, attr);
	return zs_ctx_read_file(ctx, rel, ZS_ATTR_MAX, ret);
}

/*
 * Read and parse one attribute with parse(text, out). A parse failure is
 * recorded against the attribute's path.
 */
#define READ_PARSED(ctx, dev, attr, parse, out)                                    \
	({                                                                         \
		char *_buf = NULL;                                                 \
		int _r = read_attr(ctx, dev, attr, &_buf);                         \
		if (_r >= 0) {                                                     \
			_r = parse(_buf, out);                                     \
			if (_r < 0) {                                              \
				char _rel[128];                                    \
				snprintf(_rel, sizeof(_rel), "sys/block/%s/%s", dev, attr); \
				zs_ctx_fail(ctx, _rel, _r);                        \
			}                                                          \
		}                                                                  \
		free(_buf);                                                        \
		_r;                                                                \
	})

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

/* Pre-4.1 kernels: one file per value instead of mm_stat and io_stat. */
static int read_legacy_stat(struct zs_ctx *ctx, const char *dev, const char *const *files,
			    unsigned int nfiles, struct zs_stat *st)
{
	struct zs_stat tmp = { .legacy = true };

	for (unsigned int i = 0; i < nfiles; i++) {
		int r;

		if (!files[i])
			continue;
		r = READ_PARSED(ctx, dev, files[i], zs_parse_u64, &tmp.val[i]);
		if (r == -ENOENT)
			continue; /* absent stays absent */
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

const char *const zs_legacy_mm_files[ZS_MM_KNOWN] = {
	[ZS_MM_ORIG_DATA_SIZE] = "orig_data_size",
	[ZS_MM_COMPR_DATA_SIZE] = "compr_data_size",
	[ZS_MM_MEM_USED_TOTAL] = "mem_used_total",
	[ZS_MM_MEM_LIMIT] = "mem_limit",
	[ZS_MM_MEM_USED_MAX] = "mem_used_max",
	[ZS_MM_SAME_PAGES] = "zero_pages",
	[ZS_MM_PAGES_COMPACTED] = "num_migrated",
};

const char *const zs_legacy_io_files[ZS_IO_KNOWN] = {
	[ZS_IO_FAILED_READS] = "failed_reads",
	[ZS_IO_FAILED_WRITES] = "failed_writes",
	[ZS_IO_INVALID_IO] = "invalid_io",
	[ZS_IO_NOTIFY_FREE] = "notify_free",
};

/*
 * mm_stat's tenth column comes from zsctl's kernel series (kernel/), which
 * upstream has not taken. Upstream prints nine columns up to 7.3 (7.3.4's
 * mm_stat_show(); columns are never removed, so no earlier release printed
 * a tenth): on a release at most 7.3 a tenth column can only be the
 * series' compact_gated. A newer release may have
 * appended a column of its own: its tenth stays an unknown column until
 * zsctl learns the release that took the series in. Unknown when the
 * release cannot be read (a dump without proc/sys/kernel/osrelease).
 */
#define ZS_NINE_COLUMNS_MAJOR 7
#define ZS_NINE_COLUMNS_MINOR 3

static bool release_has_series_column(struct zs_ctx *ctx)
{
	char saved[sizeof(ctx->error_path)], *text = NULL, *end;
	unsigned long major, minor;
	bool ok = false;

	/* a missing osrelease is an answer here, not the error of the caller */
	memcpy(saved, ctx->error_path, sizeof(saved));
	if (zs_ctx_read_file(ctx, "proc/sys/kernel/osrelease", 256, &text) >= 0 &&
	    text[0] >= '0' && text[0] <= '9') {
		major = strtoul(text, &end, 10);
		if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
			minor = strtoul(end + 1, &end, 10);
			ok = major < ZS_NINE_COLUMNS_MAJOR ||
			     (major == ZS_NINE_COLUMNS_MAJOR && minor <= ZS_NINE_COLUMNS_MINOR);
		}
	}
	free(text);
	memcpy(ctx->error_path, saved, sizeof(saved));
	return ok;
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

/* An optional attribute: absent is fine, garbled is not. */
static int optional(int r, bool *has)
{
	*has = r >= 0;
	return r == -ENOENT ? 0 : r;
}

static int device_read(struct zs_ctx *ctx, const char *name, struct zs_device *d)
{
	char rel[64];
	bool has;
	int r, fd;

	snprintf(rel, sizeof(rel), "sys/block/%s", name);
	fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ENOENT ? -ENODEV : fd;
	close(fd);

	strcpy(d->name, name);
	d->id = devname_id(name);

	r = optional(READ_PARSED(ctx, name, "dev", parse_devno, d), &d->has_devno);
	if (r < 0)
		return r;
	r = READ_PARSED(ctx, name, "initstate", parse_bool01, &d->initialised);
	if (r < 0)
		return r;
	r = READ_PARSED(ctx, name, "disksize", zs_parse_u64, &d->disksize);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "comp_algorithm", zs_parse_comp_algorithm,
				 &d->algorithms),
		     &d->has_algorithms);
	if (r < 0)
		return r;

	r = READ_PARSED(ctx, name, "mm_stat", zs_parse_mm_stat, &d->mm);
	if (r == -ENOENT)
		r = read_legacy_stat(ctx, name, zs_legacy_mm_files, ZS_MM_KNOWN, &d->mm);
	if (r < 0)
		return r;
	zs_mm_stat_vet_gate_column(ctx, &d->mm);
	r = READ_PARSED(ctx, name, "io_stat", zs_parse_io_stat, &d->io);
	if (r == -ENOENT)
		r = read_legacy_stat(ctx, name, zs_legacy_io_files, ZS_IO_KNOWN, &d->io);
	if (r < 0 && r != -ENOENT)
		return r;
	r = optional(READ_PARSED(ctx, name, "bd_stat", zs_parse_bd_stat, &d->bd), &has);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "debug_stat", zs_parse_debug_stat, &d->debug),
		     &d->has_debug);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "max_comp_streams", zs_parse_u64,
				 &d->max_comp_streams),
		     &d->has_max_comp_streams);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "backing_dev", parse_backing_dev, d->backing_dev),
		     &d->has_backing_dev);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "writeback_limit", zs_parse_u64, &d->writeback_limit),
		     &d->has_writeback_limit);
	if (r < 0)
		return r;
	r = optional(READ_PARSED(ctx, name, "writeback_limit_enable", parse_bool01,
				 &d->writeback_limit_enable),
		     &d->has_writeback_limit_enable);
	return r;
}

int zs_device_read(struct zs_ctx *ctx, const char *name, struct zs_device *ret)
{
	struct zs_device d = { 0 };
	char rel[64];
	int r, fd;

	if (!zs_devname_valid(name))
		return -EINVAL;
	r = device_read(ctx, name, &d);
	if (r == -ENOENT || r == -ENODEV) {
		/* an attribute every zram device has is gone: the device went away */
		snprintf(rel, sizeof(rel), "sys/block/%s", name);
		fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);
		if (fd >= 0)
			close(fd);
		else
			r = zs_ctx_fail(ctx, rel, -ENODEV);
	}
	if (r < 0)
		return r;
	*ret = d;
	return 0;
}

void zs_device_clear(struct zs_device *dev)
{
	zs_strv_free(dev->mountpoints);
	dev->mountpoints = NULL;
}
