#!/bin/bash
# make check-deb: the .deb of make deb, checked by lintian, then installed and
# used in a fresh minbase Debian 12 chroot, then purged.
#
# The chroot is a copy of a pristine one (tools/debian-chroot.sh create
# check-deb man-db systemd: debootstrap --variant=minbase bookworm, with
# man-db and systemd as test tooling), cached in /var/cache/zsctl-deb and
# made once; every run copies it, mounts /proc, /sys and /dev in the copy,
# and removes the copy at exit, failures included. In it:
#   apt-get install ./zsctl_*.deb resolves the dependencies the package
#   declares (dpkg-shlibdeps'), zsctl --version, zsctl status, man -w for
#   every page, zsctl compact on a zram device of its own (hot-added,
#   removed at exit) and --prom-file, so that zsctl writes its state and its
#   textfile, systemd-analyze verify of every unit, the timers installed but
#   not enabled; apt-get purge zsctl leaves none of the package's files
#   (dpkg -L) nor what zsctl wrote and, once the dependencies it pulled in
#   are autoremoved, the file system is as it was before the install (apt's
#   and dpkg's caches, lists and logs aside).
#
# Root, and the network when the cache is cold (debootstrap, apt-get). Not
# part of make check. Environment: ZSCTL_CHROOT_CACHE (default
# /var/cache/zsctl-deb), ZSCTL_DEBIAN_MIRROR (default: this machine's apt
# sources); from the Makefile: TOP_SRCDIR, TOP_BUILDDIR, PACKAGE, VERSION.
# Output: TAP. Exit status 0 when every check passed, 1 when one failed,
# 99 when it could not go on (Bail out!).
set -u -o pipefail

: "${TOP_SRCDIR:?run through make check-deb}" "${TOP_BUILDDIR:?run through make check-deb}"
: "${PACKAGE:?}" "${VERSION:?}"
CHROOT_TOOL=$TOP_SRCDIR/tools/debian-chroot.sh
CACHE=${ZSCTL_CHROOT_CACHE:-/var/cache/zsctl-deb}
export ZSCTL_CHROOT_CACHE=$CACHE
TOOLING="man-db systemd"

