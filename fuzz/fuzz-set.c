// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_set_parse: one ATTR=VALUE of zsctl set, before anything is written.
 * What it accepts must be safe to write as it stands: a writable attribute
 * of the table that set may write, a value of one line without blanks,
 * control characters or a leading dash, short enough for one write(), and
 * for the attributes whose value is normalised (sizes, numbers) the written
 * value must read back as itself.
 */
#include "config.h"

#include "fuzz.h"

static int value_safe(const char *v)
{
	if (!*v || v[0] == '-')
		return 0;
	for (; *v; v++)
		if ((unsigned char)*v <= 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* A list of KEY=VALUE written with spaces (recompress, recomp_algorithm, algorithm_params). */
static int is_param_list(const char *name)
{
	return !strcmp(name, "recompress") || !strcmp(name, "recomp_algorithm") ||
	       !strcmp(name, "algorithm_params");
}

static void check_printable(const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	FUZZ_CHECK(len < size);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zs_set_item it, again;
	char *s = fuzz_string(data, size), *eq, *line;
	int r;

	if (!s)
		return 0;
	memset(&it, FUZZ_PATTERN, sizeof(it));
	r = zs_set_parse(s, &it);
	FUZZ_CHECK((r == 0) == (it.problem == ZS_SET_OK));
	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(it.problem >= ZS_SET_OK && it.problem <= ZS_SET_IN_USE);
	FUZZ_CHECK(!it.err && !it.written);
	check_printable(it.name, sizeof(it.name));
	check_printable(it.arg, sizeof(it.arg));
	FUZZ_CHECK(strnlen(it.value, sizeof(it.value)) < sizeof(it.value));
	eq = strchr(s, '=');
	if (!eq)
		FUZZ_CHECK(it.problem == ZS_SET_SYNTAX);
	if (r < 0) {
		free(s);
		return 0;
	}

	/* accepted: a writable attribute of the table, named exactly */
	FUZZ_CHECK(eq && it.attr);
	FUZZ_CHECK(zs_attr_find(it.attr->name) == it.attr);
	FUZZ_CHECK(strlen(it.attr->name) == (size_t)(eq - s) &&
		   !strncmp(s, it.attr->name, (size_t)(eq - s)));
	FUZZ_CHECK(!strcmp(it.name, it.attr->name));
	FUZZ_CHECK(it.attr->mode & ZS_ATTR_WRITE);
	FUZZ_CHECK(!(it.attr->flags & ZS_ATTR_NO_SET));
	/* the value as given is shown as given */
	FUZZ_CHECK(!strcmp(it.arg, eq + 1));
	FUZZ_CHECK(value_safe(eq + 1));
	FUZZ_CHECK(strlen(eq + 1) < ZS_SET_VALUE_MAX);
	/* what is written: one line, no option-like or blank-separated surprise */
	FUZZ_CHECK(strlen(it.value) > 0 && strlen(it.value) < ZS_SET_VALUE_MAX);
	FUZZ_CHECK(!strchr(it.value, '\n') && it.value[0] != '-');
	if (is_param_list(it.attr->name)) {
		/* words joined by single spaces, each KEY=VALUE */
		const char *w = it.value;

		FUZZ_CHECK(it.value[0] != ' ' && it.value[strlen(it.value) - 1] != ' ');
		FUZZ_CHECK(!strstr(it.value, "  "));
		for (; w; w = strchr(w, ' ') ? strchr(w, ' ') + 1 : NULL) {
			const char *e = strchr(w, '=');
			const char *sp = strchr(w, ' ');

			FUZZ_CHECK(e && e != w && (!sp || e < sp) && e[1] && e[1] != ' ');
		}
		free(s);
		return 0;
	}
	FUZZ_CHECK(value_safe(it.value));
	if (!strcmp(it.attr->name, "backing_dev"))
		FUZZ_CHECK(it.value[0] == '/' && strcmp(it.value, "/"));

	/* a normalised value is a fixed point: setting it again writes the same */
	if (asprintf(&line, "%s=%s", it.attr->name, it.value) < 0)
		abort();
	memset(&again, 0, sizeof(again));
	FUZZ_CHECK(zs_set_parse(line, &again) == 0);
	FUZZ_CHECK(again.attr == it.attr && !strcmp(again.value, it.value));
	free(line);
	free(s);
	return 0;
}
