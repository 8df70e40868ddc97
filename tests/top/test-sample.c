// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader as zsctl top drives it (lib/reader.c, watching), over system
 * roots this test writes: values, the promise that a refresh after the
 * first opens nothing and reads each file once, devices and pools that
 * come and go, a device that turns garbled, the pre-4.1 layout, a dump's
 * page size, reading only what is needed (status' table: zswap and diskseq
 * as far as it must), and the compaction gate.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define MM_STAT "33554432 16560380 28770304 0 34951168 717 0 1319 2636\n"
#define CLASSES_NEW                                                                                  \
	" class  size       10%       20%       30%       40%       50%       60%       70%       "  \
	"80%       90%       99%      100% obj_allocated   obj_used pages_used pages_per_zspage "    \
	"freeable\n"                                                                                 \
	"     0    32         0         0         0         0         0         0         0       "  \
	"  0         0         0         0             0          0          0                1 "    \
	"       0\n"                                                                                 \
	"     6   128         1         0         0         0         0         1         0       "  \
	"  0         0         0         0            64         19          2                1 "    \
	"       1\n"                                                                                 \
	"\n"                                                                                         \
	" Total                1         0         0         0         0         1         0       " \
	"  0         0         0         0            64         19          2                  "    \
	"       1\n"
#define CLASSES_OLD                                                                           \
	" class  size almost_full almost_empty obj_allocated   obj_used pages_used "          \
	"pages_per_zspage freeable\n"                                                         \
	"     3    80           0            2           102         38          2          " \
	"      1        1\n"                                                                  \
	"\n"                                                                                  \
	" Total                 0            2           102         38          2          " \
	"               1\n"
/* a machine with 64 KiB pages: its largest class is 65536 */
#define CLASSES_64K                                                                           \
	" class  size almost_full almost_empty obj_allocated   obj_used pages_used "          \
	"pages_per_zspage freeable\n"                                                         \
	"     3    80           0            2           102         38          2          " \
	"      1        3\n"                                                                  \
	"   254 65536           0            0             4          4          4          " \
	"      1        0\n"                                                                  \
	"\n"                                                                                  \
	" Total                 0            2           106         42          6          " \
	"               3\n"
#define MOUNTINFO                                                                       \
	"21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n" \
	"30 21 0:7 / /sys/kernel/debug rw,nosuid,nodev,noexec,relatime shared:14 - debugfs debugfs rw\n"

/* What zsctl top reads (cli/top/top.c), the gate apart. */
#define TOP_NEEDS                                                                          \
	(ZS_NEED_DISKSIZE | ZS_NEED_ALGORITHM | ZS_NEED_MM | ZS_NEED_SWAPS | ZS_NEED_POOLS)

struct root {
	char *dir;
	struct zs_ctx *ctx;
	struct zs_gate *gate;
	struct zs_reader *r;
};

static void put(struct root *r, const char *rel, const char *text)
{
	char *path = unit_printf("%s/%s", r->dir, rel);

	*strrchr(path, '/') = '\0';
	unit_mkdir_p(path, 0755);
	path[strlen(path)] = '/';
	/* in place, like sysfs: a file held open sees the new contents */
	unit_write_text(path, text);
	free(path);
}

static void device(struct root *r, const char *name, bool init)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/block/%s/initstate", name);
	put(r, rel, init ? "1\n" : "0\n");
	snprintf(rel, sizeof(rel), "sys/block/%s/disksize", name);
	put(r, rel, init ? "268435456\n" : "0\n");
	snprintf(rel, sizeof(rel), "sys/block/%s/comp_algorithm", name);
	put(r, rel, "lzo [lz4] zstd\n");
	snprintf(rel, sizeof(rel), "sys/block/%s/mm_stat", name);
	put(r, rel, init ? MM_STAT : "0 0 0 0 0 0 0 0 0\n");
}

static void rm_tree(struct root *r, const char *rel)
{
	char *path = unit_printf("%s/%s", r->dir, rel);

	unit_rm_tree(path);
	free(path);
}

/*
 * Let the directories' times fall more than a second behind: a listing in
 * the same second as a change is "racy" and done again (see lib/reader.c).
 */
