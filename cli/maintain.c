// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl maintain: recompress, write back and compact zram devices, for
 * cron and timers, under the same single-owner gate as zsctl compact. The
 * policy comes from the configuration files (zsctl.conf(5)) and --policy;
 * the budgets and backoffs from the state file.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fields.h"

#define MAX_POLICY_ARGS 64

struct maintain_opts {
	double wait;
	int conflict_code;
	const char *lock_path, *state_path;
	const char *config_path; /* --config: this file alone */
	const char *policy[MAX_POLICY_ARGS]; /* --policy KEY=VALUE, in order */
	size_t npolicy;
	bool dry_run;
	bool quiet;
	bool json;
};

static void usage(void)
{
	size_t n;
	const struct zs_knob *k = zs_knob_table(&n);
	struct zs_maint_policy p;

	zs_maint_policy_default(&p);
	printf("Usage:\n"
	       " zsctl [global options] maintain [options] [DEVICE...]\n"
	       "\n"
	       "Recompress idle and huge pages, write idle pages to the backing device within\n"
	       "a daily budget, and compact where it pays, device by device, one zsctl at a\n"
	       "time: a process that finds the gate held steps aside at once.\n"
	       "\n"
	       "Options:\n"
	       " -p, --policy KEY=VALUE       set a policy key for this run (over the files)\n"
	       " -c, --config FILE            read only FILE, not " ZS_CONFIG_DIR "/zsctl.conf\n"
	       "                                and its drop-ins\n"
	       " -w, --wait SECS              wait up to SECS (fractions allowed) for the gate\n"
	       " -E, --conflict-exit-code N   exit status when the gate is held (default 1)\n"
	       "     --dry-run                say what would be done and why not; change nothing\n"
	       "     --lock-file PATH         the gate's lock file\n"
	       "                                (default " ZS_LOCK_PATH ")\n"
	       "     --state-file PATH        the state file\n"
	       "                                (default " ZS_STATE_PATH ")\n"
	       " -q, --quiet                  print errors only (for cron)\n"
	       " -J, --json                   JSON output\n"
	       " -h, --help                   display this help\n"
	       "\n"
	       "Policy keys (default):\n");
	for (size_t i = 0; i < n; i++) {
		char val[64], lead[160];

		zs_knob_format(&k[i], &p, val, sizeof(val));
		snprintf(lead, sizeof(lead), " %s (%s)", k[i].name, val);
		if (strlen(lead) > 32)
			printf("%s\n%-33s %s\n", lead, "", k[i].help);
		else
			printf("%-33s %s\n", lead, k[i].help);
	}
	printf("\n"
	       "DEVICE is zramN or /dev/zramN; without one, every zram device.\n"
	       "\n"
	       "Exit status: 0 done, or nothing to do, 1 (or -E N) the gate is held,\n"
	       "2 usage or a bad configuration file, 3 a step, the lock or the state file failed.\n"
	       "\n"
	       "For more details see zsctl-maintain(8) and zsctl.conf(5).\n");
}

enum {
	OPT_DRY_RUN = 0x100,
	OPT_LOCK_FILE,
	OPT_STATE_FILE,
};

/* The policy key a mistyped one most likely meant, or NULL. */
static const char *knob_suggest(const char *key)
{
	size_t n = 0;
	const struct zs_knob *knobs = zs_knob_table(&n);

	return CLI_SUGGEST(key, strlen(key), knobs, n, name);
}

