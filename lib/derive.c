// SPDX-License-Identifier: GPL-2.0-or-later
/* Values derived from the kernel's: ratio, overhead, fragmentation, compactable. */
#include "config.h"

#include "internal.h"

void zs_class_derive(const struct zs_class *c, double *frag, uint64_t *waste)
{
	uint64_t unused = c->obj_allocated - c->obj_used;
	unsigned __int128 bytes = (unsigned __int128)unused * c->size;

	*frag = c->obj_allocated ? (double)unused / (double)c->obj_allocated : 0.0;
	*waste = bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes;
}

void zs_pool_derive(const struct zs_pool *pool, double *frag, uint64_t *waste)
{
	/* 128 bits: a garbled or hostile classes file must not wrap the sums */
	unsigned __int128 allocated = 0, wasted = 0;

	/*
	 * Weighted by bytes, so a class of 3 KiB objects counts more than
	 * one of 32 B objects; for one class this is 1 - used/allocated.
	 */
	for (size_t i = 0; i < pool->nclasses; i++) {
		const struct zs_class *c = &pool->classes[i];

		allocated += (unsigned __int128)c->obj_allocated * c->size;
		wasted += (unsigned __int128)(c->obj_allocated - c->obj_used) * c->size;
	}
	*frag = allocated ? (double)wasted / (double)allocated : 0.0;
	*waste = wasted > UINT64_MAX ? UINT64_MAX : (uint64_t)wasted;
}

uint64_t zs_freeable_bytes(const struct zs_class *c, uint64_t page_size)
{
	return zs_mul_sat(c->freeable, page_size);
}

void zs_device_derive(const struct zs_device *dev, const struct zs_pool *pool, uint64_t page,
		      struct zs_derived *ret)
{
	const struct zs_stat *mm = &dev->mm;
	struct zs_derived d = { 0 };

	if (!dev->initialised) {
		*ret = d;
		return;
	}
	if (zs_stat_has(mm, ZS_MM_ORIG_DATA_SIZE) && zs_stat_has(mm, ZS_MM_COMPR_DATA_SIZE) &&
	    mm->val[ZS_MM_COMPR_DATA_SIZE]) {
		d.ratio = (double)mm->val[ZS_MM_ORIG_DATA_SIZE] /
			  (double)mm->val[ZS_MM_COMPR_DATA_SIZE];
		d.has_ratio = true;
	}
	if (zs_stat_has(mm, ZS_MM_MEM_USED_TOTAL) && zs_stat_has(mm, ZS_MM_COMPR_DATA_SIZE)) {
		uint64_t used = mm->val[ZS_MM_MEM_USED_TOTAL], compr = mm->val[ZS_MM_COMPR_DATA_SIZE];

		/* pages are counted and compressed bytes summed at different moments */
		d.overhead = used > compr ? used - compr : 0;
		d.has_overhead = true;
	}
	if (pool) {
		uint64_t waste;

		zs_pool_derive(pool, &d.fragmentation, &waste);
		d.has_fragmentation = d.fragmentation_exact = true;
	} else if (d.has_overhead && mm->val[ZS_MM_MEM_USED_TOTAL]) {
		d.fragmentation = (double)d.overhead / (double)mm->val[ZS_MM_MEM_USED_TOTAL];
		d.has_fragmentation = true;
	}
	if (pool && pool->has_freeable) {
		/* the kernel's own zs_can_compact(), summed over classes */
		d.compactable = zs_freeable_bytes(&pool->total, page);
		d.has_compactable = d.compactable_exact = true;
	} else if (d.has_overhead) {
		/*
		 * An upper bound: the overhead also holds the rounding of
		 * objects up to their class size, which compaction keeps.
		 */
		d.compactable = d.overhead / page * page;
		d.has_compactable = true;
	}
	*ret = d;
}
