// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zram-fill: fill a zram device with pages of mixed compressibility, and
 * fragment its pool by discarding every other page, as the live tests and
 * benchmarks need. Not installed.
 *
 *   zram-fill DEVICE PAGES            write PAGES pages from offset 0
 *   zram-fill --discard DEVICE PAGES  BLKDISCARD every other page
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PAGE 4096

/* A fixed generator: the same device content on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Page i is one of: random (incompressible: a huge page), half random,
 * text-like (compresses well), a quarter random, or all one byte (a
 * same-filled page, stored without memory).
 */
static void make_page(unsigned char *p, uint64_t i, uint64_t *seed)
{
	size_t random_bytes;

	switch (i % 5) {
	case 0:
		random_bytes = PAGE;
		break;
	case 1:
		random_bytes = PAGE / 2;
		break;
	case 2:
		random_bytes = 0;
		break;
	case 3:
		random_bytes = PAGE / 4;
		break;
	default:
		memset(p, 0x5a, PAGE);
		return;
	}
	for (size_t j = 0; j < PAGE; j++)
		p[j] = (unsigned char)("zsmalloc compaction "[(j + i) % 20]);
	for (size_t j = 0; j < random_bytes; j += 8) {
		uint64_t r = next_random(seed);

		memcpy(p + j, &r, 8);
	}
}

int main(int argc, char **argv)
{
	bool discard = argc == 4 && !strcmp(argv[1], "--discard");
	const char *dev;
	unsigned long long pages;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	unsigned char *page;
	int fd;

	if (argc != 3 && !discard) {
		fprintf(stderr, "usage: zram-fill [--discard] DEVICE PAGES\n");
		return 2;
	}
	dev = argv[argc - 2];
	pages = strtoull(argv[argc - 1], NULL, 10);
	fd = open(dev, O_RDWR | O_CLOEXEC | (discard ? 0 : O_DIRECT));
	if (fd < 0) {
		fprintf(stderr, "zram-fill: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (discard) {
		for (unsigned long long i = 0; i < pages; i += 2) {
			uint64_t range[2] = { i * PAGE, PAGE };

			if (ioctl(fd, BLKDISCARD, range) < 0) {
				fprintf(stderr, "zram-fill: %s: BLKDISCARD: %s\n", dev, strerror(errno));
				return 1;
			}
		}
		close(fd);
		return 0;
	}
	if (posix_memalign((void **)&page, PAGE, PAGE)) {
		fprintf(stderr, "zram-fill: out of memory\n");
		return 1;
	}
	for (unsigned long long i = 0; i < pages; i++) {
		make_page(page, i, &seed);
		if (pwrite(fd, page, PAGE, (off_t)(i * PAGE)) != PAGE) {
			fprintf(stderr, "zram-fill: %s: write: %s\n", dev, strerror(errno));
			return 1;
		}
	}
	if (fsync(fd) < 0) {
		fprintf(stderr, "zram-fill: %s: fsync: %s\n", dev, strerror(errno));
		return 1;
	}
	free(page);
	close(fd);
	return 0;
}
