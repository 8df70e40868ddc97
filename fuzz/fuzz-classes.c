// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_classes: debugfs zsmalloc/<pool>/classes in both formats (until
 * 6.3: almost_full almost_empty; 6.4+: 10% .. 100%), parsed by the header's
 * column names. An accepted table is written back out in the canonical
 * layout of its format and must parse to the same values.
 */
#include "config.h"

#include <inttypes.h>

#include "fuzz.h"
#include "known-bugs.h"

static const char *const canon_almost =
	"class size almost_full almost_empty obj_allocated obj_used pages_used pages_per_zspage";
static const char *const canon_fullness =
	"class size 10% 20% 30% 40% 50% 60% 70% 80% 90% 99% 100% obj_allocated obj_used "
	"pages_used pages_per_zspage";

static void put_row(FILE *f, const struct zs_pool *p, const struct zs_class *c, int total)
{
	if (total)
		fputs("Total", f);
	else
		fprintf(f, "%u %" PRIu64, c->index, c->size);
	if (p->format == ZS_CLASSES_ALMOST) {
		fprintf(f, " %" PRIu64 " %" PRIu64, c->almost_full, c->almost_empty);
	} else {
		for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
			fprintf(f, " %" PRIu64, c->fullness[g]);
	}
	fprintf(f, " %" PRIu64 " %" PRIu64 " %" PRIu64, c->obj_allocated, c->obj_used,
		c->pages_used);
	if (!total)
		fprintf(f, " %" PRIu64, c->pages_per_zspage);
	if (p->has_freeable)
		fprintf(f, " %" PRIu64, c->freeable);
	fputc('\n', f);
}

static int same_class(const struct zs_pool *p, const struct zs_class *a, const struct zs_class *b)
{
	if (a->index != b->index || a->size != b->size || a->obj_allocated != b->obj_allocated ||
	    a->obj_used != b->obj_used || a->pages_used != b->pages_used ||
	    a->pages_per_zspage != b->pages_per_zspage)
		return 0;
	if (p->has_freeable && a->freeable != b->freeable)
		return 0;
	if (p->format == ZS_CLASSES_ALMOST)
		return a->almost_full == b->almost_full && a->almost_empty == b->almost_empty;
	return !memcmp(a->fullness, b->fullness, sizeof(a->fullness));
}

/* The header line (up to the first newline) has the word w, blank-separated. */
static int header_has(const char *s, const char *w)
{
	size_t wl = strlen(w), hl = strcspn(s, "\n");

	for (const char *p = s; p < s + hl;) {
		size_t tl;

		p += strspn(p, " \t");
		tl = strcspn(p, " \t\n");
		if (tl == wl && !memcmp(p, w, wl))
			return 1;
		p += tl;
		if (!tl)
			break;
	}
	return 0;
}

static void check_class(const struct zs_class *c)
{
	FUZZ_CHECK(c->obj_used <= c->obj_allocated);
}

static void round_trip(const struct zs_pool *p)
{
	struct zs_pool q;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	FUZZ_CHECK(f);
	fprintf(f, "%s%s\n", p->format == ZS_CLASSES_ALMOST ? canon_almost : canon_fullness,
		p->has_freeable ? " freeable" : "");
	for (size_t i = 0; i < p->nclasses; i++)
		put_row(f, p, &p->classes[i], 0);
	fputc('\n', f);
	put_row(f, p, &p->total, 1);
	FUZZ_CHECK(fclose(f) == 0);

	memset(&q, 0, sizeof(q));
	snprintf(q.name, sizeof(q.name), "%s", p->name);
	q.kind = p->kind;
	if (zs_parse_classes(text, &q) != 0) {
		fprintf(stderr, "canonical form refused:\n%s", text);
		FUZZ_CHECK(!"the canonical form of an accepted table parses");
	}
	FUZZ_CHECK(q.format == p->format && q.has_freeable == p->has_freeable);
	FUZZ_CHECK(q.nclasses == p->nclasses);
	for (size_t i = 0; i < p->nclasses; i++)
		FUZZ_CHECK(same_class(p, &p->classes[i], &q.classes[i]));
	FUZZ_CHECK(same_class(p, &p->total, &q.total));
	zs_pool_clear(&q);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zs_pool pool, before;
	char *s = fuzz_string(data, size);
	int r;

	if (!s)
		return 0;
	memset(&pool, FUZZ_PATTERN, sizeof(pool));
	snprintf(pool.name, sizeof(pool.name), "zram0");
	pool.kind = ZS_POOL_ZRAM;
	memcpy(&before, &pool, sizeof(pool));
	r = zs_parse_classes(s, &pool);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE || r == -ENOMEM);
		FUZZ_CHECK(fuzz_same_bytes(&pool, &before, sizeof(pool)));
		free(s);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(!strcmp(pool.name, "zram0") && pool.kind == ZS_POOL_ZRAM);
	FUZZ_CHECK(pool.format == ZS_CLASSES_ALMOST || pool.format == ZS_CLASSES_FULLNESS);
	FUZZ_CHECK(pool.has_freeable == header_has(s, "freeable"));
	FUZZ_CHECK(pool.nclasses >= 1 && pool.classes);
	for (size_t i = 0; i < pool.nclasses; i++)
		check_class(&pool.classes[i]);
	check_class(&pool.total);
	/* the Total row has no class, size or pages_per_zspage */
	FUZZ_CHECK(!pool.total.index && !pool.total.size && !pool.total.pages_per_zspage);
	round_trip(&pool);
	/* the derivations the table feeds must cope with whatever was accepted */
	{
		double frag;
		uint64_t waste;

		/* a fraction of what is allocated: 0..1, never NaN */
		zs_pool_derive(&pool, &frag, &waste);
		if (!known_bug_b2_pool_overflows(&pool))
			FUZZ_CHECK(frag >= 0.0 && frag <= 1.0);
		for (size_t i = 0; i < pool.nclasses; i++) {
			zs_class_derive(&pool.classes[i], &frag, &waste);
			FUZZ_CHECK(frag >= 0.0 && frag <= 1.0);
		}
	}
	zs_pool_clear(&pool);
	FUZZ_CHECK(!pool.classes && !pool.nclasses);
	free(s);
	return 0;
}
