// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw floor for bench/status: open and read exactly the files that
 * `zsctl status` reads for its output, for the same devices, and nothing
 * else. No libraries beyond libc, no parsing beyond finding debugfs in
 * mountinfo, one line of output. Whatever zsctl costs above this is its
 * own overhead (start-up, libraries, discovery, parsing, formatting).
 *
 * Usage: rawfloor [--all] [zramN|/dev/zramN ...]   (no device: every zram
 * device listed in /sys/block, as `zsctl status` does)
 *
 * What the default status table reads (lib/reader.c, enum zs_need): per
 * device, openat() relative to the /sys/block/zramN directory: initstate,
 * dev, disksize, comp_algorithm, mm_stat, and where debugfs is mounted
 * <debugfs>/zsmalloc/zramN/classes (FRAG, COMPACTABLE). With --all, what
 * -J, --output-all and --format=prometheus read: also max_comp_streams,
 * io_stat, debug_stat, and where present bd_stat, backing_dev,
 * writeback_limit and writeback_limit_enable. Once: /proc/self/mountinfo
 * (USED-BY, and where debugfs is), /proc/swaps, and what status shows of
 * the compaction gate: the lock file's inode (stat; where it exists,
 * /proc/locks for its holder and the file for the holder's line), the
 * state file (where it exists, /etc/localtime for the last run's time)
 * and its .busy counter (stat).
 *
 * A sysfs or debugfs attribute comes whole from the first read() with a
 * page-sized buffer, so one read() per attribute is the floor; the other
 * files are read to the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* as ZS_LOCK_PATH and ZS_STATE_PATH in lib/zsctl.h */
#define LOCK_PATH "/run/lock/zsctl-compact.lock"
#define STATE_PATH "/var/lib/zsctl/compact.state"

/* the default status table */
static const char *const table_attrs[] = {
	"initstate", "dev", "disksize", "comp_algorithm", "mm_stat",
};

/* --all adds these (-J, --output-all, --format=prometheus) */
static const char *const all_attrs[] = {
	"io_stat",
	"debug_stat",
};

/* absent on some kernels (CONFIG_ZRAM_WRITEBACK; max_comp_streams is gone in 6.15) */
static const char *const all_optional_attrs[] = {
	"max_comp_streams", "backing_dev", "bd_stat", "writeback_limit", "writeback_limit_enable",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char buf[65536];
static char debugfs[4096]; /* debugfs' mount point, "" when not mounted */
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

/* A whole file, read to the end; its length, or -1. */
static long read_all(const char *path)
{
	long len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0) {
		len += n;
		if ((size_t)len == sizeof(buf) - 1)
			len = 0; /* only mountinfo is looked at, and it fits */
	}
	close(fd);
	if (n < 0)
		return -1;
	nfiles++;
	nbytes += (unsigned long)len;
	buf[len] = '\0';
	return len;
}

/*
 * mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE
 * SUPEROPTIONS". Where is debugfs mounted (the first one; no \040 escapes
 * expected on the machines this runs on)?
 */
static void find_debugfs(const char *text)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n'), *p = line, *mp;
		size_t len;
		int field;

		if (!end)
			end = line + strlen(line);
		for (field = 0; field < 4 && p < end; field++) {
			p = memchr(p, ' ', (size_t)(end - p));
			if (!p)
				break;
			p++;
		}
		mp = p;
		if (p && p < end) {
			const char *sep = strstr(p, " - debugfs ");

			if (sep && sep < end) {
				len = strcspn(mp, " ");
				if (len < sizeof(debugfs)) {
					memcpy(debugfs, mp, len);
					debugfs[len] = '\0';
					return;
				}
			}
		}
		line = *end ? end + 1 : end;
	}
}

/* The compaction gate: absent files are fine (no compaction ran yet). */
static void read_gate(void)
{
	struct stat st;
	int fd;

	if (lstat(LOCK_PATH, &st) == 0 && S_ISREG(st.st_mode)) {
		read_all("/proc/locks");
		fd = open(LOCK_PATH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0) {
			if (pread(fd, buf, 64, 0) >= 0)
				nfiles++;
			close(fd);
		}
	}
	if (read_all(STATE_PATH) >= 0)
		read_all("/etc/localtime");
	if (lstat(STATE_PATH ".busy", &st) == 0)
		nfiles++;
}

static int read_device(const char *name, int all)
{
	char path[4200];
	unsigned int i;
	int dirfd, r = 0;

	if (snprintf(path, sizeof(path), "/sys/block/%s", name) >= (int)sizeof(path))
		return -1;
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "rawfloor: %s: %s\n", name, strerror(errno));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(table_attrs); i++)
		if (read_attr(dirfd, table_attrs[i]) < 0) {
			fprintf(stderr, "rawfloor: %s/%s: %s\n", name, table_attrs[i],
				strerror(errno));
			r = -1;
		}
	if (all) {
		for (i = 0; i < ARRAY_SIZE(all_attrs); i++)
			if (read_attr(dirfd, all_attrs[i]) < 0) {
				fprintf(stderr, "rawfloor: %s/%s: %s\n", name, all_attrs[i],
					strerror(errno));
				r = -1;
			}
		for (i = 0; i < ARRAY_SIZE(all_optional_attrs); i++)
			read_attr(dirfd, all_optional_attrs[i]);
	}
	close(dirfd);
	/* absent for an uninitialised device: it has no pool yet */
	if (debugfs[0] && snprintf(path, sizeof(path), "%s/zsmalloc/%s/classes", debugfs, name) <
				  (int)sizeof(path))
		read_attr(AT_FDCWD, path);
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
	int i = 1, all = 0, r = 0;

	if (argc > 1 && !strcmp(argv[1], "--all")) {
		all = 1;
		i++;
	}
	/* mountinfo first: it says where debugfs is */
	if (read_all("/proc/self/mountinfo") < 0)
		r = 1;
	else
		find_debugfs(buf);
	if (i < argc) {
		for (; i < argc; i++) {
			const char *name = argv[i];

			if (!strncmp(name, "/dev/", 5))
				name += 5;
			if (!is_zram(name)) {
				fprintf(stderr, "rawfloor: %s: not a zram device\n", argv[i]);
				return 2;
			}
			if (read_device(name, all) < 0)
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
				if (read_device(de->d_name, all) < 0)
					r = 1;
				ndev++;
			}
		closedir(d);
	}
	if (read_all("/proc/swaps") < 0)
		r = 1;
	read_gate();
	printf("%u devices, %lu files, %lu bytes%s%s\n", ndev, nfiles, nbytes,
	       debugfs[0] ? ", debugfs at " : "", debugfs);
	return r;
}
