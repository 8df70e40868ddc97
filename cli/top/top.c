// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top: a live view of zram devices and zsmalloc class fragmentation.
 * The library samples (lib/sample.c), the model makes lines (model.c),
 * batch mode prints them and the screen (screen.c) draws them; this file
 * parses the options and runs the loop: poll() on the terminal and the
 * hotplug monitor, with the time to the next refresh as the timeout.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "top.h"

#define DEFAULT_DELAY 2.0

struct top_opts {
	double delay;
	uint64_t iterations; /* 0: until q */
	bool batch;
	bool bytes;
	const char *pool;
	enum top_sort sort;
	enum top_cg_sort cg_sort;
	bool reverse;
	bool zswap; /* --zswap: the zswap panel */
	bool ages;  /* --ages: the ages panel */
	struct cli_gate_paths gate_paths; /* the gate shown */
	char **devices; /* named on the command line; NULL: every device */
	size_t ndevices;
};

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

/* A crash must not leave the terminal in curses' modes. */
static void on_fatal_signal(int sig)
{
	screen_close();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() returns at once with EINTR */
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < ARRAY_SIZE(quit); i++)
		sigaction(quit[i], &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The clock the frames show. */
static time_t frame_time(void)
{
#ifdef ZSCTL_TEST_HOOKS
	/* ZSCTL_TEST_TIME=EPOCH: a fixed clock (zsctl-test, the test build, only) */
	const char *s = getenv("ZSCTL_TEST_TIME");
	uint64_t t;

	if (s && zs_parse_u64(s, &t) == 0)
		return (time_t)t;
#endif
	return time(NULL);
}

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] top [options] [DEVICE...]\n"
	       "\n"
	       "A live view of zram devices and their zsmalloc pools: what they hold,\n"
	       "what compaction would free of each device and size class, and compaction\n"
	       "from the screen. DEVICE (zramN or /dev/zramN): only these; default: all.\n"
	       "\n"
	       "Options:\n"
	       " -d, --delay SECS        refresh every SECS seconds (fractions; default 2)\n"
	       " -p, --pool NAME         select this device or pool (zramN, /dev/zramN, zswapN)\n"
	       " -b, --bytes             print sizes in bytes (as status -b; the b key)\n"
	       "     --batch             plain-text frames on stdout, no curses (logs, tests)\n"
	       "     --iterations N      stop after N frames\n"
	       "     --sort KEY          sort classes by freeable, frag, size or used; the\n"
	       "                           zswap panel's cgroups by zswap, zswpin, zswpout\n"
	       "                           or zswpwb (RAM, or pages per second)\n"
	       "     --reverse           reverse the sort order\n"
	       "     --zswap             the zswap panel: zswap per cgroup (the z key)\n"
	       "     --ages              the ages panel: slots by the age of their last\n"
	       "                           access, and what maintain's ages would select\n"
	       "                           (the a key; debugfs block_state)\n"
	       "     --lock-file PATH    the compaction gate's lock file, as compact's option\n"
	       "     --state-file PATH   the compaction state file, as compact's option\n"
	       " -h, --help              display this help\n"
	       "\n"
	       "A short option means the same in every verb: -b is bytes, -n no headings,\n"
	       "-r raw (status), so top's frame count, batch mode, sort and reverse are\n"
	       "long options.\n"
	       "\n"
	       "Keys: q quit, ? help, Tab/Left/Right pool, Up/Down/PgUp/PgDn/Home/End scroll,\n"
	       "s sort, r reverse, e empty classes, z zswap panel, a ages panel, c compact,\n"
	       "d delay, Space/p pause, b bytes.\n"
	       "\n"
	       "For more details see zsctl-top(8).\n");
}

