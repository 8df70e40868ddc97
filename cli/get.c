// SPDX-License-Identifier: GPL-2.0-or-later
/* zsctl get: a zram device's attributes, as "attr value" lines or JSON. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_attr_availability(const struct zs_attr *a, char *buf, size_t size)
{
	int n;

	if (!a->since)
		n = snprintf(buf, size, "Android kernels");
	else if (a->until)
		n = snprintf(buf, size, "Linux %s to %s", a->since, a->until);
	else
		n = snprintf(buf, size, "Linux %s and later", a->since);
	if (a->config && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", with %s", a->config);
}

static void usage(void)
{
	size_t n;
	const struct zs_attr *t = zs_attr_table(&n);

	printf("Usage:\n"
	       " zsctl [global options] get [options] [DEVICE] [ATTR...]\n"
	       " zsctl [global options] get [options] zswap [PARAM...]\n"
	       "\n"
	       "Print the attributes of a zram device (every readable one, or the ATTRs),\n"
	       "one \"attr value\" line each; write-only attributes are listed as such.\n"
	       "Without DEVICE, every zram device, each line starting with its name.\n"
	       "\n"
	       "Options:\n"
	       " -w, --wait SECS wait up to SECS (fractions allowed) for zsctl maintain\n"
	       "                 to finish writing back or recompressing a device\n"
	       "                 (Linux 7.x: every read would wait for it)\n"
	       " -J, --json      JSON output\n"
	       " -h, --help      display this help\n"
	       "\n"
	       "DEVICE is zramN or /dev/zramN.\n"
	       "\n"
	       "Attributes (r: readable, w: writable):\n");
	for (size_t i = 0; i < n; i++) {
		char lead[64];

		if (t[i].flags & ZS_ATTR_LEGACY)
			continue;
		snprintf(lead, sizeof(lead), " %-23s %c%c  ", t[i].name,
			 t[i].mode & ZS_ATTR_READ ? 'r' : '-', t[i].mode & ZS_ATTR_WRITE ? 'w' : '-');
		cli_print_wrapped(lead, strlen(lead), t[i].help);
	}
	printf("\nFor more details see zsctl-get(8).\n");
}

/*
 * The value as one field of a line: runs of blanks and newlines become one
 * space, the ends are trimmed, anything unprintable is \xHH.
 */
