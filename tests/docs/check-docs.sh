#!/bin/sh
# The documentation against the program: the options and columns zsctl's
# --help prints and those the man pages document (both ways), and the bash
# completion driven like bash drives it (COMP_WORDS/COMP_CWORD), whose
# verbs, options and columns must be those of --help.
# Reads only from $TOP_SRCDIR, writes only below a temporary directory.
. "$TOP_SRCDIR/tests/lib.sh"

MAN="$TOP_SRCDIR/man"
COMPLETION="$TOP_SRCDIR/completions/zsctl"
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
make_tmpdir

tap_skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# same_lists GOT WANT DESCRIPTION: two files of one item a line, equal;
# on a mismatch the difference is shown (- wanted, + got)
same_lists()
{
	if cmp -s "$2" "$1"; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		diff -u "$2" "$1" | sed -n '3,$p' | sed 's/^/#   /'
	fi
}

# ---- extracting from --help and from the scdoc sources ------------------

# Option lines of a --help text: "-o --output" or "--output-all".
help_options()
{
	sed -n -e 's/^ *\(-[A-Za-z0-9]\), \(--[a-z][a-z0-9-]*\).*$/\1 \2/p' \
		-e 's/^ *\(--[a-z][a-z0-9-]*\).*$/\1/p' "$1" | LC_ALL=C sort
}

help_long_options()
{
	help_options "$1" | sed 's/^-[A-Za-z0-9] //' | LC_ALL=C sort
}

help_verbs()
{
	sed -n '/^Verbs:/,/^$/s/^ \([a-z][a-z0-9-]*\)  .*$/\1/p' "$1"
}

help_columns()
{
	sed -n '/^Available output columns:/,/^$/s/^ *\([A-Z][A-Z0-9%-]*\)  .*$/\1/p' "$1"
}

# The lines of one section ("# HEADING" up to the next heading) of an scdoc file.
man_section()
{
	awk -v h="$2" '/^# / { in_sec = ($0 == "# " h); next } in_sec' "$1"
}

# Option definitions of a section: lines that begin with *-x*, *--long*.
man_options()
{
	man_section "$1" "$2" |
		sed -n -e 's/^\*\(-[A-Za-z0-9]\)\*, \*\(--[a-z][a-z0-9-]*\)\*.*$/\1 \2/p' \
			-e 's/^\*\(--[a-z][a-z0-9-]*\)\*.*$/\1/p' \
			-e 's/^\*\(-[A-Za-z0-9]\)\*\( .*\)\{0,1\}$/\1/p' | LC_ALL=C sort
}

# Entries of a definition list whose terms are *word* alone on a line.
man_terms()
{
	man_section "$1" "$2" | sed -n 's/^\*\([A-Za-z0-9%-][A-Za-z0-9%-]*\)\*$/\1/p'
}

man_verbs()
{
	man_section "$1" VERBS | sed -n 's/^\*\([a-z][a-z0-9-]*\)\* .*$/\1/p; s/^\*\([a-z][a-z0-9-]*\)\*$/\1/p'
}

# ---- the man pages --------------------------------------------------------

"$ZSCTL" --help >"$TMPD/help" 2>&1
tap_is "$?" 0 "zsctl --help exits 0"
help_verbs "$TMPD/help" >"$TMPD/verbs"
[ -s "$TMPD/verbs" ]
tap_ok $? "zsctl --help lists verbs"

