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
tap_is "$(jq -r '.devices[0].attributes.comp_algorithm' "$TMPD/get.json")" "$other" \
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

# the kernel's own refusal: reset while another process has the device open
# (EBUSY), after the retries that outlast a udev probe
exec 3<"/dev/$dev"
out=$("$ZSCTL" set --reset "$dev" disksize=32M 2>&1)
rc=$?
"$ZSCTL" set -J --reset "$dev" disksize=32M >"$TMPD/busy.json" 2>/dev/null
exec 3<&-
tap_is "$rc" 1 "--reset of an open device: exit 1"
case "$out" in
*"--reset: refused (Device or resource busy): $dev is open by another process (not as swap, a mount or a device built on it); find it with 'fuser -v /dev/$dev', close it and run it again"*"nothing written")
	tap_ok 0 "... the kernel's EBUSY becomes what to do" ;;
*) tap_ok 1 "... the kernel's EBUSY becomes what to do"; tap_diag "$out" ;;
esac
tap_is "$(jq -r '.writes[0] | "\(.attribute) \(.written) \(.errno) \(.busy_wait.ebusy) \(.busy_wait.lock_busy)"' "$TMPD/busy.json")" \
	"reset false 16 6 0" "-J: the reset was tried 6 times (5 retries), each refused with EBUSY"

# free a moment after zsctl's first try: the retries get it reset
HOLD=${TOP_BUILDDIR:-$TOP_SRCDIR}/tests/getset/hold-node
# hold_then_reset [--lock] DEV: hold-node has the node until 50 ms after
# zsctl opens it (for the probe lock); zsctl set -J --reset runs meanwhile
hold_then_reset()
{
	_lock=
	[ "$1" = --lock ] && _lock=--lock && shift
	rm -f "$TMPD/held"
	"$HOLD" $_lock "/dev/$1" 50 >"$TMPD/held" &
	_h=$!
	for _ in $(seq 100); do
		[ -s "$TMPD/held" ] && break
		sleep 0.02
	done
	"$ZSCTL" set -J --reset "$1" >"$TMPD/retry.json" 2>"$TMPD/retry.err"
	_rc=$?
	wait $_h
	_hrc=$?
	printf '%s %s %s\n' "$_rc" "$_hrc" \
		"$(jq -r '.writes[0] | "\(.written) \(.busy_wait.ebusy > 0) \(.busy_wait.lock_busy > 0)"' "$TMPD/retry.json")"
}
tap_is "$(hold_then_reset "$dev")" "0 0 true true false" \
	"open by another process at first, then closed: reset after EBUSY retries"
tap_is "$(cat "$sys/initstate")" 0 "... $dev is reset"
"$ZSCTL" set -q "$dev" disksize=64M
tap_is "$(hold_then_reset --lock "$dev")" "0 0 true false true" \
	"locked as udev locks a device it probes, then let go: reset once the lock is free"
tap_is "$(cat "$sys/initstate")" 0 "... $dev is reset"

# --reset alone just resets
"$ZSCTL" set -q "$dev" disksize=64M
out=$("$ZSCTL" set --reset "$dev" 2>&1)
tap_is "$?" 0 "--reset alone exits 0"
case "$out" in
*"warning: --reset discarded all it held (0B of data) and its settings: disksize (64M)"*"$dev: wrote \"1\" to $sys/reset")
	tap_ok 0 "... writes reset and says what it discarded" ;;
*) tap_ok 1 "... writes reset and says what it discarded"; tap_diag "$out" ;;
esac
tap_is "$(cat "$sys/initstate") $(cat "$sys/disksize")" "0 0" "... $dev is uninitialised"
"$ZSCTL" set -q "$dev" disksize=64M comp_algorithm="$other"
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
*"warning: --reset discarded all it held"*"disksize (32M)"*"wrote \"1\" to /sys/block/$dev2/reset"*)
	tap_ok 0 "--reset says what it discarded" ;;
*) tap_ok 1 "--reset says what it discarded"; tap_diag "$out" ;;
esac
tap_is "$(cat "/sys/block/$dev2/disksize")" 16777216 "... disksize 16M"

