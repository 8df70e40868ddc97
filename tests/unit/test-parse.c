// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The strict parsers of zram's sysfs attributes, fed with real 6.1 and 6.12
 * captures (tests/data/kernel-abi) and garbled variants of them.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#define STAGES_N 4
static const char *const stages[STAGES_N] = { "empty", "after_write", "after_discard",
					      "after_compact" };

/* ---- zs_parse_u64 ------------------------------------------------------- */

static void test_u64_captures(void **state)
{
	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < STAGES_N; i++) {
			char *rel = unit_printf("%szram0.disksize.%s", k ? K612 : K61, stages[i]);
			char *s = unit_load(rel, NULL);
			uint64_t v = 1;

			assert_errno(zs_parse_u64(s, &v), 0);
			assert_u64_equal(v, 268435456); /* 256 MiB */
			free(s);
			free(rel);
		}
	}
}

static void test_u64_valid(void **state)
{
	uint64_t v;

	v = 1;
	assert_errno(zs_parse_u64("0", &v), 0);
	assert_u64_equal(v, 0);
	v = 1;
	assert_errno(zs_parse_u64("0\n", &v), 0);
	assert_u64_equal(v, 0);
	assert_errno(zs_parse_u64("4096\n", &v), 0);
	assert_u64_equal(v, 4096);
	assert_errno(zs_parse_u64(UNIT_U64_MAX_STR, &v), 0);
	assert_u64_equal(v, UINT64_MAX);
	v = 0;
	assert_errno(zs_parse_u64(UNIT_U64_MAX_STR "\n", &v), 0);
	assert_u64_equal(v, UINT64_MAX);
	assert_errno(zs_parse_u64("18446744073709551614", &v), 0);
	assert_u64_equal(v, UINT64_MAX - 1);
}

static void test_u64_range(void **state)
{
	static const char *const over[] = {
		UNIT_U64_OVER_STR,
		UNIT_U64_OVER_STR "\n",
		"18446744073709551620",
		"18446744073709551699",
		"18446744073709551625",
		"99999999999999999999",
		"100000000000000000000",
		"184467440737095516150", /* 2^64-1 with a digit appended */
		"123456789012345678901234567890",
	};

	for (unsigned int i = 0; i < UNIT_N(over); i++) {
		uint64_t v = 42;

		assert_errno(zs_parse_u64(over[i], &v), -ERANGE);
		assert_u64_equal(v, 42); /* untouched on failure */
	}
}

static void test_u64_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"-1",
		"-0",
		"+1",
		" 1",
		"\t1",
		"1 ",
		"1\t",
		"1\n\n",
		"1\n2",
		"1\n2\n",
		"2684x5456\n",
		"268435456x\n",
		"x268435456\n",
		"0x10",
		"1.5",
		"1e6",
		"268435456\r\n",
		"268 435 456\n",
		"one",
	};
	uint64_t v = 42;

	for (unsigned int i = 0; i < UNIT_N(bad); i++) {
		int r = zs_parse_u64(bad[i], &v);

		if (r != -EINVAL)
			fail_msg("zs_parse_u64(\"%s\") = %d, expected -EINVAL", bad[i], r);
		assert_u64_equal(v, 42);
	}
	assert_errno(zs_parse_u64(NULL, &v), -EINVAL);
	assert_u64_equal(v, 42);
}

static void test_u64_garbled_capture(void **state)
{
	char *s = unit_load(K612 "zram0.disksize.after_write", NULL);
	char *t;
	uint64_t v = 42;

	assert_string_equal(s, "268435456\n");
	/* truncated to nothing */
	t = unit_strndup(s, 0);
	assert_errno(zs_parse_u64(t, &v), -EINVAL);
	free(t);
	/* a cut inside the number leaves a shorter number: nothing can tell */
	t = unit_strndup(s, 4);
	assert_errno(zs_parse_u64(t, &v), 0);
	assert_u64_equal(v, 2684);
	free(t);
	/* without its newline */
	t = unit_strndup(s, 9);
	assert_errno(zs_parse_u64(t, &v), 0);
	assert_u64_equal(v, 268435456);
	free(t);
	/* twice: a second line */
	v = 42;
	t = unit_printf("%s%s", s, s);
	assert_errno(zs_parse_u64(t, &v), -EINVAL);
	assert_u64_equal(v, 42);
	free(t);
	/* a letter inside */
	t = unit_replace(s, "4354", "43S4");
	assert_errno(zs_parse_u64(t, &v), -EINVAL);
	assert_u64_equal(v, 42);
	free(t);
	free(s);
}

/* ---- zs_parse_u64_columns ---------------------------------------------- */

struct mm_capture {
	const char *rel;
	uint64_t val[9];
};

static const struct mm_capture mm_captures[] = {
	{ K61 "zram0.mm_stat.empty", { 0, 0, 0, 0, 0, 0, 0, 0, 0 } },
	{ K61 "zram0.mm_stat.after_write",
	  { 67108864, 34615824, 35876864, 0, 35876864, 1358, 0, 4042, 4042 } },
	{ K61 "zram0.mm_stat.after_discard",
	  { 33554432, 17221907, 26374144, 0, 35876864, 717, 0, 2020, 4042 } },
	{ K61 "zram0.mm_stat.after_compact",
	  { 33554432, 17221907, 18034688, 0, 35876864, 717, 2036, 2020, 4042 } },
	{ K612 "zram0.mm_stat.empty", { 0, 0, 0, 0, 0, 0, 0, 0, 0 } },
	{ K612 "zram0.mm_stat.after_write",
	  { 67108864, 33284953, 34951168, 0, 34951168, 1358, 0, 2636, 2636 } },
	{ K612 "zram0.mm_stat.after_discard",
	  { 33554432, 16560380, 28770304, 0, 34951168, 717, 0, 1319, 2636 } },
	{ K612 "zram0.mm_stat.after_compact",
	  { 33554432, 16560380, 18096128, 0, 34951168, 717, 2606, 1319, 2636 } },
};

static void test_columns_captures(void **state)
{
	for (unsigned int i = 0; i < UNIT_N(mm_captures); i++) {
		char *s = unit_load(mm_captures[i].rel, NULL);
		uint64_t vals[ZS_STAT_MAX];
		unsigned int n = 0;

		/* exactly as many slots as columns is fine */
		assert_errno(zs_parse_u64_columns(s, vals, 9, &n), 0);
		assert_int_equal(n, 9);
		assert_memory_equal(vals, mm_captures[i].val, sizeof(mm_captures[i].val));
		n = 0;
		assert_errno(zs_parse_u64_columns(s, vals, ZS_STAT_MAX, &n), 0);
		assert_int_equal(n, 9);
		assert_memory_equal(vals, mm_captures[i].val, sizeof(mm_captures[i].val));
		free(s);
	}
}

