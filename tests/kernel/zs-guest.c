// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs-guest: the workload of the kernel test, run inside the qemu guest.
 * Built static by tests/kernel/check-kernel.sh; busybox has no tool that
 * writes thousands of pages of chosen compressibility or discards every
 * other page in one process (busybox blkdiscard costs a fork per page).
 *
 *   zs-guest fill DEVICE FIRST COUNT SEED    write COUNT pages from page FIRST
 *   zs-guest verify DEVICE FIRST COUNT SEED  read them back (O_DIRECT: a page
 *                                            written back comes from the
 *                                            backing device) and compare
 *   zs-guest discard DEVICE FIRST COUNT STEP BLKDISCARD every STEP-th page
 *   zs-guest churn DEVICE PAGES SECONDS      rewrite and discard random pages
 *   zs-guest hog MIB SECONDS                 touch MIB of anonymous memory
 *   zs-guest touch MIB ROUNDS SEED           the same, a fixed amount of work:
 *                                            ROUNDS times as many random
 *                                            writes as there are pages
 *
 * Pages are of mixed compressibility (from incompressible to a few bytes,
 * and some same-filled ones), so the zsmalloc pool spreads over many size
 * classes; the generator is fixed, so every run stores the same content.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Page i of a run: every 7th is same-filled, the rest have 0..4095 random bytes. */
static void make_page(unsigned char *p, uint64_t i, uint64_t *seed)
{
	size_t random_bytes;

	if (i % 7 == 6) {
		memset(p, 0x5a, PAGE);
		return;
	}
	random_bytes = (size_t)(next_random(seed) % PAGE) & ~(size_t)7;
	for (size_t j = 0; j < PAGE; j++)
		p[j] = (unsigned char)("zsmalloc compaction gate "[(j + i) % 25]);
	for (size_t j = 0; j < random_bytes; j += 8) {
		uint64_t r = next_random(seed);

		memcpy(p + j, &r, 8);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_dev(const char *dev, int direct)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0));

	if (fd < 0)
		fprintf(stderr, "zs-guest: %s: %s\n", dev, strerror(errno));
	return fd;
}

static int write_page(int fd, const char *dev, unsigned char *page, uint64_t i)
{
	if (pwrite(fd, page, PAGE, (off_t)(i * PAGE)) != PAGE) {
		fprintf(stderr, "zs-guest: %s: write page %llu: %s\n", dev,
			(unsigned long long)i, strerror(errno));
		return -1;
	}
	return 0;
}

static int discard_page(int fd, const char *dev, uint64_t i)
{
	uint64_t range[2] = { i * PAGE, PAGE };

	if (ioctl(fd, BLKDISCARD, range) < 0) {
		fprintf(stderr, "zs-guest: %s: BLKDISCARD page %llu: %s\n", dev,
			(unsigned long long)i, strerror(errno));
		return -1;
	}
	return 0;
}

static int fill(const char *dev, uint64_t first, uint64_t count, uint64_t seed)
{
	unsigned char *page;
	int fd = open_dev(dev, 1);

	if (fd < 0)
		return 1;
	if (posix_memalign((void **)&page, PAGE, PAGE))
		return 1;
	seed |= 1;
	for (uint64_t i = first; i < first + count; i++) {
		make_page(page, i, &seed);
		if (write_page(fd, dev, page, i) < 0)
			return 1;
	}
	free(page);
	return close(fd) < 0;
}

/* What fill wrote, read back: prints the pages that differ, exit 1 if any. */
static int verify(const char *dev, uint64_t first, uint64_t count, uint64_t seed)
{
	unsigned char *want, *got;
	uint64_t bad = 0;
	int fd = open_dev(dev, 1);

	if (fd < 0)
		return 1;
	if (posix_memalign((void **)&want, PAGE, PAGE) || posix_memalign((void **)&got, PAGE, PAGE))
		return 1;
	seed |= 1;
	for (uint64_t i = first; i < first + count; i++) {
		make_page(want, i, &seed);
		if (pread(fd, got, PAGE, (off_t)(i * PAGE)) != PAGE) {
			fprintf(stderr, "zs-guest: %s: read page %llu: %s\n", dev,
				(unsigned long long)i, strerror(errno));
			return 1;
		}
		if (memcmp(want, got, PAGE)) {
			if (bad++ < 8)
				fprintf(stderr, "zs-guest: %s: page %llu differs\n", dev,
					(unsigned long long)i);
		}
	}
	printf("%llu of %llu pages differ\n", (unsigned long long)bad, (unsigned long long)count);
	free(want);
	free(got);
	close(fd);
	return bad != 0;
}

