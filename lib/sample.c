// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sampler behind zsctl top: every file a refresh needs is opened once
 * and re-read with pread(fd, buf, size, 0), so that a steady-state refresh
 * costs one read per attribute file and no open or close.
 *
 * sysfs attributes and debugfs' classes file are single records that one
 * read with a large enough buffer returns whole, and a regular file in a
 * dump returns everything up to its end: a read shorter than the buffer
 * is the whole file. proc/swaps is a seq_file of many records, which may
 * stop short of the end, so it is read until a read returns 0.
 *
 * Hotplug: live, a netlink monitor of kernel uevents (there may be no udevd
 * to relay udev's own), filtered on block devices; without one, sys/block
 * is listed at most once a second. Under --sysroot, the directories are
 * held open and fstat()ed on every refresh; they are listed again when
 * their mtime, ctime or link count moves (and for a second after, since a
 * timestamp cannot tell two changes in one clock tick apart).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmount.h>
#include <libudev.h>

#include "internal.h"

#define SAMPLE_BUF_INITIAL (64 * 1024)
#define SAMPLE_SWAPS_MAX (1024 * 1024)
#define LIVE_RESCAN_NS 1000000000ull /* without a monitor, list sys/block at most this often */
#define RACY_NS 1000000000ull
#define RETRY_NS 2000000000ull

/* A directory whose entries we follow. */
struct dir_watch {
	int fd; /* -1 when not open */
	struct stat st;
	uint64_t listed_ns; /* wall clock when it was last listed */
	bool listed;
};

struct dev_slot {
	char name[ZS_DEVNAME_MAX];
	int fd_init;
	int fd_mm; /* -1 on pre-4.1 kernels: */
	int fd_legacy[ZS_MM_KNOWN];
	bool init_known;
	bool gone;
	int err;
	struct zs_device dev;
};

struct pool_slot {
	int fd;
	int err;
	bool valid; /* parsed at least once */
};

struct zs_sampler {
	struct zs_ctx *ctx;

	struct dev_slot *devs;
	size_t ndevs;

	/* pools[i] and pslots[i] go together; pools is what the sample shows */
	struct zs_pool *pools;
	struct pool_slot *pslots;
	size_t npools;
	enum zs_classes_status cstatus;
	bool debugfs_looked_up;
	char pool_dir[PATH_MAX - 128]; /* <debugfs>/zsmalloc, "" without debugfs */

	int fd_swaps;
	bool swaps_regular; /* a dump's plain file: one read is all of it */
	bool swaps_tried;

	char *buf;
	size_t cap;

	struct udev *udev;
	struct udev_monitor *mon;
	struct dir_watch block_watch, pool_watch;
	bool scan_devices, scan_pools;
	uint64_t last_scan_ns;
	/*
	 * A device or pool listed but not yet openable (sysfs shows the
	 * directory a moment before its attributes): look again until then.
	 */
	uint64_t retry_devices_until_ns, retry_pools_until_ns;
	char **listed_devices, **listed_pools; /* the names of the last listings */

	bool has_gate;
	char lock_path[PATH_MAX], state_path[PATH_MAX];
	struct stat lock_st;
	bool lock_exists, gate_loaded;
	struct zs_state *state;
	struct zs_sample_gate gate;

	struct zs_sample_event *events;
	size_t nevents, events_cap;
	struct zs_sample_device *sdevs;
	size_t sdevs_cap;
	struct zs_sample sample;
	struct zs_sampler_stats stats;
	bool first_done;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static void close_fd(struct zs_sampler *s, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		s->stats.files--;
	}
	*fd = -1;
}

static int open_rel(struct zs_sampler *s, const char *rel, int flags)
{
	int fd = zs_ctx_open(s->ctx, rel, flags);

	s->stats.opens++;
	if (fd >= 0)
		s->stats.files++;
	return fd;
}

static void add_event(struct zs_sampler *s, enum zs_sample_event_kind kind, bool is_pool,
		      const char *name, int err, const char *path)
{
	struct zs_sample_event *e;

	if (s->nevents == s->events_cap) {
		size_t cap = s->events_cap ? s->events_cap * 2 : 8;
		struct zs_sample_event *ne = realloc(s->events, cap * sizeof(*ne));

		if (!ne)
			return; /* an event lost to memory shortage; the screen still shows the truth */
		s->events = ne;
		s->events_cap = cap;
	}
	e = &s->events[s->nevents++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->is_pool = is_pool;
	e->err = err;
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (path)
		snprintf(e->path, sizeof(e->path), "%s", path);
}

/*
 * Read a whole file with pread() from offset 0 into s->buf (NUL-terminated).
 * until_eof: keep reading until a read returns 0 (seq_files of many records).
 */
static int read_fd(struct zs_sampler *s, int fd, size_t max, bool until_eof, size_t *len)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		if (n == s->cap) {
			char *nb;

			if (s->cap >= max)
				return -EFBIG;
			nb = realloc(s->buf, s->cap * 2 + 1);
			if (!nb)
				return -ENOMEM;
			s->buf = nb;
			s->cap *= 2;
		}
		r = pread(fd, s->buf + n, s->cap - n, (off_t)n);
		s->stats.reads++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n += (size_t)r;
		if (r == 0 || (!until_eof && n < s->cap))
			break;
	}
	s->buf[n] = '\0';
	if (memchr(s->buf, '\0', n))
		return -EINVAL; /* sysfs and debugfs text never holds a NUL */
	if (len)
		*len = n;
	return 0;
}

