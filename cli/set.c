// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl set: validated writes of zram's tunables, zswap's parameters and
 * a cgroup's zswap limits. Every ATTR=VALUE of the
 * line is checked first (syntax, then against the running kernel and the
 * device's state); only then are they written, in a safe order. A
 * refusal says what to do, and which writes went through.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


static void usage(void)
{
	const struct zs_attr *t;
	size_t n;

	printf("Usage:\n"
	       " zsctl [global options] set [options] DEVICE ATTR=VALUE...\n"
	       " zsctl [global options] set --reset [options] DEVICE [ATTR=VALUE...]\n"
	       " zsctl [global options] set [options] zswap PARAM=VALUE...\n"
	       " zsctl [global options] set [options] --cgroup CGROUP FILE=VALUE...\n"
	       "\n"
	       "Set attributes of a zram device. Every ATTR=VALUE is checked against the\n"
	       "running kernel and the device's state before anything is written; then\n"
	       "they are written in a safe order (backing_dev and the algorithms before\n"
	       "disksize, the limits after it).\n"
	       "\n"
	       "Options:\n"
	       "     --dry-run   print what would be written; write nothing\n"
	       "     --reset     reset the device first: DISCARDS ITS DATA and settings;\n"
	       "                 alone, just reset it\n"
	       "     --cgroup CGROUP\n"
	       "                 set a cgroup's zswap files (cgroup v2); CGROUP is its\n"
	       "                 path below the cgroup2 mount, as status --cgroups shows it\n"
	       " -w, --wait SECS wait up to SECS (fractions allowed) for zsctl maintain\n"
	       "                 to finish writing back or recompressing the device\n"
	       "                 (Linux 7.x: every write would wait for it; before,\n"
	       "                 mem_limit's and --reset's)\n"
	       " -q, --quiet     print errors only\n"
	       " -J, --json      JSON output\n"
	       " -h, --help      display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN. Values hold no blanks: lists of KEY=VALUE\n"
	       "are given with commas (recompress=type=idle,max_pages=100).\n"
	       "\n"
	       "Attributes:\n");
	t = zs_attr_table(&n);
	cli_print_settable(t, n);
	printf("\nzswap's parameters (/sys/module/zswap/parameters):\n");
	t = zs_zswap_attr_table(&n);
	cli_print_settable(t, n);
	printf("\nA cgroup's zswap files (--cgroup):\n");
	t = zs_cgroup_attr_table(&n);
	cli_print_settable(t, n);
	printf("\n"
	       "Exit status: 0 written (or would be, with --dry-run), 1 refused by the\n"
	       "device's state or the kernel, 2 usage (an unknown attribute, a malformed\n"
	       "value), 3 busy: zsctl maintain writes back or recompresses the device on\n"
	       "Linux 7.x, or before 7.x for mem_limit or --reset (after --wait SECS, if\n"
	       "given).\n"
	       "\n"
	       "For more details see zsctl-set(8).\n");
}

/* Problems found from the command line alone are usage errors (exit 2). */
static bool usage_problem(enum zs_set_problem p)
{
	switch (p) {
	case ZS_SET_SYNTAX:
	case ZS_SET_UNKNOWN:
	case ZS_SET_READ_ONLY:
	case ZS_SET_NOT_HERE:
	case ZS_SET_BAD_CHARS:
	case ZS_SET_EMPTY:
	case ZS_SET_TOO_LONG:
	case ZS_SET_BAD_VALUE:
	case ZS_SET_RANGE:
	case ZS_SET_BAD_PARAM:
	case ZS_SET_DUPLICATE:
		return true;
	default:
		return false;
	}
}

static void join_choices(const struct zs_device *d, char *buf, size_t size)
{
	buf[0] = '\0';
	for (unsigned int i = 0; i < d->algorithms.n; i++) {
		if (i)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, d->algorithms.name[i], size - strlen(buf) - 1);
	}
}

/* What messages name: the device, zswap, or "cgroup /a/b". */
static const char *plan_object(const struct zs_set_plan *plan, char *buf, size_t size)
{
	if (!plan->cgroup)
		return plan->dev;
	snprintf(buf, size, "cgroup %s", plan->cgroup_path[0] ? plan->cgroup_path : "/");
	return buf;
}

