// SPDX-License-Identifier: GPL-2.0-or-later
/* zs_parse_seconds: 0.25, 3, 1.5 (compact --wait=SECS, top -d); at most a day. */
#include "config.h"

#define PARSE zs_parse_seconds
#define LIMIT 86400
#define SCALE 1.0
#define SUFFIX 0
#include "fuzz-seconds.h"
