#!/bin/sh
# Reliability, live (root, CONFIG_ZRAM): on zram devices this test hot-adds
# and removes itself, never another one.
#  - hot removal while `zsctl status -J` runs in a loop: a device is added,
#    set up and removed again and again; every run exits 0 or 1, its JSON
#    parses, the device that stays is always there, and every error names a
#    device that went away (only ours, or another test's own);
#  - without root: status of a live device works and says what needs root
#    (class statistics: debugfs readable by root only, when it is mounted;
#    mounted here in a private mount namespace, never on the host);
#  - debugfs missing, then mounted, in a private mount namespace.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/reliability/common.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] || tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off)"
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
FILL="$TOP_BUILDDIR/tests/live/zram-fill"
LC_ALL=C
export LC_ALL
make_tmpdir

zram_hot_add || tap_bail "hot_add failed"
keep=zram$ZRAM_ID
echo 16M >"/sys/block/$keep/disksize" || tap_bail "disksize of $keep"
"$FILL" "/dev/$keep" 2048 && "$FILL" --discard "/dev/$keep" 2048 || tap_bail "cannot fill $keep"

# ---- hot removal while status runs ----------------------------------------------------------
CYCLES=${ZSCTL_REMOVE_CYCLES:-30}
mkdir "$TMPD/runs"
(
	i=0
	while [ ! -e "$TMPD/stop" ]; do
		"$ZSCTL" status -J >"$TMPD/runs/$i.json" 2>"$TMPD/runs/$i.err"
		echo $? >"$TMPD/runs/$i.rc"
		i=$((i + 1))
	done
) &
LOOP=$!
at_exit 'if [ -n "$LOOP" ]; then kill "$LOOP"; fi'
gone=""
c=0
while [ $c -lt "$CYCLES" ]; do
	zram_hot_add || break
	gone="$gone zram$ZRAM_ID"
	echo 8M >"/sys/block/zram$ZRAM_ID/disksize"
	sleep "0.0$((c % 5))"
	zram_remove "$ZRAM_ID" || tap_diag "could not remove $ZRAM_ERROR"
	# at least one more run of status before the next cycle, however
	# slow the machine is
	n0=$(find "$TMPD/runs" -name '*.rc' | wc -l)
	w=0
	while [ "$(find "$TMPD/runs" -name '*.rc' | wc -l)" -le "$n0" ] && [ $w -lt 100 ]; do
		sleep 0.05
		w=$((w + 1))
	done
	c=$((c + 1))
done
touch "$TMPD/stop"
wait "$LOOP"
LOOP=""
tap_is "$c" "$CYCLES" "$CYCLES devices added and removed while status ran"

