// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl compact without a kernel: the option parsers (sizes, durations,
 * seconds, percentages), the policy at and around each of its thresholds,
 * and the state file (format, parse, garbled and truncated files, atomic
 * save, setting a garbled file aside, the busy counter).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "internal.h" /* the state file's own functions, behind zs_gate_begin/end */

#define EPS 1e-12

/* ---- collecting every wrong case of a table before failing ---------------- */

struct errs {
	char buf[8192];
	size_t len;
	unsigned int n;
};

static void errs_add(struct errs *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void errs_add(struct errs *e, const char *fmt, ...)
{
	va_list ap;
	int r;

	e->n++;
	if (e->len + 3 >= sizeof(e->buf))
		return;
	if (e->len) {
		memcpy(e->buf + e->len, "; ", 3);
		e->len += 2;
	}
	va_start(ap, fmt);
	r = vsnprintf(e->buf + e->len, sizeof(e->buf) - e->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		e->len += (size_t)r < sizeof(e->buf) - e->len ? (size_t)r :
								sizeof(e->buf) - e->len - 1;
}

/* A macro, so that a failure names the line of the test. */
#define errs_check(e, ncases)                                                                \
	do {                                                                                 \
		if ((e)->n)                                                                  \
			fail_msg("%u of %u cases wrong: %s", (e)->n, (unsigned int)(ncases), \
				 (e)->buf);                                                  \
	} while (0)

static const char *err_name(int r)
{
	const char *name;

	if (r == 0)
		return "0";
	if (r > 0)
		return "a positive value";
	name = strerrorname_np(-r);
	return name ? name : "an unknown errno";
}

/* s quoted for a one-line message, newlines as \n; a few rotating buffers. */
static const char *show(const char *s)
{
	static char bufs[4][96];
	static unsigned int next;
	char *b = bufs[next++ % UNIT_N(bufs)];
	size_t n = 0;

	if (!s)
		return "NULL";
	b[n++] = '"';
	for (; *s && n < sizeof(bufs[0]) - 4; s++) {
		if (*s == '\n') {
			b[n++] = '\\';
			b[n++] = 'n';
		} else {
			b[n++] = *s;
		}
	}
	b[n++] = '"';
	b[n] = '\0';
	return b;
}

/* ---- sizes ---------------------------------------------------------------- */

static void test_size_valid(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} cases[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "4K", 4096 },
		{ "4k", 4096 },
		{ "1M", 1048576 },
		{ "1.5M", 1572864 },
		{ "0.5K", 512 },
		{ "1.5k", 1536 },
		{ "0.1K", 102 }, /* 102.4 rounded down to a byte */
		{ "2G", UINT64_C(2147483648) },
		{ "2GiB", UINT64_C(2147483648) },
		/* util-linux's strtosize(): XB is a power of 1000 (zramctl -s 64MB) */
		{ "2GB", UINT64_C(2000000000) },
		{ "64MB", 64000000 },
		{ "64m", 67108864 },
		{ "64M", 67108864 },
		{ "1GiB", UINT64_C(1073741824) },
		{ "1.5KB", 1500 },
		{ "2gib", UINT64_C(2147483648) },
		{ "2Mb", 2000000 },
		{ "0Z", 0 },
		{ "18EB", UINT64_C(18000000000000000000) },
		{ "1T", UINT64_C(1) << 40 },
		{ "1P", UINT64_C(1) << 50 },
		{ "1E", UINT64_C(1) << 60 },
		{ "15E", UINT64_C(15) << 60 },
		{ "1.0", 1 }, /* a whole byte written with a fraction */
		{ UNIT_U64_MAX_STR, UINT64_MAX },
		{ "000000000000000000000000000001K", 1024 },
	};
	struct errs e = { 0 };

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		uint64_t v = 0xdeadbeef;
		int r = zs_parse_size(cases[i].s, &v);

		if (r != 0)
			errs_add(&e, "%s: %s, expected %" PRIu64, show(cases[i].s), err_name(r),
				 cases[i].v);
		else if (v != cases[i].v)
			errs_add(&e, "%s: %" PRIu64 ", expected %" PRIu64, show(cases[i].s), v,
				 cases[i].v);
	}
	errs_check(&e, UNIT_N(cases));
}

static void test_size_invalid(void **state)
{
	static const struct {
		const char *s;
		int r;
	} cases[] = {
		{ "16E", -ERANGE },
		{ "19EB", -ERANGE },
		{ "1Z", -ERANGE },
		{ "1YiB", -ERANGE },
		{ "1BB", -EINVAL },
		{ "1KiBB", -EINVAL },
		{ "16384P", -ERANGE },
		{ "17179869184G", -ERANGE },
		{ UNIT_U64_OVER_STR, -ERANGE },
		{ "99999999999999999999999K", -ERANGE },
		{ "", -EINVAL },
		{ "M", -EINVAL },
		{ "1.5", -EINVAL }, /* a fraction of a byte */
		{ "-1", -EINVAL },
		{ "+1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
		{ "1 K", -EINVAL },
		{ "1X", -EINVAL },
		{ "1MiBx", -EINVAL },
		{ "1KK", -EINVAL },
		{ "1iB", -EINVAL },
		{ "1.", -EINVAL },
		{ "1.K", -EINVAL },
		{ ".5M", -EINVAL },
		{ "0x10", -EINVAL },
		{ "1M\n", -EINVAL },
		{ NULL, -EINVAL },
	};
	struct errs e = { 0 };

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		uint64_t v = 0xdeadbeef;
		int r = zs_parse_size(cases[i].s, &v);

		if (r != cases[i].r)
			errs_add(&e, "%s: %s, expected %s", show(cases[i].s), err_name(r),
				 err_name(cases[i].r));
		else if (v != 0xdeadbeef)
			errs_add(&e, "%s: failed but wrote %" PRIu64, show(cases[i].s), v);
	}
	errs_check(&e, UNIT_N(cases));
}

/* ---- durations -------------------------------------------------------------- */

