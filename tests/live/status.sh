#!/bin/sh
# Live: zsctl status against a zram device of this machine that the test
# hot-adds, fills with pages of mixed compressibility and fragments, then
# removes (also when the test fails). Never touches another device.
. "$TOP_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] || tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
FILL="$TOP_BUILDDIR/tests/live/zram-fill"
make_tmpdir

zram_hot_add || tap_bail "hot_add failed"
id=$ZRAM_ID
dev=zram$id
sys=/sys/block/$dev
echo 64M >"$sys/disksize" || tap_bail "cannot set $dev disksize"
"$FILL" "/dev/$dev" 8192 || tap_bail "cannot fill /dev/$dev"
"$FILL" --discard "/dev/$dev" 8192 || tap_bail "cannot discard on /dev/$dev"

# the device is idle now: its mm_stat must not move while zsctl reads it
before=$(cat "$sys/mm_stat")
"$ZSCTL" status -J "$dev" >"$TMPD/status.json" 2>"$TMPD/status.err"
tap_is "$?" 0 "status -J $dev exits 0"
after=$(cat "$sys/mm_stat")
tap_is "$after" "$before" "mm_stat stable while zsctl read it"
tap_is "$(cat "$TMPD/status.err")" "" "nothing on stderr"
jq -e . "$TMPD/status.json" >/dev/null
tap_ok $? "the JSON document parses"

j()
{
	jq -r "$1" "$TMPD/status.json"
}

tap_is "$(j '.devices | length')" 1 "one device reported"
tap_is "$(j '.devices[0].name')" "$dev" "it is $dev"
tap_is "$(j '.devices[0].initstate')" true "initialised"
tap_is "$(j '.devices[0].disksize')" "$(cat "$sys/disksize")" "disksize equals sysfs"
tap_is "$(j '.devices[0].comp_algorithm')" \
	"$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' "$sys/comp_algorithm")" "comp_algorithm is the bracketed one"

set -- $before
ncols=$#
tap_is "$(j '.devices[0].mm_stat | del(.unknown_columns) | length')" \
	"$([ "$ncols" -gt 10 ] && echo 10 || echo "$ncols")" "every known mm_stat column reported"
i=1
for name in orig_data_size compr_data_size mem_used_total mem_limit mem_used_max \
	same_pages pages_compacted huge_pages huge_pages_since compact_gated; do
	[ "$i" -gt "$ncols" ] && break
	eval "want=\${$i}"
	tap_is "$(j ".devices[0].mm_stat.$name")" "$want" "mm_stat.$name equals column $i"
	i=$((i + 1))
done
if [ "$ncols" -lt 10 ]; then
	tap_is "$(j '.devices[0].mm_stat | has("compact_gated")')" false \
		"compact_gated absent on an unpatched kernel, not 0"
fi

orig=$1 compr=$2 total=$3
# the fill is meant to compress, and the discards to leave holes
[ "$orig" -gt 0 ] && [ "$compr" -gt 0 ] && [ "$compr" -lt "$orig" ]
tap_ok $? "the device holds compressed data (orig $orig, compr $compr)"

set -- $(cat "$sys/io_stat")
k=1
for name in failed_reads failed_writes invalid_io notify_free; do
	eval "want=\${$k}"
	tap_is "$(j ".devices[0].io_stat.$name")" "$want" "io_stat.$name equals column $k"
	k=$((k + 1))
done

# derived values, computed here from the raw columns
tap_is "$(j '.devices[0].derived.compression_ratio * 1000000 | round')" \
	"$(awk -v o="$orig" -v c="$compr" 'BEGIN { printf "%.0f", o / c * 1000000 }')" \
	"compression_ratio = orig_data_size / compr_data_size"
overhead=$((total > compr ? total - compr : 0))
tap_is "$(j '.devices[0].derived.overhead')" "$overhead" "overhead = mem_used_total - compr_data_size"
page=$(getconf PAGESIZE)
if [ "$(j '.class_statistics.available')" = true ]; then
	tap_diag "this kernel has zsmalloc class statistics: exact values"
	tap_is "$(j '.devices[0].derived.compactable_estimated')" false "compactable is exact"