if command -v scdoc >/dev/null; then
	for page in "$MAN"/*.scd; do
		scdoc <"$page" >"$TMPD/page.8" 2>"$TMPD/scdoc.err"
		r=$?
		tap_ok $r "scdoc accepts ${page##*/}"
		[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/scdoc.err")"
	done
else
	tap_skip "scdoc is not installed: the man page sources are not compiled"
fi

help_options "$TMPD/help" >"$TMPD/help.opts"
man_options "$MAN/zsctl.8.scd" "GLOBAL OPTIONS" >"$TMPD/man.opts"
[ -s "$TMPD/help.opts" ]
tap_ok $? "zsctl --help lists options"
same_lists "$TMPD/man.opts" "$TMPD/help.opts" \
	"zsctl(8) GLOBAL OPTIONS are those of zsctl --help"

man_verbs "$MAN/zsctl.8.scd" | LC_ALL=C sort >"$TMPD/man.verbs"
LC_ALL=C sort "$TMPD/verbs" >"$TMPD/verbs.sorted"
same_lists "$TMPD/man.verbs" "$TMPD/verbs.sorted" "zsctl(8) VERBS are those of zsctl --help"

while read -r verb; do
	"$ZSCTL" "$verb" --help >"$TMPD/help.$verb" 2>&1
	tap_is "$?" 0 "zsctl $verb --help exits 0"
	page="$MAN/zsctl-$verb.8.scd"
	if [ ! -f "$page" ]; then
		tap_skip "no man/zsctl-$verb.8.scd to check the options of $verb against"
		continue
	fi
	grep -q -e "\*zsctl-$verb\*(8)" -e "zsctl-$verb(8)" "$MAN/zsctl.8.scd"
	tap_ok $? "zsctl(8) refers to zsctl-$verb(8)"
	help_options "$TMPD/help.$verb" >"$TMPD/help.$verb.opts"
	man_options "$page" OPTIONS >"$TMPD/man.$verb.opts"
	[ -s "$TMPD/help.$verb.opts" ]
	tap_ok $? "zsctl $verb --help lists options"
	same_lists "$TMPD/man.$verb.opts" "$TMPD/help.$verb.opts" \
		"zsctl-$verb(8) OPTIONS are those of zsctl $verb --help"
done <"$TMPD/verbs"

help_columns "$TMPD/help.status" >"$TMPD/help.columns"
man_terms "$MAN/zsctl-status.8.scd" "OUTPUT COLUMNS" >"$TMPD/man.columns"
[ -s "$TMPD/help.columns" ]
tap_ok $? "zsctl status --help lists columns"
same_lists "$TMPD/man.columns" "$TMPD/help.columns" \
	"zsctl-status(8) OUTPUT COLUMNS are those of status --help, in its order"

# ---- the system log lines the examples show ---------------------------------
# Every "zsctl[PID]: VERB: ..." line of a man page or the README is one that
# a syslog() call of cli/ writes: its format, with what each %s holds there
# (after "failed on ": the devices whose compaction failed, or "the state
# file"; after "freed ": a size; elsewhere any text). zsctl-compact(8) showed
# "failed on at least one device", which no run writes.
sed -n 's/.*syslog([^"]*"\([^"]*\)".*/\1/p' "$TOP_SRCDIR"/cli/*.c >"$TMPD/syslog.formats"
[ -s "$TMPD/syslog.formats" ]
tap_ok $? "cli/ has syslog() formats to check the examples against"
awk '{
	r = ""
	n = split($0, part, "%s")
	for (i = 1; i <= n; i++) {
		p = part[i]
		gsub(/[][\\.^$*+?(){}|]/, "\\\\&", p)
		if (i == 1)
			arg = ""
		else if (part[i - 1] ~ /failed on $/)
			arg = "(zram[0-9]+( zram[0-9]+)*|the state file)"
		else if (part[i - 1] ~ /freed $/)
			arg = "[0-9]+(\\.[0-9])?[BKMGTPE]"
		else
			arg = ".*"
		r = r arg p
	}
	print "^" r "$"
}' "$TMPD/syslog.formats" >"$TMPD/syslog.regexes"
grep -h -o 'zsctl\[[0-9]*\]: [a-z]*: .*' "$MAN"/*.scd "$TOP_SRCDIR/README.md" |
	sed 's/^zsctl\[[0-9]*\]: //' >"$TMPD/syslog.shown"
[ -s "$TMPD/syslog.shown" ]
tap_ok $? "the man pages show system log lines"
bad=$(grep -v -E -f "$TMPD/syslog.regexes" "$TMPD/syslog.shown")
tap_is "$bad" "" "every system log line shown is one a syslog() call of cli/ writes"

# ---- the bash completion ----------------------------------------------------

if ! command -v bash >/dev/null; then
	tap_skip "bash is not installed: the completion is not checked"
	tap_done
	exit
fi
if [ ! -f "$BASH_COMPLETION" ]; then
	tap_skip "no $BASH_COMPLETION (package bash-completion): the completion is not checked"
	tap_done
	exit
fi

# complete_line WORD...: the completion's COMPREPLY, one a line, for a command
# line of these words with the cursor at the end of the last one.
complete_line()
{
	HOME="$TMPD" bash --norc --noprofile -c '
		. "$1" || exit 90
		. "$2" || exit 91
		shift 2
		func=$(complete -p zsctl 2>/dev/null | sed -n "s/.*-F \([^ ]*\).*/\1/p")
		[ -n "$func" ] || exit 92
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$func" zsctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		for w in "${COMPREPLY[@]}"; do printf "%s\n" "$w"; done
	' check-docs "$BASH_COMPLETION" "$COMPLETION" "$@"
}

