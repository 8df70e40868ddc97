// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space compaction gate (lib/gate.c) through its public run:
 * taking and releasing the flock, a second process turned away (told who
 * holds it, and counted) or waiting its turn, the holder seen through
 * /proc/locks, the lock paths and directories it refuses, the run's result
 * words and last result, a state file that cannot be written, and a dump's
 * gate that stays in the dump whatever its symlinks say.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/openat2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* zs_gate_dir: the private-directory check on its own; zs_open_in_root_by_hand */
#include "internal.h"

/* ---- helpers --------------------------------------------------------------- */


static struct zs_gate *new_gate(struct zs_ctx *ctx, const char *lock, const char *state)
{
	struct zs_gate *g = NULL;

	assert_errno(zs_gate_new(ctx, lock, state, &g), 0);
	assert_non_null(g);
	return g;
}

/* The gate of a test's directory: DIR/compact.lock, and its state in DIR/state/. */
struct gate_at {
	char *lock, *state, *state_dir;
	struct zs_gate *g;
};

static void gate_at(struct gate_at *a, const char *dir)
{
	a->lock = unit_printf("%s/compact.lock", dir);
	a->state_dir = unit_printf("%s/state", dir);
	a->state = unit_printf("%s/compact.state", a->state_dir);
	a->g = new_gate(unit_live, a->lock, a->state);
}

static void gate_at_free(struct gate_at *a)
{
	zs_gate_free(a->g);
	free(a->lock);
	free(a->state);
	free(a->state_dir);
}

/* A pointer no call may write over: a failed begin leaves *run alone. */
static struct zs_gate_run *const untouched = (struct zs_gate_run *)&unit_live;

static struct zs_gate_run *take(struct zs_gate *g, double wait)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = untouched;

	assert_errno(zs_gate_begin(g, wait, false, &run, &info), 0);
	assert_true(run != untouched && run != NULL);
	assert_false(info.garbled);
	assert_string_equal(info.set_aside, "");
	return run;
}

static uint64_t turned_away(struct zs_gate *g)
{
	struct zs_gate_view v;

	zs_gate_view_read(g, &v);
	return v.turned_away;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The "pid since\n" line of a held lock file; fails the test when it is not one. */
static void read_holder_line(const char *path, long long *pid, long long *since)
{
	char *text = unit_read_file(path, NULL), *back;
	int n = 0;

	if (sscanf(text, "%lld %lld\n%n", pid, since, &n) != 2 || n == 0 ||
	    (size_t)n != strlen(text))
		fail_msg("%s holds '%s', expected 'pid since\\n'", path, text);
	back = unit_printf("%lld %lld\n", *pid, *since);
	assert_string_equal(text, back);
	free(back);
	free(text);
}

/* This process's descriptors open on path's file: how many, and whether all close on exec. */
static unsigned int fds_on(const char *path, bool *all_cloexec)
{
	struct stat want, st;
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	*all_cloexec = true;
	if (stat(path, &want) < 0)
		return 0;
	d = opendir("/proc/self/fd");
	if (!d)
		fail_msg("cannot list /proc/self/fd: %s", strerror(errno));
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd == dirfd(d) || fstat(fd, &st) < 0)
			continue;
		if (st.st_dev != want.st_dev || st.st_ino != want.st_ino)
			continue;
		n++;
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			*all_cloexec = false;
	}
	closedir(d);
	return n;
}

/*
 * In a forked child: close what it inherited of the parent's lock. flock(2)
 * belongs to the open file, so a child's copy would keep the parent's lock
 * alive after the parent lets go.
 */
static void close_fds_on(const char *path)
{
	struct stat want, st;
	struct dirent *de;
	DIR *d;

	if (stat(path, &want) < 0 || !(d = opendir("/proc/self/fd")))
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(d) && fstat(fd, &st) == 0 &&
		    st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			close(fd);
	}
	closedir(d);
}

static void wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		fail_msg("waitpid: %s", strerror(errno));
}

/* A child's exit code made of these bits; all of them set is success. */
static void assert_child_bits(int status, int want, const char *const names[], int nbits)
{
	char missing[256] = "";
	int code;

	if (!WIFEXITED(status))
		fail_msg("child did not exit (status %#x)", status);
	code = WEXITSTATUS(status);
	if (code == want)
		return;
	for (int i = 0; i < nbits; i++)
		if ((want & (1 << i)) && !(code & (1 << i))) {
			strncat(missing, " not ", sizeof(missing) - strlen(missing) - 1);
			strncat(missing, names[i], sizeof(missing) - strlen(missing) - 1);
		}
	fail_msg("child exit code %d, expected %d:%s", code, want, missing);
}

/*
 * Hold a's gate while a child process runs waiter(a, g) with a gate of its
 * own over the same files, and let go 0.3 s after the child is ready to
 * wait; returns the child's wait status (waiter's result is its exit code).
 */
static int hold_while_waiting(struct gate_at *a, int (*waiter)(struct gate_at *a, struct zs_gate *g))
{
	struct zs_gate_run *run = take(a->g, 0);
	int status, ready[2];
	pid_t child;
	char c;

	assert_errno(pipe(ready), 0);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate *g = NULL;

		close(ready[0]);
		close_fds_on(a->lock);
		if (zs_gate_new(unit_live, a->lock, a->state, &g) < 0)
			_exit(100);
		if (write(ready[1], "r", 1) != 1)
			_exit(101);
		close(ready[1]);
		_exit(waiter(a, g));
	}
	close(ready[1]);
	/* the child is about to wait: hold the gate 0.3 s longer */
	if (read(ready[0], &c, 1) != 1) {
		kill(child, SIGKILL);
		wait_child(child, &status);
		fail_msg("the child died before waiting");
	}
	close(ready[0]);
	usleep(300000);
	zs_gate_run_free(run);
	wait_child(child, &status);
	return status;
}

static unsigned int entries_in(const char *dir)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		fail_msg("cannot list %s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* ---- taking and releasing ------------------------------------------------- */

static void test_acquire_fresh(void **state)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run, *run2;
	struct gate_at a, b;
	long long pid, since;
	bool cloexec;
	struct stat st;
	time_t t0, t1;

	gate_at(&a, *state);
	gate_at(&b, *state); /* a second owner-to-be of the same files */
	t0 = time(NULL);
	run = take(a.g, 0);
	t1 = time(NULL);
	/* the lock is one descriptor, not inherited by what the caller runs */
	assert_int_equal(fds_on(a.lock, &cloexec), 1);
	assert_true(cloexec);
	read_holder_line(a.lock, &pid, &since);
	assert_int_equal(pid, getpid());
	assert_in_range(since, t0, t1);
	assert_errno(stat(a.lock, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_uid, geteuid());
	/* a lock file others can open is one they can hold to switch compaction off */
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_u64_equal(turned_away(a.g), 0);

	/* flock conflicts between open files even within one process */
	for (unsigned int i = 1; i <= 2; i++) {
		run2 = untouched;
		memset(&info, 0x5a, sizeof(info));
		assert_errno(zs_gate_begin(b.g, 0, false, &run2, &info), -EWOULDBLOCK);
		assert_ptr_equal(run2, untouched);
		assert_true(info.holder.known);
		assert_int_equal(info.holder.pid, getpid());
		assert_int_equal(info.holder.since, since);
		assert_string_equal(info.set_aside, "");
		/* each run turned away is counted, before it says it stepped aside */
		assert_u64_equal(turned_away(a.g), i);
	}
	/* the holder line is still the owner's, and its lock its only one */
	read_holder_line(a.lock, &pid, &since);
	assert_int_equal(pid, getpid());
	assert_int_equal(fds_on(a.lock, &cloexec), 1);

	/* the end lets go: the file is emptied, and the gate can be taken again */
	assert_errno(zs_gate_end(run, (uint64_t)time(NULL)), 0);
	assert_int_equal(fds_on(a.lock, &cloexec), 0);
	assert_errno(stat(a.lock, &st), 0);
	assert_int_equal(st.st_size, 0);
	zs_gate_run_free(run);
	run2 = take(b.g, 0);
	read_holder_line(a.lock, &pid, &since);
	assert_int_equal(pid, getpid());
	/* so does a run freed without an end */
	zs_gate_run_free(run2);
	assert_int_equal(fds_on(a.lock, &cloexec), 0);
	assert_errno(stat(a.lock, &st), 0);
	assert_int_equal(st.st_size, 0);

	gate_at_free(&a);
	gate_at_free(&b);
}

/* A wait that runs out while the gate stays held. */
static void test_wait_times_out(void **state)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run, *run2 = untouched;
	struct gate_at a, b;
	double t0, dt;

	gate_at(&a, *state);
	gate_at(&b, *state);
	run = take(a.g, 0);
	t0 = now_s();
	assert_errno(zs_gate_begin(b.g, 0.3, false, &run2, &info), -EWOULDBLOCK);
	dt = now_s() - t0;
	if (dt < 0.3 || dt > 1.5)
		fail_msg("gave up after %.3f s, expected 0.3 s", dt);
	assert_ptr_equal(run2, untouched);
	assert_true(info.holder.known);
	assert_int_equal(info.holder.pid, getpid());
	assert_u64_equal(turned_away(a.g), 1);
	zs_gate_run_free(run);
	gate_at_free(&a);
	gate_at_free(&b);
}

