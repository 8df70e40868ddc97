// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Slot ages (lib/ages.c): block_state's lines as 6.12 and 7.3 print them
 * (and kernels before 6.2, four flags), garbled lines, an empty file, the
 * captures of make check-kernel's guests counted in pieces, and the ages
 * the policy would write.
 */
#include "config.h"

#include "../unit/unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define US UINT64_C(1000000)

static void test_lines(void **state)
{
	struct zs_slot s;

	(void)state;
	/* 6.12: "%12zd %12lld.%06lu %c%c%c%c%c%c\n", ktime in microseconds */
	assert_int_equal(zs_parse_block_state_line("           0          115.007138 ...i..", 39, &s), 0);
	assert_int_equal(s.index, 0);
	assert_int_equal(s.time_us, 115007138);
	assert_int_equal(s.flags, 1u << ZS_SLOT_IDLE);
	/* 7.3: "%12lu %12u.%06d %c%c%c%c%c%c\n", whole seconds */
	assert_int_equal(zs_parse_block_state_line("        1023           63.000000 ..h..n", 39, &s), 0);
	assert_int_equal(s.index, 1023);
	assert_int_equal(s.time_us, 63 * US);
	assert_int_equal(s.flags, (1u << ZS_SLOT_HUGE) | (1u << ZS_SLOT_INCOMPRESSIBLE));
	/* every letter in its place */
	assert_int_equal(zs_parse_block_state_line("           7            0.000000 swhirn", 39, &s), 0);
	assert_int_equal(s.flags, (1u << ZS_SLOT_FLAGS) - 1);
	assert_int_equal(s.time_us, 0);
	/* before 6.2: four flags (s w h i) */
	assert_int_equal(zs_parse_block_state_line("           5         12.000001 s..i", 35, &s), 0);
	assert_int_equal(s.flags, (1u << ZS_SLOT_SAME) | (1u << ZS_SLOT_IDLE));
	assert_int_equal(s.time_us, 12 * US + 1);
	/* numbers wider than the columns: no padding, still a space between */
	assert_int_equal(zs_parse_block_state_line("1234567890123 4294967295.000000 ......", 38, &s),
			 0);
	assert_int_equal(s.index, UINT64_C(1234567890123));
	assert_int_equal(s.time_us, UINT64_C(4294967295) * US);
}

static void test_garbled_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"           0",
		"           0          115.007138",
		"           0          115.007138 ",
		"           0          115.007138 ...i.",    /* five flags */
		"           0          115.007138 ...i...",  /* seven */
		"           0          115.007138 ..x...",   /* no kernel's letter */
		"           0          115.007138 h.....",   /* a letter out of its place */
		"           0          115.00713 ...i..",    /* five digits of fraction */
		"           0          115.0071380 ...i..",  /* seven */
		"           0          115 ...i..",          /* no fraction */
		"           0          -15.007138 ...i..",
		"          -1          115.007138 ...i..",
		"           0\t115.007138 ...i..",
		"           0          115.007138 ...i.. ", /* trailing blank */
		"           0          115.007138  ...i..",
		"0x10 115.007138 ...i..",
		UNIT_U64_OVER_STR " 115.007138 ......",
		"1 " UNIT_U64_MAX_STR ".000000 ......", /* past 2^64 microseconds */
	};
	struct zs_slot s = { .index = 99 };

	(void)state;
	for (size_t i = 0; i < UNIT_N(bad); i++) {
		if (zs_parse_block_state_line(bad[i], strlen(bad[i]), &s) >= 0)
			fail_msg("accepted: '%s'", bad[i]);
		assert_int_equal(s.index, 99); /* untouched */
	}
}

