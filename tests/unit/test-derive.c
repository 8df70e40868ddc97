// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Derived values (ratio, overhead, fragmentation, compactable) from the 6.1
 * and 6.12 captures, checked against what compaction really freed there.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

/* the captures come from x86_64 kernels */
#define CAPTURE_PAGE 4096

#define EPS 1e-12

static void load_mm(const char *rel, struct zs_stat *st)
{
	char *s = unit_load(rel, NULL);

	assert_errno(zs_parse_mm_stat(s, st), 0);
	free(s);
}

static void load_pool(const char *rel, struct zs_pool *pool)
{
	char *s = unit_load(rel, NULL);

	memset(pool, 0, sizeof(*pool));
	snprintf(pool->name, sizeof(pool->name), "%s", "zram0");
	assert_errno(zs_parse_classes(s, pool), 0);
	free(s);
}

static void device_from(const char *mm_rel, struct zs_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", "zram0");
	dev->initialised = true;
	dev->disksize = 268435456;
	load_mm(mm_rel, &dev->mm);
}

static const struct zs_class *find_class(const struct zs_pool *pool, unsigned int index)
{
	for (size_t i = 0; i < pool->nclasses; i++)
		if (pool->classes[i].index == index)
			return &pool->classes[i];
	fail_msg("no class %u", index);
	return NULL;
}

static struct zs_ctx *ctx_new(void)
{
	struct zs_ctx *ctx = NULL;

	assert_errno(zs_ctx_new("/", &ctx), 0);
	assert_non_null(ctx);
	assert_true(zs_ctx_is_live(ctx));
	return ctx;
}

/* ---- classes ------------------------------------------------------------- */

static void test_class_derive(void **state)
{
	struct zs_pool p612, p61;
	double frag = -1;
	uint64_t waste = 1;

	load_pool(K612 "zs.zram0.classes.after_discard", &p612);
	load_pool(K61 "zs.zram0.classes.after_discard", &p61);

	/* 6.12 class 225: 3632-byte objects, 153 allocated, 85 used */
	zs_class_derive(find_class(&p612, 225), &frag, &waste);
	assert_float_equal(frag, 68.0 / 153.0, EPS);
	assert_u64_equal(waste, 246976); /* 68 * 3632 */

	/* 6.1 class 144: 2336-byte objects, 917 allocated, 429 used */
	zs_class_derive(find_class(&p61, 144), &frag, &waste);
	assert_float_equal(frag, 0.53217011995637953, EPS);
	assert_u64_equal(waste, 1139968); /* 488 * 2336 */

	/* the huge class is always full */
	zs_class_derive(find_class(&p612, 254), &frag, &waste);
	assert_float_equal(frag, 0.0, EPS);
	assert_u64_equal(waste, 0);

	/* an empty class: no division by zero */
	frag = -1;
	waste = 1;
	zs_class_derive(find_class(&p612, 0), &frag, &waste);
	assert_float_equal(frag, 0.0, EPS);
	assert_u64_equal(waste, 0);

	/* a hand-made class where everything is free */
	{
		const struct zs_class c = { .index = 7,
					    .size = 144,
					    .obj_allocated = 28,
					    .obj_used = 0,
					    .pages_used = 1,
					    .pages_per_zspage = 1 };

		zs_class_derive(&c, &frag, &waste);
		assert_float_equal(frag, 1.0, EPS);
		assert_u64_equal(waste, 28 * 144);
	}
	zs_pool_clear(&p612);
	zs_pool_clear(&p61);
}

