// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the cmocka unit tests, see unit.h. */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

void unit_require_srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	if (!top || !*top) {
		/* no plan printed yet: the TAP driver turns this into an ERROR */
		printf("Bail out! TOP_SRCDIR is not set (run through 'make check')\n");
		fflush(stdout);
		exit(99);
	}
}

const char *unit_abi_dir(void)
{
	static char dir[4096];
	const char *top = getenv("TOP_SRCDIR");

	if (!top || !*top)
		fail_msg("TOP_SRCDIR is not set");
	if (snprintf(dir, sizeof(dir), "%s/tests/data/kernel-abi", top) >= (int)sizeof(dir))
		fail_msg("TOP_SRCDIR is too long");
	return dir;
}

char *unit_load(const char *rel, size_t *lenp)
{
	char path[4096 + 256], *buf;
	size_t len;

	if (snprintf(path, sizeof(path), "%s/%s", unit_abi_dir(), rel) >= (int)sizeof(path))
		fail_msg("path too long: %s", rel);
	buf = unit_read_file(path, &len);
	if (strlen(buf) != len)
		fail_msg("%s holds a NUL byte", path);
	if (len == 0)
		fail_msg("%s is empty", path);
	if (lenp)
		*lenp = len;
	return buf;
}

/* ---- files and directories ---------------------------------------------------- */

const char *unit_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

static char *make_tmpdir(void)
{
	char *dir = NULL;

	if (asprintf(&dir, "%s/zsctl-%s.XXXXXX", unit_tmpdir(), program_invocation_short_name) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

char *unit_mkdtemp(void)
{
	char *dir = make_tmpdir();

	if (!dir)
		fail_msg("cannot make a directory in %s: %s", unit_tmpdir(), strerror(errno));
	return dir;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path) < 0)
		fprintf(stderr, "# cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

void unit_rm_tree(const char *path)
{
	if (path)
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int unit_dir_setup(void **state)
{
	char *dir = make_tmpdir();

	if (!dir) {
		fprintf(stderr, "# cannot make a directory in %s: %s\n", unit_tmpdir(),
			strerror(errno));
		return -1;
	}
	*state = dir;
	return 0;
}

int unit_dir_teardown(void **state)
{
	char *dir = *state;

	if (dir) {
		/* a test may leave its directory unwritable */
		chmod(dir, 0700);
		unit_rm_tree(dir);
	}
	free(dir);
	return 0;
}

void unit_mkdir_p(const char *path, mode_t mode)
{
	char *p = unit_strndup(path, strlen(path));

	/* indexed rather than strchr(p + 1): GCC 12 under -fsanitize=address
	 * cannot see p is non-empty and fails -Werror=stringop-overflow */
	for (size_t i = 1; p[0] && p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		p[i] = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	free(p);
}

int unit_try_write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), r = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len && r == 0) {
		n = write(fd, buf, len);
		if (n < 0)
			r = -errno;
		else if (n == 0)
			r = -EIO;
		else {
			buf += n;
			len -= (size_t)n;
		}
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

void unit_write_file(const char *path, const char *buf, size_t len)
{
	int r = unit_try_write_file(path, buf, len);

	if (r < 0)
		fail_msg("cannot write %s: %s", path, strerror(-r));
}

void unit_write_text(const char *path, const char *text)
{
	unit_write_file(path, text, strlen(text));
}

char *unit_read_file(const char *path, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf;
	FILE *f;

	f = fopen(path, "rbe");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	buf = malloc(cap + 1);
	if (!buf)
		fail_msg("out of memory");
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				fail_msg("out of memory");
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f))
		fail_msg("cannot read %s", path);
	fclose(f);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

char *unit_state_text(unsigned int ndevices, unsigned int first_id, uint64_t runs)
{
	struct zs_state *st = calloc(1, sizeof(*st));
	char *text = NULL;

	if (!st)
		return NULL;
	st->runs = runs;
	for (unsigned int i = 0; i < ndevices; i++) {
		char name[ZS_DEVNAME_MAX];
		struct zs_state_device *d;

		snprintf(name, sizeof(name), "zram%u", first_id + i);
		d = zs_state_device(st, name, true);
		if (!d)
			break;
		d->last_time = 1700000000;
		d->last_result = ZS_RESULT_COMPACTED;
		d->last_freed = 1048576;
	}
	if (zs_state_format(st, &text) < 0)
		text = NULL;
	free(st);
	return text;
}

bool unit_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

struct zs_ctx *unit_live;

int unit_live_setup(void **state)
{
	(void)state;
	return zs_ctx_new(NULL, &unit_live) < 0 ? -1 : 0;
}

int unit_live_teardown(void **state)
{
	(void)state;
	zs_ctx_free(unit_live);
	unit_live = NULL;
	return 0;
}

/* ---- processes, mounts, the plan ------------------------------------------------ */

void unit_run_child(void (*fn)(void *arg, void *out), void *arg, void *out, size_t size)
{
	size_t got = 0;
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		fail_msg("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		const char *b = out;
		size_t left = size;

		close(p[0]);
		fn(arg, out);
		while (left) {
			n = write(p[1], b, left);
			if (n <= 0)
				_exit(2);
			b += n;
			left -= (size_t)n;
		}
		_exit(0);
	}
	close(p[1]);
	while (got < size) {
		n = read(p[0], (char *)out + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("the child process died (status %#x)", status);
	if (got != size)
		fail_msg("the child process reported %zu of %zu bytes", got, size);
}

int unit_limit_file_size(unsigned long long bytes)
{
	struct rlimit rl;

	/* a write past the limit fails with EFBIG instead of killing the process */
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &rl) < 0)
		return -errno;
	rl.rlim_cur = (rlim_t)bytes;
	return setrlimit(RLIMIT_FSIZE, &rl) < 0 ? -errno : 0;
}

int unit_mount_small_tmpfs(const char *dir, const char *size)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "size=%s,mode=0755", size);
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	/* nothing mounted here may reach the host's namespace */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) /* names ignored */
		return -errno;
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return -errno;
	return 0;
}

static void probe_tmpfs(void *arg, void *out)
{
	int *r = out;

	*r = unit_mount_small_tmpfs(arg, "4k");
}

const char *unit_tmpfs_missing(void)
{
	static char why[160];
	char *dir = make_tmpdir();
	int r;

	if (!dir) {
		snprintf(why, sizeof(why), "cannot make a directory in %s: %s", unit_tmpdir(),
			 strerror(errno));
		return why;
	}
	unit_run_child(probe_tmpfs, dir, &r, sizeof(r));
	rmdir(dir);
	free(dir);
	if (r == 0)
		return NULL;
	snprintf(why, sizeof(why), "cannot mount a small tmpfs in a mount namespace: %s",
		 strerror(-r));
	return why;
}

size_t unit_drop_test(struct CMUnitTest *tests, size_t n, const char *name, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tests[i].name, name))
			continue;
		printf("# %s not run: %s\n", name, why);
		memmove(&tests[i], &tests[i + 1], (n - i - 1) * sizeof(*tests));
		return n - 1;
	}
	fail_msg("no test %s to leave out", name);
	return n;
}

char *unit_strndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		fail_msg("out of memory");
	return d;
}

char *unit_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		fail_msg("out of memory");
	return s;
}

size_t unit_offset_of(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	if (!p)
		fail_msg("'%s' not found in the capture", needle);
	return (size_t)(p - s);
}

char *unit_replace(const char *s, const char *from, const char *to)
{
	size_t off = unit_offset_of(s, from);

	return unit_printf("%.*s%s%s", (int)off, s, to, s + off + strlen(from));
}
