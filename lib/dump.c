// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What zsctl --sysroot reads, collected for zsctl dump. The files are not
 * listed here: the context records what a reader that reads all status
 * shows opens (and what zsctl get reads of each device), so a new file the
 * reader learns to read is in the next dump without a word here. Only
 * mountinfo is cut: the machine's whole mount table is none of a bug
 * report's business, and status uses the zram devices' mounts and the
 * debugfs mount alone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <libmount.h>

#include "internal.h"

#define MOUNTINFO "proc/self/mountinfo"
#define DUMP_FILE_MAX (16 * 1024 * 1024)

/* uname -r and -v as the root's kernel says them: kept in the dump, for its metadata. */
static const char *const kernel_names[] = {
	"proc/sys/kernel/osrelease",
	"proc/sys/kernel/version",
};

static int cmp_rel(const void *a, const void *b)
{
	return strcmp(((const struct zs_dump_file *)a)->rel, ((const struct zs_dump_file *)b)->rel);
}

static bool id_listed(const int *ids, size_t n, int id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * The lines of mountinfo whose mounts status uses: those of devs (as
 * users.c matches them) and debugfs'.
 * Lines are picked by their mount ID from the text as the kernel wrote it.
 */
static int reduce_mountinfo(struct zs_ctx *ctx, struct zs_device *const *devs, size_t ndevs,
			    const char *text, char **ret)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	char *out, *o;
	int *ids = NULL, r;
	size_t nids = 0;

	r = zs_ctx_mountinfo(ctx, &tb);
	if (r < 0)
		return r;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	ids = calloc((size_t)mnt_table_get_nents(tb) + 1, sizeof(*ids));
	if (!it || !ids) {
		mnt_free_iter(it);
		free(ids);
		return -ENOMEM;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs);
		bool keep = zs_users_mount_device(fs, devs, ndevs) != NULL;

		/* every debugfs mount: which one counts, and whether it makes sense, is the reader's call */
		if (type && !strcmp(type, "debugfs"))
			keep = true;
		if (keep)
			ids[nids++] = mnt_fs_get_id(fs);
	}
	mnt_free_iter(it);
	out = o = malloc(strlen(text) + 1);
	if (!out) {
		free(ids);
		return -ENOMEM;
	}
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
		char *num_end;
		long id = strtol(line, &num_end, 10);

		if (num_end != line && id >= 0 && id <= INT_MAX && id_listed(ids, nids, (int)id)) {
			memcpy(o, line, len);
			o += len;
		}
		line += len;
	}
	*o = '\0';
	free(ids);
	*ret = out;
	return 0;
}

static int push_file(struct zs_dump *d, const char *rel, char *text)
{
	struct zs_dump_file *nf = realloc(d->files, (d->nfiles + 1) * sizeof(*nf));
	char *copy = strdup(rel);

	if (nf)
		d->files = nf;
	if (!nf || !copy) {
		free(copy);
		return -ENOMEM;
	}
	nf[d->nfiles].rel = copy;
	nf[d->nfiles].text = text;
	nf[d->nfiles].len = text ? strlen(text) : 0;
	d->nfiles++;
	return 0;
}

/* Read what the root holds of every device, the way status and get read it, recording. */
static int record_reads(struct zs_ctx *ctx, struct zs_dump *d, struct zs_reader **reader,
			const struct zs_snapshot **snap, struct zs_gate **gate)
{
	struct zs_reader_opts o = {
		/* not --cgroups: the cgroups' names say what runs on the machine */
		.needs = ZS_NEED_ALL & ~ZS_NEED_CGROUPS,
	};
	const struct zs_snapshot *s;
	const struct zs_attr *attrs;
	size_t nattrs;
	char *text;
	int r;

	r = zs_gate_new(ctx, NULL, NULL, gate);
	if (r < 0)
		return r;
	o.gate = *gate;
	r = zs_reader_new(ctx, &o, reader);
	if (r < 0)
		return r;
	r = zs_reader_refresh(*reader, &s);
	if (r < 0)
		return r;
	/* zswap alone is worth a dump: its pool is zsmalloc's too */
	if (!s->ndevs && !(s->has_zswap && s->zswap.present))
		return -ENODEV;
	attrs = zs_attr_table(&nattrs);
	for (size_t i = 0; i < s->ndevs; i++) {
		for (size_t a = 0; a < nattrs; a++) {
			/* noted when it could be opened; the kernel may refuse the read itself */
			if (zs_attr_read(ctx, s->devs[i].dev.name, &attrs[a], &text) >= 0)
				free(text);
		}
	}
	for (size_t i = 0; i < ZS_ARRAY_SIZE(kernel_names); i++)
		if (zs_ctx_read_file(ctx, kernel_names[i], 4096, &text) >= 0)
			free(text);
	d->ndevices = s->ndevs;
	d->classes_status = s->classes_status;
	d->has_zswap = s->has_zswap && s->zswap.present;
	d->zswap_stats_status = s->zswap.stats_status;
	d->page_size = s->page_size;
	*snap = s;
	return 0;
}

