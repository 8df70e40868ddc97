// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl compact: compaction with a single owner, for cron and timers.
 * One flock gate per host; the processes that find it held step aside at
 * once and are counted; the owner compacts only where it pays.
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

struct compact_opts {
	struct zs_policy policy;
	double wait;
	int conflict_code;
	struct cli_gate_paths gate_paths;
	bool dry_run;
	bool quiet;
	bool json;
};

struct device_run {
	const struct zs_snap_device *sd;
	struct zs_derived est;
	enum zs_decision decision;
	uint64_t lean; /* its compactions in a row that did not pay, from the state */
	bool attempted;
	int err; /* the compaction's error, 0 when it worked */
	struct zs_compact_result res;
	enum zs_result result;
};

static const char *decision_str(enum zs_decision d)
{
	switch (d) {
	case ZS_DECIDE_COMPACT:
		return "compact";
	case ZS_DECIDE_UNINITIALISED:
		return "uninitialised";
	case ZS_DECIDE_TOO_SOON:
		return "too-soon";
	case ZS_DECIDE_NOT_WORTH:
		return "not-worth-it";
	case ZS_DECIDE_BACKED_OFF:
		return "backed-off";
	}
	return "unknown";
}

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] compact [options] [DEVICE...]\n"
	       "\n"
	       "Compact the zsmalloc pools of zram devices where it pays, one zsctl at a\n"
	       "time: a process that finds the compaction gate held steps aside at once.\n"
	       "\n"
	       "Options:\n"
	       " -w, --wait SECS              wait up to SECS (fractions allowed) for the gate\n"
	       " -E, --conflict-exit-code N   exit status when the gate is held (default 1)\n"
	       "     --min-gain SIZE          compact when it would free SIZE (default 1M)\n"
	       "     --min-frag PERCENT       or when fragmentation is PERCENT (default 50)\n"
	       "     --min-interval DURATION  skip a device compacted less than DURATION ago\n"
	       "     --force                  ignore --min-gain and --min-frag\n"
	       "     --dry-run                say what would be done; change nothing\n"
	       "     --lock-file PATH         the gate's lock file\n"
	       "                                (default " ZS_LOCK_PATH ")\n"
	       "     --state-file PATH        the state file\n"
	       "                                (default " ZS_STATE_PATH ")\n"
	       " -q, --quiet                  print errors only (for cron)\n"
	       " -J, --json                   JSON output\n"
	       " -h, --help                   display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN; without one, every zram device (uninitialised\n"
	       "ones are reported and skipped).\n"
	       "\n"
	       "Exit status: 0 compacted or nothing to do, 1 (or -E N) the gate is held,\n"
	       "2 usage, 3 a compaction, the lock or the state file failed.\n"
	       "\n"
	       "For more details see zsctl-compact(8).\n");
}

enum {
	OPT_MIN_GAIN = 0x100,
	OPT_MIN_FRAG,
	OPT_MIN_INTERVAL,
	OPT_FORCE,
	OPT_DRY_RUN,
	OPT_LOCK_FILE,
	OPT_STATE_FILE,
};

