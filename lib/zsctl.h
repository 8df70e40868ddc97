/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libzsctl: zsctl's internal library. It models zram devices, zsmalloc
 * pools and zsctl's compaction gate, and does all of zsctl's kernel I/O.
 * It is linked statically into zsctl's programs and makes no ABI promise:
 * structures are public and change with the tool.
 *
 * Rules:
 * - Nothing here prints. A function that can fail returns 0 (or a count)
 *   or a negative errno.
 * - Out-parameters are written only on success, except where a comment
 *   says otherwise (a plan or a holder that says why something failed).
 * - Every file is reached through a struct zs_ctx, so a dump under
 *   --sysroot is read exactly like the live system. When a call fails on a
 *   file, zs_ctx_error_path() names that file; the path is cleared when a
 *   public call begins, so it never names the file of an earlier failure.
 *
 * Objects, in this order: the context; numbers and names; the kernel's
 * files; devices; pools; derived values; the reader and its snapshot;
 * the gate and its state; compaction; attributes (get/set).
 */
#ifndef ZSCTL_H
#define ZSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ==== the context ========================================================== */

struct zs_ctx;

/* sysroot: NULL or "/" for the live system, else the root of a dump. */
int zs_ctx_new(const char *sysroot, struct zs_ctx **ret);
void zs_ctx_free(struct zs_ctx *ctx);
bool zs_ctx_is_live(const struct zs_ctx *ctx);
const char *zs_ctx_root(const struct zs_ctx *ctx);
/*
 * The page size of the machine the files come from: this machine's, or,
 * for a dump, learnt from zsmalloc's largest size class when the reader
 * reads the pools (ZS_MAX_ALLOC_SIZE is PAGE_SIZE).
 */
uint64_t zs_ctx_page_size(const struct zs_ctx *ctx);
/* The file (relative to the root, no leading '/') of this call's failure, or "". */
const char *zs_ctx_error_path(const struct zs_ctx *ctx);

/* Open a file below the root; rel must not start with '/'. Returns an fd. */
int zs_ctx_open(struct zs_ctx *ctx, const char *rel, int flags);
/*
 * Read a whole small file (sysfs attributes, debugfs tables) into a
 * NUL-terminated malloc'd buffer. -ENOENT when absent, -EFBIG past max.
 */
int zs_ctx_read_file(struct zs_ctx *ctx, const char *rel, size_t max, char **ret);
/*
 * Whether zram's writeback and recompression keep every other access to
 * the device waiting for their whole run: Linux 7.0 and later (see ctx.c).
 * Before 7.0 only the stores flagged ZS_ATTR_LOCKS_DEVICE (and reset) wait.
 */
bool zs_ctx_pp_blocks_access(struct zs_ctx *ctx);
/* Names in a directory below the root, sorted; NULL-terminated array. */
int zs_ctx_list_dir(struct zs_ctx *ctx, const char *rel, char ***ret, size_t *n);
void zs_strv_free(char **strv);

/* ==== numbers, times and names ============================================= */

/* A decimal u64 and nothing else: -EINVAL on junk, -ERANGE past 2^64-1. */
int zs_parse_u64(const char *s, uint64_t *ret);
/*
 * Whitespace-separated decimal columns of one line (a trailing newline is
 * allowed, nothing after it). Stores at most max values; more columns than
 * max is -E2BIG so callers can say the file is stranger than expected.
 */
int zs_parse_u64_columns(const char *s, uint64_t *vals, unsigned int max, unsigned int *n);
/*
 * Sizes as util-linux's strtosize(): 4096, 64m, 64M, 1.5G, 1GiB (powers of
 * 1024), 64MB (powers of 1000).
 */
int zs_parse_size(const char *s, uint64_t *ret);
/*
 * systemd time spans (systemd.time(7)) in whole seconds: 90, 90s, 10min,
 * 1.5h, "1h 30min", 2d, 1w.
 */
int zs_parse_duration(const char *s, uint64_t *ret);
/* Seconds with a fraction: 0.25, 3, 1.5; at most a day. */
int zs_parse_seconds(const char *s, double *ret);
/* 0..100, with or without a trailing '%'; returned as a fraction 0..1. */
int zs_parse_percent(const char *s, double *ret);
/* What each of these parsers accepts, in the words of a refusal. */
#define ZS_SIZE_ACCEPTED                                                                  \
	"a size: bytes, or a number with K, M, G, T, P or E (powers of 1024, also KiB, "   \
	"MiB...) or KB, MB, GB... (powers of 1000): 4096, 64M, 1.5G, 1GiB, 64MB"
#define ZS_DURATION_ACCEPTED                                                              \
	"a duration: seconds, or numbers with units s, min, h, d, w (systemd.time(7)): "  \
	"90, 90s, 10min, 1.5h, '1h 30min', 2d"
#define ZS_SECONDS_ACCEPTED "seconds, a fraction allowed, at most 86400: 0.25, 3, 1.5"
#define ZS_PERCENT_ACCEPTED "a percentage from 0 to 100, a '%' allowed: 50, 12.5, 50%"

/*
 * Saturating arithmetic: a garbled or hostile file (pages times the page
 * size, sums over devices) must never wrap to a small number.
 */
uint64_t zs_mul_sat(uint64_t a, uint64_t b);
uint64_t zs_add_sat(uint64_t a, uint64_t b);

/* An epoch time as "2026-12-06T05:10:18Z"; "unknown" for 0 or a time gmtime refuses. */
void zs_format_utc(int64_t t, char *buf, size_t size);
/*
 * How long something took, in the unit that shows it: "420 us" below a
 * millisecond, "12.3 ms" below ten seconds, "14.2 s" above (ASCII "us", as
 * systemd's timespans: the output may go to a non-UTF-8 log).
 */
void zs_format_elapsed(uint64_t ns, char *buf, size_t size);

#define ZS_DEVNAME_MAX 16 /* "zram" + up to 9 digits + NUL, and room */

/*
 * Accept "zramN" or "/dev/zramN" (N decimal, no sign, no leading zero, at
 * most 9 digits) and write the bare name; anything else is -EINVAL before
 * any path is built from it.
 */
int zs_devname_parse(const char *arg, char name[ZS_DEVNAME_MAX]);
bool zs_devname_valid(const char *name);

/* ==== the kernel's files ===================================================== */

/*
 * mm_stat columns in kernel order (Documentation/admin-guide/blockdev/zram.rst):
 * X(ENUM, kernel name). Kernels only append; column 10 comes from the series
 * in kernel/. Adding a column: a line here, a field in cli/fields.c, a fixture.
 */
#define ZS_MM_COLUMNS(X)                         \
	X(ORIG_DATA_SIZE, "orig_data_size")      \
	X(COMPR_DATA_SIZE, "compr_data_size")    \
	X(MEM_USED_TOTAL, "mem_used_total")      \
	X(MEM_LIMIT, "mem_limit")                \
	X(MEM_USED_MAX, "mem_used_max")          \
	X(SAME_PAGES, "same_pages")              \
	X(PAGES_COMPACTED, "pages_compacted")    \
	X(HUGE_PAGES, "huge_pages")              \
	X(HUGE_PAGES_SINCE, "huge_pages_since")  \
	X(COMPACT_GATED, "compact_gated")

#define ZS_IO_COLUMNS(X)                   \
	X(FAILED_READS, "failed_reads")    \
	X(FAILED_WRITES, "failed_writes")  \
	X(INVALID_IO, "invalid_io")        \
	X(NOTIFY_FREE, "notify_free")

#define ZS_BD_COLUMNS(X)           \
	X(COUNT, "bd_count")       \
	X(READS, "bd_reads")       \
	X(WRITES, "bd_writes")

#define ZS_COL_ENUM_MM(e, name) ZS_MM_##e,
#define ZS_COL_ENUM_IO(e, name) ZS_IO_##e,
#define ZS_COL_ENUM_BD(e, name) ZS_BD_##e,
enum zs_mm_col { ZS_MM_COLUMNS(ZS_COL_ENUM_MM) ZS_MM_KNOWN };
enum zs_io_col { ZS_IO_COLUMNS(ZS_COL_ENUM_IO) ZS_IO_KNOWN };
enum zs_bd_col { ZS_BD_COLUMNS(ZS_COL_ENUM_BD) ZS_BD_KNOWN };
#undef ZS_COL_ENUM_MM
#undef ZS_COL_ENUM_IO
#undef ZS_COL_ENUM_BD

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

/*
 * proc/meminfo, the lines zsctl uses, in bytes (the file says kB): X(ENUM,
 * the kernel's key). A key a kernel does not print (Zswap before 3.11,
 * Zswapped before 5.19) is not present.
 */
#define ZS_MEMINFO_KEYS(X)               \
	X(MEM_TOTAL, "MemTotal")         \
	X(MEM_FREE, "MemFree")           \
	X(MEM_AVAILABLE, "MemAvailable") \
	X(SWAP_TOTAL, "SwapTotal")       \
	X(SWAP_FREE, "SwapFree")         \
	X(ZSWAP, "Zswap")                \
	X(ZSWAPPED, "Zswapped")

#define ZS_MEMINFO_ENUM(e, key) ZS_MEMINFO_##e,
enum zs_meminfo_key { ZS_MEMINFO_KEYS(ZS_MEMINFO_ENUM) ZS_MEMINFO_KNOWN };
#undef ZS_MEMINFO_ENUM

struct zs_meminfo {
	uint64_t val[ZS_MEMINFO_KNOWN]; /* bytes */
	uint32_t present;
};

static inline bool zs_meminfo_has(const struct zs_meminfo *m, enum zs_meminfo_key k)
{
	return (unsigned int)k < 32 && (m->present & (UINT32_C(1) << k));
}

const char *zs_meminfo_key_name(enum zs_meminfo_key k);
/* "Key:   N kB" lines; other lines are skipped, a known key with a bad value is -EINVAL. */
int zs_parse_meminfo(const char *s, struct zs_meminfo *ret);