/* Errors of a read that mean the file's object is gone. */
static bool vanished(int r)
{
	return r == -ENODEV || r == -ENOENT || r == -ENXIO;
}

/* ---- directory watches ------------------------------------------------- */

static void watch_close(struct zs_sampler *s, struct dir_watch *w)
{
	close_fd(s, &w->fd);
	w->listed = false;
}

static int watch_open(struct zs_sampler *s, struct dir_watch *w, const char *rel)
{
	int fd;

	watch_close(s, w);
	fd = open_rel(s, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	w->fd = fd;
	return 0;
}

/* Call right before listing the directory. */
static void watch_listed(struct dir_watch *w)
{
	if (w->fd < 0 || fstat(w->fd, &w->st) < 0) {
		w->listed = false;
		return;
	}
	w->listed_ns = clock_ns(CLOCK_REALTIME);
	w->listed = true;
}

/* Has the directory changed since it was listed (or could it have)? */
static bool watch_changed(const struct dir_watch *w)
{
	struct stat st;

	if (w->fd < 0 || !w->listed)
		return true;
	if (fstat(w->fd, &st) < 0)
		return true;
	if (st.st_ino != w->st.st_ino || st.st_nlink != w->st.st_nlink ||
	    st.st_size != w->st.st_size || ts_ns(&st.st_mtim) != ts_ns(&w->st.st_mtim) ||
	    ts_ns(&st.st_ctim) != ts_ns(&w->st.st_ctim))
		return true;
	/* changed in the same tick as the listing, or just after it: look again */
	return ts_ns(&st.st_mtim) + RACY_NS > w->listed_ns ||
	       ts_ns(&st.st_ctim) + RACY_NS > w->listed_ns;
}

/* ---- devices ------------------------------------------------------------- */


static void slot_close(struct zs_sampler *s, struct dev_slot *d)
{
	close_fd(s, &d->fd_init);
	close_fd(s, &d->fd_mm);
	for (unsigned int i = 0; i < ZS_MM_KNOWN; i++)
		close_fd(s, &d->fd_legacy[i]);
}

static int slot_open(struct zs_sampler *s, struct dev_slot *d, const char *name)
{
	char rel[128];
	bool any = false;

	memset(d, 0, sizeof(*d));
	d->fd_init = d->fd_mm = -1;
	for (unsigned int i = 0; i < ZS_MM_KNOWN; i++)
		d->fd_legacy[i] = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->dev.name, sizeof(d->dev.name), "%s", name);
	d->dev.id = (unsigned int)strtoul(name + 4, NULL, 10);

	snprintf(rel, sizeof(rel), "sys/block/%s/initstate", name);
	d->fd_init = open_rel(s, rel, O_RDONLY);
	if (d->fd_init < 0) {
		int r = d->fd_init;

		d->fd_init = -1;
		return r == -ENOENT ? -ENODEV : r;
	}
	snprintf(rel, sizeof(rel), "sys/block/%s/mm_stat", name);
	d->fd_mm = open_rel(s, rel, O_RDONLY);
	if (d->fd_mm >= 0)
		return 0;
	if (d->fd_mm != -ENOENT) {
		int r = d->fd_mm;

		d->fd_mm = -1;
		slot_close(s, d);
		return r;
	}
	d->fd_mm = -1;
	/* pre-4.1: one file per value */
	for (unsigned int i = 0; i < ZS_MM_KNOWN; i++) {
		if (!zs_legacy_mm_files[i])
			continue;
		snprintf(rel, sizeof(rel), "sys/block/%s/%s", name, zs_legacy_mm_files[i]);
		d->fd_legacy[i] = open_rel(s, rel, O_RDONLY);
		if (d->fd_legacy[i] >= 0)
			any = true;
		else
			d->fd_legacy[i] = -1;
	}
	if (!any) {
		slot_close(s, d);
		return -ENODEV;
	}
	return 0;
}