# ---- mem_limit below what the device uses: a warning, and writes then fail ----------------
FILL=${TOP_BUILDDIR:-$TOP_SRCDIR}/tests/live/zram-fill
"$ZSCTL" set -q --reset "$dev2" disksize=64M 2>/dev/null
"$FILL" "/dev/$dev2" 2000 >/dev/null || tap_bail "zram-fill failed"
used=$(awk '{ print $3 }' "/sys/block/$dev2/mm_stat")
[ "$used" -gt 1048576 ] || tap_bail "$dev2 uses only $used bytes after zram-fill"
out=$("$ZSCTL" set "$dev2" mem_limit=1M 2>&1)
tap_is "$?" 0 "mem_limit=1M below the $used bytes $dev2 uses: written (exit 0)"
case "$out" in
*"zsctl: $dev2: warning: mem_limit 1M is below the "*" $dev2 uses now: the limit is reached at once, and writes to $dev2 fail until its use falls below it (as swap: swapping out to it fails)"*"$dev2: wrote \"1048576\" to /sys/block/$dev2/mem_limit"*)
	tap_ok 0 "... with a warning that says what follows" ;;
*) tap_ok 1 "... with a warning that says what follows"; tap_diag "$out" ;;
esac
tap_is "$(awk '{ print $4 }' "/sys/block/$dev2/mm_stat")" 1048576 "... mm_stat's mem_limit is 1M"
# what the warning says: a write of new data fails
head -c 262144 /dev/urandom >"$TMPD/random"
failed=$(awk '{ print $2 }' "/sys/block/$dev2/io_stat")
dd if="$TMPD/random" of="/dev/$dev2" bs=64k seek=1000 oflag=direct 2>/dev/null
tap_is "$?" 1 "... and a write to $dev2 fails"
tap_is "$(awk '{ print $2 }' "/sys/block/$dev2/io_stat")" "$((failed + 1))" \
	"... counted in io_stat's failed_writes"
out=$("$ZSCTL" set "$dev2" mem_limit=0 2>&1)
tap_is "$?:$out" "0:$dev2: wrote \"0\" to /sys/block/$dev2/mem_limit" "mem_limit=0 (no limit): no warning"
dd if="$TMPD/random" of="/dev/$dev2" bs=64k seek=1000 oflag=direct 2>/dev/null
tap_ok $? "... and the write goes through"

# ---- users: a mount and swap are named, and refused by --reset and remove --------------
mnt=$TMPD/mnt
mkdir "$mnt"
if command -v mkfs.ext2 >/dev/null && mkfs.ext2 -q "/dev/$dev2" 2>/dev/null &&
	mount "/dev/$dev2" "$mnt" 2>/dev/null; then
	at_exit "umount '$mnt'"
	out=$("$ZSCTL" set --reset "$dev2" disksize=32M 2>&1)
	tap_is "$?:$out" "1:zsctl: $dev2: --reset: it is mounted on $mnt; unmount it first
zsctl: $dev2: nothing written" "--reset of a mounted device: refused, naming the mount point"
	out=$("$ZSCTL" remove "$dev2" 2>&1)
	tap_is "$?:$out" "1:zsctl: $dev2: remove: it is mounted on $mnt; unmount it first" \
		"remove of a mounted device: refused, naming the mount point"
	tap_is "$(cat "/sys/block/$dev2/disksize")" 67108864 "... $dev2 is as it was"
	umount "$mnt"
else
	tap_diag "cannot make and mount an ext2 file system on $dev2 here"
	tap_ok 1 "--reset and remove of a mounted device (no mkfs.ext2 or mount)"
fi
if mkswap "/dev/$dev2" >/dev/null 2>&1 && swapon -p 0 "/dev/$dev2" 2>/dev/null; then
	at_exit "swapoff /dev/$dev2"
	out=$("$ZSCTL" set --reset "$dev2" 2>&1)
	tap_is "$?:$out" "1:zsctl: $dev2: --reset: it is in use as swap; run 'swapoff /dev/$dev2' first
