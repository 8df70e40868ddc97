#!/bin/sh
# Live: zsctl dump of this machine, read back with --sysroot, against a
# zram device the test hot-adds, fills, mounts and removes (also when the
# test fails). Never touches another device: the dump reads them, as
# status does, and the comparisons are about the test's own.
. "$TOP_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] || tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
command -v tar >/dev/null || tap_bail "tar is missing"
FILL="$TOP_BUILDDIR/tests/live/zram-fill"
make_tmpdir

zram_hot_add || tap_bail "hot_add failed"
dev=zram$ZRAM_ID
sys=/sys/block/$dev
echo 64M >"$sys/disksize" || tap_bail "cannot set $dev disksize"
mounted=""
if command -v mkfs.ext2 >/dev/null && mkfs.ext2 -q "/dev/$dev" 2>/dev/null &&
	mkdir "$TMPD/mnt" && mount "/dev/$dev" "$TMPD/mnt" 2>/dev/null; then
	at_exit "umount '$TMPD/mnt'"
	mounted=$TMPD/mnt
	"$FILL" "$TMPD/mnt/fill" 4096 >/dev/null 2>&1 || dd if=/dev/urandom of="$TMPD/mnt/fill" bs=64k count=64 2>/dev/null
	sync
else
	tap_diag "no mkfs.ext2 or mount: the device is filled, not mounted"
	"$FILL" "/dev/$dev" 4096 || tap_bail "cannot fill /dev/$dev"
fi

"$ZSCTL" dump "$TMPD/live.tar.gz" >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 0 "dump of this machine exits 0"
tap_diag "$(cat "$TMPD/out" "$TMPD/err")"
mkdir "$TMPD/d" && tar -xzf "$TMPD/live.tar.gz" -C "$TMPD/d"
tap_ok $? "the archive extracts"

# the device is idle now: what the dump says of it is what the machine says
for args in "status $dev" "status -J $dev" "get $dev" "status -o NAME,DISKSIZE,DATA,COMPR,TOTAL,USED-BY $dev"; do
	# shellcheck disable=SC2086 # the arguments are words
	"$ZSCTL" $args >"$TMPD/want" 2>&1
	want=$?
	# shellcheck disable=SC2086
	"$ZSCTL" --sysroot "$TMPD/d" $args >"$TMPD/got" 2>&1
	got=$?
	# write-only attributes are not in a dump: get lists them from the device's directory
	if [ "$args" = "get $dev" ]; then
		for f in want got; do
			grep -v '(write-only)$' "$TMPD/$f" >"$TMPD/$f.g" && mv "$TMPD/$f.g" "$TMPD/$f"
		done
	fi
	# the JSON document's memory figures and zswap's counters move between two reads
	if [ "$args" = "status -J $dev" ]; then
		for f in want got; do
			jq -S 'del(.meminfo, .zswap, .devices[].derived.ram_share)' "$TMPD/$f" >"$TMPD/$f.j" &&
				mv "$TMPD/$f.j" "$TMPD/$f"
		done
	fi
	cmp -s "$TMPD/want" "$TMPD/got" && [ "$got" = "$want" ]
	tap_ok $? "'$args' on the dump is the machine's (exit $want)"
	diff "$TMPD/want" "$TMPD/got" | head -8 | sed 's/^/#   /'
done

# what is in it
list=$(tar -tzf "$TMPD/live.tar.gz")
for f in "$sys/mm_stat" "$sys/initstate" "$sys/disksize" "$sys/comp_algorithm" \
	/proc/swaps /proc/meminfo /proc/self/mountinfo /proc/sys/kernel/osrelease; do
	printf '%s\n' "$list" | grep -qx "${f#/}"
	tap_ok $? "it holds ${f#/}"
done
for f in compact reset idle writeback mem_used_max; do
	printf '%s\n' "$list" | grep -qx "sys/block/$dev/$f"
	tap_ok $((!$?)) "it leaves out write-only $f"
done
printf '%s\n' "$list" | grep -q '^sys/class/'
tap_ok $((!$?)) "it leaves out zram-control (hot_add and hot_remove are written, not read)"
mi=$TMPD/d/proc/self/mountinfo
if [ -n "$mounted" ]; then
	grep -q " $mounted " "$mi"
	tap_ok $? "mountinfo has the device's mount"
fi
# every line is a zram device's or debugfs'
bad=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) != "debugfs" && $(i + 2) !~ /^\/dev\/zram[0-9]+$/) print }' "$mi")
tap_is "$bad" "" "mountinfo has nothing but zram mounts and debugfs"
grep -q ' / / ' "$mi"
tap_ok $((!$?)) "mountinfo leaves out the root file system"
meta=$TMPD/d/zsctl-dump.txt
tap_is "$(sed -n 's/^kernel-release: //p' "$meta")" "$(uname -r)" "zsctl-dump.txt: uname -r"
tap_is "$(sed -n 's/^machine: //p' "$meta")" "$(uname -m)" "zsctl-dump.txt: uname -m"
tap_is "$(sed -n 's/^page-size: //p' "$meta")" "$(getconf PAGESIZE)" "zsctl-dump.txt: the page size"
tap_is "$(sed -n 's/^zsctl-version: //p' "$meta")" "$("$ZSCTL" --version | sed 's/^zsctl //')" \
	"zsctl-dump.txt: zsctl --version"
if [ -r /proc/config.gz ]; then
	want=unknown
	zcat /proc/config.gz | grep -qx 'CONFIG_ZSMALLOC_STAT=y' && want=y
	zcat /proc/config.gz | grep -qx '# CONFIG_ZSMALLOC_STAT is not set' && want="not set"
	tap_is "$(sed -n 's/^config-zsmalloc-stat: //p' "$meta")" "$want (proc/config.gz)" \
		"zsctl-dump.txt: CONFIG_ZSMALLOC_STAT as proc/config.gz says"
fi

# a file system that fills up in the middle: nothing half-written is left
if mkdir "$TMPD/small" && mount -t tmpfs -o size=4k tmpfs "$TMPD/small" 2>/dev/null; then
	at_exit "umount '$TMPD/small'"
	# padding: the archive of a machine's dump is larger than what is left
	head -c 2048 /dev/zero >"$TMPD/small/pad" 2>/dev/null
	"$ZSCTL" dump "$TMPD/small/d.tar.gz" >/dev/null 2>"$TMPD/err"
	rc=$?
	tap_is "$rc" 1 "a full file system: exit 1"
	grep -q "^zsctl: $TMPD/small/d.tar.gz: cannot write it: No space left on device$" "$TMPD/err"
	tap_ok $? "a full file system: names FILE ($(cat "$TMPD/err"))"
	tap_is "$(ls -A "$TMPD/small")" "pad" "a full file system: no archive, no temporary file left"
else
	tap_diag "no tmpfs mount: the full file system is not tried"
fi

tap_done