/* Read a file of one decimal number. */
static int read_parse_u64(struct zs_sampler *s, int fd, uint64_t *v)
{
	int r = read_fd(s, fd, ZS_ATTR_MAX, false, NULL);

	return r < 0 ? r : zs_parse_u64(s->buf, v);
}

/* disksize and comp_algorithm: read when the device appears or its initstate moves. */
static void slot_read_setup(struct zs_sampler *s, struct dev_slot *d)
{
	char rel[128], *text = NULL;

	snprintf(rel, sizeof(rel), "sys/block/%s/disksize", d->name);
	s->stats.opens++;
	if (zs_ctx_read_file(s->ctx, rel, ZS_ATTR_MAX, &text) >= 0) {
		if (zs_parse_u64(text, &d->dev.disksize) < 0)
			d->dev.disksize = 0;
		free(text);
		text = NULL;
	}
	snprintf(rel, sizeof(rel), "sys/block/%s/comp_algorithm", d->name);
	s->stats.opens++;
	d->dev.has_algorithms = false;
	if (zs_ctx_read_file(s->ctx, rel, ZS_ATTR_MAX, &text) >= 0) {
		d->dev.has_algorithms = zs_parse_comp_algorithm(text, &d->dev.algorithms) >= 0;
		free(text);
	}
}

static int slot_read_mm(struct zs_sampler *s, struct dev_slot *d, const char **file)
{
	struct zs_stat st = { .legacy = true };
	int r;

	if (d->fd_mm >= 0) {
		*file = "mm_stat";
		r = read_fd(s, d->fd_mm, ZS_ATTR_MAX, false, NULL);
		if (r >= 0)
			r = zs_parse_mm_stat(s->buf, &st);
		if (r >= 0) {
			zs_mm_stat_vet_gate_column(s->ctx, &st);
			d->dev.mm = st;
		}
		return r;
	}
	for (unsigned int i = 0; i < ZS_MM_KNOWN; i++) {
		if (d->fd_legacy[i] < 0)
			continue;
		*file = zs_legacy_mm_files[i];
		r = read_parse_u64(s, d->fd_legacy[i], &st.val[i]);
		if (r < 0)
			return r;
		st.present |= UINT32_C(1) << i;
		st.ncols = i + 1;
	}
	d->dev.mm = st;
	return 0;
}

/* One refresh of one device: 0, or -ENODEV when it went away. */
static int slot_read(struct zs_sampler *s, struct dev_slot *d)
{
	const char *file = "initstate";
	char rel[192];
	uint64_t init;
	int r;

	r = read_parse_u64(s, d->fd_init, &init);
	if (r >= 0 && init > 1)
		r = -EINVAL;
	if (r >= 0) {
		bool now = init == 1;

		if (!d->init_known || now != d->dev.initialised) {
			if (d->init_known)
				s->scan_pools = true; /* a pool was created or destroyed */
			d->dev.initialised = now;
			d->init_known = true;
			slot_read_setup(s, d);
		}
		r = slot_read_mm(s, d, &file);
	}
	if (vanished(r))
		return -ENODEV;
	if (r < 0 && r != d->err) {
		snprintf(rel, sizeof(rel), "sys/block/%s/%s", d->name, file);
		add_event(s, ZS_SAMPLE_FAILED, false, d->name, r, rel);
	}
	d->err = r < 0 ? r : 0;
	return 0;
}

