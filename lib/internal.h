/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ZSCTL_INTERNAL_H
#define ZSCTL_INTERNAL_H

#include <limits.h>
#include <string.h>

#include "zsctl.h"

struct libmnt_table;

struct zs_ctx {
	char *root;
	int rootfd; /* O_PATH of the sysroot; -1 when live */
	bool live;
	uint64_t page_size;
	char error_path[PATH_MAX];
	struct libmnt_table *mountinfo; /* parsed once, see zs_ctx_mountinfo() */
	int gate_column; /* zs_mm_stat_vet_gate_column(): 0 not asked yet, 1 trusted, -1 not */
	/* zs_dump_collect(): the files read below the root, while recording */
	bool recording;
	char **recorded;
	size_t nrecorded;
	int record_err;
};

#define ZS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Write value and a newline to a file below the root in one write() (lib/attr.c). */
int zs_ctx_write_line(struct zs_ctx *ctx, const char *rel, const char *value);

#define ZS_ATTR_MAX (64 * 1024)
#define ZS_CLASSES_MAX (4 * 1024 * 1024)

/* A path into a fixed buffer, cut short if it must be: top copies a few every frame. */
static inline void zs_copy_path(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- the context (ctx.c) ------------------------------------------------------- */

/* A public call begins: the error path of an earlier one is not this one's. */
static inline void zs_ctx_begin(struct zs_ctx *ctx)
{
	ctx->error_path[0] = '\0';
}

/*
 * openat2(RESOLVE_IN_ROOT) done in user space, for kernels without openat2:
 * rel below rootfd, every symlink resolved inside it. An fd, or -errno.
 */
int zs_open_in_root_by_hand(int rootfd, const char *rel, int flags);
/*
 * While the context records (zs_dump_collect()), note a file read below
 * the root, or a directory as "DIR/": what zs_ctx_open() and
 * zs_ctx_openat() open to read is noted there; files opened another way
 * (libmount's live mount tables, the gate's files) by their readers.
 */
void zs_ctx_note_read(struct zs_ctx *ctx, const char *rel);
/* Record rel as the failing file and return err. */
int zs_ctx_fail(struct zs_ctx *ctx, const char *rel, int err);
/*
 * Open rel relative to dirfd, a directory the context opened: openat()
 * live, openat2(RESOLVE_BENEATH) in a dump. Records rel_for_errors.
 */
int zs_ctx_openat(struct zs_ctx *ctx, int dirfd, const char *name, int flags,
		  const char *rel_for_errors);
/*
 * Read a file from offset 0 with pread into *buf (grown up to max, kept for
 * the next read): a read shorter than the buffer is the whole file, as for
 * sysfs attributes and regular files in a dump; until_eof keeps reading to
 * a read of 0 (seq_files of many records such as proc/swaps). Refuses a
 * NUL in the text (-EINVAL): the kernel's text never holds one.
 */
int zs_pread_all(int fd, char **buf, size_t *cap, size_t max, bool until_eof, size_t *len);
/*
 * zs_pread_all() of an attribute that a kernel pads with NUL bytes: they are
 * dropped instead of refused (see zs_dev_read_attr()).
 */
int zs_pread_nul_padded(int fd, char **buf, size_t *cap, size_t max, size_t *len);
/*
 * The same from a freshly opened fd with read(), to its end: for files
 * opened nonseekable, whose pread fails with ESPIPE (debugfs simple
 * attributes); such a file gives its value once per open.
 */
int zs_read_once(int fd, char **buf, size_t *cap, size_t max, size_t *len);
int zs_read_fd_all(int fd, size_t max, char **ret, size_t *len);
int zs_strv_push(char ***strv, size_t *n, const char *s);

/* Parse a proc table below the root with libmount (mountinfo, or swaps). */
int zs_ctx_parse_table(struct zs_ctx *ctx, const char *rel, bool swaps,
		       struct libmnt_table **ret);
/* The root's proc/self/mountinfo, parsed on first use and kept with the context. */
int zs_ctx_mountinfo(struct zs_ctx *ctx, struct libmnt_table **ret);
/* Parse it anew at the next use (users that may have changed since). */
void zs_ctx_forget_mountinfo(struct zs_ctx *ctx);
/* The debugfs mount point below the root, without the leading '/'; -ENOENT when none. */
int zs_ctx_find_debugfs(struct zs_ctx *ctx, char *out, size_t size);
/*
 * The kernel's release, MAJOR.MINOR of proc/sys/kernel/osrelease; -ENOENT
 * when it cannot be read or parsed (a dump without it). Not an error of
 * the caller: the context's error path is left as it was.
 */
int zs_ctx_release(struct zs_ctx *ctx, unsigned long *major, unsigned long *minor);
/* A dump's pools tell its page size (the largest class is PAGE_SIZE). */
void zs_ctx_learn_page_size(struct zs_ctx *ctx, const struct zs_pool *pool);

/* ---- devices (device.c) ----------------------------------------------------------- */

/* The files of a zram device a reader may read; see device.c's table. */
enum zs_dev_file {
	ZS_F_INITSTATE,
	ZS_F_DISKSIZE,
	ZS_F_COMP_ALGORITHM,
	ZS_F_DEV,
	ZS_F_MM_STAT,
	ZS_F_IO_STAT,
	ZS_F_BD_STAT,
	ZS_F_DEBUG_STAT,
	ZS_F_MAX_COMP_STREAMS,
	ZS_F_BACKING_DEV,
	ZS_F_WRITEBACK_LIMIT,
	ZS_F_WRITEBACK_LIMIT_ENABLE,
	ZS_F_DISKSEQ,
	ZS_F_LEGACY_MM0, /* pre-4.1: one file per mm_stat column */
	ZS_F_LEGACY_IO0 = ZS_F_LEGACY_MM0 + ZS_MM_KNOWN,
	ZS_F_COUNT_ = ZS_F_LEGACY_IO0 + ZS_IO_KNOWN,
};

/* A device's open directory and files: kept by a reader between refreshes. */
struct zs_dev_files {
	int dirfd;
	int fd[ZS_F_COUNT_]; /* -1: not open; ZS_FD_ABSENT: the kernel has no such file */
	bool setup_known;    /* the set-up files were read for the current initstate */
	bool legacy_mm;	     /* mm_stat is absent: the pre-4.1 files */
	bool legacy_io;
};
#define ZS_FD_ABSENT (-2)
#define ZS_FD_REOPEN (-3) /* nonseekable: opened, read and closed at each refresh */

/* The buffer a reader reads into, and its counters. */
struct zs_read_buf {
	char *buf;
	size_t cap;
	uint64_t opens, reads;
	unsigned int files; /* held open */
};

void zs_dev_files_init(struct zs_dev_files *f);
void zs_dev_files_close(struct zs_dev_files *f, struct zs_read_buf *rb);
/*
 * Open the device's directory: -ENODEV when it does not exist. name must
 * be valid (zs_devname_valid).
 */
int zs_dev_files_open(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		      struct zs_read_buf *rb);
/*
 * Read what needs asks for into dev (name and id set by the caller). The
 * files read on every refresh stay open in f for the next one (pread from
 * 0); the set-up files (disksize, comp_algorithm, dev, backing_dev,
 * max_comp_streams) are opened and read again only when initstate
 * changes. On a failure, err_path names the file (relative to the root)
 * and dev keeps what was read before.
 */
int zs_dev_read(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name, unsigned int needs,
		struct zs_read_buf *rb, struct zs_device *dev, char *err_path, size_t err_size);
/*
 * diskseq alone, for a reader that reads it only for devices the gate's
 * state has a record of (ZS_NEED_LEARNED): has_diskseq says whether the
 * kernel has it (5.15 and later).
 */
int zs_dev_read_diskseq(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
			struct zs_read_buf *rb, struct zs_device *d, char *err_path,
			size_t err_size);
/* Read one attribute's text through the device's directory. */
int zs_dev_read_attr(struct zs_ctx *ctx, struct zs_dev_files *f, const char *name,
		     const char *attr, struct zs_read_buf *rb, char **ret);
/* zram device names below the root: libudev live, the dump's sys/block; sorted by id. */
int zs_enumerate_devices(struct zs_ctx *ctx, char ***names, size_t *n);
unsigned int zs_devname_id(const char *name);

/* ---- pools, users ------------------------------------------------------------------ */

enum zs_pool_kind zs_pool_kind_of(const char *name);
void zs_pools_sort(struct zs_pool *pools, size_t n);
/* zram pools in device order (zram2 before zram10), then the others by name. */
int zs_pool_cmp(const void *a, const void *b);
struct libmnt_fs;
/* The device of devs a mount (a mountinfo line) is of, or NULL. */
struct zs_device *zs_users_mount_device(struct libmnt_fs *fs, struct zs_device *const *devs,
					size_t n);
/* Mount points (replacing the devices' earlier ones) and swap use of devs. */
int zs_users_read_mounts(struct zs_ctx *ctx, struct zs_device *const *devs, size_t n);
int zs_users_read_swaps(struct zs_ctx *ctx, struct zs_device *const *devs, size_t n);

/* ---- zswap (zswap.c) ------------------------------------------------------------- */

/* zswap's files, kept open by a reader between refreshes (ZS_FD_ABSENT: not in this kernel). */
struct zs_zswap_files {
	bool params_opened; /* the parameters' directory was looked for */
	bool stats_opened;  /* debugfs's zswap directory was looked for */
	int param_dir, stat_dir, vmstat;
	int param[ZS_ZSWAP_P_KNOWN];
	int stat[ZS_ZSWAP_S_KNOWN];
	enum zs_zswap_stats_status stats_status;
	char stat_dir_rel[3800];
};

void zs_zswap_files_init(struct zs_zswap_files *f);
void zs_zswap_files_close(struct zs_zswap_files *f, struct zs_read_buf *rb);
/*
 * Read everything of zswap there is. *ret is written also on failure, with
 * what could be read; the return is the first failure (-errno), its file
 * in err_path. Absent files are no failure.
 */
int zs_zswap_read(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
		  struct zs_zswap *ret, char *err_path, size_t err_size);
/* Only parameters/enabled into ret (present, enabled), as zs_zswap_read() does. */
int zs_zswap_read_enabled(struct zs_ctx *ctx, struct zs_zswap_files *f, struct zs_read_buf *rb,
			  struct zs_zswap *ret, char *err_path, size_t err_size);

/*
 * The cgroups (v2) that hold zswap memory, most first (malloc'd list). 0,
 * with *status saying why there are none; or the first failure (-errno,
 * its file in err_path) with what could be read all the same. *files is
 * the walk's state, kept between refreshes (NULL before the first; the
 * files stay open, see zswap.c); rescan: walk the tree again now.
 */
struct zs_cgroup_files;
int zs_cgroups_read(struct zs_ctx *ctx, struct zs_cgroup_files **files, bool rescan,
		    struct zs_read_buf *rb, struct zs_cgroup_zswap **list, size_t *n, bool *truncated,
		    enum zs_cgroups_status *status, char *err_path, size_t err_size);
void zs_cgroup_files_free(struct zs_cgroup_files *f, struct zs_read_buf *rb);

/*
 * zs_set_check() of a plan for a cgroup: finds the cgroup2 mount and the
 * cgroup's directory (plan->cgroup_dir), and checks every item against its
 * files. 0, -EINVAL (the items say why), -ENODEV (plan->cgroups_status),
 * -ENOENT or -ENOTDIR (no such cgroup), or -errno.
 */
int zs_cgroup_set_check(struct zs_ctx *ctx, struct zs_set_plan *plan);

/* ---- compaction (compact.c) ---------------------------------------------------------- */

void zs_compact_result_from(struct zs_compact_result *res);

/* ---- the gate (gate.c, state.c) ------------------------------------------------------- */

struct zs_gate {
	struct zs_ctx *ctx;
	char lock_path[PATH_MAX];  /* as given: absolute, host-style */
	char state_path[PATH_MAX];
	bool lock_in_root, state_in_root; /* the defaults: below the context's root */
	char lock_shown[PATH_MAX + 64];	  /* as a user would name them */
	char state_shown[PATH_MAX + 64];
	int lock_dirfd, state_dirfd;	  /* opened once, checked once; -1 until then */
};

/*
 * The directory of the lock file (or of the state file), opened once and
 * kept: below the root for the defaults, without following a symlink that
 * is not root's or ours, refused (-EPERM) when it belongs to another user
 * or others can write to it without the sticky bit. create: make the last
 * directory (0755) when missing (/var/lib/zsctl is ours to create). The fd
 * is the gate's (not to be closed); *base is the file's name in it.
 */
int zs_gate_dir(struct zs_gate *g, bool state, bool create, const char **base);
/* Open a private file in dirfd: no symlink (-ELOOP), regular and ours or root's (-EPERM). */
int zs_private_openat(int dirfd, const char *base, int flags, mode_t mode);

int zs_state_load(struct zs_gate *g, struct zs_state *ret);
/*
 * Hold the gate for a moment, without waiting and without counting this
 * process as turned away (status --rates writes its record under it):
 * 0 and the lock's fd, or -EWOULDBLOCK with *holder naming the holder.
 */
int zs_gate_hold(struct zs_gate *g, int *fd, struct zs_gate_holder *holder);
void zs_gate_let_go(struct zs_gate *g, int fd);
/* A file beside the state file, named the state file's name and suffix (see state.c). */
int zs_state_file_load(struct zs_gate *g, const char *suffix, size_t max, char **text);
int zs_state_file_save(struct zs_gate *g, const char *suffix, const char *text);
int zs_state_save(struct zs_gate *g, const struct zs_state *st);
int zs_state_set_aside(struct zs_gate *g, char *aside, size_t size);
/* The turned-away counter: one byte appended per process that found the gate held. */
int zs_state_busy_add(struct zs_gate *g);
int zs_state_busy_get(struct zs_gate *g, uint64_t *ret);

/* ---- slot ages (ages.c) ----------------------------------------------------------- */

/* Where the block_state files are (dir: "<debugfs>/zram"), or why there are none. */
enum zs_ages_status zs_ages_probe(struct zs_ctx *ctx, char *dir, size_t size);
/*
 * One device's block_state counted into a (dir NULL: none read), the ages
 * age[i] where valid[i]. 0, or -errno with a->err, a->err_path (and
 * a->err_line) saying why.
 */
int zs_ages_read(struct zs_ctx *ctx, const char *dir, const struct zs_device *dev,
		 const uint64_t age[ZS_AGES_FOR_COUNT_], const bool valid[ZS_AGES_FOR_COUNT_],
		 uint64_t page_size, struct zs_ages *a);

#endif
