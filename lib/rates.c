// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counters since the previous run (zsctl status --rates): a sample of
 * counters, the boot it was taken in and when, kept in a file beside the
 * gate's state file ("<state>.rates") and written under the gate.
 *
 * Why not in the state file itself: version 2 readers refuse a top-level
 * key they do not know and a device line without a result or with a name
 * that is not zramN (zswap's), and set the file aside as garbled, losing
 * compact's and maintain's history. A file of its own is invisible to them.
 *
 * The file is replaced whole (temporary file, fsync, rename) like the
 * state file; a garbled one is only a first run.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RATES_MAGIC "# zsctl status rates"
#define RATES_VERSION 1
#define RATES_SUFFIX ZS_RATES_SUFFIX

const char *zs_rate_status_name(enum zs_rate_status st)
{
	switch (st) {
	case ZS_RATE_OK:
		return "ok";
	case ZS_RATE_FIRST:
		return "first-run";
	case ZS_RATE_REBOOT:
		return "reboot";
	case ZS_RATE_RESET:
		return "reset";
	case ZS_RATE_TOO_SHORT:
		return "too-short";
	}
	return "unknown";
}

static bool key_valid(const char *k)
{
	size_t len = strlen(k);

	if (!len || len >= ZS_RATES_KEY_MAX)
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static bool object_name_valid(const char *name)
{
	return !strcmp(name, ZS_RATES_ZSWAP) || zs_devname_valid(name);
}

static struct zs_rates_object *find_object(const struct zs_rates_sample *s, const char *name)
{
	for (size_t i = 0; i < s->nobj; i++)
		if (!strcmp(s->obj[i].name, name))
			return (struct zs_rates_object *)&s->obj[i];
	return NULL;
}

struct zs_rates_object *zs_rates_object(struct zs_rates_sample *s, const char *name,
					const struct zs_identity *id)
{
	struct zs_rates_object *o = find_object(s, name);

	if (o)
		return o;
	if (!object_name_valid(name) || s->nobj == ZS_RATES_OBJECTS_MAX)
		return NULL;
	o = &s->obj[s->nobj++];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	if (id)
		o->id = *id;
	return o;
}

int zs_rates_object_add(struct zs_rates_object *o, const char *key, uint64_t value)
{
	if (!key_valid(key))
		return -EINVAL;
	for (size_t i = 0; i < o->ncounters; i++)
		if (!strcmp(o->counter[i].key, key))
			return -EEXIST;
	if (o->ncounters == ZS_RATES_COUNTERS_MAX)
		return -E2BIG;
	snprintf(o->counter[o->ncounters].key, ZS_RATES_KEY_MAX, "%s", key);
	o->counter[o->ncounters++].value = value;
	return 0;
}

/* The boot id, 36 characters of hex digits and dashes; "" when the kernel has none to say. */
static int read_boot_id(struct zs_ctx *ctx, char *out, size_t size)
{
	static const char rel[] = "proc/sys/kernel/random/boot_id";
	char *text = NULL;
	size_t len;
	int r;

	out[0] = '\0';
	r = zs_ctx_read_file(ctx, rel, 256, &text);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	len = strcspn(text, "\n");
	r = len == 36 && len < size && strspn(text, "0123456789abcdef-") == len ? 0 : -EINVAL;
	if (!r)
		snprintf(out, size, "%.*s", (int)len, text);
	free(text);
	return r < 0 ? zs_ctx_fail(ctx, rel, r) : 0;
}

int zs_boottime_ms(struct zs_ctx *ctx, uint64_t *ret)
{
	char *text = NULL, *dot;
	uint64_t sec;
	int r;

	/*
	 * proc/uptime's first figure is CLOCK_BOOTTIME (ktime_get_boottime_ts64
	 * in fs/proc/uptime.c), in hundredths; read through the root, a dump's
	 * time is that of its capture.
	 */
	r = zs_ctx_read_file(ctx, "proc/uptime", 4096, &text);
	if (r < 0)
		return r;
	dot = strchr(text, '.');
	r = -EINVAL;
	if (dot && dot[1] >= '0' && dot[1] <= '9' && dot[2] >= '0' && dot[2] <= '9' &&
	    (dot[3] == ' ' || dot[3] == '\n')) {
		*dot = '\0';
		if (zs_parse_u64(text, &sec) >= 0 && sec < UINT64_MAX / 1000 - 1) {
			*ret = sec * 1000 + (uint64_t)(dot[1] - '0') * 100 + (uint64_t)(dot[2] - '0') * 10;
			r = 0;
		}
	}
	free(text);
	return r < 0 ? zs_ctx_fail(ctx, "proc/uptime", r) : 0;
}

int zs_rates_sample_begin(struct zs_ctx *ctx, struct zs_rates_sample *s)
{
	int r;

	zs_ctx_begin(ctx);
	memset(s, 0, sizeof(*s));
	r = read_boot_id(ctx, s->boot_id, sizeof(s->boot_id));
	if (r >= 0)
		r = zs_boottime_ms(ctx, &s->boottime_ms);
	return r;
}

/* ---- the file ----------------------------------------------------------------------- */

static int parse_object(struct zs_rates_sample *s, char *line)
{
	struct zs_rates_object *o;
	char *save = NULL, *tok, *name;

	strtok_r(line, " ", &save); /* "object" */
	name = strtok_r(NULL, " ", &save);
	if (!name || find_object(s, name))
		return -EBADMSG;
	o = zs_rates_object(s, name, NULL);
	if (!o)
		return -EBADMSG;
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');
		uint64_t v;

		if (!eq || zs_parse_u64(eq + 1, &v) < 0)
			return -EBADMSG;
		*eq = '\0';
		/* the identity of a device (struct zs_identity), then its counters */
		if (!strcmp(tok, "id.diskseq") && !o->id.has_diskseq) {
			o->id.diskseq = v;
			o->id.has_diskseq = true;
		} else if (!strcmp(tok, "id.pages_compacted") && !o->id.has_pages_compacted) {
			o->id.pages_compacted = v;
			o->id.has_pages_compacted = true;
		} else if (zs_rates_object_add(o, tok, v) < 0) {
			return -EBADMSG;
		}
	}
	return 0;
}

int zs_rates_parse(const char *text, struct zs_rates_sample *ret)
{
	struct zs_rates_sample *s = calloc(1, sizeof(*s));
	char *copy = strdup(text), *line, *save = NULL;
	bool magic = false, version = false, has_time = false, end = false;
	int r = 0;

	if (!s || !copy) {
		free(s);
		free(copy);
		return -ENOMEM;
	}
	if (!*text || text[strlen(text) - 1] != '\n')
		r = -EBADMSG; /* written whole or not at all */
	for (line = strtok_r(copy, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save)) {
		if (!magic) {
			magic = !strcmp(line, RATES_MAGIC);
			r = magic ? 0 : -EBADMSG;
		} else if (!end && !strcmp(line, "end")) {
			end = true;
		} else if (!end && !version) {
			/* a newer zsctl's version is not this one's to read: a first run */
			version = !strcmp(line, "version 1");
			r = version ? 0 : -EBADMSG;
		} else if (!end && !strncmp(line, "boot_id ", 8) && !s->boot_id[0] &&
			   strlen(line + 8) < sizeof(s->boot_id)) {
			snprintf(s->boot_id, sizeof(s->boot_id), "%s", line + 8);
		} else if (!end && !strncmp(line, "boottime_ms ", 12) && !has_time) {
			r = zs_parse_u64(line + 12, &s->boottime_ms) < 0 ? -EBADMSG : 0;
			has_time = true;
		} else if (!end && !strncmp(line, "object ", 7)) {
			r = parse_object(s, line);
		} else {
			r = -EBADMSG; /* after the end marker, or no line of the file's */
		}
	}
	free(copy);
	if (!r && (!end || !has_time))
		r = -EBADMSG;
	if (!r)
		*ret = *s;
	free(s);
	return r;
}

int zs_rates_format(const struct zs_rates_sample *s, char **ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\nversion %d\n", RATES_MAGIC, RATES_VERSION);
	if (s->boot_id[0])
		fprintf(f, "boot_id %s\n", s->boot_id);
	fprintf(f, "boottime_ms %" PRIu64 "\n", s->boottime_ms);
	for (size_t i = 0; i < s->nobj; i++) {
		const struct zs_rates_object *o = &s->obj[i];

		fprintf(f, "object %s", o->name);
		if (o->id.has_diskseq)
			fprintf(f, " id.diskseq=%" PRIu64, o->id.diskseq);
		if (o->id.has_pages_compacted)
			fprintf(f, " id.pages_compacted=%" PRIu64, o->id.pages_compacted);
		for (size_t k = 0; k < o->ncounters; k++)
			fprintf(f, " %s=%" PRIu64, o->counter[k].key, o->counter[k].value);
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

int zs_rates_load(struct zs_gate *g, struct zs_rates_sample *ret)
{
	char *text = NULL;
	int r;

	zs_ctx_begin(g->ctx);
	r = zs_state_file_load(g, RATES_SUFFIX, 1024 * 1024, &text);
	if (r < 0 || !text)
		return r < 0 ? r : -EIO;
	r = zs_rates_parse(text, ret);
	free(text);
	return r;
}

int zs_rates_save(struct zs_gate *g, const struct zs_rates_sample *s,
		  struct zs_gate_holder *holder)
{
	char *text = NULL;
	int fd = -1, r;

	zs_ctx_begin(g->ctx);
	r = zs_rates_format(s, &text);
	if (r < 0)
		return r;
	r = zs_gate_hold(g, &fd, holder);
	if (r >= 0) {
		r = zs_state_file_save(g, RATES_SUFFIX, text);
		zs_gate_let_go(g, fd);
	}
	free(text);
	return r;
}

/* ---- rates -------------------------------------------------------------------------- */

enum zs_rate_status zs_rates_compare(const struct zs_rates_sample *prev,
				     const struct zs_rates_sample *now, double *interval)
{
	*interval = 0;
	if (!prev)
		return ZS_RATE_FIRST;
	/* another boot: every counter started again from 0 */
	if (strcmp(prev->boot_id, now->boot_id) || now->boottime_ms < prev->boottime_ms)
		return ZS_RATE_REBOOT;
	*interval = (double)(now->boottime_ms - prev->boottime_ms) / 1000.0;
	return *interval < 1.0 ? ZS_RATE_TOO_SHORT : ZS_RATE_OK;
}

void zs_rate_of(const struct zs_rates_sample *prev, const struct zs_rates_sample *now,
		const struct zs_rates_object *o, size_t counter, struct zs_rate *ret)
{
	const struct zs_rates_object *was = prev ? find_object(prev, o->name) : NULL;
	const char *key = o->counter[counter].key;
	uint64_t value = o->counter[counter].value;
	double interval;

	memset(ret, 0, sizeof(*ret));
	ret->status = zs_rates_compare(prev, now, &interval);
	if (ret->status == ZS_RATE_REBOOT || ret->status == ZS_RATE_FIRST)
		return;
	if (!was) {
		ret->status = ZS_RATE_FIRST; /* a device made, or a counter readable, since */
		return;
	}
	if (!zs_identity_same(&was->id, &o->id)) {
		ret->status = ZS_RATE_RESET; /* another device of that name, or reset since */
		return;
	}
	for (size_t k = 0; k < was->ncounters; k++) {
		if (strcmp(was->counter[k].key, key))
			continue;
		/* a counter only grows while its object lives: lower, it started anew */
		if (value < was->counter[k].value) {
			ret->status = ZS_RATE_RESET;
		} else if (ret->status == ZS_RATE_OK) {
			ret->delta = value - was->counter[k].value;
			ret->per_second = (double)ret->delta / interval;
		}
		return;
	}
	ret->status = ZS_RATE_FIRST;
}
