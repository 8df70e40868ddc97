// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_size: 4096, 4K, 1.5M, 2GiB (powers of 1024), 64MB (powers of
 * 1000), as util-linux's strtosize(), as --min-gain and set's disksize= and
 * mem_limit= take them. The oracle is exact integer
 * arithmetic: digits[.fraction][unit], the fraction of a unit rounded down
 * to a byte (digits past the twelfth decimal ignored, as documented in
 * lib/parse.c), 2^64-1 the largest. Errors in the order the parser meets
 * them: too many digits is -ERANGE whatever follows.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>

#include "fuzz.h"
#include "known-bugs.h"

typedef unsigned __int128 u128;

/* -1 for a syntax error, 0 with *ret, 1 for out of range */
static int oracle(const char *s, uint64_t *ret)
{
	static const char units[] = "KMGTPEZY";
	u128 whole = 0, frac = 0, div = 1, mult = 1, v;
	int has_frac = 0;

	if (!fuzz_is_digit(*s))
		return -1;
	for (; fuzz_is_digit(*s); s++) {
		whole = whole * 10 + (u128)(*s - '0');
		if (whole > UINT64_MAX)
			return 1; /* the digits alone are too many: nothing else matters */
	}
	if (*s == '.') {
		s++;
		if (!fuzz_is_digit(*s))
			return -1;
		has_frac = 1;
		for (int i = 0; fuzz_is_digit(*s); s++, i++) {
			if (i >= 12)
				continue;
			frac = frac * 10 + (u128)(*s - '0');
			div *= 10;
		}
	}
	if (*s) {
		/* *s is not NUL here, so strchr cannot match the terminator */
		const char *u = strchr(units, toupper((unsigned char)*s));
		u128 base = 1024;

		if (!u)
			return -1;
		s++;
		/* util-linux's strtosize(): XiB and X are 1024^N, XB is 1000^N */
		if (!strcmp(s, "iB") || !strcmp(s, "ib"))
			s += 2;
		else if (!strcmp(s, "B") || !strcmp(s, "b"))
			base = 1000, s++;
		for (long i = 0; i <= u - units; i++)
			mult *= base;
	}
	if (*s)
		return -1;
	if (has_frac && frac && mult == 1)
		return -1;
	/* Z and Y: mult passes 2^64 (and whole * mult 128 bits) */
	if (whole && mult > UINT64_MAX)
		return 1;
	v = whole * mult + frac * mult / div;
	if (v > UINT64_MAX)
		return 1;
	*ret = (uint64_t)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = UINT64_C(0xa5a5a5a5a5a5a5a5), want = 0, back;
	char *s = fuzz_string(data, size), buf[32];
	int r, o;

	if (!s)
		return 0;
	r = zs_parse_size(s, &v);
	o = oracle(s, &want);
	if (r < 0)
		FUZZ_CHECK(v == UINT64_C(0xa5a5a5a5a5a5a5a5));
	if (o < 0) {
		FUZZ_CHECK(r == -EINVAL);
	} else if (o > 0) {
		FUZZ_CHECK(r == -ERANGE);
	} else {
		/* B1: long double rounding of the fraction may land one byte above */
		if (KNOWN_BUG_B1_SIZE_ROUNDING && r == 0 && strchr(s, '.') && v == want + 1)
			want = v;
		if (r != 0 || v != want)
			fprintf(stderr, "'%s': got %d %" PRIu64 ", want %" PRIu64 "\n", s, r, v,
				want);
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(v == want);
		/* a plain byte count reads back as itself */
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		FUZZ_CHECK(zs_parse_size(buf, &back) == 0 && back == v);
	}
	free(s);
	return 0;
}
