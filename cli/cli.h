/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ZSCTL_CLI_H
#define ZSCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "zsctl.h"

struct libscols_table;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses, documented in zsctl(8). */
enum {
	ZS_EXIT_OK = 0,
	ZS_EXIT_FAILURE = 1, /* a device or kernel file could not be read or written */
	ZS_EXIT_USAGE = 2,   /* bad option, argument or device name */
	/* compact: 1 is the gate conflict there, as in flock(1) */
	ZS_EXIT_COMPACT_FAILED = 3,
	/* get, set, remove: zsctl maintain writes the device back or recompresses it */
	ZS_EXIT_BUSY = 3,
};


struct cli {
	const char *sysroot;
	const char *verb; /* the verb being run, for messages */
	struct zs_ctx *ctx;
	bool json;      /* set by a verb's -J: errors become JSON too */
	json_t *errors;   /* JSON mode: collected, printed with the document */
	json_t *warnings; /* likewise */
	int status;     /* the exit status so far */
	char **argv_all; /* zsctl's own arguments, global options included */
};

struct verb {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

int verb_status(struct cli *cli, int argc, char **argv);
int verb_compact(struct cli *cli, int argc, char **argv);
int verb_top(struct cli *cli, int argc, char **argv);
/* zsctl top: run zsctl-top with the same arguments. */
int verb_top_exec(struct cli *cli, int argc, char **argv);
int verb_dump_exec(struct cli *cli, int argc, char **argv);
int verb_get(struct cli *cli, int argc, char **argv);
int verb_set(struct cli *cli, int argc, char **argv);
int verb_add(struct cli *cli, int argc, char **argv);
int verb_remove(struct cli *cli, int argc, char **argv);
int verb_maintain(struct cli *cli, int argc, char **argv);
int verb_maintain_exec(struct cli *cli, int argc, char **argv);
int verb_dump(struct cli *cli, int argc, char **argv);

/* The gate's run as compact and maintain begin it (gate.c). */
struct cli_gate_opts {
	const char *lock_path, *state_path; /* NULL: the defaults */
	double wait;
	bool dry_run;
	bool json, quiet;
	int conflict_code;	  /* the exit status when the gate is held */
	const char *nothing_done; /* "nothing compacted": after a state file that cannot be written */
};
/*
 * Make the gate and begin its run: 0 with *gate and *run to use (and free);
 * else -errno, with what happened said (the holder named, or the failure)
 * and *exit_code set; *gate is still to be freed.
 */
int cli_gate_begin(struct cli *cli, const struct cli_gate_opts *o, struct zs_gate **gate,
		   struct zs_gate_run **run, int *exit_code);
/*
 * While zsctl maintain writes dev back or recompresses it, every access to
 * its attributes waits for that whole step on 7.x, one that takes the
 * device's lock for writing (exclusive) on every kernel. 0 when none does
 * (any longer, after up to wait seconds); else -errno, said once (access:
 * "read" or "write"; left: what was not done), cli->status ZS_EXIT_BUSY
 * for -EBUSY.
 */
int cli_check_not_busy(struct cli *cli, const char *dev, double wait, bool exclusive,
		       const char *access, const char *left);
/*
 * ZSCTL_TEST_HOLD_GATE=SECS: keep the gate that long before ending the run
 * (the test builds zsctl-test and zsctl-test-top only; nothing elsewhere).
 */
void cli_test_hold_gate(void);
/*
 * The test builds' pause: wait the SECS the environment variable var says
 * (ZSCTL_TEST_HOLD_GATE, ZSCTL_TEST_HOLD_DUMP); nothing in zsctl itself.
 */
void cli_test_hold(const char *var);

/* zsctl set's steps (set.c), shared with zsctl add. */
struct set_opts {
	bool dry_run;
	bool reset;
	bool quiet; /* no "wrote" lines */
	bool json;
	const char *cgroup; /* --cgroup: a cgroup's memory.zswap.* */
	double wait;	    /* --wait SECS for maintain to leave the device (7.x) */
};
/*
 * Parse each ATTR=VALUE of args into plan's items: every problem found from
 * the command line alone is an error about object. true when there is none.
 */
bool cli_set_parse_items(struct cli *cli, struct zs_set_plan *plan, const char *object, char **args,
			 int n);
/*
 * Check plan against the kernel and the device, warn, and write (or say
 * what would be written): every refusal is reported. 0 when everything
 * was (or would be) written, -EINVAL when something was refused before any
 * write (the status says whether as a usage error), else the kernel's
 * refusal (-errno).
 */
int cli_set_run(struct cli *cli, struct zs_set_plan *plan, const struct set_opts *o);
/* The writes of a plan, as set -J prints them. */
json_t *cli_set_json_writes(const struct zs_set_plan *plan);
/*
 * What keeps dev from being reset or removed, one error a kind of user:
 * "WHAT: it is in use as swap; run 'swapoff /dev/zram2' first".
 */
void cli_report_users(struct cli *cli, const char *dev, const char *what, const struct zs_users *u);
/* Why the kernel still refused dev as busy after waiting: its users, or another process. */
void cli_busy_sentence(const char *dev, const struct zs_users *u, const struct zs_busy_wait *w,
		       char *buf, size_t size);
/* What a reset or removal waited for, as JSON keys of obj. */
void cli_json_busy_wait(json_t *obj, const struct zs_busy_wait *w);
/* "Linux 6.2 and later, with CONFIG_ZRAM_MULTI_COMP": which kernels have a (get.c). */
void cli_attr_availability(const struct zs_attr *a, char *buf, size_t size);

/*
 * Errors carry a negative errno, as libzsctl returns them (0 for none);
 * the helpers turn it into words.
 *
 * Report an error about object (a device, a file, an option). In text mode
 * one line to stderr; in JSON mode it joins the document's "errors".
 */
void cli_error(struct cli *cli, const char *object, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * An error from libzsctl: names the file the call that failed recorded
 * (zs_ctx_error_path()), or file when not NULL, and the cause.
 */
void cli_lib_error(struct cli *cli, const char *object, int err);
void cli_file_error(struct cli *cli, const char *object, const char *rel, int err);
/* Print collected JSON errors alone (a verb that fails before its document). */
void cli_flush_errors(struct cli *cli);
/* A u64 in JSON without turning negative past INT64_MAX. */
json_t *cli_json_u64(uint64_t v);
/* Move collected errors and warnings into a verb's JSON document. */
void cli_json_attach_errors(struct cli *cli, json_t *doc);
/*
 * The JSON schema every verb's document follows (zsctl(8), JSON OUTPUT;
 * tests/json/schema.json): raised when a key changes meaning or type.
 */
#define CLI_JSON_VERSION 1
/* A verb's document: an object that begins with "version". */
json_t *cli_json_doc(void);
/* Attach the errors and warnings, print the document on stdout, free it. */
void cli_json_print(struct cli *cli, json_t *doc);
/* A warning: stderr, or the JSON document's "warnings"; the status is untouched. */
void cli_warn(struct cli *cli, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set cli->json early when -J/--json is among argv, so option errors are JSON too. */
void cli_scan_json_flag(struct cli *cli, int argc, char **argv, const char *flag_chars);
/* Why a lock or state file was refused (-ELOOP, -EPERM), else the errno's words. */
const char *cli_private_file_cause(int err);
void cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* arg made safe to print: control bytes as '?', cut at size with "...". */
void cli_shown(const char *arg, char *buf, size_t size);
/* getopt's ':' or '?' as one usage error naming the option (and the verb). */
void cli_option_error(struct cli *cli, int c, char **argv);

/*
 * The name in table (n entries of size bytes, the name a const char * at
 * name_off) that word (len bytes) most likely meant: the only one it
 * begins, or the nearest by edit distance (swaps count one) within a third
 * of its length; NULL when none is near enough (CLI_SUGGEST).
 */
const char *cli_suggest(const char *word, size_t len, const void *table, size_t n, size_t size,
			size_t name_off);
#define CLI_SUGGEST(word, len, table, n, member)                                         \
	cli_suggest(word, len, table, n, sizeof(*(table)),                                  \
		    offsetof(__typeof__(*(table)), member))
/*
 * getopt's ':' or '?' as cli_option_error() reports it, with "did you mean
 * --NAME?" for a mistyped long option (longopts: the verb's table), and
 * where --sysroot goes when it is given after the verb.
 */
void cli_bad_option(struct cli *cli, int c, char **argv, const struct option *longopts);
/*
 * A refused option value (err -ERANGE: out of range), with what is accepted
 * ("expected a duration: 90, 90s, 10min, ..."): a usage error; -EINVAL.
 */
int cli_bad_value(struct cli *cli, const char *opt, const char *val, int err, const char *accepted);

/* --lock-file, --state-file: the gate's files; NULL: the defaults */
struct cli_gate_paths {
	const char *lock_path, *state_path;
};

/*
 * --lock-file PATH (lock_file true) or --state-file PATH (compact, status,
 * top): an absolute path naming a file, stored in *paths; else a usage
 * error and -EINVAL.
 */
int cli_gate_path_opt(struct cli *cli, bool lock_file, const char *arg,
		      struct cli_gate_paths *paths);

/*
 * Device arguments: validated before any path is built; a device named twice
 * (zram2, /dev/zram2) is kept once, where it was first named. Returns 0 or
 * sets status.
 */
int cli_parse_devices(struct cli *cli, int argc, char **argv, char ***names, size_t *n);

/* "1.5G", "0B", like util-linux's size_to_human_string(). */
void cli_format_size(uint64_t bytes, bool exact, char *buf, size_t size);
/* A negative errno in words: "malformed contents" for -EINVAL, and so on. */
const char *cli_errno_cause(int err);
/*
 * table.c: a libsmartcols table as util-linux prints them: aligned, or
 * --raw (blanks and backslashes escaped). Printed without blanks at the
 * ends of lines.
 */
struct libscols_table *cli_table_new(bool raw, bool noheadings);
int cli_table_column(struct libscols_table *tb, const char *name, bool right);
int cli_table_print(struct libscols_table *tb, bool raw);
/* lead (already aligned to indent), then text wrapped at 79 columns, continued at indent. */
void cli_print_wrapped(const char *lead, size_t indent, const char *text);
void cli_print_settable(const struct zs_attr *t, size_t n);

#endif