/* ---- a second process ------------------------------------------------------- */

enum {
	BUSY_WOULDBLOCK = 1,
	BUSY_KNOWN = 2,
	BUSY_PID = 4,
	BUSY_SINCE = 8,
	BUSY_ALL = 15,
};

static const char *const busy_bits[] = { "-EWOULDBLOCK", "holder known", "holder pid = parent",
					 "holder since = parent's" };

static void test_busy_other_process(void **state)
{
	struct zs_gate_run *run;
	struct gate_at a;
	long long pid, since;
	int status;
	pid_t parent = getpid(), child;

	gate_at(&a, *state);
	run = take(a.g, 0);
	read_holder_line(a.lock, &pid, &since);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate_begin_info info;
		struct zs_gate_run *crun = NULL;
		struct zs_gate *g = NULL;
		int code = 0;

		/* its own gate, as another zsctl compact would have */
		if (zs_gate_new(unit_live, a.lock, a.state, &g) < 0)
			_exit(100);
		if (zs_gate_begin(g, 0, false, &crun, &info) == -EWOULDBLOCK)
			code |= BUSY_WOULDBLOCK;
		if (info.holder.known)
			code |= BUSY_KNOWN;
		if (info.holder.pid == parent)
			code |= BUSY_PID;
		if (info.holder.since == since)
			code |= BUSY_SINCE;
		_exit(code);
	}
	wait_child(child, &status);
	assert_child_bits(status, BUSY_ALL, busy_bits, 4);
	/* the child's attempt changed nothing but the count */
	read_holder_line(a.lock, &pid, &since);
	assert_int_equal(pid, parent);
	assert_u64_equal(turned_away(a.g), 1);
	zs_gate_run_free(run);
	gate_at_free(&a);
}

enum {
	WAIT_ACQUIRED = 1,
	WAIT_WAITED = 2,  /* at least the 0.3 s the parent kept it */
	WAIT_IN_TIME = 4, /* before its own 2 s deadline */
	WAIT_LINE = 8,	  /* the lock file names the child */
	WAIT_ALL = 15,
};

static const char *const wait_bits[] = { "acquired", "waited 0.3 s", "in less than 2 s",
					 "lock file names the child" };

static int wait_its_turn(struct gate_at *a, struct zs_gate *g)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL;
	long long pid = 0, since = 0;
	double t0 = now_s(), dt;
	char buf[64] = "";
	int code = 0, fd;
	ssize_t n;

	if (zs_gate_begin(g, 2.0, false, &run, &info) == 0)
		code |= WAIT_ACQUIRED;
	dt = now_s() - t0;
	if (dt >= 0.29)
		code |= WAIT_WAITED;
	if (dt < 2.0)
		code |= WAIT_IN_TIME;
	fd = open(a->lock, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%lld %lld", &pid, &since) == 2 && pid == getpid())
			code |= WAIT_LINE;
	}
	if (run)
		zs_gate_end(run, 1);
	return code;
}

static void test_wait_other_process(void **state)
{
	struct gate_at a;

	gate_at(&a, *state);
	assert_child_bits(hold_while_waiting(&a, wait_its_turn), WAIT_ALL, wait_bits, 4);
	/* a run that waited its turn was not turned away */
	assert_u64_equal(turned_away(a.g), 0);
	gate_at_free(&a);
}

/* ---- who holds it ----------------------------------------------------------- */

static void test_query(void **state)
{
	struct zs_gate_holder h = { .pid = 77, .since = 77, .known = true };
	struct zs_gate_begin_info info;
	struct zs_gate_run *run, *run2 = untouched;
	struct gate_at a, b;
	long long pid, since;
	bool held = true;
	int go[2], ready[2], status;
	pid_t child;
	char c;

	gate_at(&a, *state);
	gate_at(&b, *state);
	/* no lock file: nobody */
	assert_errno(zs_gate_query(a.g, &held, &h), 0);
	assert_false(held);
	assert_false(h.known);
	assert_int_equal(h.pid, 0);
	assert_false(unit_exists(a.lock)); /* a query creates nothing */

	/* held by this process */
	run = take(a.g, 0);
	read_holder_line(a.lock, &pid, &since);
	h = (struct zs_gate_holder){ 0 };
	assert_errno(zs_gate_query(b.g, &held, &h), 0);
	assert_true(held);
	assert_true(h.known);
	assert_int_equal(h.pid, getpid());
	assert_int_equal(h.since, since);
	/* the query took nothing: the gate is still the run's alone */
	assert_errno(zs_gate_begin(b.g, 0, false, &run2, &info), -EWOULDBLOCK);
	assert_ptr_equal(run2, untouched);
	zs_gate_run_free(run);

	/* released: the file is there, nobody holds it */
	held = true;
	assert_errno(zs_gate_query(a.g, &held, &h), 0);
	assert_false(held);
	assert_false(h.known);

	/* a stale holder line names nobody */
	unit_write_text(a.lock, "12345 1700000000\n");
	assert_errno(chmod(a.lock, 0600), 0);
	held = true;
	assert_errno(zs_gate_query(a.g, &held, &h), 0);
	assert_false(held);
	assert_false(h.known);
	assert_int_equal(h.pid, 0);

	/* held by another process */
	assert_errno(pipe(go), 0);
	assert_errno(pipe(ready), 0);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate_begin_info cinfo;
		struct zs_gate_run *crun = NULL;
		struct zs_gate *g = NULL;

		close(go[1]);
		close(ready[0]);
		if (zs_gate_new(unit_live, a.lock, a.state, &g) < 0 ||
		    zs_gate_begin(g, 0, false, &crun, &cinfo) < 0)
			_exit(1);
		if (write(ready[1], "h", 1) != 1)
			_exit(2);
		/* hold it until the parent has looked */
		if (read(go[0], &c, 1) < 0)
			_exit(3);
		_exit(0); /* the lock goes with the process */
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(go[1]);
		wait_child(child, &status);
		fail_msg("the child could not take the gate (status %#x)", status);
	}
	h = (struct zs_gate_holder){ 0 };
	held = false;
	assert_errno(zs_gate_query(a.g, &held, &h), 0);
	read_holder_line(a.lock, &pid, &since);
	close(go[1]);
	wait_child(child, &status);
	close(ready[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(held);
	assert_true(h.known);
	assert_int_equal(h.pid, child);
	assert_int_equal(pid, child);
	assert_int_equal(h.since, since);

	/* the child is gone, and its lock with it */
	held = true;
	assert_errno(zs_gate_query(a.g, &held, &h), 0);
	assert_false(held);

	gate_at_free(&a);
	gate_at_free(&b);
}

/* ---- the holder's phase ---------------------------------------------------------- */

/*
 * zs_gate_run_phase() names the device and step in LOCK.phase (0644,
 * replaced whole); a query, from this process or another, gives it while
 * the run holds the flock; the run's end removes it; a holder killed with
 * -9 leaves a file that names a dead pid, and nothing is busy; the next
 * holder removes it. A dry run writes nothing.
 */
static void test_phase(void **state)
{
	struct zs_gate_holder h;
	struct zs_gate_begin_info info;
	struct zs_gate_run *run;
	struct gate_at a, b;
	struct stat st;
	char *phase, *text;
	long long pid, since;
	int ready[2], status;
	bool held;
	pid_t child;
	char c;

	gate_at(&a, *state);
	gate_at(&b, *state);
	phase = unit_printf("%s.phase", a.lock);

	/* nobody: no phase file, and zs_gate_busy() does not read /proc/locks */
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_NONE);
	assert_int_equal(h.pid, 0);

	run = take(a.g, 0);
	assert_false(unit_exists(phase)); /* said nothing yet */
	assert_errno(zs_gate_run_phase(run, "zram7", ZS_PHASE_WRITEBACK), 0);
	text = unit_read_file(phase, NULL);
	assert_int_equal(sscanf(text, "%lld writeback zram7 %lld\n", &pid, &since), 2);
	assert_int_equal(pid, getpid());
	assert_true(since >= 1700000000);
	free(text);
	assert_errno(stat(phase, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	text = unit_printf("%s.new", phase);
	assert_false(unit_exists(text));
	free(text);
	assert_errno(zs_gate_query(b.g, &held, &h), 0);
	assert_true(held);
	assert_int_equal(h.phase, ZS_PHASE_WRITEBACK);
	assert_string_equal(h.device, "zram7");
	assert_int_equal(h.phase_since, since);
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_WRITEBACK);
	assert_int_equal(h.pid, getpid());
	/* between devices */
	assert_errno(zs_gate_run_phase(run, NULL, ZS_PHASE_NONE), 0);
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_NONE);
	assert_int_equal(h.pid, getpid());
	assert_errno(zs_gate_run_phase(run, "zram7", ZS_PHASE_RECOMPRESS), 0);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	assert_false(unit_exists(phase)); /* gone with the gate */
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_NONE);

	/* a dry run says nothing */
	assert_errno(zs_gate_begin(a.g, 0, true, &run, &info), 0);
	assert_errno(zs_gate_run_phase(run, "zram7", ZS_PHASE_WRITEBACK), 0);
	assert_false(unit_exists(phase));
	zs_gate_run_free(run);

	/* killed with -9 in its writeback phase */
	assert_errno(pipe(ready), 0);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate_run *crun = NULL;
		struct zs_gate *g = NULL;

		close(ready[0]);
		if (zs_gate_new(unit_live, a.lock, a.state, &g) < 0 ||
		    zs_gate_begin(g, 0, false, &crun, &info) < 0 ||
		    zs_gate_run_phase(crun, "zram7", ZS_PHASE_WRITEBACK) < 0)
			_exit(1);
		if (write(ready[1], "h", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		wait_child(child, &status);
		fail_msg("the child could not take the gate (status %#x)", status);
	}
	close(ready[0]);
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_WRITEBACK);
	assert_int_equal(h.pid, child);
	kill(child, SIGKILL);
	wait_child(child, &status);
	assert_true(unit_exists(phase)); /* left behind ... */
	assert_errno(zs_gate_busy(b.g, &h), 0);
	assert_int_equal(h.phase, ZS_PHASE_NONE); /* ... and believed by nobody */
	assert_int_equal(h.pid, 0);
	assert_errno(zs_gate_query(b.g, &held, &h), 0);
	assert_false(held);
	assert_int_equal(h.phase, ZS_PHASE_NONE);
	/* the next holder removes it before it says anything */
	run = take(a.g, 0);
	assert_false(unit_exists(phase));
	zs_gate_run_free(run);

	free(phase);
	gate_at_free(&a);
	gate_at_free(&b);
}