/*
 * zswap (lib/zswap.c): the module's parameters (sys/module/zswap/parameters,
 * readable by all), its debugfs counters (<debugfs>/zswap, root only) and
 * its proc/vmstat lines. Which files exist depends on the kernel, so each
 * is read when present (checked in the 6.12 and 7.3 sources): zpool is in
 * 6.12 and gone in 7.3 (zswap calls zsmalloc directly since 6.18);
 * shrinker_enabled came in 6.8; decompress_fail and
 * stored_incompressible_pages are in 7.3, not 6.12; same_filled_pages and
 * duplicate_entry are older kernels' (gone by 6.12). X(ENUM, kernel name).
 */
#define ZS_ZSWAP_PARAMS(X)                                    \
	X(ENABLED, "enabled")                                 \
	X(COMPRESSOR, "compressor")                           \
	X(ZPOOL, "zpool")                                     \
	X(MAX_POOL_PERCENT, "max_pool_percent")               \
	X(ACCEPT_THRESHOLD_PERCENT, "accept_threshold_percent") \
	X(SHRINKER_ENABLED, "shrinker_enabled")

#define ZS_ZSWAP_STATS(X)                                         \
	X(POOL_TOTAL_SIZE, "pool_total_size")                     \
	X(STORED_PAGES, "stored_pages")                           \
	X(STORED_INCOMPRESSIBLE_PAGES, "stored_incompressible_pages") \
	X(WRITTEN_BACK_PAGES, "written_back_pages")               \
	X(POOL_LIMIT_HIT, "pool_limit_hit")                       \
	X(REJECT_RECLAIM_FAIL, "reject_reclaim_fail")             \
	X(REJECT_ALLOC_FAIL, "reject_alloc_fail")                 \
	X(REJECT_KMEMCACHE_FAIL, "reject_kmemcache_fail")         \
	X(REJECT_COMPRESS_FAIL, "reject_compress_fail")           \
	X(REJECT_COMPRESS_POOR, "reject_compress_poor")           \
	X(DECOMPRESS_FAIL, "decompress_fail")                     \
	X(SAME_FILLED_PAGES, "same_filled_pages")                 \
	X(DUPLICATE_ENTRY, "duplicate_entry")

/* proc/vmstat, in pages: stored into zswap, loaded back, written back to swap (zswpwb: 6.8+) */
#define ZS_ZSWAP_VMSTAT(X)        \
	X(ZSWPIN, "zswpin")       \
	X(ZSWPOUT, "zswpout")     \
	X(ZSWPWB, "zswpwb")

#define ZS_ZSWAP_ENUM_P(e, name) ZS_ZSWAP_P_##e,
#define ZS_ZSWAP_ENUM_S(e, name) ZS_ZSWAP_S_##e,
#define ZS_ZSWAP_ENUM_V(e, name) ZS_ZSWAP_V_##e,
enum zs_zswap_param { ZS_ZSWAP_PARAMS(ZS_ZSWAP_ENUM_P) ZS_ZSWAP_P_KNOWN };
enum zs_zswap_stat { ZS_ZSWAP_STATS(ZS_ZSWAP_ENUM_S) ZS_ZSWAP_S_KNOWN };
enum zs_zswap_vm { ZS_ZSWAP_VMSTAT(ZS_ZSWAP_ENUM_V) ZS_ZSWAP_V_KNOWN };
#undef ZS_ZSWAP_ENUM_P
#undef ZS_ZSWAP_ENUM_S
#undef ZS_ZSWAP_ENUM_V

/* Why zswap's debugfs counters are not there. */
enum zs_zswap_stats_status {
	ZS_ZSWAP_STATS_OK,
	ZS_ZSWAP_STATS_NO_DEBUGFS,    /* debugfs not mounted */
	ZS_ZSWAP_STATS_NO_DIR,	      /* no zswap/ in debugfs: zswap never set up */
	ZS_ZSWAP_STATS_NO_PERMISSION, /* debugfs needs root */
};
const char *zs_zswap_stats_status_str(enum zs_zswap_stats_status st);

#define ZS_ZSWAP_NAME_MAX 64

struct zs_zswap {
	bool present; /* sys/module/zswap/parameters exists: CONFIG_ZSWAP */
	/* parameters: a bit per enum zs_zswap_param the kernel has */
	uint32_t params_present;
	bool enabled, shrinker_enabled;
	char compressor[ZS_ZSWAP_NAME_MAX];
	char zpool[ZS_ZSWAP_NAME_MAX];
	uint64_t max_pool_percent, accept_threshold_percent;
	/* debugfs counters */
	enum zs_zswap_stats_status stats_status;
	uint64_t stat[ZS_ZSWAP_S_KNOWN];
	uint32_t stats_present;
	/* proc/vmstat */
	uint64_t vm[ZS_ZSWAP_V_KNOWN];
	uint32_t vm_present;
};

static inline bool zs_zswap_has_param(const struct zs_zswap *z, enum zs_zswap_param p)
{
	return z->params_present & (UINT32_C(1) << p);
}

static inline bool zs_zswap_has_stat(const struct zs_zswap *z, enum zs_zswap_stat s)
{
	return z->stats_present & (UINT32_C(1) << s);
}

static inline bool zs_zswap_has_vm(const struct zs_zswap *z, enum zs_zswap_vm v)
{
	return z->vm_present & (UINT32_C(1) << v);
}

/* The kernel's names; NULL past the known ones. */
const char *zs_zswap_param_name(enum zs_zswap_param p);
const char *zs_zswap_stat_name(enum zs_zswap_stat s);
const char *zs_zswap_vm_name(enum zs_zswap_vm v);
/* One parameter's text (Y/N, a name, a number) into z; -EINVAL when garbled. */
int zs_parse_zswap_param(enum zs_zswap_param p, const char *s, struct zs_zswap *z);
/* "key value" lines of proc/vmstat: the zswap ones into z, the rest skipped. */
int zs_parse_vmstat_zswap(const char *s, struct zs_zswap *z);

/*
 * zswap per cgroup (cgroup v2 only): memory.stat's zswap keys (hierarchical:
 * a cgroup's figures include its descendants'), memory.zswap.current,
 * memory.zswap.max and memory.zswap.writeback (6.8+). X(ENUM, the key).
 */
#define ZS_CGROUP_STAT_KEYS(X)            \
	X(ZSWAP, "zswap")                 \
	X(ZSWAPPED, "zswapped")           \
	X(ZSWAP_INCOMP, "zswap_incomp")   \
	X(ZSWPOUT, "zswpout")             \
	X(ZSWPIN, "zswpin")               \
	X(ZSWPWB, "zswpwb")

#define ZS_CG_ENUM(e, key) ZS_CG_##e,
enum zs_cgroup_stat { ZS_CGROUP_STAT_KEYS(ZS_CG_ENUM) ZS_CG_KNOWN };
#undef ZS_CG_ENUM

const char *zs_cgroup_stat_name(enum zs_cgroup_stat k);

enum zs_cgroups_status {
	ZS_CGROUPS_OK,
	ZS_CGROUPS_NONE,     /* no cgroup file system mounted */
	ZS_CGROUPS_V1,	     /* only cgroup v1: no per-cgroup zswap figures */
	ZS_CGROUPS_NO_MEMCG, /* cgroup v2 without the memory controller */
};
const char *zs_cgroups_status_str(enum zs_cgroups_status st);

/* At most this many cgroups are looked at, this deep: a bound on a hostile tree. */
#define ZS_CGROUPS_MAX 4096
#define ZS_CGROUPS_DEPTH 32

struct zs_cgroup_zswap {
	char path[512]; /* below the cgroup2 mount, from "/": "/system.slice/x.service" */
	/*
	 * Its directory's inode number: cgroup2's id of the cgroup, new when a
	 * cgroup of the same path is made again (so its counters start anew).
	 */
	uint64_t ino;
	uint64_t stat[ZS_CG_KNOWN];
	uint32_t present;
	uint64_t zswap_current;
	bool has_zswap_current;
	uint64_t zswap_max; /* UINT64_MAX for "max" */
	bool has_zswap_max;
	bool writeback;
	bool has_writeback;
};

static inline bool zs_cgroup_has(const struct zs_cgroup_zswap *c, enum zs_cgroup_stat k)
{
	return c->present & (UINT32_C(1) << k);
}

/* memory.stat's zswap keys into c; other lines are skipped. */
int zs_parse_cgroup_memory_stat(const char *s, struct zs_cgroup_zswap *c);

/* What zswap's figures mean together, from z and proc/meminfo (m may be NULL). */
struct zs_zswap_derived {
	uint64_t pool;	 /* Zswap: RAM the pool takes */
	uint64_t stored; /* Zswapped: the data it holds, uncompressed */
	bool has_pool, has_stored;
	double ratio; /* stored / pool */
	bool has_ratio;
	int64_t saving; /* stored - pool: what zswap saves (negative: it costs) */
	bool has_saving;
	uint64_t pool_limit; /* max_pool_percent of MemTotal, in whole pages */
	bool has_pool_limit;
	double pool_fill; /* pool / pool_limit */
	bool has_pool_fill;
	uint64_t accept_at; /* accept_threshold_percent of pool_limit, in whole pages */
	bool has_accept_at;
};
void zs_zswap_derive(const struct zs_zswap *z, const struct zs_meminfo *m, uint64_t page_size,
		     struct zs_zswap_derived *ret);

/* ==== devices =================================================================== */

/*
 * What a reader reads of each device and of the host. Each output says
 * what it needs (cli/fields.c); a reader opens only the files that serve
 * it. initstate is always read: every value depends on it.
 */
