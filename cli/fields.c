// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The description of every value zsctl shows (see fields.h), and the
 * printing that every output shares: a value as a table cell, a device,
 * a pool and the gate as JSON, the gate as a sentence.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fields.h"

/* ---- getters ------------------------------------------------------------------------ */

static void set_u64(struct fval *v, bool present, uint64_t u)
{
	v->present = present;
	v->u = u;
}

static void set_str(struct fval *v, const char *s)
{
	v->present = s != NULL;
	v->s = s;
}

static void g_name(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	set_str(v, d->dev.name);
}

static void g_initstate(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			size_t n)
{
	(void)arg, (void)b, (void)n;
	set_str(v, d->dev.initialised ? "initialised" : "uninitialised");
	v->i = d->dev.initialised;
	v->b = d->dev.initialised;
}

static void g_disksize(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
		       size_t n)
{
	(void)arg, (void)b, (void)n;
	/* a busy device never read: unknown, not 0 */
	set_u64(v, !d->busy_unread || d->dev.disksize, d->dev.disksize);
}

static void g_algorithm(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			size_t n)
{
	const struct zs_algorithms *a = &d->dev.algorithms;

	(void)arg, (void)b, (void)n;
	if (d->dev.has_algorithms && a->active >= 0)
		set_str(v, a->name[a->active]);
}

static void g_algorithms(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			 size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->dev.has_algorithms;
	v->algos = &d->dev.algorithms;
}

static void g_mm(const struct zs_snap_device *d, int col, struct fval *v, char *b, size_t n)
{
	(void)b, (void)n;
	set_u64(v, zs_stat_has(&d->dev.mm, (unsigned int)col), d->dev.mm.val[col]);
}

static void g_io(const struct zs_snap_device *d, int col, struct fval *v, char *b, size_t n)
{
	(void)b, (void)n;
	set_u64(v, zs_stat_has(&d->dev.io, (unsigned int)col), d->dev.io.val[col]);
}

static void g_bd(const struct zs_snap_device *d, int col, struct fval *v, char *b, size_t n)
{
	(void)b, (void)n;
	set_u64(v, zs_stat_has(&d->dev.bd, (unsigned int)col), d->dev.bd.val[col]);
}

/*
 * Columns of a newer kernel than zsctl knows, and a tenth mm_stat column
 * zsctl cannot tell is compact_gated (zs_mm_stat_vet_gate_column()): kept,
 * by position. Kernels only append, so they are the columns from the
 * first one without a name on (a pre-4.1 device's missing one-value files
 * are no columns at all).
 */
static void unknown_columns(const struct zs_stat *st, unsigned int known, struct fval *v)
{
	unsigned int first = st->legacy ? known : 0;

	while (first < st->ncols && zs_stat_has(st, first))
		first++;
	if (first < st->ncols) {
		v->present = true;
		v->u64v = &st->val[first];
		v->n = st->ncols - first;
	}
}

static void g_mm_unknown(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			 size_t n)
{
	(void)arg, (void)b, (void)n;
	unknown_columns(&d->dev.mm, ZS_MM_KNOWN, v);
}

static void g_io_unknown(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			 size_t n)
{
	(void)arg, (void)b, (void)n;
	unknown_columns(&d->dev.io, ZS_IO_KNOWN, v);
}

static void g_bd_unknown(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			 size_t n)
{
	(void)arg, (void)b, (void)n;
	unknown_columns(&d->dev.bd, ZS_BD_KNOWN, v);
}

static void g_mm_legacy(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->dev.mm.present && d->dev.mm.legacy;
	v->b = true;
}

static void g_ratio(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->derived.has_ratio;
	v->d = d->derived.ratio;
}

/* DATA - TOTAL: same-filled pages count as data and cost nothing, as in RATIO */
static void g_saved(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	const struct zs_stat *mm = &d->dev.mm;
	uint64_t data = mm->val[ZS_MM_ORIG_DATA_SIZE], total = mm->val[ZS_MM_MEM_USED_TOTAL];
	uint64_t diff = data >= total ? data - total : total - data;

	(void)arg, (void)b, (void)n;
	v->present = d->dev.initialised && zs_stat_has(mm, ZS_MM_ORIG_DATA_SIZE) &&
		     zs_stat_has(mm, ZS_MM_MEM_USED_TOTAL);
	if (diff > INT64_MAX)
		diff = INT64_MAX;
	v->i = data >= total ? (int64_t)diff : -(int64_t)diff;
}

static void g_ram_share(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->derived.has_ram_share;
	v->d = d->derived.ram_share;
}

/* FRAG-EST (0) and COMPACTABLE-EST (1): the "~" of a table, as a column for scripts */
static void g_estimated(const struct zs_snap_device *d, int which, struct fval *v, char *b,
			size_t n)
{
	const struct zs_derived *x = &d->derived;

	(void)b, (void)n;
	v->present = which == 0 ? x->has_fragmentation : x->has_compactable;
	v->b = which == 0 ? !x->fragmentation_exact : !x->compactable_exact;
	v->u = v->b;
}

static void g_frag(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->derived.has_fragmentation;
	v->d = d->derived.fragmentation;
	v->estimate = !d->derived.fragmentation_exact;
}

static void g_compactable(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			  size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->derived.has_compactable, d->derived.compactable);
	v->estimate = !d->derived.compactable_exact;
}

/*
 * What COMPACTABLE rests on, described once: its word (the BASIS column,
 * JSON's compactable_basis, the basis label of Prometheus) and its
 * sentence (compact's lines).
 */
static const struct {
	const char *word;
	const char *sentence;
	bool with_left; /* the sentence goes on: "; 1.0M was left after the last compaction" */
} estimate_bases[] = {
	[ZS_BASIS_NONE] = { NULL, "", false },
	[ZS_BASIS_CLASSES] = { "classes", "exact, from the class statistics", false },
	[ZS_BASIS_OVERHEAD] = { "overhead", "from mm_stat: all of its overhead, an upper bound",
				false },
	[ZS_BASIS_MODEL] = { "model", "from mm_stat, less what zsmalloc's classes keep by the model",
			     false },
	[ZS_BASIS_LEARNED] = { "learned", "from mm_stat", true },
};

void estimate_basis_sentence(const struct zs_derived *x, bool bytes, char *buf, size_t size)
{
	char left[32];

	buf[0] = '\0';
	if ((size_t)x->basis >= ARRAY_SIZE(estimate_bases))
		return;
	cli_format_size(x->learned_left, bytes, left, sizeof(left));
	snprintf(buf, size, "%s%s%s%s", estimate_bases[x->basis].sentence,
		 estimate_bases[x->basis].with_left ? "; " : "",
		 estimate_bases[x->basis].with_left ? left : "",
		 estimate_bases[x->basis].with_left ? " was left after the last compaction" : "");
}

void estimate_basis_json(const struct zs_derived *x, json_t *obj)
{
	if ((size_t)x->basis >= ARRAY_SIZE(estimate_bases) || !estimate_bases[x->basis].word)
		return;
	json_object_set_new(obj, "compactable_basis", json_string(estimate_bases[x->basis].word));
	if (x->basis == ZS_BASIS_LEARNED)
		json_object_set_new(obj, "compactable_left", cli_json_u64(x->learned_left));
}

static void g_basis(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	const struct zs_derived *x = &d->derived;

	(void)arg, (void)b, (void)n;
	if ((size_t)x->basis < ARRAY_SIZE(estimate_bases))
		set_str(v, estimate_bases[x->basis].word);
}

static void g_left(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->derived.basis == ZS_BASIS_LEARNED, d->derived.learned_left);
}

static void g_overhead(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
		       size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->derived.has_overhead, d->derived.overhead);
}

static void join(char *const *list, char *buf, size_t size)
{
	buf[0] = '\0';
	for (char *const *p = list; p && *p; p++) {
		if (buf[0])
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, *p, size - strlen(buf) - 1);
	}
}

static void g_used_by(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg;
	if (d->dev.is_swap) {
		set_str(v, "[SWAP]");
		return;
	}
	join(d->dev.mountpoints, b, n);
	set_str(v, b);
}

static void g_mountpoints(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			  size_t n)
{
	(void)arg;
	join(d->dev.mountpoints, b, n);
	set_str(v, b);
	v->strv = d->dev.mountpoints; /* none: an empty cell, and no key in JSON */
}

static void g_debug(const struct zs_snap_device *d, int which, struct fval *v, char *b, size_t n)
{
	const struct zs_debug_stat *ds = &d->dev.debug;

	(void)b, (void)n;
	set_u64(v, d->dev.has_debug,
		which == 0 ? ds->version : which == 1 ? ds->writestall : ds->miss_free);
}

static void g_streams(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->dev.has_max_comp_streams, d->dev.max_comp_streams);
}

static void g_backing_dev(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			  size_t n)
{
	(void)arg, (void)b, (void)n;
	set_str(v, d->dev.has_backing_dev ? d->dev.backing_dev : NULL);
}

static void g_wb_limit_shown(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			     size_t n)
{
	const struct zs_device *x = &d->dev;

	(void)arg, (void)b, (void)n;
	/* the budget means something only while the limit applies */
	set_u64(v,
		x->has_writeback_limit && x->has_writeback_limit_enable &&
			x->writeback_limit_enable,
		x->writeback_limit);
}

static void g_wb_limit(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->dev.has_writeback_limit, d->dev.writeback_limit);
}

static void g_wb_limit_enable(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			      size_t n)
{
	(void)arg, (void)b, (void)n;
	v->present = d->dev.has_writeback_limit_enable;
	v->b = d->dev.writeback_limit_enable;
	v->u = v->b;
}

