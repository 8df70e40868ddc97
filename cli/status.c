// SPDX-License-Identifier: GPL-2.0-or-later
/* zsctl status: what every zram device holds, what it costs, how fragmented it is. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "fields.h"
#include "status.h"

struct status_opts {
	int cols[256];
	size_t ncols;
	bool raw, noheadings, bytes, classes, json;
	bool cgroups; /* --cgroups: zswap per cgroup */
	bool ages;    /* --ages: slot ages from block_state, and what idle ages select */
	bool rates;   /* --rates: counters per second since the previous --rates run */
	uint64_t age; /* --age: one more age to count */
	bool has_age;
	bool prometheus;       /* --format=prometheus (cli/prometheus.c) */
	const char *prom_file; /* --prom-file: written atomically */
	struct cli_gate_paths gate_paths; /* the gate shown */
};

static int parse_columns(struct cli *cli, const char *list, struct status_opts *o)
{
	const char *p = list;

	if (*p == '+')
		p++; /* append to the defaults */
	else
		o->ncols = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = dev_field_lookup(p, len);

		if (id < 0 || o->ncols == ARRAY_SIZE(o->cols)) {
			const char *hint = CLI_SUGGEST(p, len, dev_fields, dev_nfields, column);

			cli_usage_error(cli, "status: unknown column: %.*s%s%s%s",
					(int)(len > 40 ? 40 : len), p, hint ? "; did you mean " : "",
					hint ? hint : "", hint ? "?" : " (zsctl status --help lists them)");
			return -EINVAL;
		}
		o->cols[o->ncols++] = id;
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

/* ---- text --------------------------------------------------------------------------- */

/*
 * The "~" explained, once, under a table that shows one: why there are no
 * exact values (mostly a kernel without CONFIG_ZSMALLOC_STAT).
 */
static void print_legend(const struct zs_snapshot *s)
{
	printf("\n~ estimated from mm_stat, an upper bound: %s\n",
	       s->classes_status != ZS_CLASSES_OK ?
		       zs_classes_status_str(s->classes_status) :
		       "no class statistics for the device's pool, or no freeable column in them");
}

static int print_devices(const struct status_opts *o, const struct zs_snapshot *s,
			 const struct zs_snap_device *const *devs, size_t n)
{
	bool estimated = false;
	struct libscols_table *tb = cli_table_new(o->raw, o->noheadings);
	int r = -ENOMEM;

	if (!tb)
		return -ENOMEM;
	for (size_t c = 0; c < o->ncols; c++) {
		const struct dev_field *f = &dev_fields[o->cols[c]];

		if (cli_table_column(tb, f->column, f->kind != FK_STR) < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto out;
		for (size_t c = 0; c < o->ncols; c++) {
			const struct dev_field *f = &dev_fields[o->cols[c]];
			char scratch[1024], text[1100];
			struct fval v;

			dev_field_value(f, devs[i], &v, scratch, sizeof(scratch));
			if ((f->flags & F_INIT_ONLY) && !devs[i]->dev.initialised)
				v.present = false;
			if (o->raw)
				field_format_bare(f->kind, &v, o->bytes, false, s->page_size, text,
						  sizeof(text));
			else
				field_format(f->kind, &v, o->bytes, false, s->page_size, text,
					     sizeof(text));
			estimated |= v.present && v.estimate;
			if (scols_line_set_data(ln, c, text) < 0)
				goto out;
		}
	}
	r = cli_table_print(tb, o->raw);
	/* with --classes, "Class statistics unavailable" gives the reason */
	if (r >= 0 && estimated && !o->raw && !o->noheadings &&
	    !(o->classes && s->classes_status != ZS_CLASSES_OK))
		print_legend(s);
out:
	scols_unref_table(tb);
	return r;
}

/* Devices zsctl maintain or compact works on now: why their values may be old. */
static void print_busy(const struct status_opts *o, const struct zs_snap_device *const *devs,
		       size_t n)
{
	char line[512];
	bool first = true;

	if (o->noheadings || o->raw)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!devs[i]->busy)
			continue;
		busy_sentence(devs[i], line, sizeof(line));
		printf("%s%s\n", first ? "\n" : "", line);
		first = false;
	}
}

static void print_gate(const struct status_opts *o, const struct zs_gate_view *g)
{
	char line[1024];
	size_t at, len;

	if (!g->held && !g->has_state && !g->turned_away && !g->has_kernel_gated)
		return; /* zsctl compact never ran here: nothing to say */
	if (o->noheadings || o->raw)
		return;
	gate_sentence(g, o->bytes, line, sizeof(line), &at, &len);
	/* the runs of zsctl compact on this host, not the device's above */
	printf("\nCompaction gate (zsctl compact, all devices): %s\n", line);
}

