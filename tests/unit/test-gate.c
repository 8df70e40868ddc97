// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space compaction gate: taking and releasing the flock, a second
 * process turned away (and told who holds it) or waiting its turn, the
 * holder seen through /proc/locks, and the lock paths it refuses.
 */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* ---- helpers --------------------------------------------------------------- */

/* Each test that needs files gets a fresh mkdtemp directory as its state. */
static int dir_setup(void **state)
{
	char *dir = strdup("/tmp/zsctl-unit-gate-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (remove(path) < 0)
		fprintf(stderr, "# cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

/* Runs even when the test failed half-way. */
static int dir_teardown(void **state)
{
	char *dir = *state;

	if (dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, dir_setup, dir_teardown)

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	if (len && write(fd, text, len) != (ssize_t)len)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

static char *read_text(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	close(fd);
	return unit_strndup(buf, (size_t)n);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
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
	char *text = read_text(path), *back;
	int n = 0;

	if (sscanf(text, "%lld %lld\n%n", pid, since, &n) != 2 || n == 0 ||
	    (size_t)n != strlen(text))
		fail_msg("%s holds '%s', expected 'pid since\\n'", path, text);
	back = unit_printf("%lld %lld\n", *pid, *since);
	assert_string_equal(text, back);
	free(back);
	free(text);
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

/* ---- taking and releasing ------------------------------------------------- */

static void test_acquire_fresh(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/compact.lock", dir);
	struct zs_gate_holder h = { .pid = 77, .since = 77, .known = true };
	long long pid, since;
	int fd = -42, fd2 = -42;
	struct stat st;
	time_t t0, t1;

	t0 = time(NULL);
	assert_errno(zs_gate_acquire(path, 0, &fd, &h), 0);
	t1 = time(NULL);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	read_holder_line(path, &pid, &since);
	assert_int_equal(pid, getpid());
	assert_in_range(since, t0, t1);
	assert_errno(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_uid, geteuid());

	/* flock conflicts between open files even within one process */
	h = (struct zs_gate_holder){ 0 };
	assert_errno(zs_gate_acquire(path, 0, &fd2, &h), -EWOULDBLOCK);
	assert_int_equal(fd2, -42);
	assert_true(h.known);
	assert_int_equal(h.pid, getpid());
	assert_int_equal(h.since, since);
	/* no holder wanted */
	assert_errno(zs_gate_acquire(path, 0, &fd2, NULL), -EWOULDBLOCK);
	assert_int_equal(fd2, -42);
	/* the holder line is still the owner's */
	read_holder_line(path, &pid, &since);
	assert_int_equal(pid, getpid());

	/* release empties the file, and the gate can be taken again */
	zs_gate_release(fd);
	assert_errno(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_errno(zs_gate_acquire(path, 0, &fd2, &h), 0);
	read_holder_line(path, &pid, &since);
	assert_int_equal(pid, getpid());
	zs_gate_release(fd2);

	free(path);
}

/* A wait that runs out while the gate stays held. */
static void test_wait_times_out(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/compact.lock", dir);
	struct zs_gate_holder h = { 0 };
	int fd = -1, fd2 = -42;
	double t0, dt;

	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), 0);
	t0 = now_s();
	assert_errno(zs_gate_acquire(path, 0.3, &fd2, &h), -EWOULDBLOCK);
	dt = now_s() - t0;
	if (dt < 0.3 || dt > 1.5)
		fail_msg("gave up after %.3f s, expected 0.3 s", dt);
	assert_int_equal(fd2, -42);
	assert_true(h.known);
	assert_int_equal(h.pid, getpid());
	zs_gate_release(fd);
	free(path);
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
	const char *dir = *state;
	char *path = unit_printf("%s/compact.lock", dir);
	long long pid, since;
	int fd = -1, status;
	pid_t parent = getpid(), child;

	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), 0);
	read_holder_line(path, &pid, &since);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate_holder h = { 0 };
		int cfd = -1, code = 0;

		close(fd); /* the parent's lock is on its open file, not this descriptor */
		if (zs_gate_acquire(path, 0, &cfd, &h) == -EWOULDBLOCK)
			code |= BUSY_WOULDBLOCK;
		if (h.known)
			code |= BUSY_KNOWN;
		if (h.pid == parent)
			code |= BUSY_PID;
		if (h.since == since)
			code |= BUSY_SINCE;
		_exit(code);
	}
	wait_child(child, &status);
	assert_child_bits(status, BUSY_ALL, busy_bits, 4);
	/* the child's attempt changed nothing */
	read_holder_line(path, &pid, &since);
	assert_int_equal(pid, parent);
	zs_gate_release(fd);
	free(path);
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

static void test_wait_other_process(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/compact.lock", dir);
	int fd = -1, status, ready[2];
	pid_t child;
	char c;

	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), 0);
	assert_errno(pipe(ready), 0);
	fflush(NULL);
	child = fork();
	if (child < 0)
		fail_msg("fork: %s", strerror(errno));
	if (child == 0) {
		struct zs_gate_holder h = { 0 };
		long long pid = 0, since = 0;
		int cfd = -1, code = 0;
		char buf[64] = "";
		double t0, dt;
		ssize_t n;

		close(fd);
		close(ready[0]);
		t0 = now_s();
		if (write(ready[1], "r", 1) != 1)
			_exit(100);
		close(ready[1]);
		if (zs_gate_acquire(path, 2.0, &cfd, &h) == 0)
			code |= WAIT_ACQUIRED;
		dt = now_s() - t0;
		if (dt >= 0.29)
			code |= WAIT_WAITED;
		if (dt < 2.0)
			code |= WAIT_IN_TIME;
		n = cfd >= 0 ? pread(cfd, buf, sizeof(buf) - 1, 0) : -1;
		if (n > 0) {
			buf[n] = '\0';
			if (sscanf(buf, "%lld %lld", &pid, &since) == 2 && pid == getpid())
				code |= WAIT_LINE;
		}
		zs_gate_release(cfd);
		_exit(code);
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
	zs_gate_release(fd);
	wait_child(child, &status);
	assert_child_bits(status, WAIT_ALL, wait_bits, 4);
	free(path);
}

/* ---- who holds it ----------------------------------------------------------- */

static void test_query(void **state)
{
	const char *dir = *state;
	char *path = unit_printf("%s/compact.lock", dir);
	struct zs_gate_holder h = { .pid = 77, .since = 77, .known = true };
	long long pid, since;
	bool held = true;
	int fd = -1, fd2 = -42, go[2], ready[2], status;
	pid_t child;
	char c;

	/* no lock file: nobody */
	assert_errno(zs_gate_query(path, &held, &h), 0);
	assert_false(held);
	assert_false(h.known);
	assert_int_equal(h.pid, 0);
	assert_false(exists(path)); /* a query creates nothing */

	/* held by this process */
	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), 0);
	read_holder_line(path, &pid, &since);
	h = (struct zs_gate_holder){ 0 };
	assert_errno(zs_gate_query(path, &held, &h), 0);
	assert_true(held);
	assert_true(h.known);
	assert_int_equal(h.pid, getpid());
	assert_int_equal(h.since, since);
	/* the query took nothing: the gate is still ours alone */
	assert_errno(zs_gate_acquire(path, 0, &fd2, NULL), -EWOULDBLOCK);
	zs_gate_release(fd);

	/* released: the file is there, nobody holds it */
	held = true;
	assert_errno(zs_gate_query(path, &held, &h), 0);
	assert_false(held);
	assert_false(h.known);

	/* a stale holder line names nobody */
	write_file(path, "12345 1700000000\n");
	held = true;
	assert_errno(zs_gate_query(path, &held, &h), 0);
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
		int cfd = -1;

		close(go[1]);
		close(ready[0]);
		if (zs_gate_acquire(path, 0, &cfd, NULL) < 0)
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
	assert_errno(zs_gate_query(path, &held, &h), 0);
	read_holder_line(path, &pid, &since);
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
	assert_errno(zs_gate_query(path, &held, &h), 0);
	assert_false(held);

	free(path);
}

