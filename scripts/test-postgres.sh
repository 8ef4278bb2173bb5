#!/usr/bin/env bash
# Run by test.sh in its test session, after the workspace's tests: the service's
# whole suite again, and the wallet's test of two service instances, on PostgreSQL
# (the server of PIAOJIA_TEST_POSTGRES, started by scripts/postgres.sh). The same
# test binaries the workspace run used, so nothing is built again.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PIAOJIA_TEST_POSTGRES:?start PostgreSQL first: source scripts/postgres.sh}"
artifacts=$(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null)
# The test binary of the crate whose manifest is $1 and whose target is $2.
binary() {
    python3 -c '
import json, sys
manifest, target = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    m = json.loads(line)
    if (m.get("reason") == "compiler-artifact" and m.get("executable")
            and m["manifest_path"].endswith(manifest) and m["target"]["name"] == target
            and m["profile"]["test"]):
        print(m["executable"])
        break
else:
    sys.exit("no test binary for " + manifest + " " + target)
' "$1" "$2" <<<"$artifacts"
}
service=$(binary crates/provincial-service/Cargo.toml integration)
wallet=$(binary crates/wallet/Cargo.toml integration)
echo "the service's suite on PostgreSQL"
(cd crates/provincial-service && "$service")
echo "a wallet and two service instances on PostgreSQL"
(cd crates/wallet && "$wallet" instances::)