static int print_pool(const struct status_opts *o, const struct zs_pool *p, uint64_t page)
{
	struct libscols_table *tb = cli_table_new(o->raw, o->noheadings);
	int r = -ENOMEM;

	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < class_nfields; i++) {
		const struct class_field *f = &class_fields[i];

		if (f->flags & CF_GROUPS) {
			for (size_t g = 0; g < class_ngroups(p); g++)
				if (cli_table_column(tb, class_group_column(p, g), true) < 0)
					goto out;
		} else if (cli_table_column(tb, f->column, true) < 0) {
			goto out;
		}
	}
	for (size_t k = 0; k <= p->nclasses; k++) {
		bool total = k == p->nclasses;
		const struct zs_class *c = total ? &p->total : &p->classes[k];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		size_t col = 0;

		if (!ln)
			goto out;
		for (size_t i = 0; i < class_nfields; i++) {
			const struct class_field *f = &class_fields[i];
			struct fval v = { 0 };
			char text[64];

			if (f->flags & CF_GROUPS) {
				for (size_t g = 0; g < class_ngroups(p); g++) {
					snprintf(text, sizeof(text), "%" PRIu64,
						 class_group_value(p, c, g));
					scols_line_set_data(ln, col++, text);
				}
				continue;
			}
			f->get(p, c, total, page, &v);
			if (total && (f->flags & CF_NOT_TOTAL)) {
				snprintf(text, sizeof(text), "%s", v.s ? v.s : "");
			} else {
				/* FREEABLE is a size here as in top, never a count of pages */
				if (o->raw)
					field_format_bare(f->kind, &v, o->bytes, true, page, text,
							  sizeof(text));
				else
					field_format(f->kind, &v, o->bytes, true, page, text,
						     sizeof(text));
			}
			scols_line_set_data(ln, col++, text);
		}
	}
	if (!o->noheadings && !o->raw) {
		char freeable[32] = "-";

		if (p->has_freeable)
			cli_format_size(zs_freeable_bytes(&p->total, page), o->bytes, freeable,
					sizeof(freeable));
		printf("\nPool %s (%s, %s classes): compaction would free %s\n", p->name,
		       zs_pool_kind_name(p->kind),
		       p->format == ZS_CLASSES_FULLNESS ? "6.4+" : "pre-6.4", freeable);
	}
	r = cli_table_print(tb, o->raw);
out:
	scols_unref_table(tb);
	return r;
}

/*
 * zswap, when it is on or holds pages: one row per figure of zswap_fields,
 * the debugfs counters only where they could be read.
 */
static int print_zswap(const struct status_opts *o, const struct zs_snapshot *s)
{
	struct libscols_table *tb;
	int r = -ENOMEM;

	if (!zswap_in_use(s))
		return 0;
	tb = cli_table_new(o->raw, o->noheadings);
	if (!tb)
		return -ENOMEM;
	if (cli_table_column(tb, "ZSWAP", false) < 0 || cli_table_column(tb, "VALUE", true) < 0)
		goto out;
	for (size_t i = 0; i < zswap_nfields; i++) {
		const struct zswap_field *f = &zswap_fields[i];
		struct libscols_line *ln;
		char text[128];

		if (!f->label || !zswap_field_text(f, s, o->bytes, text, sizeof(text)))
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, f->label) < 0 ||
		    scols_line_set_data(ln, 1, text) < 0)
			goto out;
	}
	if (!o->noheadings && !o->raw) {
		printf("\nzswap:");
		if (s->zswap.stats_status != ZS_ZSWAP_STATS_OK)
			printf(" counters unavailable: %s",
			       zs_zswap_stats_status_str(s->zswap.stats_status));
		printf("\n");
	}
	r = cli_table_print(tb, o->raw);
out:
	scols_unref_table(tb);
	return r;
}

/* The cgroups holding zswap memory, one row each, from cgroup_fields. */
static int print_cgroups(const struct status_opts *o, const struct zs_snapshot *s)
{
	struct libscols_table *tb;
	int r = -ENOMEM;

	if (s->cgroups_status != ZS_CGROUPS_OK) {
		printf("\nzswap per cgroup unavailable: %s\n", zs_cgroups_status_str(s->cgroups_status));
		return 0;
	}
	if (!s->ncgroups) {
		if (!o->noheadings && !o->raw)
			printf("\nNo cgroup holds zswap memory.\n");
		return 0;
	}
	tb = cli_table_new(o->raw, o->noheadings);
	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < cgroup_nfields; i++)
		if (cli_table_column(tb, cgroup_fields[i].column, cgroup_fields[i].kind != FK_STR) < 0)
			goto out;
	for (size_t k = 0; k < s->ncgroups; k++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto out;
		for (size_t i = 0; i < cgroup_nfields; i++) {
			char text[600];

			cgroup_field_text(&cgroup_fields[i], &s->cgroups[k], o->bytes, s->page_size,
					  text, sizeof(text));
			if (scols_line_set_data(ln, i, text) < 0)
				goto out;
		}
	}
	if (!o->noheadings && !o->raw)
		printf("\nzswap per cgroup%s:\n",
		       s->cgroups_truncated ? " (a tree too big or deep: not all cgroups looked at)" : "");
	r = cli_table_print(tb, o->raw);
out:
	scols_unref_table(tb);
	return r;
}