static void settle(void)
{
	usleep(1100 * 1000);
}

static int setup_root(void **state)
{
	struct root *r = calloc(1, sizeof(*r));

	if (!r || unit_dir_setup((void **)&r->dir) < 0) {
		free(r);
		return -1;
	}
	put(r, "proc/self/mountinfo", MOUNTINFO);
	/* a release whose tenth mm_stat column can only be compact_gated */
	put(r, "proc/sys/kernel/osrelease", "6.12.117\n");
	put(r, "proc/swaps",
	    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	    "/dev/zram1                              partition\t262140\t\t65536\t\t100\n");
	*state = r;
	return 0;
}

static int teardown_root(void **state)
{
	struct root *r = *state;

	zs_reader_free(r->r);
	zs_gate_free(r->gate);
	zs_ctx_free(r->ctx);
	unit_dir_teardown((void **)&r->dir);
	free(r);
	return 0;
}

static struct zs_ctx *ctx_of(struct root *r)
{
	if (!r->ctx)
		assert_int_equal(zs_ctx_new(r->dir, &r->ctx), 0);
	return r->ctx;
}

/* One refresh of top's reader, made on first use. */
static const struct zs_snapshot *refresh(struct root *r)
{
	const struct zs_snapshot *s = NULL;

	if (!r->r) {
		struct zs_reader_opts o = {
			.needs = TOP_NEEDS | (r->gate ? ZS_NEED_GATE : 0),
			.watch = true,
			.gate = r->gate,
		};

		assert_int_equal(zs_reader_new(ctx_of(r), &o, &r->r), 0);
		assert_int_equal(zs_reader_fd(r->r), -1); /* no monitor under --sysroot */
	}
	assert_int_equal(zs_reader_refresh(r->r, &s), 0);
	assert_non_null(s);
	return s;
}

static const struct zs_event *find_event(const struct zs_snapshot *s, enum zs_event_kind kind,
					 bool pool, const char *name)
{
	for (size_t i = 0; i < s->nevents; i++)
		if (s->events[i].kind == kind && s->events[i].is_pool == pool &&
		    !strcmp(s->events[i].name, name))
			return &s->events[i];
	return NULL;
}

static void test_values(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;

	device(r, "zram0", true);
	device(r, "zram1", true);
	device(r, "zram10", false);
	put(r, "sys/block/sda/size", "0\n"); /* not ours */
	put(r, "sys/kernel/debug/zsmalloc/zram0/classes", CLASSES_NEW);
	put(r, "sys/kernel/debug/zsmalloc/zram1/classes", CLASSES_OLD);
	sm = refresh(r);

	assert_int_equal(sm->seq, 1);
	assert_int_equal(sm->ndevs, 3);
	assert_string_equal(sm->devs[0].dev.name, "zram0");
	assert_string_equal(sm->devs[1].dev.name, "zram1");
	assert_string_equal(sm->devs[2].dev.name, "zram10");
	assert_true(sm->devs[0].dev.initialised);
	assert_false(sm->devs[2].dev.initialised);
	assert_int_equal(sm->devs[0].dev.disksize, 268435456);
	assert_true(sm->devs[0].dev.has_algorithms);
	assert_string_equal(sm->devs[0].dev.algorithms.name[sm->devs[0].dev.algorithms.active],
			    "lz4");
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE], 33554432);
	assert_int_equal(sm->devs[0].dev.mm.ncols, 9);
	assert_int_equal(sm->devs[0].err, 0);
	assert_int_equal(sm->classes_status, ZS_CLASSES_OK);
	assert_int_equal(sm->pools_err, 0);
	assert_int_equal(sm->npools, 2);
	assert_non_null(sm->devs[0].pool);
	assert_int_equal(sm->devs[0].pool->format, ZS_CLASSES_FULLNESS);
	assert_int_equal(sm->devs[0].pool->nclasses, 2);
	assert_int_equal(sm->devs[1].pool->format, ZS_CLASSES_ALMOST);
	assert_null(sm->devs[2].pool);
	/* no class of PAGE_SIZE in the dump: this machine's page size */
	assert_int_equal(sm->page_size, zs_ctx_page_size(r->ctx));
	assert_true(sm->devs[0].derived.compactable_exact);
	assert_int_equal(sm->devs[0].derived.compactable, sm->page_size);
	/* swap, from proc/swaps */
	assert_int_equal(sm->users_err, 0);
	assert_false(sm->devs[0].dev.is_swap);
	assert_true(sm->devs[1].dev.is_swap);
	assert_int_equal(sm->devs[1].dev.swap.used, 65536ull * 1024);
	assert_int_equal(sm->devs[1].dev.swap.size, 262140ull * 1024);
	assert_false(sm->has_gate);
	assert_int_equal(sm->nevents, 0); /* the first refresh reports no arrivals */
	/* by name */
	assert_ptr_equal(zs_snapshot_device(sm, "zram10"), &sm->devs[2]);
	assert_null(zs_snapshot_device(sm, "zram2"));
	assert_null(zs_snapshot_device(sm, "sda"));
}

