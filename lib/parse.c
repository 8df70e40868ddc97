// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Strict parsers for zram's sysfs attributes. A value that is not what the
 * kernel prints is -EINVAL (-ERANGE past 2^64-1), never a silent zero.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "internal.h"

#define ZS_COL_NAME(e, name) name,
static const char *const mm_col_names[ZS_MM_KNOWN] = { ZS_MM_COLUMNS(ZS_COL_NAME) };
static const char *const io_col_names[ZS_IO_KNOWN] = { ZS_IO_COLUMNS(ZS_COL_NAME) };
static const char *const bd_col_names[ZS_BD_KNOWN] = { ZS_BD_COLUMNS(ZS_COL_NAME) };
#undef ZS_COL_NAME

const char *zs_mm_col_name(unsigned int col)
{
	return col < ZS_MM_KNOWN ? mm_col_names[col] : NULL;
}

const char *zs_io_col_name(unsigned int col)
{
	return col < ZS_IO_KNOWN ? io_col_names[col] : NULL;
}

const char *zs_bd_col_name(unsigned int col)
{
	return col < ZS_BD_KNOWN ? bd_col_names[col] : NULL;
}

/* Parse the digits at *p, advancing it; -EINVAL when there are none. */
static int parse_digits(const char **p, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*p = s;
	*ret = v;
	return 0;
}

int zs_parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;
	r = parse_digits(&s, &v);
	if (r < 0)
		return r;
	/* one trailing newline, as sysfs prints it */
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*ret = v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int zs_parse_u64_columns(const char *s, uint64_t *vals, unsigned int max, unsigned int *nret)
{
	uint64_t tmp[ZS_STAT_MAX];
	unsigned int n = 0;
	int r;

	if (!s || max > ZS_STAT_MAX)
		return -EINVAL;
	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s || *s == '\n')
			break;
		if (n == max)
			return -E2BIG;
		r = parse_digits(&s, &tmp[n]);
		if (r < 0)
			return r;
		if (*s && !is_blank(*s) && *s != '\n')
			return -EINVAL; /* "12ab", "1.5", "-3" */
		n++;
	}
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL; /* a second line where one is expected */
	memcpy(vals, tmp, n * sizeof(*vals));
	*nret = n;
	return 0;
}

static int parse_stat(const char *s, unsigned int min_cols, unsigned int known, struct zs_stat *ret)
{
	struct zs_stat st = { 0 };
	int r;

	r = zs_parse_u64_columns(s, st.val, ZS_STAT_MAX, &st.ncols);
	if (r == -E2BIG)
		return -EINVAL; /* more columns than any kernel will ever print */
	if (r < 0)
		return r;
	if (st.ncols < min_cols)
		return -EINVAL;
	for (unsigned int i = 0; i < st.ncols && i < known; i++)
		st.present |= UINT32_C(1) << i;
	*ret = st;
	return 0;
}

int zs_parse_mm_stat(const char *s, struct zs_stat *ret)
{
	/* 4.1 .. 4.18 print 7 columns, huge_pages came in 4.19, huge_pages_since in 5.11 */
	return parse_stat(s, 7, ZS_MM_KNOWN, ret);
}

int zs_parse_io_stat(const char *s, struct zs_stat *ret)
{
	return parse_stat(s, ZS_IO_KNOWN, ZS_IO_KNOWN, ret);
}

int zs_parse_bd_stat(const char *s, struct zs_stat *ret)
{
	return parse_stat(s, ZS_BD_KNOWN, ZS_BD_KNOWN, ret);
}

int zs_parse_debug_stat(const char *s, struct zs_debug_stat *ret)
{
	struct zs_debug_stat ds = { 0 };
	const char *nl;
	uint64_t version, vals[ZS_STAT_MAX];
	unsigned int n;
	int r;

	if (!s || strncmp(s, "version: ", 9))
		return -EINVAL;
	s += 9;
	r = parse_digits(&s, &version);
	if (r < 0)
		return r;
	if (*s != '\n' || version > 1000)
		return -EINVAL;
	s++;
	nl = strchr(s, '\n');
	if (nl && nl[1])
		return -EINVAL;
	r = zs_parse_u64_columns(s, vals, ZS_STAT_MAX, &n);
	if (r == -E2BIG)
		return -EINVAL;
	if (r < 0)
		return r;
	/* version 1 (4.19+): writestall miss_free */
	if (n < 2)
		return -EINVAL;
	ds.version = (unsigned int)version;
	ds.writestall = vals[0];
	ds.miss_free = vals[1];
	*ret = ds;
	return 0;
}

