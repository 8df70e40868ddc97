#!/bin/bash
# Reliability, hostile input: every refusal comes before any write, with one
# clear line (plus the usual "Try ... --help" for usage errors) that echoes
# no control character, and the documented status (2 for usage).
#  - device names: slashes, dots, escapes, newlines, overlong, '-zram0'
#    (bash cannot pass a NUL in argv);
#  - attribute names not in the kernel's list, values with newlines, blanks
#    or leading dashes (zsctl get and set);
#  - huge numbers in options;
#  - --sysroot through a symlink (works like its target) and symlinks inside
#    a sysroot (must not lead a write outside it);
#  - lock and state paths through symlinks, and pre-created by another user.
# (zsctl run by another user: tests/reliability/unpriv.sh)
# All under --sysroot over fixture copies: "no write" is checked on the
# whole tree (the compact attributes are plain files there).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/reliability/common.sh"

command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
LC_ALL=C
export LC_ALL
make_tmpdir
R=$TMPD/root
copy_fixture several-devices "$R"
LOCK=$R/run/lock/zsctl-compact.lock
STATE=$R/var/lib/zsctl/compact.state
SUM=$(tree_sum "$R")
ESC=$'\033'

# run ARGS...: zsctl over the copy; sets rc, out, err (files $TMPD/out, $TMPD/err)
run()
{
	"$ZSCTL" --sysroot "$R" "$@" >"$TMPD/out" 2>"$TMPD/err" </dev/null
	rc=$?
}

