// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl maintain without a kernel: the idle-age formula, the writeback
 * budget's arithmetic (saturating, each of its limits), the policy knobs,
 * the configuration files through libeconf (layers, drop-ins, per-device
 * sections, every refusal with its file and line), and the state file's
 * maintain keys.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MIB (UINT64_C(1) << 20)
#define H 3600

/* ---- the idle age: min + (max - min) * e^(-5u) ------------------------------ */

static void test_idle_age(void **state)
{
	(void)state;
	/* no pressure: the maximum; the formula's points from ChromeOS' comments */
	assert_int_equal(zs_maint_idle_age(20 * H, 25 * H, 1000, 1000), 25 * H);
	/* u = 0.2: 20h + 5h * e^-1 = 21.839h */
	assert_int_equal(zs_maint_idle_age(20 * H, 25 * H, 800, 1000), 78621);
	/* u = 0.5: 20h + 5h * e^-2.5 = 20.410h */
	assert_int_equal(zs_maint_idle_age(20 * H, 25 * H, 500, 1000), 73477);
	/* u = 1: almost the minimum */
	assert_int_equal(zs_maint_idle_age(2 * H, 4 * H, 0, 1000), 7248);
	/* recompression's at u = 0.2: 2.74h */
	assert_int_equal(zs_maint_idle_age(2 * H, 4 * H, 800, 1000), 9848);
	/* no meminfo, or a garbled one (available above total): no pressure known */
	assert_int_equal(zs_maint_idle_age(2 * H, 4 * H, 0, 0), 4 * H);
	assert_int_equal(zs_maint_idle_age(2 * H, 4 * H, 2000, 1000), 4 * H);
	/* min = max, and min above max: the minimum */
	assert_int_equal(zs_maint_idle_age(H, H, 10, 1000), H);
	assert_int_equal(zs_maint_idle_age(2 * H, H, 10, 1000), 2 * H);
	/* near u64's end: no overflow through the double */
	assert_true(zs_maint_idle_age(UINT64_MAX - 10, UINT64_MAX, 1, 2) >= UINT64_MAX - 10);
}

/* ---- the writeback budget -------------------------------------------------- */

static void test_budget(void **state)
{
	struct zs_maint_policy p;
	enum zs_maint_result why;

	(void)state;
	zs_maint_policy_default(&p);
	/* a full device: the round's maximum, 300M = 76800 pages */
	assert_int_equal(zs_maint_wb_budget(&p, 1024 * MIB, 1024 * MIB, UINT64_MAX, 0, &why),
			 76800);
	assert_int_equal(why, ZS_MAINT_DONE);
	/* a quarter full: a quarter of it */
	assert_int_equal(zs_maint_wb_budget(&p, 256 * MIB, 1024 * MIB, UINT64_MAX, 0, &why),
			 19200);
	/* the backing device's free pages cap it */
	assert_int_equal(zs_maint_wb_budget(&p, 256 * MIB, 1024 * MIB, 16384, 0, &why), 16384);
	/* a full backing device */
	assert_int_equal(zs_maint_wb_budget(&p, 256 * MIB, 1024 * MIB, 0, 0, &why), 0);
	assert_int_equal(why, ZS_MAINT_BACKING_FULL);
	/* under the minimum (5M = 1280 pages): nothing */
	assert_int_equal(zs_maint_wb_budget(&p, 4 * MIB, 1024 * MIB, UINT64_MAX, 0, &why), 0);
	assert_int_equal(why, ZS_MAINT_BELOW_MINIMUM);
	assert_int_equal(zs_maint_wb_budget(&p, 256 * MIB, 1024 * MIB, 1279, 0, &why), 0);
	assert_int_equal(why, ZS_MAINT_BELOW_MINIMUM);
	/* exactly the minimum is enough */
	assert_int_equal(zs_maint_wb_budget(&p, 256 * MIB, 1024 * MIB, 1280, 0, &why), 1280);
	/* the day's rest: 1G = 262144 pages */
	assert_int_equal(zs_maint_wb_budget(&p, 1024 * MIB, 1024 * MIB, UINT64_MAX, 262144 - 100,
					    &why),
			 100);
	assert_int_equal(zs_maint_wb_budget(&p, 1024 * MIB, 1024 * MIB, UINT64_MAX, 262144, &why),
			 0);
	assert_int_equal(why, ZS_MAINT_BUDGET_USED);
	/* more used than the day allows (a smaller budget since): 0, never a wrap */
	assert_int_equal(zs_maint_wb_budget(&p, 1024 * MIB, 1024 * MIB, UINT64_MAX, UINT64_MAX,
					    &why),
			 0);
	assert_int_equal(why, ZS_MAINT_BUDGET_USED);
	/* more stored than the disk size (a garbled mm_stat), or no disksize: the maximum */
	assert_int_equal(zs_maint_wb_budget(&p, UINT64_MAX, 1024 * MIB, UINT64_MAX, 0, &why),
			 76800);
	assert_int_equal(zs_maint_wb_budget(&p, 10, 0, UINT64_MAX, 0, &why), 76800);
	/* huge knobs saturate: the maximum page count, no overflow */
	p.writeback_max = UINT64_MAX;
	p.writeback_daily = UINT64_MAX;
	p.writeback_min = 0;
	assert_int_equal(zs_maint_wb_budget(&p, 1, 1, UINT64_MAX, 0, &why), UINT64_MAX / 4096);
	/* an empty device with no minimum: nothing to write is "below the minimum" */
	assert_int_equal(zs_maint_wb_budget(&p, 0, 1024 * MIB, UINT64_MAX, 0, &why), 0);
	assert_int_equal(why, ZS_MAINT_BELOW_MINIMUM);
}

