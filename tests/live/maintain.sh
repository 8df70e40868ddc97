#!/bin/sh
# Live: zsctl maintain on a zram device this test hot-adds, fills and
# fragments. This host's kernel has neither CONFIG_ZRAM_WRITEBACK nor
# CONFIG_ZRAM_MULTI_COMP (tests/kernel/parts/maintain.* test those on the
# booted guests): maintain must say so for each step, without error, and
# still compact where it pays, under the gate it shares with compact. The
# lock and state files live in a temporary directory.
. "$TOP_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] || tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off)"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
FILL="$TOP_BUILDDIR/tests/live/zram-fill"
make_tmpdir
LOCK=$TMPD/gate.lock
STATE=$TMPD/state/compact.state
GATE="--lock-file $LOCK --state-file $STATE"
# no configuration file of this machine's may change the policy under test
printf '[maintain]\n' >"$TMPD/empty.conf"
CONF="--config $TMPD/empty.conf"

zram_hot_add || tap_bail "hot_add failed"
dev=zram$ZRAM_ID
echo 64M >"/sys/block/$dev/disksize" || tap_bail "disksize of $dev"
"$FILL" "/dev/$dev" 8192 && "$FILL" --discard "/dev/$dev" 8192 || tap_bail "cannot fill $dev"

# what this kernel has, read the way zsctl reads it
has()
{
	[ -e "/sys/block/$dev/$1" ] && echo true || echo false
}
have_recompress=$(has recompress)
have_writeback=$(has writeback)

# --dry-run: the steps this kernel lacks, named; nothing written
before=$(cat "/sys/block/$dev/mm_stat")
"$ZSCTL" maintain $GATE $CONF --dry-run -J "$dev" >"$TMPD/dry.json"
tap_is "$?" 0 "--dry-run exits 0"
j()
{
	jq -r "$2" "$TMPD/$1.json"
}
tap_is "$(j dry '.devices[0].support.recompress')" "$have_recompress" "support.recompress is whether $dev has a recompress file"
tap_is "$(j dry '.devices[0].support.writeback')" "$have_writeback" "support.writeback is whether $dev has a writeback file"
if [ "$have_recompress" = false ]; then
	tap_is "$(j dry '.devices[0].steps[0].result')" unsupported "recompress: unsupported on this kernel"
else
	tap_is "$(j dry '.devices[0].steps[0].result')" no-recomp-algorithm "recompress: no secondary algorithm set"
fi
if [ "$have_writeback" = false ]; then
	tap_is "$(j dry '.devices[0].steps[1].result')" unsupported "writeback: unsupported on this kernel"
else
	tap_is "$(j dry '.devices[0].steps[1].result')" no-backing-device "writeback: no backing device"
fi
tap_is "$(j dry '.devices[0].steps[2].result')" would "compact: would compact the fragmented device"
tap_is "$(cat "/sys/block/$dev/mm_stat")" "$before" "--dry-run leaves mm_stat as it was"
[ ! -e "$STATE" ]
tap_ok $? "--dry-run writes no state file"

# the text says why each step is skipped
out=$("$ZSCTL" maintain $GATE $CONF --dry-run "$dev")
case "$out" in
*"$dev: recompress: skipped: "*"$dev: writeback: skipped: "*"$dev: compact: would compact: it would free ~"*)
	tap_ok 0 "--dry-run's text names the skipped steps and the compaction" ;;
*) tap_ok 1 "--dry-run's text names the skipped steps and the compaction"; tap_diag "$out" ;;
esac

# a bad configuration: exit 2, one line naming file and line, nothing done
printf '[maintain]\ncompact = yes\nwriteback-daily = a lot\n' >"$TMPD/bad.conf"
err=$("$ZSCTL" maintain $GATE --config "$TMPD/bad.conf" "$dev" 2>&1 >/dev/null)
tap_is "$?" 2 "a bad configuration file: exit 2"
tap_is "$err" "zsctl: $TMPD/bad.conf:3: [maintain] writeback-daily: invalid value 'a lot'; expected a size: bytes, or a number with K, M, G, T, P or E (powers of 1024, also KiB, MiB...) or KB, MB, GB... (powers of 1000): 4096, 64M, 1.5G, 1GiB, 64MB" \
	"the error names the file, the line, the section and the key, and what is accepted"
