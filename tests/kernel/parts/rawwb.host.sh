# A raw writer of writeback beside zsctl maintain (sourced by check_guest; see
# rawwb.guest.sh for what the guest did).
rj() { jq -r "$1" "$R/rawwb.maintain.json" 2>/dev/null; }
read -r RZ _ <"$R/rawwb.devices"
read -r rt0 rt1 rt2 <"$R/rawwb.times"
rt3=$(cat "$R/rawwb.raw.end" 2>/dev/null)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
is "$(cat "$R/rawwb.raw.rc" 2>/dev/null)" 0 "$t: rawwb: the raw writer's writeback exits 0"
# the precondition: maintain began while the raw writer still wrote
awk -v b="$rt1" -v d="$rt3" 'BEGIN { exit !(d > b) }'
ok $? "$t: rawwb: maintain began $(secs "$rt0" "$rt1") s after the raw writer, which ended at $(secs "$rt0" "$rt3") s"
is "$(cat "$R/rawwb.maintain.rc")" 0 "$t: rawwb: maintain exits 0"
total=$(( $(awk '{ print $3 }' "$R/rawwb.bd_stat.after") - $(awk '{ print $3 }' "$R/rawwb.bd_stat.before") ))
# fill's pages: every 7th same-filled (never written back), the rest stored
stored=$((12288 - (12288 + 1) / 7))
wb_w=$(rj '.devices[0].steps[1].written_pages')
case $t in
7.*)
	# dev_lock: maintain waited for the raw writer, then found nothing idle
	awk -v c="$rt2" -v d="$rt3" 'BEGIN { exit !(c > d) }'
	ok $? "$t: rawwb: maintain ended after the raw writer ($(secs "$rt0" "$rt2") s > $(secs "$rt0" "$rt3") s: it waited)"
	is "$(rj '.devices[0].steps[1].result')" "done" "$t: rawwb: maintain's writeback: done"
	;;
*)
	# pp_in_progress: the second post-processing write is refused
	is "$(rj '.devices[0].steps[1].result')" kernel-busy "$t: rawwb: maintain's writeback: kernel-busy (EAGAIN)"
	grep -q "^device $RZ .*wb_result=kernel-busy" "$R/rawwb.state"
	ok $? "$t: rawwb: the state file says kernel-busy for the next run"
	;;
esac
is "$wb_w" 0 "$t: rawwb: maintain counts none of the raw writer's pages as its own"
grep -q "^device $RZ .*wb_day_pages=0\( \|$\)" "$R/rawwb.state"
ok $? "$t: rawwb: nor in the day's budget (wb_day_pages=0)"
is "$total" "$stored" "$t: rawwb: the raw writer wrote back every stored page (bd_writes delta $total)"
is "$(awk '$3 ~ /^.w/' "$R/rawwb.block_state" | wc -l)" "$stored" \
	"$t: rawwb: block_state shows $stored slots written back"
is "$(cat "$R/rawwb.verify.rc")" 0 "$t: rawwb: all 12288 pages read back as written: $(cat "$R/rawwb.verify")"
