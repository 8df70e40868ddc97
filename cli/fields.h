/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every value zsctl shows, described once: per object (device, pool and
 * class, gate) a table of fields with the column's header and help, its
 * JSON key, its Prometheus metric (name, type, help, scale), what the
 * reader must read for it, and how to get it from a snapshot. The status
 * table, top's rows, JSON and the Prometheus exposition all print from
 * these tables; fields.c is also where a value is formatted for a table.
 */
#ifndef ZSCTL_FIELDS_H
#define ZSCTL_FIELDS_H

#include "cli.h"

enum field_kind {
	FK_STR,
	FK_SIZE,    /* bytes: human-readable unless -b */
	FK_COUNT,   /* a plain number */
	FK_RATIO,   /* two decimals */
	FK_PERCENT, /* a fraction shown as a percentage */
	FK_BOOL,
	FK_INT,	    /* signed */
	FK_STRV,    /* a list of strings (JSON array; joined with ',' in a table) */
	FK_U64V,    /* a list of numbers (JSON array) */
	FK_PAGES,   /* a count of pages: a count in status, a size in top */
	FK_SIZE_PAIR, /* two sizes, u of i: "used/size" */
	FK_SSIZE,     /* signed bytes, in i: what zram saves can be negative */
};

/* A field's value for one object. */
struct fval {
	bool present;
	bool estimate; /* from mm_stat, not the class statistics: "~" */
	uint64_t u;
	double d;
	int64_t i;
	bool b;
	const char *s;
	char *const *strv;
	const struct zs_algorithms *algos; /* FK_STRV: the device's choices */
	const uint64_t *u64v;
	size_t n;
};

/* Flags of a device field. */
#define F_INIT_ONLY 0x1u /* tables show '-' while the device is uninitialised */
#define F_NOT_NONE 0x2u	 /* Prometheus leaves out "" and "none" */
#define F_DEFAULT 0x4u	 /* a column of status's default table */

struct dev_field {
	const char *column;    /* status's column; NULL when not a column */
	const char *top_head;  /* top's header, NULL: the column's; not in top: top_prio < 0 */
	int top_prio;	       /* 0 always shown; larger ones are dropped first to fit */
	enum field_kind kind;  /* as tables show it */
	const char *help;
	unsigned int needs;    /* ZS_NEED_* */
	unsigned int flags;
	const char *json_group; /* "mm_stat", "derived", ...; NULL for the device's own */
	const char *json_key;	/* NULL: not in JSON */
	enum field_kind json_kind;
	const char *json_estimated_key; /* "fragmentation_estimated" beside the value */
	const char *metric;		/* NULL: not in Prometheus */
	const char *metric_type;
	const char *metric_help;
	uint64_t metric_scale;	  /* 4096 for counts of 4K pages; 0 for 1 */
	const char *metric_label; /* info metrics: the label carrying the string; estimates: "method" */
	int arg;		  /* the getter's argument (a stat column) */
	void (*get)(const struct zs_snap_device *d, int arg, struct fval *v, char *scratch,
		    size_t size);
};

extern const struct dev_field dev_fields[];
extern const size_t dev_nfields;

/* The field whose column is name (any case), or of a zramctl column name; -1 for none. */
int dev_field_lookup(const char *name, size_t len);
/* What the reader must read for the fields (indices into dev_fields). */
unsigned int dev_fields_needs(const int *ids, size_t n);
void dev_field_value(const struct dev_field *f, const struct zs_snap_device *d, struct fval *v,
		     char *scratch, size_t size);

/*
 * A value as a table cell: "-" when absent, "~" before an estimate, sizes
 * human-readable unless bytes, pages as sizes when pages_as_size (top).
 */
void field_format(enum field_kind kind, const struct fval *v, bool bytes, bool pages_as_size,
		  uint64_t page_size, char *buf, size_t size);
/*
 * The same, bare, for -r: no "~" before an estimate, no "%" after a
 * percentage, so that every cell is a number a script can compare (the
 * estimate is a column of its own: FRAG-EST, COMPACTABLE-EST).
 */
void field_format_bare(enum field_kind kind, const struct fval *v, bool bytes,
		       bool pages_as_size, uint64_t page_size, char *buf, size_t size);

/* One device as a JSON object, every field with a JSON key. */
json_t *dev_json(const struct zs_snap_device *d);
/* What maintain can do on a device: status -J's "maintenance", maintain -J's "support". */
json_t *maint_support_json(const struct zs_maint_support *s);

/*
 * What a device's COMPACTABLE rests on: a sentence ("from mm_stat; 1.0M
 * was left after the last compaction"), and compactable_basis (with
 * compactable_left when learned) set in a JSON object.
 */
void estimate_basis_sentence(const struct zs_derived *x, bool bytes, char *buf, size_t size);
void estimate_basis_json(const struct zs_derived *x, json_t *obj);

/* ---- pools and classes ----------------------------------------------------------------- */

/* Flags of a class field. */
#define CF_NOT_TOTAL 0x1u  /* blank (absent in JSON) on the Total row */
#define CF_GROUPS 0x4u
#define CF_PAGES 0x8u	   /* a count of pages: its metric (and the Total's extra key) in bytes */	   /* the fullness groups (or almost_full/almost_empty): one per group */