/* A device or pool name: zramN (or /dev/zramN), or a pool directory's name. */
static int parse_pool_name(const char *arg, char *out, size_t size)
{
	char dev[ZS_DEVNAME_MAX];
	size_t len = strlen(arg);

	if (zs_devname_parse(arg, dev) == 0) {
		snprintf(out, size, "%s", dev);
		return 0;
	}
	if (!strncmp(arg, "zram", 4) || !strncmp(arg, "/dev/", 5))
		return -EINVAL; /* a zram name that is not valid */
	if (!len || len >= size || arg[0] == '.' ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return -EINVAL;
	snprintf(out, size, "%s", arg);
	return 0;
}

enum {
	OPT_BATCH = 0x100,
	OPT_ITERATIONS,
	OPT_SORT,
	OPT_REVERSE,
	OPT_ZSWAP,
	OPT_AGES,
	OPT_LOCK_FILE,
	OPT_STATE_FILE,
};

static int parse_args(struct cli *cli, int argc, char **argv, struct top_opts *o)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, OPT_ITERATIONS },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "bytes", no_argument, NULL, 'b' },
		{ "pool", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "zswap", no_argument, NULL, OPT_ZSWAP },
		{ "ages", no_argument, NULL, OPT_AGES },
		{ "lock-file", required_argument, NULL, OPT_LOCK_FILE },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:d:bp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			r = zs_parse_seconds(optarg, &o->delay);
			if (r < 0) {
				cli_usage_error(cli, "top: --delay: %s value '%.40s'; expected %s",
						r == -ERANGE ? "out-of-range" : "invalid", optarg,
						ZS_SECONDS_ACCEPTED);
				return -EINVAL;
			}
			break;
		case OPT_ITERATIONS:
			r = zs_parse_u64(optarg, &o->iterations);
			if (r < 0 || !o->iterations) {
				cli_usage_error(cli,
						"top: --iterations: invalid value '%.40s'; expected "
						"a number of frames, 1 or more",
						optarg);
				return -EINVAL;
			}
			break;
		case OPT_BATCH:
			o->batch = true;
			break;
		case 'b':
			o->bytes = true;
			break;
		case 'p':
			o->pool = optarg;
			break;
		case OPT_SORT:
			/* a class key, or a key of the zswap panel's cgroups */
			if (top_parse_sort(optarg, &o->sort) < 0 &&
			    top_parse_cg_sort(optarg, &o->cg_sort) < 0) {
				cli_usage_error(cli,
						"top: --sort: unknown key '%.40s' "
						"(freeable, frag, size, used; zswap, zswpin, "
						"zswpout, zswpwb)",
						optarg);
				return -EINVAL;
			}
			break;
		case OPT_REVERSE:
			o->reverse = true;
			break;
		case OPT_ZSWAP:
			o->zswap = true;
			o->ages = false; /* the last panel asked for */
			break;
		case OPT_AGES:
			o->ages = true;
			o->zswap = false;
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
	/* devices as every verb takes them, checked the same way */
	if (optind < argc) {
		r = cli_parse_devices(cli, argc - optind, argv + optind, &o->devices, &o->ndevices);
		if (r == -ENOMEM)
			cli_error(cli, NULL, r, "out of memory");
		if (r < 0)
			return -EINVAL;
	}
	return 0;
}

struct top_run {
	struct cli *cli;
	struct top_opts *o;
	struct zs_reader *reader;
	struct zs_gate *gate;
	const struct zs_snapshot *sample;
	struct top_view view;
	struct top_frame frame;
	struct zs_config *ages_config; /* maintain's, for the ages panel; NULL: not read */
	bool ages_config_read;
};

/* What top shows of each device, the pools, swap and the gate. */
static const unsigned int top_needs = ZS_NEED_DISKSIZE | ZS_NEED_ALGORITHM | ZS_NEED_MM |
				      ZS_NEED_SWAPS | ZS_NEED_POOLS | ZS_NEED_GATE | ZS_NEED_DISKSEQ |
				      ZS_NEED_ZSWAP_SUMMARY;

/*
 * The ages panel counts what maintain's idle ages would select, so it
 * reads maintain's configuration (zsctl.conf(5)), once, when the panel is
 * first shown. A refused one is said in the panel, and the defaults are
 * not shown as if they were maintain's.
 */