static void test_columns_blank_and_tabs(void **state)
{
	uint64_t vals[4] = { 7, 7, 7, 7 };
	unsigned int n = 99;

	/* no columns at all is a valid line of zero columns; callers check the count */
	assert_errno(zs_parse_u64_columns("", vals, 4, &n), 0);
	assert_int_equal(n, 0);
	n = 99;
	assert_errno(zs_parse_u64_columns("   \n", vals, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_u64_equal(vals[0], 7);
	assert_errno(zs_parse_u64_columns("1\t2 \t 3\n", vals, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_u64_equal(vals[0], 1);
	assert_u64_equal(vals[1], 2);
	assert_u64_equal(vals[2], 3);
	assert_u64_equal(vals[3], 7);
	assert_errno(zs_parse_u64_columns("  5  " UNIT_U64_MAX_STR "  ", vals, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_u64_equal(vals[0], 5);
	assert_u64_equal(vals[1], UINT64_MAX);
}

static void test_columns_too_many(void **state)
{
	char *s = unit_load(K612 "zram0.mm_stat.after_compact", NULL);
	uint64_t vals[ZS_STAT_MAX] = { 0 };
	unsigned int n = 99;

	/* zsctl.h: "more columns than max is -E2BIG" */
	assert_errno(zs_parse_u64_columns(s, vals, 8, &n), -E2BIG);
	assert_int_equal(n, 99);
	assert_u64_equal(vals[0], 0);
	assert_errno(zs_parse_u64_columns("1\n", vals, 0, &n), -E2BIG);
	assert_int_equal(n, 99);
	/* more slots than the parser can hold is a caller error */
	assert_errno(zs_parse_u64_columns(s, vals, ZS_STAT_MAX + 1, &n), -EINVAL);
	assert_int_equal(n, 99);
	free(s);
}

static void test_columns_garbled(void **state)
{
	static const struct {
		const char *s;
		int r;
	} cases[] = {
		{ "1 2 3x\n", -EINVAL },
		{ "1 2x 3\n", -EINVAL },
		{ "1 x2 3\n", -EINVAL },
		{ "1 -2 3\n", -EINVAL },
		{ "1 +2 3\n", -EINVAL },
		{ "1,2,3\n", -EINVAL },
		{ "1 2.5 3\n", -EINVAL },
		{ "1 2\n3\n", -EINVAL },
		{ "1 2\n\n", -EINVAL },
		{ "1 2\n 3", -EINVAL },
		{ "1 2\r\n", -EINVAL },
		{ "1 " UNIT_U64_OVER_STR " 3\n", -ERANGE },
		{ "1 99999999999999999999999 3\n", -ERANGE },
	};
	uint64_t vals[8] = { 7, 7, 7, 7, 7, 7, 7, 7 };
	unsigned int n = 99;

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		int r = zs_parse_u64_columns(cases[i].s, vals, 8, &n);

		if (r != cases[i].r)
			fail_msg("columns(\"%s\") = %d, expected %d", cases[i].s, r, cases[i].r);
		assert_int_equal(n, 99);
		for (unsigned int j = 0; j < 8; j++)
			assert_u64_equal(vals[j], 7);
	}
	assert_errno(zs_parse_u64_columns(NULL, vals, 8, &n), -EINVAL);
	assert_int_equal(n, 99);
}

/* ---- mm_stat ------------------------------------------------------------- */

static void assert_stat_untouched(const struct zs_stat *st)
{
	static const struct zs_stat sentinel = { .val = { 0xdead },
						 .present = 0xbeef,
						 .ncols = 77 };

	assert_u64_equal(st->val[0], sentinel.val[0]);
	assert_u64_equal(st->val[1], 0);
	assert_int_equal(st->present, sentinel.present);
	assert_int_equal(st->ncols, sentinel.ncols);
}

static void stat_sentinel(struct zs_stat *st)
{
	*st = (struct zs_stat){ .val = { 0xdead }, .present = 0xbeef, .ncols = 77 };
}

static void test_mm_stat_captures(void **state)
{
	for (unsigned int i = 0; i < UNIT_N(mm_captures); i++) {
		char *s = unit_load(mm_captures[i].rel, NULL);
		struct zs_stat st;

		stat_sentinel(&st);
		st.legacy = true;
		assert_errno(zs_parse_mm_stat(s, &st), 0);
		assert_int_equal(st.ncols, 9);
		assert_int_equal(st.present, 0x1ff);
		assert_false(st.legacy);
		for (unsigned int c = 0; c < 9; c++)
			assert_u64_equal(st.val[c], mm_captures[i].val[c]);
		for (unsigned int c = 9; c < ZS_STAT_MAX; c++)
			assert_u64_equal(st.val[c], 0);
		assert_true(zs_stat_has(&st, ZS_MM_HUGE_PAGES_SINCE));
		assert_false(zs_stat_has(&st, ZS_MM_COMPACT_GATED));
		assert_false(zs_stat_has(&st, 40));
		free(s);
	}
}

static void test_mm_stat_ncols(void **state)
{
	char *full = unit_load(K612 "zram0.mm_stat.after_compact", NULL);
	char *base = unit_strndup(full, strlen(full) - 1); /* without the newline */
	struct zs_stat st;
	char *s;

	/* 4.1 .. 4.18: 7 columns */
	s = unit_strndup(full, unit_offset_of(full, "2606") + 4);
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, 7);
	assert_int_equal(st.present, 0x7f);
	assert_u64_equal(st.val[ZS_MM_PAGES_COMPACTED], 2606);
	assert_true(zs_stat_has(&st, ZS_MM_PAGES_COMPACTED));
	assert_false(zs_stat_has(&st, ZS_MM_HUGE_PAGES));
	assert_u64_equal(st.val[ZS_MM_HUGE_PAGES], 0);
	free(s);

	/* 4.19 .. 5.14: 8 columns */
	s = unit_strndup(full, unit_offset_of(full, "1319") + 4);
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, 8);
	assert_int_equal(st.present, 0xff);
	assert_u64_equal(st.val[ZS_MM_HUGE_PAGES], 1319);
	assert_false(zs_stat_has(&st, ZS_MM_HUGE_PAGES_SINCE));
	free(s);

	/* 9 columns without the trailing newline */
	assert_errno(zs_parse_mm_stat(base, &st), 0);
	assert_int_equal(st.ncols, 9);
	assert_int_equal(st.present, 0x1ff);
	assert_u64_equal(st.val[ZS_MM_HUGE_PAGES_SINCE], 2636);

	/* 10: compact_gated from our kernel series */
	s = unit_printf("%s        5\n", base);
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, 10);
	assert_int_equal(st.present, 0x3ff);
	assert_true(zs_stat_has(&st, ZS_MM_COMPACT_GATED));
	assert_u64_equal(st.val[ZS_MM_COMPACT_GATED], 5);
	assert_u64_equal(st.val[ZS_MM_HUGE_PAGES_SINCE], 2636);
	free(s);

	/* 11: a column of a future kernel is kept but has no present bit */
	s = unit_printf("%s        5       42\n", base);
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, 11);
	assert_int_equal(st.present, 0x3ff);
	assert_false(zs_stat_has(&st, 10));
	assert_u64_equal(st.val[ZS_MM_COMPACT_GATED], 5);
	assert_u64_equal(st.val[10], 42);
	free(s);

	/* 13 */
	s = unit_printf("%s 5 42 43 " UNIT_U64_MAX_STR "\n", base);
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, 13);
	assert_int_equal(st.present, 0x3ff);
	assert_u64_equal(st.val[11], 43);
	assert_u64_equal(st.val[12], UINT64_MAX);
	assert_u64_equal(st.val[13], 0);
	free(s);

	/* as many as struct zs_stat holds */
	s = unit_strndup(base, strlen(base));
	for (unsigned int c = 10; c <= ZS_STAT_MAX; c++) {
		char *t = unit_printf("%s %u", s, c * 100);

		free(s);
		s = t;
	}
	assert_errno(zs_parse_mm_stat(s, &st), 0);
	assert_int_equal(st.ncols, ZS_STAT_MAX);
	assert_int_equal(st.present, 0x3ff);
	assert_u64_equal(st.val[9], 1000);
	assert_u64_equal(st.val[ZS_STAT_MAX - 1], ZS_STAT_MAX * 100);
	{
		/* and one more than that is refused, not cut */
		char *t = unit_printf("%s 1\n", s);

		stat_sentinel(&st);
		assert_true(zs_parse_mm_stat(t, &st) < 0);
		assert_stat_untouched(&st);
		free(t);
	}
	free(s);

	free(base);
	free(full);
}

