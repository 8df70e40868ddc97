#!/bin/sh
# Reliability, faults of the gate's file systems: a read-only /run/lock, a
# read-only or full /var/lib. zsctl compact must say so on one line, exit 3
# and compact nothing (under --sysroot over a fixture copy whose compact
# attributes are plain files: a written one shows a compaction); a state
# file it cannot replace must be left as it was.
#
# Mounts (read-only bind mounts, tiny tmpfs) are made in a private mount
# namespace of this script (unshare -m): the host's mount table never
# changes, and they vanish with the script however it ends.
if [ -z "${ZSCTL_IN_MOUNT_NS:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null &&
	unshare -m --propagation private true 2>/dev/null; then
	ZSCTL_IN_MOUNT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/reliability/common.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root for mounts (a private mount namespace)"
[ -n "${ZSCTL_IN_MOUNT_NS:-}" ] || tap_skip_all "cannot make a private mount namespace (unshare -m)"
LC_ALL=C
export LC_ALL
make_tmpdir
# the mounts below $TMPD go before it is removed (at_exit: last in, first out)
unmount_below()
{
	awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r _m; do umount "$_m"; done
}
at_exit "unmount_below '$TMPD'"
R=$TMPD/root
copy_fixture linux-6.12-discard "$R"

# ro DIR: make DIR a read-only bind mount of itself
ro()
{
	mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || tap_bail "cannot make $1 read-only"
}

# full DIR SIZE: a tmpfs of SIZE on DIR, filled up
full()
{
	mkdir -p "$1" && mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" || tap_bail "cannot mount a tmpfs on $1"
	dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null
	[ "$(df --output=avail "$1" | tail -n1 | tr -d ' ')" -eq 0 ] || tap_bail "$1 is not full"
}

# refused DESC EXPECTED-MESSAGE-PART COMPACT-ARGS...: exit 3, one line on
# stderr with the message, no device compacted
refused()
{
	_desc=$1 _msg=$2
	shift 2
	"$ZSCTL" --sysroot "$R" compact --force "$@" >"$TMPD/out" 2>"$TMPD/err"
	_rc=$?
	tap_is "$_rc" 3 "$_desc: exit 3"
	[ "$(nlines "$TMPD/err")" -eq 1 ] && grep -qF -- "$_msg" "$TMPD/err"
	tap_ok $? "$_desc: one line saying so"
	[ "$(nlines "$TMPD/err")" -eq 1 ] && grep -qF -- "$_msg" "$TMPD/err" || tap_diag "$(cat "$TMPD/err")"
	tap_is "$(compacted "$R")" "" "$_desc: no device compacted"
}

# ---- a read-only /run/lock ------------------------------------------------------------
mkdir -p "$TMPD/lock-ro" "$TMPD/lock-ro-old" "$TMPD/state"
: >"$TMPD/lock-ro-old/gate.lock" # one left by an earlier run
ro "$TMPD/lock-ro"
ro "$TMPD/lock-ro-old"
refused "read-only lock directory" "cannot take the compaction gate: Read-only file system" \
	--lock-file "$TMPD/lock-ro/gate.lock" --state-file "$TMPD/state/compact.state"
refused "read-only lock directory, the lock file there already" \
	"cannot take the compaction gate: Read-only file system" \
	--lock-file "$TMPD/lock-ro-old/gate.lock" --state-file "$TMPD/state/compact.state"
[ ! -e "$TMPD/state/compact.state" ] && [ ! -e "$TMPD/state/compact.state.busy" ]
tap_ok $? "no state written when the gate could not be taken"

# ---- a read-only /var/lib -----------------------------------------------------------------
LOCK=$TMPD/gate.lock
mkdir -p "$TMPD/lib-ro-empty" "$TMPD/lib-ro/zsctl" "$TMPD/lib-ro-garbled/zsctl"
"$ZSCTL" --sysroot "$R" compact --force -q --lock-file "$LOCK" \
	--state-file "$TMPD/lib-ro/zsctl/compact.state" || tap_bail "a first compact failed"
: >"$R/sys/block/zram0/compact"
cp "$TMPD/lib-ro/zsctl/compact.state" "$TMPD/state-before"
printf 'runs 12\ngarbage\n' >"$TMPD/lib-ro-garbled/zsctl/compact.state"
ro "$TMPD/lib-ro-empty"
ro "$TMPD/lib-ro"
ro "$TMPD/lib-ro-garbled"
refused "read-only state directory's parent (no zsctl/ yet)" "cannot write the state file: Read-only file system; nothing compacted" \
	--lock-file "$LOCK" --state-file "$TMPD/lib-ro-empty/zsctl/compact.state"
refused "read-only state directory with a state file" "cannot write the state file: Read-only file system; nothing compacted" \
	--lock-file "$LOCK" --state-file "$TMPD/lib-ro/zsctl/compact.state"
cmp -s "$TMPD/lib-ro/zsctl/compact.state" "$TMPD/state-before"
tap_ok $? "the state file is as it was"
refused "read-only state directory with a garbled state file" "garbled, and cannot be set aside: Read-only file system" \
	--lock-file "$LOCK" --state-file "$TMPD/lib-ro-garbled/zsctl/compact.state"
# a dry run only reads: it still works there
"$ZSCTL" --sysroot "$R" compact --dry-run --lock-file "$LOCK" \
	--state-file "$TMPD/lib-ro/zsctl/compact.state" >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?:$(cat "$TMPD/err")" "0:" "--dry-run works with a read-only state directory"

# ---- a full /var/lib ------------------------------------------------------------------------
full "$TMPD/lib-full" 4k
refused "full state file system (no state file yet)" "cannot write the state file: No space left on device; nothing compacted" \
	--lock-file "$LOCK" --state-file "$TMPD/lib-full/zsctl/compact.state"
tap_is "$(find "$TMPD/lib-full" -name '*.tmp.*')" "" "no temporary file left behind"
# a state file there from before it filled up: kept whole
mkdir -p "$TMPD/lib-full2"
mount -t tmpfs -o size=16k,mode=0755 tmpfs "$TMPD/lib-full2" || tap_bail "tmpfs"
"$ZSCTL" --sysroot "$R" compact --force -q --lock-file "$LOCK" \
	--state-file "$TMPD/lib-full2/zsctl/compact.state" || tap_bail "a compact failed"
: >"$R/sys/block/zram0/compact"
cp "$TMPD/lib-full2/zsctl/compact.state" "$TMPD/state-before"
dd if=/dev/zero of="$TMPD/lib-full2/filler" bs=4096 2>/dev/null
refused "full state file system with a state file" "cannot write the state file: No space left on device; nothing compacted" \
	--lock-file "$LOCK" --state-file "$TMPD/lib-full2/zsctl/compact.state"
cmp -s "$TMPD/lib-full2/zsctl/compact.state" "$TMPD/state-before"
tap_ok $? "the state file is as it was"
tap_is "$(ls "$TMPD/lib-full2/zsctl")" "compact.state" "and nothing else is left there"

# ---- a full /run/lock ------------------------------------------------------------------------
full "$TMPD/lock-full" 4k
refused "full lock file system" "cannot take the compaction gate: No space left on device" \
	--lock-file "$TMPD/lock-full/gate.lock" --state-file "$TMPD/state/compact.state"

# ---- the file system fills up while the owner holds the gate -----------------------------------
# A turned-away run that cannot count itself says so (exit 3, not 1); the
# owner, which compacted, says its state could not be written.
mkdir -p "$TMPD/lib-fill"
mount -t tmpfs -o size=16k,mode=0755 tmpfs "$TMPD/lib-fill" || tap_bail "tmpfs"
ST=$TMPD/lib-fill/zsctl/compact.state
# The owner writes its pid into the lock file before it proves the state
# can be written (zs_gate_begin): wait for the state file itself, or the
# file system could fill up before that first save (it did, under ASan in
# CI). The hold leaves a slow (sanitized, loaded) second run time to find
# the gate still held.
ZSCTL_TEST_HOLD_GATE=6 "$ZSCTL_TEST" --sysroot "$R" compact --force -q --lock-file "$LOCK" \
	--state-file "$ST" >/dev/null 2>"$TMPD/owner.err" &
owner=$!
i=0
while ! [ -s "$ST" ] && [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$ST" ] && [ -s "$LOCK" ] || tap_bail "the owner did not take the gate and save its state within 20 s"
dd if=/dev/zero of="$TMPD/lib-fill/filler" bs=4096 2>/dev/null
"$ZSCTL" --sysroot "$R" compact --force --lock-file "$LOCK" --state-file "$ST" >/dev/null 2>"$TMPD/err"
tap_is "$?" 3 "a turned-away run that cannot count itself: exit 3"
grep -q "cannot count this turned-away run: No space left on device" "$TMPD/err"
tap_ok $? "and it says so"
wait "$owner"
tap_is "$?" 3 "the owner whose final state cannot be written: exit 3"
grep -qF "cannot write the state file: No space left on device (the compactions above did run)" "$TMPD/owner.err"
tap_ok $? "and it says so ($(cat "$TMPD/owner.err"))"
[ "$(head -n1 "$ST")" = "# zsctl compact state" ] && [ "$(tail -n1 "$ST")" = end ]
tap_ok $? "the state file it had written before is whole"

tap_done