/* One sentence: why the item is refused before any write, and what to do. */
static void problem_sentence(const struct zs_set_plan *plan, const struct zs_set_item *it,
			     char *buf, size_t size)
{
	const struct zs_attr *a = it->attr;
	const char *help = a && a->value_help ? a->value_help : "";
	char tmp[256];

	switch (it->problem) {
	case ZS_SET_OK:
		snprintf(buf, size, "ok");
		return;
	case ZS_SET_SYNTAX:
		snprintf(buf, size, "'%s': expected ATTR=VALUE", it->name);
		return;
	case ZS_SET_UNKNOWN:
		snprintf(buf, size, "'%s' is not a %s (zsctl set --help lists them)", it->name,
			 plan->zswap  ? "zswap parameter" :
			 plan->cgroup ? "cgroup file zsctl set writes" :
					"zram attribute");
		return;
	case ZS_SET_READ_ONLY:
		snprintf(buf, size, "%s is read-only", it->name);
		return;
	case ZS_SET_NOT_HERE:
		if (!strcmp(it->name, "reset"))
			snprintf(buf, size, "reset: use --reset, which says what it discards");
		else if (!strcmp(it->name, "compact"))
			snprintf(buf, size, "compact: use zsctl compact");
		else
			snprintf(buf, size, "%s: zsctl set does not write it", it->name);
		return;
	case ZS_SET_BAD_CHARS:
		snprintf(buf, size,
			 "%s: a value with blanks, newlines, control characters or a leading '-' "
			 "is refused (give lists with commas)",
			 it->name);
		return;
	case ZS_SET_EMPTY:
		snprintf(buf, size, "%s: empty value; expected %s", it->name, help);
		return;
	case ZS_SET_TOO_LONG:
		snprintf(buf, size, "%s: value too long (at most %d characters)", it->name,
			 ZS_SET_VALUE_MAX - 1);
		return;
	case ZS_SET_BAD_VALUE:
		snprintf(buf, size, "%s: '%s' is not valid; expected %s", it->name, it->arg, help);
		return;
	case ZS_SET_RANGE:
		snprintf(buf, size, "%s: '%s' is out of range; expected %s", it->name, it->arg,
			 help);
		return;
	case ZS_SET_BAD_PARAM:
		snprintf(buf, size, "%s: '%s' has an unknown, repeated or missing key; expected %s",
			 it->name, it->arg, help);
		return;
	case ZS_SET_DUPLICATE:
		snprintf(buf, size, "%s is given twice; give it once", it->name);
		return;
	case ZS_SET_ABSENT:
		cli_attr_availability(a, tmp, sizeof(tmp));
		if (plan->cgroup) {
			snprintf(buf, size,
				 "%s: the cgroup has no such file: this kernel lacks it (%s)",
				 it->name, tmp);
			return;
		}
		snprintf(buf, size, "%s: this kernel has no such %s (%s)", it->name,
			 plan->zswap ? "parameter" : "attribute", tmp);
		return;
	case ZS_SET_NOT_A_CHOICE:
		if (plan->zswap) {
			snprintf(buf, size,
				 "%s: the kernel has no compressor '%.64s' (neither loaded nor a module); "
				 "loaded ones: %.200s",
				 it->name, it->arg, plan->zswap_choices[0] ? plan->zswap_choices : "none");
			return;
		}
		join_choices(&plan->before, tmp, sizeof(tmp));
		snprintf(buf, size,
			 "%s: '%s' names an algorithm %s does not offer; choose one of: %s",
			 it->name, it->arg, plan->dev, tmp);
		return;
	case ZS_SET_NEEDS_UNINIT:
		cli_format_size(plan->before.disksize, false, tmp, sizeof(tmp));
		snprintf(buf, size,
			 "%s: %s is initialised (disksize %s) and this can only be set before; "
			 "add --reset to discard its data and settings first",
			 it->name, plan->dev, tmp);
		return;
	case ZS_SET_NEEDS_INIT:
		snprintf(buf, size,
			 "%s: %s is not initialised; set disksize first (on the same line "
			 "is fine)",
			 it->name, plan->dev);
		return;
	case ZS_SET_NEEDS_BACKING:
		snprintf(buf, size,
			 "%s: %s has no backing device; set backing_dev (before disksize) "
			 "first",
			 it->name, plan->dev);
		return;
	case ZS_SET_NO_BLOCKDEV:
		snprintf(buf, size,
			 "%s: '%s' is not an existing block device; give one such as "
			 "/dev/sdb2",
			 it->name, it->arg);
		return;
	case ZS_SET_SELF:
		snprintf(buf, size, "%s: %s cannot be its own backing device", it->name, plan->dev);
		return;
	case ZS_SET_IN_USE:
		snprintf(buf, size, "%s is in use", plan->dev);
		return;
	case ZS_SET_NO_MEMCG:
		if (!plan->cgroup_path[0])
			snprintf(
				buf, size,
				"%s: the root cgroup has no zswap limits; set them on a cgroup below it",
				it->name);
		else
			snprintf(buf, size,
				 "%s: the cgroup has no memory controller (its parent's "
				 "cgroup.subtree_control lacks +memory)",
				 it->name);
		return;
	case ZS_SET_TOO_NEW:
		snprintf(buf, size,
			 "%s: '%s': the key=value forms (type=, page_indexes=, several keys) came "
			 "in Linux 6.16; this kernel takes idle, huge, huge_idle, incompressible "
			 "or page_index=N",
			 it->name, it->arg);
		return;
	}
	snprintf(buf, size, "%s: refused", it->name);
}