enum zs_need {
	ZS_NEED_DISKSIZE = 1u << 0,
	ZS_NEED_ALGORITHM = 1u << 1, /* comp_algorithm */
	ZS_NEED_MM = 1u << 2,	     /* mm_stat, or the pre-4.1 one-value files */
	ZS_NEED_IO = 1u << 3,	     /* io_stat */
	ZS_NEED_BD = 1u << 4,	     /* bd_stat (CONFIG_ZRAM_WRITEBACK) */
	ZS_NEED_DEBUG = 1u << 5,     /* debug_stat */
	ZS_NEED_STREAMS = 1u << 6,   /* max_comp_streams (gone in 6.15) */
	ZS_NEED_BACKING = 1u << 7,   /* backing_dev, writeback_limit, writeback_limit_enable */
	ZS_NEED_DEVNO = 1u << 8,     /* dev: MAJOR:MINOR */
	ZS_NEED_MOUNTS = 1u << 9,    /* mountinfo (and DEVNO to match it) */
	ZS_NEED_SWAPS = 1u << 10,    /* proc/swaps */
	ZS_NEED_POOLS = 1u << 11,    /* zsmalloc's class statistics in debugfs */
	ZS_NEED_GATE = 1u << 12,     /* zsctl's compaction gate and its state file */
	ZS_NEED_DISKSEQ = 1u << 13,  /* diskseq: which device, beyond its name */
	ZS_NEED_MEMINFO = 1u << 14,  /* proc/meminfo: the machine's memory */
	ZS_NEED_ZSWAP = 1u << 15,   /* zswap's parameters, debugfs counters, vmstat (and meminfo) */
	ZS_NEED_CGROUPS = 1u << 16, /* the cgroups (v2) that hold zswap memory */
	/*
	 * Whether zswap is in use, for a table that shows it only then:
	 * parameters/enabled, and when it is off proc/meminfo's Zswap and
	 * Zswapped (switched off, it keeps what it holds). In use, or
	 * holding pages: all of ZS_NEED_ZSWAP.
	 */
	ZS_NEED_ZSWAP_SUMMARY = 1u << 17,
	/*
	 * The learned compaction estimate: the gate's state and the diskseq
	 * of the devices the state has a record of (ZS_NEED_DISKSEQ: of all).
	 */
	ZS_NEED_LEARNED = 1u << 18,
	ZS_NEED_MAINT = 1u << 19,   /* what maintain can do here: struct zs_maint_support */
	ZS_NEED_ALL = (1u << 20) - 1,
	/*
	 * debugfs zram/zramN/block_state, a line per stored slot (1M lines
	 * for 4 GiB): struct zs_ages, streamed (with ZS_NEED_MEMINFO for the
	 * policy's ages). Not in ZS_NEED_ALL: read only when asked for.
	 */
	ZS_NEED_BLOCK_STATE = 1u << 20,
};

struct zs_swap_use {
	uint64_t size;  /* bytes */
	uint64_t used;  /* bytes */
	int priority;
};

/*
 * What the kernel and the device can do for zsctl maintain, read without
 * side effects (ZS_NEED_MAINT; with ZS_NEED_BACKING and ZS_NEED_BD for the
 * backing device and its free space).
 */
struct zs_maint_support {
	bool has_recompress, has_algorithm;
	bool has_writeback, has_backing, has_limit;
	bool has_batch_size;	       /* writeback_batch_size (6.19) */
	bool has_compressed_writeback; /* compressed_writeback (7.0), or Android's writeback_compressed */
	bool has_block_state;  /* debugfs block_state: access times are tracked */
	uint64_t backing_free; /* 4K pages, UINT64_MAX when unknown */
};

struct zs_device {
	char name[ZS_DEVNAME_MAX];
	unsigned int id;
	uint64_t diskseq; /* Linux 5.15+: new for every device the kernel makes */
	bool has_diskseq;
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
	struct zs_maint_support maint;
	bool has_maint; /* ZS_NEED_MAINT was read */

	/* users, from mountinfo and swaps */
	char **mountpoints; /* NULL-terminated, or NULL */
	struct zs_swap_use swap;
	bool is_swap;
};

/*
 * Read everything of one device (a reader of one device, for zsctl set's
 * checks). -ENODEV when it does not exist (or vanished).
 */
int zs_device_read(struct zs_ctx *ctx, const char *name, struct zs_device *dev);
void zs_device_clear(struct zs_device *dev);
/* Fill mountpoints and swap use of each device from the root's proc files. */
int zs_devices_read_users(struct zs_ctx *ctx, struct zs_device *devs, size_t n);

/* ==== pools (zsmalloc, debugfs) ================================================== */

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

/* "zram", "zswap", "other" */
const char *zs_pool_kind_name(enum zs_pool_kind kind);
const char *zs_fullness_label(unsigned int group);

int zs_parse_classes(const char *s, struct zs_pool *pool);
void zs_pool_clear(struct zs_pool *pool);

/* Why class statistics are not there. */
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
 * under zsmalloc/ (learning a dump's page size). Returns 0 with *status
 * saying why there are none, or -errno for a real failure (a garbled
 * classes file). *status is written in both cases.
 */
int zs_pools_read(struct zs_ctx *ctx, struct zs_pool **pools, size_t *n,
		  enum zs_classes_status *status);
void zs_pools_free(struct zs_pool *pools, size_t n);
const struct zs_pool *zs_pool_find(const struct zs_pool *pools, size_t n, const char *name);

/* ==== derived values ================================================================ */

/* What the compactable figure rests on. */
enum zs_estimate_basis {
	ZS_BASIS_NONE,
	ZS_BASIS_CLASSES,  /* the classes' freeable: exact */
	ZS_BASIS_OVERHEAD, /* mm_stat's overhead, all of it (no model for this page size) */
	ZS_BASIS_MODEL,	   /* mm_stat's overhead less what the model says compaction keeps */
	ZS_BASIS_LEARNED,  /* ... less what the device's last compaction left, scaled */
};

/*
 * The part of mm_stat's overhead (mem_used_total - compr_data_size) that
 * compaction cannot free, modelled from mm_stat alone: each object rounded
 * up to its size class (handle included), and in each class in use a
 * partly used zspage. valid: there was something to model.
 */
struct zs_kept {
	uint64_t rounding;
	uint64_t tails;
	uint64_t total;
	bool valid;
};
void zs_estimate_kept(const struct zs_stat *mm, uint64_t page_size, struct zs_kept *ret);
/*
 * zsmalloc's huge_class_size for a page size: compressed objects of this
 * size or more are stored a page each. 0 for a page size zsmalloc has no
 * table for.
 */
uint64_t zs_huge_class_size(uint64_t page_size);

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
	enum zs_estimate_basis basis; /* what compactable rests on */
	uint64_t kept;		      /* estimates: the overhead compaction keeps (subtracted) */
	uint64_t learned_left;	      /* ZS_BASIS_LEARNED: what the last compaction left */
	double ram_share; /* mem_used_total / MemTotal, 0..1: set by the reader (ZS_NEED_MEMINFO) */
	bool has_ram_share;
};

void zs_class_derive(const struct zs_class *c, double *frag, uint64_t *waste);
void zs_pool_derive(const struct zs_pool *pool, double *frag, uint64_t *waste);
/* The pool's (or a class's) freeable pages in bytes, saturated. */
uint64_t zs_freeable_bytes(const struct zs_class *c, uint64_t page_size);
/* pool may be NULL (no class statistics): then estimates from mm_stat. */
void zs_device_derive(const struct zs_device *dev, const struct zs_pool *pool, uint64_t page_size,
		      struct zs_derived *ret);
struct zs_state_device;
/*
 * The same, and where the estimate applies, starting from what the
 * device's last compaction left (learned: its identity-checked state
 * record, or NULL). The one place every output takes the estimate from.
 */
void zs_device_derive_learned(const struct zs_device *dev, const struct zs_pool *pool,
			      const struct zs_state_device *learned, uint64_t page_size,
			      struct zs_derived *ret);

/* ==== the gate and its state (lib/gate.c, lib/state.c) ============================= */

/*
 * zsctl compact's gate: one flock(2) on a lock file for the whole host,
 * and a state file that records what the owners did. The files are named
 * by absolute paths; the default ones lie below the context's root (so a
 * dump carries its own gate) and are opened through it, other paths are
 * the user's own and are opened as given.
 */
#define ZS_LOCK_PATH "/run/lock/zsctl-compact.lock"
#define ZS_STATE_PATH "/var/lib/zsctl/compact.state"

struct zs_gate;

/* lock_path, state_path: NULL for the defaults below the root. */
int zs_gate_new(struct zs_ctx *ctx, const char *lock_path, const char *state_path,
		struct zs_gate **ret);
void zs_gate_free(struct zs_gate *g);
/* The paths as a user would name them (under --sysroot: DUMP/run/lock/...). */
const char *zs_gate_lock_path(const struct zs_gate *g);
const char *zs_gate_state_path(const struct zs_gate *g);

/*
 * What the gate's holder is doing, and to which device: it says so in a
 * file beside the lock at each change (zs_gate_run_phase()), so that
 * readers stay out of a device that zram keeps locked (7.x, see reader.c).
 */
enum zs_gate_phase {
	ZS_PHASE_NONE, /* between devices, or not said */
	ZS_PHASE_RECOMPRESS, /* marking idle and recompressing */
	ZS_PHASE_WRITEBACK,  /* marking idle and writing back */
	ZS_PHASE_COMPACT,
	ZS_PHASE_COUNT_,
};
/* "recompress", "writeback", "compact"; "" for NONE. */
const char *zs_gate_phase_name(enum zs_gate_phase p);

struct zs_gate_holder {
	pid_t pid;
	int64_t since; /* epoch seconds, 0 when unknown */
	bool known;
	enum zs_gate_phase phase; /* NONE when it is between devices or did not say */
	char device[ZS_DEVNAME_MAX]; /* of phase */
	int64_t phase_since;	     /* epoch seconds */
};

/* What the owners of the gate did, and what happened to each device. */
enum zs_result {
	ZS_RESULT_NONE,	     /* never ran */
	ZS_RESULT_COMPACTED,
	ZS_RESULT_NOTHING,   /* a run that compacted nothing */
	ZS_RESULT_GATED,     /* zsmalloc turned the compaction away (compact_gated) */
	ZS_RESULT_FAILED,
	ZS_RESULT_SKIPPED,
	ZS_RESULT_COUNT_,
};
/* The state file's word for a result ("compacted"), "" for NONE. */
const char *zs_result_name(enum zs_result r);
int zs_result_parse(const char *s, enum zs_result *ret);

#define ZS_STATE_MAX_DEVICES 256

/*
 * Which device a record is about, beyond its name: a new zram11 after the
 * old one's hot_remove, or the same zram11 reset and set up again, must not
 * inherit the old one's history. diskseq (Linux 5.15+) is new for every
 * device the kernel makes; pages_compacted counts from the device's set-up,
 * so a value below the recorded one means a reset since.
 */
