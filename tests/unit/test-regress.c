// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Regression cases for what fuzzing found (fuzz/, issue 8): one case per
 * bug, with the input that showed it, and the rules of the parsers' contract
 * that the fuzz targets' oracles pinned down. The reproducers themselves
 * are kept in fuzz/regress/TARGET and replayed by fuzz/replay.sh.
 *
 * A bug reported and not fixed yet in lib/ is listed in fuzz/known-bugs.h:
 * while its KNOWN_BUG_* is 1, its case here stops with a "# known bug" line
 * in the log when it sees exactly the known wrong result, and fails on any
 * other wrong result; set it to 0 with the fix and the case requires the
 * right one.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "known-bugs.h"

/*
 * When the bug is known and exactly its wrong result is seen: say so in the
 * log and end the case there. (Not cmocka's skip(): its TAP output prints
 * "not ok N # SKIP", which automake's TAP driver counts as a failure.)
 */
#define KNOWN_BUG_SEEN(known, seen, what)                                          \
	do {                                                                       \
		if ((known) && (seen)) {                                           \
			print_message("# known bug, not fixed yet: %s (fuzz/known-bugs.h)\n", \
				      what);                                       \
			return;                                                    \
		}                                                                  \
	} while (0)

/* ---- B1: zs_parse_size rounds a fraction up (fuzz/regress/size) -------- */

static void test_b1_size_fraction_rounds_down(void **state)
{
	/* 6.5506 * 2^60 = 7552327608077611800.98...: rounded down to a byte */
	static const struct {
		const char *s;
		uint64_t want;
	} cases[] = {
		{ "6.5506E", UINT64_C(7552327608077611800) },
		{ "0.5K", 512 },
		{ "1.5M", 1572864 },
		{ "0.1K", 102 },		       /* 102.4 */
		{ "1.000000000001K", 1024 }, /* 1024.000000001024 */
		{ "15.999999999999E", UINT64_C(18446744073708398694) },
	};

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		uint64_t v = 0;

		assert_errno(zs_parse_size(cases[i].s, &v), 0);
		KNOWN_BUG_SEEN(KNOWN_BUG_B1_SIZE_ROUNDING, v == cases[i].want + 1,
			       "B1: zs_parse_size rounds the fraction of a unit up (long double)");
		if (v != cases[i].want)
			fail_msg("zs_parse_size(\"%s\") = %llu, expected %llu", cases[i].s,
				 (unsigned long long)v, (unsigned long long)cases[i].want);
	}
}

/* ---- B2: fragmentation past 100% from huge class values (fuzz/regress/classes) */

static const char b2_classes[] =
	"class size 10% obj_allocated obj_used pages_used pages_per_zspage\n"
	"1 10 0 1 0 0 1\n"
	"2 1 0 18446744073709551611 18446744073709551611 0 1\n"
	"\n"
	"Total 0 18446744073709551612 18446744073709551611 0\n";

static void test_b2_fragmentation_at_most_one(void **state)
{
	struct zs_pool pool = { .name = "zram0", .kind = ZS_POOL_ZRAM };
	uint64_t waste;
	double frag;

	assert_errno(zs_parse_classes(b2_classes, &pool), 0);
	zs_pool_derive(&pool, &frag, &waste);
	if (!(frag >= 0.0 && frag <= 1.0)) {
		bool seen = known_bug_b2_pool_overflows(&pool);

		zs_pool_clear(&pool);
		KNOWN_BUG_SEEN(KNOWN_BUG_B2_DERIVE_OVERFLOW, seen,
			       "B2: zs_pool_derive sums obj_allocated * size in uint64_t");
		fail_msg("fragmentation %g is not a fraction", frag);
	}
	/* 10 bytes wasted of 2^64 + 5 allocated */
	assert_true(frag < 1e-9);
	zs_pool_clear(&pool);
}

/* ---- B3: a garbled dev file is not refused (fuzz/regress/sysroot) ------- */

static void put(const char *root, const char *rel, const char *text)
{
	char *path = unit_printf("%s/%s", root, rel);
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fail_msg("cannot write %s", path);
	free(path);
}

