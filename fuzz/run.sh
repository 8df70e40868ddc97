#!/bin/sh
# Run the libFuzzer targets built by 'make fuzz' (fuzz/bin/fuzz-TARGET),
# each for FUZZ_SECONDS, FUZZ_JOBS at a time, then print one line per
# target: executions, executions per second, new inputs, coverage, and
# crashes (with the command that reproduces each one).
#
#   fuzz/run.sh [TARGET...]          (all targets when none is named)
#
# Environment: FUZZ_SECONDS (60), FUZZ_JOBS (1), FUZZ_SRCDIR (the source
# tree, default: this script's parent), FUZZ_WORKDIR (where bin/, corpus/,
# artifacts/ and logs/ are; default: ./fuzz), FUZZ_ARGS (more libFuzzer
# options). The corpus grows in FUZZ_WORKDIR/corpus/TARGET across runs; the
# seeds (fuzz/seeds/TARGET, and FUZZ_WORKDIR/seeds-gen/TARGET made from
# tests/data/kernel-abi) are only read.
# Exit status: 0 when no target crashed, 1 when one did, 2 on a usage error.
set -u

: "${FUZZ_SECONDS:=60}"
: "${FUZZ_JOBS:=1}"
: "${FUZZ_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FUZZ_WORKDIR:=fuzz}"
: "${FUZZ_ARGS:=}"
export FUZZ_SECONDS FUZZ_SRCDIR FUZZ_WORKDIR FUZZ_ARGS

ALL="u64 mm-stat io-stat bd-stat debug-stat comp-algorithm classes state size duration seconds percent devname set sysroot"

dict_of()
{
	case "$1" in
	classes | state | size | duration | set | devname) echo "$1" ;;
	seconds | percent) echo size ;;
	sysroot) echo sysroot ;;
	*) echo stat ;;
	esac
}

# run_one TARGET: one fuzzing session, its log in logs/TARGET.log
run_one()
{
	t=$1
	bin="$FUZZ_WORKDIR/bin/fuzz-$t"
	corpus="$FUZZ_WORKDIR/corpus/$t"
	art="$FUZZ_WORKDIR/artifacts/$t"
	log="$FUZZ_WORKDIR/logs/$t.log"
	[ -x "$bin" ] || { echo "fuzz: $bin is not built (make fuzz-build)" >"$log"; return 2; }
	# crashes of an earlier run stay readable beside, not counted again
	if [ -n "$(ls -A "$art" 2>/dev/null)" ]; then
		rm -rf "$art.previous"
		mv "$art" "$art.previous"
	fi
	mkdir -p "$corpus" "$art"
	set -- "$corpus"
	for d in "$FUZZ_SRCDIR/fuzz/seeds/$t" "$FUZZ_WORKDIR/seeds-gen/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	# files a target writes (sysroot's tree) go to a directory removed here,
	# also when the target crashed; on tmpfs when there is one
	base=/dev/shm
	[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
	tmp=$(mktemp -d "$base/zsctl-fuzz-run.XXXXXX") || return 2
	# shellcheck disable=SC2086
	TMPDIR=$tmp "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" \
		-dict="$FUZZ_SRCDIR/fuzz/dict/$(dict_of "$t").dict" $FUZZ_ARGS "$@" >"$log" 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}

if [ "${1:-}" = --one ]; then
	run_one "$2"
	exit $?
fi

targets=${*:-$ALL}
for t in $targets; do
	case " $ALL " in
	*" $t "*) ;;
	*) echo "fuzz/run.sh: unknown target '$t' (targets: $ALL)" >&2; exit 2 ;;
	esac
done
mkdir -p "$FUZZ_WORKDIR/logs"
echo "fuzz: $(echo $targets | wc -w) targets, ${FUZZ_SECONDS}s each, $FUZZ_JOBS at a time"
start=$(date +%s)
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$FUZZ_JOBS" -I{} sh "$0" --one {}
end=$(date +%s)

stat_of()
{
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

status=0
summary="$FUZZ_WORKDIR/fuzz-summary.txt"
{
	printf '%-15s %12s %9s %6s %6s %8s  %s\n' TARGET EXECS EXEC/S NEW COV CRASHES RESULT
	for t in $targets; do
		log="$FUZZ_WORKDIR/logs/$t.log"
		execs=$(stat_of number_of_executed_units "$log")
		rate=$(stat_of average_exec_per_sec "$log")
		new=$(stat_of new_units_added "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		crashes=$(find "$FUZZ_WORKDIR/artifacts/$t" -type f 2>/dev/null | wc -l)
		if grep -q '^Done [0-9]* runs' "$log" && [ "$crashes" -eq 0 ]; then
			result=ok
		else
			result=FAILED
			status=1
		fi
		printf '%-15s %12s %9s %6s %6s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
			"${new:-?}" "${cov:-?}" "$crashes" "$result"
	done
	echo "fuzz: $((end - start))s in all"
} | tee "$summary"

if [ "$status" -ne 0 ]; then
	for t in $targets; do
		for a in "$FUZZ_WORKDIR/artifacts/$t"/*; do
			[ -f "$a" ] || continue
			echo "fuzz: $t: reproduce with: $FUZZ_WORKDIR/bin/fuzz-$t $a"
		done
		log="$FUZZ_WORKDIR/logs/$t.log"
		if ! grep -q '^Done [0-9]* runs' "$log"; then
			echo "=== $log"
			grep -E 'ERROR|broken rule|SUMMARY|runtime error|#[0-9]+ *(READ|WRITE)|^ *#[0-9]+ 0x' "$log" | head -n 30
		fi
	done
fi
exit $status