# TAP, at_exit, make_tmpdir and zram_hot_add of the test suite's helpers.
# ZSCTL is the one installed in the chroot: lib.sh only wants it set.
ZSCTL=/usr/sbin/zsctl
export ZSCTL TOP_SRCDIR
. "$TOP_SRCDIR/tests/lib.sh"
tap_skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# bail DESCRIPTION [DIAG...]: a failed check that ends the run
bail()
{
	tap_ok 1 "$1"
	shift
	[ $# -gt 0 ] && tap_diag "$@"
	timings
	tap_bail "check-deb cannot go on"
}

[ "$(id -u)" -eq 0 ] || bail "check-deb needs root (debootstrap, chroot, mount)"
arch=$(dpkg --print-architecture)
DEB=$TOP_BUILDDIR/${PACKAGE}_${VERSION}_$arch.deb
[ -f "$DEB" ] || bail "no $DEB: make deb first"
make_tmpdir
# a failure on the way still unmounts and removes the copy (remove refuses
# to delete while anything stays mounted below it, and says so)
RUN=""
exec 4>&2
remove_run()
{
	[ -z "$RUN" ] || "$CHROOT_TOOL" remove "$RUN" 2>&4
}
at_exit remove_run

# ---- 1. lintian, on this machine -------------------------------------------
if ! command -v lintian >/dev/null; then
	tap_diag "installing lintian"
	DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=900 \
		install --no-install-recommends lintian >"$TMPD/apt.log" 2>&1 ||
		bail "cannot install lintian (apt-get install lintian)" "$(tail -n 5 "$TMPD/apt.log")"
fi
# the source package and the binary ones (make deb's .changes), or the .deb
# alone; every tag, info and pedantic ones included, shown; errors fail
changes=$TOP_BUILDDIR/deb-build/${PACKAGE}_${VERSION}_$arch.changes
# (the .changes of this very .deb: make deb leaves a copy beside it)
[ -f "$changes" ] && cmp -s "$DEB" "$TOP_BUILDDIR/deb-build/${DEB##*/}" || changes=$DEB
tap_diag "lintian ${changes#"$TOP_BUILDDIR/"}"
lintian --fail-on error --display-info --pedantic --tag-display-limit 0 \
	"$changes" >"$TMPD/lintian" 2>&1
r=$?
tap_ok $r "lintian reports no errors"
# (lintian's advice against root is for lintian's own safety: the package is ours)
grep -v -e '^N: ' -e '^running with root privileges is not recommended!$' "$TMPD/lintian" |
	sed 's/^/# lintian: /'
tap_is "$(grep -c '^E: ' "$TMPD/lintian")" 0 "lintian: no E: tag"
lap "lintian"

# ---- 2. the package's own metadata -----------------------------------------
depends=$(dpkg-deb -f "$DEB" Depends)
tap_diag "Depends: $depends"
# dpkg-shlibdeps' work: a versioned dependency on each library zsctl links;
# libeconf's is written in debian/control (dlopen()ed, shlibdeps does not see it)
missing_libs=""
for lib in libc6 libjansson libmount libudev libsmartcols libncursesw libeconf libarchive; do
	printf '%s\n' "$depends" | grep -qE "(^|, )${lib}[0-9a-z.-]* \(>= " || missing_libs="$missing_libs $lib"
done
tap_is "$missing_libs" "" "Depends has a versioned dependency on each library zsctl links or dlopen()s"
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -v '^$' |
	LC_ALL=C sort >"$TMPD/deb.contents"
for f in /usr/sbin/zsctl /usr/libexec/zsctl/zsctl-top /usr/libexec/zsctl/zsctl-dump \
	/usr/libexec/zsctl/zsctl-maintain \
	/usr/share/man/man8/zsctl.8.gz \
	/usr/share/bash-completion/completions/zsctl /usr/share/zsh/vendor-completions/_zsctl \
	/usr/share/fish/vendor_completions.d/zsctl.fish \
	/lib/systemd/system/zsctl-compact.service /lib/systemd/system/zsctl-compact.timer \
	/lib/systemd/system/zsctl-prometheus.service /lib/systemd/system/zsctl-prometheus.timer \
	/lib/systemd/system/zsctl-maintain.service /lib/systemd/system/zsctl-maintain.timer \
	/usr/share/man/man5/zsctl.conf.5.gz \
	/usr/share/doc/zsctl/copyright /usr/share/doc/zsctl/changelog.gz; do
	grep -qxF "$f" "$TMPD/deb.contents"
	tap_ok $? "the package has $f"
done
for p in "$TOP_SRCDIR"/kernel/*.patch; do
	grep -qxF "/usr/share/doc/zsctl/kernel/${p##*/}" "$TMPD/deb.contents"
	tap_ok $? "the package has /usr/share/doc/zsctl/kernel/${p##*/}, uncompressed"
done
lap "package metadata"

# ---- 3. a fresh chroot -----------------------------------------------------
# shellcheck disable=SC2086
"$CHROOT_TOOL" create check-deb $TOOLING >"$TMPD/create.out" 2>"$TMPD/create.err" ||
	bail "cannot make the pristine chroot" "$(cat "$TMPD/create.err")"
[ -s "$TMPD/create.err" ] && tap_diag "$(cat "$TMPD/create.err")"
lap "pristine chroot (made or cached)"
mkdir -p "$CACHE/runs" || bail "cannot create $CACHE/runs"
# a new name for the copy (which cp -a makes)
RUN=$(mktemp -u "$CACHE/runs/run.XXXXXX") || bail "mktemp failed"
"$CHROOT_TOOL" copy check-deb "$RUN" 2>"$TMPD/copy.err" || {
	RUN=""
	bail "cannot copy the pristine chroot" "$(cat "$TMPD/copy.err")"
}
"$CHROOT_TOOL" mount "$RUN" 2>"$TMPD/mount.err" || bail "cannot mount in $RUN" "$(cat "$TMPD/mount.err")"
lap "fresh copy"

# inroot COMMAND...: run it in the chroot, with a clean environment
inroot()
{
	chroot "$RUN" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}
# Every path of the chroot's file system with its type, mode and owner,
# but for the mounts (/proc, /sys, /dev, the .deb archive), what apt and
# dpkg keep of their work (caches, package lists, logs, their own state),
# and /run/systemd, where the test's systemd-analyze and systemctl leave
# their runtime state (a tmpfs on a booted system).
listing()
{
	(cd "$RUN" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \
		-o -path ./var/cache/apt -o -path ./var/lib/apt -o -path ./var/log \
		-o -path ./var/cache/debconf -o -path ./var/cache/man -o -path ./var/cache/ldconfig \
		-o -path ./run/systemd \) -prune \
		-o -printf '%p %y %m %U:%G\n') | sed 's|^\.||' |
		grep -vE '^/var/lib/dpkg/(status|status-old|available|available-old|lock|lock-frontend|triggers/[^ ]*|updates/[^ ]*|[a-z]*-old) ' |
		LC_ALL=C sort
}
packages() { inroot dpkg-query -W -f='${Package}\n' | LC_ALL=C sort; }