static void read_ages_config(struct top_run *t)
{
	struct zs_config_error e;
	struct zs_config *cfg;
	int r;

	if (t->ages_config_read)
		return;
	t->ages_config_read = true;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		snprintf(t->view.ages_config_error, sizeof(t->view.ages_config_error),
			 "out of memory");
		return;
	}
	r = zs_config_load(t->cli->ctx, NULL, cfg, &e);
	if (r < 0) {
		char *msg = t->view.ages_config_error, line[24] = "";
		size_t size = sizeof(t->view.ages_config_error);

		if (e.line)
			snprintf(line, sizeof(line), ":%" PRIu64, e.line);
		/* as zsctl status --ages says it */
		snprintf(msg, size,
			 "%.120s%s%s%.40s%s%s%.40s: refused (zsctl maintain --dry-run says why)",
			 e.file[0] ? e.file : "configuration", line, e.section[0] ? " [" : "",
			 e.section, e.section[0] ? "]" : "", e.key[0] ? " " : "", e.key);
		free(cfg);
		return;
	}
	t->ages_config = cfg;
}

static int refresh(struct top_run *t)
{
	bool ages = t->view.panel == TOP_PANEL_AGES && top_ages_due(&t->view, t->sample, mono_ns());
	int r;

	if (ages)
		read_ages_config(t);
	zs_reader_read_ages(t->reader, ages, t->ages_config);
	r = zs_reader_refresh(t->reader, &t->sample);
	if (r < 0)
		return r;
	t->view.now = frame_time();
	t->view.now_ns = mono_ns();
	if (ages)
		top_ages_read(&t->view, t->sample);
	return 0;
}

static bool entry_exists(const struct top_view *v, const struct zs_snapshot *sm, const char *name)
{
	struct top_entry *e = NULL;
	size_t n = 0;
	bool found = false;

	if (top_entries(v, sm, &e, &n) < 0)
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = !strcmp(e[i].name, name);
	free(e);
	return found;
}

/* Sleep up to secs, waking for hotplug (which the next refresh picks up anyway). */
static void batch_wait(struct top_run *t, double secs)
{
	uint64_t end = mono_ns() + (uint64_t)(secs * 1e9);
	int fd = zs_reader_fd(t->reader);

	for (;;) {
		uint64_t now = mono_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now >= end)
			return;
		if (poll(&p, fd >= 0 ? 1 : 0, (int)((end - now + 999999) / 1000000)) > 0)
			zs_reader_process_fd(t->reader);
	}
}

static int run_batch(struct top_run *t)
{
	static char outbuf[1 << 20];
	int r;

	/* one write per frame */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	for (uint64_t i = 0; !t->o->iterations || i < t->o->iterations; i++) {
		if (i) {
			batch_wait(t, t->o->delay);
			r = refresh(t);
			if (r < 0) {
				cli_lib_error(t->cli, "zram", r);
				return t->cli->status;
			}
		}
		t->view.message[0] = '\0';
		top_events_message(&t->view, t->sample, 0);
		r = top_build(&t->frame, &t->view, t->sample);
		if (r < 0) {
			cli_error(t->cli, NULL, r, "out of memory");
			return t->cli->status;
		}
		top_print_frame(&t->frame, stdout);
		if (fflush(stdout) != 0)
			return ZS_EXIT_FAILURE; /* main() reports the write error */
	}
	return ZS_EXIT_OK;
}

static int build(struct top_run *t)
{
	int rows, cols;

	screen_size(&rows, &cols);
	t->view.cols = cols;
	if (t->view.mode == TOP_MODE_HELP)
		return top_build_help(&t->frame, &t->view);
	return top_build(&t->frame, &t->view, t->sample);
}