static void test_duration(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "90", 0, 90 },
		{ "90s", 0, 90 },
		{ "5m", 0, 300 },
		{ "1h30m", 0, 5400 },
		{ "2d", 0, 172800 },
		{ "1h1m1s", 0, 3661 },
		{ "1d1h1m1s", 0, 90061 },
		/* systemd.time(7): what the units themselves say (OnUnitActiveSec=15min) */
		{ "10min", 0, 600 },
		{ "15min", 0, 900 },
		{ "1h", 0, 3600 },
		{ "1.5h", 0, 5400 },
		{ "1h 30min", 0, 5400 },
		{ "1h30min", 0, 5400 },
		{ "1 h", 0, 3600 },
		{ "2 days 3 hours", 0, 183600 },
		{ "1hr", 0, 3600 },
		{ "3 seconds", 0, 3 },
		{ "1sec", 0, 1 },
		{ "2minutes", 0, 120 },
		{ "1w", 0, 604800 },
		{ "1M", 0, 2629800 }, /* a month: 30.44 days, as systemd */
		{ "1y", 0, 31557600 },
		{ "0.5min", 0, 30 },
		{ "1.5s", 0, 1 }, /* whole seconds: the rest is dropped */
		{ "0.1m 0.1m 0.1m", 0, 18 },
		{ "0.3333333333333h 0.3333333333333h 0.3333333333334h", 0, 3599 },
		{ "1m30", 0, 90 },
		{ "30 1h", 0, 3630 },
		{ UNIT_U64_MAX_STR, 0, UINT64_MAX },
		{ UNIT_U64_MAX_STR "s", 0, UINT64_MAX },
		{ "307445734561825860m", 0, UINT64_C(18446744073709551600) },
		{ "213503982334601d", 0, UINT64_C(18446744073709526400) },
		{ "", -EINVAL, 0 },
		{ "h", -EINVAL, 0 },
		{ "1x", -EINVAL, 0 },
		{ "1H", -EINVAL, 0 }, /* systemd's units are case-sensitive: M is a month */
		{ "1ms", -EINVAL, 0 }, /* sub-second units: every caller counts seconds */
		{ "1us", -EINVAL, 0 },
		{ "1mins", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1h ", -EINVAL, 0 },
		{ ".5h", -EINVAL, 0 },
		{ "1.h", -EINVAL, 0 },
		{ "1h,30min", -EINVAL, 0 },
		{ "infinity", -EINVAL, 0 },
		{ NULL, -EINVAL, 0 },
		{ UNIT_U64_OVER_STR, -ERANGE, 0 },
		{ "307445734561825861m", -ERANGE, 0 },
		{ "5124095576030432h", -ERANGE, 0 },
		{ "213503982334602d", -ERANGE, 0 },
		{ UNIT_U64_MAX_STR "s1s", -ERANGE, 0 },
		{ "213503982334601d1d", -ERANGE, 0 },
		{ "584542046090.63y", -ERANGE, 0 },
	};
	struct errs e = { 0 };

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		const char *s = show(cases[i].s);
		uint64_t v = 0xdeadbeef;
		int r = zs_parse_duration(cases[i].s, &v);

		if (r != cases[i].r)
			errs_add(&e, "%s: %s, expected %s", s, err_name(r), err_name(cases[i].r));
		else if (!r && v != cases[i].v)
			errs_add(&e, "%s: %" PRIu64 ", expected %" PRIu64, s, v, cases[i].v);
		else if (r && v != 0xdeadbeef)
			errs_add(&e, "%s: failed but wrote %" PRIu64, s, v);
	}
	errs_check(&e, UNIT_N(cases));
}

/* ---- seconds and percentages ----------------------------------------------- */

struct real_case {
	const char *s;
	int r;
	double v;
};

static void check_reals(int (*parse)(const char *, double *), const struct real_case *cases,
			unsigned int n)
{
	struct errs e = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		const char *s = show(cases[i].s);
		double v = -42.0;
		int r = parse(cases[i].s, &v);

		if (r != cases[i].r)
			errs_add(&e, "%s: %s, expected %s", s, err_name(r), err_name(cases[i].r));
		else if (!r && (v < cases[i].v - EPS || v > cases[i].v + EPS))
			errs_add(&e, "%s: %.17g, expected %.17g", s, v, cases[i].v);
		else if (r && v != -42.0)
			errs_add(&e, "%s: failed but wrote %g", s, v);
	}
	errs_check(&e, n);
}

static void test_seconds(void **state)
{
	static const struct real_case cases[] = {
		{ "0", 0, 0.0 },
		{ "0.25", 0, 0.25 },
		{ "3", 0, 3.0 },
		{ "1.5", 0, 1.5 },
		{ "0.001", 0, 0.001 },
		{ "86400", 0, 86400.0 },
		{ "86400.0", 0, 86400.0 },
		{ "86401", -ERANGE, 0 },
		{ "86400.5", -ERANGE, 0 }, /* "at most a day" */
		{ UNIT_U64_OVER_STR, -ERANGE, 0 },
		{ "1.", -EINVAL, 0 },
		{ ".5", -EINVAL, 0 },
		{ "abc", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "1s", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ NULL, -EINVAL, 0 },
	};

	check_reals(zs_parse_seconds, cases, UNIT_N(cases));
}

static void test_percent(void **state)
{
	static const struct real_case cases[] = {
		{ "0", 0, 0.0 },
		{ "0%", 0, 0.0 },
		{ "50", 0, 0.5 },
		{ "50%", 0, 0.5 },
		{ "99.5", 0, 0.995 },
		{ "12.25%", 0, 0.1225 },
		{ "100", 0, 1.0 },
		{ "100%", 0, 1.0 },
		{ "100.0", 0, 1.0 },
		{ "100.1", -ERANGE, 0 },
		{ "100.0001%", -ERANGE, 0 },
		{ "101", -ERANGE, 0 },
		{ UNIT_U64_OVER_STR, -ERANGE, 0 },
		{ "%", -EINVAL, 0 },
		{ "-5", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "50%%", -EINVAL, 0 },
		{ "50 %", -EINVAL, 0 },
		{ " 50", -EINVAL, 0 },
		{ "%50", -EINVAL, 0 },
		{ "0.5.", -EINVAL, 0 },
		{ NULL, -EINVAL, 0 },
	};

	check_reals(zs_parse_percent, cases, UNIT_N(cases));
}

/* ---- the policy ------------------------------------------------------------- */

#define MIB (UINT64_C(1) << 20)
#define NOW UINT64_C(1700000000)

static const char *decision_name(enum zs_decision d)
{
	switch (d) {
	case ZS_DECIDE_COMPACT:
		return "COMPACT";
	case ZS_DECIDE_UNINITIALISED:
		return "UNINITIALISED";
	case ZS_DECIDE_TOO_SOON:
		return "TOO_SOON";
	case ZS_DECIDE_NOT_WORTH:
		return "NOT_WORTH";
	case ZS_DECIDE_BACKED_OFF:
		return "BACKED_OFF";
	}
	return "?";
}

#define assert_decision(got, want)                                                \
	do {                                                                      \
		enum zs_decision g_ = (got), w_ = (want);                         \
		if (g_ != w_)                                                     \
			fail_msg("%s = %s, expected %s", #got, decision_name(g_), \
				 decision_name(w_));                              \
	} while (0)

static void make_device(struct zs_device *dev, bool initialised)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", "zram0");
	dev->initialised = initialised;
	dev->disksize = initialised ? 1024 * MIB : 0;
}

static void make_derived(struct zs_derived *x, uint64_t compactable, double frag)
{
	memset(x, 0, sizeof(*x));
	x->compactable = compactable;
	x->has_compactable = true;
	x->fragmentation = frag;
	x->has_fragmentation = true;
}

static const struct zs_policy default_policy = { .min_gain = MIB, .min_frag = 0.5 };

static void test_decide_uninitialised(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;

	make_device(&dev, false);
	make_derived(&x, 0, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_UNINITIALISED);
	/* before anything else: force, a recent compaction, a large gain */
	p.force = true;
	p.min_interval = 3600;
	make_derived(&x, 100 * MIB, 0.9);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 1, 0, NOW), ZS_DECIDE_UNINITIALISED);

	make_device(&dev, true);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
}

