#!/bin/sh
# make install DESTDIR=... lays out everything zsctl installs, where the
# configured directories say: the binary in sbindir, every man page, the
# bash, zsh and fish completions, the systemd units, and the kernel patch
# series with its README under $(docdir)/kernel (the 6.12 backport in
# kernel/6.12); nothing else is installed;
# make uninstall DESTDIR=... removes every file again (empty directories
# may stay, as automake leaves them).
# Runs $(MAKE) install in the build tree from make check: it targets
# install and uninstall only, below a DESTDIR of our own, never the prefix.
. "$TOP_SRCDIR/tests/lib.sh"

: "${TOP_BUILDDIR:?run through make check}"
MAKE=${MAKE:-make}
make_tmpdir
DEST="$TMPD/dest"

# The inner make is a make of its own: not a part of make check's job server,
# and without the variables given to the outer one on its command line.
inner_make()
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		$MAKE -C "$TOP_BUILDDIR" --no-print-directory "$@"
}

tap_skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# ---- where things go: the directories of the Makefile that installs them ----

cat >"$TMPD/dirs.mk" <<'MK'
zs-print-dirs:
	@printf '%s\n' 'prefix=$(prefix)' 'sbindir=$(sbindir)' 'pkglibexecdir=$(pkglibexecdir)' \
		'man8dir=$(man8dir)' 'man5dir=$(man5dir)' 'docdir=$(docdir)' \
		'bashcompletiondir=$(bashcompletiondir)' 'zshcompletiondir=$(zshcompletiondir)' \
		'fishcompletiondir=$(fishcompletiondir)' \
		'systemdsystemunitdir=$(systemdsystemunitdir)' 'version=$(PACKAGE_VERSION)' \
		'exeext=$(EXEEXT)'
MK
inner_make -s -f Makefile -f "$TMPD/dirs.mk" zs-print-dirs >"$TMPD/dirs" 2>"$TMPD/dirs.err" ||
	tap_bail "cannot ask the Makefile for its directories: $(cat "$TMPD/dirs.err")"
dir()
{
	sed -n "s|^$1=||p" "$TMPD/dirs"
}
prefix=$(dir prefix)
sbindir=$(dir sbindir)
man8dir=$(dir man8dir)
man5dir=$(dir man5dir)
docdir=$(dir docdir)
unitdir=$(dir systemdsystemunitdir)
for d in sbindir pkglibexecdir man8dir docdir bashcompletiondir zshcompletiondir fishcompletiondir \
	systemdsystemunitdir; do
	v=$(dir $d)
	case $v in
	/*) r=0 ;;
	no) [ $d = systemdsystemunitdir ] && r=0 || r=1 ;; # =no: no units
	*) r=1 ;;
	esac
	tap_ok $r "$d is an absolute directory ($v)"
done

# Installed file (its path below DESTDIR) and the file it must be a copy of
# ("-" when it is built, not copied), one pair a line
: >"$TMPD/expected"
expect()
{
	printf '%s\t%s\n' "$1" "$2" >>"$TMPD/expected"
}
# a file of the source tree, or of the build tree when built there
source_file()
{
	if [ -f "$TOP_BUILDDIR/$1" ]; then echo "$TOP_BUILDDIR/$1"; else echo "$TOP_SRCDIR/$1"; fi
}

expect "$sbindir/zsctl$(dir exeext)" -
expect "$(dir pkglibexecdir)/zsctl-top$(dir exeext)" -
expect "$(dir pkglibexecdir)/zsctl-dump$(dir exeext)" -
expect "$(dir pkglibexecdir)/zsctl-maintain$(dir exeext)" -
for page in zsctl zsctl-status zsctl-compact zsctl-top zsctl-get zsctl-set zsctl-dump; do
	[ -f "$TOP_SRCDIR/man/$page.8.scd" ] || tap_bail "no man/$page.8.scd"
done
# the pages as installed: naming the configured zsctl where they name the
# Debian package's (man/Makemodule.am: install-man-sbindir)
mkdir "$TMPD/man"
man_as_installed()
{
	sed "s|/usr/sbin/zsctl|$sbindir/zsctl|g" "$(source_file "man/$1")" >"$TMPD/man/$1"
	echo "$TMPD/man/$1"
}
for scd in "$TOP_SRCDIR"/man/*.8.scd; do
	page=${scd##*/}
	page=${page%.scd}
	expect "$man8dir/$page" "$(man_as_installed "$page")"
done
# zsctl.conf(5)
for scd in "$TOP_SRCDIR"/man/*.5.scd; do
	page=${scd##*/}
	page=${page%.scd}
	expect "$man5dir/$page" "$(man_as_installed "$page")"
