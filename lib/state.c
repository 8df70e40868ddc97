// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl compact's state file: what the gate owner did, replaced atomically
 * (temporary file, fsync, rename, fsync of the directory) so that a kill
 * at any moment leaves the old or the new state, never half of one.
 *
 * The processes turned away by the gate do not touch it: each appends one
 * byte to "<state>.busy" (O_APPEND, no lock), so they never wait for the
 * owner's fsync and the owner never waits for them; the file's size is the
 * count. A kill can lose no count that was reported: the byte is written
 * before the loser says it stepped aside.
 *
 * Every file is opened relative to the state directory's descriptor, so a
 * dump's gate stays in the dump whatever its symlinks say.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define STATE_MAGIC "# zsctl compact state"
#define STATE_VERSION 2 /* device lines of key=value; version 1 is read too */

struct zs_state_device *zs_state_device(struct zs_state *st, const char *name, bool create)
{
	for (size_t i = 0; i < st->ndevices; i++)
		if (!strcmp(st->devices[i].name, name))
			return &st->devices[i];
	if (!create || st->ndevices == ZS_STATE_MAX_DEVICES)
		return NULL;
	memset(&st->devices[st->ndevices], 0, sizeof(st->devices[0]));
	snprintf(st->devices[st->ndevices].name, sizeof(st->devices[0].name), "%s", name);
	return &st->devices[st->ndevices++];
}

const struct zs_state_device *zs_state_device_find(const struct zs_state *st, const char *name)
{
	return zs_state_device((struct zs_state *)st, name, false);
}

const struct zs_state_device *zs_state_device_of(const struct zs_state *st, const char *name,
						 const struct zs_identity *id)
{
	const struct zs_state_device *sd = zs_state_device_find(st, name);

	return sd && (!id || zs_identity_same(&sd->id, id)) ? sd : NULL;
}

/* A result word of the file: never NONE (an empty word is no word). */
static int parse_result(const char *s, enum zs_result *ret)
{
	return zs_result_parse(s, ret) < 0 ? -EBADMSG : 0;
}

/*
 * The keys of a device line (version 2), each described once: its word,
 * its place in struct zs_state_device, and the flag that says it is there
 * (a value the kernel did not give, diskseq before 5.15, is no key).
 */
enum key_kind {
	KEY_U64,
	KEY_RESULT,
	KEY_MAINT_RESULT, /* enum zs_maint_result, in an unsigned int */
	KEY_WB_HOURS,	  /* struct zs_maint_record's hours: START:PAGES,... */
};

struct device_key {
	const char *word;
	enum key_kind kind;
	size_t offset;
	ssize_t has; /* offset of its bool, or -1: always written */
};

static const struct device_key device_keys[] = {
	{ "diskseq", KEY_U64, offsetof(struct zs_state_device, id.diskseq),
	  offsetof(struct zs_state_device, id.has_diskseq) },
	{ "pages_compacted", KEY_U64, offsetof(struct zs_state_device, id.pages_compacted),
	  offsetof(struct zs_state_device, id.has_pages_compacted) },
	{ "time", KEY_U64, offsetof(struct zs_state_device, last_time), -1 },
	{ "result", KEY_RESULT, offsetof(struct zs_state_device, last_result), -1 },
	{ "freed", KEY_U64, offsetof(struct zs_state_device, last_freed), -1 },
	/* zsctl maintain: backoffs, the daily writeback budget, the last results */
#define MAINT(field) offsetof(struct zs_state_device, maint.field)
	{ "rc_time", KEY_U64, MAINT(rc_time), MAINT(has_recompress) },
	{ "rc_result", KEY_MAINT_RESULT, MAINT(rc_result), MAINT(has_recompress) },
	{ "wb_time", KEY_U64, MAINT(wb_time), MAINT(has_writeback) },
	{ "wb_result", KEY_MAINT_RESULT, MAINT(wb_result), MAINT(has_writeback) },
	{ "wb_day", KEY_U64, MAINT(wb_day), MAINT(has_writeback) },
	{ "wb_day_pages", KEY_U64, MAINT(wb_day_pages), MAINT(has_writeback) },
	{ "wb_hours", KEY_WB_HOURS, offsetof(struct zs_state_device, maint), MAINT(has_writeback) },
	{ "idle_all", KEY_U64, MAINT(idle_all), MAINT(has_idle_all) },
#undef MAINT
	/* what the last compaction left: the estimate's learned floor */
	{ "left", KEY_U64, offsetof(struct zs_state_device, left),
	  offsetof(struct zs_state_device, has_left) },
	{ "left_compr", KEY_U64, offsetof(struct zs_state_device, left_compr),
	  offsetof(struct zs_state_device, has_left) },
	/* compactions in a row that freed less than --min-gain: the policy backs off */
	{ "lean", KEY_U64, offsetof(struct zs_state_device, lean),
	  offsetof(struct zs_state_device, has_lean) },
};

