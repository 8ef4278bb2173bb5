#!/usr/bin/env bash
# Runs every test of Piaojia: formatting, lints, then all unit, integration and
# end-to-end tests. Installs and starts what the tests need: a D-Bus session with
# an unlocked gnome-keyring (the real Secret Service) and the sqlcipher CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# poppler-utils, zbar-tools, qpdf: the PDF checks; cups + cups-pdf: a real print queue.
need_debs dbus dbus-x11 gnome-keyring libsecret-tools sqlcipher poppler-utils zbar-tools qpdf cups printer-driver-cups-pdf

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --all-targets --locked

source scripts/cups.sh

log=$(mktemp)
keyrings=$(mktemp -d)
trap 'rm -rf "$log" "$keyrings"' EXIT
# A private D-Bus session with a fresh keyring (in its own XDG_DATA_HOME), unlocked
# before anything touches it; both end with the tests. The password only guards
# this throwaway keyring.
XDG_DATA_HOME="$keyrings" dbus-run-session -- bash -c '
    echo -n "piaojia-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    cargo test --workspace --locked
' 2>&1 | tee "$log"
# One closing line for the whole run: cargo prints one per test binary.
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "all tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
