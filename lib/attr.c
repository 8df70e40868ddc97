// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zram's sysfs attributes: the table (mode, kernels, configuration, safe
 * write order), reading and writing one, and the validation of a line of
 * ATTR=VALUE writes against the table and the running kernel before any of
 * them is written (zsctl get, zsctl set).
 *
 * Sources: Documentation/admin-guide/blockdev/zram.rst and
 * drivers/block/zram/zram_drv.c of the kernels named in the table.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define RO ZS_ATTR_READ
#define WO ZS_ATTR_WRITE
#define RW (ZS_ATTR_READ | ZS_ATTR_WRITE)

#define WRITEBACK "CONFIG_ZRAM_WRITEBACK"
#define MULTI_COMP "CONFIG_ZRAM_MULTI_COMP"

/*
 * In the order get lists them. order: the safe order of writes on one
 * line. The device's backing device and algorithms come first (they can
 * only be set before initialisation), disksize initialises it, the limits
 * and the actions on stored pages come after.
 */
static const struct zs_attr table[] = {
	{ "disksize", RW, ZS_ATTR_KIND_U64, "3.14", NULL, NULL,
	  ZS_ATTR_NEEDS_UNINIT | ZS_ATTR_LOCKS_DEVICE, 60,
	  "more than 0, " ZS_SIZE_ACCEPTED,
	  "the most uncompressed data the device holds; setting it initialises the device" },
	{ "initstate", RO, ZS_ATTR_KIND_BOOL, "3.14", NULL, NULL, 0, 0, NULL,
	  "1 once disksize is set, until reset" },
	{ "comp_algorithm", RW, ZS_ATTR_KIND_ALGORITHMS, "3.15", NULL, NULL,
	  ZS_ATTR_NEEDS_UNINIT | ZS_ATTR_LOCKS_DEVICE, 20, "one of the algorithms the attribute lists",
	  "the compression algorithm; reading lists the choices, the active one in brackets" },
	{ "max_comp_streams", RW, ZS_ATTR_KIND_U64, "3.15", "6.14", NULL, 0, 50,
	  "a number of streams, 1 or more (ignored since Linux 4.7)",
	  "compression streams; zram has used one per CPU since 4.7" },
	{ "backing_dev", RW, ZS_ATTR_KIND_STRING, "4.14", NULL, WRITEBACK,
	  ZS_ATTR_NEEDS_UNINIT | ZS_ATTR_LOCKS_DEVICE, 10,
	  "the absolute path of a block device (/dev/sdb2)",
	  "the block device idle or incompressible pages are written back to" },
	{ "writeback_limit_enable", RW, ZS_ATTR_KIND_BOOL, "5.1", NULL, WRITEBACK, 0, 80, "0 or 1",
	  "1 when writeback_limit applies" },
	{ "writeback_limit", RW, ZS_ATTR_KIND_U64, "4.20", NULL, WRITEBACK, 0, 90,
	  "a number of 4K pages, or " ZS_SIZE_ACCEPTED " (with a unit)",
	  "how much writeback may still write, in 4K pages" },
	/* "zram: introduce writeback bio batching" (6.19): a u32, 0 refused */
	{ "writeback_batch_size", RW, ZS_ATTR_KIND_U64, "6.19", NULL, WRITEBACK, 0, 95,
	  "a number of pages, 1 to 4294967295", "how many pages writeback has in flight at once" },
	/*
	 * 7.0: write pages back as they are stored, compressed. Android's
	 * kernels carried it first as writeback_compressed: a device has one
	 * of the two, and get shows which.
	 */
	{ "compressed_writeback", RW, ZS_ATTR_KIND_BOOL, "7.0", NULL, WRITEBACK,
	  ZS_ATTR_NEEDS_UNINIT, 12, "0 or 1",
	  "1: writeback writes pages compressed, as they are stored" },
	{ "writeback_compressed", RW, ZS_ATTR_KIND_BOOL, NULL, NULL, WRITEBACK,
	  ZS_ATTR_NEEDS_UNINIT, 13, "0 or 1", "compressed_writeback as Android kernels spell it" },
	{ "recomp_algorithm", RW, ZS_ATTR_KIND_TEXT, "6.2", NULL, MULTI_COMP,
	  ZS_ATTR_NEEDS_UNINIT | ZS_ATTR_LOCKS_DEVICE, 30, "algo=NAME[,priority=1..3]",
	  "the secondary algorithms used by recompress" },
	{ "algorithm_params", WO, ZS_ATTR_KIND_ACTION, "6.12", NULL, NULL, ZS_ATTR_NEEDS_UNINIT, 40,
	  "algo=NAME|priority=N[,level=N][,dict=PATH][,deflate.winbits=N]",
	  "parameters of an algorithm: compression level, dictionary" },
	{ "mem_limit", WO, ZS_ATTR_KIND_ACTION, "3.18", NULL, NULL, ZS_ATTR_LOCKS_DEVICE, 70,
	  "0 for no limit, or " ZS_SIZE_ACCEPTED,
	  "the most memory the device may use" },
	{ "mem_used_max", WO, ZS_ATTR_KIND_ACTION, "3.18", NULL, NULL, 0, 100,
	  "0 (resets the peak to the current use)", "the peak of mem_used_total" },
	{ "idle", WO, ZS_ATTR_KIND_ACTION, "4.20", NULL, NULL, ZS_ATTR_NEEDS_INIT, 110,
	  "all, or an age where the kernel tracks access times, " ZS_DURATION_ACCEPTED,
	  "marks stored pages idle, for writeback and recompress" },
	{ "writeback", WO, ZS_ATTR_KIND_ACTION, "4.20", NULL, WRITEBACK,
	  ZS_ATTR_NEEDS_INIT | ZS_ATTR_NEEDS_BACKING, 120,
	  "idle, huge, huge_idle, incompressible, page_index=N, or (6.16) type=KIND, "
	  "page_indexes=LO-HI",
	  "writes pages of that kind to the backing device" },
	{ "recompress", WO, ZS_ATTR_KIND_ACTION, "6.2", NULL, MULTI_COMP, ZS_ATTR_NEEDS_INIT, 130,
	  "KEY=VALUE,... of type=huge|idle|huge_idle, threshold=BYTES, algo=NAME, "
	  "max_pages=N, priority=N",
	  "recompresses stored pages with a secondary algorithm" },
	{ "compact", WO, ZS_ATTR_KIND_ACTION, "4.1", NULL, NULL, ZS_ATTR_NO_SET, 0, NULL,
	  "compacts the device's zsmalloc pool (zsctl compact)" },
	{ "reset", WO, ZS_ATTR_KIND_ACTION, "3.14", NULL, NULL, ZS_ATTR_NO_SET | ZS_ATTR_LOCKS_DEVICE,
	  0, NULL, "discards the data and settings (zsctl set --reset)" },
	{ "mm_stat", RO, ZS_ATTR_KIND_COLUMNS, "4.1", NULL, NULL, 0, 0, NULL, "memory statistics" },
	{ "io_stat", RO, ZS_ATTR_KIND_COLUMNS, "4.1", NULL, NULL, 0, 0, NULL,
	  "I/O failure statistics" },
	{ "bd_stat", RO, ZS_ATTR_KIND_COLUMNS, "4.20", NULL, WRITEBACK, 0, 0, NULL,
	  "backing device statistics, in 4K pages" },
	{ "debug_stat", RO, ZS_ATTR_KIND_TEXT, "4.7", NULL, NULL, 0, 0, NULL,
	  "debugging statistics; the format may change" },
	/* one value per file before mm_stat and io_stat; removed in 4.11 */
	{ "orig_data_size", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "mm_stat column 1 on old kernels" },
	{ "compr_data_size", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "mm_stat column 2 on old kernels" },
	{ "mem_used_total", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "mm_stat column 3 on old kernels" },
	{ "zero_pages", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "mm_stat column 6 on old kernels" },
	{ "num_migrated", RO, ZS_ATTR_KIND_U64, "4.1", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "mm_stat column 7 on old kernels" },
	{ "num_reads", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "reads (the block layer's stat has them now)" },
	{ "num_writes", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "writes (the block layer's stat has them now)" },
	{ "failed_reads", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "io_stat column 1 on old kernels" },
	{ "failed_writes", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "io_stat column 2 on old kernels" },
	{ "invalid_io", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "io_stat column 3 on old kernels" },
	{ "notify_free", RO, ZS_ATTR_KIND_U64, "3.14", "4.10", NULL, ZS_ATTR_LEGACY, 0, NULL,
	  "io_stat column 4 on old kernels" },
};