/* One sentence: what to do after the kernel refused a write with err. */
static void refusal_sentence(const struct zs_set_plan *plan, const struct zs_set_item *it, int err,
			     char *buf, size_t size)
{
	const char *n = it->attr->name, *dev = plan->dev;
	bool before_init = it->attr->flags & ZS_ATTR_NEEDS_UNINIT;

	switch (err) {
	case EPERM:
	case EACCES:
		snprintf(buf, size, "writing %s needs root; run it as root",
			 plan->cgroup ? "a cgroup's files" :
			 plan->zswap  ? "zswap's parameters" :
					"zram attributes");
		return;
	case EROFS:
		snprintf(buf, size, "the file system is read-only; set it on a writable system");
		return;
	case EBUSY:
		if (!strcmp(n, "reset"))
			cli_busy_sentence(dev, &plan->users, &plan->reset_wait, buf, size);
		else if (!strcmp(n, "backing_dev"))
			snprintf(buf, size,
				 "the block device is in use or %s is initialised; choose "
				 "a free device, or add --reset",
				 dev);
		else if (before_init)
			snprintf(buf, size,
				 "%s was initialised meanwhile; run it again with --reset, "
				 "which discards its data",
				 dev);
		else
			snprintf(buf, size, "%s is busy; run it again later", dev);
		return;
	case EINVAL:
		if (!strcmp(n, "idle") && strcmp(it->value, "all"))
			snprintf(buf, size,
				 "this kernel takes only idle=all; ages need a kernel that "
				 "tracks access times (CONFIG_ZRAM_TRACK_ENTRY_ACTIME)");
		else if (it->attr->flags & ZS_ATTR_NEEDS_INIT)
			snprintf(buf, size,
				 "%s must be initialised (and have what %s needs); set "
				 "disksize first",
				 dev, n);
		else if (!strcmp(n, "comp_algorithm") || !strcmp(n, "recomp_algorithm") ||
			 !strcmp(n, "algorithm_params"))
			snprintf(buf, size,
				 "the kernel has no such algorithm or parameter for %s; "
				 "choose among 'zsctl get %s comp_algorithm'",
				 dev, dev);
		else
			snprintf(buf, size, "the kernel does not take this value; %s takes %s", n,
				 it->attr->value_help);
		return;
	case ENODEV:
		if (!strcmp(n, "writeback"))
			snprintf(buf, size,
				 "%s has no backing device; set backing_dev before "
				 "disksize",
				 dev);
		else
			snprintf(buf, size, "%s went away (hot-removed?); check 'zsctl status'",
				 dev);
		return;
	case ENOENT:
		if (plan->cgroup)
			snprintf(buf, size, "the cgroup went away (removed meanwhile)");
		else
			snprintf(buf, size,
				 "%s or its %s went away (hot-removed?); check 'zsctl status'", dev,
				 n);
		return;
	case ENOTBLK:
		snprintf(buf, size, "not a block device; give one such as /dev/sdb2");
		return;
	case ENOMEM:
		snprintf(buf, size,
			 "the kernel had not enough memory for it; choose a smaller "
			 "value or free memory");
		return;
	case EIO:
		if (!strcmp(n, "writeback"))
			snprintf(buf, size,
				 "the writeback limit is used up or the backing device "
				 "failed; raise writeback_limit or check the device");
		else
			snprintf(buf, size, "I/O error; check the kernel log (dmesg)");
		return;
	case ENOSPC:
		snprintf(buf, size, "the backing device is full; free it or choose a larger one");
		return;
	case E2BIG:
		snprintf(buf, size, "the value is too long for the kernel; shorten it");
		return;
	default:
		snprintf(buf, size, "%s; check the kernel log (dmesg)", strerror(err));
		return;
	}
}

