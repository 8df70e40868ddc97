#!/bin/sh
# Expected-output tests (DESIGN.md section 5, level 2) of every verb.
#
# A suite is a cases file, tests/expected/SUITE.cases, and a directory of
# expected files, tests/expected/SUITE/ (status, top, get, set, prometheus,
# compact). Every case runs
#     $ZSCTL --sysroot COPY <arguments>
# on a fresh, writable copy of its fixture tree (set and compact write into
# the dump's files), and one file, tests/expected/SUITE/<name>.txt, holds
# what it must print and do: the command, its stdout, its stderr, its exit
# status, every file of the copy it changed with the new contents (so a
# refused write shows that nothing was written, and a reader wrote nothing),
# and what it wrote into $OUT, if anything. One TAP line per case; a
# mismatch prints the differences as # lines.
#
#   run.sh [--update] [SUITE[/NAME-PATTERN]]...
#
# Without an argument, every suite; NAME-PATTERN is a shell pattern
# (status/swap.*). make check runs each suite as a test of its own, as
# run.sh PATH/SUITE.cases. --update rewrites the expected files of the
# selected cases from the current output, for when the output changes on
# purpose (for a whole suite, it also removes the files of cases that are
# gone); read every rewritten file (git diff) before committing it. Outside
# make, TOP_SRCDIR defaults to the tree this script is in and ZSCTL to its
# ./zsctl.
#
# The cases file: one case a line, fields separated by '|':
#     name | fixture | arguments | exit status [| preparation]
# The fixture is a tree of tests/fixtures/ or tests/getset/fixtures/ (one
# set of names, made by tests/fixtures/make-fixtures.sh). The arguments are
# shell words (they go through eval: quotes and $(...) work; $OUT is an
# empty directory of the case's own) and cannot hold a '|'. The
# preparation, if any, runs in the copy first, from its top, to make a write
# fail part way, say ($OUT is ../out from there). '#' starts a comment line.
#
# The environment is fixed: LC_ALL=C, TZ=UTC0, ZSCTL_TEST_TIME (the clock
# top's frames show: the top suite runs zsctl-test, the build with the test
# hooks; the others the zsctl that is installed) and umask 022. What a real compaction records that
# differs from one run to the next is checked, then masked: the process id
# of the case's own zsctl becomes <pid>, and a time within the case's run
# <time>, in the state file's lines and in the name a garbled state file is
# set aside as (any other pid or time stays, and fails the case), and the
# start of an hour within it <hour> (the writeback budget's hours); the
# durations it prints become <duration> (a duration_ns of 0 stays: a step
# that ran took time).

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
: "${ZSCTL_TEST:=$TOP_SRCDIR/zsctl-test}"
export TOP_SRCDIR ZSCTL ZSCTL_TEST
. "$TOP_SRCDIR/tests/lib.sh"

# the same bytes whatever the caller's locale, time zone and terminal; and
# the copies' directories are not group-writable (compact refuses a lock or
# state file in one)
LC_ALL=C
TZ=UTC0
ZSCTL_TEST_TIME=1700000000
export LC_ALL TZ ZSCTL_TEST_TIME
unset LANG LANGUAGE NO_COLOR COLUMNS LINES ZSCTL_TEST_HOLD_GATE
umask 022

EXP=$TOP_SRCDIR/tests/expected

update=false
if [ "${1-}" = --update ]; then
	update=true
	shift
fi

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
[ -x "$ZSCTL_TEST" ] || tap_bail "no zsctl-test at $ZSCTL_TEST"
make_tmpdir

# the suites and the name patterns asked for: "SUITE PATTERN" lines
if [ $# -eq 0 ]; then
	for f in "$EXP"/*.cases; do
		[ -f "$f" ] || continue
		s=${f##*/}
		echo "${s%.cases} *"
	done
else
	for a in "$@"; do
		case "$a" in
		*.cases) s=${a##*/} && echo "${s%.cases} *" ;;
		*/*) echo "${a%%/*} ${a#*/}" ;;
		*) echo "$a *" ;;
		esac
	done
fi >"$TMPD/selection"

