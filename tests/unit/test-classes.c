// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_classes() on every zsmalloc classes capture of Linux 6.1 (almost_full /
 * almost_empty) and 6.12 (fullness groups), and on garbled variants of them.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define CLS612_DISCARD K612 "zs.zram0.classes.after_discard"
#define CLS61_DISCARD K61 "zs.zram0.classes.after_discard"

/* ---- helpers ------------------------------------------------------------- */

static void pool_init(struct zs_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	snprintf(pool->name, sizeof(pool->name), "%s", "zram0");
	pool->kind = ZS_POOL_ZRAM;
}

/* A pool that a failed parse must leave exactly as it was. */
static void pool_sentinel(struct zs_pool *pool)
{
	memset(pool, 0x5a, sizeof(*pool));
	snprintf(pool->name, sizeof(pool->name), "%s", "sentinel");
	pool->classes = NULL;
}

static void assert_pool_sentinel(const struct zs_pool *pool)
{
	struct zs_pool ref;

	pool_sentinel(&ref);
	assert_memory_equal(pool, &ref, sizeof(ref));
}

static void parse_capture(const char *rel, struct zs_pool *pool)
{
	char *s = unit_load(rel, NULL);
	int r;

	pool_init(pool);
	r = zs_parse_classes(s, pool);
	if (r != 0)
		fail_msg("zs_parse_classes(%s) = %d (%s)", rel, r, strerror(-r));
	free(s);
}

static const struct zs_class *find_class(const struct zs_pool *pool, unsigned int index)
{
	for (size_t i = 0; i < pool->nclasses; i++)
		if (pool->classes[i].index == index)
			return &pool->classes[i];
	return NULL;
}

static void assert_class_equal(const struct zs_class *a, const struct zs_class *b)
{
	assert_int_equal(a->index, b->index);
	assert_u64_equal(a->size, b->size);
	for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
		assert_u64_equal(a->fullness[g], b->fullness[g]);
	assert_u64_equal(a->almost_full, b->almost_full);
	assert_u64_equal(a->almost_empty, b->almost_empty);
	assert_u64_equal(a->obj_allocated, b->obj_allocated);
	assert_u64_equal(a->obj_used, b->obj_used);
	assert_u64_equal(a->pages_used, b->pages_used);
	assert_u64_equal(a->pages_per_zspage, b->pages_per_zspage);
	assert_u64_equal(a->freeable, b->freeable);
}

static void assert_pool_equal(const struct zs_pool *a, const struct zs_pool *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->format, b->format);
	assert_int_equal(a->has_freeable, b->has_freeable);
	assert_int_equal(a->nclasses, b->nclasses);
	for (size_t i = 0; i < a->nclasses; i++)
		assert_class_equal(&a->classes[i], &b->classes[i]);
	assert_class_equal(&a->total, &b->total);
}

/*
 * Rebuild a classes table column by column. Each spec names a column of the
 * input (row_val == NULL) or adds a new one with row_val on the class rows
 * and total_val (NULL: an empty slot) on the Total row. Columns left out are
 * dropped; the order of the specs is the new order. The Total row keeps its
 * label first and leaves the slots of class, size and pages_per_zspage empty,
 * as the kernel does.
 */
struct col_spec {
	const char *name;
	const char *row_val;
	const char *total_val;
};

#define MAXTOK 64

static unsigned int split(char *line, char **tok)
{
	unsigned int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == MAXTOK)
			fail_msg("too many tokens");
		tok[n++] = t;
	}
	return n;
}

static bool total_slot_empty(const char *name)
{
	return !strcmp(name, "class") || !strcmp(name, "size") || !strcmp(name, "pages_per_zspage");
}

