// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gate's run as the verbs that own it begin it (compact, maintain):
 * take it, or step aside naming the holder, or say why it could not be
 * taken; warn about a garbled state file.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

void cli_test_hold_gate(void)
{
	cli_test_hold("ZSCTL_TEST_HOLD_GATE");
}

/*
 * zram holds the device's lock for the whole writeback or recompression:
 * on 7.x every access waits for it (zs_ctx_pp_blocks_access()), before 7.0
 * a store that takes it for writing (exclusive). Refuse at once (or past
 * --wait), naming the holder and its step, rather than hang for minutes.
 */
int cli_check_not_busy(struct cli *cli, const char *dev, double wait, bool exclusive,
		       const char *access, const char *left)
{
	struct zs_gate_holder h = { 0 };
	struct zs_gate *gate = NULL;
	char since[32], why[96];
	int r;

	r = zs_gate_new(cli->ctx, NULL, NULL, &gate);
	if (r >= 0)
		r = zs_gate_wait_device(gate, dev, exclusive, wait, &h);
	if (r == -EBUSY) {
		zs_format_utc(h.phase_since, since, sizeof(since));
		if (zs_ctx_pp_blocks_access(cli->ctx))
			snprintf(why, sizeof(why), "on Linux 7.x every %s waits", access);
		else
			snprintf(why, sizeof(why), "this %s takes the device's lock and waits", access);
		cli_error(cli, dev, -EBUSY,
			  "busy: zsctl maintain (pid %d) is in its %s step on it since %s, and %s "
			  "until that ends: %s%s",
			  (int)h.pid, zs_gate_phase_name(h.phase), since, why, left,
			  wait > 0 ? " (waited --wait's time)" : " (--wait SECS waits for it)");
		cli->status = ZS_EXIT_BUSY;
	} else if (r == -ENOMEM) {
		cli_error(cli, NULL, r, "out of memory");
	} else if (r < 0) {
		/* not knowing costs the refusal, not the access */
		cli_warn(cli, gate ? zs_gate_lock_path(gate) : dev,
			 "cannot tell whether zsctl maintain works on %s: %s", dev,
			 cli_errno_cause(r));
		r = 0;
	}
	zs_gate_free(gate);
	return r;
}

/* The gate is held: this run was counted; say who holds it. */
static int step_aside(const struct cli_gate_opts *o, struct zs_gate *gate,
		      const struct zs_gate_holder *h)
{
	char since[32];

	zs_format_utc(h->known ? h->since : 0, since, sizeof(since));
	if (o->json) {
		json_t *doc = cli_json_doc(), *jh = json_object();

		/* the gate's keys as status -J names them (zsctl(8), JSON OUTPUT) */
		json_object_set_new(doc, "result", json_string("busy"));
		json_object_set_new(jh, "held", json_true());
		if (h->known) {
			json_object_set_new(jh, "holder_pid", json_integer(h->pid));
			json_object_set_new(jh, "holder_since", json_integer(h->since));
		}
		json_object_set_new(jh, "lock_file", json_string(zs_gate_lock_path(gate)));
		json_object_set_new(doc, "compaction", jh);
		json_dumpf(doc, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(doc);
	} else if (!o->quiet) {
		if (h->known)
			printf("zsctl: compaction gate held by pid %d since %s (%s): stepping aside\n",
			       (int)h->pid, since, zs_gate_lock_path(gate));
		else
			printf("zsctl: compaction gate held by another process (%s): stepping aside\n",
			       zs_gate_lock_path(gate));
	}
	return o->conflict_code;
}

/* Why the run could not begin, in one line; the exit status. */
static int begin_failed(struct cli *cli, const struct cli_gate_opts *o, struct zs_gate *gate,
			int r, const struct zs_gate_begin_info *info)
{
	switch (info->stage) {
	case ZS_GATE_STAGE_LOCK:
		cli_error(cli, zs_gate_lock_path(gate), r, "cannot take the compaction gate: %s",
			  cli_private_file_cause(r));
		break;
	case ZS_GATE_STAGE_COUNT:
		cli_error(cli, zs_gate_state_path(gate), r, "cannot count this turned-away run: %s",
			  cli_private_file_cause(r));
		break;
	case ZS_GATE_STAGE_STATE_READ:
		if (info->garbled)
			cli_error(cli, zs_gate_state_path(gate), r,
				  "garbled, and cannot be set aside: %s", cli_errno_cause(r));
		else
			cli_error(cli, zs_gate_state_path(gate), r,
				  "cannot read the state file: %s", cli_private_file_cause(r));
		break;
	case ZS_GATE_STAGE_STATE_WRITE:
		cli_error(cli, zs_gate_state_path(gate), r, "cannot write the state file: %s; %s",
			  cli_private_file_cause(r), o->nothing_done);
		break;
	}
	return ZS_EXIT_COMPACT_FAILED;
}

int cli_gate_begin(struct cli *cli, const struct cli_gate_opts *o, struct zs_gate **gate_ret,
		   struct zs_gate_run **run_ret, int *exit_code)
{
	struct zs_gate_begin_info info;
	struct zs_gate *gate = NULL;
	int r;

	*gate_ret = NULL;
	*run_ret = NULL;
	r = zs_gate_new(cli->ctx, o->lock_path, o->state_path, &gate);
	if (r < 0) {
		cli_error(cli, NULL, r, "out of memory");
		*exit_code = ZS_EXIT_COMPACT_FAILED;
		return r;
	}
	*gate_ret = gate;
	r = zs_gate_begin(gate, o->wait, o->dry_run, run_ret, &info);
	if (r == -EWOULDBLOCK) {
		*exit_code = step_aside(o, gate, &info.holder);
		return r;
	}
	if (r < 0) {
		*exit_code = begin_failed(cli, o, gate, r, &info);
		return r;
	}
	if (info.garbled_ignored)
		cli_warn(cli, zs_gate_state_path(gate),
			 "garbled state file ignored (a real run sets it aside)");
	if (info.set_aside[0])
		cli_warn(cli, zs_gate_state_path(gate),
			 "garbled state file set aside as %s; starting anew", info.set_aside);
	return 0;
}
