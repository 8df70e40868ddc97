// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space compaction gate: one flock(2) on a lock file for the whole
 * host, never on /dev/zramN (udev skips a device under an exclusive lock,
 * and an open node makes the device's reset fail with EBUSY).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * A lock (or state) file must not be one that another user can swap
 * under us: refuse a directory writable by others unless it is sticky
 * (like /run/lock, 1777), and a file that is a symlink or not ours. A
 * directory may be a symlink of root's or ours (Debian's /var/lock ->
 * /run/lock); then its target is what is checked.
 */
int zs_check_private_dir(const char *path)
{
	char copy[PATH_MAX];
	struct stat st;
	const char *dir;

	if (strlen(path) >= sizeof(copy))
		return -ENAMETOOLONG;
	strcpy(copy, path);
	dir = dirname(copy);
	if (lstat(dir, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		if (!trusted_owner(st.st_uid))
			return -EPERM;
		if (stat(dir, &st) < 0)
			return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return -EPERM;
	return 0;
}

int zs_open_private(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, r;

	r = zs_check_private_dir(path);
	if (r < 0)
		return r;
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, mode);
	if (fd < 0)
		return -errno; /* ELOOP: a symlink */
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* root's files are trusted by everyone; a reader may be another user */
	if (!S_ISREG(st.st_mode) || !trusted_owner(st.st_uid)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The holder writes "pid since" into the lock file, for the losers to name it. */
static int read_holder(int fd, struct zs_gate_holder *h)
{
	char buf[64], *sp;
	uint64_t pid, since;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -ENODATA;
	buf[n] = '\0';
	/* "PID SINCE\n", as zs_gate_acquire() writes it, or nothing */
	sp = strchr(buf, ' ');
	if (!sp)
		return -ENODATA;
	*sp = '\0';
	if (zs_parse_u64(buf, &pid) < 0 || zs_parse_u64(sp + 1, &since) < 0 || !pid ||
	    pid > INT32_MAX || since > INT64_MAX)
		return -ENODATA;
	h->pid = (pid_t)pid;
	h->since = (int64_t)since;
	h->known = true;
	return 0;
}

int zs_gate_acquire(const char *path, double wait_seconds, int *ret_fd,
		    struct zs_gate_holder *holder)
{
	uint64_t deadline = 0, delay_us = 200;
	char line[64];
	int fd, r, len;

	/*
	 * 0600: flock(2) needs only a read descriptor, so a lock file others
	 * can read is one any user can hold to switch compaction off.
	 */
	fd = zs_open_private(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return fd;
	if (fchmod(fd, 0600) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (wait_seconds > 0)
		deadline = now_ns() + (uint64_t)(wait_seconds * 1e9);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = -errno;
			close(fd);
			return r;
		}
		if (!deadline || now_ns() >= deadline) {
			close(fd);
			if (holder) {
				struct zs_gate_holder h = { 0 };
				bool held;

				/*
				 * The line in the file may be a killed owner's:
				 * name the pid /proc/locks shows holding it.
				 */
				if (zs_gate_query(path, &held, &h) < 0 || !held)
					memset(&h, 0, sizeof(h));
				*holder = h;
			}
			return -EWOULDBLOCK;
		}
		/* flock has no timeout: poll, backing off to 50 ms */
		nanosleep(&(struct timespec){ .tv_nsec = (long)delay_us * 1000 }, NULL);
		if (delay_us < 50000)
			delay_us *= 2;
	}
	len = snprintf(line, sizeof(line), "%lld %lld\n", (long long)getpid(),
		       (long long)time(NULL));
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)len, 0) != len) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

void zs_gate_release(int fd)
{
	if (fd < 0)
		return;
	/* a stale holder line would name a process that is gone */
	if (ftruncate(fd, 0) < 0) {
		/* nothing to do: the lock goes with the descriptor anyway */
	}
	close(fd);
}

/*
 * Who holds the gate now, without touching the lock: a test lock of our
 * own would turn a real compaction away. /proc/locks lists flock holders
 * as "N: FLOCK ADVISORY WRITE pid maj:min:ino 0 EOF" (maj, min in hex).
 */
int zs_gate_query(const char *path, bool *held, struct zs_gate_holder *holder)
{
	struct zs_gate_holder h = { 0 };
	struct stat st;
	char line[256];
	bool found = false;
	FILE *f;
	int fd;

	/* lstat, not open: the lock file is 0600 and status runs as anyone */
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT) {
			*held = false;
			*holder = h;
			return 0;
		}
		return -errno;
	}
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	f = fopen("/proc/locks", "re");
	if (!f)
		return -errno;
	/* for the holder's "since"; unreadable without root, which is fine */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		unsigned long long ino;
		long long pid;
		char type[16], kind[16];

		if (strstr(line, "->"))
			continue; /* a waiter, not the holder */
		if (sscanf(line, "%*d: %15s %*s %15s %lld %x:%x:%llu", type, kind, &pid, &maj,
			   &min, &ino) != 6)
			continue;
		if (strcmp(type, "FLOCK") || strcmp(kind, "WRITE"))
			continue;
		if (makedev(maj, min) == st.st_dev && ino == st.st_ino) {
			found = true;
			if (fd < 0 || read_holder(fd, &h) < 0 || h.pid != (pid_t)pid) {
				h.pid = (pid_t)pid;
				h.since = 0;
			}
			h.known = true;
		}
	}
	fclose(f);
	if (fd >= 0)
		close(fd);
	*held = found;
	*holder = h;
	return 0;
}
