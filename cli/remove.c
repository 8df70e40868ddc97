// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl remove: remove zram devices (zram-control's hot_remove), as
 * `zramctl --reset` does. A device that is swap, mounted or has a device
 * built on it is refused, naming that user; udev's probe of a device is
 * waited out (lib/control.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HOT_REMOVE "/sys/class/zram-control/hot_remove"

struct remove_opts {
	bool dry_run;
	bool quiet;
	bool json;
	double wait; /* --wait SECS for maintain to leave the device */
};

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] remove [options] DEVICE...\n"
	       "\n"
	       "Remove zram devices: DISCARDS THEIR DATA. A device that is swap, mounted\n"
	       "or has a device built on it is refused. zsctl waits for udev to let go of\n"
	       "a device it is probing.\n"
	       "\n"
	       "Options:\n"
	       "     --dry-run   check, and print what would be written; remove nothing\n"
	       " -w, --wait SECS wait up to SECS (fractions allowed) for zsctl maintain\n"
	       "                 to finish writing back or recompressing a device (the\n"
	       "                 removal would wait for it)\n"
	       " -q, --quiet     print errors and warnings only\n"
	       " -J, --json      JSON output\n"
	       " -h, --help      display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN.\n"
	       "\n"
	       "Exit status: 0 removed (or would be, with --dry-run), 1 a device was not\n"
	       "removed (it does not exist, is in use, or the kernel refused), 2 usage,\n"
	       "3 busy: zsctl maintain writes back or recompresses a device (after --wait\n"
	       "SECS, if given).\n"
	       "\n"
	       "For more details see zsctl-remove(8).\n");
}

static int parse_args(struct cli *cli, int argc, char **argv, struct remove_opts *o)
{
	enum { OPT_DRY_RUN = 0x100 };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "wait", required_argument, NULL, 'w' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	cli_scan_json_flag(cli, argc, argv, "qJ");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":w:qJh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case 'w':
			r = zs_parse_seconds(optarg, &o->wait);
			if (r < 0)
				return cli_bad_value(cli, "--wait", optarg, r, ZS_SECONDS_ACCEPTED);
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
	if (optind >= argc) {
		cli_usage_error(cli, "remove: no device given");
		return -EINVAL;
	}
	return 0;
}

/* What to do when the kernel refused hot_remove with err. */
static void refusal_sentence(const char *dev, int err, const struct zs_users *u,
			     const struct zs_busy_wait *w, char *buf, size_t size)
{
	switch (err) {
	case EBUSY:
		cli_busy_sentence(dev, u, w, buf, size);
		return;
	case EPERM:
	case EACCES:
		snprintf(buf, size, "removing a zram device needs root; run it as root");
		return;
	case ENOENT:
		snprintf(buf, size,
			 "this kernel has no %s (Linux 4.2 and later have it); 'zsctl set "
			 "--reset %s' empties the device instead",
			 HOT_REMOVE, dev);
		return;
	case ENODEV:
		snprintf(buf, size, "%s went away meanwhile (removed by another program?)", dev);
		return;
	default:
		snprintf(buf, size, "%s; check the kernel log (dmesg)", strerror(err));
		return;
	}
}

static void warn_discard(struct cli *cli, const struct zs_device *d, bool dry_run)
{
	char data[32];

	if (!d->initialised)
		return;
	cli_format_size(zs_stat_has(&d->mm, ZS_MM_ORIG_DATA_SIZE) ? d->mm.val[ZS_MM_ORIG_DATA_SIZE] : 0,
		    false, data, sizeof(data));
	/* after the removal (or its dry run): never on a line that was then refused */
	cli_warn(cli, d->name,
		 dry_run ? "remove would discard all it holds (%s of data)" :
			   "removed with all it held (%s of data)",
		 data);
}

/* One device: true when it was (or would be) removed. */
static bool remove_one(struct cli *cli, const char *dev, const struct remove_opts *o, json_t *out)
{
	struct zs_device d = { 0 };
	struct zs_users u = { 0 };
	struct zs_busy_wait w = { 0 };
	bool removed = false, tried = false;
	char msg[512];
	int r;

	/*
	 * hot_remove resets the device, which takes its lock for writing: it
	 * would wait for maintain's whole writeback or recompression (and on
	 * 7.x so would the reads below), holding zram's index mutex meanwhile
	 */
	if (cli_check_not_busy(cli, dev, o->wait, !o->dry_run, "removal", "not removed") < 0)
		goto out;
	r = zs_device_read(cli->ctx, dev, &d);
	if (r < 0) {
		if (r == -ENODEV)
			cli_error(cli, dev, -ENODEV, "no such device");
		else
			cli_lib_error(cli, dev, r);
		goto out;
	}
	r = zs_device_users(cli->ctx, &d, &u);
	if (r < 0) {
		cli_lib_error(cli, dev, r);
		goto out;
	}
	if (zs_users_any(&u)) {
		cli_report_users(cli, dev, "remove", &u);
		goto out;
	}
	if (o->dry_run) {
		warn_discard(cli, &d, true);
		if (!o->json && !o->quiet)
			printf("%s: would write \"%s\" to %s\n", dev, dev + 4, HOT_REMOVE);
		removed = true;
		goto out;
	}
	tried = true;
	r = zs_control_remove(cli->ctx, dev, &w);
	if (r == -EBUSY) {
		/* a user came since the check, or it was open all along */
		zs_users_clear(&u);
		zs_device_users(cli->ctx, &d, &u);
	}
	if (r < 0) {
		refusal_sentence(dev, -r, &u, &w, msg, sizeof(msg));
		cli_error(cli, dev, r, "remove: refused (%s): %s", strerror(-r), msg);
		goto out;
	}
	removed = true;
	if (!o->json && !o->quiet)
		printf("%s: wrote \"%s\" to %s\n", dev, dev + 4, HOT_REMOVE);
	warn_discard(cli, &d, false);
out:
	if (out) {
		json_t *j = json_object();

		json_object_set_new(j, "name", json_string(dev));
		json_object_set_new(j, "file", json_string(HOT_REMOVE));
		json_object_set_new(j, "value", json_string(dev + 4));
		json_object_set_new(j, "removed", json_boolean(removed && !o->dry_run));
		if (tried)
			cli_json_busy_wait(j, &w);
		json_array_append_new(out, j);
	}
	zs_users_clear(&u);
	zs_device_clear(&d);
	return removed;
}

int verb_remove(struct cli *cli, int argc, char **argv)
{
	struct remove_opts o = { 0 };
	json_t *devices = NULL;
	char **names = NULL;
	size_t n = 0;
	int r;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	r = cli_parse_devices(cli, argc - optind, argv + optind, &names, &n);
	if (r < 0) {
		if (r == -ENOMEM)
			cli_error(cli, NULL, -ENOMEM, "out of memory");
		return cli->status;
	}
	if (o.json)
		devices = json_array();
	for (size_t i = 0; i < n; i++) {
		bool again = false;

		/* a device named twice is removed once */
		for (size_t j = 0; j < i && !again; j++)
			again = !strcmp(names[i], names[j]);
		if (!again)
			remove_one(cli, names[i], &o, devices);
	}
	if (o.json) {
		json_t *doc = cli_json_doc();

		json_object_set_new(doc, "dry_run", json_boolean(o.dry_run));
		json_object_set_new(doc, "devices", devices);
		cli_json_print(cli, doc);
	}
	zs_strv_free(names);
	return cli->status;
}