static void test_decide_min_gain(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;

	make_device(&dev, true);
	/* fragmentation below min_frag: only the gain counts */
	make_derived(&x, MIB, 0.1);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, MIB + 1, 0.1);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, MIB - 1, 0.1);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	make_derived(&x, 0, 0.1);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* no fragmentation figure at all: the gain alone decides */
	make_derived(&x, MIB, 0.0);
	x.has_fragmentation = false;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, MIB - 1, 0.0);
	x.has_fragmentation = false;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* min_gain 0 still needs something to free */
	p.min_gain = 0;
	make_derived(&x, 1, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, 0, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* the largest gain against the largest threshold */
	p.min_gain = UINT64_MAX;
	make_derived(&x, UINT64_MAX, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, UINT64_MAX - 1, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
}

static void test_decide_min_frag(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;
	const uint64_t floor = ZS_COMPACT_FRAG_FLOOR;

	make_device(&dev, true);
	assert_int_equal(floor, 256 * 1024);
	/* a gain below min_gain: fragmentation counts, from the floor up */
	make_derived(&x, floor, 0.5);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, floor, 0.9);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, floor, 0.49999);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* a small pool, however fragmented: below the floor, it would not pay */
	make_derived(&x, floor - 1, 0.5);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	make_derived(&x, 80 * 1024, 0.6); /* the review's ext4 zram: ~80K */
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	make_derived(&x, 1, 1.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* fragmented but nothing to free */
	make_derived(&x, 0, 0.5);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	make_derived(&x, 0, 1.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* a fragmentation figure that is not there is not used */
	make_derived(&x, floor, 0.9);
	x.has_fragmentation = false;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* min_frag 1 (100%) still works; above 1 disables the test */
	p.min_frag = 1.0;
	make_derived(&x, floor, 1.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	p.min_frag = 1.0000001;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	p.min_frag = 2.0;
	make_derived(&x, floor, 3.0); /* even a (bogus) fragmentation above it */
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* ... while min_gain still applies */
	make_derived(&x, MIB, 1.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	/* min_frag 0: any fragmentation with the floor to free */
	p.min_frag = 0.0;
	make_derived(&x, floor, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	make_derived(&x, floor - 1, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* fragmentation by itself to decide, min_gain out of reach (1G): the floor holds */
	p.min_gain = 1024 * MIB;
	p.min_frag = 0.4;
	make_derived(&x, 10 * MIB, 0.415);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	/* a min_gain below the floor decides alone: the floor is never above it */
	p.min_gain = 4096;
	make_derived(&x, 4096, 0.5);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	assert_int_equal(zs_compact_frag_gain(&p), 4096);
}

static void test_decide_force(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;

	make_device(&dev, true);
	p.force = true;
	make_derived(&x, 0, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	x.has_compactable = false;
	x.has_fragmentation = false;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	p.min_frag = 5.0;
	p.min_gain = UINT64_MAX;
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 10, 0, NOW), ZS_DECIDE_COMPACT);
}

static void test_decide_min_interval(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;

	make_device(&dev, true);
	make_derived(&x, 8 * MIB, 0.9);
	p.min_interval = 600;
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 600, 0, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 601, 0, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 600 + 1, 0, NOW), ZS_DECIDE_TOO_SOON);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW, 0, NOW), ZS_DECIDE_TOO_SOON);
	/* never compacted */
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	/* a compaction at epoch 1 is long ago */
	assert_decision(zs_compact_decide(&p, &dev, &x, 1, 0, NOW), ZS_DECIDE_COMPACT);
	/* too soon wins over a gain that is not worth it */
	make_derived(&x, 0, 0.0);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 1, 0, NOW), ZS_DECIDE_TOO_SOON);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 600, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* force ignores min_gain and min_frag, not min_interval */
	p.force = true;
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 599, 0, NOW), ZS_DECIDE_TOO_SOON);
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 600, 0, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	/* min_interval 0: no limit */
	p.min_interval = 0;
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW, 0, NOW), ZS_DECIDE_COMPACT);
	/* the largest interval */
	p.min_interval = UINT64_MAX;
	assert_decision(zs_compact_decide(&p, &dev, &x, 1, 0, NOW), ZS_DECIDE_TOO_SOON);
}

/* Lean compactions in a row: the estimate must reach min_gain << lean, at most 16 times. */
static void test_decide_backoff(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev = { .initialised = true };
	struct zs_derived x = { .has_compactable = true, .has_fragmentation = true };

	(void)state;
	assert_u64_equal(zs_compact_backoff_gain(&p, 0), MIB);
	assert_u64_equal(zs_compact_backoff_gain(&p, 1), 2 * MIB);
	assert_u64_equal(zs_compact_backoff_gain(&p, 3), 8 * MIB);
	assert_u64_equal(zs_compact_backoff_gain(&p, 4), 16 * MIB);
	assert_u64_equal(zs_compact_backoff_gain(&p, 1000), 16 * MIB);
	x.compactable = MIB;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 1, NOW), ZS_DECIDE_BACKED_OFF);
	x.compactable = 2 * MIB - 1;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 1, NOW), ZS_DECIDE_BACKED_OFF);
	x.compactable = 2 * MIB;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 1, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 2, NOW), ZS_DECIDE_BACKED_OFF);
	x.compactable = 16 * MIB;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 99, NOW), ZS_DECIDE_COMPACT);
	/* fragmentation alone does not make the case for a device backed off */
	x.compactable = ZS_COMPACT_FRAG_FLOOR; /* what fragmentation alone needs */
	x.fragmentation = 0.9;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 1, NOW), ZS_DECIDE_BACKED_OFF);
	/* the exact figure of the class statistics is believed */
	x.compactable_exact = true;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 3, NOW), ZS_DECIDE_COMPACT);
	x.compactable_exact = false;
	/* --force, --min-gain 0 and --min-interval come first */
	p.force = true;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 3, NOW), ZS_DECIDE_COMPACT);
	p.force = false;
	p.min_gain = 0;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 3, NOW), ZS_DECIDE_COMPACT);
	p.min_gain = MIB;
	p.min_interval = 600;
	assert_decision(zs_compact_decide(&p, &dev, &x, NOW - 1, 3, NOW), ZS_DECIDE_TOO_SOON);
}

static void test_decide_unknown_compactable(void **state)
{
	struct zs_policy p = default_policy;
	struct zs_device dev;
	struct zs_derived x;

	make_device(&dev, true);
	/* without a compactable figure neither threshold can be met */
	make_derived(&x, 100 * MIB, 0.9);
	x.has_compactable = false;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	p.min_gain = 0;
	p.min_frag = 0.0;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	/* nothing at all derived */
	memset(&x, 0, sizeof(x));
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_NOT_WORTH);
	p.force = true;
	assert_decision(zs_compact_decide(&p, &dev, &x, 0, 0, NOW), ZS_DECIDE_COMPACT);
}

