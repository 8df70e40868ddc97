// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sampler behind zsctl top (lib/sample.c), over system roots this test
 * writes: values, the promise that a refresh after the first opens nothing
 * and reads each file once, devices and pools that come and go, a device
 * that turns garbled, the pre-4.1 layout, and the compaction gate.
 */
#include "config.h"

/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zsctl.h"

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
#define MOUNTINFO                                                                       \
	"21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n" \
	"30 21 0:7 / /sys/kernel/debug rw,nosuid,nodev,noexec,relatime shared:14 - debugfs debugfs rw\n"

struct root {
	char dir[64];
	struct zs_ctx *ctx;
	struct zs_sampler *s;
};

static void put(struct root *r, const char *rel, const char *text)
{
	char path[512], dir[512];
	char *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", r->dir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(r->dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	/* in place, like sysfs: a file held open sees the new contents */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
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

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(struct root *r, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", r->dir, rel);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Let the directories' times fall more than a second behind: a listing in
 * the same second as a change is "racy" and done again (see lib/sample.c).
 */
static void settle(void)
{
	usleep(1100 * 1000);
}

static int setup_root(void **state)
{
	struct root *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	snprintf(r->dir, sizeof(r->dir), "%s/zsctl-sample.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(r->dir));
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

	zs_sampler_free(r->s);
	zs_ctx_free(r->ctx);
	rm_tree(r, "");
	free(r);
	return 0;
}

static const struct zs_sample *refresh(struct root *r)
{
	const struct zs_sample *sm = NULL;

	if (!r->s) {
		assert_int_equal(zs_ctx_new(r->dir, &r->ctx), 0);
		assert_int_equal(zs_sampler_new(r->ctx, &r->s), 0);
		assert_int_equal(zs_sampler_fd(r->s), -1); /* no monitor under --sysroot */
	}
	assert_int_equal(zs_sampler_refresh(r->s, &sm), 0);
	assert_non_null(sm);
	return sm;
}

static const struct zs_sample_event *
find_event(const struct zs_sample *sm, enum zs_sample_event_kind kind, bool pool, const char *name)
{
	for (size_t i = 0; i < sm->nevents; i++)
		if (sm->events[i].kind == kind && sm->events[i].is_pool == pool &&
		    !strcmp(sm->events[i].name, name))
			return &sm->events[i];
	return NULL;
}

static void test_values(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;

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
	assert_string_equal(sm->devs[0].dev.algorithms.name[sm->devs[0].dev.algorithms.active],
			    "lz4");
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE], 33554432);
	assert_int_equal(sm->devs[0].dev.mm.ncols, 9);
	assert_int_equal(sm->classes_status, ZS_CLASSES_OK);
	assert_int_equal(sm->npools, 2);
	assert_non_null(sm->devs[0].pool);
	assert_int_equal(sm->devs[0].pool->format, ZS_CLASSES_FULLNESS);
	assert_int_equal(sm->devs[0].pool->nclasses, 2);
	assert_int_equal(sm->devs[1].pool->format, ZS_CLASSES_ALMOST);
	assert_null(sm->devs[2].pool);
	assert_true(sm->devs[0].derived.compactable_exact);
	assert_int_equal(sm->devs[0].derived.compactable, zs_ctx_page_size(r->ctx));
	/* swap, from proc/swaps */
	assert_false(sm->devs[0].dev.is_swap);
	assert_true(sm->devs[1].dev.is_swap);
	assert_int_equal(sm->devs[1].dev.swap.used, 65536ull * 1024);
	assert_int_equal(sm->devs[1].dev.swap.size, 262140ull * 1024);
	assert_int_equal(sm->nevents, 0); /* the first refresh reports no arrivals */
}

static void test_steady_state(void **state)
{
	struct root *r = *state;
	struct zs_sampler_stats a, b;
	const struct zs_sample *sm;
	/* initstate + mm_stat per device, classes per pool, proc/swaps */
	const unsigned int files = 2 * 2 + 1 + 1;

	device(r, "zram0", true);
	device(r, "zram1", true);
	put(r, "sys/kernel/debug/zsmalloc/zram0/classes", CLASSES_NEW);
	settle();
	refresh(r);
	zs_sampler_get_stats(r->s, &a);
	assert_true(a.opens > 0);
	for (int i = 0; i < 5; i++)
		sm = refresh(r);
	zs_sampler_get_stats(r->s, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(b.scans, a.scans);
	assert_int_equal(b.reads - a.reads, 5 * files);
	assert_int_equal(b.files, a.files);
	assert_int_equal(sm->seq, 6);

	/* new contents, same file: the next refresh shows them, still without an open */
	put(r, "sys/block/zram1/mm_stat", "1 1 8192 0 8192 0 5 0 0 3\n");
	sm = refresh(r);
	zs_sampler_get_stats(r->s, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(sm->devs[1].dev.mm.val[ZS_MM_PAGES_COMPACTED], 5);
	assert_true(zs_stat_has(&sm->devs[1].dev.mm, ZS_MM_COMPACT_GATED));
	assert_true(sm->gate.has_kernel_gated); /* mm_stat's column 10 */
	assert_int_equal(sm->gate.kernel_gated, 3);
}

/* After 7.3 a tenth column may be upstream's: kept, but not as compact_gated. */
static void test_gate_column_release(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;

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
	const struct zs_sample *sm;

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
	assert_non_null(find_event(sm, ZS_SAMPLE_REMOVED, false, "zram2"));
	assert_non_null(find_event(sm, ZS_SAMPLE_ADDED, false, "zram5"));
	assert_non_null(find_event(sm, ZS_SAMPLE_REMOVED, true, "zram2"));
	assert_int_equal(sm->npools, 1);

	/* zram5 is initialised: its pool appears, found because initstate moved */
	put(r, "sys/block/zram5/initstate", "1\n");
	put(r, "sys/block/zram5/mm_stat", MM_STAT);
	put(r, "sys/kernel/debug/zsmalloc/zram5/classes", CLASSES_OLD);
	sm = refresh(r);
	assert_true(sm->devs[1].dev.initialised);
	assert_non_null(find_event(sm, ZS_SAMPLE_ADDED, true, "zram5"));
	assert_non_null(sm->devs[1].pool);
	assert_int_equal(sm->devs[1].pool->format, ZS_CLASSES_ALMOST);

	/* a quiet refresh: no events */
	sm = refresh(r);
	assert_int_equal(sm->nevents, 0);
}

static void test_garbled(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;
	const struct zs_sample_event *e;

	device(r, "zram0", true);
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, 0);
	put(r, "sys/block/zram0/mm_stat", "12 x\n");
	sm = refresh(r);
	assert_int_equal(sm->ndevs, 1);
	assert_int_equal(sm->devs[0].err, -EINVAL);
	/* the last good values stay */
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE], 33554432);
	e = find_event(sm, ZS_SAMPLE_FAILED, false, "zram0");
	assert_non_null(e);
	assert_string_equal(e->path, "sys/block/zram0/mm_stat");
	sm = refresh(r);
	assert_int_equal(sm->nevents, 0); /* said once, not every refresh */
	put(r, "sys/block/zram0/mm_stat", MM_STAT);
	sm = refresh(r);
	assert_int_equal(sm->devs[0].err, 0);
}

