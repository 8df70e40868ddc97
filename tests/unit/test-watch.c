// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What changes between two looks: status --rates' record against this
 * run's sample (lib/rates.c), and top's cgroup walk, whose files stay open
 * between refreshes while cgroups come and go (lib/zswap.c).
 */
#include "config.h"

#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#define BOOT "8d3a4c1e-5f6b-4a7c-9d0e-1f2a3b4c5d6e"

/* ---- the rates record ------------------------------------------------------------- */

static struct zs_rates_sample *sample(const char *boot, uint64_t ms)
{
	struct zs_rates_sample *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	snprintf(s->boot_id, sizeof(s->boot_id), "%s", boot);
	s->boottime_ms = ms;
	return s;
}

static void test_rates_roundtrip(void **state)
{
	struct zs_rates_sample *s = sample(BOOT, 5000000), *back = sample("", 0);
	struct zs_identity id = { .diskseq = 7, .has_diskseq = true };
	struct zs_rates_object *o;
	char *text = NULL;

	(void)state;
	o = zs_rates_object(s, "zswap", NULL);
	assert_non_null(o);
	assert_int_equal(zs_rates_object_add(o, "zswpout", 16540), 0);
	assert_errno(zs_rates_object_add(o, "zswpout", 1), -EEXIST);
	assert_errno(zs_rates_object_add(o, "Bad-Key", 1), -EINVAL);
	assert_errno(zs_rates_object_add(o, "", 1), -EINVAL);
	o = zs_rates_object(s, "zram3", &id);
	assert_non_null(o);
	assert_int_equal(zs_rates_object_add(o, "failed_reads", UINT64_MAX), 0);
	assert_null(zs_rates_object(s, "../etc", NULL));
	assert_int_equal(zs_rates_format(s, &text), 0);
	assert_string_equal(text, "# zsctl status rates\nversion 1\nboot_id " BOOT
				  "\nboottime_ms 5000000\nobject zswap zswpout=16540\n"
				  "object zram3 id.diskseq=7 failed_reads=" UNIT_U64_MAX_STR "\nend\n");
	assert_int_equal(zs_rates_parse(text, back), 0);
	assert_string_equal(back->boot_id, BOOT);
	assert_u64_equal(back->boottime_ms, 5000000);
	assert_int_equal(back->nobj, 2);
	assert_string_equal(back->obj[1].name, "zram3");
	assert_true(back->obj[1].id.has_diskseq);
	assert_false(back->obj[1].id.has_pages_compacted);
	assert_u64_equal(back->obj[1].counter[0].value, UINT64_MAX);
	free(text);
	free(s);
	free(back);
}

static void test_rates_garbled(void **state)
{
	static const char *const bad[] = {
		"",
		"# zsctl status rates\nversion 1\nboottime_ms 1\n",		  /* cut: no end */
		"# zsctl status rates\nversion 1\nboottime_ms 1\nend",		  /* no newline */
		"# zsctl status rates\nversion 2\nboottime_ms 1\nend\n",	  /* a newer one's */
		"# zsctl status rates\nversion 1\nend\n",			  /* no time */
		"# zsctl status rates\nversion 1\nboottime_ms x\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nboottime_ms 2\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nsomething 1\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nobject zram0 a=1\nobject zram0 b=1\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nobject zram0 a=1 a=2\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nobject zram0 a=-1\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nobject zram0 a\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nobject /etc a=1\nend\n",
		"# zsctl status rates\nversion 1\nboottime_ms 1\nend\nobject zram0 a=1\n",
		"# zsctl compact state\nversion 2\nruns 0\nfreed_total 0\nend\n",
	};
	struct zs_rates_sample *s = sample("", 0);

	(void)state;
	for (size_t i = 0; i < UNIT_N(bad); i++)
		if (zs_rates_parse(bad[i], s) != -EBADMSG)
			fail_msg("case %zu parsed: %s", i, bad[i]);
	free(s);
}

static struct zs_rate rate_of(const struct zs_rates_sample *prev, const struct zs_rates_sample *now,
			      const char *obj, size_t k)
{
	struct zs_rate r;

	for (size_t i = 0; i < now->nobj; i++)
		if (!strcmp(now->obj[i].name, obj)) {
			zs_rate_of(prev, now, &now->obj[i], k, &r);
			return r;
		}
	fail_msg("no object %s", obj);
	return r;
}

