#!/usr/bin/env bash
# Runs Piaojia. Until the desktop app lands, this starts the reference provincial
# service for two provinces (Zhejiang on :8640, Shanghai on :8641) with demo data
# and prints how to reach them. Extra arguments go to the service (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --locked -p provincial-service
exec "${CARGO_TARGET_DIR:-target}/debug/provincial-service" --test-hooks --province 330000,310000 "$@"