static struct dev_slot *find_slot(struct zs_sampler *s, const char *name)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (!strcmp(s->devs[i].name, name))
			return &s->devs[i];
	return NULL;
}

static bool in_strv(char **names, const char *name)
{
	for (char **p = names; p && *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

static void drop_gone_slots(struct zs_sampler *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->ndevs; i++) {
		if (s->devs[i].gone) {
			slot_close(s, &s->devs[i]);
			continue;
		}
		if (i != j)
			s->devs[j] = s->devs[i];
		j++;
	}
	s->ndevs = j;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct dev_slot *x = a, *y = b;

	return x->dev.id < y->dev.id ? -1 : x->dev.id > y->dev.id;
}

/* The list of devices against the slots: open the new, close the gone. */
static int scan_devices(struct zs_sampler *s)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	s->stats.scans++;
	s->last_scan_ns = clock_ns(CLOCK_MONOTONIC);
	if (!zs_ctx_is_live(s->ctx)) {
		if (s->block_watch.fd < 0)
			watch_open(s, &s->block_watch, "sys/block");
		watch_listed(&s->block_watch);
	}
	r = zs_enumerate_devices(s->ctx, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->ndevs; i++) {
		if (!in_strv(names, s->devs[i].name)) {
			s->devs[i].gone = true;
			add_event(s, ZS_SAMPLE_REMOVED, false, s->devs[i].name, 0, NULL);
			s->scan_pools = true;
		}
	}
	drop_gone_slots(s);
	for (size_t i = 0; i < n; i++) {
		struct dev_slot *d, *nd;

		if (find_slot(s, names[i]))
			continue;
		nd = realloc(s->devs, (s->ndevs + 1) * sizeof(*nd));
		if (!nd) {
			zs_strv_free(names);
			return -ENOMEM;
		}
		s->devs = nd;
		d = &s->devs[s->ndevs];
		r = slot_open(s, d, names[i]);
		if (r < 0) {
			/*
			 * Gone since the listing, or not ready yet: a name new to
			 * the listing is looked for again for a while (once:
			 * a directory that never becomes a device costs nothing).
			 */
			if (!in_strv(s->listed_devices, names[i]))
				s->retry_devices_until_ns = clock_ns(CLOCK_MONOTONIC) + RETRY_NS;
			continue;
		}
		s->ndevs++;
		if (s->first_done)
			add_event(s, ZS_SAMPLE_ADDED, false, d->name, 0, NULL);
		s->scan_pools = true;
	}
	zs_strv_free(s->listed_devices);
	s->listed_devices = names;
	qsort(s->devs, s->ndevs, sizeof(*s->devs), cmp_slot);
	return 0;
}

/* ---- pools ---------------------------------------------------------------- */

static void pool_remove(struct zs_sampler *s, size_t i)
{
	close_fd(s, &s->pslots[i].fd);
	zs_pool_clear(&s->pools[i]);
	memmove(&s->pools[i], &s->pools[i + 1], (s->npools - i - 1) * sizeof(*s->pools));
	memmove(&s->pslots[i], &s->pslots[i + 1], (s->npools - i - 1) * sizeof(*s->pslots));
	s->npools--;
}

static void pools_remove_all(struct zs_sampler *s)
{
	while (s->npools)
		pool_remove(s, s->npools - 1);
}

