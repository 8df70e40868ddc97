#!/bin/sh
# zsctl top --batch (batch mode) while devices and pools come and go under
# --sysroot, in a copy of a fixture: no restart, no error, and the second
# frame says what changed. (top --batch's output over the fixture trees is
# checked by the expected-output cases, tests/expected/top.cases.)
# Outside make, TOP_SRCDIR defaults to the tree this script is in and
# ZSCTL to its ./zsctl.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
export TOP_SRCDIR ZSCTL
. "$TOP_SRCDIR/tests/lib.sh"

# the same bytes whatever the caller's locale and time zone
LC_ALL=C
TZ=UTC0
export LC_ALL TZ
unset LANG LANGUAGE NO_COLOR ZSCTL_TEST_TIME

FIX=$TOP_SRCDIR/tests/fixtures

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
[ -d "$FIX" ] || tap_bail "no fixture trees in $FIX"
make_tmpdir

# ---- hotplug under --sysroot ------------------------------------------------
# A copy of several-devices; between the first and the second frame, zram2
# and its pool go away and zram7 (with a pool) comes. The directories are
# watched (held open, fstat()ed each refresh): no restart, no error.
ROOT=$TMPD/root
cp -R "$FIX/several-devices" "$ROOT" || tap_bail "cannot copy a fixture"
chmod -R u+w "$ROOT"
dbg=$(awk '$9 == "debugfs" { print substr($5, 2) }' "$ROOT/proc/self/mountinfo")
[ -d "$ROOT/$dbg/zsmalloc/zram2" ] || tap_bail "several-devices: no pool zram2 under /$dbg"

: >"$TMPD/hot.out"
"$ZSCTL" --sysroot "$ROOT" top --batch --iterations 2 -d 3 --sort size >"$TMPD/hot.out" 2>"$TMPD/hot.err" &
pid=$!
at_exit "kill $pid"
i=0
# the end of the first frame: its blank line after the class tables
while [ "$(grep -c '^zsctl top' "$TMPD/hot.out")" -lt 1 ] ||
	[ "$(tail -c 2 "$TMPD/hot.out" | od -An -c | tr -d ' ')" != '\n\n' ]; do
	i=$((i + 1))
	[ $i -le 100 ] || break
	sleep 0.05
done
rm -rf "$ROOT/sys/block/zram2" "$ROOT/$dbg/zsmalloc/zram2"
cp -R "$ROOT/sys/block/zram0" "$ROOT/sys/block/zram7"
cp -R "$ROOT/$dbg/zsmalloc/zram0" "$ROOT/$dbg/zsmalloc/zram7"
wait $pid
tap_is "$?" 0 "hotplug under --sysroot: top --batch --iterations 2 exits 0"
tap_is "$(cat "$TMPD/hot.err")" "" "hotplug: nothing on stderr"
awk '/^zsctl top/ { n++ } { print > (dir "/hot.frame" n) }' dir="$TMPD" "$TMPD/hot.out"
grep -Eq '^zram2 +[0-9]' "$TMPD/hot.frame1"
tap_ok $? "frame 1 shows zram2"
grep -Eq '^zram2 +[0-9]' "$TMPD/hot.frame2"
tap_ok $((!$?)) "frame 2 does not show zram2"
grep -Eq '^zram7 +[0-9]' "$TMPD/hot.frame2"
tap_ok $? "frame 2 shows zram7"
grep -q '^Pool zram7 ' "$TMPD/hot.frame2"
tap_ok $? "frame 2 shows zram7's pool"
grep -q '^Pool zram2 ' "$TMPD/hot.frame2"
tap_ok $((!$?)) "frame 2 shows no pool zram2"
grep -qx 'zram2 removed; zram7 appeared; pool zram2 removed; pool zram7 appeared' \
	"$TMPD/hot.frame2"
tap_ok $? "frame 2 says what came and went"
[ "$(sed -n 's/^zsctl top.*: \([0-9]*\) zram devices.*/\1/p' "$TMPD/hot.frame2")" = 3 ]
tap_ok $? "frame 2 counts 3 devices"

tap_done
