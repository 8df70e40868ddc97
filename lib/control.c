// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating, resetting and removing zram devices: zram-control's hot_add and
 * hot_remove, the device's reset, done the way udev expects (see the
 * comment in zsctl.h), and who keeps a device from being reset or removed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#include "internal.h"

#define NSEC_PER_MSEC UINT64_C(1000000)
#define NSEC_PER_SEC UINT64_C(1000000000)

/* zramctl waits as long for udev to initialise a device */
#define UDEV_WAIT_NS (3 * NSEC_PER_SEC)
/*
 * udevd probes a zram device in milliseconds; a retry after each of these
 * pauses (0.3 s in all) outlasts a probe that began just before the
 * write, and is short enough that a real user is reported at once.
 */
static const unsigned int busy_pause_ms[] = { 10, 20, 40, 80, 150 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * What `udevadm settle` and `udevadm wait` do, for one device: until udev's
 * database has the device (it has processed an event of it) and its queue
 * is empty (no event of it is pending), at most UDEV_WAIT_NS. Without a
 * running udevd (containers, small systems) there is nothing to wait for.
 */
static void wait_for_udev(const char *dev, struct zs_busy_wait *w)
{
	struct udev *udev = udev_new();
	struct udev_queue *queue = NULL;
	uint64_t start = now_ns(), now;
	int fd;

	if (!udev)
		return;
	queue = udev_queue_new(udev);
	if (!queue || udev_queue_get_udev_is_active(queue) <= 0)
		goto out;
	w->udev_active = true;
	/* inotify on udev's run directory: wakes up when the queue empties */
	fd = udev_queue_get_fd(queue);
	for (;;) {
		struct udev_device *d = udev_device_new_from_subsystem_sysname(udev, "block", dev);
		bool settled;
		uint64_t left;

		if (!d)
			break; /* gone: the write says so */
		settled = udev_device_get_is_initialized(d) > 0 &&
			  udev_queue_get_queue_is_empty(queue) > 0;
		udev_device_unref(d);
		if (settled)
			break;
		now = now_ns();
		if (now - start >= UDEV_WAIT_NS) {
			w->udev_timed_out = true;
			break;
		}
		/* the database is not watched: look again every 10 ms */
		left = (UDEV_WAIT_NS - (now - start)) / NSEC_PER_MSEC + 1;
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, left < 10 ? (int)left : 10) > 0)
				udev_queue_flush(queue);
		} else {
			pause_ms(left < 10 ? (unsigned int)left : 10);
		}
	}
	w->udev_wait_ns = now_ns() - start;
out:
	udev_queue_unref(queue);
	udev_unref(udev);
}

/*
 * udev's convention for block devices: udevd holds flock(LOCK_SH) on the
 * node while it processes an event, and skips (puts off) an event while
 * another process holds LOCK_EX. -EWOULDBLOCK when the lock is held; 0
 * otherwise, also when the node cannot be opened (no devtmpfs, not root):
 * then the write says what is wrong. The node is closed at once: the
 * kernel counts zsctl's own open as a user too.
 */
static int probe_lock(struct zs_ctx *ctx, const char *dev)
{
	char rel[ZS_DEVNAME_MAX + 8];
	int fd, r = 0;

	snprintf(rel, sizeof(rel), "dev/%s", dev);
	/* O_RDONLY: closing a node opened for writing makes udev probe it again */
	fd = zs_ctx_open(ctx, rel, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		r = -EWOULDBLOCK;
	close(fd);
	return r;
}

/* Write value to rel, a write the kernel refuses while dev is open. */
static int write_when_closed(struct zs_ctx *ctx, const char *dev, const char *rel,
			     const char *value, struct zs_busy_wait *w)
{
	bool live = zs_ctx_is_live(ctx);
	int r;

	memset(w, 0, sizeof(*w));
	if (live)
		wait_for_udev(dev, w);
	for (size_t i = 0;; i++) {
		bool last = i == ZS_ARRAY_SIZE(busy_pause_ms);

		w->locked = live && probe_lock(ctx, dev) == -EWOULDBLOCK;
		if (w->locked) {
			w->lock_busy++;
			if (!last) {
				pause_ms(busy_pause_ms[i]);
				continue;
			}
		}
		r = zs_ctx_write_line(ctx, rel, value);
		if (r != -EBUSY)
			return r;
		w->ebusy++;
		if (last)
			return r;
		pause_ms(busy_pause_ms[i]);
	}
}

int zs_device_reset(struct zs_ctx *ctx, const char *dev, struct zs_busy_wait *wait)
{
	char rel[64];

	if (!zs_devname_valid(dev))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "sys/block/%s/reset", dev);
	return write_when_closed(ctx, dev, rel, "1", wait);
}

