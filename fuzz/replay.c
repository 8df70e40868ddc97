// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A main() for a fuzz target without libFuzzer: run it once over every
 * file named on the command line (directories: every file in them). Built
 * with the ordinary compiler by 'make check' (fuzz/replay-TARGET), so the
 * seeds, the corpus and the crash reproducers in fuzz/regress replay under
 * any build, the sanitizer build included, and the targets keep compiling.
 * Prints the number of inputs run; a broken rule aborts.
 */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long runs;

static int run_file(const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	runs++;
	return 0;
}

/* A file, or every file in a directory (not below: seeds are flat). */
static int run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int n, r = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *p;

		if (names[i]->d_name[0] != '.') {
			if (asprintf(&p, "%s/%s", path, names[i]->d_name) < 0)
				abort();
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && run_file(p) < 0)
				r = -1;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	int r = 0;

	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]) < 0)
			r = 1;
	printf("%lu\n", runs);
	return r;
}
