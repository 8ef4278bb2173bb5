#!/usr/bin/env bash
# Runs Piaojia. Until the desktop app lands, this starts the reference provincial
# service with demo data and prints how to reach it. Extra arguments go to the
# service (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --locked -p provincial-service
exec "${CARGO_TARGET_DIR:-target}/debug/provincial-service" --test-hooks "$@"