struct zs_identity {
	uint64_t diskseq;
	bool has_diskseq;
	uint64_t pages_compacted;
	bool has_pages_compacted;
};

void zs_device_identity(const struct zs_device *dev, struct zs_identity *ret);
/* The record (of, or last) is about the device now identified as now. */
bool zs_identity_same(const struct zs_identity *of, const struct zs_identity *now);

#define ZS_STATE_EXTRA_MAX 256
/* hours in the rolling 24 h writeback budget: 24 and the one under way */
#define ZS_WB_HOURS 25

/*
 * A device's line in the state file: "device NAME key=value ...". Each key
 * is described once in state.c's table; keys this zsctl does not know (a
 * newer one's) are kept in extra and written back as they were.
 */
struct zs_state_device {
	char name[ZS_DEVNAME_MAX];
	struct zs_identity id; /* when the record was made */
	uint64_t last_time;    /* epoch seconds of its last compaction */
	enum zs_result last_result;
	uint64_t last_freed;
	/* zsctl maintain's record of the device (see struct zs_maint_record) */
	struct zs_maint_record {
		bool has_recompress; /* rc_time, rc_result */
		uint64_t rc_time;    /* the last recompression round, epoch seconds */
		unsigned int rc_result; /* enum zs_maint_result */
		bool has_writeback;  /* wb_time, wb_result, wb_day, wb_day_pages */
		uint64_t wb_time;
		unsigned int wb_result;
		/*
		 * The daily budget is a rolling 24 hours, as the platforms
		 * keep it (in memory there): the pages written back by the
		 * hour (wb_hours, the hour's start in epoch seconds), so a
		 * round counts every hour that ended less than 24 h ago.
		 * wb_day and wb_day_pages: the oldest such hour, and the sum.
		 */
		uint64_t wb_day;
		uint64_t wb_day_pages;
		unsigned int wb_nhours;
		struct zs_wb_hour {
			uint64_t start;
			uint64_t pages;
		} wb_hours[ZS_WB_HOURS];
		bool has_idle_all;
		uint64_t idle_all; /* when "all" was written to idle (no access times) */
	} maint;
	/* after its last compaction: the overhead left and compr_data_size then */
	uint64_t left, left_compr;
	bool has_left;
	uint64_t lean; /* compactions in a row that freed less than --min-gain */
	bool has_lean;
	char extra[ZS_STATE_EXTRA_MAX];
};

struct zs_state {
	uint64_t runs; /* runs that held the gate */
	uint64_t freed_total;
	uint64_t last_time, last_pid;
	enum zs_result last_result; /* COMPACTED, NOTHING or FAILED */
	struct zs_state_device devices[ZS_STATE_MAX_DEVICES];
	size_t ndevices;
};

/* Versions 1 and 2 read; version 2 written. -EBADMSG for anything else. */
int zs_state_parse(const char *text, struct zs_state *ret);
int zs_state_format(const struct zs_state *st, char **ret);
struct zs_state_device *zs_state_device(struct zs_state *st, const char *name, bool create);
const struct zs_state_device *zs_state_device_find(const struct zs_state *st, const char *name);
/* The record of the device named name whose identity is id (NULL: by name alone), or NULL. */
const struct zs_state_device *zs_state_device_of(const struct zs_state *st, const char *name,
						 const struct zs_identity *id);

/* The gate as seen from outside: never takes the lock. */
struct zs_gate_view {
	bool held;
	struct zs_gate_holder holder;
	bool has_state;     /* the state file exists, parses and records a run */
	int state_err;	    /* 0, -EBADMSG for a garbled file, or why it could not be read */
	struct zs_state state;
	uint64_t turned_away; /* processes that found the gate held */
	int query_err;	      /* why /proc/locks could not tell who holds it, or 0 */
	bool has_kernel_gated;
	uint64_t kernel_gated; /* sum of mm_stat compact_gated where present */
};

/*
 * A run that owns the gate: take it (or count this process as turned
 * away), load the state (a garbled file is set aside), prove it can be
 * written, record each device's result, save crash-safely and let go.
 * A dry run takes nothing and writes nothing.
 */
struct zs_gate_run;

/* Where zs_gate_begin() failed, for the message. */
enum zs_gate_stage {
	ZS_GATE_STAGE_LOCK,	  /* the lock file could not be taken */
	ZS_GATE_STAGE_COUNT,	  /* turned away, and the count could not be written */
	ZS_GATE_STAGE_STATE_READ, /* the state file could not be read or set aside */
	ZS_GATE_STAGE_STATE_WRITE,
};

struct zs_gate_begin_info {
	enum zs_gate_stage stage;    /* when it failed */
	struct zs_gate_holder holder; /* -EWOULDBLOCK: who holds the gate */
	bool garbled;		      /* the state file was garbled */
	char set_aside[4200];	      /* and was moved here (or "": it could not be) */
	bool garbled_ignored;	      /* a dry run found the state file garbled */
};

/*
 * 0: the gate is ours (or a dry run); -EWOULDBLOCK: another process holds
 * it and this one was counted; -errno otherwise. info is written in every
 * case.
 */
int zs_gate_begin(struct zs_gate *g, double wait_seconds, bool dry_run, struct zs_gate_run **ret,
		  struct zs_gate_begin_info *info);
const struct zs_state *zs_gate_run_state(const struct zs_gate_run *run);
/*
 * When the device (id: its identity now, NULL for unknown) was last
 * compacted for real (for --min-interval), 0 for never.
 */
uint64_t zs_gate_run_last_compacted(const struct zs_gate_run *run, const char *name,
				    const struct zs_identity *id);
/*
 * What happened to a device (name NULL: to the run, with no device to
 * name); id: its identity after it (NULL: not known).
 */
void zs_gate_run_record(struct zs_gate_run *run, const char *name, const struct zs_identity *id,
			enum zs_result result, int64_t freed, uint64_t now);
/*
 * The record of a device in the run's state, made when missing (NULL when
 * the state is full): zsctl maintain keeps its budgets there.
 */
struct zs_state_device *zs_gate_run_device(struct zs_gate_run *run, const char *name);

/*
 * After a compaction that went through (recorded above): what it left
 * (mm_stat after it), the device's learned floor, and whether it paid
 * (freed at least min_gain), for the policy's backoff.
 */
void zs_gate_run_learn(struct zs_gate_run *run, const char *name, const struct zs_stat *after,
		       int64_t freed, uint64_t min_gain);
/*
 * Say what the run does now (device NULL with ZS_PHASE_NONE: between
 * devices), for readers to see: a file beside the lock, readable by all
 * (the lock is 0600), replaced whole by a rename. It names this process:
 * a reader believes it only while /proc/locks shows this pid holding the
 * flock, so a holder killed with -9 leaves nothing busy. Nothing for a dry
 * run; a failure to write it only costs the readers the warning.
 */
int zs_gate_run_phase(struct zs_gate_run *run, const char *device, enum zs_gate_phase phase);
/* Save the run (unless a dry run) and let go of the gate; the state stays readable. */
int zs_gate_end(struct zs_gate_run *run, uint64_t now);
/* Let go (without saving, when zs_gate_end() was not called) and free. */
void zs_gate_run_free(struct zs_gate_run *run);

/* Who holds the gate now, from /proc/locks; never takes the lock itself. */
int zs_gate_query(struct zs_gate *g, bool *held, struct zs_gate_holder *holder);
/*
 * The holder and what it says it does (holder->phase), cheaply: without a
 * phase file /proc/locks is not read and *holder is all zero.
 */
int zs_gate_busy(struct zs_gate *g, struct zs_gate_holder *holder);
/*
 * Wait up to wait_seconds (0: not at all) until the gate's holder no
 * longer writes back or recompresses device, where that keeps the access
 * waiting: every access on 7.x (zs_ctx_pp_blocks_access()), on every
 * kernel one that takes the device's lock for writing (exclusive: a store
 * flagged ZS_ATTR_LOCKS_DEVICE, a reset). For zsctl get and set.
 * 0 when it does not (any longer); -EBUSY with *holder when it still does.
 */
int zs_gate_wait_device(struct zs_gate *g, const char *device, bool exclusive,
			double wait_seconds, struct zs_gate_holder *holder);
/* The gate, its state and its busy count, as status and top show them. */
void zs_gate_view_read(struct zs_gate *g, struct zs_gate_view *view);

/* ==== counters since the previous run (lib/rates.c) ===================================== */

/*
 * zsctl status --rates: a sample of counters (zswap's, each device's), the
 * boot it was taken in (proc/sys/kernel/random/boot_id) and CLOCK_BOOTTIME
 * then, kept beside the state file as "<state>.rates" and written under
 * the gate. The previous sample gives each counter's rate, or the word
 * for why there is none: never a negative rate.
 */
#define ZS_RATES_SUFFIX ".rates"
#define ZS_RATES_ZSWAP "zswap" /* the object of zswap's counters; the others are devices */
#define ZS_RATES_OBJECTS_MAX (ZS_STATE_MAX_DEVICES + 1)
#define ZS_RATES_COUNTERS_MAX 32
#define ZS_RATES_KEY_MAX 40

struct zs_rates_object {
	char name[ZS_DEVNAME_MAX]; /* ZS_RATES_ZSWAP or a device's name */
	struct zs_identity id;	   /* a device's; none for zswap */
	struct {
		char key[ZS_RATES_KEY_MAX]; /* [a-z0-9_]: the value's JSON key */
		uint64_t value;
	} counter[ZS_RATES_COUNTERS_MAX];
	size_t ncounters;
};

struct zs_rates_sample {
	char boot_id[40];     /* "" when the kernel (or the dump) has none */
	uint64_t boottime_ms; /* CLOCK_BOOTTIME, from proc/uptime (hundredths) */
	struct zs_rates_object obj[ZS_RATES_OBJECTS_MAX];
	size_t nobj;
};

