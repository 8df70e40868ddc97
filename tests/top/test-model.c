// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's model without a terminal: frames built from a snapshot made
 * by hand, the layout of a frame on a screen of a given height, and what
 * each key does to the view.
 */
#include "config.h"

#include <errno.h>
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
#define MAXDEVS 12

struct fake {
	struct zs_snapshot snap;
	struct zs_snap_device devs[MAXDEVS];
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

/* n devices zram0.., of which zram(n-1) has the only zram pool; zswap1 beside them. */
static void fake_many(struct fake *f, unsigned int n, enum zs_classes_status st)
{
	memset(f, 0, sizeof(*f));
	for (unsigned int i = 0; i < n; i++)
		fake_device(&f->devs[i], i, true, (uint64_t)(i + 1) << 20);
	if (st == ZS_CLASSES_OK) {
		char name[16];

		snprintf(name, sizeof(name), "zram%u", n - 1);
		fake_pool(&f->pools[0], f->classes[0], name, 4096, 3);
		fake_pool(&f->pools[1], f->classes[1], "zswap1", 4096, 1);
		f->devs[n - 1].pool = &f->pools[0];
		f->snap.npools = 2;
	}
	for (unsigned int i = 0; i < n; i++)
		zs_device_derive(&f->devs[i].dev, f->devs[i].pool, 4096, &f->devs[i].derived);
	f->snap.seq = 1;
	f->snap.devs = f->devs;
	f->snap.ndevs = n;
	f->snap.pools = f->pools;
	f->snap.classes_status = st;
	f->snap.page_size = 4096;
	f->snap.has_gate = true;
}

/* The row of the screen that shows the line starting with prefix; -1 if none does. */
static int shown_row(const struct top_line *const *out, int rows, const char *prefix)
{
	for (int i = 0; i < rows; i++)
		if (out[i] && !strncmp(out[i]->text, prefix, strlen(prefix)))
			return i;
	return -1;
}

static int shown_style(const struct top_line *const *out, int rows, enum top_style st)
{
	int n = 0;

	for (int i = 0; i < rows; i++)
		n += out[i] && out[i]->style == st;
	return n;
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
	assert_non_null(strstr(l, "compactable ~"));
	/* the zswap pool's part saturates on its own, apart from zram's */
	assert_null(strstr(l, "compactable ~18446744073709551615"));
	assert_non_null(strstr(l, "; 1 other pool (zswap): total 163840, compactable 18446744073709551615"));
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
	assert_int_equal(v.page, f.table_rows); /* all of it */

	/*
	 * short: the totals, the gate and the other devices give way, so that the
	 * selected device, the pool's line, the table's heading and 3 rows stay
	 */
	top_layout(&f, &v, 10, out);
	for (int i = 0; i < 9; i++)
		for (size_t j = 0; j < f.table_rows; j++)
			shown += out[i] == &f.lines[f.head + 1 + j];
	assert_ptr_equal(out[9], &f.status);
	assert_true(shown >= 3);
	assert_true(shown_row(out, 10, "Pool zram0 (device zram0") >= 0);
	assert_true(shown_row(out, 10, "zram0 ") >= 0);
	assert_true(shown_row(out, 10, "v 3 more devices") >= 0);
	assert_int_equal(shown_row(out, 10, "Total: "), -1);

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

/* s and e without a class table to act on: they say why, and change nothing */
static void test_keys_no_classes(void **state)
{
	struct fake *k = calloc(1, sizeof(*k));
	struct top_view v;

	(void)state;
	assert_non_null(k);
	fake_many(k, 2, ZS_CLASSES_NO_PERMISSION);
	view_init(&v);
	v.batch = false;
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_FREEABLE);
	assert_string_equal(
		v.message,
		"nothing to sort: no class statistics: debugfs is readable by root only");
	assert_false(v.message_error);
	top_key(&v, &k->snap, 'e');
	assert_false(v.hide_empty);
	assert_string_equal(v.message, "no empty classes to hide: no class statistics: debugfs "
				       "is readable by root only");

	/* statistics, but the selected device has no pool of them (zram1, uninitialised) */
	fake_init(k, 4096);
	view_init(&v);
	v.batch = false;
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram1");
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_FREEABLE);
	assert_string_equal(v.message, "nothing to sort: zram1 has no class statistics");
	/* and with a pool, s sorts */
	top_key(&v, &k->snap, TOP_KEY_BTAB);
	assert_string_equal(v.selected, "zram0");
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_FRAG);
	assert_string_equal(v.message, "");
	free(k);
}

/*
 * 12 devices on 80x12 and 80x24 (the review's #2): whichever is selected,
 * its row is on screen and highlighted, a line says how many are above and
 * below, and the class table keeps the line naming its device and pool.
 */
