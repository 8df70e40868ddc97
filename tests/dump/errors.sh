#!/bin/sh
# zsctl dump's refusals: each names the object and the cause, exits with
# the documented status, and leaves nothing behind (no archive, no
# temporary file). Needs no root; the unwritable directory is tried as
# uid 65534 when run as root.
. "$TOP_SRCDIR/tests/lib.sh"

make_tmpdir
umask 022
FIX=$TOP_SRCDIR/tests/fixtures/linux-6.12-discard

# run ARGS...: zsctl's exit status, stdout and stderr in $rc, $out, $err
run()
{
	"$ZSCTL" "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	out=$(cat "$TMPD/out")
	err=$(cat "$TMPD/err")
}

# nothing in DIR but what the test put there (no .NAME.XXXXXX left)
leftovers()
{
	find "$1" -mindepth 1 -name '.*' | tr '\n' ' '
}

mkdir "$TMPD/w"

# an existing FILE: refused before any work, untouched
echo precious >"$TMPD/w/old.tar.gz"
run --sysroot "$FIX" dump "$TMPD/w/old.tar.gz"
tap_is "$rc" 1 "an existing FILE: exit 1"
tap_is "$err" "zsctl: $TMPD/w/old.tar.gz: it exists; --force replaces it" "an existing FILE: says so"
tap_is "$(cat "$TMPD/w/old.tar.gz")" precious "an existing FILE is left as it was"
run --sysroot "$FIX" dump --force "$TMPD/w/old.tar.gz"
tap_is "$rc:$err" "0:" "--force replaces it: exit 0"
tap_is "$out" "$TMPD/w/old.tar.gz: 1 zram device; attach it to the bug report" "and says what it wrote"
tar -tzf "$TMPD/w/old.tar.gz" | grep -qx sys/block/zram0/mm_stat
tap_ok $? "--force: the new archive is in its place"
tap_is "$(leftovers "$TMPD/w")" "" "no temporary file left"
tap_is "$(stat -c %a "$TMPD/w/old.tar.gz")" 644 "the archive's mode follows the umask (0644 under 022)"

# a directory that does not exist
run --sysroot "$FIX" dump "$TMPD/nodir/d.tar.gz"
tap_is "$rc" 1 "a missing directory: exit 1"
tap_is "$err" "zsctl: $TMPD/nodir/d.tar.gz: cannot create it: No such file or directory" \
	"a missing directory: names FILE and the cause"

# a directory that cannot be written: as uid 65534 when root (root writes anywhere)
ro=""
if unpriv_possible; then
	unpriv_copy "$ZSCTL" "$ZSCTL-dump" "$FIX" # zsctl runs zsctl-dump beside it
	ro=$UNPRIV_DIR/ro
	mkdir "$ro" && chmod 0555 "$ro"
	run_unpriv "$UNPRIV_ZSCTL" --sysroot "$UNPRIV_DIR/linux-6.12-discard" dump "$ro/d.tar.gz" \
		>"$TMPD/out" 2>"$TMPD/err"
	rc=$? err=$(cat "$TMPD/err")
elif [ "$(id -u)" -ne 0 ]; then
	ro=$TMPD/ro
	mkdir "$ro" && chmod 0555 "$ro"
	run --sysroot "$FIX" dump "$ro/d.tar.gz"
else
	tap_diag "root without setpriv: the unwritable directory is not tried"
fi
if [ -n "$ro" ]; then
	tap_is "$rc" 1 "an unwritable directory: exit 1"
	tap_is "$err" "zsctl: $ro/d.tar.gz: cannot create it: Permission denied" \
		"an unwritable directory: names FILE and the cause"
	tap_is "$(ls -A "$ro")" "" "nothing written there"
	chmod 0755 "$ro"
fi

