#!/usr/bin/env bash
# Installs the Debian packages in a fresh Debian 12 chroot (debootstrap, minbase), starts what they
# install, purges them and checks nothing of theirs is left (doc/dev/07-PACKAGING.md). As root:
#   scripts/dev.sh package && scripts/check-deb-clean.sh [CHROOT_DIR]
# Needs debootstrap and the Debian mirror; downloads about 120 MB, takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-/tmp/lpm-deb-chroot}
DEBS=(build/release/packages/lpm-studio_*.deb build/release/packages/python3-lpm_*.deb build/release/packages/liblpmcore-dev_*.deb)
for d in "${DEBS[@]}"; do [ -f "$d" ] || { echo "missing $d: run scripts/dev.sh package first" >&2; exit 2; }; done
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
[ -x "$C/bin/bash" ] || debootstrap --variant=minbase bookworm "$C" http://deb.debian.org/debian
cp /etc/resolv.conf "$C/etc/resolv.conf"
mountpoint -q "$C/proc" || mount -t proc proc "$C/proc"
trap 'umount "$C/proc" 2>/dev/null || true' EXIT
inroot() { chroot "$C" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
mkdir -p "$C/tmp/debs" && cp "${DEBS[@]}" "$C/tmp/debs/"
inroot apt-get update -q >/dev/null
# The harness only, not what the packages need: an X server to start the window.
inroot apt-get install -y -q --no-install-recommends xvfb xauth >/dev/null
echo "== install"
inroot bash -c 'apt-get install -y -q /tmp/debs/*.deb' | grep -E "newly installed|additional disk space"
inroot dpkg -L lpm-studio python3-lpm liblpmcore-dev | sort -u > /tmp/lpm-deb-files.txt
echo "== start"
inroot bash -c 'cd / && lpm --version && lpm-studio --version'
inroot bash -c 'cd / && lpm solve --KA 5 --KB 5 --EW 1 --EH 5 --R 100 --json | grep -E "\"(minority_cos|minority_state)\""'
inroot bash -c 'cd / && python3 -c "import lpm; print(\"python:\", lpm.__file__, lpm.solve(KA=5, KB=5, EW=1, EH=5, R=100).minority_cos)"'
inroot bash -c 'cd /tmp && xvfb-run -a -s "-screen 0 1280x1024x24" lpm-studio --preset fig3a --set R=100 --size 1280x800 --screenshot /tmp/installed.png 2>/dev/null'
cp "$C/tmp/installed.png" build/release/packages/installed-screenshot.png && echo "window: build/release/packages/installed-screenshot.png"
echo "== purge"
inroot apt-get purge -y -q lpm-studio python3-lpm liblpmcore-dev | grep -E "to remove"
left=0
while read -r f; do
  if [ "$f" != "/." ] && [ -e "$C$f" ] && [ ! -d "$C$f" ]; then echo "left behind: $f"; left=1; fi
done < /tmp/lpm-deb-files.txt
ls -d "$C/usr/share/lpm-studio" "$C/usr/lib/python3/dist-packages/lpm" 2>/dev/null && left=1
[ $left -eq 0 ] && echo "nothing of the packages is left ($(wc -l < /tmp/lpm-deb-files.txt) paths checked)"
exit $left
