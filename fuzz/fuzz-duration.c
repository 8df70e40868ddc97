// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_duration: systemd time spans in whole seconds (--min-interval,
 * set's idle=): 90, 10min, 1.5h, "1h 30min", 2d. The oracle reads terms
 * NUMBER[.FRACTION] [blanks] [UNIT] [blanks], sums them exactly in
 * picoseconds (fraction digits past the twelfth ignored, as lib/parse.c
 * documents) and drops what is left of a second; errors in the order they
 * come: too many digits, or a sum past 2^64-1 seconds, is -ERANGE there.
 */
#include "config.h"

#include <inttypes.h>

#include "fuzz.h"

typedef unsigned __int128 u128;

static int is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

static int is_alpha_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* systemd.time(7), seconds; 0 for a word that is not a unit */
static u128 unit_secs(const char *w, size_t len)
{
	static const char *const names[] = {
		"s",	 "sec",	 "second", "seconds", "m",    "min",   "minute", "minutes",
		"h",	 "hr",	 "hour",   "hours",   "d",    "day",   "days",	 "w",
		"week",	 "weeks", "M",	   "month",   "months", "y",   "year",	 "years",
	};
	static const u128 secs[] = {
		1,	 1,	 1,	   1,	     60,      60,      60,	 60,
		3600,	 3600,	 3600,	   3600,     86400,   86400,   86400,	 604800,
		604800,	 604800, 2629800,  2629800,  2629800, 31557600, 31557600, 31557600,
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(w, names[i], len))
			return secs[i];
	return 0;
}

static int oracle(const char *s, uint64_t *ret)
{
	const u128 pico = 1000000000000u;
	u128 total = 0; /* picoseconds */

	if (!*s)
		return -1;
	while (*s) {
		u128 whole = 0, frac = 0, div = 1, mult = 1;
		size_t len = 0;

		if (!fuzz_is_digit(*s))
			return -1;
		for (; fuzz_is_digit(*s); s++) {
			whole = whole * 10 + (u128)(*s - '0');
			if (whole > UINT64_MAX)
				return 1;
		}
		if (*s == '.') {
			s++;
			if (!fuzz_is_digit(*s))
				return -1;
			for (int i = 0; fuzz_is_digit(*s); s++, i++) {
				if (i >= 12)
					continue;
				frac = frac * 10 + (u128)(*s - '0');
				div *= 10;
			}
		}
		while (is_blank_char(*s))
			s++;
		while (is_alpha_char(s[len]))
			len++;
		if (len) {
			mult = unit_secs(s, len);
			if (!mult)
				return -1;
			s += len;
			while (is_blank_char(*s))
				s++;
		}
		if (!*s && is_blank_char(s[-1]))
			return -1;
		if (whole * mult > UINT64_MAX)
			return 1;
		total += whole * mult * pico + frac * mult * pico / div;
		if (total / pico > UINT64_MAX)
			return 1;
	}
	*ret = (uint64_t)(total / pico);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = UINT64_C(0xa5a5a5a5a5a5a5a5), want = 0;
	char *s = fuzz_string(data, size);
	int r, o;

	if (!s)
		return 0;
	r = zs_parse_duration(s, &v);
	o = oracle(s, &want);
	if (r < 0)
		FUZZ_CHECK(v == UINT64_C(0xa5a5a5a5a5a5a5a5));
	if (r != (o < 0 ? -EINVAL : o > 0 ? -ERANGE : 0) || (!r && v != want))
		fprintf(stderr, "'%s': got %d %" PRIu64 ", oracle %d %" PRIu64 "\n", s, r, v, o,
			want);
	if (o < 0)
		FUZZ_CHECK(r == -EINVAL);
	else if (o > 0)
		FUZZ_CHECK(r == -ERANGE);
	else
		FUZZ_CHECK(r == 0 && v == want);
	free(s);
	return 0;
}
