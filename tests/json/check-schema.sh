#!/bin/sh
# Every verb's JSON against one schema (tests/json/schema.json, zsctl(8)
# JSON OUTPUT): each JSON case of the expected-output suites is run again
# (the same fixture, preparation and arguments as tests/expected/run.sh)
# and its document checked by tests/json/check-schema.jq; so is a compact
# that finds the gate held. And zsctl(8)'s JSON OUTPUT names every key the
# schema has, and the schema version is the one the documents carry.
# Reads only from $TOP_SRCDIR, writes only below a temporary directory.
. "$TOP_SRCDIR/tests/lib.sh"

command -v jq >/dev/null || tap_skip_all "jq is not installed"
make_tmpdir
SCHEMA=$TOP_SRCDIR/tests/json/schema.json
CHECK=$TOP_SRCDIR/tests/json/check-schema.jq
EXP=$TOP_SRCDIR/tests/expected
LC_ALL=C TZ=UTC0
export LC_ALL TZ

# check VERB FILE DESCRIPTION: FILE is one JSON document of VERB's schema
check()
{
	if ! jq -e 'type == "object"' "$2" >/dev/null 2>&1; then
		tap_ok 1 "$3"
		tap_diag "not one JSON object: $(head -c 200 "$2")"
		return
	fi
	jq -r --slurpfile schema "$SCHEMA" --arg verb "$1" -f "$CHECK" "$2" >"$TMPD/violations" 2>&1
	if [ $? -eq 0 ] && [ ! -s "$TMPD/violations" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		tap_diag "$(head -n 20 "$TMPD/violations")"
	fi
}

trim()
{
	printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

# the checker itself: a document that breaks each rule is caught
printf '%s\n' '{"version":2,"devices":[{"name":1,"initstate":0,"derived":{"ram_share":1.5},"bogus":1}],"class_statistics":{"available":true},"compaction":{}}' >"$TMPD/bad.json"
jq -r --slurpfile schema "$SCHEMA" --arg verb status -f "$CHECK" "$TMPD/bad.json" >"$TMPD/bad.out" 2>&1
for want in 'status.version: 2 is none of \[1\]' 'status.devices\[0\].name: 1 is not string' \
	'status.devices\[0\].initstate: 0 is not boolean' 'ram_share: 1.5 is above 1' \
	'unknown key "bogus"'; do
	grep -q "$want" "$TMPD/bad.out"
	tap_ok $? "the checker finds: $want"
done

n=0
for suite in status get set compact maintain prometheus; do
	while IFS='|' read -r name fixture args want prep || [ -n "$name" ]; do
		case "$name" in '' | '#'*) continue ;; esac
		name=$(trim "$name") fixture=$(trim "$fixture") args=$(trim "$args") prep=$(trim "$prep")
		case " $args " in
		*" -J "* | *" --json "* | *--format=json* | *" -"[a-zA-Z]*J" "*) ;;
		*) continue ;;
		esac
		fix=$TOP_SRCDIR/tests/fixtures/$fixture
		[ -d "$fix" ] || fix=$TOP_SRCDIR/tests/getset/fixtures/$fixture
		root=$TMPD/root OUT=$TMPD/out
		rm -rf "$root" "$OUT"
		mkdir "$OUT" && cp -R "$fix" "$root" && chmod -R u+w "$root" ||
			tap_bail "cannot copy fixture $fixture"
		if [ -n "$prep" ]; then
			(cd "$root" && eval "$prep") </dev/null >/dev/null 2>&1 ||
				tap_bail "$suite/$name: the preparation failed"
		fi
		(
			eval "set -- $args" || exit 125
			cd "$TMPD" && exec "$ZSCTL" --sysroot "$root" "$@"
		) >"$TMPD/doc.json" 2>"$TMPD/stderr" </dev/null
		verb=${args%% *}
		check "$verb" "$TMPD/doc.json" "$suite/$name: zsctl $args follows the schema of $verb"
		n=$((n + 1))
	done <"$EXP/$suite.cases"
