// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_duration: 90, 90s, 5m, 1h30m, 2d (--min-interval, set's idle=).
 * The oracle sums NUMBER[smhd] terms in 128 bits (a bare number is
 * seconds and only allowed last), errors in the order they come.
 */
#include "config.h"

#include <inttypes.h>

#include "fuzz.h"

typedef unsigned __int128 u128;

static int oracle(const char *s, uint64_t *ret)
{
	u128 total = 0;

	if (!*s)
		return -1;
	while (*s) {
		u128 v = 0, mult;

		if (!fuzz_is_digit(*s))
			return -1;
		for (; fuzz_is_digit(*s); s++) {
			v = v * 10 + (u128)(*s - '0');
			if (v > UINT64_MAX)
				return 1;
		}
		switch (*s) {
		case '\0':
		case 's':
			mult = 1;
			break;
		case 'm':
			mult = 60;
			break;
		case 'h':
			mult = 3600;
			break;
		case 'd':
			mult = 86400;
			break;
		default:
			return -1;
		}
		if (*s)
			s++;
		total += v * mult;
		if (total > UINT64_MAX)
			return 1;
	}
	*ret = (uint64_t)total;
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
