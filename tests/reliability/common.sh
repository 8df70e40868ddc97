# shellcheck shell=sh
# Helpers of the reliability tests (tests/reliability/*.sh), sourced after
# tests/lib.sh.

# Scratch files on tmpfs where there is one (before make_tmpdir): zsctl
# compact fsyncs its state file twice a run, tens of milliseconds each on a
# VM's disk, and these tests run it thousands of times.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && [ -k /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi

FIX=$TOP_SRCDIR/tests/fixtures
# shellcheck disable=SC2034 # for the scripts that source this
EXP=$TOP_SRCDIR/tests/expected

# tap_todo STATUS DESCRIPTION REASON: a check of a known bug in zsctl.
# "not ok ... # TODO" is an expected failure for the TAP driver (the suite
# stays green); once the bug is fixed the line turns into "ok ... # TODO",
# an unexpected pass that fails the suite: the signal to drop the TODO.
tap_todo()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2 # TODO $3"
	else
		echo "not ok $_tap_n - $2 # TODO $3"
	fi
}

# copy_fixture NAME DIR: a writable copy of tests/fixtures/NAME at DIR, with
# what zsctl compact needs there: each device's compact attribute (a plain
# file: "1" once written, so a test can tell a compacted device), and the
# run/lock and var/lib directories of the default lock and state paths.
copy_fixture()
{
	cp -R "$FIX/$1" "$2" || tap_bail "cannot copy fixture $1"
	chmod -R u+w "$2" # make distcheck's source tree is read-only
	for _d in "$2"/sys/block/zram*; do
		[ -d "$_d" ] && : >"$_d/compact"
	done
	mkdir -p "$2/run/lock" "$2/var/lib" && chmod 0755 "$2/run/lock" "$2/var/lib" ||
		tap_bail "cannot prepare $2"
}

# tree_sum DIR: one line that changes when any file below DIR is created,
# removed, renamed or written (names, types, modes, contents)
tree_sum()
{
	(
		cd "$1" || exit 1
		find . -printf '%p %y %m %l\n' | sort
		find . -type f -exec sha1sum {} + | sort
	) | sha1sum | cut -d' ' -f1
}

# compacted DIR: the devices of a copy_fixture tree whose compact attribute
# was written, blank-separated ("" when none)
compacted()
{
	for _d in "$1"/sys/block/zram*; do
		[ -s "$_d/compact" ] && printf '%s ' "${_d##*/}"
	done
}

# has_ctl FILE: 0 when FILE holds an escape or another control character
# other than the newline (a hostile argument echoed raw)
has_ctl()
{
	LC_ALL=C grep -q '[[:cntrl:]]' "$1"
}

# zsctl_lines FILE: the number of lines of FILE
nlines()
{
	wc -l <"$1" | tr -d ' '
}
