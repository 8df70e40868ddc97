#!/bin/bash
# tools/debian-chroot.sh: fresh minbase Debian chroots from a cached pristine
# one, for tests that must start from a machine nobody has touched (make
# check-deb; the README's commands on a fresh Debian 12).
#
#   tools/debian-chroot.sh create NAME [PACKAGE...]
#       make the pristine chroot NAME once: debootstrap --variant=minbase of
#       bookworm, then apt-get install --no-install-recommends PACKAGE...
#       (tooling the test needs, e.g. man-db systemd). Kept in the cache; made
#       again when PACKAGE... differ; its package lists are refreshed when
#       older than a day. Prints its directory.
#   tools/debian-chroot.sh copy NAME DIR
#       DIR (must not exist): a copy of the pristine chroot NAME (cp -a), so
#       that every run starts from the same fresh system.
#   tools/debian-chroot.sh mount DIR / umount DIR
#       DIR bound on itself, /proc, /sys and /dev (recursive binds, slaves of
#       the host's), /run/udev and the cache's .deb archive at
#       DIR/var/cache/apt/archives; umount undoes
#       every mount below DIR and fails, naming them, when one stays.
#   tools/debian-chroot.sh run DIR COMMAND...
#       COMMAND in DIR (mounted for the run, unmounted after); enter DIR is
#       run DIR bash -l.
#   tools/debian-chroot.sh remove DIR
#       umount DIR, then delete it; refuses while anything is mounted below.
#   tools/debian-chroot.sh mirror
#       the mirror URIs it would use (the archive, then the security one).
#
# The mirror is the one this machine's apt uses (read from
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list at run time),
# never one written here; ZSCTL_DEBIAN_MIRROR overrides it. The cache
# (ZSCTL_CHROOT_CACHE, default /var/cache/zsctl-deb) holds the pristine
# chroots and the downloaded .debs, shared by every copy (a warm run
# downloads nothing). Needs root and debootstrap (installed when missing).
#
# Exit status: 0 done, 1 failed (the reason on stderr), 2 usage.
set -u -o pipefail

CACHE=${ZSCTL_CHROOT_CACHE:-/var/cache/zsctl-deb}
SUITE=${ZSCTL_CHROOT_SUITE:-bookworm}
# bump when the way a pristine chroot is made changes
RECIPE=1
PROG=debian-chroot

die()
{
	echo "$PROG: $*" >&2
	exit 1
}

usage()
{
	# the comment at the top of this file
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
	exit 2
}

need_root()
{
	[ "$(id -u)" -eq 0 ] || die "$1 needs root (chroot, mount, debootstrap)"
}

# ---- the mirror of this machine's apt --------------------------------------

# Prints "URI SUITE" for each deb source of the machine: deb822 stanzas of
# sources.list.d/*.sources and one-line entries of *.list and sources.list.
apt_sources()
{
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u in uris) for (s in suites) print uris[u], suites[s]
			types = ""; enabled = ""; delete uris; delete suites
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key)
			if (key == "types") { $1 = ""; types = $0 }
			else if (key == "enabled") enabled = tolower($2)
			else if (key == "uris") for (i = 2; i <= NF; i++) uris[i] = $i
			else if (key == "suites") for (i = 2; i <= NF; i++) suites[i] = $i
		}
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		# deb [options] URI SUITE COMPONENT...
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2, $3 }'
	done
}

# Sets MIRROR (the archive) and SECURITY_MIRROR (may be empty).
find_mirrors()
{
	local sources
	sources=$(apt_sources)
	MIRROR=${ZSCTL_DEBIAN_MIRROR:-}
	if [ -z "$MIRROR" ]; then
		# the archive: a suite without -updates, -security, -backports
		MIRROR=$(printf '%s\n' "$sources" | awk '$2 !~ /-/ && $1 ~ /^(https?|file):/ { print $1; exit }')
	fi
	[ -n "$MIRROR" ] ||
		die "no Debian mirror in this machine's apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list); set ZSCTL_DEBIAN_MIRROR"
	SECURITY_MIRROR=$(printf '%s\n' "$sources" | awk '$2 ~ /-security$/ { print $1; exit }')
}

