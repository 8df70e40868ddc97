# A raw writer of writeback beside zsctl maintain (sourced by the guest's
# /init; busybox sh). Issue 14: a writer outside zsctl at the same moment
# breaks nothing and maintain's report stays true. RZ: 64M, backed by RB
# (/dev/vde, a disk of its own: a writer of a disk sleeps on each page, so
# the writeback lasts seconds), 12288 pages (48M) written. The raw writer
# marks all of it idle and writes it back in one write; while that still
# runs, zsctl maintain writes back RZ's idle pages too. 6.12 to 6.19
# refuse the second post-processing write with EAGAIN (pp_in_progress):
# maintain must say kernel-busy and count nothing. 7.x holds dev_lock for
# writing for the whole writeback: maintain waits, goes on after the raw
# writer and finds nothing idle left. Every page must read back as written.
RB=vde
RZ=$(new_zram_setup) || log "rawwb: hot_add failed"
echo "$RZ $RB" >$R/rawwb.devices
run rawwb.backing_dev sh -c "echo /dev/$RB >/sys/block/$RZ/backing_dev"
echo 64M >"/sys/block/$RZ/disksize"
# one page a request (6.19+; 32 by default), as 6.12 does anyway
[ -e "/sys/block/$RZ/writeback_batch_size" ] &&
	run rawwb.batch_size sh -c "echo 1 >/sys/block/$RZ/writeback_batch_size"
mkdir -p /tmp/rawwb
printf '[maintain]\n' >/tmp/rawwb/empty.conf
WG="--lock-file /tmp/rawwb/gate.lock --state-file /tmp/rawwb/compact.state --config /tmp/rawwb/empty.conf"
WP="-p recompress=no -p compact=no -p writeback-types=idle -p writeback-age-min=1s -p writeback-age-max=1s"
WP="$WP -p writeback-min=0 -p writeback-max=1G -p writeback-daily=1G -p writeback-backoff=0"
run rawwb.fill $ZG fill "/dev/$RZ" 0 12288 11
sleep 2
cat "/sys/block/$RZ/bd_stat" >$R/rawwb.bd_stat.before
echo all >"/sys/block/$RZ/idle"
t0=$(uptime_s)
(
	# the write's own status: EAGAIN or EIO would show here
	if echo idle >"/sys/block/$RZ/writeback"; then rawrc=0; else rawrc=1; fi
	echo "$rawrc" >$R/rawwb.raw.rc
	uptime_s >$R/rawwb.raw.end
) 2>$R/rawwb.raw.err &
rawpid=$!
# Then maintain, while the raw writer still runs. 6.x: as soon as bd_stat
# shows it writing (reads go through there); a fixed second was too late
# on a quiet host, where 6.12 wrote all 10533 pages in 1.1 s and maintain's
# own writeback came after it. 7.x: a second (bd_stat would wait for the
# writer's dev_lock), and maintain waits for the writer anyway.
case $(uname -r) in
[0-6].*)
	w0=$(awk '{ print $3 }' $R/rawwb.bd_stat.before)
	i=0
	while [ "$(awk '{ print $3 }' "/sys/block/$RZ/bd_stat")" -le "$w0" ] && [ $i -lt 250 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	;;
*) sleep 1 ;;
esac
t1=$(uptime_s)
# shellcheck disable=SC2086
$ZS maintain $WG $WP -J "$RZ" >$R/rawwb.maintain.json 2>$R/rawwb.maintain.err
echo $? >$R/rawwb.maintain.rc
t2=$(uptime_s)
wait "$rawpid"
echo "$t0 $t1 $t2" >$R/rawwb.times
cat "/sys/block/$RZ/bd_stat" >$R/rawwb.bd_stat.after
cp /tmp/rawwb/compact.state $R/rawwb.state 2>/dev/null
cat "/sys/kernel/debug/zram/$RZ/block_state" >$R/rawwb.block_state 2>/dev/null
# every page as written, those on the backing device included
run rawwb.verify $ZG verify "/dev/$RZ" 0 12288 11
log "rawwb: the raw writer from $t0 to $(cat $R/rawwb.raw.end 2>/dev/null), maintain from $t1 to $t2"