static void test_pool_derive(void **state)
{
	static const struct {
		const char *rel;
		double frag;
		uint64_t waste;
	} cases[] = {
		{ K612 "zs.zram0.classes.after_discard", 0.41530623846339049, 11922864 },
		{ K612 "zs.zram0.classes.after_compact", 0.070691833035997423, 1276880 },
		{ K612 "zs.zram0.classes.after_write", 0.032994005467585914, 1151088 },
		{ K612 "zs.zram0.classes.empty", 0.0, 0 },
		{ K61 "zs.zram0.classes.after_discard", 0.3287672065724988, 8652064 },
		{ K61 "zs.zram0.classes.after_compact", 0.018843929711182386, 339264 },
		{ K61 "zs.zram0.classes.after_write", 0.0086542744021010053, 309968 },
		{ K61 "zs.zram0.classes.empty", 0.0, 0 },
	};

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		struct zs_pool pool;
		double frag = -1;
		uint64_t waste = 1;

		load_pool(cases[i].rel, &pool);
		zs_pool_derive(&pool, &frag, &waste);
		if (frag < cases[i].frag - EPS || frag > cases[i].frag + EPS)
			fail_msg("%s: fragmentation %.17g, expected %.17g", cases[i].rel, frag,
				 cases[i].frag);
		assert_u64_equal(waste, cases[i].waste);
		zs_pool_clear(&pool);
	}

	/* one class: 1 - used/allocated */
	{
		struct zs_class c = { .index = 225,
				      .size = 3632,
				      .obj_allocated = 153,
				      .obj_used = 85,
				      .pages_used = 136,
				      .pages_per_zspage = 8 };
		struct zs_pool pool = { .classes = &c, .nclasses = 1 };
		double frag;
		uint64_t waste;

		zs_pool_derive(&pool, &frag, &waste);
		assert_float_equal(frag, 1.0 - 85.0 / 153.0, EPS);
		assert_u64_equal(waste, 246976);
	}
	/* no classes at all */
	{
		struct zs_pool pool = { .classes = NULL, .nclasses = 0 };
		double frag = -1;
		uint64_t waste = 1;

		zs_pool_derive(&pool, &frag, &waste);
		assert_float_equal(frag, 0.0, EPS);
		assert_u64_equal(waste, 0);
	}
}

/* ---- devices ------------------------------------------------------------- */

static void test_device_uninitialised(void **state)
{
	struct zs_ctx *ctx = ctx_new();
	struct zs_device dev;
	struct zs_derived d;
	struct zs_pool pool;

	device_from(K612 "zram0.mm_stat.after_discard", &dev);
	dev.initialised = false;
	load_pool(K612 "zs.zram0.classes.after_discard", &pool);
	memset(&d, 0x5a, sizeof(d));
	zs_device_derive(&dev, &pool, zs_ctx_page_size(ctx), &d);
	assert_false(d.has_ratio);
	assert_false(d.has_overhead);
	assert_false(d.has_fragmentation);
	assert_false(d.fragmentation_exact);
	assert_false(d.has_compactable);
	assert_false(d.compactable_exact);
	assert_u64_equal(d.overhead, 0);
	assert_u64_equal(d.compactable, 0);
	zs_pool_clear(&pool);
	zs_ctx_free(ctx);
}

/* Without class statistics: estimates from mm_stat alone. */
/*
 * Without class statistics: mm_stat's overhead less what the model says
 * compaction keeps, set beside what the kernel's classes said at the same
 * moment (freeable pages, and fragmentation) in the same captures.
 */