static void test_layout_selection_visible(void **state)
{
	static const int heights[] = { 12, 24, 8 };
	const struct top_line *out[64];
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));

	(void)state;
	assert_non_null(k);
	for (int st = 0; st < 2; st++) {
		fake_many(k, 12, st ? ZS_CLASSES_NO_ZSMALLOC : ZS_CLASSES_OK);
		for (size_t h = 0; h < ARRAY_SIZE(heights); h++) {
			int rows = heights[h];

			view_init(&v);
			v.batch = false;
			v.cols = 80;
			top_frame_init(&f);
			for (unsigned int sel = 0; sel < 12; sel++) {
				char name[16], label[48];
				int r, more;

				assert_int_equal(top_build(&f, &v, &k->snap), 0);
				top_layout(&f, &v, rows, out);
				snprintf(label, sizeof(label), "zram%u", sel);
				assert_string_equal(v.selected, label);
				snprintf(name, sizeof(name), "zram%u ", sel);
				r = shown_row(out, rows, name);
				assert_true(r >= 0); /* never off screen */
				assert_int_equal(out[r]->style, TS_SELECTED);
				assert_int_equal(shown_style(out, rows, TS_SELECTED), 1);
				/* the rows left out are said, above and below */
				more = shown_row(out, rows, "^ ");
				if (more < 0)
					more = shown_row(out, rows, "v ");
				{
					size_t shown = 0, all = st ? 12 : 13;

					for (int i = 0; i < rows; i++)
						shown += out[i] && (!strncmp(out[i]->text, "zram", 4) ||
								    !strncmp(out[i]->text, "zswap", 5)) &&
							 !strstr(out[i]->text, ": ");
					/* the marker when (and only when) rows are left out */
					assert_int_equal(more >= 0, shown < all);
					if (rows == 12)
						assert_true(more >= 0);
					if (more >= 0)
						assert_non_null(strstr(out[more]->text, "more device"));
				}
				/* what the class area belongs to */
				if (st == 0 && sel == 11) {
					assert_true(shown_row(out, rows, "Pool zram11 (device zram11") >= 0);
					assert_true(shown_row(out, rows, "CLASS ") >= 0);
				} else if (st == 0) {
					snprintf(label, sizeof(label), "zram%u: no class statistics", sel);
					assert_true(shown_row(out, rows, label) >= 0);
				} else {
					assert_true(shown_row(out, rows, "No class statistics: ") >= 0);
				}
				assert_ptr_equal(out[rows - 1], &f.status);
				top_key(&v, &k->snap, TOP_KEY_TAB);
			}
			top_frame_free(&f);
		}
	}
	free(k);
}

/* The selected device is hot-removed: nothing else is selected, c does nothing, Tab picks. */
static void test_removed_selection(void **state)
{
	const struct top_line *out[64];
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));

	(void)state;
	assert_non_null(k);
	fake_many(k, 5, ZS_CLASSES_NO_ZSMALLOC);
	view_init(&v);
	v.batch = false;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	top_key(&v, &k->snap, TOP_KEY_TAB);
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram2");
	assert_int_equal(top_build(&f, &v, &k->snap), 0);

	/* zram2 goes */
	memmove(&k->devs[2], &k->devs[3], 2 * sizeof(k->devs[0]));
	k->snap.ndevs = 4;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(v.sel_gone);
	top_layout(&f, &v, 24, out);
	assert_int_equal(shown_style(out, 24, TS_SELECTED), 0); /* not zram0, not anyone */
	assert_true(shown_row(out, 24, "zram2 is gone: nothing is selected") >= 0);
	/* c: nothing to act on, and no question asked */
	top_key(&v, &k->snap, 'c');
	assert_int_equal(v.mode, TOP_MODE_NORMAL);
	assert_non_null(strstr(v.message, "zram2 is gone: nothing to compact"));
	/* a new zram2 (the kernel reuses the number) is not selected either */
	fake_device(&k->devs[4], 2, true, 1 << 20);
	k->snap.ndevs = 5;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(v.sel_gone);
	k->snap.ndevs = 4;
	/* Tab: the one now in its place */
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram3");
	assert_false(v.sel_gone);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	top_layout(&f, &v, 24, out);
	assert_int_equal(out[shown_row(out, 24, "zram3 ")]->style, TS_SELECTED);
	top_frame_free(&f);
	free(k);
}

/* c names its device, and compacts only the very device it asked about. */
static void test_compact_target(void **state)
{
	struct fake *k = calloc(1, sizeof(*k));
	struct top_frame f;
	struct top_view v;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	k->devs[0].dev.has_diskseq = true;
	k->devs[0].dev.diskseq = 41;
	view_init(&v);
	v.batch = false;
	top_frame_init(&f);

	/* an uninitialised device: what zsctl compact says, no question, no run */
	top_key(&v, &k->snap, TOP_KEY_TAB);
	assert_string_equal(v.selected, "zram1");
	assert_int_equal(top_key(&v, &k->snap, 'c') & TOP_ACT_COMPACT, 0);
	assert_int_equal(v.mode, TOP_MODE_NORMAL);
	assert_string_equal(v.message, "zram1: not initialised, nothing to compact");
	assert_false(v.message_error);

	/* the question names the device */
	top_key(&v, &k->snap, TOP_KEY_BTAB);
	top_key(&v, &k->snap, 'c');
	assert_int_equal(v.mode, TOP_MODE_CONFIRM);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_string_equal(f.status.text, "Compact zram0 now, through zsctl compact's gate? [y/N] ");
	/* meanwhile zram0 was removed and another zram0 made: not that one */
	k->devs[0].dev.diskseq = 42;
	assert_int_equal(top_key(&v, &k->snap, 'y') & TOP_ACT_COMPACT, 0);
	assert_string_equal(v.message, "zram0 changed since you asked: not compacted");
	/* asked again about the new one: yes */
	top_key(&v, &k->snap, 'c');
	assert_true(top_key(&v, &k->snap, 'y') & TOP_ACT_COMPACT);
	assert_string_equal(v.compact_target, "zram0");
	top_frame_free(&f);
	free(k);
}

