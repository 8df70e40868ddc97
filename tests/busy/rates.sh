#!/bin/sh
# status --rates while zsctl compact or maintain holds the gate: the rates
# are shown against the record as it is, nothing is written (not the
# record, not the turned-away count: status is not a compaction that stepped
# aside), and a line says so. Then, with the gate free, the record is
# replaced and the state file beside it is left as it was (older zsctl
# versions read it). Under --sysroot, in a copy of
# tests/fixtures/zswap-on-zram-swap; flock(1) holds the gate, as another
# process would. Outside make, TOP_SRCDIR defaults to the tree this script
# is in and ZSCTL to its ./zsctl.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
export TOP_SRCDIR ZSCTL
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
TZ=UTC0
export LC_ALL TZ
unset LANG LANGUAGE NO_COLOR ZSCTL_TEST_TIME ZSCTL_TEST_HOLD_GATE
umask 022

command -v flock >/dev/null 2>&1 || tap_skip_all "no flock(1)"
make_tmpdir

M=$TMPD/m
LOCK=$M/run/lock/zsctl-compact.lock
STATE=$M/var/lib/zsctl/compact.state
BOOT=8d3a4c1e-5f6b-4a7c-9d0e-1f2a3b4c5d6e

cp -R "$TOP_SRCDIR/tests/fixtures/zswap-on-zram-swap" "$M" && chmod -R u+w "$M" &&
	mkdir -p "$M/run/lock" "$M/var/lib/zsctl" "$M/proc/sys/kernel/random" &&
	echo "$BOOT" >"$M/proc/sys/kernel/random/boot_id" &&
	echo '5300.00 9000.00' >"$M/proc/uptime" &&
	(umask 077 && : >"$LOCK") || tap_bail "cannot prepare $M"
# 300 s before: zswpout 300 lower (1/s), zram1's huge_pages_since 100 lower
printf '# zsctl status rates\nversion 1\nboot_id %s\nboottime_ms 5000000\nobject zswap zswpout=16540 zswpin=352\nobject zram1 id.pages_compacted=0 huge_pages_since=2536\nend\n' \
	"$BOOT" >"$STATE.rates" &&
	printf '# zsctl compact state\nversion 2\nruns 3\nfreed_total 8192\nlast_time 1700000000\nlast_pid 42\nlast_result compacted\ndevice zram1 pages_compacted=0 time=1700000000 result=compacted freed=8192 newer_key=7\nend\n' \
		>"$STATE" && cp "$STATE.rates" "$TMPD/record" && cp "$STATE" "$TMPD/state" ||
	tap_bail "cannot write the record"

# held: -o, so that zsctl does not inherit the lock's descriptor
flock -o "$LOCK" "$ZSCTL" --sysroot "$M" status --rates >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 0 "held gate: status --rates exits 0"
grep -Eq '^zswap +zswpout +16840 +300 +1\.00$' "$TMPD/out"
tap_ok $? "held gate: zswpout's rate against the record (300 in 300 s)"
grep -Eq '^zram1 +huge_pages_since +2636 +100 +0\.33$' "$TMPD/out"
tap_ok $? "held gate: zram1's huge_pages_since rate against the record"
grep -Eq '^zswap +zswpwb +8777 +- +first-run$' "$TMPD/out"
tap_ok $? "held gate: a counter not in the record says first-run"
grep -Eq '^Rates: not recorded: the compaction gate is held by pid [0-9]+; the next run compares with the same previous record\.$' "$TMPD/out"
tap_ok $? "held gate: it says the record was not written, and who holds the gate"
cmp -s "$STATE.rates" "$TMPD/record"
tap_ok $? "held gate: the record is as it was"
[ ! -e "$STATE.busy" ]
tap_ok $? "held gate: status is not counted as turned away"
[ -z "$(ls "$M/var/lib/zsctl" | grep -v '^compact\.state\(\.rates\)\?$')" ]
tap_ok $? "held gate: no other file beside the state file"

flock -o "$LOCK" "$ZSCTL" --sysroot "$M" status --rates -J >"$TMPD/json" 2>"$TMPD/err"
tap_is "$?" 0 "held gate, JSON: exits 0"
if command -v jq >/dev/null 2>&1; then
	tap_is "$(jq -c '.rates | [.previous, .interval_seconds, .recorded, (.not_recorded_reason | test("^the compaction gate is held by pid [0-9]+;"))]' "$TMPD/json")" \
		'["ok",300,false,true]' "held gate, JSON: previous ok, 300 s, not recorded, and why"
	tap_is "$(jq -c '[.rates.objects[] | select(.object == "zswap") | .counters[] | select(.counter == "zswpout") | .status, .delta, .per_second]' "$TMPD/json")" \
		'["ok",300,1]' "held gate, JSON: zswpout's delta and rate"
else
	tap_ok 0 "# SKIP no jq"
	tap_ok 0 "# SKIP no jq"
fi

# free: recorded, the state file untouched
"$ZSCTL" --sysroot "$M" status --rates >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 0 "free gate: status --rates exits 0"
grep -q '^Rates: recorded for the next zsctl status --rates\.$' "$TMPD/out"
tap_ok $? "free gate: it says the record was written"
grep -q '^boottime_ms 5300000$' "$STATE.rates" &&
	grep -Eq '^object zswap .*zswpout=16840( |$)' "$STATE.rates"
tap_ok $? "free gate: the record has this run's time and counters"
cmp -s "$STATE" "$TMPD/state"
tap_ok $? "free gate: the state file is left as it was (a version 2 reader's file)"
tap_is "$(wc -c <"$LOCK" | tr -d ' ')" 0 "free gate: the lock file names no holder afterwards"
tap_done
