# zsctl status --ages' checks on a booted kernel (sourced by check_guest; see
# ages.guest.sh for what the guest did): its counts are block_state's own.
aj() { jq -r "$1" "$R/ages.status.json" 2>/dev/null; }
abs() { awk "$1" "$R/ages.block_state.before"; }
read -r AZ <"$R/ages.device"
is "$(cat "$R/ages.status.json.rc")" 0 "$t: ages: status --ages -J exits 0"
is "$(aj '.devices[0].ages.available')" true "$t: ages: block_state of $AZ read"
# nothing touched the device while it was read: the file before is the file after
cmp -s "$R/ages.block_state.before" "$R/ages.block_state.after"
ok $? "$t: ages: block_state unchanged across the run"
is "$(aj '.devices[0].ages.slots')" "$(abs 'END { print NR }')" \
	"$t: ages: slots = block_state's lines"
for f in same:1 written_back:2 huge:3 idle:4 recompressed:5 incompressible:6; do
	key=${f%:*} col=${f#*:}
	is "$(aj "[.devices[0].ages.buckets[].$key] | add")" \
		"$(abs "substr(\$3, $col, 1) != \".\" { n++ } END { print n + 0 }")" \
		"$t: ages: $key slots = block_state's"
done
# the age's cutoff is zsctl's now (uptime_us) minus 8 s: the old slots, not the new
now=$(aj '.devices[0].ages.uptime_us')
sel() { aj ".devices[0].ages.selected[] | select(.for == \"given\") | .$1"; }
want=$(abs "\$2 * 1000000 < $now - 8000000 && \$3 !~ /^s/ && \$3 !~ /^.w/ { n++ } END { print n + 0 }")
is "$(sel pages)" "$want" "$t: ages: --age 8s selects block_state's slots older than 8 s ($want)"
is "$(abs '$1 < 512 && $3 !~ /^s/ { n++ } END { print n + 0 }')" "$want" \
	"$t: ages: they are the 512 old pages less the same-filled ones"
young=$(abs "\$1 >= 512 && \$2 * 1000000 < $now - 8000000 { n++ } END { print n + 0 }")
is "$young" 0 "$t: ages: none of the pages written 12 s later is older than the age"
is "$(sel huge)" "$(abs "\$1 < 512 && substr(\$3, 3, 1) == \"h\" { n++ } END { print n + 0 }")" \
	"$t: ages: the huge ones among them"
is "$(sel huge_bytes)" "$(( $(sel huge) * 4096 ))" "$t: ages: their size, a page each"
# maintain's default ages (hours) reach back past this guest's boot: nothing
up=$(awk '{ print int($1) }' "$R/ages.uptime.before")
rc_age=$(aj '.devices[0].ages.selected[] | select(.for == "recompress") | .age')
if [ "$rc_age" -ge "$up" ]; then
	is "$(aj '.devices[0].ages.selected[] | select(.for == "recompress") | .pages')" 0 \
		"$t: ages: the recompression age ($rc_age s) is older than the boot ($up s): selects none"
fi
grep -q "^given .*8s" "$R/ages.status.txt"
ok $? "$t: ages: the table shows the given age"
diag "$t: ages figures: $(aj '.devices[0].ages.slots') slots, --age 8s selects $(sel pages) ($(sel huge) huge)"
