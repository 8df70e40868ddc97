#!/bin/sh
# Live: zsctl top (no --sysroot) under tmux while this test hot-adds a zram
# device, fills it, and hot-removes it: the device appears, its values
# move, it goes, all without a restart. Never touches a device it did not
# create (other tests may add and remove theirs meanwhile: only ours is
# looked at, and not the status line, whose news theirs may replace).
. "$TOP_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] ||
	tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
make_tmpdir
. "$TOP_SRCDIR/tests/top/tmux.sh"
[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"

# ---- appear and go, by uevent: the delay is far longer than the test -----------
tm_run 120 40 hot -- top -d 60
see "top runs (live)" '^zsctl top - [0-9:]+, every 60s: '
see "the class statistics line or table" '^(No class statistics: |Pool )'

zram_hot_add || tap_bail "hot_add failed"
id=$ZRAM_ID
see "zram$id appears without a refresh (uevent)" "^zram$id +0B +"
zram_remove "$id"
tap_ok $? "zram$id hot-removed"
[ -z "$ZRAM_ERROR" ] || tap_diag "$ZRAM_ERROR"
not_see "zram$id goes (uevent)" "^zram$id +[0-9]"
keys q
restored hot "live, q"
tap_is "$(cat "$TMPD/hot.rc")" 0 "exit status 0"

# ---- values that move, refreshed every half second -------------------------------
tm_run 120 40 fill -- top -d 0.5
see "top runs" '^zsctl top - [0-9:]+, every 0\.5s: '
zram_hot_add || tap_bail "hot_add failed"
id=$ZRAM_ID
see "zram$id appears, uninitialised" "^zram$id +0B +[a-z0-9-]+ +- +- +- "
echo 64M >"/sys/block/zram$id/disksize" || tap_bail "cannot set zram$id's disksize"
see "initialised: disksize and an empty pool" "^zram$id +64M +[a-z0-9-]+ +0B +0B +"
# 4 MiB of text compresses well; written directly, then read back by top
seq 1 2000000 | head -c 4194304 | dd of="/dev/zram$id" bs=64k iflag=fullblock oflag=direct 2>/dev/null ||
	tap_bail "cannot write to /dev/zram$id"
see "the data shows: DATA 4M" "^zram$id +64M +[a-z0-9-]+ +4M +[0-9.]+[KM] +[0-9.]+[KM] +[0-9.]+ "
zram_remove "$id"
tap_ok $? "zram$id hot-removed"
[ -z "$ZRAM_ERROR" ] || tap_diag "$ZRAM_ERROR"
not_see "zram$id goes" "^zram$id +[0-9]"
keys q
restored fill "live, q"

# ---- a device that vanishes between two reads --------------------------------------
# A system root whose sys/block/zramN is a bind mount of the live device's
# directory: nothing there changes when the device is hot-removed, so the
# next refresh finds out by reading (ENODEV from sysfs), not by a rescan.
command -v mount >/dev/null || tap_bail "mount is missing (util-linux)"
ROOT=$TMPD/root
mkdir -p "$ROOT/sys/block" "$ROOT/proc/self" || tap_bail "mkdir failed"
: >"$ROOT/proc/self/mountinfo"
zram_hot_add || tap_bail "hot_add failed"
id=$ZRAM_ID
mkdir "$ROOT/sys/block/zram$id"
mount --bind "/sys/block/zram$id" "$ROOT/sys/block/zram$id" || tap_bail "mount --bind failed"
at_exit "umount -l '$ROOT/sys/block/zram$id'"
: >"$TMPD/vanish.out"
"$ZSCTL" --sysroot "$ROOT" top --batch --iterations 2 -d 3 >"$TMPD/vanish.out" 2>"$TMPD/vanish.err" &
pid=$!
at_exit "kill $pid"
i=0
while ! grep -q '^No class statistics' "$TMPD/vanish.out" && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
grep -Eq "^zram$id +0B " "$TMPD/vanish.out"
tap_ok $? "vanish: frame 1 shows zram$id"
zram_remove "$id"
tap_ok $? "zram$id hot-removed between the frames"
[ -z "$ZRAM_ERROR" ] || tap_diag "$ZRAM_ERROR"
wait $pid
tap_is "$?" 0 "vanish: top --batch exits 0"
tap_is "$(cat "$TMPD/vanish.err")" "" "vanish: nothing on stderr"
tap_is "$(sed -n '/^zsctl top/h; $!d; x; p' "$TMPD/vanish.out" | cut -d, -f2)" " every 3s: 0 zram devices" \
	"vanish: frame 2 has no device"
grep -qx "zram$id vanished while being read" "$TMPD/vanish.out"
tap_ok $? "vanish: frame 2 says it vanished while being read"

tap_done
