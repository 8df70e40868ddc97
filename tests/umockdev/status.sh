#!/bin/sh
# umockdev: zsctl status on a live system (no --sysroot) finds zram devices
# with libudev and reads their attributes with open() of /sys paths; under
# umockdev's preload library both see a testbed instead of this machine's
# /sys. The testbed has zram0 and zram1 (attributes from the Linux 6.12
# captures), a SATA disk and a partition of zram0, which must not be listed;
# then zram2 and zram10 are hot-added, zram1 hot-removed and zram0's mm_stat
# changed, and zsctl must see each change on its next run.
#
# umockdev does not fake /proc: users (mounts, swap), debugfs and the
# compaction state come from this machine, so nothing here depends on them.
. "$TOP_SRCDIR/tests/lib.sh"

TESTBED="$TOP_BUILDDIR/tests/umockdev/testbed-bin"
ABI="$TOP_SRCDIR/tests/data/kernel-abi/linux-6.12.117"
WRAPPER=${UMOCKDEV_WRAPPER:-$(command -v umockdev-wrapper)}

if [ -z "$WRAPPER" ] || [ ! -x "$WRAPPER" ]; then
	tap_skip_all "umockdev-wrapper not found (Debian package umockdev)"
fi
[ -x "$TESTBED" ] || tap_bail "no $TESTBED: build it with make check"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
make_tmpdir
T=$TMPD

# an attribute file as an umockdev-record "A:" value: \ and newlines escaped
attr()
{
	printf 'A: %s=' "$1"
	sed 's/\\/\\\\/g' "$2" | awk '{ printf "%s\\n", $0 }'
	echo
}

# zram_record NAME MINOR STAGE: a zram device with the captured attributes
zram_record()
{
	echo "P: /devices/virtual/block/$1"
	echo "N: $1"
	echo "E: DEVNAME=/dev/$1"
	echo "E: DEVTYPE=disk"
	echo "E: MAJOR=254"
	echo "E: MINOR=$2"
	echo "E: SUBSYSTEM=block"
	printf 'A: dev=254:%s\\n\n' "$2"
	printf 'A: initstate=1\\n\n'
	for a in disksize comp_algorithm mm_stat io_stat debug_stat; do
		attr "$a" "$ABI/zram0.$a.$3"
	done
	echo
}

{
	zram_record zram0 0 after_discard
	zram_record zram1 1 after_write
	# not zram devices: a disk, and a partition of zram0 (zram0p1 matches
	# the udev pattern zram*, but is no zram device)
	cat <<'EOF'
P: /devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda
N: sda
E: DEVNAME=/dev/sda
E: DEVTYPE=disk
E: MAJOR=8
E: MINOR=0
E: SUBSYSTEM=block
A: dev=8:0\n
A: size=209715200\n

P: /devices/virtual/block/zram0/zram0p1
N: zram0p1
E: DEVNAME=/dev/zram0p1
E: DEVTYPE=partition
E: MAJOR=259
E: MINOR=0
E: SUBSYSTEM=block
A: dev=259:0\n
A: partition=1\n
A: size=524288\n

EOF
} >"$T/boot.umockdev"
{
	zram_record zram2 2 after_compact
	zram_record zram10 10 after_write
} >"$T/hotadd.umockdev"

# the testbed lives in $TMPD, so that it goes even if the driver is killed
TMPDIR=$T "$WRAPPER" "$TESTBED" <<EOF 2>"$T/testbed.err"
load $T/boot.umockdev
run $T/s1 $ZSCTL status -J
run $T/t1 $ZSCTL status -o NAME,STATE,DATA,COMPR,TOTAL,RATIO
run $T/one $ZSCTL status -J zram1
run $T/sda $ZSCTL status sda
load $T/hotadd.umockdev
uevent /sys/devices/virtual/block/zram2 add
uevent /sys/devices/virtual/block/zram10 add
run $T/s2 $ZSCTL status -J
remove /sys/devices/virtual/block/zram1
uevent /sys/devices/virtual/block/zram1 remove
attr /sys/devices/virtual/block/zram0 mm_stat $ABI/zram0.mm_stat.after_compact
run $T/s3 $ZSCTL status -J
run $T/gone $ZSCTL status zram1
EOF
r=$?
if [ $r -ne 0 ]; then
	tap_diag "$(cat "$T/testbed.err")"
	tap_bail "the umockdev testbed failed (status $r)"
fi

j()
{
	jq -r "$2" "$T/$1.out"
}

# mm_stat column N of a capture
col()
{
	awk -v n="$2" '{ print $n }' "$ABI/zram0.mm_stat.$1"
}

# ---- first run: zram0 and zram1 only -------------------------------------
tap_is "$(cat "$T/s1.rc")" 0 "status -J exits 0 in the testbed"
tap_is "$(cat "$T/s1.err")" "" "nothing on stderr"
jq -e . "$T/s1.out" >/dev/null
tap_ok $? "the JSON document parses"
tap_is "$(j s1 '[.devices[].name] | join(" ")')" "zram0 zram1" \
	"libudev finds zram0 and zram1, not sda, not zram0p1, not this machine's devices"
