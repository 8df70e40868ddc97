# Shared helpers for the shell tests: TAP output, temporary directories and
# zram devices that are always cleaned up (also when a test fails).
# Source it; ZSCTL, TOP_SRCDIR and TOP_BUILDDIR come from the Makefile.

: "${ZSCTL:?run through make check}"
: "${TOP_SRCDIR:?run through make check}"

_tap_n=0
_tap_failed=0
_cleanups=""

# ok COND-EXIT-STATUS DESCRIPTION: "ok N - desc" or "not ok N - desc"
tap_ok()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# tap_is GOT WANT DESCRIPTION
tap_is()
{
	if [ "$1" = "$2" ]; then
		tap_ok 0 "$3"
	else
		tap_ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
	fi
}

tap_diag()
{
	printf '%s\n' "$@" | sed 's/^/# /'
}

# The whole script cannot run here; says why (a skip, not a pass).
tap_skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

tap_bail()
{
	echo "Bail out! $*"
	exit 99
}

tap_done()
{
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# Register a command to run at exit, in reverse order of registration.
at_exit()
{
	_cleanups="$1
$_cleanups"
}

_run_cleanups()
{
	_rc=$?
	printf '%s\n' "$_cleanups" | while IFS= read -r _c; do
		[ -n "$_c" ] && eval "$_c" >/dev/null 2>&1
	done
	exit $_rc
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM HUP

# make_tmpdir: sets TMPD to a new directory, removed at exit. (Not to be
# called in $(...): the cleanup must be registered in this shell.)
make_tmpdir()
{
	TMPD=$(mktemp -d "${TMPDIR:-/tmp}/zsctl-test.XXXXXX") || tap_bail "mktemp failed"
	at_exit "rm -rf '$TMPD'"
}

# zram_hot_add: sets ZRAM_ID to a new device's id; the device is removed at
# exit. Never touches a device this test did not create. Returns 1 when
# the machine cannot hot-add.
zram_hot_add()
{
	[ -w /sys/class/zram-control/hot_add ] || return 1
	ZRAM_ID=$(cat /sys/class/zram-control/hot_add) || return 1
	case "$ZRAM_ID" in
	'' | *[!0-9]*) return 1 ;;
	esac
	at_exit "zram_hot_remove $ZRAM_ID"
}

# zram_own ID: a device the test made another way (zsctl add) is removed
# at exit too, as zram_hot_add's are.
zram_own()
{
	at_exit "zram_hot_remove $1"
}

# zram_forget ID: the test removed device ID itself: nothing to remove at
# exit (by then another test may have a device of that number).
zram_forget()
{
	_cleanups=$(printf '%s\n' "$_cleanups" | grep -v -x "zram_hot_remove $1")
}

zram_hot_remove()
{
	# a swap or mount on it would make removal fail: undo those first
	swapoff "/dev/zram$1" 2>/dev/null
	umount "/dev/zram$1" 2>/dev/null
	echo 1 >"/sys/block/zram$1/reset" 2>/dev/null
	for _i in 1 2 3 4 5; do
		echo "$1" >/sys/class/zram-control/hot_remove 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
