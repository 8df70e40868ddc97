// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_mm_stat: /sys/block/zramN/mm_stat (7 to 10 and more columns). */
#include "config.h"

#define STAT_PARSE zs_parse_mm_stat
#define STAT_MIN_COLS 7
#define STAT_KNOWN ZS_MM_KNOWN
#include "fuzz-stat.h"