static void g_swap(const struct zs_snap_device *d, int which, struct fval *v, char *b, size_t n)
{
	const struct zs_swap_use *s = &d->dev.swap;

	if (which == 2) {
		v->present = d->dev.is_swap;
		v->i = s->priority;
		snprintf(b, n, "%d", s->priority);
		v->s = b;
		return;
	}
	set_u64(v, d->dev.is_swap, which == 0 ? s->size : s->used);
}

static void g_swap_both(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			size_t n)
{
	(void)arg, (void)b, (void)n;
	set_u64(v, d->dev.is_swap, d->dev.swap.used);
	v->i = (int64_t)d->dev.swap.size;
}

/* A maintenance step on this kernel and device: "yes", or maintain's word for why not. */
static void g_maint(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	enum zs_maint_result why;

	(void)b, (void)n;
	if (!d->dev.has_maint) {
		set_str(v, NULL);
		return;
	}
	why = zs_maint_supported(&d->dev, (enum zs_maint_step)arg);
	set_str(v, why == ZS_MAINT_NONE ? "yes" : zs_maint_result_name(why));
}

static void g_access_times(const struct zs_snap_device *d, int arg, struct fval *v, char *b,
			   size_t n)
{
	(void)arg, (void)b, (void)n;
	if (!d->dev.has_maint)
		set_str(v, NULL);
	else
		set_str(v, d->dev.maint.has_block_state ? "yes" :
							  zs_maint_result_name(ZS_MAINT_NO_ACTIME));
}

/* The gate's holder works on the device: 0 its phase, 1 its pid, 2 since, 3 left unread. */
static void g_busy(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)b, (void)n;
	switch (arg) {
	case 0:
		set_str(v, d->busy ? zs_gate_phase_name(d->busy) : NULL);
		break;
	case 1:
		set_u64(v, d->busy && d->busy_pid > 0, (uint64_t)d->busy_pid);
		break;
	case 2:
		set_u64(v, d->busy && d->busy_since > 0, (uint64_t)d->busy_since);
		break;
	default:
		v->present = d->busy;
		v->b = d->busy_unread;
		break;
	}
}

static void g_pool(const struct zs_snap_device *d, int arg, struct fval *v, char *b, size_t n)
{
	(void)arg, (void)b, (void)n;
	set_str(v, d->pool ? d->pool->name : NULL);
}

/* ---- the device table ----------------------------------------------------------------- */

#define MM_NEEDS ZS_NEED_MM
/*
 * The gate's state, and diskseq where it has a record: the estimate starts
 * from what the device's last compaction left.
 */
#define DERIVED_NEEDS (ZS_NEED_MM | ZS_NEED_POOLS | ZS_NEED_LEARNED)

/* what maintain can do: its attributes, the backing device and its free space */
#define MAINT_NEEDS (ZS_NEED_MAINT | ZS_NEED_BACKING | ZS_NEED_BD)

/* clang-format off */
#define COL(c, k, h) .column = c, .kind = k, .help = h
#define TOP(head, prio) .top_head = head, .top_prio = prio
#define NOTOP .top_prio = -1
#define JSON(grp, key, jk) .json_group = grp, .json_key = key, .json_kind = jk
#define PROM(m, t, h) .metric = m, .metric_type = t, .metric_help = h
#define MM(c) .needs = MM_NEEDS, .flags = F_INIT_ONLY, .arg = c, .get = g_mm

/*
 * In the order status lists its columns; JSON keys and metrics come in
 * this order too. A field without a column is JSON or Prometheus only.
 */
