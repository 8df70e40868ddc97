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
#include <string.h>

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
