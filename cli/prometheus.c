// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl status --format=prometheus: the Prometheus text exposition format
 * (version 0.0.4) of what status gathered, for node_exporter's textfile
 * collector. Names follow Prometheus' conventions: zram_ for what the
 * kernel reports of a device, zsctl_ for pools and zsctl's own compaction
 * gate; base units (bytes, seconds); _total for counters; labels device=,
 * pool=, class=. Every family has HELP and TYPE lines and its samples
 * together; a value the kernel does not provide is left out, never 0.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

/* A sample's value: an integer printed exactly, or a double. */
struct sample {
	bool is_int;
	uint64_t u;
	double d;
	const char *lname; /* an extra label, or NULL */
	const char *lvalue;
};

static void put_escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

static void put_header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	put_escaped(f, help, false);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void put_label(FILE *f, bool *first, const char *name, const char *value)
{
	fprintf(f, "%s%s=\"", *first ? "{" : ",", name);
	put_escaped(f, value, true);
	fputc('"', f);
	*first = false;
}

/* name{l1="v1",l2="v2",extra="..."} value */
static void put_sample(FILE *f, const char *name, const char *l1, const char *v1, const char *l2,
		       const char *v2, const struct sample *s)
{
	bool first = true;

	fputs(name, f);
	if (l1)
		put_label(f, &first, l1, v1);
	if (l2)
		put_label(f, &first, l2, v2);
	if (s->lname)
		put_label(f, &first, s->lname, s->lvalue);
	if (!first)
		fputc('}', f);
	if (s->is_int)
		fprintf(f, " %" PRIu64 "\n", s->u);
	else
		fprintf(f, " %.9g\n", s->d);
}

static struct sample integer(uint64_t u)
{
	struct sample s = { .is_int = true, .u = u };

	return s;
}

static struct sample real(double d)
{
	struct sample s = { .d = d };

	return s;
}

/* ---- per device ---------------------------------------------------------- */

enum source {
	SRC_MM,
	SRC_IO,
	SRC_BD,
	SRC_FN,
};

struct dev_metric {
	const char *name;
	const char *type;
	const char *help;
	enum source src;
	unsigned int col;
	uint64_t scale; /* bd_stat and writeback_limit count 4K pages */
	bool (*fn)(const struct view *v, struct sample *s);
};

static bool m_disksize(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->disksize);
	return true;
}

static bool m_initstate(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->initialised);
	return true;
}

static bool m_algorithm(const struct view *v, struct sample *s)
{
	const struct zs_device *d = v->dev;

	if (!d->has_algorithms || d->algorithms.active < 0)
		return false;
	*s = integer(1);
	s->lname = "algorithm";
	s->lvalue = d->algorithms.name[d->algorithms.active];
	return true;
}

static bool m_backing(const struct view *v, struct sample *s)
{
	const struct zs_device *d = v->dev;

	if (!d->has_backing_dev || !d->backing_dev[0] || !strcmp(d->backing_dev, "none"))
		return false;
	*s = integer(1);
	s->lname = "backing_dev";
	s->lvalue = d->backing_dev;
	return true;
}

static bool m_streams(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->max_comp_streams);
	return v->dev->has_max_comp_streams;
}

static bool m_writestall(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->debug.writestall);
	return v->dev->has_debug;
}

static bool m_miss_free(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->debug.miss_free);
	return v->dev->has_debug;
}

static bool m_wb_limit(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->writeback_limit * 4096);
	return v->dev->has_writeback_limit;
}

static bool m_wb_limit_enable(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->writeback_limit_enable);
	return v->dev->has_writeback_limit_enable;
}

static bool m_ratio(const struct view *v, struct sample *s)
{
	*s = real(v->derived.ratio);
	return v->derived.has_ratio;
}

static bool m_overhead(const struct view *v, struct sample *s)
{
	*s = integer(v->derived.overhead);
	return v->derived.has_overhead;
}

