// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Derived values (ratio, overhead, fragmentation, compactable) from the 6.1
 * and 6.12 captures, checked against what compaction really freed there.
 */
#include "config.h"

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
static void test_device_estimate(void **state)
{
	static const struct {
		const char *rel;
		double ratio;
		uint64_t overhead;
		double frag;
		uint64_t compactable_4k;
	} cases[] = {
		{ K612 "zram0.mm_stat.after_discard", 2.0261873217885098, 12209924,
		  0.42439329108236046, 12206080 },
		{ K61 "zram0.mm_stat.after_discard", 1.9483575192921434, 9152237,
		  0.34701550882561344, 9150464 },
		{ K612 "zram0.mm_stat.after_write", 2.0161922415813538, 1666215,
		  1666215.0 / 34951168.0, 1662976 },
	};
	struct zs_ctx *ctx = ctx_new();
	uint64_t page = zs_ctx_page_size(ctx);

	assert_true(page >= 4096 && (page & (page - 1)) == 0);
	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		struct zs_device dev;
		struct zs_derived d;

		device_from(cases[i].rel, &dev);
		memset(&d, 0x5a, sizeof(d));
		zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
		assert_true(d.has_ratio);
		assert_float_equal(d.ratio, cases[i].ratio, EPS);
		assert_true(d.has_overhead);
		assert_u64_equal(d.overhead, cases[i].overhead);
		assert_u64_equal(d.overhead, dev.mm.val[ZS_MM_MEM_USED_TOTAL] -
						     dev.mm.val[ZS_MM_COMPR_DATA_SIZE]);
		assert_true(d.has_fragmentation);
		assert_false(d.fragmentation_exact);
		assert_float_equal(d.fragmentation, cases[i].frag, EPS);
		assert_true(d.has_compactable);
		assert_false(d.compactable_exact);
		/* the overhead rounded down to whole pages */
		assert_u64_equal(d.compactable, cases[i].overhead / page * page);
		assert_true(d.compactable <= d.overhead && d.overhead - d.compactable < page);
		assert_int_equal(d.compactable % page, 0);
		if (page == CAPTURE_PAGE)
			assert_u64_equal(d.compactable, cases[i].compactable_4k);
	}
	zs_ctx_free(ctx);
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
		/* and the estimate from mm_stat alone is an upper bound of it */
		zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
		assert_false(d.compactable_exact);
		if (page == CAPTURE_PAGE)
			assert_true(d.compactable >= after.val[ZS_MM_PAGES_COMPACTED] * page);

		/* huge_pages counts the objects of the page-sized class */
		assert_u64_equal(before.val[ZS_MM_HUGE_PAGES], find_class(&pool, 254)->obj_used);
		zs_pool_clear(&pool);
	}
	zs_ctx_free(ctx);
}

static void test_device_edges(void **state)
{
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

	/* an overhead of exactly three pages is all compactable */
	dev.mm.val[ZS_MM_COMPR_DATA_SIZE] = 5000;
	dev.mm.val[ZS_MM_MEM_USED_TOTAL] = 5000 + 3 * page;
	zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
	assert_u64_equal(d.overhead, 3 * page);
	assert_u64_equal(d.compactable, 3 * page);
	/* one byte less is two */
	dev.mm.val[ZS_MM_MEM_USED_TOTAL] = 5000 + 3 * page - 1;
	zs_device_derive(&dev, NULL, zs_ctx_page_size(ctx), &d);
	assert_u64_equal(d.compactable, 2 * page);

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
	assert_u64_equal(d.compactable, 12209924 / page * page);
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
		assert_u64_equal(d.compactable, 12209924 / pages[i] * pages[i]);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_derive),
		cmocka_unit_test(test_pool_derive),
		cmocka_unit_test(test_device_uninitialised),
		cmocka_unit_test(test_device_estimate),
		cmocka_unit_test(test_device_exact),
		cmocka_unit_test(test_freeable_matches_compaction),
		cmocka_unit_test(test_device_edges),
		cmocka_unit_test(test_device_pool_without_freeable),
		cmocka_unit_test(test_device_page_size),
		cmocka_unit_test(test_saturating_arithmetic),
		cmocka_unit_test(test_freeable_saturates),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("derive", tests, NULL, NULL);
}