/* ---- result words ------------------------------------------------------------ */

static void test_result_names(void **state)
{
	static const struct {
		enum zs_result r;
		const char *name;
	} words[] = {
		{ ZS_RESULT_NONE, "" },
		{ ZS_RESULT_COMPACTED, "compacted" },
		{ ZS_RESULT_NOTHING, "nothing" },
		{ ZS_RESULT_GATED, "gated" },
		{ ZS_RESULT_FAILED, "failed" },
		{ ZS_RESULT_SKIPPED, "skipped" },
	};
	static const char *const not_words[] = {
		"", "none", "Compacted", "COMPACTED", "compacted ", " compacted", "compacted\n",
		"compact", "compactedx", "fail", "skip", "0", "1",
	};

	/* every result has its word, and the file's words are these */
	assert_int_equal(UNIT_N(words), ZS_RESULT_COUNT_);
	for (unsigned int i = 0; i < UNIT_N(words); i++) {
		enum zs_result back = (enum zs_result)77;

		assert_string_equal(zs_result_name(words[i].r), words[i].name);
		if (words[i].r == ZS_RESULT_NONE) {
			/* no word: never read back from a file */
			assert_errno(zs_result_parse("", &back), -EINVAL);
			assert_int_equal(back, 77);
			continue;
		}
		assert_errno(zs_result_parse(words[i].name, &back), 0);
		assert_int_equal(back, words[i].r);
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(words[j].name, words[i].name);
	}
	/* past the enum: no word, and no crash */
	assert_string_equal(zs_result_name(ZS_RESULT_COUNT_), "");
	assert_string_equal(zs_result_name((enum zs_result)-1), "");
	assert_string_equal(zs_result_name((enum zs_result)1000), "");
	for (unsigned int i = 0; i < UNIT_N(not_words); i++) {
		enum zs_result back = (enum zs_result)77;

		if (zs_result_parse(not_words[i], &back) != -EINVAL || back != 77)
			fail_msg("zs_result_parse(%s) took it (%d)", show(not_words[i]), back);
	}
}

/* Times as zsctl prints them (the gate's last run, compact's report). */
static void test_format_utc(void **state)
{
	static const struct {
		int64_t t;
		const char *want;
	} cases[] = {
		{ 0, "unknown" }, /* never */
		{ 1, "1970-01-01T00:00:01Z" },
		{ 1700000000, "2023-11-14T22:13:20Z" },
		{ 1796530218, "2026-12-06T04:10:18Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 253402300799, "9999-12-31T23:59:59Z" },
		{ INT64_MAX, "unknown" }, /* past what gmtime takes */
		{ INT64_MIN, "unknown" },
	};
	char buf[64];

	/* UTC whatever the local zone is */
	assert_errno(setenv("TZ", "UTC-9", 1), 0);
	tzset();
	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		memset(buf, 'x', sizeof(buf));
		zs_format_utc(cases[i].t, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			fail_msg("zs_format_utc(%lld) = \"%s\", expected \"%s\"",
				 (long long)cases[i].t, buf, cases[i].want);
	}
	/* exactly the room for a time, and one byte less: never a cut time */
	memset(buf, 'x', sizeof(buf));
	zs_format_utc(1700000000, buf, 21);
	assert_string_equal(buf, "2023-11-14T22:13:20Z");
	memset(buf, 'x', sizeof(buf));
	zs_format_utc(1700000000, buf, 20);
	assert_string_equal(buf, "unknown");
	assert_int_equal(buf[20], 'x'); /* nothing written past the size */
	unsetenv("TZ");
	tzset();
}

static void test_format_elapsed(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} cases[] = {
		{ 0, "0 us" },
		{ 499, "0 us" },
		{ 500, "1 us" },
		{ 42000, "42 us" },
		{ 999499, "999 us" },
		{ 999500, "1.0 ms" }, /* never "1000 us" */
		{ 1000000, "1.0 ms" },
		{ 12345678, "12.3 ms" },
		{ UINT64_C(9999949999), "9999.9 ms" },
		{ UINT64_C(9999950000), "10.0 s" }, /* never "10000.0 ms" */
		{ UINT64_C(754000000000), "754.0 s" },
	};
	char buf[32];

	(void)state;
	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		zs_format_elapsed(cases[i].ns, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			fail_msg("zs_format_elapsed(%llu) = \"%s\", expected \"%s\"",
				 (unsigned long long)cases[i].ns, buf, cases[i].want);
	}
}

/* ---- the state file ------------------------------------------------------- */

/*
 * Version 2: zram12's record was made on a kernel without diskseq (before
 * 5.15), zram3's by a newer zsctl that knows a key this one does not;
 * zram0 has what its last compaction left, zram1 two lean ones in a row.
 */
static const char sample_text[] =
	"# zsctl compact state\n"
	"version 2\n"
	"runs 42\n"
	"freed_total 123456789\n"
	"last_time 1700000000\n"
	"last_pid 4242\n"
	"last_result compacted\n"
	"device zram0 diskseq=17 pages_compacted=512 time=1700000000 result=compacted freed=1048576"
	" left=1535748 left_compr=16560380\n"
	"device zram1 diskseq=18 pages_compacted=0 time=1699999000 result=nothing freed=0 lean=2\n"
	"device zram12 pages_compacted=9 time=1699990000 result=gated freed=0\n"
	"device zram3 time=0 result=failed freed=0 budget=5 next=x\n"
	"end\n";

/* The same runs as a version 1 file wrote them: no identity, no unknown keys. */
static const char sample_text_v1[] = "# zsctl compact state\n"
				     "version 1\n"
				     "runs 42\n"
				     "freed_total 123456789\n"
				     "last_time 1700000000\n"
				     "last_pid 4242\n"
				     "last_result compacted\n"
				     "device zram0 1700000000 compacted 1048576\n"
				     "device zram1 1699999000 nothing 0\n"
				     "device zram12 1699990000 gated 0\n"
				     "device zram3 0 failed 0\n"
				     "end\n";

static void sample_state(struct zs_state *st)
{
	static const struct zs_state_device devs[] = {
		{ .name = "zram0",
		  .id = { .diskseq = 17, .has_diskseq = true, .pages_compacted = 512,
			  .has_pages_compacted = true },
		  .last_time = 1700000000,
		  .last_result = ZS_RESULT_COMPACTED,
		  .last_freed = 1048576,
		  .left = 1535748,
		  .left_compr = 16560380,
		  .has_left = true },
		{ .name = "zram1",
		  .id = { .diskseq = 18, .has_diskseq = true, .has_pages_compacted = true },
		  .last_time = 1699999000,
		  .last_result = ZS_RESULT_NOTHING,
		  .lean = 2,
		  .has_lean = true },
		{ .name = "zram12",
		  .id = { .pages_compacted = 9, .has_pages_compacted = true },
		  .last_time = 1699990000,
		  .last_result = ZS_RESULT_GATED },
		{ .name = "zram3", .last_result = ZS_RESULT_FAILED, .extra = "budget=5 next=x" },
	};

	memset(st, 0, sizeof(*st));
	st->runs = 42;
	st->freed_total = 123456789;
	st->last_time = 1700000000;
	st->last_pid = 4242;
	st->last_result = ZS_RESULT_COMPACTED;
	for (size_t i = 0; i < UNIT_N(devs); i++)
		st->devices[i] = devs[i];
	st->ndevices = UNIT_N(devs);
}

