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

struct compact_opts {
	struct zs_policy policy;
	double wait;
	int conflict_code;
	char lock_path[4096];
	char state_path[4096];
	bool lock_given, state_given; /* --lock-file, --state-file */
	bool dry_run;
	bool quiet;
	bool json;
};

struct device_run {
	struct zs_device dev;
	struct zs_derived est;
	enum zs_decision decision;
	bool attempted;
	int err; /* the compaction's error, 0 when it worked */
	struct zs_compact_result res;
	const char *result; /* compacted, nothing, gated, failed, skipped */
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

static int bad_value(struct cli *cli, const char *opt, const char *val, int err)
{
	cli_usage_error(cli, "compact: %s: invalid value '%.40s'%s", opt, val,
			err == -ERANGE ? " (out of range)" : "");
	return -EINVAL;
}

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
				return bad_value(cli, "--wait", optarg, r);
			break;
		case 'E':
			r = zs_parse_u64(optarg, &v);
			if (r < 0 || v > 255)
				return bad_value(cli, "--conflict-exit-code", optarg,
						 r < 0 ? r : -ERANGE);
			o->conflict_code = (int)v;
			break;
		case OPT_MIN_GAIN:
			r = zs_parse_size(optarg, &o->policy.min_gain);
			if (r < 0)
				return bad_value(cli, "--min-gain", optarg, r);
			break;
		case OPT_MIN_FRAG:
			r = zs_parse_percent(optarg, &o->policy.min_frag);
			if (r < 0)
				return bad_value(cli, "--min-frag", optarg, r);
			break;
		case OPT_MIN_INTERVAL:
			r = zs_parse_duration(optarg, &o->policy.min_interval);
			if (r < 0)
				return bad_value(cli, "--min-interval", optarg, r);
			break;
		case OPT_FORCE:
			o->policy.force = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_LOCK_FILE:
		case OPT_STATE_FILE:
			if (optarg[0] != '/' || strlen(optarg) >= sizeof(o->lock_path)) {
				cli_usage_error(cli, "compact: %s needs an absolute path",
						c == OPT_LOCK_FILE ? "--lock-file" : "--state-file");
				return -EINVAL;
			}
			strcpy(c == OPT_LOCK_FILE ? o->lock_path : o->state_path, optarg);
			*(c == OPT_LOCK_FILE ? &o->lock_given : &o->state_given) = true;
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
			cli_option_error(cli, c, argv);
			return -EINVAL;
		}
	}
	return 0;
}

static void format_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "unknown");
}

/* The gate is held: count ourselves, say who holds it, leave. */
static int step_aside(struct cli *cli, const struct compact_opts *o,
		      const struct zs_gate_holder *h)
{
	char since[32];
	int r;

	r = zs_state_count_busy(o->state_path);
	if (r < 0) {
		cli_error(cli, o->state_path, -r, "cannot count this turned-away run: %s",
			  private_file_cause(-r));
		return ZS_EXIT_COMPACT_FAILED;
	}
	format_time(h->known ? h->since : 0, since, sizeof(since));
	if (o->json) {
		json_t *doc = json_object(), *jh = json_object();

		json_object_set_new(doc, "result", json_string("busy"));
		json_object_set_new(jh, "lock_file", json_string(o->lock_path));
		if (h->known) {
			json_object_set_new(jh, "pid", json_integer(h->pid));
			json_object_set_new(jh, "since", json_integer(h->since));
		}
		json_object_set_new(doc, "holder", jh);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
	} else if (!o->quiet) {
		if (h->known)
			printf("zsctl: compaction gate held by pid %d since %s (%s): stepping aside\n",
			       (int)h->pid, since, o->lock_path);
		else
			printf("zsctl: compaction gate held by another process (%s): stepping aside\n",
			       o->lock_path);
	}
	return o->conflict_code;
}

