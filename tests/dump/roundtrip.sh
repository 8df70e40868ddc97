#!/bin/sh
# zsctl dump on fixtures: the archive read back with --sysroot gives the
# same status, status --classes, status -J and Prometheus text as the
# fixture itself, byte for byte and with the same exit status; it holds
# only files of the fixture (with their text) and zsctl-dump.txt, and
# mountinfo only the lines of the zram devices' mounts and debugfs'.
# Needs no root.
. "$TOP_SRCDIR/tests/lib.sh"

command -v tar >/dev/null || tap_bail "tar is missing"
make_tmpdir
FIX=$TOP_SRCDIR/tests/fixtures

# a gate that turned runs away: the busy file is read by its size
cp -R "$FIX/learned" "$TMPD/busy-gate" || tap_bail "cannot copy the fixture"
printf xxx >"$TMPD/busy-gate/var/lib/zsctl/compact.state.busy"
chmod -R go-w "$TMPD/busy-gate"

# classes (several pools, 4K and 64K pages, old formats), mounts and swap,
# zswap (with and without debugfs, alone and beside zram), gate states,
# garbled and vanishing files: what status says of them must survive
for fixture in linux-6.12-discard linux-6.1-discard page-64k pre-4.1-files mm8-old-kernel \
	several-devices mounted swap uninitialised no-zsmalloc-stat mm9-no-debugfs \
	debugfs-at-root device-vanishing garbled-mm-stat kernel-gated mm10-compact-gated \
	identity learned zswap-7.3 zswap-6.12 zswap-7.3-no-debugfs zswap-7.3-garbled \
	zswap-on-zram-swap zswap-pool "$TMPD/busy-gate"; do
	case $fixture in /*) orig=$fixture ;; *) orig=$FIX/$fixture ;; esac
	name=${fixture##*/}
	# a copy of our own: the gate's files are read only from a directory
	# others cannot write, whatever umask the tree was unpacked with
	src=$TMPD/src/$name
	mkdir -p "$TMPD/src" && cp -R "$orig" "$src" && chmod -R go-w "$src" ||
		tap_bail "cannot copy $orig"
	out=$TMPD/$name.tar.gz
	back=$TMPD/$name.d
	"$ZSCTL" --sysroot "$src" dump -q "$out" >"$TMPD/out" 2>"$TMPD/err"
	tap_is "$?:$(cat "$TMPD/out" "$TMPD/err")" "0:" "$name: dump exits 0, says nothing with -q"
	mkdir "$back" && tar -xzf "$out" -C "$back"
	tap_ok $? "$name: the archive extracts"
	for args in "status" "status --classes" "status -J" "status --format=prometheus" \
		"status --classes -J -b"; do
		# shellcheck disable=SC2086 # the arguments are words
		"$ZSCTL" --sysroot "$src" $args >"$TMPD/want" 2>&1
		want=$?
		# shellcheck disable=SC2086
		"$ZSCTL" --sysroot "$back" $args >"$TMPD/got" 2>&1
		got=$?
		cmp -s "$TMPD/want" "$TMPD/got" && [ "$got" = "$want" ]
		tap_ok $? "$name: '$args' reads back the same (exit $want)"
		[ "$got" = "$want" ] || continue
		diff "$TMPD/want" "$TMPD/got" | head -5 | sed 's/^/#   /'
	done
	# every entry is a file or directory of the fixture, with its text
	bad=""
	for f in $(tar -tzf "$out"); do
		case $f in
		zsctl-dump.txt | proc/self/mountinfo) continue ;;
		*/) [ -d "$src/$f" ] || bad="$bad $f" ;;
		*) cmp -s "$src/$f" "$back/$f" || bad="$bad $f" ;;
		esac
	done
	tap_is "$bad" "" "$name: every file is the fixture's, unchanged"
done

# the gate's busy file made it: runs turned away read back
"$ZSCTL" --sysroot "$TMPD/busy-gate.d" status 2>&1 | grep -q 'runs 9, turned away 3,'
tap_ok $? "the gate's turned-away count (its busy file) is in the dump"
tap_is "$(tar -tzf "$TMPD/busy-gate.tar.gz" | grep '^var/' | tr '\n' ' ')" \
	"var/lib/zsctl/ var/lib/zsctl/compact.state var/lib/zsctl/compact.state.busy " \
	"the gate's state and busy files are in the dump"

# privacy: mountinfo holds the zram mounts and debugfs, nothing else
tap_is "$(cut -d' ' -f1 "$TMPD/mounted.d/proc/self/mountinfo" | tr '\n' ' ')" "36 40 41 42 " \
	"mounted: mountinfo keeps debugfs (36) and the zram mounts (40-42) only"