/* "START:PAGES,..." (at most ZS_WB_HOURS, none empty) */
static int parse_wb_hours(const char *s, struct zs_maint_record *rec)
{
	char *copy = strdup(s), *next = copy, *tok;
	int r = copy ? 0 : -ENOMEM;

	rec->wb_nhours = 0;
	while (!r && (tok = strsep(&next, ","))) {
		struct zs_wb_hour *h = &rec->wb_hours[rec->wb_nhours];
		char *colon = strchr(tok, ':');

		if (rec->wb_nhours >= ZS_WB_HOURS || !colon || colon == tok || !colon[1]) {
			r = -EBADMSG;
			break;
		}
		*colon = '\0';
		if (zs_parse_u64(tok, &h->start) < 0 || zs_parse_u64(colon + 1, &h->pages) < 0)
			r = -EBADMSG;
		rec->wb_nhours++;
	}
	free(copy);
	if (r < 0)
		rec->wb_nhours = 0;
	return r;
}

/* seen: a bit per device_keys row, so a key given twice is a garbled line */
static int device_set(struct zs_state_device *d, const char *tok, unsigned int *seen)
{
	const char *eq = strchr(tok, '=');
	size_t klen = eq ? (size_t)(eq - tok) : 0;
	size_t len;

	if (!eq || !klen)
		return -EBADMSG;
	for (size_t i = 0; i < ZS_ARRAY_SIZE(device_keys); i++) {
		const struct device_key *k = &device_keys[i];
		char *field = (char *)d + k->offset;
		int r;

		if (strlen(k->word) != klen || memcmp(k->word, tok, klen))
			continue;
		if (*seen & (1u << i))
			return -EBADMSG;
		*seen |= 1u << i;
		if (k->kind == KEY_MAINT_RESULT) {
			enum zs_maint_result mr = ZS_MAINT_NONE;

			r = zs_maint_result_parse(eq + 1, &mr);
			*(unsigned int *)field = mr;
		} else if (k->kind == KEY_WB_HOURS) {
			r = parse_wb_hours(eq + 1, (struct zs_maint_record *)field);
		} else {
			r = k->kind == KEY_U64 ? zs_parse_u64(eq + 1, (uint64_t *)field) :
						 parse_result(eq + 1, (enum zs_result *)field);
		}
		if (r < 0)
			return -EBADMSG;
		if (k->has >= 0)
			*(bool *)((char *)d + k->has) = true;
		return 0;
	}
	/* a newer zsctl's key: kept as it is, written back */
	len = strlen(d->extra);
	if (len + 1 + strlen(tok) >= sizeof(d->extra))
		return -EBADMSG;
	snprintf(d->extra + len, sizeof(d->extra) - len, "%s%s", len ? " " : "", tok);
	return 0;
}

/* "device NAME k=v ..." (version 2) or "device NAME TIME RESULT FREED" (version 1) */
static int parse_device(struct zs_state *st, char *line, unsigned int version)
{
	struct zs_state_device *d;
	char *save = NULL, *tok, *name;
	unsigned int seen = 0;
	int r = 0;

	strtok_r(line, " ", &save); /* "device" */
	name = strtok_r(NULL, " ", &save);
	if (!name || !zs_devname_valid(name) || zs_state_device(st, name, false))
		return -EBADMSG;
	d = zs_state_device(st, name, true);
	if (!d)
		return -EBADMSG;
	if (version == 1) {
		char *t = strtok_r(NULL, " ", &save), *res = strtok_r(NULL, " ", &save);
		char *freed = strtok_r(NULL, " ", &save);

		if (!t || !res || !freed || strtok_r(NULL, " ", &save) ||
		    zs_parse_u64(t, &d->last_time) < 0 || parse_result(res, &d->last_result) < 0 ||
		    zs_parse_u64(freed, &d->last_freed) < 0)
			return -EBADMSG;
		return 0;
	}
	while (!r && (tok = strtok_r(NULL, " ", &save)))
		r = device_set(d, tok, &seen);
	/* what every record has */
	if (!r && d->last_result == ZS_RESULT_NONE)
		r = -EBADMSG;
	return r;
}