static bool m_frag(const struct view *v, struct sample *s)
{
	*s = real(v->derived.fragmentation);
	s->lname = "method";
	s->lvalue = v->derived.fragmentation_exact ? "classes" : "estimate";
	return v->derived.has_fragmentation;
}

static bool m_compactable(const struct view *v, struct sample *s)
{
	*s = integer(v->derived.compactable);
	s->lname = "method";
	s->lvalue = v->derived.compactable_exact ? "classes" : "estimate";
	return v->derived.has_compactable;
}

static bool m_swap_size(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->swap.size);
	return v->dev->is_swap;
}

static bool m_swap_used(const struct view *v, struct sample *s)
{
	*s = integer(v->dev->swap.used);
	return v->dev->is_swap;
}

/* clang-format off */
#define MM(n, t, c, h) { n, t, h, SRC_MM, c, 1, NULL }
#define IO(n, c, h) { n, "counter", h, SRC_IO, c, 1, NULL }
#define BD(n, t, c, h) { n, t, h, SRC_BD, c, 4096, NULL }
#define FN(n, t, f, h) { n, t, h, SRC_FN, 0, 1, f }
/* clang-format on */

static const struct dev_metric dev_metrics[] = {
	FN("zram_disksize_bytes", "gauge", m_disksize,
	   "Size of the zram device: the most uncompressed data it holds (disksize)."),
	FN("zram_initstate", "gauge", m_initstate,
	   "1 when the zram device is initialised (disksize set), else 0."),
	FN("zram_comp_algorithm_info", "gauge", m_algorithm,
	   "The zram device's compression algorithm, in the algorithm label; always 1."),
	FN("zram_backing_dev_info", "gauge", m_backing,
	   "The zram device's writeback device, in the backing_dev label; always 1."),
	FN("zram_max_comp_streams", "gauge", m_streams,
	   "Compression streams (max_comp_streams; ignored since Linux 4.7)."),
	MM("zram_orig_data_size_bytes", "gauge", ZS_MM_ORIG_DATA_SIZE,
	   "Uncompressed size of the data stored (mm_stat orig_data_size)."),
	MM("zram_compr_data_size_bytes", "gauge", ZS_MM_COMPR_DATA_SIZE,
	   "Compressed size of the data stored (mm_stat compr_data_size)."),
	MM("zram_mem_used_total_bytes", "gauge", ZS_MM_MEM_USED_TOTAL,
	   "Memory taken by the device's zsmalloc pool (mm_stat mem_used_total)."),
	MM("zram_mem_limit_bytes", "gauge", ZS_MM_MEM_LIMIT,
	   "Limit on mem_used_total, 0 for none (mm_stat mem_limit)."),
	MM("zram_mem_used_max_bytes", "gauge", ZS_MM_MEM_USED_MAX,
	   "Peak of mem_used_total since set-up or the last reset of the peak (mm_stat mem_used_max)."),
	MM("zram_same_pages", "gauge", ZS_MM_SAME_PAGES,
	   "Pages of one repeated value, stored without memory (mm_stat same_pages)."),
	MM("zram_pages_compacted_total", "counter", ZS_MM_PAGES_COMPACTED,
	   "Pages freed by compaction since set-up (mm_stat pages_compacted)."),
	MM("zram_huge_pages", "gauge", ZS_MM_HUGE_PAGES,
	   "Incompressible pages stored whole (mm_stat huge_pages)."),
	MM("zram_huge_pages_since_total", "counter", ZS_MM_HUGE_PAGES_SINCE,
	   "Incompressible pages stored since set-up (mm_stat huge_pages_since)."),
	MM("zram_compact_gated_total", "counter", ZS_MM_COMPACT_GATED,
	   "Compactions zsmalloc turned away because another was running on the pool (mm_stat compact_gated, patched kernels)."),
	IO("zram_failed_reads_total", ZS_IO_FAILED_READS, "Failed reads (io_stat failed_reads)."),
	IO("zram_failed_writes_total", ZS_IO_FAILED_WRITES,
	   "Failed writes (io_stat failed_writes)."),
	IO("zram_invalid_io_total", ZS_IO_INVALID_IO,
	   "Unaligned or out-of-range requests (io_stat invalid_io)."),
	IO("zram_notify_free_total", ZS_IO_NOTIFY_FREE,
	   "Pages freed because swap slots were freed or discarded (io_stat notify_free)."),
	BD("zram_bd_count_bytes", "gauge", ZS_BD_COUNT,
	   "Data now on the backing device (bd_stat bd_count, 4K pages, times 4096)."),
	BD("zram_bd_reads_bytes_total", "counter", ZS_BD_READS,
	   "Data read from the backing device (bd_stat bd_reads, 4K pages, times 4096)."),
	BD("zram_bd_writes_bytes_total", "counter", ZS_BD_WRITES,
	   "Data written to the backing device (bd_stat bd_writes, 4K pages, times 4096)."),
	FN("zram_writeback_limit_bytes", "gauge", m_wb_limit,
	   "What writeback may still write when the limit is enabled (writeback_limit, times 4096)."),
	FN("zram_writeback_limit_enable", "gauge", m_wb_limit_enable,
	   "1 when writeback_limit applies (writeback_limit_enable)."),
	FN("zram_writestall_total", "counter", m_writestall,
	   "Writes that waited for memory (debug_stat writestall)."),
	FN("zram_miss_free_total", "counter", m_miss_free,
	   "Slot frees missed for contention (debug_stat miss_free)."),
	FN("zram_compression_ratio", "gauge", m_ratio, "orig_data_size / compr_data_size."),
	FN("zram_overhead_bytes", "gauge", m_overhead,
	   "mem_used_total - compr_data_size: what the allocator costs on top of the data."),
	FN("zram_fragmentation_ratio", "gauge", m_frag,
	   "Fragmentation of the device's zsmalloc pool, 0 to 1; method is classes (exact) or estimate (from mm_stat)."),
	FN("zram_compactable_bytes", "gauge", m_compactable,
	   "Memory compaction would free; method is classes (exact) or estimate (from mm_stat)."),
	FN("zram_swap_size_bytes", "gauge", m_swap_size,
	   "Size of the swap area on the device (/proc/swaps)."),
	FN("zram_swap_used_bytes", "gauge", m_swap_used,
	   "Swap in use on the device (/proc/swaps)."),
};

