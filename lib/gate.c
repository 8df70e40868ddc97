// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space compaction gate: one flock(2) on a lock file for the whole
 * host, never on /dev/zramN (udev skips a device under an exclusive lock,
 * and an open node makes the device's reset fail with EBUSY); and the run
 * that owns it, from taking the lock to the saved state.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
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

static int set_path(struct zs_gate *g, const char *given, const char *dflt, char *path,
		    bool *in_root, char *shown, size_t shown_size)
{
	const char *p = given ? given : dflt;

	if (p[0] != '/' || strlen(p) >= PATH_MAX || !strrchr(p, '/')[1])
		return -EINVAL;
	strcpy(path, p);
	*in_root = !given;
	if (*in_root && !zs_ctx_is_live(g->ctx))
		snprintf(shown, shown_size, "%s%s", zs_ctx_root(g->ctx), p);
	else
		snprintf(shown, shown_size, "%s", p);
	return 0;
}

int zs_gate_new(struct zs_ctx *ctx, const char *lock_path, const char *state_path,
		struct zs_gate **ret)
{
	struct zs_gate *g = calloc(1, sizeof(*g));
	int r;

	if (!g)
		return -ENOMEM;
	g->ctx = ctx;
	g->lock_dirfd = g->state_dirfd = -1;
	r = set_path(g, lock_path, ZS_LOCK_PATH, g->lock_path, &g->lock_in_root, g->lock_shown,
		     sizeof(g->lock_shown));
	if (r >= 0)
		r = set_path(g, state_path, ZS_STATE_PATH, g->state_path, &g->state_in_root,
			     g->state_shown, sizeof(g->state_shown));
	if (r < 0) {
		free(g);
		return r;
	}
	*ret = g;
	return 0;
}

void zs_gate_free(struct zs_gate *g)
{
	if (!g)
		return;
	if (g->lock_dirfd >= 0)
		close(g->lock_dirfd);
	if (g->state_dirfd >= 0)
		close(g->state_dirfd);
	free(g);
}

const char *zs_gate_lock_path(const struct zs_gate *g)
{
	return g->lock_shown;
}

const char *zs_gate_state_path(const struct zs_gate *g)
{
	return g->state_shown;
}

/* Open a directory: below the root for the defaults (openat2 RESOLVE_IN_ROOT), else as named. */
static int open_dir(struct zs_gate *g, const char *dir, bool in_root)
{
	struct stat st;
	int fd;

	if (in_root && !zs_ctx_is_live(g->ctx))
		return zs_ctx_open(g->ctx, dir[1] ? dir + 1 : ".", O_RDONLY | O_DIRECTORY);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || (errno != ELOOP && errno != ENOTDIR))
		return fd < 0 ? -errno : fd;
	/*
	 * A directory may be a symlink of root's or ours (Debian's /var/lock
	 * -> /run/lock); then its target is what is checked. (Its last
	 * component, that is: the open above refused only that one.)
	 */
	if (lstat(dir, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode) && !trusted_owner(st.st_uid))
		return -EPERM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int private_dir_open(struct zs_gate *g, const char *path, bool in_root, bool create)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd, pfd, r;

	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open_dir(g, dir, in_root);
	if (fd == -ENOENT && create && strcmp(dir, "/")) {
		/* /var/lib/zsctl is ours to create, its parent is not */
		const char *last = strrchr(dir, '/');

		snprintf(parent, sizeof(parent), "%.*s", last == dir ? 1 : (int)(last - dir), dir);
		pfd = open_dir(g, parent, in_root);
		if (pfd < 0)
			return pfd;
		if (mkdirat(pfd, last + 1, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			close(pfd);
			return r;
		}
		fd = openat(pfd, last + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		close(pfd);
		if (r < 0)
			return r;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/*
	 * A lock or state file must not be one that another user can swap
	 * under us: refuse a directory of another user, or one writable by
	 * others unless it is sticky (like /run/lock, 1777).
	 */
	if (!trusted_owner(st.st_uid) ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int zs_gate_dir(struct zs_gate *g, bool state, bool create, const char **base)
{
	int *cached = state ? &g->state_dirfd : &g->lock_dirfd;
	const char *path = state ? g->state_path : g->lock_path;
	int fd;

	*base = strrchr(path, '/') + 1;
	if (*cached >= 0)
		return *cached;
	/* held for the gate's life: every later file is opened relative to it */
	fd = private_dir_open(g, path, state ? g->state_in_root : g->lock_in_root, create);
	if (fd < 0)
		return zs_ctx_fail(g->ctx, path + 1, fd);
	*cached = fd;
	return fd;
}

int zs_private_openat(int dirfd, const char *base, int flags, mode_t mode)
{
	struct stat st;
	int fd, r;

	fd = openat(dirfd, base, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, mode);
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
		return S_ISDIR(st.st_mode) ? -EISDIR : -EPERM;
	}
	return fd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- what the holder is doing: the phase file ----------------------------------------- */

static const char *const phase_names[ZS_PHASE_COUNT_] = {
	[ZS_PHASE_NONE] = "",
	[ZS_PHASE_RECOMPRESS] = "recompress",
	[ZS_PHASE_WRITEBACK] = "writeback",
	[ZS_PHASE_COMPACT] = "compact",
};

const char *zs_gate_phase_name(enum zs_gate_phase p)
{
	return (unsigned int)p < ZS_PHASE_COUNT_ ? phase_names[p] : "";
}

/*
 * Beside the lock: LOCK.phase, and LOCK.phase.new while it is written.
 * Not in the lock file itself, which is 0600 (see acquire()) while every
 * user's zsctl status must learn which device not to read.
 */
static int phase_file_name(const char *base, bool tmp, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s.phase%s", base, tmp ? ".new" : "");

	return n < 0 || (size_t)n >= size || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

/* "PID PHASE DEVICE SINCE\n"; a phase of another pid than the flock's holder is stale. */
static void read_phase(int dfd, const char *base, struct zs_gate_holder *h)
{
	char name[NAME_MAX + 1], buf[128], *word[4], *save = NULL;
	uint64_t pid, since;
	unsigned int nwords = 0;
	ssize_t n;
	int fd;

	if (phase_file_name(base, false, name, sizeof(name)) < 0)
		return;
	fd = zs_private_openat(dfd, name, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		if (nwords == 4)
			return; /* a fifth word: not a line of ours */
		word[nwords++] = w;
	}
	if (nwords != 4 || zs_parse_u64(word[0], &pid) < 0 || pid != (uint64_t)h->pid ||
	    zs_parse_u64(word[3], &since) < 0 || since > INT64_MAX || !zs_devname_valid(word[2]))
		return;
	for (unsigned int i = 1; i < ZS_PHASE_COUNT_; i++) {
		if (!strcmp(word[1], phase_names[i])) {
			h->phase = (enum zs_gate_phase)i;
			snprintf(h->device, sizeof(h->device), "%s", word[2]);
			h->phase_since = (int64_t)since;
		}
	}
}

/* A killed holder's phase file names a dead pid: the next holder removes it first. */
static void remove_phase(int dfd, const char *base)
{
	char name[NAME_MAX + 1];

	if (phase_file_name(base, false, name, sizeof(name)) >= 0)
		unlinkat(dfd, name, 0);
	if (phase_file_name(base, true, name, sizeof(name)) >= 0)
		unlinkat(dfd, name, 0);
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

/*
 * Who holds the gate now, without touching the lock: a test lock of our
 * own would turn a real compaction away. /proc/locks (the host's: the
 * flock is on a real file, also under --sysroot) lists flock holders as
 * "N: FLOCK ADVISORY WRITE pid maj:min:ino 0 EOF" (maj, min in hex).
 */
static int query(struct zs_gate *g, bool *held, struct zs_gate_holder *holder)
{
	struct zs_gate_holder h = { 0 };
	const char *base;
	struct stat st;
	char line[256];
	bool found = false;
	FILE *f;
	int dfd, fd;

	dfd = zs_gate_dir(g, false, false, &base);
	if (dfd == -ENOENT) {
		*held = false;
		*holder = h;
		return 0;
	}
	if (dfd < 0)
		return dfd;
	/* fstatat, not open: the lock file is 0600 and status runs as anyone */
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		*held = false;
		*holder = h;
		return 0;
	}
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	f = fopen("/proc/locks", "re");
	if (!f)
		return -errno;
	/* for the holder's "since"; unreadable without root, which is fine */
	fd = openat(dfd, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
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
			read_phase(dfd, base, &h);
		}
	}
	fclose(f);
	if (fd >= 0)
		close(fd);
	*held = found;
	*holder = h;
	return 0;
}

int zs_gate_query(struct zs_gate *g, bool *held, struct zs_gate_holder *holder)
{
	zs_ctx_begin(g->ctx);
	return query(g, held, holder);
}

int zs_gate_busy(struct zs_gate *g, struct zs_gate_holder *holder)
{
	char name[NAME_MAX + 1];
	const char *base;
	struct stat st;
	bool held;
	int dfd, r;

	zs_ctx_begin(g->ctx);
	memset(holder, 0, sizeof(*holder));
	/* no lock directory, no phase file: nobody says it works on a device */
	dfd = zs_gate_dir(g, false, false, &base);
	if (dfd < 0 || phase_file_name(base, false, name, sizeof(name)) < 0 ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		zs_ctx_begin(g->ctx);
		return 0;
	}
	r = query(g, &held, holder);
	if (r < 0 || !held)
		memset(holder, 0, sizeof(*holder));
	return r < 0 ? r : 0;
}

static bool post_processes(const struct zs_gate_holder *h, const char *device)
{
	return (h->phase == ZS_PHASE_WRITEBACK || h->phase == ZS_PHASE_RECOMPRESS) &&
	       !strcmp(h->device, device);
}

int zs_gate_wait_device(struct zs_gate *g, const char *device, bool exclusive,
			double wait_seconds, struct zs_gate_holder *holder)
{
	uint64_t deadline = wait_seconds > 0 ? now_ns() + (uint64_t)(wait_seconds * 1e9) : 0;
	uint64_t delay_us = 1000;
	int r;

	memset(holder, 0, sizeof(*holder));
	if (!exclusive && !zs_ctx_pp_blocks_access(g->ctx))
		return 0;
	for (;;) {
		r = zs_gate_busy(g, holder);
		if (r < 0 || !post_processes(holder, device))
			return r < 0 ? r : 0;
		if (!deadline || now_ns() >= deadline)
			return -EBUSY;
		/* the phase file changes when the holder moves on: poll it, backing off to 100 ms */
		nanosleep(&(struct timespec){ .tv_nsec = (long)delay_us * 1000 }, NULL);
		if (delay_us < 100000)
			delay_us *= 2;
	}
}

/*
 * The holder line, whole. A short write (a file size limit, a full file
 * system) says nothing; the write after it says why. errno is not looked
 * at otherwise: after a wait it still holds the EWOULDBLOCK of the polls,
 * which would make the run report that it was turned away.
 */
static int write_line(int fd, const char *line, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, line + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Take the gate: flock(LOCK_EX|LOCK_NB), polling up to wait_seconds.
 * -EWOULDBLOCK when another process holds it, with *holder naming it
 * when it can be told.
 */
static int acquire(struct zs_gate *g, double wait_seconds, int *ret_fd,
		   struct zs_gate_holder *holder)
{
	uint64_t deadline = 0, delay_us = 200;
	const char *base;
	char line[64];
	int dfd, fd, r, len;

	dfd = zs_gate_dir(g, false, false, &base);
	if (dfd < 0)
		return dfd;
	/*
	 * 0600: flock(2) needs only a read descriptor, so a lock file others
	 * can read is one any user can hold to switch compaction off.
	 */
	fd = zs_private_openat(dfd, base, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return zs_ctx_fail(g->ctx, g->lock_path + 1, fd);
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
			struct zs_gate_holder h = { 0 };
			bool held;

			close(fd);
			/*
			 * The line in the file may be a killed owner's: name
			 * the pid /proc/locks shows holding it.
			 */
			if (query(g, &held, &h) < 0 || !held)
				memset(&h, 0, sizeof(h));
			*holder = h;
			return -EWOULDBLOCK;
		}
		/* flock has no timeout: poll, backing off to 50 ms */
		nanosleep(&(struct timespec){ .tv_nsec = (long)delay_us * 1000 }, NULL);
		if (delay_us < 50000)
			delay_us *= 2;
	}
	len = snprintf(line, sizeof(line), "%lld %lld\n", (long long)getpid(),
		       (long long)time(NULL));
	r = ftruncate(fd, 0) < 0 ? -errno : write_line(fd, line, (size_t)len);
	if (r < 0) {
		(void)!ftruncate(fd, 0); /* half a line names nobody, but say nothing */
		close(fd);
		return r;
	}
	remove_phase(dfd, base);
	*ret_fd = fd;
	return 0;
}

static void release(struct zs_gate *g, int fd)
{
	const char *base;
	int dfd;

	if (fd < 0)
		return;
	/* while it is still ours: the next holder's phase file is not ours to remove */
	dfd = zs_gate_dir(g, false, false, &base);
	if (dfd >= 0)
		remove_phase(dfd, base);
	/* a stale holder line would name a process that is gone; the lock goes with the fd */
	(void)!ftruncate(fd, 0);
	close(fd);
}

int zs_gate_hold(struct zs_gate *g, int *fd, struct zs_gate_holder *holder)
{
	memset(holder, 0, sizeof(*holder));
	return acquire(g, 0, fd, holder);
}

void zs_gate_let_go(struct zs_gate *g, int fd)
{
	release(g, fd);
}

void zs_gate_view_read(struct zs_gate *g, struct zs_gate_view *v)
{
	int r;

	zs_ctx_begin(g->ctx);
	/* all but the state (110K), which zs_state_load() clears itself, or the failure below */
	memset(v, 0, offsetof(struct zs_gate_view, state));
	memset(&v->turned_away, 0, sizeof(*v) - offsetof(struct zs_gate_view, turned_away));
	v->query_err = query(g, &v->held, &v->holder);
	if (v->query_err < 0) {
		v->held = false;
		memset(&v->holder, 0, sizeof(v->holder));
	}
	r = zs_state_load(g, &v->state);
	v->state_err = r < 0 ? r : 0;
	if (r < 0)
		memset(&v->state, 0, sizeof(v->state));
	v->has_state = r >= 0 && v->state.runs > 0;
	if (zs_state_busy_get(g, &v->turned_away) < 0)
		v->turned_away = 0;
}

/* ---- the run that owns the gate -------------------------------------------------- */

struct zs_gate_run {
	struct zs_gate *g;
	int fd; /* the lock; -1 for a dry run */
	bool dry_run;
	bool any_compacted, any_failed;
	uint64_t freed;
	struct zs_state state;
};

int zs_gate_begin(struct zs_gate *g, double wait_seconds, bool dry_run, struct zs_gate_run **ret,
		  struct zs_gate_begin_info *info)
{
	struct zs_gate_run *run;
	int r;

	zs_ctx_begin(g->ctx);
	memset(info, 0, sizeof(*info));
	run = calloc(1, sizeof(*run));
	if (!run)
		return -ENOMEM;
	run->g = g;
	run->fd = -1;
	run->dry_run = dry_run;
	if (!dry_run) {
		info->stage = ZS_GATE_STAGE_LOCK;
		r = acquire(g, wait_seconds, &run->fd, &info->holder);
		if (r == -EWOULDBLOCK) {
			/* counted before the caller says it stepped aside: no count is lost */
			info->stage = ZS_GATE_STAGE_COUNT;
			r = zs_state_busy_add(g);
			if (r >= 0)
				r = -EWOULDBLOCK;
		}
		if (r < 0)
			goto fail;
	}
	info->stage = ZS_GATE_STAGE_STATE_READ;
	r = zs_state_load(g, &run->state);
	if (r == -EBADMSG && dry_run) {
		info->garbled_ignored = true;
		memset(&run->state, 0, sizeof(run->state));
		r = 0;
	} else if (r == -EBADMSG) {
		info->garbled = true;
		r = zs_state_set_aside(g, info->set_aside, sizeof(info->set_aside));
		memset(&run->state, 0, sizeof(run->state));
	}
	if (r < 0)
		goto fail;
	if (!dry_run) {
		/* prove the state can be written before any device is touched */
		info->stage = ZS_GATE_STAGE_STATE_WRITE;
		r = zs_state_save(g, &run->state);
		if (r < 0)
			goto fail;
	}
	*ret = run;
	return 0;
fail:
	release(g, run->fd);
	free(run);
	return r;
}

const struct zs_state *zs_gate_run_state(const struct zs_gate_run *run)
{
	return &run->state;
}

uint64_t zs_gate_run_last_compacted(const struct zs_gate_run *run, const char *name,
				    const struct zs_identity *id)
{
	const struct zs_state_device *sd = zs_state_device_of(&run->state, name, id);

	/* --min-interval counts from the last compaction that went through */
	return sd && sd->last_result == ZS_RESULT_COMPACTED ? sd->last_time : 0;
}

void zs_gate_run_record(struct zs_gate_run *run, const char *name, const struct zs_identity *id,
			enum zs_result result, int64_t freed, uint64_t now)
{
	struct zs_state_device *sd = name ? zs_state_device(&run->state, name, true) : NULL;
	uint64_t gain = freed > 0 ? (uint64_t)freed : 0;

	if (result == ZS_RESULT_COMPACTED) {
		run->any_compacted = true;
		run->freed = zs_add_sat(run->freed, gain);
	} else if (result == ZS_RESULT_FAILED) {
		run->any_failed = true;
	}
	if (sd) {
		/* the record of another device under this name goes, all of it */
		if (id && !zs_identity_same(&sd->id, id)) {
			char kept[ZS_DEVNAME_MAX];
			/*
			 * ... but maintain's budgets and backoffs: a reboot makes
			 * every device anew, and the daily writeback budget is
			 * there to spare the backing device, which stays
			 */
			struct zs_maint_record maint = sd->maint;

			memcpy(kept, sd->name, sizeof(kept));
			memset(sd, 0, sizeof(*sd));
			memcpy(sd->name, kept, sizeof(kept));
			sd->maint = maint;
		}
		if (id)
			sd->id = *id;
		sd->last_time = now;
		sd->last_result = result;
		sd->last_freed = gain;
	}
}

struct zs_state_device *zs_gate_run_device(struct zs_gate_run *run, const char *name)
{
	return zs_state_device(&run->state, name, true);
}

void zs_gate_run_learn(struct zs_gate_run *run, const char *name, const struct zs_stat *after,
		       int64_t freed, uint64_t min_gain)
{
	struct zs_state_device *sd = zs_state_device(&run->state, name, false);

	if (!sd)
		return;
	if (zs_stat_has(after, ZS_MM_MEM_USED_TOTAL) && zs_stat_has(after, ZS_MM_COMPR_DATA_SIZE)) {
		uint64_t used = after->val[ZS_MM_MEM_USED_TOTAL];
		uint64_t compr = after->val[ZS_MM_COMPR_DATA_SIZE];

		sd->left = used > compr ? used - compr : 0;
		sd->left_compr = compr;
		sd->has_left = true;
	}
	if (freed < 0 || (uint64_t)freed < min_gain)
		sd->lean = zs_add_sat(sd->lean, 1);
	else
		sd->lean = 0;
	sd->has_lean = sd->lean > 0;
}

int zs_gate_run_phase(struct zs_gate_run *run, const char *device, enum zs_gate_phase phase)
{
	char tmp[NAME_MAX + 1], name[NAME_MAX + 1], line[128];
	const char *base;
	int dfd, fd, r, len;

	if (run->dry_run || run->fd < 0)
		return 0;
	if (!device || (unsigned int)phase >= ZS_PHASE_COUNT_)
		phase = ZS_PHASE_NONE;
	/* no zs_ctx_begin(): a step's error path, read after it, stays */
	dfd = zs_gate_dir(run->g, false, false, &base);
	if (dfd < 0)
		return dfd;
	if (phase_file_name(base, true, tmp, sizeof(tmp)) < 0 ||
	    phase_file_name(base, false, name, sizeof(name)) < 0)
		return -ENAMETOOLONG;
	len = snprintf(line, sizeof(line), "%lld %s %s %lld\n", (long long)getpid(),
		       phase == ZS_PHASE_NONE ? "none" : phase_names[phase],
		       phase == ZS_PHASE_NONE ? "-" : device, (long long)time(NULL));
	if (len < 0 || (size_t)len >= sizeof(line))
		return -EINVAL;
	/*
	 * Written aside and renamed over the old one: a reader sees the old
	 * line or the new one, never half of one. A .new left by a killed
	 * holder is removed first; in a sticky directory one of another user
	 * cannot be, and O_EXCL then refuses it.
	 */
	unlinkat(dfd, tmp, 0);
	fd = zs_private_openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fd;
	/* 0644 whatever the umask: every user's status reads it */
	r = fchmod(fd, 0644) < 0 ? -errno : write_line(fd, line, (size_t)len);
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	if (r >= 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	return r;
}

int zs_gate_end(struct zs_gate_run *run, uint64_t now)
{
	struct zs_state *st = &run->state;
	int r = 0;

	zs_ctx_begin(run->g->ctx);
	if (!run->dry_run) {
		st->runs = zs_add_sat(st->runs, 1);
		st->freed_total = zs_add_sat(st->freed_total, run->freed);
		st->last_time = now;
		st->last_pid = (uint64_t)getpid();
		st->last_result = run->any_failed    ? ZS_RESULT_FAILED :
				  run->any_compacted ? ZS_RESULT_COMPACTED :
						       ZS_RESULT_NOTHING;
		r = zs_state_save(run->g, st);
	}
	release(run->g, run->fd);
	run->fd = -1;
	return r;
}

void zs_gate_run_free(struct zs_gate_run *run)
{
	if (!run)
		return;
	release(run->g, run->fd);
	free(run);
}