/* Lines cut at a word's end with an ellipsis; a message keeps its cause. */
static void test_fit(void **state)
{
	static const char total[] = "Total: data 128M, compr 63.3M, total 78M, compactable 10.2M, "
				    "ratio 2.02, frag 17.6%";
	static const char msg[] = "zram0: cannot take the compaction gate "
				  "/tmp/a-long-directory/several-devices/run/lock/zsctl-compact.lock: "
				  "Permission denied";
	char out[256];
	int w;

	(void)state;
	w = top_fit(total, (int)strlen(total), false, false, out, sizeof(out));
	assert_string_equal(out, total);
	assert_int_equal(w, (int)strlen(total));
	/* at an item's end */
	w = top_fit(total, 70, false, false, out, sizeof(out));
	assert_string_equal(out, "Total: data 128M, compr 63.3M, total 78M, compactable 10.2M...");
	assert_true(w <= 70);
	w = top_fit(total, 70, true, false, out, sizeof(out));
	assert_string_equal(out, "Total: data 128M, compr 63.3M, total 78M, compactable 10.2M\u2026");
	assert_int_equal(w, (int)top_width(out));
	/* one long word: cut inside it, still with the ellipsis */
	w = top_fit("abcdefghijklmnopqrstuvwxyz", 10, false, false, out, sizeof(out));
	assert_string_equal(out, "abcdefg...");
	/* the cause of an error stays */
	w = top_fit(msg, 80, false, true, out, sizeof(out));
	assert_true(w <= 80);
	assert_true(!strncmp(out, "zram0: cannot take the compaction gate", 38));
	assert_non_null(strstr(out, "gate .../zsctl-compact.lock: Permission denied"));
	w = top_fit(msg, 40, true, true, out, sizeof(out));
	assert_true(w <= 40);
	assert_non_null(strstr(out, "Permission denied"));
	assert_true(!strncmp(out, "zram0:", 6));
}

/* The picture: what compaction can free, its colour, its ruler, the fullness shades. */
static void test_picture(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));
	const struct top_line *l;
	const char *t;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	/* class 0: its zspages spread; class 1: one crowded group, many zspages */
	k->classes[0][0].fullness[0] = 0;
	k->classes[0][0].fullness[1] = 1;
	k->classes[0][0].fullness[5] = 100;
	k->classes[0][1].fullness[10] = 5000;
	view_init(&v);
	v.batch = false;
	v.cols = 80;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);

	/* the heading: the bar's ruler and the strip's */
	t = f.lines[f.head].text;
	assert_non_null(strstr(t, " 0   50 100 1234567899F"));
	for (size_t i = f.head + 1; i <= f.head + f.table_rows; i++) {
		l = &f.lines[i];
		assert_null(strchr(l->text, '+')); /* no saturated strip */
		assert_null(strchr(l->text, '|'));
		for (unsigned int s = 0; s < l->nspans; s++)
			if (l->spans[s].style == TS_BAR_HIGH)
				assert_true(l->text[l->spans[s].start] == '#');
	}
	/* class 2: 3 of its 10 pages freeable: 3 cells, red (a quarter or more) */
	l = &f.lines[f.head + 1]; /* by freeable: class 2 first */
	assert_non_null(strstr(l->text, " ###....... "));
	assert_int_equal(l->spans[0].style, TS_BAR_HIGH);
	assert_int_equal(l->spans[0].len, 3);
	/* classes with nothing freeable: no cell, no colour, however fragmented */
	for (size_t i = f.head + 2; i < f.head + f.table_rows; i++) {
		l = &f.lines[i];
		assert_non_null(strstr(l->text, " .......... "));
		for (unsigned int s = 0; s < l->nspans; s++)
			assert_int_equal(l->spans[s].style, TS_DIM);
	}
	/* the strip: shaded against its row; one zspage shows, 5000 do not saturate */
	assert_non_null(line_starting(&f, "    0   32 ")); /* class 0 */
	assert_non_null(strstr(line_starting(&f, "    0   32 "), " ._...*....."));
	assert_non_null(strstr(line_starting(&f, "    1   64 "), " ..........*"));

	/* device rows: exact from zram0's classes, the estimate (lib's) for zram2 */
	t = line_starting(&f, "NAME ");
	assert_non_null(strstr(t, " 0   50 100"));
	{
		const char *z0 = line_starting(&f, "zram0 "), *z2 = line_starting(&f, "zram2 ");
		char bar[16];
		int n = (int)(((double)k->devs[2].derived.compactable /
			       (double)k->devs[2].dev.mm.val[ZS_MM_MEM_USED_TOTAL]) * 10 + 0.5);

		assert_true(k->devs[2].derived.has_compactable);
		assert_false(k->devs[2].derived.compactable_exact);
		assert_non_null(strstr(z0, " #........."));
		memset(bar, '.', 10);
		/* any share above nothing takes a cell; the model may find nothing */
		if (k->devs[2].derived.compactable)
			memset(bar, '~', (size_t)(n ? n : 1));
		bar[10] = '\0';
		assert_non_null(strstr(z2, bar));
		/* uninitialised: no picture */
		assert_null(strstr(line_starting(&f, "zram1 "), ".........."));
	}
	/* wide: the bars take 20 cells */
	v.cols = 200;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(strstr(line_starting(&f, "NAME "), " 0        50      100"));
	top_frame_free(&f);
	free(k);
}

