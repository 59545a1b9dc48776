#!/usr/bin/env bash
# The whole test suite: installs what it needs, then unit, integration and
# end-to-end tests (the end-to-end ones need root for network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export VTEP_REQUIRE_TOOLS=1
cargo build --workspace --all-targets
# The end-to-end lab runs the release binary, as a user would.
cargo build --release --bin vtep
cargo test --workspace -- --test-threads=2