static void test_device_estimate(void **state)
{
	static const struct {
		const char *rel;
		double ratio;
		uint64_t overhead;
		double frag;	     /* the classes' own, at the same moment */
		uint64_t freeable;   /* the classes' own, pages */
	} cases[] = {
		{ K612 "zram0.mm_stat.after_discard", 2.0261873217885098, 12209924,
		  0.41530623846339049, 2606 },
		{ K61 "zram0.mm_stat.after_discard", 1.9483575192921434, 9152237,
		  0.3287672065724988, 2036 },
		/* written once, nothing freed: the old estimate said 1.6M */
		{ K612 "zram0.mm_stat.after_write", 2.0161922415813538, 1666215, -1, 0 },
	};
	struct zs_kept kept;
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);

	(void)state;
	assert_true(page >= 4096 && (page & (page - 1)) == 0);
	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		struct zs_device dev;
		struct zs_derived d;

		device_from(cases[i].rel, &dev);
		memset(&d, 0x5a, sizeof(d));
		zs_device_derive(&dev, NULL, page, &d);
		assert_true(d.has_ratio);
		assert_float_equal(d.ratio, cases[i].ratio, EPS);
		assert_true(d.has_overhead);
		assert_u64_equal(d.overhead, cases[i].overhead);
		assert_u64_equal(d.overhead, dev.mm.val[ZS_MM_MEM_USED_TOTAL] -
						     dev.mm.val[ZS_MM_COMPR_DATA_SIZE]);
		assert_true(d.has_fragmentation);
		assert_false(d.fragmentation_exact);
		assert_true(d.has_compactable);
		assert_false(d.compactable_exact);
		/* the overhead less what the model says compaction keeps, in whole pages */
		assert_int_equal(d.basis, ZS_BASIS_MODEL);
		zs_estimate_kept(&dev.mm, page, &kept);
		assert_true(kept.valid);
		assert_u64_equal(d.kept, kept.total);
		assert_u64_equal(kept.total, kept.rounding + kept.tails);
		assert_u64_equal(d.compactable,
				 d.overhead > kept.total ? (d.overhead - kept.total) / page * page : 0);
		assert_int_equal(d.compactable % page, 0);
		/* fragmentation: the unused slots, without the rounding */
		assert_float_equal(d.fragmentation,
				   (double)(d.overhead - kept.rounding) /
					   (double)dev.mm.val[ZS_MM_MEM_USED_TOTAL],
				   EPS);
		if (page != CAPTURE_PAGE)
			continue;
		/* against the kernel: within 30% of its freeable, and under 1M where it is 0 */
		if (cases[i].freeable) {
			double want = (double)(cases[i].freeable * page);

			if (d.compactable < 0.7 * want || d.compactable > 1.3 * want)
				fail_msg("%s: estimate %" PRIu64 ", the classes' freeable %.0f",
					 cases[i].rel, d.compactable, want);
			assert_float_equal(d.fragmentation, cases[i].frag, 0.05);
		} else {
			assert_true(d.compactable < 1024 * 1024);
		}
	}
	zs_ctx_free(ctx);
}

/*
 * The learned floor: on the 6.12 capture, what the compaction left
 * (after_compact) taken from the overhead before it (after_discard) gives
 * exactly the classes' freeable before it, 2606 pages.
 */
static void test_device_learned(void **state)
{
	struct zs_device dev, after;
	struct zs_state_device rec = { .name = "zram0" };
	struct zs_derived d, model;
	struct zs_kept kept;
	uint64_t page = CAPTURE_PAGE;

	(void)state;
	device_from(K612 "zram0.mm_stat.after_compact", &after);
	device_from(K612 "zram0.mm_stat.after_discard", &dev);
	rec.left = after.mm.val[ZS_MM_MEM_USED_TOTAL] - after.mm.val[ZS_MM_COMPR_DATA_SIZE];
	rec.left_compr = after.mm.val[ZS_MM_COMPR_DATA_SIZE];
	rec.has_left = true;
	assert_u64_equal(rec.left, 1535748);

	zs_device_derive_learned(&dev, NULL, &rec, page, &d);
	assert_int_equal(d.basis, ZS_BASIS_LEARNED);
	assert_false(d.compactable_exact);
	assert_u64_equal(d.learned_left, 1535748);
	assert_u64_equal(d.kept, 1535748); /* compr_data_size did not move */
	assert_u64_equal(d.compactable, 2606 * page);
	/* right after the compaction: nothing (the old estimate said 1.5M) */
	zs_device_derive_learned(&after, NULL, &rec, page, &d);
	assert_u64_equal(d.compactable, 0);

	/* without a record, or one with nothing learned: the model */
	zs_device_derive(&dev, NULL, page, &model);
	rec.has_left = false;
	zs_device_derive_learned(&dev, NULL, &rec, page, &d);
	assert_int_equal(d.basis, ZS_BASIS_MODEL);
	assert_u64_equal(d.compactable, model.compactable);
	rec.has_left = true;

	/* scaled by the data: twice the data, twice the floor */
	rec.left_compr /= 2;
	zs_device_derive_learned(&dev, NULL, &rec, page, &d);
	assert_u64_equal(d.kept, 2 * 1535748);
	assert_u64_equal(d.compactable, (d.overhead - d.kept) / page * page);
	/* a tenth of the data: never below the model's partly used zspages */
	rec.left_compr = dev.mm.val[ZS_MM_COMPR_DATA_SIZE] * 10;
	zs_device_derive_learned(&dev, NULL, &rec, page, &d);
	zs_estimate_kept(&dev.mm, page, &kept);
	assert_true(kept.tails > 153574);
	assert_u64_equal(d.kept, kept.tails);

	/* class statistics win over anything learned */
	{
		struct zs_pool pool;

		load_pool(K612 "zs.zram0.classes.after_discard", &pool);
		zs_device_derive_learned(&dev, &pool, &rec, page, &d);
		assert_int_equal(d.basis, ZS_BASIS_CLASSES);
		assert_true(d.compactable_exact);
		assert_u64_equal(d.compactable, 2606 * page);
		zs_pool_clear(&pool);
	}
	/* an uninitialised device has nothing */
	dev.initialised = false;
	zs_device_derive_learned(&dev, NULL, &rec, page, &d);
	assert_false(d.has_compactable);
	assert_int_equal(d.basis, ZS_BASIS_NONE);
}