static void test_mm_stat_truncated(void **state)
{
	char *full = unit_load(K612 "zram0.mm_stat.after_compact", NULL);
	const size_t cut_einval[] = {
		0,
		1,
		5,				 /* "33554" */
		8,				 /* one column */
		unit_offset_of(full, "717") + 3, /* six columns */
		unit_offset_of(full, "717") + 5, /* six, then blanks */
	};
	struct zs_stat st;

	for (unsigned int i = 0; i < UNIT_N(cut_einval); i++) {
		char *s = unit_strndup(full, cut_einval[i]);

		stat_sentinel(&st);
		if (zs_parse_mm_stat(s, &st) != -EINVAL)
			fail_msg("mm_stat cut at %zu (\"%s\") not refused", cut_einval[i], s);
		assert_stat_untouched(&st);
		free(s);
	}
	/* a cut after the seventh column reads like a 4.1 kernel's file */
	{
		char *s = unit_strndup(full, unit_offset_of(full, "2606") + 6);

		assert_errno(zs_parse_mm_stat(s, &st), 0);
		assert_int_equal(st.ncols, 7);
		free(s);
	}
	free(full);
}

static void test_mm_stat_garbled(void **state)
{
	char *full = unit_load(K612 "zram0.mm_stat.after_discard", NULL);
	struct {
		char *s;
		int r;
	} cases[] = {
		{ unit_strndup("", 0), -EINVAL },
		{ unit_strndup("\n", 1), -EINVAL },
		{ unit_strndup("    \n", 5), -EINVAL },
		{ unit_replace(full, "16560380", "165603x0"), -EINVAL },
		{ unit_replace(full, "16560380", "16560380x"), -EINVAL },
		{ unit_replace(full, "28770304", "2.8770304"), -EINVAL },
		{ unit_replace(full, "28770304", "0x1b70000"), -EINVAL },
		{ unit_replace(full, "717", "-717"), -EINVAL },
		{ unit_replace(full, "33554432", "-33554432"), -EINVAL },
		{ unit_replace(full, "33554432", UNIT_U64_OVER_STR), -ERANGE },
		{ unit_replace(full, "2636", "36893488147419103232"), -ERANGE }, /* 2^65 */
		{ unit_replace(full, "1319", "99999999999999999999999999"), -ERANGE },
		{ unit_printf("%s%s", full, full), -EINVAL }, /* a second line */
		{ unit_printf("%s\n", full), -EINVAL },	      /* a blank second line */
		{ unit_printf("%sjunk", full), -EINVAL },
		{ unit_replace(full, "\n", "\r\n"), -EINVAL },
		{ unit_replace(full, "33554432 16560380", "33554432,16560380"), -EINVAL },
		/* six columns: a missing one */
		{ unit_strndup("33554432 16560380 28770304 0 34951168 717\n", 42), -EINVAL },
	};
	struct zs_stat st;

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		int r;

		stat_sentinel(&st);
		r = zs_parse_mm_stat(cases[i].s, &st);
		if (r != cases[i].r)
			fail_msg("mm_stat(\"%s\") = %d, expected %d", cases[i].s, r, cases[i].r);
		assert_stat_untouched(&st);
		free(cases[i].s);
	}

	/* 2^64-1 is a value like any other */
	{
		char *s = unit_replace(full, "33554432", UNIT_U64_MAX_STR);

		assert_errno(zs_parse_mm_stat(s, &st), 0);
		assert_u64_equal(st.val[ZS_MM_ORIG_DATA_SIZE], UINT64_MAX);
		assert_u64_equal(st.val[ZS_MM_COMPR_DATA_SIZE], 16560380);
		assert_int_equal(st.ncols, 9);
		free(s);
	}
	free(full);
}

static void test_col_names(void **state)
{
	assert_string_equal(zs_mm_col_name(ZS_MM_ORIG_DATA_SIZE), "orig_data_size");
	assert_string_equal(zs_mm_col_name(ZS_MM_COMPR_DATA_SIZE), "compr_data_size");
	assert_string_equal(zs_mm_col_name(ZS_MM_MEM_USED_TOTAL), "mem_used_total");
	assert_string_equal(zs_mm_col_name(ZS_MM_SAME_PAGES), "same_pages");
	assert_string_equal(zs_mm_col_name(ZS_MM_PAGES_COMPACTED), "pages_compacted");
	assert_string_equal(zs_mm_col_name(ZS_MM_HUGE_PAGES_SINCE), "huge_pages_since");
	assert_string_equal(zs_mm_col_name(ZS_MM_COMPACT_GATED), "compact_gated");
	assert_int_equal(ZS_MM_COMPACT_GATED, 9); /* the tenth column */
	assert_null(zs_mm_col_name(ZS_MM_KNOWN));
	assert_null(zs_mm_col_name(1000));
	assert_string_equal(zs_io_col_name(ZS_IO_FAILED_READS), "failed_reads");
	assert_string_equal(zs_io_col_name(ZS_IO_NOTIFY_FREE), "notify_free");
	assert_null(zs_io_col_name(ZS_IO_KNOWN));
	assert_string_equal(zs_bd_col_name(ZS_BD_COUNT), "bd_count");
	assert_string_equal(zs_bd_col_name(ZS_BD_WRITES), "bd_writes");
	assert_null(zs_bd_col_name(ZS_BD_KNOWN));
}

/* ---- io_stat and bd_stat ----------------------------------------------- */

