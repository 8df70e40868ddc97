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

/*
 * zsmalloc's size classes as zs_create_pool() builds them (mm/zsmalloc.c,
 * Linux 6.3 to 7.3): classes every PAGE_SIZE >> 8 bytes from 32, each
 * object taking its class's size, a zspage of the 1 to
 * CONFIG_ZSMALLOC_CHAIN_SIZE pages that waste least, and neighbouring
 * classes of the same zspage shape merged into the larger. The chain size
 * cannot be read from user space: Kconfig's default, 8, is assumed (before
 * 6.3 zspages had at most 4 pages; the estimate is then a little high).
 */
#define CHAIN_SIZE 8
#define MIN_ALLOC 32
#define HANDLE_SIZE 8 /* zs_malloc() adds the handle before it picks a class */
#define MAX_CLASSES 260

struct class_shape {
	uint32_t size;
	uint32_t pages; /* pages per zspage */
	uint32_t objs;	/* objects per zspage */
};

struct class_table {
	size_t n;
	uint32_t delta;
	struct class_shape of[MAX_CLASSES]; /* by index, merged ones as their class */
};

static uint32_t chain_size(uint32_t size, uint64_t page)
{
	uint64_t min_waste = UINT64_MAX;
	uint32_t best = 1;

	if (!(size & (size - 1)))
		return 1;
	for (uint32_t i = 1; i <= CHAIN_SIZE; i++) {
		uint64_t waste = i * page % size;

		if (waste < min_waste) {
			min_waste = waste;
			best = i;
		}
	}
	return best;
}

static bool class_table_build(uint64_t page, struct class_table *t)
{
	uint32_t delta = (uint32_t)(page >> 8);

	if (page < 4096 || delta < 16 || page > (1u << 20))
		return false;
	t->delta = delta;
	t->n = (size_t)((page - MIN_ALLOC + delta - 1) / delta + 1);
	if (t->n > MAX_CLASSES)
		return false;
	for (size_t i = t->n; i-- > 0;) {
		uint64_t size = MIN_ALLOC + i * (uint64_t)delta;
		struct class_shape c;

		c.size = (uint32_t)(size > page ? page : size);
		c.pages = chain_size(c.size, page);
		c.objs = (uint32_t)(c.pages * page / c.size);
		if (i + 1 < t->n && t->of[i + 1].pages == c.pages && t->of[i + 1].objs == c.objs)
			c = t->of[i + 1];
		t->of[i] = c;
	}
	return true;
}

static const struct class_shape *class_of(const struct class_table *t, uint64_t len)
{
	uint64_t size = len + HANDLE_SIZE;
	size_t i = size > MIN_ALLOC ? (size_t)((size - MIN_ALLOC + t->delta - 1) / t->delta) : 0;
	size_t last = t->n ? t->n - 1 : 0; /* a built table has classes: for GCC's bounds check */

	return &t->of[i < last ? i : last];
}

/* The first length after len (below limit) that class_of() puts in another index. */
static uint64_t index_end(const struct class_table *t, uint64_t len, uint64_t limit)
{
	uint64_t size = len + HANDLE_SIZE, i, last;

	i = size > MIN_ALLOC ? (size - MIN_ALLOC + t->delta - 1) / t->delta : 0;
	if (i >= t->n - 1)
		return limit; /* the last index takes every larger length */
	last = MIN_ALLOC + i * t->delta - HANDLE_SIZE; /* the largest length of index i */
	return last + 1 < limit ? last + 1 : limit;
}

/*
 * The table of a page size, built once: every device of a machine has the
 * same, and zsctl top derives each of them every frame. (zsctl is one
 * thread.)
 */
static const struct class_table *class_table_of(uint64_t page)
{
	static struct class_table t;
	static uint64_t built_for;

	if (!page || built_for != page) { /* 0: none built (or a refused page size) */
		built_for = 0;
		if (!class_table_build(page, &t))
			return NULL;
		built_for = page;
	}
	return &t;
}

/*
 * zsmalloc's huge_class_size (zs_huge_class_size(), zs_create_pool()): the
 * size of the largest class whose zspage holds more than one page and more
 * than one object, less the handle but a byte. zram stores an object of
 * this size or more a page each, and recompress_store() refuses a
 * threshold at or above it. Built, like the table, for the default chain
 * size (6.3 on; 6.2's zspages of at most 4 pages put it lower).
 */
uint64_t zs_huge_class_size(uint64_t page)
{
	const struct class_table *t = class_table_of(page);

	if (!t)
		return 0;
	for (size_t i = t->n; i-- > 0;) {
		uint64_t size = MIN_ALLOC + i * (uint64_t)t->delta;

		/* merged classes keep the shape of their own size */
		if (t->of[i].pages != 1 && t->of[i].objs != 1)
			return (size > page ? page : size) - (HANDLE_SIZE - 1);
	}
	return 0;
}

