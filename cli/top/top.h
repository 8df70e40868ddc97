/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zsctl top: what the verb, batch mode and the screen share. Nothing here
 * (and nothing in model.c, action.c or top.c) includes curses: the model
 * turns a sample into lines of text with styles, batch mode prints the
 * text, and screen.c, the one file that includes curses, draws it.
 */
#ifndef ZSCTL_TOP_H
#define ZSCTL_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../cli.h"

/* Keys, as the model sees them: printable characters are themselves. */
enum {
	TOP_KEY_NONE = -1,
	TOP_KEY_TAB = '\t',
	TOP_KEY_ENTER = '\n',
	TOP_KEY_ESC = 27,
	TOP_KEY_UP = 0x1000,
	TOP_KEY_DOWN,
	TOP_KEY_LEFT,
	TOP_KEY_RIGHT,
	TOP_KEY_PGUP,
	TOP_KEY_PGDN,
	TOP_KEY_HOME,
	TOP_KEY_END,
	TOP_KEY_BTAB,
	TOP_KEY_BACKSPACE,
	TOP_KEY_RESIZE,
	TOP_KEY_REDRAW, /* ^L */
};

/* What a key asks the loop to do. */
enum {
	TOP_ACT_REDRAW = 1 << 0,  /* draw the frame again */
	TOP_ACT_REBUILD = 1 << 1, /* rebuild it from the sample (sort, view changes) */
	TOP_ACT_REFRESH = 1 << 2, /* sample now */
	TOP_ACT_QUIT = 1 << 3,
	TOP_ACT_COMPACT = 1 << 4, /* compact the selected device (confirmed) */
	TOP_ACT_DELAY = 1 << 5,	  /* the delay changed: reschedule */
	TOP_ACT_CLEAR = 1 << 6,	  /* repaint the whole terminal (^L) */
	TOP_ACT_RESCAN = 1 << 7,  /* look for devices and pools again (^L) */
	TOP_ACT_PANEL = 1 << 8,	  /* the panel changed: walk the cgroups, or stop (z, a) */
};

enum top_sort {
	TOP_SORT_FREEABLE,
	TOP_SORT_FRAG,
	TOP_SORT_SIZE,
	TOP_SORT_USED,
	TOP_SORT_COUNT_,
};

/*
 * The panel below the device table: a pool's size classes, zswap per
 * cgroup (z), or the devices' slot ages (a).
 */
enum top_panel {
	TOP_PANEL_CLASSES,
	TOP_PANEL_ZSWAP,
	TOP_PANEL_AGES,
};

/*
 * The ages panel reads debugfs block_state, a line per stored slot (a
 * million for a 4 GiB device, 33 MB of text that the kernel makes under
 * each slot's lock, and on 7.x under the device's lock). When the devices
 * shown held more than TOP_AGES_SMALL slots at the last read, it is read
 * again only after TOP_AGES_EVERY_S seconds: the histogram's finest bucket
 * is 10 minutes and maintain's ages are hours, so a frame every 2 s would
 * pay for the read and show nothing new. (zsctl alone parses a million
 * lines from the page cache in 80 ms here, 4% of a CPU at one read each
 * 2 s, before the kernel's share of making them.) zsctl-top(8) says so.
 */
#define TOP_AGES_SMALL 65536 /* 256 MiB of 4K pages: about 2 MB of block_state */
#define TOP_AGES_EVERY_S 30

/* How the zswap panel orders the cgroups: RAM, or a counter's rate between frames. */
enum top_cg_sort {
	TOP_CG_SORT_ZSWAP,   /* memory.stat zswap: the RAM its pages take */
	TOP_CG_SORT_ZSWPIN,  /* refaults per second */
	TOP_CG_SORT_ZSWPOUT, /* stores per second */
	TOP_CG_SORT_ZSWPWB,  /* write-backs per second */
	TOP_CG_SORT_COUNT_,
};

/*
 * The zswap panel shows at most this many cgroups (the first by its sort);
 * the walk itself looks at up to ZS_CGROUPS_MAX. zsctl-top(8) says so.
 */
#define TOP_CGROUPS_SHOWN 32

