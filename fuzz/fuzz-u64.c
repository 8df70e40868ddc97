// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_u64 and zs_parse_u64_columns (every sysfs number and stat line),
 * with strtoull as the oracle. The first byte of the input picks the
 * column limit (0..33: past ZS_STAT_MAX must be refused).
 */
#include "config.h"

#include "fuzz.h"

/* The grammar zs_parse_u64 promises: [0-9]+ and at most one '\n' after. */
static int u64_syntax_ok(const char *s)
{
	size_t i = 0;

	while (fuzz_is_digit(s[i]))
		i++;
	if (!i)
		return 0;
	if (s[i] == '\n')
		i++;
	return s[i] == '\0';
}

static void check_u64(const char *s)
{
	uint64_t v = UINT64_C(0xa5a5a5a5a5a5a5a5);
	int r = zs_parse_u64(s, &v);
	unsigned long long want;
	char *end;

	/* the leading digits first: too many of them is -ERANGE whatever follows */
	errno = 0;
	want = fuzz_is_digit(*s) ? strtoull(s, &end, 10) : 0;
	if (fuzz_is_digit(*s) && errno == ERANGE) {
		FUZZ_CHECK(r == -ERANGE);
		FUZZ_CHECK(v == UINT64_C(0xa5a5a5a5a5a5a5a5));
	} else if (!u64_syntax_ok(s)) {
		FUZZ_CHECK(r == -EINVAL);
		FUZZ_CHECK(v == UINT64_C(0xa5a5a5a5a5a5a5a5));
	} else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(v == want);
	}
}

static void check_columns(const char *s, unsigned int max)
{
	uint64_t vals[ZS_STAT_MAX + 8];
	unsigned int n = 0xa5a5a5a5u, words = 0;
	const char *p;
	int r, bad = 0, lines = 0;

	memset(vals, FUZZ_PATTERN, sizeof(vals));
	r = zs_parse_u64_columns(s, vals, max, &n);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE || r == -E2BIG);
		FUZZ_CHECK(n == 0xa5a5a5a5u);
		FUZZ_CHECK(fuzz_untouched(vals, sizeof(vals)));
		if (max > ZS_STAT_MAX)
			return;
	} else {
		FUZZ_CHECK(max <= ZS_STAT_MAX);
		FUZZ_CHECK(n <= max);
		FUZZ_CHECK(fuzz_untouched(&vals[n], sizeof(vals) - n * sizeof(vals[0])));
	}

	/* the oracle: blanks, digit words, one optional final newline */
	for (p = s; *p; p++) {
		if (*p == '\n') {
			lines++;
			if (p[1])
				bad = 1;
		} else if (*p != ' ' && *p != '\t' && !fuzz_is_digit(*p)) {
			bad = 1;
		}
	}
	if (bad || lines > 1) {
		FUZZ_CHECK(r < 0);
		return;
	}
	for (p = s; *p;) {
		char *end;
		unsigned long long v;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno == ERANGE) {
			/* the parser stops at the first bad column, overflow or too many */
			FUZZ_CHECK(r == (words < max ? -ERANGE : -E2BIG));
			return;
		}
		if (words < max && r == 0)
			FUZZ_CHECK(vals[words] == v);
		words++;
		p = end;
	}
	if (words > max)
		FUZZ_CHECK(r == -E2BIG);
	else
		FUZZ_CHECK(r == 0 && n == words);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int max;
	char *s;

	if (!size)
		return 0;
	max = data[0] % (ZS_STAT_MAX + 2);
	s = fuzz_string(data + 1, size - 1);
	if (!s)
		return 0;
	check_u64(s);
	check_columns(s, max);
	free(s);
	return 0;
}
