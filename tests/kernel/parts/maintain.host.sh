# zsctl maintain's checks on a booted kernel (sourced by check_guest; see
# maintain.guest.sh for what the guest did).
mcol() { awk -v n="$2" '{ print $n }' "$R/maintain.$1"; }
mj() { jq -r "$2" "$R/maintain.$1.json" 2>/dev/null; }
read -r MZ MB <"$R/maintain.devices"
is "$(cat "$R/maintain.run1.json.rc")" 0 "$t: maintain: the first run exits 0"
is "$(mj run1 '.devices[0].steps | map(.result) | join(" ")')" "done done done" \
	"$t: maintain: recompress, writeback and compact all done on $MZ"
# recompression: the report is mm_stat's, and it saved something
is "$(mj run1 '.devices[0].steps[0].compr_data_size_before')" "$(mcol mm_stat.before 2)" \
	"$t: maintain: compr_data_size before recompression = mm_stat"
rb=$(mj run1 '.devices[0].steps[0].compr_data_size_before')
ra=$(mj run1 '.devices[0].steps[0].compr_data_size_after')
[ -n "$ra" ] && [ "$ra" -lt "$rb" ]
ok $? "$t: maintain: recompression made the compressed data smaller ($rb -> $ra bytes)"
# writeback: the report is bd_stat's, within the limit
w1=$(( $(mcol bd_stat.after_run1 3) - $(mcol bd_stat.before 3) ))
is "$(mj run1 '.devices[0].steps[1].written_pages')" "$w1" \
	"$t: maintain: pages written back = bd_writes delta ($w1)"
[ "$w1" -gt 0 ] && [ "$w1" -le 256 ]
ok $? "$t: maintain: wrote back within the day's budget of 256 pages ($w1)"
is "$(mcol writeback_limit_enable.after_run1 1)" 0 "$t: maintain: writeback_limit_enable set back to 0"
# the ages: no page written after the mark's cutoff was touched
young=$(awk '$1 >= 1024 && ($3 ~ /^.w/ || $3 ~ /^....r/)' "$R/maintain.block_state.after_run1" | wc -l)
old_w=$(awk '$1 < 1024 && $3 ~ /^.w/' "$R/maintain.block_state.after_run1" | wc -l)
old_r=$(awk '$1 < 1024 && $3 ~ /^....r/' "$R/maintain.block_state.after_run1" | wc -l)
is "$young" 0 "$t: maintain: no slot younger than the idle age was written back or recompressed"
is "$old_w" "$w1" "$t: maintain: block_state shows the $w1 written-back slots among the old ones"
[ "$old_r" -gt 0 ]
ok $? "$t: maintain: block_state shows recompressed old slots ($old_r)"
# compaction: freed is mem_used_total's delta across the write
is "$(mj run1 '.devices[0].steps[2].result')" done "$t: maintain: compaction ran"
# the second run: the day's budget is used, nothing more written
is "$(cat "$R/maintain.run2.json.rc")" 0 "$t: maintain: the second run exits 0"
w2=$(( $(mcol bd_stat.after_run2 3) - $(mcol bd_stat.after_run1 3) ))
[ $((w1 + w2)) -le 256 ]
ok $? "$t: maintain: two runs wrote $((w1 + w2)) pages, within the day's 256"
if [ "$w1" -eq 256 ]; then
	is "$(mj run2 '.devices[0].steps[1].result')" budget-used \
		"$t: maintain: the second run finds the day's budget used"
fi
grep -q "^device $MZ .*wb_day_pages=$((w1 + w2))\( \|$\)" "$R/maintain.state"
ok $? "$t: maintain: the state file keeps the day's pages ($((w1 + w2)))"
diag "$t: maintain figures: recompression $rb -> $ra bytes in $(mj run1 '.devices[0].steps[0].duration_ns') ns;" \
	"writeback $w1 pages (budget $(mj run1 '.devices[0].steps[1].budget_pages')) in $(mj run1 '.devices[0].steps[1].duration_ns') ns;" \
	"compaction freed $(mj run1 '.devices[0].steps[2].freed') bytes ($(mj run1 '.devices[0].steps[2].pages_compacted') pages) in $(mj run1 '.devices[0].steps[2].duration_ns') ns"
# after a reboot (maintain.restart.sh): the same state file, the device made anew
RR=$R/restart
is "$(cat "$RR/maintain.restart.json.rc" 2>/dev/null)" 0 "$t: maintain after a reboot: exits 0"
is "$(cat "$RR/maintain.restart.devices" 2>/dev/null)" "$MZ $MB" \
	"$t: maintain after a reboot: the devices have their first boot's names"
if [ "$w1" -eq 256 ]; then
	is "$(jq -r '.devices[0].steps[1].result' "$RR/maintain.restart.json" 2>/dev/null)" budget-used \
		"$t: maintain after a reboot: the day's budget, used before it, still holds"
	is "$(( $(awk '{ print $3 }' "$RR/maintain.restart.bd_stat.after") - \
		$(awk '{ print $3 }' "$RR/maintain.restart.bd_stat.before") ))" 0 \
		"$t: maintain after a reboot: nothing written back (bd_writes delta)"
fi
grep -q "^device $MZ .*wb_day_pages=$((w1 + w2))\( \|$\)" "$RR/maintain.restart.state" 2>/dev/null
ok $? "$t: maintain after a reboot: the state file still has the day's $((w1 + w2)) pages"
is "$(jq -r '.devices[0].steps[0].result' "$RR/maintain.restart.json" 2>/dev/null)" done \
	"$t: maintain after a reboot: recompression of the new device's idle pages done"
