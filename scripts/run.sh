#!/usr/bin/env bash
# Runs the Piaojia desktop app. With no provincial service configured in its
# settings, the app starts the built-in reference service with a demo citizen and
# demo data, so there are receipts to see at once.
#
#   scripts/run.sh                 the desktop app
#   scripts/run.sh --service-only  only the reference service, for two provinces
#                                  (Zhejiang on :8640, Shanghai on :8641), for curl
#                                  and the CLI; extra arguments go to the service
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
target="${CARGO_TARGET_DIR:-target}"

if [ "${1:-}" = "--service-only" ]; then
    shift
    cargo build --locked -p provincial-service
    exec "$target/debug/provincial-service" --demo --test-hooks --province 330000,310000 "$@"
fi

need_desktop_debs
build_ui
cargo build --locked -p piaojia-desktop
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "No display here: running the app on a virtual X display (Xvfb). Run this in a" >&2
    echo "desktop session to see its window." >&2
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$target/debug/piaojia-desktop"
fi
exec "$target/debug/piaojia-desktop"