/* Devices named on the command line: those only, and no other pool in the totals. */
static void test_named(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	view_init(&v);
	v.all_pools = true;
	top_frame_init(&f);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "zswap1 "));
	assert_non_null(strstr(line_starting(&f, "Total: "), "other pool (zswap)"));
	v.named = true;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(line_starting(&f, "zswap1 "));
	assert_null(line_starting(&f, "Pool zswap1 "));
	assert_null(strstr(line_starting(&f, "Total: "), "zswap"));
	top_frame_free(&f);
	free(k);
}

/* zswap: what it holds, then its counters per second between two frames, never negative. */
static void test_zswap(void **state)
{
	struct top_frame f;
	struct top_view v;
	struct fake *k = calloc(1, sizeof(*k));
	struct zs_zswap *z;
	const char *held, *rates;

	(void)state;
	assert_non_null(k);
	fake_init(k, 4096);
	view_init(&v);
	top_frame_init(&f);
	/* no zswap read, or zswap off and empty: no zswap lines */
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(line_starting(&f, "zswap ("));
	z = &k->snap.zswap;
	k->snap.has_zswap = true;
	z->present = true;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(line_starting(&f, "zswap ("));

	z->enabled = true;
	strcpy(z->compressor, "zstd");
	z->stats_status = ZS_ZSWAP_STATS_OK;
	z->stats_present = UINT32_C(1) << ZS_ZSWAP_S_POOL_LIMIT_HIT;
	z->vm_present = (UINT32_C(1) << ZS_ZSWAP_V_ZSWPOUT) | (UINT32_C(1) << ZS_ZSWAP_V_ZSWPIN);
	z->vm[ZS_ZSWAP_V_ZSWPOUT] = 1000;
	z->vm[ZS_ZSWAP_V_ZSWPIN] = 100;
	k->snap.zswap_derived.has_pool = k->snap.zswap_derived.has_stored = true;
	k->snap.zswap_derived.pool = 10u << 20;
	k->snap.zswap_derived.stored = 30u << 20;
	v.now_ns = 1000000000;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	held = line_starting(&f, "zswap (zstd): ");
	assert_non_null(held);
	assert_non_null(strstr(held, "pool 10M, stored 30M"));
	rates = line_starting(&f, "zswap/s:");
	assert_non_null(rates);
	assert_non_null(strstr(rates, "from the next refresh"));

	/* two seconds later: 600 out, 10 in, the pool hit its limit with the shrinker off */
	k->snap.seq++;
	v.now_ns += 2000000000;
	z->vm[ZS_ZSWAP_V_ZSWPOUT] += 1200;
	z->vm[ZS_ZSWAP_V_ZSWPIN] += 20;
	z->stat[ZS_ZSWAP_S_POOL_LIMIT_HIT] = 4;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	rates = line_starting(&f, "zswap/s:");
	assert_non_null(rates);
	assert_non_null(strstr(rates, "pool_limit_hit 2.0, zswpout 600, zswpin 10"));
	assert_non_null(strstr(rates, "shrinker off"));
	for (size_t i = 0; i < f.n; i++)
		if (f.lines[i].text == rates)
			assert_int_equal(f.lines[i].style, TS_WARN);
	/* the same sample built again (a key was pressed): the same rates */
	v.now_ns += 500000000;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	rates = line_starting(&f, "zswap/s:");
	assert_non_null(strstr(rates, "pool_limit_hit 2.0, zswpout 600, zswpin 10"));
	v.now_ns -= 500000000;

	/* a counter that went down (a reload, another dump): no rate, never a negative one */
	k->snap.seq++;
	v.now_ns += 2000000000;
	z->vm[ZS_ZSWAP_V_ZSWPOUT] = 5;
	z->shrinker_enabled = true;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	rates = line_starting(&f, "zswap/s:");
	assert_non_null(strstr(rates, "zswpout -, zswpin 0"));
	assert_null(strstr(rates, "shrinker off"));
	top_frame_free(&f);
	free(k);
}