/* ---- lock paths it refuses ---------------------------------------------------- */

static void test_symlink(void **state)
{
	const char *dir = *state;
	char *target = unit_printf("%s/target", dir);
	char *path = unit_printf("%s/compact.lock", dir);
	char *dangling = unit_printf("%s/dangling.lock", dir);
	char *nothing = unit_printf("%s/nothing", dir);
	struct zs_gate_holder h = { 0 };
	bool held = true;
	char *text;
	int fd = -42;

	write_file(target, "precious\n");
	assert_errno(symlink(target, path), 0);
	assert_errno(zs_gate_acquire(path, 0, &fd, &h), -ELOOP);
	assert_int_equal(fd, -42);
	text = read_text(target);
	assert_string_equal(text, "precious\n"); /* not truncated, not written */
	free(text);
	assert_errno(zs_gate_query(path, &held, &h), -ELOOP);

	/* a symlink to nowhere: nothing is created at its target */
	assert_errno(symlink(nothing, dangling), 0);
	assert_errno(zs_gate_acquire(dangling, 0, &fd, &h), -ELOOP);
	assert_int_equal(fd, -42);
	assert_false(exists(nothing));

	free(target);
	free(path);
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
	char *path = unit_printf("%s/compact.lock", dir);

	for (unsigned int i = 0; i < UNIT_N(cases); i++) {
		int fd = -42, r;

		assert_errno(chmod(dir, cases[i].mode), 0);
		assert_errno(zs_check_private_dir(path), cases[i].r);
		r = zs_gate_acquire(path, 0, &fd, NULL);
		if (r != cases[i].r)
			fail_msg("directory mode %#o: %d (%s), expected %d",
				 (unsigned int)cases[i].mode, r, strerror(-r), cases[i].r);
		if (r < 0) {
			assert_int_equal(fd, -42);
			assert_false(exists(path)); /* refused before creating anything */
		} else {
			zs_gate_release(fd);
			assert_errno(unlink(path), 0);
		}
	}
	assert_errno(chmod(dir, 0700), 0);

	/* the directory is a file, or a symlink to a directory */
	{
		char *file = unit_printf("%s/file", dir);
		char *in_file = unit_printf("%s/file/compact.lock", dir);
		char *sub = unit_printf("%s/sub", dir);
		char *link = unit_printf("%s/link", dir);
		char *in_link = unit_printf("%s/link/compact.lock", dir);
		int fd = -42;

		write_file(file, "");
		assert_errno(zs_gate_acquire(in_file, 0, &fd, NULL), -ENOTDIR);
		assert_errno(mkdir(sub, 0700), 0);
		assert_errno(symlink(sub, link), 0);
		/* a directory symlink of our own (Debian's /var/lock) is followed */
		assert_errno(zs_check_private_dir(in_link), 0);
		assert_errno(zs_gate_acquire(in_link, 0, &fd, NULL), 0);
		assert_true(fd >= 0);
		zs_gate_release(fd);
		fd = -42;
		/* another user's is not */
		if (geteuid() == 0) {
			assert_errno(lchown(link, 65534, 65534), 0);
			assert_errno(zs_check_private_dir(in_link), -EPERM);
			assert_errno(zs_gate_acquire(in_link, 0, &fd, NULL), -EPERM);
		}
		assert_int_equal(fd, -42);
		free(file);
		free(in_file);
		free(sub);
		free(link);
		free(in_link);
	}

	/* the lock path is a directory */
	{
		char *d = unit_printf("%s/dir.lock", dir);
		int fd = -42;

		assert_errno(mkdir(d, 0700), 0);
		assert_errno(zs_gate_acquire(d, 0, &fd, NULL), -EISDIR);
		assert_int_equal(fd, -42);
		free(d);
	}
	free(path);
}

