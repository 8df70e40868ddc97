// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hold-node: keep a zram device's node open (with --lock, also a shared
 * flock on it, as udevd holds while it probes) until another process opens
 * the node, and MS milliseconds after that; then let go. The live tests use
 * it to make zsctl meet a device that is busy when it first tries, and free
 * a moment later. Not installed.
 *
 *   hold-node [--lock] /dev/zramN MS
 *
 * Prints "held" once it holds the node, and exits 0 after letting go, 1
 * when nobody opened the node within 10 seconds.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	bool lock = argc > 1 && !strcmp(argv[1], "--lock");
	int i = lock ? 2 : 1, fd, in;
	struct pollfd p;
	struct timespec ts;
	long ms;

	if (argc - i != 2 || strncmp(argv[i], "/dev/zram", 9)) {
		fprintf(stderr, "usage: hold-node [--lock] /dev/zramN MS\n");
		return 2;
	}
	ms = atol(argv[i + 1]);
	fd = open(argv[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || (lock && flock(fd, LOCK_SH | LOCK_NB) < 0)) {
		perror(argv[i]);
		return 1;
	}
	/* after our own open: the first event is another process's */
	in = inotify_init1(IN_CLOEXEC);
	if (in < 0 || inotify_add_watch(in, argv[i], IN_OPEN) < 0) {
		perror("inotify");
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	p.fd = in;
	p.events = POLLIN;
	if (poll(&p, 1, 10000) <= 0) {
		fprintf(stderr, "hold-node: nobody opened %s\n", argv[i]);
		return 1;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	close(fd);
	return 0;
}
