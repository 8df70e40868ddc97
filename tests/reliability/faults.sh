#!/bin/sh
# Reliability, faults under --sysroot (no root, no device of this machine):
#  - a device hot-removed between discovery and read: in sysfs sys/block/zramN
#    is a symlink into devices/virtual/block/, gone with the device; a listing
#    made just before the removal still names it (here: a dangling link);
#  - the pool of such a device gone from debugfs between listing and read;
#  - a future kernel's classes file with new and moved columns (the
#    expected-output cases classes-new-column*: their output must be that of
#    the kernels they were made from);
#  - the state file truncated at every byte offset: compact sets it aside,
#    starts anew, exits 0; status warns and exits 0;
#  - a temporary state file left by a killed owner whose pid comes again;
#  - zsctl maintain killed (-9) while it holds the gate: the state file stays
#    valid and the next run goes on.
# Read-only and full file systems need mounts: full-ro.sh. Live removal: live.sh.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/reliability/common.sh"

command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
LC_ALL=C
export LC_ALL
make_tmpdir

# ---- a device gone between discovery and read ----------------------------------
R=$TMPD/vanished
copy_fixture several-devices "$R"
rm -rf "$R/sys/block/zram2"
ln -s ../devices/virtual/block/zram2 "$R/sys/block/zram2"

"$ZSCTL" --sysroot "$R" status >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 1 "status: a device gone between listing and read: exit 1"
tap_is "$(cat "$TMPD/err")" "zsctl: zram2: no such device" "one line on stderr names the vanished device"
tap_is "$(awk 'NR > 1 { printf "%s ", $1 }' "$TMPD/out")" "zram0 zram10 " "the other devices are still shown"

"$ZSCTL" --sysroot "$R" status -J >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?" 1 "status -J: exit 1"
jq -e . "$TMPD/out" >/dev/null
tap_ok $? "status -J: the document parses"
tap_is "$(jq -c '[.devices[].name]' "$TMPD/out")" '["zram0","zram10"]' "status -J: the other devices are there"
tap_is "$(jq -c '[.errors[] | [.object, .errno]]' "$TMPD/out")" '[["zram2",19]]' \
	"status -J: one error, naming zram2 (ENODEV)"
tap_is "$(cat "$TMPD/err")" "" "status -J: nothing on stderr"

"$ZSCTL" --sysroot "$R" status zram2 >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?:$(cat "$TMPD/err")" "1:zsctl: zram2: no such device" "status zram2 (vanished): exit 1, one line"

sum=$(tree_sum "$R")
"$ZSCTL" --sysroot "$R" compact --dry-run >"$TMPD/out" 2>"$TMPD/err"
rc=$?
# a device gone since the listing is not a failure: a warning, exit 0
[ "$rc" -eq 0 ] && [ "$(cat "$TMPD/err")" = "zsctl: zram2: warning: removed while zsctl ran; skipped" ]
tap_ok $? "compact --dry-run: the vanished device is named on one line (exit $rc)"
tap_is "$(cut -d: -f1 "$TMPD/out" | tr '\n' ' ')" "zram0 zram10 " "compact --dry-run: the other devices are still considered"
tap_is "$(tree_sum "$R")" "$sum" "compact --dry-run wrote nothing"

# ---- its pool gone from debugfs between listing and read -------------------------
# zram removes the pool's directory with the device; a listing of zsmalloc/
# made just before still names it.
rm -f "$R/debug/zsmalloc/zram2/classes"
"$ZSCTL" --sysroot "$R" status --classes -J >"$TMPD/out" 2>"$TMPD/err"
rc=$?
jq -e . "$TMPD/out" >/dev/null
tap_ok $? "status --classes -J with a pool gone: the document parses"
tap_is "$(jq -c '[.devices[].name]' "$TMPD/out")" '["zram0","zram10"]' "and the other devices are there"
tap_is "$(jq -c '[.pools[]?.name]' "$TMPD/out")" '["zram0","zram10"]' \
	"the other pools' class statistics are still shown"
