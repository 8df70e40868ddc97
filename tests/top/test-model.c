// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's model without a terminal: frames built from a snapshot made
 * by hand, the layout of a frame on a screen of a given height, and what
 * each key does to the view.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/top/top.h"

/* ---- a snapshot made by hand --------------------------------------------------------- */

#define NDEVS 3

struct fake {
	struct zs_snapshot snap;
	struct zs_snap_device devs[NDEVS];
	struct zs_pool pools[2];
	struct zs_class classes[2][4];
};

static void fake_device(struct zs_snap_device *d, unsigned int id, bool init, uint64_t data)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dev.name, sizeof(d->dev.name), "zram%u", id);
	d->dev.id = id;
	d->dev.initialised = init;
	d->dev.disksize = init ? 256u << 20 : 0;
	d->dev.has_algorithms = true;
	d->dev.algorithms.n = 1;
	d->dev.algorithms.active = 0;
	strcpy(d->dev.algorithms.name[0], "lz4");
	if (!init)
		return;
	d->dev.mm.present = (1u << (ZS_MM_PAGES_COMPACTED + 1)) - 1;
	d->dev.mm.ncols = 7;
	d->dev.mm.val[ZS_MM_ORIG_DATA_SIZE] = data;
	d->dev.mm.val[ZS_MM_COMPR_DATA_SIZE] = data / 2;
	d->dev.mm.val[ZS_MM_MEM_USED_TOTAL] = data / 2 + (1u << 20);
}

/* A pool of 4 classes; the largest is the page size, as zsmalloc makes it. */
static void fake_pool(struct zs_pool *p, struct zs_class *c, const char *name, uint64_t page,
		      uint64_t freeable)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kind = strncmp(name, "zram", 4) ? ZS_POOL_ZSWAP : ZS_POOL_ZRAM;
	p->format = ZS_CLASSES_FULLNESS;
	p->has_freeable = true;
	for (unsigned int i = 0; i < 4; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].index = i;
		c[i].size = i == 3 ? page : 32u << i;
		c[i].obj_allocated = 100;
		c[i].obj_used = 100 - 10 * i;
		c[i].pages_used = 10;
		c[i].pages_per_zspage = 1;
		c[i].freeable = i == 2 ? freeable : 0;
		p->total.obj_allocated += c[i].obj_allocated;
		p->total.obj_used += c[i].obj_used;
		p->total.pages_used += c[i].pages_used;
		p->total.freeable += c[i].freeable;
	}
	p->classes = c;
	p->nclasses = 4;
}

static void fake_init(struct fake *f, uint64_t page)
{
	memset(f, 0, sizeof(*f));
	fake_device(&f->devs[0], 0, true, 32u << 20);
	fake_device(&f->devs[1], 1, false, 0);
	fake_device(&f->devs[2], 2, true, 64u << 20);
	fake_pool(&f->pools[0], f->classes[0], "zram0", page, 3);
	fake_pool(&f->pools[1], f->classes[1], "zswap1", page, 1);
	f->devs[0].pool = &f->pools[0];
	for (unsigned int i = 0; i < NDEVS; i++)
		zs_device_derive(&f->devs[i].dev, f->devs[i].pool, page, &f->devs[i].derived);
	f->snap.seq = 1;
	f->snap.devs = f->devs;
	f->snap.ndevs = NDEVS;
	f->snap.pools = f->pools;
	f->snap.npools = 2;
	f->snap.classes_status = ZS_CLASSES_OK;
	f->snap.page_size = page;
	f->snap.has_gate = true;
}

static void view_init(struct top_view *v)
{
	memset(v, 0, sizeof(*v));
	v->delay = 2;
	v->batch = true;
}

/* The frame's line that starts with prefix, or NULL. */
static const char *line_starting(const struct top_frame *f, const char *prefix)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strncmp(f->lines[i].text, prefix, strlen(prefix)))
			return f->lines[i].text;
	return NULL;
}

/* ---- frames --------------------------------------------------------------------------- */

static void test_rows(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));
	const char *l;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	view_init(&v);
	v.all_pools = true;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	l = line_starting(&f, "NAME ");
	assert_non_null(l);
	assert_non_null(strstr(l, "DISKSIZE ALGO DATA COMPR TOTAL RATIO"));
	/* an initialised device: its mm_stat; an uninitialised one: '-' */
	assert_non_null(line_starting(&f, "zram0 "));
	assert_non_null(strstr(line_starting(&f, "zram0 "), " 32M "));
	assert_non_null(strstr(line_starting(&f, "zram1 "), " -"));
	/* the zswap pool of no device: a row of its own */
	assert_non_null(line_starting(&f, "zswap1 "));
	/* the sentence status prints too */
	assert_string_equal(line_starting(&f, "Gate: "), "Gate: free; runs 0, turned away 0, freed 0B");
	top_frame_free(&f);
	free(k);
}

/* The page size comes from the snapshot: a dump of a 64 KiB-page machine (the review's bug). */
static void test_page_size_from_snapshot(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));

	(void)state;
	assert_non_null(k);
	fake_init(k, 65536);
	view_init(&v);
	v.all_pools = true;
	v.bytes = true;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	/* 3 freeable pages of 64 KiB */
	assert_non_null(strstr(line_starting(&f, "Pool zram0 "), "compaction would free 196608"));
	assert_non_null(strstr(line_starting(&f, "Pool zswap1 "), "compaction would free 65536"));
	top_frame_free(&f);
	free(k);
}

