#!/bin/sh
# The zsh and fish completions (completions/_zsctl, completions/zsctl.fish)
# against zsctl --help: both files parse (zsh -n, fish -n); then each shell
# completes command lines as it does when Tab is pressed (fish: complete -C;
# zsh: an interactive zsh in a pseudo-terminal with compinit, driven by
# tests/docs/zsh-complete.zsh), and what they offer must be what --help
# lists: the verbs, each verb's options, status's columns (comma lists,
# '+' and --output=), get's and set's attributes, and the zram devices of a
# system root of our own (--sysroot) and of this machine.
# Reads only from $TOP_SRCDIR, writes only below a temporary directory.
. "$TOP_SRCDIR/tests/lib.sh"

COMPDIR="$TOP_SRCDIR/completions"
ZSH_COMPLETION="$COMPDIR/_zsctl"
FISH_COMPLETION="$COMPDIR/zsctl.fish"
make_tmpdir

# the shells' own files (history, universal variables) stay in $TMPD
HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/home/.config" XDG_DATA_HOME="$TMPD/home/.local/share"
XDG_CACHE_HOME="$TMPD/home/.cache"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
mkdir -p "$HOME"

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

# ---- what --help lists ---------------------------------------------------

# every option of a --help text, short and long, one a line
help_all_options()
{
	sed -n -e 's/^ *\(-[A-Za-z0-9]\), \(--[a-z][a-z0-9-]*\).*$/\1\n\2/p' \
		-e 's/^ *\(--[a-z][a-z0-9-]*\).*$/\1/p' "$1" | LC_ALL=C sort
}

# the verbs: under "Verbs:" (or "Commands:", util-linux's word for them)
help_verbs()
{
	sed -n -e '/^Verbs:/,/^$/s/^ \([a-z][a-z0-9-]*\)  .*$/\1/p' \
		-e '/^Commands:/,/^$/s/^ \([a-z][a-z0-9-]*\)  .*$/\1/p' "$1"
}

help_columns()
{
	sed -n '/^Available output columns:/,/^$/s/^ *\([A-Z][A-Z0-9%-]*\)  .*$/\1/p' "$1"
}

# get --help: the attributes marked readable (r); set --help: those it takes
help_get_attrs()
{
	sed -n '/Attributes (r: readable/,/^$/s/^ \([a-z_][a-z_0-9]*\)  *r[w-]  .*$/\1/p' "$1"
}

help_set_attrs()
{
	sed -n '/^Attributes:$/,/^$/s/^ \([a-z_][a-z_0-9]*\)  .*$/\1/p' "$1"
}

"$ZSCTL" --help >"$TMPD/help" 2>&1 || tap_bail "zsctl --help failed"
help_verbs "$TMPD/help" | LC_ALL=C sort >"$TMPD/verbs"
[ -s "$TMPD/verbs" ] || tap_bail "zsctl --help lists no verbs"
help_all_options "$TMPD/help" >"$TMPD/help.opts"
while read -r verb; do
	"$ZSCTL" "$verb" --help >"$TMPD/help.$verb" 2>&1 || tap_bail "zsctl $verb --help failed"
	help_all_options "$TMPD/help.$verb" >"$TMPD/help.$verb.opts"
done <"$TMPD/verbs"
help_columns "$TMPD/help.status" | LC_ALL=C sort >"$TMPD/columns"
help_get_attrs "$TMPD/help.get" | LC_ALL=C sort >"$TMPD/get.attrs"
help_set_attrs "$TMPD/help.set" | LC_ALL=C sort >"$TMPD/set.attrs"
for f in columns get.attrs set.attrs; do
	[ -s "$TMPD/$f" ] || tap_bail "no $f found in zsctl --help texts (has their layout changed?)"
done

# ---- a system root of our own ---------------------------------------------------

# zram0 has every attribute get and set know, zram3 two of them; zram0p1,
# zram01, sda and loop0 are not zram devices of ours
ROOT="$TMPD/root"
for d in zram0 zram3 zram12 zram0p1 zram01 sda loop0; do
	mkdir -p "$ROOT/sys/block/$d"
