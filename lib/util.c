// SPDX-License-Identifier: GPL-2.0-or-later
/* Arithmetic that saturates, times as zsctl prints them, result words. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

uint64_t zs_mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

uint64_t zs_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void zs_format_utc(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "unknown");
}

void zs_format_elapsed(uint64_t ns, char *buf, size_t size)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500);

	if (us < 1000)
		snprintf(buf, size, "%" PRIu64 " us", us);
	else if (ns < UINT64_C(9999950000))
		snprintf(buf, size, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, size, "%.1f s", (double)ns / 1e9);
}

static const char *const result_names[ZS_RESULT_COUNT_] = {
	[ZS_RESULT_NONE] = "",
	[ZS_RESULT_COMPACTED] = "compacted",
	[ZS_RESULT_NOTHING] = "nothing",
	[ZS_RESULT_GATED] = "gated",
	[ZS_RESULT_FAILED] = "failed",
	[ZS_RESULT_SKIPPED] = "skipped",
};

const char *zs_result_name(enum zs_result r)
{
	return (unsigned int)r < ZS_RESULT_COUNT_ ? result_names[r] : "";
}

int zs_result_parse(const char *s, enum zs_result *ret)
{
	for (unsigned int i = 1; i < ZS_RESULT_COUNT_; i++) {
		if (!strcmp(s, result_names[i])) {
			*ret = (enum zs_result)i;
			return 0;
		}
	}
	return -EINVAL;
}
