# zsctl maintain on the booted kernel (sourced by the guest's /init; busybox sh).
# MZ: 16M, zstd as the second algorithm, backed by MB, a zram device of its
# own (/dev/vda belongs to guest-init's zram3). 1024 "old" pages, then, 10 s
# later, 1024 "new" ones; maintain with idle ages of 6 s must act on the old
# ones only. The day's writeback budget is 1M (256 4K pages): a second run
# right after finds it used. The kernel's files around each run go to $R.
MB=$(new_zram 32M) || log "maintain: hot_add failed"
MZ=$(new_zram_setup) || log "maintain: hot_add failed"
echo "$MZ $MB" >$R/maintain.devices
run maintain.backing_dev sh -c "echo /dev/$MB >/sys/block/$MZ/backing_dev"
run maintain.recomp_algorithm sh -c "echo 'algo=zstd priority=1' >/sys/block/$MZ/recomp_algorithm"
echo 16M >"/sys/block/$MZ/disksize"
mkdir -p /tmp/maintain
printf '[maintain]\n' >/tmp/maintain/empty.conf
MC="--lock-file /tmp/maintain/gate.lock --state-file /tmp/maintain/compact.state --config /tmp/maintain/empty.conf"
MP="-p recompress-types=huge_idle,idle -p recompress-age-min=6s -p recompress-age-max=6s"
MP="$MP -p writeback-age-min=6s -p writeback-age-max=6s -p writeback-min=0 -p writeback-daily=1M"
MP="$MP -p writeback-backoff=0 -p recompress-backoff=0 -p compact-min-gain=0 -p compact-min-frag=0"
snapmz() {
	for f in mm_stat bd_stat writeback_limit writeback_limit_enable; do
		cat "/sys/block/$MZ/$f" >"$R/maintain.$f.$1" 2>/dev/null
	done
	cat "/sys/kernel/debug/zram/$MZ/block_state" >"$R/maintain.block_state.$1" 2>/dev/null
}
run maintain.fill.old $ZG fill "/dev/$MZ" 0 1024 5
sleep 10
run maintain.fill.new $ZG fill "/dev/$MZ" 1024 1024 6
snapmz before
# shellcheck disable=SC2086
run maintain.run1.json $ZS maintain $MC $MP -J "$MZ"
snapmz after_run1
# shellcheck disable=SC2086
run maintain.run2.json $ZS maintain $MC $MP -J "$MZ"
snapmz after_run2
# shellcheck disable=SC2086
run maintain.dry.txt $ZS maintain $MC --dry-run "$MZ"
cp /tmp/maintain/compact.state $R/maintain.state 2>/dev/null
# for the second boot (maintain.restart.sh): the state file, the names, the options
mkdir -p /keep
cp /tmp/maintain/compact.state /keep/maintain.state 2>/dev/null
echo "$MZ $MB" >/keep/maintain.devices
printf 'MC="%s"\nMP="%s"\n' "$MC" "$MP" >/keep/maintain.args