/* ---- knobs -------------------------------------------------------------------- */

/* The rolling 24 hours of the writeback budget, kept by the hour. */
static void test_wb_window(void **state)
{
	static const char text[] =
		"# zsctl compact state\nversion 2\nruns 1\nfreed_total 0\n"
		"device zram1 time=5 result=skipped freed=0 wb_time=9 wb_result=done "
		"wb_day=3600 wb_day_pages=30 wb_hours=3600:10,7200:20\n"
		"end\n";
	struct zs_maint_record rec = { .has_writeback = true };
	struct zs_state *st = malloc(sizeof(*st));
	const uint64_t t = 1000 * H; /* an hour's start */
	char *out = NULL;

	(void)state;
	assert_non_null(st);
	/* rounds in one hour add up; the next hour gets its own */
	zs_maint_wb_add(&rec, t + 10, 100);
	zs_maint_wb_add(&rec, t + 20 * 60, 50);
	zs_maint_wb_add(&rec, t + H + 5, 7);
	assert_int_equal(rec.wb_nhours, 2);
	assert_int_equal(rec.wb_day_pages, 157);
	assert_int_equal(rec.wb_day, t);
	/* an hour counts whole while any of it is in the last 24 h ... */
	zs_maint_wb_window(&rec, t + 24 * H + H - 1);
	assert_int_equal(rec.wb_day_pages, 157);
	/* ... and leaves when all of it is 24 h old: a rolling day, not a calendar one */
	zs_maint_wb_window(&rec, t + 24 * H + H);
	assert_int_equal(rec.wb_nhours, 1);
	assert_int_equal(rec.wb_day_pages, 7);
	assert_int_equal(rec.wb_day, t + H);
	zs_maint_wb_window(&rec, t + 26 * H);
	assert_int_equal(rec.wb_nhours, 0);
	assert_int_equal(rec.wb_day_pages, 0);
	/* a round that wrote nothing adds no hour */
	zs_maint_wb_add(&rec, t + 27 * H, 0);
	assert_int_equal(rec.wb_nhours, 0);
	/* saturating */
	zs_maint_wb_add(&rec, t + 27 * H, UINT64_MAX - 1);
	zs_maint_wb_add(&rec, t + 28 * H, 5);
	assert_true(rec.wb_day_pages == UINT64_MAX);
	/* the clock went back past every hour: they are all still counted, in the newest */
	rec = (struct zs_maint_record){ .has_writeback = true };
	for (unsigned int i = 0; i < ZS_WB_HOURS; i++)
		zs_maint_wb_add(&rec, t + i * H, 1);
	assert_int_equal(rec.wb_nhours, ZS_WB_HOURS);
	zs_maint_wb_add(&rec, t - 5 * H, 1);
	assert_int_equal(rec.wb_nhours, ZS_WB_HOURS);
	assert_int_equal(rec.wb_day_pages, ZS_WB_HOURS + 1);
	/* a record from before wb_hours: its day's pages in the hour of its wb_day */
	rec = (struct zs_maint_record){ .has_writeback = true, .wb_day = t + 100, .wb_day_pages = 9 };
	zs_maint_wb_window(&rec, t + 23 * H);
	assert_int_equal(rec.wb_nhours, 1);
	assert_int_equal(rec.wb_hours[0].start, t);
	assert_int_equal(rec.wb_day_pages, 9);
	/* the state file keeps the hours, as read */
	assert_int_equal(zs_state_parse(text, st), 0);
	assert_int_equal(zs_state_device_find(st, "zram1")->maint.wb_nhours, 2);
	assert_int_equal(zs_state_device_find(st, "zram1")->maint.wb_hours[1].pages, 20);
	assert_int_equal(zs_state_format(st, &out), 0);
	assert_string_equal(out, text);
	free(out);
	/* garbled hours: an empty one, no colon, a word, too many */
	static const char *const bad[] = { "wb_hours=", "wb_hours=3600", "wb_hours=3600:x",
					   "wb_hours=3600:1,,7200:2",
					   "wb_hours=1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1,10:1,11:1,12:1,"
					   "13:1,14:1,15:1,16:1,17:1,18:1,19:1,20:1,21:1,22:1,23:1,24:1,"
					   "25:1,26:1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[512];

		snprintf(line, sizeof(line),
			 "# zsctl compact state\nversion 2\nruns 1\nfreed_total 0\n"
			 "device zram1 time=5 result=skipped freed=0 wb_time=9 %s\nend\n",
			 bad[i]);
		assert_int_equal(zs_state_parse(line, st), -EBADMSG);
	}
	free(st);
}