tap_is "$(cat "/sys/block/$dev/mm_stat")" "$before" "and nothing was done"
[ ! -e "$STATE" ] && [ ! -e "$LOCK" ]
tap_ok $? "not even the gate was taken"

# the real run: the missing steps skipped, not errors; compaction as compact does it
"$ZSCTL" maintain $GATE $CONF -J "$dev" >"$TMPD/run.json"
tap_is "$?" 0 "maintain exits 0"
after=$(cat "/sys/block/$dev/mm_stat")
set -- $before
used_before=$3 compacted_before=$7
set -- $after
used_after=$3 compacted_after=$7 compr_after=$2
tap_is "$(j run '.result')" done "result: done"
tap_is "$(j run '.devices[0].steps[2].result')" done "compact: done"
tap_is "$(j run '.devices[0].steps[2].freed')" "$((used_before - used_after))" \
	"freed = the mem_used_total delta"
tap_is "$(j run '.devices[0].steps[2].pages_compacted')" "$((compacted_after - compacted_before))" \
	"pages_compacted = the mm_stat column 7 delta"
[ "$((used_before - used_after))" -gt 0 ]
tap_ok $? "compaction freed memory ($((used_before - used_after)) bytes)"
took=$(j run '.devices[0].steps[2].duration_ns')
[ "${took:-0}" -gt 0 ] 2>/dev/null
tap_ok $? "compact: the step's duration is measured ($took ns)"
tap_is "$(j run '.errors // [] | length')" 0 "no errors"
diskseq=$(cat "/sys/block/$dev/diskseq" 2>/dev/null)
# and what it left, the estimate's learned floor (issue 16), as compact does
grep -qEx "device $dev ${diskseq:+diskseq=$diskseq }pages_compacted=$compacted_after time=[0-9]+ result=compacted freed=$((used_before - used_after)) left=$((used_after - compr_after)) left_compr=$compr_after( lean=[0-9]+)?" "$STATE"
tap_ok $? "the state file records the compaction, as compact's"
tap_is "$(sed -n 's/^runs //p' "$STATE")" 1 "one run held the gate"

# compact and maintain share the gate: a compact holding it turns maintain away
ZSCTL_TEST_HOLD_GATE=10 "$ZSCTL_TEST" compact $GATE -q --force "$dev" &
holder=$!
i=0
while [ $i -lt 100 ] && ! [ -s "$LOCK" ]; do
	sleep 0.05
	i=$((i + 1))
done
out=$("$ZSCTL" maintain $GATE $CONF "$dev")
tap_is "$?" 1 "maintain while compact holds the gate: exit 1"
case "$out" in
"zsctl: compaction gate held by pid $holder since "*": stepping aside") tap_ok 0 "it names the holder" ;;
*) tap_ok 1 "it names the holder"; tap_diag "$out" ;;
esac
"$ZSCTL" maintain $GATE $CONF -q -E 75 "$dev"
tap_is "$?" 75 "-E 75: exit 75"
wait $holder
tap_is "$?" 0 "the holder's compaction exits 0"
tap_is "$(stat -c %s "$STATE.busy")" 2 "both turned-away runs were counted"

# and the other way round: --wait outlasts a holder
ZSCTL_TEST_HOLD_GATE=1 "$ZSCTL_TEST" compact $GATE -q --force "$dev" &
holder=$!
sleep 0.3
"$ZSCTL" maintain $GATE $CONF -q --wait 20 "$dev"
tap_is "$?" 0 "--wait 20: maintain waits for the holder and runs"
wait $holder

tap_done
