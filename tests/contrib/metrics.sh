#!/bin/sh
# contrib/prometheus/zsctl.rules.yml and contrib/grafana/zsctl.json against
# what zsctl writes: every metric they query, every label they select or
# group on, and every label value they match exactly, is in zsctl's
# exposition (status --format=prometheus --classes over every fixture tree,
# and over a copy of one while a zsctl compact holds the gate), in the rules'
# own recorded series, or in the short list of tests/contrib/external-metrics
# (the node exporter's and Prometheus' own). Renaming a metric fails here,
# not on a dashboard. Then promtool check rules and promtool test rules
# (Debian package prometheus), and the dashboard's queries parsed by
# promtool. Controls show that each check refuses what it must.
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
export LC_ALL
command -v jq >/dev/null || tap_bail "jq is missing: run ./bootstrap"
make_tmpdir

RULES=$TOP_SRCDIR/contrib/prometheus/zsctl.rules.yml
RULES_TEST=$TOP_SRCDIR/contrib/prometheus/zsctl.rules.test.yml
DASHBOARD=$TOP_SRCDIR/contrib/grafana/zsctl.json
EXTERNAL=$TOP_SRCDIR/tests/contrib/external-metrics
REFS_AWK=$TOP_SRCDIR/tests/contrib/promql-refs.awk
have_promtool=false
command -v promtool >/dev/null && have_promtool=true

tap_skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# ---- zsctl's exposition: the union over the fixture trees -------------------
mkdir "$TMPD/expo"
runs=0 bad=""
for dir in "$TOP_SRCDIR"/tests/fixtures/*/ "$TOP_SRCDIR"/tests/getset/fixtures/*/; do
	name=$(basename "$(dirname "$dir")")-$(basename "$dir")
	# some trees hold broken devices on purpose (exit status 1): their
	# metrics count all the same
	"$ZSCTL" --sysroot "$dir" status --format=prometheus --classes --cgroups \
		>"$TMPD/expo/$name.prom" 2>/dev/null
	r=$?
	runs=$((runs + 1))
	if [ $r -gt 1 ] || [ "$(tail -n 1 "$TMPD/expo/$name.prom" | cut -d' ' -f1)" != zsctl_status_error ]; then
		bad="$bad $name($r)"
	fi
done
tap_is "$bad" "" "status --format=prometheus --classes printed an exposition over each of $runs fixture trees"

# the gate held: a copy of fixtures/gate, a zsctl compact of this test on it
HELD=$TMPD/held
cp -R "$TOP_SRCDIR/tests/getset/fixtures/gate" "$HELD" || tap_bail "cannot copy fixtures/gate"
chmod -R u+w "$HELD"
mkdir -p "$HELD/run/lock"
t0=$(date +%s)
ZSCTL_TEST_HOLD_GATE=60 "$ZSCTL_TEST" --sysroot "$HELD" compact -q --force zram0 >/dev/null 2>&1 &
holder=$!
at_exit "kill $holder"
tries=0
while [ $tries -lt 100 ]; do
	"$ZSCTL" --sysroot "$HELD" status --format=prometheus >"$TMPD/expo/held.prom" 2>/dev/null
	# the holder writes its pid and time into the lock file just after it
	# takes the flock: a status in between sees the gate held, since when
	# not yet (no sample), so wait for both
	grep -qx 'zsctl_compact_gate_held 1' "$TMPD/expo/held.prom" &&
		grep -q '^zsctl_compact_gate_held_since_timestamp_seconds ' "$TMPD/expo/held.prom" &&
		break
	sleep 0.1
	tries=$((tries + 1))
done
t1=$(date +%s)
# the holder busy with zram0 (what zs_gate_run_phase() writes): zram_busy_*
echo "$holder compact zram0 $t0" >"$HELD/run/lock/zsctl-compact.lock.phase"
"$ZSCTL" --sysroot "$HELD" status --format=prometheus >"$TMPD/expo/busy.prom" 2>/dev/null
tap_is "$(grep -c '^zram_busy_info{device="zram0",phase="compact"} 1$' "$TMPD/expo/busy.prom")" 1 \
	"the gate's holder busy with zram0: zram_busy_info"