int zs_state_parse(const char *text, struct zs_state *ret)
{
	struct zs_state *st;
	char *copy, *line, *save = NULL;
	bool magic = false, end = false;
	unsigned int version = 0;
	int r = 0;

	st = calloc(1, sizeof(*st));
	copy = strdup(text);
	if (!st || !copy) {
		free(st);
		free(copy);
		return -ENOMEM;
	}
	/* the file is written whole or not at all: it must end in a newline */
	if (!*text || text[strlen(text) - 1] != '\n')
		r = -EBADMSG;
	for (line = strtok_r(copy, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save)) {
		char key[32], a[64], extra;
		int n;

		if (!magic) {
			if (strcmp(line, STATE_MAGIC))
				r = -EBADMSG;
			magic = true;
			continue;
		}
		if (end) {
			r = -EBADMSG; /* nothing after the end marker */
			continue;
		}
		if (!strcmp(line, "end")) {
			end = true;
			continue;
		}
		if (!strncmp(line, "device ", 7)) {
			r = version ? parse_device(st, line, version) : -EBADMSG;
			continue;
		}
		n = sscanf(line, "%31s %63s %c", key, a, &extra);
		if (n == 2 && !strcmp(key, "version")) {
			uint64_t v;

			if (version || zs_parse_u64(a, &v) < 0 || v < 1 || v > STATE_VERSION)
				r = -EBADMSG;
			else
				version = (unsigned int)v;
		} else if (n == 2 && !strcmp(key, "runs")) {
			r = zs_parse_u64(a, &st->runs);
		} else if (n == 2 && !strcmp(key, "freed_total")) {
			r = zs_parse_u64(a, &st->freed_total);
		} else if (n == 2 && !strcmp(key, "last_time")) {
			r = zs_parse_u64(a, &st->last_time);
		} else if (n == 2 && !strcmp(key, "last_pid")) {
			r = zs_parse_u64(a, &st->last_pid);
		} else if (n == 2 && !strcmp(key, "last_result")) {
			r = parse_result(a, &st->last_result);
		} else {
			r = -EBADMSG;
		}
		if (r == -EINVAL || r == -ERANGE)
			r = -EBADMSG;
	}
	free(copy);
	/* the end marker tells a whole file from one cut at a line boundary */
	if (!r && (!magic || !version || !end))
		r = -EBADMSG;
	if (r < 0) {
		free(st);
		return r;
	}
	*ret = *st;
	free(st);
	return 0;
}

