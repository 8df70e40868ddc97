#!/bin/sh
# A device that zsctl maintain post-processes is shown busy and, on Linux
# 7.x, not read (issue 14): since 7.0 writeback_store() and
# recompress_store() hold zram's dev_lock for writing for their whole run,
# and every attribute read waits behind it.
#
# Under --sysroot, in a copy of tests/getset/fixtures/maintain73 (7.3.4):
# the device's writeback attribute is a FIFO, so zsctl maintain blocks in
# its write, holding the gate in its writeback phase, as it would in the
# kernel. Then the device's other files become FIFOs too: a reader that
# opened one would block (and the timeout would fail the test), and strace
# shows which files each reader opened. status (table, JSON, Prometheus)
# and top --batch must return at once, say the device is busy, and open
# none of its files; get, set and remove refuse it (exit 3) unless --wait
# outlasts the step. Then: the same tree with a 6.x release reads the busy
# device (reads do not wait there) and still says busy; maintain killed
# with -9 leaves nothing busy; a phase file of a dead holder is ignored.
# Outside make, TOP_SRCDIR defaults to the tree this script is in, ZSCTL to
# its ./zsctl and ZSCTL_TEST to its ./zsctl-test.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${ZSCTL:=$TOP_SRCDIR/zsctl}"
: "${ZSCTL_TEST:=$TOP_SRCDIR/zsctl-test}"
export TOP_SRCDIR ZSCTL ZSCTL_TEST
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
TZ=UTC0
export LC_ALL TZ
unset LANG LANGUAGE NO_COLOR ZSCTL_TEST_TIME ZSCTL_TEST_HOLD_GATE

command -v strace >/dev/null 2>&1 || tap_skip_all "no strace"
command -v mkfifo >/dev/null 2>&1 || tap_skip_all "no mkfifo"
# strace needs ptrace; a container may refuse it
strace -f -o /dev/null true 2>/dev/null || tap_skip_all "strace cannot trace here"
make_tmpdir
mpid=
stop_maintain()
{
	[ -z "$mpid" ] || kill -9 "$mpid" 2>/dev/null
}
at_exit stop_maintain

M=$TMPD/m
DEV=$M/sys/block/zram3
LOCK=$M/run/lock/zsctl-compact.lock
PHASE=$LOCK.phase
SECS=10 # a reader that takes longer than this waits for the device

# prepare: a fresh copy whose writeback blocks its writer
prepare()
{
	rm -rf "$M"
	cp -R "$TOP_SRCDIR/tests/getset/fixtures/maintain73" "$M" && chmod -R u+w "$M" &&
		mkdir -p "$M/run/lock" "$M/var/lib" && rm "$DEV/writeback" &&
		mkfifo "$DEV/writeback" || tap_bail "cannot prepare $M"
	[ -z "${1:-}" ] || echo "$1" >"$M/proc/sys/kernel/osrelease"
}

# start_maintain: zsctl maintain in the background until it blocks in writeback:
# its phase file says so and it sleeps in the open of writeback, the one FIFO
# (wait_for_partner). The phase comes a few files before that open: a FIFO
# made of one of those (fifo_files) would hold maintain there for good.
start_maintain()
{
	"$ZSCTL" --sysroot "$M" maintain -q -p recompress=no -p writeback-backoff=0 >"$TMPD/maint.out" 2>&1 &
	mpid=$!
	i=0
	while ! { grep -q "^$mpid writeback zram3 " "$PHASE" 2>/dev/null &&
		[ "$(cat "/proc/$mpid/wchan" 2>/dev/null)" = wait_for_partner ]; } && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "^$mpid writeback zram3 [0-9]*$" "$PHASE" 2>/dev/null &&
		[ "$(cat "/proc/$mpid/wchan" 2>/dev/null)" = wait_for_partner ]
}

# fifo_files: every regular file of zram3 but writeback becomes a FIFO (kept aside)
fifo_files()
{
	mkdir "$TMPD/aside"
	for f in "$DEV"/*; do
		[ -f "$f" ] || continue
		mv "$f" "$TMPD/aside/" && mkfifo "$f" || tap_bail "cannot make $f a FIFO"
	done
}

unfifo_files()
{
	for f in "$TMPD"/aside/*; do
		rm -f "$DEV/${f##*/}" && mv "$f" "$DEV/" || tap_bail "cannot restore $f"
	done
	rmdir "$TMPD/aside"
}

