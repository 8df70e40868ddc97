// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's model: a sample and the view the user chose become lines of
 * text with styles, which batch mode prints and screen.c draws; and keys
 * become changes of the view. No curses here.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fields.h"
#include "top.h"

static const char *const sort_names[TOP_SORT_COUNT_] = {
	[TOP_SORT_FREEABLE] = "freeable",
	[TOP_SORT_FRAG] = "frag",
	[TOP_SORT_SIZE] = "size",
	[TOP_SORT_USED] = "used",
};

static const char *const cg_sort_names[TOP_CG_SORT_COUNT_] = {
	[TOP_CG_SORT_ZSWAP] = "zswap",
	[TOP_CG_SORT_ZSWPIN] = "zswpin",
	[TOP_CG_SORT_ZSWPOUT] = "zswpout",
	[TOP_CG_SORT_ZSWPWB] = "zswpwb",
};

/* A sort key's index in names, or -EINVAL. */
static int parse_key(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

const char *top_sort_name(enum top_sort s)
{
	return s < TOP_SORT_COUNT_ ? sort_names[s] : "?";
}

int top_parse_sort(const char *s, enum top_sort *ret)
{
	int i = parse_key(sort_names, TOP_SORT_COUNT_, s);

	if (i < 0)
		return i;
	*ret = (enum top_sort)i;
	return 0;
}

const char *top_cg_sort_name(enum top_cg_sort s)
{
	return s < TOP_CG_SORT_COUNT_ ? cg_sort_names[s] : "?";
}

int top_parse_cg_sort(const char *s, enum top_cg_sort *ret)
{
	int i = parse_key(cg_sort_names, TOP_CG_SORT_COUNT_, s);

	if (i < 0)
		return i;
	*ret = (enum top_cg_sort)i;
	return 0;
}

static void cg_sample_clear(struct top_cg_sample *s)
{
	free(s->c);
	memset(s, 0, sizeof(*s));
}

void top_view_clear(struct top_view *v)
{
	cg_sample_clear(&v->cg_now);
	cg_sample_clear(&v->cg_then);
}

/* Descending by default, except size (the kernel's own order). */
static bool sort_descending(const struct top_view *v)
{
	return (v->sort != TOP_SORT_SIZE) != v->reverse;
}

const struct top_help top_help_keys[] = {
	{ "q", "quit" },
	{ "?  h", "this help; any key leaves it" },
	{ "Tab  Right", "next device or pool" },
	{ "S-Tab  Left", "previous device or pool" },
	{ "Up  Down", "scroll the class table by a line" },
	{ "PgUp  PgDn", "scroll it by a page" },
	{ "Home  End", "its first or last rows" },
	{ "s", "sort by the next column: freeable, frag, size, used" },
	{ "", "(zswap panel: zswap RAM, then zswpin, zswpout, zswpwb per second)" },
	{ "r", "reverse the sort order" },
	{ "z", "the zswap panel (cgroups by zswap RAM or rate), or the class table" },
	{ "a", "the ages panel (the device's slots by age), or the class table" },
	{ "e", "hide or show empty classes" },
	{ "c", "compact the selected device (asks first; zsctl compact's gate)" },
	{ "d", "change the delay between refreshes (seconds, fractions allowed)" },
	{ "Space  p", "pause or resume" },
	{ "b", "sizes in bytes, or human-readable" },
	{ "^L", "look for devices and pools again, and repaint the screen" },
};
const size_t top_help_nkeys = sizeof(top_help_keys) / sizeof(top_help_keys[0]);

/* ---- entries: devices, then pools that belong to no device ----------------- */

/* A pool that belongs to a zram device of the snapshot. */
static bool pool_owned(const struct zs_snapshot *sm, const struct zs_pool *p)
{
	for (size_t j = 0; j < sm->ndevs; j++)
		if (!strcmp(sm->devs[j].dev.name, p->name))
			return true;
	return false;
}

int top_entries(const struct top_view *v, const struct zs_snapshot *sm, struct top_entry **ret,
		size_t *nret)
{
	struct top_entry *e = calloc(sm->ndevs + sm->npools + 1, sizeof(*e));
	size_t n = 0;

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < sm->ndevs; i++) {
		e[n].name = sm->devs[i].dev.name;
		e[n].dev = &sm->devs[i];
		e[n].pool = sm->devs[i].pool;
		n++;
	}
	/* devices named on the command line: those, and no other pool */
	for (size_t i = 0; i < sm->npools && !(v && v->named); i++) {
		if (pool_owned(sm, &sm->pools[i]))
			continue;
		e[n].name = sm->pools[i].name;
		e[n].pool = &sm->pools[i];
		n++;
	}
	*ret = e;
	*nret = n;
	return 0;
}

const struct top_entry *top_selected(const struct top_view *v, const struct top_entry *e, size_t n)
{
	if (v->sel_gone)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, v->selected))
			return &e[i];
	/* "" is the start: the first; a name no longer listed selects nothing */
	return n && !v->selected[0] ? &e[0] : NULL;
}

/* ---- frames ----------------------------------------------------------------- */

void top_frame_init(struct top_frame *f)
{
	memset(f, 0, sizeof(*f));
}

void top_frame_free(struct top_frame *f)
{
	free(f->lines);
	top_frame_init(f);
}

static void frame_reset(struct top_frame *f)
{
	f->n = 0;
	f->head = 0;
	f->has_table = false;
	f->table_rows = 0;
	f->has_devs = false;
	f->dev_head = f->dev_rows = f->dev_sel = 0;
	f->has_label = false;
	f->label = 0;
	memset(&f->status, 0, sizeof(f->status));
}

static struct top_line *frame_add(struct top_frame *f, enum top_style style)
{
	struct top_line *l;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct top_line *nl = realloc(f->lines, cap * sizeof(*nl));

		if (!nl)
			return NULL;
		f->lines = nl;
		f->cap = cap;
	}
	l = &f->lines[f->n++];
	l->text[0] = '\0';
	l->style = (unsigned char)style;
	l->nspans = 0;
	return l;
}

static void line_printf(struct top_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line_printf(struct top_line *l, const char *fmt, ...)
{
	size_t len = strlen(l->text);
	va_list ap;

	if (len >= sizeof(l->text) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(l->text + len, sizeof(l->text) - len, fmt, ap);
	va_end(ap);
}

static void line_span(struct top_line *l, size_t start, size_t len, enum top_style style)
{
	if (l->nspans == TOP_SPANS || !len || start >= sizeof(l->text))
		return;
	l->spans[l->nspans].start = (unsigned short)start;
	l->spans[l->nspans].len = (unsigned short)len;
	l->spans[l->nspans].style = (unsigned char)style;
	l->nspans++;
}

size_t top_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* ---- a small table: widths from the contents, columns dropped to fit ------- */

#define TCELL 48

struct tcol {
	const char *head;
	bool left;
	int prio; /* 0: always shown; the highest goes first when it does not fit */
	size_t width;
	bool shown;
	size_t pos; /* where it starts in a rendered line */
};

struct ttable {
	struct tcol *cols;
	size_t ncols;
	char *cells;
	size_t nrows, cap;
};

static char *tt_cell(struct ttable *t, size_t row, size_t col)
{
	return t->cells + (row * t->ncols + col) * TCELL;
}

static int tt_add_row(struct ttable *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		char *nc = realloc(t->cells, cap * t->ncols * TCELL);

		if (!nc)
			return -ENOMEM;
		t->cells = nc;
		t->cap = cap;
	}
	memset(tt_cell(t, t->nrows, 0), 0, t->ncols * TCELL);
	return (int)t->nrows++;
}

static void tt_set(struct ttable *t, size_t row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void tt_set(struct ttable *t, size_t row, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tt_cell(t, row, col), TCELL, fmt, ap);
	va_end(ap);
}

/* A number into a cell, without printf: most cells of the class table are numbers. */
static void tt_u64(struct ttable *t, size_t row, size_t col, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp), *cell = tt_cell(t, row, col);

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(cell, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void tt_str(struct ttable *t, size_t row, size_t col, const char *s)
{
	char *cell = tt_cell(t, row, col);
	size_t len = strlen(s);

	if (len > TCELL - 1)
		len = TCELL - 1;
	memcpy(cell, s, len);
	cell[len] = '\0';
}

static void tt_free(struct ttable *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

/* Widths from the contents; with maxw > 0, drop columns until a line fits. */
static void tt_fit(struct ttable *t, int maxw)
{
	size_t total = 0, pos = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		struct tcol *col = &t->cols[c];

		col->width = top_width(col->head);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = top_width(tt_cell(t, r, c));

			if (w > col->width)
				col->width = w;
		}
		col->shown = true;
		total += col->width + (c ? 1 : 0);
	}
	while (maxw > 0 && total > (size_t)maxw) {
		struct tcol *drop = NULL;

		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].shown && t->cols[c].prio > 0 &&
			    (!drop || t->cols[c].prio > drop->prio))
				drop = &t->cols[c];
		if (!drop)
			break; /* the screen cuts the rest */
		drop->shown = false;
		total -= drop->width + 1;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (!t->cols[c].shown)
			continue;
		if (pos)
			pos++;
		t->cols[c].pos = pos;
		pos += t->cols[c].width;
	}
}

/* One line of the table; row -1 is the heading. Trailing blanks are cut. */
static void tt_render(const struct ttable *t, int row, char *buf, size_t size)
{
	size_t len = 0;
	bool first = true;

	for (size_t c = 0; c < t->ncols; c++) {
		const struct tcol *col = &t->cols[c];
		const char *s = row < 0 ? col->head : tt_cell((struct ttable *)t, (size_t)row, c);
		size_t w = strlen(s), cw = top_width(s), pad = col->width > cw ? col->width - cw : 0;

		if (!col->shown)
			continue;
		if (len + !first + pad + w >= size)
			break; /* wider than any screen: the rest is cut */
		if (!first)
			buf[len++] = ' ';
		first = false;
		if (!col->left) {
			memset(buf + len, ' ', pad);
			len += pad;
		}
		memcpy(buf + len, s, w);
		len += w;
		if (col->left) {
			memset(buf + len, ' ', pad);
			len += pad;
		}
	}
	while (len && buf[len - 1] == ' ')
		len--;
	buf[len] = '\0';
}

/* ---- formatting ----------------------------------------------------------------- */

static void fmt_size(const struct top_view *v, uint64_t bytes, bool estimate, char *buf,
		     size_t size)
{
	char tmp[32];

	cli_format_size(bytes, v->bytes, tmp, sizeof(tmp));
	snprintf(buf, size, "%s%s", estimate ? "~" : "", tmp);
}

static bool class_empty(const struct zs_class *c)
{
	return !c->obj_allocated && !c->pages_used;
}

/* ---- the header: title, host totals, the gate ---------------------------------- */

static int build_title(struct top_frame *f, const struct top_view *v, const struct zs_snapshot *sm,
		       const struct top_entry *e, size_t n)
{
	struct top_line *l = frame_add(f, TS_TITLE);
	size_t npools = 0;

	/* the pools shown: of the devices listed, and the others unless devices were named */
	for (size_t i = 0; i < n; i++)
		npools += e[i].pool != NULL;

	if (!l)
		return -ENOMEM;
	line_printf(l, "zsctl top");
	if (v->has_clock) {
		char clock[16];
		struct tm tm;

		if (localtime_r(&v->now, &tm) && strftime(clock, sizeof(clock), "%H:%M:%S", &tm))
			line_printf(l, " - %s", clock);
	}
	line_printf(l, ", every %gs: %zu zram device%s", v->delay, sm->ndevs,
		    sm->ndevs == 1 ? "" : "s");
	if (sm->classes_status == ZS_CLASSES_OK)
		line_printf(l, ", %zu zsmalloc pool%s", npools, npools == 1 ? "" : "s");
	else
		line_printf(l, ", no class statistics");
	if (v->paused)
		line_printf(l, "  [paused]");
	return 0;
}

