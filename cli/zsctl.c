// SPDX-License-Identifier: GPL-2.0-or-later
/* zsctl: global options and the table of verbs. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#if defined(ZSCTL_TOP_PROGRAM)
/* zsctl-top: the top verb alone, with curses (see exec_program()) */
static const struct verb verbs[] = {
	{ "top", verb_top, "a live view of devices and size-class fragmentation" },
};
#elif defined(ZSCTL_DUMP_PROGRAM)
/* zsctl-dump: the dump verb alone, with libarchive (see exec_program()) */
static const struct verb verbs[] = {
	{ "dump", verb_dump, "write what --sysroot reads to a tarball, for a bug report" },
};
#elif defined(ZSCTL_MAINTAIN_PROGRAM)
/* zsctl-maintain: the maintain verb alone, with libeconf and libm (see exec_program()) */
static const struct verb verbs[] = {
	{ "maintain", verb_maintain, "recompress, write back and compact, one owner at a time" },
};
#else
static const struct verb verbs[] = {
	{ "status", verb_status, "show zram devices, their memory and fragmentation" },
	{ "compact", verb_compact, "compact zsmalloc pools where it pays, one owner at a time" },
	{ "top", verb_top_exec, "a live view of devices and size-class fragmentation" },
	{ "get", verb_get, "print a zram device's attributes" },
	{ "set", verb_set, "set zram attributes, validated, in a safe order" },
	{ "add", verb_add, "make a zram device and set it up (size, algorithm, ...)" },
	{ "remove", verb_remove, "remove zram devices, refusing one in use" },
	{ "maintain", verb_maintain_exec, "recompress, write back and compact, one owner at a time" },
	{ "dump", verb_dump_exec, "write what --sysroot reads to a tarball, for a bug report" },
};

/*
 * zsctl top, zsctl dump and zsctl maintain are programs of their own,
 * zsctl-top, zsctl-dump and zsctl-maintain, so that curses and its
 * terminal database, libarchive with its dozen compression and XML
 * libraries, and libeconf (zsctl.conf) with libm (the idle ages) are
 * loaded only by the verb that needs them: every other run of zsctl (a
 * timer's compact, a scrape's status) starts faster (libeconf and libm
 * were 20 of a status run's 208 system calls). Each is looked for beside
 * this program first (a build tree: zsctl-top beside zsctl,
 * zsctl-test-top beside zsctl-test), then where make install puts it.
 */
static int exec_program(struct cli *cli, const char *verb)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	path[0] = '\0';
	if (n > 0) {
		self[n] = '\0';
		snprintf(path, sizeof(path), "%s-%s", self, verb);
	}
	if (!path[0] || access(path, X_OK) < 0)
		snprintf(path, sizeof(path), "%s/zsctl-%s", PKGLIBEXECDIR, verb);
	cli->argv_all[0] = path;
	fflush(stdout);
	execv(path, cli->argv_all);
	cli_error(cli, path, -errno, "cannot run zsctl %s: %s", verb, strerror(errno));
	return cli->status;
}

int verb_top_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc, (void)argv;
	return exec_program(cli, "top");
}

int verb_dump_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc, (void)argv;
	return exec_program(cli, "dump");
}

int verb_maintain_exec(struct cli *cli, int argc, char **argv)
{
	(void)argc, (void)argv;
	return exec_program(cli, "maintain");
}
#endif

/* Optimal string alignment distance, ASCII case ignored, of a (alen) and b. */
static size_t edit_distance(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), d[3][64], *prev2 = d[0], *prev = d[1], *cur = d[2];

	if (alen >= 63 || blen >= 63)
		return SIZE_MAX;
	for (size_t j = 0; j <= blen; j++)
		prev[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[blen];
}

const char *cli_suggest(const char *word, size_t len, const void *table, size_t n, size_t size,
			size_t name_off)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = len / 3 > 0 ? len / 3 : 1, nprefixed = 0;

	if (!len)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)table + i * size + name_off);
		size_t dist;

		if (!name)
			continue;
		if (len >= 2 && !strncasecmp(name, word, len)) {
			prefixed = name;
			nprefixed++;
		}
		dist = edit_distance(word, len, name);
		if (dist <= best_d && (!best || dist < best_d)) {
			best = name;
			best_d = dist;
		}
	}
	if (nprefixed == 1)
		return prefixed;
	return best;
}

#ifdef ZSCTL_TEST_HOOKS
void cli_test_hold(const char *var)
{
	const char *s = getenv(var);
	double secs;

	if (s && zs_parse_seconds(s, &secs) == 0 && secs > 0) {
		struct timespec ts = { .tv_sec = (time_t)secs,
				       .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9) };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}
#else
void cli_test_hold(const char *var)
{
	(void)var;
}
#endif

int cli_bad_value(struct cli *cli, const char *opt, const char *val, int err, const char *accepted)
{
	char shown[48];

	cli_shown(val, shown, sizeof(shown));
	cli_usage_error(cli, "%s: %s: %s value '%s'; expected %s", cli->verb, opt,
			err == -ERANGE ? "out-of-range" : "invalid", shown, accepted);
	return -EINVAL;
}

