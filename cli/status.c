// SPDX-License-Identifier: GPL-2.0-or-later
/* zsctl status: what every zram device holds, what it costs, how fragmented it is. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "status.h"
#include "table.h"

enum col_kind {
	KIND_STR,
	KIND_SIZE,  /* bytes: human-readable unless -b */
	KIND_COUNT, /* a plain number */
	KIND_RATIO,
	KIND_PERCENT,
};

enum col_id {
	C_NAME,
	C_DISKSIZE,
	C_ALGORITHM,
	C_DATA,
	C_COMPR,
	C_TOTAL,
	C_RATIO,
	C_FRAG,
	C_COMPACTABLE,
	C_USED_BY,
	C_STATE,
	C_OVERHEAD,
	C_MEM_LIMIT,
	C_MEM_USED_MAX,
	C_SAME_PAGES,
	C_PAGES_COMPACTED,
	C_HUGE_PAGES,
	C_HUGE_PAGES_SINCE,
	C_COMPACT_GATED,
	C_FAILED_READS,
	C_FAILED_WRITES,
	C_INVALID_IO,
	C_NOTIFY_FREE,
	C_BD_COUNT,
	C_BD_READS,
	C_BD_WRITES,
	C_WRITESTALL,
	C_MISS_FREE,
	C_STREAMS,
	C_BACKING_DEV,
	C_WB_LIMIT,
	C_MOUNTPOINT,
	C_SWAP_SIZE,
	C_SWAP_USED,
	C_SWAP_PRIO,
	C_COUNT_,
};

struct column {
	const char *name;
	enum col_kind kind;
	const char *help;
};

static const struct column columns[C_COUNT_] = {
	[C_NAME] = { "NAME", KIND_STR, "zram device name" },
	[C_DISKSIZE] = { "DISKSIZE", KIND_SIZE, "limit on the uncompressed amount of data" },
	[C_ALGORITHM] = { "ALGORITHM", KIND_STR, "the selected compression algorithm" },
	[C_DATA] = { "DATA", KIND_SIZE, "uncompressed size of stored data (orig_data_size)" },
	[C_COMPR] = { "COMPR", KIND_SIZE, "compressed size of stored data (compr_data_size)" },
	[C_TOTAL] = { "TOTAL", KIND_SIZE, "memory used, allocator overhead included (mem_used_total)" },
	[C_RATIO] = { "RATIO", KIND_RATIO, "compression ratio, DATA / COMPR" },
	[C_FRAG] = { "FRAG", KIND_PERCENT, "zsmalloc fragmentation; ~ marks an estimate from mm_stat" },
	[C_COMPACTABLE] = { "COMPACTABLE", KIND_SIZE, "memory compaction would free; ~ marks an estimate" },
	[C_USED_BY] = { "USED-BY", KIND_STR, "mount point, or [SWAP]" },
	[C_STATE] = { "STATE", KIND_STR, "initialised or uninitialised (initstate)" },
	[C_OVERHEAD] = { "OVERHEAD", KIND_SIZE, "TOTAL - COMPR: what the allocator costs" },
	[C_MEM_LIMIT] = { "MEM-LIMIT", KIND_SIZE, "memory limit, 0 for none (mem_limit)" },
	[C_MEM_USED_MAX] = { "MEM-USED-MAX", KIND_SIZE, "peak of TOTAL (mem_used_max)" },
	[C_SAME_PAGES] = { "SAME-PAGES", KIND_COUNT, "pages of one repeated value, stored without memory" },
	[C_PAGES_COMPACTED] = { "PAGES-COMPACTED", KIND_COUNT, "pages freed by compaction so far" },
	[C_HUGE_PAGES] = { "HUGE-PAGES", KIND_COUNT, "incompressible pages stored whole" },
	[C_HUGE_PAGES_SINCE] = { "HUGE-PAGES-SINCE", KIND_COUNT, "incompressible pages stored since set-up" },
	[C_COMPACT_GATED] = { "COMPACT-GATED", KIND_COUNT, "compactions turned away by zsmalloc (patched kernels)" },
	[C_FAILED_READS] = { "FAILED-READS", KIND_COUNT, "failed reads (io_stat)" },
	[C_FAILED_WRITES] = { "FAILED-WRITES", KIND_COUNT, "failed writes (io_stat)" },
	[C_INVALID_IO] = { "INVALID-IO", KIND_COUNT, "unaligned or out-of-range requests (io_stat)" },
	[C_NOTIFY_FREE] = { "NOTIFY-FREE", KIND_COUNT, "pages freed by discards and freed swap slots (io_stat)" },
	[C_BD_COUNT] = { "BD-COUNT", KIND_COUNT, "4K pages now on the backing device (bd_stat)" },
	[C_BD_READS] = { "BD-READS", KIND_COUNT, "4K pages read from the backing device (bd_stat)" },
	[C_BD_WRITES] = { "BD-WRITES", KIND_COUNT, "4K pages written to the backing device (bd_stat)" },
	[C_WRITESTALL] = { "WRITESTALL", KIND_COUNT, "writes that waited for memory (debug_stat)" },
	[C_MISS_FREE] = { "MISS-FREE", KIND_COUNT, "slot frees missed for contention (debug_stat)" },
	[C_STREAMS] = { "STREAMS", KIND_COUNT, "compression streams (max_comp_streams, old kernels)" },
	[C_BACKING_DEV] = { "BACKING-DEV", KIND_STR, "writeback device (backing_dev)" },
	[C_WB_LIMIT] = { "WB-LIMIT", KIND_COUNT, "writeback budget in 4K pages, when enabled" },
	[C_MOUNTPOINT] = { "MOUNTPOINT", KIND_STR, "where the device is mounted" },
	[C_SWAP_SIZE] = { "SWAP-SIZE", KIND_SIZE, "swap area size" },
	[C_SWAP_USED] = { "SWAP-USED", KIND_SIZE, "swap in use" },
	[C_SWAP_PRIO] = { "SWAP-PRIO", KIND_STR, "swap priority" },
};