/* The model alone: nothing to model, and what a same-filled or huge page costs. */
static void test_estimate_kept(void **state)
{
	struct zs_stat mm = { 0 };
	struct zs_kept k;

	(void)state;
	/* nothing stored, or no column to model from */
	zs_estimate_kept(&mm, 4096, &k);
	assert_false(k.valid);
	assert_u64_equal(k.total, 0);
	assert_errno(zs_parse_mm_stat("0 0 0 0 0 0 0 0 0\n", &mm), 0);
	zs_estimate_kept(&mm, 4096, &k);
	assert_false(k.valid);
	/* only same-filled and huge pages: no object in a small class, nothing kept */
	assert_errno(zs_parse_mm_stat("8192000 4096000 4096000 0 4096000 1000 0 1000 1000\n",
				      &mm), 0);
	zs_estimate_kept(&mm, 4096, &k);
	assert_false(k.valid);
	/* a page size zsmalloc's class table cannot have */
	assert_errno(zs_parse_mm_stat("4096000 1000000 1200000 0 1200000 0 0 0 0\n", &mm), 0);
	zs_estimate_kept(&mm, 2048, &k);
	assert_false(k.valid);
	/* 1000 objects of about 1000 bytes: rounding of 8 to 24 bytes each (handle, half a step) */
	zs_estimate_kept(&mm, 4096, &k);
	assert_true(k.valid);
	assert_true(k.rounding >= 1000 * 8 && k.rounding <= 1000 * 40);
	/*
	 * fewer objects than a zspage holds in each class: a zspage each,
	 * mostly empty; no more than a page an object
	 */
	assert_true(k.tails > 100000 && k.tails < 1000 * 4096);
	/* huge pages do not count as small objects: the same small ones, more huge */
	{
		struct zs_stat more;
		struct zs_kept k2;

		assert_errno(zs_parse_mm_stat("8192000 5096000 5200000 0 5200000 0 0 1000 1000\n",
					      &more), 0);
		zs_estimate_kept(&more, 4096, &k2);
		assert_true(k2.valid);
		assert_u64_equal(k2.rounding, k.rounding);
		assert_u64_equal(k2.tails, k.tails);
	}
	/* 16K and 64K pages have class tables too */
	zs_estimate_kept(&mm, 16384, &k);
	assert_true(k.valid);
	zs_estimate_kept(&mm, 65536, &k);
	assert_true(k.valid);
}