else
	# the overhead less what zsmalloc's classes keep by the model (lib/derive.c)
	c=$(j '.devices[0].derived.compactable')
	[ "$c" -le "$((overhead / page * page))" ] && [ $((c % page)) -eq 0 ]
	tap_ok $? "compactable estimate ($c) is whole pages of the overhead ($overhead) at most"
	tap_is "$(j '.devices[0].derived.compactable_estimated')" true "and labelled an estimate"
	tap_is "$(j '.devices[0].derived.compactable_basis')" model "resting on the model"
	awk -v f="$(j '.devices[0].derived.fragmentation')" -v v="$overhead" -v t="$total" \
		'BEGIN { exit !(f > 0 && f <= v / t) }'
	tap_ok $? "fragmentation estimate is above 0 and at most overhead / mem_used_total"
fi

# the table shows the same device, its human sizes and the ~ of estimates
"$ZSCTL" status -o NAME,DISKSIZE,DATA,COMPACTABLE -n "$dev" >"$TMPD/table"
tap_is "$?" 0 "status table exits 0"
set -- $(cat "$TMPD/table")
tap_is "$1 $2" "$dev 64M" "table row: name and disksize"
tap_is "$3" "$(awk -v o="$orig" 'BEGIN { printf "%gM", o / 1048576 }')" "table row: DATA in MiB"

"$ZSCTL" status -b -r -n -o NAME,DATA,TOTAL "$dev" >"$TMPD/raw"
tap_is "$(cat "$TMPD/raw")" "$dev $orig $total" "status -b -r prints the exact bytes"

# the device also appears in the listing of all devices
"$ZSCTL" status -r -n -o NAME >"$TMPD/all"
grep -qx "$dev" "$TMPD/all"
tap_ok $? "$dev is listed by a plain status (libudev discovery)"

# an uninitialised device is listed as such
zram_hot_add || tap_bail "second hot_add failed"
udev=zram$ZRAM_ID
"$ZSCTL" status -r -n -o NAME,STATE,DISKSIZE,DATA "$udev" >"$TMPD/uninit"
tap_is "$(cat "$TMPD/uninit")" "$udev uninitialised 0B -" "an uninitialised device is listed as such"

# used as swap: USED-BY and the swap columns come from /proc/swaps
zram_hot_add || tap_bail "third hot_add failed"
sdev=zram$ZRAM_ID
echo 16M >"/sys/block/$sdev/disksize"
if command -v mkswap >/dev/null && mkswap "/dev/$sdev" >/dev/null 2>&1 &&
	swapon -p 7 "/dev/$sdev" 2>/dev/null; then
	"$ZSCTL" status -r -n -o NAME,USED-BY,SWAP-PRIO "$sdev" >"$TMPD/swap"
	tap_is "$(cat "$TMPD/swap")" "$sdev [SWAP] 7" "a swap device shows [SWAP] and its priority"
	swapoff "/dev/$sdev"
else
	tap_ok 1 "could not make /dev/$sdev a swap device"
fi

# mounted: USED-BY is the mount point, found through mountinfo
zram_hot_add || tap_bail "fourth hot_add failed"
mdev=zram$ZRAM_ID
echo 16M >"/sys/block/$mdev/disksize"
mkdir "$TMPD/mnt"
if command -v mkfs.ext2 >/dev/null && mkfs.ext2 -q "/dev/$mdev" 2>/dev/null &&
	mount "/dev/$mdev" "$TMPD/mnt" 2>/dev/null; then
	at_exit "umount '$TMPD/mnt'"
	"$ZSCTL" status -r -n -o NAME,USED-BY "$mdev" >"$TMPD/mount"
	tap_is "$(cat "$TMPD/mount")" "$mdev $TMPD/mnt" "a mounted device shows its mount point"
	umount "$TMPD/mnt"
else
	tap_ok 1 "could not mount /dev/$mdev"
fi

tap_done
