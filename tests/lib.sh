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
	# a second signal must not cut the cleanup short
	trap '' INT TERM HUP
	printf '%s\n' "$_cleanups" | while IFS= read -r _c; do
		[ -n "$_c" ] && eval "$_c" >/dev/null 2>&1
	done
	# last, once what held them (mounts, processes) is gone
	zram_remove_all || [ "$_rc" -ne 0 ] || _rc=1
	exit $_rc
}
trap _run_cleanups EXIT
trap '_on_signal 130' INT
trap '_on_signal 143' TERM
trap '_on_signal 129' HUP
# A signal that comes while zram_hot_add records a new device waits until
# the device is recorded, so that the cleanup knows it.
_signal_deferred=""
_signal_pending=""
_on_signal()
{
	if [ -n "$_signal_deferred" ]; then
		_signal_pending=$1
	else
		exit "$1"
	fi
}

# make_tmpdir: sets TMPD to a new directory, removed at exit. (Not to be
# called in $(...): the cleanup must be registered in this shell.)
make_tmpdir()
{
	TMPD=$(mktemp -d "${TMPDIR:-/tmp}/zsctl-test.XXXXXX") || tap_bail "mktemp failed"
	at_exit "rm -rf '$TMPD'"
}

# ---- zram devices of a test, and runs as another user (issue 11) ----------
# Every device a test hot-adds is its own: removed at exit (whatever the
# exit: the end, a failure, tap_bail, INT, TERM, HUP), or earlier by
# zram_remove, and recorded in the suite's registry ($ZSCTL_ZRAM_REGISTRY,
# set by make check) that tests/leftover.sh checks once every test is done.
# A device is known by its id and its instance (zram_instance), so that a
# device another process got under the same id is never touched or blamed.
#
# The list of this test's devices is only changed by the shell itself,
# never in a $(...) or a pipeline: a signal to the process group (^C, a
# timeout, a cancelled job) kills those, and an assignment from one that
# was killed empties the list, leaving the devices behind.

_zram_mine="" # "ID:INSTANCE ..." of this test's devices not yet removed

# zram_instance ID: sets ZRAM_INSTANCE to what tells this zramID from
# another one of the same id: the boot and the disk sequence number (Linux
# 5.15+), else the sysfs directory's inode number (kernfs: unique within a
# boot since Linux 5.5). Builtins only where it can: no process to kill.
zram_instance()
{
	ZRAM_INSTANCE=""
	read -r _boot 2>/dev/null </proc/sys/kernel/random/boot_id || _boot=unknown-boot
	if [ -r "/sys/block/zram$1/diskseq" ]; then
		read -r _seq 2>/dev/null <"/sys/block/zram$1/diskseq" || return 1
		ZRAM_INSTANCE="$_boot/diskseq=$_seq"
	else
		_ino=$(stat -L -c %i "/sys/block/zram$1" 2>/dev/null) || return 1
		ZRAM_INSTANCE="$_boot/ino=$_ino"
	fi
}

# zram_hot_add: sets ZRAM_ID to a new device's id; the device is removed at
# exit. Returns 1 when the machine cannot hot-add.
zram_hot_add()
{
	[ -w /sys/class/zram-control/hot_add ] || return 1
	_signal_deferred=1
	ZRAM_ID=""
	# the read builtin: a cat could be killed between the read that makes
	# the device and the write of its id
	read -r ZRAM_ID </sys/class/zram-control/hot_add
	case "$ZRAM_ID" in
	'' | *[!0-9]*) ZRAM_ID="" ;;
	*)
		_zram_mine="$_zram_mine $ZRAM_ID:"
		if zram_instance "$ZRAM_ID"; then
			_zram_mine="${_zram_mine%:}:$ZRAM_INSTANCE"
		fi
		if [ -n "${ZSCTL_ZRAM_REGISTRY:-}" ]; then
			# one short O_APPEND write: tests at once do not mix lines
			printf 'zram%s %s %s\n' "$ZRAM_ID" "${ZRAM_INSTANCE:-unknown}" "${0#"$TOP_SRCDIR/"}" \
				>>"$ZSCTL_ZRAM_REGISTRY"
		fi
		;;
	esac
	_signal_deferred=""
	[ -z "$_signal_pending" ] || exit "$_signal_pending"
	[ -n "$ZRAM_ID" ]
}