const struct dev_field dev_fields[] = {
	{ COL("NAME", FK_STR, "zram device name"), TOP(NULL, 0), .flags = F_DEFAULT,
	  JSON(NULL, "name", FK_STR), .get = g_name },
	{ COL("DISKSIZE", FK_SIZE, "limit on the uncompressed amount of data"), TOP(NULL, 6),
	  .needs = ZS_NEED_DISKSIZE, .flags = F_DEFAULT, JSON(NULL, "disksize", FK_SIZE),
	  PROM("zram_disksize_bytes", "gauge",
	       "Size of the zram device: the most uncompressed data it holds (disksize)."),
	  .get = g_disksize },
	{ COL("ALGORITHM", FK_STR, "the selected compression algorithm"), TOP("ALGO", 5),
	  .needs = ZS_NEED_ALGORITHM, .flags = F_DEFAULT, JSON(NULL, "comp_algorithm", FK_STR),
	  PROM("zram_comp_algorithm_info", "gauge",
	       "The zram device's compression algorithm, in the algorithm label; always 1."),
	  .metric_label = "algorithm", .get = g_algorithm },
	{ NOTOP, .kind = FK_STRV, .needs = ZS_NEED_ALGORITHM,
	  JSON(NULL, "comp_algorithms", FK_STRV),
	  .get = g_algorithms },
	{ COL("DATA", FK_SIZE, "uncompressed size of stored data (orig_data_size)"), TOP(NULL, 0),
	  .flags = F_DEFAULT | F_INIT_ONLY, .needs = MM_NEEDS, .arg = ZS_MM_ORIG_DATA_SIZE,
	  .get = g_mm, JSON("mm_stat", "orig_data_size", FK_SIZE),
	  PROM("zram_orig_data_size_bytes", "gauge",
	       "Uncompressed size of the data stored (mm_stat orig_data_size).") },
	{ COL("COMPR", FK_SIZE, "compressed size of stored data (compr_data_size)"), TOP(NULL, 2),
	  .flags = F_DEFAULT | F_INIT_ONLY, .needs = MM_NEEDS, .arg = ZS_MM_COMPR_DATA_SIZE,
	  .get = g_mm, JSON("mm_stat", "compr_data_size", FK_SIZE),
	  PROM("zram_compr_data_size_bytes", "gauge",
	       "Compressed size of the data stored (mm_stat compr_data_size).") },
	{ COL("TOTAL", FK_SIZE, "memory used, allocator overhead included (mem_used_total)"),
	  TOP(NULL, 0), .flags = F_DEFAULT | F_INIT_ONLY, .needs = MM_NEEDS,
	  .arg = ZS_MM_MEM_USED_TOTAL, .get = g_mm, JSON("mm_stat", "mem_used_total", FK_SIZE),
	  PROM("zram_mem_used_total_bytes", "gauge",
	       "Memory taken by the device's zsmalloc pool (mm_stat mem_used_total).") },
	{ COL("SAVED", FK_SSIZE, "DATA - TOTAL: memory saved (same-filled pages cost nothing)"),
	  NOTOP, .flags = F_DEFAULT | F_INIT_ONLY, .needs = MM_NEEDS,
	  JSON("derived", "saved", FK_SSIZE),
	  PROM("zram_saved_bytes", "gauge",
	       "Memory the device saves: orig_data_size - mem_used_total (negative when it costs more than it holds)."),
	  .get = g_saved },
	{ COL("RAM-SHARE", FK_PERCENT, "TOTAL as a share of the machine's memory (MemTotal)"),
	  NOTOP, .flags = F_INIT_ONLY, .needs = MM_NEEDS | ZS_NEED_MEMINFO,
	  JSON("derived", "ram_share", FK_RATIO),
	  PROM("zram_ram_share_ratio", "gauge",
	       "mem_used_total as a share of MemTotal (proc/meminfo), 0 to 1."),
	  .get = g_ram_share },
	{ COL("RATIO", FK_RATIO, "DATA / COMPR; same-filled pages count in DATA, not in COMPR"),
	  TOP(NULL, 3),
	  .flags = F_DEFAULT, .needs = MM_NEEDS, JSON("derived", "compression_ratio", FK_RATIO),
	  PROM("zram_compression_ratio", "gauge", "orig_data_size / compr_data_size."),
	  .get = g_ratio },
	{ COL("FRAG", FK_PERCENT, "zsmalloc fragmentation; ~ marks an estimate from mm_stat"),
	  TOP(NULL, 0), .flags = F_DEFAULT, .needs = DERIVED_NEEDS,
	  JSON("derived", "fragmentation", FK_RATIO),
	  .json_estimated_key = "fragmentation_estimated",
	  PROM("zram_fragmentation_ratio", "gauge",
	       "Fragmentation of the device's zsmalloc pool, 0 to 1; method is classes (exact) or estimate (from mm_stat)."),
	  .metric_label = "method", .get = g_frag },
	{ COL("COMPACTABLE", FK_SIZE, "memory compaction would free; ~ marks an estimate"),
	  TOP(NULL, 1), .flags = F_DEFAULT, .needs = DERIVED_NEEDS,
	  JSON("derived", "compactable", FK_SIZE), .json_estimated_key = "compactable_estimated",
	  PROM("zram_compactable_bytes", "gauge",
	       "Memory compaction would free; method is classes (exact) or estimate (from mm_stat)."),
	  .metric_label = "method", .get = g_compactable },
	{ COL("BASIS", FK_STR, "what COMPACTABLE rests on: classes, model, learned or overhead"),
	  NOTOP, .needs = DERIVED_NEEDS, .flags = F_INIT_ONLY,
	  JSON("derived", "compactable_basis", FK_STR),
	  PROM("zram_compactable_basis_info", "gauge",
	       "What zram_compactable_bytes rests on, in the basis label: classes (exact), model (mm_stat less zsmalloc's modelled class overhead), learned (mm_stat less what the last compaction left, scaled) or overhead (mm_stat, an upper bound); always 1."),
	  .metric_label = "basis", .get = g_basis },
	{ COL("LEFT", FK_SIZE, "overhead the device's last compaction left (the estimate's floor)"),
	  NOTOP, .needs = DERIVED_NEEDS, .flags = F_INIT_ONLY,
	  JSON("derived", "compactable_left", FK_SIZE),
	  PROM("zram_compaction_left_bytes", "gauge",
	       "Overhead the device's last compaction left (mem_used_total - compr_data_size after it): where the estimate starts."),
	  .get = g_left },
	{ COL("FRAG-EST", FK_BOOL, "1 when FRAG is an estimate from mm_stat, 0 when exact"), NOTOP,
	  .flags = F_INIT_ONLY, .needs = DERIVED_NEEDS, .arg = 0, .get = g_estimated },
	{ COL("COMPACTABLE-EST", FK_BOOL, "1 when COMPACTABLE is an estimate from mm_stat"), NOTOP,
	  .flags = F_INIT_ONLY, .needs = DERIVED_NEEDS, .arg = 1, .get = g_estimated },
	{ COL("USED-BY", FK_STR, "mount point, or [SWAP]"), NOTOP, .flags = F_DEFAULT,
	  .needs = ZS_NEED_MOUNTS | ZS_NEED_SWAPS, .get = g_used_by },
	{ .top_head = "SWAP", .top_prio = 4, .kind = FK_SIZE_PAIR, .needs = ZS_NEED_SWAPS,
	  .get = g_swap_both },
	{ COL("STATE", FK_STR, "initialised or uninitialised (initstate)"), NOTOP,
	  JSON(NULL, "initstate", FK_BOOL),
	  PROM("zram_initstate", "gauge", "1 when the zram device is initialised (disksize set), else 0."),
	  .get = g_initstate },
	{ COL("OVERHEAD", FK_SIZE, "TOTAL - COMPR: what the allocator costs"), NOTOP,
	  .needs = MM_NEEDS, JSON("derived", "overhead", FK_SIZE),
	  PROM("zram_overhead_bytes", "gauge",
	       "mem_used_total - compr_data_size: what the allocator costs on top of the data."),
	  .get = g_overhead },
	{ COL("MEM-LIMIT", FK_SIZE, "memory limit, 0 for none (mem_limit)"), NOTOP,
	  MM(ZS_MM_MEM_LIMIT), JSON("mm_stat", "mem_limit", FK_SIZE),
	  PROM("zram_mem_limit_bytes", "gauge", "Limit on mem_used_total, 0 for none (mm_stat mem_limit).") },
	{ COL("MEM-USED-MAX", FK_SIZE, "peak of TOTAL (mem_used_max)"), NOTOP,
	  MM(ZS_MM_MEM_USED_MAX), JSON("mm_stat", "mem_used_max", FK_SIZE),
	  PROM("zram_mem_used_max_bytes", "gauge",
	       "Peak of mem_used_total since set-up or the last reset of the peak (mm_stat mem_used_max).") },
	{ COL("SAME-PAGES", FK_COUNT, "pages of one repeated value, stored without memory"), NOTOP,
	  MM(ZS_MM_SAME_PAGES), JSON("mm_stat", "same_pages", FK_COUNT),
	  PROM("zram_same_pages", "gauge",
	       "Pages of one repeated value, stored without memory (mm_stat same_pages).") },
	{ COL("PAGES-COMPACTED", FK_COUNT, "pages freed by compaction so far"), NOTOP,
	  MM(ZS_MM_PAGES_COMPACTED), JSON("mm_stat", "pages_compacted", FK_COUNT),
	  PROM("zram_pages_compacted_total", "counter",
	       "Pages freed by compaction since set-up (mm_stat pages_compacted).") },
	{ COL("HUGE-PAGES", FK_COUNT, "incompressible pages stored whole"), NOTOP,
	  MM(ZS_MM_HUGE_PAGES), JSON("mm_stat", "huge_pages", FK_COUNT),
	  PROM("zram_huge_pages", "gauge", "Incompressible pages stored whole (mm_stat huge_pages).") },
	{ COL("HUGE-PAGES-SINCE", FK_COUNT, "incompressible pages stored since set-up"), NOTOP,
	  MM(ZS_MM_HUGE_PAGES_SINCE), JSON("mm_stat", "huge_pages_since", FK_COUNT),
	  PROM("zram_huge_pages_since_total", "counter",
	       "Incompressible pages stored since set-up (mm_stat huge_pages_since).") },
	{ COL("COMPACT-GATED", FK_COUNT, "compactions turned away by zsmalloc (patched kernels)"),
	  NOTOP, MM(ZS_MM_COMPACT_GATED), JSON("mm_stat", "compact_gated", FK_COUNT),
	  PROM("zram_compact_gated_total", "counter",
	       "Compactions zsmalloc turned away because another was running on the pool (mm_stat compact_gated, patched kernels).") },
	{ NOTOP, .kind = FK_U64V, .needs = MM_NEEDS, JSON("mm_stat", "unknown_columns", FK_U64V),
	  .get = g_mm_unknown },
	{ NOTOP, .kind = FK_BOOL, .needs = MM_NEEDS, JSON(NULL, "mm_stat_legacy", FK_BOOL),
	  .get = g_mm_legacy },
	{ COL("FAILED-READS", FK_COUNT, "failed reads (io_stat)"), NOTOP, .needs = ZS_NEED_IO,
	  .arg = ZS_IO_FAILED_READS, .get = g_io, JSON("io_stat", "failed_reads", FK_COUNT),
	  PROM("zram_failed_reads_total", "counter", "Failed reads (io_stat failed_reads).") },
	{ COL("FAILED-WRITES", FK_COUNT, "failed writes (io_stat)"), NOTOP, .needs = ZS_NEED_IO,
	  .arg = ZS_IO_FAILED_WRITES, .get = g_io, JSON("io_stat", "failed_writes", FK_COUNT),
	  PROM("zram_failed_writes_total", "counter", "Failed writes (io_stat failed_writes).") },
	{ COL("INVALID-IO", FK_COUNT, "unaligned or out-of-range requests (io_stat)"), NOTOP,
	  .needs = ZS_NEED_IO, .arg = ZS_IO_INVALID_IO, .get = g_io,
	  JSON("io_stat", "invalid_io", FK_COUNT),
	  PROM("zram_invalid_io_total", "counter",
	       "Unaligned or out-of-range requests (io_stat invalid_io).") },
	{ COL("NOTIFY-FREE", FK_COUNT, "pages freed by discards and freed swap slots (io_stat)"),
	  NOTOP, .needs = ZS_NEED_IO, .arg = ZS_IO_NOTIFY_FREE, .get = g_io,
	  JSON("io_stat", "notify_free", FK_COUNT),
	  PROM("zram_notify_free_total", "counter",
	       "Pages freed because swap slots were freed or discarded (io_stat notify_free).") },
	{ NOTOP, .kind = FK_U64V, .needs = ZS_NEED_IO, JSON("io_stat", "unknown_columns", FK_U64V),
	  .get = g_io_unknown },
	{ COL("BD-COUNT", FK_COUNT, "4K pages now on the backing device (bd_stat)"), NOTOP,
	  .needs = ZS_NEED_BD, .arg = ZS_BD_COUNT, .get = g_bd, JSON("bd_stat", "bd_count", FK_COUNT),
	  PROM("zram_bd_count_bytes", "gauge",
	       "Data now on the backing device (bd_stat bd_count, 4K pages, times 4096)."),
	  .metric_scale = 4096 },
	{ COL("BD-READS", FK_COUNT, "4K pages read from the backing device (bd_stat)"), NOTOP,
	  .needs = ZS_NEED_BD, .arg = ZS_BD_READS, .get = g_bd, JSON("bd_stat", "bd_reads", FK_COUNT),
	  PROM("zram_bd_reads_bytes_total", "counter",
	       "Data read from the backing device (bd_stat bd_reads, 4K pages, times 4096)."),
	  .metric_scale = 4096 },
	{ COL("BD-WRITES", FK_COUNT, "4K pages written to the backing device (bd_stat)"), NOTOP,
	  .needs = ZS_NEED_BD, .arg = ZS_BD_WRITES, .get = g_bd,
	  JSON("bd_stat", "bd_writes", FK_COUNT),
	  PROM("zram_bd_writes_bytes_total", "counter",
	       "Data written to the backing device (bd_stat bd_writes, 4K pages, times 4096)."),
	  .metric_scale = 4096 },
	{ NOTOP, .kind = FK_U64V, .needs = ZS_NEED_BD, JSON("bd_stat", "unknown_columns", FK_U64V),
	  .get = g_bd_unknown },
	{ NOTOP, .kind = FK_COUNT, .needs = ZS_NEED_DEBUG, .arg = 0, .get = g_debug,
	  JSON("debug_stat", "version", FK_COUNT) },
	{ COL("WRITESTALL", FK_COUNT, "writes that waited for memory (debug_stat)"), NOTOP,
	  .needs = ZS_NEED_DEBUG, .arg = 1, .get = g_debug,
	  JSON("debug_stat", "writestall", FK_COUNT),
	  PROM("zram_writestall_total", "counter", "Writes that waited for memory (debug_stat writestall).") },
	{ COL("MISS-FREE", FK_COUNT, "slot frees missed for contention (debug_stat)"), NOTOP,
	  .needs = ZS_NEED_DEBUG, .arg = 2, .get = g_debug, JSON("debug_stat", "miss_free", FK_COUNT),
	  PROM("zram_miss_free_total", "counter", "Slot frees missed for contention (debug_stat miss_free).") },
	{ COL("STREAMS", FK_COUNT, "compression streams (max_comp_streams, old kernels)"), NOTOP,
	  .needs = ZS_NEED_STREAMS, JSON(NULL, "max_comp_streams", FK_COUNT),
	  PROM("zram_max_comp_streams", "gauge",
	       "Compression streams (max_comp_streams; ignored since Linux 4.7)."),
	  .get = g_streams },
	{ COL("BACKING-DEV", FK_STR, "writeback device (backing_dev)"), NOTOP,
	  .needs = ZS_NEED_BACKING, .flags = F_NOT_NONE, JSON(NULL, "backing_dev", FK_STR),
	  PROM("zram_backing_dev_info", "gauge",
	       "The zram device's writeback device, in the backing_dev label; always 1."),
	  .metric_label = "backing_dev", .get = g_backing_dev },
	{ COL("WB-LIMIT", FK_COUNT, "writeback budget in 4K pages, when enabled"), NOTOP,
	  .needs = ZS_NEED_BACKING, .get = g_wb_limit_shown },
	{ NOTOP, .kind = FK_COUNT, .needs = ZS_NEED_BACKING,
	  JSON(NULL, "writeback_limit", FK_COUNT),
	  PROM("zram_writeback_limit_bytes", "gauge",
	       "What writeback may still write when the limit is enabled (writeback_limit, times 4096)."),
	  .metric_scale = 4096, .get = g_wb_limit },
	{ NOTOP, .kind = FK_BOOL, .needs = ZS_NEED_BACKING,
	  JSON(NULL, "writeback_limit_enable", FK_BOOL),
	  PROM("zram_writeback_limit_enable", "gauge", "1 when writeback_limit applies (writeback_limit_enable)."),
	  .get = g_wb_limit_enable },
	{ COL("MOUNTPOINT", FK_STR, "where the device is mounted"), NOTOP, .needs = ZS_NEED_MOUNTS,
	  JSON(NULL, "mountpoints", FK_STRV), .get = g_mountpoints },
	{ COL("SWAP-SIZE", FK_SIZE, "swap area size"), NOTOP, .needs = ZS_NEED_SWAPS, .arg = 0,
	  .get = g_swap, JSON("swap", "size", FK_SIZE),
	  PROM("zram_swap_size_bytes", "gauge", "Size of the swap area on the device (/proc/swaps).") },
	{ COL("SWAP-USED", FK_SIZE, "swap in use"), NOTOP, .needs = ZS_NEED_SWAPS, .arg = 1,
	  .get = g_swap, JSON("swap", "used", FK_SIZE),
	  PROM("zram_swap_used_bytes", "gauge", "Swap in use on the device (/proc/swaps).") },
	{ COL("SWAP-PRIO", FK_STR, "swap priority"), NOTOP, .needs = ZS_NEED_SWAPS, .arg = 2,
	  .get = g_swap, JSON("swap", "priority", FK_INT) },
	{ NOTOP, .kind = FK_STR, .needs = ZS_NEED_POOLS, JSON(NULL, "pool", FK_STR), .get = g_pool },
	/* JSON: the "maintenance" object, maint_support_json() */
	{ COL("RECOMPRESS", FK_STR, "maintain can recompress here: yes, or why not"), NOTOP,
	  .needs = MAINT_NEEDS, .arg = ZS_STEP_RECOMPRESS, .get = g_maint },
	{ COL("WRITEBACK", FK_STR, "maintain can write back here: yes, or why not"), NOTOP,
	  .needs = MAINT_NEEDS, .arg = ZS_STEP_WRITEBACK, .get = g_maint },
	{ COL("ACCESS-TIMES", FK_STR, "idle takes an age (access times tracked): yes, or no-access-times"),
	  NOTOP, .needs = MAINT_NEEDS, .get = g_access_times },
	/* the gate's holder post-processes it: every output says so, none reads it on 7.x */
	{ COL("BUSY", FK_STR, "what zsctl maintain or compact does to it now: recompress, writeback, compact"),
	  NOTOP, JSON("busy", "phase", FK_STR),
	  PROM("zram_busy_info", "gauge",
	       "The device zsctl maintain or compact works on now, the step in the phase label (recompress, writeback, compact); always 1, only while it lasts."),
	  .metric_label = "phase", .arg = 0, .get = g_busy },
	{ NOTOP, .kind = FK_COUNT, JSON("busy", "holder_pid", FK_COUNT), .arg = 1, .get = g_busy },
	{ NOTOP, .kind = FK_COUNT, JSON("busy", "since", FK_COUNT),
	  PROM("zram_busy_since_timestamp_seconds", "gauge",
	       "When the step in zram_busy_info began, in seconds since the epoch; only while it lasts."),
	  .arg = 2, .get = g_busy },
	{ NOTOP, .kind = FK_BOOL, JSON("busy", "unread", FK_BOOL), .arg = 3, .get = g_busy },
};
/* clang-format on */

