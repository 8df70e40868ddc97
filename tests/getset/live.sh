#!/bin/sh
# Live: zsctl get and set on zram devices this test hot-adds (and removes
# at exit, also when it fails). Never touches a device it did not create.
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
export LC_ALL
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] ||
	tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
make_tmpdir

zram_hot_add || tap_bail "hot_add failed"
dev=zram$ZRAM_ID
sys=/sys/block/$dev

# snapshot DEV: the readable attributes that matter, to prove nothing changed
snapshot()
{
	for a in initstate disksize comp_algorithm; do
		printf '%s=%s\n' "$a" "$(cat "/sys/block/$1/$a")"
	done
}

# an algorithm the device offers that is not the active one
algos=$(sed 's/[][]//g; s/ *$//' "$sys/comp_algorithm")
active=$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$sys/comp_algorithm")
other=""
for a in $algos; do
	[ "$a" != "$active" ] && other=$a && break
done
[ -n "$other" ] || tap_bail "$dev offers a single algorithm: $algos"

# ---- get on an uninitialised device --------------------------------------------
"$ZSCTL" get "$dev" >"$TMPD/get" 2>"$TMPD/get.err"
tap_is "$?" 0 "get $dev exits 0"
tap_is "$(cat "$TMPD/get.err")" "" "nothing on stderr"
tap_is "$(sed -n 's/^initstate //p' "$TMPD/get")" 0 "initstate 0"
tap_is "$(sed -n 's/^comp_algorithm //p' "$TMPD/get")" "$(sed 's/ *$//' "$sys/comp_algorithm")" \
	"comp_algorithm as sysfs lists it"
grep -qx 'compact (write-only)' "$TMPD/get"
tap_ok $? "write-only attributes are listed as such"
# every line is an attribute of the device, and every readable zram attribute is there
bad=0
while read -r name _; do
	[ -e "$sys/$name" ] || bad=1
done <"$TMPD/get"
tap_ok $bad "every attribute get lists exists in $sys"

# ---- set comp_algorithm then disksize (given in the other order) -----------------
"$ZSCTL" set --dry-run "$dev" disksize=64M comp_algorithm="$other" >"$TMPD/dry" 2>&1
tap_is "$?" 0 "set --dry-run exits 0"
tap_is "$(cat "$TMPD/dry")" "$dev: would write \"$other\" to $sys/comp_algorithm
$dev: would write \"67108864\" to $sys/disksize" "--dry-run prints the writes in the safe order"
tap_is "$(cat "$sys/initstate")" 0 "--dry-run wrote nothing"

"$ZSCTL" set "$dev" disksize=64M comp_algorithm="$other" >"$TMPD/set" 2>"$TMPD/set.err"
tap_is "$?" 0 "set $dev disksize=64M comp_algorithm=$other exits 0"
tap_is "$(cat "$TMPD/set.err")" "" "nothing on stderr"
tap_is "$(cat "$TMPD/set")" "$dev: wrote \"$other\" to $sys/comp_algorithm
$dev: wrote \"67108864\" to $sys/disksize" "comp_algorithm written before disksize"
tap_is "$(cat "$sys/disksize")" 67108864 "sysfs: disksize 64M"
tap_is "$(cat "$sys/initstate")" 1 "sysfs: initialised"
tap_is "$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$sys/comp_algorithm")" "$other" "sysfs: $other active"

# get them back, text and JSON
tap_is "$("$ZSCTL" get "$dev" disksize)" "disksize 67108864" "get disksize"
tap_is "$("$ZSCTL" get /dev/"$dev" comp_algorithm)" "comp_algorithm $(sed 's/ *$//' "$sys/comp_algorithm")" \
	"get comp_algorithm shows $other in brackets"
"$ZSCTL" get -J "$dev" >"$TMPD/get.json"
tap_is "$(jq -r '.devices[0].attributes.comp_algorithm.active' "$TMPD/get.json")" "$other" \
	"get -J: comp_algorithm.active"
tap_is "$(jq -r '.devices[0].attributes.disksize' "$TMPD/get.json")" 67108864 "get -J: disksize"
tap_is "$(jq -r '.devices[0].attributes.mm_stat.orig_data_size' "$TMPD/get.json")" 0 \
	"get -J: mm_stat by column name"
tap_is "$(jq -r '.devices[0].write_only | index("compact") != null' "$TMPD/get.json")" true \
	"get -J: compact among the write-only"

# ---- refused values, with the sentence that says what to do ----------------------------
before=$(snapshot "$dev")
out=$("$ZSCTL" set "$dev" comp_algorithm="$active" 2>&1)
tap_is "$?" 1 "comp_algorithm on an initialised device: exit 1"
case "$out" in
*"comp_algorithm: $dev is initialised (disksize 64M) and this can only be set before; add --reset to discard its data and settings first"*"nothing written")
	tap_ok 0 "... says to add --reset, and that nothing was written" ;;