static int build_totals(struct top_frame *f, const struct top_view *v, const struct zs_snapshot *sm,
			uint64_t page)
{
	uint64_t data = 0, compr = 0, total = 0, compactable = 0, swap_used = 0, swap_size = 0;
	uint64_t other_total = 0, other_compactable = 0;
	size_t other_pools = 0;
	double frag_weighted = 0;
	bool frag_est = false, comp_est = false, any = false, any_swap = false;
	char a[40], b[40], c[40], d[40], e[40];
	struct top_line *l;

	for (size_t i = 0; i < sm->ndevs; i++) {
		const struct zs_snap_device *sd = &sm->devs[i];
		const struct zs_stat *mm = &sd->dev.mm;

		if (sd->dev.is_swap) {
			any_swap = true;
			swap_used = zs_add_sat(swap_used, sd->dev.swap.used);
			swap_size = zs_add_sat(swap_size, sd->dev.swap.size);
		}
		if (!sd->dev.initialised)
			continue;
		any = true;
		if (sd->err)
			continue; /* stale values, and said on the status line */
		if (zs_stat_has(mm, ZS_MM_ORIG_DATA_SIZE))
			data = zs_add_sat(data, mm->val[ZS_MM_ORIG_DATA_SIZE]);
		if (zs_stat_has(mm, ZS_MM_COMPR_DATA_SIZE))
			compr = zs_add_sat(compr, mm->val[ZS_MM_COMPR_DATA_SIZE]);
		if (zs_stat_has(mm, ZS_MM_MEM_USED_TOTAL)) {
			uint64_t t = mm->val[ZS_MM_MEM_USED_TOTAL];

			total = zs_add_sat(total, t);
			if (sd->derived.has_fragmentation) {
				frag_weighted += sd->derived.fragmentation * (double)t;
				frag_est |= !sd->derived.fragmentation_exact;
			}
		}
		if (sd->derived.has_compactable) {
			compactable = zs_add_sat(compactable, sd->derived.compactable);
			comp_est |= !sd->derived.compactable_exact;
		}
	}
	/*
	 * Pools of no zram device (zswap's) are not zram's: their memory on a
	 * part of its own, or zram's TOTAL would count what its DATA does not.
	 */
	for (size_t i = 0; i < sm->npools && !v->named; i++) {
		const struct zs_pool *p = &sm->pools[i];

		if (pool_owned(sm, p))
			continue;
		other_pools++;
		other_total = zs_add_sat(other_total, zs_mul_sat(p->total.pages_used, page));
		if (p->has_freeable)
			other_compactable =
				zs_add_sat(other_compactable, zs_freeable_bytes(&p->total, page));
	}
	l = frame_add(f, TS_NORMAL);
	if (!l)
		return -ENOMEM;
	if (!any) {
		line_printf(l, "Total: nothing stored");
	} else {
		fmt_size(v, data, false, a, sizeof(a));
		fmt_size(v, compr, false, b, sizeof(b));
		fmt_size(v, total, false, c, sizeof(c));
		fmt_size(v, compactable, comp_est, d, sizeof(d));
		/* what compaction would free early: a narrow screen cuts the end */
		line_printf(l, "Total: data %s, compr %s, total %s, compactable %s", a, b, c, d);
		if (compr)
			line_printf(l, ", ratio %.2f", (double)data / (double)compr);
		if (total && frag_weighted > 0)
			line_printf(l, ", frag %s%.1f%%", frag_est ? "~" : "",
				    frag_weighted / (double)total * 100.0);
	}
	if (any_swap) {
		fmt_size(v, swap_used, false, a, sizeof(a));
		fmt_size(v, swap_size, false, e, sizeof(e));
		line_printf(l, ", swap %s/%s", a, e);
	}
	if (other_pools) {
		fmt_size(v, other_total, false, a, sizeof(a));
		fmt_size(v, other_compactable, false, b, sizeof(b));
		line_printf(l, "; %zu other pool%s (zswap): total %s, compactable %s", other_pools,
			    other_pools == 1 ? "" : "s", a, b);
	}
	return 0;
}

static int build_gate(struct top_frame *f, const struct top_view *v, const struct zs_snapshot *sm)
{
	const struct zs_gate_view *g = &sm->gate;
	struct top_line *l;
	char text[512];
	size_t at, len;

	if (!sm->has_gate)
		return 0;
	l = frame_add(f, TS_NORMAL);
	if (!l)
		return -ENOMEM;
	/* the same sentence as zsctl status's */
	gate_sentence(g, v->bytes, text, sizeof(text), &at, &len);
	line_printf(l, "Gate: %s", text);
	line_span(l, strlen("Gate: ") + at, len, g->held ? TS_WARN : TS_OK);
	/* a device left unread: its row shows the last values known */
	for (size_t i = 0; i < sm->ndevs; i++) {
		if (!sm->devs[i].busy)
			continue;
		l = frame_add(f, TS_WARN);
		if (!l)
			return -ENOMEM;
		busy_sentence(&sm->devs[i], text, sizeof(text));
		line_printf(l, "%s", text);
	}
	return 0;
}

/*
 * zswap, when it is on or holds pages: what it holds, as status's zswap
 * table says it (zswap_fields' "memory" figures), then its counters per
 * second since the previous frame. A counter that went down (a reboot of a
 * dump, a module reload) gives no rate, never a negative one. Warn when the
 * pool hit its limit during the frame with the shrinker off: new pages then
 * go to the swap device uncompressed (zswap.rst).
 */
static int build_zswap(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm)
{
	struct top_zswap_sample *now = &v->zswap_now, *then = &v->zswap_then;
	struct top_line *l;
	double secs;
	bool rates, limit_hit = false, first = true;
	char text[128];

	if (!sm->has_zswap || !zswap_in_use(sm)) {
		memset(now, 0, sizeof(*now));
		memset(then, 0, sizeof(*then));
		return 0;
	}
	/* a new sample: the one shown so far becomes the one rates start from */
	if (!sm->seq || now->seq != sm->seq) {
		*then = *now;
		memset(now, 0, sizeof(*now));
		now->seq = sm->seq;
		now->ns = v->now_ns;
		for (size_t i = 0; i < zswap_nfields && i < TOP_ZSWAP_COUNTERS; i++) {
			const struct zswap_field *zf = &zswap_fields[i];
			struct fval fv;

			if (!zf->label || !zf->metric_type || strcmp(zf->metric_type, "counter"))
				continue;
			zswap_field_value(zf, sm, &fv);
			if (!fv.present)
				continue;
			now->val[i] = fv.u;
			now->present |= UINT64_C(1) << i;
		}
	}
	secs = then->seq && then->ns && now->ns > then->ns ? (double)(now->ns - then->ns) / 1e9 : 0;
	rates = secs > 0 && then->present;

	l = frame_add(f, TS_NORMAL);
	if (!l)
		return -ENOMEM;
	line_printf(l, "zswap (%s):", sm->zswap.compressor[0] ? sm->zswap.compressor : "?");
	for (size_t i = 0; i < zswap_nfields; i++) {
		const struct zswap_field *zf = &zswap_fields[i];

		if (!zf->label || !zf->json_group || strcmp(zf->json_group, "memory") ||
		    !zswap_field_text(zf, sm, v->bytes, text, sizeof(text)))
			continue;
		line_printf(l, "%s %s %s", first ? "" : ",", zf->label, text);
		first = false;
	}

	l = frame_add(f, TS_NORMAL);
	if (!l)
		return -ENOMEM;
	line_printf(l, "zswap/s:");
	first = true;
	for (size_t i = 0; i < zswap_nfields && i < TOP_ZSWAP_COUNTERS; i++) {
		const struct zswap_field *zf = &zswap_fields[i];
		uint64_t bit = UINT64_C(1) << i;

		if (!(now->present & bit) || !rates || !(then->present & bit)) {
			continue;
		} else if (now->val[i] < then->val[i]) {
			line_printf(l, "%s %s -", first ? "" : ",", zf->label);
		} else {
			double rate = (double)(now->val[i] - then->val[i]) / secs;

			/* the busy ones, and the traffic in and out whatever it is */
			if (!rate && zf->json_group && strcmp(zf->json_group, "vmstat"))
				continue;
			line_printf(l, rate >= 10 || !rate ? "%s %s %.0f" : "%s %s %.1f",
				    first ? "" : ",", zf->label, rate);
			if ((zf->flags & ZF_ROOT) && zf->arg == ZS_ZSWAP_S_POOL_LIMIT_HIT &&
			    rate > 0)
				limit_hit = true;
		}
		first = false;
	}
	if (!rates)
		line_printf(l, " from the next refresh");
	if (limit_hit && !sm->zswap.shrinker_enabled) {
		l->style = TS_WARN;
		line_printf(
			l,
			"; the pool hit its limit with the shrinker off: zswap refuses pages"
			" (they go to swap uncompressed) until it is below the accept threshold");
	}
	return 0;
}

/* ---- the picture: what compaction can free ------------------------------------------ */

/*
 * One bar, the same on device rows, pool rows and class rows: the share of
 * the memory taken that compaction would give back. '#' cells are that
 * share ('~' when it is an estimate from mm_stat), '.' what would stay.
 * Any share above nothing takes a cell, and only all of it takes all.
 */
#define BAR_NARROW 10
#define BAR_WIDE 20
#define WIDE_COLS 150 /* from here the bars are BAR_WIDE */

static int bar_width(const struct top_view *v)
{
	return v->cols >= WIDE_COLS ? BAR_WIDE : BAR_NARROW;
}

static int bar_filled(uint64_t part, uint64_t whole, int w)
{
	long double share;
	int n;

	if (!part || !whole)
		return 0;
	if (part >= whole)
		return w;
	share = (long double)part / (long double)whole;
	n = (int)(share * w + 0.5L);
	return n < 1 ? 1 : n >= w ? w - 1 : n;
}

/* Colour by the share compaction would free: none, under a tenth, under a quarter, more. */
static enum top_style bar_style(uint64_t part, uint64_t whole)
{
	if (!part || !whole)
		return TS_DIM;
	if ((long double)part * 4 >= whole)
		return TS_BAR_HIGH;
	if ((long double)part * 10 >= whole)
		return TS_BAR_MID;
	return TS_BAR_LOW;
}

static void bar_text(char *buf, int w, int filled, bool estimate)
{
	for (int i = 0; i < w; i++)
		buf[i] = (char)(i < filled ? (estimate ? '~' : '#') : '.');
	buf[w] = '\0';
}

/* The bar's heading is its ruler: 0 at its left, 50 in the middle, 100 at its end. */
static void bar_ruler(char *buf, int w)
{
	memset(buf, ' ', (size_t)w);
	buf[0] = '0';
	memcpy(buf + w / 2 - 1, "50", 2);
	memcpy(buf + w - 3, "100", 3);
	buf[w] = '\0';
}

/* Colour a rendered bar: its share by what it means, the rest dim. */
static void bar_spans(struct top_line *l, size_t pos, int w, uint64_t part, uint64_t whole)
{
	size_t len = strlen(l->text), filled;

	if (len < pos + (size_t)w)
		return;
	filled = strspn(l->text + pos, "#~");
	if (filled > (size_t)w)
		filled = (size_t)w;
	line_span(l, pos, filled, bar_style(part, whole));
	line_span(l, pos + filled, (size_t)w - filled, TS_DIM);
}

/* ---- devices ---------------------------------------------------------------------- */

/* The device fields top shows, in the order of status's columns. */
static size_t top_dev_fields(const struct dev_field **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < dev_nfields && n < max; i++)
		if (dev_fields[i].top_prio >= 0)
			out[n++] = &dev_fields[i];
	return n;
}