static void test_io_stat_captures(void **state)
{
	/* notify_free counts the 8192 discarded pages */
	static const uint64_t notify[STAGES_N] = { 0, 0, 8192, 8192 };

	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < STAGES_N; i++) {
			char *rel = unit_printf("%szram0.io_stat.%s", k ? K612 : K61, stages[i]);
			char *s = unit_load(rel, NULL);
			struct zs_stat st;

			stat_sentinel(&st);
			assert_errno(zs_parse_io_stat(s, &st), 0);
			assert_int_equal(st.ncols, 4);
			assert_int_equal(st.present, 0xf);
			assert_u64_equal(st.val[ZS_IO_FAILED_READS], 0);
			assert_u64_equal(st.val[ZS_IO_FAILED_WRITES], 0);
			assert_u64_equal(st.val[ZS_IO_INVALID_IO], 0);
			assert_u64_equal(st.val[ZS_IO_NOTIFY_FREE], notify[i]);
			assert_u64_equal(st.val[4], 0);
			free(s);
			free(rel);
		}
	}
}

static void test_io_stat_unpadded(void **state)
{
	char *s = unit_load(K612 "zram0.io_stat.after_discard", NULL);
	struct zs_stat st;
	char *t;

	/* 6.12 prints invalid_io with "%llu" where the others are "%8llu" */
	assert_string_equal(s, "       0        0 0     8192\n");
	t = unit_replace(s, " 0     8192", " 3     8192");
	assert_errno(zs_parse_io_stat(t, &st), 0);
	assert_u64_equal(st.val[ZS_IO_INVALID_IO], 3);
	assert_u64_equal(st.val[ZS_IO_NOTIFY_FREE], 8192);
	free(t);
	/* the fields glued together are one number, and then too few columns */
	t = unit_replace(s, " 0     8192", " 08192");
	stat_sentinel(&st);
	assert_errno(zs_parse_io_stat(t, &st), -EINVAL);
	assert_stat_untouched(&st);
	free(t);
	free(s);
}

static void test_io_stat_garbled(void **state)
{
	char *full = unit_load(K612 "zram0.io_stat.after_compact", NULL);
	struct {
		char *s;
		int r;
	} cases[] = {
		{ unit_strndup(full, 0), -EINVAL },
		{ unit_strndup(full, 8), -EINVAL },  /* one column */
		{ unit_strndup(full, 17), -EINVAL }, /* two */
		{ unit_strndup(full, 19), -EINVAL }, /* three, the unpadded one last */
		{ unit_replace(full, "8192", "81p2"), -EINVAL },
		{ unit_replace(full, " 0 ", " -1 "), -EINVAL },
		{ unit_replace(full, "8192", UNIT_U64_OVER_STR), -ERANGE },
		{ unit_printf("%s0\n", full), -EINVAL },
		{ unit_printf("%s%s", full, full), -EINVAL },
	};
	struct zs_stat st;

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		int r;

		stat_sentinel(&st);
		r = zs_parse_io_stat(cases[i].s, &st);
		if (r != cases[i].r)
			fail_msg("io_stat(\"%s\") = %d, expected %d", cases[i].s, r, cases[i].r);
		assert_stat_untouched(&st);
		free(cases[i].s);
	}
	/* a fifth column is kept */
	{
		char *s = unit_replace(full, "8192", "8192 17");

		assert_errno(zs_parse_io_stat(s, &st), 0);
		assert_int_equal(st.ncols, 5);
		assert_int_equal(st.present, 0xf);
		assert_u64_equal(st.val[ZS_IO_NOTIFY_FREE], 8192);
		assert_u64_equal(st.val[4], 17);
		free(s);
	}
	/* 2^64-1 */
	{
		char *s = unit_replace(full, "8192", UNIT_U64_MAX_STR);

		assert_errno(zs_parse_io_stat(s, &st), 0);
		assert_u64_equal(st.val[ZS_IO_NOTIFY_FREE], UINT64_MAX);
		free(s);
	}
	free(full);
}

static void test_bd_stat(void **state)
{
	struct zs_stat st;
	char *s, *t;

	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < STAGES_N; i++) {
			char *rel = unit_printf("%szram0.bd_stat.%s", k ? K612 : K61, stages[i]);

			s = unit_load(rel, NULL);
			assert_string_equal(s, "       0        0        0\n");
			stat_sentinel(&st);
			assert_errno(zs_parse_bd_stat(s, &st), 0);
			assert_int_equal(st.ncols, 3);
			assert_int_equal(st.present, 0x7);
			for (unsigned int c = 0; c < ZS_STAT_MAX; c++)
				assert_u64_equal(st.val[c], 0);
			free(s);
			free(rel);
		}
	}
	s = unit_load(K612 "zram0.bd_stat.after_write", NULL);

	t = unit_printf("       3       12 %s\n", UNIT_U64_MAX_STR);
	assert_errno(zs_parse_bd_stat(t, &st), 0);
	assert_u64_equal(st.val[ZS_BD_COUNT], 3);
	assert_u64_equal(st.val[ZS_BD_READS], 12);
	assert_u64_equal(st.val[ZS_BD_WRITES], UINT64_MAX);
	free(t);

	/* a fourth column of a future kernel */
	t = unit_printf("%.*s        9\n", (int)strlen(s) - 1, s);
	assert_errno(zs_parse_bd_stat(t, &st), 0);
	assert_int_equal(st.ncols, 4);
	assert_int_equal(st.present, 0x7);
	assert_u64_equal(st.val[3], 9);
	free(t);

	/* two columns, letters, negative, out of range, a second line */
	{
		char *bad[] = {
			unit_strndup(s, 17),
			unit_strndup(s, 0),
			unit_replace(s, "       0\n", "       O\n"),
			unit_replace(s, "       0\n", "      -1\n"),
			unit_printf("%s%s", s, s),
		};

		for (unsigned int i = 0; i < UNIT_N(bad); i++) {
			stat_sentinel(&st);
			if (zs_parse_bd_stat(bad[i], &st) != -EINVAL)
				fail_msg("bd_stat(\"%s\") not refused", bad[i]);
			assert_stat_untouched(&st);
			free(bad[i]);
		}
		t = unit_replace(s, "       0\n", " " UNIT_U64_OVER_STR "\n");
		stat_sentinel(&st);
		assert_errno(zs_parse_bd_stat(t, &st), -ERANGE);
		assert_stat_untouched(&st);
		free(t);
	}
	free(s);
}

/* ---- debug_stat ---------------------------------------------------------- */

static void test_debug_stat_captures(void **state)
{
	for (unsigned int k = 0; k < 2; k++) {
		for (unsigned int i = 0; i < STAGES_N; i++) {
			char *rel = unit_printf("%szram0.debug_stat.%s", k ? K612 : K61, stages[i]);
			char *s = unit_load(rel, NULL);
			struct zs_debug_stat ds = { 99, 99, 99 };

			assert_string_equal(s, "version: 1\n       0        0\n");
			assert_errno(zs_parse_debug_stat(s, &ds), 0);
			assert_int_equal(ds.version, 1);
			assert_u64_equal(ds.writestall, 0);
			assert_u64_equal(ds.miss_free, 0);
			free(s);
			free(rel);
		}
	}
}