static int pool_add(struct zs_sampler *s, const char *name)
{
	char rel[PATH_MAX];
	struct zs_pool *np;
	struct pool_slot *ns;
	size_t at = 0;
	int fd;

	if (strlen(name) >= sizeof(np->name))
		return 0; /* not a name zsmalloc makes */
	snprintf(rel, sizeof(rel), "%s/%s/classes", s->pool_dir, name);
	fd = open_rel(s, rel, O_RDONLY);
	if (fd < 0) {
		/* gone since the listing, or not ready yet: as for devices */
		if (!in_strv(s->listed_pools, name))
			s->retry_pools_until_ns = clock_ns(CLOCK_MONOTONIC) + RETRY_NS;
		return fd == -ENOMEM ? fd : 0;
	}
	np = realloc(s->pools, (s->npools + 1) * sizeof(*np));
	if (np)
		s->pools = np;
	ns = np ? realloc(s->pslots, (s->npools + 1) * sizeof(*ns)) : NULL;
	if (!np || !ns) {
		close_fd(s, &fd);
		return -ENOMEM;
	}
	s->pslots = ns;
	while (at < s->npools && strcmp(s->pools[at].name, name) < 0)
		at++;
	memmove(&s->pools[at + 1], &s->pools[at], (s->npools - at) * sizeof(*s->pools));
	memmove(&s->pslots[at + 1], &s->pslots[at], (s->npools - at) * sizeof(*s->pslots));
	memset(&s->pools[at], 0, sizeof(s->pools[at]));
	memset(&s->pslots[at], 0, sizeof(s->pslots[at]));
	snprintf(s->pools[at].name, sizeof(s->pools[at].name), "%s", name);
	s->pools[at].kind = zs_pool_kind_of(name);
	s->pslots[at].fd = fd;
	s->pslots[at].err = -ENODATA; /* not read yet */
	s->npools++;
	if (s->first_done)
		add_event(s, ZS_SAMPLE_ADDED, true, name, 0, NULL);
	return 0;
}

static int scan_pools(struct zs_sampler *s)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	s->scan_pools = false;
	s->stats.scans++;
	if (!s->debugfs_looked_up) {
		char dbg[sizeof(s->pool_dir) - 16];

		s->debugfs_looked_up = true;
		r = zs_ctx_find_debugfs(s->ctx, dbg, sizeof(dbg));
		if (r == -ENOMEM)
			return r;
		if (r >= 0)
			snprintf(s->pool_dir, sizeof(s->pool_dir), "%s/zsmalloc", dbg);
		else
			s->pool_dir[0] = '\0';
	}
	if (!s->pool_dir[0]) {
		s->cstatus = ZS_CLASSES_NO_DEBUGFS;
		pools_remove_all(s);
		return 0;
	}
	if (s->pool_watch.fd < 0) {
		r = watch_open(s, &s->pool_watch, s->pool_dir);
		if (r < 0) {
			s->cstatus = r == -EACCES || r == -EPERM ? ZS_CLASSES_NO_PERMISSION :
								   ZS_CLASSES_NO_ZSMALLOC;
			pools_remove_all(s);
			return r == -ENOMEM ? r : 0;
		}
	}
	watch_listed(&s->pool_watch);
	r = zs_ctx_list_dir(s->ctx, s->pool_dir, &names, &n);
	s->stats.opens++;
	if (r < 0) {
		watch_close(s, &s->pool_watch);
		s->cstatus = r == -EACCES || r == -EPERM ? ZS_CLASSES_NO_PERMISSION :
							   ZS_CLASSES_NO_ZSMALLOC;
		pools_remove_all(s);
		return r == -ENOMEM ? r : 0;
	}
	s->cstatus = ZS_CLASSES_OK;
	for (size_t i = s->npools; i-- > 0;) {
		if (!in_strv(names, s->pools[i].name)) {
			add_event(s, ZS_SAMPLE_REMOVED, true, s->pools[i].name, 0, NULL);
			pool_remove(s, i);
		}
	}
	for (size_t i = 0; i < n && r >= 0; i++)
		if (!zs_pool_find(s->pools, s->npools, names[i]))
			r = pool_add(s, names[i]);
	zs_strv_free(s->listed_pools);
	s->listed_pools = names;
	return r < 0 ? r : 0;
}