/* text as an fd, as block_state is read */
static int text_fd(const char *text, size_t len)
{
	int fd = memfd_create("block_state", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static char *load_capture(const char *rel, size_t *len)
{
	char *path = unit_printf("%s/tests/kernel/captured/%s", getenv("TOP_SRCDIR"), rel);
	FILE *f = fopen(path, "r");
	char *text = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(text);
	*len = fread(text, 1, (1 << 20) - 1, f);
	text[*len] = '\0';
	fclose(f);
	free(path);
	return text;
}

static void ages_for(struct zs_ages *a, uint64_t rc, uint64_t wb, uint64_t given)
{
	memset(a, 0, sizeof(*a));
	a->sel[ZS_AGES_FOR_RECOMPRESS] = (struct zs_ages_select){ .valid = true, .age = rc };
	a->sel[ZS_AGES_FOR_WRITEBACK] = (struct zs_ages_select){ .valid = true, .age = wb };
	a->sel[ZS_AGES_FOR_GIVEN] = (struct zs_ages_select){ .valid = true, .age = given };
}

static int count_text(const char *text, size_t len, uint64_t now_us, struct zs_ages *a)
{
	int fd = text_fd(text, len), r;

	r = zs_ages_count_fd(fd, now_us, 4096, a);
	close(fd);
	return r;
}

/*
 * 7.3's zram3 after writeback (uniq -c of its columns): 538 ".w...." and
 * 146 "s....." and 142 "..h..n" at 63 s, 198 "....r." without a time.
 */
static void test_capture_73(void **state)
{
	size_t len;
	char *text = load_capture("linux-7.3.4-patched/zram3.block_state.after_writeback", &len);
	struct zs_ages a;

	(void)state;
	/* seen 3 h after: 2h34m selects the 142 huge and the 198 without a time */
	ages_for(&a, 9291, 77227, 10800);
	assert_int_equal(count_text(text, len, 10863 * US, &a), 0);
	assert_int_equal(a.slots, 1024);
	assert_int_equal(a.bucket[3].slots, 826); /* 2h-4h */
	assert_int_equal(a.bucket[3].flag[ZS_SLOT_WB], 538);
	assert_int_equal(a.bucket[3].flag[ZS_SLOT_SAME], 146);
	assert_int_equal(a.bucket[3].flag[ZS_SLOT_HUGE], 142);
	assert_int_equal(a.bucket[3].flag[ZS_SLOT_INCOMPRESSIBLE], 142);
	assert_int_equal(a.bucket[ZS_AGES_NO_TIME].slots, 198);
	assert_int_equal(a.bucket[ZS_AGES_NO_TIME].flag[ZS_SLOT_RECOMPRESSED], 198);
	assert_int_equal(a.sel[ZS_AGES_FOR_RECOMPRESS].pages, 340);
	assert_int_equal(a.sel[ZS_AGES_FOR_RECOMPRESS].huge, 142);
	assert_int_equal(a.sel[ZS_AGES_FOR_RECOMPRESS].huge_bytes, 142 * 4096);
	assert_int_equal(a.sel[ZS_AGES_FOR_RECOMPRESS].recompressible, 0);
	/* an age past boot marks nothing (7.3's idle_store returns early) */
	assert_int_equal(a.sel[ZS_AGES_FOR_WRITEBACK].pages, 0);
	/* the cutoff is 63 s: a slot of 63 s is not older than it (cutoff > ac_time) */
	assert_int_equal(a.sel[ZS_AGES_FOR_GIVEN].pages, 198);
	ages_for(&a, 10799, 10862, 10863);
	assert_int_equal(count_text(text, len, 10863 * US, &a), 0);
	assert_int_equal(a.sel[ZS_AGES_FOR_RECOMPRESS].pages, 340);
	assert_int_equal(a.sel[ZS_AGES_FOR_WRITEBACK].pages, 198);
	assert_int_equal(a.sel[ZS_AGES_FOR_GIVEN].pages, 0);
	free(text);
}

/*
 * 6.12's maintain part, after its first run: 2048 lines, more than a piece
 * of the read (64K). Its flags (uniq -c): 547 "......", 508 "...i..",
 * 15 "...i.n", 34 "...ir.", 331 "..h...", 42 "..hi..", 23 "..hi.n",
 * 256 ".w....", 292 "s.....".
 */
static void test_capture_612(void **state)
{
	size_t len;
	char *text = load_capture("linux-6.12.118-patched/maintain.block_state.after_run1", &len);
	uint64_t flags[ZS_SLOT_FLAGS] = { 0 }, slots = 0;
	struct zs_ages a;

	(void)state;
	assert_true(len > 64 * 1024);
	ages_for(&a, 0, 1, 2);
	assert_int_equal(count_text(text, len, 100000 * US, &a), 0);
	assert_int_equal(a.slots, 2048);
	for (unsigned int b = 0; b < ZS_AGES_BUCKETS; b++) {
		slots += a.bucket[b].slots;
		for (unsigned int f = 0; f < ZS_SLOT_FLAGS; f++)
			flags[f] += a.bucket[b].flag[f];
	}
	assert_int_equal(slots, 2048);
	assert_int_equal(flags[ZS_SLOT_SAME], 292);
	assert_int_equal(flags[ZS_SLOT_WB], 256);
	assert_int_equal(flags[ZS_SLOT_HUGE], 331 + 42 + 23);
	assert_int_equal(flags[ZS_SLOT_IDLE], 508 + 15 + 34 + 42 + 23);
	assert_int_equal(flags[ZS_SLOT_RECOMPRESSED], 34);
	assert_int_equal(flags[ZS_SLOT_INCOMPRESSIBLE], 15 + 23);
	/* age 0: everything stored but same-filled and written back */
	assert_int_equal(a.sel[0].pages, 2048 - 292 - 256);
	assert_int_equal(a.sel[0].huge, 331 + 42 + 23);
	assert_int_equal(a.sel[0].recompressible, 2048 - 292 - 256 - 15 - 34 - 23);
	free(text);
}

static void test_empty_and_garbled(void **state)
{
	static const char garbled[] = "           0           63.000000 .w....\n"
				      "           1            0.000000 ....r.\n"
				      "           2            0.000000 ....x.\n"
				      "           3            0.000000 ....r.\n";
	char *longline = malloc(300);
	struct zs_ages a;

	(void)state;
	ages_for(&a, 1, 2, 3);
	assert_int_equal(count_text("", 0, 10 * US, &a), 0);
	assert_int_equal(a.slots, 0);
	assert_int_equal(a.sel[0].pages, 0);
	assert_int_equal(a.err_line, 0);

	ages_for(&a, 1, 2, 3);
	assert_int_equal(count_text(garbled, strlen(garbled), 10 * US, &a), -EBADMSG);
	assert_int_equal(a.err_line, 3);
	assert_int_equal(a.slots, 2); /* those before it */

	/* a last line without its newline is a line */
	ages_for(&a, 1, 2, 3);
	assert_int_equal(count_text(garbled, 40 + 39, 10 * US, &a), 0);
	assert_int_equal(a.slots, 2);

	/* no newline in sight: not block_state */
	assert_non_null(longline);
	memset(longline, '1', 299);
	longline[299] = '\0';
	ages_for(&a, 1, 2, 3);
	assert_int_equal(count_text(longline, 299, 10 * US, &a), -EBADMSG);
	assert_int_equal(a.err_line, 1);
	free(longline);
}

static void test_policy_ages(void **state)
{
	struct zs_maint_policy p;
	struct zs_meminfo m = { 0 };
	uint64_t rc, wb;

	(void)state;
	zs_maint_policy_default(&p);
	/* no memory figures: no pressure, the longest ages */
	zs_ages_policy(&p, NULL, 0, &rc, &wb);
	assert_int_equal(rc, p.recompress_age_max);
	assert_int_equal(wb, p.writeback_age_max);
	/* the formula is maintain's: the same figures give the same ages */
	m.val[ZS_MEMINFO_MEM_TOTAL] = 251660 * UINT64_C(1024);
	m.val[ZS_MEMINFO_MEM_AVAILABLE] = 189428 * UINT64_C(1024);
	zs_ages_policy(&p, &m, 0, &rc, &wb);
	assert_int_equal(rc, zs_maint_idle_age(p.recompress_age_min, p.recompress_age_max,
					       m.val[ZS_MEMINFO_MEM_AVAILABLE],
					       m.val[ZS_MEMINFO_MEM_TOTAL]));
	assert_int_equal(rc, 9291); /* 2h34m51s, as maintain --dry-run says for maintain73 */
	assert_int_equal(wb, 77227);
	/* suspended time lengthens the writeback age only, by at most the age */
	zs_ages_policy(&p, &m, 600, &rc, &wb);
	assert_int_equal(rc, 9291);
	assert_int_equal(wb, 77827);
	zs_ages_policy(&p, &m, 10 * 77227, &rc, &wb);
	assert_int_equal(wb, 2 * 77227);
	/* and stays a u32 (7.3) */
	p.writeback_age_min = p.writeback_age_max = UINT64_C(1) << 33;
	zs_ages_policy(&p, NULL, 0, &rc, &wb);
	assert_int_equal(wb, UINT32_MAX);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(zs_ages_bucket_label(0), "<10min");
	assert_string_equal(zs_ages_bucket_label(ZS_AGES_NO_TIME), "no-time");
	assert_int_equal(zs_ages_bucket_limit(3), 4 * 3600);
	assert_int_equal(zs_ages_bucket_limit(ZS_AGES_NO_TIME - 1), UINT64_MAX);
	/* bounds grow */
	for (unsigned int b = 1; b < ZS_AGES_NO_TIME - 1; b++)
		assert_true(zs_ages_bucket_limit(b) > zs_ages_bucket_limit(b - 1));
	assert_string_equal(zs_ages_for_name(ZS_AGES_FOR_WRITEBACK), "writeback");
	assert_non_null(strstr(zs_ages_status_str(ZS_AGES_NO_TRACKING),
			       "CONFIG_ZRAM_MEMORY_TRACKING"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_garbled_lines),
		cmocka_unit_test(test_capture_73),
		cmocka_unit_test(test_capture_612),
		cmocka_unit_test(test_empty_and_garbled),
		cmocka_unit_test(test_policy_ages),
		cmocka_unit_test(test_names),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("ages", tests, NULL, NULL);
}
