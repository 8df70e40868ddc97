// SPDX-License-Identifier: GPL-2.0-or-later
/* Tables: libsmartcols, util-linux's column library, as zramctl and lsblk print them. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "cli.h"

struct libscols_table *cli_table_new(bool raw, bool noheadings)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_raw(tb, raw);
	scols_table_enable_noheadings(tb, noheadings);
	return tb;
}

int cli_table_column(struct libscols_table *tb, const char *name, bool right)
{
	/*
	 * libsmartcols 2.38 sizes a column by its header even when headings
	 * are off: without one, -n columns are as wide as their cells.
	 */
	const char *head = scols_table_is_noheadings(tb) ? "" : name;

	return scols_table_new_column(tb, head, 0, right ? SCOLS_FL_RIGHT : 0) ? 0 : -ENOMEM;
}

int cli_table_print(struct libscols_table *tb, bool raw)
{
	char *text = NULL, *line, *next;

	if (raw)
		return scols_print_table(tb);
	if (scols_print_table_to_string(tb, &text) < 0)
		return -ENOMEM;
	/* an empty last cell leaves its separator behind: no line ends in blanks */
	for (line = text; line && *line; line = next) {
		size_t len;

		next = strchr(line, '\n');
		len = next ? (size_t)(next - line) : strlen(line);
		if (next)
			next++;
		while (len && line[len - 1] == ' ')
			len--;
		printf("%.*s\n", (int)len, line);
	}
	free(text);
	return 0;
}