static void test_steady_state(void **state)
{
	struct root *r = *state;
	struct zs_reader_stats a, b;
	const struct zs_snapshot *sm = NULL;
	/* initstate + mm_stat per device, classes per pool, proc/swaps */
	const unsigned int files = 2 * 2 + 1 + 1;

	device(r, "zram0", true);
	device(r, "zram1", true);
	put(r, "sys/kernel/debug/zsmalloc/zram0/classes", CLASSES_NEW);
	settle();
	refresh(r);
	zs_reader_get_stats(r->r, &a);
	assert_true(a.opens > 0);
	for (int i = 0; i < 5; i++)
		sm = refresh(r);
	zs_reader_get_stats(r->r, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(b.scans, a.scans);
	assert_int_equal(b.reads - a.reads, 5 * files);
	assert_int_equal(b.files, a.files);
	assert_int_equal(sm->seq, 6);

	/* new contents, same file: the next refresh shows them, still without an open */
	put(r, "sys/block/zram1/mm_stat", "1 1 8192 0 8192 0 5 0 0 3\n");
	sm = refresh(r);
	zs_reader_get_stats(r->r, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(sm->devs[1].dev.mm.val[ZS_MM_PAGES_COMPACTED], 5);
	assert_true(zs_stat_has(&sm->devs[1].dev.mm, ZS_MM_COMPACT_GATED));
	assert_true(sm->gate.has_kernel_gated); /* mm_stat's column 10 */
	assert_int_equal(sm->gate.kernel_gated, 3);
	/* what was read once stays: the set-up files and swap use */
	assert_int_equal(sm->devs[1].dev.disksize, 268435456);
	assert_true(sm->devs[1].dev.has_algorithms);
	assert_true(sm->devs[1].dev.is_swap);
}

/* After 7.3 a tenth column may be upstream's: kept, but not as compact_gated. */
static void test_gate_column_release(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;

	put(r, "proc/sys/kernel/osrelease", "7.4.0\n");
	device(r, "zram0", true);
	put(r, "sys/block/zram0/mm_stat", "1 1 8192 0 8192 0 5 0 0 3\n");
	sm = refresh(r);
	assert_int_equal(sm->devs[0].dev.mm.ncols, 10);
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_COMPACT_GATED], 3);
	assert_true(zs_stat_has(&sm->devs[0].dev.mm, ZS_MM_PAGES_COMPACTED));
	assert_false(zs_stat_has(&sm->devs[0].dev.mm, ZS_MM_COMPACT_GATED));
	assert_false(sm->gate.has_kernel_gated);
}

