#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build and test patches-tui: the ALSA
# headers (libasound2-dev), pkg-config, tmux (the end-to-end test of the live-coding screen
# drives the real binary in it), and cmake and libclang-dev (the `link` feature, on by default,
# builds Ableton Link's C++ with cmake and binds it with bindgen). Does nothing when they are
# already there.
set -euo pipefail

packages="libasound2-dev pkg-config tmux cmake libclang-dev"

have_alsa() {
  pkg-config --exists alsa 2>/dev/null
}

have_tmux() {
  command -v tmux >/dev/null 2>&1
}

have_cmake() {
  command -v cmake >/dev/null 2>&1
}

# bindgen loads libclang.so at build time; Debian's libclang-dev provides the unversioned link.
have_libclang() {
  [ -n "${LIBCLANG_PATH:-}" ] && return 0
  local lib
  for lib in /usr/lib/llvm-*/lib/libclang.so /usr/lib/*/libclang.so /usr/lib/libclang.so; do
    [ -e "$lib" ] && return 0
  done
  return 1
}

if have_alsa && have_tmux && have_cmake && have_libclang; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: the ALSA development headers, tmux, cmake or libclang are missing and apt-get is not available." >&2
  echo "setup: install them with your package manager (alsa-lib-devel, cmake and clang-devel on Fedora; alsa-lib, cmake and clang on Arch), pkg-config and tmux, then run make again." >&2
  echo "setup: or build without Ableton Link (no cmake or libclang needed): cargo build --no-default-features" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    echo "setup: a package is missing and this is not root; run: apt-get install $packages" >&2
    exit 1
  fi
fi

echo "setup: installing $packages with apt-get"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the package list is split on purpose
if ! "${sudo[@]}" apt-get update -qq || ! "${sudo[@]}" apt-get install -y -qq $packages >/dev/null; then
  echo "setup: apt-get could not install them; install them by hand: sudo apt-get install $packages" >&2
  exit 1
fi
have_alsa || { echo "setup: libasound2-dev installed but pkg-config cannot find alsa" >&2; exit 1; }
have_tmux || { echo "setup: tmux installed but not on PATH" >&2; exit 1; }
have_cmake || { echo "setup: cmake installed but not on PATH" >&2; exit 1; }
have_libclang || { echo "setup: libclang-dev installed but libclang.so not found (set LIBCLANG_PATH)" >&2; exit 1; }
