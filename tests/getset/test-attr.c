// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lib/attr.c: the attribute table's invariants, the parsing
 * and normalising of ATTR=VALUE, and the check of a line against a fixture
 * tree (read only: writes are tested by tests/getset/expected.sh on copies).
 */
/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zsctl.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_table(void **state)
{
	size_t n;
	const struct zs_attr *t = zs_attr_table(&n);

	(void)state;
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		/* a mainline version; NULL only for the Android kernels' spelling */
		if (!t[i].since)
			assert_string_equal(t[i].name, "writeback_compressed");
		assert_non_null(t[i].help);
		assert_true(t[i].mode & (ZS_ATTR_READ | ZS_ATTR_WRITE));
		assert_ptr_equal(zs_attr_find(t[i].name), &t[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].name, t[j].name);
		if (!(t[i].mode & ZS_ATTR_WRITE) || (t[i].flags & ZS_ATTR_NO_SET))
			continue;
		/* settable: a value description and an order of its own */
		assert_non_null(t[i].value_help);
		assert_true(t[i].order > 0);
		for (size_t j = 0; j < n; j++)
			if (j != i && (t[j].mode & ZS_ATTR_WRITE) && !(t[j].flags & ZS_ATTR_NO_SET))
				assert_int_not_equal(t[i].order, t[j].order);
		/* never both before and after initialisation */
		assert_false((t[i].flags & ZS_ATTR_NEEDS_UNINIT) &&
			     (t[i].flags & ZS_ATTR_NEEDS_INIT));
	}
	assert_null(zs_attr_find("nosuch"));
	assert_null(zs_attr_find(""));
}

static unsigned int order_of(const char *name)
{
	const struct zs_attr *a = zs_attr_find(name);

	assert_non_null(a);
	return a->order;
}

static void test_safe_order(void **state)
{
	(void)state;
	/* what needs an uninitialised device, then disksize, then the rest */
	assert_true(order_of("backing_dev") < order_of("disksize"));
	assert_true(order_of("comp_algorithm") < order_of("disksize"));
	assert_true(order_of("recomp_algorithm") < order_of("disksize"));
	assert_true(order_of("comp_algorithm") < order_of("algorithm_params"));
	assert_true(order_of("recomp_algorithm") < order_of("algorithm_params"));
	assert_true(order_of("algorithm_params") < order_of("disksize"));
	assert_true(order_of("disksize") < order_of("mem_limit"));
	assert_true(order_of("disksize") < order_of("idle"));
	assert_true(order_of("idle") < order_of("writeback"));
	assert_true(order_of("idle") < order_of("recompress"));
	assert_true(order_of("writeback_limit_enable") < order_of("writeback"));
	assert_true(order_of("writeback_limit") < order_of("writeback"));
}

struct parse_case {
	const char *arg;
	enum zs_set_problem problem;
	const char *value; /* what is written, when ok */
};