static char *rewrite_table(const char *s, const struct col_spec *spec, unsigned int nspec)
{
	char *copy = unit_strndup(s, strlen(s)), *out = unit_strndup("", 0);
	char *hdr[MAXTOK];
	unsigned int nhdr = 0, idx[MAXTOK];
	bool first = true;

	/* strtok_r would merge the blank line into its neighbours: walk by hand */
	for (char *line = copy, *next; line && *line; line = next) {
		char *tok[MAXTOK], *full[MAXTOK], *o, *nl = strchr(line, '\n');
		unsigned int n;
		bool total;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		n = split(line, tok);
		o = unit_strndup("", 0);
		if (first) {
			memcpy(hdr, tok, n * sizeof(*tok));
			nhdr = n;
			for (unsigned int j = 0; j < nspec; j++) {
				idx[j] = MAXTOK;
				for (unsigned int i = 0; !spec[j].row_val && i < nhdr; i++)
					if (!strcmp(hdr[i], spec[j].name))
						idx[j] = i;
				if (!spec[j].row_val && idx[j] == MAXTOK)
					fail_msg("no column %s", spec[j].name);
			}
		}
		total = n > 0 && !strcmp(tok[0], "Total");
		if (n == 0) {
			/* the blank line before Total */
		} else if (first) {
			for (unsigned int j = 0; j < nspec; j++) {
				char *t = unit_printf("%s %s", o, spec[j].name);

				free(o);
				o = t;
			}
		} else {
			if (total) {
				unsigned int ti = 1;

				for (unsigned int i = 0; i < nhdr; i++) {
					if (!strcmp(hdr[i], "class"))
						full[i] = tok[0];
					else if (total_slot_empty(hdr[i]))
						full[i] = NULL;
					else if (ti < n)
						full[i] = tok[ti++];
					else
						fail_msg("short Total row");
				}
				if (ti != n)
					fail_msg("long Total row");
				free(o);
				o = unit_printf(" Total");
			} else {
				if (n != nhdr)
					fail_msg("row of %u fields under %u columns", n, nhdr);
				memcpy(full, tok, n * sizeof(*tok));
			}
			for (unsigned int j = 0; j < nspec; j++) {
				const char *v;
				char *t;

				if (spec[j].row_val)
					v = total ? spec[j].total_val : spec[j].row_val;
				else if (total && !strcmp(spec[j].name, "class"))
					v = NULL; /* the label went first */
				else
					v = full[idx[j]];
				if (!v)
					continue;
				t = unit_printf("%s %s", o, v);
				free(o);
				o = t;
			}
		}
		{
			char *t = unit_printf("%s%s%s", out, o, nl ? "\n" : "");

			free(out);
			out = t;
		}
		free(o);
		first = false;
	}
	free(copy);
	return out;
}

/* The line of s that begins with the given fields (after blanks). */
static size_t line_offset(const char *s, const char *start)
{
	for (const char *p = s; p && *p;) {
		const char *q = p;

		while (*q == ' ')
			q++;
		if (!strncmp(q, start, strlen(start)))
			return (size_t)(p - s);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	fail_msg("no line starting with '%s'", start);
	return 0;
}

static size_t line_end(const char *s, size_t off)
{
	const char *nl = strchr(s + off, '\n');

	return nl ? (size_t)(nl - s) + 1 : strlen(s);
}

/* s with the line that starts at off replaced by repl (which has its own newline) */
static char *replace_line(const char *s, size_t off, const char *repl)
{
	return unit_printf("%.*s%s%s", (int)off, s, repl, s + line_end(s, off));
}

static void expect_refused(const char *what, const char *s, int want)
{
	struct zs_pool pool;
	int r;

	pool_sentinel(&pool);
	r = zs_parse_classes(s, &pool);
	if (r == 0)
		zs_pool_clear(&pool);
	if (r != want)
		fail_msg("%s: zs_parse_classes() = %d (%s), expected %d (%s)", what, r,
			 r < 0 ? strerror(-r) : "accepted", want, strerror(-want));
	assert_pool_sentinel(&pool);
}

/* ---- the captures ---------------------------------------------------------- */

/*
 * A class row or the Total row of a parsed pool, printed back in the order of
 * the kernel's header with single blanks: compared with lines copied from
 * the captures, every field is checked at once and a mismatch reads plainly.
 */
static void put(char *buf, size_t size, uint64_t v)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%llu", len ? " " : "", (unsigned long long)v);
}