static bool dev_value(const struct dev_metric *m, const struct view *v, struct sample *s)
{
	const struct zs_stat *st;

	switch (m->src) {
	case SRC_FN:
		return m->fn(v, s);
	case SRC_MM:
		st = &v->dev->mm;
		break;
	case SRC_IO:
		st = &v->dev->io;
		break;
	case SRC_BD:
		st = &v->dev->bd;
		break;
	default:
		return false;
	}
	if (!zs_stat_has(st, m->col))
		return false;
	*s = integer(st->val[m->col] * m->scale);
	return true;
}

static void put_devices(FILE *f, const struct prom_input *in)
{
	for (size_t m = 0; m < ARRAY_SIZE(dev_metrics); m++) {
		bool header = false;

		for (size_t i = 0; i < in->nviews; i++) {
			struct sample s = { 0 };

			if (!dev_value(&dev_metrics[m], &in->views[i], &s))
				continue;
			if (!header)
				put_header(f, dev_metrics[m].name, dev_metrics[m].type,
					   dev_metrics[m].help);
			header = true;
			put_sample(f, dev_metrics[m].name, "device", in->views[i].dev->name, NULL,
				   NULL, &s);
		}
	}
}

/* ---- pools and classes ----------------------------------------------------- */

static const char *pool_kind(enum zs_pool_kind k)
{
	return k == ZS_POOL_ZRAM ? "zram" : k == ZS_POOL_ZSWAP ? "zswap" : "other";
}

static bool pool_shown(const struct prom_input *in, const struct zs_pool *p)
{
	if (in->all_pools)
		return true;
	for (size_t i = 0; i < in->nviews; i++)
		if (in->views[i].pool == p)
			return true;
	return false;
}