static void test_foreign_owner(void **state)
{
	const char *dir = *state;
	char *path, *text;
	struct stat st;
	int fd = -42;

	path = unit_printf("%s/compact.lock", dir);
	write_file(path, "1 2\n");
	assert_errno(chown(path, 65534, 65534), 0);
	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), -EPERM);
	assert_int_equal(fd, -42);
	/* left as it was */
	text = read_text(path);
	assert_string_equal(text, "1 2\n");
	free(text);
	assert_errno(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	/* root's own file is fine */
	assert_errno(chown(path, 0, 0), 0);
	assert_errno(zs_gate_acquire(path, 0, &fd, NULL), 0);
	zs_gate_release(fd);
	free(path);
}

static void test_release_invalid(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	zs_gate_release(-1);
	zs_gate_release(-1);
	/* nothing else was closed */
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DIR_TEST(test_acquire_fresh),
		DIR_TEST(test_wait_times_out),
		DIR_TEST(test_busy_other_process),
		DIR_TEST(test_wait_other_process),
		DIR_TEST(test_query),
		DIR_TEST(test_symlink),
		DIR_TEST(test_dir_modes),
		cmocka_unit_test(test_release_invalid),
		/* last: left out without root, as chown to another uid needs CAP_CHOWN */
		DIR_TEST(test_foreign_owner),
	};
	size_t n = sizeof(tests) / sizeof(tests[0]);

	unit_require_srcdir();
	if (geteuid() != 0) {
		/* not run is not passed: the plan shrinks and says why */
		printf("# test_foreign_owner not run: needs root to chown a file to uid 65534\n");
		n--;
	}
	return _cmocka_run_group_tests("gate", tests, n, NULL, NULL);
}