static const enum col_id default_columns[] = {
	C_NAME, C_DISKSIZE, C_ALGORITHM, C_DATA, C_COMPR, C_TOTAL,
	C_RATIO, C_FRAG, C_COMPACTABLE, C_USED_BY,
};

struct status_opts {
	enum col_id cols[C_COUNT_ * 2];
	size_t ncols;
	unsigned int table_flags;
	bool bytes;
	bool classes;
	bool prometheus;       /* --format=prometheus (cli/prometheus.c) */
	const char *prom_file; /* --prom-file: written atomically */
};

/* A value: absent (printed "-"), or a number, or a string. */
struct value {
	bool present;
	uint64_t u;
	double d;
	bool estimate;
	const char *s;
};

static struct value mm_value(const struct zs_device *d, unsigned int col)
{
	struct value v = { 0 };

	if (d->initialised && zs_stat_has(&d->mm, col)) {
		v.present = true;
		v.u = d->mm.val[col];
	}
	return v;
}

static struct value stat_value(const struct zs_stat *st, unsigned int col)
{
	struct value v = { 0 };

	if (zs_stat_has(st, col)) {
		v.present = true;
		v.u = st->val[col];
	}
	return v;
}

static struct value num(bool present, uint64_t u)
{
	struct value v = { .present = present, .u = u };

	return v;
}

static struct value str(const char *s)
{
	struct value v = { .present = s != NULL, .s = s };

	return v;
}

static void join_mountpoints(const struct zs_device *d, char *buf, size_t size)
{
	buf[0] = '\0';
	for (char **p = d->mountpoints; p && *p; p++) {
		if (buf[0])
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, *p, size - strlen(buf) - 1);
	}
}