static void device_row(struct ttable *t, size_t row, const struct top_view *v,
		       const struct zs_snap_device *sd, const struct dev_field *const *cols,
		       size_t ncols, uint64_t page)
{
	for (size_t c = 0; c < ncols; c++) {
		const struct dev_field *f = cols[c];
		char scratch[256];
		struct fval val;

		dev_field_value(f, sd, &val, scratch, sizeof(scratch));
		if ((f->flags & F_INIT_ONLY) && !sd->dev.initialised)
			val.present = false;
		field_format(f->kind, &val, v->bytes, true, page, tt_cell(t, row, c), TCELL);
	}
}

/* A pool of no zram device (zswap): what its class statistics say, in device columns. */
static void pool_row(struct ttable *t, size_t row, const struct top_view *v,
		     const struct zs_pool *p, const struct dev_field *const *cols, size_t ncols,
		     uint64_t page)
{
	double frag;
	uint64_t waste;

	zs_pool_derive(p, &frag, &waste);
	for (size_t c = 0; c < ncols; c++) {
		const char *col = cols[c]->column ? cols[c]->column : "";
		char *cell = tt_cell(t, row, c);

		if (!strcmp(col, "NAME"))
			tt_set(t, row, c, "%s", p->name);
		else if (!strcmp(col, "TOTAL"))
			fmt_size(v, zs_mul_sat(p->total.pages_used, page), false, cell, TCELL);
		else if (!strcmp(col, "FRAG"))
			tt_set(t, row, c, "%.1f%%", frag * 100.0);
		else if (!strcmp(col, "COMPACTABLE") && p->has_freeable)
			fmt_size(v, zs_freeable_bytes(&p->total, page), false, cell, TCELL);
		else
			tt_set(t, row, c, "-");
	}
}

/*
 * What compaction would free of an entry, and what it takes: a device's
 * COMPACTABLE (exact from its pool's classes, else lib's estimate from
 * mm_stat) of its TOTAL; a pool's freeable pages of its pages.
 */
static bool entry_share(const struct top_entry *e, uint64_t page, uint64_t *part, uint64_t *whole,
			bool *estimate)
{
	const struct zs_snap_device *sd = e->dev;

	*estimate = false;
	if (!sd) {
		if (!e->pool || !e->pool->has_freeable)
			return false;
		*part = zs_freeable_bytes(&e->pool->total, page);
		*whole = zs_mul_sat(e->pool->total.pages_used, page);
		return true;
	}
	if (!sd->dev.initialised || sd->err || !sd->derived.has_compactable ||
	    !zs_stat_has(&sd->dev.mm, ZS_MM_MEM_USED_TOTAL))
		return false;
	*part = sd->derived.compactable;
	*whole = sd->dev.mm.val[ZS_MM_MEM_USED_TOTAL];
	*estimate = !sd->derived.compactable_exact;
	return true;
}

static int build_devices(struct top_frame *f, const struct top_view *v, const struct top_entry *e,
			 size_t n, const struct top_entry *sel, uint64_t page)
{
	const struct dev_field *fields[32];
	struct tcol cols[33];
	size_t ncols = top_dev_fields(fields, ARRAY_SIZE(fields)), bar_col = ncols;
	struct ttable t = { .cols = cols, .ncols = ncols + 1 };
	int w = bar_width(v);
	char ruler[BAR_WIDE + 1];
	struct top_line *l;
	int r = 0;

	memset(cols, 0, sizeof(cols));
	for (size_t c = 0; c < ncols; c++) {
		cols[c].head = fields[c]->top_head ? fields[c]->top_head : fields[c]->column;
		cols[c].left = fields[c]->kind == FK_STR;
		cols[c].prio = fields[c]->top_prio;
	}
	bar_ruler(ruler, w);
	cols[bar_col] = (struct tcol){ .head = ruler, .left = true, .prio = 6 };
	for (size_t i = 0; i < n; i++) {
		int row = tt_add_row(&t);
		uint64_t part, whole;
		bool est;

		if (row < 0) {
			tt_free(&t);
			return row;
		}
		if (e[i].dev)
			device_row(&t, (size_t)row, v, e[i].dev, fields, ncols, page);
		else
			pool_row(&t, (size_t)row, v, e[i].pool, fields, ncols, page);
		if (entry_share(&e[i], page, &part, &whole, &est))
			bar_text(tt_cell(&t, (size_t)row, bar_col), w, bar_filled(part, whole, w),
				 est);
	}
	tt_fit(&t, v->cols);
	l = frame_add(f, TS_HEADING);
	if (!l) {
		r = -ENOMEM;
		goto out;
	}
	tt_render(&t, -1, l->text, sizeof(l->text));
	f->has_devs = true;
	f->dev_head = f->n - 1;
	f->dev_rows = n;
	f->dev_sel = n;
	for (size_t i = 0; i < n; i++) {
		enum top_style st = TS_NORMAL;
		uint64_t part, whole;
		bool est;

		if (e[i].dev && !e[i].dev->dev.initialised)
			st = TS_DIM;
		if (e[i].dev && e[i].dev->err)
			st = TS_WARN;
		if (&e[i] == sel) {
			f->dev_sel = i;
			if (!v->batch)
				st = TS_SELECTED;
		}
		l = frame_add(f, st);
		if (!l) {
			r = -ENOMEM;
			goto out;
		}
		tt_render(&t, (int)i, l->text, sizeof(l->text));
		if (cols[bar_col].shown && entry_share(&e[i], page, &part, &whole, &est))
			bar_spans(l, cols[bar_col].pos, w, part, whole);
	}
out:
	tt_free(&t);
	return r;
}

/* ---- the class table ----------------------------------------------------------- */

struct crow {
	const struct zs_class *c;
	double frag;
	uint64_t waste;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_crow(const void *pa, const void *pb, void *arg)
{
	const struct top_view *v = arg;
	const struct crow *a = pa, *b = pb;
	int r = 0;

	switch (v->sort) {
	case TOP_SORT_FREEABLE:
		r = cmp_u64(a->c->freeable, b->c->freeable);
		break;
	case TOP_SORT_FRAG:
		r = a->frag < b->frag ? -1 : a->frag > b->frag;
		break;
	case TOP_SORT_SIZE:
		r = cmp_u64(a->c->size, b->c->size);
		break;
	case TOP_SORT_USED:
		r = cmp_u64(a->c->pages_used, b->c->pages_used);
		break;
	case TOP_SORT_COUNT_:
		break;
	}
	if (sort_descending(v))
		r = -r;
	/* ties: the kernel's order, whatever the direction, so frames are stable */
	return r ? r : a->c->index < b->c->index ? -1 : a->c->index > b->c->index;
}

/*
 * The fullness strip: a cell per group, shaded by its zspages against the
 * row's fullest group (so a large pool does not saturate it): '.' none,
 * then four ASCII shades or eight block heights on a UTF-8 terminal.
 */
static const char *const shades_ascii[] = { "_", "-", "=", "*" };
static const char *const shades_utf8[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					   "\u2585", "\u2586", "\u2587", "\u2588" };

static void strip_text(char *buf, size_t size, const uint64_t *groups, size_t n, bool utf8)
{
	const char *const *sh = utf8 ? shades_utf8 : shades_ascii;
	uint64_t levels = utf8 ? ARRAY_SIZE(shades_utf8) : ARRAY_SIZE(shades_ascii), max = 0;
	size_t len = 0;

	for (size_t g = 0; g < n; g++)
		if (groups[g] > max)
			max = groups[g];
	for (size_t g = 0; g < n; g++) {
		const char *cell = ".";
		size_t cl;

		if (groups[g]) {
			/* 1..levels, rounded up: one zspage shows */
			long double x = (long double)groups[g] * levels / max;
			uint64_t k = (uint64_t)x;

			if ((long double)k < x)
				k++;
			cell = sh[(k > levels ? levels : k ? k : 1) - 1];
		}
		cl = strlen(cell);
		if (len + cl >= size)
			break;
		memcpy(buf + len, cell, cl);
		len += cl;
	}
	buf[len] = '\0';
}

/* Its heading is its ruler: the groups up to 10% .. 90% full, up to 99%, full. */
#define STRIP_RULER "1234567899F"

/* A count into a cell; a fraction as a percentage with one decimal, both without printf. */
static void frag_cell(struct ttable *t, size_t row, size_t col, const struct zs_class *c,
		      bool total, double frag)
{
	/*
	 * (allocated - used) / allocated in tenths of a percent without
	 * printf's cost (a frame of every class of every pool is mostly this
	 * column), rounded as printf("%.1f") rounds the double the other
	 * columns and zsctl status print: the same unless the exact value is
	 * a tie, whose rounding depends on the double's last bit: printf then.
	 */
	uint64_t a = c->obj_allocated;
	bool fast = !total && a && a <= UINT64_MAX / 2000 && c->obj_used <= a;
	uint64_t x = fast ? (a - c->obj_used) * 1000 : 0;
	uint64_t q = fast ? x / a : 0, rem = fast ? x % a : 0;
	char *cell = tt_cell(t, row, col);
	size_t len;

	if (!fast || 2 * rem == a) {
		tt_set(t, row, col, "%.1f%%", frag * 100.0);
		return;
	}
	if (2 * rem > a)
		q++;
	tt_u64(t, row, col, q / 10);
	len = strlen(cell);
	cell[len++] = '.';
	cell[len++] = (char)('0' + q % 10);
	cell[len++] = '%';
	cell[len] = '\0';
}

/* The class fields top shows (in status's order), then its two pictures. */
static size_t top_class_fields(const struct class_field **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < class_nfields && n < max; i++)
		if (class_fields[i].top_prio >= 0)
			out[n++] = &class_fields[i];
	return n;
}

static void class_row(struct ttable *t, size_t row, const struct top_view *v,
		      const struct zs_pool *p, const struct crow *cr, bool total, uint64_t page,
		      const struct class_field *const *fields, size_t nfields)
{
	const struct zs_class *c = cr->c;
	int w = bar_width(v);

	for (size_t i = 0; i < nfields; i++) {
		const struct class_field *f = fields[i];
		struct fval val = { 0 };

		if (f->kind == FK_PERCENT) {
			frag_cell(t, row, i, c, total, cr->frag);
			continue;
		}
		f->get(p, c, total, page, &val);
		if (total && (f->flags & CF_NOT_TOTAL))
			tt_str(t, row, i, val.s ? val.s : "");
		else if (!val.present)
			tt_str(t, row, i, "-");
		else if (f->kind == FK_PAGES && !val.u) /* most classes: spare printf */
			tt_str(t, row, i, v->bytes ? "0" : "0B");
		else if (f->kind == FK_PAGES)
			fmt_size(v, zs_mul_sat(val.u, page), false, tt_cell(t, row, i), TCELL);
		else
			tt_u64(t, row, i, val.u);
	}
	if (p->has_freeable)
		bar_text(tt_cell(t, row, nfields), w, bar_filled(c->freeable, c->pages_used, w),
			 false);
	if (p->format == ZS_CLASSES_FULLNESS)
		strip_text(tt_cell(t, row, nfields + 1), TCELL, c->fullness, ZS_FULLNESS_GROUPS,
			   v->utf8);
	else
		tt_set(t, row, nfields + 1, "%" PRIu64 "/%" PRIu64, c->almost_full,
		       c->almost_empty);
}