/* ---- lock paths it refuses ---------------------------------------------------- */

/* begin refused with err at the lock; state_dir (unless NULL) was not made */
static void assert_lock_refused(struct zs_gate *g, int err, const char *state_dir)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = untouched;

	memset(&info, 0x5a, sizeof(info));
	assert_errno(zs_gate_begin(g, 0, false, &run, &info), err);
	assert_ptr_equal(run, untouched);
	assert_int_equal(info.stage, ZS_GATE_STAGE_LOCK);
	if (state_dir)
		assert_false(unit_exists(state_dir));
}

static void test_symlink(void **state)
{
	const char *dir = *state;
	char *target = unit_printf("%s/target", dir);
	char *dangling = unit_printf("%s/dangling.lock", dir);
	char *nothing = unit_printf("%s/nothing", dir);
	struct zs_gate_holder h = { 0 };
	struct gate_at a;
	struct zs_gate *g;
	bool held = true;
	char *text;

	gate_at(&a, dir);
	unit_write_text(target, "precious\n");
	assert_errno(symlink(target, a.lock), 0);
	assert_lock_refused(a.g, -ELOOP, a.state_dir);
	text = unit_read_file(target, NULL);
	assert_string_equal(text, "precious\n"); /* not truncated, not written */
	free(text);
	assert_errno(zs_gate_query(a.g, &held, &h), -ELOOP);

	/* a symlink to nowhere: nothing is created at its target */
	assert_errno(symlink(nothing, dangling), 0);
	g = new_gate(unit_live, dangling, a.state);
	assert_lock_refused(g, -ELOOP, a.state_dir);
	assert_false(unit_exists(nothing));
	zs_gate_free(g);

	gate_at_free(&a);
	free(target);
	free(dangling);
	free(nothing);
}

static void test_dir_modes(void **state)
{
	static const struct {
		mode_t mode;
		int r;
	} cases[] = {
		{ 0777, -EPERM }, { 0757, -EPERM }, { 0775, -EPERM },
		{ 0770, -EPERM }, { 0722, -EPERM }, { 01777, 0 },
		{ 01775, 0 },	  { 0755, 0 },	    { 0700, 0 },
	};
	const char *dir = *state;
	/* the state apart, in a directory of its own that stays private */
	char *state_dir = unit_printf("%s/st", dir), *lock_dir = unit_printf("%s/lk", dir);
	char *lock = unit_printf("%s/compact.lock", lock_dir);
	char *st = unit_printf("%s/compact.state", state_dir);

	assert_errno(mkdir(state_dir, 0700), 0);
	assert_errno(mkdir(lock_dir, 0700), 0);
	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		struct zs_gate_begin_info info;
		struct zs_gate_run *run = untouched;
		struct zs_gate *g;
		const char *base = NULL;
		int r;

		assert_errno(chmod(lock_dir, cases[i].mode), 0);
		/* a gate checks its directory once: a new gate for each mode */
		g = new_gate(unit_live, lock, st);
		r = zs_gate_dir(g, false, false, &base);
		if ((r < 0 ? r : 0) != cases[i].r)
			fail_msg("directory mode %#o: zs_gate_dir %d (%s), expected %d",
				 (unsigned int)cases[i].mode, r, r < 0 ? strerror(-r) : "ok",
				 cases[i].r);
		assert_string_equal(base, "compact.lock");
		zs_gate_free(g);
		g = new_gate(unit_live, lock, st);
		r = zs_gate_begin(g, 0, false, &run, &info);
		if (r != cases[i].r)
			fail_msg("directory mode %#o: %d (%s), expected %d",
				 (unsigned int)cases[i].mode, r, strerror(-r), cases[i].r);
		if (r < 0) {
			assert_ptr_equal(run, untouched);
			assert_int_equal(info.stage, ZS_GATE_STAGE_LOCK);
			assert_false(unit_exists(lock)); /* refused before creating anything */
		} else {
			zs_gate_run_free(run);
			assert_errno(unlink(lock), 0);
		}
		zs_gate_free(g);
	}
	assert_errno(chmod(lock_dir, 0700), 0);

	/* the directory is a file, or a symlink to a directory */
	{
		char *file = unit_printf("%s/file", dir);
		char *in_file = unit_printf("%s/file/compact.lock", dir);
		char *sub = unit_printf("%s/sub", dir);
		char *link = unit_printf("%s/link", dir);
		char *in_link = unit_printf("%s/link/compact.lock", dir);
		const char *base;
		struct zs_gate *g;

		unit_write_text(file, "");
		g = new_gate(unit_live, in_file, st);
		assert_errno(zs_gate_dir(g, false, false, &base), -ENOTDIR);
		zs_gate_free(g);
		g = new_gate(unit_live, in_file, st);
		assert_lock_refused(g, -ENOTDIR, NULL);
		zs_gate_free(g);
		assert_errno(mkdir(sub, 0700), 0);
		assert_errno(symlink(sub, link), 0);
		/* a directory symlink of our own (Debian's /var/lock) is followed */
		g = new_gate(unit_live, in_link, st);
		assert_true(zs_gate_dir(g, false, false, &base) >= 0);
		zs_gate_free(g);
		g = new_gate(unit_live, in_link, st);
		zs_gate_run_free(take(g, 0));
		free(file);
		file = unit_printf("%s/compact.lock", sub);
		assert_true(unit_exists(file));
		zs_gate_free(g);
		free(file);
		free(in_file);
		free(sub);
		free(link);
		free(in_link);
	}

	/* the lock path is a directory */
	{
		char *d = unit_printf("%s/dir.lock", dir);
		struct zs_gate *g;

		assert_errno(mkdir(d, 0700), 0);
		g = new_gate(unit_live, d, st);
		assert_lock_refused(g, -EISDIR, NULL);
		zs_gate_free(g);
		free(d);
	}

	/* paths a gate is not made of */
	{
		struct zs_gate *g = (struct zs_gate *)&unit_live;

		assert_errno(zs_gate_new(unit_live, "compact.lock", st, &g), -EINVAL);
		assert_errno(zs_gate_new(unit_live, lock, "", &g), -EINVAL);
		assert_errno(zs_gate_new(unit_live, lock, "/var/lib/zsctl/", &g), -EINVAL);
		assert_ptr_equal(g, (struct zs_gate *)&unit_live);
	}
	free(state_dir);
	free(lock_dir);
	free(lock);
	free(st);
}

