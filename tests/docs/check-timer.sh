#!/bin/sh
# The systemd units as make install lays them out (DESTDIR of our own), and
# the "compact hourly" drop-ins of zsctl-compact(8) and README.md, taken
# from the documents as written: systemd-analyze verify loads the units with
# the drop-ins (--root), the timer's triggers after the drop-in are
# OnBootSec=10min and OnUnitActiveSec=1h only (an empty assignment clears
# them all, systemd.timer(5)), and the service's --min-interval stays below
# the timer's period less its random delay and accuracy, before and after.
. "$TOP_SRCDIR/tests/lib.sh"

: "${TOP_BUILDDIR:?run through make check}"
MAKE=${MAKE:-make}
make_tmpdir
ROOT="$TMPD/root"

command -v systemd-analyze >/dev/null 2>&1 ||
	tap_bail "# SKIP systemd-analyze is not installed (Debian: systemd)"

cat >"$TMPD/dirs.mk" <<'MK'
zs-print-dirs:
	@printf '%s\n' 'sbindir=$(sbindir)' 'systemdsystemunitdir=$(systemdsystemunitdir)'
MK
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES $MAKE -C "$TOP_BUILDDIR" \
	--no-print-directory -s -f Makefile -f "$TMPD/dirs.mk" zs-print-dirs >"$TMPD/dirs" ||
	tap_bail "cannot ask the Makefile for its directories"
sbindir=$(sed -n 's|^sbindir=||p' "$TMPD/dirs")
unitdir=$(sed -n 's|^systemdsystemunitdir=||p' "$TMPD/dirs")
if [ "$unitdir" = no ]; then
	echo "1..0 # SKIP configured --with-systemdsystemunitdir=no: no units"
	exit 0
fi
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES $MAKE -C "$TOP_BUILDDIR" \
	--no-print-directory install-systemdsystemunitDATA install-sbinPROGRAMS \
	DESTDIR="$ROOT" >"$TMPD/install.log" 2>&1
tap_ok $? "make install of the units and zsctl below a root of our own"
# what the units want and are wanted by: this machine's targets and slices
mkdir -p "$ROOT/lib/systemd/system"
for f in /lib/systemd/system/*.target /lib/systemd/system/*.slice; do
	[ -e "$ROOT/lib/systemd/system/${f##*/}" ] || cp "$f" "$ROOT/lib/systemd/system/"
done
[ "$unitdir" = /lib/systemd/system ] || cp "$ROOT$unitdir"/zsctl-compact.* "$ROOT/lib/systemd/system/"

verify()
{
	systemd-analyze verify --man=no --root="$ROOT" zsctl-compact.timer zsctl-compact.service \
		>"$TMPD/verify" 2>&1
	tap_ok $? "systemd-analyze verify: $1"
	[ -s "$TMPD/verify" ] && tap_diag "$(cat "$TMPD/verify")"
	tap_is "$(cat "$TMPD/verify")" "" "systemd-analyze verify says nothing: $1"
}

# the block after "LEAD" in a document: from the line after the opening
# fence to the closing one
block()
{
	awk -v lead="$2" 'found == 0 && index($0, lead) { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { print }' "$1"
}

# The triggers of the timer after its drop-ins, as systemd.timer(5) says:
# an empty On*= clears every trigger, each other one adds
triggers()
{
	cat "$@" | awk -F= '/^\[/ { sect = $0; next }
		sect == "[Timer]" && $1 ~ /^On[A-Za-z]*(Sec|Calendar)$/ {
			if ($2 == "") n = 0; else t[n++] = $1 "=" $2 }
		END { for (i = 0; i < n; i++) print t[i] }'
}

seconds()
{
	systemd-analyze timespan "$1" | sed -n 's/^ *μs: *\([0-9]*\)$/\1/p' | awk '{ print int($1 / 1000000) }'
}

# the period less RandomizedDelaySec= and AccuracySec= (the earliest next run)
in_step()
{
	period=$(seconds "$(triggers "$@" | sed -n 's/^OnUnitActiveSec=//p')")
	slack=0
	for key in RandomizedDelaySec AccuracySec; do
		v=$(sed -n "s/^$key=//p" "$ROOT/lib/systemd/system/zsctl-compact.timer")
		[ -n "$v" ] && slack=$((slack + $(seconds "$v")))
	done
	echo $((period - slack))
}

timer="$ROOT/lib/systemd/system/zsctl-compact.timer"
service="$ROOT/lib/systemd/system/zsctl-compact.service"
verify "the units as installed"
grep -q "^ExecStart=$sbindir/zsctl compact " "$service"
tap_ok $? "the service runs the configured $sbindir/zsctl"
tap_is "$(triggers "$timer" | tr '\n' ' ')" "OnBootSec=10min OnUnitActiveSec=15min " \
	"the timer fires 10 minutes after boot, then every 15 minutes"
mi=$(sed -n 's/^Environment=ZSCTL_COMPACT_MIN_INTERVAL=//p' "$service")
[ -n "$mi" ] && [ "$(seconds "$mi")" -lt "$(in_step "$timer")" ]
tap_ok $? "the service's --min-interval $mi is less than the timer's period less its slack"

for doc in man/zsctl-compact.8.scd README.md; do
	drop="$ROOT/etc/systemd/system"
	rm -rf "$drop"
	mkdir -p "$drop/zsctl-compact.timer.d" "$drop/zsctl-compact.service.d"
	block "$TOP_SRCDIR/$doc" 'edit zsctl-compact.timer' >"$drop/zsctl-compact.timer.d/override.conf"
	block "$TOP_SRCDIR/$doc" 'edit zsctl-compact.service' >"$drop/zsctl-compact.service.d/override.conf"
	tap_is "$(head -n 1 "$drop/zsctl-compact.timer.d/override.conf")" "[Timer]" \
		"$doc has the timer's drop-in"
	verify "$doc's hourly drop-ins"
	tap_is "$(triggers "$timer" "$drop/zsctl-compact.timer.d/override.conf" | tr '\n' ' ')" \
		"OnBootSec=10min OnUnitActiveSec=1h " \
		"$doc: the timer fires 10 minutes after boot, then hourly"
	mi=$(sed -n 's/^Environment=ZSCTL_COMPACT_MIN_INTERVAL=//p' \
		"$drop/zsctl-compact.service.d/override.conf")
	[ -n "$mi" ] &&
		[ "$(seconds "$mi")" -lt "$(in_step "$timer" "$drop/zsctl-compact.timer.d/override.conf")" ] &&
		[ "$(seconds "$mi")" -gt "$(seconds 15min)" ]
	tap_ok $? "$doc: --min-interval $mi follows the hourly period"
	"$ROOT$sbindir/zsctl" --sysroot "$TOP_SRCDIR/tests/fixtures/linux-6.12-discard" compact \
		--dry-run --min-interval "$mi" >/dev/null
	tap_ok $? "$doc: zsctl takes --min-interval $mi"
done
tap_done