/* The class table of one pool: its title line, heading and rows. */
static int build_pool(struct top_frame *f, const struct top_view *v, const struct zs_pool *p,
		      uint64_t page, bool interactive_table)
{
	const struct class_field *fields[16];
	size_t nfields = top_class_fields(fields, ARRAY_SIZE(fields));
	struct tcol cols[18];
	struct ttable t = { .cols = cols, .ncols = nfields + 2 };
	struct crow *rows, total = { .c = &p->total };
	size_t n = 0, hidden = 0, bar_col = nfields;
	struct top_line *l;
	char freeable[40] = "-", ruler[BAR_WIDE + 1];
	int r = 0, w = bar_width(v);

	memset(cols, 0, sizeof(cols));
	for (size_t i = 0; i < nfields; i++) {
		cols[i].head = fields[i]->top_head ? fields[i]->top_head : fields[i]->column;
		cols[i].prio = fields[i]->top_prio;
	}
	bar_ruler(ruler, w);
	cols[bar_col] = (struct tcol){ .head = ruler, .left = true, .prio = 7 };
	cols[bar_col + 1] = (struct tcol){
		.head = p->format == ZS_CLASSES_FULLNESS ? STRIP_RULER : "ALMOST-F/E",
		.left = true,
		.prio = 8,
	};
	rows = calloc(p->nclasses + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < p->nclasses; i++) {
		if (v->hide_empty && class_empty(&p->classes[i])) {
			hidden++;
			continue;
		}
		rows[n].c = &p->classes[i];
		zs_class_derive(rows[n].c, &rows[n].frag, &rows[n].waste);
		n++;
	}
	qsort_r(rows, n, sizeof(*rows), cmp_crow, (void *)v);
	zs_pool_derive(p, &total.frag, &total.waste);

	for (size_t i = 0; i <= n; i++) {
		int row = tt_add_row(&t);

		if (row < 0) {
			r = row;
			goto out;
		}
		class_row(&t, (size_t)row, v, p, i < n ? &rows[i] : &total, i == n, page, fields,
			  nfields);
	}
	tt_fit(&t, v->cols);

	l = frame_add(f, TS_TITLE);
	if (!l) {
		r = -ENOMEM;
		goto out;
	}
	if (p->has_freeable)
		fmt_size(v, zs_freeable_bytes(&p->total, page), false, freeable, sizeof(freeable));
	/* it names the device and the pool, and what compaction frees, first */
	if (p->kind == ZS_POOL_ZRAM)
		line_printf(l, "Pool %s (device %s, ", p->name, p->name);
	else
		line_printf(l, "Pool %s (%s, ", p->name, zs_pool_kind_name(p->kind));
	line_printf(l, "%s): compaction would free %s; %zu classes",
		    p->format == ZS_CLASSES_FULLNESS ? "6.4+" : "pre-6.4", freeable, p->nclasses);
	if (hidden)
		line_printf(l, " (%zu empty hidden)", hidden);
	line_printf(l, " by %s %s", top_sort_name(v->sort),
		    sort_descending(v) ? "descending" : "ascending");
	if (interactive_table) {
		f->has_label = true;
		f->label = f->n - 1;
		f->head = f->n;
		f->has_table = true;
	}
	l = frame_add(f, TS_HEADING);
	if (!l) {
		r = -ENOMEM;
		goto out;
	}
	tt_render(&t, -1, l->text, sizeof(l->text));
	for (size_t i = 0; i <= n; i++) {
		const struct crow *cr = i < n ? &rows[i] : &total;

		l = frame_add(f, i == n ? TS_TITLE : class_empty(cr->c) ? TS_DIM : TS_NORMAL);
		if (!l) {
			r = -ENOMEM;
			goto out;
		}
		tt_render(&t, (int)i, l->text, sizeof(l->text));
		if (cols[bar_col].shown && p->has_freeable)
			bar_spans(l, cols[bar_col].pos, w,
				  zs_mul_sat(cr->c->freeable, page),
				  zs_mul_sat(cr->c->pages_used, page));
	}
	if (interactive_table)
		f->table_rows = n + 1;
out:
	tt_free(&t);
	free(rows);
	return r;
}

/* ---- the zswap panel: zswap per cgroup ------------------------------------------------- */

static uint64_t path_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static int cmp_cg_counters(const void *pa, const void *pb)
{
	const struct top_cg_counters *a = pa, *b = pb;

	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return cmp_u64(a->hash, b->hash);
}

/*
 * The cgroups' counters of a new sample; the sample shown so far becomes
 * the one rates start from. A frame built again from the same sample (a
 * key pressed) keeps both.
 */
static int cg_sample_take(struct top_view *v, const struct zs_snapshot *sm)
{
	struct top_cg_counters *c;

	if (sm->seq && v->cg_now.seq == sm->seq)
		return 0;
	c = calloc(sm->ncgroups ? sm->ncgroups : 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < sm->ncgroups; i++) {
		const struct zs_cgroup_zswap *cg = &sm->cgroups[i];

		c[i].ino = cg->ino;
		c[i].hash = path_hash(cg->path);
		memcpy(c[i].val, cg->stat, sizeof(c[i].val));
		c[i].present = cg->present;
	}
	qsort(c, sm->ncgroups, sizeof(*c), cmp_cg_counters);
	cg_sample_clear(&v->cg_then);
	v->cg_then = v->cg_now;
	v->cg_now = (struct top_cg_sample){
		.seq = sm->seq, .ns = v->now_ns, .c = c, .n = sm->ncgroups
	};
	return 0;
}

/* A cgroup's row: its counters per second since the sample before, where they can be told. */
struct cgrow {
	const struct zs_cgroup_zswap *c;
	double rate[ZS_CG_KNOWN];
	uint32_t has_rate; /* a bit per enum zs_cgroup_stat */
};

/*
 * A rate only for the same cgroup (its id and path) in both samples, with
 * the counter in both and not lower now: a cgroup removed and made again,
 * or a counter that fell, gives none, never a negative one.
 */
static void cg_rates(const struct top_view *v, struct cgrow *row)
{
	const struct top_cg_sample *then = &v->cg_then, *now = &v->cg_now;
	struct top_cg_counters key = { .ino = row->c->ino, .hash = path_hash(row->c->path) };
	const struct top_cg_counters *old;
	double secs;

	row->has_rate = 0;
	if (!then->seq || !then->ns || now->ns <= then->ns || !then->n)
		return;
	old = bsearch(&key, then->c, then->n, sizeof(*then->c), cmp_cg_counters);
	if (!old)
		return;
	secs = (double)(now->ns - then->ns) / 1e9;
	for (unsigned int k = 0; k < ZS_CG_KNOWN; k++) {
		if (!zs_cgroup_has(row->c, (enum zs_cgroup_stat)k) || !(old->present & (1u << k)) ||
		    row->c->stat[k] < old->val[k])
			continue;
		row->rate[k] = (double)(row->c->stat[k] - old->val[k]) / secs;
		row->has_rate |= 1u << k;
	}
}

static const enum zs_cgroup_stat cg_sort_stat[TOP_CG_SORT_COUNT_] = {
	[TOP_CG_SORT_ZSWAP] = ZS_CG_ZSWAP,
	[TOP_CG_SORT_ZSWPIN] = ZS_CG_ZSWPIN,
	[TOP_CG_SORT_ZSWPOUT] = ZS_CG_ZSWPOUT,
	[TOP_CG_SORT_ZSWPWB] = ZS_CG_ZSWPWB,
};

/*
 * By the key, descending unless reversed; a row without the rate after
 * those with one, whatever the direction; ties by zswap RAM, then by path,
 * so that frames are stable.
 */
static int cmp_cgrow(const void *pa, const void *pb, void *arg)
{
	const struct top_view *v = arg;
	const struct cgrow *a = pa, *b = pb;
	unsigned int k = cg_sort_stat[v->cg_sort];
	int r = 0;

	if (v->cg_sort == TOP_CG_SORT_ZSWAP) {
		r = cmp_u64(a->c->stat[k], b->c->stat[k]);
	} else {
		bool ha = a->has_rate & (1u << k), hb = b->has_rate & (1u << k);

		if (ha != hb)
			return ha ? -1 : 1;
		if (ha)
			r = a->rate[k] < b->rate[k] ? -1 : a->rate[k] > b->rate[k];
	}
	if (!v->cg_reverse)
		r = -r;
	if (!r)
		r = -cmp_u64(a->c->stat[ZS_CG_ZSWAP], b->c->stat[ZS_CG_ZSWAP]);
	return r ? r : strcmp(a->c->path, b->c->path);
}

/* A rate as the zswap/s line prints it. */
static void rate_text(double rate, char *buf, size_t size)
{
	snprintf(buf, size, rate >= 10 || !rate ? "%.0f" : "%.1f", rate);
}

static bool cg_counter(const struct cgroup_field *f)
{
	return f->metric_type && !strcmp(f->metric_type, "counter");
}

/*
 * A cgroup a person would want to look at: zswap may not write its pages
 * back while it holds incompressible ones (they stay in RAM, uncompressed),
 * or it is at its memory.zswap.max (its next pages go to swap).
 */
static bool cg_warn(const struct zs_cgroup_zswap *c)
{
	if (c->has_writeback && !c->writeback && zs_cgroup_has(c, ZS_CG_ZSWAP_INCOMP) &&
	    c->stat[ZS_CG_ZSWAP_INCOMP])
		return true;
	return c->has_zswap_max && c->zswap_max != UINT64_MAX && c->has_zswap_current &&
	       c->zswap_current >= c->zswap_max;
}

/* zswap's figures the two lines above do not show: its parameters and counters since boot. */
static int build_zswap_global(struct top_frame *f, const struct top_view *v,
			      const struct zs_snapshot *sm)
{
	static const char *const groups[] = { "parameters", "statistics", "vmstat" };
	struct top_line *l;
	char text[128];
	struct fval fv;

	if (!sm->has_zswap || !sm->zswap.present) {
		l = frame_add(f, TS_DIM);
		if (!l)
			return -ENOMEM;
		line_printf(l, "This kernel has no zswap (CONFIG_ZSWAP).");
		f->has_label = true;
		f->label = f->n - 1;
		return 0;
	}
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		bool first = true;

		l = frame_add(f, TS_NORMAL);
		if (!l)
			return -ENOMEM;
		line_printf(l, "%s",
			    g == 0 ? "zswap:" :
			    g == 1 ? "zswap debugfs:" :
				     "zswap vmstat:");
		for (size_t i = 0; i < zswap_nfields; i++) {
			const struct zswap_field *zf = &zswap_fields[i];

			if (!zf->label || !zf->json_group || strcmp(zf->json_group, groups[g]))
				continue;
			/* the compressor is on the line above; pool_total_size is its pool */
			if ((g == 0 && zf->arg == ZS_ZSWAP_P_COMPRESSOR) ||
			    (g == 1 && zf->arg == ZS_ZSWAP_S_POOL_TOTAL_SIZE))
				continue;
			/* rejects and failures where there were some: most are 0 */
			zswap_field_value(zf, sm, &fv);
			if (g == 1 && fv.present && !fv.u &&
			    (!strncmp(zf->label, "reject_", 7) || strstr(zf->label, "_fail")))
				continue;
			if (!zswap_field_text(zf, sm, v->bytes, text, sizeof(text)))
				continue;
			line_printf(l, "%s %s %s", first ? "" : ",", zf->label, text);
			first = false;
		}
		if (g == 1 && sm->zswap.stats_status != ZS_ZSWAP_STATS_OK) {
			l->style = TS_DIM;
			line_printf(l, " no counters: %s",
				    zs_zswap_stats_status_str(sm->zswap.stats_status));
		} else if (sm->zswap_summary && g == 0) {
			line_printf(l, " (off, and it holds nothing)");
		}
		if (sm->zswap_summary)
			break;
	}
	return 0;
}

