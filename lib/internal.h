/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ZSCTL_INTERNAL_H
#define ZSCTL_INTERNAL_H

#include <limits.h>

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
};

/* Record rel as the failing file and return err. */
int zs_ctx_fail(struct zs_ctx *ctx, const char *rel, int err);
int zs_read_fd_all(int fd, size_t max, char **ret, size_t *len);
int zs_strv_push(char ***strv, size_t *n, const char *s);

#define ZS_ATTR_MAX (64 * 1024)
#define ZS_CLASSES_MAX (4 * 1024 * 1024)

#define ZS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a proc table below the root with libmount (mountinfo, or swaps). */
int zs_ctx_parse_table(struct zs_ctx *ctx, const char *rel, bool swaps,
		       struct libmnt_table **ret);
/* The debugfs mount point below the root, without the leading '/'; -ENOENT when none. */
int zs_ctx_find_debugfs(struct zs_ctx *ctx, char *out, size_t size);
enum zs_pool_kind zs_pool_kind_of(const char *name);
/* Pre-4.1 kernels: the files that hold what mm_stat and io_stat hold now. */
extern const char *const zs_legacy_mm_files[ZS_MM_KNOWN];
extern const char *const zs_legacy_io_files[ZS_IO_KNOWN];

/* The root's proc/self/mountinfo, parsed on first use and kept with the context. */
int zs_ctx_mountinfo(struct zs_ctx *ctx, struct libmnt_table **ret);

#endif
