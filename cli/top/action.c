// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's 'c': compact one device through the same gate, and with the
 * same record in the state file, as zsctl compact (cli/compact.c). The
 * user asked for this device, so there is no policy (like --force), and
 * no waiting: a held gate is reported and counted as a turned-away run.
 *
 * This repeats, in short, what verb_compact() does around
 * zs_device_compact(); the two must stay in step (see cli/compact.c).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "top.h"

static void say(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
}

static void lib_error(struct cli *cli, const char *name, const char *what, int r, char *msg,
		      size_t size)
{
	const char *rel = zs_ctx_error_path(cli->ctx);

	if (r == -EACCES || r == -EPERM)
		say(msg, size, "%s: %s: Permission denied (need root)", name, what);
	else if (rel[0] && r != -ENODEV)
		say(msg, size, "%s: %s: /%s: %s", name, what, rel, errno_cause(-r));
	else
		say(msg, size, "%s: %s: %s", name, what, errno_cause(-r));
}

bool top_compact(struct cli *cli, const struct top_gate_paths *paths, const char *name, char *msg,
		 size_t size)
{
	struct zs_gate_holder holder = { 0 };
	struct zs_compact_result res = { 0 };
	struct zs_state *state = NULL;
	struct zs_state_device *sd;
	const char *result;
	char aside[4200], freed[40];
	uint64_t now = (uint64_t)time(NULL);
	int fd = -1, r;
	bool ok = false;

	if (zs_ctx_is_live(cli->ctx) && geteuid() != 0) {
		say(msg, size, "%s: compaction needs root", name);
		return false;
	}
	r = zs_gate_acquire(paths->lock, 0, &fd, &holder);
	if (r == -EWOULDBLOCK) {
		/* counted like a zsctl compact that found the gate held */
		zs_state_count_busy(paths->state);
		if (holder.known)
			say(msg, size, "%s: the compaction gate is held by pid %d: not compacted",
			    name, (int)holder.pid);
		else
			say(msg, size,
			    "%s: the compaction gate is held by another process: "
			    "not compacted",
			    name);
		return false;
	}
	if (r < 0) {
		say(msg, size, "%s: cannot take the compaction gate %s: %s", name, paths->lock,
		    r == -ELOOP ? "the lock file is a symlink" :
		    r == -EPERM ? "unsafe lock file or directory" :
				  errno_cause(-r));
		return false;
	}

	state = calloc(1, sizeof(*state));
	if (!state) {
		say(msg, size, "out of memory");
		goto out;
	}
	r = zs_state_load(paths->state, state);
	if (r == -EBADMSG) {
		r = zs_state_set_aside(paths->state, aside, sizeof(aside));
		memset(state, 0, sizeof(*state));
	}
	if (r < 0) {
		say(msg, size, "%s: state file %s: %s; not compacted", name, paths->state,
		    errno_cause(-r));
		goto out;
	}
	/* prove the state can be written before touching the device, as compact does */
	r = zs_state_save(paths->state, state);
	if (r < 0) {
		say(msg, size, "%s: cannot write the state file %s: %s; not compacted", name,
		    paths->state, errno_cause(-r));
		goto out;
	}

	r = zs_device_compact(cli->ctx, name, &res);
	if (r < 0) {
		lib_error(cli, name, "compact", r, msg, size);
		result = "failed";
	} else if (res.kernel_gated) {
		say(msg, size,
		    "%s: turned away by the kernel: another compaction of this pool "
		    "was running (compact_gated +%" PRIu64 ")",
		    name, res.gated);
		result = "gated";
	} else {
		format_size(res.freed > 0 ? (uint64_t)res.freed : 0, false, freed, sizeof(freed));
		say(msg, size, "%s: compacted: freed %s (%" PRIu64 " pages compacted) in %.1f ms",
		    name, freed, res.pages_compacted, (double)res.duration_ns / 1e6);
		result = "compacted";
		ok = true;
	}
	sd = zs_state_device(state, name, true);
	if (sd) {
		sd->last_time = now;
		snprintf(sd->last_result, sizeof(sd->last_result), "%s", result);
		sd->last_freed = res.freed > 0 ? (uint64_t)res.freed : 0;
	}
	state->runs++;
	if (ok && res.freed > 0)
		state->freed_total += (uint64_t)res.freed;
	state->last_time = now;
	state->last_pid = (uint64_t)getpid();
	snprintf(state->last_result, sizeof(state->last_result), "%s",
		 !strcmp(result, "failed") ? "failed" :
		 ok			   ? "compacted" :
					     "nothing");
	r = zs_state_save(paths->state, state);
	if (r < 0) {
		size_t len = strlen(msg);

		snprintf(msg + len, size - len, "; cannot write the state file: %s",
			 errno_cause(-r));
		ok = false;
	}
out:
	zs_gate_release(fd);
	free(state);
	return ok;
}
