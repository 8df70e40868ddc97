# shellcheck shell=bash
# zswap (issue 15): zsctl status -J, the table and the Prometheus text of the
# guest's zswap (tests/kernel/parts/zswap.guest.sh) against the raw files
# copied just before and just after zsctl read them: every figure lies
# between the two copies, the derived ones follow from the figures. Sourced
# by check-kernel.sh's check_guest with ok, is, diag, $t and $R.

# zw_between LO V HI: LO <= V <= HI (or HI <= V <= LO), all integers
zw_between() { [ -n "$2" ] && { [ "$1" -le "$2" ] && [ "$2" -le "$3" ] || { [ "$3" -le "$2" ] && [ "$2" -le "$1" ]; }; }; }
# zw_gauge LO V HI: a gauge (what zswap holds now) against the two copies.
# After the hog, nothing moves: between them. During it, pages come and go
# between one read and the next, so a gauge may step outside both copies:
# within a tenth of them (a counter, which only grows, is zw_between always)
zw_gauge() {
	if [ "$zw_stage" = during ]; then
		awk -v a="$1" -v v="$2" -v b="$3" 'BEGIN {
			if (a == "" || v == "" || b == "" || v !~ /^[0-9]+$/) exit 1
			lo = a + 0 < b + 0 ? a : b; hi = a + 0 < b + 0 ? b : a
			exit !(v >= lo * 0.9 && v <= hi * 1.1) }'
	else
		zw_between "$@"
	fi
}
zw_gauges=" pool_total_size stored_pages stored_incompressible_pages same_filled_pages "
zw_kb() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' "$2"; }
zw_vm() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
zw_prom() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }

