// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl dump: what zsctl --sysroot reads of this machine, as a gzip'd tar
 * for a bug report, with a zsctl-dump.txt that says which zsctl and kernel
 * made it. libzsctl collects the files (lib/dump.c: what a reader read);
 * this writes them with libarchive, to a temporary file beside FILE that
 * is renamed over it only when whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cli.h"

#define META_NAME "zsctl-dump.txt"
#define CONFIG_MAX (8 * 1024 * 1024)

struct dump_opts {
	const char *file; /* NULL: standard output */
	bool force;
	bool quiet;
};

static void usage(void)
{
	printf("Usage:\n"
	       " zsctl [global options] dump [options] [FILE]\n"
	       "\n"
	       "Write what zsctl --sysroot reads of this machine's zram devices, zsmalloc\n"
	       "pools and zswap to FILE, a gzip-compressed tar archive, for a bug report.\n"
	       "zsctl-dump(8) lists every file it holds. Without FILE, or with '-', it is\n"
	       "written to standard output, which must not be a terminal. Run as root:\n"
	       "zsmalloc's class statistics are readable by root only.\n"
	       "\n"
	       "Options:\n"
	       " -f, --force     replace FILE if it exists\n"
	       " -q, --quiet     print errors and warnings only\n"
	       " -h, --help      display this help\n"
	       "\n"
	       "Read it back: mkdir d && tar -xzf FILE -C d && zsctl --sysroot d status\n"
	       "\n"
	       "Exit status: 0 written, 1 nothing written (no zram device, FILE exists or\n"
	       "cannot be written, a file cannot be read), 2 usage (standard output is a\n"
	       "terminal).\n"
	       "\n"
	       "For more details see zsctl-dump(8).\n");
}

static int parse_args(struct cli *cli, int argc, char **argv, struct dump_opts *o)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->force = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage();
			return 1;
		case ':':
		default:
			cli_option_error(cli, c, argv);
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		cli_usage_error(cli, "dump: one FILE at most");
		return -EINVAL;
	}
	if (optind < argc && strcmp(argv[optind], "-"))
		o->file = argv[optind];
	if (o->file && !o->file[0]) {
		cli_usage_error(cli, "dump: FILE is empty");
		return -EINVAL;
	}
	if (!o->file && isatty(STDOUT_FILENO)) {
		cli_usage_error(cli, "dump: not writing a compressed archive to a terminal; name a "
				     "FILE or redirect standard output");
		return -EINVAL;
	}
	return 0;
}

/* CONFIG_ZSMALLOC_STAT in the root's kernel configuration: "y", "not set" or "unknown". */
static const char *zsmalloc_stat_config(struct cli *cli, const char *release, char *src,
					size_t size)
{
	static const char set[] = "\nCONFIG_ZSMALLOC_STAT=y\n";
	static const char unset[] = "\n# CONFIG_ZSMALLOC_STAT is not set\n";
	const char *answer = "unknown";
	struct archive *a;
	char *text;
	size_t len = 1;
	int fd;

	fd = zs_dump_open_kernel_config(cli->ctx, release, src, size);
	if (fd < 0) {
		snprintf(src, size, "%s", fd == -ENOENT ? "none found" : strerror(-fd));
		return answer;
	}
	a = archive_read_new();
	text = malloc(CONFIG_MAX + 2);
	if (!a || !text)
		goto out;
	/* proc/config.gz is gzip'd, /boot's is text: the raw format takes either */
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	text[0] = '\n';
	if (archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK) {
		struct archive_entry *e;

		if (archive_read_next_header(a, &e) == ARCHIVE_OK) {
			la_ssize_t n;

			while (len < CONFIG_MAX &&
			       (n = archive_read_data(a, text + len, CONFIG_MAX - len)) > 0)
				len += (size_t)n;
			if (n == 0 || len == CONFIG_MAX) {
				text[len++] = '\n';
				text[len] = '\0';
				if (strstr(text, set))
					answer = "y";
				else if (strstr(text, unset))
					answer = "not set";
			}
		}
	}
out:
	if (a)
		archive_read_free(a);
	free(text);
	close(fd);
	return answer;
}

