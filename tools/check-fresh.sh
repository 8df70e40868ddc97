#!/bin/bash
# make check-fresh: the README's quick start as a new user runs it (issue 11).
#
# A copy of a pristine minbase Debian 12 chroot (tools/debian-chroot.sh
# create fresh git: debootstrap --variant=minbase bookworm, and git, which a
# user who clones has), with /proc, /sys, /dev and /run/udev of this machine
# bound in (its zram devices are real). In it, as root: this tree's HEAD
# cloned into /root/zsctl (/root is 0700, as Debian makes it), then every
# command of README.md's "Quick start" block, as written, from that clone.
# The suite's unprivileged tests thus run from a tree uid 65534 cannot read.
# Then: no zram device is left that was not there before, and the copy goes.
#
# What is checked out is HEAD: changes not committed are not tested (said).
# Root, and the network when the cache is cold (debootstrap, the build
# dependencies bootstrap installs). Not part of make check. Environment:
# ZSCTL_CHROOT_CACHE (default /var/cache/zsctl-deb, shared with check-deb);
# from the Makefile: TOP_SRCDIR.
# Output: TAP. Exit status 0 when every check passed, 1 when one failed,
# 99 when it could not go on (Bail out!).
set -u -o pipefail

: "${TOP_SRCDIR:?run through make check-fresh}"
CHROOT_TOOL=$TOP_SRCDIR/tools/debian-chroot.sh
CACHE=${ZSCTL_CHROOT_CACHE:-/var/cache/zsctl-deb}
export ZSCTL_CHROOT_CACHE=$CACHE
TOOLING="git"

# TAP, at_exit and make_tmpdir of the test suite's helpers (lib.sh only
# wants ZSCTL set; nothing here runs this tree's zsctl)
ZSCTL=/bin/false
export ZSCTL TOP_SRCDIR
. "$TOP_SRCDIR/tests/lib.sh"

bail()
{
	tap_ok 1 "$1"
	shift
	[ $# -gt 0 ] && tap_diag "$@"
	timings
	tap_bail "check-fresh cannot go on"
}

[ "$(id -u)" -eq 0 ] || bail "check-fresh needs root (debootstrap, chroot, mount)"
git -C "$TOP_SRCDIR" rev-parse -q --verify HEAD >/dev/null 2>&1 ||
	bail "$TOP_SRCDIR is not a git clone: check-fresh clones its HEAD"
[ -z "$(git -C "$TOP_SRCDIR" status --porcelain --untracked-files=no)" ] ||
	tap_diag "changes not committed in $TOP_SRCDIR are not part of this run (HEAD is)"

# the README's quick start: the commands of the first sh block after the
# heading, one a line, as a user copies them
commands=$(awk '/^## Quick start/ { q = 1; next }
	q && /^```sh/ { b = 1; next }
	b && /^```/ { exit }
	b { print }' "$TOP_SRCDIR/README.md")
[ -n "$commands" ] || bail "README.md has no sh block under \"## Quick start\""

make_tmpdir
RUN=""
exec 4>&2
remove_run()
{
	[ -z "$RUN" ] || "$CHROOT_TOOL" remove "$RUN" 2>&4
}
at_exit remove_run

# shellcheck disable=SC2086
"$CHROOT_TOOL" create fresh $TOOLING >"$TMPD/create.out" 2>"$TMPD/create.err" ||
	bail "cannot make the pristine chroot" "$(cat "$TMPD/create.err")"
lap "pristine chroot (made or cached)"
mkdir -p "$CACHE/runs" || bail "cannot create $CACHE/runs"
RUN=$(mktemp -u "$CACHE/runs/fresh.XXXXXX") || bail "mktemp failed"
"$CHROOT_TOOL" copy fresh "$RUN" 2>"$TMPD/copy.err" || {
	RUN=""
	bail "cannot copy the pristine chroot" "$(cat "$TMPD/copy.err")"
}
"$CHROOT_TOOL" mount "$RUN" 2>"$TMPD/mount.err" || bail "cannot mount in $RUN" "$(cat "$TMPD/mount.err")"
lap "fresh copy"

inroot()
{
	chroot "$RUN" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb "$@"
}

tap_is "$(stat -c %a "$RUN/root")" 700 "the fresh chroot's /root is 0700, as on Debian"
git -C "$TOP_SRCDIR" bundle create "$RUN/tmp/zsctl.bundle" HEAD >"$TMPD/bundle.log" 2>&1 ||
	bail "git bundle of HEAD" "$(cat "$TMPD/bundle.log")"
inroot git clone -q /tmp/zsctl.bundle /root/zsctl >"$TMPD/clone.log" 2>&1
r=$?
tap_ok $r "git clone into /root/zsctl"
[ $r -eq 0 ] || bail "cannot go on without the clone" "$(cat "$TMPD/clone.log")"
tap_diag "HEAD: $(git -C "$TOP_SRCDIR" log -1 --format='%h %s' | cut -c1-100)"
lap "clone"

zram_devices() { ls /sys/block | grep '^zram' | LC_ALL=C sort; }
zram_devices >"$TMPD/zram.before"
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	inroot sh -c "cd /root/zsctl && $cmd" >"$TMPD/cmd$i.log" 2>&1
	r=$?
	tap_ok $r "README quick start: $cmd"
	if [ $r -ne 0 ]; then
		tap_diag "$(tail -n 40 "$TMPD/cmd$i.log")"
		# the failing tests' own logs
		for f in $(grep -lE '^(FAIL|ERROR)' $(find "$RUN/root/zsctl" -name '*.log' -path '*tests/*' 2>/dev/null) 2>/dev/null); do
			tap_diag "=== ${f#"$RUN"}" "$(grep -E '^(FAIL|ERROR|#)' "$f" | head -n 30)"
		done
	fi
	lap "$(printf '%s' "$cmd" | sed 's/ *#.*//' | cut -c1-34)"
done <<<"$commands"
[ -f "$RUN/root/zsctl/test-suite.log" ] && tap_diag "$(grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR|XPASS)' "$RUN/root/zsctl/test-suite.log" | tr '\n' ' ')"
tap_is "$(grep -cE '^# SKIP: +[1-9]' "$RUN/root/zsctl/test-suite.log" 2>/dev/null)" 0 \
	"make check skipped nothing"
# (others' devices may go meanwhile: only one that was not there counts)
tap_is "$(zram_devices | LC_ALL=C comm -13 "$TMPD/zram.before" - | tr '\n' ' ')" "" \
	"no zram device is left that was not there before"

"$CHROOT_TOOL" remove "$RUN" 2>"$TMPD/remove.err"
r=$?
tap_ok $r "the chroot unmounts and goes"
if [ $r -eq 0 ]; then
	RUN=""
else
	tap_diag "$(cat "$TMPD/remove.err")"
fi
lap "remove the copy"

timings
tap_done
