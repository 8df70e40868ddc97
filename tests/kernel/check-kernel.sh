#!/bin/bash
# make check-kernel: a matrix. Build Linux 6.12 (Debian's linux-source-6.12)
# and 7.3 (linux-source-7.3 from trixie-backports), each with the patch
# series in kernel/ (7.3) or kernel/6.12/ (the LTS backport) and without
# it, boot all four under qemu (TCG) with a busybox initramfs that carries
# zsctl, and run the same checks on each: zsctl against the real classes
# files and the real compact_gated counter (> 0 under contention, 0 when
# one caller compacts, absent without the series), writeback to a backing
# device, zswap in a memory cgroup. See kernel/README.
#
# Not part of `make check`: it installs Debian packages when missing,
# downloads linux-source-7.3 once, builds two kernel trees (cached) and
# needs about 20 minutes from a cold cache, a few from a warm one.
#
# Environment:
#   ZSCTL                     the zsctl to test (default: the one in the tree)
#   ZSCTL_KERNEL_CACHE        cache directory (default /var/cache/zsctl-kernel);
#                             never inside the source tree
#   ZSCTL_KERNEL_CONTENTION   upper bound of the contention phase, s (default 60)
#   ZSCTL_KERNEL_TIMEOUT      upper bound of one guest run, s (default 420)
#   ZSCTL_KERNEL_MEM          guest memory (default 256M)
#   ZSCTL_KERNEL_UPDATE_CAPTURED=1  overwrite tests/kernel/captured/ (written
#                             when a kernel's folder is missing; every run's
#                             copy is in the cache)
#   ZSCTL_KERNEL_ONLY         one of 6.12 or 7.3: only that kernel, with and
#                             without its series (for work on one series; the
#                             matrix is both, and the run says when it is not)
#   ZSCTL_KERNEL_MODES        "patched unpatched" (default), or one of them
#   ZSCTL_KERNEL_PARTS        the parts to run (names of tests/kernel/parts/
#                             NAME.guest.sh; default all; "none": none)
#
# Parts: a feature's guest work is tests/kernel/parts/NAME.guest.sh (sourced
# by the guest's /init after the common steps, with its helpers: run, log,
# snap, new_zram, new_zram_setup, $ZS, $ZG, $R) and its checks are
# tests/kernel/parts/NAME.host.sh (sourced at the end of check_guest, with
# ok, is, diag, jdev, $t, $mode, $R). A part touches only its own devices.
# A part with tests/kernel/parts/NAME.restart.sh has work for after a reboot:
# what its guest script put in /keep is kept on a third disk, the same kernel
# boots again and runs only the restart scripts, whose results the host
# script finds in $R/restart/.
#
# Output: TAP. Exit status 0 when every check passed, 1 otherwise.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=$(cd "${TOP_SRCDIR:-$HERE/../..}" && pwd)
ZSCTL=${ZSCTL:-$TOP_SRCDIR/zsctl}
CACHE=${ZSCTL_KERNEL_CACHE:-/var/cache/zsctl-kernel}
CONTENTION=${ZSCTL_KERNEL_CONTENTION:-60}
QEMU_TIMEOUT=${ZSCTL_KERNEL_TIMEOUT:-420}
GUEST_MEM=${ZSCTL_KERNEL_MEM:-256M}
CC=${CC:-cc}
# the matrix: every kernel, with and without its series
KERNELS="6.12 7.3"
MODES=${ZSCTL_KERNEL_MODES:-patched unpatched}
for m in $MODES; do
	case "$m" in
	patched | unpatched) ;;
	*) echo "Bail out! ZSCTL_KERNEL_MODES is patched and/or unpatched, not '$MODES'"; exit 1 ;;
	esac