# finish_maintain: let its writeback write go through (open the FIFO's read
# end); its later writes (one per page type) go to a plain file
finish_maintain()
{
	mv "$DEV/writeback" "$TMPD/writeback.fifo" && : >"$DEV/writeback" ||
		tap_bail "cannot replace $DEV/writeback"
	timeout $SECS cat "$TMPD/writeback.fifo" >/dev/null
	rm -f "$TMPD/writeback.fifo"
	wait "$mpid"
}

# traced NAME ARGS...: run ARGS under strace (files opened), at most SECS;
# stdout in NAME.out, the files opened in NAME.trace, the status in $rc
traced()
{
	_n=$1
	shift
	# LeakSanitizer cannot run under ptrace (a sanitizer build would exit 1)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout $SECS strace -f -y -qq -e trace=open,openat,openat2 -o "$TMPD/$_n.trace" \
		"$@" >"$TMPD/$_n.out" 2>"$TMPD/$_n.err"
	rc=$?
}

# opened_zram3 NAME: the files of zram3 that the traced run tried to open,
# by path or relative to the device's directory (strace -y names the
# directory of a dirfd: 4</ROOT/sys/block/zram3>, "mm_stat")
opened_zram3()
{
	{
		grep -oE 'zram3>, "[a-z_]+"' "$TMPD/$1.trace" | sed -E 's/.*"([a-z_]+)"/\1/'
		grep -oE 'sys/block/zram3/[a-z_]+"' "$TMPD/$1.trace" | sed -E 's/.*\/([a-z_]+)"/\1/'
	} | sort -u | sed 's/^/sys\/block\/zram3\//' | tr '\n' ' '
}

# ---- 7.3: busy, not read ------------------------------------------------------------------
prepare
start_maintain
tap_ok $? "maintain blocked in writeback says so: 'PID writeback zram3 TIME' in $PHASE"
tap_is "$(stat -c %a "$PHASE" 2>/dev/null)" 644 "the phase file is readable by every user (the lock is 0600)"
fifo_files

traced table "$ZSCTL" --sysroot "$M" status
tap_is "$rc" 0 "status returns at once (exit 0) while zram3 is written back"
tap_is "$(opened_zram3 table)" "" "status opened none of zram3's files"
grep -q "^zram3 is busy: writeback by pid $mpid since .*not read" "$TMPD/table.out"
tap_ok $? "status says zram3 is busy: writeback by pid $mpid, not read"
grep -q "^Compaction gate.*held by pid $mpid.*, writeback on zram3 since " "$TMPD/table.out"
tap_ok $? "the gate line names the holder's phase and device"
# the row: the name, and '-' where nothing is known (no state file yet)
tap_is "$(awk '$1 == "zram3" && $2 != "is" { print $1, $4, $5 }' "$TMPD/table.out")" "zram3 - -" \
	"zram3's row shows no value it has not read (COMPR, TOTAL: -)"

traced busycol "$ZSCTL" --sysroot "$M" status -nr -o NAME,BUSY
tap_is "$rc:$(cat "$TMPD/busycol.out")" "0:zram3 writeback" "status -o NAME,BUSY: writeback"
tap_is "$(opened_zram3 busycol)" "" "status -o NAME,BUSY opened none of zram3's files"

traced json "$ZSCTL" --sysroot "$M" status -J
tap_is "$rc" 0 "status -J returns at once"
tap_is "$(opened_zram3 json)" "" "status -J opened none of zram3's files"
tap_is "$(jq -c '.devices[] | select(.name == "zram3") | .busy | [.phase, .holder_pid, .unread, (.since > 0)]' "$TMPD/json.out")" \
	"[\"writeback\",$mpid,true,true]" "status -J: the device's busy object"
tap_is "$(jq -c '.compaction | [.held, .holder_pid, .holder_phase, .holder_device]' "$TMPD/json.out")" \
	"[true,$mpid,\"writeback\",\"zram3\"]" "status -J: the gate's holder, its phase and device"
jq -r --slurpfile schema "$TOP_SRCDIR/tests/json/schema.json" --arg verb status \
	-f "$TOP_SRCDIR/tests/json/check-schema.jq" "$TMPD/json.out" >"$TMPD/violations" 2>&1
tap_ok "$([ $? -eq 0 ] && [ ! -s "$TMPD/violations" ]; echo $?)" \
	"status -J with a busy device follows tests/json/schema.json"

traced prom "$ZSCTL" --sysroot "$M" status --format prometheus
tap_is "$rc" 0 "status --prometheus returns at once"
tap_is "$(opened_zram3 prom)" "" "status --prometheus opened none of zram3's files"
tap_is "$(grep '^zram_busy' "$TMPD/prom.out" | sed 's/} [0-9]*$/} N/')" \
	"$(printf '%s\n%s' 'zram_busy_info{device="zram3",phase="writeback"} N' 'zram_busy_since_timestamp_seconds{device="zram3"} N')" \
	"prometheus: zram_busy_info and zram_busy_since_timestamp_seconds"