/* CLOCK_BOOTTIME as the root's proc/uptime says it, in milliseconds (to 10 ms). */
int zs_boottime_ms(struct zs_ctx *ctx, uint64_t *ret);
/* A sample with no counters yet: the boot id and the time, read through the root. */
int zs_rates_sample_begin(struct zs_ctx *ctx, struct zs_rates_sample *s);
/* The object of that name, made (with id, NULL for none) when missing; NULL when full. */
struct zs_rates_object *zs_rates_object(struct zs_rates_sample *s, const char *name,
					const struct zs_identity *id);
/* -EINVAL for a key not of [a-z0-9_], -EEXIST, -E2BIG past ZS_RATES_COUNTERS_MAX. */
int zs_rates_object_add(struct zs_rates_object *o, const char *key, uint64_t value);
int zs_rates_parse(const char *text, struct zs_rates_sample *ret);
int zs_rates_format(const struct zs_rates_sample *s, char **ret);
/* The previous sample: 0, -ENOENT for none, -EBADMSG for a garbled one, -errno. */
int zs_rates_load(struct zs_gate *g, struct zs_rates_sample *ret);
/*
 * Keep s for the next run, under the gate, taken without waiting and
 * without counting this process as turned away: -EWOULDBLOCK (holder
 * named when it can be) when another process holds it; nothing is written
 * then.
 */
int zs_rates_save(struct zs_gate *g, const struct zs_rates_sample *s,
		  struct zs_gate_holder *holder);

enum zs_rate_status {
	ZS_RATE_OK,
	ZS_RATE_FIRST,	   /* no earlier value: the first run, a new device or counter */
	ZS_RATE_REBOOT,	   /* the machine booted since (boot id, or the clock went back) */
	ZS_RATE_RESET,	   /* below the earlier value, or another device (struct zs_identity) */
	ZS_RATE_TOO_SHORT, /* less than a second since */
};
/* "ok", "first-run", "reboot", "reset", "too-short" */
const char *zs_rate_status_name(enum zs_rate_status st);

struct zs_rate {
	enum zs_rate_status status;
	uint64_t delta;	   /* OK: the growth since the previous sample */
	double per_second; /* OK: delta over the interval */
};

/* The samples as a whole (prev NULL: none): OK, FIRST, REBOOT or TOO_SHORT; the seconds between. */
enum zs_rate_status zs_rates_compare(const struct zs_rates_sample *prev,
				     const struct zs_rates_sample *now, double *interval);
/* Counter number counter of o (an object of now) against prev (NULL: none). */
void zs_rate_of(const struct zs_rates_sample *prev, const struct zs_rates_sample *now,
		const struct zs_rates_object *o, size_t counter, struct zs_rate *ret);

/* ==== slot ages (lib/ages.c) ============================================================ */

/*
 * With CONFIG_ZRAM_MEMORY_TRACKING, debugfs zram/zramN/block_state has a
 * line per stored slot: its index, its last access time and its flags,
 *	"%12zd %12lld.%06lu %c%c%c%c%c%c\n"	(6.12: ktime_get_boottime(), ns cut to us)
 *	"%12lu %12u.%06d %c%c%c%c%c%c\n"	(7.3: u32 ktime_get_boottime_seconds(), ".000000")
 * with the same flag letters in both, '.' when clear: s same-filled, w
 * written back, h huge, i idle, r recompressed, n incompressible (r and n
 * came with recompression in 6.2; older kernels print the first four).
 * The time is 0 for a slot zram rewrote itself (recompression, writeback)
 * and for one never accessed since.
 */
enum zs_slot_flag {
	ZS_SLOT_SAME,
	ZS_SLOT_WB,
	ZS_SLOT_HUGE,
	ZS_SLOT_IDLE,
	ZS_SLOT_RECOMPRESSED,
	ZS_SLOT_INCOMPRESSIBLE,
	ZS_SLOT_FLAGS,
};

struct zs_slot {
	uint64_t index;
	uint64_t time_us; /* CLOCK_BOOTTIME at its last access, microseconds; 0: none */
	unsigned int flags; /* 1u << enum zs_slot_flag */
};

/* One line of block_state (len bytes, no newline); -EINVAL when garbled. */
int zs_parse_block_state_line(const char *s, size_t len, struct zs_slot *ret);

/* Why there are no ages. Host-wide: each is a kernel's or a mount's, not a device's. */
enum zs_ages_status {
	ZS_AGES_OK,
	ZS_AGES_NO_DEBUGFS,	/* debugfs not mounted */
	ZS_AGES_NO_PERMISSION,	/* debugfs needs root */
	ZS_AGES_NO_TRACKING,	/* no zram/ in debugfs: no CONFIG_ZRAM_MEMORY_TRACKING */
};
const char *zs_ages_status_str(enum zs_ages_status st);

/*
 * The histogram's buckets: by age up to ZS_AGES_BUCKETS - 2 (the last of
 * them open-ended), then the slots without an access time (time 0).
 */
#define ZS_AGES_BUCKETS 11
#define ZS_AGES_NO_TIME (ZS_AGES_BUCKETS - 1)
/* A bucket's upper bound in seconds (exclusive), UINT64_MAX for the open-ended and no-time ones. */
uint64_t zs_ages_bucket_limit(unsigned int b);
/* "<10min", "10min-1h", ... ">=1w", "no-time" */
const char *zs_ages_bucket_label(unsigned int b);

/*
 * What a slot is, once each, for a histogram that adds up (huge slots are
 * often idle too): the first of these that applies.
 */
enum zs_slot_kind {
	ZS_SLOT_KIND_WB,    /* written back */
	ZS_SLOT_KIND_SAME,  /* same-filled */
	ZS_SLOT_KIND_HUGE,  /* stored uncompressed */
	ZS_SLOT_KIND_IDLE,  /* marked idle */
	ZS_SLOT_KIND_OTHER, /* compressed, not idle */
	ZS_SLOT_KINDS,
};

enum zs_slot_kind zs_slot_kind(const struct zs_slot *slot);

struct zs_ages_bucket {
	uint64_t slots;
	uint64_t flag[ZS_SLOT_FLAGS]; /* slots with each flag */
	uint64_t kind[ZS_SLOT_KINDS]; /* slots of each kind: they add up to slots */
};

/* The ages whose selection is counted: the policy's two and the user's. */
enum zs_ages_for {
	ZS_AGES_FOR_RECOMPRESS,
	ZS_AGES_FOR_WRITEBACK,
	ZS_AGES_FOR_GIVEN,
	ZS_AGES_FOR_COUNT_,
};
/* "recompress", "writeback", "given" */
const char *zs_ages_for_name(enum zs_ages_for f);

/*
 * What writing the age to idle would mark, as the kernel's mark_idle()
 * does: stored slots neither same-filled nor written back whose access
 * time is older than now - age (none when the age reaches back past
 * boot). What recompress and writeback of type idle would then take.
 */
struct zs_ages_select {
	bool valid;
	uint64_t age;		 /* seconds */
	uint64_t pages;		 /* idle and writeback type=idle would take these */
	uint64_t huge;		 /* of them huge: type=huge_idle */
	uint64_t recompressible; /* of them neither incompressible nor recompressed yet */
	uint64_t huge_bytes;	 /* huge times the page size: the one size block_state tells */
};

struct zs_ages {
	bool read;	 /* block_state was read (the device is initialised) */
	uint64_t now_us; /* CLOCK_BOOTTIME when it was read (the root's proc/uptime) */
	uint64_t slots;
	struct zs_ages_bucket bucket[ZS_AGES_BUCKETS];
	struct zs_ages_select sel[ZS_AGES_FOR_COUNT_];
	int err;		/* block_state (or proc/uptime) could not be read or parsed */
	char err_path[192];	/* its file below the root */
	uint64_t err_line;	/* the garbled line, 1-based; 0: none */
};

/*
 * Count the slots of an open block_state (read to its end in pieces, never
 * whole) into a: a's sel[].valid and sel[].age say which ages to count;
 * now_us is CLOCK_BOOTTIME now. -EBADMSG with a->err_line for a garbled
 * line, -errno for a failed read; a holds what was counted before.
 */
int zs_ages_count_fd(int fd, uint64_t now_us, uint64_t page_size, struct zs_ages *a);

struct zs_maint_policy;
struct zs_config;
/*
 * The idle ages zsctl maintain would write now (seconds): the policy's
 * ages scaled by memory pressure (zs_maint_idle_age(), m may be NULL),
 * the writeback one lengthened by the time suspended since boot (at most
 * the age again) and capped at 2^32-1 (7.3 parses u32).
 */
void zs_ages_policy(const struct zs_maint_policy *p, const struct zs_meminfo *m,
		    uint64_t suspended, uint64_t *recompress_age, uint64_t *writeback_age);
/* Seconds suspended since boot: CLOCK_BOOTTIME minus CLOCK_MONOTONIC. */
uint64_t zs_suspended_seconds(void);

/* ==== the reader and its snapshot (lib/reader.c) ===================================== */

/*
 * The one reader: discovers the devices (libudev live, sys/block in a
 * dump) and the pools, reads what the output needs of each, the users
 * (libmount) and the gate's view, and derives. It keeps the files it
 * reads open and re-reads them with pread on every refresh, so zsctl top
 * refreshes cheaply; zsctl status is one refresh. With watch, hot-added
 * and removed devices are followed (a uevent monitor live, the directory's
 * times in a dump); a device that vanishes in the middle of a read is
 * dropped and reported as an event, not as an error.
 */
struct zs_reader;

struct zs_reader_opts {
	unsigned int needs;	 /* ZS_NEED_* */
	char *const *devices;	 /* these, in this order; NULL for every zram device */
	size_t ndevices;
	bool watch;		 /* follow hotplug and keep refreshing (top) */
	struct zs_gate *gate;	 /* ZS_NEED_GATE: the gate to show */
	/*
	 * ZS_NEED_BLOCK_STATE: the policies whose ages are counted (NULL:
	 * the defaults), and an age of the user's (has_age).
	 */
	const struct zs_config *ages_config;
	uint64_t age;
	bool has_age;
};