enum pool_value {
	PV_INFO,
	PV_USED,
	PV_FREEABLE,
	PV_FRAG,
	PV_WASTE,
};

static const struct {
	const char *name, *type, *help;
	enum pool_value what;
} pool_metrics[] = {
	{ "zsctl_pool_info", "gauge",
	  "A zsmalloc pool with class statistics: kind (zram, zswap, other) and classes format; always 1.",
	  PV_INFO },
	{ "zsctl_pool_used_bytes", "gauge",
	  "Pages used by the pool's classes (Total pages_used), in bytes.", PV_USED },
	{ "zsctl_pool_freeable_bytes", "gauge",
	  "Memory compaction would free in the pool (Total freeable, the kernel's zs_can_compact()).",
	  PV_FREEABLE },
	{ "zsctl_pool_fragmentation_ratio", "gauge",
	  "Fragmentation of the pool from its class statistics, 0 to 1.", PV_FRAG },
	{ "zsctl_pool_waste_bytes", "gauge", "Memory of allocated but unused objects in the pool.",
	  PV_WASTE },
};

static bool pool_value(const struct prom_input *in, const struct zs_pool *p,
		       const struct zs_class *c, bool total, enum pool_value what, struct sample *s)
{
	double frag;
	uint64_t waste;

	if (total)
		zs_pool_derive(p, &frag, &waste);
	else
		zs_class_derive(c, &frag, &waste);
	switch (what) {
	case PV_INFO:
		*s = integer(1);
		return true;
	case PV_USED:
		*s = integer(c->pages_used * in->page_size);
		return true;
	case PV_FREEABLE:
		*s = integer(c->freeable * in->page_size);
		return p->has_freeable;
	case PV_FRAG:
		*s = real(frag);
		return true;
	case PV_WASTE:
		*s = integer(waste);
		return true;
	}
	return false;
}

static void put_pools(FILE *f, const struct prom_input *in)
{
	for (size_t m = 0; m < ARRAY_SIZE(pool_metrics); m++) {
		bool header = false;

		for (size_t i = 0; i < in->npools; i++) {
			const struct zs_pool *p = &in->pools[i];
			struct sample s = { 0 };
			bool first = true;

			if (!pool_shown(in, p) ||
			    !pool_value(in, p, &p->total, true, pool_metrics[m].what, &s))
				continue;
			if (!header)
				put_header(f, pool_metrics[m].name, pool_metrics[m].type,
					   pool_metrics[m].help);
			header = true;
			if (pool_metrics[m].what != PV_INFO) {
				put_sample(f, pool_metrics[m].name, "pool", p->name, NULL, NULL,
					   &s);
				continue;
			}
			fputs(pool_metrics[m].name, f);
			put_label(f, &first, "pool", p->name);
			put_label(f, &first, "kind", pool_kind(p->kind));
			put_label(f, &first, "format",
				  p->format == ZS_CLASSES_FULLNESS ? "fullness" : "almost");
			fputs("} 1\n", f);
		}
	}
}

static const struct {
	const char *name, *type, *help;
	enum pool_value what;
} class_metrics[] = {
	{ "zsctl_pool_class_used_bytes", "gauge",
	  "Pages used by one size class of a pool, in bytes.", PV_USED },
	{ "zsctl_pool_class_freeable_bytes", "gauge",
	  "Memory compaction would free in one size class of a pool.", PV_FREEABLE },
	{ "zsctl_pool_class_fragmentation_ratio", "gauge",
	  "Fragmentation of one size class of a pool, 0 to 1.", PV_FRAG },
};