*) tap_ok 1 "... says to add --reset, and that nothing was written"; tap_diag "$out" ;;
esac
out=$("$ZSCTL" set "$dev" comp_algorithm=nosuchalgo 2>&1)
tap_is "$?" 1 "an algorithm the kernel does not offer: exit 1"
case "$out" in
*"'nosuchalgo' names an algorithm $dev does not offer; choose one of: $algos"*) tap_ok 0 "... lists the choices" ;;
*) tap_ok 1 "... lists the choices"; tap_diag "$out" ;;
esac

# the kernel's own refusal: reset while the device is open (EBUSY)
exec 3<"/dev/$dev"
out=$("$ZSCTL" set --reset "$dev" disksize=32M 2>&1)
rc=$?
exec 3<&-
tap_is "$rc" 1 "--reset of an open device: exit 1"
case "$out" in
*"--reset: refused (Device or resource busy): $dev is open, mounted or swap; stop its users (swapoff, umount) and run it again"*"nothing written")
	tap_ok 0 "... the kernel's EBUSY becomes what to do" ;;
*) tap_ok 1 "... the kernel's EBUSY becomes what to do"; tap_diag "$out" ;;
esac
# an idle age needs access-time tracking in the kernel; else EINVAL, told as such
out=$("$ZSCTL" set "$dev" idle=600 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	tap_diag "this kernel tracks access times: idle=600 was taken"
	tap_ok 0 "idle=600 taken by a kernel that tracks access times"
else
	case "$out" in
	*"idle=600: refused (Invalid argument): this kernel takes only idle=all"*) tap_ok 0 "idle=600: the kernel's EINVAL becomes what to do" ;;
	*) tap_ok 1 "idle=600: the kernel's EINVAL becomes what to do"; tap_diag "$out" ;;
	esac
fi
tap_is "$(snapshot "$dev")" "$before" "no refused line changed the device"

# ---- nothing is written when any value of a line fails validation --------------------
zram_hot_add || tap_bail "second hot_add failed"
dev2=zram$ZRAM_ID
before=$(snapshot "$dev2")
for line in "comp_algorithm=$other disksize=32M mem_limit=lots" \
	"comp_algorithm=$other disksize=32M nosuch=1" \
	"comp_algorithm=$other disksize=32M mem_limit=-1" \
	"comp_algorithm=$other disksize=32M disksize=64M" \
	"comp_algorithm=$other disksize=32M writeback=idle" \
	"comp_algorithm=$other disksize=32M backing_dev=/dev/nonexistent-disk" \
	"comp_algorithm=nosuchalgo disksize=32M"; do
	# shellcheck disable=SC2086 # the words of the line, on purpose
	out=$("$ZSCTL" set "$dev2" $line 2>&1)
	rc=$?
	case "$rc:$out" in
	[12]:*"nothing written") tap_ok 0 "refused before any write: $line" ;;
	*) tap_ok 1 "refused before any write: $line"; tap_diag "exit $rc: $out" ;;
	esac
	tap_is "$(snapshot "$dev2")" "$before" "... and $dev2 is as it was"
done
out=$("$ZSCTL" set "$dev2" "$(printf 'comp_algorithm=%s\ndisksize=1G' "$other")" 2>&1)
tap_is "$?" 2 "a value with a newline: exit 2"
tap_is "$(snapshot "$dev2")" "$before" "... nothing written"

# the line that was refused goes through once fixed, in one go
"$ZSCTL" set -q "$dev2" comp_algorithm="$other" disksize=32M mem_limit=16M idle=all mem_used_max=0
tap_is "$?" 0 "the fixed line: comp_algorithm, disksize, then mem_limit, idle, mem_used_max"
tap_is "$(cat "/sys/block/$dev2/disksize")" 33554432 "... disksize 32M"
tap_is "$(awk '{ print $4 }' "/sys/block/$dev2/mm_stat")" 16777216 "... mem_limit 16M (mm_stat column 4)"

# --reset: says what it destroys, then sets the device anew (once udev's
# probe of the new size, which holds the device open, is done)
zram_settle
out=$("$ZSCTL" set --reset "$dev2" disksize=16M 2>&1)
tap_is "$?" 0 "--reset then disksize=16M exits 0"
case "$out" in
*"warning: --reset discards all it holds"*"disksize (32M)"*"wrote \"1\" to /sys/block/$dev2/reset"*)
	tap_ok 0 "--reset says what it discards before it resets" ;;
*) tap_ok 1 "--reset says what it discards before it resets"; tap_diag "$out" ;;
esac
tap_is "$(cat "/sys/block/$dev2/disksize")" 16777216 "... disksize 16M"

# ---- a device that does not exist ------------------------------------------------------
missing=999999999
[ -e "/sys/block/zram$missing" ] && tap_bail "zram$missing exists"
out=$("$ZSCTL" set "zram$missing" disksize=1G 2>&1)
tap_is "$?:$out" "1:zsctl: zram$missing: no such device
zsctl: zram$missing: nothing written" "set on a device that does not exist fails cleanly"
[ ! -e "/sys/block/zram$missing" ]
tap_ok $? "... and creates nothing"
out=$("$ZSCTL" get "zram$missing" 2>&1)
tap_is "$?:$out" "1:zsctl: zram$missing: no such device" "get on it too"

tap_done
