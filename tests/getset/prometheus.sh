#!/bin/sh
# zsctl status --format=prometheus against the exposition format: a strict
# check of our own (always), promtool check metrics (Debian package
# prometheus) when it is installed, the atomic --prom-file write, and a real
# node_exporter (Debian package prometheus-node-exporter) started here on a
# loopback port with its textfile collector pointed at a directory zsctl
# writes to, scraped with curl. The exporter is stopped at exit.
. "$TOP_SRCDIR/tests/lib.sh"

LC_ALL=C
export LC_ALL
FIX=$TOP_SRCDIR/tests/getset/fixtures
make_tmpdir

tap_skip()
{
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

# check_exposition FILE: the text format 0.0.4 as Prometheus documents it,
# and its naming conventions; prints what is wrong, fails if anything is
check_exposition()
{
	awk '
	function bad(msg) { printf "line %d: %s: %s\n", NR, msg, $0; errors++ }
	BEGIN { name_re = "^[a-zA-Z_:][a-zA-Z0-9_:]*$"; errors = 0 }
	/^$/ { bad("blank line"); next }
	/^# HELP / {
		n = $3
		if (n !~ name_re) bad("bad metric name")
		if (n in seen) bad("family " n " appears twice")
		if (NF < 4) bad("empty HELP")
		seen[n] = 1; help = n; type = ""; samples[n] = 0
		next
	}
	/^# TYPE / {
		n = $3
		if (n != help) bad("TYPE without its HELP just before")
		if ($4 != "counter" && $4 != "gauge") bad("type " $4)
		if (NF != 4) bad("junk after the type")
		if ($4 == "counter" && n !~ /_total$/) bad("a counter not named _total")
		if ($4 != "counter" && n ~ /_total$/) bad("_total on a " $4)
		type = $4; family = n
		next
	}
	/^#/ { bad("comment that is neither HELP nor TYPE"); next }
	{
		line = $0
		if (!match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { bad("no metric name"); next }
		n = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
		if (n != family || type == "") { bad("sample outside its family " family); next }
		if (n !~ /^(zram|zsctl)_/) bad("neither zram_ nor zsctl_")
		if (n ~ /_(kilobytes|megabytes|pages_bytes|milliseconds|minutes|hours|percent)/) bad("not a base unit")
		labels = ""
		if (substr(rest, 1, 1) == "{") {
			# label="value" pairs; values may hold \\ \" \n only as escapes
			if (!match(rest, /^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\\\|\\"|\\n)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\\\|\\"|\\n)*")*)\}/)) {
				bad("malformed labels"); next
			}
			labels = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
			split(substr(labels, 2, length(labels) - 2), pairs, ",")
			for (k in pairs) {
				split(pairs[k], kv, "=")
				if (kv[1] in lseen) bad("label " kv[1] " twice")
				lseen[kv[1]] = 1
			}
			delete lseen
		}
		if (rest !~ /^ (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[+-]Inf|NaN)$/) { bad("bad value"); next }
		if ((n labels) in series) bad("duplicate series")
		series[n labels] = 1
		samples[n]++
	}
	END {
		for (n in samples) if (!samples[n]) { printf "family %s has no samples\n", n; errors++ }
		exit errors > 0
	}' "$1"
}

# ---- the checker itself catches what it must ---------------------------------
printf '# HELP zram_x_bytes x\n# TYPE zram_x_bytes counter\nzram_x_bytes 1\n' >"$TMPD/bad1"
printf '# HELP zram_x x\n# TYPE zram_x gauge\nzram_x{device="a} 1\n' >"$TMPD/bad2"
printf '# HELP zram_x x\n# TYPE zram_x gauge\nzram_x 1\n# HELP zram_x x\n# TYPE zram_x gauge\nzram_x 2\n' >"$TMPD/bad3"
printf '# HELP zram_x x\n# TYPE zram_x gauge\nzram_y 1\n' >"$TMPD/bad4"
printf '# HELP zram_x x\n# TYPE zram_x gauge\nzram_x{a="1"} 1\nzram_x{a="1"} 2\n' >"$TMPD/bad5"
for b in 1 2 3 4 5; do
	check_exposition "$TMPD/bad$b" >/dev/null
	tap_is "$?" 1 "the format check refuses broken exposition $b"
done