const struct zs_attr *zs_attr_table(size_t *n)
{
	*n = ZS_ARRAY_SIZE(table);
	return table;
}

const struct zs_attr *zs_attr_find(const char *name)
{
	for (size_t i = 0; i < ZS_ARRAY_SIZE(table); i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

static void attr_rel(const char *dev, const char *name, char *rel, size_t size)
{
	snprintf(rel, size, "sys/block/%s/%s", dev, name);
}

int zs_attr_exists(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a)
{
	char rel[64], **names = NULL;
	int r;

	if (!zs_devname_valid(dev))
		return -EINVAL;
	/*
	 * The directory's listing, not an open of the file: a write-only
	 * attribute cannot be opened for reading, even by root, and must
	 * not be opened for writing just to look.
	 */
	snprintf(rel, sizeof(rel), "sys/block/%s", dev);
	r = zs_ctx_list_dir(ctx, rel, &names, NULL);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	r = 0;
	for (char **p = names; *p && !r; p++)
		r = !strcmp(*p, a->name);
	zs_strv_free(names);
	return r;
}

int zs_attr_read(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a, char **ret)
{
	struct zs_read_buf rb = { 0 };
	struct zs_dev_files f;
	int r;

	if (!zs_devname_valid(dev))
		return -EINVAL;
	if (!(a->mode & ZS_ATTR_READ))
		return -EOPNOTSUPP;
	zs_ctx_begin(ctx);
	/* the reader's own way into a device: its directory, then the file */
	r = zs_dev_files_open(ctx, &f, dev, &rb);
	if (r >= 0) {
		r = zs_dev_read_attr(ctx, &f, dev, a->name, &rb, ret);
		zs_dev_files_close(&f, &rb);
	}
	free(rb.buf);
	return r;
}

int zs_ctx_write_line(struct zs_ctx *ctx, const char *rel, const char *value)
{
	char buf[ZS_SET_VALUE_MAX + 1];
	size_t len;
	ssize_t n;
	int fd, r = 0;

	len = strlen(value);
	if (len >= ZS_SET_VALUE_MAX)
		return -E2BIG;
	memcpy(buf, value, len);
	buf[len++] = '\n'; /* as echo writes it; every zram store takes it */
	/* O_TRUNC: nothing to sysfs, but a dump's file holds what was written */
	fd = zs_ctx_open(ctx, rel, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return fd;
	/* one write(): a sysfs store sees the whole value or nothing */
	n = write(fd, buf, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	return r < 0 ? zs_ctx_fail(ctx, rel, r) : 0;
}

int zs_attr_write(struct zs_ctx *ctx, const char *dev, const struct zs_attr *a, const char *value)
{
	char rel[128];

	if (!zs_devname_valid(dev))
		return -EINVAL;
	attr_rel(dev, a->name, rel, sizeof(rel));
	return zs_ctx_write_line(ctx, rel, value);
}

/* ---- value parsers: the value as given -> what is written ---------------- */

typedef enum zs_set_problem (*value_parser)(const char *arg, char *out, size_t size);

static enum zs_set_problem put_u64(uint64_t v, char *out, size_t size)
{
	snprintf(out, size, "%" PRIu64, v);
	return ZS_SET_OK;
}

static enum zs_set_problem problem_of(int r)
{
	return r == -ERANGE ? ZS_SET_RANGE : ZS_SET_BAD_VALUE;
}

static enum zs_set_problem parse_disksize(const char *arg, char *out, size_t size)
{
	uint64_t v;
	int r = zs_parse_size(arg, &v);

	if (r < 0)
		return problem_of(r);
	if (!v)
		return ZS_SET_RANGE; /* the kernel refuses 0: reset does that */
	return put_u64(v, out, size);
}

static enum zs_set_problem parse_size(const char *arg, char *out, size_t size)
{
	uint64_t v;
	int r = zs_parse_size(arg, &v);

	return r < 0 ? problem_of(r) : put_u64(v, out, size);
}

/* A count from 1 to max. */
static enum zs_set_problem parse_positive(const char *arg, uint64_t max, char *out, size_t size)
{
	uint64_t v;
	int r = zs_parse_u64(arg, &v);

	if (r < 0)
		return problem_of(r);
	if (v < 1 || v > max)
		return ZS_SET_RANGE;
	return put_u64(v, out, size);
}

static enum zs_set_problem parse_streams(const char *arg, char *out, size_t size)
{
	return parse_positive(arg, INT_MAX, out, size);
}

static enum zs_set_problem parse_bool(const char *arg, char *out, size_t size)
{
	if (strcmp(arg, "0") && strcmp(arg, "1"))
		return ZS_SET_BAD_VALUE;
	snprintf(out, size, "%s", arg);
	return ZS_SET_OK;
}

static enum zs_set_problem parse_zero(const char *arg, char *out, size_t size)
{
	if (strcmp(arg, "0"))
		return ZS_SET_BAD_VALUE;
	snprintf(out, size, "0");
	return ZS_SET_OK;
}

static enum zs_set_problem parse_idle(const char *arg, char *out, size_t size)
{
	uint64_t v;
	int r;

	if (!strcmp(arg, "all")) {
		snprintf(out, size, "all");
		return ZS_SET_OK;
	}
	r = zs_parse_duration(arg, &v);
	if (r < 0)
		return problem_of(r);
	/* 7.3 parses the age as a u32 (kstrtouint); before, a u64 times NSEC_PER_SEC */
	if (v > UINT32_MAX)
		return ZS_SET_RANGE;
	return put_u64(v, out, size);
}

static bool writeback_mode_ok(const char *s)
{
	static const char *const modes[] = { "idle", "huge", "huge_idle", "incompressible" };

	for (size_t i = 0; i < ZS_ARRAY_SIZE(modes); i++)
		if (!strcmp(s, modes[i]))
			return true;
	return false;
}

/* LO-HI, LO <= HI: page_indexes= (6.16) */
static bool page_range_ok(const char *s)
{
	char lo[32];
	const char *dash = strchr(s, '-');
	uint64_t a, b;

	if (!dash || (size_t)(dash - s) >= sizeof(lo))
		return false;
	memcpy(lo, s, (size_t)(dash - s));
	lo[dash - s] = '\0';
	return !zs_parse_u64(lo, &a) && !zs_parse_u64(dash + 1, &b) && a <= b;
}

/*
 * A bare kind, or page_index=N: every kernel with writeback since 5.x (the
 * kernel's PAGE_WB_SIG is "page_index=", never "page="). 6.16 made it
 * key=value: type=KIND, page_index=N, page_indexes=LO-HI, several
 * separated by commas here, by spaces in the kernel, which ignores a key it
 * does not know: refused here instead.
 */
static enum zs_set_problem parse_writeback(const char *arg, char *out, size_t size)
{
	static const struct {
		const char *key;
		bool (*ok)(const char *);
	} keys[] = { { "type", writeback_mode_ok },
		     { "page_index", NULL },
		     { "page_indexes", page_range_ok } };
	char copy[ZS_SET_VALUE_MAX], *save = NULL, *tok;
	size_t used = 0;
	uint64_t v;

	if (writeback_mode_ok(arg)) {
		snprintf(out, size, "%s", arg);
		return ZS_SET_OK;
	}
	snprintf(copy, sizeof(copy), "%s", arg);
	if (!copy[0] || copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return ZS_SET_BAD_VALUE;
	out[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		size_t i;

		if (!eq)
			return ZS_SET_BAD_VALUE;
		*eq = '\0';
		for (i = 0; i < ZS_ARRAY_SIZE(keys); i++)
			if (!strcmp(tok, keys[i].key))
				break;
		if (i == ZS_ARRAY_SIZE(keys))
			return ZS_SET_BAD_VALUE; /* page= among them: the kernel refuses it */
		if (keys[i].ok ? !keys[i].ok(eq + 1) : zs_parse_u64(eq + 1, &v) < 0)
			return ZS_SET_BAD_VALUE;
		used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? " " : "", tok,
					 eq + 1);
		if (used >= size)
			return ZS_SET_TOO_LONG;
	}
	return ZS_SET_OK;
}

/* writeback_batch_size: a u32 (kstrtouint), 0 refused */
static enum zs_set_problem parse_batch_size(const char *arg, char *out, size_t size)
{
	return parse_positive(arg, UINT32_MAX, out, size);
}

static enum zs_set_problem parse_wb_limit(const char *arg, char *out, size_t size)
{
	uint64_t v;
	int r;

	if (!zs_parse_u64(arg, &v))
		return put_u64(v, out, size); /* 4K pages, as the kernel counts */
	r = zs_parse_size(arg, &v);
	if (r < 0)
		return problem_of(r);
	return put_u64(v / 4096, out, size);
}

static bool algo_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= ZS_ALGO_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static enum zs_set_problem parse_algo(const char *arg, char *out, size_t size)
{
	if (!algo_name_ok(arg))
		return ZS_SET_BAD_VALUE;
	snprintf(out, size, "%s", arg);
	return ZS_SET_OK;
}

static bool path_ok(const char *s)
{
	if (s[0] != '/' || strlen(s) >= PATH_MAX)
		return false;
	/* no "..": the kernel resolves it, we would check another file */
	for (const char *p = s; (p = strstr(p, "..")); p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return false;
	return true;
}

static enum zs_set_problem parse_path(const char *arg, char *out, size_t size)
{
	if (!path_ok(arg) || !strcmp(arg, "/"))
		return ZS_SET_BAD_VALUE;
	snprintf(out, size, "%s", arg);
	return ZS_SET_OK;
}

/* ---- KEY=VALUE lists: given with commas, written with spaces ------------- */

enum param_kind {
	P_ALGO,
	P_U64,
	P_INT,
	P_PRIO,	 /* 1..3: a secondary algorithm */
	P_PRIO0, /* 0..3 */
	P_TYPE,	 /* recompress: huge, idle, huge_idle */
	P_PATH,
};

struct param {
	const char *key;
	enum param_kind kind;
};

static const struct param recomp_algorithm_params[] = {
	{ "algo", P_ALGO },
	{ "priority", P_PRIO },
	{ NULL, 0 },
};

static const struct param recompress_params[] = {
	{ "type", P_TYPE },	{ "threshold", P_U64 }, { "algo", P_ALGO },
	{ "max_pages", P_U64 }, { "priority", P_PRIO }, { NULL, 0 },
};

static const struct param algorithm_params_params[] = {
	{ "algo", P_ALGO }, { "priority", P_PRIO0 },	  { "level", P_INT },
	{ "dict", P_PATH }, { "deflate.winbits", P_INT }, { NULL, 0 },
};

static bool parse_int(const char *s, long long lo, long long hi)
{
	bool neg = *s == '-';
	long long v;
	uint64_t u;

	if (neg)
		s++;
	if (zs_parse_u64(s, &u) < 0 || u > (uint64_t)LLONG_MAX)
		return false;
	v = neg ? -(long long)u : (long long)u;
	return v >= lo && v <= hi;
}

static bool param_value_ok(enum param_kind kind, const char *v)
{
	uint64_t u;

	switch (kind) {
	case P_ALGO:
		return algo_name_ok(v);
	case P_U64:
		return !zs_parse_u64(v, &u);
	case P_INT:
		return parse_int(v, INT_MIN, INT_MAX);
	case P_PRIO:
		return parse_int(v, 1, 3);
	case P_PRIO0:
		return parse_int(v, 0, 3);
	case P_TYPE:
		return !strcmp(v, "huge") || !strcmp(v, "idle") || !strcmp(v, "huge_idle");
	case P_PATH:
		return path_ok(v);
	}
	return false;
}

static enum zs_set_problem parse_params(const char *arg, const struct param *params,
					const char *required, char *out, size_t size)
{
	char copy[ZS_SET_VALUE_MAX], *save = NULL, *tok;
	unsigned int seen = 0;
	size_t used = 0;

	snprintf(copy, sizeof(copy), "%s", arg);
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return ZS_SET_BAD_PARAM;
	out[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		unsigned int i;

		if (!eq || eq == tok || !eq[1])
			return ZS_SET_BAD_PARAM;
		*eq = '\0';
		for (i = 0; params[i].key; i++)
			if (!strcmp(params[i].key, tok))
				break;
		if (!params[i].key || (seen & (1u << i)))
			return ZS_SET_BAD_PARAM; /* unknown or repeated */
		seen |= 1u << i;
		if (!param_value_ok(params[i].kind, eq + 1))
			return ZS_SET_BAD_VALUE;
		used += (size_t)snprintf(out + used, size - used, "%s%s=%s", used ? " " : "", tok,
					 eq + 1);
		if (used >= size)
			return ZS_SET_TOO_LONG;
	}
	if (required) {
		unsigned int i;

		for (i = 0; params[i].key; i++)
			if (!strcmp(params[i].key, required))
				break;
		if (!(seen & (1u << i)))
			return ZS_SET_BAD_PARAM;
	}
	return ZS_SET_OK;
}

static enum zs_set_problem parse_recomp_algorithm(const char *arg, char *out, size_t size)
{
	return parse_params(arg, recomp_algorithm_params, "algo", out, size);
}

static enum zs_set_problem parse_recompress(const char *arg, char *out, size_t size)
{
	return parse_params(arg, recompress_params, NULL, out, size);
}

static enum zs_set_problem parse_algorithm_params(const char *arg, char *out, size_t size)
{
	enum zs_set_problem p = parse_params(arg, algorithm_params_params, NULL, out, size);

	/* the kernel needs algo= or priority= to know whose parameters these are */
	if (p == ZS_SET_OK && strncmp(out, "algo=", 5) && !strstr(out, " algo=") &&
	    strncmp(out, "priority=", 9) && !strstr(out, " priority="))
		return ZS_SET_BAD_PARAM;
	return p;
}

static const struct {
	const char *name;
	value_parser parse;
} parsers[] = {
	{ "disksize", parse_disksize },
	{ "comp_algorithm", parse_algo },
	{ "max_comp_streams", parse_streams },
	{ "backing_dev", parse_path },
	{ "writeback_limit_enable", parse_bool },
	{ "writeback_limit", parse_wb_limit },
	{ "writeback_batch_size", parse_batch_size },
	{ "compressed_writeback", parse_bool },
	{ "writeback_compressed", parse_bool },
	{ "recomp_algorithm", parse_recomp_algorithm },
	{ "algorithm_params", parse_algorithm_params },
	{ "mem_limit", parse_size },
	{ "mem_used_max", parse_zero },
	{ "idle", parse_idle },
	{ "writeback", parse_writeback },
	{ "recompress", parse_recompress },
};

static value_parser find_parser(const char *name)
{
	for (size_t i = 0; i < ZS_ARRAY_SIZE(parsers); i++)
		if (!strcmp(parsers[i].name, name))
			return parsers[i].parse;
	return NULL;
}

/* ---- one ATTR=VALUE -------------------------------------------------------- */

/* Printable copy of at most size - 1 bytes, for messages. */
static void printable_copy(char *dst, size_t size, const char *src, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < len && j + 1 < size; i++)
		dst[j++] = ((unsigned char)src[i] >= 0x20 && src[i] != 0x7f) ? src[i] : '?';
	dst[j] = '\0';
}

static bool value_chars_ok(const char *v)
{
	if (v[0] == '-')
		return false; /* an option to the kernel's parser, or to a reader's eye */
	for (; *v; v++)
		if ((unsigned char)*v <= 0x20 || *v == 0x7f)
			return false; /* newline, blank, control character */
	return true;
}

/* ---- zswap's parameters ------------------------------------------------------------ */

#define ZSWAP_PARAMS "sys/module/zswap/parameters"

/*
 * Sources: mm/zswap.c of 6.12 and 7.3 and Documentation/admin-guide/mm/
 * zswap.rst. order: the compressor (and zpool) before enabled, so that
 * zswap switched on starts with them; the limits before enabled too.
 */
static const struct zs_attr zswap_table[] = {
	{ "zpool", RW, ZS_ATTR_KIND_STRING, "3.19", "6.17", "CONFIG_ZSWAP", 0, 10,
	  "zsmalloc (or zbud, z3fold on old kernels)", "zswap's allocator" },
	{ "compressor", RW, ZS_ATTR_KIND_STRING, "3.11", NULL, "CONFIG_ZSWAP", 0, 20,
	  "a compression algorithm of the kernel's crypto API (lzo, lz4, zstd)",
	  "the compressor of new pages; pages stored before keep theirs" },
	{ "max_pool_percent", RW, ZS_ATTR_KIND_U64, "3.11", NULL, "CONFIG_ZSWAP", 0, 30,
	  "a percent of RAM, 0 to 100 (20, 20%)", "the most of RAM zswap's pool may take" },
	{ "accept_threshold_percent", RW, ZS_ATTR_KIND_U64, "6.6", NULL, "CONFIG_ZSWAP", 0, 40,
	  "a percent of the pool limit, 0 to 100",
	  "once the pool is full, zswap takes pages again below this part of the limit" },
	{ "shrinker_enabled", RW, ZS_ATTR_KIND_BOOL, "6.8", NULL, "CONFIG_ZSWAP", 0, 50,
	  "Y or N (1, 0, yes, no)",
	  "whether zswap writes cold pages back to swap under memory pressure" },
	{ "enabled", RW, ZS_ATTR_KIND_BOOL, "3.11", NULL, "CONFIG_ZSWAP", 0, 60,
	  "Y or N (1, 0, yes, no)", "whether zswap takes new pages" },
};

const struct zs_attr *zs_zswap_attr_table(size_t *n)
{
	*n = ZS_ARRAY_SIZE(zswap_table);
	return zswap_table;
}

const struct zs_attr *zs_zswap_attr_find(const char *name)
{
	for (size_t i = 0; i < ZS_ARRAY_SIZE(zswap_table); i++)
		if (!strcmp(zswap_table[i].name, name))
			return &zswap_table[i];
	return NULL;
}

int zs_zswap_attr_read(struct zs_ctx *ctx, const struct zs_attr *a, char **ret)
{
	char rel[128];
	int fd, r;

	zs_ctx_begin(ctx);
	fd = zs_ctx_open(ctx, ZSWAP_PARAMS, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ENOENT ? zs_ctx_fail(ctx, ZSWAP_PARAMS, -ENODEV) : fd;
	close(fd);
	snprintf(rel, sizeof(rel), "%s/%s", ZSWAP_PARAMS, a->name);
	r = zs_ctx_read_file(ctx, rel, ZS_ATTR_MAX, ret);
	return r;
}

/* module_param bools take Y, N, 1, 0 and more (kstrtobool); written as Y or N. */
static enum zs_set_problem parse_yn(const char *arg, char *out, size_t size)
{
	static const char *const yes[] = { "Y", "y", "1", "yes", "on", "true" };
	static const char *const no[] = { "N", "n", "0", "no", "off", "false" };

	for (size_t i = 0; i < ZS_ARRAY_SIZE(yes); i++) {
		if (!strcmp(arg, yes[i]) || !strcmp(arg, no[i])) {
			snprintf(out, size, "%s", !strcmp(arg, yes[i]) ? "Y" : "N");
			return ZS_SET_OK;
		}
	}
	return ZS_SET_BAD_VALUE;
}

static enum zs_set_problem parse_percent(const char *arg, char *out, size_t size)
{
	char num[24];
	size_t len = strlen(arg);
	uint64_t v;

	if (len && arg[len - 1] == '%')
		len--;
	if (!len || len >= sizeof(num))
		return ZS_SET_BAD_VALUE;
	memcpy(num, arg, len);
	num[len] = '\0';
	if (zs_parse_u64(num, &v) < 0)
		return ZS_SET_BAD_VALUE;
	if (v > 100)
		return ZS_SET_RANGE;
	return put_u64(v, out, size);
}

static value_parser zswap_parser(const char *name)
{
	if (!strcmp(name, "enabled") || !strcmp(name, "shrinker_enabled"))
		return parse_yn;
	if (!strcmp(name, "max_pool_percent") || !strcmp(name, "accept_threshold_percent"))
		return parse_percent;
	return parse_algo; /* compressor, zpool: a name */
}

/* ---- a cgroup's zswap files (cgroup v2: Documentation/admin-guide/cgroup-v2.rst) --- */

static const struct zs_attr cgroup_table[] = {
	{ "memory.zswap.max", RW, ZS_ATTR_KIND_U64, "5.19", NULL, "CONFIG_ZSWAP", 0, 10,
	  "a size (64M, 1.5G, 1GiB, 64MB) or max",
	  "the most zswap RAM the cgroup's pages may take; 0 keeps them out of zswap" },
	{ "memory.zswap.writeback", RW, ZS_ATTR_KIND_BOOL, "6.8", NULL, "CONFIG_ZSWAP", 0, 20,
	  "1 or 0 (yes, no, on, off)",
	  "whether zswap may write the cgroup's pages back to swap (0: they stay in RAM)" },
};

const struct zs_attr *zs_cgroup_attr_table(size_t *n)
{
	*n = ZS_ARRAY_SIZE(cgroup_table);
	return cgroup_table;
}

static const struct zs_attr *cgroup_attr_find(const char *name)
{
	for (size_t i = 0; i < ZS_ARRAY_SIZE(cgroup_table); i++)
		if (!strcmp(cgroup_table[i].name, name))
			return &cgroup_table[i];
	return NULL;
}

/* page_counter_memparse(): "max" or a size, which the kernel rounds down to pages */
static enum zs_set_problem parse_size_or_max(const char *arg, char *out, size_t size)
{
	if (!strcmp(arg, "max")) {
		snprintf(out, size, "max");
		return ZS_SET_OK;
	}
	return parse_size(arg, out, size);
}

/* memory.zswap.writeback takes 0 or 1 (kstrtoint); the words of zswap's booleans too */
static enum zs_set_problem parse_01(const char *arg, char *out, size_t size)
{
	enum zs_set_problem p = parse_yn(arg, out, size);

	if (p == ZS_SET_OK)
		snprintf(out, size, "%s", out[0] == 'Y' ? "1" : "0");
	return p;
}

static value_parser cgroup_parser(const char *name)
{
	return !strcmp(name, "memory.zswap.max") ? parse_size_or_max : parse_01;
}

enum set_target { SET_ZRAM, SET_ZSWAP, SET_CGROUP };

static int parse_item(const char *arg, enum set_target target, struct zs_set_item *ret);

int zs_set_parse(const char *arg, struct zs_set_item *ret)
{
	return parse_item(arg, SET_ZRAM, ret);
}

int zs_zswap_set_parse(const char *arg, struct zs_set_item *ret)
{
	return parse_item(arg, SET_ZSWAP, ret);
}

int zs_cgroup_set_parse(const char *arg, struct zs_set_item *ret)
{
	return parse_item(arg, SET_CGROUP, ret);
}

static int parse_item(const char *arg, enum set_target target, struct zs_set_item *ret)
{
	struct zs_set_item it = { 0 };
	const char *eq = strchr(arg, '=');
	value_parser parse;
	size_t nlen;

	if (!eq || eq == arg) {
		printable_copy(it.name, sizeof(it.name), arg, eq ? 0 : strlen(arg));
		it.problem = ZS_SET_SYNTAX;
		goto out;
	}
	nlen = (size_t)(eq - arg);
	printable_copy(it.name, sizeof(it.name), arg, nlen);
	printable_copy(it.arg, sizeof(it.arg), eq + 1, strlen(eq + 1));
	for (size_t i = 0; i < nlen; i++) {
		if (!islower((unsigned char)arg[i]) && !isdigit((unsigned char)arg[i]) &&
		    arg[i] != '_' && (arg[i] != '.' || target != SET_CGROUP)) {
			it.problem = ZS_SET_UNKNOWN;
			goto out;
		}
	}
	if (nlen < sizeof(it.name) && !strchr(it.name, '?'))
		it.attr = target == SET_ZSWAP  ? zs_zswap_attr_find(it.name) :
			  target == SET_CGROUP ? cgroup_attr_find(it.name) :
						 zs_attr_find(it.name);
	if (!it.attr) {
		it.problem = ZS_SET_UNKNOWN;
		goto out;
	}
	if (!(it.attr->mode & ZS_ATTR_WRITE)) {
		it.problem = ZS_SET_READ_ONLY;
		goto out;
	}
	if (it.attr->flags & ZS_ATTR_NO_SET) {
		it.problem = ZS_SET_NOT_HERE;
		goto out;
	}
	if (!eq[1]) {
		it.problem = ZS_SET_EMPTY;
		goto out;
	}
	if (!value_chars_ok(eq + 1)) {
		it.problem = ZS_SET_BAD_CHARS;
		goto out;
	}
	if (strlen(eq + 1) >= ZS_SET_VALUE_MAX) {
		it.problem = ZS_SET_TOO_LONG;
		goto out;
	}
	parse = target == SET_ZSWAP  ? zswap_parser(it.attr->name) :
		target == SET_CGROUP ? cgroup_parser(it.attr->name) :
				       find_parser(it.attr->name);
	it.problem = parse ? parse(eq + 1, it.value, sizeof(it.value)) : ZS_SET_NOT_HERE;
out:
	*ret = it;
	return it.problem == ZS_SET_OK ? 0 : -EINVAL;
}

/* ---- a line of them against the device ------------------------------------ */

int zs_blockdev_check(struct zs_ctx *ctx, const char *path)
{
	char rel[PATH_MAX + 32];
	struct stat st;
	int fd;

	if (!path_ok(path))
		return -EINVAL;
	if (!strncmp(path, "/dev/", 5) && path[5] && !strchr(path + 5, '/') &&
	    strcmp(path + 5, ".") && strcmp(path + 5, "..")) {
		/* a kernel block device name: sys/class/block/NAME (a directory) */
		snprintf(rel, sizeof(rel), "sys/class/block/%s", path + 5);
		fd = zs_ctx_open(ctx, rel, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
	}
	/*
	 * Any other path (/dev/disk/by-id/..., /dev/mapper/...) is a node
	 * only the live system has; stat it, never open it. A dump has no
	 * device nodes: there only /dev/NAME can be checked.
	 */
	if (!zs_ctx_is_live(ctx))
		return zs_ctx_fail(ctx, path + 1, -ENOENT);
	if (stat(path, &st) < 0)
		return zs_ctx_fail(ctx, path + 1, -errno);
	return S_ISBLK(st.st_mode) ? 0 : zs_ctx_fail(ctx, path + 1, -ENOTBLK);
}

static bool has_param(const char *written, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = written;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = strcspn(p + klen + 1, " ");

			snprintf(val, size, "%.*s", (int)vlen, p + klen + 1);
			return true;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return false;
}

static bool is_choice(const struct zs_set_plan *plan, const char *algo)
{
	const struct zs_algorithms *a = &plan->before.algorithms;

	if (!plan->before.has_algorithms)
		return true; /* nothing to check against */
	for (unsigned int i = 0; i < a->n; i++)
		if (!strcmp(a->name[i], algo))
			return true;
	return false;
}

static const struct zs_set_item *find_item(const struct zs_set_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->items[i].attr && !strcmp(plan->items[i].attr->name, name))
			return &plan->items[i];
	return NULL;
}

static bool backing_now(const struct zs_device *d)
{
	return d->has_backing_dev && d->backing_dev[0] && strcmp(d->backing_dev, "none");
}

/*
 * writeback's key=value forms (type=, page_indexes=, several keys) came in
 * 6.16; before, writeback_store() takes a bare kind or one page_index=N
 * and says EINVAL to the rest. No file came with them, so the kernel tells
 * it by the attributes that came after them on the same code:
 * writeback_batch_size (6.19) and compressed_writeback (7.0). Without
 * those, the release: 6.16 or later. Not the kernel's own EINVAL, which
 * is also its answer to an uninitialised device or an index past the end,
 * and could not say which. Without a release to read (an old dump), the
 * kernel decides. Android's writeback_compressed proves nothing: its
 * kernels carried it on older code.
 */
static bool writeback_form_too_new(struct zs_ctx *ctx, const struct zs_set_plan *plan,
				   const char *value)
{
	unsigned long major, minor;

	if (writeback_mode_ok(value) || (!strncmp(value, "page_index=", 11) && !strchr(value, ' ')))
		return false;
	if (zs_attr_exists(ctx, plan->dev, zs_attr_find("writeback_batch_size")) > 0 ||
	    zs_attr_exists(ctx, plan->dev, zs_attr_find("compressed_writeback")) > 0)
		return false;
	return zs_ctx_release(ctx, &major, &minor) == 0 &&
	       (major < 6 || (major == 6 && minor < 16));
}

static enum zs_set_problem check_item(struct zs_ctx *ctx, const struct zs_set_plan *plan,
				      const struct zs_set_item *it)
{
	const struct zs_attr *a = it->attr;
	const struct zs_set_item *disksize = find_item(plan, "disksize");
	const struct zs_set_item *backing = find_item(plan, "backing_dev");
	bool init, has_backing;
	char algo[ZS_ALGO_NAME_MAX];
	int r;

	/* the state the device is in when this item is written */
	init = (!plan->reset && plan->before.initialised) ||
	       (disksize && disksize->attr->order < a->order);
	has_backing = (!plan->reset && backing_now(&plan->before)) ||
		      (backing && backing->attr->order < a->order);

	r = zs_attr_exists(ctx, plan->dev, a);
	if (r <= 0)
		return ZS_SET_ABSENT; /* or unreadable directory: the write would fail too */
	/* first what no state would make right: the value against the kernel */
	if (!strcmp(a->name, "comp_algorithm") && !is_choice(plan, it->value))
		return ZS_SET_NOT_A_CHOICE;
	if (has_param(it->value, "algo", algo, sizeof(algo)) && !is_choice(plan, algo))
		return ZS_SET_NOT_A_CHOICE;
	if (!strcmp(a->name, "writeback") && writeback_form_too_new(ctx, plan, it->value))
		return ZS_SET_TOO_NEW;
	if (!strcmp(a->name, "backing_dev")) {
		char self[ZS_DEVNAME_MAX + 8];

		snprintf(self, sizeof(self), "/dev/%s", plan->dev);
		if (!strcmp(it->value, self))
			return ZS_SET_SELF;
		if (zs_blockdev_check(ctx, it->value) < 0)
			return ZS_SET_NO_BLOCKDEV;
	}
	/* then the device's state when the write comes */
	if ((a->flags & ZS_ATTR_NEEDS_UNINIT) && init)
		return ZS_SET_NEEDS_UNINIT;
	if ((a->flags & ZS_ATTR_NEEDS_INIT) && !init)
		return ZS_SET_NEEDS_INIT;
	if ((a->flags & ZS_ATTR_NEEDS_BACKING) && !has_backing)
		return ZS_SET_NEEDS_BACKING;
	return ZS_SET_OK;
}

/*
 * The kernel rounds mem_limit up to pages and fails a write that needs
 * memory once the device uses more (zram_write_page(): -ENOMEM, an I/O
 * error for the writer; as swap, the page stays in RAM).
 */
static enum zs_set_warning check_warning(const struct zs_ctx *ctx, const struct zs_set_plan *plan,
					 const struct zs_set_item *it)
{
	const struct zs_device *d = &plan->before;
	uint64_t limit, page = zs_ctx_page_size(ctx);

	if (strcmp(it->attr->name, "mem_limit") || zs_parse_u64(it->value, &limit) < 0)
		return ZS_SET_WARN_NONE;
	/* 0 is no limit; a reset on the line empties the device first */
	if (!limit || plan->reset || !d->initialised || !zs_stat_has(&d->mm, ZS_MM_MEM_USED_TOTAL))
		return ZS_SET_WARN_NONE;
	if (limit <= UINT64_MAX - (page - 1))
		limit = (limit + page - 1) / page * page;
	return limit < d->mm.val[ZS_MM_MEM_USED_TOTAL] ? ZS_SET_WARN_BELOW_USE : ZS_SET_WARN_NONE;
}

/*
 * Does the kernel have the compressor: /proc/crypto lists the loaded
 * algorithms; one that is not loaded is still there when its module is
 * (lib/modules/RELEASE/kernel/crypto/NAME.ko*), for the kernel loads it on
 * the write. Without proc/crypto (a dump) nothing can be told: yes.
 * choices: the compression algorithms proc/crypto lists.
 */
static bool have_compressor(struct zs_ctx *ctx, const char *name, char *choices, size_t size)
{
	char *text = NULL, *rel = NULL, **mods = NULL, *save = NULL;
	bool found = false;
	char cur[64] = "";

	choices[0] = '\0';
	if (zs_ctx_read_file(ctx, "proc/crypto", 4 * 1024 * 1024, &text) < 0)
		return true;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':'), *v;

		if (!colon)
			continue;
		for (v = colon + 1; *v == ' '; v++)
			;
		if (!strncmp(l, "name ", 5)) {
			snprintf(cur, sizeof(cur), "%s", v);
		} else if (!strncmp(l, "type ", 5) &&
			   (!strcmp(v, "compression") || !strcmp(v, "scomp") || !strcmp(v, "acomp"))) {
			found |= !strcmp(cur, name);
			if (cur[0] && !strstr(choices, cur) && strlen(choices) + strlen(cur) + 2 < size) {
				if (choices[0])
					strcat(choices, " ");
				strcat(choices, cur);
			}
		}
	}
	free(text);
	text = NULL;
	if (!found && zs_ctx_read_file(ctx, "proc/sys/kernel/osrelease", 256, &text) >= 0 &&
	    text[0] && asprintf(&rel, "lib/modules/%.*s/kernel/crypto", (int)strcspn(text, "\n"),
				text) >= 0 &&
	    zs_ctx_list_dir(ctx, rel, &mods, NULL) >= 0) {
		size_t len = strlen(name);

		for (char **m = mods; *m && !found; m++)
			found = !strncmp(*m, name, len) && !strncmp(*m + len, ".ko", 3);
	}
	zs_strv_free(mods);
	free(rel);
	free(text);
	return found;
}

static int zswap_check(struct zs_ctx *ctx, struct zs_set_plan *plan)
{
	char **names = NULL, *cur = NULL;
	bool bad = false;
	int r;

	r = zs_ctx_list_dir(ctx, ZSWAP_PARAMS, &names, NULL);
	if (r < 0)
		return r == -ENOENT ? zs_ctx_fail(ctx, ZSWAP_PARAMS, -ENODEV) : r;
	for (size_t i = 0; i < plan->n; i++) {
		struct zs_set_item *it = &plan->items[i];
		bool here = false;

		if (it->problem != ZS_SET_OK) {
			bad = true;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (plan->items[j].attr == it->attr)
				it->problem = ZS_SET_DUPLICATE;
		for (char **p = names; *p && !here; p++)
			here = !strcmp(*p, it->attr->name);
		if (it->problem == ZS_SET_OK && !here)
			it->problem = ZS_SET_ABSENT;
		if (it->problem == ZS_SET_OK && !strcmp(it->attr->name, "compressor")) {
			if (!have_compressor(ctx, it->value, plan->zswap_choices,
					     sizeof(plan->zswap_choices)))
				it->problem = ZS_SET_NOT_A_CHOICE;
			else if (zs_zswap_attr_read(ctx, it->attr, &cur) >= 0 && cur &&
				 strncmp(cur, it->value, strcspn(cur, "\n")))
				it->warning = ZS_SET_WARN_OLD_COMPRESSOR;
			free(cur);
			cur = NULL;
		}
		bad |= it->problem != ZS_SET_OK;
	}
	zs_strv_free(names);
	return bad ? -EINVAL : 0;
}

static void sort_items(struct zs_set_plan *plan)
{
	/* the safe order: insertion sort, stable for equal orders */
	for (size_t i = 1; i < plan->n; i++) {
		struct zs_set_item tmp = plan->items[i];
		size_t j = i;

		for (; j > 0 && plan->items[j - 1].attr->order > tmp.attr->order; j--)
			plan->items[j] = plan->items[j - 1];
		plan->items[j] = tmp;
	}
}

int zs_set_check(struct zs_ctx *ctx, struct zs_set_plan *plan)
{
	bool bad = false;
	int r;

	if (plan->zswap || plan->cgroup) {
		if (plan->reset || plan->n > ZS_SET_MAX)
			return -EINVAL;
		zs_ctx_begin(ctx);
		r = plan->cgroup ? zs_cgroup_set_check(ctx, plan) : zswap_check(ctx, plan);
		if (r >= 0)
			sort_items(plan);
		return r;
	}
	if (!zs_devname_valid(plan->dev) || plan->n > ZS_SET_MAX)
		return -EINVAL;
	zs_device_clear(&plan->before);
	memset(&plan->before, 0, sizeof(plan->before));
	r = zs_device_read(ctx, plan->dev, &plan->before);
	if (r < 0)
		return r;
	zs_users_clear(&plan->users);
	plan->in_use = false;
	if (plan->reset) {
		r = zs_device_users(ctx, &plan->before, &plan->users);
		if (r < 0)
			return r;
		plan->in_use = zs_users_any(&plan->users);
	}

	for (size_t i = 0; i < plan->n; i++) {
		struct zs_set_item *it = &plan->items[i];

		if (it->problem != ZS_SET_OK) {
			bad = true;
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (plan->items[j].attr == it->attr) {
				it->problem = ZS_SET_DUPLICATE;
				break;
			}
		}
		if (it->problem == ZS_SET_OK)
			it->problem = check_item(ctx, plan, it);
		if (it->problem != ZS_SET_OK)
			bad = true;
		else
			it->warning = check_warning(ctx, plan, it);
	}
	if (bad)
		return -EINVAL;
	if (plan->reset && plan->in_use)
		return -EBUSY;

	sort_items(plan);
	if (plan->reset) {
		memmove(&plan->items[1], &plan->items[0], plan->n * sizeof(plan->items[0]));
		memset(&plan->items[0], 0, sizeof(plan->items[0]));
		plan->items[0].attr = zs_attr_find("reset");
		snprintf(plan->items[0].name, sizeof(plan->items[0].name), "reset");
		snprintf(plan->items[0].arg, sizeof(plan->items[0].arg), "1");
		snprintf(plan->items[0].value, sizeof(plan->items[0].value), "1");
		plan->n++;
	}
	return 0;
}

int zs_set_apply(struct zs_ctx *ctx, struct zs_set_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct zs_set_item *it = &plan->items[i];
		int r;

		if (it->problem != ZS_SET_OK || !it->attr)
			return -EINVAL;
		if (plan->zswap || plan->cgroup) {
			char rel[sizeof(plan->cgroup_dir) + 64];

			snprintf(rel, sizeof(rel), "%s/%s",
				 plan->cgroup ? plan->cgroup_dir : ZSWAP_PARAMS, it->attr->name);
			r = zs_ctx_write_line(ctx, rel, it->value);
		} else if (!strcmp(it->attr->name, "reset"))
			r = zs_device_reset(ctx, plan->dev, &plan->reset_wait);
		else
			r = zs_attr_write(ctx, plan->dev, it->attr, it->value);
		if (r == -EBUSY && !strcmp(it->attr->name, "reset")) {
			/* a user came since the check, or it was open all along */
			zs_users_clear(&plan->users);
			if (zs_device_users(ctx, &plan->before, &plan->users) >= 0)
				plan->in_use = zs_users_any(&plan->users);
		}
		if (r < 0) {
			it->err = r;
			return r;
		}
		it->written = true;
	}
	return 0;
}

void zs_set_plan_clear(struct zs_set_plan *plan)
{
	zs_device_clear(&plan->before);
	zs_users_clear(&plan->users);
}
