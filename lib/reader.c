// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader: one code path from the kernel's files to a snapshot, for
 * every verb. It opens only the files the output needs (enum zs_need),
 * keeps each file it reads on every refresh open and re-reads it with
 * pread(fd, buf, size, 0), so that zsctl top's steady state costs one read
 * per file and no open or close; zsctl status is one refresh.
 *
 * sysfs attributes and debugfs' classes file are single records that one
 * read with a large enough buffer returns whole, and a regular file in a
 * dump returns everything up to its end: a read shorter than the buffer
 * is the whole file. proc/swaps is a seq_file of many records, read by
 * libmount.
 *
 * Hotplug (watch): live, a netlink monitor of kernel uevents (there may be
 * no udevd to relay udev's own), filtered on block devices; without one,
 * sys/block is listed at most once a second. Under --sysroot, the
 * directories are held open and fstat()ed on every refresh; they are
 * listed again when their mtime, ctime or link count moves (and for a
 * second after, since a timestamp cannot tell two changes in one clock
 * tick apart).
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

#include <libudev.h>

#include "internal.h"

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
	struct zs_dev_files files;
	bool open; /* files.dirfd is open */
	bool gone;
	int err;
	char err_path[192];
	struct zs_device dev;
	bool ever_read;	  /* dev holds values read from the kernel */
	bool busy_unread; /* this refresh left it alone: see read_busy() */
	struct zs_ages ages; /* ZS_NEED_BLOCK_STATE */
};

struct pool_slot {
	int fd;
	int err;
	bool valid; /* parsed at least once */
};

struct zs_reader {
	struct zs_ctx *ctx;
	unsigned int needs;
	bool watch;
	bool named; /* the devices were named: no discovery */
	struct zs_gate *gate;
	const struct zs_config *ages_config; /* ZS_NEED_BLOCK_STATE */
	uint64_t age;
	bool has_age;
	enum zs_ages_status ages_status;

	struct dev_slot *devs;
	size_t ndevs;

	/* pools[i] and pslots[i] go together; pools is what the snapshot shows */
	struct zs_pool *pools;
	struct pool_slot *pslots;
	size_t npools;
	enum zs_classes_status cstatus;
	bool debugfs_looked_up;
	char pool_dir[3800]; /* <debugfs>/zsmalloc, "" without debugfs */
	int pools_err;
	char pools_err_path[4096];

	bool mounts_done;
	int users_err;
	char users_err_path[4096];
	int fd_meminfo; /* proc/meminfo, kept open (pread) */
	bool has_meminfo;
	struct zs_meminfo meminfo;
	struct zs_zswap_files zswap_files; /* ZS_NEED_ZSWAP(_SUMMARY) */
	struct zs_zswap zswap;
	bool zswap_summary; /* only enabled was read: off, holding nothing */
	int zswap_err;
	char zswap_err_path[4096];
	struct zs_cgroup_zswap *cgroups; /* ZS_NEED_CGROUPS */
	struct zs_cgroup_files *cgroup_files; /* the walk's kept files */
	bool scan_cgroups;
	size_t ncgroups;
	bool cgroups_truncated;
	enum zs_cgroups_status cgroups_status;
	int cgroups_err;
	char cgroups_err_path[4096];
	int fd_swaps;	     /* watch: proc/swaps, to tell whether it changed */
	char *swaps_text;    /* its text at the last parse */
	bool swaps_tried;

	struct zs_read_buf rb;

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

	struct stat lock_st;
	bool lock_exists, gate_loaded;
	struct zs_gate *busy_gate; /* the gate whose holder may be post-processing a device */
	struct zs_gate_holder busy; /* its holder this refresh (another process) */
	int pp_blocks_reads;	    /* 0 not known yet, 1 yes (7.x), -1 no */

	struct zs_event *events;
	size_t nevents, events_cap;
	struct zs_snap_device *sdevs;
	size_t sdevs_cap;
	struct zs_snapshot snap;
	bool first_done;
	uint64_t scans;
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

static void close_fd(struct zs_reader *r, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		r->rb.files--;
	}
	*fd = -1;
}

static int open_rel(struct zs_reader *r, const char *rel, int flags)
{
	int fd = zs_ctx_open(r->ctx, rel, flags);

	r->rb.opens++;
	if (fd >= 0)
		r->rb.files++;
	return fd;
}