static void test_knobs(void **state)
{
	static const struct {
		const char *key, *value;
		int r;
		const char *shown; /* as zs_knob_format() says it after, or NULL */
	} cases[] = {
		{ "writeback", "no", 0, "no" },
		{ "writeback", "On", -EINVAL, NULL },
		{ "writeback", "", -EINVAL, NULL },
		{ "writeback-types", "idle", 0, "idle" },
		{ "writeback-types", "huge,huge_idle", 0, "huge_idle,huge" },
		{ "writeback-types", "none", 0, "none" },
		{ "writeback-types", "idle,idle", -EINVAL, NULL },
		{ "writeback-types", "idle,", -EINVAL, NULL },
		{ "writeback-types", ",idle", -EINVAL, NULL },
		{ "writeback-types", "incompressible", -EINVAL, NULL },
		{ "writeback-types", "", -EINVAL, NULL },
		{ "writeback-backoff", "90m", 0, "90m" },
		{ "writeback-backoff", "1h30m", 0, "90m" },
		{ "writeback-age-max", "4294967295", 0, "4294967295s" },
		{ "writeback-age-max", "4294967296", -ERANGE, NULL },
		{ "writeback-max", "300M", 0, "300M" },
		{ "writeback-max", "1.5G", 0, "1536M" },
		{ "writeback-max", "300 MB", -EINVAL, NULL },
		{ "recompress-threshold", "1000", 0, "1000" },
		{ "recompress-max-pages", "4294967296", -ERANGE, NULL },
		{ "compact-min-frag", "30%", 0, "30%" },
		{ "compact-min-frag", "101", -ERANGE, NULL },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < UNIT_N(cases); i++) {
		struct zs_maint_policy p, before;
		const struct zs_knob *k = zs_knob_find(cases[i].key);
		int r;

		assert_non_null(k);
		zs_maint_policy_default(&p);
		before = p;
		r = zs_knob_set(k, &p, cases[i].value);
		if (r != cases[i].r)
			fail_msg("%s=%s: %d, wanted %d", cases[i].key, cases[i].value, r, cases[i].r);
		if (r < 0) {
			/* a refused value leaves the policy as it was */
			assert_memory_equal(&p, &before, sizeof(p));
			continue;
		}
		zs_knob_format(k, &p, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].shown);
	}
	assert_null(zs_knob_find("writeback_max"));
}

