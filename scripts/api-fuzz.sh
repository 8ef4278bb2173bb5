#!/usr/bin/env bash
# Fuzzes the reference service's HTTP API against the OpenAPI document it serves:
# schemathesis (from PyPI, in a venv beside the build cache) logs in for real, then
# sends generated requests, valid and invalid, to every operation. Any 5xx answer,
# or any answer that does not match the document, fails the run. Bounded: a fixed
# number of examples per operation, a fixed seed, and a time limit.
# Called by test.sh after the Rust tests (the service binary is built by then).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
venv="${PIAOJIA_TOOLS:-/var/tmp/piaojia-tools}/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi

work=$(mktemp -d)
"$target/debug/provincial-service" --demo --listen 127.0.0.1:0 --test-hooks --demo-receipts 50 \
    >"$work/banner" 2>"$work/log" &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    grep -q "listening on" "$work/banner" && break
    sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/banner")
id=$(sed -n 's/.*demo citizen: .* \([0-9X]\{18\}\)$/\1/p' "$work/banner")
[ -n "$url" ] && [ -n "$id" ] || { cat "$work/banner" "$work/log" >&2; exit 1; }

# A real login: the SMS code comes from the test hook, as in the other tests.
curl -fsS -X POST "$url/v1/auth/sms" -H 'content-type: application/json' \
    -d "{\"id_number\":\"$id\"}" >/dev/null
code=$(curl -fsS "$url/test/sms/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
token=$(curl -fsS -X POST "$url/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"id_number\":\"$id\",\"sms_code\":\"$code\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# From the temporary folder: schemathesis keeps a cache where it runs.
cd "$work"
"$venv/bin/schemathesis" run "$url/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples 10 --seed 20261201 --max-time 120 \
    --workers 1 --no-color --output-sanitize true \
    --suppress-health-check all