static void add_event(struct zs_reader *r, enum zs_event_kind kind, bool is_pool,
		      const char *name, int err, const char *path)
{
	struct zs_event *e;

	if (!r->watch)
		return; /* one refresh: what happened is in the snapshot */
	if (r->nevents == r->events_cap) {
		size_t cap = r->events_cap ? r->events_cap * 2 : 8;
		struct zs_event *ne = realloc(r->events, cap * sizeof(*ne));

		if (!ne)
			return; /* an event lost to memory shortage; the screen still shows the truth */
		r->events = ne;
		r->events_cap = cap;
	}
	e = &r->events[r->nevents++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->is_pool = is_pool;
	e->err = err;
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (path)
		snprintf(e->path, sizeof(e->path), "%s", path);
}

/* Errors of a read that mean the file's object is gone. */
static bool vanished(int err)
{
	return err == -ENODEV || err == -ENOENT || err == -ENXIO;
}

static bool in_strv(char **names, const char *name)
{
	for (char **p = names; p && *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

/* ---- directory watches --------------------------------------------------- */

static void watch_close(struct zs_reader *r, struct dir_watch *w)
{
	close_fd(r, &w->fd);
	w->listed = false;
}

static int watch_open(struct zs_reader *r, struct dir_watch *w, const char *rel)
{
	int fd;

	watch_close(r, w);
	fd = open_rel(r, rel, O_RDONLY | O_DIRECTORY);
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

static void slot_close(struct zs_reader *r, struct dev_slot *d)
{
	if (d->open)
		zs_dev_files_close(&d->files, &r->rb);
	d->open = false;
	zs_device_clear(&d->dev);
}

static void slot_init(struct dev_slot *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	zs_dev_files_init(&d->files);
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->dev.name, sizeof(d->dev.name), "%s", name);
	d->dev.id = zs_devname_id(name);
}

static bool dir_exists(struct zs_reader *r, const char *name)
{
	char rel[64];
	int fd;

	snprintf(rel, sizeof(rel), "sys/block/%s", name);
	fd = zs_ctx_open(r->ctx, rel, O_PATH | O_DIRECTORY);
	r->rb.opens++;
	if (fd < 0)
		return fd != -ENOENT;
	close(fd);
	return true;
}

/*
 * One refresh of one device: 0, or -ENODEV when it is gone. Any other
 * failure is kept in d->err (with the file), the values read before stay.
 */
static int slot_read(struct zs_reader *r, struct dev_slot *d)
{
	char path[sizeof(d->err_path)];
	int err = 0;

	if (!d->open) {
		err = zs_dev_files_open(r->ctx, &d->files, d->name, &r->rb);
		if (err == -ENODEV)
			return -ENODEV;
		d->open = err >= 0;
		if (err < 0)
			snprintf(path, sizeof(path), "%s", zs_ctx_error_path(r->ctx));
	}
	if (!err)
		err = zs_dev_read(r->ctx, &d->files, d->name, r->needs, &r->rb, &d->dev, path,
				  sizeof(path));
	/*
	 * sysfs answers a read of a removed device's attribute with ENODEV;
	 * an attribute every zram device has that cannot be opened
	 * (ENOENT) asks whether the device went away.
	 */
	if (err == -ENODEV || err == -ENXIO || (err == -ENOENT && !dir_exists(r, d->name)))
		return -ENODEV;
	if (err < 0 && (err != d->err || strcmp(path, d->err_path)))
		add_event(r, ZS_EVENT_FAILED, false, d->name, err, path);
	d->err = err < 0 ? err : 0;
	zs_copy_path(d->err_path, sizeof(d->err_path), err < 0 ? path : "");
	d->ever_read |= !d->err;
	return 0;
}

static struct dev_slot *find_slot(struct zs_reader *r, const char *name)
{
	for (size_t i = 0; i < r->ndevs; i++)
		if (!strcmp(r->devs[i].name, name))
			return &r->devs[i];
	return NULL;
}

static void drop_gone_slots(struct zs_reader *r)
{
	size_t j = 0;

	for (size_t i = 0; i < r->ndevs; i++) {
		if (r->devs[i].gone) {
			slot_close(r, &r->devs[i]);
			continue;
		}
		if (i != j)
			r->devs[j] = r->devs[i];
		j++;
	}
	r->ndevs = j;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct dev_slot *x = a, *y = b;

	return x->dev.id < y->dev.id ? -1 : x->dev.id > y->dev.id;
}

/*
 * A directory listed is a device once its attributes are there (sysfs
 * shows the directory a moment before them): initstate is opened now and
 * kept for the first read.
 */
static int probe_initstate(struct zs_reader *r, struct dev_slot *d)
{
	char rel[64];
	int fd;

	snprintf(rel, sizeof(rel), "sys/block/%s/initstate", d->name);
	fd = zs_ctx_openat(r->ctx, d->files.dirfd, "initstate", O_RDONLY, rel);
	r->rb.opens++;
	if (fd < 0) {
		zs_dev_files_close(&d->files, &r->rb);
		return fd;
	}
	r->rb.files++;
	d->files.fd[ZS_F_INITSTATE] = fd;
	return 0;
}

static int add_slot(struct zs_reader *r, const char *name, struct dev_slot **ret)
{
	struct dev_slot *nd = realloc(r->devs, (r->ndevs + 1) * sizeof(*nd));

	if (!nd)
		return -ENOMEM;
	r->devs = nd;
	slot_init(&nd[r->ndevs], name);
	*ret = &nd[r->ndevs++];
	return 0;
}

/* The list of devices against the slots: add the new, drop the gone. */
static int scan_devices(struct zs_reader *r)
{
	char **names = NULL;
	size_t n = 0;
	int err;

	r->scans++;
	r->last_scan_ns = clock_ns(CLOCK_MONOTONIC);
	if (r->watch && !zs_ctx_is_live(r->ctx)) {
		if (r->block_watch.fd < 0)
			watch_open(r, &r->block_watch, "sys/block");
		watch_listed(&r->block_watch);
	}
	err = zs_enumerate_devices(r->ctx, &names, &n);
	if (err < 0)
		return err;
	for (size_t i = 0; i < r->ndevs; i++) {
		if (!in_strv(names, r->devs[i].name)) {
			r->devs[i].gone = true;
			add_event(r, ZS_EVENT_REMOVED, false, r->devs[i].name, 0, NULL);
			r->scan_pools = true;
		}
	}
	drop_gone_slots(r);
	for (size_t i = 0; i < n; i++) {
		struct dev_slot *d;

		if (find_slot(r, names[i]))
			continue;
		err = add_slot(r, names[i], &d);
		if (err < 0) {
			zs_strv_free(names);
			return err;
		}
		if (r->watch) {
			err = zs_dev_files_open(r->ctx, &d->files, d->name, &r->rb);
			if (err >= 0)
				err = probe_initstate(r, d);
			if (err < 0) {
				/*
				 * Gone since the listing, or not ready yet: a name
				 * new to the listing is looked for again for a while
				 * (once: a directory that never becomes a device
				 * costs nothing).
				 */
				if (!in_strv(r->listed_devices, names[i]))
					r->retry_devices_until_ns =
						clock_ns(CLOCK_MONOTONIC) + RETRY_NS;
				r->ndevs--;
				continue;
			}
			d->open = true;
			if (r->first_done)
				add_event(r, ZS_EVENT_ADDED, false, d->name, 0, NULL);
		}
		r->scan_pools = true;
	}
	zs_strv_free(r->listed_devices);
	r->listed_devices = names;
	if (r->ndevs) /* none: devs is NULL, which qsort() must not be given */
		qsort(r->devs, r->ndevs, sizeof(*r->devs), cmp_slot);
	return 0;
}

/* Is it time to list the devices again? */
static bool devices_due(struct zs_reader *r)
{
	if (r->named)
		return false;
	if (r->scan_devices)
		return true;
	if (r->retry_devices_until_ns && clock_ns(CLOCK_MONOTONIC) < r->retry_devices_until_ns)
		return true;
	r->retry_devices_until_ns = 0;
	if (zs_ctx_is_live(r->ctx)) {
		if (r->mon)
			return false;
		return clock_ns(CLOCK_MONOTONIC) - r->last_scan_ns >= LIVE_RESCAN_NS;
	}
	if (r->block_watch.fd < 0 && watch_open(r, &r->block_watch, "sys/block") < 0)
		return true;
	return watch_changed(&r->block_watch);
}

/* ---- devices the gate's holder post-processes -------------------------------------------- */

static void read_gate(struct zs_reader *r);

/* 7.x: a device post-processed is not read (zs_ctx_pp_blocks_access()); asked once */
static bool pp_blocks_reads(struct zs_reader *r)
{
	if (!r->pp_blocks_reads)
		r->pp_blocks_reads = zs_ctx_pp_blocks_access(r->ctx) ? 1 : -1;
	return r->pp_blocks_reads > 0;
}

/* Who post-processes which device now, before any device is read. */
static void read_busy(struct zs_reader *r)
{
	memset(&r->busy, 0, sizeof(r->busy));
	if (r->gate) {
		/* the gate view, read anyway: its holder */
		read_gate(r);
		if (r->snap.gate.held)
			r->busy = r->snap.gate.holder;
	} else if (r->busy_gate) {
		zs_gate_busy(r->busy_gate, &r->busy);
	}
	/* our own run (compact, maintain) reads between its steps */
	if (r->busy.pid == getpid())
		r->busy.phase = ZS_PHASE_NONE;
}

/*
 * A busy device left unread, never read before: what the state file's
 * record of it has, mm_stat as its last compaction left it. By name: its
 * identity (diskseq) is not read either.
 */
static void busy_from_state(struct zs_reader *r, struct dev_slot *d)
{
	const struct zs_state_device *rec;

	/* a writeback or recompression runs only on an initialised device */
	d->dev.initialised = true;
	if (!r->gate || !r->snap.gate.has_state)
		return;
	rec = zs_state_device_find(&r->snap.gate.state, d->name);
	if (!rec || !rec->has_left)
		return;
	d->dev.mm.val[ZS_MM_COMPR_DATA_SIZE] = rec->left_compr;
	d->dev.mm.val[ZS_MM_MEM_USED_TOTAL] = zs_add_sat(rec->left, rec->left_compr);
	d->dev.mm.present |= UINT32_C(1) << ZS_MM_COMPR_DATA_SIZE;
	d->dev.mm.present |= UINT32_C(1) << ZS_MM_MEM_USED_TOTAL;
}

static bool leave_unread(struct zs_reader *r, struct dev_slot *d)
{
	enum zs_gate_phase p = r->busy.phase;

	d->busy_unread = (p == ZS_PHASE_WRITEBACK || p == ZS_PHASE_RECOMPRESS) &&
			 !strcmp(r->busy.device, d->name) && pp_blocks_reads(r);
	if (d->busy_unread && !d->ever_read)
		busy_from_state(r, d);
	return d->busy_unread;
}

static void read_devices(struct zs_reader *r, bool *lost)
{
	for (size_t i = 0; i < r->ndevs; i++) {
		struct dev_slot *d = &r->devs[i];

		if (d->gone || leave_unread(r, d))
			continue;
		if (slot_read(r, d) != -ENODEV)
			continue;
		if (!r->watch) {
			/* one refresh, or named devices: say so where it is shown */
			d->err = -ENODEV;
			d->err_path[0] = '\0';
			continue;
		}
		d->gone = true;
		*lost = true;
		add_event(r, ZS_EVENT_VANISHED, false, d->name, -ENODEV, NULL);
	}
	drop_gone_slots(r);
}

/* ---- pools ----------------------------------------------------------------- */

static void pool_remove(struct zs_reader *r, size_t i)
{
	close_fd(r, &r->pslots[i].fd);
	zs_pool_clear(&r->pools[i]);
	memmove(&r->pools[i], &r->pools[i + 1], (r->npools - i - 1) * sizeof(*r->pools));
	memmove(&r->pslots[i], &r->pslots[i + 1], (r->npools - i - 1) * sizeof(*r->pslots));
	r->npools--;
}

static void pools_remove_all(struct zs_reader *r)
{
	while (r->npools)
		pool_remove(r, r->npools - 1);
}

static int pool_add(struct zs_reader *r, const char *name)
{
	char rel[4000];
	struct zs_pool *np, key = { 0 };
	struct pool_slot *ns;
	size_t at = 0;
	int fd;

	if (strlen(name) >= sizeof(np->name))
		return 0; /* not a name zsmalloc makes */
	snprintf(rel, sizeof(rel), "%s/%s/classes", r->pool_dir, name);
	fd = open_rel(r, rel, O_RDONLY);
	if (fd < 0) {
		/* gone since the listing, or not ready yet: as for devices */
		if (r->watch && !in_strv(r->listed_pools, name))
			r->retry_pools_until_ns = clock_ns(CLOCK_MONOTONIC) + RETRY_NS;
		if (fd != -ENOENT && fd != -ENOMEM && !r->pools_err) {
			r->pools_err = fd;
			snprintf(r->pools_err_path, sizeof(r->pools_err_path), "%s", rel);
		}
		return fd == -ENOMEM ? fd : 0;
	}
	np = realloc(r->pools, (r->npools + 1) * sizeof(*np));
	if (np)
		r->pools = np;
	ns = np ? realloc(r->pslots, (r->npools + 1) * sizeof(*ns)) : NULL;
	if (!np || !ns) {
		close_fd(r, &fd);
		return -ENOMEM;
	}
	r->pslots = ns;
	snprintf(key.name, sizeof(key.name), "%s", name);
	key.kind = zs_pool_kind_of(name);
	while (at < r->npools && zs_pool_cmp(&r->pools[at], &key) < 0)
		at++;
	memmove(&r->pools[at + 1], &r->pools[at], (r->npools - at) * sizeof(*r->pools));
	memmove(&r->pslots[at + 1], &r->pslots[at], (r->npools - at) * sizeof(*r->pslots));
	memset(&r->pools[at], 0, sizeof(r->pools[at]));
	memset(&r->pslots[at], 0, sizeof(r->pslots[at]));
	snprintf(r->pools[at].name, sizeof(r->pools[at].name), "%s", name);
	r->pools[at].kind = zs_pool_kind_of(name);
	r->pslots[at].fd = fd;
	r->pslots[at].err = -ENODATA; /* not read yet */
	r->npools++;
	if (r->first_done)
		add_event(r, ZS_EVENT_ADDED, true, name, 0, NULL);
	return 0;
}

static enum zs_classes_status status_of(int err)
{
	return err == -EACCES || err == -EPERM ? ZS_CLASSES_NO_PERMISSION : ZS_CLASSES_NO_ZSMALLOC;
}

static int scan_pools(struct zs_reader *r)
{
	char **names = NULL;
	size_t n = 0;
	int err;

	r->scan_pools = false;
	r->scans++;
	if (!r->debugfs_looked_up) {
		char dbg[sizeof(r->pool_dir) - 16];

		r->debugfs_looked_up = true;
		err = zs_ctx_find_debugfs(r->ctx, dbg, sizeof(dbg));
		if (err == -ENOMEM)
			return err;
		if (err >= 0) {
			snprintf(r->pool_dir, sizeof(r->pool_dir), "%s/zsmalloc", dbg);
		} else {
			r->pool_dir[0] = '\0';
			if (err != -ENOENT) {
				/* a mount table zsctl cannot make sense of */
				r->pools_err = err;
				snprintf(r->pools_err_path, sizeof(r->pools_err_path), "%s",
					 zs_ctx_error_path(r->ctx));
			}
		}
	}
	if (!r->pool_dir[0]) {
		r->cstatus = r->pools_err ? ZS_CLASSES_UNREADABLE : ZS_CLASSES_NO_DEBUGFS;
		pools_remove_all(r);
		return 0;
	}
	if (r->watch && r->pool_watch.fd < 0) {
		err = watch_open(r, &r->pool_watch, r->pool_dir);
		if (err < 0) {
			r->cstatus = status_of(err);
			pools_remove_all(r);
			return err == -ENOMEM ? err : 0;
		}
	}
	watch_listed(&r->pool_watch);
	err = zs_ctx_list_dir(r->ctx, r->pool_dir, &names, &n);
	r->rb.opens++;
	if (err < 0) {
		watch_close(r, &r->pool_watch);
		r->cstatus = status_of(err);
		pools_remove_all(r);
		return err == -ENOMEM ? err : 0;
	}
	r->cstatus = ZS_CLASSES_OK;
	for (size_t i = r->npools; i-- > 0;) {
		if (!in_strv(names, r->pools[i].name)) {
			add_event(r, ZS_EVENT_REMOVED, true, r->pools[i].name, 0, NULL);
			pool_remove(r, i);
		}
	}
	err = 0;
	for (size_t i = 0; i < n && err >= 0; i++)
		if (!zs_pool_find(r->pools, r->npools, names[i]))
			err = pool_add(r, names[i]);
	zs_strv_free(r->listed_pools);
	r->listed_pools = names;
	return err < 0 ? err : 0;
}

/* One refresh of one pool: 0, or -ENODEV when it went away. */
static int pool_read(struct zs_reader *r, size_t i)
{
	struct zs_pool tmp = { 0 };
	struct pool_slot *ps = &r->pslots[i];
	char rel[4000];
	int err;

	err = zs_pread_all(ps->fd, &r->rb.buf, &r->rb.cap, ZS_CLASSES_MAX, false, NULL);
	r->rb.reads++;
	/* debugfs answers EIO for a file whose pool was destroyed */
	if (vanished(err) || err == -EIO)
		return -ENODEV;
	if (err >= 0) {
		memcpy(tmp.name, r->pools[i].name, sizeof(tmp.name));
		tmp.kind = r->pools[i].kind;
		err = zs_parse_classes(r->rb.buf, &tmp);
	}
	snprintf(rel, sizeof(rel), "%s/%s/classes", r->pool_dir, r->pools[i].name);
	if (err >= 0) {
		zs_pool_clear(&r->pools[i]);
		r->pools[i] = tmp;
		ps->valid = true;
	} else {
		if (err != ps->err)
			add_event(r, ZS_EVENT_FAILED, true, r->pools[i].name, err, rel);
		if (!r->pools_err) {
			r->pools_err = err;
			snprintf(r->pools_err_path, sizeof(r->pools_err_path), "%s", rel);
		}
	}
	ps->err = err < 0 ? err : 0;
	return 0;
}

static int read_pools(struct zs_reader *r)
{
	int err;

	if (r->retry_pools_until_ns && clock_ns(CLOCK_MONOTONIC) >= r->retry_pools_until_ns)
		r->retry_pools_until_ns = 0;
	if (r->scan_pools || r->retry_pools_until_ns ||
	    (r->pool_watch.fd >= 0 && watch_changed(&r->pool_watch))) {
		err = scan_pools(r);
		if (err < 0)
			return err;
	}
	for (size_t i = 0; i < r->npools;) {
		if (pool_read(r, i) == -ENODEV) {
			add_event(r, ZS_EVENT_VANISHED, true, r->pools[i].name, -ENODEV, NULL);
			pool_remove(r, i);
			r->scan_pools = true; /* and look again next time */
			continue;
		}
		i++;
	}
	return 0;
}

/* ---- users ---------------------------------------------------------------------- */

/* Has proc/swaps changed since it was parsed? Always, without a watch. */
static bool swaps_changed(struct zs_reader *r)
{
	if (!r->watch)
		return true;
	if (!r->swaps_tried) {
		r->swaps_tried = true;
		r->fd_swaps = open_rel(r, "proc/swaps", O_RDONLY);
	}
	if (r->fd_swaps < 0)
		return !r->swaps_text; /* once, for libmount to say what is wrong */
	if (zs_pread_all(r->fd_swaps, &r->rb.buf, &r->rb.cap, 1024 * 1024, true, NULL) < 0)
		return true;
	r->rb.reads++;
	if (r->swaps_text && !strcmp(r->swaps_text, r->rb.buf))
		return false;
	free(r->swaps_text);
	r->swaps_text = strdup(r->rb.buf);
	return true;
}

static int read_users(struct zs_reader *r)
{
	struct zs_device **p;
	int err = 0;

	if (!(r->needs & (ZS_NEED_MOUNTS | ZS_NEED_SWAPS)))
		return 0;
	p = calloc(r->ndevs ? r->ndevs : 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < r->ndevs; i++)
		p[i] = &r->devs[i].dev;
	if ((r->needs & ZS_NEED_MOUNTS) && (!r->mounts_done || !r->watch)) {
		err = zs_users_read_mounts(r->ctx, p, r->ndevs);
		r->mounts_done = err >= 0;
	}
	if (err >= 0 && (r->needs & ZS_NEED_SWAPS) && swaps_changed(r))
		err = zs_users_read_swaps(r->ctx, p, r->ndevs);
	free(p);
	if (err == -ENOMEM)
		return err;
	if (err < 0) {
		r->users_err = err;
		snprintf(r->users_err_path, sizeof(r->users_err_path), "%s",
			 zs_ctx_error_path(r->ctx));
	}
	return 0;
}

/* ---- the machine's memory ------------------------------------------------------------ */

/* proc/meminfo: a seq_file, read to its end; a failure leaves it out (and says so). */
static void read_meminfo(struct zs_reader *r)
{
	int err;

	r->has_meminfo = false;
	if (r->fd_meminfo < 0) {
		r->fd_meminfo = open_rel(r, "proc/meminfo", O_RDONLY);
		if (r->fd_meminfo < 0) {
			r->fd_meminfo = -1;
			return; /* a dump without it */
		}
	}
	err = zs_pread_all(r->fd_meminfo, &r->rb.buf, &r->rb.cap, 1024 * 1024, true, NULL);
	r->rb.reads++;
	if (err >= 0)
		err = zs_parse_meminfo(r->rb.buf, &r->meminfo);
	if (err >= 0) {
		r->has_meminfo = true;
	} else if (!r->users_err) {
		r->users_err = err;
		snprintf(r->users_err_path, sizeof(r->users_err_path), "proc/meminfo");
	}
}

/* ---- zswap ------------------------------------------------------------------------------ */

/*
 * Absent (no CONFIG_ZSWAP, no debugfs, no root) is no error: the snapshot says what is there.
 * For ZS_NEED_ZSWAP_SUMMARY, zswap off and holding nothing is all there is to know.
 */
static void read_zswap(struct zs_reader *r)
{
	r->zswap_summary = false;
	if (!(r->needs & ZS_NEED_MEMINFO))
		r->has_meminfo = false; /* read below when needed, this refresh */
	if (!(r->needs & ZS_NEED_ZSWAP)) {
		const struct zs_meminfo *m = &r->meminfo;

		r->zswap_err = zs_zswap_read_enabled(r->ctx, &r->zswap_files, &r->rb, &r->zswap,
						     r->zswap_err_path, sizeof(r->zswap_err_path));
		if (!r->zswap.present)
			return; /* no zswap in this kernel, or its directory failed (zswap_err) */
		if (r->zswap_err || r->zswap.enabled)
			goto all;
		if (!(r->needs & ZS_NEED_MEMINFO))
			read_meminfo(r);
		/* off, but what it stored stays until swapped in: then it is in use */
		if (r->has_meminfo && zs_meminfo_has(m, ZS_MEMINFO_ZSWAP) &&
		    m->val[ZS_MEMINFO_ZSWAP])
			goto all;
		if (r->has_meminfo && zs_meminfo_has(m, ZS_MEMINFO_ZSWAPPED) &&
		    m->val[ZS_MEMINFO_ZSWAPPED])
			goto all;
		r->zswap_summary = true;
		return;
	}
all:
	if (!(r->needs & ZS_NEED_MEMINFO) && !r->has_meminfo)
		read_meminfo(r); /* Zswap and Zswapped */
	r->zswap_err = zs_zswap_read(r->ctx, &r->zswap_files, &r->rb, &r->zswap,
				     r->zswap_err_path, sizeof(r->zswap_err_path));
}

/* Each device's block_state, with the ages its policy would write now (meminfo read before). */
static void read_ages(struct zs_reader *r)
{
	char dir[300];
	struct zs_maint_policy defaults;
	uint64_t suspended = zs_ctx_is_live(r->ctx) ? zs_suspended_seconds() : 0;

	zs_maint_policy_default(&defaults);
	r->ages_status = zs_ages_probe(r->ctx, dir, sizeof(dir));
	for (size_t i = 0; i < r->ndevs; i++) {
		struct dev_slot *d = &r->devs[i];
		const struct zs_maint_policy *p =
			r->ages_config ? zs_config_policy(r->ages_config, d->name) : &defaults;
		uint64_t age[ZS_AGES_FOR_COUNT_] = { 0, 0, r->age };
		bool valid[ZS_AGES_FOR_COUNT_] = { true, true, r->has_age };

		/* 7.x: block_state waits for the device's lock as every attribute does */
		if (d->gone || d->err || d->busy_unread)
			continue;
		zs_ages_policy(p, r->has_meminfo ? &r->meminfo : NULL, suspended,
			       &age[ZS_AGES_FOR_RECOMPRESS], &age[ZS_AGES_FOR_WRITEBACK]);
		zs_ages_read(r->ctx, r->ages_status == ZS_AGES_OK ? dir : NULL, &d->dev, age,
			     valid, zs_ctx_page_size(r->ctx), &d->ages);
	}
}

static void read_cgroups(struct zs_reader *r)
{
	free(r->cgroups);
	r->cgroups = NULL;
	r->ncgroups = 0;
	/* the tree is walked when asked, else as zswap.c says; the files stay open */
	r->cgroups_err = zs_cgroups_read(r->ctx, &r->cgroup_files, r->scan_cgroups, &r->rb,
					 &r->cgroups, &r->ncgroups, &r->cgroups_truncated,
					 &r->cgroups_status, r->cgroups_err_path,
					 sizeof(r->cgroups_err_path));
	r->scan_cgroups = false;
}

/* What an initialised device's pool takes of the machine's memory. */
static void ram_share(const struct zs_reader *r, struct zs_snap_device *sd)
{
	const struct zs_meminfo *m = &r->meminfo;

	if (!r->has_meminfo || !zs_meminfo_has(m, ZS_MEMINFO_MEM_TOTAL) ||
	    !m->val[ZS_MEMINFO_MEM_TOTAL] || !sd->dev.initialised ||
	    !zs_stat_has(&sd->dev.mm, ZS_MM_MEM_USED_TOTAL))
		return;
	sd->derived.ram_share =
		(double)sd->dev.mm.val[ZS_MM_MEM_USED_TOTAL] / (double)m->val[ZS_MEMINFO_MEM_TOTAL];
	sd->derived.has_ram_share = true;
}

/* ---- the gate ---------------------------------------------------------------------- */

/*
 * A watching reader's steady state: one fstatat of the lock file and the
 * gate view's busy count. zsctl compact writes "pid since" into the lock
 * file when it takes the gate and truncates it when it lets go, so the
 * file's times move with every run: only then is the state file read
 * again, and only while the file is not empty is /proc/locks asked who
 * holds it.
 */
static void read_gate(struct zs_reader *r)
{
	struct zs_gate_view *v = &r->snap.gate; /* read in place: 10K a frame not copied */
	struct stat st;
	const char *base;
	bool exists = false, moved;
	int dfd;

	if (!r->watch) {
		zs_gate_view_read(r->gate, v);
		return;
	}
	dfd = zs_gate_dir(r->gate, false, false, &base);
	exists = dfd >= 0 && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	moved = !r->gate_loaded || exists != r->lock_exists ||
		(exists && (st.st_ino != r->lock_st.st_ino || st.st_size != r->lock_st.st_size ||
			    ts_ns(&st.st_mtim) != ts_ns(&r->lock_st.st_mtim) ||
			    ts_ns(&st.st_ctim) != ts_ns(&r->lock_st.st_ctim)));
	r->lock_exists = exists;
	if (exists)
		r->lock_st = st;
	if (moved) {
		zs_gate_view_read(r->gate, v);
		r->gate_loaded = true;
		return;
	}
	if (exists && st.st_size > 0) {
		if (zs_gate_query(r->gate, &v->held, &v->holder) < 0)
			v->held = false;
	} else {
		v->held = false;
		memset(&v->holder, 0, sizeof(v->holder));
	}
	if (zs_state_busy_get(r->gate, &v->turned_away) < 0)
		v->turned_away = 0;
}

/* ---- the reader ------------------------------------------------------------------- */

int zs_reader_new(struct zs_ctx *ctx, const struct zs_reader_opts *o, struct zs_reader **ret)
{
	struct zs_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	zs_ctx_begin(ctx);
	r->ctx = ctx;
	r->needs = o->needs;
	if (r->needs & ZS_NEED_ZSWAP)
		r->needs |= ZS_NEED_MEMINFO; /* Zswap and Zswapped */
	if (r->needs & ZS_NEED_LEARNED)
		r->needs |= ZS_NEED_GATE;
	if (r->needs & ZS_NEED_BLOCK_STATE)
		r->needs |= ZS_NEED_MEMINFO; /* the policy's ages */
	r->ages_config = o->ages_config;
	r->age = o->age;
	r->has_age = o->has_age;
	zs_zswap_files_init(&r->zswap_files);
	if (r->needs & ZS_NEED_MOUNTS)
		r->needs |= ZS_NEED_DEVNO;
	r->watch = o->watch;
	r->gate = (r->needs & ZS_NEED_GATE) ? o->gate : NULL;
	r->busy_gate = o->gate;
	r->fd_swaps = -1;
	r->fd_meminfo = -1;
	r->block_watch.fd = r->pool_watch.fd = -1;
	r->scan_devices = r->scan_pools = true;
	if (o->devices) {
		r->named = true;
		for (size_t i = 0; i < o->ndevices; i++) {
			struct dev_slot *d;

			if (!zs_devname_valid(o->devices[i])) {
				zs_reader_free(r);
				return -EINVAL;
			}
			err = add_slot(r, o->devices[i], &d);
			if (err < 0) {
				zs_reader_free(r);
				return err;
			}
		}
	}
	if (r->watch && !r->named && zs_ctx_is_live(ctx)) {
		/*
		 * Uevents straight from the kernel: udevd's own ("udev") need a
		 * running udevd, which small machines and containers lack.
		 */
		r->udev = udev_new();
		if (r->udev)
			r->mon = udev_monitor_new_from_netlink(r->udev, "kernel");
		if (r->mon &&
		    (udev_monitor_filter_add_match_subsystem_devtype(r->mon, "block", "disk") < 0 ||
		     udev_monitor_enable_receiving(r->mon) < 0)) {
			udev_monitor_unref(r->mon);
			r->mon = NULL;
		}
	}
	*ret = r;
	return 0;
}

void zs_reader_free(struct zs_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndevs; i++)
		slot_close(r, &r->devs[i]);
	free(r->devs);
	pools_remove_all(r);
	free(r->pools);
	free(r->pslots);
	close_fd(r, &r->fd_swaps);
	close_fd(r, &r->fd_meminfo);
	zs_zswap_files_close(&r->zswap_files, &r->rb);
	zs_cgroup_files_free(r->cgroup_files, &r->rb);
	free(r->cgroups);
	free(r->swaps_text);
	watch_close(r, &r->block_watch);
	watch_close(r, &r->pool_watch);
	udev_monitor_unref(r->mon);
	udev_unref(r->udev);
	zs_strv_free(r->listed_devices);
	zs_strv_free(r->listed_pools);
	free(r->events);
	free(r->sdevs);
	free(r->rb.buf);
	free(r);
}

int zs_reader_fd(const struct zs_reader *r)
{
	return r->mon ? udev_monitor_get_fd(r->mon) : -1;
}

int zs_reader_process_fd(struct zs_reader *r)
{
	struct udev_device *d;
	int changed = 0;

	if (!r->mon)
		return 0;
	while ((d = udev_monitor_receive_device(r->mon))) {
		const char *name = udev_device_get_sysname(d);

		if (name && zs_devname_valid(name)) {
			r->scan_devices = r->scan_pools = true;
			changed = 1;
		}
		udev_device_unref(d);
	}
	return changed;
}

void zs_reader_rescan(struct zs_reader *r)
{
	r->scan_devices = r->scan_pools = r->scan_cgroups = true;
}

void zs_reader_watch_cgroups(struct zs_reader *r, bool on)
{
	if (on) {
		r->needs |= ZS_NEED_CGROUPS;
		return;
	}
	r->needs &= ~(unsigned int)ZS_NEED_CGROUPS;
	zs_cgroup_files_free(r->cgroup_files, &r->rb);
	r->cgroup_files = NULL;
	free(r->cgroups);
	r->cgroups = NULL;
	r->ncgroups = 0;
	r->cgroups_truncated = false;
	r->cgroups_status = ZS_CGROUPS_OK;
	r->cgroups_err = 0;
	r->cgroups_err_path[0] = '\0';
	/* the snapshot shown until the next refresh must not point at them */
	r->snap.cgroups = NULL;
	r->snap.ncgroups = 0;
}

void zs_reader_read_ages(struct zs_reader *r, bool on, const struct zs_config *cfg)
{
	r->ages_config = cfg;
	if (on)
		r->needs |= ZS_NEED_BLOCK_STATE | ZS_NEED_MEMINFO;
	else
		r->needs &= ~(unsigned int)ZS_NEED_BLOCK_STATE;
}

void zs_reader_get_stats(const struct zs_reader *r, struct zs_reader_stats *ret)
{
	ret->opens = r->rb.opens;
	ret->reads = r->rb.reads;
	ret->scans = r->scans;
	ret->files = r->rb.files;
}

/*
 * The device's record in the gate's state file, if it is about this very
 * device: what its last compaction left is where its estimate starts.
 */
static const struct zs_state_device *learned_record(const struct zs_reader *r,
						    const struct zs_device *dev)
{
	struct zs_identity id;

	if (!r->gate || !r->snap.gate.has_state)
		return NULL;
	zs_device_identity(dev, &id);
	return zs_state_device_of(&r->snap.gate.state, dev->name, &id);
}

/*
 * ZS_NEED_LEARNED without ZS_NEED_DISKSEQ: diskseq only where it decides
 * whether the state's record is about this device, that is for a device
 * whose estimate starts from a record (no class statistics) that names a
 * diskseq. A status of devices compact never saw reads none.
 */
static void read_learned_identities(struct zs_reader *r)
{
	if (!(r->needs & ZS_NEED_LEARNED) || (r->needs & ZS_NEED_DISKSEQ) || !r->gate ||
	    !r->snap.gate.has_state)
		return;
	for (size_t i = 0; i < r->ndevs; i++) {
		struct dev_slot *d = &r->devs[i];
		const struct zs_state_device *rec;
		const struct zs_pool *pool;
		int err;

		if (d->err || !d->open || !d->dev.initialised || d->dev.has_diskseq)
			continue;
		pool = zs_pool_find(r->pools, r->npools, d->name);
		if (pool && r->pslots[pool - r->pools].valid)
			continue; /* exact figures from the classes: no estimate */
		rec = zs_state_device_find(&r->snap.gate.state, d->name);
		if (!rec || !rec->id.has_diskseq)
			continue;
		err = zs_dev_read_diskseq(r->ctx, &d->files, d->name, &r->rb, &d->dev, d->err_path,
					  sizeof(d->err_path));
		if (err < 0)
			d->err = err;
	}
}

static int build_snapshot(struct zs_reader *r)
{
	struct zs_snapshot *s = &r->snap;
	struct zs_gate_view *g = &s->gate;
	uint64_t page = zs_ctx_page_size(r->ctx);

	if (r->ndevs > r->sdevs_cap) {
		struct zs_snap_device *n = realloc(r->sdevs, r->ndevs * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->sdevs = n;
		r->sdevs_cap = r->ndevs;
	}
	g->has_kernel_gated = false;
	g->kernel_gated = 0;
	for (size_t i = 0; i < r->ndevs; i++) {
		struct zs_snap_device *sd = &r->sdevs[i];
		const struct dev_slot *d = &r->devs[i];

		sd->dev = d->dev;
		sd->ages = d->ages;
		sd->err = d->err;
		zs_copy_path(sd->err_path, sizeof(sd->err_path), d->err_path);
		sd->busy = strcmp(r->busy.device, d->name) ? ZS_PHASE_NONE : r->busy.phase;
		sd->busy_pid = sd->busy ? r->busy.pid : 0;
		sd->busy_since = sd->busy ? r->busy.phase_since : 0;
		sd->busy_unread = d->busy_unread;
		sd->pool = zs_pool_find(r->pools, r->npools, d->name);
		if (sd->pool && !r->pslots[sd->pool - r->pools].valid)
			sd->pool = NULL; /* never read successfully */
		zs_device_derive_learned(&sd->dev, sd->pool, learned_record(r, &sd->dev), page,
					 &sd->derived);
		ram_share(r, sd);
		if (!sd->err && zs_stat_has(&sd->dev.mm, ZS_MM_COMPACT_GATED)) {
			g->has_kernel_gated = true;
			g->kernel_gated = zs_add_sat(g->kernel_gated,
						     sd->dev.mm.val[ZS_MM_COMPACT_GATED]);
		}
	}
	s->devs = r->sdevs;
	s->ndevs = r->ndevs;
	s->pools = r->pools;
	s->npools = r->npools;
	s->classes_status = r->cstatus;
	s->pools_err = r->pools_err;
	zs_copy_path(s->pools_err_path, sizeof(s->pools_err_path), r->pools_err_path);
	s->users_err = r->users_err;
	zs_copy_path(s->users_err_path, sizeof(s->users_err_path), r->users_err_path);
	s->page_size = page;
	s->has_meminfo = r->has_meminfo;
	s->meminfo = r->meminfo;
	s->has_zswap = (r->needs & (ZS_NEED_ZSWAP | ZS_NEED_ZSWAP_SUMMARY)) != 0;
	s->zswap_summary = r->zswap_summary;
	s->zswap = r->zswap;
	zs_zswap_derive(&r->zswap, r->has_meminfo ? &r->meminfo : NULL, page, &s->zswap_derived);
	s->zswap_err = r->zswap_err;
	zs_copy_path(s->zswap_err_path, sizeof(s->zswap_err_path), r->zswap_err_path);
	s->cgroups_status = r->cgroups_status;
	s->cgroups = r->cgroups;
	s->ncgroups = r->ncgroups;
	s->cgroups_truncated = r->cgroups_truncated;
	s->cgroups_err = r->cgroups_err;
	zs_copy_path(s->cgroups_err_path, sizeof(s->cgroups_err_path), r->cgroups_err_path);
	s->ages_status = r->ages_status;
	s->has_gate = r->gate != NULL;
	s->events = r->events;
	s->nevents = r->nevents;
	return 0;
}

int zs_reader_refresh(struct zs_reader *r, const struct zs_snapshot **ret)
{
	bool lost = false;
	int err;

	zs_ctx_begin(r->ctx);
	r->nevents = 0;
	r->pools_err = r->users_err = 0;
	r->pools_err_path[0] = r->users_err_path[0] = '\0';
	r->snap.seq++;
	if (devices_due(r)) {
		r->scan_devices = false;
		err = scan_devices(r);
		if (err < 0 && (err == -ENOMEM || !r->first_done))
			return err;
	}
	/*
	 * Pools first: a dump's page size comes from its classes, and every
	 * derived value of the devices depends on it.
	 */
	if (r->needs & ZS_NEED_POOLS) {
		err = read_pools(r);
		if (err < 0)
			return err;
	} else {
		r->cstatus = ZS_CLASSES_NO_DEBUGFS;
	}
	if (r->npools)
		zs_ctx_learn_page_size(r->ctx, &r->pools[0]);
	read_busy(r);
	read_devices(r, &lost);
	if (lost && !r->named) {
		/*
		 * A device of the same name may have taken its place. Not for
		 * named devices: a scan would add every other device.
		 */
		err = scan_devices(r);
		if (err == -ENOMEM)
			return err;
		for (size_t i = 0; i < r->ndevs; i++)
			if (!r->devs[i].files.setup_known && !r->devs[i].busy_unread &&
			    slot_read(r, &r->devs[i]) == -ENODEV)
				r->devs[i].gone = true;
		drop_gone_slots(r);
	}
	err = read_users(r);
	if (err < 0)
		return err;
	if (r->needs & ZS_NEED_MEMINFO)
		read_meminfo(r);
	if (r->needs & (ZS_NEED_ZSWAP | ZS_NEED_ZSWAP_SUMMARY))
		read_zswap(r);
	if (r->needs & ZS_NEED_BLOCK_STATE)
		read_ages(r);
	if (r->needs & ZS_NEED_CGROUPS)
		read_cgroups(r);
	read_learned_identities(r);
	err = build_snapshot(r);
	if (err < 0)
		return err;
	r->first_done = true;
	*ret = &r->snap;
	return 0;
}

const struct zs_snapshot *zs_reader_snapshot(const struct zs_reader *r)
{
	return r->first_done ? &r->snap : NULL;
}

struct zs_snap_device *zs_snapshot_device(const struct zs_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->ndevs; i++)
		if (!strcmp(s->devs[i].dev.name, name))
			return &s->devs[i];
	return NULL;
}

int zs_reader_read_attr(struct zs_reader *r, const char *dev, const char *attr, char **ret)
{
	struct dev_slot *d = find_slot(r, dev);
	int err;

	zs_ctx_begin(r->ctx);
	if (!d)
		return -ENODEV;
	if (!d->open) {
		err = zs_dev_files_open(r->ctx, &d->files, d->name, &r->rb);
		if (err < 0)
			return err;
		d->open = true;
	}
	return zs_dev_read_attr(r->ctx, &d->files, d->name, attr, &r->rb, ret);
}

/* mm_stat through the device's kept descriptor, for a compaction's before and after. */
static int read_mm(struct zs_reader *r, struct dev_slot *d, struct zs_stat *st)
{
	struct zs_device tmp = d->dev;
	char path[192];
	int err;

	err = zs_dev_read(r->ctx, &d->files, d->name, ZS_NEED_MM, &r->rb, &tmp, path,
			  sizeof(path));
	if (err < 0)
		return zs_ctx_fail(r->ctx, path, err);
	d->dev.mm = tmp.mm;
	d->dev.initialised = tmp.initialised;
	*st = tmp.mm;
	return 0;
}

static uint64_t monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int zs_reader_compact(struct zs_reader *r, const char *name, struct zs_compact_result *ret)
{
	struct zs_compact_result res = { 0 };
	struct dev_slot *d = find_slot(r, name);
	char rel[64];
	uint64_t t0;
	int fd, err;

	zs_ctx_begin(r->ctx);
	if (!d)
		return -ENODEV;
	if (!d->open) {
		err = zs_dev_files_open(r->ctx, &d->files, d->name, &r->rb);
		if (err < 0)
			return err;
		d->open = true;
	}
	err = read_mm(r, d, &res.before);
	if (err < 0)
		return err;
	snprintf(rel, sizeof(rel), "sys/block/%s/compact", name);
	fd = zs_ctx_openat(r->ctx, d->files.dirfd, "compact", O_WRONLY, rel);
	if (fd < 0)
		return fd;
	t0 = monotonic_ns();
	/*
	 * zs_compact() runs inside this write; it reports success even when
	 * zsmalloc's compaction_in_progress gate turned it away.
	 */
	if (write(fd, "1", 1) != 1) {
		err = -errno;
		close(fd);
		return zs_ctx_fail(r->ctx, rel, err);
	}
	res.duration_ns = monotonic_ns() - t0;
	close(fd);
	err = read_mm(r, d, &res.after);
	if (err < 0)
		return err;
	zs_compact_result_from(&res);
	*ret = res;
	return 0;
}

int zs_device_read(struct zs_ctx *ctx, const char *name, struct zs_device *ret)
{
	struct zs_reader_opts o = {
		.needs = ZS_NEED_ALL & ~(ZS_NEED_MOUNTS | ZS_NEED_SWAPS | ZS_NEED_POOLS |
					 ZS_NEED_GATE | ZS_NEED_ZSWAP | ZS_NEED_CGROUPS |
					 ZS_NEED_ZSWAP_SUMMARY | ZS_NEED_LEARNED | ZS_NEED_MAINT),
	};
	struct zs_reader *r;
	char *names[] = { (char *)name, NULL };
	const struct zs_snapshot *s;
	int err;

	if (!zs_devname_valid(name))
		return -EINVAL;
	o.devices = names;
	o.ndevices = 1;
	err = zs_reader_new(ctx, &o, &r);
	if (err < 0)
		return err;
	err = zs_reader_refresh(r, &s);
	if (err >= 0 && s->devs[0].err) {
		err = s->devs[0].err;
		if (s->devs[0].err_path[0])
			zs_ctx_fail(ctx, s->devs[0].err_path, err);
		else if (err == -ENODEV)
			zs_ctx_fail(ctx, "", err);
	}
	if (err >= 0) {
		*ret = s->devs[0].dev;
		r->devs[0].dev.mountpoints = NULL; /* now the caller's */
	}
	zs_reader_free(r);
	return err;
}