#define assert_result_equal(got, want)                                                   \
	do {                                                                             \
		enum zs_result g_ = (got), w_ = (want);                                  \
		if (g_ != w_)                                                            \
			fail_msg("%s = %d (\"%s\"), expected %d (\"%s\")", #got, g_,        \
				 zs_result_name(g_), w_, zs_result_name(w_));             \
	} while (0)

static void assert_state_equal(const struct zs_state *got, const struct zs_state *want)
{
	assert_u64_equal(got->runs, want->runs);
	assert_u64_equal(got->freed_total, want->freed_total);
	assert_u64_equal(got->last_time, want->last_time);
	assert_u64_equal(got->last_pid, want->last_pid);
	assert_result_equal(got->last_result, want->last_result);
	assert_u64_equal(got->ndevices, want->ndevices);
	for (size_t i = 0; i < want->ndevices; i++) {
		assert_string_equal(got->devices[i].name, want->devices[i].name);
		assert_u64_equal(got->devices[i].last_time, want->devices[i].last_time);
		assert_result_equal(got->devices[i].last_result, want->devices[i].last_result);
		assert_u64_equal(got->devices[i].last_freed, want->devices[i].last_freed);
		assert_int_equal(got->devices[i].id.has_diskseq, want->devices[i].id.has_diskseq);
		assert_u64_equal(got->devices[i].id.diskseq, want->devices[i].id.diskseq);
		assert_int_equal(got->devices[i].id.has_pages_compacted,
				 want->devices[i].id.has_pages_compacted);
		assert_u64_equal(got->devices[i].id.pages_compacted,
				 want->devices[i].id.pages_compacted);
		assert_string_equal(got->devices[i].extra, want->devices[i].extra);
		assert_int_equal(got->devices[i].has_left, want->devices[i].has_left);
		assert_u64_equal(got->devices[i].left, want->devices[i].left);
		assert_u64_equal(got->devices[i].left_compr, want->devices[i].left_compr);
		assert_int_equal(got->devices[i].has_lean, want->devices[i].has_lean);
		assert_u64_equal(got->devices[i].lean, want->devices[i].lean);
	}
}

/*
 * The state file's functions take the gate whose state file it is (here
 * PATH, its lock PATH.lock): a gate per call, as each zsctl run has its own.
 */

static struct zs_gate *state_gate(const char *path)
{
	char *lock = unit_printf("%s.lock", path);
	struct zs_gate *g = NULL;

	assert_errno(zs_gate_new(unit_live, lock, path, &g), 0);
	free(lock);
	return g;
}

#define STATE_CALL(path, call)                                  \
	({                                                      \
		struct zs_gate *g_ = state_gate(path);          \
		int r_ = call;                                  \
		zs_gate_free(g_);                               \
		r_;                                             \
	})
#define state_load(path, st) STATE_CALL(path, zs_state_load(g_, st))
#define state_save(path, st) STATE_CALL(path, zs_state_save(g_, st))
#define state_set_aside(path, buf, size) STATE_CALL(path, zs_state_set_aside(g_, buf, size))
#define state_busy_add(path) STATE_CALL(path, zs_state_busy_add(g_))
#define state_busy_get(path, n) STATE_CALL(path, zs_state_busy_get(g_, n))

/* A state buffer filled with a pattern, to see that a failure leaves it alone. */
static struct zs_state *poisoned_state(void)
{
	struct zs_state *st = malloc(sizeof(*st));

	if (!st)
		fail_msg("out of memory");
	memset(st, 0xa5, sizeof(*st));
	return st;
}