static int parse_args(struct cli *cli, int argc, char **argv, struct compact_opts *o)
{
	static const struct option longopts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "conflict-exit-code", required_argument, NULL, 'E' },
		{ "min-gain", required_argument, NULL, OPT_MIN_GAIN },
		{ "min-frag", required_argument, NULL, OPT_MIN_FRAG },
		{ "min-interval", required_argument, NULL, OPT_MIN_INTERVAL },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "lock-file", required_argument, NULL, OPT_LOCK_FILE },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, r;

	cli_scan_json_flag(cli, argc, argv, "qJ");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:E:qJh", longopts, NULL)) != -1) {
		switch (c) {
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
		case OPT_MIN_GAIN:
			r = zs_parse_size(optarg, &o->policy.min_gain);
			if (r < 0)
				return cli_bad_value(cli, "--min-gain", optarg, r,
						     ZS_SIZE_ACCEPTED);
			break;
		case OPT_MIN_FRAG:
			r = zs_parse_percent(optarg, &o->policy.min_frag);
			if (r < 0)
				return cli_bad_value(cli, "--min-frag", optarg, r,
						     ZS_PERCENT_ACCEPTED);
			break;
		case OPT_MIN_INTERVAL:
			r = zs_parse_duration(optarg, &o->policy.min_interval);
			if (r < 0)
				return cli_bad_value(cli, "--min-interval", optarg, r,
						     ZS_DURATION_ACCEPTED);
			break;
		case OPT_FORCE:
			o->policy.force = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_LOCK_FILE:
		case OPT_STATE_FILE:
			if (cli_gate_path_opt(cli, c == OPT_LOCK_FILE, optarg, &o->gate_paths) < 0)
				return -EINVAL;
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

static json_t *json_result(const struct device_run *d, uint64_t page)
{
	json_t *o = json_object(), *est = json_object();

	json_object_set_new(o, "name", json_string(d->sd->dev.name));
	json_object_set_new(o, "decision", json_string(decision_str(d->decision)));
	json_object_set_new(o, "result", json_string(zs_result_name(d->result)));
	if (d->est.has_compactable) {
		json_object_set_new(est, "compactable", cli_json_u64(d->est.compactable));
		json_object_set_new(est, "compactable_estimated",
				    json_boolean(!d->est.compactable_exact));
	}
	if (d->est.has_fragmentation) {
		json_object_set_new(est, "fragmentation", json_real(d->est.fragmentation));
		json_object_set_new(est, "fragmentation_estimated",
				    json_boolean(!d->est.fragmentation_exact));
	}
	estimate_basis_json(&d->est, est);
	json_object_set_new(o, "before_compaction", est);
	if (d->lean)
		json_object_set_new(o, "lean_compactions", cli_json_u64(d->lean));
	if (d->attempted && !d->err) {
		const struct zs_compact_result *r = &d->res;

		json_object_set_new(o, "mem_used_total_before",
				    cli_json_u64(r->before.val[ZS_MM_MEM_USED_TOTAL]));
		json_object_set_new(o, "mem_used_total_after",
				    cli_json_u64(r->after.val[ZS_MM_MEM_USED_TOTAL]));
		json_object_set_new(o, "freed", json_integer((json_int_t)r->freed));
		/* this run's: *_delta, beside mm_stat's cumulative pages_compacted */
		json_object_set_new(o, "pages_compacted_delta", cli_json_u64(r->pages_compacted));
		json_object_set_new(o, "pages_compacted_delta_bytes",
				    cli_json_u64(zs_mul_sat(r->pages_compacted, page)));
		json_object_set_new(o, "duration_ns", cli_json_u64(r->duration_ns));
		if (r->has_gate_counter) {
			json_object_set_new(o, "compact_gated_delta", cli_json_u64(r->gated));
			json_object_set_new(o, "kernel_gated", json_boolean(r->kernel_gated));
		}
	}
	return o;
}

static void print_result(const struct compact_opts *o, const struct device_run *d)
{
	const char *name = d->sd->dev.name;
	const struct zs_compact_result *r = &d->res;
	char est[32], freed[32], gain[32], basis[128], need[32], took[32];

	if (o->quiet || d->err)
		return; /* errors were reported where they happened */
	if (d->est.has_compactable)
		cli_format_size(d->est.compactable, false, est, sizeof(est));
	else
		snprintf(est, sizeof(est), "unknown");
	/* an estimate says what it rests on; the classes' exact figure needs no word */
	if (d->est.compactable_exact)
		basis[0] = '\0';
	else
		estimate_basis_sentence(&d->est, false, basis, sizeof(basis));
	switch (d->decision) {
	case ZS_DECIDE_UNINITIALISED:
		printf("%s: not initialised, nothing to compact\n", name);
		return;
	case ZS_DECIDE_TOO_SOON:
		printf("%s: skipped: compacted less than --min-interval ago\n", name);
		return;
	case ZS_DECIDE_NOT_WORTH:
		cli_format_size(o->policy.min_gain, false, gain, sizeof(gain));
		if (!d->est.has_compactable || d->est.compactable >= o->policy.min_gain) {
			/* nothing below --min-gain 0: there is nothing to free */
			printf("%s: skipped: compaction would free %s%s, fragmentation %s%.1f%% "
			       "(nothing to free%s%s)\n",
			       name, d->est.compactable_exact ? "" : "~", est,
			       d->est.fragmentation_exact ? "" : "~", d->est.fragmentation * 100.0,
			       basis[0] ? "; " : "", basis);
			return;
		}
		if (d->est.has_fragmentation && o->policy.min_frag <= 1.0 &&
		    d->est.fragmentation >= o->policy.min_frag) {
			/* fragmented enough, but too little to free even for that */
			cli_format_size(zs_compact_frag_gain(&o->policy), false, need,
					sizeof(need));
			printf("%s: skipped: compaction would free %s%s, fragmentation %s%.1f%% "
			       "(below --min-gain %s, and below %s, what a pool past --min-frag "
			       "%.0f%% needs%s%s)\n",
			       name, d->est.compactable_exact ? "" : "~", est,
			       d->est.fragmentation_exact ? "" : "~", d->est.fragmentation * 100.0,
			       gain, need, o->policy.min_frag * 100.0, basis[0] ? "; " : "", basis);
			return;
		}
		printf("%s: skipped: compaction would free %s%s, fragmentation %s%.1f%% "
		       "(below --min-gain %s and --min-frag %.0f%%%s%s)\n",
		       name, d->est.compactable_exact ? "" : "~", est,
		       d->est.fragmentation_exact ? "" : "~", d->est.fragmentation * 100.0, gain,
		       o->policy.min_frag * 100.0, basis[0] ? "; " : "", basis);
		return;
	case ZS_DECIDE_BACKED_OFF:
		cli_format_size(o->policy.min_gain, false, gain, sizeof(gain));
		cli_format_size(zs_compact_backoff_gain(&o->policy, d->lean), false, need,
				sizeof(need));
		printf("%s: backing off: its last %" PRIu64 " compaction%s freed less than "
		       "--min-gain %s; estimate ~%s (%s), needs %s\n",
		       name, d->lean, d->lean == 1 ? "" : "s", gain, est, basis, need);
		return;
	case ZS_DECIDE_COMPACT:
		break;
	}
	if (o->dry_run) {
		printf("%s: would compact: it would free %s%s%s%s%s\n", name,
		       d->est.compactable_exact ? "" : "~", est, basis[0] ? " (" : "", basis,
		       basis[0] ? ")" : "");
		return;
	}
	if (r->kernel_gated) {
		printf("%s: turned away by the kernel: another compaction of this pool was running "
		       "(compact_gated +%" PRIu64 ")\n",
		       name, r->gated);
		return;
	}
	cli_format_size(r->freed > 0 ? (uint64_t)r->freed : 0, false, freed, sizeof(freed));
	zs_format_elapsed(r->duration_ns, took, sizeof(took));
	printf("%s: compacted: freed %s (%" PRIu64 " pages compacted; estimate %s%s%s%s) in %s\n",
	       name, freed, r->pages_compacted, d->est.compactable_exact ? "" : "~", est,
	       basis[0] ? ", " : "", basis, took);
}

static void add_name(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	if (len + strlen(name) + 2 < size)
		snprintf(list + len, size - len, "%s%s", len ? " " : "", name);
}

/* What compact decides on: mm_stat, the pools, and which device it is. */
static const unsigned int compact_needs = ZS_NEED_MM | ZS_NEED_POOLS | ZS_NEED_DISKSEQ |
					  ZS_NEED_GATE; /* the state: what compactions left */

static void compact_one(struct cli *cli, struct zs_reader *reader, struct device_run *d,
			char *failed_names, size_t size)
{
	const char *name = d->sd->dev.name;
	int r;

	d->attempted = true;
	r = zs_reader_compact(reader, name, &d->res);
	if (r < 0) {
		d->err = r;
		d->result = ZS_RESULT_FAILED;
		add_name(failed_names, size, name);
		if (r == -EACCES || r == -EPERM)
			cli_error(cli, name, r, "compact: Permission denied (need root)");
		else
			cli_lib_error(cli, name, r);
	} else {
		d->result = d->res.kernel_gated ? ZS_RESULT_GATED : ZS_RESULT_COMPACTED;
	}
}

int verb_compact(struct cli *cli, int argc, char **argv)
{
	struct compact_opts o = {
		.policy = { .min_gain = 1024 * 1024, .min_frag = 0.5 },
		.conflict_code = 1,
	};
	struct cli_gate_opts go;
	struct zs_reader_opts ro = { .needs = compact_needs };
	const struct zs_snapshot *s = NULL;
	struct zs_gate_run *run = NULL;
	struct zs_reader *reader = NULL;
	struct zs_gate *gate = NULL;
	struct device_run *runs = NULL;
	char **names = NULL;
	size_t nnames = 0, nruns = 0;
	uint64_t now, freed_total = 0;
	bool all, any_compacted = false, any_failed = false, any_gated = false, any_missing = false;
	char failed_names[256] = "";
	int r, exit_code = ZS_EXIT_OK;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	all = optind >= argc;
	if (!all && cli_parse_devices(cli, argc - optind, argv + optind, &names, &nnames) < 0)
		return cli->status;
	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && geteuid() != 0) {
		cli_error(cli, NULL, -EPERM, "compaction needs root");
		zs_strv_free(names);
		return ZS_EXIT_FAILURE;
	}
	/* the gate first: a run that steps aside reads nothing */
	go = (struct cli_gate_opts){
		.lock_path = o.gate_paths.lock_path,
		.state_path = o.gate_paths.state_path,
		.wait = o.wait,
		.dry_run = o.dry_run,
		.json = o.json,
		.quiet = o.quiet,
		.conflict_code = o.conflict_code,
		.nothing_done = "nothing compacted",
	};
	if (cli_gate_begin(cli, &go, &gate, &run, &exit_code) < 0)
		goto out;

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
	/* without class statistics the estimate from mm_stat still serves */
	if (s->pools_err)
		cli_file_error(cli, "zsmalloc", s->pools_err_path, s->pools_err);

	runs = calloc(s->ndevs ? s->ndevs : 1, sizeof(*runs));
	if (!runs) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		exit_code = ZS_EXIT_COMPACT_FAILED;
		goto out;
	}
	now = (uint64_t)time(NULL);
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct zs_snap_device *sd = &s->devs[i];
		struct device_run *d = &runs[nruns];
		const struct zs_state_device *rec;
		struct zs_identity id;

		if (sd->err == -ENODEV && all) {
			/* removed since the listing: nothing left to compact */
			cli_warn(cli, sd->dev.name, "removed while zsctl ran; skipped");
			continue;
		}
		if (sd->err == -ENODEV) {
			/* a named device that does not exist: status 1, as in every verb */
			cli_file_error(cli, sd->dev.name, sd->err_path, sd->err);
			any_missing = true;
			continue;
		}
		if (sd->err) {
			cli_file_error(cli, sd->dev.name, sd->err_path, sd->err);
			any_failed = true;
			add_name(failed_names, sizeof(failed_names), sd->dev.name);
			/* the run failed, though the device was not touched */
			zs_gate_run_record(run, NULL, NULL, ZS_RESULT_FAILED, 0, now);
			continue;
		}
		nruns++;
		d->sd = sd;
		d->est = sd->derived;
		zs_device_identity(&sd->dev, &id);
		rec = zs_state_device_of(zs_gate_run_state(run), sd->dev.name, &id);
		d->lean = rec ? rec->lean : 0;
		d->decision = zs_compact_decide(&o.policy, &sd->dev, &d->est,
						zs_gate_run_last_compacted(run, sd->dev.name, &id),
						d->lean, now);
		d->result = ZS_RESULT_SKIPPED;
		if (d->decision != ZS_DECIDE_COMPACT || o.dry_run)
			continue;
		zs_gate_run_phase(run, sd->dev.name, ZS_PHASE_COMPACT);
		compact_one(cli, reader, d, failed_names, sizeof(failed_names));
		zs_gate_run_phase(run, NULL, ZS_PHASE_NONE);
		/* the device as the compaction left it: pages_compacted moved */
		if (!d->err && zs_stat_has(&d->res.after, ZS_MM_PAGES_COMPACTED))
			id.pages_compacted = d->res.after.val[ZS_MM_PAGES_COMPACTED];
		zs_gate_run_record(run, sd->dev.name, &id, d->result, d->res.freed, now);
		if (d->result == ZS_RESULT_COMPACTED)
			zs_gate_run_learn(run, sd->dev.name, &d->res.after, d->res.freed,
					  o.policy.min_gain);
		any_failed |= d->result == ZS_RESULT_FAILED;
		any_gated |= d->result == ZS_RESULT_GATED;
		if (d->result == ZS_RESULT_COMPACTED) {
			any_compacted = true;
			if (d->res.freed > 0)
				freed_total = zs_add_sat(freed_total, (uint64_t)d->res.freed);
		}
	}
	if (!o.dry_run) {
		cli_test_hold_gate();
		r = zs_gate_end(run, now);
		if (r < 0) {
			cli_error(cli, zs_gate_state_path(gate), r,
				  "cannot write the state file: %s (the compactions above did run)",
				  cli_private_file_cause(r));
			any_failed = true;
		}
	}

	if (o.json) {
		const struct zs_state *st = zs_gate_run_state(run);
		json_t *doc = cli_json_doc(), *jd = json_array(), *js = json_object();
		uint64_t busy = 0;
		struct zs_gate_view view;

		json_object_set_new(doc, "result",
				    json_string(o.dry_run   ? "dry-run" :
						any_failed    ? "failed" :
						any_compacted ? "compacted" :
								"nothing"));
		for (size_t i = 0; i < nruns; i++)
			json_array_append_new(jd, json_result(&runs[i], s->page_size));
		json_object_set_new(doc, "devices", jd);
		zs_gate_view_read(gate, &view);
		busy = view.turned_away;
		json_object_set_new(js, "runs", cli_json_u64(st->runs));
		json_object_set_new(js, "turned_away", cli_json_u64(busy));
		json_object_set_new(js, "freed_total", cli_json_u64(st->freed_total));
		json_object_set_new(doc, "compaction", js);
		cli_json_print(cli, doc);
	} else {
		for (size_t i = 0; i < nruns; i++)
			print_result(&o, &runs[i]);
	}

	/*
	 * One syslog line for a run that compacted, was turned away by the
	 * kernel or failed; none for dry runs, idle runs, busy runs, or runs
	 * over a dump (--sysroot), which are not this host's.
	 */
	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && (any_compacted || any_failed || any_gated)) {
		char freed[32];

		cli_format_size(freed_total, false, freed, sizeof(freed));
		openlog("zsctl", LOG_PID, LOG_DAEMON);
		if (any_failed)
			syslog(LOG_ERR, "compact: failed on %s; freed %s",
			       failed_names[0] ? failed_names : "the state file", freed);
		else if (any_compacted)
			syslog(LOG_INFO, "compact: compacted; freed %s%s", freed,
			       any_gated ? "; some turned away by the kernel" : "");
		else
			syslog(LOG_INFO, "compact: turned away by the kernel (another compaction was running)");
		closelog();
	}
	exit_code = any_failed	? ZS_EXIT_COMPACT_FAILED :
		    any_missing ? ZS_EXIT_FAILURE :
				  ZS_EXIT_OK;
out:
	zs_gate_run_free(run);
	zs_reader_free(reader);
	zs_gate_free(gate);
	free(runs);
	zs_strv_free(names);
	return exit_code;
}