# completes WANT DESCRIPTION WORD...: the completions, sorted and joined by
# spaces, are WANT
completes()
{
	_want=$1
	_desc=$2
	shift 2
	tap_is "$(complete_line "$@" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$_want" "$_desc"
}

complete_line zsctl '' >"$TMPD/c.verbs"
tap_is "$?" 0 "the completion loads and registers a function for zsctl"
LC_ALL=C sort "$TMPD/c.verbs" >"$TMPD/c.verbs.sorted"
same_lists "$TMPD/c.verbs.sorted" "$TMPD/verbs.sorted" "'zsctl <TAB>' offers the verbs of zsctl --help"

complete_line zsctl - | LC_ALL=C sort >"$TMPD/c.opts"
help_long_options "$TMPD/help" >"$TMPD/help.long"
same_lists "$TMPD/c.opts" "$TMPD/help.long" "'zsctl -<TAB>' offers the global options of zsctl --help"

while read -r verb; do
	complete_line zsctl "$verb" - | LC_ALL=C sort >"$TMPD/c.$verb.opts"
	help_long_options "$TMPD/help.$verb" >"$TMPD/help.$verb.long"
	same_lists "$TMPD/c.$verb.opts" "$TMPD/help.$verb.long" \
		"'zsctl $verb -<TAB>' offers the options of zsctl $verb --help"
done <"$TMPD/verbs"

completes "--output --output-all" "'zsctl status --o<TAB>'" zsctl status --o
completes "NAME,DISKSIZE" "'zsctl status -o NAME,DI<TAB>'" zsctl status -o NAME,DI
completes "NAME,DISKSIZE" "'zsctl status --output=NAME,DI<TAB>'" zsctl status --output = NAME,DI
completes "+state,OVERHEAD" "'zsctl status -o +state,OV<TAB>' keeps the + and the typed case" \
	zsctl status -o +state,OV
completes "status" "'zsctl --sysroot DIR st<TAB>' skips the global option" \
	zsctl --sysroot /nonexistent st

complete_line zsctl status -o '' | LC_ALL=C sort >"$TMPD/c.columns"
LC_ALL=C sort "$TMPD/help.columns" >"$TMPD/help.columns.sorted"
same_lists "$TMPD/c.columns" "$TMPD/help.columns.sorted" \
	"'zsctl status -o <TAB>' offers the columns of status --help"
complete_line zsctl status -o NAME,TOTAL, >"$TMPD/c.more"
grep -qx 'NAME,TOTAL,NAME' "$TMPD/c.more" || grep -qx 'NAME,TOTAL,TOTAL' "$TMPD/c.more"
tap_is "$?" 1 "columns already in the list are not offered again"
tap_is "$(wc -l <"$TMPD/c.more" | tr -d ' ')" "$(($(wc -l <"$TMPD/help.columns") - 2))" \
	"every other column is offered after NAME,TOTAL,"
complete_line zsctl status -o + >"$TMPD/c.plus"
grep -qx '+DATA' "$TMPD/c.plus"
tap_is "$?" 1 "'zsctl status -o +<TAB>' does not offer the default columns again"
grep -qx '+OVERHEAD' "$TMPD/c.plus"
tap_is "$?" 0 "'zsctl status -o +<TAB>' offers the others"