static bool still_poisoned(const struct zs_state *st)
{
	const unsigned char *p = (const unsigned char *)st;

	for (size_t i = 0; i < sizeof(*st); i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

static void test_state_round_trip(void **state)
{
	struct zs_state *st = calloc(1, sizeof(*st)), *back = poisoned_state();
	char *text = NULL, *text2 = NULL, *unlearned;

	assert_non_null(st);
	sample_state(st);
	assert_errno(zs_state_format(st, &text), 0);
	assert_string_equal(text, sample_text);
	assert_errno(zs_state_parse(text, back), 0);
	assert_state_equal(back, st);
	assert_errno(zs_state_format(back, &text2), 0);
	assert_string_equal(text2, text);
	free(text);
	free(text2);

	/* a file from before the learned floor: the same records, nothing learned */
	for (size_t i = 0; i < st->ndevices; i++) {
		st->devices[i].left = st->devices[i].left_compr = st->devices[i].lean = 0;
		st->devices[i].has_left = st->devices[i].has_lean = false;
	}
	unlearned = unit_replace(sample_text, " left=1535748 left_compr=16560380", "");
	text2 = unit_replace(unlearned, " lean=2", "");
	free(unlearned);
	unlearned = text2;
	memset(back, 0xa5, sizeof(*back));
	assert_errno(zs_state_parse(unlearned, back), 0);
	assert_state_equal(back, st);
	assert_errno(zs_state_format(back, &text), 0);
	assert_string_equal(text, unlearned);
	free(text);
	free(unlearned);

	/* version 1 is read: the same records, without identity or unknown keys */
	for (size_t i = 0; i < st->ndevices; i++) {
		memset(&st->devices[i].id, 0, sizeof(st->devices[i].id));
		st->devices[i].extra[0] = '\0';
	}
	memset(back, 0xa5, sizeof(*back));
	assert_errno(zs_state_parse(sample_text_v1, back), 0);
	assert_state_equal(back, st);
	/* and written back as version 2 */
	assert_errno(zs_state_format(back, &text), 0);
	assert_non_null(strstr(text, "\nversion 2\n"));
	assert_non_null(strstr(text, "\ndevice zram1 time=1699999000 result=nothing freed=0\n"));
	free(text);

	/* the largest numbers, every result word, a nine-digit device */
	memset(st, 0, sizeof(*st));
	st->runs = UINT64_MAX;
	st->freed_total = UINT64_MAX;
	st->last_time = UINT64_MAX;
	st->last_pid = 4194304;
	st->last_result = ZS_RESULT_SKIPPED;
	assert_non_null(zs_state_device(st, "zram999999999", true));
	st->devices[0].last_time = UINT64_MAX;
	st->devices[0].last_result = ZS_RESULT_SKIPPED;
	st->devices[0].last_freed = UINT64_MAX;
	assert_errno(zs_state_format(st, &text), 0);
	assert_string_equal(text, "# zsctl compact state\nversion 2\n"
				  "runs " UNIT_U64_MAX_STR "\nfreed_total " UNIT_U64_MAX_STR
				  "\nlast_time " UNIT_U64_MAX_STR "\nlast_pid 4194304\n"
				  "last_result skipped\n"
				  "device zram999999999 time=" UNIT_U64_MAX_STR
				  " result=skipped freed=" UNIT_U64_MAX_STR "\nend\n");
	assert_errno(zs_state_parse(text, back), 0);
	assert_state_equal(back, st);
	free(text);

	/* a fresh state: no last run, no device */
	memset(st, 0, sizeof(*st));
	assert_errno(zs_state_format(st, &text), 0);
	assert_string_equal(text, "# zsctl compact state\nversion 2\nruns 0\nfreed_total 0\nend\n");
	memset(back, 0xa5, sizeof(*back));
	assert_errno(zs_state_parse(text, back), 0);
	assert_state_equal(back, st);
	free(text);

	/* as many devices as there is room for */
	for (unsigned int i = 0; i < ZS_STATE_MAX_DEVICES; i++) {
		char name[ZS_DEVNAME_MAX];
		struct zs_state_device *d;

		snprintf(name, sizeof(name), "zram%u", i);
		d = zs_state_device(st, name, true);
		assert_non_null(d);
		d->last_time = 1000 + i;
		d->last_result = ZS_RESULT_NOTHING;
	}
	assert_null(zs_state_device(st, "zram999", true));
	assert_non_null(zs_state_device(st, "zram7", false));
	assert_null(zs_state_device(st, "zram999", false));
	assert_errno(zs_state_format(st, &text), 0);
	assert_errno(zs_state_parse(text, back), 0);
	assert_state_equal(back, st);
	free(text);
	free(st);
	free(back);
}

static void test_state_load_missing(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	struct zs_state *st = poisoned_state(), zero;

	memset(&zero, 0, sizeof(zero));
	assert_errno(state_load(path, st), 0);
	assert_memory_equal(st, &zero, sizeof(zero));
	assert_false(unit_exists(path)); /* loading creates nothing */
	free(st);
	free(path);
}

static size_t lines_in(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void test_state_truncated(void **state)
{
	const size_t len = strlen(sample_text);
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	struct zs_state *want = calloc(1, sizeof(*want)), *st = poisoned_state();
	struct errs e = { 0 };

	assert_non_null(want);
	sample_state(want);
	for (size_t k = 0; k <= len; k++) {
		int r;

		memset(st, 0xa5, sizeof(*st));
		unit_write_file(path, sample_text, k);
		r = state_load(path, st);
		if (k == len) {
			if (r != 0)
				errs_add(&e, "whole file: %s", err_name(r));
			else
				assert_state_equal(st, want);
		} else if (r == 0) {
			errs_add(&e, "%zu bytes (%zu whole lines): 0 with %zu of %zu devices", k,
				 lines_in(sample_text, k), st->ndevices, want->ndevices);
		} else if (r != -EBADMSG) {
			errs_add(&e, "%zu bytes: %s", k, err_name(r));
		} else if (!still_poisoned(st)) {
			errs_add(&e, "%zu bytes: -EBADMSG but wrote the state", k);
		}
	}
	errs_check(&e, (unsigned int)len + 1);
	free(want);
	free(st);
	free(path);
}

static void test_state_garbled(void **state)
{
	static const struct {
		const char *what, *from, *to;
	} edits[] = {
		{ "unknown key", "runs 42\n", "runs 42\ncolour blue\n" },
		{ "unknown numeric key", "runs 42\n", "runz 42\n" },
		{ "key with a missing value", "runs 42\n", "runs\n" },
		{ "key with two values", "runs 42\n", "runs 42 43\n" },
		{ "comment line", "runs 42\n", "runs 42\n# a comment\n" },
		{ "wrong magic", "# zsctl compact state\n", "# zsctl compact stat\n" },
		{ "magic with trailing text", "# zsctl compact state\n",
		  "# zsctl compact state v1\n" },
		{ "no magic", "# zsctl compact state\n", "" },
		{ "magic not first", "# zsctl compact state\nversion 2\n",
		  "version 2\n# zsctl compact state\n" },
		{ "version 3", "version 2\n", "version 3\n" },
		{ "version 0", "version 2\n", "version 0\n" },
		{ "version word", "version 2\n", "version two\n" },
		{ "no version", "version 2\n", "" },
		{ "version 1 with version 2 devices", "version 2\n", "version 1\n" },
		{ "a version 1 device in version 2", "device zram3 time=0 result=failed freed=0",
		  "device zram3 0 failed 0" },
		{ "duplicate device", "device zram1 ", "device zram0 " },
		{ "device sda", "device zram1 ", "device sda " },
		{ "device /dev/zram1", "device zram1 ", "device /dev/zram1 " },
		{ "device zram01", "device zram1 ", "device zram01 " },
		{ "device without a name", "device zram3 time=0", "device time=0" },
		{ "device result", "result=nothing", "result=exploded" },
		{ "device result empty", "result=nothing", "result=" },
		{ "device without a result", "time=1699999000 result=nothing ",
		  "time=1699999000 " },
		{ "device key twice", "result=failed freed=0", "result=failed freed=0 freed=1" },
		{ "device key without a value", "result=failed freed=0", "result=failed freed" },
		{ "device key without a name", "result=failed freed=0", "result=failed =0" },
		{ "device diskseq with letters", "diskseq=17 ", "diskseq=1a " },
		{ "device diskseq empty", "diskseq=17 ", "diskseq= " },
		{ "last_result word", "last_result compacted", "last_result maybe" },
		{ "last_result case", "last_result compacted", "last_result Compacted" },
		{ "runs with letters", "runs 42\n", "runs 42a\n" },
		{ "runs in hex", "runs 42\n", "runs 0x2a\n" },
		{ "negative runs", "runs 42\n", "runs -42\n" },
		{ "freed_total with letters", "freed_total 123456789", "freed_total 1234x6789" },
		{ "last_pid with a sign", "last_pid 4242", "last_pid +4242" },
		{ "device time with letters", "time=1700000000 ", "time=17e8 " },
		{ "device freed with letters", "freed=1048576 ", "freed=1M " },
		{ "device left with letters", "left=1535748 ", "left=1.5M " },
		{ "device left_compr negative", "left_compr=16560380", "left_compr=-16560380" },
		{ "device lean empty", "lean=2\n", "lean=\n" },
		{ "device lean twice", "lean=2\n", "lean=2 lean=3\n" },
		{ "device left 2^64", "left=1535748 ", "left=" UNIT_U64_OVER_STR " " },
		{ "runs 2^64", "runs 42\n", "runs " UNIT_U64_OVER_STR "\n" },
		{ "freed_total 2^64", "freed_total 123456789", "freed_total " UNIT_U64_OVER_STR },
		{ "device freed 2^64", "freed=1048576 ", "freed=" UNIT_U64_OVER_STR " " },
		{ "no final newline", "next=x\nend\n", "next=x\nend" },
		{ "no end marker", "next=x\nend\n", "next=x\n" },
		{ "a line after the end marker", "next=x\nend\n", "next=x\nend\nruns 1\n" },
	};
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	struct zs_state *st = poisoned_state();
	struct errs e = { 0 };
	unsigned int ncases = 0;

	for (unsigned int i = 0; i < UNIT_N(edits); i++) {
		char *text = unit_replace(sample_text, edits[i].from, edits[i].to);
		int r;

		ncases++;
		memset(st, 0xa5, sizeof(*st));
		r = zs_state_parse(text, st);
		if (r != -EBADMSG || !still_poisoned(st))
			errs_add(&e, "parse, %s: %s", edits[i].what, err_name(r));
		unit_write_file(path, text, strlen(text));
		r = state_load(path, st);
		if (r != -EBADMSG || !still_poisoned(st))
			errs_add(&e, "load, %s: %s", edits[i].what, err_name(r));
		free(text);
	}

	/* a NUL in the file: in a line, and at the end */
	{
		static const char nul_mid[] = "# zsctl compact state\nversion 2\nruns 4\0002\n"
					      "freed_total 0\n";
		static const char nul_end[] = "# zsctl compact state\nversion 2\nruns 42\n"
					      "freed_total 0\n\0";
		int r;

		ncases++;
		unit_write_file(path, nul_mid, sizeof(nul_mid) - 1);
		memset(st, 0xa5, sizeof(*st));
		r = state_load(path, st);
		if (r != -EBADMSG || !still_poisoned(st))
			errs_add(&e, "NUL inside a line: %s", err_name(r));
		ncases++;
		unit_write_file(path, nul_end, sizeof(nul_end) - 1);
		r = state_load(path, st);
		if (r != -EBADMSG || !still_poisoned(st))
			errs_add(&e, "NUL at the end: %s", err_name(r));
	}

	/* empty, and only blank lines */
	{
		static const char *const texts[] = { "", "\n", "\n\n\n",
						     "# zsctl compact state\n" };

		for (unsigned int i = 0; i < UNIT_N(texts); i++) {
			int r;

			ncases++;
			unit_write_file(path, texts[i], strlen(texts[i]));
			r = state_load(path, st);
			if (r != -EBADMSG || !still_poisoned(st))
				errs_add(&e, "text %u (%zu bytes): %s", i, strlen(texts[i]),
					 err_name(r));
		}
	}

	/* one device more than there is room for */
	{
		char *text = unit_printf("# zsctl compact state\nversion 2\n"), *t;
		int r;

		for (unsigned int i = 0; i <= ZS_STATE_MAX_DEVICES; i++) {
			t = unit_printf("%sdevice zram%u time=1 result=nothing freed=0\n", text, i);
			free(text);
			text = t;
		}
		t = unit_printf("%send\n", text);
		free(text);
		text = t;
		ncases++;
		r = zs_state_parse(text, st);
		if (r != -EBADMSG || !still_poisoned(st))
			errs_add(&e, "%d devices: %s", ZS_STATE_MAX_DEVICES + 1, err_name(r));
		free(text);
	}
	errs_check(&e, ncases);
	free(st);
	free(path);
}

/* A garbled file is garbled whatever its size: the caller sets aside only -EBADMSG. */
static void test_state_oversized(void **state)
{
	const size_t len = 2 * 1024 * 1024;
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	struct zs_state *st = poisoned_state();
	char *junk = malloc(len);

	assert_non_null(junk);
	memset(junk, 'x', len);
	junk[len - 1] = '\n';
	unit_write_file(path, junk, len);
	assert_errno(state_load(path, st), -EBADMSG);
	assert_true(still_poisoned(st));
	free(junk);
	free(st);
	free(path);
}

static void test_state_save_load(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	struct zs_state *st = calloc(1, sizeof(*st)), *back = poisoned_state();
	struct dirent *de;
	unsigned int n = 0;
	char *text;
	DIR *d;

	assert_non_null(st);
	sample_state(st);
	assert_errno(state_save(path, st), 0);
	text = unit_read_file(path, NULL);
	assert_string_equal(text, sample_text);
	free(text);
	assert_errno(state_load(path, back), 0);
	assert_state_equal(back, st);

	/* a second save replaces the first */
	st->runs++;
	st->last_result = ZS_RESULT_NOTHING;
	st->ndevices = 1;
	assert_errno(state_save(path, st), 0);
	memset(back, 0xa5, sizeof(*back));
	assert_errno(state_load(path, back), 0);
	assert_state_equal(back, st);

	/* nothing else is left in the directory: no state.tmp.<pid> */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strcmp(de->d_name, "state"))
			fail_msg("left behind in %s: %s", dir, de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
	free(path);

	/* the state directory is created (its parent is not) */
	path = unit_printf("%s/sub/state", dir);
	assert_errno(state_save(path, st), 0);
	memset(back, 0xa5, sizeof(*back));
	assert_errno(state_load(path, back), 0);
	assert_state_equal(back, st);
	free(path);
	path = unit_printf("%s/missing/sub/state", dir);
	assert_errno(state_save(path, st), -ENOENT);
	free(path);

	free(st);
	free(back);
}

static void test_state_set_aside(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	char aside[4096], *prefix, *text, *end;
	unsigned long long t;
	time_t t0, t1;

	unit_write_file(path, "garbage\n", 8);
	t0 = time(NULL);
	assert_errno(state_set_aside(path, aside, sizeof(aside)), 0);
	t1 = time(NULL);
	prefix = unit_printf("%s.corrupt.", path);
	if (strncmp(aside, prefix, strlen(prefix)))
		fail_msg("set aside as %s, expected %s<time>.<pid>", aside, prefix);
	errno = 0;
	t = strtoull(aside + strlen(prefix), &end, 10);
	if (errno || *end != '.' || end == aside + strlen(prefix))
		fail_msg("set aside as %s: no time before the pid", aside);
	assert_in_range(t, (unsigned long long)t0, (unsigned long long)t1);
	/* the pid keeps two set-asides in one second apart */
	assert_int_equal(strtoull(end + 1, &end, 10), (unsigned long long)getpid());
	assert_int_equal(*end, '\0');
	assert_false(unit_exists(path));
	text = unit_read_file(aside, NULL);
	assert_string_equal(text, "garbage\n");
	free(text);

	/* a buffer too small for the name leaves the file where it is */
	unit_write_file(path, "garbage\n", 8);
	assert_errno(state_set_aside(path, aside, strlen(prefix) + 2), -ENAMETOOLONG);
	assert_true(unit_exists(path));
	/* nothing to set aside */
	assert_errno(unlink(path), 0);
	assert_errno(state_set_aside(path, aside, sizeof(aside)), -ENOENT);

	free(prefix);
	free(path);
}

static void test_state_busy(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/state", dir);
	char *busy = unit_printf("%s.busy", path);
	uint64_t n = 99;

	/* no file: nobody was turned away */
	assert_errno(state_busy_get(path, &n), 0);
	assert_u64_equal(n, 0);
	assert_false(unit_exists(busy));
	for (unsigned int i = 1; i <= 5; i++) {
		assert_errno(state_busy_add(path), 0);
		n = 99;
		assert_errno(state_busy_get(path, &n), 0);
		assert_u64_equal(n, i);
	}
	/* the state file itself is not touched */
	assert_false(unit_exists(path));
	free(busy);
	free(path);

	/* the state directory is created for the counter too */
	path = unit_printf("%s/sub/state", dir);
	assert_errno(state_busy_add(path), 0);
	assert_errno(state_busy_get(path, &n), 0);
	assert_u64_equal(n, 1);
	free(path);

	/* a busy "file" that is a directory is garbled */
	path = unit_printf("%s/d", dir);
	busy = unit_printf("%s.busy", path);
	assert_errno(mkdir(busy, 0700), 0);
	n = 99;
	assert_errno(state_busy_get(path, &n), -EBADMSG);
	assert_u64_equal(n, 99);
	free(busy);
	free(path);
}

/*
 * A save whose write is short: a file size limit (RLIMIT_FSIZE, SIGXFSZ
 * ignored) or a full file system (a small tmpfs in a private mount
 * namespace). The first write() says nothing; the error is the next one's
 * (EFBIG, ENOSPC), never a stale errno of an earlier call: lib/state.c once
 * reported the ENOENT of the unlink that clears a leftover temporary file
 * (issue 12). The old state stays whole, nothing is left beside it, and the
 * error path names the state file.
 */
struct save_in {
	const char *dir;
	const char *tmpfs_size; /* NULL: RLIMIT_FSIZE of fsize bytes */
	unsigned long long fsize;
	unsigned int old_devices, new_devices;
};

struct save_out {
	int setup_err;
	long long bfree; /* bytes free before the save (tmpfs) */
	size_t new_len;
	int r;
	char err_path[256];
	bool intact, tmp_left;
};

static void save_child(void *arg, void *outp)
{
	const struct save_in *in = arg;
	struct save_out *out = outp;
	char *sdir = NULL, *path = NULL, *lock = NULL, *old = NULL, *now = NULL, *back = NULL;
	struct zs_state *st = calloc(1, sizeof(*st));
	struct zs_gate *g = NULL;
	struct statvfs vfs;
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	out->r = 1;
	if (!st || asprintf(&sdir, "%s/st", in->dir) < 0 ||
	    asprintf(&path, "%s/compact.state", sdir) < 0 ||
	    asprintf(&lock, "%s/compact.lock", in->dir) < 0) {
		out->setup_err = -ENOMEM;
		return;
	}
	if (mkdir(sdir, 0755) < 0) {
		out->setup_err = -errno;
		return;
	}
	if (in->tmpfs_size && (out->setup_err = unit_mount_small_tmpfs(sdir, in->tmpfs_size)) < 0)
		return;
	old = unit_state_text(in->old_devices, 100000000, 1);
	now = unit_state_text(in->new_devices, 200000000, 2);
	if (!old || !now || (out->setup_err = unit_try_write_file(path, old, strlen(old))) < 0 ||
	    (out->setup_err = zs_state_parse(now, st)) < 0 ||
	    (out->setup_err = zs_gate_new(unit_live, lock, path, &g)) < 0)
		return;
	out->new_len = strlen(now);
	if (statvfs(sdir, &vfs) == 0)
		out->bfree = (long long)(vfs.f_bavail * vfs.f_frsize);
	if (!in->tmpfs_size && (out->setup_err = unit_limit_file_size(in->fsize)) < 0)
		return;
	/* the stale errno, made certain */
	errno = ENOENT;
	out->r = zs_state_save(g, st);
	snprintf(out->err_path, sizeof(out->err_path), "%s", zs_ctx_error_path(unit_live));
	{
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			size_t len = strlen(old);

			back = calloc(1, len + 2);
			out->intact = back && read(fd, back, len + 1) == (ssize_t)len &&
				      !memcmp(back, old, len);
			close(fd);
		}
	}
	d = opendir(sdir);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "compact.state"))
			out->tmp_left = true;
	if (d)
		closedir(d);
	zs_gate_free(g);
	free(st);
	free(sdir);
	free(path);
	free(lock);
	free(old);
	free(now);
	free(back);
}