int zs_dump_collect(struct zs_ctx *ctx, struct zs_dump *ret)
{
	struct zs_dump d = { 0 };
	struct zs_reader *reader = NULL;
	struct zs_gate *gate = NULL;
	struct zs_device **devs = NULL;
	const struct zs_snapshot *s = NULL;
	char **recorded;
	size_t nrecorded;
	int r;

	zs_ctx_begin(ctx);
	zs_strv_free(ctx->recorded);
	ctx->recorded = NULL;
	ctx->nrecorded = 0;
	ctx->record_err = 0;
	ctx->recording = true;
	/* parsed anew, so that reading it is recorded too */
	zs_ctx_forget_mountinfo(ctx);
	r = record_reads(ctx, &d, &reader, &s, &gate);
	ctx->recording = false;
	if (r >= 0 && ctx->record_err)
		r = ctx->record_err;
	recorded = ctx->recorded;
	nrecorded = ctx->nrecorded;
	ctx->recorded = NULL;
	ctx->nrecorded = 0;
	if (r >= 0) {
		devs = calloc(s->ndevs + 1, sizeof(*devs));
		if (!devs)
			r = -ENOMEM;
		for (size_t i = 0; devs && i < s->ndevs; i++)
			devs[i] = &s->devs[i].dev;
	}
	for (size_t i = 0; r >= 0 && i < nrecorded; i++) {
		const char *rel = recorded[i];
		size_t len = strlen(rel);
		char *text = NULL, *cut;

		if (rel[len - 1] == '/') {
			r = push_file(&d, rel, NULL);
			continue;
		}
		r = zs_ctx_read_file(ctx, rel, DUMP_FILE_MAX, &text);
		if (r >= 0 && !strcmp(rel, MOUNTINFO)) {
			r = reduce_mountinfo(ctx, devs, s->ndevs, text, &cut);
			free(text);
			text = r < 0 ? NULL : cut;
		}
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			/* read once, not now: gone since (a device removed), or the kernel refuses it */
			if (!d.nskipped++) {
				d.skipped_err = r;
				zs_copy_path(d.skipped_rel, sizeof(d.skipped_rel), rel);
			}
			r = 0;
			continue;
		}
		r = push_file(&d, rel, text);
		if (r < 0)
			free(text);
	}
	for (size_t i = 0; r >= 0 && i < d.nfiles; i++) {
		if (!d.files[i].text)
			continue;
		if (!strcmp(d.files[i].rel, kernel_names[0]))
			zs_copy_path(d.release, sizeof(d.release), d.files[i].text);
		else if (!strcmp(d.files[i].rel, kernel_names[1]))
			zs_copy_path(d.version, sizeof(d.version), d.files[i].text);
	}
	d.release[strcspn(d.release, "\n")] = '\0';
	d.version[strcspn(d.version, "\n")] = '\0';
	if (d.nfiles)
		qsort(d.files, d.nfiles, sizeof(*d.files), cmp_rel);
	free(devs);
	zs_strv_free(recorded);
	zs_reader_free(reader);
	zs_gate_free(gate);
	if (r < 0) {
		zs_dump_clear(&d);
		return r;
	}
	*ret = d;
	return 0;
}

void zs_dump_clear(struct zs_dump *d)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].rel);
		free(d->files[i].text);
	}
	free(d->files);
	memset(d, 0, sizeof(*d));
}

int zs_dump_open_kernel_config(struct zs_ctx *ctx, const char *release, char *rel, size_t size)
{
	int fd;

	zs_ctx_begin(ctx);
	/* CONFIG_IKCONFIG_PROC's, else the one Debian installs beside the kernel */
	snprintf(rel, size, "proc/config.gz");
	fd = zs_ctx_open(ctx, rel, O_RDONLY);
	if (fd != -ENOENT || !release || !*release || strchr(release, '/'))
		return fd;
	if (snprintf(rel, size, "boot/config-%s", release) >= (int)size)
		return -ENAMETOOLONG;
	return zs_ctx_open(ctx, rel, O_RDONLY);
}
