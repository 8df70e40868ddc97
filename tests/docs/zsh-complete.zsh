#!/bin/zsh -f
# zsh-complete.zsh COMPDIR OUTDIR LINE...
#
# Completes each LINE (the cursor at its end) the way an interactive zsh
# does when Tab is pressed, with compinit and the completion functions of
# COMPDIR first in $fpath, and writes for the Nth LINE:
#   OUTDIR/N         the matches the completion functions added, one a line,
#                    as they would be inserted (the ignored prefix, compadd's
#                    -P and -p prefixes, the match; not the suffixes): every
#                    compadd call is captured
#   OUTDIR/N.buffer  the command line after the Tab
# The zsh runs in a pseudo-terminal (zsh/zpty), without any user's startup
# files. Exit status 77 when zpty is missing, 1 when a line timed out.
emulate -L zsh
setopt extended_glob
zmodload zsh/zpty 2>/dev/null || exit 77
zmodload zsh/zselect 2>/dev/null || exit 77

compdir=${1:a} outdir=${2:a}
shift 2

cat >$outdir/setup.zsh <<'EOF'
PS1='' RPS1='' PS2='' PROMPT_EOL_MARK=''
unsetopt beep auto_list list_ambiguous auto_menu menu_complete list_beep
fpath=($ZT_COMPDIR $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' verbose yes

# Every match added is written out; matching is left to compadd itself.
compadd()
{
	local -a __zt_all __zt_hits __zt_opts __zt_P __zt_p
	__zt_all=( "$@" )
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return
	fi
	builtin compadd -O __zt_hits "$@"
	__zt_opts=( "${(@)@[1,(i)(-|--)]}" )
	set -- "${(@)__zt_opts}"
	zparseopts -E P:=__zt_P p:=__zt_p
	local __zt_pre=${${(j::)__zt_P}#-P}${${(j::)__zt_p}#-p}
	local __zt_h
	for __zt_h in "${(@)__zt_hits}"; do
		print -r -- "$IPREFIX$__zt_pre$__zt_h" >>$ZT_OUT/$zt_n
	done
	builtin compadd "${(@)__zt_all}"
}

zt-complete()
{
	(( ++zt_n ))
	: >|$ZT_OUT/$zt_n
	zle complete-word
	print -r -- "$BUFFER" >|$ZT_OUT/$zt_n.buffer
	: >|$ZT_OUT/$zt_n.done
	BUFFER=''
	CURSOR=0
}
zle -N zt-complete
bindkey '^I' zt-complete
: >|$ZT_OUT/ready
EOF
export ZT_COMPDIR=$compdir ZT_OUT=$outdir TERM=vt100
zpty zt "zsh -f -i"

# wait_for FILE: poll up to 30 s (a loaded machine), reading (and
# dropping) what the terminal prints meanwhile so that the zsh never blocks
# on it.
wait_for()
{
	local i junk
	for i in {1..600}; do
		[[ -e $1 ]] && return 0
		while zpty -r -t zt junk 2>/dev/null; do :; done
		zselect -t 5
	done
	return 1
}

zpty -w zt "zt_n=0; . ${(q)outdir}/setup.zsh"
wait_for $outdir/ready || { zpty -d zt; exit 1 }

rc=0 n=0
for line in "$@"; do
	(( ++n ))
	zpty -w -n zt "$line"$'\t'
	wait_for $outdir/$n.done || { print -u2 "zsh-complete: timed out on: $line"; rc=1; break }
done
zpty -w zt 'exit'
zpty -d zt 2>/dev/null
exit $rc