static char *row_text(const struct zs_pool *pool, const struct zs_class *c, bool total)
{
	char buf[512] = "";

	if (total) {
		snprintf(buf, sizeof(buf), "Total");
	} else {
		put(buf, sizeof(buf), c->index);
		put(buf, sizeof(buf), c->size);
	}
	if (pool->format == ZS_CLASSES_FULLNESS) {
		for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
			put(buf, sizeof(buf), c->fullness[g]);
	} else {
		put(buf, sizeof(buf), c->almost_full);
		put(buf, sizeof(buf), c->almost_empty);
	}
	put(buf, sizeof(buf), c->obj_allocated);
	put(buf, sizeof(buf), c->obj_used);
	put(buf, sizeof(buf), c->pages_used);
	if (!total)
		put(buf, sizeof(buf), c->pages_per_zspage);
	put(buf, sizeof(buf), c->freeable);
	return unit_strndup(buf, strlen(buf));
}

static void assert_row(const struct zs_pool *pool, unsigned int index, const char *want)
{
	const struct zs_class *c = find_class(pool, index);
	char *got;

	if (!c)
		fail_msg("no row for class %u", index);
	got = row_text(pool, c, false);
	assert_string_equal(got, want);
	free(got);
}

struct classes_capture {
	const char *rel;
	enum zs_classes_format format;
	size_t nrows;
	const char *total; /* the Total row, blanks squeezed */
};

static const struct classes_capture captures[] = {
	{ K61 "zs.zram0.classes.empty", ZS_CLASSES_ALMOST, 69, "Total 0 0 0 0 0 0" },
	{ K61 "zs.zram0.classes.after_write", ZS_CLASSES_ALMOST, 69,
	  "Total 10 50 15739 15026 8759 0" },
	{ K61 "zs.zram0.classes.after_discard", ZS_CLASSES_ALMOST, 69,
	  "Total 63 1617 13114 7475 6439 2036" },
	{ K61 "zs.zram0.classes.after_compact", ZS_CLASSES_ALMOST, 69,
	  "Total 15 55 8315 7475 4403 0" },
	{ K61 "zs.zram0.classes.after_swapon", ZS_CLASSES_ALMOST, 69,
	  "Total 15 55 8315 7475 4403 0" },
	{ K61 "zs.zram0.classes.under_swap", ZS_CLASSES_ALMOST, 69,
	  "Total 15 55 8315 7475 4403 0" },
	{ K612 "zs.zram0.classes.empty", ZS_CLASSES_FULLNESS, 119,
	  "Total 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" },
	{ K612 "zs.zram0.classes.after_write", ZS_CLASSES_FULLNESS, 119,
	  "Total 6 9 17 6 14 15 13 11 11 5 4072 17205 15026 8533 0" },
	{ K612 "zs.zram0.classes.after_discard", ZS_CLASSES_FULLNESS, 119,
	  "Total 13 48 120 208 225 382 226 77 47 2 1410 15537 7475 7024 2606" },
	{ K612 "zs.zram0.classes.after_compact", ZS_CLASSES_FULLNESS, 119,
	  "Total 2 4 3 10 28 28 25 20 18 10 1968 10040 7475 4418 0" },
	{ K612 "zs.zram0.classes.after_swapon", ZS_CLASSES_FULLNESS, 119,
	  "Total 2 4 3 10 28 28 25 20 18 10 1968 10040 7475 4418 0" },
	{ K612 "zs.zram0.classes.under_swap", ZS_CLASSES_FULLNESS, 119,
	  "Total 2 4 3 10 28 28 25 20 18 10 1968 10040 7475 4418 0" },
};