static void test_legacy(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;
	struct zs_sampler_stats a, b;

	put(r, "sys/block/zram0/initstate", "1\n");
	put(r, "sys/block/zram0/disksize", "1048576\n");
	put(r, "sys/block/zram0/orig_data_size", "4096\n");
	put(r, "sys/block/zram0/compr_data_size", "1024\n");
	put(r, "sys/block/zram0/mem_used_total", "8192\n");
	put(r, "sys/block/zram0/zero_pages", "3\n");
	settle();
	sm = refresh(r);
	assert_true(sm->devs[0].dev.mm.legacy);
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_COMPR_DATA_SIZE], 1024);
	assert_int_equal(sm->devs[0].dev.mm.val[ZS_MM_SAME_PAGES], 3);
	assert_false(zs_stat_has(&sm->devs[0].dev.mm, ZS_MM_MEM_LIMIT));
	zs_sampler_get_stats(r->s, &a);
	refresh(r);
	zs_sampler_get_stats(r->s, &b);
	assert_int_equal(b.opens, a.opens);
	assert_int_equal(b.reads - a.reads, 1 + 4 + 1); /* initstate, 4 values, swaps */
	assert_int_equal(sm->classes_status, ZS_CLASSES_NO_ZSMALLOC);
}

static void test_no_debugfs(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;

	put(r, "proc/self/mountinfo",
	    "21 26 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n");
	device(r, "zram0", true);
	sm = refresh(r);
	assert_int_equal(sm->classes_status, ZS_CLASSES_NO_DEBUGFS);
	assert_false(sm->devs[0].derived.compactable_exact);
}

static void test_gate(void **state)
{
	struct root *r = *state;
	const struct zs_sample *sm;
	char lock[128], st[128];
	struct zs_state *saved;
	struct zs_gate_holder h;
	int fd = -1;

	device(r, "zram0", true);
	put(r, "sys/block/zram0/mm_stat", "1 1 8192 0 8192 0 5 0 0 7\n");
	put(r, "run/lock/zsctl-compact.lock", "");
	put(r, "var/lib/zsctl/compact.state.busy", "xx");
	snprintf(lock, sizeof(lock), "%s/run/lock/zsctl-compact.lock", r->dir);
	snprintf(st, sizeof(st), "%s/var/lib/zsctl/compact.state", r->dir);
	saved = calloc(1, sizeof(*saved));
	assert_non_null(saved);
	saved->runs = 3;
	saved->freed_total = 8192;
	saved->last_time = 1700000000;
	saved->last_pid = 42;
	strcpy(saved->last_result, "compacted");
	assert_int_equal(zs_state_save(st, saved), 0);
	free(saved);
	assert_int_equal(zs_ctx_new(r->dir, &r->ctx), 0);
	assert_int_equal(zs_sampler_new(r->ctx, &r->s), 0);
	assert_int_equal(zs_sampler_set_gate(r->s, lock, st), 0);
	sm = refresh(r);
	assert_true(sm->has_gate);
	assert_false(sm->gate.held);
	assert_true(sm->gate.has_state);
	assert_int_equal(sm->gate.runs, 3);
	assert_int_equal(sm->gate.freed_total, 8192);
	assert_string_equal(sm->gate.last_result, "compacted");
	assert_int_equal(sm->gate.turned_away, 2);
	assert_true(sm->gate.has_kernel_gated);
	assert_int_equal(sm->gate.kernel_gated, 7);

	/* held by a zsctl compact (here, ourselves): it writes its pid into the lock file */
	assert_int_equal(zs_gate_acquire(lock, 0, &fd, &h), 0);
	sm = refresh(r);
	assert_true(sm->gate.held);
	assert_true(sm->gate.holder.known);
	assert_int_equal(sm->gate.holder.pid, getpid());
	zs_gate_release(fd);
	sm = refresh(r);
	assert_false(sm->gate.held);
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
		cmocka_unit_test_setup_teardown(test_gate, setup_root, teardown_root),
	};

	return cmocka_run_group_tests_name("sampler", tests, NULL, NULL);
}