static struct value column_value(const struct view *vw, enum col_id id, char *scratch,
				 size_t size)
{
	const struct zs_device *d = vw->dev;
	const struct zs_derived *x = &vw->derived;
	struct value v = { 0 };

	switch (id) {
	case C_NAME:
		return str(d->name);
	case C_DISKSIZE:
		return num(true, d->disksize);
	case C_ALGORITHM:
		if (d->has_algorithms && d->algorithms.active >= 0)
			return str(d->algorithms.name[d->algorithms.active]);
		return v;
	case C_STATE:
		return str(d->initialised ? "initialised" : "uninitialised");
	case C_DATA:
		return mm_value(d, ZS_MM_ORIG_DATA_SIZE);
	case C_COMPR:
		return mm_value(d, ZS_MM_COMPR_DATA_SIZE);
	case C_TOTAL:
		return mm_value(d, ZS_MM_MEM_USED_TOTAL);
	case C_MEM_LIMIT:
		return mm_value(d, ZS_MM_MEM_LIMIT);
	case C_MEM_USED_MAX:
		return mm_value(d, ZS_MM_MEM_USED_MAX);
	case C_SAME_PAGES:
		return mm_value(d, ZS_MM_SAME_PAGES);
	case C_PAGES_COMPACTED:
		return mm_value(d, ZS_MM_PAGES_COMPACTED);
	case C_HUGE_PAGES:
		return mm_value(d, ZS_MM_HUGE_PAGES);
	case C_HUGE_PAGES_SINCE:
		return mm_value(d, ZS_MM_HUGE_PAGES_SINCE);
	case C_COMPACT_GATED:
		return mm_value(d, ZS_MM_COMPACT_GATED);
	case C_RATIO:
		v.present = x->has_ratio;
		v.d = x->ratio;
		return v;
	case C_FRAG:
		v.present = x->has_fragmentation;
		v.d = x->fragmentation;
		v.estimate = !x->fragmentation_exact;
		return v;
	case C_COMPACTABLE:
		v.present = x->has_compactable;
		v.u = x->compactable;
		v.estimate = !x->compactable_exact;
		return v;
	case C_OVERHEAD:
		return num(x->has_overhead, x->overhead);
	case C_FAILED_READS:
		return stat_value(&d->io, ZS_IO_FAILED_READS);
	case C_FAILED_WRITES:
		return stat_value(&d->io, ZS_IO_FAILED_WRITES);
	case C_INVALID_IO:
		return stat_value(&d->io, ZS_IO_INVALID_IO);
	case C_NOTIFY_FREE:
		return stat_value(&d->io, ZS_IO_NOTIFY_FREE);
	case C_BD_COUNT:
		return stat_value(&d->bd, ZS_BD_COUNT);
	case C_BD_READS:
		return stat_value(&d->bd, ZS_BD_READS);
	case C_BD_WRITES:
		return stat_value(&d->bd, ZS_BD_WRITES);
	case C_WRITESTALL:
		return num(d->has_debug, d->debug.writestall);
	case C_MISS_FREE:
		return num(d->has_debug, d->debug.miss_free);
	case C_STREAMS:
		return num(d->has_max_comp_streams, d->max_comp_streams);
	case C_BACKING_DEV:
		return str(d->has_backing_dev ? d->backing_dev : NULL);
	case C_WB_LIMIT:
		return num(d->has_writeback_limit && d->has_writeback_limit_enable &&
				   d->writeback_limit_enable,
			   d->writeback_limit);
	case C_USED_BY:
		if (d->is_swap)
			return str("[SWAP]");
		join_mountpoints(d, scratch, size);
		v.present = true;
		v.s = scratch;
		return v;
	case C_MOUNTPOINT:
		join_mountpoints(d, scratch, size);
		v.present = true;
		v.s = scratch;
		return v;
	case C_SWAP_SIZE:
		return num(d->is_swap, d->swap.size);
	case C_SWAP_USED:
		return num(d->is_swap, d->swap.used);
	case C_SWAP_PRIO:
		if (d->is_swap) {
			snprintf(scratch, size, "%d", d->swap.priority);
			return str(scratch);
		}
		return v;
	case C_COUNT_:
		break;
	}
	return v;
}

static void format_value(const struct value *v, enum col_kind kind, bool bytes, char *buf,
			 size_t size)
{
	char tmp[64];

	if (!v->present) {
		snprintf(buf, size, "-");
		return;
	}
	switch (kind) {
	case KIND_STR:
		snprintf(buf, size, "%s", v->s);
		return;
	case KIND_SIZE:
		format_size(v->u, bytes, tmp, sizeof(tmp));
		break;
	case KIND_COUNT:
		snprintf(tmp, sizeof(tmp), "%" PRIu64, v->u);
		break;
	case KIND_RATIO:
		snprintf(tmp, sizeof(tmp), "%.2f", v->d);
		break;
	case KIND_PERCENT:
		snprintf(tmp, sizeof(tmp), "%.1f%%", v->d * 100.0);
		break;
	}
	snprintf(buf, size, "%s%s", v->estimate ? "~" : "", tmp);
}

static int column_lookup(const char *name, size_t len)
{
	for (int i = 0; i < C_COUNT_; i++)
		if (strlen(columns[i].name) == len && !strncasecmp(columns[i].name, name, len))
			return i;
	return -1;
}