tap_is "$(grep '^zsctl_compact_gate_held ' "$TMPD/expo/held.prom")" "zsctl_compact_gate_held 1" \
	"a zsctl compact holding the gate: zsctl_compact_gate_held 1"
since=$(sed -n 's/^zsctl_compact_gate_held_since_timestamp_seconds \([0-9]*\)$/\1/p' "$TMPD/expo/held.prom")
[ -n "$since" ] && [ "$since" -ge "$t0" ] && [ "$since" -le "$t1" ]
tap_ok $? "zsctl_compact_gate_held_since_timestamp_seconds is when it took the gate ($since, in [$t0, $t1])"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
"$ZSCTL" --sysroot "$HELD" status --format=prometheus >"$TMPD/after.prom" 2>/dev/null
tap_is "$(grep -c '^zsctl_compact_gate_held_since_timestamp_seconds' "$TMPD/after.prom"):$(grep '^zsctl_compact_gate_held ' "$TMPD/after.prom")" \
	"0:zsctl_compact_gate_held 0" "the holder gone: held 0, and no held-since sample (absent, not 0)"

# names: one family a line; labels: name, label, value, tab-separated
cat "$TMPD"/expo/*.prom >"$TMPD/all.prom"
awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$TMPD/all.prom" | sort -u >"$TMPD/names"
awk '
/^#/ { next }
{
	line = $0
	if (!match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) next
	name = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
	if (substr(rest, 1, 1) != "{") next
	while (match(rest, /[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"/)) {
		pair = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
		eq = index(pair, "=")
		printf "%s\t%s\t%s\n", name, substr(pair, 1, eq - 1), substr(pair, eq + 2, length(pair) - eq - 2)
	}
}' "$TMPD/all.prom" | sort -u >"$TMPD/labels"
tap_ok "$([ "$(wc -l <"$TMPD/names")" -ge 40 ] && echo 0 || echo 1)" \
	"the fixture runs give $(wc -l <"$TMPD/names") metric families"

# and they are every metric zsctl-status(8) documents, no more, no less
sed -n '/^# PROMETHEUS OUTPUT/,/^# [A-Z]/p' "$TOP_SRCDIR/man/zsctl-status.8.scd" |
	grep -o '\*\(zram\|zsctl\|zswap\)_[a-z0-9_]*\*' | tr -d '*' | sort -u >"$TMPD/documented"
tap_is "$(comm -23 "$TMPD/documented" "$TMPD/names" | tr '\n' ' ')" "" \
	"every metric zsctl-status(8) documents is in the fixture runs' exposition"
tap_is "$(comm -13 "$TMPD/documented" "$TMPD/names" | tr '\n' ' ')" "" \
	"every metric of the exposition is documented in zsctl-status(8)"

# ---- what the rules and the dashboard refer to ------------------------------------
# rules_exprs FILE: each expr: of a rules file after "@@ rules:NAME"
rules_exprs()
{
	awk '
	function indent(l) { match(l, /^ */); return RLENGTH }
	block && (indent($0) > bind || $0 ~ /^[ ]*$/) { print; next }
	{ block = 0 }
	/^[ -]*(record|alert):/ { name = $0; sub(/^[ -]*(record|alert):[ ]*/, "", name) }
	/^[ -]*expr:/ {
		v = $0; sub(/^[ -]*expr:[ ]*/, "", v)
		print "@@ rules:" name
		if (v ~ /^[|>][-+]?$/) { block = 1; bind = indent($0); next }
		if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
		print v
	}' "$1"
}