/* ---- the configuration files ---------------------------------------------------- */

static char *root_path(const char *root, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", root, rel) > 0);
	return p;
}

static void put(const char *root, const char *rel, const char *text)
{
	char *p = root_path(root, rel), *dir = strdup(p);

	*strrchr(dir, '/') = '\0';
	unit_mkdir_p(dir, 0755);
	unit_write_text(p, text);
	free(dir);
	free(p);
}

static int load(const char *root, const char *only, struct zs_config *cfg,
		struct zs_config_error *e)
{
	struct zs_ctx *ctx;
	int r;

	assert_int_equal(zs_ctx_new(root, &ctx), 0);
	r = zs_config_load(ctx, only, cfg, e);
	zs_ctx_free(ctx);
	return r;
}

static void test_config_none(void **state)
{
	struct zs_config cfg;
	struct zs_config_error e;
	struct zs_maint_policy dflt;

	zs_maint_policy_default(&dflt);
	assert_int_equal(load(*state, NULL, &cfg, &e), 0);
	assert_memory_equal(&cfg.all, &dflt, sizeof(dflt));
	assert_int_equal(cfg.ndev, 0);
	assert_ptr_equal(zs_config_policy(&cfg, "zram0"), &cfg.all);
}

static void test_config_layers(void **state)
{
	const char *root = *state;
	struct zs_config *cfg = malloc(sizeof(*cfg));
	struct zs_config_error e;
	const struct zs_maint_policy *z1;

	assert_non_null(cfg);
	/* the vendor's file is read only without the admin's */
	put(root, "usr/lib/zsctl/zsctl.conf", "[maintain]\nwriteback-max = 8M\ncompact = no\n");
	assert_int_equal(load(root, NULL, cfg, &e), 0);
	assert_int_equal(cfg->all.writeback_max, 8 * MIB);
	assert_false(cfg->all.compact);
	put(root, "etc/zsctl/zsctl.conf",
	    "# the admin's\n[maintain]\nwriteback-max = 16M\n\n[zram1]\nwriteback = no\n");
	/* drop-ins of both directories by name; /etc's wins over a vendor one of its name */
	put(root, "usr/lib/zsctl/zsctl.conf.d/10-vendor.conf", "[maintain]\nrecompress = no\n");
	put(root, "usr/lib/zsctl/zsctl.conf.d/20-same.conf", "[maintain]\nwriteback-min = 1M\n");
	put(root, "etc/zsctl/zsctl.conf.d/20-same.conf", "[maintain]\nwriteback-min = 2M\n");
	/* [maintain] of a later file reaches a device section of an earlier one */
	put(root, "etc/zsctl/zsctl.conf.d/30-late.conf", "[maintain]\nwriteback-daily = 100M\n");
	assert_int_equal(load(root, NULL, cfg, &e), 0);
	assert_int_equal(cfg->all.writeback_max, 16 * MIB);
	assert_true(cfg->all.compact); /* the vendor file's, not read */
	assert_false(cfg->all.recompress);
	assert_int_equal(cfg->all.writeback_min, 2 * MIB);
	assert_int_equal(cfg->all.writeback_daily, 100 * MIB);
	assert_int_equal(cfg->ndev, 1);
	z1 = zs_config_policy(cfg, "zram1");
	assert_false(z1->writeback);
	assert_int_equal(z1->writeback_daily, 100 * MIB);
	assert_int_equal(z1->writeback_max, 16 * MIB);
	assert_true(zs_config_policy(cfg, "zram0")->writeback);
	/* the command line over everything, every device included */
	assert_int_equal(zs_config_override(cfg, zs_knob_find("writeback-max"), "32M"), 0);
	assert_int_equal(cfg->all.writeback_max, 32 * MIB);
	assert_int_equal(zs_config_policy(cfg, "zram1")->writeback_max, 32 * MIB);
	free(cfg);
}

