// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Slot ages: what debugfs zram/zramN/block_state (CONFIG_ZRAM_MEMORY_TRACKING)
 * says about each stored slot, counted into a histogram of ages and into
 * what an idle age would select, so that a user can choose maintain's ages
 * from data. The file has a line per stored slot (a million for a 4 GiB
 * device): it is read in pieces and counted as it comes, never held whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define US_PER_S UINT64_C(1000000)
#define CHUNK (64 * 1024)
#define LINE_MAX_LEN 128 /* "%12lu %12u.%06d %c%c%c%c%c%c": 33 bytes, more for huge numbers */

/* The letters of block_state's flag columns, in the kernel's order (enum zs_slot_flag). */
static const char flag_letters[ZS_SLOT_FLAGS] = { 's', 'w', 'h', 'i', 'r', 'n' };

/* Upper bounds of the age buckets; the policies' default ages fall on them (2h-4h, 20h-25h). */
static const uint64_t bucket_limits[ZS_AGES_BUCKETS] = {
	600, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 20 * 3600, 25 * 3600, 2 * 86400, 7 * 86400,
	UINT64_MAX, UINT64_MAX,
};

static const char *const bucket_labels[ZS_AGES_BUCKETS] = {
	"<10min", "10min-1h", "1h-2h", "2h-4h", "4h-8h", "8h-20h", "20h-25h", "25h-2d", "2d-1w",
	">=1w", "no-time",
};

uint64_t zs_ages_bucket_limit(unsigned int b)
{
	return b < ZS_AGES_BUCKETS ? bucket_limits[b] : UINT64_MAX;
}

const char *zs_ages_bucket_label(unsigned int b)
{
	return b < ZS_AGES_BUCKETS ? bucket_labels[b] : "";
}

const char *zs_ages_for_name(enum zs_ages_for f)
{
	static const char *const names[ZS_AGES_FOR_COUNT_] = { "recompress", "writeback", "given" };

	return (unsigned int)f < ZS_AGES_FOR_COUNT_ ? names[f] : "";
}

const char *zs_ages_status_str(enum zs_ages_status st)
{
	switch (st) {
	case ZS_AGES_OK:
		return "available";
	case ZS_AGES_NO_DEBUGFS:
		return "debugfs is not mounted (mount -t debugfs debugfs /sys/kernel/debug)";
	case ZS_AGES_NO_PERMISSION:
		return "debugfs can be read by root only";
	case ZS_AGES_NO_TRACKING:
		return "no zram directory in debugfs: the kernel was built without CONFIG_ZRAM_MEMORY_TRACKING";
	}
	return "unknown";
}

/* Decimal digits from *p to the first non-digit: -EINVAL when none, -ERANGE past 2^64-1. */
static int parse_digits(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return 0;
}

int zs_parse_block_state_line(const char *s, size_t len, struct zs_slot *ret)
{
	const char *p = s, *end = s + len, *frac;
	struct zs_slot slot = { 0 };
	uint64_t sec, usec;
	size_t nflags;

	while (p < end && *p == ' ')
		p++;
	if (parse_digits(&p, end, &slot.index) < 0 || p == end || *p != ' ')
		return -EINVAL;
	while (p < end && *p == ' ')
		p++;
	if (parse_digits(&p, end, &sec) < 0 || p == end || *p++ != '.')
		return -EINVAL;
	frac = p;
	/* "%06lu" of microseconds (6.12), "%06d" of 0 (7.3): exactly six digits */
	if (parse_digits(&p, end, &usec) < 0 || p - frac != 6 || p == end || *p++ != ' ')
		return -EINVAL;
	if (sec > (UINT64_MAX - usec) / US_PER_S)
		return -ERANGE;
	slot.time_us = sec * US_PER_S + usec;
	nflags = (size_t)(end - p);
	/* four letters before recompression (6.2), six since */
	if (nflags != 4 && nflags != ZS_SLOT_FLAGS)
		return -EINVAL;
	for (size_t i = 0; i < nflags; i++) {
		if (p[i] == flag_letters[i])
			slot.flags |= 1u << i;
		else if (p[i] != '.')
			return -EINVAL;
	}
	*ret = slot;
	return 0;
}

