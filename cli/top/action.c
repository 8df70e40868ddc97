// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's 'c': compact one device through zsctl compact's gate, with
 * the same run (lib's zs_gate_begin .. zs_gate_end) and so the same record
 * in the state file. The user asked for this device, so there is no policy
 * (like --force), and no waiting: a held gate is reported and counted as a
 * turned-away run.
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
		say(msg, size, "%s: %s: /%s: %s", name, what, rel, cli_errno_cause(r));
	else
		say(msg, size, "%s: %s: %s", name, what, cli_errno_cause(r));
}

/* Why the gate could not be had, as zsctl compact says it. */
static void begin_failed(struct zs_gate *gate, const char *name, int r,
			 const struct zs_gate_begin_info *info, char *msg, size_t size)
{
	if (r == -EWOULDBLOCK && info->holder.known)
		say(msg, size, "%s: the compaction gate is held by pid %d: not compacted", name,
		    (int)info->holder.pid);
	else if (r == -EWOULDBLOCK)
		say(msg, size, "%s: the compaction gate is held by another process: not compacted",
		    name);
	else if (info->stage == ZS_GATE_STAGE_LOCK)
		say(msg, size, "%s: cannot take the compaction gate %s: %s", name,
		    zs_gate_lock_path(gate), cli_private_file_cause(r));
	else if (info->stage == ZS_GATE_STAGE_COUNT)
		say(msg, size, "%s: the compaction gate is held, and the turned-away run could not be counted: %s",
		    name, cli_private_file_cause(r));
	else if (info->stage == ZS_GATE_STAGE_STATE_WRITE)
		say(msg, size, "%s: cannot write the state file %s: %s; not compacted", name,
		    zs_gate_state_path(gate), cli_private_file_cause(r));
	else
		say(msg, size, "%s: state file %s: %s; not compacted", name,
		    zs_gate_state_path(gate), cli_private_file_cause(r));
}

bool top_compact(struct cli *cli, struct zs_gate *gate, struct zs_reader *reader, const char *name,
		 char *msg, size_t size)
{
	struct zs_gate_begin_info info;
	struct zs_compact_result res = { 0 };
	struct zs_gate_run *run = NULL;
	struct zs_identity id;
	uint64_t now = (uint64_t)time(NULL);
	enum zs_result result;
	char freed[40], took[32];
	bool ok = false;
	int r;

	if (zs_ctx_is_live(cli->ctx) && geteuid() != 0) {
		say(msg, size, "%s: compaction needs root", name);
		return false;
	}
	/*
	 * As zsctl compact: a device without a pool has nothing to compact,
	 * and that is no failed run (its kernel refuses compact with EINVAL).
	 */
	{
		const struct zs_snapshot *s = zs_reader_snapshot(reader);
		const struct zs_snap_device *sd = s ? zs_snapshot_device(s, name) : NULL;

		if (sd && !sd->dev.initialised) {
			say(msg, size, "%s: not initialised, nothing to compact", name);
			return true;
		}
	}
	r = zs_gate_begin(gate, 0, false, &run, &info);
	if (r < 0) {
		begin_failed(gate, name, r, &info, msg, size);
		return false;
	}
	r = zs_reader_compact(reader, name, &res);
	if (r >= 0) {
		const struct zs_snapshot *s = zs_reader_snapshot(reader);
		const struct zs_snap_device *sd = s ? zs_snapshot_device(s, name) : NULL;

		memset(&id, 0, sizeof(id));
		if (sd)
			zs_device_identity(&sd->dev, &id);
		if (zs_stat_has(&res.after, ZS_MM_PAGES_COMPACTED)) {
			id.has_pages_compacted = true;
			id.pages_compacted = res.after.val[ZS_MM_PAGES_COMPACTED];
		}
	}
	if (r < 0) {
		lib_error(cli, name, "compact", r, msg, size);
		result = ZS_RESULT_FAILED;
	} else if (res.kernel_gated) {
		say(msg, size,
		    "%s: turned away by the kernel: another compaction of this pool "
		    "was running (compact_gated +%" PRIu64 ")",
		    name, res.gated);
		result = ZS_RESULT_GATED;
	} else {
		cli_format_size(res.freed > 0 ? (uint64_t)res.freed : 0, false, freed,
				sizeof(freed));
		zs_format_elapsed(res.duration_ns, took, sizeof(took));
		say(msg, size, "%s: compacted: freed %s (%" PRIu64 " pages compacted) in %s", name,
		    freed, res.pages_compacted, took);
		result = ZS_RESULT_COMPACTED;
		ok = true;
	}
	zs_gate_run_record(run, name, r < 0 ? NULL : &id, result, res.freed, now);
	r = zs_gate_end(run, now);
	if (r < 0) {
		size_t len = strlen(msg);

		snprintf(msg + len, size - len, "; cannot write the state file: %s",
			 cli_errno_cause(r));
		ok = false;
	}
	zs_gate_run_free(run);
	return ok;
}