done
for a in $(cat "$TMPD/get.attrs" "$TMPD/set.attrs"); do
	: >"$ROOT/sys/block/zram0/$a"
done
echo 'lzo [lz4] zstd' >"$ROOT/sys/block/zram0/comp_algorithm"
echo 4096 >"$ROOT/sys/block/zram3/disksize"
echo '0 0 0 0 0 0 0 0 0' >"$ROOT/sys/block/zram3/mm_stat"
mkdir -p "$ROOT/sys/kernel/debug/zsmalloc/zram0" "$ROOT/sys/kernel/debug/zsmalloc/zswap1a2b"
EMPTY="$TMPD/empty"
mkdir -p "$EMPTY/sys/block"

# ---- the command lines, and what must be offered ----------------------------
#
# query NAME LINE: complete LINE (cursor at its end); the words offered end
# up in $TMPD/SHELL/NAME, sorted, one a line. want NAME WORD...: what
# $TMPD/want/NAME holds.
: >"$TMPD/queries"
query()
{
	printf '%s\t%s\n' "$1" "$2" >>"$TMPD/queries"
}
mkdir -p "$TMPD/want"
want()
{
	_n=$1
	shift
	printf '%s\n' "$@" | LC_ALL=C sort >"$TMPD/want/$_n"
}
DEVS="/dev/zram0 /dev/zram12 /dev/zram3 zram0 zram12 zram3"

query verbs 'zsctl '
cp "$TMPD/verbs" "$TMPD/want/verbs"
query sta 'zsctl sta'
want sta status
query global 'zsctl -'
cp "$TMPD/help.opts" "$TMPD/want/global"
while read -r verb; do
	query "opts-$verb" "zsctl $verb -"
	cp "$TMPD/help.$verb.opts" "$TMPD/want/opts-$verb"
done <"$TMPD/verbs"
query columns 'zsctl status -o '
cp "$TMPD/columns" "$TMPD/want/columns"
query column 'zsctl status -o NAME,DI'
want column NAME,DISKSIZE
query column-eq 'zsctl status --output=NAME,DI'
want column-eq --output=NAME,DISKSIZE
query column-plus 'zsctl status -o +state,OV'
want column-plus +state,OVERHEAD
query column-more 'zsctl status -o NAME,TOTAL,'
grep -v -x -e NAME -e TOTAL "$TMPD/columns" | sed 's/^/NAME,TOTAL,/' >"$TMPD/want/column-more"
query format 'zsctl status --format '
want format table json prometheus
query column-plus-defaults 'zsctl status -o +'
grep -v -x -e NAME -e DISKSIZE -e ALGORITHM -e DATA -e COMPR -e TOTAL -e RATIO -e FRAG \
	-e COMPACTABLE -e USED-BY "$TMPD/columns" | sed 's/^/+/' >"$TMPD/want/column-plus-defaults"