static void path_of(const struct zs_set_plan *plan, const struct zs_set_item *it, char *buf,
		    size_t size)
{
	if (plan->cgroup)
		snprintf(buf, size, "/%s/%s", plan->cgroup_dir, it->attr->name);
	else if (plan->zswap)
		snprintf(buf, size, "/sys/module/zswap/parameters/%s", it->attr->name);
	else
		snprintf(buf, size, "/sys/block/%s/%s", plan->dev, it->attr->name);
}

/*
 * The reset's warning: what it destroys, said once the outcome is known (a
 * dry run: would; a reset the kernel took: did); none for a refused one,
 * whose error says that nothing was discarded.
 */
static void warn_reset(struct cli *cli, const struct zs_set_plan *plan, bool dry_run)
{
	const struct zs_device *d = &plan->before;
	char data[32], disk[32];

	if (!d->initialised) {
		cli_warn(cli, plan->dev, "--reset: not initialised, it holds no data to discard");
		return;
	}
	cli_format_size(zs_stat_has(&d->mm, ZS_MM_ORIG_DATA_SIZE) ? d->mm.val[ZS_MM_ORIG_DATA_SIZE] : 0,
		    false, data, sizeof(data));
	cli_format_size(d->disksize, false, disk, sizeof(disk));
	if (dry_run)
		cli_warn(cli, plan->dev,
			 "--reset would discard all it holds (%s of data) and its settings: "
			 "disksize (%s), mem_limit, backing_dev, writeback limits, statistics; "
			 "comp_algorithm would return to the kernel's default",
			 data, disk);
	else
		cli_warn(cli, plan->dev,
			 "--reset discarded all it held (%s of data) and its settings: "
			 "disksize (%s), mem_limit, backing_dev, writeback limits, statistics; "
			 "comp_algorithm returned to the kernel's default",
			 data, disk);
}

/* Whether the kernel took the reset (it is the plan's first write). */
static bool reset_written(const struct zs_set_plan *plan)
{
	for (size_t i = 0; i < plan->n && plan->items[i].written; i++)
		if (!strcmp(plan->items[i].name, "reset"))
			return true;
	return false;
}

static void holder_sentence(const char *dev, const struct zs_holder *h, char *buf, size_t size)
{
	if (h->dm_name[0])
		snprintf(buf, size,
			 "%s (device-mapper '%s') is built on %s; remove it first ('dmsetup "
			 "remove %s')",
			 h->name, h->dm_name, dev, h->dm_name);
	else if (!strncmp(h->name, "md", 2))
		snprintf(buf, size,
			 "%s (md RAID) is built on %s; stop it first ('mdadm --stop /dev/%s')",
			 h->name, dev, h->name);
	else
		snprintf(buf, size, "%s is built on %s; remove that device first", h->name, dev);
}

static void mountpoints_joined(const struct zs_users *u, char *buf, size_t size)
{
	buf[0] = '\0';
	for (char **m = u->mountpoints; m && *m; m++) {
		if (m != u->mountpoints)
			strncat(buf, ", ", size - strlen(buf) - 1);
		strncat(buf, *m, size - strlen(buf) - 1);
	}
}