# the directory of Debian's prometheus-node-exporter, as if it were
# installed: zsctl-prometheus.service writes its textfile there
mkdir -p "$RUN/var/lib/prometheus/node-exporter"
listing >"$TMPD/before.list"
packages >"$TMPD/before.packages"
inroot dpkg-query -W -f='${Status}\n' zsctl 2>/dev/null | grep -q 'ok installed'
tap_is $? 1 "zsctl is not installed in the fresh chroot"

# ---- 4. install ------------------------------------------------------------
cp "$DEB" "$RUN/tmp/" || bail "cannot copy the .deb into the chroot"
inroot sh -c "cd /tmp && apt-get -y install ./${DEB##*/}" >"$TMPD/install.log" 2>&1
r=$?
tap_ok $r "apt-get install ./${DEB##*/} resolves its dependencies and installs it"
[ $r -eq 0 ] || bail "cannot go on without the package" "$(tail -n 30 "$TMPD/install.log")"
rm -f "$RUN/tmp/${DEB##*/}"
packages >"$TMPD/installed.packages"
added=$(LC_ALL=C comm -13 "$TMPD/before.packages" "$TMPD/installed.packages" | tr '\n' ' ')
tap_diag "installed: $added"
printf '%s\n' "$added" | grep -qE '(^| )libjansson[0-9]+ '
tap_ok $? "apt-get pulled in jansson, which minbase lacks, from the package's Depends"
lap "apt-get install"

# ---- 5. use it -------------------------------------------------------------
tap_is "$(inroot ldd /usr/sbin/zsctl | grep -c 'not found')" 0 "every library of /usr/sbin/zsctl is there"
tap_is "$(inroot ldd /usr/libexec/zsctl/zsctl-top | grep -c 'not found')" 0 \
	"every library of /usr/libexec/zsctl/zsctl-top is there"
tap_is "$(inroot ldd /usr/libexec/zsctl/zsctl-dump | grep -c 'not found')" 0 \
	"every library of /usr/libexec/zsctl/zsctl-dump is there"
tap_is "$(inroot ldd /usr/libexec/zsctl/zsctl-maintain | grep -c 'not found')" 0 \
	"every library of /usr/libexec/zsctl/zsctl-maintain is there"
# libarchive is zsctl-dump's alone: a status or a timer's compact does not load it
tap_is "$(inroot ldd /usr/sbin/zsctl | grep -c libarchive)" 0 "/usr/sbin/zsctl does not load libarchive"
tap_is "$(inroot zsctl --version 2>&1)" "zsctl $VERSION" "zsctl --version"
inroot zsctl status >"$TMPD/status.out" 2>"$TMPD/status.err"
r=$?
tap_ok $r "zsctl status exits 0"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/status.err")"
head -n1 "$TMPD/status.out" | grep -q '^NAME  *DISKSIZE '
tap_ok $? "zsctl status prints its table"
if [ -e /sys/block/zram0 ]; then
	# zram0 belongs to the machine: only read
	grep -q '^zram0 ' "$TMPD/status.out"
	tap_ok $? "zsctl status in the chroot lists the machine's zram0 (libudev through the bound /sys)"
