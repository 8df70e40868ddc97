#!/bin/sh
# valgrind memcheck over zsctl on the Linux 6.12 dump of tests/fixtures:
# no invalid read or write, no use of uninitialised memory, no definite or
# indirect leak, for status (table, --classes, --classes -J), compact
# (--dry-run and a real one, on a copy of the dump: compact writes the
# dump's compact file, its lock and its state file), top in batch mode,
# get and set (on the copy), and some refusals.
#
# valgrind 3.19 (Debian 12) does not know openat2 (syscall 437): it warns
# and returns ENOSYS, so under valgrind libzsctl takes its pre-5.6 fallback
# for --sysroot (zs_open_in_root_by_hand: RESOLVE_IN_ROOT in user space).
# Those warnings are filtered from the diagnostics.
. "$TOP_SRCDIR/tests/lib.sh"

command -v valgrind >/dev/null 2>&1 ||
	tap_skip_all "valgrind is not installed (apt-get install valgrind)"
[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
# ASan and valgrind cannot run one program together; the sanitizer build
# checks memory itself.
if grep -q __asan_init "$ZSCTL" 2>/dev/null; then
	tap_skip_all "zsctl is built with --enable-sanitizers (ASan), which valgrind cannot run"
fi

FIX=$TOP_SRCDIR/tests/fixtures/linux-6.12-discard
[ -d "$FIX" ] || tap_bail "no fixture $FIX"
make_tmpdir
DUMP=$TMPD/dump
cp -R "$FIX" "$DUMP" || tap_bail "cannot copy $FIX"
mkdir -p "$DUMP/run/lock" "$DUMP/var/lib" &&
	touch "$DUMP/sys/block/zram0/compact" "$DUMP/sys/block/zram0/mem_limit" ||
	tap_bail "cannot prepare the copy of the dump"

n=0
# vg WANT-EXIT DESCRIPTION ROOT ARGS...: zsctl --sysroot ROOT ARGS under memcheck
vg()
{
	want=$1 desc=$2 root=$3
	shift 3
	n=$((n + 1))
	log=$TMPD/vg.$n.log
	valgrind --tool=memcheck --trace-children=yes --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--error-exitcode=1 --track-origins=yes --log-file="$log" \
		"$ZSCTL" --sysroot "$root" "$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
		tap_ok 0 "$desc: memcheck clean"
	else
		tap_ok 1 "$desc: memcheck clean"
		tap_diag "exit status $rc, expected $want; zsctl's stderr:" "$(head -n 5 "$TMPD/err")"
		tap_diag "$(grep -v -e 'syscall: 437' -e 'write your own handler' \
			-e README_MISSING -e 'Nevertheless we consider' -e 'valgrind.org/support' \
			"$log" | head -n 60)"
	fi
}

# has_verb VERB: this zsctl has the verb (top and get came later than status)
has_verb()
{
	"$ZSCTL" "$1" --help >/dev/null 2>&1
}

vg 0 "status" "$FIX" status
vg 0 "status --classes" "$FIX" status --classes
vg 0 "status --classes -J" "$FIX" status --classes -J
vg 0 "compact --dry-run" "$DUMP" compact --dry-run \
	--lock-file "$DUMP/run/lock/zsctl-compact.lock" --state-file "$DUMP/var/lib/zsctl/compact.state"
vg 0 "compact" "$DUMP" compact \
	--lock-file "$DUMP/run/lock/zsctl-compact.lock" --state-file "$DUMP/var/lib/zsctl/compact.state"
if has_verb top; then
	vg 0 "top --batch --iterations 3" "$FIX" top --batch --iterations 3
else
	tap_ok 0 "top --batch --iterations 3 # SKIP this zsctl has no top"
fi
if has_verb get; then
	vg 0 "get zram0" "$FIX" get zram0
	vg 0 "set --dry-run zram0 mem_limit=1G" "$DUMP" set --dry-run zram0 mem_limit=1G
	vg 0 "set zram0 mem_limit=1G" "$DUMP" set zram0 mem_limit=1G
	# refused before anything is written: the error paths free what they took
	vg 2 "set zram0 with refused values" "$DUMP" set zram0 foo=bar idle=-1 disksize=0
	vg 1 "status of a device that does not exist" "$FIX" status zram9
else
	tap_ok 0 "get zram0 # SKIP this zsctl has no get"
fi
tap_done