static void test_b3_devno_strict(void **state)
{
	static const char *const garbled[] = {
		"254:0\n254:0\n", /* the fuzzer's: a second line */
		"-1:0\n",	  /* 4294967295:0 */
		" 254:0\n",
		"254: 0\n",
		"+254:0\n",
		"254:-0\n",
		"4294967296:0\n", /* past unsigned int */
	};
	char *root = unit_mkdtemp();
	struct zs_ctx *ctx;
	char *dir;

	dir = unit_printf("%s/sys", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	dir = unit_printf("%s/sys/block", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	dir = unit_printf("%s/sys/block/zram0", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	put(root, "sys/block/zram0/initstate", "1\n");
	put(root, "sys/block/zram0/disksize", "268435456\n");
	put(root, "sys/block/zram0/mm_stat", "4096 74 12288 0 12288 0 0\n");
	assert_int_equal(zs_ctx_new(root, &ctx), 0);

	/* the kernel's own form is read */
	{
		struct zs_device d;

		put(root, "sys/block/zram0/dev", "254:0\n");
		assert_errno(zs_device_read(ctx, "zram0", &d), 0);
		assert_true(d.has_devno);
		assert_int_equal(d.major, 254);
		assert_int_equal(d.minor, 0);
		zs_device_clear(&d);
	}
	for (unsigned int i = 0; i < UNIT_N(garbled); i++) {
		struct zs_device d;
		int r;

		memset(&d, 0, sizeof(d));
		put(root, "sys/block/zram0/dev", garbled[i]);
		r = zs_device_read(ctx, "zram0", &d);
		if (r == 0)
			zs_device_clear(&d);
		if (r != -EINVAL) {
			unit_rm_tree(root);
			free(root);
			zs_ctx_free(ctx);
			KNOWN_BUG_SEEN(KNOWN_BUG_B3_DEVNO, r == 0,
				       "B3: parse_devno takes a dev file the kernel never prints");
			fail_msg("dev \"%s\": zs_device_read = %d, expected -EINVAL", garbled[i], r);
		}
	}
	zs_ctx_free(ctx);
	unit_rm_tree(root);
	free(root);
}

/* ---- B5: B3's fix takes a newline before the colon (fuzz/regress/sysroot) */

static void test_b5_devno_newline_before_colon(void **state)
{
	static const char *const dirs[] = { "sys", "sys/block", "sys/block/zram0" };
	char *root = unit_mkdtemp();
	struct zs_ctx *ctx;
	struct zs_device d;
	char *path;
	int r;

	for (unsigned int i = 0; i < UNIT_N(dirs); i++) {
		path = unit_printf("%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
		free(path);
	}
	put(root, "sys/block/zram0/initstate", "1\n");
	put(root, "sys/block/zram0/disksize", "268435456\n");
	put(root, "sys/block/zram0/mm_stat", "4096 74 12288 0 12288 0 0\n");
	put(root, "sys/block/zram0/dev", "254\n:1\n"); /* the fuzzer's */
	assert_int_equal(zs_ctx_new(root, &ctx), 0);
	memset(&d, 0, sizeof(d));
	r = zs_device_read(ctx, "zram0", &d);
	if (r == 0)
		zs_device_clear(&d);
	zs_ctx_free(ctx);
	unit_rm_tree(root);
	free(root);
	KNOWN_BUG_SEEN(KNOWN_BUG_B5_DEVNO_NEWLINE, r == 0,
		       "B5: parse_devno takes a newline before the colon");
	assert_errno(r, -EINVAL);
}

/* ---- B4: garbled proc/swaps records are read (fuzz/regress/sysroot) ----- */

#define SWAPS_HEAD "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

/* Whether a reader sees zram0 as swap: one refresh (status), or watching (top). */
static bool reader_sees_swap(struct zs_ctx *ctx, bool watch)
{
	const struct zs_reader_opts o = { .needs = ZS_NEED_MM | ZS_NEED_SWAPS, .watch = watch };
	const struct zs_snapshot *s;
	struct zs_reader *r;
	bool seen;

	assert_int_equal(zs_reader_new(ctx, &o, &r), 0);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_int_equal(s->ndevs, 1);
	seen = !s->devs[0].err && !s->users_err && s->devs[0].dev.is_swap;
	zs_reader_free(r);
	return seen;
}

/*
 * Whether status' reading (a reader's one refresh; and zs_devices_read_users,
 * set's) and top's (a watching reader) see zram0 as swap.
 */
static void swap_seen(const char *root, bool *by_status, bool *by_top)
{
	struct zs_ctx *ctx;
	struct zs_device d;
	bool by_users;

	assert_int_equal(zs_ctx_new(root, &ctx), 0);
	assert_errno(zs_device_read(ctx, "zram0", &d), 0);
	by_users = zs_devices_read_users(ctx, &d, 1) == 0 && d.is_swap;
	zs_device_clear(&d);
	*by_status = reader_sees_swap(ctx, false);
	*by_top = reader_sees_swap(ctx, true);
	/* one parser (lib/users.c, libmount): the three readings agree */
	assert_int_equal(by_users, *by_status);
	assert_int_equal(*by_status, *by_top);
	zs_ctx_free(ctx);
}

static void test_b4_swaps_garbled(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} swaps[] = {
#define S(x) { x, sizeof(x) - 1 }
		S(SWAPS_HEAD "/dev/zram0 partition\t262140\t\t65536\t\t100\n"), /* the kernel's */
		S(SWAPS_HEAD "    0 \0\n/dev/zram0 partition\t262140\t\t65536\t\t100\n"),
		S(SWAPS_HEAD "/dev/zram0 partition\t262139\t\t65536\t\t10\377\n"),
		S(SWAPS_HEAD "/dev/zram0 partition\t262139\t\t65536\t\t10x\n"),
		S(SWAPS_HEAD "/dev/zram0 partition\t-1\t\t65536\t\t5\n"),
#undef S
	};
	static const char *const dirs[] = { "sys", "sys/block", "sys/block/zram0", "proc" };
	char *root = unit_mkdtemp();
	char *path;

	for (unsigned int i = 0; i < UNIT_N(dirs); i++) {
		path = unit_printf("%s/%s", root, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
		free(path);
	}
	put(root, "sys/block/zram0/dev", "254:0\n");
	put(root, "sys/block/zram0/initstate", "1\n");
	put(root, "sys/block/zram0/disksize", "268435456\n");
	put(root, "sys/block/zram0/mm_stat", "4096 74 12288 0 12288 0 0\n");
	path = unit_printf("%s/proc/swaps", root);
	for (unsigned int i = 0; i < UNIT_N(swaps); i++) {
		bool by_status, by_top;
		FILE *f = fopen(path, "w");

		if (!f || fwrite(swaps[i].text, 1, swaps[i].len, f) != swaps[i].len || fclose(f))
			fail_msg("cannot write %s", path);
		swap_seen(root, &by_status, &by_top);
		if (i == 0) {
			/* the kernel's record: both see it */
			assert_true(by_status && by_top);
			continue;
		}
		/* a record the kernel never writes: neither reading takes it */
		if (by_status || by_top) {
			free(path);
			unit_rm_tree(root);
			free(root);
			print_message("# swaps case %u taken\n", i);
			KNOWN_BUG_SEEN(KNOWN_BUG_B4_SWAPS, true,
				       "B4: garbled proc/swaps records are read");
			fail_msg("swaps case %u: status %d, top %d", i, by_status, by_top);
		}
	}
	free(path);
	unit_rm_tree(root);
	free(root);
}

/* ---- the contract the fuzz targets check -------------------------------- */

/* Errors in the order the parser meets them: too many digits first. */
static void test_overflow_before_syntax(void **state)
{
	uint64_t v = 7, vals[4];
	unsigned int n = 9;

	assert_errno(zs_parse_u64("99999999999999999999x", &v), -ERANGE);
	assert_errno(zs_parse_u64("3355443200000000000000000000 1SSS", &v), -ERANGE);
	assert_u64_equal(v, 7);
	assert_errno(zs_parse_size("99999999999999999999Q", &v), -ERANGE);
	assert_errno(zs_parse_duration("99999999999999999999q", &v), -ERANGE);
	assert_u64_equal(v, 7);
	/* columns: a bad column stops the line where it is */
	assert_errno(zs_parse_u64_columns("1 99999999999999999999 x", vals, 4, &n), -ERANGE);
	assert_errno(zs_parse_u64_columns("1 2 3 4 99999999999999999999", vals, 4, &n), -E2BIG);
	assert_int_equal(n, 9);
}

/* Header names are whole words: "obj_?sedfreeable" is not freeable. */
static void test_classes_header_words(void **state)
{
	static const char text[] =
		"class size almost_full almost_empty obj_allocated obj_used pages_used "
		"pages_per_zspage obj_\377sedfreeable\n"
		"0 32 0 0 0 0 0 1 0\n"
		"\n"
		"Total 0 0 0 0 0 0\n";
	struct zs_pool pool = { .name = "zram0", .kind = ZS_POOL_ZRAM };

	assert_errno(zs_parse_classes(text, &pool), 0);
	assert_false(pool.has_freeable);
	assert_int_equal(pool.format, ZS_CLASSES_ALMOST);
	assert_int_equal(pool.nclasses, 1);
	zs_pool_clear(&pool);
}

/* What zs_state_format writes, zs_state_parse reads back the same. */
static void test_state_round_trip(void **state)
{
	static struct zs_state st, back;
	char *text = NULL, *again = NULL;

	memset(&st, 0, sizeof(st));
	st.runs = UINT64_MAX;
	st.freed_total = UINT64_MAX - 1;
	st.last_time = 1;
	st.last_pid = UINT64_MAX;
	st.last_result = ZS_RESULT_SKIPPED;
	for (unsigned int i = 0; i < ZS_STATE_MAX_DEVICES; i++) {
		struct zs_state_device *d = &st.devices[st.ndevices++];

		snprintf(d->name, sizeof(d->name), "zram%u", i * 3906250u); /* up to 9 digits */
		d->last_time = i;
		d->last_result = ZS_RESULT_GATED;
		d->last_freed = UINT64_MAX - i;
	}
	assert_errno(zs_state_format(&st, &text), 0);
	assert_errno(zs_state_parse(text, &back), 0);
	assert_errno(zs_state_format(&back, &again), 0);
	assert_string_equal(text, again);
	assert_int_equal(back.ndevices, ZS_STATE_MAX_DEVICES);
	assert_string_equal(back.devices[255].name, st.devices[255].name);
	free(text);
	free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b1_size_fraction_rounds_down),
		cmocka_unit_test(test_b2_fragmentation_at_most_one),
		cmocka_unit_test(test_b3_devno_strict),
		cmocka_unit_test(test_b4_swaps_garbled),
		cmocka_unit_test(test_b5_devno_newline_before_colon),
		cmocka_unit_test(test_overflow_before_syntax),
		cmocka_unit_test(test_classes_header_words),
		cmocka_unit_test(test_state_round_trip),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