struct class_field {
	const char *column;   /* status --classes' column; NULL: none */
	const char *top_head; /* top's class table, NULL: the column's; top_prio < 0: not in top */
	int top_prio;
	enum field_kind kind;
	unsigned int flags;
	const char *json_key;
	const char *json_total_key; /* an extra key on the Total row (freeable_bytes) */
	const char *metric;	    /* suffix: zsctl_pool_<m> and zsctl_pool_class_<m> */
	const char *pool_help;	    /* the pool's metric (its Total row) */
	const char *class_help;	    /* each class's metric; NULL: none */
	void (*get)(const struct zs_pool *p, const struct zs_class *c, bool total, uint64_t page,
		    struct fval *v);
};

extern const struct class_field class_fields[];
extern const size_t class_nfields;

/* A fullness group's header: "10%" .. "100%", or ALMOST-FULL, ALMOST-EMPTY. */
size_t class_ngroups(const struct zs_pool *p);
const char *class_group_column(const struct zs_pool *p, size_t g);
const char *class_group_json_key(const struct zs_pool *p, size_t g);
uint64_t class_group_value(const struct zs_pool *p, const struct zs_class *c, size_t g);

json_t *pool_json(const struct zs_pool *p, uint64_t page);

/* ---- zswap ------------------------------------------------------------------------------ */

/* Flags of a zswap field. */
#define ZF_ROOT 0x1u	/* a debugfs counter: needs root */
#define ZF_SIGNED 0x2u	/* v->i, which may be negative (saving) */

struct zswap_field {
	const char *label;	/* the row of status's zswap table; NULL: not a row */
	enum field_kind kind;	/* as the table shows it */
	unsigned int flags;
	const char *json_group; /* "parameters", "memory", "statistics", "vmstat"; NULL: zswap's own */
	const char *json_key;
	enum field_kind json_kind;
	const char *metric;	/* NULL: not in Prometheus */
	const char *metric_type;
	const char *metric_help;
	uint64_t metric_scale;	  /* 4096-byte pages times this; 0 for 1 */
	const char *metric_label; /* info metrics: the label carrying the string */
	int arg;
	void (*get)(const struct zs_snapshot *s, int arg, struct fval *v);
};

extern const struct zswap_field zswap_fields[];
extern const size_t zswap_nfields;

void zswap_field_value(const struct zswap_field *f, const struct zs_snapshot *s, struct fval *v);
/* The field as status's zswap table and top print it; false when not present. */
bool zswap_field_text(const struct zswap_field *f, const struct zs_snapshot *s, bool bytes,
		      char *buf, size_t size);
/* Is there zswap to speak of: present, and enabled or holding something. */
bool zswap_in_use(const struct zs_snapshot *s);
/* zswap as a JSON object, or NULL when this kernel has none (no CONFIG_ZSWAP). */
json_t *zswap_json(const struct zs_snapshot *s);

/* ---- zswap per cgroup ------------------------------------------------------------------- */

struct cgroup_field {
	const char *column; /* status --cgroups' column */
	enum field_kind kind;
	const char *help;
	const char *json_key;
	enum field_kind json_kind;
	const char *metric; /* zswap_cgroup_...; label cgroup; NULL: none */
	const char *metric_type;
	const char *metric_help;
	int arg;
	void (*get)(const struct zs_cgroup_zswap *c, int arg, struct fval *v);
	/*
	 * zsctl top's zswap panel: 0 always shown, larger ones dropped first
	 * to fit. A counter (metric_type "counter") is shown per second
	 * between frames, headed "COLUMN/s".
	 */
	int top_prio;
};

extern const struct cgroup_field cgroup_fields[];
extern const size_t cgroup_nfields;

/* Prometheus carries at most this many cgroups, the most zswap RAM first. */
#define CGROUP_METRICS_MAX 64

/* A field of a cgroup as a table cell (status --cgroups, top's zswap panel). */
void cgroup_field_text(const struct cgroup_field *f, const struct zs_cgroup_zswap *c, bool bytes,
		       uint64_t page_size, char *buf, size_t size);
json_t *cgroup_json(const struct zs_cgroup_zswap *c);

/* ---- the gate ---------------------------------------------------------------------------- */

json_t *gate_json(const struct zs_gate_view *g);
/*
 * The gate in one sentence, as status and top show it: "free; runs 2,
 * turned away 0, freed 1.5M; last run 2026-...: compacted; the kernel
 * turned away 3 (compact_gated)". held_at, held_len: where the
 * free/held part is, for top's colour.
 */
void gate_sentence(const struct zs_gate_view *g, bool bytes, char *buf, size_t size,
		   size_t *held_at, size_t *held_len);
/*
 * A device the gate's holder works on (d->busy), as status and top say it:
 * "zram1 is busy: writeback by pid 4242 since ...; not read (...)".
 */
void busy_sentence(const struct zs_snap_device *d, char *buf, size_t size);

/* ---- slot ages (status --ages) ------------------------------------------------------------ */

/*
 * A column of the ages tables: the histogram (a row per bucket) and what
 * an age selects (a row per age counted). row: the bucket, or the age's
 * enum zs_ages_for.
 */
struct ages_field {
	const char *column; /* NULL: JSON only */
	enum field_kind kind;
	const char *help;
	const char *json_key;
	int arg;
	void (*get)(const struct zs_ages *a, unsigned int row, int arg, struct fval *v,
		    char *scratch, size_t size);
};

extern const struct ages_field ages_bucket_fields[];
extern const size_t ages_bucket_nfields;
extern const struct ages_field ages_select_fields[];
extern const size_t ages_select_nfields;

/* A device's "ages" object: available (and reason), the buckets and what each age selects. */
json_t *ages_json(const struct zs_ages *a, enum zs_ages_status st, bool initialised);

#endif