/* Root only: files and directories of another user (uid 65534). */
static void test_foreign_owner(void **state)
{
	const char *dir = *state;
	struct gate_at a;
	struct stat st;
	char *text;

	gate_at(&a, dir);
	unit_write_text(a.lock, "1 2\n");
	assert_errno(chown(a.lock, 65534, 65534), 0);
	assert_lock_refused(a.g, -EPERM, a.state_dir);
	/* left as it was */
	text = unit_read_file(a.lock, NULL);
	assert_string_equal(text, "1 2\n");
	free(text);
	assert_errno(stat(a.lock, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	/* root's own file is fine */
	assert_errno(chown(a.lock, 0, 0), 0);
	zs_gate_run_free(take(a.g, 0));
	gate_at_free(&a);

	/* a directory symlink of another user's is not followed */
	{
		char *sub = unit_printf("%s/sub", dir), *link = unit_printf("%s/link", dir);
		char *in_link = unit_printf("%s/link/compact.lock", dir);
		char *st_dir = unit_printf("%s/st", dir);
		char *st_path = unit_printf("%s/compact.state", st_dir);
		char *in_sub = unit_printf("%s/compact.lock", sub);
		struct zs_gate *g;
		const char *base;

		assert_errno(mkdir(sub, 0700), 0);
		assert_errno(symlink(sub, link), 0);
		assert_errno(lchown(link, 65534, 65534), 0);
		g = new_gate(unit_live, in_link, st_path);
		assert_errno(zs_gate_dir(g, false, false, &base), -EPERM);
		zs_gate_free(g);
		g = new_gate(unit_live, in_link, st_path);
		assert_lock_refused(g, -EPERM, st_dir);
		zs_gate_free(g);
		assert_false(unit_exists(in_sub));
		free(sub);
		free(link);
		free(in_link);
		free(st_dir);
		free(st_path);
		free(in_sub);
	}

	/*
	 * A directory of another user, whatever its mode: its owner could
	 * swap the files under the gate (the owner check of issue 12).
	 */
	{
		static const mode_t modes[] = { 0755, 0700, 01777 };
		char *other = unit_printf("%s/other", dir);
		char *lock = unit_printf("%s/compact.lock", other);
		char *st_in_other = unit_printf("%s/compact.state", other);
		char *lock_ok = unit_printf("%s/ok.lock", dir);

		assert_errno(mkdir(other, 0755), 0);
		assert_errno(chown(other, 65534, 65534), 0);
		for (unsigned int i = 0; i < UNIT_N(modes); i++) {
			struct zs_gate_begin_info info;
			struct zs_gate_run *run = untouched;
			struct zs_gate *g;
			const char *base;
			bool cloexec;

			assert_errno(chmod(other, modes[i]), 0);
			/* the lock's directory */
			g = new_gate(unit_live, lock, st_in_other);
			assert_errno(zs_gate_dir(g, false, false, &base), -EPERM);
			zs_gate_free(g);
			g = new_gate(unit_live, lock, st_in_other);
			assert_lock_refused(g, -EPERM, NULL);
			assert_false(unit_exists(lock));
			zs_gate_free(g);
			/* the state's directory: taken lock, refused state, let go */
			g = new_gate(unit_live, lock_ok, st_in_other);
			assert_errno(zs_gate_dir(g, true, false, &base), -EPERM);
			zs_gate_free(g);
			g = new_gate(unit_live, lock_ok, st_in_other);
			assert_errno(zs_gate_begin(g, 0, false, &run, &info), -EPERM);
			assert_ptr_equal(run, untouched);
			assert_int_equal(info.stage, ZS_GATE_STAGE_STATE_READ);
			assert_false(unit_exists(st_in_other));
			assert_int_equal(fds_on(lock_ok, &cloexec), 0); /* the lock let go */
			zs_gate_free(g);
		}
		/* root's directory of mode 0755 is fine (the directories of /var/lib) */
		assert_errno(chown(other, 0, 0), 0);
		assert_errno(chmod(other, 0755), 0);
		{
			struct zs_gate *g = new_gate(unit_live, lock, st_in_other);
			struct zs_gate_run *run = take(g, 0);

			assert_errno(zs_gate_end(run, 1700000000), 0);
			zs_gate_run_free(run);
			assert_true(unit_exists(st_in_other));
			zs_gate_free(g);
		}
		free(other);
		free(lock);
		free(st_in_other);
		free(lock_ok);
	}
}

/* ---- freeing, and what is not ours to close ---------------------------------- */

static void test_run_free_invalid(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL;
	struct gate_at a;
	bool cloexec;

	assert_true(fd >= 0);
	zs_gate_run_free(NULL);
	zs_gate_run_free(NULL);
	zs_gate_free(NULL);
	/* a dry run holds no lock: its end and free close nothing */
	gate_at(&a, *state);
	assert_errno(zs_gate_begin(a.g, 0, true, &run, &info), 0);
	assert_non_null(run);
	assert_errno(zs_gate_end(run, 1), 0);
	zs_gate_run_free(run);
	/* a real run ended, then freed: the lock is let go once */
	run = take(a.g, 0);
	assert_errno(zs_gate_end(run, 1), 0);
	assert_int_equal(fds_on(a.lock, &cloexec), 0);
	zs_gate_run_free(run);
	/* nothing else was closed */
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);
	gate_at_free(&a);
}

/* ---- the run's record ------------------------------------------------------------ */

static struct zs_state *load_state(const char *path)
{
	struct zs_state *st = calloc(1, sizeof(*st));
	char *text = unit_read_file(path, NULL);

	assert_non_null(st);
	assert_errno(zs_state_parse(text, st), 0);
	free(text);
	return st;
}

static void assert_device(const struct zs_state *st, const char *name, enum zs_result result,
			  uint64_t time, uint64_t freed)
{
	const struct zs_state_device *d = zs_state_device_find(st, name);

	if (!d)
		fail_msg("no record of %s", name);
	if (d->last_result != result)
		fail_msg("%s: last result %s, expected %s", name, zs_result_name(d->last_result),
			 zs_result_name(result));
	assert_u64_equal(d->last_time, time);
	assert_u64_equal(d->last_freed, freed);
}

static void assert_last_result(const struct zs_state *st, enum zs_result want)
{
	if (st->last_result != want)
		fail_msg("last_result %s (%d), expected %s", zs_result_name(st->last_result),
			 st->last_result, zs_result_name(want));
}

/* One saved run; returns the state as the file says it. */
static struct zs_state *one_run(struct gate_at *a, uint64_t now, const char *const names[],
				const enum zs_result results[], const int64_t freed[], size_t n)
{
	struct zs_gate_run *run = take(a->g, 0);

	for (size_t i = 0; i < n; i++)
		zs_gate_run_record(run, names[i], NULL, results[i], freed[i], now);
	assert_errno(zs_gate_end(run, now), 0);
	zs_gate_run_free(run);
	return load_state(a->state);
}

static void test_run_results(void **state)
{
	const uint64_t t1 = 1700000000, t2 = t1 + 600, t3 = t2 + 600, t4 = t3 + 600;
	struct zs_state *st;
	struct zs_gate_view v;
	struct gate_at a;
	char *text;

	gate_at(&a, *state);

	/* every result in one run: one failure makes the run's result failed */
	{
		static const char *const names[] = { "zram0", "zram1", "zram2", "zram3", "zram4" };
		static const enum zs_result results[] = { ZS_RESULT_COMPACTED, ZS_RESULT_NOTHING,
							   ZS_RESULT_GATED, ZS_RESULT_SKIPPED,
							   ZS_RESULT_FAILED };
		static const int64_t freed[] = { 4096, 0, 0, 0, 8192 };

		st = one_run(&a, t1, names, results, freed, UNIT_N(names));
		assert_u64_equal(st->runs, 1);
		assert_last_result(st, ZS_RESULT_FAILED);
		assert_u64_equal(st->last_time, t1);
		assert_u64_equal(st->last_pid, (uint64_t)getpid());
		/* only what was compacted counts as freed */
		assert_u64_equal(st->freed_total, 4096);
		assert_u64_equal(st->ndevices, 5);
		assert_device(st, "zram0", ZS_RESULT_COMPACTED, t1, 4096);
		assert_device(st, "zram1", ZS_RESULT_NOTHING, t1, 0);
		assert_device(st, "zram2", ZS_RESULT_GATED, t1, 0);
		assert_device(st, "zram3", ZS_RESULT_SKIPPED, t1, 0);
		assert_device(st, "zram4", ZS_RESULT_FAILED, t1, 8192);
		free(st);
		/* in the file's own words */
		text = unit_read_file(a.state, NULL);
		assert_non_null(strstr(text, "\nlast_result failed\n"));
		assert_non_null(strstr(text, "\ndevice zram0 time=1700000000 result=compacted freed=4096\n"));
		assert_non_null(strstr(text, "\ndevice zram1 time=1700000000 result=nothing freed=0\n"));
		assert_non_null(strstr(text, "\ndevice zram2 time=1700000000 result=gated freed=0\n"));
		assert_non_null(strstr(text, "\ndevice zram3 time=1700000000 result=skipped freed=0\n"));
		assert_non_null(strstr(text, "\ndevice zram4 time=1700000000 result=failed freed=8192\n"));
		free(text);
	}
	/* compacted beats nothing, gated and skipped; a shrink is no gain */
	{
		static const char *const names[] = { "zram1", "zram0", "zram2", "zram5" };
		static const enum zs_result results[] = { ZS_RESULT_NOTHING, ZS_RESULT_COMPACTED,
							   ZS_RESULT_GATED, ZS_RESULT_COMPACTED };
		static const int64_t freed[] = { 0, 65536, 0, -4096 };

		st = one_run(&a, t2, names, results, freed, UNIT_N(names));
		assert_u64_equal(st->runs, 2);
		assert_last_result(st, ZS_RESULT_COMPACTED);
		assert_u64_equal(st->freed_total, 4096 + 65536);
		assert_u64_equal(st->ndevices, 6); /* zram5 is new, the others are updated */
		assert_device(st, "zram0", ZS_RESULT_COMPACTED, t2, 65536);
		assert_device(st, "zram5", ZS_RESULT_COMPACTED, t2, 0);
		/* a device the run did not record keeps its record */
		assert_device(st, "zram4", ZS_RESULT_FAILED, t1, 8192);
		free(st);
	}
	/* nothing compacted, nothing failed: nothing */
	{
		static const char *const names[] = { "zram1", "zram2", "zram3" };
		static const enum zs_result results[] = { ZS_RESULT_NOTHING, ZS_RESULT_GATED,
							   ZS_RESULT_SKIPPED };
		static const int64_t freed[] = { 0, 0, 0 };

		st = one_run(&a, t3, names, results, freed, UNIT_N(names));
		assert_u64_equal(st->runs, 3);
		assert_last_result(st, ZS_RESULT_NOTHING);
		assert_u64_equal(st->freed_total, 4096 + 65536);
		free(st);
		/* and a run that recorded no device at all */
		st = one_run(&a, t3 + 1, NULL, NULL, NULL, 0);
		assert_u64_equal(st->runs, 4);
		assert_last_result(st, ZS_RESULT_NOTHING);
		assert_u64_equal(st->last_time, t3 + 1);
		free(st);
	}
	/*
	 * A run that failed before any device (the device list could not be
	 * read): failed, with no device entry, the others kept; and its
	 * failure beats a compaction in the same run.
	 */
	{
		static const char *const names[] = { "zram0", NULL };
		static const enum zs_result results[] = { ZS_RESULT_COMPACTED, ZS_RESULT_FAILED };
		static const int64_t freed[] = { 4096, 0 };

		st = one_run(&a, t4, names + 1, results + 1, freed + 1, 1);
		assert_u64_equal(st->runs, 5);
		assert_last_result(st, ZS_RESULT_FAILED);
		assert_u64_equal(st->ndevices, 6);
		assert_null(zs_state_device_find(st, ""));
		assert_device(st, "zram0", ZS_RESULT_COMPACTED, t2, 65536);
		free(st);
		st = one_run(&a, t4 + 1, names, results, freed, 2);
		assert_last_result(st, ZS_RESULT_FAILED);
		assert_u64_equal(st->freed_total, 4096 + 65536 + 4096);
		assert_u64_equal(st->ndevices, 6);
		assert_device(st, "zram0", ZS_RESULT_COMPACTED, t4 + 1, 4096);
		free(st);
	}
	/* the view says what the file says */
	zs_gate_view_read(a.g, &v);
	assert_true(v.has_state);
	assert_int_equal(v.state_err, 0);
	assert_u64_equal(v.state.runs, 6);
	assert_last_result(&v.state, ZS_RESULT_FAILED);
	assert_false(v.held);
	gate_at_free(&a);
}

/* The sums saturate: a run never wraps a total to a small number. */
static void put_state(struct gate_at *a, uint64_t runs, uint64_t freed_total)
{
	struct zs_state *st = calloc(1, sizeof(*st));
	char *text;

	assert_non_null(st);
	st->runs = runs;
	st->freed_total = freed_total;
	st->last_result = ZS_RESULT_NOTHING;
	if (!unit_exists(a->state_dir))
		assert_errno(mkdir(a->state_dir, 0755), 0);
	assert_errno(zs_state_format(st, &text), 0);
	unit_write_text(a->state, text);
	free(text);
	free(st);
}

static void test_run_saturates(void **state)
{
	static const char *const names[] = { "zram0", "zram1", "zram2" };
	static const enum zs_result results[] = { ZS_RESULT_COMPACTED, ZS_RESULT_COMPACTED,
						   ZS_RESULT_COMPACTED };
	static const int64_t freed[] = { INT64_MAX, INT64_MAX, INT64_MAX };
	struct zs_state *st;
	struct gate_at a;

	gate_at(&a, *state);
	/* the totals of the file */
	put_state(&a, UINT64_MAX, UINT64_MAX - 10);
	st = one_run(&a, 1700000000, names, results, freed, 1);
	assert_u64_equal(st->runs, UINT64_MAX);
	assert_u64_equal(st->freed_total, UINT64_MAX);
	assert_device(st, "zram0", ZS_RESULT_COMPACTED, 1700000000, (uint64_t)INT64_MAX);
	free(st);
	/* the run's own sum: three times 2^63 - 1 */
	put_state(&a, 1, 10);
	st = one_run(&a, 1700000000, names, results, freed, UNIT_N(names));
	assert_u64_equal(st->runs, 2);
	assert_u64_equal(st->freed_total, UINT64_MAX);
	free(st);
	gate_at_free(&a);
}

/* --min-interval counts from the device's last compaction that went through. */
static void test_run_last_compacted(void **state)
{
	static const char *const names[] = { "zram0", "zram1", "zram2", "zram3" };
	static const enum zs_result results[] = { ZS_RESULT_COMPACTED, ZS_RESULT_NOTHING,
						   ZS_RESULT_FAILED, ZS_RESULT_GATED };
	static const int64_t freed[] = { 4096, 0, 0, 0 };
	struct zs_gate_run *run;
	struct gate_at a;

	gate_at(&a, *state);
	/* a first run knows nothing */
	run = take(a.g, 0);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", NULL), 0);
	for (size_t i = 0; i < UNIT_N(names); i++)
		zs_gate_run_record(run, names[i], NULL, results[i], freed[i], 1700000000);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);

	run = take(a.g, 0);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", NULL), 1700000000);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram1", NULL), 0);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram2", NULL), 0);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram3", NULL), 0);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram9", NULL), 0);
	/* what this run records counts from now on */
	zs_gate_run_record(run, "zram1", NULL, ZS_RESULT_COMPACTED, 1, 1700000600);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram1", NULL), 1700000600);
	assert_u64_equal(zs_gate_run_state(run)->ndevices, 4);
	/* a failed compaction does not restart the interval; the record is the failure */
	zs_gate_run_record(run, "zram0", NULL, ZS_RESULT_FAILED, 0, 1700000600);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", NULL), 0);
	zs_gate_run_free(run);
	gate_at_free(&a);
}