for zw_stage in during after; do
	zw_b=$R/zswap-part.raw.$zw_stage.before
	zw_a=$R/zswap-part.raw.$zw_stage.after
	zw_j=$R/zswap-part.status.json.$zw_stage
	if [ ! -d "$zw_b" ] || [ ! -d "$zw_a" ] || [ ! -s "$zw_j" ]; then
		ok 1 "$t: zswap part ($zw_stage): the guest wrote its files"
		continue
	fi
	is "$(cat "$zw_j.rc")" 0 "$t: zswap ($zw_stage): zsctl status -J exits 0"

	# the parameters, as the kernel prints them
	zw_bad=""
	for zw_f in "$zw_b"/parameters/*; do
		zw_n=${zw_f##*/}
		zw_raw=$(cat "$zw_f")
		zw_got=$(jq -r --arg k "$zw_n" '.zswap.parameters | if has($k) then .[$k] else "absent" end' "$zw_j")
		case "$zw_raw" in Y) zw_raw=true ;; N) zw_raw=false ;; esac
		[ "$zw_got" = "$zw_raw" ] || zw_bad="$zw_bad $zw_n=$zw_got(kernel:$zw_raw)"
	done
	is "$zw_bad" "" "$t: zswap ($zw_stage): every parameter as the kernel has it ($(ls "$zw_b/parameters" | tr '\n' ' '))"

	# every debugfs counter the kernel has, none it lacks
	zw_bad=""
	for zw_f in "$zw_b"/debugfs/*; do
		zw_n=${zw_f##*/}
		zw_got=$(jq -r --arg k "$zw_n" '.zswap.statistics[$k] // empty' "$zw_j")
		zw_cmp=zw_between
		case "$zw_gauges" in *" $zw_n "*) zw_cmp=zw_gauge ;; esac
		$zw_cmp "$(cat "$zw_f")" "$zw_got" "$(cat "$zw_a/debugfs/$zw_n")" ||
			zw_bad="$zw_bad $zw_n=$zw_got(kernel:$(cat "$zw_f")..$(cat "$zw_a/debugfs/$zw_n"))"
	done
	is "$zw_bad" "" "$t: zswap ($zw_stage): every debugfs counter between the kernel's two copies ($(ls "$zw_b/debugfs" | wc -l) files)"
	is "$(jq -r '.zswap.statistics | del(.available) | keys | length' "$zw_j")" \
		"$(ls "$zw_b/debugfs" | wc -l)" "$t: zswap ($zw_stage): no counter the kernel lacks"

	# meminfo and vmstat
	zw_pool=$(jq -r '.zswap.memory.pool_bytes' "$zw_j")
	zw_stored=$(jq -r '.zswap.memory.stored_bytes' "$zw_j")
	zw_gauge "$(zw_kb Zswap "$zw_b/meminfo")" "$zw_pool" "$(zw_kb Zswap "$zw_a/meminfo")"
	ok $? "$t: zswap ($zw_stage): pool_bytes $zw_pool is meminfo's Zswap"
	zw_gauge "$(zw_kb Zswapped "$zw_b/meminfo")" "$zw_stored" "$(zw_kb Zswapped "$zw_a/meminfo")"
	ok $? "$t: zswap ($zw_stage): stored_bytes $zw_stored is meminfo's Zswapped"
	for zw_n in zswpin zswpout zswpwb; do
		if [ -z "$(zw_vm $zw_n "$zw_b/vmstat")" ]; then
			# no VM event counters in this kernel (CONFIG_VM_EVENT_COUNTERS)
			is "$(jq -r ".zswap.vmstat.$zw_n" "$zw_j")" null \
				"$t: zswap ($zw_stage): vmstat $zw_n: the kernel has none, nor has zsctl"
			continue
		fi
		zw_between "$(zw_vm $zw_n "$zw_b/vmstat")" "$(jq -r ".zswap.vmstat.$zw_n" "$zw_j")" \
			"$(zw_vm $zw_n "$zw_a/vmstat")"
		ok $? "$t: zswap ($zw_stage): vmstat $zw_n $(jq -r ".zswap.vmstat.$zw_n" "$zw_j") as the kernel's"
	done
	is "$(jq -r '.zswap.memory.saving_bytes' "$zw_j")" "$((zw_stored - zw_pool))" \
		"$t: zswap ($zw_stage): saving is Zswapped - Zswap"
	# zswap_max_pages(): totalram_pages() * max_pool_percent / 100 (4K pages here)
	zw_limit=$(($(zw_kb MemTotal "$zw_b/meminfo") / 4096 * $(cat "$zw_b/parameters/max_pool_percent") / 100 * 4096))
	is "$(jq -r '.zswap.memory.pool_limit_bytes' "$zw_j")" "$zw_limit" \
		"$t: zswap ($zw_stage): pool limit is max_pool_percent of MemTotal"

	# the table and Prometheus, each its own run of zsctl
	is "$(cat "$R/zswap-part.prom.$zw_stage.rc")" 0 "$t: zswap ($zw_stage): zsctl status --format=prometheus exits 0"
	zw_gauge "$(zw_kb Zswap "$zw_b/meminfo")" "$(zw_prom zswap_pool_bytes "$R/zswap-part.prom.$zw_stage")" \
		"$(zw_kb Zswap "$zw_a/meminfo")"
	ok $? "$t: zswap ($zw_stage): zswap_pool_bytes $(zw_prom zswap_pool_bytes "$R/zswap-part.prom.$zw_stage") is meminfo's Zswap"
	zw_between "$(cat "$zw_b/debugfs/written_back_pages")" \
		"$(zw_prom zswap_written_back_pages_total "$R/zswap-part.prom.$zw_stage")" \
		"$(cat "$zw_a/debugfs/written_back_pages")"
	ok $? "$t: zswap ($zw_stage): zswap_written_back_pages_total as debugfs"
	if command -v promtool >/dev/null; then
		zw_out=$(promtool check metrics <"$R/zswap-part.prom.$zw_stage" 2>&1)
		ok $? "$t: zswap ($zw_stage): promtool check metrics passes"
		[ -n "$zw_out" ] && diag "$zw_out"
	fi
	zw_row=$(awk '$1 == "stored_pages" { print $2 }' "$R/zswap-part.status.txt.$zw_stage")
	zw_gauge "$(cat "$zw_b/debugfs/stored_pages")" "$zw_row" "$(cat "$zw_a/debugfs/stored_pages")"
	ok $? "$t: zswap ($zw_stage): status's table shows stored_pages $zw_row"

	# per cgroup: the hog's, as its memory.stat and memory.zswap.* say
	zw_c=$R/zswap-part.cgroups.json.$zw_stage
	is "$(cat "$zw_c.rc" 2>/dev/null)" 0 "$t: zswap ($zw_stage): zsctl status --cgroups -J exits 0"
	if [ "$zw_stage" = during ]; then
		for zw_k in zswap zswapped; do
			zw_gauge "$(zw_vm $zw_k "$zw_b/cgroup.memory.stat")" \
				"$(jq -r --arg k "${zw_k}_bytes" '.zswap_cgroups.cgroups[] | select(.path == "/zswap-part") | .[$k]' "$zw_c")" \
				"$(zw_vm $zw_k "$zw_a/cgroup.memory.stat")"
			ok $? "$t: zswap ($zw_stage): the hog's cgroup's $zw_k as its memory.stat"
		done
		is "$(jq -r '.zswap_cgroups.cgroups[] | select(.path == "/zswap-part") | "\(.zswap_max_bytes) \(.zswap_writeback)"' "$zw_c")" \
			"$(cat "$zw_b/cgroup.memory.zswap.max") true" "$t: zswap ($zw_stage): its memory.zswap.max and writeback"
	else
		# the cgroup is gone once the hog has ended and the part removed it
		is "$(jq -r '.zswap_cgroups.available' "$zw_c")" true "$t: zswap ($zw_stage): cgroup v2 seen"
	fi

	# nobody: no debugfs, the rest all the same
	zw_n=$R/zswap-part.nonroot.json.$zw_stage
	is "$(cat "$zw_n.rc" 2>/dev/null)" 0 "$t: zswap ($zw_stage): zsctl status -J as nobody exits 0"
	is "$(jq -r '.zswap.statistics | "\(.available) \(.reason)"' "$zw_n" 2>/dev/null)" \
		"false reading debugfs needs root" "$t: zswap ($zw_stage): as nobody, the counters need root, and it says so"
	zw_gauge "$(zw_kb Zswap "$zw_b/meminfo")" "$(jq -r '.zswap.memory.pool_bytes' "$zw_n" 2>/dev/null)" \
		"$(zw_kb Zswap "$zw_a/meminfo")"
	ok $? "$t: zswap ($zw_stage): as nobody, pool_bytes is still meminfo's Zswap"
done
# while the hog held its pages, zswap really held them
zw_j=$R/zswap-part.status.json.during
[ "$(jq -r '.zswap.memory.pool_bytes // 0' "$zw_j" 2>/dev/null)" -gt 0 ] 2>/dev/null &&
	[ "$(jq -r '.zswap.statistics.stored_pages // 0' "$zw_j")" -gt 0 ]
ok $? "$t: zswap held the hog's pages (pool $(jq -r '.zswap.memory.pool_bytes' "$zw_j" 2>/dev/null) bytes, $(jq -r '.zswap.statistics.stored_pages' "$zw_j" 2>/dev/null) pages)"