static void test_captures_total(void **state)
{
	for (unsigned int i = 0; i < UNIT_N(captures); i++) {
		const struct classes_capture *c = &captures[i];
		struct zs_class sum = { 0 };
		struct zs_pool pool;
		char *total;

		parse_capture(c->rel, &pool);
		print_message("# %s\n", c->rel);
		assert_string_equal(pool.name, "zram0");
		assert_int_equal(pool.kind, ZS_POOL_ZRAM);
		assert_int_equal(pool.format, c->format);
		assert_true(pool.has_freeable);
		assert_int_equal(pool.nclasses, c->nrows);
		total = row_text(&pool, &pool.total, true);
		assert_string_equal(total, c->total);
		free(total);
		if (c->format == ZS_CLASSES_FULLNESS) {
			assert_u64_equal(pool.total.almost_full, 0);
			assert_u64_equal(pool.total.almost_empty, 0);
		} else {
			for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
				assert_u64_equal(pool.total.fullness[g], 0);
		}
		/* the Total row has no class, size or pages_per_zspage */
		assert_int_equal(pool.total.index, 0);
		assert_u64_equal(pool.total.size, 0);
		assert_u64_equal(pool.total.pages_per_zspage, 0);

		/* rows in kernel order, first the 32-byte class, last the page-sized one */
		assert_int_equal(pool.classes[0].index, 0);
		assert_u64_equal(pool.classes[0].size, 32);
		assert_int_equal(pool.classes[pool.nclasses - 1].index, 254);
		assert_u64_equal(pool.classes[pool.nclasses - 1].size, 4096);
		for (size_t k = 0; k < pool.nclasses; k++) {
			const struct zs_class *cl = &pool.classes[k];

			if (k)
				assert_true(cl->index > pool.classes[k - 1].index);
			assert_true(cl->obj_used <= cl->obj_allocated);
			assert_true(cl->pages_per_zspage >= 1 && cl->pages_per_zspage <= 16);
			sum.obj_allocated += cl->obj_allocated;
			sum.obj_used += cl->obj_used;
			sum.pages_used += cl->pages_used;
			sum.freeable += cl->freeable;
			sum.almost_full += cl->almost_full;
			sum.almost_empty += cl->almost_empty;
			for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
				sum.fullness[g] += cl->fullness[g];
		}
		/* the kernel's own Total agrees with the rows we parsed */
		assert_u64_equal(sum.obj_allocated, pool.total.obj_allocated);
		assert_u64_equal(sum.obj_used, pool.total.obj_used);
		assert_u64_equal(sum.pages_used, pool.total.pages_used);
		assert_u64_equal(sum.freeable, pool.total.freeable);
		assert_u64_equal(sum.almost_full, pool.total.almost_full);
		assert_u64_equal(sum.almost_empty, pool.total.almost_empty);
		for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
			assert_u64_equal(sum.fullness[g], pool.total.fullness[g]);
		zs_pool_clear(&pool);
		assert_null(pool.classes);
		assert_int_equal(pool.nclasses, 0);
	}
}

static void test_rows_6_1(void **state)
{
	struct zs_pool pool;

	parse_capture(CLS61_DISCARD, &pool);
	/* merged classes have no row */
	assert_null(find_class(&pool, 39));
	assert_null(find_class(&pool, 253));
	assert_null(find_class(&pool, 255));
	/* class size almost_full almost_empty obj_allocated obj_used pages_used
	 * pages_per_zspage freeable */
	assert_row(&pool, 0, "0 32 0 0 0 0 0 1 0");
	assert_row(&pool, 2, "2 64 0 1 64 26 1 1 0");
	assert_row(&pool, 40, "40 672 0 26 156 72 26 1 14");
	assert_row(&pool, 144, "144 2336 5 126 917 429 524 4 276");
	assert_row(&pool, 202, "202 3264 21 100 615 313 492 4 240");
	assert_row(&pool, 254, "254 4096 0 0 2020 2020 2020 1 0");
	zs_pool_clear(&pool);
}

static void test_rows_6_12(void **state)
{
	struct zs_pool pool;

	parse_capture(CLS612_DISCARD, &pool);
	assert_null(find_class(&pool, 48));
	assert_null(find_class(&pool, 253));
	/* class size 10% .. 100% obj_allocated obj_used pages_used pages_per_zspage freeable */
	assert_row(&pool, 1, "1 48 1 0 0 0 0 0 0 0 0 0 0 256 10 3 3 0");
	assert_row(&pool, 40, "40 672 0 1 0 2 0 4 3 0 0 0 0 60 29 10 1 5");
	assert_row(&pool, 126, "126 2048 0 0 0 0 0 123 0 0 0 0 49 344 221 172 1 61");
	assert_row(&pool, 225, "225 3632 0 0 1 2 3 4 5 1 1 0 0 153 85 136 8 56");
	assert_row(&pool, 254, "254 4096 0 0 0 0 0 0 0 0 0 0 1319 1319 1319 1319 1 0");
	/* and one of the ALMOST-only fields stays clear */
	assert_u64_equal(find_class(&pool, 225)->almost_empty, 0);
	zs_pool_clear(&pool);
}

