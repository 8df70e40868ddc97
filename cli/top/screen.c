// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl top's screen: the only file of zsctl that includes curses. It
 * draws the lines the model made and turns terminal keys into TOP_KEY_*.
 * Frames are drawn into curses' virtual screen and sent with one
 * doupdate(), which writes only what changed: no clear, no flicker.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"

static SCREEN *scr;
static bool use_color;
static chtype style_attr[TS_COUNT_];

enum {
	PAIR_GREEN = 1,
	PAIR_YELLOW,
	PAIR_RED,
	PAIR_CYAN,
	PAIR_SELECTED,
	PAIR_BLUE,
};

static void set_styles(void)
{
	style_attr[TS_NORMAL] = A_NORMAL;
	style_attr[TS_TITLE] = A_BOLD;
	style_attr[TS_HEADING] = A_REVERSE;
	style_attr[TS_SELECTED] = A_BOLD | A_UNDERLINE;
	style_attr[TS_DIM] = A_DIM;
	style_attr[TS_WARN] = A_BOLD;
	style_attr[TS_OK] = A_NORMAL;
	style_attr[TS_STATUS] = A_BOLD;
	style_attr[TS_BAR_LOW] = A_NORMAL;
	style_attr[TS_BAR_MID] = A_NORMAL;
	style_attr[TS_BAR_HIGH] = A_BOLD;
	/* the ages' bars: each kind has its letter; colour, where there is some, on top */
	style_attr[TS_AGE_WB] = A_NORMAL;
	style_attr[TS_AGE_SAME] = A_DIM;
	style_attr[TS_AGE_HUGE] = A_BOLD;
	style_attr[TS_AGE_IDLE] = A_NORMAL;
	style_attr[TS_AGE_OTHER] = A_NORMAL;
	if (!use_color)
		return;
	style_attr[TS_TITLE] = A_BOLD | COLOR_PAIR(PAIR_CYAN);
	style_attr[TS_SELECTED] = A_BOLD | COLOR_PAIR(PAIR_SELECTED);
	style_attr[TS_WARN] = A_BOLD | COLOR_PAIR(PAIR_RED);
	style_attr[TS_OK] = COLOR_PAIR(PAIR_GREEN);
	style_attr[TS_BAR_LOW] = COLOR_PAIR(PAIR_GREEN);
	style_attr[TS_BAR_MID] = COLOR_PAIR(PAIR_YELLOW);
	style_attr[TS_BAR_HIGH] = A_BOLD | COLOR_PAIR(PAIR_RED);
	/* on the backing device: off to the side; huge: the costly ones; idle: about to go */
	style_attr[TS_AGE_WB] = COLOR_PAIR(PAIR_BLUE);
	style_attr[TS_AGE_SAME] = A_DIM;
	style_attr[TS_AGE_HUGE] = A_BOLD | COLOR_PAIR(PAIR_RED);
	style_attr[TS_AGE_IDLE] = COLOR_PAIR(PAIR_YELLOW);
	style_attr[TS_AGE_OTHER] = COLOR_PAIR(PAIR_GREEN);
}