static void put_classes(FILE *f, const struct prom_input *in)
{
	for (size_t m = 0; m < ARRAY_SIZE(class_metrics); m++) {
		bool header = false;

		for (size_t i = 0; i < in->npools; i++) {
			const struct zs_pool *p = &in->pools[i];

			if (!pool_shown(in, p))
				continue;
			for (size_t k = 0; k < p->nclasses; k++) {
				struct sample s = { 0 };
				char cls[16];

				if (!pool_value(in, p, &p->classes[k], false, class_metrics[m].what,
						&s))
					continue;
				if (!header)
					put_header(f, class_metrics[m].name, class_metrics[m].type,
						   class_metrics[m].help);
				header = true;
				snprintf(cls, sizeof(cls), "%u", p->classes[k].index);
				put_sample(f, class_metrics[m].name, "pool", p->name, "class", cls,
					   &s);
			}
		}
	}
}

/* ---- the compaction gate ----------------------------------------------------- */

static const char *const results[] = { "compacted", "nothing", "gated", "failed", "skipped" };

static void put_result_set(FILE *f, const char *name, const char *device, const char *result)
{
	for (size_t r = 0; r < ARRAY_SIZE(results); r++) {
		struct sample s = integer(!strcmp(result, results[r]));

		s.lname = "result";
		s.lvalue = results[r];
		put_sample(f, name, device ? "device" : NULL, device, NULL, NULL, &s);
	}
}

static void put_gate(FILE *f, const struct prom_input *in)
{
	const struct gate_view *g = in->gate;
	const struct zs_state *st = &g->state;
	struct sample s;
	bool header;

	put_header(f, "zsctl_compact_gate_held", "gauge",
		   "1 while a zsctl compact holds the compaction gate (the flock), else 0.");
	s = integer(g->held);
	put_sample(f, "zsctl_compact_gate_held", NULL, NULL, NULL, NULL, &s);
	/*
	 * What an alert on a stuck gate needs: how long it has been held.
	 * Only the holder's own line in the lock file (0600: root) says since
	 * when; a holder that wrote none (not a zsctl) leaves it out.
	 */
	if (g->held && g->holder.known && g->holder.since > 0) {
		put_header(
			f, "zsctl_compact_gate_held_since_timestamp_seconds", "gauge",
			"When the zsctl compact that holds the compaction gate took it, in seconds since the epoch; only while it is held.");
		s = integer((uint64_t)g->holder.since);
		put_sample(f, "zsctl_compact_gate_held_since_timestamp_seconds", NULL, NULL, NULL,
			   NULL, &s);
	}
	put_header(f, "zsctl_compact_runs_total", "counter",
		   "zsctl compact runs that held the gate (state file).");
	s = integer(st->runs);
	put_sample(f, "zsctl_compact_runs_total", NULL, NULL, NULL, NULL, &s);
	put_header(f, "zsctl_compact_turned_away_total", "counter",
		   "zsctl compact runs that found the gate held and stepped aside (state file).");
	s = integer(g->turned_away);
	put_sample(f, "zsctl_compact_turned_away_total", NULL, NULL, NULL, NULL, &s);
	put_header(f, "zsctl_compact_freed_bytes_total", "counter",
		   "Memory freed by zsctl compact runs (state file).");
	s = integer(st->freed_total);
	put_sample(f, "zsctl_compact_freed_bytes_total", NULL, NULL, NULL, NULL, &s);

	if (st->last_result[0]) {
		put_header(
			f, "zsctl_compact_last_run_timestamp_seconds", "gauge",
			"When the last zsctl compact run that held the gate ended, in seconds since the epoch.");
		s = integer(st->last_time);
		put_sample(f, "zsctl_compact_last_run_timestamp_seconds", NULL, NULL, NULL, NULL,
			   &s);
		put_header(
			f, "zsctl_compact_last_result", "gauge",
			"The last zsctl compact run's result: 1 for the result label that applies, 0 for the others.");
		put_result_set(f, "zsctl_compact_last_result", NULL, st->last_result);
	}

	/* per device, for the devices shown that zsctl compact has seen */
	header = false;
	for (size_t i = 0; i < in->nviews; i++) {
		const struct zs_state_device *sd = NULL;

		for (size_t k = 0; k < st->ndevices; k++)
			if (!strcmp(st->devices[k].name, in->views[i].dev->name))
				sd = &st->devices[k];
		if (!sd)
			continue;
		if (!header)
			put_header(
				f, "zsctl_compact_device_last_run_timestamp_seconds", "gauge",
				"When zsctl compact last compacted (or tried) the device, in seconds since the epoch.");
		header = true;
		s = integer(sd->last_time);
		put_sample(f, "zsctl_compact_device_last_run_timestamp_seconds", "device", sd->name,
			   NULL, NULL, &s);
	}
	header = false;
	for (size_t i = 0; i < in->nviews; i++) {
		for (size_t k = 0; k < st->ndevices; k++) {
			const struct zs_state_device *sd = &st->devices[k];

			if (strcmp(sd->name, in->views[i].dev->name))
				continue;
			if (!header)
				put_header(
					f, "zsctl_compact_device_last_freed_bytes", "gauge",
					"What zsctl compact's last compaction of the device freed.");
			header = true;
			s = integer(sd->last_freed);
			put_sample(f, "zsctl_compact_device_last_freed_bytes", "device", sd->name,
				   NULL, NULL, &s);
		}
	}
	header = false;
	for (size_t i = 0; i < in->nviews; i++) {
		for (size_t k = 0; k < st->ndevices; k++) {
			const struct zs_state_device *sd = &st->devices[k];

			if (strcmp(sd->name, in->views[i].dev->name) || !sd->last_result[0])
				continue;
			if (!header)
				put_header(
					f, "zsctl_compact_device_last_result", "gauge",
					"zsctl compact's last result on the device: 1 for the result label that applies, 0 for the others.");
			header = true;
			put_result_set(f, "zsctl_compact_device_last_result", sd->name,
				       sd->last_result);
		}
	}
}

