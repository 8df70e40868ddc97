# zsctl status --ages on the booted kernel (sourced by the guest's /init;
# busybox sh). AZ: 16M of its own, 512 "old" pages, then, 12 s later, 512
# "new" ones; status --ages --age 8s must count the old ones as selected and
# none of the new. block_state and proc/uptime are kept from right before
# and right after the run, so the host can count them itself.
AZ=$(new_zram 16M) || log "ages: hot_add failed"
echo "$AZ" >$R/ages.device
run ages.fill.old $ZG fill "/dev/$AZ" 0 512 7
sleep 12
run ages.fill.new $ZG fill "/dev/$AZ" 512 512 8
cat "/sys/kernel/debug/zram/$AZ/block_state" >$R/ages.block_state.before 2>&1
cat /proc/uptime >$R/ages.uptime.before
run ages.status.json $ZS status --ages --age 8s -J "$AZ"
cat /proc/uptime >$R/ages.uptime.after
cat "/sys/kernel/debug/zram/$AZ/block_state" >$R/ages.block_state.after 2>&1
run ages.status.txt $ZS status --ages --age 8s "$AZ"
echo "$AZ" >/sys/class/zram-control/hot_remove
