#!/bin/sh
# Last of make check (its log depends on every other test's): no zram
# device that a test of the suite hot-added is left on the machine. Every
# zram_hot_add of tests/lib.sh records "zramN INSTANCE TEST" in the
# registry $ZSCTL_ZRAM_REGISTRY; a device counts as left when zramN is
# there with the same instance (boot and diskseq), so that zram0, or a
# device another process made later under the same id, is never blamed.
# The registry keeps only the devices found left, so a device left by an
# earlier run fails this check until it is removed.
. "$TOP_SRCDIR/tests/lib.sh"

: "${ZSCTL_ZRAM_REGISTRY:?run through make check}"
[ -s "$ZSCTL_ZRAM_REGISTRY" ] ||
	tap_skip_all "no test hot-added a zram device (not root, or no CONFIG_ZRAM)"

make_tmpdir
recorded=0
: >"$TMPD/left"
while read -r name instance test; do
	recorded=$((recorded + 1))
	id=${name#zram}
	case $id in '' | *[!0-9]*) tap_bail "a garbled line in $ZSCTL_ZRAM_REGISTRY: $name $instance $test" ;; esac
	[ -e "/sys/block/$name" ] || continue
	# unknown: the test was stopped before it could tell (only where
	# there is no diskseq): the device is blamed
	if zram_instance "$id" && { [ "$ZRAM_INSTANCE" = "$instance" ] || [ "$instance" = unknown ]; }; then
		printf '%s %s %s\n' "$name" "$instance" "$test" >>"$TMPD/left"
	fi
done <"$ZSCTL_ZRAM_REGISTRY"

# one line per device still there (a test may record one twice)
sort -u "$TMPD/left" >"$TMPD/left.sorted"
while read -r name instance test; do
	tap_ok 1 "$name, hot-added by $test, is still there"
	tap_diag "$instance; disksize $(cat "/sys/block/$name/disksize" 2>/dev/null);" \
		"mm_stat $(cat "/sys/block/$name/mm_stat" 2>/dev/null)"
done <"$TMPD/left.sorted"
nleft=$(wc -l <"$TMPD/left.sorted")
tap_is "$nleft" 0 "no zram device hot-added by the suite is left ($recorded recorded)"

# forget the devices that are gone: the registry holds only those left
cp "$TMPD/left.sorted" "$ZSCTL_ZRAM_REGISTRY.new" && mv "$ZSCTL_ZRAM_REGISTRY.new" "$ZSCTL_ZRAM_REGISTRY"
tap_done
