// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_bd_stat: /sys/block/zramN/bd_stat (CONFIG_ZRAM_WRITEBACK). */
#include "config.h"

#define STAT_PARSE zs_parse_bd_stat
#define STAT_MIN_COLS ZS_BD_KNOWN
#define STAT_KNOWN ZS_BD_KNOWN
#include "fuzz-stat.h"