struct zs_snap_device {
	struct zs_device dev;
	const struct zs_pool *pool; /* its class statistics, or NULL */
	struct zs_derived derived;
	int err;		    /* 0, or why it could not be read (its values are stale) */
	char err_path[192];	    /* the file of err, relative to the root, or "" */
	/*
	 * The gate's holder (zsctl maintain, compact) works on the device:
	 * busy is its phase, NONE when none does. busy_unread: its files
	 * were not read (7.x: every read would wait for the writeback or
	 * recompression to end); the values are the last read (top), else
	 * what the state file has (the last compaction's mm_stat), else none.
	 */
	enum zs_gate_phase busy;
	pid_t busy_pid;
	int64_t busy_since;
	bool busy_unread;
	struct zs_ages ages;	    /* ZS_NEED_BLOCK_STATE */
};

enum zs_event_kind {
	ZS_EVENT_ADDED,	   /* a device or pool appeared */
	ZS_EVENT_REMOVED,  /* it was removed (a pool: its device was reset) */
	ZS_EVENT_VANISHED, /* it went away while being read */
	ZS_EVENT_FAILED,   /* a file of it could not be read or parsed */
};

struct zs_event {
	enum zs_event_kind kind;
	bool is_pool;
	char name[64];
	int err;	/* FAILED: -errno */
	char path[192]; /* FAILED: the file, relative to the root */
};

struct zs_snapshot {
	uint64_t seq; /* 1 for the first refresh */
	struct zs_snap_device *devs;
	size_t ndevs; /* by id, or in the order asked for */
	struct zs_pool *pools;
	size_t npools; /* zram pools by device id, then the others by name */
	enum zs_classes_status classes_status;
	int pools_err;		 /* a classes file that could not be read or parsed */
	char pools_err_path[4096];
	int users_err;		 /* mountinfo or swaps could not be read */
	char users_err_path[4096];
	bool has_meminfo; /* ZS_NEED_MEMINFO, and proc/meminfo could be read */
	struct zs_meminfo meminfo;
	bool has_zswap; /* ZS_NEED_ZSWAP(_SUMMARY) was read (zswap.present: whether it is there) */
	bool zswap_summary; /* only enabled (off) was read, and meminfo: it holds nothing */
	struct zs_zswap zswap;
	struct zs_zswap_derived zswap_derived;
	int zswap_err; /* a zswap file that could not be read or parsed */
	char zswap_err_path[4096];
	/* ZS_NEED_CGROUPS: those holding zswap memory, most zswap RAM first */
	enum zs_cgroups_status cgroups_status;
	struct zs_cgroup_zswap *cgroups;
	size_t ncgroups;
	bool cgroups_truncated; /* more than ZS_CGROUPS_MAX, or deeper than ZS_CGROUPS_DEPTH */
	int cgroups_err;
	char cgroups_err_path[4096];
	uint64_t page_size;
	enum zs_ages_status ages_status; /* ZS_NEED_BLOCK_STATE */
	bool has_gate;
	struct zs_gate_view gate;
	const struct zs_event *events; /* since the previous refresh (watch) */
	size_t nevents;
};

int zs_reader_new(struct zs_ctx *ctx, const struct zs_reader_opts *opts, struct zs_reader **ret);
void zs_reader_free(struct zs_reader *r);
/*
 * Read everything once more. The snapshot stays valid until the next
 * refresh or zs_reader_free(). -errno only when nothing can be shown (the
 * device list cannot be read on the first refresh, or memory ran out).
 */
int zs_reader_refresh(struct zs_reader *r, const struct zs_snapshot **ret);
/* The last refresh's snapshot, or NULL before the first. */
const struct zs_snapshot *zs_reader_snapshot(const struct zs_reader *r);
/* The snapshot of one device by name, or NULL. */
struct zs_snap_device *zs_snapshot_device(const struct zs_snapshot *s, const char *name);
/*
 * Walk the cgroups (ZS_NEED_CGROUPS) from the next refresh on, or stop:
 * zsctl top pays for the walk only while its zswap panel is shown. Off,
 * the snapshot has no cgroups and the walk's kept files are closed.
 */
void zs_reader_watch_cgroups(struct zs_reader *r, bool on);
/*
 * Read block_state (ZS_NEED_BLOCK_STATE) at the next refresh, counting
 * the ages of cfg's policies (NULL: the defaults), or not: a line per
 * slot is too much to read every frame (zsctl top's ages panel reads it
 * less often). Off, each device keeps the ages last read.
 */
void zs_reader_read_ages(struct zs_reader *r, bool on, const struct zs_config *cfg);
/* The hotplug monitor's fd to poll for POLLIN, or -1 when there is none. */
int zs_reader_fd(const struct zs_reader *r);
/* Drain the monitor: 1 when zram devices changed (refresh soon), else 0. */
int zs_reader_process_fd(struct zs_reader *r);
/* Look for devices, pools and cgroups (ZS_NEED_CGROUPS) again at the next refresh. */
void zs_reader_rescan(struct zs_reader *r);

struct zs_reader_stats {
	uint64_t opens;	    /* files and directories the reader opened */
	uint64_t reads;	    /* pread() calls */
	uint64_t scans;	    /* device and pool list scans */
	unsigned int files; /* files held open now */
};
void zs_reader_get_stats(const struct zs_reader *r, struct zs_reader_stats *ret);

/*
 * Read one attribute of a device as text (zsctl get), through the device's
 * directory. -ENOENT when the kernel lacks it, -ENODEV without the device.
 */
int zs_reader_read_attr(struct zs_reader *r, const char *dev, const char *attr, char **ret);

/* ==== a dump of the root, for a bug report (lib/dump.c) ================================== */

/*
 * What zsctl --sysroot reads of this root, for zsctl dump: the files a
 * reader reading all that zsctl status shows opens (all but --cgroups),
 * recorded as the context opens them; every readable attribute of each
 * zram device (zsctl get); proc/sys/kernel/osrelease and version; and
 * proc/self/mountinfo cut to the zram devices' mounts and debugfs'. The
 * directories opened are listed too (an empty zsmalloc/ says something).
 * Each file's text is read once more after the recording, so the
 * files are those status read and the text is as of now. A dump of a dump
 * is the same dump.
 */
struct zs_dump_file {
	char *rel; /* below the root, no leading '/'; a directory's ends in '/' */
	char *text; /* NULL for a directory */
	size_t len;
};

struct zs_dump {
	struct zs_dump_file *files; /* sorted by rel */
	size_t nfiles;
	size_t ndevices;
	enum zs_classes_status classes_status; /* NO_PERMISSION: the dump has no classes */
	bool has_zswap;
	enum zs_zswap_stats_status zswap_stats_status;
	uint64_t page_size;
	char release[128]; /* the root's uname -r and -v, "" when unknown */
	char version[256];
	/* files read when recording that could not be read again (gone since) */
	size_t nskipped;
	int skipped_err; /* the first one's -errno and file */
	char skipped_rel[192];
};

/*
 * -ENODEV when the root has neither a zram device nor zswap; else 0 or
 * -errno (the file in zs_ctx_error_path()).
 */
int zs_dump_collect(struct zs_ctx *ctx, struct zs_dump *ret);
void zs_dump_clear(struct zs_dump *d);
/*
 * Open the root's kernel configuration: proc/config.gz (gzip'd), else
 * boot/config-RELEASE (text); rel is set to the one tried last. An fd, or
 * -ENOENT when there is none.
 */
int zs_dump_open_kernel_config(struct zs_ctx *ctx, const char *release, char *rel, size_t size);

/* ==== compaction ========================================================================= */

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
	ZS_DECIDE_BACKED_OFF, /* its last compactions freed less than min_gain */
};

/*
 * last_time: the device's last compaction (epoch seconds), 0 for never;
 * lean: its compactions in a row that freed less than min_gain (the state
 * record's lean). After lean such compactions, the estimate must reach
 * min_gain << lean (at most 16 times) before it is believed again.
 */
enum zs_decision zs_compact_decide(const struct zs_policy *p, const struct zs_device *dev,
				   const struct zs_derived *x, uint64_t last_time, uint64_t lean,
				   uint64_t now);
/* What the estimate must reach after lean compactions that did not pay. */
uint64_t zs_compact_backoff_gain(const struct zs_policy *p, uint64_t lean);
/*
 * What compaction must free of a pool fragmented past min_frag: a small
 * absolute floor (or min_gain, when that is lower, which then decides
 * alone). Fragmentation lowers the bar, it does not remove it: a small
 * pool can be 60% fragmented with 80K to gain. zsctl-compact(8) POLICY.
 */
#define ZS_COMPACT_FRAG_FLOOR (UINT64_C(256) << 10)
uint64_t zs_compact_frag_gain(const struct zs_policy *p);

struct zs_compact_result {
	struct zs_stat before, after;
	uint64_t duration_ns;
	int64_t freed;            /* mem_used_total before - after; writers may make it < 0 */
	uint64_t pages_compacted; /* delta of mm_stat column 7 */
	bool has_gate_counter;    /* mm_stat has compact_gated (patched kernel) */
	uint64_t gated;           /* its delta */
	bool kernel_gated;        /* it rose while pages_compacted did not */
};

/*
 * Write the device's compact attribute, with mm_stat read through the
 * reader just before and after (the snapshot's values are updated).
 * -EINVAL: the kernel refused (an uninitialised device).
 */
int zs_reader_compact(struct zs_reader *r, const char *name, struct zs_compact_result *ret);

/* ==== creating, resetting and removing devices (lib/control.c) ========================== */

/*
 * udevd opens a block device while it processes a uevent for it (the add
 * event of hot_add, and a change event when a program that wrote to the
 * device closes it), and the kernel refuses reset and hot_remove of an
 * open device with EBUSY. So, as zramctl does since util-linux 2.41
 * (commit 488aac1bd), zs_device_reset() and zs_control_remove() first wait
 * (live, when udevd runs) until udev's database has the device and udev's
 * event queue is empty, for at most 3 seconds; then take and drop at once
 * flock(LOCK_EX|LOCK_NB) on /dev/zramN: udevd holds a shared lock while it
 * probes, so the lock fails then, and an event that comes while zsctl
 * holds it is put off by udevd; then write. A lock found held and a write
 * refused with EBUSY are tried again 5 times, 0.3 s in all. Under
 * --sysroot there is no udev and no device node: only the retries apply.
 */