static json_t *json_result(const struct device_run *d, uint64_t page)
{
	json_t *o = json_object(), *est = json_object();

	json_object_set_new(o, "name", json_string(d->dev.name));
	json_object_set_new(o, "decision", json_string(decision_str(d->decision)));
	json_object_set_new(o, "result", json_string(d->result));
	if (d->est.has_compactable) {
		json_object_set_new(est, "compactable", json_u64(d->est.compactable));
		json_object_set_new(est, "compactable_estimated",
				    json_boolean(!d->est.compactable_exact));
	}
	if (d->est.has_fragmentation) {
		json_object_set_new(est, "fragmentation", json_real(d->est.fragmentation));
		json_object_set_new(est, "fragmentation_estimated",
				    json_boolean(!d->est.fragmentation_exact));
	}
	json_object_set_new(o, "before_compaction", est);
	if (d->attempted && !d->err) {
		const struct zs_compact_result *r = &d->res;

		json_object_set_new(o, "mem_used_total_before",
				    json_u64(r->before.val[ZS_MM_MEM_USED_TOTAL]));
		json_object_set_new(o, "mem_used_total_after",
				    json_u64(r->after.val[ZS_MM_MEM_USED_TOTAL]));
		json_object_set_new(o, "freed", json_integer((json_int_t)r->freed));
		json_object_set_new(o, "pages_compacted", json_u64(r->pages_compacted));
		json_object_set_new(o, "pages_compacted_bytes",
				    json_u64(mul_sat(r->pages_compacted, page)));
		json_object_set_new(o, "duration_ns", json_u64(r->duration_ns));
		if (r->has_gate_counter) {
			json_object_set_new(o, "compact_gated_delta", json_u64(r->gated));
			json_object_set_new(o, "kernel_gated", json_boolean(r->kernel_gated));
		}
	}
	return o;
}

static void print_result(const struct compact_opts *o, const struct device_run *d, uint64_t page)
{
	char est[32], freed[32], gain[32];
	const struct zs_compact_result *r = &d->res;

	if (o->quiet || d->err)
		return; /* errors were reported where they happened */
	if (d->est.has_compactable) {
		format_size(d->est.compactable, false, est, sizeof(est));
	} else {
		snprintf(est, sizeof(est), "unknown");
	}
	switch (d->decision) {
	case ZS_DECIDE_UNINITIALISED:
		printf("%s: not initialised, nothing to compact\n", d->dev.name);
		return;
	case ZS_DECIDE_TOO_SOON:
		printf("%s: skipped: compacted less than --min-interval ago\n", d->dev.name);
		return;
	case ZS_DECIDE_NOT_WORTH:
		format_size(o->policy.min_gain, false, gain, sizeof(gain));
		printf("%s: skipped: compaction would free %s%s, fragmentation %s%.1f%% "
		       "(below --min-gain %s and --min-frag %.0f%%)\n",
		       d->dev.name, d->est.compactable_exact ? "" : "~", est,
		       d->est.fragmentation_exact ? "" : "~", d->est.fragmentation * 100.0, gain,
		       o->policy.min_frag * 100.0);
		return;
	case ZS_DECIDE_COMPACT:
		break;
	}
	if (o->dry_run) {
		printf("%s: would compact: it would free %s%s\n", d->dev.name,
		       d->est.compactable_exact ? "" : "~", est);
		return;
	}
	if (r->kernel_gated) {
		printf("%s: turned away by the kernel: another compaction of this pool was running "
		       "(compact_gated +%" PRIu64 ")\n",
		       d->dev.name, r->gated);
		return;
	}
	format_size(r->freed > 0 ? (uint64_t)r->freed : 0, false, freed, sizeof(freed));
	printf("%s: compacted: freed %s (%" PRIu64 " pages compacted; estimate %s%s) in %.1f ms\n",
	       d->dev.name, freed, r->pages_compacted, d->est.compactable_exact ? "" : "~", est,
	       (double)r->duration_ns / 1e6);
	(void)page;
}

static void add_name(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	if (len + strlen(name) + 2 < size)
		snprintf(list + len, size - len, "%s%s", len ? " " : "", name);
}