/* Each refusal: the problem, the file (relative to the root), the line, section and key. */
static void test_config_refused(void **state)
{
	static const struct {
		const char *rel, *text;
		enum zs_config_problem problem;
		uint64_t line;
		const char *section, *key;
	} cases[] = {
		{ "etc/zsctl/zsctl.conf", "[maintain]\n\nwriteback-maximum = 1\n",
		  ZS_CONFIG_UNKNOWN_KEY, 3, "maintain", "writeback-maximum" },
		{ "etc/zsctl/zsctl.conf", "[zram2]\nwriteback = yes\nwriteback-max = 300 MB\n",
		  ZS_CONFIG_BAD_VALUE, 3, "zram2", "writeback-max" },
		{ "etc/zsctl/zsctl.conf", "[maintain]\nwriteback-age-max = 200000d\n",
		  ZS_CONFIG_RANGE, 2, "maintain", "writeback-age-max" },
		{ "etc/zsctl/zsctl.conf", "compact = no\n", ZS_CONFIG_NO_SECTION, 1, "", "compact" },
		{ "etc/zsctl/zsctl.conf", "[maintain]\n[zram01]\ncompact = no\n",
		  ZS_CONFIG_UNKNOWN_SECTION, 3, "zram01", "" },
		{ "etc/zsctl/zsctl.conf.d/50-x.conf", "[maintain\ncompact = no\n", ZS_CONFIG_SYNTAX,
		  1, "", "" },
		{ "etc/zsctl/zsctl.conf", "[maintain]\nwriteback-min = 10M\nwriteback-max = 5M\n",
		  ZS_CONFIG_CONFLICT, 2, "maintain", "writeback-min" },
		{ "etc/zsctl/zsctl.conf", "[zram1]\nrecompress-age-min = 5h\n", ZS_CONFIG_CONFLICT,
		  2, "zram1", "recompress-age-min" },
		/* at or above the huge class size (4K pages: 3625): recompress_store() says EINVAL */
		{ "etc/zsctl/zsctl.conf", "[zram1]\ncompact = no\nrecompress-threshold = 4K\n",
		  ZS_CONFIG_BAD_VALUE, 3, "zram1", "recompress-threshold" },
		{ "etc/zsctl/zsctl.conf", "[maintain]\nrecompress-threshold = 3625\n[zram1]\n",
		  ZS_CONFIG_BAD_VALUE, 2, "maintain", "recompress-threshold" },
	};

	for (size_t i = 0; i < UNIT_N(cases); i++) {
		char *root = unit_mkdtemp(), *want;
		struct zs_config *cfg = malloc(sizeof(*cfg));
		struct zs_config_error e;

		assert_non_null(cfg);
		memset(cfg, 0x5a, sizeof(*cfg));
		put(root, cases[i].rel, cases[i].text);
		assert_int_equal(load(root, NULL, cfg, &e), -EINVAL);
		if (e.problem != cases[i].problem || e.line != cases[i].line ||
		    strcmp(e.section, cases[i].section) || strcmp(e.key, cases[i].key))
			fail_msg("case %zu: problem %d line %" PRIu64 " [%s] %s", i, e.problem,
				 e.line, e.section, e.key);
		want = root_path(root, cases[i].rel);
		assert_string_equal(e.file, want);
		/* nothing of a refused configuration is handed out */
		assert_int_equal(cfg->ndev, (size_t)0x5a5a5a5a5a5a5a5aULL);
		free(want);
		free(cfg);
		unit_rm_tree(root);
		free(root);
	}
}

static void test_threshold_limit(void **state)
{
	struct zs_maint_policy p;
	char cause[128] = "";

	(void)state;
	zs_maint_policy_default(&p);
	assert_int_equal(zs_maint_threshold_check(&p, 4096, cause, sizeof(cause)), 0);
	p.recompress_threshold = 3624;
	assert_int_equal(zs_maint_threshold_check(&p, 4096, cause, sizeof(cause)), 0);
	assert_string_equal(cause, "");
	p.recompress_threshold = 3625;
	assert_int_equal(zs_maint_threshold_check(&p, 4096, cause, sizeof(cause)), -ERANGE);
	assert_string_equal(cause, "3625 is at or above zsmalloc's huge class size, 3625 bytes "
				   "with 4K pages: the kernel refuses it");
	/* the longest value still says the limit whole */
	p.recompress_threshold = UINT64_MAX;
	assert_int_equal(zs_maint_threshold_check(&p, 65536, cause, sizeof(cause)), -ERANGE);
	assert_non_null(strstr(cause, "with 64K pages: the kernel refuses it"));
	/* 64K pages have larger classes: what 4K pages refuse is fine there */
	p.recompress_threshold = 4096;
	assert_int_equal(zs_maint_threshold_check(&p, 65536, cause, sizeof(cause)), 0);
	/* a page size zsmalloc has no table for: no limit zsctl could know, the kernel decides */
	assert_int_equal(zs_maint_threshold_check(&p, 1000, cause, sizeof(cause)), 0);
}

