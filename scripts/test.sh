#!/usr/bin/env bash
# Runs every test of Piaojia: formatting, lints, the UI's type check and unit tests,
# then all unit, integration and end-to-end tests, the desktop app's in its real
# window, and the provincial service's suite once more on PostgreSQL. Installs and starts what the tests need: a D-Bus session with an unlocked
# gnome-keyring (the real Secret Service), cupsd with a PDF queue, Xvfb, and
# tauri-driver with WebKitWebDriver, and a throwaway PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# poppler-utils, zbar-tools, qpdf: the PDF checks; cups + cups-pdf: a real print queue;
# openssl: an independent SM2/SM3 for the seal tests; python3-venv: the API fuzzer.
need_debs dbus dbus-x11 gnome-keyring libsecret-tools sqlcipher poppler-utils zbar-tools qpdf cups printer-driver-cups-pdf \
    openssl python3-venv
need_desktop_debs
# webkit2gtk-driver: WebKitWebDriver; openbox: a window manager, without which the
# kiosk window cannot be fullscreen in Xvfb; wmctrl: asks it to close the kiosk.
need_debs webkit2gtk-driver openbox wmctrl

# tauri-driver, kept beside the build cache so that a warm run does not rebuild it.
tools="${PIAOJIA_TOOLS:-/var/tmp/piaojia-tools}"
if [ ! -x "$tools/bin/tauri-driver" ]; then
    cargo install --locked --root "$tools" tauri-driver --version 2.1.0
fi
export TAURI_DRIVER="$tools/bin/tauri-driver"

# An independent XLSX reader (openpyxl), and an independent OFD renderer (ofd2png)
# with an image comparison (scikit-image), from PyPI in a venv beside the build cache;
# its Pillow also takes the window tests' pictures from the X server.
checks="$tools/check-venv"
if ! "$checks/bin/python" -c "import openpyxl, ofd2png, skimage" 2>/dev/null; then
    python3 -m venv "$checks"
    "$checks/bin/pip" install --quiet --disable-pip-version-check \
        openpyxl==3.1.5 ofd2png==0.0.5 scikit-image==0.26.0 pillow==13.0.0
fi
export PIAOJIA_PYTHON="$checks/bin/python"

build_ui
(cd ui && npm run --silent check && npm test --silent)

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo build --workspace --all-targets --locked

# The production packages (.deb and .rpm, release, no demo service), and the .deb
# installed with apt-get for the window test of the installed app; removed after the
# tests, with a check that nothing of it is left.
bash scripts/package.sh install
export PIAOJIA_INSTALLED_APP=/usr/bin/piaojia-desktop

source scripts/cups.sh
# PostgreSQL, for the service's suite run a second time on it.
source scripts/postgres.sh

log=$(mktemp)
keyrings=$(mktemp -d)
trap 'stop_postgres; rm -rf "$log" "$keyrings"' EXIT
# Whenever the session bus starts a Secret Service (the first use, or after the
# daemon ended half-way), it starts this one: the same keyring, unlocked with the
# same password. The system's own service file would start a daemon that waits for
# a password prompt nobody answers, and every keyring call would hang.
mkdir -p "$keyrings/dbus-1/services"
cat > "$keyrings/dbus-1/services/org.freedesktop.secrets.service" <<'SERVICE'
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=/bin/sh -c 'echo -n piaojia-test-keyring | exec gnome-keyring-daemon --foreground --unlock --components=secrets'
SERVICE
# A virtual X display, and in it a private D-Bus session with a fresh keyring (in its
# own XDG_DATA_HOME), unlocked before anything touches it; all end with the tests.
# The password only guards this throwaway keyring.
XDG_DATA_HOME="$keyrings" xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    set -e
    # Started here so that it is up before the tests; should it end half-way (it
    # did, in some runs), the bus starts it again from the service file above.
    (
        echo -n "piaojia-test-keyring" |
            gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null
    ) &
    keyring=$!
    # Under set -e a failing command here would fail the whole run after the tests
    # passed: the daemon may have ended already (and the bus started another).
    trap "pkill -P $keyring || true; kill $keyring 2>/dev/null || true" EXIT
    for _ in $(seq 100); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q "boolean true" && break
        sleep 0.1
    done
    openbox >/dev/null 2>&1 &
    # One run over the whole workspace: one feature set, the one the build above
    # used, so nothing is built twice. The window tests take turns by themselves.
    cargo test --workspace --locked --no-fail-fast
    bash scripts/test-postgres.sh
' 2>&1 | tee "$log"
bash scripts/package.sh remove-check
# The reference service fuzzed against its own OpenAPI document.
bash scripts/api-fuzz.sh
# One closing line for the whole run: cargo prints one per test binary.
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "all tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