int screen_open(bool color)
{
	if (scr)
		return 0;
	/* newterm, not initscr: a terminal it does not know is an error to report, not an exit */
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return -1;
	set_term(scr);
	/*
	 * A terminal that cannot move the cursor (TERM=dumb: an editor's shell
	 * buffer, a console set up so) would get a blank screen and the key
	 * bar: the same error as a terminal curses does not know. Nothing is
	 * drawn yet, and endwin gives the terminal back as it was.
	 */
	if (!tigetstr("cup") || tigetstr("cup") == (char *)-1) {
		endwin();
		delscreen(scr);
		scr = NULL;
		return -1;
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	/* no look for typed keys in the middle of an update: a poll() a frame */
	typeahead(-1);
	curs_set(0);
	use_color = false;
	if (color && has_colors() && start_color() == OK) {
		short bg = -1;

		if (use_default_colors() != OK)
			bg = COLOR_BLACK;
		init_pair(PAIR_GREEN, COLOR_GREEN, bg);
		init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
		init_pair(PAIR_RED, COLOR_RED, bg);
		init_pair(PAIR_CYAN, COLOR_CYAN, bg);
		init_pair(PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_BLUE, COLOR_BLUE, bg);
		use_color = true;
	}
	set_styles();
	return 0;
}

void screen_close(void)
{
	if (!scr)
		return;
	curs_set(1);
	endwin(); /* leaves the alternate screen, restores the terminal's modes */
	delscreen(scr);
	scr = NULL;
}

bool screen_is_open(void)
{
	return scr != NULL;
}

void screen_size(int *rows, int *cols)
{
	int r = 0, c = 0;

	if (scr)
		getmaxyx(stdscr, r, c);
	*rows = r;
	*cols = c;
}

int screen_getkey(void)
{
	int ch;

	if (!scr)
		return TOP_KEY_NONE;
	ch = getch();
	switch (ch) {
	case ERR:
		return TOP_KEY_NONE;
	case KEY_UP:
		return TOP_KEY_UP;
	case KEY_DOWN:
		return TOP_KEY_DOWN;
	case KEY_LEFT:
		return TOP_KEY_LEFT;
	case KEY_RIGHT:
		return TOP_KEY_RIGHT;
	case KEY_PPAGE:
		return TOP_KEY_PGUP;
	case KEY_NPAGE:
		return TOP_KEY_PGDN;
	case KEY_HOME:
		return TOP_KEY_HOME;
	case KEY_END:
		return TOP_KEY_END;
	case KEY_BTAB:
		return TOP_KEY_BTAB;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		return TOP_KEY_BACKSPACE;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return TOP_KEY_ENTER;
	case KEY_RESIZE:
		return TOP_KEY_RESIZE;
	case 12: /* ^L */
		return TOP_KEY_REDRAW;
	default:
		if (ch >= 0 && ch < 256)
			return ch;
		return TOP_KEY_NONE; /* a function key of no use here */
	}
}

static void draw_line(int row, int cols, const struct top_line *l, bool utf8, bool keep_tail)
{
	chtype base = style_attr[l->style < TS_COUNT_ ? l->style : TS_NORMAL];
	bool full = l->style == TS_HEADING || l->style == TS_SELECTED;
	char text[TOP_LINE_MAX + 8];
	/* a long line is cut at a word's end with an ellipsis, never mid-word */
	int len = top_fit(l->text, cols, utf8, keep_tail, text, sizeof(text));

	attrset(base);
	mvaddstr(row, 0, text);
	if (full && len < cols)
		hline(' ', cols - len); /* the bar runs the whole width */
	attrset(A_NORMAL);
	for (unsigned int i = 0; i < l->nspans; i++) {
		const struct top_span *s = &l->spans[i];
		chtype a = style_attr[s->style < TS_COUNT_ ? s->style : TS_NORMAL];
		int n = s->len;

		if (s->start >= cols)
			continue;
		if (s->start + n > cols)
			n = cols - s->start;
		mvchgat(row, s->start, n, (attr_t)(a & ~A_COLOR), (short)PAIR_NUMBER(a), NULL);
	}
}

void screen_draw(struct top_frame *f, struct top_view *v, bool clear)
{
	const struct top_line **out;
	int rows, cols;

	if (!scr)
		return;
	getmaxyx(stdscr, rows, cols);
	if (rows <= 0 || cols <= 0)
		return;
	out = calloc((size_t)rows, sizeof(*out));
	if (!out)
		return;
	top_layout(f, v, rows, out);
	if (clear)
		clearok(curscr, TRUE);
	erase(); /* the virtual screen only: doupdate() sends the differences */
	for (int r = 0; r < rows; r++)
		if (out[r])
			draw_line(r, cols, out[r], v->utf8, out[r] == &f->status);
	wnoutrefresh(stdscr);
	doupdate();
	free(out);
}