/* ZSCTL_TEST_HOLD_GATE=SECS: keep the gate that long after compacting (tests only). */
static void test_hold_gate(void)
{
	const char *s = getenv("ZSCTL_TEST_HOLD_GATE");
	double secs;

	if (s && zs_parse_seconds(s, &secs) == 0 && secs > 0) {
		struct timespec ts = { .tv_sec = (time_t)secs,
				       .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

static int load_state(struct cli *cli, const struct compact_opts *o, struct zs_state *st)
{
	char aside[4200];
	int r;

	r = zs_state_load(o->state_path, st);
	if (r == -EBADMSG && o->dry_run) {
		cli_warn(cli, o->state_path, "garbled state file ignored (a real run sets it aside)");
		memset(st, 0, sizeof(*st));
		return 0;
	}
	if (r == -EBADMSG) {
		r = zs_state_set_aside(o->state_path, aside, sizeof(aside));
		if (r < 0) {
			cli_error(cli, o->state_path, -r, "garbled, and cannot be set aside: %s",
				  errno_cause(-r));
			return r;
		}
		cli_warn(cli, o->state_path, "garbled state file set aside as %s; starting anew",
			 aside);
		memset(st, 0, sizeof(*st));
		return 0;
	}
	if (r < 0)
		cli_error(cli, o->state_path, -r, "cannot read the state file: %s",
			  private_file_cause(-r));
	return r;
}

int verb_compact(struct cli *cli, int argc, char **argv)
{
	struct compact_opts o = {
		.policy = { .min_gain = 1024 * 1024, .min_frag = 0.5 },
		.conflict_code = 1,
	};
	struct zs_gate_holder holder = { 0 };
	struct zs_state *state = NULL;
	struct device_run *runs = NULL;
	struct zs_pool *pools = NULL;
	enum zs_classes_status cstatus;
	char **names = NULL;
	size_t nnames = 0, npools = 0, nruns = 0;
	uint64_t page = zs_ctx_page_size(cli->ctx), now, freed_total = 0;
	bool all, any_compacted = false, any_failed = false, any_gated = false;
	char failed_names[256] = "";
	int gate_fd = -1, r, exit_code = ZS_EXIT_OK;

	cli_rooted_path(cli, ZS_LOCK_PATH, o.lock_path, sizeof(o.lock_path));
	cli_rooted_path(cli, ZS_STATE_PATH, o.state_path, sizeof(o.state_path));
	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	/* the defaults below a --sysroot must stay in it; --lock-file is the user's own */
	if ((!o.lock_given && (r = cli_check_confined(cli, o.lock_path)) < 0) ||
	    (!o.state_given && (r = cli_check_confined(cli, o.state_path)) < 0)) {
		cli_error(cli, NULL, -r, "the gate's files: %s", private_file_cause(-r));
		return ZS_EXIT_COMPACT_FAILED;
	}
	if (optind < argc) {
		if (cli_parse_devices(cli, argc - optind, argv + optind, &names, &nnames) < 0)
			return cli->status;
		all = false;
	} else {
		all = true;
	}
	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && geteuid() != 0) {
		cli_error(cli, NULL, EPERM, "compaction needs root");
		zs_strv_free(names);
		return ZS_EXIT_COMPACT_FAILED;
	}

	if (!o.dry_run) {
		r = zs_gate_acquire(o.lock_path, o.wait, &gate_fd, &holder);
		if (r == -EWOULDBLOCK) {
			zs_strv_free(names);
			return step_aside(cli, &o, &holder);
		}
		if (r < 0) {
			cli_error(cli, o.lock_path, -r, "cannot take the compaction gate: %s",
				  private_file_cause(-r));
			zs_strv_free(names);
			return ZS_EXIT_COMPACT_FAILED;
		}
	}

	state = calloc(1, sizeof(*state));
	if (!state) {
		r = -ENOMEM;
		goto fail;
	}
	r = load_state(cli, &o, state);
	if (r < 0)
		goto fail;
	if (!o.dry_run) {
		/* prove the state can be written before touching any device */
		r = zs_state_save(o.state_path, state);
		if (r < 0) {
			cli_error(cli, o.state_path, -r,
				  "cannot write the state file: %s; nothing compacted",
				  private_file_cause(-r));
			goto fail;
		}
	}

	if (all) {
		r = zs_enumerate_devices(cli->ctx, &names, &nnames);
		if (r < 0) {
			cli_lib_error(cli, "zram", r);
			goto fail;
		}
	}
	runs = calloc(nnames ? nnames : 1, sizeof(*runs));
	if (!runs) {
		r = -ENOMEM;
		goto fail;
	}
	r = zs_pools_read(cli->ctx, &pools, &npools, &cstatus);
	if (r < 0) {
		/* the estimate from mm_stat still serves */
		cli_lib_error(cli, "zsmalloc", r);
		cli->status = ZS_EXIT_OK;
		pools = NULL;
		npools = 0;
	}
	now = (uint64_t)time(NULL);
	for (size_t i = 0; i < nnames; i++) {
		struct device_run *d = &runs[nruns];
		struct zs_state_device *sd;

		r = zs_device_read(cli->ctx, names[i], &d->dev);
		if (r == -ENODEV && all) {
			/* removed since the listing: nothing left to compact */
			cli_warn(cli, names[i], "removed while zsctl ran; skipped");
			continue;
		}
		if (r < 0) {
			cli_lib_error(cli, names[i], r);
			any_failed = true;
			add_name(failed_names, sizeof(failed_names), names[i]);
			continue;
		}
		nruns++;
		zs_device_derive(cli->ctx, &d->dev, zs_pool_find(pools, npools, d->dev.name),
				 &d->est);
		sd = zs_state_device(state, d->dev.name, false);
		/* --min-interval counts from the last compaction that went through */
		d->decision = zs_compact_decide(&o.policy, &d->dev, &d->est,
						sd && !strcmp(sd->last_result, "compacted") ?
							sd->last_time :
							0,
						now);
		d->result = "skipped";
		if (d->decision != ZS_DECIDE_COMPACT || o.dry_run)
			continue;

		d->attempted = true;
		r = zs_device_compact(cli->ctx, d->dev.name, &d->res);
		if (r < 0) {
			d->err = r;
			d->result = "failed";
			any_failed = true;
			add_name(failed_names, sizeof(failed_names), d->dev.name);
			if (r == -EACCES || r == -EPERM)
				cli_error(cli, d->dev.name, -r, "compact: Permission denied (need root)");
			else
				cli_lib_error(cli, d->dev.name, r);
		} else if (d->res.kernel_gated) {
			d->result = "gated";
			any_gated = true;
		} else {
			d->result = "compacted";
			any_compacted = true;
			if (d->res.freed > 0)
				freed_total += (uint64_t)d->res.freed;
		}
		sd = zs_state_device(state, d->dev.name, true);
		if (sd) {
			sd->last_time = now;
			snprintf(sd->last_result, sizeof(sd->last_result), "%s", d->result);
			sd->last_freed = d->res.freed > 0 ? (uint64_t)d->res.freed : 0;
		}
	}

	if (!o.dry_run) {
		test_hold_gate();
		state->runs++;
		state->freed_total += freed_total;
		state->last_time = now;
		state->last_pid = (uint64_t)getpid();
		snprintf(state->last_result, sizeof(state->last_result), "%s",
			 any_failed ? "failed" : any_compacted ? "compacted" : "nothing");
		r = zs_state_save(o.state_path, state);
		if (r < 0) {
			cli_error(cli, o.state_path, -r,
				  "cannot write the state file: %s (the compactions above did run)",
				  private_file_cause(-r));
			any_failed = true;
		}
	}

	if (o.json) {
		json_t *doc = json_object(), *jd = json_array(), *js = json_object();
		uint64_t busy = 0;

		json_object_set_new(doc, "result",
				    json_string(o.dry_run   ? "dry-run" :
						any_failed    ? "failed" :
						any_compacted ? "compacted" :
								"nothing"));
		for (size_t i = 0; i < nruns; i++)
			json_array_append_new(jd, json_result(&runs[i], page));
		json_object_set_new(doc, "devices", jd);
		zs_state_busy_count(o.state_path, &busy);
		json_object_set_new(js, "runs", json_u64(state->runs));
		json_object_set_new(js, "turned_away", json_u64(busy));
		json_object_set_new(js, "freed_total", json_u64(state->freed_total));
		json_object_set_new(doc, "state", js);
		cli_json_attach_errors(cli, doc);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
	} else {
		for (size_t i = 0; i < nruns; i++)
			print_result(&o, &runs[i], page);
	}

	/*
	 * One syslog line for a run that compacted, was turned away by the
	 * kernel or failed; none for dry runs, idle runs, busy runs, or runs
	 * over a dump (--sysroot), which are not this host's.
	 */
	if (!o.dry_run && zs_ctx_is_live(cli->ctx) && (any_compacted || any_failed || any_gated)) {
		char freed[32];

		format_size(freed_total, false, freed, sizeof(freed));
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
	exit_code = any_failed ? ZS_EXIT_COMPACT_FAILED : ZS_EXIT_OK;
	goto out;
fail:
	if (r == -ENOMEM)
		cli_error(cli, NULL, ENOMEM, "out of memory");
	exit_code = ZS_EXIT_COMPACT_FAILED;
out:
	zs_gate_release(gate_fd);
	for (size_t i = 0; i < nruns; i++)
		zs_device_clear(&runs[i].dev);
	free(runs);
	free(state);
	zs_pools_free(pools, npools);
	zs_strv_free(names);
	return exit_code;
}
