#!/bin/bash
# make check-kernel: build Linux 6.12 (Debian's linux-source-6.12) with the
# patch series in kernel/ and without it, boot both under qemu (TCG) with a
# busybox initramfs that carries zsctl, and check zsctl against the real
# classes files and the real compact_gated counter. See kernel/README.
#
# Not part of `make check`: it installs Debian packages when missing, builds
# two kernels (cached) and needs a few minutes from a cold cache.
#
# Environment:
#   ZSCTL                     the zsctl to test (default: the one in the tree)
#   ZSCTL_KERNEL_CACHE        cache directory (default /var/cache/zsctl-kernel);
#                             never inside the source tree
#   ZSCTL_KERNEL_CONTENTION   upper bound of the contention phase, s (default 60)
#   ZSCTL_KERNEL_TIMEOUT      upper bound of one guest run, s (default 420)
#   ZSCTL_KERNEL_MEM          guest memory (default 256M)
#   ZSCTL_KERNEL_UPDATE_CAPTURED=1  overwrite tests/kernel/captured/ (written
#                             when missing; every run's copy is in the cache)
#
# Output: TAP. Exit status 0 when every check passed, 1 otherwise.
set -u -o pipefail
# the kernel's make must not inherit the flags or job server of the make
# that runs this script, nor an ARCH or output directory of the environment
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE O KBUILD_OUTPUT

HERE=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=$(cd "${TOP_SRCDIR:-$HERE/../..}" && pwd)
ZSCTL=${ZSCTL:-$TOP_SRCDIR/zsctl}
CACHE=${ZSCTL_KERNEL_CACHE:-/var/cache/zsctl-kernel}
CONTENTION=${ZSCTL_KERNEL_CONTENTION:-60}
QEMU_TIMEOUT=${ZSCTL_KERNEL_TIMEOUT:-420}
GUEST_MEM=${ZSCTL_KERNEL_MEM:-256M}
CC=${CC:-cc}
JOBS=$(nproc)
SRC_PKG=linux-source-6.12
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
FRAGMENT=$HERE/config.fragment
# bump when the way the kernel is configured or built changes
RECIPE=1
PKGS="$SRC_PKG build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
qemu-system-x86 busybox-static git jq"

# ---- TAP and timing --------------------------------------------------------
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
	fi
}
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
bail() {
	echo "not ok $((n + 1)) - $1"
	shift
	[ $# -gt 0 ] && diag "$@"
	echo "Bail out! check-kernel cannot go on"
	timings
	exit 1
}
T_START=$SECONDS
T_LAST=$SECONDS
TIMES=""
lap() {
	TIMES="$TIMES$(printf '%-28s %4d s' "$1" $((SECONDS - T_LAST)))
"
	T_LAST=$SECONDS
}
timings() {
	printf '%s' "$TIMES" | sed 's/^/# time: /'
	echo "# time: total                        $((SECONDS - T_START)) s"
}
sha() { sha256sum | cut -c1-16; }

# ---- 1. what we need -------------------------------------------------------
case "$(realpath -m "$CACHE")/" in
"$TOP_SRCDIR"/*) bail "cache $CACHE is inside the source tree; set ZSCTL_KERNEL_CACHE" ;;
esac
[ -x "$ZSCTL" ] || bail "no zsctl at $ZSCTL (run ./bootstrap, or make)"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] || bail "missing packages:$missing" "run as root, or apt-get install them"
	diag "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >"${TMPDIR:-/tmp}/check-kernel-apt.log" 2>&1 ||
		bail "apt-get install$missing failed" "$(tail -n 20 "${TMPDIR:-/tmp}/check-kernel-apt.log")"
fi
[ -r "$SRC_TAR" ] || bail "$SRC_TAR missing although $SRC_PKG is installed"
mkdir -p "$CACHE" || bail "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	diag "another check-kernel uses $CACHE: waiting"
	flock 9
fi
lap "packages"

# ---- 2. the source, once, as a git repository -------------------------------
SRC=$CACHE/linux
SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
GIT() { git -C "$SRC" -c user.name=check-kernel -c user.email=check-kernel@localhost "$@"; }
if [ "$(cat "$CACHE/linux.version" 2>/dev/null)" != "$SRC_VER" ] || [ ! -d "$SRC/.git" ]; then
	diag "extracting $SRC_TAR ($SRC_PKG $SRC_VER) into $SRC"
	rm -rf "$SRC" "$SRC.tmp" "$CACHE"/build-* "$CACHE/linux.version"
	if ! mkdir -p "$SRC.tmp" || ! tar -xJf "$SRC_TAR" -C "$SRC.tmp" --strip-components=1; then
		bail "cannot extract $SRC_TAR"
	fi
	# Debian's .gitignore ignores the whole top level: add with -f
	(cd "$SRC.tmp" && git init -q && git add -f -A &&
		git -c user.name=check-kernel -c user.email=check-kernel@localhost \
			commit -q -m "Linux from $SRC_PKG $SRC_VER" && git tag pristine) ||
		bail "cannot make a git repository of the source"
	mv "$SRC.tmp" "$SRC" && echo "$SRC_VER" >"$CACHE/linux.version"
fi
KVER=$(make -s -C "$SRC" kernelversion 2>/dev/null)
diag "source: $SRC_PKG $SRC_VER (Linux $KVER) in $SRC"
lap "source"

# ---- 3. the series ---------------------------------------------------------
SERIES=()
for f in "$TOP_SRCDIR"/kernel/[0-9][0-9][0-9][0-9]-*.patch; do
	case "$f" in */0000-cover-letter.patch) continue ;; esac
	[ -f "$f" ] && SERIES+=("$f")
