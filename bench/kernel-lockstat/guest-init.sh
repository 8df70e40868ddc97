#!/bin/busybox sh
# /init of the guests of bench/kernel-lockstat (see bench/README.md). One
# run of the swap-heavy workload with /proc/lock_stat on, then the results
# go out as a base64 tar on the second serial port, as in tests/kernel/.
#
# Kernel command line: zsctl_tasks=N zsctl_mib=MIB zsctl_rounds=R
# zsctl_compactors=C (user space writers of zram0's compact, each one
# compaction every 200 ms; 0 for reclaim alone).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

R=/results
mkdir -p $R
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
TASKS=$(arg zsctl_tasks)
MIB=$(arg zsctl_mib)
ROUNDS=$(arg zsctl_rounds)
COMPACTORS=$(arg zsctl_compactors)
log() { echo "zsctl-guest: $*"; echo "$*" >>$R/guest.log; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime; }

log "kernel=$(uname -r) cpus=$(nproc) mem=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)kB tasks=$TASKS mib=$MIB rounds=$ROUNDS compactors=$COMPACTORS"
echo 1G >/sys/block/zram0/disksize
mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 || log "swapon failed"

compactor() { while [ ! -e /tmp/stop ]; do echo 1 >/sys/block/zram0/compact; usleep 200000; done; }

cat /sys/block/zram0/mm_stat >$R/mm_stat.before
grep -E '^(pswpin|pswpout|compact_|pgsteal|pgscan)' /proc/vmstat >$R/vmstat.before
echo 0 >/proc/lock_stat
echo 1 >/proc/sys/kernel/lock_stat
t0=$(uptime_cs)
PIDS=""
i=0
while [ $i -lt "$TASKS" ]; do
	/bin/zs-guest touch "$MIB" "$ROUNDS" $((i + 1)) & PIDS="$PIDS $!"
	i=$((i + 1))
done
CPIDS=""
i=0
while [ $i -lt "${COMPACTORS:-0}" ]; do
	compactor & CPIDS="$CPIDS $!"
	i=$((i + 1))
done
rc=0
for p in $PIDS; do wait "$p" || rc=1; done
t1=$(uptime_cs)
echo 0 >/proc/sys/kernel/lock_stat
touch /tmp/stop
# shellcheck disable=SC2086
[ -n "$CPIDS" ] && wait $CPIDS
echo $rc >$R/tasks.rc
echo $((t1 - t0)) >$R/elapsed_cs
cat /proc/lock_stat >$R/lock_stat
cat /sys/block/zram0/mm_stat >$R/mm_stat.after
grep -E '^(pswpin|pswpout|compact_|pgsteal|pgscan)' /proc/vmstat >$R/vmstat.after
uname -r >$R/osrelease
log "done: elapsed $((t1 - t0)) cs, tasks exit $rc, mm_stat $(cat $R/mm_stat.after)"
dmesg >$R/dmesg
echo 1 >/proc/sys/kernel/printk
stty -F /dev/ttyS1 raw -echo 2>/dev/null
{
	echo "==== ZSCTL-RESULTS BEGIN ===="
	tar -c -C $R . | gzip -c | base64
	echo "==== ZSCTL-RESULTS END ===="
} >/dev/ttyS1
sync
reboot -f
sleep 10
