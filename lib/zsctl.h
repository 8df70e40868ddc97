/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libzsctl: the model of zram devices and zsmalloc pools, and all kernel I/O.
 *
 * Rules: nothing here prints; every function that can fail returns 0 or a
 * negative errno and leaves its out-parameters untouched on failure; every
 * file is reached through a struct zs_ctx, so a dump under --sysroot is read
 * exactly like a live system. After a failure, zs_ctx_error_path() names the
 * file (relative to the root) that caused it.
 */
#ifndef ZSCTL_H
#define ZSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct zs_ctx;

/* ---- context ---------------------------------------------------------- */

/* sysroot: NULL or "/" for the live system, else the root of a dump. */
int zs_ctx_new(const char *sysroot, struct zs_ctx **ret);
void zs_ctx_free(struct zs_ctx *ctx);
bool zs_ctx_is_live(const struct zs_ctx *ctx);
const char *zs_ctx_root(const struct zs_ctx *ctx);
uint64_t zs_ctx_page_size(const struct zs_ctx *ctx);
/* The file (relative to the root, no leading '/') of the last failure. */
const char *zs_ctx_error_path(const struct zs_ctx *ctx);

/* Open a file below the root; rel must not start with '/'. Returns an fd. */
int zs_ctx_open(struct zs_ctx *ctx, const char *rel, int flags);
/*
 * Read a whole small file (sysfs attributes, debugfs tables) into a
 * NUL-terminated malloc'd buffer. -ENOENT when absent, -EFBIG past max.
 */
int zs_ctx_read_file(struct zs_ctx *ctx, const char *rel, size_t max, char **ret);
/* Names in a directory below the root, sorted; NULL-terminated array. */
int zs_ctx_list_dir(struct zs_ctx *ctx, const char *rel, char ***ret, size_t *n);
void zs_strv_free(char **strv);

/* ---- strict parsing ---------------------------------------------------- */

/* A decimal u64 and nothing else: -EINVAL on junk, -ERANGE past 2^64-1. */
int zs_parse_u64(const char *s, uint64_t *ret);
/*
 * Whitespace-separated decimal columns of one line (a trailing newline is
 * allowed, nothing after it). Stores at most max values; more columns than
 * max is -E2BIG so callers can say the file is stranger than expected.
 */
int zs_parse_u64_columns(const char *s, uint64_t *vals, unsigned int max, unsigned int *n);

/* ---- device names ------------------------------------------------------ */

#define ZS_DEVNAME_MAX 16 /* "zram" + up to 9 digits + NUL, and room */

/*
 * Accept "zramN" or "/dev/zramN" (N decimal, no sign, no leading zero, at
 * most 9 digits) and write the bare name; anything else is -EINVAL before
 * any path is built from it.
 */
int zs_devname_parse(const char *arg, char name[ZS_DEVNAME_MAX]);
bool zs_devname_valid(const char *name);

/* ---- zram attributes ---------------------------------------------------- */

/*
 * mm_stat columns in kernel order (Documentation/admin-guide/blockdev/zram.rst).
 * Kernels only append; column 10 comes from our kernel series.
 */
enum zs_mm_col {
	ZS_MM_ORIG_DATA_SIZE,
	ZS_MM_COMPR_DATA_SIZE,
	ZS_MM_MEM_USED_TOTAL,
	ZS_MM_MEM_LIMIT,
	ZS_MM_MEM_USED_MAX,
	ZS_MM_SAME_PAGES,
	ZS_MM_PAGES_COMPACTED,
	ZS_MM_HUGE_PAGES,
	ZS_MM_HUGE_PAGES_SINCE,
	ZS_MM_COMPACT_GATED,
	ZS_MM_KNOWN,
};
#define ZS_MM_MAX 32

enum zs_io_col {
	ZS_IO_FAILED_READS,
	ZS_IO_FAILED_WRITES,
	ZS_IO_INVALID_IO,
	ZS_IO_NOTIFY_FREE,
	ZS_IO_KNOWN,
};

enum zs_bd_col {
	ZS_BD_COUNT,
	ZS_BD_READS,
	ZS_BD_WRITES,
	ZS_BD_KNOWN,
};

#define ZS_STAT_MAX 32

/*
 * One stat file's values. present has a bit per known column; columns
 * beyond the known ones are kept in val[] up to ncols.
 */
