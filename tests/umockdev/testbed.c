// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A scriptable umockdev testbed for the shell tests: like umockdev-run, but
 * the testbed can change between the programs it runs (hot-add, hot-remove,
 * attribute changes), which umockdev-run cannot do. Run it under
 * umockdev-wrapper (LD_PRELOAD of libumockdev-preload), which the programs
 * it starts inherit along with $UMOCKDEV_DIR.
 *
 * Commands, one a line on stdin, words separated by blanks:
 *   load FILE                      add the devices of an umockdev-record file
 *   attr SYSPATH NAME FILE         set attribute NAME to FILE's contents
 *   remove SYSPATH                 remove a device
 *   uevent SYSPATH ACTION          emit a uevent (add, change, remove)
 *   run PREFIX PROGRAM [ARG...]    run PROGRAM with stdout to PREFIX.out,
 *                                  stderr to PREFIX.err, exit status to PREFIX.rc
 * SYSPATH is as umockdev names it: /sys/devices/...
 * Exits 0 when every command worked (whatever the programs' statuses), 99
 * on a broken command, so that the caller can bail out.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <umockdev.h>

#define MAX_WORDS 64

static int split(char *line, char **w)
{
	int n = 0;

	for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n")) {
		if (n == MAX_WORDS - 1)
			return -1;
		w[n++] = t;
	}
	w[n] = NULL;
	return n;
}

static int redirect(const char *prefix, const char *ext, int target)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s.%s", prefix, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, target) < 0)
		return -1;
	close(fd);
	return 0;
}

static int run(const char *prefix, char **argv)
{
	char path[4096];
	int status;
	pid_t pid;
	FILE *f;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || redirect(prefix, "out", 1) < 0 ||
		    redirect(prefix, "err", 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "testbed: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s.rc", prefix);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return fclose(f) == 0 ? 0 : -1;
}

static int command(UMockdevTestbed *tb, char **w, int n)
{
	GError *error = NULL;

	if (!strcmp(w[0], "load") && n == 2) {
		if (!umockdev_testbed_add_from_file(tb, w[1], &error)) {
			fprintf(stderr, "testbed: load %s: %s\n", w[1], error->message);
			g_error_free(error);
			return -1;
		}
		return 0;
	}
	if (!strcmp(w[0], "attr") && n == 4) {
		gchar *text = NULL;

		if (!g_file_get_contents(w[3], &text, NULL, &error)) {
			fprintf(stderr, "testbed: attr %s: %s\n", w[3], error->message);
			g_error_free(error);
			return -1;
		}
		umockdev_testbed_set_attribute(tb, w[1], w[2], text);
		g_free(text);
		return 0;
	}
	if (!strcmp(w[0], "remove") && n == 2) {
		umockdev_testbed_remove_device(tb, w[1]);
		return 0;
	}
	if (!strcmp(w[0], "uevent") && n == 3) {
		umockdev_testbed_uevent(tb, w[1], w[2]);
		return 0;
	}
	if (!strcmp(w[0], "run") && n >= 3) {
		if (run(w[1], w + 2) < 0) {
			fprintf(stderr, "testbed: run %s: %s\n", w[2], strerror(errno));
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "testbed: bad command: %s (%d words)\n", w[0], n);
	return -1;
}

int main(void)
{
	UMockdevTestbed *tb;
	char line[8192];
	int r = 0;

	/* umockdev_in_mock_environment() says no even then (0.17) */
	if (!strstr(g_getenv("LD_PRELOAD") ? g_getenv("LD_PRELOAD") : "", "libumockdev-preload")) {
		fprintf(stderr, "testbed: not under umockdev-wrapper (LD_PRELOAD)\n");
		return 99;
	}
	tb = umockdev_testbed_new();
	if (!tb)
		return 99;
	while (r == 0 && fgets(line, sizeof(line), stdin)) {
		char *w[MAX_WORDS];
		int n = split(line, w);

		if (n < 0) {
			fprintf(stderr, "testbed: line too long\n");
			r = -1;
		} else if (n > 0 && w[0][0] != '#') {
			r = command(tb, w, n);
		}
	}
	/* the testbed's directory goes with it */
	g_object_unref(tb);
	return r == 0 ? 0 : 99;
}
