// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole read path over a dump (--sysroot): one input is a tree of
 * files, zram0's sysfs attributes, its debugfs classes file, mountinfo and
 * swaps, separated by \001 (a part of exactly \002 leaves that file out).
 * Read by the one-shot calls (zs_device_read, zs_devices_read_users,
 * zs_pools_read, zs_device_derive), as zsctl status reads it (one refresh
 * of a reader), as zsctl top reads it (a watching reader refreshed twice),
 * each reading compared with the one before, and checked by zsctl set (the
 * last part is an ATTR=VALUE: zs_set_parse, zs_set_check, zs_set_apply,
 * which writes into the tree). Slower than the one-parser targets (files
 * on every run), it covers the glue between them: optional and legacy
 * files, libmount on hostile mountinfo and swaps, derived values, what the
 * reader keeps between refreshes.
 */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "known-bugs.h"

static const char *const files[] = {
	"sys/block/zram0/dev",
	"sys/block/zram0/initstate",
	"sys/block/zram0/disksize",
	"sys/block/zram0/comp_algorithm",
	"sys/block/zram0/mm_stat",
	"sys/block/zram0/io_stat",
	"sys/block/zram0/bd_stat",
	"sys/block/zram0/debug_stat",
	"sys/block/zram0/max_comp_streams",
	"sys/block/zram0/backing_dev",
	"sys/block/zram0/writeback_limit",
	"sys/block/zram0/writeback_limit_enable",
	"sys/kernel/debug/zsmalloc/zram0/classes",
	"proc/self/mountinfo",
	"proc/swaps",
	/* pre-4.1 kernels: read when mm_stat or io_stat is absent */
	"sys/block/zram0/orig_data_size",
	"sys/block/zram0/compr_data_size",
	"sys/block/zram0/mem_used_total",
	"sys/block/zram0/num_migrated",
	"sys/block/zram0/failed_reads",
	/* written by set */
	"sys/block/zram0/mem_limit",
	"sys/block/zram0/idle",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char root[256];

/*
 * What the one-shot calls and the one-refresh reader (status) read, for the
 * next reading to be compared with.
 */
static struct zs_device one_shot_dev, status_dev;
static bool one_shot_ok, one_shot_users_ok, status_ok, status_users_ok;
static int one_shot_err;

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static void cleanup(void)
{
	if (root[0])
		nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_dirs(void)
{
	static const char *const dirs[] = {
		"sys",	 "sys/block",	      "sys/block/zram0", "sys/kernel",
		"sys/kernel/debug", "sys/kernel/debug/zsmalloc", "sys/kernel/debug/zsmalloc/zram0",
		"sys/class", "sys/class/block", "sys/class/block/sdb", "proc", "proc/self",
	};
	const char *tmp = getenv("TMPDIR");
	char path[512];

	/* TMPDIR first: fuzz/run.sh points it at a directory it removes, also after a crash */
	snprintf(root, sizeof(root), "%s/zsctl-fuzz.XXXXXX",
		 tmp && *tmp ? tmp : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0)
			abort();
	}
}

static void put_file(const char *rel, const char *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!data) {
		if (unlink(path) < 0 && errno != ENOENT)
			abort();
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd) < 0)
		abort();
}

static void check_derived(const struct zs_device *dev, const struct zs_pool *pool,
			  const struct zs_derived *x)
{
	if (x->has_ratio)
		FUZZ_CHECK(x->ratio >= 0 && !isnan(x->ratio));
	if (x->has_fragmentation && !(pool && known_bug_b2_pool_overflows(pool)))
		FUZZ_CHECK(x->fragmentation >= 0.0 && x->fragmentation <= 1.0);
	if (x->has_compactable && !x->compactable_exact)
		FUZZ_CHECK(x->compactable <= dev->mm.val[ZS_MM_MEM_USED_TOTAL]);
}

/*
 * The dev file as the kernel prints it: MAJOR:MINOR in decimal (leading
 * zeros and a missing newline are harmless, as for every number libzsctl
 * reads), both within unsigned int.
 */
static bool devno_form(const char *s, unsigned long long *maj, unsigned long long *min)
{
	size_t a = strspn(s, "0123456789"), b;

	if (!a || s[a] != ':')
		return false;
	b = strspn(s + a + 1, "0123456789");
	if (!b || (s[a + 1 + b] && strcmp(s + a + 1 + b, "\n")))
		return false;
	errno = 0;
	*maj = strtoull(s, NULL, 10);
	*min = strtoull(s + a + 1, NULL, 10);
	return !errno && *maj <= 0xffffffffu && *min <= 0xffffffffu;
}

