// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw floor for bench/status: open and read exactly the files that
 * `zsctl status` needs, for the same devices, and nothing else. No parsing,
 * no libraries beyond libc, one line of output. Whatever zsctl costs above
 * this is its own overhead (start-up, libraries, parsing, formatting).
 *
 * Usage: rawfloor [zramN|/dev/zramN ...]   (no argument: every zram device
 * listed in /sys/block, as `zsctl status` does)
 *
 * Per device: dev, initstate, disksize, comp_algorithm, mm_stat, io_stat,
 * debug_stat, and where present bd_stat, max_comp_streams, backing_dev,
 * writeback_limit, writeback_limit_enable; then /proc/self/mountinfo and
 * /proc/swaps once; then what status shows of the compaction gate, where
 * present: the lock file (opened and fstat'ed, for its inode), /proc/locks,
 * the state file, the busy counter (lstat) and /etc/localtime (the last
 * run is shown in local time). A sysfs attribute is at most a page and
 * comes whole from the first read(), so one read() per attribute is the
 * floor; the other files are read to the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* as in cli/cli.h */
#define LOCK_PATH "/run/lock/zsctl-compact.lock"
#define STATE_PATH "/var/lib/zsctl/compact.state"

static const char *const attrs[] = {
	"dev", "initstate", "disksize", "comp_algorithm", "mm_stat", "io_stat", "debug_stat",
};

/* absent on some kernels (CONFIG_ZRAM_WRITEBACK, older or newer kernels) */
static const char *const optional_attrs[] = {
	"bd_stat", "max_comp_streams", "backing_dev", "writeback_limit", "writeback_limit_enable",
};

static char buf[65536];
static unsigned long nfiles, nbytes;

/* One read of a sysfs attribute; -1 when it cannot be opened or read. */
static int read_attr(int dirfd, const char *name)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, 4096);
	close(fd);
	if (n < 0)
		return -1;
	nfiles++;
	nbytes += (unsigned long)n;
	return 0;
}

/* A whole file, read to the end. */
static int read_all(const char *path)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		nbytes += (unsigned long)n;
	close(fd);
	if (n < 0)
		return -1;
	nfiles++;
	return 0;
}

/* The compaction gate: absent files are fine (no compaction ran yet). */
static void read_gate(void)
{
	struct stat st;
	int fd;

	fd = open(LOCK_PATH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0)
			read_all("/proc/locks");
		close(fd);
		nfiles++;
	}
	if (read_all(STATE_PATH) == 0)
		read_all("/etc/localtime");
	if (lstat(STATE_PATH ".busy", &st) == 0)
		nfiles++;
}

static int read_device(const char *name)
{
	char path[64];
	unsigned int i;
	int dirfd, r = 0;

	if (snprintf(path, sizeof(path), "/sys/block/%s", name) >= (int)sizeof(path))
		return -1;
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "rawfloor: %s: %s\n", name, strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (read_attr(dirfd, attrs[i]) < 0) {
			fprintf(stderr, "rawfloor: %s/%s: %s\n", name, attrs[i], strerror(errno));
			r = -1;
		}
	for (i = 0; i < sizeof(optional_attrs) / sizeof(optional_attrs[0]); i++)
		read_attr(dirfd, optional_attrs[i]);
	close(dirfd);
	return r;
}

/* zram[0-9]+, and nothing else (not zram0p1) */
static int is_zram(const char *name)
{
	if (strncmp(name, "zram", 4) || !name[4])
		return 0;
	return strspn(name + 4, "0123456789") == strlen(name + 4);
}

int main(int argc, char **argv)
{
	unsigned int ndev = 0;
	int i, r = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			const char *name = argv[i];

			if (!strncmp(name, "/dev/", 5))
				name += 5;
			if (!is_zram(name)) {
				fprintf(stderr, "rawfloor: %s: not a zram device\n", argv[i]);
				return 2;
			}
			if (read_device(name) < 0)
				r = 1;
			ndev++;
		}
	} else {
		struct dirent *de;
		DIR *d = opendir("/sys/block");

		if (!d) {
			fprintf(stderr, "rawfloor: /sys/block: %s\n", strerror(errno));
			return 1;
		}
		while ((de = readdir(d)))
			if (is_zram(de->d_name)) {
				if (read_device(de->d_name) < 0)
					r = 1;
				ndev++;
			}
		closedir(d);
	}
	if (read_all("/proc/self/mountinfo") < 0 || read_all("/proc/swaps") < 0)
		r = 1;
	read_gate();
	printf("%u devices, %lu files, %lu bytes\n", ndev, nfiles, nbytes);
	return r;
}