/* zsctl-dump.txt: which zsctl, kernel and machine; malloc'd. */
static char *metadata(struct cli *cli, const struct zs_dump *d)
{
	struct utsname u;
	char date[32], src[256], *text = NULL;
	const char *zstat = zsmalloc_stat_config(cli, d->release, src, sizeof(src));
	bool live = zs_ctx_is_live(cli->ctx);
	size_t size = 0;
	FILE *f;

	zs_format_utc(time(NULL), date, sizeof(date));
	f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	fprintf(f, "# zsctl dump: what zsctl --sysroot reads (zsctl-dump(8)).\n"
		   "# Read it back: mkdir d && tar -xzf FILE -C d && zsctl --sysroot d status\n");
	fprintf(f, "zsctl-version: %s\n", PACKAGE_VERSION);
	fprintf(f, "date: %s\n", date);
	fprintf(f, "source: %s\n", live ? "live" : "sysroot (a dump)");
	fprintf(f, "kernel-release: %s\n", d->release[0] ? d->release : "unknown");
	fprintf(f, "kernel-version: %s\n", d->version[0] ? d->version : "unknown");
	fprintf(f, "machine: %s\n", live && uname(&u) == 0 ? u.machine : "unknown");
	fprintf(f, "page-size: %" PRIu64 "\n", d->page_size);
	fprintf(f, "config-zsmalloc-stat: %s (%s)\n", zstat, src);
	fprintf(f, "devices: %zu\n", d->ndevices);
	fprintf(f, "classes: %s\n",
		d->classes_status == ZS_CLASSES_OK ? "read" :
						     zs_classes_status_str(d->classes_status));
	fprintf(f, "zswap: %s\n",
		!d->has_zswap ? "absent" :
		d->zswap_stats_status == ZS_ZSWAP_STATS_OK ?
				"parameters and debugfs counters read" :
				zs_zswap_stats_status_str(d->zswap_stats_status));
	fprintf(f, "entries: %zu\n", d->nfiles);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int add_entry(struct archive *a, const char *name, const char *text, size_t len, time_t now)
{
	struct archive_entry *e = archive_entry_new();
	int r = ARCHIVE_FATAL;

	if (!e)
		return ARCHIVE_FATAL;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, text ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, text ? 0644 : 0755);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, now, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	if (archive_write_header(a, e) == ARCHIVE_OK &&
	    (len == 0 || archive_write_data(a, text, len) == (la_ssize_t)len))
		r = ARCHIVE_OK;
	archive_entry_free(e);
	return r;
}

/* The archive to fd. 0, or -errno with *why libarchive's words. */
static int write_archive(int fd, const struct zs_dump *d, const char *meta, char *why, size_t size)
{
	struct archive *a = archive_write_new();
	time_t now = time(NULL);
	int r = ARCHIVE_OK, err;

	if (!a)
		return -ENOMEM;
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		r = ARCHIVE_FATAL;
	if (r == ARCHIVE_OK)
		r = add_entry(a, META_NAME, meta, strlen(meta), now);
	for (size_t i = 0; r == ARCHIVE_OK && i < d->nfiles; i++)
		r = add_entry(a, d->files[i].rel, d->files[i].text, d->files[i].len, now);
	if (r == ARCHIVE_OK)
		r = archive_write_close(a);
	err = archive_errno(a);
	/* the system's words when there is an errno: libarchive's are "Write error" */
	if (r != ARCHIVE_OK) {
		const char *words = archive_error_string(a);

		snprintf(why, size, "%s", err > 0 ? strerror(err) : words ? words : strerror(EIO));
	}
	archive_write_free(a);
	if (r == ARCHIVE_OK)
		return 0;
	return err > 0 ? -err : -EIO;
}