static void test_debug_stat_values(void **state)
{
	struct zs_debug_stat ds;

	assert_errno(zs_parse_debug_stat("version: 1\n       3        7\n", &ds), 0);
	assert_int_equal(ds.version, 1);
	assert_u64_equal(ds.writestall, 3);
	assert_u64_equal(ds.miss_free, 7);
	/* without the final newline */
	assert_errno(zs_parse_debug_stat("version: 1\n5 6", &ds), 0);
	assert_u64_equal(ds.writestall, 5);
	assert_u64_equal(ds.miss_free, 6);
	/* a later version that appends a column */
	assert_errno(zs_parse_debug_stat("version: 2\n       1        2        3\n", &ds), 0);
	assert_int_equal(ds.version, 2);
	assert_u64_equal(ds.writestall, 1);
	assert_u64_equal(ds.miss_free, 2);
	assert_errno(zs_parse_debug_stat("version: 1\n" UNIT_U64_MAX_STR " 0\n", &ds), 0);
	assert_u64_equal(ds.writestall, UINT64_MAX);
}

static void test_debug_stat_garbled(void **state)
{
	char *full = unit_load(K61 "zram0.debug_stat.after_write", NULL);
	struct {
		char *s;
		int r;
	} cases[] = {
		{ unit_strndup(full, 0), -EINVAL },
		{ unit_strndup(full, 4), -EINVAL },  /* "vers" */
		{ unit_strndup(full, 9), -EINVAL },  /* "version: " */
		{ unit_strndup(full, 10), -EINVAL }, /* "version: 1" */
		{ unit_strndup(full, 11), -EINVAL }, /* no values */
		{ unit_strndup(full, 19), -EINVAL }, /* one value */
		{ unit_strndup(full, 21), -EINVAL }, /* one value and blanks */
		{ unit_replace(full, "version: ", "version:"), -EINVAL },
		{ unit_replace(full, "version: ", "Version: "), -EINVAL },
		{ unit_replace(full, "version: 1", "version: x"), -EINVAL },
		{ unit_replace(full, "version: 1", "version: -1"), -EINVAL },
		{ unit_replace(full, "version: 1", "version: 1 "), -EINVAL },
		{ unit_replace(full, "version: 1", "version: 1001"), -EINVAL },
		{ unit_replace(full, "version: 1", "version: " UNIT_U64_OVER_STR), -ERANGE },
		{ unit_replace(full, "       0\n", "      0x\n"), -EINVAL },
		{ unit_replace(full, "       0\n", "      -1\n"), -EINVAL },
		{ unit_replace(full, "       0\n", " " UNIT_U64_OVER_STR "\n"), -ERANGE },
		{ unit_printf("%s       0        0\n", full), -EINVAL }, /* a third line */
		{ unit_printf("%s\n", full), -EINVAL },
		{ unit_printf("%s%s", full, full), -EINVAL },
		{ unit_replace(full, "1\n", "1\n\n"), -EINVAL },
	};
	struct zs_debug_stat ds;

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		int r;

		ds = (struct zs_debug_stat){ 99, 98, 97 };
		r = zs_parse_debug_stat(cases[i].s, &ds);
		if (r != cases[i].r)
			fail_msg("debug_stat(\"%s\") = %d, expected %d", cases[i].s, r, cases[i].r);
		assert_int_equal(ds.version, 99);
		assert_u64_equal(ds.writestall, 98);
		assert_u64_equal(ds.miss_free, 97);
		free(cases[i].s);
	}
	free(full);
}

/* ---- comp_algorithm ------------------------------------------------------- */

static void test_comp_algorithm_captures(void **state)
{
	static const char *const stages5[] = { "choices", "empty", "after_write", "after_discard",
					       "after_compact" };

	for (unsigned int i = 0; i < UNIT_N(stages5); i++) {
		char *rel = unit_printf(K61 "zram0.comp_algorithm.%s", stages5[i]);
		char *s = unit_load(rel, NULL);
		struct zs_algorithms a;

		memset(&a, 0x55, sizeof(a));
		assert_string_equal(s, "lzo [lzo-rle] lz4 lz4hc zstd \n");
		assert_errno(zs_parse_comp_algorithm(s, &a), 0);
		assert_int_equal(a.n, 5);
		assert_int_equal(a.active, 1);
		assert_string_equal(a.name[0], "lzo");
		assert_string_equal(a.name[1], "lzo-rle");
		assert_string_equal(a.name[2], "lz4");
		assert_string_equal(a.name[3], "lz4hc");
		assert_string_equal(a.name[4], "zstd");
		free(s);
		free(rel);

		rel = unit_printf(K612 "zram0.comp_algorithm.%s", stages5[i]);
		s = unit_load(rel, NULL);
		memset(&a, 0x55, sizeof(a));
		assert_string_equal(s, "[lz4] lz4hc zstd deflate \n");
		assert_errno(zs_parse_comp_algorithm(s, &a), 0);
		assert_int_equal(a.n, 4);
		assert_int_equal(a.active, 0);
		assert_string_equal(a.name[0], "lz4");
		assert_string_equal(a.name[1], "lz4hc");
		assert_string_equal(a.name[2], "zstd");
		assert_string_equal(a.name[3], "deflate");
		free(s);
		free(rel);
	}
}