/* ---- the zswap panel ------------------------------------------------------------------ */

static void fake_cgroup(struct zs_cgroup_zswap *c, const char *path, uint64_t ino, uint64_t zswap,
			uint64_t zswpin)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->ino = ino;
	c->present = (UINT32_C(1) << ZS_CG_KNOWN) - 1;
	c->stat[ZS_CG_ZSWAP] = zswap;
	c->stat[ZS_CG_ZSWAPPED] = 3 * zswap;
	c->stat[ZS_CG_ZSWPOUT] = 1000;
	c->stat[ZS_CG_ZSWPIN] = zswpin;
	c->has_zswap_max = c->has_writeback = true;
	c->zswap_max = UINT64_MAX;
	c->writeback = true;
}

/* A snapshot with zswap on and holding 10M, and cgroups a, b, c. */
static void fake_zswap(struct fake *k, struct zs_cgroup_zswap *cg)
{
	fake_init(k, 4096);
	k->snap.has_zswap = true;
	k->snap.zswap.present = k->snap.zswap.enabled = true;
	strcpy(k->snap.zswap.compressor, "zstd");
	k->snap.zswap.params_present = UINT32_C(1) << ZS_ZSWAP_P_ENABLED;
	k->snap.zswap_derived.has_pool = true;
	k->snap.zswap_derived.pool = 10u << 20;
	fake_cgroup(&cg[0], "/a", 10, 1u << 20, 100);
	fake_cgroup(&cg[1], "/b", 11, 6u << 20, 100);
	fake_cgroup(&cg[2], "/c", 12, 3u << 20, 100);
	k->snap.cgroups = cg;
	k->snap.ncgroups = 3;
	k->snap.cgroups_status = ZS_CGROUPS_OK;
}

/* The frame's rows of the cgroup table, by path, in order, into out ("/b /c /a"). */
static void cg_order(const struct top_frame *f, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		const char *t = f->lines[i].text;

		size_t len = strlen(out);

		if (t[0] == '/' && len + 4 < size)
			snprintf(out + len, size - len, "%.2s ", t);
	}
}

/* The cell of column head on the row of path, as a number; -1 for "-". */
static double cg_cell(const struct top_frame *f, const char *path, const char *head)
{
	const char *heading = line_starting(f, "CGROUP "), *row = NULL, *h;
	size_t end;
	char cell[32];

	assert_non_null(heading);
	for (size_t i = 0; i < f->n; i++)
		if (!strncmp(f->lines[i].text, path, strlen(path)) &&
		    f->lines[i].text[strlen(path)] == ' ')
			row = f->lines[i].text;
	assert_non_null(row);
	h = strstr(heading, head);
	assert_non_null(h);
	/* numbers are right-aligned under their heading: the cell ends where it does */
	end = (size_t)(h - heading) + strlen(head);
	assert_true(strlen(row) >= end);
	{
		size_t start = end;

		while (start > 0 && row[start - 1] != ' ')
			start--;
		snprintf(cell, sizeof(cell), "%.*s", (int)(end - start), row + start);
	}
	return !strcmp(cell, "-") ? -1 : strtod(cell, NULL);
}

