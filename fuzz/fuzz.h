/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer targets in fuzz/: each target feeds one libzsctl
 * parser with arbitrary bytes (as a NUL-terminated string, as the library
 * always gets its input) and checks the parser's contract, not just that it
 * does not crash:
 *  - a failure is a negative errno from the documented set and leaves the
 *    out-parameters untouched (filled with a pattern before the call and
 *    compared after it);
 *  - a success returns values that satisfy the parser's own rules, checked
 *    against an independent oracle where one is cheap (strtoull, strtod,
 *    exact integer arithmetic, a format/parse round trip).
 * A broken rule is reported with FUZZ_CHECK, which prints the rule and
 * aborts: libFuzzer then saves the input as a crash artifact.
 */
#ifndef ZSCTL_FUZZ_H
#define ZSCTL_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zsctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this teach nothing the small ones do not. */
#define FUZZ_MAX_INPUT (64 * 1024)

#define FUZZ_PATTERN 0xa5

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: broken rule: %s\n", __FILE__, __LINE__, \
				#cond);                                                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

/*
 * The input as a malloc'd NUL-terminated string (a NUL inside the input
 * ends the string there, as it would for the library's callers), or NULL
 * when the input is too large.
 */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s;

	if (size > FUZZ_MAX_INPUT)
		return NULL;
	s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Every byte of p is the fill pattern. */
static inline int fuzz_untouched(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != FUZZ_PATTERN)
			return 0;
	return 1;
}

/* a and b hold the same n bytes (padding included: nothing was written) */
static inline int fuzz_same_bytes(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

static inline int fuzz_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#endif