done
expect "$(dir bashcompletiondir)/zsctl" "$TOP_SRCDIR/completions/zsctl"
expect "$(dir zshcompletiondir)/_zsctl" "$TOP_SRCDIR/completions/_zsctl"
expect "$(dir fishcompletiondir)/zsctl.fish" "$TOP_SRCDIR/completions/zsctl.fish"
if [ "$unitdir" != no ]; then
	expect "$unitdir/zsctl-compact.service" -
	expect "$unitdir/zsctl-compact.timer" "$TOP_SRCDIR/systemd/zsctl-compact.timer"
	expect "$unitdir/zsctl-prometheus.service" -
	expect "$unitdir/zsctl-prometheus.timer" "$TOP_SRCDIR/systemd/zsctl-prometheus.timer"
	expect "$unitdir/zsctl-maintain.service" -
	expect "$unitdir/zsctl-maintain.timer" "$TOP_SRCDIR/systemd/zsctl-maintain.timer"
fi
expect "$docdir/kernel/README" "$TOP_SRCDIR/kernel/README"
for patch in "$TOP_SRCDIR"/kernel/*.patch; do
	[ -f "$patch" ] || tap_bail "no kernel/*.patch"
	expect "$docdir/kernel/${patch##*/}" "$patch"
done
# the 6.12 LTS backport
expect "$docdir/kernel/6.12/README" "$TOP_SRCDIR/kernel/6.12/README"
for patch in "$TOP_SRCDIR"/kernel/6.12/*.patch; do
	[ -f "$patch" ] || tap_bail "no kernel/6.12/*.patch"
	expect "$docdir/kernel/6.12/${patch##*/}" "$patch"
done

# ---- make install ---------------------------------------------------------

inner_make install DESTDIR="$DEST" >"$TMPD/install.log" 2>&1
r=$?
tap_ok $r "make install DESTDIR=... exits 0"
[ $r -eq 0 ] || tap_diag "$(tail -n 30 "$TMPD/install.log")"

while IFS='	' read -r file source; do
	if [ ! -f "$DEST$file" ]; then
		tap_ok 1 "installs $file"
	elif [ "$source" != - ] && ! cmp -s "$source" "$DEST$file"; then
		tap_ok 1 "installs $file"
		tap_diag "it differs from ${source#"$TOP_SRCDIR/"}"
	else
		tap_ok 0 "installs $file"
	fi
done <"$TMPD/expected"

cut -f1 "$TMPD/expected" | LC_ALL=C sort >"$TMPD/expected.files"
(cd "$DEST" && find . \( -type f -o -type l \) -print) | sed 's|^\.||' | LC_ALL=C sort >"$TMPD/installed"
extra=$(LC_ALL=C comm -13 "$TMPD/expected.files" "$TMPD/installed")
tap_is "$extra" "" "installs nothing else"
# make install with /usr/local (the default) wrote units into /lib/systemd
# and completions into /usr/share: outside the prefix
if [ "$prefix" != /usr ]; then
	outside=$(grep -v "^$prefix/" "$TMPD/installed")
	tap_is "$outside" "" "installs nothing outside the prefix $prefix"
else
	tap_skip "configured with the prefix /usr: the units may be in /lib"
fi

zsctl="$DEST$sbindir/zsctl$(dir exeext)"
[ -x "$zsctl" ]
tap_ok $? "the installed zsctl is executable"
tap_is "$("$zsctl" --version 2>&1)" "zsctl $(dir version)" "the installed zsctl runs and has the configured version"

for page in $(grep -e "^$man8dir/" -e "^$man5dir/" "$TMPD/expected.files"); do
	head -n 20 "$DEST$page" | grep -q '^\.TH '
	tap_ok $? "${page##*/} is a man page (.TH)"
done
# the copy-paste lines (cron, ExecStart=) name the zsctl make install installed
for page in zsctl-compact.8 zsctl-status.8 zsctl-maintain.8; do
	named=$(grep -o '/[A-Za-z0-9._/-]*sbin/zsctl' "$DEST$man8dir/$page" | LC_ALL=C sort -u)
	tap_is "$named" "$sbindir/zsctl" "$page names $sbindir/zsctl, the installed zsctl"
done

if [ "$unitdir" != no ]; then
	for unit in zsctl-compact.service zsctl-prometheus.service zsctl-maintain.service; do
		exec_lines=$(grep '^ExecStart=' "$DEST$unitdir/$unit")
		bad=$(printf '%s\n' "$exec_lines" | grep -v "^ExecStart=$sbindir/zsctl ")
		tap_is "$bad" "" "$unit runs $sbindir/zsctl"
		grep -q '@[a-z]*@' "$DEST$unitdir/$unit"
		tap_is $? 1 "$unit has no @variable@ left"
	done
else
	tap_skip "configured --with-systemdsystemunitdir=no: no units installed"
fi

# ---- make uninstall -------------------------------------------------------

inner_make uninstall DESTDIR="$DEST" >"$TMPD/uninstall.log" 2>&1
r=$?
tap_ok $r "make uninstall DESTDIR=... exits 0"
[ $r -eq 0 ] || tap_diag "$(tail -n 30 "$TMPD/uninstall.log")"
left=$(cd "$DEST" && find . \( -type f -o -type l \) -print | sed 's|^\.||' | LC_ALL=C sort)
tap_is "$left" "" "make uninstall leaves no file behind"

tap_done