/*
 * A device removed and added again under its name (zsctl remove/add, a
 * reboot with a kept state file) or reset since is another device: its
 * record is not the old one's, and the old one's is dropped when it is written.
 */
static void test_run_identity(void **state)
{
	const struct zs_identity first = { .diskseq = 40, .has_diskseq = true,
					   .pages_compacted = 100, .has_pages_compacted = true };
	const struct zs_identity later = { .diskseq = 40, .has_diskseq = true,
					   .pages_compacted = 250, .has_pages_compacted = true };
	const struct zs_identity readded = { .diskseq = 41, .has_diskseq = true,
					     .pages_compacted = 300, .has_pages_compacted = true };
	const struct zs_identity reset = { .pages_compacted = 3, .has_pages_compacted = true };
	const struct zs_identity unknown = { 0 };
	struct zs_gate_run *run;
	struct zs_state *st;
	struct gate_at a;

	gate_at(&a, *state);
	run = take(a.g, 0);
	zs_gate_run_record(run, "zram0", &first, ZS_RESULT_COMPACTED, 4096, 1700000000);
	zs_gate_run_record(run, "zram1", &reset, ZS_RESULT_COMPACTED, 4096, 1700000000);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->ndevices, 2);
	assert_string_equal(st->devices[0].name, "zram0");
	assert_u64_equal(st->devices[0].id.diskseq, 40);
	assert_u64_equal(st->devices[0].id.pages_compacted, 100);
	assert_false(st->devices[1].id.has_diskseq); /* a kernel before 5.15 */
	free(st);

	run = take(a.g, 0);
	/* the same device, compacted since: its record */
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", &later), 1700000000);
	/* what a kernel does not say does not make another device */
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", &unknown), 1700000000);
	/* another diskseq: another device, whatever its counters */
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram0", &readded), 0);
	/* no diskseq, and pages_compacted below the record: reset since */
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram1", &reset), 1700000000);
	assert_u64_equal(zs_gate_run_last_compacted(run, "zram1", &(struct zs_identity){
		.pages_compacted = 2, .has_pages_compacted = true }), 0);
	zs_gate_run_record(run, "zram0", &readded, ZS_RESULT_NOTHING, 0, 1700000600);
	assert_errno(zs_gate_end(run, 1700000600), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->devices[0].id.diskseq, 41);
	assert_u64_equal(st->devices[0].id.pages_compacted, 300);
	assert_int_equal(st->devices[0].last_result, ZS_RESULT_NOTHING);
	assert_u64_equal(st->devices[0].last_freed, 0);
	free(st);
	gate_at_free(&a);
}

