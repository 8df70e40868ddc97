#!/bin/sh
# Live: zsctl set --reset, remove and add while udev probes the device
# (issue 12). udevd opens a block device while it processes its uevent, and
# the kernel refuses reset and hot_remove of an open device (EBUSY), so a
# zsctl that did not wait for udev fails here now and then. Each round, on
# devices this test makes (and removes, also when it fails):
#   1. hot_add, then at once set --reset: udev is probing the new device;
#   2. set disksize, a change uevent (what udevd's watch sends when mkswap
#      closes the device, and what udevadm trigger sends), then at once
#      set --reset;
#   3. at once zsctl remove;
#   4. zsctl add -s 64M, then at once zsctl remove.
# No reset or removal may be refused. Where a udevd runs, it does the
# probing. Where none does (these VMs), udev-standin does with the test's
# own devices what udevd does (see udev-standin.c), in a private mount
# namespace with a tmpfs on /run, so that nothing else on the machine sees
# a udev. ZSCTL_UDEV_ROUNDS sets the number of rounds (default 25).
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
export LC_ALL
[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] ||
	tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"

if [ ! -e /run/udev/control ] && [ -z "${ZSCTL_UDEV_PRIVATE-}" ]; then
	unshare --mount --propagation private true 2>/dev/null ||
		tap_skip_all "no udevd, and unshare(1) cannot make a private mount namespace for the stand-in"
	ZSCTL_UDEV_HOST_NS=$(readlink /proc/self/ns/mnt) ZSCTL_UDEV_PRIVATE=1 \
		exec unshare --mount --propagation private -- sh "$0" "$@"
fi

ROUNDS=${ZSCTL_UDEV_ROUNDS:-25}
make_tmpdir

if [ -n "${ZSCTL_UDEV_PRIVATE-}" ]; then
	STANDIN=${TOP_BUILDDIR:-$TOP_SRCDIR}/tests/getset/udev-standin
	[ -x "$STANDIN" ] || tap_bail "no $STANDIN (make check builds it)"
	# this namespace's own /run: udev's files are seen by this test alone
	mount -t tmpfs -o mode=0755,size=1m zsctl-udev-test /run ||
		tap_bail "cannot mount a tmpfs on /run in the private mount namespace"
	mkfifo "$TMPD/owned" || tap_bail "mkfifo failed"
	exec 7<>"$TMPD/owned"
	"$STANDIN" --hold 20 "$ZSCTL_UDEV_HOST_NS" "$TMPD/owned" "$TMPD/stats" \
		>"$TMPD/standin.out" 2>"$TMPD/standin.err" &
	standin=$!
	at_exit "kill $standin; wait $standin"
	for _ in $(seq 100); do
		grep -qx ready "$TMPD/standin.out" 2>/dev/null && break
		kill -0 "$standin" 2>/dev/null || break
		sleep 0.05
	done
	grep -qx ready "$TMPD/standin.out" ||
		tap_bail "udev-standin did not start: $(cat "$TMPD/standin.err")"
	tap_diag "no udevd here: udev-standin plays it, in a private mount namespace"
	# the devices the stand-in may open: this test's, by name and by the
	# diskseq of this device's life (0 on kernels without one)
	own_for_udev()
	{
		_seq=$(cat "/sys/block/$1/diskseq" 2>/dev/null) || _seq=0
		echo "$1 $_seq" >&7
	}
else
	tap_diag "a udevd runs here: it does the probing"
	own_for_udev()
	{
		:
	}
fi