const size_t dev_nfields = ARRAY_SIZE(dev_fields);

/* zramctl's names for the same values, so its habits carry over. */
static const struct {
	const char *alias, *column;
} aliases[] = {
	{ "ZERO-PAGES", "SAME-PAGES" },
	{ "MEM-USED", "TOTAL" },
	{ "MIGRATED", "PAGES-COMPACTED" },
};

static int lookup_column(const char *name, size_t len)
{
	for (size_t i = 0; i < dev_nfields; i++)
		if (dev_fields[i].column && strlen(dev_fields[i].column) == len &&
		    !strncasecmp(dev_fields[i].column, name, len))
			return (int)i;
	return -1;
}

int dev_field_lookup(const char *name, size_t len)
{
	int id = lookup_column(name, len);

	for (size_t i = 0; id < 0 && i < ARRAY_SIZE(aliases); i++)
		if (strlen(aliases[i].alias) == len && !strncasecmp(aliases[i].alias, name, len))
			id = lookup_column(aliases[i].column, strlen(aliases[i].column));
	return id;
}

unsigned int dev_fields_needs(const int *ids, size_t n)
{
	unsigned int needs = 0;

	for (size_t i = 0; i < n; i++)
		needs |= dev_fields[ids[i]].needs;
	return needs;
}

void dev_field_value(const struct dev_field *f, const struct zs_snap_device *d, struct fval *v,
		     char *scratch, size_t size)
{
	memset(v, 0, sizeof(*v));
	f->get(d, f->arg, v, scratch, size);
}

/* ---- formatting ------------------------------------------------------------------------- */

static void format(enum field_kind kind, const struct fval *v, bool bytes, bool pages_as_size,
		   uint64_t page_size, bool bare, char *buf, size_t size)
{
	char tmp[64];

	if (!v->present) {
		snprintf(buf, size, "-");
		return;
	}
	switch (kind) {
	case FK_STR:
	case FK_STRV:
	case FK_U64V:
		snprintf(buf, size, "%s", v->s ? v->s : "");
		return;
	case FK_PAGES:
		if (pages_as_size) {
			cli_format_size(zs_mul_sat(v->u, page_size), bytes, tmp, sizeof(tmp));
			break;
		}
		/* fall through */
	case FK_COUNT:
	case FK_BOOL:
		snprintf(tmp, sizeof(tmp), "%" PRIu64, v->u);
		break;
	case FK_INT:
		snprintf(tmp, sizeof(tmp), "%" PRId64, v->i);
		break;
	case FK_SIZE:
		cli_format_size(v->u, bytes, tmp, sizeof(tmp));
		break;
	case FK_SSIZE:
		tmp[0] = '-';
		cli_format_size(v->i < 0 ? (uint64_t)-v->i : (uint64_t)v->i, bytes,
				tmp + (v->i < 0), sizeof(tmp) - 1);
		break;
	case FK_SIZE_PAIR: {
		char a[32], b[32];

		cli_format_size(v->u, bytes, a, sizeof(a));
		cli_format_size((uint64_t)v->i, bytes, b, sizeof(b));
		snprintf(tmp, sizeof(tmp), "%s/%s", a, b);
		break;
	}
	case FK_RATIO:
		snprintf(tmp, sizeof(tmp), "%.2f", v->d);
		break;
	case FK_PERCENT:
		snprintf(tmp, sizeof(tmp), bare ? "%.1f" : "%.1f%%", v->d * 100.0);
		break;
	}
	snprintf(buf, size, "%s%s", v->estimate && !bare ? "~" : "", tmp);
}

void field_format(enum field_kind kind, const struct fval *v, bool bytes, bool pages_as_size,
		  uint64_t page_size, char *buf, size_t size)
{
	format(kind, v, bytes, pages_as_size, page_size, false, buf, size);
}

void field_format_bare(enum field_kind kind, const struct fval *v, bool bytes,
		       bool pages_as_size, uint64_t page_size, char *buf, size_t size)
{
	format(kind, v, bytes, pages_as_size, page_size, true, buf, size);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *json_value(enum field_kind kind, const struct fval *v)
{
	json_t *a;

	switch (kind) {
	case FK_STR:
		return json_string(v->s);
	case FK_BOOL:
		return json_boolean(v->b);
	case FK_INT:
	case FK_SSIZE:
		return json_integer((json_int_t)v->i);
	case FK_RATIO:
	case FK_PERCENT:
		return json_real(v->d);
	case FK_STRV:
		a = json_array();
		for (unsigned int i = 0; v->algos && i < v->algos->n; i++)
			json_array_append_new(a, json_string(v->algos->name[i]));
		for (char *const *p = v->strv; p && *p; p++)
			json_array_append_new(a, json_string(*p));
		return a;
	case FK_U64V:
		a = json_array();
		for (size_t i = 0; i < v->n; i++)
			json_array_append_new(a, cli_json_u64(v->u64v[i]));
		return a;
	case FK_SIZE:
	case FK_SIZE_PAIR:
	case FK_COUNT:
	case FK_PAGES:
		break;
	}
	return cli_json_u64(v->u);
}

/* The object of a group, made where its first field is. */
static json_t *group_of(json_t *o, const char *group)
{
	json_t *g;

	if (!group)
		return o;
	g = json_object_get(o, group);
	if (!g) {
		g = json_object();
		json_object_set_new(o, group, g);
	}
	return g;
}

json_t *dev_json(const struct zs_snap_device *d)
{
	json_t *o = json_object();

	for (size_t i = 0; i < dev_nfields; i++) {
		const struct dev_field *f = &dev_fields[i];
		char scratch[1024];
		struct fval v;
		json_t *g;

		if (!f->json_key)
			continue;
		dev_field_value(f, d, &v, scratch, sizeof(scratch));
		if (!v.present || (f->json_kind == FK_STRV && !v.strv && !v.algos))
			continue;
		g = group_of(o, f->json_group);
		json_object_set_new(g, f->json_key, json_value(f->json_kind, &v));
		if (f->json_estimated_key)
			json_object_set_new(g, f->json_estimated_key, json_boolean(v.estimate));
	}
	group_of(o, "derived"); /* there, empty, for an uninitialised device too */
	if (d->dev.has_maint)
		json_object_set_new(o, "maintenance", maint_support_json(&d->dev.maint));
	return o;
}

json_t *maint_support_json(const struct zs_maint_support *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "recompress", json_boolean(s->has_recompress));
	json_object_set_new(o, "recomp_algorithm", json_boolean(s->has_algorithm));
	json_object_set_new(o, "writeback", json_boolean(s->has_writeback));
	json_object_set_new(o, "backing_dev", json_boolean(s->has_backing));
	json_object_set_new(o, "writeback_limit", json_boolean(s->has_limit));
	json_object_set_new(o, "writeback_batch_size", json_boolean(s->has_batch_size));
	json_object_set_new(o, "compressed_writeback", json_boolean(s->has_compressed_writeback));
	json_object_set_new(o, "access_times", json_boolean(s->has_block_state));
	if (s->has_backing && s->backing_free != UINT64_MAX)
		json_object_set_new(o, "backing_free_pages", cli_json_u64(s->backing_free));
	return o;
}