query sort 'zsctl top --sort '
want sort freeable frag size used zswap zswpin zswpout zswpwb
query top-device "zsctl --sysroot $ROOT top "
want top-device $DEVS
query devices "zsctl --sysroot $ROOT status "
want devices $DEVS
query device-dev "zsctl --sysroot $ROOT compact /dev/zram1"
want device-dev /dev/zram12
query device-dashdash "zsctl --sysroot $ROOT status -- zram1"
want device-dashdash zram12
query skip-sysroot "zsctl --sysroot $ROOT st"
want skip-sysroot status
query sysroot-dir "zsctl --sysroot $ROOT/s"
want sysroot-dir "$ROOT/sys"
query pools "zsctl --sysroot $ROOT top -p "
want pools $DEVS zswap1a2b
query get-attrs "zsctl --sysroot $EMPTY get "
cp "$TMPD/get.attrs" "$TMPD/want/get-attrs"
query get-dev-attrs "zsctl --sysroot $ROOT get zram3 "
want get-dev-attrs disksize mm_stat
query get-json "zsctl --sysroot $ROOT get -J zram0 mm"
want get-json mm_stat
query set-attrs "zsctl --sysroot $ROOT set zram0 "
sed 's/$/=/' "$TMPD/set.attrs" >"$TMPD/want/set-attrs"
# zsh adds '=' as a suffix (not captured; see set-buffer below)
cp "$TMPD/set.attrs" "$TMPD/want/set-attrs.zsh"
query set-algorithm "zsctl --sysroot $ROOT set --dry-run zram0 disksize=1G comp_algorithm="
want set-algorithm comp_algorithm=lz4 comp_algorithm=lzo comp_algorithm=zstd
query set-device "zsctl --sysroot $ROOT set zr"
want set-device zram0 zram12 zram3
query add-algorithm "zsctl --sysroot $ROOT add -s 1G -a "
want add-algorithm lz4 lzo zstd
query add-attrs "zsctl --sysroot $ROOT add -s 1G "
sed 's/$/=/' "$TMPD/set.attrs" >"$TMPD/want/add-attrs"
cp "$TMPD/set.attrs" "$TMPD/want/add-attrs.zsh"
query add-comp-algorithm "zsctl --sysroot $ROOT add -s 1G comp_algorithm="
want add-comp-algorithm comp_algorithm=lz4 comp_algorithm=lzo comp_algorithm=zstd
query remove-devices "zsctl --sysroot $ROOT remove zram0 "
want remove-devices $DEVS
query top-devices "zsctl --sysroot $ROOT top -d 1 "
want top-devices $DEVS

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
# a device of this test's own, there all along: the check cannot pass on
# whatever other tests left (and zram0 may not exist)
HELD=""
zram_hot_add && HELD=/dev/zram$ZRAM_ID
live_devices >"$TMPD/live.before"
[ -s "$TMPD/live.before" ] && query live 'zsctl status /dev/zr'
# other tests hot-add and remove devices meanwhile (make -j, and other
# clones' suites): one line a sample, so that a device is wanted only if
# every sample saw it; one that came and went was this machine's too
: >"$TMPD/sampling"
while [ -e "$TMPD/sampling" ]; do
	echo $(live_devices)
	sleep 0.01
done >"$TMPD/live.seen" 2>/dev/null &
sampler=$!
at_exit "rm -f '$TMPD/sampling'; kill $sampler"

# check SHELL: compares what SHELL offered with what is wanted
check()
{
	while IFS='	' read -r name line; do
		got="$TMPD/$1/$name"
		if [ ! -f "$got" ]; then
			tap_ok 1 "$1: '$line<TAB>' (no result)"
			continue
		fi
		if [ "$name" = live ]; then
			live_devices >"$TMPD/live.after"
			# there before, after and in every sample: there all along
			awk 'FILENAME != ARGV[3] { n[$1]++; next }
				{ s++; for (i = 1; i <= NF; i++) n[$i]++ }
				END { for (d in n) if (n[d] == 2 + s) print d }' \
				"$TMPD/live.before" "$TMPD/live.after" "$TMPD/live.seen" |
				LC_ALL=C sort >"$TMPD/live.both"
			tr ' ' '\n' <"$TMPD/live.seen" | grep . |
				LC_ALL=C sort -u - "$TMPD/live.before" "$TMPD/live.after" >"$TMPD/live.any"
			if [ -n "$HELD" ]; then
				grep -qxF "$HELD" "$got"
				tap_ok $? "$1: '$line<TAB>' offers $HELD, which this test holds"
			fi
			tap_is "$(LC_ALL=C comm -23 "$TMPD/live.both" "$got" | tr '\n' ' ')" "" \
				"$1: '$line<TAB>' offers every zram device there all along"
			tap_is "$(LC_ALL=C comm -13 "$TMPD/live.any" "$got" | tr '\n' ' ')" "" \
				"$1: '$line<TAB>' offers nothing else"
			continue
		fi
		want="$TMPD/want/$name"
		[ -f "$want.$1" ] && want="$want.$1"
		same_lists "$got" "$want" "$1: '$line<TAB>'"
	done <"$TMPD/queries"
	[ -s "$TMPD/live.before" ] ||
		tap_skip "$1: no zram device on this machine: live device names not checked"
}

# ---- fish -----------------------------------------------------------------