int zs_control_remove(struct zs_ctx *ctx, const char *dev, struct zs_busy_wait *wait)
{
	if (!zs_devname_valid(dev))
		return -EINVAL;
	/* hot_remove takes the number alone */
	return write_when_closed(ctx, dev, "sys/class/zram-control/hot_remove", dev + 4, wait);
}

int zs_control_add(struct zs_ctx *ctx, char name[ZS_DEVNAME_MAX])
{
	static const char rel[] = "sys/class/zram-control/hot_add";
	char *text = NULL, buf[ZS_DEVNAME_MAX];
	uint64_t id;
	int r;

	/* one read of the file is one new device: read it exactly once */
	r = zs_ctx_read_file(ctx, rel, 64, &text);
	if (r < 0)
		return r;
	r = zs_parse_u64(text, &id);
	free(text);
	if (r < 0 || id > 999999999u)
		return zs_ctx_fail(ctx, rel, -EINVAL);
	snprintf(buf, sizeof(buf), "zram%" PRIu64, id);
	memcpy(name, buf, ZS_DEVNAME_MAX);
	return 0;
}

/* ---- users ------------------------------------------------------------------ */

static int read_holders(struct zs_ctx *ctx, const char *dev, struct zs_users *u)
{
	char rel[64 + ZS_HOLDER_NAME_MAX], **names = NULL;
	size_t n = 0;
	int r;

	snprintf(rel, sizeof(rel), "sys/block/%s/holders", dev);
	r = zs_ctx_list_dir(ctx, rel, &names, &n);
	if (r == -ENOENT)
		return 0; /* a dump without it, or a kernel without sysfs holders */
	if (r < 0)
		return r;
	u->holders = n ? calloc(n, sizeof(*u->holders)) : NULL;
	if (n && !u->holders) {
		zs_strv_free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct zs_holder *h = &u->holders[u->nholders];
		char *dm = NULL;

		/* a kernel block device name: nothing to build a path from otherwise */
		if (strlen(names[i]) >= sizeof(h->name) || strchr(names[i], '/'))
			continue;
		snprintf(h->name, sizeof(h->name), "%s", names[i]);
		snprintf(rel, sizeof(rel), "sys/block/%s/holders/%s/dm/name", dev, h->name);
		if (zs_ctx_read_file(ctx, rel, 4096, &dm) >= 0) {
			dm[strcspn(dm, "\n")] = '\0';
			snprintf(h->dm_name, sizeof(h->dm_name), "%s", dm);
			free(dm);
		}
		u->nholders++;
	}
	zs_strv_free(names);
	return 0;
}

int zs_device_users(struct zs_ctx *ctx, const struct zs_device *dev, struct zs_users *ret)
{
	struct zs_device d = *dev;
	struct zs_users u = { 0 };
	int r;

	d.mountpoints = NULL;
	d.is_swap = false;
	/* a mount may have come or gone since the context's first look */
	zs_ctx_forget_mountinfo(ctx);
	r = zs_devices_read_users(ctx, &d, 1);
	if (r >= 0)
		r = read_holders(ctx, dev->name, &u);
	u.is_swap = d.is_swap;
	u.mountpoints = d.mountpoints;
	if (r < 0) {
		zs_users_clear(&u);
		return r;
	}
	*ret = u;
	return 0;
}

bool zs_users_any(const struct zs_users *u)
{
	return u->is_swap || (u->mountpoints && u->mountpoints[0]) || u->nholders;
}

void zs_users_clear(struct zs_users *u)
{
	zs_strv_free(u->mountpoints);
	free(u->holders);
	memset(u, 0, sizeof(*u));
}