/* ---- pools and classes ---------------------------------------------------------------------- */

size_t class_ngroups(const struct zs_pool *p)
{
	return p->format == ZS_CLASSES_FULLNESS ? ZS_FULLNESS_GROUPS : 2;
}

const char *class_group_column(const struct zs_pool *p, size_t g)
{
	if (p->format == ZS_CLASSES_FULLNESS)
		return zs_fullness_label((unsigned int)g);
	return g == 0 ? "ALMOST-FULL" : "ALMOST-EMPTY";
}

const char *class_group_json_key(const struct zs_pool *p, size_t g)
{
	if (p->format == ZS_CLASSES_FULLNESS)
		return zs_fullness_label((unsigned int)g);
	return g == 0 ? "almost_full" : "almost_empty";
}

uint64_t class_group_value(const struct zs_pool *p, const struct zs_class *c, size_t g)
{
	if (p->format == ZS_CLASSES_FULLNESS)
		return c->fullness[g];
	return g == 0 ? c->almost_full : c->almost_empty;
}

static void c_index(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		    struct fval *v)
{
	(void)p, (void)page;
	set_u64(v, true, c->index);
	v->s = total ? "Total" : NULL;
}

static void c_size(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		   struct fval *v)
{
	(void)p, (void)total, (void)page;
	set_u64(v, true, c->size);
}

static void c_obj_allocated(const struct zs_pool *p, const struct zs_class *c, bool total,
			    uint64_t page, struct fval *v)
{
	(void)p, (void)total, (void)page;
	set_u64(v, true, c->obj_allocated);
}

static void c_obj_used(const struct zs_pool *p, const struct zs_class *c, bool total,
		       uint64_t page, struct fval *v)
{
	(void)p, (void)total, (void)page;
	set_u64(v, true, c->obj_used);
}

static void c_pages_used(const struct zs_pool *p, const struct zs_class *c, bool total,
			 uint64_t page, struct fval *v)
{
	(void)p, (void)total, (void)page;
	set_u64(v, true, c->pages_used);
}

static void c_ppz(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		  struct fval *v)
{
	(void)p, (void)total, (void)page;
	set_u64(v, true, c->pages_per_zspage);
}

static void c_freeable(const struct zs_pool *p, const struct zs_class *c, bool total,
		       uint64_t page, struct fval *v)
{
	(void)total, (void)page;
	set_u64(v, p->has_freeable, c->freeable);
}

static void c_frag(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		   struct fval *v)
{
	uint64_t waste;

	(void)page;
	if (total)
		zs_pool_derive(p, &v->d, &waste);
	else
		zs_class_derive(c, &v->d, &waste);
	v->present = true;
}

static void c_waste(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		    struct fval *v)
{
	double frag;

	(void)page;
	if (total)
		zs_pool_derive(p, &frag, &v->u);
	else
		zs_class_derive(c, &frag, &v->u);
	v->present = true;
}

/* clang-format off */
const struct class_field class_fields[] = {
	{ "CLASS", NULL, 0, FK_COUNT, CF_NOT_TOTAL, "class", NULL, NULL, NULL, NULL, c_index },
	{ "SIZE", NULL, 0, FK_COUNT, CF_NOT_TOTAL, "size", NULL, NULL, NULL, NULL, c_size },
	{ NULL, NULL, -1, FK_COUNT, CF_GROUPS, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "OBJ-ALLOC", "OBJS", 5, FK_COUNT, 0, "obj_allocated", NULL, NULL, NULL, NULL,
	  c_obj_allocated },
	{ "OBJ-USED", "USED", 4, FK_COUNT, 0, "obj_used", NULL, NULL, NULL, NULL, c_obj_used },
	{ "PAGES", NULL, 3, FK_COUNT, CF_PAGES, "pages_used", NULL, "used_bytes",
	  "Pages used by the pool's classes (Total pages_used), in bytes.",
	  "Pages used by one size class of a pool, in bytes.", c_pages_used },
	{ "PPZ", NULL, 6, FK_COUNT, CF_NOT_TOTAL, "pages_per_zspage", NULL, NULL, NULL, NULL,
	  c_ppz },
	{ "FREEABLE", NULL, 0, FK_PAGES, CF_PAGES, "freeable", "freeable_bytes",
	  "freeable_bytes",
	  "Memory compaction would free in the pool (Total freeable, the kernel's zs_can_compact()).",
	  "Memory compaction would free in one size class of a pool.", c_freeable },
	{ "FRAG", NULL, 0, FK_PERCENT, 0, "fragmentation", NULL, "fragmentation_ratio",
	  "Fragmentation of the pool from its class statistics, 0 to 1.",
	  "Fragmentation of one size class of a pool, 0 to 1.", c_frag },
	{ "WASTE", NULL, -1, FK_SIZE, 0, "waste", NULL, "waste_bytes",
	  "Memory of allocated but unused objects in the pool.", NULL, c_waste },
};
/* clang-format on */

const size_t class_nfields = ARRAY_SIZE(class_fields);

static json_t *class_json(const struct zs_pool *p, const struct zs_class *c, bool total,
			  uint64_t page)
{
	json_t *o = json_object();

	for (size_t i = 0; i < class_nfields; i++) {
		const struct class_field *f = &class_fields[i];
		struct fval v = { 0 };

		if (f->flags & CF_GROUPS) {
			for (size_t g = 0; g < class_ngroups(p); g++)
				json_object_set_new(o, class_group_json_key(p, g),
						    cli_json_u64(class_group_value(p, c, g)));
			continue;
		}
		if (total && (f->flags & CF_NOT_TOTAL))
			continue;
		f->get(p, c, total, page, &v);
		if (!v.present)
			continue;
		json_object_set_new(o, f->json_key,
				    f->kind == FK_PERCENT ? json_real(v.d) : cli_json_u64(v.u));
		if (total && f->json_total_key)
			json_object_set_new(o, f->json_total_key,
					    cli_json_u64(zs_mul_sat(v.u, page)));
	}
	return o;
}

json_t *pool_json(const struct zs_pool *p, uint64_t page)
{
	json_t *o = json_object(), *cl = json_array();

	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "kind", json_string(zs_pool_kind_name(p->kind)));
	json_object_set_new(o, "format", json_string(p->format == ZS_CLASSES_FULLNESS ?
								 "fullness" :
								 "almost"));
	for (size_t i = 0; i < p->nclasses; i++)
		json_array_append_new(cl, class_json(p, &p->classes[i], false, page));
	json_object_set_new(o, "classes", cl);
	json_object_set_new(o, "total", class_json(p, &p->total, true, page));
	return o;
}

/* ---- zswap ------------------------------------------------------------------------------ */

static void z_present(const struct zs_snapshot *s, int arg, struct fval *v)
{
	(void)arg;
	v->present = true;
	v->b = s->zswap.present;
	v->u = v->b;
}

static void z_param(const struct zs_snapshot *s, int p, struct fval *v)
{
	const struct zs_zswap *z = &s->zswap;

	v->present = zs_zswap_has_param(z, (enum zs_zswap_param)p);
	switch (p) {
	case ZS_ZSWAP_P_ENABLED:
		v->b = z->enabled;
		break;
	case ZS_ZSWAP_P_SHRINKER_ENABLED:
		v->b = z->shrinker_enabled;
		break;
	case ZS_ZSWAP_P_COMPRESSOR:
		v->s = z->compressor;
		return;
	case ZS_ZSWAP_P_ZPOOL:
		v->s = z->zpool;
		return;
	case ZS_ZSWAP_P_MAX_POOL_PERCENT:
		v->u = z->max_pool_percent;
		return;
	case ZS_ZSWAP_P_ACCEPT_THRESHOLD_PERCENT:
		v->u = z->accept_threshold_percent;
		return;
	}
	v->u = v->b;
	v->s = v->b ? "yes" : "no";
}

static void z_stat(const struct zs_snapshot *s, int st, struct fval *v)
{
	set_u64(v, zs_zswap_has_stat(&s->zswap, (enum zs_zswap_stat)st), s->zswap.stat[st]);
}

