// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl maintain: zram's post-processing driven from user space, one device
 * at a time under the compaction gate's run: recompress idle and huge
 * pages, write idle pages back within a budget kept in the state file, and
 * compact where it pays. Marking idle and the action that uses the mark
 * follow each other with nothing of ours in between: since "zram: clear
 * IDLE flag in mark_idle()" (6.13) writing an age also clears IDLE on
 * younger pages, so a second marker in between would change the selection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const char *const result_names[ZS_MAINT_COUNT_] = {
	[ZS_MAINT_NONE] = "",
	[ZS_MAINT_DONE] = "done",
	[ZS_MAINT_WOULD] = "would",
	[ZS_MAINT_DISABLED] = "disabled",
	[ZS_MAINT_UNSUPPORTED] = "unsupported",
	[ZS_MAINT_UNINITIALISED] = "uninitialised",
	[ZS_MAINT_NO_BACKING] = "no-backing-device",
	[ZS_MAINT_NO_ALGORITHM] = "no-recomp-algorithm",
	[ZS_MAINT_NO_LIMIT] = "no-writeback-limit",
	[ZS_MAINT_TOO_SOON] = "too-soon",
	[ZS_MAINT_BUDGET_USED] = "budget-used",
	[ZS_MAINT_BELOW_MINIMUM] = "below-minimum",
	[ZS_MAINT_BACKING_FULL] = "backing-device-full",
	[ZS_MAINT_KERNEL_BUSY] = "kernel-busy",
	[ZS_MAINT_NO_ACTIME] = "no-access-times",
	[ZS_MAINT_WAITING] = "waiting-for-age",
	[ZS_MAINT_NOT_WORTH] = "not-worth-it",
	[ZS_MAINT_GATED] = "gated",
	[ZS_MAINT_FAILED] = "failed",
};

const char *zs_maint_result_name(enum zs_maint_result r)
{
	return (unsigned int)r < ZS_MAINT_COUNT_ ? result_names[r] : "";
}

