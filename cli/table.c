// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct table {
	size_t ncols, nrows;
	char **headers;
	unsigned int *flags;
	char ***cells; /* [row][col] */
};

struct table *table_new(size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = calloc(ncols, sizeof(char *));
	t->flags = calloc(ncols, sizeof(unsigned int));
	if (!t->headers || !t->flags) {
		table_free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->cells[r][c]);
		free(t->cells[r]);
	}
	free(t->cells);
	for (size_t c = 0; t->headers && c < t->ncols; c++)
		free(t->headers[c]);
	free(t->headers);
	free(t->flags);
	free(t);
}

void table_set_column(struct table *t, size_t col, const char *header, unsigned int flags)
{
	free(t->headers[col]);
	t->headers[col] = strdup(header);
	t->flags[col] = flags;
}

int table_add_row(struct table *t)
{
	char ***cells = realloc(t->cells, (t->nrows + 1) * sizeof(char **));

	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	cells[t->nrows] = calloc(t->ncols, sizeof(char *));
	if (!cells[t->nrows])
		return -ENOMEM;
	return (int)t->nrows++;
}

int table_set_cell(struct table *t, size_t row, size_t col, const char *text)
{
	char *copy = strdup(text ? text : "");

	if (!copy)
		return -ENOMEM;
	free(t->cells[row][col]);
	t->cells[row][col] = copy;
	return 0;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return t->cells[row][col] ? t->cells[row][col] : "";
}

/* --raw: like lsblk -r, blanks and backslashes escaped so fields stay fields */
static void print_raw(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == '\\' || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void print_row(const struct table *t, FILE *out, const char *const *row,
		      const size_t *width, unsigned int flags)
{
	size_t pad = 0; /* spaces owed; dropped at the end of the line */

	for (size_t c = 0; c < t->ncols; c++) {
		const char *s = row[c] ? row[c] : "";
		size_t len = strlen(s);

		if (flags & TABLE_RAW) {
			if (c)
				fputc(' ', out);
			print_raw(out, s);
			continue;
		}
		if (c)
			pad++;
		if (t->flags[c] & TABLE_RIGHT)
			pad += width[c] - len;
		if (len) {
			fprintf(out, "%*s%s", (int)pad, "", s);
			pad = 0;
		}
		if (!(t->flags[c] & TABLE_RIGHT))
			pad += width[c] - len;
	}
	fputc('\n', out);
}

void table_print(const struct table *t, FILE *out, unsigned int flags)
{
	size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof(size_t));

	if (!width)
		return;
	for (size_t c = 0; c < t->ncols; c++) {
		if (!(flags & TABLE_NOHEADINGS))
			width[c] = strlen(t->headers[c] ? t->headers[c] : "");
		for (size_t r = 0; r < t->nrows; r++)
			if (strlen(cell(t, r, c)) > width[c])
				width[c] = strlen(cell(t, r, c));
	}
	if (!(flags & TABLE_NOHEADINGS))
		print_row(t, out, (const char *const *)t->headers, width, flags);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, out, (const char *const *)t->cells[r], width, flags);
	free(width);
}