static void z_vm(const struct zs_snapshot *s, int vm, struct fval *v)
{
	set_u64(v, zs_zswap_has_vm(&s->zswap, (enum zs_zswap_vm)vm), s->zswap.vm[vm]);
}

enum zswap_derived_value {
	ZD_POOL,
	ZD_STORED,
	ZD_RATIO,
	ZD_SAVING,
	ZD_POOL_LIMIT,
	ZD_POOL_FILL,
	ZD_ACCEPT_AT,
};

static void z_derived(const struct zs_snapshot *s, int which, struct fval *v)
{
	const struct zs_zswap_derived *d = &s->zswap_derived;

	switch (which) {
	case ZD_POOL:
		set_u64(v, d->has_pool, d->pool);
		break;
	case ZD_STORED:
		set_u64(v, d->has_stored, d->stored);
		break;
	case ZD_RATIO:
		v->present = d->has_ratio;
		v->d = d->ratio;
		break;
	case ZD_SAVING:
		v->present = d->has_saving;
		v->i = d->saving;
		break;
	case ZD_POOL_LIMIT:
		set_u64(v, d->has_pool_limit, d->pool_limit);
		break;
	case ZD_POOL_FILL:
		v->present = d->has_pool_fill;
		v->d = d->pool_fill;
		break;
	case ZD_ACCEPT_AT:
		set_u64(v, d->has_accept_at, d->accept_at);
		break;
	}
}

/* clang-format off */
#define ZPARAM(p) .json_group = "parameters", .arg = ZS_ZSWAP_P_##p, .get = z_param
#define ZSTAT(st) .flags = ZF_ROOT, .json_group = "statistics", .arg = ZS_ZSWAP_S_##st, .get = z_stat
#define ZVM(x) .json_group = "vmstat", .arg = ZS_ZSWAP_V_##x, .get = z_vm
#define ZMEM(x) .json_group = "memory", .arg = x, .get = z_derived
#define ZJSON(key, jk) .json_key = key, .json_kind = jk

/*
 * In the order status lists the rows; JSON keys and metrics come in this
 * order too. Figures of debugfs (ZF_ROOT) need root; the others are
 * world-readable.
 */
const struct zswap_field zswap_fields[] = {
	{ NULL, FK_BOOL, 0, NULL, ZJSON("present", FK_BOOL),
	  PROM("zswap_present", "gauge", "1 when the kernel has zswap (CONFIG_ZSWAP: sys/module/zswap), else 0."),
	  .get = z_present },
	{ "enabled", FK_STR, ZPARAM(ENABLED), ZJSON("enabled", FK_BOOL),
	  PROM("zswap_enabled", "gauge", "1 when zswap takes new pages (parameter enabled), else 0.") },
	{ "compressor", FK_STR, ZPARAM(COMPRESSOR), ZJSON("compressor", FK_STR),
	  PROM("zswap_compressor_info", "gauge", "zswap's compressor for new pages, in the compressor label; always 1."),
	  .metric_label = "compressor" },
	{ "zpool", FK_STR, ZPARAM(ZPOOL), ZJSON("zpool", FK_STR),
	  PROM("zswap_zpool_info", "gauge", "zswap's allocator, in the zpool label (kernels before 6.18; since then always zsmalloc); always 1."),
	  .metric_label = "zpool" },
	{ "max_pool_percent", FK_COUNT, ZPARAM(MAX_POOL_PERCENT), ZJSON("max_pool_percent", FK_COUNT),
	  PROM("zswap_max_pool_percent", "gauge", "The most of the machine's RAM zswap's pool may take, in percent (parameter max_pool_percent).") },
	{ "accept_threshold_percent", FK_COUNT, ZPARAM(ACCEPT_THRESHOLD_PERCENT),
	  ZJSON("accept_threshold_percent", FK_COUNT),
	  PROM("zswap_accept_threshold_percent", "gauge", "Once full, zswap takes pages again when its pool is below this percent of its limit (parameter accept_threshold_percent).") },
	{ "shrinker_enabled", FK_STR, ZPARAM(SHRINKER_ENABLED), ZJSON("shrinker_enabled", FK_BOOL),
	  PROM("zswap_shrinker_enabled", "gauge", "1 when zswap's shrinker writes cold pages back to swap under memory pressure (parameter shrinker_enabled, 6.8+), else 0.") },
	{ "pool", FK_SIZE, 0, ZMEM(ZD_POOL), ZJSON("pool_bytes", FK_SIZE),
	  PROM("zswap_pool_bytes", "gauge", "RAM zswap's pool takes (meminfo Zswap).") },
	{ "stored", FK_SIZE, 0, ZMEM(ZD_STORED), ZJSON("stored_bytes", FK_SIZE),
	  PROM("zswap_stored_bytes", "gauge", "Uncompressed size of the pages zswap holds (meminfo Zswapped).") },
	{ "ratio", FK_RATIO, 0, ZMEM(ZD_RATIO), ZJSON("compression_ratio", FK_RATIO),
	  PROM("zswap_compression_ratio", "gauge", "Zswapped / Zswap: what zswap's pool holds per byte of RAM.") },
	{ "saving", FK_SIZE, ZF_SIGNED, ZMEM(ZD_SAVING), ZJSON("saving_bytes", FK_INT),
	  PROM("zswap_saving_bytes", "gauge", "Zswapped - Zswap: the RAM zswap saves (negative: what it costs).") },
	{ "pool limit", FK_SIZE, 0, ZMEM(ZD_POOL_LIMIT), ZJSON("pool_limit_bytes", FK_SIZE),
	  PROM("zswap_pool_limit_bytes", "gauge", "The most RAM zswap's pool may take: max_pool_percent of MemTotal.") },
	{ "pool fill", FK_PERCENT, 0, ZMEM(ZD_POOL_FILL), ZJSON("pool_fill", FK_RATIO),
	  PROM("zswap_pool_fill_ratio", "gauge", "Zswap / the pool limit, 0 to 1: at 1 zswap refuses pages until the pool is below the accept threshold.") },
	{ "accepts again below", FK_SIZE, 0, ZMEM(ZD_ACCEPT_AT), ZJSON("accept_threshold_bytes", FK_SIZE),
	  PROM("zswap_accept_threshold_bytes", "gauge", "After the pool limit was hit, zswap takes pages again below this pool size (accept_threshold_percent of the limit).") },
	{ "pool_total_size", FK_SIZE, ZSTAT(POOL_TOTAL_SIZE), ZJSON("pool_total_size", FK_SIZE),
	  PROM("zswap_debugfs_pool_size_bytes", "gauge", "RAM zswap's pool takes, as debugfs says it (pool_total_size).") },
	{ "stored_pages", FK_COUNT, ZSTAT(STORED_PAGES), ZJSON("stored_pages", FK_COUNT),
	  PROM("zswap_stored_pages", "gauge", "Pages zswap holds (debugfs stored_pages).") },
	{ "stored_incompressible_pages", FK_COUNT, ZSTAT(STORED_INCOMPRESSIBLE_PAGES),
	  ZJSON("stored_incompressible_pages", FK_COUNT),
	  PROM("zswap_stored_incompressible_pages", "gauge", "Pages zswap holds uncompressed, for they did not compress (debugfs stored_incompressible_pages, 6.18+).") },
	{ "written_back_pages", FK_COUNT, ZSTAT(WRITTEN_BACK_PAGES), ZJSON("written_back_pages", FK_COUNT),
	  PROM("zswap_written_back_pages_total", "counter", "Pages zswap wrote back to the swap device (debugfs written_back_pages).") },
	{ "pool_limit_hit", FK_COUNT, ZSTAT(POOL_LIMIT_HIT), ZJSON("pool_limit_hit", FK_COUNT),
	  PROM("zswap_pool_limit_hit_total", "counter", "Times zswap's pool was full (debugfs pool_limit_hit).") },
	{ "reject_reclaim_fail", FK_COUNT, ZSTAT(REJECT_RECLAIM_FAIL), ZJSON("reject_reclaim_fail", FK_COUNT),
	  PROM("zswap_reject_reclaim_fail_total", "counter", "Pages refused because the full pool could not be shrunk (debugfs reject_reclaim_fail).") },
	{ "reject_alloc_fail", FK_COUNT, ZSTAT(REJECT_ALLOC_FAIL), ZJSON("reject_alloc_fail", FK_COUNT),
	  PROM("zswap_reject_alloc_fail_total", "counter", "Pages refused because the pool could not allocate (debugfs reject_alloc_fail).") },
	{ "reject_kmemcache_fail", FK_COUNT, ZSTAT(REJECT_KMEMCACHE_FAIL),
	  ZJSON("reject_kmemcache_fail", FK_COUNT),
	  PROM("zswap_reject_kmemcache_fail_total", "counter", "Pages refused because an entry could not be allocated (debugfs reject_kmemcache_fail).") },
	{ "reject_compress_fail", FK_COUNT, ZSTAT(REJECT_COMPRESS_FAIL),
	  ZJSON("reject_compress_fail", FK_COUNT),
	  PROM("zswap_reject_compress_fail_total", "counter", "Pages refused because the compressor failed (debugfs reject_compress_fail).") },
	{ "reject_compress_poor", FK_COUNT, ZSTAT(REJECT_COMPRESS_POOR),
	  ZJSON("reject_compress_poor", FK_COUNT),
	  PROM("zswap_reject_compress_poor_total", "counter", "Pages refused because they compressed too poorly (debugfs reject_compress_poor).") },
	{ "decompress_fail", FK_COUNT, ZSTAT(DECOMPRESS_FAIL), ZJSON("decompress_fail", FK_COUNT),
	  PROM("zswap_decompress_fail_total", "counter", "Loads that failed to decompress; should stay 0 (debugfs decompress_fail).") },
	{ "same_filled_pages", FK_COUNT, ZSTAT(SAME_FILLED_PAGES), ZJSON("same_filled_pages", FK_COUNT),
	  PROM("zswap_same_filled_pages", "gauge", "Pages of one repeated value, stored without memory (debugfs same_filled_pages, older kernels).") },
	{ "duplicate_entry", FK_COUNT, ZSTAT(DUPLICATE_ENTRY), ZJSON("duplicate_entry", FK_COUNT),
	  PROM("zswap_duplicate_entry_total", "counter", "Stores that replaced an entry already there (debugfs duplicate_entry, older kernels).") },
	{ "zswpout", FK_COUNT, 0, ZVM(ZSWPOUT), ZJSON("zswpout", FK_COUNT),
	  PROM("zswap_zswpout_pages_total", "counter", "Pages stored into zswap (vmstat zswpout).") },
	{ "zswpin", FK_COUNT, 0, ZVM(ZSWPIN), ZJSON("zswpin", FK_COUNT),
	  PROM("zswap_zswpin_pages_total", "counter", "Pages loaded back from zswap (vmstat zswpin).") },
	{ "zswpwb", FK_COUNT, 0, ZVM(ZSWPWB), ZJSON("zswpwb", FK_COUNT),
	  PROM("zswap_zswpwb_pages_total", "counter", "Pages zswap wrote back to the swap device (vmstat zswpwb, 6.8+).") },
};
/* clang-format on */