static const struct parse_case parse_cases[] = {
	{ "disksize=4G", ZS_SET_OK, "4294967296" },
	{ "disksize=1.5G", ZS_SET_OK, "1610612736" },
	{ "disksize=512MiB", ZS_SET_OK, "536870912" },
	{ "disksize=4096", ZS_SET_OK, "4096" },
	{ "disksize=0", ZS_SET_RANGE, NULL },
	{ "disksize=16E", ZS_SET_RANGE, NULL },
	{ "disksize=4X", ZS_SET_BAD_VALUE, NULL },
	{ "disksize=0x10", ZS_SET_BAD_VALUE, NULL },
	{ "disksize=", ZS_SET_EMPTY, NULL },
	{ "disksize", ZS_SET_SYNTAX, NULL },
	{ "=4G", ZS_SET_SYNTAX, NULL },
	{ "disksize=4G\n", ZS_SET_BAD_CHARS, NULL },
	{ "disksize=4 G", ZS_SET_BAD_CHARS, NULL },
	{ "disksize=\t4G", ZS_SET_BAD_CHARS, NULL },
	{ "disksize=-4G", ZS_SET_BAD_CHARS, NULL },
	{ "disksize=4G\x7f", ZS_SET_BAD_CHARS, NULL },
	{ "Disksize=4G", ZS_SET_UNKNOWN, NULL },
	{ "disk size=4G", ZS_SET_UNKNOWN, NULL },
	{ "../disksize=4G", ZS_SET_UNKNOWN, NULL },
	{ "nosuch=1", ZS_SET_UNKNOWN, NULL },
	{ "mm_stat=0", ZS_SET_READ_ONLY, NULL },
	{ "initstate=1", ZS_SET_READ_ONLY, NULL },
	{ "reset=1", ZS_SET_NOT_HERE, NULL },
	{ "compact=1", ZS_SET_NOT_HERE, NULL },
	{ "mem_limit=0", ZS_SET_OK, "0" },
	{ "mem_limit=1G", ZS_SET_OK, "1073741824" },
	{ "mem_used_max=0", ZS_SET_OK, "0" },
	{ "mem_used_max=1", ZS_SET_BAD_VALUE, NULL },
	{ "max_comp_streams=4", ZS_SET_OK, "4" },
	{ "max_comp_streams=0", ZS_SET_RANGE, NULL },
	{ "max_comp_streams=4294967296", ZS_SET_RANGE, NULL },
	{ "comp_algorithm=lzo-rle", ZS_SET_OK, "lzo-rle" },
	{ "comp_algorithm=zstd;", ZS_SET_BAD_VALUE, NULL },
	{ "comp_algorithm=[lz4]", ZS_SET_BAD_VALUE, NULL },
	{ "idle=all", ZS_SET_OK, "all" },
	{ "idle=1h30m", ZS_SET_OK, "5400" },
	{ "idle=600", ZS_SET_OK, "600" },
	{ "idle=some", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=idle", ZS_SET_OK, "idle" },
	{ "writeback=huge_idle", ZS_SET_OK, "huge_idle" },
	{ "writeback=incompressible", ZS_SET_OK, "incompressible" },
	/* the kernel's key is page_index=: page= is refused by every kernel */
	{ "writeback=page=42", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=page_index=42", ZS_SET_OK, "page_index=42" },
	{ "writeback=page_index=", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=page_index=x", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=type=huge", ZS_SET_OK, "type=huge" },
	{ "writeback=type=all", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=page_indexes=5-9,type=idle", ZS_SET_OK, "page_indexes=5-9 type=idle" },
	{ "writeback=page_indexes=9-5", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=page_indexes=9", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=page_indexes=-9", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=type=idle,", ZS_SET_BAD_VALUE, NULL },
	{ "writeback=max_pages=3", ZS_SET_BAD_VALUE, NULL },
	{ "writeback_batch_size=1", ZS_SET_OK, "1" },
	{ "writeback_batch_size=4294967295", ZS_SET_OK, "4294967295" },
	{ "writeback_batch_size=0", ZS_SET_RANGE, NULL },
	{ "writeback_batch_size=4294967296", ZS_SET_RANGE, NULL },
	{ "compressed_writeback=1", ZS_SET_OK, "1" },
	{ "writeback_compressed=0", ZS_SET_OK, "0" },
	{ "idle=4294967295", ZS_SET_OK, "4294967295" },
	{ "idle=4294967296", ZS_SET_RANGE, NULL },
	{ "writeback=all", ZS_SET_BAD_VALUE, NULL },
	{ "writeback_limit=100", ZS_SET_OK, "100" },
	{ "writeback_limit=1G", ZS_SET_OK, "262144" },
	{ "writeback_limit_enable=1", ZS_SET_OK, "1" },
	{ "writeback_limit_enable=yes", ZS_SET_BAD_VALUE, NULL },
	{ "backing_dev=/dev/sdb", ZS_SET_OK, "/dev/sdb" },
	{ "backing_dev=sdb", ZS_SET_BAD_VALUE, NULL },
	{ "backing_dev=/dev/../etc/passwd", ZS_SET_BAD_VALUE, NULL },
	{ "backing_dev=/", ZS_SET_BAD_VALUE, NULL },
	{ "backing_dev=/dev/..", ZS_SET_BAD_VALUE, NULL },
	{ "backing_dev=/dev/a..b", ZS_SET_OK, "/dev/a..b" },
	{ "recomp_algorithm=algo=zstd", ZS_SET_OK, "algo=zstd" },
	{ "recomp_algorithm=algo=zstd,priority=2", ZS_SET_OK, "algo=zstd priority=2" },
	{ "recomp_algorithm=priority=2", ZS_SET_BAD_PARAM, NULL },
	{ "recomp_algorithm=algo=zstd,priority=0", ZS_SET_BAD_VALUE, NULL },
	{ "recomp_algorithm=algo=zstd,priority=4", ZS_SET_BAD_VALUE, NULL },
	{ "recompress=type=idle", ZS_SET_OK, "type=idle" },
	{ "recompress=type=huge,threshold=3000,algo=zstd,max_pages=10,priority=1", ZS_SET_OK,
	  "type=huge threshold=3000 algo=zstd max_pages=10 priority=1" },
	{ "recompress=type=all", ZS_SET_BAD_VALUE, NULL },
	{ "recompress=type=idle,type=huge", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=type=idle,", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=,type=idle", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=type=idle,,max_pages=1", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=type", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=type=", ZS_SET_BAD_PARAM, NULL },
	{ "recompress=speed=1", ZS_SET_BAD_PARAM, NULL },
	{ "algorithm_params=algo=zstd,level=8", ZS_SET_OK, "algo=zstd level=8" },
	{ "algorithm_params=priority=1,level=-3", ZS_SET_OK, "priority=1 level=-3" },
	{ "algorithm_params=algo=zstd,dict=/etc/zstd.dict", ZS_SET_OK,
	  "algo=zstd dict=/etc/zstd.dict" },
	{ "algorithm_params=algo=deflate,deflate.winbits=-15", ZS_SET_OK,
	  "algo=deflate deflate.winbits=-15" },
	{ "algorithm_params=level=8", ZS_SET_BAD_PARAM, NULL },
	{ "algorithm_params=algo=zstd,dict=relative", ZS_SET_BAD_VALUE, NULL },
	{ "algorithm_params=algo=zstd,level=x", ZS_SET_BAD_VALUE, NULL },
	{ "algorithm_params=algo=zstd,level=99999999999", ZS_SET_BAD_VALUE, NULL },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct zs_set_item it;
		int r = zs_set_parse(c->arg, &it);

		if (it.problem != c->problem)
			fail_msg("'%s': problem %d, expected %d", c->arg, it.problem, c->problem);
		assert_int_equal(r, c->problem == ZS_SET_OK ? 0 : -EINVAL);
		if (c->value && strcmp(it.value, c->value))
			fail_msg("'%s': value '%s', expected '%s'", c->arg, it.value, c->value);
	}
}

static void test_parse_long(void **state)
{
	char arg[600];
	struct zs_set_item it;

	(void)state;
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	memcpy(arg, "comp_algorithm=", 15);
	assert_int_equal(zs_set_parse(arg, &it), -EINVAL);
	assert_int_equal(it.problem, ZS_SET_TOO_LONG);
	/* a name past the buffer is not a prefix of a real one */
	memcpy(arg, "disksize", 8);
	arg[400] = '=';
	arg[401] = '1';
	arg[402] = '\0';
	assert_int_equal(zs_set_parse(arg, &it), -EINVAL);
	assert_int_equal(it.problem, ZS_SET_UNKNOWN);
}

/* ---- zs_set_check over the k612 fixture (nothing is written) ---------------- */

static struct zs_ctx *fixture(const char *name)
{
	const char *src = getenv("TOP_SRCDIR");
	char path[4096];
	struct zs_ctx *ctx = NULL;

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/tests/getset/fixtures/%s", src, name);
	assert_int_equal(zs_ctx_new(path, &ctx), 0);
	return ctx;
}

static void plan_add(struct zs_set_plan *p, const char *arg)
{
	zs_set_parse(arg, &p->items[p->n++]);
}

static void test_check_orders(void **state)
{
	struct zs_ctx *ctx = fixture("k612");
	struct zs_set_plan *p = calloc(1, sizeof(*p));
	static const char *const want[] = {
		"backing_dev", "comp_algorithm", "algorithm_params",
		"disksize",    "mem_limit",	 "writeback_limit_enable",
		"idle"
	};

	(void)state;
	assert_non_null(p);
	strcpy(p->dev, "zram0");
	plan_add(p, "idle=all");
	plan_add(p, "mem_limit=1G");
	plan_add(p, "disksize=1G");
	plan_add(p, "writeback_limit_enable=1");
	plan_add(p, "algorithm_params=algo=zstd,level=3");
	plan_add(p, "comp_algorithm=zstd");
	plan_add(p, "backing_dev=/dev/sdb");
	assert_int_equal(zs_set_check(ctx, p), 0);
	assert_int_equal(p->n, N(want));
	for (size_t i = 0; i < N(want); i++)
		assert_string_equal(p->items[i].attr->name, want[i]);
	zs_set_plan_clear(p);
	free(p);
	zs_ctx_free(ctx);
}

static void test_check_reset_first(void **state)
{
	struct zs_ctx *ctx = fixture("k612");
	struct zs_set_plan *p = calloc(1, sizeof(*p));

	(void)state;
	assert_non_null(p);
	strcpy(p->dev, "zram1");
	p->reset = true;
	plan_add(p, "disksize=1G");
	plan_add(p, "comp_algorithm=zstd");
	assert_int_equal(zs_set_check(ctx, p), 0);
	assert_int_equal(p->n, 3);
	assert_string_equal(p->items[0].attr->name, "reset");
	assert_string_equal(p->items[1].attr->name, "comp_algorithm");
	assert_string_equal(p->items[2].attr->name, "disksize");
	zs_set_plan_clear(p);
	free(p);
	zs_ctx_free(ctx);
}

struct check_case {
	const char *dev;
	bool reset;
	const char *args[4];
	enum zs_set_problem problem[4];
	int ret;
};

static const struct check_case check_cases[] = {
	{ "zram1", false, { "disksize=1G" }, { ZS_SET_NEEDS_UNINIT }, -EINVAL },
	{ "zram1",
	  false,
	  { "comp_algorithm=zstd", "mem_limit=1G" },
	  { ZS_SET_NEEDS_UNINIT, ZS_SET_OK },
	  -EINVAL },
	{ "zram0", false, { "comp_algorithm=lzo" }, { ZS_SET_NOT_A_CHOICE }, -EINVAL },
	{ "zram0", false, { "idle=all" }, { ZS_SET_NEEDS_INIT }, -EINVAL },
	{ "zram0", false, { "idle=all", "disksize=1G" }, { ZS_SET_OK, ZS_SET_OK }, 0 },
	{ "zram0",
	  false,
	  { "disksize=1G", "writeback=idle" },
	  { ZS_SET_OK, ZS_SET_NEEDS_BACKING },
	  -EINVAL },
	{ "zram0",
	  false,
	  { "writeback=idle", "backing_dev=/dev/sdb", "disksize=1G" },
	  { ZS_SET_OK, ZS_SET_OK, ZS_SET_OK },
	  0 },
	{ "zram3", false, { "writeback=idle" }, { ZS_SET_OK }, 0 },
	{ "zram3",
	  true,
	  { "disksize=1G", "writeback=idle" },
	  { ZS_SET_OK, ZS_SET_NEEDS_BACKING },
	  -EINVAL },
	{ "zram0", false, { "backing_dev=/dev/sdz" }, { ZS_SET_NO_BLOCKDEV }, -EINVAL },
	{ "zram0", false, { "backing_dev=/dev/zram0" }, { ZS_SET_SELF }, -EINVAL },
	{ "zram0", false, { "backing_dev=/dev/zram1" }, { ZS_SET_OK }, 0 },
	{ "zram1", false, { "recompress=type=idle" }, { ZS_SET_ABSENT }, -EINVAL },
	{ "zram0",
	  false,
	  { "disksize=1G", "disksize=2G" },
	  { ZS_SET_OK, ZS_SET_DUPLICATE },
	  -EINVAL },
	{ "zram1", true, { "disksize=1G" }, { ZS_SET_OK }, 0 },
	{ "zram2", true, { "disksize=1G" }, { ZS_SET_OK }, -EBUSY }, /* swap */
	{ "zram4", true, { "disksize=1G" }, { ZS_SET_OK }, -EBUSY }, /* mounted */
	{ "zram9", false, { "disksize=1G" }, { ZS_SET_OK }, -ENODEV },
};

static void test_check_cases(void **state)
{
	struct zs_ctx *ctx = fixture("k612");

	(void)state;
	for (size_t i = 0; i < N(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct zs_set_plan *p = calloc(1, sizeof(*p));
		int r;

		assert_non_null(p);
		strcpy(p->dev, c->dev);
		p->reset = c->reset;
		for (size_t k = 0; k < 4 && c->args[k]; k++)
			plan_add(p, c->args[k]);
		r = zs_set_check(ctx, p);
		if (r != c->ret)
			fail_msg("case %zu (%s %s): %d, expected %d", i, c->dev, c->args[0], r,
				 c->ret);
		if (r == -EINVAL) {
			/* items keep their command-line order when refused */
			for (size_t k = 0; k < 4 && c->args[k]; k++)
				if (p->items[k].problem != c->problem[k])
					fail_msg("case %zu: '%s': problem %d, expected %d", i,
						 c->args[k], p->items[k].problem, c->problem[k]);
		}
		zs_set_plan_clear(p);
		free(p);
	}
	zs_ctx_free(ctx);
}

static void test_absent_on_other_kernels(void **state)
{
	struct zs_ctx *ctx = fixture("k61");
	const struct zs_attr *a = zs_attr_find("algorithm_params");

	(void)state;
	assert_int_equal(zs_attr_exists(ctx, "zram0", a), 0);
	assert_int_equal(zs_attr_exists(ctx, "zram0", zs_attr_find("disksize")), 1);
	assert_int_equal(zs_attr_exists(ctx, "zram9", a), -ENODEV);
	assert_int_equal(zs_attr_exists(ctx, "../zram0", a), -EINVAL);
	zs_ctx_free(ctx);
}

static void test_blockdev(void **state)
{
	struct zs_ctx *ctx = fixture("k612");

	(void)state;
	assert_int_equal(zs_blockdev_check(ctx, "/dev/sdb"), 0);
	assert_int_equal(zs_blockdev_check(ctx, "/dev/sda1"), 0);
	assert_int_equal(zs_blockdev_check(ctx, "/dev/sdz"), -ENOENT);
	assert_int_equal(zs_blockdev_check(ctx, "sdb"), -EINVAL);
	assert_int_equal(zs_blockdev_check(ctx, "/dev/../sys/class/block/sdb"), -EINVAL);
	zs_ctx_free(ctx);
}

/* mem_limit below the device's use warns; 0, above, after --reset or uninitialised does not */
static void test_check_warnings(void **state)
{
	static const struct {
		const char *dev;
		bool reset;
		const char *args[2];
		enum zs_set_warning warning;
	} cases[] = {
		/* zram1 uses 28770304 bytes (27.4M) */
		{ "zram1", false, { "mem_limit=1M" }, ZS_SET_WARN_BELOW_USE },
		/* the kernel rounds the limit up to pages: one page less, one byte more */
		{ "zram1", false, { "mem_limit=USED-PAGE" }, ZS_SET_WARN_BELOW_USE },
		{ "zram1", false, { "mem_limit=USED-PAGE+1" }, ZS_SET_WARN_NONE },
		{ "zram1", false, { "mem_limit=28M" }, ZS_SET_WARN_NONE },
		{ "zram1", false, { "mem_limit=0" }, ZS_SET_WARN_NONE },
		{ "zram1", true, { "disksize=64M", "mem_limit=1M" }, ZS_SET_WARN_NONE },
		{ "zram0", false, { "disksize=64M", "mem_limit=1M" }, ZS_SET_WARN_NONE },
	};
	struct zs_ctx *ctx = fixture("k612");

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct zs_set_plan *p = calloc(1, sizeof(*p));
		enum zs_set_warning got = ZS_SET_WARN_NONE;

		assert_non_null(p);
		strcpy(p->dev, cases[i].dev);
		p->reset = cases[i].reset;
		for (size_t k = 0; k < 2 && cases[i].args[k]; k++) {
			const char *a = cases[i].args[k];
			uint64_t page = zs_ctx_page_size(ctx);
			char buf[64];

			if (!strcmp(a, "mem_limit=USED-PAGE"))
				snprintf(buf, sizeof(buf), "mem_limit=%llu",
					 (unsigned long long)(28770304 - page));
			else if (!strcmp(a, "mem_limit=USED-PAGE+1"))
				snprintf(buf, sizeof(buf), "mem_limit=%llu",
					 (unsigned long long)(28770304 - page + 1));
			else
				snprintf(buf, sizeof(buf), "%s", a);
			plan_add(p, buf);
		}
		assert_int_equal(zs_set_check(ctx, p), 0);
		for (size_t k = 0; k < p->n; k++) {
			if (!strcmp(p->items[k].attr->name, "mem_limit"))
				got = p->items[k].warning;
			else if (p->items[k].warning != ZS_SET_WARN_NONE)
				fail_msg("case %zu: a warning on %s", i, p->items[k].attr->name);
		}
		if (got != cases[i].warning)
			fail_msg("case %zu (%s %s): warning %d, expected %d", i, cases[i].dev,
				 cases[i].args[0], got, cases[i].warning);
		zs_set_plan_clear(p);
		free(p);
	}
	zs_ctx_free(ctx);
}

/* swap, mounts and holders of the control fixture, and --reset refused for each */
static void test_users(void **state)
{
	struct zs_ctx *ctx = fixture("control");
	struct zs_device d = { 0 };
	struct zs_users u = { 0 };
	static const char *const busy[] = { "zram2", "zram3", "zram4", "zram5" };

	(void)state;
	assert_int_equal(zs_device_read(ctx, "zram3", &d), 0);
	assert_int_equal(zs_device_users(ctx, &d, &u), 0);
	assert_int_equal(u.nholders, 1);
	assert_string_equal(u.holders[0].name, "dm-0");
	assert_string_equal(u.holders[0].dm_name, "cryptswap");
	assert_false(u.is_swap);
	assert_null(u.mountpoints);
	assert_true(zs_users_any(&u));
	zs_users_clear(&u);
	zs_device_clear(&d);

	assert_int_equal(zs_device_read(ctx, "zram5", &d), 0);
	assert_int_equal(zs_device_users(ctx, &d, &u), 0);
	assert_int_equal(u.nholders, 1);
	assert_string_equal(u.holders[0].name, "md127");
	assert_string_equal(u.holders[0].dm_name, "");
	zs_users_clear(&u);
	zs_device_clear(&d);

	assert_int_equal(zs_device_read(ctx, "zram2", &d), 0);
	assert_int_equal(zs_device_users(ctx, &d, &u), 0);
	assert_true(u.is_swap);
	assert_int_equal(u.nholders, 0);
	zs_users_clear(&u);
	zs_device_clear(&d);

	assert_int_equal(zs_device_read(ctx, "zram4", &d), 0);
	assert_int_equal(zs_device_users(ctx, &d, &u), 0);
	assert_non_null(u.mountpoints);
	assert_string_equal(u.mountpoints[0], "/mnt/scratch");
	assert_null(u.mountpoints[1]);
	zs_users_clear(&u);
	zs_device_clear(&d);

	/* no holders/ at all (git keeps no empty directory): no user */
	assert_int_equal(zs_device_read(ctx, "zram1", &d), 0);
	assert_int_equal(zs_device_users(ctx, &d, &u), 0);
	assert_false(zs_users_any(&u));
	zs_users_clear(&u);
	zs_device_clear(&d);

	for (size_t i = 0; i < N(busy); i++) {
		struct zs_set_plan *p = calloc(1, sizeof(*p));

		assert_non_null(p);
		strcpy(p->dev, busy[i]);
		p->reset = true;
		if (zs_set_check(ctx, p) != -EBUSY || !p->in_use)
			fail_msg("--reset %s: not refused as in use", busy[i]);
		zs_set_plan_clear(p);
		free(p);
	}
	zs_ctx_free(ctx);
}

/* hot_add's number becomes a device name; anything else is malformed */
static void test_control_add(void **state)
{
	struct zs_ctx *ctx = fixture("control");
	char name[ZS_DEVNAME_MAX] = "";

	(void)state;
	assert_int_equal(zs_control_add(ctx, name), 0);
	assert_string_equal(name, "zram6");
	zs_ctx_free(ctx);
	ctx = fixture("k612"); /* no sys/class/zram-control */
	strcpy(name, "unchanged");
	assert_int_equal(zs_control_add(ctx, name), -ENOENT);
	assert_string_equal(name, "unchanged");
	zs_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	     cmocka_unit_test(test_safe_order),
		cmocka_unit_test(test_parse),	     cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_check_orders), cmocka_unit_test(test_check_reset_first),
		cmocka_unit_test(test_check_cases),  cmocka_unit_test(test_absent_on_other_kernels),
		cmocka_unit_test(test_blockdev),     cmocka_unit_test(test_check_warnings),
		cmocka_unit_test(test_users),	     cmocka_unit_test(test_control_add),
	};

	if (!getenv("TOP_SRCDIR")) {
		printf("Bail out! TOP_SRCDIR is not set: run through make check\n");
		return 99;
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("attr", tests, NULL, NULL);
}
