/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ZSCTL_TABLE_H
#define ZSCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A column table in the manner of util-linux's: aligned, or --raw. */
struct table;

enum {
	TABLE_RIGHT = 1 << 0,
};

enum {
	TABLE_NOHEADINGS = 1 << 0,
	TABLE_RAW = 1 << 1,
};

struct table *table_new(size_t ncols);
void table_free(struct table *t);
void table_set_column(struct table *t, size_t col, const char *header, unsigned int flags);
/* Starts a new row; cells default to empty. Returns the row index or -ENOMEM. */
int table_add_row(struct table *t);
int table_set_cell(struct table *t, size_t row, size_t col, const char *text);
void table_print(const struct table *t, FILE *out, unsigned int flags);

#endif