const size_t zswap_nfields = ARRAY_SIZE(zswap_fields);

void zswap_field_value(const struct zswap_field *f, const struct zs_snapshot *s, struct fval *v)
{
	memset(v, 0, sizeof(*v));
	if (!s->has_zswap || (!s->zswap.present && f->get != z_present))
		return;
	f->get(s, f->arg, v);
}

bool zswap_field_text(const struct zswap_field *f, const struct zs_snapshot *s, bool bytes,
		      char *buf, size_t size)
{
	struct fval v;

	zswap_field_value(f, s, &v);
	if (!v.present)
		return false;
	if (f->flags & ZF_SIGNED) {
		char mag[64];

		cli_format_size(v.i < 0 ? (uint64_t)-v.i : (uint64_t)v.i, bytes, mag, sizeof(mag));
		snprintf(buf, size, "%s%s", v.i < 0 ? "-" : "", mag);
	} else {
		field_format(f->kind, &v, bytes, false, s->page_size, buf, size);
	}
	return true;
}

bool zswap_in_use(const struct zs_snapshot *s)
{
	const struct zs_zswap_derived *d = &s->zswap_derived;

	return s->has_zswap && s->zswap.present &&
	       (s->zswap.enabled || (d->has_pool && d->pool) || (d->has_stored && d->stored));
}

json_t *zswap_json(const struct zs_snapshot *s)
{
	json_t *o, *st;

	if (!s->has_zswap || !s->zswap.present)
		return NULL;
	o = json_object();
	for (size_t i = 0; i < zswap_nfields; i++) {
		const struct zswap_field *f = &zswap_fields[i];
		struct fval v;
		json_t *g;

		zswap_field_value(f, s, &v);
		if (!f->json_key || !v.present)
			continue;
		g = group_of(o, f->json_group);
		json_object_set_new(g, f->json_key,
				    f->json_kind == FK_STR ? json_string(v.s) :
				    f->json_kind == FK_INT ? json_integer((json_int_t)v.i) :
							     json_value(f->json_kind, &v));
	}
	st = group_of(o, "statistics");
	json_object_set_new(st, "available", json_boolean(s->zswap.stats_status == ZS_ZSWAP_STATS_OK));
	if (s->zswap.stats_status != ZS_ZSWAP_STATS_OK)
		json_object_set_new(st, "reason",
				    json_string(zs_zswap_stats_status_str(s->zswap.stats_status)));
	return o;
}

/* ---- zswap per cgroup ------------------------------------------------------------------- */

static void cg_path(const struct zs_cgroup_zswap *c, int arg, struct fval *v)
{
	(void)arg;
	set_str(v, c->path);
}

static void cg_stat(const struct zs_cgroup_zswap *c, int k, struct fval *v)
{
	set_u64(v, zs_cgroup_has(c, (enum zs_cgroup_stat)k), c->stat[k]);
}

static void cg_max(const struct zs_cgroup_zswap *c, int arg, struct fval *v)
{
	(void)arg;
	set_u64(v, c->has_zswap_max, c->zswap_max);
	v->s = c->zswap_max == UINT64_MAX ? "max" : NULL;
}

static void cg_writeback(const struct zs_cgroup_zswap *c, int arg, struct fval *v)
{
	(void)arg;
	v->present = c->has_writeback;
	v->b = c->writeback;
	v->u = v->b;
	v->s = v->b ? "yes" : "no";
}

/* clang-format off */
#define CGSTAT(k) .arg = ZS_CG_##k, .get = cg_stat
const struct cgroup_field cgroup_fields[] = {
	{ "CGROUP", FK_STR, "the cgroup, below the cgroup2 mount", "path", FK_STR,
	  .get = cg_path, .top_prio = 0 },
	{ "ZSWAP", FK_SIZE, "RAM its zswap pages take (memory.stat zswap)", "zswap_bytes", FK_SIZE,
	  "zswap_cgroup_pool_bytes", "gauge", "RAM the cgroup's pages in zswap take (memory.stat zswap, its descendants included).",
	  CGSTAT(ZSWAP), .top_prio = 0 },
	{ "ZSWAPPED", FK_SIZE, "their uncompressed size (memory.stat zswapped)", "zswapped_bytes", FK_SIZE,
	  "zswap_cgroup_stored_bytes", "gauge", "Uncompressed size of the cgroup's pages in zswap (memory.stat zswapped).",
	  CGSTAT(ZSWAPPED), .top_prio = 3 },
	{ "INCOMP", FK_SIZE, "of which stored uncompressed (memory.stat zswap_incomp)", "zswap_incomp_bytes", FK_SIZE,
	  "zswap_cgroup_incompressible_bytes", "gauge", "The cgroup's pages zswap holds uncompressed (memory.stat zswap_incomp, newer kernels).",
	  CGSTAT(ZSWAP_INCOMP), .top_prio = 5 },
	{ "ZSWPOUT", FK_COUNT, "pages stored into zswap (memory.stat)", "zswpout", FK_COUNT,
	  "zswap_cgroup_zswpout_pages_total", "counter", "The cgroup's pages stored into zswap (memory.stat zswpout).",
	  CGSTAT(ZSWPOUT), .top_prio = 1 },
	{ "ZSWPIN", FK_COUNT, "pages loaded back: refaults (memory.stat)", "zswpin", FK_COUNT,
	  "zswap_cgroup_zswpin_pages_total", "counter", "The cgroup's pages loaded back from zswap (memory.stat zswpin).",
	  CGSTAT(ZSWPIN), .top_prio = 0 },
	{ "ZSWPWB", FK_COUNT, "pages written back to swap (memory.stat)", "zswpwb", FK_COUNT,
	  "zswap_cgroup_zswpwb_pages_total", "counter", "The cgroup's pages zswap wrote back to the swap device (memory.stat zswpwb).",
	  CGSTAT(ZSWPWB), .top_prio = 2 },
	{ "ZSWAP-MAX", FK_SIZE, "its limit on zswap RAM (memory.zswap.max)", "zswap_max_bytes", FK_SIZE,
	  NULL, NULL, NULL, .get = cg_max, .top_prio = 4 },
	{ "WRITEBACK", FK_STR, "whether zswap may write its pages back (memory.zswap.writeback)",
	  "zswap_writeback", FK_BOOL,
	  "zswap_cgroup_writeback_enabled", "gauge", "1 when zswap may write the cgroup's pages back to swap (memory.zswap.writeback), else 0.",
	  .get = cg_writeback, .top_prio = 4 },
};
/* clang-format on */

const size_t cgroup_nfields = ARRAY_SIZE(cgroup_fields);

void cgroup_field_text(const struct cgroup_field *f, const struct zs_cgroup_zswap *c, bool bytes,
		       uint64_t page_size, char *buf, size_t size)
{
	struct fval v = { 0 };

	f->get(c, f->arg, &v);
	if (v.present && f->kind != FK_STR && v.s)
		snprintf(buf, size, "%s", v.s); /* ZSWAP-MAX: "max" */
	else
		field_format(f->kind, &v, bytes, false, page_size, buf, size);
}

json_t *cgroup_json(const struct zs_cgroup_zswap *c)
{
	json_t *o = json_object();

	for (size_t i = 0; i < cgroup_nfields; i++) {
		const struct cgroup_field *f = &cgroup_fields[i];
		struct fval v = { 0 };

		f->get(c, f->arg, &v);
		if (!v.present)
			continue;
		/* "max", no limit: a flag beside the number, which is there only for a limit */
		if (f->get == cg_max)
			json_object_set_new(o, "zswap_max_unlimited", json_boolean(v.s != NULL));
		if (f->get != cg_max || !v.s)
			json_object_set_new(o, f->json_key, json_value(f->json_kind, &v));
	}
	return o;
}

/* ---- the gate ---------------------------------------------------------------------------------- */

