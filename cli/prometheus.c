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

#include "fields.h"
#include "status.h"

/* A sample's value: an integer printed exactly, or a double. */
struct sample {
	bool is_int;
	bool is_signed; /* is_int, in i */
	uint64_t u;
	int64_t i;
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
	if (s->is_int && s->is_signed)
		fprintf(f, " %" PRId64 "\n", s->i);
	else if (s->is_int)
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

/* ---- per device ------------------------------------------------------------------------ */

/* A device field's sample: its value, scaled, or 1 with the string as a label. */
static bool dev_sample(const struct dev_field *f, const struct zs_snap_device *d, struct sample *s,
		       char *scratch, size_t size)
{
	struct fval v;

	dev_field_value(f, d, &v, scratch, size);
	if (!v.present)
		return false;
	*s = integer(v.u);
	switch (f->kind) {
	case FK_STR:
		if ((f->flags & F_NOT_NONE) && (!v.s[0] || !strcmp(v.s, "none")))
			return false;
		if (f->json_kind == FK_BOOL) {
			s->u = v.b; /* initstate: 1 or 0, not the word */
			return true;
		}
		s->u = 1;
		s->lname = f->metric_label;
		s->lvalue = v.s;
		return true;
	case FK_RATIO:
	case FK_PERCENT:
		*s = real(v.d);
		break;
	case FK_SSIZE:
		s->is_signed = true;
		s->i = v.i;
		break;
	default:
		s->u = f->metric_scale ? zs_mul_sat(v.u, f->metric_scale) : v.u;
		break;
	}
	if (f->metric_label) {
		/* an estimate or the kernel's own figure */
		s->lname = f->metric_label;
		s->lvalue = v.estimate ? "estimate" : "classes";
	}
	return true;
}

static void put_devices(FILE *f, const struct prom_input *in)
{
	for (size_t m = 0; m < dev_nfields; m++) {
		const struct dev_field *df = &dev_fields[m];
		bool header = false;

		if (!df->metric)
			continue;
		for (size_t i = 0; i < in->ndevs; i++) {
			struct sample s = { 0 };
			char scratch[1024];

			if (!dev_sample(df, in->devs[i], &s, scratch, sizeof(scratch)))
				continue;
			if (!header)
				put_header(f, df->metric, df->metric_type, df->metric_help);
			header = true;
			put_sample(f, df->metric, "device", in->devs[i]->dev.name, NULL, NULL, &s);
		}
	}
}

/* ---- pools and classes ------------------------------------------------------------------- */

static bool pool_shown(const struct prom_input *in, const struct zs_pool *p)
{
	if (in->all_pools)
		return true;
	for (size_t i = 0; i < in->ndevs; i++)
		if (in->devs[i]->pool == p)
			return true;
	return false;
}

static bool class_sample(const struct class_field *cf, const struct zs_pool *p,
			 const struct zs_class *c, bool total, uint64_t page, struct sample *s)
{
	struct fval v = { 0 };

	cf->get(p, c, total, page, &v);
	if (!v.present)
		return false;
	if (cf->kind == FK_PERCENT)
		*s = real(v.d);
	else if (cf->flags & CF_PAGES)
		*s = integer(zs_mul_sat(v.u, page));
	else
		*s = integer(v.u);
	return true;
}

static void put_pools(FILE *f, const struct prom_input *in)
{
	const struct zs_snapshot *sn = in->snap;
	bool header = false;

	for (size_t i = 0; i < sn->npools; i++) {
		const struct zs_pool *p = &sn->pools[i];
		bool first = true;

		if (!pool_shown(in, p))
			continue;
		if (!header)
			put_header(f, "zsctl_pool_info", "gauge",
				   "A zsmalloc pool with class statistics: kind (zram, zswap, other) and classes format; always 1.");
		header = true;
		fputs("zsctl_pool_info", f);
		put_label(f, &first, "pool", p->name);
		put_label(f, &first, "kind", zs_pool_kind_name(p->kind));
		put_label(f, &first, "format", p->format == ZS_CLASSES_FULLNESS ? "fullness" : "almost");
		fputs("} 1\n", f);
	}
	for (size_t m = 0; m < class_nfields; m++) {
		const struct class_field *cf = &class_fields[m];
		char name[96];

		if (!cf->metric)
			continue;
		snprintf(name, sizeof(name), "zsctl_pool_%s", cf->metric);
		header = false;
		for (size_t i = 0; i < sn->npools; i++) {
			const struct zs_pool *p = &sn->pools[i];
			struct sample s;

			if (!pool_shown(in, p) ||
			    !class_sample(cf, p, &p->total, true, sn->page_size, &s))
				continue;
			if (!header)
				put_header(f, name, "gauge", cf->pool_help);
			header = true;
			put_sample(f, name, "pool", p->name, NULL, NULL, &s);
		}
	}
}

static void put_classes(FILE *f, const struct prom_input *in)
{
	const struct zs_snapshot *sn = in->snap;

	for (size_t m = 0; m < class_nfields; m++) {
		const struct class_field *cf = &class_fields[m];
		bool header = false;
		char name[96];

		if (!cf->metric || !cf->class_help)
			continue;
		snprintf(name, sizeof(name), "zsctl_pool_class_%s", cf->metric);
		for (size_t i = 0; i < sn->npools; i++) {
			const struct zs_pool *p = &sn->pools[i];

			if (!pool_shown(in, p))
				continue;
			for (size_t k = 0; k < p->nclasses; k++) {
				struct sample s;
				char cls[16];

				if (!class_sample(cf, p, &p->classes[k], false, sn->page_size, &s))
					continue;
				if (!header)
					put_header(f, name, "gauge", cf->class_help);
				header = true;
				snprintf(cls, sizeof(cls), "%u", p->classes[k].index);
				put_sample(f, name, "pool", p->name, "class", cls, &s);
			}
		}
	}
}

/* ---- the compaction gate ----------------------------------------------------------------- */

static void put_result_set(FILE *f, const char *name, const char *device, enum zs_result result)
{
	for (unsigned int r = 1; r < ZS_RESULT_COUNT_; r++) {
		struct sample s = integer(result == (enum zs_result)r);

		s.lname = "result";
		s.lvalue = zs_result_name((enum zs_result)r);
		put_sample(f, name, device ? "device" : NULL, device, NULL, NULL, &s);
	}
}

/* The gate's records of the devices shown, one family at a time. */
enum dev_record {
	REC_TIME,
	REC_FREED,
	REC_RESULT,
};

static void put_device_records(FILE *f, const struct prom_input *in, enum dev_record what)
{
	static const char *const names[] = {
		[REC_TIME] = "zsctl_compact_device_last_run_timestamp_seconds",
		[REC_FREED] = "zsctl_compact_device_last_freed_bytes",
		[REC_RESULT] = "zsctl_compact_device_last_result",
	};
	static const char *const helps[] = {
		[REC_TIME] = "When zsctl compact last compacted (or tried) the device, in seconds since the epoch.",
		[REC_FREED] = "What zsctl compact's last compaction of the device freed.",
		[REC_RESULT] = "zsctl compact's last result on the device: 1 for the result label that applies, 0 for the others.",
	};
	const struct zs_state *st = &in->snap->gate.state;
	bool header = false;

	for (size_t i = 0; i < in->ndevs; i++) {
		const struct zs_state_device *sd;
		struct zs_identity id;
		struct sample s;

		/* the history of this device, not of an earlier one of its name */
		zs_device_identity(&in->devs[i]->dev, &id);
		sd = zs_state_device_of(st, in->devs[i]->dev.name, &id);
		if (!sd || (what == REC_RESULT && sd->last_result == ZS_RESULT_NONE))
			continue;
		if (!header)
			put_header(f, names[what], "gauge", helps[what]);
		header = true;
		if (what == REC_RESULT) {
			put_result_set(f, names[what], sd->name, sd->last_result);
			continue;
		}
		s = integer(what == REC_TIME ? sd->last_time : sd->last_freed);
		put_sample(f, names[what], "device", sd->name, NULL, NULL, &s);
	}
}

static void put_gate(FILE *f, const struct prom_input *in)
{
	const struct zs_gate_view *g = &in->snap->gate;
	const struct zs_state *st = &g->state;
	struct sample s;

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

	if (st->last_result != ZS_RESULT_NONE) {
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
	put_device_records(f, in, REC_TIME);
	put_device_records(f, in, REC_FREED);
	put_device_records(f, in, REC_RESULT);
}

/* ---- zswap ------------------------------------------------------------------------------ */

/* Every zswap field with a metric, from the same descriptions as status's rows and JSON. */
static void put_zswap(FILE *f, const struct prom_input *in)
{
	const struct zs_snapshot *sn = in->snap;
	struct sample s;

	if (!sn->has_zswap || !sn->zswap.present)
		return; /* no CONFIG_ZSWAP: nothing to say, as for a value the kernel lacks */
	for (size_t i = 0; i < zswap_nfields; i++) {
		const struct zswap_field *zf = &zswap_fields[i];
		struct fval v;

		zswap_field_value(zf, sn, &v);
		if (!zf->metric || !v.present)
			continue;
		if (zf->metric_label) {
			if (!v.s || !v.s[0])
				continue;
			s = integer(1);
			s.lname = zf->metric_label;
			s.lvalue = v.s;
		} else if (zf->kind == FK_RATIO || zf->kind == FK_PERCENT) {
			s = real(v.d);
		} else if (zf->flags & ZF_SIGNED) {
			s = real((double)v.i);
		} else {
			s = integer(v.u);
		}
		put_header(f, zf->metric, zf->metric_type, zf->metric_help);
		put_sample(f, zf->metric, NULL, NULL, NULL, NULL, &s);
	}
	put_header(f, "zswap_statistics_available", "gauge",
		   "1 when zswap's debugfs counters could be read (debugfs mounted, root), else 0.");
	s = integer(sn->zswap.stats_status == ZS_ZSWAP_STATS_OK);
	put_sample(f, "zswap_statistics_available", NULL, NULL, NULL, NULL, &s);
}

_Static_assert(CGROUP_METRICS_MAX == 64, "zswap_cgroups' help and zsctl-status(8) say 64");

/*
 * Per cgroup, label cgroup: at most CGROUP_METRICS_MAX of them (the most
 * zswap RAM first), for a series per cgroup is what a Prometheus server
 * pays for.
 */
static void put_cgroups(FILE *f, const struct prom_input *in)
{
	const struct zs_snapshot *sn = in->snap;
	size_t n = sn->ncgroups < CGROUP_METRICS_MAX ? sn->ncgroups : CGROUP_METRICS_MAX;
	struct sample s;

	put_header(f, "zswap_cgroups_available", "gauge",
		   "1 when per-cgroup zswap figures could be read (cgroup v2 with the memory controller), else 0.");
	s = integer(sn->cgroups_status == ZS_CGROUPS_OK);
	put_sample(f, "zswap_cgroups_available", NULL, NULL, NULL, NULL, &s);
	put_header(f, "zswap_cgroups", "gauge",
		   "Cgroups that hold zswap memory; at most 64 of them, the most zswap RAM first, have the zswap_cgroup_ metrics.");
	s = integer(sn->ncgroups);
	put_sample(f, "zswap_cgroups", NULL, NULL, NULL, NULL, &s);
	for (size_t m = 0; m < cgroup_nfields; m++) {
		const struct cgroup_field *cf = &cgroup_fields[m];
		bool header = false;

		if (!cf->metric)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct fval v = { 0 };

			cf->get(&sn->cgroups[i], cf->arg, &v);
			if (!v.present)
				continue;
			if (!header)
				put_header(f, cf->metric, cf->metric_type, cf->metric_help);
			header = true;
			s = integer(v.u);
			put_sample(f, cf->metric, "cgroup", sn->cgroups[i].path, NULL, NULL, &s);
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
	s = integer(in->snap->classes_status == ZS_CLASSES_OK);
	put_sample(f, "zsctl_class_statistics_available", NULL, NULL, NULL, NULL, &s);
	put_pools(f, in);
	if (in->classes)
		put_classes(f, in);
	put_gate(f, in);
	put_zswap(f, in);
	if (in->cgroups)
		put_cgroups(f, in);
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
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	put_all(f, cli, in);
	if (fclose(f) != 0) {
		free(buf);
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	r = write_atomically(file, buf, len);
	free(buf);
	if (r < 0)
		cli_error(cli, file, r, "cannot write the metrics: %s", strerror(-r));
	return r;
}