/* With class statistics: the kernel's own freeable, and fragmentation from the classes. */
static void test_device_exact(void **state)
{
	static const struct {
		const char *mm, *classes;
		double ratio, frag;
		uint64_t overhead, freeable;
	} cases[] = {
		{ K612 "zram0.mm_stat.after_discard", K612 "zs.zram0.classes.after_discard",
		  2.0261873217885098, 0.41530623846339049, 12209924, 2606 },
		{ K61 "zram0.mm_stat.after_discard", K61 "zs.zram0.classes.after_discard",
		  1.9483575192921434, 0.3287672065724988, 9152237, 2036 },
	};
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		struct zs_device dev;
		struct zs_derived d;
		struct zs_pool pool;

		device_from(cases[i].mm, &dev);
		load_pool(cases[i].classes, &pool);
		assert_true(pool.has_freeable);
		assert_u64_equal(pool.total.freeable, cases[i].freeable);
		memset(&d, 0x5a, sizeof(d));
		zs_device_derive(&dev, &pool, zs_ctx_page_size(ctx), &d);
		assert_true(d.has_ratio);
		assert_float_equal(d.ratio, cases[i].ratio, EPS);
		assert_true(d.has_overhead);
		assert_u64_equal(d.overhead, cases[i].overhead);
		assert_true(d.has_fragmentation);
		assert_true(d.fragmentation_exact);
		assert_float_equal(d.fragmentation, cases[i].frag, EPS);
		assert_true(d.has_compactable);
		assert_true(d.compactable_exact);
		assert_u64_equal(d.compactable, cases[i].freeable * page);
		zs_pool_clear(&pool);
	}
	zs_ctx_free(ctx);
}

/*
 * kernel-abi/README.md: the Total freeable just before compaction is what
 * compaction then freed (pages_compacted, mm_stat column 7), and it is exactly
 * the drop of mem_used_total.
 */
static void test_freeable_matches_compaction(void **state)
{
	static const char *const kernels[] = { K61, K612 };
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);

	for (unsigned int k = 0; k < UNIT_N(kernels); k++) {
		char *rel;
		struct zs_stat before, after;
		struct zs_pool pool;
		struct zs_device dev;
		struct zs_derived d;

		rel = unit_printf("%szram0.mm_stat.after_discard", kernels[k]);
		load_mm(rel, &before);
		free(rel);
		rel = unit_printf("%szram0.mm_stat.after_compact", kernels[k]);
		load_mm(rel, &after);
		free(rel);
		rel = unit_printf("%szs.zram0.classes.after_discard", kernels[k]);
		load_pool(rel, &pool);
		free(rel);

		assert_true(zs_stat_has(&after, ZS_MM_PAGES_COMPACTED));
		assert_u64_equal(before.val[ZS_MM_PAGES_COMPACTED], 0);
		assert_u64_equal(pool.total.freeable, after.val[ZS_MM_PAGES_COMPACTED]);
		assert_u64_equal(pool.total.freeable * CAPTURE_PAGE,
				 before.val[ZS_MM_MEM_USED_TOTAL] -
					 after.val[ZS_MM_MEM_USED_TOTAL]);
		/* compaction moves objects, it does not change the data */
		assert_u64_equal(before.val[ZS_MM_COMPR_DATA_SIZE],
				 after.val[ZS_MM_COMPR_DATA_SIZE]);

		/* so the exact compactable is what compaction achieved */
		memset(&dev, 0, sizeof(dev));
		dev.initialised = true;
		dev.mm = before;
		zs_device_derive(&dev, &pool, zs_ctx_page_size(ctx), &d);
		assert_true(d.compactable_exact);
		assert_u64_equal(d.compactable, after.val[ZS_MM_PAGES_COMPACTED] * page);
		/* and the estimate from mm_stat alone is within 30% of it */
		zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
		assert_false(d.compactable_exact);
		if (page == CAPTURE_PAGE) {
			double freed = (double)(after.val[ZS_MM_PAGES_COMPACTED] * page);

			assert_true(d.compactable >= 0.7 * freed && d.compactable <= 1.3 * freed);
		}
		/* and from what that compaction left, exactly what it freed */
		{
			struct zs_state_device rec = {
				.left = after.val[ZS_MM_MEM_USED_TOTAL] -
					after.val[ZS_MM_COMPR_DATA_SIZE],
				.left_compr = after.val[ZS_MM_COMPR_DATA_SIZE],
				.has_left = true,
			};

			zs_device_derive_learned(&dev, NULL, &rec, CAPTURE_PAGE, &d);
			assert_u64_equal(d.compactable,
					 after.val[ZS_MM_PAGES_COMPACTED] * CAPTURE_PAGE);
		}

		/* huge_pages counts the objects of the page-sized class */
		assert_u64_equal(before.val[ZS_MM_HUGE_PAGES], find_class(&pool, 254)->obj_used);
		zs_pool_clear(&pool);
	}
	zs_ctx_free(ctx);
}

