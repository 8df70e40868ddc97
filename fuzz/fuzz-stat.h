/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The body of the mm_stat, io_stat and bd_stat targets: define
 * STAT_PARSE (the parser), STAT_MIN_COLS and STAT_KNOWN, then include this.
 * zs_parse_u64_columns is the oracle for the values.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zs_stat st, ref;
	uint64_t vals[ZS_STAT_MAX];
	unsigned int n;
	char *s = fuzz_string(data, size);
	int r, rc;

	if (!s)
		return 0;
	memset(&st, FUZZ_PATTERN, sizeof(st));
	r = STAT_PARSE(s, &st);
	rc = zs_parse_u64_columns(s, vals, ZS_STAT_MAX, &n);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE);
		FUZZ_CHECK(fuzz_untouched(&st, sizeof(st)));
		/* refused: the line does not parse, or has too few or too many columns */
		FUZZ_CHECK(rc < 0 || n < STAT_MIN_COLS);
		if (rc == -ERANGE)
			FUZZ_CHECK(r == -ERANGE);
	} else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(st.ncols == n);
		FUZZ_CHECK(st.ncols >= STAT_MIN_COLS && st.ncols <= ZS_STAT_MAX);
		FUZZ_CHECK(!st.legacy);
		memset(&ref, 0, sizeof(ref));
		for (unsigned int i = 0; i < n && i < STAT_KNOWN; i++)
			ref.present |= UINT32_C(1) << i;
		FUZZ_CHECK(st.present == ref.present);
		FUZZ_CHECK(!memcmp(st.val, vals, n * sizeof(vals[0])));
		for (unsigned int i = n; i < ZS_STAT_MAX; i++)
			FUZZ_CHECK(st.val[i] == 0);
		for (unsigned int i = 0; i < 32; i++)
			FUZZ_CHECK(zs_stat_has(&st, i) == (i < n && i < STAT_KNOWN));
	}
	free(s);
	return 0;
}
