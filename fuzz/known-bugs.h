/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bugs that fuzzing found in lib/, reported with a proposed fix and not
 * fixed yet. While a KNOWN_BUG_* is 1, the fuzz targets tolerate exactly
 * that wrong result (so that make fuzz and CI stay useful for finding new
 * ones) and tests/unit/test-regress.c ends its case with a "# known bug"
 * line when it sees the known wrong result (it fails on any other). When
 * the fix lands, set it to 0: both then require the right behaviour.
 */
#ifndef ZSCTL_KNOWN_BUGS_H
#define ZSCTL_KNOWN_BUGS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "zsctl.h"

/*
 * B1: zs_parse_size() adds the fraction of a unit with long double
 * arithmetic, so it can round up where it promises to round down: "6.5506E"
 * is 7552327608077611800.98 bytes and gives ...801.
 */
#define KNOWN_BUG_B1_SIZE_ROUNDING 0

/*
 * B2: zs_pool_derive() sums obj_allocated * size over the classes in
 * uint64_t: a classes file with huge values (garbled or hostile) wraps it
 * and the fragmentation goes past 100% (zsctl status --classes shows
 * 200.0%).
 */
#define KNOWN_BUG_B2_DERIVE_OVERFLOW 0

/* B2's trigger: some product or sum of zs_pool_derive() passes 2^64 - 1. */
static inline bool known_bug_b2_pool_overflows(const struct zs_pool *pool)
{
	unsigned __int128 alloc = 0, waste = 0;

	if (!KNOWN_BUG_B2_DERIVE_OVERFLOW)
		return false;
	for (size_t i = 0; i < pool->nclasses; i++) {
		const struct zs_class *c = &pool->classes[i];

		alloc += (unsigned __int128)c->obj_allocated * c->size;
		waste += (unsigned __int128)(c->obj_allocated - c->obj_used) * c->size;
	}
	return alloc > UINT64_MAX || waste > UINT64_MAX;
}

/*
 * B3: lib/device.c parse_devno() reads sys/block/zramN/dev with
 * sscanf("%u:%u%c"), which takes what the kernel never prints: a second
 * line ("254:0\n254:0\n"), blanks (" 254: 0\n"), signs ("-1:0\n" becomes
 * 4294967295:0), so a garbled dev file is not refused.
 */
#define KNOWN_BUG_B3_DEVNO 0
/*
 * B5: B3's fix still takes a newline before the colon ("254\n:1\n"): the
 * major is read with zs_parse_u64(), which allows one trailing newline.
 */
#define KNOWN_BUG_B5_DEVNO_NEWLINE 0

/* B3's and B5's trigger: the dev file was accepted and is not MAJOR:MINOR\n. */
static inline bool known_bug_b3_devno(const char *text)
{
	if (KNOWN_BUG_B5_DEVNO_NEWLINE) {
		const char *colon = strchr(text, ':');

		if (colon && memchr(text, '\n', (size_t)(colon - text)))
			return true;
	}
	return KNOWN_BUG_B3_DEVNO;
}

/*
 * B4: proc/swaps is read by lib/users.c with libmount, which takes records
 * the kernel never prints: with a NUL byte in the file the device shows
 * [SWAP]; a size of "-1" is taken as 2^64-1 KiB, and "* 1024" wraps.
 * (Until issue 12 lib/sample.c read it a second time for top, with
 * sscanf, and the two disagreed; now status and top read it alike.)
 */
#define KNOWN_BUG_B4_SWAPS 1

/* A zram record of proc/swaps as the kernel prints it: NAME TYPE SIZE USED PRIO. */
static inline bool known_bug_b4_strict_record(const char *line)
{
	const char *p = line;
	int field = 0;

	while (*p && *p != '\n') {
		size_t len;

		p += strspn(p, " \t");
		if (!*p || *p == '\n')
			break;
		len = strcspn(p, " \t\n");
		if (field >= 2) {
			size_t i = field == 4 && *p == '-' ? 1 : 0;

			if (i == len || len - i > (field == 4 ? 10 : 20))
				return false;
			for (; i < len; i++)
				if (p[i] < '0' || p[i] > '9')
					return false;
		}
		field++;
		p += len;
	}
	return field == 5;
}

/* B4's trigger: ROOT/proc/swaps holds a NUL, or a zram record not in the kernel's form. */
static inline bool known_bug_b4_swaps(const char *root)
{
	char path[4200], line[4096];
	bool bad = false;
	FILE *f;
	int c;

	if (!KNOWN_BUG_B4_SWAPS)
		return false;
	snprintf(path, sizeof(path), "%s/proc/swaps", root);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!bad && (c = getc(f)) != EOF)
		bad = c == 0;
	rewind(f);
	while (!bad && fgets(line, sizeof(line), f))
		if (strstr(line, "/dev/zram"))
			bad = !known_bug_b4_strict_record(line);
	fclose(f);
	return bad;
}

#endif