# shown ARG: how a test description shows an argument (printable, short)
shown()
{
	local s
	s=$(printf '%q' "$1")
	[ ${#s} -gt 40 ] && s="${s:0:37}..."
	printf '%s' "$s"
}

# usage_refused DESC: the last run was a clean usage refusal: exit 2,
# nothing on stdout, one "zsctl:" line and at most the "Try" line, no
# control character, nothing written
usage_refused()
{
	local why=""
	[ "$rc" -eq 2 ] || why="$why exit $rc;"
	[ -s "$TMPD/out" ] && why="$why stdout not empty;"
	[ "$(grep -c '^zsctl: ' "$TMPD/err")" -eq 1 ] || why="$why not one zsctl: line;"
	[ "$(grep -vc -e '^zsctl: ' -e "^Try 'zsctl" "$TMPD/err")" -eq 0 ] || why="$why other lines on stderr;"
	has_ctl "$TMPD/err" && why="$why a control character echoed;"
	[ "$(tree_sum "$R")" = "$SUM" ] || why="$why the tree changed;"
	tap_is "$why" "" "$1"
	[ -z "$why" ] || sed 's/^/#   stderr: /' "$TMPD/err" | cat -v | head -n 4
}

# ---- device names -------------------------------------------------------------------------------
long=zram$(printf '%05000d' 7)
names=(
	'zram0/../zram1' 'zram0/' '/dev/../dev/zram0' '/sys/block/zram0' '/dev//zram0' '/dev/zram0/'
	'zram0.' '.zram0' '..' '.' $'zram0\nzram1' $'zram\t0' "zram0${ESC}[2J" "${ESC}]0;x${ESC}\\zram0" ''
	' zram0' 'zram0 ' 'ZRAM0' 'zram+1' 'zram-1' 'zram01' 'zram0x1' 'zram1234567890' 'zram4294967296'
	"$long" 'zram１' 'zram٣'
)
for n in "${names[@]}"; do
	run status "$n"
	usage_refused "status $(shown "$n"): refused"
	run compact --force "$n"
	usage_refused "compact $(shown "$n"): refused, no lock or state file made"
	run set "$n" disksize=1G
	usage_refused "set $(shown "$n") disksize=1G: refused"
	run get "$n" mm_stat
	usage_refused "get $(shown "$n") mm_stat: refused"
done
# a name that reads as an option: after -- it is a bad name
run status -- -zram0
usage_refused "status -- -zram0: refused"
run compact --force -- -zram0
usage_refused "compact -- -zram0: refused"
# without --: an unknown option, and the message should name it
for v in status compact get; do
	run "$v" -zram0
	usage_refused "$v -zram0: refused as an option"
	grep -q -e "'-z'" -e "'-zram0'" "$TMPD/err"
	tap_ok $? "$v -zram0: the message names the option"
done

# top's --pool takes a device or pool name
for n in 'zram0/../zram1' '../../etc' 'zswap/../../x' "$long" $'zram0\nzram1' "zram${ESC}[2J"; do
	run top --batch --iterations 1 -p "$n"
	if has_ctl "$TMPD/err" || [ "$(nlines "$TMPD/err")" -gt 2 ]; then
		tap_ok 1 "top -p $(shown "$n"): refused without echoing control characters"
	else
		usage_refused "top -p $(shown "$n"): refused"
	fi
done

# ---- other arguments echoed in messages ------------------------------------------------------------
# (a terminal must not receive an escape sequence from a refused argument)
P="X${ESC}[2J"$'\nY'
# every message passes through one filter that turns control bytes into '?'
echo_cases=(
	"clean|$P" "clean|status|$P" "clean|status|-o|$P" "clean|status|--format|$P" "clean|status|--$P"
	"clean|compact|--lock-file|$P" "clean|compact|--wait|$P" "clean|compact|-E|$P" "clean|compact|--min-gain|$P"
	"clean|compact|--min-frag|$P" "clean|compact|--min-interval|$P" "clean|compact|--$P" "clean|get|$P"
	"clean|get|zram0|$P" "clean|set|zram0|$P=1" "clean|set|zram0|disksize=$P" "clean|top|-b|-p|$P"
	"clean|top|-b|-s|$P" "clean|top|-b|-d|$P" "clean|top|-b|-n|$P" "clean|top|$P" "clean|--$P|status"
)
for c in "${echo_cases[@]}"; do
	IFS='|' read -r -d '' -a args < <(printf '%s' "$c")
	args=("${args[@]:1}")
	run "${args[@]}"
	desc=$(printf '%s ' "${args[@]}" | cat -v | tr '\n' ' ')
	why=""
	[ "$rc" -eq 2 ] || why="exit $rc"
	has_ctl "$TMPD/err" && why="$why a control character echoed"
	tap_is "$why" "" "refused without echoing control characters: $desc"
done
[ "$(tree_sum "$R")" = "$SUM" ]
tap_ok $? "none of them wrote anything"

# ---- attributes: get and set ------------------------------------------------------------------------
for a in '../../../etc/passwd' 'mm_stat/../disksize' 'bogus' 'MM_STAT' '-mm_stat' $'mm_stat\nx' \
	"mm_stat${ESC}[2J" 'mm_stat ' '' "$(printf 'a%.0s' $(seq 300))"; do
	run get zram0 -- "$a"
	usage_refused "get zram0 $(shown "$a"): refused"
done

# set: one line naming the problem, then "nothing written"; status 2
set_refused()
{
	local why=""
	[ "$rc" -eq "$2" ] || why="$why exit $rc;"
	[ "$(grep -c '^zsctl: ' "$TMPD/err")" -ge 1 ] || why="$why no zsctl: line;"
	[ "$(nlines "$TMPD/err")" -le 3 ] || why="$why more than 3 lines;"
	tail -n1 "$TMPD/err" | grep -q -e 'nothing written' -e "^Try 'zsctl" || why="$why does not say nothing was written;"
	has_ctl "$TMPD/err" && why="$why a control character echoed;"
	[ "$(tree_sum "$R")" = "$SUM" ] || why="$why the tree changed;"
	tap_is "$why" "" "$1"
	[ -z "$why" ] || sed 's/^/#   stderr: /' "$TMPD/err" | cat -v | head -n 4
}
for a in 'bogus=1' 'DISKSIZE=1G' 'disksize' '=1G' 'disksize=' '../disksize=1' 'disksize/../reset=1' \
	'mm_stat=1' 'initstate=1' 'compact=1' 'reset=1' "$(printf 'a%.0s' $(seq 300))=1" \
	$'disksize=1G\n2G' 'disksize=1 G' 'disksize= 1G' 'disksize=1G ' $'disksize=1G\t' 'disksize=-1' 'disksize=--1' \
	'comp_algorithm=-lz4' 'comp_algorithm=lz4 zstd' $'comp_algorithm=lz4\nzstd' "comp_algorithm=lz4${ESC}[2J" \
	'comp_algorithm=../../lz4' 'mem_limit=99999999999999999999' 'mem_limit=16E' 'mem_limit=1e9' \
	'mem_limit=0x10' 'mem_limit=+1' "mem_limit=$(printf '1%.0s' $(seq 300))" 'backing_dev=/dev/../dev/sda' \
	'backing_dev=relative' 'idle=all;reboot' 'writeback=$(reboot)' 'recompress=type=idle,type=huge' \
	'disksize=1G' ; do
	want=2
	[ "$a" = disksize=1G ] && want=1 # the device is initialised: a refusal by its state
	run set zram0 "$a"
	set_refused "set zram0 $(shown "$a"): refused (exit $want)" "$want"
	run set --dry-run zram0 "$a"
	set_refused "set zram0 --dry-run $(shown "$a"): refused (exit $want)" "$want"
done
# one bad item spoils the whole line: nothing of it is written
run set zram10 mem_limit=1G 'bogus=1'
set_refused "set zram10 mem_limit=1G bogus=1: nothing written" 2

# ---- huge numbers ------------------------------------------------------------------------------------
for o in '--min-gain 99999999999999999999' '--min-gain 18446744073709551616' '--min-gain 16E' \
	'--min-gain -1' '--min-gain 1e3' '--wait 1e9' '--wait 86401' '--wait 99999999999999999999' \
	'--wait -1' '--wait nan' '--wait inf' '--wait 0x10' '-E 256' '-E 99999999999999999999' '-E -1' \
	'-E 1e1' '--min-frag 101' '--min-frag 1e2' '--min-frag nan' '--min-interval 99999999999999999999' \
	'--min-interval 9999999999999999d' '--min-interval 1e9'; do
	# shellcheck disable=SC2086
	run compact --force $o zram0
	usage_refused "compact $o: refused, nothing written"
done
for o in '-d 1e9' '-d 99999999999999999999' '-d -1' '-d nan' '--iterations 99999999999999999999' '--iterations -1'; do
	# shellcheck disable=SC2086
	run top --batch --iterations 1 $o
	usage_refused "top $o: refused"
done
# the largest accepted values are taken as they are (a dry run)
for o in '--min-gain 18446744073709551615' '--wait 86400' '-E 255' '--min-interval 213503982334601d'; do
	# shellcheck disable=SC2086
	run compact --dry-run $o zram0
	tap_is "$rc:$(cat "$TMPD/err")" "0:" "compact --dry-run $o: accepted"
done

# ---- --sysroot through a symlink -----------------------------------------------------------------------
# The root given on the command line is the user's: through a symlink it is
# its target, like chroot(2) and util-linux's --sysroot. Only symlinks
# inside the root must stay inside it.
ln -s root "$TMPD/link"
"$ZSCTL" --sysroot "$R" status -J >"$TMPD/direct.json" 2>&1
"$ZSCTL" --sysroot "$TMPD/link" status -J >"$TMPD/link.json" 2>&1
tap_is "$?" 0 "--sysroot through a symlink: status works"
cmp -s "$TMPD/direct.json" "$TMPD/link.json"
tap_ok $? "--sysroot through a symlink: the same document as through the target"
"$ZSCTL" --sysroot "$TMPD/link" compact --force -q zram0
tap_is "$?:$(compacted "$R")" "0:zram0 " "--sysroot through a symlink: compact works on the target"
[ -f "$STATE" ] && [ -f "$LOCK" ]
tap_ok $? "and keeps its lock and state in the target"
rm -rf "$R/var/lib/zsctl" "$LOCK"
: >"$R/sys/block/zram0/compact"

# symlinks inside the root: run/ and var/ of a dump pointing outside it
R2=$TMPD/dump
copy_fixture linux-6.12-discard "$R2"
mkdir -p "$TMPD/outside/run/lock" "$TMPD/outside/var/lib"
rm -rf "${R2:?}/run" "${R2:?}/var"
ln -s "$TMPD/outside/run" "$R2/run"
ln -s "$TMPD/outside/var" "$R2/var"
"$ZSCTL" --sysroot "$R2" compact --force -q zram0 2>"$TMPD/err"
rc=$?
out=$(cd "$TMPD/outside" && find . -type f | sort | tr '\n' ' ')
tap_ok "$([ -z "$out" ]; echo $?)" "a dump's run -> and var -> symlinks lead no write outside the sysroot"
# the symlinks resolve inside the dump (openat2 RESOLVE_IN_ROOT), where
# there is no such directory
tap_is "$rc:$(cat "$TMPD/err")" \
	"3:zsctl: $R2/run/lock/zsctl-compact.lock: cannot take the compaction gate: No such file or directory" \
	"and compact says why, exit 3"
"$ZSCTL" --sysroot "$R2" status -J >/dev/null 2>&1
tap_is "$?" 0 "status over such a dump still works"

# ---- lock and state paths through symlinks, or owned by another user -------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	tap_diag "not root: skipping the lock and state files of another user"
	tap_done
	exit
fi
S=$TMPD/gate
mkdir -p "$S/real" "$S/other" "$S/sticky"
chmod 1777 "$S/sticky"
echo "precious" >"$S/real/target"
ln -s target "$S/real/link.lock"
ln -s real "$S/linkdir"
# a directory symlink of another user's is refused; root's (Debian's
# /var/lock -> /run/lock) is followed
ln -s real "$S/otherlinkdir"
chown -h 65534:65534 "$S/otherlinkdir"
: >"$S/other/gate.lock"
: >"$S/other/compact.state"
: >"$S/sticky/gate.lock"
chown 65534:65534 "$S/other/gate.lock" "$S/other/compact.state" "$S/sticky/gate.lock"
gsum=$(tree_sum "$S")

# gate_refused DESC MESSAGE ARGS...: exit 3, one line with MESSAGE, nothing
# compacted, nothing written in the fixture or below $S
gate_refused()
{
	local desc=$1 msg=$2 why=""
	shift 2
	run compact --force "$@" zram0
	[ "$rc" -eq 3 ] || why="$why exit $rc;"
	[ "$(nlines "$TMPD/err")" -eq 1 ] || why="$why not one line;"
	grep -qF -- "$msg" "$TMPD/err" || why="$why not saying '$msg';"
	[ -z "$(compacted "$R")" ] || why="$why compacted;"
	[ "$(tree_sum "$R")" = "$SUM" ] || why="$why the fixture changed;"
	[ "$(tree_sum "$S")" = "$gsum" ] || why="$why wrote below $S;"
	tap_is "$why" "" "$desc"
	[ -z "$why" ] || sed 's/^/#   stderr: /' "$TMPD/err"
}
gate_refused "a lock file that is a symlink: refused" "it is a symlink" \
	--lock-file "$S/real/link.lock" --state-file "$S/real/compact.state"
gate_refused "a lock file in another user's symlinked directory: refused" "cannot take the compaction gate: unsafe" \
	--lock-file "$S/otherlinkdir/gate.lock" --state-file "$S/real/compact.state"
gate_refused "a lock file pre-created by another user: refused" "cannot take the compaction gate: unsafe" \
	--lock-file "$S/other/gate.lock" --state-file "$S/real/compact.state"
gate_refused "a lock file pre-created by another user in a sticky directory: refused" \
	"cannot take the compaction gate" \
	--lock-file "$S/sticky/gate.lock" --state-file "$S/real/compact.state"
gate_refused "a state file in another user's symlinked directory: refused" "state file" \
	--lock-file "$TMPD/gate.lock" --state-file "$S/otherlinkdir/compact.state"
gate_refused "a state file pre-created by another user: refused" "state file" \
	--lock-file "$TMPD/gate.lock" --state-file "$S/other/compact.state"
grep -q "need root" "$TMPD/err"
tap_ok $((!$?)) "and the message does not tell root that it needs root"

tap_done
