/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What zsctl status gathers, shared with the formats that live in their own
 * files (prometheus.c): one view per device, the pools, the gate.
 */
#ifndef ZSCTL_STATUS_H
#define ZSCTL_STATUS_H

#include "cli.h"

/* One device with everything shown about it. */
struct view {
	const struct zs_device *dev;
	const struct zs_pool *pool;
	struct zs_derived derived;
};

/* The compaction gate: user space (lock, state file) and kernel (compact_gated). */
struct gate_view {
	bool held;
	struct zs_gate_holder holder;
	struct zs_state state;
	bool has_state;
	uint64_t turned_away;
	uint64_t kernel_gated; /* sum of compact_gated over devices that have it */
	bool has_kernel_gated;
};

struct prom_input {
	const struct view *views;
	size_t nviews;
	const struct zs_pool *pools;
	size_t npools;
	bool all_pools; /* no DEVICE arguments: every pool, else the views' pools */
	enum zs_classes_status classes_status;
	const struct gate_view *gate;
	bool classes; /* per-class metrics too (--classes) */
	uint64_t page_size;
};

/*
 * The Prometheus text exposition of what status gathered: on stdout, or
 * replacing file atomically (a temporary file in the same directory,
 * fsync, rename) for node_exporter's textfile collector.
 */
int prom_status(struct cli *cli, const struct prom_input *in, const char *file);

#endif
