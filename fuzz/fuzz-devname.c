// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_devname_parse and zs_devname_valid: a device name from the command
 * line becomes a path component only through these. Accepted: zramN or
 * /dev/zramN, N decimal without sign or leading zero, at most 9 digits.
 */
#include "config.h"

#include "fuzz.h"

static int oracle_valid(const char *s)
{
	size_t n;

	if (strncmp(s, "zram", 4))
		return 0;
	s += 4;
	n = strlen(s);
	if (n < 1 || n > 9 || (s[0] == '0' && n > 1))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!fuzz_is_digit(s[i]))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[ZS_DEVNAME_MAX + 16];
	char *s = fuzz_string(data, size);
	const char *bare;
	int r;

	if (!s)
		return 0;
	bare = !strncmp(s, "/dev/", 5) ? s + 5 : s;
	FUZZ_CHECK(zs_devname_valid(s) == oracle_valid(s));
	memset(name, FUZZ_PATTERN, sizeof(name));
	r = zs_devname_parse(s, name);
	if (r < 0) {
		FUZZ_CHECK(r == -EINVAL);
		FUZZ_CHECK(!oracle_valid(bare));
		FUZZ_CHECK(fuzz_untouched(name, sizeof(name)));
	} else {
		FUZZ_CHECK(r == 0);
		FUZZ_CHECK(oracle_valid(bare));
		FUZZ_CHECK(!strcmp(name, bare));
		FUZZ_CHECK(strlen(name) < ZS_DEVNAME_MAX);
		FUZZ_CHECK(fuzz_untouched(name + ZS_DEVNAME_MAX, 16));
		/* safe as one path component */
		FUZZ_CHECK(!strchr(name, '/') && strcmp(name, ".") && strcmp(name, ".."));
	}
	free(s);
	return 0;
}
