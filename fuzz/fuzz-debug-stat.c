// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_debug_stat: "version: N" then "writestall miss_free". */
#include "config.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zs_debug_stat ds;
	char *s = fuzz_string(data, size);
	int r;

	if (!s)
		return 0;
	memset(&ds, FUZZ_PATTERN, sizeof(ds));
	r = zs_parse_debug_stat(s, &ds);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL || r == -ERANGE);
		FUZZ_CHECK(fuzz_untouched(&ds, sizeof(ds)));
	} else {
		const char *p = s + 9, *body;
		uint64_t vals[ZS_STAT_MAX];
		unsigned long version;
		unsigned int n;
		char *end;

		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(!strncmp(s, "version: ", 9));
		FUZZ_CHECK(fuzz_is_digit(*p));
		version = strtoul(p, &end, 10);
		FUZZ_CHECK(*end == '\n');
		FUZZ_CHECK(version <= 1000 && ds.version == version);
		body = end + 1;
		/* the rest is one line of numbers, at least two */
		FUZZ_CHECK(zs_parse_u64_columns(body, vals, ZS_STAT_MAX, &n) == 0);
		FUZZ_CHECK(n >= 2);
		FUZZ_CHECK(ds.writestall == vals[0] && ds.miss_free == vals[1]);
	}
	free(s);
	return 0;
}
