# Helpers for the tests that drive zsctl top in a terminal: a private tmux
# server (its own socket, no configuration file) in which each scenario
# runs in a fresh session, killed at exit. Source after tests/lib.sh and
# make_tmpdir.
#
# tm_run W H NAME [ENV=VALUE...] -- ARGS...: start a session of W x H running
#   $TMPD/pane.sh, which records the terminal's mode (stty -g) before and
#   after `zsctl ARGS`, zsctl's exit status in $TMPD/NAME.rc, then prints
#   "pane: done" and waits. NAME.before / NAME.after hold the modes.

command -v tmux >/dev/null ||
	tap_skip_all "tmux is not installed (apt-get install tmux; ./bootstrap installs it)"

unset TMUX TMUX_PANE # inside a tmux session: never talk to the outer server
# the server's socket in the test's directory: it goes with it
TM_SOCK=$TMPD/tmux.sock
at_exit "tmux -S '$TM_SOCK' kill-server"

tm()
{
	tmux -S "$TM_SOCK" -f /dev/null "$@"
}

cat >"$TMPD/pane.sh" <<'EOF'
#!/bin/sh
# $1: a name for the files this run leaves in $TMPD; the rest: zsctl's arguments
name=$1
shift
trap : INT # ^C goes to the whole foreground group: zsctl's to handle, not ours
stty -g >"$TMPD/$name.before"
"$ZSCTL" "$@"
echo $? >"$TMPD/$name.rc"
stty -g >"$TMPD/$name.after"
echo "pane: done"
exec sleep 3600
EOF

tm_run()
{
	_w=$1 _h=$2 _name=$3
	shift 3
	_env=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_env="$_env $1"
		shift
	done
	shift
	rm -f "$TMPD/$_name.rc" "$TMPD/$_name.before" "$TMPD/$_name.after"
	_old=${TM_CUR-}
	TM_CUR=$_name
	# shellcheck disable=SC2086
	tm new-session -d -s "$TM_CUR" -x "$_w" -y "$_h" \
		env TMPD="$TMPD" ZSCTL="$ZSCTL" LC_ALL=C.UTF-8 $_env sh "$TMPD/pane.sh" "$_name" "$@" ||
		tap_bail "tmux cannot start a session"
	# the old one after the new one is there, or the server would exit between them
	[ -z "$_old" ] || tm kill-session -t "$_old" 2>/dev/null
}

tm_screen()
{
	tm capture-pane -p -t "$TM_CUR"
}

# wait_for EXTENDED-REGEX [SECONDS]: until a line of the pane matches
wait_for()
{
	_i=0
	_max=$((${2:-10} * 20))
	while [ $_i -lt $_max ]; do
		tm_screen | grep -Eq -- "$1" && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# wait_gone EXTENDED-REGEX [SECONDS]: until no line of the pane matches
wait_gone()
{
	_i=0
	_max=$((${2:-10} * 20))
	while [ $_i -lt $_max ]; do
		tm_screen | grep -Eq -- "$1" || return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# see DESCRIPTION EXTENDED-REGEX: a TAP line, the screen as diagnostics when it fails
see()
{
	if wait_for "$2"; then
		tap_ok 0 "$1"
	else
		tap_ok 1 "$1"
		tm_screen | sed 's/^/#   | /'
	fi
}

not_see()
{
	if wait_gone "$2"; then
		tap_ok 0 "$1"
	else
		tap_ok 1 "$1"
		tm_screen | sed 's/^/#   | /'
	fi
}

keys()
{
	tm send-keys -t "$TM_CUR" "$@"
}

# The pid of the zsctl the pane runs (zsctl top execs zsctl-top in place).
zsctl_pid()
{
	pgrep -P "$(tm display -p -t "$TM_CUR" '#{pane_pid}')" -x 'zsctl(-test)?(-top)?'
}

# pane_done NAME: zsctl has exited; its status is in $TMPD/NAME.rc
pane_done()
{
	_i=0
	while [ ! -s "$TMPD/$1.after" ] && [ $_i -lt 200 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -s "$TMPD/$1.after" ]
}

# restored NAME DESCRIPTION: after zsctl exited, the terminal is as before
restored()
{
	pane_done "$1"
	tap_ok $? "$2: zsctl exited"
	cmp -s "$TMPD/$1.before" "$TMPD/$1.after"
	tap_ok $? "$2: the terminal's modes are restored (stty -g)"
	tap_is "$(tm display -p -t "$TM_CUR" '#{alternate_on}')" 0 "$2: the alternate screen is left"
	see "$2: the shell's screen is back" '^pane: done'
}
