#!/bin/sh
# make check: every fuzz target, built with the ordinary compiler
# (fuzz/replay-TARGET), replays its seeds (fuzz/seeds, and the kernel
# captures sorted by make-seeds.sh) and the reproducers of the crashes
# fuzzing found (fuzz/regress/TARGET). One TAP line per target.
. "$TOP_SRCDIR/tests/lib.sh"

TARGETS="u64 mm-stat io-stat bd-stat debug-stat comp-algorithm classes state size duration seconds percent devname set sysroot"

make_tmpdir
sh "$TOP_SRCDIR/fuzz/make-seeds.sh" "$TOP_SRCDIR" "$TMPD/seeds-gen" ||
	tap_bail "fuzz/make-seeds.sh failed"
for t in $TARGETS; do
	bin="$TOP_BUILDDIR/fuzz/replay-$t"
	[ -x "$bin" ] || tap_bail "$bin is not built"
	set --
	for d in "$TOP_SRCDIR/fuzz/seeds/$t" "$TMPD/seeds-gen/$t" "$TOP_SRCDIR/fuzz/regress/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	out=$("$bin" "$@" 2>"$TMPD/err")
	rc=$?
	tap_ok "$rc" "$t: replays its $out seeds and reproducers"
	[ "$rc" -eq 0 ] || tap_diag "$(tail -n 20 "$TMPD/err")"
done
tap_done