struct zs_stat {
	uint64_t val[ZS_STAT_MAX];
	uint32_t present;
	unsigned int ncols;
	bool legacy; /* assembled from pre-4.1 one-value-per-file attributes */
};

static inline bool zs_stat_has(const struct zs_stat *st, unsigned int col)
{
	return col < 32 && (st->present & (UINT32_C(1) << col));
}

const char *zs_mm_col_name(unsigned int col);
const char *zs_io_col_name(unsigned int col);
const char *zs_bd_col_name(unsigned int col);

int zs_parse_mm_stat(const char *s, struct zs_stat *ret);
/*
 * Column 10 is compact_gated only where it can be the kernel series' (see
 * zsctl-status(8)); elsewhere it is left as an unknown column: present
 * cleared, the value kept in val[] within ncols.
 */
void zs_mm_stat_vet_gate_column(struct zs_ctx *ctx, struct zs_stat *mm);
int zs_parse_io_stat(const char *s, struct zs_stat *ret);
int zs_parse_bd_stat(const char *s, struct zs_stat *ret);

struct zs_debug_stat {
	unsigned int version;
	uint64_t writestall;
	uint64_t miss_free;
};
int zs_parse_debug_stat(const char *s, struct zs_debug_stat *ret);

#define ZS_ALGO_MAX 16
#define ZS_ALGO_NAME_MAX 32
struct zs_algorithms {
	char name[ZS_ALGO_MAX][ZS_ALGO_NAME_MAX];
	unsigned int n;
	int active; /* index into name[], -1 when none is bracketed */
};
int zs_parse_comp_algorithm(const char *s, struct zs_algorithms *ret);

/* ---- devices ------------------------------------------------------------ */

struct zs_swap_use {
	uint64_t size;  /* bytes */
	uint64_t used;  /* bytes */
	int priority;
};

struct zs_device {
	char name[ZS_DEVNAME_MAX];
	unsigned int id;
	unsigned int major, minor;
	bool has_devno;
	bool initialised;
	uint64_t disksize;
	struct zs_algorithms algorithms;
	bool has_algorithms;
	struct zs_stat mm; /* all zeros while the device is uninitialised */
	struct zs_stat io;
	struct zs_stat bd; /* CONFIG_ZRAM_WRITEBACK only */
	struct zs_debug_stat debug;
	bool has_debug;
	uint64_t max_comp_streams;
	bool has_max_comp_streams; /* dropped from newer kernels */
	char backing_dev[256];
	bool has_backing_dev;
	uint64_t writeback_limit;
	bool has_writeback_limit;
	bool writeback_limit_enable;
	bool has_writeback_limit_enable;

	/* users, from mountinfo and swaps */
	char **mountpoints; /* NULL-terminated, or NULL */
	struct zs_swap_use swap;
	bool is_swap;
};

/* Names of zram devices (libudev live, the dump's sys/block under a sysroot), sorted by id. */
int zs_enumerate_devices(struct zs_ctx *ctx, char ***names, size_t *n);
/* Read every attribute of one device. -ENODEV when it does not exist (or vanished). */
int zs_device_read(struct zs_ctx *ctx, const char *name, struct zs_device *dev);
void zs_device_clear(struct zs_device *dev);
/* Fill mountpoints and swap use of each device from the root's proc files. */
int zs_devices_read_users(struct zs_ctx *ctx, struct zs_device *devs, size_t n);

/* ---- zsmalloc pools (debugfs) -------------------------------------------- */

enum zs_classes_format {
	ZS_CLASSES_ALMOST,   /* until 6.3: almost_full almost_empty */
	ZS_CLASSES_FULLNESS, /* 6.4+: 10% .. 100% groups */
};

#define ZS_FULLNESS_GROUPS 11 /* 10% 20% ... 90% 99% 100% */

struct zs_class {
	unsigned int index;
	uint64_t size;
	uint64_t fullness[ZS_FULLNESS_GROUPS]; /* FULLNESS format only */
	uint64_t almost_full, almost_empty;   /* ALMOST format only */
	uint64_t obj_allocated;
	uint64_t obj_used;
	uint64_t pages_used;
	uint64_t pages_per_zspage; /* 0 on the Total row */
	uint64_t freeable;
};

enum zs_pool_kind {
	ZS_POOL_ZRAM,
	ZS_POOL_ZSWAP,
	ZS_POOL_OTHER,
};

