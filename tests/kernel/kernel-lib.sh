# shellcheck shell=bash
# Sourced by tests/kernel/check-kernel.sh and bench/kernel-lockstat: Linux
# sources from Debian's archive, kept as git repositories in the cache, the
# series applied with git am, and kernels configured from tinyconfig plus
# config fragments and built out of tree. Callers set CACHE (an absolute
# path outside the source tree) and define bail (message, details...).
#
# Layout of the cache:
#   apt/                private apt configuration and lists (7.3 only)
#   debs/               linux-source-7.3_*.deb as downloaded
#   src/<series>/       the source as a git repository, tag `pristine`;
#                       branches series-<hash> (the series applied)
#   src/<series>.version  the Debian version it was made from
#   build-<key>/        out-of-tree build directories
#   images/             bzImages, named by hashes of what made them
#   logs/               configuration and build logs
#   .lock, .lock-<series>  see klib_lock

# the kernel's make must not inherit the flags or job server of the make
# that runs the caller, nor an ARCH or output directory of the environment
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS ARCH CROSS_COMPILE O KBUILD_OUTPUT

KLIB_HOST_PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
qemu-system-x86 busybox-static git jq"

sha() { sha256sum | cut -c1-16; }

# Two kinds of lock in the cache, so that a guest run waits only for other
# guests and a kernel build only for work on the same source tree:
#   $CACHE/.lock         the guests (one qemu at a time on a 2-core host)
#                        and the run directories they share;
#   $CACHE/.lock-SERIES  src/SERIES and its build trees: git checkouts,
#                        configuration and builds.
# klib_lock FD NAME WHAT: take $CACHE/NAME on FD, saying so when it waits.
# The caller's children inherit FD: release it (klib_unlock) before
# starting anything that outlives the locked work.
klib_lock() {
	eval "exec $1>\"\$CACHE/$2\"" || bail "cannot open $CACHE/$2"
	if ! flock -n "$1"; then
		echo "# waiting for $CACHE/$2 ($3 of another check-kernel or bench)"
		flock "$1"
	fi
}
klib_unlock() { eval "exec $1>&-"; }

# klib_need_packages PKG...: install the missing ones (root only)
klib_need_packages() {
	local p missing="" log=${TMPDIR:-/tmp}/zsctl-kernel-apt.log
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -eq 0 ] || bail "missing packages:$missing" "run as root, or apt-get install them"
	echo "# installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null 2>&1
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing \
		>"$log" 2>&1 || bail "apt-get install$missing failed" "$(tail -n 20 "$log")"
}

# The archive's URI, as the machine's own apt sources name it: the first
# "deb" entry that is not a -security suite (deb822 .sources files first,
# then one-line .list files). Printed, never written in the tree.
klib_archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; sec = 0; deb = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
				if ($i ~ /^Suites:/ && $i ~ /-security/) sec = 1
				if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
			}
			if (uri != "" && deb && !sec) { print uri; exit }
		}' "$f"
	done | head -n 1 | grep . && return 0
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 !~ /-security/ {
			for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit }
		}' | head -n 1 | grep .
}

# The key that signs trixie's suites: debian-archive-keyring holds it on
# Debian 12 (13/trixie automatic signing key); else the trixie keyring file.
klib_trixie_keyring() {
	local k
	for k in /usr/share/keyrings/debian-archive-keyring.gpg \
		/usr/share/keyrings/debian-archive-trixie-automatic.gpg; do
		if [ -r "$k" ] && gpg --show-keys --with-colons "$k" 2>/dev/null |
			grep -q '^uid:.*(13/trixie)'; then
			echo "$k"
			return 0
		fi
	done
	return 1
}

# klib_fetch_deb PACKAGE SUITE: the newest cached PACKAGE_*.deb in
# $CACHE/debs, downloaded with apt-get download and a private sources list
# (and private lists and cache directories) when there is none. Nothing is
# added to the system's apt configuration. Prints the .deb's path.
klib_fetch_deb() {
	local pkg=$1 suite=$2 apt=$CACHE/apt deb uri key log=$CACHE/logs/apt-$1.log
	deb=$(ls -1 "$CACHE/debs/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$deb" ]; then
		echo "$deb"
		return 0
	fi
	uri=$(klib_archive_uri) || bail "no Debian archive URI in the machine's apt sources"
	key=$(klib_trixie_keyring) ||
		bail "no keyring with the trixie archive key" "install debian-archive-keyring (2023.3 or later)"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" \
		"$CACHE/debs" "$CACHE/logs" || bail "cannot create $apt"
	echo "deb [signed-by=$key] $uri $suite main" >"$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
	apt-get -q "${opts[@]}" update >"$log" 2>&1 ||
		bail "apt-get update of $suite (private lists in $apt) failed" "$(tail -n 10 "$log")"
	# apt downloads as _apt: give it the directory, then take the file back
	rm -rf "$CACHE/debs/tmp" && mkdir -p "$CACHE/debs/tmp" &&
		chown _apt "$CACHE/debs/tmp" 2>/dev/null
	(cd "$CACHE/debs/tmp" && apt-get -q "${opts[@]}" download "$pkg") >>"$log" 2>&1 ||
		bail "apt-get download $pkg from $suite failed" "$(tail -n 10 "$log")"
	deb=$(ls -1 "$CACHE/debs/tmp/${pkg}"_*.deb 2>/dev/null | tail -n 1)
	[ -n "$deb" ] || bail "apt-get download $pkg left no .deb" "$(tail -n 10 "$log")"
	chown root: "$deb" 2>/dev/null
	mv "$deb" "$CACHE/debs/" && rmdir "$CACHE/debs/tmp" || bail "cannot move $deb"
	echo "$CACHE/debs/$(basename "$deb")"
}