static bool algo_char_ok(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

int zs_parse_comp_algorithm(const char *s, struct zs_algorithms *ret)
{
	struct zs_algorithms a = { .active = -1 };

	if (!s)
		return -EINVAL;
	for (;;) {
		bool bracket = false;
		size_t len = 0;

		while (is_blank(*s))
			s++;
		if (!*s || *s == '\n')
			break;
		if (a.n == ZS_ALGO_MAX)
			return -EINVAL;
		if (*s == '[') {
			if (a.active >= 0)
				return -EINVAL; /* two active algorithms */
			bracket = true;
			s++;
		}
		while (algo_char_ok(s[len]))
			len++;
		if (!len || len >= ZS_ALGO_NAME_MAX)
			return -EINVAL;
		memcpy(a.name[a.n], s, len);
		a.name[a.n][len] = '\0';
		s += len;
		if (bracket) {
			if (*s != ']')
				return -EINVAL;
			s++;
			a.active = (int)a.n;
		}
		if (*s && !is_blank(*s) && *s != '\n')
			return -EINVAL;
		a.n++;
	}
	if (*s == '\n')
		s++;
	if (*s || !a.n)
		return -EINVAL;
	*ret = a;
	return 0;
}

bool zs_devname_valid(const char *name)
{
	const char *d;

	if (!name || strncmp(name, "zram", 4))
		return false;
	d = name + 4;
	if (!isdigit((unsigned char)*d) || (d[0] == '0' && d[1]))
		return false;
	for (size_t i = 0; d[i]; i++)
		if (!isdigit((unsigned char)d[i]) || i >= 9)
			return false;
	return true;
}

int zs_devname_parse(const char *arg, char name[ZS_DEVNAME_MAX])
{
	if (!arg)
		return -EINVAL;
	if (!strncmp(arg, "/dev/", 5))
		arg += 5;
	if (!zs_devname_valid(arg))
		return -EINVAL;
	strcpy(name, arg);
	return 0;
}

/* The number part of a size or a duration: digits with an optional fraction. */
static int parse_decimal(const char **p, uint64_t *whole, uint64_t *frac, uint64_t *frac_div)
{
	const char *s = *p;
	int r;

	r = parse_digits(&s, whole);
	if (r < 0)
		return r;
	*frac = 0;
	*frac_div = 1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		for (; isdigit((unsigned char)*s); s++) {
			if (*frac_div >= UINT64_C(1000000000000))
				continue; /* digits past 10^-12 change nothing */
			*frac = *frac * 10 + (uint64_t)(*s - '0');
			*frac_div *= 10;
		}
	}
	*p = s;
	return 0;
}

/*
 * As util-linux's strtosize() (zramctl -s, fallocate -l): K, M, G, T, P, E,
 * Z, Y (or k, m, g, t, p, e, z, y) alone or followed by "iB" are powers of
 * 1024; followed by "B" they are powers of 1000 (64MB is 64000000 bytes,
 * as zramctl -s 64MB makes it). Z and Y only fit a u64 times zero.
 */
int zs_parse_size(const char *s, uint64_t *ret)
{
	static const char units[] = "KMGTPEZY";
	uint64_t whole, frac, div;
	unsigned __int128 mult = 1, v;
	const char *u;
	int r;

	if (!s)
		return -EINVAL;
	r = parse_decimal(&s, &whole, &frac, &div);
	if (r < 0)
		return r;
	if (*s) {
		unsigned int base = 1024;

		u = strchr(units, toupper((unsigned char)*s));
		if (!u || !*u)
			return -EINVAL;
		s++;
		if (s[0] == 'i' && (s[1] == 'B' || s[1] == 'b') && !s[2])
			s += 2;
		else if ((s[0] == 'B' || s[0] == 'b') && !s[1]) {
			base = 1000;
			s++;
		}
		for (int i = 0; i <= u - units; i++)
			mult *= base;
	}
	if (*s)
		return -EINVAL;
	if (frac && mult == 1)
		return -EINVAL; /* 1.5 bytes */
	/*
	 * frac/div of a unit, rounded down to a byte, in integers: div <=
	 * 10^12 and mult <= 1024^8 = 2^80, so frac * mult < 2^120.
	 */
	if (whole && mult > UINT64_MAX)
		return -ERANGE; /* Z, Y */
	v = (unsigned __int128)whole * mult;
	if (v > UINT64_MAX)
		return -ERANGE;
	v += (unsigned __int128)frac * mult / div;
	if (v > UINT64_MAX)
		return -ERANGE;
	*ret = (uint64_t)v;
	return 0;
}

/* systemd.time(7)'s units of a time span, in seconds (case matters: m and M) */
static const struct {
	const char *name;
	uint32_t secs;
} span_units[] = {
	{ "s", 1 },	       { "sec", 1 },	       { "second", 1 },	   { "seconds", 1 },
	{ "m", 60 },	       { "min", 60 },	       { "minute", 60 },   { "minutes", 60 },
	{ "h", 3600 },	       { "hr", 3600 },	       { "hour", 3600 },   { "hours", 3600 },
	{ "d", 86400 },	       { "day", 86400 },       { "days", 86400 },  { "w", 604800 },
	{ "week", 604800 },    { "weeks", 604800 },    { "M", 2629800 },   { "month", 2629800 },
	{ "months", 2629800 }, { "y", 31557600 },      { "year", 31557600 }, { "years", 31557600 },
};