/* ---- output ---------------------------------------------------------------- */

static void put_all(FILE *f, struct cli *cli, const struct prom_input *in)
{
	struct sample s;

	put_devices(f, in);
	put_header(
		f, "zsctl_class_statistics_available", "gauge",
		"1 when zsmalloc's class statistics could be read (debugfs, CONFIG_ZSMALLOC_STAT, root), else 0.");
	s = integer(in->classes_status == ZS_CLASSES_OK);
	put_sample(f, "zsctl_class_statistics_available", NULL, NULL, NULL, NULL, &s);
	put_pools(f, in);
	if (in->classes)
		put_classes(f, in);
	put_gate(f, in);
	put_header(
		f, "zsctl_status_error", "gauge",
		"1 when zsctl status met an error (a device or file it could not read; see its stderr), else 0.");
	s = integer(cli->status != ZS_EXIT_OK);
	put_sample(f, "zsctl_status_error", NULL, NULL, NULL, NULL, &s);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace path with buf: temporary file in the same directory, fsync, rename, fsync dir. */
static int write_atomically(const char *path, const char *buf, size_t len)
{
	char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX + 16];
	int fd, dfd, r;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	strcpy(base, path);
	/* hidden and not *.prom: the textfile collector never reads it half-written */
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(dir), basename(base)) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	r = write_all(fd, buf, len);
	if (!r && fchmod(fd, 0644) < 0) /* node_exporter runs as another user */
		r = -errno;
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	strcpy(dir, path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int prom_status(struct cli *cli, const struct prom_input *in, const char *file)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!file) {
		put_all(stdout, cli, in);
		return 0;
	}
	if (strlen(file) < 6 || strcmp(file + strlen(file) - 5, ".prom"))
		cli_warn(cli, file,
			 "node_exporter's textfile collector reads only files named *.prom");
	f = open_memstream(&buf, &len);
	if (!f) {
		cli_error(cli, NULL, ENOMEM, "out of memory");
		return -ENOMEM;
	}
	put_all(f, cli, in);
	if (fclose(f) != 0) {
		free(buf);
		cli_error(cli, NULL, ENOMEM, "out of memory");
		return -ENOMEM;
	}
	r = write_atomically(file, buf, len);
	free(buf);
	if (r < 0)
		cli_error(cli, file, -r, "cannot write the metrics: %s", strerror(-r));
	return r;
}
