// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl add: make a new zram device (zram-control's hot_add) and set it up
 * through zsctl set's checks and order, as `zramctl --find --size` does in
 * one step. Prints the new device's node for scripts; a device it cannot
 * set up is removed again, so nothing half set up is left behind.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct add_opts {
	const char *size;
	const char *algorithm;
	bool quiet;
	bool json;
};

static void usage(void)
{
	size_t n;
	const struct zs_attr *t = zs_attr_table(&n);

	printf("Usage:\n"
	       " zsctl [global options] add [options] [ATTR=VALUE...]\n"
	       "\n"
	       "Make a new zram device and set it up: -s and -a, and every ATTR=VALUE,\n"
	       "are checked and written as zsctl set does. Prints the new device, such\n"
	       "as /dev/zram1. A device that cannot be set up is removed again.\n"
	       "\n"
	       "Options:\n"
	       " -s, --size SIZE       its size (disksize=SIZE): 4G, 512M; initialises it\n"
	       " -a, --algorithm NAME  its compression algorithm (comp_algorithm=NAME)\n"
	       " -q, --quiet           do not print the new device\n"
	       " -J, --json            JSON output\n"
	       " -h, --help            display this help\n"
	       "\n"
	       "Attributes (as for zsctl set):\n");
	cli_print_settable(t, n);
	printf("\n"
	       "Exit status: 0 made and set up, 1 not made, or refused by the kernel or\n"
	       "the new device (and removed again), 2 usage (nothing made).\n"
	       "\n"
	       "For more details see zsctl-add(8).\n");
}

static int parse_args(struct cli *cli, int argc, char **argv, struct add_opts *o)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_scan_json_flag(cli, argc, argv, "qJ");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:a:qJh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->size = optarg;
			break;
		case 'a':
			o->algorithm = optarg;
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
	if (argc - optind + !!o->size + !!o->algorithm > ZS_SET_MAX) {
		cli_usage_error(cli, "add: more than %d ATTR=VALUE", ZS_SET_MAX);
		return -EINVAL;
	}
	return 0;
}

static char *attr_value(const char *attr, const char *value)
{
	size_t len = strlen(attr) + strlen(value) + 2;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s=%s", attr, value);
	return s;
}

/* -s and -a as the ATTR=VALUE they stand for, then the others. */
static char **line_of(const struct add_opts *o, int argc, char **argv, int *n)
{
	char **v = calloc((size_t)argc + 3, sizeof(char *));
	int k = 0;

	if (!v)
		return NULL;
	if (o->size && !(v[k++] = attr_value("disksize", o->size)))
		goto fail;
	if (o->algorithm && !(v[k++] = attr_value("comp_algorithm", o->algorithm)))
		goto fail;
	for (int i = 0; i < argc; i++)
		if (!(v[k++] = strdup(argv[i])))
			goto fail;
	*n = k;
	return v;
fail:
	zs_strv_free(v); /* filled in order: the NULL that failed ends it */
	return NULL;
}

/*
 * The new device's diskseq (Linux 5.15+), through the reader: what tells it
 * from a later device of the same name once it is removed again.
 */
static struct zs_identity new_identity(struct cli *cli, const char *dev)
{
	char *names[] = { (char *)dev, NULL };
	struct zs_reader_opts ro = { .needs = ZS_NEED_DISKSEQ, .devices = names, .ndevices = 1 };
	struct zs_identity id = { 0 };
	struct zs_reader *reader = NULL;
	const struct zs_snapshot *s = NULL;
	const struct zs_snap_device *sd;

	if (zs_reader_new(cli->ctx, &ro, &reader) < 0)
		return id;
	if (zs_reader_refresh(reader, &s) >= 0 && (sd = zs_snapshot_device(s, dev)) && !sd->err)
		zs_device_identity(&sd->dev, &id);
	zs_reader_free(reader);
	return id;
}

/* The device made, set up or not; removed again when it was not. */
static void print_doc(struct cli *cli, const struct zs_set_plan *plan, const struct zs_identity *id,
		      bool created, bool removed)
{
	json_t *doc = cli_json_doc();
	char node[ZS_DEVNAME_MAX + 8];

	if (created) {
		snprintf(node, sizeof(node), "/dev/%s", plan->dev);
		json_object_set_new(doc, "name", json_string(plan->dev));
		json_object_set_new(doc, "node", json_string(node));
		json_object_set_new(doc, "diskseq",
				    id->has_diskseq ? json_integer((json_int_t)id->diskseq) : json_null());
	} else {
		json_object_set_new(doc, "name", json_null());
		json_object_set_new(doc, "node", json_null());
		json_object_set_new(doc, "diskseq", json_null());
	}
	json_object_set_new(doc, "created", json_boolean(created));
	json_object_set_new(doc, "removed", json_boolean(removed));
	json_object_set_new(doc, "writes", cli_set_json_writes(plan));
	cli_json_print(cli, doc);
}

/* Undo the hot_add after the set-up failed; the set-up's own errors are out. */
static bool remove_again(struct cli *cli, const char *dev)
{
	struct zs_busy_wait w;
	int r;

	r = zs_control_remove(cli->ctx, dev, &w);
	if (r >= 0) {
		cli_error(cli, dev, 0, "not set up: removed it again");
		return true;
	}
	cli_error(cli, dev, r,
		  "not set up, and it could not be removed again (%s); remove it with 'zsctl "
		  "remove %s'",
		  strerror(-r), dev);
	return false;
}

int verb_add(struct cli *cli, int argc, char **argv)
{
	struct add_opts o = { 0 };
	struct set_opts so = { .quiet = true };
	struct zs_set_plan *plan;
	bool created = false, removed = false;
	struct zs_identity id = { 0 };
	char **line;
	int r, n = 0;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	so.json = o.json;
	plan = calloc(1, sizeof(*plan));
	line = plan ? line_of(&o, argc - optind, argv + optind, &n) : NULL;
	if (!line) {
		free(plan);
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return cli->status;
	}

	/* the command line alone, before a device is made */
	if (!cli_set_parse_items(cli, plan, "add", line, n)) {
		cli_error(cli, "add", 0, "no device made");
		cli->status = ZS_EXIT_USAGE;
		goto out;
	}
	r = zs_control_add(cli->ctx, plan->dev);
	if (r < 0) {
		if (r == -ENOENT)
			cli_error(cli, "add", -ENOENT,
				  "cannot make a zram device: this kernel has no "
				  "/sys/class/zram-control/hot_add (Linux 4.2 and later have it; "
				  "is zram loaded? modprobe zram)");
		else if (r == -EACCES || r == -EPERM)
			cli_error(cli, "add", r,
				  "making a zram device needs root; run it as root");
		else
			cli_lib_error(cli, "add", r);
		goto out;
	}
	created = true;
	if (o.json)
		id = new_identity(cli, plan->dev);
	/* against the new device, through set's checks, order and messages */
	r = cli_set_run(cli, plan, &so);
	if (r < 0) {
		removed = remove_again(cli, plan->dev);
		goto out;
	}
	if (!o.json && !o.quiet)
		printf("/dev/%s\n", plan->dev);
out:
	if (o.json)
		print_doc(cli, plan, &id, created, removed);
	zs_strv_free(line);
	zs_set_plan_clear(plan);
	free(plan);
	return cli->status;
}