tap_is "$(j s1 '.devices[0].disksize')" "$(cat "$ABI/zram0.disksize.after_discard")" "zram0 disksize"
tap_is "$(j s1 '.devices[0].initstate')" true "zram0 initstate"
tap_is "$(j s1 '.devices[0].comp_algorithm')" lz4 "zram0 comp_algorithm"
tap_is "$(j s1 '.devices[0].comp_algorithms | join(" ")')" "lz4 lz4hc zstd deflate" \
	"zram0 comp_algorithms"
tap_is "$(j s1 '.devices[0].mm_stat.orig_data_size')" "$(col after_discard 1)" \
	"zram0 orig_data_size from the testbed"
tap_is "$(j s1 '.devices[0].mm_stat.compr_data_size')" "$(col after_discard 2)" \
	"zram0 compr_data_size"
tap_is "$(j s1 '.devices[0].mm_stat.mem_used_total')" "$(col after_discard 3)" \
	"zram0 mem_used_total"
tap_is "$(j s1 '.devices[0].mm_stat.huge_pages_since')" "$(col after_discard 9)" \
	"zram0 huge_pages_since (column 9)"
tap_is "$(j s1 '.devices[0].mm_stat | has("compact_gated")')" false \
	"no compact_gated in a 9-column mm_stat"
tap_is "$(j s1 '.devices[0].io_stat.notify_free')" 8192 "zram0 io_stat notify_free"
tap_is "$(j s1 '.devices[0].debug_stat.version')" 1 "zram0 debug_stat version"
tap_is "$(j s1 '.devices[0].derived.overhead')" $(($(col after_discard 3) - $(col after_discard 2))) \
	"zram0 overhead = mem_used_total - compr_data_size"
tap_is "$(j s1 '.devices[0].derived.compression_ratio * 1000 | floor')" \
	$(($(col after_discard 1) * 1000 / $(col after_discard 2))) "zram0 compression ratio"
tap_is "$(j s1 '.devices[1].mm_stat.orig_data_size')" "$(col after_write 1)" \
	"zram1 orig_data_size (a different stage)"
tap_is "$(j s1 '.devices[1].mm_stat.huge_pages')" "$(col after_write 8)" "zram1 huge_pages"
tap_is "$(j s1 '.devices[0] | has("bd_stat")')" false "no bd_stat attribute, none shown"
tap_is "$(j s1 'has("errors")')" false "no errors"

tap_is "$(cat "$T/t1.rc")" 0 "status -o ... exits 0"
# (what follows a blank line, the compaction gate, is this machine's)
tap_is "$(sed '/^$/,$d' "$T/t1.out")" "NAME  STATE       DATA COMPR TOTAL RATIO
zram0 initialised  32M 15.8M 27.4M  2.03
zram1 initialised  64M 31.7M 33.3M  2.02" "the table"

tap_is "$(cat "$T/one.rc")" 0 "status -J zram1 exits 0"
tap_is "$(j one '[.devices[].name] | join(" ")')" zram1 "status zram1 shows zram1 only"

tap_is "$(cat "$T/sda.rc")" 2 "status sda: a usage error"
tap_is "$(cat "$T/sda.err")" "zsctl: 'sda' is not a zram device name (zramN or /dev/zramN)
Try 'zsctl status --help' for more information." "status sda: the message"

# ---- hot-add: zram2 and zram10 ---------------------------------------------
tap_is "$(cat "$T/s2.rc")" 0 "after hot-add: exits 0"
tap_is "$(j s2 '[.devices[].name] | join(" ")')" "zram0 zram1 zram2 zram10" \
	"after hot-add: the new devices are listed, in numeric order"
tap_is "$(j s2 '.devices[2].mm_stat.pages_compacted')" "$(col after_compact 7)" \
	"zram2 pages_compacted"
tap_is "$(j s2 '.devices[3].mm_stat.orig_data_size')" "$(col after_write 1)" \
	"zram10 orig_data_size"

# ---- hot-remove zram1, zram0's mm_stat changed -----------------------------
tap_is "$(cat "$T/s3.rc")" 0 "after hot-remove: exits 0"
tap_is "$(j s3 '[.devices[].name] | join(" ")')" "zram0 zram2 zram10" \
	"after hot-remove: zram1 is gone"
tap_is "$(j s3 '.devices[0].mm_stat.pages_compacted')" "$(col after_compact 7)" \
	"zram0's new mm_stat is read (not cached)"
tap_is "$(j s3 '.devices[0].mm_stat.mem_used_total')" "$(col after_compact 3)" \
	"zram0's new mem_used_total"
tap_is "$(cat "$T/gone.rc")" 1 "status zram1 after its removal exits 1"
tap_is "$(cat "$T/gone.err")" "zsctl: zram1: no such device" "status zram1: no such device"

tap_done