struct zs_pool {
	char name[64];
	enum zs_pool_kind kind;
	enum zs_classes_format format;
	bool has_freeable; /* kernels before 4.2 have no freeable column */
	struct zs_class *classes;
	size_t nclasses;
	struct zs_class total;
};

const char *zs_fullness_label(unsigned int group);

int zs_parse_classes(const char *s, struct zs_pool *pool);
void zs_pool_clear(struct zs_pool *pool);

/* Why class statistics are not there, as a sentence. */
enum zs_classes_status {
	ZS_CLASSES_OK,
	ZS_CLASSES_NO_DEBUGFS,     /* debugfs not mounted */
	ZS_CLASSES_NO_ZSMALLOC,    /* debugfs mounted, no zsmalloc/ (no CONFIG_ZSMALLOC_STAT) */
	ZS_CLASSES_NO_PERMISSION,  /* debugfs needs root */
	ZS_CLASSES_UNREADABLE,     /* a failure, returned as -errno */
};
const char *zs_classes_status_str(enum zs_classes_status st);

/*
 * Find debugfs through the root's proc/self/mountinfo and read every pool
 * under zsmalloc/. Returns 0 with *status saying why there are none, or
 * -errno for a real failure (a garbled classes file).
 */
int zs_pools_read(struct zs_ctx *ctx, struct zs_pool **pools, size_t *n,
		  enum zs_classes_status *status);
void zs_pools_free(struct zs_pool *pools, size_t n);
const struct zs_pool *zs_pool_find(const struct zs_pool *pools, size_t n, const char *name);

/* ---- derived values ----------------------------------------------------- */

struct zs_derived {
	double ratio; /* orig_data_size / compr_data_size */
	bool has_ratio;
	uint64_t overhead; /* mem_used_total - compr_data_size, 0 floor */
	bool has_overhead;
	double fragmentation; /* 0..1 */
	bool has_fragmentation;
	bool fragmentation_exact; /* from class statistics, else estimated from mm_stat */
	uint64_t compactable;     /* bytes */
	bool has_compactable;
	bool compactable_exact; /* classes' freeable, else mm_stat estimate */
};

void zs_class_derive(const struct zs_class *c, double *frag, uint64_t *waste);
void zs_pool_derive(const struct zs_pool *pool, double *frag, uint64_t *waste);
/* pool may be NULL (no class statistics): then estimates from mm_stat. */
void zs_device_derive(const struct zs_ctx *ctx, const struct zs_device *dev,
		      const struct zs_pool *pool, struct zs_derived *ret);

/* ---- compaction: policy, the user-space gate, state ---------------------- */

/* Sizes like util-linux's: 4096, 4K, 1.5M, 2GiB (binary units). */
int zs_parse_size(const char *s, uint64_t *ret);
/* Durations: 90, 90s, 5m, 1h30m, 2d; in seconds. */
int zs_parse_duration(const char *s, uint64_t *ret);
/* Seconds with a fraction: 0.25, 3, 1.5; at most a day. */
int zs_parse_seconds(const char *s, double *ret);
/* 0..100, with or without a trailing '%'; returned as a fraction 0..1. */
int zs_parse_percent(const char *s, double *ret);

struct zs_policy {
	uint64_t min_gain;     /* bytes */
	double min_frag;       /* 0..1; above 1 disables the test */
	uint64_t min_interval; /* seconds since the device's last compaction */
	bool force;            /* ignore min_gain and min_frag */
};

enum zs_decision {
	ZS_DECIDE_COMPACT,
	ZS_DECIDE_UNINITIALISED,
	ZS_DECIDE_TOO_SOON, /* min_interval */
	ZS_DECIDE_NOT_WORTH, /* below both thresholds */
};

/* last_time: the device's last compaction (epoch seconds), 0 for never. */
enum zs_decision zs_compact_decide(const struct zs_policy *p, const struct zs_device *dev,
				   const struct zs_derived *x, uint64_t last_time, uint64_t now);

struct zs_compact_result {
	struct zs_stat before, after;
	uint64_t duration_ns;
	int64_t freed;            /* mem_used_total before - after; writers may make it < 0 */
	uint64_t pages_compacted; /* delta of mm_stat column 7 */
	bool has_gate_counter;    /* mm_stat has compact_gated (patched kernel) */
	uint64_t gated;           /* its delta */
	bool kernel_gated;        /* it rose while pages_compacted did not */
};

