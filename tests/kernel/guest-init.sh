#!/bin/busybox sh
# /init of the initramfs that tests/kernel/check-kernel.sh boots under qemu.
# Runs the workload, writes every result into /results, then sends /results
# as a base64 tar between markers on the second serial port (ttyS1; the
# console, ttyS0, carries only the progress log) and reboots (qemu runs
# with -no-reboot, so that ends it). The host script makes all the checks;
# this script only gathers.
#
# Kernel command line: zsctl_mode=patched|unpatched, zsctl_contention=SECS
# (upper bound of the contention phase), zsctl_phase=first|restart (the
# second boot of the same kernel: only the parts' NAME.restart.sh run).
#
# Disks (qemu virtio-blk): /dev/vda, the backing device of zram3 (writeback);
# /dev/vdb, a swap partition behind zswap; /dev/vdc, a tar of /keep, which the
# first boot's parts fill and the second boot finds again; /dev/vdd and
# /dev/vde, the backing devices of the busy and rawwb parts' writeback.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup

R=/results
mkdir -p $R
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
MODE=$(arg zsctl_mode)
MAXSECS=$(arg zsctl_contention)
: "${MAXSECS:=60}"

log() { echo "zsctl-guest: $*"; echo "$*" >>$R/guest.log; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# run NAME CMD...: stdout to $R/NAME, stderr and exit status to the log
run() {
	_n=$1
	shift
	"$@" >"$R/$_n" 2>"$R/$_n.err"
	_rc=$?
	echo "$_rc" >"$R/$_n.rc"
	[ -s "$R/$_n.err" ] || rm -f "$R/$_n.err"
	log "$_n: exit $_rc"
	return $_rc
}
# snap DEV STAGE: the raw mm_stat and classes of a device, byte for byte
snap() {
	cat "/sys/block/$1/mm_stat" >"$R/$1.mm_stat.$2"
	if [ -r "/sys/kernel/debug/zsmalloc/$1/classes" ]; then
		cat "/sys/kernel/debug/zsmalloc/$1/classes" >"$R/zs.$1.classes.$2"
	fi
}
compacted() { awk '{ print $7 }' "/sys/block/$1/mm_stat"; }
gated() { awk '{ print ($10 == "" ? "absent" : $10) }' "/sys/block/$1/mm_stat"; }
new_zram() {
	# $1: size. Prints the new device's name (zram0 exists from boot).
	_id=$(cat /sys/class/zram-control/hot_add) || return 1
	echo "$1" >"/sys/block/zram$_id/disksize" || return 1
	echo "zram$_id"
}
# a new device, not set up yet (backing_dev and algorithms come first)
new_zram_setup() {
	_id=$(cat /sys/class/zram-control/hot_add) || return 1
	echo "zram$_id"
}
# run_parts SUFFIX: source each /parts/*.SUFFIX (tests/kernel/parts/README.md)
run_parts() {
	for p in /parts/*."$1"; do
		[ -f "$p" ] || continue
		log "part ${p##*/}"
		# shellcheck source=/dev/null
		. "$p"
	done
}
finish() {
	log "done after $(uptime_s) s of uptime"
	uname -a >$R/uname
	cat /proc/sys/kernel/osrelease >$R/osrelease
	cat /proc/meminfo >$R/meminfo
	cat /proc/vmstat >$R/vmstat
	ls /sys/kernel/debug/zsmalloc/ >$R/zsmalloc_ls 2>&1
	dmesg >$R/dmesg
	if [ -d /keep ] && [ "$(arg zsctl_phase)" != restart ]; then
		tar -cf /dev/vdc -C /keep . 2>>$R/guest.log || log "cannot keep /keep on /dev/vdc"
	fi
	echo 1 >/proc/sys/kernel/printk
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	{
		echo "==== ZSCTL-RESULTS BEGIN ===="
		# gzip: the emulated UART moves a few KiB/s under TCG
		tar -c -C $R . | gzip -c | base64
		echo "==== ZSCTL-RESULTS END ===="
	} >/dev/ttyS1
	sync
	reboot -f
	sleep 10
}