static void test_comp_algorithm_variants(void **state)
{
	char name31[32], name32[33];
	struct zs_algorithms a;
	char *s;

	/* none active */
	assert_errno(zs_parse_comp_algorithm("lzo lz4\n", &a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.active, -1);
	assert_string_equal(a.name[1], "lz4");
	/* the last one active, no trailing blank, no newline */
	assert_errno(zs_parse_comp_algorithm("lz4 [zstd]", &a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.active, 1);
	assert_string_equal(a.name[1], "zstd");
	/* names up to 31 characters */
	memset(name31, 'a', 31);
	name31[31] = '\0';
	s = unit_printf("[%s] lz4\n", name31);
	assert_errno(zs_parse_comp_algorithm(s, &a), 0);
	assert_int_equal(a.active, 0);
	assert_string_equal(a.name[0], name31);
	free(s);
	/* 16 algorithms */
	s = unit_printf("a b c d e f g h i j k l m n o [p]\n");
	assert_errno(zs_parse_comp_algorithm(s, &a), 0);
	assert_int_equal(a.n, ZS_ALGO_MAX);
	assert_int_equal(a.active, 15);
	assert_string_equal(a.name[15], "p");
	free(s);

	memset(name32, 'a', 32);
	name32[32] = '\0';
	{
		char *bad[] = {
			unit_printf("%s", ""),
			unit_printf("%s", "\n"),
			unit_printf("%s", "   \n"),
			unit_printf("%s", "[lz4"),
			unit_printf("%s", "[lz4 zstd\n"),
			unit_printf("%s", "lz4]\n"),
			unit_printf("%s", "[lz4] [zstd]\n"),
			unit_printf("%s", "[[lz4]]\n"),
			unit_printf("%s", "[]\n"),
			unit_printf("%s", "[ lz4]\n"),
			unit_printf("%s", "[lz4 ]\n"),
			unit_printf("%s", "[lz4]zstd\n"),
			unit_printf("%s", "lz4 zst@d\n"),
			unit_printf("%s", "lz4 zstd/1\n"),
			unit_printf("%s", "lz4\nzstd\n"),
			unit_printf("%s", "[lz4] zstd\n\n"),
			unit_printf("%s", "lz4\r\n"),
			unit_printf("%s lz4\n", name32),
			unit_printf("%s", "a b c d e f g h i j k l m n o p [q]\n"),
		};

		for (unsigned int i = 0; i < UNIT_N(bad); i++) {
			memset(&a, 0x55, sizeof(a));
			if (zs_parse_comp_algorithm(bad[i], &a) != -EINVAL)
				fail_msg("comp_algorithm(\"%s\") not refused", bad[i]);
			assert_int_equal(a.n, 0x55555555);
			assert_int_equal((unsigned char)a.name[0][0], 0x55);
			free(bad[i]);
		}
	}
}

static void test_comp_algorithm_truncated(void **state)
{
	char *full = unit_load(K61 "zram0.comp_algorithm.choices", NULL);
	struct zs_algorithms a;
	char *s;

	/* "lzo" */
	s = unit_strndup(full, 3);
	assert_errno(zs_parse_comp_algorithm(s, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.active, -1);
	free(s);
	/* "lzo [lzo-r": the bracket is never closed */
	s = unit_strndup(full, 10);
	memset(&a, 0x55, sizeof(a));
	assert_errno(zs_parse_comp_algorithm(s, &a), -EINVAL);
	assert_int_equal(a.n, 0x55555555);
	free(s);
	/* "lzo [" */
	s = unit_strndup(full, 5);
	assert_errno(zs_parse_comp_algorithm(s, &a), -EINVAL);
	free(s);
	/* nothing */
	s = unit_strndup(full, 0);
	assert_errno(zs_parse_comp_algorithm(s, &a), -EINVAL);
	free(s);
	/* all but the trailing blank and newline */
	s = unit_strndup(full, strlen(full) - 2);
	assert_errno(zs_parse_comp_algorithm(s, &a), 0);
	assert_int_equal(a.n, 5);
	assert_int_equal(a.active, 1);
	assert_string_equal(a.name[4], "zstd");
	free(s);
	free(full);
}

/* ---- device names -------------------------------------------------------- */

static void test_devname_accept(void **state)
{
	static const struct {
		const char *arg, *name;
	} ok[] = {
		{ "zram0", "zram0" },
		{ "zram1", "zram1" },
		{ "zram12", "zram12" },
		{ "zram10", "zram10" },
		{ "/dev/zram3", "zram3" },
		{ "/dev/zram0", "zram0" },
		{ "zram123456789", "zram123456789" }, /* nine digits */
		{ "/dev/zram999999999", "zram999999999" },
	};

	for (unsigned int i = 0; i < UNIT_N(ok); i++) {
		char name[ZS_DEVNAME_MAX];

		memset(name, 'X', sizeof(name));
		if (zs_devname_parse(ok[i].arg, name) != 0)
			fail_msg("zs_devname_parse(\"%s\") refused", ok[i].arg);
		assert_string_equal(name, ok[i].name);
		assert_true(zs_devname_valid(ok[i].name));
	}
	/* what a C string holds after an embedded NUL is not seen, nor copied */
	{
		static const char arg[] = "zram1\0/../../etc";
		char name[ZS_DEVNAME_MAX];

		memset(name, 'X', sizeof(name));
		assert_errno(zs_devname_parse(arg, name), 0);
		assert_string_equal(name, "zram1");
		assert_int_equal(name[6], 'X');
	}
}

static void test_devname_reject(void **state)
{
	static const char *const bad[] = {
		"zram",
		"zram01",
		"zram00",
		"zramX",
		"zram1X",
		"zram-1",
		"zram+1",
		"zram 1",
		" zram1",
		"zram1 ",
		"ZRAM0",
		"Zram0",
		"sda",
		"sda1",
		"loop0",
		"zram",
		"zram0/..",
		"zram0/",
		"zram0/../zram1",
		"../../etc",
		"../zram0",
		"zram1\n",
		"zram1\t",
		"zram1234567890", /* ten digits */
		"zram4294967296",
		"zram99999999999999999999",
		"zram0zram0",
		"",
		"/",
		"/dev/",
		"/dev/zram",
		"/dev/zram01",
		"/dev/../zram0",
		"/dev//zram0",
		"/dev/zram0/",
		"dev/zram0",
		"/dev/dev/zram0",
		"/sys/block/zram0",
		"/dev/sda",
		"zram\xd9\xa0", /* ARABIC-INDIC DIGIT ZERO */
	};

	for (unsigned int i = 0; i < UNIT_N(bad); i++) {
		char name[ZS_DEVNAME_MAX];

		memset(name, 'X', sizeof(name));
		if (zs_devname_parse(bad[i], name) != -EINVAL)
			fail_msg("zs_devname_parse(\"%s\") accepted", bad[i]);
		assert_int_equal(name[0], 'X'); /* untouched */
		if (zs_devname_valid(bad[i]))
			fail_msg("zs_devname_valid(\"%s\") is true", bad[i]);
	}
	/* zs_devname_valid() takes bare names only */
	assert_false(zs_devname_valid("/dev/zram3"));
	assert_false(zs_devname_valid(NULL));
	{
		char name[ZS_DEVNAME_MAX];

		memset(name, 'X', sizeof(name));
		assert_errno(zs_devname_parse(NULL, name), -EINVAL);
		assert_int_equal(name[0], 'X');
	}
}

/* ---- reading: a NUL in a sysfs file ---------------------------------------- */

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	if (write(fd, data, len) != (ssize_t)len)
		fail_msg("cannot write %s", path);
	close(fd);
}

static void test_read_nul(void **state)
{
	char *full = unit_load(K612 "zram0.mm_stat.after_discard", NULL);
	const char *tmp = getenv("TMPDIR");
	char root[4096], path[4200];
	struct zs_ctx *ctx = NULL;
	char *text = NULL, *with_nul;
	size_t len = strlen(full);
	struct zs_stat st;

	snprintf(root, sizeof(root), "%s/zsctl-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		fail_msg("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/mm_stat", root);
	write_file(path, full, len);
	snprintf(path, sizeof(path), "%s/mm_stat.nul", root);
	/* "33554432 16560380 2877\0304 ..." */
	with_nul = unit_strndup(full, len);
	with_nul[unit_offset_of(full, "28770304") + 4] = '\0';
	write_file(path, with_nul, len);

	assert_errno(zs_ctx_new(root, &ctx), 0);
	assert_false(zs_ctx_is_live(ctx));
	assert_errno(zs_ctx_read_file(ctx, "mm_stat", 4096, &text), 0);
	assert_string_equal(text, full);
	assert_errno(zs_parse_mm_stat(text, &st), 0);
	assert_u64_equal(st.val[ZS_MM_MEM_USED_TOTAL], 28770304);
	free(text);
	text = NULL;

	/* as a C string it would read "... 2877", a plausible and wrong value */
	assert_errno(zs_ctx_read_file(ctx, "mm_stat.nul", 4096, &text), -EINVAL);
	assert_null(text);
	assert_string_equal(zs_ctx_error_path(ctx), "mm_stat.nul");
	zs_ctx_free(ctx);

	unlink(path);
	snprintf(path, sizeof(path), "%s/mm_stat", root);
	unlink(path);
	rmdir(root);
	free(with_nul);
	free(full);
}

/* The captures read through the library's rooted context parse the same. */
static void test_read_captures_via_ctx(void **state)
{
	struct zs_ctx *ctx = NULL;
	char *text = NULL;
	struct zs_stat st;

	assert_errno(zs_ctx_new(unit_abi_dir(), &ctx), 0);
	assert_errno(zs_ctx_read_file(ctx, K612 "zram0.io_stat.after_discard", 4096, &text), 0);
	assert_errno(zs_parse_io_stat(text, &st), 0);
	assert_u64_equal(st.val[ZS_IO_NOTIFY_FREE], 8192);
	free(text);
	text = NULL;
	assert_errno(zs_ctx_read_file(ctx, K61 "zram0.mm_stat.after_compact", 4096, &text), 0);
	assert_errno(zs_parse_mm_stat(text, &st), 0);
	assert_u64_equal(st.val[ZS_MM_PAGES_COMPACTED], 2036);
	free(text);
	text = NULL;
	assert_errno(zs_ctx_read_file(ctx, K61 "zram0.no_such_file", 4096, &text), -ENOENT);
	assert_string_equal(zs_ctx_error_path(ctx), K61 "zram0.no_such_file");
	zs_ctx_free(ctx);
}

/* ---- zs_parse_meminfo ---------------------------------------------------- */

/* The head of a 6.18 proc/meminfo, and of a 5.10 one (no Zswapped yet). */
static const char meminfo_618[] = "MemTotal:       24683748 kB\n"
				  "MemFree:        23237908 kB\n"
				  "MemAvailable:   24145468 kB\n"
				  "Buffers:           27964 kB\n"
				  "Active(anon):        164 kB\n"
				  "SwapTotal:        1048572 kB\n"
				  "SwapFree:          524288 kB\n"
				  "Zswap:               4096 kB\n"
				  "Zswapped:           16384 kB\n"
				  "HugePages_Total:       0\n"
				  "Hugepagesize:       2048 kB\n";
static const char meminfo_510[] = "MemTotal:        2030412 kB\n"
				  "MemFree:          113756 kB\n"
				  "MemAvailable:    1421232 kB\n"
				  "SwapTotal:              0 kB\n"
				  "SwapFree:               0 kB\n";

static void test_meminfo_real(void **state)
{
	struct zs_meminfo m;

	assert_errno(zs_parse_meminfo(meminfo_618, &m), 0);
	assert_u64_equal(m.val[ZS_MEMINFO_MEM_TOTAL], UINT64_C(24683748) * 1024);
	assert_u64_equal(m.val[ZS_MEMINFO_MEM_AVAILABLE], UINT64_C(24145468) * 1024);
	assert_u64_equal(m.val[ZS_MEMINFO_SWAP_FREE], UINT64_C(524288) * 1024);
	assert_u64_equal(m.val[ZS_MEMINFO_ZSWAP], UINT64_C(4096) * 1024);
	assert_u64_equal(m.val[ZS_MEMINFO_ZSWAPPED], UINT64_C(16384) * 1024);
	assert_true(zs_meminfo_has(&m, ZS_MEMINFO_ZSWAPPED));
	assert_string_equal(zs_meminfo_key_name(ZS_MEMINFO_ZSWAPPED), "Zswapped");
	assert_null(zs_meminfo_key_name(ZS_MEMINFO_KNOWN));

	assert_errno(zs_parse_meminfo(meminfo_510, &m), 0);
	assert_u64_equal(m.val[ZS_MEMINFO_MEM_FREE], UINT64_C(113756) * 1024);
	assert_false(zs_meminfo_has(&m, ZS_MEMINFO_ZSWAP));
	assert_false(zs_meminfo_has(&m, ZS_MEMINFO_ZSWAPPED));
	assert_u64_equal(m.val[ZS_MEMINFO_ZSWAPPED], 0);
}

/* ---- zswap: parameters, vmstat, derived values ----------------------------------- */

static void test_zswap_params(void **state)
{
	struct zs_zswap z = { 0 };

	(void)state;
	/* as 7.3.4 prints them (tests/kernel/captured/linux-7.3.4-patched) */
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ENABLED, "Y\n", &z), 0);
	assert_true(z.enabled);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_SHRINKER_ENABLED, "N\n", &z), 0);
	assert_false(z.shrinker_enabled);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_COMPRESSOR, "lzo\n", &z), 0);
	assert_string_equal(z.compressor, "lzo");
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_MAX_POOL_PERCENT, "20\n", &z), 0);
	assert_u64_equal(z.max_pool_percent, 20);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT, "90\n", &z), 0);
	assert_u64_equal(z.accept_threshold_percent, 90);
	assert_false(zs_zswap_has_param(&z, ZS_ZSWAP_P_ZPOOL)); /* gone in 7.3 */
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ZPOOL, "zsmalloc\n", &z), 0);
	assert_true(zs_zswap_has_param(&z, ZS_ZSWAP_P_ZPOOL));
	assert_string_equal(z.zpool, "zsmalloc");
	assert_string_equal(zs_zswap_param_name(ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT),
			    "accept_threshold_percent");
	assert_null(zs_zswap_param_name(ZS_ZSWAP_P_KNOWN));
	assert_string_equal(zs_zswap_stat_name(ZS_ZSWAP_S_STORED_INCOMPRESSIBLE_PAGES),
			    "stored_incompressible_pages");
	assert_null(zs_zswap_stat_name(ZS_ZSWAP_S_KNOWN));

	/* garbled: refused, the value before kept */
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ENABLED, "1\n", &z), -EINVAL);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ENABLED, "Yes\n", &z), -EINVAL);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ENABLED, "", &z), -EINVAL);
	assert_true(z.enabled);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_COMPRESSOR, "lz 4\n", &z), -EINVAL);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_COMPRESSOR, "lzo\nzstd\n", &z), -EINVAL);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_COMPRESSOR, "\n", &z), -EINVAL);
	assert_string_equal(z.compressor, "lzo");
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_MAX_POOL_PERCENT, "101\n", &z), -ERANGE);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_MAX_POOL_PERCENT, "-1\n", &z), -EINVAL);
	assert_u64_equal(z.max_pool_percent, 20);
}

