#!/bin/sh
# Build the generated part of the fuzz seed corpus: the real kernel captures
# of tests/data/kernel-abi (and the fixture trees made from them) sorted by
# the parser that reads them, one directory per fuzz target.
#   make-seeds.sh SRCDIR OUTDIR
# The hand-written seeds (sizes, durations, state files, device names,
# set values, edge cases) are in fuzz/seeds/TARGET and need no generating.
set -eu
src=$1
out=$2
abi="$src/tests/data/kernel-abi"
fix="$src/tests/fixtures"

[ -d "$abi" ] || { echo "make-seeds.sh: no $abi" >&2; exit 1; }
rm -rf "$out.tmp"
mkdir -p "$out.tmp"

# put TARGET FILE [PREFIX]: copy FILE as a seed of TARGET, its name a hash of the content
put()
{
	mkdir -p "$out.tmp/$1"
	if [ -n "${3:-}" ]; then
		{ printf '%s' "$3"; cat "$2"; } >"$out.tmp/$1/seed"
	else
		cat "$2" >"$out.tmp/$1/seed"
	fi
	h=$(sha1sum <"$out.tmp/$1/seed" | cut -c1-16)
	mv "$out.tmp/$1/seed" "$out.tmp/$1/$h"
}

for f in "$abi"/*/* "$fix"/*/sys/block/*/* "$fix"/*/sys/kernel/debug/zsmalloc/*/classes; do
	[ -f "$f" ] || continue
	case "$f" in
	*mm_stat*) put mm-stat "$f"; put u64 "$f" ' ' ;;
	*io_stat*) put io-stat "$f"; put u64 "$f" ' ' ;;
	*bd_stat*) put bd-stat "$f"; put u64 "$f" ' ' ;;
	*debug_stat*) put debug-stat "$f" ;;
	*comp_algorithm*) put comp-algorithm "$f" ;;
	*classes*) put classes "$f" ;;
	*disksize* | *initstate* | */max_comp_streams | */writeback_limit*) put u64 "$f" ' ' ;;
	esac
done
# sysroot: each fixture tree's zram0 as one input, the files in the order of
# fuzz/fuzz-sysroot.c, separated by \001 (\002 for an absent file)
sep=$(printf '\001')
for d in "$fix"/*/; do
	[ -d "$d/sys/block/zram0" ] || continue
	mkdir -p "$out.tmp/sysroot"
	seed="$out.tmp/sysroot/seed"
	: >"$seed"
	first=1
	for f in sys/block/zram0/dev sys/block/zram0/initstate sys/block/zram0/disksize \
		sys/block/zram0/comp_algorithm sys/block/zram0/mm_stat sys/block/zram0/io_stat \
		sys/block/zram0/bd_stat sys/block/zram0/debug_stat sys/block/zram0/max_comp_streams \
		sys/block/zram0/backing_dev sys/block/zram0/writeback_limit \
		sys/block/zram0/writeback_limit_enable sys/kernel/debug/zsmalloc/zram0/classes \
		proc/self/mountinfo proc/swaps sys/block/zram0/orig_data_size \
		sys/block/zram0/compr_data_size sys/block/zram0/mem_used_total \
		sys/block/zram0/num_migrated sys/block/zram0/failed_reads \
		sys/block/zram0/mem_limit sys/block/zram0/idle; do
		[ "$first" = 1 ] || printf '%s' "$sep" >>"$seed"
		first=0
		if [ -f "$d/$f" ]; then cat "$d/$f" >>"$seed"; else printf '\002' >>"$seed"; fi
	done
	printf '%smem_limit=1G' "$sep" >>"$seed"
	h=$(sha1sum <"$seed" | cut -c1-16)
	mv "$seed" "$out.tmp/sysroot/$h"
done

rm -rf "$out"
mv "$out.tmp" "$out"
