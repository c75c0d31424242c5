#!/usr/bin/env bash
# Purge of ~1M rows beside the plain DELETEs of the same rows (issue 27): builds, runs bench/purge-cost.ts
# inside the throwaway servers of the tests (BENCH_AUDITS, BENCH_BATCH, BENCH_BASELINE,
# BENCH_BACKENDS: see that file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/purge-cost.ts