static void test_zswap_vmstat(void **state)
{
	struct zs_zswap z = { 0 };

	(void)state;
	assert_errno(zs_parse_vmstat_zswap("nr_free_pages 1\nzswpin 352\nzswpout 16840\n"
					   "zswpwb 8777\nzswpwb_x 5\nswap_ra 3\n",
					   &z),
		     0);
	assert_u64_equal(z.vm[ZS_ZSWAP_V_ZSWPIN], 352);
	assert_u64_equal(z.vm[ZS_ZSWAP_V_ZSWPOUT], 16840);
	assert_u64_equal(z.vm[ZS_ZSWAP_V_ZSWPWB], 8777);
	/* before 6.8: no zswpwb */
	assert_errno(zs_parse_vmstat_zswap("zswpin 1\nzswpout 2\n", &z), 0);
	assert_true(zs_zswap_has_vm(&z, ZS_ZSWAP_V_ZSWPOUT));
	assert_false(zs_zswap_has_vm(&z, ZS_ZSWAP_V_ZSWPWB));
	/* no zswap at all: nothing present, no error */
	assert_errno(zs_parse_vmstat_zswap("nr_free_pages 1\n", &z), 0);
	assert_int_equal(z.vm_present, 0);
	/* garbled: refused, untouched */
	z.vm_present = 0x5;
	assert_errno(zs_parse_vmstat_zswap("zswpin x\n", &z), -EINVAL);
	assert_errno(zs_parse_vmstat_zswap("zswpin 99999999999999999999\n", &z), -EINVAL);
	assert_int_equal(z.vm_present, 0x5);
}