nproc >$R/nproc
log "mode=$MODE kernel=$(uname -r) cpus=$(nproc) mem=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)kB"
ZG=/bin/zs-guest
ZS=/bin/zsctl

# ---- the second boot: what outlives a reboot --------------------------------
if [ "$(arg zsctl_phase)" = restart ]; then
	mkdir -p /keep
	tar -xf /dev/vdc -C /keep 2>>$R/guest.log || log "restart: nothing kept on /dev/vdc"
	run_parts restart.sh
	finish
fi

# ---- one device, one caller ------------------------------------------------
# zram0 exists from boot. Fill it, fragment it, look at it with zsctl, then
# compact it once, alone, on an otherwise idle machine.
echo 128M >/sys/block/zram0/disksize
snap zram0 empty
if [ "$MODE" = unpatched ]; then
	PAGES=2048
else
	PAGES=8192
fi
run fill.zram0 $ZG fill /dev/zram0 0 $PAGES 1
snap zram0 after_write
run discard.zram0 $ZG discard /dev/zram0 0 $PAGES 2
snap zram0 after_discard
ls -l /sys/block/zram0/ >$R/zram0_sysfs_ls
run zsctl.status.txt $ZS status
run zsctl.status.json $ZS status -J
# the classes file, zsctl's view of it, the classes file again: the pool is
# idle, so the two raw copies must be equal and zsctl must agree with them
cat /sys/kernel/debug/zsmalloc/zram0/classes >$R/zs.zram0.classes.json_before
run zsctl.status-classes.json $ZS status --classes -J
run zsctl.status-classes.txt $ZS status --classes
cat /sys/kernel/debug/zsmalloc/zram0/classes >$R/zs.zram0.classes.json_after
snap zram0 before_compact
run zsctl.compact.solo.json $ZS compact --force -J \
	--lock-file /tmp/solo.lock --state-file /tmp/solo.state zram0
snap zram0 after_compact
run zsctl.status.after_compact.json $ZS status -J
snap zram0 after_status

# ---- contention ------------------------------------------------------------
# zram1: a fragmented pool kept fragmented by a churn writer, compacted by
# three zsctl (each with its own lock file, so user space does not gate
# them: the point is the kernel's gate), three raw writers of compact, and
# the zsmalloc shrinker, driven by a memory hog that swaps to zram2.
Z1=$(new_zram 256M) || log "hot_add failed"
Z2=$(new_zram 512M) || log "hot_add failed"
log "contention devices: $Z1 (compacted), $Z2 (swap)"
run "fill.$Z1" $ZG fill "/dev/$Z1" 0 16384 2
run "discard.$Z1" $ZG discard "/dev/$Z1" 0 16384 2
snap "$Z1" after_discard
run "mkswap.$Z2" mkswap "/dev/$Z2"
run "swapon.$Z2" swapon "/dev/$Z2"
snap "$Z2" after_swapon
MEMMB=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
HOGMB=$MEMMB

PIDS=""
# every loop below runs until /tmp/stop exists, so that stopping them leaves
# no compaction half done behind the measurements
bg() { "$@" >/dev/null 2>&1 & PIDS="$PIDS $!"; }
stop_all() {
	touch /tmp/stop
	# shellcheck disable=SC2086
	wait $PIDS 2>/dev/null
	PIDS=""
}
raw_writer() { while [ ! -e /tmp/stop ]; do echo 1 >"/sys/block/$1/compact"; done; }
# the hog is restarted if the OOM killer takes it
hog_loop() { while [ ! -e /tmp/stop ]; do $ZG hog "$1" 2; done; }
churn_loop() { while [ ! -e /tmp/stop ]; do $ZG churn "/dev/$1" "$2" 1; done; }
zsctl_loop() {
	# $1: n. Keeps every JSON document; counts the runs the kernel turned away.
	while [ ! -e /tmp/stop ]; do
		$ZS compact --force -J --lock-file "/tmp/c$1.lock" \
			--state-file "/tmp/c$1.state" "$Z1" >"/tmp/c$1.out" 2>&1
		cat "/tmp/c$1.out" >>"/tmp/c$1.all"
		echo run >>"/tmp/c$1.runs"
		if grep -q '"kernel_gated": true' "/tmp/c$1.out"; then
			cp "/tmp/c$1.out" /tmp/gated.json
		fi
	done
}