grep -q '^zram_mm_stat\|^zram_compr_data_size_bytes{device="zram3"}' "$TMPD/prom.out"
tap_ok "$([ $? -ne 0 ]; echo $?)" "prometheus: no value of zram3 it has not read"

# top opens initstate when it finds a device, to read it later: an open that
# sysfs answers at once and a FIFO would not
rm "$DEV/initstate" && cp "$TMPD/aside/initstate" "$DEV/initstate"
traced top "$ZSCTL" --sysroot "$M" top --batch --iterations 2 --delay 0.2
rm "$DEV/initstate" && mkfifo "$DEV/initstate"
tap_is "$rc" 0 "top --batch returns (2 frames) while zram3 is written back"
tap_is "$(opened_zram3 top | sed 's/sys\/block\/zram3\/initstate //')" "" \
	"top opened none of zram3's files but initstate (opened, never read)"
tap_is "$(grep -c "zram3 is busy: writeback by pid $mpid" "$TMPD/top.out")" 2 \
	"top says zram3 is busy in both frames"
# the ages panel: block_state takes the device's lock on 7.x as well
BS=$M/sys/kernel/debug/zram/zram3/block_state
mv "$BS" "$TMPD/block_state" && mkfifo "$BS" && echo '90000.00 1.00' >"$M/proc/uptime" ||
	tap_bail "cannot make $BS a FIFO"
rm "$DEV/initstate" && cp "$TMPD/aside/initstate" "$DEV/initstate"
traced topages "$ZSCTL" --sysroot "$M" top --batch --iterations 1 --ages
rm "$DEV/initstate" && mkfifo "$DEV/initstate"
tap_is "$rc:$(grep -c '^zram3 is busy (writeback): block_state would wait for it, not read$' "$TMPD/topages.out")" \
	0:1 "top --ages returns, and says zram3's block_state is not read while it is written back"
tap_ok "$(grep -q 'zram3/block_state' "$TMPD/topages.trace"; [ $? -ne 0 ]; echo $?)" \
	"top --ages did not open zram3's block_state"
rm "$BS" "$M/proc/uptime" && mv "$TMPD/block_state" "$BS" || tap_bail "cannot restore $BS"

# set: every write (and set's reads before it) would wait for the writeback:
# refused at once, naming the holder and its step, exit 3, nothing written
traced set "$ZSCTL" --sysroot "$M" set zram3 mem_limit=1G
tap_is "$rc" 3 "set on the busy device: refused at once (exit 3)"
tap_is "$(opened_zram3 set)" "" "set opened none of zram3's files"
tap_is "$(sed -E 's/since [0-9T:-]+Z/since TIME/' "$TMPD/set.err")" \
	"zsctl: zram3: busy: zsctl maintain (pid $mpid) is in its writeback step on it since TIME, and on Linux 7.x every write waits until that ends: nothing written (--wait SECS waits for it)" \
	"set says who post-processes zram3, which step, since when, and that nothing was written"
traced setj "$ZSCTL" --sysroot "$M" set -J --dry-run zram3 mem_limit=1G
tap_is "$rc:$(jq -c '[.name, .dry_run, ([.writes[].written] | any), .errors[0].errno, (.errors[0].error | test("^busy: zsctl maintain \\(pid [0-9]+\\) is in its writeback step"))]' "$TMPD/setj.out")" \
	'3:["zram3",true,false,16,true]' "set -J --dry-run: refused too (its checks read the device), the error in the document"