/* The cgroups' table, the first TOP_CGROUPS_SHOWN by the panel's sort. */
static int build_cgroups(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm,
			 bool interactive_table)
{
	const struct cgroup_field *fields[16];
	struct tcol cols[18];
	size_t nfields = 0, shown, bar_col;
	struct ttable t = { .cols = cols };
	struct cgrow *rows = NULL;
	struct top_line *l;
	uint64_t pool = sm->zswap_derived.has_pool ? sm->zswap_derived.pool : 0;
	char ruler[BAR_WIDE + 1], heads[16][40];
	int r = 0, w = bar_width(v);

	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	if (sm->cgroups_status != ZS_CGROUPS_OK) {
		l = frame_add(f, TS_DIM);
		if (!l)
			return -ENOMEM;
		line_printf(l, "zswap per cgroup unavailable: %s",
			    zs_cgroups_status_str(sm->cgroups_status));
		f->has_label = true;
		f->label = f->n - 1;
		return 0;
	}
	if (sm->cgroups_err) {
		l = frame_add(f, TS_WARN);
		if (!l)
			return -ENOMEM;
		line_printf(l, "zswap per cgroup: /%s: %s", sm->cgroups_err_path,
			    cli_errno_cause(sm->cgroups_err));
	}
	r = cg_sample_take(v, sm);
	if (r < 0)
		return r;
	if (!sm->ncgroups) {
		l = frame_add(f, TS_DIM);
		if (!l)
			return -ENOMEM;
		line_printf(l, "No cgroup holds zswap memory.");
		f->has_label = true;
		f->label = f->n - 1;
		return 0;
	}

	for (size_t i = 0; i < cgroup_nfields && nfields < ARRAY_SIZE(fields); i++)
		if (cgroup_fields[i].top_prio >= 0)
			fields[nfields++] = &cgroup_fields[i];
	memset(cols, 0, sizeof(cols));
	t.ncols = nfields + 1;
	bar_col = nfields;
	for (size_t i = 0; i < nfields; i++) {
		snprintf(heads[i], sizeof(heads[i]), "%s%s", fields[i]->column,
			 cg_counter(fields[i]) ? "/s" : "");
		cols[i].head = heads[i];
		cols[i].left = fields[i]->kind == FK_STR;
		cols[i].prio = fields[i]->top_prio;
	}
	bar_ruler(ruler, w);
	cols[bar_col] = (struct tcol){ .head = ruler, .left = true, .prio = 6 };

	rows = calloc(sm->ncgroups, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < sm->ncgroups; i++) {
		rows[i].c = &sm->cgroups[i];
		cg_rates(v, &rows[i]);
	}
	qsort_r(rows, sm->ncgroups, sizeof(*rows), cmp_cgrow, v);
	shown = sm->ncgroups < TOP_CGROUPS_SHOWN ? sm->ncgroups : TOP_CGROUPS_SHOWN;

	for (size_t i = 0; i < shown; i++) {
		const struct zs_cgroup_zswap *c = rows[i].c;
		int row = tt_add_row(&t);

		if (row < 0) {
			r = row;
			goto out;
		}
		for (size_t k = 0; k < nfields; k++) {
			const struct cgroup_field *cf = fields[k];
			char *cell = tt_cell(&t, (size_t)row, k), text[600];

			if (cg_counter(cf) && (rows[i].has_rate & (1u << cf->arg)))
				rate_text(rows[i].rate[cf->arg], cell, TCELL);
			else if (cg_counter(cf))
				tt_str(&t, (size_t)row, k, "-");
			else if (!strcmp(cf->json_key, "path")) /* its end says which cgroup */
				top_fit(c->path, 40, v->utf8, true, cell, TCELL);
			else {
				cgroup_field_text(cf, c, v->bytes, sm->page_size, text,
						  sizeof(text));
				tt_str(&t, (size_t)row, k, text);
			}
		}
		if (pool)
			bar_text(tt_cell(&t, (size_t)row, bar_col), w,
				 bar_filled(c->stat[ZS_CG_ZSWAP], pool, w), false);
	}
	tt_fit(&t, v->cols);

	l = frame_add(f, TS_TITLE);
	if (!l) {
		r = -ENOMEM;
		goto out;
	}
	line_printf(l, "zswap per cgroup: %zu hold%s zswap memory", sm->ncgroups,
		    sm->ncgroups == 1 ? "s" : "");
	if (shown < sm->ncgroups)
		line_printf(l, ", the first %zu", shown);
	line_printf(l, " by %s%s %s", top_cg_sort_name(v->cg_sort),
		    v->cg_sort == TOP_CG_SORT_ZSWAP ? "" : "/s",
		    v->cg_reverse ? "ascending" : "descending");
	if (v->cg_sort != TOP_CG_SORT_ZSWAP && !v->cg_then.seq)
		line_printf(l, " (rates from the next refresh)");
	if (sm->cgroups_truncated)
		line_printf(l, " (a tree too big or deep: not all cgroups looked at)");
	if (interactive_table) {
		f->has_label = true;
		f->label = f->n - 1;
		f->head = f->n;
		f->has_table = true;
	}
	l = frame_add(f, TS_HEADING);
	if (!l) {
		r = -ENOMEM;
		goto out;
	}
	tt_render(&t, -1, l->text, sizeof(l->text));
	for (size_t i = 0; i < shown; i++) {
		const struct zs_cgroup_zswap *c = rows[i].c;

		l = frame_add(f, cg_warn(c) ? TS_WARN : TS_NORMAL);
		if (!l) {
			r = -ENOMEM;
			goto out;
		}
		tt_render(&t, (int)i, l->text, sizeof(l->text));
		if (cols[bar_col].shown && pool) {
			size_t len = strlen(l->text), filled;

			if (len < cols[bar_col].pos + (size_t)w)
				continue;
			filled = strspn(l->text + cols[bar_col].pos, "#");
			line_span(l, cols[bar_col].pos, filled, TS_BAR_LOW);
			line_span(l, cols[bar_col].pos + filled, (size_t)w - filled, TS_DIM);
		}
	}
	if (interactive_table)
		f->table_rows = shown;
out:
	tt_free(&t);
	free(rows);
	return r;
}

/* The panel z shows in place of the class table. */
static int build_zswap_panel(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm)
{
	int r;

	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	r = build_zswap_global(f, v, sm);
	if (r < 0 || !sm->has_zswap || !sm->zswap.present)
		return r;
	return build_cgroups(f, v, sm, !v->batch);
}

/* ---- the ages panel: each device's slots by the age of their last access ---------------- */

/* The bars' letters, a kind each (enum zs_slot_kind): the screen colours them too. */
static const char ages_kind_letter[ZS_SLOT_KINDS] = { 'w', 's', 'h', 'i', '#' };
#define AGES_LEGEND "w written back, s same, h huge, i idle, # other"
#define AGES_LEGEND_COLS 130 /* the table with all its counts and the legend */
#define AGES_BAR_MIN 10
#define AGES_BAR_MAX 40 /* and batch's: a log line of 100 columns */

static int ages_bar_width(const struct top_view *v)
{
	/* AGE and SLOTS take 16 columns; the counts the screen has room for, the rest */
	int w = v->cols > 0 ? v->cols - 56 : AGES_BAR_MAX;

	return w < AGES_BAR_MIN ? AGES_BAR_MIN : w > AGES_BAR_MAX ? AGES_BAR_MAX : w;
}

/*
 * A bucket's bar, as long as its share of the fullest bucket, each kind
 * its letters in proportion (rounded where the running total falls, so
 * the parts add up to the bar). len[] gets each kind's letters.
 */
static void ages_bar(const struct zs_ages_bucket *b, uint64_t most, int w, char *buf,
		     size_t len[ZS_SLOT_KINDS])
{
	size_t total = 0, at = 0;
	uint64_t sum = 0;

	memset(len, 0, ZS_SLOT_KINDS * sizeof(len[0]));
	buf[0] = '\0';
	if (!b->slots || !most)
		return;
	total = (size_t)((long double)b->slots / (long double)most * w + 0.5L);
	if (total < 1)
		total = 1; /* a bucket that has slots shows it */
	if (total > (size_t)w)
		total = (size_t)w;
	for (unsigned int k = 0; k < ZS_SLOT_KINDS; k++) {
		size_t end;

		sum += b->kind[k];
		end = (size_t)((long double)sum / (long double)b->slots * total + 0.5L);
		if (end > total)
			end = total;
		len[k] = end - at;
		memset(buf + at, ages_kind_letter[k], len[k]);
		at = end;
	}
	buf[at] = '\0';
}

/*
 * The columns of an ages table (fields with a column), first_kept of them
 * always shown, the others dropped from the last to fit; fld[] gets each
 * one's field index. Returns their number.
 */
static size_t ages_columns(const struct ages_field *fields, size_t n, size_t first_kept,
			   struct tcol *cols, size_t *fld, size_t max)
{
	size_t nf = 0;

	for (size_t i = 0; i < n && nf < max; i++) {
		if (!fields[i].column)
			continue;
		cols[nf].head = fields[i].column;
		cols[nf].left = fields[i].kind == FK_STR;
		cols[nf].prio = nf < first_kept ? 0 : (int)nf;
		fld[nf++] = i;
	}
	return nf;
}

/* A row of an ages table, its cells as status --ages prints them. Returns its index. */
static int ages_row(struct ttable *t, const struct top_view *v, const struct zs_snapshot *sm,
		    const struct zs_ages *a, unsigned int arow, const struct ages_field *fields,
		    const size_t *fld, size_t nf)
{
	int row = tt_add_row(t);

	for (size_t c = 0; row >= 0 && c < nf; c++) {
		const struct ages_field *af = &fields[fld[c]];
		char scratch[64];
		struct fval fv = { 0 };

		af->get(a, arow, af->arg, &fv, scratch, sizeof(scratch));
		field_format(af->kind, &fv, v->bytes, false, sm->page_size,
			     tt_cell(t, (size_t)row, c), TCELL);
	}
	return row;
}

/* What maintain's ages would select, as status --ages says it. */
static int build_ages_selection(struct top_frame *f, const struct top_view *v,
				const struct zs_snapshot *sm, const struct zs_ages *a)
{
	struct tcol cols[16];
	struct ttable t = { .cols = cols };
	size_t fld[16], nf;
	struct top_line *l;
	int r = 0;

	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	if (v->ages_config_error[0]) {
		l = frame_add(f, TS_WARN);
		if (!l)
			return -ENOMEM;
		line_printf(l, "maintain's ages are not known: %s", v->ages_config_error);
		return 0;
	}
	memset(cols, 0, sizeof(cols));
	/* what, which age and how many pages always */
	nf = ages_columns(ages_select_fields, ages_select_nfields, 3, cols, fld, ARRAY_SIZE(fld));
	t.ncols = nf;
	for (unsigned int s = 0; s < ZS_AGES_FOR_COUNT_; s++) {
		if (!a->sel[s].valid)
			continue;
		r = ages_row(&t, v, sm, a, s, ages_select_fields, fld, nf);
		if (r < 0)
			goto out;
	}
	r = 0;
	tt_fit(&t, v->cols);
	l = frame_add(f, TS_NORMAL);
	if (!l)
		goto oom;
	line_printf(
		l,
		"What maintain's idle ages would select (compressed sizes are not in block_state):");
	l = frame_add(f, TS_HEADING);
	if (!l)
		goto oom;
	tt_render(&t, -1, l->text, sizeof(l->text));
	for (size_t i = 0; i < t.nrows; i++) {
		l = frame_add(f, TS_NORMAL);
		if (!l)
			goto oom;
		tt_render(&t, (int)i, l->text, sizeof(l->text));
	}
	goto out;
oom:
	r = -ENOMEM;
out:
	tt_free(&t);
	return r;
}