static int parse_args(struct cli *cli, int argc, char **argv, struct maintain_opts *o)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "conflict-exit-code", required_argument, NULL, 'E' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "lock-file", required_argument, NULL, OPT_LOCK_FILE },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct zs_maint_policy scratch;
	uint64_t v;
	int c, r;

	cli_scan_json_flag(cli, argc, argv, "qJ");
	zs_maint_policy_default(&scratch);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:c:w:E:qJh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			const char *eq = strchr(optarg, '=');
			char key[64];
			const struct zs_knob *k;

			if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof(key)) {
				cli_usage_error(cli, "maintain: --policy: '%.40s' is not KEY=VALUE",
						optarg);
				return -EINVAL;
			}
			snprintf(key, sizeof(key), "%.*s", (int)(eq - optarg), optarg);
			k = zs_knob_find(key);
			if (!k) {
				const char *hint = knob_suggest(key);

				if (hint)
					cli_usage_error(cli,
							"maintain: --policy: unknown key '%.40s'; "
							"did you mean '%s'?",
							key, hint);
				else
					cli_usage_error(cli,
							"maintain: --policy: unknown key '%.40s' "
							"(see zsctl maintain --help)",
							key);
				return -EINVAL;
			}
			/* checked now, applied over the files once they are read */
			r = zs_knob_set(k, &scratch, eq + 1);
			if (r < 0)
				return cli_bad_value(cli, key, eq + 1, r, zs_knob_accepted(k));
			if (o->npolicy == MAX_POLICY_ARGS) {
				cli_usage_error(cli, "maintain: too many --policy options");
				return -EINVAL;
			}
			o->policy[o->npolicy++] = optarg;
			break;
		}
		case 'c':
			o->config_path = optarg;
			break;
		case 'w':
			r = zs_parse_seconds(optarg, &o->wait);
			if (r < 0)
				return cli_bad_value(cli, "--wait", optarg, r, ZS_SECONDS_ACCEPTED);
			break;
		case 'E':
			r = zs_parse_u64(optarg, &v);
			if (r < 0 || v > 255)
				return cli_bad_value(cli, "--conflict-exit-code", optarg,
						     r < 0 ? r : -ERANGE, "a number from 0 to 255");
			o->conflict_code = (int)v;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_LOCK_FILE:
		case OPT_STATE_FILE:
			if (optarg[0] != '/' || strlen(optarg) >= 4096 ||
			    !strrchr(optarg, '/')[1]) {
				cli_usage_error(cli, "maintain: %s needs an absolute path",
						c == OPT_LOCK_FILE ? "--lock-file" : "--state-file");
				return -EINVAL;
			}
			*(c == OPT_LOCK_FILE ? &o->lock_path : &o->state_path) = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'J':
			o->json = true;
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
	return 0;
}

static const char *knob_accepted(const char *key)
{
	const struct zs_knob *k = zs_knob_find(key);

	return k ? zs_knob_accepted(k) : "a value zsctl.conf(5) lists";
}

/* A refused configuration: one line naming file, line, section and key, and the cause. */
static void config_error(struct cli *cli, const struct zs_config_error *e)
{
	char where[4300], what[300];
	size_t len;

	if (e->file[0] && e->line)
		snprintf(where, sizeof(where), "%s:%" PRIu64, e->file, e->line);
	else if (e->file[0])
		snprintf(where, sizeof(where), "%s", e->file);
	else
		snprintf(where, sizeof(where), "configuration");
	what[0] = '\0';
	if (e->section[0])
		snprintf(what, sizeof(what), "[%s] ", e->section);
	len = strlen(what);
	if (e->key[0])
		snprintf(what + len, sizeof(what) - len, "%s: ", e->key);
	switch (e->problem) {
	case ZS_CONFIG_UNREADABLE:
		cli_error(cli, where, e->err, "cannot read the configuration file: %s",
			  strerror(-e->err));
		break;
	case ZS_CONFIG_SYNTAX:
		cli_error(cli, where, e->err, "%scannot parse: %s", what,
			  e->cause[0] ? e->cause : "syntax error");
		break;
	case ZS_CONFIG_NO_SECTION:
		cli_error(cli, where, e->err, "%sa key outside a section (put it under [maintain])",
			  what);
		break;
	case ZS_CONFIG_UNKNOWN_SECTION:
		cli_error(cli, where, e->err,
			  "%sunknown section (sections are [maintain] and [zramN])", what);
		break;
	case ZS_CONFIG_UNKNOWN_KEY: {
		const char *hint = knob_suggest(e->key);

		if (hint)
			cli_error(cli, where, e->err, "%sunknown key; did you mean '%s'?", what,
				  hint);
		else
			cli_error(cli, where, e->err, "%sunknown key (see zsctl.conf(5))", what);
		break;
	}
	case ZS_CONFIG_BAD_VALUE:
		if (e->cause[0])
			cli_error(cli, where, e->err, "%s%s", what, e->cause);
		else
			cli_error(cli, where, e->err, "%sinvalid value '%.40s'; expected %s", what,
				  e->value, knob_accepted(e->key));
		break;
	case ZS_CONFIG_RANGE:
		cli_error(cli, where, e->err, "%svalue '%.40s' out of range; expected %s", what,
			  e->value, knob_accepted(e->key));
		break;
	case ZS_CONFIG_CONFLICT:
		cli_error(cli, where, e->err, "%s%s %s", what, e->cause, e->other);
		break;
	case ZS_CONFIG_TOO_MANY:
		cli_error(cli, where, e->err, "%smore than %d device sections", what,
			  ZS_CONFIG_MAX_DEVICES);
		break;
	case ZS_CONFIG_NO_LIBRARY:
		cli_error(cli, e->file, e->err, "cannot load libeconf, which reads zsctl.conf(5): %s",
			  e->cause);
		cli->status = ZS_EXIT_COMPACT_FAILED;
		return;
	case ZS_CONFIG_OK:
		break;
	}
	cli->status = ZS_EXIT_USAGE;
}