static void test_fullness_labels(void **state)
{
	assert_string_equal(zs_fullness_label(0), "10%");
	assert_string_equal(zs_fullness_label(4), "50%");
	assert_string_equal(zs_fullness_label(8), "90%");
	assert_string_equal(zs_fullness_label(9), "99%");
	assert_string_equal(zs_fullness_label(10), "100%");
	assert_null(zs_fullness_label(ZS_FULLNESS_GROUPS));
}

/* ---- other kernels' layouts -------------------------------------------------- */

/* the headers of the two captures */
#define COLS_612                                                                 \
	"class size 10% 20% 30% 40% 50% 60% 70% 80% 90% 99% 100% obj_allocated " \
	"obj_used pages_used pages_per_zspage freeable"
#define COLS_61                                                                  \
	"class size almost_full almost_empty obj_allocated obj_used pages_used " \
	"pages_per_zspage freeable"

/* The columns of the 6.12 (k == 0) or 6.1 (k == 1) capture as they are. */
static unsigned int base_spec(unsigned int k, struct col_spec *spec)
{
	static char names[2][256];
	char *tok[MAXTOK];
	unsigned int n;

	snprintf(names[k], sizeof(names[k]), "%s", k ? COLS_61 : COLS_612);
	n = split(names[k], tok);
	for (unsigned int i = 0; i < n; i++)
		spec[i] = (struct col_spec){ .name = tok[i] };
	return n;
}

/* The rewriter itself reproduces the capture: the same pool. */
static void test_rewrite_identity(void **state)
{
	char *s = unit_load(CLS612_DISCARD, NULL), *t;
	struct col_spec spec[MAXTOK];
	unsigned int n = base_spec(0, spec);
	struct zs_pool a, b;

	t = rewrite_table(s, spec, n);
	assert_string_not_equal(s, t); /* the padding is gone */
	parse_capture(CLS612_DISCARD, &a);
	pool_init(&b);
	assert_errno(zs_parse_classes(t, &b), 0);
	assert_pool_equal(&a, &b);
	zs_pool_clear(&a);
	zs_pool_clear(&b);
	free(t);
	free(s);
}

/* A future kernel adds columns: parsed by header names, the rest is the same. */
static void test_extra_columns(void **state)
{
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };
	static const struct col_spec stale = { .name = "obj_stale",
					       .row_val = "777",
					       .total_val = "999" };
	static const struct col_spec migrated = { .name = "migrated",
						  .row_val = "5",
						  .total_val = "123456" };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		struct col_spec base[MAXTOK];
		unsigned int nbase = base_spec(k, base);
		struct col_spec spec[MAXTOK];
		unsigned int n = 0;
		struct zs_pool a, b;
		char *s, *t;

		for (unsigned int i = 0; i < nbase; i++) {
			spec[n++] = base[i];
			if (!strcmp(base[i].name, "obj_used"))
				spec[n++] = stale;
		}
		spec[n++] = migrated;
		s = unit_load(rels[k], NULL);
		t = rewrite_table(s, spec, n);
		parse_capture(rels[k], &a);
		pool_init(&b);
		assert_errno(zs_parse_classes(t, &b), 0);
		assert_pool_equal(&a, &b);
		zs_pool_clear(&a);
		zs_pool_clear(&b);
		free(t);
		free(s);
	}
}

/* Columns in another order: the same values land in the same fields. */
static void test_reordered_columns(void **state)
{
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		struct col_spec base[MAXTOK];
		unsigned int nbase = base_spec(k, base);
		struct col_spec spec[MAXTOK];
		unsigned int n = 0;
		struct zs_pool a, b;
		char *s, *t;

		/* the row label first, then every other column in reverse order */
		spec[n++] = base[0];
		for (unsigned int i = nbase - 1; i >= 1; i--)
			spec[n++] = base[i];
		s = unit_load(rels[k], NULL);
		t = rewrite_table(s, spec, n);
		/* the header really is reordered */
		{
			const char *want = " class freeable pages_per_zspage pages_used obj_used ";

			assert_int_equal(strncmp(t, want, strlen(want)), 0);
		}
		parse_capture(rels[k], &a);
		pool_init(&b);
		assert_errno(zs_parse_classes(t, &b), 0);
		assert_pool_equal(&a, &b);
		zs_pool_clear(&a);
		zs_pool_clear(&b);
		free(t);
		free(s);
	}
}