fi
# zsctl top is /usr/libexec/zsctl/zsctl-top, which zsctl runs
inroot zsctl top --batch --iterations 1 >"$TMPD/top.out" 2>"$TMPD/top.err"
tap_is "$?:$(head -n1 "$TMPD/top.out" | cut -d' ' -f1-3)" "0:zsctl top -" "zsctl top --batch runs the installed zsctl-top"
for path in $(grep -E '^/usr/share/man/man[58]/' "$TMPD/deb.contents"); do
	page=${path##*/}
	page=${page%.gz}
	tap_is "$(inroot man -w "${page##*.}" "${page%.*}" 2>&1)" "$path" "man -w ${page##*.} ${page%.*}"
done
inroot man -P cat zsctl >"$TMPD/man.out" 2>"$TMPD/man.err"
r=$?
grep -q 'zsctl' "$TMPD/man.out"
tap_ok $((r + $?)) "man zsctl renders"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/man.err")"
# What zsctl writes as it runs (the compaction counters, the textfile) is
# the package's too, and must go on purge: a zram device of our own (the
# machine's are not ours to compact), compacted from the chroot.
if zram_hot_add; then
	dev=zram$ZRAM_ID
	r=0
	echo 16M >"/sys/block/$dev/disksize" || r=1
	tap_ok $r "hot-added $dev (16M) for zsctl compact"
	inroot zsctl compact --force "$dev" >"$TMPD/compact.out" 2>&1
	r=$?
	tap_ok $r "zsctl compact --force $dev in the chroot"
	[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/compact.out")"
	[ -s "$RUN/var/lib/zsctl/compact.state" ]
	tap_ok $? "it wrote /var/lib/zsctl/compact.state"
else
	dev=""
	tap_skip "this machine cannot hot-add a zram device: zsctl compact's state file not made"
fi
# (of our device alone: devices that other tests hot-add and remove come
# and go while it reads)
# shellcheck disable=SC2086
inroot zsctl status --prom-file /var/lib/prometheus/node-exporter/zsctl.prom $dev >"$TMPD/prom.out" 2>&1
r=$?
grep -q '^# TYPE ' "$RUN/var/lib/prometheus/node-exporter/zsctl.prom" 2>/dev/null
tap_ok $((r + $?)) "zsctl status --prom-file /var/lib/prometheus/node-exporter/zsctl.prom"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/prom.out")"
units=$(grep '^/lib/systemd/system/' "$TMPD/deb.contents" | grep -E '\.(service|timer)$')
# shellcheck disable=SC2086
inroot systemd-analyze verify $units >"$TMPD/verify.out" 2>&1
r=$?
tap_ok $r "systemd-analyze verify of every unit exits 0"
tap_is "$(cat "$TMPD/verify.out")" "" "systemd-analyze verify has nothing to say (also checks Documentation=man:)"
for unit in $units; do
	unit=${unit##*/}
	state=$(inroot systemctl is-enabled "$unit" 2>&1)
	case $unit in
	*.timer) want=disabled ;;
	*) want=static ;;
	esac
	tap_is "$state" "$want" "$unit is installed, not enabled"
done
tap_is "$(cd "$RUN" && find etc/systemd -name 'zsctl*' 2>/dev/null)" "" "no zsctl unit is linked into /etc/systemd"
lap "use"

# ---- 6. purge --------------------------------------------------------------
inroot dpkg -L zsctl >"$TMPD/dpkg-L" 2>&1 || bail "dpkg -L zsctl failed" "$(cat "$TMPD/dpkg-L")"
inroot apt-get -y purge zsctl >"$TMPD/purge.log" 2>&1
r=$?
tap_ok $r "apt-get purge zsctl"
[ $r -eq 0 ] || tap_diag "$(tail -n 20 "$TMPD/purge.log")"
# the package's files (and directories it made) that are still there
left=""
was_there() { awk -v p="$1" -v t="$2" '$1 == p && index(t, $2) { found = 1 } END { exit !found }' "$TMPD/before.list"; }
while IFS= read -r f; do
	[ "$f" = /. ] && continue
	[ -e "$RUN$f" ] || [ -L "$RUN$f" ] || continue
	# a directory (or the /lib symlink of a merged /usr) there before stays
	was_there "$f" dl && continue
	# /lib/systemd/system is /usr/lib/systemd/system on a merged /usr
	if [ -d "$RUN$f" ] && [ ! -L "$RUN$f" ]; then
		was_there "$(inroot realpath -e "$f")" d && continue
	fi
	left="$left $f"
done <"$TMPD/dpkg-L"
tap_is "$left" "" "apt-get purge leaves none of the $(wc -l <"$TMPD/dpkg-L") paths of dpkg -L zsctl"
inroot apt-get -y autoremove --purge >"$TMPD/autoremove.log" 2>&1
tap_ok $? "apt-get autoremove --purge of what zsctl pulled in"
packages >"$TMPD/after.packages"
tap_is "$(LC_ALL=C comm -3 "$TMPD/before.packages" "$TMPD/after.packages" | tr -d '\t' | tr '\n' ' ')" "" \
	"the installed packages are those of the fresh chroot again"
listing >"$TMPD/after.list"
diff -U0 "$TMPD/before.list" "$TMPD/after.list" | grep -E '^[-+]/' >"$TMPD/fs.diff"
tap_is "$(cat "$TMPD/fs.diff")" "" "the file system is as before the install (apt's and dpkg's caches, lists and logs aside)"

[ ! -e "$RUN/var/lib/zsctl" ] && [ ! -e "$RUN/var/lib/prometheus/node-exporter/zsctl.prom" ]
tap_ok $? "purge removed /var/lib/zsctl and the textfile zsctl.prom"
lap "purge"

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