/* One of the ages tables: a row per bucket, or per age counted. */
static int print_ages_table(const struct status_opts *o, const struct zs_ages *a, bool selection,
			    uint64_t page_size)
{
	const struct ages_field *fields = selection ? ages_select_fields : ages_bucket_fields;
	size_t nfields = selection ? ages_select_nfields : ages_bucket_nfields;
	unsigned int nrows = selection ? ZS_AGES_FOR_COUNT_ : ZS_AGES_BUCKETS;
	struct libscols_table *tb = cli_table_new(o->raw, o->noheadings);
	int r = -ENOMEM;

	if (!tb)
		return -ENOMEM;
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].column &&
		    cli_table_column(tb, fields[i].column, fields[i].kind != FK_STR) < 0)
			goto out;
	for (unsigned int row = 0; row < nrows; row++) {
		struct libscols_line *ln;
		size_t col = 0;

		if (selection && !a->sel[row].valid)
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto out;
		for (size_t i = 0; i < nfields; i++) {
			char scratch[64], text[96];
			struct fval v = { 0 };

			if (!fields[i].column)
				continue;
			fields[i].get(a, row, fields[i].arg, &v, scratch, sizeof(scratch));
			if (o->raw)
				field_format_bare(fields[i].kind, &v, o->bytes, false, page_size, text,
						  sizeof(text));
			else
				field_format(fields[i].kind, &v, o->bytes, false, page_size, text,
					     sizeof(text));
			if (scols_line_set_data(ln, col++, text) < 0)
				goto out;
		}
	}
	r = cli_table_print(tb, o->raw);
out:
	scols_unref_table(tb);
	return r;
}

/*
 * status --ages: per device, the slots by age, then what the policy's idle
 * ages (and --age) would select. Why there are none is said once.
 */
static int print_ages(const struct status_opts *o, const struct zs_snapshot *s,
		      const struct zs_snap_device *const *devs, size_t n)
{
	int r = 0;

	if (s->ages_status != ZS_AGES_OK)
		return 0; /* an error, said once */
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct zs_ages *a = &devs[i]->ages;
		const char *name = devs[i]->dev.name;

		if (!devs[i]->dev.initialised) {
			if (!o->noheadings && !o->raw)
				printf("\n%s: not initialised: no slots\n", name);
			continue;
		}
		if (!a->read)
			continue; /* reported as an error */
		if (!o->noheadings && !o->raw)
			printf("\n%s: %" PRIu64 " slots by the age of their last access (%" PRIu64
			       " s since boot):\n",
			       name, a->slots, a->now_us / 1000000);
		r = print_ages_table(o, a, false, s->page_size);
		if (r < 0)
			break;
		if (!o->noheadings && !o->raw)
			printf("\n%s: what writing an idle age would select (compressed sizes are not in block_state):\n",
			       name);
		r = print_ages_table(o, a, true, s->page_size);
	}
	return r;
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

/* ---- --rates: counters since the previous run ------------------------------------------ */

/*
 * The counters are the fields that Prometheus exports as counters, from
 * the same tables (zswap_fields, dev_fields), each under its JSON key.
 */
static bool is_counter(const char *metric_type)
{
	return metric_type && !strcmp(metric_type, "counter");
}

static unsigned int rates_needs(void)
{
	/* and the devices' identity: diskseq, mm_stat's pages_compacted */
	unsigned int needs = ZS_NEED_ZSWAP | ZS_NEED_DISKSEQ | ZS_NEED_MM;

	for (size_t i = 0; i < dev_nfields; i++)
		if (is_counter(dev_fields[i].metric_type))
			needs |= dev_fields[i].needs;
	return needs;
}

struct rates {
	struct zs_rates_sample *prev; /* NULL: no usable record */
	struct zs_rates_sample *now;
	enum zs_rate_status overall;  /* zs_rates_compare() */
	double interval;
	int save_err; /* 0: recorded; -EWOULDBLOCK: the gate is held; else why not */
	struct zs_gate_holder holder;
	char save_path[PATH_MAX];	 /* the file of save_err, below the root, or "" */
	char state_rates[PATH_MAX + 80]; /* the record's file, as a user names it */
};

static void rates_free(struct rates *rt)
{
	free(rt->prev);
	free(rt->now);
}

static int rates_sample(const struct zs_snapshot *s, const struct zs_snap_device *const *devs,
			size_t n, struct zs_rates_sample *now)
{
	struct zs_rates_object *o;
	struct fval v;

	if (s->has_zswap && s->zswap.present) {
		o = zs_rates_object(now, ZS_RATES_ZSWAP, NULL);
		for (size_t i = 0; o && i < zswap_nfields; i++) {
			if (!is_counter(zswap_fields[i].metric_type))
				continue;
			zswap_field_value(&zswap_fields[i], s, &v);
			if (v.present && zs_rates_object_add(o, zswap_fields[i].json_key, v.u) < 0)
				return -E2BIG;
		}
	}
	for (size_t d = 0; d < n; d++) {
		struct zs_identity id;

		zs_device_identity(&devs[d]->dev, &id);
		o = zs_rates_object(now, devs[d]->dev.name, &id);
		if (!o)
			return -E2BIG;
		for (size_t i = 0; i < dev_nfields; i++) {
			const struct dev_field *f = &dev_fields[i];
			char scratch[64];

			if (!is_counter(f->metric_type) ||
			    ((f->flags & F_INIT_ONLY) && !devs[d]->dev.initialised))
				continue;
			dev_field_value(f, devs[d], &v, scratch, sizeof(scratch));
			if (v.present && zs_rates_object_add(o, f->json_key, v.u) < 0)
				return -E2BIG;
		}
	}
	return 0;
}