# dashboard_exprs FILE: each target's expr and each query variable's query
# (label_values(SELECTOR, LABEL) as count by (LABEL) (SELECTOR))
dashboard_exprs()
{
	jq -r '
	(.. | objects | select(has("targets")) | . as $p | .targets[] |
		"@@ dashboard:\($p.title)/\(.refId)", .expr),
	(.templating.list[] | select(.type == "query") |
		"@@ dashboard:$\(.name)", (.query.query? // .query))' "$1" |
		sed 's/^label_values(\(.*\), *\([a-zA-Z_][a-zA-Z0-9_]*\))$/count by (\2) (\1)/'
}

# refs RULES DASHBOARD: the references (promql-refs.awk), and the labels the
# dashboard's legends print
refs()
{
	{
		rules_exprs "$1"
		dashboard_exprs "$2"
	} | awk -f "$REFS_AWK"
	jq -r '.. | objects | select(has("legendFormat")) | .legendFormat' "$2" |
		grep -o '{{ *[a-zA-Z_][a-zA-Z0-9_]* *}}' | tr -d '{} ' |
		sed 's/^/dashboard:legend\tgroup\t/'
}

# check_refs RULES DASHBOARD: prints every reference that is not there,
# fails if there is one
check_refs()
{
	refs "$1" "$2" >"$TMPD/refs"
	sed -n 's/^[ -]*record:[ ]*//p' "$1" | sort -u >"$TMPD/records"
	grep -v '^#' "$EXTERNAL" | awk 'NF' >"$TMPD/external"
	awk -F '\t' -v names="$TMPD/names" -v labels="$TMPD/labels" -v records="$TMPD/records" \
		-v external="$TMPD/external" '
	BEGIN {
		while ((getline l <names) > 0) metric[l] = 1
		while ((getline l <records) > 0) record[l] = 1
		while ((getline l <labels) > 0) {
			split(l, f, "\t")
			has_label[f[1], f[2]] = 1; has_value[f[1], f[2], f[3]] = 1; any_label[f[2]] = 1
		}
		while ((getline l <external) > 0) {
			nf = split(l, f, " ")
			ext[f[1]] = 1
			for (k = 2; k <= nf; k++) { has_label[f[1], f[k]] = 1; any_label[f[k]] = 1 }
		}
		target["instance"] = target["job"] = 1
		errors = 0
	}
	function bad(msg) { printf "%s: %s\n", $1, msg; errors++ }
	$2 == "error" { bad("cannot read the expression: " $3); next }
	$2 == "metric" {
		if (index($3, ":")) { if (!($3 in record)) bad("no recording rule " $3) }
		else if (!($3 in metric) && !($3 in ext)) bad("no metric " $3 " in zsctl'\''s exposition")
		next
	}
	$2 == "matcher" {
		n = $3; l = $4
		if (l in target) next
		if (!(n in metric) && !(n in ext) && !(n in record)) next # named above
		if (index(n, ":")) { bad("recorded " n " has only target labels, not " l); next }
		if (!((n, l) in has_label)) { bad(n " has no label " l); next }
		if ($5 == "=" && !index($6, "$") && (n in metric) && !((n, l, $6) in has_value))
			bad(n " never has " l "=\"" $6 "\"")
		next
	}
	$2 == "group" {
		if (!($3 in target) && !($3 in any_label)) bad("no metric has the label " $3)
		next
	}
	END { exit errors > 0 }' "$TMPD/refs"
}

check_refs "$RULES" "$DASHBOARD" >"$TMPD/check"
r=$?
tap_ok $r "every metric, label and label value the rules and the dashboard use exists"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/check")"
tap_is "$(grep -c '	metric	' "$TMPD/refs" | awk '{ print ($1 > 50) }')" 1 \
	"and there were many to check ($(grep -c '	metric	' "$TMPD/refs") metric references)"

# every zram_/zsctl_ word anywhere in them (annotations, descriptions, legends)
grep -ho '[:a-zA-Z0-9_]*\(zram\|zsctl\)_[a-z0-9_]*' "$RULES" "$DASHBOARD" | grep -v ':' | sort -u |
	comm -23 - "$TMPD/names" >"$TMPD/words"
tap_is "$(tr '\n' ' ' <"$TMPD/words")" "" \
	"every zram_ and zsctl_ word of the rules and the dashboard is a metric of the exposition"

# ---- controls: each check refuses what it must, and names it ------------------------
# control DESCRIPTION LINE...: check_refs failed on the bogus copies in
# $TMPD (bogus.rules.yml, bogus.json) and printed each LINE
control()
{
	_desc=$1
	shift
	check_refs "$TMPD/bogus.rules.yml" "$TMPD/bogus.json" >"$TMPD/check"
	_r=$?
	for _line in "$@"; do
		grep -qxF "$_line" "$TMPD/check" || _r=0
	done
	tap_is "$_r" 1 "control: $_desc"
	[ $_r -eq 1 ] || tap_diag "$(cat "$TMPD/check")"
}
cp "$DASHBOARD" "$TMPD/bogus.json"
sed 's/zram_mem_used_total_bytes \/ (zram_mem_limit_bytes/zram_mem_used_totl_bytes \/ (zram_mem_limit_bytes/' \
	"$RULES" >"$TMPD/bogus.rules.yml"
control "a misspelt metric in an alert is refused" \
	"rules:ZramDeviceNearMemLimit: no metric zram_mem_used_totl_bytes in zsctl's exposition"
sed 's/result="gated"/result="gatd"/; s/and on (instance, job, device)$/and on (instance, job, devise)/' \
	"$RULES" >"$TMPD/bogus.rules.yml"
control "an unknown label and an unknown label value are refused" \
	"rules:ZramFragmentationNotCompacted: no metric has the label devise" \
	"rules:ZsctlCompactGatedByKernel: zsctl_compact_device_last_result never has result=\"gatd\""
sed 's/(zram_mem_limit_bytes > 0)/(zram_mem_limit_bytes{device} > 0)/' "$RULES" >"$TMPD/bogus.rules.yml"
control "an expression the lexer cannot read is refused" \
	"rules:ZramDeviceNearMemLimit: cannot read the expression: no operator after label device"
cp "$RULES" "$TMPD/bogus.rules.yml"
jq '.panels[1].targets[0].expr = "zsctl_bogus_bytes{instance=~\"$instance\"}"' "$DASHBOARD" >"$TMPD/bogus.json"
control "an unknown metric in a dashboard query is refused" \
	"dashboard:$(jq -r '.panels[1].title' "$DASHBOARD")/A: no metric zsctl_bogus_bytes in zsctl's exposition"
sed 's/instance:zram_memory_saved_bytes:sum{/instance:zram_memory_saving_bytes:sum{/' "$DASHBOARD" >"$TMPD/bogus.json"
control "a recorded series no rule records is refused" \
	"dashboard:Memory saved/A: no recording rule instance:zram_memory_saving_bytes:sum"
jq '.panels[-1].targets[0].expr |= sub("device=~"; "devise=~")' "$DASHBOARD" >"$TMPD/bogus.json"
control "a label a metric does not have is refused" \
	"dashboard:$(jq -r '.panels[-1].title' "$DASHBOARD")/A: zram_swap_used_bytes has no label devise"

# ---- the dashboard: Grafana's shape ------------------------------------------------------
jq -e '
	(.templating.list | map(.name) | contains(["datasource", "job", "instance", "device"])) and
	(.templating.list[] | select(.name == "datasource") | .type == "datasource" and .query == "prometheus") and
	([.panels[] | select(.type != "row")] | length > 10) and
	([.panels[] | select(.type == "row") | .title] | contains(["Fleet", "Host $instance"])) and
	all(.panels[] | select(.type != "row");
		(.targets | length > 0) and all(.targets[]; (.expr | length > 0) and .datasource.uid == "${datasource}")
		and .gridPos.x >= 0 and .gridPos.w > 0 and .gridPos.x + .gridPos.w <= 24 and .gridPos.h > 0) and
	([.panels[].id] | length == (unique | length))' "$DASHBOARD" >/dev/null
tap_ok $? "the dashboard: datasource, job, instance and device variables, Fleet and Host rows, panels with targets on \${datasource}, unique ids, a 24-column grid"

# ---- promtool ------------------------------------------------------------------------------
if ! $have_promtool; then
	tap_skip "promtool is not installed (Debian package prometheus): rules not checked"
	tap_done
	exit
fi
promtool check rules "$RULES" >"$TMPD/promtool" 2>&1
r=$?
tap_ok $r "promtool check rules contrib/prometheus/zsctl.rules.yml"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/promtool")"
nrules=$(sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p' "$TMPD/promtool")
tap_is "$(rules_exprs "$RULES" | grep -c '^@@ ')" "$nrules" \
	"every one of promtool's $nrules rules had its expression checked above"
promtool test rules "$RULES_TEST" >"$TMPD/promtool" 2>&1
r=$?
tap_ok $r "promtool test rules contrib/prometheus/zsctl.rules.test.yml"
[ $r -eq 0 ] || tap_diag "$(tail -n 40 "$TMPD/promtool")"
# every alert of the rules has a unit test that makes it fire
sed -n 's/^[ -]*alert:[ ]*//p' "$RULES" | sort -u >"$TMPD/alerts"
awk '/alertname:/ { a = $2 } /exp_alerts:[ ]*$/ { fired[a] = 1 } END { for (a in fired) print a }' \
	"$RULES_TEST" | sort -u >"$TMPD/fired"
tap_is "$(comm -23 "$TMPD/alerts" "$TMPD/fired" | tr '\n' ' ')" "" \
	"every alert ($(wc -l <"$TMPD/alerts")) is made to fire by a unit test"
# and every recording rule has its value checked
sed -n 's/^[ -]*record:[ ]*//p' "$RULES" | sort -u >"$TMPD/records"
sed -n 's/^[ -]*- expr:[ ]*\([a-z_]*:[a-z0-9_:]*\)$/\1/p' "$RULES_TEST" | sort -u >"$TMPD/tested"
tap_is "$(comm -23 "$TMPD/records" "$TMPD/tested" | tr '\n' ' ')" "" \
	"every recording rule ($(wc -l <"$TMPD/records")) has its value checked by a unit test"

# the dashboard's queries parse (Grafana's variables replaced by what they stand for)
{
	echo "groups:"
	echo "  - name: dashboard"
	echo "    rules:"
	# shellcheck disable=SC2016 # Grafana's variables, not the shell's
	jq -r '[.. | objects | select(has("targets")) | .targets[].expr] | to_entries[] |
		"      - record: dashboard_query_\(.key)\n        expr: |\n          \(.value | gsub("\n"; "\n          "))"' \
		"$DASHBOARD" | sed 's/\$__rate_interval/5m/g; s/\$__interval/1m/g; s/\$[a-z_]*/.*/g'
} >"$TMPD/dashboard.rules.yml"
promtool check rules "$TMPD/dashboard.rules.yml" >"$TMPD/promtool" 2>&1
r=$?
tap_ok $r "promtool parses each of the dashboard's $(grep -c 'record: dashboard_query_' "$TMPD/dashboard.rules.yml") queries"
[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/promtool")"
# control: one that does not parse is refused
printf 'groups:\n  - name: dashboard\n    rules:\n      - record: q\n        expr: sum(zram_disksize_bytes\n' \
	>"$TMPD/broken.rules.yml"
promtool check rules "$TMPD/broken.rules.yml" >/dev/null 2>&1
tap_is "$?" 1 "control: promtool refuses a query that does not parse"

tap_done
