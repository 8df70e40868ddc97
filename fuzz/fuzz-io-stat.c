// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_io_stat: /sys/block/zramN/io_stat. */
#include "config.h"

#define STAT_PARSE zs_parse_io_stat
#define STAT_MIN_COLS ZS_IO_KNOWN
#define STAT_KNOWN ZS_IO_KNOWN
#include "fuzz-stat.h"