trim()
{
	_t=$1
	_t=${_t#"${_t%%[![:space:]]*}"}
	_t=${_t%"${_t##*[![:space:]]}"}
	printf '%s' "$_t"
}

# fixture_dir NAME: sets fix to the tree of that name (there is one of
# each name in all the directories); fails when there is none
fixture_dir()
{
	fix=""
	for _d in "$TOP_SRCDIR/tests/fixtures" "$TOP_SRCDIR/tests/getset/fixtures"; do
		if [ -d "$_d/$1" ]; then
			[ -z "$fix" ] || tap_bail "fixture '$1' is in ${fix%/*} and $_d"
			fix=$_d/$1
		fi
	done
	[ -n "$fix" ]
}

# no_newline_mark FILE: a line that says FILE does not end in a newline
no_newline_mark()
{
	if [ -s "$1" ] && [ -n "$(tail -c 1 "$1")" ]; then
		printf '\n--- (no newline at the end)\n'
	fi
}

# changed ORIGINAL COPY: the files of COPY that differ from ORIGINAL, with
# their contents; the directories COPY has more; the files COPY lost
changed()
{
	diff -rq "$1" "$2" >"$TMPD/diff" 2>&1
	case $? in
	0) return 0 ;;
	1) _by_cmp=false ;;
	*) _by_cmp=true ;; # diff had trouble: compare every file
	esac
	_differ="