int zs_maint_result_parse(const char *s, enum zs_maint_result *ret)
{
	for (unsigned int i = 1; i < ZS_MAINT_COUNT_; i++) {
		if (!strcmp(s, result_names[i])) {
			*ret = (enum zs_maint_result)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool zs_maint_result_failed(enum zs_maint_result r)
{
	return r == ZS_MAINT_FAILED;
}

const char *zs_maint_step_name(enum zs_maint_step s)
{
	static const char *const names[ZS_STEP_COUNT_] = { "recompress", "writeback", "compact" };

	return (unsigned int)s < ZS_STEP_COUNT_ ? names[s] : "";
}

uint64_t zs_maint_idle_age(uint64_t min, uint64_t max, uint64_t mem_available,
			   uint64_t mem_total)
{
	double u = 0.0, age;

	if (max <= min)
		return min;
	/* the platforms' pressure: u = 1 - MemAvailable/MemTotal, λ = 5 (zram_idle.cc, idle.rs) */
	if (mem_total && mem_available <= mem_total)
		u = 1.0 - (double)mem_available / (double)mem_total;
	age = (double)min + (double)(max - min) * exp(-5.0 * u);
	if (age >= (double)max)
		return max;
	return age <= (double)min ? min : (uint64_t)age;
}

/*
 * The rolling 24 h: drop the hours that ended 24 h ago or more, sum the
 * rest. An hour counts whole while any of it is in the window, so the
 * budget is never exceeded in any 24 hours, at the cost of an hour's
 * delay. An hour ahead of the clock (the clock went back) still counts.
 * A record from before wb_hours (wb_day, wb_day_pages only) becomes the
 * hour of its wb_day.
 */
void zs_maint_wb_window(struct zs_maint_record *rec, uint64_t now)
{
	unsigned int kept = 0;
	uint64_t oldest = UINT64_MAX, sum = 0;

	if (!rec->has_writeback) {
		rec->wb_nhours = 0;
		rec->wb_day_pages = 0;
	} else if (!rec->wb_nhours && rec->wb_day_pages) {
		rec->wb_hours[0].start = rec->wb_day - rec->wb_day % ZS_WB_HOUR;
		rec->wb_hours[0].pages = rec->wb_day_pages;
		rec->wb_nhours = 1;
	}
	for (unsigned int i = 0; i < rec->wb_nhours && i < ZS_WB_HOURS; i++) {
		const struct zs_wb_hour *h = &rec->wb_hours[i];

		if (zs_add_sat(h->start, ZS_WB_HOUR + ZS_WB_DAY) <= now)
			continue;
		rec->wb_hours[kept++] = *h;
		sum = zs_add_sat(sum, h->pages);
		if (h->start < oldest)
			oldest = h->start;
	}
	rec->wb_nhours = kept;
	rec->wb_day_pages = sum;
	rec->wb_day = kept ? oldest : now - now % ZS_WB_HOUR;
}

/* Pages written back at now, into its hour (the window first made current). */
void zs_maint_wb_add(struct zs_maint_record *rec, uint64_t now, uint64_t pages)
{
	uint64_t hour = now - now % ZS_WB_HOUR;
	struct zs_wb_hour *h = NULL;

	zs_maint_wb_window(rec, now);
	for (unsigned int i = 0; i < rec->wb_nhours; i++)
		if (rec->wb_hours[i].start == hour)
			h = &rec->wb_hours[i];
	if (!h && !pages)
		return;
	if (!h && rec->wb_nhours < ZS_WB_HOURS) {
		h = &rec->wb_hours[rec->wb_nhours++];
		h->start = hour;
		h->pages = 0;
	}
	/* full (the clock went back): into the newest hour, still counted */
	if (!h) {
		h = &rec->wb_hours[0];
		for (unsigned int i = 1; i < rec->wb_nhours; i++)
			if (rec->wb_hours[i].start > h->start)
				h = &rec->wb_hours[i];
	}
	h->pages = zs_add_sat(h->pages, pages);
	rec->wb_day_pages = zs_add_sat(rec->wb_day_pages, pages);
	if (h->start < rec->wb_day)
		rec->wb_day = h->start;
}

uint64_t zs_maint_wb_budget(const struct zs_maint_policy *p, uint64_t orig_data_size,
			    uint64_t disksize, uint64_t backing_free, uint64_t day_used,
			    enum zs_maint_result *why)
{
	uint64_t max_pages = p->writeback_max / ZS_WB_PAGE;
	uint64_t min_pages = p->writeback_min / ZS_WB_PAGE;
	uint64_t daily = p->writeback_daily / ZS_WB_PAGE;
	uint64_t n, left;

	*why = ZS_MAINT_DONE;
	/* linear in how full the device is, in basis points as ChromeOS does */
	if (!disksize || orig_data_size >= disksize)
		n = max_pages;
	else
		n = (uint64_t)((double)max_pages * ((double)orig_data_size / (double)disksize));
	if (n > backing_free) {
		n = backing_free;
		if (!n) {
			*why = ZS_MAINT_BACKING_FULL;
			return 0;
		}
	}
	if (n > max_pages)
		n = max_pages;
	if (n < min_pages || !n) {
		*why = ZS_MAINT_BELOW_MINIMUM;
		return 0;
	}
	left = day_used >= daily ? 0 : daily - day_used;
	if (n > left)
		n = left;
	if (!n)
		*why = ZS_MAINT_BUDGET_USED;
	return n;
}

/* ---- the kernel's files ------------------------------------------------------------ */

static int read_attr(struct zs_ctx *ctx, const char *dev, const char *name, char **ret)
{
	const struct zs_attr *a = zs_attr_find(name);

	return a ? zs_attr_read(ctx, dev, a, ret) : -ENOENT;
}

static int read_stat(struct zs_ctx *ctx, const char *dev, const char *name, struct zs_stat *st)
{
	char *text = NULL;
	int r = read_attr(ctx, dev, name, &text);

	if (r >= 0)
		r = !strcmp(name, "mm_stat") ? zs_parse_mm_stat(text, st) :
					       zs_parse_bd_stat(text, st);
	free(text);
	return r;
}

static int read_u64(struct zs_ctx *ctx, const char *dev, const char *name, uint64_t *v)
{
	char *text = NULL;
	int r = read_attr(ctx, dev, name, &text);

	if (r >= 0) {
		text[strcspn(text, "\n")] = '\0';
		r = zs_parse_u64(text, v);
	}
	free(text);
	return r;
}

static int write_attr(struct zs_ctx *ctx, const char *dev, const char *name, const char *value)
{
	const struct zs_attr *a = zs_attr_find(name);

	zs_ctx_begin(ctx);
	return a ? zs_attr_write(ctx, dev, a, value) : -ENOENT;
}

enum zs_maint_result zs_maint_supported(const struct zs_device *dev, enum zs_maint_step step)
{
	const struct zs_maint_support *s = &dev->maint;

	switch (step) {
	case ZS_STEP_RECOMPRESS:
		if (!s->has_recompress)
			return ZS_MAINT_UNSUPPORTED;
		if (!dev->initialised)
			return ZS_MAINT_UNINITIALISED;
		return s->has_algorithm ? ZS_MAINT_NONE : ZS_MAINT_NO_ALGORITHM;
	case ZS_STEP_WRITEBACK:
		if (!s->has_writeback)
			return ZS_MAINT_UNSUPPORTED;
		if (!dev->initialised)
			return ZS_MAINT_UNINITIALISED;
		if (!s->has_backing)
			return ZS_MAINT_NO_BACKING;
		return s->has_limit ? ZS_MAINT_NONE : ZS_MAINT_NO_LIMIT;
	case ZS_STEP_COMPACT:
		return dev->initialised ? ZS_MAINT_NONE : ZS_MAINT_UNINITIALISED;
	default:
		return ZS_MAINT_UNSUPPORTED;
	}
}

/* The kernel's answers to a post-processing write, each a result of its own. */
static enum zs_maint_result kernel_answer(int err)
{
	switch (err) {
	case -ENOSPC:
		return ZS_MAINT_BACKING_FULL;
	case -EAGAIN:
		return ZS_MAINT_KERNEL_BUSY;
	case -ENODEV:
		return ZS_MAINT_NO_BACKING;
	default:
		return ZS_MAINT_FAILED;
	}
}

static const char *const pp_names[] = { "huge_idle", "idle", "huge" };

static void step_fail(struct zs_ctx *ctx, struct zs_maint_step_report *st, int err,
		      enum zs_maint_result result)
{
	st->result = result;
	st->err = err;
	zs_copy_path(st->err_path, sizeof(st->err_path), zs_ctx_error_path(ctx));
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Mark idle for one type of pages: an age where the kernel tracks access
 * times. Without them (EINVAL), "all" once, and act only when that mark is
 * age old (Android mmd's UntrackedIdleMarker). 1: act now; 0: not yet.
 */
static int mark_idle(struct zs_ctx *ctx, const char *dev, uint64_t age, uint64_t now,
		     struct zs_maint_record *rec, struct zs_maint_step_report *st)
{
	char val[32];
	int r;

	snprintf(val, sizeof(val), "%" PRIu64, age);
	r = write_attr(ctx, dev, "idle", val);
	if (r != -EINVAL)
		return r < 0 ? r : 1;
	st->result = ZS_MAINT_NO_ACTIME;
	if (rec->has_idle_all && now >= rec->idle_all && now - rec->idle_all >= age) {
		st->idle_all_used = true;
		return 1; /* marked long enough ago: what is still idle is that old */
	}
	if (!rec->has_idle_all) {
		r = write_attr(ctx, dev, "idle", "all");
		if (r < 0)
			return r;
		rec->has_idle_all = true;
		rec->idle_all = now;
	}
	st->next = rec->idle_all + age;
	st->result = ZS_MAINT_WAITING;
	return 0;
}

static void recompress(struct zs_ctx *ctx, const struct zs_snapshot *s, const struct zs_device *dev,
		       const struct zs_maint_policy *p, bool dry_run, uint64_t now,
		       struct zs_maint_record *rec, struct zs_maint_step_report *st)
{
	struct zs_stat mm;
	uint64_t t0;
	int r = 0;

	if (!p->recompress || !p->recompress_types) {
		st->result = ZS_MAINT_DISABLED;
		return;
	}
	st->result = zs_maint_supported(dev, ZS_STEP_RECOMPRESS);
	if (st->result != ZS_MAINT_NONE)
		return;
	if (rec->has_recompress && now >= rec->rc_time &&
	    now - rec->rc_time < p->recompress_backoff) {
		st->result = ZS_MAINT_TOO_SOON;
		st->next = rec->rc_time + p->recompress_backoff;
		return;
	}
	/* mmd adds the suspended time to the recompression age too; ChromeOS does not */
	st->age = zs_maint_idle_age(p->recompress_age_min, p->recompress_age_max,
				    s->meminfo.val[ZS_MEMINFO_MEM_AVAILABLE],
				    s->meminfo.val[ZS_MEMINFO_MEM_TOTAL]);
	st->types = p->recompress_types;
	st->compr_before = st->compr_after = dev->mm.val[ZS_MM_COMPR_DATA_SIZE];
	st->mem_before = st->mem_after = dev->mm.val[ZS_MM_MEM_USED_TOTAL];
	if (dry_run) {
		st->result = ZS_MAINT_WOULD;
		return;
	}
	if (read_stat(ctx, dev->name, "mm_stat", &mm) >= 0) {
		st->compr_before = mm.val[ZS_MM_COMPR_DATA_SIZE];
		st->mem_before = mm.val[ZS_MM_MEM_USED_TOTAL];
	}
	t0 = mono_ns();
	st->result = ZS_MAINT_DONE;
	st->types = 0;
	for (unsigned int i = 0; i < ZS_ARRAY_SIZE(pp_names) && r >= 0; i++) {
		char cmd[128];
		int len;

		if (!(p->recompress_types & (1u << i)))
			continue;
		if ((1u << i) != ZS_PP_HUGE) {
			r = mark_idle(ctx, dev->name, st->age, now, rec, st);
			if (r < 0) {
				step_fail(ctx, st, r, ZS_MAINT_FAILED);
				break;
			}
			if (r == 0)
				continue; /* waiting for the mark to age */
		}
		len = snprintf(cmd, sizeof(cmd), "type=%s threshold=%" PRIu64, pp_names[i],
			       p->recompress_threshold);
		if (p->recompress_max_pages)
			snprintf(cmd + len, sizeof(cmd) - (size_t)len, " max_pages=%" PRIu64,
				 p->recompress_max_pages);
		r = write_attr(ctx, dev->name, "recompress", cmd);
		if (r < 0) {
			step_fail(ctx, st, r, kernel_answer(r));
			break;
		}
		st->types |= 1u << i;
		if (st->result == ZS_MAINT_NO_ACTIME || st->result == ZS_MAINT_WAITING)
			st->result = ZS_MAINT_DONE;
	}
	st->duration_ns = mono_ns() - t0;
	if (read_stat(ctx, dev->name, "mm_stat", &mm) >= 0) {
		st->compr_after = mm.val[ZS_MM_COMPR_DATA_SIZE];
		st->mem_after = mm.val[ZS_MM_MEM_USED_TOTAL];
	}
	if (st->types || st->result != ZS_MAINT_WAITING) {
		rec->has_recompress = true;
		rec->rc_time = now;
		rec->rc_result = st->result;
	}
}

static void writeback(struct zs_ctx *ctx, const struct zs_snapshot *s, const struct zs_device *dev,
		      const struct zs_maint_policy *p, bool dry_run, uint64_t now,
		      struct zs_maint_record *rec, struct zs_maint_step_report *st)
{
	enum zs_maint_result why;
	struct zs_stat bd;
	uint64_t limit = 0, t0, suspended, recompress_age;
	bool was_enabled;
	char val[32];
	int r = 0;

	if (!p->writeback || !p->writeback_types) {
		st->result = ZS_MAINT_DISABLED;
		return;
	}
	st->result = zs_maint_supported(dev, ZS_STEP_WRITEBACK);
	if (st->result != ZS_MAINT_NONE)
		return;
	if (rec->has_writeback && now >= rec->wb_time && now - rec->wb_time < p->writeback_backoff) {
		st->result = ZS_MAINT_TOO_SOON;
		st->next = rec->wb_time + p->writeback_backoff;
		return;
	}
	zs_maint_wb_window(rec, now);
	st->day_used = rec->wb_day_pages;
	st->budget = zs_maint_wb_budget(p, dev->mm.val[ZS_MM_ORIG_DATA_SIZE], dev->disksize,
					dev->maint.backing_free, rec->wb_day_pages, &why);
	if (!st->budget) {
		st->result = why;
		/* when the oldest hour leaves the window */
		st->next = why == ZS_MAINT_BUDGET_USED ?
				   zs_add_sat(rec->wb_day, ZS_WB_HOUR + ZS_WB_DAY) : 0;
		/* a round that ends here is a round: the state says how it ended */
		rec->has_writeback = true;
		rec->wb_time = now;
		rec->wb_result = why;
		return;
	}
	/*
	 * zram's ac_time is boottime, which runs on in suspend: add the time
	 * suspended since boot (at most the age), so that "idle" means idle
	 * while awake. An upper bound: never shorter than the age awake.
	 */
	suspended = zs_ctx_is_live(ctx) ? zs_suspended_seconds() : 0;
	zs_ages_policy(p, &s->meminfo, suspended, &recompress_age, &st->age);
	st->types = p->writeback_types;
	if (dry_run) {
		st->result = ZS_MAINT_WOULD;
		return;
	}
	t0 = mono_ns();
	was_enabled = dev->writeback_limit_enable;
	snprintf(val, sizeof(val), "%" PRIu64, st->budget);
	/*
	 * The limit before the switch: enabled first, the old limit (0 on a
	 * fresh device) would end any writeback running then with EIO (seen
	 * on 6.12 beside a raw writer). The kernel takes a limit while off.
	 */
	r = write_attr(ctx, dev->name, "writeback_limit", val);
	if (r >= 0)
		r = write_attr(ctx, dev->name, "writeback_limit_enable", "1");
	if (r >= 0)
		r = read_u64(ctx, dev->name, "writeback_limit", &limit);
	if (r < 0) {
		step_fail(ctx, st, r, ZS_MAINT_FAILED);
		goto restore;
	}
	st->result = ZS_MAINT_DONE;
	st->types = 0;
	for (unsigned int i = 0; i < ZS_ARRAY_SIZE(pp_names) && limit; i++) {
		uint64_t writes_before;
		bool before_ok;

		if (!(p->writeback_types & (1u << i)))
			continue;
		if ((1u << i) != ZS_PP_HUGE) {
			/* again before each type: the age is what selects */
			r = mark_idle(ctx, dev->name, st->age, now, rec, st);
			if (r < 0) {
				step_fail(ctx, st, r, ZS_MAINT_FAILED);
				break;
			}
			if (r == 0)
				continue;
		}
		before_ok = read_stat(ctx, dev->name, "bd_stat", &bd) >= 0;
		writes_before = before_ok ? bd.val[ZS_BD_WRITES] : 0;
		r = write_attr(ctx, dev->name, "writeback", pp_names[i]);
		/*
		 * What the kernel wrote is bd_stat's rise around this one write:
		 * the kernel counts no writer apart. EAGAIN (6.12 to 6.19:
		 * another post-processing write holds pp_in_progress) means
		 * this write wrote nothing; the rise is the other writer's.
		 */
		if (before_ok && r != -EAGAIN && read_stat(ctx, dev->name, "bd_stat", &bd) >= 0 &&
		    bd.val[ZS_BD_WRITES] >= writes_before)
			st->written = zs_add_sat(st->written, bd.val[ZS_BD_WRITES] - writes_before);
		if (r < 0) {
			int err = r;

			r = read_u64(ctx, dev->name, "writeback_limit", &limit);
			if (err == -EIO && r >= 0 && !limit) {
				/*
				 * writeback_store() ends a round with EIO when
				 * writeback_limit reaches 0: this round's budget
				 * is written, a success (what it wrote is
				 * bd_stat's rise above).
				 */
				st->types |= 1u << i;
				break;
			}
			step_fail(ctx, st, err, kernel_answer(err));
			break;
		}
		st->types |= 1u << i;
		if (st->result == ZS_MAINT_NO_ACTIME || st->result == ZS_MAINT_WAITING)
			st->result = ZS_MAINT_DONE;
		if (read_u64(ctx, dev->name, "writeback_limit", &limit) < 0)
			break;
	}
	zs_maint_wb_add(rec, now, st->written);
	st->day_used = rec->wb_day_pages;
restore:
	/* a limit left on would stop an admin's own writeback at 0 */
	if (!was_enabled)
		write_attr(ctx, dev->name, "writeback_limit_enable", "0");
	st->duration_ns = mono_ns() - t0;
	if (st->types || st->result != ZS_MAINT_WAITING) {
		rec->has_writeback = true;
		rec->wb_time = now;
		rec->wb_result = st->result;
	}
}

static void compact(struct zs_reader *r, struct zs_gate_run *run, const struct zs_snap_device *sd,
		    const struct zs_maint_policy *p, bool dry_run, uint64_t now,
		    struct zs_maint_step_report *st)
{
	const struct zs_device *dev = &sd->dev;
	const struct zs_state_device *rec;
	struct zs_identity id;
	enum zs_decision d;
	uint64_t t0;
	int err;

	if (!p->compact) {
		st->result = ZS_MAINT_DISABLED;
		return;
	}
	st->est = sd->derived;
	zs_device_identity(dev, &id);
	rec = zs_state_device_of(zs_gate_run_state(run), dev->name, &id);
	d = zs_compact_decide(&p->compact_policy, dev, &st->est,
			      zs_gate_run_last_compacted(run, dev->name, &id), rec ? rec->lean : 0,
			      now);
	switch (d) {
	case ZS_DECIDE_UNINITIALISED:
		st->result = ZS_MAINT_UNINITIALISED;
		return;
	case ZS_DECIDE_TOO_SOON:
		st->result = ZS_MAINT_TOO_SOON;
		return;
	case ZS_DECIDE_NOT_WORTH:
	case ZS_DECIDE_BACKED_OFF: /* its last compactions did not pay: compact's backoff */
		st->result = ZS_MAINT_NOT_WORTH;
		return;
	case ZS_DECIDE_COMPACT:
		break;
	}
	if (dry_run) {
		st->result = ZS_MAINT_WOULD;
		return;
	}
	/* the step, its mm_stat before and after included, as the other steps count theirs */
	t0 = mono_ns();
	err = zs_reader_compact(r, dev->name, &st->compact);
	st->duration_ns = mono_ns() - t0;
	if (err < 0) {
		st->result = ZS_MAINT_FAILED;
		st->err = err;
		zs_gate_run_record(run, dev->name, &id, ZS_RESULT_FAILED, 0, now);
		return;
	}
	st->result = st->compact.kernel_gated ? ZS_MAINT_GATED : ZS_MAINT_DONE;
	if (zs_stat_has(&st->compact.after, ZS_MM_PAGES_COMPACTED))
		id.pages_compacted = st->compact.after.val[ZS_MM_PAGES_COMPACTED];
	zs_gate_run_record(run, dev->name, &id,
			   st->compact.kernel_gated ? ZS_RESULT_GATED : ZS_RESULT_COMPACTED,
			   st->compact.freed, now);
	/* the estimate's learned floor and the backoff, as compact keeps them */
	if (!st->compact.kernel_gated)
		zs_gate_run_learn(run, dev->name, &st->compact.after, st->compact.freed,
				  p->compact_policy.min_gain);
}

int zs_maintain_device(struct zs_ctx *ctx, struct zs_reader *r, struct zs_gate_run *run,
		       const char *name, const struct zs_maint_policy *p, bool dry_run, uint64_t now,
		       struct zs_maint_report *rep)
{
	const struct zs_snapshot *s = zs_reader_snapshot(r);
	struct zs_snap_device *sd = s ? zs_snapshot_device(s, name) : NULL;
	struct zs_state_device *rec;
	struct zs_maint_record m = { 0 };
	const struct zs_state_device *old;

	memset(rep, 0, sizeof(*rep));
	snprintf(rep->name, sizeof(rep->name), "%s", name);
	if (!sd)
		return -ENODEV;
	if (sd->err)
		return sd->err;
	/* budgets by name: they outlive the device (a reboot makes it anew) */
	old = zs_state_device_find(zs_gate_run_state(run), name);
	if (old)
		m = old->maint;
	rep->support = sd->dev.maint;
	/* for readers: on 7.x the device's every read waits for these two (reader.c) */
	zs_gate_run_phase(run, name, ZS_PHASE_RECOMPRESS);
	recompress(ctx, s, &sd->dev, p, dry_run, now, &m, &rep->step[ZS_STEP_RECOMPRESS]);
	zs_gate_run_phase(run, name, ZS_PHASE_WRITEBACK);
	writeback(ctx, s, &sd->dev, p, dry_run, now, &m, &rep->step[ZS_STEP_WRITEBACK]);
	/*
	 * "all" marked without access times serves until the longer age
	 * acted on it: then the next run marks anew, new pages included.
	 */
	if (rep->step[ZS_STEP_WRITEBACK].idle_all_used ||
	    (rep->step[ZS_STEP_RECOMPRESS].idle_all_used &&
	     !rep->step[ZS_STEP_WRITEBACK].age))
		m.has_idle_all = false;
	/* the pool as recompression and writeback left it, for compaction's estimate */
	if (!dry_run && (rep->step[ZS_STEP_RECOMPRESS].types || rep->step[ZS_STEP_WRITEBACK].types)) {
		const struct zs_snapshot *fresh;

		if (zs_reader_refresh(r, &fresh) >= 0) {
			struct zs_snap_device *now_sd = zs_snapshot_device(fresh, name);

			if (now_sd && !now_sd->err)
				sd = now_sd;
		}
	}
	zs_gate_run_phase(run, name, ZS_PHASE_COMPACT);
	compact(r, run, sd, p, dry_run, now, &rep->step[ZS_STEP_COMPACT]);
	zs_gate_run_phase(run, NULL, ZS_PHASE_NONE);
	if (dry_run)
		return 0;
	rec = zs_gate_run_device(run, name);
	if (!rec)
		return 0; /* the state is full: the run goes on, unrecorded */
	rec->maint = m;
	/* every record carries a compaction result: none yet is "skipped" */
	if (rec->last_result == ZS_RESULT_NONE) {
		rec->last_result = ZS_RESULT_SKIPPED;
		rec->last_time = now;
		zs_device_identity(&sd->dev, &rec->id);
	}
	return 0;
}