static void test_hotplug(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;

	device(r, "zram0", true);
	device(r, "zram2", true);
	put(r, "sys/kernel/debug/zsmalloc/zram0/classes", CLASSES_NEW);
	put(r, "sys/kernel/debug/zsmalloc/zram2/classes", CLASSES_NEW);
	sm = refresh(r);
	assert_int_equal(sm->ndevs, 2);
	assert_int_equal(sm->npools, 2);

	rm_tree(r, "sys/block/zram2");
	rm_tree(r, "sys/kernel/debug/zsmalloc/zram2");
	device(r, "zram5", false);
	sm = refresh(r);
	assert_int_equal(sm->ndevs, 2);
	assert_string_equal(sm->devs[1].dev.name, "zram5");
	assert_non_null(find_event(sm, ZS_EVENT_REMOVED, false, "zram2"));
	assert_non_null(find_event(sm, ZS_EVENT_ADDED, false, "zram5"));
	assert_non_null(find_event(sm, ZS_EVENT_REMOVED, true, "zram2"));
	assert_int_equal(sm->npools, 1);

	/* zram5 is initialised: its pool appears, found because initstate moved */
	put(r, "sys/block/zram5/initstate", "1\n");
	put(r, "sys/block/zram5/mm_stat", MM_STAT);
	put(r, "sys/kernel/debug/zsmalloc/zram5/classes", CLASSES_OLD);
	sm = refresh(r);
	assert_true(sm->devs[1].dev.initialised);
	assert_non_null(find_event(sm, ZS_EVENT_ADDED, true, "zram5"));
	assert_non_null(sm->devs[1].pool);
	assert_int_equal(sm->devs[1].pool->format, ZS_CLASSES_ALMOST);

	/* a quiet refresh: no events */
	sm = refresh(r);
	assert_int_equal(sm->nevents, 0);
}

static void test_garbled(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;
	const struct zs_event *e;

	device(r, "zram0", true);
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, 0);
	put(r, "sys/block/zram0/mm_stat", "12 x\n");
	sm = refresh(r);
	assert_int_equal(sm->ndevs, 1);
	assert_int_equal(sm->devs[0].err, -EINVAL);
	assert_string_equal(sm->devs[0].err_path, "sys/block/zram0/mm_stat");
	/* the last good values stay */
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE], 33554432);
	e = find_event(sm, ZS_EVENT_FAILED, false, "zram0");
	assert_non_null(e);
	assert_int_equal(e->err, -EINVAL);
	assert_string_equal(e->path, "sys/block/zram0/mm_stat");
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, -EINVAL);
	assert_int_equal(sm->nevents, 0); /* said once, not every refresh */

	/* one refresh (zsctl status) says it in the device, not as an event */
	{
		const struct zs_reader_opts o = { .needs = TOP_NEEDS };
		const struct zs_snapshot *one;
		struct zs_reader *once;

		assert_int_equal(zs_reader_new(r->ctx, &o, &once), 0);
		assert_int_equal(zs_reader_refresh(once, &one), 0);
		assert_int_equal(one->ndevs, 1);
		assert_int_equal(one->devs[0].err, -EINVAL);
		assert_string_equal(one->devs[0].err_path, "sys/block/zram0/mm_stat");
		assert_int_equal(one->nevents, 0);
		zs_reader_free(once);
	}

	put(r, "sys/block/zram0/mm_stat", MM_STAT);
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, 0);
	assert_string_equal(sm->devs[0].err_path, "");
}

static void test_legacy(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;
	struct zs_reader_stats a, b;

	put(r, "sys/block/zram0/initstate", "1\n");
	put(r, "sys/block/zram0/disksize", "1048576\n");
	put(r, "sys/block/zram0/orig_data_size", "4096\n");
	put(r, "sys/block/zram0/compr_data_size", "1024\n");
	put(r, "sys/block/zram0/mem_used_total", "8192\n");
	put(r, "sys/block/zram0/zero_pages", "3\n");
	settle();
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, 0);
	assert_true(sm->devs[0].dev.mm.legacy);
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_COMPR_DATA_SIZE], 1024);
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_SAME_PAGES], 3);
	assert_false(zs_stat_has(&sm->devs[0].dev.mm, ZS_MM_MEM_LIMIT));
	zs_reader_get_stats(r->r, &a);
	refresh(r);
	zs_reader_get_stats(r->r, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(b.reads - a.reads, 1 + 4 + 1); /* initstate, 4 values, swaps */
	assert_int_equal(sm->classes_status, ZS_CLASSES_NO_ZSMALLOC);
}