/* Kernels 4.1 .. 4.1x: no freeable column yet (it came with compaction). */
static void test_without_freeable(void **state)
{
	char *s = unit_load(CLS61_DISCARD, NULL), *t;
	struct col_spec spec[MAXTOK];
	unsigned int n = base_spec(1, spec);
	struct zs_pool a, b;
	const struct zs_class *c;

	t = rewrite_table(s, spec, n - 1); /* freeable is the last one */
	assert_null(strstr(t, "freeable"));
	parse_capture(CLS61_DISCARD, &a);
	pool_init(&b);
	assert_errno(zs_parse_classes(t, &b), 0);
	assert_int_equal(b.format, ZS_CLASSES_ALMOST);
	assert_false(b.has_freeable);
	assert_int_equal(b.nclasses, 69);
	assert_u64_equal(b.total.freeable, 0);
	assert_u64_equal(b.total.obj_allocated, 13114);
	assert_u64_equal(b.total.obj_used, 7475);
	assert_u64_equal(b.total.pages_used, 6439);
	assert_u64_equal(b.total.almost_empty, 1617);
	c = find_class(&b, 144);
	assert_non_null(c);
	assert_u64_equal(c->obj_allocated, 917);
	assert_u64_equal(c->pages_per_zspage, 4);
	assert_u64_equal(c->freeable, 0);
	zs_pool_clear(&a);
	zs_pool_clear(&b);
	free(t);
	free(s);
}

static void test_missing_required_column(void **state)
{
	static const char *const required[] = { "class",    "size",	  "obj_allocated",
						"obj_used", "pages_used", "pages_per_zspage" };
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		struct col_spec base[MAXTOK];
		unsigned int nbase = base_spec(k, base);
		char *s = unit_load(rels[k], NULL);

		for (unsigned int r = 0; r < UNIT_N(required); r++) {
			struct col_spec spec[MAXTOK];
			unsigned int n = 0;
			char *t, *what;

			for (unsigned int i = 0; i < nbase; i++)
				if (strcmp(base[i].name, required[r]))
					spec[n++] = base[i];
			t = rewrite_table(s, spec, n);
			what = unit_printf("%s without %s", rels[k], required[r]);
			expect_refused(what, t, -EINVAL);
			free(what);
			free(t);
		}
		/* "class" renamed: the header lacks it */
		{
			char *t = unit_replace(s, " class ", " klass ");

			expect_refused("no class column", t, -EINVAL);
			free(t);
		}
		/* neither almost_* nor fullness columns: which format is it? */
		{
			struct col_spec spec[MAXTOK];
			unsigned int n = 0;
			char *t;

			for (unsigned int i = 0; i < nbase; i++)
				if (!strchr(base[i].name, '%') &&
				    strncmp(base[i].name, "almost_", 7))
					spec[n++] = base[i];
			t = rewrite_table(s, spec, n);
			expect_refused("no fullness columns", t, -EINVAL);
			free(t);
		}
		free(s);
	}
}

/* ---- garbled files ----------------------------------------------------------- */

static void test_empty_and_header_garbage(void **state)
{
	char *s = unit_load(CLS612_DISCARD, NULL), *t;

	expect_refused("empty", "", -EINVAL);
	expect_refused("newline", "\n", -EINVAL);
	expect_refused("blanks", "   \n\n", -EINVAL);
	/* a header cut short: the counters are missing */
	t = unit_strndup(s, unit_offset_of(s, "obj_used") + 3);
	expect_refused("cut in the header", t, -EINVAL);
	free(t);
	/* a column twice */
	t = unit_replace(s, "obj_used", "obj_allocated");
	expect_refused("obj_allocated twice", t, -EINVAL);
	free(t);
	t = unit_replace(s, "20%", "10%");
	expect_refused("10% twice", t, -EINVAL);
	free(t);
	free(s);
}