/* A cgroup's counters at one sample, for its rates at the next. */
struct top_cg_counters {
	uint64_t ino;  /* the cgroup's id: a cgroup made again has a new one */
	uint64_t hash; /* of its path */
	uint64_t val[ZS_CG_KNOWN];
	uint32_t present;
};

/* The cgroups' counters at a sample (seq), sorted by ino and hash. */
struct top_cg_sample {
	uint64_t seq; /* the snapshot's; 0: none */
	uint64_t ns;  /* CLOCK_MONOTONIC of the sample */
	struct top_cg_counters *c;
	size_t n;
};

enum top_style {
	TS_NORMAL,
	TS_TITLE,
	TS_HEADING, /* column headings */
	TS_SELECTED,
	TS_DIM,
	TS_WARN,
	TS_OK,
	TS_STATUS,
	TS_BAR_LOW,
	TS_BAR_MID,
	TS_BAR_HIGH,
	/* the ages panel's bars: a style per enum zs_slot_kind, in its order */
	TS_AGE_WB,
	TS_AGE_SAME,
	TS_AGE_HUGE,
	TS_AGE_IDLE,
	TS_AGE_OTHER,
	TS_COUNT_,
};

enum top_mode {
	TOP_MODE_NORMAL,
	TOP_MODE_HELP,
	TOP_MODE_CONFIRM, /* compact the selected device? */
	TOP_MODE_DELAY,	  /* typing a new delay */
};

#define TOP_LINE_MAX 640
#define TOP_SPANS 6

struct top_span {
	unsigned short start, len;
	unsigned char style;
};

struct top_line {
	char text[TOP_LINE_MAX];
	unsigned char style;
	unsigned int nspans;
	struct top_span spans[TOP_SPANS]; /* styles of parts of the line, over style */
};

struct top_frame {
	struct top_line *lines;
	size_t n, cap;
	size_t head;	/* lines before the class table: always shown first */
	bool has_table; /* lines[head] is the table's heading, rows follow */
	size_t table_rows;
	/* the device table: its heading's index, its rows after it, the selected one */
	bool has_devs;
	size_t dev_head, dev_rows;
	size_t dev_sel; /* among the rows; dev_rows when none is selected */
	/* the line that names the class table's device and pool (or says why there is none) */
	bool has_label;
	size_t label;
	struct top_line status; /* the bottom line */
	struct top_line more;	/* the layout's "more devices" line */
};

#define TOP_ZSWAP_COUNTERS 64 /* zswap_fields' entries top keeps for rates */

/* zswap's counters at a sample, by zswap_fields index */
struct top_zswap_sample {
	uint64_t seq; /* the snapshot's; 0: none */
	uint64_t ns;
	uint64_t val[TOP_ZSWAP_COUNTERS];
	uint64_t present; /* a bit per index */
};

/* What the user chose; it survives refreshes and hotplug. */
struct top_view {
	enum top_sort sort;
	bool reverse;
	bool hide_empty;
	bool bytes;
	bool paused;
	double delay;	   /* seconds */
	char selected[64]; /* the selected device or pool, by name; "" for the first */
	size_t sel_index;  /* where it was in the list: the neighbours of a removed one */
	bool sel_gone;	   /* it was removed: nothing is selected until the user picks */
	bool named;	   /* devices named on the command line: no other pools */
	bool utf8;	   /* the terminal's charset: an ellipsis, arrows, shades */
	size_t dev_scroll; /* first device row shown */
	bool all_pools;	   /* batch without -p: every pool's class table */
	size_t scroll;	   /* first class row shown */
	size_t page;	   /* class rows the last layout showed */
	enum top_mode mode;
	char input[32];
	size_t input_len;
	char message[512]; /* the status line; "" for the key hints */
	bool message_error;
	uint64_t message_until_ns; /* CLOCK_MONOTONIC; 0: until replaced */
	char compact_target[ZS_DEVNAME_MAX];
	struct zs_identity compact_id; /* the device the user confirms, not just its name */
	bool batch;
	int cols; /* 0: as wide as it takes (batch) */
	time_t now;
	bool has_clock;
	uint64_t now_ns; /* CLOCK_MONOTONIC of this frame's sample; 0: unknown */
	/*
	 * Counters of the sample shown and of the one before, for rates: a
	 * frame built again from the same sample (a key) keeps its rates.
	 */
	struct top_zswap_sample zswap_now, zswap_then;
	/* the zswap panel (z): its sort, and the cgroups' counters for rates */
	enum top_panel panel;
	enum top_cg_sort cg_sort;
	bool cg_reverse;
	struct top_cg_sample cg_now, cg_then;
	/*
	 * The ages panel (a): when the ages shown were read (CLOCK_MONOTONIC;
	 * 0: not yet) and the slots they counted, and why maintain's ages
	 * are not known ("" when its configuration was read).
	 */
	uint64_t ages_ns;
	uint64_t ages_slots;
	char ages_config_error[300];
};

