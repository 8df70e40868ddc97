# zsctl status while zsctl maintain writes back (sourced by check_guest; see
# busy.guest.sh for what the guest did). On 7.x status must return at once,
# say the device is busy and not read it; the raw read of mm_stat after it
# is the control: it waited for the writeback.
read -r BZ BB <"$R/busy.devices"
read -r bt0 bt1 bt2 bt3 <"$R/busy.times"
bt4=$(cat "$R/busy.times.end")
bpid=$(cat "$R/busy.maintain.pid")
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
grep -q "^$bpid writeback $BZ [0-9]*$" "$R/busy.phase" 2>/dev/null
ok $? "$t: busy: maintain's phase file says 'writeback $BZ' while it writes back"
grep -q "^$bpid writeback $BZ [0-9]*$" "$R/busy.phase.after" 2>/dev/null
ok $? "$t: busy: maintain still wrote back when both status runs, get and set were done (status $(secs "$bt0" "$bt1") s, -J $(secs "$bt0" "$bt2") s, get $(secs "$bt0" "$(cat "$R/busy.get.end")") s, set $(secs "$bt0" "$(cat "$R/busy.set.end")") s; maintain ended $(secs "$bt0" "$bt4") s after they began)"
# set mem_limit: its store takes the device's lock for writing on every kernel
is "$(cat "$R/busy.set.exit")" 3 "$t: busy: set mem_limit on the busy device: refused (exit 3)"
grep -q "^zsctl: $BZ: busy: zsctl maintain (pid $bpid) is in its writeback step on it since .*: nothing written (--wait SECS waits for it)$" "$R/busy.set.err"
ok $? "$t: busy: set says who writes $BZ back and that nothing was written ($(cat "$R/busy.set.err"))"
# remove: hot_remove's reset takes it for writing too
is "$(cat "$R/busy.remove.exit")" 3 "$t: busy: remove on the busy device: refused (exit 3)"
grep -q "^zsctl: $BZ: busy: zsctl maintain (pid $bpid) is in its writeback step on it since .*: not removed (--wait SECS waits for it)$" "$R/busy.remove.err"
ok $? "$t: busy: remove says who writes $BZ back and that it was not removed"
is "$(cat "$R/busy.status.rc")" 0 "$t: busy: status exit 0"
awk -v a="$bt0" -v b="$bt1" -v c="$bt2" 'BEGIN { exit !(b - a < 3 && c - a < 3) }'
ok $? "$t: busy: status and status -J returned within 3 s: $(secs "$bt0" "$bt1") s, $(secs "$bt0" "$bt2") s"
case $t in
7.*)
	grep -q "^$BZ is busy: writeback by pid $bpid since .*; not read" "$R/busy.status.txt"
	ok $? "$t: busy: status says $BZ is busy (writeback, pid $bpid) and not read"
	is "$(jdev "$R/busy.status.json" "$BZ" '.busy | [.phase, .holder_pid, .unread] | @tsv')" \
		"$(printf 'writeback\t%s\ttrue' "$bpid")" "$t: busy: status -J: busy.phase writeback, the holder, unread"
	# the control: a raw read of mm_stat, issued with them, waited for the writeback
	awk -v b="$bt1" -v c="$bt2" -v d="$bt3" 'BEGIN { exit !(d > b && d > c) }'
	ok $? "$t: busy: a raw read of mm_stat issued with them returned only after both ($(secs "$bt0" "$bt3") s: dev_lock)"
	is "$(cat "$R/busy.get.exit"):$(cat "$R/busy.get.out")" "3:" "$t: busy: get on the busy device: refused (exit 3), nothing printed"
	grep -q "^zsctl: $BZ: busy: zsctl maintain (pid $bpid) is in its writeback step on it since .*, and on Linux 7.x every read waits until that ends: not read" "$R/busy.get.err"
	ok $? "$t: busy: get says who writes $BZ back and that it was not read"
	;;
*)
	# 6.x: writeback takes init_lock for reading, status reads the device
	is "$(jdev "$R/busy.status.json" "$BZ" '.busy | [.phase, .unread] | @tsv')" \
		"$(printf 'writeback\tfalse')" "$t: busy: status -J: busy.phase writeback, read (6.x reads do not wait)"
	is "$(cat "$R/busy.get.exit"):$(cat "$R/busy.get.out")" "0:disksize 134217728" "$t: busy: get reads the busy device (6.x)"
	grep -q "this write takes the device's lock and waits" "$R/busy.set.err"
	ok $? "$t: busy: set's refusal says mem_limit's write takes the device's lock (6.x)"
	;;
esac
is "$(cat "$R/busy.maintain.rc")" 0 "$t: busy: maintain exits 0"
w=$(( $(awk '{ print $3 }' "$R/busy.bd_stat.after") - $(awk '{ print $3 }' "$R/busy.bd_stat.before") ))
[ "$w" -gt 0 ]
ok $? "$t: busy: maintain wrote back $w pages"
grep -q 'zsctl-compact.lock.phase' "$R/busy.ls.after"
ok "$([ $? -ne 0 ]; echo $?)" "$t: busy: no phase file once maintain let go"
