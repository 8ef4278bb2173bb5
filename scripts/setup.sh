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
        echo "Piaojia needs a Rust toolchain (1.85 or newer, with rustfmt and clippy) on PATH." >&2
        exit 1
    fi
}

# Build essentials; SQLCipher is built from source against the system OpenSSL.
need_debs build-essential pkg-config libssl-dev libdbus-1-dev ca-certificates curl
need_rust