static bool has_flag(const struct zs_slot *slot, enum zs_slot_flag f)
{
	return slot->flags & (1u << f);
}

enum zs_slot_kind zs_slot_kind(const struct zs_slot *slot)
{
	if (has_flag(slot, ZS_SLOT_WB))
		return ZS_SLOT_KIND_WB;
	if (has_flag(slot, ZS_SLOT_SAME))
		return ZS_SLOT_KIND_SAME;
	if (has_flag(slot, ZS_SLOT_HUGE))
		return ZS_SLOT_KIND_HUGE;
	if (has_flag(slot, ZS_SLOT_IDLE))
		return ZS_SLOT_KIND_IDLE;
	return ZS_SLOT_KIND_OTHER;
}

static unsigned int bucket_of(uint64_t age)
{
	unsigned int b = 0;

	while (b < ZS_AGES_NO_TIME - 1 && age >= bucket_limits[b])
		b++;
	return b;
}

static void count_slot(struct zs_ages *a, const struct zs_slot *slot, uint64_t now_us,
		       uint64_t page_size)
{
	struct zs_ages_bucket *bk;
	bool markable;

	/* a slot accessed after now was read is as young as can be */
	if (!slot->time_us)
		bk = &a->bucket[ZS_AGES_NO_TIME];
	else
		bk = &a->bucket[bucket_of(now_us > slot->time_us ?
						  (now_us - slot->time_us) / US_PER_S : 0)];
	a->slots++;
	bk->slots++;
	for (unsigned int f = 0; f < ZS_SLOT_FLAGS; f++)
		if (has_flag(slot, f))
			bk->flag[f]++;
	bk->kind[zs_slot_kind(slot)]++;
	/* mark_idle() leaves out same-filled and written-back slots (6.12 and 7.3) */
	markable = !has_flag(slot, ZS_SLOT_SAME) && !has_flag(slot, ZS_SLOT_WB);
	for (unsigned int i = 0; markable && i < ZS_AGES_FOR_COUNT_; i++) {
		struct zs_ages_select *sel = &a->sel[i];
		uint64_t age_us = zs_mul_sat(sel->age, US_PER_S);

		/*
		 * The kernel's cutoff is now - age, and a slot accessed before it
		 * is idle (6.12: ktime_after(cutoff, ac_time), 7.3: cutoff >
		 * ac_time in seconds); an age reaching back past boot marks none
		 * (7.3 returns early, 6.12's cutoff is negative).
		 */
		if (!sel->valid || age_us >= now_us || slot->time_us >= now_us - age_us)
			continue;
		sel->pages++;
		if (has_flag(slot, ZS_SLOT_HUGE)) {
			sel->huge++;
			/* a huge slot is stored whole: zsmalloc's PAGE_SIZE class */
			sel->huge_bytes = zs_add_sat(sel->huge_bytes, page_size);
		}
		/* recompress skips these (scan_slots_for_recompress) */
		if (!has_flag(slot, ZS_SLOT_INCOMPRESSIBLE) && !has_flag(slot, ZS_SLOT_RECOMPRESSED))
			sel->recompressible++;
	}
}

int zs_ages_count_fd(int fd, uint64_t now_us, uint64_t page_size, struct zs_ages *a)
{
	char *buf = malloc(CHUNK + LINE_MAX_LEN);
	size_t have = 0; /* bytes of an unfinished line at the start of buf */
	uint64_t line = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	a->now_us = now_us;
	for (;;) {
		ssize_t n = read(fd, buf + have, CHUNK);
		char *p = buf, *end, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		end = buf + have + (size_t)n;
		if (n == 0 && have)
			*end++ = '\n'; /* a last line without its newline (a dump edited by hand) */
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			struct zs_slot slot;

			line++;
			if (zs_parse_block_state_line(p, (size_t)(nl - p), &slot) < 0) {
				a->err_line = line;
				err = -EBADMSG;
				goto out;
			}
			count_slot(a, &slot, now_us, page_size);
			p = nl + 1;
		}
		if (n == 0)
			break;
		have = (size_t)(end - p);
		if (have >= LINE_MAX_LEN) {
			a->err_line = line + 1;
			err = -EBADMSG;
			break;
		}
		memmove(buf, p, have);
	}
