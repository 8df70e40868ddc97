# zsctl status while zsctl maintain writes back (sourced by the guest's
# /init; busybox sh). Since 7.0 writeback_store() holds zram's dev_lock for
# writing for its whole run and every attribute read waits behind it: status
# must say the device is busy instead of reading it. BZ: 128M with 64M of
# idle pages, backed by BB (a zram device of its own); maintain writes back
# all of it in one round, in the background. Once its phase file says
# writeback, status (table, then JSON) runs, timed, and then a raw read of
# mm_stat, timed too: the control that shows the device was really locked.
BB=$(new_zram 160M) || log "busy: hot_add failed"
BZ=$(new_zram_setup) || log "busy: hot_add failed"
echo "$BZ $BB" >$R/busy.devices
run busy.backing_dev sh -c "echo /dev/$BB >/sys/block/$BZ/backing_dev"
echo 128M >"/sys/block/$BZ/disksize"
mkdir -p /tmp/busy
printf '[maintain]\n' >/tmp/busy/empty.conf
BG="--lock-file /tmp/busy/gate.lock --state-file /tmp/busy/compact.state"
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
while ! grep -q "^$bpid writeback $BZ " /tmp/busy/gate.lock.phase 2>/dev/null && [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
cp /tmp/busy/gate.lock.phase $R/busy.phase 2>/dev/null
# shellcheck disable=SC2086
t0=$(uptime_s)
$ZS status $BG >$R/busy.status.txt 2>$R/busy.status.err
echo $? >$R/busy.status.rc
t1=$(uptime_s)
# shellcheck disable=SC2086
$ZS status $BG -J >$R/busy.status.json 2>$R/busy.status.json.err
t2=$(uptime_s)
# still writing back when status was done: the runs overlapped
cp /tmp/busy/gate.lock.phase $R/busy.phase.after 2>/dev/null
kill -0 "$bpid" 2>/dev/null && echo running >$R/busy.maintain.after_status
cat "/sys/block/$BZ/mm_stat" >$R/busy.mm_stat.raw
t3=$(uptime_s)
echo "$t0 $t1 $t2 $t3" >$R/busy.times
wait "$bpid"
echo $? >$R/busy.maintain.rc
t4=$(uptime_s)
echo "$t4" >$R/busy.times.end
cat "/sys/block/$BZ/bd_stat" >$R/busy.bd_stat.after
ls /tmp/busy >$R/busy.ls.after
log "busy: status took $t0 -> $t1 (table), $t2 (JSON); a raw mm_stat read until $t3; maintain ended at $t4"
