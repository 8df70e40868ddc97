# shellcheck shell=bash
# Part "estimate": the samples of tests/kernel/parts/estimate.guest.sh are
# whole and consistent; bench/estimate reads them (ZSCTL_BENCH_ESTIMATE_DIR:
# where to copy them, as the cache's run directory is the next run's).
est_n=$(grep -c . "$R/estimate.samples" 2>/dev/null || echo 0)
[ "$est_n" -ge 30 ]
ok $? "$t: estimate: at least 30 samples of compaction ($est_n)"
est_bad=0
while read -r est_i _ _ _ _; do
	[ "$(wc -w <"$R/estimate.$est_i.before")" -ge 7 ] && [ "$(wc -w <"$R/estimate.$est_i.after")" -ge 7 ] &&
		[ "$(awk '$1 == "Total"' "$R/estimate.$est_i.classes" | wc -l)" = 1 ] || est_bad=$((est_bad + 1))
done <"$R/estimate.samples"
is "$est_bad" 0 "$t: estimate: every sample has mm_stat before and after and a classes file"
grep -c swap-random "$R/estimate.samples" | grep -qv '^0$'
ok $? "$t: estimate: the swap workload sampled (zram took the cgroup's pages)"
if [ -n "${ZSCTL_BENCH_ESTIMATE_DIR:-}" ]; then
	mkdir -p "$ZSCTL_BENCH_ESTIMATE_DIR/$t" &&
		cp "$R"/estimate.* "$ZSCTL_BENCH_ESTIMATE_DIR/$t/"
	ok $? "$t: estimate: samples copied to $ZSCTL_BENCH_ESTIMATE_DIR/$t"
fi
