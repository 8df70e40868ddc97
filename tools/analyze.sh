#!/bin/sh
# Static analysis of zsctl: cppcheck and clang-tidy (checks in
# tools/clang-tidy.yaml) over lib/, cli/, fuzz/ and tests/unit/test-regress.c.
#
#   tools/analyze.sh                        (or: make analyze)
#
# Every finding is one of:
#   suppressed  a false positive, listed in tools/analyze.supp with the reason;
#   pending     a real finding reported with a proposed fix and not fixed yet,
#               listed in tools/analyze.pending (printed on every run);
#   new         anything else: printed, and the exit status is 1.
# Entries match by tool, check, file and a piece of the flagged source line
# (not its number, which moves), so they survive unrelated edits.
#
# Environment: SRCDIR (default: this script's parent), BUILDDIR (where
# config.h is; default: .), ANALYZE_CFLAGS (the -I flags of the libraries:
# make analyze passes its pkg-config flags; else pkg-config is asked),
# ANALYZE_JOBS (2), CPPCHECK (cppcheck), CLANG_TIDY (clang-tidy-14 or
# clang-tidy), ANALYZE_STRICT=1 (pending findings fail too).
# Exit status: 0 clean, 1 new findings (or pending ones with ANALYZE_STRICT=1),
# 2 a tool is missing or failed.
set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILDDIR=${BUILDDIR:-.}
BUILDDIR=$(cd "$BUILDDIR" && pwd)
JOBS=${ANALYZE_JOBS:-2}
CPPCHECK=${CPPCHECK:-cppcheck}
if [ -z "${CLANG_TIDY:-}" ]; then
	CLANG_TIDY=clang-tidy
	command -v clang-tidy-14 >/dev/null 2>&1 && CLANG_TIDY=clang-tidy-14
fi
for tool in "$CPPCHECK" "$CLANG_TIDY"; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "analyze: $tool not found (apt-get install cppcheck clang-tidy)" >&2
		exit 2
	}
done
[ -f "$BUILDDIR/config.h" ] || { echo "analyze: no config.h in $BUILDDIR (run configure)" >&2; exit 2; }
if [ -z "${ANALYZE_CFLAGS:-}" ]; then
	ANALYZE_CFLAGS=$(pkg-config --cflags mount libudev jansson smartcols ncursesw libarchive cmocka 2>/dev/null)
fi