grep -q '/dev/sda1' "$TMPD/mounted.d/proc/self/mountinfo"
tap_ok $((!$?)) "mounted: the root file system's line (/dev/sda1) is not in the dump"
grep -q 'cgroup2' "$TMPD/mounted.d/proc/self/mountinfo"
tap_ok $((!$?)) "mounted: the cgroup2 line is not in the dump"
# the cut lines are the fixture's own, in its order
grep -E '^(36|40|41|42) ' "$FIX/mounted/proc/self/mountinfo" >"$TMPD/want-mi"
cmp -s "$TMPD/want-mi" "$TMPD/mounted.d/proc/self/mountinfo"
tap_ok $? "mounted: the lines kept are the fixture's, unchanged"

# exactly these entries for a device of Linux 6.12 with classes: what status
# reads (and get: the readable attributes), the directories it lists
d=sys/block/zram0
tap_is "$(tar -tzf "$TMPD/linux-6.12-discard.tar.gz" | LC_ALL=C sort | tr '\n' ' ')" \
	"proc/meminfo proc/self/mountinfo proc/swaps sys/block/ $d/ $d/backing_dev $d/bd_stat $d/comp_algorithm $d/debug_stat $d/dev $d/disksize $d/initstate $d/io_stat $d/max_comp_streams $d/mm_stat $d/writeback_limit $d/writeback_limit_enable sys/kernel/debug/zsmalloc/ sys/kernel/debug/zsmalloc/zram0/classes zsctl-dump.txt " \
	"linux-6.12-discard: the archive holds what status reads and zsctl-dump.txt, no more"

# zsctl-dump.txt: the metadata, as a dump of a dump knows it
meta=$TMPD/zswap-7.3.d/zsctl-dump.txt
for key in zsctl-version date source kernel-release kernel-version machine page-size \
	config-zsmalloc-stat devices classes zswap entries; do
	grep -q "^$key: ." "$meta"
	tap_ok $? "zsctl-dump.txt has $key"
done
tap_is "$(sed -n 's/^source: //p' "$meta")" "sysroot (a dump)" "a dump of a dump says so"
tap_is "$(sed -n 's/^devices: //p' "$meta")" "0" "zswap-7.3: zswap alone is dumped (0 zram devices)"
tap_is "$(sed -n 's/^page-size: //p' "$TMPD/page-64k.d/zsctl-dump.txt")" "65536" \
	"page-64k: the page size learnt from the pools"
tap_is "$(sed -n 's/^config-zsmalloc-stat: //p' "$meta")" "unknown (none found)" \
	"without proc/config.gz or boot/config-*: unknown"

# a dump of the extracted dump is the same dump (but for the metadata)
"$ZSCTL" --sysroot "$TMPD/linux-6.12-discard.d" dump -q "$TMPD/again.tar.gz"
mkdir "$TMPD/again.d" && tar -xzf "$TMPD/again.tar.gz" -C "$TMPD/again.d"
diff -r -x zsctl-dump.txt "$TMPD/linux-6.12-discard.d" "$TMPD/again.d" >/dev/null
tap_ok $? "a dump of a dump holds the same files"

# the kernel's configuration, gzip'd or as /boot has it
cp -R "$FIX/linux-6.12-discard" "$TMPD/cfg" && mkdir -p "$TMPD/cfg/proc/sys/kernel" "$TMPD/cfg/boot"
echo 6.12.9-test >"$TMPD/cfg/proc/sys/kernel/osrelease"
printf 'CONFIG_ZSMALLOC=y\nCONFIG_ZSMALLOC_STAT=y\n' >"$TMPD/cfg/boot/config-6.12.9-test"
"$ZSCTL" --sysroot "$TMPD/cfg" dump -q - >"$TMPD/cfg.tar.gz"
tap_is "$(tar -xzOf "$TMPD/cfg.tar.gz" zsctl-dump.txt | sed -n 's/^\(kernel-release\|config-zsmalloc-stat\): //p' | tr '\n' '|')" \
	"6.12.9-test|y (boot/config-6.12.9-test)|" "boot/config-RELEASE: CONFIG_ZSMALLOC_STAT=y"
printf 'CONFIG_ZSMALLOC=y\n# CONFIG_ZSMALLOC_STAT is not set\n' | gzip >"$TMPD/cfg/proc/config.gz"
"$ZSCTL" --sysroot "$TMPD/cfg" dump -q >"$TMPD/cfg.tar.gz"
tap_is "$(tar -xzOf "$TMPD/cfg.tar.gz" zsctl-dump.txt | sed -n 's/^config-zsmalloc-stat: //p')" \
	"not set (proc/config.gz)" "proc/config.gz first, gzip'd: not set"

tap_done