zsctl: $dev2: nothing written" "--reset of a swap device: refused, naming swap"
	out=$("$ZSCTL" remove "$dev2" 2>&1)
	tap_is "$?:$out" "1:zsctl: $dev2: remove: it is in use as swap; run 'swapoff /dev/$dev2' first" \
		"remove of a swap device: refused, naming swap"
	swapoff "/dev/$dev2"
else
	tap_diag "cannot mkswap and swapon $dev2 here"
	tap_ok 1 "--reset and remove of a swap device (no mkswap or swapon)"
fi

# ---- add and remove ---------------------------------------------------------------------
out=$("$ZSCTL" add -s 64M -a "$other" mem_limit=32M 2>"$TMPD/add.err")
rc=$?
case "$rc:$out" in
0:/dev/zram[0-9]*) new=${out#/dev/} ;;
*) tap_bail "zsctl add -s 64M -a $other failed (exit $rc): $out $(cat "$TMPD/add.err")" ;;
esac
zram_own "${new#zram}"
zram_instance "${new#zram}" && inst=$ZRAM_INSTANCE
tap_is "$(cat "$TMPD/add.err")" "" "zsctl add -s 64M -a $other mem_limit=32M: prints /dev/$new, nothing else"
tap_is "$(cat "/sys/block/$new/disksize") $(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "/sys/block/$new/comp_algorithm") $(awk '{ print $4 }' "/sys/block/$new/mm_stat")" \
	"67108864 $other 33554432" "... $new has that size, algorithm and limit"
out=$("$ZSCTL" remove "$new" 2>"$TMPD/remove.err")
rc=$?
gone=1
zram_gone "${new#zram}" "$inst" && gone=0 && zram_forget "${new#zram}"
tap_is "$rc:$out:$(cat "$TMPD/remove.err")" "0:$new: wrote \"${new#zram}\" to /sys/class/zram-control/hot_remove:zsctl: $new: warning: removed with all it held (0B of data)" \
	"zsctl remove $new: removed, and says what it held"
tap_ok $gone "... $new is gone (another test may have the id by now, not the device)"

"$ZSCTL" add -J -s 64M -a nosuchalgo >"$TMPD/add.json" 2>/dev/null
rc=$?
bad=$(jq -r '.name // empty' "$TMPD/add.json")
# the device it made, by its diskseq: by now another test may have one of
# that name, which is not ours to remove nor to mistake for it
seq=$(jq -r '.diskseq // empty' "$TMPD/add.json")
read -r boot </proc/sys/kernel/random/boot_id
inst=""
[ -n "$seq" ] && inst="$boot/diskseq=$seq"
[ -n "$bad" ] && [ -n "$inst" ] && ! zram_gone "${bad#zram}" "$inst" && zram_own "${bad#zram}"
tap_is "$rc $(jq -r '"\(.created) \(.removed)"' "$TMPD/add.json")" "1 true true" \
	"zsctl add -a nosuchalgo: made $bad, refused the algorithm, removed it again"
if [ -n "$bad" ] && [ -n "$inst" ] && zram_gone "${bad#zram}" "$inst"; then
	zram_forget "${bad#zram}"
	tap_ok 0 "... /sys/block/$bad is gone"
else
	tap_ok 1 "... /sys/block/$bad is gone"
fi
out=$("$ZSCTL" add -s 1Q 2>&1)
tap_is "$?:$out" "2:zsctl: add: disksize: '1Q' is not valid; expected more than 0, a size: bytes, or a number with K, M, G, T, P or E (powers of 1024, also KiB, MiB...) or KB, MB, GB... (powers of 1000): 4096, 64M, 1.5G, 1GiB, 64MB
zsctl: add: no device made" "zsctl add -s 1Q: a usage error, before any device is made"

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
out=$("$ZSCTL" remove "zram$missing" 2>&1)
tap_is "$?:$out" "1:zsctl: zram$missing: no such device" "remove too"

tap_done