tap_is "$(jq -r '.class_statistics.available' "$TMPD/out")" true \
	"class statistics stay available (not 'debugfs is not mounted')"

# ---- a future kernel's classes file -------------------------------------------------
for kv in classes-new-column:linux-6.12-discard classes-new-column-6.1:linux-6.1-discard; do
	new=${kv%%:*} old=${kv#*:}
	for c in default json classes classes-json; do
		# all but the first line, the command, which names the fixture
		sed 1d "$EXP/status/$new.$c.txt" >"$TMPD/new.txt" &&
			sed 1d "$EXP/status/$old.$c.txt" >"$TMPD/old.txt" &&
			cmp -s "$TMPD/new.txt" "$TMPD/old.txt"
		tap_ok $? "classes with new and moved columns: $new.$c is $old.$c"
	done
done

# ---- the state file truncated at every byte offset ------------------------------------
R=$TMPD/trunc
copy_fixture linux-6.12-discard "$R"
STATE=$R/var/lib/zsctl/compact.state
"$ZSCTL" --sysroot "$R" compact --force -q || tap_bail "a first compact failed"
# a second device line, a second run: a state file with every kind of line
sed -i 's/^device zram0 .*/&\ndevice zram7 time=1700000000 result=nothing freed=0 later=1/' "$STATE"
"$ZSCTL" --sysroot "$R" compact --force -q || tap_bail "a second compact failed"
grep -qx 'device zram7 time=1700000000 result=nothing freed=0 later=1' "$STATE" ||
	tap_bail "the state file lost a device line, or a newer zsctl's key in it"
cp "$STATE" "$TMPD/whole"
size=$(wc -c <"$TMPD/whole")
runs=$(sed -n 's/^runs //p' "$TMPD/whole")
bad_compact="" bad_status="" k=0
while [ "$k" -lt "$size" ]; do
	rm -f "$STATE".corrupt.*
	head -c "$k" "$TMPD/whole" >"$TMPD/cut"
	cp "$TMPD/cut" "$STATE"
	# status only reads it: one warning, exit 0, the file left alone
	"$ZSCTL" --sysroot "$R" status >/dev/null 2>"$TMPD/err"
	st=$?
	w=$(grep -c "^zsctl: $STATE: warning: garbled" "$TMPD/err")
	cmp -s "$STATE" "$TMPD/cut" || w=changed
	[ "$st:$w" = 0:1 ] || bad_status="$bad_status $k($st:$w)"
	# compact: sets it aside (byte for byte), starts anew, exits 0
	"$ZSCTL" --sysroot "$R" compact --force -q 2>"$TMPD/err"
	rc=$?
	aside=$(ls "$STATE".corrupt.* 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$(nlines "$TMPD/err")" -eq 1 ] &&
		grep -q "garbled state file set aside as $STATE.corrupt." "$TMPD/err" &&
		[ -n "$aside" ] && [ "$(printf '%s\n' "$aside" | wc -l)" -eq 1 ] &&
		cmp -s "$aside" "$TMPD/cut" &&
		[ "$(sed -n 's/^runs //p' "$STATE")" = 1 ] && [ "$(tail -n1 "$STATE")" = end ]; then
		:
	else
		bad_compact="$bad_compact $k($rc)"
	fi
	k=$((k + 1))
done
tap_is "$bad_compact" "" "compact: the state file cut at each of its $size offsets is set aside, runs start anew, exit 0"
tap_is "$bad_status" "" "status: the state file cut at each offset is reported garbled, exit 0, left alone"
cp "$TMPD/whole" "$STATE"
"$ZSCTL" --sysroot "$R" compact --force -q 2>"$TMPD/err"
tap_is "$?:$(sed -n 's/^runs //p' "$STATE"):$(cat "$TMPD/err")" "0:$((runs + 1)):" \
	"the whole file is taken as it is (runs $runs -> $((runs + 1)))"

# ---- a killed owner's temporary file, and its pid coming again -------------------------
# zs_state_save() writes <state>.tmp.<pid> with O_EXCL; an owner killed
# between that and the rename leaves it behind (concurrency.sh sees many).
# With pid_max 32768, pids come again: the next owner with that pid must
# not fail. (exec keeps the pid of the shell that made the file.)
rm -f "$STATE".corrupt.*
: >"$R/sys/block/zram0/compact"
sh -c ': >"$1.tmp.$$" && exec "$2" --sysroot "$3" compact --force -q' sh "$STATE" "$ZSCTL" "$R" \
	2>"$TMPD/err"
rc=$?
tap_ok "$([ "$rc" -eq 0 ] && [ "$(compacted "$R")" = "zram0 " ]; echo $?)" \
	"a stale <state>.tmp.<pid> of a killed owner does not stop a later owner with that pid"


# ---- zsctl maintain killed while it holds the gate ---------------------------------------
# kill -9 after its writes to the kernel's files and before its state is
# saved (ZSCTL_TEST_HOLD_GATE holds the gate there, in the test build): the
# state file is the one before, whole and valid; the kernel drops the flock
# with the process, so the next run takes the gate and records its round.
# maintain73 (7.3.4): the writeback budget of 0 (writeback-daily=0) makes
# each round end budget-used, a result recorded in the state.
M=$TMPD/maint
cp -R "$TOP_SRCDIR/tests/getset/fixtures/maintain73" "$M" && chmod -R u+w "$M" &&
	mkdir -p "$M/run/lock" "$M/var/lib" || tap_bail "cannot copy fixture maintain73"
MSTATE=$M/var/lib/zsctl/compact.state
MLOCK=$M/run/lock/zsctl-compact.lock
"$ZSCTL" --sysroot "$M" maintain -q -p writeback-daily=0 2>"$TMPD/err"
tap_is "$?:$(sed -n 's/^runs //p' "$MSTATE"):$(cat "$TMPD/err")" "0:1:" "maintain: a first run saves the state (runs 1)"
cp "$MSTATE" "$TMPD/maint.before"
ZSCTL_TEST_HOLD_GATE=60 "$ZSCTL_TEST" --sysroot "$M" maintain -q -p writeback-daily=0 \
	-p recompress-backoff=0 >/dev/null 2>&1 &
mpid=$!
# the holder writes "pid since" into the lock file once it has the gate
i=0
while [ "$(cut -d' ' -f1 "$MLOCK" 2>/dev/null)" != "$mpid" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
held=$([ "$(cut -d' ' -f1 "$MLOCK" 2>/dev/null)" = "$mpid" ] && echo held || echo "not held")
# its steps ran before the hold: wait for recompress's write, then kill
sleep 0.3
kill -9 "$mpid" 2>/dev/null
wait "$mpid" 2>/dev/null
tap_is "$held" held "maintain (test build) holds the gate: pid $mpid in the lock file"
cmp -s "$MSTATE" "$TMPD/maint.before"
tap_ok $? "maintain killed with -9 while holding the gate: the state file is the one before, byte for byte"
ls "$MSTATE".tmp.* "$MSTATE".corrupt.* >/dev/null 2>&1
tap_ok "$([ $? -ne 0 ]; echo $?)" "no temporary or set-aside state file is left"
"$ZSCTL" --sysroot "$M" status -J >"$TMPD/out" 2>"$TMPD/err"
tap_is "$?:$(jq -r '.compaction.held' "$TMPD/out"):$(grep -c garbled "$TMPD/err")" "0:false:0" \
	"status after the kill: the gate is free, the state file is not garbled"
"$ZSCTL" --sysroot "$M" maintain -q -p writeback-daily=0 -p recompress-backoff=0 2>"$TMPD/err"
rc=$?
tap_is "$rc:$(sed -n 's/^runs //p' "$MSTATE"):$(tail -n1 "$MSTATE"):$(cat "$TMPD/err")" "0:2:end:" \
	"the next maintain takes the gate and goes on: exit 0, runs 2, a whole state file"
tap_is "$(grep -c '^device zram3 .*wb_result=budget-used' "$MSTATE")" 1 \
	"its round is recorded: zram3's writeback budget-used"

tap_done