# ---- every fixture's output ------------------------------------------------------
have_promtool=false
command -v promtool >/dev/null && have_promtool=true
for fx in k612 k61 multicomp gate; do
	for extra in "" --classes; do
		out=$TMPD/$fx$extra.prom
		"$ZSCTL" --sysroot "$FIX/$fx" status --format=prometheus $extra >"$out" 2>"$TMPD/err"
		tap_is "$?:$(cat "$TMPD/err")" "0:" "status --format=prometheus $extra over fixtures/$fx"
		check_exposition "$out" >"$TMPD/check"
		r=$?
		tap_ok $r "fixtures/$fx $extra: exposition format and naming conventions"
		[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/check")"
		if $have_promtool; then
			promtool check metrics <"$out" >"$TMPD/promtool" 2>&1
			r=$?
			tap_ok $r "fixtures/$fx $extra: promtool check metrics"
			[ $r -eq 0 ] || tap_diag "$(cat "$TMPD/promtool")"
			tap_is "$(cat "$TMPD/promtool")" "" "fixtures/$fx $extra: promtool has no lint warning"
		else
			tap_skip "promtool is not installed (Debian package prometheus)"
		fi
	done
done

# per-class metrics only when asked: the label set can be large
grep -q '^zsctl_pool_class_' "$TMPD/gate.prom"
tap_is "$?" 1 "no per-class metrics without --classes"
tap_is "$(grep -c '^zsctl_pool_class_freeable_bytes{pool="zram0",class="' "$TMPD/gate--classes.prom")" \
	"$(awk 'NR > 1 && $1 ~ /^[0-9]+$/' "$FIX/gate/sys/kernel/debug/zsmalloc/zram0/classes" | wc -l)" \
	"--classes: one freeable sample per class of the pool"
# gate counters: user space from the state file, kernel from mm_stat column 10
tap_is "$(grep '^zsctl_compact_runs_total ' "$TMPD/gate.prom")" "zsctl_compact_runs_total 42" \
	"runs from the state file"
tap_is "$(grep '^zsctl_compact_turned_away_total ' "$TMPD/gate.prom")" \
	"zsctl_compact_turned_away_total $(stat -c %s "$FIX/gate/var/lib/zsctl/compact.state.busy")" \
	"turned away = the size of the .busy file"
tap_is "$(grep '^zram_compact_gated_total{device="zram0"} ' "$TMPD/gate.prom")" \
	'zram_compact_gated_total{device="zram0"} 17' "the kernel's compact_gated per device"
grep -q '^zram_compact_gated_total' "$TMPD/k612.prom"
tap_is "$?" 1 "no compact_gated on an unpatched kernel (absent, not 0)"
tap_is "$(grep '^zsctl_compact_last_result{result="compacted"} ' "$TMPD/gate.prom")" \
	'zsctl_compact_last_result{result="compacted"} 1' "the last result"

# ---- --prom-file: replaced atomically ---------------------------------------------
mkdir "$TMPD/tf"
"$ZSCTL" --sysroot "$FIX/gate" status --prom-file "$TMPD/tf/zsctl.prom"
tap_is "$?" 0 "--prom-file exits 0"
cmp -s "$TMPD/tf/zsctl.prom" "$TMPD/gate.prom"
tap_ok $? "the file holds what --format=prometheus prints"
tap_is "$(stat -c %a "$TMPD/tf/zsctl.prom")" 644 "mode 0644: node_exporter runs as another user"
tap_is "$(ls -A "$TMPD/tf")" "zsctl.prom" "no temporary file left behind"
# a reader never sees half a file while writers replace it
i=0
while [ $i -lt 30 ]; do
	"$ZSCTL" --sysroot "$FIX/gate" status --classes --prom-file "$TMPD/tf/zsctl.prom" &
	i=$((i + 1))
done
torn=0 reads=0
while [ $reads -lt 300 ]; do
	tail -n 1 "$TMPD/tf/zsctl.prom" | grep -q '^zsctl_status_error 0$' || torn=$((torn + 1))
	reads=$((reads + 1))
done
wait
tap_is "$torn" 0 "300 reads during 30 concurrent rewrites: every one a whole file"
tap_is "$(ls -A "$TMPD/tf")" "zsctl.prom" "and no temporary file left behind"

# ---- a real node_exporter ------------------------------------------------------------
EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter)
if [ -z "$EXPORTER" ] || ! command -v curl >/dev/null; then
	tap_skip "no prometheus-node-exporter or no curl (Debian packages prometheus-node-exporter, curl)"
	tap_done
	exit
fi

TEXTFILE=$TMPD/textfile
mkdir "$TEXTFILE"
chmod 755 "$TMPD" "$TEXTFILE"