/*
 * Read the previous record, take this run's sample and keep it for the
 * next run (under the gate; a held gate leaves the record as it was).
 * Problems with the record are warnings: a run without it is a first run.
 */
static int rates_run(struct cli *cli, struct zs_gate *gate, bool all, const struct zs_snapshot *s,
		     const struct zs_snap_device *const *devs, size_t n, struct rates *rt)
{
	int r;

	snprintf(rt->state_rates, sizeof(rt->state_rates), "%s%s", zs_gate_state_path(gate),
		 ZS_RATES_SUFFIX);
	rt->prev = calloc(1, sizeof(*rt->prev));
	rt->now = calloc(1, sizeof(*rt->now));
	if (!rt->prev || !rt->now) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	r = zs_rates_sample_begin(cli->ctx, rt->now);
	if (r < 0) {
		cli_lib_error(cli, "rates", r);
		return r;
	}
	r = rates_sample(s, devs, n, rt->now);
	if (r < 0) {
		cli_error(cli, "rates", r, "more counters than a record holds");
		return r;
	}
	r = zs_rates_load(gate, rt->prev);
	if (r == -EBADMSG)
		cli_warn(cli, rt->state_rates, "garbled; this run's record replaces it");
	else if (r < 0 && r != -ENOENT)
		cli_warn(cli, rt->state_rates, "cannot read: %s", cli_private_file_cause(r));
	if (r < 0) {
		free(rt->prev);
		rt->prev = NULL;
	}
	rt->overall = zs_rates_compare(rt->prev, rt->now, &rt->interval);
	/*
	 * The record the next run compares with: this run's counters, and
	 * those of devices not asked for this time, while the boot is the same.
	 */
	if (!all && rt->prev && rt->overall != ZS_RATE_REBOOT) {
		for (size_t i = 0; i < rt->prev->nobj; i++) {
			const struct zs_rates_object *was = &rt->prev->obj[i];
			struct zs_rates_object *o;
			size_t before = rt->now->nobj;

			o = zs_rates_object(rt->now, was->name, &was->id);
			if (o && rt->now->nobj > before)
				*o = *was;
		}
	}
	/* under a second, the earlier record stays the base: the next run gets a rate */
	rt->save_err = rt->overall == ZS_RATE_TOO_SHORT ? -EALREADY :
						      zs_rates_save(gate, rt->now, &rt->holder);
	if (rt->save_err && rt->save_err != -EALREADY && rt->save_err != -EWOULDBLOCK)
		snprintf(rt->save_path, sizeof(rt->save_path), "%s", zs_ctx_error_path(cli->ctx));
	return 0;
}

static void rates_recorded_sentence(const struct rates *rt, char *buf, size_t size)
{
	if (!rt->save_err)
		snprintf(buf, size, "recorded for the next zsctl status --rates");
	else if (rt->save_err == -EWOULDBLOCK && rt->holder.pid)
		snprintf(buf, size,
			 "not recorded: the compaction gate is held by pid %ld; the next run compares with the same previous record",
			 (long)rt->holder.pid);
	else if (rt->save_err == -EWOULDBLOCK)
		snprintf(buf, size,
			 "not recorded: the compaction gate is held; the next run compares with the same previous record");
	else if (rt->save_err == -EALREADY)
		snprintf(buf, size,
			 "not recorded: the previous record, less than a second old, stays the base of the next run");
	else
		snprintf(buf, size, "not recorded: %s%.*s%s", rt->save_path[0] ? "/" : "",
			 (int)(size / 2), rt->save_path, rt->save_path[0] ? ": " : "");
	if (rt->save_err && rt->save_err != -EALREADY && rt->save_err != -EWOULDBLOCK) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, "%s", cli_private_file_cause(rt->save_err));
	}
}

static void rate_text(const struct zs_rate *rate, char *delta, char *per_second, size_t size)
{
	if (rate->status != ZS_RATE_OK) {
		snprintf(delta, size, "-");
		snprintf(per_second, size, "%s", zs_rate_status_name(rate->status));
		return;
	}
	snprintf(delta, size, "%" PRIu64, rate->delta);
	snprintf(per_second, size, "%.2f", rate->per_second);
}

