// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zs_state_parse: zsctl compact's state file. Whatever it accepts must
 * survive a round trip through zs_state_format (the writer) unchanged, and
 * the writer's output must be accepted: a state that zsctl writes and then
 * refuses would be set aside as corrupt and its counters lost.
 */
#include "config.h"

#include "fuzz.h"

/* A result the file can hold: one of the enum, and with a word (never NONE) for a device. */
static int valid_result(enum zs_result r)
{
	return (unsigned int)r < ZS_RESULT_COUNT_;
}

/* The word of a result reads back as that result. */
static int word_round_trips(enum zs_result r)
{
	enum zs_result back = ZS_RESULT_COUNT_;

	return zs_result_parse(zs_result_name(r), &back) == 0 && back == r;
}

static void check_state(const struct zs_state *st)
{
	FUZZ_CHECK(st->ndevices <= ZS_STATE_MAX_DEVICES);
	FUZZ_CHECK(valid_result(st->last_result));
	if (st->last_result != ZS_RESULT_NONE)
		FUZZ_CHECK(word_round_trips(st->last_result));
	for (size_t i = 0; i < st->ndevices; i++) {
		const struct zs_state_device *d = &st->devices[i];

		FUZZ_CHECK(strnlen(d->name, ZS_DEVNAME_MAX) < ZS_DEVNAME_MAX);
		FUZZ_CHECK(zs_devname_valid(d->name));
		FUZZ_CHECK(valid_result(d->last_result));
		FUZZ_CHECK(d->last_result != ZS_RESULT_NONE);
		FUZZ_CHECK(zs_result_name(d->last_result)[0]);
		FUZZ_CHECK(word_round_trips(d->last_result));
		FUZZ_CHECK(strnlen(d->extra, ZS_STATE_EXTRA_MAX) < ZS_STATE_EXTRA_MAX);
		FUZZ_CHECK(d->id.has_diskseq || !d->id.diskseq);
		FUZZ_CHECK(d->id.has_pages_compacted || !d->id.pages_compacted);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(st->devices[j].name, d->name));
	}
}

static int same_state(const struct zs_state *a, const struct zs_state *b)
{
	if (a->runs != b->runs || a->freed_total != b->freed_total ||
	    a->ndevices != b->ndevices || a->last_result != b->last_result)
		return 0;
	/* the writer leaves out last_time and last_pid when there is no last result */
	if (a->last_result != ZS_RESULT_NONE &&
	    (a->last_time != b->last_time || a->last_pid != b->last_pid))
		return 0;
	for (size_t i = 0; i < a->ndevices; i++) {
		const struct zs_state_device *x = &a->devices[i], *y = &b->devices[i];

		if (strcmp(x->name, y->name) || x->last_time != y->last_time ||
		    x->last_result != y->last_result || x->last_freed != y->last_freed ||
		    x->id.has_diskseq != y->id.has_diskseq || x->id.diskseq != y->id.diskseq ||
		    x->id.has_pages_compacted != y->id.has_pages_compacted ||
		    x->id.pages_compacted != y->id.pages_compacted || strcmp(x->extra, y->extra))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zs_state st, st2, pattern;
	char *s = fuzz_string(data, size), *text = NULL, *text2 = NULL;
	int r;

	if (!s)
		return 0;
	memset(&st, FUZZ_PATTERN, sizeof(st));
	memset(&pattern, FUZZ_PATTERN, sizeof(pattern));
	r = zs_state_parse(s, &st);
	if (r < 0) {
		FUZZ_CHECK(r == -EBADMSG || r == -ENOMEM);
		FUZZ_CHECK(fuzz_same_bytes(&st, &pattern, sizeof(st)));
		free(s);
		return 0;
	}
	FUZZ_CHECK(r == 0);
	check_state(&st);

	FUZZ_CHECK(zs_state_format(&st, &text) == 0);
	r = zs_state_parse(text, &st2);
	if (r != 0) {
		fprintf(stderr, "the writer's output is refused (%d):\n%s", r, text);
		FUZZ_CHECK(!"zs_state_parse accepts what zs_state_format writes");
	}
	FUZZ_CHECK(same_state(&st, &st2));
	FUZZ_CHECK(zs_state_format(&st2, &text2) == 0);
	FUZZ_CHECK(!strcmp(text, text2));
	free(text);
	free(text2);
	free(s);
	return 0;
}
