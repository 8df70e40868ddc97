// SPDX-License-Identifier: GPL-2.0-or-later
/* Error reporting and value formatting shared by the verbs. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *errno_cause(int err)
{
	switch (err) {
	case EINVAL:
		return "malformed contents";
	case ERANGE:
		return "value out of range";
	case ENODEV:
		return "no such device";
	case EFBIG:
		return "file too large";
	case EACCES:
	case EPERM:
		return "Permission denied (need root)";
	default:
		return strerror(err);
	}
}

static void emit(struct cli *cli, const char *object, const char *file, int err,
		 const char *msg)
{
	if (cli->json) {
		json_t *e = json_object();

		if (!cli->errors)
			cli->errors = json_array();
		if (object)
			json_object_set_new(e, "object", json_string(object));
		if (file)
			json_object_set_new(e, "file", json_string(file));
		json_object_set_new(e, "error", json_string(msg));
		if (err)
			json_object_set_new(e, "errno", json_integer(err));
		json_array_append_new(cli->errors, e);
		return;
	}
	if (object && file)
		fprintf(stderr, "zsctl: %s: %s: %s\n", object, file, msg);
	else if (object)
		fprintf(stderr, "zsctl: %s: %s\n", object, msg);
	else
		fprintf(stderr, "zsctl: %s\n", msg);
}

void cli_error(struct cli *cli, const char *object, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(cli, object, NULL, err, msg);
	if (cli->status == ZS_EXIT_OK)
		cli->status = ZS_EXIT_FAILURE;
}

void cli_lib_error(struct cli *cli, const char *object, int err)
{
	const char *rel = cli->ctx ? zs_ctx_error_path(cli->ctx) : "";
	char file[4200];

	err = abs(err);
	if (err == ENODEV || !rel[0]) {
		emit(cli, object, NULL, err, errno_cause(err));
	} else {
		snprintf(file, sizeof(file), "/%s", rel);
		emit(cli, object, file, err, errno_cause(err));
	}
	if (cli->status == ZS_EXIT_OK)
		cli->status = ZS_EXIT_FAILURE;
}

void cli_warn(struct cli *cli, const char *object, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli->json) {
		json_t *w = json_object();

		if (!cli->warnings)
			cli->warnings = json_array();
		if (object)
			json_object_set_new(w, "object", json_string(object));
		json_object_set_new(w, "warning", json_string(msg));
		json_array_append_new(cli->warnings, w);
		return;
	}
	if (object)
		fprintf(stderr, "zsctl: %s: warning: %s\n", object, msg);
	else
		fprintf(stderr, "zsctl: warning: %s\n", msg);
}

void cli_scan_json_flag(struct cli *cli, int argc, char **argv, const char *flag_chars)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json") ||
		    (a[0] == '-' && a[1] && a[1] != '-' && strchr(a, 'J') &&
		     strspn(a + 1, flag_chars) == strlen(a + 1)))
			cli->json = true;
	}
}

void cli_rooted_path(const struct cli *cli, const char *path, char *buf, size_t size)
{
	if (zs_ctx_is_live(cli->ctx))
		snprintf(buf, size, "%s", path);
	else
		snprintf(buf, size, "%s%s", zs_ctx_root(cli->ctx), path);
}

void cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(cli, NULL, NULL, 0, msg);
	if (!cli->json)
		fprintf(stderr, "Try 'zsctl %s%s--help' for more information.\n",
			cli->verb ? cli->verb : "", cli->verb ? " " : "");
	cli->status = ZS_EXIT_USAGE;
}

void cli_flush_errors(struct cli *cli)
{
	json_t *doc;

	if (!cli->json || !cli->errors)
		return;
	doc = json_object();
	cli_json_attach_errors(cli, doc);
	json_dumpf(doc, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(doc);
}

int cli_parse_devices(struct cli *cli, int argc, char **argv, char ***names, size_t *n)
{
	char **v = calloc((size_t)argc + 1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		char name[ZS_DEVNAME_MAX];

		if (zs_devname_parse(argv[i], name) < 0) {
			/* never echo a hostile argument raw: it may hold escapes */
			char shown[64];
			size_t j = 0;

			for (const char *p = argv[i]; *p && j < sizeof(shown) - 4; p++)
				shown[j++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
			shown[j] = '\0';
			if (argv[i][j] && strlen(argv[i]) > j)
				strcat(shown, "...");
			cli_usage_error(cli, "'%s' is not a zram device name (zramN or /dev/zramN)",
					shown);
			zs_strv_free(v);
			return -EINVAL;
		}
		v[i] = strdup(name);
		if (!v[i]) {
			zs_strv_free(v);
			return -ENOMEM;
		}
	}
	*names = v;
	*n = (size_t)argc;
	return 0;
}

void format_size(uint64_t bytes, bool exact, char *buf, size_t size)
{
	static const char suffix[] = "BKMGTPE";
	unsigned int exp = 0;
	uint64_t whole, frac, dec;

	if (exact || bytes < 1024) {
		snprintf(buf, size, exact ? "%" PRIu64 : "%" PRIu64 "B", bytes);
		return;
	}
	while (exp < 6 && (bytes >> (10 * (exp + 1))) > 0)
		exp++;
	whole = bytes >> (10 * exp);
	frac = bytes & ((UINT64_C(1) << (10 * exp)) - 1);
	/* one decimal, rounded, like util-linux's size_to_human_string() */
	dec = (frac * 10 + (UINT64_C(1) << (10 * exp - 1))) >> (10 * exp);
	if (dec == 10) {
		whole++;
		dec = 0;
	}
	if (dec)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c", whole, dec, suffix[exp]);
	else
		snprintf(buf, size, "%" PRIu64 "%c", whole, suffix[exp]);
}

void cli_json_attach_errors(struct cli *cli, json_t *doc)
{
	if (cli->errors) {
		json_object_set_new(doc, "errors", cli->errors);
		cli->errors = NULL;
	}
	if (cli->warnings) {
		json_object_set_new(doc, "warnings", cli->warnings);
		cli->warnings = NULL;
	}
}
