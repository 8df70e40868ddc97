/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The body of the seconds and percent targets: define PARSE, LIMIT (the
 * largest whole part), SCALE (the result is the number / SCALE) and
 * SUFFIX (an optional trailing character, or 0), then include this.
 * The oracle is strtod over the same digits.
 */
#include <math.h>

#include "fuzz.h"

typedef unsigned __int128 u128;

/* -1 syntax, 1 range, 0 with *ret */
static int oracle(const char *s, double *ret)
{
	const char *start = s;
	u128 whole = 0;
	int frac_nonzero = 0;
	char *copy;

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
		for (int i = 0; fuzz_is_digit(*s); s++, i++)
			if (i < 12 && *s != '0')
				frac_nonzero = 1;
	}
	if (*s && *s == SUFFIX) /* never matches the terminator, also when SUFFIX is 0 */
		s++;
	if (*s)
		return -1;
	if (whole > LIMIT || (whole == LIMIT && frac_nonzero))
		return 1;
	copy = strdup(start);
	if (!copy)
		abort();
	*ret = strtod(copy, NULL) / SCALE;
	free(copy);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double v = -12345.0, want = 0;
	char *s = fuzz_string(data, size);
	int r, o;

	if (!s)
		return 0;
	r = PARSE(s, &v);
	o = oracle(s, &want);
	if (r < 0)
		FUZZ_CHECK(v == -12345.0);
	if (o < 0) {
		FUZZ_CHECK(r == -EINVAL);
	} else if (o > 0) {
		FUZZ_CHECK(r == -ERANGE);
	} else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(v >= 0.0 && v <= (double)LIMIT / SCALE);
		/* digits past 10^-12 are ignored: at most that much off */
		FUZZ_CHECK(fabs(v - want) <= 1e-11 / SCALE + 1e-15 * want);
	}
	free(s);
	return 0;
}