static void test_no_debugfs(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;

	put(r, "proc/self/mountinfo",
	    "21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n");
	device(r, "zram0", true);
	sm = refresh(r);
	assert_int_equal(sm->classes_status, ZS_CLASSES_NO_DEBUGFS);
	assert_int_equal(sm->npools, 0);
	assert_null(sm->devs[0].pool);
	assert_true(sm->devs[0].derived.has_compactable);
	assert_false(sm->devs[0].derived.compactable_exact);
}

/*
 * A dump of a machine with 64 KiB pages: the reader learns the page size
 * from the pools before it derives, so top (watching) and status (one
 * refresh) say the same (issue 12: 162.9M against 10.2M).
 */
static void test_page_size(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm, *one;
	const struct zs_reader_opts o = { .needs = ZS_NEED_ALL & ~ZS_NEED_GATE };
	struct zs_reader *once;

	device(r, "zram0", true);
	put(r, "sys/kernel/debug/zsmalloc/zram0/classes", CLASSES_64K);
	sm = refresh(r);
	assert_int_equal(sm->page_size, 65536);
	assert_int_equal(zs_ctx_page_size(r->ctx), 65536);
	assert_true(sm->devs[0].derived.compactable_exact);
	assert_int_equal(sm->devs[0].derived.compactable, 3 * 65536);

	/* a one-refresh reader on a fresh context learns it in its one refresh */
	zs_reader_free(r->r);
	r->r = NULL;
	zs_ctx_free(r->ctx);
	r->ctx = NULL;
	assert_int_equal(zs_reader_new(ctx_of(r), &o, &once), 0);
	assert_int_equal(zs_reader_refresh(once, &one), 0);
	assert_int_equal(one->page_size, 65536);
	assert_int_equal(one->devs[0].derived.compactable, 3 * 65536);
	zs_reader_free(once);
}

/* A reader reads what it is asked for: status' default table needs no algorithm, no swaps. */
static void test_needs(void **state)
{
	struct root *r = *state;
	const struct zs_reader_opts mm_only = { .needs = ZS_NEED_MM };
	const struct zs_reader_opts all = { .needs = ZS_NEED_ALL & ~ZS_NEED_GATE };
	const struct zs_snapshot *s;
	struct zs_reader_stats a, b;
	struct zs_reader *rd;

	device(r, "zram1", true);
	put(r, "sys/kernel/debug/zsmalloc/zram1/classes", CLASSES_OLD);
	assert_int_equal(zs_reader_new(ctx_of(r), &mm_only, &rd), 0);
	assert_int_equal(zs_reader_refresh(rd, &s), 0);
	zs_reader_get_stats(rd, &a);
	assert_int_equal(s->ndevs, 1);
	assert_int_equal(s->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE], 33554432);
	assert_int_equal(s->devs[0].dev.disksize, 0);
	assert_false(s->devs[0].dev.has_algorithms);
	assert_false(s->devs[0].dev.is_swap);
	assert_int_equal(s->npools, 0);
	assert_null(s->devs[0].pool);
	zs_reader_free(rd);

	assert_int_equal(zs_reader_new(r->ctx, &all, &rd), 0);
	assert_int_equal(zs_reader_refresh(rd, &s), 0);
	zs_reader_get_stats(rd, &b);
	assert_int_equal(s->devs[0].dev.disksize, 268435456);
	assert_true(s->devs[0].dev.has_algorithms);
	assert_true(s->devs[0].dev.is_swap);
	assert_non_null(s->devs[0].pool);
	/* the one it needed: zram1's directory, initstate and mm_stat, once each */
	assert_int_equal(a.opens, 3);
	assert_int_equal(a.reads, 2);
	assert_true(b.opens > a.opens);
	zs_reader_free(rd);
}

/* A state file whose one record is the device's, made when its diskseq was 7. */
static void put_state_of(struct root *r, const char *name)
{
	struct zs_state *st = calloc(1, sizeof(*st));
	struct zs_state_device *sd;
	char *text = NULL, *lock;

	assert_non_null(st);
	st->runs = 1;
	st->last_result = ZS_RESULT_COMPACTED;
	sd = zs_state_device(st, name, true);
	assert_non_null(sd);
	sd->id.has_diskseq = true;
	sd->id.diskseq = 7;
	sd->last_result = ZS_RESULT_COMPACTED;
	sd->has_left = true;
	sd->left = 4096;
	sd->left_compr = 8192;
	assert_int_equal(zs_state_format(st, &text), 0);
	put(r, "var/lib/zsctl/compact.state", text);
	put(r, "run/lock/zsctl-compact.lock", "");
	lock = unit_printf("%s/run/lock/zsctl-compact.lock", r->dir);
	assert_int_equal(chmod(lock, 0600), 0);
	free(lock);
	free(text);
	free(st);
}