static void do_compact(struct top_run *t)
{
	char name[ZS_DEVNAME_MAX], msg[sizeof(t->view.message)];
	bool ok;

	snprintf(name, sizeof(name), "%s", t->view.compact_target);
	snprintf(t->view.message, sizeof(t->view.message), "compacting %s...", name);
	t->view.message_error = false;
	if (build(t) >= 0)
		screen_draw(&t->frame, &t->view, false);
	ok = top_compact(t->cli, t->gate, t->reader, name, msg, sizeof(msg));
	snprintf(t->view.message, sizeof(t->view.message), "%s", msg);
	t->view.message_error = !ok;
	t->view.message_until_ns = 0;
}

static int run_interactive(struct top_run *t)
{
	uint64_t next_due, frames = 1;
	bool need_build = true, clear = false;
	int r = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(t->cli, NULL, -ENOTTY, "top: not a terminal (use -b for batch mode)");
		return t->cli->status;
	}
	if (screen_open(!(getenv("NO_COLOR") && *getenv("NO_COLOR"))) < 0) {
		const char *term = getenv("TERM");

		cli_error(t->cli, NULL, -ENOTTY, "top: cannot use the terminal (TERM=%s)",
			  term ? term : "unset");
		return t->cli->status;
	}
	atexit(screen_close);
	next_due = mono_ns() + (uint64_t)(t->view.delay * 1e9);
	top_events_message(&t->view, t->sample, mono_ns());

	while (!quit_signal) {
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = zs_reader_fd(t->reader), .events = POLLIN },
		};
		int timeout = -1, key, act = 0, n;
		uint64_t now;

		if (need_build) {
			r = build(t);
			if (r < 0)
				break;
			need_build = false;
		}
		screen_draw(&t->frame, &t->view, clear);
		clear = false;
		if (t->o->iterations && frames >= t->o->iterations)
			break;

		now = mono_ns();
		if (!t->view.paused)
			timeout = next_due > now ? (int)((next_due - now + 999999) / 1000000) : 0;
		if (t->view.message_until_ns) {
			int until = t->view.message_until_ns > now ?
					    (int)((t->view.message_until_ns - now) / 1000000) + 1 :
					    0;

			if (timeout < 0 || until < timeout)
				timeout = until;
		}
		n = poll(p, p[1].fd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (quit_signal)
			break;
		if (p[1].fd >= 0 && (p[1].revents & POLLIN) &&
		    zs_reader_process_fd(t->reader) > 0 && !t->view.paused)
			next_due = 0; /* a device came or went: show it now */
		/*
		 * Keys only when the terminal has some, or after a signal (curses
		 * turns SIGWINCH into KEY_RESIZE): a getch() with nothing to read
		 * costs a system call per frame for nothing.
		 */
		while ((n < 0 || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) &&
		       (key = screen_getkey()) != TOP_KEY_NONE) {
			int a = top_key(&t->view, t->sample, key);

			act |= a;
			if (a & TOP_ACT_QUIT)
				break;
			if (a & TOP_ACT_COMPACT) {
				do_compact(t);
				act |= TOP_ACT_REFRESH;
			}
		}
		if (act & TOP_ACT_QUIT)
			break;
		if (act & (TOP_ACT_REBUILD | TOP_ACT_REDRAW))
			need_build = need_build || (act & TOP_ACT_REBUILD);
		if (act & TOP_ACT_CLEAR)
			clear = true;
		if (act & TOP_ACT_PANEL) /* the ages: at the refresh, when due */
			zs_reader_watch_cgroups(t->reader, t->view.panel == TOP_PANEL_ZSWAP);
		if (act & TOP_ACT_RESCAN) {
			zs_reader_rescan(t->reader);
			act |= TOP_ACT_REFRESH;
		}
		now = mono_ns();
		if (act & TOP_ACT_DELAY)
			next_due = now + (uint64_t)(t->view.delay * 1e9);
		if (t->view.message_until_ns && now >= t->view.message_until_ns) {
			t->view.message[0] = '\0';
			t->view.message_until_ns = 0;
			need_build = true;
		}
		if ((act & TOP_ACT_REFRESH) || (!t->view.paused && now >= next_due)) {
			r = refresh(t);
			if (r < 0)
				break;
			top_events_message(&t->view, t->sample, now);
			frames++;
			next_due = now + (uint64_t)(t->view.delay * 1e9);
			need_build = true;
		}
	}
	screen_close();
	if (r == -ENOMEM)
		cli_error(t->cli, NULL, -ENOMEM, "out of memory");
	else if (r < 0)
		cli_lib_error(t->cli, "zram", r);
	if (quit_signal)
		return 128 + quit_signal;
	return t->cli->status;
}