struct zs_busy_wait {
	bool udev_active;	/* udevd runs here: its database and queue were waited for */
	bool udev_timed_out;	/* ... and were not settled after 3 seconds */
	uint64_t udev_wait_ns;	/* time spent waiting for udev */
	unsigned int lock_busy; /* times the probe lock was found held */
	unsigned int ebusy;	/* writes the kernel refused with EBUSY */
	bool locked;		/* the probe lock was held at the last attempt */
};

/*
 * Read sys/class/zram-control/hot_add: the kernel makes a device (each read
 * makes one) and name is set to its name, zramN. -ENOENT without
 * zram-control (kernels before 4.2, zram not loaded).
 */
int zs_control_add(struct zs_ctx *ctx, char name[ZS_DEVNAME_MAX]);
/*
 * Write the device's number to sys/class/zram-control/hot_remove, waiting
 * for udev as above; the kernel resets the device itself, under its own
 * claim, before removing it. *wait says what was waited for, also on
 * failure. -EBUSY when it stayed open (see zs_device_users()).
 */
int zs_control_remove(struct zs_ctx *ctx, const char *dev, struct zs_busy_wait *wait);
/* Write 1 to sys/block/<dev>/reset, waiting for udev as above; *wait as above. */
int zs_device_reset(struct zs_ctx *ctx, const char *dev, struct zs_busy_wait *wait);

#define ZS_HOLDER_NAME_MAX 64

/* A device built on a zram device (sys/block/zramN/holders/): device-mapper, md. */
struct zs_holder {
	char name[ZS_HOLDER_NAME_MAX];	  /* the kernel's name: dm-0, md127 */
	char dm_name[ZS_HOLDER_NAME_MAX]; /* device-mapper's name for it (dm/name), or "" */
};

/* Who keeps a device from being reset or removed. */
struct zs_users {
	bool is_swap;
	char **mountpoints; /* NULL-terminated, or NULL */
	struct zs_holder *holders;
	size_t nholders;
};

/*
 * Who uses dev (as zs_device_read() read it): swap (proc/swaps), mounts
 * (proc/self/mountinfo, read anew: they may have changed since the
 * context's first look) and holders. A dump without them has none.
 */
int zs_device_users(struct zs_ctx *ctx, const struct zs_device *dev, struct zs_users *ret);
bool zs_users_any(const struct zs_users *u);
void zs_users_clear(struct zs_users *u);

/* ==== BEGIN zram attributes: get and set (lib/attr.c) ==================== */

/* ==== attributes: get and set (lib/attr.c) ============================================== */

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
/*
 * Its store takes the device's lock for writing on every kernel (init_lock,
 * dev_lock since 7.0): it waits for a whole writeback or recompression,
 * which hold that lock for reading before 7.0 (see zs_ctx_pp_blocks_access()).
 */
#define ZS_ATTR_LOCKS_DEVICE 0x20u

struct zs_attr {
	const char *name;
	unsigned int mode;       /* ZS_ATTR_READ | ZS_ATTR_WRITE, as on current kernels */
	enum zs_attr_kind kind;
	const char *since;	 /* first mainline version with it; NULL: Android's only */
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
	ZS_SET_NO_MEMCG,        /* a cgroup without the memory controller (or the root) */
	ZS_SET_TOO_NEW,         /* a form this kernel does not take (writeback's keys: 6.16) */
};

/* Advice about a write that is allowed. */
enum zs_set_warning {
	ZS_SET_WARN_NONE,
	/*
	 * mem_limit below what the device uses now: the limit is reached at
	 * once, and every write that needs memory fails until use falls.
	 */
	ZS_SET_WARN_BELOW_USE,
	/*
	 * zswap's compressor changed: pages stored before stay in the old
	 * compressor's pool until they are loaded back (zswap.rst).
	 */
	ZS_SET_WARN_OLD_COMPRESSOR,
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
	enum zs_set_warning warning;
};

struct zs_set_plan {
	char dev[ZS_DEVNAME_MAX];
	bool reset;   /* write reset first (zsctl set --reset) */
	/*
	 * zswap's parameters (sys/module/zswap/parameters) rather than a
	 * device's attributes; dev is "zswap". zswap_choices: the
	 * compressors the kernel has, when one given is not among them.
	 */
	bool zswap;
	char zswap_choices[256];
	/*
	 * zsctl set --cgroup: a cgroup's memory.zswap.* rather than a device's
	 * attributes; dev is "cgroup". cgroup_path: the path below the cgroup2
	 * mount as given ("/a/b"; the root is ""), cgroup_dir: its directory
	 * below the root, found by zs_set_check.
	 */
	bool cgroup;
	char cgroup_path[1024];
	char cgroup_dir[4096];
	enum zs_cgroups_status cgroups_status;
	struct zs_set_item items[ZS_SET_MAX + 1]; /* in write order after zs_set_check */
	size_t n;
	/* the device as zs_set_check found it */
	struct zs_device before;
	/*
	 * With reset: who uses the device, as zs_set_check found it, and anew
	 * after the kernel refused the reset with EBUSY.
	 */
	struct zs_users users;
	bool in_use;			/* users has any */
	struct zs_busy_wait reset_wait; /* what the reset waited for */
};

/*
 * Parse one "ATTR=VALUE" into item: the name is looked up and the value
 * checked and normalised without looking at the device. Returns 0, or
 * -EINVAL with item->problem saying why.
 */
int zs_set_parse(const char *arg, struct zs_set_item *item);
/* The same for zswap's parameters (zs_zswap_attr_table()). */
int zs_zswap_set_parse(const char *arg, struct zs_set_item *item);
/* zswap's writable parameters, as zs_attr_table() describes zram's attributes. */
const struct zs_attr *zs_zswap_attr_table(size_t *n);
const struct zs_attr *zs_zswap_attr_find(const char *name);
/*
 * The same for a cgroup's memory.zswap.max (a size or "max") and
 * memory.zswap.writeback (6.8+; 0 or 1, and the words zswap's booleans take).
 */
int zs_cgroup_set_parse(const char *arg, struct zs_set_item *item);
const struct zs_attr *zs_cgroup_attr_table(size_t *n);
/*
 * The cgroup path as zsctl set --cgroup takes it, normalised into out: below
 * the cgroup2 mount, "/a/b" ("" for the root); "." and ".." components are
 * refused (-EINVAL). A path that starts with the mount point
 * (/sys/fs/cgroup/a/b) is found by zs_set_check.
 */
int zs_cgroup_path_parse(const char *arg, char *out, size_t size);
/* Read one of them (malloc'd text); -ENOENT when the kernel lacks it, -ENODEV without zswap. */
int zs_zswap_attr_read(struct zs_ctx *ctx, const struct zs_attr *a, char **ret);
/*
 * plan->dev and its n items parsed: read the device, check every item
 * against the running kernel and the state the device will be in when the
 * item is written, and sort the items into the safe order (with reset
 * first when plan->reset). Returns 0 when everything can be written,
 * -EINVAL when an item has a problem (each says which), -ENODEV when the
 * device does not exist (plan->zswap: the kernel has no zswap; plan->cgroup:
 * no cgroup v2 with a memory controller: cgroups_status says why), -ENOENT or -ENOTDIR
 * when plan->cgroup names no cgroup, -EBUSY for --reset of a device in use, or -errno.
 * An item that can be written may carry a warning.
 */
int zs_set_check(struct zs_ctx *ctx, struct zs_set_plan *plan);
/*
 * Write the checked items in order; stop at the first refusal. Returns 0,
 * or the refusal's -errno with that item's err set; written says which
 * went through. The reset goes through zs_device_reset() (reset_wait);
 * when it stays busy, users is read anew.
 */
int zs_set_apply(struct zs_ctx *ctx, struct zs_set_plan *plan);
void zs_set_plan_clear(struct zs_set_plan *plan);

/*
 * backing_dev's check: path names an existing block device below the root
 * (sys/class/block/NAME for /dev/NAME, or a block special file). 0, or
 * -ENOENT, -ENOTBLK, -EINVAL for a path that is not absolute.
 */
int zs_blockdev_check(struct zs_ctx *ctx, const char *path);


/* ==== maintenance: recompress, writeback, compact (lib/maintain.c, lib/config.c) ======= */

/* The kinds of pages zram's writeback and recompress take, in the order they run. */
#define ZS_PP_HUGE_IDLE 0x1u
#define ZS_PP_IDLE 0x2u
#define ZS_PP_HUGE 0x4u
#define ZS_PP_ALL 0x7u

/*
 * zsctl maintain's policy for one device. The defaults are ChromeOS
 * swap_management's and Android mmd's (zsctl-maintain(8) cites them).
 * Times in seconds, sizes in bytes.
 */
struct zs_maint_policy {
	bool recompress;
	unsigned int recompress_types; /* ZS_PP_* */
	uint64_t recompress_backoff;
	uint64_t recompress_age_min, recompress_age_max;
	uint64_t recompress_threshold;
	uint64_t recompress_max_pages; /* 0: no limit */
	bool writeback;
	unsigned int writeback_types;
	uint64_t writeback_backoff;
	uint64_t writeback_age_min, writeback_age_max;
	uint64_t writeback_min, writeback_max, writeback_daily;
	bool compact;
	struct zs_policy compact_policy;
};

void zs_maint_policy_default(struct zs_maint_policy *p);

/* One knob of the policy: a key of the configuration file and of --policy. */
enum zs_knob_kind {
	ZS_KNOB_BOOL,
	ZS_KNOB_TYPES,	  /* huge_idle,idle,huge */
	ZS_KNOB_DURATION, /* zs_parse_duration() */
	ZS_KNOB_SIZE,	  /* zs_parse_size() */
	ZS_KNOB_PERCENT,  /* zs_parse_percent() */
	ZS_KNOB_PAGES,	  /* a count */
};

struct zs_knob {
	const char *name;
	enum zs_knob_kind kind;
	size_t offset; /* in struct zs_maint_policy */
	const char *help;
};