/* What a compaction left, and whether it paid, for the estimate and the backoff. */
static void test_run_learn(void **state)
{
	const struct zs_identity id = { .diskseq = 40, .has_diskseq = true,
					.pages_compacted = 100, .has_pages_compacted = true };
	const struct zs_identity readded = { .diskseq = 41, .has_diskseq = true,
					     .pages_compacted = 300, .has_pages_compacted = true };
	struct zs_stat after = { 0 };
	struct zs_gate_run *run;
	struct zs_state *st;
	struct gate_at a;

	assert_errno(zs_parse_mm_stat("16777216 8687442 9056256 0 17936384 585 796 1298 2639 0\n",
				      &after), 0);
	gate_at(&a, *state);
	run = take(a.g, 0);
	zs_gate_run_record(run, "zram0", &id, ZS_RESULT_COMPACTED, 4096, 1700000000);
	zs_gate_run_learn(run, "zram0", &after, 4096, 1048576);
	/* a device with no record of this run learns nothing */
	zs_gate_run_learn(run, "zram9", &after, 4096, 1048576);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->ndevices, 1);
	assert_true(st->devices[0].has_left);
	assert_u64_equal(st->devices[0].left, 9056256 - 8687442);
	assert_u64_equal(st->devices[0].left_compr, 8687442);
	assert_u64_equal(st->devices[0].lean, 1);
	free(st);

	/* another lean one, then one that paid */
	run = take(a.g, 0);
	zs_gate_run_record(run, "zram0", &id, ZS_RESULT_COMPACTED, 0, 1700000600);
	zs_gate_run_learn(run, "zram0", &after, -8192, 1048576);
	assert_errno(zs_gate_end(run, 1700000600), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->devices[0].lean, 2);
	free(st);
	run = take(a.g, 0);
	zs_gate_run_record(run, "zram0", &id, ZS_RESULT_COMPACTED, 1048576, 1700001200);
	zs_gate_run_learn(run, "zram0", &after, 1048576, 1048576);
	assert_errno(zs_gate_end(run, 1700001200), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->devices[0].lean, 0);
	assert_false(st->devices[0].has_lean);
	assert_true(st->devices[0].has_left);
	free(st);

	/* another device under the name inherits nothing learned */
	run = take(a.g, 0);
	zs_gate_run_record(run, "zram0", &readded, ZS_RESULT_FAILED, 0, 1700001800);
	assert_errno(zs_gate_end(run, 1700001800), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_false(st->devices[0].has_left);
	assert_u64_equal(st->devices[0].left, 0);
	assert_u64_equal(st->devices[0].lean, 0);
	free(st);
	gate_at_free(&a);
}

/* A dry run takes nothing and writes nothing. */
static void test_run_dry(void **state)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL, *owner;
	struct gate_at a, b;
	struct stat st0, st1;
	char *before, *after;

	gate_at(&a, *state);
	gate_at(&b, *state);
	assert_errno(zs_gate_begin(a.g, 0, true, &run, &info), 0);
	zs_gate_run_record(run, "zram0", NULL, ZS_RESULT_COMPACTED, 4096, 1700000000);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	assert_false(unit_exists(a.lock));
	assert_false(unit_exists(a.state_dir));

	/* with a state and an owner: the dry run reads the state beside the owner */
	free(one_run(&a, 1700000000, NULL, NULL, NULL, 0));
	owner = take(a.g, 0);
	before = unit_read_file(a.state, NULL);
	assert_errno(stat(a.state, &st0), 0);
	run = NULL;
	assert_errno(zs_gate_begin(b.g, 0, true, &run, &info), 0);
	assert_u64_equal(zs_gate_run_state(run)->runs, 1);
	zs_gate_run_record(run, "zram0", NULL, ZS_RESULT_COMPACTED, 4096, 1700000600);
	assert_errno(zs_gate_end(run, 1700000600), 0);
	zs_gate_run_free(run);
	after = unit_read_file(a.state, NULL);
	assert_string_equal(after, before);
	assert_errno(stat(a.state, &st1), 0);
	assert_int_equal(st1.st_ino, st0.st_ino); /* not even replaced by the same text */
	assert_u64_equal(turned_away(a.g), 0);	  /* and not counted as turned away */
	zs_gate_run_free(owner);
	free(before);
	free(after);
	gate_at_free(&a);
	gate_at_free(&b);
}

/* A garbled state file: set aside by a run, left alone by a dry run. */
static void test_run_garbled_state(void **state)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL;
	struct gate_at a;
	char *prefix, *text;
	struct zs_state *st;

	gate_at(&a, *state);
	assert_errno(mkdir(a.state_dir, 0755), 0);
	unit_write_text(a.state, "garbage\n");
	assert_errno(zs_gate_begin(a.g, 0, true, &run, &info), 0);
	assert_true(info.garbled_ignored);
	assert_false(info.garbled); /* a dry run leaves it where it is */
	assert_string_equal(info.set_aside, "");
	assert_u64_equal(zs_gate_run_state(run)->runs, 0);
	zs_gate_run_free(run);
	text = unit_read_file(a.state, NULL);
	assert_string_equal(text, "garbage\n");
	free(text);

	run = NULL;
	assert_errno(zs_gate_begin(a.g, 0, false, &run, &info), 0);
	assert_false(info.garbled_ignored);
	assert_true(info.garbled);
	prefix = unit_printf("%s.corrupt.", a.state);
	if (strncmp(info.set_aside, prefix, strlen(prefix)))
		fail_msg("set aside as '%s', expected %s<time>.<pid>", info.set_aside, prefix);
	text = unit_read_file(info.set_aside, NULL);
	assert_string_equal(text, "garbage\n");
	free(text);
	/* and a fresh state was written before any device is touched */
	st = load_state(a.state);
	assert_u64_equal(st->runs, 0);
	free(st);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	st = load_state(a.state);
	assert_u64_equal(st->runs, 1);
	free(st);
	free(prefix);
	gate_at_free(&a);
}

/* A state that cannot be read or written: refused, and the lock let go. */
static void test_run_state_refused(void **state)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = untouched;
	struct gate_at a;
	bool cloexec;

	gate_at(&a, *state);
	/* a state directory others can write to */
	assert_errno(mkdir(a.state_dir, 0755), 0);
	assert_errno(chmod(a.state_dir, 0777), 0);
	assert_errno(zs_gate_begin(a.g, 0, false, &run, &info), -EPERM);
	assert_ptr_equal(run, untouched);
	assert_int_equal(info.stage, ZS_GATE_STAGE_STATE_READ);
	assert_int_equal(fds_on(a.lock, &cloexec), 0);
	assert_false(unit_exists(a.state));
	gate_at_free(&a);

	/* a state file that is a symlink: not followed, not replaced */
	gate_at(&a, *state);
	assert_errno(chmod(a.state_dir, 0755), 0);
	assert_errno(symlink("/etc/passwd", a.state), 0);
	run = untouched;
	assert_errno(zs_gate_begin(a.g, 0, false, &run, &info), -ELOOP);
	assert_ptr_equal(run, untouched);
	assert_int_equal(info.stage, ZS_GATE_STAGE_STATE_READ);
	assert_int_equal(fds_on(a.lock, &cloexec), 0);
	gate_at_free(&a);
}

/* ---- short writes ---------------------------------------------------------------- */

/*
 * What a run does when its files cannot be written whole: a full file
 * system (ENOSPC) or a file size limit (EFBIG). The first write() is short
 * and says nothing; the error is the one of the write after it, never a
 * stale errno of an earlier call (issue 12).
 */
struct short_out {
	int setup_err;	   /* the mount, or a set-up step */
	long long bfree;   /* bytes left on the file system before the run */
	size_t old_len;	   /* the state file before the run (begin saves it again) */
	size_t new_len;	   /* the devices the run records (end saves them with the old) */
	int begin_r, stage;
	int end_r;
	int query_r;	   /* who holds the gate after the run */
	bool held;	   /* still held: the lock was not let go */
	bool state_intact; /* the old state file is still there, whole */
	bool tmp_left;	   /* a temporary file was left beside it */
	uint64_t busy;	   /* runs counted as turned away */
};

struct short_in {
	const char *dir;
	unsigned int old_devices; /* devices in the state file before the run */
	unsigned int new_devices; /* devices the run records */
	const char *tmpfs_size;	  /* NULL: a file size limit instead */
	unsigned long long fsize;
	int preset_errno;
};

