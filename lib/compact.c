// SPDX-License-Identifier: GPL-2.0-or-later
/* Compaction of one zram device, and the policy that says when it pays. */
#include "config.h"

#include <errno.h>

#include "internal.h"

uint64_t zs_compact_backoff_gain(const struct zs_policy *p, uint64_t lean)
{
	return zs_mul_sat(p->min_gain, UINT64_C(1) << (lean > 4 ? 4 : lean));
}

enum zs_decision zs_compact_decide(const struct zs_policy *p, const struct zs_device *dev,
				   const struct zs_derived *x, uint64_t last_time, uint64_t lean,
				   uint64_t now)
{
	if (!dev->initialised)
		return ZS_DECIDE_UNINITIALISED;
	if (p->min_interval && last_time && now >= last_time && now - last_time < p->min_interval)
		return ZS_DECIDE_TOO_SOON;
	if (p->force)
		return ZS_DECIDE_COMPACT;
	/*
	 * An estimate that was wrong for this device lately is trusted less,
	 * whether the gain or the fragmentation made the case; the exact
	 * figure of the class statistics needs no such caution.
	 */
	if (lean && p->min_gain && !x->compactable_exact &&
	    (!x->has_compactable || x->compactable < zs_compact_backoff_gain(p, lean)))
		return ZS_DECIDE_BACKED_OFF;
	if (x->has_compactable && x->compactable >= p->min_gain && x->compactable > 0)
		return ZS_DECIDE_COMPACT;
	if (x->has_fragmentation && p->min_frag <= 1.0 && x->fragmentation >= p->min_frag &&
	    x->has_compactable && x->compactable > 0 && x->compactable >= zs_compact_frag_gain(p))
		return ZS_DECIDE_COMPACT;
	return ZS_DECIDE_NOT_WORTH;
}

uint64_t zs_compact_frag_gain(const struct zs_policy *p)
{
	return p->min_gain < ZS_COMPACT_FRAG_FLOOR ? p->min_gain : ZS_COMPACT_FRAG_FLOOR;
}

/* What a compaction did, from mm_stat just before and just after the write. */
void zs_compact_result_from(struct zs_compact_result *res)
{
	const struct zs_stat *b = &res->before, *a = &res->after;

	res->freed = (int64_t)b->val[ZS_MM_MEM_USED_TOTAL] - (int64_t)a->val[ZS_MM_MEM_USED_TOTAL];
	if (zs_stat_has(b, ZS_MM_PAGES_COMPACTED) && zs_stat_has(a, ZS_MM_PAGES_COMPACTED) &&
	    a->val[ZS_MM_PAGES_COMPACTED] >= b->val[ZS_MM_PAGES_COMPACTED])
		res->pages_compacted = a->val[ZS_MM_PAGES_COMPACTED] - b->val[ZS_MM_PAGES_COMPACTED];
	if (zs_stat_has(b, ZS_MM_COMPACT_GATED) && zs_stat_has(a, ZS_MM_COMPACT_GATED)) {
		res->has_gate_counter = true;
		if (a->val[ZS_MM_COMPACT_GATED] >= b->val[ZS_MM_COMPACT_GATED])
			res->gated = a->val[ZS_MM_COMPACT_GATED] - b->val[ZS_MM_COMPACT_GATED];
		res->kernel_gated = res->gated > 0 && res->pages_compacted == 0;
	}
}