# klib_source SERIES (6.12 or 7.3): the source in $CACHE/src/SERIES as a git
# repository with the tag `pristine`, extracted once per Debian version.
# Sets SRC, SRC_PKG, SRC_VER, KVER.
klib_source() {
	local s=$1 tar deb tmp
	SRC_PKG=linux-source-$s
	SRC=$CACHE/src/$s
	case "$s" in
	6.12)
		# Debian 12's own package (bookworm): installed like any other
		klib_need_packages "$SRC_PKG"
		SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
		tar=/usr/src/$SRC_PKG.tar.xz
		;;
	7.3)
		# trixie-backports: downloaded, never installed
		deb=$(klib_fetch_deb "$SRC_PKG" trixie-backports) || exit 1
		SRC_VER=$(dpkg-deb -f "$deb" Version) || bail "$deb is not a Debian package"
		tar=""
		;;
	*) bail "no source recipe for Linux $s" ;;
	esac
	if [ "$(cat "$SRC.version" 2>/dev/null)" != "$SRC_VER" ] || [ ! -d "$SRC/.git" ]; then
		echo "# extracting $SRC_PKG $SRC_VER into $SRC"
		tmp=$SRC.tmp
		rm -rf "$SRC" "$tmp" "$SRC.version" "$CACHE/pkg.tmp"
		mkdir -p "$tmp" || bail "cannot create $tmp"
		if [ -z "$tar" ]; then
			dpkg-deb -x "$deb" "$CACHE/pkg.tmp" || bail "dpkg-deb -x $deb failed"
			tar=$CACHE/pkg.tmp/usr/src/$SRC_PKG.tar.xz
		fi
		[ -r "$tar" ] || bail "$tar missing"
		tar -xJf "$tar" -C "$tmp" --strip-components=1 || bail "cannot extract $tar"
		rm -rf "$CACHE/pkg.tmp"
		# Debian's .gitignore ignores the whole top level: add with -f
		(cd "$tmp" && git init -q && git add -f -A &&
			git -c user.name=check-kernel -c user.email=check-kernel@localhost \
				commit -q -m "Linux from $SRC_PKG $SRC_VER" && git tag pristine) ||
			bail "cannot make a git repository of the source"
		mv "$tmp" "$SRC" && echo "$SRC_VER" >"$SRC.version"
	fi
	KVER=$(make -s -C "$SRC" kernelversion 2>/dev/null)
}

KGIT() { git -C "$SRC" -c user.name=check-kernel -c user.email=check-kernel@localhost "$@"; }

# klib_series_branch KEY PATCH...: the branch series-KEY, the patches applied
# with git am on `pristine` (made once). Sets BRANCH.
klib_series_branch() {
	local key=$1 out
	shift
	BRANCH=series-$key
	KGIT rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null && return 0
	KGIT checkout -q -f --detach pristine || bail "cannot check out the pristine source"
	if ! out=$(KGIT am -q --whitespace=nowarn "$@" 2>&1); then
		KGIT am --abort >/dev/null 2>&1
		bail "the series does not apply to $SRC_PKG $SRC_VER" "$out"
	fi
	KGIT branch "$BRANCH" || bail "git branch $BRANCH failed"
}

# klib_configure BUILD FRAGMENT...: tinyconfig, the fragments' options,
# olddefconfig, made in a scratch directory beside BUILD and copied into
# BUILD only when it differs from BUILD's .config (so that a changed
# fragment rebuilds what it changes, not the whole tree). Prints the
# options that did not end up as written, and fails then.
klib_configure() {
	local build=$1 scratch=$1.config o miss="" log=$CACHE/logs/config-$(basename "$1").log key
	shift
	# configured already from the same fragments and source: nothing to do
	# (a configuration takes a minute or two: kconfig is built first)
	key=$( (echo "$SRC_VER"; cat "$@") | sha)
	[ -f "$build/.config" ] && [ "$(cat "$build/.zsctl-config-key" 2>/dev/null)" = "$key" ] &&
		return 0
	rm -f "$scratch/.config" && mkdir -p "$scratch" "$build" || return 1
	make -C "$SRC" O="$scratch" LOCALVERSION= tinyconfig >"$log" 2>&1 || return 1
	# shellcheck disable=SC2046
	"$SRC/scripts/config" --file "$scratch/.config" \
		$(cat "$@" | sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/--enable \1/p;
			s/^CONFIG_\([A-Z0-9_]*\)=\(.*\)$/--set-val \1 \2/p;
			s/^# CONFIG_\([A-Z0-9_]*\) is not set$/--disable \1/p') || return 1
	make -C "$SRC" O="$scratch" LOCALVERSION= olddefconfig >>"$log" 2>&1 || return 1
	while read -r o; do
		grep -qx "$o" "$scratch/.config" || miss="$miss ${o%=*}"
	done < <(cat "$@" | grep -E '^CONFIG_')
	if [ -n "$miss" ]; then
		echo "not as written in $scratch/.config after olddefconfig:$miss"
		return 1
	fi
	cmp -s "$scratch/.config" "$build/.config" || cp "$scratch/.config" "$build/.config"
	make -C "$SRC" O="$build" LOCALVERSION= olddefconfig >>"$log" 2>&1 &&
		echo "$key" >"$build/.zsctl-config-key"
}

# klib_build BUILD IMAGE LOG [MAKE-ARGS...]: make bzImage in BUILD from the
# checked-out tree, copied to IMAGE. Returns make's status.
klib_build() {
	local build=$1 image=$2 log=$3
	shift 3
	make -C "$SRC" O="$build" LOCALVERSION= -j"$(nproc)" "$@" bzImage >"$log" 2>&1 || return 1
	cp "$build/arch/x86/boot/bzImage" "$image.tmp" && mv "$image.tmp" "$image"
}