static void short_run(void *arg, void *outp)
{
	const struct short_in *in = arg;
	struct short_out *out = outp;
	char *lock = NULL, *sdir = NULL, *spath = NULL, *old = NULL, *now = NULL;
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL;
	struct zs_gate *g = NULL;
	struct zs_ctx *ctx = NULL;
	struct statvfs vfs;
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	out->begin_r = out->end_r = out->query_r = 1;
	if (asprintf(&lock, "%s/compact.lock", in->dir) < 0 ||
	    asprintf(&sdir, "%s/state", in->dir) < 0 ||
	    asprintf(&spath, "%s/compact.state", sdir) < 0) {
		out->setup_err = -ENOMEM;
		return;
	}
	if (mkdir(sdir, 0755) < 0 && errno != EEXIST) {
		out->setup_err = -errno;
		return;
	}
	if (in->tmpfs_size) {
		out->setup_err = unit_mount_small_tmpfs(sdir, in->tmpfs_size);
		if (out->setup_err < 0)
			return;
	}
	old = unit_state_text(in->old_devices, 100000000, 7);
	if (!old || (out->setup_err = unit_try_write_file(spath, old, strlen(old))) < 0)
		return;
	if (zs_ctx_new(NULL, &ctx) < 0 || zs_gate_new(ctx, lock, spath, &g) < 0) {
		out->setup_err = -ENOMEM;
		return;
	}
	if (statvfs(sdir, &vfs) == 0)
		out->bfree = (long long)(vfs.f_bavail * vfs.f_frsize);
	now = unit_state_text(in->new_devices, 200000000, 8);
	out->old_len = strlen(old);
	out->new_len = now ? strlen(now) : 0;
	if (!in->tmpfs_size && (out->setup_err = unit_limit_file_size(in->fsize)) < 0)
		return;
	errno = in->preset_errno;
	out->begin_r = zs_gate_begin(g, 0, false, &run, &info);
	out->stage = (int)info.stage;
	if (out->begin_r == 0) {
		for (unsigned int i = 0; i < in->new_devices; i++) {
			char name[ZS_DEVNAME_MAX];

			snprintf(name, sizeof(name), "zram%u", 200000000 + i);
			zs_gate_run_record(run, name, NULL, ZS_RESULT_NOTHING, 0, 1700000000);
		}
		errno = in->preset_errno;
		out->end_r = zs_gate_end(run, 1700000000);
		zs_gate_run_free(run);
	}
	{
		struct zs_gate_holder h;

		out->query_r = zs_gate_query(g, &out->held, &h);
	}
	{
		char buf[1 << 16];
		int fd = open(spath, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (n >= 0) {
			buf[n] = '\0';
			out->state_intact = !strcmp(buf, old);
		}
		if (fd >= 0)
			close(fd);
	}
	d = opendir(sdir);
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".tmp."))
			out->tmp_left = true;
	if (d)
		closedir(d);
	if (zs_state_busy_get(g, &out->busy) < 0)
		out->busy = UINT64_MAX;
	zs_gate_free(g);
	zs_ctx_free(ctx);
	free(lock);
	free(sdir);
	free(spath);
	free(old);
	free(now);
}

/* len: (at least) what the write that is to be short writes */
static void assert_short_setup(const struct short_out *out, const struct short_in *in,
			       size_t len)
{
	if (out->setup_err)
		fail_msg("cannot set the run up: %s", strerror(-out->setup_err));
	/* the state is larger than what is left: its first write is short */
	if (in->tmpfs_size && !(out->bfree > 0 && (unsigned long long)out->bfree < len))
		fail_msg("%lld bytes free for a state of %zu: not a short write", out->bfree,
			 len);
	if (!in->tmpfs_size && len <= in->fsize)
		fail_msg("a state of %zu bytes fits the limit of %llu", len,
			 (unsigned long long)in->fsize);
}

/* After a refused save: the old state whole, nothing beside it, the lock let go, nobody counted. */
static void assert_nothing_half_done(const struct short_out *out)
{
	assert_true(out->state_intact);
	assert_false(out->tmp_left);
	assert_errno(out->query_r, 0);
	assert_false(out->held);
	assert_u64_equal(out->busy, 0);
}

/* zs_gate_end on a full file system: -ENOSPC, the old state kept, the lock let go. */
static void test_run_end_full(void **state)
{
	struct short_in in = { .dir = *state, .old_devices = 10, .new_devices = 200,
			       .tmpfs_size = "8k", .preset_errno = ENOENT };
	struct short_out out;

	unit_run_child(short_run, &in, &out, sizeof(out));
	assert_short_setup(&out, &in, out.new_len);
	assert_errno(out.begin_r, 0);
	assert_errno(out.end_r, -ENOSPC);
	assert_nothing_half_done(&out);
}

/* Proving the state writable fails on a full file system: stage STATE_WRITE, -ENOSPC. */
static void test_run_begin_full(void **state)
{
	/* 140 devices of 68 bytes (version 2): about 9.5 KiB in 3 pages, the fourth left free */
	struct short_in in = { .dir = *state, .old_devices = 140, .new_devices = 0,
			       .tmpfs_size = "16k", .preset_errno = ENOENT };
	struct short_out out;

	unit_run_child(short_run, &in, &out, sizeof(out));
	assert_short_setup(&out, &in, out.old_len);
	assert_errno(out.begin_r, -ENOSPC);
	assert_int_equal(out.stage, ZS_GATE_STAGE_STATE_WRITE);
	assert_nothing_half_done(&out);
}

/* A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored): -EFBIG from every write. */
static void test_run_fsize_limit(void **state)
{
	struct short_in in = { .dir = *state, .old_devices = 1, .new_devices = 20,
			       .fsize = 512, .preset_errno = ENOENT };
	struct short_out out;

	unit_run_child(short_run, &in, &out, sizeof(out));
	assert_short_setup(&out, &in, out.new_len);
	assert_errno(out.begin_r, 0);
	assert_errno(out.end_r, -EFBIG);
	assert_nothing_half_done(&out);

	/* a limit below the lock file's "pid since" line: the lock cannot be taken */
	in.fsize = 5;
	in.new_devices = 0;
	in.old_devices = 0;
	unit_run_child(short_run, &in, &out, sizeof(out));
	assert_int_equal(out.setup_err, 0);
	assert_errno(out.begin_r, -EFBIG);
	assert_int_equal(out.stage, ZS_GATE_STAGE_LOCK);
	assert_nothing_half_done(&out); /* and not counted as turned away: refused */
}

/*
 * The lock line's short write after a wait: the flock polls that failed
 * with EWOULDBLOCK must not make the run say it was turned away.
 */
enum {
	LATE_EFBIG = 1,
	LATE_STAGE = 2,
	LATE_NOT_COUNTED = 4,
	LATE_ALL = 7,
};

static const char *const late_bits[] = { "-EFBIG", "stage LOCK", "not counted as turned away" };

static int wait_under_a_limit(struct gate_at *a, struct zs_gate *g)
{
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = NULL;
	uint64_t busy = 99;
	int code = 0;

	(void)a;
	if (unit_limit_file_size(5) < 0) /* shorter than "PID SINCE\n" */
		return 102;
	if (zs_gate_begin(g, 2.0, false, &run, &info) == -EFBIG)
		code |= LATE_EFBIG;
	if (info.stage == ZS_GATE_STAGE_LOCK)
		code |= LATE_STAGE;
	if (zs_state_busy_get(g, &busy) == 0 && busy == 0)
		code |= LATE_NOT_COUNTED;
	zs_gate_run_free(run);
	return code;
}

static void test_lock_line_after_wait(void **state)
{
	struct gate_at a;

	gate_at(&a, *state);
	assert_child_bits(hold_while_waiting(&a, wait_under_a_limit), LATE_ALL, late_bits, 3);
	gate_at_free(&a);
}

/* ---- a dump's gate stays in the dump ------------------------------------------------ */

/*
 * Under --sysroot the default lock and state files lie below the dump and
 * are opened through the context (openat2 RESOLVE_IN_ROOT): a dump whose
 * run/ points at an absolute host path and whose var/lib points at / gets
 * its gate inside itself, and the host's directories are never written.
 */
static void test_sysroot_confined(void **state)
{
	const char *dir = *state;
	char *dump = unit_printf("%s/dump", dir);
	char *host_run = unit_printf("%s/host-run", dir);
	char *host_lock_dir = unit_printf("%s/lock", host_run);
	char *link = unit_printf("%s/run", dump);
	char *var = unit_printf("%s/var", dump);
	char *var_lib = unit_printf("%s/var/lib", dump);
	/* where the dump's links lead inside the dump */
	char *inner_lock_dir = unit_printf("%s%s/lock", dump, host_run);
	char *inner_lock = unit_printf("%s/zsctl-compact.lock", inner_lock_dir);
	char *inner_state = unit_printf("%s/zsctl/compact.state", dump);
	char *shown = unit_printf("%s/run/lock/zsctl-compact.lock", dump);
	struct zs_gate_begin_info info;
	struct zs_gate_run *run = untouched;
	struct zs_gate_holder h;
	struct zs_gate_view v;
	struct zs_ctx *ctx;
	struct zs_gate *g;
	bool held;

	/* the host's side: what an escape would write into */
	assert_false(unit_exists("/zsctl"));
	unit_mkdir_p(host_lock_dir, 0755);
	assert_errno(mkdir(dump, 0755), 0);
	assert_errno(symlink(host_run, link), 0);
	assert_errno(mkdir(var, 0755), 0);
	assert_errno(symlink("/", var_lib), 0);
	assert_errno(zs_ctx_new(dump, &ctx), 0);

	g = new_gate(ctx, NULL, NULL);
	assert_string_equal(zs_gate_lock_path(g), shown);
	/* the link's target does not exist inside the dump: no lock, none on the host */
	assert_errno(zs_gate_begin(g, 0, false, &run, &info), -ENOENT);
	assert_ptr_equal(run, untouched);
	assert_int_equal(info.stage, ZS_GATE_STAGE_LOCK);
	assert_int_equal(entries_in(host_lock_dir), 0);
	zs_gate_free(g);

	/* with it there, the gate is the dump's */
	unit_mkdir_p(inner_lock_dir, 0755);
	g = new_gate(ctx, NULL, NULL);
	run = take(g, 0);
	assert_true(unit_exists(inner_lock));
	assert_int_equal(entries_in(host_lock_dir), 0);
	assert_true(unit_exists(inner_state)); /* var/lib/zsctl: DUMP/zsctl, not /zsctl */
	assert_false(unit_exists("/zsctl"));
	/* and it is the dump's lock file that /proc/locks shows held */
	assert_errno(zs_gate_query(g, &held, &h), 0);
	assert_true(held);
	assert_int_equal(h.pid, getpid());
	zs_gate_run_record(run, "zram0", NULL, ZS_RESULT_COMPACTED, 4096, 1700000000);
	assert_errno(zs_gate_end(run, 1700000000), 0);
	zs_gate_run_free(run);
	zs_gate_view_read(g, &v);
	assert_true(v.has_state);
	assert_u64_equal(v.state.runs, 1);
	zs_gate_free(g);

	/* a relative link that climbs past the dump's root stays in it too */
	assert_errno(unlink(link), 0);
	assert_errno(symlink("../../../../../../../../../../../..", link), 0);
	free(inner_lock_dir);
	free(inner_lock);
	inner_lock_dir = unit_printf("%s/lock", dump);
	inner_lock = unit_printf("%s/zsctl-compact.lock", inner_lock_dir);
	unit_mkdir_p(inner_lock_dir, 0755);
	g = new_gate(ctx, NULL, NULL);
	zs_gate_run_free(take(g, 0));
	assert_true(unit_exists(inner_lock));
	zs_gate_free(g);
	assert_false(unit_exists("/lock/zsctl-compact.lock"));
	assert_int_equal(entries_in(host_lock_dir), 0);

	zs_ctx_free(ctx);
	free(dump);
	free(host_run);
	free(host_lock_dir);
	free(link);
	free(var);
	free(var_lib);
	free(inner_lock_dir);
	free(inner_lock);
	free(inner_state);
	free(shown);
}