t0=$(date +%s%N)
traced setw "$ZSCTL" --sysroot "$M" set --wait 0.3 zram3 mem_limit=1G
t1=$(date +%s%N)
tap_ok "$([ "$rc" = 3 ] && [ $((t1 - t0)) -ge 300000000 ] && grep -q "(waited --wait's time)$" "$TMPD/setw.err"; echo $?)" \
	"set --wait 0.3: still busy after waiting 0.3 s, refused (exit 3)"
traced setz "$ZSCTL" --sysroot "$M" set zswap enabled=0
tap_ok "$([ "$(opened_zram3 setz)" = "" ] && ! grep -q busy "$TMPD/setz.err"; echo $?)" \
	"set zswap is not about zram3: not refused as busy"

# get: every read would wait for the writeback: refused the same way, not read
traced get "$ZSCTL" --sysroot "$M" get zram3 disksize
tap_is "$rc:$(cat "$TMPD/get.out")" "3:" "get on the busy device: refused at once (exit 3), nothing printed"
tap_is "$(opened_zram3 get)" "" "get opened none of zram3's files"
tap_is "$(sed -E 's/since [0-9T:-]+Z/since TIME/' "$TMPD/get.err")" \
	"zsctl: zram3: busy: zsctl maintain (pid $mpid) is in its writeback step on it since TIME, and on Linux 7.x every read waits until that ends: not read (--wait SECS waits for it)" \
	"get says who post-processes zram3, which step, since when, and that it was not read"
traced getall "$ZSCTL" --sysroot "$M" get
tap_is "$rc:$(opened_zram3 getall):$(grep -c 'zram3: busy: ' "$TMPD/getall.err")" "3::1" \
	"get of every device: zram3 refused once (exit 3), none of its files opened"
traced getj "$ZSCTL" --sysroot "$M" get -J zram3
tap_is "$rc:$(jq -c '[(.devices | length), .errors[0].object, .errors[0].errno, (.errors[0].error | test("^busy: zsctl maintain \\(pid [0-9]+\\) is in its writeback step.*: not read"))]' "$TMPD/getj.out")" \
	'3:[0,"zram3",16,true]' "get -J: refused, the error in the document"
# remove: its reset takes the device's lock for writing (and its reads wait on 7.x)
traced rm "$ZSCTL" --sysroot "$M" remove zram3
tap_is "$rc:$(opened_zram3 rm):$(sed -E 's/since [0-9T:-]+Z/since TIME/' "$TMPD/rm.err")" \
	"3::zsctl: zram3: busy: zsctl maintain (pid $mpid) is in its writeback step on it since TIME, and on Linux 7.x every removal waits until that ends: not removed (--wait SECS waits for it)" \
	"remove on the busy device: refused at once (exit 3), none of its files opened"
traced rmj "$ZSCTL" --sysroot "$M" remove -J --dry-run zram3
tap_is "$rc:$(jq -c '[.devices[0].removed, .errors[0].errno]' "$TMPD/rmj.out")" '3:[false,16]' \
	"remove -J --dry-run: refused too on 7.x (its checks read the device)"
t0=$(date +%s%N)
traced getw "$ZSCTL" --sysroot "$M" get --wait 0.3 zram3 disksize
t1=$(date +%s%N)
tap_ok "$([ "$rc" = 3 ] && [ $((t1 - t0)) -ge 300000000 ] && grep -q "(waited --wait's time)$" "$TMPD/getw.err"; echo $?)" \
	"get --wait 0.3: still busy after waiting 0.3 s, refused (exit 3)"

unfifo_files
# set --wait and get --wait: go through once maintain leaves zram3's writeback
"$ZSCTL" --sysroot "$M" set --wait $SECS zram3 mem_limit=1G >"$TMPD/setwait.out" 2>&1 &
spid=$!
"$ZSCTL" --sysroot "$M" get --wait $SECS zram3 disksize >"$TMPD/getwait.out" 2>&1 &
gpid=$!
sleep 0.3
tap_ok "$(kill -0 $spid 2>/dev/null; echo $?)" "set --wait waits while zram3 is written back"
tap_ok "$(kill -0 $gpid 2>/dev/null; echo $?)" "get --wait waits while zram3 is written back"
finish_maintain
tap_is "$?" 0 "maintain ends well once its writeback goes through"
wait $spid
tap_is "$?:$(cat "$DEV/mem_limit")" 0:1073741824 "set --wait then writes (exit 0, mem_limit 1G)"
wait $gpid
tap_is "$?:$(cat "$TMPD/getwait.out")" "0:disksize 16777216" "get --wait then reads (exit 0)"
tap_ok "$([ ! -e "$PHASE" ] && [ ! -e "$PHASE.new" ]; echo $?)" "maintain removed its phase file when it let go"

# ---- the state file's last values --------------------------------------------------------
# a compaction's record: left=1000 left_compr=5000 (mem_used_total 6000)
sed -i '/^device zram3 /s/$/ left=1000 left_compr=5000/' "$M/var/lib/zsctl/compact.state"
rm "$DEV/writeback" && mkfifo "$DEV/writeback"
start_maintain
tap_ok $? "maintain blocked in writeback again"
fifo_files
traced state "$ZSCTL" --sysroot "$M" status -b -o NAME,COMPR,TOTAL,BUSY
tap_is "$rc:$(opened_zram3 state)" "0:" "status returns, no file of zram3 opened"
tap_is "$(awk '$1 == "zram3" && $2 != "is"' "$TMPD/state.out")" "zram3  5000  6000 writeback" \
	"the busy row shows the state file's last values (its last compaction's mm_stat)"
unfifo_files
finish_maintain

# ---- 6.x: read, and busy ------------------------------------------------------------------
# 6.12 to 6.19 take init_lock (or nothing) for reading in writeback: reads go through
prepare 6.18.44
start_maintain
tap_ok $? "6.18: maintain blocked in writeback says so"
traced six "$ZSCTL" --sysroot "$M" status -nrb -o NAME,COMPR,BUSY
tap_is "$rc" 0 "6.18: status exit 0"
case " $(opened_zram3 six) " in
*" sys/block/zram3/mm_stat "*) six=0 ;;
*) six=1 ;;
esac
tap_ok $six "6.18: status reads the busy device (mm_stat opened)"
tap_is "$(cat "$TMPD/six.out")" "zram3 $(awk '{ print $2 }' "$DEV/mm_stat") writeback" \
	"6.18: its row has the values read now, and BUSY says writeback"