/* Free what the view holds (the cgroups' counters). */
void top_view_clear(struct top_view *v);

/* One selectable entry: a zram device (with its pool, if any), or another pool. */
struct top_entry {
	const char *name;
	const struct zs_snap_device *dev;
	const struct zs_pool *pool;
};

const char *top_sort_name(enum top_sort s);
int top_parse_sort(const char *s, enum top_sort *ret);
const char *top_cg_sort_name(enum top_cg_sort s);
int top_parse_cg_sort(const char *s, enum top_cg_sort *ret);

/* Entries in display order; n is their count. The array is malloc'd. */
int top_entries(const struct top_view *v, const struct zs_snapshot *sm, struct top_entry **ret,
		size_t *n);
/* The selected entry by name (the first before any); NULL when none is (it was removed). */
const struct top_entry *top_selected(const struct top_view *v, const struct top_entry *e, size_t n);

void top_frame_init(struct top_frame *f);
void top_frame_free(struct top_frame *f);
/*
 * Whether the next refresh reads block_state for the ages panel (sm: the
 * last sample, NULL before the first): not yet read, small devices, a
 * device not read yet (hot-added), or TOP_AGES_EVERY_S since the last.
 */
bool top_ages_due(const struct top_view *v, const struct zs_snapshot *sm, uint64_t now_ns);
/* The refresh of sm read block_state: remember when, and how much. */
void top_ages_read(struct top_view *v, const struct zs_snapshot *sm);

/* Build the frame of a snapshot for the view. */
int top_build(struct top_frame *f, struct top_view *v, const struct zs_snapshot *sm);
/* The help screen. */
int top_build_help(struct top_frame *f, const struct top_view *v);
/* Turn the sample's events into the status message (returns true when it set one). */
bool top_events_message(struct top_view *v, const struct zs_snapshot *sm, uint64_t now_ns);

/*
 * Which lines a screen of rows lines shows: out[i] for row i (the status
 * line last), NULL for an empty row. Clamps v->scroll and sets v->page.
 */
void top_layout(struct top_frame *f, struct top_view *v, int rows, const struct top_line **out);

/*
 * A line's text cut to cols columns at a word's end, with an ellipsis;
 * keep_tail keeps its end instead (a message's cause), cutting the middle.
 * Returns the columns out takes.
 */
int top_fit(const char *text, int cols, bool utf8, bool keep_tail, char *out, size_t size);
/* Columns a UTF-8 string takes (every character top writes is one column wide). */
size_t top_width(const char *s);

/* A key; returns TOP_ACT_* flags. */
int top_key(struct top_view *v, const struct zs_snapshot *sm, int key);

/* Batch mode: the frame as plain text. */
void top_print_frame(const struct top_frame *f, FILE *out);

/* The help text: key, what it does. */
struct top_help {
	const char *key;
	const char *text;
};
extern const struct top_help top_help_keys[];
extern const size_t top_help_nkeys;

/*
 * action.c: compact one device through zsctl compact's gate and its state
 * (the same run as zsctl compact's). Writes a one-line result to msg;
 * returns true on success.
 */
bool top_compact(struct cli *cli, struct zs_gate *gate, struct zs_reader *reader, const char *name,
		 char *msg, size_t size);

/* screen.c: the only file that includes curses. */
int screen_open(bool color);
void screen_close(void);
bool screen_is_open(void);
void screen_size(int *rows, int *cols);
/* A key from the terminal (TOP_KEY_*), TOP_KEY_NONE when none is waiting. */
int screen_getkey(void);
void screen_draw(struct top_frame *f, struct top_view *v, bool clear);

#endif