/* Write the device's compact attribute, with mm_stat read just before and after. */
int zs_device_compact(struct zs_ctx *ctx, const char *name, struct zs_compact_result *ret);

struct zs_gate_holder {
	pid_t pid;
	int64_t since; /* epoch seconds, 0 when unknown */
	bool known;
};

/*
 * Take the gate: flock(LOCK_EX|LOCK_NB) on path, polling up to
 * wait_seconds (0: no wait). -EWOULDBLOCK when another process holds it,
 * with *holder naming it when it could be read. Refuses a symlink
 * (-ELOOP), a directory writable by others without the sticky bit and a
 * file that is not the caller's (-EPERM).
 */
int zs_gate_acquire(const char *path, double wait_seconds, int *fd, struct zs_gate_holder *holder);
void zs_gate_release(int fd);
/* Who holds the gate now, from /proc/locks; never takes the lock itself. */
int zs_gate_query(const char *path, bool *held, struct zs_gate_holder *holder);

int zs_check_private_dir(const char *path);
int zs_open_private(const char *path, int flags, mode_t mode);

#define ZS_STATE_MAX_DEVICES 256
#define ZS_RESULT_MAX 16

struct zs_state_device {
	char name[ZS_DEVNAME_MAX];
	uint64_t last_time; /* epoch seconds of its last compaction */
	char last_result[ZS_RESULT_MAX];
	uint64_t last_freed;
};

struct zs_state {
	uint64_t runs; /* runs that held the gate */
	uint64_t freed_total;
	uint64_t last_time, last_pid;
	char last_result[ZS_RESULT_MAX]; /* compacted, nothing, failed, gated */
	struct zs_state_device devices[ZS_STATE_MAX_DEVICES];
	size_t ndevices;
};

/* -EBADMSG for a garbled file: the caller sets it aside and starts anew. */
int zs_state_load(const char *path, struct zs_state *ret);
int zs_state_parse(const char *text, struct zs_state *ret);
int zs_state_format(const struct zs_state *st, char **ret);
int zs_state_save(const char *path, const struct zs_state *st);
int zs_state_set_aside(const char *path, char *aside, size_t size);
struct zs_state_device *zs_state_device(struct zs_state *st, const char *name, bool create);
/* The user-space gate counter: processes that found the gate held. */
int zs_state_count_busy(const char *state_path);
int zs_state_busy_count(const char *state_path, uint64_t *ret);

/* ==== BEGIN zram attributes: get and set (lib/attr.c) ==================== */

/*
 * The table of zram's sysfs attributes: what each is, which kernels and
 * configurations have it, whether it can be read and written, and in which
 * order several writes are safe. zs_set_* validates ATTR=VALUE against the
 * table and the running kernel (the file exists, the value is one of the
 * device's choices, the device's state allows it) before anything is
 * written, then writes in the table's order.
 */
#define ZS_ATTR_READ 1u
#define ZS_ATTR_WRITE 2u

enum zs_attr_kind {
	ZS_ATTR_KIND_U64,        /* one decimal number */
	ZS_ATTR_KIND_BOOL,       /* 0 or 1 */
	ZS_ATTR_KIND_STRING,     /* one line of text */
	ZS_ATTR_KIND_ALGORITHMS, /* choices, the active one in brackets */
	ZS_ATTR_KIND_COLUMNS,    /* mm_stat, io_stat, bd_stat */
	ZS_ATTR_KIND_TEXT,       /* several lines: debug_stat, recomp_algorithm */
	ZS_ATTR_KIND_ACTION,     /* write-only trigger or setting */
};

/* Flags of a writable attribute: what the device's state must be. */
#define ZS_ATTR_NEEDS_UNINIT 0x1u  /* only before initialisation (disksize set) */
#define ZS_ATTR_NEEDS_INIT 0x2u    /* only on an initialised device */
#define ZS_ATTR_NEEDS_BACKING 0x4u /* only with a backing device */
#define ZS_ATTR_NO_SET 0x8u        /* not for zsctl set: a verb or an option does it */
#define ZS_ATTR_LEGACY 0x10u       /* pre-4.11 one-value file, replaced by mm_stat/io_stat */

struct zs_attr {
	const char *name;
	unsigned int mode;       /* ZS_ATTR_READ | ZS_ATTR_WRITE, as on current kernels */
	enum zs_attr_kind kind;
	const char *since;       /* first mainline version with it */
	const char *until;       /* last version with it, NULL when still there */
	const char *config;      /* the kernel option it needs, NULL for none */
	unsigned int flags;
	unsigned int order;      /* safe write order, smaller first */
	const char *value_help;  /* what set accepts, for messages and --help */
	const char *help;
};