# but a store that takes init_lock for writing (mem_limit's, a reset) waits there
cp "$DEV/mem_limit" "$TMPD/mem_limit.before"
"$ZSCTL" --sysroot "$M" set zram3 mem_limit=2G 2>"$TMPD/six-set.err"
tap_is "$?:$(cmp -s "$DEV/mem_limit" "$TMPD/mem_limit.before" && echo same)" "3:same" \
	"6.18: set mem_limit on the busy device: refused at once (exit 3), nothing written"
tap_is "$(sed -E 's/since [0-9T:-]+Z/since TIME/' "$TMPD/six-set.err")" \
	"zsctl: zram3: busy: zsctl maintain (pid $mpid) is in its writeback step on it since TIME, and this write takes the device's lock and waits until that ends: nothing written (--wait SECS waits for it)" \
	"6.18: set says why: that write takes the device's lock"
"$ZSCTL" --sysroot "$M" set -q --reset zram3 2>"$TMPD/six-reset.err"
tap_is "$?:$(grep -c 'this write takes the device' "$TMPD/six-reset.err")" "3:1" \
	"6.18: set --reset on the busy device: refused too (exit 3)"
"$ZSCTL" --sysroot "$M" set -q --dry-run zram3 mem_limit=2G
tap_is "$?" 0 "6.18: set --dry-run mem_limit: its checks only read, not refused"
"$ZSCTL" --sysroot "$M" remove zram3 2>"$TMPD/six-rm.err"
tap_is "$?:$(grep -c 'this removal takes the device.s lock and waits until that ends: not removed' "$TMPD/six-rm.err")" \
	"3:1" "6.18: remove on the busy device: refused (exit 3), its reset would wait"
"$ZSCTL" --sysroot "$M" set -q zram3 mem_used_max=0
tap_is "$?:$(cat "$DEV/mem_used_max")" 0:0 "6.18: set mem_used_max writes the busy device (its store takes the lock for reading)"
out=$("$ZSCTL" --sysroot "$M" get zram3 disksize 2>&1)
tap_is "$?:$out" "0:disksize 16777216" "6.18: get reads the busy device (reads do not wait there)"
finish_maintain

# ---- kill -9 ------------------------------------------------------------------------------
prepare
start_maintain
tap_ok $? "maintain blocked in writeback (to be killed)"
kill -9 "$mpid"
wait "$mpid" 2>/dev/null
tap_ok "$([ -e "$PHASE" ]; echo $?)" "a killed holder leaves its phase file"
traced killed "$ZSCTL" --sysroot "$M" status -nrb -o NAME,COMPR,BUSY
tap_is "$rc:$(cat "$TMPD/killed.out")" "0:zram3 $(awk '{ print $2 }' "$DEV/mm_stat") -" \
	"after kill -9 nothing is busy: zram3 read (flock gone, phase file ignored)"
traced killedj "$ZSCTL" --sysroot "$M" status -J
tap_is "$(jq -c '[(.devices[] | select(.name == "zram3") | has("busy")), .compaction.held, (.compaction | has("holder_phase"))]' "$TMPD/killedj.out")" \
	"[false,false,false]" "status -J after kill -9: no busy object, the gate free"
# the next holder removes the dead one's file
"$ZSCTL" --sysroot "$M" compact -q zram3
tap_ok "$([ ! -e "$PHASE" ]; echo $?)" "the next run removes a killed holder's phase file"

tap_done