static void types_str(unsigned int types, char *buf, size_t size)
{
	static const char *const names[] = { "huge_idle", "idle", "huge" };
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(types & (1u << i)))
			continue;
		snprintf(buf + len, size - len, "%s%s", len ? "," : "", names[i]);
		len = strlen(buf);
	}
}

static void duration_str(uint64_t s, char *buf, size_t size)
{
	if (s % 3600 == 0)
		snprintf(buf, size, "%" PRIu64 "h", s / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%" PRIu64 "m", s / 60);
}

/*
 * Why compaction would not pay, from the estimate and the policy, in
 * compact's terms: a pool past compact-min-frag still needs
 * zs_compact_frag_gain() (compact's 256K floor, or compact-min-gain when
 * lower). An estimate at or above compact-min-gain was turned down by
 * compact's backoff after compactions that freed less.
 */
static void not_worth_reason(const struct zs_derived *x, const struct zs_policy *cp, char *buf,
			     size_t size)
{
	char est[32], gain[32], need[32];
	const char *approx = x->compactable_exact ? "" : "~";

	if (!x->has_compactable || !x->compactable) {
		snprintf(buf, size, "compaction would free nothing");
		return;
	}
	cli_format_size(x->compactable, false, est, sizeof(est));
	cli_format_size(cp->min_gain, false, gain, sizeof(gain));
	cli_format_size(zs_compact_frag_gain(cp), false, need, sizeof(need));
	if (x->compactable >= cp->min_gain)
		snprintf(buf, size,
			 "its last compactions freed less than compact-min-gain %s: backing off "
			 "(estimate %s%s)",
			 gain, approx, est);
	else if (!x->has_fragmentation || cp->min_frag > 1.0)
		snprintf(buf, size, "it would not pay: %s%s to free, below compact-min-gain %s",
			 approx, est, gain);
	else if (x->fragmentation >= cp->min_frag)
		snprintf(buf, size,
			 "it would not pay: %s%s to free, below compact-min-gain %s and below %s, "
			 "what a pool past compact-min-frag %.0f%% needs",
			 approx, est, gain, need, cp->min_frag * 100.0);
	else
		snprintf(buf, size,
			 "it would not pay: %s%s to free, below compact-min-gain %s, and "
			 "fragmentation %s%.1f%% below compact-min-frag %.0f%% (past which %s "
			 "would do)",
			 approx, est, gain, x->fragmentation_exact ? "" : "~",
			 x->fragmentation * 100.0, cp->min_frag * 100.0, need);
}

/* Why a step did not run, in words; buf for the words that need figures. */
static const char *why_not(enum zs_maint_step step, const struct zs_maint_step_report *st,
			   const struct zs_maint_policy *p, char *buf, size_t size)
{
	switch (st->result) {
	case ZS_MAINT_DISABLED:
		return "disabled by the policy";
	case ZS_MAINT_UNSUPPORTED:
		return step == ZS_STEP_RECOMPRESS ?
			       "this kernel has no recompress (CONFIG_ZRAM_MULTI_COMP, Linux 6.2)" :
			       "this kernel has no writeback (CONFIG_ZRAM_WRITEBACK)";
	case ZS_MAINT_UNINITIALISED:
		return "not initialised";
	case ZS_MAINT_NO_BACKING:
		return "no backing device";
	case ZS_MAINT_NO_ALGORITHM:
		return "no secondary algorithm in recomp_algorithm";
	case ZS_MAINT_NO_LIMIT:
		return "this kernel has no writeback_limit: no budget can be kept";
	case ZS_MAINT_TOO_SOON:
		return step == ZS_STEP_COMPACT ? "compacted less than compact-min-interval ago" :
						 "too soon after the last round";
	case ZS_MAINT_BUDGET_USED:
		return "the daily budget is used";
	case ZS_MAINT_BELOW_MINIMUM:
		return "the round's budget is below writeback-min";
	case ZS_MAINT_BACKING_FULL:
		return "the backing device is full";
	case ZS_MAINT_KERNEL_BUSY:
		return "another post-processing operation was running (EAGAIN): next run";
	case ZS_MAINT_WAITING:
		return "no access-time tracking: marked all pages idle, waiting for the age";
	case ZS_MAINT_NOT_WORTH:
		not_worth_reason(&st->est, &p->compact_policy, buf, size);
		return buf;
	case ZS_MAINT_GATED:
		return "turned away by the kernel: another compaction of this pool was running";
	default:
		return NULL;
	}
}

static void print_step(const struct maintain_opts *o, const struct zs_maint_report *rep,
		       const struct zs_maint_policy *p, enum zs_maint_step step)
{
	const struct zs_maint_step_report *st = &rep->step[step];
	const char *name = rep->name, *sname = zs_maint_step_name(step);
	char types[64], age[32], a[32], b[32], next[32], took[32], reason[256];
	const char *why;

	if (o->quiet || st->result == ZS_MAINT_FAILED)
		return; /* errors were reported where they happened */
	types_str(st->types, types, sizeof(types));
	duration_str(st->age, age, sizeof(age));
	zs_format_elapsed(st->duration_ns, took, sizeof(took));
	why = why_not(step, st, p, reason, sizeof(reason));
	if (st->result == ZS_MAINT_WOULD) {
		switch (step) {
		case ZS_STEP_RECOMPRESS:
			printf("%s: recompress: would recompress %s pages idle for %s\n", name,
			       types, age);
			break;
		case ZS_STEP_WRITEBACK:
			cli_format_size(zs_mul_sat(st->budget, ZS_WB_PAGE), false, a, sizeof(a));
			printf("%s: writeback: would write back up to %s (%" PRIu64
			       " pages) of %s pages idle for %s\n",
			       name, a, st->budget, types, age);
			break;
		case ZS_STEP_COMPACT:
			cli_format_size(st->est.compactable, false, a, sizeof(a));
			printf("%s: compact: would compact: it would free %s%s\n", name,
			       st->est.compactable_exact ? "" : "~", a);
			break;
		default:
			break;
		}
		return;
	}
	if (st->result != ZS_MAINT_DONE) {
		if (step == ZS_STEP_WRITEBACK && st->budget && st->written) {
			/* ENOSPC, say, after part of the round */
			printf("%s: %s: stopped: %s (%" PRIu64 " pages written back first)\n", name,
			       sname, why ? why : "", st->written);
			return;
		}
		if (st->next && st->result != ZS_MAINT_BUDGET_USED) {
			zs_format_utc((int64_t)st->next, next, sizeof(next));
			printf("%s: %s: skipped: %s (next at %s)\n", name, sname, why ? why : "",
			       next);
		} else {
			printf("%s: %s: skipped: %s\n", name, sname, why ? why : "");
		}
		return;
	}
	switch (step) {
	case ZS_STEP_RECOMPRESS:
		cli_format_size(st->compr_before > st->compr_after ?
					st->compr_before - st->compr_after : 0,
				false, a, sizeof(a));
		cli_format_size(st->mem_before > st->mem_after ? st->mem_before - st->mem_after : 0,
				false, b, sizeof(b));
		printf("%s: recompress: %s pages idle for %s: compressed data %s smaller, "
		       "memory %s freed, in %s\n",
		       name, types, age, a, b, took);
		break;
	case ZS_STEP_WRITEBACK:
		cli_format_size(zs_mul_sat(st->written, ZS_WB_PAGE), false, a, sizeof(a));
		printf("%s: writeback: %s pages idle for %s: wrote %" PRIu64 " pages (%s) of a "
		       "budget of %" PRIu64 "; %" PRIu64 " today, in %s\n",
		       name, types, age, st->written, a, st->budget, st->day_used, took);
		break;
	case ZS_STEP_COMPACT:
		cli_format_size(st->compact.freed > 0 ? (uint64_t)st->compact.freed : 0, false, a,
				sizeof(a));
		printf("%s: compact: freed %s (%" PRIu64 " pages compacted) in %s\n", name, a,
		       st->compact.pages_compacted, took);
		break;
	default:
		break;
	}
}

static json_t *json_step(const struct zs_maint_report *rep, const struct zs_maint_policy *p,
			 enum zs_maint_step step)
{
	const struct zs_maint_step_report *st = &rep->step[step];
	json_t *o = json_object();
	char types[64], reason[256];
	const char *why = why_not(step, st, p, reason, sizeof(reason));

	json_object_set_new(o, "step", json_string(zs_maint_step_name(step)));
	json_object_set_new(o, "result", json_string(zs_maint_result_name(st->result)));
	if (why)
		json_object_set_new(o, "reason", json_string(why));
	if (st->err)
		json_object_set_new(o, "errno", json_integer(-st->err));
	if (st->next)
		json_object_set_new(o, "next", cli_json_u64(st->next));
	if (step == ZS_STEP_WRITEBACK && st->budget && st->result != ZS_MAINT_DONE &&
	    st->result != ZS_MAINT_WOULD) {
		/* a round that set its limit and then failed: what it wrote all the same */
		json_object_set_new(o, "budget_pages", cli_json_u64(st->budget));
		json_object_set_new(o, "written_pages", cli_json_u64(st->written));
		json_object_set_new(o, "day_pages", cli_json_u64(st->day_used));
		json_object_set_new(o, "duration_ns", cli_json_u64(st->duration_ns));
		return o;
	}
	if (st->result != ZS_MAINT_DONE && st->result != ZS_MAINT_WOULD)
		return o;
	if (step != ZS_STEP_COMPACT) {
		types_str(st->types, types, sizeof(types));
		json_object_set_new(o, "types", json_string(types));
		json_object_set_new(o, "idle_age", cli_json_u64(st->age));
	}
	if (st->result == ZS_MAINT_WOULD) {
		if (step == ZS_STEP_WRITEBACK)
			json_object_set_new(o, "budget_pages", cli_json_u64(st->budget));
		if (step == ZS_STEP_COMPACT && st->est.has_compactable)
			json_object_set_new(o, "compactable", cli_json_u64(st->est.compactable));
		return o;
	}
	if (step != ZS_STEP_COMPACT)
		json_object_set_new(o, "duration_ns", cli_json_u64(st->duration_ns));
	switch (step) {
	case ZS_STEP_RECOMPRESS:
		json_object_set_new(o, "compr_data_size_before", cli_json_u64(st->compr_before));
		json_object_set_new(o, "compr_data_size_after", cli_json_u64(st->compr_after));
		json_object_set_new(o, "mem_used_total_before", cli_json_u64(st->mem_before));
		json_object_set_new(o, "mem_used_total_after", cli_json_u64(st->mem_after));
		break;
	case ZS_STEP_WRITEBACK:
		json_object_set_new(o, "budget_pages", cli_json_u64(st->budget));
		json_object_set_new(o, "written_pages", cli_json_u64(st->written));
		json_object_set_new(o, "day_pages", cli_json_u64(st->day_used));
		break;
	case ZS_STEP_COMPACT:
		if (st->est.has_compactable)
			json_object_set_new(o, "compactable", cli_json_u64(st->est.compactable));
		if (st->result == ZS_MAINT_DONE) {
			json_object_set_new(o, "freed", json_integer((json_int_t)st->compact.freed));
			json_object_set_new(o, "pages_compacted",
					    cli_json_u64(st->compact.pages_compacted));
			json_object_set_new(o, "duration_ns", cli_json_u64(st->duration_ns));
		}
		break;
	default:
		break;
	}
	return o;
}

static json_t *json_device(const struct zs_maint_report *rep, const struct zs_maint_policy *p)
{
	json_t *o = json_object(), *steps = json_array();

	json_object_set_new(o, "name", json_string(rep->name));
	json_object_set_new(o, "support", maint_support_json(&rep->support));
	for (unsigned int i = 0; i < ZS_STEP_COUNT_; i++)
		json_array_append_new(steps, json_step(rep, p, i));
	json_object_set_new(o, "steps", steps);
	return o;
}

/* Report a failed step once, naming the file the kernel refused. */
static void report_failures(struct cli *cli, const struct zs_maint_report *rep)
{
	for (unsigned int i = 0; i < ZS_STEP_COUNT_; i++) {
		const struct zs_maint_step_report *st = &rep->step[i];

		if (st->result != ZS_MAINT_FAILED)
			continue;
		if (st->err == -EACCES || st->err == -EPERM)
			cli_error(cli, rep->name, st->err, "%s: Permission denied (need root)",
				  zs_maint_step_name(i));
		else
			cli_file_error(cli, rep->name, st->err_path, st->err);
	}
}

/*
 * What maintain decides on: mm_stat, the pools, the backing device, the
 * memory, and the gate's state, where what each device's last compaction
 * left makes the compaction step's estimate (as compact's).
 */
static const unsigned int maintain_needs = ZS_NEED_MM | ZS_NEED_POOLS | ZS_NEED_DISKSEQ |
					   ZS_NEED_DISKSIZE | ZS_NEED_BD | ZS_NEED_BACKING |
					   ZS_NEED_MEMINFO | ZS_NEED_GATE | ZS_NEED_MAINT;

int verb_maintain(struct cli *cli, int argc, char **argv)
{
	struct maintain_opts o = { .conflict_code = 1 };
	struct zs_config_error ce;
	struct zs_config *cfg = NULL;
	struct zs_reader_opts ro = { .needs = maintain_needs };
	const struct zs_snapshot *s = NULL;
	struct zs_gate_run *run = NULL;
	struct zs_reader *reader = NULL;
	struct zs_gate *gate = NULL;
	struct zs_maint_report *reps = NULL;
	char **names = NULL, (*devnames)[ZS_DEVNAME_MAX] = NULL;
	size_t nnames = 0, nreps = 0, ndev = 0;
	bool all, any_failed = false, any_done = false, any_missing = false;
	uint64_t now;
	int r, exit_code = ZS_EXIT_OK;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	all = optind >= argc;
	if (!all && cli_parse_devices(cli, argc - optind, argv + optind, &names, &nnames) < 0)
		return cli->status;

	/* the whole configuration before anything else: a bad file does nothing */
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		exit_code = ZS_EXIT_COMPACT_FAILED;
		goto out;
	}
	r = zs_config_load(cli->ctx, o.config_path, cfg, &ce);
	if (r == -ENOMEM) {
		cli_error(cli, NULL, r, "out of memory");
		exit_code = ZS_EXIT_COMPACT_FAILED;
		goto out;
	}
	if (r < 0) {
		config_error(cli, &ce);
		exit_code = cli->status;
		goto out;
	}
	for (size_t i = 0; i < o.npolicy; i++) {
		const char *eq = strchr(o.policy[i], '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - o.policy[i]), o.policy[i]);
		zs_config_override(cfg, zs_knob_find(key), eq + 1);
	}
	{
		const char *first = NULL, *second = zs_maint_policy_check(&cfg->all, &first);
		char cause[128];

		for (size_t i = 0; !second && i < cfg->ndev; i++)
			second = zs_maint_policy_check(&cfg->dev[i].policy, &first);
		if (second) {
			cli_usage_error(cli, "maintain: %s above %s", first, second);
			exit_code = ZS_EXIT_USAGE;
			goto out;
		}
		/* the files' thresholds were checked as they were read: this one is --policy's */
		if (zs_maint_threshold_check(&cfg->all, zs_ctx_page_size(cli->ctx), cause,
					     sizeof(cause)) < 0) {
			cli_usage_error(cli, "maintain: --policy: recompress-threshold: %s", cause);
			exit_code = ZS_EXIT_USAGE;
			goto out;
		}
	}

	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && geteuid() != 0) {
		cli_error(cli, NULL, -EPERM, "maintenance needs root");
		exit_code = ZS_EXIT_FAILURE;
		goto out;
	}
	{
		const struct cli_gate_opts go = {
			.lock_path = o.lock_path,
			.state_path = o.state_path,
			.wait = o.wait,
			.dry_run = o.dry_run,
			.json = o.json,
			.quiet = o.quiet,
			.conflict_code = o.conflict_code,
			.nothing_done = "nothing done",
		};

		/* the gate first: a run that steps aside reads nothing */
		if (cli_gate_begin(cli, &go, &gate, &run, &exit_code) < 0)
			goto out;
	}

	ro.devices = names;
	ro.ndevices = nnames;
	ro.gate = gate;
	r = zs_reader_new(cli->ctx, &ro, &reader);
	if (r >= 0)
		r = zs_reader_refresh(reader, &s);
	if (r < 0) {
		if (r == -ENOMEM)
			cli_error(cli, NULL, r, "out of memory");
		else
			cli_lib_error(cli, "zram", r);
		exit_code = ZS_EXIT_COMPACT_FAILED;
		goto out;
	}
	if (s->pools_err)
		cli_file_error(cli, "zsmalloc", s->pools_err_path, s->pools_err);
	/* the names first: a refresh after a step replaces the snapshot */
	ndev = s->ndevs;
	reps = calloc(ndev ? ndev : 1, sizeof(*reps));
	devnames = calloc(ndev ? ndev : 1, sizeof(*devnames));
	if (!reps || !devnames) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		exit_code = ZS_EXIT_COMPACT_FAILED;
		goto out;
	}
	for (size_t i = 0; i < ndev; i++)
		memcpy(devnames[i], s->devs[i].dev.name, ZS_DEVNAME_MAX);
	now = (uint64_t)time(NULL);
	for (size_t i = 0; i < ndev; i++) {
		struct zs_maint_report *rep = &reps[nreps];
		struct zs_snap_device *sd = zs_snapshot_device(zs_reader_snapshot(reader),
							      devnames[i]);

		if (sd && sd->err == -ENODEV && all) {
			cli_warn(cli, devnames[i], "removed while zsctl ran; skipped");
			continue;
		}
		if (!sd || sd->err == -ENODEV) {
			/* a named device that does not exist: status 1, as in every verb */
			cli_file_error(cli, devnames[i], sd ? sd->err_path : NULL, -ENODEV);
			any_missing = true;
			continue;
		}
		if (sd->err) {
			cli_file_error(cli, devnames[i], sd->err_path, sd->err);
			any_failed = true;
			zs_gate_run_record(run, NULL, NULL, ZS_RESULT_FAILED, 0, now);
			continue;
		}
		r = zs_maintain_device(cli->ctx, reader, run, devnames[i],
				       zs_config_policy(cfg, devnames[i]), o.dry_run, now, rep);
		if (r < 0) {
			cli_lib_error(cli, devnames[i], r);
			any_failed = true;
			continue;
		}
		nreps++;
		report_failures(cli, rep);
		for (unsigned int k = 0; k < ZS_STEP_COUNT_; k++) {
			any_failed |= zs_maint_result_failed(rep->step[k].result);
			any_done |= rep->step[k].result == ZS_MAINT_DONE;
		}
	}
	if (!o.dry_run) {
		cli_test_hold_gate(); /* after the steps, before the state is saved */
		r = zs_gate_end(run, now);
		if (r < 0) {
			cli_error(cli, zs_gate_state_path(gate), r,
				  "cannot write the state file: %s (the steps above did run)",
				  cli_private_file_cause(r));
			any_failed = true;
		}
	}

	if (o.json) {
		json_t *doc = cli_json_doc(), *jd = json_array();

		json_object_set_new(doc, "result",
				    json_string(o.dry_run  ? "dry-run" :
						any_failed ? "failed" :
						any_done   ? "done" :
							     "nothing"));
		for (size_t i = 0; i < nreps; i++)
			json_array_append_new(
				jd, json_device(&reps[i], zs_config_policy(cfg, reps[i].name)));
		json_object_set_new(doc, "devices", jd);
		cli_json_print(cli, doc);
	} else {
		for (size_t i = 0; i < nreps; i++)
			for (unsigned int k = 0; k < ZS_STEP_COUNT_; k++)
				print_step(&o, &reps[i], zs_config_policy(cfg, reps[i].name), k);
	}
	/* one syslog line for a real run on this host that did or failed something */
	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && (any_done || any_failed)) {
		openlog("zsctl", LOG_PID, LOG_DAEMON);
		syslog(any_failed ? LOG_ERR : LOG_INFO, "maintain: %s",
		       any_failed ? "a step failed" : "done");
		closelog();
	}
	exit_code = any_failed	? ZS_EXIT_COMPACT_FAILED :
		    any_missing ? ZS_EXIT_FAILURE :
				  ZS_EXIT_OK;
out:
	zs_gate_run_free(run);
	zs_reader_free(reader);
	zs_gate_free(gate);
	free(reps);
	free(devnames);
	free(cfg);
	zs_strv_free(names);
	return exit_code;
}