static int parse_columns(struct cli *cli, const char *list, struct status_opts *o)
{
	const char *p = list;

	if (*p == '+')
		p++; /* append to the defaults */
	else
		o->ncols = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = column_lookup(p, len);

		if (id < 0 || o->ncols == ARRAY_SIZE(o->cols)) {
			cli_usage_error(cli, "status: unknown column: %.*s", (int)(len > 40 ? 40 : len), p);
			return -EINVAL;
		}
		o->cols[o->ncols++] = (enum col_id)id;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!o->ncols) {
		cli_usage_error(cli, "status: no columns given to --output");
		return -EINVAL;
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *json_stat(const struct zs_stat *st, unsigned int known,
			 const char *(*name)(unsigned int))
{
	json_t *o = json_object(), *extra = NULL;

	for (unsigned int i = 0; i < st->ncols; i++) {
		if (zs_stat_has(st, i)) {
			json_object_set_new(o, name(i), json_u64(st->val[i]));
			continue;
		}
		/* pre-4.1 one-value files: a column with no file */
		if (i < known && st->legacy)
			continue;
		/*
		 * columns of a newer kernel, and a tenth column zsctl cannot
		 * tell is compact_gated: kept, by position
		 */
		if (!extra)
			extra = json_array();
		json_array_append_new(extra, json_u64(st->val[i]));
	}
	if (extra)
		json_object_set_new(o, "unknown_columns", extra);
	return o;
}

static json_t *json_device(const struct view *vw)
{
	const struct zs_device *d = vw->dev;
	const struct zs_derived *x = &vw->derived;
	json_t *o = json_object(), *dv;

	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "initstate", json_integer(d->initialised));
	json_object_set_new(o, "disksize", json_u64(d->disksize));
	if (d->has_algorithms) {
		json_t *a = json_array();

		if (d->algorithms.active >= 0)
			json_object_set_new(o, "comp_algorithm",
					    json_string(d->algorithms.name[d->algorithms.active]));
		for (unsigned int i = 0; i < d->algorithms.n; i++)
			json_array_append_new(a, json_string(d->algorithms.name[i]));
		json_object_set_new(o, "comp_algorithms", a);
	}
	if (d->mm.present) {
		json_object_set_new(o, "mm_stat",
				    json_stat(&d->mm, ZS_MM_KNOWN, zs_mm_col_name));
		if (d->mm.legacy)
			json_object_set_new(o, "mm_stat_legacy", json_true());
	}
	if (d->io.present)
		json_object_set_new(o, "io_stat", json_stat(&d->io, ZS_IO_KNOWN, zs_io_col_name));
	if (d->bd.present)
		json_object_set_new(o, "bd_stat", json_stat(&d->bd, ZS_BD_KNOWN, zs_bd_col_name));
	if (d->has_debug) {
		json_t *ds = json_object();

		json_object_set_new(ds, "version", json_integer(d->debug.version));
		json_object_set_new(ds, "writestall", json_u64(d->debug.writestall));
		json_object_set_new(ds, "miss_free", json_u64(d->debug.miss_free));
		json_object_set_new(o, "debug_stat", ds);
	}
	if (d->has_max_comp_streams)
		json_object_set_new(o, "max_comp_streams",
				    json_u64(d->max_comp_streams));
	if (d->has_backing_dev)
		json_object_set_new(o, "backing_dev", json_string(d->backing_dev));
	if (d->has_writeback_limit)
		json_object_set_new(o, "writeback_limit",
				    json_u64(d->writeback_limit));
	if (d->has_writeback_limit_enable)
		json_object_set_new(o, "writeback_limit_enable",
				    json_boolean(d->writeback_limit_enable));

	dv = json_object();
	if (x->has_ratio)
		json_object_set_new(dv, "compression_ratio", json_real(x->ratio));
	if (x->has_overhead)
		json_object_set_new(dv, "overhead", json_u64(x->overhead));
	if (x->has_fragmentation) {
		json_object_set_new(dv, "fragmentation", json_real(x->fragmentation));
		json_object_set_new(dv, "fragmentation_estimated",
				    json_boolean(!x->fragmentation_exact));
	}
	if (x->has_compactable) {
		json_object_set_new(dv, "compactable", json_u64(x->compactable));
		json_object_set_new(dv, "compactable_estimated",
				    json_boolean(!x->compactable_exact));
	}
	json_object_set_new(o, "derived", dv);

	if (d->mountpoints) {
		json_t *m = json_array();

		for (char **p = d->mountpoints; *p; p++)
			json_array_append_new(m, json_string(*p));
		json_object_set_new(o, "mountpoints", m);
	}
	if (d->is_swap) {
		json_t *s = json_object();

		json_object_set_new(s, "size", json_u64(d->swap.size));
		json_object_set_new(s, "used", json_u64(d->swap.used));
		json_object_set_new(s, "priority", json_integer(d->swap.priority));
		json_object_set_new(o, "swap", s);
	}
	if (vw->pool)
		json_object_set_new(o, "pool", json_string(vw->pool->name));
	return o;
}

static const char *pool_kind_str(enum zs_pool_kind k)
{
	return k == ZS_POOL_ZRAM ? "zram" : k == ZS_POOL_ZSWAP ? "zswap" : "other";
}