/* Sums of hostile values saturate rather than wrap to a small number. */
static void test_totals_saturate(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));
	const char *l;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	k->pools[1].total.freeable = UINT64_C(1) << 62; /* times the page size: past 2^64 */
	k->devs[0].dev.mm.val[ZS_MM_ORIG_DATA_SIZE] = UINT64_MAX - 5;
	view_init(&v);
	v.bytes = true;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	l = line_starting(&f, "Total: ");
	assert_non_null(l);
	assert_non_null(strstr(l, "data 18446744073709551615,"));
	/* zram2 has no class statistics: its part is an estimate, so the sum is one */
	assert_non_null(strstr(l, "compactable ~18446744073709551615"));
	top_frame_free(&f);
	free(k);
}

/* ---- the layout ------------------------------------------------------------------------- */

static void test_layout(void **state)
{
	const struct top_line *out[64];
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));
	size_t shown = 0;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	view_init(&v);
	v.batch = false; /* the interactive table of the selected pool */
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(f.has_table);
	assert_int_equal(f.table_rows, 5); /* 4 classes and Total */

	/* tall: everything, the status line last */
	top_layout(&f, &v, 40, out);
	assert_ptr_equal(out[39], &f.status);
	assert_ptr_equal(out[0], &f.lines[0]);
	assert_int_equal(v.page, 40 - 1 - f.head - 1);

	/* short: the head gives way so that the table keeps its heading and 3 rows */
	top_layout(&f, &v, 8, out);
	for (int i = 0; i < 7; i++)
		if (out[i] && out[i] >= &f.lines[f.head + 1])
			shown++;
	assert_ptr_equal(out[7], &f.status);
	assert_true(shown >= 3);

	/* scrolling past the end is clamped to the last page */
	v.scroll = 100;
	top_layout(&f, &v, 8, out);
	assert_true(v.scroll + v.page <= f.table_rows);
	assert_ptr_equal(out[6], &f.lines[f.head + f.table_rows]);

	/* nothing at all on a screen of no rows */
	top_layout(&f, &v, 0, out);
	top_frame_free(&f);
	free(k);
}

/* ---- keys --------------------------------------------------------------------------------- */

static void test_keys(void **state)
{
	struct fake *k = calloc(1, sizeof(*k));
	struct top_view v;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	view_init(&v);
	v.batch = false;

	assert_int_equal(top_key(&v, &k->snap, 'q'), TOP_ACT_QUIT);
	/* Tab walks the devices, then the pools of no device, and wraps */
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram1");
	top_key(&v, &k->snap, TOP_KEY_TAB);
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zswap1");
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram0");
	top_key(&v, &k->snap, TOP_KEY_BTAB);
	assert_string_equal(v.selected, "zswap1");

	/* c on a pool of no device: nothing to compact, said; no confirmation */
	top_key(&v, &k->snap, 'c');
	assert_int_equal(v.mode, TOP_MODE_NORMAL);
	assert_true(v.message_error);
	assert_non_null(strstr(v.message, "not a zram device"));

	/* c on a device asks first; anything but y cancels */
	top_key(&v, &k->snap, TOP_KEY_TAB);
	top_key(&v, &k->snap, 'c');
	assert_int_equal(v.mode, TOP_MODE_CONFIRM);
	assert_string_equal(v.compact_target, "zram0");
	assert_int_equal(top_key(&v, &k->snap, 'n') & TOP_ACT_COMPACT, 0);
	assert_string_equal(v.message, "compaction cancelled");
	top_key(&v, &k->snap, 'c');
	assert_true(top_key(&v, &k->snap, 'y') & TOP_ACT_COMPACT);

	/* s cycles the sort keys, r reverses */
	assert_int_equal(v.sort, TOP_SORT_FREEABLE);
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_FRAG);
	top_key(&v, &k->snap, 'r');
	assert_true(v.reverse);
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_SIZE);
	assert_false(v.reverse);

	/* d: digits, Enter; a bad delay is said and changes nothing */
	top_key(&v, &k->snap, 'd');
	assert_int_equal(v.mode, TOP_MODE_DELAY);
	top_key(&v, &k->snap, '0');
	top_key(&v, &k->snap, TOP_KEY_ENTER);
	assert_true(v.message_error);
	assert_true(v.delay == 2);
	top_key(&v, &k->snap, 'd');
	top_key(&v, &k->snap, '1');
	top_key(&v, &k->snap, '.');
	top_key(&v, &k->snap, '5');
	assert_true(top_key(&v, &k->snap, TOP_KEY_ENTER) & TOP_ACT_DELAY);
	assert_true(v.delay == 1.5);

	/* Space pauses and resumes (and refreshes at once on resume) */
	top_key(&v, &k->snap, ' ');
	assert_true(v.paused);
	assert_true(top_key(&v, &k->snap, ' ') & TOP_ACT_REFRESH);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_page_size_from_snapshot),
		cmocka_unit_test(test_totals_saturate),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
