#!/bin/sh
# README.md's tour shows what zsctl prints now: tools/readme-tour.sh runs
# every command of it again (against tests/fixtures/linux-6.12-discard, and a
# copy of it where a command writes) and compares, clock times, timestamps
# and durations aside. When output changes on purpose:
# tools/readme-tour.sh --update, and read the diff. And NEWS has an entry
# for the version configure.ac gives.
# Reads only from $TOP_SRCDIR, writes only below a temporary directory.
. "$TOP_SRCDIR/tests/lib.sh"

make_tmpdir
command -v jq >/dev/null || tap_skip_all "jq is not installed (a command of the tour uses it)"

grep -q '^<!-- tour: begin' "$TOP_SRCDIR/README.md"
tap_ok $? "README.md has a generated tour"
TMPDIR="$TMPD" ZSCTL="$ZSCTL" README="$TOP_SRCDIR/README.md" \
	sh "$TOP_SRCDIR/tools/readme-tour.sh" --check >"$TMPD/out" 2>&1
r=$?
tap_ok $r "README.md's tour is what zsctl prints now (else: tools/readme-tour.sh --update)"
[ $r -eq 0 ] || tap_diag "$(head -n 60 "$TMPD/out")"
# NEWS: its first entry is this version's (AC_INIT in configure.ac)
version=$("$ZSCTL" --version | sed -n 's/^zsctl //p')
first=$(sed -n '1p' "$TOP_SRCDIR/NEWS")
case $first in
"zsctl $version" | "zsctl $version "*) r=0 ;;
*) r=1 ;;
esac
tap_ok $r "NEWS begins with the entry of zsctl $version"
[ $r -eq 0 ] || tap_diag "its first line: $first"

tap_done