/*
 * Where openat2 is missing (before 5.6; under valgrind 3.19) the context
 * resolves a dump's paths by hand: it must open what openat2's
 * RESOLVE_IN_ROOT opens, and fail where it fails, for every kind of
 * symlink a hostile dump can hold.
 */
static void test_in_root_by_hand(void **state)
{
	static const char *const paths[] = {
		"a/b/c", "dir", "dir/file", ".", "..", "a/..", "a/b/../../dir/file", "dir/",
		"dir/file/", "dir/file/x", "missing", "missing/x", "abs", "abs/file", "chain/file",
		"up", "up/dir/file", "up2/a/b/c", "a/rel/file", "a/absfile", "host", "host/x",
		"dirlink/", "filelink", "filelink/", "dangling", "dangling/", "loop1", "loop1/x",
		"links40/file", "links41/file", "dotdot/dir/file", "run/lock", "var/lib/zsctl",
		"a//b///c", "./a/./b/./c", "a/b/c/..", "slashlink/file", "dir/..",
	};
	static const int flags[] = {
		O_RDONLY, O_RDONLY | O_DIRECTORY, O_PATH, O_PATH | O_NOFOLLOW,
		O_RDONLY | O_NOFOLLOW, O_PATH | O_DIRECTORY,
	};
	const char *dir = *state;
	char *root = unit_printf("%s/root", dir), *host = unit_printf("%s/host", dir);
	char *p;
	int rootfd;

	unit_mkdir_p(host, 0755);
	p = unit_printf("%s/x", host);
	unit_write_text(p, "host's\n"); /* an escape would find this */
	free(p);
	p = unit_printf("%s/a/b", root);
	unit_mkdir_p(p, 0755);
	free(p);
	p = unit_printf("%s/dir", root);
	unit_mkdir_p(p, 0755);
	free(p);
	p = unit_printf("%s/run", root);
	unit_mkdir_p(p, 0755);
	free(p);
	{
		static const struct {
			const char *rel, *text;
		} files[] = { { "a/b/c", "c\n" }, { "dir/file", "file\n" } };
		static const struct {
			const char *rel, *target;
		} links[] = {
			{ "abs", "/dir" },	    { "chain", "abs" },
			{ "up", "../../../../.." }, { "up2", "a/../../.." },
			{ "a/rel", "../dir" },	    { "a/absfile", "/a/b/c" },
			{ "dirlink", "dir" },	    { "filelink", "dir/file" },
			{ "dangling", "nowhere" },  { "loop1", "loop2" },
			{ "loop2", "loop1" },	    { "dotdot", ".." },
			{ "run/lock", "/" },	    { "var", "/a/.." },
			{ "slashlink", "/dir/" },
		};

		for (unsigned int i = 0; i < UNIT_N(files); i++) {
			p = unit_printf("%s/%s", root, files[i].rel);
			unit_write_text(p, files[i].text);
			free(p);
		}
		for (unsigned int i = 0; i < UNIT_N(links); i++) {
			p = unit_printf("%s/%s", root, links[i].rel);
			assert_errno(symlink(links[i].target, p), 0);
			free(p);
		}
		/* an absolute host path, and chains of 40 and 41 links to dir */
		p = unit_printf("%s/host", root);
		assert_errno(symlink(host, p), 0);
		free(p);
		for (unsigned int i = 0; i < 41; i++) {
			char *target = i ? unit_printf("links%u", i) : unit_printf("dir");

			p = unit_printf("%s/links%u", root, i + 1);
			assert_errno(symlink(target, p), 0);
			free(p);
			free(target);
		}
	}
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	for (unsigned int i = 0; i < UNIT_N(paths); i++) {
		for (unsigned int f = 0; f < UNIT_N(flags); f++) {
			struct open_how how = { .flags = (uint64_t)(flags[f] | O_CLOEXEC),
						.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
			int want = (int)syscall(SYS_openat2, rootfd, paths[i], &how, sizeof(how));
			int got = zs_open_in_root_by_hand(rootfd, paths[i], flags[f]);
			struct stat ws, gs;

			if (want < 0 && errno == ENOSYS)
				fail_msg("this kernel has no openat2 to compare with");
			want = want < 0 ? -errno : want;
			if ((want < 0 || got < 0) && want != got)
				fail_msg("%s (flags %#o): %d (%s) by hand, %d (%s) by openat2",
					 paths[i], flags[f], got, got < 0 ? strerror(-got) : "an fd",
					 want, want < 0 ? strerror(-want) : "an fd");
			if (want >= 0) {
				assert_errno(fstat(want, &ws), 0);
				assert_errno(fstat(got, &gs), 0);
				if (ws.st_dev != gs.st_dev || ws.st_ino != gs.st_ino)
					fail_msg("%s (flags %#o): inode %llu by hand, %llu by openat2",
						 paths[i], flags[f], (unsigned long long)gs.st_ino,
						 (unsigned long long)ws.st_ino);
				assert_int_equal(fcntl(got, F_GETFL) & O_ACCMODE,
						 fcntl(want, F_GETFL) & O_ACCMODE);
				assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
				close(want);
				close(got);
			}
		}
	}
	close(rootfd);
	free(root);
	free(host);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		UNIT_DIR_TEST(test_acquire_fresh),
		UNIT_DIR_TEST(test_wait_times_out),
		UNIT_DIR_TEST(test_busy_other_process),
		UNIT_DIR_TEST(test_wait_other_process),
		UNIT_DIR_TEST(test_query),
		UNIT_DIR_TEST(test_phase),
		UNIT_DIR_TEST(test_symlink),
		UNIT_DIR_TEST(test_dir_modes),
		UNIT_DIR_TEST(test_run_free_invalid),
		UNIT_DIR_TEST(test_run_results),
		UNIT_DIR_TEST(test_run_saturates),
		UNIT_DIR_TEST(test_run_last_compacted),
		UNIT_DIR_TEST(test_run_identity),
		UNIT_DIR_TEST(test_run_learn),
		UNIT_DIR_TEST(test_run_dry),
		UNIT_DIR_TEST(test_run_garbled_state),
		UNIT_DIR_TEST(test_run_state_refused),
		UNIT_DIR_TEST(test_run_fsize_limit),
		UNIT_DIR_TEST(test_lock_line_after_wait),
		UNIT_DIR_TEST(test_run_end_full),
		UNIT_DIR_TEST(test_run_begin_full),
		UNIT_DIR_TEST(test_sysroot_confined),
		UNIT_DIR_TEST(test_in_root_by_hand),
		UNIT_DIR_TEST(test_foreign_owner),
	};
	size_t n = UNIT_N(tests);
	const char *why;

	unit_require_srcdir();
	if (geteuid() != 0)
		n = unit_drop_test(tests, n, "test_foreign_owner",
				   "needs root to chown files and directories to uid 65534");
	{
		struct open_how how = { .flags = O_PATH };
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));

		if (fd >= 0)
			close(fd);
		else if (errno == ENOSYS)
			n = unit_drop_test(tests, n, "test_in_root_by_hand",
					   "no openat2 here (before Linux 5.6, or valgrind) to compare with");
	}
	why = unit_tmpfs_missing();
	if (why) {
		n = unit_drop_test(tests, n, "test_run_end_full", why);
		n = unit_drop_test(tests, n, "test_run_begin_full", why);
	}
	return _cmocka_run_group_tests("gate", tests, n, unit_live_setup, unit_live_teardown);
}