void cli_report_users(struct cli *cli, const char *dev, const char *what, const struct zs_users *u)
{
	char buf[512];

	if (u->is_swap)
		cli_error(cli, dev, -EBUSY, "%s: it is in use as swap; run 'swapoff /dev/%s' first",
			  what, dev);
	if (u->mountpoints && u->mountpoints[0]) {
		mountpoints_joined(u, buf, sizeof(buf));
		cli_error(cli, dev, -EBUSY, "%s: it is mounted on %s; unmount it first", what, buf);
	}
	for (size_t i = 0; i < u->nholders; i++) {
		holder_sentence("it", &u->holders[i], buf, sizeof(buf));
		cli_error(cli, dev, -EBUSY, "%s: %s", what, buf);
	}
}

void cli_busy_sentence(const char *dev, const struct zs_users *u, const struct zs_busy_wait *w,
		       char *buf, size_t size)
{
	char part[512];

	buf[0] = '\0';
	if (zs_users_any(u)) {
		if (u->is_swap)
			snprintf(buf, size, "%s is in use as swap; run 'swapoff /dev/%s' first",
				 dev, dev);
		if (u->mountpoints && u->mountpoints[0]) {
			mountpoints_joined(u, part, sizeof(part));
			snprintf(buf + strlen(buf), size - strlen(buf),
				 "%s%s is mounted on %s; unmount it first", buf[0] ? "; " : "", dev,
				 part);
		}
		for (size_t i = 0; i < u->nholders; i++) {
			holder_sentence(dev, &u->holders[i], part, sizeof(part));
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "; " : "",
				 part);
		}
		return;
	}
	if (w->locked)
		snprintf(buf, size,
			 "%s is open and locked by another process (udev still probing it, or "
			 "a program that holds a lock on /dev/%s); run it again later",
			 dev, dev);
	else
		snprintf(buf, size,
			 "%s is open by another process (not as swap, a mount or a device "
			 "built on it); find it with 'fuser -v /dev/%s', close it and run it "
			 "again",
			 dev, dev);
}

void cli_json_busy_wait(json_t *obj, const struct zs_busy_wait *w)
{
	json_t *b = json_object();

	json_object_set_new(b, "udev_active", json_boolean(w->udev_active));
	json_object_set_new(b, "udev_timed_out", json_boolean(w->udev_timed_out));
	json_object_set_new(b, "udev_wait_ms", cli_json_u64((w->udev_wait_ns + 500000) / 1000000));
	json_object_set_new(b, "lock_busy", json_integer(w->lock_busy));
	json_object_set_new(b, "ebusy", json_integer(w->ebusy));
	json_object_set_new(obj, "busy_wait", b);
}

/* Advice about writes that are allowed. */
static void warn_items(struct cli *cli, const struct zs_set_plan *plan)
{
	const struct zs_device *d = &plan->before;
	char limit[32], used[32];
	uint64_t v;

	for (size_t i = 0; i < plan->n; i++) {
		const struct zs_set_item *it = &plan->items[i];

		switch (it->warning) {
		case ZS_SET_WARN_NONE:
			break;
		case ZS_SET_WARN_OLD_COMPRESSOR:
			cli_warn(cli, plan->dev,
				 "compressor %s is for new pages: the pages stored before stay in "
				 "the old compressor's pool until they are loaded back",
				 it->value);
			break;
		case ZS_SET_WARN_BELOW_USE:
			if (zs_parse_u64(it->value, &v) < 0)
				break;
			cli_format_size(v, false, limit, sizeof(limit));
			cli_format_size(d->mm.val[ZS_MM_MEM_USED_TOTAL], false, used, sizeof(used));
			cli_warn(cli, plan->dev,
				 "mem_limit %s is below the %s %s uses now: the limit is reached "
				 "at once, and writes to %s fail until its use falls below it (as "
				 "swap: swapping out to it fails)",
				 limit, used, plan->dev, plan->dev);
			break;
		}
	}
}

/* "written: a, b; not written: c" after a failure part way. */
static void report_progress(struct cli *cli, const struct zs_set_plan *plan)
{
	char done[512] = "", todo[512] = "", obj[1100];
	const char *object = plan_object(plan, obj, sizeof(obj));

	for (size_t i = 0; i < plan->n; i++) {
		char *buf = plan->items[i].written ? done : todo;

		if (buf[0])
			strncat(buf, ", ", 511 - strlen(buf));
		strncat(buf, plan->items[i].name, 511 - strlen(buf));
	}
	if (!done[0])
		cli_error(cli, object, 0, "nothing written");
	else
		cli_error(cli, object, 0, "written: %s; not written: %s", done, todo);
}