static int pool_read(struct zs_sampler *s, size_t i)
{
	struct zs_pool tmp = { 0 };
	struct pool_slot *ps = &s->pslots[i];
	char rel[PATH_MAX + 64];
	int r;

	r = read_fd(s, ps->fd, ZS_CLASSES_MAX, false, NULL);
	/* debugfs answers EIO for a file whose pool was destroyed */
	if (vanished(r) || r == -EIO)
		return -ENODEV;
	if (r >= 0) {
		memcpy(tmp.name, s->pools[i].name, sizeof(tmp.name));
		tmp.kind = s->pools[i].kind;
		r = zs_parse_classes(s->buf, &tmp);
	}
	if (r >= 0) {
		zs_pool_clear(&s->pools[i]);
		s->pools[i] = tmp;
		ps->valid = true;
	} else if (r != ps->err) {
		snprintf(rel, sizeof(rel), "%s/%s/classes", s->pool_dir, s->pools[i].name);
		add_event(s, ZS_SAMPLE_FAILED, true, s->pools[i].name, r, rel);
	}
	ps->err = r < 0 ? r : 0;
	return 0;
}

/* ---- swap ------------------------------------------------------------------ */

/* proc/swaps: "Filename Type Size Used Priority", sizes in KiB. */
static void read_swaps(struct zs_sampler *s)
{
	char *line, *save = NULL;
	int r;

	for (size_t i = 0; i < s->ndevs; i++) {
		s->devs[i].dev.is_swap = false;
		memset(&s->devs[i].dev.swap, 0, sizeof(s->devs[i].dev.swap));
	}
	if (!s->swaps_tried) {
		struct stat st;

		s->swaps_tried = true;
		s->fd_swaps = open_rel(s, "proc/swaps", O_RDONLY);
		if (s->fd_swaps < 0)
			s->fd_swaps = -1; /* no swap support, or a dump without proc/ */
		else
			s->swaps_regular = fstat(s->fd_swaps, &st) == 0 && S_ISREG(st.st_mode) &&
					   st.st_size > 0;
	}
	if (s->fd_swaps < 0)
		return;
	r = read_fd(s, s->fd_swaps, SAMPLE_SWAPS_MAX, !s->swaps_regular, NULL);
	if (r < 0)
		return;
	line = strtok_r(s->buf, "\n", &save); /* the header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char file[256], type[32];
		unsigned long long size, used;
		int prio;
		struct dev_slot *d;

		if (sscanf(line, "%255s %31s %llu %llu %d", file, type, &size, &used, &prio) != 5)
			continue;
		if (strncmp(file, "/dev/", 5) || !zs_devname_valid(file + 5))
			continue;
		d = find_slot(s, file + 5);
		if (!d)
			continue;
		d->dev.is_swap = true;
		d->dev.swap.size = (uint64_t)size * 1024;
		d->dev.swap.used = (uint64_t)used * 1024;
		d->dev.swap.priority = prio;
	}
}

/* ---- the gate ----------------------------------------------------------------- */

/*
 * Steady state: one stat of the lock file and one of the busy counter.
 * zsctl compact writes "pid since" into the lock file when it takes the
 * gate and truncates it when it lets go, so the file's times move with
 * every run: only then is the state file read again, and only while the
 * file is not empty is /proc/locks asked who holds it.
 */
static void read_gate(struct zs_sampler *s)
{
	struct zs_sample_gate *g = &s->gate;
	struct stat st;
	bool exists, moved;

	exists = stat(s->lock_path, &st) == 0;
	moved = !s->gate_loaded || exists != s->lock_exists ||
		(exists && (st.st_ino != s->lock_st.st_ino || st.st_size != s->lock_st.st_size ||
			    ts_ns(&st.st_mtim) != ts_ns(&s->lock_st.st_mtim) ||
			    ts_ns(&st.st_ctim) != ts_ns(&s->lock_st.st_ctim)));
	s->lock_exists = exists;
	if (exists)
		s->lock_st = st;
	if (moved) {
		int r = zs_state_load(s->state_path, s->state);

		s->gate_loaded = true;
		g->has_state = r >= 0 && s->state->runs > 0;
		g->state_garbled = r == -EBADMSG;
		if (r >= 0) {
			g->runs = s->state->runs;
			g->freed_total = s->state->freed_total;
			g->last_time = s->state->last_time;
			snprintf(g->last_result, sizeof(g->last_result), "%s",
				 s->state->last_result);
		}
	}
	g->held = false;
	memset(&g->holder, 0, sizeof(g->holder));
	if (exists && st.st_size > 0 && zs_gate_query(s->lock_path, &g->held, &g->holder) < 0) {
		g->held = false;
		memset(&g->holder, 0, sizeof(g->holder));
	}
	if (zs_state_busy_count(s->state_path, &g->turned_away) < 0)
		g->turned_away = 0;
}

/* ---- the sampler ------------------------------------------------------------- */

int zs_sampler_new(struct zs_ctx *ctx, struct zs_sampler **ret)
{
	struct zs_sampler *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->fd_swaps = -1;
	s->block_watch.fd = s->pool_watch.fd = -1;
	s->cap = SAMPLE_BUF_INITIAL;
	s->buf = malloc(s->cap + 1);
	if (!s->buf) {
		free(s);
		return -ENOMEM;
	}
	s->scan_devices = s->scan_pools = true;
	if (zs_ctx_is_live(ctx)) {
		/*
		 * Uevents straight from the kernel: udevd's own ("udev") need a
		 * running udevd, which small machines and containers lack.
		 */
		s->udev = udev_new();
		if (s->udev)
			s->mon = udev_monitor_new_from_netlink(s->udev, "kernel");
		if (s->mon &&
		    (udev_monitor_filter_add_match_subsystem_devtype(s->mon, "block", "disk") < 0 ||
		     udev_monitor_enable_receiving(s->mon) < 0)) {
			udev_monitor_unref(s->mon);
			s->mon = NULL;
		}
	}
	*ret = s;
	return 0;
}

void zs_sampler_free(struct zs_sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndevs; i++)
		slot_close(s, &s->devs[i]);
	free(s->devs);
	pools_remove_all(s);
	free(s->pools);
	free(s->pslots);
	close_fd(s, &s->fd_swaps);
	watch_close(s, &s->block_watch);
	watch_close(s, &s->pool_watch);
	udev_monitor_unref(s->mon);
	udev_unref(s->udev);
	zs_strv_free(s->listed_devices);
	zs_strv_free(s->listed_pools);
	free(s->state);
	free(s->events);
	free(s->sdevs);
	free(s->buf);
	free(s);
}