static json_t *json_class(const struct zs_pool *p, const struct zs_class *c, bool total,
			  uint64_t page)
{
	json_t *o = json_object();
	double frag;
	uint64_t waste;

	if (!total) {
		json_object_set_new(o, "class", json_integer(c->index));
		json_object_set_new(o, "size", json_u64(c->size));
	}
	if (p->format == ZS_CLASSES_FULLNESS) {
		for (unsigned int g = 0; g < ZS_FULLNESS_GROUPS; g++)
			json_object_set_new(o, zs_fullness_label(g),
					    json_u64(c->fullness[g]));
	} else {
		json_object_set_new(o, "almost_full", json_u64(c->almost_full));
		json_object_set_new(o, "almost_empty", json_u64(c->almost_empty));
	}
	json_object_set_new(o, "obj_allocated", json_u64(c->obj_allocated));
	json_object_set_new(o, "obj_used", json_u64(c->obj_used));
	json_object_set_new(o, "pages_used", json_u64(c->pages_used));
	if (!total)
		json_object_set_new(o, "pages_per_zspage",
				    json_u64(c->pages_per_zspage));
	if (p->has_freeable)
		json_object_set_new(o, "freeable", json_u64(c->freeable));
	if (total) {
		zs_pool_derive(p, &frag, &waste);
		if (p->has_freeable)
			json_object_set_new(o, "freeable_bytes",
					    json_u64(mul_sat(c->freeable, page)));
	} else {
		zs_class_derive(c, &frag, &waste);
	}
	json_object_set_new(o, "fragmentation", json_real(frag));
	json_object_set_new(o, "waste", json_u64(waste));
	return o;
}

static json_t *json_pool(const struct zs_pool *p, uint64_t page)
{
	json_t *o = json_object(), *cl = json_array();

	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "kind", json_string(pool_kind_str(p->kind)));
	json_object_set_new(o, "format", json_string(p->format == ZS_CLASSES_FULLNESS ?
								 "fullness" :
								 "almost"));
	for (size_t i = 0; i < p->nclasses; i++)
		json_array_append_new(cl, json_class(p, &p->classes[i], false, page));
	json_object_set_new(o, "classes", cl);
	json_object_set_new(o, "total", json_class(p, &p->total, true, page));
	return o;
}

/* ---- the compaction gate ------------------------------------------------ */

static void read_gate(struct cli *cli, const struct view *views, size_t n, struct gate_view *g)
{
	char lock[4096], state[4096];
	int r;

	cli_rooted_path(cli, ZS_LOCK_PATH, lock, sizeof(lock));
	cli_rooted_path(cli, ZS_STATE_PATH, state, sizeof(state));
	r = zs_gate_query(lock, &g->held, &g->holder);
	if (r < 0)
		cli_warn(cli, lock, "cannot tell who holds the compaction gate: %s", errno_cause(-r));
	r = zs_state_load(state, &g->state);
	if (r == -EBADMSG)
		cli_warn(cli, state, "garbled; the next zsctl compact sets it aside");
	else if (r < 0)
		cli_warn(cli, state, "cannot read: %s", private_file_cause(-r));
	else
		g->has_state = g->state.runs > 0;
	zs_state_busy_count(state, &g->turned_away);
	for (size_t i = 0; i < n; i++) {
		if (zs_stat_has(&views[i].dev->mm, ZS_MM_COMPACT_GATED)) {
			g->kernel_gated += views[i].dev->mm.val[ZS_MM_COMPACT_GATED];
			g->has_kernel_gated = true;
		}
	}
}

static json_t *json_gate(const struct gate_view *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "held", json_boolean(g->held));
	if (g->held && g->holder.known) {
		json_object_set_new(o, "holder_pid", json_integer(g->holder.pid));
		if (g->holder.since)
			json_object_set_new(o, "holder_since", json_integer(g->holder.since));
	}
	json_object_set_new(o, "runs", json_u64(g->state.runs));
	json_object_set_new(o, "turned_away", json_u64(g->turned_away));
	json_object_set_new(o, "freed_total", json_u64(g->state.freed_total));
	if (g->state.last_result[0]) {
		json_object_set_new(o, "last_time", json_u64(g->state.last_time));
		json_object_set_new(o, "last_pid", json_u64(g->state.last_pid));
		json_object_set_new(o, "last_result", json_string(g->state.last_result));
	}
	if (g->has_kernel_gated)
		json_object_set_new(o, "compact_gated", json_u64(g->kernel_gated));
	return o;
}