# not root: the class statistics cannot be read; one warning, the rest is dumped
if unpriv_possible; then
	fx=$UNPRIV_DIR/linux-6.12-discard
	chmod 0700 "$fx/sys/kernel/debug"
	mkdir "$UNPRIV_DIR/w" && chown "$UNPRIV_UID" "$UNPRIV_DIR/w"
	run_unpriv "$UNPRIV_ZSCTL" --sysroot "$fx" dump -q "$UNPRIV_DIR/w/d.tar.gz" >"$TMPD/out" 2>"$TMPD/err"
	tap_is "$?" 0 "not root: exit 0"
	tap_is "$(cat "$TMPD/err")" \
		"zsctl: warning: zsmalloc's class statistics are readable by root only: the dump has none (run it as root)" \
		"not root: one warning, that the classes were not readable"
	tar -tzf "$UNPRIV_DIR/w/d.tar.gz" >"$TMPD/list"
	grep -qx sys/block/zram0/mm_stat "$TMPD/list" && ! grep -q zsmalloc "$TMPD/list"
	tap_ok $? "not root: the device is dumped, the classes are not"
	tap_is "$(tar -xzOf "$UNPRIV_DIR/w/d.tar.gz" zsctl-dump.txt | sed -n 's/^classes: //p')" \
		"debugfs is readable by root only" "not root: zsctl-dump.txt says why there are no classes"
fi

# no zram device and no zswap
mkdir -p "$TMPD/empty/sys/block" "$TMPD/empty/proc"
run --sysroot "$TMPD/empty" dump "$TMPD/w/none.tar.gz"
tap_is "$rc" 1 "no zram device: exit 1"
tap_is "$err" "zsctl: $TMPD/empty: no zram device and no zswap: nothing to dump" \
	"no zram device: names the root and says why"
[ ! -e "$TMPD/w/none.tar.gz" ]
tap_ok $? "no zram device: no archive"
tap_is "$(leftovers "$TMPD/w")" "" "no temporary file left"

# standard output: a terminal is refused (usage), a full device is a write error
if command -v script >/dev/null; then
	script -qec "'$ZSCTL' --sysroot '$FIX' dump" /dev/null >"$TMPD/tty" 2>&1
	rc=$?
	tap_is "$rc" 2 "standard output a terminal: exit 2"
	grep -q "^zsctl: dump: not writing a compressed archive to a terminal; name a FILE or redirect standard output" "$TMPD/tty"
	tap_ok $? "standard output a terminal: says so"
else
	tap_diag "no script(1): the terminal is not tried"
fi
if [ -w /dev/full ]; then
	"$ZSCTL" --sysroot "$FIX" dump - >/dev/full 2>"$TMPD/err"
	tap_is "$?" 1 "standard output full: exit 1"
	grep -q '^zsctl: standard output: cannot write the dump: ' "$TMPD/err"
	tap_ok $? "standard output full: says so ($(cat "$TMPD/err"))"
fi

# interrupted with the temporary file made (zsctl-test waits there: ZSCTL_TEST_HOLD_DUMP):
# the signal removes it and ends zsctl as it would have; no archive. env resets SIGINT,
# which a shell's background job starts with ignored (an ignored one stays ignored).
[ -x "${ZSCTL_TEST-}" ] || tap_bail "no zsctl-test (ZSCTL_TEST) for the interrupted dumps"
mkdir "$TMPD/sig"
for sig in INT:2 TERM:15 HUP:1; do
	num=${sig#*:} sig=${sig%:*}
	ZSCTL_TEST_HOLD_DUMP=60 env --default-signal=INT "$ZSCTL_TEST" --sysroot "$FIX" \
		dump "$TMPD/sig/$sig.tar.gz" >"$TMPD/out" 2>"$TMPD/err" &
	pid=$!
	made=""
	for _ in $(seq 100); do
		made=$(leftovers "$TMPD/sig")
		[ -n "$made" ] && break
		sleep 0.1
	done
	case "$made" in
	*"/.$sig.tar.gz."??????" ") tap_ok 0 "SIG$sig: the temporary file is there before ($made)" ;;
	*) tap_ok 1 "SIG$sig: the temporary file is there before ('$made')" ;;
	esac
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	tap_is "$rc" "$((128 + num))" "SIG$sig: zsctl ends by the signal"
	tap_is "$(leftovers "$TMPD/sig")" "" "SIG$sig: no temporary file left"
	[ ! -e "$TMPD/sig/$sig.tar.gz" ]
	tap_ok $? "SIG$sig: no archive"
done

# usage
run --sysroot "$FIX" dump a b
tap_is "$rc:$(echo "$err" | head -1)" "2:zsctl: dump: one FILE at most" "two FILEs: usage, exit 2"
run --sysroot "$FIX" dump --frobnicate x
tap_is "$rc" 2 "an unknown option: exit 2"

tap_done