"
	while IFS= read -r _l; do
		case "$_l" in
		"Files $1/"*" and $2/"*" differ")
			_l=${_l#"Files $1/"}
			_differ="$_differ${_l%%" and $2/"*}
"
			;;
		esac
	done <"$TMPD/diff"
	(cd "$2" && find . \( -type f -o -type d \) -print) | LC_ALL=C sort | while IFS= read -r _f; do
		_f=${_f#./}
		[ "$_f" = . ] && continue
		if [ -d "$2/$_f" ]; then
			[ -d "$1/$_f" ] || echo "$_f/ (new directory)"
			continue
		fi
		if [ -f "$1/$_f" ]; then
			if $_by_cmp; then
				cmp -s "$1/$_f" "$2/$_f" && continue
			else
				case "$_differ" in *"
$_f
"*) ;;
				*) continue ;;
				esac
			fi
		fi
		echo "$_f:"
		sed 's/^/	/' "$2/$_f"
		# a missing final newline is visible
		[ -z "$(tail -c 1 "$2/$_f")" ] || printf '\t(no newline at the end)\n'
	done
	(cd "$1" && find . -type f -print) | LC_ALL=C sort | while IFS= read -r _f; do
		_f=${_f#./}
		[ -f "$2/$_f" ] || echo "$_f: (gone)"
	done
}

# listing DIR: every file of DIR (hidden ones too), with contents
listing()
{
	(cd "$1" && find . -type f -print) | LC_ALL=C sort | while IFS= read -r _f; do
		echo "${_f#./}:"
		sed 's/^/	/' "$1/$_f"
		[ -z "$(tail -c 1 "$1/$_f")" ] || printf '\t(no newline at the end)\n'
	done
}

# mask: the record on stdin with the paths of this run replaced, and what
# a compaction records of this run (its pid, its time, durations) checked
# and masked; see the top of this file
mask()
{
	RUN_ROOT=$root RUN_OUT=$OUT RUN_PID=$pid RUN_T0=$t0 RUN_T1=$t1 awk '
	function literal(s, from, to,    i, r) {
		r = ""
		while ((i = index(s, from)) > 0) {
			r = r substr(s, 1, i - 1) to
			s = substr(s, i + length(from))
		}
		return r s
	}
	function now(t) {
		return t + 0 >= ENVIRON["RUN_T0"] + 0 && t + 0 <= ENVIRON["RUN_T1"] + 0
	}
	# the start of an hour within the run of the case (the writeback budget)
	function hour(t) {
		return t % 3600 == 0 && t + 0 <= ENVIRON["RUN_T1"] + 0 && t + 3600 > ENVIRON["RUN_T0"] + 0
	}
	{
		$0 = literal(literal($0, ENVIRON["RUN_ROOT"], "ROOT"), ENVIRON["RUN_OUT"], "OUT")
	}
	/^\tlast_pid [0-9]+$/ && substr($0, 11) == ENVIRON["RUN_PID"] {
		$0 = "\tlast_pid <pid>"
	}
	/^\tlast_time [0-9]+$/ && now(substr($0, 12)) {
		$0 = "\tlast_time <time>"
	}
	/^\tdevice [^ ]+ [0-9]+ / {
		# version 1: device NAME TIME RESULT FREED
		split($0, w, " ")
		if (now(w[3]))
			sub(/^\tdevice [^ ]+ [0-9]+ /, "\tdevice " w[2] " <time> ")
	}
	/^\tdevice [^ ]+ .* time=[0-9]+( |$)/ {
		# version 2: device NAME ... time=TIME ...
		match($0, / time=[0-9]+/)
		if (now(substr($0, RSTART + 6, RLENGTH - 6)))
			$0 = substr($0, 1, RSTART - 1) " time=<time>" substr($0, RSTART + RLENGTH)
	}
	/^\tdevice [^ ]+ .* (rc_time|wb_time|wb_day|idle_all|wb_hours)=[0-9]+/ {
		# zsctl maintain: the times of its rounds, and the hours of the
		# writeback budget (wb_day: the oldest)
		n = split($0, w, " ")
		r = w[1]
		for (i = 2; i <= n; i++) {
			if (match(w[i], /^(rc_time|wb_time|wb_day|idle_all)=[0-9]+$/)) {
				k = substr(w[i], 1, index(w[i], "=") - 1)
				v = substr(w[i], length(k) + 2)
				if (now(v))
					w[i] = k "=<time>"
				else if (k == "wb_day" && hour(v))
					w[i] = k "=<hour>"
			} else if (match(w[i], /^wb_hours=[0-9:,]+$/)) {
				m = split(substr(w[i], 10), hs, ",")
				t = "wb_hours="
				for (j = 1; j <= m; j++) {
					split(hs[j], hp, ":")
					t = t (j > 1 ? "," : "") (hour(hp[1]) ? "<hour>" : hp[1]) ":" hp[2]
				}
				w[i] = t
			}
			r = r " " w[i]
		}
		$0 = "\t" substr(r, 1)
	}
	/\.corrupt\.[0-9]+\.[0-9]+/ {
		# the name a garbled state file is set aside as: .corrupt.TIME.PID
		s = $0
		r = ""
		while (match(s, /\.corrupt\.[0-9]+\.[0-9]+/)) {
			split(substr(s, RSTART + 1, RLENGTH - 1), w, ".")
			t = substr(s, RSTART, RLENGTH)
			if (now(w[2]) && w[3] == ENVIRON["RUN_PID"])
				t = ".corrupt.<time>.<pid>"
			r = r substr(s, 1, RSTART - 1) t
			s = substr(s, RSTART + RLENGTH)
		}
		$0 = r s
	}
	# zs_format_elapsed(): "420 us", "12.3 ms", "14.2 s"
	/^zram[0-9]+: (recompress|writeback|compact): .* in ([0-9]+ us|[0-9]+\.[0-9] m?s)$/ {
		sub(/ in ([0-9]+ us|[0-9]+\.[0-9] m?s)$/, " in <duration>")
	}
	/: compacted: freed .* in ([0-9]+ us|[0-9]+\.[0-9] m?s)$/ {
		sub(/ in ([0-9]+ us|[0-9]+\.[0-9] m?s)$/, " in <duration>")
	}
	# a step that ran took time: a 0 stays, and fails the case
	/^ *"duration_ns": [1-9][0-9]*,?$/ {
		sub(/"duration_ns": [0-9]+/, "\"duration_ns\": <duration>")
	}
	{ print }
	'
}

# run_suite SUITE PATTERN: one TAP line per case of SUITE.cases whose name
# matches PATTERN, then the suite's own checks when PATTERN is "*"
run_suite()
{
	suite=$1 pattern=$2
	cases=$EXP/$suite.cases
	dir=$EXP/$suite
	case "$suite" in
	'' | .* | *[!a-z0-9-]*) tap_bail "bad suite name '$suite'" ;;
	esac
	[ -r "$cases" ] || tap_bail "no suite $suite: no $cases"
	if [ ! -d "$dir" ]; then
		$update || tap_bail "no directory $dir"
		mkdir "$dir" || tap_bail "cannot make $dir"
	fi
	names=" "
	while IFS='|' read -r name fixture args want prep extra || [ -n "$name" ]; do
		case "$name" in '' | '#'*) continue ;; esac
		name=$(trim "$name")
		fixture=$(trim "$fixture")
		args=$(trim "$args")
		want=$(trim "$want")
		prep=$(trim "$prep")
		case "$name" in
		'' | */* | .* | *[!A-Za-z0-9._-]*) tap_bail "$suite.cases: bad case name '$name'" ;;
		esac
		case "$want" in
		'' | *[!0-9]*) tap_bail "$suite.cases: $name: bad exit status '$want'" ;;
		esac
		[ -z "$extra" ] || tap_bail "$suite.cases: $name: more than 5 fields"
		fixture_dir "$fixture" || tap_bail "$suite.cases: $name: no fixture '$fixture'"
		case "$names" in
		*" $name "*) tap_bail "$suite.cases: $name appears twice" ;;
		esac
		names="$names$name "
		# shellcheck disable=SC2254
		case "$name" in $pattern) ;; *) continue ;; esac

		root=$TMPD/root
		base=$TMPD/base
		OUT=$TMPD/out
		rm -rf "$root" "$base" "$OUT"
		if ! { mkdir "$OUT" && cp -R "$fix" "$root" && chmod -R u+w "$root"; }; then
			tap_bail "cannot copy fixture $fixture"
		fi
		orig=$fix
		if [ -n "$prep" ]; then
			# the preparation runs in a copy, the case in a copy of that
			mv "$root" "$base" || tap_bail "cannot copy fixture $fixture"
			(cd "$base" && eval "$prep") </dev/null >/dev/null ||
				tap_bail "$suite.cases: $name: the preparation failed"
			cp -R "$base" "$root" || tap_bail "cannot copy fixture $fixture"
			orig=$base
		fi
		t0=$(date +%s)
		# a subshell, so that `set --` and a hostile eval stay in it; in the
		# background for its pid, which a compaction records
		bin=$ZSCTL
		[ "$suite" = top ] && bin=$ZSCTL_TEST # a fixed clock
		(
			eval "set -- $args" || exit 125
			cd "$TMPD" && exec "$bin" --sysroot "$root" "$@"
		) >"$TMPD/stdout" 2>"$TMPD/stderr" </dev/null &
		pid=$!
		wait $pid
		rc=$?
		t1=$(date +%s)
		got=$TMPD/got.txt
		{
			printf '$ zsctl --sysroot fixtures/%s %s\n' "$fixture" "$args"
			[ -z "$prep" ] || printf '# after: %s\n' "$prep"
			echo "--- stdout"
			cat "$TMPD/stdout"
			no_newline_mark "$TMPD/stdout"
			echo "--- stderr"
			cat "$TMPD/stderr"
			no_newline_mark "$TMPD/stderr"
			echo "--- exit status $rc"
			echo "--- files changed"
			changed "$orig" "$root"
			if [ -n "$(ls -A "$OUT")" ]; then
				echo "--- files in \$OUT"
				listing "$OUT"
			fi
		} | mask >"$got"
		desc="$suite/$name: zsctl --sysroot fixtures/$fixture $args"
		# tap_ok echoes it: double the backslashes that echo would interpret
		case "$desc" in *\\*) desc=$(printf '%s' "$desc" | sed 's/\\/\\\\/g') ;; esac
		want_file=$dir/$name.txt

		if $update; then
			cp "$got" "$want_file"
			tap_ok $? "$desc (updated)"
			[ "$rc" = "$want" ] ||
				tap_diag "$name: the exit status is now $rc, not $want: edit $suite.cases"
			continue
		fi
		bad=0
		[ "$rc" = "$want" ] || bad=1
		cmp -s "$want_file" "$got" 2>/dev/null || bad=1
		tap_ok $bad "$desc"
		[ $bad -eq 0 ] && continue
		[ "$rc" = "$want" ] || tap_diag "exit status $rc, expected $want"
		if [ ! -f "$want_file" ]; then
			tap_diag "missing tests/expected/$suite/$name.txt (run tests/expected/run.sh --update '$suite/$name')"
		elif ! cmp -s "$want_file" "$got"; then
			tap_diag "differs (--- expected, +++ got):"
			diff -u "$want_file" "$got" | sed '1,2d; s/^/# /'
		fi
	done <"$cases"

	[ "$pattern" = "*" ] || return 0
	# every expected file belongs to a case
	stale=""
	for f in "$dir"/* "$dir"/.*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		case "$n" in . | ..) continue ;; esac
		case "$names" in
		*" ${n%.txt} "*) [ "$n" != "${n%.txt}" ] && continue ;;
		esac
		if $update && [ -f "$f" ]; then
			rm -f "$f" && tap_diag "removed $f: no such case"
		else
			stale="$stale $n"
		fi
	done
	$update || tap_is "$stale" "" "$suite: no file in tests/expected/$suite/ without a case"
	$update && return 0
	# make check runs the suite, and the tarball has its expected files
	grep -Eq "^[[:space:]]*tests/expected/$suite\.cases([[:space:]]|\\\\|\$)" "$EXP/Makemodule.am" &&
		grep -Eq "[[:space:]]tests/expected/$suite([[:space:]]|\\\\|\$)" "$EXP/Makemodule.am"
	tap_ok $? "$suite: tests/expected/Makemodule.am runs it and distributes tests/expected/$suite/"
}

while read -r s p; do
	run_suite "$s" "$p"
done <"$TMPD/selection"
tap_done