static void print_gate(const struct status_opts *o, const struct gate_view *g)
{
	char freed[32], when[32];

	if (!g->held && !g->has_state && !g->turned_away && !g->has_kernel_gated)
		return; /* zsctl compact never ran here: nothing to say */
	if (o->table_flags & (TABLE_NOHEADINGS | TABLE_RAW))
		return;
	printf("\nCompaction gate: ");
	if (g->held && g->holder.known)
		printf("held by pid %d", (int)g->holder.pid);
	else if (g->held)
		printf("held");
	else
		printf("free");
	format_size(g->state.freed_total, o->bytes, freed, sizeof(freed));
	printf("; runs %" PRIu64 ", turned away %" PRIu64 ", freed %s", g->state.runs,
	       g->turned_away, freed);
	if (g->state.last_result[0]) {
		time_t t = (time_t)g->state.last_time;
		struct tm tm;

		if (gmtime_r(&t, &tm) && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
			printf("; last run %s: %s", when, g->state.last_result);
	}
	if (g->has_kernel_gated)
		printf("; the kernel turned away %" PRIu64 " (compact_gated)", g->kernel_gated);
	printf("\n");
}

/* ---- text ------------------------------------------------------------ */

static int print_devices(struct cli *cli, const struct status_opts *o, const struct view *views,
			 size_t n)
{
	struct table *t = table_new(o->ncols);

	if (!t)
		return -ENOMEM;
	for (size_t c = 0; c < o->ncols; c++) {
		const struct column *col = &columns[o->cols[c]];

		table_set_column(t, c, col->name, col->kind == KIND_STR ? 0 : TABLE_RIGHT);
	}
	for (size_t i = 0; i < n; i++) {
		int row = table_add_row(t);

		if (row < 0) {
			table_free(t);
			return row;
		}
		for (size_t c = 0; c < o->ncols; c++) {
			char scratch[1024], text[1100];
			struct value v = column_value(&views[i], o->cols[c], scratch,
						      sizeof(scratch));

			format_value(&v, columns[o->cols[c]].kind, o->bytes, text, sizeof(text));
			table_set_cell(t, (size_t)row, c, text);
		}
	}
	table_print(t, stdout, o->table_flags);
	table_free(t);
	return 0;
}

static void set_u64(struct table *t, size_t row, size_t col, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	table_set_cell(t, row, col, buf);
}

static int print_pool(const struct status_opts *o, const struct zs_pool *p, uint64_t page)
{
	size_t ngroups = p->format == ZS_CLASSES_FULLNESS ? ZS_FULLNESS_GROUPS : 2;
	size_t ncols = 2 + ngroups + 5 + 2, col;
	struct table *t = table_new(ncols);
	char buf[64];

	if (!t)
		return -ENOMEM;
	col = 0;
	table_set_column(t, col++, "CLASS", TABLE_RIGHT);
	table_set_column(t, col++, "SIZE", TABLE_RIGHT);
	for (size_t g = 0; g < ngroups; g++)
		table_set_column(t, col++,
				 p->format == ZS_CLASSES_FULLNESS ? zs_fullness_label((unsigned)g) :
				 g == 0				   ? "ALMOST-FULL" :
								     "ALMOST-EMPTY",
				 TABLE_RIGHT);
	table_set_column(t, col++, "OBJ-ALLOC", TABLE_RIGHT);
	table_set_column(t, col++, "OBJ-USED", TABLE_RIGHT);
	table_set_column(t, col++, "PAGES", TABLE_RIGHT);
	table_set_column(t, col++, "PPZ", TABLE_RIGHT);
	table_set_column(t, col++, "FREEABLE", TABLE_RIGHT);
	table_set_column(t, col++, "FRAG", TABLE_RIGHT);
	table_set_column(t, col++, "WASTE", TABLE_RIGHT);

	for (size_t i = 0; i <= p->nclasses; i++) {
		bool total = i == p->nclasses;
		const struct zs_class *c = total ? &p->total : &p->classes[i];
		int row = table_add_row(t);
		double frag;
		uint64_t waste;

		if (row < 0) {
			table_free(t);
			return row;
		}
		col = 0;
		if (total) {
			table_set_cell(t, (size_t)row, col++, "Total");
			table_set_cell(t, (size_t)row, col++, "");
			zs_pool_derive(p, &frag, &waste);
		} else {
			set_u64(t, (size_t)row, col++, c->index);
			set_u64(t, (size_t)row, col++, c->size);
			zs_class_derive(c, &frag, &waste);
		}
		for (size_t g = 0; g < ngroups; g++)
			set_u64(t, (size_t)row, col++,
				p->format == ZS_CLASSES_FULLNESS ? c->fullness[g] :
				g == 0				  ? c->almost_full :
								    c->almost_empty);
		set_u64(t, (size_t)row, col++, c->obj_allocated);
		set_u64(t, (size_t)row, col++, c->obj_used);
		set_u64(t, (size_t)row, col++, c->pages_used);
		if (total)
			table_set_cell(t, (size_t)row, col++, "");
		else
			set_u64(t, (size_t)row, col++, c->pages_per_zspage);
		if (p->has_freeable)
			set_u64(t, (size_t)row, col++, c->freeable);
		else
			table_set_cell(t, (size_t)row, col++, "-");
		snprintf(buf, sizeof(buf), "%.1f%%", frag * 100.0);
		table_set_cell(t, (size_t)row, col++, buf);
		format_size(waste, o->bytes, buf, sizeof(buf));
		table_set_cell(t, (size_t)row, col++, buf);
	}
	if (!(o->table_flags & (TABLE_NOHEADINGS | TABLE_RAW))) {
		char freeable[32] = "-";

		if (p->has_freeable)
			format_size(p->total.freeable * page, o->bytes, freeable,
				    sizeof(freeable));
		printf("\nPool %s (%s, %s classes): compaction would free %s\n", p->name,
		       pool_kind_str(p->kind),
		       p->format == ZS_CLASSES_FULLNESS ? "6.4+" : "pre-6.4", freeable);
	}
	table_print(t, stdout, o->table_flags);
	table_free(t);
	return 0;
}

static bool pool_selected(const struct zs_pool *p, char **names, size_t n, bool all)
{
	if (all)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p->name, names[i]))
			return true;
	return false;
}

