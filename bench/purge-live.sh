#!/usr/bin/env bash
# purge under live traffic at a million rows: builds, starts the throwaway servers of the tests, runs
# bench/purge-live.ts inside them (BENCH_AUDITS, BENCH_BACKENDS, BENCH_BATCH: see that file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/purge-live.ts