static void test_zswap_panel(void **state)
{
	struct fake *k = calloc(1, sizeof(*k));
	struct zs_cgroup_zswap *cg = calloc(TOP_CGROUPS_SHOWN + 3, sizeof(*cg));
	struct top_frame f;
	struct top_view v;
	char order[64];
	const char *title;

	(void)state;
	assert_non_null(k);
	assert_non_null(cg);
	fake_zswap(k, cg);
	view_init(&v);
	top_frame_init(&f);

	/* the class table by default; z switches to the panel and asks for the walk */
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "Pool zram0 "));
	assert_null(line_starting(&f, "zswap per cgroup"));
	assert_true(top_key(&v, &k->snap, 'z') & TOP_ACT_PANEL);
	assert_int_equal(v.panel, TOP_PANEL_ZSWAP);
	v.now_ns = 1000000000;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(line_starting(&f, "Pool zram0 "));
	assert_non_null(line_starting(&f, "zswap: enabled yes"));
	/* by zswap RAM, most first; no rates before a second sample */
	title = line_starting(&f, "zswap per cgroup: 3 hold zswap memory by zswap descending");
	assert_non_null(title);
	cg_order(&f, order, sizeof(order));
	assert_string_equal(order, "/b /c /a ");
	assert_true(cg_cell(&f, "/b", "ZSWPIN/s") < 0);
	assert_non_null(line_starting(&f, "CGROUP ZSWAP "));
	/* its share of zswap's RAM: 6M of 10M */
	assert_non_null(strstr(line_starting(&f, "/b "), "######...."));

	/* s sorts the cgroups by refaults per second, the classes' sort untouched */
	assert_int_equal(top_key(&v, &k->snap, 's') & TOP_ACT_PANEL, 0);
	assert_int_equal(v.cg_sort, TOP_CG_SORT_ZSWPIN);
	assert_int_equal(v.sort, TOP_SORT_FREEABLE);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(strstr(line_starting(&f, "zswap per cgroup"),
			       "by zswpin/s descending (rates from the next refresh)"));

	/* two seconds later: a refaulted 40 pages, c 400, b none */
	k->snap.seq++;
	v.now_ns += 2000000000;
	cg[0].stat[ZS_CG_ZSWPIN] += 40;
	cg[2].stat[ZS_CG_ZSWPIN] += 400;
	cg[2].stat[ZS_CG_ZSWPOUT] += 7;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	cg_order(&f, order, sizeof(order));
	assert_string_equal(order, "/c /a /b ");
	assert_true(cg_cell(&f, "/c", "ZSWPIN/s") == 200);
	assert_true(cg_cell(&f, "/a", "ZSWPIN/s") == 20);
	assert_true(cg_cell(&f, "/b", "ZSWPIN/s") == 0);
	assert_true(cg_cell(&f, "/c", "ZSWPOUT/s") == 3.5);
	/* r reverses the cgroups' order only; a rebuild of the same sample keeps the rates */
	top_key(&v, &k->snap, 'r');
	assert_true(v.cg_reverse);
	assert_false(v.reverse);
	v.now_ns += 100000000;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	cg_order(&f, order, sizeof(order));
	assert_string_equal(order, "/b /a /c ");
	assert_true(cg_cell(&f, "/c", "ZSWPIN/s") == 200);
	top_key(&v, &k->snap, 'r');

	/*
	 * Two seconds on: a's counter fell (another cgroup of its path: the
	 * same id here, a counter reset), c was removed and made again (a new
	 * id): neither has a rate, never a negative one, and they sort last.
	 */
	k->snap.seq++;
	v.now_ns += 2000000000;
	cg[0].stat[ZS_CG_ZSWPIN] = 5;
	cg[2].ino = 99;
	cg[2].stat[ZS_CG_ZSWPIN] += 1000;
	cg[1].stat[ZS_CG_ZSWPIN] += 2;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(cg_cell(&f, "/a", "ZSWPIN/s") < 0);
	assert_true(cg_cell(&f, "/c", "ZSWPIN/s") < 0);
	assert_true(cg_cell(&f, "/c", "ZSWPOUT/s") < 0);
	assert_true(cg_cell(&f, "/b", "ZSWPIN/s") == 1);
	cg_order(&f, order, sizeof(order));
	assert_string_equal(order, "/b /c /a ");
	/* a's next rate counts from the value it fell to */
	k->snap.seq++;
	v.now_ns += 1000000000;
	cg[0].stat[ZS_CG_ZSWPIN] = 8;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(cg_cell(&f, "/a", "ZSWPIN/s") == 3);
	assert_true(cg_cell(&f, "/c", "ZSWPIN/s") == 0);

	/* z back: the class table, the samples dropped; z again starts over */
	assert_true(top_key(&v, &k->snap, 'z') & TOP_ACT_PANEL);
	assert_int_equal(v.panel, TOP_PANEL_CLASSES);
	assert_int_equal(v.cg_now.seq, 0);
	assert_null(v.cg_now.c);
	assert_int_equal(v.cg_sort, TOP_CG_SORT_ZSWPIN); /* remembered */
	top_key(&v, &k->snap, 'z');
	k->snap.seq++;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(cg_cell(&f, "/b", "ZSWPIN/s") < 0);

	/* more cgroups than are shown: the first TOP_CGROUPS_SHOWN by the sort */
	for (unsigned int i = 0; i < TOP_CGROUPS_SHOWN + 3; i++) {
		char path[16];

		snprintf(path, sizeof(path), "/g%02u", i);
		fake_cgroup(&cg[i], path, 100 + i, (uint64_t)(i + 1) << 16, 0);
	}
	k->snap.ncgroups = TOP_CGROUPS_SHOWN + 3;
	v.cg_sort = TOP_CG_SORT_ZSWAP;
	k->snap.seq++;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	title = line_starting(&f, "zswap per cgroup: 35 hold zswap memory, the first 32 by zswap");
	assert_non_null(title);
	assert_non_null(line_starting(&f, "/g34 "));
	assert_null(line_starting(&f, "/g02 "));

	/* writeback off while it holds incompressible pages: a warning row */
	cg[34].has_writeback = true;
	cg[34].writeback = false;
	cg[34].stat[ZS_CG_ZSWAP_INCOMP] = 4096;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	for (size_t i = 0; i < f.n; i++)
		if (!strncmp(f.lines[i].text, "/g34 ", 5))
			assert_int_equal(f.lines[i].style, TS_WARN);
		else if (!strncmp(f.lines[i].text, "/g33 ", 5))
			assert_int_equal(f.lines[i].style, TS_NORMAL);

	/* no cgroup v2, or none holding zswap: a sentence */
	k->snap.cgroups_status = ZS_CGROUPS_V1;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "zswap per cgroup unavailable: only cgroup v1"));
	k->snap.cgroups_status = ZS_CGROUPS_OK;
	k->snap.ncgroups = 0;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "No cgroup holds zswap memory."));
	/* e has no classes to hide here, and says so */
	top_key(&v, &k->snap, 'e');
	assert_false(v.hide_empty);
	assert_non_null(strstr(v.message, "zswap panel"));

	top_view_clear(&v);
	top_frame_free(&f);
	free(cg);
	free(k);
}