static int print_rates(const struct status_opts *o, const struct rates *rt)
{
	struct libscols_table *tb = cli_table_new(o->raw, o->noheadings);
	char line[512];
	int r = -ENOMEM;

	if (!tb)
		return -ENOMEM;
	if (cli_table_column(tb, "OBJECT", false) < 0 || cli_table_column(tb, "COUNTER", false) < 0 ||
	    cli_table_column(tb, "VALUE", true) < 0 || cli_table_column(tb, "DELTA", true) < 0 ||
	    cli_table_column(tb, "PER-SECOND", true) < 0)
		goto out;
	for (size_t i = 0; i < rt->now->nobj; i++) {
		const struct zs_rates_object *obj = &rt->now->obj[i];

		for (size_t k = 0; k < obj->ncounters; k++) {
			struct libscols_line *ln = scols_table_new_line(tb, NULL);
			char value[32], delta[32], per_second[32];
			struct zs_rate rate;

			if (!ln)
				goto out;
			zs_rate_of(rt->prev, rt->now, obj, k, &rate);
			snprintf(value, sizeof(value), "%" PRIu64, obj->counter[k].value);
			rate_text(&rate, delta, per_second, sizeof(delta));
			if (scols_line_set_data(ln, 0, obj->name) < 0 ||
			    scols_line_set_data(ln, 1, obj->counter[k].key) < 0 ||
			    scols_line_set_data(ln, 2, value) < 0 ||
			    scols_line_set_data(ln, 3, delta) < 0 ||
			    scols_line_set_data(ln, 4, per_second) < 0)
				goto out;
		}
	}
	if (!o->noheadings && !o->raw) {
		switch (rt->overall) {
		case ZS_RATE_OK:
			printf("\nCounters since the previous run, %.2f s ago, per second:\n",
			       rt->interval);
			break;
		case ZS_RATE_TOO_SHORT:
			printf("\nCounters: the previous run was %.2f s ago, too short for a rate:\n",
			       rt->interval);
			break;
		case ZS_RATE_REBOOT:
			printf("\nCounters: the previous run was before a reboot, so no rates:\n");
			break;
		default:
			printf("\nCounters: no previous run recorded (first run), so no rates:\n");
			break;
		}
	}
	r = cli_table_print(tb, o->raw);
	if (r >= 0 && !o->noheadings && !o->raw) {
		rates_recorded_sentence(rt, line, sizeof(line));
		printf("Rates: %s.\n", line);
	}
out:
	scols_unref_table(tb);
	return r;
}

static json_t *rates_json(const struct rates *rt)
{
	json_t *j = json_object(), *objs = json_array();
	char line[512];

	json_object_set_new(j, "previous", json_string(zs_rate_status_name(rt->overall)));
	if (rt->overall == ZS_RATE_OK || rt->overall == ZS_RATE_TOO_SHORT)
		json_object_set_new(j, "interval_seconds", json_real(rt->interval));
	json_object_set_new(j, "recorded", json_boolean(!rt->save_err));
	if (rt->save_err) {
		rates_recorded_sentence(rt, line, sizeof(line));
		json_object_set_new(j, "not_recorded_reason",
				    json_string(line + strlen("not recorded: ")));
	}
	for (size_t i = 0; i < rt->now->nobj; i++) {
		const struct zs_rates_object *obj = &rt->now->obj[i];
		json_t *o = json_object(), *cs = json_array();

		json_object_set_new(o, "object", json_string(obj->name));
		for (size_t k = 0; k < obj->ncounters; k++) {
			json_t *c = json_object();
			struct zs_rate rate;

			zs_rate_of(rt->prev, rt->now, obj, k, &rate);
			json_object_set_new(c, "counter", json_string(obj->counter[k].key));
			json_object_set_new(c, "value", cli_json_u64(obj->counter[k].value));
			json_object_set_new(c, "status", json_string(zs_rate_status_name(rate.status)));
			if (rate.status == ZS_RATE_OK) {
				json_object_set_new(c, "delta", cli_json_u64(rate.delta));
				json_object_set_new(c, "per_second", json_real(rate.per_second));
			}
			json_array_append_new(cs, c);
		}
		json_object_set_new(o, "counters", cs);
		json_array_append_new(objs, o);
	}
	json_object_set_new(j, "objects", objs);
	return j;
}

/* ---- the verb ---------------------------------------------------------------------- */

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
	       "     --cgroups         zswap per cgroup (cgroup v2), most zswap RAM first\n"
	       "     --ages            slot ages and what maintain's idle ages would select\n"
	       "                       (needs root, debugfs, CONFIG_ZRAM_MEMORY_TRACKING)\n"
	       "     --age DURATION    with --ages, what this idle age would select too\n"
	       "     --rates           counters per second since the previous --rates run\n"
	       "                       (recorded beside the state file, under the gate)\n"
	       "     --format FORMAT   table (default), json (as -J) or prometheus\n"
	       "     --prom-file PATH  Prometheus output, replacing PATH atomically (textfile)\n"
	       "     --lock-file PATH  the compaction gate's lock file, as compact's option\n"
	       "     --state-file PATH\n"
	       "                       the compaction state file, as compact's option\n"
	       " -h, --help            display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN; without one, every zram device.\n"
	       "\n"
	       "What zram costs is TOTAL (its pool's memory; RAM-SHARE of the machine's),\n"
	       "what it saves SAVED = DATA - TOTAL. Same-filled pages (zeros) count in DATA\n"
	       "but take no memory, so they raise RATIO and SAVED. ~ marks an estimate from\n"
	       "mm_stat (no class statistics), an upper bound; -r prints bare numbers (no ~,\n"
	       "no %%): FRAG-EST and COMPACTABLE-EST say which are estimates.\n"
	       "\n"
	       "Available output columns:\n");
	for (size_t i = 0; i < dev_nfields; i++)
		if (dev_fields[i].column)
			printf(" %16s  %s\n", dev_fields[i].column, dev_fields[i].help);
	printf("\nFor more details see zsctl-status(8).\n");
}

