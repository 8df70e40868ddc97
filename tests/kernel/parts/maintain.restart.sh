# zsctl maintain after a reboot (sourced by the guest's /init in the second
# boot of the same kernel; busybox sh). The first boot's state file comes back
# from /keep; the devices are made anew under the same names, set up as
# maintain.guest.sh did, with 1024 pages older than the idle age. The first
# boot's runs used the day's writeback budget: it must still be used, although
# the machine and the device are new.
read -r MZ MB </keep/maintain.devices
. /keep/maintain.args
mkdir -p /tmp/maintain
cp /keep/maintain.state /tmp/maintain/compact.state
printf '[maintain]\n' >/tmp/maintain/empty.conf
# the same names as in the first boot: hot_add until the backing device's number
_n=0
while _id=$(cat /sys/class/zram-control/hot_add) && [ "zram$_id" != "$MB" ] && [ $_n -lt 32 ]; do
	_n=$((_n + 1))
done
echo 32M >"/sys/block/$MB/disksize"
_mz=$(new_zram_setup)
[ "$_mz" = "$MZ" ] || log "maintain restart: made $_mz, not $MZ"
echo "$MZ $MB" >$R/maintain.restart.devices
run maintain.restart.backing_dev sh -c "echo /dev/$MB >/sys/block/$MZ/backing_dev"
run maintain.restart.recomp_algorithm sh -c "echo 'algo=zstd priority=1' >/sys/block/$MZ/recomp_algorithm"
echo 16M >"/sys/block/$MZ/disksize"
run maintain.restart.fill $ZG fill "/dev/$MZ" 0 1024 5
sleep 8
cat "/sys/block/$MZ/bd_stat" >$R/maintain.restart.bd_stat.before
# shellcheck disable=SC2086
run maintain.restart.json $ZS maintain $MC $MP -J "$MZ"
cat "/sys/block/$MZ/bd_stat" >$R/maintain.restart.bd_stat.after
cp /tmp/maintain/compact.state $R/maintain.restart.state