/* The ages' table of one device, and what maintain's ages would select. */
static int build_ages_device(struct top_frame *f, const struct top_view *v,
			     const struct zs_snapshot *sm, const struct zs_snap_device *sd,
			     bool interactive_table)
{
	const struct zs_ages *a = &sd->ages;
	struct tcol cols[16];
	struct ttable t = { .cols = cols };
	size_t fld[16], nf, bar_col, lens[ZS_AGES_BUCKETS][ZS_SLOT_KINDS];
	uint64_t most = 0;
	struct top_line *l;
	int r = 0, w = ages_bar_width(v);

	l = frame_add(f, TS_TITLE);
	if (!l)
		return -ENOMEM;
	line_printf(l,
		    "Slot ages of %s: %" PRIu64 " slots by their last access, %" PRIu64
		    " s since boot",
		    sd->dev.name, a->slots, a->now_us / 1000000);
	if (v->ages_ns && v->now_ns > v->ages_ns + 500000000u)
		line_printf(l, " (read %" PRIu64 " s ago)",
			    (v->now_ns - v->ages_ns + 500000000u) / 1000000000u);
	if (interactive_table) {
		f->has_label = true;
		f->label = f->n - 1;
	}
	memset(cols, 0, sizeof(cols));
	/* the age and the count always; the flags' counts go from the last to fit */
	nf = ages_columns(ages_bucket_fields, ages_bucket_nfields, 2, cols, fld,
			  ARRAY_SIZE(fld) - 1);
	bar_col = nf;
	/* the legend heads the bars where there is room; ? explains the letters too */
	cols[bar_col] = (struct tcol){
		.head = !v->cols || v->cols >= AGES_LEGEND_COLS ? AGES_LEGEND : "w s h i #",
		.left = true,
		.prio = 1,
	};
	t.ncols = nf + 1;
	for (unsigned int b = 0; b < ZS_AGES_BUCKETS; b++)
		if (a->bucket[b].slots > most)
			most = a->bucket[b].slots;
	for (unsigned int b = 0; b < ZS_AGES_BUCKETS; b++) {
		int row = ages_row(&t, v, sm, a, b, ages_bucket_fields, fld, nf);

		if (row < 0) {
			r = row;
			goto out;
		}
		ages_bar(&a->bucket[b], most, w, tt_cell(&t, (size_t)row, bar_col), lens[b]);
	}
	tt_fit(&t, v->cols);
	l = frame_add(f, TS_HEADING);
	if (!l)
		goto oom;
	tt_render(&t, -1, l->text, sizeof(l->text));
	if (interactive_table) {
		f->head = f->n - 1;
		f->has_table = true;
	}
	for (unsigned int b = 0; b < ZS_AGES_BUCKETS; b++) {
		size_t at = cols[bar_col].pos;

		l = frame_add(f, a->bucket[b].slots ? TS_NORMAL : TS_DIM);
		if (!l)
			goto oom;
		tt_render(&t, (int)b, l->text, sizeof(l->text));
		for (unsigned int k = 0; cols[bar_col].shown && k < ZS_SLOT_KINDS; k++) {
			line_span(l, at, lens[b][k], (enum top_style)(TS_AGE_WB + k));
			at += lens[b][k];
		}
	}
	r = build_ages_selection(f, v, sm, a);
	if (r < 0)
		goto out;
	if (interactive_table)
		f->table_rows = f->n - f->head - 1;
	goto out;
oom:
	r = -ENOMEM;
out:
	tt_free(&t);
	return r;
}

/*
 * Why a device has no ages to show, in one line (NULL: it has them). The
 * status line or the gate line says more where there is more to say.
 */
static const char *ages_missing(const struct zs_snap_device *sd, char *buf, size_t size)
{
	const struct zs_ages *a = &sd->ages;

	if (!sd->dev.initialised)
		snprintf(buf, size, "%s is not initialised: no slots", sd->dev.name);
	else if (sd->busy_unread)
		snprintf(buf, size, "%s is busy (%s): block_state would wait for it, not read",
			 sd->dev.name, zs_gate_phase_name(sd->busy));
	else if (sd->err)
		snprintf(buf, size, "%s could not be read: no slot ages", sd->dev.name);
	else if (a->err == -EBADMSG)
		snprintf(buf, size, "%s: /%s: line %" PRIu64 ": not a block_state line",
			 sd->dev.name, a->err_path, a->err_line);
	else if (a->err)
		snprintf(buf, size, "%s: /%s: %s", sd->dev.name, a->err_path,
			 cli_errno_cause(a->err));
	else if (!a->read)
		snprintf(buf, size, "%s: slot ages not read yet", sd->dev.name);
	else
		return NULL;
	return buf;
}

static int build_ages_entry(struct top_frame *f, const struct top_view *v,
			    const struct zs_snapshot *sm, const struct top_entry *e,
			    bool interactive_table)
{
	const char *why;
	struct top_line *l;
	char text[400];

	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	if (e->dev && !(why = ages_missing(e->dev, text, sizeof(text))))
		return build_ages_device(f, v, sm, e->dev, interactive_table);
	if (!e->dev) {
		snprintf(text, sizeof(text), "%s is not a zram device: no slot ages", e->name);
		why = text;
	}
	l = frame_add(f, e->dev && (e->dev->ages.err || e->dev->busy_unread) ? TS_WARN : TS_DIM);
	if (!l)
		return -ENOMEM;
	line_printf(l, "%s", why);
	if (interactive_table) {
		f->has_label = true;
		f->label = f->n - 1;
	}
	return 0;
}

/*
 * The panel a shows in place of the class table: the selected device's
 * slot ages (every device's in batch mode without -p).
 */
static int build_ages_panel(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm,
			    const struct top_entry *e, size_t n, const struct top_entry *sel)
{
	struct top_line *l;
	int r = 0;

	if (sm->ages_status != ZS_AGES_OK) {
		if (!frame_add(f, TS_NORMAL))
			return -ENOMEM;
		l = frame_add(f, TS_WARN);
		if (!l)
			return -ENOMEM;
		line_printf(l, "No slot ages: %s", zs_ages_status_str(sm->ages_status));
		f->has_label = true;
		f->label = f->n - 1;
		return 0;
	}
	if (v->batch && v->all_pools) {
		for (size_t i = 0; i < n && r >= 0; i++)
			if (e[i].dev)
				r = build_ages_entry(f, v, sm, &e[i], false);
		return r;
	}
	if (sel)
		return build_ages_entry(f, v, sm, sel, !v->batch);
	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	l = frame_add(f, v->sel_gone ? TS_WARN : TS_DIM);
	if (!l)
		return -ENOMEM;
	if (v->sel_gone)
		line_printf(l, "%s is gone: nothing is selected (Tab selects a device)",
			    v->selected);
	else
		line_printf(l, "No zram device: no slot ages");
	f->has_label = true;
	f->label = f->n - 1;
	return 0;
}

bool top_ages_due(const struct top_view *v, const struct zs_snapshot *sm, uint64_t now_ns)
{
	if (v->panel != TOP_PANEL_AGES)
		return false;
	if (!v->ages_ns || !sm || v->ages_slots <= TOP_AGES_SMALL ||
	    now_ns >= v->ages_ns + (uint64_t)TOP_AGES_EVERY_S * 1000000000u)
		return true;
	/* a device hot-added, initialised, or no longer busy since: at once */
	for (size_t i = 0; i < sm->ndevs; i++) {
		const struct zs_snap_device *sd = &sm->devs[i];

		if (sd->dev.initialised && !sd->err && !sd->busy_unread && !sd->ages.read &&
		    !sd->ages.err && sm->ages_status == ZS_AGES_OK)
			return true;
	}
	return false;
}

void top_ages_read(struct top_view *v, const struct zs_snapshot *sm)
{
	v->ages_ns = v->now_ns ? v->now_ns : 1;
	v->ages_slots = 0;
	for (size_t i = 0; i < sm->ndevs; i++)
		v->ages_slots = zs_add_sat(v->ages_slots, sm->devs[i].ages.slots);
}

/* ---- the status line ---------------------------------------------------------------- */

static void build_status(struct top_frame *f, const struct top_view *v)
{
	struct top_line *l = &f->status;

	memset(l, 0, sizeof(*l));
	switch (v->mode) {
	case TOP_MODE_CONFIRM:
		l->style = TS_WARN;
		line_printf(l, "Compact %s now, through zsctl compact's gate? [y/N] ",
			    v->compact_target);
		return;
	case TOP_MODE_DELAY:
		l->style = TS_STATUS;
		line_printf(l, "Delay between refreshes in seconds (now %g): %.*s", v->delay,
			    (int)v->input_len, v->input);
		return;
	case TOP_MODE_HELP:
		l->style = TS_STATUS;
		line_printf(l, "Press any key to return");
		return;
	case TOP_MODE_NORMAL:
		break;
	}
	if (v->message[0]) {
		l->style = v->message_error ? TS_WARN : TS_STATUS;
		line_printf(l, "%s", v->message);
	} else if (!v->batch) {
		/* the keys that fit, whole; ? lists them all */
		static const char *const hints[] = { "q quit",	"? help",    "Tab pool",
						     "z zswap", "a ages",    "c compact",
						     "s sort",	"r reverse", "e empty",
						     "d delay", "p pause",   "b bytes" };
		size_t len = 0;

		l->style = TS_STATUS;
		for (size_t i = 0; i < ARRAY_SIZE(hints); i++) {
			size_t w = strlen(hints[i]) + (len ? 2 : 0);

			if (v->cols > 0 && len + w > (size_t)v->cols)
				break;
			line_printf(l, "%s%s", len ? "  " : "", hints[i]);
			len += w;
		}
	}
}

/* ---- the whole frame ------------------------------------------------------------------ */

int top_build(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm)
{
	uint64_t page = sm->page_size;
	struct top_entry *e = NULL;
	const struct top_entry *sel;
	struct top_line *l;
	size_t n = 0;
	int r;

	frame_reset(f);
	r = top_entries(v, sm, &e, &n);
	if (r < 0)
		return r;
	sel = top_selected(v, e, n);
	if (sel && strcmp(v->selected, sel->name)) {
		snprintf(v->selected, sizeof(v->selected), "%s", sel->name);
		v->scroll = 0;
	}
	if (sel) {
		v->sel_index = (size_t)(sel - e);
	} else if (v->selected[0] && !v->sel_gone) {
		/*
		 * The selected device went (hot-removed, or reset with its pool):
		 * nothing else is selected behind the user's back. Tab picks its
		 * neighbour; c has nothing to act on until then.
		 */
		v->sel_gone = true;
		v->scroll = 0;
	}

	r = build_title(f, v, sm, e, n);
	if (r >= 0)
		r = build_totals(f, v, sm, page);
	if (r >= 0)
		r = build_gate(f, v, sm);
	if (r >= 0)
		r = build_zswap(f, v, sm);
	if (r >= 0 && n)
		r = build_devices(f, v, e, n, sel, page);
	if (r < 0)
		goto out;
	if (!n) {
		l = frame_add(f, TS_DIM);
		if (!l)
			goto oom;
		line_printf(l, "No zram device%s.",
			    sm->classes_status == ZS_CLASSES_OK ? " and no zsmalloc pool" : "");
	}

	if (v->panel == TOP_PANEL_ZSWAP) {
		r = build_zswap_panel(f, v, sm);
		if (r < 0)
			goto out;
	} else if (v->panel == TOP_PANEL_AGES) {
		r = build_ages_panel(f, v, sm, e, n, sel);
		if (r < 0)
			goto out;
	} else if (sm->classes_status != ZS_CLASSES_OK) {
		if (!frame_add(f, TS_NORMAL))
			goto oom;
		l = frame_add(f, TS_WARN);
		if (!l)
			goto oom;
		line_printf(l, "No class statistics: %s",
			    zs_classes_status_str(sm->classes_status));
		f->has_label = true;
		f->label = f->n - 1;
		if (v->sel_gone && !v->batch) {
			l = frame_add(f, TS_WARN);
			if (!l)
				goto oom;
			line_printf(l, "%s is gone: nothing is selected (Tab selects a device)",
				    v->selected);
			f->label = f->n - 1;
		}
	} else if (v->batch && v->all_pools) {
		/* in the order of the device list: zram by number, then the others */
		for (size_t i = 0; i < n && r >= 0; i++) {
			if (!e[i].pool)
				continue;
			if (!frame_add(f, TS_NORMAL))
				goto oom;
			r = build_pool(f, v, e[i].pool, page, false);
		}
		if (r < 0)
			goto out;
	} else if (sel && sel->pool) {
		if (!frame_add(f, TS_NORMAL))
			goto oom;
		r = build_pool(f, v, sel->pool, page, !v->batch);
		if (r < 0)
			goto out;
	} else if (sel || v->sel_gone) {
		if (!frame_add(f, TS_NORMAL))
			goto oom;
		l = frame_add(f, v->sel_gone ? TS_WARN : TS_DIM);
		if (!l)
			goto oom;
		if (v->sel_gone)
			line_printf(l, "%s is gone: nothing is selected (Tab selects a device)",
				    v->selected);
		else if (sel->dev && !sel->dev->dev.initialised)
			line_printf(l, "%s is not initialised: it has no zsmalloc pool", sel->name);
		else
			line_printf(l, "%s: no class statistics for its pool", sel->name);
		f->has_label = true;
		f->label = f->n - 1;
	}
	if (!f->has_table)
		f->head = f->n;
	build_status(f, v);
	r = 0;
	goto out;
oom:
	r = -ENOMEM;
out:
	free(e);
	return r;
}

