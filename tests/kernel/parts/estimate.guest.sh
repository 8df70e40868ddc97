# shellcheck shell=sh
# Part "estimate" (bench/estimate): samples of what compaction really frees,
# beside what mm_stat and the class statistics said just before. Sourced by
# the guest's /init (busybox sh). Each sample of a device:
#   $R/estimate.N.before   mm_stat just before the compaction
#   $R/estimate.N.classes  its zsmalloc classes file (freeable: the exact answer)
#   $R/estimate.N.after    mm_stat just after writing compact
# and a line "N WORKLOAD DEVICE ALGORITHM DISKSEQ" in $R/estimate.samples.
# The host (estimate.host.sh, bench/estimate/analyse.sh) computes the
# estimates from these files, so the guest needs no particular zsctl.
# Writers are stopped (SIGSTOP) while a sample is taken, so the compaction's
# mm_stat delta is the compaction's alone.

EST_N=0
est_sample() {
	# est_sample WORKLOAD DEVICE ALGORITHM
	EST_N=$((EST_N + 1))
	_f=$R/estimate.$EST_N
	cat "/sys/block/$2/mm_stat" >"$_f.before"
	cat "/sys/kernel/debug/zsmalloc/$2/classes" >"$_f.classes" 2>/dev/null
	echo 1 >"/sys/block/$2/compact"
	cat "/sys/block/$2/mm_stat" >"$_f.after"
	echo "$EST_N $1 $2 $3 $(cat "/sys/block/$2/diskseq" 2>/dev/null || echo -)" >>$R/estimate.samples
}
est_device() {
	# est_device ALGORITHM SIZE: a new device with that algorithm
	_d=$(new_zram_setup) || return 1
	echo "$1" >"/sys/block/$_d/comp_algorithm" 2>/dev/null || log "estimate: $_d: no $1"
	echo "$2" >"/sys/block/$_d/disksize" || return 1
	echo "$_d"
}
est_gone() { echo "${1#zram}" >/sys/class/zram-control/hot_remove; }

: >$R/estimate.samples
log "estimate: start"

# ---- 1. the synthetic fill: mixed pages, discarded in steps, rewritten ------
for algo in lzo-rle zstd; do
	D=$(est_device $algo 96M) || { log "estimate: no device"; break; }
	$ZG fill "/dev/$D" 0 12288 7 >/dev/null 2>&1
	est_sample fill-fresh "$D" $algo
	# every 2nd, then 3rd and 5th page of a range: fragmentation growing in steps
	$ZG discard "/dev/$D" 0 4096 2 >/dev/null 2>&1
	est_sample fill-discard "$D" $algo
	est_sample fill-again "$D" $algo
	$ZG discard "/dev/$D" 4096 4096 3 >/dev/null 2>&1
	est_sample fill-discard "$D" $algo
	$ZG discard "/dev/$D" 8192 4096 5 >/dev/null 2>&1
	est_sample fill-discard "$D" $algo
	for s in 1 2 3 4; do
		$ZG churn "/dev/$D" 12288 1 >/dev/null 2>&1
		est_sample fill-churn "$D" $algo
	done
	$ZG fill "/dev/$D" 0 6144 11 >/dev/null 2>&1
	est_sample fill-rewrite "$D" $algo
	$ZG discard "/dev/$D" 1 12287 2 >/dev/null 2>&1
	est_sample fill-discard "$D" $algo
	est_gone "$D"
done

# ---- 2. swap under a memory cgroup: mixed data freed at random, then in chunks
# zswap would take the pages before zram sees them: off for this workload
ZSW=$(cat /sys/module/zswap/parameters/enabled)
echo N >/sys/module/zswap/parameters/enabled
for algo in lzo-rle zstd; do
	D=$(est_device $algo 192M) || break
	# the other swap device (/dev/vdb) off meanwhile: every page goes to this one
	VDB=""
	grep -q '^/dev/vdb ' /proc/swaps && swapoff /dev/vdb && VDB=1
	if ! mkswap "/dev/$D" >/dev/null 2>&1 || ! swapon "/dev/$D"; then
		log "estimate: swapon $D failed"
		[ -n "$VDB" ] && swapon /dev/vdb
		est_gone "$D"
		continue
	fi
	mkdir -p /sys/fs/cgroup/est
	echo 20M >/sys/fs/cgroup/est/memory.max
	echo 0 >/sys/fs/cgroup/est/memory.zswap.max 2>/dev/null
	HOGS=""
	for mib in 14 10 18 12 16; do
		sh -c "echo \$\$ >/sys/fs/cgroup/est/cgroup.procs && exec $ZG hog $mib 900" >/dev/null 2>&1 &
		HOGS="$HOGS $!"
	done
	# the hogs' random writes fault pages in: their swap slots are freed at random
	for s in 1 2 3 4 5 6; do
		sleep 3
		for p in $HOGS; do kill -STOP "$p" 2>/dev/null; done
		est_sample swap-random "$D" $algo
		for p in $HOGS; do kill -CONT "$p" 2>/dev/null; done
	done
	# then whole processes go: their pages are freed in chunks, in an odd order
	for p in $(echo "$HOGS" | awk '{ print $3, $1, $5, $2, $4 }'); do
		for q in $HOGS; do kill -STOP "$q" 2>/dev/null; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		sleep 1
		est_sample swap-chunk "$D" $algo
		for q in $HOGS; do kill -CONT "$q" 2>/dev/null; done
	done
	swapoff "/dev/$D" 2>/dev/null
	[ -n "$VDB" ] && swapon /dev/vdb
	rmdir /sys/fs/cgroup/est 2>/dev/null
	est_gone "$D"
done
echo "$ZSW" >/sys/module/zswap/parameters/enabled

# ---- 3. zero and huge pages among the mixed ones -------------------------------
for algo in lz4 lzo-rle; do
	D=$(est_device $algo 64M) || break
	dd if=/dev/zero of="/dev/$D" bs=4096 count=2048 2>/dev/null
	dd if=/dev/urandom of="/dev/$D" bs=4096 seek=2048 count=2048 2>/dev/null
	$ZG fill "/dev/$D" 4096 8192 3 >/dev/null 2>&1
	est_sample zero-huge "$D" $algo
	$ZG discard "/dev/$D" 0 12288 2 >/dev/null 2>&1
	est_sample zero-huge "$D" $algo
	$ZG discard "/dev/$D" 1 12287 6 >/dev/null 2>&1
	est_sample zero-huge "$D" $algo
	dd if=/dev/urandom of="/dev/$D" bs=4096 seek=6144 count=1024 conv=notrunc 2>/dev/null
	$ZG churn "/dev/$D" 12288 1 >/dev/null 2>&1
	est_sample zero-huge "$D" $algo
	est_gone "$D"
done
log "estimate: $EST_N samples"