cd "$SRCDIR" || exit 2
# the product, the fuzz targets and the regression cases (the other unit
# tests are left out: cmocka's fail_msg() does not return, which the
# analyzers do not know, so they are mostly false positives there)
FILES=$(ls lib/*.c cli/*.c cli/top/*.c fuzz/*.c tests/unit/test-regress.c tests/unit/unit.c 2>/dev/null)
INCLUDES="-I$BUILDDIR -Ilib -Icli -Icli/top -Ifuzz -Itests/unit"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zsctl-analyze.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
: >"$TMP/findings"
# what the Makefile defines on the command line (a path, as a string)
printf '#define PKGLIBEXECDIR "/usr/libexec/zsctl"\n' >"$TMP/defines.h"

# ---- cppcheck --------------------------------------------------------------
# shellcheck disable=SC2086
"$CPPCHECK" -q --enable=warning,style,performance,portability --std=c11 \
	--library=posix --library=gnu -D_GNU_SOURCE -D__GNUC__ -D__x86_64__ \
	-DPKGLIBEXECDIR='"/usr/libexec/zsctl"' $INCLUDES \
	--suppress=missingIncludeSystem --inline-suppr -j "$JOBS" \
	--template='cppcheck|{id}|{file}|{line}|{severity}: {message}' \
	$FILES >/dev/null 2>"$TMP/cppcheck.out"
rc=$?
grep '^cppcheck|' "$TMP/cppcheck.out" >>"$TMP/findings"
if [ "$rc" -ne 0 ] || grep -v '^cppcheck|' "$TMP/cppcheck.out" | grep -q .; then
	echo "analyze: cppcheck failed (status $rc):" >&2
	grep -v '^cppcheck|' "$TMP/cppcheck.out" | head -n 20 >&2
	exit 2
fi

# ---- clang-tidy --------------------------------------------------------------
# shellcheck disable=SC2086
printf '%s\n' $FILES | xargs -P "$JOBS" -I{} sh -c '
	"$1" --quiet --config-file="$2/tools/clang-tidy.yaml" "$3" -- -std=gnu11 $4 $5 \
		-include "$6/defines.h" \
		>"$6/tidy.$(echo "$3" | tr / _).out" 2>"$6/tidy.$(echo "$3" | tr / _).err" || true
' sh "$CLANG_TIDY" "$SRCDIR" {} "$INCLUDES" "$ANALYZE_CFLAGS" "$TMP"
for f in "$TMP"/tidy.*.out; do
	[ -f "$f" ] || continue
	# /abs/file.c:12:3: warning: text [check]  ->  clang-tidy|check|file|12|text
	sed -n "s#^$SRCDIR/##; s#^\([^:]*\):\([0-9]*\):[0-9]*: \(warning\|error\): \(.*\) \[\([^]]*\)\]\$#clang-tidy|\5|\1|\2|\3: \4#p" \
		"$f" >>"$TMP/findings"
done
if grep -h -E '^(Error|error:)' "$TMP"/tidy.*.err 2>/dev/null | grep -q .; then
	echo "analyze: clang-tidy could not compile some files:" >&2
	grep -h -E '^(Error|error:)' "$TMP"/tidy.*.err | head -n 20 >&2
	exit 2
fi
sort -u "$TMP/findings" -o "$TMP/findings"

# ---- sort the findings out -------------------------------------------------------
# entries: TOOL|CHECK|FILE|TEXT ('*' matches anything; TEXT: a fixed string
# of the flagged line); comment lines start with '#'
match()
{
	# match LISTFILE TOOL CHECK FILE SOURCE-LINE: prints the entry's id or nothing
	grep -v '^[[:space:]]*#' "$1" | grep '|' | while IFS='|' read -r t c f text; do
		t=$(echo "$t" | sed 's/^ *//; s/ *$//')
		c=$(echo "$c" | sed 's/^ *//; s/ *$//')
		f=$(echo "$f" | sed 's/^ *//; s/ *$//')
		text=$(echo "$text" | sed 's/^ *//; s/ *$//')
		[ "$t" = "$2" ] || [ "$t" = '*' ] || continue
		[ "$c" = "$3" ] || [ "$c" = '*' ] || continue
		[ "$f" = "$4" ] || [ "$f" = '*' ] || continue
		if [ "$text" = '*' ] || printf '%s\n' "$5" | grep -qF -- "$text"; then
			echo "$t|$c|$f"
			break
		fi
	done
}

new=0 pending=0 suppressed=0
: >"$TMP/new" && : >"$TMP/pending"
while IFS='|' read -r tool check file line msg; do
	src=$(sed -n "${line}p" "$file" 2>/dev/null)
	if [ -n "$(match "$SRCDIR/tools/analyze.supp" "$tool" "$check" "$file" "$src")" ]; then
		suppressed=$((suppressed + 1))
	elif [ -n "$(match "$SRCDIR/tools/analyze.pending" "$tool" "$check" "$file" "$src")" ]; then
		pending=$((pending + 1))
		echo "$file:$line: [$tool $check] $msg" >>"$TMP/pending"
	else
		new=$((new + 1))
		printf '%s:%s: [%s %s] %s\n    %s\n' "$file" "$line" "$tool" "$check" "$msg" \
			"$(printf '%s' "$src" | sed 's/^[[:space:]]*//')" >>"$TMP/new"
	fi
done <"$TMP/findings"

if [ "$pending" -gt 0 ]; then
	echo "analyze: $pending reported, not fixed yet (tools/analyze.pending):"
	sed 's/^/  /' "$TMP/pending"
fi
if [ "$new" -gt 0 ]; then
	echo "analyze: $new new finding(s): fix them, or add a false positive to tools/analyze.supp with the reason:"
	cat "$TMP/new"
fi
echo "analyze: $(echo $FILES | wc -w) files; $new new, $pending pending, $suppressed false positives suppressed"
[ "$new" -eq 0 ] || exit 1
[ "${ANALYZE_STRICT:-0}" = 1 ] && [ "$pending" -gt 0 ] && exit 1
exit 0