static int discard(const char *dev, uint64_t first, uint64_t count, uint64_t step)
{
	int fd = open_dev(dev, 0);

	if (fd < 0 || !step)
		return 1;
	for (uint64_t i = first; i < first + count; i += step)
		if (discard_page(fd, dev, i) < 0)
			return 1;
	return close(fd) < 0;
}

/* Keep a pool fragmented: rewrite random pages, discard others. */
static int churn(const char *dev, uint64_t pages, double seconds)
{
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	unsigned char *page;
	double end = now() + seconds;
	int fd = open_dev(dev, 1);

	if (fd < 0 || !pages)
		return 1;
	if (posix_memalign((void **)&page, PAGE, PAGE))
		return 1;
	while (now() < end) {
		for (int k = 0; k < 64; k++) {
			uint64_t i = next_random(&seed) % pages;

			make_page(page, i, &seed);
			if (write_page(fd, dev, page, i) < 0)
				return 1;
			if (discard_page(fd, dev, next_random(&seed) % pages) < 0)
				return 1;
		}
	}
	free(page);
	return close(fd) < 0;
}

/* Memory pressure: touch more anonymous memory than the guest has, over and over. */
static int hog(uint64_t mib, double seconds)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, pages = mib * 256;
	double end = now() + seconds;
	unsigned char *mem;

	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "zs-guest: hog: mmap %llu MiB: %s\n", (unsigned long long)mib,
			strerror(errno));
		return 1;
	}
	for (uint64_t i = 0; i < pages; i++)
		make_page(mem + i * PAGE, i, &seed);
	while (now() < end) {
		uint64_t i = next_random(&seed) % pages;

		mem[i * PAGE + next_random(&seed) % PAGE]++;
	}
	munmap(mem, pages * PAGE);
	return 0;
}

/*
 * A fixed amount of memory churn, for bench/kernel-lockstat: fill MIB of
 * pages of mixed compressibility, then write a byte of a random page
 * ROUNDS * pages times. With more such tasks than memory, every write to a
 * page that was swapped out faults it in (a zs_free() when the swap slot
 * goes) and reclaim swaps others out (zs_malloc()), from many tasks at once.
 */
static int touch(uint64_t mib, uint64_t rounds, uint64_t seed)
{
	uint64_t pages = mib * 256;
	unsigned char *mem;

	seed |= 1;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "zs-guest: touch: mmap %llu MiB: %s\n", (unsigned long long)mib,
			strerror(errno));
		return 1;
	}
	for (uint64_t i = 0; i < pages; i++)
		make_page(mem + i * PAGE, i, &seed);
	for (uint64_t n = 0; n < rounds * pages; n++) {
		uint64_t i = next_random(&seed) % pages;

		mem[i * PAGE + next_random(&seed) % PAGE]++;
	}
	munmap(mem, pages * PAGE);
	return 0;
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "zs-guest: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "fill"))
		return fill(argv[2], num(argv[3]), num(argv[4]), num(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "verify"))
		return verify(argv[2], num(argv[3]), num(argv[4]), num(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "discard"))
		return discard(argv[2], num(argv[3]), num(argv[4]), num(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "churn"))
		return churn(argv[2], num(argv[3]), (double)num(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "hog"))
		return hog(num(argv[2]), (double)num(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "touch"))
		return touch(num(argv[2]), num(argv[3]), num(argv[4]));
	fprintf(stderr, "usage: zs-guest fill DEVICE FIRST COUNT SEED\n"
			"       zs-guest verify DEVICE FIRST COUNT SEED\n"
			"       zs-guest discard DEVICE FIRST COUNT STEP\n"
			"       zs-guest churn DEVICE PAGES SECONDS\n"
			"       zs-guest hog MIB SECONDS\n"
			"       zs-guest touch MIB ROUNDS SEED\n");
	return 2;
}