# tally OP JSONFILE EXIT-STATUS WRITTEN: count one reset or removal
tally()
{
	_op=$1
	eval "n_$_op=\$((\${n_$_op:-0} + 1))"
	if [ "$3" -ne 0 ] || [ "$4" != true ]; then
		eval "fail_$_op=\$((\${fail_$_op:-0} + 1))"
		tap_diag "$_op failed (exit $3): $(cat "$TMPD/err")"
	fi
	_b=$(jq -r '[.. | objects | select(has("busy_wait")) | .busy_wait][0] // {} |
		"\(.ebusy // 0) \(.lock_busy // 0) \(.udev_wait_ms // 0) \(if .udev_timed_out then 1 else 0 end)"' \
		"$2" 2>/dev/null)
	set -- $_b
	eval "ebusy_$_op=\$((\${ebusy_$_op:-0} + ${1:-0}))"
	eval "lock_$_op=\$((\${lock_$_op:-0} + ${2:-0}))"
	eval "timeout_$_op=\$((\${timeout_$_op:-0} + ${4:-0}))"
	[ "${3:-0}" -gt 0 ] && eval "waited_$_op=\$((\${waited_$_op:-0} + 1))"
	eval "[ \"${3:-0}\" -gt \"\${maxwait_$_op:-0}\" ] && maxwait_$_op=${3:-0}"
	return 0
}

for round in $(seq "$ROUNDS"); do
	zram_hot_add || tap_bail "hot_add failed"
	id=$ZRAM_ID
	dev=zram$id
	own_for_udev "$dev"

	# 1. right after hot_add
	"$ZSCTL" set -J --reset "$dev" >"$TMPD/json" 2>"$TMPD/err"
	tally after_hot_add "$TMPD/json" $? "$(jq -r '.writes[0].written' "$TMPD/json")"

	# 2. right after disksize and a change uevent
	"$ZSCTL" set -q "$dev" disksize=64M 2>"$TMPD/err" ||
		tap_diag "round $round: disksize=64M failed: $(cat "$TMPD/err")"
	echo change >"/sys/block/$dev/uevent"
	"$ZSCTL" set -J --reset "$dev" >"$TMPD/json" 2>"$TMPD/err"
	tally after_change "$TMPD/json" $? "$(jq -r '.writes[0].written' "$TMPD/json")"

	# 3. remove it at once
	"$ZSCTL" remove -J "$dev" >"$TMPD/json" 2>"$TMPD/err"
	rc=$?
	removed=$(jq -r '.devices[0].removed' "$TMPD/json")
	[ "$removed" = true ] && zram_forget "$id"
	tally remove "$TMPD/json" $rc "$removed"

	# 4. zsctl add, then remove at once
	"$ZSCTL" add -J -s 64M >"$TMPD/json" 2>"$TMPD/err"
	rc=$?
	new=$(jq -r '.name // empty' "$TMPD/json")
	case "$rc:$new" in
	0:zram[0-9]*) ;;
	*) tap_bail "round $round: zsctl add failed (exit $rc): $(cat "$TMPD/err")" ;;
	esac
	zram_own "${new#zram}"
	own_for_udev "$new"
	"$ZSCTL" remove -J "$new" >"$TMPD/json" 2>"$TMPD/err"
	rc=$?
	removed=$(jq -r '.devices[0].removed' "$TMPD/json")
	[ "$removed" = true ] && zram_forget "${new#zram}"
	tally remove_after_add "$TMPD/json" $rc "$removed"
done

total=0
failed=0
for op in after_hot_add after_change remove remove_after_add; do
	eval "n=\${n_$op:-0} f=\${fail_$op:-0} e=\${ebusy_$op:-0} l=\${lock_$op:-0}"
	eval "w=\${waited_$op:-0} m=\${maxwait_$op:-0} t=\${timeout_$op:-0}"
	tap_diag "$op: $n done, $f refused; EBUSY retried $e times, probe lock found held $l times; waited for udev $w times (at most $m ms; gave up after 3 s $t times)"
	tap_is "$f" 0 "$op: $n of $n done while udev probed, none refused as busy"
	total=$((total + n))
	failed=$((failed + f))
done
tap_is "$total" $((ROUNDS * 4)) "every reset and removal was tried"

if [ -n "${ZSCTL_UDEV_PRIVATE-}" ]; then
	kill "$standin" && wait "$standin"
	tap_diag "udev-standin: $(tr '\n' ' ' <"$TMPD/stats")"
	probes=$(sed -n 's/^probes //p' "$TMPD/stats")
	gone=$(sed -n 's/^busy_open //p' "$TMPD/stats")
	# the rounds really raced with udev: an event each device made, one a
	# change; probed, or found being reset or removed (as udevd would)
	[ $((${probes:-0} + ${gone:-0})) -ge $((ROUNDS * 3)) ]
	rc=$?
	tap_ok $rc "udev-standin handled the devices' $((ROUNDS * 3)) events: ${probes:-0} probed, ${gone:-0} found gone or being reset"
	# STANDIN_DEBUG=1 traces its events there
	[ $rc -eq 0 ] || tap_diag "$(cat "$TMPD/standin.err")"
	waits=$((${waited_after_hot_add:-0} + ${waited_remove_after_add:-0}))
	[ "$waits" -gt 0 ]
	tap_ok $? "zsctl waited for udev ($waits times right after a device was made)"
fi

tap_done