# zram_own ID: a device the test made another way (zsctl add) is this
# test's as zram_hot_add's are: removed at exit, and in the registry.
zram_own()
{
	_signal_deferred=1
	_zram_mine="$_zram_mine $1:"
	if zram_instance "$1"; then
		_zram_mine="${_zram_mine%:}:$ZRAM_INSTANCE"
	fi
	if [ -n "${ZSCTL_ZRAM_REGISTRY:-}" ]; then
		printf 'zram%s %s %s\n' "$1" "${ZRAM_INSTANCE:-unknown}" "${0#"$TOP_SRCDIR/"}" \
			>>"$ZSCTL_ZRAM_REGISTRY"
	fi
	_signal_deferred=""
	[ -z "$_signal_pending" ] || exit "$_signal_pending"
}

# zram_gone ID INSTANCE: zramID of that instance (zram_instance) is no more;
# another device may have its id by now (tests run in parallel)
zram_gone()
{
	! zram_instance "$1" || [ "$ZRAM_INSTANCE" != "$2" ]
}

# zram_forget ID: the test removed zramID itself (zsctl remove): nothing to
# remove at exit (by then another process may have a device of that id).
zram_forget()
{
	_rest=""
	for _e in $_zram_mine; do
		[ "${_e%%:*}" = "$1" ] || _rest="$_rest $_e"
	done
	_zram_mine=$_rest
}

# zram_settle: wait for udev to be done with the events of the devices (its
# blkid probe after a write holds the node open, and reset or hot_remove
# are refused with EBUSY meanwhile); nothing to wait for without udev
zram_settle()
{
	command -v udevadm >/dev/null 2>&1 && udevadm settle --timeout=10 >/dev/null 2>&1
	return 0
}

# zram_remove ID: swapoff, unmount and hot-remove this test's zramID now,
# and forget it; returns 1 (the reason in ZRAM_ERROR) when it stays. A
# device that is gone, or another one under the same id, is left alone.
zram_remove()
{
	ZRAM_ERROR=""
	_entry=""
	for _e in $_zram_mine; do
		[ "${_e%%:*}" = "$1" ] && _entry=$_e
	done
	if [ -z "$_entry" ]; then
		ZRAM_ERROR="zram$1: not a device of this test"
		return 1
	fi
	if zram_instance "$1" && { [ "$ZRAM_INSTANCE" = "${_entry#*:}" ] || [ -z "${_entry#*:}" ]; }; then
		_zram_detach "$1" || return 1
	fi
	_rest=""
	for _e in $_zram_mine; do
		[ "$_e" = "$_entry" ] || _rest="$_rest $_e"
	done
	_zram_mine=$_rest
	return 0
}

_zram_detach()
{
	swapoff "/dev/zram$1" 2>/dev/null
	# every mount of it (an umount by device undoes one)
	_n=0
	while [ $_n -lt 16 ] && umount "/dev/zram$1" 2>/dev/null; do
		_n=$((_n + 1))
	done
	# udev may hold the node for a while after a write or a change of
	# size: settle and retry, waiting longer each time (13 s in all)
	_try=0
	for _delay in 0.05 0.1 0.2 0.4 0.8 1.6 3.2 6.4; do
		_try=$((_try + 1))
		[ -e "/sys/block/zram$1" ] || return 0
		# (coreutils' echo names the errno, dash's says "I/O error")
		_err=$(/bin/echo "$1" 2>&1 >/sys/class/zram-control/hot_remove) && return 0
		zram_settle
		sleep "$_delay"
	done
	ZRAM_ERROR="zram$1: hot_remove refused $_try times (${_err##*: })"
	_what=""
	for _h in "/sys/block/zram$1/holders/"*; do
		[ -e "$_h" ] && _what="$_what ${_h##*/}"
	done
	[ -z "$_what" ] || ZRAM_ERROR="$ZRAM_ERROR; holders:$_what"
	_what=$(grep "^/dev/zram$1 " /proc/mounts | cut -d' ' -f2 | tr '\n' ' ')
	[ -z "$_what" ] || ZRAM_ERROR="$ZRAM_ERROR; mounted on ${_what% }"
	! grep -q "^/dev/zram$1 " /proc/swaps || ZRAM_ERROR="$ZRAM_ERROR; a swap device"
	return 1
}

