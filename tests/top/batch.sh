#!/bin/sh
# zsctl top -b (batch mode) over the fixture trees of tests/fixtures/:
# every case of tests/top/cases runs
#     $ZSCTL --sysroot $TOP_SRCDIR/tests/fixtures/<fixture> top <arguments>
# and its stdout, stderr and exit status are compared with
# tests/top/expected/<name>.out, <name>.err and the case's status.
# Then hotplug under --sysroot: devices and pools that come and go between
# two frames, in a copy of a fixture.
#
#   batch.sh [--update] [NAME-PATTERN...]
#
# --update rewrites the expected files of the selected cases from the
# current output (read the diff before committing it). Outside make,
# TOP_SRCDIR defaults to the tree this script is in and ZSCTL to its ./zsctl.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
export TOP_SRCDIR ZSCTL
. "$TOP_SRCDIR/tests/lib.sh"

# the same bytes whatever the caller's locale and time zone; a fixed clock
LC_ALL=C
TZ=UTC0
# the test build of zsctl (zsctl-test) reads a fixed clock from it
ZSCTL_TEST_TIME=1700000000
export LC_ALL TZ ZSCTL_TEST_TIME
unset LANG LANGUAGE NO_COLOR

EXP=$TOP_SRCDIR/tests/top/expected
FIX=$TOP_SRCDIR/tests/fixtures

update=false
if [ "${1-}" = --update ]; then
	update=true
	shift
fi

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
[ -d "$FIX" ] || tap_bail "no fixture trees in $FIX"
make_tmpdir

trim()
{
	printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

selected()
{
	[ $# -eq 1 ] && return 0
	_n=$1
	shift
	for _p in "$@"; do
		# shellcheck disable=SC2254
		case "$_n" in $_p) return 0 ;; esac
	done
	return 1
}

diag_diff()
{
	tap_diag "$1 differs (--- expected, +++ got):"
	diff -u "$2" "$3" | sed '1,2d; s/^/# /'
}

while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '' | '#'*) continue ;; esac
	name=$(trim "$(printf '%s' "$line" | cut -d'|' -f1)")
	fixture=$(trim "$(printf '%s' "$line" | cut -d'|' -f2)")
	args=$(trim "$(printf '%s' "$line" | cut -d'|' -f3)")
	want=$(trim "$(printf '%s' "$line" | cut -d'|' -f4)")
	case "$name" in
	'' | */* | .* | *[!A-Za-z0-9._-]*) tap_bail "cases: bad case name in: $line" ;;
	esac
	[ -d "$FIX/$fixture" ] || tap_bail "cases: $name: no fixture '$fixture'"
	selected "$name" "$@" || continue

	out=$TMPD/$name.out
	err=$TMPD/$name.err
	(
		eval "set -- $args" || exit 125
		cd "$TMPD" && exec "$ZSCTL_TEST" --sysroot "$FIX/$fixture" top "$@"
	) >"$out" 2>"$err" </dev/null
	rc=$?
	desc="$name: zsctl --sysroot fixtures/$fixture top $args"
	if $update; then
		cp "$out" "$EXP/$name.out" && cp "$err" "$EXP/$name.err"
		tap_ok $? "$desc (updated)"
		[ "$rc" = "$want" ] || tap_diag "$name: the exit status is now $rc, not $want"
		continue
	fi
	bad=0
	[ "$rc" = "$want" ] || bad=1
	for f in out err; do
		cmp -s "$EXP/$name.$f" "$TMPD/$name.$f" 2>/dev/null || bad=1
	done
	tap_ok $bad "$desc"
	[ "$rc" = "$want" ] || tap_diag "exit status $rc, expected $want"
	for f in out err; do
		if [ ! -f "$EXP/$name.$f" ]; then
			tap_diag "no expected/$name.$f (run tests/top/batch.sh --update $name)"
		elif ! cmp -s "$EXP/$name.$f" "$TMPD/$name.$f"; then
			diag_diff "std$f" "$EXP/$name.$f" "$TMPD/$name.$f"
		fi
	done
done <"$TOP_SRCDIR/tests/top/cases"

if $update || [ $# -gt 0 ]; then
	tap_done
	exit
fi

# ---- hotplug under --sysroot ------------------------------------------------
# A copy of several-devices; between the first and the second frame, zram2
# and its pool go away and zram7 (with a pool) comes. The directories are
# watched (held open, fstat()ed each refresh): no restart, no error.
ROOT=$TMPD/root
cp -R "$FIX/several-devices" "$ROOT" || tap_bail "cannot copy a fixture"
chmod -R u+w "$ROOT"
dbg=$(awk '$9 == "debugfs" { print substr($5, 2) }' "$ROOT/proc/self/mountinfo")
[ -d "$ROOT/$dbg/zsmalloc/zram2" ] || tap_bail "several-devices: no pool zram2 under /$dbg"

unset ZSCTL_TEST_TIME
: >"$TMPD/hot.out"
"$ZSCTL" --sysroot "$ROOT" top -b -n 2 -d 3 -s size >"$TMPD/hot.out" 2>"$TMPD/hot.err" &
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
tap_is "$?" 0 "hotplug under --sysroot: top -b -n 2 exits 0"
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