json_t *gate_json(const struct zs_gate_view *g)
{
	json_t *o = json_object();

	json_object_set_new(o, "held", json_boolean(g->held));
	if (g->held && g->holder.known) {
		json_object_set_new(o, "holder_pid", json_integer(g->holder.pid));
		if (g->holder.since)
			json_object_set_new(o, "holder_since", json_integer(g->holder.since));
	}
	if (g->held && g->holder.phase) {
		json_object_set_new(o, "holder_phase",
				    json_string(zs_gate_phase_name(g->holder.phase)));
		json_object_set_new(o, "holder_device", json_string(g->holder.device));
		json_object_set_new(o, "holder_phase_since", json_integer(g->holder.phase_since));
	}
	json_object_set_new(o, "runs", cli_json_u64(g->state.runs));
	json_object_set_new(o, "turned_away", cli_json_u64(g->turned_away));
	json_object_set_new(o, "freed_total", cli_json_u64(g->state.freed_total));
	if (g->state.last_result != ZS_RESULT_NONE) {
		json_object_set_new(o, "last_time", cli_json_u64(g->state.last_time));
		json_object_set_new(o, "last_pid", cli_json_u64(g->state.last_pid));
		json_object_set_new(o, "last_result",
				    json_string(zs_result_name(g->state.last_result)));
	}
	if (g->has_kernel_gated)
		json_object_set_new(o, "compact_gated", cli_json_u64(g->kernel_gated));
	return o;
}

void gate_sentence(const struct zs_gate_view *g, bool bytes, char *buf, size_t size,
		   size_t *held_at, size_t *held_len)
{
	char freed[32], when[32];
	size_t len;

	*held_at = 0;
	if (g->held && g->holder.known) {
		snprintf(buf, size, "held by pid %d", (int)g->holder.pid);
		if (g->holder.since) {
			zs_format_utc(g->holder.since, when, sizeof(when));
			len = strlen(buf);
			snprintf(buf + len, size - len, " since %s", when);
		}
	} else {
		snprintf(buf, size, "%s", g->held ? "held" : "free");
	}
	if (g->held && g->holder.phase) {
		zs_format_utc(g->holder.phase_since, when, sizeof(when));
		len = strlen(buf);
		snprintf(buf + len, size - len, ", %s on %s since %s",
			 zs_gate_phase_name(g->holder.phase), g->holder.device, when);
	}
	*held_len = strlen(buf);
	cli_format_size(g->state.freed_total, bytes, freed, sizeof(freed));
	len = strlen(buf);
	snprintf(buf + len, size - len, "; runs %" PRIu64 ", turned away %" PRIu64 ", freed %s",
		 g->state.runs, g->turned_away, freed);
	if (g->state.last_result != ZS_RESULT_NONE) {
		zs_format_utc((int64_t)g->state.last_time, when, sizeof(when));
		len = strlen(buf);
		snprintf(buf + len, size - len, "; last run %s: %s", when,
			 zs_result_name(g->state.last_result));
	}
	if (g->state_err == -EBADMSG) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "; state file garbled");
	}
	if (g->has_kernel_gated) {
		len = strlen(buf);
		snprintf(buf + len, size - len,
			 "; the kernel turned away %" PRIu64 " (compact_gated)", g->kernel_gated);
	}
}

void busy_sentence(const struct zs_snap_device *d, char *buf, size_t size)
{
	char when[32];

	zs_format_utc(d->busy_since, when, sizeof(when));
	snprintf(buf, size, "%s is busy: %s by pid %d since %s%s", d->dev.name,
		 zs_gate_phase_name(d->busy), (int)d->busy_pid, when,
		 d->busy_unread ?
			 "; not read (Linux 7 makes every read wait for it): its values are the last known, - where none is" :
			 "");
}

/* ---- slot ages (status --ages) ------------------------------------------------------------ */

/* An age as --age takes it back (systemd.time(7)), without blanks for -r: "2h30min", "1d1h", "45s". */
static void age_text(uint64_t s, char *buf, size_t size)
{
	static const struct {
		uint64_t secs;
		const char *unit;
	} units[] = { { 86400, "d" }, { 3600, "h" }, { 60, "min" }, { 1, "s" } };
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(units) && len < size; i++) {
		uint64_t n = s / units[i].secs;

		if (!n && !(i == ARRAY_SIZE(units) - 1 && !len))
			continue;
		snprintf(buf + len, size - len, "%" PRIu64 "%s", n, units[i].unit);
		len = strlen(buf);
		s -= n * units[i].secs;
		if (s == 0)
			break;
	}
}

static void ab_label(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		     char *scratch, size_t size)
{
	(void)a, (void)arg, (void)scratch, (void)size;
	v->present = true;
	v->s = zs_ages_bucket_label(row);
}

static void ab_limit(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		     char *scratch, size_t size)
{
	(void)a, (void)arg, (void)scratch, (void)size;
	v->u = zs_ages_bucket_limit(row);
	v->present = v->u != UINT64_MAX;
}

static void ab_slots(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		     char *scratch, size_t size)
{
	(void)scratch, (void)size;
	v->present = true;
	v->u = arg < 0 ? a->bucket[row].slots : a->bucket[row].flag[arg];
}

const struct ages_field ages_bucket_fields[] = {
	{ "AGE", FK_STR, "how long ago the slots were last accessed", "age", 0, ab_label },
	{ NULL, FK_COUNT, "the bucket's upper bound, seconds (exclusive)", "max_age", 0, ab_limit },
	{ "SLOTS", FK_COUNT, "stored slots (pages)", "slots", -1, ab_slots },
	{ "SAME", FK_COUNT, "same-filled (zero) pages: no memory", "same", ZS_SLOT_SAME, ab_slots },
	{ "WRITTEN-BACK", FK_COUNT, "on the backing device", "written_back", ZS_SLOT_WB, ab_slots },
	{ "HUGE", FK_COUNT, "stored uncompressed, a page each", "huge", ZS_SLOT_HUGE, ab_slots },
	{ "IDLE", FK_COUNT, "marked idle now", "idle", ZS_SLOT_IDLE, ab_slots },
	{ "RECOMPRESSED", FK_COUNT, "recompressed with a secondary algorithm", "recompressed",
	  ZS_SLOT_RECOMPRESSED, ab_slots },
	{ "INCOMPRESSIBLE", FK_COUNT, "recompression did not shrink them", "incompressible",
	  ZS_SLOT_INCOMPRESSIBLE, ab_slots },
};
const size_t ages_bucket_nfields = ARRAY_SIZE(ages_bucket_fields);

static void as_for(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		   char *scratch, size_t size)
{
	(void)a, (void)arg, (void)scratch, (void)size;
	v->present = true;
	v->s = zs_ages_for_name(row);
}

static void as_age_text(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
			char *scratch, size_t size)
{
	(void)arg;
	age_text(a->sel[row].age, scratch, size);
	v->present = true;
	v->s = scratch;
}

static void as_value(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		     char *scratch, size_t size)
{
	const struct zs_ages_select *sel = &a->sel[row];
	const uint64_t vals[] = { sel->age, sel->pages, sel->huge, sel->recompressible,
				  sel->huge_bytes };

	(void)scratch, (void)size;
	v->present = true;
	v->u = vals[arg];
}

const struct ages_field ages_select_fields[] = {
	{ "FOR", FK_STR, "whose age: maintain's recompression or writeback, or --age", "for", 0,
	  as_for },
	{ "IDLE-AGE", FK_STR, "the age", NULL, 0, as_age_text },
	{ NULL, FK_COUNT, "the age, seconds", "age", 0, as_value },
	{ "PAGES", FK_COUNT, "slots the age marks idle: what writeback type=idle takes", "pages", 1,
	  as_value },
	{ "HUGE", FK_COUNT, "of them huge: type=huge_idle", "huge", 2, as_value },
	{ "RECOMPRESSIBLE", FK_COUNT, "of them not incompressible nor recompressed yet",
	  "recompressible", 3, as_value },
	{ "HUGE-SIZE", FK_SIZE, "the huge ones' memory, a page each", "huge_bytes", 4, as_value },
};
const size_t ages_select_nfields = ARRAY_SIZE(ages_select_fields);

static json_t *ages_row_json(const struct ages_field *fields, size_t n, const struct zs_ages *a,
			     unsigned int row)
{
	json_t *o = json_object();

	for (size_t i = 0; i < n; i++) {
		char scratch[64];
		struct fval v = { 0 };

		if (!fields[i].json_key)
			continue;
		fields[i].get(a, row, fields[i].arg, &v, scratch, sizeof(scratch));
		if (v.present) /* max_age: not for the open-ended buckets */
			json_object_set_new(o, fields[i].json_key, json_value(fields[i].kind, &v));
	}
	return o;
}

json_t *ages_json(const struct zs_ages *a, enum zs_ages_status st, bool initialised)
{
	json_t *o = json_object(), *buckets, *sel;

	json_object_set_new(o, "available", json_boolean(st == ZS_AGES_OK && a->read));
	if (st != ZS_AGES_OK)
		json_object_set_new(o, "reason", json_string(zs_ages_status_str(st)));
	else if (!initialised)
		json_object_set_new(o, "reason", json_string("not initialised: no slots"));
	else if (a->err == -EBADMSG)
		json_object_set_new(o, "reason",
				    json_sprintf("line %" PRIu64 " of block_state does not parse",
						 a->err_line));
	else if (a->err)
		json_object_set_new(o, "reason", json_string(cli_errno_cause(a->err)));
	if (!a->read)
		return o;
	json_object_set_new(o, "slots", cli_json_u64(a->slots));
	json_object_set_new(o, "uptime_us", cli_json_u64(a->now_us));
	buckets = json_array();
	for (unsigned int b = 0; b < ZS_AGES_BUCKETS; b++)
		json_array_append_new(buckets, ages_row_json(ages_bucket_fields,
							     ages_bucket_nfields, a, b));
	json_object_set_new(o, "buckets", buckets);
	sel = json_array();
	for (unsigned int i = 0; i < ZS_AGES_FOR_COUNT_; i++)
		if (a->sel[i].valid)
			json_array_append_new(sel, ages_row_json(ages_select_fields,
								 ages_select_nfields, a, i));
	json_object_set_new(o, "selected", sel);
	return o;
}
