#!/bin/sh
# A fresh minimal Debian chroot, as a new user's machine would be: made
# once with debootstrap --variant=minbase (cached in DIR), then commands run
# in it as root with /proc, /sys, /dev, /dev/pts and /run/udev of this
# machine bound in (zram devices are the host's: they are real).
#
#   tools/fresh-chroot.sh DIR create          debootstrap DIR unless it is complete
#   tools/fresh-chroot.sh DIR run CMD [ARG]...  CMD in DIR (binds undone on any exit)
#   tools/fresh-chroot.sh DIR remove          delete DIR (after undoing any binds)
#
# The suite is $SUITE (default bookworm, Debian 12). The mirror is the one
# this machine's apt uses for that suite (its deb822 or one-line sources):
# no host name is written here.
set -eu

SUITE=${SUITE:-bookworm}
usage()
{
	echo "usage: $0 DIR create | DIR run CMD [ARG]... | DIR remove" >&2
	exit 2
}
[ $# -ge 2 ] || usage
DIR=$1
ACTION=$2
shift 2
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (debootstrap, chroot, mount)" >&2; exit 1; }
case $DIR in /*) ;; *) DIR=$(pwd)/$DIR ;; esac

# mirror_uri: the first URI of this machine's apt sources that serves $SUITE
mirror_uri()
{
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: stanzas separated by blank lines
		awk -v suite="$SUITE" '
			function flush() {
				if (ok && deb && uri != "" && !done) { print uri; done = 1 }
				ok = 0; deb = 0; uri = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^[ \t]*#/ { next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
			END { flush() }
		' "$f"
	done
	# one-line: deb [options] URI SUITE COMPONENT...
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed 's/\[[^]]*\]//' | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2 }'
}

binds="/proc /sys /dev /dev/pts /run/udev"

unbind()
{
	# innermost first, DIR itself last; lazily when busy, so that a process
	# still in there does not keep the host's /dev bound
	for m in $(echo "$binds" | tr ' ' '\n' | sort -r) ""; do
		if mountpoint -q "$DIR$m" 2>/dev/null; then
			umount "$DIR$m" 2>/dev/null || umount -l "$DIR$m"
		fi
	done
}

bind()
{
	trap unbind EXIT
	trap 'exit 130' INT TERM HUP
	# DIR a mount point of its own, as / is on a machine: else the chroot's
	# / cannot be made private in a new mount namespace (unshare -m)
	mountpoint -q "$DIR" || mount --bind "$DIR" "$DIR"
	for m in $binds; do
		[ -d "$m" ] || continue
		mkdir -p "$DIR$m"
		mountpoint -q "$DIR$m" || mount --bind "$m" "$DIR$m"
	done
	# name resolution, for apt-get in the chroot
	cp -L /etc/resolv.conf "$DIR/etc/resolv.conf" 2>/dev/null || :
}

case $ACTION in
create)
	if [ -e "$DIR/.fresh-chroot-complete" ]; then
		echo "$0: $DIR is there (remove it for a new one)"
		exit 0
	fi
	command -v debootstrap >/dev/null ||
		apt-get -o DPkg::Lock::Timeout=900 install -y -qq debootstrap >/dev/null
	uri=$(mirror_uri | head -n 1)
	[ -n "$uri" ] || { echo "$0: no apt source of this machine serves $SUITE" >&2; exit 1; }
	rm -rf "$DIR"
	mkdir -p "$DIR"
	debootstrap --variant=minbase "$SUITE" "$DIR" "$uri" >"$DIR.debootstrap.log" 2>&1 || {
		tail -n 20 "$DIR.debootstrap.log" >&2
		echo "$0: debootstrap failed (log: $DIR.debootstrap.log)" >&2
		exit 1
	}
	# root's home as Debian makes it: 0700
	chmod 0700 "$DIR/root"
	date -u +%FT%TZ >"$DIR/.fresh-chroot-complete"
	echo "$0: $DIR made from $SUITE"
	;;
run)
	[ $# -ge 1 ] || usage
	[ -e "$DIR/.fresh-chroot-complete" ] || { echo "$0: no chroot at $DIR (create it)" >&2; exit 1; }
	bind
	rc=0
	chroot "$DIR" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" || rc=$?
	exit $rc
	;;
remove)
	unbind
	rm -rf "$DIR" "$DIR.debootstrap.log"
	;;
*)
	usage
	;;
esac