/* What is written, as get -J shows the attribute: a number, a boolean, else the text. */
static json_t *json_written_value(const struct zs_set_item *it)
{
	uint64_t u;

	if ((it->attr->kind == ZS_ATTR_KIND_U64 || it->attr->kind == ZS_ATTR_KIND_BOOL) &&
	    !zs_parse_u64(it->value, &u))
		return it->attr->kind == ZS_ATTR_KIND_BOOL ? json_boolean(u != 0) : cli_json_u64(u);
	return json_string(it->value);
}

json_t *cli_set_json_writes(const struct zs_set_plan *plan)
{
	json_t *w = json_array();

	for (size_t i = 0; i < plan->n; i++) {
		const struct zs_set_item *it = &plan->items[i];
		json_t *j = json_object();

		json_object_set_new(j, "attribute", json_string(it->name));
		json_object_set_new(j, "given", json_string(it->arg));
		if (it->attr && it->problem == ZS_SET_OK) {
			char path[sizeof(plan->cgroup_dir) + 64];

			path_of(plan, it, path, sizeof(path));
			json_object_set_new(j, "value", json_written_value(it));
			json_object_set_new(j, "file", json_string(path));
		}
		json_object_set_new(j, "written", json_boolean(it->written));
		if (it->attr && !strcmp(it->attr->name, "reset") && it->problem == ZS_SET_OK)
			cli_json_busy_wait(j, &plan->reset_wait);
		if (it->problem != ZS_SET_OK) {
			char msg[512];

			problem_sentence(plan, it, msg, sizeof(msg));
			json_object_set_new(j, "refused", json_string(msg));
		} else if (it->err) {
			char msg[512];

			refusal_sentence(plan, it, -it->err, msg, sizeof(msg));
			json_object_set_new(j, "refused", json_string(msg));
			json_object_set_new(j, "errno", json_integer(-it->err));
		}
		json_array_append_new(w, j);
	}
	return w;
}

static json_t *json_plan(const struct zs_set_plan *plan, const struct set_opts *o)
{
	json_t *doc = cli_json_doc();

	json_object_set_new(doc, "name", json_string(plan->dev));
	if (plan->cgroup)
		json_object_set_new(doc, "cgroup", json_string(plan->cgroup_path));
	json_object_set_new(doc, "dry_run", json_boolean(o->dry_run));
	json_object_set_new(doc, "reset", json_boolean(o->reset));
	json_object_set_new(doc, "writes", cli_set_json_writes(plan));
	return doc;
}

static int parse_args(struct cli *cli, int argc, char **argv, struct set_opts *o)
{
	enum { OPT_DRY_RUN = 0x100, OPT_RESET, OPT_CGROUP };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
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
		case OPT_RESET:
			o->reset = true;
			break;
		case OPT_CGROUP:
			o->cgroup = optarg;
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
	if (o->cgroup && o->reset) {
		cli_usage_error(cli, "set: --reset is for zram devices, not cgroups");
		return -EINVAL;
	}
	if (o->cgroup && optind >= argc) {
		cli_usage_error(cli, "set: no FILE=VALUE given for the cgroup");
		return -EINVAL;
	}
	if (o->cgroup && argc - optind > ZS_SET_MAX) {
		cli_usage_error(cli, "set: more than %d FILE=VALUE on one line", ZS_SET_MAX);
		return -EINVAL;
	}
	if (o->cgroup)
		return 0;
	if (optind >= argc) {
		cli_usage_error(cli, "set: no device given");
		return -EINVAL;
	}
	if (optind + 1 >= argc && !o->reset) {
		cli_usage_error(cli, "set: no ATTR=VALUE given (nor --reset)");
		return -EINVAL;
	}
	if (argc - optind - 1 > ZS_SET_MAX) {
		cli_usage_error(cli, "set: more than %d ATTR=VALUE on one line", ZS_SET_MAX);
		return -EINVAL;
	}
	return 0;
}

static void print_doc(struct cli *cli, json_t *doc)
{
	cli_json_print(cli, doc);
}