/* Put the finished temporary file in FILE's place: over it only with --force. */
static int install(const char *tmp, const char *file, bool force)
{
	if (force)
		return rename(tmp, file) < 0 ? -errno : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, file, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* a file system without RENAME_NOREPLACE: link(2) refuses an existing name as well */
	if (link(tmp, file) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

/* FILE's directory and a temporary name in it: "DIR/.BASE.XXXXXX". */
static char *temp_template(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *t = NULL;

	if (slash)
		return asprintf(&t, "%.*s/.%s.XXXXXX", (int)(slash - file), file, slash + 1) < 0 ?
			       NULL :
			       t;
	return asprintf(&t, ".%s.XXXXXX", file) < 0 ? NULL : t;
}

/*
 * The temporary file while it is ours: a SIGINT, SIGTERM or SIGHUP in the
 * middle of the archive removes it, then ends zsctl by that signal, as it
 * would have ended. The signals are blocked from before the file is made
 * until the handler knows it, and from before it is renamed until the
 * handler has forgotten it, so the handler never misses it nor removes a
 * name that is no longer ours.
 */
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };
static char *volatile cleanup_path;
static struct sigaction cleanup_saved[ARRAY_SIZE(cleanup_signals)];

static void cleanup_on_signal(int sig)
{
	const char *p = cleanup_path;

	if (p)
		unlink(p);
	/* SA_RESETHAND restored the default: delivered when the handler returns */
	raise(sig);
}

static void cleanup_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(cleanup_signals); i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Signals blocked: from now on a signal removes path. */
static void cleanup_arm(char *path)
{
	struct sigaction sa = { .sa_handler = cleanup_on_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	cleanup_path = path;
	for (size_t i = 0; i < ARRAY_SIZE(cleanup_signals); i++) {
		sigaction(cleanup_signals[i], NULL, &cleanup_saved[i]);
		/* one ignored stays ignored (nohup, a shell's background job) */
		if (cleanup_saved[i].sa_handler != SIG_IGN)
			sigaction(cleanup_signals[i], &sa, NULL);
	}
}

/* Signals blocked: the temporary file is gone or renamed; the old dispositions back. */
static void cleanup_disarm(void)
{
	cleanup_path = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(cleanup_signals); i++)
		sigaction(cleanup_signals[i], &cleanup_saved[i], NULL);
}

static void write_file(struct cli *cli, const struct dump_opts *o, const struct zs_dump *d,
		       const char *meta)
{
	char why[256] = "", *tmp = temp_template(o->file);
	sigset_t old;
	mode_t mask;
	int fd, r;

	if (!tmp) {
		cli_error(cli, o->file, -ENOMEM, "out of memory");
		return;
	}
	cleanup_block(&old);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		cli_error(cli, o->file, r, "cannot create it: %s", strerror(-r));
		free(tmp);
		return;
	}
	cleanup_arm(tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	cli_test_hold("ZSCTL_TEST_HOLD_DUMP"); /* the tests' moment to interrupt it */
	mask = umask(0);
	umask(mask);
	/* mkostemp's 0600, as a new file would be made: the umask decides */
	r = fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	if (r >= 0)
		r = write_archive(fd, d, meta, why, sizeof(why));
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	cleanup_block(&old);
	if (r >= 0) {
		r = install(tmp, o->file, o->force);
		if (r == -EEXIST)
			snprintf(why, sizeof(why),
				 "it exists (made meanwhile); --force replaces it");
	}
	if (r < 0)
		unlink(tmp);
	cleanup_disarm();
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		cli_error(cli, o->file, r, "cannot write it: %s", why[0] ? why : strerror(-r));
	free(tmp);
}

static void warn_root_only(struct cli *cli, const struct zs_dump *d)
{
	bool classes = d->classes_status == ZS_CLASSES_NO_PERMISSION;
	bool zswap = d->has_zswap && d->zswap_stats_status == ZS_ZSWAP_STATS_NO_PERMISSION;

	if (classes || zswap)
		cli_warn(cli, NULL,
			 "%s%s%s are readable by root only: the dump has none (run it as root)",
			 classes ? "zsmalloc's class statistics" : "",
			 classes && zswap ? " and " : "", zswap ? "zswap's debugfs counters" : "");
}

int verb_dump(struct cli *cli, int argc, char **argv)
{
	struct dump_opts o = { 0 };
	struct zs_dump d = { 0 };
	struct stat st;
	char *meta = NULL;
	int r;

	r = parse_args(cli, argc, argv, &o);
	if (r)
		return r < 0 ? cli->status : ZS_EXIT_OK;
	/* before the work: a name that is taken is known now */
	if (o.file && !o.force && lstat(o.file, &st) == 0) {
		cli_error(cli, o.file, -EEXIST, "it exists; --force replaces it");
		return cli->status;
	}
	r = zs_dump_collect(cli->ctx, &d);
	if (r == -ENODEV) {
		cli_error(cli, cli->sysroot ? cli->sysroot : "/sys/block", r,
			  "no zram device and no zswap: nothing to dump");
		return cli->status;
	}
	if (r < 0) {
		cli_lib_error(cli, "dump", r);
		return cli->status;
	}
	warn_root_only(cli, &d);
	if (d.nskipped)
		cli_warn(cli, NULL, "left out %zu file(s) that could not be read again: /%s: %s",
			 d.nskipped, d.skipped_rel, cli_errno_cause(d.skipped_err));
	meta = metadata(cli, &d);
	if (!meta) {
		cli_error(cli, "dump", -ENOMEM, "out of memory");
		goto out;
	}
	if (o.file) {
		write_file(cli, &o, &d, meta);
	} else {
		char why[256] = "";

		r = write_archive(STDOUT_FILENO, &d, meta, why, sizeof(why));
		if (r < 0)
			cli_error(cli, "standard output", r, "cannot write the dump: %s", why);
	}
	if (cli->status == ZS_EXIT_OK && o.file && !o.quiet)
		printf("%s: %zu zram device%s%s; attach it to the bug report\n", o.file, d.ndevices,
		       d.ndevices == 1 ? "" : "s", d.has_zswap ? " and zswap" : "");
out:
	free(meta);
	zs_dump_clear(&d);
	return cli->status;
}
