# shellcheck shell=sh
# zswap (issue 15): zsctl's zswap figures against the kernel's own files.
# Sourced by the guest's /init (tests/kernel/guest-init.sh) with zswap on
# and /dev/vdb as swap. A hog in a memory cgroup of its own (memory.max
# below what it touches) pushes pages into zswap; while it holds them, the
# raw files are copied before and after zsctl reads them, so every figure
# zsctl prints must lie between the two copies (the hog is idle then, so
# they are nearly always equal). The same again once the hog has ended.
# Files: $R/zswap-part.*

# zswap_part_raw STAGE: the raw files, byte for byte, as a dump tree
zswap_part_raw() {
	_t=$R/zswap-part.raw.$1
	mkdir -p "$_t/parameters" "$_t/debugfs"
	for _f in /sys/module/zswap/parameters/*; do cat "$_f" >"$_t/parameters/${_f##*/}"; done
	for _f in /sys/kernel/debug/zswap/*; do cat "$_f" >"$_t/debugfs/${_f##*/}"; done
	cat /proc/meminfo >"$_t/meminfo"
	cat /proc/vmstat >"$_t/vmstat"
	cat $ZWCG/memory.stat >"$_t/cgroup.memory.stat" 2>/dev/null
	for _f in $ZWCG/memory.zswap.*; do cat "$_f" >"$_t/cgroup.${_f##*/}"; done 2>/dev/null
}

# zswap_part_zsctl STAGE: zsctl's views (root), then the unprivileged one
zswap_part_zsctl() {
	run zswap-part.status.json.$1 $ZS status -J
	run zswap-part.status.txt.$1 $ZS status
	run zswap-part.prom.$1 $ZS status --format=prometheus
	run zswap-part.cgroups.json.$1 $ZS status --cgroups -J
	# nobody: debugfs (0700) is closed to it, the rest is world-readable
	run zswap-part.nonroot.json.$1 su -s /bin/sh nobody -c "$ZS status -J"
}

# busybox su needs the user in /etc/passwd; the initramfs has none
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group

ZWCG=/sys/fs/cgroup/zswap-part
mkdir -p $ZWCG
echo 48M >$ZWCG/memory.max
echo 16M >$ZWCG/memory.zswap.max
sh -c "echo \$\$ >$ZWCG/cgroup.procs && exec $ZG hog 96 8" >$R/zswap-part.hog 2>&1 &
ZWHOG=$!
sleep 4
zswap_part_raw during.before
zswap_part_zsctl during
zswap_part_raw during.after
wait $ZWHOG
echo $? >$R/zswap-part.hog.rc
zswap_part_raw after.before
zswap_part_zsctl after
zswap_part_raw after.after
rmdir $ZWCG 2>/dev/null
