# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/rounds.sh, sourced by bench/status and bench/libs: commands timed in
# interleaved rounds, and the quantiles of their times. The caller sets
# labels[] and cmds[] (cmds[i] a shell-quoted command line named labels[i]),
# tmpd, TIMER (hyperfine or shell) and die().
# shellcheck disable=SC2154 # labels, cmds, tmpd, TIMER: the caller's

# One round: every command once, the order rotated by the round number so
# that no command always runs first or right after another one.
run_round()
{
	local r=$1 n=${#cmds[@]} k i args=() t0 t1
	for ((k = 0; k < n; k++)); do
		i=$(((k + r) % n))
		if [ "$TIMER" = hyperfine ]; then
			args+=(-n "${labels[i]}" "${cmds[i]}")
		else
			t0=$EPOCHREALTIME
			eval "${cmds[i]}" >/dev/null 2>&1
			t1=$EPOCHREALTIME
			echo "$r ${labels[i]} $((${t1/./} - ${t0/./}))"
		fi
	done
	if [ "$TIMER" = hyperfine ]; then
		# -i: a device of someone else's may vanish under the no-argument form
		hyperfine -N -i --runs 1 --style none --export-csv "$tmpd/round.csv" \
			"${args[@]}" >/dev/null 2>&1 || die "hyperfine failed in round $r"
		# command,mean,... in seconds; the labels have no commas
		awk -F, -v r="$r" 'NR > 1 { printf "%d %s %d\n", r, $1, $2 * 1e6 + 0.5 }' \
			"$tmpd/round.csv"
	fi
}

# quantiles TIMES LABEL: median and p10/p90 of LABEL's microseconds in
# TIMES (lines "ROUND LABEL MICROSECONDS"), as "median p10 p90"
quantiles()
{
	awk -v l="$2" '$2 == l { print $3 }' "$1" | sort -n |
		awk '{ v[NR] = $1 }
		     END {
			if (!NR) { print "- - -"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			p10 = v[int((NR - 1) * 0.1) + 1]; p90 = v[int((NR - 1) * 0.9) + 1]
			print m, p10, p90
		     }'
}
