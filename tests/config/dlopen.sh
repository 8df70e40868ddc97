#!/bin/sh
# libeconf is dlopen()ed (lib/config.c), never linked (issue 12): no
# program has it in DT_NEEDED; each carries the .note.dlopen naming its
# SONAME (the one configure read); zsctl status loads it only with --ages,
# zsctl maintain always (LD_DEBUG=files says what ld.so loads); and a
# library that cannot be loaded (the test build's ZSCTL_TEST_ECONF) is one
# error naming it and the cause, a documented exit status, nothing done.
. "$TOP_SRCDIR/tests/lib.sh"

: "${TOP_BUILDDIR:?run through make check}"
: "${ZSCTL_TEST:?run through make check}"
make_tmpdir
LC_ALL=C
export LC_ALL

command -v readelf >/dev/null 2>&1 || tap_bail "readelf is not installed (Debian: binutils)"
soname=$(sed -n 's/^#define ZS_ECONF_SONAME "\(.*\)"$/\1/p' "$TOP_BUILDDIR/config.h")
tap_is "$(printf '%s' "$soname" | grep -c '^libeconf\.so\.[0-9][0-9]*$')" 1 \
	"configure found libeconf's SONAME ($soname)"

for p in zsctl zsctl-maintain zsctl-top zsctl-dump; do
	bin=$TOP_BUILDDIR/$p
	readelf -d "$bin" >"$TMPD/dynamic" || tap_bail "readelf -d $p failed"
	grep -q '(NEEDED).*libjansson' "$TMPD/dynamic" || tap_bail "readelf -d $p lists no NEEDED"
	tap_is "$(grep -c '(NEEDED).*libeconf' "$TMPD/dynamic")" 0 "$p: libeconf is not in DT_NEEDED"
	# the note: owner FDO, type 0x407c0c0a, its JSON naming the SONAME
	readelf -n "$bin" | grep -A2 '^Displaying notes found in: \.note\.dlopen' |
		grep -q 'FDO .*0x407c0c0a'
	tap_ok $? "$p: a .note.dlopen note, owner FDO, type 0x407c0c0a"
	readelf -p .note.dlopen "$bin" >"$TMPD/note" 2>&1
	grep -qF "\"soname\":[\"$soname\"]" "$TMPD/note" && grep -qF '"priority":"recommended"' "$TMPD/note"
	tap_ok $? "$p: the note's JSON names $soname"
done

# loaded_econf LOG: how many times ld.so loaded libeconf in LD_DEBUG=files' LOG
loaded_econf()
{
	grep -c "file=$soname .*dynamically loaded by" "$1"
}

fix=$TOP_SRCDIR/tests/fixtures/ages-7.3
LD_DEBUG=files LD_DEBUG_OUTPUT=$TMPD/ld.status "$ZSCTL" --sysroot "$fix" status >/dev/null
tap_ok $? "zsctl status runs"
tap_is "$(cat "$TMPD"/ld.status.* | loaded_econf /dev/stdin)" 0 "zsctl status does not load libeconf"
rm -f "$TMPD"/ld.status.*
LD_DEBUG=files LD_DEBUG_OUTPUT=$TMPD/ld.ages "$ZSCTL" --sysroot "$fix" status --ages >/dev/null
tap_ok $? "zsctl status --ages runs"
tap_is "$(cat "$TMPD"/ld.ages.* | loaded_econf /dev/stdin)" 1 "zsctl status --ages loads libeconf, once"

# maintain on a copy of a dump, with a configuration that changes what it does
cp -R "$TOP_SRCDIR/tests/getset/fixtures/maintain73" "$TMPD/root" || tap_bail "cannot copy maintain73"
mkdir -p "$TMPD/root/etc/zsctl" "$TMPD/root/run/lock" "$TMPD/root/var/lib" || tap_bail "mkdir failed"
printf '[maintain]\nrecompress = no\n' >"$TMPD/root/etc/zsctl/zsctl.conf"
LD_DEBUG=files LD_DEBUG_OUTPUT=$TMPD/ld.maint "$ZSCTL" --sysroot "$TMPD/root" maintain --dry-run \
	>"$TMPD/maint.out"
tap_ok $? "zsctl maintain --dry-run runs"
tap_is "$(head -n1 "$TMPD/maint.out")" "zram3: recompress: skipped: disabled by the policy" \
	"zsctl maintain read zsctl.conf through libeconf"
tap_is "$(cat "$TMPD"/ld.maint.* | loaded_econf /dev/stdin)" 1 "zsctl maintain loads libeconf, once"

# a library that cannot be loaded: one line, the name and dlerror()'s cause
cp -R "$TMPD/root" "$TMPD/before"
missing=libeconf.so.404
cause="$missing: cannot open shared object file: No such file or directory"
ZSCTL_TEST_ECONF=$missing "$ZSCTL_TEST" --sysroot "$TMPD/root" maintain >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 3 "zsctl maintain without libeconf exits 3 (zsctl-maintain(8))"
tap_is "$(cat "$TMPD/out")" "" "... prints nothing on stdout"
tap_is "$(cat "$TMPD/err")" \
	"zsctl: $missing: cannot load libeconf, which reads zsctl.conf(5): $cause" \
	"... and one error naming the library and the cause"
diff -r "$TMPD/before" "$TMPD/root" >"$TMPD/diff" 2>&1
tap_ok $? "... and does nothing: no lock, no state, no write"
[ -s "$TMPD/diff" ] && tap_diag "$(cat "$TMPD/diff")"
ZSCTL_TEST_ECONF=$missing "$ZSCTL_TEST" --sysroot "$fix" status --ages >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 1 "zsctl status --ages without libeconf exits 1 (zsctl-status(8))"
tap_is "$(cat "$TMPD/out")" "" "... prints nothing on stdout"
tap_is "$(cat "$TMPD/err")" \
	"zsctl: $missing: cannot load libeconf, which reads zsctl.conf(5), so maintain's ages are not known: $cause" \
	"... and one error naming the library and the cause"
ZSCTL_TEST_ECONF=$missing "$ZSCTL_TEST" --sysroot "$fix" status >/dev/null 2>"$TMPD/err"
tap_is "$?:$(cat "$TMPD/err")" "0:" "zsctl status without --ages needs no libeconf"

tap_done