out:
	free(buf);
	return err;
}

uint64_t zs_suspended_seconds(void)
{
	struct timespec b, m;

	if (clock_gettime(CLOCK_BOOTTIME, &b) < 0 || clock_gettime(CLOCK_MONOTONIC, &m) < 0 ||
	    b.tv_sec < m.tv_sec)
		return 0;
	return (uint64_t)(b.tv_sec - m.tv_sec);
}

void zs_ages_policy(const struct zs_maint_policy *p, const struct zs_meminfo *m,
		    uint64_t suspended, uint64_t *recompress_age, uint64_t *writeback_age)
{
	uint64_t avail = m ? m->val[ZS_MEMINFO_MEM_AVAILABLE] : 0;
	uint64_t total = m ? m->val[ZS_MEMINFO_MEM_TOTAL] : 0;
	uint64_t wb;

	*recompress_age = zs_maint_idle_age(p->recompress_age_min, p->recompress_age_max, avail,
					    total);
	/* "idle" means idle while awake: block_state's clock runs on in suspend */
	wb = zs_maint_idle_age(p->writeback_age_min, p->writeback_age_max, avail, total);
	wb = zs_add_sat(wb, suspended < wb ? suspended : wb);
	*writeback_age = wb > UINT32_MAX ? UINT32_MAX : wb; /* 7.3 parses idle's age as u32 */
}

enum zs_ages_status zs_ages_probe(struct zs_ctx *ctx, char *dir, size_t size)
{
	char debugfs[256];
	int fd;

	if (zs_ctx_find_debugfs(ctx, debugfs, sizeof(debugfs)) < 0)
		return ZS_AGES_NO_DEBUGFS;
	snprintf(dir, size, "%s/zram", debugfs);
	fd = zs_ctx_open(ctx, dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		close(fd);
		return ZS_AGES_OK;
	}
	/* debugfs is mode 0700 (root's): below it, EACCES before anything else */
	if (fd == -EACCES || fd == -EPERM)
		return ZS_AGES_NO_PERMISSION;
	return ZS_AGES_NO_TRACKING;
}

/*
 * CLOCK_BOOTTIME, the clock block_state's times are of: zram stamps a
 * slot with ktime_get_boottime() (6.12) or ktime_get_boottime_seconds()
 * (7.x), which runs on in suspend. proc/uptime's first figure is the same
 * clock (fs/proc/uptime.c: ktime_get_boottime_ts64), in hundredths, and
 * it is read through the root, so a dump's ages are those of its capture.
 * (In a time namespace proc/uptime is offset and block_state is not: ages
 * there are off by the namespace's offset.)
 */
int zs_ages_read(struct zs_ctx *ctx, const char *dir, const struct zs_device *dev,
		 const uint64_t age[ZS_AGES_FOR_COUNT_], const bool valid[ZS_AGES_FOR_COUNT_],
		 uint64_t page_size, struct zs_ages *a)
{
	char rel[320];
	uint64_t now_ms = 0, now_us;
	int fd, r;

	memset(a, 0, sizeof(*a));
	for (unsigned int i = 0; i < ZS_AGES_FOR_COUNT_; i++) {
		a->sel[i].valid = valid[i];
		a->sel[i].age = age[i];
	}
	/* an uninitialised device has no slots (and block_state says EINVAL) */
	if (!dir || !dev->initialised)
		return 0;
	/* now before the slots: one accessed while the file is read is young, not negative */
	r = zs_boottime_ms(ctx, &now_ms);
	if (r < 0) {
		snprintf(rel, sizeof(rel), "proc/uptime");
		goto fail;
	}
	now_us = now_ms > UINT64_MAX / 1000 ? UINT64_MAX : now_ms * 1000;
	snprintf(rel, sizeof(rel), "%s/%s/block_state", dir, dev->name);
	fd = zs_ctx_open(ctx, rel, O_RDONLY);
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	r = zs_ages_count_fd(fd, now_us, page_size, a);
	close(fd);
	if (r < 0)
		goto fail;
	a->read = true;
	return 0;
fail:
	a->err = r;
	zs_copy_path(a->err_path, sizeof(a->err_path), rel);
	return zs_ctx_fail(ctx, rel, r);
}