int zs_sampler_set_gate(struct zs_sampler *s, const char *lock_path, const char *state_path)
{
	if (strlen(lock_path) >= sizeof(s->lock_path) ||
	    strlen(state_path) >= sizeof(s->state_path))
		return -ENAMETOOLONG;
	if (!s->state) {
		s->state = calloc(1, sizeof(*s->state));
		if (!s->state)
			return -ENOMEM;
	}
	strcpy(s->lock_path, lock_path);
	strcpy(s->state_path, state_path);
	s->has_gate = true;
	s->gate_loaded = false;
	return 0;
}

int zs_sampler_fd(const struct zs_sampler *s)
{
	return s->mon ? udev_monitor_get_fd(s->mon) : -1;
}

int zs_sampler_process_fd(struct zs_sampler *s)
{
	struct udev_device *d;
	int changed = 0;

	if (!s->mon)
		return 0;
	while ((d = udev_monitor_receive_device(s->mon))) {
		const char *name = udev_device_get_sysname(d);

		if (name && zs_devname_valid(name)) {
			s->scan_devices = s->scan_pools = true;
			changed = 1;
		}
		udev_device_unref(d);
	}
	return changed;
}

void zs_sampler_rescan(struct zs_sampler *s)
{
	s->scan_devices = s->scan_pools = true;
}

void zs_sampler_get_stats(const struct zs_sampler *s, struct zs_sampler_stats *ret)
{
	*ret = s->stats;
}

/* Is it time to list the devices again? */
static bool devices_due(struct zs_sampler *s)
{
	if (s->scan_devices)
		return true;
	if (s->retry_devices_until_ns && clock_ns(CLOCK_MONOTONIC) < s->retry_devices_until_ns)
		return true;
	s->retry_devices_until_ns = 0;
	if (zs_ctx_is_live(s->ctx)) {
		if (s->mon)
			return false;
		return clock_ns(CLOCK_MONOTONIC) - s->last_scan_ns >= LIVE_RESCAN_NS;
	}
	if (s->block_watch.fd < 0 && watch_open(s, &s->block_watch, "sys/block") < 0)
		return true;
	return watch_changed(&s->block_watch);
}

