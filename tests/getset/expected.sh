#!/bin/sh
# Expected-output tests of zsctl get, zsctl set and status --format=prometheus
# over the fixture trees of tests/getset/fixtures. Every case of
# tests/getset/cases runs
#     $ZSCTL --sysroot COPY <arguments>
# on a fresh, writable copy of its fixture (set writes into the dump's
# files), and one file, tests/getset/expected/<name>.txt, holds what it
# should print and do: its stdout, its stderr, its exit status, and every
# file of the copy that it changed, with the new contents: so a case shows
# what was written, and a refused line shows that nothing was.
#
#   expected.sh [--update] [NAME-PATTERN...]
#
# --update rewrites the expected files of the selected cases (all by
# default) from the current output; read the diff before committing it.
#
# The cases file: one case a line, fields separated by '|':
#     name | fixture | arguments | exit status [| preparation]
# The arguments are shell words (they go through eval; $OUT is an empty
# directory of the case's own). The preparation, if any, runs in the copy
# first (to make a write fail part way, say). '#' starts a comment line.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
export TOP_SRCDIR ZSCTL
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
export LC_ALL
unset LANG LANGUAGE

HERE=$TOP_SRCDIR/tests/getset
EXP=$HERE/expected
FIX=$HERE/fixtures

update=false
if [ "${1-}" = --update ]; then
	update=true
	shift
fi

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
[ -r "$HERE/cases" ] || tap_bail "no $HERE/cases"
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

# changed ORIGINAL COPY: the files of COPY that differ from ORIGINAL, with
# their contents; files ORIGINAL has and COPY lost
changed()
{
	(cd "$2" && find . \( -type f -o -type d \) -print) | LC_ALL=C sort | while IFS= read -r f; do
		f=${f#./}
		[ "$f" = . ] && continue
		if [ -d "$2/$f" ]; then
			[ -d "$1/$f" ] || echo "$f/ (new directory)"
			continue
		fi
		if [ -f "$1/$f" ] && cmp -s "$1/$f" "$2/$f"; then
			continue
		fi
		echo "$f:"
		sed 's/^/	/' "$2/$f"
		# a missing final newline is visible
		[ -z "$(tail -c 1 "$2/$f")" ] || printf '\t(no newline at the end)\n'
	done
	(cd "$1" && find . -type f -print) | LC_ALL=C sort | while IFS= read -r f; do
		f=${f#./}
		[ -f "$2/$f" ] || echo "$f: (gone)"
	done
}

# listing DIR: every file of DIR (hidden ones too), with contents
listing()
{
	(cd "$1" && find . -type f -print) | LC_ALL=C sort | while IFS= read -r f; do
		echo "${f#./}:"
		sed 's/^/	/' "$1/$f"
	done
}

names=""
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '' | '#'*) continue ;; esac
	name=$(trim "$(printf '%s' "$line" | cut -d'|' -f1)")
	fixture=$(trim "$(printf '%s' "$line" | cut -d'|' -f2)")
	args=$(trim "$(printf '%s' "$line" | cut -d'|' -f3)")
	want=$(trim "$(printf '%s' "$line" | cut -d'|' -f4)")
	prep=$(trim "$(printf '%s' "$line" | cut -d'|' -f5)")
	extra=$(printf '%s' "$line" | cut -d'|' -f6-)
	case "$name" in
	'' | */* | .* | *[!A-Za-z0-9._-]*) tap_bail "cases: bad case name in: $line" ;;
	esac
	case "$want" in
	'' | *[!0-9]*) tap_bail "cases: $name: bad exit status '$want'" ;;
	esac
	[ -z "$extra" ] || tap_bail "cases: $name: more than 5 fields"
	[ -d "$FIX/$fixture" ] || tap_bail "cases: $name: no fixture '$fixture'"
	case " $names " in
	*" $name "*) tap_bail "cases: $name appears twice" ;;
	esac
	names="$names $name"
	selected "$name" "$@" || continue

	root=$TMPD/root
	base=$TMPD/base
	OUT=$TMPD/out
	rm -rf "$root" "$base" "$OUT"
	mkdir "$OUT" && cp -R "$FIX/$fixture" "$base" && chmod -R u+w "$base" ||
		tap_bail "cannot copy fixtures/$fixture"
	# the preparation runs in the base copy ($OUT is ../out from there)
	if [ -n "$prep" ]; then
		(cd "$base" && eval "$prep") || tap_bail "cases: $name: the preparation failed"
	fi
	cp -R "$base" "$root" || tap_bail "cannot copy fixtures/$fixture"
	# a subshell, so that `set --` and a hostile eval stay in it
	(
		eval "set -- $args" || exit 125
		cd "$TMPD" && exec "$ZSCTL" --sysroot "$root" "$@"
	) >"$TMPD/stdout" 2>"$TMPD/stderr" </dev/null
	rc=$?
	got=$TMPD/$name.txt
	{
		printf '$ zsctl --sysroot fixtures/%s %s\n' "$fixture" "$args"
		[ -z "$prep" ] || printf '# after: %s\n' "$prep"
		echo "--- stdout"
		cat "$TMPD/stdout"
		echo "--- stderr"
		cat "$TMPD/stderr"
		echo "--- exit status $rc"
		echo "--- files changed"
		changed "$base" "$root"
		if [ -n "$(ls -A "$OUT")" ]; then
			echo "--- files in \$OUT"
			listing "$OUT"
		fi
	} | sed "s|$root|ROOT|g; s|$OUT|OUT|g" >"$got"
	# tap_ok echoes it: double the backslashes that echo would interpret
	desc=$(printf '%s: zsctl --sysroot fixtures/%s %s' "$name" "$fixture" "$args" |
		sed 's/\\/\\\\/g')

	if $update; then
		cp "$got" "$EXP/$name.txt"
		tap_ok $? "$desc (updated)"
		[ "$rc" = "$want" ] ||
			tap_diag "$name: the exit status is now $rc, not $want: edit the cases file"
		continue
	fi
	bad=0
	[ "$rc" = "$want" ] || bad=1
	if [ ! -f "$EXP/$name.txt" ] || ! cmp -s "$EXP/$name.txt" "$got"; then
		bad=1
	fi
	tap_ok $bad "$desc"
	[ $bad -eq 0 ] && continue
	[ "$rc" = "$want" ] || tap_diag "exit status $rc, expected $want"
	if [ ! -f "$EXP/$name.txt" ]; then
		tap_diag "missing tests/getset/expected/$name.txt (run tests/getset/expected.sh --update '$name')"
	else
		tap_diag "differs (--- expected, +++ got):"
		diff -u "$EXP/$name.txt" "$got" | sed '1,2d; s/^/# /'
	fi
done <"$HERE/cases"

if [ $# -eq 0 ] && ! $update; then
	stale=""
	for f in "$EXP"/*.txt; do
		[ -f "$f" ] || continue
		n=${f##*/}
		n=${n%.txt}
		case " $names " in
		*" $n "*) ;;
		*) stale="$stale ${f##*/}" ;;
		esac
	done
	tap_is "$stale" "" "no expected file without a case"
fi
tap_done