/* The whole table, in the order get lists it. */
const struct zs_attr *zs_attr_table(size_t *n);
const struct zs_attr *zs_attr_find(const char *name);
/*
 * 1 when sys/block/<dev>/<attr> exists below the root, 0 when not (from the
 * directory's listing: nothing is opened), -ENODEV without the device.
 */
int zs_attr_exists(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a);
/* Read a readable attribute's text (malloc'd); -ENOENT when the kernel lacks it. */
int zs_attr_read(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a, char **ret);
/* Write value (a newline is appended) to sys/block/<dev>/<attr> in one write(). */
int zs_attr_write(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a,
		  const char *value);

/* Why a write was refused before anything was written. */
enum zs_set_problem {
	ZS_SET_OK,
	ZS_SET_SYNTAX,          /* not ATTR=VALUE */
	ZS_SET_UNKNOWN,         /* the name is not a zram attribute */
	ZS_SET_READ_ONLY,
	ZS_SET_NOT_HERE,        /* reset, compact: an option or a verb does it */
	ZS_SET_BAD_CHARS,       /* a newline, blank, control character or leading '-' */
	ZS_SET_EMPTY,
	ZS_SET_TOO_LONG,
	ZS_SET_BAD_VALUE,       /* does not parse as the attribute's kind of value */
	ZS_SET_RANGE,
	ZS_SET_BAD_PARAM,       /* a KEY=VALUE list with an unknown or repeated key */
	ZS_SET_DUPLICATE,       /* the same attribute twice on one line */
	ZS_SET_ABSENT,          /* this kernel has no such file */
	ZS_SET_NOT_A_CHOICE,    /* an algorithm the device does not offer */
	ZS_SET_NEEDS_UNINIT,    /* the device is initialised */
	ZS_SET_NEEDS_INIT,      /* the device is not initialised */
	ZS_SET_NEEDS_BACKING,   /* no backing device */
	ZS_SET_NO_BLOCKDEV,     /* backing_dev names no block device */
	ZS_SET_SELF,            /* backing_dev is the device itself */
	ZS_SET_IN_USE,          /* --reset of a device in use (swap, mounted) */
};

#define ZS_SET_MAX 32
#define ZS_SET_VALUE_MAX 256
#define ZS_SET_NAME_MAX 32

struct zs_set_item {
	const struct zs_attr *attr; /* NULL when the name is not in the table */
	char name[ZS_SET_NAME_MAX]; /* as given (printable, cut to fit) */
	char arg[ZS_SET_VALUE_MAX]; /* the value as given */
	char value[ZS_SET_VALUE_MAX]; /* what is written: "4G" becomes 4294967296 */
	enum zs_set_problem problem;
	int err;      /* the kernel's refusal (-errno) when the write failed */
	bool written;
};

struct zs_set_plan {
	char dev[ZS_DEVNAME_MAX];
	bool reset;   /* write reset first (zsctl set --reset) */
	struct zs_set_item items[ZS_SET_MAX + 1]; /* in write order after zs_set_check */
	size_t n;
	/* the device as zs_set_check found it */
	struct zs_device before;
	bool in_use;  /* swap or mounted */
};

/*
 * Parse one "ATTR=VALUE" into item: the name is looked up and the value
 * checked and normalised without looking at the device. Returns 0, or
 * -EINVAL with item->problem saying why.
 */
int zs_set_parse(const char *arg, struct zs_set_item *item);
/*
 * plan->dev and its n items parsed: read the device, check every item
 * against the running kernel and the state the device will be in when the
 * item is written, and sort the items into the safe order (with reset
 * first when plan->reset). Returns 0 when everything can be written,
 * -EINVAL when an item has a problem (each says which), -ENODEV when the
 * device does not exist, -EBUSY for --reset of a device in use, or -errno.
 */
int zs_set_check(struct zs_ctx *ctx, struct zs_set_plan *plan);
/*
 * Write the checked items in order; stop at the first refusal. Returns 0,
 * or the refusal's -errno with that item's err set; written says which
 * went through.
 */
int zs_set_apply(struct zs_ctx *ctx, struct zs_set_plan *plan);
void zs_set_plan_clear(struct zs_set_plan *plan);

