#!/bin/sh
# zsctl top on a terminal, under tmux (send-keys, capture-pane), over a
# copy of the several-devices fixture: the screen, the keys, a resized
# window, compaction through zsctl compact's gate, devices that come and
# go, and the terminal given back as it was after q, ^C, SIGTERM and SIGHUP.
. "$TOP_SRCDIR/tests/lib.sh"
make_tmpdir
. "$TOP_SRCDIR/tests/top/tmux.sh"

[ -x "$ZSCTL" ] || tap_bail "no zsctl at $ZSCTL"
command -v pgrep >/dev/null || tap_bail "pgrep is missing (procps)"

# A writable root: compact files to write to, the gate's directories.
ROOT=$TMPD/root
cp -R "$TOP_SRCDIR/tests/fixtures/several-devices" "$ROOT" || tap_bail "cannot copy a fixture"
chmod -R u+w "$ROOT"
for d in zram0 zram2 zram10; do
	: >"$ROOT/sys/block/$d/compact"
done
mkdir -p "$ROOT/run/lock" "$ROOT/var/lib"
chmod 0755 "$ROOT" "$ROOT/run" "$ROOT/run/lock" "$ROOT/var" "$ROOT/var/lib"
dbg=$(awk '$9 == "debugfs" { print substr($5, 2) }' "$ROOT/proc/self/mountinfo")
[ -d "$ROOT/$dbg/zsmalloc/zram2" ] || tap_bail "several-devices: no pool zram2 under /$dbg"

# ---- the screen, and the keys ------------------------------------------------
tm_run 120 30 main -- --sysroot "$ROOT" top -d 1

see "the title line" '^zsctl top - [0-9:]+, every 1s: 3 zram devices, 3 zsmalloc pools'
see "the device heading, the bar's ruler last" '^NAME +DISKSIZE +ALGO +DATA +COMPR +TOTAL +RATIO +FRAG +COMPACTABLE +SWAP 0   50 100$'
see "a line per device" '^zram10 +256M +lz4 +64M'
see "the gate" '^Gate: free; runs 0, turned away 0'
see "the pool of the first device" '^Pool zram0 \(device zram0, 6\.4\+\): compaction would free 10\.2M; 119 classes by freeable descending$'
see "the class heading, with the rulers" '^CLASS +SIZE +OBJS +USED +PAGES +PPZ +FREEABLE +FRAG 0   50 100 1234567899F$'
see "a class row: its bar and its shaded strip (UTF-8)" '^  211 3408   438  229   365   5     680K 47\.7% #####\.\.\.\.\. \.▃\.▅\.█▅\.▃\.▁$'
see "zram0's bar: what compaction frees of it" '^zram0 .* 10\.2M +- ####\.\.\.\.\.\.$'
see "the key hints" '^q quit  \? help  Tab pool'
tap_is "$(tm display -p -t "$TM_CUR" '#{alternate_on}')" 1 "top runs on the alternate screen"
tap_is "$(tm_screen | wc -l | tr -d ' ')" 30 "it fills the 30 lines"
tm capture-pane -e -p -t "$TM_CUR" | grep -q "$(printf '\033')\[3[0-7]m"
tap_ok $? "in colour on a terminal that has it"

keys Tab
see "Tab: the next pool" '^Pool zram2 '
keys Tab
see "Tab: the next" '^Pool zram10 '
keys Tab
see "Tab: round to the first" '^Pool zram0 '
keys Left
see "Left: the previous" '^Pool zram10 '
keys Right
see "Right: the next" '^Pool zram0 '
keys BTab
see "Shift-Tab: the previous" '^Pool zram10 '
keys Tab

keys s
see "s: sort by fragmentation" 'by frag descending'
keys s
see "s: by size" 'by size ascending'
see "sorted by size, class 0 first" '^ +0 +32 '
keys s
see "s: by pages used" 'by used descending'
see "the most pages first" '^ +254 +4096 +1319 +1319 +1319 '
keys s
see "s: round to freeable" 'by freeable descending'
keys r
see "r: reversed" 'by freeable ascending'
keys r
see "r: back" 'by freeable descending'

keys e
see "e: empty classes hidden" '119 classes \([0-9]+ empty hidden\) by'
keys e
not_see "e: shown again" 'empty hidden'

keys End
see "End: the Total row" '^Total +15537 +7475 +7024'
keys Home
not_see "Home: back to the top" '^Total '
keys NPage
see "PgDn: the next page" '^ +(87|83|94|107|135|64) '
keys PPage
see "PgUp: back" '^ +211 +3408 '
keys Down
not_see "Down: one line further" '^ +211 +3408 '
keys Up
see "Up: back" '^ +211 +3408 '

keys '?'
see "?: the help" '^zsctl top: keys'
see "the help lists c" '^  c +compact the selected device'
keys x
see "any key leaves the help" '^Pool zram0 '

keys b
see "b: sizes in bytes" '^zram0 +268435456 +lz4 +33554432 '
keys b
see "b: human sizes again" '^zram0 +256M '

