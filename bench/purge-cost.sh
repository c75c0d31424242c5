#!/usr/bin/env bash
# Purge of ~1M rows beside the plain DELETEs of the same rows (issue 27): builds, runs bench/purge-cost.ts
# against WDM_TEST_PG_URL / WDM_TEST_MYSQL_URL or the local servers (BENCH_AUDITS, BENCH_BATCH,
# BENCH_BACKENDS: see that file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec npx ts-node --transpile-only bench/purge-cost.ts