int top_build_help(struct top_frame *f, const struct top_view *v)
{
	struct top_line *l;

	frame_reset(f);
	l = frame_add(f, TS_TITLE);
	if (!l)
		return -ENOMEM;
	line_printf(l, "zsctl top: keys");
	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	for (size_t i = 0; i < top_help_nkeys; i++) {
		l = frame_add(f, TS_NORMAL);
		if (!l)
			return -ENOMEM;
		line_printf(l, "  %-12s %s", top_help_keys[i].key, top_help_keys[i].text);
		line_span(l, 2, 12, TS_TITLE);
	}
	if (!frame_add(f, TS_NORMAL))
		return -ENOMEM;
	{
		static const char *const legend[] = {
			"The bar (0 50 100): the share of its memory compaction would free,",
			"# from the class statistics, ~ estimated from mm_stat, . what stays;",
			"green under 10%, yellow under 25%, red from 25%, none when nothing.",
			"1234567899F: its zspages up to 10% .. 90%, 99% full, and full, shaded",
			"against the row's most (ALMOST-F/E before Linux 6.4).",
			"Ages (a): a bar per age, as long as its share of the fullest; its slots",
			"w written back, s same-filled, h huge, i idle, # other. See zsctl-top(8).",
		};

		for (size_t i = 0; i < ARRAY_SIZE(legend); i++) {
			l = frame_add(f, TS_NORMAL);
			if (!l)
				return -ENOMEM;
			line_printf(l, "%s", legend[i]);
		}
	}
	f->head = f->n;
	build_status(f, v);
	return 0;
}

bool top_events_message(struct top_view *v, const struct zs_snapshot *sm, uint64_t now_ns)
{
	char msg[sizeof(v->message)] = "";
	bool error = false;

	for (size_t i = 0; i < sm->nevents; i++) {
		const struct zs_event *e = &sm->events[i];
		size_t len = strlen(msg);
		const char *what = e->is_pool ? "pool " : "";

		if (len >= sizeof(msg) - 1)
			break;
		if (len)
			snprintf(msg + len, sizeof(msg) - len, "; ");
		len = strlen(msg);
		switch (e->kind) {
		case ZS_EVENT_ADDED:
			snprintf(msg + len, sizeof(msg) - len, "%s%s appeared", what, e->name);
			break;
		case ZS_EVENT_REMOVED:
			snprintf(msg + len, sizeof(msg) - len, "%s%s removed", what, e->name);
			break;
		case ZS_EVENT_VANISHED:
			snprintf(msg + len, sizeof(msg) - len, "%s%s vanished while being read",
				 what, e->name);
			break;
		case ZS_EVENT_FAILED:
			snprintf(msg + len, sizeof(msg) - len, "%s%s: /%s: %s", what, e->name,
				 e->path, cli_errno_cause(e->err));
			error = true;
			break;
		}
	}
	if (!msg[0])
		return false;
	snprintf(v->message, sizeof(v->message), "%s", msg);
	v->message_error = error;
	v->message_until_ns = now_ns ? now_ns + 10000000000ull : 0;
	return true;
}

/* ---- fitting a line to the screen ------------------------------------------------------ */

/* The byte offset of column col of s (its length if s is shorter). */
static size_t col_offset(const char *s, size_t col)
{
	size_t i = 0, c = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == col)
				return i;
			c++;
		}
	}
	return i;
}

/* Where a cut before byte end should go: after the last word that ends by then. */
static size_t word_end(const char *s, size_t end)
{
	size_t i = end;

	/* in the middle of a word: back to its start */
	if (s[i] && s[i] != ' ')
		while (i > 0 && s[i - 1] != ' ')
			i--;
	/* then past the blanks and the punctuation that joined it to the next */
	while (i > 0 && strchr(" ,;:(", s[i - 1]))
		i--;
	return i ? i : end; /* one word longer than the screen: cut it */
}

/*
 * Where a kept tail should start: at the beginning of a word at or after
 * byte start, or of a path's last components (a message's file).
 */
static size_t word_start(const char *s, size_t start)
{
	size_t i = start;

	while (s[i] && i > 0 && s[i - 1] != ' ' && s[i] != '/')
		i++;
	while (s[i] == ' ')
		i++;
	return s[i] ? i : start;
}

int top_fit(const char *text, int cols, bool utf8, bool keep_tail, char *out, size_t size)
{
	const char *ell = utf8 ? "\u2026" : "...";
	size_t width = top_width(text), ew = utf8 ? 1 : 3, head, tail = 0, len;

	if (!size)
		return 0;
	out[0] = '\0';
	if (cols <= 0)
		return 0;
	if (width <= (size_t)cols) {
		snprintf(out, size, "%s", text);
		return (int)width;
	}
	if ((size_t)cols <= ew) {
		snprintf(out, size, "%.*s", (int)col_offset(text, (size_t)cols), text);
		return (int)top_width(out);
	}
	if (keep_tail) {
		/* the end (a message's cause) and as much of the start as fits */
		size_t keep = ((size_t)cols - ew) / 2;

		size_t end;

		tail = word_start(text, col_offset(text, width - keep));
		end = col_offset(text, (size_t)cols - ew - top_width(text + tail));
		head = word_end(text, end);
		if (head < end && text[head] == ' ')
			head++; /* "gate .../file": the blank before the cut stays */
	} else {
		size_t end = col_offset(text, (size_t)cols - ew), item = end;

		head = word_end(text, end);
		/* a list ("a 1, b 2; c 3"): after its last whole item, if it is not far */
		while (item > 0 && !(strchr(",;", text[item - 1]) && text[item] == ' '))
			item--;
		if (item > 1 && top_width(text) - top_width(text + item) >= (size_t)cols / 2)
			head = item - 1;
	}
	len = head < size - 1 ? head : size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
	len = strlen(out);
	snprintf(out + len, size - len, "%s%s", ell, keep_tail ? text + tail : "");
	return (int)top_width(out);
}

/* ---- layout ------------------------------------------------------------------------- */

static size_t take(size_t *budget, size_t want)
{
	size_t n = want < *budget ? want : *budget;

	*budget -= n;
	return n;
}

/*
 * What a short screen keeps, first to last: the title; the device heading,
 * the selected device's row and, when rows are left out, a line that says
 * how many are above and below; the line that names the class table's
 * device and pool; the class heading and three rows; the totals and the
 * gate; more device rows around the selected one; blank lines; the rest of
 * the class table. So the selection is never off screen, and neither is
 * what the table below it belongs to.
 */
void top_layout(struct top_frame *f, struct top_view *v, int rows, const struct top_line **out)
{
	size_t budget, top_end, mid_start, mid_end, ntop = 0, devs_shown = 0;
	size_t table_shown = 0, sel, max_scroll;
	bool want_more, title = false, dev_head = false, more = false, head_shown = false;
	bool mid_take[64] = { false };
	int row = 0;

	for (int i = 0; i < rows; i++)
		out[i] = NULL;
	if (rows <= 0)
		return;
	out[rows - 1] = &f->status;
	budget = (size_t)rows - 1;
	top_end = f->has_devs ? f->dev_head : f->has_label ? f->label : f->head;
	mid_start = f->has_devs ? f->dev_head + 1 + f->dev_rows : top_end;
	mid_end = f->has_table ? f->head : f->n;
	if (mid_end < mid_start)
		mid_end = mid_start;
	if (mid_end - mid_start > ARRAY_SIZE(mid_take))
		mid_end = mid_start + ARRAY_SIZE(mid_take);

	title = top_end > 0 && take(&budget, 1);
	if (f->has_devs && f->dev_rows) {
		dev_head = take(&budget, 1);
		devs_shown = take(&budget, 1);
		want_more = f->dev_rows > 1;
		more = want_more && take(&budget, 1);
	}
	if (f->has_label && f->label >= mid_start && f->label < mid_end)
		mid_take[f->label - mid_start] = take(&budget, 1);
	if (f->has_table) {
		head_shown = take(&budget, 1);
		table_shown = head_shown ? take(&budget, f->table_rows < 3 ? f->table_rows : 3) : 0;
	}
	if (top_end > 1)
		ntop = take(&budget, top_end - 1);
	if (devs_shown && f->dev_rows > 1) {
		size_t rest = f->dev_rows - 1;

		if (more && rest <= budget + 1) {
			/* all fit: the line kept for "more" shows a row instead */
			devs_shown += rest;
			budget -= rest - 1;
			more = false;
		} else {
			devs_shown += take(&budget, rest);
		}
	}
	for (size_t i = mid_start; i < mid_end; i++)
		if (!mid_take[i - mid_start])
			mid_take[i - mid_start] = take(&budget, 1);
	if (head_shown)
		table_shown += take(&budget, f->table_rows - table_shown);

	/* the device window: the selected row (or where the removed one was) in it */
	if (f->has_devs && f->dev_rows && devs_shown) {
		sel = f->dev_sel < f->dev_rows ? f->dev_sel :
		      v->sel_gone && v->sel_index < f->dev_rows ? v->sel_index :
								  0;
		if (v->dev_scroll > sel)
			v->dev_scroll = sel;
		if (sel >= v->dev_scroll + devs_shown)
			v->dev_scroll = sel - devs_shown + 1;
		if (v->dev_scroll > f->dev_rows - devs_shown)
			v->dev_scroll = f->dev_rows - devs_shown;
	} else {
		v->dev_scroll = 0;
	}

	if (title)
		out[row++] = &f->lines[0];
	for (size_t i = 1; i <= ntop; i++)
		out[row++] = &f->lines[i];
	if (dev_head)
		out[row++] = &f->lines[f->dev_head];
	for (size_t i = 0; i < devs_shown; i++)
		out[row++] = &f->lines[f->dev_head + 1 + v->dev_scroll + i];
	if (more) {
		size_t above = v->dev_scroll, below = f->dev_rows - v->dev_scroll - devs_shown;
		struct top_line *l = &f->more;

		memset(l, 0, sizeof(*l));
		l->style = TS_DIM;
		if (above)
			line_printf(l, "%s %zu more", v->utf8 ? "\u2191" : "^", above);
		if (below)
			line_printf(l, "%s%s %zu more", above ? "  " : "", v->utf8 ? "\u2193" : "v",
				    below);
		line_printf(l, " device%s (Tab)", above + below == 1 ? "" : "s");
		out[row++] = l;
	}
	for (size_t i = mid_start; i < mid_end; i++)
		if (mid_take[i - mid_start])
			out[row++] = &f->lines[i];
	if (!head_shown) {
		v->page = 0;
		return;
	}
	out[row++] = &f->lines[f->head]; /* the table's heading */
	max_scroll = f->table_rows > table_shown ? f->table_rows - table_shown : 0;
	if (v->scroll > max_scroll)
		v->scroll = max_scroll;
	v->page = table_shown;
	for (size_t i = 0; i < table_shown && v->scroll + i < f->table_rows; i++)
		out[row++] = &f->lines[f->head + 1 + v->scroll + i];
}

