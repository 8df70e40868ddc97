/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the cmocka unit tests: reading the kernel captures of
 * tests/data/kernel-abi and building garbled variants of them.
 */
#ifndef ZSCTL_UNIT_H
#define ZSCTL_UNIT_H

/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>

#include "zsctl.h"

#define K61 "linux-6.1.0-56/"
#define K612 "linux-6.12.117/"

#define UNIT_N(a) (sizeof(a) / sizeof((a)[0]))

#define UNIT_U64_MAX_STR "18446744073709551615"	 /* 2^64 - 1 */
#define UNIT_U64_OVER_STR "18446744073709551616" /* 2^64 */

/*
 * Call first in main(): abort the whole binary (TAP "Bail out!", exit 99)
 * unless $TOP_SRCDIR is set.
 */
void unit_require_srcdir(void);

/*
 * The contents of tests/data/kernel-abi/<rel>, NUL-terminated, malloc'd;
 * fails the current test when the file cannot be read. len may be NULL.
 */
char *unit_load(const char *rel, size_t *len);
/* The absolute path of tests/data/kernel-abi (no trailing slash). */
const char *unit_abi_dir(void);

/* Heap copies; all fail the current test when memory runs out. */
char *unit_strndup(const char *s, size_t n);
char *unit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s with its first occurrence of from replaced by to; fails the test if absent. */
char *unit_replace(const char *s, const char *from, const char *to);
/* The index of the first occurrence of needle in s; fails the test if absent. */
size_t unit_offset_of(const char *s, const char *needle);

/* ---- files and directories -------------------------------------------------- */

/* Where tests make their files: $TMPDIR, or /tmp when it is unset or empty. */
const char *unit_tmpdir(void);
/*
 * A fresh directory $TMPDIR/zsctl-PROGRAM.XXXXXX (malloc'd, mode 0700);
 * fails the current test when it cannot be made.
 */
char *unit_mkdtemp(void);
/* Remove a tree, following no symlink; says on stderr what it could not remove. */
void unit_rm_tree(const char *path);
/*
 * cmocka fixtures: *state is a fresh unit_mkdtemp() directory, removed with
 * everything in it after the test, also when the test failed half-way.
 */
int unit_dir_setup(void **state);
int unit_dir_teardown(void **state);
#define UNIT_DIR_TEST(f) cmocka_unit_test_setup_teardown(f, unit_dir_setup, unit_dir_teardown)

/* mkdir -p: path and its missing parents; fails the test on error. */
void unit_mkdir_p(const char *path, mode_t mode);
/* Create or replace a file (0644) with len bytes of buf; fails the test on error. */
void unit_write_file(const char *path, const char *buf, size_t len);
void unit_write_text(const char *path, const char *text);
/* The same without failing the test (for a child process): 0 or -errno. */
int unit_try_write_file(const char *path, const char *buf, size_t len);
/* A whole file, NUL-terminated, malloc'd (len may be NULL); fails the test on error. */
char *unit_read_file(const char *path, size_t *len);
/*
 * A state file's text with ndevices devices named zram<first_id + i> (about
 * 50 bytes each, for files of a chosen size); NULL when out of memory.
 */
char *unit_state_text(unsigned int ndevices, unsigned int first_id, uint64_t runs);
/* Whether path exists, not following a symlink. */
bool unit_exists(const char *path);

/* The live system's context, for a group of tests (cmocka group fixtures). */
extern struct zs_ctx *unit_live;
int unit_live_setup(void **state);
int unit_live_teardown(void **state);

/* ---- processes, mounts, the plan ---------------------------------------------- */

/*
 * Run fn(arg, out) in a child process and copy its out (size bytes) back,
 * for what must not touch this process: a mount namespace, a resource
 * limit. fn must not use cmocka's assertions (it reports in out); the
 * test fails when the child dies or does not report.
 */
void unit_run_child(void (*fn)(void *arg, void *out), void *arg, void *out, size_t size);
/* In the calling (child) process: RLIMIT_FSIZE of bytes, SIGXFSZ ignored. 0 or -errno. */
int unit_limit_file_size(unsigned long long bytes);
/*
 * In the calling (child) process: a private mount namespace, and a tmpfs of
 * the given size ("8k") on dir, so that writes there run out of space.
 * 0, or -errno (-EPERM without CAP_SYS_ADMIN).
 */
int unit_mount_small_tmpfs(const char *dir, const char *size);
/* NULL when unit_mount_small_tmpfs() works here, else why not. */
const char *unit_tmpfs_missing(void);
/*
 * Take the test called name out of tests[0..n) (a capability it needs is
 * absent), saying so and why in the log: not run is not passed, the plan
 * shrinks. Returns the new n.
 */
size_t unit_drop_test(struct CMUnitTest *tests, size_t n, const char *name, const char *why);

/* Print an errno-style result readably when it is not the expected one. */
#define assert_errno(got, want)                                                \
	do {                                                                   \
		int got_ = (got), want_ = (want);                              \
		if (got_ != want_)                                             \
			fail_msg("%s = %d (%s), expected %d (%s)", #got, got_, \
				 got_ < 0 ? strerror(-got_) : "ok", want_,     \
				 want_ < 0 ? strerror(-want_) : "ok");         \
	} while (0)

#define assert_u64_equal(got, want)                                                        \
	do {                                                                               \
		uint64_t g_ = (got), w_ = (want);                                          \
		if (g_ != w_)                                                              \
			fail_msg("%s = %llu, expected %llu", #got, (unsigned long long)g_, \
				 (unsigned long long)w_);                                  \
	} while (0)

#endif