static void test_zswap_derive(void **state)
{
	struct zs_zswap z = { 0 };
	struct zs_meminfo m;
	struct zs_zswap_derived d;

	(void)state;
	/* 7.3.4 guest, during: MemTotal 251660 kB, Zswap 16980 kB, Zswapped 30848 kB */
	assert_errno(zs_parse_meminfo("MemTotal:         251660 kB\nZswap:  16980 kB\n"
				      "Zswapped:          30848 kB\n",
				      &m),
		     0);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_MAX_POOL_PERCENT, "20\n", &z), 0);
	assert_errno(zs_parse_zswap_param(ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT, "90\n", &z), 0);
	zs_zswap_derive(&z, &m, 4096, &d);
	assert_u64_equal(d.pool, UINT64_C(16980) * 1024);
	assert_u64_equal(d.stored, UINT64_C(30848) * 1024);
	assert_true(d.has_ratio);
	assert_true(d.ratio > 1.8167 && d.ratio < 1.8168);
	assert_int_equal(d.saving, (int64_t)(30848 - 16980) * 1024);
	/* 62915 pages * 20 / 100 = 12583 pages; 90% of that: 11324 pages */
	assert_u64_equal(d.pool_limit, UINT64_C(12583) * 4096);
	assert_u64_equal(d.accept_at, UINT64_C(11324) * 4096);
	assert_true(d.pool_fill > 0.3373 && d.pool_fill < 0.3374);

	/* a pool bigger than its data (incompressible pages): a negative saving */
	assert_errno(zs_parse_meminfo("MemTotal: 1000 kB\nZswap: 40 kB\nZswapped: 36 kB\n", &m), 0);
	zs_zswap_derive(&z, &m, 4096, &d);
	assert_int_equal(d.saving, -4 * 1024);
	/* an empty pool: no ratio; no meminfo: nothing */
	assert_errno(zs_parse_meminfo("MemTotal: 1000 kB\nZswap: 0 kB\nZswapped: 0 kB\n", &m), 0);
	zs_zswap_derive(&z, &m, 4096, &d);
	assert_false(d.has_ratio);
	assert_true(d.has_saving);
	zs_zswap_derive(&z, NULL, 4096, &d);
	assert_false(d.has_pool || d.has_stored || d.has_pool_limit || d.has_ratio);
}

static void test_meminfo_garbled(void **state)
{
	static const char *const bad[] = {
		"",					      /* empty: no MemTotal */
		"MemFree:          113756 kB\n",	      /* no MemTotal */
		"MemTotal:        2030412\n",		      /* no unit */
		"MemTotal:        2030412 MB\n",	      /* wrong unit */
		"MemTotal:        -2030412 kB\n",	      /* sign */
		"MemTotal:        2030412 kB trailing\n",     /* junk after the unit */
		"MemTotal:        99999999999999999999 kB\n", /* overflows u64 */
		"MemTotal:        18014398509481984 kB\n",    /* overflows in bytes */
		"MemTotal:        2030412 kB\nZswap:  x kB\n",
	};
	struct zs_meminfo m = { .present = 0xdead };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_errno(zs_parse_meminfo(bad[i], &m), -EINVAL);
		assert_int_equal(m.present, 0xdead); /* untouched on failure */
	}
	/* A key that merely begins like a known one is another key. */
	assert_errno(zs_parse_meminfo("MemTotal: 1 kB\nZswapTotal: x\n", &m), 0);
	assert_false(zs_meminfo_has(&m, ZS_MEMINFO_ZSWAP));
	/* No trailing newline is still a whole line. */
	assert_errno(zs_parse_meminfo("MemTotal: 7 kB", &m), 0);
	assert_u64_equal(m.val[ZS_MEMINFO_MEM_TOTAL], 7 * 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_captures),
		cmocka_unit_test(test_u64_valid),
		cmocka_unit_test(test_u64_range),
		cmocka_unit_test(test_u64_invalid),
		cmocka_unit_test(test_u64_garbled_capture),
		cmocka_unit_test(test_columns_captures),
		cmocka_unit_test(test_columns_blank_and_tabs),
		cmocka_unit_test(test_columns_too_many),
		cmocka_unit_test(test_columns_garbled),
		cmocka_unit_test(test_mm_stat_captures),
		cmocka_unit_test(test_mm_stat_ncols),
		cmocka_unit_test(test_mm_stat_truncated),
		cmocka_unit_test(test_mm_stat_garbled),
		cmocka_unit_test(test_col_names),
		cmocka_unit_test(test_io_stat_captures),
		cmocka_unit_test(test_io_stat_unpadded),
		cmocka_unit_test(test_io_stat_garbled),
		cmocka_unit_test(test_bd_stat),
		cmocka_unit_test(test_debug_stat_captures),
		cmocka_unit_test(test_debug_stat_values),
		cmocka_unit_test(test_debug_stat_garbled),
		cmocka_unit_test(test_comp_algorithm_captures),
		cmocka_unit_test(test_comp_algorithm_variants),
		cmocka_unit_test(test_comp_algorithm_truncated),
		cmocka_unit_test(test_devname_accept),
		cmocka_unit_test(test_devname_reject),
		cmocka_unit_test(test_read_nul),
		cmocka_unit_test(test_read_captures_via_ctx),
		cmocka_unit_test(test_meminfo_real),
		cmocka_unit_test(test_meminfo_garbled),
		cmocka_unit_test(test_zswap_params),
		cmocka_unit_test(test_zswap_vmstat),
		cmocka_unit_test(test_zswap_derive),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
