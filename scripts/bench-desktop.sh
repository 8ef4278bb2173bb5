#!/usr/bin/env bash
# The desktop app's figures at 100k receipts (cold start to the first list, search
# latency per keystroke, idle memory), on a release build, under Xvfb with a D-Bus
# session and gnome-keyring. Takes a few minutes, most of it the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
need_debs dbus dbus-x11 gnome-keyring webkit2gtk-driver
need_desktop_debs
tools="${PIAOJIA_TOOLS:-/var/tmp/piaojia-tools}"
[ -x "$tools/bin/tauri-driver" ] || cargo install --locked --root "$tools" tauri-driver --version 2.1.0
export TAURI_DRIVER="$tools/bin/tauri-driver"
build_ui
cargo build --release --locked -p piaojia-desktop -p provincial-service -p piaojia-desktop-e2e
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
XDG_DATA_HOME="$keyrings" xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    echo -n "piaojia-bench-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "${CARGO_TARGET_DIR:-target}/release/desktop-bench"
'