# ---- mounts ----------------------------------------------------------------

# the mount points below DIR, deepest first
mounts_below()
{
	local dir
	dir=$(realpath -m "$1")
	# mountinfo escapes blanks as \040: our directories have none
	awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

do_mount()
{
	local dir=$1
	[ -x "$dir/bin/sh" ] || die "$dir is not a chroot"
	[ -z "$(mounts_below "$dir")" ] || die "$dir is mounted already"
	# DIR a mount point of its own, as / is on a machine: else the tests'
	# unshare -m cannot make the chroot's / private. /run/udev: libudev's
	# database and udevadm settle's socket, for the live tests' devices.
	mkdir -p "$CACHE/archives/partial" "$dir/run/udev" &&
		mount --bind "$dir" "$dir" &&
		mount -t proc proc "$dir/proc" &&
		mount --rbind /sys "$dir/sys" && mount --make-rslave "$dir/sys" &&
		mount --rbind /dev "$dir/dev" && mount --make-rslave "$dir/dev" &&
		mount --bind "$CACHE/archives" "$dir/var/cache/apt/archives" &&
		{ [ ! -d /run/udev ] || mount --bind /run/udev "$dir/run/udev"; } || {
		do_umount "$dir"
		die "cannot mount /proc, /sys, /dev, /run/udev and the archive cache in $dir"
	}
	# resolve host names as this machine does (the copy may be days old)
	cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

do_umount()
{
	local dir=$1 m left
	for m in $(mounts_below "$dir"); do
		umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null
	done
	left=$(mounts_below "$dir")
	[ -z "$left" ] || die "still mounted below $dir: $left"
}

# ---- the pristine chroot ---------------------------------------------------

# chroot_apt DIR ARGS...: apt-get in the chroot, quiet, never interactive
chroot_apt()
{
	local dir=$1
	shift
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
		apt-get -q -y -o APT::Install-Recommends=false "$@"
}

do_create()
{
	local name=$1 want have dir tmp log
	shift
	case $name in
	'' | *[!a-z0-9._-]*) die "chroot name '$name': use [a-z0-9._-]" ;;
	esac
	need_root create
	want="recipe=$RECIPE suite=$SUITE packages=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
	dir=$CACHE/$name
	mkdir -p "$CACHE/archives/partial" || die "cannot create $CACHE"
	# one creator at a time; copies of a finished one need no lock
	exec 8>"$CACHE/.lock-$name"
	flock 8
	have=$(cat "$dir/.zsctl-chroot" 2>/dev/null)
	if [ -n "$have" ] && [ "$have" != "$want" ]; then
		echo "$PROG: $dir was made with other packages: making it again" >&2
		have=""
	fi
	if [ -z "$have" ]; then
		command -v debootstrap >/dev/null || {
			echo "$PROG: installing debootstrap" >&2
			DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=900 \
				install --no-install-recommends debootstrap >/dev/null ||
				die "cannot install debootstrap (apt-get install debootstrap)"
		}
		find_mirrors
		tmp=$dir.tmp
		log=$CACHE/$name.log
		if [ -d "$tmp" ]; then
			do_umount "$tmp"
			rm -rf --one-file-system "$tmp"
		fi
		rm -rf --one-file-system "$dir"
		echo "$PROG: debootstrap --variant=minbase $SUITE from $MIRROR (log: $log)" >&2
		# debootstrap fetches its .debs into the shared archive cache too
		debootstrap --variant=minbase --cache-dir="$CACHE/archives" \
			"$SUITE" "$tmp" "$MIRROR" >"$log" 2>&1 ||
			die "debootstrap failed: $(tail -n 5 "$log")"
		{
			echo "deb $MIRROR $SUITE main"
			echo "deb $MIRROR $SUITE-updates main"
			[ -z "$SECURITY_MIRROR" ] || echo "deb $SECURITY_MIRROR $SUITE-security main"
		} >"$tmp/etc/apt/sources.list"
		# a package's maintainer scripts never start a service in here
		printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
		chmod 755 "$tmp/usr/sbin/policy-rc.d"
		# keep the downloaded .debs (in the shared cache, mounted per run)
		rm -f "$tmp/etc/apt/apt.conf.d/docker-clean"
		do_mount "$tmp"
		if ! chroot_apt "$tmp" update >>"$log" 2>&1 ||
			{ [ $# -eq 0 ] || ! chroot_apt "$tmp" install "$@" >>"$log" 2>&1; }; then
			do_umount "$tmp"
			die "apt-get install $* in the new chroot failed: $(tail -n 5 "$log")"
		fi
		do_umount "$tmp"
		echo "$want" >"$tmp/.zsctl-chroot"
		mv "$tmp" "$dir" || die "cannot move $tmp to $dir"
	elif [ -z "$(find "$dir/var/lib/apt/lists" -maxdepth 1 -name '*_Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
		# a point release may have replaced the .debs the old lists name
		echo "$PROG: refreshing the package lists of $dir" >&2
		do_mount "$dir"
		chroot_apt "$dir" update >/dev/null 2>&1
		local r=$?
		do_umount "$dir"
		[ $r -eq 0 ] || die "apt-get update in $dir failed"
	fi
	flock -u 8
	echo "$dir"
}

do_copy()
{
	local name=$1 dst=$2 src=$CACHE/$1
	need_root copy
	[ -f "$src/.zsctl-chroot" ] || die "no pristine chroot $name: tools/debian-chroot.sh create $name first"
	[ ! -e "$dst" ] || die "$dst exists"
	[ -z "$(mounts_below "$src")" ] || die "the pristine chroot $src is mounted: not copying it"
	cp -a --reflink=auto "$src" "$dst" || {
		rm -rf --one-file-system "$dst"
		die "cannot copy $src to $dst"
	}
	rm -f "$dst/.zsctl-chroot"
}

do_remove()
{
	local dir=$1
	need_root remove
	[ -d "$dir" ] || return 0
	[ "$(realpath -m "$dir")" != / ] || die "not removing /"
	case $(realpath -m "$dir") in
	"$(realpath -m "$CACHE")"/[!.]*) [ -f "$dir/.zsctl-chroot" ] && die "$dir is a pristine chroot: not removing it" ;;
	esac
	do_umount "$dir"
	# --one-file-system: never into a mount left by anyone
	rm -rf --one-file-system "$dir"
}

do_run()
{
	local dir=$1 r
	shift
	need_root run
	do_mount "$dir"
	trap 'do_umount "$dir"' EXIT
	trap 'exit 130' INT TERM HUP
	chroot "$dir" "$@"
	r=$?
	do_umount "$dir"
	trap - EXIT
	return $r
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
create) [ $# -ge 1 ] || usage; do_create "$@" ;;
copy) [ $# -eq 2 ] || usage; do_copy "$1" "$2" ;;
mount) [ $# -eq 1 ] || usage; need_root mount; do_mount "$1" ;;
umount) [ $# -eq 1 ] || usage; need_root umount; do_umount "$1" ;;
run) [ $# -ge 2 ] || usage; do_run "$@" ;;
enter) [ $# -eq 1 ] || usage; do_run "$1" env TERM="${TERM:-dumb}" bash -l ;;
remove) [ $# -eq 1 ] || usage; do_remove "$1" ;;
mirror) find_mirrors; echo "$MIRROR${SECURITY_MIRROR:+ $SECURITY_MIRROR}" ;;
-h | --help | help) usage ;;
*) usage ;;
esac