#define PICO UINT64_C(1000000000000)

/*
 * A systemd time span (systemd.time(7)), in whole seconds: terms of a
 * number (a fraction allowed) and a unit, blanks between them allowed, a
 * number without a unit is seconds: 90, 10min, 1.5h, "1h 30min", 2d.
 * Sub-second units (ms, us) are refused: every caller counts seconds.
 * What is left of a second is dropped.
 */
int zs_parse_duration(const char *s, uint64_t *ret)
{
	unsigned __int128 secs = 0;
	uint64_t pico = 0; /* the fractions so far, below a second */

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		uint64_t whole, frac, div, mult = 1;
		unsigned __int128 part;
		size_t len = 0;
		int r = parse_decimal(&s, &whole, &frac, &div);

		if (r < 0)
			return r;
		while (is_blank(*s))
			s++;
		while (isalpha((unsigned char)s[len]))
			len++;
		if (len) {
			size_t i;

			for (i = 0; i < ZS_ARRAY_SIZE(span_units); i++)
				if (strlen(span_units[i].name) == len &&
				    !memcmp(s, span_units[i].name, len))
					break;
			if (i == ZS_ARRAY_SIZE(span_units))
				return -EINVAL;
			mult = span_units[i].secs;
			s += len;
			while (is_blank(*s))
				s++;
		}
		if (is_blank(s[-1]) && !*s)
			return -EINVAL; /* a blank at the end */
		/* frac/div of mult seconds: div divides 10^12 */
		part = (unsigned __int128)frac * (PICO / div) * mult + pico;
		secs += (unsigned __int128)whole * mult + (uint64_t)(part / PICO);
		pico = (uint64_t)(part % PICO);
		if (secs > UINT64_MAX)
			return -ERANGE;
	}
	*ret = (uint64_t)secs;
	return 0;
}

int zs_parse_seconds(const char *s, double *ret)
{
	uint64_t whole, frac, div;
	int r;

	if (!s)
		return -EINVAL;
	r = parse_decimal(&s, &whole, &frac, &div);
	if (r < 0)
		return r;
	if (*s)
		return -EINVAL;
	if (whole > 86400 || (whole == 86400 && frac))
		return -ERANGE;
	*ret = (double)whole + (double)frac / (double)div;
	return 0;
}

int zs_parse_percent(const char *s, double *ret)
{
	uint64_t whole, frac, div;
	int r;

	if (!s)
		return -EINVAL;
	r = parse_decimal(&s, &whole, &frac, &div);
	if (r < 0)
		return r;
	if (*s == '%')
		s++;
	if (*s)
		return -EINVAL;
	if (whole > 100 || (whole == 100 && frac))
		return -ERANGE;
	*ret = ((double)whole + (double)frac / (double)div) / 100.0;
	return 0;
}

#define ZS_MEMINFO_NAME(e, key) key,
static const char *const meminfo_keys[ZS_MEMINFO_KNOWN] = { ZS_MEMINFO_KEYS(ZS_MEMINFO_NAME) };
#undef ZS_MEMINFO_NAME

const char *zs_meminfo_key_name(enum zs_meminfo_key k)
{
	return (unsigned int)k < ZS_MEMINFO_KNOWN ? meminfo_keys[k] : NULL;
}

int zs_parse_meminfo(const char *s, struct zs_meminfo *ret)
{
	struct zs_meminfo m = { 0 };

	while (s && *s) {
		const char *colon = strchr(s, ':'), *nl = strchr(s, '\n');
		const char *end = nl ? nl : s + strlen(s);

		for (unsigned int k = 0; colon && colon < end && k < ZS_MEMINFO_KNOWN; k++) {
			const char *p = colon + 1;
			uint64_t v;

			if ((size_t)(colon - s) != strlen(meminfo_keys[k]) ||
			    memcmp(s, meminfo_keys[k], (size_t)(colon - s)))
				continue;
			while (is_blank(*p))
				p++;
			if (parse_digits(&p, &v) < 0 || strncmp(p, " kB", 3) || p + 3 != end ||
			    v > UINT64_MAX / 1024)
				return -EINVAL;
			m.val[k] = v * 1024;
			m.present |= UINT32_C(1) << k;
		}
		s = nl ? nl + 1 : end;
	}
	if (!(m.present & (UINT32_C(1) << ZS_MEMINFO_MEM_TOTAL)))
		return -EINVAL; /* every kernel prints it first */
	*ret = m;
	return 0;
}