/* A header and nothing else is no pool at all, whatever the kernel. */
static void test_header_only(void **state)
{
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		char *s = unit_load(rels[k], NULL);
		size_t hdr = line_end(s, 0);
		char *t;

		t = unit_strndup(s, hdr);
		expect_refused("header only", t, -EINVAL);
		free(t);
		t = unit_strndup(s, hdr - 1);
		expect_refused("header only, no newline", t, -EINVAL);
		free(t);
		free(s);
	}
}

/*
 * Every kernel's classes file ends with a Total row (zs_stats_size_show()
 * has printed one since the file exists), so a file without it was cut.
 */
static void test_missing_total(void **state)
{
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		char *s = unit_load(rels[k], NULL);
		size_t total = line_offset(s, "Total");
		char *t;

		/* cut after a class row */
		t = unit_strndup(s, line_end(s, line_offset(s, "40 ")));
		expect_refused("cut after class 40", t, -EINVAL);
		free(t);
		/* cut after the last class row */
		t = unit_strndup(s, total - 1);
		expect_refused("cut before the blank line", t, -EINVAL);
		free(t);
		/* cut after the blank line */
		t = unit_strndup(s, total);
		expect_refused("cut before Total", t, -EINVAL);
		free(t);
		/* the Total row dropped from a whole file */
		t = replace_line(s, total, "");
		expect_refused("no Total row", t, -EINVAL);
		free(t);
		free(s);
	}
}

static void test_truncated_rows(void **state)
{
	static const char *const rels[] = { CLS612_DISCARD, CLS61_DISCARD };

	for (unsigned int k = 0; k < UNIT_N(rels); k++) {
		char *s = unit_load(rels[k], NULL);
		size_t row = line_offset(s, "40 "), total = line_offset(s, "Total");
		size_t cuts[] = {
			row + 8,			    /* "    40  " */
			row + 12,			    /* inside the size */
			row + (line_end(s, row) - row) / 2, /* mid-row */
			total + 6,			    /* " Total" */
			total + 20,			    /* a few Total fields */
			line_end(s, total) - 12,	    /* Total without freeable */
		};

		for (unsigned int i = 0; i < UNIT_N(cuts); i++) {
			char *t = unit_strndup(s, cuts[i]);
			char *what = unit_printf("%s cut at %zu", rels[k], cuts[i]);

			expect_refused(what, t, -EINVAL);
			free(what);
			free(t);
		}
		/* only the final newline missing: the file is whole */
		{
			char *t = unit_strndup(s, strlen(s) - 1);
			struct zs_pool a, b;

			parse_capture(rels[k], &a);
			pool_init(&b);
			assert_errno(zs_parse_classes(t, &b), 0);
			assert_pool_equal(&a, &b);
			zs_pool_clear(&a);
			zs_pool_clear(&b);
			free(t);
		}
		free(s);
	}
}

static void test_row_field_count(void **state)
{
	char *s = unit_load(CLS612_DISCARD, NULL), *t;
	size_t row = line_offset(s, "225 "), total = line_offset(s, "Total");

	/* one field short: the 100% group dropped */
	t = replace_line(s, row, "   225  3632  0 0 1 2 3 4 5 1 1 0   153 85 136 8 56\n");
	expect_refused("row with too few fields", t, -EINVAL);
	free(t);
	/* one too many */
	t = replace_line(s, row, "   225  3632  0 0 1 2 3 4 5 1 1 0 0 0  153 85 136 8 56\n");
	expect_refused("row with too many fields", t, -EINVAL);
	free(t);
	/* a row of only its index */
	t = replace_line(s, row, "   225\n");
	expect_refused("row of one field", t, -EINVAL);
	free(t);
	/* a Total row with one field more or less */
	t = replace_line(s, total,
			 " Total 13 48 120 208 225 382 226 77 47 2 1410 15537 7475 7024\n");
	expect_refused("short Total", t, -EINVAL);
	free(t);
	t = replace_line(s, total,
			 " Total 13 48 120 208 225 382 226 77 47 2 1410 15537 7475 7024 0 2606\n");
	expect_refused("Total with pages_per_zspage", t, -EINVAL);
	free(t);
	free(s);
}