/* ---- the ages panel ------------------------------------------------------------------- */

/* The line at f's index of the first line starting with prefix, or f->n. */
static size_t line_index(const struct top_frame *f, const char *prefix)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strncmp(f->lines[i].text, prefix, strlen(prefix)))
			return i;
	return f->n;
}

/*
 * zram0 with 400 slots: 100 in 2h-4h (50 written back, 25 huge of which
 * 10 idle, 25 other) and 300 without a time; maintain's two ages select.
 */
static void fake_ages(struct fake *k)
{
	struct zs_ages *a = &k->devs[0].ages;
	struct zs_ages_bucket *b = &a->bucket[3];

	fake_init(k, 4096);
	k->snap.ages_status = ZS_AGES_OK;
	k->devs[2].ages.read = true;
	a->read = true;
	a->now_us = UINT64_C(90000) * 1000000;
	a->slots = 400;
	b->slots = 100;
	b->flag[ZS_SLOT_WB] = 50;
	b->flag[ZS_SLOT_HUGE] = 25;
	b->flag[ZS_SLOT_IDLE] = 10;
	b->kind[ZS_SLOT_KIND_WB] = 50;
	b->kind[ZS_SLOT_KIND_HUGE] = 25;
	b->kind[ZS_SLOT_KIND_OTHER] = 25;
	a->bucket[ZS_AGES_NO_TIME].slots = 300;
	a->bucket[ZS_AGES_NO_TIME].kind[ZS_SLOT_KIND_SAME] = 300;
	a->bucket[ZS_AGES_NO_TIME].flag[ZS_SLOT_SAME] = 300;
	a->sel[ZS_AGES_FOR_RECOMPRESS] = (struct zs_ages_select){
		.valid = true,
		.age = 9000,
		.pages = 50,
		.huge = 25,
		.recompressible = 20,
		.huge_bytes = 25 * 4096,
	};
	a->sel[ZS_AGES_FOR_WRITEBACK] = (struct zs_ages_select){ .valid = true, .age = 75600 };
}

