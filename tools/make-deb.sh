#!/bin/bash
# make deb: zsctl_VERSION_ARCH.deb at the top of the build tree, built by
# Debian's own tooling from the release tree: make distdir (what make dist
# tars) in deb-build/, its contrib/debian/ becomes debian/, dpkg-buildpackage
# -us -uc there (the source package and the .changes stay in deb-build/). Needs no network unless packages are missing: the build
# dependencies (contrib/debian/control, checked by dpkg-checkbuilddeps) are
# installed when run as root, and named with the apt-get line otherwise.
#
# Then checks the .deb against the tree: every file of kernel/ (but its
# Makemodule.am), subdirectories included, is in /usr/share/doc/zsctl/kernel.
#
# From the Makefile: TOP_SRCDIR, TOP_BUILDDIR, PACKAGE, VERSION, MAKE.
# Exit status: 0 built, 1 failed (the reason on stderr).
set -u -o pipefail

: "${TOP_SRCDIR:?run through make deb}" "${TOP_BUILDDIR:?run through make deb}"
: "${PACKAGE:?}" "${VERSION:?}"
MAKE=${MAKE:-make}
PROG="make deb"
WORK=$TOP_BUILDDIR/deb-build
LOG=$WORK/build.log

die()
{
	echo "$PROG: $*" >&2
	exit 1
}

# ---- 1. the tools and the build dependencies -------------------------------
# dpkg-dev: dpkg-buildpackage, dpkg-checkbuilddeps; debhelper: dh. No
# fakeroot: the package says Rules-Requires-Root: no.
missing=""
command -v dpkg-buildpackage >/dev/null && command -v dpkg-checkbuilddeps >/dev/null ||
	missing="$missing dpkg-dev"
command -v dh >/dev/null || missing="$missing debhelper"
if [ -z "$missing" ]; then
	# "dpkg-checkbuilddeps: error: Unmet build dependencies: a (>= 1) b | c"
	unmet=$(dpkg-checkbuilddeps "$TOP_SRCDIR/contrib/debian/control" 2>&1 |
		sed -n 's/.*Unmet build dependencies: //p')
	# the first alternative of each, without its version
	missing=$(printf '%s\n' "$unmet" | sed -e 's/([^)]*)//g' -e 's/ *| *[^ ]*//g' -e 's/:any//g' |
		tr -s ' ' '\n' | grep -v '^$' | tr '\n' ' ')
	missing=${missing:+ ${missing% }}
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages:$missing
  install them as root:  apt-get install --no-install-recommends$missing"
	fi
	echo "$PROG: installing$missing (apt-get install --no-install-recommends$missing)" >&2
	mkdir -p "$WORK" || die "cannot create $WORK"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=900 \
		install --no-install-recommends $missing >"$WORK/apt.log" 2>&1 || {
		DEBIAN_FRONTEND=noninteractive apt-get -q update >>"$WORK/apt.log" 2>&1
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=900 \
			install --no-install-recommends $missing >>"$WORK/apt.log" 2>&1
	} || die "apt-get install$missing failed: $(tail -n 5 "$WORK/apt.log")"
	unmet=$(dpkg-checkbuilddeps "$TOP_SRCDIR/contrib/debian/control" 2>&1) ||
		die "build dependencies still unmet: $unmet"
fi

# ---- 2. the version: contrib/debian/changelog's is configure.ac's ----------
# A native package: its version is the release's, without a Debian revision.
changelog_version=$(dpkg-parsechangelog -l "$TOP_SRCDIR/contrib/debian/changelog" -S Version) ||
	die "cannot read contrib/debian/changelog"
[ "$changelog_version" = "$VERSION" ] ||
	die "contrib/debian/changelog is at $changelog_version, configure.ac (AC_INIT) at $VERSION: add its entry,
  e.g. dch --changelog contrib/debian/changelog -v $VERSION -D unstable 'New release: see NEWS.'"

# ---- 3. the release tree, with debian/ ------------------------------------
arch=$(dpkg --print-architecture) || die "dpkg --print-architecture failed"
deb=${PACKAGE}_${VERSION}_$arch.deb
# A failure leaves deb-build/ and its build.log for a look; no old .deb
# stays to be taken for this one.
rm -rf "$WORK" "${TOP_BUILDDIR:?}/$deb"
mkdir -p "$WORK" || die "cannot create $WORK"
# make distdir: the tree make dist would tar, without the tar and xz -e round
# trip, which a build that unpacks it at once does not need
SRC=$WORK/$PACKAGE-$VERSION
echo "$PROG: make distdir" >&2
"$MAKE" -C "$TOP_BUILDDIR" distdir distdir="$SRC" top_distdir="$SRC" >"$WORK/dist.log" 2>&1 ||
	die "make distdir failed: $(tail -n 20 "$WORK/dist.log")"
[ -d "$SRC/contrib/debian" ] || die "the release tree has no contrib/debian (EXTRA_DIST in contrib/Makemodule.am)"
cp -R "$SRC/contrib/debian" "$SRC/debian" || die "cannot copy contrib/debian to debian/"

# ---- 4. dpkg-buildpackage --------------------------------------------------
# The source package too (.dsc and the native tarball, beside the .deb in
# deb-build/), so that make check-deb's lintian sees the packaging itself.
echo "$PROG: dpkg-buildpackage -us -uc in ${WORK#"$TOP_BUILDDIR/"}/$PACKAGE-$VERSION (log: $LOG)" >&2
(
	# a build of its own: not a part of this make's job server
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
	export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$(nproc)}"
	cd "$SRC" && dpkg-buildpackage -us -uc
) >"$LOG" 2>&1 || die "dpkg-buildpackage failed: $(tail -n 30 "$LOG")"
[ -f "$WORK/$deb" ] || die "dpkg-buildpackage made no $deb: $(ls "$WORK")"
# a copy: the .changes in deb-build/ names it there
ln -f "$WORK/$deb" "$TOP_BUILDDIR/$deb" 2>/dev/null || cp "$WORK/$deb" "$TOP_BUILDDIR/$deb" ||
	die "cannot copy $deb to the build tree"

# ---- 5. the kernel series is all there -------------------------------------
# make install decides where files go; a file of kernel/ that it leaves out,
# or flattens out of its subdirectory, is a bug of kernel/Makemodule.am.
if git -C "$TOP_SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	kernel_files=$(git -C "$TOP_SRCDIR" ls-files -- kernel)
else
	kernel_files=$(cd "$SRC" && find kernel -type f)
fi
in_deb=$(dpkg-deb -c "$TOP_BUILDDIR/$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
left_out=""
for f in $kernel_files; do
	[ "${f##*/}" = Makemodule.am ] && continue
	p=/usr/share/doc/$PACKAGE/$f
	printf '%s\n' "$in_deb" | grep -qxF -e "$p" -e "$p.gz" || left_out="$left_out $p"
done
[ -z "$left_out" ] ||
	die "$deb lacks what kernel/ has:$left_out (make install does not put it there: kernel/Makemodule.am)"

echo "$PROG: $deb"