# Phase A: the shrinker against a single user space compactor, on the swap
# device, whose pool the hog keeps fragmenting. Only one process compacts it
# from user space, so any compaction gated here met the kernel's shrinker.
G0=$(gated "$Z1")
S0=$(gated "$Z2")
P0=$(compacted "$Z1")
log "phase A (shrinker + one raw writer on $Z2): hog ${HOGMB} MiB of ${MEMMB} MiB"
bg hog_loop "$HOGMB"
bg churn_loop "$Z1" 16384
bg raw_writer "$Z2"
sleep 8
GA=$(gated "$Z1")
SA=$(gated "$Z2")
PA=$(compacted "$Z1")
echo "$G0 $GA $S0 $SA" >$R/phase_a.gated
echo "$P0 $PA" >$R/phase_a.compacted
log "phase A: $Z1 compact_gated $G0 -> $GA, pages_compacted $P0 -> $PA (the shrinker's);" \
	"$Z2 compact_gated $S0 -> $SA"

# Phase B: everyone on zram1, until the gate has turned someone away there
# (at least 5 s, at most MAXSECS).
log "phase B (3 zsctl compact, 3 raw writers on $Z1, shrinker): up to $MAXSECS s"
for n in 1 2 3; do bg zsctl_loop $n; done
bg raw_writer "$Z1"
bg raw_writer "$Z1"
bg raw_writer "$Z1"
start=$(date +%s)
while :; do
	sleep 1
	el=$(($(date +%s) - start))
	g=$(gated "$Z1")
	# without the series there is nothing to wait for: 5 s
	[ "$g" = absent ] && [ "$el" -ge 5 ] && break
	[ "$g" != absent ] && [ "$g" -gt "$GA" ] && [ "$el" -ge 5 ] && break
	[ "$el" -ge "$MAXSECS" ] && break
done
stop_all
swapoff "/dev/$Z2" 2>/dev/null
log "phase B: $el s, $Z1 compact_gated $(gated "$Z1"), $Z2 compact_gated $(gated "$Z2")"
echo "$el" >$R/phase_b.seconds
cat /tmp/c*.runs 2>/dev/null | wc -l >$R/zsctl.compact.runs
cat /tmp/c*.all 2>/dev/null | grep -c '"kernel_gated": true' >$R/zsctl.compact.kernel_gated
[ -f /tmp/gated.json ] && cp /tmp/gated.json $R/zsctl.compact.gated.json
cat /tmp/c*.all >$R/zsctl.compact.contention.json 2>/dev/null

# Quiet now: the raw files and zsctl's JSON must agree.
for d in zram0 "$Z1" "$Z2"; do snap "$d" after_contention; done
run zsctl.status.after_contention.json $ZS status -J
for d in zram0 "$Z1" "$Z2"; do snap "$d" after_contention_json; done
run zsctl.status-classes.after_contention.json $ZS status --classes -J
echo "$Z1 $Z2" >$R/contention.devices