static void test_device_edges(void **state)
{
	struct zs_kept kept;
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);
	struct zs_device dev;
	struct zs_derived d;

	/* an initialised device with nothing written */
	device_from(K612 "zram0.mm_stat.empty", &dev);
	memset(&d, 0x5a, sizeof(d));
	zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
	assert_false(d.has_ratio);
	assert_true(d.has_overhead);
	assert_u64_equal(d.overhead, 0);
	assert_false(d.has_fragmentation);
	assert_true(d.has_compactable);
	assert_false(d.compactable_exact);
	assert_u64_equal(d.compactable, 0);

	/* pages counted before the bytes: mem_used_total below compr_data_size */
	dev.mm.val[ZS_MM_ORIG_DATA_SIZE] = 8192;
	dev.mm.val[ZS_MM_COMPR_DATA_SIZE] = 5000;
	dev.mm.val[ZS_MM_MEM_USED_TOTAL] = 4096;
	zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
	assert_true(d.has_ratio);
	assert_float_equal(d.ratio, 8192.0 / 5000.0, EPS);
	assert_true(d.has_overhead);
	assert_u64_equal(d.overhead, 0);
	assert_true(d.has_fragmentation);
	assert_float_equal(d.fragmentation, 0.0, EPS);
	assert_u64_equal(d.compactable, 0);

	/* what the model keeps is taken from the overhead, the rest in whole pages */
	dev.mm.val[ZS_MM_COMPR_DATA_SIZE] = 5000;
	zs_estimate_kept(&dev.mm, page, &kept);
	assert_true(kept.valid && kept.total > 0);
	dev.mm.val[ZS_MM_MEM_USED_TOTAL] = 5000 + kept.total + 3 * page;
	zs_device_derive(&dev, NULL, page, &d);
	assert_u64_equal(d.overhead, kept.total + 3 * page);
	assert_u64_equal(d.compactable, 3 * page);
	/* one byte less is two */
	dev.mm.val[ZS_MM_MEM_USED_TOTAL]--;
	zs_device_derive(&dev, NULL, page, &d);
	assert_u64_equal(d.compactable, 2 * page);
	/* an overhead below what the model keeps: nothing */
	dev.mm.val[ZS_MM_MEM_USED_TOTAL] = 5000 + kept.total;
	zs_device_derive(&dev, NULL, page, &d);
	assert_u64_equal(d.compactable, 0);

	/* without the columns nothing can be derived */
	dev.mm.present = UINT32_C(1) << ZS_MM_ORIG_DATA_SIZE;
	memset(&d, 0x5a, sizeof(d));
	zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
	assert_false(d.has_ratio);
	assert_false(d.has_overhead);
	assert_false(d.has_fragmentation);
	assert_false(d.has_compactable);
	zs_ctx_free(ctx);
}

/* A pool from a kernel without freeable: fragmentation exact, compactable estimated. */
static void test_device_pool_without_freeable(void **state)
{
	struct zs_kept kept;
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);
	struct zs_device dev;
	struct zs_derived d;
	struct zs_pool pool;

	device_from(K612 "zram0.mm_stat.after_discard", &dev);
	load_pool(K612 "zs.zram0.classes.after_discard", &pool);
	pool.has_freeable = false;
	pool.total.freeable = 0;
	zs_device_derive(&dev, &pool, zs_ctx_page_size(ctx), &d);
	assert_true(d.has_fragmentation);
	assert_true(d.fragmentation_exact);
	assert_float_equal(d.fragmentation, 0.41530623846339049, EPS);
	assert_true(d.has_compactable);
	assert_false(d.compactable_exact);
	assert_int_equal(d.basis, ZS_BASIS_MODEL);
	zs_estimate_kept(&dev.mm, page, &kept);
	assert_u64_equal(d.compactable, (12209924 - kept.total) / page * page);
	zs_pool_clear(&pool);
	zs_ctx_free(ctx);
}