static void test_ages_panel(void **state)
{
	struct fake *k = calloc(1, sizeof(*k));
	struct top_frame f;
	struct top_view v;
	const struct top_line *row;
	const char *sel;
	size_t i, bar;

	(void)state;
	assert_non_null(k);
	fake_ages(k);
	view_init(&v);
	v.all_pools = true;
	top_frame_init(&f);

	/* a shows the panel and reads block_state at once; a again, the class table */
	assert_int_equal(top_key(&v, &k->snap, 'a'),
			 TOP_ACT_REBUILD | TOP_ACT_PANEL | TOP_ACT_REFRESH);
	assert_int_equal(v.panel, TOP_PANEL_AGES);
	assert_true(top_ages_due(&v, &k->snap, 1));
	v.now_ns = UINT64_C(5000000000);
	top_ages_read(&v, &k->snap);
	assert_true(v.ages_ns == v.now_ns);
	assert_true(v.ages_slots == 400);

	/* batch: every device, the bars in proportion to the fullest bucket (300 slots) */
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(line_starting(&f, "Pool zram0 "));
	assert_non_null(line_starting(
		&f, "Slot ages of zram0: 400 slots by their last access, 90000 s since boot"));
	assert_non_null(line_starting(&f, "zram1 is not initialised: no slots"));
	assert_non_null(line_starting(&f, "Slot ages of zram2: 0 slots"));
	i = line_index(&f, "2h-4h ");
	assert_true(i < f.n);
	row = &f.lines[i];
	/* 100 of 300: 13 of 40 letters, 50/25/25 of them: 7 w (6.5 rounded), 3 h, 3 # */
	sel = strstr(row->text, "wwwwwww");
	assert_non_null(sel);
	assert_string_equal(sel, "wwwwwwwhhh###");
	bar = (size_t)(sel - row->text);
	assert_int_equal(row->nspans, 3);
	assert_int_equal(row->spans[0].start, bar);
	assert_int_equal(row->spans[0].len, 7);
	assert_int_equal(row->spans[0].style, TS_AGE_WB);
	assert_int_equal(row->spans[1].len, 3);
	assert_int_equal(row->spans[1].style, TS_AGE_HUGE);
	assert_int_equal(row->spans[2].style, TS_AGE_OTHER);
	/* the fullest bucket fills the bar; an empty one has none and is dim */
	row = &f.lines[line_index(&f, "no-time ")];
	assert_non_null(strstr(row->text, " ssssssssssssssssssssssssssssssssssssssss"));
	assert_int_equal(row->spans[0].style, TS_AGE_SAME);
	assert_int_equal(row->spans[0].len, 40);
	row = &f.lines[line_index(&f, "<10min ")];
	assert_int_equal(row->style, TS_DIM);
	assert_int_equal(row->nspans, 0);
	/* what maintain's ages select, as status --ages says it (fields.c) */
	assert_non_null(
		line_starting(&f, "FOR        IDLE-AGE PAGES HUGE RECOMPRESSIBLE HUGE-SIZE"));
	assert_non_null(
		line_starting(&f, "recompress 2h30min     50   25             20      100K"));
	assert_non_null(
		line_starting(&f, "writeback  21h          0    0              0        0B"));

	/*
	 * Small devices are read every frame; past TOP_AGES_SMALL slots only
	 * every TOP_AGES_EVERY_S seconds, and the title says how old they are.
	 */
	assert_true(top_ages_due(&v, &k->snap, v.now_ns + 1));
	k->devs[0].ages.slots = TOP_AGES_SMALL + 1;
	top_ages_read(&v, &k->snap);
	assert_false(top_ages_due(&v, &k->snap, v.now_ns + 1));
	assert_false(top_ages_due(&v, &k->snap, v.now_ns + UINT64_C(29900000000)));
	assert_true(top_ages_due(&v, &k->snap, v.now_ns + UINT64_C(30000000000)));
	v.now_ns += UINT64_C(12000000000);
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(
		strstr(line_starting(&f, "Slot ages of zram0:"), "s since boot (read 12 s ago)"));
	/* a device initialised since (zram1), not yet read: at once, and said until then */
	k->devs[1].dev.initialised = true;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "zram1: slot ages not read yet"));
	k->devs[1].dev.initialised = true;
	assert_true(top_ages_due(&v, &k->snap, v.now_ns));
	/* unless it could not be read, or maintain writes it back (7.x: it would wait) */
	k->devs[1].ages.err = -EACCES;
	assert_false(top_ages_due(&v, &k->snap, v.now_ns));
	k->devs[1].ages.err = 0;
	k->devs[1].busy = ZS_PHASE_WRITEBACK;
	k->devs[1].busy_unread = true;
	assert_false(top_ages_due(&v, &k->snap, v.now_ns));
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(
		&f, "zram1 is busy (writeback): block_state would wait for it, not read"));
	/* never on another panel */
	v.panel = TOP_PANEL_CLASSES;
	assert_false(top_ages_due(&v, &k->snap, v.now_ns + UINT64_C(60000000000)));
	v.panel = TOP_PANEL_AGES;

	/* on the screen: the selected device's, a table that scrolls under its title */
	v.batch = false;
	v.cols = 100;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_true(f.has_table);
	assert_true(f.has_label);
	assert_non_null(strstr(f.lines[f.label].text, "Slot ages of zram0"));
	assert_non_null(strstr(f.lines[f.head].text, "AGE "));
	assert_int_equal(f.table_rows, f.n - f.head - 1);
	assert_null(line_starting(&f, "Slot ages of zram2"));
	/* s and e have nothing to act on here, and say so */
	top_key(&v, &k->snap, 's');
	assert_int_equal(v.sort, TOP_SORT_FREEABLE);
	assert_non_null(strstr(v.message, "ages panel"));
	top_key(&v, &k->snap, 'e');
	assert_false(v.hide_empty);
	assert_non_null(strstr(v.message, "ages panel"));
	/* a narrow screen drops the flags' counts before the bar */
	v.cols = 60;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_null(strstr(f.lines[f.head].text, "INCOMPRESSIBLE"));
	assert_non_null(strstr(f.lines[f.head].text, "w s h i #"));

	/* maintain's configuration refused: said, and its ages not guessed */
	v.batch = true;
	snprintf(v.ages_config_error, sizeof(v.ages_config_error),
		 "/etc/zsctl/zsctl.conf:2: refused");
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(
		&f, "maintain's ages are not known: /etc/zsctl/zsctl.conf:2: refused"));
	assert_null(line_starting(&f, "FOR "));
	/* no block_state at all: one line, as the class panel says it */
	k->snap.ages_status = ZS_AGES_NO_TRACKING;
	assert_int_equal(top_build(&f, &v, &k->snap), 0);
	assert_non_null(line_starting(&f, "No slot ages: no zram directory in debugfs"));
	assert_null(line_starting(&f, "Slot ages of"));

	assert_int_equal(top_key(&v, &k->snap, 'a') & TOP_ACT_PANEL, TOP_ACT_PANEL);
	assert_int_equal(v.panel, TOP_PANEL_CLASSES);
	/* z from the ages panel: the zswap panel */
	top_key(&v, &k->snap, 'a');
	top_key(&v, &k->snap, 'z');
	assert_int_equal(v.panel, TOP_PANEL_ZSWAP);

	top_view_clear(&v);
	top_frame_free(&f);
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
		cmocka_unit_test(test_keys_no_classes),
		cmocka_unit_test(test_layout_selection_visible),
		cmocka_unit_test(test_removed_selection),
		cmocka_unit_test(test_compact_target),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_picture),
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_zswap),
		cmocka_unit_test(test_zswap_panel),
		cmocka_unit_test(test_ages_panel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