# live: a zram device of our own; else a fixture
dev=""
if [ "$(id -u)" -eq 0 ] && zram_hot_add; then
	dev=zram$ZRAM_ID
	echo 32M >"/sys/block/$dev/disksize" || tap_bail "cannot set $dev disksize"
	"$ZSCTL" status --prom-file "$TEXTFILE/zsctl.prom" "$dev"
	tap_is "$?" 0 "status --prom-file on the live $dev"
	want_disksize=$(cat "/sys/block/$dev/disksize")
else
	tap_diag "not root or no hot_add: node_exporter serves a fixture's metrics"
	dev=zram0
	"$ZSCTL" --sysroot "$FIX/gate" status --prom-file "$TEXTFILE/zsctl.prom" zram0
	tap_is "$?" 0 "status --prom-file over fixtures/gate"
	want_disksize=$(cat "$FIX/gate/sys/block/zram0/disksize")
fi

# start_exporter: on a free loopback port; sets PORT and EPID
start_exporter()
{
	_try=0
	while [ $_try -lt 8 ]; do
		_try=$((_try + 1))
		PORT=$(awk -v s="$$$_try" 'BEGIN { srand(s); printf "%d", 20000 + int(rand() * 40000) }')
		if command -v ss >/dev/null && ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; then
			continue
		fi
		"$EXPORTER" --web.listen-address="127.0.0.1:$PORT" \
			--collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$TEXTFILE" >"$TMPD/exporter.log" 2>&1 &
		EPID=$!
		at_exit "kill $EPID"
		_w=0
		while [ $_w -lt 50 ]; do
			if curl -sf "http://127.0.0.1:$PORT/metrics" >/dev/null 2>&1; then
				return 0
			fi
			kill -0 "$EPID" 2>/dev/null || break # the port was taken: another one
			sleep 0.1
			_w=$((_w + 1))
		done
		kill "$EPID" 2>/dev/null
		wait "$EPID" 2>/dev/null
	done
	return 1
}

if ! start_exporter; then
	tap_ok 1 "node_exporter starts on a loopback port"
	tap_diag "$(tail -n 5 "$TMPD/exporter.log")"
	tap_done
	exit
fi
tap_ok 0 "node_exporter listens on 127.0.0.1:$PORT"

curl -sf "http://127.0.0.1:$PORT/metrics" >"$TMPD/scrape"
tap_is "$?" 0 "curl scrapes /metrics"
tap_is "$(grep '^node_textfile_scrape_error ' "$TMPD/scrape")" "node_textfile_scrape_error 0" \
	"node_textfile_scrape_error 0: the exporter accepted zsctl's file"
grep -q "^node_textfile_mtime_seconds{file=\"[^\"]*zsctl.prom\"}" "$TMPD/scrape"
tap_ok $? "the exporter read zsctl.prom"
# value NAME{LABELS} FILE: the sample's value as an integer (the exporter prints floats)
value()
{
	awk -v k="$1" 'index($0, k " ") == 1 { printf "%.0f\n", $2 }' "$2"
}
tap_is "$(value "zram_disksize_bytes{device=\"$dev\"}" "$TMPD/scrape")" "$want_disksize" \
	"zram_disksize_bytes of $dev is served, equal to its disksize"
for m in zram_mem_used_total_bytes zram_orig_data_size_bytes zsctl_compact_runs_total \
	zsctl_compact_turned_away_total zsctl_compact_gate_held zsctl_status_error; do
	grep -q "^$m[{ ]" "$TMPD/scrape"
	tap_ok $? "$m is served"
done
grep -q '^# TYPE zsctl_compact_runs_total counter$' "$TMPD/scrape"
tap_ok $? "with its TYPE"

# a control: a broken file in the same directory does make the exporter complain
printf 'zram_broken{ 1\n' >"$TEXTFILE/broken.prom"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$TMPD/scrape2"
tap_is "$(grep '^node_textfile_scrape_error ' "$TMPD/scrape2")" "node_textfile_scrape_error 1" \
	"control: a broken file sets node_textfile_scrape_error 1"
rm -f "$TEXTFILE/broken.prom"

# refreshed in place while the exporter serves it
if [ -n "${ZRAM_ID-}" ]; then
	echo 1M >"/sys/block/$dev/mem_limit"
	"$ZSCTL" status --prom-file "$TEXTFILE/zsctl.prom" "$dev"
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$TMPD/scrape3"
	tap_is "$(value "zram_mem_limit_bytes{device=\"$dev\"}" "$TMPD/scrape3")" 1048576 \
		"a refresh is served at the next scrape (mem_limit 1M)"
	tap_is "$(grep '^node_textfile_scrape_error ' "$TMPD/scrape3")" "node_textfile_scrape_error 0" \
		"still node_textfile_scrape_error 0"
fi

tap_done