static const struct zs_snapshot *refresh_once(struct root *r, unsigned int needs,
					      struct zs_reader_stats *stats)
{
	const struct zs_reader_opts o = { .needs = needs, .gate = r->gate };
	const struct zs_snapshot *s;

	zs_reader_free(r->r);
	assert_int_equal(zs_reader_new(ctx_of(r), &o, &r->r), 0);
	assert_int_equal(zs_reader_refresh(r->r, &s), 0);
	zs_reader_get_stats(r->r, stats);
	return s;
}

/*
 * What status' default table reads (cli/status.c, cli/fields.c): of zswap,
 * whether it is in use; diskseq, only where a record of the gate's state
 * names one (issue 12: 231 syscalls against 183). The files it must not
 * read are garbled here: reading one would be an error.
 */
static void test_needs_summary(void **state)
{
	struct root *r = *state;
	const unsigned int table = ZS_NEED_MM | ZS_NEED_ZSWAP_SUMMARY | ZS_NEED_LEARNED;
	const struct zs_snapshot *s;
	struct zs_reader_stats st;

	device(r, "zram1", true);
	put(r, "sys/block/zram1/diskseq", "garbled\n");
	put(r, "sys/module/zswap/parameters/enabled", "N\n");
	put(r, "sys/module/zswap/parameters/compressor", "not one word\n");
	put(r, "sys/module/zswap/parameters/max_pool_percent", "101\n");
	put(r, "proc/vmstat", "zswpout x\n");
	put(r, "sys/kernel/debug/zswap/stored_pages", "x\n");
	put(r, "proc/meminfo",
	    "MemTotal:       1000000 kB\nZswap:                 0 kB\n"
	    "Zswapped:              0 kB\n");
	assert_int_equal(zs_gate_new(ctx_of(r), NULL, NULL, &r->gate), 0);

	/* zswap off and empty, no state: zram1's directory, initstate, mm_stat, enabled, meminfo */
	s = refresh_once(r, table, &st);
	assert_int_equal(s->devs[0].err, 0);
	assert_false(s->devs[0].dev.has_diskseq);
	assert_true(s->has_zswap);
	assert_true(s->zswap_summary);
	assert_true(s->zswap.present);
	assert_false(s->zswap.enabled);
	assert_int_equal(s->zswap_err, 0);
	assert_int_equal(st.opens, 5);
	assert_int_equal(st.reads, 4);

	/* a record of another device: nothing to decide */
	put_state_of(r, "zram2");
	s = refresh_once(r, table, &st);
	assert_true(s->gate.has_state);
	assert_int_equal(s->devs[0].err, 0);
	assert_false(s->devs[0].dev.has_diskseq);
	assert_int_equal(s->devs[0].derived.basis, ZS_BASIS_MODEL);
	assert_int_equal(st.opens, 5);

	/* a record of zram1 with a diskseq: it decides whether the record is zram1's */
	put_state_of(r, "zram1");
	s = refresh_once(r, table, &st);
	assert_int_equal(s->devs[0].err, -EINVAL);
	assert_string_equal(s->devs[0].err_path, "sys/block/zram1/diskseq");
	put(r, "sys/block/zram1/diskseq", "7\n");
	s = refresh_once(r, table, &st);
	assert_int_equal(s->devs[0].err, 0);
	assert_true(s->devs[0].dev.has_diskseq);
	assert_int_equal(s->devs[0].derived.basis, ZS_BASIS_LEARNED);
	assert_int_equal(st.opens, 6);
	put(r, "sys/block/zram1/diskseq", "8\n"); /* another zram1 since */
	s = refresh_once(r, table, &st);
	assert_int_equal(s->devs[0].derived.basis, ZS_BASIS_MODEL);
	/* exact figures from the classes: no estimate, no diskseq */
	put(r, "sys/block/zram1/diskseq", "garbled\n");
	put(r, "sys/kernel/debug/zsmalloc/zram1/classes", CLASSES_OLD);
	s = refresh_once(r, table | ZS_NEED_POOLS, &st);
	assert_int_equal(s->devs[0].err, 0);
	assert_false(s->devs[0].dev.has_diskseq);
	assert_int_equal(s->devs[0].derived.basis, ZS_BASIS_CLASSES);

	/* switched off, it keeps what it holds: in use, all of it read (and its garbling) */
	put(r, "proc/meminfo",
	    "MemTotal:       1000000 kB\nZswap:               100 kB\n"
	    "Zswapped:            300 kB\n");
	s = refresh_once(r, table, &st);
	assert_false(s->zswap_summary);
	assert_int_equal(s->zswap_err, -EINVAL);
	assert_string_equal(s->zswap_err_path, "sys/module/zswap/parameters/compressor");
	/* on: the same */
	put(r, "proc/meminfo",
	    "MemTotal:       1000000 kB\nZswap:                 0 kB\n"
	    "Zswapped:              0 kB\n");
	put(r, "sys/module/zswap/parameters/enabled", "Y\n");
	s = refresh_once(r, table, &st);
	assert_false(s->zswap_summary);
	assert_true(s->zswap.enabled);
	assert_int_equal(s->zswap_err, -EINVAL);
	/* and what -J reads whatever zswap's state: all */
	put(r, "sys/module/zswap/parameters/enabled", "N\n");
	s = refresh_once(r, table | ZS_NEED_ZSWAP, &st);
	assert_false(s->zswap_summary);
	assert_int_equal(s->zswap_err, -EINVAL);
	/* a kernel without zswap: one failed open, no meminfo */
	rm_tree(r, "sys/module/zswap");
	s = refresh_once(r, ZS_NEED_MM | ZS_NEED_ZSWAP_SUMMARY, &st);
	assert_true(s->has_zswap);
	assert_false(s->zswap.present);
	assert_int_equal(s->zswap_err, 0);
	assert_false(s->has_meminfo);
	assert_int_equal(st.opens, 4);
}