void cli_bad_option(struct cli *cli, int c, char **argv, const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL, *name, *hint;
	size_t len, n = 0;
	char shown[64];

	if (c != '?' || optopt || !arg || strncmp(arg, "--", 2)) {
		cli_option_error(cli, c, argv);
		return;
	}
	name = arg + 2;
	len = strcspn(name, "=");
	cli_shown(arg, shown, sizeof(shown));
	if (cli->verb && len == 7 && !strncmp(name, "sysroot", 7)) {
		cli_usage_error(cli,
				"%s: --sysroot is a global option: put it before the verb "
				"(zsctl --sysroot DIR %s ...)",
				cli->verb, cli->verb);
		return;
	}
	while (longopts[n].name)
		n++;
	hint = CLI_SUGGEST(name, len, longopts, n, name);
	if (!hint) {
		cli_option_error(cli, c, argv);
		return;
	}
	if (cli->verb)
		cli_usage_error(cli, "%s: unknown option '%s'; did you mean '--%s'?", cli->verb,
				shown, hint);
	else
		cli_usage_error(cli, "unknown option '%s'; did you mean '--%s'?", shown, hint);
}

int cli_gate_path_opt(struct cli *cli, bool lock_file, const char *arg,
		      struct cli_gate_paths *paths)
{
	if (arg[0] != '/' || strlen(arg) >= 4096 || !strrchr(arg, '/')[1]) {
		cli_usage_error(cli, "%s: %s needs an absolute path", cli->verb,
				lock_file ? "--lock-file" : "--state-file");
		return -EINVAL;
	}
	*(lock_file ? &paths->lock_path : &paths->state_path) = arg;
	return 0;
}

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] VERB [options] [DEVICE...]\n"
	       "\n"
	       "Inspect and control zram devices and their zsmalloc pools.\n"
	       "\n"
	       "Verbs:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		printf(" %-10s %s\n", verbs[i].name, verbs[i].summary);
	printf("\n"
	       "Global options:\n"
	       "     --sysroot DIR   read sys/, proc/ and debugfs below DIR (a dump), not /\n"
	       " -h, --help          display this help\n"
	       " -V, --version       display version\n"
	       "\n"
	       "Run 'zsctl VERB --help' for a verb's options.\n"
	       "For more details see zsctl(8).\n");
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

enum {
	OPT_SYSROOT = 0x100,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .status = ZS_EXIT_OK, .argv_all = argv };
	const struct verb *verb;
	int c, r;

	/*
	 * Only what zsctl uses: LC_CTYPE (top's wide characters) and
	 * LC_MESSAGES (strerror). Not LC_ALL: its dozen files cost a status
	 * run a third of its opens, and LC_NUMERIC must stay "C" anyway
	 * (numbers in output are for machines too: never a decimal comma).
	 */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
#ifdef ZSCTL_TEST_HOOKS
	/* ZSCTL_TEST_ECONF=NAME: libeconf dlopen()ed by that name (one that is not there) */
	if (getenv("ZSCTL_TEST_ECONF"))
		zs_config_set_library(getenv("ZSCTL_TEST_ECONF"));
#endif

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SYSROOT:
			cli.sysroot = optarg;
			break;
		case 'h':
			usage();
			return ZS_EXIT_OK;
		case 'V':
			printf("zsctl %s\n", PACKAGE_VERSION);
			return ZS_EXIT_OK;
		case ':':
		default:
			cli_bad_option(&cli, c, argv, longopts);
			return cli.status;
		}
	}
	if (optind >= argc) {
		cli_usage_error(&cli, "no verb given");
		return cli.status;
	}
	verb = find_verb(argv[optind]);
	if (!verb) {
		const char *hint = CLI_SUGGEST(argv[optind], strlen(argv[optind]), verbs,
					       ARRAY_SIZE(verbs), name);
		char shown[48];

		cli_shown(argv[optind], shown, sizeof(shown));
		if (!strcmp(argv[optind], "help"))
			hint = "--help";
		if (hint)
			cli_usage_error(&cli, "unknown verb '%s'; did you mean '%s'?", shown, hint);
		else
			cli_usage_error(&cli, "unknown verb '%s' (zsctl --help lists them)", shown);
		return cli.status;
	}
	r = zs_ctx_new(cli.sysroot, &cli.ctx);
	if (r < 0) {
		cli_error(&cli, cli.sysroot, r, "cannot open the system root: %s", strerror(-r));
		return cli.status;
	}
	cli.verb = verb->name;
	argc -= optind;
	argv += optind;
	optind = 0; /* getopt_long restarts for the verb */
	r = verb->run(&cli, argc, argv);
	cli_flush_errors(&cli);
	zs_ctx_free(cli.ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "zsctl: write error: %s\n", strerror(errno));
		return ZS_EXIT_FAILURE;
	}
	return r;
}