/* ---- the verb ---------------------------------------------------------- */

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] status [options] [DEVICE...]\n"
	       "\n"
	       "Show zram devices: what they hold, what it costs, how fragmented their\n"
	       "zsmalloc pools are and what compaction would free.\n"
	       "\n"
	       "Options:\n"
	       " -o, --output LIST     columns to show (+LIST appends to the default)\n"
	       "     --output-all      show every column\n"
	       " -b, --bytes           print sizes in bytes\n"
	       " -n, --noheadings      do not print headings\n"
	       " -r, --raw             raw output: one space between fields, no alignment\n"
	       " -J, --json            JSON output: every kernel value and the derived ones\n"
	       "     --classes         per-class zsmalloc statistics (needs root and debugfs)\n"
	       "     --format FORMAT   table (default), json (as -J) or prometheus\n"
	       "     --prom-file PATH  Prometheus output, replacing PATH atomically (textfile)\n"
	       " -h, --help            display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN; without one, every zram device.\n"
	       "\n"
	       "Available output columns:\n");
	for (int i = 0; i < C_COUNT_; i++)
		printf(" %16s  %s\n", columns[i].name, columns[i].help);
	printf("\nFor more details see zsctl-status(8).\n");
}

enum {
	OPT_OUTPUT_ALL = 0x100,
	OPT_CLASSES,
	OPT_FORMAT,
	OPT_PROM_FILE,
};

static int parse_args(struct cli *cli, int argc, char **argv, struct status_opts *o,
		      bool *json)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "bytes", no_argument, NULL, 'b' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ "classes", no_argument, NULL, OPT_CLASSES },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "prom-file", required_argument, NULL, OPT_PROM_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	bool all = false;
	int c;

	/* -J first, so that errors about the other options come out as JSON */
	cli_scan_json_flag(cli, argc, argv, "bnrJ");

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:bnrJh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_OUTPUT_ALL:
			all = true;
			break;
		case 'b':
			o->bytes = true;
			break;
		case 'n':
			o->table_flags |= TABLE_NOHEADINGS;
			break;
		case 'r':
			o->table_flags |= TABLE_RAW;
			break;
		case 'J':
			*json = true;
			break;
		case OPT_CLASSES:
			o->classes = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json")) {
				*json = cli->json = true;
			} else if (!strcmp(optarg, "prometheus")) {
				o->prometheus = true;
			} else if (strcmp(optarg, "table")) {
				cli_usage_error(cli, "status: --format: table, json or prometheus");
				return -EINVAL;
			}
			break;
		case OPT_PROM_FILE:
			o->prom_file = optarg;
			o->prometheus = true;
			break;
		case 'h':
			usage();
			return 1;
		case ':':
		default:
			cli_option_error(cli, c, argv);
			return -EINVAL;
		}
	}
	o->ncols = ARRAY_SIZE(default_columns);
	memcpy(o->cols, default_columns, sizeof(default_columns));
	if (all) {
		for (int i = 0; i < C_COUNT_; i++)
			o->cols[i] = (enum col_id)i;
		o->ncols = C_COUNT_;
	}
	if (output && parse_columns(cli, output, o) < 0)
		return -EINVAL;
	if (o->prometheus && *json) {
		cli_usage_error(cli, "status: JSON and Prometheus output at once");
		return -EINVAL;
	}
	return 0;
}

