// SPDX-License-Identifier: GPL-2.0-or-later
/* Who uses a zram device: mount points (mountinfo) and swap (proc/swaps), with libmount. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <libmount.h>

#include "internal.h"

static struct zs_device *find_by_devno(struct zs_device *const *devs, size_t n, dev_t devno)
{
	for (size_t i = 0; i < n; i++)
		if (devs[i]->has_devno && makedev(devs[i]->major, devs[i]->minor) == devno)
			return devs[i];
	return NULL;
}

static struct zs_device *find_by_source(struct zs_device *const *devs, size_t n, const char *src)
{
	if (!src || strncmp(src, "/dev/", 5))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(devs[i]->name, src + 5))
			return devs[i];
	return NULL;
}

struct zs_device *zs_users_mount_device(struct libmnt_fs *fs, struct zs_device *const *devs,
					size_t n)
{
	struct zs_device *d = find_by_devno(devs, n, mnt_fs_get_devno(fs));

	if (!d)
		d = find_by_source(devs, n, mnt_fs_get_source(fs));
	return d && mnt_fs_get_target(fs) ? d : NULL;
}

int zs_users_read_mounts(struct zs_ctx *ctx, struct zs_device *const *devs, size_t n)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r;

	for (size_t i = 0; i < n; i++)
		zs_device_clear(devs[i]);
	r = zs_ctx_mountinfo(ctx, &tb);
	/* a dump without proc/ has no users to show, which is not an error */
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (r >= 0 && mnt_table_next_fs(tb, it, &fs) == 0) {
		struct zs_device *d = zs_users_mount_device(fs, devs, n);
		size_t count = 0;

		if (!d)
			continue;
		while (d->mountpoints && d->mountpoints[count])
			count++;
		r = zs_strv_push(&d->mountpoints, &count, mnt_fs_get_target(fs));
	}
	mnt_free_iter(it);
	return r;
}

int zs_users_read_swaps(struct zs_ctx *ctx, struct zs_device *const *devs, size_t n)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r;

	for (size_t i = 0; i < n; i++) {
		devs[i]->is_swap = false;
		memset(&devs[i]->swap, 0, sizeof(devs[i]->swap));
	}
	r = zs_ctx_parse_table(ctx, "proc/swaps", true, &tb);
	if (r == -ENOENT)
		return 0; /* no swap support in the kernel, or a dump without proc/ */
	if (r < 0)
		return r;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it) {
		mnt_unref_table(tb);
		return -ENOMEM;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		struct zs_device *d = find_by_source(devs, n, mnt_fs_get_source(fs));

		if (!d)
			continue;
		d->is_swap = true;
		/* /proc/swaps counts KiB */
		d->swap.size = zs_mul_sat((uint64_t)mnt_fs_get_size(fs), 1024);
		d->swap.used = zs_mul_sat((uint64_t)mnt_fs_get_usedsize(fs), 1024);
		d->swap.priority = mnt_fs_get_priority(fs);
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return 0;
}

int zs_devices_read_users(struct zs_ctx *ctx, struct zs_device *devs, size_t n)
{
	struct zs_device **p = calloc(n ? n : 1, sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	zs_ctx_begin(ctx);
	for (size_t i = 0; i < n; i++)
		p[i] = &devs[i];
	r = zs_users_read_mounts(ctx, p, n);
	if (r >= 0)
		r = zs_users_read_swaps(ctx, p, n);
	free(p);
	return r;
}
