// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_percent: 0..100 with or without '%', as a fraction (--min-frag). */
#include "config.h"

#define PARSE zs_parse_percent
#define LIMIT 100
#define SCALE 100.0
#define SUFFIX '%'
#include "fuzz-seconds.h"
