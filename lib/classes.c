// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsmalloc's per-class statistics from debugfs
 * (<debugfs>/zsmalloc/<pool>/classes, CONFIG_ZSMALLOC_STAT).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmount.h>

#include "internal.h"

/* Header names of the 6.4+ fullness groups; the 0% group is not printed. */
static const char *const fullness_labels[ZS_FULLNESS_GROUPS] = {
	"10%", "20%", "30%", "40%", "50%", "60%", "70%", "80%", "90%", "99%", "100%",
};

const char *zs_fullness_label(unsigned int group)
{
	return group < ZS_FULLNESS_GROUPS ? fullness_labels[group] : NULL;
}

enum col_id {
	COL_UNKNOWN = -1,
	COL_CLASS,
	COL_SIZE,
	COL_ALMOST_FULL,
	COL_ALMOST_EMPTY,
	COL_OBJ_ALLOCATED,
	COL_OBJ_USED,
	COL_PAGES_USED,
	COL_PAGES_PER_ZSPAGE,
	COL_FREEABLE,
	COL_FULLNESS0, /* + group */
};

static const char *const col_names[] = {
	[COL_CLASS] = "class",
	[COL_SIZE] = "size",
	[COL_ALMOST_FULL] = "almost_full",
	[COL_ALMOST_EMPTY] = "almost_empty",
	[COL_OBJ_ALLOCATED] = "obj_allocated",
	[COL_OBJ_USED] = "obj_used",
	[COL_PAGES_USED] = "pages_used",
	[COL_PAGES_PER_ZSPAGE] = "pages_per_zspage",
	[COL_FREEABLE] = "freeable",
};

#define MAX_COLS 64

static int col_lookup(const char *name, size_t len)
{
	for (unsigned int i = 0; i < ZS_ARRAY_SIZE(col_names); i++)
		if (strlen(col_names[i]) == len && !memcmp(col_names[i], name, len))
			return (int)i;
	for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
		if (strlen(fullness_labels[g]) == len && !memcmp(fullness_labels[g], name, len))
			return COL_FULLNESS0 + (int)g;
	return COL_UNKNOWN;
}

/* Split one line (up to '\n' or NUL) into tokens; returns the count or -EINVAL. */
static int split_line(const char *line, const char **tok, size_t *toklen, unsigned int max)
{
	unsigned int n = 0;
	const char *p = line;

	for (;;) {
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		if (n == max)
			return -EINVAL;
		len = strcspn(p, " \t\n");
		tok[n] = p;
		toklen[n] = len;
		n++;
		p += len;
	}
	return (int)n;
}