keys d
see "d: the delay prompt" '^Delay between refreshes in seconds \(now 1\): ?$'
keys 0 . 5 Enter
see "d 0.5: the new delay" 'every 0\.5s'
keys d x y z Enter
see "digits only" 'every 0\.5s'
keys d 0 Enter
see "d 0: refused" "^invalid delay '0'"

keys p
see "p: paused" '\[paused\]'
keys Space
not_see "Space: resumed" '\[paused\]'

# ---- the window changes size ---------------------------------------------------
tm resize-window -t "$TM_CUR" -x 60 -y 15
see "60x15: the class table stays" '^CLASS +SIZE '
not_see "60x15: without the fullness column" '1234567899F'
see "60x15: the status line on the last row" '^q quit'
tap_is "$(tm_screen | awk 'length > 60' | wc -l | tr -d ' ')" 0 "60x15: no line is longer than 60"
tap_is "$(tm_screen | sed -n '15p' | cut -c1-6)" "q quit" "60x15: the status line is line 15"
tm resize-window -t "$TM_CUR" -x 80 -y 24
see "80x24: the fullness column is back" '^CLASS +SIZE .* 1234567899F$'
# display columns, not bytes: the strip's shades are UTF-8
tap_ok "$(($(tm_screen | LC_ALL=C.UTF-8 wc -L) > 80))" "80x24: no line is wider than 80 columns"
see "80x24: the totals cut after an item, with an ellipsis" '^Total: data 128M, compr 63\.3M, total 78M, compactable 10\.2M, ratio 2\.02…$'
see "80x24: the pool's line keeps what compaction frees" '^Pool zram0 \(device zram0, 6\.4\+\): compaction would free 10\.2M…$'
tm resize-window -t "$TM_CUR" -x 200 -y 60
see "200x60: wider bars" '^NAME .* 0        50      100$'
see "200x60: zram0's 20-cell bar" '^zram0 .* 10\.2M +- #######\.\.\.\.\.\.\.\.\.\.\.\.\.$'
see "200x60: the pool's whole line" 'by freeable descending$'
tm resize-window -t "$TM_CUR" -x 80 -y 24
see "80x24: the device table" '^zram0 +[0-9]'
tm resize-window -t "$TM_CUR" -x 30 -y 6
see "30x6: still drawing" '^zsctl top'
tm resize-window -t "$TM_CUR" -x 120 -y 30
see "120x30 again" '^Pool zram0 '

# ---- compaction, through the gate of zsctl compact ----------------------------------
keys c
see "c: asks first" '^Compact zram0 now, through zsctl compact.s gate\? \[y/N\]'
keys n
see "n: not compacted" '^compaction cancelled'
tap_is "$(cat "$ROOT/sys/block/zram0/compact")" "" "nothing written to compact"
keys c y
see "c y: compacted" '^zram0: compacted: freed 0B \(0 pages compacted\)'
tap_is "$(cat "$ROOT/sys/block/zram0/compact")" 1 "1 written to zram0's compact"
see "the gate counts the run" '^Gate: free; runs 1, turned away 0'
grep -q '^runs 1$' "$ROOT/var/lib/zsctl/compact.state"
tap_ok $? "the run is in the state file, as zsctl compact writes it"

# a zsctl compact that holds the gate: top sees it, and steps aside
ZSCTL_TEST_HOLD_GATE=6 "$ZSCTL_TEST" --sysroot "$ROOT" compact --force zram2 \
	>"$TMPD/compact.out" 2>&1 &
cpid=$!
at_exit "kill $cpid"
see "the holder is shown" "^Gate: held by pid $cpid since "
keys c y
see "c y: the gate is held, not compacted" "^zram0: the compaction gate is held by pid $cpid: not compacted"
wait $cpid
tap_is "$?" 0 "zsctl compact (holding the gate) exits 0"
see "after it: free, 2 runs, 1 turned away" '^Gate: free; runs 2, turned away 1'

# ---- devices that come and go -----------------------------------------------------------
rm -rf "$ROOT/sys/block/zram2" "$ROOT/$dbg/zsmalloc/zram2"
see "zram2 removed: said" 'zram2 removed'
not_see "zram2 removed: its line is gone" '^zram2 +[0-9]'
cp -R "$ROOT/sys/block/zram0" "$ROOT/sys/block/zram7"
cp -R "$ROOT/$dbg/zsmalloc/zram0" "$ROOT/$dbg/zsmalloc/zram7"
see "zram7 added: said" 'zram7 appeared'
see "zram7 added: its line" '^zram7 +256M '
keys Tab
see "zram7's pool can be selected" '^Pool zram7 '

keys q
restored main "q"
tap_is "$(cat "$TMPD/main.rc")" 0 "q: exit status 0"

# ---- signals -------------------------------------------------------------------------------
tm_run 100 30 int -- --sysroot "$ROOT" top
see "^C: running" '^CLASS '
keys C-c
restored int "^C"
tap_is "$(cat "$TMPD/int.rc")" 130 "^C: exit status 130"