if ! command -v fish >/dev/null; then
	tap_skip "fish is not installed (apt-get install fish): zsctl.fish is not checked"
else
	fish --no-execute "$FISH_COMPLETION" 2>"$TMPD/fish.err"
	r=$?
	tap_ok $r "fish -n accepts completions/zsctl.fish"
	[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/fish.err")"
	mkdir -p "$TMPD/fish"
	while IFS='	' read -r name line; do
		fish --no-config -c 'source $argv[1]; or exit 90; complete -C$argv[2]' \
			"$FISH_COMPLETION" "$line" >"$TMPD/fish/$name.raw" 2>"$TMPD/fish/$name.err" ||
			tap_diag "fish failed on '$line': $(cat "$TMPD/fish/$name.err")"
		# "word<TAB>description"; a directory ends in /
		cut -f1 "$TMPD/fish/$name.raw" | sed 's|\(.\)/$|\1|' | LC_ALL=C sort -u >"$TMPD/fish/$name"
	done <"$TMPD/queries"
	check fish
fi

# ---- zsh ------------------------------------------------------------------

if ! command -v zsh >/dev/null; then
	tap_skip "zsh is not installed (apt-get install zsh): _zsctl is not checked"
	tap_done
	exit
fi
zsh -n "$ZSH_COMPLETION" 2>"$TMPD/zsh.err"
r=$?
tap_ok $r "zsh -n accepts completions/_zsctl"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/zsh.err")"
head -n 1 "$ZSH_COMPLETION" | grep -qx '#compdef zsctl'
tap_ok $? "_zsctl starts with '#compdef zsctl' (compinit registers it for zsctl)"

# every query in one interactive zsh, plus three whose command line is checked
query sta-buffer 'zsctl sta'
query column-buffer 'zsctl status -o NAME,DI'
query set-buffer "zsctl --sysroot $ROOT set zram0 disks"
set --
while IFS='	' read -r name line; do
	set -- "$@" "$line"
done <"$TMPD/queries"
mkdir -p "$TMPD/zsh.out" "$TMPD/zsh"
zsh -f "$TOP_SRCDIR/tests/docs/zsh-complete.zsh" "$COMPDIR" "$TMPD/zsh.out" "$@" \
	>"$TMPD/zsh.log" 2>&1
r=$?
if [ $r -eq 77 ]; then
	tap_skip "zsh has no zsh/zpty module: the zsh completion is not driven"
	tap_done
	exit
fi
tap_ok $r "an interactive zsh completed every line"
[ $r -eq 0 ] || tap_diag "$(tail -n 20 "$TMPD/zsh.log")"
i=0
while IFS='	' read -r name line; do
	i=$((i + 1))
	[ -f "$TMPD/zsh.out/$i" ] || continue
	sed 's|\(.\)/$|\1|' "$TMPD/zsh.out/$i" | LC_ALL=C sort -u >"$TMPD/zsh/$name"
	[ -f "$TMPD/zsh.out/$i.buffer" ] && cp "$TMPD/zsh.out/$i.buffer" "$TMPD/zsh/$name.buffer"
done <"$TMPD/queries"
grep -v -e '^[a-z]*-buffer	' "$TMPD/queries" >"$TMPD/queries.zsh"
mv "$TMPD/queries.zsh" "$TMPD/queries"
check zsh
tap_is "$(cat "$TMPD/zsh/sta-buffer.buffer" 2>/dev/null)" "zsctl status " \
	"zsh: 'zsctl sta<TAB>' makes the line 'zsctl status '"
tap_is "$(cat "$TMPD/zsh/column-buffer.buffer" 2>/dev/null)" "zsctl status -o NAME,DISKSIZE," \
	"zsh: 'zsctl status -o NAME,DI<TAB>' makes the line 'zsctl status -o NAME,DISKSIZE,'"
tap_is "$(cat "$TMPD/zsh/set-buffer.buffer" 2>/dev/null)" "zsctl --sysroot $ROOT set zram0 disksize=" \
	"zsh: 'zsctl set zram0 disks<TAB>' makes 'disksize=', no space after it"

tap_done
