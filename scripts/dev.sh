#!/usr/bin/env bash
# LPM Studio's two entry points (README):
#   scripts/dev.sh run    install what is missing, build Release, start lpm-studio
#   scripts/dev.sh test   install what is missing, build, run the whole test suite (GUI under Xvfb)
#   scripts/dev.sh package  install what is missing, build, write the Debian packages (cpack -G DEB)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-svg-dev libxkbcommon-dev libgl-dev
  libvtk9-dev libeigen3-dev libzip-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
  xvfb xauth libgl1-mesa-dri poppler-utils
  python3-dev pybind11-dev python3-numpy python3-pytest
  desktop-file-utils appstream shared-mime-info groff-base dpkg-dev
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

build() {
  cmake --preset release
  cmake --build --preset release -j "$(nproc)"
}

case "${1:-}" in
  run)
    install_missing
    build
    shift
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "lpm-studio: no display here (DISPLAY is not set). On a desktop run: build/release/app/lpm-studio" >&2
      echo "Headless, for a screenshot: xvfb-run -a -s '-screen 0 1280x1024x24' build/release/app/lpm-studio --screenshot shot.png" >&2
      exit 1
    fi
    exec build/release/app/lpm-studio "$@"
    ;;
  test)
    install_missing
    build
    # Anything that draws needs an X server: run the whole suite under Xvfb.
    xvfb-run -a -s "-screen 0 1280x1024x24" ctest --preset release --output-on-failure -j 2
    ;;
  package)
    install_missing
    build
    rm -rf build/release/packages
    cpack --config build/release/CPackConfig.cmake -G DEB -B build/release/packages
    rm -rf build/release/packages/_CPack_Packages
    ls -l build/release/packages/*.deb
    ;;
  *)
    echo "usage: scripts/dev.sh run|test|package" >&2
    exit 2
    ;;
esac