static int tok_u64(const char *tok, size_t len, uint64_t *ret)
{
	char buf[32];

	if (len >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	return zs_parse_u64(buf, ret);
}

static void class_set(struct zs_class *c, int col, uint64_t v)
{
	switch (col) {
	case COL_CLASS:
		c->index = (unsigned int)v;
		break;
	case COL_SIZE:
		c->size = v;
		break;
	case COL_ALMOST_FULL:
		c->almost_full = v;
		break;
	case COL_ALMOST_EMPTY:
		c->almost_empty = v;
		break;
	case COL_OBJ_ALLOCATED:
		c->obj_allocated = v;
		break;
	case COL_OBJ_USED:
		c->obj_used = v;
		break;
	case COL_PAGES_USED:
		c->pages_used = v;
		break;
	case COL_PAGES_PER_ZSPAGE:
		c->pages_per_zspage = v;
		break;
	case COL_FREEABLE:
		c->freeable = v;
		break;
	default:
		if (col >= COL_FULLNESS0 && col < COL_FULLNESS0 + ZS_FULLNESS_GROUPS)
			c->fullness[col - COL_FULLNESS0] = v;
		break; /* a column of a future kernel: parsed, not kept */
	}
}

int zs_parse_classes(const char *s, struct zs_pool *ret)
{
	const char *tok[MAX_COLS];
	size_t toklen[MAX_COLS];
	int cols[MAX_COLS];
	bool seen[COL_FULLNESS0 + ZS_FULLNESS_GROUPS] = { false };
	struct zs_pool pool = { 0 };
	struct zs_class *classes = NULL;
	size_t nclasses = 0, cap = 0;
	bool have_total = false, blank = false;
	int ncols, r;
	const char *line;

	if (!s)
		return -EINVAL;
	ncols = split_line(s, tok, toklen, MAX_COLS);
	if (ncols <= 0)
		return -EINVAL;
	for (int i = 0; i < ncols; i++) {
		cols[i] = col_lookup(tok[i], toklen[i]);
		if (cols[i] != COL_UNKNOWN) {
			if (seen[cols[i]])
				return -EINVAL;
			seen[cols[i]] = true;
		}
	}
	/* the columns without which the file means nothing to us */
	if (!seen[COL_CLASS] || !seen[COL_SIZE] || !seen[COL_OBJ_ALLOCATED] ||
	    !seen[COL_OBJ_USED] || !seen[COL_PAGES_USED] || !seen[COL_PAGES_PER_ZSPAGE])
		return -EINVAL;
	if (seen[COL_FULLNESS0])
		pool.format = ZS_CLASSES_FULLNESS;
	else if (seen[COL_ALMOST_FULL])
		pool.format = ZS_CLASSES_ALMOST;
	else
		return -EINVAL;
	pool.has_freeable = seen[COL_FREEABLE];

	line = strchr(s, '\n');
	while (line && *++line) {
		int n = split_line(line, tok, toklen, MAX_COLS);

		if (n < 0)
			goto garbled;
		if (n == 0) {
			blank = true;
		} else if (toklen[0] == 5 && !memcmp(tok[0], "Total", 5)) {
			/*
			 * The Total row leaves the class, size and
			 * pages_per_zspage slots empty.
			 */
			struct zs_class t = { 0 };
			int ti = 1;

			if (have_total || n != ncols - 2)
				goto garbled;
			for (int i = 0; i < ncols; i++) {
				uint64_t v;

				if (cols[i] == COL_CLASS || cols[i] == COL_SIZE ||
				    cols[i] == COL_PAGES_PER_ZSPAGE)
					continue;
				r = tok_u64(tok[ti], toklen[ti], &v);
				if (r < 0)
					goto fail;
				ti++;
				class_set(&t, cols[i], v);
			}
			if (t.obj_used > t.obj_allocated)
				goto garbled;
			pool.total = t;
			have_total = true;
		} else {
			struct zs_class c = { 0 }, *nc;

			/* class rows come before the blank line and the Total row */
			if (n != ncols || blank || have_total)
				goto garbled;
			for (int i = 0; i < ncols; i++) {
				uint64_t v;

				r = tok_u64(tok[i], toklen[i], &v);
				if (r < 0)
					goto fail;
				if (cols[i] == COL_CLASS && v > UINT32_MAX)
					goto garbled;
				class_set(&c, cols[i], v);
			}
			if (c.obj_used > c.obj_allocated)
				goto garbled;
			if (nclasses == cap) {
				/* 255 classes with 4K pages, more with 64K: grow by halves, not by one */
				size_t ncap = cap ? cap + cap / 2 : 64;

				nc = reallocarray(classes, ncap, sizeof(*classes));
				if (!nc) {
					r = -ENOMEM;
					goto fail;
				}
				classes = nc;
				cap = ncap;
			}
			classes[nclasses++] = c;
		}
		line = strchr(line, '\n');
	}
	/*
	 * zs_stats_size_show() has ended with a Total row since it was
	 * written: without one (or without any class) the file was cut short.
	 */
	if (!have_total || !nclasses)
		goto garbled;
	pool.classes = classes;
	pool.nclasses = nclasses;
	/* keep the identity fields the caller set */
	memcpy(pool.name, ret->name, sizeof(pool.name));
	pool.kind = ret->kind;
	*ret = pool;
	return 0;
garbled:
	r = -EINVAL;
fail:
	free(classes);
	return r;
}

void zs_pool_clear(struct zs_pool *pool)
{
	free(pool->classes);
	pool->classes = NULL;
	pool->nclasses = 0;
}

void zs_pools_free(struct zs_pool *pools, size_t n)
{
	for (size_t i = 0; i < n; i++)
		zs_pool_clear(&pools[i]);
	free(pools);
}

const struct zs_pool *zs_pool_find(const struct zs_pool *pools, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pools[i].name, name))
			return &pools[i];
	return NULL;
}