enum {
	OPT_OUTPUT_ALL = 0x100,
	OPT_CLASSES,
	OPT_CGROUPS,
	OPT_AGES,
	OPT_AGE,
	OPT_RATES,
	OPT_FORMAT,
	OPT_PROM_FILE,
	OPT_LOCK_FILE,
	OPT_STATE_FILE,
};

static int parse_args(struct cli *cli, int argc, char **argv, struct status_opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-all", no_argument, NULL, OPT_OUTPUT_ALL },
		{ "bytes", no_argument, NULL, 'b' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ "classes", no_argument, NULL, OPT_CLASSES },
		{ "cgroups", no_argument, NULL, OPT_CGROUPS },
		{ "ages", no_argument, NULL, OPT_AGES },
		{ "age", required_argument, NULL, OPT_AGE },
		{ "rates", no_argument, NULL, OPT_RATES },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "prom-file", required_argument, NULL, OPT_PROM_FILE },
		{ "lock-file", required_argument, NULL, OPT_LOCK_FILE },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
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
			o->noheadings = true;
			break;
		case 'r':
			o->raw = true;
			break;
		case 'J':
			o->json = true;
			break;
		case OPT_CLASSES:
			o->classes = true;
			break;
		case OPT_CGROUPS:
			o->cgroups = true;
			break;
		case OPT_AGES:
			o->ages = true;
			break;
		case OPT_AGE: {
			int err = zs_parse_duration(optarg, &o->age);

			/* Linux 7.3 parses idle's age as a u32 */
			if (!err && o->age > UINT32_MAX)
				err = -ERANGE;
			if (err < 0)
				return cli_bad_value(cli, "--age", optarg, err, ZS_DURATION_ACCEPTED);
			o->ages = o->has_age = true;
			break;
		}
		case OPT_RATES:
			o->rates = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json")) {
				o->json = cli->json = true;
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
		case OPT_LOCK_FILE:
		case OPT_STATE_FILE:
			if (cli_gate_path_opt(cli, c == OPT_LOCK_FILE, optarg, &o->gate_paths) < 0)
				return -EINVAL;
			break;
		case 'h':
			usage();
			return 1;
		case ':':
		default:
			cli_bad_option(cli, c, argv, longopts);
			return -EINVAL;
		}
	}
	o->ncols = 0;
	for (size_t i = 0; i < dev_nfields; i++)
		if (dev_fields[i].column && (all || (dev_fields[i].flags & F_DEFAULT)))
			o->cols[o->ncols++] = (int)i;
	if (output && parse_columns(cli, output, o) < 0)
		return -EINVAL;
	if (o->ages && o->prometheus) {
		cli_usage_error(cli, "status: --ages has no Prometheus output");
		return -EINVAL;
	}
	if (o->rates && o->prometheus) {
		/* Prometheus takes rates of counters itself (rate()) */
		cli_usage_error(cli, "status: --rates has no Prometheus output: its counters are exported as counters");
		return -EINVAL;
	}
	if (o->prometheus && o->json) {
		cli_usage_error(cli, "status: JSON and Prometheus output at once");
		return -EINVAL;
	}
	return 0;
}

/* What this run must read: its columns, or everything for JSON and Prometheus. */
static unsigned int needs_of(const struct status_opts *o)
{
	unsigned int cgroups = (o->cgroups ? ZS_NEED_CGROUPS : 0) |
			       (o->ages ? ZS_NEED_BLOCK_STATE | ZS_NEED_MEMINFO : 0) |
			       (o->rates ? rates_needs() : 0);
	/* below the table: the gate, zswap when in use (and swap on zram under it) */
	unsigned int after = ZS_NEED_GATE | ZS_NEED_ZSWAP_SUMMARY | ZS_NEED_SWAPS;

	if (o->prometheus) /* no metric of what maintain can do */
		return (ZS_NEED_ALL & ~(ZS_NEED_CGROUPS | ZS_NEED_MAINT)) | cgroups;
	if (o->json)
		return (ZS_NEED_ALL & ~ZS_NEED_CGROUPS) | cgroups;
	return dev_fields_needs(o->cols, o->ncols) | (o->classes ? ZS_NEED_POOLS : 0) |
	       (o->raw || o->noheadings ? 0 : after) | cgroups;
}