void zs_estimate_kept(const struct zs_stat *mm, uint64_t page, struct zs_kept *ret)
{
	struct zs_kept k = { 0 };
	const struct class_table *t;
	uint64_t orig_pages, small, bytes, huge = 0, avg, lo, hi;
	double rounding = 0, tails = 0, span;
	const struct class_shape *prev = NULL;
	uint64_t prev_from = 0;

	*ret = k;
	if (!zs_stat_has(mm, ZS_MM_ORIG_DATA_SIZE) || !zs_stat_has(mm, ZS_MM_COMPR_DATA_SIZE) ||
	    !page || !(t = class_table_of(page)))
		return;
	/* same-filled pages take no zsmalloc object; huge ones a page each, and no waste */
	orig_pages = mm->val[ZS_MM_ORIG_DATA_SIZE] / page;
	if (zs_stat_has(mm, ZS_MM_SAME_PAGES))
		orig_pages = orig_pages > mm->val[ZS_MM_SAME_PAGES] ?
				     orig_pages - mm->val[ZS_MM_SAME_PAGES] : 0;
	if (zs_stat_has(mm, ZS_MM_HUGE_PAGES))
		huge = mm->val[ZS_MM_HUGE_PAGES];
	small = orig_pages > huge ? orig_pages - huge : 0;
	bytes = mm->val[ZS_MM_COMPR_DATA_SIZE];
	bytes = bytes > zs_mul_sat(huge, page) ? bytes - huge * page : 0;
	if (!small || !bytes)
		return;
	avg = bytes / small;
	/*
	 * mm_stat has no distribution of the objects' sizes: they are taken
	 * as spread evenly over [avg / 2, 3 * avg / 2] (capped below a page),
	 * each size in a class, each class holding its share of the objects.
	 * Wider, every class of a real pool would be taken as in use (on the
	 * 6.1, 6.12 and 7.3 captures the tails came out 1.6 to 6 times what
	 * compaction left); see bench/estimate for how this fares.
	 */
	lo = avg / 2;
	hi = avg + avg / 2 + 1;
	if (hi > page - HANDLE_SIZE)
		hi = page - HANDLE_SIZE;
	if (lo >= hi)
		lo = hi - 1;
	span = (double)(hi - lo);
	/*
	 * Length by length, but a run of lengths of one class index at once
	 * (its rounding summed in closed form): a live zsctl top derives every
	 * device each frame, and a byte at a time cost some 27,000
	 * instructions per device.
	 */
	for (uint64_t len = lo, end; len <= hi; len = end) {
		const struct class_shape *c = len < hi ? class_of(t, len) : NULL;

		end = c ? index_end(t, len, hi) : hi + 1;
		if (c) {
			/* sum of (size - x) for x in [len, end): an integer, exactly */
			uint64_t run = end - len, sum = run * c->size - (len + end - 1) * run / 2;

			rounding += (double)sum;
		}
		if (prev) {
			/* the objects of the class before, and its partly used zspage */
			double n = (double)small * (double)(len - prev_from) / span;
			double zspage = (double)prev->objs * prev->size;

			if (prev->objs > 1) {
				if (n >= prev->objs)
					tails += zspage / 2.0 * (prev->objs - 1) / prev->objs;
				else if (n >= 1)
					tails += ((double)prev->objs - n) * prev->size;
				else
					tails += n * ((double)prev->objs - 1) * prev->size;
			}
		}
		prev = c;
		prev_from = len;
	}
	k.rounding = (uint64_t)(rounding / span * (double)small);
	k.tails = (uint64_t)tails;
	k.total = zs_add_sat(k.rounding, k.tails);
	k.valid = true;
	*ret = k;
}

void zs_device_derive_learned(const struct zs_device *dev, const struct zs_pool *pool,
			      const struct zs_state_device *learned, uint64_t page,
			      struct zs_derived *ret)
{
	const struct zs_stat *mm = &dev->mm;
	struct zs_derived d = { 0 };
	struct zs_kept kept;

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
	zs_estimate_kept(mm, page, &kept);
	if (pool) {
		uint64_t waste;

		zs_pool_derive(pool, &d.fragmentation, &waste);
		d.has_fragmentation = d.fragmentation_exact = true;
	} else if (d.has_overhead && mm->val[ZS_MM_MEM_USED_TOTAL]) {
		/* unused slots, as the classes count it: the rounding is no fragmentation */
		uint64_t unused = d.overhead > kept.rounding ? d.overhead - kept.rounding : 0;

		d.fragmentation = (double)unused / (double)mm->val[ZS_MM_MEM_USED_TOTAL];
		d.has_fragmentation = true;
	}
	if (pool && pool->has_freeable) {
		/* the kernel's own zs_can_compact(), summed over classes */
		d.compactable = zs_freeable_bytes(&pool->total, page);
		d.has_compactable = d.compactable_exact = true;
		d.basis = ZS_BASIS_CLASSES;
	} else if (d.has_overhead) {
		uint64_t keep = kept.total;

		d.basis = kept.valid ? ZS_BASIS_MODEL : ZS_BASIS_OVERHEAD;
		/*
		 * What the last compaction of this device left is what it
		 * could not free: scaled by the data since, and never below
		 * the model's partly used zspages (nor what was left), which do
		 * not shrink with it.
		 */
		if (learned && learned->has_left && learned->left_compr) {
			double scaled = (double)learned->left * (double)mm->val[ZS_MM_COMPR_DATA_SIZE] /
					(double)learned->left_compr;
			uint64_t tails = kept.tails < learned->left ? kept.tails : learned->left;

			keep = scaled >= 1.8e19 ? UINT64_MAX : (uint64_t)scaled;
			/* less data: the rounding shrinks with it, the partly used zspages do not */
			if (keep < tails)
				keep = tails;
			d.learned_left = learned->left;
			d.basis = ZS_BASIS_LEARNED;
		}
		d.kept = keep;
		d.compactable = d.overhead > keep ? (d.overhead - keep) / page * page : 0;
		d.has_compactable = true;
	}
	*ret = d;
}

void zs_device_derive(const struct zs_device *dev, const struct zs_pool *pool, uint64_t page,
		      struct zs_derived *ret)
{
	zs_device_derive_learned(dev, pool, NULL, page, ret);
}