static void test_gate(void **state)
{
	struct root *r = *state;
	const struct zs_snapshot *sm;
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL, *run2 = NULL;
	struct zs_gate *other;
	struct zs_state *saved;
	char *text = NULL, *lock;

	device(r, "zram0", true);
	put(r, "sys/block/zram0/mm_stat", "1 1 8192 0 8192 0 5 0 0 7\n");
	put(r, "run/lock/zsctl-compact.lock", "");
	put(r, "var/lib/zsctl/compact.state.busy", "xx");
	lock = unit_printf("%s/run/lock/zsctl-compact.lock", r->dir);
	assert_int_equal(chmod(lock, 0600), 0);
	saved = calloc(1, sizeof(*saved));
	assert_non_null(saved);
	saved->runs = 3;
	saved->freed_total = 8192;
	saved->last_time = 1700000000;
	saved->last_pid = 42;
	saved->last_result = ZS_RESULT_COMPACTED;
	assert_int_equal(zs_state_format(saved, &text), 0);
	put(r, "var/lib/zsctl/compact.state", text);
	free(text);
	free(saved);
	/* the default gate of a dump: below its root */
	assert_int_equal(zs_gate_new(ctx_of(r), NULL, NULL, &r->gate), 0);
	assert_string_equal(zs_gate_lock_path(r->gate), lock);
	sm = refresh(r);
	assert_true(sm->has_gate);
	assert_false(sm->gate.held);
	assert_int_equal(sm->gate.query_err, 0);
	assert_true(sm->gate.has_state);
	assert_int_equal(sm->gate.state_err, 0);
	assert_int_equal(sm->gate.state.runs, 3);
	assert_int_equal(sm->gate.state.freed_total, 8192);
	assert_int_equal(sm->gate.state.last_result, ZS_RESULT_COMPACTED);
	assert_int_equal(sm->gate.turned_away, 2);
	assert_true(sm->gate.has_kernel_gated);
	assert_int_equal(sm->gate.kernel_gated, 7);

	/* held by a zsctl compact (here, ourselves): it writes its pid into the lock file */
	assert_int_equal(zs_gate_begin(r->gate, 0, false, &run, &info), 0);
	sm = refresh(r);
	assert_true(sm->gate.held);
	assert_true(sm->gate.holder.known);
	assert_int_equal(sm->gate.holder.pid, getpid());
	/* another compact turned away: counted, and seen on the next refresh */
	assert_int_equal(zs_gate_new(r->ctx, NULL, NULL, &other), 0);
	assert_int_equal(zs_gate_begin(other, 0, false, &run2, &info), -EWOULDBLOCK);
	assert_null(run2);
	zs_gate_free(other);
	sm = refresh(r);
	assert_true(sm->gate.held);
	assert_int_equal(sm->gate.turned_away, 3);
	/* the run ends: let go, and its record read again */
	zs_gate_run_record(run, "zram0", NULL, ZS_RESULT_COMPACTED, 4096, 1700000600);
	assert_int_equal(zs_gate_end(run, 1700000600), 0);
	zs_gate_run_free(run);
	sm = refresh(r);
	assert_false(sm->gate.held);
	assert_int_equal(sm->gate.state.runs, 4);
	assert_int_equal(sm->gate.state.freed_total, 8192 + 4096);
	assert_int_equal(sm->gate.state.last_time, 1700000600);
	assert_int_equal(sm->gate.state.ndevices, 1);
	free(lock);
}