static void test_config_only(void **state)
{
	const char *root = *state;
	struct zs_config cfg;
	struct zs_config_error e;
	char *path = root_path(root, "mine.conf");

	/* --config: that file alone, the layered ones not read */
	put(root, "etc/zsctl/zsctl.conf", "[maintain]\ncompact = no\n");
	unit_write_text(path, "[maintain]\nwriteback = no\n");
	assert_int_equal(load(root, path, &cfg, &e), 0);
	assert_false(cfg.all.writeback);
	assert_true(cfg.all.compact);
	free(path);
	path = root_path(root, "missing.conf");
	assert_int_equal(load(root, path, &cfg, &e), -EINVAL);
	assert_int_equal(e.problem, ZS_CONFIG_UNREADABLE);
	assert_int_equal(e.err, -ENOENT);
	assert_string_equal(e.file, path);
	free(path);
}

/* ---- the state file's maintain keys ---------------------------------------------------- */

static void test_state_keys(void **state)
{
	static const char text[] =
		"# zsctl compact state\nversion 2\nruns 3\nfreed_total 0\n"
		"device zram1 time=5 result=skipped freed=0 rc_time=7 rc_result=kernel-busy "
		"wb_time=9 wb_result=budget-used wb_day=8 wb_day_pages=262144 idle_all=6 x=1\n"
		"end\n";
	struct zs_state *st = malloc(sizeof(*st));
	const struct zs_state_device *d;
	enum zs_maint_result r;
	char *out = NULL;

	(void)state;
	assert_non_null(st);
	assert_int_equal(zs_state_parse(text, st), 0);
	d = zs_state_device_find(st, "zram1");
	assert_non_null(d);
	assert_true(d->maint.has_recompress && d->maint.has_writeback && d->maint.has_idle_all);
	assert_int_equal(d->maint.rc_result, ZS_MAINT_KERNEL_BUSY);
	assert_int_equal(d->maint.wb_result, ZS_MAINT_BUDGET_USED);
	assert_int_equal(d->maint.wb_day_pages, 262144);
	assert_int_equal(d->maint.idle_all, 6);
	/* written back as read, the unknown key kept */
	assert_int_equal(zs_state_format(st, &out), 0);
	assert_string_equal(out, text);
	free(out);
	/* a result word zsctl does not know, or a key twice: garbled */
	assert_int_equal(zs_state_parse("# zsctl compact state\nversion 2\nruns 1\nfreed_total 0\n"
					"device zram1 time=5 result=skipped freed=0 rc_result=maybe\n"
					"end\n",
					st),
			 -EBADMSG);
	assert_int_equal(zs_state_parse("# zsctl compact state\nversion 2\nruns 1\nfreed_total 0\n"
					"device zram1 time=5 result=skipped freed=0 wb_day=1 wb_day=2\n"
					"end\n",
					st),
			 -EBADMSG);
	/* every word parses back to itself */
	for (unsigned int i = 1; i < ZS_MAINT_COUNT_; i++) {
		assert_int_equal(zs_maint_result_parse(zs_maint_result_name(i), &r), 0);
		assert_int_equal(r, i);
	}
	assert_int_equal(zs_maint_result_parse("", &r), -EINVAL);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_age),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_wb_window),
		cmocka_unit_test(test_knobs),
		UNIT_DIR_TEST(test_config_none),
		UNIT_DIR_TEST(test_config_layers),
		UNIT_DIR_TEST(test_config_refused),
		UNIT_DIR_TEST(test_config_only),
		cmocka_unit_test(test_state_keys),
		cmocka_unit_test(test_threshold_limit),
	};

	unit_require_srcdir();
	return cmocka_run_group_tests_name("maintain", tests, NULL, NULL);
}