/* ---- keys ------------------------------------------------------------------------------- */

static void select_step(struct top_view *v, const struct zs_snapshot *sm, int step)
{
	struct top_entry *e = NULL;
	const struct top_entry *sel;
	size_t n = 0, i;

	if (!sm || top_entries(v, sm, &e, &n) < 0 || !n) {
		free(e);
		return;
	}
	sel = top_selected(v, e, n);
	if (sel) {
		i = (size_t)(sel - e);
		i = (i + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
	} else {
		/* the selected one went: its neighbours, the one now in its place first */
		i = v->sel_index < n ? v->sel_index : n - 1;
		if (step < 0)
			i = (i + n - 1) % n;
	}
	snprintf(v->selected, sizeof(v->selected), "%s", e[i].name);
	v->sel_index = i;
	v->sel_gone = false;
	v->scroll = 0;
	free(e);
}

static void set_message(struct top_view *v, bool error, const char *msg)
{
	snprintf(v->message, sizeof(v->message), "%s", msg);
	v->message_error = error;
	v->message_until_ns = 0;
}

static int key_delay(struct top_view *v, int key)
{
	double d;

	switch (key) {
	case TOP_KEY_ESC:
		v->mode = TOP_MODE_NORMAL;
		return TOP_ACT_REBUILD;
	case TOP_KEY_BACKSPACE:
		if (v->input_len)
			v->input_len--;
		return TOP_ACT_REBUILD;
	case TOP_KEY_ENTER:
	case '\r':
		v->mode = TOP_MODE_NORMAL;
		if (!v->input_len)
			return TOP_ACT_REBUILD;
		v->input[v->input_len] = '\0';
		if (zs_parse_seconds(v->input, &d) < 0 || d <= 0) {
			char msg[96];

			snprintf(msg, sizeof(msg), "invalid delay '%s': seconds, more than 0",
				 v->input);
			set_message(v, true, msg);
			return TOP_ACT_REBUILD;
		}
		v->delay = d < 0.1 ? 0.1 : d;
		set_message(v, false, "");
		return TOP_ACT_REBUILD | TOP_ACT_DELAY;
	default:
		if (((key >= '0' && key <= '9') || key == '.') &&
		    v->input_len < sizeof(v->input) - 1)
			v->input[v->input_len++] = (char)key;
		return TOP_ACT_REBUILD;
	}
}

/*
 * s and e act on the class table: when there is none to see, why (into buf),
 * so that the key says so instead of doing nothing visible; NULL when there
 * is one.
 */
static const char *no_class_table(struct top_view *v, const struct zs_snapshot *sm, char *buf,
				  size_t size)
{
	struct top_entry *e = NULL;
	const struct top_entry *sel;
	size_t n = 0;
	bool none = false;

	if (!sm)
		return NULL;
	if (sm->classes_status != ZS_CLASSES_OK) {
		snprintf(buf, size, "no class statistics: %s",
			 zs_classes_status_str(sm->classes_status));
		return buf;
	}
	if (top_entries(v, sm, &e, &n) < 0)
		return NULL;
	sel = top_selected(v, e, n);
	if (sel && !sel->pool) {
		snprintf(buf, size, "%s has no class statistics", sel->name);
		none = true;
	}
	free(e);
	return none ? buf : NULL;
}

int top_key(struct top_view *v, const struct zs_snapshot *sm, int key)
{
	char why[192];

	if (key == TOP_KEY_RESIZE)
		return TOP_ACT_REBUILD | TOP_ACT_CLEAR;
	if (key == TOP_KEY_REDRAW)
		return TOP_ACT_REBUILD | TOP_ACT_CLEAR | TOP_ACT_RESCAN;
	switch (v->mode) {
	case TOP_MODE_HELP:
		v->mode = TOP_MODE_NORMAL;
		return TOP_ACT_REBUILD;
	case TOP_MODE_CONFIRM: {
		const struct zs_snap_device *sd =
			sm ? zs_snapshot_device(sm, v->compact_target) : NULL;
		struct zs_identity now;
		char msg[160];

		v->mode = TOP_MODE_NORMAL;
		if (key != 'y' && key != 'Y') {
			set_message(v, false, "compaction cancelled");
			return TOP_ACT_REBUILD;
		}
		/* the device asked about, not another that took its name meanwhile */
		if (sd)
			zs_device_identity(&sd->dev, &now);
		if (!sd || !sd->dev.initialised ||
		    (v->compact_id.has_diskseq &&
		     (!now.has_diskseq || now.diskseq != v->compact_id.diskseq))) {
			snprintf(msg, sizeof(msg), "%s changed since you asked: not compacted",
				 v->compact_target);
			set_message(v, true, msg);
			return TOP_ACT_REBUILD;
		}
		return TOP_ACT_REBUILD | TOP_ACT_COMPACT;
	}
	case TOP_MODE_DELAY:
		return key_delay(v, key);
	case TOP_MODE_NORMAL:
		break;
	}
	/* a message stays until the next key (or, for hotplug news, ten seconds) */
	if (v->message[0]) {
		v->message[0] = '\0';
		v->message_until_ns = 0;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return TOP_ACT_QUIT;
	case '?':
	case 'h':
		v->mode = TOP_MODE_HELP;
		return TOP_ACT_REBUILD;
	case TOP_KEY_TAB:
	case TOP_KEY_RIGHT:
		select_step(v, sm, 1);
		return TOP_ACT_REBUILD;
	case TOP_KEY_BTAB:
	case TOP_KEY_LEFT:
		select_step(v, sm, -1);
		return TOP_ACT_REBUILD;
	case TOP_KEY_UP:
	case 'k':
		if (v->scroll)
			v->scroll--;
		return TOP_ACT_REDRAW;
	case TOP_KEY_DOWN:
	case 'j':
		v->scroll++;
		return TOP_ACT_REDRAW;
	case TOP_KEY_PGUP:
		v->scroll = v->scroll > v->page ? v->scroll - v->page : 0;
		return TOP_ACT_REDRAW;
	case TOP_KEY_PGDN:
		v->scroll += v->page ? v->page : 1;
		return TOP_ACT_REDRAW;
	case TOP_KEY_HOME:
		v->scroll = 0;
		return TOP_ACT_REDRAW;
	case TOP_KEY_END:
		v->scroll = (size_t)-1 / 2; /* the layout clamps it */
		return TOP_ACT_REDRAW;
	case 's':
		if (v->panel == TOP_PANEL_ZSWAP) {
			v->cg_sort = (enum top_cg_sort)((v->cg_sort + 1) % TOP_CG_SORT_COUNT_);
			v->cg_reverse = false;
			v->scroll = 0;
			return TOP_ACT_REBUILD;
		}
		if (v->panel == TOP_PANEL_AGES) {
			set_message(v, false, "nothing to sort: the ages panel is shown (a)");
			return TOP_ACT_REBUILD;
		}
		if (no_class_table(v, sm, why, sizeof(why))) {
			char msg[256];

			snprintf(msg, sizeof(msg), "nothing to sort: %s", why);
			set_message(v, false, msg);
			return TOP_ACT_REBUILD;
		}
		v->sort = (enum top_sort)((v->sort + 1) % TOP_SORT_COUNT_);
		v->reverse = false;
		v->scroll = 0;
		return TOP_ACT_REBUILD;
	case 'r':
		if (v->panel == TOP_PANEL_ZSWAP)
			v->cg_reverse = !v->cg_reverse;
		else
			v->reverse = !v->reverse;
		v->scroll = 0;
		return TOP_ACT_REBUILD;
	case 'z':
		/* the reader walks the cgroups only while the panel is shown */
		v->panel = v->panel == TOP_PANEL_ZSWAP ? TOP_PANEL_CLASSES : TOP_PANEL_ZSWAP;
		v->scroll = 0;
		top_view_clear(v);
		return TOP_ACT_REBUILD | TOP_ACT_PANEL | TOP_ACT_REFRESH;
	case 'a':
		/* block_state is read only while the panel is shown: read it now */
		v->panel = v->panel == TOP_PANEL_AGES ? TOP_PANEL_CLASSES : TOP_PANEL_AGES;
		v->scroll = 0;
		v->ages_ns = 0;
		top_view_clear(v);
		return TOP_ACT_REBUILD | TOP_ACT_PANEL | TOP_ACT_REFRESH;
	case 'e':
		if (v->panel == TOP_PANEL_ZSWAP) {
			set_message(v, false, "no empty classes to hide: the zswap panel is shown (z)");
			return TOP_ACT_REBUILD;
		}
		if (v->panel == TOP_PANEL_AGES) {
			set_message(v, false,
				    "no empty classes to hide: the ages panel is shown (a)");
			return TOP_ACT_REBUILD;
		}
		if (no_class_table(v, sm, why, sizeof(why))) {
			char msg[256];

			snprintf(msg, sizeof(msg), "no empty classes to hide: %s", why);
			set_message(v, false, msg);
			return TOP_ACT_REBUILD;
		}
		v->hide_empty = !v->hide_empty;
		return TOP_ACT_REBUILD;
	case 'b':
		v->bytes = !v->bytes;
		return TOP_ACT_REBUILD;
	case ' ':
	case 'p':
		v->paused = !v->paused;
		return TOP_ACT_REBUILD | (v->paused ? 0 : TOP_ACT_REFRESH);
	case 'd':
		v->mode = TOP_MODE_DELAY;
		v->input_len = 0;
		return TOP_ACT_REBUILD;
	case 'c': {
		struct top_entry *e = NULL;
		const struct top_entry *sel;
		size_t n = 0;
		char msg[160];

		if (!sm || top_entries(v, sm, &e, &n) < 0)
			return 0;
		sel = top_selected(v, e, n);
		if (!sel && v->sel_gone) {
			snprintf(msg, sizeof(msg),
				 "%s is gone: nothing to compact (Tab selects a device)", v->selected);
			set_message(v, true, msg);
		} else if (!sel) {
			set_message(v, true, "no device to compact");
		} else if (!sel->dev) {
			snprintf(msg, sizeof(msg),
				 "%s is not a zram device: nothing to compact here", sel->name);
			set_message(v, true, msg);
		} else if (!sel->dev->dev.initialised) {
			/* what zsctl compact says; nothing is run, so nothing is recorded */
			snprintf(msg, sizeof(msg), "%s: not initialised, nothing to compact",
				 sel->name);
			set_message(v, false, msg);
		} else {
			snprintf(v->compact_target, sizeof(v->compact_target), "%s", sel->name);
			zs_device_identity(&sel->dev->dev, &v->compact_id);
			v->mode = TOP_MODE_CONFIRM;
		}
		free(e);
		return TOP_ACT_REBUILD;
	}
	default:
		return TOP_ACT_REBUILD;
	}
}

/* ---- batch ------------------------------------------------------------------------------ */

void top_print_frame(const struct top_frame *f, FILE *out)
{
	for (size_t i = 0; i < f->n; i++)
		fprintf(out, "%s\n", f->lines[i].text);
	if (f->status.text[0])
		fprintf(out, "%s\n", f->status.text);
	fputc('\n', out);
}