const struct zs_knob *zs_knob_table(size_t *n);
const struct zs_knob *zs_knob_find(const char *name);
/* Parse value for knob into p. -EINVAL (junk) or -ERANGE; p untouched then. */
int zs_knob_set(const struct zs_knob *k, struct zs_maint_policy *p, const char *value);
/* What zs_knob_set() accepts for k, in the words of a refusal (ZS_*_ACCEPTED). */
const char *zs_knob_accepted(const struct zs_knob *k);
/* The knob's value in p as the file would say it ("30m", "1024", "yes"). */
void zs_knob_format(const struct zs_knob *k, const struct zs_maint_policy *p, char *buf,
		    size_t size);
/* Cross-knob checks (a minimum above its maximum): the second knob's name, or NULL. */
const char *zs_maint_policy_check(const struct zs_maint_policy *p, const char **first);
/*
 * The recompression threshold against the kernel's huge class size for
 * page_size (recompress_store() refuses one at or above it): 0, or -ERANGE
 * with the cause in words, without the key.
 */
int zs_maint_threshold_check(const struct zs_maint_policy *p, uint64_t page_size, char *cause,
			     size_t size);

/*
 * The configuration: [maintain] for every device, [zramN] for one. Files
 * as libeconf layers them: the vendor's /usr/lib/zsctl/zsctl.conf, unless
 * /etc/zsctl/zsctl.conf exists, then the drop-ins of both zsctl.conf.d/
 * directories by name, /etc's winning over a vendor drop-in of the same
 * name. Under --sysroot the directories below the dump are read.
 */
#define ZS_CONFIG_VENDOR_DIR "/usr/lib/zsctl"
#define ZS_CONFIG_DIR "/etc/zsctl"
#define ZS_CONFIG_MAX_DEVICES 64

struct zs_config {
	struct zs_maint_policy all;
	struct {
		char name[ZS_DEVNAME_MAX];
		struct zs_maint_policy policy;
	} dev[ZS_CONFIG_MAX_DEVICES];
	size_t ndev;
};

enum zs_config_problem {
	ZS_CONFIG_OK,
	ZS_CONFIG_UNREADABLE,	   /* the file could not be read (err says why) */
	ZS_CONFIG_SYNTAX,	   /* libeconf could not parse the line (cause says how) */
	ZS_CONFIG_NO_SECTION,	   /* a key before any section */
	ZS_CONFIG_UNKNOWN_SECTION, /* neither [maintain] nor [zramN] */
	ZS_CONFIG_UNKNOWN_KEY,
	ZS_CONFIG_BAD_VALUE,
	ZS_CONFIG_RANGE,
	ZS_CONFIG_CONFLICT, /* key against other: a minimum above its maximum */
	ZS_CONFIG_TOO_MANY, /* more device sections than ZS_CONFIG_MAX_DEVICES */
	ZS_CONFIG_NO_LIBRARY, /* libeconf cannot be loaded: file is its SONAME, cause dlerror()'s */
};

/* Where and why a configuration was refused: nothing of it is used then. */
struct zs_config_error {
	enum zs_config_problem problem;
	int err;
	char file[4096]; /* "" when not known */
	uint64_t line;	 /* 0 when not known */
	char section[64];
	char key[64];
	char other[64];	 /* CONFLICT: the knob key conflicts with */
	char value[128];
	char cause[128]; /* SYNTAX: libeconf's words; CONFLICT: "above" or "below" other */
};

/*
 * Read the configuration into cfg (defaults first): path, when not NULL,
 * is the only file read (as given, not below the root); else the layered
 * files below the context's root, none of which need exist. -EINVAL with
 * *e saying where and why; -ELIBACC when libeconf cannot be loaded
 * (ZS_CONFIG_NO_LIBRARY); cfg is written only on success.
 */
int zs_config_load(struct zs_ctx *ctx, const char *path, struct zs_config *cfg,
		   struct zs_config_error *e);
/*
 * For the tests: the name the next zs_config_load() dlopen()s libeconf by,
 * instead of its SONAME (NULL: the SONAME again).
 */
void zs_config_set_library(const char *soname);
/* The policy of a device: its section's, else [maintain]'s. */
const struct zs_maint_policy *zs_config_policy(const struct zs_config *cfg, const char *dev);
/* Apply KEY=VALUE to every policy of cfg (the command line wins over the files). */
int zs_config_override(struct zs_config *cfg, const struct zs_knob *k, const char *value);

/*
 * What a maintenance step did or why not: a word each, in the report, in
 * JSON and in the state file.
 */
enum zs_maint_result {
	ZS_MAINT_NONE,
	ZS_MAINT_DONE,		/* recompressed, written back, compacted */
	ZS_MAINT_WOULD,		/* a dry run: it would be done */
	ZS_MAINT_DISABLED,	/* the policy says no */
	ZS_MAINT_UNSUPPORTED,	/* this kernel lacks the attribute */
	ZS_MAINT_UNINITIALISED,
	ZS_MAINT_NO_BACKING,	/* no backing device (or ENODEV) */
	ZS_MAINT_NO_ALGORITHM,	/* no recomp_algorithm set */
	ZS_MAINT_NO_LIMIT,	/* no writeback_limit: a budget cannot be kept */
	ZS_MAINT_TOO_SOON,	/* its backoff since the last round */
	ZS_MAINT_BUDGET_USED,	/* the daily budget, or writeback_limit reached 0 (EIO) */
	ZS_MAINT_BELOW_MINIMUM, /* the round's budget is under writeback-min */
	ZS_MAINT_BACKING_FULL,	/* ENOSPC, or no free space left on the backing device */
	ZS_MAINT_KERNEL_BUSY,	/* EAGAIN: another post-processing operation (6.13-6.19) */
	ZS_MAINT_NO_ACTIME,	/* idle with an age refused (EINVAL): marked all, waiting */
	ZS_MAINT_WAITING,	/* marked all idle earlier; the age has not passed yet */
	ZS_MAINT_NOT_WORTH,	/* compaction would not pay */
	ZS_MAINT_GATED,		/* zsmalloc turned the compaction away */
	ZS_MAINT_FAILED,
	ZS_MAINT_COUNT_,
};
const char *zs_maint_result_name(enum zs_maint_result r);
int zs_maint_result_parse(const char *s, enum zs_maint_result *ret);
/* A failure (exit status 3): FAILED only; the others are the kernel's or policy's answers. */
bool zs_maint_result_failed(enum zs_maint_result r);

/* idle's age: min + (max - min) * e^(-5u), u = 1 - MemAvailable/MemTotal, in seconds. */
uint64_t zs_maint_idle_age(uint64_t min, uint64_t max, uint64_t mem_available,
			   uint64_t mem_total);
/* The writeback budget's rolling 24 hours (struct zs_maint_record). */
#define ZS_WB_HOUR 3600u
#define ZS_WB_DAY 86400u
void zs_maint_wb_window(struct zs_maint_record *rec, uint64_t now);
void zs_maint_wb_add(struct zs_maint_record *rec, uint64_t now, uint64_t pages);

/*
 * The writeback budget of a round, in 4K pages: writeback-max scaled by how
 * full the device is (orig_data_size / disksize), at most the backing
 * device's free pages (UINT64_MAX: unknown), 0 under writeback-min, at
 * most what is left of writeback-daily after day_used pages. Saturating.
 * *why says what limited it to 0 (BELOW_MINIMUM, BUDGET_USED, BACKING_FULL).
 */
uint64_t zs_maint_wb_budget(const struct zs_maint_policy *p, uint64_t orig_data_size,
			    uint64_t disksize, uint64_t backing_free, uint64_t day_used,
			    enum zs_maint_result *why);

#define ZS_WB_PAGE 4096 /* writeback_limit and bd_stat count 4K pages whatever PAGE_SIZE is */

enum zs_maint_step {
	ZS_STEP_RECOMPRESS,
	ZS_STEP_WRITEBACK,
	ZS_STEP_COMPACT,
	ZS_STEP_COUNT_,
};
const char *zs_maint_step_name(enum zs_maint_step s);
/*
 * Whether the kernel and the device (dev->maint, ZS_NEED_MAINT) allow a
 * step: ZS_MAINT_NONE, or why not (UNSUPPORTED, UNINITIALISED,
 * NO_ALGORITHM, NO_BACKING, NO_LIMIT). What maintain decides by, and what
 * status shows.
 */
enum zs_maint_result zs_maint_supported(const struct zs_device *dev, enum zs_maint_step step);

struct zs_maint_step_report {
	enum zs_maint_result result;
	int err;	     /* FAILED (and the kernel's answers): the -errno */
	char err_path[192];  /* the file of err */
	uint64_t duration_ns;
	unsigned int types;  /* ZS_PP_* acted on (or that would be) */
	uint64_t age;	     /* the idle age written, seconds (0: none) */
	uint64_t next;	     /* TOO_SOON, WAITING: epoch seconds when it may run */
	bool idle_all_used;  /* no access times: acted on pages idle since an "all" mark */
	/* recompress: mm_stat before and after */
	uint64_t compr_before, compr_after, mem_before, mem_after;
	/* writeback */
	uint64_t budget;	  /* the round's budget, 4K pages */
	uint64_t written;	  /* bd_writes delta, 4K pages */
	uint64_t day_used;	  /* pages of the day's budget used, this round included */
	/* compact */
	struct zs_derived est;
	struct zs_compact_result compact;
};

struct zs_maint_report {
	char name[ZS_DEVNAME_MAX];
	struct zs_maint_support support;
	struct zs_maint_step_report step[ZS_STEP_COUNT_];
};

/*
 * Maintain one device of the reader's snapshot under the gate run: each
 * step the policy enables, where the kernel and device support it, in
 * order (recompress, writeback, compact), marking idle right before the
 * action that uses the mark. The run's state is read for backoffs and
 * budgets and updated. dry_run: decide and say, write nothing. Returns 0
 * (the report says what each step did), or -errno when the device could
 * not be read at all.
 */
int zs_maintain_device(struct zs_ctx *ctx, struct zs_reader *r, struct zs_gate_run *run,
		       const char *name, const struct zs_maint_policy *p, bool dry_run, uint64_t now,
		       struct zs_maint_report *rep);

#endif
