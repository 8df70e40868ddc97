#!/bin/sh
# Expected-output tests (DESIGN.md section 5, level 2): every case in
# tests/expected/cases runs
#     $ZSCTL --sysroot $TOP_SRCDIR/tests/fixtures/<fixture> <arguments>
# and its stdout, stderr and exit status are compared with
# tests/expected/<name>.out, tests/expected/<name>.err and the case's status.
# One TAP line per case; a mismatch prints the differences as # lines.
#
#   run.sh [--update] [NAME-PATTERN...]
#
# --update rewrites the expected files of the selected cases (all by
# default) from the current output, for when the output changes on purpose,
# and the EXTRA_DIST list in tests/expected/Makemodule.am; read every
# rewritten file (git diff) before committing it. NAME-PATTERN is a shell
# pattern (swap.*). Outside make, TOP_SRCDIR defaults to the tree this
# script is in and ZSCTL to its ./zsctl.
#
# The cases file: one case a line, fields separated by '|':
#     name | fixture | arguments | exit status
# The arguments are shell words (quotes and $(...) work: they go through
# eval) and cannot hold a '|'. '#' starts a comment line.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
export TOP_SRCDIR ZSCTL
. "$TOP_SRCDIR/tests/lib.sh"

# the same bytes whatever the caller's locale (strerror, sorting)
LC_ALL=C
export LC_ALL
unset LANG LANGUAGE

EXP=$TOP_SRCDIR/tests/expected
FIX=$TOP_SRCDIR/tests/fixtures

update=false
if [ "${1-}" = --update ]; then
	update=true
	shift
fi

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
[ -r "$EXP/cases" ] || tap_bail "no $EXP/cases"
make_tmpdir

trim()
{
	printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

selected()
{
	[ $# -eq 1 ] && return 0
	_n=$1
	shift
	for _p in "$@"; do
		# shellcheck disable=SC2254
		case "$_n" in $_p) return 0 ;; esac
	done
	return 1
}

# diag_diff LABEL EXPECTED-FILE GOT-FILE
diag_diff()
{
	tap_diag "$1 differs (--- expected, +++ got):"
	diff -u "$2" "$3" | sed '1,2d; s/^/# /'
}

names=""
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '' | '#'*) continue ;; esac
	name=$(trim "$(printf '%s' "$line" | cut -d'|' -f1)")
	fixture=$(trim "$(printf '%s' "$line" | cut -d'|' -f2)")
	args=$(trim "$(printf '%s' "$line" | cut -d'|' -f3)")
	want=$(trim "$(printf '%s' "$line" | cut -d'|' -f4)")
	extra=$(printf '%s' "$line" | cut -d'|' -f5-)
	case "$name" in
	'' | */* | .* | *[!A-Za-z0-9._-]*)
		tap_bail "cases: bad case name in: $line" ;;
	esac
	case "$want" in
	'' | *[!0-9]*) tap_bail "cases: $name: bad exit status '$want'" ;;
	esac
	[ -z "$extra" ] || tap_bail "cases: $name: more than 4 fields"
	[ -d "$FIX/$fixture" ] || tap_bail "cases: $name: no fixture '$fixture'"
	case " $names " in
	*" $name "*) tap_bail "cases: $name appears twice" ;;
	esac
	names="$names $name"
	selected "$name" "$@" || continue

	out=$TMPD/$name.out
	err=$TMPD/$name.err
	# a subshell, so that `set --` and a hostile eval stay in it
	(
		eval "set -- $args" || exit 125
		cd "$TMPD" && exec "$ZSCTL" --sysroot "$FIX/$fixture" "$@"
	) >"$out" 2>"$err" </dev/null
	rc=$?
	desc="$name: zsctl --sysroot fixtures/$fixture $args"

	if $update; then
		cp "$out" "$EXP/$name.out" && cp "$err" "$EXP/$name.err"
		tap_ok $? "$desc (updated)"
		[ "$rc" = "$want" ] ||
			tap_diag "$name: the exit status is now $rc, not $want: edit the cases file"
		continue
	fi

	bad=0
	if [ "$rc" != "$want" ]; then
		bad=1
	fi
	for f in out err; do
		if [ ! -f "$EXP/$name.$f" ] || ! cmp -s "$EXP/$name.$f" "$TMPD/$name.$f"; then
			bad=1
		fi
	done
	tap_ok $bad "$desc"
	[ $bad -eq 0 ] && continue
	[ "$rc" = "$want" ] || tap_diag "exit status $rc, expected $want"
	for f in out err; do
		if [ ! -f "$EXP/$name.$f" ]; then
			tap_diag "missing tests/expected/$name.$f (run tests/expected/run.sh --update '$name')"
		elif ! cmp -s "$EXP/$name.$f" "$TMPD/$name.$f"; then
			diag_diff "std$f" "$EXP/$name.$f" "$TMPD/$name.$f"
		fi
	done
done <"$EXP/cases"

# The expected files of all cases are listed for the tarball; every file
# here belongs to a case.
am=$EXP/Makemodule.am
list=$TMPD/dist-list
for n in $names; do
	printf '\ttests/expected/%s.out \\\n\ttests/expected/%s.err \\\n' "$n" "$n"
done | sed '$ s/ \\$//' >"$list"

if $update && [ $# -eq 0 ]; then
	{
		sed '/^# BEGIN expected files/,$d' "$am"
		echo '# BEGIN expected files (written by tests/expected/run.sh --update)'
		printf 'EXTRA_DIST += \\\n'
		cat "$list"
		echo '# END expected files'
	} >"$TMPD/am" && cp "$TMPD/am" "$am"
	tap_ok $? "tests/expected/Makemodule.am lists the expected files (updated)"
	for f in "$EXP"/*.out "$EXP"/*.err; do
		[ -f "$f" ] || continue
		n=${f##*/}
		n=${n%.*}
		case " $names " in
		*" $n "*) ;;
		*) rm -f "$f" && tap_diag "removed $f: no such case" ;;
		esac
	done
elif [ $# -eq 0 ]; then
	sed -n '/^# BEGIN expected files/,/^# END expected files/p' "$am" |
		sed '1,2d;$d' >"$TMPD/am-list"
	cmp -s "$list" "$TMPD/am-list"
	r=$?
	tap_ok $r "tests/expected/Makemodule.am lists the expected files of every case"
	[ $r -eq 0 ] || diag_diff "the list" "$TMPD/am-list" "$list"
	stale=""
	for f in "$EXP"/*.out "$EXP"/*.err; do
		[ -f "$f" ] || continue
		n=${f##*/}
		n=${n%.*}
		case " $names " in
		*" $n "*) ;;
		*) stale="$stale ${f##*/}" ;;
		esac
	done
	tap_is "$stale" "" "no expected file without a case"
fi
tap_done