static int read_devices(struct zs_sampler *s, bool *lost)
{
	for (size_t i = 0; i < s->ndevs; i++) {
		struct dev_slot *d = &s->devs[i];

		if (d->gone)
			continue;
		if (slot_read(s, d) == -ENODEV) {
			d->gone = true;
			*lost = true;
			add_event(s, ZS_SAMPLE_VANISHED, false, d->name, -ENODEV, NULL);
		}
	}
	drop_gone_slots(s);
	return 0;
}

static int build_sample(struct zs_sampler *s)
{
	struct zs_sample *sm = &s->sample;
	struct zs_sample_gate *g = &s->gate;

	if (s->ndevs > s->sdevs_cap) {
		struct zs_sample_device *n = realloc(s->sdevs, s->ndevs * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->sdevs = n;
		s->sdevs_cap = s->ndevs;
	}
	g->has_kernel_gated = false;
	g->kernel_gated = 0;
	for (size_t i = 0; i < s->ndevs; i++) {
		struct zs_sample_device *sd = &s->sdevs[i];
		const struct dev_slot *d = &s->devs[i];

		sd->dev = d->dev;
		sd->err = d->err;
		sd->pool = zs_pool_find(s->pools, s->npools, d->name);
		if (sd->pool && !s->pslots[sd->pool - s->pools].valid)
			sd->pool = NULL; /* never read successfully */
		zs_device_derive(s->ctx, &sd->dev, sd->pool, &sd->derived);
		if (zs_stat_has(&sd->dev.mm, ZS_MM_COMPACT_GATED)) {
			g->has_kernel_gated = true;
			g->kernel_gated += sd->dev.mm.val[ZS_MM_COMPACT_GATED];
		}
	}
	sm->devs = s->sdevs;
	sm->ndevs = s->ndevs;
	sm->pools = s->pools;
	sm->npools = s->npools;
	sm->classes_status = s->cstatus;
	sm->has_gate = s->has_gate;
	sm->gate = *g;
	sm->events = s->events;
	sm->nevents = s->nevents;
	return 0;
}

int zs_sampler_refresh(struct zs_sampler *s, const struct zs_sample **ret)
{
	bool lost = false;
	int r;

	s->nevents = 0;
	s->sample.seq++;
	if (devices_due(s)) {
		s->scan_devices = false;
		r = scan_devices(s);
		if (r < 0 && (r == -ENOMEM || !s->first_done))
			return r;
	}
	r = read_devices(s, &lost);
	if (r < 0)
		return r;
	if (lost) {
		/* a device of the same name may have taken its place */
		r = scan_devices(s);
		if (r == -ENOMEM)
			return r;
		for (size_t i = 0; i < s->ndevs; i++)
			if (!s->devs[i].init_known && slot_read(s, &s->devs[i]) == -ENODEV)
				s->devs[i].gone = true;
		drop_gone_slots(s);
	}

	if (s->retry_pools_until_ns && clock_ns(CLOCK_MONOTONIC) >= s->retry_pools_until_ns)
		s->retry_pools_until_ns = 0;
	if (s->scan_pools || s->retry_pools_until_ns ||
	    (s->pool_watch.fd >= 0 && watch_changed(&s->pool_watch))) {
		r = scan_pools(s);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->npools;) {
		if (pool_read(s, i) == -ENODEV) {
			add_event(s, ZS_SAMPLE_VANISHED, true, s->pools[i].name, -ENODEV, NULL);
			pool_remove(s, i);
			s->scan_pools = true; /* and look again next time */
			continue;
		}
		i++;
	}

	read_swaps(s);
	if (s->has_gate)
		read_gate(s);
	r = build_sample(s);
	if (r < 0)
		return r;
	s->first_done = true;
	*ret = &s->sample;
	return 0;
}