bool cli_set_parse_items(struct cli *cli, struct zs_set_plan *plan, const char *object, char **args,
			 int n)
{
	bool ok = true;
	char msg[512];

	for (int i = 0; i < n && plan->n < ZS_SET_MAX; i++) {
		struct zs_set_item *it = &plan->items[plan->n++];

		if (plan->cgroup)
			zs_cgroup_set_parse(args[i], it);
		else if (plan->zswap)
			zs_zswap_set_parse(args[i], it);
		else
			zs_set_parse(args[i], it);
		for (size_t j = 0; it->problem == ZS_SET_OK && j + 1 < plan->n; j++)
			if (plan->items[j].attr == it->attr)
				it->problem = ZS_SET_DUPLICATE;
		if (it->problem != ZS_SET_OK) {
			problem_sentence(plan, it, msg, sizeof(msg));
			cli_error(cli, object, -EINVAL, "%s", msg);
			ok = false;
		}
	}
	return ok;
}

int cli_set_run(struct cli *cli, struct zs_set_plan *plan, const struct set_opts *o)
{
	bool usage_bad = false, bad = false;
	char msg[512], path[sizeof(plan->cgroup_dir) + 64], obj[1100];
	const char *object;
	int r;

	/* against the kernel and the device's state */
	r = zs_set_check(cli->ctx, plan);
	object = plan_object(plan, obj, sizeof(obj)); /* the cgroup below its mount now */
	if (r == -EINVAL) {
		for (size_t i = 0; i < plan->n; i++) {
			const struct zs_set_item *it = &plan->items[i];

			if (it->problem == ZS_SET_OK)
				continue;
			problem_sentence(plan, it, msg, sizeof(msg));
			cli_error(cli, object, -EINVAL, "%s", msg);
			bad = true;
			usage_bad |= usage_problem(it->problem);
		}
	} else if (r == -EBUSY) {
		cli_report_users(cli, plan->dev, "--reset", &plan->users);
		bad = true;
	} else if (r == -ENODEV && plan->cgroup) {
		cli_error(cli, object, -ENODEV, "%s", zs_cgroups_status_str(plan->cgroups_status));
		bad = true;
	} else if ((r == -ENOENT || r == -ENOTDIR) && plan->cgroup) {
		cli_error(cli, object, r,
			  r == -ENOENT ? "no such cgroup (no directory /%s)" :
					 "not a cgroup: /%s is a file",
			  plan->cgroup_dir);
		bad = true;
	} else if (r == -ENODEV && plan->zswap) {
		cli_error(cli, object, -ENODEV,
			  "this kernel has no zswap (no /sys/module/zswap: CONFIG_ZSWAP)");
		bad = true;
	} else if (r == -ENODEV) {
		cli_error(cli, object, -ENODEV, "no such device");
		bad = true;
	} else if (r < 0) {
		cli_lib_error(cli, object, r);
		bad = true;
	}
	if (bad) {
		cli_error(cli, object, 0, "nothing written");
		if (usage_bad)
			cli->status = ZS_EXIT_USAGE;
		return r < 0 ? r : -EINVAL;
	}
	if (o->reset && o->dry_run)
		warn_reset(cli, plan, true);
	warn_items(cli, plan);

	/* the writes, in the safe order */
	if (o->dry_run) {
		if (!o->json && !o->quiet) {
			for (size_t i = 0; i < plan->n; i++) {
				path_of(plan, &plan->items[i], path, sizeof(path));
				printf("%s: would write \"%s\" to %s\n", object,
				       plan->items[i].value, path);
			}
		}
		return 0;
	}
	r = zs_set_apply(cli->ctx, plan);
	if (o->reset && reset_written(plan))
		warn_reset(cli, plan, false);
	if (!o->json && !o->quiet) {
		for (size_t i = 0; i < plan->n && plan->items[i].written; i++) {
			path_of(plan, &plan->items[i], path, sizeof(path));
			printf("%s: wrote \"%s\" to %s\n", object, plan->items[i].value, path);
		}
	}
	if (r < 0) {
		for (size_t i = 0; i < plan->n; i++) {
			const struct zs_set_item *it = &plan->items[i];

			if (!it->err)
				continue;
			refusal_sentence(plan, it, -it->err, msg, sizeof(msg));
			if (!strcmp(it->name, "reset"))
				cli_error(cli, object, it->err, "--reset: refused (%s): %s",
					  strerror(-it->err), msg);
			else
				cli_error(cli, object, it->err, "%s=%s: refused (%s): %s", it->name,
					  it->arg, strerror(-it->err), msg);
			break;
		}
		report_progress(cli, plan);
	}
	return r;
}