# ---- maintenance: idle, recompress, writeback to a backing device -----------
# zram3 on /dev/vda, zstd as its second algorithm; 1024 pages written, all
# marked idle, the huge ones recompressed, the idle ones written back.
# block_state (debugfs, CONFIG_ZRAM_MEMORY_TRACKING) shows each slot's flags
# and access time around each step.
Z3=$(new_zram_setup) || log "hot_add failed"
echo "$Z3" >$R/maintenance.device
snapm() {
	for f in mm_stat bd_stat debug_stat io_stat; do
		cat "/sys/block/$Z3/$f" >"$R/$Z3.$f.$1" 2>/dev/null
	done
	cat "/sys/kernel/debug/zram/$Z3/block_state" >"$R/$Z3.block_state.$1" 2>/dev/null
}
run "backing_dev.$Z3" sh -c "echo /dev/vda >/sys/block/$Z3/backing_dev"
run "recomp_algorithm.$Z3" sh -c "echo 'algo=zstd priority=1' >/sys/block/$Z3/recomp_algorithm"
echo 16M >"/sys/block/$Z3/disksize"
ls -l "/sys/block/$Z3/" >$R/zram_sysfs_ls
for f in /sys/block/$Z3/*; do
	[ -f "$f" ] && [ -r "$f" ] || continue
	printf '%s: ' "${f##*/}"
	cat "$f" 2>&1 | head -n 3 | tr '\n' ' '
	echo
done >$R/zram_attrs
snapm empty
run "fill.$Z3" $ZG fill "/dev/$Z3" 0 1024 3
snapm after_write
run "idle.$Z3" sh -c "echo all >/sys/block/$Z3/idle"
snapm after_idle
run "recompress.$Z3" sh -c "echo 'type=huge priority=1' >/sys/block/$Z3/recompress"
snapm after_recompress
run "writeback.$Z3" sh -c "echo idle >/sys/block/$Z3/writeback"
snapm after_writeback
run zsctl.status.maintenance.json $ZS status -J "$Z3"

# ---- zswap in a memory cgroup, swapping to /dev/vdb ----------------------------
# zram swap is off by now; zswap sits in front of the disk swap. The hog runs
# in a cgroup whose memory.max is below what it touches.
run mkswap.vdb mkswap /dev/vdb
run swapon.vdb swapon /dev/vdb
echo Y >/sys/module/zswap/parameters/enabled
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/zs
echo 48M >/sys/fs/cgroup/zs/memory.max
# zswap's pool is charged to the cgroup: past 16M zswap refuses pages, and
# they go to the disk (else the cgroup fills with its own zswap pool and
# the OOM killer takes the hog)
echo 16M >/sys/fs/cgroup/zs/memory.zswap.max
sh -c "echo \$\$ >/sys/fs/cgroup/zs/cgroup.procs && exec $ZG hog 96 6" >$R/zswap.hog 2>&1 &
HOG=$!
sleep 4
# while the hog holds its memory: zswap's pool is full of its pages
capz() {
	for f in /sys/module/zswap/parameters/*; do echo "${f##*/}: $(cat "$f")"; done >$R/zswap.parameters.$1
	for f in /sys/kernel/debug/zswap/*; do echo "${f##*/}: $(cat "$f")"; done >$R/zswap.debugfs.$1
	cat /proc/meminfo >$R/meminfo.$1
	cat /proc/vmstat >$R/vmstat.$1
	cat /sys/fs/cgroup/zs/memory.stat >$R/cgroup.memory.stat.$1
	for f in /sys/fs/cgroup/zs/memory.zswap.*; do echo "${f##*/}: $(cat "$f")"; done >$R/cgroup.memory.zswap.$1
	ls /sys/kernel/debug/zsmalloc/ >$R/zsmalloc_ls.$1
	for p in /sys/kernel/debug/zsmalloc/zswap*; do
		[ -r "$p/classes" ] && cat "$p/classes" >"$R/zs.${p##*/}.classes.$1"
	done
}
capz during
wait $HOG
echo $? >$R/zswap.hog.rc
capz after

# ---- the parts (tests/kernel/parts/NAME.guest.sh), each on its own devices ----
run_parts guest.sh
finish