/*
 * The page size is the caller's (a dump's, learnt from its classes), not
 * this machine's: a dump of a 64 KiB-page machine derives in 64 KiB pages.
 */
static void test_device_page_size(void **state)
{
	static const uint64_t pages[] = { 4096, 16384, 65536 };
	struct zs_kept kept;
	struct zs_device dev;
	struct zs_derived d;
	struct zs_pool pool;

	device_from(K612 "zram0.mm_stat.after_discard", &dev);
	load_pool(K612 "zs.zram0.classes.after_discard", &pool);
	for (unsigned int i = 0; i < UNIT_N(pages); i++) {
		zs_device_derive(&dev, &pool, pages[i], &d);
		assert_true(d.compactable_exact);
		assert_u64_equal(d.compactable, 2606 * pages[i]);
		zs_device_derive(&dev, NULL, pages[i], &d);
		assert_false(d.compactable_exact);
		/*
		 * 4K pages' counts read as larger pages: more huge pages' bytes
		 * than compressed bytes, nothing to model, the whole overhead
		 */
		zs_estimate_kept(&dev.mm, pages[i], &kept);
		assert_int_equal(kept.valid, pages[i] == 4096);
		assert_int_equal(d.basis, kept.valid ? ZS_BASIS_MODEL : ZS_BASIS_OVERHEAD);
		assert_u64_equal(d.compactable, (12209924 - kept.total) / pages[i] * pages[i]);
	}
	zs_pool_clear(&pool);
}

/* ---- saturation -------------------------------------------------------------- */

static void test_saturating_arithmetic(void **state)
{
	static const struct {
		uint64_t a, b, product, sum;
	} cases[] = {
		{ 0, 0, 0, 0 },
		{ 0, UINT64_MAX, 0, UINT64_MAX },
		{ UINT64_MAX, 0, 0, UINT64_MAX },
		{ 1, UINT64_MAX, UINT64_MAX, UINT64_MAX },
		{ UINT64_MAX, 1, UINT64_MAX, UINT64_MAX },
		{ 4096, 3, 12288, 4099 },
		/* 2^52 pages of 4 KiB: 2^64, one past the largest */
		{ UINT64_C(1) << 52, 4096, UINT64_MAX, (UINT64_C(1) << 52) + 4096 },
		{ (UINT64_C(1) << 52) - 1, 4096, UINT64_MAX - 4095, (UINT64_C(1) << 52) + 4095 },
		{ UINT64_C(1) << 62, 4096, UINT64_MAX, (UINT64_C(1) << 62) + 4096 },
		{ UINT64_C(1) << 32, UINT64_C(1) << 32, UINT64_MAX, UINT64_C(1) << 33 },
		{ UINT64_C(0xffffffff), UINT64_C(0xffffffff), UINT64_C(0xfffffffe00000001),
		  UINT64_C(0x1fffffffe) },
		{ UINT64_MAX / 3, 3, UINT64_MAX, UINT64_MAX / 3 + 3 },
		{ UINT64_MAX / 3 + 1, 3, UINT64_MAX, UINT64_MAX / 3 + 4 },
		{ UINT64_MAX - 1, 1, UINT64_MAX - 1, UINT64_MAX },
		{ UINT64_MAX - 1, 2, UINT64_MAX, UINT64_MAX },
		{ UINT64_C(1) << 63, UINT64_C(1) << 63, UINT64_MAX, UINT64_MAX },
		{ (UINT64_C(1) << 63) - 1, UINT64_C(1) << 63, UINT64_MAX, UINT64_MAX },
	};

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		uint64_t a = cases[i].a, b = cases[i].b;

		if (zs_mul_sat(a, b) != cases[i].product || zs_mul_sat(b, a) != cases[i].product)
			fail_msg("zs_mul_sat(%llu, %llu) = %llu, expected %llu", (unsigned long long)a,
				 (unsigned long long)b, (unsigned long long)zs_mul_sat(a, b),
				 (unsigned long long)cases[i].product);
		if (zs_add_sat(a, b) != cases[i].sum || zs_add_sat(b, a) != cases[i].sum)
			fail_msg("zs_add_sat(%llu, %llu) = %llu, expected %llu", (unsigned long long)a,
				 (unsigned long long)b, (unsigned long long)zs_add_sat(a, b),
				 (unsigned long long)cases[i].sum);
	}
}