int verb_status(struct cli *cli, int argc, char **argv)
{
	struct status_opts o = { 0 };
	struct zs_pool *pools = NULL;
	enum zs_classes_status cstatus = ZS_CLASSES_NO_DEBUGFS;
	struct zs_device *devs = NULL;
	struct gate_view *gate = NULL;
	struct view *views = NULL;
	char **names = NULL;
	size_t nnames = 0, npools = 0, ndevs = 0;
	bool json = false, all;
	json_t *doc = NULL;
	int r;

	r = parse_args(cli, argc, argv, &o, &json);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	if (optind < argc) {
		r = cli_parse_devices(cli, argc - optind, argv + optind, &names, &nnames);
		if (r < 0)
			return cli->status;
		all = false;
	} else {
		r = zs_enumerate_devices(cli->ctx, &names, &nnames);
		if (r < 0) {
			cli_lib_error(cli, "zram", r);
			return cli->status;
		}
		all = true;
	}

	devs = calloc(nnames ? nnames : 1, sizeof(*devs));
	views = calloc(nnames ? nnames : 1, sizeof(*views));
	if (!devs || !views) {
		r = -ENOMEM;
		goto oom;
	}
	for (size_t i = 0; i < nnames; i++) {
		r = zs_device_read(cli->ctx, names[i], &devs[ndevs]);
		if (r < 0) {
			/* one device's trouble does not hide the others */
			cli_lib_error(cli, names[i], r);
			continue;
		}
		views[ndevs].dev = &devs[ndevs];
		ndevs++;
	}
	r = zs_devices_read_users(cli->ctx, devs, ndevs);
	if (r < 0)
		cli_lib_error(cli, "mounts", r);

	r = zs_pools_read(cli->ctx, &pools, &npools, &cstatus);
	if (r < 0) {
		cli_lib_error(cli, "zsmalloc", r);
		pools = NULL;
		npools = 0;
	}
	for (size_t i = 0; i < ndevs; i++) {
		views[i].pool = zs_pool_find(pools, npools, devs[i].name);
		zs_device_derive(cli->ctx, &devs[i], views[i].pool, &views[i].derived);
	}

	gate = calloc(1, sizeof(*gate));
	if (!gate) {
		r = -ENOMEM;
		goto oom;
	}
	read_gate(cli, views, ndevs, gate);

	if (o.prometheus) {
		struct prom_input in = {
			.views = views, .nviews = ndevs, .pools = pools, .npools = npools,
			.all_pools = all, .classes_status = cstatus, .gate = gate,
			.classes = o.classes, .page_size = zs_ctx_page_size(cli->ctx),
		};

		prom_status(cli, &in, o.prom_file);
	} else if (json) {
		json_t *jdevs = json_array(), *cs = json_object();

		doc = json_object();
		for (size_t i = 0; i < ndevs; i++)
			json_array_append_new(jdevs, json_device(&views[i]));
		json_object_set_new(doc, "devices", jdevs);
		json_object_set_new(cs, "available", json_boolean(cstatus == ZS_CLASSES_OK));
		if (cstatus != ZS_CLASSES_OK)
			json_object_set_new(cs, "reason", json_string(zs_classes_status_str(cstatus)));
		json_object_set_new(doc, "class_statistics", cs);
		json_object_set_new(doc, "compaction", json_gate(gate));
		if (o.classes) {
			json_t *pl = json_array();

			for (size_t i = 0; i < npools; i++)
				if (pool_selected(&pools[i], names, nnames, all))
					json_array_append_new(
						pl, json_pool(&pools[i], zs_ctx_page_size(cli->ctx)));
			json_object_set_new(doc, "pools", pl);
		}
		cli_json_attach_errors(cli, doc);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
	} else {
		if (ndevs)
			print_devices(cli, &o, views, ndevs);
		print_gate(&o, gate);
		if (o.classes) {
			if (cstatus != ZS_CLASSES_OK)
				printf("\nClass statistics unavailable: %s\n",
				       zs_classes_status_str(cstatus));
			for (size_t i = 0; i < npools; i++)
				if (pool_selected(&pools[i], names, nnames, all))
					print_pool(&o, &pools[i], zs_ctx_page_size(cli->ctx));
		}
	}
	r = 0;
oom:
	if (r == -ENOMEM)
		cli_error(cli, NULL, ENOMEM, "out of memory");
	for (size_t i = 0; i < ndevs; i++)
		zs_device_clear(&devs[i]);
	free(devs);
	free(views);
	free(gate);
	zs_pools_free(pools, npools);
	zs_strv_free(names);
	return cli->status;
}