/* Errors of the read: each device's, then the users', the pools', the gate's. */
static void report_errors(struct cli *cli, const struct zs_snapshot *s, struct zs_gate *gate)
{
	const struct zs_gate_view *g = &s->gate;

	for (size_t i = 0; i < s->ndevs; i++) {
		const struct zs_ages *a = &s->devs[i].ages;

		if (s->devs[i].err)
			cli_file_error(cli, s->devs[i].dev.name, s->devs[i].err_path,
				       s->devs[i].err);
		else if (a->err == -EBADMSG)
			cli_error(cli, s->devs[i].dev.name, a->err,
				  "/%s: line %" PRIu64 ": not a block_state line (index, time, flags)",
				  a->err_path, a->err_line);
		else if (a->err)
			cli_file_error(cli, s->devs[i].dev.name, a->err_path, a->err);
	}
	if (s->users_err)
		cli_file_error(cli, "mounts", s->users_err_path, s->users_err);
	if (s->pools_err)
		cli_file_error(cli, "zsmalloc", s->pools_err_path, s->pools_err);
	if (s->has_zswap && s->zswap_err)
		cli_file_error(cli, "zswap", s->zswap_err_path, s->zswap_err);
	if (s->cgroups_err)
		cli_file_error(cli, "cgroups", s->cgroups_err_path, s->cgroups_err);
	for (size_t i = 0; i < s->ncgroups; i++) {
		const struct zs_cgroup_zswap *c = &s->cgroups[i];

		/* zswap.rst: with writeback off, incompressible pages stay in RAM for good */
		if (c->has_writeback && !c->writeback && c->stat[ZS_CG_ZSWAP_INCOMP])
			cli_warn(cli, c->path,
				 "memory.zswap.writeback is 0 and zswap holds incompressible pages of it: they stay in RAM, uncompressed");
	}
	if (s->has_zswap && s->zswap.enabled) {
		/*
		 * zswap compresses pages on their way to swap; when that swap
		 * is zram, pages are compressed twice (zswap.rst; zramd and
		 * others say: do not use zswap with zram).
		 */
		for (size_t i = 0; i < s->ndevs; i++)
			if (s->devs[i].dev.is_swap)
				cli_warn(cli, s->devs[i].dev.name,
					 "swap on zram while zswap is enabled: pages are compressed twice (echo N > /sys/module/zswap/parameters/enabled)");
	}
	if (!s->has_gate)
		return;
	if (g->query_err)
		cli_warn(cli, zs_gate_lock_path(gate), "cannot tell who holds the compaction gate: %s",
			 cli_errno_cause(g->query_err));
	if (g->state_err == -EBADMSG)
		cli_warn(cli, zs_gate_state_path(gate), "garbled; the next zsctl compact sets it aside");
	else if (g->state_err)
		cli_warn(cli, zs_gate_state_path(gate), "cannot read: %s",
			 cli_private_file_cause(g->state_err));
}

static void print_json(struct cli *cli, const struct status_opts *o, const struct zs_snapshot *s,
		       const struct zs_snap_device *const *devs, size_t n, char **names,
		       size_t nnames, bool all, const struct rates *rt)
{
	json_t *doc = cli_json_doc(), *jdevs = json_array(), *cs = json_object(), *zswap;

	for (size_t i = 0; i < n; i++) {
		json_t *d = dev_json(devs[i]);

		if (o->ages)
			json_object_set_new(d, "ages", ages_json(&devs[i]->ages, s->ages_status,
								  devs[i]->dev.initialised));
		json_array_append_new(jdevs, d);
	}
	json_object_set_new(doc, "devices", jdevs);
	json_object_set_new(cs, "available", json_boolean(s->classes_status == ZS_CLASSES_OK));
	if (s->classes_status != ZS_CLASSES_OK)
		json_object_set_new(cs, "reason",
				    json_string(zs_classes_status_str(s->classes_status)));
	json_object_set_new(doc, "class_statistics", cs);
	json_object_set_new(doc, "compaction", gate_json(&s->gate));
	zswap = zswap_json(s);
	if (zswap)
		json_object_set_new(doc, "zswap", zswap);
	if (o->cgroups) {
		json_t *cg = json_object(), *list = json_array();

		json_object_set_new(cg, "available", json_boolean(s->cgroups_status == ZS_CGROUPS_OK));
		if (s->cgroups_status != ZS_CGROUPS_OK)
			json_object_set_new(cg, "reason",
					    json_string(zs_cgroups_status_str(s->cgroups_status)));
		if (s->cgroups_truncated)
			json_object_set_new(cg, "truncated", json_true());
		for (size_t i = 0; i < s->ncgroups; i++)
			json_array_append_new(list, cgroup_json(&s->cgroups[i]));
		json_object_set_new(cg, "cgroups", list);
		json_object_set_new(doc, "zswap_cgroups", cg);
	}
	if (rt)
		json_object_set_new(doc, "rates", rates_json(rt));
	if (o->classes) {
		json_t *pl = json_array();

		for (size_t i = 0; i < s->npools; i++)
			if (pool_selected(&s->pools[i], names, nnames, all))
				json_array_append_new(pl, pool_json(&s->pools[i], s->page_size));
		json_object_set_new(doc, "pools", pl);
	}
	cli_json_print(cli, doc);
}

/*
 * --ages counts what maintain's ages would select, so it reads maintain's
 * configuration (zsctl.conf(5)); a refused one is a usage error, as there.
 */
