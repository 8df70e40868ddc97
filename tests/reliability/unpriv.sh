#!/bin/sh
# Reliability, zsctl run by another user (uid 65534; the test starts as
# root), from a copy that user can reach (unpriv_copy: the source and build
# trees may be closed to it, as a clone in /root is):
#  - another user cannot hold the compaction gate: the lock file is 0600 in
#    a directory that user can enter;
#  - status over a dump works where files are readable, is root's document,
#    and says what needs root (an unreadable attribute, debugfs);
#  - compact where the lock cannot be made: exit 3, nothing compacted.
# All under --sysroot over fixture copies (the compact attributes are plain
# files there).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/reliability/common.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to run zsctl as another user"
unpriv_possible || tap_skip_all "no setpriv (util-linux) to run zsctl as another user"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
command -v flock >/dev/null || tap_bail "flock is missing (util-linux)"
LC_ALL=C
export LC_ALL
make_tmpdir
R=$TMPD/root
copy_fixture several-devices "$R"
# what uid 65534 runs and reads, where it can reach them
copy_fixture swap "$TMPD/nonroot"
unpriv_copy "$ZSCTL" "$ZSCTL-maintain" "$TMPD/nonroot" # zsctl runs zsctl-maintain beside it
N=$UNPRIV_DIR/nonroot

# run ARGS...: zsctl (root) over $R; sets rc (output in $TMPD/out, $TMPD/err)
run()
{
	"$ZSCTL" --sysroot "$R" "$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null
	rc=$?
}

# Another user must not be able to hold the gate: flock(2) needs only a
# read-only descriptor, so a lock file others can read is one they can hold
# for ever, and every zsctl compact then steps aside (exit 1, "busy"). The
# directory is one that user can reach: only the lock file's mode stops it.
D=$UNPRIV_DIR/dos
mkdir -p "$D" && chmod 0755 "$D"
run compact --force -q --lock-file "$D/gate.lock" --state-file "$D/compact.state" zram0
: >"$R/sys/block/zram0/compact"
run_unpriv flock -n "$D/gate.lock" sleep 3 2>/dev/null &
holder=$!
sleep 0.5
run compact --force -q --lock-file "$D/gate.lock" --state-file "$D/compact.state" zram0
wait "$holder"
holder_rc=$?
tap_ok "$([ "$rc" -eq 0 ] && [ "$(compacted "$R")" = "zram0 " ] && [ "$holder_rc" -ne 0 ]; echo $?)" \
	"another user cannot hold the gate (flock on the lock file) and turn compaction away"
[ "$holder_rc" -ne 0 ] || tap_diag "the other user's flock on the lock file succeeded"
tap_is "$(stat -c %a "$D/gate.lock")" 600 "the lock file is 0600"

as_nobody()
{
	run_unpriv "$UNPRIV_ZSCTL" --sysroot "$N" "$@"
}
"$ZSCTL" --sysroot "$N" status -J >"$TMPD/root.json" 2>&1
as_nobody status -J >"$TMPD/nobody.json" 2>"$TMPD/err"
tap_is "$?:$(cat "$TMPD/err")" "0:" "non-root: status over a readable dump works"
cmp -s "$TMPD/root.json" "$TMPD/nobody.json"
tap_ok $? "non-root: the same document as root's"
# debugfs readable by root only, one attribute readable by root only
chmod 0700 "$N/sys/kernel/debug"
chmod 0600 "$N/sys/block/zram1/mm_stat"
as_nobody status --classes >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 1 "non-root: an unreadable attribute: exit 1"
tap_is "$(cat "$TMPD/err")" "zsctl: zram1: /sys/block/zram1/mm_stat: Permission denied (need root)" \
	"non-root: one line names the file and says it needs root"
tap_is "$(awk 'NR == 2 { print $1 }' "$TMPD/out")" zram0 "non-root: the readable device is shown"
grep -qx "Class statistics unavailable: debugfs is readable by root only" "$TMPD/out"
tap_ok $? "non-root: says that class statistics need root"
as_nobody status --classes -J >"$TMPD/out" 2>"$TMPD/err"
tap_is "$(jq -r '.class_statistics.reason' "$TMPD/out")" "debugfs is readable by root only" \
	"non-root, JSON: class_statistics.reason says so"
# compact without root under --sysroot: the lock below root's directory
as_nobody compact --force -q zram0 >"$TMPD/out" 2>"$TMPD/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(nlines "$TMPD/err")" -eq 1 ] && [ -z "$(compacted "$N")" ]
tap_ok $? "non-root: compact where the lock cannot be made: exit 3, one line, nothing compacted"
# maintain on the live system, without root: refused before anything is
# read, exit 1 as set's "needs root" and compact's (tests/live/compact.sh);
# 3 is for a step that failed. A device that does not exist, so that
# nothing is touched whatever happens.
run_unpriv "$UNPRIV_ZSCTL" maintain zram999 >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?:$(cat "$TMPD/out" "$TMPD/err")" "1:zsctl: maintenance needs root" \
	"non-root, live: maintain needs root: exit 1, one line"

tap_done
