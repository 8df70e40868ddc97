// SPDX-License-Identifier: GPL-2.0-or-later
/* Error reporting and value formatting shared by the verbs. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * Messages quote the user's arguments and the files' names: no control
 * byte of theirs reaches the terminal (an escape sequence, a newline that
 * fakes a second message).
 */
static void defang(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

const char *cli_private_file_cause(int err)
{
	switch (-err) {
	case ELOOP:
		return "it is a symlink";
	case EPERM:
		return "unsafe: not owned by root (or you), or in a directory others can write "
		       "without the sticky bit, or of another user";
	default:
		return cli_errno_cause(err);
	}
}

const char *cli_errno_cause(int err)
{
	err = -err;
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

static void emit(struct cli *cli, const char *object_in, const char *file_in, int err,
		 const char *msg_in)
{
	char object[256], file[4200], msg[1024];

	snprintf(object, sizeof(object), "%s", object_in ? object_in : "");
	snprintf(file, sizeof(file), "%s", file_in ? file_in : "");
	snprintf(msg, sizeof(msg), "%s", msg_in);
	defang(object);
	defang(file);
	defang(msg);
	if (cli->json) {
		json_t *e = json_object();

		if (!cli->errors)
			cli->errors = json_array();
		if (object_in)
			json_object_set_new(e, "object", json_string(object));
		if (file_in)
			json_object_set_new(e, "file", json_string(file));
		json_object_set_new(e, "error", json_string(msg));
		if (err)
			json_object_set_new(e, "errno", json_integer(-err));
		json_array_append_new(cli->errors, e);
		return;
	}
	if (object_in && file_in)
		fprintf(stderr, "zsctl: %s: %s: %s\n", object, file, msg);
	else if (object_in)
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

void cli_file_error(struct cli *cli, const char *object, const char *rel, int err)
{
	char file[4200];

	if (err == -ENODEV || !rel || !rel[0]) {
		emit(cli, object, NULL, err, cli_errno_cause(err));
	} else {
		snprintf(file, sizeof(file), "/%s", rel);
		emit(cli, object, file, err, cli_errno_cause(err));
	}
	if (cli->status == ZS_EXIT_OK)
		cli->status = ZS_EXIT_FAILURE;
}

void cli_lib_error(struct cli *cli, const char *object, int err)
{
	cli_file_error(cli, object, cli->ctx ? zs_ctx_error_path(cli->ctx) : NULL, err);
}

void cli_warn(struct cli *cli, const char *object_in, const char *fmt, ...)
{
	char msg[512], object_buf[256];
	const char *object = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	defang(msg);
	if (object_in) {
		snprintf(object_buf, sizeof(object_buf), "%s", object_in);
		defang(object_buf);
		object = object_buf;
	}
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
	doc = cli_json_doc();
	cli_json_print(cli, doc);
}

void cli_shown(const char *arg, char *buf, size_t size)
{
	size_t j = 0;
	const char *p = arg;

	/* never echo a hostile argument raw: it may hold terminal escapes */
	for (; *p && j + 4 < size; p++)
		buf[j++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	buf[j] = '\0';
	if (*p)
		strcat(buf, "...");
}

void cli_option_error(struct cli *cli, int c, char **argv)
{
	const char *verb = cli->verb ? cli->verb : "", *sep = cli->verb ? ": " : "";
	char shown[64];

	/*
	 * optopt names a short option even inside a group (-bx); only for
	 * a long one is argv[optind - 1] the word that was wrong.
	 */
	if (optopt > 0x20 && optopt < 0x7f)
		snprintf(shown, sizeof(shown), "-%c", optopt);
	else if (optopt && optopt < 0x100)
		snprintf(shown, sizeof(shown), "-?"); /* an unprintable short option */
	else
		cli_shown(argv[optind - 1], shown, sizeof(shown)); /* a long one */
	if (c == ':')
		cli_usage_error(cli, "%s%soption '%s' needs an argument", verb, sep, shown);
	else
		cli_usage_error(cli, "%s%sunknown option '%s'", verb, sep, shown);
}

int cli_parse_devices(struct cli *cli, int argc, char **argv, char ***names, size_t *n)
{
	char **v = calloc((size_t)argc + 1, sizeof(char *));
	size_t nv = 0;

	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		char name[ZS_DEVNAME_MAX];
		bool seen = false;

		if (zs_devname_parse(argv[i], name) < 0) {
			char shown[64];

			cli_shown(argv[i], shown, sizeof(shown));
			cli_usage_error(cli, "'%s' is not a zram device name (zramN or /dev/zramN)",
					shown);
			zs_strv_free(v);
			return -EINVAL;
		}
		/* zram2 and /dev/zram2 twice are one device: it is shown or compacted once */
		for (size_t k = 0; k < nv && !seen; k++)
			seen = !strcmp(v[k], name);
		if (seen)
			continue;
		v[nv] = strdup(name);
		if (!v[nv++]) {
			zs_strv_free(v);
			return -ENOMEM;
		}
	}
	*names = v;
	*n = nv;
	return 0;
}

void cli_format_size(uint64_t bytes, bool exact, char *buf, size_t size)
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

json_t *cli_json_u64(uint64_t v)
{
	/* jansson's integers are signed: past INT64_MAX, a real keeps the magnitude */
	return v <= INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
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

json_t *cli_json_doc(void)
{
	json_t *doc = json_object();

	json_object_set_new(doc, "version", json_integer(CLI_JSON_VERSION));
	return doc;
}

void cli_json_print(struct cli *cli, json_t *doc)
{
	cli_json_attach_errors(cli, doc);
	json_dumpf(doc, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(doc);
}

void cli_print_wrapped(const char *lead, size_t indent, const char *text)
{
	size_t col = (size_t)printf("%s", lead);
	bool first = true;

	/* break at blanks so that no line of --help passes 79 columns */
	while (*text) {
		size_t word = strcspn(text, " ");

		if (!first) {
			if (col + 1 + word > 79) {
				printf("\n%*s", (int)indent, "");
				col = indent;
			} else {
				putchar(' ');
				col++;
			}
		}
		printf("%.*s", (int)word, text);
		col += word;
		text += word;
		while (*text == ' ')
			text++;
		first = false;
	}
	putchar('\n');
}

/* The names and values set takes of a table: what is writable and not left to a verb. */
void cli_print_settable(const struct zs_attr *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char lead[64];

		if (!(t[i].mode & ZS_ATTR_WRITE) || (t[i].flags & ZS_ATTR_NO_SET))
			continue;
		snprintf(lead, sizeof(lead), " %-23s ", t[i].name);
		cli_print_wrapped(lead, strlen(lead), t[i].value_help);
	}
}