static void test_row_order(void **state)
{
	char *s = unit_load(CLS612_DISCARD, NULL), *t, *total_line;
	size_t hdr = line_end(s, 0), total = line_offset(s, "Total");

	total_line = unit_strndup(s + total, line_end(s, total) - total);
	/* the Total row before the class rows */
	t = unit_printf("%.*s%s\n%.*s", (int)hdr, s, total_line, (int)(total - hdr), s + hdr);
	expect_refused("Total first", t, -EINVAL);
	free(t);
	/* the Total row twice */
	t = unit_printf("%s%s", s, total_line);
	expect_refused("Total twice", t, -EINVAL);
	free(t);
	/* a class row after the Total row */
	t = unit_printf("%s   253  4080 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0\n", s);
	expect_refused("class after Total", t, -EINVAL);
	free(t);
	/* a blank line amid the class rows */
	{
		size_t row = line_offset(s, "126 ");

		t = unit_printf("%.*s\n%s", (int)row, s, s + row);
		expect_refused("blank line amid rows", t, -EINVAL);
		free(t);
	}
	/* a line of junk after Total */
	t = unit_printf("%sjunk\n", s);
	expect_refused("junk after Total", t, -EINVAL);
	free(t);
	free(total_line);
	free(s);
}

static void test_bad_values(void **state)
{
	char *s = unit_load(CLS612_DISCARD, NULL), *t;
	size_t row = line_offset(s, "225 ");
	struct zs_pool pool;
	static const struct {
		const char *what, *line;
		int r;
	} cases[] = {
		{ "obj_used > obj_allocated",
		  "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 154 136 8 56\n", -EINVAL },
		{ "letter in a number", "   225  3632 0 0 1 2 3 4 5 1 1 0 0   1S3 85 136 8 56\n",
		  -EINVAL },
		{ "letter after a number",
		  "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 136 8 56x\n", -EINVAL },
		{ "negative", "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 136 8 -56\n", -EINVAL },
		{ "negative index", "   -225  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 136 8 56\n",
		  -EINVAL },
		{ "2^64",
		  "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 136 8 " UNIT_U64_OVER_STR "\n",
		  -ERANGE },
		{ "class index past 32 bits",
		  "   4294967296  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 136 8 56\n", -EINVAL },
		{ "fraction", "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 85 13.6 8 56\n", -EINVAL },
	};

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		t = replace_line(s, row, cases[i].line);
		expect_refused(cases[i].what, t, cases[i].r);
		free(t);
	}
	/* a bad value on the Total row */
	t = unit_replace(s, "15537", "15S37");
	expect_refused("letter in Total", t, -EINVAL);
	free(t);
	t = unit_replace(s, "15537", UNIT_U64_OVER_STR);
	expect_refused("2^64 in Total", t, -ERANGE);
	free(t);

	/* obj_used == obj_allocated and 2^64-1 are values like others */
	t = replace_line(s, row,
			 "   225  3632 0 0 1 2 3 4 5 1 1 0 0   153 153 136 8 " UNIT_U64_MAX_STR
			 "\n");
	pool_init(&pool);
	assert_errno(zs_parse_classes(t, &pool), 0);
	{
		const struct zs_class *c = find_class(&pool, 225);

		assert_non_null(c);
		assert_u64_equal(c->obj_used, 153);
		assert_u64_equal(c->obj_allocated, 153);
		assert_u64_equal(c->freeable, UINT64_MAX);
		/* the Total row is the kernel's, not a sum */
		assert_u64_equal(pool.total.freeable, 2606);
		assert_u64_equal(pool.total.obj_used, 7475);
	}
	zs_pool_clear(&pool);
	free(t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captures_total),
		cmocka_unit_test(test_rows_6_1),
		cmocka_unit_test(test_rows_6_12),
		cmocka_unit_test(test_fullness_labels),
		cmocka_unit_test(test_rewrite_identity),
		cmocka_unit_test(test_extra_columns),
		cmocka_unit_test(test_reordered_columns),
		cmocka_unit_test(test_without_freeable),
		cmocka_unit_test(test_missing_required_column),
		cmocka_unit_test(test_empty_and_header_garbage),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_missing_total),
		cmocka_unit_test(test_truncated_rows),
		cmocka_unit_test(test_row_field_count),
		cmocka_unit_test(test_row_order),
		cmocka_unit_test(test_bad_values),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("classes", tests, NULL, NULL);
}
