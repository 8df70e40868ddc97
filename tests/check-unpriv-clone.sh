#!/bin/sh
# make check-unpriv-clone: the tests that run zsctl as another user, run
# the way a new user runs them: from a git clone (of this tree's HEAD)
# inside a directory no other user can enter, as the README's commands
# (./bootstrap, then make check) do in /root. TMPDIR is in there too, so
# the tests must find a place of their own that uid 65534 can reach.
# Those tests are the ones that use unpriv_copy (tests/lib.sh), with
# tests/leftover.sh after them. Needs root; prints the test counts.
set -eu
: "${TOP_SRCDIR:?run through make check-unpriv-clone}"
: "${TESTS_ALL:?run through make check-unpriv-clone}"

fail()
{
	echo "check-unpriv-clone: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || fail "needs root: the tests drop privileges"
git -C "$TOP_SRCDIR" rev-parse --git-dir >/dev/null 2>&1 || fail "$TOP_SRCDIR is not a git checkout"

tests=""
for t in $TESTS_ALL; do
	case $t in
	*.sh) ! grep -q unpriv_copy "$TOP_SRCDIR/$t" || tests="$tests $t" ;;
	esac
done
[ -n "$tests" ] || fail "no test uses unpriv_copy: nothing to run"
# of the check programs, only those the tests run (named as
# $TOP_BUILDDIR/PROGRAM, or zsctl-test as $ZSCTL_TEST): not the unit tests
programs=""
for p in ${CHECK_PROGRAMS_ALL:-}; do
	for t in $tests; do
		case ${p%"$EXEEXT"} in
		# zsctl-test execs its verbs' programs (top, dump, maintain) from beside it
		zsctl-test | zsctl-test-*) pat='$ZSCTL_TEST' ;;
		*) pat="TOP_BUILDDIR/${p%"$EXEEXT"}" ;;
		esac
		! grep -qF "$pat" "$TOP_SRCDIR/$t" || { programs="$programs $p"; break; }
	done
done

rev=$(git -C "$TOP_SRCDIR" rev-parse HEAD)
[ -z "$(git -C "$TOP_SRCDIR" status --porcelain --untracked-files=no)" ] ||
	echo "check-unpriv-clone: the clone is of HEAD ($rev): changes not committed are not in it"

base=$(mktemp -d "${TMPDIR:-/tmp}/zsctl-unpriv-clone.XXXXXX")
trap 'rm -rf "$base"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
chmod 0700 "$base"
mkdir -m 0700 "$base/tmp"
git clone -q "$TOP_SRCDIR" "$base/zsctl"
git -C "$base/zsctl" checkout -q "$rev"
# the premise: uid 65534 cannot reach the clone (setpriv keeps root's
# capabilities up to its execve: a shell without them tries)
if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	/bin/sh -c 'test -e "$1"' sh "$base/zsctl/README.md"; then
	fail "uid 65534 can reach $base/zsctl: this run would prove nothing"
fi

cd "$base/zsctl"
t0=$(date +%s)
./bootstrap >"$base/bootstrap.log" 2>&1 || {
	tail -n 40 "$base/bootstrap.log"
	fail "./bootstrap failed in the clone"
}
t1=$(date +%s)
rc=0
# shellcheck disable=SC2086 # the list of tests
TMPDIR=$base/tmp make -j2 check TESTS="$tests tests/leftover.sh" check_PROGRAMS="$programs" \
	>"$base/check.log" 2>&1 || rc=$?
if [ $rc -ne 0 ]; then
	for t in $tests tests/leftover.sh; do
		log=${t%.sh}.log
		grep -qE '^(FAIL|ERROR|XPASS)' "$log" 2>/dev/null && { echo "=== $log"; tail -n 40 "$log"; }
	done
	tail -n 20 "$base/check.log"
	fail "make check failed in a clone in a 0700 directory"
fi
t2=$(date +%s)
echo "check-unpriv-clone:$tests tests/leftover.sh, from a clone of $rev in a 0700 directory" \
	"(./bootstrap $((t1 - t0)) s, make check $((t2 - t1)) s):"
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$base/check.log"