static void check_devno(const struct zs_device *dev)
{
	unsigned long long maj, min;
	char path[512], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/sys/block/zram0/dev", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	FUZZ_CHECK(n > 0);
	buf[n] = '\0';
	if (devno_form(buf, &maj, &min))
		FUZZ_CHECK(dev->major == maj && dev->minor == min);
	else if (!known_bug_b3_devno(buf))
		FUZZ_CHECK(!"only a dev file of the form MAJOR:MINOR is accepted");
}

/* The same device read twice alike (what the files say did not change in between). */
static void compare_devices(const struct zs_device *d, const struct zs_device *st, bool users)
{
	FUZZ_CHECK(d->initialised == st->initialised);
	if (d->initialised) {
		FUZZ_CHECK(d->mm.ncols == st->mm.ncols && d->mm.present == st->mm.present);
		FUZZ_CHECK(!memcmp(d->mm.val, st->mm.val, sizeof(d->mm.val)));
	}
	FUZZ_CHECK(d->disksize == st->disksize);
	FUZZ_CHECK(d->has_algorithms == st->has_algorithms);
	FUZZ_CHECK(d->has_devno == st->has_devno);
	if (d->has_devno)
		FUZZ_CHECK(d->major == st->major && d->minor == st->minor);
	if (users && !known_bug_b4_swaps(root)) {
		FUZZ_CHECK(d->is_swap == st->is_swap);
		if (d->is_swap) {
			FUZZ_CHECK(d->swap.size == st->swap.size);
			FUZZ_CHECK(d->swap.used == st->swap.used);
			FUZZ_CHECK(d->swap.priority == st->swap.priority);
		}
	}
}

static void check_mountpoints(const struct zs_device *dev)
{
	if (dev->mountpoints)
		for (char **m = dev->mountpoints; *m; m++)
			FUZZ_CHECK(strlen(*m) < 4096 * 4);
}

/*
 * The one-shot calls of the library: zs_device_read (set's checks),
 * zs_devices_read_users, zs_pools_read and zs_device_derive.
 */
static void read_one_shot(void)
{
	struct zs_ctx *ctx;
	struct zs_device dev;
	struct zs_pool *pools = NULL;
	enum zs_classes_status cst;
	struct zs_derived x;
	size_t npools = 0;
	int r;

	FUZZ_CHECK(zs_ctx_new(root, &ctx) == 0);
	memset(&dev, 0, sizeof(dev));
	one_shot_ok = one_shot_users_ok = false;
	r = zs_device_read(ctx, "zram0", &dev);
	one_shot_err = r;
	if (r == 0) {
		FUZZ_CHECK(!strcmp(dev.name, "zram0") && dev.id == 0);
		FUZZ_CHECK(dev.mm.ncols <= ZS_STAT_MAX && dev.io.ncols <= ZS_STAT_MAX);
		if (dev.has_devno)
			check_devno(&dev);
		one_shot_users_ok = zs_devices_read_users(ctx, &dev, 1) == 0;
		if (one_shot_users_ok)
			check_mountpoints(&dev);
		one_shot_dev = dev;
		one_shot_dev.mountpoints = NULL;
		one_shot_ok = true;
		r = zs_pools_read(ctx, &pools, &npools, &cst);
		if (r == 0) {
			const struct zs_pool *p = zs_pool_find(pools, npools, "zram0");

			zs_device_derive(&dev, p, zs_ctx_page_size(ctx), &x);
			check_derived(&dev, p, &x);
			zs_pools_free(pools, npools);
		}
		zs_device_clear(&dev);
	} else {
		FUZZ_CHECK(r < 0 && r != -EFAULT);
	}
	zs_ctx_free(ctx);
}

/*
 * As zsctl status reads: one refresh of a reader that needs everything.
 * Its device agrees with zs_device_read's, and is kept for the watching
 * reader to be compared with.
 */