static int load_ages_config(struct cli *cli, struct zs_config **ret)
{
	struct zs_config *cfg = calloc(1, sizeof(*cfg));
	struct zs_config_error e;
	int r;

	if (!cfg) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	r = zs_config_load(cli->ctx, NULL, cfg, &e);
	if (r < 0 && e.problem == ZS_CONFIG_NO_LIBRARY) {
		cli_error(cli, e.file, r,
			  "cannot load libeconf, which reads zsctl.conf(5), so maintain's ages are not known: %s",
			  e.cause);
		free(cfg);
		return r;
	}
	if (r < 0) {
		char where[4300];

		if (e.line)
			snprintf(where, sizeof(where), "%s:%" PRIu64, e.file, e.line);
		else
			snprintf(where, sizeof(where), "%s", e.file[0] ? e.file : "configuration");
		cli_error(cli, where, r,
			  "%s%s%s%s%s: refused, so maintain's ages are not known (zsctl maintain --dry-run says why)",
			  e.section[0] ? "[" : "", e.section, e.section[0] ? "]" : "",
			  e.section[0] && e.key[0] ? " " : "", e.key);
		if (r != -ENOMEM)
			cli->status = ZS_EXIT_USAGE;
		free(cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}

int verb_status(struct cli *cli, int argc, char **argv)
{
	struct status_opts o = { 0 };
	struct zs_reader_opts ro = { 0 };
	const struct zs_snap_device **shown = NULL;
	const struct zs_snapshot *s;
	struct zs_reader *reader = NULL;
	struct zs_gate *gate = NULL;
	struct zs_config *cfg = NULL;
	struct rates rt = { 0 };
	char **names = NULL;
	size_t nnames = 0, nshown = 0;
	bool all;
	int r;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	all = optind >= argc;
	if (!all && cli_parse_devices(cli, argc - optind, argv + optind, &names, &nnames) < 0)
		return cli->status;

	ro.needs = needs_of(&o);
	ro.devices = names;
	ro.ndevices = nnames;
	if (o.ages && load_ages_config(cli, &cfg) < 0)
		goto out;
	ro.ages_config = cfg;
	ro.age = o.age;
	ro.has_age = o.has_age;
	r = zs_gate_new(cli->ctx, o.gate_paths.lock_path, o.gate_paths.state_path, &gate);
	if (r >= 0) {
		ro.gate = gate;
		r = zs_reader_new(cli->ctx, &ro, &reader);
	}
	if (r >= 0)
		r = zs_reader_refresh(reader, &s);
	if (r < 0) {
		if (r == -ENOMEM)
			cli_error(cli, NULL, r, "out of memory");
		else
			cli_lib_error(cli, "zram", r);
		goto out;
	}
	report_errors(cli, s, gate);
	if (o.ages && s->ages_status != ZS_AGES_OK)
		cli_error(cli, "ages", s->ages_status == ZS_AGES_NO_PERMISSION ? -EACCES : -ENOENT,
			  "slot ages unavailable: %s", zs_ages_status_str(s->ages_status));

	/* one device's trouble does not hide the others */
	shown = calloc(s->ndevs ? s->ndevs : 1, sizeof(*shown));
	if (!shown) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->ndevs; i++)
		if (!s->devs[i].err)
			shown[nshown++] = &s->devs[i];

	/* the rates' trouble (no proc/uptime in a dump) is said, and the rest shown */
	if (o.rates && rates_run(cli, gate, all, s, shown, nshown, &rt) < 0) {
		if (!rt.prev || !rt.now)
			goto out;
		o.rates = false;
	}
	if (o.prometheus) {
		struct prom_input in = {
			.snap = s, .devs = shown, .ndevs = nshown, .all_pools = all,
			.classes = o.classes, .cgroups = o.cgroups,
		};

		prom_status(cli, &in, o.prom_file);
	} else if (o.json) {
		print_json(cli, &o, s, shown, nshown, names, nnames, all, o.rates ? &rt : NULL);
	} else {
		if (nshown)
			r = print_devices(&o, s, shown, nshown);
		print_busy(&o, shown, nshown);
		print_gate(&o, &s->gate);
		/* -n, -r: read for --rates only, as before */
		if (r >= 0 && !o.raw && !o.noheadings)
			r = print_zswap(&o, s);
		if (o.classes) {
			if (s->classes_status != ZS_CLASSES_OK)
				printf("\nClass statistics unavailable: %s\n",
				       zs_classes_status_str(s->classes_status));
			for (size_t i = 0; i < s->npools && r >= 0; i++)
				if (pool_selected(&s->pools[i], names, nnames, all))
					r = print_pool(&o, &s->pools[i], s->page_size);
		}
		if (r >= 0 && o.cgroups)
			r = print_cgroups(&o, s);
		if (r >= 0 && o.ages)
			r = print_ages(&o, s, shown, nshown);
		if (r >= 0 && o.rates)
			r = print_rates(&o, &rt);
		if (r < 0)
			cli_error(cli, NULL, r, "out of memory");
	}
out:
	rates_free(&rt);
	free(shown);
	free(cfg);
	zs_reader_free(reader);
	zs_gate_free(gate);
	zs_strv_free(names);
	return cli->status;
}