static void test_rates_compare(void **state)
{
	struct zs_identity id0 = { .pages_compacted = 5, .has_pages_compacted = true };
	struct zs_identity id1 = { .pages_compacted = 4, .has_pages_compacted = true };
	struct zs_rates_sample *prev = sample(BOOT, 5000000), *now = sample(BOOT, 5300000);
	struct zs_rates_object *o;
	struct zs_rate r;
	double interval;

	(void)state;
	o = zs_rates_object(prev, "zswap", NULL);
	zs_rates_object_add(o, "zswpout", 1000);
	zs_rates_object_add(o, "zswpin", 500);
	o = zs_rates_object(prev, "zram0", &id0);
	zs_rates_object_add(o, "failed_reads", 3);
	o = zs_rates_object(now, "zswap", NULL);
	zs_rates_object_add(o, "zswpout", 1300);
	zs_rates_object_add(o, "zswpin", 499); /* lower: started anew */
	zs_rates_object_add(o, "zswpwb", 9);	/* not in the record */
	o = zs_rates_object(now, "zram0", &id0);
	zs_rates_object_add(o, "failed_reads", 3);
	o = zs_rates_object(now, "zram1", NULL); /* made since */
	zs_rates_object_add(o, "failed_reads", 0);

	assert_int_equal(zs_rates_compare(prev, now, &interval), ZS_RATE_OK);
	assert_true(interval == 300.0);
	r = rate_of(prev, now, "zswap", 0);
	assert_int_equal(r.status, ZS_RATE_OK);
	assert_u64_equal(r.delta, 300);
	assert_true(r.per_second == 1.0);
	assert_int_equal(rate_of(prev, now, "zswap", 1).status, ZS_RATE_RESET);
	assert_int_equal(rate_of(prev, now, "zswap", 2).status, ZS_RATE_FIRST);
	r = rate_of(prev, now, "zram0", 0);
	assert_int_equal(r.status, ZS_RATE_OK);
	assert_u64_equal(r.delta, 0);
	assert_int_equal(rate_of(prev, now, "zram1", 0).status, ZS_RATE_FIRST);
	assert_int_equal(rate_of(NULL, now, "zswap", 0).status, ZS_RATE_FIRST);

	/* zram0 reset and set up again: pages_compacted below the record */
	now->obj[1].id = id1;
	assert_int_equal(rate_of(prev, now, "zram0", 0).status, ZS_RATE_RESET);
	now->obj[1].id = id0;

	now->boottime_ms = 5000999; /* under a second */
	assert_int_equal(zs_rates_compare(prev, now, &interval), ZS_RATE_TOO_SHORT);
	assert_int_equal(rate_of(prev, now, "zswap", 0).status, ZS_RATE_TOO_SHORT);
	now->boottime_ms = 4000000; /* the clock went back: another boot */
	assert_int_equal(rate_of(prev, now, "zswap", 0).status, ZS_RATE_REBOOT);
	now->boottime_ms = 5300000;
	snprintf(now->boot_id, sizeof(now->boot_id), "0b9e2f4d-1c3a-4e5f-8a7b-6c5d4e3f2a1b");
	assert_int_equal(zs_rates_compare(prev, now, &interval), ZS_RATE_REBOOT);
	assert_int_equal(rate_of(prev, now, "zswap", 0).status, ZS_RATE_REBOOT);
	free(prev);
	free(now);
}

/* ---- the cgroup walk ------------------------------------------------------------- */

static const char mountinfo[] =
	"30 21 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n";

/* root/rel (its directory made) holding text */
static void put(const char *root, const char *rel, const char *text)
{
	char *path = unit_printf("%s/%s", root, rel), *slash = strrchr(path, '/');

	*slash = '\0';
	unit_mkdir_p(path, 0755);
	*slash = '/';
	unit_write_text(path, text);
	free(path);
}

/* A cgroup below the dump's cgroup2 mount holding zswap bytes of zswap memory. */
static void make_cgroup(const char *root, const char *path, unsigned long long zswap)
{
	static const char *const names[] = { "memory.stat", "memory.zswap.current",
					     "memory.zswap.max", "memory.zswap.writeback" };
	char *text[4] = {
		unit_printf("anon 4096\nzswap %llu\nzswapped %llu\nzswpout 9\n", zswap, zswap * 3),
		unit_printf("%llu\n", zswap),
		unit_printf("max\n"),
		unit_printf("1\n"),
	};

	for (size_t i = 0; i < UNIT_N(names); i++) {
		char *rel = unit_printf("sys/fs/cgroup/%s/%s", path, names[i]);

		put(root, rel, text[i]);
		free(rel);
		free(text[i]);
	}
}

