# zsctl status while zsctl maintain writes back (sourced by the guest's
# /init; busybox sh). Since 7.0 writeback_store() holds zram's dev_lock for
# writing for its whole run and every attribute read waits behind it: status
# must say the device is busy instead of reading it. BZ: 128M with 64M of
# idle pages, backed by BB (a virtio disk of its own); maintain writes back
# all of it in one round, in the background, one page a request. Once its
# phase file says writeback, status, status -J and a raw read of mm_stat
# start together, each timed: the raw read is the control that shows the
# device was really locked. zsctl get, set and remove start with them: they
# take the default gate (no --lock-file), so this maintain holds that one.
# BB is a disk (/dev/vdd, 80M), not a zram device: a writer of a disk sleeps
# on each page's I/O. A zram backing device never sleeps, and 6.12's
# writeback loop has no cond_resched(): on its non-preemptible tinyconfig
# kernel the loop held one CPU for the whole writeback, RCU stalled ("rcu_sched
# self-detected stall"), and zsctl status, waiting for a grace period, took
# as long as the writeback (33 s).
BB=vdd
BZ=$(new_zram_setup) || log "busy: hot_add failed"
echo "$BZ $BB" >$R/busy.devices
run busy.backing_dev sh -c "echo /dev/$BB >/sys/block/$BZ/backing_dev"
echo 128M >"/sys/block/$BZ/disksize"
# one page a request (6.19+; 32 by default): a slower writeback, a wider window
[ -e "/sys/block/$BZ/writeback_batch_size" ] &&
	run busy.batch_size sh -c "echo 1 >/sys/block/$BZ/writeback_batch_size"
mkdir -p /tmp/busy /run/lock
printf '[maintain]\n' >/tmp/busy/empty.conf
BL=/run/lock/zsctl-compact.lock
BG="--lock-file $BL --state-file /tmp/busy/compact.state"
BP="-p recompress=no -p compact=no -p writeback-age-min=1s -p writeback-age-max=1s"
BP="$BP -p writeback-min=0 -p writeback-max=1G -p writeback-daily=1G -p writeback-backoff=0"
run busy.fill $ZG fill "/dev/$BZ" 0 16384 7
sleep 2
cat "/sys/block/$BZ/bd_stat" >$R/busy.bd_stat.before
# shellcheck disable=SC2086
$ZS maintain $BG --config /tmp/busy/empty.conf $BP -J "$BZ" >$R/busy.maintain.json 2>$R/busy.maintain.err &
bpid=$!
echo "$bpid" >$R/busy.maintain.pid
# its phase file, once it writes back (at most 20 s)
i=0
while ! grep -q "^$bpid writeback $BZ " $BL.phase 2>/dev/null && [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
cp $BL.phase $R/busy.phase 2>/dev/null
# all at once, the writeback being short under emulation: the control (a raw
# read of mm_stat, which waits for the writeback on 7.x), status -J, status
t0=$(uptime_s)
(cat "/sys/block/$BZ/mm_stat" >$R/busy.mm_stat.raw; uptime_s >$R/busy.raw.end) &
rawpid=$!
# shellcheck disable=SC2086
($ZS status $BG -J >$R/busy.status.json 2>$R/busy.status.json.err; uptime_s >$R/busy.json.end) &
jpid=$!
# get: refused on 7.x (a read waits), read on 6.x; set mem_limit: refused on
# both (its store takes the lock for writing)
($ZS get "$BZ" disksize >$R/busy.get.out 2>$R/busy.get.err; echo $? >$R/busy.get.exit; uptime_s >$R/busy.get.end) &
gpid=$!
($ZS set -q "$BZ" mem_limit=1G >$R/busy.set.out 2>$R/busy.set.err; echo $? >$R/busy.set.exit; uptime_s >$R/busy.set.end) &
spid=$!
# remove: refused on both (its reset takes the lock for writing)
($ZS remove -q "$BZ" >$R/busy.remove.out 2>$R/busy.remove.err; echo $? >$R/busy.remove.exit) &
rmpid=$!
# shellcheck disable=SC2086
$ZS status $BG >$R/busy.status.txt 2>$R/busy.status.err
echo $? >$R/busy.status.rc
t1=$(uptime_s)
wait "$jpid"
t2=$(cat $R/busy.json.end)
wait "$gpid"
wait "$spid"
wait "$rmpid"
# still writing back when both were done: the runs overlapped
cp $BL.phase $R/busy.phase.after 2>/dev/null
wait "$rawpid"
t3=$(cat $R/busy.raw.end)
echo "$t0 $t1 $t2 $t3" >$R/busy.times
wait "$bpid"
echo $? >$R/busy.maintain.rc
t4=$(uptime_s)
echo "$t4" >$R/busy.times.end
cat "/sys/block/$BZ/bd_stat" >$R/busy.bd_stat.after
ls /tmp/busy /run/lock >$R/busy.ls.after
log "busy: from $t0: status until $t1, status -J until $t2, a raw mm_stat read until $t3; maintain ended at $t4"
