#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build and test patches-tui: the ALSA
# headers (libasound2-dev), pkg-config, and tmux (the end-to-end test of the live-coding screen
# drives the real binary in it). Does nothing when they are already there.
set -euo pipefail

have_alsa() {
  pkg-config --exists alsa 2>/dev/null
}

have_tmux() {
  command -v tmux >/dev/null 2>&1
}

if have_alsa && have_tmux; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: the ALSA development headers or tmux are missing and apt-get is not available." >&2
  echo "setup: install them with your package manager (alsa-lib-devel on Fedora, alsa-lib on Arch), pkg-config and tmux, then run make again." >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    echo "setup: libasound2-dev or tmux is missing and this is not root; run: apt-get install libasound2-dev pkg-config tmux" >&2
    exit 1
  fi
fi

echo "setup: installing libasound2-dev, pkg-config and tmux with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -qq || ! "${sudo[@]}" apt-get install -y -qq libasound2-dev pkg-config tmux >/dev/null; then
  echo "setup: apt-get could not install libasound2-dev or tmux; install them by hand: sudo apt-get install libasound2-dev pkg-config tmux" >&2
  exit 1
fi
have_alsa || { echo "setup: libasound2-dev installed but pkg-config cannot find alsa" >&2; exit 1; }
have_tmux || { echo "setup: tmux installed but not on PATH" >&2; exit 1; }