done
# every verb with -J is among them
for verb in status get set add remove compact maintain; do
	grep -h -v '^#' "$EXP"/*.cases | cut -d'|' -f3 | grep -q "^ *$verb .*-J"
	tap_ok $? "a JSON case of $verb is checked"
done
[ "$n" -ge 40 ]
tap_ok $? "$n JSON documents checked (at least 40)"

# compact when another holds the gate: the busy document
root=$TMPD/busy
rm -rf "$root"
cp -R "$TOP_SRCDIR/tests/fixtures/linux-6.12-discard" "$root" && chmod -R u+w "$root" &&
	mkdir -p "$root/run/lock" "$root/var/lib" && : >"$root/sys/block/zram0/compact" ||
	tap_bail "cannot copy fixture linux-6.12-discard"
ZSCTL_TEST_HOLD_GATE=30 "$ZSCTL_TEST" --sysroot "$root" compact -q --force zram0 \
	>/dev/null 2>&1 </dev/null &
holder=$!
at_exit "kill $holder 2>/dev/null"
i=0
while [ ! -s "$root/run/lock/zsctl-compact.lock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$ZSCTL" --sysroot "$root" compact -J zram0 >"$TMPD/busy.json" 2>"$TMPD/stderr" </dev/null
jq -e '.result == "busy" and .compaction.held == true' "$TMPD/busy.json" >/dev/null
tap_ok $? "compact -J finds the gate held (result busy)"
check compact "$TMPD/busy.json" "compact -J, gate held: follows the schema of compact"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# the same value, the same key and type: a device's attributes as get -J and
# status -J give them (review ux-2026-12 #4: comp_algorithm was an object in
# get, debug_stat a string, initstate and writeback_limit_enable numbers)
for fixture in k61 k612; do
	dir=$TOP_SRCDIR/tests/getset/fixtures/$fixture
	"$ZSCTL" --sysroot "$dir" status -J zram1 >"$TMPD/status.json" 2>/dev/null
	"$ZSCTL" --sysroot "$dir" get -J zram1 >"$TMPD/get.json" 2>/dev/null
	keys='["comp_algorithm", "comp_algorithms", "initstate", "disksize", "mm_stat", "io_stat", "bd_stat", "debug_stat", "max_comp_streams", "backing_dev", "writeback_limit", "writeback_limit_enable"]'
	jq -S --argjson k "$keys" '.devices[0] as $d | [$k[] | {(.): $d[.]}] | add' \
		"$TMPD/status.json" >"$TMPD/from-status"
	jq -S --argjson k "$keys" '.devices[0].attributes as $d | [$k[] | {(.): $d[.]}] | add' \
		"$TMPD/get.json" >"$TMPD/from-get"
	jq -e '[.[] | select(. != null)] | length >= 8' "$TMPD/from-get" >/dev/null &&
		cmp -s "$TMPD/from-status" "$TMPD/from-get"
	r=$?
	tap_ok $r "$fixture zram1: get -J and status -J give the attributes the same keys, types and values"
	[ $r -eq 0 ] || tap_diag "$(diff "$TMPD/from-status" "$TMPD/from-get" | head -n 20)"
done

# the schema's version is the documents' (CLI_JSON_VERSION)
v=$(jq -r .version "$SCHEMA")
"$ZSCTL" --sysroot "$TOP_SRCDIR/tests/fixtures/linux-6.12-discard" status -J >"$TMPD/doc.json"
tap_is "$(jq -r .version "$TMPD/doc.json")" "$v" "status -J carries the schema's version $v"

# zsctl(8) JSON OUTPUT names every key of the schema
awk '/^# / { in_sec = ($0 == "# JSON OUTPUT"); next } in_sec' "$TOP_SRCDIR/man/zsctl.8.scd" \
	>"$TMPD/man"
jq -r '[.. | objects | .properties? // empty | keys[]] | unique[]' "$SCHEMA" >"$TMPD/keys"
missing=""
while read -r key; do
	grep -q -F "*$key*" "$TMPD/man" || missing="$missing $key"
done <"$TMPD/keys"
[ -z "$missing" ]
tap_ok $? "zsctl(8) JSON OUTPUT documents every key of the schema"
[ -z "$missing" ] || tap_diag "not in it:$missing"

tap_done