int zs_state_format(const struct zs_state *st, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\nversion %d\n", STATE_MAGIC, STATE_VERSION);
	fprintf(f, "runs %" PRIu64 "\nfreed_total %" PRIu64 "\n", st->runs, st->freed_total);
	if (st->last_result != ZS_RESULT_NONE)
		fprintf(f, "last_time %" PRIu64 "\nlast_pid %" PRIu64 "\nlast_result %s\n",
			st->last_time, st->last_pid, zs_result_name(st->last_result));
	for (size_t i = 0; i < st->ndevices; i++) {
		const struct zs_state_device *d = &st->devices[i];

		fprintf(f, "device %s", d->name);
		for (size_t k = 0; k < ZS_ARRAY_SIZE(device_keys); k++) {
			const struct device_key *dk = &device_keys[k];
			const char *field = (const char *)d + dk->offset;

			if (dk->has >= 0 && !*(const bool *)((const char *)d + dk->has))
				continue;
			if (dk->kind == KEY_WB_HOURS) {
				const struct zs_maint_record *rec = (const void *)field;

				for (unsigned int h = 0; h < rec->wb_nhours; h++)
					fprintf(f, "%s%" PRIu64 ":%" PRIu64,
						h ? "," : " wb_hours=", rec->wb_hours[h].start,
						rec->wb_hours[h].pages);
			} else if (dk->kind == KEY_U64)
				fprintf(f, " %s=%" PRIu64, dk->word, *(const uint64_t *)field);
			else if (dk->kind == KEY_MAINT_RESULT)
				fprintf(f, " %s=%s", dk->word,
					zs_maint_result_name(*(const unsigned int *)field));
			else
				fprintf(f, " %s=%s", dk->word,
					zs_result_name(*(const enum zs_result *)field));
		}
		if (d->extra[0])
			fprintf(f, " %s", d->extra);
		fputc('\n', f);
	}
	fputs("end\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

int zs_state_load(struct zs_gate *g, struct zs_state *ret)
{
	const char *base;
	char *text = NULL;
	int dfd, fd, r;

	dfd = zs_gate_dir(g, true, false, &base);
	fd = dfd < 0 ? dfd : zs_private_openat(dfd, base, O_RDONLY, 0);
	if (fd == -ENOENT) {
		memset(ret, 0, sizeof(*ret));
		return 0; /* the first run */
	}
	if (fd < 0)
		return zs_ctx_fail(g->ctx, g->state_path + 1, fd);
	if (g->state_in_root)
		zs_ctx_note_read(g->ctx, g->state_path + 1);
	r = zs_read_fd_all(fd, 1024 * 1024, &text, NULL);
	close(fd);
	if (r == -EINVAL || r == -EFBIG)
		r = -EBADMSG; /* a NUL in it, or far larger than zsctl writes */
	if (r < 0)
		return r;
	r = zs_state_parse(text, ret);
	free(text);
	return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		/* a short write is followed by one that says why (ENOSPC) */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int zs_state_save(struct zs_gate *g, const struct zs_state *st)
{
	char tmp[NAME_MAX + 1], *text = NULL;
	const char *base;
	int dfd, fd, r;

	r = zs_state_format(st, &text);
	if (r < 0)
		return r;
	dfd = zs_gate_dir(g, true, true, &base);
	if (dfd < 0) {
		free(text);
		return dfd;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", base, (long)getpid()) >= (int)sizeof(tmp)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	/*
	 * Only the gate's owner saves, so a file of this name is a killed
	 * owner's leftover (pids come back): remove it, then create anew.
	 */
	if (unlinkat(dfd, tmp, 0) < 0 && errno != ENOENT) {
		r = -errno;
		goto out;
	}
	fd = zs_private_openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0644);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	r = write_all(fd, text, strlen(text));
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	else if (fsync(dfd) < 0)
		r = -errno;
out:
	free(text);
	return r < 0 ? zs_ctx_fail(g->ctx, g->state_path + 1, r) : 0;
}

static int busy_name(const char *base, char *out, size_t size)
{
	return snprintf(out, size, "%s.busy", base) >= (int)size ? -ENAMETOOLONG : 0;
}

int zs_state_busy_add(struct zs_gate *g)
{
	char name[NAME_MAX + 1];
	const char *base;
	int dfd, fd, r;

	dfd = zs_gate_dir(g, true, true, &base);
	if (dfd < 0)
		return dfd;
	r = busy_name(base, name, sizeof(name));
	fd = r < 0 ? r : zs_private_openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return fd;
	r = write(fd, "x", 1) == 1 ? 0 : errno ? -errno : -EIO;
	close(fd);
	return r;
}

int zs_state_busy_get(struct zs_gate *g, uint64_t *ret)
{
	char name[NAME_MAX + 1];
	const char *base;
	struct stat st;
	int dfd, r;

	dfd = zs_gate_dir(g, true, false, &base);
	if (dfd == -ENOENT) {
		*ret = 0;
		return 0;
	}
	if (dfd < 0)
		return dfd;
	r = busy_name(base, name, sizeof(name));
	if (r >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r == -ENOENT) {
		*ret = 0;
		return 0;
	}
	if (r < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return -EBADMSG;
	if (g->state_in_root) {
		char rel[PATH_MAX];

		/* its size is the count: a dump carries the file */
		if (snprintf(rel, sizeof(rel), "%.*s%s", (int)(base - g->state_path - 1),
			     g->state_path + 1, name) < (int)sizeof(rel))
			zs_ctx_note_read(g->ctx, rel);
	}
	*ret = (uint64_t)st.st_size;
	return 0;
}

int zs_state_set_aside(struct zs_gate *g, char *aside, size_t size)
{
	char name[NAME_MAX + 1];
	const char *base;
	int dfd, r = 0;

	dfd = zs_gate_dir(g, true, false, &base);
	if (dfd < 0)
		return dfd;
	/* the caller names the file it was moved to: a name cut short would be another's */
	if (snprintf(name, sizeof(name), "%s.corrupt.%lld.%ld", base, (long long)time(NULL),
		     (long)getpid()) >= (int)sizeof(name) ||
	    strlen(g->state_shown) - strlen(base) + strlen(name) >= size)
		r = -ENAMETOOLONG;
	if (!r && renameat(dfd, base, dfd, name) < 0)
		r = -errno;
	if (r < 0)
		return r;
	snprintf(aside, size, "%.*s%s", (int)(strlen(g->state_shown) - strlen(base)),
		 g->state_shown, name);
	return 0;
}
