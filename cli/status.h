/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What zsctl status hands to its Prometheus format (prometheus.c). */
#ifndef ZSCTL_STATUS_H
#define ZSCTL_STATUS_H

#include "cli.h"

struct prom_input {
	const struct zs_snapshot *snap;
	const struct zs_snap_device *const *devs; /* the devices shown (read without error) */
	size_t ndevs;
	bool all_pools; /* no DEVICE arguments: every pool, else the devices' pools */
	bool classes;	/* per-class metrics too (--classes) */
	bool cgroups;	/* per-cgroup zswap metrics too (--cgroups) */
};

/*
 * The Prometheus text exposition of what status read: on stdout, or
 * replacing file atomically (a temporary file in the same directory,
 * fsync, rename) for node_exporter's textfile collector.
 */
int prom_status(struct cli *cli, const struct prom_input *in, const char *file);

#endif