# device names from a system root of our own: zramN and /dev/zramN, never
# partitions or other block devices
for d in zram0 zram3 zram12 zram0p1 zram01 sda loop0; do
	mkdir -p "$TMPD/root/sys/block/$d"
done
completes "/dev/zram0 /dev/zram12 /dev/zram3 zram0 zram12 zram3" \
	"devices under --sysroot: both forms, no partitions or other disks" \
	zsctl --sysroot "$TMPD/root" status ''
completes "/dev/zram12" "'zsctl --sysroot DIR compact /dev/zram1<TAB>'" \
	zsctl --sysroot "$TMPD/root" compact /dev/zram1
completes "zram12" "after '--', only devices" zsctl --sysroot "$TMPD/root" status -- zram1
completes "/dev/zram0 /dev/zram12 /dev/zram3 zram0 zram12 zram3" "'zsctl remove <TAB>' offers devices" \
	zsctl --sysroot "$TMPD/root" remove ''
completes "/dev/zram0 /dev/zram12 /dev/zram3 zram0 zram12 zram3" "'zsctl top -d 1 <TAB>' offers devices" \
	zsctl --sysroot "$TMPD/root" top -d 1 ''
echo 'lzo [lz4] zstd' >"$TMPD/root/sys/block/zram3/comp_algorithm"
completes "lz4 lzo zstd" "'zsctl add -a <TAB>' offers the algorithms the kernel lists" \
	zsctl --sysroot "$TMPD/root" add -s 1G -a ''
completes "lz4 lzo zstd" "'zsctl add comp_algorithm=<TAB>' too" \
	zsctl --sysroot "$TMPD/root" add comp_algorithm = ''
completes "mem_limit= mem_used_max=" "'zsctl add mem<TAB>' offers set's attributes" \
	zsctl --sysroot "$TMPD/root" add mem
echo 'lzo-rle [zstd]' >"$TMPD/root/sys/block/zram12/comp_algorithm"
completes "lzo-rle zstd" "'zsctl set zram12 comp_algorithm=<TAB>' offers zram12's algorithms" \
	zsctl --sysroot "$TMPD/root" set zram12 comp_algorithm = ''
completes "$TMPD/root/sys" "'zsctl --sysroot <TAB>' completes directories" \
	zsctl --sysroot "$TMPD/root/s"

# the live system's devices; other tests may add or remove some meanwhile
live_devices()
{
	for d in /sys/block/zram*; do
		n=${d##*/}
		case $n in
		zram0 | zram[1-9] | zram[1-9]*[0-9]) ;;
		*) continue ;;
		esac
		case ${n#zram} in
		*[!0-9]*) continue ;;
		esac
		echo "/dev/$n"
	done | LC_ALL=C sort
}
live_devices >"$TMPD/live.before"
if [ -s "$TMPD/live.before" ]; then
	# other tests hot-add and remove devices meanwhile: a device that came
	# and went while bash completed was this machine's too
	: >"$TMPD/sampling"
	while [ -e "$TMPD/sampling" ]; do
		live_devices
		sleep 0.01
	done >"$TMPD/live.seen" 2>/dev/null &
	sampler=$!
	complete_line zsctl status /dev/zr | LC_ALL=C sort >"$TMPD/c.live"
	live_devices >"$TMPD/live.after"
	rm -f "$TMPD/sampling"
	wait $sampler
	LC_ALL=C comm -12 "$TMPD/live.before" "$TMPD/live.after" >"$TMPD/live.both"
	LC_ALL=C sort -u "$TMPD/live.before" "$TMPD/live.after" "$TMPD/live.seen" >"$TMPD/live.any"
	missing=$(LC_ALL=C comm -23 "$TMPD/live.both" "$TMPD/c.live")
	extra=$(LC_ALL=C comm -13 "$TMPD/live.any" "$TMPD/c.live")
	tap_is "$missing" "" "'zsctl status /dev/zr<TAB>' offers every zram device of this machine"
	tap_is "$extra" "" "'zsctl status /dev/zr<TAB>' offers nothing else"
else
	tap_skip "no zram device on this machine: live device names not checked"
fi

tap_done