/*
 * zswap's debugfs counters are simple attributes: opened nonseekable, their
 * pread fails with ESPIPE (the 6.12 guest's "pool_total_size: Illegal
 * seek"). A FIFO behaves the same: the reader must read() it, and open it
 * again at the next refresh to see the new value.
 */
static void test_zswap_nonseekable(void **state)
{
	struct root *r = *state;
	struct zs_reader_opts o = { .needs = ZS_NEED_ZSWAP, .watch = true };
	const struct zs_snapshot *s = NULL;
	char *fifo, go;
	int sync[2], st;
	pid_t pid;

	device(r, "zram0", true);
	put(r, "sys/module/zswap/parameters/enabled", "Y\n");
	put(r, "sys/module/zswap/parameters/compressor", "lzo\n");
	put(r, "sys/kernel/debug/zswap/pool_limit_hit", "3\n");
	fifo = unit_printf("%s/sys/kernel/debug/zswap/stored_pages", r->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(pipe(sync), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/*
		 * One value per open of the reader, as a simple attribute gives
		 * it: the second only once the reader has read the first and
		 * says so on the sync pipe.
		 */
		alarm(20); /* a reader that never opens it fails the test, not hangs it */
		close(sync[1]);
		for (int i = 0; i < 2; i++) {
			int fd;

			if (i && read(sync[0], &go, 1) != 1)
				_exit(1);
			fd = open(fifo, O_WRONLY);
			if (fd < 0 || write(fd, i ? "43\n" : "42\n", 3) != 3)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	close(sync[0]);
	assert_int_equal(zs_reader_new(ctx_of(r), &o, &r->r), 0);
	for (int i = 0; i < 2; i++) {
		if (i)
			assert_int_equal(write(sync[1], "g", 1), 1);
		assert_int_equal(zs_reader_refresh(r->r, &s), 0);
		if (s->zswap_err)
			print_message("%s\n", s->zswap_err_path);
		assert_int_equal(s->zswap_err, 0);
		assert_true(zs_zswap_has_stat(&s->zswap, ZS_ZSWAP_S_STORED_PAGES));
		assert_int_equal(s->zswap.stat[ZS_ZSWAP_S_STORED_PAGES], 42 + i);
		assert_int_equal(s->zswap.stat[ZS_ZSWAP_S_POOL_LIMIT_HIT], 3);
	}
	close(sync[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_values, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_steady_state, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_gate_column_release, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_hotplug, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_garbled, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_legacy, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_no_debugfs, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_page_size, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_needs, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_needs_summary, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_gate, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_zswap_nonseekable, setup_root, teardown_root),
	};

	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
