#!/bin/sh
# Live: zsctl top with 12 zram devices this test hot-adds (a few MiB each),
# named on the command line so that no other device shows, under tmux at
# 80x12 and 80x24 (the review's findings 2, 9 and 12): the selection never
# leaves the screen and what is above and below it is said; c names the
# device it asks about, says what zsctl compact says on an uninitialised
# one and records nothing; a hot-removed selection selects nothing else;
# lines are cut with an ellipsis, never wider than the screen.
. "$TOP_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root to hot-add zram devices"
[ -e /sys/class/zram-control/hot_add ] ||
	tap_skip_all "no /sys/class/zram-control (CONFIG_ZRAM off or module not loaded)"
make_tmpdir
. "$TOP_SRCDIR/tests/top/tmux.sh"
[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"

ids=""
i=0
while [ $i -lt 12 ]; do
	zram_hot_add || tap_bail "hot_add failed (device $((i + 1)) of 12)"
	ids="$ids $ZRAM_ID"
	i=$((i + 1))
done
set -- $ids
first=$1
shift 5
mid=$1 # the 6th
shift 6
last=$1 # the 12th: left uninitialised
for id in $ids; do
	[ "$id" = "$last" ] && continue
	echo 4M >"/sys/block/zram$id/disksize" || tap_bail "cannot set zram$id's disksize"
	seq 1 100000 | head -c 524288 | dd of="/dev/zram$id" bs=64k oflag=direct 2>/dev/null ||
		tap_bail "cannot write to /dev/zram$id"
done
tap_diag "devices: $ids"
names=""
for id in $ids; do
	names="$names zram$id"
done

ESC=$(printf '\033')
# highlighted ROW-PREFIX: the screen's row starting so is the selected one
# (bold and underlined: NO_COLOR)
# (waits up to 5 seconds for it; highlighted -n: for no such row)
highlighted()
{
	_want=0
	[ "$1" = -n ] && _want=1 && shift
	_i=0
	while [ $_i -lt 100 ]; do
		tm capture-pane -e -p -t "$TM_CUR" | grep -Eq "^$ESC\\[(0;)?1;4m$1"
		[ $? -eq $_want ] && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# the state file zsctl compact and top's c write: untouched by what follows
state=/var/lib/zsctl/compact.state
state_before=$(cksum "$state" 2>/dev/null || echo none)

# ---- 80x12: the selection on screen, the rows left out said -------------------------
# shellcheck disable=SC2086
tm_run 80 12 small NO_COLOR=1 -- top -d 0.5 $names
see "80x12: top runs with the 12 named devices" '^zsctl top - [0-9:]+, every 0\.5s: 12 zram devices'
see "80x12: the first device, selected" "^zram$first .* 512K "
see "80x12: the rows below are said" '^(v|↓) [0-9]+ more devices \(Tab\)$'
i=1
while [ $i -lt 11 ]; do
	keys Tab
	i=$((i + 1))
done
keys Tab
see "80x12: Tab to the 12th: its row is on screen" "^zram$last +[a-z0-9-]+ +- "
see "80x12: the rows above are said" '^(\^|↑) [0-9]+ more devices \(Tab\)$'
see "80x12: what the class area is about names it" "^(zram$last is not initialised|No class statistics: )"
highlighted "zram$last "
tap_ok $? "80x12: the 12th's row is the highlighted one"
tap_ok "$(($(tm_screen | LC_ALL=C.UTF-8 wc -L) > 80))" "80x12: no line is wider than 80 columns"
# the rows shown and the ones said add up to the 12
rows=$(tm_screen | grep -c '^zram[0-9]* ')
above=$(tm_screen | sed -n 's/^[^0-9 ]* \([0-9]*\) more devices.*/\1/p')
tap_is "$((rows + ${above:-0}))" 12 "80x12: $rows rows and $above said above: all 12"
tap_ok "$((rows < 2 || rows > 8))" "80x12: a screenful of rows ($rows)"

# c on the uninitialised 12th: what zsctl compact says, no question, no run
keys c
see "c on an uninitialised device: as zsctl compact says" "^zram$last: not initialised, nothing to compact$"
not_see "c on it asks nothing" '^Compact '
tap_is "$(cksum "$state" 2>/dev/null || echo none)" "$state_before" "c on it: the state file is untouched"

# c names the device it will compact; n leaves it
keys BTab
see "Shift-Tab: the 11th" "^zram$(echo $ids | cut -d' ' -f11) .* 512K "
keys c
see "c asks about the selected device, by name" "^Compact zram$(echo $ids | cut -d' ' -f11) now, through zsctl compact's gate\\? \\[y/N\\]"
keys n
see "n: cancelled" '^compaction cancelled'
tap_is "$(cksum "$state" 2>/dev/null || echo none)" "$state_before" "n: the state file is untouched"
keys q
restored small "80x12, q"

# ---- 80x24: a hot-removed selection selects nothing else ------------------------------
# shellcheck disable=SC2086
tm_run 80 24 big NO_COLOR=1 -- top -d 0.5 $names
see "80x24: top runs" '^zsctl top - [0-9:]+, every 0\.5s: 12 zram devices'
see "80x24: every row fits: the 12th" "^zram$last +[a-z0-9-]+ +- "
not_see "80x24: no row is left out" 'more devices \(Tab\)$'
tap_ok "$(($(tm_screen | LC_ALL=C.UTF-8 wc -L) > 80))" "80x24: no line is wider than 80 columns"
i=1
while [ $i -lt 6 ]; do
	keys Tab
	i=$((i + 1))
done
see "Tab to the 6th" "^zram$mid .* 512K "
highlighted "zram$mid "
tap_ok $? "the 6th is the highlighted row"
zram_remove "$mid"
tap_ok $? "zram$mid hot-removed while selected"
[ -z "$ZRAM_ERROR" ] || tap_diag "$ZRAM_ERROR"
not_see "its row goes" "^zram$mid +[a-z0-9-]+ +([0-9]|- )"
# only the devices named: none of the machine's or another test's comes in
sleep 1
tm_screen | grep -E '^zram[0-9]+ +[a-z0-9-]+ +([0-9]|- )' | cut -d' ' -f1 >"$TMPD/rows"
for id in $ids; do
	[ "$id" = "$mid" ] || echo "zram$id"
done >"$TMPD/rows.want"
tap_is "$(sort "$TMPD/rows" | tr '\n' ' ')" "$(sort "$TMPD/rows.want" | tr '\n' ' ')" \
	"the 11 devices named and left, no other"
see "nothing else is selected, and that is said" "^zram$mid is gone: nothing is selected \\(Tab selects a device\\)$"
highlighted -n zram
tap_ok $? "no row is highlighted"
keys c
see "c: nothing to compact" "^zram$mid is gone: nothing to compact \\(Tab selects a device\\)$"
not_see "c asks nothing" '^Compact '
keys Tab
see "Tab: the device now in its place" "^zram$(echo $ids | cut -d' ' -f7) .* 512K "
highlighted "zram$(echo $ids | cut -d' ' -f7) "
highlighted "zram$(echo $ids | cut -d" " -f7) " || tm capture-pane -e -p -t "$TM_CUR" | cat -v | sed 's/^/#   | /'

tap_is "$(cksum "$state" 2>/dev/null || echo none)" "$state_before" "the state file is untouched"
keys q
restored big "80x24, q"
tap_is "$(cat "$TMPD/big.rc")" 0 "exit status 0"

tap_done