/* zsctl set --cgroup CGROUP FILE=VALUE... */
static int set_cgroup(struct cli *cli, const struct set_opts *o, int nargs, char **args)
{
	struct zs_set_plan *plan = calloc(1, sizeof(*plan));
	char obj[1100];
	int r;

	if (!plan) {
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return cli->status;
	}
	snprintf(plan->dev, sizeof(plan->dev), "cgroup");
	plan->cgroup = true;
	r = zs_cgroup_path_parse(o->cgroup, plan->cgroup_path, sizeof(plan->cgroup_path));
	if (r < 0) {
		snprintf(obj, sizeof(obj), "cgroup %.1000s", o->cgroup);
		cli_error(cli, obj, r, "%s",
			  r == -ENAMETOOLONG ?
				  "the path is too long" :
				  "not a cgroup path: give its path below the cgroup2 "
				  "mount (/system.slice/foo.service), without '.' or '..'");
		cli_error(cli, obj, 0, "nothing written");
		cli->status = ZS_EXIT_USAGE;
		goto out;
	}
	if (!cli_set_parse_items(cli, plan, plan_object(plan, obj, sizeof(obj)), args, nargs)) {
		cli_error(cli, obj, 0, "nothing written");
		cli->status = ZS_EXIT_USAGE;
		goto out;
	}
	cli_set_run(cli, plan, o);
out:
	if (o->json)
		print_doc(cli, json_plan(plan, o));
	zs_set_plan_clear(plan);
	free(plan);
	return cli->status;
}

/* A write of the plan waits for a writeback or recompression on every kernel. */
static bool locks_device(const struct zs_set_plan *plan)
{
	if (plan->reset)
		return true;
	for (size_t i = 0; i < plan->n; i++)
		if (plan->items[i].attr && (plan->items[i].attr->flags & ZS_ATTR_LOCKS_DEVICE))
			return true;
	return false;
}

int verb_set(struct cli *cli, int argc, char **argv)
{
	struct set_opts o = { 0 };
	struct zs_set_plan *plan;
	char **names = NULL;
	size_t nnames = 0;
	int r;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	if (o.cgroup)
		return set_cgroup(cli, &o, argc - optind, argv + optind);
	if (!strcmp(argv[optind], "zswap")) {
		if (o.reset) {
			cli_usage_error(cli, "set: --reset is for zram devices, not zswap");
			return cli->status;
		}
		names = calloc(2, sizeof(*names));
		if (names)
			names[0] = strdup("zswap");
		r = names && names[0] ? 0 : -ENOMEM;
		nnames = 1;
	} else {
		r = cli_parse_devices(cli, 1, argv + optind, &names, &nnames);
	}
	if (r < 0) {
		if (r == -ENOMEM)
			cli_error(cli, NULL, -ENOMEM, "out of memory");
		zs_strv_free(names);
		return cli->status;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		zs_strv_free(names);
		cli_error(cli, NULL, -ENOMEM, "out of memory");
		return cli->status;
	}
	snprintf(plan->dev, sizeof(plan->dev), "%s", names[0]);
	zs_strv_free(names);
	plan->reset = o.reset;
	plan->zswap = !strcmp(plan->dev, "zswap");

	/* the command line alone: names, characters, syntax of each value */
	if (!cli_set_parse_items(cli, plan, plan->dev, argv + optind + 1, argc - optind - 1)) {
		cli_error(cli, plan->dev, 0, "nothing written");
		cli->status = ZS_EXIT_USAGE;
		goto out;
	}
	/* its checks read the device, --dry-run's too: they would wait as the writes would */
	if (!plan->zswap &&
	    cli_check_not_busy(cli, plan->dev, o.wait, !o.dry_run && locks_device(plan), "write",
			       "nothing written") < 0)
		goto out;
	cli_set_run(cli, plan, &o);
out:
	if (o.json)
		print_doc(cli, json_plan(plan, &o));
	zs_set_plan_clear(plan);
	free(plan);
	return cli->status;
}
