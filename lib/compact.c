// SPDX-License-Identifier: GPL-2.0-or-later
/* Compaction of one zram device, and the policy that says when it pays. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum zs_decision zs_compact_decide(const struct zs_policy *p, const struct zs_device *dev,
				   const struct zs_derived *x, uint64_t last_time, uint64_t now)
{
	if (!dev->initialised)
		return ZS_DECIDE_UNINITIALISED;
	if (p->min_interval && last_time && now >= last_time && now - last_time < p->min_interval)
		return ZS_DECIDE_TOO_SOON;
	if (p->force)
		return ZS_DECIDE_COMPACT;
	if (x->has_compactable && x->compactable >= p->min_gain && x->compactable > 0)
		return ZS_DECIDE_COMPACT;
	if (x->has_fragmentation && p->min_frag <= 1.0 && x->fragmentation >= p->min_frag &&
	    x->has_compactable && x->compactable > 0)
		return ZS_DECIDE_COMPACT;
	return ZS_DECIDE_NOT_WORTH;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int read_mm_stat(struct zs_ctx *ctx, const char *name, struct zs_stat *st)
{
	char rel[64], *text = NULL;
	int r;

	snprintf(rel, sizeof(rel), "sys/block/%s/mm_stat", name);
	r = zs_ctx_read_file(ctx, rel, ZS_ATTR_MAX, &text);
	if (r < 0)
		return r;
	r = zs_parse_mm_stat(text, st);
	free(text);
	if (r < 0)
		return zs_ctx_fail(ctx, rel, r);
	zs_mm_stat_vet_gate_column(ctx, st);
	return 0;
}

int zs_device_compact(struct zs_ctx *ctx, const char *name, struct zs_compact_result *ret)
{
	struct zs_compact_result res = { 0 };
	char rel[64];
	uint64_t t0;
	int fd, r;

	if (!zs_devname_valid(name))
		return -EINVAL;
	r = read_mm_stat(ctx, name, &res.before);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "sys/block/%s/compact", name);
	fd = zs_ctx_open(ctx, rel, O_WRONLY);
	if (fd < 0)
		return fd;
	t0 = monotonic_ns();
	/*
	 * zs_compact() runs inside this write; it reports success even when
	 * zsmalloc's compaction_in_progress gate turned it away.
	 */
	if (write(fd, "1", 1) != 1) {
		r = -errno;
		close(fd);
		return zs_ctx_fail(ctx, rel, r);
	}
	res.duration_ns = monotonic_ns() - t0;
	close(fd);
	r = read_mm_stat(ctx, name, &res.after);
	if (r < 0)
		return r;
	res.freed = (int64_t)res.before.val[ZS_MM_MEM_USED_TOTAL] -
		    (int64_t)res.after.val[ZS_MM_MEM_USED_TOTAL];
	if (zs_stat_has(&res.before, ZS_MM_PAGES_COMPACTED) &&
	    zs_stat_has(&res.after, ZS_MM_PAGES_COMPACTED) &&
	    res.after.val[ZS_MM_PAGES_COMPACTED] >= res.before.val[ZS_MM_PAGES_COMPACTED])
		res.pages_compacted = res.after.val[ZS_MM_PAGES_COMPACTED] -
				      res.before.val[ZS_MM_PAGES_COMPACTED];
	if (zs_stat_has(&res.before, ZS_MM_COMPACT_GATED) &&
	    zs_stat_has(&res.after, ZS_MM_COMPACT_GATED)) {
		res.has_gate_counter = true;
		if (res.after.val[ZS_MM_COMPACT_GATED] >= res.before.val[ZS_MM_COMPACT_GATED])
			res.gated = res.after.val[ZS_MM_COMPACT_GATED] -
				    res.before.val[ZS_MM_COMPACT_GATED];
		res.kernel_gated = res.gated > 0 && res.pages_compacted == 0;
	}
	*ret = res;
	return 0;
}