static void remove_cgroup(const char *root, const char *path)
{
	char *p = unit_printf("%s/sys/fs/cgroup/%s", root, path);

	unit_rm_tree(p);
	free(p);
}

static const struct zs_cgroup_zswap *find_cg(const struct zs_snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->ncgroups; i++)
		if (!strcmp(s->cgroups[i].path, path))
			return &s->cgroups[i];
	return NULL;
}

static void test_cgroups_come_and_go(void **state)
{
	const char *root = *state;
	struct zs_reader_opts ro = { .needs = ZS_NEED_CGROUPS, .watch = true };
	struct zs_reader_stats before, after;
	const struct zs_snapshot *s;
	struct zs_reader *r = NULL;
	struct zs_ctx *ctx = NULL;
	char *p, *q;

	put(root, "proc/self/mountinfo", mountinfo);
	put(root, "sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	p = unit_printf("%s/sys/block", root); /* no zram device */
	unit_mkdir_p(p, 0755);
	free(p);
	make_cgroup(root, "a", 1000);
	make_cgroup(root, "b", 2000);
	make_cgroup(root, "idle", 0);

	assert_int_equal(zs_ctx_new(root, &ctx), 0);
	assert_int_equal(zs_reader_new(ctx, &ro, &r), 0);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_int_equal(s->cgroups_status, ZS_CGROUPS_OK);
	assert_int_equal(s->ncgroups, 2);
	assert_string_equal(s->cgroups[0].path, "/b"); /* the most zswap first */
	assert_string_equal(s->cgroups[1].path, "/a");

	/* the next refresh opens nothing: one pread per kept file */
	zs_reader_get_stats(r, &before);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	zs_reader_get_stats(r, &after);
	assert_u64_equal(after.opens - before.opens, 0);
	/* memory.stat of a, b, idle; memory.zswap.{current,max,writeback} of a and b */
	assert_u64_equal(after.reads - before.reads, 3 + 2 * 3);
	assert_int_equal(after.files, before.files);
	assert_int_equal(s->ncgroups, 2);

	/* b vanishes, c appears, a changes: the figures are read anew at once */
	remove_cgroup(root, "b");
	make_cgroup(root, "c", 500);
	make_cgroup(root, "a", 4000);
	zs_reader_rescan(r);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_int_equal(s->ncgroups, 2);
	assert_null(find_cg(s, "/b"));
	assert_non_null(find_cg(s, "/c"));
	assert_non_null(find_cg(s, "/a"));
	assert_u64_equal(find_cg(s, "/a")->stat[ZS_CG_ZSWAP], 4000);
	assert_u64_equal(find_cg(s, "/c")->stat[ZS_CG_ZSWAP], 500);
	zs_reader_get_stats(r, &after);
	/* b's four files closed, c's four kept: as many as before */
	assert_int_equal(after.files, before.files);

	/*
	 * c made again under the same path (another directory, so another
	 * inode): its new files are read, not the old ones still open
	 */
	make_cgroup(root, "c.new", 700);
	remove_cgroup(root, "c");
	p = unit_printf("%s/sys/fs/cgroup/c.new", root);
	q = unit_printf("%s/sys/fs/cgroup/c", root);
	assert_int_equal(rename(p, q), 0);
	free(p);
	free(q);
	zs_reader_rescan(r);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_non_null(find_cg(s, "/c"));
	assert_u64_equal(find_cg(s, "/c")->stat[ZS_CG_ZSWAP], 700);
	assert_u64_equal(find_cg(s, "/c")->zswap_current, 700);

	/* unasked, a new cgroup is found by the walk every few refreshes */
	make_cgroup(root, "d", 300);
	assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_null(find_cg(s, "/d"));
	for (int i = 0; i < 8 && !find_cg(s, "/d"); i++)
		assert_int_equal(zs_reader_refresh(r, &s), 0);
	assert_non_null(find_cg(s, "/d"));
	assert_int_equal(s->ncgroups, 3);

	/* the panel closed: every kept file with it */
	zs_reader_get_stats(r, &before);
	zs_reader_watch_cgroups(r, false);
	zs_reader_get_stats(r, &after);
	assert_int_equal(before.files - after.files, 3 * 4 + 1 + 1); /* + idle's memory.stat, the mount's */
	zs_reader_free(r);
	zs_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates_roundtrip),
		cmocka_unit_test(test_rates_garbled),
		cmocka_unit_test(test_rates_compare),
		UNIT_DIR_TEST(test_cgroups_come_and_go),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