int verb_top(struct cli *cli, int argc, char **argv)
{
	struct top_opts o = { .delay = DEFAULT_DELAY };
	struct top_run t = { .cli = cli, .o = &o };
	int r;

	r = parse_args(cli, argc, argv, &o);
	if (r) {
		zs_strv_free(o.devices);
		return r < 0 ? cli->status : ZS_EXIT_OK;
	}
	if (!o.batch && o.delay <= 0) {
		cli_usage_error(cli, "top: --delay must be more than 0 (0 is for --batch only)");
		return cli->status;
	}
	t.view.delay = o.delay;
	t.view.sort = o.sort;
	t.view.reverse = o.reverse;
	t.view.cg_sort = o.cg_sort;
	t.view.cg_reverse = o.reverse;
	t.view.panel = o.zswap ? TOP_PANEL_ZSWAP : o.ages ? TOP_PANEL_AGES : TOP_PANEL_CLASSES;
	t.view.batch = o.batch;
	t.view.bytes = o.bytes;
	t.view.all_pools = o.batch && !o.pool;
	t.view.has_clock = true;
	t.view.named = o.devices != NULL;
	{
		const char *cs = nl_langinfo(CODESET);

		/* batch frames are logs and test output: the same bytes in every locale */
		t.view.utf8 = !o.batch && cs && !strcmp(cs, "UTF-8");
	}
	if (o.pool && parse_pool_name(o.pool, t.view.selected, sizeof(t.view.selected)) < 0) {
		char shown[64];

		cli_shown(o.pool, shown, sizeof(shown));
		cli_usage_error(cli, "top: --pool: invalid name '%s'", shown);
		return cli->status;
	}
	r = zs_gate_new(cli->ctx, o.gate_paths.lock_path, o.gate_paths.state_path, &t.gate);
	if (r >= 0) {
		struct zs_reader_opts ro = {
			/* the cgroup walk only while the zswap panel is shown (z) */
			.needs = top_needs | (o.zswap ? ZS_NEED_CGROUPS : 0),
			.devices = o.devices,
			.ndevices = o.ndevices,
			.watch = true,
			.gate = t.gate,
		};

		r = zs_reader_new(cli->ctx, &ro, &t.reader);
	}
	if (r < 0) {
		cli_error(cli, NULL, r, "top: %s", strerror(-r));
		goto out;
	}
	if (!o.batch)
		install_signals();
	r = refresh(&t);
	if (r < 0) {
		cli_lib_error(cli, "zram", r);
		goto out;
	}
	for (size_t i = 0; i < o.ndevices; i++) {
		if (!zs_snapshot_device(t.sample, o.devices[i])) {
			cli_error(cli, o.devices[i], -ENODEV, "no such device");
			goto out;
		}
	}
	if (o.pool && !entry_exists(&t.view, t.sample, t.view.selected)) {
		cli_error(cli, t.view.selected, -ENODEV, "no such device or pool");
		goto out;
	}
	r = o.batch ? run_batch(&t) : run_interactive(&t);
	if (r > cli->status)
		cli->status = r;
out:
	top_frame_free(&t.frame);
	top_view_clear(&t.view);
	free(t.ages_config);
	zs_reader_free(t.reader);
	zs_gate_free(t.gate);
	zs_strv_free(o.devices);
	return cli->status;
}