# zram_remove_all: every device of this test still there; names each one
# that stays (a TAP diagnostic, and a line on stderr) and returns 1
zram_remove_all()
{
	_left=0
	for _e in $_zram_mine; do
		zram_remove "${_e%%:*}" && continue
		_left=1
		echo "# could not remove $ZRAM_ERROR"
		echo "${0##*/}: could not remove $ZRAM_ERROR" >&2
	done
	[ $_left -eq 0 ]
}

# Programs run as another user (uid and gid 65534, no groups, no
# capabilities) must not need the source or build tree, which may be closed
# to other users (a clone in /root, mode 0700): unpriv_copy puts a copy of
# what they need where that user can reach it, run_unpriv runs it.
UNPRIV_UID=65534

# unpriv_possible: this test can drop privileges (root, and setpriv)
unpriv_possible()
{
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1
}

# run_unpriv PROGRAM [ARG]...: PROGRAM as uid and gid 65534. setpriv keeps
# its capabilities up to its execve, which lets it start a program that
# user could not reach: a shell without them starts PROGRAM. An argument in
# the source or build tree is refused (status 126, and why on stderr),
# wherever the trees are.
run_unpriv()
{
	for _a; do
		case $_a in
		*"$TOP_SRCDIR/"* | *"${TOP_BUILDDIR:-$TOP_SRCDIR}/"*)
			echo "run_unpriv: '$_a' is in the source or build tree, which uid $UNPRIV_UID may not reach: use unpriv_copy" >&2
			return 126
			;;
		esac
	done
	setpriv --reuid=$UNPRIV_UID --regid=$UNPRIV_UID --clear-groups --inh-caps=-all \
		/bin/sh -c 'exec "$@"' sh "$@"
}

# unpriv_copy FILE...: a copy of each FILE (a program, a fixture tree),
# readable by uid 65534, in UNPRIV_DIR: a directory of this test that the
# user can reach (under $TMPDIR, /tmp, /var/tmp or /dev/shm), removed at
# exit. The copy of FILE is $UNPRIV_DIR/NAME, NAME being FILE's last
# component; that of $ZSCTL is also UNPRIV_ZSCTL. Not to be called in $(...).
unpriv_copy()
{
	unpriv_possible || tap_bail "unpriv_copy: needs root and setpriv"
	[ -n "${UNPRIV_DIR:-}" ] || _unpriv_dir
	for _f; do
		_name=${_f%/}
		_name=${_name##*/}
		rm -rf "${UNPRIV_DIR:?}/$_name"
		cp -R -- "$_f" "$UNPRIV_DIR/$_name" && chmod -R a+rX,go-w "$UNPRIV_DIR/$_name" ||
			tap_bail "cannot copy $_f to $UNPRIV_DIR"
		# shellcheck disable=SC2034 # for the tests
		[ "$_f" != "$ZSCTL" ] || UNPRIV_ZSCTL=$UNPRIV_DIR/$_name
	done
}

_unpriv_dir()
{
	for _base in "${TMPDIR:-/tmp}" /tmp /var/tmp /dev/shm; do
		case $_base/ in "$TOP_SRCDIR"/* | "${TOP_BUILDDIR:-$TOP_SRCDIR}"/*) continue ;; esac
		[ -d "$_base" ] || continue
		UNPRIV_DIR=$(mktemp -d "$_base/zsctl-unpriv.XXXXXX" 2>/dev/null) || continue
		at_exit "rm -rf '$UNPRIV_DIR'"
		chmod 0755 "$UNPRIV_DIR"
		# every directory above it must let the user through: ask the user
		run_unpriv test -x "$UNPRIV_DIR" && return 0
		rm -rf "$UNPRIV_DIR"
	done
	UNPRIV_DIR=""
	tap_bail "no directory that uid $UNPRIV_UID can reach under ${TMPDIR:-/tmp}, /tmp, /var/tmp or /dev/shm"
}

# lap STEP after each step, timings at the end: how long the steps of a long
# check took, as TAP comments (make check-deb, make check-fresh)
_t_start=$SECONDS
_t_last=$SECONDS
_t_laps=""
lap()
{
	_t_laps="$_t_laps$(printf '%-34s %5d s' "$1" $((SECONDS - _t_last)))
"
	_t_last=$SECONDS
}
timings()
{
	printf '%s' "$_t_laps" | sed 's/^/# time: /'
	printf '# time: %-34s %5d s\n' total $((SECONDS - _t_start))
}