static void assert_save_refused(const struct save_out *out, const char *dir, int err)
{
	char *want = unit_printf("%s/st/compact.state", dir);

	if (out->setup_err)
		fail_msg("cannot set the save up: %s", strerror(-out->setup_err));
	assert_errno(out->r, err);
	assert_true(out->intact);
	assert_false(out->tmp_left);
	assert_string_equal(out->err_path, want + 1);
	free(want);
}

static void test_state_save_fsize(void **state)
{
	struct save_in in = { .dir = *state, .fsize = 1000, .old_devices = 1, .new_devices = 40 };
	struct save_out out;

	unit_run_child(save_child, &in, &out, sizeof(out));
	if (!out.setup_err && out.new_len <= in.fsize)
		fail_msg("a state of %zu bytes fits the limit of %llu: not a short write",
			 out.new_len, (unsigned long long)in.fsize);
	assert_save_refused(&out, *state, -EFBIG);
}

static void test_state_save_full(void **state)
{
	/* two pages: the old state in one, the other left for a new one of three */
	struct save_in in = { .dir = *state, .tmpfs_size = "8k", .old_devices = 10,
			      .new_devices = 200 };
	struct save_out out;

	unit_run_child(save_child, &in, &out, sizeof(out));
	if (!out.setup_err && !(out.bfree > 0 && (unsigned long long)out.bfree < out.new_len))
		fail_msg("%lld bytes free for a state of %zu: not a short write", out.bfree,
			 out.new_len);
	assert_save_refused(&out, *state, -ENOSPC);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_valid),
		cmocka_unit_test(test_size_invalid),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_decide_uninitialised),
		cmocka_unit_test(test_decide_min_gain),
		cmocka_unit_test(test_decide_min_frag),
		cmocka_unit_test(test_decide_force),
		cmocka_unit_test(test_decide_min_interval),
		cmocka_unit_test(test_decide_backoff),
		cmocka_unit_test(test_decide_unknown_compactable),
		cmocka_unit_test(test_state_round_trip),
		UNIT_DIR_TEST(test_state_load_missing),
		UNIT_DIR_TEST(test_state_truncated),
		UNIT_DIR_TEST(test_state_garbled),
		UNIT_DIR_TEST(test_state_oversized),
		UNIT_DIR_TEST(test_state_save_load),
		UNIT_DIR_TEST(test_state_set_aside),
		UNIT_DIR_TEST(test_state_busy),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_format_utc),
		cmocka_unit_test(test_format_elapsed),
		UNIT_DIR_TEST(test_state_save_fsize),
		UNIT_DIR_TEST(test_state_save_full),
	};
	size_t n = UNIT_N(tests);
	const char *why;

	unit_require_srcdir();
	why = unit_tmpfs_missing();
	if (why)
		n = unit_drop_test(tests, n, "test_state_save_full", why);
	return _cmocka_run_group_tests("compact", tests, n, unit_live_setup, unit_live_teardown);
}