done
PARTS=${ZSCTL_KERNEL_PARTS:-$(cd "$HERE/parts" && for f in *.guest.sh; do [ -f "$f" ] && echo "${f%.guest.sh}"; done)}
[ "$PARTS" = none ] && PARTS=""
for p in $PARTS; do
	[ -f "$HERE/parts/$p.guest.sh" ] || { echo "Bail out! no part tests/kernel/parts/$p.guest.sh"; exit 1; }
done
case "${ZSCTL_KERNEL_ONLY:-}" in
"") ;;
6.12 | 7.3) KERNELS=$ZSCTL_KERNEL_ONLY ;;
*) echo "Bail out! ZSCTL_KERNEL_ONLY is 6.12 or 7.3, not '$ZSCTL_KERNEL_ONLY'"; exit 1 ;;
esac
FRAGMENT=$HERE/config.fragment
# bump when the way the kernel is configured or built changes
RECIPE=2

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

# shellcheck source=tests/kernel/kernel-lib.sh
. "$HERE/kernel-lib.sh"

# ---- 1. what we need -------------------------------------------------------
case "$(realpath -m "$CACHE")/" in
"$TOP_SRCDIR"/*) bail "cache $CACHE is inside the source tree; set ZSCTL_KERNEL_CACHE" ;;
esac
[ -x "$ZSCTL" ] || bail "no zsctl at $ZSCTL (run ./bootstrap, or make)"
# shellcheck disable=SC2086
klib_need_packages $KLIB_HOST_PKGS
mkdir -p "$CACHE" || bail "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)
IMAGES=$CACHE/images
mkdir -p "$IMAGES" "$CACHE/logs"
lap "packages"

# ---- 2. per kernel: the source, the series, checkpatch, two builds ---------------
declare -A IMG_PATCHED IMG_PLAIN KVERS
# prepare SERIES: sets IMG_PATCHED[SERIES], IMG_PLAIN[SERIES], KVERS[SERIES]
prepare() {
	local k=$1 dir f out errors warnings checks other cfg_key series_key build w1 frags
	# the source tree and its builds: another run may boot guests meanwhile
	klib_lock 8 ".lock-$k" "the Linux $k source"
	klib_source "$k"
	KVERS[$k]=$KVER
	diag "Linux $k: $SRC_PKG $SRC_VER (Linux $KVER) in $SRC"
	lap "$k source"

	# 7.3 is mainline, the series to send; 6.12 is its LTS backport
	if [ "$k" = 7.3 ]; then dir=$TOP_SRCDIR/kernel; else dir=$TOP_SRCDIR/kernel/$k; fi
	local series=()
	for f in "$dir"/[0-9][0-9][0-9][0-9]-*.patch; do
		case "$f" in */0000-cover-letter.patch) continue ;; esac
		[ -f "$f" ] && series+=("$f")
	done
	[ ${#series[@]} -gt 0 ] || bail "no patches in $dir"
	frags=("$FRAGMENT")
	[ -f "$HERE/config-$k.fragment" ] && frags+=("$HERE/config-$k.fragment")
	cfg_key=$( (echo "$RECIPE $SRC_VER"; grep -hE '^CONFIG_' "${frags[@]}") | sha)
	series_key=$( (echo "$cfg_key"; cat "${series[@]}") | sha)
	klib_series_branch "$series_key" "${series[@]}"
	ok 0 "$k: the series (${#series[@]} patches in ${dir#"$TOP_SRCDIR"/}) applies to $SRC_PKG $SRC_VER with git am"
	# checkpatch.pl --strict of this very source: no errors, no checks, and
	# no warnings but the one a tree without upstream history must give
	out=$(cd "$SRC" && perl scripts/checkpatch.pl --strict --no-summary --terse \
		--show-types "${series[@]}" 2>&1)
	errors=$(printf '%s\n' "$out" | grep -c ': ERROR:')
	checks=$(printf '%s\n' "$out" | grep -c ': CHECK:')
	warnings=$(printf '%s\n' "$out" | grep -c ': WARNING:')
	other=$(printf '%s\n' "$out" | grep ': WARNING:' | grep -vc ':UNKNOWN_COMMIT_ID:')
	is "$errors $checks $other" "0 0 0" \
		"$k: checkpatch.pl --strict: 0 errors, 0 checks, 0 warnings but UNKNOWN_COMMIT_ID ($warnings warnings)"
	printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed "s|$TOP_SRCDIR/||; s/^/# /"
	lap "$k series"

	build=$CACHE/build-$k
	IMG_PATCHED[$k]=$IMAGES/bzImage-$k-patched-$series_key
	IMG_PLAIN[$k]=$IMAGES/bzImage-$k-unpatched-$cfg_key
	# patched first: a series that does not build fails early; the unpatched
	# build then only recompiles what the series touched (same tree)
	w1=${IMG_PATCHED[$k]}.w1
	build_one "$k" patched "$BRANCH" "${IMG_PATCHED[$k]}" "$build" "${frags[@]}"
	if [ ! -f "$w1" ]; then
		# W=1 on the files the series touches, in the patched tree
		KGIT checkout -q -f "$BRANCH" || bail "cannot check out $BRANCH"
		make -C "$SRC" O="$build" LOCALVERSION= W=1 mm/zsmalloc.o \
			drivers/block/zram/zram_drv.o >"$w1.log" 2>&1 &&
			grep -E 'warning:' "$w1.log" >"$w1.tmp"; mv "$w1.tmp" "$w1"
	fi
	is "$(grep -c . "$w1")" 0 "$k: W=1 builds mm/zsmalloc.c and zram_drv.c of the series without a warning"
	[ -s "$w1" ] && diag "$(head -n 20 "$w1")"
	lap "$k build patched"
	build_one "$k" unpatched pristine "${IMG_PLAIN[$k]}" "$build" "${frags[@]}"
	lap "$k build unpatched"
	klib_unlock 8
}
# build_one SERIES NAME REF IMAGE BUILD FRAGMENT...
build_one() {
	local k=$1 name=$2 ref=$3 image=$4 build=$5 log=$CACHE/logs/build-$1-$2.log out
	shift 5
	if [ -f "$image" ]; then
		ok 0 "$k $name kernel: cached $(basename "$image")"
		return 0
	fi
	KGIT checkout -q -f "$ref" || bail "cannot check out $ref"
	out=$(klib_configure "$build" "$@") || bail "$k $name kernel: configuration failed" "$out" \
		"$(tail -n 5 "$CACHE/logs/config-$(basename "$build").log")"
	ok 0 "$k $name kernel: every option of the config fragments is as written"
	diag "building the $k $name kernel (make -j$(nproc) bzImage; log: $log)"
	if ! klib_build "$build" "$image" "$log"; then
		bail "$k $name kernel: build failed" "$(grep -E 'error|Error' "$log" | head -n 20)" \
			"$(tail -n 10 "$log")"
	fi
	ok 0 "$k $name kernel: built $(basename "$image")"
}
for k in $KERNELS; do
	prepare "$k"
done

# ---- 5. the initramfs ---------------------------------------------------------
# from here on, one guest run at a time (the run directory is shared)
klib_lock 9 .lock "guests"
lap "waiting for the guests' lock"
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
# zsctl top execs zsctl-top from beside zsctl
TOPPROG=$(dirname "$ZSCTL")/$(basename "$ZSCTL")-top
[ -x "$TOPPROG" ] || bail "no $TOPPROG beside $ZSCTL (make)"
cp "$TOPPROG" "$IRD/bin/zsctl-top"
# and zsctl maintain execs zsctl-maintain
MAINTPROG=$(dirname "$ZSCTL")/$(basename "$ZSCTL")-maintain
[ -x "$MAINTPROG" ] || bail "no $MAINTPROG beside $ZSCTL (make)"
cp "$MAINTPROG" "$IRD/bin/zsctl-maintain"
mkdir -p "$IRD/parts"
for p in $PARTS; do
	cp "$HERE/parts/$p.guest.sh" "$IRD/parts/" || bail "cannot copy the part $p"
	if [ -f "$HERE/parts/$p.restart.sh" ]; then
		cp "$HERE/parts/$p.restart.sh" "$IRD/parts/" || bail "cannot copy the part $p"
	fi
done
# the shared libraries of zsctl, zsctl-top and zsctl-maintain and the dynamic loader, at
# the paths ldd names; and those they dlopen (libeconf, for zsctl.conf), named in their
# FDO .note.dlopen and found where ldconfig has them, with what those need
dlopened=$(for p in "$ZSCTL" "$MAINTPROG"; do
	objcopy -O binary --only-section=.note.dlopen "$p" /dev/stdout 2>/dev/null
done | tr -c '[:print:]' '\n' | grep -o 'lib[A-Za-z0-9_+-]*\.so\.[0-9]*' | sort -u)
dlpaths=""
for so in $dlopened; do
	path=$(ldconfig -p | awk -v so="$so" '$1 == so && $NF ~ /^\// { print $NF; exit }')
	[ -n "$path" ] || bail "cannot find $so, which zsctl dlopens"
	dlpaths="$dlpaths $path"
done
# shellcheck disable=SC2086
libs=$( (ldd "$ZSCTL"; ldd "$TOPPROG"; ldd "$MAINTPROG"; for l in $dlpaths; do echo "$l => $l (0)"; ldd "$l"; done) |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
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
# boot NAME MODE IMAGE [restart]: results in $RUN/NAME/results/ (NAME: 7.3-patched,
# ...). With "restart", the same kernel boots a second time (zsctl_phase=restart) with
# the disk on which the first boot's parts kept what must outlive a reboot (keep.img,
# the guest's /dev/vdc); it runs only the parts' NAME.restart.sh, and its results go
# to $RUN/NAME/results/restart/.
boot() {
	local dir=$RUN/$1 phase=${4:-first} out=$RUN/$1/results sfx="" rc
	mkdir -p "$dir"
	if [ "$phase" = restart ]; then
		out=$dir/results/restart
		sfx=-restart
	else
		rm -rf "$dir/keep.img"
		truncate -s 4M "$dir/keep.img" || bail "cannot create the guest's keep disk in $dir"
	fi
	mkdir -p "$out"
	# the backing devices of zram3, of the busy part and of the rawwb part,
	# the swap device behind zswap, sparse
	truncate -s 64M "$dir/backing.img" && truncate -s 128M "$dir/swap.img" &&
		truncate -s 80M "$dir/busy.img" && truncate -s 64M "$dir/rawwb.img" ||
		bail "cannot create the guest's disks in $dir"
	# Two sockets of one core: the kernel has no ACPI, so it learns the CPUs
	# from SeaBIOS's MP table, which lists one CPU per package.
	timeout "$QEMU_TIMEOUT" qemu-system-x86_64 \
		-accel tcg,thread=multi -smp 2,sockets=2,cores=1,threads=1 -m "$GUEST_MEM" \
		-nographic -no-reboot -monitor none -nic none \
		-drive "file=$dir/backing.img,if=virtio,format=raw" \
		-drive "file=$dir/swap.img,if=virtio,format=raw" \
		-drive "file=$dir/keep.img,if=virtio,format=raw" \
		-drive "file=$dir/busy.img,if=virtio,format=raw" \
		-drive "file=$dir/rawwb.img,if=virtio,format=raw" \
		-kernel "$3" -initrd "$RUN/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 zsctl_mode=$2 zsctl_contention=$CONTENTION zsctl_phase=$phase" \
		-serial stdio -serial "file:$dir/ttyS1$sfx" \
		</dev/null >"$dir/console$sfx.log" 2>"$dir/qemu$sfx.err"
	rc=$?
	rm -f "$dir/backing.img" "$dir/swap.img" "$dir/busy.img" "$dir/rawwb.img"
	[ "$phase" = restart ] && rm -f "$dir/keep.img"
	grep -a 'zsctl-guest:' "$dir/console$sfx.log" | tr -d '\r' | sed 's/.*zsctl-guest:/# guest:/'
	if [ $rc -eq 124 ]; then
		ok 1 "$1${sfx:+ (restart)}: the guest finished within ${QEMU_TIMEOUT} s"
		diag "$(tail -n 30 "$dir/console$sfx.log")"
		return 1
	fi
	sed -n '/^==== ZSCTL-RESULTS BEGIN ====/,/^==== ZSCTL-RESULTS END ====/p' "$dir/ttyS1$sfx" |
		tr -d '\r' | sed '1d;$d' | base64 -d 2>/dev/null | tar -xz -C "$out" 2>/dev/null
	if [ ! -f "$out/guest.log" ]; then
		ok 1 "$1${sfx:+ (restart)}: boots and sends its results (qemu exit $rc)"
		diag "$(cat "$dir/qemu$sfx.err")" "$(tail -n 40 "$dir/console$sfx.log")"
		return 1
	fi
	ok 0 "$1${sfx:+ (restart)}: boots and sends its results"
}
# the parts that have work for a second boot
RESTART_PARTS=""
for p in $PARTS; do
	[ -f "$HERE/parts/$p.restart.sh" ] && RESTART_PARTS="$RESTART_PARTS $p"
done

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

# compact_gated as the raw mm_stat has it, and as zsctl status -J reports it:
# a number, or "absent"
raw_gated() { awk '{ print (NF >= 10 ? $10 : "absent") }' "$1"; }
zsctl_gated() {
	jq -r --arg d "$2" '.devices[] | select(.name == $d) | .mm_stat |
		if has("compact_gated") then .compact_gated else "absent" end' "$1" 2>/dev/null
}
vmstat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# ---- 7. the same checks on every kernel --------------------------------------------
# check_guest NAME MODE: the guest of $RUN/NAME, booted with or without the series
check_guest() {
	local t=$1 mode=$2 R=$RUN/$1/results f F P0 P1 Z1 Z2 Z3 GA0 GA SA0 SA PA0 PA G d
	local cols=9 want_gated=absent
	if [ "$mode" = patched ]; then
		cols=10
		want_gated=0
	fi
	for f in "$R"/*.rc; do
		is "$(cat "$f")" 0 "$t: guest step $(basename "$f" .rc) exits 0"
	done
	is "$(cat "$R/nproc")" 2 "$t: the guest runs on 2 CPUs"
	is "$(cat "$R/osrelease")" "${KVERS[${t%-*}]}" "$t: the guest runs the kernel built from the source"
	for f in "$R"/*.mm_stat.*; do
		is "$(ncols "$f")" "$cols" "$t: $(basename "$f") has $cols columns"
	done

	# zsctl against the real classes file, value for value
	is "$(cat "$R/zs.zram0.classes.json_before")" "$(cat "$R/zs.zram0.classes.json_after")" \
		"$t: zram0's classes file did not change while zsctl read it"
	compare_classes "$R/zsctl.status-classes.json" "$R/zs.zram0.classes.json_before" zram0 \
		"$t: zsctl status --classes -J matches the raw classes file value for value"
	is "$(jq -r '.pools[] | select(.name == "zram0") | .format' "$R/zsctl.status-classes.json")" \
		fullness "$t: zsctl reads the 6.4+ classes format"

	# one caller: nothing gated, and a full compaction frees exactly Total freeable
	F=$(total_freeable "$R/zs.zram0.classes.before_compact")
	P0=$(col "$R/zram0.mm_stat.before_compact" 7)
	P1=$(col "$R/zram0.mm_stat.after_compact" 7)
	diag "$t: zram0: Total freeable $F before compaction; pages_compacted $P0 -> $P1"
	[ -n "$F" ] && [ "$F" -gt 0 ]
	ok $? "$t: zram0 is fragmented before compaction (Total freeable $F > 0)"
	is "$((P1 - P0))" "$F" "$t: pages_compacted after a full compaction = Total freeable before it"
	is "$(jdev "$R/zsctl.compact.solo.json" zram0 .pages_compacted_delta)" "$F" \
		"$t: zsctl compact -J reports those pages_compacted"
	is "$(total_freeable "$R/zs.zram0.classes.after_compact")" 0 \
		"$t: Total freeable is 0 after the compaction"
	is "$(raw_gated "$R/zram0.mm_stat.after_compact") $(raw_gated "$R/zram0.mm_stat.after_contention")" \
		"$want_gated $want_gated" \
		"$t: zram0's compact_gated, only ever compacted by one caller: $want_gated"
	is "$(zsctl_gated "$R/zsctl.status.json" zram0)" "$want_gated" \
		"$t: zsctl status -J: zram0's compact_gated before any compaction: $want_gated"
	is "$(zsctl_gated "$R/zsctl.status.after_compact.json" zram0)" \
		"$(raw_gated "$R/zram0.mm_stat.after_status")" \
		"$t: zsctl status -J reports zram0's compact_gated as mm_stat does"
	if [ "$mode" = patched ]; then
		is "$(jdev "$R/zsctl.compact.solo.json" zram0 '"\(.compact_gated_delta) \(.kernel_gated)"')" \
			"0 false" "$t: zsctl compact -J: compact_gated_delta 0, kernel_gated false for a lone compaction"
		is "$(jq -r '.compaction.compact_gated' "$R/zsctl.status.after_compact.json")" 0 \
			"$t: zsctl status -J: compaction.compact_gated 0"
	else
		is "$(jdev "$R/zsctl.compact.solo.json" zram0 'has("compact_gated_delta") or has("kernel_gated")')" \
			false "$t: zsctl compact -J: no compact_gated_delta, no kernel_gated"
		is "$(jq -r '.compaction | has("compact_gated")' "$R/zsctl.status.after_compact.json")" false \
			"$t: zsctl status -J: compaction.compact_gated absent"
	fi

	# contention
	read -r Z1 Z2 <"$R/contention.devices"
	read -r GA0 GA SA0 SA <"$R/phase_a.gated"
	read -r PA0 PA <"$R/phase_a.compacted"
	G=$(raw_gated "$R/$Z1.mm_stat.after_contention")
	diag "$t: compact_gated: $Z1 (compacted device) $G, $GA0 -> $GA in phase A (shrinker only)" \
		"$t: compact_gated: $Z2 (swap device) $(raw_gated "$R/$Z2.mm_stat.after_contention"), $SA0 -> $SA in phase A (shrinker against one raw writer); zram0 $(raw_gated "$R/zram0.mm_stat.after_contention")" \
		"$t: shrinker compacted $Z1 in phase A: pages_compacted $PA0 -> $PA" \
		"$t: zsctl compact runs in phase B: $(cat "$R/zsctl.compact.runs"), reported as turned away by the kernel (kernel_gated): $(cat "$R/zsctl.compact.kernel_gated"); phase B took $(cat "$R/phase_b.seconds") s"
	echo "$t $GA0 $GA $SA0 $SA $PA0 $PA $G $(cat "$R/zsctl.compact.runs") $(cat "$R/zsctl.compact.kernel_gated") $(cat "$R/phase_b.seconds")" \
		>>"$RUN/gate-counts"
	[ -n "$PA" ] && [ "$PA" -gt "$PA0" ]
	ok $? "$t: the shrinker compacted $Z1 under memory pressure (phase A, no user space compaction: pages_compacted $PA0 -> $PA)"
	if [ "$mode" = patched ]; then
		[ "$G" != absent ] && [ "$G" -gt 0 ]
		ok $? "$t: compact_gated > 0 on $Z1 after contention ($G)"
	else
		is "$G" absent "$t: compact_gated absent on $Z1 after contention"
		is "$(cat "$R/zsctl.compact.kernel_gated")" 0 \
			"$t: no zsctl compact run reports kernel_gated"
	fi
	for d in zram0 "$Z1" "$Z2"; do
		is "$(col "$R/$d.mm_stat.after_contention" 10)" \
			"$(col "$R/$d.mm_stat.after_contention_json" 10)" \
			"$t: $d's compact_gated was still while zsctl read it"
		is "$(zsctl_gated "$R/zsctl.status.after_contention.json" "$d")" \
			"$(raw_gated "$R/$d.mm_stat.after_contention")" \
			"$t: zsctl status -J reports $d's compact_gated as mm_stat does"
	done
	if [ -s "$R/zsctl.compact.contention.json" ]; then
		diag "$t: zsctl compact runs in phase B by result, with compact_gated_delta > 0 / pages_compacted_delta > 0:" \
			"$(jq -s -r '[.[] | .devices[]?] | group_by(.result)[] |
				"  \(.[0].result): \(length) runs, \(map(select(.compact_gated_delta > 0)) | length) with a gate delta, \(map(select(.pages_compacted_delta > 0)) | length) with pages compacted"' \
				"$R/zsctl.compact.contention.json" 2>&1)"
	fi

	# maintenance: writeback to the backing device
	Z3=$(cat "$R/maintenance.device")
	is "$(awk '{ print ($1 > 0 && $3 > 0) }' "$R/$Z3.bd_stat.after_writeback")" 1 \
		"$t: writeback to the backing device (virtio disk): bd_count and bd_writes > 0 ($(tr -s ' ' <"$R/$Z3.bd_stat.after_writeback"))"
	is "$(jdev "$R/zsctl.status.maintenance.json" "$Z3" '.bd_stat | "\(.bd_count) \(.bd_reads) \(.bd_writes)"')" \
		"$(awk '{ print $1, $2, $3 }' "$R/$Z3.bd_stat.after_writeback")" \
		"$t: zsctl status -J reports $Z3's bd_stat as the kernel does"
	is "$(jdev "$R/zsctl.status.maintenance.json" "$Z3" .backing_dev)" /dev/vda \
		"$t: zsctl status -J: $Z3's backing_dev"
	is "$(grep -c . "$R/$Z3.block_state.after_idle")" \
		"$(awk '{ print $1 / 4096 }' "$R/$Z3.mm_stat.after_idle")" \
		"$t: block_state (memory tracking) lists a line per stored page"
	[ "$(awk '$NF ~ /i/' "$R/$Z3.block_state.after_idle" | wc -l)" -gt 0 ]
	ok $? "$t: block_state shows idle slots after idle=all"

	# zswap in a memory cgroup
	# zswpout is a VM event: a kernel without CONFIG_VM_EVENT_COUNTERS
	# (the 6.12 tinyconfig) has none, and meminfo's Zswapped says it instead
	f=$(vmstat_of "$R/vmstat.during" zswpout)
	if [ -n "$f" ]; then
		[ "$f" -gt 0 ]
		ok $? "$t: zswap stored pages of the cgroup's hog (zswpout $f)"
	else
		f=$(awk '$1 == "Zswapped:" { print $2 }' "$R/meminfo.during")
		[ -n "$f" ] && [ "$f" -gt 0 ]
		ok $? "$t: zswap stored pages of the cgroup's hog (no zswpout: no VM event counters; Zswapped $f kB)"
	fi
	grep -q '^zswap' "$R/zsmalloc_ls.during"
	ok $? "$t: zswap's zsmalloc pool is in debugfs ($(grep '^zswap' "$R/zsmalloc_ls.during" | tr '\n' ' '))"
	grep -q '^zswap ' "$R/cgroup.memory.stat.during" && [ -s "$R/cgroup.memory.zswap.during" ]
	ok $? "$t: the cgroup has memory.zswap.* and memory.stat's zswap fields"

	for p in $PARTS; do
		if [ -f "$HERE/parts/$p.host.sh" ]; then
			# shellcheck source=/dev/null
			. "$HERE/parts/$p.host.sh"
		fi
	done
}

for k in $KERNELS; do
	for mode in $MODES; do
		if [ $mode = patched ]; then img=${IMG_PATCHED[$k]}; else img=${IMG_PLAIN[$k]}; fi
		if boot "$k-$mode" "$mode" "$img"; then
			# a failed second boot is a failed check; its parts' checks then fail too
			[ -z "$RESTART_PARTS" ] || boot "$k-$mode" "$mode" "$img" restart
			check_guest "$k-$mode" "$mode"
		fi
		lap "$k boot $mode"
	done
done

# ---- 8. the captured files, for fixtures ------------------------------------------
# All the kernel's own files each guest saved (not zsctl's output, nor the
# steps' exit statuses), per kernel and mode: see captured/README.md.
CAP=$RUN/captured
for k in $KERNELS; do
	for mode in patched unpatched; do
		R=$RUN/$k-$mode/results
		[ -f "$R/guest.log" ] || continue
		d=$CAP/linux-${KVERS[$k]}-$mode
		mkdir -p "$d"
		# (not the steps' own output: fill.*, mkswap.*, writeback.*, ... are
		# empty or mkswap's chatter)
		(cd "$R" && find . -maxdepth 1 -type f ! -empty ! -name 'zsctl.*' ! -name '*.rc' ! -name '*.err' \
			! -name 'mkswap.*' ! -name 'swapon.*' \
			! -name 'dmesg' ! -name 'phase_*' ! -name '*.devices' ! -name '*.device' \
			! -name 'nproc' ! -name 'zswap.hog' ! -name 'guest.log' \
			! -name '*.json_before' ! -name '*.json_after' ! -name '*_json' \
			! -name '*.block_state.empty' ! -name '*.block_state.after_write' \
			! -name '*.block_state.after_recompress' -print0 | xargs -0 cp -t "$d")
	done
done
if [ -d "$CAP" ]; then
	DEST=$HERE/captured
	for d in "$CAP"/linux-*; do
		if [ "${ZSCTL_KERNEL_UPDATE_CAPTURED:-0}" = 1 ] || [ ! -d "$DEST/$(basename "$d")" ]; then
			rm -rf "${DEST:?}/$(basename "$d")" && cp -r "$d" "$DEST/" &&
				diag "captured files saved in $DEST/$(basename "$d")"
		else
			diag "captured files of this run: $d (ZSCTL_KERNEL_UPDATE_CAPTURED=1 to update $DEST)"
		fi
	done
fi
lap "captured files"

diag "compact_gated by guest: name phaseA-Z1(before after) phaseA-Z2(before after) phaseA-pages_compacted(before after) Z1-final zsctl-runs zsctl-kernel_gated phaseB-s" \
	"$(cat "$RUN/gate-counts" 2>/dev/null)"
echo "1..$n"
timings
if [ $failed -ne 0 ]; then
	echo "# FAIL: $failed of $n checks failed (results and logs in $RUN)"
	exit 1
fi
[ "$KERNELS" = "6.12 7.3" ] && [ "$MODES" = "patched unpatched" ] ||
	echo "# only Linux $KERNELS, $MODES (ZSCTL_KERNEL_ONLY, ZSCTL_KERNEL_MODES): not the whole matrix"
[ -n "$PARTS" ] && echo "# parts: $(echo $PARTS)"
echo "# PASS: all $n checks (results and logs in $RUN)"