const char *zs_classes_status_str(enum zs_classes_status st)
{
	switch (st) {
	case ZS_CLASSES_OK:
		return "class statistics available";
	case ZS_CLASSES_NO_DEBUGFS:
		return "debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)";
	case ZS_CLASSES_NO_ZSMALLOC:
		return "no zsmalloc/ in debugfs (kernel built without CONFIG_ZSMALLOC_STAT)";
	case ZS_CLASSES_NO_PERMISSION:
		return "debugfs is readable by root only";
	case ZS_CLASSES_UNREADABLE:
		return "the class statistics could not be read (see the error)";
	}
	return "unknown";
}

/* zram pools in device order (zram2 before zram10), then the others by name */
int zs_pool_cmp(const void *a, const void *b)
{
	const struct zs_pool *pa = a, *pb = b;

	if (pa->kind == ZS_POOL_ZRAM && pb->kind == ZS_POOL_ZRAM) {
		unsigned long ia = strtoul(pa->name + 4, NULL, 10);
		unsigned long ib = strtoul(pb->name + 4, NULL, 10);

		return ia < ib ? -1 : ia > ib;
	}
	if (pa->kind == ZS_POOL_ZRAM || pb->kind == ZS_POOL_ZRAM)
		return pa->kind == ZS_POOL_ZRAM ? -1 : 1;
	return strcmp(pa->name, pb->name);
}

enum zs_pool_kind zs_pool_kind_of(const char *name)
{
	if (zs_devname_valid(name))
		return ZS_POOL_ZRAM;
	if (!strncmp(name, "zswap", 5))
		return ZS_POOL_ZSWAP;
	return ZS_POOL_OTHER;
}

void zs_pools_sort(struct zs_pool *pools, size_t n)
{
	qsort(pools, n, sizeof(*pools), zs_pool_cmp);
}

const char *zs_pool_kind_name(enum zs_pool_kind kind)
{
	switch (kind) {
	case ZS_POOL_ZRAM:
		return "zram";
	case ZS_POOL_ZSWAP:
		return "zswap";
	case ZS_POOL_OTHER:
		break;
	}
	return "other";
}

int zs_pools_read(struct zs_ctx *ctx, struct zs_pool **ret, size_t *nret,
		  enum zs_classes_status *status)
{
	char debugfs[PATH_MAX - 64], dir[PATH_MAX];
	struct zs_pool *pools = NULL;
	char **names = NULL;
	size_t n = 0, kept = 0;
	int r;

	zs_ctx_begin(ctx);
	*status = ZS_CLASSES_UNREADABLE;
	r = zs_ctx_find_debugfs(ctx, debugfs, sizeof(debugfs));
	if (r == -ENOENT) {
		*status = ZS_CLASSES_NO_DEBUGFS;
		goto none;
	}
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/zsmalloc", debugfs);
	r = zs_ctx_list_dir(ctx, dir, &names, &n);
	if (r == -EACCES || r == -EPERM) {
		*status = ZS_CLASSES_NO_PERMISSION;
		goto none;
	}
	if (r == -ENOENT) {
		*status = ZS_CLASSES_NO_ZSMALLOC;
		goto none;
	}
	if (r < 0)
		return r;
	pools = calloc(n ? n : 1, sizeof(*pools));
	if (!pools) {
		zs_strv_free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char rel[PATH_MAX + 80], *text = NULL;
		struct zs_pool *p = &pools[kept];

		snprintf(rel, sizeof(rel), "%s/%s/classes", dir, names[i]);
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		p->kind = zs_pool_kind_of(names[i]);
		r = zs_ctx_read_file(ctx, rel, ZS_CLASSES_MAX, &text);
		if (r == -ENOENT)
			continue; /* the pool went away since the listing (a device removed) */
		if (r >= 0) {
			r = zs_parse_classes(text, p);
			if (r < 0)
				zs_ctx_fail(ctx, rel, r);
		}
		free(text);
		if (r < 0) {
			zs_pools_free(pools, kept);
			zs_strv_free(names);
			*status = ZS_CLASSES_UNREADABLE;
			return r;
		}
		kept++;
	}
	zs_strv_free(names);
	zs_pools_sort(pools, kept);
	if (kept)
		zs_ctx_learn_page_size(ctx, &pools[0]);
	*status = ZS_CLASSES_OK;
	*ret = pools;
	*nret = kept;
	return 0;
none:
	*ret = NULL;
	*nret = 0;
	return 0;
}