/*
 * A garbled or hostile classes file with a freeable near 2^62 pages: every
 * byte figure saturates at 2^64 - 1, it never wraps to a small number (the
 * review's 4096 bytes for 2^62 pages of 64 KiB).
 */
static void test_freeable_saturates(void **state)
{
	static const uint64_t pages[] = { 4096, 65536 };
	struct zs_class c = { .freeable = UINT64_C(1) << 62 };
	struct zs_class total = { 0 };
	struct zs_pool pool = { .classes = &c, .nclasses = 1, .has_freeable = true };
	struct zs_device dev;
	struct zs_derived d;

	for (unsigned int i = 0; i < UNIT_N(pages); i++) {
		assert_u64_equal(zs_freeable_bytes(&c, pages[i]), UINT64_MAX);
		pool.total = c;
		device_from(K612 "zram0.mm_stat.after_discard", &dev);
		zs_device_derive(&dev, &pool, pages[i], &d);
		assert_true(d.has_compactable && d.compactable_exact);
		assert_u64_equal(d.compactable, UINT64_MAX);
	}
	/* the largest that fits is exact */
	total.freeable = UINT64_MAX / 4096;
	assert_u64_equal(zs_freeable_bytes(&total, 4096), UINT64_MAX - 4095);
	total.freeable = UINT64_MAX / 4096 + 1;
	assert_u64_equal(zs_freeable_bytes(&total, 4096), UINT64_MAX);
	total.freeable = 0;
	assert_u64_equal(zs_freeable_bytes(&total, 65536), 0);
	total.freeable = 3;
	assert_u64_equal(zs_freeable_bytes(&total, 65536), 3 * 65536);
}

/*
 * zsmalloc's huge_class_size from the derived table = what the kernel's own
 * classes say: the largest class whose zspage has more than one page and
 * more than one object, less the handle but a byte (zs_create_pool()).
 */
static void test_huge_class_size(void **state)
{
	struct zs_pool pool;
	uint64_t want = 0;

	(void)state;
	load_pool(K612 "zs.zram0.classes.empty", &pool);
	for (size_t i = 0; i < pool.nclasses; i++) {
		const struct zs_class *c = &pool.classes[i];

		if (c->pages_per_zspage > 1 && c->pages_per_zspage * 4096 / c->size > 1 &&
		    c->size - 7 > want)
			want = c->size - 7;
	}
	zs_pool_clear(&pool);
	assert_u64_equal(want, 3625); /* class 225, 3632 bytes in zspages of 8 pages */
	assert_u64_equal(zs_huge_class_size(4096), want);
	assert_true(zs_huge_class_size(65536) > 4096 && zs_huge_class_size(65536) < 65536);
	assert_u64_equal(zs_huge_class_size(1000), 0);
	assert_u64_equal(zs_huge_class_size(0), 0);
	/* the table of another page size left the 4K one as it was */
	assert_u64_equal(zs_huge_class_size(4096), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_derive),
		cmocka_unit_test(test_pool_derive),
		cmocka_unit_test(test_device_uninitialised),
		cmocka_unit_test(test_device_estimate),
		cmocka_unit_test(test_device_learned),
		cmocka_unit_test(test_estimate_kept),
		cmocka_unit_test(test_device_exact),
		cmocka_unit_test(test_freeable_matches_compaction),
		cmocka_unit_test(test_device_edges),
		cmocka_unit_test(test_device_pool_without_freeable),
		cmocka_unit_test(test_device_page_size),
		cmocka_unit_test(test_saturating_arithmetic),
		cmocka_unit_test(test_freeable_saturates),
		cmocka_unit_test(test_huge_class_size),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("derive", tests, NULL, NULL);
}
