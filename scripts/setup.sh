# Sourced by run.sh and test.sh: makes a fresh Debian 12 machine (as root) ready to
# build Piaojia. Installs only what is missing, so a warm run costs nothing.

need_debs() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq -o DPkg::Lock::Timeout=900 --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

need_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
    fi
    if ! command -v cargo >/dev/null 2>&1; then
        echo "Piaojia needs a Rust toolchain (1.89 or newer, with rustfmt and clippy) on PATH." >&2
        exit 1
    fi
}

# Build essentials; SQLCipher is built from source against the system OpenSSL.
need_debs build-essential pkg-config libssl-dev libdbus-1-dev ca-certificates curl
need_rust

# The desktop app: WebKitGTK and friends for Tauri, a CJK-capable X server for tests,
# and xdg-utils (xdg-open, which 打开文件夹 calls).
need_desktop_debs() {
    need_debs file libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev \
        xvfb xauth x11-utils dbus-x11 xdg-utils
}

# Node.js 20.19+ with npm builds the UI (Vite 7). Debian 12's own nodejs is 18.
need_node() {
    if ! command -v node >/dev/null 2>&1 ||
        ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
        echo "Piaojia's UI needs Node.js 20.19 or newer with npm on PATH (found: $(node --version 2>/dev/null || echo none))." >&2
        exit 1
    fi
}

# Installs the UI's npm packages when package-lock.json changed, then builds ui/dist,
# which the desktop binary embeds.
build_ui() {
    need_node
    (
        cd ui
        if ! cmp -s package-lock.json node_modules/.piaojia-installed-lock 2>/dev/null; then
            npm ci --no-audit --no-fund --loglevel=error
            cp package-lock.json node_modules/.piaojia-installed-lock
        fi
        # Built aside, then only what changed replaces ui/dist: an unchanged UI keeps
        # its files and their times, and the apps that embed it are not rebuilt.
        local fresh
        fresh=$(mktemp -d)
        npm run --silent build -- --outDir "$fresh" --emptyOutDir >/dev/null
        mkdir -p dist
        (cd "$fresh" && find . -type f) | while IFS= read -r file; do
            if ! cmp -s "$fresh/$file" "dist/$file"; then
                mkdir -p "dist/$(dirname "$file")"
                cp "$fresh/$file" "dist/$file"
            fi
        done
        (cd dist && find . -type f) | while IFS= read -r file; do
            [ -e "$fresh/$file" ] || rm "dist/$file"
        done
        rm -rf "$fresh"
    )
}