# one jq for all runs (a jq start costs tens of milliseconds): per run,
# "RUN HAS-KEEP NERRORS OBJECT|ERRNO..."
summary()
{
	jq -r --arg k "$keep" '[(input_filename | sub(".*/"; "") | sub("[.]json$"; "")),
		(any(.devices[]; .name == $k) | tostring), (.errors // [] | length),
		(.errors[]? | "\(.object)|\(.errno)")] | join(" ")' "$@"
}
runs=0 badrc=0 badjson=0 missing=0 errs=0 strange="" others=""
for f in "$TMPD"/runs/*.rc; do
	runs=$((runs + 1))
	case "$(cat "$f")" in 0 | 1) ;; *) badrc=$((badrc + 1)) ;; esac
	[ -s "${f%.rc}.err" ] && strange="$strange stderr($(head -c 80 "${f%.rc}.err"))"
done
if ! summary "$TMPD"/runs/*.json >"$TMPD/summary" 2>/dev/null; then
	for f in "$TMPD"/runs/*.json; do
		jq -e . "$f" >/dev/null 2>&1 || badjson=$((badjson + 1))
	done
fi
while read -r n has nerr objs; do
	[ "$has" = true ] || missing=$((missing + 1))
	[ "$(cat "$TMPD/runs/$n.rc")" = 1 ] && [ "$nerr" -eq 0 ] && strange="$strange $n:exit-1-without-error"
	for o in $objs; do
		errs=$((errs + 1))
		dev=${o%|*} errno=${o#*|}
		# not one of ours: another test's, removed meanwhile (make -j)
		case " $gone " in *" $dev "*) ;; *) others="$others $dev" ;; esac
		case "$dev" in "$keep" | *[!a-z0-9]* | [!z]*) strange="$strange $dev" ;; esac
		case "$errno" in 19 | 2) ;; *) strange="$strange $dev(errno $errno)" ;; esac
	done
done <"$TMPD/summary"
tap_is "$(wc -l <"$TMPD/summary")" "$runs" "one summary line per run"
[ -z "$others" ] || others=" (devices of other tests:$others)"
tap_diag "$runs runs of status -J; $errs errors about vanished devices$others"
tap_is "$badrc" 0 "every run exited 0 or 1"
tap_is "$badjson" 0 "every run's JSON parses"
tap_is "$missing" 0 "$keep, which stayed, is in every run"
tap_is "$strange" "" "every error names a device that went away, and nothing else went wrong"
[ "$runs" -gt "$CYCLES" ]
tap_ok $? "status ran through every cycle ($runs runs)"

# ---- without root ------------------------------------------------------------------------------
unpriv_possible || { tap_diag "no setpriv: the non-root checks are skipped"; tap_done; exit; }
unpriv_copy "$ZSCTL"
# status of one device: others (another test's) may come and go meanwhile
nobody()
{
	run_unpriv "$UNPRIV_ZSCTL" "$@"
}
before=$(cat "/sys/block/$keep/mm_stat")
nobody status -J "$keep" >"$TMPD/nobody.json" 2>"$TMPD/nobody.err"
tap_is "$?" 0 "non-root: status -J $keep works"
tap_is "$(cat "/sys/block/$keep/mm_stat")" "$before" "(the device was idle meanwhile)"
# shellcheck disable=SC2086 # its columns
set -- $before
tap_is "$(jq -r '[.devices[0].mm_stat | .orig_data_size, .compr_data_size, .mem_used_total] | join(" ")' \
	"$TMPD/nobody.json")" "$1 $2 $3" "non-root: the values are sysfs's"
# what the host's debugfs is, for the reason to expect
if grep -q ' - debugfs ' /proc/self/mountinfo; then
	want="debugfs is readable by root only"
else
	want="debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)"
fi
tap_is "$(jq -r '.class_statistics.reason' "$TMPD/nobody.json")" "$want" "non-root: class_statistics.reason: $want"
nobody status --classes "$keep" >"$TMPD/out" 2>/dev/null
grep -qx "Class statistics unavailable: $want" "$TMPD/out"
tap_ok $? "non-root: status --classes says why there are no class statistics"

# debugfs in a private mount namespace: mounted, then missing
if ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
	tap_diag "cannot make a private mount namespace: the debugfs checks are skipped"
	tap_done
	exit
fi
[ -d /sys/kernel/debug ] || tap_bail "no /sys/kernel/debug"
UNPRIV_ZSCTL=$UNPRIV_ZSCTL unshare -m --propagation private sh -c '
	. "$TOP_SRCDIR/tests/lib.sh"
	umount /sys/kernel/debug 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug || exit 99
	"$ZSCTL" status -J "$1" >"$2/root.json"
	run_unpriv "$UNPRIV_ZSCTL" status -J "$1" >"$2/nobody-debugfs.json"
	umount /sys/kernel/debug || exit 99
	"$ZSCTL" status -J "$1" >"$2/nodebugfs.json"
' sh "$keep" "$TMPD" 2>"$TMPD/ns.err"
rc=$?
[ "$rc" -ne 99 ] || tap_bail "cannot mount debugfs in a private namespace: $(cat "$TMPD/ns.err")"
r=$(jq -r 'if .class_statistics.available then "available" else .class_statistics.reason end' "$TMPD/root.json")
case "$r" in
available | "no zsmalloc/ in debugfs (kernel built without CONFIG_ZSMALLOC_STAT)") tap_ok 0 "root, debugfs mounted: $r" ;;
*) tap_ok 1 "root, debugfs mounted: available or no zsmalloc/"; tap_diag "got: $r" ;;
esac
tap_is "$(jq -r '.class_statistics.reason' "$TMPD/nobody-debugfs.json")" "debugfs is readable by root only" \
	"non-root, debugfs mounted: readable by root only"
tap_is "$(jq -r '.class_statistics.reason' "$TMPD/nodebugfs.json")" \
	"debugfs is not mounted (mount -t debugfs none /sys/kernel/debug)" "root, debugfs missing: not mounted"
tap_is "$(jq -r '[.devices[].name] | join(" ")' "$TMPD/nodebugfs.json")" "$keep" "and the device is shown all the same"
grep -q ' - debugfs ' /proc/self/mountinfo
tap_is "$?" "$([ "$want" = "debugfs is readable by root only" ] && echo 0 || echo 1)" \
	"the host's mounts are as they were"

tap_done
