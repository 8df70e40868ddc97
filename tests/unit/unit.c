// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the cmocka unit tests, see unit.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

void unit_require_srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	if (!top || !*top) {
		/* no plan printed yet: the TAP driver turns this into an ERROR */
		printf("Bail out! TOP_SRCDIR is not set (run through 'make check')\n");
		fflush(stdout);
		exit(99);
	}
}

const char *unit_abi_dir(void)
{
	static char dir[4096];
	const char *top = getenv("TOP_SRCDIR");

	if (!top || !*top)
		fail_msg("TOP_SRCDIR is not set");
	if (snprintf(dir, sizeof(dir), "%s/tests/data/kernel-abi", top) >= (int)sizeof(dir))
		fail_msg("TOP_SRCDIR is too long");
	return dir;
}

char *unit_load(const char *rel, size_t *lenp)
{
	char path[4096 + 256], *buf;
	size_t cap = 4096, len = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", unit_abi_dir(), rel) >= (int)sizeof(path))
		fail_msg("path too long: %s", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	buf = malloc(cap + 1);
	if (!buf)
		fail_msg("out of memory");
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				fail_msg("out of memory");
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f))
		fail_msg("cannot read %s", path);
	fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len)
		fail_msg("%s holds a NUL byte", path);
	if (len == 0)
		fail_msg("%s is empty", path);
	if (lenp)
		*lenp = len;
	return buf;
}

char *unit_strndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		fail_msg("out of memory");
	return d;
}

char *unit_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		fail_msg("out of memory");
	return s;
}

size_t unit_offset_of(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	if (!p)
		fail_msg("'%s' not found in the capture", needle);
	return (size_t)(p - s);
}

char *unit_replace(const char *s, const char *from, const char *to)
{
	size_t off = unit_offset_of(s, from);

	return unit_printf("%.*s%s%s", (int)off, s, to, s + off + strlen(from));
}