/*
 * backing_dev's check: path names an existing block device below the root
 * (sys/class/block/NAME for /dev/NAME, or a block special file). 0, or
 * -ENOENT, -ENOTBLK, -EINVAL for a path that is not absolute.
 */
int zs_blockdev_check(struct zs_ctx *ctx, const char *path);

/* ==== END zram attributes ================================================= */

/* ==== zsctl top: the sampler (lib/sample.c) ===============================
 *
 * Keeps every file a refresh needs open and re-reads it with one
 * pread(fd, buf, size, 0) per refresh: initstate and mm_stat of each zram
 * device (the one-value files on pre-4.1 kernels), the classes file of each
 * zsmalloc pool, proc/swaps. Once the files are open, a refresh opens
 * nothing unless the devices change. Devices that are hot-added or removed
 * are picked up by a kernel uevent monitor (live) or by watching sys/block
 * (--sysroot, or live without a monitor); a device that vanishes in the
 * middle of a read is dropped and reported as an event, not as an error.
 */

struct zs_sampler;

struct zs_sample_device {
	/*
	 * name, id, initialised, disksize, algorithms (read when the device
	 * appears and when its initstate changes), mm (every refresh), swap.
	 */
	struct zs_device dev;
	const struct zs_pool *pool; /* its class statistics in this sample, or NULL */
	struct zs_derived derived;
	int err; /* 0, or why the last refresh could not read it (values kept) */
};

enum zs_sample_event_kind {
	ZS_SAMPLE_ADDED,    /* a device or pool appeared */
	ZS_SAMPLE_REMOVED,  /* it was removed (a pool: its device was reset) */
	ZS_SAMPLE_VANISHED, /* it went away while being read */
	ZS_SAMPLE_FAILED,   /* a file of it could not be read or parsed */
};

struct zs_sample_event {
	enum zs_sample_event_kind kind;
	bool is_pool;
	char name[64];
	int err;        /* FAILED: -errno */
	char path[192]; /* FAILED: the file, relative to the root */
};

/* zsctl compact's gate as seen from outside: never takes the lock. */
struct zs_sample_gate {
	bool held;
	struct zs_gate_holder holder;
	bool has_state;     /* the state file exists and parses */
	bool state_garbled; /* it exists and does not */
	uint64_t runs, freed_total, last_time;
	char last_result[ZS_RESULT_MAX];
	uint64_t turned_away; /* processes that found the gate held */
	bool has_kernel_gated;
	uint64_t kernel_gated; /* sum of mm_stat compact_gated where present */
};

struct zs_sample {
	uint64_t seq; /* 1 for the first refresh */
	struct zs_sample_device *devs;
	size_t ndevs; /* by id */
	struct zs_pool *pools;
	size_t npools; /* by name */
	enum zs_classes_status classes_status;
	bool has_gate; /* zs_sampler_set_gate() was called */
	struct zs_sample_gate gate;
	const struct zs_sample_event *events; /* since the previous refresh */
	size_t nevents;
};

struct zs_sampler_stats {
	uint64_t opens; /* files and directories the sampler opened */
	uint64_t reads; /* pread() calls */
	uint64_t scans; /* device and pool list scans */
	unsigned int files; /* files held open now */
};

int zs_sampler_new(struct zs_ctx *ctx, struct zs_sampler **ret);
void zs_sampler_free(struct zs_sampler *s);
/* Sample zsctl compact's gate too (absolute paths, rooted by the caller). */
int zs_sampler_set_gate(struct zs_sampler *s, const char *lock_path, const char *state_path);
/*
 * Read everything once. The sample stays valid until the next refresh or
 * zs_sampler_free(). -errno only when nothing can be shown (the device list
 * cannot be read on the first refresh, or memory ran out).
 */
int zs_sampler_refresh(struct zs_sampler *s, const struct zs_sample **ret);
/* The hotplug monitor's fd to poll for POLLIN, or -1 when there is none. */
int zs_sampler_fd(const struct zs_sampler *s);
/* Drain the monitor: 1 when zram devices changed (refresh soon), else 0. */
int zs_sampler_process_fd(struct zs_sampler *s);
/* Rescan devices and pools at the next refresh. */
void zs_sampler_rescan(struct zs_sampler *s);
void zs_sampler_get_stats(const struct zs_sampler *s, struct zs_sampler_stats *ret);

/* ==== end of zsctl top's section ========================================= */

#endif