static void read_like_status(void)
{
	const struct zs_reader_opts o = { .needs = ZS_NEED_ALL & ~ZS_NEED_GATE };
	const struct zs_snapshot *s;
	const struct zs_snap_device *sd;
	struct zs_reader *rd;
	struct zs_ctx *ctx;
	int r;

	status_ok = status_users_ok = false;
	FUZZ_CHECK(zs_ctx_new(root, &ctx) == 0);
	FUZZ_CHECK(zs_reader_new(ctx, &o, &rd) == 0);
	r = zs_reader_refresh(rd, &s);
	/* sys/block is there: the refresh shows something, the device's troubles in it */
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(s->seq == 1 && s->nevents == 0);
	FUZZ_CHECK(s->ndevs == 1);
	sd = &s->devs[0];
	FUZZ_CHECK(!strcmp(sd->dev.name, "zram0") && sd->dev.id == 0);
	FUZZ_CHECK(sd->err <= 0 && sd->err != -EFAULT);
	if (sd->err)
		FUZZ_CHECK(sd->err_path[0] == '\0' || !strncmp(sd->err_path, "sys/block/zram0/", 16));
	/* one reader under both: zs_device_read is a reader of one device */
	FUZZ_CHECK(sd->err == one_shot_err);
	if (!sd->err) {
		FUZZ_CHECK(sd->dev.mm.ncols <= ZS_STAT_MAX && sd->dev.io.ncols <= ZS_STAT_MAX);
		if (sd->dev.has_devno)
			check_devno(&sd->dev);
		if (!s->users_err)
			check_mountpoints(&sd->dev);
		check_derived(&sd->dev, sd->pool, &sd->derived);
		if (sd->pool)
			FUZZ_CHECK(s->npools >= 1 && sd->pool >= s->pools &&
				   sd->pool < s->pools + s->npools);
		if (one_shot_ok)
			compare_devices(&sd->dev, &one_shot_dev,
					one_shot_users_ok && !s->users_err);
		status_dev = sd->dev;
		status_dev.mountpoints = NULL;
		status_ok = true;
		status_users_ok = !s->users_err;
	}
	zs_reader_free(rd);
	zs_ctx_free(ctx);
}

/* As zsctl top reads: a watching reader refreshed twice, compared with status' reading. */
static void read_like_top(void)
{
	const struct zs_reader_opts o = { .needs = ZS_NEED_ALL & ~ZS_NEED_GATE, .watch = true };
	const struct zs_snapshot *s;
	struct zs_reader *rd;
	struct zs_ctx *ctx;

	FUZZ_CHECK(zs_ctx_new(root, &ctx) == 0);
	FUZZ_CHECK(zs_reader_new(ctx, &o, &rd) == 0);
	for (int i = 0; i < 2; i++) {
		if (zs_reader_refresh(rd, &s) < 0)
			break;
		FUZZ_CHECK(s->seq == (uint64_t)i + 1);
		FUZZ_CHECK(s->ndevs <= 1);
		for (size_t d = 0; d < s->ndevs; d++) {
			if (s->devs[d].err)
				continue;
			check_derived(&s->devs[d].dev, s->devs[d].pool, &s->devs[d].derived);
			if (status_ok)
				compare_devices(&s->devs[d].dev, &status_dev,
						status_users_ok && !s->users_err);
		}
	}
	zs_reader_free(rd);
	zs_ctx_free(ctx);
}

static void check_like_set(const char *line)
{
	static struct zs_set_plan plan;
	struct zs_ctx *ctx;
	int r;

	memset(&plan, 0, sizeof(plan));
	snprintf(plan.dev, sizeof(plan.dev), "zram0");
	zs_set_parse(line, &plan.items[0]);
	plan.n = 1;
	FUZZ_CHECK(zs_ctx_new(root, &ctx) == 0);
	r = zs_set_check(ctx, &plan);
	if (r == 0) {
		FUZZ_CHECK(plan.n == 1 && plan.items[0].problem == ZS_SET_OK);
		zs_set_apply(ctx, &plan);
	}
	zs_set_plan_clear(&plan);
	zs_ctx_free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *set_line = NULL;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!root[0])
		make_dirs();
	for (size_t i = 0; i < NFILES; i++) {
		const char *sep = p < end ? memchr(p, '\001', (size_t)(end - p)) : NULL;
		size_t len = sep ? (size_t)(sep - p) : (size_t)(end - p);

		if (p >= end || (len == 1 && *p == '\002'))
			put_file(files[i], NULL, 0);
		else
			put_file(files[i], p, len);
		p = sep ? sep + 1 : end;
	}
	if (p < end)
		set_line = fuzz_string((const uint8_t *)p, (size_t)(end - p));

	read_one_shot();
	read_like_status();
	read_like_top();
	if (set_line)
		check_like_set(set_line);
	free(set_line);
	return 0;
}