done
[ ${#SERIES[@]} -gt 0 ] || bail "no patches in $TOP_SRCDIR/kernel"
CFG_KEY=$( (echo "$RECIPE $SRC_VER"; grep -E '^CONFIG_' "$FRAGMENT") | sha)
SERIES_KEY=$( (echo "$CFG_KEY"; cat "${SERIES[@]}") | sha)
BRANCH=series-$SERIES_KEY
if ! GIT rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null; then
	GIT checkout -q -f --detach pristine || bail "cannot check out the pristine source"
	if ! out=$(GIT am -q --whitespace=nowarn "${SERIES[@]}" 2>&1); then
		GIT am --abort >/dev/null 2>&1
		bail "the series does not apply to $SRC_PKG $SRC_VER" "$out"
	fi
	GIT branch "$BRANCH" || bail "git branch $BRANCH failed"
fi
ok 0 "the series (${#SERIES[@]} patches) applies to $SRC_PKG $SRC_VER"
# checkpatch.pl of this very source: no errors (warnings are explained in the
# cover letter, and listed here)
out=$(cd "$SRC" && perl scripts/checkpatch.pl --no-summary --terse "${SERIES[@]}" 2>&1)
errors=$(printf '%s\n' "$out" | grep -c ': ERROR:')
warnings=$(printf '%s\n' "$out" | grep -c ': WARNING:')
is "$errors" 0 "checkpatch.pl: no errors in the series ($warnings warnings)"
printf '%s\n' "$out" | grep -E ': (ERROR|WARNING):' | sed "s|$TOP_SRCDIR/||; s/^/# /"
lap "series"

# ---- 4. configure and build, cached by the hash of series and config ---------
BUILD=$CACHE/build-$CFG_KEY
IMAGES=$CACHE/images
mkdir -p "$IMAGES" "$CACHE/logs"
MK() { make -C "$SRC" O="$BUILD" LOCALVERSION= "$@"; }
configure() {
	local o miss=""
	if [ ! -f "$BUILD/.config" ]; then
		mkdir -p "$BUILD"
		MK tinyconfig >"$CACHE/logs/config.log" 2>&1 || return 1
		# shellcheck disable=SC2046
		"$SRC/scripts/config" --file "$BUILD/.config" \
			$(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$FRAGMENT" |
				sed 's/^CONFIG_\(.*\)=y$/--enable \1/') || return 1
	fi
	MK olddefconfig >>"$CACHE/logs/config.log" 2>&1 || return 1
	while read -r o; do
		grep -qx "$o" "$BUILD/.config" || miss="$miss ${o%=*}"
	done < <(grep -E '^CONFIG_' "$FRAGMENT")
	if [ -n "$miss" ]; then
		echo "not =y in $BUILD/.config after olddefconfig:$miss"
		return 1
	fi
}
# build NAME REF IMAGE
build() {
	local log=$CACHE/logs/build-$1.log out
	if [ -f "$3" ]; then
		ok 0 "$1 kernel: cached $(basename "$3")"
		return 0
	fi
	GIT checkout -q -f "$2" || bail "cannot check out $2"
	out=$(configure) || bail "$1 kernel: configuration failed" "$out" \
		"$(tail -n 5 "$CACHE/logs/config.log")"
	ok 0 "$1 kernel: every option of config.fragment is =y"
	diag "building the $1 kernel (make -j$JOBS bzImage; log: $log)"
	if ! MK -j"$JOBS" bzImage >"$log" 2>&1; then
		bail "$1 kernel: build failed" "$(grep -E 'error|Error' "$log" | head -n 20)" \
			"$(tail -n 10 "$log")"
	fi
	cp "$BUILD/arch/x86/boot/bzImage" "$3.tmp" && mv "$3.tmp" "$3"
	ok 0 "$1 kernel: built $(basename "$3")"
}
IMG_PATCHED=$IMAGES/bzImage-patched-$SERIES_KEY
IMG_PLAIN=$IMAGES/bzImage-unpatched-$CFG_KEY
# patched first: a series that does not build fails early; the unpatched
# build then only recompiles what the series touched
build patched "$BRANCH" "$IMG_PATCHED"
lap "build patched"
build unpatched pristine "$IMG_PLAIN"
lap "build unpatched"

# ---- 5. the initramfs ---------------------------------------------------------
RUN=$CACHE/run
rm -rf "$RUN"
IRD=$RUN/initramfs
mkdir -p "$IRD"/{bin,dev,proc,sys,tmp,results} || bail "cannot create $IRD"
cp /bin/busybox "$IRD/bin/busybox" || bail "no /bin/busybox (busybox-static)"
file -L /bin/busybox 2>/dev/null | grep -q dynamically &&
	bail "/bin/busybox is dynamically linked: install busybox-static"
"$CC" -static -O2 -Wall -o "$IRD/bin/zs-guest" "$HERE/zs-guest.c" 2>"$RUN/zs-guest.log" ||
	bail "cannot build the static guest helper" "$(cat "$RUN/zs-guest.log")"
cp "$ZSCTL" "$IRD/bin/zsctl"
# zsctl's shared libraries and the dynamic loader, at the paths ldd names
libs=$(ldd "$ZSCTL" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
for l in $libs; do
	if ! mkdir -p "$IRD$(dirname "$l")" || ! cp -L "$l" "$IRD$l"; then
		bail "cannot copy $l"
	fi
done
cp "$HERE/guest-init.sh" "$IRD/init" && chmod 755 "$IRD/init"
(cd "$IRD" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$RUN/initramfs.cpio" ||
	bail "cannot make the initramfs"
diag "initramfs: busybox, zs-guest, zsctl and $(echo "$libs" | wc -w) libraries, $(($(stat -c %s "$RUN/initramfs.cpio") / 1024)) KiB"
lap "initramfs"

# ---- 6. boot ---------------------------------------------------------------------
# boot MODE IMAGE: results in $RUN/MODE/results/
boot() {
	local dir=$RUN/$1 rc
	mkdir -p "$dir/results"
	# Two sockets of one core: the kernel has no ACPI, so it learns the CPUs
	# from SeaBIOS's MP table, which lists one CPU per package.
	timeout "$QEMU_TIMEOUT" qemu-system-x86_64 \
		-accel tcg,thread=multi -smp 2,sockets=2,cores=1,threads=1 -m "$GUEST_MEM" \
		-nographic -no-reboot -monitor none -nic none \
		-kernel "$2" -initrd "$RUN/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 zsctl_mode=$1 zsctl_contention=$CONTENTION" \
		-serial stdio -serial "file:$dir/ttyS1" \
		</dev/null >"$dir/console.log" 2>"$dir/qemu.err"
	rc=$?
	grep -a 'zsctl-guest:' "$dir/console.log" | tr -d '\r' | sed 's/.*zsctl-guest:/# guest:/'
	if [ $rc -eq 124 ]; then
		ok 1 "$1 kernel: the guest finished within ${QEMU_TIMEOUT} s"
		diag "$(tail -n 30 "$dir/console.log")"
		return 1
	fi
	sed -n '/^==== ZSCTL-RESULTS BEGIN ====/,/^==== ZSCTL-RESULTS END ====/p' "$dir/ttyS1" |
		tr -d '\r' | sed '1d;$d' | base64 -d 2>/dev/null | tar -x -C "$dir/results" 2>/dev/null
	if [ ! -f "$dir/results/guest.log" ]; then
		ok 1 "$1 kernel: boots and sends its results (qemu exit $rc)"
		diag "$(cat "$dir/qemu.err")" "$(tail -n 40 "$dir/console.log")"
		return 1
	fi
	ok 0 "$1 kernel: boots and sends its results"
}

# ---- helpers for the checks ----------------------------------------------------
col() { awk -v c="$2" '{ print $c }' "$1"; }
ncols() { awk '{ print NF }' "$1"; }
total_freeable() { awk '$1 == "Total" { print $NF }' "$1"; }
# The classes file parsed on its own, by its header: one tab-separated line per
# class, then a Total line holding the header's columns without class, size and
# pages_per_zspage (the Total row leaves those empty).
raw_classes() {
	awk 'NR == 1 { next }
	     $1 ~ /^[0-9]+$/ { $1 = $1; gsub(/ /, "\t"); print; next }
	     $1 == "Total" { $1 = "Total"; gsub(/ /, "\t"); print }' "$1"
}
# The same table from zsctl's JSON, with the columns named by the raw header.
json_classes() {
	local cols tcols
	cols=$(head -n 1 "$2" | jq -R -c 'split(" ") | map(select(. != ""))')
	tcols=$(echo "$cols" | jq -c 'map(select(. != "class" and . != "size" and . != "pages_per_zspage"))')
	jq -r --arg p "$3" --argjson cols "$cols" --argjson tcols "$tcols" '
		.pools[] | select(.name == $p) |
		((.classes[] | [$cols[] as $c | .[$c] | tostring] | @tsv),
		 (["Total"] + [$tcols[] as $c | .total[$c] | tostring] | @tsv))' "$1"
}
# compare_classes JSON RAW POOL DESCRIPTION
compare_classes() {
	local a b
	a=$(json_classes "$1" "$2" "$3" 2>&1)
	b=$(raw_classes "$2")
	if [ -n "$b" ] && [ "$a" = "$b" ]; then
		ok 0 "$4 ($(echo "$b" | wc -l) rows)"
	else
		ok 1 "$4"
		diag "$(diff <(echo "$b") <(echo "$a") | head -n 20)"
	fi
}
jdev() { jq -r --arg d "$2" ".devices[] | select(.name == \$d) | $3" "$1" 2>/dev/null; }

# ---- 7. the patched kernel ----------------------------------------------------
R=$RUN/patched/results
if boot patched "$IMG_PATCHED"; then
	for f in "$R"/*.rc; do
		is "$(cat "$f")" 0 "patched: guest step $(basename "$f" .rc) exits 0"
	done
	is "$(cat "$R/nproc")" 2 "patched: the guest runs on 2 CPUs"
	for f in "$R"/*.mm_stat.*; do
		is "$(ncols "$f")" 10 "patched: $(basename "$f") has 10 columns"
	done
	# zsctl against the real classes file, value for value
	is "$(cat "$R/zs.zram0.classes.json_before")" "$(cat "$R/zs.zram0.classes.json_after")" \
		"patched: zram0's classes file did not change while zsctl read it"
	compare_classes "$R/zsctl.status-classes.json" "$R/zs.zram0.classes.json_before" zram0 \
		"patched: zsctl status --classes -J matches the raw classes file value for value"
	is "$(jq -r '.pools[] | select(.name == "zram0") | .format' "$R/zsctl.status-classes.json")" \
		fullness "patched: zsctl reads the 6.4+ classes format"
	# one caller: nothing gated, and a full compaction frees exactly Total freeable
	F=$(total_freeable "$R/zs.zram0.classes.before_compact")
	P0=$(col "$R/zram0.mm_stat.before_compact" 7)
	P1=$(col "$R/zram0.mm_stat.after_compact" 7)
	diag "zram0: Total freeable $F before compaction; pages_compacted $P0 -> $P1"
	[ -n "$F" ] && [ "$F" -gt 0 ]
	ok $? "patched: zram0 is fragmented before compaction (Total freeable $F > 0)"
	is "$((P1 - P0))" "$F" "patched: pages_compacted after a full compaction = Total freeable before it"
	is "$(jdev "$R/zsctl.compact.solo.json" zram0 .pages_compacted)" "$F" \
		"patched: zsctl compact -J reports those pages_compacted"
	is "$(jdev "$R/zsctl.compact.solo.json" zram0 .compact_gated_delta)" 0 \
		"patched: zsctl compact -J: compact_gated_delta 0 for a lone compaction"
	is "$(jdev "$R/zsctl.compact.solo.json" zram0 .kernel_gated)" false \
		"patched: zsctl compact -J: kernel_gated false for a lone compaction"
	is "$(total_freeable "$R/zs.zram0.classes.after_compact")" 0 \
		"patched: Total freeable is 0 after the compaction"
	is "$(col "$R/zram0.mm_stat.after_compact" 10)" 0 \
		"patched: compact_gated == 0 on zram0, only ever compacted by one caller"
	is "$(jdev "$R/zsctl.status.after_compact.json" zram0 .mm_stat.compact_gated)" \
		"$(col "$R/zram0.mm_stat.after_status" 10)" \
		"patched: zsctl status -J reports zram0's compact_gated as mm_stat does"
	is "$(jdev "$R/zsctl.status.json" zram0 .mm_stat.compact_gated)" 0 \
		"patched: zsctl status -J has compact_gated 0 before any compaction"
	# contention
	read -r Z1 Z2 <"$R/contention.devices"
	read -r GA0 GA SA0 SA <"$R/phase_a.gated"
	G=$(col "$R/$Z1.mm_stat.after_contention" 10)
	S=$(col "$R/$Z2.mm_stat.after_contention" 10)
	diag "compact_gated: $Z1 (compacted device) $G, of which $((GA - GA0)) in phase A (shrinker only)" \
		"compact_gated: $Z2 (swap device) $S, of which $((SA - SA0)) in phase A (shrinker against one raw writer); zram0 $(col "$R/zram0.mm_stat.after_contention" 10)" \
		"zsctl compact runs in phase B: $(cat "$R/zsctl.compact.runs"), reported as turned away by the kernel (kernel_gated): $(cat "$R/zsctl.compact.kernel_gated")" \
		"phase B took $(cat "$R/phase_b.seconds") s"
	read -r PA0 PA <"$R/phase_a.compacted"
	[ -n "$PA" ] && [ "$PA" -gt "$PA0" ]
	ok $? "patched: the shrinker compacted $Z1 under memory pressure (phase A, no user space compaction: pages_compacted $PA0 -> $PA)"
	[ -n "$G" ] && [ "$G" -gt 0 ]
	ok $? "patched: compact_gated > 0 on $Z1 after contention ($G)"
	for d in zram0 "$Z1" "$Z2"; do
		is "$(col "$R/$d.mm_stat.after_contention" 10)" \
			"$(col "$R/$d.mm_stat.after_contention_json" 10)" \
			"patched: $d's compact_gated was still while zsctl read it"
		is "$(jdev "$R/zsctl.status.after_contention.json" "$d" .mm_stat.compact_gated)" \
			"$(col "$R/$d.mm_stat.after_contention" 10)" \
			"patched: zsctl status -J reports $d's compact_gated as mm_stat does"
	done
	# what zsctl made of its own runs: compact_gated counts every caller of
	# the pool, so a rise during zsctl's write is not always zsctl's own
	if [ -s "$R/zsctl.compact.contention.json" ]; then
		diag "zsctl compact runs in phase B by result, with compact_gated_delta > 0 / pages_compacted > 0:" \
			"$(jq -s -r '[.[] | .devices[]?] | group_by(.result)[] |
				"  \(.[0].result): \(length) runs, \(map(select(.compact_gated_delta > 0)) | length) with a gate delta, \(map(select(.pages_compacted > 0)) | length) with pages compacted"' \
				"$R/zsctl.compact.contention.json" 2>&1)"
	fi
	if [ -f "$R/zsctl.compact.gated.json" ]; then
		diag "a zsctl compact the kernel turned away:" \
			"$(jq -c '.devices[0] | {name, result, pages_compacted, compact_gated_delta, kernel_gated}' \
				"$R/zsctl.compact.gated.json")"
	fi
fi
lap "boot patched"

# ---- 8. the unpatched kernel: compact_gated is absent, not 0 ----------------------
U=$RUN/unpatched/results
if boot unpatched "$IMG_PLAIN"; then
	for f in "$U"/*.rc; do
		is "$(cat "$f")" 0 "unpatched: guest step $(basename "$f" .rc) exits 0"
	done
	for f in "$U"/*.mm_stat.*; do
		is "$(ncols "$f")" 9 "unpatched: $(basename "$f") has 9 columns"
	done
	is "$(jdev "$U/zsctl.status.json" zram0 '.mm_stat | has("pages_compacted")')" true \
		"unpatched: zsctl status -J reports zram0's mm_stat"
	is "$(jdev "$U/zsctl.status.json" zram0 '.mm_stat | has("compact_gated")')" false \
		"unpatched: zsctl status -J: compact_gated absent (not 0)"
	is "$(jq -r '.compaction | has("compact_gated")' "$U/zsctl.status.after_compact.json")" false \
		"unpatched: zsctl status -J: compaction.compact_gated absent"
	is "$(jdev "$U/zsctl.compact.solo.json" zram0 'has("compact_gated_delta") or has("kernel_gated")')" \
		false "unpatched: zsctl compact -J: no compact_gated_delta, no kernel_gated"
	compare_classes "$U/zsctl.status-classes.json" "$U/zs.zram0.classes.json_before" zram0 \
		"unpatched: zsctl status --classes -J matches the raw classes file value for value"
	F=$(total_freeable "$U/zs.zram0.classes.before_compact")
	is "$(($(col "$U/zram0.mm_stat.after_compact" 7) - $(col "$U/zram0.mm_stat.before_compact" 7)))" \
		"$F" "unpatched: pages_compacted after a full compaction = Total freeable before it ($F)"
fi
lap "boot unpatched"

# ---- 9. the captured files, for fixtures ------------------------------------------
CAP=$RUN/captured
save() {
	# save FROM-DIR TO-DIR FILES...
	local from=$1 to=$2 f
	shift 2
	mkdir -p "$to"
	for f in "$@"; do
		[ -f "$from/$f" ] && cp "$from/$f" "$to/$f"
	done
}
if [ -f "$R/guest.log" ]; then
	read -r Z1 Z2 <"$R/contention.devices"
	P=$CAP/linux-$KVER-compact-gated
	save "$R" "$P" uname zsmalloc_ls zram0_sysfs_ls \
		zram0.mm_stat.{empty,after_write,after_discard,after_compact,after_contention} \
		zs.zram0.classes.{after_write,after_discard,after_compact} \
		"$Z1.mm_stat.after_contention" "$Z2.mm_stat.after_contention" \
		"zs.$Z1.classes.after_contention" "zs.$Z2.classes.after_contention"
fi
if [ -f "$U/guest.log" ]; then
	save "$U" "$CAP/linux-$KVER-unpatched" uname \
		zram0.mm_stat.{empty,after_discard,after_compact} zs.zram0.classes.after_discard
fi
if [ -d "$CAP" ]; then
	DEST=$HERE/captured
	if [ "${ZSCTL_KERNEL_UPDATE_CAPTURED:-0}" = 1 ] || ! ls "$DEST"/linux-* >/dev/null 2>&1; then
		mkdir -p "$DEST" && rm -rf "$DEST"/linux-* && cp -r "$CAP"/. "$DEST"/ &&
			diag "captured files saved in $DEST"
	else
		diag "captured files of this run: $CAP (ZSCTL_KERNEL_UPDATE_CAPTURED=1 to update $DEST)"
	fi
fi
lap "captured files"

echo "1..$n"
timings
if [ $failed -ne 0 ]; then
	echo "# FAIL: $failed of $n checks failed (results and logs in $RUN)"
	exit 1
fi
echo "# PASS: all $n checks (results and logs in $RUN)"
