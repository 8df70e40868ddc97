// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_parse_comp_algorithm: "lzo lzo-rle [lz4] zstd" (the active one in
 * brackets). The oracle re-reads the accepted names out of the input.
 */
#include "config.h"

#include "fuzz.h"

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || fuzz_is_digit(c) ||
	       c == '-' || c == '_';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zs_algorithms a;
	char *s = fuzz_string(data, size);
	const char *p;
	int r;

	if (!s)
		return 0;
	memset(&a, FUZZ_PATTERN, sizeof(a));
	r = zs_parse_comp_algorithm(s, &a);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL);
		FUZZ_CHECK(fuzz_untouched(&a, sizeof(a)));
		free(s);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(a.n >= 1 && a.n <= ZS_ALGO_MAX);
	FUZZ_CHECK(a.active >= -1 && a.active < (int)a.n);
	p = s;
	for (unsigned int i = 0; i < a.n; i++) {
		size_t len = strnlen(a.name[i], ZS_ALGO_NAME_MAX);
		int bracket;

		FUZZ_CHECK(len > 0 && len < ZS_ALGO_NAME_MAX);
		for (size_t j = 0; j < len; j++)
			FUZZ_CHECK(name_char_ok(a.name[i][j]));
		/* the same words, in the same order, in the input */
		while (*p == ' ' || *p == '\t')
			p++;
		bracket = *p == '[';
		FUZZ_CHECK(bracket == ((int)i == a.active));
		p += bracket;
		FUZZ_CHECK(!strncmp(p, a.name[i], len));
		p += len;
		if (bracket)
			FUZZ_CHECK(*p++ == ']');
		FUZZ_CHECK(*p == ' ' || *p == '\t' || *p == '\n' || !*p);
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\n')
		p++;
	FUZZ_CHECK(!*p);
	free(s);
	return 0;
}