static void print_value(const char *s)
{
	bool space = false, any = false;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n') {
			space = any;
			continue;
		}
		if (space)
			putchar(' ');
		space = false;
		any = true;
		if (c < 0x20 || c == 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static char *strip_newline(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	return s;
}

static json_t *json_columns(struct zs_ctx *ctx, const struct zs_attr *a, const char *text)
{
	const char *(*name)(unsigned int) = NULL;
	struct zs_stat st;
	json_t *o, *extra = NULL;
	int r;

	if (!strcmp(a->name, "mm_stat")) {
		r = zs_parse_mm_stat(text, &st);
		if (r >= 0)
			zs_mm_stat_vet_gate_column(ctx, &st);
		name = zs_mm_col_name;
	} else if (!strcmp(a->name, "io_stat")) {
		r = zs_parse_io_stat(text, &st);
		name = zs_io_col_name;
	} else {
		r = zs_parse_bd_stat(text, &st);
		name = zs_bd_col_name;
	}
	if (r < 0)
		return NULL;
	o = json_object();
	for (unsigned int i = 0; i < st.ncols; i++) {
		if (zs_stat_has(&st, i)) {
			json_object_set_new(o, name(i), cli_json_u64(st.val[i]));
			continue;
		}
		/* a newer kernel's, or a tenth that may not be compact_gated: by position */
		if (!extra)
			extra = json_array();
		json_array_append_new(extra, cli_json_u64(st.val[i]));
	}
	if (extra)
		json_object_set_new(o, "unknown_columns", extra);
	return o;
}

/*
 * The attribute's text as a JSON value of its kind, with the key and type
 * status -J gives the same value (zsctl(8), JSON OUTPUT): numbers, 0/1 as
 * booleans, comp_algorithm the active one beside comp_algorithms (every
 * choice), debug_stat its fields. A string when it does not parse.
 */
static void json_attr(struct zs_ctx *ctx, json_t *jattrs, const struct zs_attr *a, char *text)
{
	struct zs_debug_stat ds;
	struct zs_algorithms algs;
	json_t *v = NULL;
	uint64_t u;

	switch (a->kind) {
	case ZS_ATTR_KIND_U64:
		if (!zs_parse_u64(text, &u))
			v = cli_json_u64(u);
		break;
	case ZS_ATTR_KIND_BOOL:
		if (!zs_parse_u64(text, &u) && u <= 1)
			v = json_boolean(u);
		break;
	case ZS_ATTR_KIND_ALGORITHMS:
		if (!zs_parse_comp_algorithm(text, &algs)) {
			json_t *c = json_array();

			for (unsigned int i = 0; i < algs.n; i++)
				json_array_append_new(c, json_string(algs.name[i]));
			json_object_set_new(jattrs, "comp_algorithms", c);
			if (algs.active < 0)
				return; /* none bracketed: absent, as in status -J */
			v = json_string(algs.name[algs.active]);
		}
		break;
	case ZS_ATTR_KIND_COLUMNS:
		v = json_columns(ctx, a, text);
		break;
	case ZS_ATTR_KIND_TEXT:
		if (!strcmp(a->name, "debug_stat") && !zs_parse_debug_stat(text, &ds)) {
			v = json_object();
			json_object_set_new(v, "version", json_integer(ds.version));
			json_object_set_new(v, "writestall", cli_json_u64(ds.writestall));
			json_object_set_new(v, "miss_free", cli_json_u64(ds.miss_free));
		}
		break;
	case ZS_ATTR_KIND_STRING:
	case ZS_ATTR_KIND_ACTION:
		break;
	}
	if (!v)
		v = json_string(strip_newline(text));
	/* json_string() refuses invalid UTF-8 */
	json_object_set_new(jattrs, a->name, v ? v : json_null());
}

struct get_opts {
	bool json;
	bool prefix;		      /* every device: each line starts with its name */
	double wait;		      /* --wait SECS for maintain to leave a device (7.x) */
	const struct zs_attr **attrs; /* named ones, or NULL for the whole table */
	size_t nattrs;
};

static void get_device(struct cli *cli, const struct get_opts *o, struct zs_reader *reader,
		       const struct zs_snap_device *sd, json_t *jdevs)
{
	const struct zs_attr *table, **list = o->attrs;
	json_t *jattrs = NULL, *jwo = NULL;
	const char *dev = sd->dev.name;
	size_t n = o->nattrs;

	if (sd->err) {
		cli_file_error(cli, dev, sd->err_path, sd->err);
		return;
	}
	/* left unread by the refresh: on 7.x a read would wait for maintain's step */
	if (sd->busy_unread && cli_check_not_busy(cli, dev, o->wait, false, "read", "not read") < 0)
		return;
	if (!list) {
		table = zs_attr_table(&n);
		list = calloc(n, sizeof(*list));
		if (!list) {
			cli_error(cli, NULL, -ENOMEM, "out of memory");
			return;
		}
		for (size_t i = 0; i < n; i++)
			list[i] = &table[i];
	}
	if (o->json) {
		jattrs = json_object();
		jwo = json_array();
	}
	for (size_t i = 0; i < n; i++) {
		const struct zs_attr *a = list[i];
		char *text = NULL;
		int r;

		r = zs_attr_exists(cli->ctx, dev, a);
		if (r < 0) {
			cli_lib_error(cli, dev, r);
			continue;
		}
		if (!r) {
			char avail[128];

			if (!o->attrs)
				continue; /* another kernel's or configuration's */
			cli_attr_availability(a, avail, sizeof(avail));
			cli_error(cli, dev, -ENOENT, "%s: this kernel has no such attribute (%s)",
				  a->name, avail);
			continue;
		}
		if (!(a->mode & ZS_ATTR_READ)) {
			if (o->json)
				json_array_append_new(jwo, json_string(a->name));
			else
				printf("%s%s%s (write-only)\n", o->prefix ? dev : "",
				       o->prefix ? " " : "", a->name);
			continue;
		}
		r = zs_reader_read_attr(reader, dev, a->name, &text);
		if (r < 0) {
			cli_lib_error(cli, dev, r);
			continue;
		}
		if (o->json) {
			json_attr(cli->ctx, jattrs, a, text);
		} else {
			printf("%s%s%s ", o->prefix ? dev : "", o->prefix ? " " : "", a->name);
			print_value(text);
			putchar('\n');
		}
		free(text);
	}
	if (o->json) {
		json_t *d = json_object();

		json_object_set_new(d, "name", json_string(dev));
		json_object_set_new(d, "attributes", jattrs);
		json_object_set_new(d, "write_only", jwo);
		json_array_append_new(jdevs, d);
	}
	if (list != o->attrs)
		free(list);
}

static bool looks_like_device(const char *arg)
{
	return !strncmp(arg, "zram", 4) || arg[0] == '/';
}

static void shown(const char *arg, char *buf, size_t size)
{
	size_t j = 0;

	for (const char *p = arg; *p && j + 4 < size; p++)
		buf[j++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	buf[j] = '\0';
	if (strlen(arg) > j)
		strcat(buf, "...");
}

/* zsctl get zswap [PARAM...]: zswap's parameters, "param value" lines or JSON. */
static int get_zswap(struct cli *cli, bool json, char **args, int nargs)
{
	const struct zs_attr *table;
	json_t *doc = NULL, *jz = NULL;
	size_t n;

	table = zs_zswap_attr_table(&n);
	if (json) {
		doc = cli_json_doc();
		jz = json_object();
	}
	for (int k = 0; k < (nargs ? nargs : (int)n); k++) {
		const struct zs_attr *a = nargs ? zs_zswap_attr_find(args[k]) : &table[k];
		char *text = NULL, buf[64], avail[128];
		int r;

		if (!a) {
			shown(args[k], buf, sizeof(buf));
			cli_usage_error(cli, "get: '%s' is not a zswap parameter (zsctl get --help lists them)",
					buf);
			break;
		}
		r = zs_zswap_attr_read(cli->ctx, a, &text);
		if (r == -ENODEV) {
			cli_error(cli, "zswap", r, "this kernel has no zswap (no /sys/module/zswap: CONFIG_ZSWAP)");
			break;
		}
		if (r == -ENOENT && !nargs)
			continue; /* another kernel's */
		if (r == -ENOENT) {
			cli_attr_availability(a, avail, sizeof(avail));
			cli_error(cli, "zswap", -ENOENT, "%s: this kernel has no such parameter (%s)",
				  a->name, avail);
			continue;
		}
		if (r < 0) {
			cli_lib_error(cli, "zswap", r);
			continue;
		}
		if (json && a->kind == ZS_ATTR_KIND_BOOL && (text[0] == 'Y' || text[0] == 'N')) {
			json_object_set_new(jz, a->name, json_boolean(text[0] == 'Y'));
		} else if (json) {
			json_attr(cli->ctx, jz, a, text);
		} else {
			printf("%s ", a->name);
			print_value(text);
			putchar('\n');
		}
		free(text);
	}
	if (json) {
		json_object_set_new(doc, "zswap", jz);
		cli_json_print(cli, doc);
	}
	return cli->status;
}

int verb_get(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct get_opts o = { 0 };
	struct zs_reader_opts ro = { 0 };
	const struct zs_snapshot *s;
	struct zs_reader *reader = NULL;
	struct zs_gate *gate = NULL;
	char **names = NULL;
	size_t nnames = 0;
	json_t *doc = NULL, *jdevs = NULL;
	int c, r;

	cli_scan_json_flag(cli, argc, argv, "J");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":Jw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o.json = true;
			break;
		case 'w':
			r = zs_parse_seconds(optarg, &o.wait);
			if (r < 0) {
				cli_bad_value(cli, "--wait", optarg, r, ZS_SECONDS_ACCEPTED);
				return cli->status;
			}
			break;
		case 'h':
			usage();
			return ZS_EXIT_OK;
		case ':':
		default:
			cli_bad_option(cli, c, argv, longopts);
			return cli->status;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "zswap"))
		return get_zswap(cli, o.json, argv + optind + 1, argc - optind - 1);
	if (optind < argc && looks_like_device(argv[optind])) {
		r = cli_parse_devices(cli, 1, argv + optind, &names, &nnames);
		if (r < 0) {
			if (r == -ENOMEM)
				cli_error(cli, NULL, -ENOMEM, "out of memory");
			return cli->status;
		}
		optind++;
	} else {
		o.prefix = true;
	}
	if (optind < argc) {
		o.nattrs = (size_t)(argc - optind);
		o.attrs = calloc(o.nattrs, sizeof(*o.attrs));
		if (!o.attrs) {
			cli_error(cli, NULL, -ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < o.nattrs; i++) {
			o.attrs[i] = zs_attr_find(argv[optind + (int)i]);
			if (!o.attrs[i]) {
				char buf[64];

				shown(argv[optind + (int)i], buf, sizeof(buf));
				cli_usage_error(cli,
						"get: '%s' is not a zram attribute "
						"(zsctl get --help lists them)",
						buf);
				goto out;
			}
		}
	}
	/* the devices (and whether they exist): the reader, reading no attribute yet */
	ro.devices = o.prefix ? NULL : names;
	ro.ndevices = nnames;
	/* whose writeback or recompression would hold a read (the default gate's) */
	r = zs_gate_new(cli->ctx, NULL, NULL, &gate);
	ro.gate = gate;
	if (r >= 0)
		r = zs_reader_new(cli->ctx, &ro, &reader);
	if (r >= 0)
		r = zs_reader_refresh(reader, &s);
	if (r < 0) {
		cli_lib_error(cli, "zram", r);
		goto out;
	}
	if (o.json) {
		doc = cli_json_doc();
		jdevs = json_array();
	}
	for (size_t i = 0; i < s->ndevs; i++)
		get_device(cli, &o, reader, &s->devs[i], jdevs);
	if (o.json) {
		json_object_set_new(doc, "devices", jdevs);
		cli_json_print(cli, doc);
	}
out:
	zs_reader_free(reader);
	zs_gate_free(gate);
	free(o.attrs);
	zs_strv_free(names);
	return cli->status;
}
