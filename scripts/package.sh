#!/usr/bin/env bash
# The desktop app's packages: `bash scripts/package.sh` builds the production app
# (release, without the built-in demo service) and bundles it as .deb and .rpm with
# Tauri's bundler (the CLI from npm, a dev dependency of the UI). Prints the .deb's
# path on its last line.
#
#   bash scripts/package.sh install      builds, then installs the .deb with apt-get
#   bash scripts/package.sh remove-check removes the installed package and fails if
#                                        any of its files is left on the machine
set -euo pipefail
cd "$(dirname "$0")/.."
package=piaojia

remove_check() {
    local files
    files=$(mktemp)
    dpkg-query -L "$package" >"$files"
    apt-get purge -y -qq "$package" >/dev/null
    local left=0
    while IFS= read -r path; do
        # Folders such as /usr/bin are shared with every other package.
        if [ -e "$path" ] && [ ! -d "$path" ]; then
            echo "left behind by $package: $path" >&2
            left=1
        fi
    done <"$files"
    rm -f "$files"
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        echo "$package is still installed" >&2
        left=1
    fi
    [ "$left" = 0 ] && echo "$package removed; none of its files is left"
    return "$left"
}

if [ "${1:-}" = remove-check ]; then
    remove_check
    exit
fi

source scripts/setup.sh
need_desktop_debs
build_ui
target="${CARGO_TARGET_DIR:-target}"

# One feature set of its own: release, and no demo (the tests build the debug app
# with it). The release profile keeps line tables for profiling; the package's
# binary sheds them (348 MB → 70 MB; its symbols stay, so a panic in the log names
# its functions), then the bundler packs it.
tauri=../ui/node_modules/.bin/tauri
# No Web Inspector: a release build has one only with tauri's devtools feature.
if cargo tree --locked -p piaojia-desktop --no-default-features -e features -i tauri |
    grep -q 'tauri feature "devtools"'; then
    echo "the package would have a Web Inspector (tauri's devtools feature is on)" >&2
    exit 1
fi
(cd src-tauri && "$tauri" build --ci --no-bundle -- --no-default-features --locked) >&2
strip --strip-debug "$target/release/piaojia-desktop"
(cd src-tauri && "$tauri" bundle --ci --bundles deb,rpm) >&2
deb=$(ls -t "$target"/release/bundle/deb/*.deb | head -1)
rpm=$(ls -t "$target"/release/bundle/rpm/*.rpm | head -1)
echo "built $rpm" >&2
if [ "${1:-}" = install ]; then
    apt-get install -y -qq --reinstall "$(realpath "$deb")" >/dev/null
    echo "installed $(dpkg-query -W -f='${Package} ${Version}' "$package")" >&2
fi
echo "$deb"