for sig in TERM:15 HUP:1; do
	num=${sig#*:}
	sig=${sig%:*}
	tm_run 100 30 "$sig" -- --sysroot "$ROOT" top
	see "SIG$sig: running" '^CLASS '
	kill -"$sig" "$(zsctl_pid)"
	restored "$sig" "SIG$sig"
	tap_is "$(cat "$TMPD/$sig.rc")" "$((128 + num))" "SIG$sig: exit status 128+$num"
done

# a crash: the terminal is given back before the signal does its work
tm_run 100 30 SEGV -- --sysroot "$ROOT" top
see "SIGSEGV: running" '^CLASS '
kill -SEGV "$(zsctl_pid)"
restored SEGV "SIGSEGV"
tap_is "$(cat "$TMPD/SEGV.rc")" 139 "SIGSEGV: killed by it (status 139)"

# ---- -n, NO_COLOR, a terminal without colours --------------------------------------------
tm_run 100 30 iter -- --sysroot "$ROOT" top --iterations 3 -d 0.2
restored iter "-n 3"
tap_is "$(cat "$TMPD/iter.rc")" 0 "-n 3: exit status 0"

tm_run 100 30 nocolor NO_COLOR=1 -- --sysroot "$ROOT" top
see "NO_COLOR: running" '^CLASS '
tm capture-pane -e -p -t "$TM_CUR" | grep -q "$(printf '\033')\[[34][0-7]m"
tap_ok $((!$?)) "NO_COLOR: no colour"
tm capture-pane -e -p -t "$TM_CUR" | grep -q "$(printf '\033')\[7m"
tap_ok $? "NO_COLOR: still reverse video for headings"
keys q
restored nocolor "NO_COLOR"

tm_run 80 24 vt100 TERM=vt100 -- --sysroot "$ROOT" top
see "TERM=vt100: running" '^CLASS '
keys q
restored vt100 "TERM=vt100"

# s and e without class statistics (debugfs not mounted): the status line says
# why they do nothing
tm_run 140 30 nostats -- --sysroot "$TOP_SRCDIR/tests/fixtures/mm9-no-debugfs" top
see "no class statistics: running" '^No class statistics: debugfs is not mounted'
keys s
see "s without class statistics: says why" '^nothing to sort: no class statistics: debugfs is not mounted'
keys e
see "e without class statistics: says why" '^no empty classes to hide: no class statistics: debugfs is not mounted'
keys q
restored nostats "no class statistics"

# the zswap panel: z in place of the class table, its own sort, z back
tm_run 150 40 zswap -- --sysroot "$TOP_SRCDIR/tests/fixtures/zswap-7.3-cgroups" top -d 0.5
see "zswap: the class table first" '^Pool zswap1 '
keys z
see "z: the zswap panel's cgroups, most zswap RAM first" '^zswap per cgroup: 8 hold zswap memory by zswap descending$'
see "z: zswap's parameters" '^zswap: enabled yes, max_pool_percent 20'
see "z: a row per cgroup, its share of zswap's RAM last" '^/system\.slice/hog\.service +11\.4M +21M +7\.8M +[0-9.-]+ +[0-9.-]+ +[0-9.-]+ +16M yes +##############\.\.\.\.\.\.$'
not_see "z: no class table" '^Pool zswap1 '
see "z: rates from the second sample (a dump: 0)" '^/system\.slice/db\.service +2\.9M +6\.6M +2\.1M +0 +0 +0 +max no '
keys s
see "s in the panel: by refaults per second" 'by zswpin/s descending'
keys r
see "r in the panel: reversed" 'by zswpin/s ascending'
keys e
see "e in the panel: says why not" '^no empty classes to hide: the zswap panel is shown \(z\)'
keys z
see "z again: the class table, its sort as it was" '^Pool zswap1 .* by freeable descending$'
not_see "z again: no panel" '^zswap per cgroup'
keys z
see "z once more: the panel's sort remembered" 'by zswpin/s ascending'
keys q
restored zswap "the zswap panel"

# a terminal without cursor addressing: the clean error of a terminal curses
# does not know, not a blank screen with the key bar
for term in dumb nosuchterm; do
	tm_run 80 24 "term-$term" TERM=$term -- --sysroot "$ROOT" top
	see "TERM=$term: one error line" "^zsctl: top: cannot use the terminal \\(TERM=$term\\)\$"
	pane_done "term-$term"
	tap_is "$(cat "$TMPD/term-$term.rc")" 1 "TERM=$term: exit status 1"
	# (dumb only: under --enable-sanitizers, LeakSanitizer reports what
	# libtinfo's failed newterm keeps for an unknown TERM)
	[ $term = dumb ] &&
		tap_is "$(tm_screen | grep -cv '^$')" 2 "TERM=$term: nothing drawn but the error (and the pane's done)"
	cmp -s "$TMPD/term-$term.before" "$TMPD/term-$term.after"
	tap_ok $? "TERM=$term: the terminal's modes are as before (stty -g)"
done

tap_done
